// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the certification bundle's pieces: SHA-256 against the FIPS 180-4
 * vectors (one-shot and in odd chunks), the ustar writer and the strict reader (round
 * trip, long names, truncation at every block, flipped bytes never crash), and bundle
 * + verify in-process on the real mtty report: accepted fresh, a single edited result
 * rejected with a message naming it, an unreadable bundle refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "mc_test.h"
#include "sha256.h"
#include "tar.h"

#define FIXTURE "tests/data/mtty"

START_TEST(test_sha256_vectors)
{
	static const struct { const char *in, *hex; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		  "klmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[MC_SHA256_HEX];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		mc_sha256_hex(v[i].in, strlen(v[i].in), hex);
		ck_assert_str_eq(hex, v[i].hex);
	}
}
END_TEST

/* One million 'a' fed in chunks of every size from 1 to 130: block boundaries everywhere. */
START_TEST(test_sha256_stream)
{
	static char a[130];
	struct mc_sha256 s;
	uint8_t d[MC_SHA256_LEN];
	size_t left = 1000000, chunk = 1;
	char hex[MC_SHA256_HEX];

	memset(a, 'a', sizeof(a));
	mc_sha256_init(&s);
	while (left) {
		size_t n = chunk < left ? chunk : left;

		mc_sha256_update(&s, a, n);
		left -= n;
		chunk = chunk % 130 + 1;
	}
	mc_sha256_final(&s, d);
	for (int i = 0; i < MC_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	ck_assert_int_eq(mc_sha256_file("/nonexistent/x", hex, NULL), -ENOENT);
}
END_TEST

/* A small archive in memory: three files, one with a name that needs the prefix field. */
static char *make_tar(size_t *len, char *longname)
{
	char *buf = NULL, big[513];
	FILE *f = open_memstream(&buf, len);

	memset(big, 'x', sizeof(big));
	snprintf(longname, 200, "top/%s/file.txt",
		 "a-rather-long-directory-name-that-does-not-fit-into-the-hundred-bytes-of-"
		 "the-ustar-name-field-on-its-own");
	ck_assert_int_eq(mc_tar_add(f, "top/report.json", "{}\n", 3, 1700000000), 0);
	ck_assert_int_eq(mc_tar_add(f, "top/empty", "", 0, 0), 0);
	ck_assert_int_eq(mc_tar_add(f, longname, big, sizeof(big), 1), 0);
	ck_assert_int_eq(mc_tar_finish(f), 0);
	fclose(f);
	return buf;
}

START_TEST(test_tar_roundtrip)
{
	char longname[200], err[256], name300[300];
	struct mc_tar_entry *e;
	size_t len;
	char *buf = make_tar(&len, longname);
	int n;

	ck_assert_int_eq(len % 512, 0);
	ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, len, &e, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(e[0].name, "top/report.json");
	ck_assert_int_eq(e[0].len, 3);
	ck_assert(!memcmp(e[0].data, "{}\n", 3));
	ck_assert_int_eq(e[0].mtime, 1700000000);
	ck_assert_int_eq(e[1].len, 0);
	ck_assert_str_eq(e[2].name, longname);
	ck_assert_int_eq(e[2].len, 513);
	ck_assert_int_eq(e[2].data[512], 'x');
	free(e);
	memset(name300, 'n', sizeof(name300) - 1);
	name300[sizeof(name300) - 1] = '\0';
	ck_assert_int_eq(mc_tar_add(stdout, name300, "", 0, 0), -ENAMETOOLONG);
	free(buf);
}
END_TEST

/* Every truncation is refused with a reason; flipped bytes never crash the reader. */
START_TEST(test_tar_hostile)
{
	char longname[200], err[256];
	struct mc_tar_entry *e;
	size_t len;
	char *buf = make_tar(&len, longname);
	uint8_t *copy = malloc(len);
	int n;

	for (size_t cut = 0; cut < len; cut += (cut < 2048 ? 1 : 97)) {
		ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, cut, &e, &n, err, sizeof(err)), -EINVAL);
		ck_assert_ptr_null(e);
		ck_assert(strstr(err, "truncated") || strstr(err, "checksum"));
	}
	srandom(7);
	for (int i = 0; i < 3000; i++) {
		memcpy(copy, buf, len);
		for (int k = 0; k < 1 + i % 4; k++)
			copy[random() % 1536] ^= (uint8_t)(1 + random() % 255);
		if (!mc_tar_parse(copy, len, &e, &n, err, sizeof(err))) {
			for (int k = 0; k < n; k++)
				ck_assert(e[k].data + e[k].len <= copy + len);
			free(e);
		}
	}
	memcpy(copy, buf, len);
	copy[148] ^= 1;	/* the first header's checksum */
	ck_assert_int_eq(mc_tar_parse(copy, len, &e, &n, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad checksum"));
	free(copy);
	free(buf);
}
END_TEST

__attribute__((format(printf, 1, 2)))
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_int_eq(system(cmd), 0);
}

/* verify's output, and its return code in *@rc. */
static char *verify(const char *path, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	*rc = mc_bundle_verify(path, f);
	fclose(f);
	return out;
}

START_TEST(test_bundle_verify)
{
	char dir[] = "/tmp/mc_test_bundle_XXXXXX", src[300], tar[300], out[300];
	struct mc_bundle_opts o = { .dir = src, .out = tar };
	char *msg;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/mtty", dir);
	snprintf(tar, sizeof(tar), "%s/mtty.tar", dir);
	sh("cp -r " FIXTURE " '%s'", src);
	ck_assert_int_eq(mc_bundle_create(&o, out, sizeof(out)), 0);
	ck_assert_str_eq(out, tar);
	msg = verify(tar, &rc);
	ck_assert_msg(rc == 0, "%s", msg);
	ck_assert_ptr_nonnull(strstr(msg, "bundle intact"));
	free(msg);

	/* One result edited, the manifest left alone: named three ways. */
	sh("cd '%s' && mkdir x && tar -xf mtty.tar -C x && cd x/mtty && sed -i "
	   "'/\"id\": \"res.corrupt.header\"/,/\"status\"/ s/\"status\": \"fail\"/\"status\": \"pass\"/' report.json && "
	   "cd .. && tar --format=ustar -cf ../edited.tar mtty", dir);
	snprintf(tar, sizeof(tar), "%s/edited.tar", dir);
	msg = verify(tar, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(msg, "MISMATCH: report.json: SHA-256"));
	ck_assert_ptr_nonnull(strstr(msg, "clause RES-04 is recorded as fail, its cases give pass"));
	ck_assert_ptr_nonnull(strstr(msg, "not ok 359 res.corrupt.header [RES-04]"));
	ck_assert_ptr_nonnull(strstr(msg, "bundle REJECTED"));
	free(msg);

	/* Truncated and missing: unreadable, not "tampered". */
	sh("head -c 10000 '%s/mtty.tar' > '%s/cut.tar'", dir, dir);
	snprintf(tar, sizeof(tar), "%s/cut.tar", dir);
	msg = verify(tar, &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(msg, "truncated"));
	free(msg);
	snprintf(tar, sizeof(tar), "%s/none.tar", dir);
	msg = verify(tar, &rc);
	ck_assert_int_eq(rc, 2);
	free(msg);

	/* A directory without report.json cannot be bundled. */
	o.dir = dir;
	snprintf(tar, sizeof(tar), "%s/x.tar", dir);
	o.out = tar;
	ck_assert_int_eq(mc_bundle_create(&o, out, sizeof(out)), -ENOENT);
	sh("rm -rf '%s'", dir);
}
END_TEST

static Suite *bundle_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_sha256_stream);
	tcase_add_test(tc, test_tar_roundtrip);
	tcase_add_test(tc, test_tar_hostile);
	tcase_add_test(tc, test_bundle_verify);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(bundle_suite)

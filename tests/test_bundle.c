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
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "klog.h"
#include "mc_test.h"
#include "sha256.h"
#include "sign.h"
#include "tar.h"

#define FIXTURE "tests/data/mtty"

START_TEST(test_sha256_vectors)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
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
	ck_assert_int_eq(mc_tar_add(f, "top/report.json", 0644, "{}\n", 3, 1700000000), 0);
	ck_assert_int_eq(mc_tar_add(f, "top/empty", 0644, "", 0, 0), 0);
	ck_assert_int_eq(mc_tar_add(f, longname, 0644, big, sizeof(big), 1), 0);
	ck_assert_int_eq(mc_tar_finish(f), 0);
	fclose(f);
	return buf;
}

START_TEST(test_tar_roundtrip)
{
	char longname[200], err[256], name300[300];
	struct mc_tar t;
	struct mc_tar_entry *e;
	size_t len;
	char *buf = make_tar(&len, longname);

	ck_assert_int_eq(len % 512, 0);
	ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, len, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(t.n, 3);
	e = t.e;
	for (int i = 0; i < 3; i++)
		ck_assert(e[i].canonical && e[i].type == '0' && e[i].mode == 0644);
	ck_assert_int_eq(t.end, len);
	ck_assert_int_eq(t.junk, 0);
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
	ck_assert_int_eq(mc_tar_add(stdout, name300, 0644, "", 0, 0), -ENAMETOOLONG);
	/* A value past its octal field is refused, not written as another (tar_reader found it). */
	{
		uint8_t h[MC_TAR_BLOCK];

		ck_assert_int_eq(mc_tar_header(h, "a", '0', 0644, 0, 077777777777ll), 0);
		ck_assert_int_eq(mc_tar_header(h, "a", '0', 0644, 0, 0100000000000ll), -ERANGE);
		ck_assert_int_eq(mc_tar_header(h, "a", '0', 0644, 1ull << 33, 0), -ERANGE);
		ck_assert_int_eq(mc_tar_header(h, "a", '0', 010000000, 0, 0), -ERANGE);
	}
	free(buf);
}
END_TEST

/* Every truncation is refused with a reason; flipped bytes never crash the reader. */
START_TEST(test_tar_hostile)
{
	char longname[200], err[256];
	struct mc_tar t;
	size_t len;
	char *buf = make_tar(&len, longname);
	uint8_t *copy = malloc(len);

	for (size_t cut = 0; cut < len; cut += (cut < 2048 ? 1 : 97)) {
		ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, cut, &t, err, sizeof(err)), -EINVAL);
		ck_assert_ptr_null(t.e);
		ck_assert(strstr(err, "truncated") || strstr(err, "checksum"));
	}
	srandom(7);
	for (int i = 0; i < 3000; i++) {
		memcpy(copy, buf, len);
		for (int k = 0; k < 1 + i % 4; k++)
			copy[random() % 1536] ^= (uint8_t)(1 + random() % 255);
		if (!mc_tar_parse(copy, len, &t, err, sizeof(err))) {
			for (int k = 0; k < t.n; k++)
				ck_assert(t.e[k].data + t.e[k].len <= copy + len);
			free(t.e);
		}
	}
	memcpy(copy, buf, len);
	copy[148] ^= 1; /* the first header's checksum */
	ck_assert_int_eq(mc_tar_parse(copy, len, &t, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad checksum"));
	free(copy);
	free(buf);
}
END_TEST

__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_int_eq(system(cmd), 0);
}

/* verify's output with public key @key (may be NULL), and its return code in *@rc. */
static char *verify_key(const char *path, const char *key, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	*rc = mc_bundle_verify(path, key, f);
	fclose(f);
	return out;
}

static char *verify(const char *path, int *rc)
{
	return verify_key(path, NULL, rc);
}

/* The whole of file @path (NUL-terminated) and its length. */
/* A fresh copy of the mtty fixture in a new temporary directory, bundled as DIR/b.tar. */
struct fx {
	char dir[64], src[128], tar[128], out[300];
};

static void fixture(struct fx *x, const char *key)
{
	struct mc_bundle_opts o = { .dir = x->src, .out = x->tar, .key = key };

	snprintf(x->dir, sizeof(x->dir), "/tmp/mc_test_bundle_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(x->dir));
	snprintf(x->src, sizeof(x->src), "%s/mtty", x->dir);
	snprintf(x->tar, sizeof(x->tar), "%s/b.tar", x->dir);
	sh("cp -r " FIXTURE " '%s'", x->src);
	ck_assert_int_eq(mc_bundle_create(&o, x->out, sizeof(x->out)), 0);
}

/* A member that is not what `bundle` writes, written raw into a respun bundle. */
struct hostile {
	const char *name;
	char type;
	unsigned mode;
	const char *data;
	int at;		     /* insert before member @at; -1 at the end; -2 after the end marker */
	const char *replace; /* or: replace this member's data by @data, manifest fixed up */
};

static void raw_member(FILE *f, const char *name, char type, unsigned mode, const void *data,
		       size_t len, int64_t mtime)
{
	static const char zero[MC_TAR_BLOCK];
	uint8_t h[MC_TAR_BLOCK];

	ck_assert_int_eq(mc_tar_header(h, name, type, mode, len, mtime), 0);
	fwrite(h, 1, sizeof(h), f);
	fwrite(data, 1, len, f);
	fwrite(zero, 1, (MC_TAR_BLOCK - len % MC_TAR_BLOCK) % MC_TAR_BLOCK, f);
}

/* @man with the member @name's size and digest those of @len bytes at @data (malloc'd). */
static char *patch_manifest(const struct mc_tar_entry *man, const char *name, const char *data,
			    size_t len)
{
	char needle[300], *out, *hexline, *fline, hex[MC_SHA256_HEX];
	const char *text = (const char *)man->data;
	size_t n = man->len;

	snprintf(needle, sizeof(needle), "  %s\n", name);
	out = malloc(n + 64);
	hexline = strstr(text, needle) - 64;
	for (fline = hexline - 1; fline[-1] != '\n'; fline--)
		;
	mc_sha256_hex(data, len, hex);
	n = (size_t)snprintf(out, n + 64, "%.*s# f 0644 %zu %s\n%s%s", (int)(fline - text), text,
			     len, name, hex, hexline + 64);
	return out;
}

/* Bundle @src rewritten to @dst member by member, with @h's change. */
static void respin(const char *src, const char *dst, const struct hostile *h)
{
	struct mc_tar t;
	size_t len;
	char err[256], *buf = mc_test_slurp(src, &len), *man = NULL;
	FILE *f = fopen(dst, "wb");

	ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, len, &t, err, sizeof(err)), 0);
	for (int i = 0; i < t.n; i++) {
		const struct mc_tar_entry *e = &t.e[i];
		const char *slash = strchr(e->name, '/');

		if (h->at == i && !h->replace)
			raw_member(f, h->name, h->type, h->mode, h->data, strlen(h->data),
				   e->mtime);
		if (h->replace && !strcmp(slash + 1, h->replace)) {
			raw_member(f, e->name, '0', 0644, h->data, strlen(h->data), e->mtime);
		} else if (h->replace && i == 0) {
			man = patch_manifest(e, h->replace, h->data, strlen(h->data));
			raw_member(f, e->name, '0', 0644, man, strlen(man), e->mtime);
		} else {
			raw_member(f, e->name, e->type, e->mode, e->data, e->len, e->mtime);
		}
	}
	if (h->at == -1 && !h->replace)
		raw_member(f, h->name, h->type, h->mode, h->data, strlen(h->data), t.e[0].mtime);
	ck_assert_int_eq(mc_tar_finish(f), 0);
	if (h->at == -2)
		raw_member(f, h->name, h->type, h->mode, h->data, strlen(h->data), t.e[0].mtime);
	ck_assert_int_eq(fclose(f), 0);
	free(man);
	free(t.e);
	free(buf);
}

/* Verify of @x's bundle respun with @h: rejected (1) with @want in the output. */
static void rejects(const struct fx *x, const struct hostile *h, const char *want)
{
	char path[200], *msg;
	int rc;

	snprintf(path, sizeof(path), "%s/hostile.tar", x->dir);
	respin(x->tar, path, h);
	msg = verify(path, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, want), "%s: exit %d, wanted 1 and \"%s\":\n%s",
		      h->name, rc, want, msg);
	for (const char *p = msg; *p; p++) /* nothing from the bundle reaches a terminal raw */
		ck_assert_msg(*p == '\n' || ((unsigned char)*p >= 0x20 && *p != 0x7f),
			      "raw control byte 0x%02x in: %s", *p, msg);
	free(msg);
}

/* Every kind of member that a bundle never has is a mismatch, never skipped. */
START_TEST(test_verify_hostile_members)
{
	static const struct hostile h[] = {
		{ "mtty/../evil.sh", '0', 0644, "rm -rf ~\n", -1, NULL },
		{ "../evil/", '5', 0755, "", 3, NULL },
		{ "/etc/cron.d/", '5', 0755, "", -1, NULL },
		{ "mtty/sub/", '5', 0755, "a directory carrying data", -1, NULL },
		{ "mtty/late.txt", '0', 0644, "after the end marker", -2, NULL },
		{ "mtty/setuid", '0', 04777, "#!/bin/sh\n", -1, NULL },
		{ "mtty/link", '2', 0777, "", -1, NULL },
		{ "mtty/report.json", '0', 0644, "{}", -1, NULL },
		{ "mtty/x\x1b]0;owned\x07\x1b[2J", '0', 0644, "", -1, NULL },
	};
	static const char *const want[] = {
		"is not a file name inside mtty/",
		"is of type '5'",
		"is of type '5'",
		"is of type '5'",
		"data after the end-of-archive marker",
		"has mode 4777",
		"is of type '2'",
		"is in the bundle twice",
		"x\\x1b]0;owned\\x07\\x1b[2J",
	};
	struct fx x;
	char *msg;
	int rc;

	fixture(&x, NULL);
	msg = verify(x.tar, &rc);
	ck_assert_msg(rc == 0, "%s", msg);
	free(msg);
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		rejects(&x, &h[i], want[i]);
	sh("rm -rf '%s'", x.dir);
}
END_TEST

/* Any byte of the manifest changed, dropped or added: rejected, never a crash. */
START_TEST(test_verify_manifest_mutations)
{
	struct mc_tar t;
	struct fx x;
	char path[200], err[256], *buf, *copy, *msg;
	size_t len, mlen;
	int rc;

	fixture(&x, NULL);
	snprintf(path, sizeof(path), "%s/m.tar", x.dir);
	buf = mc_test_slurp(x.tar, &len);
	copy = malloc(len);
	ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, len, &t, err, sizeof(err)), 0);
	mlen = t.e[0].len;
	srandom(11);
	for (int i = 0; i < 60; i++) {
		size_t at = MC_TAR_BLOCK + (size_t)random() % mlen;
		FILE *f = fopen(path, "wb");

		memcpy(copy, buf, len);
		copy[at] = i % 3 == 0 ? '\n' :
			   i % 3 == 1 ? ' ' :
					(char)(copy[at] ^ (1 + random() % 127));
		if (copy[at] == buf[at])
			copy[at] ^= 1; /* always a change */
		fwrite(copy, 1, len, f);
		fclose(f);
		msg = verify(path, &rc);
		ck_assert_msg(rc == 1, "byte %zu: exit %d\n%s", at, rc, msg);
		free(msg);
	}
	free(t.e);
	free(copy);
	free(buf);
	sh("rm -rf '%s'", x.dir);
}
END_TEST

/* What verify prints from a bundle is escaped, the verdict line too. */
START_TEST(test_verify_escapes)
{
	struct fx x;
	char *msg;
	int rc;

	fixture(&x, NULL);
	sh("sed -i 's/\"spec\": \"mdev:/\"spec\": \"\\\\u001b]0;pwned\\\\u0007\\\\u009b2Jmdev:/' "
	   "'%s/report.json'",
	   x.src);
	sh("grep -q 'u001b]0;pwned' '%s/report.json'", x.src);
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src, .out = x.tar },
					  x.out, sizeof(x.out)),
			 0);
	msg = verify(x.tar, &rc);
	ck_assert_msg(rc == 0, "%s", msg);
	ck_assert_ptr_null(strchr(msg, 0x1b));
	ck_assert_ptr_null(strchr(msg, 0x07));
	ck_assert_ptr_null(strstr(msg, "\xc2\x9b"));
	ck_assert_ptr_nonnull(strstr(msg, "device \\x1b]0;pwned\\x07\\xc2\\x9b2Jmdev:"));
	free(msg);
	sh("rm -rf '%s'", x.dir);
}
END_TEST

/*
 * A FIFO, device or directory as the bundle: refused at once (a FIFO used to block
 * forever), with the reason every input path gives; a file over 1 GiB by its size.
 */
START_TEST(test_verify_not_regular)
{
	char dir[] = "/tmp/mc_test_fifo_XXXXXX", path[100], *msg;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo.tar", dir);
	sh("mkfifo '%s'", path);
	msg = verify(path, &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_ptr_nonnull(strstr(msg, "not a regular file"));
	free(msg);
	msg = verify("/dev/zero", &rc);
	ck_assert_int_eq(rc, 2);
	free(msg);
	msg = verify(dir, &rc); /* the reason of every input path */
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(msg, "is a directory, not a file"), "%s", msg);
	free(msg);
	snprintf(path, sizeof(path), "%s/huge.tar", dir);
	sh("truncate -s 2G '%s'", path); /* sparse: refused by its size, never read */
	msg = verify(path, &rc);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(msg, "larger than the 1 GiB a bundle may have"), "%s", msg);
	free(msg);
	sh("rm -rf '%s'", dir);
}
END_TEST

/* Member names of bundle @tar: all under "mtty/", none containing @absent. */
static void names_under_mtty(const char *tar, const char *absent)
{
	struct mc_tar t;
	size_t len;
	char err[256], *buf = mc_test_slurp(tar, &len);

	ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, len, &t, err, sizeof(err)), 0);
	for (int i = 0; i < t.n; i++) {
		ck_assert_msg(!strncmp(t.e[i].name, "mtty/", 5), "%s", t.e[i].name);
		ck_assert_msg(!strstr(t.e[i].name, absent), "%s", t.e[i].name);
	}
	ck_assert_ptr_null(memmem(buf, len, "TOPSECRET", 9));
	free(t.e);
	free(buf);
}

/* What lies in a report directory cannot make a bundle reach outside it or break it. */
START_TEST(test_bundle_hostile_dir)
{
	struct fx x;
	char dotdot[200], *msg;
	int rc;

	fixture(&x, NULL);
	sh("echo TOPSECRET > '%s/secret' && ln -s ../secret '%s/notes.txt' && "
	   "mkdir '%s/sub' && ln -s .. '%s/fuzz' && touch \"%s/a$(printf '\\nb').txt\" '%s/%0120d'",
	   x.dir, x.src, x.src, x.src, x.src, x.src, 0);
	snprintf(dotdot, sizeof(dotdot), "%s/sub/..", x.src);
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = dotdot, .out = x.tar },
					  x.out, sizeof(x.out)),
			 0);
	names_under_mtty(x.tar, "notes.txt");
	msg = verify(x.tar, &rc);
	ck_assert_msg(rc == 0, "%s", msg);
	free(msg);
	sh("rm -rf '%s'", x.dir);
}
END_TEST

/* Keys: made once, 0600, never overwritten; signatures verify only what was signed. */
START_TEST(test_sign_roundtrip)
{
	char dir[] = "/tmp/mc_test_sign_XXXXXX", base[100], key[120], pub[120], other[100];
	char opub[120], err[600], *sig, *before, *after;
	size_t siglen, blen, alen;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(base, sizeof(base), "%s/vendor", dir);
	snprintf(key, sizeof(key), "%s.key", base);
	snprintf(pub, sizeof(pub), "%s.pub", base);
	snprintf(other, sizeof(other), "%s/other", dir);
	snprintf(opub, sizeof(opub), "%s.pub", other);
	ck_assert_int_eq(mc_sign_keygen(base, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	before = mc_test_slurp(key, &blen);
	ck_assert_int_eq(mc_sign_keygen(base, err, sizeof(err)), -EEXIST);
	after = mc_test_slurp(key, &alen);
	ck_assert(blen == alen && !memcmp(before, after, blen));
	ck_assert_int_eq(mc_sign_keygen(other, err, sizeof(err)), 0);

	ck_assert_int_eq(mc_sign(key, "manifest\n", 9, &sig, &siglen, err, sizeof(err)), 0);
	ck_assert(!strncmp(sig, "untrusted comment: verify with vendor.pub\n", 42));
	ck_assert_int_eq(mc_sign_check(pub, "manifest\n", 9, sig, siglen, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_sign_check(pub, "manifesT\n", 9, sig, siglen, err, sizeof(err)),
			 -EBADMSG);
	ck_assert_int_eq(mc_sign_check(opub, "manifest\n", 9, sig, siglen, err, sizeof(err)),
			 -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "another key"));
	sig[60] ^= 1;
	ck_assert_int_lt(mc_sign_check(pub, "manifest\n", 9, sig, siglen, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_sign_check(pub, "m", 1, "garbage", 7, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(mc_sign_check(key, "m", 1, sig, siglen, err, sizeof(err)), -ENOKEY);
	free(sig);
	ck_assert_int_eq(mc_sign(pub, "m", 1, &sig, &siglen, err, sizeof(err)) < 0, 1);
	free(before);
	free(after);
	sh("rm -rf '%s'", dir);
}
END_TEST

/*
 * The forgery: a result edited, everything re-rendered, the manifest recomputed. Without
 * a key verify can only call it self-consistent and says so; with the key it is rejected,
 * whether the forger dropped the signature, kept the old one or signed with another key.
 */
START_TEST(test_bundle_forged)
{
	struct fx x;
	char key[100], pub[100], okey[100], err[600], forged[160], *msg;
	struct hostile h = { .type = '0', .mode = 0644, .at = 1 };
	struct mc_tar t;
	size_t len;
	char *buf;
	int rc;

	fixture(&x, NULL);
	snprintf(key, sizeof(key), "%s/v.key", x.dir);
	snprintf(pub, sizeof(pub), "%s/v.pub", x.dir);
	snprintf(okey, sizeof(okey), "%s/o.key", x.dir);
	sh("cd '%s' && rm b.tar", x.dir);
	snprintf(forged, sizeof(forged), "%s/v", x.dir);
	ck_assert_int_eq(mc_sign_keygen(forged, err, sizeof(err)), 0);
	snprintf(forged, sizeof(forged), "%s/o", x.dir);
	ck_assert_int_eq(mc_sign_keygen(forged, err, sizeof(err)), 0);
	ck_assert_int_eq(
		mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src, .out = x.tar, .key = key },
				 x.out, sizeof(x.out)),
		0);
	msg = verify_key(x.tar, pub, &rc);
	ck_assert_msg(rc == 0 && strstr(msg, "intact and signed"), "%s", msg);
	free(msg);

	/* the forgery, self-consistent: a different duration, re-rendered by bundle */
	sh("sed -i 's/\"duration_us\": 1747,/\"duration_us\": 1,/' '%s/report.json'", x.src);
	snprintf(forged, sizeof(forged), "%s/forged.tar", x.dir);
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src, .out = forged },
					  x.out, sizeof(x.out)),
			 0);
	msg = verify(forged, &rc);
	ck_assert_msg(rc == 0 && strstr(msg, "NOT AUTHENTICATED") &&
			      strstr(msg, "only that the bundle is self-consistent"),
		      "%s", msg);
	free(msg);
	msg = verify_key(forged, pub, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, "the bundle is not signed"), "%s", msg);
	free(msg);

	/* ... with the genuine bundle's signature spliced in */
	buf = mc_test_slurp(x.tar, &len);
	ck_assert_int_eq(mc_tar_parse((uint8_t *)buf, len, &t, err, sizeof(err)), 0);
	ck_assert(strstr(t.e[1].name, "MANIFEST.sha256.sig"));
	h.name = t.e[1].name;
	h.data = strndup((const char *)t.e[1].data, t.e[1].len);
	respin(forged, x.tar, &h);
	msg = verify_key(x.tar, pub, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, "the signature does not verify"), "%s", msg);
	free(msg);
	free((char *)h.data);
	free(t.e);
	free(buf);

	/* ... signed with the forger's own key */
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src,
								    .out = forged,
								    .key = okey },
					  x.out, sizeof(x.out)),
			 0);
	msg = verify_key(forged, pub, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, "made with another key"), "%s", msg);
	free(msg);
	msg = verify_key(forged, "/nonexistent.pub", &rc);
	ck_assert_int_eq(rc, 2);
	free(msg);
	sh("rm -rf '%s'", x.dir);
}
END_TEST

/* What report.json records against kernel.log and environment.json. */
START_TEST(test_verify_recomputes)
{
	struct hostile h = { .replace = "environment.json" };
	char path[200], *env, *p, *msg;
	struct fx x;
	size_t len;
	int rc;

	fixture(&x, NULL);
	snprintf(path, sizeof(path), "%s/env.tar", x.dir);
	sh("cd '%s' && mkdir x && tar -xf b.tar -C x", x.dir);
	snprintf(x.out, sizeof(x.out), "%s/x/mtty/environment.json", x.dir);
	env = mc_test_slurp(x.out, &len);
	p = strstr(strstr(env, "\"run\""), "\"kernel\": \"") + 11;
	*p = 'X';
	h.data = env;
	respin(x.tar, path, &h);
	msg = verify(path, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, "environment.json: run.kernel is \"X.12.117"), "%s",
		      msg);
	ck_assert_msg(!strstr(msg, "changed after bundling"), "%s", msg);
	free(msg);
	free(env);

	sh("printf '[  99.000001] WARNING: CPU: 0 PID: 1 at drivers/x.c:1 f+0x1/0x2\\n' >> "
	   "'%s/kernel.log'",
	   x.src);
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src, .out = x.tar },
					  x.out, sizeof(x.out)),
			 0);
	msg = verify(x.tar, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, "ROB-01 case rob.klog is pass, but kernel.log has 1 "
					     "report line(s)"),
		      "%s", msg);
	free(msg);

	/* A log with the run's window marked: only what is inside it counts. */
	sh("printf '[ 100.0] " MC_KLOG_MARK_FROM "\\n[ 101.0] ok\\n[ 102.0] " MC_KLOG_MARK_TO
	   "\\n[ 103.0] BUG: KASAN: slab-use-after-free in later+0x1/0x2\\n' >> '%s/kernel.log'",
	   x.src);
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src, .out = x.tar },
					  x.out, sizeof(x.out)),
			 0);
	msg = verify(x.tar, &rc);
	ck_assert_msg(rc == 0 && strstr(msg, "checked: ROB-01 against kernel.log (0 report "
					     "line(s) in the run's window)"),
		      "%s", msg);
	free(msg);
	sh("printf '[ 104.0] " MC_KLOG_MARK_FROM "\\n[ 105.0] UBSAN: shift-out-of-bounds in a.c:1:2"
	   "\\n' >> '%s/kernel.log'",
	   x.src);
	ck_assert_int_eq(mc_bundle_create(&(struct mc_bundle_opts){ .dir = x.src, .out = x.tar },
					  x.out, sizeof(x.out)),
			 0);
	msg = verify(x.tar, &rc);
	ck_assert_msg(rc == 1 && strstr(msg, "kernel.log has 1 report line(s) it counts, the "
					     "first: \"[ 105.0] UBSAN"),
		      "%s", msg);
	free(msg);
	sh("rm -rf '%s'", x.dir);
}
END_TEST

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
	   "cd .. && tar --format=ustar -cf ../edited.tar mtty",
	   dir);
	snprintf(tar, sizeof(tar), "%s/edited.tar", dir);
	msg = verify(tar, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(msg, "MISMATCH: report.json: "));
	ck_assert_ptr_nonnull(strstr(msg, "changed after bundling"));
	ck_assert_ptr_nonnull(
		strstr(msg, "clause RES-04 is recorded as fail, its cases give pass"));
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
	tcase_add_test(tc, test_verify_hostile_members);
	tcase_add_test(tc, test_verify_escapes);
	tcase_add_test(tc, test_verify_manifest_mutations);
	tcase_add_test(tc, test_verify_not_regular);
	tcase_add_test(tc, test_bundle_hostile_dir);
	tcase_add_test(tc, test_sign_roundtrip);
	tcase_add_test(tc, test_bundle_forged);
	tcase_add_test(tc, test_verify_recomputes);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(bundle_suite)

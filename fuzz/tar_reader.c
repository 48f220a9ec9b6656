// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target tar_reader: the input is a tar file, as `migcheck verify` reads a bundle a
 * customer sent. No device. The input goes through mc_tar_parse() (the parse verify
 * makes), every member is checked against what tar.h promises (headers at block
 * offsets in order, data inside the buffer right after its header, names
 * NUL-terminated, the end marker and the first junk byte where they are), the regular
 * members are written again with mc_tar_add() and must read back the same (writer and
 * reader agree), and then the whole of mc_bundle_verify() runs on the input (through a
 * memfd: verify takes a path), whose answer must be 0, 1 or 2, and 2 (not a readable
 * bundle) when the parse refused the input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bundle.h"
#include "fuzz.h"
#include "tar.h"

#define CLAUSE "TAR"

/* Each member as tar.h describes it; 0 or 1 (a finding). */
static int members(const uint8_t *buf, size_t len, const struct mc_tar *t,
		   struct mc_fuzz_finding *f)
{
	size_t next = 0;

	for (int i = 0; i < t->n; i++) {
		const struct mc_tar_entry *e = &t->e[i];

		if (e->off < next || e->off % MC_TAR_BLOCK || e->off + MC_TAR_BLOCK > len)
			return mc_fuzz_fail(f, CLAUSE, 0, 0, "member %d: header at %zu (after %zu)",
					    i, e->off, next);
		if (e->data != buf + e->off + MC_TAR_BLOCK || e->len > len - e->off - MC_TAR_BLOCK)
			return mc_fuzz_fail(f, CLAUSE, 0, 0,
					    "member %d: %zu bytes of data outside the archive", i,
					    e->len);
		if (strnlen(e->name, sizeof(e->name)) == sizeof(e->name) || !e->name[0])
			return mc_fuzz_fail(f, CLAUSE, 0, 0, "member %d: name not a C string", i);
		next = e->off + MC_TAR_BLOCK + (e->len + MC_TAR_BLOCK - 1) / MC_TAR_BLOCK * MC_TAR_BLOCK;
	}
	if (t->end != next + 2 * MC_TAR_BLOCK || t->end > len)
		return mc_fuzz_fail(f, CLAUSE, 0, 0, "end marker at %zu, members end at %zu",
				    t->end, next);
	for (size_t o = t->end; o < len && (!t->junk || o <= t->junk); o++)
		if ((buf[o] != 0) != (o == t->junk))
			return mc_fuzz_fail(f, CLAUSE, 0, 0, "first junk byte at %zu, not %zu",
					    o, t->junk);
	return 0;
}

/* The regular members written by mc_tar_add() read back as they were. */
static int rewrite(const struct mc_tar *t, struct mc_fuzz_finding *f)
{
	struct mc_tar back = { 0 };
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc = 0, n = 0, k = 0;

	if (!out)
		return mc_fuzz_broken(f, -ENOMEM, "open_memstream: out of memory");
	for (int i = 0; i < t->n; i++) {
		const struct mc_tar_entry *e = &t->e[i];

		/* A name the writer refuses (too long for its split) is not written. */
		if (e->type == '0' && !mc_tar_add(out, e->name, e->mode & 07777, e->data, e->len,
						  e->mtime))
			n++;
	}
	mc_tar_finish(out);
	if (fclose(out)) {
		free(text);
		return mc_fuzz_broken(f, -ENOMEM, "writing the members again: out of memory");
	}
	if (mc_tar_parse((const uint8_t *)text, len, &back, err, sizeof(err))) {
		rc = mc_fuzz_fail(f, CLAUSE, 0, 0, "the members written again do not parse: %s",
				  err);
		goto out;
	}
	for (int i = 0; i < t->n && !rc; i++) {
		const struct mc_tar_entry *e = &t->e[i], *b = k < back.n ? &back.e[k] : NULL;
		uint8_t blk[MC_TAR_BLOCK];

		/* The members mc_tar_add() wrote: those whose header it could make. */
		if (e->type != '0' ||
		    mc_tar_header(blk, e->name, '0', e->mode & 07777, e->len, e->mtime))
			continue;
		if (!b || strcmp(b->name, e->name) || b->type != '0' ||
		    b->mode != (e->mode & 07777) || b->len != e->len || b->mtime != e->mtime ||
		    memcmp(b->data, e->data, e->len) || !b->canonical)
			rc = mc_fuzz_fail(f, CLAUSE, 0, 0,
					  "member %d (%.80s) written again reads back otherwise", i,
					  e->name);
		k++;
	}
	if (!rc && (k != n || back.n != n))
		rc = mc_fuzz_fail(f, CLAUSE, 0, 0, "%d members written again, %d read back", n,
				  back.n);
out:
	free(back.e);
	free(text);
	return rc;
}

/* The input as a file for mc_bundle_verify(): one memfd for the process. */
static int verify(const uint8_t *data, size_t size, struct mc_fuzz_finding *f)
{
	static int fd = -1;
	static FILE *null;
	char path[64];

	if (fd < 0 && (fd = memfd_create("tar_reader", MFD_CLOEXEC)) < 0)
		return mc_fuzz_broken(f, -errno, "memfd_create: %s", strerror(errno));
	if (!null && !(null = fopen("/dev/null", "we")))
		return mc_fuzz_broken(f, -errno, "/dev/null: %s", strerror(errno));
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		return mc_fuzz_broken(f, -EIO, "writing the memfd: %s", strerror(errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return mc_bundle_verify(path, NULL, null);
}

int mc_fuzz_tar_reader(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
		       struct mc_fuzz_finding *f)
{
	struct mc_tar t;
	char err[512] = "";
	int parsed, rc, v;

	(void)ctx;
	parsed = mc_tar_parse(data, size, &t, err, sizeof(err));
	if (parsed) {
		if (parsed != -EINVAL && parsed != -ENOMEM)
			return mc_fuzz_fail(f, CLAUSE, parsed, 0, "refused with an undocumented error");
		if (!err[0] || t.e || t.n)
			return mc_fuzz_fail(f, CLAUSE, parsed, 0,
					    "refused without a reason, or with members kept");
		rc = 0;
	} else {
		rc = members(data, size, &t, f);
		if (!rc)
			rc = rewrite(&t, f);
		free(t.e);
	}
	if (rc)
		return rc;
	v = verify(data, size, f);
	if (v < 0)
		return v;
	if (v > 2 || (parsed && v != 2))
		return mc_fuzz_fail(f, CLAUSE, 0, 0, "verify answers %d to an archive %s", v,
				    parsed ? "the reader refuses" : "the reader reads");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ustar (POSIX.1-1988 as extended by POSIX.1-2001's header layout) for bundles. The
 * writer emits only what a bundle needs; the reader trusts nothing: every header's
 * checksum, octal fields, sizes and the end marker are checked before any byte is used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

#define BLOCK 512

struct ustar {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8];
	char typeflag, linkname[100], magic[6], version[2], uname[32], gname[32];
	char devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct ustar) == BLOCK, "ustar header is one block");

static unsigned checksum(const struct ustar *h)
{
	const unsigned char *p = (const unsigned char *)h;
	unsigned sum = 0;

	for (size_t i = 0; i < BLOCK; i++)
		sum += (i >= offsetof(struct ustar, chksum) &&
			i < offsetof(struct ustar, chksum) + sizeof(h->chksum)) ?
			       ' ' :
			       p[i];
	return sum;
}

/* Octal, zero-padded to @len - 1 digits and NUL-terminated. */
static void octal(char *field, size_t len, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)len - 1, (unsigned long long)v);
	memcpy(field, tmp, len - 1);
	field[len - 1] = '\0';
}

/* Does @v have at most @len - 1 octal digits (what octal() writes into @len bytes)? */
static bool fits(size_t len, uint64_t v)
{
	return v >> (3 * (len - 1)) == 0;
}

/* Split @name into ustar name and prefix at a '/'; false when it cannot fit. */
static bool put_name(struct ustar *h, const char *name)
{
	size_t n = strlen(name);
	const char *cut;

	if (!n)
		return false;
	if (n < sizeof(h->name)) {
		memcpy(h->name, name, n);
		return true;
	}
	for (cut = name + n - 1; cut > name; cut--) {
		if (*cut != '/')
			continue;
		if ((size_t)(cut - name) <= sizeof(h->prefix) &&
		    strlen(cut + 1) < sizeof(h->name) && cut[1]) {
			memcpy(h->prefix, name, (size_t)(cut - name));
			memcpy(h->name, cut + 1, strlen(cut + 1));
			return true;
		}
	}
	return false;
}

int mc_tar_header(uint8_t blk[MC_TAR_BLOCK], const char *name, char type, unsigned mode,
		  uint64_t size, int64_t mtime)
{
	struct ustar *h = (struct ustar *)blk;

	memset(h, 0, sizeof(*h));
	if (!put_name(h, name))
		return -ENAMETOOLONG;
	/*
	 * octal() keeps the leading digits of a value that does not fit its field: a time
	 * past 2242 (8^11 s) or a size of 8 GiB would be written as another one.
	 */
	if (!fits(sizeof(h->mode), mode) || !fits(sizeof(h->size), size) ||
	    !fits(sizeof(h->mtime), mtime > 0 ? (uint64_t)mtime : 0))
		return -ERANGE;
	octal(h->mode, sizeof(h->mode), mode);
	octal(h->uid, sizeof(h->uid), 0);
	octal(h->gid, sizeof(h->gid), 0);
	octal(h->size, sizeof(h->size), size);
	octal(h->mtime, sizeof(h->mtime), mtime > 0 ? (uint64_t)mtime : 0);
	h->typeflag = type;
	memcpy(h->magic, "ustar", 6);
	memcpy(h->version, "00", 2);
	snprintf(h->uname, sizeof(h->uname), "root");
	snprintf(h->gname, sizeof(h->gname), "root");
	snprintf(h->chksum, sizeof(h->chksum), "%06o", checksum(h));
	h->chksum[7] = ' ';
	return 0;
}

int mc_tar_add(FILE *f, const char *name, unsigned mode, const void *data, size_t len,
	       int64_t mtime)
{
	static const char zero[BLOCK];
	uint8_t h[BLOCK];
	int rc = mc_tar_header(h, name, '0', mode, len, mtime);

	if (rc)
		return rc;
	fwrite(h, 1, BLOCK, f);
	if (len)
		fwrite(data, 1, len, f);
	if (len % BLOCK)
		fwrite(zero, 1, BLOCK - len % BLOCK, f);
	return ferror(f) ? -EIO : 0;
}

int mc_tar_finish(FILE *f)
{
	static const char zero[2 * BLOCK];

	fwrite(zero, 1, sizeof(zero), f);
	return ferror(f) ? -EIO : 0;
}

__attribute__((format(printf, 3, 4))) static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* An octal field: digits, then NULs or spaces; false on anything else. */
static bool parse_octal(const char *field, size_t len, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;

	while (i < len && field[i] == ' ')
		i++;
	if (i == len || field[i] < '0' || field[i] > '7')
		return false;
	for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(field[i] - '0');
	}
	for (; i < len; i++)
		if (field[i] != '\0' && field[i] != ' ')
			return false;
	*out = v;
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The header at @h as an entry; @off is its offset for messages. */
static int header(const struct ustar *h, size_t off, struct mc_tar_entry *e, char *err,
		  size_t errlen)
{
	uint64_t sum, size, mtime, mode;
	int np = (int)strnlen(h->prefix, sizeof(h->prefix));
	int nn = (int)strnlen(h->name, sizeof(h->name));

	if (!parse_octal(h->chksum, sizeof(h->chksum), &sum) || sum != checksum(h))
		return bad(err, errlen,
			   "header at byte %zu: bad checksum (not a tar archive, "
			   "or a corrupted one)",
			   off);
	if (memcmp(h->magic, "ustar", 5))
		return bad(err, errlen, "header at byte %zu: not a ustar header", off);
	if (!parse_octal(h->size, sizeof(h->size), &size) ||
	    !parse_octal(h->mtime, sizeof(h->mtime), &mtime) ||
	    !parse_octal(h->mode, sizeof(h->mode), &mode))
		return bad(err, errlen, "header at byte %zu: bad size, time or mode field", off);
	if (!nn)
		return bad(err, errlen, "header at byte %zu: empty file name", off);
	if (size > SIZE_MAX / 2 || mtime > INT64_MAX || mode > 07777777)
		return bad(err, errlen, "header at byte %zu: size, time or mode out of range", off);
	snprintf(e->name, sizeof(e->name), "%.*s%s%.*s", np, h->prefix, np ? "/" : "", nn, h->name);
	e->type = h->typeflag ? h->typeflag : '0';
	e->mode = (unsigned)mode;
	e->len = (size_t)size;
	e->mtime = (int64_t)mtime;
	e->off = off;
	return 0;
}

/* Is @e's header (at @h) and its data padding exactly what the writer makes? */
static bool canonical(const struct ustar *h, const struct mc_tar_entry *e, size_t padded)
{
	uint8_t want[BLOCK];

	return !mc_tar_header(want, e->name, h->typeflag, e->mode, e->len, e->mtime) &&
	       !memcmp(want, h, BLOCK) && all_zero(e->data + e->len, padded - e->len);
}

static int append(struct mc_tar *t, int *cap, const struct mc_tar_entry *e)
{
	if (t->n == *cap) {
		int ncap = *cap ? 2 * *cap : 64;
		struct mc_tar_entry *grown = ncap > 0 && (size_t)ncap < SIZE_MAX / sizeof(*grown) ?
						     realloc(t->e, (size_t)ncap * sizeof(*grown)) :
						     NULL;

		if (!grown)
			return -ENOMEM;
		t->e = grown;
		*cap = ncap;
	}
	t->e[t->n++] = *e;
	return 0;
}

int mc_tar_parse(const uint8_t *buf, size_t len, struct mc_tar *t, char *err, size_t errlen)
{
	struct mc_tar_entry e;
	size_t off = 0;
	int cap = 0, rc;

	memset(t, 0, sizeof(*t));
	for (;;) {
		const struct ustar *h = (const void *)(buf + off);
		size_t padded;

		if (len - off < BLOCK) {
			rc = bad(err, errlen,
				 "truncated: the archive ends at byte %zu without its "
				 "end-of-archive marker",
				 len);
			goto out_free;
		}
		if (all_zero(buf + off, BLOCK)) {
			if (len - off < 2 * BLOCK || !all_zero(buf + off + BLOCK, BLOCK)) {
				rc = bad(err, errlen,
					 "truncated: incomplete end-of-archive marker "
					 "at byte %zu",
					 off);
				goto out_free;
			}
			break;
		}
		rc = header(h, off, &e, err, errlen);
		if (rc)
			goto out_free;
		off += BLOCK;
		padded = (e.len + BLOCK - 1) / BLOCK * BLOCK;
		if (padded > len - off) {
			rc = bad(err, errlen,
				 "truncated: %s needs %zu bytes at byte %zu, the archive "
				 "has %zu",
				 e.name, e.len, off, len - off);
			goto out_free;
		}
		e.data = buf + off;
		e.canonical = canonical(h, &e, padded);
		off += padded;
		rc = append(t, &cap, &e);
		if (rc) {
			snprintf(err, errlen, "out of memory");
			goto out_free;
		}
	}
	t->end = off + 2 * BLOCK;
	for (off = t->end; off < len && !t->junk; off++)
		if (buf[off])
			t->junk = off;
	return 0;

out_free:
	free(t->e);
	memset(t, 0, sizeof(*t));
	return rc;
}

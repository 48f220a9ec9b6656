/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal POSIX ustar writer and a strict reader, enough for certification bundles:
 * regular files only, names of at most 99 bytes plus an optional 154-byte prefix. GNU
 * tar and bsdtar read what this writes; the reader reports every member of any type and
 * whether its header is byte for byte the one this writer makes for the same fields.
 */
#ifndef MC_TAR_H
#define MC_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MC_TAR_BLOCK 512

/*
 * mc_tar_header: build into @blk the ustar header this writer uses for @name of type
 * @type ('0' regular file, '5' directory, ...), permission bits @mode, @size bytes and
 * modification time @mtime (owner root:root, ids 0; a negative one is written as 0).
 * Returns 0, -ENAMETOOLONG when @name is empty or does not fit a ustar header, or -ERANGE
 * when @mode, @size or @mtime does not fit its octal field (8^7, 8^11: 8 GiB, year 2242).
 */
int mc_tar_header(uint8_t blk[MC_TAR_BLOCK], const char *name, char type, unsigned mode,
		  uint64_t size, int64_t mtime);
/*
 * mc_tar_add: append regular file @name (@len bytes at @data, permission bits @mode,
 * modification time @mtime) to @f. Returns 0, -ENAMETOOLONG when @name does not fit a
 * ustar header, -ERANGE as mc_tar_header(), or -EIO when @f reported an error.
 */
int mc_tar_add(FILE *f, const char *name, unsigned mode, const void *data, size_t len,
	       int64_t mtime);
/* mc_tar_finish: the end-of-archive marker (two zero blocks). 0 or -EIO. */
int mc_tar_finish(FILE *f);

struct mc_tar_entry {
	char name[256];	     /* prefix/name, as stored (may be hostile: "../x", "/etc") */
	char type;	     /* typeflag: '0' regular file ('\0' is read as '0'), '5' dir... */
	unsigned mode;	     /* the mode field, all of it (0644, 04777, ...) */
	const uint8_t *data; /* into the parsed buffer */
	size_t len;
	int64_t mtime;
	size_t off;	/* byte offset of the header */
	bool canonical; /* header and padding are exactly what mc_tar_header() and
				 * mc_tar_add() write for these fields */
};

struct mc_tar {
	struct mc_tar_entry *e; /* in archive order; free() */
	int n;
	size_t end;  /* offset just past the end-of-archive marker */
	size_t junk; /* offset of the first non-zero byte after it, 0 when none */
};

/*
 * mc_tar_parse: list every member of the ustar archive in @buf (@len bytes) into @t.
 * A bad header checksum or field, a size that runs past the end (a truncated archive)
 * or a missing end-of-archive marker is -EINVAL with the reason in @err; -ENOMEM when
 * the list cannot grow. Member types, modes, names and what follows the marker are
 * reported, not judged: that is the caller's policy. Linear in @len.
 */
int mc_tar_parse(const uint8_t *buf, size_t len, struct mc_tar *t, char *err, size_t errlen);

#endif /* MC_TAR_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal POSIX ustar writer and a strict reader, enough for certification bundles:
 * regular files (and directories when reading) only, names of at most 99 bytes plus
 * an optional 154-byte prefix. GNU tar and bsdtar read what this writes.
 */
#ifndef MC_TAR_H
#define MC_TAR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * mc_tar_add: append regular file @name (@len bytes at @data, mode 0644, owner 0,
 * modification time @mtime) to @f. Returns 0, -ENAMETOOLONG when @name does not fit
 * a ustar header, or -EIO when @f reported an error.
 */
int mc_tar_add(FILE *f, const char *name, const void *data, size_t len, int64_t mtime);
/* mc_tar_finish: the end-of-archive marker (two zero blocks). 0 or -EIO. */
int mc_tar_finish(FILE *f);

struct mc_tar_entry {
	char name[256];		/* prefix/name */
	const uint8_t *data;	/* into the parsed buffer */
	size_t len;
	int64_t mtime;
};

/*
 * mc_tar_parse: list the regular files of the ustar archive in @buf (@len bytes).
 * Directory entries are skipped; any other type, a bad header checksum, a size that
 * runs past the end (a truncated archive) or a missing end-of-archive marker is
 * -EINVAL with the reason in @err. On success *@out (free()) holds *@n entries whose
 * data points into @buf.
 */
int mc_tar_parse(const uint8_t *buf, size_t len, struct mc_tar_entry **out, int *n,
		 char *err, size_t errlen);

#endif /* MC_TAR_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Input files: every path given to migcheck to read (report.json, expected-verdict and
 * waiver files, case files, kernel logs, fuzz inputs, bundles) is opened here, and only
 * a regular file is read. A FIFO, a device node or a directory is refused at once
 * instead of blocking the command forever or reading without end.
 */
#ifndef MC_FILE_H
#define MC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* mc_file_open / mc_file_read flags */
#define MC_FILE_NOFOLLOW 1u /* a symlink is refused (-ELOOP): files inside a bundle's tree */

/*
 * mc_file_open: open @path read-only. Returns the fd (O_CLOEXEC, blocking reads) or
 * -errno: a directory is -EISDIR, any other file that is not regular (after symlinks,
 * unless @flags has MC_FILE_NOFOLLOW: then a symlink is -ELOOP) -EINVAL, all refused
 * without blocking: the type is checked before the open (a device node is never
 * opened) and again on the fd, opened O_NONBLOCK (a FIFO swapped in cannot block it).
 */
int mc_file_open(const char *path, unsigned flags);

/* mc_file_fopen: mc_file_open(@path, 0) as a "rb" stream; NULL with errno set. */
FILE *mc_file_fopen(const char *path);

/*
 * mc_file_read: the whole regular file @path (opened as mc_file_open(@path, @flags)) into a malloc'd, NUL-terminated *@buf (the
 * NUL not counted in *@len; the caller frees). -EFBIG when it holds more than @max bytes,
 * -errno as mc_file_open() or for a read error, with *@buf NULL.
 */
int mc_file_read(const char *path, size_t max, unsigned flags, char **buf, size_t *len);

/* mc_file_strerror: the text for a -errno of the functions above ("not a regular file"...). */
const char *mc_file_strerror(int rc);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Atomic file output (atomic.c): every file migcheck writes is made under a temporary
 * name in its directory and renamed over the final one, so an interrupted run, render or
 * bundle never leaves half a file where a reader looks.
 */
#ifndef MC_ATOMIC_H
#define MC_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

/*
 * Atomic file output: mc_atomic_open() creates "<dir>/.<name>.tmp.<pid>"; write into
 * the returned FILE; mc_atomic_commit() flushes, fsyncs and renames it over
 * "<dir>/<name>" (and closes the FILE either way). mc_atomic_open() returns NULL with
 * errno set, mc_atomic_commit() returns 0 or -errno; on failure both remove the
 * temporary and print one line on stderr naming the file, so callers need not.
 */
FILE *mc_atomic_open(const char *dir, const char *name, char *tmppath, size_t tmplen);
int mc_atomic_commit(FILE *f, const char *tmppath, const char *dir, const char *name);

/* Split @path into its directory ("." without a slash) and *@name, for mc_atomic_open(). */
void mc_path_split(const char *path, char *dir, size_t dlen, const char **name);
/* Abandon a file from mc_atomic_open(): close it and remove the temporary. */
void mc_atomic_abort(FILE *f, const char *tmppath);

#endif /* MC_ATOMIC_H */

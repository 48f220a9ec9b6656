/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Re-rendering a past run: the files of a report directory (report.json, kernel.log,
 * fuzz-stats*.json) as a named in-memory list, and every output format rendered from a
 * loaded report into memory or into a directory. `migcheck report render`, `bundle`
 * and `verify` share it, so a bundle is checked with exactly the code that made it.
 */
#ifndef MC_RENDER_H
#define MC_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "report.h"
#include "reporter.h"

/* One file of a report directory or bundle, relative name and contents. */
struct mc_rfile {
	char name[256]; /* "report.json", "fuzz/fsm/fuzz-stats.json" */
	char *data;	/* NUL-terminated copy (the NUL is not counted in @len) */
	size_t len;
};

struct mc_rfiles {
	struct mc_rfile *f;
	int n;
};

/*
 * mc_rfiles_scan: read the regular files of @dir (not hidden ones, each at most 256 MiB;
 * with @extras_only just kernel.log and fuzz-stats*.json) and the fuzz-stats*.json files
 * one directory below, sorted by name. -errno with @err set when @dir or a file in it
 * cannot be read.
 */
int mc_rfiles_scan(const char *dir, bool extras_only, struct mc_rfiles *out, char *err,
		   size_t errlen);
/* Add (or replace) @name with a copy of @len bytes at @data; 0 or -ENOMEM. */
int mc_rfiles_put(struct mc_rfiles *fs, const char *name, const void *data, size_t len);
/*
 * mc_rfiles_append: add @name like mc_rfiles_put but without looking it up (a second
 * file of a name is never found by mc_rfiles_get), in amortized constant time.
 */
int mc_rfiles_append(struct mc_rfiles *fs, const char *name, const void *data, size_t len);
/* The file called @name, or NULL (a linear search: for a few look-ups, not one a file). */
const struct mc_rfile *mc_rfiles_get(const struct mc_rfiles *fs, const char *name);
/* Remove @name when present. */
void mc_rfiles_del(struct mc_rfiles *fs, const char *name);
void mc_rfiles_free(struct mc_rfiles *fs);

/* Extras of the HTML page found in @fs: kernel.log and fuzz-stats*.json files. */
struct mc_render_extra {
	struct mc_html_extra x;
	struct mc_json_doc *docs[64];
	const struct mc_json *roots[64];
	const char *names[64];
};
/*
 * mc_render_extra_init: collect @fs's extras into @e (which borrows @fs). A fuzz-stats
 * file that is not valid JSON is skipped with one warning line on stderr.
 */
void mc_render_extra_init(struct mc_render_extra *e, const struct mc_rfiles *fs);
void mc_render_extra_free(struct mc_render_extra *e);

/*
 * mc_render_mem: render @rep as @format ("json", "html", "junit", "ktap") into a
 * malloc'd buffer (*@buf, *@len). @x is used by "html" only and may be NULL.
 */
int mc_render_mem(const struct mc_report *rep, const struct mc_html_extra *x, const char *format,
		  char **buf, size_t *len);

/*
 * mc_render_write: write @len bytes at @buf to @dir/@name atomically (temporary and
 * rename). 0 or -errno, with one line on stderr naming the file on failure.
 */
int mc_render_write(const char *dir, const char *name, const char *buf, size_t len);

/* mkdir -p @path; 0 or -errno. */
int mc_mkdir_p(const char *path);

/* Output file name of @format: "report.json", "report.html", "junit.xml", "report.ktap". */
const char *mc_render_file(const char *format);

#endif /* MC_RENDER_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reporter seam: every output format of a run (KTAP on stdout and in report.ktap,
 * report.json, junit.xml, report.html) fills one const struct mc_reporter_ops, which the runner
 * drives case by case; each format also renders a finished report into any FILE, for
 * `report render`, bundles and the unit tests. Adding a format is one new rep_*.c file.
 */
#ifndef MC_REPORTER_H
#define MC_REPORTER_H

#include <stdio.h>

struct mc_case_result;
struct mc_json;
struct mc_report;
struct mc_run_info;

/*
 * A report format. begin() is called once before the first case with the number of
 * case instances planned, result() once per finished case in order, end() once with the
 * complete report. @outdir may be NULL (stdout-only formats ignore it). All return 0 or
 * -errno; on failure they write one line to stderr naming the file and the error.
 */
struct mc_reporter_ops {
	const char *name;
	int (*begin)(void **priv, const struct mc_run_info *info, int nplanned, const char *outdir);
	int (*result)(void *priv, const struct mc_case_result *r, int index);
	int (*end)(void *priv, const struct mc_report *rep);
};

extern const struct mc_reporter_ops mc_ktap_reporter;  /* stdout, streaming */
extern const struct mc_reporter_ops mc_json_reporter;  /* <outdir>/report.json */
extern const struct mc_reporter_ops mc_junit_reporter; /* <outdir>/junit.xml */
extern const struct mc_reporter_ops mc_html_reporter;  /* <outdir>/report.html */

/* <outdir>/report.ktap: the KTAP of the finished report, as `report render` writes it. */
extern const struct mc_reporter_ops mc_ktap_file_reporter;

/*
 * Render a complete, rolled-up report to @f (what the reporters' end() writes into
 * the output directory; also used to re-render a report and by the unit tests).
 * Return 0 or -errno (-EIO when @f reported an error).
 */
int mc_json_write_report(FILE *f, const struct mc_report *rep);
int mc_junit_write(FILE *f, const struct mc_report *rep);
int mc_ktap_write(FILE *f, const struct mc_report *rep);

/*
 * Inputs of report.html beyond the report itself, all optional (NULL/0 = none):
 * the kernel log of the run (for the lines around a ROB finding) and fuzz campaign
 * statistics (parsed fuzz-stats.json roots, each an object or an array of objects).
 */
struct mc_html_extra {
	const char *klog;      /* NUL-terminated kernel.log text */
	const char *klog_name; /* where it came from, for the page */
	const struct mc_json *const *fuzz;
	const char *const *fuzz_names; /* file of each fuzz[] entry */
	int nfuzz;
};
/* report.html: self-contained (inline CSS/SVG, no network), every string escaped. */
int mc_html_write(FILE *f, const struct mc_report *rep, const struct mc_html_extra *x);

/*
 * Where mc_ktap_reporter writes: @f, or stdout when NULL (the default). Takes effect
 * at the next begin(); the caller keeps ownership of @f.
 */
void mc_ktap_set_stream(FILE *f);

/*
 * The four reporters that write one file from the finished report (report.json,
 * junit.xml, report.html, report.ktap) share these. begin: keep a copy of @outdir as *@priv (-EINVAL
 * without one, -ENOMEM; a line on stderr naming @name either way). result: nothing to
 * do. end: write the file atomically into the kept directory, which it then frees.
 */
int mc_file_reporter_begin(void **priv, const char *outdir, const char *name);
int mc_file_reporter_result(void *priv, const struct mc_case_result *r, int index);
int mc_file_reporter_end(void *priv, const char *name,
			 int (*write)(FILE *f, const struct mc_report *rep),
			 const struct mc_report *rep);

/*
 * Define @ops, the reporter that writes @file into the output directory at end() with
 * @write (like the kernel's DEFINE_SHOW_ATTRIBUTE: the begin/end glue is the same for
 * every one-file format).
 */
#define MC_DEFINE_FILE_REPORTER(ops, file, write)                                         \
	static int ops##_begin(void **priv, const struct mc_run_info *info, int nplanned, \
			       const char *outdir)                                        \
	{                                                                                 \
		(void)info;                                                               \
		(void)nplanned;                                                           \
		return mc_file_reporter_begin(priv, outdir, file);                        \
	}                                                                                 \
	static int ops##_end(void *priv, const struct mc_report *rep)                     \
	{                                                                                 \
		return mc_file_reporter_end(priv, file, write, rep);                      \
	}                                                                                 \
	const struct mc_reporter_ops ops = {                                              \
		.name = file,                                                             \
		.begin = ops##_begin,                                                     \
		.result = mc_file_reporter_result,                                        \
		.end = ops##_end,                                                         \
	}

#endif /* MC_REPORTER_H */

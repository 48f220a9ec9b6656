/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the HTML report (rep_html*.c, rep_svg*.c): inline SVG charts and number
 * formatting. Every label goes through the XML escaper.
 */
#ifndef MC_REP_HTML_H
#define MC_REP_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "escape.h"

/* One row of a distribution chart: p50 bar, p99 extension, max tick (nanoseconds). */
struct mc_bar {
	const char *label;
	double p50, p99, max;
	unsigned count;
};

/* Horizontal bars on a log time axis; @id names the <svg> for tests and links. */
void mc_svg_bars(FILE *f, const char *id, const char *title, const struct mc_bar *rows, int n);

/* How a line chart's axis is labelled: "512 KiB" (a binary unit of its own), "200", "30 s". */
enum mc_axis { MC_AXIS_BYTES, MC_AXIS_NUMBER, MC_AXIS_SECONDS };

/*
 * A line chart of @y1 (blue, legend @l1) and @y2 (orange, legend @l2; both NULL for one
 * line) over @x, @n points each, on a four-step grid from 0. @id names the <svg> for tests
 * and links; @xname is the x axis' title. Series with fewer than 30 points get a dot per
 * point. @sparse draws the given points with a dashed line (a report that kept only the
 * first and last value). The caller keeps every pointer; none is kept after the call.
 */
struct mc_lines {
	const char *id, *title, *xname;
	enum mc_axis xaxis, yaxis;
	const double *x, *y1, *y2;
	const char *l1, *l2;
	int n;
	bool sparse;
};
void mc_svg_lines(FILE *f, const struct mc_lines *c);

/*
 * A fuzz campaign's kernel coverage and exec/s over time (rep_svg_fuzz.c), from the
 * kcov_series/exec_series members of fuzz-stats object @o; nothing when it has neither.
 * @idx numbers the charts' ids (fuzz-kcov-<idx>, fuzz-eps-<idx>).
 */
struct mc_json;
void mc_svg_fuzz_kcov(FILE *f, const struct mc_json *o, int idx);

void mc_fmt_metric(char *buf, size_t len, double v, const char *unit);

#define H(s) mc_xml_str(f, (s))
#define A(s) mc_xml_attr(f, (s))

struct mc_report;
struct mc_case_result;
struct mc_html_extra;

/*
 * Shared by every section (rep_html_util.c): "pass", ... or "waived" for a waived case;
 * a coloured status pill.
 */
const char *mc_html_case_status(const struct mc_case_result *r);
void mc_html_badge(FILE *f, const char *status);
/* The id of case @r's row in the results ("case-" and its name), attribute-escaped. */
void mc_html_case_anchor(FILE *f, const struct mc_case_result *r);

/* The measured sections of the page (rep_html_data.c), each one <section>. */
void mc_html_matrix(FILE *f, const struct mc_report *rep);
void mc_html_timing(FILE *f, const struct mc_report *rep);
void mc_html_precopy(FILE *f, const struct mc_report *rep);
void mc_html_fuzz(FILE *f, const struct mc_html_extra *x);
void mc_html_klog(FILE *f, const struct mc_report *rep, const struct mc_html_extra *x);
void mc_html_waivers(FILE *f, const struct mc_report *rep);
/* The Kernel section (rep_html_kernel.c): kernel, oracles, the run's kernel reports. */
void mc_html_kernel(FILE *f, const struct mc_report *rep);
/* The Coverage section (rep_html_cov.c), when the report has report.json `coverage`. */
void mc_html_coverage(FILE *f, const struct mc_report *rep);
/* Links from case @r's row to the rows of the kernel reports charged to it, if any. */
void mc_html_case_kreports(FILE *f, const struct mc_report *rep, const struct mc_case_result *r);

#endif /* MC_REP_HTML_H */

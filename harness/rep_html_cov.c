// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.html's Coverage section, from report.json's `coverage` (cov.h): how much of the
 * driver's source and of the VFIO core certification reached, the driver's functions it
 * never reached, each case's share, and the driver's source annotated line by line.
 * Reports without coverage (no KCOV kernel, older runs) render without the section.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "rep_html.h"
#include "report.h"

static int64_t num(const struct mc_json *o, const char *key)
{
	int64_t v = 0;

	mc_json_int(mc_json_get(o, key), &v);
	return v;
}

/* A figure; none at all for code that was not measured (no object of it was given). */
static void card(FILE *f, const char *cls, int64_t hit, int64_t n, const char *label)
{
	if (!n) {
		fprintf(f,
			"<div class=\"card %s\"><div class=\"n\">—</div><div class=\"l\">%s "
			"not measured</div></div>",
			cls, label);
		return;
	}
	fprintf(f,
		"<div class=\"card %s\"><div class=\"n\">%.1f%%</div><div class=\"l\">%s "
		"%" PRId64 " / %" PRId64 "</div></div>",
		cls, 100.0 * (double)hit / (double)n, label, hit, n);
}

static void never(FILE *f, const struct mc_json *drv)
{
	const struct mc_json *nv = mc_json_get(drv, "never");
	size_t n = mc_json_count(nv);

	fprintf(f, "<h3>Driver functions certification never reached (%zu)</h3>", n);
	if (!n) {
		fputs("<p id=\"cov-never\" class=\"muted\">None: every function of the driver "
		      "with a coverage point was reached.</p>",
		      f);
		return;
	}
	fputs("<p id=\"cov-never\" class=\"mono\">", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		H(mc_json_string(mc_json_at(nv, i), NULL));
	}
	fputs("</p>", f);
}

static void cases(FILE *f, const struct mc_json *cov, const struct mc_json *drv,
		  const struct mc_json *core)
{
	const struct mc_json *cs = mc_json_get(cov, "cases");

	fprintf(f,
		"<details><summary>Coverage by case (%zu)</summary><div class=\"tscroll\">"
		"<table id=\"cov-cases\">"
		"<thead><tr><th>Case</th><th>Driver lines</th><th>Driver functions</th>"
		"<th>VFIO core lines</th><th></th></tr></thead><tbody>",
		mc_json_count(cs));
	for (size_t i = 0; i < mc_json_count(cs); i++) {
		const struct mc_json *c = mc_json_at(cs, i);
		bool lost = false;

		mc_json_bool(mc_json_get(c, "lost"), &lost);
		fputs("<tr><td class=\"mono\">", f);
		H(mc_json_string(mc_json_get(c, "name"), NULL));
		fprintf(f,
			"</td><td class=\"num\">%" PRId64 " / %" PRId64
			"</td><td class=\"num\">%" PRId64 " / %" PRId64
			"</td><td class=\"num\">%" PRId64 " / %" PRId64 "</td><td>%s</td></tr>",
			num(c, "lines_hit"), num(drv, "lines"), num(c, "functions_hit"),
			num(drv, "functions"), num(c, "core_lines_hit"), num(core, "lines"),
			lost ? "PCs lost (KCOV buffer full)" : "");
	}
	fputs("</tbody></table></div></details>", f);
}

static void core_files(FILE *f, const struct mc_json *core)
{
	const struct mc_json *fs = mc_json_get(core, "files");

	fputs("<details><summary>VFIO core by file</summary><div class=\"tscroll\">"
	      "<table id=\"cov-core\"><thead><tr>"
	      "<th>File</th><th>Lines</th><th>Functions</th></tr></thead><tbody>",
	      f);
	for (size_t i = 0; i < mc_json_count(fs); i++) {
		const struct mc_json *c = mc_json_at(fs, i);

		fputs("<tr><td class=\"mono\">", f);
		H(mc_json_string(mc_json_get(c, "path"), NULL));
		fprintf(f,
			"</td><td class=\"num\">%" PRId64 " / %" PRId64
			"</td><td class=\"num\">%" PRId64 " / %" PRId64 "</td></tr>",
			num(c, "lines_hit"), num(c, "lines"), num(c, "functions_hit"),
			num(c, "functions"));
	}
	fputs("</tbody></table></div></details>", f);
}

/* One driver file's source, each instrumented line marked reached (h) or not (m). */
static void source(FILE *f, const struct mc_json *file, size_t idx)
{
	const struct mc_json *src = mc_json_get(file, "source"),
			     *lh = mc_json_get(file, "line_hits");
	size_t n = mc_json_count(src);
	int64_t *hits = calloc(n + 1, sizeof(*hits));

	if (!hits)
		return;
	for (size_t i = 0; i <= n; i++)
		hits[i] = -1;
	for (size_t i = 0; i < mc_json_count(lh); i++) {
		int64_t l = 0, c = 0;

		mc_json_int(mc_json_at(mc_json_at(lh, i), 0), &l);
		mc_json_int(mc_json_at(mc_json_at(lh, i), 1), &c);
		if (l >= 1 && (size_t)l <= n)
			hits[l] = c;
	}
	fputs("<details><summary>Source: <span class=\"mono\">", f);
	H(mc_json_string(mc_json_get(file, "path"), NULL));
	fprintf(f,
		"</span> (%" PRId64 " of %" PRId64 " instrumented lines reached)</summary>"
		"<pre class=\"src\" id=\"cov-src-%zu\">",
		num(file, "lines_hit"), num(file, "lines"), idx);
	for (size_t l = 1; l <= n; l++) {
		const char *cls = hits[l] > 0 ? " class=\"h\"" : hits[l] == 0 ? " class=\"m\"" : "";

		fprintf(f, "<span%s><i>%zu</i><b>", cls, l);
		if (hits[l] >= 0)
			fprintf(f, "%" PRId64, hits[l]);
		fputs("</b>", f);
		H(mc_json_string(mc_json_at(src, l - 1), NULL));
		fputs("</span>", f);
	}
	fputs("</pre></details>", f);
	free(hits);
}

void mc_html_coverage(FILE *f, const struct mc_report *rep)
{
	const struct mc_json *cov = rep->coverage, *drv, *core, *fs, *mods;

	if (!cov)
		return;
	drv = mc_json_get(cov, "driver");
	core = mc_json_get(cov, "core");
	fs = mc_json_get(drv, "files");
	mods = mc_json_get(cov, "modules");
	fputs("<section id=\"coverage\"><h2>Driver coverage</h2><div class=\"cards\">", f);
	card(f, "c-pass", num(drv, "lines_hit"), num(drv, "lines"), "driver lines");
	card(f, "c-pass", num(drv, "functions_hit"), num(drv, "functions"), "driver functions");
	card(f, "c-waived", num(core, "lines_hit"), num(core, "lines"), "VFIO core lines");
	card(f, "c-waived", num(core, "functions_hit"), num(core, "functions"),
	     "VFIO core functions");
	fputs("</div><p class=\"muted\">KCOV traced each case's device operations in the guest; "
	      "a line counts as instrumented when the compiler put a coverage point on it, as "
	      "reached when a case ran one of them. Objects: <span class=\"mono\">",
	      f);
	for (size_t i = 0; i < mc_json_count(mods); i++) {
		fputs(i ? ", " : "", f);
		H(mc_json_string(mc_json_at(mods, i), NULL));
	}
	fputs("</span>. The numbers beside the source are how many cases reached the line.</p>", f);
	never(f, drv);
	cases(f, cov, drv, core);
	core_files(f, core);
	for (size_t i = 0; i < mc_json_count(fs); i++)
		source(f, mc_json_at(fs, i), i);
	fputs("</section>\n", f);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.html, the measured sections: the arc matrix with the model's expectation on
 * hover, latency and downtime charts, PRE_COPY convergence, fuzz campaigns, the kernel
 * log around ROB findings and the waivers applied. Everything from a device, a kernel
 * or a file is escaped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "errname.h"
#include "json.h"
#include "model.h"
#include "rep_html.h"
#include "report.h"
#include "reporter.h"
#include "waiver.h"

/* A case's name and its status pill. */
static void name_badge(FILE *f, const struct mc_case_result *r)
{
	fputs("<span class=\"mono\">", f);
	H(r->name);
	fputs("</span> ", f);
	mc_html_badge(f, mc_html_case_status(r));
}

/* One matrix cell: class, text and the hover text with the model's expectation. */
static void matrix_cell(FILE *f, uint32_t from, uint32_t to, const struct mc_arc_cell *c)
{
	static const char *const vnames[] = { "untested", "match", "mismatch", "error" };
	const char *cls = (unsigned)c->verdict <= MC_CELL_ERROR ? vnames[c->verdict] : "error";
	char tip[400], obs[120] = "not tested";

	if (c->verdict == MC_CELL_MATCH && c->exp_err)
		cls = "refuse";
	if (c->verdict != MC_CELL_UNTESTED)
		snprintf(obs, sizeof(obs), "%s%s, GET then reported %s",
			 c->obs_err ? mc_errno_name(c->obs_err) : "success",
			 c->obs_err ? "" :
			 c->obs_fd  ? " with a data fd" :
				      " without a data fd",
			 mc_state_name(c->obs_state));
	snprintf(tip, sizeof(tip), "SET %s -> %s\nmodel expects: %s%s\ndevice: %s\nverdict: %s",
		 mc_state_name(from), mc_state_name(to),
		 c->exp_err ? mc_errno_name(c->exp_err) : "success",
		 c->exp_err ? "" :
		 c->exp_fd  ? " with a new data fd" :
			      " without a data fd",
		 obs, (unsigned)c->verdict <= MC_CELL_ERROR ? vnames[c->verdict] : "?");
	fprintf(f, "<td class=\"cell m-%s\" tabindex=\"0\" data-verdict=\"%s\" title=\"", cls,
		(unsigned)c->verdict <= MC_CELL_ERROR ? vnames[c->verdict] : "error");
	A(tip);
	fputs("\">", f);
	if (c->verdict == MC_CELL_UNTESTED)
		fputs("–", f);
	else if (c->verdict == MC_CELL_ERROR)
		fputs("error", f);
	else
		fprintf(f, "%s%s%s", c->verdict == MC_CELL_MISMATCH ? "✗ " : "",
			c->obs_err ? mc_errno_name(c->obs_err) : "ok",
			!c->obs_err && c->obs_fd ? " +fd" : "");
	fputs("</td>", f);
}

void mc_html_matrix(FILE *f, const struct mc_report *rep)
{
	int mism = 0, tested = 0;

	fputs("<section id=\"matrix\"><h2>Arc matrix (FSM-01, FSM-02)</h2>", f);
	if (!rep->have_matrix) {
		fputs("<p class=\"note\">The arc matrix was not measured in this run (the FSM "
		      "cases were filtered out).</p></section>\n",
		      f);
		return;
	}
	fputs("<p class=\"muted\">Row: the state the device was in; column: the state SET "
	      "asked for. Each cell is what the device answered (errno, or ok, +fd when it "
	      "returned a data fd). Tap, click or hover a cell for the reference model's "
	      "expectation.</p><div class=\"tscroll\"><table class=\"matrix\" id=\"arc-matrix\"><tr><th>from \\ to</th>",
	      f);
	for (uint32_t t = 0; t < MC_NSTATES; t++)
		fprintf(f, "<th>%s</th>", mc_state_name(t));
	fputs("</tr>", f);
	for (uint32_t fr = 0; fr < MC_NSTATES; fr++) {
		fprintf(f, "<tr><th>%s</th>", mc_state_name(fr));
		for (uint32_t t = 0; t < MC_NSTATES; t++) {
			matrix_cell(f, fr, t, &rep->matrix[fr][t]);
			mism += rep->matrix[fr][t].verdict == MC_CELL_MISMATCH;
			tested += rep->matrix[fr][t].verdict != MC_CELL_UNTESTED;
		}
		fputs("</tr>\n", f);
	}
	fprintf(f,
		"</table></div><pre id=\"cell-info\" class=\"log\" aria-live=\"polite\">Tap or "
		"click a cell: what the model expects and what the device did.</pre>"
		"<p class=\"legend\"><span><i style=\"background:#d2f4d9\"></i>"
		"succeeded as the model expects</span><span><i style=\"background:#e7eef6\"></i>"
		"refused as the model expects</span><span><i style=\"background:#ffd6d6\"></i>"
		"differs from the model</span><span><i style=\"background:#eddeff\"></i>harness "
		"error</span><span><i style=\"background:#f3f4f6\"></i>not tested (state not "
		"supported or not reachable)</span></p><p>%d arcs tested, <b>%d</b> differ from "
		"the model.</p></section>\n",
		tested, mism);
}

static const struct mc_metric *metric(const struct mc_case_result *r, const char *name)
{
	for (unsigned i = 0; i < r->nmetrics && i < MC_METRICS_MAX; i++)
		if (!strcmp(r->metrics[i].name, name))
			return &r->metrics[i];
	return NULL;
}

static void metrics_table(FILE *f, const struct mc_report *rep)
{
	bool any = false;

	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		for (unsigned k = 0; k < r->nmetrics && k < MC_METRICS_MAX; k++) {
			const struct mc_metric *m = &r->metrics[k];
			char v[40], p50[40], p99[40], mx[40];

			if (!any)
				fputs("<h3>All measurements</h3><div class=\"tscroll\">"
				      "<table id=\"metrics\"><thead><tr>"
				      "<th>Case</th><th>Metric</th><th class=\"num\">samples</th>"
				      "<th class=\"num\">mean / value</th><th class=\"num\">p50</th>"
				      "<th class=\"num\">p99</th><th class=\"num\">max</th></tr></thead>"
				      "<tbody>",
				      f);
			any = true;
			mc_fmt_metric(v, sizeof(v), m->value, m->unit);
			mc_fmt_metric(p50, sizeof(p50), m->p50, m->unit);
			mc_fmt_metric(p99, sizeof(p99), m->p99, m->unit);
			mc_fmt_metric(mx, sizeof(mx), m->max, m->unit);
			fputs("<tr><td class=\"mono\">", f);
			H(r->name);
			fputs("</td><td>", f);
			H(m->name);
			fprintf(f, "</td><td class=\"num\">%u</td><td class=\"num\">", m->count);
			H(v);
			fputs("</td>", f);
			if (m->count > 1) {
				fputs("<td class=\"num\">", f);
				H(p50);
				fputs("</td><td class=\"num\">", f);
				H(p99);
				fputs("</td><td class=\"num\">", f);
				H(mx);
				fputs("</td></tr>\n", f);
			} else {
				fputs("<td></td><td></td><td></td></tr>\n", f);
			}
		}
	}
	if (any)
		fputs("</tbody></table></div>", f);
}

void mc_html_timing(FILE *f, const struct mc_report *rep)
{
	struct mc_bar *bars = calloc((size_t)rep->ncases + 3, sizeof(*bars));
	static const char *const down[] = { "downtime", "stop_copy", "resume_to_stop" };
	int n = 0, nd = 0;

	fputs("<section id=\"timing\"><h2>Timing (TIME-01, TIME-02)</h2>", f);
	if (!bars) {
		fputs("<p class=\"note\">out of memory</p></section>\n", f);
		return;
	}
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];
		const struct mc_metric *m = metric(r, "latency");

		if (!r->clause || strcmp(r->clause->id, "TIME-01") || !m || !m->count)
			continue;
		bars[n++] = (struct mc_bar){ .label = strncmp(r->name, "time.arc:", 9) ?
							      r->name :
							      r->name + 9,
					     .p50 = m->p50,
					     .p99 = m->p99,
					     .max = m->max,
					     .count = m->count };
	}
	fputs("<h3>Latency of each arc (SET, wall time)</h3>", f);
	if (n)
		mc_svg_bars(f, "latency-chart", "Latency per arc", bars, n);
	else
		fputs("<p class=\"note\" id=\"latency-chart\">No arc latency in this report.</p>",
		      f);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		if (!r->clause || strcmp(r->clause->id, "TIME-02"))
			continue;
		for (int k = 0; k < 3; k++) {
			const struct mc_metric *m = metric(r, down[k]);

			if (m && m->count)
				bars[nd++] = (struct mc_bar){ .label = down[k],
							      .p50 = m->p50,
							      .p99 = m->p99,
							      .max = m->max,
							      .count = m->count };
		}
		break;
	}
	fputs("<h3>Stop-copy downtime (SET STOP_COPY to end of stream, plus the destination's "
	      "RESUMING→STOP)</h3>",
	      f);
	if (nd)
		mc_svg_bars(f, "downtime-chart", "Downtime", bars, nd);
	else
		fputs("<p class=\"note\" id=\"downtime-chart\">No downtime measurement in this "
		      "report.</p>",
		      f);
	free(bars);
	metrics_table(f, rep);
	fputs("</section>\n", f);
}

/* "N reads of up to C bytes, T bytes: initial_bytes A -> B": the endpoints of old reports. */
static bool conv_from_detail(const char *d, double x[2], double y[2])
{
	unsigned long long reads, chunk, total, a, b;

	if (sscanf(d, "%llu reads of up to %llu bytes, %llu bytes: initial_bytes %llu -> %llu",
		   &reads, &chunk, &total, &a, &b) != 5)
		return false;
	x[0] = 0, y[0] = (double)a, x[1] = (double)total, y[1] = (double)b;
	return true;
}

void mc_html_precopy(FILE *f, const struct mc_report *rep)
{
	int shown = 0, sparse = 0;

	fputs("<section id=\"precopy\"><h2>PRE_COPY convergence (PRE-02)</h2><p class=\"muted\">"
	      "initial_bytes and dirty_bytes from VFIO_MIG_GET_PRECOPY_INFO after each read of "
	      "the PRE_COPY session: initial_bytes must never grow, dirty_bytes starts at 0."
	      "</p><div class=\"convs\">",
	      f);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];
		const struct mc_metric *xs = metric(r, "read_bytes"),
				       *ini = metric(r, "initial_bytes");
		const struct mc_metric *dirty = metric(r, "dirty_bytes");
		char id[160];
		double x[2], y[2];
		struct mc_lines c = { .id = id,
				      .title = r->name,
				      .xname = "bytes read from the save fd",
				      .xaxis = MC_AXIS_BYTES,
				      .yaxis = MC_AXIS_BYTES,
				      .l1 = "— initial_bytes",
				      .l2 = "— dirty_bytes" };

		if (!r->clause || strcmp(r->clause->id, "PRE-02") || r->status == MC_SKIP)
			continue;
		if (xs && ini && xs->nseries && xs->nseries == ini->nseries) {
			c.x = xs->series, c.y1 = ini->series, c.n = (int)xs->nseries;
			if (dirty && dirty->nseries == xs->nseries)
				c.y2 = dirty->series;
		} else if (conv_from_detail(r->detail, x, y)) {
			c.x = x, c.y1 = y, c.n = 2, c.sparse = true;
			sparse++;
		} else {
			continue; /* nothing to draw: no figure */
		}
		snprintf(id, sizeof(id), "conv-%d", shown);
		fputs("<figure>", f);
		mc_svg_lines(f, &c);
		fputs("<figcaption>", f);
		name_badge(f, r);
		fputs(" ", f);
		H(r->detail);
		fputs("</figcaption></figure>", f);
		shown++;
	}
	fputs("</div>", f);
	if (!shown)
		fputs("<p class=\"note\">No PRE_COPY measurement (the device does not advertise "
		      "PRE_COPY, or the cases were filtered out).</p>",
		      f);
	else if (sparse)
		fputs("<p class=\"note\">Dashed: this report predates the per-read series, so "
		      "only the first and last value (from the case detail) are drawn.</p>",
		      f);
	fputs("</section>\n", f);
}

/* A number or string member of a fuzz-stats object, escaped; "–" when absent. */
static void fuzz_cell(FILE *f, const struct mc_json *o, const char *key)
{
	/* fuzz/campaign.sh's stats.json spells two columns the libFuzzer way. */
	static const char *const alias[][2] = { { "exec_per_s", "exec_per_sec" },
						{ "coverage", "cov" } };
	const struct mc_json *v = mc_json_get(o, key);

	for (size_t i = 0; !v && i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(key, alias[i][0]))
			v = mc_json_get(o, alias[i][1]);
	const char *s = mc_json_string(v, NULL);
	double d;

	fputs(mc_json_is(v, MC_JSON_NUMBER) ? "<td class=\"num\">" : "<td>", f);
	if (s)
		H(s);
	else if (!mc_json_number(v, &d))
		fprintf(f, d < 1e15 && d > -1e15 && d == (double)(long long)d ? "%.0f" : "%.2f", d);
	else
		fputs("–", f);
	fputs("</td>", f);
}

void mc_html_fuzz(FILE *f, const struct mc_html_extra *x)
{
	static const char *const cols[] = { "target",	   "engine",   "execs",
					    "exec_per_s",  "coverage", "driver_pcs",
					    "corpus_size", "crashes",  "seconds" };
	const int ncols = (int)(sizeof(cols) / sizeof(cols[0]));
	int rows = 0;

	fputs("<section id=\"fuzz\"><h2>Fuzz campaigns</h2>", f);
	for (int i = 0; x && i < x->nfuzz; i++) {
		const struct mc_json *v = x->fuzz[i];
		size_t n = mc_json_is(v, MC_JSON_ARRAY) ? mc_json_count(v) : 1;

		for (size_t k = 0; k < n; k++) {
			const struct mc_json *o = mc_json_is(v, MC_JSON_ARRAY) ? mc_json_at(v, k) :
										 v;
			double crashes = 0;

			if (!mc_json_is(o, MC_JSON_OBJECT))
				continue;
			if (!rows++) {
				/* a box of its own: long file names scroll, not the page */
				fputs("<div class=\"tscroll\"><table id=\"fuzz-table\"><thead><tr>",
				      f);
				for (int c = 0; c < ncols; c++)
					fprintf(f, "<th>%s</th>", cols[c]);
				fputs("<th>file</th></tr></thead><tbody>", f);
			}
			mc_json_number(mc_json_get(o, "crashes"), &crashes);
			fprintf(f, "<tr class=\"%s\">", crashes > 0 ? "st-fail" : "st-pass");
			for (int c = 0; c < ncols; c++)
				fuzz_cell(f, o, cols[c]);
			fputs("<td class=\"mono\">", f);
			H(x->fuzz_names ? x->fuzz_names[i] : "");
			fputs("</td></tr>\n", f);
		}
	}
	if (rows)
		fputs("</tbody></table></div>", f);
	/* Kernel coverage over time, for campaigns on a KCOV kernel (vm/vmfuzz-kcov.sh). */
	for (int i = 0; x && i < x->nfuzz; i++)
		if (mc_json_is(x->fuzz[i], MC_JSON_OBJECT))
			mc_svg_fuzz_kcov(f, x->fuzz[i], i);
	if (!rows)
		fputs("<p class=\"muted\" id=\"fuzz-none\">no campaign: the report directory holds "
		      "no fuzz-stats.json.</p>",
		      f);
	fputs("</section>\n", f);
}

/* The kernel message of a finding line "case: [prio,seq: ]text". */
static const char *finding_text(const char *line)
{
	const char *p = strstr(line, ": ");
	unsigned a, b;
	int n = 0;

	p = p ? p + 2 : line;
	if (sscanf(p, "%u,%u: %n", &a, &b, &n) == 2 && n > 0)
		p += n;
	return p;
}

/* Lines of @klog around the first line containing @needle (@nlen bytes): 4 before, 28 after. */
static void klog_excerpt(FILE *f, const char *klog, const char *needle, size_t nlen,
			 const char *name)
{
	const char *hit = NULL, *start, *end;
	char *nd = nlen >= 8 ? strndup(needle, nlen) : NULL, *text;
	int first = 1, last, before = 0;

	if (nd)
		hit = strstr(klog, nd);
	free(nd);
	if (!hit)
		return;
	for (start = hit; start > klog && start[-1] != '\n'; start--)
		;
	while (start > klog && before < 4) {
		for (start--; start > klog && start[-1] != '\n'; start--)
			;
		before++;
	}
	for (const char *p = klog; p < start; p++)
		first += *p == '\n';
	last = first;
	for (end = start; *end && last < first + before + 28; end++)
		last += *end == '\n';
	text = strndup(start, (size_t)(end - start));
	if (!text)
		return;
	fputs("<p class=\"muted\">", f);
	H(name);
	fprintf(f, ", lines %d–%d:</p><pre class=\"log klog-excerpt\">", first,
		end > start && end[-1] == '\n' ? last - 1 : last);
	H(text); /* whole, so multi-byte characters stay intact */
	fputs("</pre>", f);
	free(text);
}

void mc_html_klog(FILE *f, const struct mc_report *rep, const struct mc_html_extra *x)
{
	int found = 0;

	fputs("<section id=\"klog\"><h2>Kernel log (ROB)</h2>", f);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];
		const char *nl;

		if (!r->clause || strcmp(r->clause->group, "ROB") || r->status == MC_PASS ||
		    r->status == MC_SKIP)
			continue;
		found++;
		fputs("<h3>", f);
		name_badge(f, r);
		fputs("</h3><pre class=\"log\">", f);
		H(r->detail);
		fputs("</pre>", f);
		nl = strchr(r->detail, '\n');
		for (int shown = 0; x && x->klog && nl && shown < 3; nl = strchr(nl + 1, '\n')) {
			const char *l = nl + 1, *t = finding_text(l);
			size_t n = strcspn(t, "\n");

			if (!*l)
				break;
			if (!strncmp(l, "  | ", 4))
				continue; /* a report's next line: its first is the needle */
			klog_excerpt(f, x->klog, t, n, x->klog_name ? x->klog_name : "kernel.log");
			shown++;
		}
	}
	if (!found)
		fprintf(f,
			"<p id=\"klog-none\">No ROB finding: no kernel report (WARN, BUG, Oops, KASAN, "
			"UBSAN, lockdep, kmemleak, ...) during the run%s.</p>",
			x && x->klog ? "" :
				       " (the kernel log itself is not part of this rendering)");
	fputs("</section>\n", f);
}

void mc_html_waivers(FILE *f, const struct mc_report *rep)
{
	const struct mc_waivers *w = rep->waivers;

	fputs("<section id=\"waivers\"><h2>Waivers</h2>", f);
	if (!w || !w->n) {
		fputs("<p class=\"muted\">No waiver applied.</p></section>\n", f);
		return;
	}
	fputs("<div class=\"tscroll\"><table id=\"waiver-table\"><thead><tr><th>Clause</th><th>Reason</th>"
	      "<th>Reference</th><th class=\"num\">cases waived</th></tr></thead><tbody>",
	      f);
	for (int i = 0; i < w->n; i++) {
		int n = 0;

		for (int k = 0; k < rep->ncases; k++)
			n += rep->cases[k].waiver == &w->w[i];
		fputs("<tr><td class=\"mono\">", f);
		H(w->w[i].clause);
		fputs("</td><td>", f);
		H(w->w[i].reason);
		fputs("</td><td>", f);
		if (!strncmp(w->w[i].ref, "https://", 8) || !strncmp(w->w[i].ref, "http://", 7)) {
			fputs("<a rel=\"noreferrer\" href=\"", f);
			A(w->w[i].ref);
			fputs("\">", f);
			H(w->w[i].ref);
			fputs("</a>", f);
		} else {
			H(w->w[i].ref);
		}
		fprintf(f, "</td><td class=\"num\">%d</td></tr>", n);
	}
	fputs("</tbody></table></div></section>\n", f);
}

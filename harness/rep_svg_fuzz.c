// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel coverage of a fuzz campaign over time for report.html: the driver's PCs (and
 * all PCs of the code under test), the driver's source lines and the executions per
 * second, from the kcov_series, lines_series ([seconds, lines] rows) and exec_series
 * members vm/vmfuzz-kcov.sh puts in fuzz-stats.json ([seconds, a, b] rows).
 * Drawn by mc_svg_lines() of rep_svg.c, seconds against plain numbers.
 */
#include <math.h>
#include <stdio.h>

#include "json.h"
#include "rep_html.h"
#include "report.h"

#define MAXPTS 256

struct series {
	int n;
	double t[MAXPTS], a[MAXPTS], b[MAXPTS];
};

/* Rows [t, a, b] or [t, a] of member @key of @o; 0 rows when absent or malformed. */
static void series_load(const struct mc_json *o, const char *key, struct series *s)
{
	const struct mc_json *v = mc_json_get(o, key);
	size_t n = mc_json_is(v, MC_JSON_ARRAY) ? mc_json_count(v) : 0;

	s->n = 0;
	for (size_t i = 0; i < n && s->n < MAXPTS; i++) {
		const struct mc_json *r = mc_json_at(v, i);

		s->b[s->n] = 0;
		if (mc_json_count(r) < 2 || mc_json_number(mc_json_at(r, 0), &s->t[s->n]) ||
		    mc_json_number(mc_json_at(r, 1), &s->a[s->n]) ||
		    (mc_json_count(r) > 2 && mc_json_number(mc_json_at(r, 2), &s->b[s->n])))
			continue;
		s->n++;
	}
}

void mc_svg_fuzz_kcov(FILE *f, const struct mc_json *o, int idx)
{
	static struct series k, e, l;
	double rate[MAXPTS];
	char id[48];

	series_load(o, "kcov_series", &k);
	series_load(o, "exec_series", &e);
	series_load(o, "lines_series", &l);
	if (!k.n && !e.n && !l.n)
		return;
	fputs("<div class=\"charts\">", f);
	if (k.n) {
		snprintf(id, sizeof(id), "fuzz-kcov-%d", idx);
		mc_svg_lines(
			f,
			&(struct mc_lines){
				.id = id,
				.xname = "campaign time",
				.xaxis = MC_AXIS_SECONDS,
				.title = "Kernel coverage over the campaign (unique PCs reached)",
				.yaxis = MC_AXIS_NUMBER,
				.x = k.t,
				.y1 = k.a,
				.y2 = k.b,
				.l1 = "— driver PCs",
				.l2 = "— driver, mdev and VFIO core PCs",
				.n = k.n });
	}
	if (l.n) {
		snprintf(id, sizeof(id), "fuzz-lines-%d", idx);
		mc_svg_lines(f, &(struct mc_lines){
					.id = id,
					.xname = "campaign time",
					.xaxis = MC_AXIS_SECONDS,
					.title = "Driver source lines reached over the campaign",
					.yaxis = MC_AXIS_NUMBER,
					.x = l.t,
					.y1 = l.a,
					.l1 = "— driver lines",
					.n = l.n });
	}
	/* exec/s between two progress lines: (execs difference) / (seconds difference) */
	for (int i = 0; i < e.n; i++) {
		double dt = i ? e.t[i] - e.t[i - 1] : e.t[i];

		rate[i] = dt > 0 ? (e.a[i] - (i ? e.a[i - 1] : 0)) / dt : (i ? rate[i - 1] : 0);
	}
	if (e.n) {
		snprintf(id, sizeof(id), "fuzz-eps-%d", idx);
		mc_svg_lines(f,
			     &(struct mc_lines){ .id = id,
						 .xname = "campaign time",
						 .xaxis = MC_AXIS_SECONDS,
						 .title = "Executions per second over the campaign",
						 .yaxis = MC_AXIS_NUMBER,
						 .x = e.t,
						 .y1 = rate,
						 .l1 = "— exec/s",
						 .n = e.n });
	}
	fputs("</div>", f);
}

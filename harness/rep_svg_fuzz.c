// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel coverage of a fuzz campaign over time for report.html: the driver's PCs (and
 * all PCs of the code under test) and the executions per second, from the kcov_series and
 * exec_series members vm/vmfuzz-kcov.sh puts in fuzz-stats.json ([seconds, a, b] rows).
 * Plain SVG 1.1 with presentation classes only, like rep_svg.c.
 */
#include <math.h>
#include <stdio.h>

#include "json.h"
#include "rep_html.h"
#include "report.h"

#define MAXPTS 256
#define X0 70.0
#define X1 420.0
#define Y0 190.0
#define Y1 20.0

struct series {
	int n;
	double t[MAXPTS], a[MAXPTS], b[MAXPTS];
};

/* Rows [t, a, b] of member @key of @o; 0 rows when absent or malformed. */
static void series_load(const struct mc_json *o, const char *key, struct series *s)
{
	const struct mc_json *v = mc_json_get(o, key);
	size_t n = mc_json_is(v, MC_JSON_ARRAY) ? mc_json_count(v) : 0;

	s->n = 0;
	for (size_t i = 0; i < n && s->n < MAXPTS; i++) {
		const struct mc_json *r = mc_json_at(v, i);

		if (mc_json_count(r) < 3 || mc_json_number(mc_json_at(r, 0), &s->t[s->n]) ||
		    mc_json_number(mc_json_at(r, 1), &s->a[s->n]) ||
		    mc_json_number(mc_json_at(r, 2), &s->b[s->n]))
			continue;
		s->n++;
	}
}

/* 1, 2 or 5 times a power of ten, at least @v / 4: the step of a four-line grid. */
static double step_of(double v)
{
	double p;

	v /= 4;
	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

static void label(FILE *f, double x, double y, const char *anchor, const char *cls, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor, cls);
	H(s);
	fputs("</text>", f);
}

static void line(FILE *f, const double *x, const double *y, int n, double xmax, double ymax,
		 const char *cls)
{
	fprintf(f, "<polyline class=\"%s\" points=\"", cls);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", X0 + (X1 - X0) * x[i] / xmax,
			Y0 - (Y0 - Y1) * y[i] / ymax);
	fputs("\"/>", f);
}

/* One chart of @y1 (blue, @l1) and @y2 (orange, @l2; may be NULL) over seconds. */
static void chart(FILE *f, const char *id, const char *title, const double *t, const double *y1,
		  const char *l1, const double *y2, const char *l2, int n)
{
	double tmax = 1, ymax = 1, xs, ys;
	char buf[32];

	for (int i = 0; i < n; i++) {
		tmax = fmax(tmax, t[i]);
		ymax = fmax(ymax, fmax(y1[i], y2 ? y2[i] : 0));
	}
	xs = step_of(tmax);
	ys = step_of(ymax);
	fprintf(f, "<svg id=\"%s\" class=\"chart conv\" viewBox=\"0 0 440 230\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\"><title>", id);
	H(title);
	fputs("</title>", f);
	for (int i = 0; i <= 4; i++) {
		double gy = Y0 - (Y0 - Y1) * i / 4, gx = X0 + (X1 - X0) * i / 4;

		fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"grid\"/>",
			X0, gy, X1, gy);
		snprintf(buf, sizeof(buf), "%g", ys * i);
		label(f, X0 - 6, gy + 4, "end", "tick", buf);
		snprintf(buf, sizeof(buf), "%g s", xs * i);
		label(f, gx, 206, "middle", "tick", buf);
	}
	label(f, 245, 224, "middle", "tick", "campaign time");
	line(f, t, y1, n, 4 * xs, 4 * ys, "initial");
	label(f, 80, 14, "start", "legend initial-l", l1);
	if (y2) {
		line(f, t, y2, n, 4 * xs, 4 * ys, "dirty");
		label(f, 260, 14, "start", "legend dirty-l", l2);
	}
	fputs("</svg>\n", f);
}

void mc_svg_fuzz_kcov(FILE *f, const struct mc_json *o, int idx)
{
	static struct series k, e;
	double rate[MAXPTS];
	char id[48];

	series_load(o, "kcov_series", &k);
	series_load(o, "exec_series", &e);
	if (!k.n && !e.n)
		return;
	fputs("<div class=\"charts\">", f);
	if (k.n) {
		snprintf(id, sizeof(id), "fuzz-kcov-%d", idx);
		chart(f, id, "Kernel coverage over the campaign (unique PCs reached)", k.t, k.a,
		      "— driver PCs", k.b, "— driver, mdev and VFIO core PCs", k.n);
	}
	/* exec/s between two progress lines: (execs difference) / (seconds difference) */
	for (int i = 0; i < e.n; i++) {
		double dt = i ? e.t[i] - e.t[i - 1] : e.t[i];

		rate[i] = dt > 0 ? (e.a[i] - (i ? e.a[i - 1] : 0)) / dt : (i ? rate[i - 1] : 0);
	}
	if (e.n) {
		snprintf(id, sizeof(id), "fuzz-eps-%d", idx);
		chart(f, id, "Executions per second over the campaign", e.t, rate, "— exec/s",
		      NULL, NULL, e.n);
	}
	fputs("</div>", f);
}

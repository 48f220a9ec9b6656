// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inline SVG charts for report.html: latency/downtime distributions (p50, p99, max per
 * row on a log axis) and line charts (PRE_COPY convergence, a fuzz campaign over time). Plain SVG 1.1 with presentation
 * attributes only, so the page's CSP needs no style or script for them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "rep_html.h"
#include "report.h"

#define BAR_W 900     /* viewBox width */
#define BAR_LEFT 230  /* label column */
#define BAR_RIGHT 250 /* value column */
#define BAR_ROW 26

/* "1.2 µs", "3.40 ms"; "96 B", "64.3 KiB"; "2.8 MB/s". */
static void mc_fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f µs", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

static void mc_fmt_bytes(char *buf, size_t len, double b)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

void mc_fmt_metric(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "ns")) {
		mc_fmt_ns(buf, len, v);
	} else if (!strcmp(unit, "B")) {
		mc_fmt_bytes(buf, len, v);
	} else if (!strcmp(unit, "B/s")) {
		mc_fmt_bytes(buf, len - 2 > 0 ? len - 2 : len, v);
		strncat(buf, "/s", len - strlen(buf) - 1);
	} else {
		snprintf(buf, len, "%.4g%s%s", v, unit[0] && strcmp(unit, "ratio") ? " " : "",
			 strcmp(unit, "ratio") ? unit : "");
	}
}

/* log10, clamped to [0, 18]: the axis arithmetic casts it to int. */
static double lg(double v)
{
	return log10(v > 1 ? (v < 1e18 ? v : 1e18) : 1);
}

static void text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor,
		cls);
	mc_xml_str(f, s);
	fputs("</text>", f);
}

/* Decade grid lines from 10^lo to 10^hi on [x0, x1]. */
static void log_grid(FILE *f, int lo, int hi, double x0, double x1, double top, double bottom)
{
	static const char *const names[] = { "1 ns", "10 ns", "100 ns", "1 µs", "10 µs", "100 µs",
					     "1 ms", "10 ms", "100 ms", "1 s",	"10 s" };

	for (int d = lo; d <= hi; d++) {
		double x = x0 + (x1 - x0) * (d - lo) / (hi - lo);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>",
			x, top, x, bottom);
		text(f, x, bottom + 14, "middle", "tick", d >= 0 && d <= 10 ? names[d] : "?");
	}
}

void mc_svg_bars(FILE *f, const char *id, const char *title, const struct mc_bar *rows, int n)
{
	double lo = 1e30, hi = 0, x0 = BAR_LEFT, x1 = BAR_W - BAR_RIGHT, top = 30;
	double bottom = top + n * BAR_ROW;
	int dlo, dhi;

	for (int i = 0; i < n; i++) {
		lo = fmin(lo, rows[i].p50 > 0 ? rows[i].p50 : 1);
		hi = fmax(hi, rows[i].max);
	}
	dlo = (int)floor(lg(lo));
	dhi = (int)ceil(lg(hi));
	if (dhi <= dlo)
		dhi = dlo + 1;
	/* in a box of its own: on a narrow screen the chart scrolls there at a readable size */
	fprintf(f,
		"<div class=\"chartbox\"><svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %.0f\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\"><title>",
		id, BAR_W, bottom + 24);
	mc_xml_str(f, title);
	fputs("</title>", f);
	text(f, x0, 16, "start", "legend", "■ p50   ▬ p99   | max   (log scale)");
	log_grid(f, dlo, dhi, x0, x1, top, bottom);
	for (int i = 0; i < n; i++) {
		const struct mc_bar *b = &rows[i];
		double y = top + i * BAR_ROW, span = x1 - x0;
		double px50 = x0 + span * (lg(b->p50) - dlo) / (dhi - dlo);
		double px99 = x0 + span * (lg(b->p99) - dlo) / (dhi - dlo);
		double pxmax = x0 + span * (lg(b->max) - dlo) / (dhi - dlo);
		char v50[32], v99[32], vmax[32], val[128];

		mc_fmt_ns(v50, sizeof(v50), b->p50);
		mc_fmt_ns(v99, sizeof(v99), b->p99);
		mc_fmt_ns(vmax, sizeof(vmax), b->max);
		snprintf(val, sizeof(val), "p50 %s · p99 %s · max %s", v50, v99, vmax);
		fputs("<g class=\"row\">", f);
		fputs("<title>", f);
		mc_xml_str(f, b->label);
		fprintf(f, ": %u samples, %s</title>", b->count, val);
		text(f, x0 - 8, y + 17, "end", "label", b->label);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" class=\"p99\"/>",
			x0, y + 10, fmax(px99 - x0, 1));
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" class=\"p50\"/>",
			x0, y + 6, fmax(px50 - x0, 1));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"max\"/>",
			pxmax, y + 4, pxmax, y + 22);
		text(f, x1 + 10, y + 17, "start", "value", val);
		fputs("</g>", f);
	}
	fputs("</svg></div>\n", f);
}

/* 1, 2 or 5 times a power of ten, at least @v. */
static double nice(double v)
{
	double p;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

/*
 * An axis of four steps from 0: a round step in the largest binary unit below @max for
 * bytes, a round number otherwise.
 */
struct axis {
	double unit, step;
	const char *name;
};

static struct axis axis_of(double max, enum mc_axis kind)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	struct axis a = { .unit = 1,
			  .name = kind == MC_AXIS_BYTES	  ? bytes[0] :
				  kind == MC_AXIS_SECONDS ? "s" :
							    "" };

	for (int i = 1; kind == MC_AXIS_BYTES && i < 5 && max >= a.unit * 1024; i++) {
		a.unit *= 1024;
		a.name = bytes[i];
	}
	a.step = nice(max / a.unit / 4) * a.unit;
	return a;
}

static void axis_label(char *buf, size_t len, const struct axis *a, int i)
{
	snprintf(buf, len, "%g%s%s", a->step * i / a->unit, a->name[0] ? " " : "", a->name);
}

/* The plot area of a line chart in its 440 x 230 viewBox. */
#define LINE_X0 70.0
#define LINE_X1 420.0
#define LINE_Y0 190.0
#define LINE_Y1 20.0

static void polyline(FILE *f, const double *x, const double *y, int n, double xmax, double ymax,
		     const char *cls, bool dots)
{
	fprintf(f, "<polyline class=\"%s\" points=\"", cls);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", LINE_X0 + (LINE_X1 - LINE_X0) * x[i] / xmax,
			LINE_Y0 - (LINE_Y0 - LINE_Y1) * y[i] / ymax);
	fputs("\"/>", f);
	for (int i = 0; dots && i < n; i++)
		fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>", cls,
			LINE_X0 + (LINE_X1 - LINE_X0) * x[i] / xmax,
			LINE_Y0 - (LINE_Y0 - LINE_Y1) * y[i] / ymax);
}

void mc_svg_lines(FILE *f, const struct mc_lines *c)
{
	bool dots = c->sparse || c->n < 30;
	double xmax = 0, ymax = 0;
	struct axis ax, ay;
	char buf[32];

	for (int i = 0; i < c->n; i++) {
		xmax = fmax(xmax, c->x[i]);
		ymax = fmax(ymax, fmax(c->y1[i], c->y2 ? c->y2[i] : 0));
	}
	ax = axis_of(xmax, c->xaxis);
	ay = axis_of(ymax, c->yaxis);
	fprintf(f,
		"<div class=\"chartbox\"><svg id=\"%s\" class=\"chart conv\" viewBox=\"0 0 440 230\" role=\"img\" "
		"xmlns=\"http://www.w3.org/2000/svg\"><title>",
		c->id);
	mc_xml_str(f, c->title);
	fputs("</title>", f);
	for (int i = 0; i <= 4; i++) {
		double gy = LINE_Y0 - (LINE_Y0 - LINE_Y1) * i / 4;
		double gx = LINE_X0 + (LINE_X1 - LINE_X0) * i / 4;

		fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"grid\"/>",
			LINE_X0, gy, LINE_X1, gy);
		axis_label(buf, sizeof(buf), &ay, i);
		text(f, LINE_X0 - 6, gy + 4, "end", "tick", buf);
		axis_label(buf, sizeof(buf), &ax, i);
		text(f, gx, 206, "middle", "tick", buf);
	}
	text(f, 245, 224, "middle", "tick", c->xname);
	polyline(f, c->x, c->y1, c->n, 4 * ax.step, 4 * ay.step,
		 c->sparse ? "initial sparse" : "initial", dots);
	if (c->y2)
		polyline(f, c->x, c->y2, c->n, 4 * ax.step, 4 * ay.step,
			 c->sparse ? "dirty sparse" : "dirty", dots);
	/* the first legend on the right, so a long second one has the room left of it */
	text(f, 300, 16, "start", "legend initial-l", c->l1);
	if (c->y2)
		text(f, 80, 16, "start", "legend dirty-l", c->l2);
	fputs("</svg></div>\n", f);
}

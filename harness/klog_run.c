// SPDX-License-Identifier: GPL-2.0-only
/*
 * A run's kernel log (klog_run.h): the runner's parent reads it at every boundary of
 * the run (before and after each case, after each phase), so that no report falls
 * between two readers, and charges what it read to the boundary's case or phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"
#include "klog_run.h"
#include "runner.h"

#define KLOG_FINDINGS_MAX (256 * 1024) /* ROB-01 evidence kept over a run */
#define KLOG_BUF (64 * 1024)

void mc_klog_run_open(struct mc_klog_run *kr, const char *spec)
{
	memset(kr, 0, sizeof(*kr));
	if (mc_klog_open(spec, &kr->kl, kr->why, sizeof(kr->why)))
		kr->kl = NULL;
	else
		mc_klog_mark(kr->kl, MC_KLOG_MARK_FROM); /* read back as the window's first */
	kr->opened = kr->kl != NULL;
}

/*
 * The structured copy of the evidence: @line opens a new report (@kind, charged to
 * @where, a case when @in_case) or, with @kind NULL, is the next of the last one's first
 * lines. Past MC_KREPORTS_MAX reports are only counted.
 */
static void list_add(struct mc_klog_run *kr, const char *kind, const char *where, bool in_case,
		     const char *line)
{
	struct mc_kreport *k;
	size_t n;

	if (kind) {
		if (kr->nlist >= MC_KREPORTS_MAX) {
			kr->omitted++;
			return;
		}
		if (!(kr->nlist % 16)) {
			k = realloc(kr->list, (size_t)(kr->nlist + 16) * sizeof(*k));
			if (!k) {
				kr->omitted++;
				return;
			}
			kr->list = k;
		}
		k = &kr->list[kr->nlist++];
		memset(k, 0, sizeof(*k));
		snprintf(k->kind, sizeof(k->kind), "%s", kind);
		snprintf(k->where, sizeof(k->where), "%s", where);
		k->in_case = in_case;
	} else if (!kr->nlist || kr->omitted) {
		return; /* a line of a report not listed */
	}
	k = &kr->list[kr->nlist - 1];
	n = strlen(k->lines);
	if (n + 2 < sizeof(k->lines))
		snprintf(k->lines + n, sizeof(k->lines) - n, "%.*s\n",
			 (int)(sizeof(k->lines) - n - 2), line);
}

void mc_klog_run_report(struct mc_klog_run *kr, struct mc_report *rep)
{
	rep->kreports_known = kr->opened;
	rep->kreports = kr->list;
	rep->nkreports = kr->nlist;
	rep->nkreports_omitted = kr->omitted;
	kr->list = NULL;
	kr->nlist = kr->omitted = 0;
}

/* Append @text (@n bytes) to kr->findings[@in_case], up to KLOG_FINDINGS_MAX. */
static void findings_add(struct mc_klog_run *kr, bool in_case, const char *text, size_t n)
{
	size_t *len = &kr->len[in_case];
	char *grown;

	if (*len + n + 1 > KLOG_FINDINGS_MAX)
		return;
	grown = realloc(kr->findings[in_case], *len + n + 1);
	if (!grown)
		return;
	memcpy(grown + *len, text, n);
	kr->findings[in_case] = grown;
	*len += n;
	grown[*len] = '\0';
}

/* Length of the report at @p: its opening line, and with @whole its "  | " lines too. */
static size_t report_len(const char *p, bool whole)
{
	const char *l = p;

	do {
		const char *e = strchr(l, '\n');

		l = e ? e + 1 : l + strlen(l);
	} while (whole && !strncmp(l, "  | ", 4));
	return (size_t)(l - p);
}

/*
 * Each report of @text (its opening line and "  | " lines) into @out: the first whole,
 * each later one whole while the opening lines of those after it still fit in @room,
 * else its opening line only. Returns the length written.
 */
static size_t evidence_fit(char *out, const char *text, size_t room)
{
	size_t used = 0, rest = 0;
	const char *p;

	for (p = text; *p; p += report_len(p, true))
		rest += report_len(p, false);
	for (p = text; *p; p += report_len(p, true)) {
		size_t open = report_len(p, false), whole = report_len(p, true);

		rest -= open;
		if (p != text && used + whole + rest > room)
			whole = open;
		memcpy(out + used, p, whole);
		used += whole;
	}
	out[used] = '\0';
	return used;
}

const char *mc_klog_run_evidence(struct mc_klog_run *kr, size_t room)
{
	size_t n = kr->len[0] + kr->len[1] + 1;
	char *all = malloc(n), *fit = malloc(n);

	if (!all || !fit) {
		free(all);
		free(fit);
		return kr->findings[0] ? kr->findings[0] : "";
	}
	snprintf(all, n, "%s%s", kr->findings[0] ? kr->findings[0] : "",
		 kr->findings[1] ? kr->findings[1] : "");
	evidence_fit(fit, all, room);
	free(all);
	free(kr->evidence);
	kr->evidence = fit;
	return fit;
}

/*
 * Charge the reports of @buf's lines (grouped by @g) to @where: each report's first
 * lines into the run's ROB-01 evidence and, when @detail is set (a case), into @detail
 * (size @dlen) too. Returns the number of reports.
 */
static int charge_lines(struct mc_klog_run *kr, struct mc_klog_group *g, char *buf,
			const char *where, char *detail, size_t dlen)
{
	char *save = NULL, head[1024];
	int found = 0;

	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int k = mc_klog_group_line(g, l), len;

		if (!k)
			continue;
		list_add(kr, k == 1 ? g->kind : NULL, where, detail != NULL, l);
		if (k == 1) {
			found++;
			kr->nreports++;
			len = snprintf(head, sizeof(head), "%s (%s): %s\n", where, g->kind, l);
		} else {
			len = snprintf(head, sizeof(head), "  | %s\n", l);
		}
		if (len >= (int)sizeof(head))
			head[(len = sizeof(head) - 1) - 1] = '\n';
		findings_add(kr, detail != NULL, head, (size_t)len);
		if (!detail)
			continue;
		if (k == 1)
			snprintf(head, sizeof(head), "%skernel log report (%s): %s\n",
				 detail[0] && detail[strlen(detail) - 1] != '\n' ? "\n" : "",
				 g->kind, l);
		snprintf(detail + strlen(detail), dlen - strlen(detail), "%s", head);
	}
	if (detail && detail[0] && detail[strlen(detail) - 1] == '\n')
		detail[strlen(detail) - 1] = '\0';
	return found;
}

/* A report whose lines straddle two reads stays whole: kr->group carries it over. */
int mc_klog_run_charge(struct mc_klog_run *kr, const char *where, char *detail, size_t dlen)
{
	char *buf;
	int found = 0;
	ssize_t n;

	if (!kr->kl)
		return 0;
	buf = malloc(KLOG_BUF);
	if (!buf)
		return 0;
	while ((n = mc_klog_next(kr->kl, buf, KLOG_BUF)) > 0)
		found += charge_lines(kr, &kr->group, buf, where, detail, dlen);
	free(buf);
	return found;
}

void mc_klog_run_leaks(struct mc_klog_run *kr, const char *group)
{
	struct mc_klog_group g = { 0 };
	char where[80], *buf;
	ssize_t n;

	if (!kr->kl || kr->no_kmemleak || mc_run_interrupted())
		return;
	buf = malloc(KLOG_BUF);
	if (!buf)
		return;
	if (group)
		snprintf(where, sizeof(where), "kmemleak scan after the %s cases", group);
	else
		snprintf(where, sizeof(where), "kmemleak scan at the end of the run");
	n = mc_klog_leaks(kr->kl, buf, KLOG_BUF);
	if (n > 0)
		charge_lines(kr, &g, buf, where, NULL, 0);
	else if (n < 0)
		kr->no_kmemleak = true; /* -ENOENT: none; else it failed: try no more */
	free(buf);
	mc_klog_run_charge(kr, where, NULL, 0);
}

void mc_klog_run_end(struct mc_klog_run *kr)
{
	if (!kr->kl)
		return;
	mc_klog_mark(kr->kl, MC_KLOG_MARK_TO); /* the run's window ends here */
	mc_klog_close(kr->kl);
	kr->kl = NULL;
}

void mc_klog_run_free(struct mc_klog_run *kr)
{
	mc_klog_run_end(kr);
	free(kr->findings[0]);
	free(kr->findings[1]);
	free(kr->evidence);
	free(kr->list);
}

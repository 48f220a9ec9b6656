// SPDX-License-Identifier: GPL-2.0-only
/*
 * The results of a run (report.h): status names and their rollup order, each case's
 * verdict charged to its clause, the per-clause rollup with and without waivers, and the
 * run's verdict and exit code. What every renderer, the runner and `verify` agree on.
 */
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "report.h"

static const char *const status_names[MC_NSTATUS] = {
	[MC_PASS] = "pass",   [MC_SKIP] = "skip", [MC_WARN] = "warn",
	[MC_ERROR] = "error", [MC_FAIL] = "fail",
};

/* Rollup order: a clause is as bad as its worst case. */
static const int status_rank[MC_NSTATUS] = {
	[MC_SKIP] = 0, [MC_PASS] = 1, [MC_WARN] = 2, [MC_ERROR] = 3, [MC_FAIL] = 4,
};

const char *mc_status_name(enum mc_status st)
{
	return (unsigned)st < MC_NSTATUS ? status_names[st] : "unknown";
}

int mc_status_parse(const char *name)
{
	for (int i = 0; name && i < MC_NSTATUS; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return -1;
}

/* An out-of-range status is the harness's own breakage: treat it as error. */
static enum mc_status sane(enum mc_status st)
{
	return (unsigned)st < MC_NSTATUS ? st : MC_ERROR;
}

enum mc_status mc_status_worse(enum mc_status a, enum mc_status b)
{
	a = sane(a);
	b = sane(b);
	return status_rank[b] > status_rank[a] ? b : a;
}

/* Index of @c's clause in rep->clauses: the same row, or a row with the same ID. */
static int clause_index(const struct mc_report *rep, const struct mc_clause *c)
{
	for (int i = 0; c && i < rep->nclauses; i++)
		if (rep->clauses[i].clause == c)
			return i;
	for (int i = 0; c && c->id && i < rep->nclauses; i++)
		if (!strcmp(rep->clauses[i].clause->id, c->id))
			return i;
	return -1;
}

const struct mc_clause *mc_case_charged(const struct mc_case_result *r)
{
	return r->violates ? r->violates : r->clause;
}

void mc_report_recount(struct mc_report *rep)
{
	memset(rep->counts, 0, sizeof(rep->counts));
	memset(rep->waived, 0, sizeof(rep->waived));
	for (int i = 0; i < rep->nclauses; i++) {
		struct mc_clause_result *cr = &rep->clauses[i];

		memset(cr->counts, 0, sizeof(cr->counts));
		cr->status = cr->unwaived = MC_SKIP;
		cr->waived = cr->unjudged = 0;
	}
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];
		enum mc_status st = sane(r->status);
		int ci = clause_index(rep, mc_case_charged(r)), own = clause_index(rep, r->clause);

		rep->counts[st]++;
		if (r->waiver)
			rep->waived[st]++;
		if (own >= 0 && own != ci) /* charged to the clause a setup step broke */
			rep->clauses[own].unjudged++;
		if (ci < 0)
			continue;
		rep->clauses[ci].counts[st]++;
		rep->clauses[ci].status = mc_status_worse(rep->clauses[ci].status, st);
		if (r->waiver)
			rep->clauses[ci].waived++;
		else
			rep->clauses[ci].unwaived = mc_status_worse(rep->clauses[ci].unwaived, st);
	}
}

void mc_report_rollup(struct mc_report *rep)
{
	int n = mc_clause_count();

	if (!rep->clauses)
		rep->clauses = calloc((size_t)n, sizeof(*rep->clauses));
	rep->nclauses = rep->clauses ? n : 0;
	for (int i = 0; i < rep->nclauses; i++)
		rep->clauses[i] = (struct mc_clause_result){ .clause = &mc_clauses[i] };
	mc_report_recount(rep);
}

const char *mc_report_verdict(const struct mc_report *rep)
{
	int c[MC_NSTATUS];

	if (rep->interrupted)
		return "interrupted";
	for (int i = 0; i < MC_NSTATUS; i++)
		c[i] = rep->counts[i] - rep->waived[i];
	if (c[MC_FAIL] || (rep->info.strict && c[MC_WARN]))
		return "fail";
	if (c[MC_ERROR])
		return "error";
	if (c[MC_PASS] || rep->counts[MC_WARN] || rep->counts[MC_FAIL])
		return "pass"; /* waived fails and warns count as run, never as failed */
	return "skipped";
}

int mc_report_exit_code(const struct mc_report *rep)
{
	const char *v = mc_report_verdict(rep);

	if (rep->interrupted)
		return 128 + rep->interrupted;
	return !strcmp(v, "fail") ? 1 : !strcmp(v, "error") ? 2 : !strcmp(v, "skipped") ? 4 : 0;
}

const char *mc_clause_effective(const struct mc_clause_result *cr)
{
	if (cr->waived && (cr->unwaived == MC_PASS || cr->unwaived == MC_SKIP))
		return "waived";
	return mc_status_name(cr->waived ? cr->unwaived : cr->status);
}

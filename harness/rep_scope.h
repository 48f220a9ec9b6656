/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scope of a verdict (rep_scope.c): how much of the complete case set a run judged
 * and what restricted it, in one label every rendering and `verify` print, so that no
 * rendering of a partial run reads as a conformance claim.
 */
#ifndef MC_REP_SCOPE_H
#define MC_REP_SCOPE_H

#include <stdbool.h>

struct mc_report;

/*
 * What a verdict covers (rep_scope.c, reports/README.md "scope"): the cases of the complete
 * built-in set that ran and were judged, what kept the run from being complete, and whether
 * the device was simulated. Only a complete run on a real device is a conformance claim;
 * skips for missing preconditions keep it one, but the label counts them.
 */
enum {
	MC_SCOPE_ONLY = 1u << 0,    /* --only selected fewer cases than the complete set */
	MC_SCOPE_CASES = 1u << 1,   /* --cases DIR: not the built-in case set */
	MC_SCOPE_UNRUN = 1u << 2,   /* planned cases that never ran, or a total not recorded */
	MC_SCOPE_ERRORS = 1u << 3,  /* harness errors: cases the harness could not judge */
	MC_SCOPE_WAIVERS = 1u << 4, /* waived fail/warn results */
	MC_SCOPE_SKIPS = 1u << 5,   /* skipped for a missing precondition (claim unaffected) */
	MC_SCOPE_PROFILE = 1u << 6, /* --profile left a VMM's rows out (they are skipped) */
	MC_SCOPE_NBITS = 7,
};
struct mc_scope {
	const char *claim; /* "conformance", "partial" or "simulated" */
	bool simulated;
	int cases_total; /* 0 when neither recorded nor known complete */
	int cases_run, cases_judged, skipped, errors, waived;
	unsigned restricted; /* MC_SCOPE_* bits */
	char label[384];     /* "PASS (partial: 1 of 415 cases) — simulated device, not ..." */
};
/* Compute @s for a rolled-up (or loaded) @rep; every renderer and `verify` use it. */
void mc_report_scope(const struct mc_report *rep, struct mc_scope *s);

/* Verdict @v ("pass", ...) as the label, the badge and the printed pages spell it: "PASS". */
const char *mc_verdict_word(const char *v);
/* The name of MC_SCOPE_* bit @bit in report.json's restricted_by ("only", ...), or NULL. */
const char *mc_scope_reason(unsigned bit);

#endif /* MC_REP_SCOPE_H */

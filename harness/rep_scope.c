// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scope of a verdict: how much of the complete case set a run judged, what restricted
 * it (--only, --cases, --profile, waivers, harness errors, cases that never ran) and whether the
 * device was simulated, in one label that KTAP, report.json, junit.xml, report.html and
 * `verify` all print, so that no rendering of a partial run reads as a conformance claim.
 */
#include <stdio.h>
#include <string.h>

#include "rep_scope.h"
#include "report.h"

static const char *const reasons[MC_SCOPE_NBITS] = {
	"only", "cases", "unrun", "errors", "waivers", "preconditions", "profile",
};

/* How each restriction reads in the label's "not a conformance claim (...)". */
static const char *const reason_text[MC_SCOPE_NBITS] = {
	"--only", "--cases", "cases not run", "harness errors", "waivers", NULL, "--profile",
};

const char *mc_scope_reason(unsigned bit)
{
	for (unsigned i = 0; i < MC_SCOPE_NBITS; i++)
		if (bit == 1u << i)
			return reasons[i];
	return NULL;
}

/* The simulated device names itself "sim"; its specs start with "sim". */
static bool simulated(const struct mc_run_info *in)
{
	const char *spec = in->device_spec ? in->device_spec : "";

	return !strcmp(in->ident.driver, "sim") ||
	       (!strncmp(spec, "sim", 3) && (spec[3] == ':' || !spec[3]));
}

/*
 * --cases DIR. Reports from before run.cases_dir was recorded keep it in the command
 * line only; an option of another name starting with "--cases" does not exist.
 */
static bool custom_cases(const struct mc_run_info *in)
{
	return in->cases_dir || (!in->cases_total && strstr(in->cmdline, " --cases"));
}

const char *mc_verdict_word(const char *v)
{
	return !strcmp(v, "pass")	 ? "PASS" :
	       !strcmp(v, "fail")	 ? "FAIL" :
	       !strcmp(v, "error")	 ? "ERROR" :
	       !strcmp(v, "interrupted") ? "INTERRUPTED" :
					   "SKIPPED";
}

static void label(const struct mc_report *rep, struct mc_scope *s)
{
	bool partial = s->restricted & (MC_SCOPE_ONLY | MC_SCOPE_CASES | MC_SCOPE_UNRUN);
	size_t n, len = sizeof(s->label);
	char *p = s->label;

#define PUT(...) (n += (size_t)snprintf(p + n, n < len ? len - n : 0, __VA_ARGS__))
	n = 0;
	PUT("%s (%s", mc_verdict_word(mc_report_verdict(rep)), partial ? "partial: " : "");
	if (s->cases_total)
		PUT("%d of %d cases", s->cases_run, s->cases_total);
	else
		PUT("%d cases, complete set size not recorded", s->cases_run);
	if (s->cases_judged != s->cases_run)
		PUT(", %d judged", s->cases_judged);
	if (s->skipped)
		PUT(", %d skipped", s->skipped);
	if (s->errors)
		PUT(", %d harness error%s", s->errors, s->errors == 1 ? "" : "s");
	if (s->waived)
		PUT(", %d waived", s->waived);
	if (!strcmp(s->claim, "conformance")) {
		PUT(") — conformance verdict");
	} else if (s->simulated) {
		PUT(") — simulated device, not a conformance claim");
	} else {
		const char *sep = "";

		PUT(") — not a conformance claim (");
		for (unsigned i = 0; i < MC_SCOPE_NBITS; i++) {
			if (!(s->restricted & (1u << i)) || !reason_text[i])
				continue;
			PUT("%s%s", sep, reason_text[i]);
			sep = ", ";
		}
		PUT(")");
	}
#undef PUT
}

void mc_report_scope(const struct mc_report *rep, struct mc_scope *s)
{
	const struct mc_run_info *in = &rep->info;
	const int *c = rep->counts;
	int not_run = 0; /* an interrupted run's cases: in the report as skip */

	memset(s, 0, sizeof(*s));
	for (int i = 0; rep->cases && i < rep->ncases; i++)
		not_run += rep->cases[i].not_run;
	s->simulated = simulated(in);
	s->cases_run = rep->ncases - not_run;
	s->skipped = c[MC_SKIP] - not_run;
	s->errors = c[MC_ERROR];
	s->waived = rep->waived[MC_FAIL] + rep->waived[MC_WARN];
	s->cases_judged = c[MC_PASS] + c[MC_WARN] + c[MC_FAIL];
	s->cases_total = in->cases_total;
	/* Before the total was recorded, a run without --only or --cases ran the whole set. */
	if (!s->cases_total && !in->only && !custom_cases(in))
		s->cases_total = rep->ncases;
	if (custom_cases(in))
		s->restricted |= MC_SCOPE_CASES;
	if (in->only && (!s->cases_total || s->cases_run < s->cases_total))
		s->restricted |= MC_SCOPE_ONLY;
	else if (!in->only && !custom_cases(in) && s->cases_run != s->cases_total)
		s->restricted |= MC_SCOPE_UNRUN;
	if (not_run)
		s->restricted |= MC_SCOPE_UNRUN;
	if (s->errors)
		s->restricted |= MC_SCOPE_ERRORS;
	if (s->waived)
		s->restricted |= MC_SCOPE_WAIVERS;
	if (s->skipped)
		s->restricted |= MC_SCOPE_SKIPS;
	/* A VMM left out is the user's choice, like --only: its clauses were not judged. */
	if (in->profiles[0] && strcmp(in->profiles, "qemu,cloud-hypervisor"))
		s->restricted |= MC_SCOPE_PROFILE;
	if (s->simulated)
		s->claim = "simulated";
	else if (s->restricted & ~(unsigned)MC_SCOPE_SKIPS)
		s->claim = "partial";
	else
		s->claim = "conformance";
	label(rep, s);
}

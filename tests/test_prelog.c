// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PRE and LOG cases end to end on the simulated device: every flag set runs them
 * without a false alarm (sets without PRE_COPY skip the PRE rows naming the flag), PRE-04
 * resumes on the peer when there is one, and every defect whose first clause is a PRE or
 * LOG clause trips that clause and no PRE/LOG clause it does not name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "mc_test.h"
#include "report.h"
#include "runner.h"
#include "sim_defects.h"

static const char *const ids[] = {
	"PRE-01", "PRE-02", "PRE-03", "PRE-04", "PRE-05", "LOG-01", "LOG-02", "LOG-03", "LOG-04",
};
#define NIDS (sizeof(ids) / sizeof(ids[0]))

static struct mc_report *run(const char *device, const char *peer, const char *only, int *code)
{
	struct mc_run_opts o = {
		.device = device,
		.peer = peer,
		.only = only,
		.quiet = true,
		.seed = 1,
		.timeout_ms = 30000,
		.op_timeout_ms = 10000,
		.stream_limit = 64u << 20,
	};
	struct mc_report *rep = NULL;

	*code = mc_run(&o, &rep);
	ck_assert_ptr_nonnull(rep);
	return rep;
}

static const struct mc_clause_result *clause(const struct mc_report *rep, const char *id)
{
	for (int i = 0; i < rep->nclauses; i++)
		if (!strcmp(rep->clauses[i].clause->id, id))
			return &rep->clauses[i];
	ck_abort_msg("clause %s not in the report", id);
	return NULL;
}

/* Flag sets 1, 3, 5, 7: pass, or skip for the flag the device lacks; nothing else. */
START_TEST(conforming_sim)
{
	static const unsigned flagsets[] = { 1, 3, 5, 7 };
	unsigned f = flagsets[_i];
	char spec[32];
	int code;
	struct mc_report *rep;

	snprintf(spec, sizeof(spec), "sim:flags=%u", f);
	rep = run(spec, NULL, "PRE,LOG", &code);
	ck_assert_int_eq(code, 0);
	ck_assert_int_gt(rep->ncases, 40);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];
		/* PRE-06 judges a device without PRE_COPY too: feature 12 must give EINVAL. */
		bool pre = !strcmp(r->clause->group, "PRE") && strcmp(r->clause->id, "PRE-06");

		/* Rows needing both flags name the first the runner finds missing (P2P). */
		if (pre && !(f & 4))
			ck_assert_msg(r->status == MC_SKIP &&
					      (strstr(r->detail, "VFIO_MIGRATION_PRE_COPY") ||
					       (!(f & 2) && strstr(r->name, "p2p") &&
						strstr(r->detail, "VFIO_MIGRATION_P2P"))),
				      "%s: %s: %s %s", spec, r->name, mc_status_name(r->status),
				      r->detail);
		else if (r->status == MC_SKIP)
			ck_assert_msg(!(f & 2) && strstr(r->detail, "VFIO_MIGRATION_P2P") &&
					      strstr(r->name, "p2p"),
				      "%s: %s skipped: %s", spec, r->name, r->detail);
		else
			ck_assert_msg(r->status == MC_PASS, "%s: %s: %s %s", spec, r->name,
				      mc_status_name(r->status), r->detail);
	}
	for (size_t k = 0; k < NIDS; k++)
		if ((f & 4) || !strncmp(ids[k], "LOG", 3))
			ck_assert_msg(clause(rep, ids[k])->status == MC_PASS, "%s: %s is %s", spec,
				      ids[k], mc_status_name(clause(rep, ids[k])->status));
	mc_report_free(rep);
}
END_TEST

/* PRE-04 writes its stream to the peer: a compatible one takes it, another type not. */
START_TEST(resume_on_peer)
{
	int code;
	struct mc_report *rep = run("sim:flags=7", "sim:flags=7", "PRE-04", &code);

	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(rep->ncases, 4);
	for (int i = 0; i < rep->ncases; i++)
		ck_assert_msg(rep->cases[i].status == MC_PASS &&
				      strstr(rep->cases[i].detail,
					     "resumed on the peer sim:flags=7"),
			      "%s: %s", rep->cases[i].name, rep->cases[i].detail);
	mc_report_free(rep);

	rep = run("sim:flags=7", "sim:flags=7:id=5", "PRE-04", &code);
	ck_assert_int_eq(code, 1);
	for (int i = 0; i < rep->ncases; i++)
		ck_assert_msg(rep->cases[i].status == MC_FAIL &&
				      strstr(rep->cases[i].detail, "did not resume on the peer"),
			      "%s: %s", rep->cases[i].name, rep->cases[i].detail);
	mc_report_free(rep);
}
END_TEST

static bool named(const char *list, const char *id)
{
	size_t l = strlen(id);

	for (const char *p = strstr(list, id); p; p = strstr(p + 1, id))
		if ((p == list || p[-1] == ',') && (p[l] == ',' || !p[l]))
			return true;
	return false;
}

/*
 * Each PRE/LOG defect: its first clause fails (MUST) or warns (SHOULD), the run's exit
 * code follows, and no PRE/LOG clause it does not name gives a verdict.
 */
START_TEST(defects_trip_their_clause)
{
	int n, code, checked = 0;
	const struct mc_sim_defect *d = mc_sim_defects(&n);

	for (int i = 0; i < n; i++) {
		const struct mc_clause_result *cr;
		char spec[128], first[16];
		struct mc_report *rep;

		if (strncmp(d[i].clauses, "PRE-", 4) && strncmp(d[i].clauses, "LOG-", 4))
			continue;
		snprintf(first, sizeof(first), "%.6s", d[i].clauses);
		snprintf(spec, sizeof(spec), "sim:flags=7:defect=%s", d[i].name);
		rep = run(spec, NULL, "PRE,LOG", &code);
		cr = clause(rep, first);
		ck_assert_msg(cr->status == (cr->clause->level == MC_MUST ? MC_FAIL : MC_WARN),
			      "defect %s: clause %s is %s", d[i].name, first,
			      mc_status_name(cr->status));
		ck_assert_int_eq(code, cr->clause->level == MC_MUST ? 1 : 0);
		for (size_t k = 0; k < NIDS; k++) {
			enum mc_status st = clause(rep, ids[k])->status;

			ck_assert_msg(named(d[i].clauses, ids[k]) || st == MC_PASS || st == MC_SKIP,
				      "defect %s also trips %s (%s)", d[i].name, ids[k],
				      mc_status_name(st));
		}
		mc_report_free(rep);
		checked++;
	}
	ck_assert_int_ge(checked, 10);
}
END_TEST

static Suite *prelog_suite(void)
{
	Suite *s = suite_create("prelog");
	TCase *tc = tcase_create("cases");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, conforming_sim, 0, 4);
	tcase_add_test(tc, resume_on_peer);
	tcase_add_test(tc, defects_trip_their_clause);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(prelog_suite)

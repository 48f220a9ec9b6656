// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case layer and the runner end to end on the simulated device: malformed case files
 * are refused with file:line, every flag set passes the whole built-in case set with no
 * fail, warn or error, and every injectable defect trips the clauses it claims.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_test.h"
#include "runner.h"
#include "sim.h"

static int parse(const char *text, char *err)
{
	struct mc_caseset cs = { 0 };
	int rc = mc_cases_parse("t.cases", text, &cs, err, 512);

	mc_cases_free(&cs);
	return rc;
}

START_TEST(case_file_errors)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "a FSM-01 - pair_state -\n", "t.cases:1: expected 7 columns" },
		{ "a FSM-01 - pair_state - model\n", "has no description" },
		{ "# c\n\na FSM-99 - pair_state - model d\n", "t.cases:3: unknown clause 'FSM-99'" },
		{ "a FSM-01 gpu pair_state - model d\n", "unknown precondition 'gpu'" },
		{ "a FSM-01 - frobnicate - model d\n", "unknown operation 'frobnicate'" },
		{ "a FSM-01 - pair_state x=1 model d\n", "takes args '-' and expect 'model'" },
		{ "a FEAT-03 - feature flags=GET|2 EWHAT d\n", "neither ok nor an errno name" },
		{ "a FEAT-03 - feature flags=FOO d d\n", "args need flags=" },
		{ "a FSM-01 - pair_state - model d\na FSM-02 - pair_fd - model d\n",
		  "t.cases:2: case name 'a' already used at t.cases:1" },
		{ "9a FSM-01 - pair_state - model d\n", "must start with a letter" },
		{ "a FSM-07 - failed_resume data=maybe model d\n", "data=empty|truncated|corrupt" },
	};
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_int_eq(parse(bad[i].text, err), -EINVAL);
		ck_assert_msg(strstr(err, bad[i].want), "row %zu: got '%s', want '%s'", i, err,
			      bad[i].want);
	}
	ck_assert_int_eq(parse("a FSM-01 - pair_state - model every pair\n", err), 0);
}
END_TEST

START_TEST(builtin_cases_load)
{
	struct mc_caseset cs = { 0 };
	char err[512];

	ck_assert_int_eq(mc_cases_load_builtin(&cs, err, sizeof(err)), 0);
	ck_assert_int_gt(cs.n, 40);
	mc_cases_free(&cs);
	ck_assert_int_ne(mc_cases_load_dir("/nonexistent-dir", &cs, err, sizeof(err)), 0);
	ck_assert(strstr(err, "/nonexistent-dir"));
	mc_cases_free(&cs);
}
END_TEST

static struct mc_report *run_sim(const char *spec, int *code)
{
	struct mc_run_opts o = {
		.device = spec, .quiet = true, .seed = 1, .timeout_ms = 30000,
		.op_timeout_ms = 10000, .stream_limit = 64u << 20,
	};
	struct mc_report *rep = NULL;

	*code = mc_run(&o, &rep);
	return rep;
}

/* Every flag set: the whole case set, nothing but pass and skip (no false alarms). */
START_TEST(conforming_sim_passes)
{
	static const char *const specs[] = { "sim:flags=1", "sim:flags=3", "sim:flags=5",
					     "sim:flags=7" };
	int code;
	struct mc_report *rep = run_sim(specs[_i], &code);

	ck_assert_ptr_nonnull(rep);
	for (int i = 0; i < rep->ncases; i++)
		ck_assert_msg(rep->cases[i].status == MC_PASS || rep->cases[i].status == MC_SKIP,
			      "%s: %s %s: %s", specs[_i], rep->cases[i].name,
			      mc_status_name(rep->cases[i].status), rep->cases[i].detail);
	ck_assert_int_eq(code, 0);
	ck_assert(rep->have_matrix);
	mc_report_free(rep);
}
END_TEST

/* Each defect trips every clause its table row names (fail, or warn for SHOULD). */
START_TEST(defects_are_caught)
{
	int n, code;
	const struct mc_sim_defect *d = &mc_sim_defects(&n)[_i];
	char spec[128], clauses[128], *save = NULL;
	struct mc_report *rep;

	snprintf(spec, sizeof(spec), "sim:flags=7:defect=%s", d->name);
	rep = run_sim(spec, &code);
	ck_assert_ptr_nonnull(rep);
	snprintf(clauses, sizeof(clauses), "%s", d->clauses);
	/* The first clause named is the intended one: it must give a verdict. */
	for (char *id = strtok_r(clauses, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		const struct mc_clause_result *cr = NULL;

		for (int i = 0; i < rep->nclauses; i++)
			if (!strcmp(rep->clauses[i].clause->id, id))
				cr = &rep->clauses[i];
		ck_assert_msg(cr, "%s: clause %s not in the report", d->name, id);
		ck_assert_msg(cr->status == (cr->clause->level == MC_MUST ? MC_FAIL : MC_WARN),
			      "defect %s: clause %s is %s", d->name, id, mc_status_name(cr->status));
		break;
	}
	/* A defect whose intended clause is SHOULD only warns: exit 0 without --strict. */
	{
		char first[16];
		const struct mc_clause *cl;

		snprintf(first, sizeof(first), "%.*s", (int)strcspn(d->clauses, ","), d->clauses);
		cl = mc_clause_find(first);
		ck_assert_ptr_nonnull(cl);
		ck_assert_int_eq(code, cl->level == MC_MUST ? 1 : 0);
	}
	mc_report_free(rep);
}
END_TEST

START_TEST(bad_device_specs)
{
	static const char *const specs[] = { "bogus", "sim:flags=9", "sim:defect=nope",
					     "mdev:not-a-uuid", "mdev:11111111-2222-3333-4444-555555555555",
					     "pci:0000:ff:1f.7", "sim:flags" };
	int code;
	struct mc_report *rep = run_sim(specs[_i], &code);

	ck_assert_int_eq(code, 2);
	ck_assert_int_eq(rep->ncases, 0);
	mc_report_free(rep);
}
END_TEST

static Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("cases");
	int n;

	mc_sim_defects(&n);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, case_file_errors);
	tcase_add_test(tc, builtin_cases_load);
	tcase_add_loop_test(tc, conforming_sim_passes, 0, 4);
	tcase_add_loop_test(tc, defects_are_caught, 0, n);
	tcase_add_loop_test(tc, bad_device_specs, 0, 7);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(run_suite)

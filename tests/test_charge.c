// SPDX-License-Identifier: GPL-2.0-only
/*
 * A setup step the device breaks is charged to the clause it violates, not to the case's
 * own clause: `--only FSM-06` on the stale_get defect fails FSM-01 (with the cases as its
 * evidence) and leaves FSM-06 unjudged by them, in the rollup, report.json (cases[].violates),
 * KTAP, junit.xml, report.html, a reloaded report, a waiver and a verified bundle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "clauses.h"
#include "mc_test.h"
#include "rep_load.h"
#include "report.h"
#include "reporter.h"
#include "runner.h"
#include "waiver.h"

static const struct mc_clause_result *row(const struct mc_report *rep, const char *id)
{
	for (int i = 0; i < rep->nclauses; i++)
		if (!strcmp(rep->clauses[i].clause->id, id))
			return &rep->clauses[i];
	ck_abort_msg("clause %s missing", id);
	return NULL;
}

static char *slurp(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return mc_test_slurp(path, NULL);
}

/* `run --device @device --only @only [--out @out]`, KTAP to /dev/null; exits 1. */
static struct mc_report *run_quiet(const char *device, const char *only, const char *out)
{
	struct mc_run_opts o = {
		.device = device,
		MC_TEST_RUN_OPTS,
		.only = only,
		.out = out,
	};
	struct mc_report *rep = NULL;
	FILE *devnull = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(devnull);
	mc_ktap_set_stream(devnull);
	ck_assert_int_eq(mc_run(&o, &rep), 1);
	mc_ktap_set_stream(NULL);
	fclose(devnull);
	ck_assert_ptr_nonnull(rep);
	return rep;
}

/* The failed cases are FSM-06's, charged to FSM-01; FSM-06 counts none of them. */
static int check_charged(const struct mc_report *rep)
{
	const struct mc_clause_result *f01 = row(rep, "FSM-01"), *f06 = row(rep, "FSM-06");
	int nfail = 0;

	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		ck_assert_str_eq(r->clause->id, "FSM-06");
		if (r->status != MC_FAIL)
			continue;
		nfail++;
		ck_assert_msg(r->violates && !strcmp(r->violates->id, "FSM-01"), "%s", r->name);
		ck_assert_ptr_eq(mc_case_charged(r), r->violates);
	}
	ck_assert_int_gt(nfail, 0);
	ck_assert_int_eq(f01->status, MC_FAIL);
	ck_assert_int_eq(f01->counts[MC_FAIL], nfail);
	ck_assert_int_eq(f06->counts[MC_FAIL], 0);
	ck_assert_int_eq(f06->unjudged, nfail);
	ck_assert_int_eq(f01->unjudged, 0);
	ck_assert_int_ne(f06->status, MC_FAIL);
	ck_assert_int_eq(rep->counts[MC_FAIL], nfail);
	return nfail;
}

/* A waiver of FSM-01 covers the charged cases; one of FSM-06 covers none of them. */
static void check_waivers(struct mc_report *rep, int nfail)
{
	static const char fsm01[] = "FSM-01 known stale GET ref=bug-1\n";
	static const char fsm06[] = "FSM-06 not the clause at fault ref=bug-2\n";
	struct mc_waivers w01 = { 0 }, w06 = { 0 };
	char err[256];

	ck_assert_int_eq(mc_waivers_parse(fsm01, strlen(fsm01), "w", &w01, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_waivers_parse(fsm06, strlen(fsm06), "w", &w06, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_waivers_apply(rep, &w01, err, sizeof(err)), 0);
	ck_assert_int_eq(rep->waived[MC_FAIL], nfail);
	ck_assert_str_eq(mc_clause_effective(row(rep, "FSM-01")), "waived");
	ck_assert_int_eq(rep->exit_code, 0);
	ck_assert_int_eq(mc_waivers_apply(rep, &w06, err, sizeof(err)), 0);
	ck_assert_int_eq(rep->waived[MC_FAIL], 0);
	ck_assert_int_eq(rep->exit_code, 1);
	ck_assert_int_eq(mc_waivers_apply(rep, NULL, err, sizeof(err)), 0);
	mc_waivers_free(&w01);
	mc_waivers_free(&w06);
}

START_TEST(setup_failure_charges_the_violated_clause)
{
	char dir[] = "/tmp/mc_test_charge_XXXXXX", path[4096], err[512], *t;
	struct mc_bundle_opts bo = { .dir = dir };
	struct mc_report *rep, *back = NULL;
	FILE *devnull;
	int nfail;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	rep = run_quiet("sim:flags=7:defect=stale_get", "FSM-06", dir);
	nfail = check_charged(rep);

	t = slurp(dir, "report.json");
	ck_assert(strstr(t, "\"clause\": \"FSM-06\",\n      \"violates\": \"FSM-01\",\n      "
			    "\"status\": \"fail\""));
	snprintf(path, sizeof(path), "\"unjudged\": %d\n", nfail);
	ck_assert_msg(strstr(t, path), "no %s", path);
	free(t);
	t = slurp(dir, "junit.xml");
	ck_assert(strstr(t, "type=\"FSM-01\">setup violates FSM-01: "));
	ck_assert(!strstr(t, "type=\"FSM-06\""));
	ck_assert(strstr(t, "name=\"fsm.sync:STOP [FSM-06]\"")); /* its identity stays */
	free(t);
	t = slurp(dir, "report.html");
	snprintf(path, sizeof(path), "</span> <span class=\"muted\">%d not judged</span>", nfail);
	ck_assert(strstr(t, path));
	ck_assert(strstr(t, "a case of FSM-06, stopped at setup"));
	ck_assert(strstr(t, "Not judged: a setup step"));
	free(t);
	devnull = tmpfile();
	ck_assert_int_eq(mc_ktap_write(devnull, rep), 0);
	rewind(devnull);
	{
		char line[2048];
		int charged = 0;

		while (fgets(line, sizeof(line), devnull)) {
			ck_assert_msg(strncmp(line, "# fail [FSM-06]", 15), "%s", line);
			charged += !strncmp(line, "# fail [FSM-01]: setup violates FSM-01", 38);
		}
		ck_assert_int_eq(charged, nfail);
	}
	fclose(devnull);

	snprintf(path, sizeof(path), "%s/report.json", dir);
	ck_assert_msg(!mc_report_load_file(path, &back, err, sizeof(err)), "%s", err);
	check_charged(back);
	check_waivers(back, nfail);
	mc_report_unload(back);
	mc_report_free(rep);

	/* verify recomputes the same rollup from the cases: the bundle is consistent. */
	ck_assert_int_eq(mc_bundle_create(&bo, path, sizeof(path)), 0);
	devnull = fopen("/dev/null", "w");
	ck_assert_int_eq(mc_bundle_verify(path, NULL, devnull), 0);
	fclose(devnull);
	/* ... and rejects a report.json whose clause hides the cases it did not judge. */
	t = slurp(dir, "report.json");
	snprintf(err, sizeof(err), "%s/report.json", dir);
	devnull = fopen(err, "w");
	ck_assert_ptr_nonnull(devnull);
	*strstr(t, "\"unjudged\": ") = '\0';
	fprintf(devnull, "%s\"unjudged\": 0\n%s", t, strchr(t + strlen(t) + 1, '\n') + 1);
	fclose(devnull);
	free(t);
	ck_assert_int_eq(mc_bundle_create(&bo, path, sizeof(path)), 0);
	t = NULL;
	devnull = open_memstream(&t, &(size_t){ 0 });
	ck_assert_int_eq(mc_bundle_verify(path, NULL, devnull), 1);
	fclose(devnull);
	ck_assert_msg(strstr(t, "clause FSM-06 records 0 case(s) not judged, its cases give"), "%s",
		      t);
	free(t);
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/*
 * A case whose own check is the step that breaks (a full migration after closing with a
 * session open, ROB-02) judges its own clause: charged to ROB-02, not to the setup's FSM-01.
 */
START_TEST(own_check_stays_charged_to_its_clause)
{
	struct mc_report *rep = run_quiet("sim:flags=7:defect=close_leaks_session", "ROB-02", NULL);

	for (int i = 0; i < rep->ncases; i++)
		ck_assert_msg(!rep->cases[i].violates, "%s: charged to %s", rep->cases[i].name,
			      rep->cases[i].violates->id);
	ck_assert_int_eq(row(rep, "ROB-02")->status, MC_FAIL);
	ck_assert_int_eq(row(rep, "FSM-01")->counts[MC_FAIL], 0);
	mc_report_free(rep);
}
END_TEST

/*
 * A device that stops one arc short of a combination transition (wrong_next_step) never
 * takes the arc fsm.failed.fault armed: the SET succeeds at the wrong state. That is the
 * device's FSM-01 fault, not a fault injection that failed (error).
 */
START_TEST(unfired_fault_is_the_device_s)
{
	struct mc_report *rep =
		run_quiet("sim:flags=7:defect=wrong_next_step", "fsm.failed.fault", NULL);
	int charged = 0;

	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		ck_assert_msg(r->status != MC_ERROR, "%s: %s", r->name, r->detail);
		if (r->status != MC_FAIL)
			continue;
		ck_assert_msg(r->violates && !strcmp(r->violates->id, "FSM-01") &&
				      strstr(r->detail,
					     "returned 0 without taking that arc, then GET "
					     "reported"),
			      "%s: %s", r->name, r->detail);
		charged++;
	}
	ck_assert_int_gt(charged, 20);
	ck_assert_int_eq(row(rep, "FSM-01")->counts[MC_FAIL], charged);
	mc_report_free(rep);
}
END_TEST

static Suite *charge_suite(void)
{
	Suite *s = suite_create("charge");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, setup_failure_charges_the_violated_clause);
	tcase_add_test(tc, own_check_stays_charged_to_its_clause);
	tcase_add_test(tc, unfired_fault_is_the_device_s);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(charge_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case layer and the runner end to end on the simulated device: malformed case files
 * are refused with file:line, every flag set passes the whole built-in case set with no
 * fail, warn or error, and every injectable defect trips the clauses it claims.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "mc_test.h"
#include "mutants.h"
#include "report.h"
#include "reporter.h"
#include "runner.h"
#include "sim_defects.h"

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
		{ "# c\n\na FSM-99 - pair_state - model d\n",
		  "t.cases:3: unknown clause 'FSM-99'" },
		{ "a FSM-01 gpu pair_state - model d\n", "unknown precondition 'gpu'" },
		{ "a FSM-01 - frobnicate - model d\n", "unknown operation 'frobnicate'" },
		{ "a FSM-01 - pair_state x=1 model d\n", "takes args '-' and expect 'model'" },
		{ "a FEAT-03 - feature flags=GET|2 EWHAT d\n", "neither ok nor an errno name" },
		{ "a FEAT-03 - feature flags=FOO d d\n", "args need flags=" },
		{ "a FSM-01 - pair_state - model d\na FSM-02 - pair_fd - model d\n",
		  "t.cases:2: case name 'a' already used at t.cases:1" },
		{ "9a FSM-01 - pair_state - model d\n", "must start with a letter" },
		{ "a FSM-07 - failed_resume data=maybe model d\n", "data=empty|truncated|corrupt" },
		/* Arguments that do not parse are refused when the table loads, not run as 0. */
		{ "a RES-01 - resume_plan splits=abc - d\n", "splits=abc: expected a number" },
		{ "a RES-01 - resume_plan splits=-1 - d\n", "splits=-1: expected a number" },
		{ "a RES-01 - resume_plan splits=99999999 - d\n", "expected a number 0..65536" },
		{ "a TIME-01 - arc_latency reps=5x - d\n", "reps=5x: expected a number 1.." },
		/* ... and parse strictly: no sign, no junk after the digits (they were 0, 16, 3) */
		{ "a FEAT-03 - feature flags=GET,argsz=abc ok d\n",
		  "argsz=abc: expected a number 0.." },
		{ "a FEAT-03 - feature flags=GET,argsz=16x ok d\n",
		  "argsz=16x: expected a number" },
		{ "a FEAT-03 - feature flags=GET|BIT+3 ok d\n", "args need flags=" },
		{ "a FEAT-03 - feature flags=GET|+2 ok d\n", "args need flags=" },
		{ "a PRE-01 pre_copy precopy_drain chunk=+16 model d\n", "chunk=1..4096" },
		{ "a PRE-01 pre_copy precopy_ioctl cmd=-1 ok d\n", "args take argsz=0..4096" },
		{ "a PRE-01 pre_copy precopy_ioctl argsz=-0 ok d\n", "args take argsz=0..4096" },
		{ "a LOG-01 log log_start n=1,pgsize=-1 ok d\n", "args need n=0..4096" },
		{ "a LOG-01 log log_report start=yes,iova=+0 ok d\n", "args take start=" },
		{ "a RES-01 - resume_plan splits=0x10 - d\n", "splits=0x10: expected a number" },
		{ "a TIME-01 - arc_latency reps=0x5 - d\n", "reps=0x5: expected a number" },
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

static struct mc_report *run_sim_only(const char *spec, const char *only,
				      const struct mc_budgets *b, int *code)
{
	struct mc_run_opts o = {
		.device = spec,
		MC_TEST_RUN_OPTS,
		.destructive = true,
		.only = only,
		.budgets = b,
	};
	struct mc_report *rep = NULL;

	*code = mc_run(&o, &rep);
	return rep;
}

static struct mc_report *run_sim(const char *spec, int *code)
{
	return run_sim_only(spec, NULL, NULL, code);
}

/* The mutant runs' budgets (mutants.c), which the defect tests use too. */
static void test_budgets(struct mc_budgets *b)
{
	ck_assert_int_eq(mc_mutant_budgets(b), 0);
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

/* --profile: the words, and rows of a VMM left out skipped with the reason, recorded. */
START_TEST(profiles_select_vmm_rows)
{
	struct mc_run_opts o = {
		.device = "sim",
		MC_TEST_RUN_OPTS,
		.only = "vmm.qemu.save,VMM-05",
	};
	struct mc_report *rep = NULL;
	unsigned on;
	char err[160];

	ck_assert_int_eq(mc_profile_parse("all", &on, err, sizeof(err)), 0);
	ck_assert_uint_eq(on, MC_PROFILES_ALL);
	ck_assert_int_eq(mc_profile_parse("cloud-hypervisor,qemu", &on, err, sizeof(err)), 0);
	ck_assert_uint_eq(on, MC_PROFILES_ALL);
	ck_assert_int_eq(mc_profile_parse("none", &on, err, sizeof(err)), 0);
	ck_assert_uint_eq(on, 0);
	ck_assert_str_eq(mc_profile_text(0, err, sizeof(err)), "none");
	for (const char *bad = "qemu,,x,none,qemu\0QEMU\0\0"; *bad; bad += strlen(bad) + 1) {
		ck_assert_int_eq(mc_profile_parse(bad, &on, err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, "--profile: "), "%s: %s", bad, err);
	}
	o.profiles_off = MC_PRE_CH;
	ck_assert_int_eq(mc_run(&o, &rep), 0);
	ck_assert_int_eq(rep->ncases, 2);
	ck_assert_int_eq(rep->cases[0].status, MC_PASS);
	ck_assert_int_eq(rep->cases[1].status, MC_SKIP);
	ck_assert_str_eq(rep->cases[1].detail, "--profile excludes cloud-hypervisor");
	ck_assert_str_eq(rep->info.profiles, "qemu");
	mc_report_free(rep);
}
END_TEST

/* --dirty and --state-regions lists: what parses, and what is refused with a reason. */
START_TEST(region_lists)
{
	static const char *const bad_w[] = { "",    "9@1=00",	 "0@1=0",   "0@=00",  "0@1=zz",
					     "0@1", "bar6@0=00", "0@1=00,", "x@1=00", "0@1+4" };
	static const char *const bad_r[] = { "0@1+0", "0@1+65", "0@1", "0@1=00", "config@+1" };
	struct mc_regaccs l;
	char err[256];

	ck_assert_int_eq(mc_regacc_parse("0@7=a5,bar1@0x7=5A,config@64=0102", true, &l, err,
					 sizeof(err)),
			 0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.a[1].index, 1);
	ck_assert_int_eq(l.a[1].off, 7);
	ck_assert_int_eq(l.a[1].data[0], 0x5a);
	ck_assert_int_eq(l.a[2].index, 7);
	ck_assert_int_eq(l.a[2].len, 2);
	ck_assert_int_eq(mc_regacc_parse("0@7+1,config@0x40+64", false, &l, err, sizeof(err)), 0);
	ck_assert_int_eq(l.a[1].len, 64);
	for (size_t i = 0; i < sizeof(bad_w) / sizeof(bad_w[0]); i++) {
		err[0] = 0;
		ck_assert_msg(mc_regacc_parse(bad_w[i], true, &l, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad_w[i]);
		ck_assert_msg(strstr(err, "--dirty"), "'%s': %s", bad_w[i], err);
	}
	for (size_t i = 0; i < sizeof(bad_r) / sizeof(bad_r[0]); i++)
		ck_assert_msg(mc_regacc_parse(bad_r[i], false, &l, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad_r[i]);
}
END_TEST

/* RES-02 refuses to pass on nothing: a source never changed makes it skip, with why. */
START_TEST(res02_needs_a_changed_source)
{
	struct mc_run_opts o = {
		.device = "sim:flags=7",
		.quiet = true,
		.seed = 1,
		.timeout_ms = 30000,
		.op_timeout_ms = 10000,
		.stream_limit = 64u << 20,
		.only = "RES-02",
	};
	struct mc_regaccs dirty, regions;
	struct mc_report *rep = NULL;
	char err[128];
	int code;

	/* Config bytes below 0x40 are read-only on the sim: the write changes nothing. */
	ck_assert_int_eq(mc_regacc_parse("7@0=00", true, &dirty, err, sizeof(err)), 0);
	o.dirty = &dirty;
	code = mc_run(&o, &rep);
	ck_assert_int_eq(code, 4);
	for (int i = 0; i < rep->ncases; i++) {
		ck_assert_int_eq(rep->cases[i].status, MC_SKIP);
		ck_assert_ptr_nonnull(strstr(rep->cases[i].detail, "--dirty"));
	}
	mc_report_free(rep);
	/* Declared non-deterministic: the region oracle alone, which the defect breaks. */
	ck_assert_int_eq(mc_regacc_parse("1@8+8", false, &regions, err, sizeof(err)), 0);
	o.dirty = NULL;
	o.state_regions = &regions;
	o.nondet = true;
	code = mc_run(&o, &rep);
	ck_assert_int_eq(code, 0);
	mc_report_free(rep);
	o.device = "sim:flags=7:defect=regs_not_restored";
	code = mc_run(&o, &rep);
	ck_assert_int_eq(code, 1);
	ck_assert_ptr_nonnull(strstr(rep->cases[0].detail, "state regions differ"));
	mc_report_free(rep);
}
END_TEST

/* The budgets of the defect tests are no false alarm on the conforming device. */
START_TEST(conforming_meets_budgets)
{
	struct mc_budgets b;
	struct mc_report *rep;
	int code;

	test_budgets(&b);
	rep = run_sim_only("sim:flags=7", "TIME,SAVE-05", &b, &code);
	ck_assert_ptr_nonnull(rep);
	for (int i = 0; i < rep->ncases; i++)
		ck_assert_msg(rep->cases[i].status == MC_PASS, "%s: %s: %s", rep->cases[i].name,
			      mc_status_name(rep->cases[i].status), rep->cases[i].detail);
	ck_assert_int_eq(code, 0);
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

	struct mc_budgets b;
	char first[16];

	test_budgets(&b);
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(d->clauses, ","), d->clauses);
	snprintf(spec, sizeof(spec), "sim:flags=7:defect=%s", d->name);
	/* ROB-01 judges the whole run: its defects need the other cases to act. */
	rep = run_sim_only(spec, strcmp(first, "ROB-01") ? first : NULL, &b, &code);
	ck_assert_ptr_nonnull(rep);
	snprintf(clauses, sizeof(clauses), "%s", d->clauses);
	/* The first clause named is the intended one: it must give a verdict. */
	for (char *id = strtok_r(clauses, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		const struct mc_clause_result *cr = NULL;

		for (int i = 0; i < rep->nclauses; i++)
			if (!strcmp(rep->clauses[i].clause->id, id))
				cr = &rep->clauses[i];
		ck_assert_msg(cr, "%s: clause %s not in the report", d->name, id);
		ck_assert_msg(cr->status == (cr->clause->level == MC_SHOULD ? MC_WARN : MC_FAIL),
			      "defect %s: clause %s is %s", d->name, id,
			      mc_status_name(cr->status));
		break;
	}
	/* A defect whose intended clause is SHOULD only warns: exit 0 without --strict. */
	{
		const struct mc_clause *cl = mc_clause_find(first);

		ck_assert_ptr_nonnull(cl);
		ck_assert_int_eq(code, cl->level == MC_SHOULD ? 0 : 1);
	}
	mc_report_free(rep);
}
END_TEST

/*
 * A device that breaks a setup step is at fault, not the harness: with GET lying
 * (stale_get) every FSM-06 case whose setup it breaks fails naming FSM-01 and the SET, the
 * cases that need the reference stream it spoiled fail too; without STOP_COPY every case
 * fails naming FEAT-01. No `error`, and the run exits 1, not 2.
 */
static const struct {
	const char *spec, *only, *want, *op;
} setup_faults[] = {
	{ "sim:flags=7:defect=stale_get", "FSM-06", "setup violates FSM-01: ", "SET RUNNING->" },
	{ "sim:flags=7:defect=stale_get", "RES-01", "setup violates FSM-01: ", "SET RUNNING->" },
	{ "sim:flags=7:defect=no_stop_copy_flag", "FSM-06",
	  "setup violates FEAT-01: ", "GET MIGRATION" },
	{ "sim:flags=7:defect=no_stop_copy_flag", "FEAT-04",
	  "setup violates FEAT-01: ", "no usable migration flags" },
};

START_TEST(setup_faults_are_the_device_s)
{
	struct mc_report *rep;
	int code, failed = 0;

	rep = run_sim_only(setup_faults[_i].spec, setup_faults[_i].only, NULL, &code);
	ck_assert_ptr_nonnull(rep);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		ck_assert_msg(r->status != MC_ERROR, "%s: error: %s", r->name, r->detail);
		if (r->status != MC_FAIL)
			continue;
		failed++;
		ck_assert_msg(strstr(r->detail, setup_faults[_i].want) &&
				      strstr(r->detail, setup_faults[_i].op),
			      "%s: %s", r->name, r->detail);
	}
	ck_assert_int_gt(failed, 0);
	ck_assert_int_eq(code, 1);
	mc_report_free(rep);
}
END_TEST

/* Options that name nothing, or that could never apply, are usage errors: exit 2, no case. */
START_TEST(options_that_cannot_apply)
{
	static const struct {
		const char *device, *only, *budget, *foreign;
	} bad[] = {
		{ "sim:flags=7", "FSM-99", NULL, NULL },
		{ "sim:flags=7", "FEAT-01,FSM-99", NULL, NULL },
		{ "sim:flags=7", "", NULL, NULL },
		{ "sim:flags=7", "FEAT-01,,FSM-01", NULL, NULL },
		{ "sim:flags=1", "TIME-01", "arc=RUNNING->PRE_COPY:5ms", NULL },
		{ "sim:flags=1", "TIME-01", "arc=PRE_COPY_P2P:5ms", NULL },
		{ "sim:flags=7", "RES-04", NULL, "mdev:11111111-2222-3333-4444-555555555555" },
	};
	struct mc_budgets b = { 0 };
	struct mc_run_opts o = {
		.device = bad[_i].device,
		MC_TEST_RUN_OPTS,
		.only = bad[_i].only,
		.foreign = bad[_i].foreign,
	};
	struct mc_report *rep = NULL;
	char err[256];
	int rc;

	if (bad[_i].budget) {
		ck_assert_int_eq(mc_budget_parse(bad[_i].budget, &b, err, sizeof(err)), 0);
		o.budgets = &b;
	}
	ck_assert_int_eq(mc_run(&o, &rep), 2);
	ck_assert_int_eq(rep->ncases, 0);
	mc_report_free(rep);
	/*
	 * The same on a device that has the arc, or with words that name something: runs.
	 * A verdict, not a usage error: a 5 ms budget may be missed on a loaded machine (1).
	 */
	o.device = "sim:flags=7";
	o.only = bad[_i].foreign ? "FEAT-01" : _i < 4 ? "FEAT-01,fsm.pair" : bad[_i].only;
	o.foreign = NULL;
	rc = mc_run(&o, &rep);
	ck_assert_msg(rc == 0 || (bad[_i].budget && rc == 1), "exit %d", rc);
	ck_assert_int_gt(rep->ncases, 0);
	mc_report_free(rep);
}
END_TEST

/*
 * A --foreign that opens but breaks a clause while its stream is saved is that device's
 * fault: no usage error, RES-04's foreign case is skipped naming the broken clause
 * (stale_get's GET lies after a SET, so the foreign device breaks FSM-01).
 */
START_TEST(foreign_that_breaks_saving)
{
	struct mc_run_opts o = {
		.device = "sim:flags=7",
		MC_TEST_RUN_OPTS,
		.only = "RES-04",
		.foreign = "sim:flags=7:id=9:defect=stale_get",
	};
	struct mc_report *rep = NULL;
	int code = mc_run(&o, &rep), skipped = 0;

	ck_assert_int_eq(code, 0);
	ck_assert_int_gt(rep->ncases, 0);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		ck_assert_msg(r->status == MC_PASS || r->status == MC_SKIP, "%s: %s", r->name,
			      r->detail);
		if (r->status == MC_SKIP && strstr(r->detail, "--foreign") &&
		    strstr(r->detail, "setup violates FSM-01"))
			skipped++;
	}
	ck_assert_int_gt(skipped, 0);
	mc_report_free(rep);
}
END_TEST

/*
 * A reporter that interrupts the run (as SIGINT would) once it has seen the result of
 * case stop_at: the run's boundary between "interrupted" and "complete" without timing.
 */
static int stop_at, nplanned;

static int stop_begin(void **priv, const struct mc_run_info *info, int n, const char *outdir)
{
	(void)info;
	(void)outdir;
	nplanned = n;
	*priv = &stop_at;
	return 0;
}

static int stop_result(void *priv, const struct mc_case_result *r, int index)
{
	(void)priv;
	(void)r;
	if (index == nplanned - 1 - stop_at)
		mc_run_interrupt(SIGINT);
	return 0;
}

static int stop_end(void *priv, const struct mc_report *rep)
{
	(void)priv;
	(void)rep;
	return 0;
}

static const struct mc_reporter_ops stop_reporter = {
	.name = "stop",
	.begin = stop_begin,
	.result = stop_result,
	.end = stop_end,
};

/*
 * _i = 0: the signal comes after the last case's result: the run is complete (exit 0, not
 * interrupted, every case run). _i = 1: after the last but one: the last is not run and
 * the run is interrupted (130).
 */
START_TEST(signal_after_the_last_case)
{
	struct mc_run_opts o = {
		.device = "sim:flags=7",
		MC_TEST_RUN_OPTS,
		.only = "FEAT-01,FSM-05",
		.reporter = &stop_reporter,
	};
	struct mc_report *rep = NULL;
	int code, n;

	stop_at = _i;
	code = mc_run(&o, &rep);
	ck_assert_int_eq(mc_run_interrupted(), SIGINT);
	mc_run_interrupt(0);
	n = rep->ncases;
	ck_assert_int_ge(n, 2);
	ck_assert_int_eq(n, nplanned);
	ck_assert_int_eq(code, _i ? 128 + SIGINT : 0);
	ck_assert_int_eq(rep->exit_code, code);
	ck_assert_int_eq(rep->interrupted, _i ? SIGINT : 0);
	for (int k = 0; k < n; k++)
		ck_assert_msg(rep->cases[k].not_run == (_i && k == n - 1), "%s: not_run %d",
			      rep->cases[k].name, rep->cases[k].not_run);
	ck_assert_int_eq(rep->cases[n - 1].status, _i ? MC_SKIP : MC_PASS);
	mc_report_free(rep);
}
END_TEST

/* A budget no device could use is refused as it is parsed. */
START_TEST(budgets_that_never_apply)
{
	static const char *const bad[] = { "arc=STOP->STOP:1ms", "arc=RESUMING->STOP_COPY:1ms",
					   "arc=RUNNING->STOP_COPY:1ms", "arc=ERROR:1ms",
					   "arc=STOP->PRE_COPY_P2P:1ms" };
	static const char *const good[] = { "arc=STOP_COPY:10ms", "arc=RUNNING->STOP:1ms",
					    "arc=PRE_COPY_P2P:1ms", "downtime=25ms" };
	struct mc_budgets b = { 0 };
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(mc_budget_parse(bad[i], &b, err, sizeof(err)) == -EINVAL, "%s",
			      bad[i]);
		ck_assert_msg(strstr(err, bad[i]), "%s: %s", bad[i], err);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(!mc_budget_parse(good[i], &b, err, sizeof(err)), "%s: %s", good[i],
			      err);
	/* Whether the device can take the arc depends on its flags. */
	ck_assert_int_eq(mc_budget_check(&b, 7, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "arc=RUNNING->STOP:1ms"), "%s", err);
	ck_assert_int_eq(mc_budget_check(&b, 1, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "arc=PRE_COPY_P2P:1ms"), "%s", err);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(mc_budget_parse("arc=RUNNING->STOP:1ms", &b, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_budget_check(&b, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_budget_check(NULL, 1, err, sizeof(err)), 0);
}
END_TEST

START_TEST(bad_device_specs)
{
	static const char *const specs[] = { "bogus",
					     "sim:flags=9",
					     "sim:defect=nope",
					     "mdev:not-a-uuid",
					     "mdev:11111111-2222-3333-4444-555555555555",
					     "pci:0000:ff:1f.7",
					     "sim:flags" };
	int code;
	struct mc_report *rep = run_sim(specs[_i], &code);

	ck_assert_int_eq(code, 2);
	ck_assert_int_eq(rep->ncases, 0);
	mc_report_free(rep);
}
END_TEST

/* The case with @prefix's first instance in @rep of status @st, or NULL. */
static const struct mc_case_result *first_case(const struct mc_report *rep, const char *prefix,
					       enum mc_status st)
{
	for (int i = 0; i < rep->ncases; i++)
		if (!strncmp(rep->cases[i].name, prefix, strlen(prefix)) &&
		    rep->cases[i].status == st)
			return &rep->cases[i];
	return NULL;
}

/*
 * A device whose faults are the driver's failed allocations (the kernel's fault injection,
 * here the simulated device's variant): FSM-07 and ERR-03 judge its failures, per-arc
 * points are reported, ERR-02 skips saying no failure leads to ERROR; a driver that leaves
 * the path on a failed allocation fails FSM-07.
 */
START_TEST(alloc_faults_are_judged)
{
	const struct mc_case_result *c;
	struct mc_report *rep;
	int code;

	rep = run_sim_only("sim:flags=7:variant=alloc_faults", "FSM-07,ERR-02,ERR-03", NULL, &code);
	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(code, 0);
	c = first_case(rep, "fsm.failed.fault:", MC_PASS);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_ge(c->nmetrics, 3);
	ck_assert_str_eq(c->metrics[c->nmetrics - 1].name, "failing_points");
	ck_assert(c->metrics[c->nmetrics - 1].value >= 1);
	ck_assert_ptr_null(first_case(rep, "fsm.failed.fault:", MC_FAIL));
	ck_assert_ptr_nonnull(first_case(rep, "err.recover.fault", MC_PASS));
	c = first_case(rep, "err.error_state", MC_SKIP);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(
		strstr(c->detail, "no failed allocation of the driver leads to ERROR"));
	mc_report_free(rep);
	rep = run_sim_only("sim:flags=7:variant=alloc_faults:defect=fail_off_path", "FSM-07", NULL,
			   &code);
	ck_assert_ptr_nonnull(rep);
	c = first_case(rep, "fsm.failed.fault:", MC_FAIL);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(strstr(c->detail, "on the driver's failed allocation"));
	ck_assert_int_eq(code, 1);
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
	tcase_add_test(tc, conforming_meets_budgets);
	tcase_add_test(tc, region_lists);
	tcase_add_test(tc, profiles_select_vmm_rows);
	tcase_add_test(tc, res02_needs_a_changed_source);
	tcase_add_loop_test(tc, defects_are_caught, 0, n);
	tcase_add_loop_test(tc, bad_device_specs, 0, 7);
	tcase_add_loop_test(tc, options_that_cannot_apply, 0, 7);
	tcase_add_test(tc, foreign_that_breaks_saving);
	tcase_add_test(tc, budgets_that_never_apply);
	tcase_add_test(tc, alloc_faults_are_judged);
	tcase_add_loop_test(tc, signal_after_the_last_case, 0, 2);
	tcase_add_loop_test(tc, setup_faults_are_the_device_s, 0,
			    (int)(sizeof(setup_faults) / sizeof(setup_faults[0])));
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(run_suite)

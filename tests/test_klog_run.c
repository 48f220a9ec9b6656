// SPDX-License-Identifier: GPL-2.0-only
/*
 * No kernel report is lost: on the simulated machine's kernel log, a report that appears
 * in the preflight, during a case, between two cases, after the last case or after
 * ROB-01 read the log fails ROB-01 naming where it appeared; one during a case is in
 * that case's detail too. And the kernel backend's reader of /dev/kmsg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klog.h"
#include "klog_run.h"
#include "mc_test.h"
#include "migcheck.h"
#include "report.h"
#include "reporter.h"
#include "runner.h"
#include "sim.h"

/* A reporter that prints a report into the simulated kernel log after result @at_result. */
static int at_result, nplanned;
static const char *report_line;

static int hook_begin(void **priv, const struct mc_run_info *info, int n, const char *outdir)
{
	(void)info;
	(void)outdir;
	nplanned = n;
	*priv = &at_result;
	return 0;
}

static int hook_result(void *priv, const struct mc_case_result *r, int index)
{
	(void)priv;
	(void)r;
	/* at_result < 0 counts from the end: -1 the last result, -2 the one before */
	if (report_line && index == (at_result < 0 ? nplanned + at_result : at_result))
		mc_sim_kernel_printk("%s", report_line);
	return 0;
}

static int hook_end(void *priv, const struct mc_report *rep)
{
	(void)priv;
	(void)rep;
	return 0;
}

static const struct mc_reporter_ops hook_reporter = {
	.name = "printk",
	.begin = hook_begin,
	.result = hook_result,
	.end = hook_end,
};

static struct mc_report *run(const char *spec, const char *only, int *code)
{
	struct mc_run_opts o = {
		.device = spec,
		MC_TEST_RUN_OPTS,
		.only = only,
		.reporter = &hook_reporter,
	};
	struct mc_report *rep = NULL;

	*code = mc_run(&o, &rep);
	ck_assert_ptr_nonnull(rep);
	return rep;
}

static const struct mc_case_result *find(const struct mc_report *rep, const char *name)
{
	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(rep->cases[i].name, name))
			return &rep->cases[i];
	ck_abort_msg("no case %s", name);
	return NULL;
}

/* Every case but ROB-01's passes or skips; ROB-01 fails with @where in its detail. */
static void check_charged(const struct mc_report *rep, int code, const char *where)
{
	const struct mc_case_result *rob = find(rep, "rob.klog");

	for (int i = 0; i < rep->ncases; i++)
		if (&rep->cases[i] != rob)
			ck_assert_msg(rep->cases[i].status == MC_PASS ||
					      rep->cases[i].status == MC_SKIP,
				      "%s: %s", rep->cases[i].name, rep->cases[i].detail);
	ck_assert_msg(rob->status == MC_FAIL, "%s", rob->detail);
	ck_assert_msg(strstr(rob->detail, where), "want \"%s\" in:\n%s", where, rob->detail);
	ck_assert_int_eq(code, 1);
}

#define ONLY "FEAT-01,FEAT-02,ROB-01"

START_TEST(clean_run_passes)
{
	int code;
	struct mc_report *rep;

	report_line = NULL;
	rep = run("sim:flags=7", ONLY, &code);
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(find(rep, "rob.klog")->status, MC_PASS);
	mc_report_free(rep);
}
END_TEST

START_TEST(report_in_preflight)
{
	int code;
	struct mc_report *rep;

	report_line = NULL;
	rep = run("sim:flags=7:defect=warn_on_first_open", ONLY, &code);
	check_charged(rep, code, "\npreflight (opening the device) (warn): WARNING: CPU: 0 PID: ");
	mc_report_free(rep);
}
END_TEST

START_TEST(report_during_a_case)
{
	int code;
	struct mc_report *rep;
	const struct mc_case_result *rob, *c;
	char where[256];

	report_line = NULL;
	rep = run("sim:flags=7:defect=warn_on_bad_stream", "RES-04,ROB-01", &code);
	rob = find(rep, "rob.klog");
	ck_assert_msg(rob->status == MC_FAIL, "%s", rob->detail);
	/* the first finding names a case, and that case's detail holds the report */
	ck_assert_int_eq(sscanf(strchr(rob->detail, '\n') + 1, "%255[^ ] (warn): WARNING:", where),
			 1);
	c = find(rep, where);
	ck_assert_msg(strstr(c->detail, "kernel log report (warn): WARNING: CPU: 0 PID: "),
		      "%s: %s", c->name, c->detail);
	mc_report_free(rep);
}
END_TEST

/* Many reports in cases do not push a later phase's out of ROB-01's bounded detail. */
START_TEST(phases_come_first)
{
	int code;
	struct mc_report *rep;
	const struct mc_case_result *rob;

	report_line = "BUG: KFENCE: use-after-free read in sim_late+0x5c/0x1a0 [sim]";
	at_result = -2; /* after the last case, long after the cases' reports */
	rep = run("sim:flags=7:defect=warn_on_bad_stream", NULL, &code);
	rob = find(rep, "rob.klog");
	ck_assert_msg(rob->status == MC_FAIL, "%s", rob->detail);
	ck_assert_msg(strstr(rob->detail, "by case or phase:\nafter the last case ("), "%s",
		      rob->detail);
	ck_assert_msg(strstr(rob->detail, ") (kfence): BUG: KFENCE: use-after-free"), "%s",
		      rob->detail);
	ck_assert_msg(strlen(rob->detail) > 900, "%zu", strlen(rob->detail)); /* full */
	mc_report_free(rep);
}
END_TEST

START_TEST(report_between_cases)
{
	int code;
	struct mc_report *rep;
	char want[512];

	report_line = "BUG: KASAN: slab-use-after-free in sim_release+0x10/0x40 [sim]";
	at_result = 0;
	rep = run("sim:flags=7", ONLY, &code);
	snprintf(want, sizeof(want), "\nbetween %s and %s (kasan): %s", rep->cases[0].name,
		 rep->cases[1].name, report_line);
	check_charged(rep, code, want);
	ck_assert(!strstr(rep->cases[0].detail, "KASAN"));
	ck_assert(!strstr(rep->cases[1].detail, "KASAN"));
	mc_report_free(rep);
}
END_TEST

START_TEST(report_after_the_last_case)
{
	int code;
	struct mc_report *rep;
	char want[512];

	report_line = "unreferenced object 0xffff888004d2e800 (size 512):";
	at_result = -2; /* after the last case before ROB-01's */
	rep = run("sim:flags=7", ONLY, &code);
	snprintf(want, sizeof(want), "\nafter the last case (%s) (kmemleak): %s",
		 rep->cases[rep->ncases - 2].name, report_line);
	check_charged(rep, code, want);
	mc_report_free(rep);
}
END_TEST

START_TEST(report_after_rob01_read_the_log)
{
	int code;
	struct mc_report *rep;

	report_line = "UBSAN: shift-out-of-bounds in drivers/vfio/sim/sim.c:12:3";
	at_result = -1; /* after ROB-01's own result */
	rep = run("sim:flags=7", ONLY, &code);
	check_charged(rep, code, "\nafter the last case (ubsan): UBSAN: shift-out-of-bounds");
	ck_assert_int_eq(rep->exit_code, 1);
	mc_report_free(rep);
}
END_TEST

/* A leak kmemleak finds is charged to the scan after its case group, not to a case. */
START_TEST(leak_found_after_the_group)
{
	int code;
	struct mc_report *rep;
	const struct mc_case_result *rob;

	report_line = NULL;
	rep = run("sim:flags=7:defect=leak_on_bad_stream", "RES-04,ROB-01", &code);
	rob = find(rep, "rob.klog");
	ck_assert_msg(rob->status == MC_FAIL, "%s", rob->detail);
	ck_assert_msg(strstr(rob->detail, "\nkmemleak scan after the RES cases (kmemleak): "
					  "unreferenced object 0x"),
		      "%s", rob->detail);
	ck_assert_msg(strstr(rob->detail, "\n  |     mc_sim_resume_feed+0x1a0/0x400 [sim]\n"), "%s",
		      rob->detail);
	for (int i = 0; i < rep->ncases; i++)
		ck_assert_msg(&rep->cases[i] == rob ||
				      !strstr(rep->cases[i].detail, "kernel log report"),
			      "%s: %s", rep->cases[i].name, rep->cases[i].detail);
	ck_assert_int_eq(code, 1);
	mc_report_free(rep);
}
END_TEST

/*
 * Reports that do not fit ROB-01's bounded detail whole are each still named there by
 * their opening line: on the debug kernel two UBSAN reports of upstream mtty (six lines
 * each, a build path in the first) filled it, and a KASAN report in a later case was cut.
 */
START_TEST(every_report_named_when_they_do_not_fit)
{
	static const char *const ubsan[] = {
		"UBSAN: invalid-load in /var/cache/migcheck/build/6.12.117+deb12-debug-3fc79937a1f6/src-83906a6b0c19/src/mtty.c:539:27",
		"load of value 128 is not a valid value for type '_Bool'",
		"CPU: 1 UID: 0 PID: 403 Comm: migcheck Tainted: G           O       6.12.117-mcdebug-3fc79937a1f6 #1",
		"Tainted: [O]=OOT_MODULE",
		"Call Trace:",
		" <TASK>",
		" dump_stack_lvl+0x5d/0x80",
	};
	struct mc_klog_run kr;
	char detail[MC_DETAIL_MAX], rob[MC_DETAIL_MAX];

	mc_klog_run_open(&kr, "sim:flags=7");
	ck_assert_msg(kr.kl, "%s", kr.why);
	for (int r = 0; r < 3; r++)
		for (size_t i = 0; i < sizeof(ubsan) / sizeof(ubsan[0]); i++)
			mc_sim_kernel_printk("%s", ubsan[i]);
	detail[0] = '\0';
	ck_assert_int_eq(mc_klog_run_charge(&kr, "res.corrupt.sample", detail, sizeof(detail)), 3);
	mc_sim_kernel_printk("BUG: KASAN: slab-use-after-free in mtty_save_read+0xc8/0x27a [mtty]");
	mc_sim_kernel_printk("Read of size 4 at addr ffff88800711c764 by task migcheck/458");
	detail[0] = '\0';
	ck_assert_int_eq(mc_klog_run_charge(&kr, "rob.outlive", detail, sizeof(detail)), 1);
	/* ROB-01's detail, as op_rob.c's op_klog() writes it */
	snprintf(rob, sizeof(rob), "kernel log reports during the run (%d), by case or phase:\n%s",
		 kr.nreports, mc_klog_run_evidence(&kr, MC_KLOG_EVIDENCE_ROOM));
	ck_assert_msg(strstr(rob, "\nrob.outlive (kasan): BUG: KASAN: slab-use-after-free in "
				  "mtty_save_read+0xc8/0x27a [mtty]\n"),
		      "%s", rob);
	ck_assert_msg(strstr(rob, "\nres.corrupt.sample (ubsan): UBSAN: invalid-load in "), "%s",
		      rob);
	/* whole reports when they fit */
	mc_klog_run_free(&kr);
	mc_klog_run_open(&kr, "sim:flags=7");
	mc_sim_kernel_printk("BUG: KASAN: slab-use-after-free in mtty_save_read+0xc8/0x27a [mtty]");
	mc_sim_kernel_printk("Read of size 4 at addr ffff88800711c764 by task migcheck/458");
	mc_klog_run_charge(&kr, "rob.outlive", NULL, 0);
	ck_assert_str_eq(
		mc_klog_run_evidence(&kr, MC_KLOG_EVIDENCE_ROOM),
		"rob.outlive (kasan): BUG: KASAN: slab-use-after-free in mtty_save_read+0xc8/0x27a [mtty]\n"
		"  | Read of size 4 at addr ffff88800711c764 by task migcheck/458\n");
	mc_klog_run_free(&kr);
}
END_TEST

/* A fake /dev/kmsg (a file under MC_DEV_ROOT): read from its end, records rendered. */
START_TEST(kernel_reader_starts_at_the_end)
{
	char dir[] = "/tmp/mc-kmsg-XXXXXX", path[64], err[256], buf[512];
	struct mc_klog *kl;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kmsg", dir);
	f = fopen(path, "a"); /* appends, as the kernel's marks do */
	ck_assert_ptr_nonnull(f);
	fputs("4,100,5000,-;WARNING: CPU: 0 PID: 1 at before.c:1 f\n", f);
	fflush(f);
	setenv("MC_DEV_ROOT", dir, 1);
	ck_assert_int_eq(mc_klog_open("mdev:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", &kl, err,
				      sizeof(err)),
			 0);
	ck_assert_int_eq(mc_klog_next(kl, buf, sizeof(buf)), 0); /* not what came before */
	mc_klog_mark(kl, MC_KLOG_MARK_FROM); /* read back (a file takes it as text) */
	ck_assert_int_gt(mc_klog_next(kl, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "<5>" MC_KLOG_MARK_FROM "\n");
	fputs("3,101,6000,-;BUG: KASAN: double-free in after+0x1/0x2\n", f);
	fflush(f);
	ck_assert_int_gt(mc_klog_next(kl, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "3,101: BUG: KASAN: double-free in after+0x1/0x2\n");
	setenv("MC_SYSFS_ROOT", dir, 1); /* no kernel/debug/kmemleak: nothing claimed */
	ck_assert_int_eq(mc_klog_leaks(kl, buf, sizeof(buf)), -ENOENT);
	unsetenv("MC_SYSFS_ROOT");
	mc_klog_mark(kl, MC_KLOG_MARK_TO);
	mc_klog_close(kl);
	fclose(f);
	f = fopen(path, "r");
	ck_assert_int_eq(fseek(f, -(long)strlen(MC_KLOG_MARK_TO "\n"), SEEK_END), 0);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_str_eq(buf, MC_KLOG_MARK_TO "\n"); /* the window's end */
	fclose(f);
	unlink(path);
	setenv("MC_DEV_ROOT", "/nonexistent-mc-dev", 1);
	ck_assert_int_eq(mc_klog_open("mdev:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", &kl, err,
				      sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent-mc-dev/kmsg"));
	unsetenv("MC_DEV_ROOT");
	rmdir(dir);
}
END_TEST

/*
 * The host's own /dev/kmsg, read-only (no mark is written): it opens (where permitted)
 * and reads, whatever it holds.
 */
START_TEST(host_kmsg_reads)
{
	char err[256], buf[8192];
	struct mc_klog *kl;
	int rc;

	unsetenv("MC_DEV_ROOT");
	rc = mc_klog_open("mdev:83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", &kl, err, sizeof(err));
	ck_assert_msg(rc == 0 || rc == -EACCES || rc == -EPERM || rc == -ENOENT, "%d %s", rc, err);
	if (rc)
		return;
	for (int i = 0; i < 4; i++)
		ck_assert_int_ge(mc_klog_next(kl, buf, sizeof(buf)), 0);
	mc_klog_close(kl);
}
END_TEST

static Suite *klog_run_suite(void)
{
	Suite *s = suite_create("klog_run");
	TCase *tc = tcase_create("phases");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, clean_run_passes);
	tcase_add_test(tc, report_in_preflight);
	tcase_add_test(tc, report_during_a_case);
	tcase_add_test(tc, phases_come_first);
	tcase_add_test(tc, report_between_cases);
	tcase_add_test(tc, report_after_the_last_case);
	tcase_add_test(tc, report_after_rob01_read_the_log);
	tcase_add_test(tc, leak_found_after_the_group);
	tcase_add_test(tc, every_report_named_when_they_do_not_fit);
	tcase_add_test(tc, kernel_reader_starts_at_the_end);
	tcase_add_test(tc, host_kmsg_reads);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(klog_run_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Expected-verdict files: written from a complete report, read back and compared; every
 * kind of change (verdict, case set, device, incomplete run) is reported, and files of
 * the wrong shape are refused rather than compared.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "mc_test.h"

#define REPORT(only, flags, st2, extra)                                             \
	"{\"run\":{\"only\":" only "},\"kernel\":{\"release\":\"6.12.1\"},"         \
	"\"device\":{\"driver\":\"mtty\",\"type\":\"mtty-2\",\"flags\":" flags "}," \
	"\"clauses\":[{\"id\":\"FSM-01\",\"status\":\"pass\"},"                     \
	"{\"id\":\"ERR-02\",\"status\":\"" st2 "\"}],"                              \
	"\"cases\":[{\"id\":\"fsm.pair:STOP->RUNNING\",\"status\":\"pass\"},"       \
	"{\"id\":\"err.fault:STOP\",\"status\":\"" st2 "\"}" extra "]}"

static const char good[] = REPORT("null", "7", "skip", "");

static struct mc_json_doc *parse(const char *s)
{
	struct mc_json_doc *d = NULL;
	struct mc_json_error e;

	ck_assert_msg(!mc_json_parse(s, strlen(s), NULL, &d, &e), "parse: %s", e.msg);
	return d;
}

/* Write the expected file of @from, then compare @to with it; *@text gets the lines. */
static int roundtrip(const char *from, const char *to, char *text, size_t len)
{
	struct mc_json_doc *a = parse(from), *b = parse(to), *e;
	char err[256], *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	int n;

	ck_assert_int_eq(mc_expect_write(f, mc_json_root(a), err, sizeof(err)), 0);
	fclose(f);
	e = parse(buf);
	f = fmemopen(text, len, "w");
	n = mc_expect_check(mc_json_root(e), mc_json_root(b), f, err, sizeof(err));
	fclose(f);
	free(buf);
	mc_json_free(a);
	mc_json_free(b);
	mc_json_free(e);
	return n;
}

START_TEST(same_run_no_difference)
{
	char t[1024] = "";

	ck_assert_int_eq(roundtrip(good, good, t, sizeof(t)), 0);
	ck_assert_str_eq(t, "");
}
END_TEST

START_TEST(changed_verdict_reported)
{
	char t[1024] = "";

	ck_assert_int_eq(roundtrip(good, REPORT("null", "7", "fail", ""), t, sizeof(t)), 2);
	ck_assert_ptr_nonnull(strstr(t, "changed case err.fault:STOP: expected skip, got fail"));
	ck_assert_ptr_nonnull(strstr(t, "changed clause ERR-02: expected skip, got fail"));
}
END_TEST

START_TEST(case_set_changes_reported)
{
	char t[1024] = "";
	const char *more = REPORT("null", "7", "skip", ",{\"id\":\"x.new\",\"status\":\"pass\"}");

	ck_assert_int_eq(roundtrip(good, more, t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "new case x.new: pass"));
	ck_assert_int_eq(roundtrip(more, good, t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "missing case x.new (expected pass)"));
}
END_TEST

START_TEST(device_and_partial_runs_reported)
{
	char t[1024] = "";

	ck_assert_int_eq(roundtrip(good, REPORT("null", "3", "skip", ""), t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "changed device: expected mtty mtty-2 flags 7"));
	ck_assert_int_eq(roundtrip(good, REPORT("\"FSM\"", "7", "skip", ""), t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "incomplete run: the run was restricted with --only"));
	ck_assert_int_eq(roundtrip(good, REPORT("null", "7", "error", ""), t, sizeof(t)), 3);
	ck_assert_ptr_nonnull(strstr(t, "incomplete run: a case ended in a harness error"));
}
END_TEST

/* The run of good on the simulated device, and runs that are not the complete case set. */
#define SIM_REPORT                                                                          \
	"{\"run\":{\"only\":null,\"cases_total\":2},\"device\":{\"spec\":\"sim:flags=7\","  \
	"\"driver\":\"sim\",\"type\":\"sim\",\"flags\":7},\"clauses\":[{\"id\":\"FSM-01\"," \
	"\"status\":\"pass\"}],\"cases\":[{\"id\":\"a\",\"status\":\"pass\"},"              \
	"{\"id\":\"b\",\"status\":\"pass\"}]}"
#define INTERRUPTED REPORT("null, \"cases_total\": 415", "7", "skip", "")
#define CUSTOM_CASES REPORT("null, \"cases_dir\": \"/my/cases\"", "7", "skip", "")

START_TEST(write_refuses_incomplete_runs)
{
	static const struct {
		const char *report, *why;
	} bad[] = {
		{ REPORT("\"FSM\"", "7", "skip", ""), "restricted with --only" },
		{ REPORT("null", "7", "error", ""), "a case ended in a harness error" },
		{ "{\"cases\":[],\"clauses\":[]}", "no cases" },
		{ "[1,2]", "" },
		{ REPORT("null", "\"seven\"", "skip", ""), "no device.flags" },
		{ REPORT("null", "7", "bogus", ""), "bad status" },
		{ INTERRUPTED, "the run stopped early (interrupted?): 2 of the 415 cases" },
		{ CUSTOM_CASES, "--cases DIR, not the built-in case set" },
		{ SIM_REPORT, "the simulated device, whose verdicts are no expectation for a real "
			      "driver" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_json_doc *d = parse(bad[i].report);
		char err[256] = "", buf[4096];
		FILE *f = fmemopen(buf, sizeof(buf), "w");

		ck_assert_int_eq(mc_expect_write(f, mc_json_root(d), err, sizeof(err)), -EINVAL);
		ck_assert_msg(err[0], "no reason for bad report %zu", i);
		ck_assert_msg(strstr(err, bad[i].why), "report %zu: %s", i, err);
		fclose(f);
		mc_json_free(d);
	}
}
END_TEST

/* check fails a run that is not the whole set: its verdicts are not comparable. */
START_TEST(check_fails_partial_runs)
{
	char t[1024] = "";

	ck_assert_int_eq(roundtrip(good, INTERRUPTED, t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "incomplete run: the run stopped early (interrupted?): 2 "
					"of the 415 cases of the complete set ran"));
	ck_assert_int_eq(roundtrip(good, CUSTOM_CASES, t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "incomplete run: the run used --cases DIR"));
	/* A complete run that recorded its total, and --only naming the whole set, compare. */
	ck_assert_int_eq(roundtrip(good, REPORT("null, \"cases_total\": 2", "7", "skip", ""), t,
				   sizeof(t)),
			 0);
	ck_assert_int_eq(roundtrip(good, REPORT("\"FSM,ERR\", \"cases_total\": 2", "7", "skip", ""),
				   t, sizeof(t)),
			 0);
}
END_TEST

START_TEST(malformed_expected_refused)
{
	const char *bad[] = {
		"{}",
		"{\"schema\":2,\"clauses\":{},\"cases\":{}}",
		"{\"schema\":1,\"clauses\":[],\"cases\":{}}",
		"{\"schema\":1,\"clauses\":{},\"cases\":{\"a\":\"maybe\"}}",
		"{\"schema\":1,\"clauses\":{},\"cases\":{\"a\":3}}",
	};
	struct mc_json_doc *r = parse(good);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_json_doc *d = parse(bad[i]);
		char err[256] = "";

		ck_assert_int_eq(mc_expect_check(mc_json_root(d), mc_json_root(r), stdout, err,
						 sizeof(err)),
				 -EINVAL);
		ck_assert_msg(err[0], "no reason for bad file %zu", i);
		mc_json_free(d);
	}
	mc_json_free(r);
}
END_TEST

/* Two access paths of one device: the same report but for device.spec and device.access. */
#define PATH_REPORT(access, st2, extra)                                                   \
	"{\"run\":{\"only\":null},\"device\":{\"spec\":\"" access "-spec\","              \
	"\"access\":\"" access "\",\"driver\":\"mtty\",\"type\":\"mtty-2\",\"flags\":7}," \
	"\"clauses\":[{\"id\":\"FSM-01\",\"status\":\"pass\"},"                           \
	"{\"id\":\"ERR-02\",\"status\":\"" st2 "\"}],"                                    \
	"\"cases\":[{\"id\":\"fsm.pair:STOP->RUNNING\",\"status\":\"pass\"},"             \
	"{\"id\":\"err.fault:STOP\",\"status\":\"" st2 "\"}" extra "]}"

static int agree(const char *ra, const char *rb, char *text, size_t len)
{
	struct mc_json_doc *a = parse(ra), *b = parse(rb);
	char err[256] = "";
	FILE *f = fmemopen(text, len, "w");
	int n = mc_expect_agree(mc_json_root(a), mc_json_root(b), f, err, sizeof(err));

	fclose(f);
	mc_json_free(a);
	mc_json_free(b);
	return n;
}

START_TEST(access_paths_agree_despite_spec)
{
	char t[1024] = "";

	ck_assert_int_eq(agree(PATH_REPORT("group/container", "skip", ""),
			       PATH_REPORT("cdev/iommufd", "skip", ""), t, sizeof(t)),
			 0);
	ck_assert_str_eq(t, "agree: group/container and cdev/iommufd, the same verdicts for 2 "
			    "clauses and 2 cases\n");
}
END_TEST

START_TEST(access_paths_differing_in_one_verdict)
{
	char t[1024] = "";

	/* One case and (through it) one clause: both named, with each path's verdict. */
	ck_assert_int_eq(agree(PATH_REPORT("group/container", "skip", ""),
			       PATH_REPORT("cdev/iommufd", "fail", ""), t, sizeof(t)),
			 2);
	ck_assert_ptr_nonnull(strstr(t, "case err.fault:STOP: group/container skip, "
					"cdev/iommufd fail\n"));
	ck_assert_ptr_nonnull(
		strstr(t, "clause ERR-02: group/container skip, cdev/iommufd fail\n"));
	ck_assert_ptr_nonnull(strstr(t, "disagree: 2 difference(s) between group/container and "
					"cdev/iommufd\n"));
	/* A case only one path ran, either way round. */
	ck_assert_int_eq(
		agree(PATH_REPORT("group/container", "skip", ""),
		      PATH_REPORT("cdev/iommufd", "skip", ",{\"id\":\"x\",\"status\":\"pass\"}"), t,
		      sizeof(t)),
		1);
	ck_assert_ptr_nonnull(strstr(t, "case x only in cdev/iommufd: pass\n"));
	ck_assert_int_eq(
		agree(PATH_REPORT("group/container", "skip", ",{\"id\":\"x\",\"status\":\"fail\"}"),
		      PATH_REPORT("cdev/iommufd", "skip", ""), t, sizeof(t)),
		1);
	ck_assert_ptr_nonnull(strstr(t, "case x only in group/container: fail\n"));
}
END_TEST

START_TEST(access_paths_other_device_or_bad_report)
{
	char t[1024] = "", err[256] = "";
	struct mc_json_doc *a = parse(PATH_REPORT("group/container", "skip", "")), *b = parse("{}");
	FILE *f;

	/* good has no access: the runs are named by their order; its flags are the same. */
	ck_assert_int_eq(agree(good, REPORT("null", "3", "skip", ""), t, sizeof(t)), 1);
	ck_assert_ptr_nonnull(strstr(t, "device: the first run mtty mtty-2 flags 7, the second "
					"run mtty mtty-2 flags 3\n"));
	f = fmemopen(t, sizeof(t), "w");
	ck_assert_int_eq(mc_expect_agree(mc_json_root(a), mc_json_root(b), f, err, sizeof(err)),
			 -EINVAL);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(err, "report has no \"cases\" array"));
	mc_json_free(a);
	mc_json_free(b);
}
END_TEST

static Suite *expect_suite(void)
{
	Suite *s = suite_create("expect");
	TCase *tc = tcase_create("expect");

	tcase_add_test(tc, same_run_no_difference);
	tcase_add_test(tc, changed_verdict_reported);
	tcase_add_test(tc, case_set_changes_reported);
	tcase_add_test(tc, device_and_partial_runs_reported);
	tcase_add_test(tc, write_refuses_incomplete_runs);
	tcase_add_test(tc, check_fails_partial_runs);
	tcase_add_test(tc, malformed_expected_refused);
	tcase_add_test(tc, access_paths_agree_despite_spec);
	tcase_add_test(tc, access_paths_differing_in_one_verdict);
	tcase_add_test(tc, access_paths_other_device_or_bad_report);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(expect_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a verdict claims: the scope label of partial, waived, errored and simulated runs
 * (mc_report_scope), the same words in every place a verdict shows (KTAP trailer,
 * report.json summary.scope, junit.xml properties, report.html header, verify), and
 * reports from before the scope was recorded (the real mtty run) still loading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "json.h"
#include "mc_test.h"
#include "rep_load.h"
#include "rep_scope.h"
#include "reporter.h"
#include "runner.h"

#define MTTY "tests/data/mtty/report.json"

struct scope_row {
	const char *spec, *driver, *only, *cases_dir;
	int total, run, pass, skip, error, fail, waived;
	const char *claim;
	unsigned restricted;
	const char *label;
};

static const struct scope_row rows[] = {
	/* The issue's run: one case of the simulated device's 451. */
	{ "sim:flags=7", "sim", "FEAT-01", NULL, 451, 1, 1, 0, 0, 0, 0, "simulated", MC_SCOPE_ONLY,
	  "PASS (partial: 1 of 451 cases) — simulated device, not a conformance claim" },
	{ "mdev:u", "mtty", NULL, NULL, 415, 415, 378, 37, 0, 0, 0, "conformance", MC_SCOPE_SKIPS,
	  "PASS (415 of 415 cases, 378 judged, 37 skipped) — conformance verdict" },
	{ "mdev:u", "mtty", "FSM", NULL, 415, 300, 300, 0, 0, 0, 0, "partial", MC_SCOPE_ONLY,
	  "PASS (partial: 300 of 415 cases) — not a conformance claim (--only)" },
	/* --only naming every case is the complete run. */
	{ "mdev:u", "mtty", "FEAT,FSM", NULL, 10, 10, 10, 0, 0, 0, 0, "conformance", 0,
	  "PASS (10 of 10 cases) — conformance verdict" },
	{ "mdev:u", "mtty", NULL, "/my/cases", 415, 12, 12, 0, 0, 0, 0, "partial", MC_SCOPE_CASES,
	  "PASS (partial: 12 of 415 cases) — not a conformance claim (--cases)" },
	{ "mdev:u", "mtty", NULL, NULL, 415, 415, 414, 0, 0, 1, 1, "partial", MC_SCOPE_WAIVERS,
	  "PASS (415 of 415 cases, 1 waived) — not a conformance claim (waivers)" },
	{ "mdev:u", "mtty", NULL, NULL, 415, 415, 400, 0, 14, 1, 0, "partial", MC_SCOPE_ERRORS,
	  "FAIL (415 of 415 cases, 401 judged, 14 harness errors) — not a conformance claim "
	  "(harness errors)" },
	/* An interrupted run: fewer cases than planned. */
	{ "mdev:u", "mtty", NULL, NULL, 415, 200, 200, 0, 0, 0, 0, "partial", MC_SCOPE_UNRUN,
	  "PASS (partial: 200 of 415 cases) — not a conformance claim (cases not run)" },
	/* Reports from before the total was recorded. */
	{ "mdev:u", "mtty", NULL, NULL, 0, 415, 415, 0, 0, 0, 0, "conformance", 0,
	  "PASS (415 of 415 cases) — conformance verdict" },
	{ "mdev:u", "mtty", "FSM", NULL, 0, 30, 30, 0, 0, 0, 0, "partial", MC_SCOPE_ONLY,
	  "PASS (partial: 30 cases, complete set size not recorded) — not a conformance claim "
	  "(--only)" },
	{ "sim", "", NULL, NULL, 40, 40, 0, 40, 0, 0, 0, "simulated", MC_SCOPE_SKIPS,
	  "SKIPPED (40 of 40 cases, 0 judged, 40 skipped) — simulated device, not a conformance "
	  "claim" },
};

START_TEST(test_scope_labels)
{
	const struct scope_row *w = &rows[_i];
	struct mc_report rep = { 0 };
	struct mc_scope s;

	rep.info.device_spec = w->spec;
	snprintf(rep.info.ident.driver, sizeof(rep.info.ident.driver), "%s", w->driver);
	rep.info.only = w->only;
	rep.info.cases_dir = w->cases_dir;
	rep.info.cases_total = w->total;
	rep.ncases = w->run;
	rep.counts[MC_PASS] = w->pass;
	rep.counts[MC_SKIP] = w->skip;
	rep.counts[MC_ERROR] = w->error;
	rep.counts[MC_FAIL] = w->fail;
	rep.waived[MC_FAIL] = w->waived;
	mc_report_scope(&rep, &s);
	ck_assert_str_eq(s.label, w->label);
	ck_assert_str_eq(s.claim, w->claim);
	ck_assert_uint_eq(s.restricted, w->restricted);
}
END_TEST

/* --profile leaving a VMM out: the verdict is no conformance claim; all of them is. */
START_TEST(test_scope_profile)
{
	struct mc_report rep = { 0 };
	struct mc_scope s;

	rep.info.device_spec = "mdev:u";
	snprintf(rep.info.ident.driver, sizeof(rep.info.ident.driver), "mtty");
	snprintf(rep.info.profiles, sizeof(rep.info.profiles), "qemu");
	rep.info.cases_total = rep.ncases = 422;
	rep.counts[MC_PASS] = 421;
	rep.counts[MC_SKIP] = 1;
	mc_report_scope(&rep, &s);
	ck_assert_str_eq(s.claim, "partial");
	ck_assert_uint_eq(s.restricted, MC_SCOPE_SKIPS | MC_SCOPE_PROFILE);
	ck_assert_str_eq(s.label, "PASS (422 of 422 cases, 421 judged, 1 skipped) — not a "
				  "conformance claim (--profile)");
	ck_assert_str_eq(mc_scope_reason(MC_SCOPE_PROFILE), "profile");
	snprintf(rep.info.profiles, sizeof(rep.info.profiles), "qemu,cloud-hypervisor");
	mc_report_scope(&rep, &s);
	ck_assert_str_eq(s.claim, "conformance");
}
END_TEST

#define ISSUE_LABEL "PASS (partial: 1 of 451 cases) — simulated device, not a conformance claim"

/* `run --device sim:flags=7 --only FEAT-01`: every rendering and verify say it is partial. */
START_TEST(test_scope_everywhere)
{
	char dir[] = "/tmp/mc_test_scope_XXXXXX", path[4096], *ktap = NULL, *text;
	size_t klen = 0;
	FILE *kf = open_memstream(&ktap, &klen), *vf;
	struct mc_run_opts o = {
		.device = "sim:flags=7",
		.seed = 1,
		.timeout_ms = 30000,
		.op_timeout_ms = 3000,
		.stream_limit = 64u << 20,
		.only = "FEAT-01",
		.out = dir,
	};
	struct mc_bundle_opts bo = { .dir = dir };
	struct mc_report *rep = NULL;
	struct mc_json_doc *doc;
	struct mc_json_error je;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	mc_ktap_set_stream(kf);
	ck_assert_int_eq(mc_run(&o, &rep), 0);
	mc_ktap_set_stream(NULL);
	fclose(kf);
	mc_report_free(rep);
	ck_assert_msg(strstr(ktap, "\n# scope: " ISSUE_LABEL "\n# migcheck: 1 passed"), "%s", ktap);

	snprintf(path, sizeof(path), "%s/report.json", dir);
	ck_assert_int_eq(mc_json_parse_file(path, NULL, &doc, &je), 0);
	ck_assert_str_eq(mc_json_string(mc_json_path(mc_json_root(doc), "summary.scope.label"),
					NULL),
			 ISSUE_LABEL);
	ck_assert_str_eq(mc_json_string(mc_json_path(mc_json_root(doc), "summary.scope.claim"),
					NULL),
			 "simulated");
	ck_assert_str_eq(
		mc_json_string(mc_json_path(mc_json_root(doc), "summary.scope.restricted_by.0"),
			       NULL),
		"only");
	mc_json_free(doc);

	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	text = mc_test_slurp(path, NULL);
	ck_assert_msg(strstr(text, "<property name=\"scope\" value=\"" ISSUE_LABEL "\"/>"), "%s",
		      text);
	free(text);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	text = mc_test_slurp(path, NULL);
	ck_assert(strstr(text, "data-claim=\"simulated\">" ISSUE_LABEL "</div>"));
	ck_assert(strstr(text, "data-verdict=\"pass\">PASS · simulated</div>"));
	free(text);

	ck_assert_int_eq(mc_bundle_create(&bo, path, sizeof(path)), 0);
	text = NULL;
	vf = open_memstream(&text, &klen);
	ck_assert_int_eq(mc_bundle_verify(path, NULL, vf), 0);
	fclose(vf);
	ck_assert_msg(strstr(text, "verdict " ISSUE_LABEL "\n"), "%s", text);
	free(text);
	unlink(path);
	free(ktap);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* The real mtty run has no scope fields: a complete run on a real device. */
START_TEST(test_scope_old_report)
{
	struct mc_report *rep = NULL;
	struct mc_scope s;
	char err[512];

	ck_assert_msg(!mc_report_load_file(MTTY, &rep, err, sizeof(err)), "%s", err);
	mc_report_scope(rep, &s);
	ck_assert_str_eq(s.claim, "conformance");
	ck_assert_int_eq(s.cases_total, 415);
	ck_assert_str_eq(s.label, "FAIL (415 of 415 cases, 378 judged, 37 skipped) — conformance "
				  "verdict");
	mc_report_unload(rep);
}
END_TEST

/* run.cases_total and run.cases_dir come back from report.json; a bad total is refused. */
START_TEST(test_scope_roundtrip)
{
	char *text = mc_test_slurp(MTTY, NULL), *json = NULL, *p, err[512];
	struct mc_json_doc *doc;
	struct mc_json_error je;
	struct mc_report *rep = NULL;
	struct mc_scope s;
	size_t len = 0;
	FILE *f;

	p = strstr(text, "\"only\": null,");
	ck_assert_ptr_nonnull(p);
	f = open_memstream(&json, &len);
	fprintf(f, "%.*s\"only\": \"FSM\", \"cases_dir\": \"/c\", \"cases_total\": 500,%s",
		(int)(p - text), text, p + strlen("\"only\": null,"));
	fclose(f);
	ck_assert_int_eq(mc_json_parse(json, len, NULL, &doc, &je), 0);
	ck_assert_msg(!mc_report_from_json(mc_json_root(doc), &rep, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(rep->info.cases_total, 500);
	ck_assert_str_eq(rep->info.cases_dir, "/c");
	mc_report_scope(rep, &s);
	ck_assert_str_eq(s.claim, "partial");
	ck_assert_uint_eq(s.restricted, MC_SCOPE_CASES | MC_SCOPE_ONLY | MC_SCOPE_SKIPS);
	mc_report_unload(rep);
	mc_json_free(doc);
	free(json);

	json = NULL;
	f = open_memstream(&json, &len);
	fprintf(f, "%.*s\"only\": null, \"cases_total\": -3,%s", (int)(p - text), text,
		p + strlen("\"only\": null,"));
	fclose(f);
	ck_assert_int_eq(mc_json_parse(json, len, NULL, &doc, &je), 0);
	ck_assert_int_ne(mc_report_from_json(mc_json_root(doc), &rep, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "cases_total"), "%s", err);
	mc_json_free(doc);
	free(json);
	free(text);
}
END_TEST

/* Replace the first @from in file @path by @to. */
static void edit(const char *path, const char *from, const char *to)
{
	char *text = mc_test_slurp(path, NULL), *p = strstr(text, from);
	FILE *f;

	ck_assert_msg(p != NULL, "%s: no %s", path, from);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	ck_assert_int_eq(fclose(f), 0);
	free(text);
}

/* A hand-edited summary.scope (a partial run claiming conformance, ...) is rejected by verify. */
static const struct {
	const char *from, *to, *says;
} scope_edits[] = {
	{ "\"claim\": \"simulated\"", "\"claim\": \"conformance\"",
	  "summary.scope.claim is \"conformance\", its run and cases give \"simulated\"" },
	{ "— simulated device, not a conformance claim\"\n", "— conformance verdict\"\n",
	  "summary.scope.label is \"PASS (partial: 1 of 451 cases) — conformance verdict\"" },
	{ "\"restricted_by\": [\"only\"]", "\"restricted_by\": []",
	  "summary.scope.restricted_by lacks \"only\"" },
	{ "\"cases_total\": 451,\n      \"cases_run\"", "\"cases_total\": 1,\n      \"cases_run\"",
	  "summary.scope.cases_total is 1, its run and cases give 451" },
	{ "\"device\": \"simulated\"", "\"device\": \"real\"",
	  "summary.scope.device is \"real\", the device is simulated" },
	{ "\"cases_judged\": 1", "\"cases_judged\": \"1\"",
	  "summary.scope.cases_judged is not a number" },
	{ ",\n    \"scope\": {", ",\n    \"scope_was\": {",
	  "summary.scope is missing, the run gives \"PASS (partial" },
};

START_TEST(test_scope_verified)
{
	char dir[] = "/tmp/mc_test_scope_XXXXXX", path[4096], json[4200], *text = NULL;
	size_t len = 0;
	struct mc_run_opts o = {
		.device = "sim:flags=7",
		MC_TEST_RUN_OPTS,
		.only = "FEAT-01",
		.out = dir,
	};
	struct mc_bundle_opts bo = { .dir = dir };
	struct mc_report *rep = NULL;
	FILE *f = fopen("/dev/null", "w"), *vf;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	mc_ktap_set_stream(f);
	ck_assert_int_eq(mc_run(&o, &rep), 0);
	mc_ktap_set_stream(NULL);
	fclose(f);
	mc_report_free(rep);
	snprintf(json, sizeof(json), "%s/report.json", dir);
	edit(json, scope_edits[_i].from, scope_edits[_i].to);
	ck_assert_int_eq(mc_bundle_create(&bo, path, sizeof(path)), 0);
	vf = open_memstream(&text, &len);
	ck_assert_int_eq(mc_bundle_verify(path, NULL, vf), 1);
	fclose(vf);
	ck_assert_msg(strstr(text, scope_edits[_i].says), "%s", text);
	ck_assert_msg(strstr(text, "bundle REJECTED"), "%s", text);
	free(text);
	/* Undone, the same bundle verifies. */
	edit(json, scope_edits[_i].to, scope_edits[_i].from);
	ck_assert_int_eq(mc_bundle_create(&bo, path, sizeof(path)), 0);
	f = fopen("/dev/null", "w");
	ck_assert_int_eq(mc_bundle_verify(path, NULL, f), 0);
	fclose(f);
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static Suite *scope_suite(void)
{
	Suite *s = suite_create("scope");
	TCase *tc = tcase_create("scope");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_scope_labels, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_scope_profile);
	tcase_add_test(tc, test_scope_everywhere);
	tcase_add_test(tc, test_scope_old_report);
	tcase_add_test(tc, test_scope_roundtrip);
	tcase_add_loop_test(tc, test_scope_verified, 0,
			    (int)(sizeof(scope_edits) / sizeof(scope_edits[0])));
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(scope_suite)

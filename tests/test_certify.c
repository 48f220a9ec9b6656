// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the report layer added for certification: waiver files (format, errors,
 * what can and cannot be waived, the verdict they give), report.json read back (every
 * format re-rendered byte for byte, including metric series and waivers; malformed and
 * truncated input refused with a message), HTML escaping of hostile strings, and diff.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "mc_test.h"
#include "render.h"
#include "rep_load.h"
#include "report.h"
#include "reporter.h"
#include "rundiff.h"
#include "waiver.h"

#define FIXTURE "tests/data/mtty/report.json"
#define HOSTILE "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&amp;\x01"

static char err[1024];

START_TEST(test_waiver_parse)
{
	static const char good[] =
		"# comment\n\n  RES-04  the header is not checked\tref=https://x/1\r\n"
		"LOG-03 a second START is accepted ref=TICKET-9";
	struct mc_waivers w;

	ck_assert_int_eq(mc_waivers_parse(good, strlen(good), "w", &w, err, sizeof(err)), 0);
	ck_assert_int_eq(w.n, 2);
	ck_assert_str_eq(w.w[0].clause, "RES-04");
	ck_assert_str_eq(w.w[0].reason, "the header is not checked");
	ck_assert_str_eq(w.w[0].ref, "https://x/1");
	ck_assert_int_eq(w.w[0].line, 3);
	ck_assert_str_eq(w.w[1].ref, "TICKET-9");
	ck_assert_int_eq(mc_waivers_validate(&w, err, sizeof(err)), 0);
	mc_waivers_free(&w);
}
END_TEST

START_TEST(test_waiver_errors)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "res-04 x ref=y\n", "is not a clause ID" },
		{ "RES-4 x ref=y\n", "is not a clause ID" },
		{ "RES-04 reason only\n", "must end with ref=" },
		{ "RES-04 ref=y\n", "no reason" },
		{ "RES-04 a ref=\n", "must end with ref=" },
		{ "RES-04 a ref=y\nRES-04 b ref=z\n", "waived twice" },
	};
	struct mc_waivers w;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(mc_waivers_parse(bad[i].text, strlen(bad[i].text), "f", &w, err,
						  sizeof(err)),
				 -EINVAL);
		ck_assert_msg(strstr(err, bad[i].msg) && !strncmp(err, "f:", 2), "%s: %s",
			      bad[i].text, err);
	}
	ck_assert_int_eq(mc_waivers_parse("RES-04 a\0 ref=x", 16, "f", &w, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(mc_waivers_parse("ABC-01 a ref=x", 14, "f", &w, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_waivers_validate(&w, err, sizeof(err)), -EINVAL);
	mc_waivers_free(&w);
	ck_assert_int_eq(mc_waivers_load("/nonexistent/w", &w, err, sizeof(err)), -ENOENT);
}
END_TEST

static struct mc_report *fixture(void)
{
	struct mc_report *rep;

	ck_assert_msg(!mc_report_load_file(FIXTURE, &rep, err, sizeof(err)), "%s", err);
	return rep;
}

/* Waived: only fail and warn; the verdict turns pass when nothing else fails. */
START_TEST(test_waiver_apply)
{
	static const char text[] = "RES-04 r ref=a\nLOG-03 r ref=b\nFSM-01 r ref=c\n";
	struct mc_report *rep = fixture();
	struct mc_waivers w;
	int waived = 0;

	ck_assert_str_eq(mc_report_verdict(rep), "fail");
	ck_assert_int_eq(mc_waivers_parse(text, strlen(text), "w", &w, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_waivers_apply(rep, &w, err, sizeof(err)), 0);
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *r = &rep->cases[i];

		if (r->waiver)
			waived++;
		ck_assert(!r->waiver || r->status == MC_FAIL || r->status == MC_WARN);
	}
	ck_assert_int_eq(waived, 2); /* res.corrupt.header (fail), log.start.twice (warn) */
	ck_assert_int_eq(rep->waived[MC_FAIL], 1);
	ck_assert_str_eq(mc_report_verdict(rep), "pass");
	ck_assert_int_eq(rep->exit_code, 0);
	for (int i = 0; i < rep->nclauses; i++) {
		const char *id = rep->clauses[i].clause->id,
			   *eff = mc_clause_effective(&rep->clauses[i]);

		if (!strcmp(id, "RES-04") || !strcmp(id, "LOG-03"))
			ck_assert_str_eq(eff, "waived");
		if (!strcmp(id, "FSM-01")) /* a passing clause stays pass */
			ck_assert_str_eq(eff, "pass");
	}
	mc_waivers_free(&w);
	ck_assert_int_eq(mc_waivers_parse("ZZZ-01 r ref=x", 14, "w", &w, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_waivers_apply(rep, &w, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a clause of this report"));
	ck_assert_int_eq(mc_waivers_apply(rep, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(mc_report_verdict(rep), "fail");
	mc_waivers_free(&w);
	mc_report_unload(rep);
}
END_TEST

static char *render(const struct mc_report *rep, const char *fmt, size_t *len)
{
	char *buf;

	ck_assert_int_eq(mc_render_mem(rep, NULL, fmt, &buf, len), 0);
	return buf;
}

/* JSON -> report -> JSON is exact, also with series and waivers; so are junit and KTAP. */
START_TEST(test_load_roundtrip)
{
	static const char text[] = "RES-04 header not checked ref=https://x/1\n";
	static const char *const fmts[] = { "json", "junit", "ktap", "html" };
	struct mc_report *a = fixture(), *b;
	struct mc_json_doc *doc;
	struct mc_json_error je;
	struct mc_waivers w;
	struct mc_metric *m = &a->cases[0].metrics[0];

	*m = (struct mc_metric){ .name = "initial_bytes",
				 .unit = "B",
				 .count = 1,
				 .value = 0,
				 .nseries = 3,
				 .series = { 65824, 1234.5, 0 } };
	a->cases[0].nmetrics = 1;
	ck_assert_int_eq(mc_waivers_parse(text, strlen(text), "w", &w, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_waivers_apply(a, &w, err, sizeof(err)), 0);
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		size_t la, lb, lj;
		char *json = render(a, "json", &lj), *x = render(a, fmts[f], &la), *y;

		ck_assert_int_eq(mc_json_parse(json, lj, NULL, &doc, &je), 0);
		ck_assert_msg(!mc_report_from_json(mc_json_root(doc), &b, err, sizeof(err)), "%s",
			      err);
		y = render(b, fmts[f], &lb);
		ck_assert_msg(la == lb && !memcmp(x, y, la), "%s differs after a round trip",
			      fmts[f]);
		ck_assert_int_eq(b->cases[0].metrics[0].nseries, 3);
		ck_assert(b->cases[0].metrics[0].series[1] == 1234.5);
		ck_assert_ptr_nonnull(mc_waiver_find(mc_report_recorded_waivers(b), "RES-04"));
		free(x);
		free(y);
		free(json);
		mc_report_unload(b);
		mc_json_free(doc);
	}
	mc_waivers_free(&w);
	mc_report_unload(a);
}
END_TEST

/* Absurd measurements render in every format without undefined behaviour (UBSan aborts). */
START_TEST(test_extreme_metrics)
{
	static const char *const fmts[] = { "json", "junit", "ktap", "html" };
	struct mc_report *rep = fixture();

	for (int i = 0; i < rep->ncases; i++) {
		struct mc_metric *m = &rep->cases[i].metrics[0];

		if (!rep->cases[i].nmetrics)
			continue;
		m->value = i % 2 ? 1e300 : -1e300;
		m->p50 = 1e-300;
		m->p99 = 1e20;
		m->max = 1e300;
		m->nseries = 2;
		m->series[0] = 1e300;
		m->series[1] = -1e300;
	}
	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		size_t len;

		free(render(rep, fmts[f], &len));
	}
	mc_report_unload(rep);
}
END_TEST

/* Truncated at many offsets, or with a member of the wrong type: an error, never a crash. */
START_TEST(test_load_malformed)
{
	static const char *const subst[][2] = {
		{ "\"schema\": 1", "\"schema\": 2" },
		{ "\"flags\": 7", "\"flags\": \"7\"" },
		{ "\"seed\": \"1\"", "\"seed\": \"-1\"" },
		{ "\"seed\": \"1\"", "\"seed\": \" 1\"" },
		{ "\"seed\": \"1\"", "\"seed\": \"+1\"" },
		{ "\"status\": \"pass\",\n      \"detail\"", "\"status\": 3,\n      \"detail\"" },
		{ "\"level\": \"must\"", "\"level\": \"may\"" },
		{ "\"verdict\": \"match\"", "\"verdict\": \"maybe\"" },
		{ "\"oplog\": [", "\"oplog\": 7, \"oplog_\": [" },
		{ "\"clause\": \"FEAT-01\"", "\"clause\": \"NOPE-01\"" },
		{ "\"duration_us\": ", "\"duration_us\": -" },
	};
	struct mc_report *rep = fixture(), *r2;
	struct mc_json_doc *doc;
	struct mc_json_error je;
	size_t len;
	char *json = render(rep, "json", &len);

	for (size_t cut = 0; cut < len; cut += 1 + cut / 3) {
		if (mc_json_parse(json, cut, NULL, &doc, &je))
			continue;
		ck_assert_int_ne(mc_report_from_json(mc_json_root(doc), &r2, err, sizeof(err)), 0);
		mc_json_free(doc);
	}
	for (size_t i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
		char *p = strstr(json, subst[i][0]), *edited;

		ck_assert_ptr_nonnull(p);
		ck_assert_int_ne(asprintf(&edited, "%.*s%s%s", (int)(p - json), json, subst[i][1],
					  p + strlen(subst[i][0])),
				 -1);
		ck_assert_int_eq(mc_json_parse(edited, strlen(edited), NULL, &doc, &je), 0);
		ck_assert_int_eq(mc_report_from_json(mc_json_root(doc), &r2, err, sizeof(err)),
				 -EINVAL);
		ck_assert_ptr_null(r2);
		ck_assert_msg(err[0], "no message for %s", subst[i][1]);
		mc_json_free(doc);
		free(edited);
	}
	ck_assert_int_ne(mc_report_load_file("/nonexistent.json", &r2, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent.json"));
	free(json);
	mc_report_unload(rep);
}
END_TEST

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Whatever a device or kernel said, the page holds exactly one script: ours. */
START_TEST(test_html_escaping)
{
	struct mc_report *rep = fixture();
	struct mc_html_extra x = { .klog = "[ 1.0] WARNING: " HOSTILE "\n", .klog_name = HOSTILE };
	size_t len;
	char *html;
	FILE *f;

	snprintf(rep->info.ident.driver, sizeof(rep->info.ident.driver), "%s", HOSTILE);
	snprintf(rep->info.cmdline, sizeof(rep->info.cmdline), "%s", HOSTILE);
	rep->info.device_spec = HOSTILE;
	snprintf(rep->cases[0].name, sizeof(rep->cases[0].name), "%s", HOSTILE);
	snprintf(rep->cases[0].detail, sizeof(rep->cases[0].detail), "%s\n%s", HOSTILE, HOSTILE);
	snprintf(rep->cases[0].oplog, sizeof(rep->cases[0].oplog), "%s\n", HOSTILE);
	rep->cases[0].status = MC_FAIL;
	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(rep->cases[i].name, "rob.klog")) {
			rep->cases[i].status = MC_FAIL;
			snprintf(rep->cases[i].detail, sizeof(rep->cases[i].detail),
				 "reports:\nx: 4,1: WARNING: %s", HOSTILE);
		}
	mc_report_recount(rep);
	f = open_memstream(&html, &len);
	ck_assert_int_eq(mc_html_write(f, rep, &x), 0);
	fclose(f);
	ck_assert_int_eq(count(html, "<script"), 1);
	ck_assert_int_eq(count(html, "<img"), 0);
	ck_assert_int_eq(count(html, "\x01"), 0);
	ck_assert_int_ge(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 8);
	ck_assert_ptr_nonnull(strstr(html, "klog-excerpt"));
	ck_assert_ptr_nonnull(strstr(html, "Content-Security-Policy"));
	free(html);
	mc_report_unload(rep);
}
END_TEST

static char *diff(const struct mc_report *a, const struct mc_report *b, double thr, int *worse)
{
	struct mc_diff_opts o = { .threshold = thr };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	*worse = mc_report_diff(a, b, &o, f, NULL);
	fclose(f);
	return out;
}

START_TEST(test_diff)
{
	struct mc_report *a = fixture(), *b = fixture();
	struct mc_metric *m = NULL;
	char *out;
	int worse;

	out = diff(a, b, 0.25, &worse);
	ck_assert_int_eq(worse, 0);
	ck_assert_str_eq(out, "0 change(s), 0 worse\n");
	free(out);
	for (int i = 0; i < b->ncases && !m; i++)
		if (!strcmp(b->cases[i].name, "time.arc:STOP->STOP_COPY"))
			m = &b->cases[i].metrics[0];
	ck_assert_ptr_nonnull(m);
	m->p99 *= 1.2; /* within the threshold */
	b->cases[0].status = MC_FAIL;
	snprintf(b->info.ident.module_version, sizeof(b->info.ident.module_version), "0.2");
	b->ncases--; /* the last case, ROB-01's only one, vanished */
	mc_report_recount(b);
	out = diff(a, b, 0.25, &worse);
	snprintf(err, sizeof(err), "WORSE  case %s: pass -> fail", b->cases[0].name);
	ck_assert_msg(worse == 4, "%s", out); /* the case, its clause, ROB-01, the missing case */
	ck_assert_ptr_nonnull(strstr(out, "       module version: 0.1 -> 0.2"));
	ck_assert_ptr_nonnull(strstr(out, err));
	ck_assert_ptr_nonnull(strstr(out, "WORSE  clause ROB-01: pass -> skip"));
	ck_assert_ptr_nonnull(strstr(out, "WORSE  missing case rob.klog (was pass)"));
	ck_assert_ptr_null(strstr(out, "latency p99"));
	free(out);
	m->p99 *= 2; /* now beyond it: a latency that grew is worse */
	out = diff(a, b, 0.25, &worse);
	ck_assert_int_eq(worse, 5);
	ck_assert_ptr_nonnull(
		strstr(out, "WORSE  metric time.arc:STOP->STOP_COPY latency p99 (+140%)"));
	free(out);
	mc_report_unload(a);
	mc_report_unload(b);
}
END_TEST

static Suite *certify_suite(void)
{
	Suite *s = suite_create("certify");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_waiver_parse);
	tcase_add_test(tc, test_waiver_errors);
	tcase_add_test(tc, test_waiver_apply);
	tcase_add_test(tc, test_load_roundtrip);
	tcase_add_test(tc, test_extreme_metrics);
	tcase_add_test(tc, test_load_malformed);
	tcase_add_test(tc, test_html_escaping);
	tcase_add_test(tc, test_diff);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(certify_suite)

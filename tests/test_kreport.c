// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel in the report: oracles and flavour from config fixtures (the rig's debug
 * kernel, Debian's production kernel, none), the run's kernel reports as a list charged
 * to their case or phase, that list through report.json into the HTML table whose links
 * reach the case's row, KTAP and JUnit lines, diff, and reports without any of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "json.h"
#include "kinfo.h"
#include "mc_test.h"
#include "rep_load.h"
#include "report.h"
#include "reporter.h"
#include "rundiff.h"
#include "runner.h"

#define DEBUG_CONFIG "tests/data/kconfig/debug.config"
#define PROD_CONFIG "tests/data/kconfig/production.config"
#define RIG_CMDLINE                                                              \
	"console=ttyS0 slub_debug=FZPU panic_on_warn=0 rdinit=/init loglevel=5 " \
	"kasan_multi_shot kasan.fault=report kmemleak=on kmemleak.verbose=1 pci=noacpi"

static const struct mc_koracle *oracle(const struct mc_kinfo *ki, const char *name)
{
	const struct mc_koracle *o = mc_kinfo_oracle(ki, name);

	ck_assert_msg(o != NULL, "no oracle %s", name);
	return o;
}

static void expect(const struct mc_kinfo *ki, const char *name, enum mc_oracle_state st,
		   const char *in_detail)
{
	const struct mc_koracle *o = oracle(ki, name);

	ck_assert_msg(o->state == st, "%s: %s (%s), want %s", name, mc_kinfo_state_name(o->state),
		      o->detail, mc_kinfo_state_name(st));
	ck_assert_msg(strstr(o->detail, in_detail), "%s: \"%s\" lacks \"%s\"", name, o->detail,
		      in_detail);
}

/* The rig's debug kernel as it boots: every oracle, reports kept coming. */
START_TEST(debug_kernel_oracles)
{
	char *cfg = mc_test_slurp(DEBUG_CONFIG, NULL), list[256];
	struct mc_kinfo ki;

	mc_kinfo_derive(&ki, cfg, RIG_CMDLINE, "debug 6.12.117+deb12-debug-3fc79937a1f6");
	ck_assert(ki.recorded);
	ck_assert_str_eq(ki.flavour, "debug");
	ck_assert_str_eq(ki.build, "debug 6.12.117+deb12-debug-3fc79937a1f6");
	expect(&ki, "kasan", MC_ORACLE_PRESENT, "generic; inline; every report (kasan_multi_shot)");
	expect(&ki, "ubsan", MC_ORACLE_PRESENT, "checks: bounds bounds-strict bool enum");
	expect(&ki, "lockdep", MC_ORACLE_PRESENT, "one report per boot");
	expect(&ki, "lockdep_rcu", MC_ORACLE_PRESENT, "suspicious RCU usage");
	expect(&ki, "kmemleak", MC_ORACLE_PRESENT, "kmemleak=on");
	expect(&ki, "atomic_sleep", MC_ORACLE_PRESENT, "invalid context");
	expect(&ki, "kfence", MC_ORACLE_PRESENT, "every 100 ms");
	expect(&ki, "hung_task", MC_ORACLE_PRESENT, "timeout 120s");
	expect(&ki, "fault_injection", MC_ORACLE_PRESENT,
	       "failslab yes, fail_page_alloc yes, "
	       "debugfs yes");
	expect(&ki, "kcov", MC_ORACLE_PRESENT, "with comparisons");
	ck_assert_int_eq(mc_kinfo_list(&ki, MC_ORACLE_ABSENT, list, sizeof(list)), 0);
	/* only the options that bear on the oracles, not the whole command line */
	ck_assert_str_eq(ki.boot_options, "slub_debug=FZPU panic_on_warn=0 kasan_multi_shot "
					  "kasan.fault=report kmemleak=on kmemleak.verbose=1");
	free(cfg);
}
END_TEST

/* Without kasan_multi_shot KASAN is there but reports once; boot options turn some off. */
START_TEST(boot_options_matter)
{
	char *cfg = mc_test_slurp(DEBUG_CONFIG, NULL), *off;
	struct mc_kinfo ki;

	mc_kinfo_derive(&ki, cfg, "console=ttyS0 -- kasan_multi_shot", NULL); /* init's, after -- */
	expect(&ki, "kasan", MC_ORACLE_PRESENT,
	       "first report only (booted without kasan_multi_shot)");
	ck_assert_str_eq(ki.boot_options, "");
	expect(&ki, "kmemleak", MC_ORACLE_PRESENT, "scanned after each case group");
	mc_kinfo_derive(&ki, cfg, "kasan=off kmemleak=off kfence.sample_interval=0", NULL);
	expect(&ki, "kasan", MC_ORACLE_ABSENT, "turned off by kasan=off");
	expect(&ki, "kmemleak", MC_ORACLE_ABSENT, "turned off by kmemleak=off");
	expect(&ki, "kfence", MC_ORACLE_ABSENT, "sample interval 0");
	ck_assert_str_eq(ki.flavour, "debug"); /* still a debug kernel: its config says so */
	/* kmemleak built off by default needs kmemleak=on */
	off = malloc(strlen(cfg) + 64);
	sprintf(off, "%sCONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=y\n", cfg);
	mc_kinfo_derive(&ki, off, "", NULL);
	expect(&ki, "kmemleak", MC_ORACLE_ABSENT, "not booted with kmemleak=on");
	mc_kinfo_derive(&ki, off, "quiet kmemleak=on", NULL);
	expect(&ki, "kmemleak", MC_ORACLE_PRESENT, "kmemleak=on");
	free(off);
	free(cfg);
}
END_TEST

/* Debian's kernel: no sanitizer, KFENCE built but off; the release name does not matter. */
START_TEST(production_kernel_oracles)
{
	char *cfg = mc_test_slurp(PROD_CONFIG, NULL), list[256];
	struct mc_kinfo ki;

	/* a label (or a release) that says debug does not make it one: the config decides */
	mc_kinfo_derive(&ki, cfg, "BOOT_IMAGE=/vmlinuz-6.12.117-mcdebug-x kasan_multi_shot",
			"debug 6.12.117-mcdebug-x");
	ck_assert_str_eq(ki.flavour, "production");
	expect(&ki, "kasan", MC_ORACLE_ABSENT, "CONFIG_KASAN is not set");
	expect(&ki, "ubsan", MC_ORACLE_ABSENT, "CONFIG_UBSAN is not set");
	expect(&ki, "lockdep", MC_ORACLE_ABSENT, "CONFIG_PROVE_LOCKING is not set");
	expect(&ki, "kmemleak", MC_ORACLE_ABSENT, "CONFIG_DEBUG_KMEMLEAK is not set");
	expect(&ki, "kfence", MC_ORACLE_ABSENT, "sample interval 0");
	expect(&ki, "hung_task", MC_ORACLE_PRESENT, "timeout 120s");
	ck_assert_int_eq(mc_kinfo_list(&ki, MC_ORACLE_PRESENT, list, sizeof(list)), 1);
	ck_assert_str_eq(list, "hung_task");
	mc_kinfo_list(&ki, MC_ORACLE_ABSENT, list, sizeof(list));
	ck_assert_str_eq(list, "kasan ubsan lockdep lockdep_rcu kmemleak atomic_sleep kfence "
			       "fault_injection kcov");
	free(cfg);
}
END_TEST

/* No config: nothing is claimed, whatever the command line says. */
START_TEST(unknown_config_claims_nothing)
{
	char list[256];
	struct mc_kinfo ki;

	mc_kinfo_derive(&ki, NULL, RIG_CMDLINE, NULL);
	ck_assert_str_eq(ki.flavour, "unknown");
	ck_assert_int_eq(mc_kinfo_list(&ki, MC_ORACLE_PRESENT, list, sizeof(list)), 0);
	ck_assert_int_eq(mc_kinfo_list(&ki, MC_ORACLE_ABSENT, list, sizeof(list)), 0);
	ck_assert_int_eq(mc_kinfo_list(&ki, MC_ORACLE_UNKNOWN, list, sizeof(list)), ki.noracles);
	/* the running kernel's config file gone: the probe says so */
	mc_kinfo_probe(&ki, "/nonexistent/config-0");
	ck_assert_str_eq(ki.flavour, "unknown");
	expect(&ki, "kasan", MC_ORACLE_UNKNOWN, "/nonexistent/config-0 could not be read");
	mc_kinfo_probe(&ki, "/proc/config.gz");
	expect(&ki, "kasan", MC_ORACLE_UNKNOWN, "only compressed");
}
END_TEST

static struct mc_report *run(const char *spec, const char *only, const char *out)
{
	struct mc_run_opts o = {
		.device = spec,
		MC_TEST_RUN_OPTS,
		.only = only,
		.out = out,
	};
	struct mc_report *rep = NULL;

	mc_run(&o, &rep);
	ck_assert_ptr_nonnull(rep);
	return rep;
}

static const struct mc_case_result *case_named(const struct mc_report *rep, const char *name)
{
	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(rep->cases[i].name, name))
			return &rep->cases[i];
	return NULL;
}

/* A report in a case is listed with that case. */
START_TEST(reports_listed_with_case_or_phase)
{
	struct mc_report *rep = run("sim:flags=7:defect=warn_on_bad_stream", "RES-04,ROB-01", NULL);

	ck_assert(rep->kreports_known);
	ck_assert_int_gt(rep->nkreports, 0);
	for (int i = 0; i < rep->nkreports; i++) {
		const struct mc_kreport *k = &rep->kreports[i];
		const struct mc_case_result *c = case_named(rep, k->where);

		ck_assert_str_eq(k->kind, "warn");
		ck_assert_msg(k->in_case && c, "report %d charged to %s", i, k->where);
		ck_assert_msg(!strncmp(k->lines, "WARNING: CPU: 0 PID: ", 21), "%s", k->lines);
		ck_assert_msg(strstr(c->detail, "kernel log report (warn): WARNING:"), "%s",
			      c->detail);
	}
	mc_report_free(rep);
}
END_TEST

/* (A test of its own: the simulated driver warns on the first open of the process.) */
START_TEST(report_in_preflight_listed_with_phase)
{
	struct mc_report *rep =
		run("sim:flags=7:defect=warn_on_first_open", "FEAT-01,ROB-01", NULL);

	ck_assert_int_eq(rep->nkreports, 1);
	ck_assert(!rep->kreports[0].in_case);
	ck_assert_str_eq(rep->kreports[0].where, "preflight (opening the device)");
	mc_report_free(rep);
}
END_TEST

/* @text rendered as @format from @rep into a malloc'd string. */
static char *render(const struct mc_report *rep, int (*write)(FILE *, const struct mc_report *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(write(f, rep), 0);
	fclose(f);
	return buf;
}

static int html(FILE *f, const struct mc_report *rep)
{
	return mc_html_write(f, rep, NULL);
}

/* @rep through report.json and back (the loaded report owns the document). */
static struct mc_report *reload(const struct mc_report *rep, struct mc_json_doc **doc)
{
	char *json = render(rep, mc_json_write_report), err[512];
	struct mc_json_error je;
	struct mc_report *back = NULL;

	ck_assert_int_eq(mc_json_parse(json, strlen(json), NULL, doc, &je), 0);
	ck_assert_msg(!mc_report_from_json(mc_json_root(*doc), &back, err, sizeof(err)), "%s", err);
	free(json);
	return back;
}

/* Every row of the kernel-reports table links to the row of the case it was charged to. */
START_TEST(html_rows_link_their_case)
{
	struct mc_report *rep = run("sim:flags=7:defect=warn_on_bad_stream", "RES-04,ROB-01", NULL);
	struct mc_json_doc *doc;
	struct mc_report *back = reload(rep, &doc);
	char *page = render(back, html), *p, want[1024];
	int rows = 0;

	ck_assert_int_eq(back->nkreports, rep->nkreports);
	for (int i = 0; i < rep->nkreports; i++) {
		ck_assert_str_eq(back->kreports[i].where, rep->kreports[i].where);
		ck_assert_str_eq(back->kreports[i].lines, rep->kreports[i].lines);
	}
	ck_assert_msg(strstr(page, "<section id=\"kernel\">"), "no Kernel section");
	p = strstr(page, "<table id=\"kreport-table\">");
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < rep->nkreports; i++) {
		const char *name = rep->kreports[i].where;
		char *row = strstr(p, "<tr class=\"kr-case\" id=\"kreport-"), head[64];

		ck_assert_ptr_nonnull(row);
		snprintf(head, sizeof(head),
			 "<tr class=\"kr-case\" id=\"kreport-%d\" data-kind=\"warn\">", i + 1);
		ck_assert_msg(!strncmp(row, head, strlen(head)), "%.80s", row);
		/* the link names the case ... */
		snprintf(want, sizeof(want), "case <a class=\"mono case-link\" href=\"#case-%s\">",
			 name);
		ck_assert_msg(strstr(row, want) && strstr(row, want) < strstr(row, "</tr>"),
			      "row %d lacks %s", i, want);
		/* ... and the case's row carries that id, once */
		snprintf(want, sizeof(want), " id=\"case-%s\"><td class=\"mono\">%s</td>", name,
			 name);
		ck_assert_msg(strstr(page, want), "no row %s", want);
		ck_assert_ptr_eq(strstr(strstr(page, want) + 1, want), NULL);
		p = row + 1;
		rows++;
	}
	ck_assert_int_eq(rows, rep->nkreports);
	free(page);
	mc_report_unload(back);
	mc_json_free(doc);
	mc_report_free(rep);
}
END_TEST

/* The real mtty run on the rig's debug kernel: its two UBSAN reports link to their case. */
START_TEST(debug_kernel_fixture_rows)
{
	struct mc_report *rep = NULL;
	char err[512], *page, *t, *row;
	const char *link = "case <a class=\"mono case-link\" href=\"#case-res.corrupt.sample\">";
	const char *id = "<tr class=\"st-pass\" id=\"case-res.corrupt.sample\">";
	int rows = 0;

	ck_assert_msg(!mc_report_load_file("tests/data/mtty-debug/report.json", &rep, err,
					   sizeof(err)),
		      "%s", err);
	ck_assert_str_eq(rep->info.kernel.flavour, "debug");
	ck_assert_int_eq(rep->nkreports, 2);
	page = render(rep, html);
	t = strstr(page, "<table id=\"kreport-table\">");
	ck_assert_ptr_nonnull(t);
	for (row = strstr(t, "<tr class=\"kr-"); row && row < strstr(t, "</table>");
	     row = strstr(row + 1, "<tr class=\"kr-")) {
		char head[64];

		snprintf(head, sizeof(head),
			 "<tr class=\"kr-case\" id=\"kreport-%d\" data-kind=\"ubsan\">", rows + 1);
		ck_assert_msg(!strncmp(row, head, strlen(head)), "%.80s", row);
		ck_assert_msg(strstr(row, link) && strstr(row, link) < strstr(row, "</tr>"),
			      "%.600s", row);
		rows++;
	}
	ck_assert_int_eq(rows, 2);
	ck_assert_msg(strstr(page, id) && !strstr(strstr(page, id) + 1, id), "row id of the case");
	ck_assert(strstr(t, "UBSAN: array-index-out-of-bounds in "));
	/* the case's row links back to both */
	ck_assert(strstr(
		strstr(page, id),
		"Kernel reports during this case (they fail ROB-01): "
		"<a href=\"#kreport-1\">#1 ubsan</a>, <a href=\"#kreport-2\">#2 ubsan</a></p>"));
	free(page);
	mc_report_unload(rep);
}
END_TEST

/* A report outside any case names its phase, without a link. */
START_TEST(html_phase_row)
{
	struct mc_report *rep =
		run("sim:flags=7:defect=warn_on_first_open", "FEAT-01,ROB-01", NULL);
	char *page = render(rep, html), *row = strstr(page, "<tr class=\"kr-phase\"");

	ck_assert_ptr_nonnull(row);
	ck_assert_msg(strstr(row, "<span class=\"phase\">phase: preflight (opening the device)"
				  "</span>") < strstr(row, "</tr>"),
		      "%.400s", row);
	ck_assert(!strstr(page, "case-link"));
	free(page);
	mc_report_free(rep);
}
END_TEST

/* A kernel block with oracles renders in KTAP, JUnit and HTML; it survives report.json. */
START_TEST(renderers_name_the_kernel)
{
	struct mc_report *rep = run("sim:flags=7", "FEAT-01,ROB-01", NULL), *back;
	struct mc_json_doc *doc;
	char *cfg = mc_test_slurp(DEBUG_CONFIG, NULL), *ktap, *junit, *page;

	mc_kinfo_derive(&rep->info.kernel, cfg, RIG_CMDLINE,
			"debug 6.12.117+deb12-debug-3fc79937a1f6");
	back = reload(rep, &doc);
	ktap = render(back, mc_ktap_write);
	junit = render(back, mc_junit_write);
	page = render(back, html);
	ck_assert_msg(strstr(ktap, "\n# kernel: "), "%s", ktap);
	ck_assert_msg(strstr(ktap,
			     " flavour debug build debug 6.12.117+deb12-debug-3fc79937a1f6\n"
			     "# kernel oracles present: kasan ubsan lockdep lockdep_rcu kmemleak "
			     "atomic_sleep kfence hung_task fault_injection kcov\n"),
		      "%s", ktap);
	ck_assert_msg(strstr(ktap, "\n# kernel: debug, 0 kernel report(s)\n# scope: "), "%s", ktap);
	ck_assert(strstr(junit, "<property name=\"kernel_flavour\" value=\"debug\"/>"));
	ck_assert(strstr(junit, "<property name=\"kernel_oracles_absent\" value=\"\"/>"));
	ck_assert(strstr(junit, "<property name=\"kernel_reports\" value=\"0\"/>"));
	ck_assert(strstr(page, "<td id=\"kernel-flavour\" data-flavour=\"debug\">"));
	ck_assert(strstr(page, "<tr class=\"or-present\" data-oracle=\"kasan\">"));
	ck_assert(strstr(page, "generic; inline; every report (kasan_multi_shot)"));
	ck_assert(strstr(page, "<p id=\"kreports-none\" class=\"muted\">No kernel report"));
	free(ktap);
	free(junit);
	free(page);
	free(cfg);
	mc_report_unload(back);
	mc_json_free(doc);
	mc_report_free(rep);
}
END_TEST

/* The real mtty run predates all of it: it loads, and renders without a kernel claim. */
START_TEST(old_report_loads)
{
	struct mc_report *rep = NULL;
	char err[512], *ktap, *junit, *page;

	ck_assert_msg(!mc_report_load_file("tests/data/mtty/report.json", &rep, err, sizeof(err)),
		      "%s", err);
	ck_assert(!rep->info.kernel.recorded);
	ck_assert(!rep->kreports_known);
	ktap = render(rep, mc_ktap_write);
	junit = render(rep, mc_junit_write);
	page = render(rep, html);
	ck_assert(!strstr(ktap, "# kernel"));
	ck_assert(!strstr(junit, "kernel_flavour"));
	ck_assert(strstr(page, "<p id=\"kernel-unrecorded\""));
	ck_assert(strstr(page, "This report predates the list of kernel reports"));
	free(ktap);
	free(junit);
	free(page);
	mc_report_unload(rep);
}
END_TEST

static int load_text(const char *json, char *err, size_t len)
{
	struct mc_json_doc *doc;
	struct mc_json_error je;
	struct mc_report *rep = NULL;
	int rc;

	ck_assert_int_eq(mc_json_parse(json, strlen(json), NULL, &doc, &je), 0);
	rc = mc_report_from_json(mc_json_root(doc), &rep, err, len);
	mc_report_unload(rep);
	mc_json_free(doc);
	return rc;
}

/* A malformed kernel block or report list is refused with its path. */
START_TEST(bad_kernel_members_refused)
{
	static const struct {
		const char *from, *to, *msg;
	} edits[] = {
		{ "\"flavour\": \"debug\"", "\"flavour\": \"fast\"", "kernel.flavour: not debug" },
		{ "\"state\": \"present\"", "\"state\": \"maybe\"", "kernel.oracles[0].state" },
		{ "\"case\": \"", "\"phase\": \"x\", \"case\": \"",
		  "kernel_reports[0]: needs exactly "
		  "one" },
		{ "\"first_lines\": [", "\"first_lines\": [1, ",
		  "kernel_reports[0].first_lines[0]" },
	};
	struct mc_report *rep = run("sim:flags=7:defect=warn_on_bad_stream", "RES-04,ROB-01", NULL);
	char *cfg = mc_test_slurp(DEBUG_CONFIG, NULL), *json, err[512];

	mc_kinfo_derive(&rep->info.kernel, cfg, "", NULL);
	json = render(rep, mc_json_write_report);
	ck_assert_msg(!load_text(json, err, sizeof(err)), "%s", err);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *at = strstr(json, edits[i].from), *bad;

		ck_assert_msg(at != NULL, "%s", edits[i].from);
		bad = malloc(strlen(json) + strlen(edits[i].to) + 1);
		sprintf(bad, "%.*s%s%s", (int)(at - json), json, edits[i].to,
			at + strlen(edits[i].from));
		ck_assert_int_ne(load_text(bad, err, sizeof(err)), 0);
		ck_assert_msg(strstr(err, edits[i].msg), "%s: %s", edits[i].msg, err);
		free(bad);
	}
	free(json);
	free(cfg);
	mc_report_free(rep);
}
END_TEST

/* diff: a debug run against a production run names the flavour and each oracle lost. */
START_TEST(diff_shows_kernel_change)
{
	struct mc_report *a = run("sim:flags=7", "FEAT-01", NULL),
			 *b = run("sim:flags=7", "FEAT-01", NULL);
	char *dbg = mc_test_slurp(DEBUG_CONFIG, NULL), *prod = mc_test_slurp(PROD_CONFIG, NULL),
	     *out = NULL;
	size_t len = 0;
	struct mc_diff_opts o = { .threshold = 10 };
	FILE *f = open_memstream(&out, &len);
	int worse, changes;

	mc_kinfo_derive(&a->info.kernel, dbg, RIG_CMDLINE, "debug x");
	mc_kinfo_derive(&b->info.kernel, prod, "", "production y");
	worse = mc_report_diff(a, b, &o, f, &changes);
	fclose(f);
	ck_assert_msg(strstr(out, "       kernel flavour: debug -> production\n"), "%s", out);
	ck_assert_msg(strstr(out, "WORSE  kernel oracle kasan: present -> absent: CONFIG_KASAN is "
				  "not set\n"),
		      "%s", out);
	ck_assert_msg(!strstr(out, "kernel oracle hung_task"), "%s", out);
	ck_assert_int_eq(worse, 9); /* every oracle but hung_task */
	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	ck_assert_int_eq(mc_report_diff(b, a, &o, f, NULL), 0); /* gaining oracles is better */
	fclose(f);
	ck_assert_msg(strstr(out, "kernel oracle kasan: absent -> present"), "%s", out);
	free(out);
	free(dbg);
	free(prod);
	mc_report_free(a);
	mc_report_free(b);
}
END_TEST

static Suite *kreport_suite(void)
{
	Suite *s = suite_create("kreport");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, debug_kernel_oracles);
	tcase_add_test(tc, boot_options_matter);
	tcase_add_test(tc, production_kernel_oracles);
	tcase_add_test(tc, unknown_config_claims_nothing);
	tcase_add_test(tc, reports_listed_with_case_or_phase);
	tcase_add_test(tc, report_in_preflight_listed_with_phase);
	tcase_add_test(tc, html_rows_link_their_case);
	tcase_add_test(tc, debug_kernel_fixture_rows);
	tcase_add_test(tc, html_phase_row);
	tcase_add_test(tc, renderers_name_the_kernel);
	tcase_add_test(tc, old_report_loads);
	tcase_add_test(tc, bad_kernel_members_refused);
	tcase_add_test(tc, diff_shows_kernel_change);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(kreport_suite)

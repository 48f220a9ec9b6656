// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the clause table, rollup and verdict, and the three reporters: exact
 * KTAP for a fixed report, report.json read back through json.c, junit.xml checked
 * for well-formedness in C (and by xmllint when installed), hostile strings in every
 * format, and atomic writes that leave no partial file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "clauses.h"
#include "errname.h"
#include "escape.h"
#include "json.h"
#include "mc_test.h"
#include "rep_load.h"
#include "report.h"
#include "reporter.h"

/* ---------------------------------------------------------------- fixtures */

struct fixture_case {
	const char *name, *clause;
	enum mc_status st;
	const char *detail, *oplog;
};

static const struct fixture_case fixed_cases[] = {
	{ "feat.get", "FEAT-01", MC_PASS, "", "" },
	{ "fsm.pair:STOP->RUNNING", "FSM-01", MC_FAIL, "SET returned EINVAL\nmodel expects success",
	  "set STOP->RUNNING = -EINVAL\nget = STOP\n" },
	{ "pre.info", "PRE-01", MC_WARN, "ENOTTY from GET_PRECOPY_INFO", "" },
	{ "log.start", "LOG-01", MC_SKIP, "device lacks DMA logging", "" },
	{ "err.reset", "ERR-01", MC_ERROR, "setup: open failed: EBUSY", "" },
	{ "time.arcs", "TIME-01", MC_PASS, "p50=10us", "" },
};
#define NFIXED ((int)(sizeof(fixed_cases) / sizeof(fixed_cases[0])))

static void fill_case(struct mc_case_result *r, const struct fixture_case *fc, uint64_t us)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", fc->name);
	r->clause = mc_clause_find(fc->clause);
	r->description = "a case";
	r->status = fc->st;
	snprintf(r->detail, sizeof(r->detail), "%s", fc->detail);
	snprintf(r->oplog, sizeof(r->oplog), "%s", fc->oplog);
	r->duration_us = us;
}

/* A complete, rolled-up report of the fixed cases. Free with free_report(). */
static struct mc_report *make_report(bool strict)
{
	struct mc_report *rep = calloc(1, sizeof(*rep));

	rep->info = (struct mc_run_info){
		.tool_version = "0.1.0",
		.tool_commit = "abc123",
		.device_spec = "sim:flags=7",
		.mig_flags = 7,
		.flags_known = true,
		.uapi_known = true,
		.precopy_v2_rc = -ENOTTY,
		.unknown_feature_rc = -ENOTTY,
		.seed = 18446744073709551615ull,
		.strict = strict,
	};
	snprintf(rep->info.ident.driver, sizeof(rep->info.ident.driver), "sim");
	snprintf(rep->info.kernel_release, sizeof(rep->info.kernel_release), "6.12.0");
	snprintf(rep->info.hostname, sizeof(rep->info.hostname), "box");
	snprintf(rep->info.cmdline, sizeof(rep->info.cmdline), "migcheck run --device sim:flags=7");
	snprintf(rep->info.started, sizeof(rep->info.started), "2024-01-01T00:00:00Z");
	snprintf(rep->info.finished, sizeof(rep->info.finished), "2024-01-01T00:00:05Z");
	rep->cases = calloc(NFIXED, sizeof(*rep->cases));
	rep->ncases = NFIXED;
	for (int i = 0; i < NFIXED; i++)
		fill_case(&rep->cases[i], &fixed_cases[i], 1000001u * (uint64_t)i + 5);
	rep->have_matrix = true;
	rep->matrix[1][2] = (struct mc_arc_cell){
		.verdict = MC_CELL_MISMATCH, .exp_err = 0, .obs_err = -EINVAL, .obs_state = 1
	};
	rep->matrix[1][3] = (struct mc_arc_cell){
		.verdict = MC_CELL_MATCH, .exp_fd = true, .obs_fd = true, .obs_state = 3
	};
	rep->matrix[0][2] = (struct mc_arc_cell){ .verdict = MC_CELL_UNTESTED, .exp_err = -EINVAL };
	rep->exit_code = 1;
	mc_report_rollup(rep);
	return rep;
}

static void free_report(struct mc_report *rep)
{
	free(rep->cases);
	free(rep->clauses);
	free(rep);
}

/* Run @rep through @ops as the CLI would: begin, result per case, end. */
static int run_reporter(const struct mc_reporter_ops *ops, const struct mc_report *rep,
			const char *outdir)
{
	void *priv = NULL;
	int rc = ops->begin(&priv, &rep->info, rep->ncases, outdir);

	if (rc)
		return rc;
	for (int i = 0; i < rep->ncases; i++) {
		rc = ops->result(priv, &rep->cases[i], i);
		if (rc)
			break;
	}
	return ops->end(priv, rep) ?: rc;
}

/* Entries in @dir other than "." and ".."; *@tmps counts leftover temporaries. */
static int dir_entries(const char *dir, int *tmps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*tmps = 0;
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (strstr(e->d_name, ".tmp."))
			(*tmps)++;
	}
	closedir(d);
	return n;
}

static void rm_rf(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---------------------------------------------------------------- clauses, rollup */

START_TEST(test_clause_table)
{
	int n = mc_clause_count();

	ck_assert_int_eq(n, 59); /* docs/CLAUSES.md */
	for (int i = 0; i < n; i++) {
		const struct mc_clause *c = &mc_clauses[i];
		size_t g = strlen(c->group);

		ck_assert_msg(!strncmp(c->id, c->group, g) && c->id[g] == '-' &&
				      strlen(c->id) == g + 3,
			      "bad id/group %s/%s", c->id, c->group);
		ck_assert(c->level == MC_MUST || c->level == MC_SHOULD || c->level == MC_INFO);
		ck_assert(strlen(c->text) > 20);
		ck_assert_ptr_eq(mc_clause_find(c->id), c);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(mc_clauses[j].id, c->id);
	}
	ck_assert_int_eq(mc_clause_find("FEAT-04")->level, MC_SHOULD);
	ck_assert_int_eq(mc_clause_find("SAVE-05")->level, MC_INFO);
	ck_assert_int_eq(mc_clause_find("ROB-03")->level, MC_MUST);
	ck_assert_ptr_null(mc_clause_find("FSM-99"));
	ck_assert_ptr_null(mc_clause_find(NULL));
}
END_TEST

/* The clause list as docs/CLAUSES.md: every clause in one table row, under its group's heading. */
START_TEST(test_clause_markdown)
{
	char *buf = NULL, row[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	mc_clauses_print(f, true);
	ck_assert_int_eq(fclose(f), 0);
	for (const struct mc_clause *c = mc_clauses; c->id; c++) {
		const char *at, *last = NULL;
		char head[96];

		ck_assert_msg(mc_clause_group_title(c->group) != c->group, "%s: no heading",
			      c->group);
		snprintf(row, sizeof(row), "\n| %s | ", c->id);
		ck_assert_msg((at = strstr(buf, row)) != NULL, "%s has no row", c->id);
		ck_assert_msg(!strstr(at + 1, row), "%s has two rows", c->id);
		for (const char *p = strstr(buf, "\n## "); p && p < at; p = strstr(p + 1, "\n## "))
			last = p;
		snprintf(head, sizeof(head), "\n## %s: %s\n", c->group,
			 mc_clause_group_title(c->group));
		ck_assert_msg(last && !strncmp(last, head, strlen(head)), "%s is not under %s",
			      c->id, head);
	}
	free(buf);
}
END_TEST

START_TEST(test_names)
{
	for (int i = 0; i < MC_NSTATUS; i++)
		ck_assert_int_eq(mc_status_parse(mc_status_name((enum mc_status)i)), i);
	for (int i = MC_MUST; i <= MC_INFO; i++)
		ck_assert_int_eq(mc_level_parse(mc_level_name((enum mc_level)i)), i);
	ck_assert_str_eq(mc_status_name(MC_WARN), "warn");
	ck_assert_str_eq(mc_status_name((enum mc_status)99), "unknown");
	ck_assert_int_eq(mc_status_parse("PASS"), -1);
	ck_assert_int_eq(mc_level_parse(NULL), -1);
	ck_assert_str_eq(mc_errno_name(EINVAL), "EINVAL");
	ck_assert_str_eq(mc_errno_name(-ESPIPE), "ESPIPE");
	ck_assert_str_eq(mc_errno_name(-EAGAIN), "EAGAIN");
	ck_assert_str_eq(mc_errno_name(0), "0");
	ck_assert_str_eq(mc_errno_name(-524), "ENOTSUPP");
	ck_assert_str_eq(mc_errno_name(-9999), "E9999");
	ck_assert_str_eq(mc_errno_name(-2147483647 - 1), "E2147483648");
}
END_TEST

/* Rollup order fail > error > warn > pass > skip, case by case. */
static const struct rollup_row {
	enum mc_status in[4];
	int n;
	enum mc_status want;
} rollup_rows[] = {
	{ { 0 }, 0, MC_SKIP },
	{ { MC_SKIP }, 1, MC_SKIP },
	{ { MC_SKIP, MC_SKIP, MC_SKIP }, 3, MC_SKIP },
	{ { MC_PASS }, 1, MC_PASS },
	{ { MC_SKIP, MC_PASS }, 2, MC_PASS },
	{ { MC_PASS, MC_SKIP }, 2, MC_PASS },
	{ { MC_PASS, MC_WARN, MC_SKIP }, 3, MC_WARN },
	{ { MC_WARN, MC_ERROR }, 2, MC_ERROR },
	{ { MC_ERROR, MC_WARN, MC_PASS }, 3, MC_ERROR },
	{ { MC_FAIL, MC_ERROR }, 2, MC_FAIL },
	{ { MC_ERROR, MC_FAIL, MC_SKIP }, 3, MC_FAIL },
	{ { MC_SKIP, MC_PASS, MC_WARN, MC_FAIL }, 4, MC_FAIL },
	{ { (enum mc_status)42 }, 1, MC_ERROR }, /* garbage is the harness's fault */
};

START_TEST(test_rollup_order)
{
	const struct rollup_row *row = &rollup_rows[_i];
	struct mc_report rep = { 0 };
	struct mc_case_result cases[4];
	const struct mc_clause *fsm2 = mc_clause_find("FSM-02");
	int ci = (int)(fsm2 - mc_clauses), total = 0;

	for (int i = 0; i < row->n; i++) {
		memset(&cases[i], 0, sizeof(cases[i]));
		cases[i].clause = fsm2;
		cases[i].status = row->in[i];
	}
	rep.cases = cases;
	rep.ncases = row->n;
	mc_report_rollup(&rep);
	ck_assert_int_eq(rep.nclauses, mc_clause_count());
	ck_assert_msg(rep.clauses[ci].status == row->want, "row %d: got %s want %s", _i,
		      mc_status_name(rep.clauses[ci].status), mc_status_name(row->want));
	for (int s = 0; s < MC_NSTATUS; s++) {
		ck_assert_int_eq(rep.clauses[ci].counts[s], rep.counts[s]);
		total += rep.counts[s];
	}
	ck_assert_int_eq(total, row->n);
	/* Every other clause has no case: skip, counts zero. */
	for (int i = 0; i < rep.nclauses; i++) {
		if (i == ci)
			continue;
		ck_assert_int_eq(rep.clauses[i].status, MC_SKIP);
		for (int s = 0; s < MC_NSTATUS; s++)
			ck_assert_int_eq(rep.clauses[i].counts[s], 0);
	}
	/* Rolling up again reuses the array and gives the same answer. */
	mc_report_rollup(&rep);
	ck_assert_int_eq(rep.clauses[ci].status, row->want);
	free(rep.clauses);
}
END_TEST

START_TEST(test_status_worse)
{
	static const enum mc_status order[] = { MC_SKIP, MC_PASS, MC_WARN, MC_ERROR, MC_FAIL };

	for (int a = 0; a < 5; a++)
		for (int b = 0; b < 5; b++)
			ck_assert_int_eq(mc_status_worse(order[a], order[b]), order[a > b ? a : b]);
}
END_TEST

START_TEST(test_verdict)
{
	struct mc_report rep = { 0 };

	ck_assert_str_eq(mc_report_verdict(&rep), "skipped");
	rep.counts[MC_SKIP] = 3;
	ck_assert_str_eq(mc_report_verdict(&rep), "skipped");
	rep.counts[MC_WARN] = 1;
	ck_assert_str_eq(mc_report_verdict(&rep), "pass");
	rep.info.strict = true;
	ck_assert_str_eq(mc_report_verdict(&rep), "fail");
	rep.info.strict = false;
	rep.counts[MC_ERROR] = 1;
	ck_assert_str_eq(mc_report_verdict(&rep), "error");
	rep.counts[MC_FAIL] = 1;
	ck_assert_str_eq(mc_report_verdict(&rep), "fail");
}
END_TEST

/* ---------------------------------------------------------------- KTAP */

static const char ktap_expected[] =
	"KTAP version 1\n"
	"# migcheck 0.1.0 device sim:flags=7 flags 7\n"
	"# clauses: docs/CLAUSES.md of migcheck 0.1.0, printed by migcheck clauses\n"
	"# uapi: PRECOPY_INFOv2 absent (PROBE gave ENOTTY: kernel before 7.1); unknown feature "
	"errno ENOTTY\n"
	"1..6\n"
	"ok 1 feat.get [FEAT-01]\n"
	"# fail [FSM-01]: SET returned EINVAL\n"
	"# model expects success\n"
	"# oplog: set STOP->RUNNING = -EINVAL\n"
	"#   get = STOP\n"
	"not ok 2 fsm.pair:STOP->RUNNING [FSM-01]\n"
	"# warn: ENOTTY from GET_PRECOPY_INFO\n"
	"ok 3 pre.info [PRE-01]\n"
	"ok 4 log.start [LOG-01] # SKIP device lacks DMA logging\n"
	"# error: setup: open failed: EBUSY\n"
	"not ok 5 err.reset [ERR-01]\n"
	"# info: p50=10us\n"
	"ok 6 time.arcs [TIME-01]\n"
	"# totals: pass=2 fail=1 warn=1 skip=1 error=1\n"
	"# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:1 error:1\n"
	"# scope: FAIL (6 of 6 cases, 4 judged, 1 skipped, 1 harness error) — simulated device, "
	"not a conformance claim\n"
	"# migcheck: 3 passed, 2 failed, 1 skipped\n";

static char *ktap_of(const struct mc_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	mc_ktap_set_stream(f);
	ck_assert_int_eq(run_reporter(&mc_ktap_reporter, rep, NULL), 0);
	mc_ktap_set_stream(NULL);
	fclose(f);
	return buf;
}

START_TEST(test_ktap_fixed)
{
	struct mc_report *rep = make_report(false);
	char *out = ktap_of(rep), *again = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_str_eq(out, ktap_expected);
	/* Re-rendering a finished report gives the same text. */
	f = open_memstream(&again, &len);
	ck_assert_int_eq(mc_ktap_write(f, rep), 0);
	fclose(f);
	ck_assert_str_eq(again, ktap_expected);
	free(again);
	free(out);
	free_report(rep);
}
END_TEST

START_TEST(test_ktap_strict)
{
	struct mc_report *rep = make_report(true);
	char *out = ktap_of(rep);

	ck_assert_ptr_nonnull(strstr(out, "# strict: "));
	ck_assert_ptr_nonnull(
		strstr(out, "# warn: ENOTTY from GET_PRECOPY_INFO\nnot ok 3 pre.info [PRE-01]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n# Totals: pass:2 fail:2 xfail:0 xpass:0 skip:1 error:1\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n# migcheck: 2 passed, 3 failed, 1 skipped\n"));
	free(out);
	free_report(rep);
}
END_TEST

/* Strings a device, a driver name or a user can smuggle into a report. */
static const char *const hostile[] = {
	"quote\" back\\slash",
	"ctl \x01\x02\x1f\x7f tab\t cr\r nl\n end",
	"bad utf8 \xff\xfe \xc3 \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf",
	"xml ]]> <tag attr='x'> &amp; &#0; </testsuites>",
	"hash # SKIP not really\nok 99 fake",
	"unicode \xc3\xa9 \xe2\x80\xa8 \xef\xbf\xbe \xf0\x9f\x98\x80",
};
#define NHOSTILE ((int)(sizeof(hostile) / sizeof(hostile[0])))

static struct mc_report *make_hostile_report(void)
{
	struct mc_report *rep = make_report(false);
	static const enum mc_status st[] = { MC_SKIP, MC_FAIL, MC_WARN, MC_ERROR, MC_PASS, MC_FAIL };

	rep->cases = realloc(rep->cases, NHOSTILE * sizeof(*rep->cases));
	rep->ncases = NHOSTILE;
	for (int i = 0; i < NHOSTILE; i++) {
		struct fixture_case fc = { hostile[i], "FSM-07", st[i], hostile[i], hostile[i] };

		fill_case(&rep->cases[i], &fc, 7);
	}
	rep->info.device_spec = hostile[1];
	rep->info.only = hostile[3];
	snprintf(rep->info.hostname, sizeof(rep->info.hostname), "%s", hostile[2]);
	mc_report_rollup(rep);
	return rep;
}

START_TEST(test_ktap_hostile)
{
	struct mc_report *rep = make_hostile_report();
	char *out = ktap_of(rep), *save = NULL;
	int results = 0;

	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		const char *desc = NULL;

		ck_assert_msg(!strncmp(l, "KTAP version 1", 14) || l[0] == '#' ||
				      !strncmp(l, "1..", 3) || !strncmp(l, "ok ", 3) ||
				      !strncmp(l, "not ok ", 7) || !strncmp(l, "migcheck: ", 10),
			      "stray line: %s", l);
		for (const char *c = l; *c; c++)
			ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "control char in %s",
				      l);
		if (!strncmp(l, "ok ", 3))
			desc = l + 3;
		else if (!strncmp(l, "not ok ", 7))
			desc = l + 7;
		if (!desc)
			continue;
		results++;
		ck_assert_int_eq(atoi(desc), results);
		/* Only a real SKIP may put a '#' on a result line. */
		if (rep->cases[results - 1].status == MC_SKIP)
			ck_assert_ptr_nonnull(strstr(desc, "[FSM-07] # SKIP "));
		else
			ck_assert_msg(!strchr(desc, '#'), "'#' in result line: %s", l);
	}
	ck_assert_int_eq(results, NHOSTILE);
	free(out);
	free_report(rep);
}
END_TEST

/* ---------------------------------------------------------------- report.json */

static struct mc_json_doc *read_report(const char *dir, const char *file)
{
	char path[512];
	struct mc_json_doc *doc = NULL;
	struct mc_json_error err;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	rc = mc_json_parse_file(path, NULL, &doc, &err);
	ck_assert_msg(rc == 0, "%s:%u:%u: %s", path, err.line, err.col, err.msg);
	return doc;
}

static const char *jstr(const struct mc_json *root, const char *path)
{
	const char *s = mc_json_string(mc_json_path(root, path), NULL);

	ck_assert_msg(s != NULL, "no string at %s", path);
	return s;
}

/* The clause @id of report.json @r: found by its ID, so that a new clause moves nothing. */
static const struct mc_json *clause_by_id(const struct mc_json *r, const char *id)
{
	const struct mc_json *list = mc_json_get(r, "clauses");

	for (size_t i = 0; i < mc_json_count(list); i++)
		if (!strcmp(jstr(mc_json_at(list, i), "id"), id))
			return mc_json_at(list, i);
	ck_abort_msg("no clause %s in report.json", id);
	return NULL;
}

static int64_t jint(const struct mc_json *root, const char *path)
{
	int64_t v;

	ck_assert_msg(!mc_json_int(mc_json_path(root, path), &v), "no integer at %s", path);
	return v;
}

START_TEST(test_json_report)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX";
	struct mc_report *rep = make_report(false);
	struct mc_json_doc *doc;
	const struct mc_json *r, *c;
	int tmps;
	bool b;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(run_reporter(&mc_json_reporter, rep, dir), 0);
	ck_assert_int_eq(dir_entries(dir, &tmps), 1);
	ck_assert_int_eq(tmps, 0);
	doc = read_report(dir, "report.json");
	r = mc_json_root(doc);

	ck_assert_int_eq(jint(r, "schema"), MC_REPORT_SCHEMA);
	ck_assert_str_eq(jstr(r, "tool.name"), "migcheck");
	ck_assert_str_eq(jstr(r, "tool.version"), "0.1.0");
	ck_assert_str_eq(jstr(r, "tool.commit"), "abc123");
	ck_assert_str_eq(jstr(r, "run.seed"), "18446744073709551615");
	ck_assert_str_eq(jstr(r, "run.started"), "2024-01-01T00:00:00Z");
	ck_assert(mc_json_is(mc_json_path(r, "run.only"), MC_JSON_NULL));
	ck_assert(!mc_json_bool(mc_json_path(r, "run.strict"), &b) && !b);
	ck_assert_str_eq(jstr(r, "kernel.release"), "6.12.0");
	ck_assert_str_eq(jstr(r, "device.spec"), "sim:flags=7");
	ck_assert_str_eq(jstr(r, "device.driver"), "sim");
	ck_assert_int_eq(jint(r, "device.flags"), 7);
	ck_assert_uint_eq(mc_json_count(mc_json_path(r, "device.flag_names")), 3);
	ck_assert_str_eq(jstr(r, "device.flag_names.2"), "PRE_COPY");
	ck_assert(mc_json_is(mc_json_path(r, "device.peer"), MC_JSON_NULL));
	ck_assert_str_eq(jstr(r, "uapi.precopy_info_v2"),
			 "absent (PROBE gave ENOTTY: kernel before 7.1)");
	ck_assert_str_eq(jstr(r, "uapi.precopy_info_v2_probe"), "ENOTTY");
	ck_assert_str_eq(jstr(r, "uapi.unknown_feature_errno"), "ENOTTY");
	{
		struct mc_report *back = NULL;
		char path[sizeof(dir) + 16], err[256];

		snprintf(path, sizeof(path), "%s/report.json", dir);
		ck_assert_msg(!mc_report_load_file(path, &back, err, sizeof(err)), "%s", err);
		ck_assert(back->info.uapi_known);
		ck_assert_int_eq(back->info.precopy_v2_rc, -ENOTTY);
		ck_assert_int_eq(back->info.unknown_feature_rc, -ENOTTY);
		mc_report_unload(back);
	}

	ck_assert_str_eq(jstr(r, "summary.verdict"), "fail");
	ck_assert_int_eq(jint(r, "summary.exit_code"), 1);
	ck_assert_int_eq(jint(r, "summary.counts.pass"), 2);
	ck_assert_int_eq(jint(r, "summary.counts.fail"), 1);
	ck_assert_int_eq(jint(r, "summary.counts.warn"), 1);
	ck_assert_int_eq(jint(r, "summary.counts.skip"), 1);
	ck_assert_int_eq(jint(r, "summary.counts.error"), 1);

	ck_assert_uint_eq(mc_json_count(mc_json_get(r, "clauses")), (size_t)mc_clause_count());
	for (size_t i = 0; i < mc_json_count(mc_json_get(r, "clauses")); i++) {
		const struct mc_json *cl = mc_json_at(mc_json_get(r, "clauses"), i);
		const struct mc_clause *want = &mc_clauses[i];

		ck_assert_str_eq(jstr(cl, "id"), want->id);
		ck_assert_str_eq(jstr(cl, "group"), want->group);
		ck_assert_str_eq(jstr(cl, "level"), mc_level_name(want->level));
		ck_assert_str_eq(jstr(cl, "text"), want->text);
		ck_assert_str_eq(jstr(cl, "status"), mc_status_name(rep->clauses[i].status));
	}
	c = clause_by_id(r, "FSM-01");
	ck_assert_str_eq(jstr(c, "status"), "fail");
	ck_assert_int_eq(jint(c, "counts.fail"), 1);
	c = clause_by_id(r, "FEAT-02");
	ck_assert_str_eq(jstr(c, "status"), "skip");
	ck_assert_int_eq(jint(c, "counts.skip"), 0);

	ck_assert_uint_eq(mc_json_count(mc_json_get(r, "cases")), NFIXED);
	c = mc_json_path(r, "cases.1");
	ck_assert_str_eq(jstr(c, "id"), "fsm.pair:STOP->RUNNING");
	ck_assert_str_eq(jstr(c, "clause"), "FSM-01");
	ck_assert_str_eq(jstr(c, "status"), "fail");
	ck_assert_str_eq(jstr(c, "detail"), "SET returned EINVAL\nmodel expects success");
	ck_assert_uint_eq(mc_json_count(mc_json_get(c, "oplog")), 2);
	ck_assert_str_eq(jstr(c, "oplog.1"), "get = STOP");
	ck_assert_int_eq(jint(c, "duration_us"), 1000006);
	ck_assert_str_eq(jstr(c, "description"), "a case");
	ck_assert_uint_eq(mc_json_count(mc_json_path(r, "cases.0.oplog")), 0);

	ck_assert_uint_eq(mc_json_count(mc_json_get(r, "matrix")), MC_NSTATES);
	for (int i = 0; i < MC_NSTATES; i++)
		ck_assert_uint_eq(mc_json_count(mc_json_at(mc_json_get(r, "matrix"), (size_t)i)),
				  MC_NSTATES);
	c = mc_json_path(r, "matrix.1.2");
	ck_assert_str_eq(jstr(c, "from"), mc_state_name(1));
	ck_assert_str_eq(jstr(c, "to"), mc_state_name(2));
	ck_assert_str_eq(jstr(c, "verdict"), "mismatch");
	ck_assert(mc_json_is(mc_json_path(c, "expected.err"), MC_JSON_NULL));
	ck_assert_str_eq(jstr(c, "observed.err"), "EINVAL");
	ck_assert_str_eq(jstr(c, "observed.state"), mc_state_name(1));
	ck_assert(!mc_json_bool(mc_json_path(r, "matrix.1.3.observed.fd"), &b) && b);
	ck_assert_str_eq(jstr(r, "matrix.0.2.expected.err"), "EINVAL");
	ck_assert(mc_json_is(mc_json_path(r, "matrix.0.2.observed"), MC_JSON_NULL));

	mc_json_free(doc);
	rep->have_matrix = false; /* then the key is null */
	ck_assert_int_eq(run_reporter(&mc_json_reporter, rep, dir), 0);
	doc = read_report(dir, "report.json");
	ck_assert(mc_json_is(mc_json_get(mc_json_root(doc), "matrix"), MC_JSON_NULL));
	ck_assert_ptr_nonnull(mc_json_get(mc_json_root(doc), "matrix"));
	mc_json_free(doc);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

/* mc_json_str: every hostile string comes back as itself, invalid UTF-8 as U+FFFD. */
START_TEST(test_json_str_roundtrip)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "q\"b\\s/", "q\"b\\s/" },
		{ "\x01\x1f\x7f\t\r\n\b\f", "\x01\x1f\x7f\t\r\n\b\f" },
		{ "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80" },
		{ "a\xff"
		  "b",
		  "a\xef\xbf\xbd"
		  "b" },
		{ "\xc3", "\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "]]></x>", "]]></x>" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct mc_json_doc *doc;
		struct mc_json_error err;

		mc_json_str(f, rows[i].in);
		fclose(f);
		for (size_t j = 0; j < len; j++)
			ck_assert_msg((unsigned char)buf[j] >= 0x20 && buf[j] != 0x7f,
				      "row %zu: raw control byte in %s", i, buf);
		ck_assert_msg(!mc_json_parse(buf, len, NULL, &doc, &err), "row %zu: %s: %s", i, buf,
			      err.msg);
		ck_assert_str_eq(mc_json_string(mc_json_root(doc), NULL), rows[i].out);
		mc_json_free(doc);
		free(buf);
	}
}
END_TEST

START_TEST(test_json_hostile)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX";
	struct mc_report *rep = make_hostile_report();
	struct mc_json_doc *doc;
	const struct mc_json *r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(run_reporter(&mc_json_reporter, rep, dir), 0);
	doc = read_report(dir, "report.json");
	r = mc_json_root(doc);
	ck_assert_str_eq(jstr(r, "device.spec"), hostile[1]);
	ck_assert_str_eq(jstr(r, "run.only"), hostile[3]);
	for (int i = 0; i < NHOSTILE; i++) {
		const struct mc_json *c = mc_json_at(mc_json_get(r, "cases"), (size_t)i);

		if (i == 2) /* invalid UTF-8: replaced, but still there */
			ck_assert_ptr_nonnull(strstr(jstr(c, "id"), "bad utf8 \xef\xbf\xbd"));
		else
			ck_assert_str_eq(jstr(c, "id"), hostile[i]);
	}
	ck_assert_str_eq(jstr(r, "cases.4.oplog.1"), "ok 99 fake");
	mc_json_free(doc);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

/* ---------------------------------------------------------------- junit.xml */

/*
 * A small XML 1.0 well-formedness check, enough for what mc_junit_write emits: valid
 * UTF-8 of allowed characters, balanced and properly nested tags, quoted attributes,
 * only the five predefined entities and character references, no "]]>" in text.
 * Returns NULL or what is wrong.
 */
static const char *xml_check(const char *s)
{
	const char *stack[16];
	size_t stlen[16];
	int depth = 0, roots = 0;
	const unsigned char *p = (const unsigned char *)s;

	if (!strncmp(s, "<?xml ", 6)) {
		p = (const unsigned char *)strstr(s, "?>");
		if (!p)
			return "unterminated declaration";
		p += 2;
	}
	while (*p) {
		uint32_t cp;
		int n = mc_utf8_decode(p, strlen((const char *)p), &cp);

		if (n < 0)
			return "invalid UTF-8";
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xfffe ||
		    cp == 0xffff)
			return "character not allowed in XML 1.0";
		if (*p == '&') {
			static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
							    "&apos;" };
			bool ok = false;

			for (size_t i = 0; i < 5; i++)
				ok |= !strncmp((const char *)p, ents[i], strlen(ents[i]));
			if (!ok && p[1] == '#') {
				char *end;
				unsigned long v = p[2] == 'x' ?
							  strtoul((const char *)p + 3, &end, 16) :
							  strtoul((const char *)p + 2, &end, 10);

				ok = *end == ';' &&
				     (v == 9 || v == 10 || v == 13 || (v >= 0x20 && v <= 0xd7ff) ||
				      (v >= 0xe000 && v <= 0xfffd) ||
				      (v >= 0x10000 && v <= 0x10ffff));
			}
			if (!ok)
				return "bad entity or character reference";
		}
		if (*p == ']' && !strncmp((const char *)p, "]]>", 3))
			return "]]> in text";
		if (*p == '>')
			return "stray '>' in text";
		if (*p != '<') {
			p += n;
			continue;
		}
		/* A tag. */
		{
			bool close = p[1] == '/';
			const unsigned char *name = p + 1 + close, *q = name;
			char quote = 0;

			while (*q && *q != ' ' && *q != '>' && *q != '/' && *q != '\n')
				q++;
			if (q == name)
				return "empty tag name";
			for (; *q && (quote || *q != '>'); q++) {
				if (quote && *q == '<')
					return "'<' in attribute value";
				if (!quote && (*q == '"' || *q == '\'')) {
					quote = (char)*q;
				} else if (quote && *q == quote) {
					quote = 0;
				} else if (!quote && *q == '=' && q[1] != '"' && q[1] != '\'') {
					return "unquoted attribute";
				}
			}
			if (!*q)
				return "unterminated tag";
			if (close) {
				if (!depth || stlen[depth - 1] != (size_t)(q - name) ||
				    strncmp(stack[depth - 1], (const char *)name, stlen[depth - 1]))
					return "mismatched end tag";
				depth--;
			} else if (q[-1] != '/') {
				if (depth == 16)
					return "too deep";
				if (!depth)
					roots++;
				stack[depth] = (const char *)name;
				stlen[depth++] = strcspn((const char *)name, " >/\n");
			} else if (!depth) {
				roots++;
			}
			p = q + 1;
		}
	}
	if (depth)
		return "unclosed element";
	return roots == 1 ? NULL : "not exactly one root element";
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Also ask xmllint when the machine has it; the test never depends on it. */
static void xmllint_if_present(const char *path)
{
	char cmd[700];

	if (access("/usr/bin/xmllint", X_OK))
		return;
	snprintf(cmd, sizeof(cmd), "/usr/bin/xmllint --noout '%s'", path);
	ck_assert_msg(system(cmd) == 0, "xmllint rejects %s", path);
}

static char *junit_of(const struct mc_report *rep, char *dir)
{
	char path[600];
	char *xml;
	const char *why;

	ck_assert_int_eq(run_reporter(&mc_junit_reporter, rep, dir), 0);
	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	xml = mc_test_slurp(path, NULL);
	ck_assert_ptr_nonnull(xml);
	why = xml_check(xml);
	ck_assert_msg(!why, "junit.xml not well-formed: %s\n%s", why, xml);
	xmllint_if_present(path);
	return xml;
}

START_TEST(test_xml_checker)
{
	ck_assert_ptr_null(xml_check("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t&amp;&#10;</a>\n"));
	ck_assert_ptr_nonnull(xml_check("<a><b></a></b>"));
	ck_assert_ptr_nonnull(xml_check("<a>x < y</a>"));
	ck_assert_ptr_nonnull(xml_check("<a>]]></a>"));
	ck_assert_ptr_nonnull(xml_check("<a>&nbsp;</a>"));
	ck_assert_ptr_nonnull(xml_check("<a>&#0;</a>"));
	ck_assert_ptr_nonnull(xml_check("<a>\x01</a>"));
	ck_assert_ptr_nonnull(xml_check("<a>\xff</a>"));
	ck_assert_ptr_nonnull(xml_check("<a x=1/>"));
	ck_assert_ptr_nonnull(xml_check("<a/><b/>"));
	ck_assert_ptr_nonnull(xml_check("<a>"));
}
END_TEST

START_TEST(test_junit_fixed)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX";
	struct mc_report *rep = make_report(false);
	char *xml;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xml = junit_of(rep, dir);
	ck_assert_ptr_nonnull(strstr(xml,
				     "<testsuites name=\"migcheck\" tests=\"6\" failures=\"1\" "
				     "errors=\"1\" time=\"15.000045\">"));
	/* junit-10.xsd has no skipped= on <testsuites>: Jenkins' xUnit rejected the file. */
	ck_assert_int_eq(count_of(xml, "skipped=\""), 6);
	/* One suite per group that has cases, in clause-table order, named with the device. */
	ck_assert_int_eq(count_of(xml, "<testsuite "), 6);
	ck_assert_ptr_nonnull(strstr(xml, "<testsuite name=\"FEAT (sim:flags=7)\" "
					  "package=\"sim:flags=7\" tests=\"1\" failures=\"0\" "
					  "errors=\"0\" skipped=\"0\" time=\"0.000005\""));
	ck_assert(strstr(xml, "name=\"FEAT (") < strstr(xml, "name=\"FSM ("));
	ck_assert(strstr(xml, "name=\"LOG (") < strstr(xml, "name=\"TIME ("));
	ck_assert_ptr_nonnull(
		strstr(xml, "<testcase classname=\"FSM\" "
			    "name=\"fsm.pair:STOP-&gt;RUNNING [FSM-01]\" time=\"1.000006\">"));
	ck_assert_ptr_nonnull(strstr(xml,
				     "<failure message=\"SET returned EINVAL\" type=\"FSM-01\">"
				     "SET returned EINVAL\nmodel expects success\n\noplog:\n"
				     "set STOP-&gt;RUNNING = -EINVAL\nget = STOP\n</failure>"));
	ck_assert_ptr_nonnull(
		strstr(xml, "<system-out>warn: ENOTTY from GET_PRECOPY_INFO</system-out>"));
	ck_assert_ptr_nonnull(strstr(xml, "<skipped message=\"device lacks DMA logging\"/>"));
	ck_assert_ptr_nonnull(
		strstr(xml, "<error message=\"setup: open failed: EBUSY\" type=\"error\">"));
	ck_assert_ptr_nonnull(strstr(xml, "<system-out>p50=10us</system-out>"));
	ck_assert_ptr_nonnull(
		strstr(xml, "<property name=\"seed\" value=\"18446744073709551615\"/>"));
	free(xml);

	/* Under strict, a warn is a failure. */
	rep->info.strict = true;
	xml = junit_of(rep, dir);
	ck_assert_ptr_nonnull(strstr(xml, "tests=\"6\" failures=\"2\""));
	ck_assert_ptr_nonnull(
		strstr(xml, "<failure message=\"ENOTTY from GET_PRECOPY_INFO\" type=\"warn\">"));
	ck_assert_ptr_null(strstr(xml, "<system-out>warn:"));
	free(xml);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

START_TEST(test_junit_hostile)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX";
	struct mc_report *rep = make_hostile_report();
	char *xml;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xml = junit_of(rep, dir);
	ck_assert_ptr_nonnull(strstr(xml, "xml ]]&gt; &lt;tag attr=&apos;x&apos;&gt; &amp;amp;"));
	ck_assert_ptr_nonnull(strstr(xml, "name=\"quote&quot; back\\slash [FSM-07]\""));
	ck_assert_ptr_nonnull(strstr(xml, "ctl \x7f tab&#9; cr&#13; nl&#10; end")); /* attribute */
	ck_assert_ptr_nonnull(strstr(xml, "ctl \x7f tab\t cr&#13; nl\n end"));	    /* text */
	ck_assert_ptr_null(strstr(xml, "\xef\xbf\xbe"));
	free(xml);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

/* ---------------------------------------------------------------- report.html */

static char *html_of(const struct mc_report *rep)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(mc_html_write(f, rep, NULL), 0);
	fclose(f);
	return out;
}

/*
 * The summary opens with the findings (fail, then error, then warn), each with a line of
 * evidence and a link to its case; a case's op log is there whole, all 24 operations the
 * harness keeps; the printed pages carry the device, escaped for CSS, and the verdict.
 */
START_TEST(test_html_findings_oplog_print)
{
	struct mc_report *rep = make_report(false);
	char *html, *ops = rep->cases[1].oplog, *fail, *err, *warn, *cards;
	size_t used = 0;

	ops[0] = '\0';
	for (int i = 1; i <= 24; i++)
		used += (size_t)snprintf(ops + used, MC_OPLOG_MAX - used, "op %d = 0\n", i);
	rep->info.device_spec = "x\";}</style><script>";
	html = html_of(rep);
	fail = strstr(html, "<tr class=\"finding st-fail\" data-clause=\"FSM-01\">");
	err = strstr(html, "<tr class=\"finding st-error\" data-clause=\"ERR-01\">");
	warn = strstr(html, "<tr class=\"finding st-warn\" data-clause=\"PRE-01\">");
	cards = strstr(html, "<div class=\"cards\">");
	ck_assert_msg(fail && err && warn && cards && fail < err && err < warn && warn < cards,
		      "findings not first or not in order");
	ck_assert_ptr_nonnull(strstr(fail, "<a class=\"mono ev-case\" href=\"#case-fsm.pair:STOP-"
					   "&gt;RUNNING\">fsm.pair:STOP-&gt;RUNNING</a><span "
					   "class=\"ev\">SET returned EINVAL …</span>"));
	ck_assert_ptr_null(strstr(html, "No findings"));
	ck_assert_ptr_nonnull(strstr(html, "<pre class=\"log oplog\" data-ops=\"24\""));
	ck_assert_ptr_nonnull(strstr(html, ">op 1 = 0\nop 2 = 0\n"));
	ck_assert_ptr_nonnull(strstr(html, "op 23 = 0\nop 24 = 0</pre>"));
	ck_assert_ptr_nonnull(strstr(html, "@media print{"));
	ck_assert_ptr_nonnull(strstr(html, "@top-left{content:\"migcheck · sim · x\\22 \\3b \\7d "
					   "\\3c /style\\3e \\3c script\\3e \";"));
	ck_assert_ptr_nonnull(strstr(html, "@top-right{content:\"verdict FAIL ("));
	ck_assert_ptr_null(strstr(html, "</style><script>"));
	free(html);
	for (int i = 0; i < rep->ncases; i++)
		rep->cases[i].status = MC_PASS;
	mc_report_rollup(rep);
	html = html_of(rep);
	ck_assert_ptr_nonnull(strstr(html, "<p id=\"findings\" class=\"findings-none\"><b>No "
					   "findings</b>"));
	ck_assert_ptr_null(strstr(html, "class=\"finding "));
	free(html);
	free_report(rep);
}
END_TEST

/* ---------------------------------------------------------------- atomic writes */

/* Run @ops->end with stderr captured; returns its rc, *@lines the lines it printed. */
static int end_capturing(const struct mc_reporter_ops *ops, const struct mc_report *rep,
			 const char *dir, char **err)
{
	FILE *cap = tmpfile();
	int saved = dup(2), rc;
	long n;

	fflush(stderr);
	dup2(fileno(cap), 2);
	rc = run_reporter(ops, rep, dir);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = ftell(cap);
	*err = calloc(1, (size_t)n + 1);
	rewind(cap);
	ck_assert_int_eq(fread(*err, 1, (size_t)n, cap), n);
	fclose(cap);
	return rc;
}

START_TEST(test_atomic_missing_dir)
{
	struct mc_report *rep = make_report(false);
	char tmp[256], *err;
	FILE *f;

	errno = 0;
	f = mc_atomic_open("/nonexistent/mc_dir", "report.json", tmp, sizeof(tmp));
	ck_assert_ptr_null(f);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(end_capturing(&mc_json_reporter, rep, "/nonexistent/mc_dir", &err),
			 -ENOENT);
	ck_assert_int_eq(count_of(err, "\n"), 1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/mc_dir/report.json"));
	free(err);
	/* A directory nobody can create files in, root included. */
	ck_assert_int_lt(end_capturing(&mc_junit_reporter, rep, "/proc", &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "/proc/junit.xml"));
	ck_assert_int_ne(access("/proc/junit.xml", F_OK), 0);
	free(err);
	/* No output directory at all. */
	ck_assert_int_eq(end_capturing(&mc_json_reporter, rep, NULL, &err), -EINVAL);
	free(err);
	/* A name that does not fit the caller's buffer. */
	ck_assert_ptr_null(mc_atomic_open("/tmp", "report.json", tmp, 8));
	ck_assert_int_eq(errno, ENAMETOOLONG);
	free_report(rep);
}
END_TEST

START_TEST(test_atomic_unwritable_dir)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX", *err;
	struct mc_report *rep = make_report(false);
	int tmps;

	if (geteuid() == 0) { /* root ignores the mode; /proc above covers it */
		free_report(rep);
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	chmod(dir, 0500);
	ck_assert_int_eq(end_capturing(&mc_json_reporter, rep, dir, &err), -EACCES);
	ck_assert_int_eq(dir_entries(dir, &tmps), 0);
	free(err);
	chmod(dir, 0700);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

/* A write that fails half way (file size limit) keeps the old file and no temporary. */
START_TEST(test_atomic_write_error)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX", path[600], *err, *old;
	struct mc_report *rep = make_report(false);
	struct rlimit saved, lim;
	FILE *f;
	int tmps, rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &saved);
	lim = saved;
	lim.rlim_cur = 4096;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = end_capturing(&mc_json_reporter, rep, dir, &err);
	setrlimit(RLIMIT_FSIZE, &saved);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_msg(rc == -EFBIG || rc == -EIO, "rc %d", rc);
	ck_assert_int_eq(count_of(err, "\n"), 1);
	ck_assert_ptr_nonnull(strstr(err, path));
	old = mc_test_slurp(path, NULL);
	ck_assert_str_eq(old, "old");
	ck_assert_int_eq(dir_entries(dir, &tmps), 1);
	ck_assert_int_eq(tmps, 0);
	free(old);
	free(err);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

/* The rename itself fails (a directory is in the way): the temporary goes away. */
START_TEST(test_atomic_rename_error)
{
	char dir[] = "/tmp/mc_test_rep_XXXXXX", path[600], *err;
	struct mc_report *rep = make_report(false);
	int tmps;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/junit.xml/keep", dir);
	fclose(fopen(path, "w"));
	ck_assert_int_eq(end_capturing(&mc_junit_reporter, rep, dir, &err), -EISDIR);
	ck_assert_ptr_nonnull(strstr(err, "junit.xml"));
	ck_assert_int_eq(dir_entries(dir, &tmps), 1);
	ck_assert_int_eq(tmps, 0);
	free(err);
	free_report(rep);
	rm_rf(dir);
}
END_TEST

static TCase *junit_tcase(void)
{
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_xml_checker);
	tcase_add_test(tc, test_junit_fixed);
	tcase_add_test(tc, test_junit_hostile);
	tcase_add_test(tc, test_html_findings_oplog_print);
	tcase_add_test(tc, test_atomic_missing_dir);
	tcase_add_test(tc, test_atomic_unwritable_dir);
	tcase_add_test(tc, test_atomic_write_error);
	tcase_add_test(tc, test_atomic_rename_error);
	return tc;
}

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_clause_table);
	tcase_add_test(tc, test_clause_markdown);
	tcase_add_test(tc, test_names);
	tcase_add_loop_test(tc, test_rollup_order, 0,
			    (int)(sizeof(rollup_rows) / sizeof(rollup_rows[0])));
	tcase_add_test(tc, test_status_worse);
	tcase_add_test(tc, test_verdict);
	tcase_add_test(tc, test_ktap_fixed);
	tcase_add_test(tc, test_ktap_strict);
	tcase_add_test(tc, test_ktap_hostile);
	tcase_add_test(tc, test_json_report);
	tcase_add_test(tc, test_json_str_roundtrip);
	tcase_add_test(tc, test_json_hostile);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, junit_tcase());
	return s;
}

MC_TEST_MAIN(report_suite)

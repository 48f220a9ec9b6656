// SPDX-License-Identifier: GPL-2.0-only
/*
 * Expected-verdict files. The file is small and line-per-verdict so that a change shows
 * as a one-line diff in review:
 *
 *   { "schema": 1, "about": "...", "kernel": "6.12.117+deb12-amd64",
 *     "device": { "driver": "mtty", "type": "mtty-2", "flags": 7 },
 *     "counts": { "pass": 277, ... },
 *     "clauses": { "FEAT-01": "pass", ... },
 *     "cases": { "err.reset:STOP": "pass", ... } }
 *
 * "kernel" and "about" are information only and "counts" follows from "cases"; the
 * device, the clause verdicts and the case set with its verdicts are compared. Only a
 * complete run of a real device is written or passes a check. Two reports of one device
 * reached through different access paths are compared the same way (mc_expect_agree()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "escape.h"
#include "expect.h"
#include "rep_scope.h"
#include "report.h"
#include "term.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A report's id -> status pairs of array @key ("cases" or "clauses"), validated. */
static int report_list(const struct mc_json *rep, const char *key, const struct mc_json **out,
		       char *err, size_t len)
{
	const struct mc_json *a = mc_json_get(rep, key);

	if (!mc_json_is(a, MC_JSON_ARRAY))
		return fail(err, len, "report has no \"%s\" array", key);
	for (size_t i = 0; i < mc_json_count(a); i++) {
		const struct mc_json *e = mc_json_at(a, i);
		const char *st = mc_json_string(mc_json_get(e, "status"), NULL);

		if (!mc_json_string(mc_json_get(e, "id"), NULL) || !st || mc_status_parse(st) < 0)
			return fail(err, len, "report %s[%zu] (line %u) has no id or a bad status",
				    key, i, mc_json_line(e));
	}
	*out = a;
	return 0;
}

static const char *dev_str(const struct mc_json *root, const char *key)
{
	const char *s = mc_json_string(mc_json_get(mc_json_get(root, "device"), key), NULL);

	return s ? s : "";
}

static int64_t dev_flags(const struct mc_json *root)
{
	int64_t v;

	return mc_json_int(mc_json_get(mc_json_get(root, "device"), "flags"), &v) ? -1 : v;
}

/* Whether two runs are of the same device (driver, type, migration flags). */
static bool same_device(const struct mc_json *a, const struct mc_json *b)
{
	return !strcmp(dev_str(a, "driver"), dev_str(b, "driver")) &&
	       !strcmp(dev_str(a, "type"), dev_str(b, "type")) && dev_flags(a) == dev_flags(b);
}

static const char *run_str(const struct mc_json *rep, const char *path)
{
	return mc_json_string(mc_json_path(rep, path), NULL);
}

/* The scope (mc_report_scope()) of report.json @rep, from its run fields and @cases. */
static void scope_of(const struct mc_json *rep, const struct mc_json *cases, struct mc_scope *sc)
{
	struct mc_report r = { .ncases = (int)mc_json_count(cases) };
	const char *cmdline = run_str(rep, "run.cmdline");
	int64_t total = 0;

	r.info.only = run_str(rep, "run.only");
	r.info.cases_dir = run_str(rep, "run.cases_dir");
	r.info.device_spec = run_str(rep, "device.spec");
	snprintf(r.info.cmdline, sizeof(r.info.cmdline), "%s", cmdline ? cmdline : "");
	snprintf(r.info.ident.driver, sizeof(r.info.ident.driver), "%s", dev_str(rep, "driver"));
	if (!mc_json_int(mc_json_path(rep, "run.cases_total"), &total) && total > 0 &&
	    total < 1000000)
		r.info.cases_total = (int)total;
	for (size_t i = 0; i < mc_json_count(cases); i++) /* statuses checked by report_list */
		r.counts[mc_status_parse(run_str(mc_json_at(cases, i), "status"))]++;
	mc_report_scope(&r, sc);
}

/*
 * Why @rep is not a complete run of the built-in case set, or NULL: its scope is
 * restricted by --only, --cases, cases that never ran (an interrupted run) or harness
 * errors. Skips and waivers do not count: expected verdicts are the raw statuses.
 * @why has room for the reason; *@sc gets the scope.
 */
static const char *incomplete(const struct mc_json *rep, const struct mc_json *cases,
			      struct mc_scope *sc, char *why, size_t len)
{
	scope_of(rep, cases, sc);
	if (!mc_json_count(cases))
		return "the run has no cases";
	if (sc->restricted & MC_SCOPE_ONLY)
		return "the run was restricted with --only";
	if (sc->restricted & MC_SCOPE_CASES)
		return "the run used --cases DIR, not the built-in case set";
	if (sc->restricted & MC_SCOPE_UNRUN) {
		snprintf(why, len,
			 "the run stopped early (interrupted?): %d of the %d cases of the "
			 "complete set ran",
			 sc->cases_run, sc->cases_total);
		return why;
	}
	if (sc->restricted & MC_SCOPE_ERRORS)
		return "a case ended in a harness error";
	return NULL;
}

static void write_map(FILE *f, const char *key, const struct mc_json *a, bool last)
{
	fprintf(f, "  \"%s\": {", key);
	for (size_t i = 0; i < mc_json_count(a); i++) {
		const struct mc_json *e = mc_json_at(a, i);

		fputs(i ? ",\n    " : "\n    ", f);
		mc_json_str(f, mc_json_string(mc_json_get(e, "id"), NULL));
		fputs(": ", f);
		mc_json_str(f, mc_json_string(mc_json_get(e, "status"), NULL));
	}
	fprintf(f, "\n  }%s\n", last ? "" : ",");
}

int mc_expect_write(FILE *f, const struct mc_json *rep, char *err, size_t len)
{
	const struct mc_json *cases, *clauses;
	const char *why, *kernel = mc_json_string(mc_json_path(rep, "kernel.release"), NULL);
	int counts[MC_NSTATUS] = { 0 };
	struct mc_scope sc;
	char buf[160];

	if (report_list(rep, "cases", &cases, err, len) ||
	    report_list(rep, "clauses", &clauses, err, len))
		return -EINVAL;
	why = incomplete(rep, cases, &sc, buf, sizeof(buf));
	if (why)
		return fail(err, len, "not writing expected verdicts: %s", why);
	if (sc.simulated)
		return fail(err, len,
			    "not writing expected verdicts: the run was on the simulated "
			    "device, whose verdicts are no expectation for a real driver");
	if (dev_flags(rep) < 0)
		return fail(err, len, "report has no device.flags");
	for (size_t i = 0; i < mc_json_count(cases); i++)
		counts[mc_status_parse(
			mc_json_string(mc_json_get(mc_json_at(cases, i), "status"), NULL))]++;

	fprintf(f, "{\n  \"schema\": %d,\n  \"about\": ", MC_EXPECT_SCHEMA);
	mc_json_str(f, "Verdicts this driver is known to get. CI fails when a run differs; "
		       "edit only as a reviewed change (make vm-expect-update).");
	fputs(",\n  \"kernel\": ", f);
	mc_json_str(f, kernel ? kernel : "");
	fputs(",\n  \"device\": { \"driver\": ", f);
	mc_json_str(f, dev_str(rep, "driver"));
	fputs(", \"type\": ", f);
	mc_json_str(f, dev_str(rep, "type"));
	fprintf(f, ", \"flags\": %" PRId64 " },\n  \"counts\": {", dev_flags(rep));
	for (int s = 0; s < MC_NSTATUS; s++)
		fprintf(f, "%s\"%s\": %d", s ? ", " : " ", mc_status_name(s), counts[s]);
	fputs(" },\n", f);
	write_map(f, "clauses", clauses, false);
	write_map(f, "cases", cases, true);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

/*
 * One side of a comparison: an expected file's id -> status object or a report's array of
 * { "id", "status" }. Entry @i's status, its id in *@id.
 */
static const char *entry(const struct mc_json *c, size_t i, const char **id)
{
	const struct mc_json *e;

	if (mc_json_is(c, MC_JSON_OBJECT))
		return mc_json_string(mc_json_member(c, i, id), NULL);
	e = mc_json_at(c, i);
	*id = mc_json_string(mc_json_get(e, "id"), NULL);
	return mc_json_string(mc_json_get(e, "status"), NULL);
}

static const char *status_of(const struct mc_json *c, const char *id)
{
	const char *eid;

	for (size_t i = 0; i < mc_json_count(c); i++) {
		const char *st = entry(c, i, &eid);

		if (!strcmp(eid, id))
			return st;
	}
	return NULL;
}

/*
 * One difference of @what @id: status @sa on side a, @sb on side b (NULL: not there).
 * Without @lbl a is the expected file and b the run; with it both are runs named @lbl.
 */
static void say(FILE *out, const char *const *lbl, const char *what, const char *id, const char *sa,
		const char *sb)
{
	if (!lbl && !sb)
		mc_term_printf(out, "missing %s %s (expected %s): not in this run\n", what, id, sa);
	else if (!lbl && !sa)
		mc_term_printf(out, "new %s %s: %s, not in the expected file\n", what, id, sb);
	else if (!lbl)
		mc_term_printf(out, "changed %s %s: expected %s, got %s\n", what, id, sa, sb);
	else if (!sa || !sb)
		mc_term_printf(out, "%s %s only in %s: %s\n", what, id, lbl[!sa], sa ? sa : sb);
	else
		mc_term_printf(out, "%s %s: %s %s, %s %s\n", what, id, lbl[0], sa, lbl[1], sb);
}

/* Compare the id -> status pairs of @a and @b (see entry()); returns the differences. */
static int compare_map(const struct mc_json *a, const struct mc_json *b, const char *what,
		       const char *const *lbl, FILE *out)
{
	const char *id;
	int diffs = 0;

	for (size_t i = 0; i < mc_json_count(a); i++) {
		const char *sa = entry(a, i, &id), *sb = status_of(b, id);

		if (!sb || strcmp(sa, sb)) {
			say(out, lbl, what, id, sa, sb);
			diffs++;
		}
	}
	for (size_t i = 0; i < mc_json_count(b); i++) {
		const char *sb = entry(b, i, &id);

		if (!status_of(a, id)) {
			say(out, lbl, what, id, NULL, sb);
			diffs++;
		}
	}
	return diffs;
}

static int check_map_shape(const struct mc_json *exp, const char *key, const struct mc_json **out,
			   char *err, size_t len)
{
	const struct mc_json *m = mc_json_get(exp, key);

	if (!mc_json_is(m, MC_JSON_OBJECT))
		return fail(err, len, "expected file has no \"%s\" object", key);
	for (size_t i = 0; i < mc_json_count(m); i++) {
		const char *id, *st = mc_json_string(mc_json_member(m, i, &id), NULL);

		if (!st || mc_status_parse(st) < 0)
			return fail(err, len, "expected file: %s \"%s\" has no valid status", key,
				    id);
	}
	*out = m;
	return 0;
}

int mc_expect_check(const struct mc_json *exp, const struct mc_json *rep, FILE *out, char *err,
		    size_t len)
{
	const struct mc_json *cases, *clauses, *ecases, *eclauses;
	int64_t schema;
	const char *why;
	int diffs = 0;
	struct mc_scope sc;
	char buf[160];

	if (mc_json_int(mc_json_get(exp, "schema"), &schema) || schema != MC_EXPECT_SCHEMA)
		return fail(err, len, "expected file: schema is not %d", MC_EXPECT_SCHEMA);
	if (check_map_shape(exp, "clauses", &eclauses, err, len) ||
	    check_map_shape(exp, "cases", &ecases, err, len) ||
	    report_list(rep, "cases", &cases, err, len) ||
	    report_list(rep, "clauses", &clauses, err, len))
		return -EINVAL;

	why = incomplete(rep, cases, &sc, buf, sizeof(buf));
	if (why) {
		mc_term_printf(out, "incomplete run: %s\n", why);
		diffs++;
	}
	if (!same_device(exp, rep)) {
		mc_term_printf(out,
			       "changed device: expected %s %s flags %" PRId64
			       ", got %s %s flags %" PRId64 "\n",
			       dev_str(exp, "driver"), dev_str(exp, "type"), dev_flags(exp),
			       dev_str(rep, "driver"), dev_str(rep, "type"), dev_flags(rep));
		diffs++;
	}
	diffs += compare_map(eclauses, clauses, "clause", NULL, out);
	diffs += compare_map(ecases, cases, "case", NULL, out);
	return diffs;
}

int mc_expect_agree(const struct mc_json *a, const struct mc_json *b, FILE *out, char *err,
		    size_t len)
{
	const struct mc_json *ca, *cb, *la, *lb;
	const char *lbl[2] = { dev_str(a, "access"), dev_str(b, "access") };
	int diffs = 0;

	if (report_list(a, "cases", &ca, err, len) || report_list(a, "clauses", &la, err, len) ||
	    report_list(b, "cases", &cb, err, len) || report_list(b, "clauses", &lb, err, len))
		return -EINVAL;
	if (!lbl[0][0] || !lbl[1][0] || !strcmp(lbl[0], lbl[1])) {
		lbl[0] = "the first run";
		lbl[1] = "the second run";
	}
	if (!same_device(a, b)) {
		mc_term_printf(out,
			       "device: %s %s %s flags %" PRId64 ", %s %s %s flags %" PRId64 "\n",
			       lbl[0], dev_str(a, "driver"), dev_str(a, "type"), dev_flags(a),
			       lbl[1], dev_str(b, "driver"), dev_str(b, "type"), dev_flags(b));
		diffs++;
	}
	diffs += compare_map(la, lb, "clause", lbl, out);
	diffs += compare_map(ca, cb, "case", lbl, out);
	if (diffs)
		mc_term_printf(out, "disagree: %d difference(s) between %s and %s\n", diffs, lbl[0],
			       lbl[1]);
	else
		mc_term_printf(out,
			       "agree: %s and %s, the same verdicts for %zu clauses and %zu "
			       "cases\n",
			       lbl[0], lbl[1], mc_json_count(la), mc_json_count(ca));
	return diffs;
}

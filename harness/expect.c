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
 * device, the clause verdicts and the case set with its verdicts are compared.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "expect.h"
#include "report.h"
#include "term.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t len, const char *fmt, ...)
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

/* Why @rep is not a complete run, or NULL. */
static const char *incomplete(const struct mc_json *rep, const struct mc_json *cases)
{
	const struct mc_json *only = mc_json_path(rep, "run.only");

	if (only && !mc_json_is(only, MC_JSON_NULL))
		return "the run was restricted with --only";
	if (!mc_json_count(cases))
		return "the run has no cases";
	for (size_t i = 0; i < mc_json_count(cases); i++)
		if (!strcmp(mc_json_string(mc_json_get(mc_json_at(cases, i), "status"), NULL),
			    "error"))
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

	if (report_list(rep, "cases", &cases, err, len) ||
	    report_list(rep, "clauses", &clauses, err, len))
		return -EINVAL;
	why = incomplete(rep, cases);
	if (why)
		return fail(err, len, "not writing expected verdicts: %s", why);
	if (dev_flags(rep) < 0)
		return fail(err, len, "report has no device.flags");
	for (size_t i = 0; i < mc_json_count(cases); i++)
		counts[mc_status_parse(mc_json_string(mc_json_get(mc_json_at(cases, i), "status"),
						      NULL))]++;

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

/* Compare one id -> status map of @exp with the report's array; returns differences. */
static int compare_map(const struct mc_json *map, const struct mc_json *a, const char *what,
		       FILE *out)
{
	int diffs = 0;

	for (size_t i = 0; i < mc_json_count(map); i++) {
		const char *id, *want = mc_json_string(mc_json_member(map, i, &id), NULL);
		const char *got = NULL;

		for (size_t j = 0; j < mc_json_count(a) && !got; j++)
			if (!strcmp(mc_json_string(mc_json_get(mc_json_at(a, j), "id"), NULL), id))
				got = mc_json_string(mc_json_get(mc_json_at(a, j), "status"),
						     NULL);
		if (!got) {
			mc_term_printf(out, "missing %s %s (expected %s): not in this run\n", what, id,
				want);
			diffs++;
		} else if (strcmp(got, want)) {
			mc_term_printf(out, "changed %s %s: expected %s, got %s\n", what, id, want, got);
			diffs++;
		}
	}
	for (size_t j = 0; j < mc_json_count(a); j++) {
		const struct mc_json *e = mc_json_at(a, j);
		const char *id = mc_json_string(mc_json_get(e, "id"), NULL);

		if (!mc_json_get(map, id)) {
			mc_term_printf(out, "new %s %s: %s, not in the expected file\n", what, id,
				mc_json_string(mc_json_get(e, "status"), NULL));
			diffs++;
		}
	}
	return diffs;
}

static int check_map_shape(const struct mc_json *exp, const char *key,
			   const struct mc_json **out, char *err, size_t len)
{
	const struct mc_json *m = mc_json_get(exp, key);

	if (!mc_json_is(m, MC_JSON_OBJECT))
		return fail(err, len, "expected file has no \"%s\" object", key);
	for (size_t i = 0; i < mc_json_count(m); i++) {
		const char *id, *st = mc_json_string(mc_json_member(m, i, &id), NULL);

		if (!st || mc_status_parse(st) < 0)
			return fail(err, len, "expected file: %s \"%s\" has no valid status",
				    key, id);
	}
	*out = m;
	return 0;
}

int mc_expect_check(const struct mc_json *exp, const struct mc_json *rep, FILE *out,
		    char *err, size_t len)
{
	const struct mc_json *cases, *clauses, *ecases, *eclauses;
	int64_t schema;
	const char *why;
	int diffs = 0;

	if (mc_json_int(mc_json_get(exp, "schema"), &schema) || schema != MC_EXPECT_SCHEMA)
		return fail(err, len, "expected file: schema is not %d", MC_EXPECT_SCHEMA);
	if (check_map_shape(exp, "clauses", &eclauses, err, len) ||
	    check_map_shape(exp, "cases", &ecases, err, len) ||
	    report_list(rep, "cases", &cases, err, len) ||
	    report_list(rep, "clauses", &clauses, err, len))
		return -EINVAL;

	why = incomplete(rep, cases);
	if (why) {
		mc_term_printf(out, "incomplete run: %s\n", why);
		diffs++;
	}
	if (strcmp(dev_str(exp, "driver"), dev_str(rep, "driver")) ||
	    strcmp(dev_str(exp, "type"), dev_str(rep, "type")) || dev_flags(exp) != dev_flags(rep)) {
		mc_term_printf(out, "changed device: expected %s %s flags %" PRId64 ", got %s %s flags %"
			PRId64 "\n", dev_str(exp, "driver"), dev_str(exp, "type"), dev_flags(exp),
			dev_str(rep, "driver"), dev_str(rep, "type"), dev_flags(rep));
		diffs++;
	}
	diffs += compare_map(eclauses, clauses, "clause", out);
	diffs += compare_map(ecases, cases, "case", out);
	return diffs;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target json_reader: the input is a JSON file, as `migcheck report`, `diff`,
 * `coverage` and `verify` read report.json files that come from elsewhere. No device.
 * The input goes through mc_json_parse() (default limits, as those readers use), every
 * value of a parsed document through the accessors, and the document through
 * mc_report_from_json() (rep_load.c, the report reader behind all of them). Beyond what
 * ASan/UBSan see, the oracles are what json.h promises of a parsed document: every
 * string is valid UTF-8 and NUL-terminated at its length, every number finite, an
 * int64 value equal to its double, each member found again by its key, positions
 * within the input; and writer and reader agree: the document written back with
 * escape.c's mc_json_str() and "%.17g" parses to the same document.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz.h"
#include "json.h"
#include "rep_load.h"

#define CLAUSE "JSON"

struct walk {
	struct mc_fuzz_finding *f;
	unsigned lines; /* lines of the input */
	size_t values;
};

static int bad(struct walk *w, const struct mc_json *v, const char *what)
{
	return mc_fuzz_fail(w->f, CLAUSE, 0, 0, "value at %u:%u: %s", mc_json_line(v),
			    mc_json_col(v), what);
}

static bool valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < len;) {
		int n = mc_utf8_decode(p + i, len - i, &cp);

		if (n < 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* Every accessor on @v and, depth first, on what it holds: 0 or 1 (a finding). */
static int walk(struct walk *w, const struct mc_json *v, bool nul_keys)
{
	size_t n = mc_json_count(v), len;
	const char *s, *key;
	int64_t i;
	double d;
	bool b;

	w->values++;
	if (mc_json_line(v) < 1 || mc_json_line(v) > w->lines || mc_json_col(v) < 1)
		return bad(w, v, "position outside the input");
	switch (mc_json_type(v)) {
	case MC_JSON_NULL:
		break;
	case MC_JSON_BOOL:
		if (mc_json_bool(v, &b))
			return bad(w, v, "a boolean mc_json_bool() refuses");
		break;
	case MC_JSON_NUMBER:
		if (mc_json_number(v, &d) || !isfinite(d))
			return bad(w, v, "a number that is not a finite double");
		if (!mc_json_int(v, &i) && (double)i != d)
			return bad(w, v, "mc_json_int() differs from mc_json_number()");
		break;
	case MC_JSON_STRING:
		s = mc_json_string(v, &len);
		if (!s || s[len] != '\0' || !valid_utf8(s, len))
			return bad(w, v, "a string that is not NUL-terminated valid UTF-8");
		break;
	case MC_JSON_ARRAY:
		for (size_t k = 0; k < n; k++) {
			char idx[24];

			snprintf(idx, sizeof(idx), "%zu", k);
			if (mc_json_path(v, idx) != mc_json_at(v, k))
				return bad(w, v, "mc_json_path() of an index finds another element");
			if (!mc_json_at(v, k) || walk(w, mc_json_at(v, k), nul_keys))
				return w->f->clause[0] ? 1 : bad(w, v, "a missing element");
		}
		if (mc_json_at(v, n))
			return bad(w, v, "an element past the count");
		break;
	case MC_JSON_OBJECT:
		for (size_t k = 0; k < n; k++) {
			const struct mc_json *m = mc_json_member(v, k, &key), *g;

			if (!m || !key || !valid_utf8(key, strlen(key)))
				return bad(w, v, "a member without a valid key");
			/* Keys are unique: each is found again (unless one holds NUL: cut). */
			g = mc_json_get(v, key);
			if (g != m && !nul_keys)
				return bad(w, v, "mc_json_get() of a member's key finds another value");
			if (!nul_keys && key[0] && !strchr(key, '.') && mc_json_path(v, key) != m)
				return bad(w, v, "mc_json_path() of a member's key finds another value");
			if (walk(w, m, nul_keys))
				return 1;
		}
		if (mc_json_member(v, n, &key))
			return bad(w, v, "a member past the count");
		break;
	default:
		return bad(w, v, "unknown type");
	}
	return 0;
}

/* @v as JSON text: numbers "%.17g" (an exact integer as one), strings by mc_json_str(). */
static void write_value(FILE *out, const struct mc_json *v)
{
	const char *key;
	int64_t i;
	double d;
	bool b;

	switch (mc_json_type(v)) {
	case MC_JSON_BOOL:
		mc_json_bool(v, &b);
		fputs(b ? "true" : "false", out);
		break;
	case MC_JSON_NUMBER:
		if (!mc_json_int(v, &i))
			fprintf(out, "%" PRId64, i);
		else if (!mc_json_number(v, &d))
			fprintf(out, "%.17g", d);
		break;
	case MC_JSON_STRING:
		mc_json_str(out, mc_json_string(v, NULL));
		break;
	case MC_JSON_ARRAY:
		putc('[', out);
		for (size_t k = 0; k < mc_json_count(v); k++) {
			if (k)
				putc(',', out);
			write_value(out, mc_json_at(v, k));
		}
		putc(']', out);
		break;
	case MC_JSON_OBJECT:
		putc('{', out);
		for (size_t k = 0; k < mc_json_count(v); k++) {
			const struct mc_json *m = mc_json_member(v, k, &key);

			if (k)
				putc(',', out);
			mc_json_str(out, key);
			putc(':', out);
			write_value(out, m);
		}
		putc('}', out);
		break;
	default:
		fputs("null", out);
	}
}

/* Equal documents: types, order, keys, string bytes, values (numbers as doubles). */
static bool same(const struct mc_json *a, const struct mc_json *b)
{
	const char *ka, *kb, *sa, *sb;
	size_t la, lb;
	double da, db;
	bool ba, bb;

	if (mc_json_type(a) != mc_json_type(b) || mc_json_count(a) != mc_json_count(b))
		return false;
	switch (mc_json_type(a)) {
	case MC_JSON_BOOL:
		return !mc_json_bool(a, &ba) && !mc_json_bool(b, &bb) && ba == bb;
	case MC_JSON_NUMBER:
		return !mc_json_number(a, &da) && !mc_json_number(b, &db) && da == db;
	case MC_JSON_STRING:
		sa = mc_json_string(a, &la);
		sb = mc_json_string(b, &lb);
		return la == lb && !memcmp(sa, sb, la);
	case MC_JSON_ARRAY:
		for (size_t k = 0; k < mc_json_count(a); k++)
			if (!same(mc_json_at(a, k), mc_json_at(b, k)))
				return false;
		return true;
	case MC_JSON_OBJECT:
		for (size_t k = 0; k < mc_json_count(a); k++)
			if (!same(mc_json_member(a, k, &ka), mc_json_member(b, k, &kb)) ||
			    strcmp(ka, kb))
				return false;
		return true;
	default:
		return true;
	}
}

/* The document written back and parsed again must be the same document. */
static int round_trip(struct walk *w, const struct mc_json *root)
{
	struct mc_json_doc *again = NULL;
	struct mc_json_error je;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	if (!out)
		return mc_fuzz_broken(w->f, -ENOMEM, "open_memstream: out of memory");
	write_value(out, root);
	if (fclose(out)) {
		free(text);
		return mc_fuzz_broken(w->f, -ENOMEM, "writing the document back: out of memory");
	}
	rc = mc_json_parse(text, len, NULL, &again, &je);
	if (rc == -ENOMEM || rc == -E2BIG)
		rc = mc_fuzz_broken(w->f, rc, "parsing the document written back: %s", je.msg);
	else if (rc)
		rc = mc_fuzz_fail(w->f, CLAUSE, rc, 0,
				  "the document written back does not parse: %u:%u: %s (%.80s)",
				  je.line, je.col, je.msg, text);
	else if (!same(root, mc_json_root(again)))
		rc = mc_fuzz_fail(w->f, CLAUSE, 0, 0,
				  "the document written back parses to another one: %.120s", text);
	mc_json_free(again);
	free(text);
	return rc;
}

int mc_fuzz_json_reader(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
			struct mc_fuzz_finding *f)
{
	struct walk w = { .f = f, .lines = 1 };
	struct mc_json_doc *doc = NULL;
	struct mc_report *rep = NULL;
	struct mc_json_error je;
	char err[512];
	/* The only way into a string or key of a NUL byte (raw control bytes are refused). */
	bool nul_keys = size >= 6 && memmem(data, size, "\\u0000", 6);
	int rc;

	(void)ctx;
	rc = mc_json_parse((const char *)data, size, NULL, &doc, &je);
	if (rc) {
		/* Refused: with a reason and a position inside the input (one past its end). */
		if (rc != -EINVAL && rc != -E2BIG && rc != -ENOMEM)
			return mc_fuzz_fail(f, CLAUSE, rc, 0, "refused with an undocumented error");
		if (doc || !je.msg[0] || je.offset > size || !je.line || !je.col)
			return mc_fuzz_fail(f, CLAUSE, rc, 0,
					    "refused without a reason or position (%u:%u @%zu: %s)",
					    je.line, je.col, je.offset, je.msg);
		return 0;
	}
	for (size_t i = 0; i < size; i++)
		w.lines += data[i] == '\n';
	rc = walk(&w, mc_json_root(doc), nul_keys);
	if (!rc && !nul_keys)
		rc = round_trip(&w, mc_json_root(doc));
	/* The untrusted-file path: a report.json loaded, or refused with a reason. */
	if (!rc) {
		err[0] = '\0';
		if (!mc_report_from_json(mc_json_root(doc), &rep, err, sizeof(err)))
			mc_report_unload(rep);
		else if (!err[0])
			rc = mc_fuzz_fail(f, CLAUSE, 0, 0, "a report refused without a reason");
	}
	mc_json_free(doc);
	return rc;
}

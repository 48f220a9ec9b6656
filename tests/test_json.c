// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of json.c: valid documents and their values, every class of invalid
 * document with the line:column it must report, the depth and memory limits,
 * truncated input, and random bytes (which must fail cleanly, never crash).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "mc_test.h"

static struct mc_json_doc *parse_ok(const char *text)
{
	struct mc_json_doc *doc = NULL;
	struct mc_json_error err;
	int rc = mc_json_parse(text, strlen(text), NULL, &doc, &err);

	ck_assert_msg(rc == 0, "parse of %s failed: %u:%u %s", text, err.line, err.col, err.msg);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

START_TEST(test_scalars)
{
	static const struct {
		const char *text;
		enum mc_json_type t;
	} rows[] = {
		{ "null", MC_JSON_NULL },	  { "true", MC_JSON_BOOL },
		{ "false", MC_JSON_BOOL },	  { "0", MC_JSON_NUMBER },
		{ "-0.5e+3", MC_JSON_NUMBER },	  { "\"\"", MC_JSON_STRING },
		{ " \t\r\n[]\n", MC_JSON_ARRAY }, { "{}", MC_JSON_OBJECT },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mc_json_doc *doc = parse_ok(rows[i].text);

		ck_assert_int_eq(mc_json_type(mc_json_root(doc)), rows[i].t);
		mc_json_free(doc);
	}
}
END_TEST

START_TEST(test_numbers)
{
	struct mc_json_doc *doc = parse_ok("[9223372036854775807, -9223372036854775808, "
					   "9223372036854775808, 1e3, 1.5, -0, 2.5e-400, 0.1]");
	const struct mc_json *a = mc_json_root(doc);
	int64_t i;
	double d;

	ck_assert_int_eq(mc_json_int(mc_json_at(a, 0), &i), 0);
	ck_assert(i == INT64_MAX);
	ck_assert_int_eq(mc_json_int(mc_json_at(a, 1), &i), 0);
	ck_assert(i == INT64_MIN);
	ck_assert_int_eq(mc_json_int(mc_json_at(a, 2), &i), -EINVAL); /* 2^63 */
	ck_assert_int_eq(mc_json_number(mc_json_at(a, 2), &d), 0);
	ck_assert(d == 9223372036854775808.0);
	ck_assert_int_eq(mc_json_int(mc_json_at(a, 3), &i), 0);
	ck_assert_int_eq(i, 1000);
	ck_assert_int_eq(mc_json_int(mc_json_at(a, 4), &i), -EINVAL);
	ck_assert_int_eq(mc_json_number(mc_json_at(a, 4), &d), 0);
	ck_assert(d == 1.5);
	ck_assert_int_eq(mc_json_int(mc_json_at(a, 5), &i), 0);
	ck_assert_int_eq(i, 0);
	ck_assert_int_eq(mc_json_number(mc_json_at(a, 6), &d), 0); /* underflow is 0 */
	ck_assert(d == 0.0);
	ck_assert_int_eq(mc_json_number(mc_json_at(a, 7), &d), 0);
	ck_assert(d == 0.1);
	ck_assert_int_eq(mc_json_number(mc_json_at(a, 8), &d), -EINVAL);
	ck_assert_int_eq(mc_json_number(mc_json_root(doc), &d), -EINVAL);
	mc_json_free(doc);
}
END_TEST

START_TEST(test_strings)
{
	struct mc_json_doc *doc = parse_ok(
		"[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20AC\", \"\\ud83d\\ude00\","
		" \"x\\u0000y\", \"\xc3\xa9\xf0\x9f\x98\x80\"]");
	const struct mc_json *a = mc_json_root(doc);
	size_t len;

	ck_assert_str_eq(mc_json_string(mc_json_at(a, 0), NULL), "a\"b\\c/d\b\f\n\r\t");
	ck_assert_str_eq(mc_json_string(mc_json_at(a, 1), NULL), "\xc3\xa9\xe2\x82\xac");
	ck_assert_str_eq(mc_json_string(mc_json_at(a, 2), NULL), "\xf0\x9f\x98\x80");
	ck_assert(!memcmp(mc_json_string(mc_json_at(a, 3), &len), "x\0y", 4));
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq(mc_json_string(mc_json_at(a, 4), NULL), "\xc3\xa9\xf0\x9f\x98\x80");
	ck_assert_ptr_null(mc_json_string(a, NULL));
	mc_json_free(doc);
}
END_TEST

START_TEST(test_lookup)
{
	struct mc_json_doc *doc =
		parse_ok("{\n  \"zeta\": 1,\n  \"alpha\": {\"b\": [10, {\"c\": true}]},\n"
			 "  \"mid\": null, \"\": \"empty\"\n}");
	const struct mc_json *r = mc_json_root(doc), *v;
	const char *key;
	bool b;
	int64_t i;

	ck_assert_uint_eq(mc_json_count(r), 4);
	/* Document order is kept, lookup uses the sorted index. */
	mc_json_member(r, 0, &key);
	ck_assert_str_eq(key, "zeta");
	mc_json_member(r, 3, &key);
	ck_assert_str_eq(key, "");
	ck_assert_str_eq(mc_json_string(mc_json_get(r, ""), NULL), "empty");
	ck_assert(mc_json_is(mc_json_get(r, "mid"), MC_JSON_NULL));
	ck_assert_ptr_null(mc_json_get(r, "nope"));
	ck_assert_ptr_null(mc_json_get(r, "zet"));
	ck_assert_int_eq(mc_json_bool(mc_json_path(r, "alpha.b.1.c"), &b), 0);
	ck_assert(b);
	ck_assert_int_eq(mc_json_int(mc_json_path(r, "alpha.b.0"), &i), 0);
	ck_assert_int_eq(i, 10);
	ck_assert_ptr_null(mc_json_path(r, "alpha.b.2"));
	ck_assert_ptr_null(mc_json_path(r, "alpha.b.x"));
	ck_assert_ptr_null(mc_json_path(r, "zeta.q"));
	ck_assert_ptr_eq(mc_json_path(r, ""), r);
	/* Where values start: line and column (1-based). */
	v = mc_json_get(r, "alpha");
	ck_assert_uint_eq(mc_json_line(v), 3);
	ck_assert_uint_eq(mc_json_col(v), 12);
	v = mc_json_path(r, "alpha.b.1");
	ck_assert_uint_eq(mc_json_line(v), 3);
	ck_assert_uint_eq(mc_json_col(v), 23);
	ck_assert_uint_eq(mc_json_line(mc_json_get(r, "")), 4);
	/* NULL is "absent" everywhere. */
	ck_assert_ptr_null(mc_json_get(NULL, "a"));
	ck_assert_uint_eq(mc_json_count(NULL), 0);
	ck_assert_ptr_null(mc_json_at(r, 0));
	ck_assert_int_eq(mc_json_bool(NULL, &b), -EINVAL);
	mc_json_free(doc);
}
END_TEST

/* One invalid document: the error class, position and a word of the message. */
static const struct bad {
	const char *text;
	unsigned line, col;
	const char *msg;
} bad_docs[] = {
	{ "", 1, 1, "empty" },
	{ "  \n ", 2, 2, "empty" },
	{ "[1,2,]", 1, 6, "trailing comma" },
	{ "{\"a\":1,}", 1, 8, "trailing comma" },
	{ "{\"a\":1,\n  }", 2, 3, "trailing comma" },
	{ "[1 2]", 1, 4, "expected ',' or ']'" },
	{ "{\"a\" 1}", 1, 6, "expected ':'" },
	{ "{a:1}", 1, 2, "string key" },
	{ "{'a':1}", 1, 2, "string key" },
	{ "['a']", 1, 2, "unexpected" },
	{ "\"\\x\"", 1, 2, "invalid escape" },
	{ "\"\\u12\"", 1, 2, "four hex digits" },
	{ "\"\\u12g4\"", 1, 2, "four hex digits" },
	{ "\"\\ud800\"", 1, 2, "high surrogate" },
	{ "\"\\ud800\\u0041\"", 1, 2, "high surrogate" },
	{ "\"\\udc00\"", 1, 2, "low surrogate" },
	{ "\"a\tb\"", 1, 3, "control character" },
	{ "\"a\nb\"", 1, 3, "control character" },
	{ "\"\xc3\"", 1, 2, "UTF-8" },
	{ "\"\xc0\xaf\"", 1, 2, "UTF-8" },		       /* overlong '/' */
	{ "\"\xed\xa0\x80\"", 1, 2, "UTF-8" },		       /* encoded surrogate */
	{ "\"\xf4\x90\x80\x80\"", 1, 2, "UTF-8" },	       /* above U+10FFFF */
	{ "[\"\xc3\xa9\xc3\xa9\", \"\xff\"]", 1, 9, "UTF-8" }, /* columns count chars */
	{ "\"abc", 1, 1, "unterminated" },
	{ "\"abc\\", 1, 1, "unterminated" },
	{ "01", 1, 1, "leading zero" },
	{ "-", 1, 2, "digit" },
	{ "1.", 1, 3, "decimal point" },
	{ ".5", 1, 1, "unexpected" },
	{ "+1", 1, 1, "unexpected" },
	{ "1e", 1, 3, "exponent" },
	{ "1e999", 1, 1, "out of range" },
	{ "NaN", 1, 1, "unexpected" },
	{ "Infinity", 1, 1, "unexpected" },
	{ "tru", 1, 1, "literal" },
	{ "truex", 1, 1, "literal" },
	{ "nul", 1, 1, "literal" },
	{ "1 2", 1, 3, "after the document" },
	{ "{} x", 1, 4, "after the document" },
	{ "[1] // c", 1, 5, "after the document" },
	{ "/* c */ 1", 1, 1, "unexpected" },
	{ "{\"a\":1,\"b\":2,\"a\":3}", 1, 14, "duplicate key \"a\"" },
	{ "{\"a\":", 1, 6, "end of input" },
	{ "[1,", 1, 4, "end of input" },
	{ "[", 1, 2, "end of input" },
	{ "{\"a\"", 1, 5, "expected ':'" },
	{ "{\n\"k\": [\n  1,\n  2 3]}", 4, 5, "expected ',' or ']'" },
	{ "\xef\xbb\xbf{}", 1, 1, "byte order mark" },
	{ "[1]\x00", 1, 4, "after the document" },
};

START_TEST(test_invalid)
{
	const struct bad *b = &bad_docs[_i];
	struct mc_json_doc *doc = (struct mc_json_doc *)1;
	struct mc_json_error err;
	size_t len = strlen(b->text);
	int rc;

	if (!strcmp(b->text, "[1]")) /* the embedded-NUL row */
		len = 4;
	rc = mc_json_parse(b->text, len, NULL, &doc, &err);
	ck_assert_msg(rc == -EINVAL, "row %d: rc %d for %s", _i, rc, b->text);
	ck_assert_ptr_null(doc);
	ck_assert_msg(err.line == b->line && err.col == b->col && strstr(err.msg, b->msg),
		      "row %d (%s): got %u:%u \"%s\", want %u:%u \"%s\"", _i, b->text, err.line,
		      err.col, err.msg, b->line, b->col, b->msg);
}
END_TEST

START_TEST(test_depth)
{
	struct mc_json_opts opts = { .max_depth = 3 };
	struct mc_json_doc *doc = NULL;
	struct mc_json_error err;
	char deep[2 * MC_JSON_DEFAULT_DEPTH + 3];
	int n = MC_JSON_DEFAULT_DEPTH;

	ck_assert_int_eq(mc_json_parse("[[{\"a\":[]}]]", 12, &opts, &doc, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "nesting deeper than 3 levels");
	ck_assert_uint_eq(err.col, 8);
	ck_assert_int_eq(mc_json_parse("[[{\"a\":1}]]", 11, &opts, &doc, &err), 0);
	mc_json_free(doc);

	/* Exactly the default depth parses, one more does not. */
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	ck_assert_int_eq(mc_json_parse(deep, 2 * (size_t)n, NULL, &doc, &err), 0);
	mc_json_free(doc);
	memset(deep, '[', (size_t)n + 1);
	memset(deep + n + 1, ']', (size_t)n + 1);
	ck_assert_int_eq(mc_json_parse(deep, 2 * (size_t)n + 2, NULL, &doc, &err), -EINVAL);
	ck_assert(strstr(err.msg, "nesting deeper"));

	/* A huge depth request is capped rather than overflowing the C stack. */
	{
		size_t big = 200000;
		char *buf = malloc(big);

		opts.max_depth = ~0u;
		memset(buf, '[', big);
		ck_assert_int_eq(mc_json_parse(buf, big, &opts, &doc, &err), -EINVAL);
		ck_assert(strstr(err.msg, "nesting deeper than 1024"));
		free(buf);
	}
}
END_TEST

START_TEST(test_alloc_limit)
{
	struct mc_json_opts opts = { .max_alloc = 256 << 10 };
	struct mc_json_doc *doc = NULL;
	struct mc_json_error err;
	size_t n = 200000, len = 0;
	char *buf = malloc(3 * n + 8);

	/* 200k numbers: far more tree than 256 KiB allows. */
	buf[len++] = '[';
	for (size_t i = 0; i < n; i++) {
		buf[len++] = '1';
		buf[len++] = ',';
	}
	buf[len - 1] = ']';
	ck_assert_int_eq(mc_json_parse(buf, len, &opts, &doc, &err), -E2BIG);
	ck_assert_ptr_null(doc);
	ck_assert(strstr(err.msg, "memory"));
	/* The same input within the default limit is fine. */
	ck_assert_int_eq(mc_json_parse(buf, len, NULL, &doc, &err), 0);
	ck_assert_uint_eq(mc_json_count(mc_json_root(doc)), n);
	mc_json_free(doc);
	free(buf);
}
END_TEST

/* Every proper prefix of a valid document is invalid, with a position inside it. */
START_TEST(test_truncated)
{
	static const char text[] =
		"{\"schema\": 1, \"s\": \"a\\u00e9\\ud83d\\ude00\", \"n\": -12.5e3,"
		" \"l\": [true, false, null, {}], \"o\": {\"k\": []}}";
	size_t len = strlen(text);

	for (size_t n = 0; n < len; n++) {
		struct mc_json_doc *doc = NULL;
		struct mc_json_error err;
		int rc = mc_json_parse(text, n, NULL, &doc, &err);

		ck_assert_msg(rc == -EINVAL, "prefix %zu parsed (rc %d)", n, rc);
		ck_assert_msg(err.offset <= n && err.line == 1 && err.col >= 1 && err.msg[0],
			      "prefix %zu: bad error %u:%u %s", n, err.line, err.col, err.msg);
	}
	mc_json_free(parse_ok(text));
}
END_TEST

START_TEST(test_random)
{
	static const char alphabet[] = "{}[]\",:\\ u0123456789abcdefeE+-.tnrl\n\xc3\xa9\xff";
	unsigned seed = 12345;

	for (int iter = 0; iter < 20000; iter++) {
		char buf[64];
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(buf));
		struct mc_json_doc *doc = NULL;
		struct mc_json_error err;
		int rc;

		for (size_t i = 0; i < len; i++)
			buf[i] = alphabet[rand_r(&seed) % (int)(sizeof(alphabet) - 1)];
		rc = mc_json_parse(buf, len, NULL, &doc, &err);
		ck_assert(rc == 0 || rc == -EINVAL);
		ck_assert(rc == 0 ? doc != NULL : (doc == NULL && err.line >= 1 && err.msg[0]));
		mc_json_free(doc);
	}
}
END_TEST

START_TEST(test_file)
{
	char path[] = "/tmp/mc_test_json_XXXXXX";
	struct mc_json_doc *doc = NULL;
	struct mc_json_error err;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	int64_t i;

	fputs("{\"summary\": {\"counts\": {\"fail\": 2}}}\n", f);
	fclose(f);
	ck_assert_int_eq(mc_json_parse_file(path, NULL, &doc, &err), 0);
	ck_assert_int_eq(mc_json_int(mc_json_path(mc_json_root(doc), "summary.counts.fail"), &i),
			 0);
	ck_assert_int_eq(i, 2);
	mc_json_free(doc);
	unlink(path);
	ck_assert_int_eq(mc_json_parse_file(path, NULL, &doc, &err), -ENOENT);
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(err.line, 0);
	ck_assert(strstr(err.msg, path));
}
END_TEST

START_TEST(test_utf8_decode)
{
	static const struct {
		const char *s;
		int n;
		uint32_t cp;
	} rows[] = {
		{ "A", 1, 'A' },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\x80", -1, 0 },
		{ "\xc1\xbf", -1, 0 },
		{ "\xe0\x9f\xbf", -1, 0 },
		{ "\xed\xbf\xbf", -1, 0 },
		{ "\xf0\x8f\xbf\xbf", -1, 0 },
		{ "\xf5\x80\x80\x80", -1, 0 },
		{ "\xe2\x82", -1, 0 },
		{ "\xe2\x28\xa1", -1, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t cp = 0;
		int n = mc_utf8_decode((const unsigned char *)rows[i].s, strlen(rows[i].s), &cp);

		ck_assert_msg(n == rows[i].n, "row %zu: %d", i, n);
		if (n > 0)
			ck_assert_uint_eq(cp, rows[i].cp);
	}
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_scalars);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_lookup);
	tcase_add_loop_test(tc, test_invalid, 0, (int)(sizeof(bad_docs) / sizeof(bad_docs[0])));
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_alloc_limit);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_random);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_utf8_decode);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(json_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Strict JSON DOM parser (see json.h). Recursive descent bounded by max_depth; every
 * node and string goes into one arena charged against max_alloc, children of an open
 * container wait on a shared scratch stack and are copied out when it closes. Objects
 * keep document order plus a key-sorted index, used for lookup and duplicate checks.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "json.h"

struct jmember {
	const char *key;
	size_t keylen;
	size_t koff; /* byte offset of the key, for duplicate-key errors */
	struct mc_json *val;
};

struct mc_json {
	uint8_t type;
	bool is_int;
	bool bval;
	uint32_t line, col;
	union {
		struct {
			double d;
			int64_t i;
		} num;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			struct mc_json **items;
			size_t n;
		} arr;
		struct {
			struct jmember *m;
			const struct jmember **sorted;
			size_t n;
		} obj;
	} u;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct mc_json_doc {
	struct mc_json *root;
	struct chunk *chunks;
};

#define CHUNK_MIN (64u << 10)
#define NUM_MAX 1024 /* longest number token accepted */

struct parser {
	const unsigned char *start, *p, *end;
	unsigned depth, max_depth;
	size_t used, budget;
	struct mc_json_doc *doc;
	struct jmember *stk; /* children of the open containers */
	size_t nstk, capstk;
	unsigned line;
	const unsigned char *line_start, *colp; /* colp: position whose column is col */
	unsigned col;
	struct mc_json_error *err;
	int rc;
};

/* Line and column of @at, counted from the start: only used once, on error. */
static void locate(const unsigned char *start, const unsigned char *at, unsigned *line,
		   unsigned *col)
{
	*line = 1;
	*col = 1;
	for (const unsigned char *q = start; q < at; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else if ((*q & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

__attribute__((format(printf, 4, 5))) static int fail(struct parser *P, const unsigned char *at,
						      int rc, const char *fmt, ...)
{
	va_list ap;

	if (P->rc)
		return -1;
	P->rc = rc;
	if (P->err) {
		P->err->offset = (size_t)(at - P->start);
		locate(P->start, at, &P->err->line, &P->err->col);
		va_start(ap, fmt);
		vsnprintf(P->err->msg, sizeof(P->err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Describe the byte at @q for an error message. */
static const char *show(const struct parser *P, const unsigned char *q, char buf[8])
{
	if (q >= P->end)
		return "end of input";
	if (*q >= 0x20 && *q < 0x7f)
		snprintf(buf, 8, "'%c'", *q);
	else
		snprintf(buf, 8, "\\x%02x", *q);
	return buf;
}

static void *arena_alloc(struct parser *P, size_t size)
{
	struct chunk *c = P->doc->chunks;
	size_t need = (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
	void *ret;

	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;

		if (P->used + cap + sizeof(*c) > P->budget) {
			fail(P, P->p, -E2BIG, "document needs more than %zu bytes of memory",
			     P->budget);
			return NULL;
		}
		c = malloc(sizeof(*c) + cap);
		if (!c) {
			fail(P, P->p, -ENOMEM, "out of memory");
			return NULL;
		}
		P->used += sizeof(*c) + cap;
		c->next = P->doc->chunks;
		c->used = 0;
		c->cap = cap;
		P->doc->chunks = c;
	}
	ret = (char *)c->data + c->used;
	c->used += need;
	return ret;
}

static struct mc_json *new_value(struct parser *P, enum mc_json_type t, const unsigned char *at)
{
	struct mc_json *v = arena_alloc(P, sizeof(*v));

	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->type = (uint8_t)t;
	/* Positions only move forward on one line, so the column is counted once. */
	if (P->colp < P->line_start || P->colp > at) {
		P->colp = P->line_start;
		P->col = 1;
	}
	for (; P->colp < at; P->colp++)
		if ((*P->colp & 0xc0) != 0x80)
			P->col++;
	v->line = P->line;
	v->col = P->col;
	return v;
}

static int push(struct parser *P, const struct jmember *m)
{
	if (P->nstk == P->capstk) {
		size_t ncap = P->capstk ? P->capstk * 2 : 64;
		size_t grow = (ncap - P->capstk) * sizeof(*P->stk);
		struct jmember *n;

		if (P->used + grow > P->budget)
			return fail(P, P->p, -E2BIG, "document needs more than %zu bytes of memory",
				    P->budget);
		n = realloc(P->stk, ncap * sizeof(*P->stk));
		if (!n)
			return fail(P, P->p, -ENOMEM, "out of memory");
		P->used += grow;
		P->stk = n;
		P->capstk = ncap;
	}
	P->stk[P->nstk++] = *m;
	return 0;
}

static void skip_ws(struct parser *P)
{
	for (; P->p < P->end; P->p++) {
		if (*P->p == '\n') {
			P->line++;
			P->line_start = P->p + 1;
		} else if (*P->p != ' ' && *P->p != '\t' && *P->p != '\r') {
			break;
		}
	}
}

int mc_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t c;
	int n;

	if (!len)
		return -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return -1;
	}
	if (len < (size_t)n)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

static char *put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		*o++ = (char)c;
	} else if (c < 0x800) {
		*o++ = (char)(0xc0 | c >> 6);
		*o++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*o++ = (char)(0xe0 | c >> 12);
		*o++ = (char)(0x80 | (c >> 6 & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xf0 | c >> 18);
		*o++ = (char)(0x80 | (c >> 12 & 0x3f));
		*o++ = (char)(0x80 | (c >> 6 & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	return o;
}

/* Four hex digits at @q into *@out; -1 when they are not all hex. */
static int hex4(const struct parser *P, const unsigned char *q, uint32_t *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		int d;

		if (q + i >= P->end)
			return -1;
		if (q[i] >= '0' && q[i] <= '9')
			d = q[i] - '0';
		else if ((q[i] | 0x20) >= 'a' && (q[i] | 0x20) <= 'f')
			d = (q[i] | 0x20) - 'a' + 10;
		else
			return -1;
		*out = *out << 4 | (uint32_t)d;
	}
	return 0;
}

/* One \-escape at P->p (on the backslash) appended at *@o. */
static int parse_escape(struct parser *P, char **o)
{
	const unsigned char *q = P->p;
	uint32_t c, lo;
	char buf[8];

	if (q + 1 >= P->end)
		return fail(P, q, -EINVAL, "unterminated string");
	switch (q[1]) {
	case '"':
	case '\\':
	case '/':
		*(*o)++ = (char)q[1];
		P->p += 2;
		return 0;
	case 'b':
		*(*o)++ = '\b';
		P->p += 2;
		return 0;
	case 'f':
		*(*o)++ = '\f';
		P->p += 2;
		return 0;
	case 'n':
		*(*o)++ = '\n';
		P->p += 2;
		return 0;
	case 'r':
		*(*o)++ = '\r';
		P->p += 2;
		return 0;
	case 't':
		*(*o)++ = '\t';
		P->p += 2;
		return 0;
	case 'u': break;
	default:
		return fail(P, q, -EINVAL, "invalid escape: backslash followed by %s",
			    show(P, q + 1, buf));
	}
	if (hex4(P, q + 2, &c))
		return fail(P, q, -EINVAL, "\\u must be followed by four hex digits");
	P->p += 6;
	if (c >= 0xdc00 && c <= 0xdfff)
		return fail(P, q, -EINVAL, "lone low surrogate \\u%04X in string", c);
	if (c >= 0xd800 && c <= 0xdbff) {
		if (P->end - P->p < 6 || P->p[0] != '\\' || P->p[1] != 'u' ||
		    hex4(P, P->p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return fail(P, q, -EINVAL,
				    "high surrogate \\u%04X not followed by a low surrogate", c);
		c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		P->p += 6;
	}
	*o = put_utf8(*o, c);
	return 0;
}

/* String at P->p (on the quote): decoded into the arena, NUL-terminated. */
static int parse_string(struct parser *P, const char **out, size_t *outlen)
{
	const unsigned char *q = P->p + 1;
	char *s, *o;

	/* Find the closing quote first: the decoded text is never longer than the raw. */
	while (q < P->end && *q != '"')
		q += (*q == '\\' && P->end - q > 1) ? 2 : 1;
	if (q >= P->end)
		return fail(P, P->p, -EINVAL, "unterminated string");
	s = arena_alloc(P, (size_t)(q - P->p));
	if (!s)
		return -1;
	o = s;
	P->p++;
	while (*P->p != '"') {
		uint32_t c;
		int n;

		if (*P->p == '\\') {
			if (parse_escape(P, &o))
				return -1;
			continue;
		}
		if (*P->p < 0x20)
			return fail(P, P->p, -EINVAL,
				    "control character \\x%02x in string (escape it as \\u%04x)",
				    *P->p, *P->p);
		n = mc_utf8_decode(P->p, (size_t)(P->end - P->p), &c);
		if (n < 0)
			return fail(P, P->p, -EINVAL, "invalid UTF-8 byte \\x%02x in string",
				    *P->p);
		memcpy(o, P->p, (size_t)n);
		o += n;
		P->p += n;
	}
	P->p++;
	*o = '\0';
	*out = s;
	*outlen = (size_t)(o - s);
	return 0;
}

static bool is_digit(const struct parser *P, const unsigned char *q)
{
	return q < P->end && *q >= '0' && *q <= '9';
}

static int parse_number(struct parser *P, struct mc_json *v)
{
	const unsigned char *s = P->p, *q = P->p;
	char buf[NUM_MAX + 1], *e;
	bool integral = true;
	size_t n;

	if (*q == '-')
		q++;
	if (!is_digit(P, q))
		return fail(P, q, -EINVAL, "expected a digit in number");
	if (*q == '0' && is_digit(P, q + 1))
		return fail(P, s, -EINVAL, "leading zeros are not allowed in numbers");
	while (is_digit(P, q))
		q++;
	if (q < P->end && *q == '.') {
		integral = false;
		if (!is_digit(P, ++q))
			return fail(P, q, -EINVAL, "expected a digit after the decimal point");
		while (is_digit(P, q))
			q++;
	}
	if (q < P->end && (*q == 'e' || *q == 'E')) {
		integral = false;
		q++;
		if (q < P->end && (*q == '+' || *q == '-'))
			q++;
		if (!is_digit(P, q))
			return fail(P, q, -EINVAL, "expected a digit in the exponent");
		while (is_digit(P, q))
			q++;
	}
	n = (size_t)(q - s);
	if (n > NUM_MAX)
		return fail(P, s, -EINVAL, "number longer than %d characters", NUM_MAX);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!integral) { /* strtod follows LC_NUMERIC */
		char dp = localeconv()->decimal_point[0];

		for (char *c = buf; *c && dp != '.'; c++)
			if (*c == '.')
				*c = dp;
	}
	v->u.num.d = strtod(buf, &e);
	if (v->u.num.d > DBL_MAX || v->u.num.d < -DBL_MAX)
		return fail(P, s, -EINVAL, "number out of range");
	if (integral) {
		errno = 0;
		v->u.num.i = strtoll(buf, &e, 10);
		v->is_int = errno != ERANGE;
	}
	P->p = q;
	return 0;
}

static int parse_value(struct parser *P, struct mc_json **out);

static int open_container(struct parser *P)
{
	if (++P->depth > P->max_depth)
		return fail(P, P->p, -EINVAL, "nesting deeper than %u levels", P->max_depth);
	P->p++;
	skip_ws(P);
	return 0;
}

static int parse_array(struct parser *P, struct mc_json *v)
{
	size_t base = P->nstk, n;

	if (open_container(P))
		return -1;
	if (P->p < P->end && *P->p == ']')
		goto done;
	for (;;) {
		struct jmember m = { 0 };
		char buf[8];

		if (parse_value(P, &m.val) || push(P, &m))
			return -1;
		skip_ws(P);
		if (P->p < P->end && *P->p == ']')
			break;
		if (P->p >= P->end || *P->p != ',')
			return fail(P, P->p, -EINVAL,
				    "expected ',' or ']' after array element, got %s",
				    show(P, P->p, buf));
		P->p++;
		skip_ws(P);
		if (P->p < P->end && *P->p == ']')
			return fail(P, P->p, -EINVAL, "trailing comma before ']'");
	}
done:
	n = P->nstk - base;
	if (n) {
		v->u.arr.items = arena_alloc(P, n * sizeof(*v->u.arr.items));
		if (!v->u.arr.items)
			return -1;
		for (size_t i = 0; i < n; i++)
			v->u.arr.items[i] = P->stk[base + i].val;
	}
	v->u.arr.n = n;
	P->nstk = base;
	P->p++;
	P->depth--;
	return 0;
}

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? r : (alen > blen) - (alen < blen);
}

static int member_cmp(const void *a, const void *b)
{
	const struct jmember *x = *(const struct jmember *const *)a;
	const struct jmember *y = *(const struct jmember *const *)b;

	return key_cmp(x->key, x->keylen, y->key, y->keylen);
}

/* Copy the members waiting above @base into @v and index them by key. */
static int close_object(struct parser *P, struct mc_json *v, size_t base)
{
	size_t n = P->nstk - base;

	v->u.obj.n = n;
	if (!n)
		return 0;
	v->u.obj.m = arena_alloc(P, n * sizeof(*v->u.obj.m));
	v->u.obj.sorted = v->u.obj.m ? arena_alloc(P, n * sizeof(*v->u.obj.sorted)) : NULL;
	if (!v->u.obj.sorted)
		return -1;
	memcpy(v->u.obj.m, P->stk + base, n * sizeof(*v->u.obj.m));
	for (size_t i = 0; i < n; i++)
		v->u.obj.sorted[i] = &v->u.obj.m[i];
	qsort(v->u.obj.sorted, n, sizeof(*v->u.obj.sorted), member_cmp);
	for (size_t i = 1; i < n; i++) {
		const struct jmember *a = v->u.obj.sorted[i - 1], *b = v->u.obj.sorted[i];

		if (!member_cmp(&a, &b)) {
			const struct jmember *later = a->koff > b->koff ? a : b;

			return fail(P, P->start + later->koff, -EINVAL,
				    "duplicate key \"%.60s\" in object", later->key);
		}
	}
	return 0;
}

static int parse_object(struct parser *P, struct mc_json *v)
{
	size_t base = P->nstk;
	char buf[8];

	if (open_container(P))
		return -1;
	if (P->p < P->end && *P->p == '}')
		goto done;
	for (;;) {
		struct jmember m = { .koff = (size_t)(P->p - P->start) };

		if (P->p >= P->end || *P->p != '"')
			return fail(P, P->p, -EINVAL, "expected a string key, got %s",
				    show(P, P->p, buf));
		if (parse_string(P, &m.key, &m.keylen))
			return -1;
		skip_ws(P);
		if (P->p >= P->end || *P->p != ':')
			return fail(P, P->p, -EINVAL, "expected ':' after key, got %s",
				    show(P, P->p, buf));
		P->p++;
		skip_ws(P);
		if (parse_value(P, &m.val) || push(P, &m))
			return -1;
		skip_ws(P);
		if (P->p < P->end && *P->p == '}')
			break;
		if (P->p >= P->end || *P->p != ',')
			return fail(P, P->p, -EINVAL, "expected ',' or '}' after member, got %s",
				    show(P, P->p, buf));
		P->p++;
		skip_ws(P);
		if (P->p < P->end && *P->p == '}')
			return fail(P, P->p, -EINVAL, "trailing comma before '}'");
	}
done:
	if (close_object(P, v, base))
		return -1;
	P->nstk = base;
	P->p++;
	P->depth--;
	return 0;
}

static int parse_literal(struct parser *P, const char *word)
{
	size_t n = strlen(word);
	const unsigned char *q = P->p + n;

	if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) ||
	    (q < P->end && ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z')))
		return fail(P, P->p, -EINVAL, "invalid literal (expected %s)", word);
	P->p = q;
	return 0;
}

static int parse_value(struct parser *P, struct mc_json **out)
{
	unsigned char c = P->p < P->end ? *P->p : 0;
	struct mc_json *v;
	char buf[8];

	if (P->p >= P->end)
		return fail(P, P->p, -EINVAL, "unexpected end of input, expected a value");
	switch (c) {
	case '{': v = new_value(P, MC_JSON_OBJECT, P->p); break;
	case '[': v = new_value(P, MC_JSON_ARRAY, P->p); break;
	case '"': v = new_value(P, MC_JSON_STRING, P->p); break;
	case 't':
	case 'f': v = new_value(P, MC_JSON_BOOL, P->p); break;
	case 'n': v = new_value(P, MC_JSON_NULL, P->p); break;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			v = new_value(P, MC_JSON_NUMBER, P->p);
			break;
		}
		return fail(P, P->p, -EINVAL, "unexpected %s, expected a value",
			    show(P, P->p, buf));
	}
	if (!v)
		return -1;
	*out = v;
	switch (c) {
	case '{': return parse_object(P, v);
	case '[': return parse_array(P, v);
	case '"': return parse_string(P, &v->u.str.s, &v->u.str.len);
	case 't': v->bval = true; return parse_literal(P, "true");
	case 'f': return parse_literal(P, "false");
	case 'n': return parse_literal(P, "null");
	default: return parse_number(P, v);
	}
}

void mc_json_free(struct mc_json_doc *doc)
{
	struct chunk *c, *next;

	if (!doc)
		return;
	for (c = doc->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(doc);
}

int mc_json_parse(const char *buf, size_t len, const struct mc_json_opts *opts,
		  struct mc_json_doc **doc, struct mc_json_error *err)
{
	struct parser P = {
		.start = (const unsigned char *)buf,
		.p = (const unsigned char *)buf,
		.end = (const unsigned char *)buf + len,
		.max_depth = opts && opts->max_depth ? opts->max_depth : MC_JSON_DEFAULT_DEPTH,
		.budget = opts && opts->max_alloc ? opts->max_alloc : MC_JSON_DEFAULT_ALLOC,
		.line = 1,
		.line_start = (const unsigned char *)buf,
		.colp = (const unsigned char *)buf,
		.col = 1,
		.err = err,
	};

	*doc = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	if (P.max_depth > MC_JSON_MAX_DEPTH)
		P.max_depth = MC_JSON_MAX_DEPTH;
	P.doc = calloc(1, sizeof(*P.doc));
	if (!P.doc) {
		fail(&P, P.p, -ENOMEM, "out of memory");
		return P.rc;
	}
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		fail(&P, P.p, -EINVAL, "byte order mark not allowed");
	else if (skip_ws(&P), P.p >= P.end)
		fail(&P, P.p, -EINVAL, "empty document");
	else if (!parse_value(&P, &P.doc->root) && (skip_ws(&P), P.p < P.end))
		fail(&P, P.p, -EINVAL, "unexpected content after the document");
	free(P.stk);
	if (P.rc) {
		mc_json_free(P.doc);
		return P.rc;
	}
	*doc = P.doc;
	return 0;
}

int mc_json_parse_file(const char *path, const struct mc_json_opts *opts, struct mc_json_doc **doc,
		       struct mc_json_error *err)
{
	size_t cap = opts && opts->max_alloc ? opts->max_alloc : MC_JSON_DEFAULT_ALLOC;
	size_t len = 0;
	char *buf = NULL;
	int rc;

	*doc = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	rc = mc_file_read(path, cap, 0, &buf, &len); /* a regular file: a FIFO never blocks */
	if (!rc) {
		rc = mc_json_parse(buf, len, opts, doc, err);
		free(buf);
		return rc;
	}
	rc = rc == -EFBIG ? -E2BIG : rc;
	if (err)
		snprintf(err->msg, sizeof(err->msg), "cannot read %s: %s", path,
			 rc == -E2BIG ? "file larger than the memory limit" : mc_file_strerror(rc));
	return rc;
}

const struct mc_json *mc_json_root(const struct mc_json_doc *doc)
{
	return doc ? doc->root : NULL;
}

enum mc_json_type mc_json_type(const struct mc_json *v)
{
	return v ? (enum mc_json_type)v->type : MC_JSON_NULL;
}

bool mc_json_is(const struct mc_json *v, enum mc_json_type t)
{
	return v && v->type == t;
}

unsigned mc_json_line(const struct mc_json *v)
{
	return v ? v->line : 0;
}

unsigned mc_json_col(const struct mc_json *v)
{
	return v ? v->col : 0;
}

static const struct mc_json *get_n(const struct mc_json *v, const char *key, size_t klen)
{
	size_t lo = 0, hi;

	if (!mc_json_is(v, MC_JSON_OBJECT))
		return NULL;
	hi = v->u.obj.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct jmember *m = v->u.obj.sorted[mid];
		int r = key_cmp(m->key, m->keylen, key, klen);

		if (!r)
			return m->val;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct mc_json *mc_json_get(const struct mc_json *v, const char *key)
{
	return key ? get_n(v, key, strlen(key)) : NULL;
}

const struct mc_json *mc_json_path(const struct mc_json *v, const char *path)
{
	while (v && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (v->type == MC_JSON_ARRAY) {
			size_t idx = 0, i;

			for (i = 0; i < n && path[i] >= '0' && path[i] <= '9' && idx < (1u << 30);
			     i++)
				idx = idx * 10 + (size_t)(path[i] - '0');
			v = (n && i == n) ? mc_json_at(v, idx) : NULL;
		} else {
			v = get_n(v, path, n);
		}
		path = dot ? dot + 1 : NULL;
	}
	return v;
}

size_t mc_json_count(const struct mc_json *v)
{
	if (mc_json_is(v, MC_JSON_ARRAY))
		return v->u.arr.n;
	if (mc_json_is(v, MC_JSON_OBJECT))
		return v->u.obj.n;
	return 0;
}

const struct mc_json *mc_json_at(const struct mc_json *v, size_t i)
{
	return mc_json_is(v, MC_JSON_ARRAY) && i < v->u.arr.n ? v->u.arr.items[i] : NULL;
}

const struct mc_json *mc_json_member(const struct mc_json *v, size_t i, const char **key)
{
	if (!mc_json_is(v, MC_JSON_OBJECT) || i >= v->u.obj.n)
		return NULL;
	if (key)
		*key = v->u.obj.m[i].key;
	return v->u.obj.m[i].val;
}

const char *mc_json_string(const struct mc_json *v, size_t *len)
{
	if (!mc_json_is(v, MC_JSON_STRING))
		return NULL;
	if (len)
		*len = v->u.str.len;
	return v->u.str.s;
}

int mc_json_bool(const struct mc_json *v, bool *out)
{
	if (!mc_json_is(v, MC_JSON_BOOL))
		return -EINVAL;
	*out = v->bval;
	return 0;
}

int mc_json_number(const struct mc_json *v, double *out)
{
	if (!mc_json_is(v, MC_JSON_NUMBER))
		return -EINVAL;
	*out = v->u.num.d;
	return 0;
}

int mc_json_int(const struct mc_json *v, int64_t *out)
{
	double d;

	if (!mc_json_is(v, MC_JSON_NUMBER))
		return -EINVAL;
	if (v->is_int) {
		*out = v->u.num.i;
		return 0;
	}
	d = v->u.num.d;
	/* Exact only inside +-2^53; beyond that a double has lost the digits anyway. */
	if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || (double)(int64_t)d != d)
		return -EINVAL;
	*out = (int64_t)d;
	return 0;
}

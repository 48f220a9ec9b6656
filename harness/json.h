/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small strict JSON (RFC 8259) DOM parser for reading migcheck's own files back:
 * report.json, expected-verdict files, bundle manifests. Input is a buffer; the whole
 * tree lives in one arena owned by struct mc_json_doc, bounded in depth and in bytes.
 * Errors carry line:column so a hand-edited file can be fixed.
 */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_json;	    /* one value; valid while its document lives */
struct mc_json_doc; /* owns every value and string of one parse */

enum mc_json_type {
	MC_JSON_NULL = 0,
	MC_JSON_BOOL,
	MC_JSON_NUMBER,
	MC_JSON_STRING,
	MC_JSON_ARRAY,
	MC_JSON_OBJECT,
};

#define MC_JSON_DEFAULT_DEPTH 64
#define MC_JSON_DEFAULT_ALLOC (64u << 20)
#define MC_JSON_MAX_DEPTH 1024

/* Limits for one parse; pass NULL to mc_json_parse() for the defaults. 0 = default. */
struct mc_json_opts {
	unsigned max_depth; /* nesting of arrays/objects; capped at MC_JSON_MAX_DEPTH */
	size_t max_alloc;   /* bytes the document (tree, strings, scratch) may use */
};

/* Where and why a parse failed. line and col are 1-based; col counts characters. */
struct mc_json_error {
	unsigned line;
	unsigned col;
	size_t offset; /* byte offset into the buffer */
	char msg[160];
};

/*
 * mc_json_parse: parse @len bytes at @buf (no NUL needed; an embedded NUL is an error)
 * as exactly one JSON value surrounded by optional whitespace. Strict: no comments,
 * no trailing commas, no BOM, no NaN/Infinity, no lone surrogates, no invalid UTF-8,
 * no duplicate keys in one object. On success returns 0 and *@doc (free with
 * mc_json_free). On failure returns -EINVAL (syntax, depth), -E2BIG (max_alloc
 * exceeded) or -ENOMEM, leaves *@doc NULL and fills @err (may be NULL).
 */
int mc_json_parse(const char *buf, size_t len, const struct mc_json_opts *opts,
		  struct mc_json_doc **doc, struct mc_json_error *err);
/*
 * mc_json_parse_file: read @path (at most opts->max_alloc bytes) and parse it. A read
 * failure returns -errno with line 0 and the reason in @err->msg; @path must be a
 * regular file (file.h: a FIFO or device is -EINVAL, a directory -EISDIR, never read).
 */
int mc_json_parse_file(const char *path, const struct mc_json_opts *opts, struct mc_json_doc **doc,
		       struct mc_json_error *err);
/* Release @doc and every value in it; NULL is allowed. */
void mc_json_free(struct mc_json_doc *doc);
/* The top-level value; never NULL for a parsed document. */
const struct mc_json *mc_json_root(const struct mc_json_doc *doc);

/* Accessors. Every one accepts NULL for @v and then answers "absent" (NULL, 0, -EINVAL). */
enum mc_json_type mc_json_type(const struct mc_json *v);       /* NULL -> MC_JSON_NULL */
bool mc_json_is(const struct mc_json *v, enum mc_json_type t); /* false for NULL @v */
unsigned mc_json_line(const struct mc_json *v);		       /* where @v starts; 0 for NULL */
unsigned mc_json_col(const struct mc_json *v);

/* Member @key of object @v (keys compare bytewise); NULL when absent or not an object. */
const struct mc_json *mc_json_get(const struct mc_json *v, const char *key);
/*
 * Follow a dotted path from @v: "summary.counts.fail", "cases.3.status" (a number
 * component indexes an array). NULL when any step is missing.
 */
const struct mc_json *mc_json_path(const struct mc_json *v, const char *path);
/* Number of elements (array) or members (object); 0 for anything else. */
size_t mc_json_count(const struct mc_json *v);
/* Element @i of array @v, or NULL. */
const struct mc_json *mc_json_at(const struct mc_json *v, size_t i);
/* Member @i of object @v in document order; *@key (may be NULL) gets its key. */
const struct mc_json *mc_json_member(const struct mc_json *v, size_t i, const char **key);

/*
 * String value of @v, NUL-terminated, or NULL when @v is not a string. *@len (may be
 * NULL) gets the byte length, which is authoritative when the string holds "\u0000".
 */
const char *mc_json_string(const struct mc_json *v, size_t *len);
/* 0 and *@out, or -EINVAL when @v is not of that type. */
int mc_json_bool(const struct mc_json *v, bool *out);
int mc_json_number(const struct mc_json *v, double *out);
/* 0 when @v is a number with an exact int64 value (no fraction; 1e3 counts), else -EINVAL. */
int mc_json_int(const struct mc_json *v, int64_t *out);

/*
 * mc_utf8_decode: decode one UTF-8 sequence at @s (@len bytes available). Returns its
 * length (1-4) and the code point in *@cp, or -1 when the bytes at @s are not a valid,
 * shortest-form sequence of a scalar value (then skip one byte).
 */
int mc_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif /* MC_JSON_H */

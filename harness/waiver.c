// SPDX-License-Identifier: GPL-2.0-only
/*
 * Waiver files: parsing (strict, with file:line messages), lookup, and applying them to
 * a report. Only a device's own deviations can be waived (fail, warn); a harness error
 * never is, and a pass stays a pass whatever the file says.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "file.h"
#include "report.h"
#include "waiver.h"

#define WAIVER_FILE_MAX (1u << 20)

__attribute__((format(printf, 3, 4))) static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err && len)
		vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* GROUP-NN: upper-case letters, a dash, two digits. */
static bool clause_id_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isupper((unsigned char)s[i]))
		i++;
	return i > 0 && i + 3 == n && s[i] == '-' && isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]);
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* One non-comment line [p, end) into @w. */
static int parse_line(const char *p, const char *end, struct mc_waiver *w, const char *name,
		      unsigned line, char *err, size_t len)
{
	const char *id = p, *ref, *rend = end;
	size_t n;

	while (p < end && *p != ' ' && *p != '\t')
		p++;
	if (!clause_id_ok(id, (size_t)(p - id)))
		return bad(err, len, "%s:%u: '%.*s' is not a clause ID (like RES-04)", name, line,
			   (int)(p - id > 40 ? 40 : p - id), id);
	snprintf(w->clause, sizeof(w->clause), "%.*s", (int)(p - id), id);
	while (rend > p && (rend[-1] == ' ' || rend[-1] == '\t' || rend[-1] == '\r'))
		rend--;
	for (ref = rend; ref > p && ref[-1] != ' ' && ref[-1] != '\t'; ref--)
		;
	if (rend - ref < 5 || strncmp(ref, "ref=", 4))
		return bad(err, len, "%s:%u: %s: the line must end with ref=<URL or ticket>", name,
			   line, w->clause);
	snprintf(w->ref, sizeof(w->ref), "%.*s", (int)(rend - ref - 4), ref + 4);
	p = skip_space(p, ref);
	n = (size_t)(ref - p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!n)
		return bad(err, len, "%s:%u: %s: no reason given", name, line, w->clause);
	if (n >= sizeof(w->reason))
		return bad(err, len, "%s:%u: %s: the reason is longer than %zu bytes", name, line,
			   w->clause, sizeof(w->reason) - 1);
	snprintf(w->reason, sizeof(w->reason), "%.*s", (int)n, p);
	w->line = line;
	return 0;
}

int mc_waivers_parse(const char *buf, size_t len, const char *name, struct mc_waivers *out,
		     char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->source, sizeof(out->source), "%s", name);
	if (memchr(buf, '\0', len))
		return bad(err, errlen, "%s: contains a NUL byte (not a text file)", name);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
		struct mc_waiver w = { 0 }, *grown;

		if (!eol)
			eol = end;
		line++;
		q = skip_space(p, eol);
		if (q == eol || *q == '#' || (*q == '\r' && q + 1 == eol)) {
			p = eol + (eol < end);
			continue;
		}
		rc = parse_line(q, eol, &w, name, line, err, errlen);
		if (!rc && mc_waiver_find(out, w.clause))
			rc = bad(err, errlen, "%s:%u: %s is waived twice", name, line, w.clause);
		if (rc)
			goto out_free;
		grown = realloc(out->w, (size_t)(out->n + 1) * sizeof(*grown));
		if (!grown) {
			rc = -ENOMEM;
			snprintf(err, errlen, "%s: out of memory", name);
			goto out_free;
		}
		out->w = grown;
		out->w[out->n++] = w;
		p = eol + (eol < end);
	}
	return 0;

out_free:
	mc_waivers_free(out);
	return rc;
}

int mc_waivers_load(const char *path, struct mc_waivers *out, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = mc_file_read(path, WAIVER_FILE_MAX, 0, &buf, &n);
	if (rc == -EFBIG)
		return bad(err, errlen, "%s: larger than %u bytes", path, WAIVER_FILE_MAX);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, mc_file_strerror(rc));
		return rc;
	}
	rc = mc_waivers_parse(buf, n, path, out, err, errlen);
	free(buf);
	return rc;
}

void mc_waivers_free(struct mc_waivers *w)
{
	if (!w)
		return;
	free(w->w);
	w->w = NULL;
	w->n = 0;
}

int mc_waivers_validate(const struct mc_waivers *w, char *err, size_t errlen)
{
	for (int i = 0; w && i < w->n; i++)
		if (!mc_clause_find(w->w[i].clause))
			return bad(err, errlen, "%s:%u: %s is not a clause (see migcheck clauses)",
				   w->source, w->w[i].line, w->w[i].clause);
	return 0;
}

const struct mc_waiver *mc_waiver_find(const struct mc_waivers *w, const char *clause_id)
{
	for (int i = 0; w && clause_id && i < w->n; i++)
		if (!strcmp(w->w[i].clause, clause_id))
			return &w->w[i];
	return NULL;
}

const struct mc_waiver *mc_waiver_for(const struct mc_waivers *w, const struct mc_case_result *r)
{
	const struct mc_clause *cl = mc_case_charged(r);

	if (!cl || (r->status != MC_FAIL && r->status != MC_WARN))
		return NULL;
	return mc_waiver_find(w, cl->id);
}

int mc_waivers_apply(struct mc_report *rep, const struct mc_waivers *w, char *err, size_t errlen)
{
	for (int i = 0; w && i < w->n; i++) {
		bool known = false;

		for (int c = 0; c < rep->nclauses && !known; c++)
			known = !strcmp(rep->clauses[c].clause->id, w->w[i].clause);
		if (!known)
			return bad(err, errlen, "%s:%u: %s is not a clause of this report",
				   w->source, w->w[i].line, w->w[i].clause);
	}
	rep->waivers = w && w->n ? w : NULL;
	for (int i = 0; i < rep->ncases; i++)
		rep->cases[i].waiver = mc_waiver_for(rep->waivers, &rep->cases[i]);
	mc_report_recount(rep);
	rep->exit_code = mc_report_exit_code(rep);
	return 0;
}

void mc_waivers_write(FILE *f, const struct mc_waivers *w)
{
	fputs("# migcheck waivers: CLAUSE  reason  ref=URL-or-ticket\n", f);
	for (int i = 0; w && i < w->n; i++)
		fprintf(f, "%-8s %s  ref=%s\n", w->w[i].clause, w->w[i].reason, w->w[i].ref);
}

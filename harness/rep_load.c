// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.json -> struct mc_report. Every member the renderers use is checked for its
 * type and size; members this build does not know are ignored (the schema grows
 * additively). Messages name the member, e.g. "cases[12].metrics[0].p50: not a number".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "errname.h"
#include "num.h"
#include "rep_load.h"
#include "rep_scope.h"
#include "report.h"
#include "waiver.h"

struct loaded {
	struct mc_report rep;	 /* first: the handle callers get */
	struct mc_json_doc *doc; /* owned, when loaded from a file */
	struct mc_clause *tab;	 /* the run's clause rows, terminated by id NULL */
	struct mc_waivers waivers;
};

struct ld {
	char *err;
	size_t errlen;
	char where[96]; /* "cases[3]" */
};

__attribute__((format(printf, 2, 3))) static int bad(struct ld *l, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	n = (size_t)snprintf(l->err, l->errlen, "%s%s", l->where, l->where[0] ? "." : "");
	if (n >= l->errlen)
		n = l->errlen ? l->errlen - 1 : 0;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A string member; NULL (and an error) when absent or another type, unless @opt. */
static const char *str(struct ld *l, const struct mc_json *o, const char *key, bool opt, int *rc)
{
	const struct mc_json *v = mc_json_get(o, key);
	size_t n;
	const char *s = mc_json_string(v, &n);

	if (s && strlen(s) == n)
		return s;
	if (!v && opt)
		return "";
	if (!*rc)
		*rc = bad(l, "%s: %s", key,
			  !v ? "missing" :
			  s  ? "contains a NUL character" :
			       "not a string");
	return "";
}

/* Copy a string member into a fixed buffer; an overlong value is an error. */
static void copy(struct ld *l, const struct mc_json *o, const char *key, bool opt, char *dst,
		 size_t len, int *rc)
{
	const char *s = str(l, o, key, opt, rc);

	if (strlen(s) >= len && !*rc)
		*rc = bad(l, "%s: longer than %zu bytes", key, len - 1);
	snprintf(dst, len, "%s", s);
}

static const char *str_or_null(struct ld *l, const struct mc_json *o, const char *key, int *rc)
{
	const struct mc_json *v = mc_json_get(o, key);

	if (mc_json_is(v, MC_JSON_NULL))
		return NULL;
	return str(l, o, key, false, rc);
}

static bool boolean(struct ld *l, const struct mc_json *o, const char *key, int *rc)
{
	bool b = false;

	if (mc_json_bool(mc_json_get(o, key), &b) && !*rc)
		*rc = bad(l, "%s: missing or not true/false", key);
	return b;
}

static int64_t integer(struct ld *l, const struct mc_json *o, const char *key, int64_t min, int *rc)
{
	int64_t v = 0;

	if (mc_json_int(mc_json_get(o, key), &v) || v < min) {
		if (!*rc)
			*rc = bad(l, "%s: missing or not an integer >= %" PRId64, key, min);
		return min;
	}
	return v;
}

static const struct mc_json *object(struct ld *l, const struct mc_json *o, const char *key, int *rc)
{
	const struct mc_json *v = mc_json_get(o, key);

	if (!mc_json_is(v, MC_JSON_OBJECT) && !*rc)
		*rc = bad(l, "%s: missing or not an object", key);
	return v;
}

/*
 * run.cases_dir and run.cases_total, which reports before them lack: absent is NULL and
 * 0 ("not recorded"; mc_report_scope() then infers what it can from run.only).
 */
static void load_scope_inputs(struct ld *l, const struct mc_json *run, struct mc_run_info *in,
			      int *rc)
{
	const struct mc_json *t = mc_json_get(run, "cases_total");
	int64_t total = 0;

	in->cases_dir = mc_json_get(run, "cases_dir") ? str_or_null(l, run, "cases_dir", rc) : NULL;
	if (mc_json_get(run, "profiles"))
		copy(l, run, "profiles", false, in->profiles, sizeof(in->profiles), rc);
	if (t && !mc_json_is(t, MC_JSON_NULL))
		total = integer(l, run, "cases_total", 1, rc);
	if (total > 1 << 24 && !*rc)
		*rc = bad(l, "run.cases_total: more than %d", 1 << 24);
	in->cases_total = *rc ? 0 : (int)total;
}

/* A probe's answer as written: "ok" or an errno name, into *@out (0 or -errno). */
static void probe_answer(struct ld *l, const struct mc_json *u, const char *key, int *out, int *rc)
{
	const char *v = str(l, u, key, false, rc);
	int e;

	if (*rc)
		return;
	e = strcmp(v, "ok") ? mc_errno_parse(v) : 0;
	if (e < 0)
		*rc = bad(l, "uapi.%s: \"%.40s\" is neither ok nor an errno name", key, v);
	*out = -e;
}

/* `uapi` (the preflight's probes), absent in reports before it was recorded. */
static void load_uapi(struct ld *l, const struct mc_json *u, struct mc_run_info *in, int *rc)
{
	if (!u || *rc)
		return;
	if (!mc_json_is(u, MC_JSON_OBJECT)) {
		*rc = bad(l, "uapi: not an object");
		return;
	}
	probe_answer(l, u, "precopy_info_v2_probe", &in->precopy_v2_rc, rc);
	probe_answer(l, u, "unknown_feature_errno", &in->unknown_feature_rc, rc);
	in->uapi_known = !*rc;
}

static void load_info(struct ld *l, const struct mc_json *root, struct mc_run_info *in, int *rc)
{
	const struct mc_json *tool = object(l, root, "tool", rc), *run = object(l, root, "run", rc);
	const struct mc_json *k = object(l, root, "kernel", rc), *d = object(l, root, "device", rc);
	const char *seed;

	if (*rc)
		return;
	in->tool_version = str(l, tool, "version", false, rc);
	in->tool_commit = str(l, tool, "commit", false, rc);
	copy(l, run, "started", false, in->started, sizeof(in->started), rc);
	copy(l, run, "finished", false, in->finished, sizeof(in->finished), rc);
	copy(l, run, "cmdline", false, in->cmdline, sizeof(in->cmdline), rc);
	copy(l, run, "hostname", false, in->hostname, sizeof(in->hostname), rc);
	seed = str(l, run, "seed", false, rc);
	if (!*rc && mc_num_parse(seed, MC_NUM_DEC, 0, UINT64_MAX, &in->seed))
		*rc = bad(l, "run.seed: \"%.40s\" is not a decimal number", seed);
	in->strict = boolean(l, run, "strict", rc);
	in->only = str_or_null(l, run, "only", rc);
	load_scope_inputs(l, run, in, rc);
	copy(l, k, "release", false, in->kernel_release, sizeof(in->kernel_release), rc);
	copy(l, k, "config_sha256", true, in->kernel_config, sizeof(in->kernel_config), rc);
	copy(l, k, "config_source", true, in->kernel_config_src, sizeof(in->kernel_config_src), rc);
	in->device_spec = str(l, d, "spec", false, rc);
	in->peer_spec = str_or_null(l, d, "peer", rc);
	copy(l, d, "driver", false, in->ident.driver, sizeof(in->ident.driver), rc);
	copy(l, d, "type", false, in->ident.type, sizeof(in->ident.type), rc);
	copy(l, d, "path", false, in->ident.path, sizeof(in->ident.path), rc);
	copy(l, d, "access", false, in->ident.access, sizeof(in->ident.access), rc);
	copy(l, d, "module_version", false, in->ident.module_version,
	     sizeof(in->ident.module_version), rc);
	copy(l, d, "module_srcversion", false, in->ident.module_srcversion,
	     sizeof(in->ident.module_srcversion), rc);
	in->mig_flags = (uint64_t)integer(l, d, "flags", 0, rc);
	in->flags_known = boolean(l, d, "flags_known", rc);
	load_uapi(l, mc_json_get(root, "uapi"), in, rc);
}

/* The run's clause rows: the report's own texts, not this build's table. */
static int load_clauses(struct ld *l, const struct mc_json *root, struct loaded *ld)
{
	const struct mc_json *a = mc_json_get(root, "clauses");
	size_t n = mc_json_count(a);
	int rc = 0;

	if (!mc_json_is(a, MC_JSON_ARRAY))
		return bad(l, "clauses: missing or not an array");
	ld->tab = calloc(n + 1, sizeof(*ld->tab));
	ld->rep.clauses = calloc(n + 1, sizeof(*ld->rep.clauses));
	if (!ld->tab || !ld->rep.clauses)
		return bad(l, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		const struct mc_json *c = mc_json_at(a, i);
		struct mc_clause *t = &ld->tab[i];
		int lv;

		snprintf(l->where, sizeof(l->where), "clauses[%zu]", i);
		t->id = str(l, c, "id", false, &rc);
		t->group = str(l, c, "group", false, &rc);
		t->text = str(l, c, "text", false, &rc);
		lv = mc_level_parse(str(l, c, "level", false, &rc));
		if (lv < 0 && !rc)
			rc = bad(l, "level: not must, should or info");
		t->level = (enum mc_level)lv;
		for (size_t j = 0; j < i && !rc; j++)
			if (!strcmp(ld->tab[j].id, t->id))
				rc = bad(l, "id: %s appears twice", t->id);
		ld->rep.clauses[i].clause = t;
	}
	l->where[0] = '\0';
	ld->rep.nclauses = (int)n;
	return rc;
}

static const struct mc_clause *clause_of(const struct loaded *ld, const char *id)
{
	for (int i = 0; i < ld->rep.nclauses; i++)
		if (!strcmp(ld->tab[i].id, id))
			return &ld->tab[i];
	return NULL;
}

static double number(struct ld *l, const struct mc_json *o, const char *key, int *rc)
{
	double v = 0;

	if (mc_json_number(mc_json_get(o, key), &v) && !*rc)
		*rc = bad(l, "%s: missing or not a number", key);
	return v;
}

static void load_metric(struct ld *l, const struct mc_json *o, struct mc_metric *m, int *rc)
{
	const struct mc_json *s = mc_json_get(o, "series");

	copy(l, o, "name", false, m->name, sizeof(m->name), rc);
	copy(l, o, "unit", false, m->unit, sizeof(m->unit), rc);
	m->count = (uint32_t)integer(l, o, "count", 0, rc);
	m->value = number(l, o, "value", rc);
	m->p50 = m->p99 = m->max = m->value;
	if (m->count > 1) {
		m->p50 = number(l, o, "p50", rc);
		m->p99 = number(l, o, "p99", rc);
		m->max = number(l, o, "max", rc);
	}
	if (!s || *rc)
		return;
	if (!mc_json_is(s, MC_JSON_ARRAY) || mc_json_count(s) > MC_SERIES_MAX) {
		*rc = bad(l, "series: not an array of at most %d numbers", MC_SERIES_MAX);
		return;
	}
	for (size_t i = 0; i < mc_json_count(s) && !*rc; i++)
		if (mc_json_number(mc_json_at(s, i), &m->series[i]))
			*rc = bad(l, "series[%zu]: not a number", i);
	m->nseries = (uint32_t)mc_json_count(s);
}

/* Oplog lines joined with a newline after each, as the runner records them. */
static void load_oplog(struct ld *l, const struct mc_json *o, char *dst, size_t len, int *rc)
{
	const struct mc_json *a = mc_json_get(o, "oplog");
	size_t used = 0;

	if (!mc_json_is(a, MC_JSON_ARRAY)) {
		if (!*rc)
			*rc = bad(l, "oplog: missing or not an array");
		return;
	}
	for (size_t i = 0; i < mc_json_count(a) && !*rc; i++) {
		size_t n;
		const char *s = mc_json_string(mc_json_at(a, i), &n);

		if (!s || strlen(s) != n || strchr(s, '\n'))
			*rc = bad(l, "oplog[%zu]: not a one-line string", i);
		else if (used + n + 1 >= len)
			*rc = bad(l, "oplog: longer than %zu bytes", len - 1);
		else
			used += (size_t)snprintf(dst + used, len - used, "%s\n", s);
	}
}

static int load_case(struct ld *l, const struct mc_json *o, struct loaded *ld,
		     struct mc_case_result *r)
{
	const struct mc_json *ms = mc_json_get(o, "metrics");
	const char *cl, *vi;
	int rc = 0, st;

	copy(l, o, "id", false, r->name, sizeof(r->name), &rc);
	cl = str_or_null(l, o, "clause", &rc);
	if (cl && !rc && !(r->clause = clause_of(ld, cl)) && !(r->clause = mc_clause_find(cl)))
		rc = bad(l, "clause: %s is not in the report's clause list", cl);
	vi = mc_json_get(o, "violates") ? str(l, o, "violates", false, &rc) : NULL;
	if (vi && !rc && !(r->violates = clause_of(ld, vi)) && !(r->violates = mc_clause_find(vi)))
		rc = bad(l, "violates: %s is not in the report's clause list", vi);
	st = mc_status_parse(str(l, o, "status", false, &rc));
	if (st < 0 && !rc)
		rc = bad(l, "status: not pass, fail, warn, skip or error");
	r->status = (enum mc_status)st;
	copy(l, o, "detail", false, r->detail, sizeof(r->detail), &rc);
	load_oplog(l, o, r->oplog, sizeof(r->oplog), &rc);
	r->duration_us = (uint64_t)integer(l, o, "duration_us", 0, &rc);
	r->description = str(l, o, "description", false, &rc);
	if (mc_json_get(o, "not_run")) /* only in interrupted runs */
		r->not_run = boolean(l, o, "not_run", &rc);
	if (!ms || rc)
		return rc;
	if (!mc_json_is(ms, MC_JSON_ARRAY) || mc_json_count(ms) > MC_METRICS_MAX)
		return bad(l, "metrics: not an array of at most %d metrics", MC_METRICS_MAX);
	for (size_t i = 0; i < mc_json_count(ms) && !rc; i++) {
		size_t n = strlen(l->where);

		snprintf(l->where + n, sizeof(l->where) - n, ".metrics[%zu]", i);
		load_metric(l, mc_json_at(ms, i), &r->metrics[i], &rc);
		l->where[n] = '\0';
	}
	r->nmetrics = (unsigned)mc_json_count(ms);
	return rc;
}

static int load_cases(struct ld *l, const struct mc_json *root, struct loaded *ld)
{
	const struct mc_json *a = mc_json_get(root, "cases");
	size_t n = mc_json_count(a);
	int rc = 0;

	if (!mc_json_is(a, MC_JSON_ARRAY))
		return bad(l, "cases: missing or not an array");
	ld->rep.cases = calloc(n ? n : 1, sizeof(*ld->rep.cases));
	if (!ld->rep.cases)
		return bad(l, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		snprintf(l->where, sizeof(l->where), "cases[%zu]", i);
		rc = load_case(l, mc_json_at(a, i), ld, &ld->rep.cases[i]);
		for (size_t j = 0; j < i && !rc; j++)
			if (!strcmp(ld->rep.cases[j].name, ld->rep.cases[i].name))
				rc = bad(l, "id: %s appears twice", ld->rep.cases[i].name);
	}
	l->where[0] = '\0';
	ld->rep.ncases = (int)n;
	return rc;
}

static int cell_err(struct ld *l, const struct mc_json *o, int *rc)
{
	const char *s = str_or_null(l, o, "err", rc);
	int e = s ? mc_errno_parse(s) : 0;

	if (e < 0 && !*rc)
		*rc = bad(l, "err: \"%.40s\" is not an errno name", s);
	return e > 0 ? -e : 0;
}

static uint32_t cell_state(struct ld *l, const struct mc_json *o, int *rc)
{
	const char *s = str(l, o, "state", false, rc);
	int64_t v = mc_state_parse(!strncmp(s, "STATE_", 6) ? s + 6 : s);

	if (v < 0 && !*rc)
		*rc = bad(l, "state: \"%.40s\" is not a state", s);
	return v < 0 ? 0 : (uint32_t)v;
}

static int load_matrix(struct ld *l, const struct mc_json *root, struct mc_report *rep)
{
	static const char *const names[] = { "untested", "match", "mismatch", "error" };
	const struct mc_json *m = mc_json_get(root, "matrix");
	int rc = 0;

	if (!m || mc_json_is(m, MC_JSON_NULL))
		return 0;
	if (!mc_json_is(m, MC_JSON_ARRAY) || mc_json_count(m) != MC_NSTATES)
		return bad(l, "matrix: not null or an array of %d rows", MC_NSTATES);
	for (int f = 0; f < MC_NSTATES && !rc; f++) {
		const struct mc_json *row = mc_json_at(m, (size_t)f);

		if (!mc_json_is(row, MC_JSON_ARRAY) || mc_json_count(row) != MC_NSTATES)
			return bad(l, "matrix[%d]: not an array of %d cells", f, MC_NSTATES);
		for (int t = 0; t < MC_NSTATES && !rc; t++) {
			const struct mc_json *c = mc_json_at(row, (size_t)t), *e, *ob;
			struct mc_arc_cell *cell = &rep->matrix[f][t];
			const char *v;
			int k;

			snprintf(l->where, sizeof(l->where), "matrix[%d][%d]", f, t);
			v = str(l, c, "verdict", false, &rc);
			for (k = 0; k < 4 && strcmp(v, names[k]); k++)
				;
			if (k == 4 && !rc)
				rc = bad(l, "verdict: \"%.40s\" is unknown", v);
			cell->verdict = (enum mc_cell)(k & 3);
			e = object(l, c, "expected", &rc);
			cell->exp_err = rc ? 0 : cell_err(l, e, &rc);
			cell->exp_fd = rc ? false : boolean(l, e, "fd", &rc);
			ob = mc_json_get(c, "observed");
			if (rc || cell->verdict == MC_CELL_UNTESTED)
				continue;
			if (!mc_json_is(ob, MC_JSON_OBJECT))
				rc = bad(l, "observed: not an object for a tested arc");
			cell->obs_err = rc ? 0 : cell_err(l, ob, &rc);
			cell->obs_fd = rc ? false : boolean(l, ob, "fd", &rc);
			cell->obs_state = rc ? 0 : cell_state(l, ob, &rc);
		}
	}
	l->where[0] = '\0';
	rep->have_matrix = !rc;
	return rc;
}

/* The "waivers" array, as a waiver file would have given it. */
static int load_waivers(struct ld *l, const struct mc_json *root, struct loaded *ld)
{
	const struct mc_json *a = mc_json_get(root, "waivers");
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	if (!a)
		return 0;
	if (!mc_json_is(a, MC_JSON_ARRAY))
		return bad(l, "waivers: not an array");
	f = open_memstream(&text, &len);
	if (!f)
		return bad(l, "out of memory");
	for (size_t i = 0; i < mc_json_count(a) && !rc; i++) {
		const struct mc_json *w = mc_json_at(a, i);
		const char *cl, *why, *ref;

		snprintf(l->where, sizeof(l->where), "waivers[%zu]", i);
		cl = str(l, w, "clause", false, &rc);
		why = str(l, w, "reason", false, &rc);
		ref = str(l, w, "ref", false, &rc);
		if (!rc && (strpbrk(why, "\n\r") || strpbrk(ref, " \t\n\r")))
			rc = bad(l, "reason or ref: a line break (or a blank in ref)");
		fprintf(f, "%s %s ref=%s\n", cl, why, ref);
	}
	l->where[0] = '\0';
	fclose(f);
	if (!rc)
		rc = mc_waivers_parse(text, len, "report.json waivers", &ld->waivers, l->err,
				      l->errlen);
	free(text);
	return rc;
}

int mc_report_from_json(const struct mc_json *root, struct mc_report **repp, char *err,
			size_t errlen)
{
	struct loaded *ld = calloc(1, sizeof(*ld));
	struct ld l = { .err = err, .errlen = errlen };
	int64_t schema;
	int rc = 0;

	*repp = NULL;
	if (!ld) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!mc_json_is(root, MC_JSON_OBJECT))
		rc = bad(&l, "not a report: the top level is not an object");
	else if (mc_json_int(mc_json_get(root, "schema"), &schema))
		rc = bad(&l, "not a report: no \"schema\" number");
	else if (schema != MC_REPORT_SCHEMA)
		rc = bad(&l, "schema %" PRId64 " is not the one this migcheck reads (%d)", schema,
			 MC_REPORT_SCHEMA);
	if (!rc)
		load_info(&l, root, &ld->rep.info, &rc);
	if (!rc)
		ld->rep.exit_code =
			(int)integer(&l, object(&l, root, "summary", &rc), "exit_code", 0, &rc);
	if (!rc && mc_json_get(mc_json_get(root, "summary"), "interrupted")) {
		const char *sig = str(&l, mc_json_get(root, "summary"), "interrupted", false, &rc);

		ld->rep.interrupted = mc_signal_parse(sig);
		if (ld->rep.interrupted < 0 && !rc)
			rc = bad(&l, "summary.interrupted: '%s' is not a signal name", sig);
	}
	if (!rc)
		rc = mc_report_load_kernel(root, &ld->rep, err, errlen);
	if (!rc)
		rc = load_clauses(&l, root, ld);
	if (!rc)
		rc = load_cases(&l, root, ld);
	if (!rc)
		rc = load_matrix(&l, root, &ld->rep);
	if (!rc)
		rc = load_waivers(&l, root, ld);
	if (!rc && mc_json_get(root, "coverage")) {
		ld->rep.coverage = mc_json_get(root, "coverage");
		if (!mc_json_is(ld->rep.coverage, MC_JSON_OBJECT))
			rc = bad(&l, "coverage: not an object");
	}
	if (!rc) {
		int code = ld->rep.exit_code; /* as recorded, not as recomputed */

		rc = mc_waivers_apply(&ld->rep, &ld->waivers, err, errlen);
		ld->rep.exit_code = code;
	}
	if (rc) {
		mc_report_unload(&ld->rep);
		return rc;
	}
	*repp = &ld->rep;
	return 0;
}

int mc_report_load_file(const char *path, struct mc_report **rep, char *err, size_t errlen)
{
	struct mc_json_doc *doc = NULL;
	struct mc_json_error je;
	char sub[512];
	int rc;

	*rep = NULL;
	rc = mc_json_parse_file(path, NULL, &doc, &je);
	if (rc) {
		if (je.line)
			snprintf(err, errlen, "%s:%u:%u: %s", path, je.line, je.col, je.msg);
		else
			snprintf(err, errlen, "%s: %s", path, je.msg);
		return rc;
	}
	rc = mc_report_from_json(mc_json_root(doc), rep, sub, sizeof(sub));
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, sub);
		mc_json_free(doc);
		return rc;
	}
	((struct loaded *)*rep)->doc = doc;
	return 0;
}

void mc_report_unload(struct mc_report *rep)
{
	struct loaded *ld = (struct loaded *)rep;

	if (!rep)
		return;
	free(rep->cases);
	free(rep->clauses);
	free(rep->kreports);
	free(ld->tab);
	mc_waivers_free(&ld->waivers);
	mc_json_free(ld->doc);
	free(ld);
}

const struct mc_waivers *mc_report_recorded_waivers(const struct mc_report *rep)
{
	return &((const struct loaded *)rep)->waivers;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.json: the complete machine-readable record of a run (schema in
 * reports/README.md, version MC_REPORT_SCHEMA), written atomically into the output
 * directory at end(). Indented two spaces, small objects on one line, so that two
 * runs diff well with plain text tools too.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "errname.h"
#include "escape.h"
#include "json.h"
#include "kinfo.h"
#include "rep_scope.h"
#include "report.h"
#include "reporter.h"
#include "waiver.h"

#define JW_MAX_DEPTH 8

/* A tiny streaming writer that knows where commas and newlines go. */
struct jw {
	FILE *f;
	int depth;
	int flat; /* depth from which members stay on one line; 0 = none */
	bool more[JW_MAX_DEPTH + 1];
};

static void jw_sep(struct jw *w, const char *key)
{
	bool had = w->more[w->depth];

	w->more[w->depth] = true;
	if (w->flat && w->depth >= w->flat)
		fputs(had ? ", " : "", w->f);
	else
		fprintf(w->f, "%s\n%*s", had ? "," : "", 2 * w->depth, "");
	if (key) {
		mc_json_str(w->f, key);
		fputs(": ", w->f);
	}
}

static void jw_open(struct jw *w, const char *key, char c, bool flat)
{
	jw_sep(w, key);
	putc(c, w->f);
	if (flat && !w->flat)
		w->flat = w->depth + 1;
	w->depth++;
	w->more[w->depth] = false;
}

static void jw_close(struct jw *w, char c)
{
	bool had = w->more[w->depth];

	w->depth--;
	if (w->flat && w->depth + 1 >= w->flat) {
		if (w->depth + 1 == w->flat)
			w->flat = 0;
	} else if (had) {
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	}
	putc(c, w->f);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_sep(w, key);
	mc_json_str(w->f, s);
}

static void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_sep(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

static void jw_int(struct jw *w, const char *key, long long v)
{
	jw_sep(w, key);
	fprintf(w->f, "%lld", v);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_sep(w, key);
	fputs(v ? "true" : "false", w->f);
}

static void jw_null(struct jw *w, const char *key)
{
	jw_sep(w, key);
	fputs("null", w->f);
}

/* An errno as its name, or null for success. */
static void jw_err(struct jw *w, const char *key, int err)
{
	if (err)
		jw_str(w, key, mc_errno_name(err));
	else
		jw_null(w, key);
}

static void write_counts(struct jw *w, const int counts[MC_NSTATUS])
{
	static const enum mc_status order[] = { MC_PASS, MC_FAIL, MC_WARN, MC_SKIP, MC_ERROR };

	jw_open(w, "counts", '{', true);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		jw_int(w, mc_status_name(order[i]), counts[order[i]]);
	jw_close(w, '}');
}

/*
 * The kernel: release and config hash; with kinfo.h's record (not in reports written
 * before it) also flavour, build label, boot command line and oracles.
 */
static void write_kernel(struct jw *w, const struct mc_run_info *in)
{
	const struct mc_kinfo *ki = &in->kernel;

	jw_open(w, "kernel", '{', !ki->recorded);
	jw_str(w, "release", in->kernel_release);
	jw_str(w, "config_sha256", in->kernel_config);
	jw_str(w, "config_source", in->kernel_config_src);
	if (ki->recorded) {
		jw_str(w, "flavour", ki->flavour);
		jw_str(w, "build", ki->build);
		jw_str(w, "boot_options", ki->boot_options);
		jw_open(w, "oracles", '[', false);
		for (int i = 0; i < ki->noracles && i < MC_KINFO_ORACLES; i++) {
			jw_open(w, NULL, '{', true);
			jw_str(w, "name", ki->oracles[i].name);
			jw_str(w, "state", mc_kinfo_state_name(ki->oracles[i].state));
			jw_str(w, "detail", ki->oracles[i].detail);
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

/* Each kernel-log report with the case or phase it is charged to; null: the log was not read. */
static void write_kreports(struct jw *w, const struct mc_report *rep)
{
	if (!rep->kreports_known) {
		if (rep->info.kernel.recorded) /* a report of this build without a kernel log */
			jw_null(w, "kernel_reports");
		return;
	}
	jw_open(w, "kernel_reports", '[', false);
	for (int i = 0; i < rep->nkreports; i++) {
		const struct mc_kreport *k = &rep->kreports[i];
		const char *p = k->lines;

		jw_open(w, NULL, '{', false);
		jw_str(w, "kind", k->kind);
		jw_str(w, k->in_case ? "case" : "phase", k->where);
		jw_open(w, "first_lines", '[', false);
		while (*p) {
			size_t n = strcspn(p, "\n");
			char line[MC_KREPORT_LINES];

			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			jw_str(w, NULL, line);
			p += n + (p[n] == '\n');
		}
		jw_close(w, ']');
		jw_close(w, '}');
	}
	jw_close(w, ']');
	if (rep->nkreports_omitted)
		jw_int(w, "kernel_reports_omitted", rep->nkreports_omitted);
}

/* The preflight's uAPI probes (reports/README.md `uapi`); absent when not recorded. */
static void write_uapi(struct jw *w, const struct mc_run_info *in)
{
	char text[160];

	if (!in->uapi_known)
		return;
	jw_open(w, "uapi", '{', false);
	jw_str(w, "precopy_info_v2",
	       mc_uapi_v2_text(in->precopy_v2_rc, in->unknown_feature_rc, in->mig_flags, text,
			       sizeof(text)));
	jw_str(w, "precopy_info_v2_probe",
	       in->precopy_v2_rc ? mc_errno_name(in->precopy_v2_rc) : "ok");
	jw_str(w, "unknown_feature_errno",
	       in->unknown_feature_rc ? mc_errno_name(in->unknown_feature_rc) : "ok");
	jw_close(w, '}');
}

static void write_run(struct jw *w, const struct mc_run_info *in)
{
	char seed[24];

	jw_open(w, "tool", '{', true);
	jw_str(w, "name", "migcheck");
	jw_str(w, "version", in->tool_version);
	jw_str(w, "commit", in->tool_commit);
	jw_close(w, '}');

	jw_open(w, "run", '{', false);
	jw_str(w, "started", in->started);
	jw_str(w, "finished", in->finished);
	jw_str(w, "cmdline", in->cmdline);
	/* A string: 64-bit seeds do not survive a trip through a double. */
	snprintf(seed, sizeof(seed), "%" PRIu64, in->seed);
	jw_str(w, "seed", seed);
	jw_bool(w, "strict", in->strict);
	jw_str(w, "only", in->only);
	jw_str(w, "cases_dir", in->cases_dir);
	if (in->profiles[0])
		jw_str(w, "profiles", in->profiles);
	if (in->cases_total)
		jw_int(w, "cases_total", in->cases_total);
	else
		jw_null(w, "cases_total");
	jw_str(w, "hostname", in->hostname);
	jw_close(w, '}');

	write_kernel(w, in);

	jw_open(w, "device", '{', false);
	jw_str(w, "spec", in->device_spec);
	jw_str(w, "driver", in->ident.driver);
	jw_str(w, "type", in->ident.type);
	jw_str(w, "path", in->ident.path);
	jw_str(w, "access", in->ident.access);
	jw_str(w, "module_version", in->ident.module_version);
	jw_str(w, "module_srcversion", in->ident.module_srcversion);
	jw_u64(w, "flags", in->mig_flags);
	jw_bool(w, "flags_known", in->flags_known);
	jw_open(w, "flag_names", '[', true);
	if (in->mig_flags & VFIO_MIGRATION_STOP_COPY)
		jw_str(w, NULL, "STOP_COPY");
	if (in->mig_flags & VFIO_MIGRATION_P2P)
		jw_str(w, NULL, "P2P");
	if (in->mig_flags & VFIO_MIGRATION_PRE_COPY)
		jw_str(w, NULL, "PRE_COPY");
	jw_close(w, ']');
	jw_str(w, "peer", in->peer_spec);
	jw_close(w, '}');
	write_uapi(w, in);
}

static void jw_num(struct jw *w, const char *key, double v)
{
	char buf[40];

	jw_sep(w, key);
	if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) { /* range first: no UB */
		fprintf(w->f, "%" PRId64, (int64_t)v);
		return;
	}
	/* The shortest form that reads back as the same double: re-rendering is exact. */
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(isfinite(v) ? buf : "null", w->f);
}

/*
 * A container stays on one line when it holds only scalars and containers of scalars, and
 * is not a list of strings (coverage's source lines and function names read one a line).
 */
static const struct mc_json *tree_at(const struct mc_json *v, size_t i, const char **key)
{
	if (key)
		*key = NULL;
	return mc_json_is(v, MC_JSON_OBJECT) ? mc_json_member(v, i, key) : mc_json_at(v, i);
}

static bool tree_flat(const struct mc_json *v)
{
	for (size_t i = 0; i < mc_json_count(v); i++) {
		const struct mc_json *m = tree_at(v, i, NULL);

		if ((mc_json_is(v, MC_JSON_ARRAY) && mc_json_is(m, MC_JSON_STRING)) ||
		    mc_json_is(m, MC_JSON_OBJECT))
			return false;
		for (size_t k = 0; mc_json_is(m, MC_JSON_ARRAY) && k < mc_json_count(m); k++)
			if (mc_json_is(mc_json_at(m, k), MC_JSON_OBJECT) ||
			    mc_json_is(mc_json_at(m, k), MC_JSON_ARRAY))
				return false;
	}
	return true;
}

/* A loaded JSON value written back as it was read (report.json's coverage member). */
static void jw_tree(struct jw *w, const char *key, const struct mc_json *v)
{
	bool obj = mc_json_is(v, MC_JSON_OBJECT), b = false;
	double d = 0;

	switch (mc_json_type(v)) {
	case MC_JSON_OBJECT:
	case MC_JSON_ARRAY:
		if (w->depth >= JW_MAX_DEPTH) {
			jw_null(w, key);
			return;
		}
		jw_open(w, key, obj ? '{' : '[', tree_flat(v));
		for (size_t i = 0; i < mc_json_count(v); i++) {
			const char *k;
			const struct mc_json *m = tree_at(v, i, &k);

			jw_tree(w, k, m);
		}
		jw_close(w, obj ? '}' : ']');
		return;
	case MC_JSON_STRING: jw_str(w, key, mc_json_string(v, NULL)); return;
	case MC_JSON_NUMBER:
		mc_json_number(v, &d);
		jw_num(w, key, d);
		return;
	case MC_JSON_BOOL:
		mc_json_bool(v, &b);
		jw_bool(w, key, b);
		return;
	default: jw_null(w, key);
	}
}

static void write_metric(struct jw *w, const struct mc_metric *m)
{
	jw_open(w, NULL, '{', true);
	jw_str(w, "name", m->name);
	jw_str(w, "unit", m->unit);
	jw_u64(w, "count", m->count);
	jw_num(w, "value", m->value);
	if (m->count > 1) {
		jw_num(w, "p50", m->p50);
		jw_num(w, "p99", m->p99);
		jw_num(w, "max", m->max);
	}
	if (m->nseries) {
		jw_open(w, "series", '[', true);
		for (uint32_t i = 0; i < m->nseries && i < MC_SERIES_MAX; i++)
			jw_num(w, NULL, m->series[i]);
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

static void write_case(struct jw *w, const struct mc_case_result *r)
{
	const char *p = r->oplog;

	jw_open(w, NULL, '{', false);
	jw_str(w, "id", r->name);
	jw_str(w, "clause", r->clause ? r->clause->id : NULL);
	if (r->violates)
		jw_str(w, "violates", r->violates->id);
	jw_str(w, "status", mc_status_name(r->status));
	jw_str(w, "detail", r->detail);
	jw_open(w, "oplog", '[', false);
	while (*p) {
		size_t n = strcspn(p, "\n");
		char buf[MC_OPLOG_MAX];

		memcpy(buf, p, n);
		buf[n] = '\0';
		jw_str(w, NULL, buf);
		p += n;
		if (*p)
			p++;
	}
	jw_close(w, ']');
	jw_u64(w, "duration_us", r->duration_us);
	if (r->nmetrics) {
		jw_open(w, "metrics", '[', false);
		for (unsigned i = 0; i < r->nmetrics && i < MC_METRICS_MAX; i++)
			write_metric(w, &r->metrics[i]);
		jw_close(w, ']');
	}
	jw_str(w, "description", r->description ? r->description : "");
	if (r->waiver) {
		jw_open(w, "waiver", '{', true);
		jw_str(w, "reason", r->waiver->reason);
		jw_str(w, "ref", r->waiver->ref);
		jw_close(w, '}');
	}
	if (r->not_run)
		jw_bool(w, "not_run", true);
	jw_close(w, '}');
}

/* summary.scope: what the verdict covers (rep_scope.c). */
static void write_scope(struct jw *w, const struct mc_report *rep)
{
	struct mc_scope s;

	mc_report_scope(rep, &s);
	jw_open(w, "scope", '{', false);
	jw_str(w, "claim", s.claim);
	jw_str(w, "device", s.simulated ? "simulated" : "real");
	if (s.cases_total)
		jw_int(w, "cases_total", s.cases_total);
	else
		jw_null(w, "cases_total");
	jw_int(w, "cases_run", s.cases_run);
	jw_int(w, "cases_judged", s.cases_judged);
	jw_open(w, "restricted_by", '[', true);
	for (unsigned i = 0; i < MC_SCOPE_NBITS; i++)
		if (s.restricted & (1u << i))
			jw_str(w, NULL, mc_scope_reason(1u << i));
	jw_close(w, ']');
	jw_str(w, "label", s.label);
	jw_close(w, '}');
}

static void write_waivers(struct jw *w, const struct mc_waivers *wv)
{
	if (!wv)
		return;
	jw_open(w, "waivers", '[', false);
	for (int i = 0; i < wv->n; i++) {
		jw_open(w, NULL, '{', true);
		jw_str(w, "clause", wv->w[i].clause);
		jw_str(w, "reason", wv->w[i].reason);
		jw_str(w, "ref", wv->w[i].ref);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_matrix(struct jw *w, const struct mc_report *rep)
{
	static const char *const cell_names[] = {
		[MC_CELL_UNTESTED] = "untested",
		[MC_CELL_MATCH] = "match",
		[MC_CELL_MISMATCH] = "mismatch",
		[MC_CELL_ERROR] = "error",
	};

	if (!rep->have_matrix) {
		jw_null(w, "matrix");
		return;
	}
	jw_open(w, "matrix", '[', false);
	for (uint32_t from = 0; from < MC_NSTATES; from++) {
		jw_open(w, NULL, '[', false);
		for (uint32_t to = 0; to < MC_NSTATES; to++) {
			const struct mc_arc_cell *c = &rep->matrix[from][to];

			jw_open(w, NULL, '{', true);
			jw_str(w, "from", mc_state_name(from));
			jw_str(w, "to", mc_state_name(to));
			jw_str(w, "verdict",
			       (unsigned)c->verdict <= MC_CELL_ERROR ? cell_names[c->verdict] :
								       "unknown");
			jw_open(w, "expected", '{', true);
			jw_err(w, "err", c->exp_err);
			jw_bool(w, "fd", c->exp_fd);
			jw_close(w, '}');
			if (c->verdict == MC_CELL_UNTESTED) {
				jw_null(w, "observed");
			} else {
				jw_open(w, "observed", '{', true);
				jw_err(w, "err", c->obs_err);
				jw_bool(w, "fd", c->obs_fd);
				jw_str(w, "state", mc_state_name(c->obs_state));
				jw_close(w, '}');
			}
			jw_close(w, '}');
		}
		jw_close(w, ']');
	}
	jw_close(w, ']');
}

int mc_json_write_report(FILE *f, const struct mc_report *rep)
{
	struct jw w = { .f = f };

	putc('{', f);
	w.depth = 1;
	jw_int(&w, "schema", MC_REPORT_SCHEMA);
	write_run(&w, &rep->info);

	jw_open(&w, "summary", '{', false);
	jw_str(&w, "verdict", mc_report_verdict(rep));
	jw_int(&w, "exit_code", rep->exit_code);
	write_counts(&w, rep->counts);
	if (rep->waivers)
		jw_int(&w, "waived", rep->waived[MC_FAIL] + rep->waived[MC_WARN]);
	if (rep->interrupted) {
		int not_run = 0;

		for (int i = 0; i < rep->ncases; i++)
			not_run += rep->cases[i].not_run;
		jw_str(&w, "interrupted", mc_signal_name(rep->interrupted));
		jw_int(&w, "not_run", not_run);
	}
	write_scope(&w, rep);
	jw_close(&w, '}');

	jw_open(&w, "clauses", '[', false);
	for (int i = 0; i < rep->nclauses; i++) {
		const struct mc_clause_result *cr = &rep->clauses[i];

		jw_open(&w, NULL, '{', false);
		jw_str(&w, "id", cr->clause->id);
		jw_str(&w, "group", cr->clause->group);
		jw_str(&w, "level", mc_level_name(cr->clause->level));
		jw_str(&w, "text", cr->clause->text);
		jw_str(&w, "status", mc_status_name(cr->status));
		write_counts(&w, cr->counts);
		if (cr->unjudged)
			jw_int(&w, "unjudged", cr->unjudged);
		if (rep->waivers) {
			jw_int(&w, "waived", cr->waived);
			jw_str(&w, "effective", mc_clause_effective(cr));
		}
		jw_close(&w, '}');
	}
	jw_close(&w, ']');

	jw_open(&w, "cases", '[', false);
	for (int i = 0; i < rep->ncases; i++)
		write_case(&w, &rep->cases[i]);
	jw_close(&w, ']');

	write_matrix(&w, rep);
	write_waivers(&w, rep->waivers);
	write_kreports(&w, rep);
	if (rep->coverage)
		jw_tree(&w, "coverage", rep->coverage);
	fputs("\n}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ---------------------------------------------------------------- reporter */

static int json_begin(void **priv, const struct mc_run_info *info, int nplanned, const char *outdir)
{
	(void)info;
	(void)nplanned;
	return mc_file_reporter_begin(priv, outdir, "report.json");
}

static int json_end(void *priv, const struct mc_report *rep)
{
	return mc_file_reporter_end(priv, "report.json", mc_json_write_report, rep);
}

const struct mc_reporter_ops mc_json_reporter = {
	.name = "json",
	.begin = json_begin,
	.result = mc_file_reporter_result,
	.end = json_end,
};

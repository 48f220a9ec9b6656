// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case context: what an operation reads of its row (mc_case_arg, mc_case_num) and how
 * it reports (verdicts, notes, measurements) into the result of the instance it runs. The
 * lowest layer of the case machinery: the parser, the registry, the operations and the
 * walker all call down into it, it calls none of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "ctx.h"
#include "model.h"
#include "num.h"
#include "report.h"
#include "runopts.h"

bool mc_case_arg(const struct mc_case *c, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = c->args; *p;) {
		const char *end = strchr(p, ',');
		size_t flen = end ? (size_t)(end - p) : strlen(p);

		if (flen > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = flen - klen - 1;

			if (vlen >= len)
				vlen = len - 1;
			memcpy(val, p + klen + 1, vlen);
			val[vlen] = '\0';
			return true;
		}
		p = end ? end + 1 : p + flen;
	}
	return false;
}

int mc_case_num(const struct mc_case *c, const char *key, unsigned flags, uint64_t min,
		uint64_t max, uint64_t dflt, uint64_t *out, char *err, size_t errlen)
{
	char v[sizeof(c->args)];

	*out = dflt;
	if (!mc_case_arg(c, key, v, sizeof(v)) || !mc_num_parse(v, flags, min, max, out))
		return 0;
	snprintf(err, errlen, "%s=%s: expected a number %llu..%llu", key, v,
		 (unsigned long long)min, (unsigned long long)max);
	return -EINVAL;
}

int mc_op_state_arg_check(const struct mc_case *c, char *err, size_t len)
{
	char v[32];
	int s;

	if (!mc_case_arg(c, "state", v, sizeof(v)) || (s = mc_state_parse(v)) <= 0 ||
	    s >= MC_NSTATES || strcmp(c->expect, "-")) {
		snprintf(err, len, "args need state=<state name other than ERROR>, expect '-'");
		return -EINVAL;
	}
	return 0;
}

/* Append a line to the result's detail, keeping it NUL-terminated when full. */
__attribute__((format(printf, 2, 0))) static void add_detail(struct mc_case_result *r,
							     const char *fmt, va_list ap)
{
	size_t used = strlen(r->detail);

	if (used && used + 1 < sizeof(r->detail))
		r->detail[used++] = '\n', r->detail[used] = '\0';
	if (used + 1 < sizeof(r->detail))
		vsnprintf(r->detail + used, sizeof(r->detail) - used, fmt, ap);
}

__attribute__((format(printf, 3, 0))) static void verdict(struct mc_ctx *ctx, enum mc_status st,
							  const char *fmt, va_list ap)
{
	/* fail > error > warn > pass; a skip only replaces a plain pass. */
	static const int rank[MC_NSTATUS] = {
		[MC_SKIP] = 0, [MC_PASS] = 0, [MC_WARN] = 1, [MC_ERROR] = 2, [MC_FAIL] = 3,
	};
	enum mc_status cur = ctx->res->status;

	if (st == MC_SKIP ? cur == MC_PASS : rank[st] > rank[cur])
		ctx->res->status = st;
	add_detail(ctx->res, fmt, ap);
}

void mc_violation(struct mc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	enum mc_status st = ctx->c->clause->level == MC_MUST ? MC_FAIL : MC_WARN;

	if (ctx->c->clause->level == MC_INFO)
		st = MC_PASS; /* INFO clauses never give a verdict without a budget */
	else
		ctx->res->violates = NULL; /* its own clause judged: charged to it */
	va_start(ap, fmt);
	verdict(ctx, st, fmt, ap);
	va_end(ap);
}

void mc_budget_fail(struct mc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(ctx, MC_FAIL, fmt, ap);
	va_end(ap);
}

void mc_setup_violation(struct mc_ctx *ctx, const char *clause, const char *fmt, ...)
{
	char text[MC_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ctx->violated = clause;
	/* Charged to @clause unless the case already judged its own clause against the device. */
	if (ctx->res->status != MC_FAIL && ctx->res->status != MC_WARN)
		ctx->res->violates = mc_clause_find(clause);
	mc_budget_fail(ctx, "setup violates %s: %s", clause, text); /* fail at any level */
}

void mc_no_ref_stream(struct mc_ctx *ctx, const char *what)
{
	const char *why = ctx->di->stream_why ? ctx->di->stream_why : "not saved";

	if (ctx->di->stream_violates)
		mc_setup_violation(ctx, ctx->di->stream_violates,
				   "no reference stream %s: saving it before the cases failed: %s",
				   what, why);
	else
		mc_harness_error(ctx, "no reference stream %s: %s", what, why);
}

void mc_harness_error(struct mc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(ctx, MC_ERROR, fmt, ap);
	va_end(ap);
}

void mc_skip(struct mc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict(ctx, MC_SKIP, fmt, ap);
	va_end(ap);
}

void mc_note(struct mc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_detail(ctx->res, fmt, ap);
	va_end(ap);
}

static struct mc_metric *metric_slot(struct mc_ctx *ctx, const char *name, const char *unit)
{
	struct mc_metric *m;

	if (ctx->res->nmetrics >= MC_METRICS_MAX)
		return NULL;
	m = &ctx->res->metrics[ctx->res->nmetrics++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "%s", unit);
	return m;
}

void mc_metric_value(struct mc_ctx *ctx, const char *name, const char *unit, double v)
{
	struct mc_metric *m = metric_slot(ctx, name, unit);

	if (m) {
		m->count = 1;
		m->value = m->p50 = m->p99 = m->max = v;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @s. */
static double rank(const double *s, unsigned n, unsigned pct)
{
	unsigned r = (unsigned)(((uint64_t)pct * n + 99) / 100);

	return s[r ? r - 1 : 0];
}

void mc_metric_samples(struct mc_ctx *ctx, const char *name, const char *unit, double *s,
		       unsigned n)
{
	struct mc_metric *m;
	double sum = 0;

	if (!n || !(m = metric_slot(ctx, name, unit)))
		return;
	qsort(s, n, sizeof(*s), cmp_double);
	for (unsigned i = 0; i < n; i++)
		sum += s[i];
	m->count = n;
	m->value = sum / n;
	m->p50 = rank(s, n, 50);
	m->p99 = rank(s, n, 99);
	m->max = s[n - 1];
}

void mc_metric_series(struct mc_ctx *ctx, const char *name, const char *unit, const double *v,
		      unsigned n)
{
	struct mc_metric *m;

	if (!n || !(m = metric_slot(ctx, name, unit)))
		return;
	if (n > MC_SERIES_MAX)
		n = MC_SERIES_MAX;
	m->count = 1;
	m->value = m->p50 = m->p99 = m->max = v[n - 1];
	memcpy(m->series, v, n * sizeof(*v));
	m->nseries = n;
}

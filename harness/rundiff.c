// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differences between two reports. Statuses are compared as shown (a waived fail is
 * "waived"), ranked pass < skip < waived < warn < error < fail: moving right is worse,
 * so a pass that turns into a skip (lost coverage) counts too. Metrics compare their
 * p50 and p99 (or the single value); only time (ns, higher is worse) and throughput
 * (B/s, lower is worse) can be worse, sizes and ratios are only reported.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "clauses.h"
#include "json.h"
#include "rep_html.h"
#include "report.h"
#include "rundiff.h"
#include "term.h"

struct diff {
	FILE *out;
	int changes, worse;
};

static int rank(const char *st)
{
	static const char *const order[] = { "pass", "skip", "waived", "warn", "error", "fail" };

	for (int i = 0; i < 6; i++)
		if (!strcmp(st, order[i]))
			return i;
	return 6;
}

static const char *shown(const struct mc_case_result *r)
{
	return r->waiver ? "waived" : mc_status_name(r->status);
}

/* One line; "WORSE" in front when @worse. */
__attribute__((format(printf, 3, 4))) static void change(struct diff *d, bool worse,
							 const char *fmt, ...)
{
	va_list ap;

	d->changes++;
	d->worse += worse;
	fputs(worse ? "WORSE  " : "       ", d->out);
	va_start(ap, fmt);
	mc_term_vprintf(d->out, fmt, ap); /* strings from the reports: escaped */
	va_end(ap);
	fputc('\n', d->out);
}

static void field(struct diff *d, const char *what, const char *a, const char *b)
{
	if (strcmp(a ? a : "", b ? b : ""))
		change(d, false, "%s: %s -> %s", what, a && a[0] ? a : "(none)",
		       b && b[0] ? b : "(none)");
}

/*
 * The kernel's flavour, build and oracles, where both reports record them. An oracle the
 * old run had and the new one lacks is worse: a class of bug the new verdict cannot see.
 */
static void kernel(struct diff *d, const struct mc_kinfo *a, const struct mc_kinfo *b)
{
	if (!a->recorded || !b->recorded) {
		if (a->recorded != b->recorded)
			change(d, false, "kernel flavour and oracles: %s -> %s",
			       a->recorded ? a->flavour : "(not recorded)",
			       b->recorded ? b->flavour : "(not recorded)");
		return;
	}
	field(d, "kernel flavour", a->flavour, b->flavour);
	field(d, "kernel build", a->build, b->build);
	field(d, "kernel boot options", a->boot_options, b->boot_options);
	for (int i = 0; i < b->noracles && i < MC_KINFO_ORACLES; i++) {
		const struct mc_koracle *ob = &b->oracles[i], *oa = mc_kinfo_oracle(a, ob->name);
		enum mc_oracle_state sa = oa ? oa->state : MC_ORACLE_UNKNOWN;

		if (sa != ob->state)
			change(d, sa == MC_ORACLE_PRESENT, "kernel oracle %s: %s -> %s%s%s",
			       ob->name, oa ? mc_kinfo_state_name(sa) : "(not listed)",
			       mc_kinfo_state_name(ob->state), ob->detail[0] ? ": " : "",
			       ob->detail);
	}
	for (int i = 0; i < a->noracles && i < MC_KINFO_ORACLES; i++)
		if (!mc_kinfo_oracle(b, a->oracles[i].name))
			change(d, a->oracles[i].state == MC_ORACLE_PRESENT,
			       "kernel oracle %s: %s -> "
			       "(not listed)",
			       a->oracles[i].name, mc_kinfo_state_name(a->oracles[i].state));
}

static void identity(struct diff *d, const struct mc_run_info *a, const struct mc_run_info *b)
{
	char fa[24], fb[24];

	field(d, "device driver", a->ident.driver, b->ident.driver);
	field(d, "device type", a->ident.type, b->ident.type);
	field(d, "module version", a->ident.module_version, b->ident.module_version);
	field(d, "module srcversion", a->ident.module_srcversion, b->ident.module_srcversion);
	snprintf(fa, sizeof(fa), "%llu", a->flags_known ? (unsigned long long)a->mig_flags : 0);
	snprintf(fb, sizeof(fb), "%llu", b->flags_known ? (unsigned long long)b->mig_flags : 0);
	field(d, "migration flags", fa, fb);
	field(d, "kernel", a->kernel_release, b->kernel_release);
	field(d, "kernel config", a->kernel_config, b->kernel_config);
	kernel(d, &a->kernel, &b->kernel);
	field(d, "migcheck version", a->tool_version, b->tool_version);
	field(d, "migcheck commit", a->tool_commit, b->tool_commit);
}

static const struct mc_case_result *find_case(const struct mc_report *rep, const char *name)
{
	for (int i = 0; i < rep->ncases; i++)
		if (!strcmp(rep->cases[i].name, name))
			return &rep->cases[i];
	return NULL;
}

/* Compare one number of a metric; @dir +1 when higher is worse, -1 lower, 0 neither. */
static void number(struct diff *d, const char *cs, const struct mc_metric *m, const char *what,
		   double a, double b, int dir, double thr)
{
	char va[48], vb[48], label[300];
	double rel = a ? (b - a) / fabs(a) : (b ? INFINITY : 0);

	if (fabs(rel) <= thr)
		return;
	mc_fmt_metric(va, sizeof(va), a, m->unit);
	mc_fmt_metric(vb, sizeof(vb), b, m->unit);
	snprintf(label, sizeof(label), "metric %s %s %s (%+.0f%%)", cs, m->name, what,
		 isfinite(rel) ? rel * 100 : 100.0);
	change(d, (dir > 0 && rel > 0) || (dir < 0 && rel < 0), "%s: %s -> %s", label, va, vb);
}

static void metrics(struct diff *d, const struct mc_case_result *a, const struct mc_case_result *b,
		    double thr)
{
	for (unsigned i = 0; i < b->nmetrics && i < MC_METRICS_MAX; i++) {
		const struct mc_metric *mb = &b->metrics[i], *ma = NULL;
		int dir = !strcmp(mb->unit, "ns") ? 1 : !strcmp(mb->unit, "B/s") ? -1 : 0;

		for (unsigned k = 0; k < a->nmetrics && k < MC_METRICS_MAX && !ma; k++)
			if (!strcmp(a->metrics[k].name, mb->name))
				ma = &a->metrics[k];
		if (!ma || strcmp(ma->unit, mb->unit))
			continue;
		if (ma->count > 1 && mb->count > 1) {
			number(d, b->name, mb, "p50", ma->p50, mb->p50, dir, thr);
			number(d, b->name, mb, "p99", ma->p99, mb->p99, dir, thr);
		} else {
			number(d, b->name, mb, "value", ma->value, mb->value, dir, thr);
		}
	}
}

static void cases(struct diff *d, const struct mc_report *old, const struct mc_report *new,
		  double thr)
{
	for (int i = 0; i < new->ncases; i++) {
		const struct mc_case_result *b = &new->cases[i], *a = find_case(old, b->name);
		char first[200];

		if (!a) {
			change(d, false, "new case %s: %s", b->name, shown(b));
			continue;
		}
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(b->detail, "\n"), b->detail);
		if (strcmp(shown(a), shown(b)))
			change(d, rank(shown(b)) > rank(shown(a)), "case %s: %s -> %s%s%s", b->name,
			       shown(a), shown(b), first[0] ? ": " : "", first);
		metrics(d, a, b, thr);
	}
	for (int i = 0; i < old->ncases; i++)
		if (!find_case(new, old->cases[i].name))
			change(d, true, "missing case %s (was %s)", old->cases[i].name,
			       shown(&old->cases[i]));
}

static void clauses(struct diff *d, const struct mc_report *old, const struct mc_report *new)
{
	for (int i = 0; i < new->nclauses; i++) {
		const struct mc_clause_result *b = &new->clauses[i], *a = NULL;

		for (int k = 0; k < old->nclauses && !a; k++)
			if (!strcmp(old->clauses[k].clause->id, b->clause->id))
				a = &old->clauses[k];
		if (!a)
			change(d, false, "new clause %s: %s", b->clause->id,
			       mc_clause_effective(b));
		else if (strcmp(mc_clause_effective(a), mc_clause_effective(b)))
			change(d, rank(mc_clause_effective(b)) > rank(mc_clause_effective(a)),
			       "clause %s: %s -> %s", b->clause->id, mc_clause_effective(a),
			       mc_clause_effective(b));
	}
}

/* The hits of @key's entry named @name (line number or function name) in @arr, or -1. */
static int64_t cov_hits(const struct mc_json *arr, const struct mc_json *key)
{
	for (size_t i = 0; i < mc_json_count(arr); i++) {
		const struct mc_json *e = mc_json_at(arr, i), *k = mc_json_at(e, 0);
		int64_t a = 0, b = 1, n = 0;
		const char *sa = mc_json_string(k, NULL), *sb = mc_json_string(key, NULL);

		if (sa || sb ? sa && sb && !strcmp(sa, sb) :
			       !mc_json_int(k, &a) && !mc_json_int(key, &b) && a == b) {
			mc_json_int(mc_json_at(e, mc_json_count(e) - 1), &n);
			return n;
		}
	}
	return -1;
}

static const struct mc_json *cov_file(const struct mc_json *cov, const char *path)
{
	const struct mc_json *fs = mc_json_path(cov, "driver.files");

	for (size_t i = 0; i < mc_json_count(fs); i++) {
		const char *p = mc_json_string(mc_json_get(mc_json_at(fs, i), "path"), NULL);

		if (p && !strcmp(p, path))
			return mc_json_at(fs, i);
	}
	return NULL;
}

/*
 * The driver's coverage: every function and line the old run reached that the new one
 * does not is worse (certification no longer exercises it); new ones are reported.
 */
static void coverage(struct diff *d, const struct mc_json *a, const struct mc_json *b)
{
	const struct mc_json *fs = mc_json_path(a, "driver.files");
	int64_t x = 0, y = 0;

	if (!a || !b) {
		if (a || b)
			change(d, false, "coverage: %s",
			       a ? "not recorded in the new run" : "recorded in the new run only");
		return;
	}
	mc_json_int(mc_json_path(a, "driver.lines_hit"), &x);
	mc_json_int(mc_json_path(b, "driver.lines_hit"), &y);
	if (x != y)
		change(d, false, "coverage: driver lines reached %" PRId64 " -> %" PRId64, x, y);
	for (size_t i = 0; i < mc_json_count(fs); i++) {
		const struct mc_json *fa = mc_json_at(fs, i);
		const char *path = mc_json_string(mc_json_get(fa, "path"), NULL);
		const struct mc_json *fb = cov_file(b, path ? path : "");
		static const char *const arr[] = { "function_hits", "line_hits" };

		for (int k = 0, lost = 0; k < 2; k++) {
			const struct mc_json *ea = mc_json_get(fa, arr[k]);
			const struct mc_json *eb = mc_json_get(fb, arr[k]);

			for (size_t j = 0; j < mc_json_count(ea); j++) {
				const struct mc_json *e = mc_json_at(ea, j),
						     *key = mc_json_at(e, 0);
				int64_t was = 0, line = 0;

				mc_json_int(mc_json_at(e, mc_json_count(e) - 1), &was);
				mc_json_int(key, &line);
				if (was > 0 && cov_hits(eb, key) <= 0 && k && ++lost > 10) {
					d->worse++; /* counted, not printed */
				} else if (was > 0 && cov_hits(eb, key) <= 0) {
					if (k)
						change(d, true,
						       "coverage lost: %s:%" PRId64 " no longer "
						       "reached",
						       path, line);
					else
						change(d, true,
						       "coverage lost: function %s no longer "
						       "reached",
						       mc_json_string(key, NULL));
				}
			}
			if (lost > 10)
				change(d, false,
				       "coverage lost: %d more lines of %s no longer reached "
				       "(counted as worse)",
				       lost - 10, path);
		}
	}
}

int mc_report_diff(const struct mc_report *old, const struct mc_report *new,
		   const struct mc_diff_opts *o, FILE *out, int *changes)
{
	struct diff d = { .out = out };
	const char *va = mc_report_verdict(old), *vb = mc_report_verdict(new);

	identity(&d, &old->info, &new->info);
	if (strcmp(va, vb))
		change(&d,
		       (!strcmp(vb, "fail") || !strcmp(vb, "error") ||
			!strcmp(vb, "interrupted")) &&
			       strcmp(va, "fail"),
		       "verdict: %s -> %s", va, vb);
	clauses(&d, old, new);
	cases(&d, old, new, o->threshold);
	coverage(&d, old->coverage, new->coverage);
	fprintf(out, "%d change(s), %d worse\n", d.changes, d.worse);
	if (changes)
		*changes = d.changes;
	return d.worse;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * migcheck verify, the evidence: what report.json records is recomputed from what the
 * bundle holds besides it -- clause statuses, counts, waiver marks, verdict and exit
 * code from its raw case results and waivers.txt, ROB-01 from kernel.log, the run's
 * identity from environment.json -- and junit.xml, report.ktap and report.html must be
 * exactly what report.json renders to. Each mismatch is one line naming file and value.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "clauses.h"
#include "klog.h"
#include "rep_load.h"
#include "rep_scope.h"
#include "report.h"
#include "runner.h"
#include "verify_priv.h"
#include "waiver.h"

static const char *jstr(const struct mc_json *o, const char *path)
{
	const char *s = mc_json_string(mc_json_path(o, path), NULL);

	return s ? s : "(missing)";
}

static void check_counts(struct mc_vf *v, const char *what, const struct mc_json *o,
			 const int *counts)
{
	for (int s = 0; s < MC_NSTATUS; s++) {
		int64_t got = -1;

		mc_json_int(mc_json_get(o, mc_status_name(s)), &got);
		if (got != counts[s])
			mc_vf_mismatch(v, "report.json: %s.%s is %lld, its cases give %d", what,
				       mc_status_name(s), (long long)got, counts[s]);
	}
}

/* (2) what report.json records against what its case results and waivers give. */
static void check_rollup(struct mc_vf *v, const struct mc_json *root, const struct mc_report *rep)
{
	const struct mc_json *cls = mc_json_get(root, "clauses"),
			     *cases = mc_json_get(root, "cases");
	char what[64];
	int64_t code = -1, waived = -1, unjudged;

	for (int i = 0; i < rep->nclauses; i++) {
		const struct mc_clause_result *cr = &rep->clauses[i];
		const struct mc_json *c = mc_json_at(cls, (size_t)i);

		if (strcmp(jstr(c, "status"), mc_status_name(cr->status)))
			mc_vf_mismatch(
				v, "report.json: clause %s is recorded as %s, its cases give %s",
				cr->clause->id, jstr(c, "status"), mc_status_name(cr->status));
		snprintf(what, sizeof(what), "clause %s counts", cr->clause->id);
		check_counts(v, what, mc_json_get(c, "counts"), cr->counts);
		unjudged = 0;
		mc_json_int(mc_json_get(c, "unjudged"), &unjudged);
		if (unjudged != cr->unjudged)
			mc_vf_mismatch(
				v,
				"report.json: clause %s records %lld case(s) not judged, its "
				"cases give %d",
				cr->clause->id, (long long)unjudged, cr->unjudged);
		if (rep->waivers && strcmp(jstr(c, "effective"), mc_clause_effective(cr)))
			mc_vf_mismatch(
				v,
				"report.json: clause %s is recorded as effectively %s, its cases "
				"and the waivers give %s",
				cr->clause->id, jstr(c, "effective"), mc_clause_effective(cr));
	}
	for (int i = 0; i < rep->ncases; i++) {
		bool marked = mc_json_get(mc_json_at(cases, (size_t)i), "waiver") != NULL;

		if (marked != (rep->cases[i].waiver != NULL))
			mc_vf_mismatch(v,
				       "report.json: case %s is %s waived, the waivers say it %s",
				       rep->cases[i].name, marked ? "marked" : "not marked",
				       rep->cases[i].waiver ? "is" : "is not");
	}
	check_counts(v, "summary.counts", mc_json_path(root, "summary.counts"), rep->counts);
	if (strcmp(jstr(root, "summary.verdict"), mc_report_verdict(rep)))
		mc_vf_mismatch(v, "report.json: summary.verdict is %s, the case results give %s",
			       jstr(root, "summary.verdict"), mc_report_verdict(rep));
	mc_json_int(mc_json_path(root, "summary.exit_code"), &code);
	if (code != mc_report_exit_code(rep))
		mc_vf_mismatch(v, "report.json: summary.exit_code is %lld, the verdict gives %d",
			       (long long)code, mc_report_exit_code(rep));
	mc_json_int(mc_json_path(root, "summary.waived"), &waived);
	if (rep->waivers && waived != rep->waived[MC_FAIL] + rep->waived[MC_WARN])
		mc_vf_mismatch(v, "report.json: summary.waived is %lld, the waivers cover %d cases",
			       (long long)waived, rep->waived[MC_FAIL] + rep->waived[MC_WARN]);
}

static void scope_int(struct mc_vf *v, const struct mc_json *sc, const char *key, int want)
{
	const struct mc_json *j = mc_json_get(sc, key);
	int64_t got = -1;

	if (!want && !strcmp(key, "cases_total") && mc_json_is(j, MC_JSON_NULL))
		return; /* the complete set's size is not known: null */
	if (mc_json_int(j, &got))
		mc_vf_mismatch(v,
			       "report.json: summary.scope.%s is not a number, its run and cases "
			       "give %d",
			       key, want);
	else if (got != want)
		mc_vf_mismatch(v,
			       "report.json: summary.scope.%s is %lld, its run and cases give %d",
			       key, (long long)got, want);
}

/*
 * summary.scope against what mc_report_scope() gives from the cases and run fields: a
 * "conformance" claim hand-written over a partial run is a mismatch. Reports written before
 * the scope existed have neither it nor run.cases_total.
 */
static void check_scope(struct mc_vf *v, const struct mc_json *root, const struct mc_report *rep)
{
	const struct mc_json *sc = mc_json_path(root, "summary.scope"), *rb;
	struct mc_scope s;
	size_t n = 0;

	mc_report_scope(rep, &s);
	if (!sc) {
		if (mc_json_path(root, "run.cases_total"))
			mc_vf_mismatch(
				v, "report.json: summary.scope is missing, the run gives \"%s\"",
				s.label);
		return;
	}
	if (strcmp(jstr(sc, "claim"), s.claim))
		mc_vf_mismatch(v,
			       "report.json: summary.scope.claim is \"%s\", its run and cases give "
			       "\"%s\"",
			       jstr(sc, "claim"), s.claim);
	if (strcmp(jstr(sc, "device"), s.simulated ? "simulated" : "real"))
		mc_vf_mismatch(v, "report.json: summary.scope.device is \"%s\", the device is %s",
			       jstr(sc, "device"), s.simulated ? "simulated" : "real");
	scope_int(v, sc, "cases_total", s.cases_total);
	scope_int(v, sc, "cases_run", s.cases_run);
	scope_int(v, sc, "cases_judged", s.cases_judged);
	rb = mc_json_get(sc, "restricted_by");
	for (unsigned i = 0; i < MC_SCOPE_NBITS; i++) {
		const char *why = mc_scope_reason(1u << i), *got;

		if (!(s.restricted & (1u << i)))
			continue;
		got = mc_json_string(mc_json_at(rb, n++), NULL);
		if (!got || strcmp(got, why))
			mc_vf_mismatch(v, "report.json: summary.scope.restricted_by lacks \"%s\"",
				       why);
	}
	if (!mc_json_is(rb, MC_JSON_ARRAY) || mc_json_count(rb) != n)
		mc_vf_mismatch(v,
			       "report.json: summary.scope.restricted_by is not the %zu "
			       "restriction(s) its run and cases give",
			       n);
	if (strcmp(jstr(sc, "label"), s.label))
		mc_vf_mismatch(v,
			       "report.json: summary.scope.label is \"%s\", its run and cases give "
			       "\"%s\"",
			       jstr(sc, "label"), s.label);
}

/* The bundled waivers.txt against the waivers report.json recorded. */
static void check_waivers(struct mc_vf *v, const struct mc_rfiles *fs, const struct mc_report *rep)
{
	const struct mc_waivers *rec = mc_report_recorded_waivers(rep);
	const struct mc_rfile *wf = mc_rfiles_get(fs, "waivers.txt");
	struct mc_waivers w = { 0 };
	char err[600];

	if (!wf) {
		if (rec->n)
			mc_vf_mismatch(v,
				       "report.json records %d waiver(s) but the bundle has no "
				       "waivers.txt",
				       rec->n);
		return;
	}
	if (mc_waivers_parse(wf->data, wf->len, "waivers.txt", &w, err, sizeof(err))) {
		mc_vf_mismatch(v, "%s", err);
		return;
	}
	if (w.n != rec->n)
		mc_vf_mismatch(v, "waivers.txt has %d waiver(s), report.json records %d", w.n,
			       rec->n);
	for (int i = 0; i < w.n; i++) {
		const struct mc_waiver *r = mc_waiver_find(rec, w.w[i].clause);

		if (!r || strcmp(r->reason, w.w[i].reason) || strcmp(r->ref, w.w[i].ref))
			mc_vf_mismatch(
				v,
				"waivers.txt:%u: the waiver of %s is not the one report.json "
				"records",
				w.w[i].line, w.w[i].clause);
	}
	mc_vf_say(v, "checked: %d waiver(s) in waivers.txt", w.n);
	mc_waivers_free(&w);
}

/* The next KTAP result line ("ok ..." / "not ok ...") of [*p, end) into @buf. */
static bool next_result(const char **p, const char *end, char *buf, size_t len)
{
	while (*p < end) {
		const char *eol = memchr(*p, '\n', (size_t)(end - *p)), *l = *p;

		eol = eol ? eol : end;
		*p = eol + 1;
		if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7)) {
			snprintf(buf, len, "%.*s", (int)(eol - l), l);
			return true;
		}
	}
	return false;
}

/*
 * Name the cases whose KTAP result line differs: the bundled report.ktap was written
 * from the results as they were, so this points at the edited result itself.
 */
static void ktap_cases(struct mc_vf *v, const char *want, size_t wlen, const struct mc_rfile *got)
{
	const char *a = want, *b = got->data;
	char la[512], lb[512];
	int shown = 0;

	while (shown < 5 && next_result(&a, want + wlen, la, sizeof(la)) &&
	       next_result(&b, got->data + got->len, lb, sizeof(lb))) {
		if (strcmp(la, lb)) {
			mc_vf_mismatch(
				v, "report.json's result renders as \"%s\", report.ktap has \"%s\"",
				la, lb);
			shown++;
		}
	}
}

/* (3) each derived file against its rendering from report.json. */
static void check_renderings(struct mc_vf *v, const struct mc_rfiles *fs,
			     const struct mc_report *rep)
{
	static const char *const formats[] = { "junit", "ktap", "html" };
	struct mc_render_extra e;

	mc_render_extra_init(&e, fs);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		const char *name = mc_render_file(formats[i]);
		const struct mc_rfile *rf = mc_rfiles_get(fs, name);
		char *buf;
		size_t len, k;
		int line = 1;

		if (!rf) {
			mc_vf_mismatch(v, "%s is missing from the bundle", name);
			continue;
		}
		if (mc_render_mem(rep, &e.x, formats[i], &buf, &len)) {
			mc_vf_mismatch(v, "%s: cannot render it from report.json", name);
			continue;
		}
		for (k = 0; k < len && k < rf->len && buf[k] == rf->data[k]; k++)
			line += buf[k] == '\n';
		if (k != len || k != rf->len) {
			mc_vf_mismatch(
				v, "%s does not match report.json (first difference at line %d)",
				name, line);
			if (!strcmp(formats[i], "ktap"))
				ktap_cases(v, buf, len, rf);
		}
		free(buf);
	}
	mc_render_extra_free(&e);
}

/*
 * The ROB-01 cases against the report lines of kernel.log (mc_klog_is_report): those
 * inside the windows a run marked (MC_KLOG_MARK_FROM .. MC_KLOG_MARK_TO, klog.h) when
 * the log has any, else all of them.
 */
static void check_klog(struct mc_vf *v, const struct mc_rfiles *fs, const struct mc_report *rep)
{
	const struct mc_rfile *kl = mc_rfiles_get(fs, "kernel.log");
	const char *p, *end;
	char first[512] = "", line[4096];
	int reports = 0;
	bool marked, in;

	if (!kl) {
		mc_vf_say(v, "not checked: ROB-01 (the bundle has no kernel.log)");
		return;
	}
	marked = memmem(kl->data, kl->len, MC_KLOG_MARK_FROM, strlen(MC_KLOG_MARK_FROM)) != NULL;
	in = !marked;
	for (p = kl->data, end = kl->data + kl->len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		eol = eol ? eol : end;
		snprintf(line, sizeof(line), "%.*s", (int)(eol - p), p);
		if (marked && strstr(line, MC_KLOG_MARK_FROM))
			in = true;
		else if (marked && strstr(line, MC_KLOG_MARK_TO))
			in = false;
		else if (in && mc_klog_is_report(line) && !reports++)
			snprintf(first, sizeof(first), "%.400s", line);
		p = eol + 1;
	}
	for (int i = 0; i < rep->ncases; i++) {
		const struct mc_case_result *c = &rep->cases[i];

		if (strcmp(c->clause->id, "ROB-01"))
			continue;
		if (c->status == MC_PASS && reports)
			mc_vf_mismatch(v,
				       "report.json: ROB-01 case %s is pass, but kernel.log has %d "
				       "report line(s) it counts, the first: \"%s\"",
				       c->name, reports, first);
		if (c->status == MC_FAIL && !reports)
			mc_vf_mismatch(v,
				       "report.json: ROB-01 case %s is fail, but kernel.log has no "
				       "report line it counts",
				       c->name);
	}
	mc_vf_say(v, "checked: ROB-01 against kernel.log (%d report line(s)%s)", reports,
		  marked ? " in the run's window" : "");
}

/*
 * kernel_reports against the cases: each report charged to a case names one of the
 * report, and a run that lists kernel reports cannot have passed ROB-01 (it fails on any
 * of them). Reports from before the list have none to check.
 */
static void check_kreports(struct mc_vf *v, const struct mc_report *rep)
{
	int listed = rep->nkreports + rep->nkreports_omitted;

	if (!rep->kreports_known)
		return;
	for (int i = 0; i < rep->nkreports; i++) {
		const struct mc_kreport *k = &rep->kreports[i];
		int c;

		for (c = 0; k->in_case && c < rep->ncases; c++)
			if (!strcmp(rep->cases[c].name, k->where))
				break;
		if (k->in_case && c == rep->ncases)
			mc_vf_mismatch(v,
				       "report.json: kernel_reports[%d] is charged to case %s, "
				       "which the report does not have",
				       i, k->where);
	}
	for (int i = 0; i < rep->ncases && listed; i++)
		if (rep->cases[i].clause && !strcmp(rep->cases[i].clause->id, "ROB-01") &&
		    rep->cases[i].status == MC_PASS)
			mc_vf_mismatch(v,
				       "report.json: ROB-01 case %s is pass, but kernel_reports "
				       "lists %d kernel report(s), the first %s in %s",
				       rep->cases[i].name, listed,
				       rep->nkreports ? rep->kreports[0].kind : "?",
				       rep->nkreports ? rep->kreports[0].where : "?");
	mc_vf_say(v, "checked: %d kernel report(s) in kernel_reports against the cases", listed);
}

static int64_t cov_int(const struct mc_json *o, const char *key)
{
	int64_t x = -1;

	mc_json_int(mc_json_get(o, key), &x);
	return x;
}

/*
 * The driver coverage's totals against its own per-line and per-function record (what
 * `migcheck coverage` counted), and its cases against the report's: an edited figure
 * shows.
 */
static void check_coverage(struct mc_vf *v, const struct mc_report *rep)
{
	const struct mc_json *drv = mc_json_get(rep->coverage, "driver"), *fs;
	const struct mc_json *cs = mc_json_get(rep->coverage, "cases");
	int64_t got[4] = { 0 }, n;
	static const char *const key[] = { "lines", "lines_hit", "functions", "functions_hit" };

	if (!rep->coverage)
		return;
	fs = mc_json_get(drv, "files");
	for (size_t i = 0; i < mc_json_count(fs); i++)
		for (int k = 0; k < 2; k++) {
			const struct mc_json *a =
				mc_json_get(mc_json_at(fs, i), k ? "function_hits" : "line_hits");

			for (size_t j = 0; j < mc_json_count(a); j++) {
				const struct mc_json *e = mc_json_at(a, j);

				n = 0;
				mc_json_int(mc_json_at(e, mc_json_count(e) - 1), &n);
				got[2 * k]++;
				got[2 * k + 1] += n > 0;
			}
		}
	for (int k = 0; k < 4; k++)
		if (cov_int(drv, key[k]) != got[k])
			mc_vf_mismatch(v,
				       "report.json: coverage.driver.%s is %" PRId64 ", its files "
				       "record %" PRId64,
				       key[k], cov_int(drv, key[k]), got[k]);
	if ((int64_t)mc_json_count(mc_json_get(drv, "never")) != got[2] - got[3])
		mc_vf_mismatch(v,
			       "report.json: coverage.driver.never lists %zu functions, its "
			       "files record %" PRId64 " never reached",
			       mc_json_count(mc_json_get(drv, "never")), got[2] - got[3]);
	for (size_t i = 0; i < mc_json_count(cs); i++) {
		const char *name = mc_json_string(mc_json_get(mc_json_at(cs, i), "name"), NULL);
		int c = 0;

		while (name && c < rep->ncases && strcmp(rep->cases[c].name, name))
			c++;
		if (!name || c == rep->ncases)
			mc_vf_mismatch(v,
				       "report.json: coverage.cases[%zu] is case %s, which the "
				       "report does not have",
				       i, name ? name : "(unnamed)");
	}
	mc_vf_say(v,
		  "checked: driver coverage (%" PRId64 " of %" PRId64 " lines, %" PRId64
		  " of %" PRId64 " functions) against its per-line record and the cases",
		  got[1], got[0], got[3], got[2]);
}

/* environment.json's "run" against the run report.json records. */
static void check_env(struct mc_vf *v, const struct mc_rfiles *fs, const struct mc_report *rep)
{
	const struct mc_rfile *ef = mc_rfiles_get(fs, "environment.json");
	struct mc_json_doc *doc = NULL;
	struct mc_json_error je;

	if (!ef) {
		mc_vf_mismatch(v, "environment.json is missing from the bundle");
		return;
	}
	if (mc_json_parse(ef->data, ef->len, NULL, &doc, &je)) {
		mc_vf_mismatch(v, "environment.json:%u:%u: %s", je.line, je.col, je.msg);
		return;
	}
	for (int i = 0; i < MC_BUNDLE_ENV_RUN; i++) {
		const char *key, *want = mc_bundle_env_run(rep, i, &key), *got;
		char path[64];

		snprintf(path, sizeof(path), "run.%s", key);
		got = mc_json_string(mc_json_path(mc_json_root(doc), path), NULL);
		if (strcmp(got ? got : "", want ? want : ""))
			mc_vf_mismatch(v,
				       "environment.json: run.%s is \"%s\", report.json records "
				       "\"%s\"",
				       key, got ? got : "(missing)", want ? want : "");
	}
	mc_vf_say(v, "checked: the run in environment.json against report.json");
	mc_json_free(doc);
}

void mc_vf_evidence(struct mc_vf *v, const struct mc_rfiles *fs, const struct mc_json *root,
		    const struct mc_report *rep)
{
	check_waivers(v, fs, rep);
	check_rollup(v, root, rep);
	check_scope(v, root, rep);
	mc_vf_say(v,
		  "checked: verdict recomputed from %d case results over %d clauses: %s "
		  "(exit code %d)",
		  rep->ncases, rep->nclauses, mc_report_verdict(rep), mc_report_exit_code(rep));
	check_klog(v, fs, rep);
	check_kreports(v, rep);
	check_coverage(v, rep);
	check_env(v, fs, rep);
	check_renderings(v, fs, rep);
	mc_vf_say(v, "checked: junit.xml, report.ktap and report.html against report.json");
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KTAP version 1 on stdout (kernel Documentation/dev-tools/ktap.rst), streamed and
 * flushed line by line so a hung or killed run still shows how far it got, and in
 * <outdir>/report.ktap, written from the finished report like the other files. Result
 * lines read "ok <n> <case name> [<CLAUSE>]"; the format is documented in
 * reports/README.md, with the trailer "# Totals: pass:N fail:N xfail:N xpass:0 skip:N
 * error:N" (kselftest's), "# scope: <what the verdict covers>" and the closing
 * "# migcheck: N passed, N failed, N skipped[, N not run][, N waived]". Every line after
 * the last result is a diagnostic, so kunit.py parse reads the file as it is.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "errname.h"
#include "json.h"
#include "kinfo.h"
#include "rep_scope.h"
#include "report.h"
#include "reporter.h"
#include "waiver.h"

static FILE *ktap_stream; /* NULL: stdout */

struct ktap {
	FILE *f;
	bool strict;
	int nplanned;
	int nresults; /* result lines written: KTAP numbers them 1, 2, ... */
	int err;      /* first write error, reported once */
};

void mc_ktap_set_stream(FILE *f)
{
	ktap_stream = f;
}

/* Write @n bytes of @s on one line: no newline, no control character, valid UTF-8;
 * in a test name also no '#', which would start a directive. */
static void put_clean(FILE *f, const char *s, size_t n, bool name)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		uint32_t cp;
		int len;

		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				putc(name ? '_' : ' ', f);
			else
				putc(name && *p == '#' ? '_' : *p, f);
			p++;
			continue;
		}
		len = mc_utf8_decode(p, (size_t)(end - p), &cp);
		if (len < 0) {
			putc('?', f);
			p++;
		} else {
			fwrite(p, 1, (size_t)len, f);
			p += len;
		}
	}
}

static int ktap_flush(struct ktap *k)
{
	if (fflush(k->f) == EOF || ferror(k->f)) {
		if (!k->err) {
			k->err = -(errno ? errno : EIO);
			fprintf(stderr, "migcheck: writing KTAP output: %s\n", strerror(-k->err));
		}
		clearerr(k->f);
	}
	return k->err;
}

__attribute__((format(printf, 2, 3))) static void line(struct ktap *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(k->f, fmt, ap);
	va_end(ap);
	putc('\n', k->f);
	ktap_flush(k);
}

/*
 * One diagnostic block: "# <head>: <first line of text>", then "# <indent><line>" for
 * every further line. Empty @text gives "# <head>" alone.
 */
static void diag(struct ktap *k, const char *head, const char *indent, const char *text)
{
	const char *p = text;

	fprintf(k->f, "# %s", head);
	if (!*p) {
		line(k, "%s", "");
		return;
	}
	fputs(": ", k->f);
	for (;;) {
		size_t n = strcspn(p, "\n");

		put_clean(k->f, p, n, false);
		line(k, "%s", "");
		p += n;
		if (!p[0] || !p[1]) /* end, or a final newline */
			break;
		p++;
		fprintf(k->f, "# %s", indent);
	}
}

static const char *clause_id(const struct mc_case_result *r)
{
	return r->clause && r->clause->id ? r->clause->id : NULL;
}

/* "# kernel: RELEASE flavour F build B" and the oracles, when the report records them. */
static void kernel_head(struct ktap *k, const struct mc_run_info *info)
{
	static const char *const what[] = { "unknown", "absent", "present" };
	const struct mc_kinfo *ki = &info->kernel;
	char names[256];

	if (!ki->recorded)
		return; /* a report from before they were recorded renders as it did */
	fputs("# kernel: ", k->f);
	put_clean(k->f, info->kernel_release, strlen(info->kernel_release), false);
	fprintf(k->f, " flavour %s build ", ki->flavour);
	put_clean(k->f, ki->build[0] ? ki->build : "none",
		  strlen(ki->build[0] ? ki->build : "none"), false);
	line(k, "%s", "");
	for (int st = MC_ORACLE_PRESENT; st >= MC_ORACLE_UNKNOWN; st--) {
		if (!mc_kinfo_list(ki, (enum mc_oracle_state)st, names, sizeof(names)))
			continue;
		fprintf(k->f, "# kernel oracles %s: ", what[st]);
		put_clean(k->f, names, strlen(names), false);
		line(k, "%s", "");
	}
}

/* The trailer's kernel line: the kernel's flavour and the run's kernel reports. */
static void kernel_tail(struct ktap *k, const struct mc_report *rep)
{
	if (!rep->info.kernel.recorded)
		return;
	fprintf(k->f, "# kernel: %s, ", rep->info.kernel.flavour);
	if (!rep->kreports_known) {
		line(k, "kernel log not read");
		return;
	}
	fprintf(k->f, "%d kernel report(s)", rep->nkreports + rep->nkreports_omitted);
	for (int i = 0; i < rep->nkreports && i < 3; i++) {
		const struct mc_kreport *r = &rep->kreports[i];

		fprintf(k->f, "%s%s in %s ", i ? ", " : ": ", r->kind,
			r->in_case ? "case" : "phase");
		put_clean(k->f, r->where, strlen(r->where), false);
	}
	line(k, "%s", rep->nkreports > 3 ? ", ..." : "");
}

static int ktap_begin_on(struct ktap *k, const struct mc_run_info *info, int nplanned)
{
	const char *ver = info->tool_version ? info->tool_version : "unknown";
	const char *spec = info->device_spec ? info->device_spec : "";

	fputs("KTAP version 1\n# migcheck ", k->f);
	put_clean(k->f, ver, strlen(ver), true);
	fputs(" device ", k->f);
	put_clean(k->f, spec, strlen(spec), false);
	if (info->flags_known)
		line(k, " flags %" PRIu64, info->mig_flags);
	else
		line(k, " flags unknown");
	kernel_head(k, info);
	/* Where the [CLAUSE] of every result line is defined. */
	fputs("# clauses: docs/CLAUSES.md of migcheck ", k->f);
	put_clean(k->f, ver, strlen(ver), true);
	line(k, ", printed by migcheck clauses");
	if (info->uapi_known) {
		char v2[160];

		line(k, "# uapi: PRECOPY_INFOv2 %s; unknown feature errno %s",
		     mc_uapi_v2_text(info->precopy_v2_rc, info->unknown_feature_rc, info->mig_flags,
				     v2, sizeof(v2)),
		     info->unknown_feature_rc ? mc_errno_name(info->unknown_feature_rc) : "0");
	}
	if (info->strict)
		line(k, "# strict: SHOULD violations (warn) are reported as not ok");
	if (info->profiles[0] && strcmp(info->profiles, "qemu,cloud-hypervisor"))
		line(k, "# profiles: %s (--profile: the other VMMs' rows are skipped)",
		     info->profiles);
	line(k, "1..%d", nplanned < 0 ? 0 : nplanned);
	return k->err;
}

/* "ok N name [CL] # XFAIL waived: reason ref=..." (kselftest's expected failure). */
static int ktap_xfail(struct ktap *k, const struct mc_case_result *r, const char *cl)
{
	fprintf(k->f, "ok %d ", k->nresults);
	put_clean(k->f, r->name, strnlen(r->name, sizeof(r->name)), true);
	fprintf(k->f, " [%s] # XFAIL waived: ", cl ? cl : "?");
	put_clean(k->f, r->waiver->reason, strlen(r->waiver->reason), false);
	fputs(" ref=", k->f);
	put_clean(k->f, r->waiver->ref, strlen(r->waiver->ref), false);
	line(k, "%s", "");
	return k->err;
}

static int ktap_result_on(struct ktap *k, const struct mc_case_result *r)
{
	const char *cl = clause_id(r);
	const struct mc_clause *ch = mc_case_charged(r);
	const char *charged = ch && ch->id ? ch->id : "?"; /* the clause the verdict is on */
	bool ok;
	char head[64];

	k->nresults++;
	if (r->waiver) {
		snprintf(head, sizeof(head), "waived %s [%s]", mc_status_name(r->status), charged);
		diag(k, head, "", r->detail);
		if (r->oplog[0])
			diag(k, "oplog", "  ", r->oplog[0] == '\n' ? r->oplog + 1 : r->oplog);
		return ktap_xfail(k, r, cl);
	}
	switch (r->status) {
	case MC_PASS:
		ok = true;
		if (r->detail[0])
			diag(k, "info", "", r->detail);
		break;
	case MC_SKIP: ok = true; break;
	case MC_WARN:
		ok = !k->strict;
		diag(k, "warn", "", r->detail);
		break;
	case MC_FAIL:
		ok = false;
		snprintf(head, sizeof(head), "fail [%s]", charged);
		diag(k, head, "", r->detail);
		break;
	case MC_ERROR:
	default:
		ok = false;
		diag(k, "error", "", r->detail[0] ? r->detail : "(no detail)");
		break;
	}
	if (!ok && r->oplog[0])
		diag(k, "oplog", "  ", r->oplog[0] == '\n' ? r->oplog + 1 : r->oplog);

	fprintf(k->f, "%s %d ", ok ? "ok" : "not ok", k->nresults);
	if (r->name[0])
		put_clean(k->f, r->name, strnlen(r->name, sizeof(r->name)), true);
	else
		fputs("unnamed", k->f);
	if (cl)
		fprintf(k->f, " [%s]", cl);
	if (r->status == MC_SKIP) {
		fputs(" # SKIP", k->f);
		if (r->detail[0]) {
			putc(' ', k->f);
			put_clean(k->f, r->detail, strlen(r->detail), false);
		}
	}
	line(k, "%s", "");
	return k->err;
}

static int ktap_end_on(struct ktap *k, const struct mc_report *rep)
{
	const int *c = rep->counts, *w = rep->waived;
	int waived = w[MC_FAIL] + w[MC_WARN];
	int failed =
		c[MC_FAIL] - w[MC_FAIL] + c[MC_ERROR] + (k->strict ? c[MC_WARN] - w[MC_WARN] : 0);
	int passed = c[MC_PASS] + (k->strict ? 0 : c[MC_WARN] - w[MC_WARN]);
	struct mc_scope sc;
	int not_run;

	if (k->nresults < k->nplanned)
		line(k, "# %d of %d planned cases did not run", k->nplanned - k->nresults,
		     k->nplanned);
	mc_report_scope(rep, &sc);
	not_run = rep->ncases - sc.cases_run; /* counted apart from the skips */
	fprintf(k->f, "# totals: pass=%d fail=%d warn=%d skip=%d error=%d", c[MC_PASS], c[MC_FAIL],
		c[MC_WARN], sc.skipped, c[MC_ERROR]);
	if (not_run)
		fprintf(k->f, " not_run=%d", not_run);
	if (rep->waivers)
		fprintf(k->f, " waived=%d", waived);
	line(k, "%s", "");
	/* kselftest's count of the result lines: a waived case is its expected failure. */
	line(k, "# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:%d", passed,
	     failed - c[MC_ERROR], waived, sc.skipped, c[MC_ERROR]);
	kernel_tail(k, rep);
	fputs("# scope: ", k->f);
	put_clean(k->f, sc.label, strlen(sc.label), false);
	line(k, "%s", "");
	fprintf(k->f, "# migcheck: %d passed, %d failed, %d skipped", passed, failed, sc.skipped);
	if (not_run)
		fprintf(k->f, ", %d not run", not_run);
	if (waived)
		fprintf(k->f, ", %d waived", waived);
	line(k, "%s", "");
	return k->err;
}

static int ktap_begin(void **priv, const struct mc_run_info *info, int nplanned, const char *outdir)
{
	struct ktap *k = calloc(1, sizeof(*k));

	(void)outdir;
	if (!k) {
		fprintf(stderr, "migcheck: KTAP output: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	k->f = ktap_stream ? ktap_stream : stdout;
	k->strict = info->strict;
	k->nplanned = nplanned;
	*priv = k;
	return ktap_begin_on(k, info, nplanned);
}

static int ktap_result(void *priv, const struct mc_case_result *r, int index)
{
	(void)index; /* KTAP numbers by our own count: 1, 2, ... without gaps */
	return ktap_result_on(priv, r);
}

static int ktap_end(void *priv, const struct mc_report *rep)
{
	struct ktap *k = priv;
	int rc = ktap_end_on(k, rep);

	free(k);
	return rc;
}

const struct mc_reporter_ops mc_ktap_reporter = {
	.name = "ktap",
	.begin = ktap_begin,
	.result = ktap_result,
	.end = ktap_end,
};

int mc_ktap_write(FILE *f, const struct mc_report *rep)
{
	struct ktap k = {
		.f = f,
		.strict = rep->info.strict,
		.nplanned = rep->ncases,
	};

	ktap_begin_on(&k, &rep->info, rep->ncases);
	for (int i = 0; i < rep->ncases; i++)
		ktap_result_on(&k, &rep->cases[i]);
	return ktap_end_on(&k, rep);
}

/* What `report render` writes from report.json: stdout's KTAP, for a run that ran to the end. */
MC_DEFINE_FILE_REPORTER(mc_ktap_file_reporter, "report.ktap", mc_ktap_write);

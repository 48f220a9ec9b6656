// SPDX-License-Identifier: GPL-2.0-only
/*
 * migcheck verify: a bundle is accepted only when (1) every file's SHA-256 matches
 * MANIFEST.sha256 and no file is missing or extra, (2) the clause statuses, counts,
 * waiver marks, verdict and exit code recorded in report.json are what its raw case
 * results give, with the bundled waivers, and (3) junit.xml, report.ktap and report.html
 * are exactly what report.json renders to. Each mismatch is one line naming the file
 * and the value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "rep_load.h"
#include "render.h"
#include "sha256.h"
#include "tar.h"
#include "waiver.h"

#define MANIFEST "MANIFEST.sha256"

struct vf {
	FILE *out;
	int bad;	/* mismatches found */
};

__attribute__((format(printf, 2, 3)))
static void mismatch(struct vf *v, const char *fmt, ...)
{
	va_list ap;

	v->bad++;
	fputs("MISMATCH: ", v->out);
	va_start(ap, fmt);
	vfprintf(v->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->out);
}

static int read_all(const char *path, uint8_t **buf, size_t *len, FILE *out)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;

	if (!f) {
		fprintf(out, "verify: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	*buf = malloc(cap);
	while (*buf) {
		size_t got = fread(*buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			uint8_t *grown = cap >= MC_BUNDLE_MAX ? NULL : realloc(*buf, cap * 2);

			if (!grown) {
				free(*buf);
				*buf = NULL;
				break;
			}
			*buf = grown;
			cap *= 2;
		}
	}
	if (!*buf || ferror(f)) {
		fprintf(out, "verify: %s: %s\n", path, *buf ? "read error" :
			"larger than the 1 GiB a bundle may have, or out of memory");
		fclose(f);
		free(*buf);
		return -EIO;
	}
	fclose(f);
	*len = n;
	return 0;
}

/* The tar entries as files relative to the bundle's one top-level directory. */
static int unpack(const struct mc_tar_entry *e, int n, struct mc_rfiles *fs, char *top,
		  size_t toplen, FILE *out)
{
	for (int i = 0; i < n; i++) {
		const char *slash = strchr(e[i].name, '/');

		if (!slash || !slash[1] || strstr(e[i].name, "/../") || e[i].name[0] == '/') {
			fprintf(out, "verify: not a migcheck bundle: entry '%s' is not inside one "
				"directory\n", e[i].name);
			return -EINVAL;
		}
		if (!i)
			snprintf(top, toplen, "%.*s", (int)(slash - e[i].name), e[i].name);
		if (strncmp(e[i].name, top, strlen(top)) || e[i].name[strlen(top)] != '/') {
			fprintf(out, "verify: not a migcheck bundle: '%s' is outside '%s/'\n",
				e[i].name, top);
			return -EINVAL;
		}
		if (mc_rfiles_get(fs, slash + 1)) {
			fprintf(out, "verify: %s appears twice in the bundle\n", slash + 1);
			return -EINVAL;
		}
		if (mc_rfiles_put(fs, slash + 1, e[i].data, e[i].len))
			return -ENOMEM;
	}
	return 0;
}

/* (1) MANIFEST.sha256 against every file. */
static void check_manifest(struct vf *v, const struct mc_rfiles *fs, const struct mc_rfile *m)
{
	const char *p = m->data, *end = m->data + m->len;
	int listed = 0, lineno = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char hex[MC_SHA256_HEX], want[MC_SHA256_HEX], name[260];
		const struct mc_rfile *rf;
		int n;

		eol = eol ? eol : end;
		lineno++;
		n = (int)(eol - p);
		if (n < 67 || n > 66 + 255 || p[64] != ' ' || p[65] != ' ' ||
		    strspn(p, "0123456789abcdef") != 64) {
			mismatch(v, "MANIFEST.sha256 line %d is not '<sha256>  <file>'", lineno);
			p = eol + 1;
			continue;
		}
		snprintf(want, sizeof(want), "%.64s", p);
		snprintf(name, sizeof(name), "%.*s", n - 66, p + 66);
		rf = mc_rfiles_get(fs, name);
		listed++;
		if (!rf || !strcmp(name, MANIFEST)) {
			mismatch(v, "%s is in the manifest but not in the bundle", name);
		} else {
			mc_sha256_hex(rf->data, rf->len, hex);
			if (strcmp(hex, want))
				mismatch(v, "%s: SHA-256 %s, the manifest says %s (the file was "
					 "changed after bundling)", name, hex, want);
		}
		p = eol + 1;
	}
	for (int i = 0; i < fs->n; i++) {
		char needle[300];

		snprintf(needle, sizeof(needle), "  %s\n", fs->f[i].name);
		if (strcmp(fs->f[i].name, MANIFEST) && !strstr(m->data, needle))
			mismatch(v, "%s is in the bundle but not in the manifest", fs->f[i].name);
	}
	fprintf(v->out, "checked: %d files against %s\n", listed, MANIFEST);
}

static const char *jstr(const struct mc_json *o, const char *path)
{
	const char *s = mc_json_string(mc_json_path(o, path), NULL);

	return s ? s : "(missing)";
}

static void check_counts(struct vf *v, const char *what, const struct mc_json *o,
			 const int *counts)
{
	for (int s = 0; s < MC_NSTATUS; s++) {
		int64_t got = -1;

		mc_json_int(mc_json_get(o, mc_status_name(s)), &got);
		if (got != counts[s])
			mismatch(v, "report.json: %s.%s is %lld, its cases give %d", what,
				 mc_status_name(s), (long long)got, counts[s]);
	}
}

/* (2) what report.json records against what its case results and waivers give. */
static void check_rollup(struct vf *v, const struct mc_json *root, const struct mc_report *rep)
{
	const struct mc_json *cls = mc_json_get(root, "clauses"), *cases = mc_json_get(root, "cases");
	char what[64];
	int64_t code = -1, waived = -1;

	for (int i = 0; i < rep->nclauses; i++) {
		const struct mc_clause_result *cr = &rep->clauses[i];
		const struct mc_json *c = mc_json_at(cls, (size_t)i);

		if (strcmp(jstr(c, "status"), mc_status_name(cr->status)))
			mismatch(v, "report.json: clause %s is recorded as %s, its cases give %s",
				 cr->clause->id, jstr(c, "status"), mc_status_name(cr->status));
		snprintf(what, sizeof(what), "clause %s counts", cr->clause->id);
		check_counts(v, what, mc_json_get(c, "counts"), cr->counts);
		if (rep->waivers && strcmp(jstr(c, "effective"), mc_clause_effective(cr)))
			mismatch(v, "report.json: clause %s is recorded as effectively %s, its cases "
				 "and the waivers give %s", cr->clause->id, jstr(c, "effective"),
				 mc_clause_effective(cr));
	}
	for (int i = 0; i < rep->ncases; i++) {
		bool marked = mc_json_get(mc_json_at(cases, (size_t)i), "waiver") != NULL;

		if (marked != (rep->cases[i].waiver != NULL))
			mismatch(v, "report.json: case %s is %s waived, the waivers say it %s",
				 rep->cases[i].name, marked ? "marked" : "not marked",
				 rep->cases[i].waiver ? "is" : "is not");
	}
	check_counts(v, "summary.counts", mc_json_path(root, "summary.counts"), rep->counts);
	if (strcmp(jstr(root, "summary.verdict"), mc_report_verdict(rep)))
		mismatch(v, "report.json: summary.verdict is %s, the case results give %s",
			 jstr(root, "summary.verdict"), mc_report_verdict(rep));
	mc_json_int(mc_json_path(root, "summary.exit_code"), &code);
	if (code != mc_report_exit_code(rep))
		mismatch(v, "report.json: summary.exit_code is %lld, the verdict gives %d",
			 (long long)code, mc_report_exit_code(rep));
	mc_json_int(mc_json_path(root, "summary.waived"), &waived);
	if (rep->waivers && waived != rep->waived[MC_FAIL] + rep->waived[MC_WARN])
		mismatch(v, "report.json: summary.waived is %lld, the waivers cover %d cases",
			 (long long)waived, rep->waived[MC_FAIL] + rep->waived[MC_WARN]);
}

/* The bundled waivers.txt against the waivers report.json recorded. */
static void check_waivers(struct vf *v, const struct mc_rfiles *fs, const struct mc_report *rep)
{
	const struct mc_waivers *rec = mc_report_recorded_waivers(rep);
	const struct mc_rfile *wf = mc_rfiles_get(fs, "waivers.txt");
	struct mc_waivers w = { 0 };
	char err[600];

	if (!wf) {
		if (rec->n)
			mismatch(v, "report.json records %d waiver(s) but the bundle has no "
				 "waivers.txt", rec->n);
		return;
	}
	if (mc_waivers_parse(wf->data, wf->len, "waivers.txt", &w, err, sizeof(err))) {
		mismatch(v, "%s", err);
		return;
	}
	if (w.n != rec->n)
		mismatch(v, "waivers.txt has %d waiver(s), report.json records %d", w.n, rec->n);
	for (int i = 0; i < w.n; i++) {
		const struct mc_waiver *r = mc_waiver_find(rec, w.w[i].clause);

		if (!r || strcmp(r->reason, w.w[i].reason) || strcmp(r->ref, w.w[i].ref))
			mismatch(v, "waivers.txt:%u: the waiver of %s is not the one report.json "
				 "records", w.w[i].line, w.w[i].clause);
	}
	fprintf(v->out, "checked: %d waiver(s) in waivers.txt\n", w.n);
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
static void ktap_cases(struct vf *v, const char *want, size_t wlen, const struct mc_rfile *got)
{
	const char *a = want, *b = got->data;
	char la[512], lb[512];
	int shown = 0;

	while (shown < 5 && next_result(&a, want + wlen, la, sizeof(la)) &&
	       next_result(&b, got->data + got->len, lb, sizeof(lb))) {
		if (strcmp(la, lb)) {
			mismatch(v, "report.json's result renders as \"%s\", report.ktap has \"%s\"",
				 la, lb);
			shown++;
		}
	}
}

/* (3) each derived file against its rendering from report.json. */
static void check_renderings(struct vf *v, const struct mc_rfiles *fs, const struct mc_report *rep)
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
			mismatch(v, "%s is missing from the bundle", name);
			continue;
		}
		if (mc_render_mem(rep, &e.x, formats[i], &buf, &len)) {
			mismatch(v, "%s: cannot render it from report.json", name);
			continue;
		}
		for (k = 0; k < len && k < rf->len && buf[k] == rf->data[k]; k++)
			line += buf[k] == '\n';
		if (k != len || k != rf->len) {
			mismatch(v, "%s does not match report.json (first difference at line %d)",
				 name, line);
			if (!strcmp(formats[i], "ktap"))
				ktap_cases(v, buf, len, rf);
		}
		free(buf);
	}
	mc_render_extra_free(&e);
}

int mc_bundle_verify(const char *path, FILE *out)
{
	struct vf v = { .out = out };
	struct mc_rfiles fs = { 0 };
	struct mc_tar_entry *ents = NULL;
	struct mc_json_doc *doc = NULL;
	struct mc_report *rep = NULL;
	const struct mc_rfile *m, *rj;
	struct mc_json_error je;
	char err[600], top[256] = "", mhex[MC_SHA256_HEX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int n = 0, rc = 2;

	if (read_all(path, &buf, &len, out))
		return 2;
	if (mc_tar_parse(buf, len, &ents, &n, err, sizeof(err))) {
		fprintf(out, "verify: %s: not a readable bundle: %s\n", path, err);
		goto out;
	}
	if (!n || unpack(ents, n, &fs, top, sizeof(top), out))
		goto out;
	m = mc_rfiles_get(&fs, MANIFEST);
	if (!m) {
		fprintf(out, "verify: %s: no %s: not a migcheck bundle\n", path, MANIFEST);
		goto out;
	}
	mc_sha256_hex(m->data, m->len, mhex);
	fprintf(out, "bundle %s: %d files in %s/, manifest SHA-256 %s\n", path, fs.n, top, mhex);
	rc = 1;
	check_manifest(&v, &fs, m);
	rj = mc_rfiles_get(&fs, "report.json");
	if (!rj) {
		mismatch(&v, "report.json is missing from the bundle");
		goto out;
	}
	if (mc_json_parse(rj->data, rj->len, NULL, &doc, &je)) {
		mismatch(&v, "report.json:%u:%u: %s", je.line, je.col, je.msg);
		goto out;
	}
	if (mc_report_from_json(mc_json_root(doc), &rep, err, sizeof(err))) {
		mismatch(&v, "report.json: %s", err);
		goto out;
	}
	check_waivers(&v, &fs, rep);
	check_rollup(&v, mc_json_root(doc), rep);
	fprintf(out, "checked: verdict recomputed from %d case results over %d clauses: %s "
		"(exit code %d)\n", rep->ncases, rep->nclauses, mc_report_verdict(rep),
		mc_report_exit_code(rep));
	check_renderings(&v, &fs, rep);
	fprintf(out, "checked: junit.xml, report.ktap and report.html against report.json\n");
	if (!v.bad)
		rc = 0;
out:
	if (rc == 0) {
		struct mc_scope sc;

		mc_report_scope(rep, &sc);
		fprintf(out, "bundle intact: device %s (%s %s), kernel %s: verdict %s\n",
			rep->info.device_spec, rep->info.ident.driver, rep->info.ident.type,
			rep->info.kernel_release, sc.label);
	}
	else if (rc == 1)
		fprintf(out, "bundle REJECTED: %d mismatch(es)\n", v.bad);
	mc_report_unload(rep);
	mc_json_free(doc);
	mc_rfiles_free(&fs);
	free(ents);
	free(buf);
	return rc;
}

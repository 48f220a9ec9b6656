// SPDX-License-Identifier: GPL-2.0-only
/*
 * migcheck coverage: the guest's PC lists symbolised against the objects with line tables.
 * Interface (also for fuzz campaigns, on any PC list in kcov_run.h's format):
 *
 *   migcheck coverage --pcs FILE --out DIR [--module [NAME=]KO]... [--vmlinux FILE]
 *                     [--src DIR] [--ksrc DIR]
 *
 * --module: a driver or VFIO module built with KCOV (NAME defaults to the file's base name,
 * '-' as '_'); --vmlinux: for the built-in VFIO core (its span from the list's "# range
 * vmlinux" line); --src: the driver's source directory (its files are the driver's);
 * --ksrc: the kernel tree (drivers/vfio/ sources). Writes DIR/coverage.json (report.json's
 * `coverage` member), DIR/coverage.info (lcov) and prints one summary line on stdout:
 *   coverage: driver lines H/N (P%), functions H/N; VFIO core lines H/N, functions H/N
 * When DIR holds a report.json, the member goes into it and every format is re-rendered.
 * Exit 0, or 2 with one line on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_report.h"
#include "cov.h"
#include "rep_load.h"
#include "render.h"
#include "term.h"

#define EXIT_USAGE 2
#define MAX_MODULES 8

const char mc_cmd_coverage_usage[] =
	"  coverage --pcs FILE --out DIR [--module [NAME=]KO]... [--vmlinux FILE]\n"
	"           [--src DIR] [--ksrc DIR]\n"
	"                       the driver's line and function coverage from a KCOV PC\n"
	"                       list (kcov-cases.pcs of a run): coverage.json, coverage.info\n"
	"                       (lcov) and, in a report dir, report.json and report.html\n";

struct cov_args {
	const char *pcs, *out, *vmlinux, *src, *ksrc;
	const char *mod[MAX_MODULES];
	int nmod;
};

static int parse_args(int argc, char **argv, struct cov_args *a)
{
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL, *o = argv[i];

		if (!v)
			goto usage;
		if (!strcmp(o, "--pcs"))
			a->pcs = v;
		else if (!strcmp(o, "--out"))
			a->out = v;
		else if (!strcmp(o, "--vmlinux"))
			a->vmlinux = v;
		else if (!strcmp(o, "--src"))
			a->src = v;
		else if (!strcmp(o, "--ksrc"))
			a->ksrc = v;
		else if (!strcmp(o, "--module") && a->nmod < MAX_MODULES)
			a->mod[a->nmod++] = v;
		else
			goto usage;
	}
	if (a->pcs && a->out)
		return 0;
usage:
	fprintf(stderr, "usage: migcheck\n%s", mc_cmd_coverage_usage);
	return -EINVAL;
}

/* vmlinux's span from the list's "# range vmlinux 0xS 0xE ..." line: 0 or -ENOENT. */
static int vmlinux_range(const char *pcs, uint64_t *start, uint64_t *end)
{
	FILE *f = fopen(pcs, "re");
	char line[512];
	unsigned long long s, e;
	int rc = -ENOENT;

	while (f && fgets(line, sizeof(line), f) && line[0] == '#')
		if (sscanf(line, "# range vmlinux %llx %llx", &s, &e) == 2) {
			*start = s;
			*end = e;
			rc = 0;
		}
	if (f)
		fclose(f);
	return rc;
}

static int load_objects(struct mc_cov *cv, const struct cov_args *a, char *err, size_t len)
{
	uint64_t start, end;
	int rc;

	for (int i = 0; i < a->nmod; i++) {
		const char *eq = strchr(a->mod[i], '='), *path = eq ? eq + 1 : a->mod[i];
		const char *base = strrchr(path, '/');
		char name[64];

		if (eq)
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a->mod[i]), a->mod[i]);
		else
			snprintf(name, sizeof(name), "%s", base ? base + 1 : path);
		name[strcspn(name, ".")] = '\0';
		for (char *c = name; *c; c++)
			*c = *c == '-' ? '_' : *c;
		rc = mc_cov_obj_load(cv, name, path, 0, 0, err, len);
		if (rc)
			return rc;
	}
	if (a->vmlinux && !vmlinux_range(a->pcs, &start, &end)) {
		rc = mc_cov_obj_load(cv, "vmlinux", a->vmlinux, start, end, err, len);
		if (rc)
			return rc;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const struct mc_cov *cv, bool lcov)
{
	char path[4096];
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "migcheck: coverage: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (lcov)
		mc_cov_write_lcov(cv, f);
	else
		mc_cov_write_json(cv, f);
	bad = ferror(f);
	if (fclose(f) || bad) {
		fprintf(stderr, "migcheck: coverage: writing %s failed\n", path);
		return -EIO;
	}
	return 0;
}

/* DIR/report.json with DIR/coverage.json as its `coverage`, every format re-rendered. */
static int update_report(const char *dir)
{
	char path[4096], err[1024];
	struct mc_report *rep = NULL;
	struct mc_json_doc *doc = NULL;
	struct mc_rfiles fs = { 0 };
	struct mc_json_error jerr;
	int rc;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	rc = mc_report_load_file(path, &rep, err, sizeof(err));
	if (rc) {
		mc_term_printf(stderr, "migcheck: coverage: %s\n", err);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/coverage.json", dir);
	rc = mc_json_parse_file(path, NULL, &doc, &jerr);
	if (rc) {
		mc_term_printf(stderr, "migcheck: coverage: %s:%u: %s\n", path, jerr.line,
			       jerr.msg);
		goto out;
	}
	rep->coverage = mc_json_root(doc);
	if (mc_rfiles_scan(dir, true, &fs, err, sizeof(err)))
		mc_term_printf(stderr, "migcheck: coverage: warning: %s\n", err);
	rc = mc_render_all(rep, &fs, dir, true);
out:
	mc_rfiles_free(&fs);
	mc_report_unload(rep);
	mc_json_free(doc);
	return rc;
}

static double pct(int hit, int n)
{
	return n ? 100.0 * hit / n : 0;
}

int mc_cmd_coverage(int argc, char **argv)
{
	struct cov_args a = { 0 };
	struct mc_cov cv = { 0 };
	struct mc_cov_count d, c;
	char err[1024], path[4096];
	FILE *probe;
	int rc = EXIT_USAGE;

	if (parse_args(argc, argv, &a))
		return EXIT_USAGE;
	cv.src = a.src;
	cv.ksrc = a.ksrc;
	if (load_objects(&cv, &a, err, sizeof(err)) ||
	    mc_cov_read_pcs(&cv, a.pcs, err, sizeof(err))) {
		mc_term_printf(stderr, "migcheck: coverage: %s\n", err);
		goto out;
	}
	if (write_file(a.out, "coverage.json", &cv, false) ||
	    write_file(a.out, "coverage.info", &cv, true))
		goto out;
	mc_cov_count(&cv, -1, MC_COV_DRIVER, &d);
	mc_cov_count(&cv, -1, MC_COV_CORE, &c);
	printf("coverage: driver lines %d/%d (%.1f%%), functions %d/%d; VFIO core lines %d/%d "
	       "(%.1f%%), functions %d/%d\n",
	       d.lines_hit, d.lines, pct(d.lines_hit, d.lines), d.fns_hit, d.fns, c.lines_hit,
	       c.lines, pct(c.lines_hit, c.lines), c.fns_hit, c.fns);
	snprintf(path, sizeof(path), "%s/report.json", a.out);
	probe = fopen(path, "re");
	rc = 0;
	if (probe) {
		fclose(probe);
		rc = update_report(a.out) ? EXIT_USAGE : 0;
	}
out:
	mc_cov_free(&cv);
	return rc;
}

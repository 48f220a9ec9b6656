// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver coverage counted (cov.h): the guest's PC lists matched to coverage points, and
 * line and function coverage per case and in total, for the driver's and the VFIO core's
 * source files (cov_line.c classes them), as JSON and as an lcov tracefile.
 * A line is instrumented when a coverage point has it, hit when one of those was reached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cov.h"
#include "escape.h"

/* ---------------------------------------------------------------- PC lists */

static struct mc_cov_set *new_set(struct mc_cov *cv, const char *name)
{
	struct mc_cov_set *s, *g = realloc(cv->set, (size_t)(cv->nset + 1) * sizeof(*g));

	if (!g)
		return NULL;
	cv->set = g;
	s = &cv->set[cv->nset];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->hit = calloc((size_t)cv->nobj + 1, sizeof(*s->hit));
	if (!s->hit)
		return NULL;
	for (int i = 0; i < cv->nobj; i++) {
		s->hit[i] = calloc((size_t)cv->obj[i].nsite + 1, 1);
		if (!s->hit[i])
			return NULL;
	}
	cv->nset++;
	return s;
}

/* The object and site of one PC line's "<obj> <sym>+0x<off>" (canonical @pc), or -1. */
static int site_of(const struct mc_cov *cv, uint64_t pc, const char *obj, const char *symoff,
		   int *oi)
{
	const char *plus = strrchr(symoff, '+');
	uint64_t off;

	for (*oi = 0; *oi < cv->nobj && strcmp(cv->obj[*oi].name, obj); (*oi)++)
		;
	if (*oi == cv->nobj || !plus)
		return -1;
	if (cv->obj[*oi].linked) {
		for (int s = 0; s < cv->obj[*oi].nsec; s++) {
			int i = mc_cov_site_find(&cv->obj[*oi], s, pc);

			if (i >= 0)
				return i;
		}
		return -1;
	}
	off = strtoull(plus + 1, NULL, 16);
	for (int f = 0; f < cv->obj[*oi].nfn; f++) {
		const struct mc_cov_fn *fn = &cv->obj[*oi].fn[f];

		if (!strncmp(fn->name, symoff, (size_t)(plus - symoff)) && !fn->name[plus - symoff])
			return mc_cov_site_find(&cv->obj[*oi], fn->sec, fn->addr + off);
	}
	return -1;
}

int mc_cov_read_pcs(struct mc_cov *cv, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	struct mc_cov_set *s = NULL;
	char line[1024];

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char obj[64], sym[512], name[160];
		unsigned long long pc;
		int oi, si;

		if (sscanf(line, "# case %159[^\n]", name) == 1) {
			s = new_set(cv, name);
			if (!s)
				goto out_nomem;
			continue;
		}
		if (!strncmp(line, "# lost", 6) && s)
			s->lost = true;
		if (line[0] == '#' || sscanf(line, "%llx %63s %511s", &pc, obj, sym) != 3)
			continue;
		if (!s && !(s = new_set(cv, path)))
			goto out_nomem;
		si = site_of(cv, pc, obj, sym, &oi);
		if (si < 0)
			s->unmatched++;
		else
			s->hit[oi][si] = 1;
	}
	fclose(f);
	if (!cv->nset && !new_set(cv, path))
		return -ENOMEM;
	return 0;
out_nomem:
	fclose(f);
	snprintf(err, errlen, "%s: out of memory", path);
	return -ENOMEM;
}

/* ---------------------------------------------------------------- counting */

/*
 * How many sets reach each line (@line_n[nline]) and function (@fn_n[obj][fn]) when
 * @set < 0, else 0/1 for that set.
 */
static int tally(const struct mc_cov *cv, int set, int *line_n, int **fn_n)
{
	int first = set < 0 ? 0 : set, last = set < 0 ? cv->nset : set + 1;

	for (int k = first; k < last; k++) {
		for (int o = 0; o < cv->nobj; o++) {
			const struct mc_cov_obj *ob = &cv->obj[o];
			uint8_t *fseen = calloc((size_t)ob->nfn + 1, 1);

			if (!fseen)
				return -ENOMEM;
			for (int i = 0; i < ob->nsite; i++) {
				const struct mc_cov_site *st = &ob->site[i];

				if (!cv->set[k].hit[o][i])
					continue;
				if (st->line >= 0)
					line_n[st->line] = line_n[st->line] + 1;
				if (st->fn >= 0 && !fseen[st->fn]++)
					fn_n[o][st->fn]++;
			}
			free(fseen);
		}
	}
	/* a line is counted once per set however many of its points the set reached */
	return 0;
}

struct tallies {
	int *line_n; /* reached per line (points reached, summed over sets) */
	uint8_t *line_seen;
	int **fn_n;
};

static void tallies_free(const struct mc_cov *cv, struct tallies *t)
{
	for (int o = 0; t->fn_n && o < cv->nobj; o++)
		free(t->fn_n[o]);
	free(t->fn_n);
	free(t->line_n);
	free(t->line_seen);
}

/* Lines reached per set counted once: sets reaching each line into t->line_n. */
static int tallies_make(const struct mc_cov *cv, int set, struct tallies *t)
{
	int first = set < 0 ? 0 : set, last = set < 0 ? cv->nset : set + 1, rc = 0;

	memset(t, 0, sizeof(*t));
	t->line_n = calloc((size_t)cv->nline + 1, sizeof(int));
	t->line_seen = calloc((size_t)cv->nline + 1, 1);
	t->fn_n = calloc((size_t)cv->nobj + 1, sizeof(*t->fn_n));
	if (!t->line_n || !t->line_seen || !t->fn_n)
		rc = -ENOMEM;
	for (int o = 0; !rc && o < cv->nobj; o++)
		if (!(t->fn_n[o] = calloc((size_t)cv->obj[o].nfn + 1, sizeof(int))))
			rc = -ENOMEM;
	for (int k = first; k < last && !rc; k++) {
		int *one = calloc((size_t)cv->nline + 1, sizeof(int));

		if (!one || (rc = tally(cv, k, one, t->fn_n))) {
			free(one);
			rc = -ENOMEM;
			break;
		}
		for (int l = 0; l < cv->nline; l++)
			t->line_n[l] += one[l] > 0;
		free(one);
	}
	if (rc)
		tallies_free(cv, t);
	return rc;
}

static enum mc_cov_scope fn_scope(const struct mc_cov *cv, const struct mc_cov_fn *fn)
{
	return fn->line >= 0 ? cv->file[cv->line[fn->line].file].scope : MC_COV_OTHER;
}

static void count_with(const struct mc_cov *cv, const struct tallies *t, enum mc_cov_scope scope,
		       int file, struct mc_cov_count *c)
{
	memset(c, 0, sizeof(*c));
	for (int l = 0; l < cv->nline; l++) {
		const struct mc_cov_file *f = &cv->file[cv->line[l].file];

		if (!cv->line[l].site || f->scope != scope ||
		    (file >= 0 && cv->line[l].file != file))
			continue;
		c->lines++;
		c->lines_hit += t->line_n[l] > 0;
	}
	for (int o = 0; o < cv->nobj; o++)
		for (int i = 0; i < cv->obj[o].nfn; i++) {
			const struct mc_cov_fn *fn = &cv->obj[o].fn[i];

			if (!fn->nsites || fn_scope(cv, fn) != scope ||
			    (file >= 0 && cv->line[fn->line].file != file))
				continue;
			c->fns++;
			c->fns_hit += t->fn_n[o][i] > 0;
		}
}

void mc_cov_count(const struct mc_cov *cv, int set, enum mc_cov_scope scope, struct mc_cov_count *c)
{
	struct tallies t;

	memset(c, 0, sizeof(*c));
	if (tallies_make(cv, set, &t))
		return;
	count_with(cv, &t, scope, -1, c);
	tallies_free(cv, &t);
}

void mc_cov_free(struct mc_cov *cv)
{
	for (int k = 0; k < cv->nset; k++) {
		for (int o = 0; o < cv->nobj; o++)
			free(cv->set[k].hit[o]);
		free(cv->set[k].hit);
	}
	for (int o = 0; o < cv->nobj; o++) {
		free(cv->obj[o].sec);
		free(cv->obj[o].fn);
		free(cv->obj[o].site);
	}
	free(cv->set);
	free(cv->obj);
	free(cv->file);
	free(cv->line);
	memset(cv, 0, sizeof(*cv));
}

/* ---------------------------------------------------------------- output */

static int cmp_line(const void *a, const void *b, void *arg)
{
	const struct mc_cov *cv = arg;
	const struct mc_cov_line *x = &cv->line[*(const int *)a], *y = &cv->line[*(const int *)b];

	return x->file != y->file ? x->file - y->file : x->line - y->line;
}

/* Line indices sorted by (file, line) (caller frees). */
static int *lines_sorted(const struct mc_cov *cv)
{
	int *ix = malloc(((size_t)cv->nline + 1) * sizeof(*ix));

	if (!ix)
		return NULL;
	for (int i = 0; i < cv->nline; i++)
		ix[i] = i;
	qsort_r(ix, (size_t)cv->nline, sizeof(*ix), cmp_line, (void *)cv);
	return ix;
}

static void json_count(FILE *f, const struct mc_cov_count *c)
{
	fprintf(f, "\"lines\": %d, \"lines_hit\": %d, \"functions\": %d, \"functions_hit\": %d",
		c->lines, c->lines_hit, c->fns, c->fns_hit);
}

static void json_source(FILE *f, const char *local)
{
	FILE *s = fopen(local, "re");
	char line[4096];
	bool more = false;

	fputs(", \"source\": [", f);
	while (s && fgets(line, sizeof(line), s)) {
		line[strcspn(line, "\n")] = '\0';
		fputs(more ? ", " : "", f);
		mc_json_str(f, line);
		more = true;
	}
	if (s)
		fclose(s);
	fputc(']', f);
}

/* Line and function hits of driver file @fi: how many sets reach each. */
static void json_hits(const struct mc_cov *cv, const struct tallies *t, const int *ix, int fi,
		      FILE *f)
{
	bool more = false;

	fputs(", \"line_hits\": [", f);
	for (int k = 0; k < cv->nline; k++)
		if (cv->line[ix[k]].file == fi && cv->line[ix[k]].site) {
			fprintf(f, "%s[%d, %d]", more ? ", " : "", cv->line[ix[k]].line,
				t->line_n[ix[k]]);
			more = true;
		}
	fputs("], \"function_hits\": [", f);
	more = false;
	for (int o = 0; o < cv->nobj; o++)
		for (int i = 0; i < cv->obj[o].nfn; i++) {
			const struct mc_cov_fn *fn = &cv->obj[o].fn[i];

			if (!fn->nsites || fn->line < 0 || cv->line[fn->line].file != fi)
				continue;
			fprintf(f, "%s[", more ? ", " : "");
			mc_json_str(f, fn->name);
			fprintf(f, ", %d, %d]", cv->line[fn->line].line, t->fn_n[o][i]);
			more = true;
		}
	fputc(']', f);
	if (cv->file[fi].local[0])
		json_source(f, cv->file[fi].local);
}

/* The files of @scope with their counts; the driver's with every line, function, source. */
static void json_files(const struct mc_cov *cv, const struct tallies *t, const int *ix,
		       enum mc_cov_scope scope, FILE *f)
{
	bool more = false;

	fputs(", \"files\": [", f);
	for (int fi = 0; fi < cv->nfile; fi++) {
		struct mc_cov_count c;

		if (cv->file[fi].scope != scope)
			continue;
		count_with(cv, t, scope, fi, &c);
		fprintf(f, "%s{\"path\": ", more ? ", " : "");
		mc_json_str(f, cv->file[fi].rel);
		fputs(", ", f);
		json_count(f, &c);
		if (scope == MC_COV_DRIVER)
			json_hits(cv, t, ix, fi, f);
		fputc('}', f);
		more = true;
	}
	fputc(']', f);
}

static void json_never(const struct mc_cov *cv, const struct tallies *t, FILE *f)
{
	bool more = false;

	fputs(", \"never\": [", f);
	for (int o = 0; o < cv->nobj; o++)
		for (int i = 0; i < cv->obj[o].nfn; i++) {
			const struct mc_cov_fn *fn = &cv->obj[o].fn[i];

			if (!fn->nsites || fn_scope(cv, fn) != MC_COV_DRIVER || t->fn_n[o][i])
				continue;
			fputs(more ? ", " : "", f);
			mc_json_str(f, fn->name);
			more = true;
		}
	fputc(']', f);
}

void mc_cov_write_json(const struct mc_cov *cv, FILE *f)
{
	struct tallies t;
	struct mc_cov_count c;
	int *ix = lines_sorted(cv);
	bool more = false;

	if (!ix || tallies_make(cv, -1, &t)) {
		free(ix);
		fputs("null", f);
		return;
	}
	fputs("{\"tool\": \"kcov\", \"modules\": [", f);
	for (int o = 0; o < cv->nobj; o++) {
		fputs(o ? ", " : "", f);
		mc_json_str(f, cv->obj[o].name);
	}
	fputs("], \"driver\": {", f);
	count_with(cv, &t, MC_COV_DRIVER, -1, &c);
	json_count(f, &c);
	json_never(cv, &t, f);
	json_files(cv, &t, ix, MC_COV_DRIVER, f);
	fputs("}, \"core\": {", f);
	count_with(cv, &t, MC_COV_CORE, -1, &c);
	json_count(f, &c);
	json_files(cv, &t, ix, MC_COV_CORE, f);
	fputs("}, \"cases\": [", f);
	for (int k = 0; k < cv->nset; k++) {
		struct tallies one;
		struct mc_cov_count core;

		if (tallies_make(cv, k, &one))
			break;
		count_with(cv, &one, MC_COV_DRIVER, -1, &c);
		count_with(cv, &one, MC_COV_CORE, -1, &core);
		fprintf(f, "%s{\"name\": ", more ? ", " : "");
		mc_json_str(f, cv->set[k].name);
		fprintf(f,
			", \"lines_hit\": %d, \"functions_hit\": %d, \"core_lines_hit\": %d, "
			"\"core_functions_hit\": %d, \"lost\": %s}",
			c.lines_hit, c.fns_hit, core.lines_hit, core.fns_hit,
			cv->set[k].lost ? "true" : "false");
		tallies_free(cv, &one);
		more = true;
	}
	fputs("]}", f);
	tallies_free(cv, &t);
	free(ix);
}

void mc_cov_write_lcov(const struct mc_cov *cv, FILE *f)
{
	struct tallies t;
	int *ix = lines_sorted(cv);

	if (!ix || tallies_make(cv, -1, &t)) {
		free(ix);
		return;
	}
	for (int fi = 0; fi < cv->nfile; fi++) {
		const struct mc_cov_file *file = &cv->file[fi];
		struct mc_cov_count c;

		if (file->scope == MC_COV_OTHER)
			continue;
		count_with(cv, &t, file->scope, fi, &c);
		fprintf(f, "TN:migcheck\nSF:%s\n", file->local[0] ? file->local : file->path);
		for (int o = 0; o < cv->nobj; o++)
			for (int i = 0; i < cv->obj[o].nfn; i++) {
				const struct mc_cov_fn *fn = &cv->obj[o].fn[i];

				if (fn->nsites && fn->line >= 0 && cv->line[fn->line].file == fi)
					fprintf(f, "FN:%d,%s\nFNDA:%d,%s\n",
						cv->line[fn->line].line, fn->name, t.fn_n[o][i],
						fn->name);
			}
		fprintf(f, "FNF:%d\nFNH:%d\n", c.fns, c.fns_hit);
		for (int k = 0; k < cv->nline; k++)
			if (cv->line[ix[k]].file == fi && cv->line[ix[k]].site)
				fprintf(f, "DA:%d,%d\n", cv->line[ix[k]].line, t.line_n[ix[k]]);
		fprintf(f, "LF:%d\nLH:%d\nend_of_record\n", c.lines, c.lines_hit);
	}
	tallies_free(cv, &t);
	free(ix);
}

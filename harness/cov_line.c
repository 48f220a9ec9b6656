// SPDX-License-Identifier: GPL-2.0-only
/*
 * The source lines of coverage points (cov.h): addr2line's answers interned into the
 * file and line tables, each file classed as the driver's (under --src), the VFIO core's
 * (drivers/vfio/) or other, with the path people read and a readable copy when one is
 * found. cov_obj.c interns the line of every coverage point and function it loads.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cov.h"

/* The copy of line-table path @path under @root by its longest suffix that exists there. */
static bool resolve(const char *root, const char *path, const char *must, char *local, size_t llen,
		    char *rel, size_t rlen)
{
	size_t n = root ? strlen(root) : 0;

	if (!root)
		return false;
	if (!strncmp(path, root, n) && path[n] == '/' && !access(path, R_OK)) {
		snprintf(local, llen, "%s", path);
		snprintf(rel, rlen, "%s", path + n + 1);
		return true;
	}
	for (const char *p = path; p; p = strchr(p + 1, '/')) {
		const char *suf = *p == '/' ? p + 1 : p;

		if (must && strncmp(suf, must, strlen(must)))
			continue;
		snprintf(local, llen, "%s/%s", root, suf);
		if (!access(local, R_OK)) {
			snprintf(rel, rlen, "%s", suf);
			return true;
		}
	}
	local[0] = '\0';
	return false;
}

static int intern_file(struct mc_cov *cv, const char *path)
{
	struct mc_cov_file *f, *g;
	const char *core;

	for (int i = cv->nfile - 1; i >= 0; i--)
		if (!strcmp(cv->file[i].path, path))
			return i;
	g = realloc(cv->file, (size_t)(cv->nfile + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	cv->file = g;
	f = &cv->file[cv->nfile];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	core = strstr(path, "drivers/vfio/");
	if (resolve(cv->src, path, NULL, f->local, sizeof(f->local), f->rel, sizeof(f->rel))) {
		f->scope = MC_COV_DRIVER;
	} else if (core) {
		f->scope = MC_COV_CORE;
		snprintf(f->rel, sizeof(f->rel), "%s", core);
		resolve(cv->ksrc, path, "drivers/vfio/", f->local, sizeof(f->local), f->rel,
			sizeof(f->rel));
	} else {
		snprintf(f->rel, sizeof(f->rel), "%s", path);
	}
	return cv->nfile++;
}

int mc_cov_intern_line(struct mc_cov *cv, const char *a2l)
{
	char path[512];
	int line, file;
	const char *colon = strrchr(a2l, ':');
	struct mc_cov_line *g;

	/* "/a/b.c:12 (discriminator 3)": the colon before the number */
	while (colon && colon > a2l && !(colon[1] >= '0' && colon[1] <= '9'))
		colon = memrchr(a2l, ':', (size_t)(colon - a2l));
	if (!colon || colon == a2l || (size_t)(colon - a2l) >= sizeof(path) || a2l[0] == '?')
		return -1;
	line = atoi(colon + 1);
	if (line <= 0)
		return -1;
	snprintf(path, sizeof(path), "%.*s", (int)(colon - a2l), a2l);
	file = intern_file(cv, path);
	if (file < 0)
		return -1;
	for (int i = cv->nline - 1; i >= 0 && i >= cv->nline - 64; i--) /* nearby first */
		if (cv->line[i].file == file && cv->line[i].line == line)
			return i;
	for (int i = 0; i < cv->nline; i++)
		if (cv->line[i].file == file && cv->line[i].line == line)
			return i;
	g = realloc(cv->line, (size_t)(cv->nline + 1) * sizeof(*g));
	if (!g)
		return -1;
	cv->line = g;
	cv->line[cv->nline] = (struct mc_cov_line){ .file = file, .line = line };
	return cv->nline++;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rendering from report.json: report directories as in-memory file lists, the HTML
 * page's extras (kernel log, fuzz statistics) found in them, and each output format
 * rendered into memory so that bundles can digest and verify them byte for byte.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "file.h"
#include "render.h"
#include "reporter.h"
#include "term.h"

#define RFILE_MAX (256u << 20)

static const struct {
	const char *format, *file;
} formats[] = {
	{ "json", "report.json" },
	{ "html", "report.html" },
	{ "junit", "junit.xml" },
	{ "ktap", "report.ktap" },
};

const char *mc_render_file(const char *format)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].format, format))
			return formats[i].file;
	return NULL;
}

/*
 * Room for one more file. The array holds max(64, n rounded up to a power of two) files
 * whatever adds and removes came before, so it doubles when n reaches a power of two:
 * n appends cost O(n), not a realloc and copy each.
 */
static int rfiles_room(struct mc_rfiles *fs)
{
	size_t want = fs->n < 64 ? 64 : 2 * (size_t)fs->n;
	struct mc_rfile *grown;

	if (fs->f && (fs->n < 64 || (fs->n & (fs->n - 1))))
		return 0;
	grown = realloc(fs->f, want * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	fs->f = grown;
	return 0;
}

/* A NUL-terminated copy of @len bytes at @data, or NULL. */
static char *rfile_copy(const void *data, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy) {
		memcpy(copy, data, len);
		copy[len] = '\0';
	}
	return copy;
}

int mc_rfiles_append(struct mc_rfiles *fs, const char *name, const void *data, size_t len)
{
	struct mc_rfile *slot;
	char *copy;

	if (fs->n == INT_MAX || rfiles_room(fs))
		return -ENOMEM;
	copy = rfile_copy(data, len);
	if (!copy)
		return -ENOMEM;
	slot = &fs->f[fs->n++];
	snprintf(slot->name, sizeof(slot->name), "%s", name);
	slot->data = copy;
	slot->len = len;
	return 0;
}

int mc_rfiles_put(struct mc_rfiles *fs, const char *name, const void *data, size_t len)
{
	struct mc_rfile *slot = (struct mc_rfile *)mc_rfiles_get(fs, name);
	char *copy;

	if (!slot)
		return mc_rfiles_append(fs, name, data, len);
	copy = rfile_copy(data, len);
	if (!copy)
		return -ENOMEM;
	free(slot->data);
	slot->data = copy;
	slot->len = len;
	return 0;
}

const struct mc_rfile *mc_rfiles_get(const struct mc_rfiles *fs, const char *name)
{
	for (int i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i].name, name))
			return &fs->f[i];
	return NULL;
}

void mc_rfiles_del(struct mc_rfiles *fs, const char *name)
{
	struct mc_rfile *slot = (struct mc_rfile *)mc_rfiles_get(fs, name);

	if (!slot)
		return;
	free(slot->data);
	memmove(slot, slot + 1, (size_t)(fs->f + fs->n - slot - 1) * sizeof(*slot));
	fs->n--;
}

void mc_rfiles_free(struct mc_rfiles *fs)
{
	for (int i = 0; i < fs->n; i++)
		free(fs->f[i].data);
	free(fs->f);
	fs->f = NULL;
	fs->n = 0;
}

static bool is_fuzz_stats(const char *name)
{
	size_t n = strlen(name);

	return strstr(name, "fuzz-stats") && n > 5 && !strcmp(name + n - 5, ".json");
}

static int cmp_rfile(const void *a, const void *b)
{
	return strcmp(((const struct mc_rfile *)a)->name, ((const struct mc_rfile *)b)->name);
}

/*
 * @path itself; for a symlink, the file it resolves to (in @real) only when that is in
 * @dir/.sets/ (a published report file, outdir.c: DIR/<name> -> .current/<name>), since
 * any other symlink may point anywhere: NULL.
 */
static const char *own_file(const char *dir, const char *path, const struct stat *st, char *real)
{
	char rd[PATH_MAX];
	size_t n;

	if (!S_ISLNK(st->st_mode))
		return path;
	if (!realpath(dir, rd) || !realpath(path, real))
		return NULL;
	n = strlen(rd);
	return !strncmp(real, rd, n) && !strncmp(real + n, "/.sets/", 7) ? real : NULL;
}

/* Add the regular file @dir/@rel as @rel; other types are ignored. */
static int add_path(struct mc_rfiles *fs, const char *dir, const char *rel, bool fuzz_only,
		    char *err, size_t errlen)
{
	char path[4352], real[PATH_MAX];
	const char *src;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (lstat(path, &st) || !(src = own_file(dir, path, &st, real)) ||
	    (src != path && stat(src, &st)) || !S_ISREG(st.st_mode) ||
	    (fuzz_only && !is_fuzz_stats(rel) && strcmp(rel, "kernel.log")))
		return 0;
	rc = mc_file_read(src, RFILE_MAX, MC_FILE_NOFOLLOW, &buf, &len);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, mc_file_strerror(rc));
		return rc;
	}
	rc = mc_rfiles_append(fs, rel, buf, len); /* a name of readdir: no lookup */
	free(buf);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	return rc;
}

int mc_rfiles_scan(const char *dir, bool extras_only, struct mc_rfiles *out, char *err,
		   size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!d) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
		return rc;
	}
	while (!rc && (de = readdir(d))) {
		char sub[4352], rel[512];
		struct stat st;
		DIR *sd;
		struct dirent *se;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (lstat(sub, &st))
			continue;
		if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			rc = add_path(out, dir, de->d_name, extras_only, err, errlen);
			continue;
		}
		if (!S_ISDIR(st.st_mode) || !(sd = opendir(sub)))
			continue;
		while (!rc && (se = readdir(sd))) {
			if (se->d_name[0] == '.' ||
			    snprintf(rel, sizeof(rel), "%s/%s", de->d_name, se->d_name) >=
				    (int)sizeof(out->f->name))
				continue;
			rc = add_path(out, dir, rel, true, err, errlen);
		}
		closedir(sd);
	}
	closedir(d);
	if (rc) {
		mc_rfiles_free(out);
		return rc;
	}
	if (out->n) /* none: out->f is NULL, which qsort must not get */
		qsort(out->f, (size_t)out->n, sizeof(*out->f), cmp_rfile);
	return 0;
}

void mc_render_extra_init(struct mc_render_extra *e, const struct mc_rfiles *fs)
{
	const struct mc_rfile *kl = mc_rfiles_get(fs, "kernel.log");

	memset(e, 0, sizeof(*e));
	if (kl) {
		e->x.klog = kl->data;
		e->x.klog_name = kl->name;
	}
	for (int i = 0; i < fs->n && e->x.nfuzz < 64; i++) {
		const struct mc_rfile *rf = &fs->f[i];
		struct mc_json_error je;
		struct mc_json_doc *doc;

		if (!is_fuzz_stats(rf->name))
			continue;
		if (mc_json_parse(rf->data, rf->len, NULL, &doc, &je)) {
			mc_term_printf(stderr,
				       "migcheck: warning: %s:%u:%u: %s (campaign not shown)\n",
				       rf->name, je.line, je.col, je.msg);
			continue;
		}
		e->docs[e->x.nfuzz] = doc;
		e->roots[e->x.nfuzz] = mc_json_root(doc);
		e->names[e->x.nfuzz++] = rf->name;
	}
	e->x.fuzz = e->roots;
	e->x.fuzz_names = e->names;
}

void mc_render_extra_free(struct mc_render_extra *e)
{
	for (int i = 0; i < e->x.nfuzz; i++)
		mc_json_free(e->docs[i]);
	memset(e, 0, sizeof(*e));
}

int mc_render_mem(const struct mc_report *rep, const struct mc_html_extra *x, const char *format,
		  char **buf, size_t *len)
{
	FILE *f;
	int rc;

	*buf = NULL;
	*len = 0;
	f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	if (!strcmp(format, "json"))
		rc = mc_json_write_report(f, rep);
	else if (!strcmp(format, "html"))
		rc = mc_html_write(f, rep, x);
	else if (!strcmp(format, "junit"))
		rc = mc_junit_write(f, rep);
	else if (!strcmp(format, "ktap"))
		rc = mc_ktap_write(f, rep);
	else
		rc = -EINVAL;
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	return rc;
}

int mc_render_write(const char *dir, const char *name, const char *buf, size_t len)
{
	char tmp[4352];
	FILE *f = mc_atomic_open(dir, name, tmp, sizeof(tmp));

	if (!f)
		return -errno;
	if (fwrite(buf, 1, len, f) != len) {
		mc_atomic_abort(f, tmp);
		fprintf(stderr, "migcheck: cannot write %s/%s: %s\n", dir, name, strerror(EIO));
		return -EIO;
	}
	return mc_atomic_commit(f, tmp, dir, name);
}

int mc_mkdir_p(const char *path)
{
	char buf[4096];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * migcheck bundle / verify. A bundle is deterministic in content given its inputs:
 * every derived file is re-rendered from report.json at bundle time, and verify renders
 * them again from the bundled JSON with the same code, so an edit to any one file --
 * even with its digest fixed up in the manifest -- shows up as a named mismatch.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "bundle.h"
#include "mc_version.h"
#include "rep_load.h"
#include "render.h"
#include "sha256.h"
#include "tar.h"
#include "waiver.h"

#define MANIFEST "MANIFEST.sha256"
static const char *const derived[] = { "html", "junit", "ktap" };

/* Render the derived formats of @rep into @fs, with @fs's own extras. */
static int render_into(struct mc_rfiles *fs, const struct mc_report *rep)
{
	struct mc_render_extra e;
	int rc = 0;

	mc_render_extra_init(&e, fs);
	for (size_t i = 0; i < sizeof(derived) / sizeof(derived[0]) && !rc; i++) {
		char *buf;
		size_t len;

		rc = mc_render_mem(rep, &e.x, derived[i], &buf, &len);
		if (!rc)
			rc = mc_rfiles_put(fs, mc_render_file(derived[i]), buf, len);
		free(buf);
	}
	mc_render_extra_free(&e);
	return rc;
}

static void env_str(FILE *f, const char *key, const char *v, bool last)
{
	fprintf(f, "    \"%s\": ", key);
	mc_json_str(f, v);
	fputs(last ? "\n" : ",\n", f);
}

/* environment.json: who made the bundle, where, from what, and the run's identity. */
static int environment(struct mc_rfiles *fs, const struct mc_report *rep, const char *dir)
{
	const struct mc_run_info *in = &rep->info;
	char *buf = NULL, stamp[32], host[600] = "";
	size_t len = 0;
	struct utsname u;
	time_t t = time(NULL);
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		return -ENOMEM;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (!uname(&u))
		snprintf(host, sizeof(host), "%s %s %s %s %s", u.sysname, u.nodename, u.release,
			 u.version, u.machine);
	fputs("{\n  \"bundle\": {\n", f);
	env_str(f, "created", stamp, false);
	env_str(f, "migcheck", MC_VERSION, false);
	env_str(f, "commit", MC_COMMIT, false);
	env_str(f, "host", host, false);
	env_str(f, "source", dir, true);
	fputs("  },\n  \"run\": {\n", f);
	env_str(f, "migcheck", in->tool_version, false);
	env_str(f, "commit", in->tool_commit, false);
	env_str(f, "started", in->started, false);
	env_str(f, "finished", in->finished, false);
	env_str(f, "cmdline", in->cmdline, false);
	env_str(f, "hostname", in->hostname, false);
	env_str(f, "kernel", in->kernel_release, false);
	env_str(f, "kernel_config_sha256", in->kernel_config, false);
	env_str(f, "device", in->device_spec, false);
	env_str(f, "driver", in->ident.driver, false);
	env_str(f, "module_version", in->ident.module_version, false);
	env_str(f, "module_srcversion", in->ident.module_srcversion, false);
	env_str(f, "type", in->ident.type, true);
	fputs("  }\n}\n", f);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!rc)
		rc = mc_rfiles_put(fs, "environment.json", buf, len);
	free(buf);
	return rc;
}

/* MANIFEST.sha256 over every other file, in name order, as sha256sum writes it. */
static char *manifest(const struct mc_rfiles *fs, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	for (int i = 0; i < fs->n; i++) {
		char hex[MC_SHA256_HEX];

		if (!strcmp(fs->f[i].name, MANIFEST))
			continue;
		mc_sha256_hex(fs->f[i].data, fs->f[i].len, hex);
		fprintf(f, "%s  %s\n", hex, fs->f[i].name);
	}
	fclose(f);
	return buf;
}

static int cmp_rfile(const void *a, const void *b)
{
	return strcmp(((const struct mc_rfile *)a)->name, ((const struct mc_rfile *)b)->name);
}

/* The waivers of the bundle: @path's file, else those the report recorded. */
static int bundle_waivers(struct mc_rfiles *fs, struct mc_report *rep, const char *path,
			  struct mc_waivers *w, bool *rerender)
{
	char err[600], *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	mc_rfiles_del(fs, "waivers.txt");
	if (path) {
		rc = mc_waivers_load(path, w, err, sizeof(err));
		if (!rc)
			rc = mc_waivers_apply(rep, w, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "migcheck: %s\n", err);
			return rc;
		}
		*rerender = true;
	}
	if (!rep->waivers)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	mc_waivers_write(f, rep->waivers);
	fclose(f);
	rc = mc_rfiles_put(fs, "waivers.txt", buf, len);
	free(buf);
	return rc;
}

/* "<dir>" without trailing slashes, and its last component. */
static void dir_names(const char *dir, char *clean, size_t len, const char **base)
{
	size_t n;

	snprintf(clean, len, "%s", dir);
	n = strlen(clean);
	while (n > 1 && clean[n - 1] == '/')
		clean[--n] = '\0';
	*base = strrchr(clean, '/') ? strrchr(clean, '/') + 1 : clean;
}

static int write_tar(const struct mc_rfiles *fs, const char *top, const char *path)
{
	char dir[4096], tmp[4352];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	int64_t now = (int64_t)time(NULL);
	FILE *f;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	f = mc_atomic_open(dir, name, tmp, sizeof(tmp));
	if (!f)
		return -errno;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (int i = 0; i < fs->n && !rc; i++) {
			char ent[600];

			if ((pass == 0) != !strcmp(fs->f[i].name, MANIFEST))
				continue;	/* the manifest first */
			snprintf(ent, sizeof(ent), "%s/%s", top, fs->f[i].name);
			rc = mc_tar_add(f, ent, fs->f[i].data, fs->f[i].len, now);
			if (rc)
				fprintf(stderr, "migcheck: %s: cannot add %s: %s\n", path, ent,
					strerror(-rc));
		}
	}
	if (!rc)
		rc = mc_tar_finish(f);
	if (rc) {
		mc_atomic_abort(f, tmp);
		return rc;
	}
	return mc_atomic_commit(f, tmp, dir, name);
}

/* A bundle written into the directory it packs must not pack its predecessor. */
static void drop_self(struct mc_rfiles *fs, const char *dir, const char *path)
{
	char rdir[PATH_MAX], rout[PATH_MAX], parent[PATH_MAX];
	const char *slash = strrchr(path, '/');

	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? path : ".");
	if (realpath(dir, rdir) && realpath(slash == path ? "/" : parent, rout) &&
	    !strcmp(rdir, rout))
		mc_rfiles_del(fs, slash ? slash + 1 : path);
}

int mc_bundle_create(const struct mc_bundle_opts *o, char *path, size_t pathlen)
{
	struct mc_rfiles fs = { 0 };
	struct mc_json_doc *doc = NULL;
	struct mc_report *rep = NULL;
	struct mc_waivers w = { 0 };
	struct mc_json_error je;
	const struct mc_rfile *rj;
	char err[1024], clean[4096], top[300], *buf = NULL;
	const char *base;
	bool rerender = false;
	size_t len;
	int rc;

	dir_names(o->dir, clean, sizeof(clean), &base);
	snprintf(path, pathlen, "%s", o->out ? o->out : clean);
	if (!o->out)
		strncat(path, ".bundle.tar", pathlen - strlen(path) - 1);
	snprintf(top, sizeof(top), "%s", base);
	rc = mc_rfiles_scan(clean, false, &fs, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s\n", err);
		return rc;
	}
	drop_self(&fs, clean, path);
	rj = mc_rfiles_get(&fs, "report.json");
	if (!rj) {
		fprintf(stderr, "migcheck: bundle: %s has no report.json\n", clean);
		rc = -ENOENT;
		goto out;
	}
	rc = mc_json_parse(rj->data, rj->len, NULL, &doc, &je);
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s/report.json:%u:%u: %s\n", clean, je.line,
			je.col, je.msg);
		goto out;
	}
	rc = mc_report_from_json(mc_json_root(doc), &rep, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s/report.json: %s\n", clean, err);
		goto out;
	}
	rc = bundle_waivers(&fs, rep, o->waivers, &w, &rerender);
	if (!rc && rerender) {
		rc = mc_render_mem(rep, NULL, "json", &buf, &len);
		if (!rc)
			rc = mc_rfiles_put(&fs, "report.json", buf, len);
	}
	if (!rc)
		rc = render_into(&fs, rep);
	if (!rc)
		rc = environment(&fs, rep, clean);
	if (!rc) {
		free(buf);
		mc_rfiles_del(&fs, MANIFEST);
		qsort(fs.f, (size_t)fs.n, sizeof(*fs.f), cmp_rfile);
		buf = manifest(&fs, &len);
		rc = buf ? mc_rfiles_put(&fs, MANIFEST, buf, len) : -ENOMEM;
	}
	if (rc) {
		if (rc != -EINVAL)
			fprintf(stderr, "migcheck: bundle: %s\n", strerror(-rc));
		goto out;
	}
	rc = write_tar(&fs, top, path);
out:
	free(buf);
	mc_report_unload(rep);
	mc_json_free(doc);
	mc_waivers_free(&w);
	mc_rfiles_free(&fs);
	return rc;
}

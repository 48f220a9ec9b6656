// SPDX-License-Identifier: GPL-2.0-only
/*
 * migcheck bundle / verify. A bundle is deterministic in content given its inputs:
 * every derived file is re-rendered from report.json at bundle time, and verify renders
 * them again from the bundled JSON with the same code, so an edit to any one file --
 * even with its digest fixed up in the manifest -- shows up as a named mismatch.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "atomic.h"
#include "bundle.h"
#include "escape.h"
#include "mc_version.h"
#include "outdir.h"
#include "rep_load.h"
#include "render.h"
#include "sha256.h"
#include "sign.h"
#include "tar.h"
#include "term.h"
#include "waiver.h"

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
static int environment(struct mc_rfiles *fs, const struct mc_report *rep, const char *dir, time_t t)
{
	char *buf = NULL, stamp[32], host[600] = "";
	size_t len = 0;
	struct utsname u;
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
	for (int i = 0; i < MC_BUNDLE_ENV_RUN; i++) {
		const char *key, *v = mc_bundle_env_run(rep, i, &key);

		env_str(f, key, v, i == MC_BUNDLE_ENV_RUN - 1);
	}
	fputs("  }\n}\n", f);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!rc)
		rc = mc_rfiles_put(fs, "environment.json", buf, len);
	free(buf);
	return rc;
}

const char *mc_bundle_env_run(const struct mc_report *rep, int i, const char **key)
{
	const struct mc_run_info *in = &rep->info;
	const struct {
		const char *key, *v;
	} run[MC_BUNDLE_ENV_RUN] = {
		{ "migcheck", in->tool_version },
		{ "commit", in->tool_commit },
		{ "started", in->started },
		{ "finished", in->finished },
		{ "cmdline", in->cmdline },
		{ "hostname", in->hostname },
		{ "kernel", in->kernel_release },
		{ "kernel_config_sha256", in->kernel_config },
		{ "device", in->device_spec },
		{ "driver", in->ident.driver },
		{ "module_version", in->ident.module_version },
		{ "module_srcversion", in->ident.module_srcversion },
		{ "type", in->ident.type },
	};

	*key = run[i].key;
	return run[i].v;
}

static bool name_char(unsigned char c)
{
	return isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+');
}

bool mc_bundle_name_ok(const char *name, bool one)
{
	const char *p = name;

	if (strlen(name) > 200)
		return false;
	for (;;) {
		size_t n = 0;

		while (name_char((unsigned char)p[n]))
			n++;
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return false;
		if (!p[n])
			return true;
		if (p[n] != '/' || one)
			return false;
		p += n + 1;
	}
}

/*
 * MANIFEST.sha256 over every other file, in name order, as sha256sum writes it, each
 * digest line after a '#' line with the member's type, mode and size (sha256sum -c
 * skips '#' lines); the header names the top directory and the members' time.
 */
static char *manifest(const struct mc_rfiles *fs, const char *top, int64_t mtime, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	fprintf(f, "%s\n# directory %s\n# mtime %lld\n", MC_BUNDLE_MANIFEST_HEAD, top,
		(long long)mtime);
	for (int i = 0; i < fs->n; i++) {
		char hex[MC_SHA256_HEX];

		mc_sha256_hex(fs->f[i].data, fs->f[i].len, hex);
		fprintf(f, "# f %04o %zu %s\n%s  %s\n", MC_BUNDLE_MODE, fs->f[i].len, fs->f[i].name,
			hex, fs->f[i].name);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
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

/* "<dir>" without trailing slashes. */
static void dir_clean(const char *dir, char *clean, size_t len)
{
	size_t n;

	snprintf(clean, len, "%s", dir);
	n = strlen(clean);
	while (n > 1 && clean[n - 1] == '/')
		clean[--n] = '\0';
}

/* The bundle's top directory: @dir's real name ("bundle" for "/" or an odd name). */
static void top_name(const char *dir, char *top, size_t len)
{
	char real[PATH_MAX];
	const char *base;

	snprintf(top, len, "bundle");
	if (!realpath(dir, real))
		return;
	base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	if (mc_bundle_name_ok(base, true) && strlen(base) < 64)
		snprintf(top, len, "%.63s", base);
}

/* Files the bundle cannot carry as they are named: skipped, each with a warning (one pass). */
static void drop_unportable(struct mc_rfiles *fs, const char *top)
{
	int kept = 0;

	for (int i = 0; i < fs->n; i++) {
		char ent[600], shown[1024];
		uint8_t h[MC_TAR_BLOCK];

		snprintf(ent, sizeof(ent), "%s/%s", top, fs->f[i].name);
		if (mc_bundle_name_ok(fs->f[i].name, false) &&
		    !mc_tar_header(h, ent, '0', 0, 0, 0)) {
			fs->f[kept++] = fs->f[i];
			continue;
		}
		mc_term_str(shown, sizeof(shown), fs->f[i].name);
		fprintf(stderr,
			"migcheck: bundle: warning: not packing \"%s\": a bundle holds names "
			"of letters, digits, '._+-' and '/' that fit a ustar header\n",
			shown);
		free(fs->f[i].data);
	}
	fs->n = kept;
}

/* The archive: the manifest, its signature (when @sig), then the manifest's members. */
static int write_tar(const struct mc_rfiles *fs, const char *top, const char *path, const char *man,
		     size_t mlen, const char *sig, size_t siglen, int64_t now)
{
	char dir[4096], tmp[4352], ent[600];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	FILE *f;
	int rc;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	f = mc_atomic_open(dir, name, tmp, sizeof(tmp));
	if (!f)
		return -errno;
	snprintf(ent, sizeof(ent), "%s/%s", top, MC_BUNDLE_MANIFEST);
	rc = mc_tar_add(f, ent, MC_BUNDLE_MODE, man, mlen, now);
	snprintf(ent, sizeof(ent), "%s/%s", top, MC_BUNDLE_MANIFEST MC_SIG_SUFFIX);
	if (!rc && sig)
		rc = mc_tar_add(f, ent, MC_BUNDLE_MODE, sig, siglen, now);
	for (int i = 0; i < fs->n && !rc; i++) {
		snprintf(ent, sizeof(ent), "%s/%s", top, fs->f[i].name);
		rc = mc_tar_add(f, ent, MC_BUNDLE_MODE, fs->f[i].data, fs->f[i].len, now);
	}
	if (!rc)
		rc = mc_tar_finish(f);
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s: %s\n", path, strerror(-rc));
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

/* report.json of @fs into @doc and @rep, re-rendered into @fs with @o's waivers. */
static int load_report(struct mc_rfiles *fs, const char *dir, const struct mc_bundle_opts *o,
		       struct mc_json_doc **doc, struct mc_report **rep, struct mc_waivers *w)
{
	const struct mc_rfile *rj = mc_rfiles_get(fs, "report.json");
	struct mc_json_error je;
	bool rerender = false;
	char err[1024], *buf = NULL;
	size_t len;
	int rc;

	if (!rj) {
		fprintf(stderr, "migcheck: bundle: %s has no report.json\n", dir);
		return -ENOENT;
	}
	rc = mc_json_parse(rj->data, rj->len, NULL, doc, &je);
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s/report.json:%u:%u: %s\n", dir, je.line,
			je.col, je.msg);
		return rc;
	}
	rc = mc_report_from_json(mc_json_root(*doc), rep, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s/report.json: %s\n", dir, err);
		return rc;
	}
	rc = bundle_waivers(fs, *rep, o->waivers, w, &rerender);
	if (!rc && rerender) {
		rc = mc_render_mem(*rep, NULL, "json", &buf, &len);
		if (!rc)
			rc = mc_rfiles_put(fs, "report.json", buf, len);
		free(buf);
	}
	if (!rc)
		rc = render_into(fs, *rep);
	return rc;
}

int mc_bundle_create(const struct mc_bundle_opts *o, char *path, size_t pathlen)
{
	struct mc_rfiles fs = { 0 };
	struct mc_json_doc *doc = NULL;
	struct mc_report *rep = NULL;
	struct mc_waivers w = { 0 };
	char err[1024], clean[4096], top[300], *man = NULL, *sig = NULL;
	time_t now = time(NULL);
	size_t mlen = 0, siglen = 0;
	int rc;

	dir_clean(o->dir, clean, sizeof(clean));
	snprintf(path, pathlen, "%s", o->out ? o->out : clean);
	if (!o->out)
		strncat(path, ".bundle.tar", pathlen - strlen(path) - 1);
	top_name(clean, top, sizeof(top));
	mc_outdir_warn_unfinished(clean);
	rc = mc_rfiles_scan(clean, false, &fs, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "migcheck: bundle: %s\n", err);
		return rc;
	}
	drop_self(&fs, clean, path);
	mc_rfiles_del(&fs, MC_BUNDLE_MANIFEST); /* an unpacked bundle's, made anew */
	mc_rfiles_del(&fs, MC_BUNDLE_MANIFEST MC_SIG_SUFFIX);
	drop_unportable(&fs, top);
	rc = load_report(&fs, clean, o, &doc, &rep, &w);
	if (!rc)
		rc = environment(&fs, rep, clean, now);
	if (!rc) {
		qsort(fs.f, (size_t)fs.n, sizeof(*fs.f), cmp_rfile);
		man = manifest(&fs, top, (int64_t)now, &mlen);
		rc = man ? 0 : -ENOMEM;
	}
	if (rc) {
		if (rc != -EINVAL && rc != -ENOENT)
			fprintf(stderr, "migcheck: bundle: %s\n", strerror(-rc));
		goto out;
	}
	if (o->key) {
		rc = mc_sign(o->key, man, mlen, &sig, &siglen, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "migcheck: bundle: %s\n", err);
			goto out;
		}
	}
	rc = write_tar(&fs, top, path, man, mlen, sig, siglen, (int64_t)now);
out:
	free(man);
	free(sig);
	mc_report_unload(rep);
	mc_json_free(doc);
	mc_waivers_free(&w);
	mc_rfiles_free(&fs);
	return rc;
}

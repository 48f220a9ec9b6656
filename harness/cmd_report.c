// SPDX-License-Identifier: GPL-2.0-only
/*
 * CLI commands on finished runs: `report render` re-renders every format from a
 * report.json, `bundle` packs a report directory into a certification bundle, `verify`
 * checks one, `diff` compares two runs. Argument parsing and exit codes only; the work
 * is in render.c, bundle.c, verify.c and rundiff.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cmd_report.h"
#include "outdir.h"
#include "rep_load.h"
#include "render.h"
#include "rep_scope.h"
#include "rundiff.h"
#include "sign.h"
#include "term.h"
#include "waiver.h"

#define EXIT_USAGE 2

const char mc_cmd_report_usage[] =
	"  report render REPORT.json [--out DIR] [--waivers FILE]\n"
	"                       re-render report.html, junit.xml and report.ktap (and\n"
	"                       report.json with --waivers) from a report.json alone\n"
	"  bundle DIR [-o FILE] [--waivers FILE] [--sign NAME.key]\n"
	"                       pack a report directory into a certification bundle (ustar\n"
	"                       with MANIFEST.sha256, signed with --sign; default\n"
	"                       DIR.bundle.tar)\n"
	"  verify BUNDLE [--key NAME.pub]\n"
	"                       check a bundle's members and digests, its signature with\n"
	"                       --key, recompute its verdict, ROB-01 and environment from\n"
	"                       the evidence and its renderings (exit 1 when tampered)\n"
	"  keygen -o NAME       make a signing key pair: NAME.key (secret) and NAME.pub\n"
	"  diff OLD.json NEW.json [--threshold PCT]\n"
	"                       what changed between two runs (exit 1 when something got\n"
	"                       worse; metrics beyond PCT percent, default 25)\n";

/* "--opt VALUE" pairs after the positional arguments; NULL for an unknown option. */
static const char **opt_slot(const char *name, const char *const *names, const char **vals)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return &vals[i];
	return NULL;
}

/* Parse argv[first..] into positional @pos (at most @npos) and the options @names. */
static int parse(int argc, char **argv, int first, const char **pos, int npos,
		 const char *const *names, const char **vals)
{
	int n = 0;

	for (int i = first; i < argc; i++) {
		const char **slot = argv[i][0] == '-' ? opt_slot(argv[i], names, vals) : NULL;

		if (slot && i + 1 < argc) {
			*slot = argv[++i];
		} else if (argv[i][0] != '-' && n < npos) {
			pos[n++] = argv[i];
		} else {
			fprintf(stderr, "migcheck: %s: unexpected argument '%s'\n", argv[0],
				argv[i]);
			return -1;
		}
	}
	if (n != npos) {
		fprintf(stderr, "migcheck: %s: missing argument (usage below)\n%s", argv[0],
			mc_cmd_report_usage);
		return -1;
	}
	return 0;
}

static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static bool same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

int mc_render_all(const struct mc_report *rep, const struct mc_rfiles *fs, const char *out,
		  bool json)
{
	static const char *const formats[] = { "html", "junit", "ktap", "json" };
	struct mc_render_extra e;
	int rc = 0;

	mc_render_extra_init(&e, fs);
	for (int i = 0; i < 4 - !json && !rc; i++) {
		char *buf;
		size_t len;

		rc = mc_render_mem(rep, &e.x, formats[i], &buf, &len);
		if (!rc)
			rc = mc_render_write(out, mc_render_file(formats[i]), buf, len);
		else
			fprintf(stderr, "migcheck: rendering %s: %s\n", formats[i], strerror(-rc));
		free(buf);
	}
	mc_render_extra_free(&e);
	return rc;
}

int mc_cmd_report(int argc, char **argv)
{
	static const char *const names[] = { "--out", "--waivers", NULL };
	const char *pos[2], *vals[2] = { NULL, NULL };
	struct mc_report *rep = NULL;
	struct mc_rfiles fs = { 0 };
	struct mc_waivers w = { 0 };
	struct mc_scope sc;
	char err[1024], src[4096];
	int rc = EXIT_USAGE;

	if (argc < 2 || strcmp(argv[1], "render") || parse(argc, argv, 2, pos, 1, names, vals)) {
		if (argc < 2 || strcmp(argv[1], "render"))
			fprintf(stderr, "usage:\n%s", mc_cmd_report_usage);
		return EXIT_USAGE;
	}
	dir_of(pos[0], src, sizeof(src));
	mc_outdir_warn_unfinished(src);
	if (mc_report_load_file(pos[0], &rep, err, sizeof(err))) {
		mc_term_printf(stderr, "migcheck: %s\n", err);
		return EXIT_USAGE;
	}
	if (vals[1] && (mc_waivers_load(vals[1], &w, err, sizeof(err)) ||
			mc_waivers_apply(rep, &w, err, sizeof(err)))) {
		mc_term_printf(stderr, "migcheck: %s\n", err);
		goto out;
	}
	if (mc_rfiles_scan(src, true, &fs, err, sizeof(err)))
		mc_term_printf(stderr,
			       "migcheck: warning: %s (rendering without kernel log and "
			       "fuzz statistics)\n",
			       err);
	if (vals[0] && mc_mkdir_p(vals[0])) {
		fprintf(stderr, "migcheck: cannot create %s: %s\n", vals[0], strerror(errno));
		goto out;
	}
	if (mc_render_all(rep, &fs, vals[0] ? vals[0] : src,
			  vals[1] || (vals[0] && !same_dir(vals[0], src))))
		goto out;
	mc_report_scope(rep, &sc);
	printf("migcheck: rendered %s into %s: verdict %s\n", pos[0], vals[0] ? vals[0] : src,
	       sc.label);
	rc = 0;
out:
	mc_report_unload(rep);
	mc_waivers_free(&w);
	mc_rfiles_free(&fs);
	return rc;
}

int mc_cmd_bundle(int argc, char **argv)
{
	static const char *const names[] = { "-o", "--waivers", "--sign", NULL };
	const char *pos[1], *vals[3] = { NULL, NULL, NULL };
	struct mc_bundle_opts o;
	char path[4096];

	if (parse(argc, argv, 1, pos, 1, names, vals))
		return EXIT_USAGE;
	o = (struct mc_bundle_opts){
		.dir = pos[0], .out = vals[0], .waivers = vals[1], .key = vals[2]
	};
	if (mc_bundle_create(&o, path, sizeof(path)))
		return EXIT_USAGE;
	printf("migcheck: bundle %s written (check it with: migcheck verify %s%s)\n", path, path,
	       o.key ? " --key KEY.pub" : "");
	return 0;
}

int mc_cmd_verify(int argc, char **argv)
{
	static const char *const names[] = { "--key", NULL };
	const char *pos[1], *vals[1] = { NULL };

	if (parse(argc, argv, 1, pos, 1, names, vals))
		return EXIT_USAGE;
	return mc_bundle_verify(pos[0], vals[0], stdout);
}

int mc_cmd_keygen(int argc, char **argv)
{
	static const char *const names[] = { "-o", NULL };
	const char *vals[1] = { NULL };
	char err[600];

	if (parse(argc, argv, 1, NULL, 0, names, vals) || !vals[0]) {
		fprintf(stderr, "usage: migcheck keygen -o NAME\n");
		return EXIT_USAGE;
	}
	if (mc_sign_keygen(vals[0], err, sizeof(err))) {
		fprintf(stderr, "migcheck: keygen: %s\n", err);
		return EXIT_USAGE;
	}
	printf("migcheck: wrote %s.key (secret, keep it) and %s.pub (give it to customers)\n",
	       vals[0], vals[0]);
	return 0;
}

int mc_cmd_diff(int argc, char **argv)
{
	static const char *const names[] = { "--threshold", NULL };
	const char *pos[2], *vals[1] = { NULL };
	struct mc_report *a = NULL, *b = NULL;
	struct mc_diff_opts o = { .threshold = 0.25 };
	char err[1024], *end;
	int rc = EXIT_USAGE, worse;

	if (parse(argc, argv, 1, pos, 2, names, vals))
		return EXIT_USAGE;
	if (vals[0]) {
		o.threshold = strtod(vals[0], &end) / 100; /* digits and a point only */
		if (vals[0][0] < '0' || vals[0][0] > '9' || *end ||
		    strspn(vals[0], "0123456789.") != strlen(vals[0]) || o.threshold > 1000) {
			fprintf(stderr, "migcheck: diff: --threshold '%s' is not a percentage\n",
				vals[0]);
			return EXIT_USAGE;
		}
	}
	if (mc_report_load_file(pos[0], &a, err, sizeof(err)) ||
	    mc_report_load_file(pos[1], &b, err, sizeof(err))) {
		mc_term_printf(stderr, "migcheck: %s\n", err);
		goto out;
	}
	worse = mc_report_diff(a, b, &o, stdout, NULL);
	rc = worse ? 1 : 0;
out:
	mc_report_unload(a);
	mc_report_unload(b);
	return rc;
}

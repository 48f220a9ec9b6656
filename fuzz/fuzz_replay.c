// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay: run saved inputs (corpus files, crashes) through their targets against any
 * device, print each distinct finding once (dedup key: target, clause, errno, state,
 * first kernel-log line). With --check-defects a corpus file named
 * "defect-NAME--what" must also give a finding on the simulated device with defect NAME:
 * the oracle's own regression test.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "fuzz.h"

#define MAX_KEYS 256
#define MAX_FILES 4096

struct replay {
	const char *spec;
	const char *target; /* --target, or NULL: from the directory name */
	bool expect_finding, check_defects, verbose, trace;
	struct mc_fuzz_ctx *ctx;
	char *keys[MAX_KEYS];
	int nkeys;
	unsigned inputs, findings, errors, unexpected, defects;
};

int mc_fuzz_read_input(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = mc_file_fopen(path); /* a FIFO would block the replay */
	uint8_t *b, *fit;

	if (!f)
		return -errno;
	b = malloc(MC_FUZZ_MAX_INPUT);
	if (!b) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(b, 1, MC_FUZZ_MAX_INPUT, f);
	fclose(f);
	fit = realloc(b, *len ? *len : 1); /* a corpus is held whole: no 256 KiB each */
	*buf = fit ? fit : b;
	return 0;
}

/* The target of @path: --target, else the name of the directory holding it. */
static const struct mc_fuzz_target *target_of(const struct replay *r, const char *path)
{
	char dir[512];
	const char *slash, *start;

	if (r->target)
		return mc_fuzz_target_find(r->target);
	slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	start = strrchr(dir, '/');
	return mc_fuzz_target_find(start ? start + 1 : dir);
}

static void print_oplog(const struct replay *r, const struct mc_fuzz_target *t)
{
	char log[4096];

	if (!r->ctx->dev || (t->need & MC_FUZZ_NO_DEVICE))
		return; /* a parser's input made no device call */
	mc_dev_oplog(r->ctx->dev, log, sizeof(log));
	printf("  last device operations:\n%s", log);
}

/* Count a finding; print it the first time its key is seen. */
static void report(struct replay *r, const struct mc_fuzz_target *t,
		   const struct mc_fuzz_finding *f, const char *path)
{
	char key[512];

	r->findings++;
	mc_fuzz_finding_key(f, key, sizeof(key));
	for (int i = 0; i < r->nkeys; i++)
		if (!strcmp(r->keys[i], key)) {
			if (r->verbose)
				printf("  (again) %s: %s\n", path, key);
			return;
		}
	if (r->nkeys < MAX_KEYS)
		r->keys[r->nkeys++] = strdup(key);
	mc_fuzz_finding_print(stdout, f);
	printf("  input: %s\n", path);
	if (r->verbose && !r->trace)
		print_oplog(r, t);
}

/* "defect-NAME--what": NAME into @name. */
static bool defect_of(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/'), *end;

	base = base ? base + 1 : path;
	if (strncmp(base, "defect-", 7) || !(end = strstr(base + 7, "--")))
		return false;
	snprintf(name, len, "%.*s", (int)(end - base - 7), base + 7);
	return true;
}

/* The input against the simulated device with its named defect: must give a finding. */
static void check_defect(struct replay *r, const struct mc_fuzz_target *t, const char *path,
			 const uint8_t *data, size_t len)
{
	struct mc_fuzz_ctx *ctx = NULL;
	struct mc_fuzz_finding f;
	char name[64], spec[400], err[512];
	int rc;

	if (!defect_of(path, name, sizeof(name)))
		return;
	snprintf(spec, sizeof(spec), "%s:defect=%s", r->ctx->spec, name);
	if (!r->ctx->sim || mc_fuzz_ctx_open(spec, &ctx, err, sizeof(err))) {
		printf("error: %s: cannot open %s: %s\n", path, spec,
		       r->ctx->sim ? err : "defects need the simulated device");
		r->errors++;
		return;
	}
	rc = mc_fuzz_run(ctx, t, data, len, &f);
	r->defects += rc > 0;
	if (rc > 0 && r->verbose)
		printf("ok (defect %s found: %s %s) %s\n", name, f.clause, f.msg, path);
	else if (rc == 0)
		printf("MISSED: %s gives no finding on %s\n", path, spec), r->unexpected++;
	else if (rc < 0)
		printf("error: %s on %s: %s\n", path, spec, f.msg), r->errors++;
	mc_fuzz_ctx_close(ctx);
}

static void replay_file(struct replay *r, const char *path)
{
	const struct mc_fuzz_target *t = target_of(r, path);
	struct mc_fuzz_finding f;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if (!t) {
		printf("error: %s: no target (--target T, or keep the file in a directory named after one)\n",
		       path);
		r->errors++;
		return;
	}
	rc = mc_fuzz_read_input(path, &data, &len);
	if (rc) {
		printf("error: %s: %s\n", path, mc_file_strerror(rc));
		r->errors++;
		return;
	}
	r->inputs++;
	rc = mc_fuzz_run(r->ctx, t, data, len, &f);
	if (r->trace) {
		printf("%s:\n", path);
		print_oplog(r, t);
	}
	if (rc > 0) {
		report(r, t, &f, path);
		r->unexpected += !r->expect_finding;
	} else if (rc < 0) {
		printf("error: %s: %s\n", path, f.msg);
		r->errors++;
	} else {
		r->unexpected += r->expect_finding;
		if (r->verbose || r->expect_finding)
			printf("%s %s\n", r->expect_finding ? "NO FINDING:" : "ok", path);
	}
	if (r->check_defects)
		check_defect(r, t, path, data, len);
	free(data);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every regular file of a directory (not README*, not dotfiles), sorted. */
static void replay_path(struct replay *r, const char *path)
{
	char *names[MAX_FILES];
	struct dirent *de;
	struct stat sb;
	int n = 0;
	DIR *d;

	if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		replay_file(r, path);
		return;
	}
	d = opendir(path);
	if (!d) {
		printf("error: %s: %s\n", path, strerror(errno));
		r->errors++;
		return;
	}
	while ((de = readdir(d)) && n < MAX_FILES) {
		char full[1024];

		if (de->d_name[0] == '.' || !strncmp(de->d_name, "README", 6))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (!stat(full, &sb) && S_ISREG(sb.st_mode))
			names[n++] = strdup(full);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		replay_file(r, names[i]);
		free(names[i]);
	}
}

static void usage(FILE *f)
{
	int n;
	const struct mc_fuzz_target *t = mc_fuzz_targets(&n);

	fprintf(f,
		"usage: migcheck replay [--device SPEC] [--target T] [--expect-finding]\n"
		"                      [--check-defects] [--verbose] [--trace] FILE|DIR...\n"
		"Run saved fuzz inputs against a device (default $MIGCHECK_FUZZ_DEVICE or %s);\n"
		"the target is --target or the name of the directory holding the file:\n",
		MC_FUZZ_DEFAULT_DEVICE);
	for (int i = 0; i < n; i++)
		fprintf(f, "  %-16s %s\n", t[i].name, t[i].what);
	fprintf(f, "--trace prints the last device operations of every input.\n"
		   "exit: 0 no finding (--expect-finding: every input gave one), 1 otherwise,\n"
		   "      2 usage or harness error\n");
}

int mc_fuzz_replay_main(int argc, char **argv, const char *default_target)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "expect-finding", no_argument, NULL, 'e' },
		{ "check-defects", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay r = { .target = default_target };
	char err[512];
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd': r.spec = optarg; break;
		case 't': r.target = optarg; break;
		case 'e': r.expect_finding = true; break;
		case 'c': r.check_defects = true; break;
		case 'v': r.verbose = true; break;
		case 'T': r.trace = r.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind == argc || (r.target && !mc_fuzz_target_find(r.target))) {
		if (r.target && !mc_fuzz_target_find(r.target))
			fprintf(stderr, "migcheck replay: unknown target '%s'\n", r.target);
		usage(stderr);
		return 2;
	}
	/* A parser target named for every file (a parser's replay driver) opens no device. */
	if (mc_fuzz_ctx_open_for(r.target && !r.spec ? mc_fuzz_target_find(r.target) : NULL,
				 r.spec, &r.ctx, err, sizeof(err))) {
		fprintf(stderr, "migcheck replay: %s\n", err);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		replay_path(&r, argv[i]);
	printf("replay: %u input(s) on %s: %u finding(s), %d distinct, %u error(s)", r.inputs,
	       r.ctx->spec, r.findings, r.nkeys, r.errors);
	if (r.check_defects)
		printf("; %u defect-* input(s) found their defect", r.defects);
	printf("%s\n", r.unexpected ? " - not as expected" : "");
	mc_fuzz_ctx_close(r.ctx);
	for (int i = 0; i < r.nkeys; i++)
		free(r.keys[i]);
	return r.errors ? 2 : r.unexpected ? 1 : 0;
}

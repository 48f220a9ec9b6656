// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzzbase: the same-run baseline of a fuzz target's throughput (make bench, fuzz/bench.sh).
 * For each TARGET:DIR, over the inputs in DIR (a committed corpus) replayed round-robin
 * for the same time, on the same device:
 *   harness  the target through mc_fuzz_run() (interpreter, oracles, restored-device
 *            exercise, kernel-log checks; no engine)
 *   bare     the device calls each input made, recorded once, issued again straight to
 *            the backend (fuzz_trace.h): no interpreter, no oracle, no engine
 * in alternating slices, and with --check that the bare loop got every recorded result.
 * Built in each flavour a target runs in (build/fuzz-cov, build/fuzz-lf: the device's
 * code instrumented as the target's is) and static for the guest (build/fuzzbase-static).
 *
 * Output, one line per target:
 *   fuzzbase <target> inputs N calls/input C harness H exec/s bare B exec/s differ D
 *            [no-note N exec/s] [no-klog K exec/s]   (--split, on a device with a
 *            kernel log: the harness without the note of each input in the log, and
 *            without the kernel-log check either)
 * Exit: 0, 1 when --check saw a result differ, 2 usage or harness error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_trace.h"

#define MAX_INPUTS 1024

struct input {
	uint8_t *data;
	size_t len;
	struct mc_fuzz_trace *tr;
};

struct job {
	const char *spec;
	double secs;
	bool check;
	bool split; /* --split: the harness without its kernel-log note, and check */
	const struct mc_fuzz_target *t;
	struct input in[MAX_INPUTS];
	int n;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of @dir (not README*, not dotfiles), sorted, at most 256 KiB each. */
static int load(struct job *j, const char *dir)
{
	char *names[MAX_INPUTS], path[4096];
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < MAX_INPUTS)
		if (de->d_name[0] != '.' && strncmp(de->d_name, "README", 6))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (!mc_fuzz_read_input(path, &j->in[j->n].data, &j->in[j->n].len))
			j->n++;
	}
	return j->n ? 0 : -ENOENT;
}

/* Execs and seconds of one loop, summed over its slices. */
struct tally {
	long execs;
	double secs;
	long differ;
};

/* The target over the inputs, round-robin from *@at, for @secs: 0, or -1 on a harness error. */
static int harness_slice(struct job *j, struct mc_fuzz_ctx *ctx, int *at, double secs,
			 struct tally *y)
{
	struct mc_fuzz_finding f;
	double t0 = now_s(), t;

	do {
		if (mc_fuzz_run(ctx, j->t, j->in[*at].data, j->in[*at].len, &f) < 0) {
			fprintf(stderr, "fuzzbase: %s: harness error: %s\n", j->t->name, f.msg);
			return -1;
		}
		y->execs++;
		*at = (*at + 1) % j->n;
	} while ((t = now_s() - t0) < secs);
	y->secs += t;
	return 0;
}

/* The traces, replayed bare round-robin from *@at, for @secs: 0, or -1. */
static int bare_slice(struct job *j, struct mc_fuzz_bare *b, int *at, double secs, struct tally *y)
{
	double t0 = now_s(), t;
	long d;

	do {
		d = mc_fuzz_bare_run(b, j->in[*at].tr, NULL);
		if (d < 0)
			return -1;
		y->differ += d;
		y->execs++;
		*at = (*at + 1) % j->n;
	} while ((t = now_s() - t0) < secs);
	y->secs += t;
	return 0;
}

/*
 * --split: the harness without the note of each input in the kernel log
 * (MIGCHECK_FUZZ_KMSG, for a panic's salvage; only when it is on), then without the
 * kernel-log check (ROB-01) either.
 */
static int split_slices(struct job *j, struct mc_fuzz_ctx *ctx, int *nat, int *kat, double secs,
			struct tally *nn, struct tally *nk)
{
	bool kmsg = ctx->kmsg, klog = ctx->klog;
	int rc = 0;

	ctx->kmsg = false;
	if (kmsg)
		rc = harness_slice(j, ctx, nat, secs, nn);
	ctx->klog = false;
	if (!rc)
		rc = harness_slice(j, ctx, kat, secs, nk);
	ctx->klog = klog;
	ctx->kmsg = kmsg;
	return rc;
}

static int record(struct job *j, struct mc_fuzz_ctx *ctx, long *calls)
{
	struct mc_fuzz_finding f;

	/* Once through first: reference streams made, buffers grown, caches warm. */
	for (int i = 0; i < j->n; i++)
		mc_fuzz_run(ctx, j->t, j->in[i].data, j->in[i].len, &f);
	for (int i = 0; i < j->n; i++) {
		j->in[i].tr = mc_fuzz_trace_new();
		if (!j->in[i].tr || mc_fuzz_trace_record(ctx, j->t, j->in[i].data, j->in[i].len,
							 j->in[i].tr, &f) < 0) {
			fprintf(stderr, "fuzzbase: %s: recording: %s\n", j->t->name,
				j->in[i].tr ? f.msg : "out of memory");
			return -1;
		}
		*calls += mc_fuzz_trace_calls(j->in[i].tr);
	}
	return 0;
}

/*
 * The two loops alternate in slices, so a machine whose load changes weighs on both
 * alike. A kernel device is the harness's or the bare loop's in turn (a VFIO group
 * opens once): each slice opens it (not timed); the simulated device is opened per input
 * by both anyway.
 */
static int run_job(struct job *j)
{
	struct mc_fuzz_ctx *ctx = NULL;
	struct mc_fuzz_bare *b = NULL;
	struct tally h = { 0 }, bb = { 0 }, nn = { 0 }, nk = { 0 };
	int hat = 0, bat = 0, nat = 0, kat = 0, rc = 2, slices;
	long calls = 0;
	char err[512], spec[256];
	bool shared;

	if (mc_fuzz_ctx_open(j->spec, &ctx, err, sizeof(err))) {
		fprintf(stderr, "fuzzbase: %s\n", err);
		return 2;
	}
	snprintf(spec, sizeof(spec), "%s", ctx->spec);
	shared = !ctx->reopen;
	if (record(j, ctx, &calls))
		goto out;
	slices = shared ? 4 : (int)(j->secs / 0.1) + 1;
	for (int s = 0; s < slices; s++) {
		if (!ctx && mc_fuzz_ctx_open(spec, &ctx, err, sizeof(err)))
			goto out_err;
		if (harness_slice(j, ctx, &hat, j->secs / slices, &h))
			goto out;
		if (j->split && ctx->klog &&
		    split_slices(j, ctx, &nat, &kat, j->secs / slices, &nn, &nk))
			goto out;
		if (shared) {
			mc_fuzz_ctx_close(ctx);
			ctx = NULL;
		}
		if (!b && mc_fuzz_bare_open(spec, &b, err, sizeof(err)))
			goto out_err;
		if (bare_slice(j, b, &bat, j->secs / slices, &bb))
			goto out;
		if (shared) {
			mc_fuzz_bare_close(b);
			b = NULL;
		}
	}
	printf("fuzzbase %s inputs %d calls/input %.1f harness %.0f exec/s bare %.0f exec/s differ %ld",
	       j->t->name, j->n, (double)calls / j->n, h.execs / h.secs, bb.execs / bb.secs,
	       bb.differ);
	if (nn.secs > 0)
		printf(" no-note %.0f exec/s", nn.execs / nn.secs);
	if (nk.secs > 0)
		printf(" no-klog %.0f exec/s", nk.execs / nk.secs);
	printf("\n");
	fflush(stdout);
	rc = j->check && bb.differ ? 1 : 0;
	goto out;
out_err:
	fprintf(stderr, "fuzzbase: %s\n", err);
out:
	mc_fuzz_bare_close(b);
	mc_fuzz_ctx_close(ctx);
	for (int i = 0; i < j->n; i++) {
		mc_fuzz_trace_free(j->in[i].tr);
		free(j->in[i].data);
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "split", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	static struct job j;
	int opt, worst = 0;
	const char *spec = NULL;
	double secs = 5;
	bool check = false, split = false;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd': spec = optarg; break;
		case 's': secs = atof(optarg); break;
		case 'c': check = true; break;
		case 'k': split = true; break;
		default: goto usage;
		}
	}
	if (optind == argc)
		goto usage;
	for (int i = optind; i < argc; i++) {
		char name[64];
		const char *colon = strchr(argv[i], ':');
		int rc;

		if (!colon || colon - argv[i] >= (long)sizeof(name))
			goto usage;
		snprintf(name, sizeof(name), "%.*s", (int)(colon - argv[i]), argv[i]);
		memset(&j, 0, sizeof(j));
		j = (struct job){ .spec = spec,
				  .secs = secs,
				  .check = check,
				  .split = split,
				  .t = mc_fuzz_target_find(name) };
		if (!j.t || load(&j, colon + 1)) {
			fprintf(stderr, "fuzzbase: %s: unknown target or no inputs in %s\n", name,
				colon + 1);
			return 2;
		}
		rc = run_job(&j);
		worst = rc > worst ? rc : worst;
	}
	return worst;
usage:
	fprintf(stderr,
		"usage: fuzzbase [--device SPEC] [--seconds S] [--check] [--split] TARGET:DIR...\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzz targets' same-run baseline (fuzz_trace.h, make bench): the recorder misses no
 * device call of an input (the device's own operation log agrees), and the bare replay
 * makes every recorded call and gets the recorded result back on the same device, but
 * not on a device that behaves otherwise.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_trace.h"
#include "mc_test.h"

#define OPLOG_N 24 /* dev.c keeps the last 24 operations */
#define DEFAULT MC_FUZZ_DEFAULT_DEVICE

/* The @i-th target that runs against a device (parser targets make no device call). */
static const struct mc_fuzz_target *device_target(int i)
{
	int n;
	const struct mc_fuzz_target *t = mc_fuzz_targets(&n);

	for (int k = 0; k < n; k++)
		if (!(t[k].need & MC_FUZZ_NO_DEVICE) && i-- == 0)
			return &t[k];
	return NULL;
}

static int device_targets(void)
{
	int n = 0;

	while (device_target(n))
		n++;
	return n;
}

static struct mc_fuzz_ctx *open_ctx(const char *spec)
{
	struct mc_fuzz_ctx *ctx = NULL;
	char err[256] = "";

	ck_assert_msg(mc_fuzz_ctx_open(spec, &ctx, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return ctx;
}

static struct mc_fuzz_bare *open_bare(const char *spec)
{
	struct mc_fuzz_bare *b = NULL;
	char err[256] = "";

	ck_assert_msg(mc_fuzz_bare_open(spec, &b, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return b;
}

static unsigned oplog_lines(struct mc_dev *dev)
{
	char buf[8192];
	unsigned n = 0;

	mc_dev_oplog(dev, buf, sizeof(buf));
	for (const char *p = buf; *p; p++)
		n += *p == '\n';
	return n;
}

/* Record @data through @t, check the count against the op log, replay it bare: differ. */
static long record_replay(struct mc_fuzz_ctx *ctx, struct mc_fuzz_bare *b,
			  const struct mc_fuzz_target *t, const uint8_t *data, size_t len,
			  const char *what)
{
	struct mc_fuzz_trace *tr = mc_fuzz_trace_new();
	struct mc_fuzz_finding f;
	unsigned logged, calls = 0;
	long differ;

	ck_assert_ptr_nonnull(tr);
	mc_fuzz_run(ctx, t, data, len, &f); /* reference streams made before the trace */
	ck_assert_int_ge(mc_fuzz_trace_record(ctx, t, data, len, tr, &f), 0);
	logged = mc_fuzz_trace_logged(tr);
	ck_assert_msg(logged > 0, "%s: no device call recorded", what);
	ck_assert_msg(oplog_lines(ctx->dev) == (logged < OPLOG_N ? logged : OPLOG_N),
		      "%s: the operation log shows %u calls, the trace %u", what,
		      oplog_lines(ctx->dev), logged);
	differ = mc_fuzz_bare_run(b, tr, &calls);
	ck_assert_uint_eq(calls, mc_fuzz_trace_calls(tr));
	mc_fuzz_trace_free(tr);
	return differ;
}

/* Every committed corpus input of target _i: recorded whole, replayed bare with no difference. */
START_TEST(corpus_traces_replay)
{
	const struct mc_fuzz_target *t = device_target(_i);
	struct mc_fuzz_ctx *ctx = open_ctx(DEFAULT);
	struct mc_fuzz_bare *b = open_bare(DEFAULT);
	char dir[128], path[512];
	struct dirent *de;
	int files = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "corpus/%s", t->name);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		static uint8_t data[MC_FUZZ_MAX_INPUT];
		FILE *f;
		size_t len;

		if (de->d_name[0] == '.' || !strncmp(de->d_name, "README", 6))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		len = fread(data, 1, sizeof(data), f);
		fclose(f);
		ck_assert_msg(record_replay(ctx, b, t, data, len, path) == 0,
			      "%s: the bare replay got other results", path);
		files++;
	}
	closedir(d);
	ck_assert_int_gt(files, 0);
	mc_fuzz_bare_close(b);
	mc_fuzz_ctx_close(ctx);
}
END_TEST

/* Random inputs (guard-page buffers, faulting writes, odd fds): replayed with no difference. */
START_TEST(random_traces_replay)
{
	const struct mc_fuzz_target *t = device_target(_i);
	struct mc_fuzz_ctx *ctx = open_ctx(DEFAULT);
	struct mc_fuzz_bare *b = open_bare(DEFAULT);
	uint64_t rng = 0x1234567 + (uint64_t)_i;
	static uint8_t data[2048];

	for (int k = 0; k < 150; k++) {
		size_t len = (size_t)(k * 13 % (int)sizeof(data));
		char what[64];

		for (size_t i = 0; i < len; i++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			data[i] = (uint8_t)(rng >> 29);
		}
		snprintf(what, sizeof(what), "%s random input %d", t->name, k);
		ck_assert_msg(record_replay(ctx, b, t, data, len, what) == 0,
			      "%s: the bare replay got other results", what);
	}
	mc_fuzz_bare_close(b);
	mc_fuzz_ctx_close(ctx);
}
END_TEST

/* A device that behaves otherwise gives other results: the comparison can fail. */
START_TEST(replay_sees_another_device)
{
	static const char input[] =
		"corpus/state_sequence/defect-stale_get--get-after-set-reports-old-state";
	const struct mc_fuzz_target *t = mc_fuzz_target_find("state_sequence");
	struct mc_fuzz_ctx *ctx = open_ctx(DEFAULT);
	struct mc_fuzz_bare *good = open_bare(DEFAULT);
	struct mc_fuzz_bare *bad = open_bare(DEFAULT ":defect=stale_get");
	struct mc_fuzz_trace *tr = mc_fuzz_trace_new();
	struct mc_fuzz_finding f;
	uint8_t data[4096];
	size_t len;
	FILE *fp = fopen(input, "rb");

	ck_assert_ptr_nonnull(fp);
	len = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	ck_assert_int_eq(mc_fuzz_trace_record(ctx, t, data, len, tr, &f), 0);
	ck_assert_int_eq(mc_fuzz_bare_run(good, tr, NULL), 0);
	ck_assert_int_gt(mc_fuzz_bare_run(bad, tr, NULL), 0);
	mc_fuzz_trace_free(tr);
	mc_fuzz_bare_close(good);
	mc_fuzz_bare_close(bad);
	mc_fuzz_ctx_close(ctx);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("core");
	int n;

	n = device_targets();
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, corpus_traces_replay, 0, n);
	tcase_add_loop_test(tc, random_traces_replay, 0, n);
	tcase_add_test(tc, replay_sees_another_device);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(trace_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the fuzz layer on the simulated device: the target table matches the
 * files in fuzz/, any byte string decodes without a finding on the conforming device,
 * equal inputs give equal device traces whatever ran in between (no state leaks), each
 * target's oracle can fail (a known input finds a known defect), the write plan's
 * accounts, and the dedup key.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "klog.h"
#include "mc_test.h"
#include "runner.h"
#include "sim.h"

static struct mc_fuzz_ctx *open_ctx(const char *spec)
{
	struct mc_fuzz_ctx *ctx = NULL;
	char err[256] = "";

	ck_assert_msg(mc_fuzz_ctx_open(spec, &ctx, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return ctx;
}

static uint64_t rng = 7;

static uint8_t rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)(rng >> 24);
}

/* Every fuzz/<name>.c but the shared fuzz_*.c and the drivers is a target in the table. */
START_TEST(targets_match_files)
{
	DIR *d = opendir("fuzz");
	struct dirent *de;
	int n, files = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[64];

		if (len < 3 || strcmp(de->d_name + len - 2, ".c") ||
		    !strncmp(de->d_name, "fuzz_", 5) || !strncmp(de->d_name, "driver_", 7))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 2), de->d_name);
		ck_assert_msg(mc_fuzz_target_find(name), "fuzz/%s has no table entry", de->d_name);
		files++;
	}
	closedir(d);
	mc_fuzz_targets(&n);
	ck_assert_int_eq(files, n);
	ck_assert_ptr_null(mc_fuzz_target_find("nope"));
}
END_TEST

/* Random inputs of every length class: no finding and no harness error on the conforming device. */
START_TEST(random_inputs_are_clean)
{
	int n;
	const struct mc_fuzz_target *t = &mc_fuzz_targets(&n)[_i];
	struct mc_fuzz_ctx *ctx = open_ctx(NULL);
	struct mc_fuzz_finding f;
	uint8_t buf[600];

	for (int i = 0; i < 150; i++) {
		size_t len = (size_t)(i % 3 == 0 ? rnd8() % 16 :
				      i % 3 == 1 ? rnd8() :
						   300 + rnd8());
		int rc;

		for (size_t k = 0; k < len; k++)
			buf[k] = rnd8();
		if (i % 5 == 0 && len)
			buf[0] &= 0x3f; /* resume_stream: the device's own base, options */
		rc = mc_fuzz_run(ctx, t, buf, len, &f);
		ck_assert_msg(rc == 0, "%s input #%d (%zu bytes): rc %d %s %s", t->name, i, len, rc,
			      f.clause, f.msg);
	}
	ck_assert_int_eq(mc_fuzz_run(ctx, t, NULL, 0, &f), 0);
	mc_fuzz_ctx_close(ctx);
}
END_TEST

/* The same input gives the same device trace, whatever ran before it. */
START_TEST(no_state_leaks)
{
	int n;
	const struct mc_fuzz_target *t = &mc_fuzz_targets(&n)[_i];
	struct mc_fuzz_ctx *ctx = open_ctx(NULL);
	struct mc_fuzz_finding f;
	uint8_t a[200], b[200];
	uint64_t first;

	for (size_t k = 0; k < sizeof(a); k++) {
		a[k] = rnd8();
		b[k] = rnd8();
	}
	a[0] = 1; /* resume_stream: the device's own stream */
	ctx->trace_on = true;
	ck_assert_int_eq(mc_fuzz_run(ctx, t, a, sizeof(a), &f), 0);
	first = ctx->trace;
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(mc_fuzz_run(ctx, t, b, sizeof(b) - (size_t)i * 20, &f), 0);
	ck_assert_int_eq(mc_fuzz_run(ctx, t, a, sizeof(a), &f), 0);
	ck_assert_uint_eq(ctx->trace, first);
	mc_fuzz_ctx_close(ctx);
}
END_TEST

/* Each oracle can fail: a small input finds a defect of its area. */
START_TEST(oracles_find_defects)
{
	static const uint8_t set_get[] = { 0x0f, 0x03 }; /* SET STOP_COPY, GET */
	static const uint8_t argsz15[] = {
		0, 15, 0, 0, 0, 2, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0
	};
	static const uint8_t no_end[] = { 1, 0, 0, 0, 0x09, 0x11, 0, 0 }; /* own, cut to 4360 */
	static const uint8_t split36[] = { 0, 36, 0 };
	static const uint8_t own[] = { 1 }; /* the device's own stream, whole */
	static const struct {
		const char *target, *defect, *clause;
		const uint8_t *in;
		size_t len;
	} cases[] = {
		{ "state_sequence", "stale_get", "FSM-01", set_get, sizeof(set_get) },
		{ "feature_ioctl", "argsz_unchecked", "FEAT-03", argsz15, sizeof(argsz15) },
		{ "resume_stream", "end_optional", "RES-03", no_end, sizeof(no_end) },
		{ "write_chunking", "resume_split_header", "RES-01", split36, sizeof(split36) },
		/* Restored registers past BAR1's first 8 bytes: only a deeper exercise reads them. */
		{ "resume_stream", "restored_regs_unreadable", "RES-05", own, sizeof(own) },
	};
	struct mc_fuzz_finding f;
	char spec[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mc_fuzz_target *t = mc_fuzz_target_find(cases[i].target);
		struct mc_fuzz_ctx *ctx = open_ctx(NULL);

		ck_assert_int_eq(mc_fuzz_run(ctx, t, cases[i].in, cases[i].len, &f), 0);
		mc_fuzz_ctx_close(ctx);
		snprintf(spec, sizeof(spec), "%s:defect=%s", MC_FUZZ_DEFAULT_DEVICE,
			 cases[i].defect);
		ctx = open_ctx(spec);
		ck_assert_int_eq(mc_fuzz_run(ctx, t, cases[i].in, cases[i].len, &f), 1);
		ck_assert_str_eq(f.clause, cases[i].clause);
		ck_assert_str_eq(f.target, cases[i].target);
		mc_fuzz_ctx_close(ctx);
	}
}
END_TEST

/* A plan with an unreadable chunk: EFAULT, a gap, and the acknowledged bytes in order. */
START_TEST(write_plan_accounts)
{
	static const uint8_t plan[] = { 0, 100, 0, 2, 15, 0, 6 | 3 << 3, 0, 0 };
	struct mc_fuzz_ctx *ctx = open_ctx(NULL);
	struct mc_fuzz_finding f;
	struct mc_fuzz_wres r;
	struct mc_fuzz_in in;
	uint8_t *own;
	size_t len;
	int fd = -1;

	ck_assert_int_eq(mc_fuzz_begin(ctx, &f), 0);
	ck_assert_int_eq(mc_fuzz_save(ctx, &f, &own, &len), 0);
	ck_assert_uint_eq(len, 4372);
	ck_assert_int_eq(mc_set_state(ctx->dev, VFIO_DEVICE_STATE_RESUMING, &fd), 0);
	mc_fuzz_in_init(&in, plan, sizeof(plan));
	ck_assert_int_eq(mc_fuzz_write_plan(ctx, fd, own, len, &in, 3,
					    MC_FUZZ_W_FAULTS | MC_FUZZ_W_CONTINUE, &r, &f),
			 0);
	ck_assert_int_eq(r.first_err, -EFAULT);
	ck_assert(r.faulted && r.gap);
	/* 100 bytes, a gap of 16, 4 one-byte writes; the device refuses the misaligned rest. */
	ck_assert_uint_eq(r.acked, 104);
	ck_assert_uint_eq(r.offered, len);
	ck_assert_uint_eq(r.calls, 1 + 1 + 4 + 1);
	ck_assert(!memcmp(r.ack, own, 100) && !memcmp(r.ack + 100, own + 116, 4));
	mc_fuzz_wres_free(&r);
	ck_assert_int_eq(mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL), -EINVAL);
	mc_data_close(ctx->dev, fd);
	free(own);
	mc_fuzz_ctx_close(ctx);
}
END_TEST

START_TEST(finding_key_and_klog)
{
	struct mc_fuzz_finding f = { .target = "state_sequence" };
	char key[256];

	ck_assert_int_eq(mc_fuzz_fail(&f, "FSM-01", -EINVAL, 3, "x %d", 1), 1);
	snprintf(f.klog, sizeof(f.klog), "4,1234: WARNING: CPU: 0 PID: 1 at vfio_main.c");
	mc_fuzz_finding_key(&f, key, sizeof(key));
	ck_assert_str_eq(
		key,
		"state_sequence|FSM-01|EINVAL|STOP_COPY|warn: WARNING: CPU: ? PID: ? at vfio_main.c");
	ck_assert_str_eq(f.msg, "x 1");
	ck_assert(mc_klog_is_report("4,99: BUG: KASAN: slab-use-after-free in mtty_save"));
	ck_assert(!mc_klog_is_report("6,100: vfio-mdev: mtty created"));
}
END_TEST

/* The key of a ROB-01 finding whose first kernel-report line is @line. */
static void klog_key(const char *line, char *key, size_t len)
{
	struct mc_fuzz_finding f = { .target = "resume_stream" };

	mc_fuzz_fail(&f, "ROB-01", 0, 0, "the kernel log reported a problem during the input");
	snprintf(f.klog, sizeof(f.klog), "%s", line);
	mc_fuzz_finding_key(&f, key, len);
}

/*
 * Two occurrences of one report (addresses, offsets, pids, task names, CPUs, counters
 * and the log's prefix apart) are one finding; another kind or location is another.
 */
START_TEST(finding_key_dedups_reports)
{
	static const char *const same[][2] = {
		{ "3,1201: BUG: KASAN: slab-use-after-free in handle_bar_read+0x1a2/0x3f0 [mtty]",
		  "3,88: BUG: KASAN: slab-use-after-free in handle_bar_read+0x1b0/0x3f8 [mtty]" },
		{ "4,10: WARNING: CPU: 1 PID: 377 at drivers/vfio/vfio_main.c:123 vfio_x+0x10/0x20",
		  "4,99: WARNING: CPU: 0 PID: 912 at drivers/vfio/vfio_main.c:123 vfio_x+0x14/0x28" },
		{ "3,5: unreferenced object 0xffff888003a1b2c0 (size 64):",
		  "3,9: unreferenced object 0xffff88800ff00a40 (size 64):" },
		{ "[   12.345678] INFO: task migcheck:123 blocked for more than 120 seconds.",
		  "[ 1999.1] INFO: task resume_stream:77 blocked for more than 120 seconds." },
		{ "3,7: BUG: KFENCE: use-after-free read in mtty_save+0x5/0x90",
		  "3,8: BUG: KFENCE: use-after-free read in mtty_save+0x9/0x90" },
		{ "3,1: BUG: unable to handle page fault for address: ffffc90000123456",
		  "3,2: BUG: unable to handle page fault for address: ffffc900001abcd0" },
		{ "3,1: kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)",
		  "3,4: kmemleak: 13 new suspected memory leaks (see /sys/kernel/debug/kmemleak)" },
		{ "4,3: Oops: general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN",
		  "4,3: Oops: general protection fault, probably for non-canonical address 0xdffffc0000000003: 0000 [#2] PREEMPT SMP KASAN" },
	};
	static const char *const differ[][2] = {
		{ "3,1: UBSAN: invalid-load in samples/vfio-mdev/mtty.c:539:17",
		  "3,2: UBSAN: array-index-out-of-bounds in samples/vfio-mdev/mtty.c:548:13" },
		{ "3,1: UBSAN: array-index-out-of-bounds in samples/vfio-mdev/mtty.c:548:13",
		  "3,2: UBSAN: array-index-out-of-bounds in samples/vfio-mdev/mtty.c:379:4" },
		{ "3,1: BUG: KASAN: slab-use-after-free in handle_bar_read+0x1a2/0x3f0 [mtty]",
		  "3,1: BUG: KASAN: slab-out-of-bounds in handle_bar_read+0x1a2/0x3f0 [mtty]" },
		{ "3,1: BUG: KASAN: slab-use-after-free in handle_bar_read+0x1a2/0x3f0 [mtty]",
		  "3,1: BUG: KASAN: slab-use-after-free in handle_bar_write+0x1a2/0x3f0 [mtty]" },
		{ "3,1: BUG: KASAN: use-after-free in mtty_save+0x5/0x90",
		  "3,1: BUG: KFENCE: use-after-free in mtty_save+0x5/0x90" },
		{ "4,1: WARNING: CPU: 1 PID: 3 at drivers/vfio/vfio_main.c:123 vfio_x+0x10/0x20",
		  "4,1: WARNING: CPU: 1 PID: 3 at drivers/vfio/vfio_main.c:124 vfio_x+0x10/0x20" },
		{ "4,1: WARNING: possible circular locking dependency detected",
		  "4,1: WARNING: bad unlock balance detected!" },
	};
	char a[512], b[512];

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		klog_key(same[i][0], a, sizeof(a));
		klog_key(same[i][1], b, sizeof(b));
		ck_assert_msg(!strcmp(a, b), "one report, two keys:\n  %s\n  %s", a, b);
	}
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		klog_key(differ[i][0], a, sizeof(a));
		klog_key(differ[i][1], b, sizeof(b));
		ck_assert_msg(strcmp(a, b), "two reports, one key: %s", a);
	}
	klog_key(same[0][0], a, sizeof(a));
	ck_assert_str_eq(
		a,
		"resume_stream|ROB-01|0|ERROR|kasan: BUG: KASAN: slab-use-after-free in handle_bar_read [mtty]");
	klog_key(differ[0][1], a, sizeof(a));
	ck_assert_str_eq(
		strrchr(a, '|'),
		"|ubsan: UBSAN: array-index-out-of-bounds in samples/vfio-mdev/mtty.c:548:13");
	klog_key(same[2][0], a, sizeof(a));
	ck_assert_str_eq(strrchr(a, '|'), "|kmemleak: unreferenced object 0x? (size 64):");
	klog_key(same[3][0], a, sizeof(a));
	ck_assert_str_eq(strrchr(a, '|'),
			 "|hung_task: INFO: task ? blocked for more than 120 seconds.");
	klog_key("", a, sizeof(a));
	ck_assert_str_eq(strrchr(a, '|'), "|");
}
END_TEST

/* The first input of each distinct key is kept, with its key; later ones are not. */
START_TEST(finding_keep_first_input)
{
	char dir[] = "/tmp/mc-keep-XXXXXX", sub[64], path[400], text[600];
	struct mc_fuzz_finding f = { .target = "resume_stream" };
	struct dirent *de;
	FILE *in;
	DIR *d;
	int files = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/inputs", dir);
	mc_fuzz_fail(&f, "ROB-01", 0, 0, "the kernel log reported a problem during the input");
	snprintf(f.klog, sizeof(f.klog), "3,1: UBSAN: invalid-load in mtty.c:539:17");
	ck_assert_int_eq(mc_fuzz_finding_keep(sub, &f, (const uint8_t *)"abc", 3), 1);
	snprintf(f.klog, sizeof(f.klog), "3,9: UBSAN: invalid-load in mtty.c:539:17");
	ck_assert_int_eq(mc_fuzz_finding_keep(sub, &f, (const uint8_t *)"xyz!", 4), 0);
	snprintf(f.klog, sizeof(f.klog), "3,9: UBSAN: array-index-out-of-bounds in mtty.c:548:13");
	ck_assert_int_eq(mc_fuzz_finding_keep(sub, &f, (const uint8_t *)"", 0), 1);
	d = opendir(sub);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/%s", sub, de->d_name);
		in = fopen(path, "r");
		ck_assert_ptr_nonnull(in);
		memset(text, 0, sizeof(text));
		ck_assert(fread(text, 1, sizeof(text) - 1, in) < sizeof(text) - 1);
		fclose(in);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".key"))
			ck_assert_msg(
				!strncmp(text,
					 "FINDING resume_stream|ROB-01|0|ERROR|ubsan: UBSAN: ", 51),
				"%s", text);
		else
			ck_assert_msg(!strcmp(text, "abc") || !strcmp(text, ""), "%s", text);
		unlink(path);
	}
	closedir(d);
	ck_assert_int_eq(files, 4);
	ck_assert_int_eq(rmdir(sub), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * The note each input writes to the kernel log before it runs (make vmfuzz's salvage reads
 * it back from a panic's log): the target, the length, the first 256 bytes in hex, "..."
 * when there were more. A pipe stands in for /dev/kmsg.
 */
START_TEST(kmsg_note_format)
{
	struct mc_fuzz_ctx ctx = { .kmsg = true, .klog = true };
	uint8_t data[300];
	char got[1024], want[1024];
	size_t n = 0;
	ssize_t r;
	int p[2];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 5);
	ck_assert_int_eq(pipe(p), 0);
	ctx.kmsg_fd = p[1];
	mc_fuzz_kmsg_note(&ctx, "resume_stream", data, 3);
	mc_fuzz_kmsg_note(&ctx, "state_sequence", data, sizeof(data));
	mc_fuzz_kmsg_note(&ctx, "write_chunking", data, 0);
	close(p[1]);
	while ((r = read(p[0], got + n, sizeof(got) - 1 - n)) > 0)
		n += (size_t)r;
	got[n] = '\0';
	close(p[0]);
	n = (size_t)snprintf(want, sizeof(want),
			     "<5>migcheck-fuzz: resume_stream len=3 hex=052a4f\n"
			     "<5>migcheck-fuzz: state_sequence len=300 hex=");
	for (size_t i = 0; i < 256; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%02x", data[i]);
	snprintf(want + n, sizeof(want) - n, "...\n<5>migcheck-fuzz: write_chunking len=0 hex=\n");
	ck_assert_str_eq(got, want);
}
END_TEST

/* mc_klog_skip() on a backend without its own skip (the sim): read and dropped. */
START_TEST(klog_skip_drops_what_is_there)
{
	struct mc_fuzz_ctx *ctx = open_ctx(NULL);
	char buf[512];

	mc_sim_kernel_printk("<4>migcheck-test: before the skip\n");
	mc_sim_kernel_printk("<4>migcheck-test: also before\n");
	ck_assert_int_eq(mc_klog_skip(ctx->dev), 0);
	ck_assert_int_eq(mc_klog_read(ctx->dev, buf, sizeof(buf)), 0);
	mc_sim_kernel_printk("<4>migcheck-test: after the skip\n");
	ck_assert_int_gt(mc_klog_read(ctx->dev, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "after the skip"));
	ck_assert_ptr_null(strstr(buf, "before"));
	mc_fuzz_ctx_close(ctx);
}
END_TEST

/* A parser target's context opens no device; a device target refuses to run without one. */
START_TEST(parser_targets_open_no_device)
{
	const struct mc_fuzz_target *json = mc_fuzz_target_find("json_reader"),
				    *tar = mc_fuzz_target_find("tar_reader"),
				    *seq = mc_fuzz_target_find("state_sequence");
	static const char doc[] = "{\"schema\":1,\"a\":[1,\"x\"]}";
	struct mc_fuzz_ctx *ctx = NULL;
	struct mc_fuzz_finding f;
	char err[256];
	char key[512];

	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(tar);
	ck_assert(json->need & MC_FUZZ_NO_DEVICE);
	ck_assert(!(seq->need & MC_FUZZ_NO_DEVICE));
	ck_assert_int_eq(mc_fuzz_ctx_open_for(json, NULL, &ctx, err, sizeof(err)), 0);
	ck_assert_ptr_null(ctx->dev);
	ck_assert_str_eq(ctx->spec, "none");
	ck_assert_int_eq(mc_fuzz_run(ctx, json, (const uint8_t *)doc, sizeof(doc) - 1, &f), 0);
	ck_assert_int_eq(mc_fuzz_run(ctx, tar, (const uint8_t *)doc, sizeof(doc) - 1, &f), 0);
	ck_assert_int_eq(mc_fuzz_run(ctx, seq, (const uint8_t *)"\x0f\x03", 2, &f), -ENODEV);
	/* A parser's finding has no device state in its key. */
	mc_fuzz_fail(&f, "TAR", 0, 0, "x");
	snprintf(f.target, sizeof(f.target), "tar_reader");
	mc_fuzz_finding_key(&f, key, sizeof(key));
	ck_assert_str_eq(key, "tar_reader|TAR|0|-|");
	mc_fuzz_ctx_close(ctx);
}
END_TEST

static Suite *fuzz_suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("targets");
	int n;

	mc_fuzz_targets(&n);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, targets_match_files);
	tcase_add_loop_test(tc, random_inputs_are_clean, 0, n);
	tcase_add_loop_test(tc, no_state_leaks, 0, n);
	tcase_add_test(tc, oracles_find_defects);
	tcase_add_test(tc, parser_targets_open_no_device);
	tcase_add_test(tc, write_plan_accounts);
	tcase_add_test(tc, finding_key_and_klog);
	tcase_add_test(tc, finding_key_dedups_reports);
	tcase_add_test(tc, finding_keep_first_input);
	tcase_add_test(tc, kmsg_note_format);
	tcase_add_test(tc, klog_skip_drops_what_is_there);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(fuzz_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel-log oracles (klog.h) against excerpts in tests/data/klog/, written from the
 * report formats in the kernel's sources: each report's kind, its grouping into first
 * lines, and the boot banners of the debug options that must count as nothing.
 */
#include <stdio.h>
#include <string.h>

#include "klog.h"
#include "mc_test.h"
#include "runner.h"

#define DATA "tests/data/klog/"

/* One excerpt: its reports are all of @kind; the first report's first lines hold @line. */
static const struct {
	const char *file, *kind;
	int reports;
	const char *line;  /* one of the first report's first lines, or NULL */
	const char * not ; /* a line near the first report that is not one of them */
} excerpts[] = {
	{ "kasan.txt", "kasan", 2, "Read of size 8 at addr ffff888004c1a018", "Disabling lock" },
	{ "kfence.txt", "kfence", 2, "Use-after-free read at 0x00000000a1b2c3d4", NULL },
	{ "ubsan.txt", "ubsan", 2, "index 9 is out of range", "cut here" },
	{ "lockdep.txt", "lockdep", 5, "is trying to acquire lock", "=====" },
	{ "kmemleak.txt", "kmemleak", 3, NULL, NULL },
	{ "atomic_sleep.txt", "atomic_sleep", 2, "in_atomic(): 1", NULL },
	{ "hung_task.txt", "hung_task", 2, "hung_task_timeout_secs", NULL },
	{ "warn.txt", "warn", 1, "Modules linked in: mtty", "no part of the report" },
	{ "banners.txt", NULL, 0, NULL, NULL },
};

/* The reports of @path: their number; the first one's first lines into @first. */
static int group_file(const char *path, const char *kind, char *first, size_t len)
{
	struct mc_klog_group g = { 0 };
	char line[1024];
	int reports = 0, in_first = 0;
	FILE *f = fopen(path, "r");

	ck_assert_msg(f, "%s", path);
	first[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		int r;

		line[strcspn(line, "\n")] = '\0';
		r = mc_klog_group_line(&g, line);
		if (r == 1) {
			ck_assert_msg(kind && !strcmp(g.kind, kind), "%s: \"%s\" is %s", path, line,
				      g.kind);
			ck_assert(mc_klog_is_report(line));
			in_first = !reports++;
		} else {
			ck_assert_msg(!mc_klog_is_report(line), "%s: \"%s\"", path, line);
		}
		if (r && in_first && strlen(first) + strlen(line) + 2 < len)
			strcat(strcat(first, line), "\n");
	}
	fclose(f);
	return reports;
}

START_TEST(excerpt_kinds_and_first_lines)
{
	char path[256], first[4096];

	snprintf(path, sizeof(path), DATA "%s", excerpts[_i].file);
	ck_assert_int_eq(group_file(path, excerpts[_i].kind, first, sizeof(first)),
			 excerpts[_i].reports);
	if (excerpts[_i].line)
		ck_assert_msg(strstr(first, excerpts[_i].line), "%s: first lines:\n%s", path,
			      first);
	if (excerpts[_i].not )
		ck_assert_msg(!strstr(first, excerpts[_i].not ), "%s: first lines:\n%s", path,
			      first);
}
END_TEST

START_TEST(first_lines_are_bounded)
{
	struct mc_klog_group g = { 0 };
	char line[64];
	int kept = 0;

	ck_assert_int_eq(mc_klog_group_line(&g, "4,10: WARNING: CPU: 0 PID: 1 at x.c:1 f"), 1);
	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "4,%d: line %d", 11 + i, i);
		kept += mc_klog_group_line(&g, line) == 2;
	}
	ck_assert_int_eq(kept, MC_KLOG_REPORT_LINES - 1);
	ck_assert_ptr_null(g.kind); /* closed after MC_KLOG_REPORT_SPAN lines */
	ck_assert_int_eq(mc_klog_group_line(&g, "4,200: a line after it"), 0);
}
END_TEST

START_TEST(renderings)
{
	/* mc_klog_read()'s "prio,seq: ", dmesg's timestamps, a bare line, a journal's prefix */
	ck_assert_str_eq(mc_klog_kind("3,812: BUG: KASAN: slab-out-of-bounds in f+0x1/0x2"),
			 "kasan");
	ck_assert_str_eq(mc_klog_kind("[ 1.0] UBSAN: shift-out-of-bounds in a.c:1:2"), "ubsan");
	ck_assert_str_eq(mc_klog_kind("unreferenced object 0xffff8880 (size 8):"), "kmemleak");
	ck_assert_str_eq(mc_klog_kind("Dec 02 kernel: kmemleak: 1 new suspected memory leaks "
				      "(see /sys/kernel/debug/kmemleak)"),
			 "kmemleak");
	ck_assert_str_eq(mc_klog_kind("4,9: BUG kmalloc-64 (Not tainted): Poison overwritten"),
			 "slab");
	ck_assert_str_eq(mc_klog_kind("0,9: Kernel panic - not syncing: Fatal exception"), "panic");
	ck_assert_str_eq(mc_klog_kind("4,9: Oops: general protection fault, probably for "
				      "non-canonical address"),
			 "oops");
	ck_assert_str_eq(mc_klog_kind("2,9: kernel BUG at mm/slub.c:512!"), "bug");
	ck_assert_str_eq(mc_klog_kind("4,9: refcount_t: underflow; use-after-free."), "refcount");
	ck_assert_ptr_null(mc_klog_kind("6,9: kmemleak: Automatic memory scanning thread started"));
	ck_assert_ptr_null(
		mc_klog_kind("6,9: kasan: KernelAddressSanitizer initialized (generic)"));
	ck_assert_ptr_null(mc_klog_kind("6,9: DEBUG: no BUGS here"));
	ck_assert(mc_klog_is_end("[ 1.0] ---[ end trace 0000000000000000 ]---"));
	ck_assert(mc_klog_is_end("3,4: ==================================================="));
	ck_assert(!mc_klog_is_end("3,4: ------------------------------------------------------"));
}
END_TEST

static Suite *klog_suite(void)
{
	Suite *s = suite_create("klog");
	TCase *tc = tcase_create("oracles");

	tcase_add_loop_test(tc, excerpt_kinds_and_first_lines, 0,
			    (int)(sizeof(excerpts) / sizeof(excerpts[0])));
	tcase_add_test(tc, first_lines_are_bounded);
	tcase_add_test(tc, renderings);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(klog_suite)

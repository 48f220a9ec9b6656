// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection into a driver without a kernel: the probe's verdict and reason for each
 * missing piece (fail-nth, failslab, its stack-trace filter, the module's text from sysfs
 * sections or kallsyms), the
 * attributes written (the module's runtime text as the stack filter, GFP_KERNEL counted,
 * order-0 pages), and fail-nth's arm, read-back and counting, on a fixture tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "kfault.h"
#include "mc_test.h"

static char root[64], dbg[96], proc[96];

static void put(const char *dir, const char *leaf, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *dir, const char *leaf)
{
	static char buf[64];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void mkd(const char *dir, const char *leaf)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* An empty debugfs and /proc with the kallsyms of a KASLR'd kernel (mtty at c2200000). */
static void setup(void)
{
	char cmd[256];

	snprintf(root, sizeof(root), "/tmp/mc-kfault-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(dbg, sizeof(dbg), "%s/debug", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	ck_assert_int_eq(mkdir(dbg, 0700), 0);
	ck_assert_int_eq(mkdir(proc, 0700), 0);
	snprintf(cmd, sizeof(cmd), "cp tests/data/kcov/kaslr/kallsyms %s/kallsyms", proc);
	ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *const attr_files[] = {
	"require-start", "require-end",	     "probability",	"verbose",
	"task-filter",	 "stacktrace-depth", "ignore-gfp-wait", NULL,
};

/* What a debug kernel has: fail-nth, and both attributes with their files. */
static void full_kernel(void)
{
	mkd(proc, "thread-self");
	put(proc, "thread-self/fail-nth", "0\n");
	mkd(dbg, "failslab");
	mkd(dbg, "fail_page_alloc");
	for (int i = 0; attr_files[i]; i++) {
		char leaf[64];

		snprintf(leaf, sizeof(leaf), "failslab/%s", attr_files[i]);
		put(dbg, leaf, "1\n");
		snprintf(leaf, sizeof(leaf), "fail_page_alloc/%s", attr_files[i]);
		put(dbg, leaf, "1\n");
	}
	put(dbg, "fail_page_alloc/min-order", "1\n");
	put(dbg, "fail_page_alloc/ignore-gfp-highmem", "Y\n");
}

START_TEST(probe_names_what_is_missing)
{
	struct mc_kfault kf;
	char why[256];

	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "CONFIG_FAULT_INJECTION is off"));
	mkd(proc, "thread-self");
	put(proc, "thread-self/fail-nth", "0\n");
	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "CONFIG_FAILSLAB"));
	mkd(dbg, "failslab");
	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "CONFIG_FAULT_INJECTION_STACKTRACE_FILTER"));
	put(dbg, "failslab/require-start", "0\n");
	ck_assert_int_eq(mc_kfault_probe(&kf, "nosuch", dbg, proc, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "module nosuch's text"));
	ck_assert_int_eq(mc_kfault_probe(&kf, "", dbg, proc, why, sizeof(why)), -ENOENT);
	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), 0);
	/* runtime addresses: the stack filter compares return addresses, not KCOV's PCs */
	ck_assert_uint_eq(kf.start, 0xffffffffc2200000ull);
	ck_assert_uint_eq(kf.end, 0xffffffffc2201000ull);
	ck_assert(!kf.page_alloc);
}
END_TEST

/* Root's fast way: the module's sections in sysfs, text up to its rodata; init is gone. */
START_TEST(span_from_sysfs_sections)
{
	static const char *const secs[][2] = {
		{ ".text", "0xffffffffc3200000" },
		{ ".text.unlikely", "0xffffffffc3200800" },
		{ ".exit.text", "0xffffffffc3200900" },
		{ ".rodata", "0xffffffffc3202000" },
		{ ".data", "0xffffffffc3204000" },
		{ ".init.text", "0xffffffffc3300000" },
		{ ".gnu.linkonce.this_module", "0xffffffffc3204100" },
	};
	char dir[160], leaf[256];
	struct mc_kfault kf;
	char why[256];

	full_kernel();
	snprintf(dir, sizeof(dir), "%s/sys", root);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	mkd(dir, "module");
	mkd(dir, "module/mtty");
	mkd(dir, "module/mtty/sections");
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		snprintf(leaf, sizeof(leaf), "module/mtty/sections/%s", secs[i][0]);
		put(dir, leaf, secs[i][1]);
	}
	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), 0);
	ck_assert_uint_eq(kf.start, 0xffffffffc3200000ull);
	ck_assert_uint_eq(kf.end, 0xffffffffc3202000ull);
	/* without a section above the text: 64 KiB on */
	snprintf(leaf, sizeof(leaf), "%s/module/mtty/sections/.rodata", dir);
	ck_assert_int_eq(unlink(leaf), 0);
	snprintf(leaf, sizeof(leaf), "%s/module/mtty/sections/.data", dir);
	ck_assert_int_eq(unlink(leaf), 0);
	snprintf(leaf, sizeof(leaf), "%s/module/mtty/sections/.gnu.linkonce.this_module", dir);
	ck_assert_int_eq(unlink(leaf), 0);
	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), 0);
	ck_assert_uint_eq(kf.end, 0xffffffffc3200900ull + 65536);
}
END_TEST

START_TEST(configure_aims_both_attributes_at_the_module)
{
	struct mc_kfault kf;
	char why[256];

	full_kernel();
	ck_assert_int_eq(mc_kfault_probe(&kf, "mtty", dbg, proc, why, sizeof(why)), 0);
	ck_assert(kf.page_alloc);
	ck_assert_int_eq(mc_kfault_configure(&kf, why, sizeof(why)), 0);
	ck_assert_str_eq(get(dbg, "failslab/require-start"), "0xffffffffc2200000");
	ck_assert_str_eq(get(dbg, "failslab/require-end"), "0xffffffffc2201000");
	ck_assert_str_eq(get(dbg, "fail_page_alloc/require-start"), "0xffffffffc2200000");
	ck_assert_str_eq(get(dbg, "fail_page_alloc/require-end"), "0xffffffffc2201000");
	/* failslab skips GFP_KERNEL (direct reclaim) allocations unless told otherwise */
	ck_assert_str_eq(get(dbg, "failslab/ignore-gfp-wait"), "N");
	ck_assert_str_eq(get(dbg, "fail_page_alloc/ignore-gfp-wait"), "N");
	ck_assert_str_eq(get(dbg, "fail_page_alloc/min-order"), "0");
	ck_assert_str_eq(get(dbg, "fail_page_alloc/ignore-gfp-highmem"), "N");
	ck_assert_str_eq(get(dbg, "failslab/probability"), "0");
	ck_assert_str_eq(get(dbg, "failslab/stacktrace-depth"), "32");
	ck_assert_str_eq(get(dbg, "failslab/verbose"), "1");
	/* once per device: a second call writes nothing */
	put(dbg, "failslab/probability", "7");
	ck_assert_int_eq(mc_kfault_configure(&kf, why, sizeof(why)), 0);
	ck_assert_str_eq(get(dbg, "failslab/probability"), "7");
}
END_TEST

START_TEST(arm_read_back_and_count)
{
	struct mc_kfault_dev kd = { .dbg_root = dbg, .proc_root = proc };
	char why[256] = "";

	ck_assert_uint_eq(mc_kfault_dev_kinds(&kd, "mtty", why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "CONFIG_FAULT_INJECTION"));
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_ALLOC_NTH, 3), -EOPNOTSUPP);
	full_kernel();
	kd = (struct mc_kfault_dev){ .dbg_root = dbg, .proc_root = proc };
	ck_assert_uint_eq(mc_kfault_dev_kinds(&kd, "mtty", why, sizeof(why)), MC_FAULT_ALLOC_KINDS);
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_ARC_FAIL, 0x102), -EINVAL);
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_ALLOC_NTH, 0), -EINVAL);
	/* nothing armed: disarming reads nothing back */
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_NONE, 0), 0);
	/* the third point fired: the kernel left fail-nth at 0 */
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_ALLOC_NTH, 3), 0);
	ck_assert_str_eq(get(proc, "thread-self/fail-nth"), "3");
	ck_assert_str_eq(get(dbg, "failslab/ignore-gfp-wait"), "N");
	put(proc, "thread-self/fail-nth", "0\n");
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_NONE, 0), 0);
	/* only two points passed: pending, and fail-nth is cleared for what follows */
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_ALLOC_NTH, 3), 0);
	put(proc, "thread-self/fail-nth", "1\n");
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_NONE, 0), 1);
	ck_assert_str_eq(get(proc, "thread-self/fail-nth"), "0");
	/* counting: seven points passed, none failed */
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_ALLOC_COUNT, 0), 0);
	ck_assert_str_eq(get(proc, "thread-self/fail-nth"), "1000000");
	put(proc, "thread-self/fail-nth", "999993\n");
	ck_assert_int_eq(mc_kfault_dev_fault(&kd, "mtty", MC_FAULT_NONE, 0), 7);
}
END_TEST

/* Where the kernel has no fault injection (Debian's), the probe says so and writes nothing. */
START_TEST(this_kernel_answers)
{
	struct mc_kfault kf;
	char why[256] = "";
	int rc = mc_kfault_probe(&kf, "mtty", NULL, NULL, why, sizeof(why));

	if (access("/proc/thread-self/fail-nth", F_OK))
		ck_assert_int_eq(rc, -ENOENT);
	if (rc)
		ck_assert_str_ne(why, "");
}
END_TEST

static Suite *kfault_suite(void)
{
	Suite *s = suite_create("kfault");
	TCase *tc = tcase_create("fixture");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, probe_names_what_is_missing);
	tcase_add_test(tc, span_from_sysfs_sections);
	tcase_add_test(tc, configure_aims_both_attributes_at_the_module);
	tcase_add_test(tc, arm_read_back_and_count);
	tcase_add_test(tc, this_kernel_answers);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(kfault_suite)

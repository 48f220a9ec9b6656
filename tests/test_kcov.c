// SPDX-License-Identifier: GPL-2.0-only
/*
 * KCOV's ranges and PC sets without a kernel: the driver module's and the VFIO core's text
 * spans from kallsyms fixtures (with and without KASLR, where the canonical PCs KCOV reports
 * must not move), hidden addresses, and the set that keeps only PCs inside them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcov.h"
#include "kcov_run.h"
#include "mc_test.h"

#define FIX "tests/data/kcov"
#define FIX_KASLR "tests/data/kcov/kaslr"

static const char *const vfio_prefixes[] = { "vfio_", NULL };

START_TEST(module_span_ends_at_next_module)
{
	struct mc_kcov_ranges rs = { 0 };

	ck_assert_int_eq(mc_kcov_add_module(&rs, "mtty", FIX), 0);
	ck_assert_int_eq(rs.n, 1);
	ck_assert_str_eq(rs.r[0].name, "mtty");
	ck_assert_uint_eq(rs.r[0].start, 0xffffffffc0200000ull);
	/* mtty_ops is data; the span ends at mdev's first function */
	ck_assert_uint_eq(rs.r[0].end, 0xffffffffc0201000ull);
	ck_assert_int_eq(mc_kcov_range_of(&rs, 0xffffffffc0200850ull), 0);
	ck_assert_int_eq(mc_kcov_range_of(&rs, 0xffffffffc0201004ull), -1);
	ck_assert_int_eq(mc_kcov_add_module(&rs, "nosuch", FIX), -ENOENT);
}
END_TEST

START_TEST(kernel_span_of_prefixes)
{
	struct mc_kcov_ranges rs = { 0 };

	ck_assert_int_eq(mc_kcov_add_kernel(&rs, vfio_prefixes, FIX), 0);
	ck_assert_str_eq(rs.r[0].name, "vmlinux");
	ck_assert_uint_eq(rs.r[0].start, 0xffffffff81200000ull);
	/* iommufd_device_bind is the first non-matching text symbol after the last match */
	ck_assert_uint_eq(rs.r[0].end, 0xffffffff81201000ull);
}
END_TEST

START_TEST(kaslr_gives_the_same_canonical_ranges)
{
	struct mc_kcov_ranges a = { 0 }, b = { 0 };

	ck_assert_uint_eq(mc_kcov_kaslr_offset(FIX), 0);
	ck_assert_uint_eq(mc_kcov_kaslr_offset(FIX_KASLR), 0x2000000);
	ck_assert_int_eq(mc_kcov_add_module(&a, "mtty", FIX), 0);
	ck_assert_int_eq(mc_kcov_add_module(&b, "mtty", FIX_KASLR), 0);
	ck_assert_uint_eq(a.r[0].start, b.r[0].start);
	ck_assert_uint_eq(a.r[0].end, b.r[0].end);
	ck_assert_uint_eq(b.r[0].load, 0xffffffffc2200000ull);
}
END_TEST

START_TEST(hidden_addresses_are_refused)
{
	struct mc_kcov_ranges rs = { 0 };
	char dir[] = "/tmp/mc-kcov-XXXXXX", path[64];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	f = fopen(path, "w");
	fputs("0000000000000000 t mtty_open\t[mtty]\n", f);
	fclose(f);
	ck_assert_int_eq(mc_kcov_add_module(&rs, "mtty", dir), -EPERM);
	ck_assert_int_eq(rs.n, 0);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(pcset_keeps_in_range_once)
{
	struct mc_kcov_ranges rs = { 0 };
	struct mc_pcset s = { 0 };
	const uint64_t rec[] = { 0xffffffffc0200010ull, 0xffffffff81000100ull,
				 0xffffffffc0200010ull, 0xffffffffc0200400ull,
				 0xffffffff81200404ull };
	uint64_t *sorted;

	ck_assert_int_eq(mc_kcov_add_module(&rs, "mtty", FIX), 0);
	ck_assert_int_eq(mc_kcov_add_kernel(&rs, vfio_prefixes, FIX), 0);
	ck_assert_int_eq(mc_pcset_add_in(&s, &rs, rec, 5), 3);
	ck_assert_int_eq(mc_pcset_add_in(&s, &rs, rec, 5), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert(mc_pcset_has(&s, 0xffffffff81200404ull));
	ck_assert(!mc_pcset_has(&s, 0xffffffff81000100ull));
	sorted = mc_pcset_sorted(&s);
	ck_assert_uint_eq(sorted[0], 0xffffffff81200404ull);
	ck_assert_uint_eq(sorted[2], 0xffffffffc0200400ull);
	free(sorted);
	for (uint64_t pc = 1; pc <= 5000; pc++)
		ck_assert_int_eq(mc_pcset_add(&s, pc * 4), 1);
	ck_assert_uint_eq(s.n, 5003);
	ck_assert(mc_pcset_has(&s, 4 * 4321));
	mc_pcset_free(&s);
}
END_TEST

START_TEST(pc_lines_name_symbol_and_offset)
{
	struct mc_kcov_ranges rs = { 0 };
	struct mc_kcov_symtab *st;
	char line[160];

	ck_assert_int_eq(mc_kcov_add_module(&rs, "mtty", FIX_KASLR), 0);
	ck_assert_int_eq(mc_kcov_add_kernel(&rs, vfio_prefixes, FIX_KASLR), 0);
	ck_assert_int_eq(mc_kcov_symtab_load(&st, &rs, FIX_KASLR), 0);
	ck_assert_int_eq(mc_kcov_pc_line(st, &rs, 0xffffffffc0200850ull, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "0xffffffffc0200850 mtty mtty_save_device_data+0x50");
	ck_assert_int_eq(mc_kcov_pc_line(st, &rs, 0xffffffff81200404ull, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "0xffffffff81200404 vmlinux vfio_ioctl_device_feature+0x4");
	ck_assert_int_eq(mc_kcov_pc_line(st, &rs, 0xffffffff81000100ull, line, sizeof(line)),
			 -ENOENT);
	mc_kcov_symtab_free(st);
}
END_TEST

/* One read of kallsyms answers every range and symbol: the file is gone after the read. */
START_TEST(one_read_gives_ranges_and_symbols)
{
	struct mc_kcov_ranges a = { 0 }, b = { 0 };
	struct mc_kcov_symtab *st;
	struct mc_kallsyms *ks;
	char dir[] = "/tmp/mc-kcov-XXXXXX", path[64], line[160], cmd[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	snprintf(cmd, sizeof(cmd), "cp %s/kallsyms %s", FIX_KASLR, path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(mc_kallsyms_read(&ks, dir), 0);
	unlink(path);
	rmdir(dir);
	ck_assert_uint_eq(mc_kallsyms_kaslr_offset(ks), 0x2000000);
	ck_assert_int_eq(mc_kallsyms_add_module(&a, ks, "mtty"), 0);
	ck_assert_int_eq(mc_kallsyms_add_module(&a, ks, "nosuch"), -ENOENT);
	ck_assert_int_eq(mc_kallsyms_add_module(&a, ks, "mdev"), 0);
	ck_assert_int_eq(mc_kallsyms_add_kernel(&a, ks, vfio_prefixes), 0);
	ck_assert_int_eq(mc_kallsyms_symtab(&st, &a, ks), 0);
	mc_kallsyms_free(ks);
	/* the same as the functions that read kallsyms each time */
	ck_assert_int_eq(mc_kcov_add_module(&b, "mtty", FIX_KASLR), 0);
	ck_assert_int_eq(mc_kcov_add_module(&b, "mdev", FIX_KASLR), 0);
	ck_assert_int_eq(mc_kcov_add_kernel(&b, vfio_prefixes, FIX_KASLR), 0);
	ck_assert_int_eq(a.n, 3);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	ck_assert_int_eq(mc_kcov_pc_line(st, &a, 0xffffffffc0200850ull, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "0xffffffffc0200850 mtty mtty_save_device_data+0x50");
	ck_assert_int_eq(mc_kcov_pc_line(st, &a, 0xffffffff81200404ull, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "0xffffffff81200404 vmlinux vfio_ioctl_device_feature+0x4");
	mc_kcov_symtab_free(st);
	ck_assert_int_eq(mc_kallsyms_read(&ks, dir), -ENOENT);
}
END_TEST

static void ranges_and_symtab(const char *dir, struct mc_kcov_ranges *rs,
			      struct mc_kcov_symtab **st, struct mc_kallsyms **ks)
{
	ck_assert_int_eq(mc_kallsyms_read(ks, dir), 0);
	ck_assert_int_eq(mc_kallsyms_add_module(rs, *ks, "mtty"), 0);
	ck_assert_int_eq(mc_kallsyms_add_module(rs, *ks, "mdev"), 0);
	ck_assert_int_eq(mc_kallsyms_add_kernel(rs, *ks, vfio_prefixes), 0);
	ck_assert_int_eq(mc_kallsyms_symtab(st, rs, *ks), 0);
}

/* A kallsyms cut down to the spans gives the same ranges and symbols, and stays as it is. */
START_TEST(spans_copy_answers_alike)
{
	static const char *const pcs[] = { "0xffffffffc0200850", "0xffffffff81200404",
					   "0xffffffff81200ffc", "0xffffffffc0201010" };
	struct mc_kcov_ranges a = { 0 }, b = { 0 };
	struct mc_kcov_symtab *sa, *sb;
	struct mc_kallsyms *ks;
	char dir[] = "/tmp/mc-kcov-XXXXXX", path[64], cmd[512], la[160], lb[160];
	char *cut;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	/* the fixture with text the spans do not need, before, between and after them */
	snprintf(cmd, sizeof(cmd),
		 "{ cat %s/kallsyms; printf '%%s\\n' 'ffffffff83100000 T noise_before' "
		 "'ffffffff83400000 T noise_after' 'ffffffffc2100000 t other_fn\t[other]'; } >%s",
		 FIX_KASLR, path);
	ck_assert_int_eq(system(cmd), 0);
	ranges_and_symtab(dir, &a, &sa, &ks);
	ck_assert_int_eq(mc_kallsyms_write_spans(ks, &a, path), 0);
	mc_kallsyms_free(ks);
	cut = mc_test_slurp(path, NULL);
	ck_assert_ptr_null(strstr(cut, "noise_"));
	ck_assert_ptr_null(strstr(cut, "other_fn"));
	ck_assert_ptr_null(strstr(cut, "startup_64"));
	ck_assert_ptr_nonnull(strstr(cut, " _text"));
	ck_assert_ptr_nonnull(strstr(cut, "iommufd_device_bind")); /* ends the VFIO span */
	free(cut);
	ranges_and_symtab(dir, &b, &sb, &ks);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	for (size_t i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++) {
		uint64_t pc = strtoull(pcs[i], NULL, 16);

		ck_assert_int_eq(mc_kcov_pc_line(sa, &a, pc, la, sizeof(la)),
				 mc_kcov_pc_line(sb, &b, pc, lb, sizeof(lb)));
		ck_assert_str_eq(la, lb);
	}
	/* already cut: nothing to write */
	unlink(path);
	ck_assert_int_eq(mc_kallsyms_write_spans(ks, &b, path), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	mc_kallsyms_free(ks);
	mc_kcov_symtab_free(sa);
	mc_kcov_symtab_free(sb);
	rmdir(dir);
}
END_TEST

/* The runner's side: cases' PCs collected, written as the total and per case. */
START_TEST(run_writes_pc_lists)
{
	static struct mc_kcov_shared sh;
	struct mc_kcov_run kr = { .on = true };
	char dir[] = "/tmp/mc-test-kcov.XXXXXX", path[600], *text;

	ck_assert_int_eq(mc_kcov_add_module(&kr.rs, "mtty", FIX), 0);
	ck_assert_int_eq(mc_kcov_add_kernel(&kr.rs, vfio_prefixes, FIX), 0);
	ck_assert_int_eq(mc_kcov_symtab_load(&kr.st, &kr.rs, FIX), 0);
	sh.n = 2;
	sh.pc[0] = 0xffffffff81200404ull;
	sh.pc[1] = 0xffffffffc0200850ull;
	ck_assert_int_eq(mc_kcov_run_add(&kr, "FSM-01:a", &sh), 0);
	sh.n = 1;
	sh.pc[0] = 0xffffffffc0200304ull;
	sh.overflow = true;
	ck_assert_int_eq(mc_kcov_run_add(&kr, "FSM-01:b", &sh), 0);
	ck_assert_uint_eq(kr.total.n, 3);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(mc_kcov_run_write(&kr, dir), 0);
	snprintf(path, sizeof(path), "%s/kcov-total.pcs", dir);
	text = mc_test_slurp(path, NULL);
	ck_assert_str_eq(
		text,
		"# migcheck kcov: one PC a line, 0x<pc> <module|vmlinux> <symbol>+0x<offset>\n"
		"# range mtty 0xffffffffc0200000 0xffffffffc0201000 load 0xffffffffc0200000\n"
		"# range vmlinux 0xffffffff81200000 0xffffffff81201000 load 0xffffffff81200000\n"
		"0xffffffff81200404 vmlinux vfio_ioctl_device_feature+0x4\n"
		"0xffffffffc0200304 mtty mtty_set_state+0x4\n"
		"0xffffffffc0200850 mtty mtty_save_device_data+0x50\n");
	free(text);
	unlink(path);
	snprintf(path, sizeof(path), "%s/kcov-cases.pcs", dir);
	text = mc_test_slurp(path, NULL);
	ck_assert_ptr_nonnull(strstr(
		text,
		"# case FSM-01:a\n"
		"0xffffffff81200404 vmlinux vfio_ioctl_device_feature+0x4\n"
		"0xffffffffc0200850 mtty mtty_save_device_data+0x50\n"
		"# case FSM-01:b\n# lost overflow\n0xffffffffc0200304 mtty mtty_set_state+0x4\n"));
	free(text);
	unlink(path);
	rmdir(dir);
	mc_kcov_run_free(&kr);
}
END_TEST

START_TEST(no_kcov_is_enoent)
{
	struct mc_kcov *k = (struct mc_kcov *)1;
	int rc = mc_kcov_open(&k, MC_KCOV_PC, 0);

	/* The host kernel that runs the unit tests has no KCOV; a guest's test would. */
	if (rc == 0) {
		mc_kcov_close(k);
		return;
	}
	ck_assert(rc == -ENOENT || rc == -EACCES || rc == -EPERM);
	ck_assert_ptr_null(k);
}
END_TEST

static Suite *kcov_suite(void)
{
	Suite *s = suite_create("kcov");
	TCase *tc = tcase_create("ranges");

	tcase_add_test(tc, module_span_ends_at_next_module);
	tcase_add_test(tc, kernel_span_of_prefixes);
	tcase_add_test(tc, kaslr_gives_the_same_canonical_ranges);
	tcase_add_test(tc, hidden_addresses_are_refused);
	tcase_add_test(tc, pcset_keeps_in_range_once);
	tcase_add_test(tc, pc_lines_name_symbol_and_offset);
	tcase_add_test(tc, one_read_gives_ranges_and_symbols);
	tcase_add_test(tc, spans_copy_answers_alike);
	tcase_add_test(tc, run_writes_pc_lists);
	tcase_add_test(tc, no_kcov_is_enoent);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(kcov_suite)

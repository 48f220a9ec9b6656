// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapping of kernel coverage onto the engine's counters (fuzz/fuzz_kcov.c) without a
 * kernel: indexes stay in their region and do not move with a module's load address,
 * PCs outside the code under test count nothing, counters saturate, edges are ordered,
 * comparisons reach the engine's hook with their operands, and guidance is off by default
 * without a sink or with the knob at 0; and the report's charts of a campaign's kernel
 * coverage over time (harness/rep_svg_fuzz.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_kcov.h"
#include "json.h"
#include "mc_test.h"
#include "rep_html.h"

#define MTTY 0xffffffffc0200000ull
#define CORE 0xffffffff81200000ull

/* mtty at @base (4 KiB) and the VFIO core's span. */
static void ranges(struct mc_kcov_ranges *rs, uint64_t base)
{
	memset(rs, 0, sizeof(*rs));
	rs->n = 2;
	strcpy(rs->r[0].name, "mtty");
	rs->r[0].start = base;
	rs->r[0].end = base + 0x1000;
	strcpy(rs->r[1].name, "vmlinux");
	rs->r[1].start = CORE;
	rs->r[1].end = CORE + 0x1000;
}

static size_t nonzero(const uint8_t *m, size_t lo, size_t hi)
{
	size_t n = 0;

	for (size_t i = lo; i < hi; i++)
		n += m[i] != 0;
	return n;
}

START_TEST(indexes_stay_in_their_region)
{
	const size_t lens[] = { 16, 1000, MC_FUZZ_KCOV_COUNTERS, 65535 };

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		size_t len = lens[l], half = len / 2, eighth = len / 8;

		for (uint64_t off = 0; off < 4096; off += 4) {
			size_t pc = mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_PC, 0, 0, off, len);
			size_t e = mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_EDGE, 1, off + 1, off, len);
			size_t c = mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_CMP, 0, 0, off, len);

			ck_assert_uint_lt(pc, half);
			ck_assert(e >= half && e < len - eighth);
			ck_assert(c >= len - eighth && c < len);
		}
	}
	/* a map of fewer than 16 counters is one region */
	ck_assert_uint_lt(mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_CMP, 0, 0, 12, 3), 3);
}
END_TEST

START_TEST(pcs_outside_the_ranges_count_nothing)
{
	static uint8_t map[MC_FUZZ_KCOV_COUNTERS];
	struct mc_kcov_ranges rs;
	const uint64_t pc[] = { 0xffffffff81000100ull, MTTY - 4, MTTY + 0x1000, CORE + 0x1000 };

	ranges(&rs, MTTY);
	memset(map, 0, sizeof(map));
	ck_assert_uint_eq(mc_fuzz_kcov_map_pcs(&rs, pc, 4, map, sizeof(map)), 0);
	ck_assert_uint_eq(nonzero(map, 0, sizeof(map)), 0);
}
END_TEST

START_TEST(pcs_and_edges_are_counted_and_saturate)
{
	static uint8_t map[MC_FUZZ_KCOV_COUNTERS];
	struct mc_kcov_ranges rs;
	uint64_t pc[600];
	size_t half = sizeof(map) / 2;

	ranges(&rs, MTTY);
	memset(map, 0, sizeof(map));
	/* 300 times mtty+0x10 then core+0x20: two PCs, one edge each way, one self-edge */
	for (int i = 0; i < 600; i++)
		pc[i] = i % 2 ? CORE + 0x20 : MTTY + 0x10;
	ck_assert_uint_eq(mc_fuzz_kcov_map_pcs(&rs, pc, 600, map, sizeof(map)), 600);
	ck_assert_uint_eq(map[mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_PC, 0, 0, 0x10, sizeof(map))], 255);
	ck_assert_uint_eq(map[mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_PC, 1, 0, 0x20, sizeof(map))], 255);
	ck_assert_uint_eq(nonzero(map, 0, half), 2);
	ck_assert_uint_eq(nonzero(map, half, sizeof(map)), 2); /* mtty->core, core->mtty */

	/* one PC twice: its counter is 2, and the self-edge counts once */
	memset(map, 0, sizeof(map));
	pc[0] = pc[1] = MTTY + 0x40;
	mc_fuzz_kcov_map_pcs(&rs, pc, 2, map, sizeof(map));
	ck_assert_uint_eq(map[mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_PC, 0, 0, 0x40, sizeof(map))], 2);
	ck_assert_uint_eq(nonzero(map, half, sizeof(map)), 1);
}
END_TEST

START_TEST(edges_are_ordered)
{
	static uint8_t a[MC_FUZZ_KCOV_COUNTERS], b[MC_FUZZ_KCOV_COUNTERS];
	struct mc_kcov_ranges rs;
	const uint64_t ab[] = { MTTY + 0x10, MTTY + 0x20 }, ba[] = { MTTY + 0x20, MTTY + 0x10 };

	ranges(&rs, MTTY);
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	mc_fuzz_kcov_map_pcs(&rs, ab, 2, a, sizeof(a));
	mc_fuzz_kcov_map_pcs(&rs, ba, 2, b, sizeof(b));
	/* the same PCs, the other edge */
	ck_assert_int_eq(memcmp(a, b, sizeof(a) / 2), 0);
	ck_assert_int_ne(memcmp(a + sizeof(a) / 2, b + sizeof(b) / 2, sizeof(a) / 2), 0);
}
END_TEST

START_TEST(indexes_do_not_move_with_the_load_address)
{
	static uint8_t a[MC_FUZZ_KCOV_COUNTERS], b[MC_FUZZ_KCOV_COUNTERS];
	struct mc_kcov_ranges ra, rb;
	const uint64_t off[] = { 0x10, 0x24, 0x310, 0x10, 0xffc };
	uint64_t pa[5], pb[5];

	ranges(&ra, MTTY);
	ranges(&rb, MTTY + 0x35000); /* the driver reloaded elsewhere */
	for (int i = 0; i < 5; i++) {
		pa[i] = MTTY + off[i];
		pb[i] = MTTY + 0x35000 + off[i];
	}
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	mc_fuzz_kcov_map_pcs(&ra, pa, 5, a, sizeof(a));
	mc_fuzz_kcov_map_pcs(&rb, pb, 5, b, sizeof(b));
	ck_assert_int_eq(memcmp(a, b, sizeof(a)), 0);
	ck_assert_uint_eq(nonzero(a, 0, sizeof(a) / 2), 4);
}
END_TEST

static struct {
	int n;
	uint64_t site, a, b;
	unsigned size;
	bool is_const;
} seen;

static void cmp_hook(uint64_t site, uint64_t a, uint64_t b, unsigned size, bool is_const)
{
	seen.n++;
	seen.site = site;
	seen.a = a;
	seen.b = b;
	seen.size = size;
	seen.is_const = is_const;
}

START_TEST(comparisons_reach_the_hook)
{
	static uint8_t map[MC_FUZZ_KCOV_COUNTERS];
	struct mc_kcov_ranges rs, moved;
	/* KCOV_TRACE_CMP records: type, arg1, arg2, pc; type 7 = const, 8 bytes; 2 = 2 bytes */
	const uint64_t rec[] = { 7,	 0x4d54545953544154ull,
				 0x1122, MTTY + 0x80,
				 2,	 5,
				 6,	 0xffffffff81000100ull, /* not in the ranges */
				 2,	 0xbeef,
				 0xbeef, CORE + 0x8 };
	uint64_t site;
	size_t c = sizeof(map) - sizeof(map) / 8;

	ranges(&rs, MTTY);
	memset(map, 0, sizeof(map));
	memset(&seen, 0, sizeof(seen));
	ck_assert_uint_eq(mc_fuzz_kcov_map_cmps(&rs, rec, 2, map, sizeof(map), cmp_hook), 1);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_uint_eq(seen.a, 0x4d54545953544154ull);
	ck_assert_uint_eq(seen.b, 0x1122);
	ck_assert_uint_eq(seen.size, 8);
	ck_assert(seen.is_const);
	ck_assert_uint_eq(nonzero(map, c, sizeof(map)), 1);
	ck_assert_uint_eq(nonzero(map, 0, c), 0);
	site = seen.site;
	ck_assert_uint_eq(mc_fuzz_kcov_map_cmps(&rs, rec, 3, NULL, 0, cmp_hook), 2);
	ck_assert_uint_eq(seen.size, 2);
	ck_assert(!seen.is_const);
	ck_assert_uint_ne(seen.site, site);
	/* the same comparison of a reloaded driver is the same site */
	ranges(&moved, MTTY + 0x35000);
	{
		const uint64_t again[] = { 7, 1, 2, MTTY + 0x35000 + 0x80 };

		mc_fuzz_kcov_map_cmps(&moved, again, 1, NULL, 0, cmp_hook);
		ck_assert_uint_eq(seen.site, site);
	}
}
END_TEST

START_TEST(guidance_off_without_sink_or_knob)
{
	struct mc_fuzz_kcov *kc = (struct mc_fuzz_kcov *)1;
	static uint8_t map[64];
	const struct mc_fuzz_sink s = { .map = map, .len = sizeof(map) };
	char err[256];

	unsetenv("MIGCHECK_FUZZ_KCOV");
	mc_fuzz_kcov_set_sink(NULL);
	ck_assert_int_eq(mc_fuzz_kcov_open(&kc, "mtty", err, sizeof(err)), 0);
	ck_assert_ptr_null(kc);
	mc_fuzz_kcov_set_sink(&s);
	setenv("MIGCHECK_FUZZ_KCOV", "0", 1);
	ck_assert_int_eq(mc_fuzz_kcov_open(&kc, "mtty", err, sizeof(err)), 0);
	ck_assert_ptr_null(kc);
	/* guidance asked for where there is no such module (the host): an error, no handle */
	setenv("MIGCHECK_FUZZ_KCOV", "1", 1);
	ck_assert_int_lt(mc_fuzz_kcov_open(&kc, "no-such-driver", err, sizeof(err)), 0);
	ck_assert_ptr_null(kc);
	ck_assert_ptr_nonnull(strstr(err, "no-such-driver"));
	/* the per-input calls take NULL (no kernel coverage) */
	mc_fuzz_kcov_begin(NULL);
	mc_fuzz_kcov_end(NULL);
	ck_assert_uint_eq(mc_fuzz_kcov_pcs(NULL), 0);
	mc_fuzz_kcov_set_sink(NULL);
	unsetenv("MIGCHECK_FUZZ_KCOV");
}
END_TEST

/* Counters are made only for a kernel device, with guidance asked for and KCOV present. */
START_TEST(counters_wanted_only_where_they_count)
{
	static const char mdev[] = "mdev:6d2c6c5e-8f5d-4a4e-9c1a-00000000c0d1";
	bool kcov = access(MC_KCOV_PATH, R_OK | W_OK) == 0;

	unsetenv("MIGCHECK_FUZZ_KCOV");
	ck_assert(!mc_fuzz_kcov_wanted(NULL)); /* the default device is sim */
	ck_assert(!mc_fuzz_kcov_wanted("sim:flags=3"));
	ck_assert(!mc_fuzz_kcov_wanted("sim"));
	ck_assert(!mc_fuzz_kcov_wanted("mdev:not-a-uuid"));
	ck_assert_int_eq(mc_fuzz_kcov_wanted(mdev), kcov);
	setenv("MIGCHECK_FUZZ_KCOV", "guide", 1);
	ck_assert_int_eq(mc_fuzz_kcov_wanted(mdev), kcov);
	setenv("MIGCHECK_FUZZ_KCOV", "measure", 1);
	ck_assert(!mc_fuzz_kcov_wanted(mdev));
	setenv("MIGCHECK_FUZZ_KCOV", "off", 1);
	ck_assert(!mc_fuzz_kcov_wanted(mdev));
	setenv("MIGCHECK_FUZZ_KCOV", "0", 1);
	ck_assert(!mc_fuzz_kcov_wanted(mdev));
	unsetenv("MIGCHECK_FUZZ_KCOV");
}
END_TEST

START_TEST(init_text_does_not_stretch_the_core_span)
{
	static const char *const vfio[] = { "vfio_", NULL };
	char dir[] = "/tmp/mc-fkcov-XXXXXX", path[64];
	struct mc_kcov_ranges rs = { 0 };
	FILE *f;

	/* the debug kernel's layout: vfio_* text, other drivers, _etext, then init text */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	f = fopen(path, "w");
	fputs("ffffffff81000000 T _text\n"
	      "ffffffff8190f740 t vfio_check_feature\n"
	      "ffffffff81910000 t iova_bitmap_alloc\n"
	      "ffffffff819242b9 t vfio_iommu_type1_attach_group\n"
	      "ffffffff81925000 t i8042_probe\n"
	      "ffffffff81e00000 T _etext\n"
	      "ffffffff8297e820 t vfio_iommu_type1_init\n"
	      "ffffffff82a015d0 t vfio_iommu_type1_cleanup\n"
	      "ffffffff82a02000 t other_init\n",
	      f);
	fclose(f);
	ck_assert_int_eq(mc_kcov_add_kernel(&rs, vfio, dir), 0);
	ck_assert_uint_eq(rs.r[0].start, 0xffffffff8190f740ull);
	ck_assert_uint_eq(rs.r[0].end, 0xffffffff81925000ull);
	unlink(path);
	rmdir(dir);
}
END_TEST

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

START_TEST(report_charts_coverage_over_time)
{
	const char *js = "{\"target\": \"resume_stream\", \"driver_pcs\": 412, "
			 "\"kcov_series\": [[0, 100, 900], [30, 300, 1500], [600, 412, 1800]], "
			 "\"lines_series\": [[0, 40], [600, 173]], "
			 "\"exec_series\": [[10, 1000, 50], [20, 3000, 60]]}";
	struct mc_json_doc *doc;
	struct mc_json_error jerr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(mc_json_parse(js, strlen(js), NULL, &doc, &jerr), 0);
	f = open_memstream(&buf, &len);
	mc_svg_fuzz_kcov(f, mc_json_root(doc), 3);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "id=\"fuzz-kcov-3\""));
	ck_assert_ptr_nonnull(strstr(buf, "id=\"fuzz-eps-3\""));
	ck_assert_ptr_nonnull(strstr(buf, "id=\"fuzz-lines-3\""));
	ck_assert_ptr_nonnull(strstr(buf, "Driver source lines"));
	ck_assert_uint_eq(count(buf, "<polyline"), 4);
	/* 1000 execs in the first 10 s, 2000 in the next 10: 100 and 200 exec/s on a 0-200 axis */
	ck_assert_ptr_nonnull(strstr(buf, ">200<"));
	ck_assert_ptr_nonnull(strstr(buf, "600 s"));
	free(buf);
	mc_json_free(doc);

	/* a campaign without kernel coverage draws nothing */
	ck_assert_int_eq(mc_json_parse("{\"execs\": 5}", 12, NULL, &doc, &jerr), 0);
	buf = NULL;
	f = open_memstream(&buf, &len);
	mc_svg_fuzz_kcov(f, mc_json_root(doc), 0);
	fclose(f);
	ck_assert_uint_eq(len, 0);
	free(buf);
	mc_json_free(doc);
}
END_TEST

static Suite *fuzz_kcov_suite(void)
{
	Suite *s = suite_create("fuzz_kcov");
	TCase *tc = tcase_create("mapping");

	tcase_add_test(tc, indexes_stay_in_their_region);
	tcase_add_test(tc, pcs_outside_the_ranges_count_nothing);
	tcase_add_test(tc, pcs_and_edges_are_counted_and_saturate);
	tcase_add_test(tc, edges_are_ordered);
	tcase_add_test(tc, indexes_do_not_move_with_the_load_address);
	tcase_add_test(tc, comparisons_reach_the_hook);
	tcase_add_test(tc, guidance_off_without_sink_or_knob);
	tcase_add_test(tc, counters_wanted_only_where_they_count);
	tcase_add_test(tc, report_charts_coverage_over_time);
	tcase_add_test(tc, init_text_does_not_stretch_the_core_span);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(fuzz_kcov_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of driver coverage (cov.h): the coverage-point finder on recorded objdump
 * output of each shape (a .ko's relocations with and without -w, vmlinux's direct calls),
 * addr2line's answers, and for real an object built here with KCOV's coverage points
 * (tests/data/cov/drv.c, gcc -fsanitize-coverage=trace-pc): a PC list counted into line
 * and function coverage, the JSON and an lcov tracefile genhtml renders.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cov.h"
#include "json.h"
#include "mc_test.h"
#include "rep_load.h"
#include "render.h"
#include "rundiff.h"

#define FIX "tests/data/cov"

/* objdump -d -r -w of a .ko: the relocation on the call's own line. */
static const char ko_wide[] =
	"Disassembly of section .text:\n"
	"\n"
	"0000000000000000 <drv_used>:\n"
	"   0:\t41 54                \tpush   %r12\n"
	"   7:\te8 00 00 00 00       \tcall   c <drv_used+0xc>\t8: R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4\n"
	"   c:\t45 85 e4             \ttest   %r12d,%r12d\n"
	"  36:\t89 2d 00 00 00 00    \tmov    %ebp,0x0(%rip)        # 3c <drv_used+0x3c>\t38: R_X86_64_PC32\tdrv_state-0x4\n"
	"Disassembly of section .text.unlikely:\n"
	"0000000000000000 <drv_cold>:\n"
	"  10:\te8 00 00 00 00       \tcall   15 <drv_cold+0x15>\t11: R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4\n";

/* objdump -d -r: relocations on lines of their own, a long instruction wrapped. */
static const char ko_narrow[] = "Disassembly of section .text:\n"
				"  18:\te8 00 00 00 00       \tcall   1d <drv_used+0x1d>\n"
				"\t\t\t19: R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4\n"
				"  48:\t0f 1f 84 00 00 00 00 \tnopl   0x0(%rax,%rax,1)\n"
				"  4f:\t00 \n"
				"  50:\te8 00 00 00 00       \tcall   55 <drv_used+0x55>\n"
				"\t\t\t51: R_X86_64_PLT32\t__sanitizer_cov_trace_pc-0x4\n"
				"  60:\te8 00 00 00 00       \tcall   65 <drv_used+0x65>\n"
				"\t\t\t61: R_X86_64_PLT32\tprintk-0x4\n";

/* objdump -d of vmlinux: linked, the call names its target. */
static const char vmlinux_text[] =
	"Disassembly of section .text:\n"
	"ffffffff81200400 <vfio_ioctl_device_feature>:\n"
	"ffffffff81200400:\tf3 0f 1e fa          \tendbr64\n"
	"ffffffff81200404:\te8 47 11 0a 00       \tcall   ffffffff812a1550 <__sanitizer_cov_trace_pc>\n"
	"ffffffff81200409:\te8 42 11 0a 00       \tcall   ffffffff812a1550 <__sanitizer_cov_trace_cmp4>\n"
	"ffffffff8120040e:\t48 8b 47 08          \tmov    0x8(%rdi),%rax\n";

static const char symbols[] =
	"drv.o:     file format elf64-x86-64\n\nSYMBOL TABLE:\n"
	"0000000000000000 l    df *ABS*\t0000000000000000 drv.c\n"
	"0000000000000000 g     F .text\t000000000000005e drv_used\n"
	"0000000000000060 l     F .text\t000000000000003e drv_helper\n"
	"0000000000000000 g     F .text.unlikely\t0000000000000020 drv_cold\n"
	"0000000000000000 g     O .bss\t0000000000000004 drv_state\n"
	"0000000000000000         *UND*\t0000000000000000 __sanitizer_cov_trace_pc\n";

START_TEST(sites_of_a_ko_with_inline_relocations)
{
	struct mc_cov_obj o = { 0 };

	ck_assert_int_eq(mc_cov_parse_symbols(&o, symbols, 0, 0), 0);
	ck_assert_int_eq(o.nfn, 3);
	ck_assert_int_eq(mc_cov_parse_sites(&o, ko_wide), 0);
	ck_assert_int_eq(o.nsite, 2);
	/* KCOV's PC is the return address: the call at 7 (5 bytes) gives 0xc */
	ck_assert_str_eq(o.sec[o.site[0].sec], ".text");
	ck_assert_uint_eq(o.site[0].addr, 0xc);
	ck_assert_str_eq(o.fn[o.site[0].fn].name, "drv_used");
	ck_assert_str_eq(o.sec[o.site[1].sec], ".text.unlikely");
	ck_assert_uint_eq(o.site[1].addr, 0x15);
	ck_assert_str_eq(o.fn[o.site[1].fn].name, "drv_cold");
	ck_assert_int_eq(mc_cov_site_find(&o, o.site[1].sec, 0x15), 1);
	ck_assert_int_eq(mc_cov_site_find(&o, o.site[1].sec, 0x14), -1);
	free(o.sec);
	free(o.fn);
	free(o.site);
}
END_TEST

START_TEST(sites_of_a_ko_with_relocation_lines)
{
	struct mc_cov_obj o = { 0 };

	ck_assert_int_eq(mc_cov_parse_sites(&o, ko_narrow), 0);
	ck_assert_int_eq(o.nsite, 2); /* the printk call is no coverage point */
	ck_assert_uint_eq(o.site[0].addr, 0x1d);
	ck_assert_uint_eq(o.site[1].addr, 0x55);
	ck_assert_int_eq(o.site[0].fn, -1); /* no symbols loaded */
	free(o.sec);
	free(o.site);
}
END_TEST

START_TEST(sites_of_vmlinux_direct_calls)
{
	struct mc_cov_obj o = { .linked = true };

	ck_assert_int_eq(mc_cov_parse_sites(&o, vmlinux_text), 0);
	ck_assert_int_eq(o.nsite, 1); /* trace_cmp4 is no PC coverage point */
	ck_assert_uint_eq(o.site[0].addr, 0xffffffff81200409ull);
	free(o.sec);
	free(o.site);
}
END_TEST

START_TEST(addr2line_answers)
{
	struct mc_cov cv = { 0 };
	int a = mc_cov_intern_line(&cv, "/b/drivers/vfio/vfio_main.c:1212 (discriminator 3)");

	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(cv.line[a].line, 1212);
	ck_assert_int_eq(cv.file[cv.line[a].file].scope, MC_COV_CORE);
	ck_assert_str_eq(cv.file[cv.line[a].file].rel, "drivers/vfio/vfio_main.c");
	ck_assert_int_eq(mc_cov_intern_line(&cv, "/b/drivers/vfio/vfio_main.c:1212"), a);
	ck_assert_int_eq(mc_cov_intern_line(&cv, "/b/include/linux/list.h:40"), 1);
	ck_assert_int_eq(cv.file[1].scope, MC_COV_OTHER);
	ck_assert_int_eq(mc_cov_intern_line(&cv, "??:0"), -1);
	ck_assert_int_eq(mc_cov_intern_line(&cv, "/a/b.c:?"), -1);
	ck_assert_int_eq(cv.nline, 2);
	mc_cov_free(&cv);
}
END_TEST

/* Build the fixture with KCOV's coverage points into @dir; false when gcc cannot. */
static bool build_fixture(char *dir, char *obj, size_t len)
{
	char cmd[1024];

	snprintf(obj, len, "%s/drv.o", dir);
	snprintf(cmd, sizeof(cmd), "gcc -g -O2 -fsanitize-coverage=trace-pc -c %s/drv.c -o %s", FIX,
		 obj);
	return system(cmd) == 0;
}

/* How many __sanitizer_cov_trace_pc relocations objdump shows: the independent count. */
static int count_sites(const char *obj)
{
	char cmd[600];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd),
		 "objdump -d -r %s | grep -c 'R_X86_64_PLT32.__sanitizer_cov_trace_pc-'", obj);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

/* Distinct lines of the coverage points of function @fn of the first object (-1: all). */
static int distinct_site_lines(const struct mc_cov *cv, int fn)
{
	int n = 0;

	for (int i = 0; i < cv->obj[0].nsite; i++) {
		const struct mc_cov_site *a = &cv->obj[0].site[i];
		bool seen = false;

		if (a->line < 0 || (fn >= 0 && a->fn != fn))
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = cv->obj[0].site[j].line == a->line &&
			       (fn < 0 || cv->obj[0].site[j].fn == fn);
		n += !seen;
	}
	return n;
}

START_TEST(real_object_counted)
{
	char dir[] = "/tmp/mc-test-cov.XXXXXX", obj[512], pcs[600], out[600], src[4096], cmd[2048];
	struct mc_cov cv = { 0 };
	struct mc_cov_count c;
	struct mc_json_doc *doc;
	struct mc_json_error je;
	char err[512], *json = NULL;
	size_t jlen = 0;
	int used = -1, hits = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(build_fixture(dir, obj, sizeof(obj)),
		      "gcc -fsanitize-coverage=trace-pc failed");
	ck_assert_ptr_nonnull(realpath(FIX, src));
	cv.src = src;
	ck_assert_int_eq(mc_cov_obj_load(&cv, "drv", obj, 0, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(cv.obj[0].nsite, count_sites(obj));
	/* a PC list reaching every point of drv_used, as the guest writes it */
	snprintf(pcs, sizeof(pcs), "%s/kcov-cases.pcs", dir);
	f = fopen(pcs, "w");
	ck_assert_ptr_nonnull(f);
	fputs("# range drv 0xffffffffc0000000 0xffffffffc0001000 load 0xffffffffc0000000\n"
	      "# case one\n",
	      f);
	for (int i = 0; i < cv.obj[0].nfn; i++)
		if (!strcmp(cv.obj[0].fn[i].name, "drv_used"))
			used = i;
	ck_assert_int_ge(used, 0);
	for (int i = 0; i < cv.obj[0].nsite; i++)
		if (cv.obj[0].site[i].fn == used) {
			fprintf(f, "0xffffffffc%07llx drv drv_used+0x%llx\n",
				(unsigned long long)cv.obj[0].site[i].addr,
				(unsigned long long)(cv.obj[0].site[i].addr -
						     cv.obj[0].fn[used].addr));
			hits++;
		}
	fputs("# case two\n0xffffffffc0000fff drv drv_nowhere+0x1\n", f);
	fclose(f);
	ck_assert_int_gt(hits, 1);
	ck_assert_int_eq(mc_cov_read_pcs(&cv, pcs, err, sizeof(err)), 0);
	ck_assert_int_eq(cv.nset, 2);
	ck_assert_int_eq(cv.set[1].unmatched, 1);
	mc_cov_count(&cv, -1, MC_COV_DRIVER, &c);
	ck_assert_int_eq(c.fns_hit, 1);
	ck_assert_int_ge(c.fns, 2); /* drv_unused (drv_helper may be inlined) */
	ck_assert_int_gt(c.lines_hit, 0);
	ck_assert_int_lt(c.lines_hit, c.lines);
	/* lines are those of coverage points: a function's first line alone is not one */
	ck_assert_int_eq(c.lines, distinct_site_lines(&cv, -1));
	mc_cov_count(&cv, 0, MC_COV_DRIVER, &c);
	ck_assert_int_eq(c.lines_hit, distinct_site_lines(&cv, used));
	mc_cov_count(&cv, 1, MC_COV_DRIVER, &c);
	ck_assert_int_eq(c.lines_hit, 0);
	/* the JSON parses and names what was never reached; lcov renders */
	f = open_memstream(&json, &jlen);
	mc_cov_write_json(&cv, f);
	fclose(f);
	ck_assert_int_eq(mc_json_parse(json, jlen, NULL, &doc, &je), 0);
	ck_assert_str_eq(
		mc_json_string(mc_json_at(mc_json_path(mc_json_root(doc), "driver.never"), 0),
			       NULL),
		"drv_unused");
	ck_assert_str_eq(
		mc_json_string(
			mc_json_get(mc_json_at(mc_json_path(mc_json_root(doc), "driver.files"), 0),
				    "path"),
			NULL),
		"drv.c");
	mc_json_free(doc);
	free(json);
	snprintf(out, sizeof(out), "%s/coverage.info", dir);
	f = fopen(out, "w");
	mc_cov_write_lcov(&cv, f);
	fclose(f);
	/* lcov is one of the build's packages (make deps): genhtml is always there */
	ck_assert_msg(!access("/usr/bin/genhtml", X_OK),
		      "no /usr/bin/genhtml (make deps installs lcov)");
	snprintf(cmd, sizeof(cmd), "genhtml -q -o %s/html %s >%s/genhtml.log 2>&1", dir, out, dir);
	ck_assert_msg(system(cmd) == 0, "genhtml rejected the tracefile (%s/genhtml.log)", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	mc_cov_free(&cv);
}
END_TEST

/* A run's coverage as `migcheck coverage` makes it, @hit: how many cases reach mtty.c:1. */
static struct mc_json_doc *coverage_doc(int hit)
{
	char buf[2048];
	struct mc_json_doc *doc;
	struct mc_json_error je;

	snprintf(buf, sizeof(buf),
		 "{\"tool\": \"kcov\", \"modules\": [\"mtty\"], \"driver\": {\"lines\": 2, "
		 "\"lines_hit\": %d, \"functions\": 2, \"functions_hit\": 1, \"never\": [\"b\"], "
		 "\"files\": [{\"path\": \"mtty.c\", \"lines\": 2, \"lines_hit\": %d, "
		 "\"line_hits\": [[1, %d], [2, 0]], \"function_hits\": [[\"a\", 12, 1], "
		 "[\"b\", 20, 0]], \"source\": [\"one\", \"two <b>\"]}]}, \"core\": {\"lines\": 0, "
		 "\"lines_hit\": 0, \"functions\": 0, \"functions_hit\": 0, \"files\": []}, "
		 "\"cases\": []}",
		 hit > 0, hit > 0, hit);
	ck_assert_int_eq(mc_json_parse(buf, strlen(buf), NULL, &doc, &je), 0);
	return doc;
}

/* report.json keeps the member through load and render; the HTML shows it; diff sees loss. */
START_TEST(report_carries_coverage)
{
	struct mc_report *a, *back;
	struct mc_json_doc *ca = coverage_doc(3), *cb = coverage_doc(0), *doc;
	struct mc_json_error je;
	char err[512], *j1, *j2, *html, *out = NULL;
	size_t l1, l2, lh, lo = 0;
	int worse;
	FILE *f;

	ck_assert_msg(!mc_report_load_file("tests/data/mtty/report.json", &a, err, sizeof(err)),
		      "%s", err);
	a->coverage = mc_json_root(ca);
	ck_assert_int_eq(mc_render_mem(a, NULL, "json", &j1, &l1), 0);
	ck_assert_int_eq(mc_json_parse(j1, l1, NULL, &doc, &je), 0);
	ck_assert_msg(!mc_report_from_json(mc_json_root(doc), &back, err, sizeof(err)), "%s", err);
	ck_assert_ptr_nonnull(back->coverage);
	ck_assert_int_eq(mc_render_mem(back, NULL, "json", &j2, &l2), 0);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_eq(memcmp(j1, j2, l1), 0);
	ck_assert_int_eq(mc_render_mem(back, NULL, "html", &html, &lh), 0);
	ck_assert_ptr_nonnull(strstr(html, "<section id=\"coverage\">"));
	ck_assert_ptr_nonnull(strstr(html, "<span class=\"h\"><i>1</i><b>3</b>one</span>"));
	ck_assert_ptr_nonnull(
		strstr(html, "<span class=\"m\"><i>2</i><b>0</b>two &lt;b&gt;</span>"));
	ck_assert_ptr_nonnull(strstr(html, "<p id=\"cov-never\" class=\"mono\">b</p>"));
	/* the same run without mtty.c:1 reached: coverage lost, worse */
	back->coverage = mc_json_root(cb);
	f = open_memstream(&out, &lo);
	worse = mc_report_diff(a, back, &(struct mc_diff_opts){ .threshold = 0.25 }, f, NULL);
	fclose(f);
	ck_assert_int_eq(worse, 1);
	ck_assert_ptr_nonnull(strstr(out, "WORSE  coverage lost: mtty.c:1 no longer reached"));
	free(out);
	free(j1);
	free(j2);
	free(html);
	mc_report_unload(back);
	mc_json_free(doc);
	mc_report_unload(a);
	mc_json_free(ca);
	mc_json_free(cb);
}
END_TEST

static Suite *cov_suite(void)
{
	Suite *s = suite_create("cov");
	TCase *tc = tcase_create("symbolise");

	tcase_add_test(tc, sites_of_a_ko_with_inline_relocations);
	tcase_add_test(tc, sites_of_a_ko_with_relocation_lines);
	tcase_add_test(tc, sites_of_vmlinux_direct_calls);
	tcase_add_test(tc, addr2line_answers);
	tcase_add_test(tc, real_object_counted);
	tcase_add_test(tc, report_carries_coverage);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(cov_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile input through the library's existing entry points: FIFOs handed to the file
 * readers (a blocked open fails the test by Check's timeout), a report directory without
 * kernel.log (a NULL qsort aborts under UBSan), region lists whose offset and length wrap,
 * and a foreign spec derived from a negative id.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "cases.h"
#include "json.h"
#include "mc_test.h"
#include "render.h"
#include "runopts.h"
#include "waiver.h"

static char dir[64];

static void setup(void)
{
	char fifo[96];

	snprintf(dir, sizeof(dir), "/tmp/mc-hostile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/x.cases", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
}

static void teardown(void)
{
	char fifo[96];

	snprintf(fifo, sizeof(fifo), "%s/x.cases", dir);
	unlink(fifo);
	rmdir(dir);
}

START_TEST(fifo_json_refused)
{
	char path[96];
	struct mc_json_doc *doc = NULL;
	struct mc_json_error je;

	snprintf(path, sizeof(path), "%s/x.cases", dir);
	ck_assert_int_eq(mc_json_parse_file(path, NULL, &doc, &je), -EINVAL);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strstr(je.msg, "not a regular file"), "message: %s", je.msg);
	ck_assert_int_eq(mc_json_parse_file(dir, NULL, &doc, &je), -EISDIR);
}
END_TEST

START_TEST(fifo_waivers_refused)
{
	char path[96], err[256] = "";
	struct mc_waivers w;

	snprintf(path, sizeof(path), "%s/x.cases", dir);
	ck_assert_int_eq(mc_waivers_load(path, &w, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, path) && strstr(err, "not a regular file"), "err: %s", err);
	ck_assert_int_lt(mc_waivers_load("/dev/zero", &w, err, sizeof(err)), 0);
}
END_TEST

START_TEST(fifo_case_file_refused)
{
	struct mc_caseset cs = { 0 };
	char err[256] = "";

	ck_assert_int_eq(mc_cases_load_dir(dir, &cs, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "x.cases: not a regular file"), "err: %s", err);
	mc_cases_free(&cs);
}
END_TEST

START_TEST(report_dir_without_extras)
{
	struct mc_rfiles fs;
	char err[256];

	/* Only a FIFO (skipped): no extras at all, fs.f stays NULL. */
	ck_assert_int_eq(mc_rfiles_scan(dir, true, &fs, err, sizeof(err)), 0);
	ck_assert_int_eq(fs.n, 0);
	mc_rfiles_free(&fs);
}
END_TEST

/* File @i of many_files's set: its name and its contents. */
static void nth(int i, char *name, char *data)
{
	sprintf(name, i < 1000 ? "f%04d" : "g%04d", i);
	sprintf(data, "data %d", i);
}

/*
 * A report directory of 1000 files, read with one append per file (bundle was quadratic
 * in looking up each name first), then replaced, removed and appended to across every
 * power-of-two size the array passes: under ASan, a file past its end aborts.
 */
START_TEST(many_files)
{
	char tmp[] = "/tmp/mc-many-XXXXXX", path[128], name[16], data[32], err[256];
	struct mc_rfiles fs;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(tmp));
	for (int i = 0; i < 1000; i++) {
		nth(i, name, data);
		snprintf(path, sizeof(path), "%s/%s", tmp, name);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(data, f);
		fclose(f);
	}
	ck_assert_int_eq(mc_rfiles_scan(tmp, false, &fs, err, sizeof(err)), 0);
	ck_assert_int_eq(fs.n, 1000);
	for (int i = 0; i < 1000; i++) {
		nth(i, name, data);
		ck_assert_str_eq(fs.f[i].name, name); /* sorted once, at the end */
		ck_assert_str_eq(mc_rfiles_get(&fs, name)->data, data);
	}
	for (int i = 0; i < 1000; i += 2)
		mc_rfiles_del(&fs, (nth(i, name, data), name));
	ck_assert_int_eq(mc_rfiles_put(&fs, "f0001", "new", 3), 0); /* replaced */
	for (int i = 1000; i < 1700; i++) {
		nth(i, name, data);
		ck_assert_int_eq(i & 1 ? mc_rfiles_append(&fs, name, data, strlen(data)) :
					 mc_rfiles_put(&fs, name, data, strlen(data)),
				 0);
	}
	ck_assert_int_eq(fs.n, 500 + 700);
	ck_assert_str_eq(mc_rfiles_get(&fs, "f0001")->data, "new");
	ck_assert_ptr_null(mc_rfiles_get(&fs, "f0002"));
	for (int i = 3; i < 1700; i += 2 + (i >= 1000))
		ck_assert_str_eq(mc_rfiles_get(&fs, (nth(i, name, data), name))->data, data);
	mc_rfiles_free(&fs);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(regions_that_wrap)
{
	static const char *const bad_regions[] = {
		"0@0xffffffffffffffff+2",
		"0@18446744073709551615+1",
		"0@18446744073709551616+1",
		"0@-1+1",
		"0@ 1+1",
		"0@1+-1",
		NULL,
	};
	static const char *const bad_dirty[] = {
		"0@0xffffffffffffffff=aabb",
		"0@18446744073709551616=aa",
		"0@-1=aa",
		NULL,
	};
	struct mc_regaccs r;
	char err[256];

	for (int i = 0; bad_regions[i]; i++)
		ck_assert_msg(mc_regacc_parse(bad_regions[i], false, &r, err, sizeof(err)) ==
				      -EINVAL,
			      "--state-regions %s accepted", bad_regions[i]);
	for (int i = 0; bad_dirty[i]; i++)
		ck_assert_msg(mc_regacc_parse(bad_dirty[i], true, &r, err, sizeof(err)) == -EINVAL,
			      "--dirty %s accepted", bad_dirty[i]);
	ck_assert_int_eq(mc_regacc_parse("0@0xfffffffffffffffe+1", false, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(mc_regacc_parse("config@7=a5,1@0x10=0102", true, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.n, 2);
}
END_TEST

START_TEST(foreign_of_a_bad_id)
{
	char out[128];

	ck_assert_int_eq(mc_devspec_foreign("sim:id=-1", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(mc_devspec_foreign("sim:id=4294967296", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(mc_devspec_foreign("sim:id=6", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "sim:id=7");
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fifo_json_refused);
	tcase_add_test(tc, fifo_waivers_refused);
	tcase_add_test(tc, fifo_case_file_refused);
	tcase_add_test(tc, report_dir_without_extras);
	tcase_add_test(tc, many_files);
	tcase_add_test(tc, regions_that_wrap);
	tcase_add_test(tc, foreign_of_a_bad_id);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(hostile_suite)

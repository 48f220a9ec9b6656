// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the report directory (outdir.c): one run at a time, a set becomes
 * current only when published, an unpublished set leaves the previous one current and
 * intact, and an interrupted report reads back with its signal and not-run cases.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errname.h"
#include "mc_test.h"
#include "outdir.h"
#include "report.h"

static char dir[PATH_MAX];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mc_outdir_%ld", (long)getpid());
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write @text as @name into the set of @od. */
static void put(const struct mc_outdir *od, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", mc_outdir_set(od), name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The text of DIR/@name, "" when it cannot be read. */
static const char *get(const char *name)
{
	static char buf[256];
	char path[PATH_MAX + 64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &st);
}

START_TEST(one_run_at_a_time)
{
	struct mc_outdir *a = NULL, *b = NULL;
	char err[PATH_MAX + 256];

	ck_assert_int_eq(mc_outdir_open(dir, "first", &a, err, sizeof(err)), 0);
	ck_assert(exists("in-progress"));
	ck_assert_int_eq(mc_outdir_open(dir, "second", &b, err, sizeof(err)), -EBUSY);
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(err, "in use by another migcheck run"), "%s", err);
	ck_assert(exists("in-progress")); /* the refused run leaves the holder's marker */
	mc_outdir_close(a);
	ck_assert(!exists("in-progress"));
	ck_assert_int_eq(mc_outdir_open(dir, "third", &b, err, sizeof(err)), 0);
	mc_outdir_close(b);
}
END_TEST

START_TEST(sets_switch_whole)
{
	struct mc_outdir *od = NULL;
	char err[PATH_MAX + 256];

	ck_assert_int_eq(mc_outdir_open(dir, NULL, &od, err, sizeof(err)), 0);
	put(od, "report.json", "one");
	put(od, "junit.xml", "one");
	ck_assert_str_eq(get("report.json"), ""); /* nothing shows before the switch */
	ck_assert_int_eq(mc_outdir_publish(od, err, sizeof(err)), 0);
	mc_outdir_close(od);
	ck_assert_str_eq(get("report.json"), "one");
	ck_assert_str_eq(get("junit.xml"), "one");

	/* A run that never publishes (a failed write) leaves the first set current. */
	ck_assert_int_eq(mc_outdir_open(dir, NULL, &od, err, sizeof(err)), 0);
	put(od, "report.json", "two");
	mc_outdir_close(od);
	ck_assert_str_eq(get("report.json"), "one");
	ck_assert_str_eq(get("junit.xml"), "one");

	ck_assert_int_eq(mc_outdir_open(dir, NULL, &od, err, sizeof(err)), 0);
	put(od, "report.json", "three");
	put(od, "junit.xml", "three");
	ck_assert_int_eq(mc_outdir_publish(od, err, sizeof(err)), 0);
	mc_outdir_close(od);
	ck_assert_str_eq(get("report.json"), "three");
	ck_assert_str_eq(get("junit.xml"), "three");
	ck_assert(!exists("in-progress"));
}
END_TEST

START_TEST(unusable_dir_refused)
{
	struct mc_outdir *od = NULL;
	char err[PATH_MAX + 256], file[PATH_MAX + 8];
	FILE *f;

	ck_assert_int_ne(mc_outdir_open("/proc", NULL, &od, err, sizeof(err)), 0);
	ck_assert_ptr_null(od);
	ck_assert_msg(strstr(err, "/proc"), "%s", err);
	snprintf(file, sizeof(file), "%s.file", dir);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_ne(mc_outdir_open(file, NULL, &od, err, sizeof(err)), 0);
	unlink(file);
}
END_TEST

START_TEST(interrupted_verdict)
{
	struct mc_report rep = { .interrupted = SIGTERM };

	ck_assert_str_eq(mc_report_verdict(&rep), "interrupted");
	ck_assert_int_eq(mc_report_exit_code(&rep), 143);
	ck_assert_str_eq(mc_signal_name(SIGINT), "SIGINT");
	ck_assert_int_eq(mc_signal_parse("SIGHUP"), SIGHUP);
	ck_assert_int_eq(mc_signal_parse(mc_signal_name(40)), 40);
	ck_assert_int_eq(mc_signal_parse("HUP"), -1);
	rep.interrupted = 0;
	ck_assert_str_ne(mc_report_verdict(&rep), "interrupted");
}
END_TEST

static Suite *outdir_suite(void)
{
	Suite *s = suite_create("outdir");
	TCase *tc = tcase_create("outdir");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, one_run_at_a_time);
	tcase_add_test(tc, sets_switch_whole);
	tcase_add_test(tc, unusable_dir_refused);
	tcase_add_test(tc, interrupted_verdict);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(outdir_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The input helpers every command shares: strict numbers (num.h), regular-file-only
 * reads (file.h), terminal escaping of input strings (term.h) and the kernel-log line
 * filter behind `migcheck klog` (klog.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "klog.h"
#include "mc_test.h"
#include "num.h"
#include "term.h"

START_TEST(num_strict)
{
	static const struct {
		const char *s;
		unsigned flags;
		uint64_t max;
		int rc;
		uint64_t v;
	} t[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "0x10", 0, 100, 0, 16 },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "-1", 0, UINT64_MAX, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
		{ "+1", 0, 10, -EINVAL, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "1 ", 0, 10, -EINVAL, 0 },
		{ "1k", 0, 4096, -EINVAL, 0 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "4k", MC_NUM_SIZE, UINT64_MAX, 0, 4096 },
		{ "2M", MC_NUM_SIZE, UINT64_MAX, 0, 2 << 20 },
		{ "1t", MC_NUM_SIZE, UINT64_MAX, 0, 1ull << 40 },
		{ "17179869183g", MC_NUM_SIZE, UINT64_MAX, 0, 17179869183ull << 30 },
		{ "17179869184g", MC_NUM_SIZE, UINT64_MAX, -ERANGE, 0 },
		{ "17179869185g", MC_NUM_SIZE, UINT64_MAX, -ERANGE, 0 },
		{ "4kb", MC_NUM_SIZE, UINT64_MAX, -EINVAL, 0 },
		{ "k", MC_NUM_SIZE, 10, -EINVAL, 0 },
		{ "-4k", MC_NUM_SIZE, UINT64_MAX, -EINVAL, 0 },
		{ "4x", MC_NUM_SIZE, 10, -EINVAL, 0 },
		{ "010", 0, 10, 0, 8 },
		{ "010", MC_NUM_DEC, 10, 0, 10 }, /* a seed, a count */
		{ "0x10", MC_NUM_DEC, 100, -EINVAL, 0 },
		{ "-1", MC_NUM_DEC, 10, -EINVAL, 0 },
		{ "18446744073709551616", MC_NUM_DEC, UINT64_MAX, -ERANGE, 0 },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = 12345;
		ck_assert_msg(mc_num_parse(t[i].s, t[i].flags, 0, t[i].max, &v) == t[i].rc,
			      "'%s': rc %d", t[i].s,
			      mc_num_parse(t[i].s, t[i].flags, 0, t[i].max, &v));
		ck_assert_msg(v == (t[i].rc ? 12345 : t[i].v), "'%s' gave %llu", t[i].s,
			      (unsigned long long)v);
	}
	ck_assert_int_eq(mc_num_parse("0", 0, 1, 10, &v), -ERANGE);
	ck_assert_int_eq(mc_num_parse(NULL, 0, 0, 10, &v), -EINVAL);
}
END_TEST

START_TEST(file_regular_only)
{
	char dir[] = "/tmp/mc-input-XXXXXX", fifo[64], reg[64], link[64], *buf = NULL;
	size_t len = 99;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(mc_file_open(fifo, 0), -EINVAL);
	ck_assert_int_eq(mc_file_open(dir, 0), -EISDIR);
	ck_assert_int_eq(mc_file_open("/dev/null", 0), -EINVAL);
	ck_assert_int_eq(mc_file_read(fifo, 10, 0, &buf, &len), -EINVAL);
	ck_assert_ptr_null(buf);
	ck_assert_ptr_null(mc_file_fopen(fifo));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(mc_file_strerror(-EINVAL),
			 "not a regular file (a FIFO, socket or device is not read)");

	FILE *f = fopen(reg, "w");

	ck_assert_ptr_nonnull(f);
	fputs("0123456789", f);
	fclose(f);
	fd = mc_file_open(reg, MC_FILE_NOFOLLOW);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(mc_file_read(reg, 10, 0, &buf, &len), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(buf, "0123456789");
	free(buf);
	ck_assert_int_eq(mc_file_read(reg, 9, 0, &buf, &len), -EFBIG);
	ck_assert_ptr_null(buf);
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(reg, link), 0);
	ck_assert_int_eq(mc_file_read(link, 10, 0, &buf, &len), 0); /* followed */
	free(buf);
	ck_assert_int_eq(mc_file_read(link, 10, MC_FILE_NOFOLLOW, &buf, &len), -ELOOP);
	unlink(link);
	ck_assert_int_eq(symlink(fifo, link), 0);
	ck_assert_int_eq(mc_file_open(link, 0), -EINVAL);
	unlink(link);
	unlink(fifo);
	unlink(reg);
	rmdir(dir);
}
END_TEST

static const char *esc(const char *s, size_t n)
{
	static char out[256];

	mc_term_escape(out, sizeof(out), s, n);
	return out;
}

START_TEST(term_escapes)
{
	char small[8];

	ck_assert_str_eq(esc("plain text", 10), "plain text");
	ck_assert_str_eq(esc("\x1b]0;x\x07", 6), "\\x1b]0;x\\x07");
	ck_assert_str_eq(esc("a\nb\tc\r\x7f", 7), "a\\x0ab\\x09c\\x0d\\x7f");
	ck_assert_str_eq(esc("a\0b", 3), "a\\x00b");
	ck_assert_str_eq(esc("back\\slash", 10), "back\\\\slash");
	ck_assert_str_eq(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"); /* UTF-8 kept */
	ck_assert_str_eq(esc("\xc2\x9b"
			     "2J",
			     4),
			 "\\xc2\\x9b2J");			     /* C1 CSI */
	ck_assert_str_eq(esc("\xe2\x80\xae", 3), "\\xe2\\x80\\xae"); /* RLO */
	ck_assert_str_eq(esc("a\xe2\x80\x8b"
			     "b",
			     5),
			 "a\\xe2\\x80\\x8bb");			     /* ZWSP */
	ck_assert_str_eq(esc("\xe2\x81\xa0", 3), "\\xe2\\x81\\xa0"); /* WJ */
	ck_assert_str_eq(esc("\xef\xbb\xbf", 3), "\\xef\\xbb\\xbf"); /* BOM */
	ck_assert_str_eq(esc("\xe2\x80\x90\xef\xbb\xbe", 6),
			 "\xe2\x80\x90\xef\xbb\xbe");		     /* hyphen, U+FEFE kept */
	ck_assert_str_eq(esc("\xff\xc3", 2), "\\xff\\xc3");	     /* not UTF-8 */
	ck_assert_str_eq(esc("\xc0\xaf", 2), "\\xc0\\xaf");	     /* overlong */
	ck_assert_str_eq(esc("\xed\xa0\x80", 3), "\\xed\\xa0\\x80"); /* surrogate */
	ck_assert_uint_eq(mc_term_escape(small, 5,
					 "ab\x1b"
					 "cd",
					 5),
			  8);
	ck_assert_str_eq(small, "ab"); /* cut before an escape that does not fit */
	ck_assert_str_eq(mc_term_str(small, sizeof(small), "x\x1b"), "x\\x1b");
}
END_TEST

START_TEST(term_printf_keeps_own_newline)
{
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	mc_term_printf(f, "id %s: %d\n", "a\nforged 0 differences\x1b[2J", 3);
	mc_term_printf(f, "tail %s", "x\n");
	fclose(f);
	ck_assert_str_eq(buf, "id a\\x0aforged 0 differences\\x1b[2J: 3\ntail x\\x0a");
}
END_TEST

START_TEST(klog_nul_bytes)
{
	static const char log[] = "a\0b\n[ 1.0] BUG: after a NUL line\nc\0[ 2.0] WARNING: x\n"
				  "clean\n[ 4.0] BUG: KASAN: crlf\r\n[ 3.0] Oops: \x1b[2J";
	char out[512] = "";
	FILE *in = fmemopen((void *)log, sizeof(log) - 1, "r");
	FILE *o = fmemopen(out, sizeof(out), "w");

	ck_assert_int_eq(mc_klog_filter(in, o), 4);
	fclose(in);
	fclose(o);
	ck_assert_str_eq(out, "[ 1.0] BUG: after a NUL line\nc\\x00[ 2.0] WARNING: x\n"
			      "[ 4.0] BUG: KASAN: crlf\n[ 3.0] Oops: \\x1b[2J\n");
}
END_TEST

START_TEST(klog_long_line)
{
	size_t n = MC_KLOG_LINE_MAX + 100;
	char *log = malloc(n + 32), out[128] = "";
	FILE *in, *o;

	ck_assert_ptr_nonnull(log);
	memset(log, 'x', n);
	memcpy(log + n, "\nBUG: next\n", 11);
	in = fmemopen(log, n + 11, "r");
	o = fmemopen(out, sizeof(out), "w");
	ck_assert_int_eq(mc_klog_filter(in, o), 1); /* the long line's tail is not a line */
	fclose(in);
	fclose(o);
	ck_assert_str_eq(out, "BUG: next\n");
	free(log);
}
END_TEST

static Suite *input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, num_strict);
	tcase_add_test(tc, file_regular_only);
	tcase_add_test(tc, term_escapes);
	tcase_add_test(tc, term_printf_keeps_own_newline);
	tcase_add_test(tc, klog_nul_bytes);
	tcase_add_test(tc, klog_long_line);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(input_suite)

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared scaffolding for the Check unit tests: each tests/test_<x>.c builds into its own
 * binary whose main() runs one suite and exits non-zero on any failure.
 */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

#include "file.h"

#define MC_TEST_MAIN(suite_fn)                              \
	int main(void)                                      \
	{                                                   \
		SRunner *sr = srunner_create(suite_fn());   \
		int nfail;                                  \
		srunner_run_all(sr, CK_NORMAL);             \
		nfail = srunner_ntests_failed(sr);          \
		srunner_free(sr);                           \
		return nfail ? EXIT_FAILURE : EXIT_SUCCESS; \
	}

/*
 * The fields of struct mc_run_opts (runner.h) every quick run of the suites sets: quiet,
 * seed 1, 30 s a case, 3 s an operation, streams up to 64 MiB. A test adds its device,
 * rows and what else it needs after it.
 */
#define MC_TEST_RUN_OPTS                                                      \
	.quiet = true, .seed = 1, .timeout_ms = 30000, .op_timeout_ms = 3000, \
	.stream_limit = 64u << 20

/*
 * mc_test_slurp: the whole file @path (at most 1 GiB, read as migcheck reads its inputs)
 * as a malloc'd, NUL-terminated string the caller frees; its length into *@len unless
 * @len is NULL. A file that cannot be read fails the test.
 */
static inline char *mc_test_slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	int rc = mc_file_read(path, (size_t)1 << 30, 0, &buf, &n);

	ck_assert_msg(!rc, "%s: %s", path, mc_file_strerror(rc));
	if (len)
		*len = n;
	return buf;
}

#endif

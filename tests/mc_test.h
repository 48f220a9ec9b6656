/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared scaffolding for the Check unit tests: each tests/test_<x>.c builds into its own
 * binary whose main() runs one suite and exits non-zero on any failure.
 */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <check.h>
#include <stdlib.h>

#define MC_TEST_MAIN(suite_fn)                                                   \
	int main(void)                                                           \
	{                                                                        \
		SRunner *sr = srunner_create(suite_fn());                        \
		int nfail;                                                       \
		srunner_run_all(sr, CK_NORMAL);                                  \
		nfail = srunner_ntests_failed(sr);                               \
		srunner_free(sr);                                                \
		return nfail ? EXIT_FAILURE : EXIT_SUCCESS;                      \
	}

#endif

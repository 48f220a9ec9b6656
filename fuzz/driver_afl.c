// SPDX-License-Identifier: GPL-2.0-only
/*
 * AFL++ entry point of one target (-DMC_FUZZ_TARGET=name), persistent mode with the
 * input in shared memory. The device is opened before the fork server starts; a finding
 * is printed and aborts. Outside afl-fuzz the input comes from stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

#define MC_STR_(x) #x
#define MC_STR(x) MC_STR_(x)

__AFL_FUZZ_INIT();

int main(void)
{
	const struct mc_fuzz_target *target = mc_fuzz_target_find(MC_STR(MC_FUZZ_TARGET));
	struct mc_fuzz_ctx *ctx = NULL;
	struct mc_fuzz_finding f;
	unsigned char *buf;
	char err[512];

	if (!target || mc_fuzz_ctx_open(NULL, &ctx, err, sizeof(err))) {
		fprintf(stderr, "migcheck-afl: %s\n", target ? err : "unknown target");
		return 2;
	}
#ifdef __AFL_HAVE_MANUAL_CONTROL
	__AFL_INIT();
#endif
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		int rc = mc_fuzz_run(ctx, target, buf, (size_t)__AFL_FUZZ_TESTCASE_LEN, &f);

		if (rc > 0) {
			mc_fuzz_finding_print(stderr, &f);
			abort();
		}
		if (rc < 0) {
			fprintf(stderr, "migcheck-afl: harness error on %s: %s\n", ctx->spec, f.msg);
			_exit(2);
		}
	}
	mc_fuzz_ctx_close(ctx);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * AFL++ entry point of one target (-DMC_FUZZ_TARGET=name), persistent mode with the
 * input in shared memory. The device is opened by each child of the fork server; a
 * finding is printed and aborts. Outside afl-fuzz the input comes from stdin. On a
 * kernel with KCOV the driver's coverage of each input is counted into AFL++'s map
 * (fuzz_kcov.h), hashed over the map the instrumentation sized: AFL++ 4.04c sizes the
 * shared map from the binary's own edges, so kernel features share it with them (as
 * AFL's edges collide).
 * Comparisons are not passed: 4.04c takes them only through CmpLog (a second binary
 * built with AFL_LLVM_CMPLOG, run with -c), which this build does not make.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_kcov.h"

/*
 * AFL++'s __afl_area_ptr and __afl_map_size under other names (fuzz.mk links them with
 * --defsym): the instrumentation pass declares __afl_area_ptr in every unit itself, and a
 * unit that names it gets a renamed copy that nothing defines.
 */
extern uint8_t *mc_afl_area_ptr;
extern uint32_t mc_afl_map_size;

#define MC_STR_(x) #x
#define MC_STR(x) MC_STR_(x)

__AFL_FUZZ_INIT();

static int open_dev(const struct mc_fuzz_target *t, struct mc_fuzz_ctx **ctx, char *err,
		    size_t errlen)
{
	int rc;

	for (int i = 0; (rc = mc_fuzz_ctx_open_for(t, NULL, ctx, err, errlen)) == -EBUSY && i < 100;
	     i++)
		usleep(100 * 1000);
	return rc;
}

int main(void)
{
	const struct mc_fuzz_target *target = mc_fuzz_target_find(MC_STR(MC_FUZZ_TARGET));
	struct mc_fuzz_ctx *ctx = NULL;
	struct mc_fuzz_finding f;
	unsigned char *buf;
	char err[512];
	int rc;

	if (!target) {
		fprintf(stderr, "migcheck-afl: unknown target\n");
		return 2;
	}
	/*
	 * The device is opened once before the fork server starts, so that a wrong spec or a
	 * missing device is a clear error (exit 2) rather than a fork server that never
	 * answers, and closed again: afl-fuzz and afl-showmap start a fork server to learn
	 * the map's size and may leave it waiting while they start the real one, and a
	 * fork server holding a real device's VFIO group (one process at a time) would keep
	 * the next from opening it. Each child the fork server makes opens the device
	 * itself, waiting up to 10 s for one that is busy (a child before it exiting).
	 */
	if (open_dev(target, &ctx, err, sizeof(err))) {
		fprintf(stderr, "migcheck-afl: %s\n", err);
		return 2;
	}
	mc_fuzz_ctx_close(ctx);
	ctx = NULL;
#ifdef __AFL_HAVE_MANUAL_CONTROL
	__AFL_INIT();
#endif
	if (open_dev(target, &ctx, err, sizeof(err))) {
		fprintf(stderr, "migcheck-afl: harness error in the fork server's child: %s\n",
			err);
		_exit(2);
	}
	buf = __AFL_FUZZ_TESTCASE_BUF;
	/* The map is afl-fuzz's shared memory from here on; index 0 is AFL++'s own. */
	if (mc_afl_area_ptr && mc_afl_map_size > 1) {
		const struct mc_fuzz_sink sink = { .map = mc_afl_area_ptr + 1,
						   .len = mc_afl_map_size - 1 };

		mc_fuzz_kcov_set_sink(&sink);
	}
	while (__AFL_LOOP(10000)) {
		rc = mc_fuzz_run(ctx, target, buf, (size_t)__AFL_FUZZ_TESTCASE_LEN, &f);

		if (rc > 0) {
			mc_fuzz_finding_print(stderr, &f);
			abort();
		}
		if (rc < 0) {
			fprintf(stderr, "migcheck-afl: harness error on %s: %s\n", ctx->spec,
				f.msg);
			_exit(2);
		}
	}
	mc_fuzz_ctx_close(ctx);
	return 0;
}

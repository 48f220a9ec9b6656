// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point of one target, named at build time (-DMC_FUZZ_TARGET=name). The
 * device ($MIGCHECK_FUZZ_DEVICE, else MC_FUZZ_DEFAULT_DEVICE) is opened on the first
 * input; a finding is printed (and appended to $MIGCHECK_FUZZ_FINDINGS when set, the
 * first input of each dedup key kept in $MIGCHECK_FUZZ_INPUTS, else in
 * $MIGCHECK_FUZZ_FINDINGS.inputs) and aborts, so libFuzzer keeps the input as a crash.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#define MC_STR_(x) #x
#define MC_STR(x) MC_STR_(x)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mc_fuzz_ctx *ctx;
static const struct mc_fuzz_target *target;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_fuzz_finding f;
	char err[512];
	int rc;

	if (!ctx) {
		target = mc_fuzz_target_find(MC_STR(MC_FUZZ_TARGET));
		if (!target || mc_fuzz_ctx_open(NULL, &ctx, err, sizeof(err))) {
			fprintf(stderr, "migcheck-fuzz: %s\n", target ? err : "unknown target");
			exit(2);
		}
	}
	rc = mc_fuzz_run(ctx, target, data, size, &f);
	if (rc > 0) {
		const char *log = getenv("MIGCHECK_FUZZ_FINDINGS");
		FILE *lf = log ? fopen(log, "a") : NULL;

		const char *keep = getenv("MIGCHECK_FUZZ_INPUTS");
		char dir[4096];

		/* Also kept in a file: fork-mode children's stderr does not reach the parent. */
		if (lf) {
			mc_fuzz_finding_print(lf, &f);
			fclose(lf);
		}
		/* The first input of each distinct finding, for a replay of each (vmfuzz). */
		if (!keep && log) {
			snprintf(dir, sizeof(dir), "%s.inputs", log);
			keep = dir;
		}
		if (keep && *keep && mc_fuzz_finding_keep(keep, &f, data, size) < 0)
			fprintf(stderr, "migcheck-fuzz: could not keep the input in %s\n", keep);
		mc_fuzz_finding_print(stderr, &f);
		abort();
	}
	if (rc < 0) {
		fprintf(stderr, "migcheck-fuzz: harness error on %s: %s\n", ctx->spec, f.msg);
		exit(2);
	}
	return 0;
}

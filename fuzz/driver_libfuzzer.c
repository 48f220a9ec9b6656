// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer entry point of one target, named at build time (-DMC_FUZZ_TARGET=name). The
 * device ($MIGCHECK_FUZZ_DEVICE, else MC_FUZZ_DEFAULT_DEVICE) is opened on the first
 * input; a finding is printed (and appended to $MIGCHECK_FUZZ_FINDINGS when set, the
 * first input of each dedup key kept in $MIGCHECK_FUZZ_INPUTS, else in
 * $MIGCHECK_FUZZ_FINDINGS.inputs) and aborts, so libFuzzer keeps the input as a crash
 * ($MIGCHECK_FUZZ_CONTINUE=known: only at a finding not kept before; =1: never).
 * On a kernel with KCOV the driver's coverage of each input lands in libFuzzer's extra
 * counters and the kernel's comparisons in its comparison hooks (fuzz_kcov.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_kcov.h"

#define MC_STR_(x) #x
#define MC_STR(x) MC_STR_(x)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mc_fuzz_ctx *ctx;
static const struct mc_fuzz_target *target;

/*
 * Kernel coverage: counters registered with libFuzzer as one more module of inline 8-bit
 * counters (it clears them before every input and reads them after), with a PC table of
 * the same length whose every entry names kernel_coverage() (a new function in libFuzzer's
 * output is the kernel's). Registered by LLVMFuzzerInitialize only where they can count:
 * a kernel device, KCOV present, guidance not turned off. A static extra-counters section
 * would be cleared and scanned after every input everywhere: 11% of an input's time on
 * the simulated device, which has no kernel to trace.
 */
static uint8_t *kcov_counters;
struct pc_entry {
	uintptr_t pc, flags;
};

void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
void __sanitizer_cov_pcs_init(const uintptr_t *beg, const uintptr_t *end);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static __attribute__((noinline)) void kernel_coverage(void)
{
	__asm__ volatile("");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct pc_entry *pcs;

	(void)argc;
	(void)argv;
	if (!mc_fuzz_kcov_wanted(getenv("MIGCHECK_FUZZ_DEVICE")))
		return 0;
	kcov_counters = aligned_alloc(4096, MC_FUZZ_KCOV_COUNTERS);
	pcs = calloc(MC_FUZZ_KCOV_COUNTERS, sizeof(*pcs));
	if (!kcov_counters || !pcs) {
		free(kcov_counters);
		free(pcs);
		kcov_counters = NULL;
		return 0;
	}
	memset(kcov_counters, 0, MC_FUZZ_KCOV_COUNTERS);
	for (size_t i = 0; i < MC_FUZZ_KCOV_COUNTERS; i++)
		pcs[i] = (struct pc_entry){ (uintptr_t)kernel_coverage, i == 0 };
	__sanitizer_cov_8bit_counters_init(kcov_counters, kcov_counters + MC_FUZZ_KCOV_COUNTERS);
	__sanitizer_cov_pcs_init((const uintptr_t *)pcs,
				 (const uintptr_t *)(pcs + MC_FUZZ_KCOV_COUNTERS));
	return 0;
}

void __sanitizer_cov_trace_cmp1(uint8_t a, uint8_t b);
void __sanitizer_cov_trace_cmp2(uint16_t a, uint16_t b);
void __sanitizer_cov_trace_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_cmp8(uint64_t a, uint64_t b);
void __sanitizer_cov_trace_const_cmp4(uint32_t a, uint32_t b);
void __sanitizer_cov_trace_const_cmp8(uint64_t a, uint64_t b);

/*
 * A kernel comparison for libFuzzer: 4- and 8-byte operands enter its table of recent
 * compares (the mutator writes one operand where the input holds the other); every size
 * feeds the value profile (-use_value_profile=1), which keys on the caller's PC, so each
 * comparison site goes through one of 64 trampolines picked by the site's hash.
 */
#define KCOV_TRAMP(i)                                                                             \
	static __attribute__((noinline)) void kcov_cmp_##i(uint64_t a, uint64_t b, unsigned size, \
							   bool c)                                \
	{                                                                                         \
		if (size == 8)                                                                    \
			c ? __sanitizer_cov_trace_const_cmp8(a, b) :                              \
			    __sanitizer_cov_trace_cmp8(a, b);                                     \
		else if (size == 4)                                                               \
			c ? __sanitizer_cov_trace_const_cmp4((uint32_t)a, (uint32_t)b) :          \
			    __sanitizer_cov_trace_cmp4((uint32_t)a, (uint32_t)b);                 \
		else if (size == 2)                                                               \
			__sanitizer_cov_trace_cmp2((uint16_t)a, (uint16_t)b);                     \
		else                                                                              \
			__sanitizer_cov_trace_cmp1((uint8_t)a, (uint8_t)b);                       \
	}
#define KCOV_T8(x)                                                                           \
	KCOV_TRAMP(x##0)                                                                     \
	KCOV_TRAMP(x##1) KCOV_TRAMP(x##2) KCOV_TRAMP(x##3) KCOV_TRAMP(x##4) KCOV_TRAMP(x##5) \
		KCOV_TRAMP(x##6) KCOV_TRAMP(x##7)
KCOV_T8(0)
KCOV_T8(1) KCOV_T8(2) KCOV_T8(3) KCOV_T8(4) KCOV_T8(5) KCOV_T8(6) KCOV_T8(7)
#define KCOV_R8(x)                                                                           \
	kcov_cmp_##x##0, kcov_cmp_##x##1, kcov_cmp_##x##2, kcov_cmp_##x##3, kcov_cmp_##x##4, \
		kcov_cmp_##x##5, kcov_cmp_##x##6, kcov_cmp_##x##7
	static void (*const kcov_tramp[64])(uint64_t, uint64_t, unsigned, bool) = {
		KCOV_R8(0), KCOV_R8(1), KCOV_R8(2), KCOV_R8(3),
		KCOV_R8(4), KCOV_R8(5), KCOV_R8(6), KCOV_R8(7),
	};

static void kcov_cmp(uint64_t site, uint64_t a, uint64_t b, unsigned size, bool is_const)
{
	kcov_tramp[site % 64](a, b, size, is_const);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_fuzz_finding f;
	const char *cont;
	char err[512];
	int rc, kept = 1; /* 0: the finding's key was kept before (a known finding) */

	if (!ctx) {
		const struct mc_fuzz_sink sink = { .map = kcov_counters,
						   .len = MC_FUZZ_KCOV_COUNTERS,
						   .cmp = kcov_cmp };

		mc_fuzz_kcov_set_sink(kcov_counters ? &sink : NULL);
		target = mc_fuzz_target_find(MC_STR(MC_FUZZ_TARGET));
		if (!target || mc_fuzz_ctx_open_for(target, NULL, &ctx, err, sizeof(err))) {
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
		if (keep && *keep) {
			kept = mc_fuzz_finding_keep(keep, &f, data, size);
			if (kept < 0)
				fprintf(stderr, "migcheck-fuzz: could not keep the input in %s\n",
					keep);
		}
		mc_fuzz_finding_print(stderr, &f);
		/*
		 * MIGCHECK_FUZZ_CONTINUE=1: a pass over a corpus that must see every input;
		 * =known: a campaign aborts (a crash for libFuzzer, a new process in fork
		 * mode) only at a finding whose key is not kept yet, goes on at known ones.
		 */
		cont = getenv("MIGCHECK_FUZZ_CONTINUE");
		if (!cont || (!strcmp(cont, "known") && kept != 0))
			abort();
	}
	if (rc < 0) {
		fprintf(stderr, "migcheck-fuzz: harness error on %s: %s\n", ctx->spec, f.msg);
		exit(2);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's fault injection aimed at one driver module (debug kernels only): failslab
 * and fail_page_alloc, their stack-trace filter restricted to the module's text, driven
 * per thread through fail-nth (Documentation/fault-injection/fault-injection.rst). Only
 * the calling thread's allocations made with the driver's code on the stack can fail.
 */
#ifndef MC_KFAULT_H
#define MC_KFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fail-nth counts down from here in counting mode: no call passes this many points. */
#define MC_KFAULT_COUNT_BASE 1000000u

struct mc_kfault {
	char dbg[128];	/* debugfs root, "/sys/kernel/debug" */
	char proc[128]; /* procfs root, "/proc" */
	char sys[128];	/* sysfs root: "/sys", or "sys" beside a fixture's debugfs */
	char module[64];
	uint64_t start, end; /* the module's text, runtime addresses [start, end) */
	bool page_alloc;     /* fail_page_alloc is there too (else slab only) */
	bool configured;     /* the attributes were written (mc_kfault_configure) */
};

/*
 * mc_kfault_probe: can this kernel fail @module's allocations for the calling thread?
 * Checks <proc>/thread-self/fail-nth (CONFIG_FAULT_INJECTION), <dbg>/failslab
 * (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS, debugfs mounted) with require-start
 * (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER), write access (root), and @module's text span
 * (<sys>/module/<mod>/sections, else kallsyms). Writes nothing. 0 and @kf filled, or -errno and one line in @why saying
 * what is missing. @dbg_root, @proc_root: NULL for the real ones (tests use fixtures).
 */
int mc_kfault_probe(struct mc_kfault *kf, const char *module, const char *dbg_root,
		    const char *proc_root, char *why, size_t len);

/*
 * mc_kfault_configure: write the attributes once per @kf (later calls return 0 at once):
 * for failslab and fail_page_alloc require-start/-end = the module's text,
 * stacktrace-depth 32 (the kernel's most), probability 0 (fail-nth alone decides),
 * verbose 1 (each injected failure is a two-line notice in the kernel log; 2 would add
 * its stack: a few hundred failures a run then overflow a 128 KiB log buffer, and print
 * on the console), ignore-gfp-wait N (GFP_KERNEL
 * allocations count); fail_page_alloc min-order 0 and ignore-gfp-highmem N. Global
 * settings, but inert for every task whose fail-nth is 0. 0 or -errno (@why says which).
 */
int mc_kfault_configure(struct mc_kfault *kf, char *why, size_t len);

/*
 * A kernel device's fault injection as the kernel backend offers it (backend.h's fault
 * and fault_kinds for the allocation kinds), probed once, on first use, for driver
 * module @module; zero-initialise it. Arm and disarm from the same thread: fail-nth
 * belongs to the thread that writes it.
 */
struct mc_kfault_dev {
	struct mc_kfault kf;
	int probed; /* 0 not yet, 1 usable, -errno not (why says why) */
	char why[200];
	int armed; /* MC_FAULT_NONE, MC_FAULT_ALLOC_NTH or MC_FAULT_ALLOC_COUNT */
	const char *dbg_root, *proc_root; /* NULL: the real ones (tests: fixtures) */
};
/* The allocation kinds' bits when usable, else 0 and the reason into @why. */
unsigned mc_kfault_dev_kinds(struct mc_kfault_dev *kd, const char *module, char *why, size_t len);
/* backend.h's fault member for the allocation kinds; -EINVAL for any other kind. */
int mc_kfault_dev_fault(struct mc_kfault_dev *kd, const char *module, int kind, uint32_t arg);

#endif /* MC_KFAULT_H */

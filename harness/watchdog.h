/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runner's watchdog (private to runner.c): one case process at a time, forked into a
 * process group of its own that dies with migcheck, watched on its pidfd (or by waitpid
 * without one) and killed, group and all, when a device operation or the case outlives
 * its limit or the run is interrupted (mc_run_interrupt(), runner.h).
 */
#ifndef MC_WATCHDOG_H
#define MC_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "migcheck.h"

/*
 * How a case process ended. HUNG_OP: one device operation outlived --op-timeout;
 * HUNG_CASE: the case's --timeout expired during a device operation; INTERRUPTED: the
 * run was interrupted (mc_run_interrupt()) and the process killed.
 */
enum mc_outcome {
	MC_RAN,
	MC_CRASHED,
	MC_HUNG_OP,
	MC_HUNG_CASE,
	MC_TIMED_OUT,
	MC_STUCK,
	MC_INTERRUPTED
};

/* What to run in the child; @watch, @end_ns and @done live in memory shared with it. */
struct mc_child {
	void (*fn)(void *ctx, void *arg);
	void *ctx, *arg;
	struct mc_watch *watch; /* the child's current device operation */
	uint64_t *end_ns;	/* set by the child when @fn returned */
	const bool *done;	/* set by @fn when it wrote its result */
	unsigned limit_ms;	/* the whole child */
	unsigned op_timeout_ms; /* each device operation */
};

/*
 * Run @c->fn(@c->ctx, @c->arg) in a child with the watchdog, for at most @c->limit_ms;
 * returns how it ended. *@sig gets the signal of a crashed child; *@stuck the pid of a
 * child that would not die (abandoned; untouched otherwise). A child that finished after
 * its limit, before the watchdog woke, has still timed out. MC_INTERRUPTED at once, no
 * child made, once the run is interrupted.
 */
enum mc_outcome mc_watchdog_run(const struct mc_child *c, int *sig, pid_t *stuck);

#endif /* MC_WATCHDOG_H */

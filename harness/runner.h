/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runner: preflight a device (flags, identity, a reference stream), expand the case
 * set, run every instance isolated in its own process under a timeout, and hand the
 * results to the reporters. A hung device operation is a `fail` naming the operation.
 */
#ifndef MC_RUNNER_H
#define MC_RUNNER_H

#include "cases.h"
#include "report.h"
#include "runopts.h"

struct mc_run_opts {
	const char *device;    /* device spec (required) */
	const char *peer;      /* peer spec or NULL */
	const char *out;       /* report directory or NULL for no files */
	const char *only;      /* comma list of clause IDs, groups or case-name prefixes */
	const char *cases_dir; /* load cases from here instead of the built-in set */
	bool strict;	       /* warn counts as a failure */
	bool quiet;	       /* no KTAP on stdout */
	bool no_fork;	       /* run cases in-process (debugging; no timeouts) */
	bool no_kcov;	       /* no driver coverage even where KCOV is (kcov_run.h) */
	uint64_t seed;
	unsigned timeout_ms;	/* per case instance */
	unsigned op_timeout_ms; /* per device operation */
	size_t stream_limit;	/* reference stream size limit */
	const char *cmdline;
	const char *foreign;		  /* a device of another type, or NULL (sim: derived) */
	const struct mc_budgets *budgets; /* NULL = none */
	int io;				  /* enum mc_io: MC_IO_RW or MC_IO_URING */
	bool destructive;		  /* allow ROB-03 to remove the device */
	const struct mc_regaccs *dirty;	  /* --dirty: writes to the source before its save */
	const struct mc_regaccs *state_regions; /* --state-regions: RES-02 region oracle */
	bool nondet;			  /* --nondeterministic: streams differ, compare regions */
	const struct mc_waivers *waivers; /* --waivers: known deviations, or NULL */
	/* --profile: the VMMs (MC_PRE_QEMU, MC_PRE_CH) left out; 0 = all of them run. */
	unsigned profiles_off;
	/* One more reporter after the built-in ones (an embedder's), or NULL. */
	const struct mc_reporter_ops *reporter;
};

/*
 * mc_run: run the case set. *@rep receives the whole report (free with mc_report_free).
 * Returns the exit code for the CLI: 0 no MUST failed, 1 a failure, 2 a usage or harness
 * error (with one line on stderr), 4 everything skipped.
 */
int mc_run(const struct mc_run_opts *o, struct mc_report **rep);
void mc_report_free(struct mc_report *rep);

/*
 * Interrupt mc_run() (async-signal-safe: made to be called from a SIGINT, SIGTERM or
 * SIGHUP handler): no case starts after it, the running case's process group is killed,
 * the reports are still written with the cases that ran, the rest marked not run
 * (status skip, not_run), the run marked interrupted by @sig, and mc_run() returns
 * 128 + @sig. It holds for every later mc_run() of the process until
 * mc_run_interrupt(0) clears it. mc_run_interrupted(): the signal, or 0.
 */
void mc_run_interrupt(int sig);
int mc_run_interrupted(void);

#endif /* MC_RUNNER_H */

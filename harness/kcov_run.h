/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver coverage of a run (kcov.h applied to the runner): the parent finds the code
 * under test once (the driver's modules and the VFIO core, from kallsyms), each case's
 * process traces its own thread with KCOV and folds the PCs inside it after every device
 * operation (dev.c), and hands its unique PCs back through shared memory; the parent
 * writes them as PC lists (kcov.h's format) into the report directory:
 *	kcov-total.pcs	every PC the run reached
 *	kcov-cases.pcs	the same per case, each block after a "# case <name>" line
 * both headed by "# range <name> 0x<start> 0x<end> load 0x<runtime start>" lines.
 * Off without KCOV, with MC_KCOV=0 in the environment or --no-kcov.
 */
#ifndef MC_KCOV_RUN_H
#define MC_KCOV_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kcov.h"

#define MC_KCOV_SHARED_MAX 8192 /* unique PCs one case hands back (mtty: 458 at most) */

/* What a case's process hands back (in the runner's shared memory). */
struct mc_kcov_shared {
	uint32_t n;
	bool overflow;	/* the KCOV buffer filled between two folds: PCs were lost */
	bool truncated; /* more than MC_KCOV_SHARED_MAX unique PCs */
	uint64_t pc[MC_KCOV_SHARED_MAX];
};

struct mc_kcov_case;

/* The parent's side over a run. */
struct mc_kcov_run {
	bool on;
	char why[160]; /* why it is off (for stderr), or "" */
	struct mc_kcov_ranges rs;
	struct mc_kcov_symtab *st;
	struct mc_pcset total;
	struct mc_kcov_case *cases; /* per case, in run order */
	int ncases, cap;
};

/*
 * mc_kcov_run_open: decide whether this run traces and find its ranges: @modules, a
 * comma list of module names (NULL: $MC_KCOV_MODULES, else @driver and "mdev"), each
 * loaded one a range, plus the VFIO core (module "vfio", or its built-in text). Off (not
 * an error) without KCOV, with @disable or MC_KCOV=0; kr->why says why.
 */
void mc_kcov_run_open(struct mc_kcov_run *kr, const char *modules, const char *driver,
		      bool disable);
/* Record case @name's PCs from @sh (after its process ended); 0 or -ENOMEM. */
int mc_kcov_run_add(struct mc_kcov_run *kr, const char *name, const struct mc_kcov_shared *sh);
/* Write kcov-total.pcs and kcov-cases.pcs into @dir; 0 or -errno (one line on stderr). */
int mc_kcov_run_write(const struct mc_kcov_run *kr, const char *dir);
void mc_kcov_run_free(struct mc_kcov_run *kr);

/*
 * In a case's process: start tracing the calling thread for @kr into @sh (nothing when
 * @kr is off or KCOV cannot be opened); mc_kcov_case_fold() keeps what the thread
 * traced since the last fold (dev.c calls it after every device operation; a no-op in
 * any other thread or process); mc_kcov_case_end() folds, hands the PCs to @sh and stops.
 */
void mc_kcov_case_begin(const struct mc_kcov_run *kr, struct mc_kcov_shared *sh);
void mc_kcov_case_fold(void);
void mc_kcov_case_end(void);

#endif /* MC_KCOV_RUN_H */

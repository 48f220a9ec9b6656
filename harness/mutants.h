/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MC_MUTANTS_H
#define MC_MUTANTS_H

#include <stdbool.h>

struct mc_budgets;

struct mc_mutants_opts {
	int flags;	       /* the simulated device's migration flags (7: everything) */
	int jobs;	       /* runs in parallel */
	const char *json;      /* also write the matrix here, or NULL */
	const char *cases_dir; /* NULL: the built-in case set */
};

/*
 * Run the case set against every sim defect and conforming variant, print the kill
 * matrix and the two numbers. 0 when every defect is caught by its intended clause and
 * no variant drew a fail or warn, 1 otherwise, -errno when the runs could not be made
 * or --json could not be written (a failed write replaces no earlier file).
 */
int mc_mutants(const struct mc_mutants_opts *o);

/*
 * The budgets every mutant run gets (and the defect tests): met by the conforming
 * device with room to spare, missed by the slow or lying defects. 0, or -EINVAL.
 */
int mc_mutant_budgets(struct mc_budgets *b);

#endif /* MC_MUTANTS_H */

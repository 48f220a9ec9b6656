/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migcheck diff: what changed between two runs of (usually) the same device, for
 * catching driver regressions: identity and environment, clause and case statuses,
 * cases that appeared or vanished, and measurements that moved beyond a threshold.
 */
#ifndef MC_RUNDIFF_H
#define MC_RUNDIFF_H

#include <stdio.h>

#include "report.h"

struct mc_diff_opts {
	double threshold; /* relative change of a metric worth reporting, e.g. 0.25 */
};

/*
 * mc_report_diff: print the differences of @new against @old on @out, one per line,
 * worse ones marked "WORSE". Returns the number of worse changes (a status that got
 * worse, a case that vanished, a latency or downtime that grew or a throughput that
 * fell beyond the threshold); *@changes (may be NULL) gets the number of all changes.
 */
int mc_report_diff(const struct mc_report *old, const struct mc_report *new,
		   const struct mc_diff_opts *o, FILE *out, int *changes);

#endif /* MC_RUNDIFF_H */

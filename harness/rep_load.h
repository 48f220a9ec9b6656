/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading report.json back into a struct mc_report, so that every other format (HTML,
 * JUnit, KTAP) of a past run is rendered from the JSON alone, and so that bundles can be
 * verified. The loaded report carries the run's own clause texts, not this build's.
 */
#ifndef MC_REP_LOAD_H
#define MC_REP_LOAD_H

#include <stddef.h>

#include "json.h"
#include "report.h"

/*
 * mc_report_from_json: build a report from report.json root @root, which must outlive
 * it (strings point into its document). Checks the shape strictly; a missing or
 * mistyped member is -EINVAL with its path ("cases[3].status: ...") in @err. Recorded
 * waivers are applied and the counts recomputed from the cases: summary and clause
 * statuses in the file are not trusted (mc_bundle_verify compares them). Free with
 * mc_report_unload().
 */
int mc_report_from_json(const struct mc_json *root, struct mc_report **rep, char *err,
			size_t errlen);
/* mc_report_load_file: read and parse @path, then as above; the report owns the document. */
int mc_report_load_file(const char *path, struct mc_report **rep, char *err, size_t errlen);
/* Release a report from the two functions above; NULL is allowed. */
void mc_report_unload(struct mc_report *rep);
/*
 * mc_report_load_kernel (rep_kernel.c, called by mc_report_from_json): report.json's
 * kernel flavour, build, boot options and oracles into rep->info.kernel, and
 * kernel_reports into rep->kreports (freed by mc_report_unload). Both are optional (older
 * reports lack them); a mistyped member is -EINVAL with its path in @err.
 */
int mc_report_load_kernel(const struct mc_json *root, struct mc_report *rep, char *err,
			  size_t errlen);
/* The waivers recorded in the loaded @rep's file (n = 0 when none). */
const struct mc_waivers *mc_report_recorded_waivers(const struct mc_report *rep);

#endif /* MC_REP_LOAD_H */

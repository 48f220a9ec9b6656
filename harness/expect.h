/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Expected-verdict files: the verdicts one real driver is known to get, kept in the
 * tree (vm/EXPECTED-mtty.json) so that a change in any verdict is a reviewed edit.
 * Written from a report.json, compared against a later one. Format in vm/README.md.
 */
#ifndef MC_EXPECT_H
#define MC_EXPECT_H

#include <stdio.h>

#include "json.h"

#define MC_EXPECT_SCHEMA 1

/*
 * mc_expect_write: write the expected-verdict file for report.json root @rep to @f.
 * Refuses (-EINVAL, reason in @err) a report that is not a complete run of the built-in
 * case set on a real device (its scope, mc_report_scope()): one made with --only (fewer
 * than the whole set) or --cases, one that stopped early (fewer cases than
 * run.cases_total), one with a harness error, one of the simulated device, or one that is
 * not a report at all.
 */
int mc_expect_write(FILE *f, const struct mc_json *rep, char *err, size_t errlen);

/*
 * mc_expect_check: compare report.json root @rep with expected file root @exp. Prints
 * one line per difference on @out and returns how many there were (0 = same device,
 * same case set, same verdicts); a run that is not complete (as for mc_expect_write,
 * the device aside) is one more ("incomplete run: ..."). A file of the wrong shape is
 * -EINVAL with @err set.
 */
int mc_expect_check(const struct mc_json *exp, const struct mc_json *rep, FILE *out, char *err,
		    size_t errlen);

/*
 * mc_expect_agree: compare two report.json roots @a and @b of the same device reached
 * through two access paths (e.g. group/container and cdev/iommufd): device (driver, type,
 * migration flags), every clause and every case verdict; the device spec, access path and
 * everything else are ignored. Prints one line per difference on @out, naming each run by
 * its device.access, then "agree: ..." or "disagree: N difference(s) ..."; returns how
 * many differences there were. A report of the wrong shape is -EINVAL with @err set.
 */
int mc_expect_agree(const struct mc_json *a, const struct mc_json *b, FILE *out, char *err,
		    size_t errlen);

#endif /* MC_EXPECT_H */

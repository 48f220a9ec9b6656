/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A run's kernel log (private to runner.c): read from before the device's first open to
 * the end of the run, each report (klog.h) charged to the case or the phase of the run
 * during which it appeared, kmemleak scanned after each clause group, and the window
 * marked in the log for verify.
 */
#ifndef MC_KLOG_RUN_H
#define MC_KLOG_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "klog.h"
#include "migcheck.h"
#include "report.h"

struct mc_klog_run {
	struct mc_klog *kl;	    /* the machine's kernel log, or NULL */
	char why[300];		    /* why there is none */
	struct mc_klog_group group; /* the report the log's last line belongs to */
	/*
	 * ROB-01 evidence over the run: [0] reports in phases, [1] in cases, so that the
	 * phases, rare and easily missed, come first in its bounded detail.
	 */
	char *findings[2];
	size_t len[2];
	char *evidence;		 /* both, for ROB-01's case */
	int nreports;		 /* reports so far */
	bool no_kmemleak;	 /* the kernel has none, or it failed once */
	bool opened;		 /* the log was read (kl was opened) */
	struct mc_kreport *list; /* the reports as a list, for the report's kernel_reports */
	int nlist, omitted;	 /* listed; beyond MC_KREPORTS_MAX, counted only */
};

/*
 * mc_klog_run_open: @kr zeroed, the kernel log of @spec's machine opened at its end and
 * the window's start marked (MC_KLOG_MARK_FROM); without a log kr->kl is NULL and
 * kr->why says why (nothing else then does anything).
 */
void mc_klog_run_open(struct mc_klog_run *kr, const char *spec);

/*
 * mc_klog_run_charge: read the log up to now and charge its reports to @where (a case
 * or a phase): each report's first lines into the run's evidence and, when @detail is
 * set (a case's, size @dlen), into it too. Returns the number of reports.
 */
int mc_klog_run_charge(struct mc_klog_run *kr, const char *where, char *detail, size_t dlen);

/*
 * mc_klog_run_leaks: after the cases of clause group @group (NULL: at the end of the
 * run) kmemleak scans; each object it found, and its scan line, is a report charged to
 * "kmemleak scan after the GROUP cases". Where the kernel has no kmemleak nothing
 * happens (and nothing is claimed) for the rest of the run.
 */
void mc_klog_run_leaks(struct mc_klog_run *kr, const char *group);

/* Room for the evidence in ROB-01's detail (MC_DETAIL_MAX) after its count line. */
#define MC_KLOG_EVIDENCE_ROOM (MC_DETAIL_MAX - 128)

/*
 * mc_klog_run_evidence: ROB-01's evidence, the phases' reports, then the cases': whole
 * when they fit in @room bytes, else each report's opening line only (first the phases',
 * so every report is named while they fit; its first lines stay in its case's detail and
 * the kernel log). Owned by @kr until the next call, never NULL.
 */
const char *mc_klog_run_evidence(struct mc_klog_run *kr, size_t room);

/*
 * mc_klog_run_report: hand the run's reports as a list to @rep (kreports, nkreports,
 * nkreports_omitted, kreports_known); @rep owns the list from then on.
 */
void mc_klog_run_report(struct mc_klog_run *kr, struct mc_report *rep);

/* mc_klog_run_end: mark the window's end (MC_KLOG_MARK_TO) and close the log. */
void mc_klog_run_end(struct mc_klog_run *kr);

/* mc_klog_run_free: end (when still open) and free what @kr holds. */
void mc_klog_run_free(struct mc_klog_run *kr);

#endif /* MC_KLOG_RUN_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a run hands its cases besides their rows: the options that change how cases judge
 * or what they do to the device (--budget: budget.c; --dirty, --state-regions: regspec.c),
 * and what the runner learned about the device before the cases started (struct
 * mc_devinfo, which every operation reads as ctx->di).
 */
#ifndef MC_RUNOPTS_H
#define MC_RUNOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model.h"

struct mc_dev;

/* --budget: TIME clauses turn into verdicts when a measurement exceeds one. 0 = none. */
#define MC_BUDGET_ARCS 16
struct mc_budgets {
	uint64_t arc_ns[MC_NSTATES][MC_NSTATES]; /* [from][to], judged on the max */
	uint64_t downtime_ns;
	double datasize_ratio; /* SAVE-05: MIG_DATA_SIZE / bytes read must lie in [1/r, r] */
	/* The arc= words as given, so that a device can be checked against them. */
	struct {
		int from;
		uint32_t to;
		char word[48];
	} arcs[MC_BUDGET_ARCS];
	int narcs; /* from = -1: any start state */
};
/*
 * Parse one --budget word into @b: "arc=TO:TIME", "arc=FROM->TO:TIME" or
 * "downtime=TIME", TIME = N[ns|us|ms|s] (default ms). An arc no device can take (FROM
 * equal to TO, or a base arc of the model under no valid flag set) is refused.
 * -EINVAL with a reason in @err.
 */
int mc_budget_parse(const char *s, struct mc_budgets *b, char *err, size_t errlen);
/*
 * Check @b's arc= words against a device with model flags @flags: each must name a base
 * arc the device can take. 0, or -EINVAL with "--budget 'WORD': ..." in @err.
 */
int mc_budget_check(const struct mc_budgets *b, uint64_t flags, char *err, size_t errlen);

/* Region accesses of --dirty and --state-regions (regspec.c). */
#define MC_REGACC_MAX 64  /* bytes per item */
#define MC_REGACCS_MAX 16 /* items per list */
struct mc_regacc {
	uint32_t index; /* VFIO region index */
	uint32_t len;
	uint64_t off;
	uint8_t data[MC_REGACC_MAX]; /* --dirty: the bytes to write */
};
struct mc_regaccs {
	int n;
	struct mc_regacc a[MC_REGACCS_MAX];
};
/* Parse "R@OFF=HEX,..." (@with_data) or "R@OFF+LEN,..."; -EINVAL with a reason. */
int mc_regacc_parse(const char *s, bool with_data, struct mc_regaccs *out, char *err,
		    size_t errlen);
/* Do the writes of @w in order; 0 or -errno with a reason. */
int mc_regacc_write(struct mc_dev *dev, const struct mc_regaccs *w, char *err, size_t errlen);
/* Read the ranges of @r, concatenated, into @buf; bytes read or -errno with a reason. */
ssize_t mc_regacc_read(struct mc_dev *dev, const struct mc_regaccs *r, uint8_t *buf, size_t len,
		       char *err, size_t errlen);

/* A feature index no kernel defines: its errno is the kernel's "unknown feature". */
#define MC_UNKNOWN_FEATURE 63

/*
 * What the runner knows about the device before the cases start, with the run's options
 * the cases read; the same for every case of the run.
 */
struct mc_devinfo {
	uint64_t flags;		/* migration flags as read (raw) */
	bool flags_ok;		/* GET MIGRATION succeeded with STOP_COPY set */
	bool log;		/* PROBE of DMA_LOGGING_START succeeded */
	int precopy_v2_rc;	/* PROBE|SET of MIG_PRECOPY_INFOv2: 0 or -errno */
	int unknown_feature_rc; /* PROBE|GET of MC_UNKNOWN_FEATURE: -ENOTTY or -EINVAL */
	bool fault;		/* the backend can inject faults */
	unsigned fault_kinds;	/* which: MC_FAULT_BIT()s of backend.h */
	bool klog;		/* the kernel log can be read */
	const char *klog_why;	/* when it cannot: why */
	/*
	 * ROB-01: the reports of the run's phases, then those of its cases, each as
	 * "WHERE (KIND): first line\n" and its next lines as
	 * "  | line\n", WHERE a case or a phase of the run; "" when none.
	 */
	const char *klog_findings;
	int klog_reports;      /* how many reports klog_findings holds */
	const uint8_t *stream; /* a valid stream for RESUMING (from the peer if given) */
	size_t stream_len;
	/* Without a stream: why, and the clause the device broke saving it (NULL: harness). */
	const char *stream_why;
	const char *stream_violates;
	const char *peer_spec; /* NULL without --peer */
	uint64_t seed;
	const char *device_spec; /* to reopen the device (ROB-02) */
	/* A stream saved from a device of another type (--foreign, or derived for sim). */
	const uint8_t *foreign;
	size_t foreign_len;
	const char *foreign_spec; /* NULL when there is none */
	const char *foreign_why;  /* why there is none (for the skip) */
	const struct mc_budgets *budgets;
	int io;		  /* enum mc_io of stream.h: how data moves */
	bool destructive; /* --destructive: ROB-03 may remove the device */
	/* RES-02: what the source looked like when its stream was saved. */
	const struct mc_regaccs *dirty;		/* writes made to the source first, or NULL */
	const struct mc_regaccs *state_regions; /* --state-regions, or NULL */
	bool stream_nondet;	    /* --nondeterministic: compare regions, not streams */
	const uint8_t *ref_regions; /* the source's state regions before the save */
	size_t ref_regions_len;
};

#endif /* MC_RUNOPTS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Case tables: the rows of the files in cases/ and their parser. A row is data (name,
 * clause, precondition, operation, arguments, expectation, description); the operation,
 * found by name in the registry (ops.h), is library code that drives the device and judges
 * against the expectation. See cases/README.md for the format.
 */
#ifndef MC_CASES_H
#define MC_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migcheck.h"
#include "report.h"

/* The case files built into the binary (generated from cases/ by tools/embed.c). */
struct mc_embedded_file {
	const char *name;
	const char *text;
};
extern const struct mc_embedded_file mc_embedded_cases[];

/* Preconditions a row may require; a device lacking one gets `skip` with the reason. */
enum {
	MC_PRE_P2P = 1u << 0,		/* VFIO_MIGRATION_P2P advertised */
	MC_PRE_PRE_COPY = 1u << 1,	/* VFIO_MIGRATION_PRE_COPY advertised */
	MC_PRE_LOG = 1u << 2,		/* PROBE of DMA_LOGGING_START succeeds */
	MC_PRE_FAULT = 1u << 3,		/* the backend can inject faults (simulated device) */
	MC_PRE_FLAGS = 1u << 4,		/* usable migration flags were read (implicit for non-FEAT) */
	MC_PRE_QEMU = 1u << 5,		/* --profile selects qemu (a VMM's sequence, not a device's) */
	MC_PRE_CH = 1u << 6,		/* --profile selects cloud-hypervisor */
};

/*
 * --profile: the VMMs whose sequences run, as the MC_PRE_* bits of their rows. A row of a
 * VMM left out is skipped with the reason, so that a report says what it did not cover.
 */
#define MC_PROFILES_ALL (MC_PRE_QEMU | MC_PRE_CH)
/*
 * Parse @list ("qemu", "cloud-hypervisor", "all" or "none", comma separated; "none" alone)
 * into *@out. -EINVAL with "--profile: ..." in @err for an unknown or misplaced word.
 */
int mc_profile_parse(const char *list, unsigned *out, char *err, size_t errlen);
/* "qemu,cloud-hypervisor", "qemu", ... or "none" for @profiles, into @buf. */
const char *mc_profile_text(unsigned profiles, char *buf, size_t len);

struct mc_op;

struct mc_case {
	char name[64];
	const struct mc_clause *clause;
	unsigned pre;
	const struct mc_op *op;
	char args[160];		/* "-" or op-specific key=value list, comma separated */
	char expect[64];	/* "model", "ok", an errno name, ... (op-specific) */
	char description[256];
	char where[96];		/* "cases/fsm.cases:12" */
};

struct mc_caseset {
	struct mc_case *cases;
	int n;
};

/*
 * Parse one case file's @text (named @fname in messages) and append its rows to @cs.
 * On a malformed row returns -EINVAL with "file:line: what is wrong" in @err; @cs then
 * holds the rows before it. Duplicate case names across the set are an error.
 */
int mc_cases_parse(const char *fname, const char *text, struct mc_caseset *cs, char *err,
		   size_t errlen);
/* Load the built-in case set. */
int mc_cases_load_builtin(struct mc_caseset *cs, char *err, size_t errlen);
/* Load every *.cases file of @dir (sorted by name) instead of the built-in set. */
int mc_cases_load_dir(const char *dir, struct mc_caseset *cs, char *err, size_t errlen);
void mc_cases_free(struct mc_caseset *cs);

/*
 * --only: whether @only (a comma list of clause IDs, groups and case-name prefixes; NULL
 * selects everything) selects row @c.
 */
bool mc_case_selected(const struct mc_case *c, const char *only);
/*
 * Check @only against @cs: there must be a word and every word must name a row of the set.
 * 0, or -EINVAL with one line in @err ("--only: 'FSM-99' is no clause ID, ..."). Whether
 * the rows have instances on a given device is the runner's question.
 */
int mc_cases_check_only(const struct mc_caseset *cs, const char *only, char *err, size_t errlen);

/* One instance of a row: a row expands to one or more instances over its parameter. */
struct mc_param {
	uint32_t a, b;		/* meaning per expansion: (from, to), (state, -), ... */
	char label[48];		/* appended to the row name: "STOP->RUNNING" */
};

/* What the runner knows about the device before the cases start. */
/* --budget: TIME clauses turn into verdicts when a measurement exceeds one. 0 = none. */
#define MC_BUDGET_ARCS 16
struct mc_budgets {
	uint64_t arc_ns[MC_NSTATES][MC_NSTATES];	/* [from][to], judged on the max */
	uint64_t downtime_ns;
	double datasize_ratio;	/* SAVE-05: MIG_DATA_SIZE / bytes read must lie in [1/r, r] */
	/* The arc= words as given, so that a device can be checked against them. */
	struct { int from; uint32_t to; char word[48]; } arcs[MC_BUDGET_ARCS];
	int narcs;		/* from = -1: any start state */
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
#define MC_REGACC_MAX 64	/* bytes per item */
#define MC_REGACCS_MAX 16	/* items per list */
struct mc_regacc {
	uint32_t index;		/* VFIO region index */
	uint32_t len;
	uint64_t off;
	uint8_t data[MC_REGACC_MAX];	/* --dirty: the bytes to write */
};
struct mc_regaccs {
	int n;
	struct mc_regacc a[MC_REGACCS_MAX];
};
/* Parse "R@OFF=HEX,..." (@with_data) or "R@OFF+LEN,..."; -EINVAL with a reason. */
int mc_regacc_parse(const char *s, bool with_data, struct mc_regaccs *out, char *err,
		    size_t errlen);
struct mc_dev;
/* Do the writes of @w in order; 0 or -errno with a reason. */
int mc_regacc_write(struct mc_dev *dev, const struct mc_regaccs *w, char *err, size_t errlen);
/* Read the ranges of @r, concatenated, into @buf; bytes read or -errno with a reason. */
ssize_t mc_regacc_read(struct mc_dev *dev, const struct mc_regaccs *r, uint8_t *buf, size_t len,
		       char *err, size_t errlen);

/* A feature index no kernel defines: its errno is the kernel's "unknown feature". */
#define MC_UNKNOWN_FEATURE 63

struct mc_devinfo {
	uint64_t flags;		/* migration flags as read (raw) */
	bool flags_ok;		/* GET MIGRATION succeeded with STOP_COPY set */
	bool log;		/* PROBE of DMA_LOGGING_START succeeded */
	int precopy_v2_rc;	/* PROBE|SET of MIG_PRECOPY_INFOv2: 0 or -errno */
	int unknown_feature_rc;	/* PROBE|GET of MC_UNKNOWN_FEATURE: -ENOTTY or -EINVAL */
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
	int klog_reports;	/* how many reports klog_findings holds */
	const uint8_t *stream;	/* a valid stream for RESUMING (from the peer if given) */
	size_t stream_len;
	/* Without a stream: why, and the clause the device broke saving it (NULL: harness). */
	const char *stream_why;
	const char *stream_violates;
	const char *peer_spec;	/* NULL without --peer */
	uint64_t seed;
	const char *device_spec;	/* to reopen the device (ROB-02) */
	/* A stream saved from a device of another type (--foreign, or derived for sim). */
	const uint8_t *foreign;
	size_t foreign_len;
	const char *foreign_spec;	/* NULL when there is none */
	const char *foreign_why;	/* why there is none (for the skip) */
	const struct mc_budgets *budgets;
	int io;				/* enum mc_io of stream.h: how data moves */
	bool destructive;		/* --destructive: ROB-03 may remove the device */
	/* RES-02: what the source looked like when its stream was saved. */
	const struct mc_regaccs *dirty;		/* writes made to the source first, or NULL */
	const struct mc_regaccs *state_regions;	/* --state-regions, or NULL */
	bool stream_nondet;		/* --nondeterministic: compare regions, not streams */
	const uint8_t *ref_regions;	/* the source's state regions before the save */
	size_t ref_regions_len;
};

/* Instances of @c for a device with model flags @flags; returns the count (<= @max). */
int mc_case_expand(const struct mc_case *c, uint64_t flags, struct mc_param *out, int max);

#endif /* MC_CASES_H */

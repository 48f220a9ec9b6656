/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The results of a run: one struct mc_report, made case by case by the runner or loaded
 * back from report.json (rep_load.h), its cases rolled up per clause and into the run's
 * verdict and exit code. Every output format renders it (reporter.h).
 */
#ifndef MC_REPORT_H
#define MC_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "kinfo.h"
#include "model.h"

#define MC_REPORT_SCHEMA 1

enum mc_status { MC_PASS = 0, MC_SKIP, MC_WARN, MC_ERROR, MC_FAIL, MC_NSTATUS };

/* "pass", "fail", ...; mc_status_parse() inverts it. */
const char *mc_status_name(enum mc_status st);
/* The enum value of @name, or -1 when unknown. */
int mc_status_parse(const char *name);
/* The worse of @a and @b in rollup order fail > error > warn > pass > skip. */
enum mc_status mc_status_worse(enum mc_status a, enum mc_status b);

#define MC_DETAIL_MAX 1024
#define MC_OPLOG_MAX 2048

/*
 * A measurement a case reports (TIME, SAVE-05, PRE convergence): a single value
 * (count 1) or the distribution of @count samples. Units: "ns", "B", "B/s", "ratio".
 * A metric may also keep the sequence it was taken in (@series, @nseries points in
 * order, e.g. initial_bytes after each read of a PRE_COPY session); @value is then
 * the last point.
 */
#define MC_METRICS_MAX 8
#define MC_SERIES_MAX 64
struct mc_metric {
	char name[40]; /* "latency", "downtime", "bytes", ... */
	char unit[8];
	uint32_t count;	      /* samples; 1 = a single value */
	double value;	      /* the value, or the mean of the samples */
	double p50, p99, max; /* when count > 1 */
	uint32_t nseries;     /* points in @series; 0 = no sequence kept */
	double series[MC_SERIES_MAX];
};

struct mc_clause; /* clauses.h: a requirement of the clause table */
struct mc_waiver; /* waiver.h: a known deviation, accepted with a reason */
struct mc_waivers;

/* One executed case instance. */
struct mc_case_result {
	char name[128]; /* "fsm.pair:STOP->RUNNING" */
	const struct mc_clause *clause;
	const char *description; /* from the case table; never NULL */
	enum mc_status status;
	char detail[MC_DETAIL_MAX]; /* why: errno, states, bytes; "" on a plain pass */
	char oplog[MC_OPLOG_MAX];   /* last device operations, one per line; may be "" */
	uint64_t duration_us;
	struct mc_metric metrics[MC_METRICS_MAX];
	unsigned nmetrics;
	/* The waiver covering this case's fail or warn, or NULL (mc_waivers_apply()). */
	const struct mc_waiver *waiver;
	/*
	 * The clause a setup step broke (mc_setup_violation()), or NULL: the case then
	 * failed on that clause and its own clause was not judged (mc_case_charged()).
	 * NULL again when the case also violated its own clause (mc_violation()).
	 */
	const struct mc_clause *violates;
	bool not_run; /* the run was interrupted first: status skip */
};

/*
 * The clause @r's verdict counts under: r->violates when a setup step broke one, else
 * r->clause (NULL only through a harness bug). The rollup, waivers and every renderer
 * charge a case to this clause; the case stays listed under its own name and clause.
 */
const struct mc_clause *mc_case_charged(const struct mc_case_result *r);

/* The observed arc matrix (FSM-01/02), for the report. */
enum mc_cell { MC_CELL_UNTESTED = 0, MC_CELL_MATCH, MC_CELL_MISMATCH, MC_CELL_ERROR };
struct mc_arc_cell {
	enum mc_cell verdict;
	int exp_err; /* model: 0 or -EINVAL */
	bool exp_fd;
	int obs_err; /* device: 0 or -errno */
	bool obs_fd;
	uint32_t obs_state; /* GET after the SET */
};

struct mc_run_info {
	const char *tool_version; /* "0.1.0" */
	const char *tool_commit;  /* git describe at build time, or "unknown" */
	const char *device_spec;
	const char *peer_spec; /* NULL without --peer */
	struct mc_dev_ident ident;
	uint64_t mig_flags;
	bool flags_known; /* false when GET MIGRATION failed */
	char kernel_release[128];
	char kernel_config[72];	    /* SHA-256 (hex) of the kernel's config, or "" */
	char kernel_config_src[64]; /* where it was read ("/proc/config.gz"), or "" */
	struct mc_kinfo kernel;	    /* flavour, build label, oracles (kinfo.h) */
	char hostname[64];
	uint64_t seed;
	bool strict;
	const char *only;      /* --only filter or NULL */
	const char *cases_dir; /* --cases DIR, or NULL for the built-in case set */
	/* --profile: the VMMs whose rows ran ("qemu,cloud-hypervisor", "none"); "" = not
	 * recorded (reports before it was: every row ran) */
	char profiles[40];
	int cases_total; /* instances the complete built-in set gives this
					 * device; 0 = not recorded (reports before it was) */
	/*
	 * The preflight's uAPI probes (SPEC §16), each 0 or -errno, when uapi_known (reports
	 * before they were recorded have none): PROBE|SET of MIG_PRECOPY_INFOv2 (feature 12)
	 * and PROBE|GET of feature 63, which no kernel defines.
	 */
	bool uapi_known;
	int precopy_v2_rc;
	int unknown_feature_rc;
	char cmdline[1024];
	char started[32]; /* ISO 8601 UTC */
	char finished[32];
};

struct mc_clause_result {
	const struct mc_clause *clause;
	enum mc_status status; /* rolled up: fail > error > warn > pass > skip */
	int counts[MC_NSTATUS];
	int waived;		 /* cases whose fail/warn a waiver covers */
	enum mc_status unwaived; /* rolled up over the cases no waiver covers */
	int unjudged;		 /* its cases charged to another clause (a setup step broke it) */
};
/*
 * Status shown for a clause once waivers apply: "waived" when waivers cover some of
 * its cases and the rest pass or skip, else the name of cr->unwaived. Without waivers
 * that is the plain rolled-up status.
 */
const char *mc_clause_effective(const struct mc_clause_result *cr);

/*
 * A kernel-log report of the run (klog_run.h), charged to the case during which it
 * appeared or to the phase of the run around the cases (preflight, reference-save,
 * between two cases, a kmemleak scan, after the last case).
 */
#define MC_KREPORT_LINES 2048
#define MC_KREPORTS_MAX 256 /* listed; more are counted in nkreports_omitted */
struct mc_kreport {
	char kind[24];		      /* mc_klog_kind(): "kasan", "ubsan", "warn", ... */
	char where[320];	      /* the case's name, or the phase */
	bool in_case;		      /* @where names a case of the report */
	char lines[MC_KREPORT_LINES]; /* its first lines, each ending in a newline */
};

struct mc_json;

struct mc_report {
	struct mc_run_info info;
	struct mc_case_result *cases;
	int ncases;
	struct mc_clause_result *clauses; /* every clause in mc_clauses, in order */
	int nclauses;
	struct mc_arc_cell matrix[MC_NSTATES][MC_NSTATES];
	bool have_matrix;
	int exit_code;			  /* what the CLI returns for this run */
	void *owned;			  /* the runner's case set the descriptions point into */
	int counts[MC_NSTATUS];		  /* over all cases */
	const struct mc_waivers *waivers; /* applied waiver file, or NULL */
	int waived[MC_NSTATUS];		  /* waived cases by their own status (fail, warn) */
	int interrupted; /* the signal that stopped the run early, 0 = it ran to the end */
	bool published;	 /* the run's report files are the output directory's current set */
	/*
	 * The run's kernel-log reports in the order they appeared (owned by the report),
	 * when kreports_known: the kernel log was read (a report from before the list was
	 * recorded, or a run without a kernel log, has none).
	 */
	struct mc_kreport *kreports;
	int nkreports;
	int nkreports_omitted; /* reports beyond MC_KREPORTS_MAX, counted only */
	bool kreports_known;
	/*
	 * The driver's coverage (report.json `coverage`, made on the host by `migcheck
	 * coverage`, cov.h), or NULL; borrowed from the loaded document.
	 */
	const struct mc_json *coverage;
};

/*
 * Roll the case results of @rep up into rep->clauses and rep->counts; call it before
 * the reporters' end(). A NULL rep->clauses is allocated here (one entry per clause;
 * the report's owner free()s it; on ENOMEM it stays NULL with nclauses 0); a non-NULL
 * one must have room for mc_clause_count() entries.
 */
void mc_report_rollup(struct mc_report *rep);
/*
 * Recount rep->counts, rep->waived and every entry of rep->clauses (whatever clause
 * rows they point to) from the case results; mc_report_rollup() ends with it. A case
 * belongs to the entry with its clause row or, failing that, its clause ID.
 */
void mc_report_recount(struct mc_report *rep);

/*
 * Whole-run verdict of a rolled-up @rep: "interrupted" when a signal stopped it early,
 * else "fail" when any case failed (or warned under strict), else "error" when any case
 * errored, else "pass" when any case passed or warned, else "skipped". The CLI maps it
 * to an exit code; report.json records both.
 * A waived fail or warn counts as neither: it makes the verdict "pass", never "fail".
 */
const char *mc_report_verdict(const struct mc_report *rep);
/*
 * The CLI's exit code for a rolled-up @rep: fail 1, error 2, skipped 4, pass 0, and
 * 128 + the signal for an interrupted run (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
 */
int mc_report_exit_code(const struct mc_report *rep);

#endif /* MC_REPORT_H */

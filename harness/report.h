/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Results of a run and the reporter seam. A run produces one struct mc_report; every
 * output format (KTAP on stdout, report.json, junit.xml) fills one const
 * struct mc_reporter_ops. Files are written to a temporary name and renamed, so an
 * interrupted run never leaves a half report.
 */
#ifndef MC_REPORT_H
#define MC_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "model.h"

#define MC_REPORT_SCHEMA 1

enum mc_status { MC_PASS = 0, MC_SKIP, MC_WARN, MC_ERROR, MC_FAIL, MC_NSTATUS };
enum mc_level { MC_MUST = 0, MC_SHOULD, MC_INFO };

/* "pass", "fail", ...; "must", "should", "info". */
const char *mc_status_name(enum mc_status st);
const char *mc_level_name(enum mc_level lv);

/* One clause of shared/CLAUSES.md. */
struct mc_clause {
	const char *id;		/* "FSM-01" */
	const char *group;	/* "FSM" */
	enum mc_level level;
	const char *text;	/* the requirement, in our words */
};
/* The clause table (clauses.c), terminated by an entry with id == NULL. */
extern const struct mc_clause mc_clauses[];
/* Look up @id; NULL when unknown. */
const struct mc_clause *mc_clause_find(const char *id);

#define MC_DETAIL_MAX 1024
#define MC_OPLOG_MAX 2048

/* One executed case instance. */
struct mc_case_result {
	char name[128];			/* "fsm.pair:STOP->RUNNING" */
	const struct mc_clause *clause;
	const char *description;	/* from the case table; never NULL */
	enum mc_status status;
	char detail[MC_DETAIL_MAX];	/* why: errno, states, bytes; "" on a plain pass */
	char oplog[MC_OPLOG_MAX];	/* last device operations, one per line; may be "" */
	uint64_t duration_us;
};

/* The observed arc matrix (FSM-01/02), for the report. */
enum mc_cell { MC_CELL_UNTESTED = 0, MC_CELL_MATCH, MC_CELL_MISMATCH, MC_CELL_ERROR };
struct mc_arc_cell {
	enum mc_cell verdict;
	int exp_err;		/* model: 0 or -EINVAL */
	bool exp_fd;
	int obs_err;		/* device: 0 or -errno */
	bool obs_fd;
	uint32_t obs_state;	/* GET after the SET */
};

struct mc_run_info {
	const char *tool_version;	/* "0.1.0" */
	const char *tool_commit;	/* git describe at build time, or "unknown" */
	const char *device_spec;
	const char *peer_spec;		/* NULL without --peer */
	struct mc_dev_ident ident;
	uint64_t mig_flags;
	bool flags_known;		/* false when GET MIGRATION failed */
	char kernel_release[128];
	char hostname[64];
	uint64_t seed;
	bool strict;
	const char *only;		/* --only filter or NULL */
	char cmdline[1024];
	char started[32];		/* ISO 8601 UTC */
	char finished[32];
};

struct mc_clause_result {
	const struct mc_clause *clause;
	enum mc_status status;	/* rolled up: fail > error > warn > pass > skip */
	int counts[MC_NSTATUS];
};

struct mc_report {
	struct mc_run_info info;
	struct mc_case_result *cases;
	int ncases;
	struct mc_clause_result *clauses;	/* every clause in mc_clauses, in order */
	int nclauses;
	struct mc_arc_cell matrix[MC_NSTATES][MC_NSTATES];
	bool have_matrix;
	int exit_code;		/* what the CLI returns for this run */
	int counts[MC_NSTATUS];	/* over all cases */
};

/*
 * A report format. begin() is called once before the first case with the number of
 * case instances planned, result() once per finished case in order, end() once with the
 * complete report. @outdir may be NULL (stdout-only formats ignore it). All return 0 or
 * -errno; on failure they write one line to stderr naming the file and the error.
 */
struct mc_reporter_ops {
	const char *name;
	int (*begin)(void **priv, const struct mc_run_info *info, int nplanned, const char *outdir);
	int (*result)(void *priv, const struct mc_case_result *r, int index);
	int (*end)(void *priv, const struct mc_report *rep);
};

extern const struct mc_reporter_ops mc_ktap_reporter;	/* stdout, streaming */
extern const struct mc_reporter_ops mc_json_reporter;	/* <outdir>/report.json */
extern const struct mc_reporter_ops mc_junit_reporter;	/* <outdir>/junit.xml */

/* Roll the case results of @rep up into rep->clauses and rep->counts. */
void mc_report_rollup(struct mc_report *rep);

/*
 * Atomic file output: mc_atomic_open() creates "<dir>/.<name>.tmp.<pid>"; write into
 * the returned FILE; mc_atomic_commit() flushes, fsyncs and renames it over
 * "<dir>/<name>" (and closes the FILE either way). Both return 0 or -errno.
 */
FILE *mc_atomic_open(const char *dir, const char *name, char *tmppath, size_t tmplen);
int mc_atomic_commit(FILE *f, const char *tmppath, const char *dir, const char *name);

/* Write @s to @f as a JSON string literal (quotes included), escaping everything needed. */
void mc_json_str(FILE *f, const char *s);
/* Write @s to @f with XML escaping (&, <, >, ", ' and control characters). */
void mc_xml_str(FILE *f, const char *s);

#endif /* MC_REPORT_H */

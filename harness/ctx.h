/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The case context: one case instance while it runs (the device, the row and its
 * instance, the result being filled), the row-argument helpers, and the verdict API
 * through which operations, and the walker under them, report. ctx.c implements it; it is
 * the bottom of parser (cases.c) -> registry (ops.c) -> operations (op_*.c, walker.c),
 * which is why the row's type is declared here and not by the parser that fills it.
 */
#ifndef MC_CTX_H
#define MC_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_arc_cell;
struct mc_case_result;
struct mc_clause;
struct mc_dev;
struct mc_devinfo;
struct mc_op;
struct mc_watch;

/* One row of a case file (cases/README.md), as the parser (cases.h) reads it. */
struct mc_case {
	char name[64];
	const struct mc_clause *clause;
	unsigned pre; /* MC_PRE_* of cases.h */
	const struct mc_op *op;
	char args[160];	 /* "-" or op-specific key=value list, comma separated */
	char expect[64]; /* "model", "ok", an errno name, ... (op-specific) */
	char description[256];
	char where[96]; /* "cases/fsm.cases:12" */
};

/* One instance of a row: a row expands to one or more instances over its parameter. */
struct mc_param {
	uint32_t a, b;	/* meaning per expansion: (from, to), (state, -), ... */
	char label[48]; /* appended to the row name: "STOP->RUNNING" */
};

/* The context of one case instance while it runs (in the isolated child). */
struct mc_ctx {
	struct mc_dev *dev;
	const struct mc_devinfo *di;
	uint64_t flags; /* flags the model uses: di->flags & 7 */
	const struct mc_case *c;
	const struct mc_param *p;
	struct mc_case_result *res;
	struct mc_arc_cell *cell; /* matrix cell to fill (pair cases), else NULL */
	bool *cell_set;
	struct mc_watch *watch; /* the watchdog slot, for a device reopened by an op */
	const char *violated;	/* the clause the last mc_setup_violation() named */
};

/* Verdicts from inside an operation. The worst one wins; details accumulate. */
__attribute__((format(printf, 2, 3))) void mc_violation(struct mc_ctx *ctx, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void mc_harness_error(struct mc_ctx *ctx, const char *fmt,
							    ...);
__attribute__((format(printf, 2, 3))) void mc_skip(struct mc_ctx *ctx, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void mc_note(struct mc_ctx *ctx, const char *fmt, ...);
/*
 * A setup step the device got wrong in a way clause @clause forbids (RESET not giving
 * RUNNING, a SET the model allows failing, GET reporting another state, a valid stream
 * refused): the device's fault, so the case fails whatever its own clause's level, with
 * the detail "setup violates <clause>: <text>" (the text names the operation). The case's
 * own clause could not be judged past that step. ctx->violated keeps @clause.
 */
__attribute__((format(printf, 3, 4))) void
mc_setup_violation(struct mc_ctx *ctx, const char *clause, const char *fmt, ...);
/*
 * The reference stream is missing: a setup violation when the device broke the preflight's
 * save (di->stream_violates), else a harness error; @what says what needed it.
 */
void mc_no_ref_stream(struct mc_ctx *ctx, const char *what);
/* A verdict from a budget the user set (--budget): fail whatever the clause level. */
__attribute__((format(printf, 2, 3))) void mc_budget_fail(struct mc_ctx *ctx, const char *fmt, ...);

/*
 * Measurements: a single value, or the distribution of @n samples (sorted in place;
 * p50/p99 by nearest rank). At most MC_METRICS_MAX per case; extra ones are dropped.
 */
void mc_metric_value(struct mc_ctx *ctx, const char *name, const char *unit, double v);
void mc_metric_samples(struct mc_ctx *ctx, const char *name, const char *unit, double *s,
		       unsigned n);
/*
 * A sequence in the order it was taken (e.g. initial_bytes after each read): @n points,
 * at most MC_SERIES_MAX (the caller thins longer ones); its value is the last point.
 */
void mc_metric_series(struct mc_ctx *ctx, const char *name, const char *unit, const double *v,
		      unsigned n);

/* Value of key @key in a row's argument list ("a=1,b=x"), copied into @val. */
bool mc_case_arg(const struct mc_case *c, const char *key, char *val, size_t len);

/*
 * mc_case_num: the row's @key=N as a number in [@min, @max] (mc_num_parse with @flags)
 * into *@out, or @dflt when the row has no @key. -EINVAL with "KEY=V: expected a number
 * MIN..MAX" in @err (may be NULL when @errlen is 0) when V is not one. An op's check
 * hook calls it so that the table refuses the row when it loads; its run reads the same.
 */
int mc_case_num(const struct mc_case *c, const char *key, unsigned flags, uint64_t min,
		uint64_t max, uint64_t dflt, uint64_t *out, char *err, size_t errlen);

/* Load-time check of a row whose args are state=<STATE> (not ERROR) and expect '-'. */
int mc_op_state_arg_check(const struct mc_case *c, char *err, size_t len);

#endif /* MC_CTX_H */

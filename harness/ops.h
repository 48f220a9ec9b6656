/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registry of operations a case row can name (ops.c): what an operation is (name, how
 * a row expands into instances, its load-time check of the row, its run, when it runs),
 * each clause area's table of them (op_*.c), and the lookup by name the parser uses. See
 * cases/README.md for every operation's arguments.
 */
#ifndef MC_OPS_H
#define MC_OPS_H

#include <stdbool.h>
#include <stddef.h>

struct mc_case;
struct mc_ctx;

/* Parameter expansions an operation can use. */
enum mc_expand {
	MC_EXPAND_NONE = 0,    /* one instance */
	MC_EXPAND_STATE,       /* a = every supported state */
	MC_EXPAND_PAIR,	       /* (a, b) = every supported state a, every target b in 0..7 */
	MC_EXPAND_LONG_PAIR,   /* pairs whose model path has 2 arcs or more */
	MC_EXPAND_RESUME_EXIT, /* b = every supported target other than RESUMING */
	MC_EXPAND_ARC,	       /* (a, b): every base arc of the model (a one-step path) */
	MC_EXPAND_SESSION,     /* (a, b): a has a session of the row's fd= kind, b in 0..7,
				 * and the model's fate of that session is the row's fate= */
};

/* The passes in which the runner runs rows, by their operation's order (below). */
enum { MC_ORDER_NORMAL, MC_ORDER_DESTRUCTIVE, MC_ORDER_LAST, MC_ORDER_N };

struct mc_op {
	const char *name;
	enum mc_expand expand;
	/* check: validate a row's args/expect at load time; NULL accepts "-" only. */
	int (*check)(const struct mc_case *c, char *err, size_t errlen);
	void (*run)(struct mc_ctx *ctx);
	/*
	 * order: MC_ORDER_NORMAL in file order; MC_ORDER_DESTRUCTIVE after those (the
	 * device may be gone afterwards); MC_ORDER_LAST after everything (judges the run).
	 */
	int order;
	bool no_device; /* runs without opening the device (judges collected results) */
};

/* Each clause area's table, NULL-terminated, in the order the registry searches them. */
extern const struct mc_op mc_ops_feat[];   /* op_feat.c: FEAT */
extern const struct mc_op mc_ops_fsm[];	   /* op_fsm.c: FSM */
extern const struct mc_op mc_ops_err[];	   /* op_err.c: ERR */
extern const struct mc_op mc_ops_rob[];	   /* op_rob.c: ROB */
extern const struct mc_op mc_ops_pre[];	   /* op_pre.c: PRE */
extern const struct mc_op mc_ops_pre2[];   /* op_pre2.c: PRE of the 7.1 uAPI */
extern const struct mc_op mc_ops_log[];	   /* op_log.c: LOG */
extern const struct mc_op mc_ops_stream[]; /* op_stream.c: SAVE, io_equiv */
extern const struct mc_op mc_ops_resume[]; /* op_resume.c: RES */
extern const struct mc_op mc_ops_time[];   /* op_time.c: TIME */
extern const struct mc_op mc_ops_vmm[];	   /* op_vmm.c: VMM */
extern const struct mc_op mc_ops_regr[];   /* op_regr.c: REG */
extern const struct mc_op mc_ops_conc[];   /* op_conc.c: CONC and the threaded REG case */

/* The operation named @name, searched in the tables above in order; NULL when unknown. */
const struct mc_op *mc_op_find(const char *name);

#endif /* MC_OPS_H */

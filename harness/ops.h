/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operations case rows can name (registry in ops.c). Each judges one clause's
 * requirement against the reference model; see cases/README.md for their arguments.
 */
#ifndef MC_OPS_H
#define MC_OPS_H

#include "ctx.h"

/* Each clause area's table, NULL-terminated, in the order the registry searches them. */
extern const struct mc_op mc_ops_feat[];	/* op_feat.c: FEAT */
extern const struct mc_op mc_ops_fsm[];	/* op_fsm.c: FSM */
extern const struct mc_op mc_ops_err[];	/* op_err.c: ERR */
extern const struct mc_op mc_ops_rob[];	/* op_rob.c: ROB */
extern const struct mc_op mc_ops_pre[];	/* op_pre.c: PRE */
extern const struct mc_op mc_ops_pre2[];	/* op_pre2.c: PRE of the 7.1 uAPI */
extern const struct mc_op mc_ops_log[];	/* op_log.c: LOG */
extern const struct mc_op mc_ops_stream[];	/* op_stream.c: SAVE, io_equiv */
extern const struct mc_op mc_ops_resume[];	/* op_resume.c: RES */
extern const struct mc_op mc_ops_time[];	/* op_time.c: TIME */
extern const struct mc_op mc_ops_vmm[];	/* op_vmm.c: VMM */
extern const struct mc_op mc_ops_regr[];	/* op_regr.c: REG */
extern const struct mc_op mc_ops_conc[];	/* op_conc.c: CONC and the threaded REG case */

#endif /* MC_OPS_H */

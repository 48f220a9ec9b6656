/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operations case rows can name (registry in ops.c). Each judges one clause's
 * requirement against the reference model; see cases/README.md for their arguments.
 */
#ifndef MC_OPS_H
#define MC_OPS_H

#include "ctx.h"

/* FEAT */
void mc_op_mig_flags(struct mc_ctx *ctx);
int mc_op_feature_check(const struct mc_case *c, char *err, size_t len);
void mc_op_feature(struct mc_ctx *ctx);
void mc_op_data_size(struct mc_ctx *ctx);

/* FSM */
void mc_op_pair_state(struct mc_ctx *ctx);
void mc_op_pair_fd(struct mc_ctx *ctx);
void mc_op_bad_target(struct mc_ctx *ctx);
int mc_op_target_check(const struct mc_case *c, char *err, size_t len);
void mc_op_stopcopy_back(struct mc_ctx *ctx);
void mc_op_same_state(struct mc_ctx *ctx);
void mc_op_sync(struct mc_ctx *ctx);
int mc_op_failed_resume_check(const struct mc_case *c, char *err, size_t len);
void mc_op_failed_resume(struct mc_ctx *ctx);
void mc_op_failed_fault(struct mc_ctx *ctx);
void mc_op_saving_group(struct mc_ctx *ctx);
void mc_op_arc_preds(struct mc_ctx *ctx);
int mc_op_session_check(const struct mc_case *c, char *err, size_t len);
void mc_op_session_fate(struct mc_ctx *ctx);

/* ERR */
void mc_op_reset_from(struct mc_ctx *ctx);
void mc_op_error_state(struct mc_ctx *ctx);
int mc_op_recover_check(const struct mc_case *c, char *err, size_t len);
void mc_op_recover(struct mc_ctx *ctx);
void mc_op_resume_reset(struct mc_ctx *ctx);

/* ROB */
void mc_op_klog(struct mc_ctx *ctx);
void mc_op_reopen(struct mc_ctx *ctx);
void mc_op_outlive(struct mc_ctx *ctx);

/*
 * The fault cases where faults are the driver's failed allocations (op_fault.c; the
 * device offers MC_FAULT_ALLOC_NTH, not the arc kinds).
 */
void mc_op_failed_fault_alloc(struct mc_ctx *ctx);
/*
 * Fail SET @from->@to on the first of the driver's allocation points that makes it fail
 * (the device left as that SET left it; *@set_rc its result): 1. 0 when none does (a skip
 * recorded), -errno on trouble (recorded).
 */
int mc_fault_fail_set(struct mc_ctx *ctx, uint32_t from, uint32_t to, int *set_rc);
/*
 * Leave the device in ERROR through a failed allocation of the driver on some arc: 1
 * (*@set_rc: the failed SET's result). 0 when no failure leads there (a skip saying so
 * recorded), -errno on trouble (recorded).
 */
int mc_fault_into_error(struct mc_ctx *ctx, int *set_rc);

/* Tables of the areas that keep their operations in their own file (NULL-terminated). */
extern const struct mc_op mc_ops_pre[];	/* op_pre.c: PRE */
extern const struct mc_op mc_ops_pre2[];	/* op_pre2.c: PRE of the 7.1 uAPI */
extern const struct mc_op mc_ops_log[];	/* op_log.c: LOG */
extern const struct mc_op mc_ops_stream[];	/* op_stream.c: SAVE, io_equiv */
extern const struct mc_op mc_ops_resume[];	/* op_resume.c: RES */
extern const struct mc_op mc_ops_time[];	/* op_time.c: TIME */
extern const struct mc_op mc_ops_vmm[];	/* op_vmm.c: VMM */
extern const struct mc_op mc_ops_regr[];	/* op_regr.c: REG */
extern const struct mc_op mc_ops_conc[];	/* op_conc.c: CONC and the threaded REG case */

/* Helpers shared by operations. */
/* After @what went wrong or right, check that reset gives RUNNING and a full migration
 * (save in STOP_COPY, resume, RESUMING->STOP->RUNNING) works; violations are recorded. */
void mc_check_full_migration(struct mc_ctx *ctx, const char *after);
/* Check that save fd @fd delivers nothing more (read gives 0 or an error). */
void mc_check_save_fd_dead(struct mc_ctx *ctx, int fd, const char *after);
/*
 * op_log.c: VFIO_DEVICE_FEATURE @flags (a DMA logging feature) with @plen payload bytes
 * (at most 56) from @payload, written back into it; the ioctl's result.
 */
int mc_log_feature(struct mc_dev *dev, uint32_t flags, void *payload, size_t plen);
/* Check that resume fd @fd refuses a write. */
void mc_check_resume_fd_dead(struct mc_ctx *ctx, int fd, const char *after);

#endif /* MC_OPS_H */

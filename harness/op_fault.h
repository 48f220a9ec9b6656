/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fault cases where faults are the driver's failed allocations (op_fault.c; the device
 * offers MC_FAULT_ALLOC_NTH, not the arc kinds), for the FSM and ERR operations that take
 * that path on such a device.
 */
#ifndef MC_OP_FAULT_H
#define MC_OP_FAULT_H

#include <stdint.h>

struct mc_ctx;

/* FSM's failed_fault on a device whose faults are failed allocations. */
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

#endif /* MC_OP_FAULT_H */

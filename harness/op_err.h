/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checks of op_err.c other clause areas reuse after they have made a device fail or
 * recover (FSM, REG, RES, ROB, CONC): old session fds are dead, and a reset device still
 * migrates whole. Verdicts go to the case through its context.
 */
#ifndef MC_OP_ERR_H
#define MC_OP_ERR_H

struct mc_ctx;

/* After @what went wrong or right, check that reset gives RUNNING and a full migration
 * (save in STOP_COPY, resume, RESUMING->STOP->RUNNING) works; violations are recorded. */
void mc_check_full_migration(struct mc_ctx *ctx, const char *after);
/* Check that save fd @fd delivers nothing more (read gives 0 or an error). */
void mc_check_save_fd_dead(struct mc_ctx *ctx, int fd, const char *after);
/* Check that resume fd @fd refuses a write. */
void mc_check_resume_fd_dead(struct mc_ctx *ctx, int fd, const char *after);

#endif /* MC_OP_ERR_H */

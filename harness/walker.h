/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The walker: bring a device to any supported state along the model's path one base
 * arc at a time (writing a valid stream before leaving RESUMING), probe one SET against
 * the model, and move whole streams. Shared by the FSM/ERR operations and `walk`.
 */
#ifndef MC_WALKER_H
#define MC_WALKER_H

#include "ctx.h"

/*
 * mc_reach: reset, then walk RUNNING -> @state one base arc per SET. *@fd receives the
 * session fd open in @state (saving group or RESUMING) or -1. On failure records a
 * setup violation (or a harness error) naming the step and returns -errno (fds closed).
 */
int mc_reach(struct mc_ctx *ctx, uint32_t state, int *fd);

/*
 * mc_write_stream: before a SET that leaves RESUMING, write the reference stream
 * to @fd. Returns 0 or -errno (a setup violation or harness error recorded).
 */
int mc_write_stream(struct mc_ctx *ctx, int fd);

/* One observed SET. */
struct mc_obs {
	int rc;	 /* 0 or -errno */
	bool fd; /* a data_fd was returned (it is closed by the probe) */
	int get_rc;
	uint32_t state; /* GET afterwards (valid when get_rc == 0) */
};

/*
 * mc_probe: with the device in @from and @session_fd its session (or -1), SET @to and
 * GET. When @from is RESUMING and @to is not, the reference stream is written first.
 * A returned data fd is closed. Returns 0, or -errno when the harness could not probe.
 */
int mc_probe(struct mc_ctx *ctx, uint32_t from, uint32_t to, int session_fd, struct mc_obs *o);

/*
 * mc_obs_judge: compare @o with the model for SET @from -> @to. Writes what differs into
 * @why (state and errno with @check_state, data_fd with @check_fd) and returns true on a
 * match of the requested aspects.
 */
bool mc_obs_judge(uint64_t flags, uint32_t from, uint32_t to, const struct mc_obs *o,
		  bool check_state, bool check_fd, char *why, size_t len);

/*
 * mc_save_stream: reset, reach STOP_COPY and read the whole stream with @chunk-byte reads
 * (malloc'd into *@buf). Returns the length or -errno (setup violation recorded).
 */
ssize_t mc_save_stream(struct mc_ctx *ctx, size_t chunk, uint8_t **buf);

/*
 * mc_resume_check: reset, reach RESUMING, write @len bytes of @buf, SET STOP. Returns the
 * SET's result (0 or -errno) or a harness failure as -errno with *@harness set.
 */
int mc_resume_check(struct mc_ctx *ctx, const uint8_t *buf, size_t len, bool *harness);

#endif /* MC_WALKER_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Steps shared by the stream operations (op_stream.c: SAVE and the shared steps;
 * op_resume.c: RES). Internal to those two files.
 */
#ifndef MC_OP_STREAM_H
#define MC_OP_STREAM_H

#include "ctx.h"
#include "stream.h"

#define ST_STOP VFIO_DEVICE_STATE_STOP
#define ST_STOP_COPY VFIO_DEVICE_STATE_STOP_COPY
#define ST_RESUMING VFIO_DEVICE_STATE_RESUMING
#define ST_PRE_COPY VFIO_DEVICE_STATE_PRE_COPY
#define ST_RUNNING VFIO_DEVICE_STATE_RUNNING

/* One resume attempt and what the device did with it. */
struct mc_attempt {
	struct mc_resume_result rr;
	int write_rc;	/* mc_stream_resume's result */
	int stop_rc;	/* SET RESUMING->STOP */
	uint32_t state; /* GET after the SET (valid when get_rc == 0) */
	int get_rc;
};

/* The sample offsets and damage of the RES cases: xorshift64, seeded from --seed. */
void mc_xorshift64(uint64_t *x);
/* The run's I/O options (--io) for a transfer with plan @p. */
void mc_run_io_opts(const struct mc_ctx *ctx, struct mc_io_opts *o, const struct mc_plan *p);
/* The plan named by the row's plan= argument ("one" when absent). */
int mc_case_plan(const struct mc_case *c, struct mc_plan *p, char *err, size_t len);
/* Row checks: a valid plan=; no args at all; @key one of @ok (NULL-terminated). */
int mc_check_plan_arg(const struct mc_case *c, char *err, size_t len);
#define MC_SPLITS_MAX 65536 /* splits=N: split points tried, at most */
int mc_check_no_args(const struct mc_case *c, char *err, size_t len);
int mc_check_arg_one_of(const struct mc_case *c, const char *key, const char *const *ok, char *err,
			size_t len);
const char *mc_plan_text(const struct mc_plan *p, char *buf, size_t len);
/* The reference stream (from --peer, or saved before the cases ran); false: recorded. */
bool mc_reference_stream(struct mc_ctx *ctx, struct mc_stream *s);
/*
 * Reach RESUMING, write [@off, @off+@len) of @s with @p (@cont: go on writing after a
 * failed write), SET STOP, GET. Returns 0 or -errno when the harness could not set up
 * (recorded).
 */
int mc_resume_attempt(struct mc_ctx *ctx, const struct mc_stream *s, uint64_t off, uint64_t len,
		      const struct mc_plan *p, bool cont, struct mc_attempt *a);
/* After a resume the device accepted: GET works, the regions work, it can run. */
void mc_check_accepted_usable(struct mc_ctx *ctx, const struct mc_attempt *a, const char *what);
/* A whole valid stream: every byte acknowledged, RESUMING->STOP accepted, usable. */
bool mc_judge_resume_valid(struct mc_ctx *ctx, const struct mc_attempt *a, uint64_t len,
			   const char *what);
/* Acknowledged bytes that are not a complete valid stream: RESUMING->STOP must fail. */
bool mc_judge_resume_refused(struct mc_ctx *ctx, const struct mc_attempt *a, uint64_t offered,
			     const char *what);

#endif /* MC_OP_STREAM_H */

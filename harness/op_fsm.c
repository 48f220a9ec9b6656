// SPDX-License-Identifier: GPL-2.0-only
/*
 * FSM operations: every (from, to) pair against the model (state and data_fd), bad
 * targets, the forbidden STOP_COPY->PRE_COPY arcs, same-state SETs, synchronous
 * transitions, where a failed SET may leave the device, the saving group, and every
 * predecessor of every arc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "op_err.h"
#include "op_fault.h"
#include "ops.h"
#include "report.h"
#include "runopts.h"
#include "walker.h"

#define READ_CHUNK 4096

static void pair(struct mc_ctx *ctx, bool check_state, bool check_fd)
{
	uint32_t from = ctx->p->a, to = ctx->p->b;
	struct mc_obs o;
	struct mc_expect e;
	char why[512];
	int fd;

	if (mc_reach(ctx, from, &fd))
		goto out_cell;
	if (mc_probe(ctx, from, to, fd, &o))
		goto out_close_fd;
	if (!mc_obs_judge(ctx->flags, from, to, &o, check_state, check_fd, why, sizeof(why)))
		mc_violation(ctx, "%s", why);
	if (ctx->cell) {
		mc_model_expect(ctx->flags, from, to, &e);
		*ctx->cell = (struct mc_arc_cell){
			.verdict = mc_obs_judge(ctx->flags, from, to, &o, true, true, why,
						sizeof(why)) ?
					   MC_CELL_MATCH :
					   MC_CELL_MISMATCH,
			.exp_err = e.err,
			.exp_fd = e.new_fd,
			.obs_err = o.rc,
			.obs_fd = o.fd,
			.obs_state = o.get_rc ? ~0u : o.state,
		};
		*ctx->cell_set = true;
	}
out_close_fd:
	mc_data_close(ctx->dev, fd);
	return;
out_cell:
	if (ctx->cell) {
		ctx->cell->verdict = MC_CELL_ERROR;
		*ctx->cell_set = true;
	}
}

static void op_pair_state(struct mc_ctx *ctx)
{
	pair(ctx, true, false);
}

static void op_pair_fd(struct mc_ctx *ctx)
{
	pair(ctx, false, true);
}

static void op_bad_target(struct mc_ctx *ctx)
{
	uint32_t targets[16], from = ctx->p->a;
	int nt = 0, fd;

	targets[nt++] = VFIO_DEVICE_STATE_ERROR;
	for (uint32_t s = 1; s < MC_NSTATES; s++)
		if (!mc_model_supported(ctx->flags, s))
			targets[nt++] = s;
	targets[nt++] = VFIO_DEVICE_STATE_NR;
	targets[nt++] = VFIO_DEVICE_STATE_NR + 1;
	targets[nt++] = 0x80000000u;
	targets[nt++] = 0xffffffffu;
	if (mc_reach(ctx, from, &fd))
		return;
	for (int i = 0; i < nt; i++) {
		struct mc_obs o;
		char why[512];

		if (mc_probe(ctx, from, targets[i], -1, &o))
			break;
		if (!mc_obs_judge(ctx->flags, from, targets[i], &o, true, true, why, sizeof(why))) {
			mc_violation(ctx, "%s", why);
			break; /* the device has moved; later targets would start elsewhere */
		}
	}
	mc_data_close(ctx->dev, fd);
}

static int check_target(const struct mc_case *c, char *err, size_t len)
{
	char v[32];
	int64_t s;

	if (!mc_case_arg(c, "target", v, sizeof(v)) || (s = mc_state_parse(v)) < 0 ||
	    s >= MC_NSTATES || strcmp(c->expect, "model")) {
		snprintf(err, len, "args need target=<state name>, expect 'model'");
		return -EINVAL;
	}
	return 0;
}

/* Read @fd to end of stream after @have bytes already in *@buf (malloc'd, may grow). */
static ssize_t read_rest(struct mc_ctx *ctx, int fd, uint8_t **buf, size_t have)
{
	uint8_t *rest;
	ssize_t n = mc_read_all(ctx->dev, fd, READ_CHUNK, 1ull << 32, &rest, NULL);
	uint8_t *joined;

	if (n < 0)
		return n;
	joined = realloc(*buf, have + (size_t)n + 1);
	if (!joined) {
		free(rest);
		return -ENOMEM;
	}
	memcpy(joined + have, rest, (size_t)n);
	free(rest);
	*buf = joined;
	return (ssize_t)have + n;
}

/* Resume @buf into the device and record a violation when the device refuses it. */
static void expect_resumes(struct mc_ctx *ctx, const uint8_t *buf, size_t len, const char *what)
{
	bool harness;
	int rc = mc_resume_check(ctx, buf, len, &harness);

	if (rc && !harness)
		mc_violation(ctx, "the %zu-byte stream %s did not resume: %s", len, what,
			     mc_errno_name(rc));
}

static void op_stopcopy_back(struct mc_ctx *ctx)
{
	char v[32];
	uint32_t target, st;
	uint8_t *buf = malloc(16);
	ssize_t n = 0, total;
	int fd, rc;

	mc_case_arg(ctx->c, "target", v, sizeof(v));
	target = (uint32_t)mc_state_parse(v);
	if (!buf || mc_reach(ctx, VFIO_DEVICE_STATE_STOP_COPY, &fd)) {
		free(buf);
		return;
	}
	n = mc_data_read(ctx->dev, fd, buf, 16);
	if (n < 0) {
		mc_setup_violation(ctx, "SAVE-01", "first read in STOP_COPY failed: %s",
				   mc_errno_name((int)n));
		goto out_close_fd;
	}
	rc = mc_set_state(ctx->dev, target, NULL);
	if (rc != -EINVAL)
		mc_violation(ctx, "SET STOP_COPY->%s returned %s, must be EINVAL",
			     mc_state_name(target), mc_errno_name(rc));
	rc = mc_get_state(ctx->dev, &st);
	if (rc || st != VFIO_DEVICE_STATE_STOP_COPY) {
		mc_violation(ctx, "after the refused SET, GET gives %s (%s), must stay STOP_COPY",
			     rc ? "-" : mc_state_name(st), mc_errno_name(rc));
		goto out_close_fd;
	}
	total = read_rest(ctx, fd, &buf, (size_t)n);
	if (total < 0) {
		mc_violation(ctx, "the session broke after the refused SET: read gave %s",
			     mc_errno_name((int)total));
		goto out_close_fd;
	}
	mc_data_close(ctx->dev, fd);
	fd = -1;
	expect_resumes(ctx, buf, (size_t)total, "read across the refused SET");
out_close_fd:
	mc_data_close(ctx->dev, fd);
	free(buf);
}

/*
 * The session open in @state must still work after a same-state SET. Consumes *@fd
 * (closed and set to -1 when the check needs it closed).
 */
static void session_still_works(struct mc_ctx *ctx, uint32_t state, int *fd)
{
	uint8_t *buf = NULL;
	ssize_t n;
	int rc;

	if (state == VFIO_DEVICE_STATE_RESUMING) {
		if (mc_write_stream(ctx, *fd))
			return;
		rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL);
		if (rc)
			mc_violation(ctx,
				     "after the same-state SET the resume session no longer "
				     "completes: RESUMING->STOP gave %s",
				     mc_errno_name(rc));
		return;
	}
	if (state != VFIO_DEVICE_STATE_STOP_COPY) {
		uint8_t b[READ_CHUNK];

		n = mc_data_read(ctx->dev, *fd, b, sizeof(b));
		if (n < 0 && n != -ENOMSG)
			mc_violation(ctx,
				     "after the same-state SET the save fd fails: read gave %s",
				     mc_errno_name((int)n));
		return;
	}
	n = read_rest(ctx, *fd, &buf, 0);
	mc_data_close(ctx->dev, *fd);
	*fd = -1;
	if (n < 0)
		mc_violation(ctx, "after the same-state SET the save fd fails: read gave %s",
			     mc_errno_name((int)n));
	else
		expect_resumes(ctx, buf, (size_t)n, "saved across a same-state SET");
	free(buf);
}

static void op_same_state(struct mc_ctx *ctx)
{
	uint32_t s = ctx->p->a;
	struct mc_obs o = { 0 };
	char why[512];
	int fd, nfd = -1;

	if (mc_reach(ctx, s, &fd))
		return;
	o.rc = mc_set_state(ctx->dev, s, &nfd);
	o.fd = nfd >= 0;
	mc_data_close(ctx->dev, nfd);
	o.get_rc = mc_get_state(ctx->dev, &o.state);
	if (!mc_obs_judge(ctx->flags, s, s, &o, true, true, why, sizeof(why)))
		mc_violation(ctx, "%s", why);
	else if (fd >= 0)
		session_still_works(ctx, s, &fd);
	mc_data_close(ctx->dev, fd);
}

static void op_sync(struct mc_ctx *ctx)
{
	static const struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	uint32_t s = ctx->p->a, st;
	int fd;

	if (mc_reach(ctx, s, &fd))
		return;
	for (int i = 0; i < 6; i++) {
		int rc;

		if (i == 3)
			nanosleep(&pause, NULL); /* the device must not move by itself */
		rc = mc_get_state(ctx->dev, &st);
		if (rc || st != s) {
			mc_violation(ctx, "GET #%d%s after reaching %s gave %s (%s)", i + 1,
				     i >= 3 ? " (after a 20 ms pause)" : "", mc_state_name(s),
				     rc ? "-" : mc_state_name(st), mc_errno_name(rc));
			break;
		}
	}
	mc_data_close(ctx->dev, fd);
}

/* Is @st allowed after a failed SET along @path (n arcs): a state before the target or ERROR. */
static bool allowed_after_failure(uint32_t st, const uint32_t *path, int n)
{
	if (st == VFIO_DEVICE_STATE_ERROR)
		return true;
	for (int i = 0; i < n; i++)
		if (path[i] == st)
			return true;
	return false;
}

static void judge_failed_set(struct mc_ctx *ctx, uint32_t from, uint32_t to, int rc)
{
	uint32_t path[MC_MAX_PATH], st;
	int n = mc_model_path(ctx->flags, from, to, path);
	int grc = mc_get_state(ctx->dev, &st);

	if (grc) {
		mc_violation(ctx, "after the failed SET %s->%s (%s), GET failed: %s",
			     mc_state_name(from), mc_state_name(to), mc_errno_name(rc),
			     mc_errno_name(grc));
		return;
	}
	if (!allowed_after_failure(st, path, n))
		mc_violation(ctx,
			     "after the failed SET %s->%s (%s) GET reports %s: neither the "
			     "original state, a state on the path, nor ERROR",
			     mc_state_name(from), mc_state_name(to), mc_errno_name(rc),
			     mc_state_name(st));
	else
		mc_note(ctx, "failed SET %s->%s (%s) left %s", mc_state_name(from),
			mc_state_name(to), mc_errno_name(rc), mc_state_name(st));
}

static int check_failed_resume(const struct mc_case *c, char *err, size_t len)
{
	char v[32];

	if (!mc_case_arg(c, "data", v, sizeof(v)) ||
	    (strcmp(v, "empty") && strcmp(v, "truncated") && strcmp(v, "corrupt")) ||
	    strcmp(c->expect, "model")) {
		snprintf(err, len, "args need data=empty|truncated|corrupt, expect 'model'");
		return -EINVAL;
	}
	return 0;
}

static void op_failed_resume(struct mc_ctx *ctx)
{
	uint32_t to = ctx->p->b;
	size_t len = ctx->di->stream_len;
	uint8_t *bad;
	char v[32];
	int fd, rc;

	mc_case_arg(ctx->c, "data", v, sizeof(v));
	if (!len) {
		mc_no_ref_stream(ctx, "to damage");
		return;
	}
	bad = malloc(len);
	if (!bad || mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, &fd)) {
		free(bad);
		return;
	}
	memcpy(bad, ctx->di->stream, len);
	if (!strcmp(v, "empty"))
		len = 0;
	else if (!strcmp(v, "truncated"))
		len /= 2;
	else
		for (size_t i = 0; i < len && i < 16; i++)
			bad[i] ^= 0xff; /* a stream whose header is garbage */
	/* Write what the device takes; a refused write is fine, the SET below must fail. */
	if (len)
		mc_write_all(ctx->dev, fd, bad, len, len);
	rc = mc_set_state(ctx->dev, to, NULL);
	if (!rc)
		mc_skip(ctx,
			"the device accepted a %s stream and left RESUMING (judged by RES-03/04); "
			"nothing failed here",
			v);
	else
		judge_failed_set(ctx, VFIO_DEVICE_STATE_RESUMING, to, rc);
	mc_data_close(ctx->dev, fd);
	free(bad);
}

/*
 * SET from->to succeeded although a fault was armed on the last arc (@last -> to) of the
 * model's path. The backend says whether that arc was taken (@pending 1: never). Not taken
 * and not at @to: the device reported success one arc or more short, its fault (FSM-01);
 * at @to by another way: nothing failed to judge; taken yet no failure: the fault
 * injection itself failed, the harness's trouble.
 */
static void fault_not_failed(struct mc_ctx *ctx, uint32_t last, int pending)
{
	uint32_t from = ctx->p->a, to = ctx->p->b, st;
	int rc;

	if (pending != 1) {
		mc_harness_error(ctx, "the injected fault on %s->%s %s, yet SET %s->%s succeeded",
				 mc_state_name(last), mc_state_name(to),
				 pending ? "is in an unknown state" : "fired", mc_state_name(from),
				 mc_state_name(to));
		return;
	}
	rc = mc_get_state(ctx->dev, &st);
	if (rc || st != to)
		mc_setup_violation(ctx, "FSM-01",
				   "SET %s->%s (to fail on its last arc %s->%s) "
				   "returned 0 without taking that arc, then GET %s %s",
				   mc_state_name(from), mc_state_name(to), mc_state_name(last),
				   mc_state_name(to), rc ? "failed:" : "reported",
				   rc ? mc_errno_name(rc) : mc_state_name(st));
	else
		mc_skip(ctx,
			"SET %s->%s reached %s without the arc %s->%s of the model's path, "
			"where the fault was armed; nothing failed here",
			mc_state_name(from), mc_state_name(to), mc_state_name(to),
			mc_state_name(last), mc_state_name(to));
}

static void op_failed_fault(struct mc_ctx *ctx)
{
	uint32_t from = ctx->p->a, to = ctx->p->b, path[MC_MAX_PATH];
	int n = mc_model_path(ctx->flags, from, to, path);
	int fd, rc, pending;

	if (!(ctx->di->fault_kinds & MC_FAULT_BIT(MC_FAULT_ARC_FAIL))) {
		mc_op_failed_fault_alloc(ctx); /* the driver's own failures */
		return;
	}
	if (mc_reach(ctx, from, &fd))
		return;
	/* Fail the last arc: every earlier step succeeded, so the device is mid-path. */
	rc = mc_fault(ctx->dev, MC_FAULT_ARC_FAIL, path[n - 1] << 8 | path[n]);
	if (rc) {
		mc_harness_error(ctx, "arming the fault on %s->%s: %s", mc_state_name(path[n - 1]),
				 mc_state_name(path[n]), mc_errno_name(rc));
		goto out_close_fd;
	}
	if (from == VFIO_DEVICE_STATE_RESUMING && mc_write_stream(ctx, fd))
		goto out_close_fd;
	rc = mc_set_state(ctx->dev, to, NULL);
	pending = mc_fault(ctx->dev, MC_FAULT_NONE, 0);
	if (rc)
		judge_failed_set(ctx, from, to, rc);
	else
		fault_not_failed(ctx, path[n - 1], pending);
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

/* Read once from a pre-copy session into *@buf at *@len (growing it); ENOMSG is fine. */
static int precopy_read(struct mc_ctx *ctx, int fd, uint8_t **buf, size_t *len)
{
	uint8_t *grown = realloc(*buf, *len + READ_CHUNK);
	ssize_t n;

	if (!grown)
		return -ENOMEM;
	*buf = grown;
	n = mc_data_read(ctx->dev, fd, *buf + *len, READ_CHUNK);
	if (n == -ENOMSG)
		return 0;
	if (n < 0)
		return (int)n;
	*len += (size_t)n;
	return 0;
}

static void op_saving_group(struct mc_ctx *ctx)
{
	bool p2p = ctx->flags & VFIO_MIGRATION_P2P;
	uint32_t steps[2] = { p2p ? VFIO_DEVICE_STATE_PRE_COPY_P2P : VFIO_DEVICE_STATE_STOP_COPY,
			      VFIO_DEVICE_STATE_STOP_COPY };
	uint8_t *buf = NULL;
	size_t len = 0;
	ssize_t total;
	int fd, rc;

	if (mc_reach(ctx, VFIO_DEVICE_STATE_PRE_COPY, &fd))
		return;
	rc = precopy_read(ctx, fd, &buf, &len);
	for (int i = 0; !rc && i < (p2p ? 2 : 1); i++) {
		int nfd = -1;

		rc = mc_set_state(ctx->dev, steps[i], &nfd);
		if (rc) {
			mc_violation(ctx, "SET %s inside the saving group failed: %s",
				     mc_state_name(steps[i]), mc_errno_name(rc));
			goto out_free;
		}
		if (nfd >= 0) {
			mc_violation(ctx, "SET %s inside the saving group returned a new data_fd",
				     mc_state_name(steps[i]));
			mc_data_close(ctx->dev, nfd);
		}
		if (steps[i] != VFIO_DEVICE_STATE_STOP_COPY)
			rc = precopy_read(ctx, fd, &buf, &len);
	}
	if (rc) {
		mc_violation(ctx, "the session's fd failed inside the saving group: %s",
			     mc_errno_name(rc));
		goto out_free;
	}
	total = read_rest(ctx, fd, &buf, len);
	mc_data_close(ctx->dev, fd);
	fd = -1;
	if (total < 0)
		mc_violation(ctx, "reading the rest in STOP_COPY failed: %s",
			     mc_errno_name((int)total));
	else
		expect_resumes(ctx, buf, (size_t)total, "read across PRE_COPY and STOP_COPY");
out_free:
	mc_data_close(ctx->dev, fd);
	free(buf);
}

static void op_arc_preds(struct mc_ctx *ctx)
{
	uint32_t from = ctx->p->a, to = ctx->p->b;
	int tried = 0;

	/* Predecessor RUNNING-after-reset is p == from's own reach; then every state p. */
	for (uint32_t p = 1; p < MC_NSTATES; p++) {
		uint32_t path[MC_MAX_PATH];
		struct mc_obs o;
		char why[512];
		int fd, nfd = -1, rc;

		if (p == from || !mc_model_supported(ctx->flags, p) ||
		    mc_model_path(ctx->flags, p, from, path) < 0)
			continue;
		if (mc_reach(ctx, p, &fd))
			return;
		if (p == VFIO_DEVICE_STATE_RESUMING && mc_write_stream(ctx, fd)) {
			mc_data_close(ctx->dev, fd);
			return;
		}
		rc = mc_set_state(ctx->dev, from, &nfd);
		if (rc) {
			mc_setup_violation(ctx, "FSM-01",
					   "SET %s->%s, which the model allows, "
					   "failed: %s",
					   mc_state_name(p), mc_state_name(from),
					   mc_errno_name(rc));
			mc_data_close(ctx->dev, fd);
			return;
		}
		if (nfd >= 0) {
			mc_data_close(ctx->dev, fd);
			fd = nfd;
		} else if (!(mc_model_saving(p) && mc_model_saving(from))) {
			mc_data_close(ctx->dev, fd);
			fd = -1;
		}
		rc = mc_probe(ctx, from, to, fd, &o);
		mc_data_close(ctx->dev, fd);
		if (rc)
			return;
		tried++;
		if (!mc_obs_judge(ctx->flags, from, to, &o, true, true, why, sizeof(why)))
			mc_violation(ctx, "reached %s from %s: %s", mc_state_name(from),
				     mc_state_name(p), why);
	}
	if (!tried)
		mc_note(ctx, "no predecessor other than reset reaches %s", mc_state_name(from));
}

static int check_session(const struct mc_case *c, char *err, size_t len)
{
	char fd[16], fate[16];

	if (mc_case_arg(c, "fd", fd, sizeof(fd)) && mc_case_arg(c, "fate", fate, sizeof(fate)) &&
	    (!strcmp(fd, "save") || !strcmp(fd, "resume")) &&
	    (!strcmp(fate, "ended") || !strcmp(fate, "kept")) && !strcmp(c->expect, "model"))
		return 0;
	snprintf(err, len, "args need fd=save|resume,fate=ended|kept, expect 'model'");
	return -EINVAL;
}

/*
 * What a SET does to the session open in its start state: an ended session's fd delivers
 * nothing (save) or refuses writes (resume); a kept one goes on delivering.
 */
static void op_session_fate(struct mc_ctx *ctx)
{
	uint32_t from = ctx->p->a, to = ctx->p->b;
	struct mc_expect e;
	char after[64];
	struct mc_obs o;
	int fd;

	mc_model_expect(ctx->flags, from, to, &e);
	if (mc_reach(ctx, from, &fd))
		return;
	/* Leaving RESUMING validates: write the stream first (the probe does). */
	if (mc_probe(ctx, from, to, fd, &o))
		goto out_close_fd;
	if (o.rc != e.err) {
		mc_skip(ctx, "SET %s->%s gave %s, not the model's %s (judged by FSM-01)",
			mc_state_name(from), mc_state_name(to), mc_errno_name(o.rc),
			mc_errno_name(e.err));
		goto out_close_fd;
	}
	snprintf(after, sizeof(after), "SET %s->%s", mc_state_name(from), mc_state_name(to));
	if (e.old_session == MC_SESSION_ENDED) {
		if (from == VFIO_DEVICE_STATE_RESUMING)
			mc_check_resume_fd_dead(ctx, fd, after);
		else
			mc_check_save_fd_dead(ctx, fd, after);
	} else if (from != VFIO_DEVICE_STATE_RESUMING) {
		uint8_t b[READ_CHUNK];
		ssize_t n = mc_data_read(ctx->dev, fd, b, sizeof(b));

		if (n < 0 && n != -ENOMSG)
			mc_violation(ctx, "after %s the session's fd must go on, but read gave %s",
				     after, mc_errno_name((int)n));
		else if (n == 0 && (to == VFIO_DEVICE_STATE_STOP_COPY || from == to) &&
			 e.state_after == VFIO_DEVICE_STATE_STOP_COPY)
			mc_violation(ctx,
				     "after %s the save fd is at end of stream before any "
				     "STOP_COPY data was read",
				     after);
	}
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

const struct mc_op mc_ops_fsm[] = {
	{ .name = "pair_state", .expand = MC_EXPAND_PAIR, .run = op_pair_state },
	{ .name = "pair_fd", .expand = MC_EXPAND_PAIR, .run = op_pair_fd },
	{ .name = "bad_target", .expand = MC_EXPAND_STATE, .run = op_bad_target },
	{ .name = "stopcopy_back", .check = check_target, .run = op_stopcopy_back },
	{ .name = "same_state", .expand = MC_EXPAND_STATE, .run = op_same_state },
	{ .name = "sync", .expand = MC_EXPAND_STATE, .run = op_sync },
	{ .name = "failed_resume",
	  .expand = MC_EXPAND_RESUME_EXIT,
	  .check = check_failed_resume,
	  .run = op_failed_resume },
	{ .name = "failed_fault", .expand = MC_EXPAND_LONG_PAIR, .run = op_failed_fault },
	{ .name = "saving_group", .run = op_saving_group },
	{ .name = "arc_preds", .expand = MC_EXPAND_PAIR, .run = op_arc_preds },
	{ .name = "session_fate",
	  .expand = MC_EXPAND_SESSION,
	  .check = check_session,
	  .run = op_session_fate },
	{ .name = NULL },
};

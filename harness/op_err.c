// SPDX-License-Identifier: GPL-2.0-only
/*
 * ERR operations: reset from every state ends sessions and gives RUNNING; ERROR holds
 * until reset; recovery after each kind of failed SET; a RESUMING session aborted by
 * reset. Also the full-migration and dead-fd checks other groups reuse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void mc_check_save_fd_dead(struct mc_ctx *ctx, int fd, const char *after)
{
	uint8_t b[256];
	ssize_t n = mc_data_read(ctx->dev, fd, b, sizeof(b));

	if (n > 0)
		mc_violation(ctx, "after %s the old save fd still delivered %zd bytes", after, n);
	else if (n == -ENOMSG)
		mc_violation(ctx,
			     "after %s the old save fd still answers ENOMSG (a live pre-copy "
			     "session), not end of stream or an error",
			     after);
}

void mc_check_resume_fd_dead(struct mc_ctx *ctx, int fd, const char *after)
{
	uint8_t b = ctx->di->stream_len ? ctx->di->stream[0] : 0;
	ssize_t n = mc_data_write(ctx->dev, fd, &b, 1);

	if (n >= 0)
		mc_violation(ctx, "after %s the old resume fd still accepted a write (%zd)", after,
			     n);
}

void mc_check_full_migration(struct mc_ctx *ctx, const char *after)
{
	uint8_t *buf;
	bool harness;
	ssize_t n;
	uint32_t st;
	int rc;

	n = mc_save_stream(ctx, 4096, &buf);
	if (n < 0) {
		mc_violation(ctx, "after %s a save in STOP_COPY failed: %s", after,
			     mc_errno_name((int)n));
		return;
	}
	rc = mc_resume_check(ctx, buf, (size_t)n, &harness);
	free(buf);
	if (rc) {
		if (!harness)
			mc_violation(ctx, "after %s the device refused its own %zd-byte stream: %s",
				     after, n, mc_errno_name(rc));
		return;
	}
	rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_RUNNING, NULL);
	if (!rc)
		rc = mc_get_state(ctx->dev, &st);
	if (rc || st != VFIO_DEVICE_STATE_RUNNING)
		mc_violation(ctx, "after %s and a migration, SET RUNNING gave %s, GET %s", after,
			     mc_errno_name(rc), rc ? "-" : mc_state_name(st));
}

/* RESET must return 0 and leave RUNNING. */
static bool reset_gives_running(struct mc_ctx *ctx, const char *from)
{
	uint32_t st;
	int rc = mc_reset(ctx->dev);

	if (rc) {
		mc_violation(ctx, "RESET from %s failed: %s", from, mc_errno_name(rc));
		return false;
	}
	rc = mc_get_state(ctx->dev, &st);
	if (rc || st != VFIO_DEVICE_STATE_RUNNING) {
		mc_violation(ctx, "after RESET from %s GET gives %s (%s), not RUNNING", from,
			     rc ? "-" : mc_state_name(st), mc_errno_name(rc));
		return false;
	}
	return true;
}

static void op_reset_from(struct mc_ctx *ctx)
{
	uint32_t s = ctx->p->a;
	char what[64];
	int fd;

	if (mc_reach(ctx, s, &fd))
		return;
	snprintf(what, sizeof(what), "RESET from %s", mc_state_name(s));
	if (reset_gives_running(ctx, mc_state_name(s)) && fd >= 0) {
		if (s == VFIO_DEVICE_STATE_RESUMING)
			mc_check_resume_fd_dead(ctx, fd, what);
		else
			mc_check_save_fd_dead(ctx, fd, what);
	}
	mc_data_close(ctx->dev, fd);
}

static void op_error_state(struct mc_ctx *ctx)
{
	uint32_t path[MC_MAX_PATH], st;
	int rc;

	if (!(ctx->di->fault_kinds & MC_FAULT_BIT(MC_FAULT_ARC_ERROR))) {
		if (mc_fault_into_error(ctx, &(int){ 0 }) != 1)
			return; /* none leads there (skip), or trouble: recorded */
		rc = 0;
	} else if (!mc_reach(ctx, VFIO_DEVICE_STATE_RUNNING, &(int){ -1 })) {
		mc_model_path(ctx->flags, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP, path);
		rc = mc_fault(ctx->dev, MC_FAULT_ARC_ERROR, path[0] << 8 | path[1]);
		if (!rc)
			rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL) ? 0 : -EALREADY;
		mc_fault(ctx->dev, MC_FAULT_NONE, 0);
	} else {
		return;
	}
	if (!rc)
		rc = mc_get_state(ctx->dev, &st);
	if (rc || st != VFIO_DEVICE_STATE_ERROR) {
		mc_skip(ctx, "could not drive the device into ERROR (fault: %s, state %s)",
			mc_errno_name(rc), rc ? "-" : mc_state_name(st));
		return;
	}
	for (uint32_t t = 0; t <= VFIO_DEVICE_STATE_NR; t++) {
		int nfd = -1;

		rc = mc_set_state(ctx->dev, t, &nfd);
		mc_data_close(ctx->dev, nfd);
		if (!rc)
			mc_violation(ctx, "SET %s succeeded while in ERROR", mc_state_name(t));
		rc = mc_get_state(ctx->dev, &st);
		if (rc || st != VFIO_DEVICE_STATE_ERROR) {
			mc_violation(ctx, "in ERROR, after SET %s, GET gives %s (%s)",
				     mc_state_name(t), rc ? "-" : mc_state_name(st),
				     mc_errno_name(rc));
			return;
		}
	}
	reset_gives_running(ctx, "ERROR");
}

static const char *const recover_hows[] = {
	"bad_target", "stopcopy_back", "bad_stream", "fault", "fault_error", NULL,
};

static int check_recover(const struct mc_case *c, char *err, size_t len)
{
	char v[32];

	if (mc_case_arg(c, "how", v, sizeof(v)) && !strcmp(c->expect, "model"))
		for (int i = 0; recover_hows[i]; i++)
			if (!strcmp(v, recover_hows[i]))
				return 0;
	snprintf(err, len,
		 "args need how=bad_target|stopcopy_back|bad_stream|fault|fault_error, "
		 "expect 'model'");
	return -EINVAL;
}

/* Provoke one failed SET of kind @how; returns the SET's result (must be < 0). */
static int provoke(struct mc_ctx *ctx, const char *how, int *fd)
{
	uint32_t path[MC_MAX_PATH];
	int rc;

	if (!strcmp(how, "bad_target")) {
		if (mc_reach(ctx, VFIO_DEVICE_STATE_STOP, fd))
			return 0;
		return mc_set_state(ctx->dev, 0xffffffffu, NULL);
	}
	if (!strcmp(how, "stopcopy_back")) {
		if (mc_reach(ctx, VFIO_DEVICE_STATE_STOP_COPY, fd))
			return 0;
		return mc_set_state(ctx->dev, VFIO_DEVICE_STATE_PRE_COPY, NULL);
	}
	if (!strcmp(how, "bad_stream")) {
		if (mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, fd))
			return 0;
		if (ctx->di->stream_len > 1)
			mc_write_all(ctx->dev, *fd, ctx->di->stream, ctx->di->stream_len / 2,
				     ctx->di->stream_len);
		return mc_set_state(ctx->dev, VFIO_DEVICE_STATE_RUNNING, NULL);
	}
	if (!(ctx->di->fault_kinds & MC_FAULT_ARC_KINDS)) {
		/* The driver's own failed allocations: on the way to STOP_COPY, or into ERROR. */
		rc = 0;
		if (!strcmp(how, "fault"))
			mc_fault_fail_set(ctx, VFIO_DEVICE_STATE_RUNNING,
					  VFIO_DEVICE_STATE_STOP_COPY, &rc);
		else
			mc_fault_into_error(ctx, &rc);
		return rc;
	}
	/* fault, fault_error: the arc into STOP on the way from RUNNING to STOP_COPY. */
	if (mc_reach(ctx, VFIO_DEVICE_STATE_RUNNING, fd))
		return 0;
	mc_model_path(ctx->flags, VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP_COPY, path);
	rc = mc_fault(ctx->dev, strcmp(how, "fault") ? MC_FAULT_ARC_ERROR : MC_FAULT_ARC_FAIL,
		      path[0] << 8 | path[1]);
	if (rc)
		return 0;
	rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP_COPY, NULL);
	mc_fault(ctx->dev, MC_FAULT_NONE, 0);
	return rc;
}

static void op_recover(struct mc_ctx *ctx)
{
	char how[32], what[64];
	int fd = -1, rc;

	mc_case_arg(ctx->c, "how", how, sizeof(how));
	rc = provoke(ctx, how, &fd);
	mc_data_close(ctx->dev, fd);
	if (ctx->res->status == MC_ERROR || ctx->res->status == MC_SKIP)
		return;
	if (!rc) {
		mc_skip(ctx, "the SET meant to fail (%s) succeeded; judged by its own clause", how);
		return;
	}
	snprintf(what, sizeof(what), "a failed SET (%s: %s)", how, mc_errno_name(rc));
	if (reset_gives_running(ctx, what))
		mc_check_full_migration(ctx, what);
}

static void op_resume_reset(struct mc_ctx *ctx)
{
	size_t half = ctx->di->stream_len / 2;
	ssize_t n;
	int fd, fd2, rc;

	if (mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, &fd))
		return;
	n = half ? mc_write_all(ctx->dev, fd, ctx->di->stream, half, half) : 0;
	if (n < 0) {
		mc_setup_violation(ctx, "RES-01",
				   "writing the first half of a valid stream in "
				   "RESUMING failed: %s",
				   mc_errno_name((int)n));
		goto out_close_fd;
	}
	if (!reset_gives_running(ctx, "RESUMING (half a stream written)"))
		goto out_close_fd;
	mc_check_resume_fd_dead(ctx, fd, "RESET in RESUMING");
	rc = mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, &fd2);
	if (rc)
		goto out_close_fd;
	if (!mc_write_stream(ctx, fd2)) {
		rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL);
		if (rc)
			mc_violation(ctx,
				     "a new resume session after the aborted one failed: "
				     "RESUMING->STOP gave %s",
				     mc_errno_name(rc));
	}
	mc_data_close(ctx->dev, fd2);
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

const struct mc_op mc_ops_err[] = {
	{ .name = "reset_from", .expand = MC_EXPAND_STATE, .run = op_reset_from },
	{ .name = "error_state", .run = op_error_state },
	{ .name = "recover", .check = check_recover, .run = op_recover },
	{ .name = "resume_reset", .run = op_resume_reset },
	{ .name = NULL },
};

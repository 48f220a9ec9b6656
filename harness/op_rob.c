// SPDX-License-Identifier: GPL-2.0-only
/*
 * ROB operations. rob.klog judges the whole run: the runner reads the kernel log from
 * before the device's first open to the last case, and charges every report (klog.h)
 * to the case or the phase of the run during which it appeared.
 */
#include <errno.h>
#include <stdio.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "op_err.h"
#include "ops.h"
#include "runopts.h"
#include "walker.h"

static void op_klog(struct mc_ctx *ctx)
{
	if (!ctx->di->klog) {
		mc_skip(ctx, "the kernel log cannot be read: %s",
			ctx->di->klog_why ? ctx->di->klog_why : "unknown");
		return;
	}
	if (ctx->di->klog_findings && ctx->di->klog_findings[0])
		mc_violation(ctx, "kernel log reports during the run (%d), by case or phase:\n%s",
			     ctx->di->klog_reports, ctx->di->klog_findings);
}

/*
 * ROB-02: close the device with a session open (the backend closes the session's fd,
 * then the device fd, as a crashing user would), open it again: GET works, RESET gives
 * RUNNING and a full migration works. Args: state=STATE with the open session.
 */
static void op_reopen(struct mc_ctx *ctx)
{
	uint32_t st = VFIO_DEVICE_STATE_STOP_COPY, got;
	struct mc_dev *nd = NULL;
	char v[24], err[512];
	uint8_t b[16];
	int fd, rc;

	if (mc_case_arg(ctx->c, "state", v, sizeof(v)))
		st = (uint32_t)mc_state_parse(v);
	if (mc_reach(ctx, st, &fd))
		return;
	if (st != VFIO_DEVICE_STATE_RESUMING)
		mc_data_read(ctx->dev, fd, b, sizeof(b)); /* a session in progress */
	mc_dev_close(ctx->dev);
	ctx->dev = NULL;
	rc = mc_dev_open(ctx->di->device_spec, &nd, err, sizeof(err));
	if (rc) {
		mc_violation(
			ctx,
			"closed in %s with its session open, the device cannot be opened again: %s",
			mc_state_name(st), err);
		return;
	}
	ctx->dev = nd;
	mc_dev_set_watch(nd, ctx->watch);
	rc = mc_get_state(nd, &got);
	if (rc) {
		mc_violation(ctx, "reopened after a close in %s, GET fails: %s", mc_state_name(st),
			     mc_errno_name(rc));
		return;
	}
	mc_note(ctx, "closed in %s with its session open; after reopening GET says %s",
		mc_state_name(st), mc_state_name(got));
	rc = mc_reset(nd);
	if (!rc)
		rc = mc_get_state(nd, &got);
	if (rc || got != VFIO_DEVICE_STATE_RUNNING) {
		mc_violation(ctx, "reopened after a close in %s, RESET gives %s, GET %s",
			     mc_state_name(st), mc_errno_name(rc), rc ? "-" : mc_state_name(got));
		return;
	}
	mc_check_full_migration(ctx, "a close with a session open and a reopen");
}

/*
 * ROB-03 (destructive, only with --destructive): open a session and read or write a
 * little, close the device fd and remove the device, then use the session's fd. Reads
 * must fail or return 0, writes must fail, and closing the fd must be clean; the kernel
 * log is read after the case as after every case. Args: state=STATE with the session.
 * The device is gone afterwards: the runner puts this after every other case.
 */
static void op_outlive(struct mc_ctx *ctx)
{
	uint32_t st = VFIO_DEVICE_STATE_STOP_COPY;
	char v[24], err[512];
	uint8_t b[256] = { 0 };
	ssize_t n;
	int fd, rc;

	if (!ctx->di->destructive) {
		mc_skip(ctx,
			"destructive: it removes the device, so it runs only with --destructive");
		return;
	}
	if (mc_case_arg(ctx->c, "state", v, sizeof(v)))
		st = (uint32_t)mc_state_parse(v);
	if (mc_reach(ctx, st, &fd))
		return;
	if (st != VFIO_DEVICE_STATE_RESUMING)
		mc_data_read(ctx->dev, fd, b, 16); /* a session in progress */
	rc = mc_dev_remove(ctx->dev, err, sizeof(err));
	if (rc) {
		mc_harness_error(ctx, "removing the device failed: %s", err);
		mc_data_close(ctx->dev, fd);
		return;
	}
	if (st == VFIO_DEVICE_STATE_RESUMING) {
		n = mc_data_write(ctx->dev, fd, b, sizeof(b));
		if (n >= 0)
			mc_violation(
				ctx,
				"after the device was removed, a write of %zu bytes to its resume fd returned %zd",
				sizeof(b), n);
		else
			mc_note(ctx, "after removal the resume fd's write fails with %s",
				mc_errno_name((int)n));
	} else {
		uint64_t got = 0;

		/* A few reads: none may deliver data once the device is gone. */
		for (int i = 0; i < 4; i++) {
			n = mc_data_read(ctx->dev, fd, b, sizeof(b));
			if (n <= 0)
				break;
			got += (uint64_t)n;
		}
		if (got)
			mc_violation(
				ctx,
				"after the device was removed, its %s save fd still delivered %llu bytes",
				mc_state_name(st), (unsigned long long)got);
		else
			mc_note(ctx, "after removal the save fd's read gives %s",
				n < 0 ? mc_errno_name((int)n) : "0 (end of file)");
	}
	rc = mc_data_close(ctx->dev, fd);
	if (rc)
		mc_violation(ctx, "closing the data fd of the removed device failed: %s",
			     mc_errno_name(rc));
}

const struct mc_op mc_ops_rob[] = {
	{ .name = "reopen", .check = mc_op_state_arg_check, .run = op_reopen },
	{ .name = "outlive",
	  .check = mc_op_state_arg_check,
	  .run = op_outlive,
	  .order = MC_ORDER_DESTRUCTIVE },
	{ .name = "klog", .run = op_klog, .order = MC_ORDER_LAST, .no_device = true },
	{ .name = NULL },
};

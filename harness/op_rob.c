// SPDX-License-Identifier: GPL-2.0-only
/*
 * ROB operations. rob.klog judges the whole run: every case reads the kernel log after
 * it ran, and any WARN, BUG, Oops, KASAN or slab-debug report is attributed to it.
 */
#include <errno.h>
#include <stdio.h>

#include "model.h"
#include "ops.h"
#include "walker.h"

void mc_op_klog(struct mc_ctx *ctx)
{
	if (!ctx->di->klog) {
		mc_skip(ctx, "the kernel log cannot be read with this backend (simulated device, "
			"or /dev/kmsg unavailable)");
		return;
	}
	if (ctx->di->klog_findings && ctx->di->klog_findings[0])
		mc_violation(ctx, "kernel log reports during the run, by case:\n%s",
			     ctx->di->klog_findings);
}

/*
 * ROB-02: close the device with a session open (the backend closes the session's fd,
 * then the device fd, as a crashing user would), open it again: GET works, RESET gives
 * RUNNING and a full migration works. Args: state=STATE with the open session.
 */
void mc_op_reopen(struct mc_ctx *ctx)
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
		mc_data_read(ctx->dev, fd, b, sizeof(b));	/* a session in progress */
	mc_dev_close(ctx->dev);
	ctx->dev = NULL;
	rc = mc_dev_open(ctx->di->device_spec, &nd, err, sizeof(err));
	if (rc) {
		mc_violation(ctx, "closed in %s with its session open, the device cannot be opened again: %s",
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ROB operations. rob.klog judges the whole run: every case reads the kernel log after
 * it ran, and any WARN, BUG, Oops, KASAN or slab-debug report is attributed to it.
 */
#include "ops.h"

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

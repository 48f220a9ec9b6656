// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations for the TIME clauses: the latency of every base arc (TIME-01) and the
 * stop-copy downtime of a whole migration (TIME-02). They are INFO: measured and
 * reported as metrics, and a verdict only against a budget the user set (--budget).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "num.h"
#include "ops.h"
#include "report.h"
#include "runopts.h"
#include "stream.h"
#include "util.h"
#include "walker.h"

#define MAX_REPS 1000

static unsigned reps_arg(const struct mc_ctx *ctx, unsigned dflt)
{
	uint64_t n;

	mc_case_num(ctx->c, "reps", MC_NUM_DEC, 1, MAX_REPS, dflt, &n, NULL, 0);
	return (unsigned)n;
}

static int reps_check(const struct mc_case *c, char *err, size_t len)
{
	uint64_t n;

	if (strcmp(c->expect, "-")) {
		snprintf(err, len, "expect must be '-'");
		return -EINVAL;
	}
	return mc_case_num(c, "reps", MC_NUM_DEC, 1, MAX_REPS, 1, &n, err, len);
}

/* Judge the samples' max against a budget; ms text for the message. */
static void over_budget(struct mc_ctx *ctx, const char *what, double max_ns, uint64_t budget)
{
	if (budget && max_ns > (double)budget)
		mc_budget_fail(ctx, "%s: max %.3f ms exceeds the budget of %.3f ms", what,
			       max_ns / 1e6, (double)budget / 1e6);
}

/*
 * TIME-01: one base arc, measured @reps times. Each repetition reaches the start state
 * from RESET (not timed) and times the single SET.
 */
static void op_arc_latency(struct mc_ctx *ctx)
{
	uint32_t from = ctx->p->a, to = ctx->p->b;
	unsigned reps = reps_arg(ctx, 20);
	double *ns = calloc(reps, sizeof(*ns));
	char what[64];
	int fd, rc;

	if (!ns) {
		mc_harness_error(ctx, "out of memory");
		return;
	}
	snprintf(what, sizeof(what), "%s->%s", mc_state_name(from), mc_state_name(to));
	mc_dev_precise_timing(ctx->dev, true);
	for (unsigned i = 0; i < reps; i++) {
		int nfd = -1;

		if (mc_reach(ctx, from, &fd))
			goto out;
		if (from == VFIO_DEVICE_STATE_RESUMING && mc_write_stream(ctx, fd)) {
			mc_data_close(ctx->dev, fd);
			goto out;
		}
		rc = mc_set_state(ctx->dev, to, &nfd);
		ns[i] = (double)mc_dev_last_op_ns(ctx->dev);
		mc_data_close(ctx->dev, nfd);
		mc_data_close(ctx->dev, fd);
		if (rc) {
			mc_setup_violation(ctx, "FSM-01",
					   "SET %s, which the model allows, failed "
					   "on repetition %u: %s",
					   what, i + 1, mc_errno_name(rc));
			goto out;
		}
	}
	mc_metric_samples(ctx, "latency", "ns", ns, reps);
	mc_note(ctx, "%s: %u SETs, p50 %.1f us, p99 %.1f us, max %.1f us", what, reps,
		ctx->res->metrics[ctx->res->nmetrics - 1].p50 / 1e3,
		ctx->res->metrics[ctx->res->nmetrics - 1].p99 / 1e3, ns[reps - 1] / 1e3);
	if (ctx->di->budgets)
		over_budget(ctx, what, ns[reps - 1], ctx->di->budgets->arc_ns[from][to]);
out:
	free(ns);
}

/*
 * TIME-02: stop-copy downtime as a migration has it: the source goes STOP->STOP_COPY
 * and is read to the end; the destination (already in RESUMING, prepared outside the
 * downtime) gets the stream and goes RESUMING->STOP. Without a second device the
 * destination is the same device, so the two halves are timed separately and added.
 */
static void op_downtime(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	unsigned reps = reps_arg(ctx, 10);
	double *down = calloc(reps, sizeof(*down)), *save = calloc(reps, sizeof(*save));
	double *load = calloc(reps, sizeof(*load));
	uint64_t bytes = 0;
	struct mc_io_opts o = { .plan = &one, .io = (enum mc_io)ctx->di->io, .limit = 1ull << 40 };

	if (!down || !save || !load) {
		mc_harness_error(ctx, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < reps; i++) {
		struct mc_save_result sr;
		struct mc_resume_result rr;
		struct mc_stream s;
		uint64_t t0, t1, t2;
		int fd = -1, rc, set_rc;

		if (mc_reach(ctx, VFIO_DEVICE_STATE_STOP, &fd))
			goto out;
		mc_stream_init(&s, 0);
		t0 = mc_now_ns();
		rc = set_rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP_COPY, &fd);
		if (!rc)
			rc = mc_stream_save(ctx->dev, fd, &o, &s, &sr);
		t1 = mc_now_ns();
		mc_data_close(ctx->dev, fd);
		if (rc || mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, &fd)) {
			if (rc)
				mc_setup_violation(ctx, set_rc ? "FSM-01" : "SAVE-01",
						   "%s failed: %s",
						   set_rc ? "SET STOP->STOP_COPY" :
							    "reading the stream in STOP_COPY",
						   mc_errno_name(rc));
			mc_stream_free(&s);
			goto out;
		}
		t2 = mc_now_ns();
		rc = mc_stream_resume(ctx->dev, fd, &s, 0, s.len, &o, &rr);
		if (!rc)
			rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL);
		load[i] = (double)(mc_now_ns() - t2);
		mc_data_close(ctx->dev, fd);
		bytes = s.len;
		mc_stream_free(&s);
		if (rc) {
			mc_setup_violation(ctx, "RES-01",
					   "resuming the device's own stream failed: %s",
					   mc_errno_name(rc));
			goto out;
		}
		save[i] = (double)(t1 - t0);
		down[i] = save[i] + load[i];
	}
	mc_metric_samples(ctx, "downtime", "ns", down, reps);
	mc_metric_samples(ctx, "stop_copy", "ns", save, reps);
	mc_metric_samples(ctx, "resume_to_stop", "ns", load, reps);
	mc_metric_value(ctx, "bytes", "B", (double)bytes);
	if (save[reps / 2] > 0)
		mc_metric_value(ctx, "throughput", "B/s", (double)bytes * 1e9 / save[reps / 2]);
	mc_note(ctx, "%u migrations of %llu bytes: downtime p50 %.3f ms, max %.3f ms", reps,
		(unsigned long long)bytes, down[reps / 2] / 1e6, down[reps - 1] / 1e6);
	if (ctx->di->budgets)
		over_budget(ctx, "downtime", down[reps - 1], ctx->di->budgets->downtime_ns);
out:
	free(down);
	free(save);
	free(load);
}

const struct mc_op mc_ops_time[] = {
	{ .name = "arc_latency",
	  .expand = MC_EXPAND_ARC,
	  .check = reps_check,
	  .run = op_arc_latency },
	{ .name = "downtime", .check = reps_check, .run = op_downtime },
	{ .name = NULL },
};

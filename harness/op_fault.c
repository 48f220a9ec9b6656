// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fault cases on a device whose faults are the driver's own failed allocations (the
 * kernel backend on a kernel with fault injection), behind the same operations as the
 * simulated device's arc faults: the N-th allocation point of one SET fails, for N = 1, 2,
 * ... until the SET passes no more, and the driver's answer to each failure is judged.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "op_fault.h"
#include "walker.h"

#define SWEEP_MAX 64 /* points tried per SET; mtty has under 20 on any */

/* What one SET did with its N-th allocation point failing. */
struct shot {
	unsigned n;
	bool fired; /* the SET reached its N-th point */
	int rc;	    /* the SET's result */
	int get_rc;
	uint32_t st; /* GET afterwards */
	int new_fds; /* fds the failed SET left in this process */
};

/* A sweep's outcome: the points the SET passes, and what their failures did. */
struct tally {
	unsigned points;  /* points that fired */
	unsigned failing; /* of which the SET failed */
	unsigned error;	  /* of which the device was left in ERROR */
};

/* Open fds of this process, or -1. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Reset, reach @from and make it ready to leave (the stream written in RESUMING). */
static int reach_ready(struct mc_ctx *ctx, uint32_t from, int *fd)
{
	int rc = mc_reach(ctx, from, fd);

	if (!rc && from == VFIO_DEVICE_STATE_RESUMING) {
		rc = mc_write_stream(ctx, *fd);
		if (rc)
			mc_data_close(ctx->dev, *fd);
	}
	return rc;
}

/*
 * SET @from->@to with the driver's @s->n-th allocation point failing; the device is left
 * as that SET left it. 0, or -errno with the harness error or setup violation recorded.
 */
static int take_shot(struct mc_ctx *ctx, uint32_t from, uint32_t to, struct shot *s)
{
	int fd, nfd = -1, before, after, pending;
	int rc = reach_ready(ctx, from, &fd);

	if (rc)
		return rc;
	before = count_fds();
	rc = mc_fault(ctx->dev, MC_FAULT_ALLOC_NTH, s->n);
	if (rc) {
		mc_harness_error(ctx, "arming allocation failure %u of the driver: %s", s->n,
				 mc_errno_name(rc));
		goto out_close_fd;
	}
	s->rc = mc_set_state(ctx->dev, to, &nfd);
	pending = mc_fault(ctx->dev, MC_FAULT_NONE, 0);
	mc_data_close(ctx->dev, nfd);
	after = count_fds();
	s->new_fds = before >= 0 && after >= 0 ? after - before : 0;
	s->get_rc = mc_get_state(ctx->dev, &s->st);
	if (pending < 0) {
		rc = pending;
		mc_harness_error(ctx, "reading back allocation failure %u of the driver: %s", s->n,
				 mc_errno_name(rc));
	}
	s->fired = pending == 0;
out_close_fd:
	mc_data_close(ctx->dev, fd);
	return rc;
}

/* Judge one failed SET @from->@to (FSM-07): a state before the target or ERROR, no fd left. */
static void judge_shot(struct mc_ctx *ctx, uint32_t from, uint32_t to, const struct shot *s)
{
	uint32_t path[MC_MAX_PATH];
	int n = mc_model_path(ctx->flags, from, to, path);
	bool ok = s->st == VFIO_DEVICE_STATE_ERROR;

	for (int i = 0; i < n; i++)
		ok |= path[i] == s->st;
	if (s->get_rc)
		mc_violation(ctx,
			     "after SET %s->%s failed (%s) on the driver's failed allocation "
			     "%u, GET failed: %s",
			     mc_state_name(from), mc_state_name(to), mc_errno_name(s->rc), s->n,
			     mc_errno_name(s->get_rc));
	else if (!ok)
		mc_violation(ctx,
			     "after SET %s->%s failed (%s) on the driver's failed allocation "
			     "%u, GET reports %s: neither the original state, a state on the path, "
			     "nor ERROR",
			     mc_state_name(from), mc_state_name(to), mc_errno_name(s->rc), s->n,
			     mc_state_name(s->st));
	if (s->new_fds > 0)
		mc_violation(ctx,
			     "SET %s->%s failed (%s) on the driver's failed allocation %u "
			     "yet left %d more fd(s) open in the caller",
			     mc_state_name(from), mc_state_name(to), mc_errno_name(s->rc), s->n,
			     s->new_fds);
}

/*
 * Sweep SET @from->@to over its allocation points (judging each failure when @judge) into
 * @t; with @stop_error (or @stop_fail) stop at the first failure leaving ERROR (or any
 * failure), the device left there: returns 1 then. 0 when the sweep ended, -errno on
 * trouble (recorded).
 */
static int sweep(struct mc_ctx *ctx, uint32_t from, uint32_t to, bool judge, bool stop_fail,
		 bool stop_error, struct tally *t, struct shot *last)
{
	for (unsigned k = 1; k <= SWEEP_MAX; k++) {
		struct shot s = { .n = k };
		int rc = take_shot(ctx, from, to, &s);

		if (rc)
			return rc;
		if (!s.fired)
			return 0;
		t->points++;
		if (!s.rc)
			continue; /* a failure the driver absorbed (or the allocator's own) */
		t->failing++;
		t->error += s.st == VFIO_DEVICE_STATE_ERROR && !s.get_rc;
		if (judge)
			judge_shot(ctx, from, to, &s);
		*last = s;
		if (stop_fail || (stop_error && s.st == VFIO_DEVICE_STATE_ERROR && !s.get_rc))
			return 1;
	}
	mc_note(ctx, "SET %s->%s: stopped after %d allocation points", mc_state_name(from),
		mc_state_name(to), SWEEP_MAX);
	return 0;
}

/* Per arc of the model's path @from->@to (failing none): the driver's points into @pts. */
static int count_points(struct mc_ctx *ctx, const uint32_t *path, int n, unsigned *pts)
{
	int fd, rc = reach_ready(ctx, path[0], &fd);

	for (int i = 0; !rc && i < n; i++) {
		int nfd = -1, c;

		rc = mc_fault(ctx->dev, MC_FAULT_ALLOC_COUNT, 0);
		if (!rc)
			rc = mc_set_state(ctx->dev, path[i + 1], &nfd);
		c = mc_fault(ctx->dev, MC_FAULT_NONE, 0);
		if (nfd >= 0) {
			mc_data_close(ctx->dev, fd);
			fd = nfd;
		}
		if (rc)
			mc_setup_violation(ctx, "FSM-01",
					   "SET %s->%s (one arc, no failure injected) "
					   "failed: %s",
					   mc_state_name(path[i]), mc_state_name(path[i + 1]),
					   mc_errno_name(rc));
		else if (c < 0)
			mc_harness_error(ctx, "counting the driver's allocations: %s",
					 mc_errno_name(c));
		rc = rc ? rc : c < 0 ? c : 0;
		pts[i] = c < 0 ? 0 : (unsigned)c;
	}
	if (fd >= 0)
		mc_data_close(ctx->dev, fd);
	return rc;
}

void mc_op_failed_fault_alloc(struct mc_ctx *ctx)
{
	uint32_t from = ctx->p->a, to = ctx->p->b, path[MC_MAX_PATH];
	int n = mc_model_path(ctx->flags, from, to, path);
	unsigned pts[MC_MAX_PATH] = { 0 };
	struct tally t = { 0 };
	struct shot last;
	char name[40];

	if (n < 1 || count_points(ctx, path, n, pts))
		return;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "points:%s->%s", mc_state_name(path[i]),
			 mc_state_name(path[i + 1]));
		mc_metric_value(ctx, name, "points", pts[i]);
	}
	if (sweep(ctx, from, to, true, false, false, &t, &last) < 0)
		return;
	mc_metric_value(ctx, "failure_points", "points", t.points);
	mc_metric_value(ctx, "failing_points", "points", t.failing);
	if (!t.points)
		mc_skip(ctx, "the driver makes no allocation on SET %s->%s: nothing to fail",
			mc_state_name(from), mc_state_name(to));
	else if (!t.failing)
		mc_skip(ctx,
			"SET %s->%s passes %u allocation points of the driver and succeeds with "
			"each failed: nothing failed to judge",
			mc_state_name(from), mc_state_name(to), t.points);
	else
		mc_note(ctx, "SET %s->%s: %u allocation points, %u failed the SET (%u into ERROR)",
			mc_state_name(from), mc_state_name(to), t.points, t.failing, t.error);
}

int mc_fault_fail_set(struct mc_ctx *ctx, uint32_t from, uint32_t to, int *set_rc)
{
	struct tally t = { 0 };
	struct shot last = { 0 };
	int rc = sweep(ctx, from, to, false, true, false, &t, &last);

	if (rc == 1)
		*set_rc = last.rc;
	else if (!rc)
		mc_skip(ctx,
			"SET %s->%s passes %u allocation points of the driver and fails with "
			"none of them",
			mc_state_name(from), mc_state_name(to), t.points);
	return rc;
}

int mc_fault_into_error(struct mc_ctx *ctx, int *set_rc)
{
	struct tally all = { 0 };
	unsigned arcs = 0;

	for (uint32_t from = 1; from < MC_NSTATES; from++)
		for (uint32_t to = 1; to < MC_NSTATES; to++) {
			uint32_t path[MC_MAX_PATH];
			struct tally t = { 0 };
			struct shot last = { 0 };
			int rc;

			if (!mc_model_supported(ctx->flags, from) ||
			    mc_model_path(ctx->flags, from, to, path) != 1)
				continue;
			rc = sweep(ctx, from, to, false, false, true, &t, &last);
			if (rc == 1) {
				*set_rc = last.rc;
				mc_note(ctx,
					"SET %s->%s failed into ERROR (%s) on the driver's failed "
					"allocation %u",
					mc_state_name(from), mc_state_name(to),
					mc_errno_name(last.rc), last.n);
				return 1;
			}
			if (rc)
				return rc;
			arcs += t.points > 0;
			all.points += t.points;
			all.failing += t.failing;
		}
	mc_skip(ctx,
		"no failed allocation of the driver leads to ERROR: %u points on %u arcs, "
		"%u of them failing their SET, each into a state on its path (judged by FSM-07)",
		all.points, arcs, all.failing);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The walker: reach states along the model's path one base arc at a time, probe one SET
 * against the model, save a stream and check that a stream resumes. A setup step the
 * device gets wrong fails the case naming the clause it broke (mc_setup_violation); only
 * the harness's own trouble is `error`. What the probed SET does is judged by the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "runopts.h"
#include "walker.h"

#define STREAM_LIMIT (1ull << 32)

int mc_write_stream(struct mc_ctx *ctx, int fd)
{
	ssize_t n;

	if (!ctx->di->stream_len) {
		mc_no_ref_stream(ctx, "to resume");
		return -ENODATA;
	}
	n = mc_write_all(ctx->dev, fd, ctx->di->stream, ctx->di->stream_len, ctx->di->stream_len);
	if (n < 0) {
		mc_setup_violation(ctx, "RES-01",
				   "writing the valid %zu-byte reference stream in "
				   "RESUMING failed: %s",
				   ctx->di->stream_len, mc_errno_name((int)n));
		return (int)n;
	}
	return 0;
}

int mc_reach(struct mc_ctx *ctx, uint32_t state, int *fd)
{
	uint32_t path[MC_MAX_PATH], cur;
	int n, rc;

	*fd = -1;
	rc = mc_reset(ctx->dev);
	if (rc) {
		mc_setup_violation(ctx, "ERR-01", "RESET failed: %s", mc_errno_name(rc));
		return rc;
	}
	rc = mc_get_state(ctx->dev, &cur);
	if (rc || cur != VFIO_DEVICE_STATE_RUNNING) {
		mc_setup_violation(ctx, "ERR-01", "after RESET, GET gave %s (%s), not RUNNING",
				   rc ? "nothing" : mc_state_name(cur), mc_errno_name(rc));
		return rc ? rc : -EIO;
	}
	n = mc_model_path(ctx->flags, cur, state, path);
	if (n < 0 && !ctx->di->flags_ok) { /* a FEAT case on a device without STOP_COPY */
		mc_setup_violation(ctx, "FEAT-01",
				   "no path RUNNING->%s: the device reported no "
				   "usable migration flags (%#llx)",
				   mc_state_name(state), (unsigned long long)ctx->di->flags);
		return n;
	}
	if (n < 0) {
		mc_harness_error(ctx, "setup: the model has no path RUNNING->%s",
				 mc_state_name(state));
		return n;
	}
	for (int i = 1; i <= n; i++) {
		int nfd = -1;

		if (path[i - 1] == VFIO_DEVICE_STATE_RESUMING) {
			rc = mc_write_stream(ctx, *fd);
			if (rc)
				goto out_close_fd;
		}
		rc = mc_set_state(ctx->dev, path[i], &nfd);
		if (!rc)
			rc = mc_get_state(ctx->dev, &cur);
		if (rc || cur != path[i]) {
			if (rc)
				mc_setup_violation(ctx, "FSM-01",
						   "single arc SET %s->%s, which the "
						   "model allows, failed: %s",
						   mc_state_name(path[i - 1]),
						   mc_state_name(path[i]), mc_errno_name(rc));
			else
				mc_setup_violation(ctx, "FSM-01",
						   "single arc SET %s->%s returned 0, "
						   "then GET reported %s",
						   mc_state_name(path[i - 1]),
						   mc_state_name(path[i]), mc_state_name(cur));
			mc_data_close(ctx->dev, nfd);
			rc = rc ? rc : -EIO;
			goto out_close_fd;
		}
		if (nfd >= 0) {
			/* A new session replaces whatever was open. */
			mc_data_close(ctx->dev, *fd);
			*fd = nfd;
		} else if (!(mc_model_saving(path[i - 1]) && mc_model_saving(path[i]))) {
			/* Only moves inside the saving group keep a session. */
			mc_data_close(ctx->dev, *fd);
			*fd = -1;
		}
	}
	if (mc_model_has_session(state) && *fd < 0) {
		mc_setup_violation(ctx, "FSM-02", "reached %s without a data fd",
				   mc_state_name(state));
		return -EBADF;
	}
	return 0;

out_close_fd:
	mc_data_close(ctx->dev, *fd);
	*fd = -1;
	return rc;
}

int mc_probe(struct mc_ctx *ctx, uint32_t from, uint32_t to, int session_fd, struct mc_obs *o)
{
	int nfd = -1;

	memset(o, 0, sizeof(*o));
	if (from == VFIO_DEVICE_STATE_RESUMING && to != from && session_fd >= 0) {
		int rc = mc_write_stream(ctx, session_fd);

		if (rc)
			return rc;
	}
	o->rc = mc_set_state(ctx->dev, to, &nfd);
	o->fd = nfd >= 0;
	mc_data_close(ctx->dev, nfd);
	o->get_rc = mc_get_state(ctx->dev, &o->state);
	return 0;
}

bool mc_obs_judge(uint64_t flags, uint32_t from, uint32_t to, const struct mc_obs *o,
		  bool check_state, bool check_fd, char *why, size_t len)
{
	struct mc_expect e;
	size_t used = 0;

	mc_model_expect(flags, from, to, &e);
	why[0] = '\0';
#define WHY(...) (used += (size_t)snprintf(why + used, used < len ? len - used : 0, __VA_ARGS__))
	if (check_state) {
		if (o->rc != e.err)
			WHY("SET %s->%s returned %s, model says %s; ", mc_state_name(from),
			    mc_state_name(to), mc_errno_name(o->rc), mc_errno_name(e.err));
		if (o->get_rc)
			WHY("GET after the SET failed: %s; ", mc_errno_name(o->get_rc));
		else if (o->state != e.state_after)
			WHY("GET reports %s, model says %s; ", mc_state_name(o->state),
			    mc_state_name(e.state_after));
	}
	if (check_fd && !o->rc && o->fd != e.new_fd)
		WHY("SET %s->%s %s a data_fd, model says it %s; ", mc_state_name(from),
		    mc_state_name(to), o->fd ? "returned" : "did not return",
		    e.new_fd ? "starts a session" : "must return -1");
	if (check_fd && o->rc && o->fd)
		WHY("failed SET %s->%s returned a data_fd; ", mc_state_name(from),
		    mc_state_name(to));
#undef WHY
	if (used >= 2 && used < len)
		why[used - 2] = '\0';
	return used == 0;
}

ssize_t mc_save_stream(struct mc_ctx *ctx, size_t chunk, uint8_t **buf)
{
	ssize_t n;
	int fd, rc;

	*buf = NULL;
	rc = mc_reach(ctx, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (rc)
		return rc;
	n = mc_read_all(ctx->dev, fd, chunk, STREAM_LIMIT, buf, NULL);
	mc_data_close(ctx->dev, fd);
	if (n < 0)
		mc_setup_violation(ctx, "SAVE-01", "saving a stream in STOP_COPY: read failed: %s",
				   mc_errno_name((int)n));
	return n;
}

int mc_resume_check(struct mc_ctx *ctx, const uint8_t *buf, size_t len, bool *harness)
{
	ssize_t n;
	int fd, rc;

	*harness = true;
	rc = mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (rc)
		return rc;
	n = len ? mc_write_all(ctx->dev, fd, buf, len, len) : 0;
	if (n < 0) {
		*harness = false;
		mc_data_close(ctx->dev, fd);
		return (int)n;
	}
	*harness = false;
	rc = mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL);
	mc_data_close(ctx->dev, fd);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * PRE operations: VFIO_MIG_GET_PRECOPY_INFO on the save fd in every state (PRE-01),
 * initial_bytes and dirty_bytes while the session is read (PRE-02), read() at the
 * temporary end of pre-copy data (PRE-03), pre-copy + STOP_COPY bytes resuming as one
 * stream on the device or the peer (PRE-04) and the ioctl's own argument checks (PRE-05).
 * The 7.1 uAPI (PRE-06..10) is op_pre2.c's; PRE-02 here lets initial_bytes grow in an
 * answer carrying REINIT when the row opted in (v2=on).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "kinfo.h"
#include "migcheck.h"
#include "model.h"
#include "num.h"
#include "op_pre_priv.h"
#include "ops.h"
#include "report.h"
#include "runopts.h"
#include "util.h"
#include "walker.h"

#define READ_CHUNK 4096
#define DRAIN_MAX_READS 5000	   /* PRE-02 stops after this many reads... */
#define DRAIN_MAX_BYTES (1u << 20) /* ...or this many bytes (large devices) */
#define END_MAX_READS 65536	   /* PRE-03 reads this far to find the end */
#define END_MAX_BYTES (64u << 20)
#define PART_BYTES 100			    /* "precopy=part": splits the first record */
#define REINIT_AFTER (2 * READ_CHUNK + 100) /* v2=reinit: past a record boundary */
#define STREAM_LIMIT (1ull << 32)
#define CANARY64 0xa5a5a5a5a5a5a5a5ull

/* A row's arguments are wrong: say what they should be (for the load-time check). */
static int bad_args(char *err, size_t len, const char *usage)
{
	snprintf(err, len, "%s", usage);
	return -EINVAL;
}

static bool precopy_state(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/*
 * Walk from @from to @to one base arc per SET along the model's path, closing any fd a
 * SET returns (the caller keeps its own session fd). A failed step is a harness error.
 */
static int walk(struct mc_ctx *ctx, uint32_t from, uint32_t to)
{
	uint32_t path[MC_MAX_PATH];
	int n = mc_model_path(ctx->flags, from, to, path);

	if (n < 0)
		mc_harness_error(ctx, "setup: the model has no path %s->%s", mc_state_name(from),
				 mc_state_name(to));
	for (int i = 1; i <= n; i++) {
		int nfd = -1, rc = mc_set_state(ctx->dev, path[i], &nfd);

		mc_data_close(ctx->dev, nfd);
		if (rc) {
			mc_setup_violation(ctx, "FSM-01",
					   "single arc SET %s->%s, which the model "
					   "allows, failed: %s",
					   mc_state_name(path[i - 1]), mc_state_name(path[i]),
					   mc_errno_name(rc));
			return rc;
		}
	}
	return n < 0 ? n : 0;
}

/* ------------------------------------------------------------------ PRE-01 */

static void judge_info(struct mc_ctx *ctx, int fd, uint32_t s, const char *what)
{
	struct vfio_precopy_info info;
	int rc = mc_precopy_info(ctx->dev, fd, &info);

	if (precopy_state(s) && rc)
		mc_violation(ctx,
			     "PRECOPY_INFO on %s in %s failed: %s; it must work in PRE_COPY "
			     "and PRE_COPY_P2P",
			     what, mc_state_name(s), mc_errno_name(rc));
	else if (!precopy_state(s) && !rc)
		mc_violation(ctx,
			     "PRECOPY_INFO on %s in %s succeeded (initial_bytes %llu, "
			     "dirty_bytes %llu); it must fail with EINVAL outside PRE_COPY(_P2P)",
			     what, mc_state_name(s), (unsigned long long)info.initial_bytes,
			     (unsigned long long)info.dirty_bytes);
	else if (!precopy_state(s) && rc != -EINVAL)
		mc_violation(ctx, "PRECOPY_INFO on %s in %s failed with %s, not EINVAL", what,
			     mc_state_name(s), mc_errno_name(rc));
	else
		mc_note(ctx, "PRECOPY_INFO on %s in %s: %s", what, mc_state_name(s),
			mc_errno_name(rc));
}

/* The save fd opened in PRE_COPY, carried to the instance's state (in STOP_COPY also a
 * fd that STOP->STOP_COPY opened). */
static void op_info_state(struct mc_ctx *ctx)
{
	uint32_t s = ctx->p->a;
	int fd;

	if (mc_reach(ctx, VFIO_DEVICE_STATE_PRE_COPY, &fd))
		return;
	if (walk(ctx, VFIO_DEVICE_STATE_PRE_COPY, s))
		goto out_close_fd;
	judge_info(ctx, fd, s,
		   precopy_state(s) || s == VFIO_DEVICE_STATE_STOP_COPY ?
			   "the save fd opened in PRE_COPY" :
			   "the save fd opened in PRE_COPY (session ended by the SET)");
	if (s != VFIO_DEVICE_STATE_STOP_COPY)
		goto out_close_fd;
	mc_data_close(ctx->dev, fd);
	if (mc_reach(ctx, VFIO_DEVICE_STATE_STOP_COPY, &fd))
		return;
	judge_info(ctx, fd, s, "a save fd opened by STOP->STOP_COPY");
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

/* ------------------------------------------------------------------ PRE-02, PRE-03 */

struct drain_args {
	uint32_t state; /* PRE_COPY or PRE_COPY_P2P */
	size_t chunk;
	bool v2;     /* opt in with MIG_PRECOPY_INFOv2 first (REINIT may come) */
	bool reinit; /* ...and make the device need new initial data midway */
};

static int drain_parse(const struct mc_case *c, struct drain_args *da)
{
	char v[32];
	int64_t s;

	da->state = VFIO_DEVICE_STATE_PRE_COPY;
	da->chunk = READ_CHUNK;
	if (mc_case_arg(c, "state", v, sizeof(v))) {
		s = mc_state_parse(v);
		if (s < 0 || !precopy_state((uint32_t)s))
			return -EINVAL;
		da->state = (uint32_t)s;
	}
	if (mc_case_arg(c, "chunk", v, sizeof(v))) {
		uint64_t n;

		if (mc_num_parse(v, 0, 1, READ_CHUNK, &n))
			return -EINVAL;
		da->chunk = n;
	}
	da->v2 = mc_case_arg(c, "v2", v, sizeof(v));
	da->reinit = da->v2 && !strcmp(v, "reinit");
	if (da->v2 && !da->reinit && strcmp(v, "on"))
		return -EINVAL;
	return strcmp(c->expect, "model") ? -EINVAL : 0;
}

static int check_drain(const struct mc_case *c, char *err, size_t len)
{
	struct drain_args da;

	return drain_parse(c, &da) ? bad_args(err, len,
					      "args take state=PRE_COPY|PRE_COPY_P2P, "
					      "chunk=1..4096 and v2=on|reinit, expect 'model'") :
				     0;
}

/*
 * v2=on: the MIG_PRECOPY_INFOv2 opt-in, after which REINIT may come (PRE-06 judges the
 * feature; here its absence skips). Non-zero when the case cannot go on (recorded).
 */
static int drain_opt_in(struct mc_ctx *ctx)
{
	uint8_t buf[sizeof(struct vfio_device_feature)] = { 0 };
	struct vfio_device_feature *hdr = (void *)buf;
	char text[160];
	int rc;

	if (ctx->di->precopy_v2_rc) {
		mc_skip(ctx, "feature 12 (MIG_PRECOPY_INFOv2) is %s",
			mc_uapi_v2_text(ctx->di->precopy_v2_rc, ctx->di->unknown_feature_rc,
					ctx->di->flags, text, sizeof(text)));
		return -EOPNOTSUPP;
	}
	hdr->argsz = sizeof(buf);
	hdr->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2;
	rc = mc_feature_raw(ctx->dev, buf, sizeof(buf));
	if (rc)
		mc_setup_violation(ctx, "PRE-06",
				   "SET of MIG_PRECOPY_INFOv2 failed with %s, though "
				   "its PROBE gave 0",
				   mc_errno_name(rc));
	return rc;
}

/* v2=reinit: the device made to need new initial data (a note when there is no way). */
static int drain_reinit(struct mc_ctx *ctx, size_t total)
{
	int rc = mc_dev_precopy_reinit(ctx->dev, false);

	if (rc == -EOPNOTSUPP)
		mc_note(ctx, "no known way to make this device need new initial data");
	else if (rc)
		mc_harness_error(ctx, "making the device need new initial data after %zu bytes: %s",
				 total, mc_errno_name(rc));
	return rc == -EOPNOTSUPP ? 0 : rc;
}

/* PRECOPY_INFO for PRE-02/03: a failure means this clause cannot be judged (PRE-01/05 do). */
static int info_or_skip(struct mc_ctx *ctx, int fd, size_t done, struct vfio_precopy_info *info)
{
	int rc = mc_precopy_info(ctx->dev, fd, info);

	if (rc)
		mc_skip(ctx,
			"PRECOPY_INFO failed after %zu bytes read: %s (judged by PRE-01/PRE-05)",
			done, mc_errno_name(rc));
	return rc;
}

/*
 * PRE_COPY convergence for the report: (bytes read, initial_bytes, dirty_bytes) after
 * each read, thinned to MC_SERIES_MAX points by keeping every step-th sample and
 * doubling the step when full; the last sample is always kept.
 */
struct conv {
	double x[MC_SERIES_MAX], ini[MC_SERIES_MAX], dirty[MC_SERIES_MAX];
	double last[3];
	unsigned n, step, seen;
	bool pending; /* @last is newer than the last kept point */
};

static void conv_add(struct conv *c, double x, const struct vfio_precopy_info *info)
{
	unsigned idx = c->seen++;

	c->last[0] = x;
	c->last[1] = (double)info->initial_bytes;
	c->last[2] = (double)info->dirty_bytes;
	c->pending = true;
	if (idx % c->step)
		return;
	if (c->n == MC_SERIES_MAX - 1) { /* one slot stays free for the last sample */
		for (unsigned i = 0; 2 * i < c->n; i++) {
			c->x[i] = c->x[2 * i];
			c->ini[i] = c->ini[2 * i];
			c->dirty[i] = c->dirty[2 * i];
		}
		c->n = (c->n + 1) / 2;
		c->step *= 2;
		if (idx % c->step)
			return;
	}
	c->x[c->n] = x;
	c->ini[c->n] = c->last[1];
	c->dirty[c->n++] = c->last[2];
	c->pending = false;
}

static void conv_report(struct mc_ctx *ctx, struct conv *c)
{
	if (c->pending) {
		c->x[c->n] = c->last[0];
		c->ini[c->n] = c->last[1];
		c->dirty[c->n++] = c->last[2];
	}
	mc_metric_series(ctx, "read_bytes", "B", c->x, c->n);
	mc_metric_series(ctx, "initial_bytes", "B", c->ini, c->n);
	mc_metric_series(ctx, "dirty_bytes", "B", c->dirty, c->n);
}

static void op_drain(struct mc_ctx *ctx)
{
	struct conv conv = { .step = 1 };
	struct drain_args da;
	struct vfio_precopy_info info;
	uint8_t buf[READ_CHUNK];
	uint64_t first, prev;
	size_t total = 0;
	unsigned reads = 0, reinits = 0;
	bool triggered;
	ssize_t n = 0;
	int fd;

	drain_parse(ctx->c, &da);
	triggered = !da.reinit;
	if ((da.v2 && drain_opt_in(ctx)) || mc_reach(ctx, da.state, &fd))
		return;
	if (info_or_skip(ctx, fd, 0, &info))
		goto out_close_fd;
	conv_add(&conv, 0, &info);
	if (info.dirty_bytes)
		mc_violation(ctx,
			     "right after the session opened in %s, dirty_bytes is %llu "
			     "(initial_bytes %llu); it must start at 0",
			     mc_state_name(da.state), (unsigned long long)info.dirty_bytes,
			     (unsigned long long)info.initial_bytes);
	first = prev = info.initial_bytes;
	while (reads < DRAIN_MAX_READS && total < DRAIN_MAX_BYTES) {
		n = mc_data_read(ctx->dev, fd, buf, da.chunk);
		if (n == 0 || n == -ENOMSG)
			break; /* the temporary end (PRE-03 judges how it is reported) */
		if (n < 0) {
			mc_skip(ctx, "read #%u in %s failed after %zu bytes: %s (judged by PRE-04)",
				reads + 1, mc_state_name(da.state), total, mc_errno_name((int)n));
			goto out_close_fd;
		}
		total += (size_t)n;
		reads++;
		if (!triggered && total >= REINIT_AFTER && drain_reinit(ctx, total))
			goto out_close_fd;
		triggered |= total >= REINIT_AFTER;
		if (info_or_skip(ctx, fd, total, &info))
			goto out_close_fd;
		conv_add(&conv, (double)total, &info);
		/* Only an answer carrying REINIT, after the opt-in, may raise it (PRE-09). */
		if (info.initial_bytes > prev && da.v2 && (info.flags & VFIO_PRECOPY_INFO_REINIT)) {
			mc_note(ctx, "REINIT after read #%u: initial_bytes %llu -> %llu", reads,
				(unsigned long long)prev, (unsigned long long)info.initial_bytes);
			reinits++;
		} else if (info.initial_bytes > prev) {
			mc_violation(ctx,
				     "initial_bytes grew from %llu to %llu after read #%u "
				     "(%zd bytes; %zu read in all, %zu-byte reads, %s)%s",
				     (unsigned long long)prev,
				     (unsigned long long)info.initial_bytes, reads, n, total,
				     da.chunk, mc_state_name(da.state),
				     info.flags & VFIO_PRECOPY_INFO_REINIT ?
					     "; REINIT was set, but the case never opted in" :
					     "");
			goto out_close_fd;
		}
		prev = info.initial_bytes;
	}
	mc_note(ctx,
		"%u reads of up to %zu bytes, %zu bytes: initial_bytes %llu -> %llu, %u "
		"REINIT%s",
		reads, da.chunk, total, (unsigned long long)first, (unsigned long long)prev,
		reinits, n > 0 ? " (stopped before the end of pre-copy data)" : "");
out_close_fd:
	if (conv.n)
		conv_report(ctx, &conv);
	mc_data_close(ctx->dev, fd);
}

/* Judge the read issued once PRECOPY_INFO said 0/0; false when data came after all. */
static bool judge_end_read(struct mc_ctx *ctx, ssize_t n, size_t total, uint32_t state)
{
	if (n > 0)
		return false;
	if (n == -ENOMSG)
		mc_note(ctx,
			"after %zu bytes PRECOPY_INFO reported initial_bytes 0 and dirty_bytes "
			"0 in %s and read() failed with ENOMSG",
			total, mc_state_name(state));
	else
		mc_violation(
			ctx,
			"at the temporary end of pre-copy data (after %zu bytes "
			"PRECOPY_INFO reported initial_bytes 0 and dirty_bytes 0 in %s) read() "
			"%s%s; it should fail with ENOMSG",
			total, mc_state_name(state),
			n ? "failed with " : "returned 0 (end of stream)",
			n ? mc_errno_name((int)n) : "");
	return true;
}

static void op_end(struct mc_ctx *ctx)
{
	struct drain_args da;
	struct vfio_precopy_info info;
	uint8_t buf[READ_CHUNK];
	size_t total = 0;
	int fd;

	drain_parse(ctx->c, &da);
	if (mc_reach(ctx, da.state, &fd))
		return;
	for (unsigned reads = 0; reads < END_MAX_READS && total < END_MAX_BYTES; reads++) {
		ssize_t n;

		if (info_or_skip(ctx, fd, total, &info))
			goto out_close_fd;
		n = mc_data_read(ctx->dev, fd, buf, da.chunk);
		if (!info.initial_bytes && !info.dirty_bytes &&
		    judge_end_read(ctx, n, total, da.state))
			goto out_close_fd;
		if (n > 0) {
			total += (size_t)n;
			continue;
		}
		mc_skip(ctx,
			"read() %s %s after %zu bytes while PRECOPY_INFO still reported "
			"initial_bytes %llu and dirty_bytes %llu: the temporary end the clause "
			"describes was not reached (PRE-02 judges the counters)",
			n ? "failed with" : "returned", n ? mc_errno_name((int)n) : "0", total,
			(unsigned long long)info.initial_bytes,
			(unsigned long long)info.dirty_bytes);
		goto out_close_fd;
	}
	mc_skip(ctx, "pre-copy data did not run out within %zu bytes", total);
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

/* ------------------------------------------------------------------ PRE-04 */

/* Where a part of the stream was read: the destination writes it as one piece. */
struct part {
	uint32_t state;
	size_t off, len;
};

static int check_stream(const struct mc_case *c, char *err, size_t len)
{
	char via[16], pre[16];
	bool ok = mc_case_arg(c, "via", via, sizeof(via)) &&
		  mc_case_arg(c, "precopy", pre, sizeof(pre)) &&
		  (!strcmp(via, "direct") || !strcmp(via, "p2p")) &&
		  (!strcmp(pre, "part") || !strcmp(pre, "all")) && !strcmp(c->expect, "model");

	return ok ? 0 :
		    bad_args(err, len, "args need via=direct|p2p,precopy=part|all, expect 'model'");
}

int mc_pre_sbuf_reserve(struct mc_pre_sbuf *sb, size_t more)
{
	return mc_reserve(&sb->p, &sb->cap, sb->len + more, 1, 16 * READ_CHUNK);
}

/*
 * Append up to @max bytes read from @fd to @sb, stopping at end of stream (0) or, with
 * @precopy, at ENOMSG. 0 at such an end, 1 when @max bytes came, or a failed read's
 * -errno.
 */
static int read_into(struct mc_ctx *ctx, int fd, size_t max, bool precopy, struct mc_pre_sbuf *sb)
{
	for (size_t got = 0; got < max;) {
		size_t ask = max - got < READ_CHUNK ? max - got : READ_CHUNK;
		ssize_t n;

		if (mc_pre_sbuf_reserve(sb, ask))
			return -ENOMEM;
		n = mc_data_read(ctx->dev, fd, sb->p + sb->len, ask);
		if (n == 0 || (precopy && n == -ENOMSG))
			return 0;
		if (n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		sb->len += (size_t)n;
		got += (size_t)n;
	}
	return 1;
}

/* SET @to inside the saving group; the session must go on on @fd. */
static int move_in_group(struct mc_ctx *ctx, uint32_t from, uint32_t to)
{
	int nfd = -1, rc = mc_set_state(ctx->dev, to, &nfd);

	if (rc) {
		mc_setup_violation(ctx, "FSM-01", "SET %s->%s, which the model allows, failed: %s",
				   mc_state_name(from), mc_state_name(to), mc_errno_name(rc));
		return rc;
	}
	if (nfd >= 0) {
		mc_note(ctx,
			"SET %s->%s returned a new data_fd (judged by FSM-08); reading on "
			"the original fd",
			mc_state_name(from), mc_state_name(to));
		mc_data_close(ctx->dev, nfd);
	}
	return 0;
}

/*
 * Resume @np parts of @buf on the destination: the peer when --peer was given, else the
 * device. 0 when RESUMING->STOP succeeded; 1 when the destination refused (@why says
 * where); -errno after a harness error.
 */
static int resume_parts(struct mc_ctx *ctx, const uint8_t *buf, const struct part *pt, int np,
			char *why, size_t wlen)
{
	struct mc_ctx dst = *ctx;
	char err[256];
	uint64_t flags;
	int fd, rc = 0;

	dst.cell = NULL;
	if (ctx->di->peer_spec) {
		rc = mc_dev_open(ctx->di->peer_spec, &dst.dev, err, sizeof(err));
		if (rc) {
			mc_harness_error(ctx, "opening the peer: %s", err);
			return rc;
		}
		rc = mc_get_flags(dst.dev, &flags);
		if (rc) {
			mc_harness_error(ctx, "peer %s: GET MIGRATION: %s", ctx->di->peer_spec,
					 mc_errno_name(rc));
			goto out_close_peer;
		}
		dst.flags = flags & 7;
	}
	rc = mc_reach(&dst, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (rc)
		goto out_close_peer;
	for (int i = 0; i < np && !rc; i++) {
		ssize_t n = pt[i].len ? mc_write_all(dst.dev, fd, buf + pt[i].off, pt[i].len,
						     pt[i].len) :
					0;

		if (n < 0) {
			snprintf(why, wlen,
				 "writing the %zu bytes read in %s (stream offset %zu) "
				 "failed: %s",
				 pt[i].len, mc_state_name(pt[i].state), pt[i].off,
				 mc_errno_name((int)n));
			rc = 1;
		}
	}
	if (!rc) {
		rc = mc_set_state(dst.dev, VFIO_DEVICE_STATE_STOP, NULL);
		if (rc)
			snprintf(why, wlen,
				 "every byte was written, then RESUMING->STOP failed: %s",
				 mc_errno_name(rc));
		rc = rc ? 1 : 0;
	}
	mc_data_close(dst.dev, fd);
out_close_peer:
	if (dst.dev != ctx->dev) {
		mc_reset(dst.dev);
		mc_dev_close(dst.dev);
	}
	return rc;
}

/* "100 bytes in PRE_COPY + 65724 in STOP_COPY" */
static void describe_parts(const struct part *pt, int np, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < np && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%zu bytes in %s",
					 i ? " + " : "", pt[i].len, mc_state_name(pt[i].state));
}

/*
 * Read one part of the stream in @state: PART_BYTES with @part, else to the (temporary)
 * end. False, with the verdict recorded, when that went wrong.
 */
static bool read_part(struct mc_ctx *ctx, int fd, uint32_t state, bool part, struct mc_pre_sbuf *sb,
		      struct part *pt)
{
	size_t off = sb->len;
	int rc = read_into(ctx, fd, part ? PART_BYTES : STREAM_LIMIT - off,
			   state != VFIO_DEVICE_STATE_STOP_COPY, sb);

	*pt = (struct part){ state, off, sb->len - off };
	if (rc < 0)
		mc_violation(ctx, "a read in %s failed after %zu bytes (%zu of them in %s): %s",
			     mc_state_name(state), sb->len, pt->len, mc_state_name(state),
			     mc_errno_name(rc));
	else if (rc && !part)
		mc_harness_error(ctx, "the stream grew past %llu bytes in %s",
				 (unsigned long long)STREAM_LIMIT, mc_state_name(state));
	return rc == 0 || (rc == 1 && part);
}

static void op_stream(struct mc_ctx *ctx)
{
	char via[16], pre[16], why[256] = "", parts[160], dest[192];
	struct mc_pre_sbuf sb = { 0 };
	struct part pt[3];
	int fd, np = 0, rc;
	bool part;

	mc_case_arg(ctx->c, "via", via, sizeof(via));
	mc_case_arg(ctx->c, "precopy", pre, sizeof(pre));
	part = !strcmp(pre, "part");
	if (ctx->di->peer_spec)
		snprintf(dest, sizeof(dest), "the peer %s", ctx->di->peer_spec);
	else
		snprintf(dest, sizeof(dest), "the device");
	if (mc_reach(ctx, VFIO_DEVICE_STATE_PRE_COPY, &fd))
		return;
	if (!read_part(ctx, fd, VFIO_DEVICE_STATE_PRE_COPY, part, &sb, &pt[np++]))
		goto out_close_fd;
	if (!strcmp(via, "p2p") &&
	    (move_in_group(ctx, VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P) ||
	     !read_part(ctx, fd, VFIO_DEVICE_STATE_PRE_COPY_P2P, part, &sb, &pt[np++])))
		goto out_close_fd;
	if (move_in_group(ctx, pt[np - 1].state, VFIO_DEVICE_STATE_STOP_COPY) ||
	    !read_part(ctx, fd, VFIO_DEVICE_STATE_STOP_COPY, false, &sb, &pt[np++]))
		goto out_close_fd;
	mc_data_close(ctx->dev, fd);
	fd = -1;
	describe_parts(pt, np, parts, sizeof(parts));
	rc = resume_parts(ctx, sb.p, pt, np, why, sizeof(why));
	if (rc == 1)
		mc_violation(ctx, "the %zu-byte stream (%s) did not resume on %s: %s", sb.len,
			     parts, dest, why);
	else if (!rc)
		mc_note(ctx, "the %zu-byte stream (%s) resumed on %s", sb.len, parts, dest);
	else
		mc_note(ctx, "(the destination was %s)", dest);
out_close_fd:
	mc_data_close(ctx->dev, fd);
	free(sb.p);
}

/* ------------------------------------------------------------------ PRE-05 */

struct ioctl_args {
	uint32_t argsz;
	unsigned long cmd;
	int want; /* 0 or an errno */
};

static int ioctl_parse(const struct mc_case *c, struct ioctl_args *ia)
{
	char v[32];
	uint64_t n;

	ia->argsz = sizeof(struct vfio_precopy_info);
	ia->cmd = VFIO_MIG_GET_PRECOPY_INFO;
	if (mc_case_arg(c, "argsz", v, sizeof(v))) {
		if (mc_num_parse(v, 0, 0, 4096, &n))
			return -EINVAL;
		ia->argsz = (uint32_t)n;
	}
	if (mc_case_arg(c, "cmd", v, sizeof(v))) {
		if (mc_num_parse(v, 0, 1, ULONG_MAX, &n))
			return -EINVAL;
		ia->cmd = n;
	}
	ia->want = mc_errno_parse(c->expect);
	return ia->want < 0 ? -EINVAL : 0;
}

static int check_ioctl(const struct mc_case *c, char *err, size_t len)
{
	struct ioctl_args ia;

	return ioctl_parse(c, &ia) ? bad_args(err, len,
					      "args take argsz=0..4096 and cmd=<ioctl "
					      "number>, expect ok or an errno name") :
				     0;
}

/* A hand-made struct vfio_precopy_info (24 bytes whatever argsz says) on the PRE_COPY fd. */
static void op_ioctl(struct mc_ctx *ctx)
{
	struct ioctl_args ia;
	struct vfio_precopy_info info = {
		.initial_bytes = CANARY64,
		.dirty_bytes = CANARY64,
	};
	int fd, rc;

	ioctl_parse(ctx->c, &ia);
	info.argsz = ia.argsz;
	if (mc_reach(ctx, VFIO_DEVICE_STATE_PRE_COPY, &fd))
		return;
	rc = mc_data_ioctl(ctx->dev, fd, ia.cmd, &info);
	if (rc != -ia.want)
		mc_violation(ctx,
			     "ioctl %#lx with argsz %u on the save fd in PRE_COPY returned %s, "
			     "expected %s",
			     ia.cmd, ia.argsz, mc_errno_name(rc), mc_errno_name(-ia.want));
	else if (!rc && info.initial_bytes == CANARY64 && info.dirty_bytes == CANARY64)
		mc_violation(ctx,
			     "PRECOPY_INFO with argsz %u returned 0 but wrote neither "
			     "initial_bytes nor dirty_bytes",
			     ia.argsz);
	else if (!rc)
		mc_note(ctx, "initial_bytes %llu, dirty_bytes %llu",
			(unsigned long long)info.initial_bytes,
			(unsigned long long)info.dirty_bytes);
	mc_data_close(ctx->dev, fd);
}

const struct mc_op mc_ops_pre[] = {
	{ .name = "precopy_info_state", .expand = MC_EXPAND_STATE, .run = op_info_state },
	{ .name = "precopy_drain", .check = check_drain, .run = op_drain },
	{ .name = "precopy_end", .check = check_drain, .run = op_end },
	{ .name = "precopy_stream", .check = check_stream, .run = op_stream },
	{ .name = "precopy_ioctl", .check = check_ioctl, .run = op_ioctl },
	{ .name = NULL },
};

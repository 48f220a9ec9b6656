// SPDX-License-Identifier: GPL-2.0-only
/*
 * PRE operations of the Linux 7.1 uAPI (SPEC §16.1): feature 12, MIG_PRECOPY_INFOv2, on
 * devices with and without PRE_COPY (PRE-06); PRECOPY_INFO's flags after the opt-in
 * (PRE-07) and without it (PRE-08); REINIT, new initial data in the middle of pre-copy
 * (PRE-09); the opt-in ending with a close of the device (PRE-10).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "kinfo.h"
#include "migcheck.h"
#include "model.h"
#include "op_pre_priv.h"
#include "ops.h"
#include "runopts.h"
#include "walker.h"

#define READ_CHUNK 4096
#define REINIT_MAX_READS 5000		      /* PRE-09 reads at most this many chunks... */
#define REINIT_MAX_BYTES (64u << 20)	      /* ...and this many bytes before STOP_COPY */
#define BEFORE_TRIGGER (2 * READ_CHUNK + 100) /* read first: past a record boundary */
#define PAYLOAD_LEN 8			      /* PRE-06's SET "with a payload" */
#define NOT_REINIT 0xfffffffeu		      /* every flag bit but REINIT: an echo shows */

static const char *rc_text(int rc)
{
	return rc ? mc_errno_name(rc) : "0";
}

/* VFIO_DEVICE_FEATURE on feature 12 with @flags and @plen bytes of payload (0xa5). */
static int feature12(struct mc_ctx *ctx, uint32_t flags, uint32_t plen)
{
	uint8_t buf[sizeof(struct vfio_device_feature) + PAYLOAD_LEN];
	struct vfio_device_feature *hdr = (void *)buf;

	memset(buf, 0xa5, sizeof(buf));
	hdr->argsz = (uint32_t)sizeof(*hdr) + plen;
	hdr->flags = flags | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2;
	return mc_feature_raw(ctx->dev, buf, sizeof(*hdr) + plen);
}

/* PRECOPY_INFO with the caller's flags set to @flags. */
static int info_with(struct mc_ctx *ctx, int fd, uint32_t flags, struct vfio_precopy_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->flags = flags;
	return mc_data_ioctl(ctx->dev, fd, VFIO_MIG_GET_PRECOPY_INFO, info);
}

static int info_or_skip(struct mc_ctx *ctx, int fd, uint32_t flags, struct vfio_precopy_info *info)
{
	int rc = info_with(ctx, fd, flags, info);

	if (rc)
		mc_skip(ctx, "PRECOPY_INFO failed: %s (judged by PRE-01/PRE-05)",
			mc_errno_name(rc));
	return rc;
}

/* Skip, with the preflight's answer, when the kernel has no feature 12. */
static bool v2_absent(struct mc_ctx *ctx)
{
	char text[160];

	if (!ctx->di->precopy_v2_rc)
		return false;
	mc_skip(ctx, "feature 12 (MIG_PRECOPY_INFOv2) is %s",
		mc_uapi_v2_text(ctx->di->precopy_v2_rc, ctx->di->unknown_feature_rc, ctx->di->flags,
				text, sizeof(text)));
	return true;
}

/* SET feature 12 (the opt-in); a failure after a PROBE that said yes breaks PRE-06. */
static int opt_in(struct mc_ctx *ctx)
{
	int rc = feature12(ctx, VFIO_DEVICE_FEATURE_SET, 0);

	if (rc)
		mc_setup_violation(ctx, "PRE-06",
				   "SET of MIG_PRECOPY_INFOv2 failed with %s, though "
				   "its PROBE gave 0",
				   mc_errno_name(rc));
	return rc;
}

static int check_state(const struct mc_case *c, char *err, size_t len)
{
	char v[32];
	int64_t s = VFIO_DEVICE_STATE_PRE_COPY;

	if (mc_case_arg(c, "state", v, sizeof(v)))
		s = mc_state_parse(v);
	if ((s == VFIO_DEVICE_STATE_PRE_COPY || s == VFIO_DEVICE_STATE_PRE_COPY_P2P) &&
	    !strcmp(c->expect, "model"))
		return 0;
	snprintf(err, len, "args take state=PRE_COPY|PRE_COPY_P2P, expect 'model'");
	return -EINVAL;
}

static uint32_t row_state(const struct mc_ctx *ctx)
{
	char v[32];

	return mc_case_arg(ctx->c, "state", v, sizeof(v)) ? (uint32_t)mc_state_parse(v) :
							    VFIO_DEVICE_STATE_PRE_COPY;
}

/* ------------------------------------------------------------------ PRE-06 */

static void op_v2_feature(struct mc_ctx *ctx)
{
	bool pre = ctx->di->flags & VFIO_MIGRATION_PRE_COPY;
	int unk = ctx->di->unknown_feature_rc;
	int probe = feature12(ctx, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET, 0);
	int set = feature12(ctx, VFIO_DEVICE_FEATURE_SET, 0);
	int setp = feature12(ctx, VFIO_DEVICE_FEATURE_SET, PAYLOAD_LEN);
	char what[160];

	snprintf(what, sizeof(what), "PROBE gave %s, SET %s, SET with an %d-byte payload %s",
		 rc_text(probe), rc_text(set), PAYLOAD_LEN, rc_text(setp));
	if (probe == -ENOTTY && set == -ENOTTY && setp == -ENOTTY) {
		mc_skip(ctx, "feature 12 (MIG_PRECOPY_INFOv2) not supported: PROBE gave ENOTTY "
			     "(kernel before 7.1)");
	} else if (pre && !probe && !set && !setp) {
		mc_note(ctx, "PRE_COPY device: %s", what);
	} else if (pre && probe == unk && set == unk && setp == unk) {
		mc_skip(ctx,
			"feature 12 (MIG_PRECOPY_INFOv2) not supported: %s, as an unknown "
			"feature does on this kernel (before 7.1)",
			what);
	} else if (pre) {
		mc_violation(ctx,
			     "on a device that advertises PRE_COPY feature 12: %s; PROBE and "
			     "both SETs must give 0",
			     what);
	} else if (probe == -EINVAL && set == -EINVAL && setp == -EINVAL) {
		mc_note(ctx, "device without PRE_COPY: %s%s", what,
			unk == -EINVAL ? " (an unknown feature gives EINVAL too on this kernel)" :
					 "");
	} else {
		mc_violation(ctx,
			     "on a device without PRE_COPY feature 12: %s; each must be EINVAL",
			     what);
	}
}

/* ------------------------------------------------------------------ PRE-07 */

static void op_v2_flags(struct mc_ctx *ctx)
{
	static const uint32_t in[] = { 0, NOT_REINIT, 0x2, 0x80000000u, 0xffffffffu };
	uint32_t s = row_state(ctx);
	struct vfio_precopy_info info;
	int fd;

	if (v2_absent(ctx) || opt_in(ctx) || mc_reach(ctx, s, &fd))
		return;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		if (info_or_skip(ctx, fd, in[i], &info))
			goto out_close_fd;
		if (info.flags & ~VFIO_PRECOPY_INFO_REINIT) {
			mc_violation(ctx,
				     "after the opt-in PRECOPY_INFO in %s given flags %#x "
				     "returned flags %#x; only REINIT (bit 0) may be set",
				     mc_state_name(s), in[i], info.flags);
			goto out_close_fd;
		}
		if (info.flags)
			mc_note(ctx,
				"given flags %#x: REINIT (initial_bytes %llu, dirty_bytes %llu)",
				in[i], (unsigned long long)info.initial_bytes,
				(unsigned long long)info.dirty_bytes);
	}
	mc_note(ctx, "after the opt-in, flags %#x, %#x, %#x, %#x and %#x came back cleared in %s",
		in[0], in[1], in[2], in[3], in[4], mc_state_name(s));
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

/* ------------------------------------------------------------------ PRE-08 */

/* Read up to @len bytes of the session (less at its temporary end); -errno or bytes. */
static ssize_t read_some(struct mc_ctx *ctx, int fd, size_t len)
{
	uint8_t buf[READ_CHUNK];
	size_t got = 0;

	while (got < len) {
		ssize_t n = mc_data_read(ctx->dev, fd, buf,
					 len - got < sizeof(buf) ? len - got : sizeof(buf));

		if (n == 0 || n == -ENOMSG)
			break;
		if (n < 0)
			return n;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void op_v1_flags(struct mc_ctx *ctx)
{
	uint32_t s = row_state(ctx);
	struct vfio_precopy_info info;
	bool echo;
	int fd, rc;

	if (mc_reach(ctx, s, &fd))
		return;
	if (info_or_skip(ctx, fd, NOT_REINIT, &info))
		goto out_close_fd;
	if (info.flags != NOT_REINIT && info.flags) {
		mc_violation(ctx,
			     "without the opt-in PRECOPY_INFO in %s given flags %#x returned "
			     "%#x: %s",
			     mc_state_name(s), NOT_REINIT, info.flags,
			     info.flags & VFIO_PRECOPY_INFO_REINIT ?
				     "REINIT is set" :
				     "neither the caller's flags nor 0");
		goto out_close_fd;
	}
	echo = info.flags == NOT_REINIT;
	mc_metric_value(ctx, "flags_echoed", "", echo);
	mc_note(ctx, "without the opt-in the caller's flags came back %s",
		echo ? "unchanged (the echo of 6.12 drivers)" : "as 0");
	if (mc_dev_precopy_reinit(ctx->dev, true)) {
		mc_note(ctx, "no known way to make this device need new initial data: REINIT "
			     "without the opt-in was only looked for in that answer");
		goto out_close_fd;
	}
	rc = (int)read_some(ctx, fd, BEFORE_TRIGGER);
	if (rc >= 0)
		rc = mc_dev_precopy_reinit(ctx->dev, false);
	if (rc < 0) {
		mc_harness_error(ctx, "reading on or making the device need new initial data: %s",
				 mc_errno_name(rc));
		goto out_close_fd;
	}
	if (info_or_skip(ctx, fd, 0, &info))
		goto out_close_fd;
	if (info.flags)
		mc_violation(ctx,
			     "without the opt-in, after the device needed new initial data, "
			     "PRECOPY_INFO given flags 0 returned %#x%s",
			     info.flags, info.flags & VFIO_PRECOPY_INFO_REINIT ? " (REINIT)" : "");
	else
		mc_note(ctx,
			"after the device needed new initial data: initial_bytes %llu, "
			"dirty_bytes %llu, no REINIT",
			(unsigned long long)info.initial_bytes,
			(unsigned long long)info.dirty_bytes);
out_close_fd:
	mc_data_close(ctx->dev, fd);
}

/* ------------------------------------------------------------------ PRE-09 */

/* One read of at most READ_CHUNK into @sb: bytes, 0 at an end (0 or ENOMSG), or -errno. */
static ssize_t read_chunk(struct mc_ctx *ctx, int fd, struct mc_pre_sbuf *sb)
{
	ssize_t n;

	if (mc_pre_sbuf_reserve(sb, READ_CHUNK))
		return -ENOMEM;
	do
		n = mc_data_read(ctx->dev, fd, sb->p + sb->len, READ_CHUNK);
	while (n == -EINTR);
	if (n == -ENOMSG)
		return 0;
	if (n > 0)
		sb->len += (size_t)n;
	return n;
}

struct reinit_run {
	unsigned reinits;
	uint64_t prev;	    /* initial_bytes of the last answer */
	uint64_t first_new; /* initial_bytes of the first REINIT answer */
};

/* Judge one answer; false after a violation. */
static bool judge_answer(struct mc_ctx *ctx, const struct vfio_precopy_info *info, size_t done,
			 struct reinit_run *rr)
{
	if (info->flags & VFIO_PRECOPY_INFO_REINIT) {
		/* initial_bytes "may" be anything (uAPI): only dirty_bytes has a rule. */
		if (info->dirty_bytes) {
			mc_violation(
				ctx,
				"the answer carrying REINIT after %zu bytes read has "
				"dirty_bytes %llu (initial_bytes %llu); dirty_bytes must reset to "
				"0 with the new initial data",
				done, (unsigned long long)info->dirty_bytes,
				(unsigned long long)info->initial_bytes);
			return false;
		}
		if (!rr->reinits++)
			rr->first_new = info->initial_bytes;
	} else if (info->initial_bytes > rr->prev) {
		mc_violation(ctx,
			     "initial_bytes grew from %llu to %llu after %zu bytes read without "
			     "REINIT%s",
			     (unsigned long long)rr->prev, (unsigned long long)info->initial_bytes,
			     done, rr->reinits ? " (after a REINIT answer)" : "");
		return false;
	}
	rr->prev = info->initial_bytes;
	return true;
}

/* Write @sb to the device in RESUMING and SET STOP; false with the violation recorded. */
static bool resumes(struct mc_ctx *ctx, const struct mc_pre_sbuf *sb, unsigned reinits)
{
	ssize_t n;
	int fd, rc;

	if (mc_reach(ctx, VFIO_DEVICE_STATE_RESUMING, &fd))
		return false;
	n = mc_write_all(ctx->dev, fd, sb->p, sb->len, READ_CHUNK);
	rc = n < 0 ? (int)n : mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP, NULL);
	mc_data_close(ctx->dev, fd);
	if (rc)
		mc_violation(ctx,
			     "the %zu-byte stream read across %u REINIT(s) did not resume: %s "
			     "failed with %s",
			     sb->len, reinits, n < 0 ? "a write" : "RESUMING->STOP",
			     mc_errno_name(rc));
	return !rc;
}

/* Read pre-copy data with PRECOPY_INFO before each read, to its temporary end. */
static int read_judged(struct mc_ctx *ctx, int fd, struct mc_pre_sbuf *sb, struct reinit_run *rr)
{
	struct vfio_precopy_info info;
	ssize_t n = 1;

	for (unsigned reads = 0; n > 0; reads++) {
		if (reads == REINIT_MAX_READS || sb->len >= REINIT_MAX_BYTES) {
			mc_skip(ctx, "pre-copy data did not run out within %zu bytes", sb->len);
			return -EFBIG;
		}
		if (info_or_skip(ctx, fd, 0, &info))
			return -EIO;
		if (!judge_answer(ctx, &info, sb->len, rr))
			return -EPROTO;
		n = read_chunk(ctx, fd, sb);
	}
	if (n < 0) {
		mc_violation(ctx, "a read in PRE_COPY failed after %zu bytes: %s", sb->len,
			     mc_errno_name((int)n));
		return (int)n;
	}
	if (info_or_skip(ctx, fd, 0, &info))
		return -EIO;
	if (!judge_answer(ctx, &info, sb->len, rr))
		return -EPROTO;
	if (info.initial_bytes) {
		mc_violation(ctx,
			     "pre-copy data ran out after %zu bytes while initial_bytes still "
			     "said %llu: the new initial data was not all served",
			     sb->len, (unsigned long long)info.initial_bytes);
		return -EPROTO;
	}
	return 0;
}

static void op_reinit(struct mc_ctx *ctx)
{
	struct reinit_run rr = { 0 };
	struct vfio_precopy_info info;
	bool trigger = !mc_dev_precopy_reinit(ctx->dev, true);
	struct mc_pre_sbuf sb = { 0 };
	char why[256];
	int fd, rc = 0;

	if (v2_absent(ctx) || opt_in(ctx) || mc_reach(ctx, VFIO_DEVICE_STATE_PRE_COPY, &fd))
		return;
	if (info_or_skip(ctx, fd, 0, &info))
		goto out_close_fd;
	rr.prev = info.initial_bytes;
	while (trigger && sb.len < BEFORE_TRIGGER && (rc = (int)read_chunk(ctx, fd, &sb)) > 0)
		;
	/* Pages already sent made dirty (RES-02's writes), so that a REINIT has some to drop. */
	if (trigger && rc >= 0 && ctx->di->dirty)
		rc = mc_regacc_write(ctx->dev, ctx->di->dirty, why, sizeof(why));
	if (trigger && rc >= 0)
		rc = mc_dev_precopy_reinit(ctx->dev, false);
	if (rc < 0) {
		mc_harness_error(ctx,
				 "reading %d bytes, dirtying or making the device need new "
				 "initial data: %s",
				 BEFORE_TRIGGER, mc_errno_name(rc));
		goto out_close_fd;
	}
	if (read_judged(ctx, fd, &sb, &rr))
		goto out_close_fd;
	if (!rr.reinits) {
		mc_skip(ctx, "%s",
			trigger ?
				"the device answered the need for new initial data "
				"without REINIT (it may re-send dirty data instead; PRE-02 judges the counters)" :
				"no REINIT was seen and this device has no known way to make one (the "
				"backend knows no trigger)");
		goto out_close_fd;
	}
	if (mc_set_state(ctx->dev, VFIO_DEVICE_STATE_STOP_COPY, NULL)) {
		mc_setup_violation(ctx, "FSM-01", "SET PRE_COPY->STOP_COPY failed");
		goto out_close_fd;
	}
	while ((rc = (int)read_chunk(ctx, fd, &sb)) > 0)
		;
	if (rc < 0) {
		mc_violation(ctx, "a read in STOP_COPY failed after %zu bytes: %s", sb.len,
			     mc_errno_name(rc));
		goto out_close_fd;
	}
	mc_data_close(ctx->dev, fd);
	fd = -1;
	if (resumes(ctx, &sb, rr.reinits))
		mc_note(ctx,
			"%u REINIT(s), the first with initial_bytes %llu; the %zu-byte stream "
			"resumed",
			rr.reinits, (unsigned long long)rr.first_new, sb.len);
out_close_fd:
	mc_data_close(ctx->dev, fd);
	free(sb.p);
}

/* ------------------------------------------------------------------ PRE-10 */

/* The flags PRECOPY_INFO gives back for NOT_REINIT in a fresh PRE_COPY session. */
static int flags_now(struct mc_ctx *ctx, uint32_t *out)
{
	struct vfio_precopy_info info;
	int fd, rc;

	rc = mc_reach(ctx, VFIO_DEVICE_STATE_PRE_COPY, &fd);
	if (rc)
		return rc;
	rc = info_or_skip(ctx, fd, NOT_REINIT, &info);
	*out = info.flags;
	mc_data_close(ctx->dev, fd);
	return rc;
}

static void op_v2_reopen(struct mc_ctx *ctx)
{
	uint32_t before, during, after;
	char err[512];
	int rc;

	if (v2_absent(ctx) || flags_now(ctx, &before) || opt_in(ctx) || flags_now(ctx, &during))
		return;
	if (during == before) {
		mc_skip(ctx,
			"flags came back %#x before and after the opt-in: a reopen cannot "
			"show whether it ended (PRE-07 judges the flags)",
			during);
		return;
	}
	mc_reset(ctx->dev);
	mc_dev_close(ctx->dev);
	ctx->dev = NULL;
	rc = mc_dev_open(ctx->di->device_spec, &ctx->dev, err, sizeof(err));
	if (rc) {
		mc_harness_error(ctx, "opening the device again: %s", err);
		return;
	}
	mc_dev_set_watch(ctx->dev, ctx->watch);
	if (flags_now(ctx, &after))
		return;
	if (after != before)
		mc_violation(ctx,
			     "after a close and a reopen PRECOPY_INFO given flags %#x returned "
			     "%#x, as after the opt-in (%#x), not as before it (%#x): the opt-in "
			     "survived the close",
			     NOT_REINIT, after, during, before);
	else
		mc_note(ctx,
			"flags came back %#x before the opt-in, %#x after it, %#x after a "
			"close and a reopen",
			before, during, after);
}

const struct mc_op mc_ops_pre2[] = {
	{ .name = "precopy_v2_feature", .run = op_v2_feature },
	{ .name = "precopy_v2_flags", .check = check_state, .run = op_v2_flags },
	{ .name = "precopy_v1_flags", .check = check_state, .run = op_v1_flags },
	{ .name = "precopy_reinit", .run = op_reinit },
	{ .name = "precopy_v2_reopen", .run = op_v2_reopen },
	{ .name = NULL },
};

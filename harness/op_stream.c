// SPDX-License-Identifier: GPL-2.0-only
/*
 * SAVE operations and the steps every stream operation shares (op_stream.h; the RES
 * operations are in op_resume.c): the save side of the data fd is a stream, ends for
 * good, and does not depend on how it is read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctx.h"
#include "errname.h"
#include "exercise.h"
#include "migcheck.h"
#include "model.h"
#include "num.h"
#include "op_stream.h"
#include "ops.h"
#include "runopts.h"
#include "stream.h"
#include "walker.h"

/* ---------------------------------------------------------------- shared steps */

/* The sample offsets and damage of the RES cases: xorshift64, seeded from --seed. */
void mc_xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
}

void mc_run_io_opts(const struct mc_ctx *ctx, struct mc_io_opts *o, const struct mc_plan *p)
{
	memset(o, 0, sizeof(*o));
	o->plan = p;
	o->io = (enum mc_io)ctx->di->io;
	o->limit = 1ull << 40;
	o->eagain_ms = 1000;
	o->max_eintr = 100;
}

/* The plan named by the row's plan= argument ("one" when absent). */
int mc_case_plan(const struct mc_case *c, struct mc_plan *p, char *err, size_t len)
{
	char v[96] = "one";

	mc_case_arg(c, "plan", v, sizeof(v));
	return mc_plan_parse(v, p, err, len);
}

int mc_check_plan_arg(const struct mc_case *c, char *err, size_t len)
{
	struct mc_plan p;
	uint64_t n;
	char v[96];

	if (strcmp(c->expect, "-") ||
	    (!mc_case_arg(c, "plan", v, sizeof(v)) && !mc_case_arg(c, "splits", v, sizeof(v)))) {
		snprintf(err, len, "needs plan=PLAN (or splits=N), expect '-'");
		return -EINVAL;
	}
	if (mc_case_num(c, "splits", MC_NUM_DEC, 0, MC_SPLITS_MAX, 0, &n, err, len))
		return -EINVAL;
	return mc_case_plan(c, &p, err, len);
}

const char *mc_plan_text(const struct mc_plan *p, char *buf, size_t len)
{
	mc_plan_format(p, buf, len);
	return buf;
}

/*
 * Save a whole stream: reset, reach STOP_COPY directly (@via_pre false) or through
 * PRE_COPY reading the pre-copy data first, and read to the end with @p. Returns 0,
 * or -errno with the reason recorded: a harness error for setup, the row's clause for
 * a read that fails.
 */
static int save_whole_stream(struct mc_ctx *ctx, const struct mc_plan *p, bool via_pre,
			     struct mc_stream *out, struct mc_save_result *sr)
{
	struct mc_io_opts o;
	char pt[96];
	int fd, rc;

	mc_run_io_opts(ctx, &o, p);
	if (mc_reach(ctx, via_pre ? ST_PRE_COPY : ST_STOP_COPY, &fd))
		return -EIO;
	if (via_pre) {
		o.stop_at_enomsg = true;
		rc = mc_stream_save(ctx->dev, fd, &o, out, sr);
		if (rc && rc != -ENOMSG) {
			mc_violation(
				ctx,
				"reading pre-copy data with plan %s failed after %llu bytes: %s",
				mc_plan_text(p, pt, sizeof(pt)), (unsigned long long)sr->bytes,
				mc_errno_name(rc));
			goto out;
		}
		rc = mc_set_state(ctx->dev, ST_STOP_COPY, NULL);
		if (rc) {
			mc_violation(ctx, "SET PRE_COPY->STOP_COPY failed: %s", mc_errno_name(rc));
			goto out;
		}
		o.stop_at_enomsg = false;
	}
	rc = mc_stream_save(ctx->dev, fd, &o, out, sr);
	if (rc)
		mc_violation(
			ctx,
			"reading the stream in STOP_COPY with plan %s failed after %llu bytes: %s",
			mc_plan_text(p, pt, sizeof(pt)), (unsigned long long)out->len,
			mc_errno_name(rc));
out:
	mc_data_close(ctx->dev, fd);
	return rc;
}

/* The reference stream (from --peer, or saved from the device before the cases ran). */
bool mc_reference_stream(struct mc_ctx *ctx, struct mc_stream *s)
{
	if (!ctx->di->stream || !ctx->di->stream_len) {
		mc_no_ref_stream(ctx, "for this case");
		return false;
	}
	mc_stream_wrap(s, ctx->di->stream, ctx->di->stream_len);
	return true;
}

/*
 * Reach RESUMING, write [@off, @off+@len) of @s with @p, SET STOP, GET. Returns 0 or
 * -errno when the harness could not set up (recorded).
 */
int mc_resume_attempt(struct mc_ctx *ctx, const struct mc_stream *s, uint64_t off, uint64_t len,
		      const struct mc_plan *p, bool cont, struct mc_attempt *a)
{
	struct mc_io_opts o;
	int fd;

	memset(a, 0, sizeof(*a));
	mc_run_io_opts(ctx, &o, p);
	o.continue_after_error = cont;
	if (mc_reach(ctx, ST_RESUMING, &fd))
		return -EIO;
	a->write_rc = len ? mc_stream_resume(ctx->dev, fd, s, off, len, &o, &a->rr) : 0;
	a->stop_rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	a->get_rc = mc_get_state(ctx->dev, &a->state);
	mc_data_close(ctx->dev, fd);
	return 0;
}

/* "acked 24 of 96 bytes (first error EFAULT at 0)" */
static const char *acked_text(const struct mc_attempt *a, uint64_t offered, char *buf, size_t len)
{
	int n = snprintf(buf, len, "the device acknowledged %llu of %llu bytes",
			 (unsigned long long)a->rr.acked, (unsigned long long)offered);

	if (a->rr.first_err && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (first failed write: %s at offset %llu)",
			 mc_errno_name(a->rr.first_err), (unsigned long long)a->rr.first_err_off);
	return buf;
}

/*
 * RES-05: the restored device can be used through its regions: each of the first
 * registers of every readable BAR read on its own, then every readable region (config
 * space included) whole up to a bound (mc_exercise_dev). Reads only: the device is stopped, and
 * a certification must not write registers of a device it knows nothing about.
 * Returns false with a violation recorded.
 */
static bool mc_exercise_regions(struct mc_ctx *ctx, const char *after)
{
	struct mc_exercise_res r;
	char why[160];

	if (mc_exercise_dev(ctx->dev, 0, &r)) {
		mc_violation(ctx, "after %s, %s", after, mc_exercise_text(&r, why, sizeof(why)));
		return false;
	}
	if (!r.regions)
		mc_note(ctx, "after %s: the device has no readable region to exercise", after);
	return true;
}

/* After a resume the device accepted: GET works, the regions work, it can run. */
void mc_check_accepted_usable(struct mc_ctx *ctx, const struct mc_attempt *a, const char *what)
{
	uint32_t st;
	int rc;

	if (a->get_rc || a->state != ST_STOP) {
		mc_violation(ctx, "%s: RESUMING->STOP returned 0 but GET gave %s %s", what,
			     mc_errno_name(a->get_rc), a->get_rc ? "" : mc_state_name(a->state));
		return;
	}
	if (!mc_exercise_regions(ctx, what))
		return;
	rc = mc_set_state(ctx->dev, ST_RUNNING, NULL);
	if (!rc)
		rc = mc_get_state(ctx->dev, &st);
	if (rc || st != ST_RUNNING)
		mc_violation(ctx, "%s: the accepted device would not run: SET RUNNING %s, GET %s",
			     what, mc_errno_name(rc), rc ? "-" : mc_state_name(st));
}

/* ---------------------------------------------------------------- SAVE */

/* SAVE-01: EOF ends STOP_COPY's stream, stays, and ENOMSG never appears there. */
static void op_save_eof(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	struct mc_save_result sr;
	struct mc_io_opts o;
	struct mc_stream s;
	char v[16] = "stop";
	uint8_t b[64];
	bool via_pre;
	int fd, rc, pr;

	mc_case_arg(ctx->c, "via", v, sizeof(v));
	via_pre = !strcmp(v, "pre_copy");
	mc_run_io_opts(ctx, &o, &one);
	if (mc_reach(ctx, via_pre ? ST_PRE_COPY : ST_STOP_COPY, &fd))
		return;
	mc_stream_init(&s, 0);
	if (via_pre) {
		o.stop_at_enomsg = true;
		rc = mc_stream_save(ctx->dev, fd, &o, &s, &sr);
		o.stop_at_enomsg = false;
		if (rc && rc != -ENOMSG) {
			mc_setup_violation(ctx, "PRE-04", "reading pre-copy data failed: %s",
					   mc_errno_name(rc));
			goto out;
		}
		rc = mc_set_state(ctx->dev, ST_STOP_COPY, NULL);
		if (rc) {
			mc_setup_violation(ctx, "FSM-01", "SET PRE_COPY->STOP_COPY failed: %s",
					   mc_errno_name(rc));
			goto out;
		}
	}
	if (mc_stream_save(ctx->dev, fd, &o, &s, &sr)) {
		mc_violation(ctx, "STOP_COPY read ended with %s after %llu bytes, not read() = 0%s",
			     mc_errno_name(sr.end), (unsigned long long)s.len,
			     sr.end == -ENOMSG ? " (ENOMSG is not allowed in STOP_COPY)" : "");
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		ssize_t n = mc_data_read(ctx->dev, fd, b, sizeof(b));

		if (n != 0) {
			mc_violation(
				ctx,
				"after end of stream (%llu bytes) read #%d gave %s: EOF is not permanent",
				(unsigned long long)s.len, i + 2,
				n < 0 ? mc_errno_name((int)n) : "more data");
			goto out;
		}
	}
	pr = mc_data_poll(ctx->dev, fd, POLLIN, 0);
	mc_note(ctx, "%llu bytes%s; 3 more reads gave 0; poll at EOF: %s",
		(unsigned long long)s.len, via_pre ? " (pre-copy and stop-copy)" : "",
		pr > 0	? "readable" :
		pr == 0 ? "not readable" :
			  mc_errno_name(pr));
out:
	mc_stream_free(&s);
	mc_data_close(ctx->dev, fd);
}

/*
 * SAVE-02: the stream read with the row's plan equals the stream read in one buffer;
 * when it does not, the device is not byte-deterministic and both must resume.
 */
static void op_save_plan(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE }, p;
	struct mc_save_result sa, sb;
	struct mc_stream a, b;
	uint64_t diff = 0;
	char err[128], pt[96], ack[160];
	int rc;

	mc_case_plan(ctx->c, &p, err, sizeof(err));
	mc_stream_init(&a, 0);
	mc_stream_init(&b, 0);
	if (save_whole_stream(ctx, &one, false, &a, &sa) ||
	    save_whole_stream(ctx, &p, false, &b, &sb))
		goto out;
	rc = mc_stream_cmp(&a, &b, &diff);
	if (rc < 0) {
		mc_harness_error(ctx, "comparing streams: %s", mc_errno_name(rc));
	} else if (rc) {
		struct mc_attempt at;

		mc_note(ctx,
			"plan %s: %llu bytes in %lu reads, single read: %llu bytes; first difference at %llu",
			mc_plan_text(&p, pt, sizeof(pt)), (unsigned long long)b.len, sb.calls,
			(unsigned long long)a.len, (unsigned long long)diff);
		for (int i = 0; i < 2; i++) {
			const struct mc_stream *s = i ? &b : &a;

			if (mc_resume_attempt(ctx, s, 0, s->len, &one, false, &at))
				break;
			if (at.write_rc || at.stop_rc)
				mc_violation(
					ctx,
					"the stream read %s differs from the other and does not resume: %s, RESUMING->STOP %s",
					i ? "with the plan" : "in one buffer",
					acked_text(&at, s->len, ack, sizeof(ack)),
					mc_errno_name(at.stop_rc));
		}
	} else {
		mc_note(ctx, "plan %s: %lu reads (%lu short), %llu bytes, identical",
			mc_plan_text(&p, pt, sizeof(pt)), sb.calls, sb.short_calls,
			(unsigned long long)b.len);
	}
out:
	mc_stream_free(&a);
	mc_stream_free(&b);
}

/* SAVE-04: the save fd is a stream (no seek, no pread) and read-only. */
static void op_save_fd_ops(struct mc_ctx *ctx)
{
	uint32_t st = ST_STOP_COPY;
	char v[24];
	uint8_t b[8] = { 0 };
	off_t off;
	ssize_t n;
	int fd;

	if (mc_case_arg(ctx->c, "state", v, sizeof(v)))
		st = (uint32_t)mc_state_parse(v);
	if (mc_reach(ctx, st, &fd))
		return;
	off = mc_data_lseek(ctx->dev, fd, 0, SEEK_SET);
	if (off != -ESPIPE)
		mc_violation(ctx, "lseek on the %s save fd gave %s, not ESPIPE", mc_state_name(st),
			     off < 0 ? mc_errno_name((int)off) : "success");
	n = mc_data_pread(ctx->dev, fd, b, sizeof(b), 0);
	if (n != -ESPIPE)
		mc_violation(ctx, "pread on the %s save fd gave %s, not ESPIPE", mc_state_name(st),
			     n < 0 ? mc_errno_name((int)n) : "data");
	n = mc_data_write(ctx->dev, fd, b, sizeof(b));
	if (n != -EBADF)
		mc_violation(ctx, "write on the %s save fd gave %s, not EBADF", mc_state_name(st),
			     n < 0 ? mc_errno_name((int)n) : "success");
	mc_data_close(ctx->dev, fd);
}

/* SAVE-05 (INFO): MIG_DATA_SIZE in STOP_COPY against the bytes actually read. */
/* --budget datasize=R: the estimate must lie within a factor R of the bytes read. */
static void budget_ratio(struct mc_ctx *ctx, uint64_t est, uint64_t len)
{
	double r = ctx->di->budgets ? ctx->di->budgets->datasize_ratio : 0;

	if (!r || !len)
		return;
	if ((double)est * r < (double)len || (double)est > (double)len * r)
		mc_budget_fail(
			ctx,
			"MIG_DATA_SIZE %llu is not within a factor %g of the %llu bytes read (--budget datasize=%g)",
			(unsigned long long)est, r, (unsigned long long)len, r);
}

static void op_data_size_ratio(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	struct mc_save_result sr;
	struct mc_io_opts o;
	struct mc_stream s;
	uint64_t est = 0;
	int fd, rc;

	if (mc_reach(ctx, ST_STOP_COPY, &fd))
		return;
	rc = mc_get_data_size(ctx->dev, &est);
	mc_stream_init(&s, 0);
	mc_run_io_opts(ctx, &o, &one);
	if (mc_stream_save(ctx->dev, fd, &o, &s, &sr)) {
		mc_setup_violation(ctx, "SAVE-01", "reading the stream in STOP_COPY failed: %s",
				   mc_errno_name(sr.end));
	} else if (rc) {
		mc_note(ctx, "MIG_DATA_SIZE in STOP_COPY failed: %s; %llu bytes read",
			mc_errno_name(rc), (unsigned long long)s.len);
	} else {
		mc_metric_value(ctx, "data_size", "B", (double)est);
		mc_metric_value(ctx, "stream_bytes", "B", (double)s.len);
		if (s.len)
			mc_metric_value(ctx, "data_size_ratio", "ratio",
					(double)est / (double)s.len);
		mc_note(ctx, "MIG_DATA_SIZE %llu, stream %llu bytes", (unsigned long long)est,
			(unsigned long long)s.len);
		budget_ratio(ctx, est, s.len);
	}
	mc_stream_free(&s);
	mc_data_close(ctx->dev, fd);
}

/* ---------------------------------------------------------------- RES */

/*
 * Judge an attempt at resuming a whole valid stream: every byte acknowledged and
 * RESUMING->STOP accepted, then the device is usable.
 */
bool mc_judge_resume_valid(struct mc_ctx *ctx, const struct mc_attempt *a, uint64_t len,
			   const char *what)
{
	char ack[160];

	if (a->write_rc || !mc_resume_complete(&a->rr, len)) {
		mc_violation(ctx, "%s: writing a valid stream failed: %s", what,
			     acked_text(a, len, ack, sizeof(ack)));
		return false;
	}
	if (a->stop_rc) {
		mc_violation(ctx, "%s: every byte acknowledged, but RESUMING->STOP gave %s", what,
			     mc_errno_name(a->stop_rc));
		return false;
	}
	mc_check_accepted_usable(ctx, a, what);
	return true;
}

/*
 * Judge an attempt whose acknowledged bytes are NOT a complete valid stream (a prefix,
 * a gap, extra bytes, a foreign or rejected stream): RESUMING->STOP must fail.
 */
bool mc_judge_resume_refused(struct mc_ctx *ctx, const struct mc_attempt *a, uint64_t offered,
			     const char *what)
{
	char ack[160];

	if (!a->stop_rc) {
		mc_violation(ctx, "%s: RESUMING->STOP succeeded although %s", what,
			     acked_text(a, offered, ack, sizeof(ack)));
		return false;
	}
	return true;
}

/*
 * The asynchronous data path: a stream saved through io_uring equals one saved with
 * read() (SAVE-02), and one resumed through io_uring is accepted (RES-01). Poll
 * behaviour of the fds is reported.
 */
static void op_io_equiv(struct mc_ctx *ctx)
{
	struct mc_plan p = { .kind = MC_PLAN_FIXED, .k = 4096 };
	struct mc_save_result sa, sb;
	struct mc_stream a, b, s;
	struct mc_io_opts o;
	struct mc_attempt at;
	uint64_t diff = 0;
	char why[160], v[16] = "save";
	int rc, fd, pr;

	if (mc_io_available(ctx->dev, MC_IO_URING, why, sizeof(why))) {
		mc_skip(ctx, "io_uring cannot be used: %s", why);
		return;
	}
	mc_case_arg(ctx->c, "dir", v, sizeof(v));
	if (!strcmp(v, "resume")) {
		if (!mc_reference_stream(ctx, &s))
			return;
		mc_run_io_opts(ctx, &o, &p);
		o.io = MC_IO_URING;
		if (mc_reach(ctx, ST_RESUMING, &fd))
			return;
		pr = mc_data_poll(ctx->dev, fd, POLLOUT, 0);
		memset(&at, 0, sizeof(at));
		at.write_rc = mc_stream_resume(ctx->dev, fd, &s, 0, s.len, &o, &at.rr);
		at.stop_rc = mc_set_state(ctx->dev, ST_STOP, NULL);
		at.get_rc = mc_get_state(ctx->dev, &at.state);
		mc_data_close(ctx->dev, fd);
		if (mc_judge_resume_valid(ctx, &at, s.len, "a stream written through io_uring"))
			mc_note(ctx, "%lu io_uring writes; poll on the resume fd: %s", at.rr.calls,
				pr > 0	? "writable" :
				pr == 0 ? "not ready" :
					  mc_errno_name(pr));
		return;
	}
	mc_stream_init(&a, 0);
	mc_stream_init(&b, 0);
	rc = save_whole_stream(ctx, &p, false, &a, &sa);
	if (!rc) {
		if (mc_reach(ctx, ST_STOP_COPY, &fd))
			goto out;
		pr = mc_data_poll(ctx->dev, fd, POLLIN, 0);
		mc_run_io_opts(ctx, &o, &p);
		o.io = MC_IO_URING;
		rc = mc_stream_save(ctx->dev, fd, &o, &b, &sb);
		mc_data_close(ctx->dev, fd);
		if (rc) {
			mc_violation(ctx, "saving through io_uring failed after %llu bytes: %s",
				     (unsigned long long)b.len, mc_errno_name(rc));
			goto out;
		}
		rc = mc_stream_cmp(&a, &b, &diff);
		if (rc > 0 && ctx->di->stream_nondet) {
			/* Streams differ by design: the io_uring one must resume instead. */
			struct mc_plan one = { .kind = MC_PLAN_ONE };

			if (!mc_resume_attempt(ctx, &b, 0, b.len, &one, false, &at))
				mc_judge_resume_valid(ctx, &at, b.len,
						      "the stream read through io_uring");
		} else if (rc)
			mc_violation(
				ctx,
				"the stream read through io_uring (%llu bytes) differs from the one read with read() (%llu bytes) at byte %llu",
				(unsigned long long)b.len, (unsigned long long)a.len,
				(unsigned long long)diff);
		else
			mc_note(ctx,
				"io_uring and read() deliver the same %llu bytes; poll on the save fd in STOP_COPY: %s",
				(unsigned long long)a.len,
				pr > 0	? "readable" :
				pr == 0 ? "not ready" :
					  mc_errno_name(pr));
	}
out:
	mc_stream_free(&a);
	mc_stream_free(&b);
}

/* Rows of these operations say '-' for expect: the operation itself knows the rule. */
int mc_check_no_args(const struct mc_case *c, char *err, size_t len)
{
	if (strcmp(c->args, "-") || strcmp(c->expect, "-")) {
		snprintf(err, len, "takes args '-' and expect '-'");
		return -EINVAL;
	}
	return 0;
}

int mc_check_arg_one_of(const struct mc_case *c, const char *key, const char *const *ok, char *err,
			size_t len)
{
	char v[24] = "";

	if (mc_case_arg(c, key, v, sizeof(v)) && !strcmp(c->expect, "-"))
		for (int i = 0; ok[i]; i++)
			if (!strcmp(v, ok[i]))
				return 0;
	snprintf(err, len, "needs %s=%s%s%s%s%s, expect '-'", key, ok[0], ok[1] ? "|" : "",
		 ok[1] ? ok[1] : "", ok[1] && ok[2] ? "|" : "", ok[1] && ok[2] ? ok[2] : "");
	return -EINVAL;
}

static int via_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "stop", "pre_copy", NULL };

	return mc_check_arg_one_of(c, "via", ok, err, len);
}

static int dir_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "save", "resume", NULL };

	return mc_check_arg_one_of(c, "dir", ok, err, len);
}

const struct mc_op mc_ops_stream[] = {
	{ .name = "save_eof", .check = via_check, .run = op_save_eof },
	{ .name = "save_plan", .check = mc_check_plan_arg, .run = op_save_plan },
	{ .name = "save_fd_ops", .check = mc_op_state_arg_check, .run = op_save_fd_ops },
	{ .name = "data_size_ratio", .check = mc_check_no_args, .run = op_data_size_ratio },
	{ .name = "io_equiv", .check = dir_check, .run = op_io_equiv },
	{ .name = NULL },
};

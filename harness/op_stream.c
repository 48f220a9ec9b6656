// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations for the stream clauses, SAVE and RES: a stream is byte-order-only on both
 * sides, bad streams are refused, and an accepted stream leaves a usable device. Every
 * judgement about a resume is made against the bytes the device acknowledged (the
 * successful write() returns, in order), never against what the harness offered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model.h"
#include "ops.h"
#include "sim.h"
#include "stream.h"
#include "walker.h"

#define ST_STOP VFIO_DEVICE_STATE_STOP
#define ST_STOP_COPY VFIO_DEVICE_STATE_STOP_COPY
#define ST_RESUMING VFIO_DEVICE_STATE_RESUMING
#define ST_PRE_COPY VFIO_DEVICE_STATE_PRE_COPY
#define ST_RUNNING VFIO_DEVICE_STATE_RUNNING

/* ---------------------------------------------------------------- shared steps */

/* The sample offsets and damage of the RES cases: xorshift64, seeded from --seed. */
static void xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
}

static void io_opts(const struct mc_ctx *ctx, struct mc_io_opts *o, const struct mc_plan *p)
{
	memset(o, 0, sizeof(*o));
	o->plan = p;
	o->io = (enum mc_io)ctx->di->io;
	o->limit = 1ull << 40;
	o->eagain_ms = 1000;
	o->max_eintr = 100;
}

/* The plan named by the row's plan= argument ("one" when absent). */
static int row_plan(const struct mc_case *c, struct mc_plan *p, char *err, size_t len)
{
	char v[96] = "one";

	mc_case_arg(c, "plan", v, sizeof(v));
	return mc_plan_parse(v, p, err, len);
}

static int plan_check(const struct mc_case *c, char *err, size_t len)
{
	struct mc_plan p;
	char v[96];

	if (strcmp(c->expect, "-") ||
	    (!mc_case_arg(c, "plan", v, sizeof(v)) && !mc_case_arg(c, "splits", v, sizeof(v)))) {
		snprintf(err, len, "needs plan=PLAN (or splits=N), expect '-'");
		return -EINVAL;
	}
	return row_plan(c, &p, err, len);
}

static const char *plan_text(const struct mc_plan *p, char *buf, size_t len)
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
static int save_whole(struct mc_ctx *ctx, const struct mc_plan *p, bool via_pre,
		      struct mc_stream *out, struct mc_save_result *sr)
{
	struct mc_io_opts o;
	char pt[96];
	int fd, rc;

	io_opts(ctx, &o, p);
	if (mc_reach(ctx, via_pre ? ST_PRE_COPY : ST_STOP_COPY, &fd))
		return -EIO;
	if (via_pre) {
		o.stop_at_enomsg = true;
		rc = mc_stream_save(ctx->dev, fd, &o, out, sr);
		if (rc && rc != -ENOMSG) {
			mc_violation(ctx, "reading pre-copy data with plan %s failed after %llu bytes: %s",
				     plan_text(p, pt, sizeof(pt)), (unsigned long long)sr->bytes,
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
		mc_violation(ctx, "reading the stream in STOP_COPY with plan %s failed after %llu bytes: %s",
			     plan_text(p, pt, sizeof(pt)), (unsigned long long)out->len,
			     mc_errno_name(rc));
out:
	mc_data_close(ctx->dev, fd);
	return rc;
}

/* The reference stream (from --peer, or saved from the device before the cases ran). */
static bool ref_stream(struct mc_ctx *ctx, struct mc_stream *s)
{
	if (!ctx->di->stream || !ctx->di->stream_len) {
		mc_harness_error(ctx, "no reference stream (see the warning at the start of the run)");
		return false;
	}
	mc_stream_wrap(s, ctx->di->stream, ctx->di->stream_len);
	return true;
}

/* One resume attempt and what the device did with it. */
struct attempt {
	struct mc_resume_result rr;
	int write_rc;		/* mc_stream_resume's result */
	int stop_rc;		/* SET RESUMING->STOP */
	uint32_t state;		/* GET after the SET (valid when get_rc == 0) */
	int get_rc;
};

/*
 * Reach RESUMING, write [@off, @off+@len) of @s with @p, SET STOP, GET. Returns 0 or
 * -errno when the harness could not set up (recorded).
 */
static int attempt(struct mc_ctx *ctx, const struct mc_stream *s, uint64_t off, uint64_t len,
		   const struct mc_plan *p, bool cont, struct attempt *a)
{
	struct mc_io_opts o;
	int fd;

	memset(a, 0, sizeof(*a));
	io_opts(ctx, &o, p);
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
static const char *acked_text(const struct attempt *a, uint64_t offered, char *buf, size_t len)
{
	int n = snprintf(buf, len, "the device acknowledged %llu of %llu bytes",
			 (unsigned long long)a->rr.acked, (unsigned long long)offered);

	if (a->rr.first_err && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (first failed write: %s at offset %llu)",
			 mc_errno_name(a->rr.first_err), (unsigned long long)a->rr.first_err_off);
	return buf;
}

/*
 * RES-05: the restored device can be used through its regions. Config space (region
 * 7 on PCI-like devices) must read; the first bytes of every readable BAR must read.
 * Returns false with a violation recorded.
 */
bool mc_exercise_regions(struct mc_ctx *ctx, const char *after)
{
	struct vfio_region_info ri;
	uint8_t buf[256];
	int used = 0;

	for (uint32_t idx = 0; idx <= VFIO_PCI_CONFIG_REGION_INDEX; idx++) {
		size_t n;
		ssize_t got;

		if (mc_region_info(ctx->dev, idx, &ri) || !ri.size ||
		    !(ri.flags & VFIO_REGION_INFO_FLAG_READ))
			continue;
		n = idx == VFIO_PCI_CONFIG_REGION_INDEX ? sizeof(buf) : 8;
		if (n > ri.size)
			n = (size_t)ri.size;
		got = mc_region_read(ctx->dev, idx, 0, buf, n);
		if (got != (ssize_t)n) {
			mc_violation(ctx, "after %s, reading %zu bytes of region %u gave %s", after, n,
				     idx, got < 0 ? mc_errno_name((int)got) : "a short read");
			return false;
		}
		used++;
	}
	if (!used)
		mc_note(ctx, "after %s: the device has no readable region to exercise", after);
	return true;
}

/* After a resume the device accepted: GET works, the regions work, it can run. */
static void accepted_usable(struct mc_ctx *ctx, const struct attempt *a, const char *what)
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
		mc_violation(ctx, "%s: the accepted device would not run: SET RUNNING %s, GET %s", what,
			     mc_errno_name(rc), rc ? "-" : mc_state_name(st));
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
	io_opts(ctx, &o, &one);
	if (mc_reach(ctx, via_pre ? ST_PRE_COPY : ST_STOP_COPY, &fd))
		return;
	mc_stream_init(&s, 0);
	if (via_pre) {
		o.stop_at_enomsg = true;
		rc = mc_stream_save(ctx->dev, fd, &o, &s, &sr);
		o.stop_at_enomsg = false;
		if (rc && rc != -ENOMSG) {
			mc_harness_error(ctx, "reading pre-copy data failed: %s", mc_errno_name(rc));
			goto out;
		}
		rc = mc_set_state(ctx->dev, ST_STOP_COPY, NULL);
		if (rc) {
			mc_harness_error(ctx, "SET PRE_COPY->STOP_COPY failed: %s", mc_errno_name(rc));
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
			mc_violation(ctx, "after end of stream (%llu bytes) read #%d gave %s: EOF is not permanent",
				     (unsigned long long)s.len, i + 2,
				     n < 0 ? mc_errno_name((int)n) : "more data");
			goto out;
		}
	}
	pr = mc_data_poll(ctx->dev, fd, POLLIN, 0);
	mc_note(ctx, "%llu bytes%s; 3 more reads gave 0; poll at EOF: %s",
		(unsigned long long)s.len, via_pre ? " (pre-copy and stop-copy)" : "",
		pr > 0 ? "readable" : pr == 0 ? "not readable" : mc_errno_name(pr));
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

	row_plan(ctx->c, &p, err, sizeof(err));
	mc_stream_init(&a, 0);
	mc_stream_init(&b, 0);
	if (save_whole(ctx, &one, false, &a, &sa) || save_whole(ctx, &p, false, &b, &sb))
		goto out;
	rc = mc_stream_cmp(&a, &b, &diff);
	if (rc < 0) {
		mc_harness_error(ctx, "comparing streams: %s", mc_errno_name(rc));
	} else if (rc) {
		struct attempt at;

		mc_note(ctx, "plan %s: %llu bytes in %lu reads, single read: %llu bytes; first difference at %llu",
			plan_text(&p, pt, sizeof(pt)), (unsigned long long)b.len, sb.calls,
			(unsigned long long)a.len, (unsigned long long)diff);
		for (int i = 0; i < 2; i++) {
			const struct mc_stream *s = i ? &b : &a;

			if (attempt(ctx, s, 0, s->len, &one, false, &at))
				break;
			if (at.write_rc || at.stop_rc)
				mc_violation(ctx, "the stream read %s differs from the other and does not resume: %s, RESUMING->STOP %s",
					     i ? "with the plan" : "in one buffer",
					     acked_text(&at, s->len, ack, sizeof(ack)),
					     mc_errno_name(at.stop_rc));
		}
	} else {
		mc_note(ctx, "plan %s: %lu reads (%lu short), %llu bytes, identical",
			plan_text(&p, pt, sizeof(pt)), sb.calls, sb.short_calls,
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
		mc_budget_fail(ctx, "MIG_DATA_SIZE %llu is not within a factor %g of the %llu bytes read (--budget datasize=%g)",
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
	io_opts(ctx, &o, &one);
	if (mc_stream_save(ctx->dev, fd, &o, &s, &sr)) {
		mc_harness_error(ctx, "reading the stream failed: %s", mc_errno_name(sr.end));
	} else if (rc) {
		mc_note(ctx, "MIG_DATA_SIZE in STOP_COPY failed: %s; %llu bytes read",
			mc_errno_name(rc), (unsigned long long)s.len);
	} else {
		mc_metric_value(ctx, "data_size", "B", (double)est);
		mc_metric_value(ctx, "stream_bytes", "B", (double)s.len);
		if (s.len)
			mc_metric_value(ctx, "data_size_ratio", "ratio", (double)est / (double)s.len);
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
static bool judge_valid(struct mc_ctx *ctx, const struct attempt *a, uint64_t len,
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
	accepted_usable(ctx, a, what);
	return true;
}

/* RES-01: the row's write plan, or every split point of the first 64 bytes. */
static void op_resume_plan(struct mc_ctx *ctx)
{
	struct mc_stream s;
	struct mc_plan p;
	struct attempt a;
	char err[128], pt[96], what[160], v[16];

	if (!ref_stream(ctx, &s))
		return;
	if (mc_case_arg(ctx->c, "splits", v, sizeof(v))) {
		uint64_t upto = strtoull(v, NULL, 0);

		for (uint64_t k = 0; k <= upto && k < s.len; k++) {
			p = (struct mc_plan){ .kind = MC_PLAN_SPLIT, .k = (size_t)k };
			snprintf(what, sizeof(what), "split at %llu", (unsigned long long)k);
			if (attempt(ctx, &s, 0, s.len, &p, false, &a) || !judge_valid(ctx, &a, s.len, what))
				return;
		}
		mc_note(ctx, "%llu split points of a %llu-byte stream resumed",
			(unsigned long long)(upto < s.len ? upto + 1 : s.len), (unsigned long long)s.len);
		return;
	}
	row_plan(ctx->c, &p, err, sizeof(err));
	snprintf(what, sizeof(what), "plan %s", plan_text(&p, pt, sizeof(pt)));
	if (attempt(ctx, &s, 0, s.len, &p, false, &a))
		return;
	if (judge_valid(ctx, &a, s.len, what))
		mc_note(ctx, "%s: %lu writes (%lu short), %llu bytes", what, a.rr.calls,
			a.rr.short_calls, (unsigned long long)a.rr.acked);
}

/* Save the device's whole stream from STOP_COPY into @out (reached from where it is). */
static int save_now(struct mc_ctx *ctx, struct mc_stream *out)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	struct mc_save_result sr;
	struct mc_io_opts o;
	int rc, fd = -1;

	rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	if (!rc)
		rc = mc_set_state(ctx->dev, ST_STOP_COPY, &fd);
	if (!rc && fd < 0)
		rc = -EBADF;
	if (rc)
		return rc;
	io_opts(ctx, &o, &one);
	rc = mc_stream_save(ctx->dev, fd, &o, out, &sr);
	mc_data_close(ctx->dev, fd);
	return rc;
}

/* Whether the device's state regions equal the source's; -errno when unreadable. */
static int regions_equal(struct mc_ctx *ctx, size_t *first_diff, char *err, size_t errlen)
{
	uint8_t buf[MC_REGACCS_MAX * MC_REGACC_MAX];
	ssize_t n = mc_regacc_read(ctx->dev, ctx->di->state_regions, buf, sizeof(buf), err,
				   errlen);

	if (n < 0)
		return (int)n;
	for (size_t i = 0; i < (size_t)n; i++)
		if (i >= ctx->di->ref_regions_len || buf[i] != ctx->di->ref_regions[i]) {
			*first_diff = i;
			return 0;
		}
	return (size_t)n == ctx->di->ref_regions_len;
}

/*
 * Whether the destination holds the source's state already: 1 yes, 0 no, -1 when that
 * could not be told (recorded). By the state regions, and by a save unless the device
 * was declared non-deterministic.
 */
static int holds_source_state(struct mc_ctx *ctx, const struct mc_stream *ref, char *why,
			      size_t whylen)
{
	struct mc_stream mine;
	uint64_t diff;
	size_t d;
	char err[256];
	int rc;

	if (ctx->di->state_regions) {
		rc = regions_equal(ctx, &d, err, sizeof(err));
		if (rc < 0) {
			mc_harness_error(ctx, "before the resume: --state-regions: %s", err);
			return -1;
		}
		if (rc > 0) {
			size_t n = (size_t)snprintf(why, whylen, "its --state-regions already read ");

			for (size_t i = 0; i < ctx->di->ref_regions_len && i < 32 && n + 3 < whylen; i++)
				n += (size_t)snprintf(why + n, whylen - n, "%02x", ctx->di->ref_regions[i]);
			snprintf(why + n, whylen - n, ", as the source's did");
			return 1;
		}
		if (ctx->di->stream_nondet)
			return 0;
	}
	mc_stream_init(&mine, 0);
	rc = save_now(ctx, &mine);
	if (rc) {
		mc_violation(ctx, "saving the destination before the resume failed: %s",
			     mc_errno_name(rc));
		mc_stream_free(&mine);
		return -1;
	}
	rc = mc_stream_cmp(ref, &mine, &diff);
	mc_stream_free(&mine);
	if (mc_reset(ctx->dev)) {
		mc_harness_error(ctx, "reset after the pre-resume save failed");
		return -1;
	}
	snprintf(why, whylen, "it saves the source's stream already");
	return rc == 0;
}

/*
 * RES-02 proves something only when the destination does not hold the source's state
 * before the resume. An earlier case may have resumed it there (reset need not clear
 * device state): then the --dirty bytes are written to it inverted. True, with the case
 * skipped, when the destination still cannot be told apart.
 */
static bool vacuous(struct mc_ctx *ctx, const struct mc_stream *ref)
{
	char why[160], err[256];
	int rc = holds_source_state(ctx, ref, why, sizeof(why));

	if (rc == 1 && ctx->di->dirty) {
		struct mc_regaccs inv = *ctx->di->dirty;

		for (int i = 0; i < inv.n; i++)
			for (uint32_t k = 0; k < inv.a[i].len; k++)
				inv.a[i].data[k] ^= 0xff;
		if (mc_regacc_write(ctx->dev, &inv, err, sizeof(err))) {
			mc_harness_error(ctx, "setting the destination apart (the --dirty writes inverted): %s",
					 err);
			return true;
		}
		rc = holds_source_state(ctx, ref, why, sizeof(why));
	}
	if (rc == 1)
		mc_skip(ctx, "before the resume the destination cannot be told from the source (%s); change the source with --dirty writes so RES-02 compares something",
			why);
	return rc != 0;
}

/*
 * RES-02: after resuming the reference stream, the device saves the same stream again
 * (byte-identical), and, with --state-regions, its state regions read what the source's
 * did; a device declared --nondeterministic is judged by the regions alone. The source
 * was changed by --dirty writes first (sim: built in), and the case is skipped when the
 * destination held the source's state before the resume.
 */
static void op_resume_equiv(struct mc_ctx *ctx)
{
	struct mc_plan p;
	struct mc_stream s, again;
	struct attempt a;
	uint64_t diff = 0;
	size_t d = 0;
	char err[256], pt[96], what[128];
	int rc;

	if (!ref_stream(ctx, &s))
		return;
	if (ctx->di->stream_nondet && !ctx->di->state_regions) {
		mc_harness_error(ctx, "--nondeterministic needs --state-regions: nothing to compare");
		return;
	}
	if (vacuous(ctx, &s))
		return;
	row_plan(ctx->c, &p, err, sizeof(err));
	snprintf(what, sizeof(what), "resume with plan %s", plan_text(&p, pt, sizeof(pt)));
	if (attempt(ctx, &s, 0, s.len, &p, false, &a) || !judge_valid(ctx, &a, s.len, what))
		return;
	if (ctx->di->state_regions) {
		rc = regions_equal(ctx, &d, err, sizeof(err));
		if (rc < 0) {
			mc_violation(ctx, "after %s, reading the state regions failed: %s", what, err);
			return;
		}
		if (!rc) {
			mc_violation(ctx, "after %s the state regions differ from the source's at byte %zu of %zu",
				     what, d, ctx->di->ref_regions_len);
			return;
		}
		mc_note(ctx, "%s: the %zu bytes of state regions equal the source's", what,
			ctx->di->ref_regions_len);
		if (ctx->di->stream_nondet)
			return;
	}
	/* The device is RUNNING now; save it again without a reset in between. */
	mc_stream_init(&again, 0);
	rc = save_now(ctx, &again);
	if (rc) {
		mc_violation(ctx, "after %s, saving the restored device failed: %s", what,
			     mc_errno_name(rc));
		goto out;
	}
	rc = mc_stream_cmp(&s, &again, &diff);
	if (rc > 0)
		mc_violation(ctx, "after %s the device saves a different stream: %llu bytes against the source's %llu, first difference at byte %llu",
			     what, (unsigned long long)again.len, (unsigned long long)s.len,
			     (unsigned long long)diff);
	else if (rc < 0)
		mc_harness_error(ctx, "comparing streams: %s", mc_errno_name(rc));
	else
		mc_note(ctx, "%s: the restored device saves the source's %llu bytes again", what,
			(unsigned long long)s.len);
out:
	mc_stream_free(&again);
}

/*
 * Judge an attempt whose acknowledged bytes are NOT a complete valid stream (a prefix,
 * a gap, extra bytes, a foreign or rejected stream): RESUMING->STOP must fail.
 */
static bool judge_refused(struct mc_ctx *ctx, const struct attempt *a, uint64_t offered,
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

/* RES-03: truncated streams (every header offset, a sample beyond, empty) are refused. */
/*
 * Cuts at record boundaries: from the format when the stream is the simulated device's,
 * else every offset of a stream small enough (which includes every boundary of any
 * format). At most MAX_CUTS: the first and last halves of the list when there are more.
 * Returns the count, or 0 with *@why set when the boundaries cannot be located.
 */
#define MAX_CUTS 4096u
static unsigned record_cuts(const struct mc_stream *s, uint64_t *cuts, const char **why)
{
	const uint8_t *p = s->mem_len == s->len ? s->mem : NULL;	/* all in memory */
	uint64_t *all;
	long n;

	if (p && (n = mc_sim_stream_bounds(p, (size_t)s->len, NULL, 0)) > 0) {
		all = calloc((size_t)n, sizeof(*all));
		if (!all) {
			*why = "out of memory";
			return 0;
		}
		mc_sim_stream_bounds(p, (size_t)s->len, all, (size_t)n);
		if ((unsigned long)n <= MAX_CUTS) {
			memcpy(cuts, all, (size_t)n * sizeof(*all));
		} else {
			memcpy(cuts, all, MAX_CUTS / 2 * sizeof(*all));
			memcpy(cuts + MAX_CUTS / 2, all + n - MAX_CUTS / 2, MAX_CUTS / 2 * sizeof(*all));
			n = MAX_CUTS;
		}
		free(all);
		return (unsigned)n;
	}
	if (s->len > MAX_CUTS) {
		*why = "the stream's format is unknown and it is longer than 4096 bytes: its record boundaries cannot be located (res.trunc.header and res.trunc.sample still cut it)";
		return 0;
	}
	for (uint64_t k = 1; k < s->len; k++)
		cuts[k - 1] = k;
	return (unsigned)(s->len - 1);
}

static void op_resume_truncated(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	static uint64_t cuts[MAX_CUTS];
	unsigned ncut = 0, bad = 0;
	struct mc_stream s;
	struct attempt a;
	char v[16] = "header", what[96];
	uint64_t rng = ctx->di->seed * 0x9e3779b97f4a7c15ull + 1;

	if (!ref_stream(ctx, &s))
		return;
	mc_case_arg(ctx->c, "at", v, sizeof(v));
	if (!strcmp(v, "empty")) {
		cuts[ncut++] = 0;
	} else if (!strcmp(v, "header")) {
		for (uint64_t k = 1; k <= 64 && k < s.len; k++)
			cuts[ncut++] = k;
	} else if (!strcmp(v, "records")) {
		const char *why = NULL;

		ncut = record_cuts(&s, cuts, &why);
		if (!ncut) {
			mc_skip(ctx, "%s", why ? why : "the stream has no record boundary");
			return;
		}
	} else {
		/* the last byte, the middle, and random cuts beyond the first 64 bytes */
		cuts[ncut++] = s.len - 1;
		cuts[ncut++] = s.len / 2;
		while (ncut < 24 && s.len > 66) {
			xorshift(&rng);
			cuts[ncut++] = 65 + rng % (s.len - 66);
		}
	}
	for (unsigned i = 0; i < ncut && bad < 4; i++) {
		if (cuts[i] >= s.len)
			continue;
		snprintf(what, sizeof(what), "a stream cut to %llu of %llu bytes",
			 (unsigned long long)cuts[i], (unsigned long long)s.len);
		if (attempt(ctx, &s, 0, cuts[i], &one, false, &a))
			return;
		if (!judge_refused(ctx, &a, cuts[i], what))
			bad++;
	}
	if (!bad)
		mc_note(ctx, "%u truncation(s) refused at RESUMING->STOP", ncut);
}

/* A copy of @s with byte @at XORed with @mask, into @out (freed by the caller). */
static int flipped(const struct mc_stream *s, uint64_t at, uint8_t mask, struct mc_stream *out)
{
	uint8_t b;
	int rc;

	mc_stream_init(out, 0);
	rc = mc_stream_slice(s, 0, s->len, out);
	if (rc)
		return rc;
	if (at < out->mem_len) {
		out->mem[at] ^= mask;
		return 0;
	}
	/* spilled part: patch the temp file */
	if (mc_stream_pread(out, &b, 1, at) != 1)
		return -EIO;
	b ^= mask;
	return pwrite(out->spill_fd, &b, 1, (off_t)(at - out->mem_len)) == 1 ? 0 : -errno;
}

/*
 * RES-04: a stream with one bit flipped. The device may accept a change it cannot
 * detect (then it must be usable: RES-05), but once it rejected a write the stream
 * must not complete RESUMING->STOP.
 */
static void op_resume_corrupt(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	uint64_t at[96];
	unsigned n = 0, bad = 0, accepted = 0, refused_write = 0;
	struct mc_stream s;
	char v[16] = "header", what[96];
	uint64_t rng = ctx->di->seed * 0x2545f4914f6cdd1dull + 7;

	if (!ref_stream(ctx, &s))
		return;
	mc_case_arg(ctx->c, "at", v, sizeof(v));
	if (!strcmp(v, "header")) {
		for (uint64_t k = 0; k < 64 && k < s.len; k++)
			at[n++] = k;
	} else {
		while (n < 32 && s.len > 64) {
			xorshift(&rng);
			at[n++] = 64 + rng % (s.len - 64);
		}
	}
	for (unsigned i = 0; i < n && bad < 4; i++) {
		struct mc_stream c;
		struct attempt a;
		uint8_t mask = (uint8_t)(1u << (at[i] % 8));

		if (flipped(&s, at[i], mask, &c)) {
			mc_harness_error(ctx, "cannot build the corrupted stream");
			return;
		}
		snprintf(what, sizeof(what), "bit %u of byte %llu flipped", (unsigned)(at[i] % 8),
			 (unsigned long long)at[i]);
		if (attempt(ctx, &c, 0, c.len, &one, false, &a)) {
			mc_stream_free(&c);
			return;
		}
		mc_stream_free(&c);
		if (a.write_rc || !mc_resume_complete(&a.rr, s.len)) {
			refused_write++;
			if (!judge_refused(ctx, &a, s.len, what))
				bad++;
		} else if (!a.stop_rc) {
			accepted++;
			accepted_usable(ctx, &a, what);
		}
	}
	if (!bad)
		mc_note(ctx, "%u flips: %u refused by a write, %u refused at RESUMING->STOP, %u accepted (device then usable)",
			n, refused_write, n - refused_write - accepted, accepted);
}

/* RES-04: a stream saved from a device of another type never completes RESUMING. */
static void op_resume_foreign(struct mc_ctx *ctx)
{
	struct mc_stream s;
	struct mc_plan p;
	struct attempt a;
	char err[128], pt[96], what[400];

	if (!ctx->di->foreign_spec) {
		mc_skip(ctx, "%s", ctx->di->foreign_why ? ctx->di->foreign_why : "no foreign stream");
		return;
	}
	mc_stream_wrap(&s, ctx->di->foreign, ctx->di->foreign_len);
	row_plan(ctx->c, &p, err, sizeof(err));
	snprintf(what, sizeof(what), "the %zu-byte stream of %s written with plan %s",
		 ctx->di->foreign_len, ctx->di->foreign_spec, plan_text(&p, pt, sizeof(pt)));
	if (attempt(ctx, &s, 0, s.len, &p, false, &a))
		return;
	if (judge_refused(ctx, &a, s.len, what))
		mc_note(ctx, "%s: refused (write %s, RESUMING->STOP %s)", what,
			mc_errno_name(a.write_rc), mc_errno_name(a.stop_rc));
}

/* RES-03: the valid stream followed by extra bytes. */
static void op_resume_garbage(struct mc_ctx *ctx)
{
	static const uint8_t junk[16] = "migcheck-extra!";
	struct mc_plan split;
	struct mc_stream s, g;
	struct attempt a;
	int rc;

	if (!ref_stream(ctx, &s))
		return;
	mc_stream_init(&g, 0);
	rc = mc_stream_slice(&s, 0, s.len, &g);
	if (!rc)
		rc = mc_stream_append(&g, junk, sizeof(junk));
	if (rc) {
		mc_harness_error(ctx, "building the stream: %s", mc_errno_name(rc));
		goto out;
	}
	/* Two writes: the stream, then the extra bytes, so the accounts separate them. */
	split = (struct mc_plan){ .kind = MC_PLAN_SPLIT, .k = (size_t)s.len };
	if (attempt(ctx, &g, 0, g.len, &split, true, &a))
		goto out;
	if (a.rr.acked == g.len) {
		judge_refused(ctx, &a, g.len, "a valid stream plus 16 extra bytes, all acknowledged");
	} else if (a.rr.acked == s.len && a.rr.ngaps == 1 && a.rr.gaps[0].start == s.len) {
		mc_note(ctx, "the 16 extra bytes were refused (%s); RESUMING->STOP then gave %s",
			mc_errno_name(a.rr.first_err), mc_errno_name(a.stop_rc));
		if (!a.stop_rc)
			accepted_usable(ctx, &a, "a valid stream whose extra bytes were refused");
	} else {
		judge_refused(ctx, &a, g.len, "a valid stream plus 16 extra bytes");
	}
out:
	mc_stream_free(&g);
}

/*
 * RES-03: the write of a 16-byte chunk in the middle fails (its buffer is unreadable:
 * EFAULT), then the rest of the stream follows. The acknowledged bytes miss that chunk,
 * so RESUMING->STOP must fail.
 */
static void op_resume_gap(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	struct mc_resume_result r1, r2;
	struct mc_io_opts o;
	struct mc_stream s;
	struct attempt a = { 0 };
	uint64_t cut, gap = 16;
	char what[160];
	void *hole;
	ssize_t n;
	int fd;

	if (!ref_stream(ctx, &s))
		return;
	if (s.len < 2 * gap) {
		mc_skip(ctx, "the reference stream is too short to leave a gap in");
		return;
	}
	cut = s.len / 2;
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED) {
		mc_harness_error(ctx, "mmap: %s", strerror(errno));
		return;
	}
	io_opts(ctx, &o, &one);
	if (mc_reach(ctx, ST_RESUMING, &fd))
		goto out_unmap;
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	if (mc_stream_resume(ctx->dev, fd, &s, 0, cut, &o, &r1)) {
		mc_violation(ctx, "writing the first %llu bytes of a valid stream failed: %s",
			     (unsigned long long)cut, mc_errno_name(r1.first_err));
		goto out_fd;
	}
	n = mc_data_write(ctx->dev, fd, hole, (size_t)gap);
	if (n >= 0) {
		mc_harness_error(ctx, "a write from an unreadable buffer returned %zd, not EFAULT", n);
		goto out_fd;
	}
	mc_stream_resume(ctx->dev, fd, &s, cut + gap, s.len - cut - gap, &o, &r2);
	a.rr.acked = r1.acked + r2.acked;
	a.rr.first_err = (int)n;
	a.rr.first_err_off = cut;
	a.stop_rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	snprintf(what, sizeof(what), "the write of bytes %llu..%llu failed (%s) and the rest followed",
		 (unsigned long long)cut, (unsigned long long)(cut + gap - 1), mc_errno_name((int)n));
	if (judge_refused(ctx, &a, s.len, what))
		mc_note(ctx, "%s: RESUMING->STOP refused it (%s)", what, mc_errno_name(a.stop_rc));
out_fd:
	mc_data_close(ctx->dev, fd);
out_unmap:
	munmap(hole, 4096);
}

/*
 * RES-05: streams of random bytes, and the reference stream with random bytes changed:
 * no crash or hang (the runner's watchdog), GET works afterwards, reset gives RUNNING,
 * an accepted stream leaves a usable device, and a full migration still works.
 */
static void op_resume_random(struct mc_ctx *ctx)
{
	struct mc_plan one = { .kind = MC_PLAN_ONE };
	uint64_t rng = ctx->di->seed * 0xd1342543de82ef95ull + 3;
	unsigned accepted = 0, rounds = 16;
	struct mc_stream s;
	char what[96];

	if (!ref_stream(ctx, &s))
		return;
	for (unsigned i = 0; i < rounds; i++) {
		struct mc_stream r;
		struct attempt a;
		uint32_t st;

		mc_stream_init(&r, 0);
		if (mc_stream_slice(&s, 0, s.len, &r)) {
			mc_harness_error(ctx, "copying the stream");
			return;
		}
		for (uint64_t k = 0; k < r.mem_len; k++) {
			xorshift(&rng);
			/* even rounds: all random; odd rounds: one byte in 8 changed */
			if (!(i & 1) || !(rng & 7))
				r.mem[k] = (uint8_t)(rng >> 24);
		}
		snprintf(what, sizeof(what), "random stream #%u (%s)", i,
			 i & 1 ? "1 byte in 8 changed" : "all bytes random");
		if (attempt(ctx, &r, 0, r.mem_len, &one, false, &a)) {
			mc_stream_free(&r);
			return;
		}
		mc_stream_free(&r);
		if (a.get_rc) {
			mc_violation(ctx, "%s: GET afterwards failed: %s", what, mc_errno_name(a.get_rc));
			return;
		}
		if (!a.stop_rc) {
			accepted++;
			accepted_usable(ctx, &a, what);
		}
		if (mc_reset(ctx->dev) || mc_get_state(ctx->dev, &st) || st != ST_RUNNING) {
			mc_violation(ctx, "%s: RESET did not give RUNNING", what);
			return;
		}
	}
	mc_note(ctx, "%u random streams, %u accepted", rounds, accepted);
	mc_check_full_migration(ctx, "random streams");
}

/* RES-06: the resume fd is a write-only stream. */
static void op_resume_fd_ops(struct mc_ctx *ctx)
{
	uint8_t b[8];
	off_t off;
	ssize_t n;
	int fd;

	if (mc_reach(ctx, ST_RESUMING, &fd))
		return;
	off = mc_data_lseek(ctx->dev, fd, 0, SEEK_SET);
	if (off != -ESPIPE)
		mc_violation(ctx, "lseek on the resume fd gave %s, not ESPIPE",
			     off < 0 ? mc_errno_name((int)off) : "success");
	n = mc_data_read(ctx->dev, fd, b, sizeof(b));
	if (n != -EBADF)
		mc_violation(ctx, "read on the resume fd gave %s, not EBADF",
			     n < 0 ? mc_errno_name((int)n) : "data");
	mc_data_close(ctx->dev, fd);
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
	struct attempt at;
	uint64_t diff = 0;
	char why[160], v[16] = "save";
	int rc, fd, pr;

	if (mc_io_available(ctx->dev, MC_IO_URING, why, sizeof(why))) {
		mc_skip(ctx, "io_uring cannot be used: %s", why);
		return;
	}
	mc_case_arg(ctx->c, "dir", v, sizeof(v));
	if (!strcmp(v, "resume")) {
		if (!ref_stream(ctx, &s))
			return;
		io_opts(ctx, &o, &p);
		o.io = MC_IO_URING;
		if (mc_reach(ctx, ST_RESUMING, &fd))
			return;
		pr = mc_data_poll(ctx->dev, fd, POLLOUT, 0);
		memset(&at, 0, sizeof(at));
		at.write_rc = mc_stream_resume(ctx->dev, fd, &s, 0, s.len, &o, &at.rr);
		at.stop_rc = mc_set_state(ctx->dev, ST_STOP, NULL);
		at.get_rc = mc_get_state(ctx->dev, &at.state);
		mc_data_close(ctx->dev, fd);
		if (judge_valid(ctx, &at, s.len, "a stream written through io_uring"))
			mc_note(ctx, "%lu io_uring writes; poll on the resume fd: %s", at.rr.calls,
				pr > 0 ? "writable" : pr == 0 ? "not ready" : mc_errno_name(pr));
		return;
	}
	mc_stream_init(&a, 0);
	mc_stream_init(&b, 0);
	rc = save_whole(ctx, &p, false, &a, &sa);
	if (!rc) {
		if (mc_reach(ctx, ST_STOP_COPY, &fd))
			goto out;
		pr = mc_data_poll(ctx->dev, fd, POLLIN, 0);
		io_opts(ctx, &o, &p);
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

			if (!attempt(ctx, &b, 0, b.len, &one, false, &at))
				judge_valid(ctx, &at, b.len, "the stream read through io_uring");
		} else if (rc)
			mc_violation(ctx, "the stream read through io_uring (%llu bytes) differs from the one read with read() (%llu bytes) at byte %llu",
				     (unsigned long long)b.len, (unsigned long long)a.len,
				     (unsigned long long)diff);
		else
			mc_note(ctx, "io_uring and read() deliver the same %llu bytes; poll on the save fd in STOP_COPY: %s",
				(unsigned long long)a.len,
				pr > 0 ? "readable" : pr == 0 ? "not ready" : mc_errno_name(pr));
	}
out:
	mc_stream_free(&a);
	mc_stream_free(&b);
}

/* Rows of these operations say '-' for expect: the operation itself knows the rule. */
static int no_args(const struct mc_case *c, char *err, size_t len)
{
	if (strcmp(c->args, "-") || strcmp(c->expect, "-")) {
		snprintf(err, len, "takes args '-' and expect '-'");
		return -EINVAL;
	}
	return 0;
}

static int one_of(const struct mc_case *c, const char *key, const char *const *ok, char *err,
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

	return one_of(c, "via", ok, err, len);
}

static int dir_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "save", "resume", NULL };

	return one_of(c, "dir", ok, err, len);
}

static int trunc_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "header", "sample", "empty", "records", NULL };

	return one_of(c, "at", ok, err, len);
}

static int corrupt_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "header", "sample", NULL };

	return one_of(c, "at", ok, err, len);
}

const struct mc_op mc_ops_stream[] = {
	{ .name = "save_eof", .check = via_check, .run = op_save_eof },
	{ .name = "save_plan", .check = plan_check, .run = op_save_plan },
	{ .name = "save_fd_ops", .check = mc_op_state_arg_check, .run = op_save_fd_ops },
	{ .name = "data_size_ratio", .check = no_args, .run = op_data_size_ratio },
	{ .name = "resume_plan", .check = plan_check, .run = op_resume_plan },
	{ .name = "resume_equiv", .check = plan_check, .run = op_resume_equiv },
	{ .name = "resume_truncated", .check = trunc_check, .run = op_resume_truncated },
	{ .name = "resume_corrupt", .check = corrupt_check, .run = op_resume_corrupt },
	{ .name = "resume_foreign", .check = plan_check, .run = op_resume_foreign },
	{ .name = "resume_garbage", .check = no_args, .run = op_resume_garbage },
	{ .name = "resume_gap", .check = no_args, .run = op_resume_gap },
	{ .name = "resume_random", .check = no_args, .run = op_resume_random },
	{ .name = "resume_fd_ops", .check = no_args, .run = op_resume_fd_ops },
	{ .name = "io_equiv", .check = dir_check, .run = op_io_equiv },
	{ .name = NULL },
};

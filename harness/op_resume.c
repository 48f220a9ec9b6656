// SPDX-License-Identifier: GPL-2.0-only
/*
 * RES operations: a valid stream is accepted however it is written and restores the
 * source's state; truncated, gapped, corrupted, foreign and random streams are refused
 * without harm. Every judgement is made against the bytes the device acknowledged (the
 * successful write() returns, in order), never against what the harness offered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "num.h"
#include "op_err.h"
#include "op_stream.h"
#include "ops.h"
#include "runopts.h"
#include "sim.h"
#include "stream.h"
#include "walker.h"

/* RES-01: the row's write plan, or every split point of the first 64 bytes. */
static void op_resume_plan(struct mc_ctx *ctx)
{
	struct mc_stream s;
	struct mc_plan p;
	struct mc_attempt a;
	char err[128], pt[96], what[160], v[16];

	if (!mc_reference_stream(ctx, &s))
		return;
	if (mc_case_arg(ctx->c, "splits", v, sizeof(v))) {
		uint64_t upto;

		mc_case_num(ctx->c, "splits", MC_NUM_DEC, 0, MC_SPLITS_MAX, 0, &upto, NULL, 0);

		for (uint64_t k = 0; k <= upto && k < s.len; k++) {
			p = (struct mc_plan){ .kind = MC_PLAN_SPLIT, .k = (size_t)k };
			snprintf(what, sizeof(what), "split at %llu", (unsigned long long)k);
			if (mc_resume_attempt(ctx, &s, 0, s.len, &p, false, &a) ||
			    !mc_judge_resume_valid(ctx, &a, s.len, what))
				return;
		}
		mc_note(ctx, "%llu split points of a %llu-byte stream resumed",
			(unsigned long long)(upto < s.len ? upto + 1 : s.len),
			(unsigned long long)s.len);
		return;
	}
	mc_case_plan(ctx->c, &p, err, sizeof(err));
	snprintf(what, sizeof(what), "plan %s", mc_plan_text(&p, pt, sizeof(pt)));
	if (mc_resume_attempt(ctx, &s, 0, s.len, &p, false, &a))
		return;
	if (mc_judge_resume_valid(ctx, &a, s.len, what))
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
	mc_run_io_opts(ctx, &o, &one);
	rc = mc_stream_save(ctx->dev, fd, &o, out, &sr);
	mc_data_close(ctx->dev, fd);
	return rc;
}

/* Whether the device's state regions equal the source's; -errno when unreadable. */
static int regions_equal(struct mc_ctx *ctx, size_t *first_diff, char *err, size_t errlen)
{
	uint8_t buf[MC_REGACCS_MAX * MC_REGACC_MAX];
	ssize_t n = mc_regacc_read(ctx->dev, ctx->di->state_regions, buf, sizeof(buf), err, errlen);

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
			size_t n =
				(size_t)snprintf(why, whylen, "its --state-regions already read ");

			for (size_t i = 0; i < ctx->di->ref_regions_len && i < 32 && n + 3 < whylen;
			     i++)
				n += (size_t)snprintf(why + n, whylen - n, "%02x",
						      ctx->di->ref_regions[i]);
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
		mc_setup_violation(ctx, "ERR-01", "RESET after the pre-resume save failed");
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
			mc_harness_error(
				ctx,
				"setting the destination apart (the --dirty writes inverted): %s",
				err);
			return true;
		}
		rc = holds_source_state(ctx, ref, why, sizeof(why));
	}
	if (rc == 1)
		mc_skip(ctx,
			"before the resume the destination cannot be told from the source (%s); change the source with --dirty writes so RES-02 compares something",
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
	struct mc_attempt a;
	uint64_t diff = 0;
	size_t d = 0;
	char err[256], pt[96], what[128];
	int rc;

	if (!mc_reference_stream(ctx, &s))
		return;
	if (ctx->di->stream_nondet && !ctx->di->state_regions) {
		mc_harness_error(ctx,
				 "--nondeterministic needs --state-regions: nothing to compare");
		return;
	}
	if (vacuous(ctx, &s))
		return;
	mc_case_plan(ctx->c, &p, err, sizeof(err));
	snprintf(what, sizeof(what), "resume with plan %s", mc_plan_text(&p, pt, sizeof(pt)));
	if (mc_resume_attempt(ctx, &s, 0, s.len, &p, false, &a) ||
	    !mc_judge_resume_valid(ctx, &a, s.len, what))
		return;
	if (ctx->di->state_regions) {
		rc = regions_equal(ctx, &d, err, sizeof(err));
		if (rc < 0) {
			mc_violation(ctx, "after %s, reading the state regions failed: %s", what,
				     err);
			return;
		}
		if (!rc) {
			mc_violation(
				ctx,
				"after %s the state regions differ from the source's at byte %zu of %zu",
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
		mc_violation(
			ctx,
			"after %s the device saves a different stream: %llu bytes against the source's %llu, first difference at byte %llu",
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

/* RES-03: truncated streams (every header offset, a sample beyond, empty) are refused. */
/*
 * Cuts at record boundaries: from the format when the backend knows it (the sim's),
 * else every offset of a stream small enough (which includes every boundary of any
 * format). At most MAX_CUTS: the first and last halves of the list when there are more.
 * Returns the count, or 0 with *@why set when the boundaries cannot be located.
 */
#define MAX_CUTS 4096u
static unsigned record_cuts(struct mc_dev *dev, const struct mc_stream *s, uint64_t *cuts,
			    const char **why)
{
	const uint8_t *p = s->mem_len == s->len ? s->mem : NULL; /* all in memory */
	uint64_t *all;
	long n;

	if (p && (n = mc_dev_stream_bounds(dev, p, (size_t)s->len, NULL, 0)) > 0) {
		all = calloc((size_t)n, sizeof(*all));
		if (!all) {
			*why = "out of memory";
			return 0;
		}
		mc_dev_stream_bounds(dev, p, (size_t)s->len, all, (size_t)n);
		if ((unsigned long)n <= MAX_CUTS) {
			memcpy(cuts, all, (size_t)n * sizeof(*all));
		} else {
			memcpy(cuts, all, MAX_CUTS / 2 * sizeof(*all));
			memcpy(cuts + MAX_CUTS / 2, all + n - MAX_CUTS / 2,
			       MAX_CUTS / 2 * sizeof(*all));
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
	struct mc_attempt a;
	char v[16] = "header", what[96];
	uint64_t rng = ctx->di->seed * 0x9e3779b97f4a7c15ull + 1;

	if (!mc_reference_stream(ctx, &s))
		return;
	mc_case_arg(ctx->c, "at", v, sizeof(v));
	if (!strcmp(v, "empty")) {
		cuts[ncut++] = 0;
	} else if (!strcmp(v, "header")) {
		for (uint64_t k = 1; k <= 64 && k < s.len; k++)
			cuts[ncut++] = k;
	} else if (!strcmp(v, "records")) {
		const char *why = NULL;

		ncut = record_cuts(ctx->dev, &s, cuts, &why);
		if (!ncut) {
			mc_skip(ctx, "%s", why ? why : "the stream has no record boundary");
			return;
		}
	} else {
		/* the last byte, the middle, and random cuts beyond the first 64 bytes */
		cuts[ncut++] = s.len - 1;
		cuts[ncut++] = s.len / 2;
		while (ncut < 24 && s.len > 66) {
			mc_xorshift64(&rng);
			cuts[ncut++] = 65 + rng % (s.len - 66);
		}
	}
	for (unsigned i = 0; i < ncut && bad < 4; i++) {
		if (cuts[i] >= s.len)
			continue;
		snprintf(what, sizeof(what), "a stream cut to %llu of %llu bytes",
			 (unsigned long long)cuts[i], (unsigned long long)s.len);
		if (mc_resume_attempt(ctx, &s, 0, cuts[i], &one, false, &a))
			return;
		if (!mc_judge_resume_refused(ctx, &a, cuts[i], what))
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

	if (!mc_reference_stream(ctx, &s))
		return;
	mc_case_arg(ctx->c, "at", v, sizeof(v));
	if (!strcmp(v, "header")) {
		for (uint64_t k = 0; k < 64 && k < s.len; k++)
			at[n++] = k;
	} else {
		while (n < 32 && s.len > 64) {
			mc_xorshift64(&rng);
			at[n++] = 64 + rng % (s.len - 64);
		}
	}
	for (unsigned i = 0; i < n && bad < 4; i++) {
		struct mc_stream c;
		struct mc_attempt a;
		uint8_t mask = (uint8_t)(1u << (at[i] % 8));

		if (flipped(&s, at[i], mask, &c)) {
			mc_harness_error(ctx, "cannot build the corrupted stream");
			return;
		}
		snprintf(what, sizeof(what), "bit %u of byte %llu flipped", (unsigned)(at[i] % 8),
			 (unsigned long long)at[i]);
		if (mc_resume_attempt(ctx, &c, 0, c.len, &one, false, &a)) {
			mc_stream_free(&c);
			return;
		}
		mc_stream_free(&c);
		if (a.write_rc || !mc_resume_complete(&a.rr, s.len)) {
			refused_write++;
			if (!mc_judge_resume_refused(ctx, &a, s.len, what))
				bad++;
		} else if (!a.stop_rc) {
			accepted++;
			mc_check_accepted_usable(ctx, &a, what);
		}
	}
	if (!bad)
		mc_note(ctx,
			"%u flips: %u refused by a write, %u refused at RESUMING->STOP, %u accepted (device then usable)",
			n, refused_write, n - refused_write - accepted, accepted);
}

/* RES-04: a stream saved from a device of another type never completes RESUMING. */
static void op_resume_foreign(struct mc_ctx *ctx)
{
	struct mc_stream s;
	struct mc_plan p;
	struct mc_attempt a;
	char err[128], pt[96], what[400];

	if (!ctx->di->foreign_spec) {
		mc_skip(ctx, "%s",
			ctx->di->foreign_why ? ctx->di->foreign_why : "no foreign stream");
		return;
	}
	mc_stream_wrap(&s, ctx->di->foreign, ctx->di->foreign_len);
	mc_case_plan(ctx->c, &p, err, sizeof(err));
	snprintf(what, sizeof(what), "the %zu-byte stream of %s written with plan %s",
		 ctx->di->foreign_len, ctx->di->foreign_spec, mc_plan_text(&p, pt, sizeof(pt)));
	if (mc_resume_attempt(ctx, &s, 0, s.len, &p, false, &a))
		return;
	if (mc_judge_resume_refused(ctx, &a, s.len, what))
		mc_note(ctx, "%s: refused (write %s, RESUMING->STOP %s)", what,
			mc_errno_name(a.write_rc), mc_errno_name(a.stop_rc));
}

/* RES-03: the valid stream followed by extra bytes. */
static void op_resume_garbage(struct mc_ctx *ctx)
{
	static const uint8_t junk[16] = "migcheck-extra!";
	struct mc_plan split;
	struct mc_stream s, g;
	struct mc_attempt a;
	int rc;

	if (!mc_reference_stream(ctx, &s))
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
	if (mc_resume_attempt(ctx, &g, 0, g.len, &split, true, &a))
		goto out;
	if (a.rr.acked == g.len) {
		mc_judge_resume_refused(ctx, &a, g.len,
					"a valid stream plus 16 extra bytes, all acknowledged");
	} else if (a.rr.acked == s.len && a.rr.ngaps == 1 && a.rr.gaps[0].start == s.len) {
		mc_note(ctx, "the 16 extra bytes were refused (%s); RESUMING->STOP then gave %s",
			mc_errno_name(a.rr.first_err), mc_errno_name(a.stop_rc));
		if (!a.stop_rc)
			mc_check_accepted_usable(ctx, &a,
						 "a valid stream whose extra bytes were refused");
	} else {
		mc_judge_resume_refused(ctx, &a, g.len, "a valid stream plus 16 extra bytes");
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
	struct mc_attempt a = { 0 };
	uint64_t cut, gap = 16;
	char what[160];
	void *hole;
	ssize_t n;
	int fd;

	if (!mc_reference_stream(ctx, &s))
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
	mc_run_io_opts(ctx, &o, &one);
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
		mc_harness_error(ctx, "a write from an unreadable buffer returned %zd, not EFAULT",
				 n);
		goto out_fd;
	}
	mc_stream_resume(ctx->dev, fd, &s, cut + gap, s.len - cut - gap, &o, &r2);
	a.rr.acked = r1.acked + r2.acked;
	a.rr.first_err = (int)n;
	a.rr.first_err_off = cut;
	a.stop_rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	snprintf(what, sizeof(what),
		 "the write of bytes %llu..%llu failed (%s) and the rest followed",
		 (unsigned long long)cut, (unsigned long long)(cut + gap - 1),
		 mc_errno_name((int)n));
	if (mc_judge_resume_refused(ctx, &a, s.len, what))
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

	if (!mc_reference_stream(ctx, &s))
		return;
	for (unsigned i = 0; i < rounds; i++) {
		struct mc_stream r;
		struct mc_attempt a;
		uint32_t st;

		mc_stream_init(&r, 0);
		if (mc_stream_slice(&s, 0, s.len, &r)) {
			mc_harness_error(ctx, "copying the stream");
			return;
		}
		for (uint64_t k = 0; k < r.mem_len; k++) {
			mc_xorshift64(&rng);
			/* even rounds: all random; odd rounds: one byte in 8 changed */
			if (!(i & 1) || !(rng & 7))
				r.mem[k] = (uint8_t)(rng >> 24);
		}
		snprintf(what, sizeof(what), "random stream #%u (%s)", i,
			 i & 1 ? "1 byte in 8 changed" : "all bytes random");
		if (mc_resume_attempt(ctx, &r, 0, r.mem_len, &one, false, &a)) {
			mc_stream_free(&r);
			return;
		}
		mc_stream_free(&r);
		if (a.get_rc) {
			mc_violation(ctx, "%s: GET afterwards failed: %s", what,
				     mc_errno_name(a.get_rc));
			return;
		}
		if (!a.stop_rc) {
			accepted++;
			mc_check_accepted_usable(ctx, &a, what);
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

static int trunc_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "header", "sample", "empty", "records", NULL };

	return mc_check_arg_one_of(c, "at", ok, err, len);
}

static int corrupt_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "header", "sample", NULL };

	return mc_check_arg_one_of(c, "at", ok, err, len);
}

const struct mc_op mc_ops_resume[] = {
	{ .name = "resume_plan", .check = mc_check_plan_arg, .run = op_resume_plan },
	{ .name = "resume_equiv", .check = mc_check_plan_arg, .run = op_resume_equiv },
	{ .name = "resume_truncated", .check = trunc_check, .run = op_resume_truncated },
	{ .name = "resume_corrupt", .check = corrupt_check, .run = op_resume_corrupt },
	{ .name = "resume_foreign", .check = mc_check_plan_arg, .run = op_resume_foreign },
	{ .name = "resume_garbage", .check = mc_check_no_args, .run = op_resume_garbage },
	{ .name = "resume_gap", .check = mc_check_no_args, .run = op_resume_gap },
	{ .name = "resume_random", .check = mc_check_no_args, .run = op_resume_random },
	{ .name = "resume_fd_ops", .check = mc_check_no_args, .run = op_resume_fd_ops },
	{ .name = NULL },
};

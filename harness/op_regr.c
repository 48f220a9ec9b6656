// SPDX-License-Identifier: GPL-2.0-only
/*
 * REG operations: the bug classes drivers fixed upstream since 6.12 (SPEC §16.3), as
 * cases. Repeated migrations into a reopened destination (hisi_acc's flag not reset at
 * open), RESET with a stream half moved, resume writes near the integer limits (qat's
 * overflow check) and DMA logging cycles (pds/mlx5 leaks). The threaded REG-02 case is
 * in op_conc.c with the other threaded operations.
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
#include "model.h"
#include "num.h"
#include "op_err.h"
#include "op_log.h"
#include "op_stream.h"
#include "ops.h"
#include "report.h"
#include "runopts.h"
#include "walker.h"

#define HUGE_COUNT 0x7ffff000u /* MAX_RW_COUNT on 4 KiB pages: INT_MAX rounded down */
#define STREAM_LIMIT (256u << 20)

/* ------------------------------------------------------------------ REG-01 */

/* The --dirty writes with every data byte XORed with @x: one source state per cycle. */
static int write_pattern(struct mc_ctx *ctx, struct mc_dev *dev, uint8_t x, char *err,
			 size_t errlen)
{
	struct mc_regaccs w = *ctx->di->dirty;

	for (int i = 0; i < w.n; i++)
		for (uint32_t k = 0; k < w.a[i].len; k++)
			w.a[i].data[k] ^= x;
	return mc_regacc_write(dev, &w, err, errlen);
}

/* From wherever @dev is: STOP, STOP_COPY, the whole stream into *@buf. Length or -errno. */
static ssize_t save_from(struct mc_dev *dev, uint8_t **buf)
{
	int fd = -1, rc;
	ssize_t n;

	rc = mc_set_state(dev, ST_STOP, NULL);
	if (!rc)
		rc = mc_set_state(dev, ST_STOP_COPY, &fd);
	if (!rc && fd < 0)
		rc = -EBADF;
	if (rc)
		return rc;
	n = mc_read_all(dev, fd, 4096, STREAM_LIMIT, buf, NULL);
	mc_data_close(dev, fd);
	return n;
}

/* One cycle's source: its state regions (@ref, *@reflen) and its stream (*@buf). */
struct cycle {
	uint8_t ref[MC_REGACCS_MAX * MC_REGACC_MAX];
	ssize_t reflen;
	uint8_t *buf;
	ssize_t len;
};

/*
 * Make cycle @i's source state on @src (the peer, or the device itself) and save it. False
 * with the verdict recorded.
 */
static bool cycle_source(struct mc_ctx *ctx, struct mc_dev *src, int i, struct cycle *cy)
{
	char err[256];
	int rc = mc_reset(src);

	if (rc) {
		mc_setup_violation(ctx, "ERR-01", "migration #%d: RESET of the source failed: %s",
				   i + 1, mc_errno_name(rc));
		return false;
	}
	if (write_pattern(ctx, src, (uint8_t)(0x11 * (i + 1)), err, sizeof(err))) {
		mc_harness_error(ctx, "migration #%d: the source's --dirty writes: %s", i + 1, err);
		return false;
	}
	if (ctx->di->state_regions) {
		cy->reflen = mc_regacc_read(src, ctx->di->state_regions, cy->ref, sizeof(cy->ref),
					    err, sizeof(err));
		if (cy->reflen < 0) {
			mc_harness_error(ctx, "migration #%d: the source's --state-regions: %s",
					 i + 1, err);
			return false;
		}
	}
	cy->len = save_from(src, &cy->buf);
	if (cy->len < 0) {
		mc_setup_violation(ctx, "SAVE-01", "migration #%d: saving the source failed: %s",
				   i + 1, mc_errno_name((int)cy->len));
		return false;
	}
	return true;
}

/*
 * Whether the device holds cycle @cy's source state: 1 yes, 0 no (*@diff the first byte
 * that differs), -1 when it could not be told (recorded). By the state regions, else by
 * a save compared byte for byte (the device is left in STOP_COPY then).
 */
static int holds_state(struct mc_ctx *ctx, const struct cycle *cy, size_t *diff, const char *when)
{
	uint8_t now[MC_REGACCS_MAX * MC_REGACC_MAX], *buf = NULL;
	char err[256];
	ssize_t n;

	*diff = 0;
	if (ctx->di->state_regions) {
		n = mc_regacc_read(ctx->dev, ctx->di->state_regions, now, sizeof(now), err,
				   sizeof(err));
		if (n < 0) {
			mc_violation(ctx, "%s, reading the state regions failed: %s", when, err);
			return -1;
		}
		while (*diff < (size_t)n && *diff < (size_t)cy->reflen &&
		       now[*diff] == cy->ref[*diff])
			(*diff)++;
		return n == cy->reflen && *diff == (size_t)n;
	}
	n = save_from(ctx->dev, &buf);
	if (n < 0) {
		mc_violation(ctx, "%s, saving the destination failed: %s", when,
			     mc_errno_name((int)n));
		return -1;
	}
	while (*diff < (size_t)n && *diff < (size_t)cy->len && buf[*diff] == cy->buf[*diff])
		(*diff)++;
	free(buf);
	return n == cy->len && *diff == (size_t)n;
}

/* Resume cycle @cy's stream on the device (from RUNNING): false with the verdict recorded. */
static bool cycle_resume(struct mc_ctx *ctx, int i, const struct cycle *cy)
{
	int fd = -1, rc;
	ssize_t n;

	rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	if (!rc)
		rc = mc_set_state(ctx->dev, ST_RESUMING, &fd);
	if (!rc && fd < 0)
		rc = -EBADF;
	if (rc) {
		mc_setup_violation(ctx, "FSM-01", "migration #%d: reaching RESUMING failed: %s",
				   i + 1, mc_errno_name(rc));
		return false;
	}
	n = mc_write_all(ctx->dev, fd, cy->buf, (size_t)cy->len, (size_t)cy->len);
	rc = n == cy->len ? mc_set_state(ctx->dev, ST_STOP, NULL) : n < 0 ? (int)n : -EIO;
	mc_data_close(ctx->dev, fd);
	if (rc)
		mc_setup_violation(ctx, "RES-01",
				   "migration #%d: the source's %zd-byte stream was refused: %s",
				   i + 1, cy->len, mc_errno_name(rc));
	return !rc;
}

/* One migration, #@i + 1; false when the case is over (verdict recorded). */
static bool one_cycle(struct mc_ctx *ctx, int i)
{
	struct cycle cy = { .reflen = 0 };
	struct mc_dev *src = ctx->dev;
	char err[512], when[96];
	size_t diff;
	bool ok = false;
	int rc;

	if (ctx->di->peer_spec) {
		rc = mc_dev_open(ctx->di->peer_spec, &src, err, sizeof(err));
		if (rc) {
			mc_harness_error(ctx, "migration #%d: opening the peer: %s", i + 1, err);
			return false;
		}
		mc_dev_set_watch(src, ctx->watch);
	}
	if (!cycle_source(ctx, src, i, &cy))
		goto out;
	/* The destination set apart from the source: the same writes, other bytes. */
	snprintf(when, sizeof(when), "before migration #%d", i + 1);
	if (mc_reset(ctx->dev)) {
		mc_setup_violation(ctx, "ERR-01", "%s: RESET of the destination failed", when);
		goto out;
	}
	if (write_pattern(ctx, ctx->dev, (uint8_t)(0x11 * (i + 1)) ^ 0xa5, err, sizeof(err))) {
		mc_harness_error(ctx, "%s: the destination's --dirty writes: %s", when, err);
		goto out;
	}
	rc = holds_state(ctx, &cy, &diff, when);
	if (rc < 0)
		goto out;
	if (mc_reset(ctx->dev)) {
		mc_setup_violation(ctx, "ERR-01", "%s: RESET of the destination failed", when);
		goto out;
	}
	if (rc == 1) {
		mc_skip(ctx,
			"%s the destination already holds the source's state although other bytes were written to it (the --dirty writes do not reach the migrated state)",
			when);
		goto out;
	}
	if (!cycle_resume(ctx, i, &cy))
		goto out;
	snprintf(when, sizeof(when), "after migration #%d (%d reopen%s before it)", i + 1, i,
		 i == 1 ? "" : "s");
	rc = holds_state(ctx, &cy, &diff, when);
	if (rc == 0)
		mc_violation(
			ctx,
			"%s the destination does not hold the source's state (its %s differ from byte %zu on): the stream was not loaded",
			when,
			ctx->di->state_regions ? "state regions" : "saved stream and the source's",
			diff);
	ok = rc == 1;
out:
	free(cy.buf);
	if (src != ctx->dev)
		mc_dev_close(src);
	return ok;
}

/* Close the device and open it again in the case's handle; false with the verdict recorded. */
static bool reopen(struct mc_ctx *ctx, int i)
{
	char err[512];
	int rc;

	mc_reset(ctx->dev);
	mc_dev_close(ctx->dev);
	ctx->dev = NULL;
	rc = mc_dev_open(ctx->di->device_spec, &ctx->dev, err, sizeof(err));
	if (rc) {
		mc_violation(
			ctx,
			"after migration #%d and a close, the device cannot be opened again: %s",
			i + 1, err);
		return false;
	}
	mc_dev_set_watch(ctx->dev, ctx->watch);
	return true;
}

/*
 * REG-01: n= migrations into the device, each from a source state of its own (the --dirty
 * writes with other bytes, on the peer or on the device itself), the device set apart
 * from it before the resume, closed and reopened after it; after each the device must hold
 * that source's state.
 */
static void op_remigrate(struct mc_ctx *ctx)
{
	uint64_t n;

	mc_case_num(ctx->c, "n", MC_NUM_DEC, 1, 14, 5, &n, NULL, 0);
	if (!ctx->di->dirty || !ctx->di->dirty->n) {
		mc_skip(ctx, "no --dirty writes: each migration needs a source state of its own");
		return;
	}
	if (ctx->di->stream_nondet && !ctx->di->state_regions) {
		mc_harness_error(ctx,
				 "--nondeterministic needs --state-regions: nothing to compare");
		return;
	}
	for (int i = 0; i < (int)n; i++)
		if (!one_cycle(ctx, i) || (i + 1 < (int)n && !reopen(ctx, i)))
			return;
	mc_note(ctx,
		"%d migrations into the device, closed and reopened between them: each loaded its source's state (%s)",
		(int)n,
		ctx->di->state_regions ? "by --state-regions" : "saved again, byte for byte");
}

static int count_check(const struct mc_case *c, char *err, size_t len, uint64_t max)
{
	uint64_t v;

	if (strcmp(c->expect, "-")) {
		snprintf(err, len, "expect must be '-'");
		return -EINVAL;
	}
	return mc_case_num(c, "n", MC_NUM_DEC, 1, max, 1, &v, err, len);
}

static int remigrate_check(const struct mc_case *c, char *err, size_t len)
{
	return count_check(c, err, len, 14);
}

/* ------------------------------------------------------------------ REG-02 */

/*
 * Move about half a stream through session fd @fd in @st: write the first half of the
 * reference stream (RESUMING), or read until half its length, its end or ENOMSG. Bytes
 * moved, or -errno with the verdict recorded.
 */
static ssize_t move_half(struct mc_ctx *ctx, uint32_t st, int fd)
{
	size_t half = ctx->di->stream_len / 2 ? ctx->di->stream_len / 2 : 4096, got = 0;
	uint8_t b[256];
	ssize_t n;

	if (st == ST_RESUMING) {
		if (!ctx->di->stream_len) {
			mc_no_ref_stream(ctx, "half a stream to write");
			return -ENODATA;
		}
		n = mc_write_all(ctx->dev, fd, ctx->di->stream, half, half);
		if (n != (ssize_t)half)
			mc_setup_violation(
				ctx, "RES-01",
				"writing the first %zu bytes of a valid stream failed: %s", half,
				n < 0 ? mc_errno_name((int)n) : "short");
		return n == (ssize_t)half ? n : -EIO;
	}
	while (got < half) {
		n = mc_data_read(ctx->dev, fd, b, sizeof(b));
		if (n == -ENOMSG || n == 0)
			break;
		if (n < 0) {
			mc_setup_violation(ctx, "SAVE-01",
					   "reading the %s stream failed after %zu bytes: %s",
					   mc_state_name(st), got, mc_errno_name((int)n));
			return n;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* RESET gives 0 and RUNNING; false with the violation recorded. */
static bool reset_ok(struct mc_ctx *ctx, const char *what)
{
	uint32_t st;
	int rc = mc_reset(ctx->dev);

	if (!rc)
		rc = mc_get_state(ctx->dev, &st);
	if (rc || st != ST_RUNNING) {
		mc_violation(ctx, "%s: RESET gave %s, GET %s, not RUNNING", what, mc_errno_name(rc),
			     rc ? "-" : mc_state_name(st));
		return false;
	}
	return true;
}

/*
 * REG-02: in every supported state, half the session's stream moved (where there is
 * one), RESET: 0, RUNNING, the old fd moves nothing more, a full migration works.
 */
static void op_reset_midstream(struct mc_ctx *ctx)
{
	uint32_t s = ctx->p->a;
	char what[96];
	ssize_t moved = 0;
	int fd;

	if (mc_reach(ctx, s, &fd))
		return;
	if (fd >= 0 && (moved = move_half(ctx, s, fd)) < 0)
		goto out;
	snprintf(what, sizeof(what), "RESET in %s with %zd stream bytes %s", mc_state_name(s),
		 moved, s == ST_RESUMING ? "written" : "read");
	if (!reset_ok(ctx, what))
		goto out;
	if (fd >= 0 && s == ST_RESUMING)
		mc_check_resume_fd_dead(ctx, fd, what);
	else if (fd >= 0)
		mc_check_save_fd_dead(ctx, fd, what);
	mc_check_full_migration(ctx, what);
out:
	mc_data_close(ctx->dev, fd);
}

/* ------------------------------------------------------------------ REG-03 */

/* What one row writes, and what the device acknowledged of it. */
struct huge_run {
	uint64_t stream_acked; /* bytes of the valid stream acknowledged */
	uint64_t extra;	       /* bytes acknowledged beyond it (zeros, huge writes) */
	int writes, refused;
	bool bad; /* a write returned more than its count (recorded) */
};

/* One write of @len bytes at @buf; judged: never more than @len. */
static ssize_t judged_write(struct mc_ctx *ctx, int fd, const void *buf, size_t len,
			    struct huge_run *h, bool stream_bytes, const char *what)
{
	ssize_t n = mc_data_write(ctx->dev, fd, buf, len);

	h->writes++;
	if (n > (ssize_t)len) {
		mc_violation(ctx, "%s: a write of %zu bytes returned %zd", what, len, n);
		h->bad = true;
	} else if (n < 0) {
		h->refused++;
	} else if (stream_bytes) {
		h->stream_acked += (uint64_t)n;
	} else {
		h->extra += (uint64_t)n;
	}
	return n;
}

/* Write @len bytes of the reference stream from @off, continuing short writes. */
static void write_stream_part(struct mc_ctx *ctx, int fd, size_t off, size_t len,
			      struct huge_run *h)
{
	while (len && !h->bad) {
		ssize_t n =
			judged_write(ctx, fd, ctx->di->stream + off, len, h, true, "the stream");

		if (n <= 0)
			return;
		off += (size_t)n;
		len -= (size_t)n;
	}
}

/*
 * past: after the stream, writes of 64 KiB of zeros until twice the larger of the stream
 * and MIG_DATA_SIZE (plus 64 KiB) was offered, three refusals in a row, or a bad answer.
 */
static void write_past(struct mc_ctx *ctx, int fd, const uint8_t *zeros, struct huge_run *h)
{
	uint64_t size = 0, limit, offered = 0;
	int refused_row = 0;

	if (mc_get_data_size(ctx->dev, &size) || size < ctx->di->stream_len)
		size = ctx->di->stream_len;
	limit = 2 * size + 65536;
	while (offered < limit && refused_row < 3 && !h->bad) {
		refused_row = judged_write(ctx, fd, zeros, 65536, h, false, "past the stream") < 0 ?
				      refused_row + 1 :
				      0;
		offered += 65536;
	}
}

static const char *const huge_ats[] = { "end", "middle", "unmapped", "past", NULL };

static int huge_check(const struct mc_case *c, char *err, size_t len)
{
	char v[16];

	if (mc_case_arg(c, "at", v, sizeof(v)) && !strcmp(c->expect, "-"))
		for (int i = 0; huge_ats[i]; i++)
			if (!strcmp(v, huge_ats[i]))
				return 0;
	snprintf(err, len, "needs at=end|middle|unmapped|past, expect '-'");
	return -EINVAL;
}

/* The huge buffer: HUGE_COUNT bytes reading as zeros, no memory behind them. */
static void *huge_map(bool partly)
{
	void *p = mmap(NULL, HUGE_COUNT, partly ? PROT_NONE : PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* partly: the first page readable, the rest unmapped in effect (PROT_NONE) */
	if (partly && mprotect(p, 4096, PROT_READ)) {
		munmap(p, HUGE_COUNT);
		return NULL;
	}
	return p;
}

/* The row's writes into the resume session @fd. */
static void huge_writes(struct mc_ctx *ctx, int fd, const char *at, const uint8_t *big,
			const uint8_t *zeros, struct huge_run *h)
{
	size_t len = ctx->di->stream_len, half = len / 2;

	if (!strcmp(at, "end") || !strcmp(at, "past")) {
		write_stream_part(ctx, fd, 0, len, h);
		if (!strcmp(at, "past"))
			write_past(ctx, fd, zeros, h);
		if (!h->bad)
			judged_write(ctx, fd, big, HUGE_COUNT, h, false,
				     "a huge write after the stream");
		return;
	}
	write_stream_part(ctx, fd, 0, half, h);
	if (!h->bad)
		judged_write(ctx, fd, big, HUGE_COUNT, h, false,
			     !strcmp(at, "unmapped") ?
				     "a huge write from a buffer unmapped after its first page" :
				     "a huge write in the middle of the stream");
	if (!h->bad && h->stream_acked == half)
		write_stream_part(ctx, fd, half, len - half, h);
}

/*
 * REG-03: the row's writes (at=end: the stream, then HUGE_COUNT bytes of zeros; middle:
 * the huge write between the halves; unmapped: the same from a buffer readable only in
 * its first page; past: zeros in 64 KiB writes to twice the declared size, then the huge
 * write). Each write returns at most its count; unless the acknowledged bytes are exactly
 * the stream, RESUMING->STOP fails; GET works; RESET gives RUNNING; a migration works.
 */
static void op_resume_huge(struct mc_ctx *ctx)
{
	struct huge_run h = { 0 };
	uint8_t *big, *zeros;
	char at[16] = "end", what[160];
	uint32_t st;
	int fd, rc, get_rc;

	mc_case_arg(ctx->c, "at", at, sizeof(at));
	if (!ctx->di->stream_len) {
		mc_no_ref_stream(ctx, "the stream the huge writes go with");
		return;
	}
	big = huge_map(!strcmp(at, "unmapped"));
	zeros = calloc(1, 65536);
	if (!big || !zeros) {
		mc_harness_error(ctx, "mapping %u bytes (MAP_NORESERVE): %s", HUGE_COUNT,
				 strerror(errno));
		goto out_free;
	}
	if (mc_reach(ctx, ST_RESUMING, &fd))
		goto out_free;
	huge_writes(ctx, fd, at, big, zeros, &h);
	rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	get_rc = mc_get_state(ctx->dev, &st);
	snprintf(
		what, sizeof(what),
		"at=%s: %llu of %zu stream bytes and %llu others acknowledged in %d writes (%d refused)",
		at, (unsigned long long)h.stream_acked, ctx->di->stream_len,
		(unsigned long long)h.extra, h.writes, h.refused);
	if (h.bad)
		goto out_fd;
	if (!rc && (h.extra || h.stream_acked != ctx->di->stream_len))
		mc_violation(ctx, "%s; RESUMING->STOP accepted that", what);
	else if (get_rc)
		mc_violation(ctx, "%s; GET after RESUMING->STOP (%s) failed: %s", what,
			     mc_errno_name(rc), mc_errno_name(get_rc));
	else if (rc ? st != ST_RESUMING && st != VFIO_DEVICE_STATE_ERROR : st != ST_STOP)
		mc_violation(ctx, "%s; RESUMING->STOP gave %s, then GET %s", what,
			     mc_errno_name(rc), mc_state_name(st));
	else
		mc_note(ctx, "%s; RESUMING->STOP gave %s", what, mc_errno_name(rc));
	if (ctx->res->status != MC_FAIL && reset_ok(ctx, "after the huge writes"))
		mc_check_full_migration(ctx, "the huge writes and a RESET");
out_fd:
	mc_data_close(ctx->dev, fd);
out_free:
	free(zeros);
	if (big)
		munmap(big, HUGE_COUNT);
}

/* ------------------------------------------------------------------ REG-04 */

#define LOG_IOVA 0x100000ull
#define LOG_LEN 0x100000ull

/* One START (1 MiB at 1 MiB), REPORT (when it started), STOP: the three results. */
static void log_cycle(struct mc_dev *dev, int rc[3])
{
	struct vfio_device_feature_dma_logging_range r = { .iova = LOG_IOVA, .length = LOG_LEN };
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = 4096,
		.num_ranges = 1,
		.ranges = (uintptr_t)&r,
	};
	uint64_t bitmap[LOG_LEN / 4096 / 64];
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = LOG_IOVA,
		.length = LOG_LEN,
		.page_size = 4096,
		.bitmap = (uintptr_t)bitmap,
	};
	uint8_t none[8];

	memset(bitmap, 0, sizeof(bitmap));
	rc[0] = mc_log_feature(dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			       &ctl, sizeof(ctl));
	rc[1] = rc[0] ? 0 :
			mc_log_feature(dev,
				       VFIO_DEVICE_FEATURE_GET |
					       VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
				       &rep, sizeof(rep));
	rc[2] = mc_log_feature(dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
			       none, 0);
}

/*
 * REG-04: n= cycles of START, REPORT, STOP from a device not logging: every call returns
 * what it returned in the first cycle. Leaks show in the kernel log (ROB-01: kmemleak's
 * scan after the case group charges them to this case).
 */
static void op_log_cycles(struct mc_ctx *ctx)
{
	static const char *const what[] = { "START", "REPORT", "STOP" };
	int first[3], rc[3];
	uint64_t n;

	mc_case_num(ctx->c, "n", MC_NUM_DEC, 1, 10000, 200, &n, NULL, 0);
	mc_reset(ctx->dev);
	mc_log_feature(ctx->dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
		       first, 0);
	log_cycle(ctx->dev, first);
	if (first[0]) {
		mc_skip(ctx,
			"the first DMA_LOGGING_START failed (%s): LOG-01's matter, nothing to repeat",
			mc_errno_name(first[0]));
		return;
	}
	for (uint64_t i = 1; i < n; i++) {
		log_cycle(ctx->dev, rc);
		for (int k = 0; k < 3; k++)
			if (rc[k] != first[k]) {
				mc_violation(
					ctx,
					"cycle %llu of START, REPORT, STOP: %s gave %s where the first cycle's gave %s",
					(unsigned long long)i + 1, what[k], mc_errno_name(rc[k]),
					mc_errno_name(first[k]));
				return;
			}
	}
	mc_note(ctx, "%llu cycles: START %s, REPORT %s, STOP %s every time", (unsigned long long)n,
		mc_errno_name(first[0]), mc_errno_name(first[1]), mc_errno_name(first[2]));
}

static int log_cycles_check(const struct mc_case *c, char *err, size_t len)
{
	return count_check(c, err, len, 10000);
}

const struct mc_op mc_ops_regr[] = {
	{ .name = "remigrate", .check = remigrate_check, .run = op_remigrate },
	{ .name = "reset_midstream", .expand = MC_EXPAND_STATE, .run = op_reset_midstream },
	{ .name = "resume_huge", .check = huge_check, .run = op_resume_huge },
	{ .name = "log_cycles", .check = log_cycles_check, .run = op_log_cycles },
	{ .name = NULL },
};

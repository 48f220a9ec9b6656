// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device steps the fuzz targets share, each with its oracle: the start of an input,
 * a STOP_COPY save, a resume attempt driven by a write plan (with exact accounts of the
 * acknowledged bytes), recovery by reset and the use of a restored device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "exercise.h"
#include "fuzz.h"
#include "model.h"

#define ST_STOP VFIO_DEVICE_STATE_STOP
#define ST_RUNNING VFIO_DEVICE_STATE_RUNNING
#define ST_STOP_COPY VFIO_DEVICE_STATE_STOP_COPY
#define ST_RESUMING VFIO_DEVICE_STATE_RESUMING
#define ST_ERROR VFIO_DEVICE_STATE_ERROR
#define MAX_RETRIES 8	      /* EINTR/EAGAIN retries of one call */
#define HARD_CALLS (1u << 16) /* a device answering 1 byte at a time is cut off here */

/* ---------------------------------------------------------------- write plans */

struct wr {
	struct mc_fuzz_ctx *ctx;
	struct mc_fuzz_finding *f;
	struct mc_fuzz_wres *r;
	int fd;
	unsigned wflags;
	const uint8_t *s;
	size_t len, pos; /* the stream and the next byte to offer */
	bool failed;	 /* a write failed: later acknowledged bytes leave a gap */
	bool stop;
};

static void wr_failed(struct wr *w, int err, size_t skip)
{
	if (!w->r->first_err)
		w->r->first_err = err;
	w->failed = true;
	if (w->wflags & MC_FUZZ_W_CONTINUE)
		w->pos += skip;
	else
		w->stop = true;
}

static ssize_t wr_writev(struct wr *w, size_t want, unsigned iovcnt)
{
	struct iovec iov[16];
	size_t base = want / iovcnt, off = w->pos;

	for (unsigned i = 0; i < iovcnt; i++) {
		size_t n = base + (i ? 0 : want % iovcnt);

		iov[i] = (struct iovec){ .iov_base = (void *)(w->s + off), .iov_len = n };
		off += n;
	}
	return mc_data_writev(w->ctx->dev, w->fd, iov, (int)iovcnt);
}

/* A chunk of @n bytes (a 0 is a zero-length write) in @iovcnt iovecs; short returns continued. */
static int wr_chunk(struct wr *w, size_t n, unsigned iovcnt)
{
	size_t done = 0;
	unsigned tries = 0;

	if (n > w->len - w->pos)
		n = w->len - w->pos;
	do {
		size_t want = n - done;
		ssize_t rc;

		if (w->r->calls >= HARD_CALLS) {
			w->stop = true;
			return 0;
		}
		w->r->calls++;
		rc = iovcnt > 1 ? wr_writev(w, want, iovcnt) :
				  mc_data_write(w->ctx->dev, w->fd, w->s + w->pos, want);
		if ((rc == -EINTR || rc == -EAGAIN) && ++tries < MAX_RETRIES)
			continue;
		if (rc > (ssize_t)want)
			return mc_fuzz_fail(w->f, "RES-03", 0, ST_RESUMING,
					    "a write of %zu bytes returned %zd: more than offered",
					    want, rc);
		if (!want)
			return 0; /* a zero-length write: nothing to account */
		if (rc <= 0) {
			wr_failed(w, rc < 0 ? (int)rc : -EIO, want);
			return 0;
		}
		memcpy(w->r->ack + w->r->acked, w->s + w->pos, (size_t)rc);
		w->r->acked += (uint64_t)rc;
		w->pos += (size_t)rc;
		w->r->gap |= w->failed;
		done += (size_t)rc;
		tries = 0;
	} while (done < n);
	return 0;
}

/* @n bytes of the stream offered from an unreadable buffer: EFAULT, and a gap. */
static int wr_fault(struct wr *w, size_t n)
{
	ssize_t rc;

	n = n > w->len - w->pos ? w->len - w->pos : n;
	n = n > MC_FUZZ_GUARD ? MC_FUZZ_GUARD : n;
	if (!n)
		return 0;
	w->r->calls++;
	w->r->faulted = true;
	rc = mc_data_write(w->ctx->dev, w->fd, w->ctx->guard + MC_FUZZ_PAGE, n);
	if (rc > 0)
		return mc_fuzz_fail(
			w->f, "RES-03", 0, ST_RESUMING,
			"a write of %zu bytes from an unreadable buffer acknowledged %zd", n, rc);
	if (!w->r->first_err)
		w->r->first_err = rc < 0 ? (int)rc : -EIO;
	w->failed = true;
	w->pos += n; /* the device never saw these bytes: the rest follows them */
	return 0;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Record ops 3, 4, 5, 7: the rest of the stream, cut one way. */
static int wr_rest(struct wr *w, uint8_t op, uint16_t n)
{
	uint64_t rng = (uint64_t)op << 16 | n | 1;
	int rc = 0;

	while (!rc && !w->stop && w->pos < w->len && w->r->calls < MC_FUZZ_MAX_CALLS) {
		switch (op & 7) {
		case 3: rc = wr_chunk(w, (size_t)n + 1, 1); break;
		case 4: rc = wr_chunk(w, 1 + xorshift(&rng) % ((size_t)n + 1), 1); break;
		case 7:
			rc = wr_chunk(w, ((size_t)(op >> 3 & 7) + 2) * (n % 4096 + 1),
				      (op >> 3 & 7) + 2);
			break;
		default: rc = wr_chunk(w, w->len - w->pos, 1); break;
		}
	}
	return rc;
}

int mc_fuzz_write_plan(struct mc_fuzz_ctx *ctx, int fd, const uint8_t *s, size_t len,
		       struct mc_fuzz_in *plan, unsigned nrec, unsigned wflags,
		       struct mc_fuzz_wres *r, struct mc_fuzz_finding *f)
{
	struct wr w = { .ctx = ctx, .f = f, .r = r, .fd = fd, .wflags = wflags, .s = s, .len = len };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->ack = malloc(len ? len : 1);
	if (!r->ack)
		return mc_fuzz_broken(f, -ENOMEM, "out of memory");
	for (unsigned i = 0;
	     !rc && i < nrec && !w.stop && w.pos < len && r->calls < MC_FUZZ_MAX_CALLS; i++) {
		uint8_t op = mc_fuzz_u8(plan);
		uint16_t n = mc_fuzz_u16(plan);

		switch (op & 7) {
		case 0: rc = wr_chunk(&w, n, 1); break;
		case 1: rc = wr_chunk(&w, n, (op >> 3 & 15) + 1); break;
		case 2:
			rc = wflags & MC_FUZZ_W_FAULTS ? wr_fault(&w, (size_t)n + 1) :
							 wr_chunk(&w, (size_t)n + 1, 1);
			break;
		case 6:
			for (unsigned k = 0; !rc && k <= (op >> 3 & 31u); k++)
				rc = wr_chunk(&w, 1, 1);
			break;
		default: rc = wr_rest(&w, op, n); break;
		}
	}
	while (!rc && !w.stop && w.pos < len)
		rc = wr_chunk(&w, len - w.pos, 1);
	r->offered = w.pos;
	return rc;
}

void mc_fuzz_wres_free(struct mc_fuzz_wres *r)
{
	free(r->ack);
	r->ack = NULL;
}

/* ---------------------------------------------------------------- device steps */

const char *mc_fuzz_no_path_clause(uint64_t flags, uint32_t from, uint32_t to)
{
	if (from == ST_STOP_COPY &&
	    (to == VFIO_DEVICE_STATE_PRE_COPY || to == VFIO_DEVICE_STATE_PRE_COPY_P2P))
		return "FSM-04";
	return mc_model_supported(flags, to) ? "FSM-01" : "FSM-03";
}

/* SET @to from @from, a path that returns no fd: 0, or 1 with @f (FSM-01/02). */
static int set_plain(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, uint32_t from, uint32_t to,
		     const char *clause, const char *what)
{
	int fd = -1, rc = mc_set_state(ctx->dev, to, &fd);

	mc_data_close(ctx->dev, fd);
	if (rc)
		return mc_fuzz_fail(f, clause, rc, from, "%s: SET %s->%s failed: %s", what,
				    mc_state_name(from), mc_state_name(to), mc_errno_name(rc));
	if (fd >= 0)
		return mc_fuzz_fail(f, "FSM-02", 0, to, "%s: SET %s->%s returned a data fd", what,
				    mc_state_name(from), mc_state_name(to));
	return 0;
}

int mc_fuzz_begin(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f)
{
	uint32_t st = ST_ERROR;
	int rc = mc_get_flags(ctx->dev, &ctx->flags);

	if (rc)
		return mc_fuzz_fail(f, "FEAT-01", rc, ST_RUNNING, "GET MIGRATION failed: %s",
				    mc_errno_name(rc));
	if (!mc_model_flags_valid(ctx->flags))
		return mc_fuzz_fail(f, "FEAT-01", 0, ST_RUNNING,
				    "GET MIGRATION gave flags %#llx, not 1, 3, 5 or 7",
				    (unsigned long long)ctx->flags);
	rc = mc_reset(ctx->dev);
	if (!rc)
		rc = mc_get_state(ctx->dev, &st);
	if (rc || st != ST_RUNNING)
		return mc_fuzz_fail(f, "ERR-01", rc, st, "RESET at the start gave %s, GET %s",
				    mc_errno_name(rc), rc ? "-" : mc_state_name(st));
	return 0;
}

int mc_fuzz_save(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, uint8_t **buf, size_t *len)
{
	ssize_t n;
	int fd = -1, rc;

	*buf = NULL;
	*len = 0;
	rc = mc_set_state(ctx->dev, ST_STOP_COPY, &fd);
	if (rc)
		return mc_fuzz_fail(f, "FSM-01", rc, ST_RUNNING,
				    "SET RUNNING->STOP_COPY failed: %s", mc_errno_name(rc));
	if (fd < 0)
		return mc_fuzz_fail(f, "FSM-02", 0, ST_STOP_COPY,
				    "SET RUNNING->STOP_COPY returned no data fd");
	n = mc_read_all(ctx->dev, fd, MC_FUZZ_SAVE_CHUNK, MC_FUZZ_STREAM_MAX, buf, NULL);
	mc_data_close(ctx->dev, fd);
	if (n == -EFBIG || n == -ENOMEM)
		return mc_fuzz_broken(f, (int)n, "the device's stream is over %u bytes",
				      MC_FUZZ_STREAM_MAX);
	if (n < 0)
		return mc_fuzz_fail(f, "SAVE-01", (int)n, ST_STOP_COPY,
				    "reading the STOP_COPY stream failed: %s",
				    mc_errno_name((int)n));
	*len = (size_t)n;
	return set_plain(ctx, f, ST_STOP_COPY, ST_RUNNING, "FSM-01", "after a save");
}

int mc_fuzz_recover(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, int old_fd,
		    const char *what)
{
	uint32_t st = ST_ERROR;
	ssize_t n;
	int rc = mc_reset(ctx->dev);

	if (!rc)
		rc = mc_get_state(ctx->dev, &st);
	if (rc || st != ST_RUNNING)
		return mc_fuzz_fail(f, "ERR-01", rc, st, "%s: RESET gave %s, GET %s", what,
				    mc_errno_name(rc), rc ? "-" : mc_state_name(st));
	if (old_fd < 0)
		return 0;
	n = mc_data_write(ctx->dev, old_fd, "M", 1);
	if (n >= 0)
		return mc_fuzz_fail(f, "ERR-04", 0, ST_RUNNING,
				    "%s: after RESET the old resume fd still took a write (%zd)",
				    what, n);
	return 0;
}

/* mc_exercise_dev with @flags: 0, or 1 with RES-05 in @f when a read failed. */
static int exercise(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, unsigned flags,
		    uint32_t state, const char *what)
{
	struct mc_exercise_res r;
	char why[160];

	if (!mc_exercise_dev(ctx->dev, flags, &r))
		return 0;
	return mc_fuzz_fail(f, "RES-05", r.err, state, "%s: %s", what,
			    mc_exercise_text(&r, why, sizeof(why)));
}

int mc_fuzz_usable(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const char *what)
{
	uint32_t st = ST_ERROR;
	int rc;

	rc = exercise(ctx, f, 0, ST_STOP, what);
	if (rc)
		return rc;
	rc = set_plain(ctx, f, ST_STOP, ST_RUNNING, "RES-05", what);
	if (rc)
		return rc;
	rc = mc_get_state(ctx->dev, &st);
	if (rc || st != ST_RUNNING)
		return mc_fuzz_fail(f, "RES-05", rc, ST_RUNNING,
				    "%s: SET STOP->RUNNING succeeded, then GET gave %s %s", what,
				    mc_errno_name(rc), rc ? "" : mc_state_name(st));
	/* Running, the restored registers are written back too: the driver's write paths use them. */
	return exercise(ctx, f, MC_EXERCISE_WRITE, ST_RUNNING, what);
}

/* RESET instead of RESUMING->STOP: RUNNING, and the old fd is dead (ERR-04). */
static int abort_resume(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f,
			struct mc_fuzz_attempt *a)
{
	int rc = mc_reset(ctx->dev);

	a->stop_rc = rc;
	a->state = ST_ERROR;
	if (!rc)
		rc = mc_get_state(ctx->dev, &a->state);
	if (rc || a->state != ST_RUNNING)
		return mc_fuzz_fail(f, "ERR-04", rc, ST_RESUMING,
				    "RESET in RESUMING gave %s, GET %s", mc_errno_name(rc),
				    rc ? "-" : mc_state_name(a->state));
	if (a->fd >= 0 && mc_data_write(ctx->dev, a->fd, "M", 1) >= 0)
		return mc_fuzz_fail(f, "ERR-04", 0, ST_RUNNING,
				    "after RESET in RESUMING the old resume fd still took a write");
	return 0;
}

int mc_fuzz_resume(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const uint8_t *s, size_t len,
		   struct mc_fuzz_in *plan, unsigned nrec, unsigned wflags, unsigned ropts,
		   struct mc_fuzz_attempt *a)
{
	int rc, stray = -1;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->stop_rc = 1;
	rc = mc_set_state(ctx->dev, ST_RESUMING, &a->fd);
	if (rc)
		return mc_fuzz_fail(f, "FSM-01", rc, ST_RUNNING, "SET RUNNING->RESUMING failed: %s",
				    mc_errno_name(rc));
	if (a->fd < 0)
		return mc_fuzz_fail(f, "FSM-02", 0, ST_RESUMING,
				    "SET RUNNING->RESUMING returned no data fd");
	rc = mc_fuzz_write_plan(ctx, a->fd, s, len, plan, nrec, wflags, &a->w, f);
	if (rc)
		return rc;
	if (ropts & MC_FUZZ_R_CLOSE_FIRST) {
		mc_data_close(ctx->dev, a->fd);
		a->fd = -1;
	}
	if (ropts & MC_FUZZ_R_ABORT)
		return abort_resume(ctx, f, a);
	a->stop_rc = mc_set_state(ctx->dev, ST_STOP, &stray);
	if (stray >= 0) {
		mc_data_close(ctx->dev, stray);
		return mc_fuzz_fail(f, "FSM-02", 0, ST_STOP,
				    "SET RESUMING->STOP returned a data fd");
	}
	rc = mc_get_state(ctx->dev, &a->state);
	if (rc)
		return mc_fuzz_fail(f, "RES-05", rc, ST_STOP,
				    "GET after RESUMING->STOP (%s) failed: %s",
				    mc_errno_name(a->stop_rc), mc_errno_name(rc));
	if (!a->stop_rc && a->state != ST_STOP)
		return mc_fuzz_fail(f, "FSM-01", 0, ST_STOP,
				    "RESUMING->STOP succeeded but GET reports %s",
				    mc_state_name(a->state));
	if (a->stop_rc && a->state != ST_RESUMING && a->state != ST_ERROR)
		return mc_fuzz_fail(f, "FSM-07", a->stop_rc, ST_RESUMING,
				    "a failed RESUMING->STOP (%s) left the device in %s",
				    mc_errno_name(a->stop_rc), mc_state_name(a->state));
	return 0;
}

void mc_fuzz_attempt_free(struct mc_fuzz_ctx *ctx, struct mc_fuzz_attempt *a)
{
	mc_data_close(ctx->dev, a->fd);
	a->fd = -1;
	mc_fuzz_wres_free(&a->w);
}

int mc_fuzz_resume_resave(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const uint8_t *s,
			  size_t len, struct mc_fuzz_in *plan, unsigned nrec, uint8_t **again,
			  size_t *again_len)
{
	struct mc_fuzz_attempt a;
	struct mc_fuzz_in none;
	const char *how = plan ? "with the write plan" : "in one write";
	int rc;

	if (again)
		*again = NULL;
	mc_fuzz_in_init(&none, NULL, 0);
	rc = mc_fuzz_resume(ctx, f, s, len, plan ? plan : &none, plan ? nrec : 0, 0, 0, &a);
	if (!rc && (a.w.first_err || a.w.acked != len))
		rc = mc_fuzz_fail(
			f, "RES-01", a.w.first_err, ST_RESUMING,
			"the device's own %zu-byte stream %s: %llu bytes acknowledged in %u calls, then %s",
			len, how, (unsigned long long)a.w.acked, a.w.calls,
			mc_errno_name(a.w.first_err));
	else if (!rc && a.stop_rc)
		rc = mc_fuzz_fail(
			f, "RES-01", a.stop_rc, ST_RESUMING,
			"the device's own %zu-byte stream %s (%u calls): every byte acknowledged, but RESUMING->STOP gave %s",
			len, how, a.w.calls, mc_errno_name(a.stop_rc));
	mc_fuzz_attempt_free(ctx, &a);
	if (!rc)
		rc = mc_fuzz_usable(
			ctx, f, plan ? "after the chunked resume" : "after a single-write resume");
	if (!rc && again)
		rc = mc_fuzz_save(ctx, f, again, again_len);
	if (!rc)
		rc = mc_fuzz_recover(ctx, f, -1, "after a resume");
	if (rc && again) {
		free(*again);
		*again = NULL;
	}
	return rc;
}

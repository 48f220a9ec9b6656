// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations that drive the device from several threads of the case's process (CONC,
 * and REG-02's RESET during a read or write loop): a SET racing a read or a write, RESET
 * racing a SET, two readers on one save fd. What the model answers is judged (the state
 * the last SET or RESET leaves, no data after a session ended); everywhere else, that
 * nothing hangs: every thread is waited for with a bound, and a thread still in the
 * device after it is a fail (the device handle is then left to the exiting process).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "op_err.h"
#include "op_stream.h"
#include "ops.h"
#include "report.h"
#include "runopts.h"
#include "util.h"
#include "walker.h"

#define JOIN_MS 5000 /* a thread still in the device after this has hung */
#define LOOP_MS 5000 /* a read or write loop ends after this at the latest */
#define LATE_MS 50   /* the late rounds' delay: the first call is well under way */
#define STREAM_LIMIT (256u << 20)

/* ------------------------------------------------------------------ threads */

struct worker {
	pthread_t tid;
	void (*fn)(void *);
	void *arg;
	int done; /* atomic: fn returned */
	bool made;
};

static void *worker_main(void *p)
{
	struct worker *w = p;

	w->fn(w->arg);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int worker_start(struct worker *w, void (*fn)(void *), void *arg)
{
	int rc;

	*w = (struct worker){ .fn = fn, .arg = arg };
	rc = pthread_create(&w->tid, NULL, worker_main, w);
	w->made = !rc;
	return -rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Wait up to @ms for *@v to reach @min (an atomic counter); whether it did. It spins
 * (yielding): a racing call must follow the event it waits for within microseconds.
 */
static bool wait_for(const int *v, int min, unsigned ms)
{
	uint64_t end = mc_now_ms() + ms;

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < min) {
		if (mc_now_ms() >= end)
			return false;
		sched_yield();
	}
	return true;
}

/* Join @w if it ends before @end_ms; false when it is still running (left alone). */
static bool worker_join_by(struct worker *w, uint64_t end_ms)
{
	uint64_t now = mc_now_ms();

	if (!w->made)
		return true;
	if (!wait_for(&w->done, 1, end_ms > now ? (unsigned)(end_ms - now) : 0))
		return false;
	pthread_join(w->tid, NULL);
	w->made = false;
	return true;
}

static bool worker_join(struct worker *w)
{
	return worker_join_by(w, mc_now_ms() + JOIN_MS);
}

/*
 * A thread did not come back from the device: the fail, and the device handle left
 * alone (closing it would wait on the hung call); the case process ends with it.
 */
static void hung(struct mc_ctx *ctx, const char *what)
{
	mc_violation(ctx, "%s did not return within %u ms: the device deadlocked or hung", what,
		     JOIN_MS);
	ctx->dev = NULL;
}

/* Join both; false (recorded, device abandoned) when one hangs. */
static bool join_both(struct mc_ctx *ctx, struct worker *a, const char *wa, struct worker *b,
		      const char *wb)
{
	uint64_t end = mc_now_ms() + JOIN_MS;
	bool ja = worker_join_by(a, end), jb = worker_join_by(b, end);

	if (!ja || !jb) {
		hung(ctx, !ja ? wa : wb);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ data loop */

/*
 * A read loop on a save fd or a write loop on a resume fd (16 bytes a call), racing an
 * event (a SET or RESET another thread issues) that sets @event_done once it returned.
 * Calls begun after that are counted apart; the loop ends three of them later.
 */
struct loop {
	struct mc_dev *dev;
	int fd;
	const uint8_t *stream; /* resume: what is written */
	size_t len, off;
	int started, ops;    /* atomic: calls begun, calls returned */
	int event_done;	     /* atomic */
	int event_rc;	     /* the event's result (a RESET's), set before event_done */
	int post_ops;	     /* calls begun after the event */
	uint64_t post_bytes; /* what they moved */
	ssize_t post_first;  /* the first one's result */
};

static void loop_step(struct loop *l)
{
	uint8_t b[16] = { 0 };
	bool after = __atomic_load_n(&l->event_done, __ATOMIC_ACQUIRE);
	size_t piece = l->len - l->off < sizeof(b) ? l->len - l->off : sizeof(b);
	ssize_t n;

	if (l->stream && !piece && !after) {
		sleep_ms(1); /* all written: wait for the event, then try one byte more */
		return;
	}
	__atomic_add_fetch(&l->started, 1, __ATOMIC_RELEASE);
	if (!l->stream)
		n = mc_data_read(l->dev, l->fd, b, sizeof(b));
	else if (piece)
		n = mc_data_write(l->dev, l->fd, l->stream + l->off, piece);
	else
		n = mc_data_write(l->dev, l->fd, l->stream + l->len - 1, 1);
	__atomic_add_fetch(&l->ops, 1, __ATOMIC_RELEASE);
	if (!after)
		sched_yield(); /* let the racing thread in before the stream is over */
	if (after) {
		if (!l->post_ops++)
			l->post_first = n;
		l->post_bytes += n > 0 ? (uint64_t)n : 0;
	} else if (n > 0 && l->stream) {
		l->off += (size_t)n;
	}
}

static void loop_run(void *p)
{
	struct loop *l = p;
	uint64_t end = mc_now_ms() + LOOP_MS;

	while (l->post_ops < 3 && mc_now_ms() < end)
		loop_step(l);
}

/* "read" or "write" with what the first call after the event gave. */
static void loop_post_text(const struct loop *l, char *buf, size_t len)
{
	snprintf(buf, len, "%d %s%s after it returned moved %llu bytes (the first gave %zd)",
		 l->post_ops, l->stream ? "write" : "read", l->post_ops == 1 ? "" : "s",
		 (unsigned long long)l->post_bytes, l->post_first);
}

/* The row's fd=save|resume: the session state, and the stream a resume loop writes. */
static bool loop_setup(struct mc_ctx *ctx, struct loop *l, uint32_t *st)
{
	char v[16] = "save";

	mc_case_arg(ctx->c, "fd", v, sizeof(v));
	memset(l, 0, sizeof(*l));
	*st = strcmp(v, "resume") ? ST_STOP_COPY : ST_RESUMING;
	if (*st == ST_RESUMING && !ctx->di->stream_len) {
		mc_no_ref_stream(ctx, "the stream the write loop writes");
		return false;
	}
	if (*st == ST_RESUMING) {
		l->stream = ctx->di->stream;
		l->len = ctx->di->stream_len;
	}
	l->dev = ctx->dev;
	return true;
}

static int fd_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "save", "resume", NULL };

	return mc_check_arg_one_of(c, "fd", ok, err, len);
}

/* ------------------------------------------------------------------ REG-02 */

static void reset_after_ops(void *p)
{
	struct loop *l = p;

	wait_for(&l->ops, 3, LOOP_MS);
	l->event_rc = mc_reset(l->dev);
	__atomic_store_n(&l->event_done, 1, __ATOMIC_RELEASE);
}

/*
 * REG-02: the case's thread loops on the session fd (fd=save: STOP_COPY, reads; resume:
 * writes of the reference stream) while another thread issues RESET after three calls:
 * RESET gives 0, the calls begun after it returned move nothing, GET says RUNNING, a
 * migration works.
 */
static void op_reset_loop(struct mc_ctx *ctx)
{
	struct worker w;
	struct loop l;
	char post[160];
	uint32_t st, got;
	int fd, rc;

	if (!loop_setup(ctx, &l, &st) || mc_reach(ctx, st, &fd))
		return;
	l.fd = fd;
	mc_dev_threaded(ctx->dev, true);
	if (worker_start(&w, reset_after_ops, &l)) {
		mc_harness_error(ctx, "pthread_create failed");
		goto out;
	}
	loop_run(&l);
	if (!worker_join(&w)) {
		hung(ctx, "RESET from another thread during the loop");
		return;
	}
	mc_dev_threaded(ctx->dev, false);
	loop_post_text(&l, post, sizeof(post));
	if (!l.event_done)
		mc_harness_error(ctx, "the RESET thread found no loop to race (%d calls)", l.ops);
	else if (l.event_rc)
		mc_violation(ctx, "RESET from another thread during a %s loop in %s failed: %s",
			     l.stream ? "write" : "read", mc_state_name(st),
			     mc_errno_name(l.event_rc));
	else if (l.post_bytes)
		mc_violation(ctx,
			     "RESET from another thread during a %s loop in %s: the old fd's %s",
			     l.stream ? "write" : "read", mc_state_name(st), post);
	rc = mc_get_state(ctx->dev, &got);
	if (rc || (!l.event_rc && got != ST_RUNNING))
		mc_violation(ctx, "after RESET from another thread GET gave %s (%s), not RUNNING",
			     rc ? "-" : mc_state_name(got), mc_errno_name(rc));
	if (ctx->res->status == MC_FAIL || ctx->res->status == MC_ERROR)
		goto out;
	mc_note(ctx, "RESET landed after %d calls (%zu stream bytes written); %s",
		l.ops - l.post_ops, l.off, post);
	mc_data_close(ctx->dev, fd);
	mc_check_full_migration(ctx, "RESET from another thread during the loop");
	return;
out:
	mc_dev_threaded(ctx->dev, false);
	mc_data_close(ctx->dev, fd);
}

/* ------------------------------------------------------------------ CONC-01 */

/*
 * One round: the loop on @fd in a thread; once it began a call (round 1: LATE_MS later)
 * SET STOP ends the session. Returns false when the case is over.
 */
static bool set_io_round(struct mc_ctx *ctx, struct loop *l, uint32_t from, int round)
{
	struct worker w;
	char post[160];
	uint32_t got;
	int rc, get_rc;

	if (worker_start(&w, loop_run, l)) {
		mc_harness_error(ctx, "pthread_create failed");
		return false;
	}
	wait_for(&l->started, 1, LOOP_MS);
	if (round)
		sleep_ms(LATE_MS);
	rc = mc_set_state(ctx->dev, ST_STOP, NULL);
	__atomic_store_n(&l->event_done, 1, __ATOMIC_RELEASE);
	if (!worker_join(&w)) {
		hung(ctx, l->stream ? "the write loop racing RESUMING->STOP" :
				      "the read loop racing STOP_COPY->STOP");
		return false;
	}
	get_rc = mc_get_state(ctx->dev, &got);
	loop_post_text(l, post, sizeof(post));
	if (get_rc)
		mc_violation(ctx, "round %d: after %s->STOP (%s) racing a %s loop, GET failed: %s",
			     round + 1, mc_state_name(from), mc_errno_name(rc),
			     l->stream ? "write" : "read", mc_errno_name(get_rc));
	else if (!rc && got != ST_STOP)
		mc_violation(ctx, "round %d: %s->STOP racing a %s loop succeeded, but GET says %s",
			     round + 1, mc_state_name(from), l->stream ? "write" : "read",
			     mc_state_name(got));
	else if (rc && got != from && got != VFIO_DEVICE_STATE_ERROR)
		mc_violation(
			ctx,
			"round %d: %s->STOP racing a %s loop failed (%s), and GET says %s (FSM-07 allows %s or ERROR)",
			round + 1, mc_state_name(from), l->stream ? "write" : "read",
			mc_errno_name(rc), mc_state_name(got), mc_state_name(from));
	else if (!rc && l->post_bytes)
		mc_violation(ctx,
			     "round %d: %s->STOP racing a %s loop ended the session, yet the %s",
			     round + 1, mc_state_name(from), l->stream ? "write" : "read", post);
	else
		mc_note(ctx, "round %d: %s->STOP gave %s after %d calls; %s", round + 1,
			mc_state_name(from), mc_errno_name(rc), l->ops - l->post_ops, post);
	return ctx->res->status != MC_FAIL;
}

/*
 * CONC-01: a thread loops on the session fd (fd=save: reads in STOP_COPY; resume: writes
 * of the reference stream in RESUMING) while the case's thread SETs STOP, in two rounds
 * (the SET at once, and LATE_MS into the loop): the SET returns, GET agrees with its
 * result, and after a successful SET no call begun later moves data. Then a migration.
 */
static void op_set_io_race(struct mc_ctx *ctx)
{
	struct loop l;
	uint32_t st;
	int fd;

	for (int round = 0; round < 2; round++) {
		if (!loop_setup(ctx, &l, &st) || mc_reach(ctx, st, &fd))
			return;
		l.fd = fd;
		mc_dev_threaded(ctx->dev, true);
		if (!set_io_round(ctx, &l, st, round)) {
			if (ctx->dev)
				mc_data_close(ctx->dev, fd);
			return;
		}
		mc_dev_threaded(ctx->dev, false);
		mc_data_close(ctx->dev, fd);
	}
	mc_check_full_migration(ctx, "SETs racing a data loop");
}

/* ------------------------------------------------------------------ CONC-02 */

struct race {
	struct mc_dev *dev;
	uint32_t to;
	unsigned delay_ms;
	int set_started; /* atomic */
	int set_rc, set_fd, reset_rc;
};

static void race_set(void *p)
{
	struct race *r = p;

	__atomic_store_n(&r->set_started, 1, __ATOMIC_RELEASE);
	r->set_rc = mc_set_state(r->dev, r->to, &r->set_fd);
}

static void race_reset(void *p)
{
	struct race *r = p;

	wait_for(&r->set_started, 1, LOOP_MS);
	if (r->delay_ms)
		sleep_ms(r->delay_ms);
	r->reset_rc = mc_reset(r->dev);
}

/* Whether @st may follow a failed SET @to racing RESET: on RUNNING's path to @to, ERROR. */
static bool failed_set_state_ok(uint64_t flags, uint32_t to, uint32_t st)
{
	uint32_t path[MC_MAX_PATH];
	int n = mc_model_path(flags, ST_RUNNING, to, path);

	if (st == VFIO_DEVICE_STATE_ERROR || st == ST_RUNNING)
		return true;
	for (int i = 0; i < n - 1; i++)
		if (path[i] == st)
			return true;
	return false;
}

/* Judge one round's end state and the SET's fd; false when the case is over. */
static bool race_judge(struct mc_ctx *ctx, const struct race *r, int round)
{
	char what[96];
	uint32_t st;
	int rc = mc_get_state(ctx->dev, &st);

	snprintf(what, sizeof(what), "round %d: STOP->%s (%s) racing RESET (%s)", round + 1,
		 mc_state_name(r->to), mc_errno_name(r->set_rc), mc_errno_name(r->reset_rc));
	if (r->reset_rc)
		mc_violation(ctx, "%s: RESET failed", what);
	else if (rc)
		mc_violation(ctx, "%s: GET afterwards failed: %s", what, mc_errno_name(rc));
	else if (!r->set_rc && st != ST_RUNNING && st != r->to)
		mc_violation(ctx, "%s: the device ended in %s, neither RUNNING nor the target",
			     what, mc_state_name(st));
	else if (r->set_rc && !failed_set_state_ok(ctx->flags, r->to, st))
		mc_violation(ctx, "%s: after the failed SET the device is in %s", what,
			     mc_state_name(st));
	else if (r->set_fd >= 0 && st == ST_RUNNING && r->to == ST_RESUMING)
		mc_check_resume_fd_dead(ctx, r->set_fd, what);
	else if (r->set_fd >= 0 && st == ST_RUNNING)
		mc_check_save_fd_dead(ctx, r->set_fd, what);
	if (!rc)
		mc_note(ctx, "%s: ended in %s", what, mc_state_name(st));
	return ctx->res->status != MC_FAIL;
}

static int to_check(const struct mc_case *c, char *err, size_t len)
{
	static const char *const ok[] = { "STOP_COPY", "RESUMING", "RUNNING", NULL };

	return mc_check_arg_one_of(c, "to", ok, err, len);
}

/*
 * CONC-02: from STOP, one thread SETs the row's to= state while another RESETs, six
 * rounds (odd ones with the RESET LATE_MS after the SET began): both return, and the
 * end state is one a serial order gives (race_judge). Then RESET and a migration.
 */
static void op_reset_set_race(struct mc_ctx *ctx)
{
	struct worker a, b;
	struct race r;
	char v[16] = "STOP_COPY";
	int fd;

	mc_case_arg(ctx->c, "to", v, sizeof(v));
	for (int round = 0; round < 6; round++) {
		r = (struct race){ .dev = ctx->dev,
				   .to = (uint32_t)mc_state_parse(v),
				   .set_fd = -1,
				   .delay_ms = round & 1 ? LATE_MS : 0 };
		if (mc_reach(ctx, VFIO_DEVICE_STATE_STOP, &fd))
			return;
		mc_dev_threaded(ctx->dev, true);
		if (worker_start(&a, race_set, &r) || worker_start(&b, race_reset, &r)) {
			mc_harness_error(ctx, "pthread_create failed");
			if (!join_both(ctx, &a, "the racing SET", &b, "the racing RESET"))
				return;
			mc_data_close(ctx->dev, r.set_fd);
			return;
		}
		if (!join_both(ctx, &a, "the SET racing a RESET", &b, "the RESET racing a SET"))
			return;
		mc_dev_threaded(ctx->dev, false);
		if (!race_judge(ctx, &r, round)) {
			mc_data_close(ctx->dev, r.set_fd);
			return;
		}
		mc_data_close(ctx->dev, r.set_fd);
	}
	if (!mc_reset(ctx->dev))
		mc_check_full_migration(ctx, "RESETs racing SETs");
	else
		mc_violation(ctx, "RESET after the races failed");
}

/* ------------------------------------------------------------------ CONC-03 */

/* One of two readers of a save fd: its pieces, in its order. */
struct reader {
	struct mc_dev *dev;
	int fd;
	size_t chunk;
	const int *go;
	uint8_t *buf; /* the pieces' bytes, concatenated */
	size_t used, cap;
	uint32_t *lens; /* each piece's length */
	size_t n;
	int err; /* the first failing read's -errno */
	bool eof, overlong;
	ssize_t over; /* a read that returned more than asked */
};

static void reader_run(void *p)
{
	struct reader *rd = p;
	uint64_t end = mc_now_ms() + LOOP_MS;

	/* Spin, not sleep, on the start: both readers must begin at once. */
	while (!__atomic_load_n(rd->go, __ATOMIC_ACQUIRE) && mc_now_ms() < end)
		sched_yield();
	while (!rd->eof && !rd->err && !rd->over && mc_now_ms() < end) {
		ssize_t got;

		if (rd->used + rd->chunk > rd->cap) {
			rd->overlong = true; /* far more than one stream: stop */
			return;
		}
		got = mc_data_read(rd->dev, rd->fd, rd->buf + rd->used, rd->chunk);
		if (got > (ssize_t)rd->chunk)
			rd->over = got;
		else if (got < 0)
			rd->err = (int)got;
		else if (!got)
			rd->eof = true;
		else {
			rd->lens[rd->n++] = (uint32_t)got;
			rd->used += (size_t)got;
		}
		sched_yield(); /* the other reader's turn: interleave */
	}
	/* At the end, the fd keeps saying so: one more read, which must give 0 too. */
	if (rd->eof && mc_data_read(rd->dev, rd->fd, rd->buf + rd->used, 1) != 0)
		rd->eof = false;
}

/* Whether piece @k of @rd is the reference's bytes at @off. */
static bool piece_at(const struct reader *rd, size_t k, size_t start, const uint8_t *ref,
		     size_t len, size_t off)
{
	return off + rd->lens[k] <= len && !memcmp(rd->buf + start, ref + off, rd->lens[k]);
}

/*
 * Whether the two readers' pieces, each reader's in its own order, interleave into @ref:
 * a search over (pieces of a taken, pieces of b taken); -1 when that is too large to try.
 */
static int interleaves(const struct reader *a, const struct reader *b, const uint8_t *ref,
		       size_t len)
{
	size_t w = b->n + 1, states = (a->n + 1) * w, *sa, *sb, *stack, top = 0;
	uint8_t *seen;
	int found = 0;

	if (states > (64u << 20))
		return -1;
	seen = calloc(states / 8 + 1, 1);
	stack = malloc(sizeof(*stack) * (a->n + b->n + 2) * 2);
	sa = calloc(a->n + 1, sizeof(*sa));
	sb = calloc(b->n + 1, sizeof(*sb));
	if (!seen || !stack || !sa || !sb) {
		found = -1;
		goto out;
	}
	for (size_t i = 0; i < a->n; i++)
		sa[i + 1] = sa[i] + a->lens[i];
	for (size_t j = 0; j < b->n; j++)
		sb[j + 1] = sb[j] + b->lens[j];
	stack[top++] = 0;
	while (top && !found) {
		size_t s = stack[--top], i = s / w, j = s % w, off = sa[i] + sb[j];

		if (seen[s / 8] & (1u << (s % 8)))
			continue;
		seen[s / 8] |= (uint8_t)(1u << (s % 8));
		if (i == a->n && j == b->n) {
			found = off == len;
			continue;
		}
		if (i < a->n && piece_at(a, i, sa[i], ref, len, off))
			stack[top++] = s + w;
		if (j < b->n && piece_at(b, j, sb[j], ref, len, off))
			stack[top++] = s + 1;
	}
out:
	free(seen);
	free(stack);
	free(sa);
	free(sb);
	return found;
}

static bool reader_alloc(struct reader *rd, size_t cap)
{
	rd->cap = cap;
	rd->buf = malloc(cap);
	rd->lens = malloc(cap * sizeof(*rd->lens));
	return rd->buf && rd->lens;
}

/* Judge one round of two readers against the single reader's @ref (@len bytes). */
static void shared_judge(struct mc_ctx *ctx, struct reader rd[2], const uint8_t *ref, size_t len,
			 int round)
{
	size_t total = rd[0].used + rd[1].used;
	int il;

	for (int t = 0; t < 2; t++) {
		if (rd[t].over)
			mc_violation(ctx, "round %d: a read of %zu bytes returned %zd", round + 1,
				     rd[t].chunk, rd[t].over);
		else if (rd[t].err)
			mc_violation(ctx, "round %d: reader %d's read failed after %zu bytes: %s",
				     round + 1, t + 1, rd[t].used, mc_errno_name(rd[t].err));
		else if (!rd[t].eof)
			mc_violation(
				ctx,
				"round %d: reader %d saw no lasting end of stream (%zu bytes, %s)",
				round + 1, t + 1, rd[t].used,
				rd[t].overlong ? "far more than the stream" :
						 "read 0 once, then not");
	}
	if (ctx->res->status == MC_FAIL)
		return;
	if (total != len) {
		mc_violation(ctx, "round %d: two readers got %zu + %zu = %zu bytes, one reader %zu",
			     round + 1, rd[0].used, rd[1].used, total, len);
		return;
	}
	il = ctx->di->stream_nondet ? -1 : interleaves(&rd[0], &rd[1], ref, len);
	if (!il)
		mc_violation(
			ctx,
			"round %d: the %zu and %zu pieces the readers got do not interleave into the single reader's stream (a piece served twice, or out of order)",
			round + 1, rd[0].n, rd[1].n);
	else
		mc_note(ctx, "round %d: %zu + %zu pieces, %zu bytes%s", round + 1, rd[0].n, rd[1].n,
			total,
			il < 0 ? " (the bytes not compared)" : ", interleaving into the stream");
}

/* One round: two readers of a fresh STOP_COPY fd. False when the case is over. */
static bool shared_round(struct mc_ctx *ctx, const uint8_t *ref, size_t len, int round)
{
	struct reader rd[2] = { { .chunk = 64 }, { .chunk = 40 } };
	struct worker w[2];
	int go = 0, fd;
	bool ok = false;

	if (mc_reach(ctx, ST_STOP_COPY, &fd))
		return false;
	mc_dev_threaded(ctx->dev, true);
	for (int t = 0; t < 2; t++) {
		rd[t].dev = ctx->dev;
		rd[t].fd = fd;
		rd[t].go = &go;
		if (!reader_alloc(&rd[t], 2 * len + 4096)) {
			mc_harness_error(ctx, "out of memory");
			goto out;
		}
	}
	if (worker_start(&w[0], reader_run, &rd[0])) {
		mc_harness_error(ctx, "pthread_create failed");
		goto out;
	}
	if (worker_start(&w[1], reader_run, &rd[1]))
		mc_harness_error(ctx, "pthread_create failed");
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	if (!join_both(ctx, &w[0], "a reader of the shared save fd", &w[1],
		       "a reader of the shared save fd"))
		goto out_hung;
	if (ctx->res->status == MC_ERROR)
		goto out;
	mc_dev_threaded(ctx->dev, false);
	shared_judge(ctx, rd, ref, len, round);
	ok = ctx->res->status != MC_FAIL;
out:
	mc_data_close(ctx->dev, fd);
out_hung:
	for (int t = 0; t < 2; t++) {
		free(rd[t].buf);
		free(rd[t].lens);
	}
	return ok;
}

/*
 * CONC-03: the stream saved by one reader, then twice by two threads reading one fd
 * together (64- and 40-byte reads): shared_judge. A device declared --nondeterministic
 * is judged by the sizes alone.
 */
static void op_shared_read(struct mc_ctx *ctx)
{
	uint8_t *ref;
	ssize_t len = mc_save_stream(ctx, 4096, &ref);

	if (len < 0)
		return;
	for (int round = 0; round < 2; round++)
		if (!shared_round(ctx, ref, (size_t)len, round))
			break;
	free(ref);
}

const struct mc_op mc_ops_conc[] = {
	{ .name = "reset_loop", .check = fd_check, .run = op_reset_loop },
	{ .name = "set_io_race", .check = fd_check, .run = op_set_io_race },
	{ .name = "reset_set_race", .check = to_check, .run = op_reset_set_race },
	{ .name = "shared_read", .check = mc_check_no_args, .run = op_shared_read },
	{ .name = NULL },
};

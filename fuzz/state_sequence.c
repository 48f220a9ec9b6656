// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target state_sequence: up to 64 two-byte actions (SET, GET, RESET, read, write,
 * close, PRECOPY_INFO, MIG_DATA_SIZE, a BAR0 write, an armed arc fault, fd operations),
 * each result checked against the reference model as it happens: the state, the data
 * fd a SET returns, what every session fd may still do (its session live, ended, or
 * ended by reset), PRE_COPY accounting, and that a stream saved by this very sequence
 * resumes when written back whole. Action encoding: fuzz/README.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "fuzz.h"
#include "model.h"

#define NSLOT 8
#define MAX_ACTIONS 64
#define BUF_SIZE 65536u
#define ST_ERROR VFIO_DEVICE_STATE_ERROR
#define ST_RUNNING VFIO_DEVICE_STATE_RUNNING
#define ST_STOP_COPY VFIO_DEVICE_STATE_STOP_COPY
#define ST_RESUMING VFIO_DEVICE_STATE_RESUMING
#define ST_PRE_COPY VFIO_DEVICE_STATE_PRE_COPY
#define ST_PRE_COPY_P2P VFIO_DEVICE_STATE_PRE_COPY_P2P

enum life { LIVE = 1, ENDED, ENDED_RESET, UNKNOWN };

struct slot {
	int fd;	   /* -1: empty */
	bool save; /* a save fd (else a resume fd) */
	uint64_t sess;
	enum life life;
};

/* The model of the device and of everything the sequence holds. */
struct seq {
	struct mc_fuzz_ctx *ctx;
	struct mc_fuzz_finding *f;
	uint32_t st;
	const char *get_clause; /* what a wrong GET violates: after SET, RESET, or neither */
	uint64_t next_id;
	struct slot slot[NSLOT];
	/* the live save session: its bytes so far, and its PRE_COPY accounts */
	uint64_t save_id;
	bool save_precopy, cur_ok, cur_eof, info_seen, written;
	uint64_t last_initial;
	uint8_t *cur;
	size_t cur_len;
	/* the last save session read to its end: a valid stream to resume */
	uint8_t *saved;
	size_t saved_len;
	bool saved_precopy;
	/* the live resume session: what it acknowledged */
	uint64_t res_id;
	size_t res_pos; /* acknowledged bytes == saved[0, res_pos) while res_clean */
	bool res_clean, res_any;
	bool res_refused; /* a write failed: the device may have given up on the stream */
	/*
	 * an armed fault: an arc fault (simulated device), or the driver's fault_nth-th
	 * allocation in the next SET (a kernel with fault injection; armed around that SET)
	 */
	enum mc_fault_kind fault;
	uint32_t fault_arc, fault_nth;
	uint8_t *buf;
	const uint8_t *junk; /* BUF_SIZE pattern bytes (0xa5 ^ i), made once per process */
};

static const size_t sizes[8] = { 1, 7, 24, 100, 4096, 4113, 16384, 65536 };
static const uint32_t odd_targets[8] = {
	8, 9, 15, 16, 0x100, 0x80000000u, 0xfffffffeu, 0xffffffffu
};

static int fail(struct seq *q, const char *clause, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct seq *q, const char *clause, int err, const char *fmt, ...)
{
	va_list ap;
	char msg[320];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mc_fuzz_fail(q->f, clause, err, q->st, "%s", msg);
}

/* ---------------------------------------------------------------- sessions */

static void end_session(struct seq *q, uint64_t id, enum life how)
{
	for (int i = 0; id && i < NSLOT; i++)
		if (q->slot[i].fd >= 0 && q->slot[i].sess == id && q->slot[i].life == LIVE)
			q->slot[i].life = how;
	if (id && id == q->save_id)
		q->save_id = 0;
	if (id && id == q->res_id)
		q->res_id = 0;
}

static void all_sessions(struct seq *q, enum life how)
{
	end_session(q, q->save_id, how);
	end_session(q, q->res_id, how);
}

static void new_session(struct seq *q, uint32_t to, int fd)
{
	uint64_t id = ++q->next_id;
	int i;

	if (to == ST_RESUMING) {
		q->res_id = id;
		q->res_pos = 0;
		q->res_clean = true;
		q->res_any = q->res_refused = false;
	} else {
		q->save_id = id;
		q->save_precopy = to != ST_STOP_COPY;
		q->cur_len = 0;
		q->cur_ok = true;
		q->cur_eof = q->info_seen = q->written = false;
	}
	for (i = 0; i < NSLOT && q->slot[i].fd >= 0; i++)
		;
	if (i == NSLOT) {
		mc_data_close(q->ctx->dev, fd); /* no room: the session lives on without it */
		return;
	}
	q->slot[i] = (struct slot){ .fd = fd, .save = to != ST_RESUMING, .sess = id, .life = LIVE };
}

/* The @x-th occupied slot, or NULL when the sequence holds no fd. */
static struct slot *pick(struct seq *q, unsigned x)
{
	int n = 0, want;

	for (int i = 0; i < NSLOT; i++)
		n += q->slot[i].fd >= 0;
	if (!n)
		return NULL;
	want = (int)(x % (unsigned)n);
	for (int i = 0; i < NSLOT; i++)
		if (q->slot[i].fd >= 0 && !want--)
			return &q->slot[i];
	return NULL;
}

/*
 * 1: the resume session acknowledged exactly a complete saved stream and refused no
 * write; -1: what it acknowledged is provably not a complete stream (empty, a proper
 * prefix); 0: unknown.
 */
static int resume_validity(const struct seq *q)
{
	if (!q->res_id)
		return 0;
	if (!q->res_any)
		return -1;
	if (!q->res_clean || !q->saved)
		return 0;
	if (q->res_pos < q->saved_len)
		return -1;
	return q->res_refused ? 0 : 1;
}

/* ---------------------------------------------------------------- SET */

/* A successful SET: the fd it returned and the fate of the sessions. */
static int set_ok(struct seq *q, const struct mc_expect *e, uint32_t from, uint32_t to, int fd)
{
	const char *clause = from == to					  ? "FSM-05" :
			     mc_model_saving(from) && mc_model_saving(to) ? "FSM-08" :
									    "FSM-02";

	if (e->new_fd != (fd >= 0)) {
		mc_data_close(q->ctx->dev, fd);
		return fail(q, clause, 0, "SET %s->%s returned %s; the model says %s",
			    mc_state_name(from), mc_state_name(to),
			    fd >= 0 ? "a data fd" : "no data fd",
			    e->new_fd ? "a new session's fd" : "none");
	}
	if (e->old_session == MC_SESSION_ENDED)
		end_session(q, from == ST_RESUMING ? q->res_id : q->save_id, ENDED);
	if (fd >= 0)
		new_session(q, to, fd);
	q->st = to;
	q->get_clause = e->narcs ? "FSM-01" : "FSM-06";
	return 0;
}

/* A failed SET: GET tells where it stopped; that must be one of @allowed (a state mask). */
static int set_failed(struct seq *q, uint32_t from, uint32_t to, int rc, unsigned allowed)
{
	struct mc_expect e;
	uint32_t s = ST_ERROR;
	int grc = mc_get_state(q->ctx->dev, &s);

	if (grc)
		return fail(q, "FSM-07", grc, "GET after a failed SET %s->%s failed: %s",
			    mc_state_name(from), mc_state_name(to), mc_errno_name(grc));
	if (s >= MC_NSTATES || !(allowed >> s & 1))
		return fail(q, "FSM-07", rc, "SET %s->%s failed (%s) and left the device in %s",
			    mc_state_name(from), mc_state_name(to), mc_errno_name(rc),
			    mc_state_name(s));
	if (s == ST_ERROR) {
		all_sessions(q, UNKNOWN);
	} else if (s != from) {
		mc_model_expect(q->ctx->flags, from, s, &e);
		if (e.old_session == MC_SESSION_ENDED)
			end_session(q, from == ST_RESUMING ? q->res_id : q->save_id, ENDED);
	}
	q->st = s;
	q->get_clause = "FSM-06";
	return 0;
}

static int act_set(struct seq *q, uint32_t to)
{
	uint32_t from = q->st;
	unsigned fail_mask = 0;
	struct mc_expect e;
	int fd = -1, rc, v = 1, fires = -1;
	bool err_fault = q->fault == MC_FAULT_ARC_ERROR, alloc = q->fault == MC_FAULT_ALLOC_NTH;
	bool fired = false;

	if (alloc) { /* for this SET only: the driver may not fail elsewhere */
		q->fault = MC_FAULT_NONE;
		alloc = !mc_fault(q->ctx->dev, MC_FAULT_ALLOC_NTH, q->fault_nth);
	}
	rc = mc_set_state(q->ctx->dev, to, &fd);
	if (alloc)
		fired = mc_fault(q->ctx->dev, MC_FAULT_NONE, 0) == 0;
	if (from == ST_ERROR) {
		mc_data_close(q->ctx->dev, fd);
		return rc ? 0 :
			    fail(q, "ERR-02", 0, "SET %s succeeded in ERROR", mc_state_name(to));
	}
	mc_model_expect(q->ctx->flags, from, to, &e);
	if (e.err) {
		mc_data_close(q->ctx->dev, fd);
		if (!rc)
			return fail(q, mc_fuzz_no_path_clause(q->ctx->flags, from, to), 0,
				    "SET %s->%s succeeded; the model has no path",
				    mc_state_name(from), mc_state_name(to));
		if (rc != -EINVAL)
			return fail(q, mc_fuzz_no_path_clause(q->ctx->flags, from, to), rc,
				    "SET %s->%s gave %s, not EINVAL", mc_state_name(from),
				    mc_state_name(to), mc_errno_name(rc));
		q->get_clause = "FSM-06";
		return 0;
	}
	for (int i = 0; q->fault && i < e.narcs && fires < 0; i++)
		if ((e.path[i] << 8 | e.path[i + 1]) == q->fault_arc)
			fires = i;
	if (from == ST_RESUMING && e.narcs)
		v = resume_validity(q);
	if (fires == 0) {
		fail_mask = 1u << (err_fault ? ST_ERROR : from);
	} else {
		if (v <= 0 && from == ST_RESUMING)
			fail_mask |= 1u << ST_RESUMING | 1u << ST_ERROR;
		if (fires > 0 && v >= 0)
			fail_mask |= 1u << (err_fault ? ST_ERROR : e.path[fires]);
	}
	/* a failed allocation: the driver may stop anywhere before the target, or in ERROR */
	for (int i = 0; fired && i < e.narcs; i++)
		fail_mask |= 1u << e.path[i] | 1u << ST_ERROR;
	if (!rc) {
		if (fires >= 0 || v < 0)
			return fail(
				q, fires >= 0 ? "FSM-07" : "RES-03", 0,
				"SET %s->%s succeeded although %s", mc_state_name(from),
				mc_state_name(to),
				fires >= 0 ?
					"an injected fault was armed on one of its arcs" :
					"the resume session holds an empty or truncated stream");
		return set_ok(q, &e, from, to, fd);
	}
	if (!fail_mask)
		return fail(q,
			    v > 0 && from == ST_RESUMING ?
				    (q->saved_precopy ? "PRE-04" : "RES-01") :
				    "FSM-01",
			    rc, "SET %s->%s failed: %s%s", mc_state_name(from), mc_state_name(to),
			    mc_errno_name(rc),
			    v > 0 && from == ST_RESUMING ?
				    " (the resume session holds a whole saved stream)" :
				    "");
	rc = set_failed(q, from, to, rc, fail_mask);
	if (!rc && fires >= 0 && (q->st == ST_ERROR || q->st != from || fires == 0))
		q->fault = MC_FAULT_NONE; /* it fired */
	return rc;
}

/* ---------------------------------------------------------------- other actions */

static int act_get(struct seq *q)
{
	uint32_t s = ST_ERROR;
	int rc = mc_get_state(q->ctx->dev, &s);
	const char *clause = q->st == ST_ERROR ? "ERR-02" : q->get_clause;

	q->get_clause = "FSM-06";
	if (rc || s != q->st)
		return fail(q, clause, rc, "GET gave %s %s; the model says %s", mc_errno_name(rc),
			    rc ? "" : mc_state_name(s), mc_state_name(q->st));
	return 0;
}

static int act_reset(struct seq *q)
{
	int rc = mc_reset(q->ctx->dev);

	if (rc)
		return fail(q, "ERR-01", rc, "RESET failed: %s", mc_errno_name(rc));
	all_sessions(q, ENDED_RESET);
	q->st = ST_RUNNING;
	q->get_clause = "ERR-01";
	return 0;
}

/* One read of a save session's fd, judged by the session's life. */
static int read_once(struct seq *q, struct slot *sl, size_t n, ssize_t *out)
{
	ssize_t rc = mc_data_read(q->ctx->dev, sl->fd, q->buf, n);

	*out = rc;
	if (!sl->save)
		return rc == -EBADF ? 0 :
				      fail(q, "RES-06", rc < 0 ? (int)rc : 0,
					   "read on a resume fd gave %zd, not EBADF", rc);
	if (sl->life == ENDED || sl->life == ENDED_RESET)
		return rc <= 0 ? 0 :
				 fail(q, sl->life == ENDED ? "SAVE-03" : "ERR-01", 0,
				      "a save fd whose session %s delivered %zd bytes",
				      sl->life == ENDED ? "ended" : "a RESET ended", rc);
	if (sl->life != LIVE)
		return 0;
	if (rc > (ssize_t)n || (q->cur_eof && rc))
		return fail(q, "SAVE-01", rc < 0 ? (int)rc : 0, "a read of %zu bytes gave %zd%s", n,
			    rc, q->cur_eof ? " after end of stream" : "");
	if (rc > 0) {
		if (q->cur_len + (size_t)rc > MC_FUZZ_STREAM_MAX)
			q->cur_ok = false;
		else
			memcpy(q->cur + q->cur_len, q->buf, (size_t)rc);
		q->cur_len += (size_t)rc;
	} else if (!rc && q->st == ST_STOP_COPY) {
		q->cur_eof = true;
		if (q->cur_ok && q->cur_len) {
			uint8_t *c = realloc(q->saved, q->cur_len);

			if (!c)
				return mc_fuzz_broken(q->f, -ENOMEM, "out of memory");
			memcpy(c, q->cur, q->cur_len);
			q->saved = c;
			q->saved_len = q->cur_len;
			q->saved_precopy = q->save_precopy;
		}
	} else if (!rc && q->ctx->strict) {
		return fail(q, "PRE-03", 0,
			    "read() returned 0 in %s (ENOMSG expected at a temporary end)",
			    mc_state_name(q->st));
	} else if (rc < 0 && (rc != -ENOMSG || q->st == ST_STOP_COPY)) {
		return fail(q, "SAVE-01", (int)rc, "a read of the live save session failed: %s",
			    mc_errno_name((int)rc));
	}
	return 0;
}

/* Read @n bytes from @sl (may be NULL); @all: until read() gives no data (bounded). */
static int act_read(struct seq *q, struct slot *sl, size_t n, bool all)
{
	ssize_t got = 1;
	int rc = 0;

	for (int i = 0; sl && !rc && got > 0 && i < (all ? 32 : 1); i++)
		rc = read_once(q, sl, all ? BUF_SIZE : n, &got);
	return rc;
}

/*
 * A write of @n bytes to @sl: the saved stream's next bytes (@junk: pattern bytes). An
 * ended session's fd gets the saved stream's first bytes: bytes a session that wrongly
 * lived on would take.
 */
static int act_write(struct seq *q, struct slot *sl, size_t n, bool junk)
{
	const uint8_t *p = q->junk;
	bool from_saved, prefix;
	ssize_t rc;

	if (!sl)
		return 0;
	from_saved = !junk && sl->life == LIVE && !sl->save && q->res_clean && q->saved &&
		     q->res_pos < q->saved_len;
	prefix = !junk && sl->life != LIVE && q->saved;
	if (from_saved || prefix) {
		size_t at = from_saved ? q->res_pos : 0;

		p = q->saved + at;
		n = n > q->saved_len - at ? q->saved_len - at : n;
	} else {
		n = n > BUF_SIZE ? BUF_SIZE : n;
	}
	rc = mc_data_write(q->ctx->dev, sl->fd, p, n);
	if (sl->save)
		return rc == -EBADF ? 0 :
				      fail(q, "SAVE-04", rc < 0 ? (int)rc : 0,
					   "write on a save fd gave %zd, not EBADF", rc);
	if (sl->life == ENDED || sl->life == ENDED_RESET)
		return rc < 0 ? 0 :
				fail(q, sl->life == ENDED ? "RES-06" : "ERR-04", 0,
				     "a resume fd whose session %s took a write (%zd)",
				     sl->life == ENDED ? "ended" : "a RESET ended", rc);
	if (sl->life != LIVE)
		return 0;
	if (rc > (ssize_t)n)
		return fail(q, "RES-03", 0, "a write of %zu bytes returned %zd", n, rc);
	if (rc > 0) {
		q->res_any = true;
		q->res_pos += from_saved ? (size_t)rc : 0;
		q->res_clean &= from_saved;
	} else if (n) {
		/* Refusing the next bytes of a whole saved stream is wrong (RES-01, PRE-04). */
		bool must = from_saved && !q->res_refused;

		q->res_refused = true;
		if (must)
			return fail(q, q->saved_precopy ? "PRE-04" : "RES-01",
				    rc < 0 ? (int)rc : -EIO,
				    "writing bytes %zu..%zu of a whole saved stream failed: %s",
				    q->res_pos, q->res_pos + n - 1,
				    mc_errno_name(rc < 0 ? (int)rc : -EIO));
	}
	return 0;
}

static int act_close(struct seq *q, uint8_t arg)
{
	struct slot *sl = pick(q, arg);

	if (sl) {
		mc_data_close(q->ctx->dev, sl->fd);
		sl->fd = -1;
	}
	return 0;
}

static int act_precopy_info(struct seq *q, uint8_t arg)
{
	struct slot *sl = pick(q, arg);
	struct vfio_precopy_info info;
	int rc;

	if (!sl || !sl->save)
		return 0;
	rc = mc_precopy_info(q->ctx->dev, sl->fd, &info);
	if (sl->life != LIVE)
		return rc || sl->life == UNKNOWN || !q->ctx->strict ?
			       0 :
			       fail(q, "PRE-01", 0,
				    "PRECOPY_INFO succeeded on an ended session's fd");
	if (q->st == ST_STOP_COPY)
		return rc == -EINVAL || !q->ctx->strict ?
			       0 :
			       fail(q, "PRE-01", rc,
				    "PRECOPY_INFO in STOP_COPY gave %s, not EINVAL",
				    mc_errno_name(rc));
	if (rc)
		return fail(q, "PRE-05", rc, "PRECOPY_INFO on the live save fd in %s failed: %s",
			    mc_state_name(q->st), mc_errno_name(rc));
	if (q->info_seen && info.initial_bytes > q->last_initial)
		return fail(q, "PRE-02", 0, "initial_bytes grew from %llu to %llu",
			    (unsigned long long)q->last_initial,
			    (unsigned long long)info.initial_bytes);
	if (!q->info_seen && !q->written && info.dirty_bytes)
		return fail(q, "PRE-02", 0, "dirty_bytes is %llu at the start of the session",
			    (unsigned long long)info.dirty_bytes);
	q->info_seen = true;
	q->last_initial = info.initial_bytes;
	return 0;
}

static int act_misc(struct seq *q, uint8_t op, uint8_t arg)
{
	struct slot *sl = pick(q, arg);
	struct vfio_region_info ri;
	uint64_t v = 0;
	int rc;

	switch (op) {
	case 10: /* MIG_DATA_SIZE works in every state but ERROR (FEAT-04, SHOULD) */
		rc = mc_get_data_size(q->ctx->dev, &v);
		return !rc || q->st == ST_ERROR || !q->ctx->strict ?
			       0 :
			       fail(q, "FEAT-04", rc, "GET MIG_DATA_SIZE failed: %s",
				    mc_errno_name(rc));
	case 11: /* an 8-byte BAR0 write while the device runs: dirties a page */
		if (q->st != ST_RUNNING && q->st != VFIO_DEVICE_STATE_RUNNING_P2P &&
		    q->st != ST_PRE_COPY && q->st != ST_PRE_COPY_P2P)
			return 0;
		if (mc_region_info(q->ctx->dev, VFIO_PCI_BAR0_REGION_INDEX, &ri) || ri.size < 8 ||
		    !(ri.flags & VFIO_REGION_INFO_FLAG_WRITE))
			return 0;
		v = 0x0101010101010101ull * arg;
		q->written = true;
		mc_region_write(q->ctx->dev, VFIO_PCI_BAR0_REGION_INDEX,
				((uint64_t)arg * 8 * 61) % (ri.size & ~7ull), &v, 8);
		return 0;
	case 12: /* arm (or disarm) a fault: an arc's, or the N-th allocation of the next SET */
		v = mc_dev_fault_kinds(q->ctx->dev, NULL, 0);
		if (v & MC_FAULT_BIT(MC_FAULT_ALLOC_NTH)) {
			q->fault = arg & 0x80 ? MC_FAULT_NONE : MC_FAULT_ALLOC_NTH;
			q->fault_nth = (arg & 0xfu) + 1;
			return 0;
		}
		if (!(v & MC_FAULT_ARC_KINDS))
			return 0;
		q->fault = arg & 0x80 ? MC_FAULT_NONE :
			   arg & 0x40 ? MC_FAULT_ARC_ERROR :
					MC_FAULT_ARC_FAIL;
		q->fault_arc = (uint32_t)(arg & 7) << 8 | (arg >> 3 & 7);
		if (mc_fault(q->ctx->dev, q->fault, q->fault_arc))
			q->fault = MC_FAULT_NONE;
		return 0;
	case 13: /* the fd is a stream: no seek; and one-way */
		if (!sl)
			return 0;
		v = (uint64_t)mc_data_lseek(q->ctx->dev, sl->fd, 0, SEEK_SET);
		if ((off_t)v != -ESPIPE)
			return fail(q, sl->save ? "SAVE-04" : "RES-06", (int)v,
				    "lseek on a %s fd gave %s, not ESPIPE",
				    sl->save ? "save" : "resume",
				    (off_t)v < 0 ? mc_errno_name((int)v) : "success");
		return sl->save ? act_write(q, sl, 1, true) : act_read(q, sl, 1, false);
	default: /* GET MIGRATION gives the flags read at the start */
		rc = mc_get_flags(q->ctx->dev, &v);
		return !rc && v == q->ctx->flags ?
			       0 :
			       fail(q, "FEAT-01", rc,
				    "GET MIGRATION gave %s flags %#llx (%#llx at the start)",
				    mc_errno_name(rc), (unsigned long long)v,
				    (unsigned long long)q->ctx->flags);
	}
}

static int action(struct seq *q, uint8_t op, uint8_t arg)
{
	uint32_t to = (arg & 0xf8) == 0xf8 ? odd_targets[arg & 7] : arg & 7u;
	struct slot *sl = pick(q, arg >> 3);
	int rc;

	switch (op % 16) {
	case 0: return act_set(q, to);
	case 1: return act_get(q);
	case 2: return act_reset(q);
	case 3:
	case 4: return act_read(q, sl, sizes[arg & 7], op % 16 == 4);
	case 5:
	case 6:
	case 7: return act_write(q, sl, op % 16 == 6 ? SIZE_MAX : sizes[arg & 7], op % 16 == 7);
	case 8: return act_close(q, arg);
	case 9: return act_precopy_info(q, arg);
	case 15: rc = act_set(q, to); return rc ? rc : act_get(q);
	default: return act_misc(q, op % 16, arg);
	}
}

int mc_fuzz_state_sequence(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
			   struct mc_fuzz_finding *f)
{
	struct seq q = { .ctx = ctx, .f = f, .st = ST_RUNNING, .get_clause = "ERR-01" };
	struct mc_fuzz_in in;
	int rc;

	for (int i = 0; i < NSLOT; i++)
		q.slot[i].fd = -1;
	/* Kept for the next input: under ASan a fresh 1 MiB is a map, a fill and an unmap. */
	if (!ctx->scratch && (ctx->scratch = malloc(2 * BUF_SIZE + MC_FUZZ_STREAM_MAX)))
		for (size_t i = 0; i < BUF_SIZE;
		     i++) /* once: filling it per write was 1/4 of the time */
			ctx->scratch[BUF_SIZE + MC_FUZZ_STREAM_MAX + i] = (uint8_t)(0xa5 ^ i);
	q.buf = ctx->scratch;
	q.cur = ctx->scratch ? ctx->scratch + BUF_SIZE : NULL;
	q.junk = q.cur ? q.cur + MC_FUZZ_STREAM_MAX : NULL;
	if (!q.buf) {
		rc = mc_fuzz_broken(f, -ENOMEM, "out of memory");
		goto out;
	}
	mc_fuzz_in_init(&in, data, size);
	rc = mc_fuzz_begin(ctx, f);
	for (int i = 0; !rc && i < MAX_ACTIONS && mc_fuzz_left(&in); i++) {
		uint8_t op = mc_fuzz_u8(&in);

		rc = action(&q, op, mc_fuzz_u8(&in));
	}
	for (int i = 0; i < NSLOT; i++)
		mc_data_close(ctx->dev, q.slot[i].fd);
	if (mc_dev_can_fault(ctx->dev))
		mc_fault(ctx->dev, MC_FAULT_NONE, 0);
	if (!rc)
		rc = mc_fuzz_recover(ctx, f, -1, "at the end of the sequence");
out:
	free(q.saved);
	return rc;
}

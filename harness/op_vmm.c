// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMM operations: the sequences QEMU and Cloud Hypervisor really issue, replayed call for
 * call. QEMU's save (VMM-01) and load (VMM-02) as hw/vfio/migration.c drives them, its
 * failure handling (VMM-03), QEMU 10's multifd transfer from threads (VMM-04), and Cloud
 * Hypervisor's snapshot and restore (VMM-05). Rows carry the qemu / cloud-hypervisor
 * precondition that --profile selects.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "num.h"
#include "ops.h"
#include "walker.h"

#define ST(s) VFIO_DEVICE_STATE_##s
#define QEMU_BUF_MAX (1u << 20)	/* VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE: QEMU's read buffer cap */
#define QEMU_FILE_BUF 32768u	/* IO_BUF_SIZE of migration/qemu-file.c: the load's pieces */
#define QEMU_FRAME 16u		/* DEV_DATA_STATE tag and be64 length before each chunk */
/* Where the first chunk's data lands in the incoming byte stream: 40 bytes before the end
 * of a file buffer, so that even a 60-byte stream is written in two pieces. */
#define WIRE_START (QEMU_FILE_BUF - 40u)
#define PRECOPY_READS_MAX 4096u
#define STREAM_MAX (256u << 20)
#define CH_CHUNK 65536u		/* Cloud Hypervisor's transfer size (any size must do) */

/*
 * What QEMU's VFIOMigration holds for one device. QEMU never GETs the state: @state is
 * where it believes the device is. The first failure is kept in @why (threads record
 * nothing in the case themselves; the op turns it into a verdict).
 */
struct vmm {
	struct mc_dev *dev;
	const char *who;		/* "the device", "the peer" */
	uint64_t flags;
	uint32_t state;
	int data_fd;
	size_t bufsize;
	unsigned nsets;			/* SETs issued, for fault_at */
	int fault_at;			/* VMM-03: arm a fault before SET #fault_at, or -1 */
	enum mc_fault_kind fault_kind;	/* ...on its first arc, or its first allocation */
	bool injected;			/* ...and that SET failed: the flow stops there */
	bool harness;			/* the failure in @why is the harness's */
	char why[600];
};

/* A stream as read, with the size of each read (QEMU's chunks on the wire). */
struct chunks {
	uint8_t *p;
	size_t len, cap;
	size_t *sz;
	unsigned n, ncap;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct vmm *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->why[0]) {
		va_start(ap, fmt);
		vsnprintf(v->why, sizeof(v->why), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int herr(struct vmm *v, const char *what, int rc)
{
	if (!v->why[0])
		v->harness = true;
	return fail(v, "%s: %s", what, mc_errno_name(rc));
}

/* Record @v's failure in the case: a violation, or a harness error. */
static void verdict(struct mc_ctx *ctx, const struct vmm *v)
{
	if (!v->why[0])
		return;
	if (v->harness)
		mc_harness_error(ctx, "%s: %s", v->who, v->why);
	else
		mc_violation(ctx, "%s: %s", v->who, v->why);
}

static void vmm_init(struct vmm *v, struct mc_dev *dev, uint64_t flags, const char *who)
{
	memset(v, 0, sizeof(*v));
	v->dev = dev;
	v->who = who;
	v->flags = flags;
	v->state = ST(RUNNING);
	v->data_fd = -1;
	v->fault_at = -1;
	v->bufsize = QEMU_BUF_MAX;
}

static void close_fd(struct vmm *v)
{
	mc_data_close(v->dev, v->data_fd);
	v->data_fd = -1;
}

static int chunks_add(struct chunks *c, const uint8_t *p, size_t n)
{
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 65536;
		uint8_t *np;

		while (cap < c->len + n)
			cap *= 2;
		np = realloc(c->p, cap);
		if (!np)
			return -ENOMEM;
		c->p = np;
		c->cap = cap;
	}
	if (c->n == c->ncap) {
		unsigned ncap = c->ncap ? 2 * c->ncap : 64;
		size_t *ns = realloc(c->sz, ncap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		c->sz = ns;
		c->ncap = ncap;
	}
	memcpy(c->p + c->len, p, n);
	c->len += n;
	c->sz[c->n++] = n;
	return 0;
}

static void chunks_free(struct chunks *c)
{
	free(c->p);
	free(c->sz);
	memset(c, 0, sizeof(*c));
}

/*
 * vfio_migration_set_state(): SET @target; on failure SET @recover (ERROR: none), and
 * reset when that fails too, QEMU then believing RUNNING. A data fd from a SET while one
 * is held is QEMU's "data_fd out of sync": the new one is closed, -EBADF. Returns the
 * first SET's result; a recovery that cannot even reset is recorded.
 */
static int qset(struct vmm *v, uint32_t target, uint32_t recover)
{
	uint32_t from = v->state, path[MC_MAX_PATH];
	int fd = -1, rc, rc2;
	bool armed = false;

	if (v->fault_at >= 0 && v->nsets == (unsigned)v->fault_at &&
	    mc_model_path(v->flags, from, target, path) > 0)
		armed = !mc_fault(v->dev, v->fault_kind, v->fault_kind == MC_FAULT_ALLOC_NTH ? 1 :
				  path[0] << 8 | path[1]);
	v->nsets++;
	rc = mc_set_state(v->dev, target, &fd);
	/* Injected: the fault fired (disarming finds it gone) and the SET failed. */
	if (armed)
		v->injected = mc_fault(v->dev, MC_FAULT_NONE, 0) != 1 && rc;
	if (!rc) {
		v->state = target;
		if (fd < 0)
			return 0;
		if (v->data_fd >= 0) {
			mc_data_close(v->dev, fd);
			return fail(v, "SET %s->%s returned a new data fd while the fd of the open "
				    "session is still held; QEMU reports 'data_fd out of sync' and "
				    "fails", mc_state_name(from), mc_state_name(target)) ? -EBADF : 0;
		}
		v->data_fd = fd;
		return 0;
	}
	if (recover != ST(ERROR)) {
		fd = -1;
		rc2 = mc_set_state(v->dev, recover, &fd);
		mc_data_close(v->dev, fd);
		if (!rc2) {
			v->state = recover;
			return rc;
		}
	}
	rc2 = mc_reset(v->dev);
	if (rc2)
		fail(v, "after SET %s->%s failed (%s), QEMU's recovery reset failed: %s (QEMU "
		     "aborts)", mc_state_name(from), mc_state_name(target), mc_errno_name(rc),
		     mc_errno_name(rc2));
	v->state = ST(RUNNING);
	return rc;
}

/* A SET of QEMU's sequence that must work; @want_fd: it must open a session. */
static int step(struct vmm *v, uint32_t target, uint32_t recover, bool want_fd, const char *what)
{
	uint32_t from = v->state;
	bool had = v->data_fd >= 0;
	int rc = qset(v, target, recover);

	if (rc && v->injected)
		return -1;	/* VMM-03 judges what the recovery left */
	if (rc)
		return fail(v, "%s: SET %s->%s failed: %s", what, mc_state_name(from),
			    mc_state_name(target), mc_errno_name(rc));
	if (want_fd && (had || v->data_fd < 0))
		return fail(v, "%s: SET %s->%s returned no data fd", what, mc_state_name(from),
			    mc_state_name(target));
	return 0;
}

/* GET MIG_DATA_SIZE as QEMU does; 0 makes QEMU's buffer allocation fail. */
static int data_size(struct vmm *v, bool size_buffer)
{
	uint64_t len;
	int rc = mc_get_data_size(v->dev, &len);

	if (rc)
		return 0;	/* QEMU then assumes 1 MiB (FEAT-04 judges the failure) */
	if (!len)
		return fail(v, "MIG_DATA_SIZE in %s is 0; QEMU sizes its read buffer as min(1 MiB, "
			    "size) and fails the migration on a 0-byte buffer",
			    mc_state_name(v->state));
	if (size_buffer)
		v->bufsize = len < QEMU_BUF_MAX ? (size_t)len : QEMU_BUF_MAX;
	return 0;
}

/* ------------------------------------------------------------------ QEMU's save */

static int precopy_info(struct vmm *v, uint64_t *initial, size_t done)
{
	struct vfio_precopy_info info;
	int rc = mc_precopy_info(v->dev, v->data_fd, &info);

	if (rc)
		return fail(v, "PRECOPY_INFO in %s after %zu bytes failed: %s",
			    mc_state_name(v->state), done, mc_errno_name(rc));
	*initial = info.initial_bytes;
	return 0;
}

/*
 * vfio_save_setup() and the iterations: PRE_COPY, PRECOPY_INFO at once, reads of the
 * buffer size until ENOMSG or 0, initial_bytes counted down by exactly what was read.
 */
static int save_precopy(struct vmm *v, struct chunks *out, uint8_t *buf)
{
	uint64_t initial, now;
	unsigned reads;

	if (step(v, ST(PRE_COPY), ST(RUNNING), true, "save setup") ||
	    precopy_info(v, &initial, 0) || data_size(v, false))
		return -1;
	for (reads = 0; reads < PRECOPY_READS_MAX && out->len < STREAM_MAX; reads++) {
		ssize_t n = mc_data_read(v->dev, v->data_fd, buf, v->bufsize);
		uint64_t want;

		if (n == 0 || n == -ENOMSG)
			break;
		if (n < 0)
			return fail(v, "pre-copy read #%u of up to %zu bytes failed: %s", reads + 1,
				    v->bufsize, mc_errno_name((int)n));
		if (chunks_add(out, buf, (size_t)n))
			return herr(v, "keeping the stream", -ENOMEM);
		if (precopy_info(v, &now, out->len))
			return -1;
		want = initial - (initial < (uint64_t)n ? initial : (uint64_t)n);
		if (now != want)
			return fail(v, "after a pre-copy read of %zd bytes initial_bytes went from "
				    "%llu to %llu, not %llu; QEMU counts it down by the bytes read",
				    n, (unsigned long long)initial, (unsigned long long)now,
				    (unsigned long long)want);
		initial = now;
	}
	if (reads == PRECOPY_READS_MAX || out->len >= STREAM_MAX)
		return 0;	/* still going: QEMU would switch over anyway */
	if (precopy_info(v, &now, out->len))
		return -1;
	if (now)
		return fail(v, "pre-copy data ran out after %zu bytes with initial_bytes still %llu; "
			    "QEMU's switchover-ack waits for it to reach 0", out->len,
			    (unsigned long long)now);
	return 0;
}

/* The VM stops: [PRE_COPY_P2P |] RUNNING_P2P first with P2P, then STOP_COPY or STOP. */
static int save_vm_stop(struct vmm *v)
{
	bool pre = v->state == ST(PRE_COPY);

	if ((v->flags & VFIO_MIGRATION_P2P) &&
	    step(v, pre ? ST(PRE_COPY_P2P) : ST(RUNNING_P2P), ST(ERROR), false, "VM stop (prepare)"))
		return -1;
	if (step(v, pre ? ST(STOP_COPY) : ST(STOP), ST(ERROR), false, "VM stop"))
		return -1;
	return pre ? 0 : data_size(v, false);
}

/* Reads until 0 in STOP_COPY; @enomsg_ends: QEMU 9's loop takes ENOMSG for the end. */
static int save_drain(struct vmm *v, struct chunks *out, uint8_t *buf, bool enomsg_ends)
{
	while (out->len < STREAM_MAX) {
		ssize_t n = mc_data_read(v->dev, v->data_fd, buf, v->bufsize);

		if (n == 0)
			return 0;
		if (n < 0)
			return fail(v, "a read in STOP_COPY after %zu bytes failed: %s%s", out->len,
				    mc_errno_name((int)n), n == -ENOMSG && enomsg_ends ?
				    " (QEMU's loop takes ENOMSG for the end and sends the stream "
				    "cut short)" : " (QEMU fails the migration)");
		if (chunks_add(out, buf, (size_t)n))
			return herr(v, "keeping the stream", -ENOMEM);
	}
	return herr(v, "the stream grew past 256 MiB", -EFBIG);
}

/* vfio_save_complete_precopy(): SET STOP_COPY (recover STOP), whatever the state. */
static int save_complete(struct vmm *v, struct chunks *out, uint8_t *buf, bool enomsg_ends)
{
	bool held = v->data_fd >= 0;

	if (step(v, ST(STOP_COPY), ST(STOP), !held, held ? "save complete (STOP_COPY again)"
							   : "save complete"))
		return -1;
	return save_drain(v, out, buf, enomsg_ends);
}

/* vfio_save_cleanup(): STOP_COPY->STOP (recover: reset), close the fd. */
static int save_cleanup(struct vmm *v)
{
	int rc = 0;

	if (v->state == ST(STOP_COPY))
		rc = step(v, ST(STOP), ST(ERROR), false, "save cleanup");
	close_fd(v);
	return rc;
}

/* QEMU's source up to the switchover: buffer, pre-copy, VM stop. */
static int save_begin(struct vmm *v, struct chunks *out, uint8_t *buf)
{
	if (data_size(v, true))
		return -1;
	if ((v->flags & VFIO_MIGRATION_PRE_COPY) && save_precopy(v, out, buf))
		return -1;
	return save_vm_stop(v);
}

/* The whole of QEMU 9's save of @v into @out. */
static int qemu_save(struct vmm *v, struct chunks *out)
{
	uint8_t *buf = malloc(QEMU_BUF_MAX);
	int rc;

	if (!buf)
		return herr(v, "the read buffer", -ENOMEM);
	rc = save_begin(v, out, buf);
	if (!rc)
		rc = save_complete(v, out, buf, true);
	if (!rc)
		rc = save_cleanup(v);
	else
		close_fd(v);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------ QEMU's load */

/* A plain write loop of QEMU's: short writes continued, 0 or an error fatal. */
static int write_piece(struct vmm *v, const uint8_t *p, size_t len, size_t off)
{
	while (len) {
		ssize_t n = mc_data_write(v->dev, v->data_fd, p, len);

		if (n <= 0)
			return fail(v, "writing %zu bytes at stream offset %zu %s%s", len, off,
				    n ? "failed: " : "returned 0", n ? mc_errno_name((int)n) : "");
		p += n;
		off += (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * qemu_file_get_to_fd(): each chunk of @in arrives behind its 16 bytes of framing in a
 * byte stream QEMU reads 32 KiB at a time; it writes what the buffer holds of the chunk,
 * so the pieces are cut at buffer boundaries, not where the source's reads ended.
 */
static int load_pieces(struct vmm *v, const struct chunks *in, unsigned *pieces)
{
	uint64_t wire = WIRE_START;
	size_t off = 0;

	*pieces = 0;
	for (unsigned i = 0; i < in->n; i++) {
		size_t left = in->sz[i];

		wire += QEMU_FRAME;
		while (left) {
			size_t room = QEMU_FILE_BUF - wire % QEMU_FILE_BUF;
			size_t n = room < left ? room : left;

			if (write_piece(v, in->p + off, n, off))
				return -1;
			(*pieces)++;
			off += n;
			wire += n;
			left -= n;
		}
	}
	return 0;
}

/* The destination goes to RUNNING: RUNNING_P2P first with P2P (vm start). */
static int load_vm_start(struct vmm *v)
{
	if ((v->flags & VFIO_MIGRATION_P2P) &&
	    step(v, ST(RUNNING_P2P), ST(ERROR), false, "VM start (prepare), the fd closed in RESUMING"))
		return -1;
	return step(v, ST(RUNNING), ST(ERROR), false, "VM start, the fd closed in RESUMING");
}

/*
 * Make the destination differ from the source where --dirty changed the source (its
 * writes inverted), so that carrying the source's state proves the load happened.
 */
static int set_apart(struct mc_ctx *ctx, struct vmm *v)
{
	struct mc_regaccs inv;
	char err[256];

	if (!ctx->di->dirty)
		return 0;
	inv = *ctx->di->dirty;
	for (int i = 0; i < inv.n; i++)
		for (uint32_t k = 0; k < inv.a[i].len; k++)
			inv.a[i].data[k] ^= 0xff;
	if (mc_regacc_write(v->dev, &inv, err, sizeof(err)))
		return herr(v, "setting the destination apart (the --dirty writes inverted)", -EIO);
	return 0;
}

/* After a load: the device saves @src again (a deterministic device; RES-02's test). */
static int carries(struct mc_ctx *ctx, struct vmm *v, const struct chunks *src, const char *how)
{
	struct chunks again = { 0 };
	struct vmm s;
	uint8_t *buf;
	size_t d = 0;
	int rc;

	if (ctx->di->stream_nondet)
		return 0;	/* --nondeterministic: streams cannot be compared */
	buf = malloc(QEMU_BUF_MAX);
	if (!buf)
		return herr(v, "the read buffer", -ENOMEM);
	vmm_init(&s, v->dev, v->flags, v->who);
	s.state = v->state;
	rc = step(&s, ST(STOP), ST(ERROR), false, "saving the loaded device") ||
	     step(&s, ST(STOP_COPY), ST(STOP), true, "saving the loaded device") ||
	     save_drain(&s, &again, buf, false);
	close_fd(&s);
	free(buf);
	if (rc) {
		fail(v, "after %s: %s", how, s.why);
		v->harness = s.harness;
	} else if (again.len != src->len || memcmp(again.p, src->p, src->len)) {
		while (d < again.len && d < src->len && again.p[d] == src->p[d])
			d++;
		rc = fail(v, "after %s the device saves %zu bytes that differ from the source's "
			  "%zu at byte %zu: it does not carry the source's state", how, again.len,
			  src->len, d);
	}
	chunks_free(&again);
	mc_reset(v->dev);
	return rc ? -1 : 0;
}

/* QEMU's load of @in into @v from RUNNING, the fd closed before the VM starts. */
static int qemu_load(struct vmm *v, const struct chunks *in, unsigned *pieces)
{
	if (step(v, ST(RESUMING), v->state, true, "load setup (one SET from RUNNING)") ||
	    load_pieces(v, in, pieces)) {
		close_fd(v);
		return -1;
	}
	close_fd(v);
	return load_vm_start(v);
}

/* Reset @v's device (QEMU assumes RUNNING at the start). */
static int fresh(struct vmm *v)
{
	int rc = mc_reset(v->dev);

	v->state = ST(RUNNING);
	v->data_fd = -1;
	return rc ? fail(v, "RESET before the sequence failed: %s", mc_errno_name(rc)) : 0;
}

/* The destination: the peer when there is one (opened into *@peer), else the device. */
static int open_dest(struct mc_ctx *ctx, struct vmm *d, struct mc_dev **peer)
{
	char err[256];
	uint64_t flags;
	int rc;

	*peer = NULL;
	if (!ctx->di->peer_spec) {
		vmm_init(d, ctx->dev, ctx->flags, "the device (as destination)");
		return 0;
	}
	rc = mc_dev_open(ctx->di->peer_spec, peer, err, sizeof(err));
	if (!rc)
		rc = mc_get_flags(*peer, &flags);
	if (rc) {
		mc_harness_error(ctx, "opening the peer %s: %s", ctx->di->peer_spec,
				 *peer ? mc_errno_name(rc) : err);
		return rc;
	}
	vmm_init(d, *peer, flags & 7, "the peer (as destination)");
	return 0;
}

static void close_dest(struct mc_dev *peer)
{
	if (peer) {
		mc_reset(peer);
		mc_dev_close(peer);
	}
}

/* VMM-01: QEMU's save, then the stream must resume. */
static void op_qemu_save(struct mc_ctx *ctx)
{
	struct chunks out = { 0 };
	struct vmm v;
	bool harness;
	int rc;

	vmm_init(&v, ctx->dev, ctx->flags, "the device");
	if (fresh(&v) || qemu_save(&v, &out)) {
		verdict(ctx, &v);
		goto out;
	}
	rc = mc_resume_check(ctx, out.p, out.len, &harness);
	if (rc && !harness)
		mc_violation(ctx, "the %zu-byte stream QEMU's sequence read (%u reads of up to %zu "
			     "bytes) did not resume: %s", out.len, out.n, v.bufsize, mc_errno_name(rc));
	else if (!rc)
		mc_note(ctx, "QEMU's save: %u reads of up to %zu bytes, %zu bytes; the stream resumed",
			out.n, v.bufsize, out.len);
out:
	chunks_free(&out);
}

/* VMM-02: the reference stream loaded as QEMU does, then compared. */
static void op_qemu_load(struct mc_ctx *ctx)
{
	struct chunks in = { 0 };
	struct vmm d;
	unsigned pieces;

	if (!ctx->di->stream || !ctx->di->stream_len) {
		mc_no_ref_stream(ctx, "for the load");
		return;
	}
	/* The reference stream comes from the peer when there is one: the device loads it. */
	vmm_init(&d, ctx->dev, ctx->flags, "the device (as destination)");
	/* One chunk per read of QEMU's source buffer, min(1 MiB, size). */
	for (size_t off = 0; off < ctx->di->stream_len; off += QEMU_BUF_MAX) {
		size_t n = ctx->di->stream_len - off;

		if (chunks_add(&in, ctx->di->stream + off, n < QEMU_BUF_MAX ? n : QEMU_BUF_MAX)) {
			mc_harness_error(ctx, "copying the stream: ENOMEM");
			goto out;
		}
	}
	if (fresh(&d) || set_apart(ctx, &d) || qemu_load(&d, &in, &pieces) ||
	    carries(ctx, &d, &in, "QEMU's load"))
		verdict(ctx, &d);
	else
		mc_note(ctx, "%zu bytes written in %u pieces cut by a 32 KiB buffer, the fd closed "
			"in RESUMING, then %s: the device carries the source's state", in.len, pieces,
			(d.flags & VFIO_MIGRATION_P2P) ? "RUNNING_P2P, RUNNING" : "RUNNING");
out:
	chunks_free(&in);
}

/* ------------------------------------------------------------------ VMM-03 */

/*
 * The migration failed: vfio_save_cleanup() (STOP_COPY->STOP, recover: reset), the fd
 * closed, then the failure notifier's SET RUNNING (recover: reset).
 */
static void abort_cleanup(struct vmm *v)
{
	if (v->state == ST(STOP_COPY))
		qset(v, ST(STOP), ST(ERROR));
	close_fd(v);
	qset(v, ST(RUNNING), ST(ERROR));
}

/* Where QEMU believes the device is must be where it is (QEMU never asks). */
static int believed(struct vmm *v, const char *after)
{
	uint32_t st;
	int rc = mc_get_state(v->dev, &st);

	if (rc)
		return fail(v, "%s, GET failed: %s", after, mc_errno_name(rc));
	if (st != v->state)
		return fail(v, "%s, GET reports %s while QEMU's recovery left it believing %s", after,
			    mc_state_name(st), mc_state_name(v->state));
	return 0;
}

/* An arc fault on each of QEMU's save SETs in turn; recovery, then a clean migration. */
static void fail_fault(struct mc_ctx *ctx)
{
	struct chunks out = { 0 };
	char after[160], kinds[160] = "";
	unsigned nsets, fired = 0;
	struct vmm v;

	unsigned have = mc_dev_fault_kinds(ctx->dev, kinds, sizeof(kinds));
	enum mc_fault_kind kind = have & MC_FAULT_BIT(MC_FAULT_ARC_FAIL) ? MC_FAULT_ARC_FAIL
				  : have & MC_FAULT_BIT(MC_FAULT_ALLOC_NTH) ? MC_FAULT_ALLOC_NTH
				  : MC_FAULT_NONE;

	if (kind == MC_FAULT_NONE) {
		mc_skip(ctx, "the device can fail neither an arc nor an allocation%s%s",
			kinds[0] ? ": " : "", kinds);
		return;
	}
	vmm_init(&v, ctx->dev, ctx->flags, "the device");
	if (fresh(&v) || qemu_save(&v, &out))
		goto out_verdict;
	nsets = v.nsets;
	for (unsigned k = 0; k < nsets; k++) {
		vmm_init(&v, ctx->dev, ctx->flags, "the device");
		v.fault_at = (int)k;
		v.fault_kind = kind;
		chunks_free(&out);
		if (fresh(&v))
			goto out_verdict;
		if (!qemu_save(&v, &out) || !v.injected) {
			if (v.why[0])
				goto out_verdict;
			continue;	/* the fault did not fire on that SET */
		}
		fired++;
		v.fault_at = -1;
		v.injected = false;	/* from here on every failure is the device's */
		snprintf(after, sizeof(after), "after QEMU's SET #%u failed (injected) and its "
			 "recovery", k + 1);
		if (believed(&v, after))
			goto out_verdict;
		abort_cleanup(&v);
		snprintf(after, sizeof(after), "after SET #%u failed, the cleanup and SET RUNNING",
			 k + 1);
		chunks_free(&out);
		if (v.why[0] || believed(&v, after) || qemu_save(&v, &out)) {
			if (!v.harness) {
				char why[sizeof(v.why)];

				snprintf(why, sizeof(why), "%s", v.why);
				snprintf(v.why, sizeof(v.why), "SET #%u failed (injected); then: %.540s",
					 k + 1, why);
			}
			goto out_verdict;
		}
	}
	mc_note(ctx, "%u of QEMU's %u save SETs failed in turn (%s); each recovery left the device "
		"where QEMU believed it and the next migration worked", fired, nsets,
		kind == MC_FAULT_ARC_FAIL ? "an arc fault" : "the SET's first allocation failing");
	if (!fired)
		mc_skip(ctx, "no injected fault made one of QEMU's %u SETs fail", nsets);
	goto out;
out_verdict:
	verdict(ctx, &v);
out:
	chunks_free(&out);
}

/* A truncated stream fails the destination's VM start: reset, RUNNING, a good load works. */
static void fail_bad_stream(struct mc_ctx *ctx)
{
	struct chunks half = { 0 }, whole = { 0 };
	unsigned pieces;
	struct vmm d;
	int rc = 0;

	if (!ctx->di->stream || ctx->di->stream_len < 2) {
		mc_no_ref_stream(ctx, "for the load");
		return;
	}
	vmm_init(&d, ctx->dev, ctx->flags, "the device (as destination)");
	if (chunks_add(&half, ctx->di->stream, ctx->di->stream_len / 2) ||
	    chunks_add(&whole, ctx->di->stream, ctx->di->stream_len)) {
		mc_harness_error(ctx, "copying the stream: ENOMEM");
		goto out;
	}
	if (fresh(&d) || step(&d, ST(RESUMING), ST(RUNNING), true, "load setup") ||
	    load_pieces(&d, &half, &pieces)) {
		close_fd(&d);
		goto out_verdict;
	}
	close_fd(&d);
	if (d.flags & VFIO_MIGRATION_P2P)
		rc = qset(&d, ST(RUNNING_P2P), ST(ERROR));
	if (!rc)
		rc = qset(&d, ST(RUNNING), ST(ERROR));
	if (!rc) {
		mc_skip(ctx, "the device accepted %zu of the stream's %zu bytes (RES-03 judges); "
			"QEMU's failure path was not taken", half.len, whole.len);
		goto out;
	}
	if (d.why[0] || believed(&d, "after the VM start failed on a truncated stream and QEMU "
				 "reset the device") ||
	    set_apart(ctx, &d) || qemu_load(&d, &whole, &pieces) ||
	    carries(ctx, &d, &whole, "the next, complete load"))
		goto out_verdict;
	mc_note(ctx, "a truncated stream failed the VM start (%s), the reset gave RUNNING and the "
		"next load carried the source's state", mc_errno_name(rc));
	goto out;
out_verdict:
	verdict(ctx, &d);
out:
	chunks_free(&half);
	chunks_free(&whole);
}

static int check_fail(const struct mc_case *c, char *err, size_t len)
{
	char how[16];

	if (mc_case_arg(c, "how", how, sizeof(how)) &&
	    (!strcmp(how, "fault") || !strcmp(how, "bad_stream")) && !strcmp(c->expect, "-"))
		return 0;
	snprintf(err, len, "args need how=fault|bad_stream, expect '-'");
	return -EINVAL;
}

static void op_qemu_fail(struct mc_ctx *ctx)
{
	char how[16];

	mc_case_arg(ctx->c, "how", how, sizeof(how));
	if (!strcmp(how, "fault"))
		fail_fault(ctx);
	else
		fail_bad_stream(ctx);
}

/* ------------------------------------------------------------------ VMM-04 */

/* One device's part in a multifd migration: its source, then its destination. */
struct mfd {
	struct vmm v;
	struct chunks out;		/* the stream it saved */
	const struct chunks *in;	/* the stream it loads */
	uint8_t *buf;
	struct mc_ctx *ctx;
	pthread_barrier_t *between;	/* two devices: all saves end before any load */
	unsigned pieces;
};

/* vfio_multifd_save_complete_precopy_thread(): SET STOP_COPY, reads; any failure fatal. */
static void *save_thread(void *arg)
{
	struct mfd *m = arg;
	bool held = m->v.data_fd >= 0;

	if (!step(&m->v, ST(STOP_COPY), ST(STOP), !held, "the save thread's SET"))
		save_drain(&m->v, &m->out, m->buf, false);
	return NULL;
}

/* vfio_load_bufs_thread(): each buffer written whole, in order, by a plain loop. */
static void *load_thread(void *arg)
{
	struct mfd *m = arg;
	size_t off = 0;

	for (unsigned i = 0; i < m->in->n && !write_piece(&m->v, m->in->p + off, m->in->sz[i], off);
	     i++)
		off += m->in->sz[i];
	return NULL;
}

/* Run @fn(@m) in a thread of its own and wait for it. */
static int in_thread(struct mfd *m, void *(*fn)(void *))
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, fn, m);

	if (rc)
		return herr(&m->v, "starting a thread", -rc);
	pthread_join(t, NULL);
	return m->v.why[0] ? -1 : 0;
}

static int mfd_save(struct mfd *m)
{
	if (fresh(&m->v) || save_begin(&m->v, &m->out, m->buf) || in_thread(m, save_thread) ||
	    save_cleanup(&m->v)) {
		close_fd(&m->v);
		return -1;
	}
	return 0;
}

static int mfd_load(struct mfd *m)
{
	if (fresh(&m->v) || set_apart(m->ctx, &m->v) ||
	    step(&m->v, ST(RESUMING), ST(RUNNING), true, "load setup") || in_thread(m, load_thread)) {
		close_fd(&m->v);
		return -1;
	}
	close_fd(&m->v);
	return load_vm_start(&m->v) || carries(m->ctx, &m->v, m->in, "the multifd load") ? -1 : 0;
}

/* One of two devices: save, wait for the other, load the other's stream. */
static void *mfd_device(void *arg)
{
	struct mfd *m = arg;
	int rc = mfd_save(m);

	pthread_barrier_wait(m->between);
	if (!rc)
		mfd_load(m);
	return NULL;
}

/* The second device: --peer, or a second instance of a simulated device. */
static int open_second(struct mc_ctx *ctx, struct mc_dev **dev, uint64_t *flags)
{
	const char *spec = ctx->di->peer_spec;
	char err[256];
	int rc;

	if (!spec && !strncmp(ctx->di->device_spec, "sim", 3) &&
	    (!ctx->di->device_spec[3] || ctx->di->device_spec[3] == ':'))
		spec = ctx->di->device_spec;
	if (!spec) {
		mc_skip(ctx, "two devices migrating in parallel need --peer (a second device of "
			"the same type)");
		return 1;
	}
	rc = mc_dev_open(spec, dev, err, sizeof(err));
	if (!rc)
		rc = mc_get_flags(*dev, flags);
	if (rc)
		mc_harness_error(ctx, "opening %s: %s", spec, *dev ? mc_errno_name(rc) : err);
	return rc;
}

static void mfd_free(struct mfd *m)
{
	chunks_free(&m->out);
	free(m->buf);
}

static void mfd_two(struct mc_ctx *ctx, struct mfd *m)
{
	pthread_barrier_t between;
	struct mc_dev *second = NULL;
	pthread_t t[2];
	uint64_t flags;
	int n = 0;

	if (open_second(ctx, &second, &flags))
		goto out_close;
	vmm_init(&m[1].v, second, flags & 7, ctx->di->peer_spec ? "the peer" : "the second device");
	m[1].ctx = ctx;
	m[1].buf = malloc(QEMU_BUF_MAX);
	m[0].in = &m[1].out;
	m[1].in = &m[0].out;
	if (!m[1].buf || pthread_barrier_init(&between, NULL, 2)) {
		mc_harness_error(ctx, "setting up the two devices' threads");
		goto out_close;
	}
	m[0].between = m[1].between = &between;
	for (; n < 2; n++)
		if (pthread_create(&t[n], NULL, mfd_device, &m[n]))
			break;
	if (n == 1)	/* the first waits at the barrier: the second runs here instead */
		mfd_device(&m[1]);
	else if (!n)
		mc_harness_error(ctx, "starting the devices' threads");
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&between);
	verdict(ctx, &m[0].v);
	verdict(ctx, &m[1].v);
	if (n && !m[0].v.why[0] && !m[1].v.why[0])
		mc_note(ctx, "two devices saved in parallel (%zu and %zu bytes), each loaded the "
			"other's stream and carries its state", m[0].out.len, m[1].out.len);
out_close:
	mfd_free(&m[1]);
	if (second) {
		mc_reset(second);
		mc_dev_close(second);
	}
}

static void mfd_one(struct mc_ctx *ctx, struct mfd *m)
{
	struct mc_dev *peer;
	struct mfd d = { .ctx = ctx, .in = &m->out };

	if (mfd_save(m)) {
		verdict(ctx, &m->v);
		return;
	}
	if (open_dest(ctx, &d.v, &peer))
		return;
	d.buf = NULL;
	if (mfd_load(&d))
		verdict(ctx, &d.v);
	else
		mc_note(ctx, "%zu bytes saved from a thread in %u reads, loaded from another thread: "
			"the destination carries the source's state", m->out.len, m->out.n);
	close_dest(peer);
}

static int check_multifd(const struct mc_case *c, char *err, size_t len)
{
	uint64_t n;

	if (!mc_case_num(c, "devices", MC_NUM_DEC, 1, 2, 1, &n, err, len) && !strcmp(c->expect, "-"))
		return 0;
	snprintf(err, len, "args take devices=1|2, expect '-'");
	return -EINVAL;
}

static void op_qemu_multifd(struct mc_ctx *ctx)
{
	struct mfd m[2] = { { .ctx = ctx }, { .ctx = ctx } };
	uint64_t devices;

	mc_case_num(ctx->c, "devices", MC_NUM_DEC, 1, 2, 1, &devices, NULL, 0);
	vmm_init(&m[0].v, ctx->dev, ctx->flags, "the device");
	m[0].buf = malloc(QEMU_BUF_MAX);
	if (!m[0].buf)
		mc_harness_error(ctx, "the read buffer: ENOMEM");
	else if (devices == 2)
		mfd_two(ctx, m);
	else
		mfd_one(ctx, &m[0]);
	mfd_free(&m[0]);
}

/* ------------------------------------------------------------------ VMM-05 */

/* Cloud Hypervisor: snapshot STOP, STOP_COPY, read to 0, STOP; restore, RESUMING->RUNNING. */
static void op_ch_migrate(struct mc_ctx *ctx)
{
	struct chunks snap = { 0 };
	struct mc_dev *peer = NULL;
	struct vmm v, d;
	uint8_t *buf = malloc(CH_CHUNK);
	size_t off = 0;

	vmm_init(&v, ctx->dev, ctx->flags, "the device");
	v.bufsize = CH_CHUNK;
	if (!buf) {
		mc_harness_error(ctx, "the read buffer: ENOMEM");
		return;
	}
	if (fresh(&v) || step(&v, ST(STOP), ST(ERROR), false, "snapshot") ||
	    step(&v, ST(STOP_COPY), ST(ERROR), true, "snapshot") ||
	    save_drain(&v, &snap, buf, false) || step(&v, ST(STOP), ST(ERROR), false, "snapshot end")) {
		close_fd(&v);
		verdict(ctx, &v);
		goto out;
	}
	close_fd(&v);
	if (open_dest(ctx, &d, &peer))
		goto out;
	if (fresh(&d) || set_apart(ctx, &d) ||
	    step(&d, ST(RESUMING), ST(ERROR), true, "restore (one SET from RUNNING)"))
		goto out_dest;
	for (; off < snap.len && !d.why[0]; off += CH_CHUNK)
		write_piece(&d, snap.p + off, snap.len - off < CH_CHUNK ? snap.len - off : CH_CHUNK,
			    off);
	if (d.why[0] || step(&d, ST(RUNNING), ST(ERROR), false,
			     "restore (one SET RESUMING->RUNNING, the fd still open)"))
		goto out_dest;
	close_fd(&d);
	if (!carries(ctx, &d, &snap, "the restore"))
		mc_note(ctx, "a %zu-byte snapshot restored with RESUMING->RUNNING in one SET: the "
			"device carries the snapshot's state", snap.len);
out_dest:
	close_fd(&d);
	verdict(ctx, &d);
	close_dest(peer);
out:
	chunks_free(&snap);
	free(buf);
}

const struct mc_op mc_ops_vmm[] = {
	{ .name = "qemu_save", .run = op_qemu_save },
	{ .name = "qemu_load", .run = op_qemu_load },
	{ .name = "qemu_fail", .check = check_fail, .run = op_qemu_fail },
	{ .name = "qemu_multifd", .check = check_multifd, .run = op_qemu_multifd },
	{ .name = "ch_migrate", .run = op_ch_migrate },
	{ .name = NULL },
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The steps of the VMM operations (op_vmm_priv.h): QEMU's set-state helper and its
 * recovery, the phases of its save (hw/vfio/migration.c) and of its load (pieces cut by
 * migration/qemu-file.c's buffer), and the check that a loaded device carries the
 * source's state. They keep failures in struct mc_vmm, never in the case, so that
 * threads can run them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "op_vmm_priv.h"
#include "runopts.h"
#include "util.h"

#define QEMU_FILE_BUF 32768u /* IO_BUF_SIZE of migration/qemu-file.c: the load's pieces */
#define QEMU_FRAME 16u	     /* DEV_DATA_STATE tag and be64 length before each chunk */
/* Where the first chunk's data lands in the incoming byte stream: 40 bytes before the end
 * of a file buffer, so that even a 60-byte stream is written in two pieces. */
#define WIRE_START (QEMU_FILE_BUF - 40u)
#define PRECOPY_READS_MAX 4096u
#define STREAM_MAX (256u << 20)

__attribute__((format(printf, 2, 3))) int mc_vmm_fail(struct mc_vmm *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->why[0]) {
		va_start(ap, fmt);
		vsnprintf(v->why, sizeof(v->why), fmt, ap);
		va_end(ap);
	}
	return -1;
}

int mc_vmm_herr(struct mc_vmm *v, const char *what, int rc)
{
	if (!v->why[0])
		v->harness = true;
	return mc_vmm_fail(v, "%s: %s", what, mc_errno_name(rc));
}

/* Record @v's failure in the case: a violation, or a harness error. */
void mc_vmm_verdict(struct mc_ctx *ctx, const struct mc_vmm *v)
{
	if (!v->why[0])
		return;
	if (v->harness)
		mc_harness_error(ctx, "%s: %s", v->who, v->why);
	else
		mc_violation(ctx, "%s: %s", v->who, v->why);
}

void mc_vmm_init(struct mc_vmm *v, struct mc_dev *dev, uint64_t flags, const char *who)
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

void mc_vmm_close_fd(struct mc_vmm *v)
{
	mc_data_close(v->dev, v->data_fd);
	v->data_fd = -1;
}

int mc_vmm_chunks_add(struct mc_vmm_chunks *c, const uint8_t *p, size_t n)
{
	if (mc_reserve(&c->p, &c->cap, c->len + n, 1, 65536) ||
	    mc_reserve(&c->sz, &c->ncap, (size_t)c->n + 1, sizeof(*c->sz), 64))
		return -ENOMEM;
	memcpy(c->p + c->len, p, n);
	c->len += n;
	c->sz[c->n++] = n;
	return 0;
}

void mc_vmm_chunks_free(struct mc_vmm_chunks *c)
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
int mc_vmm_set(struct mc_vmm *v, uint32_t target, uint32_t recover)
{
	uint32_t from = v->state, path[MC_MAX_PATH];
	int fd = -1, rc, rc2;
	bool armed = false;

	if (v->fault_at >= 0 && v->nsets == (unsigned)v->fault_at &&
	    mc_model_path(v->flags, from, target, path) > 0)
		armed = !mc_fault(v->dev, v->fault_kind,
				  v->fault_kind == MC_FAULT_ALLOC_NTH ? 1 : path[0] << 8 | path[1]);
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
			mc_vmm_fail(v,
				    "SET %s->%s returned a new data fd while the fd of the open "
				    "session is still held; QEMU reports 'data_fd out of sync' and "
				    "fails",
				    mc_state_name(from), mc_state_name(target));
			return -EBADF;
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
		mc_vmm_fail(v,
			    "after SET %s->%s failed (%s), QEMU's recovery reset failed: %s "
			    "(QEMU aborts)",
			    mc_state_name(from), mc_state_name(target), mc_errno_name(rc),
			    mc_errno_name(rc2));
	v->state = ST(RUNNING);
	return rc;
}

/* A SET of QEMU's sequence that must work; @want_fd: it must open a session. */
int mc_vmm_step(struct mc_vmm *v, uint32_t target, uint32_t recover, bool want_fd, const char *what)
{
	uint32_t from = v->state;
	bool had = v->data_fd >= 0;
	int rc = mc_vmm_set(v, target, recover);

	if (rc && v->injected)
		return -1; /* VMM-03 judges what the recovery left */
	if (rc)
		return mc_vmm_fail(v, "%s: SET %s->%s failed: %s", what, mc_state_name(from),
				   mc_state_name(target), mc_errno_name(rc));
	if (want_fd && (had || v->data_fd < 0))
		return mc_vmm_fail(v, "%s: SET %s->%s returned no data fd", what,
				   mc_state_name(from), mc_state_name(target));
	return 0;
}

/* GET MIG_DATA_SIZE as QEMU does; 0 makes QEMU's buffer allocation fail. */
static int data_size(struct mc_vmm *v, bool size_buffer)
{
	uint64_t len;
	int rc = mc_get_data_size(v->dev, &len);

	if (rc)
		return 0; /* QEMU then assumes 1 MiB (FEAT-04 judges the failure) */
	if (!len)
		return mc_vmm_fail(v,
				   "MIG_DATA_SIZE in %s is 0; QEMU sizes its read buffer as "
				   "min(1 MiB, size) and fails the migration on a 0-byte buffer",
				   mc_state_name(v->state));
	if (size_buffer)
		v->bufsize = len < QEMU_BUF_MAX ? (size_t)len : QEMU_BUF_MAX;
	return 0;
}

/* ------------------------------------------------------------------ QEMU's save */

static int precopy_info(struct mc_vmm *v, uint64_t *initial, size_t done)
{
	struct vfio_precopy_info info;
	int rc = mc_precopy_info(v->dev, v->data_fd, &info);

	if (rc)
		return mc_vmm_fail(v, "PRECOPY_INFO in %s after %zu bytes failed: %s",
				   mc_state_name(v->state), done, mc_errno_name(rc));
	*initial = info.initial_bytes;
	return 0;
}

/*
 * vfio_save_setup() and the iterations: PRE_COPY, PRECOPY_INFO at once, reads of the
 * buffer size until ENOMSG or 0, initial_bytes counted down by exactly what was read.
 */
static int save_precopy(struct mc_vmm *v, struct mc_vmm_chunks *out, uint8_t *buf)
{
	uint64_t initial, now;
	unsigned reads;

	if (mc_vmm_step(v, ST(PRE_COPY), ST(RUNNING), true, "save setup") ||
	    precopy_info(v, &initial, 0) || data_size(v, false))
		return -1;
	for (reads = 0; reads < PRECOPY_READS_MAX && out->len < STREAM_MAX; reads++) {
		ssize_t n = mc_data_read(v->dev, v->data_fd, buf, v->bufsize);
		uint64_t want;

		if (n == 0 || n == -ENOMSG)
			break;
		if (n < 0)
			return mc_vmm_fail(v, "pre-copy read #%u of up to %zu bytes failed: %s",
					   reads + 1, v->bufsize, mc_errno_name((int)n));
		if (mc_vmm_chunks_add(out, buf, (size_t)n))
			return mc_vmm_herr(v, "keeping the stream", -ENOMEM);
		if (precopy_info(v, &now, out->len))
			return -1;
		want = initial - (initial < (uint64_t)n ? initial : (uint64_t)n);
		if (now != want)
			return mc_vmm_fail(v,
					   "after a pre-copy read of %zd bytes initial_bytes "
					   "went from %llu to %llu, not %llu; QEMU counts it down "
					   "by the bytes read",
					   n, (unsigned long long)initial, (unsigned long long)now,
					   (unsigned long long)want);
		initial = now;
	}
	if (reads == PRECOPY_READS_MAX || out->len >= STREAM_MAX)
		return 0; /* still going: QEMU would switch over anyway */
	if (precopy_info(v, &now, out->len))
		return -1;
	if (now)
		return mc_vmm_fail(v,
				   "pre-copy data ran out after %zu bytes with initial_bytes "
				   "still %llu; QEMU's switchover-ack waits for it to reach 0",
				   out->len, (unsigned long long)now);
	return 0;
}

/* The VM stops: [PRE_COPY_P2P |] RUNNING_P2P first with P2P, then STOP_COPY or STOP. */
static int save_vm_stop(struct mc_vmm *v)
{
	bool pre = v->state == ST(PRE_COPY);

	if ((v->flags & VFIO_MIGRATION_P2P) &&
	    mc_vmm_step(v, pre ? ST(PRE_COPY_P2P) : ST(RUNNING_P2P), ST(ERROR), false,
			"VM stop (prepare)"))
		return -1;
	if (mc_vmm_step(v, pre ? ST(STOP_COPY) : ST(STOP), ST(ERROR), false, "VM stop"))
		return -1;
	return pre ? 0 : data_size(v, false);
}

/* Reads until 0 in STOP_COPY; @enomsg_ends: QEMU 9's loop takes ENOMSG for the end. */
int mc_vmm_save_drain(struct mc_vmm *v, struct mc_vmm_chunks *out, uint8_t *buf, bool enomsg_ends)
{
	while (out->len < STREAM_MAX) {
		ssize_t n = mc_data_read(v->dev, v->data_fd, buf, v->bufsize);

		if (n == 0)
			return 0;
		if (n < 0)
			return mc_vmm_fail(
				v, "a read in STOP_COPY after %zu bytes failed: %s%s", out->len,
				mc_errno_name((int)n),
				n == -ENOMSG && enomsg_ends ?
					" (QEMU's loop takes ENOMSG for the end and sends the "
					"stream cut short)" :
					" (QEMU fails the migration)");
		if (mc_vmm_chunks_add(out, buf, (size_t)n))
			return mc_vmm_herr(v, "keeping the stream", -ENOMEM);
	}
	return mc_vmm_herr(v, "the stream grew past 256 MiB", -EFBIG);
}

/* vfio_save_complete_precopy(): SET STOP_COPY (recover STOP), whatever the state. */
static int save_complete(struct mc_vmm *v, struct mc_vmm_chunks *out, uint8_t *buf,
			 bool enomsg_ends)
{
	bool held = v->data_fd >= 0;

	if (mc_vmm_step(v, ST(STOP_COPY), ST(STOP), !held,
			held ? "save complete (STOP_COPY again)" : "save complete"))
		return -1;
	return mc_vmm_save_drain(v, out, buf, enomsg_ends);
}

/* vfio_save_cleanup(): STOP_COPY->STOP (recover: reset), close the fd. */
int mc_vmm_save_cleanup(struct mc_vmm *v)
{
	int rc = 0;

	if (v->state == ST(STOP_COPY))
		rc = mc_vmm_step(v, ST(STOP), ST(ERROR), false, "save cleanup");
	mc_vmm_close_fd(v);
	return rc;
}

/* QEMU's source up to the switchover: buffer, pre-copy, VM stop. */
int mc_vmm_save_begin(struct mc_vmm *v, struct mc_vmm_chunks *out, uint8_t *buf)
{
	if (data_size(v, true))
		return -1;
	if ((v->flags & VFIO_MIGRATION_PRE_COPY) && save_precopy(v, out, buf))
		return -1;
	return save_vm_stop(v);
}

/* The whole of QEMU 9's save of @v into @out. */
int mc_vmm_qemu_save(struct mc_vmm *v, struct mc_vmm_chunks *out)
{
	uint8_t *buf = malloc(QEMU_BUF_MAX);
	int rc;

	if (!buf)
		return mc_vmm_herr(v, "the read buffer", -ENOMEM);
	rc = mc_vmm_save_begin(v, out, buf);
	if (!rc)
		rc = save_complete(v, out, buf, true);
	if (!rc)
		rc = mc_vmm_save_cleanup(v);
	else if (!v->injected)
		mc_vmm_close_fd(v); /* after an injected failure the caller cleans up */
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------ QEMU's load */

/* A plain write loop of QEMU's: short writes continued, 0 or an error fatal. */
int mc_vmm_write(struct mc_vmm *v, const uint8_t *p, size_t len, size_t off)
{
	while (len) {
		ssize_t n = mc_data_write(v->dev, v->data_fd, p, len);

		if (n <= 0)
			return mc_vmm_fail(v, "writing %zu bytes at stream offset %zu %s%s", len,
					   off, n ? "failed: " : "returned 0",
					   n ? mc_errno_name((int)n) : "");
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
int mc_vmm_load_pieces(struct mc_vmm *v, const struct mc_vmm_chunks *in, unsigned *pieces)
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

			if (mc_vmm_write(v, in->p + off, n, off))
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
int mc_vmm_vm_start(struct mc_vmm *v)
{
	if ((v->flags & VFIO_MIGRATION_P2P) &&
	    mc_vmm_step(v, ST(RUNNING_P2P), ST(ERROR), false,
			"VM start (prepare), the fd closed in RESUMING"))
		return -1;
	return mc_vmm_step(v, ST(RUNNING), ST(ERROR), false, "VM start, the fd closed in RESUMING");
}

/*
 * Make the destination differ from the source where --dirty changed the source (its
 * writes inverted), so that carrying the source's state proves the load happened.
 */
int mc_vmm_set_apart(struct mc_ctx *ctx, struct mc_vmm *v)
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
		return mc_vmm_herr(v,
				   "setting the destination apart (the --dirty writes "
				   "inverted)",
				   -EIO);
	return 0;
}

const char *mc_vmm_carried(const struct mc_ctx *ctx, const char *claim)
{
	return ctx->di->stream_nondet ? "the loaded state not compared (--nondeterministic)" :
					claim;
}

/* After a load: the device saves @src again (a deterministic device; RES-02's test). */
int mc_vmm_carries(struct mc_ctx *ctx, struct mc_vmm *v, const struct mc_vmm_chunks *src,
		   const char *how)
{
	struct mc_vmm_chunks again = { 0 };
	struct mc_vmm s;
	uint8_t *buf;
	size_t d = 0;
	int rc;

	if (ctx->di->stream_nondet) {
		/* Streams differ run to run: say what this case did not check. */
		mc_note(ctx,
			"after %s the loaded state is not compared: --nondeterministic "
			"streams cannot be compared byte for byte",
			how);
		return 0;
	}
	buf = malloc(QEMU_BUF_MAX);
	if (!buf)
		return mc_vmm_herr(v, "the read buffer", -ENOMEM);
	mc_vmm_init(&s, v->dev, v->flags, v->who);
	s.state = v->state;
	rc = mc_vmm_step(&s, ST(STOP), ST(ERROR), false, "saving the loaded device") ||
	     mc_vmm_step(&s, ST(STOP_COPY), ST(STOP), true, "saving the loaded device") ||
	     mc_vmm_save_drain(&s, &again, buf, false);
	mc_vmm_close_fd(&s);
	free(buf);
	if (rc) {
		mc_vmm_fail(v, "after %s: %s", how, s.why);
		v->harness = s.harness;
	} else if (again.len != src->len || memcmp(again.p, src->p, src->len)) {
		while (d < again.len && d < src->len && again.p[d] == src->p[d])
			d++;
		rc = mc_vmm_fail(v,
				 "after %s the device saves %zu bytes that differ from the "
				 "source's %zu at byte %zu: it does not carry the source's state",
				 how, again.len, src->len, d);
	}
	mc_vmm_chunks_free(&again);
	mc_reset(v->dev);
	return rc ? -1 : 0;
}

/* QEMU's load of @in into @v from RUNNING, the fd closed before the VM starts. */
int mc_vmm_qemu_load(struct mc_vmm *v, const struct mc_vmm_chunks *in, unsigned *pieces)
{
	if (mc_vmm_step(v, ST(RESUMING), v->state, true, "load setup (one SET from RUNNING)") ||
	    mc_vmm_load_pieces(v, in, pieces)) {
		mc_vmm_close_fd(v);
		return -1;
	}
	mc_vmm_close_fd(v);
	return mc_vmm_vm_start(v);
}

/* Reset @v's device (QEMU assumes RUNNING at the start). */
int mc_vmm_fresh(struct mc_vmm *v)
{
	int rc = mc_reset(v->dev);

	v->state = ST(RUNNING);
	v->data_fd = -1;
	return rc ? mc_vmm_fail(v, "RESET before the sequence failed: %s", mc_errno_name(rc)) : 0;
}

/* The destination: the peer when there is one (opened into *@peer), else the device. */
int mc_vmm_open_dest(struct mc_ctx *ctx, struct mc_vmm *d, struct mc_dev **peer)
{
	char err[256];
	uint64_t flags;
	int rc;

	*peer = NULL;
	if (!ctx->di->peer_spec) {
		mc_vmm_init(d, ctx->dev, ctx->flags, "the device (as destination)");
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
	mc_vmm_init(d, *peer, flags & 7, "the peer (as destination)");
	return 0;
}

void mc_vmm_close_dest(struct mc_dev *peer)
{
	if (peer) {
		mc_reset(peer);
		mc_dev_close(peer);
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMM operations: the sequences QEMU and Cloud Hypervisor really issue, replayed call for
 * call (their steps: op_vmm_steps.c). QEMU's save (VMM-01) and load (VMM-02) as
 * hw/vfio/migration.c drives them, its failure handling (VMM-03), QEMU 10's multifd
 * transfer from threads (VMM-04), and Cloud Hypervisor's snapshot and restore (VMM-05).
 * Rows carry the qemu / cloud-hypervisor precondition that --profile selects.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "num.h"
#include "op_vmm_priv.h"
#include "ops.h"
#include "runopts.h"
#include "walker.h"

/* VMM-01: QEMU's save, then the stream must resume. */
static void op_qemu_save(struct mc_ctx *ctx)
{
	struct mc_vmm_chunks out = { 0 };
	struct mc_vmm v;
	bool harness;
	int rc;

	mc_vmm_init(&v, ctx->dev, ctx->flags, "the device");
	if (mc_vmm_fresh(&v) || mc_vmm_qemu_save(&v, &out)) {
		mc_vmm_verdict(ctx, &v);
		goto out;
	}
	rc = mc_resume_check(ctx, out.p, out.len, &harness);
	if (rc && !harness)
		mc_violation(ctx,
			     "the %zu-byte stream QEMU's sequence read (%u reads of up to %zu "
			     "bytes) did not resume: %s",
			     out.len, out.n, v.bufsize, mc_errno_name(rc));
	else if (!rc)
		mc_note(ctx,
			"QEMU's save: %u reads of up to %zu bytes, %zu bytes; the stream "
			"resumed",
			out.n, v.bufsize, out.len);
out:
	mc_vmm_chunks_free(&out);
}

/* VMM-02: the reference stream loaded as QEMU does, then compared. */
static void op_qemu_load(struct mc_ctx *ctx)
{
	struct mc_vmm_chunks in = { 0 };
	struct mc_vmm d;
	unsigned pieces;

	if (!ctx->di->stream || !ctx->di->stream_len) {
		mc_no_ref_stream(ctx, "for the load");
		return;
	}
	/* The reference stream comes from the peer when there is one: the device loads it. */
	mc_vmm_init(&d, ctx->dev, ctx->flags, "the device (as destination)");
	/* One chunk per read of QEMU's source buffer, min(1 MiB, size). */
	for (size_t off = 0; off < ctx->di->stream_len; off += QEMU_BUF_MAX) {
		size_t n = ctx->di->stream_len - off;

		if (mc_vmm_chunks_add(&in, ctx->di->stream + off,
				      n < QEMU_BUF_MAX ? n : QEMU_BUF_MAX)) {
			mc_harness_error(ctx, "copying the stream: ENOMEM");
			goto out;
		}
	}
	if (mc_vmm_fresh(&d) || mc_vmm_set_apart(ctx, &d) || mc_vmm_qemu_load(&d, &in, &pieces) ||
	    mc_vmm_carries(ctx, &d, &in, "QEMU's load"))
		mc_vmm_verdict(ctx, &d);
	else
		mc_note(ctx,
			"%zu bytes written in %u pieces cut by a 32 KiB buffer, the fd closed "
			"in RESUMING, then %s: %s",
			in.len, pieces,
			d.flags & VFIO_MIGRATION_P2P ? "RUNNING_P2P, RUNNING" : "RUNNING",
			mc_vmm_carried(ctx, "the device carries the source's state"));
out:
	mc_vmm_chunks_free(&in);
}

/* ------------------------------------------------------------------ VMM-03 */

/*
 * The migration failed: vfio_save_cleanup() (STOP_COPY->STOP, recover: reset), the fd
 * closed, then the failure notifier's SET RUNNING (recover: reset).
 */
static void abort_cleanup(struct mc_vmm *v)
{
	if (v->state == ST(STOP_COPY))
		mc_vmm_set(v, ST(STOP), ST(ERROR));
	mc_vmm_close_fd(v);
	mc_vmm_set(v, ST(RUNNING), ST(ERROR));
}

/* Where QEMU believes the device is must be where it is (QEMU never asks). */
static int believed(struct mc_vmm *v, const char *after)
{
	uint32_t st;
	int rc = mc_get_state(v->dev, &st);

	if (rc)
		return mc_vmm_fail(v, "%s, GET failed: %s", after, mc_errno_name(rc));
	if (st != v->state)
		return mc_vmm_fail(v,
				   "%s, GET reports %s while QEMU's recovery left it believing "
				   "%s",
				   after, mc_state_name(st), mc_state_name(v->state));
	return 0;
}

/* An arc fault on each of QEMU's save SETs in turn; recovery, then a clean migration. */
static void fail_fault(struct mc_ctx *ctx)
{
	struct mc_vmm_chunks out = { 0 };
	char after[160], kinds[160] = "";
	unsigned nsets, fired = 0;
	struct mc_vmm v;
	unsigned have = mc_dev_fault_kinds(ctx->dev, kinds, sizeof(kinds));
	enum mc_fault_kind kind = have & MC_FAULT_BIT(MC_FAULT_ARC_FAIL)  ? MC_FAULT_ARC_FAIL :
				  have & MC_FAULT_BIT(MC_FAULT_ALLOC_NTH) ? MC_FAULT_ALLOC_NTH :
									    MC_FAULT_NONE;

	if (kind == MC_FAULT_NONE) {
		mc_skip(ctx, "the device can fail neither an arc nor an allocation%s%s",
			kinds[0] ? ": " : "", kinds);
		return;
	}
	mc_vmm_init(&v, ctx->dev, ctx->flags, "the device");
	if (mc_vmm_fresh(&v) || mc_vmm_qemu_save(&v, &out))
		goto out_verdict;
	nsets = v.nsets;
	for (unsigned k = 0; k < nsets; k++) {
		mc_vmm_init(&v, ctx->dev, ctx->flags, "the device");
		v.fault_at = (int)k;
		v.fault_kind = kind;
		mc_vmm_chunks_free(&out);
		if (mc_vmm_fresh(&v))
			goto out_verdict;
		if (!mc_vmm_qemu_save(&v, &out) || !v.injected) {
			if (v.why[0])
				goto out_verdict;
			continue; /* the fault did not fire on that SET */
		}
		/* QEMU still holds the fd: its cleanup closes it after SET STOP. */
		fired++;
		v.fault_at = -1;
		v.injected = false; /* from here on every failure is the device's */
		snprintf(after, sizeof(after),
			 "after QEMU's SET #%u failed (injected) and its "
			 "recovery",
			 k + 1);
		if (believed(&v, after))
			goto out_verdict;
		abort_cleanup(&v);
		snprintf(after, sizeof(after), "after SET #%u failed, the cleanup and SET RUNNING",
			 k + 1);
		mc_vmm_chunks_free(&out);
		if (v.why[0] || believed(&v, after) || mc_vmm_qemu_save(&v, &out)) {
			if (!v.harness) {
				char why[sizeof(v.why)];

				snprintf(why, sizeof(why), "%s", v.why);
				snprintf(v.why, sizeof(v.why),
					 "SET #%u failed (injected); then: %.540s", k + 1, why);
			}
			goto out_verdict;
		}
	}
	if (fired)
		mc_note(ctx,
			"%u of QEMU's %u save SETs failed in turn (%s); each recovery left the "
			"device where QEMU believed it and the next migration worked",
			fired, nsets,
			kind == MC_FAULT_ARC_FAIL ? "an arc fault" :
						    "its first allocation failing");
	else
		mc_skip(ctx, "no injected fault made one of QEMU's %u SETs fail", nsets);
	goto out;
out_verdict:
	mc_vmm_verdict(ctx, &v);
out:
	mc_vmm_chunks_free(&out);
}

/* A truncated stream fails the destination's VM start: reset, RUNNING, a good load works. */
static void fail_bad_stream(struct mc_ctx *ctx)
{
	struct mc_vmm_chunks half = { 0 }, whole = { 0 };
	unsigned pieces;
	struct mc_vmm d;
	int rc = 0;

	if (!ctx->di->stream || ctx->di->stream_len < 2) {
		mc_no_ref_stream(ctx, "for the load");
		return;
	}
	mc_vmm_init(&d, ctx->dev, ctx->flags, "the device (as destination)");
	if (mc_vmm_chunks_add(&half, ctx->di->stream, ctx->di->stream_len / 2) ||
	    mc_vmm_chunks_add(&whole, ctx->di->stream, ctx->di->stream_len)) {
		mc_harness_error(ctx, "copying the stream: ENOMEM");
		goto out;
	}
	if (mc_vmm_fresh(&d) || mc_vmm_step(&d, ST(RESUMING), ST(RUNNING), true, "load setup") ||
	    mc_vmm_load_pieces(&d, &half, &pieces)) {
		mc_vmm_close_fd(&d);
		goto out_verdict;
	}
	mc_vmm_close_fd(&d);
	if (d.flags & VFIO_MIGRATION_P2P)
		rc = mc_vmm_set(&d, ST(RUNNING_P2P), ST(ERROR));
	if (!rc)
		rc = mc_vmm_set(&d, ST(RUNNING), ST(ERROR));
	if (!rc) {
		mc_skip(ctx,
			"the device accepted %zu of the stream's %zu bytes (RES-03 judges); "
			"QEMU's failure path was not taken",
			half.len, whole.len);
		goto out;
	}
	if (d.why[0] ||
	    believed(&d, "after the VM start failed on a truncated stream and QEMU "
			 "reset the device") ||
	    mc_vmm_set_apart(ctx, &d) || mc_vmm_qemu_load(&d, &whole, &pieces) ||
	    mc_vmm_carries(ctx, &d, &whole, "the next, complete load"))
		goto out_verdict;
	mc_note(ctx,
		"a truncated stream failed the VM start (%s), the reset gave RUNNING and the "
		"next load worked: %s",
		mc_errno_name(rc), mc_vmm_carried(ctx, "the device carries the source's state"));
	goto out;
out_verdict:
	mc_vmm_verdict(ctx, &d);
out:
	mc_vmm_chunks_free(&half);
	mc_vmm_chunks_free(&whole);
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
	struct mc_vmm v;
	struct mc_vmm_chunks out;	/* the stream it saved */
	const struct mc_vmm_chunks *in; /* the stream it loads */
	uint8_t *buf;
	struct mc_ctx *ctx;
	pthread_barrier_t *between; /* two devices: all saves end before any load */
	unsigned pieces;
};

/* vfio_multifd_save_complete_precopy_thread(): SET STOP_COPY, reads; any failure fatal. */
static void *save_thread(void *arg)
{
	struct mfd *m = arg;
	bool held = m->v.data_fd >= 0;

	if (!mc_vmm_step(&m->v, ST(STOP_COPY), ST(STOP), !held, "the save thread's SET"))
		mc_vmm_save_drain(&m->v, &m->out, m->buf, false);
	return NULL;
}

/* vfio_load_bufs_thread(): each buffer written whole, in order, by a plain loop. */
static void *load_thread(void *arg)
{
	struct mfd *m = arg;
	size_t off = 0;

	for (unsigned i = 0; i < m->in->n; off += m->in->sz[i++])
		if (mc_vmm_write(&m->v, m->in->p + off, m->in->sz[i], off))
			break;
	return NULL;
}

/* Run @fn(@m) in a thread of its own and wait for it. */
static int in_thread(struct mfd *m, void *(*fn)(void *))
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, fn, m);

	if (rc)
		return mc_vmm_herr(&m->v, "starting a thread", -rc);
	pthread_join(t, NULL);
	return m->v.why[0] ? -1 : 0;
}

static int mfd_save(struct mfd *m)
{
	if (mc_vmm_fresh(&m->v) || mc_vmm_save_begin(&m->v, &m->out, m->buf) ||
	    in_thread(m, save_thread) || mc_vmm_save_cleanup(&m->v)) {
		mc_vmm_close_fd(&m->v);
		return -1;
	}
	return 0;
}

static int mfd_load(struct mfd *m)
{
	if (mc_vmm_fresh(&m->v) || mc_vmm_set_apart(m->ctx, &m->v) ||
	    mc_vmm_step(&m->v, ST(RESUMING), ST(RUNNING), true, "load setup") ||
	    in_thread(m, load_thread)) {
		mc_vmm_close_fd(&m->v);
		return -1;
	}
	mc_vmm_close_fd(&m->v);
	if (mc_vmm_vm_start(&m->v))
		return -1;
	return mc_vmm_carries(m->ctx, &m->v, m->in, "the multifd load");
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
	mc_vmm_chunks_free(&m->out);
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
	mc_vmm_init(&m[1].v, second, flags & 7,
		    ctx->di->peer_spec ? "the peer" : "the second device");
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
	if (n == 1) /* the first waits at the barrier: the second runs here instead */
		mfd_device(&m[1]);
	else if (!n)
		mc_harness_error(ctx, "starting the devices' threads");
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&between);
	mc_vmm_verdict(ctx, &m[0].v);
	mc_vmm_verdict(ctx, &m[1].v);
	if (n && !m[0].v.why[0] && !m[1].v.why[0])
		mc_note(ctx,
			"two devices saved in parallel (%zu and %zu bytes), each loaded the "
			"other's stream and carries its state",
			m[0].out.len, m[1].out.len);
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
		mc_vmm_verdict(ctx, &m->v);
		return;
	}
	if (mc_vmm_open_dest(ctx, &d.v, &peer))
		return;
	d.buf = NULL;
	if (mfd_load(&d))
		mc_vmm_verdict(ctx, &d.v);
	else
		mc_note(ctx,
			"%zu bytes saved from a thread in %u reads, loaded from another "
			"thread: %s",
			m->out.len, m->out.n,
			mc_vmm_carried(ctx, "the destination carries the source's state"));
	mc_vmm_close_dest(peer);
}

static int check_multifd(const struct mc_case *c, char *err, size_t len)
{
	uint64_t n;

	if (!mc_case_num(c, "devices", MC_NUM_DEC, 1, 2, 1, &n, err, len) &&
	    !strcmp(c->expect, "-"))
		return 0;
	snprintf(err, len, "args take devices=1|2, expect '-'");
	return -EINVAL;
}

static void op_qemu_multifd(struct mc_ctx *ctx)
{
	struct mfd m[2] = { { .ctx = ctx }, { .ctx = ctx } };
	uint64_t devices;

	mc_case_num(ctx->c, "devices", MC_NUM_DEC, 1, 2, 1, &devices, NULL, 0);
	mc_vmm_init(&m[0].v, ctx->dev, ctx->flags, "the device");
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
	struct mc_vmm_chunks snap = { 0 };
	struct mc_dev *peer = NULL;
	struct mc_vmm v, d;
	uint8_t *buf = malloc(CH_CHUNK);
	size_t off = 0;

	mc_vmm_init(&v, ctx->dev, ctx->flags, "the device");
	v.bufsize = CH_CHUNK;
	if (!buf) {
		mc_harness_error(ctx, "the read buffer: ENOMEM");
		return;
	}
	if (mc_vmm_fresh(&v) || mc_vmm_step(&v, ST(STOP), ST(ERROR), false, "snapshot") ||
	    mc_vmm_step(&v, ST(STOP_COPY), ST(ERROR), true, "snapshot") ||
	    mc_vmm_save_drain(&v, &snap, buf, false) ||
	    mc_vmm_step(&v, ST(STOP), ST(ERROR), false, "snapshot end")) {
		mc_vmm_close_fd(&v);
		mc_vmm_verdict(ctx, &v);
		goto out;
	}
	mc_vmm_close_fd(&v);
	if (mc_vmm_open_dest(ctx, &d, &peer))
		goto out;
	if (mc_vmm_fresh(&d) || mc_vmm_set_apart(ctx, &d) ||
	    mc_vmm_step(&d, ST(RESUMING), ST(ERROR), true, "restore (one SET from RUNNING)"))
		goto out_dest;
	for (; off < snap.len && !d.why[0]; off += CH_CHUNK)
		mc_vmm_write(&d, snap.p + off,
			     snap.len - off < CH_CHUNK ? snap.len - off : CH_CHUNK, off);
	if (d.why[0] || mc_vmm_step(&d, ST(RUNNING), ST(ERROR), false,
				    "restore (one SET RESUMING->RUNNING, the fd still open)"))
		goto out_dest;
	mc_vmm_close_fd(&d);
	if (!mc_vmm_carries(ctx, &d, &snap, "the restore"))
		mc_note(ctx, "a %zu-byte snapshot restored with RESUMING->RUNNING in one SET: %s",
			snap.len, mc_vmm_carried(ctx, "the device carries the snapshot's state"));
out_dest:
	mc_vmm_close_fd(&d);
	mc_vmm_verdict(ctx, &d);
	mc_vmm_close_dest(peer);
out:
	mc_vmm_chunks_free(&snap);
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

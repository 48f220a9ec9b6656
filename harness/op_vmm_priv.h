/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The steps the VMM operations are made of (op_vmm_steps.c): QEMU's set-state helper with
 * its recovery, its save and load phases, plain transfers, and the check that a
 * destination carries its source's state. Private to op_vmm.c and op_vmm_steps.c.
 */
#ifndef MC_OP_VMM_PRIV_H
#define MC_OP_VMM_PRIV_H

#include "ctx.h"
#include "migcheck.h"

#define ST(s) VFIO_DEVICE_STATE_##s
#define QEMU_BUF_MAX (1u << 20) /* VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE: QEMU's read buffer cap */
#define CH_CHUNK 65536u		/* Cloud Hypervisor's transfer size (any size must do) */

/*
 * What QEMU's VFIOMigration holds for one device. QEMU never GETs the state: @state is
 * where it believes the device is. The first failure is kept in @why (threads record
 * nothing in the case themselves; the op turns it into a verdict).
 */
struct mc_vmm {
	struct mc_dev *dev;
	const char *who; /* "the device", "the peer" */
	uint64_t flags;
	uint32_t state;
	int data_fd;
	size_t bufsize;
	unsigned nsets;		       /* SETs issued, for fault_at */
	int fault_at;		       /* VMM-03: arm a fault before SET #fault_at, or -1 */
	enum mc_fault_kind fault_kind; /* ...on its first arc, or its first allocation */
	bool injected;		       /* ...and that SET failed: the flow stops there */
	bool harness;		       /* the failure in @why is the harness's */
	char why[600];
};

/* A stream as read, with the size of each read (QEMU's chunks on the wire). */
struct mc_vmm_chunks {
	uint8_t *p;
	size_t len, cap;
	size_t *sz, ncap;
	unsigned n;
};

/*
 * Failures: the first is kept in v->why (mc_vmm_fail; mc_vmm_herr for the harness's own,
 * "@what: errno"); both return -1. mc_vmm_verdict() records it in the case.
 */
__attribute__((format(printf, 2, 3))) int mc_vmm_fail(struct mc_vmm *v, const char *fmt, ...);
int mc_vmm_herr(struct mc_vmm *v, const char *what, int rc);
void mc_vmm_verdict(struct mc_ctx *ctx, const struct mc_vmm *v);
/* @v for device @dev (model flags @flags), named @who in messages: RUNNING, no fd. */
void mc_vmm_init(struct mc_vmm *v, struct mc_dev *dev, uint64_t flags, const char *who);
/* Reset the device (QEMU assumes RUNNING at the start); 0 or -1 (recorded). */
int mc_vmm_fresh(struct mc_vmm *v);
void mc_vmm_close_fd(struct mc_vmm *v);
/* Append a read of @n bytes; 0 or -ENOMEM. */
int mc_vmm_chunks_add(struct mc_vmm_chunks *c, const uint8_t *p, size_t n);
void mc_vmm_chunks_free(struct mc_vmm_chunks *c);
/*
 * mc_vmm_set: QEMU's vfio_migration_set_state(): SET @target, on failure SET @recover
 * (ERROR: none), reset when that fails too. Returns the first SET's result (-EBADF, and
 * recorded, for a fd while one is held). mc_vmm_step: a SET of the sequence that must
 * work (@want_fd: and open a session); 0 or -1, recorded unless it failed as injected.
 */
int mc_vmm_set(struct mc_vmm *v, uint32_t target, uint32_t recover);
int mc_vmm_step(struct mc_vmm *v, uint32_t target, uint32_t recover, bool want_fd,
		const char *what);
/* QEMU's save up to the switchover (buffer, pre-copy, VM stop) into @out; 0 or -1. */
int mc_vmm_save_begin(struct mc_vmm *v, struct mc_vmm_chunks *out, uint8_t *buf);
/* Reads of v->bufsize until 0, any failure recorded (@enomsg_ends: QEMU 9's reading). */
int mc_vmm_save_drain(struct mc_vmm *v, struct mc_vmm_chunks *out, uint8_t *buf, bool enomsg_ends);
/* vfio_save_cleanup(): STOP_COPY->STOP, the fd closed. */
int mc_vmm_save_cleanup(struct mc_vmm *v);
/* The whole of QEMU 9's save into @out; 0 or -1 (the fd closed unless v->injected). */
int mc_vmm_qemu_save(struct mc_vmm *v, struct mc_vmm_chunks *out);
/* A plain write loop, short writes continued; @off: the stream offset for messages. */
int mc_vmm_write(struct mc_vmm *v, const uint8_t *p, size_t len, size_t off);
/* @in written in the pieces QEMU's 32 KiB file buffer cuts it into, counted in *@pieces. */
int mc_vmm_load_pieces(struct mc_vmm *v, const struct mc_vmm_chunks *in, unsigned *pieces);
/* The destination's VM start: [RUNNING_P2P,] RUNNING, recover: reset. */
int mc_vmm_vm_start(struct mc_vmm *v);
/* QEMU's load of @in from RUNNING, the fd closed before the VM starts; 0 or -1. */
int mc_vmm_qemu_load(struct mc_vmm *v, const struct mc_vmm_chunks *in, unsigned *pieces);
/* The --dirty writes inverted on @v's device, so that a load shows; 0 or -1. */
int mc_vmm_set_apart(struct mc_ctx *ctx, struct mc_vmm *v);
/*
 * The device, RUNNING after a load, saves @src again byte for byte; reset after. With
 * --nondeterministic nothing is compared (a note says so) and it returns 0.
 */
int mc_vmm_carries(struct mc_ctx *ctx, struct mc_vmm *v, const struct mc_vmm_chunks *src,
		   const char *how);
/* @claim for a case's note, or that the state was not compared (--nondeterministic). */
const char *mc_vmm_carried(const struct mc_ctx *ctx, const char *claim);
/* The destination: the peer when given (*@peer, for mc_vmm_close_dest), else the device. */
int mc_vmm_open_dest(struct mc_ctx *ctx, struct mc_vmm *d, struct mc_dev **peer);
void mc_vmm_close_dest(struct mc_dev *peer);

#endif /* MC_OP_VMM_PRIV_H */

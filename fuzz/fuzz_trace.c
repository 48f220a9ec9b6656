// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recorder (a backend interposed on the input's device that forwards every call and
 * notes it) and the bare replayer of what it recorded: the same calls, the same bytes,
 * buffers at the same places relative to the guard pages, data fds mapped from the
 * recorded numbers to the replay's. See fuzz_trace.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_trace_priv.h"

#define FEAT_MASK VFIO_DEVICE_FEATURE_MASK
#define MAX_RANGES 256 /* the core's LOG_MAX_RANGES: more is E2BIG before any read */
#define IOCTL_ARG 24   /* struct vfio_precopy_info, the data fd's ioctl argument */

struct rec {
	struct mc_backend_ops ops; /* this recorder's (optional members as the inner's) */
	const struct mc_backend_ops *be;
	void *priv;
	struct mc_fuzz_ctx *ctx; /* records into ctx->rec when it is set */
};

/* ---------------------------------------------------------------- traces */

struct mc_fuzz_trace *mc_fuzz_trace_new(void)
{
	return calloc(1, sizeof(struct mc_fuzz_trace));
}

void mc_fuzz_trace_free(struct mc_fuzz_trace *tr)
{
	if (!tr)
		return;
	free(tr->calls);
	free(tr->arena);
	free(tr);
}

unsigned mc_fuzz_trace_calls(const struct mc_fuzz_trace *tr)
{
	return tr->n;
}

unsigned mc_fuzz_trace_logged(const struct mc_fuzz_trace *tr)
{
	unsigned n = 0;

	for (unsigned i = 0; i < tr->n; i++)
		n += tr->calls[i].kind != K_FAULT;
	return n;
}

static void trace_clear(struct mc_fuzz_trace *tr, bool fresh)
{
	tr->n = 0;
	tr->alen = tr->maxbuf = 0;
	tr->fresh = fresh;
	tr->oom = false;
}

/* @len bytes of @p into the arena; the offset (SIZE_MAX when out of memory). */
static size_t keep(struct mc_fuzz_trace *tr, const void *p, size_t len)
{
	size_t at = tr->alen;

	if (tr->alen + len > tr->acap) {
		size_t cap = tr->acap ? tr->acap : 4096;
		uint8_t *a;

		while (cap < tr->alen + len)
			cap *= 2;
		a = realloc(tr->arena, cap);
		if (!a) {
			tr->oom = true;
			return SIZE_MAX;
		}
		tr->arena = a;
		tr->acap = cap;
	}
	if (len)
		memcpy(tr->arena + at, p, len);
	tr->alen += len;
	return at;
}

/* A new call of @kind on @fd, or NULL when not recording (or out of memory). */
static struct call *call_new(struct rec *r, uint8_t kind, int fd, uint64_t a, uint64_t b,
			     uint64_t c)
{
	struct mc_fuzz_trace *tr = r->ctx->rec;
	struct call *k;

	if (!tr || tr->oom)
		return NULL;
	if (tr->n == tr->cap) {
		unsigned cap = tr->cap ? tr->cap * 2 : 256;
		struct call *nc = realloc(tr->calls, cap * sizeof(*nc));

		if (!nc) {
			tr->oom = true;
			return NULL;
		}
		tr->calls = nc;
		tr->cap = cap;
	}
	k = &tr->calls[tr->n++];
	*k = (struct call){ .kind = kind,
			    .fd = fd,
			    .a = a,
			    .b = b,
			    .c = c,
			    .where = PLAIN,
			    .ext_where = ASIS,
			    .out = SIZE_MAX };
	return k;
}

/* Where @p lies: its offset in the fuzz context's guard mapping, or PLAIN. */
static long where_of(const struct rec *r, const void *p)
{
	const uint8_t *g = r->ctx->guard, *q = p;

	return g && q >= g && q < g + MC_FUZZ_PAGE + MC_FUZZ_GUARD ? (long)(q - g) : PLAIN;
}

/* The bytes of a buffer the device reads: none from the unreadable guard pages. */
static void keep_in(struct rec *r, struct call *k, const void *p, size_t len)
{
	struct mc_fuzz_trace *tr = r->ctx->rec;

	k->where = where_of(r, p);
	if (k->where >= (long)MC_FUZZ_PAGE)
		len = 0;
	else if (k->where >= 0 && len > MC_FUZZ_PAGE - (size_t)k->where)
		len = MC_FUZZ_PAGE - (size_t)k->where;
	k->data = keep(tr, p, len);
	k->dlen = len;
}

static void need(struct rec *r, size_t len)
{
	if (r->ctx->rec && r->ctx->rec->maxbuf < len)
		r->ctx->rec->maxbuf = len;
}

/*
 * @rc as the result of call @k (NULL when not recording), returned for the caller to pass
 * on: `k = call_new(...)`, then `return result(k, <the device operation>)`, so every call
 * is in the trace, arguments and bytes kept, before the device runs it.
 */
static int64_t result(struct call *k, int64_t rc)
{
	if (k)
		k->rc = rc;
	return rc;
}

/* ---------------------------------------------------------------- the recorder */

/*
 * The pointer a DMA logging START (ranges) or REPORT (bitmap) carries, noted so the
 * replay gives the device memory of its own: the ranges' bytes are kept.
 */
static void note_ext(struct rec *r, struct call *k, const uint8_t *buf, size_t buflen)
{
	struct vfio_device_feature hdr;
	uint64_t ptr;
	uint32_t n = 0;

	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.flags & VFIO_DEVICE_FEATURE_PROBE)
		return;
	if ((hdr.flags & FEAT_MASK) == VFIO_DEVICE_FEATURE_DMA_LOGGING_START &&
	    buflen >= sizeof(hdr) + 24)
		k->ext_at = sizeof(hdr) + 16;
	else if ((hdr.flags & FEAT_MASK) == VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT &&
		 buflen >= sizeof(hdr) + 32)
		k->ext_at = sizeof(hdr) + 24;
	else
		return;
	memcpy(&ptr, buf + k->ext_at, sizeof(ptr));
	k->ext_where = ptr ? where_of(r, (const void *)(uintptr_t)ptr) : ASIS;
	if (k->ext_where != PLAIN)
		return;
	if (k->ext_at == sizeof(hdr) + 16)
		memcpy(&n, buf + sizeof(hdr) + 8, sizeof(n));
	k->elen = n <= MAX_RANGES ? (size_t)n * 16 : 0;
	k->ext = keep(r->ctx->rec, (const void *)(uintptr_t)ptr, k->elen);
}

static int rec_feature(void *priv, void *buf, size_t buflen)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_FEATURE, -1, buflen, 0, 0);
	struct vfio_device_feature hdr = { 0 };
	int32_t fd;
	int rc;

	if (k) {
		keep_in(r, k, buf, buflen);
		need(r, buflen);
		/* A buffer ending in the unreadable pages: the core fails before the pointer. */
		if (buflen >= sizeof(hdr) &&
		    (k->where == PLAIN || k->where + buflen <= MC_FUZZ_PAGE))
			note_ext(r, k, buf, buflen);
	}
	rc = r->be->feature(r->priv, buf, buflen);
	if (!k)
		return rc;
	k->rc = rc;
	if (buflen >= sizeof(hdr))
		memcpy(&hdr, buf, sizeof(hdr));
	/* What a GET answered is a result too (the data fd a SET writes back is not). */
	if (!rc && (hdr.flags & VFIO_DEVICE_FEATURE_GET) &&
	    !(hdr.flags & VFIO_DEVICE_FEATURE_PROBE))
		k->out = keep(r->ctx->rec, buf, k->dlen);
	if (!rc && buflen >= sizeof(hdr) + 8 && (hdr.flags & VFIO_DEVICE_FEATURE_SET) &&
	    !(hdr.flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (hdr.flags & FEAT_MASK) == VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE) {
		memcpy(&fd, (uint8_t *)buf + sizeof(hdr) + 4, sizeof(fd));
		k->fd = fd;
	}
	return rc;
}

static int rec_reset(void *priv)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_RESET, -1, 0, 0, 0);

	return result(k, r->be->reset(r->priv));
}

static ssize_t rec_read(void *priv, int fd, void *buf, size_t len)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_READ, fd, len, 0, 0);
	ssize_t rc = r->be->data_read(r->priv, fd, buf, len);

	if (k) {
		k->where = where_of(r, buf);
		need(r, len);
		k->rc = rc;
	}
	return rc;
}

static ssize_t rec_pread(void *priv, int fd, void *buf, size_t len, off_t off)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_PREAD, fd, len, (uint64_t)off, 0);
	ssize_t rc = r->be->data_pread(r->priv, fd, buf, len, off);

	if (k) {
		k->where = where_of(r, buf);
		need(r, len);
		k->rc = rc;
	}
	return rc;
}

static ssize_t rec_write(void *priv, int fd, const void *buf, size_t len)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_WRITE, fd, len, 0, 0);

	if (k)
		keep_in(r, k, buf, len);
	return result(k, r->be->data_write(r->priv, fd, buf, len));
}

/* The iovecs' lengths, then their bytes, in the arena (the fuzzers' iovecs are plain). */
static ssize_t rec_writev(void *priv, int fd, const struct iovec *iov, int iovcnt)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_WRITEV, fd, 0, (uint64_t)iovcnt, 0);

	if (k) {
		size_t at = r->ctx->rec->alen;

		for (int i = 0; i < iovcnt; i++)
			keep(r->ctx->rec, &iov[i].iov_len, sizeof(iov[i].iov_len));
		for (int i = 0; i < iovcnt; i++)
			keep(r->ctx->rec, iov[i].iov_base, iov[i].iov_len);
		k->data = at;
		k->dlen = r->ctx->rec->alen - at;
	}
	return result(k, r->be->data_writev(r->priv, fd, iov, iovcnt));
}

static off_t rec_lseek(void *priv, int fd, off_t off, int whence)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_LSEEK, fd, (uint64_t)off, (uint64_t)whence, 0);

	return result(k, r->be->data_lseek(r->priv, fd, off, whence));
}

static int rec_ioctl(void *priv, int fd, unsigned long cmd, void *arg)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_IOCTL, fd, cmd, 0, 0);

	if (k) {
		keep_in(r, k, arg, where_of(r, arg) == PLAIN ? IOCTL_ARG : GUARD_ARG);
		need(r, GUARD_ARG);
	}
	return result(k, r->be->data_ioctl(r->priv, fd, cmd, arg));
}

static int rec_poll(void *priv, int fd, short events, int timeout_ms)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_POLL, fd, (uint16_t)events, (uint64_t)timeout_ms, 0);

	return result(k, r->be->data_poll(r->priv, fd, events, timeout_ms));
}

static int rec_close(void *priv, int fd)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_CLOSE, fd, 0, 0, 0);

	return result(k, r->be->data_close(r->priv, fd));
}

static int rec_rinfo(void *priv, uint32_t index, struct vfio_region_info *ri)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_RINFO, -1, index, 0, 0);

	return result(k, r->be->region_info(r->priv, index, ri));
}

static ssize_t rec_rread(void *priv, uint32_t index, uint64_t off, void *buf, size_t len)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_RREAD, -1, len, index, off);
	ssize_t rc = r->be->region_read(r->priv, index, off, buf, len);

	if (k) {
		need(r, len);
		k->rc = rc;
	}
	return rc;
}

static ssize_t rec_rwrite(void *priv, uint32_t index, uint64_t off, const void *buf, size_t len)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_RWRITE, -1, len, index, off);

	if (k)
		keep_in(r, k, buf, len);
	return result(k, r->be->region_write(r->priv, index, off, buf, len));
}

static int rec_fault(void *priv, enum mc_fault_kind kind, uint32_t arg)
{
	struct rec *r = priv;
	struct call *k = call_new(r, K_FAULT, -1, (uint64_t)kind, arg, 0);

	return result(k, r->be->fault(r->priv, kind, arg));
}

/* Not device calls: forwarded, never recorded. */
static void rec_ident(void *priv, struct mc_dev_ident *id)
{
	struct rec *r = priv;

	r->be->ident(r->priv, id);
}

static ssize_t rec_klog_read(void *priv, char *buf, size_t len)
{
	struct rec *r = priv;

	return r->be->klog_read(r->priv, buf, len);
}

static int rec_klog_skip(void *priv)
{
	struct rec *r = priv;

	return r->be->klog_skip(r->priv);
}

static int rec_data_rawfd(void *priv, int fd)
{
	struct rec *r = priv;

	return r->be->data_rawfd(r->priv, fd);
}

static int rec_dev_rawfd(void *priv)
{
	struct rec *r = priv;

	return r->be->dev_rawfd(r->priv);
}

static void rec_dev_close(void *priv)
{
	struct rec *r = priv;

	r->be->close(r->priv);
	free(r);
}

static const struct mc_backend_ops rec_ops = {
	.name = "trace",
	.close = rec_dev_close,
	.ident = rec_ident,
	.feature = rec_feature,
	.reset = rec_reset,
	.data_read = rec_read,
	.data_write = rec_write,
	.data_writev = rec_writev,
	.data_pread = rec_pread,
	.data_lseek = rec_lseek,
	.data_ioctl = rec_ioctl,
	.data_poll = rec_poll,
	.data_close = rec_close,
	.region_info = rec_rinfo,
	.region_read = rec_rread,
	.region_write = rec_rwrite,
	.klog_read = rec_klog_read,
	.klog_skip = rec_klog_skip,
	.fault = rec_fault,
	.data_rawfd = rec_data_rawfd,
	.dev_rawfd = rec_dev_rawfd,
};

void mc_fuzz_trace_attach(struct mc_fuzz_ctx *ctx)
{
	struct rec *r;

	if (!ctx->rec)
		return;
	trace_clear(ctx->rec, ctx->reopen);
	if (ctx->rec_dev == ctx->dev)
		return;
	r = calloc(1, sizeof(*r));
	if (!r) {
		ctx->rec->oom = true;
		return;
	}
	r->ctx = ctx;
	r->ops = rec_ops;
	mc_dev_interpose(ctx->dev, &r->ops, r, &r->be, &r->priv);
	/* What the inner backend lacks, the recorder lacks too (mc_dev answers for it). */
	if (!r->be->klog_read)
		r->ops.klog_read = NULL;
	if (!r->be->klog_skip)
		r->ops.klog_skip = NULL;
	if (!r->be->fault)
		r->ops.fault = NULL;
	if (!r->be->data_rawfd)
		r->ops.data_rawfd = NULL;
	if (!r->be->dev_rawfd)
		r->ops.dev_rawfd = NULL;
	ctx->rec_dev = ctx->dev;
}

int mc_fuzz_trace_record(struct mc_fuzz_ctx *ctx, const struct mc_fuzz_target *t,
			 const uint8_t *data, size_t size, struct mc_fuzz_trace *tr,
			 struct mc_fuzz_finding *f)
{
	int rc;

	ctx->rec = tr;
	trace_clear(tr, ctx->reopen);
	rc = mc_fuzz_run(ctx, t, data, size, f);
	ctx->rec = NULL;
	if (rc >= 0 && tr->oom)
		rc = mc_fuzz_broken(f, -ENOMEM, "out of memory recording the trace");
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bare replayer of fuzz traces (fuzz_trace.h): each recorded call issued straight to
 * the backend (for the kernel backend, one syscall), its buffer where the recorded one
 * lay relative to the guard pages, data fds mapped from the recorded numbers. No
 * interpreter, no oracle, no engine: the baseline a target's exec/s is a ratio of.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_trace_priv.h"

#define MAX_IOV 64

struct mc_fuzz_bare {
	const struct mc_backend_ops *be;
	void *priv; /* the device (kept; replaced for a trace on a fresh device) */
	struct mc_devspec ds;
	uint8_t *guard; /* one read-write page, then MC_FUZZ_GUARD unreadable bytes */
	uint8_t *buf;	/* plain buffers */
	size_t cap;
	uint8_t *ext; /* out-of-line arrays (EXT_SIZE) */
	struct {
		int from, to;
	} map[NMAP];
	unsigned nmap;
};

int mc_fuzz_bare_open(const char *spec, struct mc_fuzz_bare **bp, char *err, size_t errlen)
{
	struct mc_fuzz_bare *b = calloc(1, sizeof(*b));
	int rc;

	*bp = NULL;
	if (!b) {
		snprintf(err, errlen, "bare replay: out of memory");
		return -ENOMEM;
	}
	rc = mc_devspec_parse(spec, &b->ds, err, errlen);
	if (rc)
		goto out_free;
	b->be = mc_dev_backend_of(&b->ds);
	b->guard = mmap(NULL, MC_FUZZ_PAGE + MC_FUZZ_GUARD, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->guard == MAP_FAILED || mprotect(b->guard + MC_FUZZ_PAGE, MC_FUZZ_GUARD, PROT_NONE)) {
		rc = -errno;
		snprintf(err, errlen, "bare replay: guard pages: %s", strerror(errno));
		goto out_unmap;
	}
	b->cap = 65536;
	b->buf = malloc(b->cap);
	b->ext = calloc(1, EXT_SIZE);
	if (!b->buf || !b->ext) {
		rc = -ENOMEM;
		snprintf(err, errlen, "bare replay: out of memory");
		goto out_unmap;
	}
	rc = b->be->open(&b->ds, &b->priv, err, errlen);
	if (rc)
		goto out_unmap;
	*bp = b;
	return 0;
out_unmap:
	if (b->guard != MAP_FAILED && b->guard)
		munmap(b->guard, MC_FUZZ_PAGE + MC_FUZZ_GUARD);
	free(b->buf);
	free(b->ext);
out_free:
	free(b);
	return rc;
}

void mc_fuzz_bare_close(struct mc_fuzz_bare *b)
{
	if (!b)
		return;
	if (b->priv)
		b->be->close(b->priv);
	munmap(b->guard, MC_FUZZ_PAGE + MC_FUZZ_GUARD);
	free(b->buf);
	free(b->ext);
	free(b);
}

/* The replay's fd for recorded data fd @fd (itself when the trace never got it). */
static int fd_of(const struct mc_fuzz_bare *b, int fd)
{
	for (unsigned i = b->nmap; i-- > 0;)
		if (b->map[i].from == fd)
			return b->map[i].to;
	return fd;
}

static void map_add(struct mc_fuzz_bare *b, int from, int to)
{
	for (unsigned i = 0; i < b->nmap; i++)
		if (b->map[i].from == from) {
			b->map[i].to = to;
			return;
		}
	if (b->nmap < NMAP)
		b->map[b->nmap++] = (typeof(b->map[0])){ from, to };
}

/* The buffer of call @k with the recorded bytes in it: in the guard mapping, or plain. */
static uint8_t *place(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr, const struct call *k)
{
	uint8_t *p = k->where >= 0 ? b->guard + k->where : b->buf;

	if (k->dlen)
		memcpy(p, tr->arena + k->data, k->dlen);
	return p;
}

/* A DMA logging START/REPORT pointer: the replay's own memory for what the recorded held. */
static void ext_fix(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr, const struct call *k,
		    uint8_t *p)
{
	uint64_t ptr;

	if (k->ext_where == ASIS)
		return;
	if (k->ext_where >= 0) {
		ptr = (uintptr_t)(b->guard + k->ext_where);
	} else {
		memcpy(b->ext, tr->arena + k->ext, k->elen);
		ptr = (uintptr_t)b->ext;
	}
	memcpy(p + k->ext_at, &ptr, sizeof(ptr));
}

static long writev_call(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr,
			const struct call *k)
{
	struct iovec iov[MAX_IOV];
	const uint8_t *lens = tr->arena + k->data, *bytes;
	int n = (int)k->b;

	if (n < 0 || n > MAX_IOV)
		return -E2BIG;
	bytes = lens + (size_t)n * sizeof(size_t);
	for (int i = 0; i < n; i++) {
		memcpy(&iov[i].iov_len, lens + (size_t)i * sizeof(size_t), sizeof(size_t));
		iov[i].iov_base = (void *)bytes;
		bytes += iov[i].iov_len;
	}
	return b->be->data_writev(b->priv, fd_of(b, k->fd), iov, n);
}

static long feature_call(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr,
			 const struct call *k)
{
	uint8_t *p = place(b, tr, k);
	int32_t fd;
	int rc;

	if (k->ext_at)
		ext_fix(b, tr, k, p);
	rc = b->be->feature(b->priv, p, k->a);
	if (k->out != SIZE_MAX && !rc) {
		if (k->ext_at) /* the pointer is the replay's own */
			memcpy(p + k->ext_at, tr->arena + k->out + k->ext_at, sizeof(uint64_t));
		if (memcmp(p, tr->arena + k->out, k->dlen))
			return -EILSEQ; /* a GET answered otherwise: a result that differs */
	}
	if (!rc && k->fd >= 0) {
		memcpy(&fd, p + sizeof(struct vfio_device_feature) + 4, sizeof(fd));
		map_add(b, k->fd, fd);
	}
	return rc;
}

/* One recorded call, issued again; its result. */
static long one(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr, const struct call *k)
{
	const struct mc_backend_ops *be = b->be;
	const uint8_t *in = tr->arena + k->data;
	struct vfio_region_info ri;
	int fd = fd_of(b, k->fd);

	switch (k->kind) {
	case K_FEATURE: return feature_call(b, tr, k);
	case K_RESET: return be->reset(b->priv);
	case K_READ:
		return be->data_read(b->priv, fd, k->where >= 0 ? b->guard + k->where : b->buf,
				     k->a);
	case K_PREAD:
		return be->data_pread(b->priv, fd, k->where >= 0 ? b->guard + k->where : b->buf,
				      k->a, (off_t)k->b);
	case K_WRITE:
		return be->data_write(b->priv, fd, k->where == PLAIN ? in : place(b, tr, k), k->a);
	case K_WRITEV: return writev_call(b, tr, k);
	case K_LSEEK: return be->data_lseek(b->priv, fd, (off_t)k->a, (int)k->b);
	case K_IOCTL: return be->data_ioctl(b->priv, fd, k->a, place(b, tr, k));
	case K_POLL: return be->data_poll(b->priv, fd, (short)k->a, (int)k->b);
	case K_CLOSE: return be->data_close(b->priv, fd);
	case K_RINFO: return be->region_info(b->priv, (uint32_t)k->a, &ri);
	case K_RREAD: return be->region_read(b->priv, (uint32_t)k->b, k->c, b->buf, k->a);
	case K_RWRITE:
		return be->region_write(b->priv, (uint32_t)k->b, k->c,
					k->where == PLAIN ? in : place(b, tr, k), k->a);
	case K_FAULT:
		return be->fault ? be->fault(b->priv, (enum mc_fault_kind)k->a, (uint32_t)k->b) :
				   -EOPNOTSUPP;
	default: return -EINVAL;
	}
}

long mc_fuzz_bare_run(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr, unsigned *calls)
{
	char err[256];
	long differ = 0;
	int rc;

	if (calls)
		*calls = 0;
	if (tr->maxbuf > b->cap) {
		uint8_t *nb = realloc(b->buf, tr->maxbuf);

		if (!nb)
			return -ENOMEM;
		b->buf = nb;
		b->cap = tr->maxbuf;
	}
	if (tr->fresh) {
		if (b->priv)
			b->be->close(b->priv);
		b->priv = NULL;
		rc = b->be->open(&b->ds, &b->priv, err, sizeof(err));
		if (rc)
			return rc;
	}
	b->nmap = 0;
	for (unsigned i = 0; i < tr->n; i++)
		differ += one(b, tr, &tr->calls[i]) != tr->calls[i].rc;
	if (calls)
		*calls = tr->n;
	return differ;
}

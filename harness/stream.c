// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stream engine (stream.h): streams that spill from memory to an unlinked temp
 * file, and the save/resume loops with their bounded retries and exact accounts (the
 * read and write plans are in plan.c). Every device call goes through the mc_dev layer (watchdog, op log), the
 * io_uring ones too (uring.c does the ring, this file names the operation).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stream.h"
#include "uring.h"
#include "util.h"

#define CMP_BLOCK (64u << 10) /* bounce size for comparing and slicing spilled bytes */
#define STREAM_MIN_CAP (64u << 10)
#define STREAM_MAP_MIN (1u << 20) /* from here on the memory part is an mmap */
#define DEFAULT_EAGAIN_MS 1000
#define DEFAULT_MAX_EINTR 100

static const struct mc_plan plan_one = { .kind = MC_PLAN_ONE };

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ------------------------------------------------------------------ streams */

void mc_stream_init(struct mc_stream *s, size_t mem_limit)
{
	memset(s, 0, sizeof(*s));
	s->mem_limit = mem_limit ? mem_limit : MC_STREAM_MEM_DEFAULT;
	s->spill_fd = -1;
}

void mc_stream_free(struct mc_stream *s)
{
	size_t limit = s->borrowed ? 0 : s->mem_limit;

	if (!s->borrowed && s->mem_cap >= STREAM_MAP_MIN)
		munmap(s->mem, s->mem_cap);
	else if (!s->borrowed)
		free(s->mem);
	if (s->spill_fd >= 0)
		close(s->spill_fd);
	mc_stream_init(s, limit);
}

void mc_stream_wrap(struct mc_stream *s, const uint8_t *buf, size_t len)
{
	mc_stream_init(s, len);
	s->mem = (uint8_t *)buf; /* never written through: borrowed streams are read-only */
	s->mem_len = s->mem_cap = len;
	s->len = len;
	s->borrowed = true;
}

/*
 * The spill file: O_TMPFILE never has a name, so nothing can be left behind; where the
 * filesystem lacks it, a mkstemp() name lives only until the unlink() right after.
 */
static int spill_open(void)
{
	const char *dir = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (snprintf(path, sizeof(path), "%s/migcheck-stream-XXXXXX", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

/* pread/pwrite on the spill file until done; a file shorter than expected is -EIO. */
static int spill_io(int fd, void *buf, size_t len, off_t off, bool write)
{
	while (len) {
		ssize_t n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf = (uint8_t *)buf + n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Make room for @need bytes in memory, doubling up to mem_limit. */
/*
 * Grow the in-memory part to hold @need bytes. From STREAM_MAP_MIN on the buffer is an
 * anonymous mapping grown with mremap(): no copy and no page touched twice, whatever
 * malloc's mmap threshold has drifted to.
 */
static int mem_reserve(struct mc_stream *s, size_t need)
{
	size_t cap = s->mem_cap ? s->mem_cap : min_sz(STREAM_MIN_CAP, s->mem_limit);
	uint8_t *nm;

	if (need <= s->mem_cap)
		return 0;
	while (cap < need)
		cap = cap > s->mem_limit / 2 ? s->mem_limit : cap * 2;
	if (cap < STREAM_MAP_MIN) {
		nm = realloc(s->mem, cap);
	} else if (s->mem_cap >= STREAM_MAP_MIN) {
		nm = mremap(s->mem, s->mem_cap, cap, MREMAP_MAYMOVE);
		nm = nm == MAP_FAILED ? NULL : nm;
	} else {
		nm = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		nm = nm == MAP_FAILED ? NULL : nm;
		if (nm) {
			memcpy(nm, s->mem, s->mem_len);
			free(s->mem);
		}
	}
	if (!nm)
		return -ENOMEM;
	s->mem = nm;
	s->mem_cap = cap;
	return 0;
}

int mc_stream_append(struct mc_stream *s, const void *buf, size_t len)
{
	size_t in_mem = min_sz(len, s->mem_limit - s->mem_len);
	int rc;

	if (s->borrowed)
		return -EROFS;
	if (in_mem) {
		rc = mem_reserve(s, s->mem_len + in_mem);
		if (rc)
			return rc;
	}
	if (len > in_mem && s->spill_fd < 0) {
		rc = spill_open();
		if (rc < 0)
			return rc;
		s->spill_fd = rc;
	}
	/* Spill first: a failure then leaves the stream exactly as it was. */
	if (len > in_mem) {
		rc = spill_io(s->spill_fd, (uint8_t *)buf + in_mem, len - in_mem,
			      (off_t)(s->len - s->mem_len), true);
		if (rc)
			return rc;
	}
	if (in_mem)
		memcpy(s->mem + s->mem_len, buf, in_mem);
	s->mem_len += in_mem;
	s->len += len;
	return 0;
}

/*
 * Bytes [@off, @off+@len) of @s (inside it): in place when they are all in memory, else
 * read into @bounce (at least @len bytes). *@p points at them.
 */
static int stream_view(const struct mc_stream *s, uint64_t off, size_t len, uint8_t *bounce,
		       const uint8_t **p)
{
	ssize_t n;

	if (off + len <= s->mem_len) {
		*p = s->mem + off;
		return 0;
	}
	n = mc_stream_pread(s, bounce, len, off);
	if (n < 0)
		return (int)n;
	*p = bounce;
	return (size_t)n == len ? 0 : -EIO;
}

ssize_t mc_stream_pread(const struct mc_stream *s, void *buf, size_t len, uint64_t off)
{
	size_t head = 0;
	int rc;

	if (off >= s->len)
		return 0;
	len = (size_t)(s->len - off < len ? s->len - off : len);
	len = min_sz(len, SSIZE_MAX);
	if (off < s->mem_len) {
		head = min_sz(len, (size_t)(s->mem_len - off));
		memcpy(buf, s->mem + off, head);
	}
	if (head < len) {
		rc = spill_io(s->spill_fd, (uint8_t *)buf + head, len - head,
			      (off_t)(off + head - s->mem_len), false);
		if (rc)
			return rc;
	}
	return (ssize_t)len;
}

/* Offset of the first byte where @a and @b (@len bytes) differ; @len when equal. */
static size_t first_mismatch(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i = 0;

	if (!memcmp(a, b, len))
		return len;
	while (a[i] == b[i])
		i++;
	return i;
}

int mc_stream_cmp(const struct mc_stream *a, const struct mc_stream *b, uint64_t *first_diff)
{
	uint64_t common = a->len < b->len ? a->len : b->len, off, diff = common;
	uint8_t *bounce = malloc(2 * CMP_BLOCK);
	const uint8_t *pa = NULL, *pb = NULL;
	int rc = 0;

	if (!bounce)
		return -ENOMEM;
	for (off = 0; off < common && diff == common && !rc; off += CMP_BLOCK) {
		size_t n = (size_t)(common - off < CMP_BLOCK ? common - off : CMP_BLOCK), i;

		rc = stream_view(a, off, n, bounce, &pa);
		if (!rc)
			rc = stream_view(b, off, n, bounce + CMP_BLOCK, &pb);
		if (!rc && (i = first_mismatch(pa, pb, n)) < n)
			diff = off + i;
	}
	free(bounce);
	if (rc)
		return rc;
	if (diff == common && a->len == b->len)
		return 0;
	if (first_diff)
		*first_diff = diff;
	return 1;
}

int mc_stream_slice(const struct mc_stream *src, uint64_t off, uint64_t len, struct mc_stream *dst)
{
	uint8_t *bounce;
	const uint8_t *p = NULL;
	int rc = 0;

	if (off > src->len || len > src->len - off)
		return -EINVAL;
	bounce = malloc(CMP_BLOCK);
	if (!bounce)
		return -ENOMEM;
	for (uint64_t done = 0; done < len && !rc;) {
		size_t n = (size_t)(len - done < CMP_BLOCK ? len - done : CMP_BLOCK);

		rc = stream_view(src, off + done, n, bounce, &p);
		if (!rc)
			rc = mc_stream_append(dst, p, n);
		done += n;
	}
	free(bounce);
	return rc;
}

/* ------------------------------------------------------------------ transfers */

/* One save or resume in progress: where calls go and what they did. */
struct xfer {
	struct mc_dev *dev;
	int fd; /* the data fd as the device layer knows it */
	const struct mc_io_opts *o;
	struct mc_uring *ur; /* MC_IO_URING: the ring; NULL: read/write */
	int rawfd;	     /* MC_IO_URING: the kernel fd behind @fd */
	struct iovec *iov;   /* writev plans: MC_PLAN_MAX_IOV entries */
	unsigned long calls, short_calls, eintr, eagain;
};

enum xop { XOP_READ, XOP_WRITE, XOP_WRITEV };

/* One call as the plan cut it: a buffer, or (XOP_WRITEV) iovecs over it. */
struct xreq {
	enum xop op;
	void *buf;
	size_t len;
	int iovcnt;
};

static const struct mc_io_opts opts_default;

static int xfer_open(struct xfer *x, struct mc_dev *dev, int fd, const struct mc_io_opts *o)
{
	const struct mc_plan *p = o->plan ? o->plan : &plan_one;
	int rc;

	memset(x, 0, sizeof(*x));
	x->dev = dev;
	x->fd = fd;
	x->o = o;
	x->rawfd = -1;
	if (p->kind == MC_PLAN_WRITEV) {
		x->iov = calloc(MC_PLAN_MAX_IOV, sizeof(*x->iov));
		if (!x->iov)
			return -ENOMEM;
	}
	if (o->io == MC_IO_RW)
		return 0;
	if (o->io != MC_IO_URING)
		return -EINVAL;
	x->rawfd = mc_data_rawfd(dev, fd);
	if (x->rawfd < 0)
		return x->rawfd;
	rc = mc_uring_open(&x->ur, 1, NULL, 0);
	return rc;
}

static void xfer_close(struct xfer *x)
{
	mc_uring_close(x->ur);
	free(x->iov);
}

/* The iovecs of a writev call over @buf: the plan's K bytes each, the last one short. */
static int cut_iov(struct xfer *x, void *buf, size_t len)
{
	size_t k = x->o->plan->k ? x->o->plan->k : 1; /* a hand-built plan may say 0 */
	int n = 0;

	for (size_t off = 0; off < len && n < MC_PLAN_MAX_IOV; off += k, n++) {
		x->iov[n].iov_base = (uint8_t *)buf + off;
		x->iov[n].iov_len = min_sz(k, len - off);
	}
	return n;
}

/* io_uring: the same call, issued by the ring, named and logged by the device layer. */
static ssize_t issue_uring(struct xfer *x, const struct xreq *q)
{
	static const char *const names[] = { "read", "write", "writev" };
	ssize_t n;

	if (q->op == XOP_WRITEV)
		mc_dev_op_begin(x->dev, "io_uring writev(fd %d, %d iovecs)", x->fd, q->iovcnt);
	else
		mc_dev_op_begin(x->dev, "io_uring %s(fd %d, %zu)", names[q->op], x->fd, q->len);
	if (q->op == XOP_READ)
		n = mc_uring_read(x->ur, x->rawfd, q->buf, q->len);
	else if (q->op == XOP_WRITE)
		n = mc_uring_write(x->ur, x->rawfd, q->buf, q->len);
	else
		n = mc_uring_writev(x->ur, x->rawfd, x->iov, q->iovcnt);
	return mc_dev_op_end(x->dev, n);
}

static ssize_t issue(struct xfer *x, const struct xreq *q)
{
	if (x->ur)
		return issue_uring(x, q);
	if (q->op == XOP_READ)
		return mc_data_read(x->dev, x->fd, q->buf, q->len);
	if (q->op == XOP_WRITE)
		return mc_data_write(x->dev, x->fd, q->buf, q->len);
	return mc_data_writev(x->dev, x->fd, x->iov, q->iovcnt);
}

/*
 * After EAGAIN: wait on the fd's own readiness, never a sleep, and only until the
 * call's deadline (set at its first EAGAIN). 0 means "try the call again".
 */
static int wait_ready(struct xfer *x, short events, uint64_t *deadline)
{
	int ms = x->o->eagain_ms ? x->o->eagain_ms : DEFAULT_EAGAIN_MS;
	uint64_t now = mc_now_ms();
	int rc;

	if (ms < 0)
		return -EAGAIN;
	if (!*deadline)
		*deadline = now + (uint64_t)ms + 1; /* + 1: never 0, the "unset" value */
	if (now >= *deadline)
		return -EAGAIN;
	rc = mc_data_poll(x->dev, x->fd, events, (int)(*deadline - now));
	if (rc == 0)
		return -EAGAIN;
	/* Ready, or an error/hangup the call will report itself; EINTR: the deadline holds. */
	return rc < 0 && rc != -EINTR ? rc : 0;
}

/* One planned call with its bounded EINTR retries and EAGAIN waits. */
static ssize_t call(struct xfer *x, const struct xreq *q)
{
	unsigned max_eintr = x->o->max_eintr ? x->o->max_eintr : DEFAULT_MAX_EINTR;
	unsigned eintr = 0;
	uint64_t deadline = 0;

	for (;;) {
		ssize_t n = issue(x, q);
		int rc;

		x->calls++;
		if (n == -EINTR) {
			x->eintr++;
			if (eintr++ >= max_eintr)
				return n;
			continue;
		}
		if (n != -EAGAIN)
			return n;
		x->eagain++;
		rc = wait_ready(x, q->op == XOP_READ ? POLLIN : POLLOUT, &deadline);
		if (rc)
			return rc;
	}
}

/* ------------------------------------------------------------------ save */

/* What a read may ask for: with a limit, never more than one byte past it. */
static uint64_t read_room(const struct mc_io_opts *o, const struct mc_stream *out)
{
	if (!o->limit)
		return 0;
	return out->len <= o->limit ? o->limit - out->len + 1 : 1;
}

static int save_loop(struct xfer *x, struct mc_stream *out, struct mc_save_result *r, uint8_t *buf)
{
	struct mc_plan_iter it;

	mc_plan_iter_init(&it, x->o->plan);
	for (;;) {
		struct xreq q = { .op = XOP_READ, .buf = buf };
		ssize_t n;
		int rc;

		q.len = mc_plan_next(&it, read_room(x->o, out));
		n = call(x, &q);
		if (n <= 0)
			return (int)n;
		if ((size_t)n < q.len)
			x->short_calls++;
		rc = mc_stream_append(out, buf, (size_t)n);
		if (rc)
			return rc;
		r->bytes += (uint64_t)n;
		if (x->o->limit && out->len > x->o->limit)
			return -EFBIG;
	}
}

int mc_stream_save(struct mc_dev *dev, int fd, const struct mc_io_opts *o, struct mc_stream *out,
		   struct mc_save_result *r)
{
	struct xfer x;
	uint8_t *buf = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!o)
		o = &opts_default;
	rc = xfer_open(&x, dev, fd, o);
	if (rc)
		goto out_close;
	buf = malloc(mc_plan_max_call(o->plan ? o->plan : &plan_one));
	if (!buf) {
		rc = -ENOMEM;
		goto out_close;
	}
	rc = save_loop(&x, out, r, buf);
	free(buf);
out_close:
	xfer_close(&x);
	r->calls = x.calls;
	r->short_calls = x.short_calls;
	r->eintr = x.eintr;
	r->eagain = x.eagain;
	r->end = rc;
	return rc == -ENOMSG && o->stop_at_enomsg ? 0 : rc;
}

/* ------------------------------------------------------------------ resume */

static void add_gap(struct mc_resume_result *r, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	if (r->ngaps && r->gaps[r->ngaps - 1].end == start) {
		r->gaps[r->ngaps - 1].end = end;
		return;
	}
	if (r->ngaps == MC_ACK_MAX_GAPS) {
		r->gaps_truncated = true;
		return;
	}
	r->gaps[r->ngaps].start = start;
	r->gaps[r->ngaps].end = end;
	r->ngaps++;
}

/*
 * Write one planned chunk, continuing short writes with the rest of it. *@done is what
 * the device acknowledged. A write that accepts nothing is -EIO: retrying would spin.
 */
static int write_chunk(struct xfer *x, const uint8_t *p, size_t len, size_t *done)
{
	bool vec = x->iov != NULL;

	*done = 0;
	while (*done < len) {
		struct xreq q = { .op = vec ? XOP_WRITEV : XOP_WRITE,
				  .buf = (uint8_t *)p + *done,
				  .len = len - *done };
		ssize_t n;

		if (vec)
			q.iovcnt = cut_iov(x, q.buf, q.len);
		n = call(x, &q);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		if ((size_t)n < q.len)
			x->short_calls++;
		*done += (size_t)n;
	}
	return 0;
}

/* The resume loop; returns the first error, device (also in @r) or harness. */
static int resume_loop(struct xfer *x, const struct mc_stream *s, uint64_t off, uint64_t end,
		       struct mc_resume_result *r)
{
	const struct mc_plan *plan = x->o->plan ? x->o->plan : &plan_one;
	struct mc_plan_iter it;
	uint8_t *bounce = NULL;
	uint64_t pos = off;
	int rc = 0;

	mc_plan_iter_init(&it, plan);
	while (pos < end) {
		size_t len = mc_plan_next(&it, end - pos), done;
		const uint8_t *p = NULL;
		int wrc = 0;

		/* Chunks in memory go to the device in place; spilled ones through @bounce. */
		if (!bounce && pos + len > s->mem_len) {
			bounce = malloc(mc_plan_max_call(plan));
			wrc = bounce ? 0 : -ENOMEM;
		}
		if (!wrc)
			wrc = stream_view(s, pos, len, bounce, &p);
		if (wrc) {
			rc = rc ? rc : wrc; /* the harness's own failure: stop */
			break;
		}
		r->offered += len;
		wrc = write_chunk(x, p, len, &done);
		r->acked += done;
		if (wrc && !r->first_err) {
			r->first_err = wrc;
			r->first_err_off = pos + done;
			rc = rc ? rc : wrc;
		}
		if (wrc && !x->o->continue_after_error)
			break;
		if (wrc)
			add_gap(r, pos + done, pos + len);
		pos += len;
	}
	if (pos < end && x->o->continue_after_error)
		add_gap(r, pos, end);
	free(bounce);
	return rc;
}

int mc_stream_resume(struct mc_dev *dev, int fd, const struct mc_stream *s, uint64_t off,
		     uint64_t len, const struct mc_io_opts *o, struct mc_resume_result *r)
{
	struct xfer x;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!o)
		o = &opts_default;
	if (off > s->len || len > s->len - off)
		return -EINVAL;
	rc = xfer_open(&x, dev, fd, o);
	if (!rc)
		rc = resume_loop(&x, s, off, off + len, r);
	xfer_close(&x);
	r->calls = x.calls;
	r->short_calls = x.short_calls;
	r->eintr = x.eintr;
	r->eagain = x.eagain;
	return rc;
}

bool mc_resume_complete(const struct mc_resume_result *r, uint64_t stream_len)
{
	return r->acked == stream_len && !r->ngaps && !r->gaps_truncated && !r->first_err;
}

/* ------------------------------------------------------------------ availability */

int mc_io_available(struct mc_dev *dev, enum mc_io io, char *why, size_t len)
{
	struct mc_uring *ur;
	char dummy[1];
	int rc;

	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	if (io == MC_IO_RW)
		return 0;
	if (io != MC_IO_URING) {
		snprintf(why, len, "unknown I/O method %d", (int)io);
		return -EINVAL;
	}
	if (mc_data_rawfd(dev, -1) == -EOPNOTSUPP) {
		if (!strcmp(mc_dev_ident(dev)->driver, "sim"))
			snprintf(why, len, "the simulated device has no kernel fds");
		else
			snprintf(why, len, "%s: the device's data fds are not kernel fds",
				 mc_dev_spec(dev));
		return -EOPNOTSUPP;
	}
	rc = mc_uring_open(&ur, 1, why, len);
	mc_uring_close(ur);
	return rc;
}

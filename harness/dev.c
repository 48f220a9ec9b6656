// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device layer: open by spec, forward every operation to the backend, keep the
 * watchdog slot current and a short log of operations as evidence for verdicts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migcheck.h"
#include "model.h"
#include "report.h"

#define OPLOG_N 24
#define OPLOG_LEN 192

struct mc_dev {
	const struct mc_backend_ops *be;
	void *priv;
	char spec[256];
	struct mc_dev_ident ident;
	struct mc_watch *watch;
	struct mc_watch own_watch;	/* used when no shared slot is attached */
	uint64_t last_op_ns;
	char oplog[OPLOG_N][OPLOG_LEN];
	unsigned oplog_next;
	unsigned oplog_count;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Name the operation in the watchdog slot before it runs. */
__attribute__((format(printf, 2, 3)))
static void op_begin(struct mc_dev *dev, const char *fmt, ...)
{
	struct mc_watch *w = dev->watch;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->op, sizeof(w->op), fmt, ap);
	va_end(ap);
	w->op_start_ns = now_ns();
	__atomic_store_n(&w->in_device, 1, __ATOMIC_SEQ_CST);
}

/* Record the finished operation and its result in the log. */
static long op_end(struct mc_dev *dev, long rc)
{
	struct mc_watch *w = dev->watch;
	char *slot = dev->oplog[dev->oplog_next];
	const char *what = w->op;

	__atomic_store_n(&w->in_device, 0, __ATOMIC_SEQ_CST);
	dev->last_op_ns = now_ns() - w->op_start_ns;
	if (rc < 0)
		snprintf(slot, OPLOG_LEN, "%s = %s", what, mc_errno_name((int)rc));
	else
		snprintf(slot, OPLOG_LEN, "%s = %ld", what, rc);
	dev->oplog_next = (dev->oplog_next + 1) % OPLOG_N;
	if (dev->oplog_count < OPLOG_N)
		dev->oplog_count++;
	return rc;
}

int mc_dev_open(const char *spec, struct mc_dev **devp, char *err, size_t errlen)
{
	struct mc_devspec ds;
	struct mc_dev *dev;
	int rc;

	*devp = NULL;
	rc = mc_devspec_parse(spec, &ds, err, errlen);
	if (rc)
		return rc;
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		snprintf(err, errlen, "%s: out of memory", spec);
		return -ENOMEM;
	}
	dev->be = !strcmp(ds.kind, "sim") ? &mc_sim_ops : &mc_kernel_ops;
	dev->watch = &dev->own_watch;
	snprintf(dev->spec, sizeof(dev->spec), "%s", spec);
	rc = dev->be->open(&ds, &dev->priv, err, errlen);
	if (rc) {
		free(dev);
		return rc;
	}
	dev->be->ident(dev->priv, &dev->ident);
	*devp = dev;
	return 0;
}

void mc_dev_close(struct mc_dev *dev)
{
	if (!dev)
		return;
	op_begin(dev, "close device");
	dev->be->close(dev->priv);
	op_end(dev, 0);
	free(dev);
}

const char *mc_dev_spec(const struct mc_dev *dev)
{
	return dev->spec;
}

const struct mc_dev_ident *mc_dev_ident(const struct mc_dev *dev)
{
	return &dev->ident;
}

void mc_dev_set_watch(struct mc_dev *dev, struct mc_watch *w)
{
	dev->watch = w ? w : &dev->own_watch;
}

void mc_dev_oplog(const struct mc_dev *dev, char *buf, size_t len)
{
	size_t used = 0;
	unsigned first = (dev->oplog_next + OPLOG_N - dev->oplog_count) % OPLOG_N;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < dev->oplog_count && used + 1 < len; i++) {
		int n = snprintf(buf + used, len - used, "%s\n", dev->oplog[(first + i) % OPLOG_N]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void mc_dev_oplog_clear(struct mc_dev *dev)
{
	dev->oplog_count = 0;
	dev->oplog_next = 0;
}

uint64_t mc_dev_last_op_ns(const struct mc_dev *dev)
{
	return dev->last_op_ns;
}

int mc_feature_raw(struct mc_dev *dev, void *buf, size_t buflen)
{
	struct vfio_device_feature hdr = { 0 };

	/* Copied: a malformed argument may be short or misaligned on purpose. */
	memcpy(&hdr, buf, buflen < sizeof(hdr) ? buflen : sizeof(hdr));
	op_begin(dev, "FEATURE argsz=%u flags=%#x", buflen >= 4 ? hdr.argsz : 0,
		 buflen >= 8 ? hdr.flags : 0);
	return (int)op_end(dev, dev->be->feature(dev->priv, buf, buflen));
}

/* A well-formed GET/SET of feature @index with @len payload bytes at @payload. */
static int feature_call(struct mc_dev *dev, const char *what, uint32_t flags, void *payload,
			size_t len)
{
	uint64_t buf[8];
	struct vfio_device_feature *hdr = (void *)buf;
	int rc;

	hdr->argsz = (uint32_t)(sizeof(*hdr) + len);
	hdr->flags = flags;
	memcpy(hdr->data, payload, len);
	op_begin(dev, "%s", what);
	rc = (int)op_end(dev, dev->be->feature(dev->priv, buf, sizeof(*hdr) + len));
	memcpy(payload, hdr->data, len);
	return rc;
}

int mc_get_flags(struct mc_dev *dev, uint64_t *flags)
{
	struct vfio_device_feature_migration mig = { 0 };
	int rc = feature_call(dev, "GET MIGRATION",
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &mig,
			      sizeof(mig));

	if (!rc)
		*flags = mig.flags;
	return rc;
}

int mc_get_state(struct mc_dev *dev, uint32_t *state)
{
	struct vfio_device_feature_mig_state st = { .device_state = ~0u, .data_fd = -1 };
	int rc = feature_call(dev, "GET state",
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
			      sizeof(st));

	if (!rc) {
		char *last = dev->oplog[(dev->oplog_next + OPLOG_N - 1) % OPLOG_N];
		size_t l = strlen(last);

		snprintf(last + l, OPLOG_LEN - l, " (%s)", mc_state_name(st.device_state));
		*state = st.device_state;
	}
	return rc;
}

int mc_set_state(struct mc_dev *dev, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state st = { .device_state = state, .data_fd = -1 };
	char what[64];
	int rc;

	snprintf(what, sizeof(what), "SET %s", mc_state_name(state));
	rc = feature_call(dev, what, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			  &st, sizeof(st));
	/* The kernel writes data_fd back even on failure; only a success hands one over. */
	if (rc || st.data_fd < 0)
		st.data_fd = -1;
	else if (dev->oplog_count) {
		char *last = dev->oplog[(dev->oplog_next + OPLOG_N - 1) % OPLOG_N];
		size_t l = strlen(last);

		snprintf(last + l, OPLOG_LEN - l, " fd=%d", st.data_fd);
	}
	if (data_fd)
		*data_fd = st.data_fd;
	else if (st.data_fd >= 0)
		mc_data_close(dev, st.data_fd);
	return rc;
}

int mc_get_data_size(struct mc_dev *dev, uint64_t *len)
{
	struct vfio_device_feature_mig_data_size ds = { 0 };
	int rc = feature_call(dev, "GET MIG_DATA_SIZE",
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &ds,
			      sizeof(ds));

	if (!rc)
		*len = ds.stop_copy_length;
	return rc;
}

int mc_reset(struct mc_dev *dev)
{
	op_begin(dev, "RESET");
	return (int)op_end(dev, dev->be->reset(dev->priv));
}

ssize_t mc_data_read(struct mc_dev *dev, int fd, void *buf, size_t len)
{
	op_begin(dev, "read(fd %d, %zu)", fd, len);
	return op_end(dev, dev->be->data_read(dev->priv, fd, buf, len));
}

ssize_t mc_data_write(struct mc_dev *dev, int fd, const void *buf, size_t len)
{
	op_begin(dev, "write(fd %d, %zu)", fd, len);
	return op_end(dev, dev->be->data_write(dev->priv, fd, buf, len));
}

ssize_t mc_data_writev(struct mc_dev *dev, int fd, const struct iovec *iov, int iovcnt)
{
	op_begin(dev, "writev(fd %d, %d iovecs)", fd, iovcnt);
	return op_end(dev, dev->be->data_writev(dev->priv, fd, iov, iovcnt));
}

ssize_t mc_data_pread(struct mc_dev *dev, int fd, void *buf, size_t len, off_t off)
{
	op_begin(dev, "pread(fd %d, %zu, %lld)", fd, len, (long long)off);
	return op_end(dev, dev->be->data_pread(dev->priv, fd, buf, len, off));
}

off_t mc_data_lseek(struct mc_dev *dev, int fd, off_t off, int whence)
{
	op_begin(dev, "lseek(fd %d, %lld, %d)", fd, (long long)off, whence);
	return op_end(dev, dev->be->data_lseek(dev->priv, fd, off, whence));
}

int mc_data_ioctl(struct mc_dev *dev, int fd, unsigned long cmd, void *arg)
{
	op_begin(dev, "ioctl(fd %d, %#lx)", fd, cmd);
	return (int)op_end(dev, dev->be->data_ioctl(dev->priv, fd, cmd, arg));
}

int mc_data_poll(struct mc_dev *dev, int fd, short events, int timeout_ms)
{
	op_begin(dev, "poll(fd %d, %#x, %d ms)", fd, (unsigned)events, timeout_ms);
	return (int)op_end(dev, dev->be->data_poll(dev->priv, fd, events, timeout_ms));
}

int mc_data_close(struct mc_dev *dev, int fd)
{
	if (fd < 0)
		return 0;
	op_begin(dev, "close(fd %d)", fd);
	return (int)op_end(dev, dev->be->data_close(dev->priv, fd));
}

int mc_precopy_info(struct mc_dev *dev, int fd, struct vfio_precopy_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	op_begin(dev, "PRECOPY_INFO(fd %d)", fd);
	return (int)op_end(dev, dev->be->data_ioctl(dev->priv, fd, VFIO_MIG_GET_PRECOPY_INFO, info));
}

int mc_region_info(struct mc_dev *dev, uint32_t index, struct vfio_region_info *ri)
{
	op_begin(dev, "REGION_INFO(%u)", index);
	return (int)op_end(dev, dev->be->region_info(dev->priv, index, ri));
}

ssize_t mc_region_read(struct mc_dev *dev, uint32_t index, uint64_t off, void *buf, size_t len)
{
	op_begin(dev, "region %u read(%#llx, %zu)", index, (unsigned long long)off, len);
	return op_end(dev, dev->be->region_read(dev->priv, index, off, buf, len));
}

ssize_t mc_region_write(struct mc_dev *dev, uint32_t index, uint64_t off, const void *buf,
			size_t len)
{
	op_begin(dev, "region %u write(%#llx, %zu)", index, (unsigned long long)off, len);
	return op_end(dev, dev->be->region_write(dev->priv, index, off, buf, len));
}

ssize_t mc_klog_read(struct mc_dev *dev, char *buf, size_t len)
{
	if (!dev->be->klog_read)
		return -EOPNOTSUPP;
	return dev->be->klog_read(dev->priv, buf, len);
}

bool mc_dev_can_fault(const struct mc_dev *dev)
{
	return dev->be->fault != NULL;
}

int mc_fault(struct mc_dev *dev, enum mc_fault_kind kind, uint32_t arg)
{
	if (!dev->be->fault)
		return -EOPNOTSUPP;
	return dev->be->fault(dev->priv, kind, arg);
}

ssize_t mc_read_all(struct mc_dev *dev, int fd, size_t chunk, size_t limit, uint8_t **bufp,
		    bool *enomsg)
{
	size_t cap = chunk * 4, len = 0;
	uint8_t *buf = malloc(cap);

	if (enomsg)
		*enomsg = false;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + chunk > cap) {
			uint8_t *nb;

			cap = cap * 2 > len + chunk ? cap * 2 : len + chunk;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = mc_data_read(dev, fd, buf + len, chunk);
		if (n == -EINTR)
			continue;
		if (n == -ENOMSG && enomsg) {
			*enomsg = true;
			break;
		}
		if (n < 0) {
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > limit) {
			free(buf);
			return -EFBIG;
		}
	}
	*bufp = buf;
	return (ssize_t)len;
}

ssize_t mc_write_all(struct mc_dev *dev, int fd, const uint8_t *buf, size_t len, size_t chunk)
{
	size_t done = 0;

	while (done < len) {
		size_t want = len - done < chunk ? len - done : chunk;
		ssize_t n = mc_data_write(dev, fd, buf + done, want);

		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;	/* a write that accepts nothing would spin forever */
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int mc_data_rawfd(struct mc_dev *dev, int fd)
{
	if (!dev->be->data_rawfd)
		return -EOPNOTSUPP;
	return dev->be->data_rawfd(dev->priv, fd);
}

void mc_dev_op_begin(struct mc_dev *dev, const char *fmt, ...)
{
	char what[sizeof(dev->watch->op)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	op_begin(dev, "%s", what);
}

long mc_dev_op_end(struct mc_dev *dev, long rc)
{
	return op_end(dev, rc);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device layer: open by spec, forward every operation to the backend, keep the
 * watchdog slot current and a short log of operations as evidence for verdicts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "kcov_run.h"
#include "migcheck.h"
#include "model.h"
#include "util.h"

#define OPLOG_N 24
#define TEXT_LEN 96

/* What an operation was; op_format() turns a descriptor into its text. */
enum op_kind {
	OPK_NONE,
	OPK_TEXT,
	OPK_CLOSE_DEV,
	OPK_FEATURE,
	OPK_GET_FLAGS,
	OPK_GET_STATE,
	OPK_SET_STATE,
	OPK_DATA_SIZE,
	OPK_RESET,
	OPK_READ,
	OPK_WRITE,
	OPK_WRITEV,
	OPK_PREAD,
	OPK_LSEEK,
	OPK_IOCTL,
	OPK_POLL,
	OPK_CLOSE,
	OPK_PRECOPY,
	OPK_REGION_INFO,
	OPK_REGION_READ,
	OPK_REGION_WRITE,
	OPK_REMOVE,
};

struct oplog_entry {
	struct mc_op_desc d;
	long rc;
	int note_fd;	     /* SET: the data_fd handed over, or -1 */
	int note_state;	     /* GET state: the state read, or -1 */
	char text[TEXT_LEN]; /* OPK_TEXT only */
};

struct mc_dev {
	const struct mc_backend_ops *be;
	void *priv;
	char spec[256];
	struct mc_devspec ds; /* @spec parsed, for mc_dev_reopen() */
	struct mc_dev_ident ident;
	struct mc_watch *watch;
	struct mc_watch own_watch; /* used when no shared slot is attached */
	uint64_t last_op_ns;
	bool precise; /* time each operation (mc_dev_precise_timing) */
	struct oplog_entry oplog[OPLOG_N];
	unsigned oplog_next;
	unsigned oplog_count;
	char text[TEXT_LEN];	/* the pending OPK_TEXT operation */
	bool threaded;		/* mc_dev_threaded(): calls from several threads */
	pthread_mutex_t oplock; /* the operation log, when threaded */
};

static void op_format(const struct mc_op_desc *d, const char *text, char *buf, size_t len)
{
	unsigned long long a = d->a, b = d->b, c = d->c;

	switch (d->kind) {
	case OPK_TEXT: snprintf(buf, len, "%s", text); break;
	case OPK_CLOSE_DEV: snprintf(buf, len, "close device"); break;
	case OPK_FEATURE: snprintf(buf, len, "FEATURE argsz=%llu flags=%#llx", a, b); break;
	case OPK_GET_FLAGS: snprintf(buf, len, "GET MIGRATION"); break;
	case OPK_GET_STATE: snprintf(buf, len, "GET state"); break;
	case OPK_SET_STATE: snprintf(buf, len, "SET %s", mc_state_name((uint32_t)a)); break;
	case OPK_DATA_SIZE: snprintf(buf, len, "GET MIG_DATA_SIZE"); break;
	case OPK_RESET: snprintf(buf, len, "RESET"); break;
	case OPK_READ: snprintf(buf, len, "read(fd %d, %llu)", d->fd, a); break;
	case OPK_WRITE: snprintf(buf, len, "write(fd %d, %llu)", d->fd, a); break;
	case OPK_WRITEV: snprintf(buf, len, "writev(fd %d, %llu iovecs)", d->fd, a); break;
	case OPK_PREAD:
		snprintf(buf, len, "pread(fd %d, %llu, %lld)", d->fd, a, (long long)b);
		break;
	case OPK_LSEEK:
		snprintf(buf, len, "lseek(fd %d, %lld, %llu)", d->fd, (long long)a, b);
		break;
	case OPK_IOCTL: snprintf(buf, len, "ioctl(fd %d, %#llx)", d->fd, a); break;
	case OPK_POLL:
		snprintf(buf, len, "poll(fd %d, %#llx, %lld ms)", d->fd, a, (long long)b);
		break;
	case OPK_CLOSE: snprintf(buf, len, "close(fd %d)", d->fd); break;
	case OPK_PRECOPY: snprintf(buf, len, "PRECOPY_INFO(fd %d)", d->fd); break;
	case OPK_REGION_INFO: snprintf(buf, len, "REGION_INFO(%llu)", a); break;
	case OPK_REGION_READ: snprintf(buf, len, "region %llu read(%#llx, %llu)", a, b, c); break;
	case OPK_REGION_WRITE: snprintf(buf, len, "region %llu write(%#llx, %llu)", a, b, c); break;
	case OPK_REMOVE: snprintf(buf, len, "remove the device"); break;
	default: snprintf(buf, len, "none"); break;
	}
}

const char *mc_watch_op(struct mc_watch *w)
{
	/* OPK_TEXT operations leave their text in w->op already. */
	if (w->desc.kind != OPK_TEXT)
		op_format(&w->desc, "", w->op, sizeof(w->op));
	return w->op;
}

/* Name the operation in the watchdog slot before it runs: no formatting here. */
static void op_begin(struct mc_dev *dev, int kind, int fd, uint64_t a, uint64_t b, uint64_t c)
{
	struct mc_watch *w = dev->watch;

	w->desc = (struct mc_op_desc){ .kind = kind, .fd = fd, .a = a, .b = b, .c = c };
	/* The watchdog times operations by their number; a clock only when TIME asks. */
	if (dev->threaded) {
		/* A count of the operations in the device: one ending leaves the other timed. */
		__atomic_add_fetch(&w->seq, 1, __ATOMIC_RELEASE);
		__atomic_add_fetch(&w->in_device, 1, __ATOMIC_RELEASE);
		return;
	}
	w->seq++;
	if (dev->precise)
		w->op_start_ns = mc_now_ns();
	__atomic_store_n(&w->in_device, 1, __ATOMIC_RELEASE); /* after desc and seq */
}

/* Record the finished operation and its result in the log. */
static long op_end(struct mc_dev *dev, long rc)
{
	struct mc_watch *w = dev->watch;
	struct oplog_entry *e;

	if (dev->threaded) {
		pthread_mutex_lock(&dev->oplock);
		e = &dev->oplog[dev->oplog_next];
		e->d = w->desc;
		e->rc = rc;
		e->note_fd = e->note_state = -1;
		if (++dev->oplog_next == OPLOG_N)
			dev->oplog_next = 0;
		if (dev->oplog_count < OPLOG_N)
			dev->oplog_count++;
		pthread_mutex_unlock(&dev->oplock);
		__atomic_sub_fetch(&w->in_device, 1, __ATOMIC_RELEASE);
		return rc;
	}
	e = &dev->oplog[dev->oplog_next];
	__atomic_store_n(&w->in_device, 0, __ATOMIC_RELEASE);
	mc_kcov_case_fold(); /* the driver's coverage of the operation, on a KCOV kernel */
	if (dev->precise)
		dev->last_op_ns = mc_now_ns() - w->op_start_ns;
	e->d = w->desc;
	e->rc = rc;
	e->note_fd = e->note_state = -1;
	if (w->desc.kind == OPK_TEXT)
		memcpy(e->text, dev->text, sizeof(e->text));
	if (++dev->oplog_next == OPLOG_N) /* no division on the per-operation path */
		dev->oplog_next = 0;
	if (dev->oplog_count < OPLOG_N)
		dev->oplog_count++;
	return rc;
}

static struct oplog_entry *last_entry(struct mc_dev *dev)
{
	return &dev->oplog[(dev->oplog_next + OPLOG_N - 1) % OPLOG_N];
}

/*
 * The backends by spec kind; the last entry (kind NULL) takes every other kind (mdev:,
 * pci:, a /dev path). A new backend is a line here and its own file.
 */
static const struct {
	const char *kind;
	const struct mc_backend_ops *ops;
} backends[] = {
	{ "sim", &mc_sim_ops },
	{ NULL, &mc_kernel_ops },
};

/* The backend behind a parsed spec: one place decides, for devices and kernel logs. */
static const struct mc_backend_ops *backend_of(const struct mc_devspec *ds)
{
	size_t i = 0;

	while (backends[i].kind && strcmp(backends[i].kind, ds->kind))
		i++;
	return backends[i].ops;
}

const struct mc_backend_ops *mc_dev_backend_of(const struct mc_devspec *ds)
{
	return backend_of(ds);
}

void mc_dev_interpose(struct mc_dev *dev, const struct mc_backend_ops *be, void *priv,
		      const struct mc_backend_ops **old_be, void **old_priv)
{
	*old_be = dev->be;
	*old_priv = dev->priv;
	dev->be = be;
	dev->priv = priv;
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
	dev->be = backend_of(&ds);
	dev->ds = ds;
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
	op_begin(dev, OPK_CLOSE_DEV, -1, 0, 0, 0);
	dev->be->close(dev->priv);
	op_end(dev, 0);
	mc_dev_threaded(dev, false);
	free(dev);
}

int mc_dev_reopen(struct mc_dev **devp, char *err, size_t errlen)
{
	struct mc_dev *dev = *devp;
	int rc;

	op_begin(dev, OPK_CLOSE_DEV, -1, 0, 0, 0);
	dev->be->close(dev->priv);
	op_end(dev, 0);
	dev->be = backend_of(&dev->ds); /* not an interposed one: it closed with its handle */
	rc = dev->be->open(&dev->ds, &dev->priv, err, errlen);
	if (rc) {
		free(dev);
		*devp = NULL;
		return rc;
	}
	mc_dev_oplog_clear(dev);
	return 0;
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
		const struct oplog_entry *e = &dev->oplog[(first + i) % OPLOG_N];
		char what[160], note[48] = "";
		int n;

		op_format(&e->d, e->text, what, sizeof(what));
		if (e->note_state >= 0)
			snprintf(note, sizeof(note), " (%s)",
				 mc_state_name((uint32_t)e->note_state));
		else if (e->note_fd >= 0)
			snprintf(note, sizeof(note), " fd=%d", e->note_fd);
		if (e->rc < 0)
			n = snprintf(buf + used, len - used, "%s = %s%s\n", what,
				     mc_errno_name((int)e->rc), note);
		else
			n = snprintf(buf + used, len - used, "%s = %ld%s\n", what, e->rc, note);
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

void mc_dev_threaded(struct mc_dev *dev, bool on)
{
	if (on && !dev->threaded)
		pthread_mutex_init(&dev->oplock, NULL);
	else if (!on && dev->threaded)
		pthread_mutex_destroy(&dev->oplock);
	dev->threaded = on;
}

void mc_dev_precise_timing(struct mc_dev *dev, bool on)
{
	dev->precise = on;
	dev->last_op_ns = 0;
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
	op_begin(dev, OPK_FEATURE, -1, buflen >= 4 ? hdr.argsz : 0, buflen >= 8 ? hdr.flags : 0, 0);
	return (int)op_end(dev, dev->be->feature(dev->priv, buf, buflen));
}

/* A well-formed GET/SET of feature @index with @len payload bytes at @payload. */
static int feature_call(struct mc_dev *dev, int kind, uint64_t arg, uint32_t flags, void *payload,
			size_t len)
{
	uint64_t buf[8];
	struct vfio_device_feature *hdr = (void *)buf;
	int rc;

	hdr->argsz = (uint32_t)(sizeof(*hdr) + len);
	hdr->flags = flags;
	memcpy(hdr->data, payload, len);
	op_begin(dev, kind, -1, arg, 0, 0);
	rc = (int)op_end(dev, dev->be->feature(dev->priv, buf, sizeof(*hdr) + len));
	memcpy(payload, hdr->data, len);
	return rc;
}

int mc_get_flags(struct mc_dev *dev, uint64_t *flags)
{
	struct vfio_device_feature_migration mig = { 0 };
	int rc = feature_call(dev, OPK_GET_FLAGS, 0,
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION, &mig,
			      sizeof(mig));

	if (!rc)
		*flags = mig.flags;
	return rc;
}

int mc_get_state(struct mc_dev *dev, uint32_t *state)
{
	struct vfio_device_feature_mig_state st = { .device_state = ~0u, .data_fd = -1 };
	int rc = feature_call(dev, OPK_GET_STATE, 0,
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
			      sizeof(st));

	if (!rc) {
		if (!dev->threaded)
			last_entry(dev)->note_state = (int)(st.device_state & 0x7fffffff);
		*state = st.device_state;
	}
	return rc;
}

int mc_set_state(struct mc_dev *dev, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state st = { .device_state = state, .data_fd = -1 };
	int rc;

	rc = feature_call(dev, OPK_SET_STATE, state,
			  VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st,
			  sizeof(st));
	/* The kernel writes data_fd back even on failure; only a success hands one over. */
	if (rc || st.data_fd < 0)
		st.data_fd = -1;
	else if (dev->oplog_count && !dev->threaded) /* the last may be another thread's */
		last_entry(dev)->note_fd = st.data_fd;
	if (data_fd)
		*data_fd = st.data_fd;
	else if (st.data_fd >= 0)
		mc_data_close(dev, st.data_fd);
	return rc;
}

int mc_get_data_size(struct mc_dev *dev, uint64_t *len)
{
	struct vfio_device_feature_mig_data_size ds = { 0 };
	int rc = feature_call(dev, OPK_DATA_SIZE, 0,
			      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &ds,
			      sizeof(ds));

	if (!rc)
		*len = ds.stop_copy_length;
	return rc;
}

int mc_reset(struct mc_dev *dev)
{
	op_begin(dev, OPK_RESET, -1, 0, 0, 0);
	return (int)op_end(dev, dev->be->reset(dev->priv));
}

ssize_t mc_data_read(struct mc_dev *dev, int fd, void *buf, size_t len)
{
	op_begin(dev, OPK_READ, fd, len, 0, 0);
	return op_end(dev, dev->be->data_read(dev->priv, fd, buf, len));
}

ssize_t mc_data_write(struct mc_dev *dev, int fd, const void *buf, size_t len)
{
	op_begin(dev, OPK_WRITE, fd, len, 0, 0);
	return op_end(dev, dev->be->data_write(dev->priv, fd, buf, len));
}

ssize_t mc_data_writev(struct mc_dev *dev, int fd, const struct iovec *iov, int iovcnt)
{
	op_begin(dev, OPK_WRITEV, fd, (uint64_t)iovcnt, 0, 0);
	return op_end(dev, dev->be->data_writev(dev->priv, fd, iov, iovcnt));
}

ssize_t mc_data_pread(struct mc_dev *dev, int fd, void *buf, size_t len, off_t off)
{
	op_begin(dev, OPK_PREAD, fd, len, (uint64_t)off, 0);
	return op_end(dev, dev->be->data_pread(dev->priv, fd, buf, len, off));
}

off_t mc_data_lseek(struct mc_dev *dev, int fd, off_t off, int whence)
{
	op_begin(dev, OPK_LSEEK, fd, (uint64_t)off, (uint64_t)whence, 0);
	return op_end(dev, dev->be->data_lseek(dev->priv, fd, off, whence));
}

int mc_data_ioctl(struct mc_dev *dev, int fd, unsigned long cmd, void *arg)
{
	op_begin(dev, OPK_IOCTL, fd, cmd, 0, 0);
	return (int)op_end(dev, dev->be->data_ioctl(dev->priv, fd, cmd, arg));
}

int mc_data_poll(struct mc_dev *dev, int fd, short events, int timeout_ms)
{
	op_begin(dev, OPK_POLL, fd, (uint16_t)events, (uint64_t)timeout_ms, 0);
	return (int)op_end(dev, dev->be->data_poll(dev->priv, fd, events, timeout_ms));
}

int mc_data_close(struct mc_dev *dev, int fd)
{
	if (fd < 0)
		return 0;
	op_begin(dev, OPK_CLOSE, fd, 0, 0, 0);
	return (int)op_end(dev, dev->be->data_close(dev->priv, fd));
}

int mc_precopy_info(struct mc_dev *dev, int fd, struct vfio_precopy_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	op_begin(dev, OPK_PRECOPY, fd, 0, 0, 0);
	return (int)op_end(dev,
			   dev->be->data_ioctl(dev->priv, fd, VFIO_MIG_GET_PRECOPY_INFO, info));
}

int mc_region_info(struct mc_dev *dev, uint32_t index, struct vfio_region_info *ri)
{
	op_begin(dev, OPK_REGION_INFO, -1, index, 0, 0);
	return (int)op_end(dev, dev->be->region_info(dev->priv, index, ri));
}

ssize_t mc_region_read(struct mc_dev *dev, uint32_t index, uint64_t off, void *buf, size_t len)
{
	op_begin(dev, OPK_REGION_READ, -1, index, off, len);
	return op_end(dev, dev->be->region_read(dev->priv, index, off, buf, len));
}

ssize_t mc_region_write(struct mc_dev *dev, uint32_t index, uint64_t off, const void *buf,
			size_t len)
{
	op_begin(dev, OPK_REGION_WRITE, -1, index, off, len);
	return op_end(dev, dev->be->region_write(dev->priv, index, off, buf, len));
}

ssize_t mc_klog_read(struct mc_dev *dev, char *buf, size_t len)
{
	if (!dev->be->klog_read)
		return -EOPNOTSUPP;
	return dev->be->klog_read(dev->priv, buf, len);
}

int mc_klog_skip(struct mc_dev *dev)
{
	char buf[4096];
	ssize_t n;

	if (dev->be->klog_skip)
		return dev->be->klog_skip(dev->priv);
	while ((n = mc_klog_read(dev, buf, sizeof(buf))) > 0)
		;
	return n < 0 ? (int)n : 0;
}

struct mc_klog {
	const struct mc_backend_ops *be;
	void *rd;
};

int mc_klog_open(const char *spec, struct mc_klog **klp, char *err, size_t errlen)
{
	struct mc_devspec ds;
	struct mc_klog *kl;
	int rc;

	*klp = NULL;
	rc = mc_devspec_parse(spec, &ds, err, errlen);
	if (rc)
		return rc;
	if (!backend_of(&ds)->log_open) {
		snprintf(err, errlen, "%s: the backend has no kernel log", spec);
		return -EOPNOTSUPP;
	}
	kl = calloc(1, sizeof(*kl));
	if (!kl) {
		snprintf(err, errlen, "%s: out of memory", spec);
		return -ENOMEM;
	}
	kl->be = backend_of(&ds);
	rc = kl->be->log_open(&ds, &kl->rd, err, errlen);
	if (rc) {
		free(kl);
		return rc;
	}
	*klp = kl;
	return 0;
}

ssize_t mc_klog_next(struct mc_klog *kl, char *buf, size_t len)
{
	return kl->be->log_read(kl->rd, buf, len);
}

ssize_t mc_klog_leaks(struct mc_klog *kl, char *buf, size_t len)
{
	if (!kl->be->log_leaks)
		return -ENOENT;
	return kl->be->log_leaks(kl->rd, buf, len);
}

void mc_klog_mark(struct mc_klog *kl, const char *text)
{
	if (kl->be->log_mark)
		kl->be->log_mark(kl->rd, text);
}

void mc_klog_close(struct mc_klog *kl)
{
	if (!kl)
		return;
	kl->be->log_close(kl->rd);
	free(kl);
}

int mc_dev_remove(struct mc_dev *dev, char *err, size_t errlen)
{
	if (!dev->be->remove) {
		snprintf(err, errlen, "the %s backend cannot remove a device", dev->be->name);
		return -EOPNOTSUPP;
	}
	op_begin(dev, OPK_REMOVE, -1, 0, 0, 0);
	return (int)op_end(dev, dev->be->remove(dev->priv, err, errlen));
}

int mc_dev_precopy_reinit(struct mc_dev *dev, bool dry)
{
	uint8_t le[8];
	uint64_t off, val;
	uint32_t index;
	ssize_t n;

	if (!dev->be->reinit_reg)
		return -EOPNOTSUPP;
	if (dry)
		return 0;
	dev->be->reinit_reg(dev->priv, &index, &off, &val);
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(val >> (8 * i));
	n = mc_region_write(dev, index, off, le, sizeof(le));
	return n < 0 ? (int)n : n == sizeof(le) ? 0 : -EIO;
}

long mc_dev_stream_bounds(struct mc_dev *dev, const uint8_t *s, size_t len, uint64_t *out,
			  size_t max)
{
	if (!dev->be->stream_bounds)
		return -EOPNOTSUPP;
	return dev->be->stream_bounds(dev->priv, s, len, out, max);
}

int mc_dev_rawfd(struct mc_dev *dev)
{
	return dev->be->dev_rawfd ? dev->be->dev_rawfd(dev->priv) : -EOPNOTSUPP;
}

unsigned mc_dev_fault_kinds(const struct mc_dev *dev, char *why, size_t len)
{
	char own[96];

	if (!why || !len) {
		why = own;
		len = sizeof(own);
	}
	why[0] = '\0';
	if (!dev->be->fault || !dev->be->fault_kinds) {
		snprintf(why, len, "the %s backend cannot inject faults", dev->be->name);
		return 0;
	}
	return dev->be->fault_kinds(dev->priv, why, len);
}

bool mc_dev_can_fault(const struct mc_dev *dev)
{
	return mc_dev_fault_kinds(dev, NULL, 0) != 0;
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
			return -EIO; /* a write that accepts nothing would spin forever */
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
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->text, sizeof(dev->text), fmt, ap);
	va_end(ap);
	/* The watchdog's reader finds the text in place. */
	snprintf(dev->watch->op, sizeof(dev->watch->op), "%s", dev->text);
	op_begin(dev, OPK_TEXT, -1, 0, 0, 0);
}

long mc_dev_op_end(struct mc_dev *dev, long rc)
{
	return op_end(dev, rc);
}

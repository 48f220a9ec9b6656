// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated device backend (mc_sim_ops): an in-process reference device that
 * implements the VFIO migration v2 uAPI exactly, for flag sets 1, 3, 5 and 7, with
 * injectable defects. This file holds the spec parameters, open/close, reset, faults and
 * the data fd operations (VFS behaviour of SPEC §7.2). sim_core.c: the feature ioctl;
 * sim_stream.c: the stream; sim_log.c: regions and DMA logging.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mc_uapi.h"
#include "model.h"
#include "num.h"
#include "sim.h"

#define offsetofend(T, m) (offsetof(T, m) + sizeof(((T *)0)->m))

#define DEFAULT_ID 0x4d430001u
#define DEFAULT_MEM 65536u
#define TASK_SIZE_MAX 0x00007ffffffff000ull /* x86-64 access_ok() limit */
#define MAX_RW_COUNT (0x7fffffffu & ~(MC_SIM_PAGE - 1))
#define SEEK_MAX_WHENCE 4 /* SEEK_HOLE */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static const struct mc_sim_defect defects[] = {
#define MC_SIM_X_ROW(e, n, d, c) \
	[MC_SIM_DEFECT_IDX_##e] = { .name = n, .description = d, .clauses = c, .run_opts = "" },
	MC_SIM_DEFECT_LIST(MC_SIM_X_ROW)
#undef MC_SIM_X_ROW
};

const struct mc_sim_defect *mc_sim_defects(int *n)
{
	*n = MC_SIM_NDEFECTS;
	return defects;
}

static const struct mc_sim_defect variants[] = {
#define MC_SIM_X_ROW(e, n, d, c) \
	[MC_SIM_VARIANT_IDX_##e] = { .name = n, .description = d, .clauses = "", .run_opts = c },
	MC_SIM_VARIANT_LIST(MC_SIM_X_ROW)
#undef MC_SIM_X_ROW
};

const struct mc_sim_defect *mc_sim_variants(int *n)
{
	*n = MC_SIM_NVARIANTS;
	return variants;
}

/* ------------------------------------------------------------------ open / close */

_Static_assert(MC_SIM_NDEFECTS <= 64 * MC_SIM_DEFECT_WORDS, "the defect mask is too small");
_Static_assert(MC_SIM_NVARIANTS <= 32, "the variant mask is 32 bits");

/* "a+b+c" over table @tab of @n names into bits of @mask (n / 64 + 1 words). */
static int parse_names(const char *val, const struct mc_sim_defect *tab, int n, const char *what,
		       uint64_t *mask, char *err, size_t errlen)
{
	char buf[sizeof(((struct mc_devspec *)0)->params[0].val)], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", val);
	for (char *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		int i;

		for (i = 0; i < n && strcmp(tok, tab[i].name); i++)
			;
		if (i == n) {
			snprintf(err, errlen,
				 "sim: unknown %s '%s' (`migcheck defects` lists the %d %ss)", what,
				 tok, n, what);
			return -EINVAL;
		}
		mask[i / 64] |= 1ull << (i % 64);
	}
	return 0;
}

/* Read sim:k=v parameters into @dev; one line into @err on failure. */
static int parse_spec(const struct mc_devspec *spec, struct mc_sim_dev *dev, char *err,
		      size_t errlen)
{
	static const char *const keys[] = { "flags", "defect", "id", "mem", "seed", "variant" };
	uint64_t vmask = 0;
	uint64_t v;

	if (strcmp(spec->kind, "sim")) {
		snprintf(err, errlen, "sim: device spec kind is '%s', not 'sim'", spec->kind);
		return -EINVAL;
	}
	for (int i = 0; i < spec->nparams; i++) {
		const char *k = spec->params[i].key;
		size_t j;

		for (j = 0; j < sizeof(keys) / sizeof(keys[0]) && strcmp(k, keys[j]); j++)
			;
		if (j == sizeof(keys) / sizeof(keys[0])) {
			snprintf(
				err, errlen,
				"sim: unknown parameter '%s' (valid: flags, defect, variant, id, mem, seed)",
				k);
			return -EINVAL;
		}
	}
	dev->flags = 7;
	dev->id = DEFAULT_ID;
	dev->mem_size = DEFAULT_MEM;
	dev->seed = 1;
	if (mc_devspec_get(spec, "variant")) {
		if (parse_names(mc_devspec_get(spec, "variant"), variants, MC_SIM_NVARIANTS,
				"variant", &vmask, err, errlen))
			return -EINVAL;
		dev->variants = (uint32_t)vmask;
		if (MC_SIM_IS(dev, BIG_STATE))
			dev->mem_size = 1u << 20;
	}
	if (mc_devspec_get(spec, "flags")) {
		if (mc_num_u64(mc_devspec_get(spec, "flags"), &v) || !mc_model_flags_valid(v)) {
			snprintf(err, errlen, "sim: flags=%s is not one of 1, 3, 5, 7",
				 mc_devspec_get(spec, "flags"));
			return -EINVAL;
		}
		dev->flags = v;
	}
	if (mc_devspec_get(spec, "id")) {
		if (mc_num_u64(mc_devspec_get(spec, "id"), &v) || v > UINT32_MAX) {
			snprintf(err, errlen, "sim: id=%s is not a 32-bit number",
				 mc_devspec_get(spec, "id"));
			return -EINVAL;
		}
		dev->id = (uint32_t)v;
	}
	if (mc_devspec_get(spec, "mem")) {
		if (mc_num_parse(mc_devspec_get(spec, "mem"), MC_NUM_SIZE, MC_SIM_PAGE, 1ull << 44,
				 &v) ||
		    v % MC_SIM_PAGE) {
			snprintf(
				err, errlen,
				"sim: mem=%s must be a multiple of 4096, at least 4096 and at most 16384g "
				"(suffixes k, m, g)",
				mc_devspec_get(spec, "mem"));
			return -EINVAL;
		}
		dev->mem_size = v;
	}
	if (mc_devspec_get(spec, "seed") && mc_num_u64(mc_devspec_get(spec, "seed"), &dev->seed)) {
		snprintf(err, errlen, "sim: seed=%s is not a number", mc_devspec_get(spec, "seed"));
		return -EINVAL;
	}
	if (mc_devspec_get(spec, "defect"))
		return parse_names(mc_devspec_get(spec, "defect"), defects, MC_SIM_NDEFECTS,
				   "defect", dev->defects, err, errlen);
	return 0;
}

/*
 * Driver state that outlives the device fd, keyed by device id, for this process: the
 * sessions a close leaked (defect close_leaks_session), the opt-ins v2_survives_close
 * keeps, and the devices that loaded a stream (defect reopen_skips_load), as a driver's
 * per-device state outlives the fd.
 */
struct id_set {
	uint32_t ids[16];
	int n;
};
static pthread_mutex_t leak_lock = PTHREAD_MUTEX_INITIALIZER;
static struct id_set leaked, loaded, kept_v2;

/* Whether @set holds @id; with @add, it does afterwards (while there is room). */
static bool id_set_has(struct id_set *set, uint32_t id, bool add)
{
	bool found = false;

	pthread_mutex_lock(&leak_lock);
	for (int i = 0; i < set->n && !found; i++)
		found = set->ids[i] == id;
	if (!found && add && set->n < (int)(sizeof(set->ids) / sizeof(set->ids[0])))
		set->ids[set->n++] = id;
	pthread_mutex_unlock(&leak_lock);
	return found;
}

void mc_sim_loaded_mark(uint32_t id)
{
	id_set_has(&loaded, id, true);
}

/* Whether @id loaded a stream in this process (mc_sim_loaded_mark), with any device fd. */
static bool mc_sim_loaded_find(uint32_t id)
{
	return id_set_has(&loaded, id, false);
}

/* Append one line to the simulated kernel log (dropped on ENOMEM). */
__attribute__((format(printf, 2, 3))) static void mc_sim_printk(struct mc_sim_dev *dev,
								const char *fmt, ...)
{
	va_list ap;

	(void)dev; /* one kernel log for every device of the machine */
	va_start(ap, fmt);
	mc_sim_kernel_vprintk(fmt, ap);
	va_end(ap);
}

static void sim_close(void *priv)
{
	struct mc_sim_dev *dev = priv;

	if (!dev)
		return;
	if (MC_SIM_HAS(dev, CLOSE_LEAKS_SESSION) && !dev->removed && (dev->save || dev->resume))
		id_set_has(&leaked, dev->id, true);
	if (MC_SIM_HAS(dev, V2_SURVIVES_CLOSE) && dev->precopy_v2)
		id_set_has(&kept_v2, dev->id, true); /* the core clears it at the last close */
	for (size_t i = 0; i < dev->nfds; i++)
		close(dev->fds[i].fd);
	free(dev->fds);
	mc_sim_end_save(dev);
	mc_sim_end_resume(dev);
	mc_sim_log_reset(dev);
	mc_sim_save_free(dev->zombie);
	free(dev->mem);
	free(dev->mem_spare);
	free(dev->born);
	pthread_mutex_destroy(&dev->reset_lock);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

static int sim_open(const struct mc_devspec *spec, void **priv, char *err, size_t errlen)
{
	struct mc_sim_dev *dev = calloc(1, sizeof(*dev));
	int ret;

	*priv = NULL;
	if (!dev) {
		snprintf(err, errlen, "sim: out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->reset_lock, NULL);
	dev->owner = pthread_self();
	ret = parse_spec(spec, dev, err, errlen);
	if (ret)
		goto out_close;
	dev->npages = dev->mem_size / MC_SIM_PAGE;
	/*
	 * Not cleared: every page is generated on its first touch (mc_sim_page), so no byte
	 * is read before it is written. A calloc here was a 64 KiB memset on every open, which
	 * the fuzz targets do for every input (most of the ASan build's device time).
	 */
	dev->mem = malloc(dev->mem_size);
	dev->born = calloc((dev->npages + 63) / 64, sizeof(uint64_t));
	if (!dev->mem || !dev->born) {
		snprintf(err, errlen, "sim: cannot allocate %" PRIu64 " bytes of device memory",
			 dev->mem_size);
		ret = -ENOMEM;
		goto out_close;
	}
	mc_sim_cfg_init(dev);
	dev->state = dev->prev_state = VFIO_DEVICE_STATE_RUNNING;
	dev->leaked = MC_SIM_HAS(dev, CLOSE_LEAKS_SESSION) && id_set_has(&leaked, dev->id, false);
	dev->precopy_v2 = MC_SIM_HAS(dev, V2_SURVIVES_CLOSE) &&
			  id_set_has(&kept_v2, dev->id, false);
	dev->skip_load = MC_SIM_HAS(dev, REOPEN_SKIPS_LOAD) && mc_sim_loaded_find(dev->id);
	dev->klog_pos = mc_sim_kernel_tail();
	if (!mc_sim_kernel_open() && MC_SIM_HAS(dev, WARN_ON_FIRST_OPEN))
		mc_sim_printk(
			dev,
			"WARNING: CPU: 0 PID: %d at drivers/vfio/sim/sim.c:%d sim_open+0x5c/0x120 [sim]",
			(int)getpid(), __LINE__);
	*priv = dev;
	return 0;
out_close:
	sim_close(dev);
	return ret;
}

static void sim_ident(void *priv, struct mc_dev_ident *id)
{
	struct mc_sim_dev *dev = priv;

	memset(id, 0, sizeof(*id));
	snprintf(id->driver, sizeof(id->driver), "sim");
	snprintf(id->type, sizeof(id->type), "sim-id%08x-flags%" PRIu64, dev->id, dev->flags);
	snprintf(id->path, sizeof(id->path), "sim");
	snprintf(id->access, sizeof(id->access), "in-process");
}

/* ------------------------------------------------------------------ device ops */

/* With dev->lock held: note a call from a thread other than the opener's. */
static void sim_enter(struct mc_sim_dev *dev)
{
	if (!dev->mt && !pthread_equal(pthread_self(), dev->owner))
		dev->mt = true;
}

/*
 * The race defects' window: true once per device, for the first call that could race
 * (the device is used from two threads). The caller sleeps RACE_WINDOW_US in the
 * critical section it breaks, so the other thread's call lands there every run.
 */
#define RACE_WINDOW_US 200000
static bool race_window(struct mc_sim_dev *dev)
{
	if (!dev->mt || dev->race_done)
		return false;
	dev->race_done = true;
	return true;
}

/* Whether @buf is a SET of MIG_DEVICE_STATE (the header as the caller gave it). */
static bool is_set_state(const void *buf, size_t buflen)
{
	struct vfio_device_feature hdr;

	if (!buf || buflen < sizeof(hdr))
		return false;
	memcpy(&hdr, buf, sizeof(hdr));
	return (hdr.flags & VFIO_DEVICE_FEATURE_MASK) == VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE &&
	       (hdr.flags & VFIO_DEVICE_FEATURE_SET) && !(hdr.flags & VFIO_DEVICE_FEATURE_PROBE);
}

static int sim_feature(void *priv, void *buf, size_t buflen)
{
	struct mc_sim_dev *dev = priv;
	int ret;

	pthread_mutex_lock(&dev->lock);
	sim_enter(dev);
	ret = mc_sim_feature(dev, buf, buflen);
	/*
	 * Defect reset_during_set_deadlock: before the state lock goes, look for a reset
	 * deferred by a RESET that came meanwhile, under the reset lock, which RESET takes
	 * first: the wrong order. The window before it is widened once.
	 */
	if (MC_SIM_HAS(dev, RESET_DURING_SET_DEADLOCK) && is_set_state(buf, buflen)) {
		if (race_window(dev))
			usleep(RACE_WINDOW_US);
		pthread_mutex_lock(&dev->reset_lock);
		pthread_mutex_unlock(&dev->reset_lock);
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

static int sim_reset(void *priv)
{
	struct mc_sim_dev *dev = priv;
	bool deadlock = MC_SIM_HAS(dev, RESET_DURING_SET_DEADLOCK);

	if (deadlock)
		pthread_mutex_lock(&dev->reset_lock);
	pthread_mutex_lock(&dev->lock);
	sim_enter(dev);
	if (!MC_SIM_HAS(dev, ERROR_STICKY) || dev->state != VFIO_DEVICE_STATE_ERROR)
		dev->state = VFIO_DEVICE_STATE_RUNNING;
	/* Defect reset_midstream_keeps_fd: a session whose stream is partly read stays. */
	if (!MC_SIM_HAS(dev, RESET_KEEPS_SESSION) &&
	    !(MC_SIM_HAS(dev, RESET_MIDSTREAM_KEEPS_FD) && dev->save && dev->save->pos))
		mc_sim_end_save(dev);
	if (!MC_SIM_HAS(dev, RESUME_RESET_KEEPS_FD))
		mc_sim_end_resume(dev);
	mc_sim_log_reset(dev);
	dev->stale_pending = false;
	dev->regs_restored = false;
	dev->prev_state = VFIO_DEVICE_STATE_RUNNING;
	pthread_mutex_unlock(&dev->lock);
	if (deadlock)
		pthread_mutex_unlock(&dev->reset_lock);
	return 0;
}

/* The simulated kernel log from where it stood when the device was opened. */
static ssize_t sim_klog_read(void *priv, char *buf, size_t len)
{
	struct mc_sim_dev *dev = priv;

	return mc_sim_kernel_read(&dev->klog_pos, buf, len);
}

/* The machine's kernel log for a run's parent, from its end now (no device opened). */
static int sim_log_open(const struct mc_devspec *spec, void **rd, char *err, size_t errlen)
{
	uint64_t *pos = malloc(sizeof(*pos));
	char scratch[256];

	(void)spec;
	if (!pos || mc_sim_kernel_init()) {
		free(pos);
		snprintf(err, errlen, "sim: the simulated kernel log: out of memory");
		return -ENOMEM;
	}
	/* What kmemleak held before the run is none of its business (as kernel_log_open). */
	mc_sim_kernel_leak_scan(scratch, sizeof(scratch));
	*pos = mc_sim_kernel_tail();
	*rd = pos;
	return 0;
}

static ssize_t sim_log_read(void *rd, char *buf, size_t len)
{
	return mc_sim_kernel_read(rd, buf, len);
}

static ssize_t sim_log_leaks(void *rd, char *buf, size_t len)
{
	(void)rd;
	return mc_sim_kernel_leak_scan(buf, len);
}

/*
 * ROB-03: the device fd is closed (close_device disables the data files) and the device
 * is removed. The fds stay in the table so the caller can try them.
 */
static int sim_remove(void *priv, char *err, size_t errlen)
{
	struct mc_sim_dev *dev = priv;

	(void)err;
	(void)errlen;
	pthread_mutex_lock(&dev->lock);
	if (!MC_SIM_HAS(dev, FD_OUTLIVES_DEVICE))
		mc_sim_end_save(dev);
	mc_sim_end_resume(dev);
	dev->removed = true;
	dev->state = VFIO_DEVICE_STATE_RUNNING;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static void sim_reinit_reg(void *priv, uint32_t *index, uint64_t *off, uint64_t *val)
{
	(void)priv;
	*index = 1;
	*off = MC_SIM_REG_REINIT;
	*val = 1;
}

/* The simulated device's stream format is the same for every device: sim_stream.c. */
static long sim_stream_bounds(void *priv, const uint8_t *s, size_t len, uint64_t *out, size_t max)
{
	(void)priv;
	return mc_sim_stream_bounds(s, len, out, max);
}

static unsigned sim_fault_kinds(void *priv, char *why, size_t len)
{
	const struct mc_sim_dev *dev = priv;

	(void)why;
	(void)len;
	return MC_SIM_IS(dev, ALLOC_FAULTS) ? MC_FAULT_ALLOC_KINDS : MC_FAULT_ARC_KINDS;
}

static int sim_fault(void *priv, enum mc_fault_kind kind, uint32_t arg)
{
	struct mc_sim_dev *dev = priv;
	bool alloc = MC_SIM_IS(dev, ALLOC_FAULTS);
	int ret;

	if (kind != MC_FAULT_NONE &&
	    ((unsigned)kind >= 32 || !(MC_FAULT_BIT(kind) & sim_fault_kinds(dev, NULL, 0))))
		return -EINVAL;
	if (!alloc && kind != MC_FAULT_NONE &&
	    (arg >> 16 || (arg >> 8) >= MC_NSTATES || (arg & 0xff) >= MC_NSTATES))
		return -EINVAL;
	if (kind == MC_FAULT_ALLOC_NTH && !arg)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	/* armed and never fired (its arc never taken, fewer allocations); or the count */
	ret = dev->fault == MC_FAULT_ALLOC_COUNT ? (int)dev->alloc_seen :
						   dev->fault != MC_FAULT_NONE;
	dev->fault = kind;
	dev->fault_arc = arg;
	dev->alloc_left = arg;
	dev->alloc_seen = 0;
	pthread_mutex_unlock(&dev->lock);
	return kind == MC_FAULT_NONE ? ret : 0;
}

/* ------------------------------------------------------------------ data fds */

static struct mc_sim_fd *fd_find(struct mc_sim_dev *dev, int fd)
{
	for (size_t i = 0; i < dev->nfds; i++)
		if (dev->fds[i].fd == fd)
			return &dev->fds[i];
	return NULL;
}

static struct mc_sim_save *fd_save(struct mc_sim_dev *dev, const struct mc_sim_fd *e)
{
	return dev->save && e->sess == dev->save->id ? dev->save : NULL;
}

static struct mc_sim_resume *fd_resume(struct mc_sim_dev *dev, const struct mc_sim_fd *e)
{
	return dev->resume && e->sess == dev->resume->id ? dev->resume : NULL;
}

/* vfs_read()/vfs_write() checks before the file op: direction, access_ok(), count. */
static int vfs_rw_check(struct mc_sim_dev *dev, int fd, enum mc_sim_fd_kind kind, const void *buf,
			size_t *len, struct mc_sim_fd **e)
{
	*e = fd_find(dev, fd);
	if (!*e || (*e)->kind != kind)
		return -EBADF;
	if ((uintptr_t)buf + *len < (uintptr_t)buf || (uintptr_t)buf + *len > TASK_SIZE_MAX)
		return -EFAULT;
	if (*len > MAX_RW_COUNT)
		*len = MAX_RW_COUNT;
	return 0;
}

/*
 * Defect set_read_race, with dev->lock held and released: the read drops the lock around
 * a (widened) window and then stores its stale copy of the session's state back, which
 * revives the session a SET ended meanwhile. 0, or -EBADF when the fd went away.
 */
static int read_race(struct mc_sim_dev *dev, int fd)
{
	struct mc_sim_fd *e = fd_find(dev, fd);
	uint64_t sess = e ? e->sess : 0;

	pthread_mutex_unlock(&dev->lock);
	usleep(RACE_WINDOW_US);
	pthread_mutex_lock(&dev->lock);
	if (!dev->save && dev->zombie && dev->zombie->id == sess) {
		dev->save = dev->zombie;
		dev->zombie = NULL;
	}
	return fd_find(dev, fd) ? 0 : -EBADF;
}

/*
 * Defect shared_fd_double_serve: the read copies first and moves the position after,
 * outside the lock; a reader arriving in between is served the same bytes (dup_buf).
 */
static ssize_t read_double_serve(struct mc_sim_dev *dev, struct mc_sim_save *s, void *buf,
				 size_t len)
{
	ssize_t ret = mc_sim_save_read(dev, s, buf, len < MC_SIM_PAGE ? len : MC_SIM_PAGE);

	if (ret <= 0)
		return ret;
	memcpy(dev->dup_buf, buf, (size_t)ret);
	dev->dup_len = (size_t)ret;
	dev->dup_pending = true;
	pthread_mutex_unlock(&dev->lock);
	usleep(RACE_WINDOW_US);
	pthread_mutex_lock(&dev->lock);
	dev->dup_pending = false;
	return ret;
}

static ssize_t sim_data_read(void *priv, int fd, void *buf, size_t len)
{
	struct mc_sim_dev *dev = priv;
	struct mc_sim_fd *e;
	ssize_t ret;

	pthread_mutex_lock(&dev->lock);
	sim_enter(dev);
	ret = vfs_rw_check(dev, fd, MC_SIM_FD_SAVE, buf, &len, &e);
	if (MC_SIM_IS(dev, SHORT_READS) && len > 100)
		len = 100;
	if (!ret && MC_SIM_HAS(dev, SAVE_THREAD_BOUND) &&
	    dev->state == VFIO_DEVICE_STATE_STOP_COPY &&
	    !pthread_equal(pthread_self(), dev->stopcopy_thread))
		ret = -EINVAL;
	if (!ret && dev->dup_pending) {
		ret = (ssize_t)(len < dev->dup_len ? len : dev->dup_len);
		ret = mc_sim_uwrite(buf, dev->dup_buf, (size_t)ret) ? -EFAULT : ret;
		pthread_mutex_unlock(&dev->lock);
		return ret;
	}
	if (!ret && MC_SIM_HAS(dev, SET_READ_RACE) && fd_save(dev, e) && race_window(dev)) {
		ret = read_race(dev, fd);
		e = fd_find(dev, fd);
	}
	if (!ret && !fd_save(dev, e))
		ret = -ENODEV;
	else if (!ret && MC_SIM_HAS(dev, SHARED_FD_DOUBLE_SERVE) && race_window(dev))
		ret = read_double_serve(dev, fd_save(dev, e), buf, len);
	else if (!ret)
		ret = mc_sim_save_read(dev, fd_save(dev, e), buf, len);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

/* Defect resume_fd_readable: a read op on the resume file that returns 0. */
static ssize_t sim_data_read_any(void *priv, int fd, void *buf, size_t len)
{
	struct mc_sim_dev *dev = priv;
	struct mc_sim_fd *e;
	bool resume_fd;

	if (MC_SIM_HAS(dev, RESUME_FD_READABLE)) {
		/* The kind is read under the lock: another thread may grow the table. */
		pthread_mutex_lock(&dev->lock);
		e = fd_find(dev, fd);
		resume_fd = e && e->kind == MC_SIM_FD_RESUME;
		pthread_mutex_unlock(&dev->lock);
		if (resume_fd)
			return 0;
	}
	return sim_data_read(priv, fd, buf, len);
}

/*
 * The driver's write: it copies the buffer a page at a time and parses each page. A page
 * it cannot read ends the write: EFAULT when it is the first, else a short write of what
 * it took. So a huge write of garbage is refused at its first bad page, never copied whole.
 */
static ssize_t resume_write(struct mc_sim_dev *dev, struct mc_sim_fd *e, const void *buf,
			    size_t len)
{
	struct mc_sim_resume *r = fd_resume(dev, e);
	uint8_t page[4096];
	int ret = 0;

	if (!r)
		return MC_SIM_HAS(dev, WRITES_AFTER_RESUME_END) && !dev->removed ? (ssize_t)len :
										   -ENODEV;
	if (dev->wedged)
		return -EIO;
	if (r->poisoned)
		return -EINVAL;
	if (MC_SIM_HAS(dev, REJECTS_SMALL_WRITES) && len < 8)
		return -EINVAL;
	/* Defect resume_pos_wraps: "if ((int)(pos + len) > max)" passes once it wraps. */
	if (MC_SIM_HAS(dev, RESUME_POS_WRAPS) && (int32_t)(uint32_t)(r->nbytes + len) < 0) {
		mc_sim_printk(
			dev,
			"BUG: KASAN: slab-out-of-bounds in mc_sim_resume_feed+0x%zx/0x400 [sim]",
			len & 0x3ff);
		mc_sim_printk(dev, "Write of size %zu at addr ffff888004d30000 by task migcheck/%d",
			      len, (int)getpid());
		return (ssize_t)len;
	}
	for (size_t n = 0, chunk; n < len && !ret; n += chunk) {
		chunk = len - n < sizeof(page) ? len - n : sizeof(page);
		if (mc_sim_uread(page, (const uint8_t *)buf + n, chunk)) {
			/* Defect failed_write_counts: the offset moved before the copy. */
			if (MC_SIM_HAS(dev, FAILED_WRITE_COUNTS)) {
				mc_sim_resume_skip(dev, r, len - n);
				return -EFAULT;
			}
			return n ? (ssize_t)n : -EFAULT;
		}
		ret = mc_sim_resume_feed_part(dev, r, page, chunk, !n, n + chunk == len);
		/* Defect rejected_write_counts: the whole rejected write's bytes count. */
		if (ret && r->lenient)
			r->nbytes += len - n - chunk;
	}
	if (ret == -EINVAL) {
		if (MC_SIM_HAS(dev, BAD_STREAM_WEDGES))
			dev->wedged = true;
		if (MC_SIM_HAS(dev, WARN_ON_BAD_STREAM))
			mc_sim_printk(
				dev,
				"WARNING: CPU: 0 PID: %d at drivers/vfio/sim/sim_stream.c:%d mc_sim_resume_feed+0x%zx/0x400 [sim]",
				(int)getpid(), 512, len & 0x3ff);
		if (MC_SIM_HAS(dev, LEAK_ON_BAD_STREAM))
			mc_sim_kernel_leak(512, "mc_sim_resume_feed+0x1a0/0x400", (int)getpid());
	}
	return ret ? ret : (ssize_t)len;
}

static ssize_t sim_data_write(void *priv, int fd, const void *buf, size_t len)
{
	struct mc_sim_dev *dev = priv;
	struct mc_sim_fd *e;
	ssize_t ret;

	pthread_mutex_lock(&dev->lock);
	sim_enter(dev);
	ret = vfs_rw_check(dev, fd, MC_SIM_FD_RESUME, buf, &len, &e);
	if (!ret)
		ret = resume_write(dev, e, buf, len);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

/* vfs_writev() on a file with only .write: import_iovec(), then one write per segment. */
static ssize_t sim_data_writev(void *priv, int fd, const struct iovec *uiov, int iovcnt)
{
	struct mc_sim_dev *dev = priv;
	struct iovec iov[UIO_MAXIOV];
	struct mc_sim_fd *e;
	size_t total = 0, done = 0;
	ssize_t ret = 0;

	pthread_mutex_lock(&dev->lock);
	e = fd_find(dev, fd);
	if (!e || e->kind != MC_SIM_FD_RESUME)
		ret = -EBADF;
	else if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
		ret = -EINVAL;
	else if (mc_sim_uread(iov, uiov, (size_t)iovcnt * sizeof(*iov)))
		ret = -EFAULT;
	for (int i = 0; !ret && i < iovcnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0)
			ret = -EINVAL;
		else if (vfs_rw_check(dev, fd, MC_SIM_FD_RESUME, iov[i].iov_base, &iov[i].iov_len,
				      &e))
			ret = -EFAULT;
		if (iov[i].iov_len > MAX_RW_COUNT - total)
			iov[i].iov_len = MAX_RW_COUNT - total;
		total += iov[i].iov_len;
	}
	for (int i = 0; !ret && i < iovcnt && done < total; i++) {
		ssize_t n;

		if (!iov[i].iov_len)
			continue;
		n = resume_write(dev, e, iov[i].iov_base, iov[i].iov_len);
		if (n < 0) {
			ret = done ? 0 : n;
			break;
		}
		done += (size_t)n;
	}
	pthread_mutex_unlock(&dev->lock);
	return ret ? ret : (ssize_t)done;
}

static ssize_t sim_data_pread(void *priv, int fd, void *buf, size_t len, off_t off)
{
	struct mc_sim_dev *dev = priv;
	ssize_t ret;

	struct mc_sim_fd *e;

	if (off < 0)
		return -EINVAL; /* ksys_pread64() checks before looking up the fd */
	pthread_mutex_lock(&dev->lock);
	e = fd_find(dev, fd);
	ret = e ? -ESPIPE : -EBADF; /* stream_open() cleared FMODE_PREAD */
	pthread_mutex_unlock(&dev->lock);
	/* Defect save_fd_seekable: without stream_open() pread reaches .read. */
	if (e && ret == -ESPIPE && MC_SIM_HAS(dev, SAVE_FD_SEEKABLE))
		ret = sim_data_read(priv, fd, buf, len);
	return ret;
}

static off_t sim_data_lseek(void *priv, int fd, off_t off, int whence)
{
	struct mc_sim_dev *dev = priv;
	off_t ret;

	(void)off;
	pthread_mutex_lock(&dev->lock);
	if (!fd_find(dev, fd))
		ret = -EBADF;
	else if (whence < 0 || whence > SEEK_MAX_WHENCE)
		ret = -EINVAL;
	else
		ret = MC_SIM_HAS(dev, SAVE_FD_SEEKABLE) ? 0 : -ESPIPE; /* noop_llseek */
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

/*
 * The save file's unlocked_ioctl: VFIO_MIG_GET_PRECOPY_INFO only (mtty's order). The
 * caller's flags come back as they were (6.12's echo) until the MIG_PRECOPY_INFOv2
 * opt-in; after it vfio_check_precopy_ioctl() zeroes them and REINIT may be set.
 */
static int precopy_info(struct mc_sim_dev *dev, struct mc_sim_fd *e, void *arg)
{
	struct vfio_precopy_info info;
	struct mc_sim_save *s;
	int ret;

	if (mc_sim_uread(&info, arg, sizeof(info)))
		return -EFAULT;
	if (info.argsz < (MC_SIM_HAS(dev, PRECOPY_INFO_SHORT_ARGSZ) ?
				  offsetofend(struct vfio_precopy_info, initial_bytes) :
				  sizeof(info)))
		return -EINVAL;
	if (dev->precopy_v2 && !MC_SIM_HAS(dev, V2_FLAGS_ECHOED))
		info.flags = 0;
	if (dev->state != VFIO_DEVICE_STATE_PRE_COPY &&
	    dev->state != VFIO_DEVICE_STATE_PRE_COPY_P2P &&
	    !(MC_SIM_HAS(dev, PRECOPY_INFO_ANY_STATE) && dev->state == VFIO_DEVICE_STATE_STOP_COPY))
		return -EINVAL;
	s = fd_save(dev, e);
	if (!s)
		return -ENODEV;
	mc_sim_save_info(dev, s, &info.initial_bytes, &info.dirty_bytes);
	if (s->reinit && !MC_SIM_HAS(dev, REINIT_UNFLAGGED))
		info.flags |= VFIO_PRECOPY_INFO_REINIT;
	ret = mc_sim_uwrite(arg, &info, sizeof(info));
	if (!ret)
		s->reinit = false; /* told once */
	return ret;
}

static int sim_data_ioctl(void *priv, int fd, unsigned long cmd, void *arg)
{
	struct mc_sim_dev *dev = priv;
	struct mc_sim_fd *e;
	int ret, on;

	pthread_mutex_lock(&dev->lock);
	e = fd_find(dev, fd);
	if (!e)
		ret = -EBADF;
	else if (cmd == FIOCLEX || cmd == FIONCLEX)
		ret = 0; /* do_vfs_ioctl() handles these for every file */
	else if (cmd == FIONBIO || cmd == FIOASYNC)
		ret = mc_sim_uread(&on, arg, sizeof(on)) ? -EFAULT :
		      cmd == FIOASYNC && on		 ? -ENOTTY :
							   0; /* no .fasync */
	else if (e->kind != MC_SIM_FD_SAVE || cmd != VFIO_MIG_GET_PRECOPY_INFO)
		ret = -ENOTTY;
	else
		ret = precopy_info(dev, e, arg);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

static int sim_data_poll(void *priv, int fd, short events, int timeout_ms)
{
	struct mc_sim_dev *dev = priv;
	int ret;

	(void)timeout_ms; /* always ready: nothing to wait for */
	pthread_mutex_lock(&dev->lock);
	/* No .poll op: DEFAULT_POLLMASK, filtered like poll(2); unknown fd: POLLNVAL. */
	ret = fd_find(dev, fd) ? DEFAULT_POLLMASK & (events | POLLERR | POLLHUP) : POLLNVAL;
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

static int sim_data_close(void *priv, int fd)
{
	struct mc_sim_dev *dev = priv;
	struct mc_sim_fd *e;
	int ret = -EBADF;

	pthread_mutex_lock(&dev->lock);
	e = fd_find(dev, fd);
	if (e) {
		/* Defect close_in_resuming_discards: the release ends the resume session. */
		if (e->kind == MC_SIM_FD_RESUME && fd_resume(dev, e) &&
		    MC_SIM_HAS(dev, CLOSE_IN_RESUMING_DISCARDS))
			mc_sim_end_resume(dev);
		/* The session lives on in the driver, as with a released anon file. */
		close(e->fd);
		*e = dev->fds[--dev->nfds];
		ret = 0;
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

const struct mc_backend_ops mc_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.ident = sim_ident,
	.feature = sim_feature,
	.reset = sim_reset,
	.data_read = sim_data_read_any,
	.data_write = sim_data_write,
	.data_writev = sim_data_writev,
	.data_pread = sim_data_pread,
	.data_lseek = sim_data_lseek,
	.data_ioctl = sim_data_ioctl,
	.data_poll = sim_data_poll,
	.data_close = sim_data_close,
	.region_info = mc_sim_region_info,
	.region_read = mc_sim_region_read,
	.region_write = mc_sim_region_write,
	.klog_read = sim_klog_read,
	.log_open = sim_log_open,
	.log_read = sim_log_read,
	.log_close = free,
	.log_leaks = sim_log_leaks,
	.fault = sim_fault,
	.fault_kinds = sim_fault_kinds,
	.remove = sim_remove,
	.reinit_reg = sim_reinit_reg,
	.stream_bounds = sim_stream_bounds,
};

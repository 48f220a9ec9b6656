/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device backend seam. Every way migcheck reaches a device (kernel VFIO, the
 * in-process simulated device) fills one const struct mc_backend_ops. The library
 * (dev.c) is the only caller; cases and fuzzers go through the mc_dev API. Two fuzz
 * parts are handed a backend by dev.c on purpose: the bare trace replayer
 * (mc_dev_backend_of(), fuzz_bare.c), the baseline a target's exec/s is measured
 * against, which must not pay for the watchdog and the operation log; and the trace
 * recorder (mc_dev_interpose(), fuzz_trace.c), itself a backend that forwards to the one
 * it wraps. The backends' own unit tests (test_kernel.c, test_sim.c) call their ops too.
 *
 * Conventions for every member: return 0 (or a byte count) on success and -errno on
 * failure, captured right after the syscall. Members marked "may be NULL" are optional;
 * the library answers -EOPNOTSUPP for them. No member ever exits the process.
 */
#ifndef MC_BACKEND_H
#define MC_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "mc_uapi.h"

/* A parsed device spec: "sim[:k=v]...", "mdev:<uuid>", "pci:<bdf>", "/dev/vfio/devices/vfioN". */
#define MC_SPEC_MAX_PARAMS 16
struct mc_devspec {
	char kind[16];	  /* "sim", "mdev", "pci", "cdev" */
	char target[128]; /* uuid, bdf or cdev path; "" for sim */
	int nparams;
	struct {
		char key[32];
		char val[128];
	} params[MC_SPEC_MAX_PARAMS];
};

/* What a backend knows about the device it opened (for reports). Strings may be "". */
struct mc_dev_ident {
	char driver[64]; /* "mtty", "sim", "vfio-pci", ... */
	char type[64];	 /* mdev type ("mtty-2"), PCI IDs ("8086:1533"), sim type */
	char path[256];	 /* sysfs path, cdev path or "sim" */
	char module_version[64];
	char module_srcversion[64];
	char access[32]; /* "group/container", "cdev/iommufd", "in-process" */
};

/*
 * Fault injection kinds (see the fault and fault_kinds members). The arc kinds are the
 * simulated device's; the allocation kinds the kernel backend's on a kernel with fault
 * injection, where the driver itself decides what a failed allocation does.
 */
enum mc_fault_kind {
	MC_FAULT_NONE = 0,
	MC_FAULT_ARC_FAIL, /* the arc (arg = from << 8 | to) fails with EIO; state = last step reached */
	MC_FAULT_ARC_ERROR, /* the arc fails with EIO and the device enters ERROR */
	/*
	 * The arg-th (1-based) allocation the driver makes, or causes, in this thread from
	 * now on fails (-ENOMEM at the allocator): arm it right before the operation.
	 */
	MC_FAULT_ALLOC_NTH,
	/* Count the driver's allocation points from now on, failing none. */
	MC_FAULT_ALLOC_COUNT,
};
#define MC_FAULT_BIT(kind) (1u << (kind))
#define MC_FAULT_ARC_KINDS (MC_FAULT_BIT(MC_FAULT_ARC_FAIL) | MC_FAULT_BIT(MC_FAULT_ARC_ERROR))
#define MC_FAULT_ALLOC_KINDS (MC_FAULT_BIT(MC_FAULT_ALLOC_NTH) | MC_FAULT_BIT(MC_FAULT_ALLOC_COUNT))

struct mc_backend_ops {
	const char *name;

	/*
	 * open: open the device named by @spec. On failure return -errno and write one
	 * line for the user into @err (names the device and what went wrong, e.g. "not
	 * bound to a VFIO driver"). On success *@priv is the backend's private handle.
	 */
	int (*open)(const struct mc_devspec *spec, void **priv, char *err, size_t errlen);
	/* close: release everything open() acquired, including data fds still open. */
	void (*close)(void *priv);
	/* ident: fill @id; never fails. */
	void (*ident)(void *priv, struct mc_dev_ident *id);

	/*
	 * feature: issue VFIO_DEVICE_FEATURE with @buf as the argument, exactly as given.
	 * @buf starts with struct vfio_device_feature whose argsz/flags the caller set,
	 * possibly malformed on purpose. @buflen is how many bytes the caller owns at
	 * @buf; an implementation that emulates the kernel must treat accesses past it as
	 * a fault (-EFAULT). On success with SET of MIG_DEVICE_STATE the returned data_fd
	 * (if any) belongs to the caller, who releases it with data_close.
	 */
	int (*feature)(void *priv, void *buf, size_t buflen);
	/* reset: VFIO_DEVICE_RESET. */
	int (*reset)(void *priv);

	/* Data fd operations on an fd returned through feature(). */
	ssize_t (*data_read)(void *priv, int fd, void *buf, size_t len);
	ssize_t (*data_write)(void *priv, int fd, const void *buf, size_t len);
	ssize_t (*data_writev)(void *priv, int fd, const struct iovec *iov, int iovcnt);
	ssize_t (*data_pread)(void *priv, int fd, void *buf, size_t len, off_t off);
	off_t (*data_lseek)(void *priv, int fd, off_t off, int whence);
	/* data_ioctl: @arg is the ioctl's pointer argument (e.g. struct vfio_precopy_info). */
	int (*data_ioctl)(void *priv, int fd, unsigned long cmd, void *arg);
	/* data_poll: poll(2) for @events with @timeout_ms; returns revents (>= 0) or -errno. */
	int (*data_poll)(void *priv, int fd, short events, int timeout_ms);
	int (*data_close)(void *priv, int fd);

	/* Regions (VFIO_DEVICE_GET_REGION_INFO and pread/pwrite on the device fd). */
	int (*region_info)(void *priv, uint32_t index, struct vfio_region_info *ri);
	ssize_t (*region_read)(void *priv, uint32_t index, uint64_t off, void *buf, size_t len);
	ssize_t (*region_write)(void *priv, uint32_t index, uint64_t off, const void *buf,
				size_t len);

	/*
	 * klog_read: may be NULL. Copy kernel log records that appeared since the last
	 * call (the first call returns nothing and only sets the position) into @buf,
	 * NUL-terminated, one record per line. Returns bytes copied or -errno.
	 */
	ssize_t (*klog_read)(void *priv, char *buf, size_t len);
	/*
	 * klog_skip: may be NULL (then the records are read and dropped). Move klog_read's
	 * position to the log's end without copying what is there. 0 or -errno.
	 */
	int (*klog_skip)(void *priv);

	/*
	 * log_open, log_read, log_close: may be NULL (all three or none). A reader of the
	 * kernel log of the machine behind @spec that opens no device, so that a run reads
	 * every record from before the device's first open to its end, whoever printed it:
	 * log_open positions *@rd at the log's end (0, or -errno with one line in @err),
	 * log_read is klog_read's twin, log_close frees *@rd.
	 */
	int (*log_open)(const struct mc_devspec *spec, void **rd, char *err, size_t errlen);
	ssize_t (*log_read)(void *rd, char *buf, size_t len);
	void (*log_close)(void *rd);
	/*
	 * log_leaks: may be NULL. With the log's reader @rd: have kmemleak scan now, copy
	 * the objects it lists that were not copied before into @buf (kmemleak's format,
	 * whole objects, NUL-terminated) and clear them. Returns bytes copied, -ENOENT
	 * where the kernel has no kmemleak (then nothing is claimed), or -errno.
	 */
	ssize_t (*log_leaks)(void *rd, char *buf, size_t len);
	/* log_mark: may be NULL. Write @text as a record of the log (best effort). */
	void (*log_mark)(void *rd, const char *text);

	/*
	 * fault: may be NULL (with fault_kinds). Arm one fault (0) of a kind fault_kinds
	 * offers. An arc fault fires once, the first time the device takes its arc; an
	 * ALLOC_NTH fault once, at that allocation. MC_FAULT_NONE disarms and returns 1 when
	 * a fault was armed that never fired (its arc never taken, fewer allocations made),
	 * else 0; after ALLOC_COUNT it returns the allocation points passed (>= 0).
	 * -errno on a bad @kind or @arg, or when the kernel refused.
	 */
	int (*fault)(void *priv, enum mc_fault_kind kind, uint32_t arg);
	/*
	 * fault_kinds: may be NULL (then no faults). The MC_FAULT_BIT()s of the kinds this
	 * device can inject now; 0 with one line in @why saying what is missing (a kernel
	 * without fault injection, not root, ...).
	 */
	unsigned (*fault_kinds)(void *priv, char *why, size_t len);

	/*
	 * data_rawfd: may be NULL (the backend has no kernel fds, like the simulated
	 * device). The kernel fd number behind data fd @fd, for data paths that bypass
	 * data_read/data_write (io_uring); -EBADF when @fd is not open.
	 */
	int (*data_rawfd)(void *priv, int fd);

	/*
	 * remove: may be NULL. (ROB-03, destructive) Close the device fd and remove the
	 * device from the system, keeping the data fds the caller holds open. Afterwards
	 * only the data_* members, klog_read and close are called. 0 or -errno with one
	 * line in @err.
	 */
	int (*remove)(void *priv, char *err, size_t errlen);

	/*
	 * reinit_reg: may be NULL (no known way). The register write that makes the device
	 * need a new initial pre-copy image, as a change of its configuration would (PRE-09's
	 * REINIT): region @index, offset @off, the 8 little-endian bytes of @val.
	 */
	void (*reinit_reg)(void *priv, uint32_t *index, uint64_t *off, uint64_t *val);

	/*
	 * stream_bounds: may be NULL (the device's stream format is unknown). The record
	 * boundaries of the migration stream @s of @len bytes in this device's format (the
	 * offsets where its header and each record end, the end of the stream excluded), up
	 * to @max into @out, for RES-03 to cut it there. Returns how many there are (may
	 * exceed @max), or -EINVAL when @s is not in the device's format. Touches no device.
	 */
	long (*stream_bounds)(void *priv, const uint8_t *s, size_t len, uint64_t *out, size_t max);

	/* dev_rawfd: may be NULL. The kernel device fd, for tools that time bare ioctls. */
	int (*dev_rawfd)(void *priv);
};

extern const struct mc_backend_ops mc_sim_ops;
extern const struct mc_backend_ops mc_kernel_ops;

/* Parse @text into @spec; on error write one line into @err and return -EINVAL. */
int mc_devspec_parse(const char *text, struct mc_devspec *spec, char *err, size_t errlen);
/* Value of parameter @key in @spec, or NULL. */
const char *mc_devspec_get(const struct mc_devspec *spec, const char *key);
/*
 * The simulated device of another type: @spec (a sim spec) with another id, so its
 * stream carries a different device id (RES-04 material). 0, -ENOENT when @spec is not
 * a sim spec (real devices need a foreign device named), -ENAMETOOLONG.
 */
int mc_devspec_foreign(const char *spec, char *out, size_t len);

#endif /* MC_BACKEND_H */

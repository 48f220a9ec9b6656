/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migcheck's device API: open a device by spec and drive it. Every call goes through
 * the backend seam, is named in the watchdog slot while it runs (so a hung device op is
 * reported by name) and is recorded in a short operation log used as evidence.
 * Raw forms return 0, a count or -errno and never judge; cases judge.
 */
#ifndef MIGCHECK_H
#define MIGCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "backend.h"

struct mc_dev;

/*
 * A device operation as recorded: the kind and its numbers, formatted only when
 * someone reads it (mc_watch_op(), mc_dev_oplog()), so that recording costs no
 * formatting.
 */
struct mc_op_desc {
	int kind; /* private to dev.c; 0 = none */
	int fd;
	uint64_t a, b, c;
};

/*
 * The watchdog slot: lives in memory shared with the supervising process. The library
 * fills it around every device operation; the supervisor reads it on timeout.
 */
struct mc_watch {
	volatile int in_device;	       /* 1 while a device operation runs */
	volatile uint64_t seq;	       /* bumped as each operation starts (the watchdog) */
	volatile uint64_t op_start_ns; /* its CLOCK_MONOTONIC start, when timed precisely */
	struct mc_op_desc desc;	       /* current (or last) device operation */
	char op[160];		       /* its text: see mc_watch_op() */
};

/* The current (or last) operation of @w as text ("none" when there was none). */
const char *mc_watch_op(struct mc_watch *w);

/*
 * mc_dev_open: parse @spec and open it with the matching backend. On failure returns
 * -errno with one line in @err (a bad spec is -EINVAL). *@devp is owned by the caller
 * and released with mc_dev_close(), which also closes data fds still open.
 */
int mc_dev_open(const char *spec, struct mc_dev **devp, char *err, size_t errlen);
void mc_dev_close(struct mc_dev *dev);
/*
 * mc_dev_reopen: close the device *@devp holds (as mc_dev_close() does, an interposed
 * backend with it) and open the one its spec names again, in the same handle: the spec
 * is not parsed again and the identity is kept (the same spec names the same device);
 * the operation log starts empty. The fuzz targets reopen the simulated device for every
 * input. 0, or -errno with one line in @err: then the handle is freed and *@devp NULL.
 */
int mc_dev_reopen(struct mc_dev **devp, char *err, size_t errlen);
/* The spec string the device was opened with, its identity, and its backend's name. */
const char *mc_dev_spec(const struct mc_dev *dev);
const struct mc_dev_ident *mc_dev_ident(const struct mc_dev *dev);
/*
 * mc_dev_threaded: with @on, @dev's operations may come from several threads at once
 * (the concurrency cases): the operation log is kept under a lock and the watchdog slot
 * counts the operations in the device, so one ending leaves another still timed. Turn
 * it off only when one thread is left. Off by default: the single-threaded path takes
 * no lock. The operation's text in the slot is the last one begun.
 */
void mc_dev_threaded(struct mc_dev *dev, bool on);
/* Attach the watchdog slot (may be NULL to detach). */
void mc_dev_set_watch(struct mc_dev *dev, struct mc_watch *w);
/* Render the last operations, oldest first, one per line, into @buf. */
void mc_dev_oplog(const struct mc_dev *dev, char *buf, size_t len);
/* Forget the operation log (a case starts with an empty log). */
void mc_dev_oplog_clear(struct mc_dev *dev);
/* Nanoseconds the last completed device operation took. */
uint64_t mc_dev_last_op_ns(const struct mc_dev *dev);
/*
 * Time every operation of @dev with the precise clock, for mc_dev_last_op_ns(). Off by
 * default: then only the watchdog's coarse start time is taken and last_op_ns stays 0.
 */
void mc_dev_precise_timing(struct mc_dev *dev, bool on);

/* VFIO_DEVICE_FEATURE with a caller-built argument (possibly malformed on purpose). */
int mc_feature_raw(struct mc_dev *dev, void *buf, size_t buflen);
/* GET VFIO_DEVICE_FEATURE_MIGRATION: the migration flags. */
int mc_get_flags(struct mc_dev *dev, uint64_t *flags);
/* GET MIG_DEVICE_STATE. */
int mc_get_state(struct mc_dev *dev, uint32_t *state);
/*
 * SET MIG_DEVICE_STATE to @state. *@data_fd (may be NULL) receives the returned fd or -1;
 * with NULL, a returned fd is closed at once.
 */
int mc_set_state(struct mc_dev *dev, uint32_t state, int *data_fd);
/* GET MIG_DATA_SIZE. */
int mc_get_data_size(struct mc_dev *dev, uint64_t *len);
/* VFIO_DEVICE_RESET. */
int mc_reset(struct mc_dev *dev);

ssize_t mc_data_read(struct mc_dev *dev, int fd, void *buf, size_t len);
ssize_t mc_data_write(struct mc_dev *dev, int fd, const void *buf, size_t len);
ssize_t mc_data_writev(struct mc_dev *dev, int fd, const struct iovec *iov, int iovcnt);
ssize_t mc_data_pread(struct mc_dev *dev, int fd, void *buf, size_t len, off_t off);
off_t mc_data_lseek(struct mc_dev *dev, int fd, off_t off, int whence);
int mc_data_ioctl(struct mc_dev *dev, int fd, unsigned long cmd, void *arg);
int mc_data_poll(struct mc_dev *dev, int fd, short events, int timeout_ms);
/* Close @fd if >= 0; returns 0 or -errno. */
int mc_data_close(struct mc_dev *dev, int fd);
/* VFIO_MIG_GET_PRECOPY_INFO on @fd with argsz = sizeof(*info). */
int mc_precopy_info(struct mc_dev *dev, int fd, struct vfio_precopy_info *info);

int mc_region_info(struct mc_dev *dev, uint32_t index, struct vfio_region_info *ri);
ssize_t mc_region_read(struct mc_dev *dev, uint32_t index, uint64_t off, void *buf, size_t len);
ssize_t mc_region_write(struct mc_dev *dev, uint32_t index, uint64_t off, const void *buf,
			size_t len);

/* Kernel log since the last call; -EOPNOTSUPP when the backend has no log. */
ssize_t mc_klog_read(struct mc_dev *dev, char *buf, size_t len);
/* Past what the kernel log holds now, unread: the next mc_klog_read() tells only later records. */
int mc_klog_skip(struct mc_dev *dev);

/*
 * The kernel log of the machine behind a device spec, read without opening the device
 * (a run's parent reads it while its case processes hold the device). mc_klog_open():
 * positioned at the log's end; 0, or -errno with one line in @err (-EOPNOTSUPP: the
 * backend has no log; -ENOENT: the kernel's cannot be read). mc_klog_next(): the records
 * since the last call as mc_klog_read() renders them, whole lines, NUL-terminated;
 * bytes copied (0: nothing new) or -errno. mc_klog_close(@kl NULL is fine).
 */
struct mc_klog;
int mc_klog_open(const char *spec, struct mc_klog **kl, char *err, size_t errlen);
ssize_t mc_klog_next(struct mc_klog *kl, char *buf, size_t len);
void mc_klog_close(struct mc_klog *kl);
/*
 * mc_klog_leaks: have the machine's kmemleak scan now and copy the leaked objects it
 * found that no earlier call copied (kmemleak's "unreferenced object" text, whole
 * objects, NUL-terminated) into @buf. Bytes copied (0: none), -ENOENT where there is no
 * kmemleak (a production kernel), or -errno. The objects kmemleak held when @kl was
 * opened are not reported (they predate the run). Its scan line goes to the log.
 */
ssize_t mc_klog_leaks(struct mc_klog *kl, char *buf, size_t len);
/*
 * mc_klog_mark: write @text into the machine's kernel log as a record (a real kernel:
 * to /dev/kmsg, where it takes writes; best effort, nothing when it cannot). Opening,
 * reading and closing never write; a run marks its window with this (klog.h).
 */
void mc_klog_mark(struct mc_klog *kl, const char *text);
/*
 * ROB-03 (destructive): close the device fd and remove the device, keeping its data
 * fds open. Afterwards only mc_data_*, mc_klog_read and mc_dev_close are valid.
 */
int mc_dev_remove(struct mc_dev *dev, char *err, size_t errlen);
/*
 * Make the device need a new initial pre-copy image by the register write its backend
 * knows (backend.h reinit_reg); with @dry only say whether there is one. 0, -EOPNOTSUPP
 * when the backend knows no way, or the write's -errno.
 */
int mc_dev_precopy_reinit(struct mc_dev *dev, bool dry);
/*
 * The record boundaries of migration stream @s (@len bytes) in @dev's format, as the
 * backend knows it (backend.h stream_bounds): how many (may exceed @max, the first @max
 * in @out), -EINVAL when @s is not in that format, -EOPNOTSUPP when the backend does
 * not know its device's format. Not a device operation: nothing is logged.
 */
long mc_dev_stream_bounds(struct mc_dev *dev, const uint8_t *s, size_t len, uint64_t *out,
			  size_t max);
/* The kernel device fd (for benchmarks timing bare ioctls), or -EOPNOTSUPP (sim). */
int mc_dev_rawfd(struct mc_dev *dev);
/* True when the device can inject faults of some kind now (mc_dev_fault_kinds). */
bool mc_dev_can_fault(const struct mc_dev *dev);
/*
 * The MC_FAULT_BIT()s of the fault kinds the device can inject now (backend.h): the
 * simulated device's arc faults, the kernel's allocation faults on a kernel with fault
 * injection; 0 with one line in @why (may be NULL) saying what is missing.
 */
unsigned mc_dev_fault_kinds(const struct mc_dev *dev, char *why, size_t len);
/*
 * Arm a fault (backend.h) or, with MC_FAULT_NONE, disarm it: 1 then when the armed fault
 * never fired (the device never took its arc, made fewer allocations), else 0, or the
 * points passed after MC_FAULT_ALLOC_COUNT; -EOPNOTSUPP when the device cannot.
 */
int mc_fault(struct mc_dev *dev, enum mc_fault_kind kind, uint32_t arg);

/*
 * Read a save fd until end of stream (read() == 0) into a growing buffer, at most
 * @limit bytes. *@buf is malloc'd, owned by the caller. PRE_COPY's ENOMSG ends the read
 * too (reported through *@enomsg when non-NULL). Returns bytes read or -errno; -EFBIG
 * when the stream exceeds @limit.
 */
ssize_t mc_read_all(struct mc_dev *dev, int fd, size_t chunk, size_t limit, uint8_t **buf,
		    bool *enomsg);
/* Write all of @buf with writes of at most @chunk bytes, continuing short writes. */
ssize_t mc_write_all(struct mc_dev *dev, int fd, const uint8_t *buf, size_t len, size_t chunk);

/*
 * mc_data_rawfd: the kernel fd behind data fd @fd, for io_uring. -EOPNOTSUPP when the
 * backend has no kernel fds (answered before looking at @fd, so @fd -1 asks just that),
 * else the fd or -errno (-EBADF: not an open fd).
 */
int mc_data_rawfd(struct mc_dev *dev, int fd);
/*
 * For data paths that issue their syscalls themselves (io_uring, stream.c): name the
 * operation in the watchdog slot before it runs and record it with its result in the
 * operation log after, exactly as mc_data_read() does. mc_dev_op_end() returns @rc.
 */
__attribute__((format(printf, 2, 3))) void mc_dev_op_begin(struct mc_dev *dev, const char *fmt,
							   ...);
long mc_dev_op_end(struct mc_dev *dev, long rc);

/* The backend that opens devices of parsed spec @ds (bare loops that bypass mc_dev). */
const struct mc_backend_ops *mc_dev_backend_of(const struct mc_devspec *ds);
/*
 * mc_dev_interpose: from now on @dev's operations go to @be with handle @priv (a tracing
 * backend that forwards to the previous one); the previous backend and its handle come
 * back in *@old_be and *@old_priv. mc_dev_close() then calls @be->close(@priv), which
 * must close the previous backend's handle too.
 */
void mc_dev_interpose(struct mc_dev *dev, const struct mc_backend_ops *be, void *priv,
		      const struct mc_backend_ops **old_be, void **old_priv);

#endif /* MIGCHECK_H */

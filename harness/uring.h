/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private header of the io_uring data path (uring.c): a small ring and synchronous
 * read/write/writev submissions on a raw kernel fd. The stream engine uses it for
 * MC_IO_URING; it works on any fd (pipes, regular files), so it is unit-tested alone.
 * Nothing here touches the device layer: callers name the operation in the watchdog.
 */
#ifndef MC_URING_H
#define MC_URING_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#define MC_URING_MAX_DEPTH 4

struct mc_uring;

/*
 * mc_uring_open: a ring of @depth (1..MC_URING_MAX_DEPTH) entries in *@ur, owned by the
 * caller and released with mc_uring_close(). -EOPNOTSUPP with a one-line reason in @why
 * (may be NULL) when this kernel cannot do io_uring at all (ENOSYS, or EPERM from
 * kernel.io_uring_disabled) or lacks READ/WRITE/WRITEV; -EINVAL for a bad depth;
 * other -errno as io_uring_queue_init() reported it.
 */
int mc_uring_open(struct mc_uring **ur, unsigned depth, char *why, size_t len);
/* Release @ur (may be NULL). */
void mc_uring_close(struct mc_uring *ur);

/*
 * One submission, waited for: the completion's result, i.e. a byte count or -errno
 * exactly as read(2)/write(2)/writev(2) would return it on @fd (at the fd's current
 * position, so stream and regular files behave as with plain calls). A count above
 * MC_URING_MAX_LEN is clamped, like the kernel's MAX_RW_COUNT, which makes the call short.
 */
#define MC_URING_MAX_LEN 0x7ffff000u
ssize_t mc_uring_read(struct mc_uring *ur, int fd, void *buf, size_t len);
ssize_t mc_uring_write(struct mc_uring *ur, int fd, const void *buf, size_t len);
ssize_t mc_uring_writev(struct mc_uring *ur, int fd, const struct iovec *iov, int iovcnt);

#endif /* MC_URING_H */

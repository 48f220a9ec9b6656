// SPDX-License-Identifier: GPL-2.0-only
/*
 * The io_uring data path (liburing 2.3): one small ring per stream transfer, each
 * operation one submission waited for, so a transfer by io_uring is call for call the
 * same plan as one by read/write. Works on any raw kernel fd; the device layer only
 * names the operations (stream.c wraps every call in mc_dev_op_begin/mc_dev_op_end).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "uring.h"

struct mc_uring {
	struct io_uring ring;
	uint64_t seq; /* user_data of the last submission */
	bool broken;  /* a submission or wait failed: the ring's state is unknown */
};

/* The opcodes the data path uses; a kernel without them cannot stand in for read/write. */
static int check_opcodes(struct mc_uring *ur, char *why, size_t len)
{
	static const struct {
		int op;
		const char *name;
	} need[] = {
		{ IORING_OP_READ, "READ" },
		{ IORING_OP_WRITE, "WRITE" },
		{ IORING_OP_WRITEV, "WRITEV" },
	};
	struct io_uring_probe *probe = io_uring_get_probe_ring(&ur->ring);
	int rc = 0;

	if (!probe || !(ur->ring.features & IORING_FEAT_RW_CUR_POS)) {
		if (probe)
			io_uring_free_probe(probe);
		snprintf(why, len, "io_uring cannot use the file position (kernel older than 5.6)");
		return -EOPNOTSUPP;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]) && !rc; i++) {
		if (!io_uring_opcode_supported(probe, need[i].op)) {
			snprintf(why, len, "io_uring lacks IORING_OP_%s on this kernel",
				 need[i].name);
			rc = -EOPNOTSUPP;
		}
	}
	io_uring_free_probe(probe);
	return rc;
}

int mc_uring_open(struct mc_uring **urp, unsigned depth, char *why, size_t len)
{
	char dummy[1];
	struct mc_uring *ur;
	int rc;

	*urp = NULL;
	if (!why) {
		why = dummy;
		len = sizeof(dummy);
	}
	if (depth < 1 || depth > MC_URING_MAX_DEPTH) {
		snprintf(why, len, "io_uring depth %u is not 1..%u", depth, MC_URING_MAX_DEPTH);
		return -EINVAL;
	}
	ur = calloc(1, sizeof(*ur));
	if (!ur) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	rc = io_uring_queue_init(depth, &ur->ring, 0);
	if (rc) {
		/* ENOSYS: not built in; EPERM: kernel.io_uring_disabled (or a seccomp policy). */
		snprintf(why, len, "io_uring_setup: %s%s", strerror(-rc),
			 rc == -EPERM ? " (kernel.io_uring_disabled?)" : "");
		free(ur);
		return rc == -ENOSYS || rc == -EPERM ? -EOPNOTSUPP : rc;
	}
	rc = check_opcodes(ur, why, len);
	if (rc) {
		mc_uring_close(ur);
		return rc;
	}
	*urp = ur;
	return 0;
}

void mc_uring_close(struct mc_uring *ur)
{
	if (!ur)
		return;
	io_uring_queue_exit(&ur->ring);
	free(ur);
}

/* A fresh SQE, or NULL when the ring cannot take one (never with one op in flight). */
static struct io_uring_sqe *get_sqe(struct mc_uring *ur)
{
	return ur->broken ? NULL : io_uring_get_sqe(&ur->ring);
}

/*
 * Submit the prepared SQE and wait for its completion. A wait interrupted by a signal
 * waits again: the kernel still owns the caller's buffer until the completion arrives
 * (a hung device is the watchdog's to report, by the name the caller gave).
 */
static ssize_t submit_wait(struct mc_uring *ur, struct io_uring_sqe *sqe)
{
	struct io_uring_cqe *cqe;
	ssize_t res;
	int rc;

	io_uring_sqe_set_data64(sqe, ++ur->seq);
	rc = io_uring_submit(&ur->ring);
	if (rc != 1) {
		ur->broken = true;
		return rc < 0 ? rc : -EIO;
	}
	do
		rc = io_uring_wait_cqe(&ur->ring, &cqe);
	while (rc == -EINTR);
	if (rc) {
		ur->broken = true;
		return rc;
	}
	/* One op in flight at a time: any other completion means the ring is confused. */
	res = cqe->user_data == ur->seq ? cqe->res : -EIO;
	io_uring_cqe_seen(&ur->ring, cqe);
	return res;
}

static unsigned clamp_len(size_t len)
{
	return len > MC_URING_MAX_LEN ? MC_URING_MAX_LEN : (unsigned)len;
}

/* Offset -1: the file's current position, as read(2)/write(2) use (IORING_FEAT_RW_CUR_POS). */
#define CUR_POS ((uint64_t)-1)

ssize_t mc_uring_read(struct mc_uring *ur, int fd, void *buf, size_t len)
{
	struct io_uring_sqe *sqe = get_sqe(ur);

	if (!sqe)
		return -EIO;
	io_uring_prep_read(sqe, fd, buf, clamp_len(len), CUR_POS);
	return submit_wait(ur, sqe);
}

ssize_t mc_uring_write(struct mc_uring *ur, int fd, const void *buf, size_t len)
{
	struct io_uring_sqe *sqe = get_sqe(ur);

	if (!sqe)
		return -EIO;
	io_uring_prep_write(sqe, fd, buf, clamp_len(len), CUR_POS);
	return submit_wait(ur, sqe);
}

ssize_t mc_uring_writev(struct mc_uring *ur, int fd, const struct iovec *iov, int iovcnt)
{
	struct io_uring_sqe *sqe;

	if (iovcnt < 0)
		return -EINVAL;
	sqe = get_sqe(ur);
	if (!sqe)
		return -EIO;
	io_uring_prep_writev(sqe, fd, iov, (unsigned)iovcnt, CUR_POS);
	return submit_wait(ur, sqe);
}

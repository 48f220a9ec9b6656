/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a trace holds (fuzz_trace.c records it, fuzz_bare.c replays it): one record per
 * device call, the bytes handed to the device in an arena.
 */
#ifndef MC_FUZZ_TRACE_PRIV_H
#define MC_FUZZ_TRACE_PRIV_H

#include "fuzz_trace.h"

#define GUARD_ARG 88	     /* an ioctl argument in the guard page: with its canary */
#define EXT_SIZE (64u << 10) /* the replay's out-of-line array (ranges, dirty bitmap) */
#define NMAP 64

enum kind {
	K_FEATURE,
	K_RESET,
	K_READ,
	K_WRITE,
	K_WRITEV,
	K_PREAD,
	K_LSEEK,
	K_IOCTL,
	K_POLL,
	K_CLOSE,
	K_RINFO,
	K_RREAD,
	K_RWRITE,
	K_FAULT,
};
#define PLAIN (-1L) /* where: an ordinary buffer (the replay's scratch) */
#define ASIS (-2L)  /* ext_where: the recorded pointer value, never followed */

/* One call. Bytes handed to the device live in the trace's arena at [data, data + dlen). */
struct call {
	uint8_t kind;
	int fd;		  /* the data fd; K_FEATURE: the fd a SET handed over, or -1 */
	uint64_t a, b, c; /* length, iovcnt, cmd, index, offset, whence, events, fault */
	int64_t rc;
	size_t data, dlen;
	long where;	  /* the buffer's offset in the guard mapping, or PLAIN */
	size_t ext, elen; /* a feature's out-of-line array (DMA logging ranges) */
	long ext_where;	  /* its pointer: PLAIN, ASIS, or an offset in the guard mapping */
	uint32_t ext_at;  /* where in the feature buffer that pointer is (0: none) */
	size_t out;	  /* a GET's buffer after the call (dlen bytes), or SIZE_MAX */
};

struct mc_fuzz_trace {
	struct call *calls;
	unsigned n, cap;
	uint8_t *arena;
	size_t alen, acap;
	size_t maxbuf; /* the largest buffer a call needs */
	bool fresh;    /* the input ran on a device opened for it */
	bool oom;
};

#endif /* MC_FUZZ_TRACE_PRIV_H */

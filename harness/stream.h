/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stream engine: move a whole migration stream out of a save fd with a chosen read
 * plan and into a resume fd with a chosen write plan, keeping exact accounts of what the
 * device delivered and acknowledged. Streams live in memory up to a limit and spill to
 * an unlinked temporary file beyond it, so multi-GB device states work.
 *
 * A plan is data: how to cut a byte sequence into read or write calls. Text form (used
 * in case rows and on the command line):
 *   one            a single call for everything (reads: one buffer of the plan's max)
 *   fixed:K        calls of K bytes
 *   list:A/B/C     these sizes in turn, the last one repeated
 *   random:SEED[:MAX]  sizes 1..MAX (default 4096) from a seeded PRNG (reproducible)
 *   page           4095 and 4097 alternating (page +-1)
 *   split:N        one call of N bytes, then one call for the rest
 *   writev:N[:K]   writev() with N iovecs per call, each of K bytes (default 1)
 * A call never asks for more than what remains (writes) or MC_PLAN_MAX_CALL bytes.
 */
#ifndef MC_STREAM_H
#define MC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migcheck.h"

#define MC_PLAN_MAX_LIST 16
#define MC_PLAN_MAX_CALL (1u << 20)	/* largest single read/write a plan issues */

enum mc_plan_kind {
	MC_PLAN_ONE = 0,
	MC_PLAN_FIXED,
	MC_PLAN_LIST,
	MC_PLAN_RANDOM,
	MC_PLAN_PAGE,
	MC_PLAN_SPLIT,
	MC_PLAN_WRITEV,
};

struct mc_plan {
	enum mc_plan_kind kind;
	size_t k;			/* FIXED size, SPLIT offset, WRITEV iovec size */
	unsigned iovcnt;		/* WRITEV */
	uint64_t seed;			/* RANDOM */
	size_t max;			/* RANDOM upper bound */
	size_t list[MC_PLAN_MAX_LIST];	/* LIST */
	unsigned nlist;
};

/* Parse the text form; -EINVAL with a one-line reason in @err. */
int mc_plan_parse(const char *s, struct mc_plan *p, char *err, size_t errlen);
/* The text form of @p (parses back to the same plan). */
void mc_plan_format(const struct mc_plan *p, char *buf, size_t len);

/* Walking a plan: the size of each next call. */
struct mc_plan_iter {
	const struct mc_plan *p;
	unsigned long n;	/* calls issued so far */
	uint64_t rng;
};
void mc_plan_iter_init(struct mc_plan_iter *it, const struct mc_plan *p);
/* Size of the next call (>= 1), at most @remaining when @remaining > 0. */
size_t mc_plan_next(struct mc_plan_iter *it, uint64_t remaining);

/* A byte sequence in memory, spilling to an unlinked temp file past @mem_limit. */
struct mc_stream {
	uint8_t *mem;		/* the first min(len, mem_limit) bytes */
	size_t mem_len, mem_cap;
	size_t mem_limit;	/* 0 = default (64 MiB) */
	int spill_fd;		/* -1 until the stream outgrows mem_limit */
	uint64_t len;		/* total bytes */
};
void mc_stream_init(struct mc_stream *s, size_t mem_limit);
void mc_stream_free(struct mc_stream *s);
int mc_stream_append(struct mc_stream *s, const void *buf, size_t len);	/* 0 or -errno */
/* Copy @len bytes at @off into @buf; returns bytes copied (short at the end) or -errno. */
ssize_t mc_stream_pread(const struct mc_stream *s, void *buf, size_t len, uint64_t off);
/* 0 when equal; else 1 and *@first_diff = offset of the first difference (or the
 * shorter length); -errno on an I/O error. */
int mc_stream_cmp(const struct mc_stream *a, const struct mc_stream *b, uint64_t *first_diff);
/* A copy of bytes [@off, @off+@len) of @src into @dst (initialised by the caller). */
int mc_stream_slice(const struct mc_stream *src, uint64_t off, uint64_t len,
		    struct mc_stream *dst);
/* Wrap an existing buffer (not copied, not freed): for streams already in memory. */
void mc_stream_wrap(struct mc_stream *s, const uint8_t *buf, size_t len);

/* How data moves: plain read/write/writev, or io_uring submissions on the same fd. */
enum mc_io { MC_IO_RW = 0, MC_IO_URING };
/* -EOPNOTSUPP with a reason when @io cannot be used on this device (the simulated
 * device has no kernel fds; a kernel without io_uring). */
int mc_io_available(struct mc_dev *dev, enum mc_io io, char *why, size_t len);

struct mc_io_opts {
	const struct mc_plan *plan;	/* NULL = "one" */
	enum mc_io io;
	uint64_t limit;			/* save: largest stream accepted (-EFBIG beyond) */
	int eagain_ms;			/* bound on polling after EAGAIN (default 1000) */
	unsigned max_eintr;		/* EINTR retries per call (default 100) */
	bool stop_at_enomsg;		/* save: ENOMSG ends the read (PRE_COPY) */
	bool continue_after_error;	/* resume: after a failed write, go on with the
					 * next chunk (its bytes are then not acknowledged) */
};

/* What the device did during one save. */
struct mc_save_result {
	uint64_t bytes;		/* delivered, in order, into the stream */
	unsigned long calls;	/* read calls (or io_uring reads) issued */
	unsigned long short_calls;	/* returned less than asked, but > 0 */
	unsigned long eintr, eagain;
	int end;		/* 0 = read() returned 0; -ENOMSG when stopped at ENOMSG;
				 * else the -errno that ended the save */
};

/*
 * mc_stream_save: read @fd until end of stream per @o, appending to @out. Short reads
 * are continued, EINTR retried (bounded), EAGAIN polled (bounded). Returns 0 when the
 * stream ended with read() == 0 (or ENOMSG with stop_at_enomsg), else the -errno that
 * ended it (also in r->end); -EFBIG past o->limit.
 */
int mc_stream_save(struct mc_dev *dev, int fd, const struct mc_io_opts *o,
		   struct mc_stream *out, struct mc_save_result *r);

#define MC_ACK_MAX_GAPS 64
/* Acknowledged-bytes accounting of one resume (RES-03). */
struct mc_resume_result {
	uint64_t offered;	/* bytes the plan tried to write */
	uint64_t acked;		/* bytes the device acknowledged (successful write returns) */
	unsigned long calls, short_calls, eintr, eagain;
	int first_err;		/* 0, or the first write error (-errno) */
	uint64_t first_err_off;	/* stream offset of the failed write */
	/* Ranges [start, end) of the offered stream that were NOT acknowledged, in order
	 * (only with continue_after_error; a trailing unwritten rest is a gap too). */
	struct { uint64_t start, end; } gaps[MC_ACK_MAX_GAPS];
	unsigned ngaps;
	bool gaps_truncated;	/* more gaps than MC_ACK_MAX_GAPS */
};

/*
 * mc_stream_resume: write bytes [@off, @off+@len) of @s to @fd per @o. Short writes are
 * continued (the rest of the same chunk), EINTR retried, EAGAIN polled, all bounded.
 * Returns 0 when every byte was acknowledged, else the first -errno (the accounts in @r
 * say exactly which bytes the device took).
 */
int mc_stream_resume(struct mc_dev *dev, int fd, const struct mc_stream *s, uint64_t off,
		     uint64_t len, const struct mc_io_opts *o, struct mc_resume_result *r);

/* True when the acknowledged bytes of @r, concatenated, are exactly @s (no gap, all). */
bool mc_resume_complete(const struct mc_resume_result *r, uint64_t stream_len);

#endif /* MC_STREAM_H */

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
 *   split:N        one call of N bytes, then one call for the rest (past
 *                  MC_PLAN_MAX_CALL both are cut, the boundary stays at N)
 *   writev:N[:K]   writev() with N iovecs per call, each of K bytes (default 1)
 * A call never asks for more than what remains (writes) or MC_PLAN_MAX_CALL bytes, so
 * "one" is a single call for streams up to MC_PLAN_MAX_CALL bytes. Sizes are decimal:
 * fixed, list and random sizes 1..MC_PLAN_MAX_CALL, split any offset (split:0
 * is "one"), writev N 1..1024 (UIO_MAXIOV) with N*K <= MC_PLAN_MAX_CALL, at most
 * MC_PLAN_MAX_LIST list sizes. On the read side writev:N:K reads N*K bytes per read()
 * (there is no readv in the backend seam), and a plan call is the buffer size passed.
 */
#ifndef MC_STREAM_H
#define MC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migcheck.h"

#define MC_PLAN_MAX_LIST 16
#define MC_PLAN_MAX_CALL (1u << 20) /* largest single read/write a plan issues */
#define MC_PLAN_MAX_IOV 1024	    /* UIO_MAXIOV: writev() refuses more */
#define MC_PLAN_TEXT_MAX 192	    /* a buffer this size holds any mc_plan_format() */
#define MC_PLAN_RANDOM_MAX 4096u    /* random's default MAX */

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
	size_t k;		       /* FIXED size, SPLIT offset, WRITEV iovec size */
	unsigned iovcnt;	       /* WRITEV */
	uint64_t seed;		       /* RANDOM */
	size_t max;		       /* RANDOM upper bound */
	size_t list[MC_PLAN_MAX_LIST]; /* LIST */
	unsigned nlist;
};

/*
 * Parse the text form into @p (fields a kind does not use are zero, defaults filled in,
 * so two parses of equal plans are equal). 0, or -EINVAL with a one-line reason naming
 * the bad part in @err.
 */
int mc_plan_parse(const char *s, struct mc_plan *p, char *err, size_t errlen);
/* The text form of @p (parses back to the same plan); NULL is "one". */
void mc_plan_format(const struct mc_plan *p, char *buf, size_t len);

/* Walking a plan: the size of each next call. @p NULL is "one"; @p must outlive @it. */
struct mc_plan_iter {
	const struct mc_plan *p;
	unsigned long n; /* calls issued so far */
	uint64_t done;	 /* bytes those calls asked for */
	uint64_t rng;
};
void mc_plan_iter_init(struct mc_plan_iter *it, const struct mc_plan *p);
/*
 * Size of the next call (1..MC_PLAN_MAX_CALL), at most @remaining when @remaining > 0
 * (writes know what remains; reads pass 0).
 */
size_t mc_plan_next(struct mc_plan_iter *it, uint64_t remaining);
/* The largest call @p ever issues: the size of a read or bounce buffer for it. */
size_t mc_plan_max_call(const struct mc_plan *p);

/*
 * A byte sequence in memory, spilling to an unlinked temp file past @mem_limit: made
 * with O_TMPFILE in $TMPDIR (or /tmp), else mkstemp() there and unlink() at once, so
 * nothing is left behind however the process ends.
 */
#define MC_STREAM_MEM_DEFAULT (64u << 20)
struct mc_stream {
	uint8_t *mem; /* the first min(len, mem_limit) bytes */
	size_t mem_len, mem_cap;
	size_t mem_limit; /* 0 = default (MC_STREAM_MEM_DEFAULT) */
	int spill_fd;	  /* -1 until the stream outgrows mem_limit */
	uint64_t len;	  /* total bytes */
	bool borrowed;	  /* mem is the caller's (mc_stream_wrap): never written or freed */
};
/* An empty stream; must be called before any other use (except mc_stream_wrap). */
void mc_stream_init(struct mc_stream *s, size_t mem_limit);
/* Release memory and the spill file; @s is then empty, as after init, same mem_limit. */
void mc_stream_free(struct mc_stream *s);
/* 0 or -errno (-EROFS on a wrapped stream); on failure @s keeps its previous length. */
int mc_stream_append(struct mc_stream *s, const void *buf, size_t len);
/* Copy @len bytes at @off into @buf; returns bytes copied (short at the end) or -errno. */
ssize_t mc_stream_pread(const struct mc_stream *s, void *buf, size_t len, uint64_t off);
/* 0 when equal; else 1 and *@first_diff = offset of the first difference (or the
 * shorter length); -errno on an I/O error. @first_diff may be NULL. */
int mc_stream_cmp(const struct mc_stream *a, const struct mc_stream *b, uint64_t *first_diff);
/* Append a copy of bytes [@off, @off+@len) of @src to @dst (initialised by the caller);
 * 0, -EINVAL when the range is not inside @src, or -errno. */
int mc_stream_slice(const struct mc_stream *src, uint64_t off, uint64_t len, struct mc_stream *dst);
/* Wrap an existing buffer (not copied, not freed): for streams already in memory. The
 * result is read-only (append fails with -EROFS); mc_stream_free() just forgets it. */
void mc_stream_wrap(struct mc_stream *s, const uint8_t *buf, size_t len);

/* How data moves: plain read/write/writev, or io_uring submissions on the same fd. */
enum mc_io { MC_IO_RW = 0, MC_IO_URING };
/* 0, or -EOPNOTSUPP with a reason in @why (may be NULL) when @io cannot be used on
 * this device (the simulated device has no kernel fds; a kernel without io_uring or
 * with kernel.io_uring_disabled); -EINVAL for an unknown @io. */
int mc_io_available(struct mc_dev *dev, enum mc_io io, char *why, size_t len);

/* Options of one save or resume; a NULL pointer or zeroed fields mean the defaults. */
struct mc_io_opts {
	const struct mc_plan *plan; /* NULL = "one" */
	enum mc_io io;
	uint64_t limit;		   /* save: largest stream accepted (-EFBIG beyond);
					 * 0 = no limit. Reads are cut so that at most one
					 * byte past the limit is read (and kept). */
	int eagain_ms;		   /* bound on polling after EAGAIN, per call
					 * (0 = default 1000; < 0: EAGAIN fails at once) */
	unsigned max_eintr;	   /* EINTR retries per call (0 = default 100) */
	bool stop_at_enomsg;	   /* save: ENOMSG ends the read (PRE_COPY) */
	bool continue_after_error; /* resume: after a failed write, go on with the
					 * next chunk (its bytes are then not acknowledged) */
};

/* What the device did during one save. */
struct mc_save_result {
	uint64_t bytes;		   /* delivered, in order, into the stream */
	unsigned long calls;	   /* read calls (or io_uring reads) issued, retries included */
	unsigned long short_calls; /* returned less than asked, but > 0 */
	unsigned long eintr, eagain;
	int end; /* 0 = read() returned 0; -ENOMSG when stopped at ENOMSG;
				 * else the -errno that ended the save */
};

/*
 * mc_stream_save: read @fd until end of stream per @o, appending to @out. Short reads
 * are continued, EINTR retried (bounded), EAGAIN polled (bounded). Returns 0 when the
 * stream ended with read() == 0 (or ENOMSG with stop_at_enomsg), else the -errno that
 * ended it (also in r->end); -EFBIG past o->limit (o->limit counts all of @out, so a
 * second call continuing a PRE_COPY stream shares it). Bytes read before an error stay
 * in @out. With io == MC_IO_URING and no kernel fd or no io_uring: -EOPNOTSUPP before
 * any read. @r is reset by each call.
 */
int mc_stream_save(struct mc_dev *dev, int fd, const struct mc_io_opts *o, struct mc_stream *out,
		   struct mc_save_result *r);

#define MC_ACK_MAX_GAPS 64
/* Acknowledged-bytes accounting of one resume (RES-03). */
struct mc_resume_result {
	uint64_t offered; /* bytes the plan tried to write */
	uint64_t acked;	  /* bytes the device acknowledged (successful write returns) */
	unsigned long calls, short_calls, eintr, eagain;
	int first_err;		/* 0, or the first write error (-errno); a write that
				 * accepts 0 bytes counts as -EIO */
	uint64_t first_err_off; /* stream offset where the failed write started */
	/* Ranges [start, end) of the offered stream that were NOT acknowledged, in order
	 * (only with continue_after_error; a trailing unwritten rest is a gap too).
	 * Offsets are stream offsets of @s, like first_err_off; touching ranges are
	 * merged into one. A failed write's gap is its whole chunk; a short write's
	 * unwritten tail is continued and becomes a gap only if the continuation fails. */
	struct {
		uint64_t start, end;
	} gaps[MC_ACK_MAX_GAPS];
	unsigned ngaps;
	bool gaps_truncated; /* more gaps than MC_ACK_MAX_GAPS */
};

/*
 * mc_stream_resume: write bytes [@off, @off+@len) of @s to @fd per @o. Short writes are
 * continued (the rest of the same chunk), EINTR retried, EAGAIN polled, all bounded.
 * Returns 0 when every byte was acknowledged, else the first -errno (the accounts in @r
 * say exactly which bytes the device took). -EINVAL when the range is not inside @s.
 * A non-zero return with r->first_err == 0 is the harness's own failure (reading the
 * spill file, memory, io_uring unavailable), not the device's. @r is reset by each call.
 */
int mc_stream_resume(struct mc_dev *dev, int fd, const struct mc_stream *s, uint64_t off,
		     uint64_t len, const struct mc_io_opts *o, struct mc_resume_result *r);

/* True when the acknowledged bytes of @r, concatenated, are exactly the @stream_len
 * bytes offered (acked == @stream_len, no gap, no error). */
bool mc_resume_complete(const struct mc_resume_result *r, uint64_t stream_len);

#endif /* MC_STREAM_H */

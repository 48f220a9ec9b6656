/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzz layer: a fuzzing context (a device opened by spec, fresh for every input),
 * findings and their dedup key, defensive input decoding, the write plan the resume-side
 * targets share, device steps with their oracles, and the kernel-log helpers. Each
 * target in fuzz/<target>.c is an action interpreter checked against the model; the
 * libFuzzer, AFL++ and replay drivers and `migcheck replay` all call mc_fuzz_run().
 * Any byte string is a valid input: decoders read zeros past the end, never assert.
 */
#ifndef MC_FUZZ_H
#define MC_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "migcheck.h"

/*
 * The device a fuzzer uses when MIGCHECK_FUZZ_DEVICE is not set: the simulated device
 * with all flags and one page of memory, so a whole stream is 4372 bytes (the default
 * 64 KiB device's stream is 66052 bytes: too long for mutations to reach its tail).
 */
#define MC_FUZZ_DEFAULT_DEVICE "sim:flags=7:mem=4096"
#define MC_FUZZ_MAX_INPUT (256u << 10) /* bytes of an input looked at */
#define MC_FUZZ_STREAM_MAX (1u << 20)  /* largest stream an interpreter keeps */
/*
 * read() size of a save. mc_read_all's buffer starts at four of these; at 64 KiB that
 * was a 256 KiB allocation, which ASan maps, fills and unmaps on every input.
 */
#define MC_FUZZ_SAVE_CHUNK 16384

/*
 * What a target needs that does not depend on its input (struct mc_fuzz_ref): flags of
 * the second column of the target list.
 */
enum {
	MC_FUZZ_NEED_OWN = 1,	  /* the device's own stream, saved from RUNNING */
	MC_FUZZ_NEED_RESAVED = 2, /* that stream resumed in one write, then saved again */
	/*
	 * A parser target: the input is an untrusted file for a reader of the library, no
	 * device is opened or touched (no reopen, kernel log, KCOV or reference streams).
	 * Such targets never run in a guest (make vmfuzz refuses them).
	 */
	MC_FUZZ_NO_DEVICE = 4,
};

/*
 * The targets, one per fuzz/<name>.c: X(name, needs, "what an input is"). The Makefile
 * derives the same list from the file names; tests/test_fuzz.c checks they agree.
 */
#define MC_FUZZ_TARGET_LIST(X)                                                \
	X(resume_stream, MC_FUZZ_NEED_OWN,                                    \
	  "a stream (raw, or the device's own with edits) and a write plan: " \
	  "STOP->RESUMING, writes, RESUMING->STOP, then the device is used")  \
	X(write_chunking, MC_FUZZ_NEED_OWN | MC_FUZZ_NEED_RESAVED,            \
	  "a write plan for the device's own valid stream: the outcome and "  \
	  "the re-saved stream equal those of a single write")                \
	X(state_sequence, 0,                                                  \
	  "SET/GET/RESET/read/write/close/PRECOPY_INFO actions, every "       \
	  "result checked against the model, session fds included")           \
	X(feature_ioctl, 0,                                                   \
	  "raw argsz, flags and payload for VFIO_DEVICE_FEATURE and "         \
	  "VFIO_MIG_GET_PRECOPY_INFO: errno per SPEC §6, nothing outside the payload written") \
	X(json_reader, MC_FUZZ_NO_DEVICE,                                     \
	  "a JSON file (report.json): parsed, every value walked through the " \
	  "accessors, then loaded as a report (no device)")                    \
	X(tar_reader, MC_FUZZ_NO_DEVICE,                                      \
	  "a tar file (a bundle): parsed as verify parses it, every member "  \
	  "checked against the buffer and the writer (no device)")

/* A violation an interpreter saw. Fields are NUL-terminated; "" when unknown. */
struct mc_fuzz_finding {
	char target[24];
	char clause[16]; /* the clause the observation violates ("FSM-01") */
	int err;	 /* -errno of the operation that violated it, or 0 */
	uint32_t state;	 /* the model's state when it was seen */
	char msg[384];
	char klog[192]; /* first kernel-log report line of the input, if any */
};

/*
 * The input-independent results a target needs (MC_FUZZ_NEED_*), made before its run by
 * mc_fuzz_run from a fresh or reset device: begin, a save, and for RESAVED a single-write
 * resume and a second save. When the device is reopened for every input and saves
 * byte-deterministic streams (the sim), every input would make the same ones, so they
 * are made once, on a device of their own, and kept; otherwise they are made again for
 * every input, on the input's device, just before the target runs.
 */
struct mc_fuzz_ref {
	const struct mc_fuzz_target *t; /* the target they were made for, or NULL */
	int rc;				/* 0, or what making them returned (1: finding) */
	struct mc_fuzz_finding f;	/* when rc is not 0 */
	uint8_t *own, *resaved;		/* malloc'd; resaved only on deterministic devices */
	size_t own_len, resaved_len;
};

struct mc_fuzz_trace;

/* The per-process fuzzing context. Knobs come from the environment (mc_fuzz_ctx_open). */
struct mc_fuzz_ctx {
	struct mc_dev *dev; /* the device, replaced when reopen is set */
	char spec[256];
	bool sim;	    /* simulated device: faults can be armed, no kernel log */
	bool reopen;	    /* MIGCHECK_FUZZ_REOPEN: fresh device per input (sim: 1) */
	bool strict;	    /* MIGCHECK_FUZZ_STRICT: SHOULD clauses are findings too (sim: 1) */
	bool deterministic; /* MIGCHECK_FUZZ_DETERMINISTIC: re-saved streams compared (sim: 1) */
	bool kmsg;	    /* MIGCHECK_FUZZ_KMSG=1: each input noted in /dev/kmsg first */
	bool klog;	    /* the backend reads the kernel log */
	bool log;	    /* the device does DMA logging (PROBE of START returns 0) */
	bool trace_on;	    /* compute trace after every input (determinism tests) */
	bool keep_ref;	    /* reopen && deterministic: ref made once and kept */
	struct mc_fuzz_ref ref; /* what the running target needs (its MC_FUZZ_NEED_*) */
	uint64_t flags;		/* migration flags, read again at the start of every input */
	uint8_t *foreign;	/* a stream of a device of another type, or NULL */
	size_t foreign_len;
	char foreign_spec[300];
	uint8_t *guard;	  /* one read-write page followed by MC_FUZZ_GUARD bytes that fault */
	uint64_t trace;	  /* hash of the operation log of the last input */
	uint8_t *scratch; /* state_sequence's buffers, kept from input to input */
	int kmsg_fd;
	struct mc_fuzz_kcov *kcov; /* kernel coverage of the inputs (fuzz_kcov.h), or NULL */
	bool kcov_tried; /* opened (or not) on the first input, by the thread that runs them */
	/*
	 * MIGCHECK_FUZZ_SAMPLE=dir: every sample_every-th input (MIGCHECK_FUZZ_SAMPLE_EVERY,
	 * default 499) is a candidate, and a uniform sample of MC_FUZZ_SAMPLE_MAX of them
	 * (reservoir) is kept as dir/s<slot>: the inputs a campaign ran, for a baseline.
	 */
	char *sample;
	unsigned sample_every;
	uint64_t sample_n, sample_k, sample_rng;
	struct mc_fuzz_trace *rec; /* fuzz_trace.h: the input's device calls go here, or NULL */
	struct mc_dev *rec_dev;	   /* the device the recorder is interposed on */
};
#define MC_FUZZ_SAMPLE_MAX 1024
#define MC_FUZZ_PAGE 4096u
#define MC_FUZZ_GUARD (64u << 10)

/* One target: its name, what an input is, and its interpreter. */
struct mc_fuzz_target {
	const char *name;
	unsigned need; /* MC_FUZZ_NEED_*: ctx->ref is made before run */
	const char *what;
	/*
	 * run: interpret @data against ctx->dev (fresh or reset, RUNNING expected). Returns
	 * 0, 1 with @f filled (a finding), or -errno when the harness itself failed (the
	 * reason in f->msg). Closes every data fd it opened.
	 */
	int (*run)(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
		   struct mc_fuzz_finding *f);
};

#define MC_FUZZ_X_DECL(name, need, what)                                              \
	int mc_fuzz_##name(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size, \
			   struct mc_fuzz_finding *f);
MC_FUZZ_TARGET_LIST(MC_FUZZ_X_DECL)
#undef MC_FUZZ_X_DECL

/* The target table (static storage); *@n receives the count. */
const struct mc_fuzz_target *mc_fuzz_targets(int *n);
/* The target named @name, or NULL. */
const struct mc_fuzz_target *mc_fuzz_target_find(const char *name);

/*
 * mc_fuzz_ctx_open: open @spec (NULL: $MIGCHECK_FUZZ_DEVICE, else MC_FUZZ_DEFAULT_DEVICE),
 * read the knobs, save the foreign stream ($MIGCHECK_FUZZ_FOREIGN, or for sim the same
 * spec with another id). 0, or -errno with one line in @err.
 */
int mc_fuzz_ctx_open(const char *spec, struct mc_fuzz_ctx **ctxp, char *err, size_t errlen);
/*
 * mc_fuzz_ctx_open_for: the context a driver of target @t needs: mc_fuzz_ctx_open(@spec)
 * for a device target, one without a device (ctx->dev NULL, spec "none") for a
 * MC_FUZZ_NO_DEVICE target, so that fuzzing a parser opens nothing.
 */
int mc_fuzz_ctx_open_for(const struct mc_fuzz_target *t, const char *spec,
			 struct mc_fuzz_ctx **ctxp, char *err, size_t errlen);
void mc_fuzz_ctx_close(struct mc_fuzz_ctx *ctx);

/*
 * mc_fuzz_run: one input: a fresh device (reopened, or the one kept), the input noted in
 * /dev/kmsg when asked, the target, then the kernel log checked (ROB-01). Returns as
 * the target's run(); @f is cleared first and names the target.
 */
int mc_fuzz_run(struct mc_fuzz_ctx *ctx, const struct mc_fuzz_target *t, const uint8_t *data,
		size_t size, struct mc_fuzz_finding *f);

/* Fill @f and return 1: the interpreters' one way to report a violation. */
__attribute__((format(printf, 5, 6))) int mc_fuzz_fail(struct mc_fuzz_finding *f,
						       const char *clause, int err, uint32_t state,
						       const char *fmt, ...);
/* The harness's own failure: message in @f, returns @err (negative). */
__attribute__((format(printf, 3, 4))) int mc_fuzz_broken(struct mc_fuzz_finding *f, int err,
							 const char *fmt, ...);
/*
 * "target|clause|errno|state|kernel report": equal keys are one finding (dedup). The
 * kernel report is mc_fuzz_klog_norm() of f->klog ("" when the input made none).
 */
void mc_fuzz_finding_key(const struct mc_fuzz_finding *f, char *buf, size_t len);
/*
 * mc_fuzz_finding_keep: keep @data (@size bytes) as the input of @f's dedup key in @dir
 * (made if missing), unless one was kept for that key already: @dir/<hash> holds the
 * input and @dir/<hash>.key "FINDING <key>" and the message, hash being the key's
 * FNV-1a in 16 hex digits (the .key file is written last). 1 kept, 0 kept before, or
 * -errno. For an in-guest replay of each distinct finding (vm/vmfuzz-replay.sh).
 */
int mc_fuzz_finding_keep(const char *dir, const struct mc_fuzz_finding *f, const uint8_t *data,
			 size_t size);
/* Two lines: "FINDING <key>" and the message (and the kernel-log line). */
void mc_fuzz_finding_print(FILE *out, const struct mc_fuzz_finding *f);

/* ---------------------------------------------------------------- input decoding */

struct mc_fuzz_in {
	const uint8_t *p;
	size_t len, off;
};
void mc_fuzz_in_init(struct mc_fuzz_in *in, const uint8_t *p, size_t len);
/* Little-endian fields; bytes past the end read as 0. */
uint8_t mc_fuzz_u8(struct mc_fuzz_in *in);
uint16_t mc_fuzz_u16(struct mc_fuzz_in *in);
uint32_t mc_fuzz_u32(struct mc_fuzz_in *in);
size_t mc_fuzz_left(const struct mc_fuzz_in *in);
/* Up to @n bytes at the cursor (*@got of them, possibly 0); the cursor moves past them. */
const uint8_t *mc_fuzz_take(struct mc_fuzz_in *in, size_t n, size_t *got);

/* ---------------------------------------------------------------- write plans */

/*
 * A write plan: records of 3 bytes { u8 op; u16 n } (see fuzz/README.md), cutting a
 * stream into write(), writev() and deliberately faulting calls. After the records, or
 * after MC_FUZZ_MAX_CALLS calls, the rest goes in one write.
 */
#define MC_FUZZ_REC 3
#define MC_FUZZ_MAX_CALLS 256
enum {
	MC_FUZZ_W_FAULTS = 1,	/* op 2 writes from an unreadable buffer (else: a plain write) */
	MC_FUZZ_W_CONTINUE = 2, /* after a failed write go on with the next chunk (a gap) */
};

/* The accounts of one plan (RES-03: judged on acknowledged bytes only). */
struct mc_fuzz_wres {
	uint64_t acked;	  /* bytes acknowledged by successful returns, in order */
	uint64_t offered; /* bytes of the stream the plan got to */
	unsigned calls;
	int first_err; /* first failed write's -errno (a 0 return counts as -EIO) */
	bool gap;      /* a failed write was followed by an acknowledged byte */
	bool faulted;  /* an unreadable-buffer write was issued */
	uint8_t *ack;  /* the acknowledged bytes (malloc'd, @acked long) */
};
/*
 * mc_fuzz_write_plan: write @s (@len bytes) to @fd per @nrec records read from @plan.
 * Returns 0, 1 with @f filled when a return breaks the accounts (more than asked, bytes
 * taken from an unreadable buffer), or -errno (harness). Free @r with mc_fuzz_wres_free.
 */
int mc_fuzz_write_plan(struct mc_fuzz_ctx *ctx, int fd, const uint8_t *s, size_t len,
		       struct mc_fuzz_in *plan, unsigned nrec, unsigned wflags,
		       struct mc_fuzz_wres *r, struct mc_fuzz_finding *f);
void mc_fuzz_wres_free(struct mc_fuzz_wres *r);

/* ---------------------------------------------------------------- device steps */

/*
 * Every step returns 0, 1 with @f filled (the device violated the clause named), or
 * -errno (harness). @what names the situation in messages.
 */
/* The clause a SET the model has no path for violates when it succeeds. */
const char *mc_fuzz_no_path_clause(uint64_t flags, uint32_t from, uint32_t to);
/* Start of an input: flags valid (FEAT-01), RESET gives 0 and RUNNING (ERR-01). */
int mc_fuzz_begin(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f);
/* From RUNNING: a STOP_COPY save read to EOF, then RUNNING again. *@buf is malloc'd. */
int mc_fuzz_save(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, uint8_t **buf, size_t *len);
/* RESET gives 0 and RUNNING; a write to @old_fd (>= 0: a resume fd) then fails. */
int mc_fuzz_recover(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, int old_fd,
		    const char *what);
/*
 * After RESUMING->STOP succeeded: the registers of every region read (mc_exercise_dev),
 * SET RUNNING works, and running, the BAR registers are written back and read again
 * (RES-05; a failed read is a finding, a refused write is not).
 */
int mc_fuzz_usable(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const char *what);

/* One resume: SET RESUMING, the plan, [close the fd], SET STOP or RESET, GET. */
enum {
	MC_FUZZ_R_CLOSE_FIRST = 1, /* close the resume fd before RESUMING->STOP */
	MC_FUZZ_R_ABORT = 2,	   /* RESET instead of RESUMING->STOP */
};
struct mc_fuzz_attempt {
	struct mc_fuzz_wres w;
	int fd;		/* the resume fd, still open (or -1); the caller closes it */
	int stop_rc;	/* RESUMING->STOP, or the RESET of an abort */
	uint32_t state; /* GET afterwards */
};
/*
 * mc_fuzz_resume: the attempt, with the state judged against the model (FSM-01/02/07,
 * ERR-04). Whether the stream had to be accepted is the caller's judgement.
 */
int mc_fuzz_resume(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const uint8_t *s, size_t len,
		   struct mc_fuzz_in *plan, unsigned nrec, unsigned wflags, unsigned ropts,
		   struct mc_fuzz_attempt *a);
void mc_fuzz_attempt_free(struct mc_fuzz_ctx *ctx, struct mc_fuzz_attempt *a);
/*
 * From RUNNING: resume @s (@len bytes, the device's own stream) with @plan (NULL: one
 * write), expect every byte acknowledged and RESUMING->STOP accepted (RES-01), check the
 * device is usable (RES-05), save again into *@again when @again is not NULL (malloc'd;
 * NULL on any failure), and RESET back to RUNNING.
 */
int mc_fuzz_resume_resave(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const uint8_t *s,
			  size_t len, struct mc_fuzz_in *plan, unsigned nrec, uint8_t **again,
			  size_t *again_len);

/* ---------------------------------------------------------------- kernel log */

/*
 * mc_fuzz_klog_norm: the dedup-key form of a kernel-log line @line (any rendering, may be
 * ""): "<kind>: <text>" with kind from mc_klog_kind() ("log" when the line opens no
 * report) and the text without the log's prefix, with "0x?" for hex numbers, "?" for
 * bare addresses, pids, CPU numbers, task names and report counters, and no
 * "+0x../0x.." function offsets. Writes "" for "". @buf (@len > 0 bytes) is always
 * NUL-terminated; a longer result is cut.
 */
void mc_fuzz_klog_norm(const char *line, char *buf, size_t len);
/* Read the kernel-log lines since the last call; 1 with ROB-01 in @f on a report. */
int mc_fuzz_klog_check(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f);
/* With MIGCHECK_FUZZ_KMSG=1 on a kernel backend: the input (hex, first 256 bytes). */
void mc_fuzz_kmsg_note(struct mc_fuzz_ctx *ctx, const char *target, const uint8_t *data,
		       size_t size);

/* ---------------------------------------------------------------- replay */

/*
 * `migcheck replay [--device SPEC] [--target T] [--expect-finding] FILE|DIR...`: run
 * each file through its target (--target, else the name of the directory holding it)
 * and print every finding once per dedup key. @default_target (may be NULL) stands in
 * for --target (the replay drivers). Exit: 0 no finding (or, with --expect-finding,
 * every file found one), 1 otherwise, 2 usage or harness error.
 */
int mc_fuzz_replay_main(int argc, char **argv, const char *default_target);

/*
 * mc_fuzz_read_input: the first MC_FUZZ_MAX_INPUT bytes of the input file @path (a regular
 * file: a FIFO is refused, never read) into a malloc'd *@buf of *@len bytes, as the
 * engines cut an input; for the replay and the benchmark that replays a corpus. 0 or
 * -errno.
 */
int mc_fuzz_read_input(const char *path, uint8_t **buf, size_t *len);

#endif /* MC_FUZZ_H */

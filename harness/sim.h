/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private header of the simulated device backend: sim.c (spec, reset, data fds, ops
 * table), sim_core.c (feature ioctl and driver FSM), sim_stream.c (stream producer and
 * parser), sim_log.c (memory, regions, DMA logging). Structures and shared helpers.
 * Nothing here is part of the backend seam except mc_sim_defects(), which the CLI uses
 * for `migcheck defects`.
 */
#ifndef MC_SIM_H
#define MC_SIM_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend.h"

#define MC_SIM_PAGE 4096u
#define MC_SIM_CFG_SIZE 256u
#define MC_SIM_CFG_RW 0x40u		/* config bytes below this are read-only */
#define MC_SIM_BAR1_SIZE 4096u
#define MC_SIM_LOG_MAX_RANGES 256u	/* PAGE_SIZE / sizeof(range), SPEC §6.3 */

/* BAR1 register offsets (little-endian u64). */
#define MC_SIM_REG_ID 0x00
#define MC_SIM_REG_WCOUNT 0x08
#define MC_SIM_REG_DMA_IOVA 0x10
#define MC_SIM_REG_DMA_LEN 0x18
#define MC_SIM_REG_DMA_DOORBELL 0x20
/*
 * Writing 1 in PRE_COPY(_P2P) changes the device's configuration so that its state needs
 * a new initial image, as a firmware change does on mlx5: after the MIG_PRECOPY_INFOv2
 * opt-in the session starts its initial chunk over and reports REINIT; without it every
 * page already sent is sent again as dirty.
 */
#define MC_SIM_REG_REINIT 0x28

/*
 * The injectable defects: X(ENUM, "name", "one-line description", "clauses it trips").
 * One list feeds the enum, the bit masks and the public table in sim.c.
 */
#define MC_SIM_DEFECT_LIST(X)                                                                  \
	X(WRONG_NEXT_STEP, "wrong_next_step",                                                  \
	  "combination transitions of 2+ arcs stop one arc short but report success", "FSM-01") \
	X(NO_FD_RESUMING, "no_fd_resuming",                                                    \
	  "STOP->RESUMING opens the session but returns data_fd -1", "FSM-02")                 \
	X(FD_ON_NONSESSION, "fd_on_nonsession",                                                \
	  "a SET whose last arc enters RUNNING also returns a fresh save-style fd", "FSM-02")   \
	X(STALE_GET, "stale_get",                                                              \
	  "the first GET after a state-changing SET reports the previous state",              \
	  "FSM-01,FSM-06")                                                                      \
	X(ASYNC_STATE, "async_state",                                                          \
	  "every 3rd GET in STOP reports RUNNING and the device really moves there", "FSM-06") \
	X(STOPCOPY_TO_PRECOPY, "stopcopy_to_precopy",                                          \
	  "STOP_COPY->PRE_COPY(_P2P) succeeds, continuing the session", "FSM-04")              \
	X(SAME_STATE_NEW_FD, "same_state_new_fd",                                              \
	  "a same-state SET in a saving state ends the session and returns a new fd",         \
	  "FSM-05,VMM-01")                                                                      \
	X(BAD_TARGET_MASKED, "bad_target_masked",                                              \
	  "SET targets >= 8 are masked with 7 (SET 9 acts as SET STOP)", "FSM-03")             \
	X(FAIL_OFF_PATH, "fail_off_path",                                                      \
	  "a SET that fails inside the driver leaves the device in RUNNING", "FSM-07")         \
	X(ERROR_STICKY, "error_sticky", "VFIO_DEVICE_RESET does not leave ERROR",              \
	  "ERR-02,ERR-01,ERR-03")                                                               \
	X(SET_IN_ERROR, "set_in_error",                                                        \
	  "SETs are accepted in ERROR (the driver loop starts from RUNNING)", "ERR-02")        \
	X(RESET_KEEPS_SESSION, "reset_keeps_session",                                          \
	  "reset does not end an open save session: its fd keeps delivering", "ERR-01")        \
	X(PROBE_WRITES_PAYLOAD, "probe_writes_payload",                                        \
	  "PROBE of feature MIGRATION writes the flags into the payload", "FEAT-02")           \
	X(ARGSZ_UNCHECKED, "argsz_unchecked",                                                  \
	  "MIG_DEVICE_STATE GET/SET accept argsz 8..15", "FEAT-03")                            \
	X(NO_STOP_COPY_FLAG, "no_stop_copy_flag",                                              \
	  "GET MIGRATION advertises the flags without VFIO_MIGRATION_STOP_COPY", "FEAT-01")    \
	X(DATA_SIZE_FAILS_RESUMING, "data_size_fails_resuming",                                \
	  "GET MIG_DATA_SIZE fails with EIO in RESUMING", "FEAT-04")                           \
	X(RESUME_RESET_KEEPS_FD, "resume_reset_keeps_fd",                                      \
	  "reset during RESUMING leaves the old resume fd accepting writes", "ERR-04")          \
	X(INITIAL_BYTES_GROWS, "initial_bytes_grows",                                          \
	  "PRECOPY_INFO counts the unread rest of the record being served twice, so "          \
	  "initial_bytes grows after a partial read", "PRE-02")                                \
	X(DIRTY_NONZERO_AT_START, "dirty_nonzero_at_start",                                    \
	  "PRECOPY_INFO reports one page record too many in dirty_bytes, so it starts "        \
	  "non-zero", "PRE-02")                                                                \
	X(ENOMSG_AS_EOF, "enomsg_as_eof",                                                      \
	  "at the temporary end of pre-copy data read() returns 0 instead of failing with "    \
	  "ENOMSG (as mtty does)", "PRE-03")                                                   \
	X(STOPCOPY_RESTARTS_STREAM, "stopcopy_restarts_stream",                                \
	  "a session begun in PRE_COPY starts the stream over (header, every page) when it "   \
	  "enters STOP_COPY", "PRE-04,FSM-08")                                                 \
	X(LOG_NO_RANGE_CHECK, "log_no_range_check",                                            \
	  "DMA_LOGGING_START accepts zero ranges and more than 256 (tracking the first 256)",  \
	  "LOG-02")                                                                             \
	X(LOG_OVERLAP_OK, "log_overlap_ok", "DMA_LOGGING_START accepts overlapping ranges",    \
	  "LOG-02")                                                                             \
	X(LOG_REPORT_WITHOUT_START, "log_report_without_start",                                \
	  "DMA_LOGGING_REPORT succeeds, reporting nothing, when logging is not started",       \
	  "LOG-03")                                                                             \
	X(LOG_DOUBLE_START, "log_double_start",                                                \
	  "a second DMA_LOGGING_START before STOP succeeds and replaces the ranges", "LOG-03") \
	X(LOG_REPORT_BAD_PGSIZE, "log_report_bad_pgsize",                                      \
	  "DMA_LOGGING_REPORT accepts page sizes below 4096 and non-powers of two (refuses "   \
	  "only 0)", "LOG-04")                                                                 \
	X(LOG_REPORT_END_OFF_BY_ONE, "log_report_end_off_by_one",                              \
	  "DMA_LOGGING_REPORT refuses (EINVAL) a range that ends exactly where a started "     \
	  "range ends", "LOG-01")                                                              \
	X(PATH_DEPENDENT_ARC, "path_dependent_arc",                                            \
	  "the arc out of STOP toward RUNNING(_P2P) fails with EIO when STOP was entered from " \
	  "STOP_COPY (a stale save buffer blocks the restart)", "FSM-09,FSM-01")                                       \
	X(EOF_NOT_PERMANENT, "eof_not_permanent",                                              \
	  "after the STOP_COPY stream has returned 0 once, the next read serves it again from " \
	  "the header", "SAVE-01")                                                             \
	X(ENOMSG_IN_STOPCOPY, "enomsg_in_stopcopy",                                            \
	  "in STOP_COPY the first read after the pages fails once with ENOMSG, as in "         \
	  "pre-copy", "SAVE-01,VMM-01,VMM-04")                                                 \
	X(READ_SIZE_DEPENDENT, "read_size_dependent",                                          \
	  "a read that ends inside an 8-byte record header skips the rest of that header",     \
	  "SAVE-02")                                                                            \
	X(READ_HANGS_AT_EOF, "read_hangs_at_eof",                                              \
	  "a read after the end of the STOP_COPY stream blocks for ever instead of returning " \
	  "0 again", "SAVE-01")                                                                \
	X(SESSION_SURVIVES_STOP, "session_survives_stop",                                      \
	  "STOP_COPY->STOP does not end the save session: its fd keeps delivering",            \
	  "SAVE-03")                                                                            \
	X(SAVE_FD_SEEKABLE, "save_fd_seekable",                                                \
	  "the save fd is not opened as a stream: lseek returns 0 and pread reads on",         \
	  "SAVE-04")                                                                            \
	X(DATA_SIZE_ZERO, "data_size_zero",                                                    \
	  "MIG_DATA_SIZE reports 0 (caught against a --budget datasize=RATIO)",                 \
	  "SAVE-05,VMM-01")                                                                     \
	X(REJECTS_SMALL_WRITES, "rejects_small_writes",                                        \
	  "resume writes shorter than 8 bytes fail with EINVAL", "RES-01")                     \
	X(HEADER_NEEDS_ONE_WRITE, "header_needs_one_write",                                    \
	  "the 32-byte stream header is parsed only from a single write that holds all of it", \
	  "RES-01")                                                                             \
	X(DROPS_SPLIT_BYTES, "drops_split_bytes",                                              \
	  "a write that ends inside a page's data completes that page with what it had: the "  \
	  "rest, in the next write, is parsed as the next record", "RES-01")                   \
	X(REGS_NOT_RESTORED, "regs_not_restored",                                              \
	  "the REGS record is parsed but its write counter is not restored", "RES-02")         \
	X(TRUNCATED_ACCEPTED, "truncated_accepted",                                            \
	  "RESUMING->STOP applies whatever arrived without waiting for the END record",        \
	  "RES-03")                                                                             \
	X(END_OPTIONAL, "end_optional",                                                        \
	  "RESUMING->STOP accepts a stream whose END record is missing or cut short once "    \
	  "every page, CONFIG and REGS arrived (END and its crc are optional)", "RES-03")      \
	X(FAILED_WRITE_COUNTS, "failed_write_counts",                                          \
	  "a write failing with EFAULT still advances the stream offset (its bytes stay zero) " \
	  "and nothing checks the data (END's crc is ignored), as mtty", "RES-03")             \
	X(FOREIGN_ACCEPTED, "foreign_accepted",                                                \
	  "the device id in the stream header is not compared with the destination's",         \
	  "RES-04")                                                                             \
	X(REJECTED_WRITE_COUNTS, "rejected_write_counts",                                      \
	  "a write rejected with EINVAL still counts its bytes; RESUMING->STOP succeeds once "  \
	  "the count reaches the stream size (as mtty)", "RES-04")                             \
	X(BAD_STREAM_WEDGES, "bad_stream_wedges",                                              \
	  "a rejected stream wedges the resume engine: every later resume write fails with "   \
	  "EIO, reset does not help", "RES-05")                                                \
	X(RESUME_FD_READABLE, "resume_fd_readable",                                            \
	  "the resume fd has a read op that returns 0", "RES-06")                              \
	X(WRITES_AFTER_RESUME_END, "writes_after_resume_end",                                  \
	  "after RESUMING->STOP the old resume fd still accepts (and drops) writes", "RES-06")  \
	X(PRECOPY_INFO_ANY_STATE, "precopy_info_any_state",                                    \
	  "PRECOPY_INFO does not check the state: it succeeds in STOP_COPY", "PRE-01")         \
	X(PRECOPY_INFO_SHORT_ARGSZ, "precopy_info_short_argsz",                                \
	  "PRECOPY_INFO checks argsz against 16 (initial_bytes only), not 24", "PRE-05")       \
	X(V2_PROBE_FAILS, "v2_probe_fails",                                                    \
	  "PROBE of MIG_PRECOPY_INFOv2 fails with EINVAL (the handler takes SET alone as "     \
	  "valid, before vfio_check_feature); SET works", "PRE-06")                                          \
	X(V2_FLAGS_ECHOED, "v2_flags_echoed",                                                  \
	  "after the MIG_PRECOPY_INFOv2 opt-in PRECOPY_INFO still echoes the caller's flags "  \
	  "(the driver copies the struct in itself instead of using the core helper)",         \
	  "PRE-07")                                                                             \
	X(REINIT_WITHOUT_OPTIN, "reinit_without_optin",                                        \
	  "the device starts its initial data over and reports REINIT also when the caller "   \
	  "never opted in", "PRE-08")                                                          \
	X(REINIT_KEEPS_DIRTY, "reinit_keeps_dirty",                                            \
	  "a REINIT keeps the dirty pages pending: the answer carrying REINIT has "            \
	  "dirty_bytes non-zero", "PRE-09")                                                    \
	X(REINIT_UNFLAGGED, "reinit_unflagged",                                                \
	  "after the opt-in the device starts its initial data over without setting REINIT, "  \
	  "so initial_bytes grows in a plain answer", "PRE-02,PRE-09")                         \
	X(V2_SURVIVES_CLOSE, "v2_survives_close",                                              \
	  "the MIG_PRECOPY_INFOv2 opt-in is not cleared when the device is closed: the next "  \
	  "open finds it set", "PRE-10")                                                       \
	X(SLOW_STOP_COPY, "slow_stop_copy",                                                    \
	  "STOP->STOP_COPY sleeps 150 ms (caught against --budget arc=STOP_COPY:100ms)",       \
	  "TIME-01,TIME-02")                                                                    \
	X(WARN_ON_BAD_STREAM, "warn_on_bad_stream",                                            \
	  "a rejected resume write logs a WARNING splat to the (simulated) kernel log",        \
	  "ROB-01")                                                                             \
	X(CLOSE_LEAKS_SESSION, "close_leaks_session",                                          \
	  "closing the device with a session open leaks it: after reopening, every SET fails " \
	  "with EBUSY, reset does not help", "ROB-02")                                         \
	X(FD_OUTLIVES_DEVICE, "fd_outlives_device",                                            \
	  "closing and removing the device does not disable its data fds: a save fd keeps "    \
	  "delivering", "ROB-03")                                                              \
	X(RESUME_SPLIT_HEADER, "resume_split_header",                                          \
	  "a record header split across two writes loses the bytes of the first (the parser "  \
	  "restarts the header at every write)", "RES-01")                                     \
	X(WARN_ON_FIRST_OPEN, "warn_on_first_open",                                            \
	  "the first open of the device after the (simulated) machine started logs a "         \
	  "WARNING: before any case, in the preflight", "ROB-01")                              \
	X(LEAK_ON_BAD_STREAM, "leak_on_bad_stream",                                            \
	  "a rejected resume write leaks the parser's buffer: the (simulated) kmemleak finds "  \
	  "it in the scan after the case group", "ROB-01")                                    \
	X(RESTORED_REGS_UNREADABLE, "restored_regs_unreadable",                                \
	  "after a resume that restored the REGS record, reads of BAR1 past its first 8 "      \
	  "bytes (the restored write counter, the DMA registers) fail with EIO until reset",   \
	  "RES-01,RES-02,RES-05")                                                              \
	X(DATA_SIZE_ZERO_RUNNING, "data_size_zero_running",                                    \
	  "MIG_DATA_SIZE reports 0 in every state but STOP_COPY (nothing pending until the "   \
	  "device stops)", "VMM-01")                                                           \
	X(INITIAL_BYTES_COUNTS_TAIL, "initial_bytes_counts_tail",                              \
	  "PRECOPY_INFO's initial_bytes also counts the STOP_COPY-only tail (CONFIG, REGS, "   \
	  "END), so it never reaches 0 in pre-copy", "VMM-01")                                 \
	X(CLOSE_IN_RESUMING_DISCARDS, "close_in_resuming_discards",                            \
	  "closing the resume fd while still in RESUMING drops what was written: the SET out " \
	  "of RESUMING then refuses the stream", "VMM-02")                                     \
	X(SECOND_FD_WHILE_HELD, "second_fd_while_held",                                        \
	  "the arc into STOP_COPY from a pre-copy state starts a new session and returns its " \
	  "fd while the pre-copy fd is still held (that one goes dead)", "VMM-03,VMM-01")      \
	X(SAVE_THREAD_BOUND, "save_thread_bound",                                              \
	  "in STOP_COPY, reads of the save fd from a thread other than the one whose SET "     \
	  "entered STOP_COPY fail with EINVAL", "VMM-04")                                      \
	X(RESUME_ONLY_AT_STOP, "resume_only_at_stop",                                          \
	  "the stream is applied only by a SET that ends in STOP: RESUMING->RUNNING(_P2P) in " \
	  "one SET walks through STOP without loading it and keeps the old state",             \
	  "VMM-05,VMM-02")                                                                      \
	X(REOPEN_SKIPS_LOAD, "reopen_skips_load",                                              \
	  "the driver's 'state loaded' flag outlives the device fd (not reset at open, as "    \
	  "hisi_acc's was): after a close and reopen, RESUMING->STOP succeeds without "       \
	  "loading the stream", "REG-01")                                                      \
	X(RESET_MIDSTREAM_KEEPS_FD, "reset_midstream_keeps_fd",                                \
	  "a RESET while a save stream is partly read leaves that session alive: its fd "      \
	  "keeps delivering", "REG-02")                                                        \
	X(RESUME_POS_WRAPS, "resume_pos_wraps",                                                \
	  "the resume write's limit check adds position and count in a 32-bit int: a count "   \
	  "that takes it past INT_MAX wraps negative, is acknowledged in full, its bytes "     \
	  "dropped, and a KASAN out-of-bounds report logged", "REG-03,ROB-01")                 \
	X(LOG_STOP_LEAKS, "log_stop_leaks",                                                    \
	  "each DMA_LOGGING_STOP after a START leaks the range tracker (the simulated "        \
	  "kmemleak finds it); once 64 are lost START fails with ENOMEM", "REG-04,ROB-01")     \
	X(SET_READ_RACE, "set_read_race",                                                      \
	  "a save read drops the lock around its copy and writes its stale session flags "     \
	  "back (a racy flag word, as mlx5's bitfields): a STOP_COPY->STOP in that window is " \
	  "undone and later reads deliver data", "CONC-01")                                    \
	X(RESET_DURING_SET_DEADLOCK, "reset_during_set_deadlock",                              \
	  "RESET takes the reset lock, then the state lock; SET holds the state lock and "     \
	  "takes the reset lock at its end (a deferred-reset check in the wrong order): a "    \
	  "RESET racing a SET deadlocks", "CONC-02")                                           \
	X(SHARED_FD_DOUBLE_SERVE, "shared_fd_double_serve",                                    \
	  "a save read advances the stream position only after its copy, outside the lock: "   \
	  "a second reader in that window gets the same bytes again", "CONC-03")

/*
 * Conforming variants: X(ENUM, "name", "how it differs from the default, within the
 * uAPI", "run options it needs"). A variant must draw no fail and no warn.
 */
#define MC_SIM_VARIANT_LIST(X)                                                                 \
	X(ERROR_ON_BAD_RESUME, "error_on_bad_resume",                                          \
	  "a RESUMING->STOP that refuses the stream enters ERROR instead of staying in "       \
	  "RESUMING", "")                                                                       \
	X(NONDET_STREAM, "nondet_stream",                                                      \
	  "every save carries a fresh session nonce in the header's informational word: "      \
	  "streams differ byte for byte, the state they carry does not",                       \
	  "--nondeterministic --state-regions 0@0x100+8,config@0x40+4,1@8+8")                  \
	X(SHORT_READS, "short_reads", "read() returns at most 100 bytes per call", "")         \
	X(PRECOPY_EMPTY, "precopy_empty",                                                      \
	  "pre-copy has no data: PRECOPY_INFO reports 0/0 and read() fails with ENOMSG at "    \
	  "once; the whole stream comes in STOP_COPY", "")                                     \
	X(BIG_STATE, "big_state", "a BAR0 of 1 MiB (16 times the default): 256 page records", \
	  "")                                                                                    \
	X(ALLOC_FAULTS, "alloc_faults",                                                        \
	  "its faults are the driver's own failed allocations, as a kernel with fault "        \
	  "injection gives them (one per session it makes; the SET fails with ENOMEM where "   \
	  "it was), not arc faults", "")                                                       \
	X(PRECOPY_V1, "precopy_v1",                                                            \
	  "a kernel before 7.1: feature 12 (MIG_PRECOPY_INFOv2) is unknown (ENOTTY) and "     \
	  "PRECOPY_INFO always echoes the caller's flags", "")                                 \
	X(UNKNOWN_FEATURE_EINVAL, "unknown_feature_einval",                                    \
	  "a kernel before 6.18: an unknown feature, feature 12 among them, gives EINVAL "     \
	  "rather than ENOTTY", "")

#define MC_SIM_X_ENUM(e, n, d, c) MC_SIM_DEFECT_IDX_##e,
enum { MC_SIM_DEFECT_LIST(MC_SIM_X_ENUM) MC_SIM_NDEFECTS };
/* Words of struct mc_sim_dev's defect mask: room for 128 defects. */
#define MC_SIM_DEFECT_WORDS 2
#undef MC_SIM_X_ENUM
#define MC_SIM_X_ENUM(e, n, d, c) MC_SIM_VARIANT_IDX_##e,
enum { MC_SIM_VARIANT_LIST(MC_SIM_X_ENUM) MC_SIM_NVARIANTS };
#undef MC_SIM_X_ENUM
/* Whether @dev is variant @v (the ENUM part of its list entry). */
#define MC_SIM_IS(dev, v) ((((dev)->variants) >> MC_SIM_VARIANT_IDX_##v) & 1u)
/* Whether @dev carries defect @d (the ENUM part of its list entry). */
#define MC_SIM_HAS(dev, d)                                                                     \
	((((dev)->defects[MC_SIM_DEFECT_IDX_##d / 64]) >> (MC_SIM_DEFECT_IDX_##d % 64)) & 1u)

/* One injectable defect, for `migcheck defects` and defect-coverage tests. */
struct mc_sim_defect {
	const char *name;	/* the spec value: sim:defect=<name>[+<name>...] */
	const char *description;
	const char *clauses;	/* comma-separated clause IDs the defect must trip ("") */
	const char *run_opts;	/* variant: `migcheck run` options it needs, or "" */
};

/* The defect table (static storage, never NULL); *@n receives the number of entries. */
const struct mc_sim_defect *mc_sim_defects(int *n);
/*
 * The conforming variants (sim:variant=<name>[+<name>...]), in the same shape: the
 * clauses field holds the run options the variant needs ("" for none).
 */
const struct mc_sim_defect *mc_sim_variants(int *n);

/* ------------------------------------------------------------------ save stream */

/* A save session: a lazy producer of the stream (sim_stream.c). */
struct mc_sim_save {
	uint64_t id;			/* session id, matched against fd table entries */
	bool final;			/* STOP_COPY reached: append the tail after the pages */
	int phase;			/* private to sim_stream.c */
	uint64_t cursor;		/* next page of the initial chunk */
	uint64_t *dirty;		/* pages re-dirtied after being sent */
	uint64_t ndirty;
	uint64_t pos;			/* bytes delivered */
	uint32_t crc;			/* over every byte generated so far */
	bool rec_dirty;			/* the buffered record is a dirty-page record */
	bool eof_seen;			/* defect eof_not_permanent */
	uint32_t nonce;			/* variant nondet_stream */
	bool enomsg_done;		/* defect enomsg_in_stopcopy */
	uint64_t init_end;		/* stream offset where the initial chunk ends */
	bool reinit;			/* REINIT happened and was not reported yet */
	size_t rec_len, rec_off;
	uint8_t rec[MC_SIM_PAGE + 64];
};

/* A resume session: an incremental parser staging the incoming state. */
struct mc_sim_resume {
	uint64_t id;
	bool poisoned;			/* an invalid byte arrived; every later write fails */
	bool done;			/* a valid END arrived */
	int phase;			/* private to sim_stream.c */
	size_t have;			/* bytes of the current field/record part so far */
	uint8_t hdr[MC_SIM_CFG_SIZE];	/* the small field being collected */
	uint32_t rtype, rlen;
	uint64_t page;			/* page index of the PAGE record being received */
	uint32_t crc, crc_rec;		/* running crc; crc at the current record start */
	uint8_t *mem;			/* staged BAR0 image, taken on the first PAGE */
	uint64_t *got;			/* pages received */
	uint64_t *seen;			/* pages whose staging was zeroed (first PAGE record) */
	uint64_t ngot;
	uint8_t cfg[MC_SIM_CFG_SIZE];
	uint64_t wcount;
	bool got_cfg, got_regs;
	bool lenient;			/* rejected_write_counts: only counting bytes now */
	uint64_t nbytes;		/* bytes taken by successful or counted writes */
};

/* ------------------------------------------------------------------ DMA logging */

struct mc_sim_iv {
	uint64_t a, b;			/* dirty IOVA pages [a, b) in 4 KiB units */
};

struct mc_sim_log {
	bool started;
	uint32_t nranges;
	struct {
		uint64_t start, last;	/* inclusive byte range, as the kernel's interval tree */
	} ranges[MC_SIM_LOG_MAX_RANGES];
	struct mc_sim_iv *iv;		/* sorted, disjoint, non-adjacent */
	size_t niv, cap;
};

/* ------------------------------------------------------------------ the device */

enum mc_sim_fd_kind { MC_SIM_FD_SAVE = 1, MC_SIM_FD_RESUME };

struct mc_sim_fd {
	int fd;				/* reserved with eventfd() so the number is unique */
	enum mc_sim_fd_kind kind;
	uint64_t sess;			/* session id; 0 = never live */
};

struct mc_sim_dev {
	pthread_mutex_t lock;
	uint64_t flags;			/* migration flags the device implements */
	uint32_t id;
	uint64_t mem_size, npages;
	uint64_t seed;
	uint64_t defects[MC_SIM_DEFECT_WORDS];	/* bit MC_SIM_DEFECT_IDX_* per defect */
	uint32_t variants;		/* bit MC_SIM_VARIANT_IDX_* per conforming variant */
	uint32_t nonce;			/* nondet_stream: bumped for every save session */

	uint32_t state;
	uint8_t cfg[MC_SIM_CFG_SIZE];
	uint8_t *mem;			/* BAR0; pages generated from the seed on first touch */
	uint8_t *mem_spare;		/* the image a swap replaced, kept for the next staging */
	uint64_t *born;			/* pages already generated */
	uint64_t wcount;
	uint64_t dma_iova, dma_len;
	bool regs_restored;		/* defect restored_regs_unreadable */

	uint64_t next_sess;
	struct mc_sim_save *save;
	struct mc_sim_resume *resume;
	struct mc_sim_fd *fds;
	size_t nfds, capfds;

	struct mc_sim_log log;

	enum mc_fault_kind fault;
	uint32_t fault_arc;		/* from << 8 | to */
	uint32_t alloc_left;		/* variant alloc_faults: ALLOC_NTH's count-down */
	uint32_t alloc_seen;		/* ... and ALLOC_COUNT's count */

	bool stale_pending;		/* defect stale_get */
	uint32_t stale_state;
	uint64_t stop_gets;		/* defect async_state */
	uint32_t prev_state;		/* the state before dev->state (path_dependent_arc) */
	bool wedged;			/* bad_stream_wedges: the resume engine refuses all */
	bool leaked;			/* close_leaks_session: a leaked session blocks SETs */
	bool removed;			/* the device was removed; its data fds stay */
	bool precopy_v2;		/* the caller opted in with MIG_PRECOPY_INFOv2 */
	uint32_t set_target;		/* the target of the SET being executed */
	pthread_t stopcopy_thread;	/* save_thread_bound: who entered STOP_COPY */

	/* klog_read's position in the simulated kernel log (sim_kernel.c) */
	uint64_t klog_pos;

	/*
	 * Concurrency: the thread that opened the device; mt once another thread called it.
	 * The race defects widen their window (a sleep in the critical section they break)
	 * only then, once per device (race_done), so single-threaded cases never pay for it.
	 */
	pthread_t owner;
	bool mt;
	bool race_done;
	pthread_mutex_t reset_lock;	/* reset_during_set_deadlock only */
	struct mc_sim_save *zombie;	/* set_read_race: an ended session not yet freed */
	bool dup_pending;		/* shared_fd_double_serve: dup_buf is being served */
	size_t dup_len;
	uint8_t dup_buf[MC_SIM_PAGE];
	bool skip_load;			/* reopen_skips_load: a stale "loaded" flag */
	uint32_t log_lost;		/* log_stop_leaks: trackers leaked */
};

static inline bool mc_sim_bit(const uint64_t *bm, uint64_t i)
{
	return bm[i / 64] >> (i % 64) & 1;
}

static inline void mc_sim_setbit(uint64_t *bm, uint64_t i)
{
	bm[i / 64] |= 1ull << (i % 64);
}

static inline void mc_sim_clrbit(uint64_t *bm, uint64_t i)
{
	bm[i / 64] &= ~(1ull << (i % 64));
}

/* sim.c: append one line to the simulated kernel log (dropped on ENOMEM). */
void mc_sim_printk(struct mc_sim_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * sim_kernel.c, the simulated machine's kernel log, shared with every process forked
 * after it was made (made on first use; mc_sim_kernel_init() makes it now: 0 or
 * -ENOMEM). printk appends one record (a line, cut at 479 bytes). mc_sim_kernel_open()
 * counts a device open and returns how many came before it. mc_sim_kernel_tail(): the
 * number of the next record. mc_sim_kernel_read(): the records from *@pos on, whole
 * lines into @buf (NUL-terminated), *@pos advanced past them; "[records lost]" when the
 * ring overtook *@pos. Returns bytes copied or -errno.
 */
int mc_sim_kernel_init(void);
void mc_sim_kernel_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mc_sim_kernel_vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
uint64_t mc_sim_kernel_open(void);
uint64_t mc_sim_kernel_tail(void);
ssize_t mc_sim_kernel_read(uint64_t *pos, char *buf, size_t len);
/*
 * The simulated kmemleak: mc_sim_kernel_leak() records an object of @size a driver
 * allocated in @fn and lost. mc_sim_kernel_leak_scan() is "scan", then a read of
 * /sys/kernel/debug/kmemleak, then "clear": the objects not told before, in
 * kmemleak's format, into @buf (whole objects, NUL-terminated), and the scan's line in
 * the kernel log when it found any. Returns bytes copied or -errno.
 */
void mc_sim_kernel_leak(uint32_t size, const char *fn, int pid);
ssize_t mc_sim_kernel_leak_scan(char *buf, size_t len);
/* sim_log.c: a BAR0 page, generated from the seed on first touch (never NULL). */
uint8_t *mc_sim_page(struct mc_sim_dev *dev, uint64_t page);
/* sim_log.c: power-on config space (ids in 0x00..0x3f, zeroes above). */
void mc_sim_cfg_init(struct mc_sim_dev *dev);
/* sim_log.c: the backend's region members; they take dev->lock themselves. */
int mc_sim_region_info(void *priv, uint32_t index, struct vfio_region_info *ri);
ssize_t mc_sim_region_read(void *priv, uint32_t index, uint64_t off, void *buf, size_t len);
ssize_t mc_sim_region_write(void *priv, uint32_t index, uint64_t off, const void *buf,
			    size_t len);

/*
 * sim_core.c: copy to/from a caller pointer that is not covered by a buffer length
 * (DMA ranges, report bitmap, data fd buffers) the way copy_{from,to}_user would:
 * 0 or -EFAULT, never a crash.
 */
int mc_sim_uread(void *dst, const void *usrc, size_t n);
int mc_sim_uwrite(void *udst, const void *src, size_t n);
/* sim_core.c: VFIO_DEVICE_FEATURE, emulating the kernel core and the driver. */
int mc_sim_feature(struct mc_sim_dev *dev, void *buf, size_t buflen);
/*
 * sim.c: per-process memory of the driver that outlives a device fd, keyed by device id
 * (reopen_skips_load's flag): mark that @id loaded a stream, and ask whether it did.
 */
void mc_sim_loaded_mark(uint32_t id);
bool mc_sim_loaded_find(uint32_t id);
/* sim_core.c: end the save / resume session (its fds then behave as ended). */
void mc_sim_end_save(struct mc_sim_dev *dev);
void mc_sim_end_resume(struct mc_sim_dev *dev);

/* A function whose branches are no use to a fuzzer: no coverage hooks (clang). */
#ifdef __clang__
#define MC_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define MC_NO_COVERAGE
#endif

/* sim_stream.c: crc32 (IEEE, as zlib) continuing from @crc (0 to start). */
uint32_t mc_sim_crc32(uint32_t crc, const void *buf, size_t len);
/* sim_stream.c: exact length of a STOP->STOP_COPY stream of @dev. */
uint64_t mc_sim_stream_size(const struct mc_sim_dev *dev);
/* sim_stream.c: new save session (final = starts in STOP_COPY); NULL on ENOMEM. */
struct mc_sim_save *mc_sim_save_new(struct mc_sim_dev *dev, bool final);
void mc_sim_save_free(struct mc_sim_save *s);
/* sim_stream.c: deliver up to @len bytes to caller memory @ubuf; count, 0 or -errno. */
ssize_t mc_sim_save_read(struct mc_sim_dev *dev, struct mc_sim_save *s, void *ubuf,
			 size_t len);
/* sim_stream.c: bytes of the initial chunk not yet read, and of dirty pages pending. */
void mc_sim_save_info(const struct mc_sim_dev *dev, const struct mc_sim_save *s,
		      uint64_t *initial, uint64_t *dirty);
/* sim_stream.c: BAR0 bytes [off, off+len) changed; re-send pages already sent. */
void mc_sim_save_touch(const struct mc_sim_dev *dev, struct mc_sim_save *s, uint64_t off,
		       uint64_t len);
/*
 * sim_stream.c: the device needs a new initial image (MC_SIM_REG_REINIT): with the opt-in
 * the initial chunk starts over after the record being served; without it every page
 * already sent is re-sent as dirty. Nothing before the header or in STOP_COPY.
 */
void mc_sim_save_reinit(struct mc_sim_dev *dev, struct mc_sim_save *s);
/* sim_stream.c: new resume session; NULL on ENOMEM. */
struct mc_sim_resume *mc_sim_resume_new(struct mc_sim_dev *dev);
void mc_sim_resume_free(struct mc_sim_dev *dev, struct mc_sim_resume *r);
/* sim_stream.c: feed bytes (already known readable); 0 or -EINVAL (session poisoned). */
int mc_sim_resume_feed(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t *p,
		       size_t len);
/*
 * The same for a part of one write: @first and @last say whether it begins or ends the
 * write (the defects that depend on where a write is cut look at them).
 */
int mc_sim_resume_feed_part(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t *p,
			    size_t len, bool first, bool last);
/* sim_stream.c: RESUMING->STOP: apply a complete valid stream atomically, or -EINVAL. */
int mc_sim_resume_apply(struct mc_sim_dev *dev, struct mc_sim_resume *r);
/*
 * sim_stream.c: the record boundaries of a simulated device's stream @s (the offsets
 * where the header and each record end, the end of the stream excluded), up to @max
 * into @out. Returns how many there are (may exceed @max), or -EINVAL when @s is not
 * in the simulated device's format.
 */
long mc_sim_stream_bounds(const uint8_t *s, size_t len, uint64_t *out, size_t max);
/* sim_stream.c: feed @len zero bytes (defect failed_write_counts); 0 or -errno. */
int mc_sim_resume_skip(struct mc_sim_dev *dev, struct mc_sim_resume *r, size_t len);

/* sim_log.c: the three DMA logging features (core checks and driver). */
int mc_sim_log_start(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
		     size_t avail);
int mc_sim_log_stop(struct mc_sim_dev *dev, uint32_t flags, size_t plen);
int mc_sim_log_report(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
		      size_t avail);
/* sim_log.c: the device wrote [iova, iova+len) by DMA; log it if logging covers it. */
void mc_sim_log_dma(struct mc_sim_dev *dev, uint64_t iova, uint64_t len);
/* sim_log.c: stop logging and forget everything logged. */
void mc_sim_log_reset(struct mc_sim_dev *dev);
/* sim_core.c: vfio_check_feature() (SPEC §3.2): 1 go ahead, 0 success now, -EINVAL. */
int mc_sim_check_feature(uint32_t flags, size_t plen, uint32_t ops, size_t minsz);

#endif /* MC_SIM_H */

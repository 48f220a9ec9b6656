/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated device's injectable defects and conforming variants: the two lists (one
 * source for the simulated device's enums and masks and for the table below) and the
 * table that `migcheck defects`, `migcheck mutants` and the tests read. The simulated
 * device's only public header besides the backend seam; its internals are sim.h.
 */
#ifndef MC_SIM_DEFECTS_H
#define MC_SIM_DEFECTS_H

/*
 * The injectable defects: X(ENUM, "name", "one-line description", "clauses it trips").
 * One list feeds the enum, the bit masks and the public table in sim.c.
 */
#define MC_SIM_DEFECT_LIST(X)                                                                      \
	X(WRONG_NEXT_STEP, "wrong_next_step",                                                      \
	  "combination transitions of 2+ arcs stop one arc short but report success", "FSM-01")    \
	X(NO_FD_RESUMING, "no_fd_resuming",                                                        \
	  "STOP->RESUMING opens the session but returns data_fd -1", "FSM-02")                     \
	X(FD_ON_NONSESSION, "fd_on_nonsession",                                                    \
	  "a SET whose last arc enters RUNNING also returns a fresh save-style fd", "FSM-02")      \
	X(STALE_GET, "stale_get",                                                                  \
	  "the first GET after a state-changing SET reports the previous state", "FSM-01,FSM-06")  \
	X(ASYNC_STATE, "async_state",                                                              \
	  "every 3rd GET in STOP reports RUNNING and the device really moves there", "FSM-06")     \
	X(STOPCOPY_TO_PRECOPY, "stopcopy_to_precopy",                                              \
	  "STOP_COPY->PRE_COPY(_P2P) succeeds, continuing the session", "FSM-04")                  \
	X(SAME_STATE_NEW_FD, "same_state_new_fd",                                                  \
	  "a same-state SET in a saving state ends the session and returns a new fd",              \
	  "FSM-05,VMM-01")                                                                         \
	X(BAD_TARGET_MASKED, "bad_target_masked",                                                  \
	  "SET targets >= 8 are masked with 7 (SET 9 acts as SET STOP)", "FSM-03")                 \
	X(FAIL_OFF_PATH, "fail_off_path",                                                          \
	  "a SET that fails inside the driver leaves the device in RUNNING", "FSM-07")             \
	X(ERROR_STICKY, "error_sticky", "VFIO_DEVICE_RESET does not leave ERROR",                  \
	  "ERR-02,ERR-01,ERR-03")                                                                  \
	X(SET_IN_ERROR, "set_in_error",                                                            \
	  "SETs are accepted in ERROR (the driver loop starts from RUNNING)", "ERR-02")            \
	X(RESET_KEEPS_SESSION, "reset_keeps_session",                                              \
	  "reset does not end an open save session: its fd keeps delivering", "ERR-01")            \
	X(PROBE_WRITES_PAYLOAD, "probe_writes_payload",                                            \
	  "PROBE of feature MIGRATION writes the flags into the payload", "FEAT-02")               \
	X(ARGSZ_UNCHECKED, "argsz_unchecked", "MIG_DEVICE_STATE GET/SET accept argsz 8..15",       \
	  "FEAT-03")                                                                               \
	X(NO_STOP_COPY_FLAG, "no_stop_copy_flag",                                                  \
	  "GET MIGRATION advertises the flags without VFIO_MIGRATION_STOP_COPY", "FEAT-01")        \
	X(DATA_SIZE_FAILS_RESUMING, "data_size_fails_resuming",                                    \
	  "GET MIG_DATA_SIZE fails with EIO in RESUMING", "FEAT-04")                               \
	X(RESUME_RESET_KEEPS_FD, "resume_reset_keeps_fd",                                          \
	  "reset during RESUMING leaves the old resume fd accepting writes", "ERR-04")             \
	X(INITIAL_BYTES_GROWS, "initial_bytes_grows",                                              \
	  "PRECOPY_INFO counts the unread rest of the record being served twice, so "              \
	  "initial_bytes grows after a partial read",                                              \
	  "PRE-02")                                                                                \
	X(DIRTY_NONZERO_AT_START, "dirty_nonzero_at_start",                                        \
	  "PRECOPY_INFO reports one page record too many in dirty_bytes, so it starts "            \
	  "non-zero",                                                                              \
	  "PRE-02")                                                                                \
	X(ENOMSG_AS_EOF, "enomsg_as_eof",                                                          \
	  "at the temporary end of pre-copy data read() returns 0 instead of failing with "        \
	  "ENOMSG (as mtty does)",                                                                 \
	  "PRE-03")                                                                                \
	X(STOPCOPY_RESTARTS_STREAM, "stopcopy_restarts_stream",                                    \
	  "a session begun in PRE_COPY starts the stream over (header, every page) when it "       \
	  "enters STOP_COPY",                                                                      \
	  "PRE-04,FSM-08")                                                                         \
	X(LOG_NO_RANGE_CHECK, "log_no_range_check",                                                \
	  "DMA_LOGGING_START accepts zero ranges and more than 256 (tracking the first 256)",      \
	  "LOG-02")                                                                                \
	X(LOG_OVERLAP_OK, "log_overlap_ok", "DMA_LOGGING_START accepts overlapping ranges",        \
	  "LOG-02")                                                                                \
	X(LOG_REPORT_WITHOUT_START, "log_report_without_start",                                    \
	  "DMA_LOGGING_REPORT succeeds, reporting nothing, when logging is not started", "LOG-03") \
	X(LOG_DOUBLE_START, "log_double_start",                                                    \
	  "a second DMA_LOGGING_START before STOP succeeds and replaces the ranges", "LOG-03")     \
	X(LOG_REPORT_BAD_PGSIZE, "log_report_bad_pgsize",                                          \
	  "DMA_LOGGING_REPORT accepts page sizes below 4096 and non-powers of two (refuses "       \
	  "only 0)",                                                                               \
	  "LOG-04")                                                                                \
	X(LOG_REPORT_END_OFF_BY_ONE, "log_report_end_off_by_one",                                  \
	  "DMA_LOGGING_REPORT refuses (EINVAL) a range that ends exactly where a started "         \
	  "range ends",                                                                            \
	  "LOG-01")                                                                                \
	X(PATH_DEPENDENT_ARC, "path_dependent_arc",                                                \
	  "the arc out of STOP toward RUNNING(_P2P) fails with EIO when STOP was entered from "    \
	  "STOP_COPY (a stale save buffer blocks the restart)",                                    \
	  "FSM-09,FSM-01")                                                                         \
	X(EOF_NOT_PERMANENT, "eof_not_permanent",                                                  \
	  "after the STOP_COPY stream has returned 0 once, the next read serves it again from "    \
	  "the header",                                                                            \
	  "SAVE-01")                                                                               \
	X(ENOMSG_IN_STOPCOPY, "enomsg_in_stopcopy",                                                \
	  "in STOP_COPY the first read after the pages fails once with ENOMSG, as in "             \
	  "pre-copy",                                                                              \
	  "SAVE-01,VMM-01,VMM-04")                                                                 \
	X(READ_SIZE_DEPENDENT, "read_size_dependent",                                              \
	  "a read that ends inside an 8-byte record header skips the rest of that header",         \
	  "SAVE-02")                                                                               \
	X(READ_HANGS_AT_EOF, "read_hangs_at_eof",                                                  \
	  "a read after the end of the STOP_COPY stream blocks for ever instead of returning "     \
	  "0 again",                                                                               \
	  "SAVE-01")                                                                               \
	X(SESSION_SURVIVES_STOP, "session_survives_stop",                                          \
	  "STOP_COPY->STOP does not end the save session: its fd keeps delivering", "SAVE-03")     \
	X(SAVE_FD_SEEKABLE, "save_fd_seekable",                                                    \
	  "the save fd is not opened as a stream: lseek returns 0 and pread reads on", "SAVE-04")  \
	X(DATA_SIZE_ZERO, "data_size_zero",                                                        \
	  "MIG_DATA_SIZE reports 0 (caught against a --budget datasize=RATIO)", "SAVE-05,VMM-01")  \
	X(REJECTS_SMALL_WRITES, "rejects_small_writes",                                            \
	  "resume writes shorter than 8 bytes fail with EINVAL", "RES-01")                         \
	X(HEADER_NEEDS_ONE_WRITE, "header_needs_one_write",                                        \
	  "the 32-byte stream header is parsed only from a single write that holds all of it",     \
	  "RES-01")                                                                                \
	X(DROPS_SPLIT_BYTES, "drops_split_bytes",                                                  \
	  "a write that ends inside a page's data completes that page with what it had: the "      \
	  "rest, in the next write, is parsed as the next record",                                 \
	  "RES-01")                                                                                \
	X(REGS_NOT_RESTORED, "regs_not_restored",                                                  \
	  "the REGS record is parsed but its write counter is not restored", "RES-02")             \
	X(TRUNCATED_ACCEPTED, "truncated_accepted",                                                \
	  "RESUMING->STOP applies whatever arrived without waiting for the END record", "RES-03")  \
	X(END_OPTIONAL, "end_optional",                                                            \
	  "RESUMING->STOP accepts a stream whose END record is missing or cut short once "         \
	  "every page, CONFIG and REGS arrived (END and its crc are optional)",                    \
	  "RES-03")                                                                                \
	X(FAILED_WRITE_COUNTS, "failed_write_counts",                                              \
	  "a write failing with EFAULT still advances the stream offset (its bytes stay zero) "    \
	  "and nothing checks the data (END's crc is ignored), as mtty",                           \
	  "RES-03")                                                                                \
	X(FOREIGN_ACCEPTED, "foreign_accepted",                                                    \
	  "the device id in the stream header is not compared with the destination's", "RES-04")   \
	X(REJECTED_WRITE_COUNTS, "rejected_write_counts",                                          \
	  "a write rejected with EINVAL still counts its bytes; RESUMING->STOP succeeds once "     \
	  "the count reaches the stream size (as mtty)",                                           \
	  "RES-04")                                                                                \
	X(BAD_STREAM_WEDGES, "bad_stream_wedges",                                                  \
	  "a rejected stream wedges the resume engine: every later resume write fails with "       \
	  "EIO, reset does not help",                                                              \
	  "RES-05")                                                                                \
	X(RESUME_FD_READABLE, "resume_fd_readable", "the resume fd has a read op that returns 0",  \
	  "RES-06")                                                                                \
	X(WRITES_AFTER_RESUME_END, "writes_after_resume_end",                                      \
	  "after RESUMING->STOP the old resume fd still accepts (and drops) writes", "RES-06")     \
	X(PRECOPY_INFO_ANY_STATE, "precopy_info_any_state",                                        \
	  "PRECOPY_INFO does not check the state: it succeeds in STOP_COPY", "PRE-01")             \
	X(PRECOPY_INFO_SHORT_ARGSZ, "precopy_info_short_argsz",                                    \
	  "PRECOPY_INFO checks argsz against 16 (initial_bytes only), not 24", "PRE-05")           \
	X(V2_PROBE_FAILS, "v2_probe_fails",                                                        \
	  "PROBE of MIG_PRECOPY_INFOv2 fails with EINVAL (the handler takes SET alone as "         \
	  "valid, before vfio_check_feature); SET works",                                          \
	  "PRE-06")                                                                                \
	X(V2_FLAGS_ECHOED, "v2_flags_echoed",                                                      \
	  "after the MIG_PRECOPY_INFOv2 opt-in PRECOPY_INFO still echoes the caller's flags "      \
	  "(the driver copies the struct in itself instead of using the core helper)",             \
	  "PRE-07")                                                                                \
	X(REINIT_WITHOUT_OPTIN, "reinit_without_optin",                                            \
	  "the device starts its initial data over and reports REINIT also when the caller "       \
	  "never opted in",                                                                        \
	  "PRE-08")                                                                                \
	X(REINIT_KEEPS_DIRTY, "reinit_keeps_dirty",                                                \
	  "a REINIT keeps the dirty pages pending: the answer carrying REINIT has "                \
	  "dirty_bytes non-zero",                                                                  \
	  "PRE-09")                                                                                \
	X(REINIT_UNFLAGGED, "reinit_unflagged",                                                    \
	  "after the opt-in the device starts its initial data over without setting REINIT, "      \
	  "so initial_bytes grows in a plain answer",                                              \
	  "PRE-02,PRE-09")                                                                         \
	X(V2_SURVIVES_CLOSE, "v2_survives_close",                                                  \
	  "the MIG_PRECOPY_INFOv2 opt-in is not cleared when the device is closed: the next "      \
	  "open finds it set",                                                                     \
	  "PRE-10")                                                                                \
	X(SLOW_STOP_COPY, "slow_stop_copy",                                                        \
	  "STOP->STOP_COPY sleeps 150 ms (caught against --budget arc=STOP_COPY:100ms)",           \
	  "TIME-01,TIME-02")                                                                       \
	X(WARN_ON_BAD_STREAM, "warn_on_bad_stream",                                                \
	  "a rejected resume write logs a WARNING splat to the (simulated) kernel log", "ROB-01")  \
	X(CLOSE_LEAKS_SESSION, "close_leaks_session",                                              \
	  "closing the device with a session open leaks it: after reopening, every SET fails "     \
	  "with EBUSY, reset does not help",                                                       \
	  "ROB-02")                                                                                \
	X(FD_OUTLIVES_DEVICE, "fd_outlives_device",                                                \
	  "closing and removing the device does not disable its data fds: a save fd keeps "        \
	  "delivering",                                                                            \
	  "ROB-03")                                                                                \
	X(RESUME_SPLIT_HEADER, "resume_split_header",                                              \
	  "a record header split across two writes loses the bytes of the first (the parser "      \
	  "restarts the header at every write)",                                                   \
	  "RES-01")                                                                                \
	X(WARN_ON_FIRST_OPEN, "warn_on_first_open",                                                \
	  "the first open of the device after the (simulated) machine started logs a "             \
	  "WARNING: before any case, in the preflight",                                            \
	  "ROB-01")                                                                                \
	X(LEAK_ON_BAD_STREAM, "leak_on_bad_stream",                                                \
	  "a rejected resume write leaks the parser's buffer: the (simulated) kmemleak finds "     \
	  "it in the scan after the case group",                                                   \
	  "ROB-01")                                                                                \
	X(RESTORED_REGS_UNREADABLE, "restored_regs_unreadable",                                    \
	  "after a resume that restored the REGS record, reads of BAR1 past its first 8 "          \
	  "bytes (the restored write counter, the DMA registers) fail with EIO until reset",       \
	  "RES-01,RES-02,RES-05")                                                                  \
	X(DATA_SIZE_ZERO_RUNNING, "data_size_zero_running",                                        \
	  "MIG_DATA_SIZE reports 0 in every state but STOP_COPY (nothing pending until the "       \
	  "device stops)",                                                                         \
	  "VMM-01")                                                                                \
	X(INITIAL_BYTES_COUNTS_TAIL, "initial_bytes_counts_tail",                                  \
	  "PRECOPY_INFO's initial_bytes also counts the STOP_COPY-only tail (CONFIG, REGS, "       \
	  "END), so it never reaches 0 in pre-copy",                                               \
	  "VMM-01")                                                                                \
	X(CLOSE_IN_RESUMING_DISCARDS, "close_in_resuming_discards",                                \
	  "closing the resume fd while still in RESUMING drops what was written: the SET out "     \
	  "of RESUMING then refuses the stream",                                                   \
	  "VMM-02")                                                                                \
	X(SECOND_FD_WHILE_HELD, "second_fd_while_held",                                            \
	  "the arc into STOP_COPY from a pre-copy state starts a new session and returns its "     \
	  "fd while the pre-copy fd is still held (that one goes dead)",                           \
	  "VMM-03,VMM-01")                                                                         \
	X(SAVE_THREAD_BOUND, "save_thread_bound",                                                  \
	  "in STOP_COPY, reads of the save fd from a thread other than the one whose SET "         \
	  "entered STOP_COPY fail with EINVAL",                                                    \
	  "VMM-04")                                                                                \
	X(RESUME_ONLY_AT_STOP, "resume_only_at_stop",                                              \
	  "the stream is applied only by a SET that ends in STOP: RESUMING->RUNNING(_P2P) in "     \
	  "one SET walks through STOP without loading it and keeps the old state",                 \
	  "VMM-05,VMM-02")                                                                         \
	X(REOPEN_SKIPS_LOAD, "reopen_skips_load",                                                  \
	  "the driver's 'state loaded' flag outlives the device fd (not reset at open, as "        \
	  "hisi_acc's was): after a close and reopen, RESUMING->STOP succeeds without "            \
	  "loading the stream",                                                                    \
	  "REG-01")                                                                                \
	X(RESET_MIDSTREAM_KEEPS_FD, "reset_midstream_keeps_fd",                                    \
	  "a RESET while a save stream is partly read leaves that session alive: its fd "          \
	  "keeps delivering",                                                                      \
	  "REG-02")                                                                                \
	X(RESUME_POS_WRAPS, "resume_pos_wraps",                                                    \
	  "the resume write's limit check adds position and count in a 32-bit int: a count "       \
	  "that takes it past INT_MAX wraps negative, is acknowledged in full, its bytes "         \
	  "dropped, and a KASAN out-of-bounds report logged",                                      \
	  "REG-03,ROB-01")                                                                         \
	X(LOG_STOP_LEAKS, "log_stop_leaks",                                                        \
	  "each DMA_LOGGING_STOP after a START leaks the range tracker (the simulated "            \
	  "kmemleak finds it); once 64 are lost START fails with ENOMEM",                          \
	  "REG-04,ROB-01")                                                                         \
	X(SET_READ_RACE, "set_read_race",                                                          \
	  "a save read drops the lock around its copy and writes its stale session flags "         \
	  "back (a racy flag word, as mlx5's bitfields): a STOP_COPY->STOP in that window is "     \
	  "undone and later reads deliver data",                                                   \
	  "CONC-01")                                                                               \
	X(RESET_DURING_SET_DEADLOCK, "reset_during_set_deadlock",                                  \
	  "RESET takes the reset lock, then the state lock; SET holds the state lock and "         \
	  "takes the reset lock at its end (a deferred-reset check in the wrong order): a "        \
	  "RESET racing a SET deadlocks",                                                          \
	  "CONC-02")                                                                               \
	X(SHARED_FD_DOUBLE_SERVE, "shared_fd_double_serve",                                        \
	  "a save read advances the stream position only after its copy, outside the lock: "       \
	  "a second reader in that window gets the same bytes again",                              \
	  "CONC-03")

/*
 * Conforming variants: X(ENUM, "name", "how it differs from the default, within the
 * uAPI", "run options it needs"). A variant must draw no fail and no warn.
 */
#define MC_SIM_VARIANT_LIST(X)                                                                    \
	X(ERROR_ON_BAD_RESUME, "error_on_bad_resume",                                             \
	  "a RESUMING->STOP that refuses the stream enters ERROR instead of staying in "          \
	  "RESUMING",                                                                             \
	  "")                                                                                     \
	X(NONDET_STREAM, "nondet_stream",                                                         \
	  "every save carries a fresh session nonce in the header's informational word: "         \
	  "streams differ byte for byte, the state they carry does not",                          \
	  "--nondeterministic --state-regions 0@0x100+8,config@0x40+4,1@8+8")                     \
	X(SHORT_READS, "short_reads", "read() returns at most 100 bytes per call", "")            \
	X(PRECOPY_EMPTY, "precopy_empty",                                                         \
	  "pre-copy has no data: PRECOPY_INFO reports 0/0 and read() fails with ENOMSG at "       \
	  "once; the whole stream comes in STOP_COPY",                                            \
	  "")                                                                                     \
	X(BIG_STATE, "big_state", "a BAR0 of 1 MiB (16 times the default): 256 page records", "") \
	X(ALLOC_FAULTS, "alloc_faults",                                                           \
	  "its faults are the driver's own failed allocations, as a kernel with fault "           \
	  "injection gives them (one per session it makes; the SET fails with ENOMEM where "      \
	  "it was), not arc faults",                                                              \
	  "")                                                                                     \
	X(PRECOPY_V1, "precopy_v1",                                                               \
	  "a kernel before 7.1: feature 12 (MIG_PRECOPY_INFOv2) is unknown (ENOTTY) and "         \
	  "PRECOPY_INFO always echoes the caller's flags",                                        \
	  "")                                                                                     \
	X(UNKNOWN_FEATURE_EINVAL, "unknown_feature_einval",                                       \
	  "a kernel before 6.18: an unknown feature, feature 12 among them, gives EINVAL "        \
	  "rather than ENOTTY",                                                                   \
	  "")

/* One injectable defect, for `migcheck defects` and defect-coverage tests. */
struct mc_sim_defect {
	const char *name; /* the spec value: sim:defect=<name>[+<name>...] */
	const char *description;
	const char *clauses;  /* comma-separated clause IDs the defect must trip ("") */
	const char *run_opts; /* variant: `migcheck run` options it needs, or "" */
};

/* The defect table (static storage, never NULL); *@n receives the number of entries. */
const struct mc_sim_defect *mc_sim_defects(int *n);
/*
 * The conforming variants (sim:variant=<name>[+<name>...]), in the same shape: clauses
 * "", run_opts the run options the variant needs ("" for none).
 */
const struct mc_sim_defect *mc_sim_variants(int *n);

#endif /* MC_SIM_DEFECTS_H */

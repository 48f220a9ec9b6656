/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private header of the simulated device backend: sim.c (spec, reset, data fds, ops
 * table), sim_core.c (feature ioctl and driver FSM), sim_stream.c (stream producer and
 * parser), sim_log.c (memory, regions, DMA logging). Structures and shared helpers.
 * Nothing here is part of the backend seam except mc_sim_defects(), which the CLI uses
 * for `migcheck list-defects`.
 */
#ifndef MC_SIM_H
#define MC_SIM_H

#include <pthread.h>
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
	  "FSM-05")                                                                             \
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
	X(RESUME_ACCEPTS_TRUNCATED, "resume_accepts_truncated",                                \
	  "RESUMING->STOP applies a stream whose END record is missing or cut short, once "    \
	  "every page, CONFIG and REGS arrived", "RES-03")                                     \
	X(RESUME_IGNORES_ID, "resume_ignores_id",                                              \
	  "the stream header's device id is not checked: a stream saved from a device of "     \
	  "another type resumes", "RES-04")                                                    \
	X(RESUME_SPLIT_HEADER, "resume_split_header",                                          \
	  "a record header split across two writes loses the bytes of the first (the parser "  \
	  "restarts the header at every write)", "RES-01")

#define MC_SIM_X_ENUM(e, n, d, c) MC_SIM_DEFECT_IDX_##e,
enum { MC_SIM_DEFECT_LIST(MC_SIM_X_ENUM) MC_SIM_NDEFECTS };
#undef MC_SIM_X_ENUM
/* Whether @dev carries defect @d (the ENUM part of its list entry). */
#define MC_SIM_HAS(dev, d) ((((dev)->defects) >> MC_SIM_DEFECT_IDX_##d) & 1u)

/* One injectable defect, for `migcheck list-defects` and defect-coverage tests. */
struct mc_sim_defect {
	const char *name;	/* the spec value: sim:defect=<name>[+<name>...] */
	const char *description;
	const char *clauses;	/* comma-separated clause IDs the defect must trip */
};

/* The defect table (static storage, never NULL); *@n receives the number of entries. */
const struct mc_sim_defect *mc_sim_defects(int *n);

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
	uint8_t *mem;			/* staged BAR0 image, allocated on the first PAGE */
	uint64_t *got;			/* pages received */
	uint64_t ngot;
	uint8_t cfg[MC_SIM_CFG_SIZE];
	uint64_t wcount;
	bool got_cfg, got_regs;
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
	uint64_t defects;		/* bit MC_SIM_DEFECT_IDX_* per defect */

	uint32_t state;
	uint8_t cfg[MC_SIM_CFG_SIZE];
	uint8_t *mem;			/* BAR0; pages generated from the seed on first touch */
	uint64_t *born;			/* pages already generated */
	uint64_t wcount;
	uint64_t dma_iova, dma_len;

	uint64_t next_sess;
	struct mc_sim_save *save;
	struct mc_sim_resume *resume;
	struct mc_sim_fd *fds;
	size_t nfds, capfds;

	struct mc_sim_log log;

	enum mc_fault_kind fault;
	uint32_t fault_arc;		/* from << 8 | to */

	bool stale_pending;		/* defect stale_get */
	uint32_t stale_state;
	uint64_t stop_gets;		/* defect async_state */
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
/* sim_core.c: end the save / resume session (its fds then behave as ended). */
void mc_sim_end_save(struct mc_sim_dev *dev);
void mc_sim_end_resume(struct mc_sim_dev *dev);

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
/* sim_stream.c: new resume session; NULL on ENOMEM. */
struct mc_sim_resume *mc_sim_resume_new(struct mc_sim_dev *dev);
void mc_sim_resume_free(struct mc_sim_resume *r);
/* sim_stream.c: feed bytes (already known readable); 0 or -EINVAL (session poisoned). */
int mc_sim_resume_feed(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t *p,
		       size_t len);
/* sim_stream.c: RESUMING->STOP: apply a complete valid stream atomically, or -EINVAL. */
int mc_sim_resume_apply(struct mc_sim_dev *dev, struct mc_sim_resume *r);

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

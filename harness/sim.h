/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private header of the simulated device backend: sim.c (spec, reset, data fds, ops
 * table), sim_core.c (feature ioctl and driver FSM), sim_stream.c (stream producer and
 * parser), sim_log.c (memory, regions, DMA logging), sim_kernel.c (the simulated
 * machine's kernel log). Structures and shared helpers, for those files (and the unit
 * tests of their internals) alone; the defect and variant lists are sim_defects.h.
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
#include "sim_defects.h"

#define MC_SIM_PAGE 4096u
#define MC_SIM_CFG_SIZE 256u
#define MC_SIM_CFG_RW 0x40u /* config bytes below this are read-only */
#define MC_SIM_BAR1_SIZE 4096u
#define MC_SIM_LOG_MAX_RANGES 256u /* PAGE_SIZE / sizeof(range), SPEC §6.3 */

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
#define MC_SIM_HAS(dev, d) \
	((((dev)->defects[MC_SIM_DEFECT_IDX_##d / 64]) >> (MC_SIM_DEFECT_IDX_##d % 64)) & 1u)

/* ------------------------------------------------------------------ save stream */

/* A save session: a lazy producer of the stream (sim_stream.c). */
struct mc_sim_save {
	uint64_t id;	 /* session id, matched against fd table entries */
	bool final;	 /* STOP_COPY reached: append the tail after the pages */
	int phase;	 /* private to sim_stream.c */
	uint64_t cursor; /* next page of the initial chunk */
	uint64_t *dirty; /* pages re-dirtied after being sent */
	uint64_t ndirty;
	uint64_t pos;	   /* bytes delivered */
	uint32_t crc;	   /* over every byte generated so far */
	bool rec_dirty;	   /* the buffered record is a dirty-page record */
	bool eof_seen;	   /* defect eof_not_permanent */
	uint32_t nonce;	   /* variant nondet_stream */
	bool enomsg_done;  /* defect enomsg_in_stopcopy */
	uint64_t init_end; /* stream offset where the initial chunk ends */
	bool reinit;	   /* REINIT happened and was not reported yet */
	size_t rec_len, rec_off;
	uint8_t rec[MC_SIM_PAGE + 64];
};

/* A resume session: an incremental parser staging the incoming state. */
struct mc_sim_resume {
	uint64_t id;
	bool poisoned;		      /* an invalid byte arrived; every later write fails */
	bool done;		      /* a valid END arrived */
	int phase;		      /* private to sim_stream.c */
	size_t have;		      /* bytes of the current field/record part so far */
	uint8_t hdr[MC_SIM_CFG_SIZE]; /* the small field being collected */
	uint32_t rtype, rlen;
	uint64_t page;	       /* page index of the PAGE record being received */
	uint32_t crc, crc_rec; /* running crc; crc at the current record start */
	uint8_t *mem;	       /* staged BAR0 image, taken on the first PAGE */
	uint64_t *got;	       /* pages received */
	uint64_t *seen;	       /* pages whose staging was zeroed (first PAGE record) */
	uint64_t ngot;
	uint8_t cfg[MC_SIM_CFG_SIZE];
	uint64_t wcount;
	bool got_cfg, got_regs;
	bool lenient;	 /* rejected_write_counts: only counting bytes now */
	uint64_t nbytes; /* bytes taken by successful or counted writes */
};

/* ------------------------------------------------------------------ DMA logging */

struct mc_sim_iv {
	uint64_t a, b; /* dirty IOVA pages [a, b) in 4 KiB units */
};

struct mc_sim_log {
	bool started;
	uint32_t nranges;
	struct {
		uint64_t start, last; /* inclusive byte range, as the kernel's interval tree */
	} ranges[MC_SIM_LOG_MAX_RANGES];
	struct mc_sim_iv *iv; /* sorted, disjoint, non-adjacent */
	size_t niv, cap;
};

/* ------------------------------------------------------------------ the device */

enum mc_sim_fd_kind { MC_SIM_FD_SAVE = 1, MC_SIM_FD_RESUME };

struct mc_sim_fd {
	int fd; /* reserved with eventfd() so the number is unique */
	enum mc_sim_fd_kind kind;
	uint64_t sess; /* session id; 0 = never live */
};

struct mc_sim_dev {
	pthread_mutex_t lock;
	uint64_t flags; /* migration flags the device implements */
	uint32_t id;
	uint64_t mem_size, npages;
	uint64_t seed;
	uint64_t defects[MC_SIM_DEFECT_WORDS]; /* bit MC_SIM_DEFECT_IDX_* per defect */
	uint32_t variants;		       /* bit MC_SIM_VARIANT_IDX_* per conforming variant */
	uint32_t nonce;			       /* nondet_stream: bumped for every save session */

	uint32_t state;
	uint8_t cfg[MC_SIM_CFG_SIZE];
	uint8_t *mem;	    /* BAR0; pages generated from the seed on first touch */
	uint8_t *mem_spare; /* the image a swap replaced, kept for the next staging */
	uint64_t *born;	    /* pages already generated */
	uint64_t wcount;
	uint64_t dma_iova, dma_len;
	bool regs_restored; /* defect restored_regs_unreadable */

	uint64_t next_sess;
	struct mc_sim_save *save;
	struct mc_sim_resume *resume;
	struct mc_sim_fd *fds;
	size_t nfds, capfds;

	struct mc_sim_log log;

	enum mc_fault_kind fault;
	uint32_t fault_arc;  /* from << 8 | to */
	uint32_t alloc_left; /* variant alloc_faults: ALLOC_NTH's count-down */
	uint32_t alloc_seen; /* ... and ALLOC_COUNT's count */

	bool stale_pending; /* defect stale_get */
	uint32_t stale_state;
	uint64_t stop_gets;	   /* defect async_state */
	uint32_t prev_state;	   /* the state before dev->state (path_dependent_arc) */
	bool wedged;		   /* bad_stream_wedges: the resume engine refuses all */
	bool leaked;		   /* close_leaks_session: a leaked session blocks SETs */
	bool removed;		   /* the device was removed; its data fds stay */
	bool precopy_v2;	   /* the caller opted in with MIG_PRECOPY_INFOv2 */
	uint32_t set_target;	   /* the target of the SET being executed */
	pthread_t stopcopy_thread; /* save_thread_bound: who entered STOP_COPY */

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
	pthread_mutex_t reset_lock; /* reset_during_set_deadlock only */
	struct mc_sim_save *zombie; /* set_read_race: an ended session not yet freed */
	bool dup_pending;	    /* shared_fd_double_serve: dup_buf is being served */
	size_t dup_len;
	uint8_t dup_buf[MC_SIM_PAGE];
	bool skip_load;	   /* reopen_skips_load: a stale "loaded" flag */
	uint32_t log_lost; /* log_stop_leaks: trackers leaked */
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
ssize_t mc_sim_region_write(void *priv, uint32_t index, uint64_t off, const void *buf, size_t len);

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
 * (reopen_skips_load's flag): mark that @id loaded a stream (the next open asks).
 */
void mc_sim_loaded_mark(uint32_t id);
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
ssize_t mc_sim_save_read(struct mc_sim_dev *dev, struct mc_sim_save *s, void *ubuf, size_t len);
/* sim_stream.c: bytes of the initial chunk not yet read, and of dirty pages pending. */
void mc_sim_save_info(const struct mc_sim_dev *dev, const struct mc_sim_save *s, uint64_t *initial,
		      uint64_t *dirty);
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
/* sim_log.c: stop logging and forget everything logged. */
void mc_sim_log_reset(struct mc_sim_dev *dev);
/* sim_core.c: vfio_check_feature() (SPEC §3.2): 1 go ahead, 0 success now, -EINVAL. */
int mc_sim_check_feature(uint32_t flags, size_t plen, uint32_t ops, size_t minsz);

#endif /* MC_SIM_H */

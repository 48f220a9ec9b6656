/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device exercise after a resume (RES-05 and the fuzz targets): the registers of
 * every region read one by one and whole, and, where asked, written back, so that state
 * restored from a stream is used by the driver's register paths, not only by its
 * first 8 bytes.
 */
#ifndef MC_EXERCISE_H
#define MC_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_dev;

/*
 * The first bytes of a region accessed one at a time (register-emulating drivers decode one
 * register per access): a 16550 port whole (mtty), the first registers of a larger file. Each is
 * a device operation per fuzz input, so the bound is also what keeps the targets fast.
 */
#define MC_EXERCISE_REGS 16
/* The bytes of a region read in one call (the rest of a large BAR is not read). */
#define MC_EXERCISE_BYTES 4096

enum {
	MC_EXERCISE_WRITE = 1, /* write the registers back too (the device must be running) */
};

/* What an exercise did, and the access that failed. */
struct mc_exercise_res {
	unsigned regions;	/* readable regions exercised */
	unsigned reads, writes; /* successful accesses */
	unsigned refused;	/* writes the device refused (not a failure) */
	/* The failed read, when the return is not 0. */
	uint32_t index;
	uint64_t off;
	size_t len;
	int err; /* its -errno, or 0 for a short read */
};

/*
 * mc_exercise_dev: every readable region of @dev with index 0..7 (BARs, config space):
 * for a BAR, each of its first MC_EXERCISE_REGS bytes read on its own; then up to
 * MC_EXERCISE_BYTES of the region in one read. With MC_EXERCISE_WRITE in @flags, each writable
 * BAR (never config space) then gets its first MC_EXERCISE_REGS bytes written back with
 * the values just read, one byte at a time (8 at a time, 8-aligned, where a single byte
 * is refused), and read again one at a time. A refused write is counted in @r->refused:
 * a device may refuse some widths or registers. Returns 0, or -EIO when a read failed
 * or came back short (that access in @r); @r is always filled.
 */
int mc_exercise_dev(struct mc_dev *dev, unsigned flags, struct mc_exercise_res *r);

/* "reading 1 byte at 0x9 of region 1 gave EIO" for the failed access of @r. */
const char *mc_exercise_text(const struct mc_exercise_res *r, char *buf, size_t len);

#endif

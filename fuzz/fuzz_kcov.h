/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-coverage guidance of the fuzz targets: the driver's and the VFIO core's KCOV PCs
 * of every input (harness/kcov.h) mapped onto the engine's coverage (libFuzzer's extra
 * counters, AFL++'s map), KCOV_TRACE_CMP operands handed to the engine's comparison
 * hooks, and the driver PCs each process reached, logged for the campaign's stats.
 * Off on the simulated device and wherever the kernel has no KCOV.
 */
#ifndef MC_FUZZ_KCOV_H
#define MC_FUZZ_KCOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcov.h"

/* Counters the libFuzzer driver gives (a module of inline counters it registers). */
#define MC_FUZZ_KCOV_COUNTERS 32768u

/*
 * $MIGCHECK_FUZZ_KCOV: "0"/"off" no KCOV; "measure" trace and log the PCs, feed nothing
 * (the unguided campaign of a comparison: same tracing cost); "1"/"guide" feed the engine.
 * Unset: guide when a driver set a sink, else off (replay, `migcheck replay`).
 */
enum mc_fuzz_kcov_mode { MC_FUZZ_KCOV_OFF, MC_FUZZ_KCOV_MEASURE, MC_FUZZ_KCOV_GUIDE };

/*
 * A comparison the kernel made (KCOV_TRACE_CMP) for the engine: @site is a hash of the
 * comparison's place (its PC offset in its range), @size 1, 2, 4 or 8 bytes, @is_const
 * when @a is a constant of the code.
 */
typedef void (*mc_fuzz_cmp_fn)(uint64_t site, uint64_t a, uint64_t b, unsigned size, bool is_const);

/* Where kernel coverage goes: @map of @len counters (cleared by the engine before each
 * input), and comparisons to @cmp (may be NULL). */
struct mc_fuzz_sink {
	uint8_t *map;
	size_t len;
	mc_fuzz_cmp_fn cmp;
};
/* Set by a driver before its first input (copied); NULL removes it. */
void mc_fuzz_kcov_set_sink(const struct mc_fuzz_sink *s);
/*
 * Whether a driver should give a sink for device @spec (NULL or "": the default device):
 * $MIGCHECK_FUZZ_KCOV asks for guidance, the device is not the simulated one, and this
 * kernel has KCOV. Decided before the first input, where a counters' region is made.
 */
bool mc_fuzz_kcov_wanted(const char *spec);

/*
 * The map's regions: block PCs in the first half, edges (consecutive in-range PCs of one
 * input) in the next three eighths, comparison sites in the last eighth. An index comes
 * from a hash of the range's number and the PC's offset from the range's start, so it
 * does not move with KASLR or a module's load address (a corpus keeps its meaning across
 * boots and driver reloads).
 */
enum mc_fuzz_kcov_region { MC_FUZZ_KCOV_R_PC, MC_FUZZ_KCOV_R_EDGE, MC_FUZZ_KCOV_R_CMP };
/* The counter of (@ri, @off) in @region (@prev: the edge's first end, else 0) of @len. */
size_t mc_fuzz_kcov_index(enum mc_fuzz_kcov_region region, unsigned ri, uint64_t prev, uint64_t off,
			  size_t len);
/*
 * Count @n PC records @pc into @map (@len > 0; saturating at 255): each PC inside @rs in
 * the PC region, each pair of consecutive ones in the edge region. Returns how many
 * records were inside @rs.
 */
size_t mc_fuzz_kcov_map_pcs(const struct mc_kcov_ranges *rs, const uint64_t *pc, size_t n,
			    uint8_t *map, size_t len);
/*
 * Count @n KCOV_TRACE_CMP records (four words each) whose PC is inside @rs into @map's
 * comparison region (when @map) and hand each to @cmp (when not NULL). Returns how many
 * were inside @rs.
 */
size_t mc_fuzz_kcov_map_cmps(const struct mc_kcov_ranges *rs, const uint64_t *rec, size_t n,
			     uint8_t *map, size_t len, mc_fuzz_cmp_fn cmp);

/* The per-process state (the thread that runs the inputs owns it). */
struct mc_fuzz_kcov;
/*
 * Open KCOV for the calling thread on the code under test of a device bound to @driver
 * ("mtty", "vfio-pci"): that module, mdev, and the VFIO core (module or built in). Mode from
 * $MIGCHECK_FUZZ_KCOV; comparisons on one input in $MIGCHECK_FUZZ_KCOV_CMP (8; 0: never);
 * new PCs logged to $MIGCHECK_FUZZ_KCOV_LOG. 0 with *@kp NULL when the mode is off, 0, or
 * -errno with one line in @err (no KCOV, no range).
 */
int mc_fuzz_kcov_open(struct mc_fuzz_kcov **kp, const char *driver, char *err, size_t errlen);
/* Before an input's device operations: forget what was traced (NULL is fine). */
void mc_fuzz_kcov_begin(struct mc_fuzz_kcov *kc);
/* After them: map what was traced into the sink, log PCs this process had not seen. */
void mc_fuzz_kcov_end(struct mc_fuzz_kcov *kc);
/* Unique PCs inside the ranges this process reached (0 for NULL). */
size_t mc_fuzz_kcov_pcs(const struct mc_fuzz_kcov *kc);
void mc_fuzz_kcov_close(struct mc_fuzz_kcov *kc);

#endif /* MC_FUZZ_KCOV_H */

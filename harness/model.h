/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference model of the VFIO migration v2 state machine (SPEC.md §4-§5): the kernel's
 * raw next-step table, per-state flag requirements, flag filtering, complete paths and
 * session-starting arcs. It is the oracle for cases, walker and fuzzers alike.
 */
#ifndef MC_MODEL_H
#define MC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define MC_NSTATES 8  /* ERROR .. PRE_COPY_P2P */
#define MC_MAX_PATH 8 /* states on the longest path, ends included, with room */

/* Name of @state ("STOP_COPY"), or "STATE_<n>" rendered into a static buffer for others. */
const char *mc_state_name(uint32_t state);
/* Parse a state name or number; returns the value or -1. */
int64_t mc_state_parse(const char *text);

/* True when @flags is one of the four combinations the uAPI defines (1, 3, 5, 7). */
bool mc_model_flags_valid(uint64_t flags);
/* True when @state (< 8, not ERROR) is usable by a device advertising @flags. */
bool mc_model_supported(uint64_t flags, uint32_t state);

/*
 * mc_model_next: the kernel helper vfio_mig_get_next_state() for a device with @flags.
 * Returns 0 and the next single step in *@next (== @cur when @cur == @target), or
 * -EINVAL when there is no path. *@warn (may be NULL) is set when the kernel would
 * also WARN (current state unsupported or ERROR).
 */
int mc_model_next(uint64_t flags, uint32_t cur, uint32_t target, uint32_t *next, bool *warn);

/*
 * mc_model_path: the complete path a driver walks for SET @to from @from.
 * Fills @path[0] = @from ... @path[n] = @to and returns n (the number of arcs; 0 for a
 * same-state SET), or -EINVAL when the SET must fail.
 */
int mc_model_path(uint64_t flags, uint32_t from, uint32_t to, uint32_t path[MC_MAX_PATH]);

/* True for the four arcs that open a new data session (SPEC §4.8). */
bool mc_model_arc_starts_session(uint32_t from, uint32_t to);
/* True for PRE_COPY, PRE_COPY_P2P and STOP_COPY. */
bool mc_model_saving(uint32_t state);
/* True when @state has a data session: the saving group and RESUMING. */
bool mc_model_has_session(uint32_t state);

/* What a SET does to a data session that was open in @from before it. */
enum mc_session_fate {
	MC_SESSION_NONE = 0, /* @from had no session */
	MC_SESSION_KEPT, /* the same fd goes on (inside the saving group, same state, failed SET) */
	MC_SESSION_ENDED, /* the session is over: read gives 0 or an error, write fails */
};

/* The full expectation for one SET from @from (a supported state) to any 32-bit @to. */
struct mc_expect {
	int err;	      /* 0 or -EINVAL */
	bool new_fd;	      /* a data_fd >= 0 is returned */
	uint32_t state_after; /* GET after the SET */
	int narcs;	      /* arcs walked, -1 when the SET fails */
	uint32_t path[MC_MAX_PATH];
	enum mc_session_fate old_session;
};
void mc_model_expect(uint64_t flags, uint32_t from, uint32_t to, struct mc_expect *e);

#endif /* MC_MODEL_H */

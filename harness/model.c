// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference model of the VFIO migration v2 state machine. The kernel's raw next-step
 * table and per-state flag masks, the flag-filtering walk of vfio_mig_get_next_state(),
 * complete paths, and what a SET does to data sessions. See SPEC.md §4-§5.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_uapi.h"
#include "model.h"
#include "num.h"

#define S_ERR VFIO_DEVICE_STATE_ERROR
#define S_STOP VFIO_DEVICE_STATE_STOP
#define S_RUN VFIO_DEVICE_STATE_RUNNING
#define S_SC VFIO_DEVICE_STATE_STOP_COPY
#define S_RES VFIO_DEVICE_STATE_RESUMING
#define S_P2P VFIO_DEVICE_STATE_RUNNING_P2P
#define S_PRE VFIO_DEVICE_STATE_PRE_COPY
#define S_PREP2P VFIO_DEVICE_STATE_PRE_COPY_P2P

static const char *const state_names[MC_NSTATES] = {
	[S_ERR] = "ERROR",    [S_STOP] = "STOP",	   [S_RUN] = "RUNNING",
	[S_SC] = "STOP_COPY", [S_RES] = "RESUMING",	   [S_P2P] = "RUNNING_P2P",
	[S_PRE] = "PRE_COPY", [S_PREP2P] = "PRE_COPY_P2P",
};

/*
 * The raw next-step table of vfio_mig_get_next_state() before flag filtering
 * (SPEC §4.4). Row = current state, column = target, cell = the next single arc.
 * ERROR in a cell means "no path". The uAPI's path rule it encodes: shortest path,
 * and saving-group states (PRE_COPY, PRE_COPY_P2P, STOP_COPY) appear only at the
 * start or the end of a path, never in the middle; STOP_COPY never goes back to a
 * pre-copy state.
 */
static const uint8_t next_raw[MC_NSTATES][MC_NSTATES] = {
	[S_STOP] = {
		[S_STOP] = S_STOP, [S_RUN] = S_P2P, [S_SC] = S_SC, [S_RES] = S_RES,
		[S_P2P] = S_P2P, [S_PRE] = S_P2P, [S_PREP2P] = S_P2P,
	},
	[S_RUN] = {
		[S_STOP] = S_P2P, [S_RUN] = S_RUN, [S_SC] = S_P2P, [S_RES] = S_P2P,
		[S_P2P] = S_P2P, [S_PRE] = S_PRE, [S_PREP2P] = S_P2P,
	},
	[S_SC] = {
		[S_STOP] = S_STOP, [S_RUN] = S_STOP, [S_SC] = S_SC, [S_RES] = S_STOP,
		[S_P2P] = S_STOP, [S_PRE] = S_ERR, [S_PREP2P] = S_ERR,
	},
	[S_RES] = {
		[S_STOP] = S_STOP, [S_RUN] = S_STOP, [S_SC] = S_STOP, [S_RES] = S_RES,
		[S_P2P] = S_STOP, [S_PRE] = S_STOP, [S_PREP2P] = S_STOP,
	},
	[S_P2P] = {
		[S_STOP] = S_STOP, [S_RUN] = S_RUN, [S_SC] = S_STOP, [S_RES] = S_STOP,
		[S_P2P] = S_P2P, [S_PRE] = S_RUN, [S_PREP2P] = S_PREP2P,
	},
	[S_PRE] = {
		[S_STOP] = S_RUN, [S_RUN] = S_RUN, [S_SC] = S_PREP2P, [S_RES] = S_RUN,
		[S_P2P] = S_RUN, [S_PRE] = S_PRE, [S_PREP2P] = S_PREP2P,
	},
	[S_PREP2P] = {
		[S_STOP] = S_P2P, [S_RUN] = S_P2P, [S_SC] = S_SC, [S_RES] = S_P2P,
		[S_P2P] = S_P2P, [S_PRE] = S_PRE, [S_PREP2P] = S_PREP2P,
	},
	/* Row ERROR is all ERROR: nothing leaves ERROR except VFIO_DEVICE_RESET. */
};

/*
 * Migration flags each state needs (SPEC §1.6). ERROR needs every bit, so it is never
 * "supported": it can be neither requested nor walked from.
 */
static const uint32_t state_needs[MC_NSTATES] = {
	[S_ERR] = ~0u,
	[S_STOP] = VFIO_MIGRATION_STOP_COPY,
	[S_RUN] = VFIO_MIGRATION_STOP_COPY,
	[S_SC] = VFIO_MIGRATION_STOP_COPY,
	[S_RES] = VFIO_MIGRATION_STOP_COPY,
	[S_P2P] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P,
	[S_PRE] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
	[S_PREP2P] = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY,
};

const char *mc_state_name(uint32_t state)
{
	static __thread char buf[24];

	if (state < MC_NSTATES)
		return state_names[state];
	snprintf(buf, sizeof(buf), "STATE_%u", state);
	return buf;
}

int64_t mc_state_parse(const char *text)
{
	uint64_t v;

	for (uint32_t s = 0; s < MC_NSTATES; s++)
		if (!strcasecmp(text, state_names[s]))
			return s;
	if (mc_num_parse(text, 0, 0, UINT32_MAX, &v)) /* not "-0", " 1" or "+1" */
		return -1;
	return (int64_t)v;
}

bool mc_model_flags_valid(uint64_t flags)
{
	return flags == 1 || flags == 3 || flags == 5 || flags == 7;
}

bool mc_model_supported(uint64_t flags, uint32_t state)
{
	return state < MC_NSTATES && (state_needs[state] & flags) == state_needs[state];
}

int mc_model_next(uint64_t flags, uint32_t cur, uint32_t target, uint32_t *next, bool *warn)
{
	uint32_t step;

	if (warn)
		*warn = false;
	if (!mc_model_supported(flags, cur)) {
		if (warn)
			*warn = true;
		return -EINVAL;
	}
	if (!mc_model_supported(flags, target))
		return -EINVAL;
	/* An unsupported intermediate state is skipped by looking up again from it. */
	step = next_raw[cur][target];
	while (step != S_ERR && !mc_model_supported(flags, step))
		step = next_raw[step][target];
	if (step == S_ERR)
		return -EINVAL;
	*next = step;
	return 0;
}

int mc_model_path(uint64_t flags, uint32_t from, uint32_t to, uint32_t path[MC_MAX_PATH])
{
	uint32_t cur = from;
	int n = 0;

	path[0] = from;
	while (cur != to) {
		uint32_t next;
		int rc = mc_model_next(flags, cur, to, &next, NULL);

		if (rc)
			return rc;
		if (n + 1 >= MC_MAX_PATH)
			return -ELOOP; /* cannot happen with the kernel's table */
		path[++n] = cur = next;
	}
	/* A same-state SET of an unsupported state still fails in the helper. */
	if (n == 0 && !mc_model_supported(flags, to))
		return -EINVAL;
	return n;
}

bool mc_model_arc_starts_session(uint32_t from, uint32_t to)
{
	return (from == S_RUN && to == S_PRE) || (from == S_P2P && to == S_PREP2P) ||
	       (from == S_STOP && to == S_SC) || (from == S_STOP && to == S_RES);
}

bool mc_model_saving(uint32_t state)
{
	return state == S_PRE || state == S_PREP2P || state == S_SC;
}

bool mc_model_has_session(uint32_t state)
{
	return mc_model_saving(state) || state == S_RES;
}

void mc_model_expect(uint64_t flags, uint32_t from, uint32_t to, struct mc_expect *e)
{
	uint32_t path[MC_MAX_PATH];
	int n = mc_model_path(flags, from, to, path);

	memset(e, 0, sizeof(*e));
	memcpy(e->path, path, sizeof(path));
	if (n < 0) {
		e->err = -EINVAL;
		e->narcs = -1;
		e->state_after = from;
		e->path[0] = from;
		e->old_session = mc_model_has_session(from) ? MC_SESSION_KEPT : MC_SESSION_NONE;
		return;
	}
	e->err = 0;
	e->narcs = n;
	e->state_after = to;
	e->new_fd = n > 0 && mc_model_arc_starts_session(e->path[n - 1], e->path[n]);
	if (!mc_model_has_session(from))
		e->old_session = MC_SESSION_NONE;
	else if (from == to || (mc_model_saving(from) && mc_model_saving(to)))
		e->old_session = MC_SESSION_KEPT;
	else
		e->old_session = MC_SESSION_ENDED;
}

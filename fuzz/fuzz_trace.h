/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traces of the device calls one fuzz input makes, and their bare replay: the same-run
 * baseline of `make bench` (bench/fuzzbase.c). A trace holds every backend call of the
 * input (arguments, the bytes it handed the device, where its buffers lay, the result);
 * the bare replayer issues the same calls on a device of its own with no interpreter, no
 * oracle and no engine, and counts the results that differ from the recorded ones.
 */
#ifndef MC_FUZZ_TRACE_H
#define MC_FUZZ_TRACE_H

#include "fuzz.h"

struct mc_fuzz_trace;
struct mc_fuzz_bare;

/* An empty trace, or NULL (out of memory). */
struct mc_fuzz_trace *mc_fuzz_trace_new(void);
void mc_fuzz_trace_free(struct mc_fuzz_trace *tr);
/* The device calls @tr holds. */
unsigned mc_fuzz_trace_calls(const struct mc_fuzz_trace *tr);
/* Those of them the device's operation log shows too (all but arming faults). */
unsigned mc_fuzz_trace_logged(const struct mc_fuzz_trace *tr);

/*
 * mc_fuzz_trace_record: mc_fuzz_run() of @data with every device call of the input
 * recorded into @tr (emptied first): the calls on the device the input ran on, from its
 * open when it was opened for the input. On a device whose reference streams are kept
 * (struct mc_fuzz_ref) run the target once before, so the trace holds no making of them.
 * Returns what mc_fuzz_run() returns; -ENOMEM when the trace could not grow.
 */
int mc_fuzz_trace_record(struct mc_fuzz_ctx *ctx, const struct mc_fuzz_target *t,
			 const uint8_t *data, size_t size, struct mc_fuzz_trace *tr,
			 struct mc_fuzz_finding *f);
/*
 * mc_fuzz_trace_attach: called by the fuzz layer whenever ctx->rec is set and the input's
 * device may be new (after a reopen, at the start of an input): interposes the recorder
 * on ctx->dev once and empties ctx->rec.
 */
void mc_fuzz_trace_attach(struct mc_fuzz_ctx *ctx);

/*
 * mc_fuzz_bare_open: the bare replayer for device @spec (its own guard pages and
 * buffers). A device that is not reopened for every trace is opened here and kept; close
 * every other handle on it first (a VFIO group opens once). 0, or -errno with one line in
 * @err.
 */
int mc_fuzz_bare_open(const char *spec, struct mc_fuzz_bare **bp, char *err, size_t errlen);
void mc_fuzz_bare_close(struct mc_fuzz_bare *b);
/*
 * mc_fuzz_bare_run: issue @tr's calls, on a freshly opened device when the input ran on
 * one (closed again after). Returns how many results differed from the recorded ones, or
 * -errno when the device could not be opened. *@calls (may be NULL) gets the calls made.
 */
long mc_fuzz_bare_run(struct mc_fuzz_bare *b, const struct mc_fuzz_trace *tr, unsigned *calls);

#endif /* MC_FUZZ_TRACE_H */

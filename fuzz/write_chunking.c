// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target write_chunking: the input is a write plan (3-byte records, no faults) for
 * the device's own valid stream. The stream is byte-order-only (RES-01): written with
 * the plan it must be acknowledged whole and accepted like the same stream in a single
 * write, and the restored device must save the same stream again as after the single
 * write (RES-02, on byte-deterministic devices).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model.h"
#include "report.h"

#define MAX_RECS 128

/* Resume @s with @plan (NULL: one write), expect acceptance, then save it again. */
static int resume_and_resave(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f,
			     const uint8_t *s, size_t len, struct mc_fuzz_in *plan,
			     unsigned nrec, uint8_t **again, size_t *again_len)
{
	struct mc_fuzz_attempt a;
	struct mc_fuzz_in none;
	const char *how = plan ? "with the write plan" : "in one write";
	int rc;

	*again = NULL;
	mc_fuzz_in_init(&none, NULL, 0);
	rc = mc_fuzz_resume(ctx, f, s, len, plan ? plan : &none, plan ? nrec : 0, 0, 0, &a);
	if (!rc && (a.w.first_err || a.w.acked != len))
		rc = mc_fuzz_fail(f, "RES-01", a.w.first_err, VFIO_DEVICE_STATE_RESUMING,
				  "the device's own %zu-byte stream %s: %llu bytes acknowledged in %u calls, then %s",
				  len, how, (unsigned long long)a.w.acked, a.w.calls,
				  mc_errno_name(a.w.first_err));
	else if (!rc && a.stop_rc)
		rc = mc_fuzz_fail(f, "RES-01", a.stop_rc, VFIO_DEVICE_STATE_RESUMING,
				  "the device's own %zu-byte stream %s (%u calls): every byte acknowledged, but RESUMING->STOP gave %s",
				  len, how, a.w.calls, mc_errno_name(a.stop_rc));
	mc_fuzz_attempt_free(ctx, &a);
	if (!rc)
		rc = mc_fuzz_usable(ctx, f, plan ? "after the chunked resume" : "after a single-write resume");
	if (!rc && ctx->deterministic)
		rc = mc_fuzz_save(ctx, f, again, again_len);
	if (!rc)
		rc = mc_fuzz_recover(ctx, f, -1, "after a resume");
	return rc;
}

static size_t first_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i = 0;

	while (i < alen && i < blen && a[i] == b[i])
		i++;
	return i;
}

int mc_fuzz_write_chunking(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
			   struct mc_fuzz_finding *f)
{
	uint8_t *own = NULL, *one = NULL, *chunked = NULL;
	size_t own_len = 0, one_len = 0, chunked_len = 0;
	unsigned nrec = (unsigned)(size / MC_FUZZ_REC);
	struct mc_fuzz_in plan;
	int rc;

	nrec = nrec > MAX_RECS ? MAX_RECS : nrec;
	mc_fuzz_in_init(&plan, data, size);
	rc = mc_fuzz_begin(ctx, f);
	if (!rc)
		rc = mc_fuzz_save(ctx, f, &own, &own_len);
	if (!rc)
		rc = resume_and_resave(ctx, f, own, own_len, NULL, 0, &one, &one_len);
	if (!rc)
		rc = resume_and_resave(ctx, f, own, own_len, &plan, nrec, &chunked, &chunked_len);
	if (!rc && ctx->deterministic &&
	    (one_len != chunked_len || memcmp(one, chunked, one_len)))
		rc = mc_fuzz_fail(f, "RES-02", 0, VFIO_DEVICE_STATE_STOP_COPY,
				  "after the chunked resume the device saves %zu bytes that differ from the %zu saved after a single write, from byte %zu",
				  chunked_len, one_len, first_diff(one, one_len, chunked, chunked_len));
	free(own);
	free(one);
	free(chunked);
	return rc;
}

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

#define MAX_RECS 128

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
	const struct mc_fuzz_ref *ref = &ctx->ref;
	uint8_t *chunked = NULL;
	size_t chunked_len = 0;
	unsigned nrec = (unsigned)(size / MC_FUZZ_REC);
	struct mc_fuzz_in plan;
	int rc;

	nrec = nrec > MAX_RECS ? MAX_RECS : nrec;
	mc_fuzz_in_init(&plan, data, size);
	rc = mc_fuzz_begin(ctx, f);
	if (!rc)
		rc = mc_fuzz_resume_resave(ctx, f, ref->own, ref->own_len, &plan, nrec,
					   ref->resaved ? &chunked : NULL, &chunked_len);
	if (!rc && ref->resaved &&
	    (ref->resaved_len != chunked_len || memcmp(ref->resaved, chunked, chunked_len)))
		rc = mc_fuzz_fail(
			f, "RES-02", 0, VFIO_DEVICE_STATE_STOP_COPY,
			"after the chunked resume the device saves %zu bytes that differ from the %zu saved after a single write, from byte %zu",
			chunked_len, ref->resaved_len,
			first_diff(ref->resaved, ref->resaved_len, chunked, chunked_len));
	free(chunked);
	return rc;
}

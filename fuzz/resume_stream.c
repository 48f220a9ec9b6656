// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target resume_stream: a stream (the input's raw bytes, or the device's own or a
 * foreign device's stream with edits) written by a write plan into a RESUMING session,
 * then RESUMING->STOP (or a reset), then the device is used. Oracles: the state is one
 * the model allows; on the acknowledged bytes, an empty, truncated, gapped or foreign
 * stream is refused (RES-03/04) and the device's own complete stream is accepted
 * (RES-01); an accepted stream leaves a usable device whose old fd is dead (RES-05/06);
 * reset recovers and a valid migration then works. Input layout: fuzz/README.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "fuzz.h"
#include "model.h"

#define HDR 8
#define MAX_EDITS 16
#define MAX_RECS 64

enum { BASE_RAW = 0, BASE_OWN, BASE_FOREIGN };
#define OPT_CONTINUE 0x04
#define OPT_CLOSE_FIRST 0x08
#define OPT_ABORT 0x10
#define OPT_FAULTS 0x20

struct rs_input {
	uint8_t opts;
	unsigned nedits, nrec;
	uint32_t trunc;
	struct mc_fuzz_in edits, plan;
	const uint8_t *raw;
	size_t raw_len;
};

static void decode(const uint8_t *data, size_t size, struct rs_input *in)
{
	struct mc_fuzz_in d;
	size_t got;

	mc_fuzz_in_init(&d, data, size);
	in->opts = mc_fuzz_u8(&d);
	in->nedits = mc_fuzz_u8(&d) % MAX_EDITS;
	in->nrec = mc_fuzz_u8(&d) % MAX_RECS;
	mc_fuzz_u8(&d);
	in->trunc = mc_fuzz_u32(&d);
	in->edits = d;
	mc_fuzz_take(&d, 4 * (size_t)in->nedits, &got);
	in->plan = d;
	mc_fuzz_take(&d, MC_FUZZ_REC * (size_t)in->nrec, &got);
	in->raw = mc_fuzz_take(&d, mc_fuzz_left(&d), &in->raw_len);
}

/* Edits { u16 off; u8 op; u8 val }: op & 3 = xor, set, delete val % 16 + 1, insert. */
static void apply_edits(struct mc_fuzz_in *e, unsigned n, uint8_t *s, size_t *len)
{
	for (unsigned i = 0; i < n; i++) {
		size_t off = mc_fuzz_u16(e);
		uint8_t op = mc_fuzz_u8(e), val = mc_fuzz_u8(e), del;

		if (!*len && (op & 3) != 3)
			continue;
		switch (op & 3) {
		case 0: s[off % *len] ^= val ? val : 1; break;
		case 1: s[off % *len] = val; break;
		case 2:
			off %= *len;
			del = (uint8_t)(val % 16 + 1);
			del = *len - off < del ? (uint8_t)(*len - off) : del;
			memmove(s + off, s + off + del, *len - off - del);
			*len -= del;
			break;
		default:
			off %= *len + 1;
			memmove(s + off + 1, s + off, *len - off);
			s[off] = val;
			(*len)++;
			break;
		}
	}
}

/* The stream to offer, in a buffer of its own (room for the inserts). */
static uint8_t *build(struct mc_fuzz_ctx *ctx, struct rs_input *in, const uint8_t *own,
		      size_t own_len, size_t *len)
{
	const uint8_t *base = in->raw;
	size_t blen = in->raw_len;
	uint8_t *s;

	if ((in->opts & 3) == BASE_OWN) {
		base = own;
		blen = own_len;
	} else if ((in->opts & 3) == BASE_FOREIGN && ctx->foreign) {
		base = ctx->foreign;
		blen = ctx->foreign_len;
	}
	if (in->trunc && in->trunc - 1 < blen)
		blen = in->trunc - 1;
	s = malloc(blen + MAX_EDITS + 1);
	if (!s)
		return NULL;
	if (blen)
		memcpy(s, base, blen);
	*len = blen;
	apply_edits(&in->edits, in->nedits, s, len);
	return s;
}

static bool is_prefix(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen <= blen && (!alen || !memcmp(a, b, alen));
}

/*
 * What the acknowledged bytes oblige the device to do at RESUMING->STOP. Only streams
 * whose validity is known are judged: the device's own stream @own, its prefixes and
 * holes, and the foreign device's stream; anything else may go either way.
 */
static int judge(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const uint8_t *x, size_t xlen,
		 const uint8_t *own, size_t own_len, const struct mc_fuzz_attempt *a)
{
	const struct mc_fuzz_wres *w = &a->w;
	bool offered_own = xlen == own_len && is_prefix(x, xlen, own, own_len);
	bool acked_own = w->acked == own_len && is_prefix(w->ack, w->acked, own, own_len);

	if (!a->stop_rc) {
		if (!w->acked)
			return mc_fuzz_fail(
				f, "RES-03", 0, VFIO_DEVICE_STATE_STOP,
				"RESUMING->STOP accepted an empty stream (%llu bytes offered, first error %s)",
				(unsigned long long)w->offered, mc_errno_name(w->first_err));
		if (w->acked < own_len && is_prefix(w->ack, w->acked, own, own_len))
			return mc_fuzz_fail(
				f, "RES-03", 0, VFIO_DEVICE_STATE_STOP,
				"RESUMING->STOP accepted the device's own stream truncated to %llu of %zu bytes",
				(unsigned long long)w->acked, own_len);
		if (offered_own && !acked_own)
			return mc_fuzz_fail(
				f, "RES-03", 0, VFIO_DEVICE_STATE_STOP,
				"RESUMING->STOP accepted the device's own stream with a gap: %llu of %zu bytes acknowledged (first failed write %s)",
				(unsigned long long)w->acked, own_len, mc_errno_name(w->first_err));
		if (ctx->foreign && is_prefix(w->ack, w->acked, ctx->foreign, ctx->foreign_len) &&
		    !is_prefix(w->ack, w->acked, own, own_len))
			return mc_fuzz_fail(
				f, "RES-04", 0, VFIO_DEVICE_STATE_STOP,
				"RESUMING->STOP accepted %llu of the %zu bytes of a stream saved from %s",
				(unsigned long long)w->acked, ctx->foreign_len, ctx->foreign_spec);
		return 0;
	}
	if (acked_own && !w->first_err)
		return mc_fuzz_fail(
			f, "RES-01", a->stop_rc, VFIO_DEVICE_STATE_RESUMING,
			"every byte of the device's own %zu-byte stream was acknowledged (%u calls), but RESUMING->STOP gave %s",
			own_len, w->calls, mc_errno_name(a->stop_rc));
	if (offered_own && w->first_err && !w->faulted)
		return mc_fuzz_fail(
			f, "RES-01", w->first_err, VFIO_DEVICE_STATE_RESUMING,
			"a write of the device's own stream failed (%s) after %llu bytes",
			mc_errno_name(w->first_err), (unsigned long long)w->acked);
	return 0;
}

/* After an accepted stream: the session is over (RES-06) and the device works (RES-05). */
static int accepted(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f,
		    const struct mc_fuzz_attempt *a)
{
	if (a->fd >= 0 && mc_data_write(ctx->dev, a->fd, "M", 1) >= 0)
		return mc_fuzz_fail(f, "RES-06", 0, VFIO_DEVICE_STATE_STOP,
				    "after RESUMING->STOP the resume fd still took a write");
	return mc_fuzz_usable(ctx, f, "after an accepted stream");
}

/* Reset recovers, and the device's own stream then resumes (RES-05). */
static int full_migration(struct mc_fuzz_ctx *ctx, struct mc_fuzz_finding *f, const uint8_t *own,
			  size_t own_len)
{
	struct mc_fuzz_attempt a;
	struct mc_fuzz_in none;
	int rc;

	mc_fuzz_in_init(&none, NULL, 0);
	rc = mc_fuzz_resume(ctx, f, own, own_len, &none, 0, 0, 0, &a);
	if (!rc && (a.w.first_err || a.stop_rc))
		rc = mc_fuzz_fail(
			f, "RES-05", a.w.first_err ? a.w.first_err : a.stop_rc,
			VFIO_DEVICE_STATE_RESUMING,
			"after the fuzzed stream and a reset, the device's own stream does not resume: write %s, RESUMING->STOP %s",
			mc_errno_name(a.w.first_err), mc_errno_name(a.stop_rc));
	mc_fuzz_attempt_free(ctx, &a);
	return rc;
}

int mc_fuzz_resume_stream(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
			  struct mc_fuzz_finding *f)
{
	struct mc_fuzz_attempt a = { .fd = -1 };
	const uint8_t *own = ctx->ref.own;
	size_t own_len = ctx->ref.own_len, xlen = 0;
	struct rs_input in;
	uint8_t *x = NULL;
	unsigned wflags, ropts;
	int rc;

	decode(data, size, &in);
	wflags = (in.opts & OPT_CONTINUE ? MC_FUZZ_W_CONTINUE : 0) |
		 (in.opts & OPT_FAULTS ? MC_FUZZ_W_FAULTS : 0);
	ropts = (in.opts & OPT_CLOSE_FIRST ? MC_FUZZ_R_CLOSE_FIRST : 0) |
		(in.opts & OPT_ABORT ? MC_FUZZ_R_ABORT : 0);
	rc = mc_fuzz_begin(ctx, f);
	if (rc)
		goto out;
	x = build(ctx, &in, own, own_len, &xlen);
	if (!x) {
		rc = mc_fuzz_broken(f, -ENOMEM, "out of memory");
		goto out;
	}
	rc = mc_fuzz_resume(ctx, f, x, xlen, &in.plan, in.nrec, wflags, ropts, &a);
	if (!rc && !(ropts & MC_FUZZ_R_ABORT))
		rc = judge(ctx, f, x, xlen, own, own_len, &a);
	if (!rc && !(ropts & MC_FUZZ_R_ABORT) && !a.stop_rc)
		rc = accepted(ctx, f, &a);
	if (!rc)
		rc = mc_fuzz_recover(ctx, f, a.stop_rc && !(ropts & MC_FUZZ_R_ABORT) ? a.fd : -1,
				     "after the fuzzed stream");
	mc_fuzz_attempt_free(ctx, &a);
	if (!rc)
		rc = full_migration(ctx, f, own, own_len);
	if (!rc)
		rc = mc_fuzz_recover(ctx, f, -1, "at the end");
out:
	mc_fuzz_attempt_free(ctx, &a);
	free(x);
	return rc;
}

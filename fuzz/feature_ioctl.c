// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target feature_ioctl: up to 16 raw calls of VFIO_DEVICE_FEATURE (argsz, flags,
 * payload, optionally in a buffer that ends at an unreadable page) and of
 * VFIO_MIG_GET_PRECOPY_INFO on a pre-copy save fd, each after walking to a chosen
 * state. Oracles: the errno the kernel core's checks give in their order (SPEC §3, §6,
 * §8.2), the driver-level results the clauses fix (FEAT, LOG, PRE, FSM for SETs), and
 * that nothing outside what the call may write changes (PROBE writes nothing, nothing
 * beyond argsz). Record layout: fuzz/README.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "fuzz.h"
#include "model.h"

#define MAX_CALLS 16
#define MAX_PAYLOAD 64
#define CANARY 64
#define NRANGES 257
#define NODD 8 /* overrides replace one of the first NODD ranges */
#define GET VFIO_DEVICE_FEATURE_GET
#define SET VFIO_DEVICE_FEATURE_SET
#define PROBE VFIO_DEVICE_FEATURE_PROBE
#define ST_RUNNING VFIO_DEVICE_STATE_RUNNING
#define ST_RESUMING VFIO_DEVICE_STATE_RESUMING
#define ST_ERROR VFIO_DEVICE_STATE_ERROR
#define ANY 1	  /* fexp.err: the driver decides */
#define ANY_ERR 2 /* fexp.err: any failure */

struct range {
	uint64_t iova, length;
};

struct fz {
	struct mc_fuzz_ctx *ctx;
	struct mc_fuzz_finding *f;
	uint32_t st;
	int pfd;       /* a save fd opened in PRE_COPY, or -1 */
	bool pfd_live; /* its session has not ended */
	bool log_started;
	struct range logged[NRANGES];
	uint32_t nlogged;
	struct range ranges[NRANGES]; /* DMA_LOGGING_START's range array */
	uint64_t bitmap[512];	      /* DMA_LOGGING_REPORT's bitmap */
};

/* One call's input. */
struct rec {
	uint8_t sel;
	uint32_t argsz, flags;
	uint8_t plen;
	uint8_t payload[MAX_PAYLOAD];
};

/* One call, named in a finding's message (formatted only then: what()). */
struct call {
	bool on_fd; /* an ioctl on the save fd, else VFIO_DEVICE_FEATURE on the device */
	unsigned long cmd;
	uint32_t argsz, flags;
};

/* What the model allows for one call. */
struct fexp {
	int err;	    /* -errno, 0, ANY or ANY_ERR */
	size_t w;	    /* payload bytes the call may write */
	const char *clause; /* clause a wrong errno violates */
};

static void expect(struct fexp *e, int err, size_t w, const char *clause)
{
	e->err = err;
	e->w = w;
	e->clause = clause;
}

/* ---------------------------------------------------------------- states */

/* A SET the model must allow (or refuse): the fd it returns is kept for PRECOPY_INFO. */
static int judge_set(struct fz *z, uint32_t to, int rc, int fd)
{
	uint32_t from = z->st, got = ST_ERROR;
	struct mc_expect e;

	mc_model_expect(z->ctx->flags, from, to, &e);
	if (from == ST_RESUMING && e.narcs > 0) {
		/* Nothing was written: the empty stream must be refused (RES-03). */
		mc_data_close(z->ctx->dev, fd);
		if (!rc)
			return mc_fuzz_fail(z->f, "RES-03", 0, from,
					    "SET RESUMING->%s succeeded with no byte written",
					    mc_state_name(to));
		rc = mc_get_state(z->ctx->dev, &got);
		if (rc || (got != ST_RESUMING && got != ST_ERROR))
			return mc_fuzz_fail(z->f, "FSM-07", rc, from,
					    "a failed SET RESUMING->%s left the device in %s",
					    mc_state_name(to),
					    rc ? mc_errno_name(rc) : mc_state_name(got));
		z->st = got;
		return 0;
	}
	if (e.err || rc) {
		mc_data_close(z->ctx->dev, fd);
		if (!e.err || rc != -EINVAL)
			return mc_fuzz_fail(
				z->f,
				e.err ? mc_fuzz_no_path_clause(z->ctx->flags, from, to) : "FSM-01",
				rc, from, "SET %s->%s gave %s; the model says %s",
				mc_state_name(from), mc_state_name(to), mc_errno_name(rc),
				mc_errno_name(e.err));
		return 0;
	}
	if (e.new_fd != (fd >= 0)) {
		mc_data_close(z->ctx->dev, fd);
		return mc_fuzz_fail(z->f, from == to ? "FSM-05" : "FSM-02", 0, from,
				    "SET %s->%s returned %s", mc_state_name(from),
				    mc_state_name(to),
				    fd >= 0 ? "a data fd the model does not expect" : "no data fd");
	}
	if (e.old_session == MC_SESSION_ENDED)
		z->pfd_live = false;
	if (fd >= 0 && (to == VFIO_DEVICE_STATE_PRE_COPY || to == VFIO_DEVICE_STATE_PRE_COPY_P2P)) {
		mc_data_close(z->ctx->dev, z->pfd);
		z->pfd = fd;
		z->pfd_live = true;
	} else {
		mc_data_close(z->ctx->dev, fd);
	}
	z->st = to;
	return 0;
}

/*
 * Logging off, whatever a reset or an earlier input did to it (the uAPI does not say
 * what a reset does to logging): DMA_LOGGING_STOP, result not judged.
 */
static void log_off(struct fz *z)
{
	struct vfio_device_feature hdr = {
		.argsz = sizeof(hdr),
		.flags = SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
	};

	if (z->ctx->log)
		mc_feature_raw(z->ctx->dev, &hdr, sizeof(hdr));
	z->log_started = false;
}

/* Walk to @to (reset first out of RESUMING or ERROR). */
static int reach(struct fz *z, uint32_t to)
{
	int rc, fd = -1;

	if (!mc_model_supported(z->ctx->flags, to) || to == z->st)
		return 0;
	if (z->st == ST_RESUMING || z->st == ST_ERROR) {
		rc = mc_reset(z->ctx->dev);
		if (rc)
			return mc_fuzz_fail(z->f, "ERR-01", rc, z->st, "RESET failed: %s",
					    mc_errno_name(rc));
		z->st = ST_RUNNING;
		z->pfd_live = false;
		log_off(z);
	}
	rc = mc_set_state(z->ctx->dev, to, &fd);
	return judge_set(z, to, rc, fd);
}

/* ---------------------------------------------------------------- the feature ioctl */

/*
 * vfio_check_feature() (SPEC §3.2): 1 go on, 0 PROBE success, -EINVAL. Written again
 * here on purpose: the oracle shares no code with the simulated device it judges.
 */
static int check_feature(uint32_t flags, uint32_t argsz, uint32_t ops, size_t minsz)
{
	if (flags & (GET | SET) & ~ops)
		return -EINVAL;
	if (flags & PROBE)
		return 0;
	if (!(flags & (GET | SET)))
		return -EINVAL;
	return argsz - 8 < minsz ? -EINVAL : 1;
}

/* DMA_LOGGING_START's range checks in the core's order (SPEC §6.3). */
static void expect_start(struct fz *z, const uint8_t *pl, unsigned ptr, struct fexp *e)
{
	uint64_t page_size, start[NRANGES], last[NRANGES];
	uint32_t n;
	bool odd = false;

	memcpy(&page_size, pl, 8);
	memcpy(&n, pl + 8, 4);
	if (!n || n > NRANGES - 1)
		return expect(e, n ? -E2BIG : -EINVAL, 0, "LOG-02");
	if (ptr == 5 || ptr == 6)
		return expect(e, -EFAULT, 0, "LOG-02");
	for (uint32_t i = 0; i < n; i++) {
		const struct range *r = &z->ranges[i];

		if ((r->iova & (page_size - 1)) || (r->length & (page_size - 1)))
			return expect(e, -EINVAL, 0, "LOG-02");
		if (r->iova + r->length < r->iova)
			return expect(e, -EOVERFLOW, 0, "LOG-02");
		start[i] = r->iova;
		last[i] = r->iova + r->length - 1;
		odd |= last[i] < start[i] && r->iova; /* the interval tree's corner */
		/*
		 * Ranges from NODD on are the template's disjoint pages (overrides replace
		 * only the first NODD), so one of them can only overlap one of the first
		 * NODD: the same answer as comparing every pair, in O(n) instead of O(n^2).
		 */
		for (uint32_t k = 0; k < i && k < NODD; k++)
			if (start[k] <= last[i] && start[i] <= last[k])
				return expect(e, odd ? ANY : -EINVAL, 0, "LOG-02");
	}
	if (odd)
		return expect(e, ANY, 24, "LOG-01");
	expect(e, z->log_started ? (z->ctx->strict ? ANY_ERR : ANY) : 0, 24,
	       z->log_started ? "LOG-03" : "LOG-01");
}

static void expect_report(struct fz *z, const uint8_t *pl, unsigned ptr, struct fexp *e)
{
	uint64_t iova, length, pgsize;
	bool inside = false;

	memcpy(&iova, pl, 8);
	memcpy(&length, pl + 8, 8);
	memcpy(&pgsize, pl + 16, 8);
	if (pgsize < 4096 || (pgsize & (pgsize - 1)))
		return expect(e, -EINVAL, 0, "LOG-04");
	if (iova + length < iova)
		return expect(e, -EOVERFLOW, 0, "LOG-02");
	if (!z->log_started)
		return expect(e, z->ctx->strict ? ANY_ERR : ANY, 0, "LOG-03");
	for (uint32_t i = 0; length && i < z->nlogged; i++)
		inside |= iova >= z->logged[i].iova &&
			  iova + length - 1 <= z->logged[i].iova + z->logged[i].length - 1;
	expect(e, inside && ptr != 5 && ptr != 6 ? 0 : ANY, 0, "LOG-01");
}

/* The model's answer for one VFIO_DEVICE_FEATURE (SPEC §3.1, §6). */
static void expect_feature(struct fz *z, const struct rec *r, const uint8_t *pl, size_t avail,
			   struct fexp *e)
{
	static const struct {
		uint32_t ops;
		size_t minsz;
		bool log;
	} feat[10] = {
		[1] = { GET, 8, false }, [2] = { GET | SET, 8, false }, [6] = { SET, 24, true },
		[7] = { SET, 0, true },	 [8] = { GET, 32, true },	[9] = { GET, 8, false },
	};
	uint32_t idx = r->flags & VFIO_DEVICE_FEATURE_MASK;
	int cf;

	if (r->argsz < 8 || r->flags & ~(VFIO_DEVICE_FEATURE_MASK | GET | SET | PROBE) ||
	    ((r->flags & (GET | SET)) == (GET | SET) && !(r->flags & PROBE)))
		return expect(e, -EINVAL, 0, "FEAT-03");
	if (idx == VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 && z->ctx->sim) {
		/* The simulated device speaks 7.1: EINVAL without PRE_COPY, SET, no payload. */
		if (!(z->ctx->flags & VFIO_MIGRATION_PRE_COPY))
			return expect(e, -EINVAL, 0, "PRE-06");
		cf = check_feature(r->flags, r->argsz, SET, 0);
		return expect(e, cf < 0 ? cf : 0, 0, cf < 0 ? "FEAT-03" : "PRE-06");
	}
	if (idx >= 10 || !feat[idx].ops)
		return expect(e, z->ctx->sim ? -ENOTTY : ANY, 0, "FEAT-03");
	if (feat[idx].log && !z->ctx->log)
		return expect(e, -ENOTTY, 0, "LOG-01");
	cf = check_feature(r->flags, r->argsz, feat[idx].ops, feat[idx].minsz);
	if (cf <= 0)
		return expect(e, cf, 0, cf ? "FEAT-03" : "FEAT-02");
	if (avail < feat[idx].minsz)
		return expect(e, -EFAULT, 0, "FEAT-03");
	switch (idx) {
	case 6: return expect_start(z, pl, r->sel >> 5, e);
	case 7: return expect(e, z->log_started ? 0 : ANY, 0, "LOG-01");
	case 8: return expect_report(z, pl, r->sel >> 5, e);
	case 9: return expect(e, z->ctx->strict ? 0 : ANY, 8, "FEAT-04");
	default: return expect(e, 0, 8, "FEAT-01"); /* 2 (a SET is judged by judge_set) and 1 */
	}
}

/* @c in words, into @buf: for a finding's message only. */
static const char *what(const struct fz *z, const struct call *c, char *buf, size_t len)
{
	if (c->on_fd)
		snprintf(buf, len, "ioctl %#lx argsz=%u on the save fd in %s", c->cmd, c->argsz,
			 mc_state_name(z->st));
	else
		snprintf(buf, len, "FEATURE argsz=%u flags=%#x in %s", c->argsz, c->flags,
			 mc_state_name(z->st));
	return buf;
}

/*
 * After the call: its errno, then what it wrote. A successful call may change the
 * @e->w bytes after the first @keep bytes; a failed one nothing. @wclause names what a
 * write outside them violates.
 */
static int judge_call(struct fz *z, const struct call *c, const struct fexp *e, int rc,
		      const uint8_t *before, const uint8_t *after, size_t len, size_t keep,
		      const char *wclause)
{
	size_t w = rc ? 0 : e->w, end = keep + w < len ? keep + w : len;
	char txt[96];

	if (e->err == ANY_ERR ? !rc : e->err != ANY && rc != e->err)
		return mc_fuzz_fail(z->f, e->clause, rc, z->st, "%s gave %s, expected %s",
				    what(z, c, txt, sizeof(txt)), mc_errno_name(rc),
				    e->err == ANY_ERR ? "an error" : mc_errno_name(e->err));
	/* The bytes it may not change, compared whole; the byte loop only names the first. */
	if (!memcmp(before, after, keep < len ? keep : len) &&
	    !memcmp(before + end, after + end, len - end))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (before[i] != after[i] && (i < keep || i >= keep + w))
			return mc_fuzz_fail(
				z->f, wclause, rc, z->st,
				"%s (%s) changed byte %zu of the caller's buffer (%#x -> %#x); it may change %zu bytes from byte %zu",
				what(z, c, txt, sizeof(txt)), mc_errno_name(rc), i, before[i],
				after[i], w, keep);
	return 0;
}

/* A GET or SET that succeeded (whatever the model expected): what it wrote, and the model. */
static int after_success(struct fz *z, uint32_t idx, const uint8_t *pl, const struct call *c)
{
	struct vfio_device_feature_mig_state ms;
	uint64_t pgsize;
	uint32_t n;
	char txt[96];

	switch (idx) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		if (memcmp(pl, &z->ctx->flags, 8))
			return mc_fuzz_fail(z->f, "FEAT-01", 0, z->st,
					    "%s: GET MIGRATION wrote other flags than at the start",
					    what(z, c, txt, sizeof(txt)));
		return 0;
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		memcpy(&ms, pl, sizeof(ms));
		if (ms.device_state != z->st || ms.data_fd != -1)
			return mc_fuzz_fail(z->f, "FSM-06", 0, z->st,
					    "%s: GET wrote state %s, data_fd %d",
					    what(z, c, txt, sizeof(txt)),
					    mc_state_name(ms.device_state), ms.data_fd);
		return 0;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		memcpy(&pgsize, pl, 8);
		memcpy(&n, pl + 8, 4);
		if (!pgsize || (pgsize & (pgsize - 1)))
			return mc_fuzz_fail(z->f, "LOG-01", 0, z->st,
					    "%s: START reported page size %#llx",
					    what(z, c, txt, sizeof(txt)),
					    (unsigned long long)pgsize);
		z->log_started = true;
		z->nlogged = n < NRANGES ? n : NRANGES - 1;
		memcpy(z->logged, z->ranges, z->nlogged * sizeof(z->ranges[0]));
		return 0;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP: z->log_started = false; return 0;
	default: return 0;
	}
}

/*
 * A valid payload for feature @idx, which the input's payload bytes overlay: a short
 * input still makes a well-formed START or REPORT (the pointers are put in later).
 */
static void template(uint32_t idx, uint8_t *pl)
{
	static const uint64_t start[2] = { 4096, 1 }, report[3] = { 1u << 20, 4096, 4096 };
	static const struct vfio_device_feature_mig_state st = {
		.device_state = VFIO_DEVICE_STATE_STOP,
		.data_fd = -1,
	};

	if (idx == VFIO_DEVICE_FEATURE_DMA_LOGGING_START)
		memcpy(pl, start, sizeof(start));
	else if (idx == VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT)
		memcpy(pl, report, sizeof(report));
	else if (idx == VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE)
		memcpy(pl, &st, sizeof(st));
}

/* The buffer: the page before the guard; "tight" ends exactly at the unreadable page. */
static uint8_t *place(struct fz *z, bool tight, size_t len)
{
	return tight ? z->ctx->guard + MC_FUZZ_PAGE - len : z->ctx->guard;
}

static int feature_call(struct fz *z, struct rec *r)
{
	bool tight = r->sel & 0x10;
	size_t len = tight ? (size_t)(r->plen % (8 + MAX_PAYLOAD + 1)) : 8 + MAX_PAYLOAD + CANARY;
	uint8_t *buf = place(z, tight, len), before[8 + MAX_PAYLOAD + CANARY];
	uint32_t idx = r->flags & VFIO_DEVICE_FEATURE_MASK, ptr = r->sel >> 5;
	uint64_t p = ptr == 5 ? 0 :
		     ptr == 6 ? (uintptr_t)(z->ctx->guard + MC_FUZZ_PAGE) :
		     idx == 6 ? (uintptr_t)z->ranges :
				(uintptr_t)z->bitmap;
	uint8_t full[8 + MAX_PAYLOAD + CANARY];
	struct call c = { .argsz = r->argsz, .flags = r->flags };
	struct fexp e;
	char txt[96];
	int rc, fd = -1;

	memset(full, 0xcb, sizeof(full));
	memcpy(full, &r->argsz, 4);
	memcpy(full + 4, &r->flags, 4);
	template(idx, full + 8);
	memcpy(full + 8, r->payload, r->plen % (MAX_PAYLOAD + 1));
	if (idx == 6 || idx == 8)
		memcpy(full + 8 + (idx == 6 ? 16 : 24), &p, 8);
	memcpy(buf, full, len);
	memcpy(before, buf, len);
	expect_feature(z, r, full + 8, len < 8 ? 0 : len - 8, &e);
	if (len < 8)
		expect(&e, -EFAULT, 0, "FEAT-03");
	rc = mc_feature_raw(z->ctx->dev, buf, len);
	if (idx == 2 && e.err == 0 && (r->flags & (SET | PROBE)) == SET) {
		struct vfio_device_feature_mig_state ms;
		uint32_t to;

		memcpy(&ms, buf + 8, sizeof(ms));
		memcpy(&to, before + 8, 4);
		fd = !rc ? ms.data_fd : -1;
		if (ms.device_state != to || (rc && ms.data_fd != -1))
			return mc_fuzz_fail(z->f, "FEAT-03", rc, z->st,
					    "%s wrote back device_state %u data_fd %d",
					    what(z, &c, txt, sizeof(txt)), ms.device_state,
					    ms.data_fd);
		memcpy(before + 8, buf + 8, 8); /* written back, judged above */
		e.err = ANY;
		if (judge_call(z, &c, &e, rc, before, buf, len, 8, "FEAT-03")) {
			mc_data_close(z->ctx->dev, fd);
			return 1;
		}
		return judge_set(z, to, rc, fd);
	}
	if (judge_call(z, &c, &e, rc, before, buf, len, 8,
		       r->flags & PROBE ? "FEAT-02" : "FEAT-03"))
		return 1;
	return rc || (r->flags & PROBE) ? 0 : after_success(z, idx, buf + 8, &c);
}

/* ---------------------------------------------------------------- PRECOPY_INFO */

static int precopy_call(struct fz *z, struct rec *r)
{
	static const unsigned long cmds[8] = {
		VFIO_MIG_GET_PRECOPY_INFO, VFIO_MIG_GET_PRECOPY_INFO,	  VFIO_MIG_GET_PRECOPY_INFO,
		VFIO_MIG_GET_PRECOPY_INFO, VFIO_MIG_GET_PRECOPY_INFO,	  VFIO_MIG_GET_PRECOPY_INFO,
		VFIO_DEVICE_FEATURE,	   VFIO_MIG_GET_PRECOPY_INFO + 1,
	};
	bool tight = r->sel & 0x10;
	size_t len = tight ? (size_t)(r->plen % 33) : 24 + CANARY;
	uint8_t *buf = place(z, tight, len), before[24 + CANARY], full[24 + CANARY];
	unsigned long cmd = cmds[r->sel >> 5];
	struct call c = { .on_fd = true, .cmd = cmd, .argsz = r->argsz };
	struct fexp e;
	int rc;

	if (!(z->ctx->flags & VFIO_MIGRATION_PRE_COPY))
		return 0;
	if (z->pfd < 0 || !z->pfd_live) {
		rc = reach(z, ST_RUNNING);
		if (!rc)
			rc = reach(z, VFIO_DEVICE_STATE_PRE_COPY);
		if (rc || z->pfd < 0)
			return rc;
	}
	if ((r->sel & 7) == VFIO_DEVICE_STATE_PRE_COPY_P2P ||
	    (r->sel & 7) == VFIO_DEVICE_STATE_STOP_COPY ||
	    (r->sel & 7) == VFIO_DEVICE_STATE_PRE_COPY || (r->sel & 7) == ST_RUNNING) {
		rc = reach(z, r->sel & 7);
		if (rc)
			return rc;
	}
	memset(full, 0xcb, sizeof(full));
	memcpy(full, &r->argsz, 4);
	memcpy(full + 4, &r->flags, 4);
	memcpy(full + 8, r->payload, r->plen % 17);
	memcpy(buf, full, len);
	memcpy(before, buf, len);
	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		expect(&e, -ENOTTY, 0, "PRE-05");
	else if (len < 24)
		expect(&e, -EFAULT, 0, "PRE-05");
	else if (r->argsz < 24)
		expect(&e, -EINVAL, 0, "PRE-05");
	else if (!z->pfd_live)
		expect(&e, ANY_ERR, 0, "SAVE-03");
	else if (z->st != VFIO_DEVICE_STATE_PRE_COPY && z->st != VFIO_DEVICE_STATE_PRE_COPY_P2P)
		expect(&e, z->ctx->strict ? -EINVAL : ANY_ERR, 0, "PRE-01");
	else
		expect(&e, 0, 20, "PRE-05"); /* flags (echoed; newer kernels clear it) and counts */
	rc = mc_data_ioctl(z->ctx->dev, z->pfd, cmd, buf);
	return judge_call(z, &c, &e, rc, before, buf, len, 4, "PRE-05");
}

int mc_fuzz_feature_ioctl(struct mc_fuzz_ctx *ctx, const uint8_t *data, size_t size,
			  struct mc_fuzz_finding *f)
{
	/*
	 * One per process, cleared for each input: a calloc per input under ASan touched 12
	 * KiB of fresh memory every time (its quarantine holds freed blocks back), a page
	 * fault and a memset for a fifth of the input's time.
	 */
	static struct fz *z;
	struct mc_fuzz_in in;
	int rc;

	if (!z && !(z = malloc(sizeof(*z))))
		return mc_fuzz_broken(f, -ENOMEM, "out of memory");
	memset(z, 0, sizeof(*z));
	/* Field by field: assigning a compound literal zeroes the 12 KiB again. */
	z->ctx = ctx;
	z->f = f;
	z->st = ST_RUNNING;
	z->pfd = -1;
	for (uint32_t i = 0; i < NRANGES; i++)
		z->ranges[i] = (struct range){ .iova = (1ull << 20) + i * 8192ull, .length = 4096 };
	mc_fuzz_in_init(&in, data, size);
	rc = mc_fuzz_begin(ctx, f);
	log_off(z);
	for (int i = 0; !rc && i < MAX_CALLS && mc_fuzz_left(&in); i++) {
		struct rec r = { .sel = mc_fuzz_u8(&in) };
		unsigned nover;
		const uint8_t *pl;
		size_t got;

		r.argsz = mc_fuzz_u32(&in);
		r.flags = mc_fuzz_u32(&in);
		r.plen = mc_fuzz_u8(&in);
		pl = mc_fuzz_take(&in, r.plen % (MAX_PAYLOAD + 1), &got);
		memcpy(r.payload, pl, got);
		nover = mc_fuzz_u8(&in) % 5;
		for (unsigned k = 0; k < nover; k++) {
			static const struct range odd[8] = {
				{ (1ull << 20) + 1, 4096 }, { 1ull << 20, 4097 },
				{ ~0ull - 4095, 8192 },	    { 1ull << 20, 4096 },
				{ 1ull << 21, 0 },	    { 0, 0 },
				{ 1ull << 20, 1ull << 40 }, { 4096, 4096 },
			};
			unsigned at = mc_fuzz_u8(&in) % NODD, kind = mc_fuzz_u8(&in) % 8;

			z->ranges[at] = odd[kind];
		}
		if (r.sel & 8)
			rc = precopy_call(z, &r);
		else if (!(rc = reach(z, r.sel & 7)))
			rc = feature_call(z, &r);
	}
	mc_data_close(ctx->dev, z->pfd);
	if (!rc)
		rc = mc_fuzz_recover(ctx, f, -1, "after the feature calls");
	return rc;
}

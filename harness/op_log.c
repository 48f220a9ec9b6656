// SPDX-License-Identifier: GPL-2.0-only
/*
 * LOG operations: device DMA dirty logging, features 6/7/8 (SPEC §6.3, §10). START with
 * the ranges a row describes (LOG-01 valid ones, LOG-02 refusals, LOG-03 a second START),
 * and REPORT over a started range, without START, or at a page size a row chooses
 * (LOG-01, LOG-03, LOG-04). Every START that succeeds is followed by a STOP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "num.h"
#include "op_log.h"
#include "ops.h"

#define MAX_RANGES 4096		/* n=N rows: far above any PAGE_SIZE/16 (check_start says 4096) */
#define MAX_LISTED 8		/* ranges=A+L/... rows (check_start says 8) */
#define GEN_BASE 0x100000ull	/* n=N: one page every other page from 1 MiB */
#define REPORT_IOVA 0x100000ull /* log_report: the range it starts, 1 MiB at 1 MiB */
#define REPORT_LEN 0x100000ull
#define MAX_REPORT_LEN (1ull << 30)

/* What a row expects: success, one errno, or any failure ("fails": the driver picks). */
struct want {
	bool any_error;
	int err; /* 0 or an errno */
};

static int want_parse(const char *text, struct want *w)
{
	w->any_error = !strcmp(text, "fails");
	w->err = w->any_error ? 0 : mc_errno_parse(text);
	return w->err < 0 ? -EINVAL : 0;
}

static bool want_met(const struct want *w, int rc)
{
	return w->any_error ? rc < 0 : rc == -w->err;
}

static const char *want_name(const struct want *w)
{
	return w->any_error ? "an error" : w->err ? mc_errno_name(w->err) : "success";
}

/* A row's arguments are wrong: say what they should be (for the load-time check). */
static int bad_args(char *err, size_t len, const char *usage)
{
	snprintf(err, len, "%s", usage);
	return -EINVAL;
}

/* ------------------------------------------------------------------ feature calls */

int mc_log_feature(struct mc_dev *dev, uint32_t flags, void *payload, size_t plen)
{
	uint64_t buf[8] = { 0 };
	struct vfio_device_feature *hdr = (void *)buf;
	int rc;

	hdr->argsz = (uint32_t)(sizeof(*hdr) + plen);
	hdr->flags = flags;
	if (plen)
		memcpy(hdr->data, payload, plen);
	rc = mc_feature_raw(dev, buf, sizeof(*hdr) + plen);
	if (plen)
		memcpy(payload, hdr->data, plen);
	return rc;
}

static int log_start(struct mc_dev *dev, struct vfio_device_feature_dma_logging_control *ctl)
{
	return mc_log_feature(dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			      ctl, sizeof(*ctl));
}

static int log_stop(struct mc_dev *dev)
{
	return mc_log_feature(dev, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
			      NULL, 0);
}

static int log_report(struct mc_dev *dev, struct vfio_device_feature_dma_logging_report *rep)
{
	return mc_log_feature(dev, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			      rep, sizeof(*rep));
}

/* Every case starts from a device that is not logging: RESET, then a STOP (result unused). */
static void log_setup(struct mc_ctx *ctx)
{
	mc_reset(ctx->dev);
	log_stop(ctx->dev);
}

/* ------------------------------------------------------------------ START */

struct start_args {
	uint64_t pgsize;
	uint32_t n; /* num_ranges as given to the device */
	struct vfio_device_feature_dma_logging_range list[MAX_LISTED]; /* ranges= rows */
	bool listed;
	bool repeat; /* the row judges a second identical START */
	struct want want;
};

/* "0x100000+0x1000/0x200000+0x1000" */
static int ranges_parse(const char *v, struct start_args *sa)
{
	char buf[128], *save = NULL;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	sa->n = 0;
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		char *plus = strchr(t, '+');

		if (!plus || sa->n == MAX_LISTED)
			return -EINVAL;
		*plus++ = '\0';
		if (mc_num_u64(t, &sa->list[sa->n].iova) ||
		    mc_num_u64(plus, &sa->list[sa->n].length))
			return -EINVAL;
		sa->n++;
	}
	sa->listed = true;
	return sa->n ? 0 : -EINVAL;
}

static int start_parse(const struct mc_case *c, struct start_args *sa)
{
	char v[128];
	uint64_t n;
	bool have_n = mc_case_arg(c, "n", v, sizeof(v));

	memset(sa, 0, sizeof(*sa));
	sa->pgsize = 4096;
	if (have_n && (mc_num_u64(v, &n) || n > MAX_RANGES))
		return -EINVAL;
	sa->n = have_n ? (uint32_t)n : 0;
	if (mc_case_arg(c, "ranges", v, sizeof(v)) == have_n)
		return -EINVAL; /* exactly one of n= and ranges= */
	if (!have_n && ranges_parse(v, sa))
		return -EINVAL;
	if (mc_case_arg(c, "pgsize", v, sizeof(v)) && mc_num_u64(v, &sa->pgsize))
		return -EINVAL;
	if (mc_case_arg(c, "repeat", v, sizeof(v))) {
		if (strcmp(v, "1"))
			return -EINVAL;
		sa->repeat = true;
	}
	return want_parse(c->expect, &sa->want);
}

static int check_start(const struct mc_case *c, char *err, size_t len)
{
	struct start_args sa;

	return start_parse(c, &sa) ? bad_args(err, len,
					      "args need n=0..4096 or ranges=IOVA+LEN[/"
					      "IOVA+LEN...] (at most 8), optional pgsize=N and "
					      "repeat=1; expect ok, fails or an errno name") :
				     0;
}

/* The ranges a row asks for: its list, or n pages every other page from GEN_BASE. */
static struct vfio_device_feature_dma_logging_range *ranges_build(const struct start_args *sa)
{
	size_t cnt = sa->n ? sa->n : 1; /* n=0 still passes a readable array */
	struct vfio_device_feature_dma_logging_range *r = calloc(cnt, sizeof(*r));

	if (!r)
		return NULL;
	if (sa->listed)
		memcpy(r, sa->list, sa->n * sizeof(*r));
	else
		for (uint32_t i = 0; i < sa->n; i++)
			r[i] = (struct vfio_device_feature_dma_logging_range){
				.iova = GEN_BASE + 2ull * i * 4096,
				.length = 4096,
			};
	return r;
}

/* "2 ranges [0x100000+0x3000, 0x102000+0x1000] at page size 0x1000" */
static void ranges_describe(const struct start_args *sa, char *out, size_t len)
{
	size_t used = (size_t)snprintf(out, len, "%u range%s", sa->n, sa->n == 1 ? "" : "s");

	for (uint32_t i = 0; sa->listed && i < sa->n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%#llx+%#llx", i ? ", " : " [",
					 (unsigned long long)sa->list[i].iova,
					 (unsigned long long)sa->list[i].length);
	if (used < len)
		snprintf(out + used, len - used, "%s at page size %#llx", sa->listed ? "]" : "",
			 (unsigned long long)sa->pgsize);
}

/* After a START that succeeded: the page size it reported must be a power of two. */
static void judge_page_size(struct mc_ctx *ctx, uint64_t ps, const char *what)
{
	if (!ps || (ps & (ps - 1)))
		mc_violation(ctx,
			     "START with %s succeeded but reported page_size %#llx, not a "
			     "power of two",
			     what, (unsigned long long)ps);
	else
		mc_note(ctx, "START with %s succeeded; reported page size %#llx", what,
			(unsigned long long)ps);
}

static void op_start(struct mc_ctx *ctx)
{
	struct vfio_device_feature_dma_logging_control ctl;
	struct vfio_device_feature_dma_logging_range *r;
	struct start_args sa;
	char what[256];
	bool started;
	int rc;

	start_parse(ctx->c, &sa);
	r = ranges_build(&sa);
	if (!r) {
		mc_harness_error(ctx, "out of memory for %u ranges", sa.n);
		return;
	}
	ranges_describe(&sa, what, sizeof(what));
	log_setup(ctx);
	ctl = (struct vfio_device_feature_dma_logging_control){
		.page_size = sa.pgsize,
		.num_ranges = sa.n,
		.ranges = (uintptr_t)r,
	};
	rc = log_start(ctx->dev, &ctl);
	started = !rc;
	if (sa.repeat && rc) {
		mc_setup_violation(ctx, "LOG-01", "the first START with %s failed: %s", what,
				   mc_errno_name(rc));
		goto out_free;
	}
	if (sa.repeat) {
		ctl = (struct vfio_device_feature_dma_logging_control){
			.page_size = sa.pgsize,
			.num_ranges = sa.n,
			.ranges = (uintptr_t)r,
		};
		rc = log_start(ctx->dev, &ctl);
	}
	if (!want_met(&sa.want, rc))
		mc_violation(ctx, "%sSTART with %s returned %s, expected %s",
			     sa.repeat ? "a second " : "", what, mc_errno_name(rc),
			     want_name(&sa.want));
	else if (!rc)
		judge_page_size(ctx, ctl.page_size, what);
	if (!started)
		goto out_free;
	rc = log_stop(ctx->dev);
	if (rc && !sa.repeat && !sa.want.err && !sa.want.any_error)
		mc_violation(ctx, "STOP after the successful START failed: %s", mc_errno_name(rc));
	else if (rc)
		mc_note(ctx, "cleanup: STOP failed: %s", mc_errno_name(rc));
out_free:
	free(r);
}

/* ------------------------------------------------------------------ REPORT */

struct report_args {
	enum { START_YES, START_NO, START_STOPPED } start;
	uint64_t iova, length, pgsize;
	struct want want;
};

static int report_parse(const struct mc_case *c, struct report_args *ra)
{
	static const char *const starts[] = { "yes", "no", "stopped" };
	char v[64];

	memset(ra, 0, sizeof(*ra));
	ra->iova = REPORT_IOVA;
	ra->length = REPORT_LEN;
	ra->pgsize = 4096;
	if (mc_case_arg(c, "start", v, sizeof(v))) {
		size_t i;

		for (i = 0; i < sizeof(starts) / sizeof(starts[0]) && strcmp(v, starts[i]); i++)
			;
		if (i == sizeof(starts) / sizeof(starts[0]))
			return -EINVAL;
		ra->start = i;
	}
	if ((mc_case_arg(c, "iova", v, sizeof(v)) && mc_num_u64(v, &ra->iova)) ||
	    (mc_case_arg(c, "length", v, sizeof(v)) && mc_num_u64(v, &ra->length)) ||
	    (mc_case_arg(c, "pgsize", v, sizeof(v)) && mc_num_u64(v, &ra->pgsize)) || !ra->length ||
	    ra->length > MAX_REPORT_LEN)
		return -EINVAL;
	return want_parse(c->expect, &ra->want);
}

static int check_report(const struct mc_case *c, char *err, size_t len)
{
	struct report_args ra;

	return report_parse(c, &ra) ? bad_args(err, len,
					       "args take start=yes|no|stopped, iova=N, "
					       "length=1..2^30, pgsize=N; expect ok, fails or an "
					       "errno name") :
				      0;
}

/* START the range REPORT rows use (and STOP it again for start=stopped). */
static int report_setup(struct mc_ctx *ctx, const struct report_args *ra)
{
	struct vfio_device_feature_dma_logging_range r = {
		.iova = REPORT_IOVA,
		.length = REPORT_LEN,
	};
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = 4096,
		.num_ranges = 1,
		.ranges = (uintptr_t)&r,
	};
	int rc;

	log_setup(ctx);
	if (ra->start == START_NO)
		return 0;
	rc = log_start(ctx->dev, &ctl);
	if (rc) {
		mc_setup_violation(ctx, "LOG-01", "START of %#llx+%#llx failed: %s", REPORT_IOVA,
				   REPORT_LEN, mc_errno_name(rc));
		return rc;
	}
	if (ra->start == START_STOPPED && (rc = log_stop(ctx->dev)))
		mc_setup_violation(ctx, "LOG-01", "STOP after START failed: %s", mc_errno_name(rc));
	return rc;
}

static void op_report(struct mc_ctx *ctx)
{
	struct vfio_device_feature_dma_logging_report rep;
	struct report_args ra;
	uint64_t *bitmap, unit, words, set = 0;
	char when[96];
	int rc;

	report_parse(ctx->c, &ra);
	/* Room for a bit per unit even at page sizes the device should refuse. */
	unit = ra.pgsize >= 512 ? ra.pgsize : 512;
	words = ra.length / unit / 64 + 2;
	bitmap = calloc(words, sizeof(*bitmap));
	if (!bitmap) {
		mc_harness_error(ctx, "out of memory for a %llu-word bitmap",
				 (unsigned long long)words);
		return;
	}
	if (report_setup(ctx, &ra))
		goto out_free;
	rep = (struct vfio_device_feature_dma_logging_report){
		.iova = ra.iova,
		.length = ra.length,
		.page_size = ra.pgsize,
		.bitmap = (uintptr_t)bitmap,
	};
	rc = log_report(ctx->dev, &rep);
	if (ra.start == START_NO)
		snprintf(when, sizeof(when), "without START");
	else
		snprintf(when, sizeof(when), "%s %#llx+%#llx",
			 ra.start == START_YES ? "with logging started on" :
						 "after START and STOP of",
			 REPORT_IOVA, REPORT_LEN);
	/*
	 * A kernel built without CONFIG_IOMMUFD_DRIVER (Debian's 6.12) has no iova_bitmap:
	 * the core answers every REPORT that passed its argument checks with EOPNOTSUPP
	 * before the driver is asked. That is the kernel, not the device.
	 */
	if (rc == -EOPNOTSUPP && !ra.want.any_error && ra.want.err == 0)
		mc_skip(ctx,
			"REPORT %s returned EOPNOTSUPP: this kernel cannot report dirty bitmaps (no CONFIG_IOMMUFD_DRIVER: iova_bitmap_alloc is a stub), so the driver was never asked",
			when);
	else if (!want_met(&ra.want, rc))
		mc_violation(ctx,
			     "REPORT of %#llx+%#llx at page size %#llx %s returned %s, expected %s",
			     (unsigned long long)ra.iova, (unsigned long long)ra.length,
			     (unsigned long long)ra.pgsize, when, mc_errno_name(rc),
			     want_name(&ra.want));
	for (uint64_t i = 0; !rc && i < words; i++)
		set += (uint64_t)__builtin_popcountll(bitmap[i]);
	if (!rc)
		mc_note(ctx, "REPORT %s: %llu page(s) dirty", when, (unsigned long long)set);
	if (ra.start == START_YES && (rc = log_stop(ctx->dev)))
		mc_note(ctx, "cleanup: STOP failed: %s", mc_errno_name(rc));
out_free:
	free(bitmap);
}

const struct mc_op mc_ops_log[] = {
	{ .name = "log_start", .check = check_start, .run = op_start },
	{ .name = "log_report", .check = check_report, .run = op_report },
	{ .name = NULL },
};

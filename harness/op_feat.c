// SPDX-License-Identifier: GPL-2.0-only
/*
 * FEAT operations: discovery (GET MIGRATION), raw VFIO_DEVICE_FEATURE calls with chosen
 * argsz/flags and a canary-filled payload (FEAT-02/03), MIG_DATA_SIZE in every state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "errname.h"
#include "migcheck.h"
#include "model.h"
#include "num.h"
#include "ops.h"
#include "walker.h"

#define CANARY 0xa5
#define MAX_ARGSZ 65536

static void op_mig_flags(struct mc_ctx *ctx)
{
	uint64_t flags = 0;
	int rc = mc_get_flags(ctx->dev, &flags);

	if (rc) {
		mc_violation(ctx, "GET VFIO_DEVICE_FEATURE_MIGRATION failed: %s",
			     mc_errno_name(rc));
		return;
	}
	if (!(flags & VFIO_MIGRATION_STOP_COPY))
		mc_violation(ctx, "flags %#llx lack the mandatory VFIO_MIGRATION_STOP_COPY",
			     (unsigned long long)flags);
	else if (!mc_model_flags_valid(flags))
		mc_violation(ctx, "flags %#llx are not one of the defined sets 1, 3, 5, 7",
			     (unsigned long long)flags);
	else
		mc_note(ctx, "flags %#llx", (unsigned long long)flags);
}

/* "PROBE|GET|2" -> flag word; tokens are GET, SET, PROBE, BIT<n> or a number. */
static int parse_flags(const char *text, uint32_t *out)
{
	char buf[96], *save = NULL;

	*out = 0;
	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		uint64_t v;

		if (!strcmp(t, "GET"))
			*out |= VFIO_DEVICE_FEATURE_GET;
		else if (!strcmp(t, "SET"))
			*out |= VFIO_DEVICE_FEATURE_SET;
		else if (!strcmp(t, "PROBE"))
			*out |= VFIO_DEVICE_FEATURE_PROBE;
		else if (!strncmp(t, "BIT", 3) && !mc_num_parse(t + 3, MC_NUM_DEC, 0, 31, &v))
			*out |= 1u << v;
		else if (!mc_num_parse(t, 0, 0, UINT32_MAX, &v))
			*out |= (uint32_t)v;
		else
			return -EINVAL;
	}
	return 0;
}

struct feature_args {
	uint32_t flags, argsz;
	size_t buflen;
	int want; /* 0 or an errno */
	bool untouched;
};

static int feature_parse(const struct mc_case *c, struct feature_args *fa, char *err, size_t len)
{
	char v[96], expect[64], *plus;
	uint64_t n;

	memset(fa, 0, sizeof(*fa));
	if (!mc_case_arg(c, "flags", v, sizeof(v)) || parse_flags(v, &fa->flags)) {
		snprintf(err, len, "args need flags=<GET|SET|PROBE|BITn|index joined by |>");
		return -EINVAL;
	}
	if (mc_case_num(c, "argsz", 0, 0, MAX_ARGSZ, 16, &n, err, len))
		return -EINVAL;
	fa->argsz = (uint32_t)n;
	fa->buflen = fa->argsz < 8 ? 8 : fa->argsz;
	snprintf(expect, sizeof(expect), "%s", c->expect);
	plus = strchr(expect, '+');
	if (plus) {
		*plus++ = '\0';
		if (strcmp(plus, "untouched")) {
			snprintf(err, len, "expect modifier '%s' unknown (only +untouched)", plus);
			return -EINVAL;
		}
		fa->untouched = true;
	}
	fa->want = mc_errno_parse(expect);
	if (fa->want < 0) {
		snprintf(err, len, "expect '%s' is neither ok nor an errno name", expect);
		return -EINVAL;
	}
	return 0;
}

static int check_feature(const struct mc_case *c, char *err, size_t len)
{
	struct feature_args fa;

	return feature_parse(c, &fa, err, len);
}

static void op_feature(struct mc_ctx *ctx)
{
	struct feature_args fa;
	struct vfio_device_feature *hdr;
	char err[128];
	uint8_t *buf;
	size_t i;
	int rc;

	if (feature_parse(ctx->c, &fa, err, sizeof(err))) {
		mc_harness_error(ctx, "%s", err);
		return;
	}
	buf = malloc(fa.buflen);
	if (!buf) {
		mc_harness_error(ctx, "out of memory");
		return;
	}
	memset(buf, CANARY, fa.buflen);
	hdr = (void *)buf;
	hdr->argsz = fa.argsz;
	hdr->flags = fa.flags;
	rc = mc_feature_raw(ctx->dev, buf, fa.buflen);
	if (rc != -fa.want)
		mc_violation(ctx, "VFIO_DEVICE_FEATURE argsz=%u flags=%#x returned %s, expected %s",
			     fa.argsz, fa.flags, mc_errno_name(rc), mc_errno_name(-fa.want));
	for (i = sizeof(*hdr); fa.untouched && i < fa.buflen; i++) {
		if (buf[i] != CANARY) {
			mc_violation(ctx,
				     "payload byte %zu changed from %#x to %#x (must be untouched)",
				     i - sizeof(*hdr), CANARY, buf[i]);
			break;
		}
	}
	if (hdr->argsz != fa.argsz || hdr->flags != fa.flags)
		mc_violation(ctx, "the header was rewritten: argsz %u flags %#x", hdr->argsz,
			     hdr->flags);
	/* A malformed SET that the device took anyway may have moved it; leave it RUNNING. */
	mc_reset(ctx->dev);
	free(buf);
}

static void op_data_size(struct mc_ctx *ctx)
{
	uint64_t len = 0;
	int fd, rc;

	if (mc_reach(ctx, ctx->p->a, &fd))
		return;
	rc = mc_get_data_size(ctx->dev, &len);
	if (rc)
		mc_violation(ctx, "GET MIG_DATA_SIZE in %s failed: %s", mc_state_name(ctx->p->a),
			     mc_errno_name(rc));
	else
		mc_note(ctx, "stop_copy_length %llu", (unsigned long long)len);
	mc_data_close(ctx->dev, fd);
}

const struct mc_op mc_ops_feat[] = {
	{ .name = "mig_flags", .run = op_mig_flags },
	{ .name = "feature", .check = check_feature, .run = op_feature },
	{ .name = "data_size", .expand = MC_EXPAND_STATE, .run = op_data_size },
	{ .name = NULL },
};

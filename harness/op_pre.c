// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations for PRE_COPY information and pre-copy data (PRE-01..05).
 */
#include "ops.h"

const struct mc_op mc_ops_pre[] = {
	{ .name = NULL },
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations for DMA logging features 6/7/8 (LOG-01..04).
 */
#include "ops.h"

const struct mc_op mc_ops_log[] = {
	{ .name = NULL },
};

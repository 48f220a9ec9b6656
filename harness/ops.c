// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of operations a case row can name: the list of the clause areas' tables,
 * each kept by the op_*.c file that implements the area, and the lookup by name that the
 * parser uses (the first table naming an operation would win; no two name the same one).
 */
#include <string.h>

#include "ops.h"

/* Each clause area's file keeps its own table; this is the list of them. */
static const struct mc_op *const tables[] = {
	mc_ops_feat,   mc_ops_fsm,    mc_ops_err,  mc_ops_rob, mc_ops_pre,  mc_ops_pre2, mc_ops_log,
	mc_ops_stream, mc_ops_resume, mc_ops_time, mc_ops_vmm, mc_ops_regr, mc_ops_conc,
};

const struct mc_op *mc_op_find(const char *name)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct mc_op *op = tables[t]; op->name; op++)
			if (!strcmp(op->name, name))
				return op;
	return NULL;
}

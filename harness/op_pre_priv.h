/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the PRE operation files (op_pre.c: PRE-01..05; op_pre2.c: the 7.1 uAPI,
 * PRE-06..10). Internal to those two files.
 */
#ifndef MC_OP_PRE_PRIV_H
#define MC_OP_PRE_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* A stream as read, in one buffer that grows geometrically. */
struct mc_pre_sbuf {
	uint8_t *p;
	size_t len, cap;
};

/* Room for @more bytes after sb->len: 0 or -ENOMEM (the buffer unchanged). */
int mc_pre_sbuf_reserve(struct mc_pre_sbuf *sb, size_t more);

#endif /* MC_OP_PRE_PRIV_H */

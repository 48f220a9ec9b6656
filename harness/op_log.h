/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DMA logging feature call of op_log.c, for the REG operations that drive dirty
 * logging around other steps.
 */
#ifndef MC_OP_LOG_H
#define MC_OP_LOG_H

#include <stddef.h>
#include <stdint.h>

struct mc_dev;

/*
 * VFIO_DEVICE_FEATURE @flags (a DMA logging feature) with @plen payload bytes (at most 56)
 * from @payload, written back into it; the ioctl's result.
 */
int mc_log_feature(struct mc_dev *dev, uint32_t flags, void *payload, size_t plen);

#endif /* MC_OP_LOG_H */

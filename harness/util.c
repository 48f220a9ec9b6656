// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small helpers more than one file needs (util.h).
 */
#include <time.h>

#include "util.h"

uint64_t mc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

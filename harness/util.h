/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers more than one file needs and none owns: the monotonic clock every timeout
 * and measurement reads, bounded string copies and tests, and the doubling growth of an
 * array. Nothing here knows about devices, cases or reports.
 */
#ifndef MC_UTIL_H
#define MC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mc_now_ns(void);

/* CLOCK_MONOTONIC in milliseconds. */
static inline uint64_t mc_now_ms(void)
{
	return mc_now_ns() / 1000000;
}

/* Copy @src into @dst of @len (> 0) bytes, cut to fit, always NUL-terminated. */
void mc_copy_str(char *dst, size_t len, const char *src);

/* Whether @s ends with @suffix. */
bool mc_ends_with(const char *s, const char *suffix);

/*
 * mc_reserve: make the malloc'd array at *@pp (any pointer type, passed by address) of
 * *@cap elements of @size bytes hold at least @need, doubling from @first. 0, or -ENOMEM
 * with the array and *@cap unchanged.
 */
int mc_reserve(void *pp, size_t *cap, size_t need, size_t size, size_t first);

#endif

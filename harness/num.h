/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict number parsing for every numeric option and spec parameter: a number is digits
 * (decimal, 0x hex or 0 octal) and nothing else, so a sign, a blank, trailing garbage, an
 * overflow or a value out of range is refused instead of wrapping or being cut short.
 */
#ifndef MC_NUM_H
#define MC_NUM_H

#include <stdint.h>

/* mc_num_parse flags */
#define MC_NUM_SIZE 1u /* one k, m, g or t suffix: times 2^10, 2^20, 2^30, 2^40 */
#define MC_NUM_DEC 2u  /* decimal digits only (a seed, a count): "010" is ten, 0x refused */

/*
 * mc_num_scan: the unsigned number at the start of @s (which must be a digit) into *@out;
 * *@end points after it. -EINVAL when @s does not start with a digit, -ERANGE when the
 * number does not fit in 64 bits. For numbers inside a longer text (R@OFF+LEN).
 */
int mc_num_scan(const char *s, const char **end, uint64_t *out);

/*
 * mc_num_parse: the whole of @s as a number in [@min, @max] into *@out (untouched on
 * failure). @flags: MC_NUM_SIZE allows a size suffix. -EINVAL when @s (may be NULL) is
 * not a number, -ERANGE when it is one outside [@min, @max] or beyond 64 bits.
 */
int mc_num_parse(const char *s, unsigned flags, uint64_t min, uint64_t max, uint64_t *out);

/* mc_num_u64: the whole of @s as any 64-bit number (mc_num_parse() without bounds). */
static inline int mc_num_u64(const char *s, uint64_t *out)
{
	return mc_num_parse(s, 0, 0, UINT64_MAX, out);
}

#endif

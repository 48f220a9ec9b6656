// SPDX-License-Identifier: GPL-2.0-only
/*
 * Strict number parsing (num.h): strtoull with its sign, blank and overflow leniencies
 * closed, size suffixes checked for overflow, and the caller's bounds applied, so that
 * "-1" never becomes 2^64-1 and "17179869185g" never becomes 1 GiB.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

static int scan(const char *s, int base, const char **end, uint64_t *out)
{
	unsigned long long v;
	char *e;

	if (!s || *s < '0' || *s > '9') /* strtoull would take " -1" as 2^64-1 */
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, base);
	if (errno)
		return -ERANGE;
	*end = e;
	*out = v;
	return 0;
}

int mc_num_scan(const char *s, const char **end, uint64_t *out)
{
	return scan(s, 0, end, out);
}

int mc_num_parse(const char *s, unsigned flags, uint64_t min, uint64_t max, uint64_t *out)
{
	static const char units[] = "kmgt";
	const char *end, *u;
	uint64_t v;
	int rc = scan(s, flags & MC_NUM_DEC ? 10 : 0, &end, &v);

	if (rc)
		return rc;
	if ((flags & MC_NUM_SIZE) && *end && (u = strchr(units, *end | 0x20)) && end[1] == '\0') {
		unsigned shift = 10 * (unsigned)(u - units + 1);

		if (v > UINT64_MAX >> shift)
			return -ERANGE;
		v <<= shift;
		end++;
	}
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

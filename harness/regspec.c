// SPDX-License-Identifier: GPL-2.0-only
/*
 * Region access lists of the command line: --dirty (writes that change the source's
 * state before its reference stream is saved) and --state-regions (ranges that are safe
 * to read and hold device state, for the RES-02 region oracle).
 *
 *   --dirty         R@OFF=HEX[,R@OFF=HEX]...   e.g. 0@7=a5,1@7=5a
 *   --state-regions R@OFF+LEN[,R@OFF+LEN]...   e.g. 0@7+1,1@7+1
 *
 * R is a VFIO region index (0-5 the BARs, 7 config space) or bar0..bar5 / config; OFF
 * and LEN are decimal or 0x-hex; HEX is the bytes to write, two hex digits each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errname.h"
#include "migcheck.h"
#include "num.h"
#include "runopts.h"

static int parse_index(const char *s, size_t n, uint32_t *idx)
{
	char buf[16];
	uint64_t v;

	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!strcasecmp(buf, "config")) {
		*idx = 7;
		return 0;
	}
	if (!strncasecmp(buf, "bar", 3) && buf[3] >= '0' && buf[3] <= '5' && !buf[4]) {
		*idx = (uint32_t)(buf[3] - '0');
		return 0;
	}
	if (mc_num_parse(buf, MC_NUM_DEC, 0, 8, &v))
		return -EINVAL;
	*idx = (uint32_t)v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One item: R@OFF then "=HEX" (@with_data) or "+LEN". */
static int parse_item(const char *s, size_t n, bool with_data, struct mc_regacc *a)
{
	const char *at = memchr(s, '@', n), *p, *lim = s + n;
	uint64_t len;

	memset(a, 0, sizeof(*a));
	if (!at || parse_index(s, (size_t)(at - s), &a->index) ||
	    mc_num_scan(at + 1, &p, &a->off) || p >= lim)
		return -EINVAL;
	if (!with_data) {
		if (*p != '+' || mc_num_scan(p + 1, &p, &len) || p != lim || !len ||
		    len > MC_REGACC_MAX || a->off > UINT64_MAX - len)
			return -EINVAL;
		a->len = (uint32_t)len;
		return 0;
	}
	if (*p++ != '=' || (lim - p) % 2 || p == lim || (size_t)(lim - p) / 2 > MC_REGACC_MAX)
		return -EINVAL;
	for (; p < lim; p += 2) {
		int hi = hexval(p[0]), lo = hexval(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		a->data[a->len++] = (uint8_t)(hi << 4 | lo);
	}
	return a->off > UINT64_MAX - a->len ? -EINVAL : 0;
}

int mc_regacc_parse(const char *s, bool with_data, struct mc_regaccs *out, char *err, size_t errlen)
{
	const char *what = with_data ? "--dirty" : "--state-regions";
	const char *form = with_data ? "R@OFF=HEX" : "R@OFF+LEN";

	memset(out, 0, sizeof(*out));
	while (*s) {
		size_t n = strcspn(s, ",");

		if (out->n == MC_REGACCS_MAX) {
			snprintf(err, errlen, "%s: more than %d items", what, MC_REGACCS_MAX);
			return -EINVAL;
		}
		if (parse_item(s, n, with_data, &out->a[out->n])) {
			snprintf(
				err, errlen,
				"%s: bad item '%.*s': expected %s (R = 0-5, 7, bar0-bar5 or config; at most %d bytes)",
				what, (int)n, s, form, MC_REGACC_MAX);
			return -EINVAL;
		}
		out->n++;
		s += n;
		if (*s == ',' && *++s == '\0') {
			snprintf(err, errlen, "%s: empty item at the end", what);
			return -EINVAL;
		}
	}
	if (!out->n) {
		snprintf(err, errlen, "%s: empty list", what);
		return -EINVAL;
	}
	return 0;
}

int mc_regacc_write(struct mc_dev *dev, const struct mc_regaccs *w, char *err, size_t errlen)
{
	for (int i = 0; i < w->n; i++) {
		const struct mc_regacc *a = &w->a[i];
		ssize_t n = mc_region_write(dev, a->index, a->off, a->data, a->len);

		if (n != (ssize_t)a->len) {
			snprintf(err, errlen, "writing %u bytes at region %u offset 0x%llx: %s",
				 a->len, a->index, (unsigned long long)a->off,
				 n < 0 ? mc_errno_name((int)n) : "short write");
			return n < 0 ? (int)n : -EIO;
		}
	}
	return 0;
}

ssize_t mc_regacc_read(struct mc_dev *dev, const struct mc_regaccs *r, uint8_t *buf, size_t len,
		       char *err, size_t errlen)
{
	size_t used = 0;

	for (int i = 0; i < r->n; i++) {
		const struct mc_regacc *a = &r->a[i];
		ssize_t n;

		if (used + a->len > len) {
			snprintf(err, errlen, "the state regions hold more than %zu bytes", len);
			return -E2BIG;
		}
		n = mc_region_read(dev, a->index, a->off, buf + used, a->len);
		if (n != (ssize_t)a->len) {
			snprintf(err, errlen, "reading %u bytes at region %u offset 0x%llx: %s",
				 a->len, a->index, (unsigned long long)a->off,
				 n < 0 ? mc_errno_name((int)n) : "short read");
			return n < 0 ? n : -EIO;
		}
		used += a->len;
	}
	return (ssize_t)used;
}

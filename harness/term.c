// SPDX-License-Identifier: GPL-2.0-only
/*
 * Terminal-safe text (term.h): one escaper for every string of an input that is printed,
 * so that diff, expect, klog, verify and render show a report's bytes, never obey them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"

/* Length of the valid UTF-8 sequence at @p (of @n bytes), or 0 when it is not one. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	size_t need;
	uint8_t lo = 0x80, hi = 0xbf;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 2;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 3;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;		/* beyond U+10FFFF */
	if (n <= need || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need + 1;
}

/* A control that a terminal obeys or that reorders text: C0, DEL, C1, bidi marks. */
static bool is_control(const uint8_t *p, size_t k)
{
	uint32_t cp;

	if (k == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	if (k == 2)
		return p[0] == 0xc2 && p[1] < 0xa0;	/* U+0080..U+009F */
	if (k != 3 || p[0] != 0xe2)
		return false;
	cp = (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);	/* U+2000 + cp */
	return (cp >= 0x00e && cp <= 0x00f) || (cp >= 0x028 && cp <= 0x02e) ||
	       (cp >= 0x066 && cp <= 0x069);	/* LRM RLM, LS PS LRE..RLO, LRI..PDI */
}

/*
 * The escaped form of the character at @p (of @n bytes) into @tmp (16 bytes);
 * returns its length and sets *@used to the bytes of @p consumed.
 */
static size_t escape_one(const uint8_t *p, size_t n, char *tmp, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = utf8_len(p, n), t = 0;

	if (k && !is_control(p, k)) {
		*used = k;
		if (k == 1 && p[0] == '\\') {
			memcpy(tmp, "\\\\", 2);
			return 2;
		}
		memcpy(tmp, p, k);
		return k;
	}
	k = k ? k : 1;
	for (size_t i = 0; i < k; i++) {
		tmp[t++] = '\\';
		tmp[t++] = 'x';
		tmp[t++] = hex[p[i] >> 4];
		tmp[t++] = hex[p[i] & 15];
	}
	*used = k;
	return t;
}

size_t mc_term_escape(char *out, size_t len, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t total = 0, used;
	bool cut = false;
	char tmp[16];

	if (len)
		out[0] = '\0';
	while (n) {
		size_t t = escape_one(p, n, tmp, &used);

		if (!cut && total + t < len)
			memcpy(out + total, tmp, t);
		else
			cut = true;
		if (!cut)
			out[total + t] = '\0';
		total += t;
		p += used;
		n -= used;
	}
	return total;
}

const char *mc_term_str(char *out, size_t len, const char *s)
{
	s = s ? s : "(null)";
	mc_term_escape(out, len, s, strlen(s));
	return out;
}

void mc_term_fwrite(FILE *f, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t used;
	char tmp[16];

	while (n) {
		fwrite(tmp, 1, escape_one(p, n, tmp, &used), f);
		p += used;
		n -= used;
	}
}

int mc_term_vprintf(FILE *f, const char *fmt, va_list ap)
{
	size_t flen = strlen(fmt);
	bool nl = flen && fmt[flen - 1] == '\n';
	char *buf = NULL;
	int n = vasprintf(&buf, fmt, ap);

	if (n < 0)
		return -1;
	mc_term_fwrite(f, buf, (size_t)n - nl);
	if (nl)
		fputc('\n', f);
	free(buf);
	return n;
}

int mc_term_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mc_term_vprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

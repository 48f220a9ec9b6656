// SPDX-License-Identifier: GPL-2.0-only
/*
 * Terminal-safe text (term.h): one escaper for every string of an input that is printed,
 * so that diff, expect, klog, verify and render show a report's bytes, never obey them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h" /* mc_utf8_decode */
#include "term.h"

/*
 * A control that a terminal obeys or that reorders or hides text: C0, DEL, C1, the
 * zero-width and bidi marks, line and paragraph separators, the invisible operators
 * and the byte order mark.
 */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||       /* C0, DEL, C1 */
	       (cp >= 0x200b && cp <= 0x200f) ||	       /* ZWSP..RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||	       /* LS, PS, LRE..RLO */
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff; /* WJ..NADS, BOM */
}

/*
 * The escaped form of the character at @p (of @n bytes) into @tmp (16 bytes);
 * returns its length and sets *@used to the bytes of @p consumed.
 */
static size_t escape_one(const uint8_t *p, size_t n, char *tmp, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t cp;
	int dec = mc_utf8_decode(p, n, &cp);
	size_t k = dec > 0 ? (size_t)dec : 0, t = 0;

	if (k && !is_control(cp)) {
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

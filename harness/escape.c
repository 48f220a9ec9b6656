// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON and XML string escaping (escape.h) that always yields valid output, whatever
 * bytes a device, a kernel or a file gave: control characters are escaped or dropped,
 * invalid UTF-8 becomes U+FFFD.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "json.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void mc_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;

	if (!s) {
		fputs("null", f);
		return;
	}
	end = p + strlen(s);
	putc('"', f);
	while (p < end) {
		uint32_t cp;
		int n;

		if (*p < 0x80) {
			switch (*p) {
			case '"': fputs("\\\"", f); break;
			case '\\': fputs("\\\\", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(f, "\\u%04x", *p);
				else
					putc(*p, f);
			}
			p++;
			continue;
		}
		n = mc_utf8_decode(p, (size_t)(end - p), &cp);
		if (n < 0) {
			fputs(REPLACEMENT, f);
			p++;
			continue;
		}
		/* Valid JSON either way; escaped so the file is also safe to embed in JS. */
		if (cp == 0x2028 || cp == 0x2029)
			fprintf(f, "\\u%04x", cp);
		else
			fwrite(p, 1, (size_t)n, f);
		p += n;
	}
	putc('"', f);
}

static void xml_write(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s, *end;

	if (!s)
		return;
	end = p + strlen(s);
	while (p < end) {
		uint32_t cp;
		int n;

		if (*p < 0x80) {
			switch (*p) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break; /* also defuses "]]>" */
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&apos;", f); break;
			case '\r': fputs("&#13;", f); break; /* parsers would normalise it */
			case '\n': fputs(attr ? "&#10;" : "\n", f); break;
			case '\t': fputs(attr ? "&#9;" : "\t", f); break;
			default:
				if (*p >= 0x20) /* other C0 controls are not XML 1.0 */
					putc(*p, f);
			}
			p++;
			continue;
		}
		n = mc_utf8_decode(p, (size_t)(end - p), &cp);
		if (n < 0) {
			fputs(REPLACEMENT, f);
			p++;
			continue;
		}
		if (cp != 0xfffe && cp != 0xffff)
			fwrite(p, 1, (size_t)n, f);
		p += n;
	}
}

void mc_xml_str(FILE *f, const char *s)
{
	xml_write(f, s, false);
}

void mc_xml_attr(FILE *f, const char *s)
{
	xml_write(f, s, true);
}

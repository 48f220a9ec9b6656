// SPDX-License-Identifier: GPL-2.0-only
/*
 * `migcheck klog` (klog.h): lines are read by length, not as C strings, so a NUL byte
 * neither cuts a line short nor makes the next line look like the tail of a long one
 * (where a BUG: line could hide), and what is printed is escaped.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"
#include "runner.h"
#include "term.h"

/* Any NUL-separated part of the @n bytes at @line (NUL-terminated) is a report. */
static bool line_is_report(const char *line, size_t n)
{
	for (const char *p = line; p <= line + n; p += strlen(p) + 1)
		if (mc_klog_is_report(p))
			return true;
	return false;
}

int mc_klog_filter(FILE *in, FILE *out)
{
	char *line = malloc(MC_KLOG_LINE_MAX + 1);
	int found = 0, c = 0;

	if (!line)
		return -ENOMEM;
	while (c != EOF) {
		size_t n = 0;

		while ((c = getc_unlocked(in)) != EOF && c != '\n')
			if (n < MC_KLOG_LINE_MAX)
				line[n++] = (char)c;
		if (c == EOF && !n)
			break;
		if (n && line[n - 1] == '\r')	/* a serial console's CRLF */
			n--;
		line[n] = '\0';
		if (line_is_report(line, n)) {
			mc_term_fwrite(out, line, n);
			fputc('\n', out);
			found++;
		}
	}
	free(line);
	return ferror(in) ? -EIO : found;
}

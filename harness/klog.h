/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `migcheck klog`: the lines of a kernel log that ROB-01 counts as reports
 * (mc_klog_is_report() in runner.h), read from a file or a pipe of any content.
 */
#ifndef MC_KLOG_H
#define MC_KLOG_H

#include <stdio.h>

/* The part of a line that is judged; the kernel's own lines are at most 1 KiB. */
#define MC_KLOG_LINE_MAX 65536

/*
 * mc_klog_filter: every line of @in (the first MC_KLOG_LINE_MAX bytes of a longer one;
 * NUL bytes do not end a line; a CR before the newline is dropped) that is a report,
 * escaped for a terminal (term.h) onto @out. Returns the number of report lines, or -EIO on a read error of @in.
 */
int mc_klog_filter(FILE *in, FILE *out);

#endif

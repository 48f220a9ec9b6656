/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel-log oracles: which lines open a report ROB-01 counts and of what kind
 * (KASAN, UBSAN, lockdep, kmemleak, KFENCE, a sleep in atomic context, a hung task, a
 * WARN, a BUG, ...), the lines that belong to an open report, and `migcheck klog`, the
 * report lines of a kernel log read from a file or a pipe of any content.
 */
#ifndef MC_KLOG_H
#define MC_KLOG_H

#include <stdbool.h>
#include <stdio.h>

/*
 * What a run writes into a real kernel's log where it begins and ends reading it (where
 * /dev/kmsg takes writes), so that a whole-boot dmesg shows the run's window: verify
 * recomputes ROB-01 from the lines inside such windows only, when there are any.
 */
#define MC_KLOG_MARK_FROM "migcheck: ROB-01 reads the kernel log from here"
#define MC_KLOG_MARK_TO "migcheck: ROB-01 read the kernel log up to here"

/* The part of a line that is judged; the kernel's own lines are at most 1 KiB. */
#define MC_KLOG_LINE_MAX 65536
/* A report's first lines that a finding shows (its opening line included). */
#define MC_KLOG_REPORT_LINES 6
/* Lines after a report's opening line that still belong to it without an end marker. */
#define MC_KLOG_REPORT_SPAN 48

/*
 * mc_klog_kind: the kind of report @line (any rendering: "prio,seq: text" as
 * mc_klog_read() gives it, dmesg's "[ secs] text", a bare line) opens, as a static
 * string usable in a dedup key: "kasan", "kfence", "ubsan", "lockdep", "kmemleak",
 * "atomic_sleep", "hung_task", "lockup", "rcu_stall", "slab", "refcount", "list",
 * "oops", "panic", "bug" or "warn"; NULL when the line opens no report (boot banners of
 * the debug options included).
 */
const char *mc_klog_kind(const char *line);
/* True when @line opens a report ROB-01 counts: mc_klog_kind(@line) is not NULL. */
bool mc_klog_is_report(const char *line);

/* True when @line ends the report before it ("---[ end trace ...]---", a "=====" rule). */
bool mc_klog_is_end(const char *line);

/*
 * The reports of a log fed line by line (mc_klog_group_line()); zero-initialise.
 * kind: the open report's kind, NULL when none is open.
 */
struct mc_klog_group {
	const char *kind;
	int lines; /* lines of the open report so far, its opening line included */
	int kept;  /* of which non-blank lines were returned as its first lines */
};

/*
 * mc_klog_group_line: feed the next @line of a log. Returns 1 when @line opens a
 * report (g->kind is its kind), 2 when it belongs to the open report and is one of its
 * first MC_KLOG_REPORT_LINES lines, 0 otherwise (outside a report, or past its first
 * lines). A report ends at its end marker, after MC_KLOG_REPORT_SPAN lines, or where
 * the next one opens.
 */
int mc_klog_group_line(struct mc_klog_group *g, const char *line);

/*
 * mc_klog_filter: every line of @in (the first MC_KLOG_LINE_MAX bytes of a longer one;
 * NUL bytes do not end a line; a CR before the newline is dropped) that opens a report,
 * escaped for a terminal (term.h) onto @out. Returns the number of report lines, or -EIO on a read error of @in.
 */
int mc_klog_filter(FILE *in, FILE *out);

#endif

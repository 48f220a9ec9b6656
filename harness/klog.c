// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel-log oracles (klog.h): the report formats of the kernel's debug options as
 * their sources print them, and `migcheck klog`, which reads lines by length, not as C
 * strings, so a NUL byte neither cuts a line short nor makes the next line look like the
 * tail of a long one (where a BUG: line could hide), and escapes what it prints.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"
#include "term.h"

/*
 * A line opens a report of @kind when it holds @what at the start of a word and, when
 * @then is set, @then after it. First match wins: the specific formats come before the
 * generic "BUG:" and "WARNING:". Sources (torvalds/linux): mm/kasan/report.c,
 * mm/kfence/report.c, lib/ubsan.c ("UBSAN: %s in %s:%d:%d"), kernel/locking/lockdep.c
 * and kernel/rcu/update.c (lockdep_rcu_suspicious), mm/kmemleak.c (print_unreferenced,
 * kmemleak_scan), kernel/sched/core.c (__might_resched, __schedule_bug),
 * kernel/hung_task.c, kernel/watchdog.c, mm/slub.c (slab_bug), lib/refcount.c,
 * lib/list_debug.c, kernel/panic.c. Banners ("kasan: KernelAddressSanitizer
 * initialized", "kmemleak: Kernel memory leak detector initialized", lockdep's
 * "Locking API testsuite") hold none of these.
 */
static const struct {
	const char *what, *then, *kind;
} pats[] = {
	{ "BUG: KASAN: ", NULL, "kasan" },
	{ "BUG: KFENCE: ", NULL, "kfence" },
	{ "UBSAN: ", " in ", "ubsan" },
	{ "BUG: sleeping function called from invalid context", NULL, "atomic_sleep" },
	{ "BUG: scheduling while atomic", NULL, "atomic_sleep" },
	{ "INFO: task ", " blocked for more than ", "hung_task" },
	{ "unreferenced object 0x", NULL, "kmemleak" },
	{ "kmemleak: ", " new suspected memory leak", "kmemleak" },
	{ "WARNING: possible circular locking dependency", NULL, "lockdep" },
	{ "WARNING: possible recursive locking", NULL, "lockdep" },
	{ "WARNING: bad unlock balance", NULL, "lockdep" },
	{ "WARNING: suspicious RCU usage", NULL, "lockdep" },
	{ "WARNING: inconsistent lock state", NULL, "lockdep" },
	{ "inconsistent lock state", NULL, "lockdep" },
	{ "WARNING: possible irq lock inversion", NULL, "lockdep" },
	{ "WARNING: ", "-unsafe lock order detected", "lockdep" },
	{ "WARNING: lock held when returning to user space", NULL, "lockdep" },
	{ "WARNING: held lock freed", NULL, "lockdep" },
	{ "WARNING: Nested lock was not taken", NULL, "lockdep" },
	{ "WARNING: bad contention detected", NULL, "lockdep" },
	{ "WARNING: chain_key collision", NULL, "lockdep" },
	{ "BUG: Invalid wait context", NULL, "lockdep" },
	{ "BUG: MAX_", " too low", "lockdep" },
	{ "DEBUG_LOCKS_WARN_ON(", NULL, "lockdep" },
	{ "BUG: soft lockup", NULL, "lockup" },
	{ "BUG: workqueue lockup", NULL, "lockup" },
	{ "Watchdog detected hard LOCKUP", NULL, "lockup" },
	{ "rcu: INFO: ", " detected stall", "rcu_stall" },
	{ "INFO: rcu_", " stall", "rcu_stall" },
	{ "BUG ", "ainted): ", "slab" }, /* "BUG kmalloc-64 (Not tainted): ..." */
	{ "Poison overwritten", NULL, "slab" },
	{ "Redzone overwritten", NULL, "slab" },
	{ "Object already free", NULL, "slab" },
	{ "Freepointer corrupt", NULL, "slab" },
	{ "refcount_t: ", NULL, "refcount" },
	{ "list_add corruption", NULL, "list" },
	{ "list_del corruption", NULL, "list" },
	{ "Kernel panic - not syncing", NULL, "panic" },
	{ "general protection fault", NULL, "oops" },
	{ "Oops: ", NULL, "oops" },
	{ "kernel BUG at ", NULL, "bug" },
	{ "BUG:", NULL, "bug" },
	{ "WARNING:", NULL, "warn" },
};

/* @what in @line where a word starts (start of line, or after a non-word byte). */
static const char *word_find(const char *line, const char *what)
{
	for (const char *p = strstr(line, what); p; p = strstr(p + 1, what))
		if (p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			return p;
	return NULL;
}

const char *mc_klog_kind(const char *line)
{
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		const char *p = word_find(line, pats[i].what);

		if (p && (!pats[i].then || strstr(p + strlen(pats[i].what), pats[i].then)))
			return pats[i].kind;
	}
	return NULL;
}

bool mc_klog_is_report(const char *line)
{
	return mc_klog_kind(line) != NULL;
}

/* The message of @line without its rendering's prefix ("prio,seq: ", "[ secs] "). */
static const char *klog_text(const char *line)
{
	unsigned a, b;
	int n = 0;

	if (sscanf(line, "%u,%u: %n", &a, &b, &n) == 2 && n > 0)
		line += n;
	if (line[0] == '[') {
		const char *e = strchr(line, ']');

		if (e)
			line = e + 1 + (e[1] == ' ');
	}
	return line;
}

bool mc_klog_is_end(const char *line)
{
	const char *t = klog_text(line);

	return strstr(t, "---[ end trace") || strspn(t, "=") >= 20;
}

int mc_klog_group_line(struct mc_klog_group *g, const char *line)
{
	const char *kind = mc_klog_kind(line), *t;

	if (kind) {
		*g = (struct mc_klog_group){ .kind = kind, .lines = 1, .kept = 1 };
		return 1;
	}
	if (!g->kind)
		return 0;
	if (mc_klog_is_end(line) || ++g->lines > MC_KLOG_REPORT_SPAN) {
		g->kind = NULL;
		return 0;
	}
	t = klog_text(line);
	if (t[strspn(t, " \t")] == '\0' || g->kept >= MC_KLOG_REPORT_LINES)
		return 0;
	g->kept++;
	return 2;
}

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
		if (n && line[n - 1] == '\r') /* a serial console's CRLF */
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

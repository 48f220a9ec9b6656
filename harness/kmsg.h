/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A real kernel's log, for the kernel backend (be_kernel.c) only: /dev/kmsg and
 * kmemleak's debugfs file. Nothing here opens a device.
 */
#ifndef MC_KMSG_H
#define MC_KMSG_H

#include <sys/types.h>

struct mc_kmsg;

/* *@kmp: a reader of /dev/kmsg (under MC_DEV_ROOT) at its end; 0 or -errno. */
int mc_kmsg_open(struct mc_kmsg **kmp);
/* Position @km at the log's end again: 0 or -errno. */
int mc_kmsg_seek_end(struct mc_kmsg *km);
/*
 * The records since the last call as "prio,seq: text" lines (whole lines, a line longer
 * than @len cut; "[records lost]" where the ring overtook the reader), NUL-terminated.
 * Bytes copied (0: nothing new) or -errno.
 */
ssize_t mc_kmsg_read(struct mc_kmsg *km, char *buf, size_t len);
/* @km NULL is fine. */
void mc_kmsg_close(struct mc_kmsg *km);
/* Write @text as a record of the kernel log (best effort: root, printk.devkmsg). */
void mc_kmsg_mark(const char *text);

/*
 * kmemleak (MC_SYSFS_ROOT/kernel/debug/kmemleak). mc_kmemleak_baseline(): scan and clear,
 * so that what it found before is told no more (nothing without the file).
 * mc_kmemleak_leaks(): scan, copy the objects it lists into @buf (whole objects,
 * NUL-terminated), clear them. Bytes copied, -ENOENT without kmemleak, or -errno.
 */
void mc_kmemleak_baseline(void);
ssize_t mc_kmemleak_leaks(char *buf, size_t len);

#endif /* MC_KMSG_H */

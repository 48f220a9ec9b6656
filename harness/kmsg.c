// SPDX-License-Identifier: GPL-2.0-only
/*
 * A real kernel's log for the kernel backend (kmsg.h): /dev/kmsg read record by record
 * and rendered "prio,seq: text", records written to it, and kmemleak's debugfs file
 * (scan, read, clear). Paths under MC_DEV_ROOT and MC_SYSFS_ROOT, as devlist.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"
#include "ksysfs.h"

#define KB_KMSG_REC 8192 /* /dev/kmsg hands out one record per read, this size at most */

/* A reader of /dev/kmsg. */
struct mc_kmsg {
	int fd;
	size_t pending; /* bytes of a formatted line that did not fit last time */
	char line[KB_KMSG_REC + 64];
};

/* *@kmp: a reader of /dev/kmsg (under MC_DEV_ROOT) at its end; 0 or -errno. */
int mc_kmsg_open(struct mc_kmsg **kmp)
{
	struct mc_kmsg *km = calloc(1, sizeof(*km));
	char path[PATH_MAX];
	int rc;

	*kmp = NULL;
	if (!km)
		return -ENOMEM;
	km->fd = -1;
	rc = mc_kpath(path, sizeof(path), false, "/kmsg");
	if (!rc) {
		km->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		rc = km->fd < 0 ? -errno : 0;
	}
	if (!rc && lseek(km->fd, 0, SEEK_END) < 0)
		rc = -errno;
	if (rc) {
		if (km->fd >= 0)
			close(km->fd);
		free(km);
		return rc;
	}
	*kmp = km;
	return 0;
}

/* Write @text as a record of the kernel log (best effort: root, printk.devkmsg). */
void mc_kmsg_mark(const char *text)
{
	char path[PATH_MAX], rec[160];
	ssize_t w;
	int fd, n;

	if (mc_kpath(path, sizeof(path), false, "/kmsg"))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(rec, sizeof(rec), "<5>%s\n", text);
	w = write(fd, rec, (size_t)n);
	(void)w; /* best effort: without the marks verify counts the whole log */
	close(fd);
}

void mc_kmsg_close(struct mc_kmsg *km)
{
	if (!km)
		return;
	close(km->fd);
	free(km);
}

/*
 * One /dev/kmsg record "prio,seq,usec,flags[,...];text\n[ KEY=val\n]..." as
 * "prio,seq: text\n" in km->line; returns its length.
 */
static size_t kmsg_format(struct mc_kmsg *km, const char *rec)
{
	const char *c1 = strchr(rec, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	const char *semi = strchr(rec, ';'), *text = semi ? semi + 1 : rec;
	int tlen = (int)strcspn(text, "\n");
	int n;

	if (c1 && c2 && semi && c2 < semi)
		n = snprintf(km->line, sizeof(km->line), "%.*s: %.*s\n", (int)(c2 - rec), rec, tlen,
			     text);
	else
		n = snprintf(km->line, sizeof(km->line), "%.*s\n", tlen, text);
	if (n < 0)
		return 0;
	return (size_t)n < sizeof(km->line) ? (size_t)n : sizeof(km->line) - 1;
}

/* Append the line in km->line to @buf if it fits; else keep it pending. */
static bool kmsg_emit(struct mc_kmsg *km, char *buf, size_t len, size_t *used, size_t n)
{
	if (n >= len - *used) {
		if (*used)
			return false;
		n = len - 1; /* a line longer than the whole buffer: truncate it */
	}
	memcpy(buf + *used, km->line, n);
	*used += n;
	buf[*used] = '\0';
	km->pending = 0;
	return true;
}

/* The records since the last call, whole lines (klog_read's contract without priming). */
ssize_t mc_kmsg_read(struct mc_kmsg *km, char *buf, size_t len)
{
	char rec[KB_KMSG_REC];
	size_t used = 0;
	ssize_t n = 0;
	int e = 0;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (km->pending && !kmsg_emit(km, buf, len, &used, km->pending))
		return (ssize_t)used;
	for (;;) {
		n = read(km->fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			e = errno;
			if (e == EINTR)
				continue;
			if (e != EPIPE) /* EAGAIN: no more records */
				break;
			km->pending =
				(size_t)snprintf(km->line, sizeof(km->line), "[records lost]\n");
		} else if (n == 0) {
			break;
		} else {
			rec[n] = '\0';
			km->pending = kmsg_format(km, rec);
		}
		if (!kmsg_emit(km, buf, len, &used, km->pending))
			break;
	}
	if (n < 0 && e != EAGAIN && e != EPIPE && !used)
		return -e;
	return (ssize_t)used;
}

/* Write @cmd to kmemleak's debugfs file (MC_SYSFS_ROOT/kernel/debug/kmemleak). */
static int kmemleak_cmd(const char *cmd)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc;

	rc = mc_kpath(path, sizeof(path), true, "/kernel/debug/kmemleak");
	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, strlen(cmd));
	rc = n < 0 ? -errno : 0;
	close(fd);
	return rc;
}

/*
 * kmemleak: "scan" (synchronous: the write returns when the scan is done), read the
 * objects it lists, "clear" them so that the next call tells only new ones. An object
 * younger than kmemleak's minimum age (5 s) waits for a later scan.
 */
ssize_t mc_kmemleak_leaks(char *buf, size_t len)
{
	char path[PATH_MAX];
	size_t used = 0;
	ssize_t n;
	int fd, rc;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	rc = kmemleak_cmd("scan");
	if (rc)
		return rc;
	rc = mc_kpath(path, sizeof(path), true, "/kernel/debug/kmemleak");
	fd = rc ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rc ? rc : -errno;
	while (used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	/* whole objects only: a cut one is dropped, the clear below tells it no more */
	if (used + 1 >= len) {
		char *cut = strstr(buf, "\nunreferenced object");

		for (char *p = cut; p; p = strstr(p + 1, "\nunreferenced object"))
			cut = p;
		used = cut ? (size_t)(cut - buf) + 1 : 0;
		buf[used] = '\0';
	}
	rc = kmemleak_cmd("clear");
	return rc ? rc : (ssize_t)used;
}

void mc_kmemleak_baseline(void)
{
	if (!kmemleak_cmd("scan"))
		kmemleak_cmd("clear");
}

int mc_kmsg_seek_end(struct mc_kmsg *km)
{
	return lseek(km->fd, 0, SEEK_END) < 0 ? -errno : 0;
}

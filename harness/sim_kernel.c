// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated device's kernel: one kernel log per "machine", a ring of numbered
 * records like printk's, in memory shared with every process forked after it was made,
 * so that a run's parent reads what its case processes' devices printed, as it reads
 * /dev/kmsg on a real kernel. Each reader keeps its own position; a reader overtaken by
 * the ring gets "[records lost]", as /dev/kmsg's EPIPE. And a kmemleak: objects a driver
 * leaked are found by a scan, as mm/kmemleak.c finds them, and listed until cleared.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "sim.h"

#define SK_SLOTS 1024u
#define SK_TEXT 480u
#define SK_LEAKS 64u /* leaked objects remembered; more are counted, not listed */

struct sim_kernel {
	pthread_mutex_t lock; /* process-shared and robust: a killed case cannot wedge it */
	uint64_t next;	      /* the number of the next record */
	uint64_t opens;	      /* device opens since the machine started */
	struct {
		uint64_t seq;
		char text[SK_TEXT];
	} rec[SK_SLOTS];
	uint32_t nleaks;  /* objects leaked, of which the first SK_LEAKS are listed */
	uint32_t scanned; /* found by a scan so far */
	uint32_t cleared; /* listed no more ("clear") */
	struct {
		uint64_t addr;
		uint32_t size;
		int pid;
		char fn[64];
	} leak[SK_LEAKS];
};

static struct sim_kernel *sk;

/* The machine's kernel, made on first use; NULL only when it cannot be mapped. */
static struct sim_kernel *kernel(void)
{
	pthread_mutexattr_t a;
	struct sim_kernel *k;

	if (sk)
		return sk;
	k = mmap(NULL, sizeof(*k), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (k == MAP_FAILED)
		return NULL;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&k->lock, &a);
	pthread_mutexattr_destroy(&a);
	sk = k;
	return k;
}

static void lock(struct sim_kernel *k)
{
	if (pthread_mutex_lock(&k->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&k->lock); /* a record may be torn, no more */
}

int mc_sim_kernel_init(void)
{
	return kernel() ? 0 : -ENOMEM;
}

void mc_sim_kernel_vprintk(const char *fmt, va_list ap)
{
	struct sim_kernel *k = kernel();
	char text[SK_TEXT];
	uint64_t seq;

	if (!k)
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	lock(k);
	seq = k->next++;
	k->rec[seq % SK_SLOTS].seq = seq;
	memcpy(k->rec[seq % SK_SLOTS].text, text, sizeof(text));
	pthread_mutex_unlock(&k->lock);
}

void mc_sim_kernel_printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_sim_kernel_vprintk(fmt, ap);
	va_end(ap);
}

uint64_t mc_sim_kernel_open(void)
{
	struct sim_kernel *k = kernel();
	uint64_t n;

	if (!k)
		return 0;
	lock(k);
	n = k->opens++;
	pthread_mutex_unlock(&k->lock);
	return n;
}

uint64_t mc_sim_kernel_tail(void)
{
	struct sim_kernel *k = kernel();
	uint64_t n;

	if (!k)
		return 0;
	lock(k);
	n = k->next;
	pthread_mutex_unlock(&k->lock);
	return n;
}

ssize_t mc_sim_kernel_read(uint64_t *pos, char *buf, size_t len)
{
	struct sim_kernel *k = kernel();
	size_t used = 0;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (!k)
		return -ENOMEM;
	lock(k);
	while (*pos < k->next) {
		const char *text = "[records lost]";
		size_t n;

		if (k->next - *pos > SK_SLOTS)
			*pos = k->next - SK_SLOTS; /* overtaken: say so once, go on */
		else
			text = k->rec[*pos % SK_SLOTS].text;
		n = strnlen(text, SK_TEXT);
		if (used + n + 2 > len)
			break; /* whole lines only; the rest on the next call */
		memcpy(buf + used, text, n);
		used += n;
		buf[used++] = '\n';
		buf[used] = '\0';
		if (text == k->rec[*pos % SK_SLOTS].text)
			(*pos)++;
	}
	pthread_mutex_unlock(&k->lock);
	return (ssize_t)used;
}

void mc_sim_kernel_leak(uint32_t size, const char *fn, int pid)
{
	struct sim_kernel *k = kernel();

	if (!k)
		return;
	lock(k);
	if (k->nleaks < SK_LEAKS) {
		k->leak[k->nleaks].addr = 0xffff888004d20000ull + 0x800ull * k->nleaks;
		k->leak[k->nleaks].size = size;
		k->leak[k->nleaks].pid = pid;
		snprintf(k->leak[k->nleaks].fn, sizeof(k->leak[0].fn), "%s", fn);
	}
	k->nleaks++;
	pthread_mutex_unlock(&k->lock);
}

ssize_t mc_sim_kernel_leak_scan(char *buf, size_t len)
{
	struct sim_kernel *k = kernel();
	uint32_t found, end;
	size_t used = 0;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (!k)
		return -ENOMEM;
	lock(k);
	found = k->nleaks - k->scanned;
	k->scanned = k->nleaks;
	end = k->scanned < SK_LEAKS ? k->scanned : SK_LEAKS;
	for (uint32_t i = k->cleared; i < end; i++) {
		int n = snprintf(buf + used, len - used,
				 "unreferenced object 0x%016llx (size %u):\n"
				 "  comm \"migcheck\", pid %d, jiffies %u\n"
				 "  backtrace (crc %08x):\n"
				 "    __kmalloc_noprof+0x1c8/0x440\n"
				 "    %s [sim]\n",
				 (unsigned long long)k->leak[i].addr, k->leak[i].size,
				 k->leak[i].pid, 4294892296u + i, 0x4d7b12e0u ^ i, k->leak[i].fn);

		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0'; /* whole objects only */
			break;
		}
		used += (size_t)n;
	}
	k->cleared = k->scanned; /* scan, read, clear: each leak is told once */
	pthread_mutex_unlock(&k->lock);
	if (found) /* kmemleak_scan()'s line, after the lock as printk would be */
		mc_sim_kernel_printk("kmemleak: %u new suspected memory leaks (see "
				     "/sys/kernel/debug/kmemleak)",
				     found);
	return (ssize_t)used;
}

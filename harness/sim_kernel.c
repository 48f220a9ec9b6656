// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated device's kernel: one kernel log per "machine", a ring of numbered
 * records like printk's, in memory shared with every process forked after it was made,
 * so that a run's parent reads what its case processes' devices printed, as it reads
 * /dev/kmsg on a real kernel. Each reader keeps its own position; a reader overtaken by
 * the ring gets "[records lost]", as /dev/kmsg's EPIPE.
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

struct sim_kernel {
	pthread_mutex_t lock;	/* process-shared and robust: a killed case cannot wedge it */
	uint64_t next;		/* the number of the next record */
	uint64_t opens;		/* device opens since the machine started */
	struct {
		uint64_t seq;
		char text[SK_TEXT];
	} rec[SK_SLOTS];
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
		pthread_mutex_consistent(&k->lock);	/* a record may be torn, no more */
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
			*pos = k->next - SK_SLOTS;	/* overtaken: say so once, go on */
		else
			text = k->rec[*pos % SK_SLOTS].text;
		n = strnlen(text, SK_TEXT);
		if (used + n + 2 > len)
			break;	/* whole lines only; the rest on the next call */
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

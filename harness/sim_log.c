// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated device's hardware side: device memory, the regions (config space, BAR0
 * memory, BAR1 registers with a DMA engine) and DMA dirty logging (features 6/7/8, SPEC
 * §6.3, §10) with the kernel core's validation in its order and a driver that records
 * the IOVA pages the DMA engine writes inside the logged ranges.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_uapi.h"
#include "sim.h"

#define PG_SHIFT 12

static void mc_sim_log_dma(struct mc_sim_dev *dev, uint64_t iova, uint64_t len);

/* ------------------------------------------------------------------ device memory */

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

uint8_t *mc_sim_page(struct mc_sim_dev *dev, uint64_t page)
{
	uint8_t *p = dev->mem + page * MC_SIM_PAGE;

	if (!mc_sim_bit(dev->born, page)) {
		/* xorshift64 seeded per page: any page can be born first, same bytes. */
		uint64_t x = splitmix64(dev->seed ^ splitmix64(page)) | 1;

		for (unsigned i = 0; i < MC_SIM_PAGE; i += 8) {
			uint64_t le;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			le = htole64(x);
			memcpy(p + i, &le, sizeof(le));
		}
		mc_sim_setbit(dev->born, page);
	}
	return p;
}

void mc_sim_cfg_init(struct mc_sim_dev *dev)
{
	static const uint8_t head[] = {
		0x36, 0x1b, 0x43, 0x4d, /* vendor 0x1b36, device 0x4d43 ("MC") */
		0x00, 0x00, 0x10, 0x00, /* command, status (capabilities list) */
		0x01, 0x00, 0x80, 0xff, /* revision 1, class ff.80.00 (other) */
		0x00, 0x00, 0x00, 0x00, /* cache line, latency, header type 0, BIST */
	};

	memset(dev->cfg, 0, sizeof(dev->cfg));
	memcpy(dev->cfg, head, sizeof(head));
	dev->cfg[0x2c] = 0x36; /* subsystem vendor 0x1b36, subsystem id = low id bits */
	dev->cfg[0x2d] = 0x1b;
	dev->cfg[0x2e] = (uint8_t)dev->id;
	dev->cfg[0x2f] = (uint8_t)(dev->id >> 8);
	dev->cfg[0x34] = 0x40; /* capabilities pointer: the writable area */
}

/* ------------------------------------------------------------------ regions */

static uint64_t region_size(const struct mc_sim_dev *dev, uint32_t index)
{
	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX: return dev->mem_size;
	case 1: return MC_SIM_BAR1_SIZE;
	case VFIO_PCI_CONFIG_REGION_INDEX: return MC_SIM_CFG_SIZE;
	default: return 0;
	}
}

int mc_sim_region_info(void *priv, uint32_t index, struct vfio_region_info *ri)
{
	uint64_t size = region_size(priv, index);

	if (!size)
		return -EINVAL;
	*ri = (struct vfio_region_info){
		.argsz = sizeof(*ri),
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		.index = index,
		.size = size,
		.offset = (uint64_t)index << 40, /* VFIO_PCI_INDEX_TO_OFFSET */
	};
	return 0;
}

static uint64_t bar1_reg(const struct mc_sim_dev *dev, uint64_t off)
{
	switch (off) {
	case MC_SIM_REG_ID: return dev->id;
	case MC_SIM_REG_WCOUNT: return dev->wcount;
	case MC_SIM_REG_DMA_IOVA: return dev->dma_iova;
	case MC_SIM_REG_DMA_LEN: return dev->dma_len;
	default: return 0;
	}
}

ssize_t mc_sim_region_read(void *priv, uint32_t index, uint64_t off, void *buf, size_t len)
{
	struct mc_sim_dev *dev = priv;
	uint64_t size = region_size(dev, index);
	uint8_t *out = buf;

	if (!size || off >= size)
		return -EINVAL;
	len = len > size - off ? (size_t)(size - off) : len;
	pthread_mutex_lock(&dev->lock);
	if (index == 1 && off + len > 8 && dev->regs_restored) {
		pthread_mutex_unlock(&dev->lock);
		return -EIO; /* defect restored_regs_unreadable */
	}
	for (size_t n = 0; n < len;) {
		uint64_t o = off + n;
		size_t chunk = 1;

		if (index == VFIO_PCI_BAR0_REGION_INDEX) {
			chunk = MC_SIM_PAGE - o % MC_SIM_PAGE;
			chunk = chunk > len - n ? len - n : chunk;
			memcpy(out + n, mc_sim_page(dev, o / MC_SIM_PAGE) + o % MC_SIM_PAGE, chunk);
		} else if (index == 1 && o >= MC_SIM_REG_DMA_LEN + 8) {
			chunk = len - n; /* past the last register that reads non-zero */
			memset(out + n, 0, chunk);
		} else if (index == 1) {
			/* One register decode per 64-bit word, not per byte of it. */
			uint64_t w = bar1_reg(dev, o & ~7ull);

			chunk = 8 - (size_t)(o & 7);
			chunk = chunk > len - n ? len - n : chunk;
			for (size_t b = 0; b < chunk; b++)
				out[n + b] = (uint8_t)(w >> (8 * ((o + b) & 7)));
		} else {
			chunk = len - n;
			memcpy(out + n, dev->cfg + o, chunk);
		}
		n += chunk;
	}
	pthread_mutex_unlock(&dev->lock);
	return (ssize_t)len;
}

static int bar1_write(struct mc_sim_dev *dev, uint64_t off, const uint8_t *in, size_t len)
{
	if (off % 8 || len % 8)
		return -EINVAL;
	for (size_t n = 0; n < len; n += 8) {
		uint64_t v = 0;

		for (int b = 0; b < 8; b++)
			v |= (uint64_t)in[n + (size_t)b] << (8 * b);
		if (off + n == MC_SIM_REG_DMA_IOVA)
			dev->dma_iova = v;
		else if (off + n == MC_SIM_REG_DMA_LEN)
			dev->dma_len = v;
		else if (off + n == MC_SIM_REG_DMA_DOORBELL && v == 1)
			mc_sim_log_dma(dev, dev->dma_iova, dev->dma_len);
		else if (off + n == MC_SIM_REG_REINIT && v == 1 && dev->save)
			mc_sim_save_reinit(dev, dev->save);
	}
	return 0;
}

ssize_t mc_sim_region_write(void *priv, uint32_t index, uint64_t off, const void *buf, size_t len)
{
	struct mc_sim_dev *dev = priv;
	uint64_t size = region_size(dev, index);
	const uint8_t *in = buf;
	ssize_t ret;

	if (!size || off >= size)
		return -EINVAL;
	len = len > size - off ? (size_t)(size - off) : len;
	ret = (ssize_t)len;
	pthread_mutex_lock(&dev->lock);
	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		for (size_t n = 0; n < len; n++)
			if (off + n >= MC_SIM_CFG_RW)
				dev->cfg[off + n] = in[n];
	} else if (dev->state != VFIO_DEVICE_STATE_RUNNING &&
		   dev->state != VFIO_DEVICE_STATE_RUNNING_P2P &&
		   dev->state != VFIO_DEVICE_STATE_PRE_COPY &&
		   dev->state != VFIO_DEVICE_STATE_PRE_COPY_P2P) {
		ret = -EIO; /* a stopped device takes no writes to its BARs */
	} else if (index == 1) {
		ret = bar1_write(dev, off, in, len) ?: (ssize_t)len;
	} else {
		for (size_t n = 0; n < len;) {
			uint64_t o = off + n;
			size_t chunk = MC_SIM_PAGE - o % MC_SIM_PAGE;

			chunk = chunk > len - n ? len - n : chunk;
			memcpy(mc_sim_page(dev, o / MC_SIM_PAGE) + o % MC_SIM_PAGE, in + n, chunk);
			n += chunk;
		}
		dev->wcount++;
		if (dev->save)
			mc_sim_save_touch(dev, dev->save, off, len);
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

/* ------------------------------------------------------------------ dirty set */

static int iv_reserve(struct mc_sim_log *log, size_t extra)
{
	struct mc_sim_iv *n;
	size_t cap;

	if (log->niv + extra <= log->cap)
		return 0;
	cap = log->cap ? 2 * log->cap : 16;
	while (cap < log->niv + extra)
		cap *= 2;
	n = realloc(log->iv, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	log->iv = n;
	log->cap = cap;
	return 0;
}

/* Add pages [a, b) to the sorted, merged interval list. */
static int iv_add(struct mc_sim_log *log, uint64_t a, uint64_t b)
{
	size_t i = 0, j;

	if (iv_reserve(log, 1))
		return -ENOMEM;
	while (i < log->niv && log->iv[i].b < a)
		i++;
	for (j = i; j < log->niv && log->iv[j].a <= b; j++) {
		a = log->iv[j].a < a ? log->iv[j].a : a;
		b = log->iv[j].b > b ? log->iv[j].b : b;
	}
	memmove(&log->iv[i + 1], &log->iv[j], (log->niv - j) * sizeof(*log->iv));
	log->iv[i] = (struct mc_sim_iv){ .a = a, .b = b };
	log->niv = log->niv - (j - i) + 1;
	return 0;
}

/* Remove pages [a, b). */
static int iv_del(struct mc_sim_log *log, uint64_t a, uint64_t b)
{
	if (iv_reserve(log, 1))
		return -ENOMEM;
	for (size_t i = 0; i < log->niv;) {
		struct mc_sim_iv x = log->iv[i];

		if (x.b <= a || x.a >= b) {
			i++;
		} else if (x.a < a && x.b > b) {
			memmove(&log->iv[i + 2], &log->iv[i + 1],
				(log->niv - i - 1) * sizeof(*log->iv));
			log->iv[i].b = a;
			log->iv[i + 1] = (struct mc_sim_iv){ .a = b, .b = x.b };
			log->niv++;
			return 0;
		} else if (x.a < a) {
			log->iv[i++].b = a;
		} else if (x.b > b) {
			log->iv[i++].a = b;
		} else {
			memmove(&log->iv[i], &log->iv[i + 1],
				(log->niv - i - 1) * sizeof(*log->iv));
			log->niv--;
		}
	}
	return 0;
}

void mc_sim_log_reset(struct mc_sim_dev *dev)
{
	free(dev->log.iv);
	memset(&dev->log, 0, sizeof(dev->log));
}

/* The device wrote [iova, iova+len) by DMA (BAR1's doorbell): log it if logging covers it. */
static void mc_sim_log_dma(struct mc_sim_dev *dev, uint64_t iova, uint64_t len)
{
	uint64_t end = iova + len - 1;

	if (!dev->log.started || !len)
		return;
	if (end < iova)
		end = UINT64_MAX;
	for (uint32_t i = 0; i < dev->log.nranges; i++) {
		uint64_t lo = dev->log.ranges[i].start, hi = dev->log.ranges[i].last;

		lo = lo > iova ? lo : iova;
		hi = hi < end ? hi : end;
		/* Out of memory loses log entries; a report then under-reports. */
		if (lo <= hi && iv_add(&dev->log, lo >> PG_SHIFT, (hi >> PG_SHIFT) + 1))
			return;
	}
}

/* ------------------------------------------------------------------ START / STOP */

static bool aligned(uint64_t x, uint64_t a)
{
	return (x & (a - 1)) == 0; /* IS_ALIGNED(); a == 0 aligns only 0 */
}

int mc_sim_log_start(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
		     size_t avail)
{
	struct vfio_device_feature_dma_logging_control ctl;
	struct mc_sim_log *log = &dev->log;
	uint64_t start[MC_SIM_LOG_MAX_RANGES], last[MC_SIM_LOG_MAX_RANGES];
	int ret = mc_sim_check_feature(flags, plen, VFIO_DEVICE_FEATURE_SET, sizeof(ctl));
	uint32_t n;

	if (ret != 1)
		return ret;
	if (avail < sizeof(ctl))
		return -EFAULT;
	memcpy(&ctl, payload, sizeof(ctl));
	n = ctl.num_ranges;
	if (MC_SIM_HAS(dev, LOG_NO_RANGE_CHECK))
		n = n < MC_SIM_LOG_MAX_RANGES ? n : MC_SIM_LOG_MAX_RANGES;
	else if (!n)
		return -EINVAL;
	else if (n > MC_SIM_LOG_MAX_RANGES)
		return -E2BIG;
	for (uint32_t i = 0; i < n; i++) {
		struct vfio_device_feature_dma_logging_range r;
		uintptr_t up = (uintptr_t)(ctl.ranges + (uint64_t)i * sizeof(r));

		if (mc_sim_uread(&r, (const void *)up, sizeof(r)))
			return -EFAULT;
		if (!aligned(r.iova, ctl.page_size) || !aligned(r.length, ctl.page_size))
			return -EINVAL;
		if (r.iova + r.length < r.iova)
			return -EOVERFLOW;
		start[i] = r.iova;
		last[i] = r.iova + r.length - 1;
		/* interval_tree_iter_first(): any earlier node meeting [start, last]. */
		for (uint32_t k = 0; k < i && !MC_SIM_HAS(dev, LOG_OVERLAP_OK); k++)
			if (start[k] <= last[i] && start[i] <= last[k])
				return -EINVAL;
	}
	/* The driver: one START until STOP; it tracks at 4 KiB whatever was asked. */
	if (log->started && !MC_SIM_HAS(dev, LOG_DOUBLE_START))
		return -EBUSY;
	if (dev->log_lost >= 64)
		return -ENOMEM; /* defect log_stop_leaks: the tracker pool ran dry */
	log->started = true;
	log->nranges = n;
	for (uint32_t i = 0; i < n; i++) {
		log->ranges[i].start = start[i];
		log->ranges[i].last = last[i];
	}
	ctl.page_size = MC_SIM_PAGE;
	memcpy(payload, &ctl, sizeof(ctl));
	return 0;
}

int mc_sim_log_stop(struct mc_sim_dev *dev, uint32_t flags, size_t plen)
{
	int ret = mc_sim_check_feature(flags, plen, VFIO_DEVICE_FEATURE_SET, 0);

	if (ret != 1)
		return ret;
	if (MC_SIM_HAS(dev, LOG_STOP_LEAKS) && dev->log.started) {
		mc_sim_kernel_leak(1024, "mc_sim_log_start+0x2f4/0x6a0", (int)getpid());
		dev->log_lost++;
	}
	mc_sim_log_reset(dev); /* STOP without START is fine */
	return 0;
}

/* ------------------------------------------------------------------ REPORT */

/* Set bits [b0, b1] of the caller's u64 bitmap; the kernel never clears bits. */
static int set_bits(uint64_t ubitmap, uint64_t b0, uint64_t b1)
{
	for (uint64_t w = b0 / 64; w <= b1 / 64; w++) {
		uint64_t lo = w == b0 / 64 ? b0 % 64 : 0, hi = w == b1 / 64 ? b1 % 64 : 63;
		uint64_t mask = (hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1) & ~((1ull << lo) - 1);
		void *up = (void *)(uintptr_t)(ubitmap + w * 8);
		uint64_t word;

		if (mc_sim_uread(&word, up, sizeof(word)))
			return -EFAULT;
		word |= mask;
		if (mc_sim_uwrite(up, &word, sizeof(word)))
			return -EFAULT;
	}
	return 0;
}

/* The driver's read-and-clear over [iova, iova + length), length > 0. */
static int read_and_clear(struct mc_sim_log *log,
			  const struct vfio_device_feature_dma_logging_report *rep)
{
	uint64_t end = rep->iova + rep->length - 1;
	size_t i;
	int ret;

	for (i = 0; i < log->niv; i++) {
		uint64_t lo = log->iv[i].a << PG_SHIFT;
		uint64_t hi = ((log->iv[i].b - 1) << PG_SHIFT) | (MC_SIM_PAGE - 1);

		lo = lo > rep->iova ? lo : rep->iova;
		hi = hi < end ? hi : end;
		if (lo > hi)
			continue;
		ret = set_bits(rep->bitmap, (lo - rep->iova) / rep->page_size,
			       (hi - rep->iova) / rep->page_size);
		if (ret)
			return ret;
	}
	return iv_del(log, rep->iova >> PG_SHIFT, (end >> PG_SHIFT) + 1);
}

int mc_sim_log_report(struct mc_sim_dev *dev, uint32_t flags, uint8_t *payload, size_t plen,
		      size_t avail)
{
	struct vfio_device_feature_dma_logging_report rep;
	int ret = mc_sim_check_feature(flags, plen, VFIO_DEVICE_FEATURE_GET, sizeof(rep));

	if (ret != 1)
		return ret;
	if (avail < sizeof(rep))
		return -EFAULT;
	memcpy(&rep, payload, sizeof(rep));
	if (MC_SIM_HAS(dev, LOG_REPORT_BAD_PGSIZE) ?
		    !rep.page_size :
		    rep.page_size < MC_SIM_PAGE || (rep.page_size & (rep.page_size - 1)))
		return -EINVAL;
	if (rep.iova + rep.length < rep.iova)
		return -EOVERFLOW;
	/* The driver: reporting without START is an error. */
	if (!dev->log.started && !MC_SIM_HAS(dev, LOG_REPORT_WITHOUT_START))
		return -EINVAL;
	for (uint32_t i = 0;
	     rep.length && MC_SIM_HAS(dev, LOG_REPORT_END_OFF_BY_ONE) && i < dev->log.nranges; i++)
		if (rep.iova + rep.length - 1 == dev->log.ranges[i].last)
			return -EINVAL; /* the defect: "end < last" where "end <= last" was meant */
	return rep.length ? read_and_clear(&dev->log, &rep) : 0;
}

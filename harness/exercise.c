// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device exercise after a resume (exercise.h): register by register through every
 * region, so that the state a stream restored (FIFO indexes, control registers, counters
 * past the first 8 bytes) is read, and with MC_EXERCISE_WRITE written, by the driver.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errname.h"
#include "exercise.h"
#include "migcheck.h"

static int read_fail(struct mc_exercise_res *r, uint32_t idx, uint64_t off, size_t len, ssize_t got)
{
	r->index = idx;
	r->off = off;
	r->len = len;
	r->err = got < 0 ? (int)got : 0;
	return -EIO;
}

/* One read of @len bytes at @off; 0 or -EIO with the access recorded. */
static int ex_read(struct mc_dev *dev, struct mc_exercise_res *r, uint32_t idx, uint64_t off,
		   uint8_t *buf, size_t len)
{
	ssize_t got = mc_region_read(dev, idx, off, buf, len);

	if (got != (ssize_t)len)
		return read_fail(r, idx, off, len, got);
	r->reads++;
	return 0;
}

/* Each of the first @n bytes on its own into @regs. */
static int ex_regs(struct mc_dev *dev, struct mc_exercise_res *r, uint32_t idx, uint8_t *regs,
		   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = ex_read(dev, r, idx, i, regs + i, 1);

		if (rc)
			return rc;
	}
	return 0;
}

/* The @n register bytes written back, one at a time or 8 at a time where one is refused. */
static void ex_write_back(struct mc_dev *dev, struct mc_exercise_res *r, uint32_t idx,
			  const uint8_t *regs, size_t n)
{
	size_t width = 1, off = 0;

	while (off + width <= n) {
		ssize_t put = mc_region_write(dev, idx, off, regs + off, width);

		if (put == (ssize_t)width) {
			r->writes++;
		} else {
			r->refused++;
			if (width == 1 && off == 0 && n >= 8) {
				width = 8; /* a file of 64-bit registers: again, wider */
				continue;
			}
		}
		off += width;
	}
}

int mc_exercise_dev(struct mc_dev *dev, unsigned flags, struct mc_exercise_res *r)
{
	uint8_t regs[MC_EXERCISE_REGS], buf[MC_EXERCISE_BYTES];
	struct vfio_region_info ri;
	int rc;

	memset(r, 0, sizeof(*r));
	for (uint32_t idx = 0; idx <= VFIO_PCI_CONFIG_REGION_INDEX; idx++) {
		size_t nregs, nall;

		if (mc_region_info(dev, idx, &ri) || !ri.size ||
		    !(ri.flags & VFIO_REGION_INFO_FLAG_READ))
			continue;
		/*
		 * Config space is read whole only: the core and mdev drivers split an access
		 * into dwords, each decoded in full (mtty's BAR handlers decode only the first
		 * byte of each).
		 */
		nregs = ri.size < MC_EXERCISE_REGS ? (size_t)ri.size : MC_EXERCISE_REGS;
		if (idx == VFIO_PCI_CONFIG_REGION_INDEX)
			nregs = 0;
		nall = ri.size < MC_EXERCISE_BYTES ? (size_t)ri.size : MC_EXERCISE_BYTES;
		r->regions++;
		rc = ex_regs(dev, r, idx, regs, nregs);
		if (!rc)
			rc = ex_read(dev, r, idx, 0, buf, nall);
		if (rc)
			return rc;
		if (!(flags & MC_EXERCISE_WRITE) || idx == VFIO_PCI_CONFIG_REGION_INDEX ||
		    !(ri.flags & VFIO_REGION_INFO_FLAG_WRITE))
			continue;
		ex_write_back(dev, r, idx, regs, nregs);
		rc = ex_regs(dev, r, idx, regs, nregs);
		if (rc)
			return rc;
	}
	return 0;
}

const char *mc_exercise_text(const struct mc_exercise_res *r, char *buf, size_t len)
{
	snprintf(buf, len, "reading %zu byte%s at %#llx of region %u gave %s", r->len,
		 r->len == 1 ? "" : "s", (unsigned long long)r->off, r->index,
		 r->err ? mc_errno_name(r->err) : "a short read");
	return buf;
}

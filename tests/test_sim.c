// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the simulated device backend, driven only through mc_sim_ops: the
 * feature errno table, every (from, to) pair against the model, save/resume round trips
 * under any write segmentation, bad streams, PRE_COPY accounting, data fd semantics,
 * DMA logging, fault injection and every injectable defect.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "mc_test.h"
#include "mc_uapi.h"
#include "model.h"
#include "sim.h"

#define OPS (&mc_sim_ops)
#define FGET VFIO_DEVICE_FEATURE_GET
#define FSET VFIO_DEVICE_FEATURE_SET
#define FPROBE VFIO_DEVICE_FEATURE_PROBE
#define S_STOP VFIO_DEVICE_STATE_STOP
#define S_RUN VFIO_DEVICE_STATE_RUNNING
#define S_SC VFIO_DEVICE_STATE_STOP_COPY
#define S_RES VFIO_DEVICE_STATE_RESUMING
#define S_P2P VFIO_DEVICE_STATE_RUNNING_P2P
#define S_PRE VFIO_DEVICE_STATE_PRE_COPY
#define S_PREP2P VFIO_DEVICE_STATE_PRE_COPY_P2P
#define PAGE_REC 4112u

/* ------------------------------------------------------------------ helpers */

static int try_open(const char *text, void **dev, char *err, size_t errlen)
{
	struct mc_devspec spec;
	int ret = mc_devspec_parse(text, &spec, err, errlen);

	return ret ? ret : OPS->open(&spec, dev, err, errlen);
}

static void *sim_open(const char *text)
{
	char err[512] = "";
	void *dev = NULL;

	ck_assert_msg(try_open(text, &dev, err, sizeof(err)) == 0, "open %s: %s", text, err);
	return dev;
}

/* VFIO_DEVICE_FEATURE with a buffer of exactly 8 + @plen bytes; payload copied back. */
static int feat(void *dev, uint32_t flags, uint32_t argsz, void *payload, size_t plen)
{
	uint8_t buf[64] = { 0 };
	struct vfio_device_feature hdr = { .argsz = argsz, .flags = flags };
	int ret;

	memcpy(buf, &hdr, sizeof(hdr));
	if (plen)
		memcpy(buf + 8, payload, plen);
	ret = OPS->feature(dev, buf, 8 + plen);
	if (plen)
		memcpy(payload, buf + 8, plen);
	return ret;
}

static int set_state(void *dev, uint32_t state, int *fd)
{
	struct vfio_device_feature_mig_state mig = { .device_state = state, .data_fd = 77 };
	int ret = feat(dev, FSET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 16, &mig, sizeof(mig));

	ck_assert_uint_eq(mig.device_state, state);
	if (ret)
		ck_assert_int_eq(mig.data_fd, -1);
	if (fd)
		*fd = mig.data_fd;
	else if (mig.data_fd >= 0)
		OPS->data_close(dev, mig.data_fd);
	return ret;
}

static uint32_t get_state(void *dev)
{
	struct vfio_device_feature_mig_state mig = { .device_state = 99, .data_fd = 5 };

	ck_assert_int_eq(feat(dev, FGET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 16, &mig, 8), 0);
	ck_assert_int_eq(mig.data_fd, -1);
	return mig.device_state;
}

static void go(void *dev, uint32_t state)
{
	ck_assert_int_eq(set_state(dev, state, NULL), 0);
	ck_assert_uint_eq(get_state(dev), state);
}

static uint64_t data_size(void *dev)
{
	uint64_t v = 0;

	ck_assert_int_eq(feat(dev, FGET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 16, &v, 8), 0);
	return v;
}

/* Read @fd until read() returns 0 (or an error, which is returned). */
static ssize_t read_all(void *dev, int fd, uint8_t **out, size_t chunk)
{
	size_t len = 0, cap = 1 << 16;
	uint8_t *buf = malloc(cap);
	ssize_t n;

	while ((n = OPS->data_read(dev, fd, buf + len, chunk)) > 0) {
		len += (size_t)n;
		if (cap - len < chunk)
			buf = realloc(buf, cap *= 2);
	}
	*out = buf;
	return n < 0 ? n : (ssize_t)len;
}

/* STOP_COPY save from STOP; the device ends in STOP again. */
static size_t save(void *dev, uint8_t **out, size_t chunk)
{
	int fd;
	ssize_t n;

	go(dev, S_STOP);
	ck_assert_int_eq(set_state(dev, S_SC, &fd), 0);
	ck_assert_int_ge(fd, 0);
	n = read_all(dev, fd, out, chunk);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, *out, 1), 0); /* EOF is permanent */
	go(dev, S_STOP);
	ck_assert_int_eq(OPS->data_close(dev, fd), 0);
	return (size_t)n;
}

static uint64_t rng = 42;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

enum split { SPLIT_ONE, SPLIT_BYTES, SPLIT_RANDOM, SPLIT_WRITEV };

/* Enter RESUMING, write @s with the given segmentation; returns the resume fd. */
static int resume_write(void *dev, const uint8_t *s, size_t len, enum split how)
{
	int fd;

	ck_assert_int_eq(set_state(dev, S_RES, &fd), 0);
	ck_assert_int_ge(fd, 0);
	if (how == SPLIT_WRITEV) {
		struct iovec iov[3] = { { (void *)s, 1 },
					{ (void *)(s + 1), 0 },
					{ (void *)(s + 1), len - 1 } };

		ck_assert_int_eq(OPS->data_writev(dev, fd, iov, 3), (ssize_t)len);
		return fd;
	}
	for (size_t off = 0; off < len;) {
		size_t n = how == SPLIT_ONE ? len : how == SPLIT_BYTES ? 1 : 1 + rnd() % 9000;

		n = n > len - off ? len - off : n;
		ck_assert_int_eq(OPS->data_write(dev, fd, s + off, n), (ssize_t)n);
		off += n;
	}
	return fd;
}

static void write_bar0(void *dev, uint64_t off, const char *text)
{
	ck_assert_int_eq(OPS->region_write(dev, 0, off, text, strlen(text)), (ssize_t)strlen(text));
}

static int precopy_info(void *dev, int fd, struct vfio_precopy_info *info)
{
	info->argsz = sizeof(*info);
	return OPS->data_ioctl(dev, fd, VFIO_MIG_GET_PRECOPY_INFO, info);
}

/* ------------------------------------------------------------------ feature ioctl */

START_TEST(test_feature_errno)
{
	void *dev = sim_open("sim");
	uint8_t buf[8] = { 0 };
	uint64_t v = 0xaaaaaaaaaaaaaaaa;
	struct vfio_device_feature_mig_state mig = { 0 };
	static const uint32_t probe_ok[][2] = {
		{ 1, FGET }, { 2, FGET }, { 2, FSET }, { 2, FGET | FSET }, { 6, FSET },
		{ 7, FSET }, { 8, FGET }, { 9, FGET }, { 1, 0 },	   { 6, 0 },
	};

	ck_assert_int_eq(OPS->feature(dev, buf, 4), -EFAULT);
	ck_assert_int_eq(feat(dev, FGET | 1, 7, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FGET | 1 | (1u << 19), 16, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FGET | FSET | 2, 16, &mig, 8), -EINVAL);
	for (uint32_t idx = 0; idx < 16; idx++)
		if (idx != 1 && idx != 2 && (idx < 6 || idx > 9) && idx != 12)
			ck_assert_int_eq(feat(dev, FGET | idx, 16, &v, 8), -ENOTTY);
	ck_assert_int_eq(feat(dev, FGET | 0xffff, 16, &v, 8), -ENOTTY);
	/* MIG_PRECOPY_INFOv2 (Linux 7.1): SET only, no payload needed, any ignored. */
	ck_assert_int_eq(feat(dev, FGET | 12, 8, &v, 0), -EINVAL);
	ck_assert_int_eq(feat(dev, FPROBE | FSET | 12, 8, &v, 0), 0);
	ck_assert_int_eq(feat(dev, FSET | 12, 8, &v, 0), 0);
	ck_assert_int_eq(feat(dev, FSET | 12, 16, &v, 8), 0);
	for (size_t i = 0; i < sizeof(probe_ok) / sizeof(probe_ok[0]); i++) {
		v = 0xaaaaaaaaaaaaaaaa;
		ck_assert_int_eq(feat(dev, FPROBE | probe_ok[i][1] | probe_ok[i][0], 8, &v, 8), 0);
		ck_assert_uint_eq(v, 0xaaaaaaaaaaaaaaaa); /* payload untouched */
	}
	ck_assert_int_eq(feat(dev, FPROBE | FSET | 1, 16, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FSET | 1, 16, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, 1, 16, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FGET | 1, 15, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FGET | 1, 16, &v, 8), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(feat(dev, FGET | 6, 40, &v, 8), -EINVAL); /* wrong op bit */
	ck_assert_int_eq(feat(dev, FSET | 8, 40, &v, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FGET | 2, 15, &mig, 8), -EINVAL);
	ck_assert_int_eq(feat(dev, FGET | 2, 16, &mig, 4), -EFAULT); /* past buflen */
	ck_assert_int_eq(feat(dev, FGET | 2, 64, &mig, 8), 0);	     /* bigger argsz is fine */
	ck_assert_uint_eq(mig.device_state, S_RUN);
	ck_assert_int_eq(feat(dev, FGET | 9, 16, &v, 4), -EFAULT);
	for (uint32_t bad = 0; bad < 3; bad++) {
		uint32_t target = bad == 0 ? 0 : bad == 1 ? 8 : 0xffffffff;

		ck_assert_int_eq(set_state(dev, target, NULL), -EINVAL);
		ck_assert_uint_eq(get_state(dev), S_RUN);
	}
	ck_assert_uint_eq(data_size(dev), 32 + 16 * PAGE_REC + 8 + 192 + 8 + 8 + 8 + 4);
	OPS->close(dev);

	dev = sim_open("sim:flags=1");
	ck_assert_int_eq(feat(dev, FGET | 1, 16, &v, 8), 0);
	ck_assert_uint_eq(v, 1);
	for (uint32_t st = S_P2P; st <= S_PREP2P; st++)
		ck_assert_int_eq(set_state(dev, st, NULL), -EINVAL);
	OPS->close(dev);
}
END_TEST

/* ------------------------------------------------------------------ FSM */

/* Every (from, to) pair for every flag set agrees with mc_model_expect/path. */
START_TEST(test_all_pairs)
{
	static const uint64_t flagsets[] = { 1, 3, 5, 7 };

	for (size_t f = 0; f < 4; f++) {
		uint64_t flags = flagsets[f];
		char spec[64];
		void *dev, *src;
		uint8_t *stream;
		size_t slen;

		snprintf(spec, sizeof(spec), "sim:flags=%lu", (unsigned long)flags);
		dev = sim_open(spec);
		src = sim_open(spec);
		slen = save(src, &stream, 4096);
		for (uint32_t from = 1; from < MC_NSTATES; from++) {
			if (!mc_model_supported(flags, from))
				continue;
			for (uint32_t to = 0; to < 10; to++) {
				struct mc_expect e;
				uint32_t path[MC_MAX_PATH];
				int fd, ret;

				ck_assert_int_eq(OPS->reset(dev), 0);
				if (from == S_RES) {
					fd = resume_write(dev, stream, slen, SPLIT_ONE);
					OPS->data_close(dev, fd);
				} else {
					go(dev, from);
				}
				mc_model_expect(flags, from, to, &e);
				ret = set_state(dev, to, &fd);
				ck_assert_msg(ret == e.err, "flags %lu %u->%u: %d, model %d",
					      (unsigned long)flags, from, to, ret, e.err);
				ck_assert_msg((fd >= 0) == e.new_fd, "flags %lu %u->%u: fd %d",
					      (unsigned long)flags, from, to, fd);
				ck_assert_uint_eq(get_state(dev), e.state_after);
				if (!e.err)
					ck_assert_int_eq(mc_model_path(flags, from, to, path),
							 e.narcs);
				if (fd >= 0)
					ck_assert_int_eq(OPS->data_close(dev, fd), 0);
			}
		}
		free(stream);
		OPS->close(src);
		OPS->close(dev);
	}
}
END_TEST

/* ------------------------------------------------------------------ save / resume */

START_TEST(test_roundtrip)
{
	void *src = sim_open("sim:seed=5:mem=40k");
	uint8_t *s1, *s2, cfg[256], cfg2[256], bar[40960], bar2[40960];
	size_t l1, l2;
	uint64_t wc = 0, wc2 = 0;

	write_bar0(src, 4090, "crosses a page boundary");
	write_bar0(src, 0, "first");
	ck_assert_int_eq(OPS->region_write(src, 7, 0x40, "cfg!", 4), 4);
	l1 = save(src, &s1, 1000);
	ck_assert_uint_eq(l1, data_size(src));
	ck_assert_int_eq(OPS->region_read(src, 7, 0, cfg, 256), 256);
	ck_assert_int_eq(OPS->region_read(src, 0, 0, bar, sizeof(bar)), (ssize_t)sizeof(bar));
	ck_assert_int_eq(OPS->region_read(src, 1, 8, &wc, 8), 8);
	ck_assert_uint_eq(wc, 2);
	/* The stream does not depend on read sizes (SAVE-02). */
	l2 = save(src, &s2, 1);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(s1, s2, l1);
	free(s2);

	for (enum split how = SPLIT_ONE; how <= SPLIT_WRITEV; how++) {
		void *dst = sim_open("sim:seed=9:mem=40k");
		int fd = resume_write(dst, s1, l1, how);

		ck_assert_int_eq(set_state(dst, S_STOP, NULL), 0);
		ck_assert_int_eq(OPS->data_write(dst, fd, s1, 1), -ENODEV);
		ck_assert_int_eq(OPS->data_close(dst, fd), 0);
		ck_assert_int_eq(OPS->region_read(dst, 7, 0, cfg2, 256), 256);
		ck_assert_mem_eq(cfg, cfg2, 256);
		ck_assert_int_eq(OPS->region_read(dst, 0, 0, bar2, sizeof(bar2)),
				 (ssize_t)sizeof(bar2));
		ck_assert_mem_eq(bar, bar2, sizeof(bar));
		ck_assert_int_eq(OPS->region_read(dst, 1, 8, &wc2, 8), 8);
		ck_assert_uint_eq(wc2, 2);
		l2 = save(dst, &s2, 4096);
		ck_assert_uint_eq(l1, l2);
		ck_assert_mem_eq(s1, s2, l1); /* RES-02: byte-identical re-save */
		free(s2);
		OPS->close(dst);
	}
	free(s1);
	OPS->close(src);
}
END_TEST

/* Resume @len bytes of @s into a fresh device; returns RESUMING->STOP's result. */
static int resume_result(const char *spec, const uint8_t *s, size_t len, bool write_fails)
{
	void *dst = sim_open(spec);
	int fd, ret;

	ck_assert_int_eq(set_state(dst, S_RES, &fd), 0);
	if (len) {
		ssize_t n = OPS->data_write(dst, fd, s, len);

		ck_assert_int_eq(n, write_fails ? -EINVAL : (ssize_t)len);
		if (write_fails) /* poisoned for good */
			ck_assert_int_eq(OPS->data_write(dst, fd, s, 1), -EINVAL);
	}
	ret = set_state(dst, S_STOP, NULL);
	if (ret)
		ck_assert_uint_eq(get_state(dst), S_RES);
	OPS->close(dst);
	return ret;
}

START_TEST(test_bad_streams)
{
	void *src = sim_open("sim:mem=8k");
	uint8_t *s, *t;
	size_t len = save(src, &s, 4096);

	t = malloc(len + 1);
	ck_assert_int_eq(resume_result("sim:mem=8k", s, len, false), 0);
	ck_assert_int_eq(resume_result("sim:mem=8k", s, 0, false), -EINVAL); /* empty */
	ck_assert_int_eq(resume_result("sim:mem=8k", s, len - 1, false), -EINVAL);
	ck_assert_int_eq(resume_result("sim:mem=8k", s, 40, false), -EINVAL);
	ck_assert_int_eq(resume_result("sim:mem=8k:id=7", s, len, true), -EINVAL);
	ck_assert_int_eq(resume_result("sim:mem=12k", s, len, true), -EINVAL);
	ck_assert_int_eq(resume_result("sim:mem=8k:id=7", s, 15, false), -EINVAL);
	ck_assert_int_eq(resume_result("sim:mem=8k:id=7", s, 16, true), -EINVAL);
	/* Any single corrupted byte is refused, wherever it is (header, record, crc). */
	for (size_t off = 0; off < len; off += off < 64 ? 1 : 997) {
		memcpy(t, s, len);
		t[off] ^= 0x20;
		ck_assert_msg(resume_result("sim:mem=8k", t, len, true) == -EINVAL, "off %zu", off);
	}
	memcpy(t, s, len);
	t[len] = 0; /* a byte after END */
	ck_assert_int_eq(resume_result("sim:mem=8k", t, len + 1, true), -EINVAL);
	free(t);
	free(s);
	OPS->close(src);
}
END_TEST

START_TEST(test_write_fault_not_counted)
{
	void *src = sim_open("sim:mem=8k"), *dst = sim_open("sim:mem=8k");
	uint8_t *s;
	size_t len = save(src, &s, 4096);
	int fd;

	ck_assert_int_eq(set_state(dst, S_RES, &fd), 0);
	ck_assert_int_eq(OPS->data_write(dst, fd, s, 100), 100);
	ck_assert_int_eq(OPS->data_write(dst, fd, (void *)8, 100), -EFAULT);
	ck_assert_int_eq(OPS->data_write(dst, fd, (void *)-4096L, 100), -EFAULT);
	ck_assert_int_eq(OPS->data_write(dst, fd, s + 100, len - 100), (ssize_t)(len - 100));
	ck_assert_int_eq(set_state(dst, S_STOP, NULL), 0);
	free(s);
	OPS->close(src);
	OPS->close(dst);
}
END_TEST

/*
 * The user-copy fixup: a buffer that runs into an unmapped page, or a read-only one
 * written to, gives EFAULT without a crash, and the next copy works.
 */
/* A buffer readable only in its first page: the page is taken, a short write says so. */
START_TEST(test_write_fault_short)
{
	void *src = sim_open("sim:mem=8k"), *dst = sim_open("sim:mem=8k");
	uint8_t *s,
		*m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t len = save(src, &s, 4096);
	int fd;

	ck_assert_ptr_ne(m, MAP_FAILED);
	ck_assert_uint_gt(len, 8192);
	memcpy(m, s, 8192);
	ck_assert_int_eq(mprotect(m + 4096, 4096, PROT_NONE), 0);
	ck_assert_int_eq(set_state(dst, S_RES, &fd), 0);
	ck_assert_int_eq(OPS->data_write(dst, fd, m, 8192), 4096);
	ck_assert_int_eq(OPS->data_write(dst, fd, s + 4096, len - 4096), (ssize_t)(len - 4096));
	ck_assert_int_eq(set_state(dst, S_STOP, NULL), 0);
	munmap(m, 8192);
	free(s);
	OPS->close(src);
	OPS->close(dst);
}
END_TEST

/* Two threads reading one save fd: each byte of the stream is delivered once. */
struct reader_arg {
	void *dev;
	int fd;
	size_t got;
	bool eof;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	uint8_t b[40];
	ssize_t n;

	while ((n = OPS->data_read(a->dev, a->fd, b, sizeof(b))) > 0)
		a->got += (size_t)n;
	a->eof = n == 0;
	return NULL;
}

static size_t two_readers(const char *spec, size_t *len)
{
	void *dev = sim_open(spec);
	struct reader_arg a[2];
	pthread_t t[2];
	uint8_t *s;
	int fd;

	*len = save(dev, &s, 4096);
	free(s);
	go(dev, S_STOP);
	ck_assert_int_eq(set_state(dev, S_SC, &fd), 0);
	for (int i = 0; i < 2; i++) {
		a[i] = (struct reader_arg){ .dev = dev, .fd = fd };
		ck_assert_int_eq(pthread_create(&t[i], NULL, reader, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ck_assert(a[i].eof);
	}
	OPS->close(dev);
	return a[0].got + a[1].got;
}

START_TEST(test_two_readers)
{
	size_t len;

	ck_assert_uint_eq(two_readers("sim:mem=64k", &len), len);
	/* The defect serves the first read's bytes to the other reader once more. */
	ck_assert_uint_gt(two_readers("sim:mem=64k:defect=shared_fd_double_serve", &len), len);
}
END_TEST

START_TEST(test_user_copy_faults)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0),
		out[64];

	ck_assert_ptr_ne(m, MAP_FAILED);
	memset(m, 0x5a, (size_t)pg);
	ck_assert_int_eq(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(mc_sim_uread(out, m + pg - 8, 16), -EFAULT);
		ck_assert_int_eq(mc_sim_uread(out, m + pg - 16, 16), 0);
		ck_assert_int_eq(out[15], 0x5a);
		ck_assert_int_eq(mc_sim_uwrite(m + pg - 1, out, 2), -EFAULT);
	}
	ck_assert_int_eq(mprotect(m, (size_t)pg, PROT_READ), 0);
	ck_assert_int_eq(mc_sim_uwrite(m, out, 1), -EFAULT);
	ck_assert_int_eq(mc_sim_uread(out, m, sizeof(out)), 0);
	munmap(m, 2 * (size_t)pg);
}
END_TEST

/* mc_sim_crc32 (folding and table paths, split anywhere) equals a bitwise CRC-32. */
static uint32_t crc_bitwise(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

START_TEST(test_crc32)
{
	static uint8_t buf[9000];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	ck_assert_uint_eq(mc_sim_crc32(0, "123456789", 9), 0xcbf43926u);
	for (int n = 0; n < 400; n++) {
		size_t off = (size_t)(x % 61), len, cut;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		len = n < 200 ? (size_t)n : (size_t)(x % (sizeof(buf) - off));
		cut = len ? (size_t)(x >> 32) % (len + 1) : 0;
		ck_assert_uint_eq(mc_sim_crc32(mc_sim_crc32(0, buf + off, cut), buf + off + cut,
					       len - cut),
				  crc_bitwise(buf + off, len));
	}
}
END_TEST

/* ------------------------------------------------------------------ PRE_COPY */

/* Write 1 to the BAR1 register that makes the device need a new initial image. */
static void reinit_reg(void *dev)
{
	uint8_t one[8] = { 1 };

	ck_assert_int_eq(OPS->region_write(dev, 1, MC_SIM_REG_REINIT, one, 8), 8);
}

/* Linux 7.1: flags cleared after the opt-in, REINIT once, dirty pages dropped; v1 without. */
START_TEST(test_precopy_v2)
{
	const uint64_t image = 4 * PAGE_REC;
	struct vfio_precopy_info info;
	uint8_t buf[2 * PAGE_REC];
	uint64_t v = 0;
	void *dev = sim_open("sim:mem=16k");
	int fd;

	/* Without the opt-in: the echo, and the new image comes as dirty pages. */
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, buf, 32 + PAGE_REC + 10), 32 + PAGE_REC + 10);
	reinit_reg(dev);
	info.flags = 0xfffffffe;
	ck_assert_int_eq(precopy_info(dev, fd, &info), 0);
	ck_assert_uint_eq(info.flags, 0xfffffffe);
	ck_assert_uint_eq(info.initial_bytes, 3 * PAGE_REC - 10);
	ck_assert_uint_eq(info.dirty_bytes, 2 * PAGE_REC); /* pages 0 and 1 (being sent) */
	OPS->data_close(dev, fd);
	ck_assert_int_eq(OPS->reset(dev), 0);

	/* The opt-in: flags cleared; REINIT reported once, dirty_bytes 0, a whole image. */
	ck_assert_int_eq(feat(dev, FSET | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, 8, &v, 0), 0);
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, buf, 32 + PAGE_REC + 10), 32 + PAGE_REC + 10);
	write_bar0(dev, 0, "sent page, now dirty");
	info.flags = 0xfffffffe;
	ck_assert_int_eq(precopy_info(dev, fd, &info), 0);
	ck_assert_uint_eq(info.flags, 0);
	ck_assert_uint_eq(info.dirty_bytes, PAGE_REC);
	reinit_reg(dev);
	ck_assert_int_eq(precopy_info(dev, fd, &info), 0);
	ck_assert_uint_eq(info.flags, VFIO_PRECOPY_INFO_REINIT);
	ck_assert_uint_eq(info.initial_bytes, PAGE_REC - 10 + image);
	ck_assert_uint_eq(info.dirty_bytes, 0);
	ck_assert_int_eq(precopy_info(dev, fd, &info), 0);
	ck_assert_uint_eq(info.flags, 0); /* told once */
	OPS->data_close(dev, fd);
	ck_assert_int_eq(OPS->reset(dev), 0);
	OPS->close(dev);

	/* A new open starts without the opt-in; a device without PRE_COPY refuses it. */
	dev = sim_open("sim:mem=16k");
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	info.flags = 0x2;
	ck_assert_int_eq(precopy_info(dev, fd, &info), 0);
	ck_assert_uint_eq(info.flags, 0x2);
	OPS->data_close(dev, fd);
	OPS->close(dev);
	dev = sim_open("sim:flags=3");
	ck_assert_int_eq(feat(dev, FPROBE | FSET | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, 8, &v,
			      0),
			 -EINVAL);
	OPS->close(dev);
	dev = sim_open("sim:variant=precopy_v1");
	ck_assert_int_eq(feat(dev, FSET | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, 8, &v, 0),
			 -ENOTTY);
	OPS->close(dev);
	dev = sim_open("sim:variant=unknown_feature_einval");
	ck_assert_int_eq(feat(dev, FSET | VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, 8, &v, 0),
			 -EINVAL);
	ck_assert_int_eq(feat(dev, FPROBE | FGET | 63, 8, &v, 0), -EINVAL);
	OPS->close(dev);
}
END_TEST

START_TEST(test_precopy)
{
	void *src = sim_open("sim:mem=16k");
	struct vfio_precopy_info info;
	uint8_t buf[32 + 5 * PAGE_REC];
	size_t len = 0;
	uint64_t prev;
	ssize_t n;
	int fd, fd2;

	ck_assert_int_eq(set_state(src, S_PRE, &fd), 0);
	ck_assert_int_ge(fd, 0);
	info.flags = 0x5a;
	ck_assert_int_eq(precopy_info(src, fd, &info), 0);
	ck_assert_uint_eq(info.flags, 0x5a); /* echoed (6.12) */
	ck_assert_uint_eq(info.initial_bytes, 32 + 4 * PAGE_REC);
	ck_assert_uint_eq(info.dirty_bytes, 0);
	info.argsz = 23;
	ck_assert_int_eq(OPS->data_ioctl(src, fd, VFIO_MIG_GET_PRECOPY_INFO, &info), -EINVAL);
	ck_assert_int_eq(OPS->data_ioctl(src, fd, VFIO_MIG_GET_PRECOPY_INFO, (void *)8), -EFAULT);
	ck_assert_int_eq(OPS->data_ioctl(src, fd, VFIO_MIG_GET_PRECOPY_INFO + 1, &info), -ENOTTY);
	write_bar0(src, 3 * 4096, "unsent page: no dirt");
	prev = 32 + 4 * PAGE_REC;
	while ((n = OPS->data_read(src, fd, buf + len, 1000)) > 0) {
		len += (size_t)n;
		ck_assert_int_eq(precopy_info(src, fd, &info), 0);
		ck_assert_uint_le(info.initial_bytes, prev); /* PRE-02 */
		ck_assert_uint_eq(info.initial_bytes, prev - (uint64_t)n);
		ck_assert_uint_eq(info.dirty_bytes, 0);
		prev = info.initial_bytes;
	}
	ck_assert_int_eq(n, -ENOMSG); /* PRE-03 */
	ck_assert_uint_eq(len, 32 + 4 * PAGE_REC);
	write_bar0(src, 4096 + 5, "sent page: dirty");
	write_bar0(src, 4096 + 50, "still one page");
	ck_assert_int_eq(precopy_info(src, fd, &info), 0);
	ck_assert_uint_eq(info.initial_bytes, 0);
	ck_assert_uint_eq(info.dirty_bytes, PAGE_REC);
	ck_assert_int_eq(OPS->data_read(src, fd, buf + len, 10), 10);
	len += 10;
	ck_assert_int_eq(precopy_info(src, fd, &info), 0);
	ck_assert_uint_eq(info.dirty_bytes, PAGE_REC - 10);
	go(src, S_PREP2P); /* inside the saving group: same session */
	ck_assert_int_eq(precopy_info(src, fd, &info), 0);
	ck_assert_int_eq(set_state(src, S_SC, &fd2), 0);
	ck_assert_int_eq(fd2, -1);
	ck_assert_int_eq(precopy_info(src, fd, &info), -EINVAL);      /* not in STOP_COPY */
	ck_assert_int_eq(OPS->region_write(src, 0, 0, "x", 1), -EIO); /* stopped */
	ck_assert_int_eq(OPS->data_read(src, fd, buf, PAGE_REC - 10), PAGE_REC - 10);
	ck_assert_int_gt(OPS->data_read(src, fd, buf, sizeof(buf)), 0); /* the tail */
	ck_assert_int_eq(OPS->data_read(src, fd, buf, sizeof(buf)), 0);
	ck_assert_int_eq(OPS->data_read(src, fd, buf, sizeof(buf)), 0); /* never ENOMSG */
	OPS->close(src);
}
END_TEST

START_TEST(test_precopy_resume)
{
	void *src = sim_open("sim:mem=16k"), *dst = sim_open("sim:mem=16k");
	uint8_t head[5000], *tail, *s, *d;
	size_t hl = 0, ls, ld;
	ssize_t n;
	int fd;

	ck_assert_int_eq(set_state(src, S_PRE, &fd), 0);
	while (hl < 4000 && (n = OPS->data_read(src, fd, head + hl, 777)) > 0)
		hl += (size_t)n;
	write_bar0(src, 0, "dirty after send");
	write_bar0(src, 3 * 4096, "unsent");
	ck_assert_int_eq(set_state(src, S_SC, NULL), 0); /* from PRE_COPY: same fd */
	n = read_all(src, fd, &tail, 4096);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(OPS->data_read(src, fd, head, 1), 0);
	fd = resume_write(dst, head, hl, SPLIT_ONE);
	ck_assert_int_eq(OPS->data_write(dst, fd, tail, (size_t)n), n);
	ck_assert_int_eq(set_state(dst, S_STOP, NULL), 0); /* PRE-04 */
	ck_assert_int_eq(OPS->data_close(dst, fd), 0);
	ls = save(src, &s, 4096);
	ld = save(dst, &d, 4096);
	ck_assert_uint_eq(ls, ld);
	ck_assert_mem_eq(s, d, ls);
	free(s);
	free(d);
	free(tail);
	OPS->close(src);
	OPS->close(dst);
}
END_TEST

/* ------------------------------------------------------------------ data fds */

START_TEST(test_fd_semantics)
{
	void *dev = sim_open("sim:mem=8k");
	uint8_t b[64];
	int fd, rfd, on = 1;

	go(dev, S_STOP);
	ck_assert_int_eq(set_state(dev, S_SC, &fd), 0);
	ck_assert_int_eq(OPS->data_write(dev, fd, b, 1), -EBADF);
	ck_assert_int_eq(OPS->data_pread(dev, fd, b, 1, 0), -ESPIPE);
	ck_assert_int_eq(OPS->data_pread(dev, fd, b, 1, -1), -EINVAL);
	ck_assert_int_eq(OPS->data_lseek(dev, fd, 0, SEEK_SET), -ESPIPE);
	ck_assert_int_eq(OPS->data_lseek(dev, fd, 0, 9), -EINVAL);
	ck_assert_int_eq(OPS->data_poll(dev, fd, POLLIN, 0), POLLIN);
	ck_assert_int_eq(OPS->data_poll(dev, fd, POLLIN | POLLOUT | POLLPRI, 0), POLLIN | POLLOUT);
	ck_assert_int_eq(OPS->data_ioctl(dev, fd, FIOCLEX, NULL), 0);
	ck_assert_int_eq(OPS->data_ioctl(dev, fd, FIONBIO, &on), 0);
	ck_assert_int_eq(OPS->data_ioctl(dev, fd, 0x1234, NULL), -ENOTTY);
	ck_assert_int_eq(OPS->data_read(dev, fd, (void *)8, 10), -EFAULT);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), 8);
	ck_assert_mem_eq(b, "MCSIMSTR", 8);
	/* Same-state SET: no fd, session intact (FSM-05). */
	ck_assert_int_eq(set_state(dev, S_SC, &rfd), 0);
	ck_assert_int_eq(rfd, -1);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 4), 4);
	go(dev, S_STOP);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 4), -ENODEV); /* SAVE-03 */
	ck_assert_int_eq(OPS->data_close(dev, fd), 0);
	ck_assert_int_eq(OPS->data_close(dev, fd), -EBADF);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 4), -EBADF);
	ck_assert_int_eq(OPS->data_poll(dev, fd, POLLIN, 0), POLLNVAL);

	ck_assert_int_eq(set_state(dev, S_RES, &rfd), 0);
	ck_assert_int_eq(OPS->data_read(dev, rfd, b, 1), -EBADF);
	ck_assert_int_eq(OPS->data_lseek(dev, rfd, 0, SEEK_CUR), -ESPIPE);
	ck_assert_int_eq(OPS->data_pread(dev, rfd, b, 1, 0), -ESPIPE);
	ck_assert_int_eq(OPS->data_ioctl(dev, rfd, VFIO_MIG_GET_PRECOPY_INFO, b), -ENOTTY);
	ck_assert_int_eq(OPS->data_write(dev, rfd, "MCS", 3), 3);
	ck_assert_int_eq(OPS->data_write(dev, rfd, "", 0), 0);
	ck_assert_int_eq(OPS->reset(dev), 0); /* ERR-04 */
	ck_assert_uint_eq(get_state(dev), S_RUN);
	ck_assert_int_eq(OPS->data_write(dev, rfd, "I", 1), -ENODEV);
	ck_assert_int_eq(OPS->data_close(dev, rfd), 0);

	/* A save session ends with reset too (ERR-01); closing the fd keeps it alive. */
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), 8);
	ck_assert_int_eq(OPS->reset(dev), 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), -ENODEV);
	ck_assert_int_eq(OPS->data_close(dev, fd), 0);
	ck_assert_int_eq(OPS->data_read(dev, 12345, b, 8), -EBADF);
	OPS->close(dev);
}
END_TEST

START_TEST(test_regions)
{
	void *dev = sim_open("sim:mem=8k:id=0x1234");
	struct vfio_region_info ri;
	uint8_t b[16];
	uint64_t v;

	ck_assert_int_eq(OPS->region_info(dev, 0, &ri), 0);
	ck_assert_uint_eq(ri.size, 8192);
	ck_assert_uint_eq(ri.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	ck_assert_int_eq(OPS->region_info(dev, 1, &ri), 0);
	ck_assert_uint_eq(ri.size, 4096);
	ck_assert_int_eq(OPS->region_info(dev, 7, &ri), 0);
	ck_assert_uint_eq(ri.size, 256);
	for (uint32_t i = 2; i < 10; i++)
		if (i != 7)
			ck_assert_int_eq(OPS->region_info(dev, i, &ri), -EINVAL);
	ck_assert_int_eq(OPS->region_read(dev, 7, 0, b, 2), 2);
	ck_assert_uint_eq(b[0] | b[1] << 8, 0x1b36);
	ck_assert_int_eq(OPS->region_write(dev, 7, 0, "\xff\xff", 2), 2); /* ignored */
	ck_assert_int_eq(OPS->region_read(dev, 7, 0, b, 2), 2);
	ck_assert_uint_eq(b[0] | b[1] << 8, 0x1b36);
	ck_assert_int_eq(OPS->region_read(dev, 1, 0, &v, 8), 8);
	ck_assert_uint_eq(v, 0x1234);
	ck_assert_int_eq(OPS->region_read(dev, 0, 8190, b, 16), 2); /* clamped */
	ck_assert_int_eq(OPS->region_read(dev, 0, 8192, b, 1), -EINVAL);
	write_bar0(dev, 0, "a");
	write_bar0(dev, 1, "b");
	ck_assert_int_eq(OPS->region_read(dev, 1, 8, &v, 8), 8);
	ck_assert_uint_eq(v, 2);
	go(dev, S_STOP);
	ck_assert_int_eq(OPS->region_write(dev, 0, 0, "c", 1), -EIO);
	ck_assert_int_eq(OPS->region_write(dev, 7, 0x40, "c", 1), 1); /* config still works */
	OPS->close(dev);
}
END_TEST

/* ------------------------------------------------------------------ DMA logging */

static int log_start(void *dev, uint64_t ps, uint32_t n, const void *ranges, uint64_t *ps_out)
{
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = ps,
		.num_ranges = n,
		.ranges = (uintptr_t)ranges,
	};
	int ret = feat(dev, FSET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START, 32, &c, sizeof(c));

	if (ps_out)
		*ps_out = c.page_size;
	return ret;
}

static int log_report(void *dev, uint64_t iova, uint64_t len, uint64_t ps, uint64_t *bm)
{
	struct vfio_device_feature_dma_logging_report r = {
		.iova = iova,
		.length = len,
		.page_size = ps,
		.bitmap = (uintptr_t)bm,
	};

	return feat(dev, FGET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, 40, &r, sizeof(r));
}

static void dma(void *dev, uint64_t iova, uint64_t len)
{
	uint64_t regs[3] = { iova, len, 1 };

	ck_assert_int_eq(OPS->region_write(dev, 1, 0x10, regs, sizeof(regs)), 24);
}

START_TEST(test_dma_logging)
{
	void *dev = sim_open("sim");
	struct vfio_device_feature_dma_logging_range r[257], ok[2] = {
		{ .iova = 0x10000, .length = 0x10000 },
		{ .iova = 0x40000, .length = 0x1000 },
	};
	uint64_t bm[4] = { 0 }, ps = 0, stopbuf = 0;

	ck_assert_int_eq(feat(dev, FPROBE | FSET | 6, 8, NULL, 0), 0);
	ck_assert_int_eq(log_report(dev, 0, 0x1000, 4096, bm), -EINVAL); /* not started */
	ck_assert_int_eq(feat(dev, FSET | 7, 8, NULL, 0), 0);		 /* STOP without START */
	ck_assert_int_eq(log_start(dev, 4096, 0, ok, NULL), -EINVAL);
	ck_assert_int_eq(log_start(dev, 4096, 257, r, NULL), -E2BIG);
	ck_assert_int_eq(log_start(dev, 4096, 2, (void *)8, NULL), -EFAULT);
	r[0] = (struct vfio_device_feature_dma_logging_range){ .iova = 0x800, .length = 0x1000 };
	ck_assert_int_eq(log_start(dev, 4096, 1, r, NULL), -EINVAL);
	r[0] = (struct vfio_device_feature_dma_logging_range){ .iova = 0, .length = 0x1800 };
	ck_assert_int_eq(log_start(dev, 4096, 1, r, NULL), -EINVAL);
	r[0] = (struct vfio_device_feature_dma_logging_range){ .iova = 0x1000, .length = 0x3000 };
	r[1] = (struct vfio_device_feature_dma_logging_range){ .iova = 0x3000, .length = 0x1000 };
	ck_assert_int_eq(log_start(dev, 4096, 2, r, NULL), -EINVAL); /* overlap */
	r[1] = (struct vfio_device_feature_dma_logging_range){ .iova = -0x1000ull,
							       .length = 0x2000 };
	ck_assert_int_eq(log_start(dev, 4096, 2, r, NULL), -EOVERFLOW);
	ck_assert_int_eq(log_start(dev, 0x10000, 2, ok, &ps), -EINVAL); /* 0x41000 unaligned */
	ck_assert_int_eq(log_start(dev, 8192, 2, ok, &ps), -EINVAL);
	ck_assert_int_eq(log_start(dev, 4096, 2, ok, &ps), 0);
	ck_assert_uint_eq(ps, 4096);
	ck_assert_int_eq(log_start(dev, 4096, 2, ok, &ps), -EBUSY);
	ck_assert_int_eq(log_report(dev, 0, 0x1000, 2048, bm), -EINVAL);
	ck_assert_int_eq(log_report(dev, 0, 0x1000, 12288, bm), -EINVAL);
	ck_assert_int_eq(log_report(dev, -0x1000ull, 0x2000, 4096, bm), -EOVERFLOW);
	dma(dev, 0xe000, 0x4000);  /* pages 0xe..0x11; logged: 0x10, 0x11 */
	dma(dev, 0x40800, 1);	   /* page 0x40 */
	dma(dev, 0x80000, 0x1000); /* not logged */
	ck_assert_int_eq(log_report(dev, 0, 0x100000, 4096, bm), 0);
	/* Pages 0x10, 0x11 are bits 16, 17 of word 0; page 0x40 is bit 0 of word 1. */
	ck_assert_uint_eq(bm[0], 3ull << 16);
	ck_assert_uint_eq(bm[1], 1);
	ck_assert_uint_eq(bm[2], 0);
	memset(bm, 0, sizeof(bm));
	ck_assert_int_eq(log_report(dev, 0, 0x100000, 4096, bm), 0); /* read and clear */
	ck_assert_uint_eq(bm[0] | bm[1], 0);
	dma(dev, 0x11000, 0x1000);
	ck_assert_int_eq(log_report(dev, 0x10000, 0x10000, 8192, (void *)8), -EFAULT);
	ck_assert_int_eq(log_report(dev, 0x10000, 0x10000, 8192, bm), 0);
	ck_assert_uint_eq(bm[0], 1);
	ck_assert_int_eq(feat(dev, FSET | 7, 8, &stopbuf, 0), 0);
	ck_assert_int_eq(log_report(dev, 0, 0x1000, 4096, bm), -EINVAL);
	ck_assert_int_eq(log_start(dev, 4096, 1, ok, &ps), 0); /* START again after STOP */
	OPS->close(dev);
}
END_TEST

/* ------------------------------------------------------------------ faults */

START_TEST(test_faults)
{
	void *dev = sim_open("sim");
	int fd;
	uint8_t b[8];

	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_FAIL, S_P2P << 8 | S_STOP), 0);
	ck_assert_int_eq(set_state(dev, S_SC, &fd), -EIO);
	ck_assert_uint_eq(get_state(dev), S_P2P);		/* last state reached */
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_NONE, 0), 0); /* it fired */
	go(dev, S_SC);						/* the fault fired once */
	/* Disarming a fault whose arc was never taken says so, once. */
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_FAIL, S_RUN << 8 | S_P2P), 0);
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_NONE, 0), 1);
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_NONE, 0), 0);
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_ERROR, S_SC << 8 | S_STOP), 0);
	ck_assert_int_eq(set_state(dev, S_RUN, NULL), -EIO);
	ck_assert_uint_eq(get_state(dev), VFIO_DEVICE_STATE_ERROR);
	for (uint32_t st = 0; st < 9; st++)
		ck_assert_int_eq(set_state(dev, st, NULL), -EIO); /* ERR-02 */
	ck_assert_uint_eq(get_state(dev), VFIO_DEVICE_STATE_ERROR);
	ck_assert_int_eq(OPS->reset(dev), 0);
	ck_assert_uint_eq(get_state(dev), S_RUN);
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_ERROR, S_PRE << 8 | S_PREP2P), 0);
	ck_assert_int_eq(set_state(dev, S_SC, NULL), -EIO);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), -ENODEV);
	ck_assert_int_eq(OPS->fault(dev, 99, 0), -EINVAL);
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_FAIL, 9 << 8), -EINVAL);
	OPS->close(dev);
}
END_TEST

/* ------------------------------------------------------------------ spec */

START_TEST(test_spec)
{
	static const char *const bad[] = {
		"sim:flags=2",	 "sim:flags=x",
		"sim:color=red", "sim:defect=nope",
		"sim:mem=100",	 "sim:mem=4095",
		"sim:mem=0",	 "sim:id=0x100000000",
		"sim:seed=-1",	 "sim:defect=stale_get+nope",
	};
	char err[1024];
	void *dev;
	uint8_t *a, *b, buf[1 << 16];
	size_t la, lb;
	int fd;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		ck_assert_msg(try_open(bad[i], &dev, err, sizeof(err)) == -EINVAL, "%s", bad[i]);
		ck_assert_msg(!strncmp(err, "sim: ", 5) && !strchr(err, '\n'), "%s", err);
	}
	ck_assert_int_eq(try_open("sim:defect=nope", &dev, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "migcheck defects"));
	/* Same seed, same stream; another seed, another stream. */
	dev = sim_open("sim:seed=3:mem=8k");
	la = save(dev, &a, 4096);
	OPS->close(dev);
	dev = sim_open("sim:seed=3:mem=8k");
	lb = save(dev, &b, 4096);
	ck_assert_mem_eq(a, b, la);
	OPS->close(dev);
	free(b);
	dev = sim_open("sim:seed=4:mem=8k");
	lb = save(dev, &b, 4096);
	ck_assert_uint_eq(la, lb);
	ck_assert_int_ne(memcmp(a, b, la), 0);
	OPS->close(dev);
	free(a);
	free(b);
	/* A 1 GiB device: lazy memory, lazy stream. */
	dev = sim_open("sim:mem=1g");
	ck_assert_uint_eq(data_size(dev), 32 + 262144ull * PAGE_REC + 8 + 192 + 8 + 8 + 8 + 4);
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	OPS->close(dev);
}
END_TEST

/* ------------------------------------------------------------------ defects */

/* "FSM-01,ERR-02": comma-separated IDs of the shape GROUP-NN. */
static bool clauses_ok(const char *list)
{
	const char *p = list;

	do {
		int n = 0;

		while (*p >= 'A' && *p <= 'Z') {
			p++;
			n++;
		}
		if (!n || *p++ != '-' || !isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return false;
		p += 2;
	} while (*p++ == ',');
	return p[-1] == '\0';
}

START_TEST(test_defect_table)
{
	int n;
	const struct mc_sim_defect *d = mc_sim_defects(&n);
	char spec[128], err[512];
	void *dev;

	ck_assert_int_eq(n, MC_SIM_NDEFECTS);
	ck_assert_int_ge(n, 17);
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(d[i].name);
		ck_assert_ptr_nonnull(d[i].description);
		ck_assert_msg(clauses_ok(d[i].clauses), "%s: %s", d[i].name, d[i].clauses);
		snprintf(spec, sizeof(spec), "sim:defect=%s", d[i].name);
		ck_assert_msg(try_open(spec, &dev, err, sizeof(err)) == 0, "%s", err);
		OPS->close(dev);
	}
}
END_TEST

/* The FSM defects, one function each: a loop test over them names the defect that fails. */
static void fsm_wrong_next_step(void *dev)
{
	int fd;

	ck_assert_int_eq(set_state(dev, S_SC, &fd), 0);
	ck_assert_int_eq(fd, -1);
	ck_assert_uint_eq(get_state(dev), S_STOP);
	go(dev, S_SC); /* a one-arc SET still works */
}

static void fsm_no_fd_resuming(void *dev)
{
	int fd;

	go(dev, S_STOP);
	ck_assert_int_eq(set_state(dev, S_RES, &fd), 0);
	ck_assert_int_eq(fd, -1);
	ck_assert_uint_eq(get_state(dev), S_RES);
}

static void fsm_fd_on_nonsession(void *dev)
{
	int fd;
	uint8_t b[8];

	go(dev, S_STOP);
	ck_assert_int_eq(set_state(dev, S_RUN, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 1), -ENODEV);
}

static void fsm_stale_get(void *dev)
{
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	ck_assert_uint_eq(get_state(dev), S_RUN);
	ck_assert_uint_eq(get_state(dev), S_STOP);
}

static void fsm_async_state(void *dev)
{
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	ck_assert_uint_eq(get_state(dev), S_STOP);
	ck_assert_uint_eq(get_state(dev), S_STOP);
	ck_assert_uint_eq(get_state(dev), S_RUN);
	ck_assert_uint_eq(get_state(dev), S_RUN);
}

static void fsm_stopcopy_to_precopy(void *dev)
{
	int fd, fd2;
	uint8_t b[8];

	ck_assert_int_eq(set_state(dev, S_SC, &fd), 0);
	ck_assert_int_eq(set_state(dev, S_PRE, &fd2), 0);
	ck_assert_int_eq(fd2, -1);
	ck_assert_uint_eq(get_state(dev), S_PRE);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), 8); /* session continues */
}

static void fsm_same_state_new_fd(void *dev)
{
	int fd, fd2;
	uint8_t b[8];

	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(set_state(dev, S_PRE, &fd2), 0);
	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), -ENODEV);
	ck_assert_int_eq(OPS->data_read(dev, fd2, b, 8), 8);
	go(dev, S_RUN);
	ck_assert_int_eq(set_state(dev, S_RUN, &fd), 0); /* not a saving state: no fd */
	ck_assert_int_eq(fd, -1);
}

static void fsm_bad_target_masked(void *dev)
{
	ck_assert_int_eq(set_state(dev, 8, NULL), -EINVAL);
	ck_assert_int_eq(set_state(dev, 9, NULL), 0);
	ck_assert_uint_eq(get_state(dev), S_STOP);
}

static void fsm_fail_off_path(void *dev)
{
	int fd;

	go(dev, S_STOP);
	ck_assert_int_eq(set_state(dev, S_RES, &fd), 0);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), -EINVAL);
	ck_assert_uint_eq(get_state(dev), S_RUN);
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_FAIL, S_P2P << 8 | S_STOP), 0);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), -EIO);
	ck_assert_uint_eq(get_state(dev), S_RUN);
}

static const struct {
	const char *name;
	void (*check)(void *dev);
} fsm_defects[] = {
	{ "wrong_next_step", fsm_wrong_next_step },
	{ "no_fd_resuming", fsm_no_fd_resuming },
	{ "fd_on_nonsession", fsm_fd_on_nonsession },
	{ "stale_get", fsm_stale_get },
	{ "async_state", fsm_async_state },
	{ "stopcopy_to_precopy", fsm_stopcopy_to_precopy },
	{ "same_state_new_fd", fsm_same_state_new_fd },
	{ "bad_target_masked", fsm_bad_target_masked },
	{ "fail_off_path", fsm_fail_off_path },
};

START_TEST(test_defects_fsm)
{
	char spec[96];
	void *dev;

	snprintf(spec, sizeof(spec), "sim:defect=%s", fsm_defects[_i].name);
	dev = sim_open(spec);
	fsm_defects[_i].check(dev);
	OPS->close(dev);
}
END_TEST

START_TEST(test_defects_err_feat)
{
	void *dev;
	int fd;
	uint8_t b[8];
	uint64_t v;
	struct vfio_device_feature_mig_state mig = { 0 };

	dev = sim_open("sim:defect=error_sticky");
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_ERROR, S_RUN << 8 | S_P2P), 0);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), -EIO);
	ck_assert_int_eq(OPS->reset(dev), 0);
	ck_assert_uint_eq(get_state(dev), VFIO_DEVICE_STATE_ERROR);
	OPS->close(dev);

	dev = sim_open("sim:defect=set_in_error");
	ck_assert_int_eq(OPS->fault(dev, MC_FAULT_ARC_ERROR, S_RUN << 8 | S_P2P), 0);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), -EIO);
	ck_assert_uint_eq(get_state(dev), VFIO_DEVICE_STATE_ERROR);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	ck_assert_uint_eq(get_state(dev), S_STOP);
	OPS->close(dev);

	dev = sim_open("sim:defect=reset_keeps_session");
	ck_assert_int_eq(set_state(dev, S_PRE, &fd), 0);
	ck_assert_int_eq(OPS->reset(dev), 0);
	ck_assert_int_eq(OPS->data_read(dev, fd, b, 8), 8);
	OPS->close(dev);

	dev = sim_open("sim:defect=probe_writes_payload");
	v = 0;
	ck_assert_int_eq(feat(dev, FPROBE | FGET | 1, 16, &v, 8), 0);
	ck_assert_uint_eq(v, 7);
	OPS->close(dev);

	dev = sim_open("sim:defect=argsz_unchecked");
	ck_assert_int_eq(feat(dev, FGET | 2, 8, &mig, 8), 0);
	ck_assert_uint_eq(mig.device_state, S_RUN);
	ck_assert_int_eq(feat(dev, FGET | 1, 15, &v, 8), -EINVAL); /* only feature 2 */
	OPS->close(dev);

	dev = sim_open("sim:defect=no_stop_copy_flag");
	ck_assert_int_eq(feat(dev, FGET | 1, 16, &v, 8), 0);
	ck_assert_uint_eq(v, 6);
	OPS->close(dev);

	dev = sim_open("sim:defect=data_size_fails_resuming");
	ck_assert_uint_gt(data_size(dev), 0);
	go(dev, S_RES);
	ck_assert_int_eq(feat(dev, FGET | 9, 16, &v, 8), -EIO);
	OPS->close(dev);

	dev = sim_open("sim:defect=resume_reset_keeps_fd");
	ck_assert_int_eq(set_state(dev, S_RES, &fd), 0);
	ck_assert_int_eq(OPS->reset(dev), 0);
	ck_assert_uint_eq(get_state(dev), S_RUN);
	ck_assert_int_eq(OPS->data_write(dev, fd, "M", 1), 1);
	OPS->close(dev);

	dev = sim_open("sim:defect=stale_get+no_stop_copy_flag");
	ck_assert_int_eq(feat(dev, FGET | 1, 16, &v, 8), 0);
	ck_assert_uint_eq(v, 6);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	ck_assert_uint_eq(get_state(dev), S_RUN);
	OPS->close(dev);
}
END_TEST

/* The resume-side defects: a stream without END, another device's stream, a split header. */
START_TEST(test_defects_resume)
{
	uint8_t *s, *foreign;
	size_t len, flen;
	void *dev;
	int fd;

	dev = sim_open("sim:id=1");
	flen = save(dev, &foreign, 4096);
	OPS->close(dev);

	dev = sim_open("sim:defect=end_optional");
	len = save(dev, &s, 4096);
	fd = resume_write(dev, s, len - 1, SPLIT_ONE);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	OPS->data_close(dev, fd);
	fd = resume_write(dev, s, len - 12, SPLIT_ONE); /* no END at all */
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	OPS->data_close(dev, fd);
	fd = resume_write(dev, s, len - 13, SPLIT_ONE); /* REGS cut: refused */
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), -EINVAL);
	OPS->data_close(dev, fd);
	OPS->close(dev);
	free(s);

	dev = sim_open("sim:defect=foreign_accepted");
	fd = resume_write(dev, foreign, flen, SPLIT_ONE);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	OPS->data_close(dev, fd);
	OPS->close(dev);

	dev = sim_open("sim:defect=resume_split_header");
	len = save(dev, &s, 4096);
	fd = resume_write(dev, s, len, SPLIT_ONE);
	ck_assert_int_eq(set_state(dev, S_STOP, NULL), 0);
	OPS->data_close(dev, fd);
	ck_assert_int_eq(set_state(dev, S_RES, &fd), 0);
	ck_assert_int_eq(OPS->data_write(dev, fd, s, 36), 36); /* 4 bytes of a record header */
	ck_assert_int_eq(OPS->data_write(dev, fd, s + 36, len - 36), -EINVAL);
	OPS->data_close(dev, fd);
	OPS->close(dev);
	free(s);
	free(foreign);
}
END_TEST

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_feature_errno);
	tcase_add_test(tc, test_all_pairs);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_bad_streams);
	tcase_add_test(tc, test_write_fault_not_counted);
	tcase_add_test(tc, test_write_fault_short);
	tcase_add_test(tc, test_two_readers);
	tcase_add_test(tc, test_user_copy_faults);
	tcase_add_test(tc, test_crc32);
	tcase_add_test(tc, test_precopy);
	tcase_add_test(tc, test_precopy_v2);
	tcase_add_test(tc, test_precopy_resume);
	tcase_add_test(tc, test_fd_semantics);
	tcase_add_test(tc, test_regions);
	tcase_add_test(tc, test_dma_logging);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_spec);
	tcase_add_test(tc, test_defect_table);
	tcase_add_loop_test(tc, test_defects_fsm, 0,
			    (int)(sizeof(fsm_defects) / sizeof(fsm_defects[0])));
	tcase_add_test(tc, test_defects_err_feat);
	tcase_add_test(tc, test_defects_resume);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(sim_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the generated fuzz seeds into corpus/<target>/ and corpus/README.md (`make
 * fuzz-seeds`). Streams are saved from the simulated device of every flag set; every
 * other seed is built from the input layouts of fuzz/README.md. Each seed has a
 * descriptive file name and a line in the README; defect-* regression inputs (minimised
 * findings, committed by hand) are listed there too, and never overwritten; a row of the
 * README being replaced that describes one by hand is kept as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "fuzz.h"
#include "model.h"
#include "tar.h"

#define DEV "sim:flags=7:mem=4096"

/* A growable byte string. */
struct bytes {
	uint8_t b[16384];
	size_t n;
};

static void put(struct bytes *s, const void *p, size_t n)
{
	if (!n)
		return;
	if (s->n + n > sizeof(s->b)) {
		fprintf(stderr, "fuzz_seeds: seed too long\n");
		exit(2);
	}
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void put8(struct bytes *s, uint8_t v)
{
	put(s, &v, 1);
}

static void put16(struct bytes *s, uint16_t v)
{
	put8(s, (uint8_t)v);
	put8(s, (uint8_t)(v >> 8));
}

static void put32(struct bytes *s, uint32_t v)
{
	put16(s, (uint16_t)v);
	put16(s, (uint16_t)(v >> 16));
}

static void put64(struct bytes *s, uint64_t v)
{
	put32(s, (uint32_t)v);
	put32(s, (uint32_t)(v >> 32));
}

static FILE *readme;
static const char *root;
static char *old_readme; /* the README being replaced, or NULL */

static void seed(const char *target, const char *name, const struct bytes *s, const char *what)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f)) {
		fprintf(stderr, "fuzz_seeds: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fprintf(readme, "| `%s` | %zu | %s |\n", name, s->n, what);
}

/* A STOP_COPY stream of @spec; with @dirty, read through PRE_COPY with page 0 rewritten. */
static void save(const char *spec, bool dirty, struct bytes *out)
{
	struct mc_dev *dev;
	char err[256];
	uint8_t *buf = NULL;
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;
	ssize_t n;
	int fd = -1;

	out->n = 0;
	if (mc_dev_open(spec, &dev, err, sizeof(err))) {
		fprintf(stderr, "fuzz_seeds: %s\n", err);
		exit(2);
	}
	if (dirty) {
		bool enomsg;

		mc_set_state(dev, VFIO_DEVICE_STATE_PRE_COPY, &fd);
		n = mc_read_all(dev, fd, 4096, 1 << 20, &buf, &enomsg);
		if (n < 0)
			goto fail;
		put(out, buf, (size_t)n);
		free(buf);
		mc_region_write(dev, VFIO_PCI_BAR0_REGION_INDEX, 0, &v, sizeof(v));
		if (mc_set_state(dev, VFIO_DEVICE_STATE_STOP_COPY, NULL))
			goto fail;
	} else if (mc_set_state(dev, VFIO_DEVICE_STATE_STOP_COPY, &fd)) {
		goto fail;
	}
	n = mc_read_all(dev, fd, 65536, 1 << 20, &buf, NULL);
	if (n < 0)
		goto fail;
	put(out, buf, (size_t)n);
	free(buf);
	mc_data_close(dev, fd);
	mc_dev_close(dev);
	return;
fail:
	fprintf(stderr, "fuzz_seeds: saving a stream of %s failed\n", spec);
	exit(2);
}

/* ---------------------------------------------------------------- resume_stream */

/* The 8-byte header of fuzz/README.md, then edits and plan records. */
static void rs(struct bytes *s, uint8_t opts, uint32_t trunc, const uint8_t *edits, unsigned nedits,
	       const uint8_t *recs, unsigned nrec)
{
	s->n = 0;
	put8(s, opts);
	put8(s, (uint8_t)nedits);
	put8(s, (uint8_t)nrec);
	put8(s, 0);
	put32(s, trunc);
	put(s, edits, 4 * (size_t)nedits);
	put(s, recs, 3 * (size_t)nrec);
}

static void resume_stream_seeds(void)
{
	static const struct {
		const char *spec, *name, *what;
		bool dirty;
	} streams[] = {
		{ "sim:flags=1:mem=4096", "raw-flags1-stream",
		  "stream saved from sim:flags=1 (STOP_COPY only), one write", false },
		{ "sim:flags=3:mem=4096", "raw-flags3-stream",
		  "stream saved from sim:flags=3 (P2P), one write", false },
		{ "sim:flags=5:mem=4096", "raw-flags5-stream",
		  "stream saved from sim:flags=5 (PRE_COPY), one write", false },
		{ "sim:flags=7:mem=4096", "raw-flags7-stream",
		  "stream saved from sim:flags=7 (P2P and PRE_COPY), one write", false },
		{ "sim:flags=7:mem=4096", "raw-flags7-precopy-dirty-page",
		  "PRE_COPY then STOP_COPY stream in which page 0, written during pre-copy, is sent twice",
		  true },
		{ "sim:flags=7:mem=4096:id=1", "raw-foreign-id1",
		  "stream of a device of another type (id 1): must be refused (RES-04)", false },
	};
	static const uint8_t fixed7[] = { 3, 6, 0 }, writev3[] = { 7 | 1 << 3, 99, 0 },
			     rnd[] = { 4, 63, 0 },
			     bytes64[] = { 6 | 31 << 3, 0, 0, 6 | 31 << 3, 0, 0 },
			     pagepm1[] = { 0, 0xff, 0x0f, 0, 0x01, 0x10 },
			     zero[] = { 0, 0, 0, 0, 100, 0, 0, 0, 0, 1, 0, 0 },
			     gap[] = { 0, 0xd0, 0x07, 2, 15, 0 }, split36[] = { 0, 36, 0 },
			     flip_id[] = { 12, 0, 0, 1 }, flip_crc[] = { 0xff, 0xff, 0, 0x80 },
			     ins40[] = { 40, 0, 3, 0 }, del100[] = { 100, 0, 2, 0 };
	struct bytes s, st;

	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		save(streams[i].spec, streams[i].dirty, &st);
		rs(&s, 0, 0, NULL, 0, NULL, 0);
		put(&s, st.b, st.n);
		seed("resume_stream", streams[i].name, &s, streams[i].what);
	}
	save(DEV, false, &st);
	rs(&s, 0, 0, NULL, 0, fixed7, 1);
	put(&s, st.b, st.n);
	seed("resume_stream", "raw-flags7-fixed7", &s, "the flags=7 stream in 7-byte writes");
	rs(&s, 1, 0, NULL, 0, NULL, 0);
	seed("resume_stream", "own-one-write", &s,
	     "the device's own stream (base 1), one write: accepted (RES-01)");
	rs(&s, 1, 1, NULL, 0, NULL, 0);
	seed("resume_stream", "own-empty", &s,
	     "own stream cut to 0 bytes: RESUMING->STOP must fail (RES-03)");
	rs(&s, 1, (uint32_t)st.n, NULL, 0, NULL, 0);
	seed("resume_stream", "own-cut-last-byte", &s,
	     "own stream without its last byte (for a 4372-byte stream): refused (RES-03)");
	rs(&s, 1, (uint32_t)st.n - 12, NULL, 0, NULL, 0);
	seed("resume_stream", "own-cut-end-record", &s,
	     "own stream without its 12-byte END record: refused (RES-03)");
	rs(&s, 1, 25, NULL, 0, NULL, 0);
	seed("resume_stream", "own-cut-at-24", &s,
	     "own stream cut to its first 24 bytes: refused (RES-03)");
	rs(&s, 1, 0, flip_id, 1, NULL, 0);
	seed("resume_stream", "own-flip-device-id", &s,
	     "own stream with the header's device id changed");
	rs(&s, 1, 0, flip_crc, 1, NULL, 0);
	seed("resume_stream", "own-flip-last-byte", &s,
	     "own stream with a bit of its last byte (the crc) flipped");
	rs(&s, 1, 0, ins40, 1, NULL, 0);
	seed("resume_stream", "own-insert-byte-40", &s,
	     "own stream with a byte inserted in the first record's page index");
	rs(&s, 1, 0, del100, 1, NULL, 0);
	seed("resume_stream", "own-delete-byte-100", &s,
	     "own stream with a byte of page data deleted");
	rs(&s, 1, 0, NULL, 0, writev3, 1);
	seed("resume_stream", "own-writev-3x100", &s,
	     "own stream by writev() of 3 iovecs of 100 bytes");
	rs(&s, 1, 0, NULL, 0, rnd, 1);
	seed("resume_stream", "own-random-1-64", &s, "own stream in writes of random sizes 1..64");
	rs(&s, 1, 0, NULL, 0, bytes64, 2);
	seed("resume_stream", "own-bytes-first-64", &s,
	     "own stream: 64 one-byte writes, then the rest");
	rs(&s, 1, 0, NULL, 0, pagepm1, 2);
	seed("resume_stream", "own-page-pm1", &s, "own stream: writes of 4095 and 4097 bytes");
	rs(&s, 1, 0, NULL, 0, zero, 4);
	seed("resume_stream", "own-zero-length-writes", &s,
	     "own stream with zero-length writes between the chunks");
	rs(&s, 1, 0, NULL, 0, split36, 1);
	seed("resume_stream", "own-split-record-header", &s,
	     "own stream split 4 bytes into the first record header");
	rs(&s, 1 | 0x04 | 0x20, 0, NULL, 0, gap, 2);
	seed("resume_stream", "own-efault-gap", &s,
	     "own stream: 2000 bytes, 16 from an unreadable buffer (EFAULT), the rest: a gap, refused (RES-03)");
	rs(&s, 1 | 0x08, 0, NULL, 0, NULL, 0);
	seed("resume_stream", "own-close-before-stop", &s,
	     "own stream, resume fd closed before RESUMING->STOP (QEMU before 10.0): accepted");
	rs(&s, 1 | 0x10, 0, NULL, 0, split36, 1);
	seed("resume_stream", "own-reset-instead-of-stop", &s,
	     "own stream, then RESET instead of RESUMING->STOP: RUNNING, old fd dead (ERR-04)");
	rs(&s, 2, 0, NULL, 0, NULL, 0);
	seed("resume_stream", "foreign-one-write", &s,
	     "the foreign device's stream (base 2), one write: refused (RES-04)");
	rs(&s, 2, 0, NULL, 0, fixed7, 1);
	seed("resume_stream", "foreign-fixed7", &s,
	     "the foreign device's stream in 7-byte writes: refused (RES-04)");
}

/* ---------------------------------------------------------------- write_chunking */

static void write_chunking_seeds(void)
{
	static const struct {
		const char *name, *what;
		uint8_t recs[24];
		size_t n;
	} plans[] = {
		{ "one-write", "no records: the whole stream in one write", { 0 }, 0 },
		{ "bytes-96",
		  "96 one-byte writes, then the rest",
		  { 0xfe, 0, 0, 0xfe, 0, 0, 0xfe, 0, 0 },
		  9 },
		{ "fixed-7", "7-byte writes", { 3, 6, 0 }, 3 },
		{ "fixed-4096", "4096-byte writes", { 3, 0xff, 0x0f }, 3 },
		{ "page-pm1", "writes of 4095 and 4097 bytes", { 0, 0xff, 0x0f, 0, 0x01, 0x10 }, 6 },
		{ "random-1-16", "random write sizes 1..16", { 4, 15, 0 }, 3 },
		{ "writev-16x5",
		  "writev() of 16 iovecs of 5 bytes, then the rest",
		  { 1 | 15 << 3, 80, 0 },
		  3 },
		{ "writev-rest-9x1",
		  "the rest by writev() of 9 one-byte iovecs per call",
		  { 7 | 7 << 3, 0, 0 },
		  3 },
		{ "zero-length-writes",
		  "zero-length writes between 100-byte chunks",
		  { 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 100, 0 },
		  12 },
		{ "split-record-header",
		  "a split 4 bytes into the first record header",
		  { 0, 36, 0 },
		  3 },
		{ "split-header-32",
		  "a split right after the 32-byte stream header",
		  { 0, 32, 0 },
		  3 },
		{ "writev-zero-iovecs",
		  "writev() of 8 iovecs over 3 bytes (some of zero length)",
		  { 1 | 7 << 3, 3, 0 },
		  3 },
	};
	struct bytes s;

	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		s.n = 0;
		put(&s, plans[i].recs, plans[i].n);
		seed("write_chunking", plans[i].name, &s, plans[i].what);
	}
}

/* ---------------------------------------------------------------- state_sequence */

static void state_sequence_seeds(void)
{
	static const struct {
		const char *name, *what;
		uint8_t a[64];
		size_t n;
	} seqs[] = {
		{ "migrate-self",
		  "SET STOP_COPY, read to EOF, SET RESUMING, write the stream back, SET RUNNING, GET",
		  { 0, 3, 4, 0, 0, 4, 6, 8, 15, 2 },
		  10 },
		{ "precopy-migrate",
		  "PRE_COPY with PRECOPY_INFO between reads and a BAR0 write, PRE_COPY_P2P, STOP_COPY, resume the whole stream",
		  { 0, 6, 9, 0, 3, 1, 9, 0, 4, 0, 11, 0, 9, 0, 0, 7, 0, 3, 4, 0, 0, 4, 6, 8, 15, 1 },
		  26 },
		{ "walk-all-states",
		  "SET and GET through every state",
		  { 15, 1, 15, 2, 15, 3, 15, 5, 15, 6, 15, 7, 15, 3, 15, 4, 15, 2, 15, 7, 15, 1 },
		  22 },
		{ "bad-targets",
		  "SET 8, 0xffffffff, ERROR and 0x80000000, then GET",
		  { 0, 0xf8, 0, 0xff, 0, 0, 0, 0xfd, 1, 0 },
		  10 },
		{ "stopcopy-back",
		  "STOP_COPY, then PRE_COPY and PRE_COPY_P2P (EINVAL), read on",
		  { 0, 3, 0, 6, 0, 7, 1, 0, 4, 0 },
		  10 },
		{ "same-state",
		  "same-state SETs in PRE_COPY and STOP_COPY with reads between",
		  { 0, 6, 0, 6, 3, 4, 0, 3, 0, 3, 3, 4, 1, 0 },
		  14 },
		{ "reset-mid-resume",
		  "RESUMING, 4096 bytes of the saved stream, RESET, a write to the old fd",
		  { 0, 3, 4, 0, 0, 4, 5, 12, 2, 0, 5, 8, 1, 0 },
		  14 },
		{ "reset-in-precopy",
		  "PRE_COPY, a read, RESET, a read of the old fd",
		  { 0, 6, 3, 4, 2, 0, 3, 0, 1, 0 },
		  10 },
		{ "truncated-resume",
		  "RESUMING with 4096 bytes of a saved stream, SET STOP (must fail), GET",
		  { 0, 3, 4, 0, 0, 4, 5, 12, 0, 1, 1, 0 },
		  12 },
		{ "empty-resume",
		  "RESUMING with nothing written, SET STOP (must fail), GET",
		  { 0, 4, 0, 1, 1, 0 },
		  6 },
		{ "fault-arc-error",
		  "fault STOP->STOP_COPY into ERROR, SET STOP_COPY, GET, SET in ERROR, RESET, GET",
		  { 12, 1 | 3 << 3 | 0x40, 0, 3, 1, 0, 0, 2, 1, 0, 2, 0, 1, 0 },
		  14 },
		{ "fault-arc-fail",
		  "fault RUNNING_P2P->STOP, SET STOP (fails on the path), GET, SET STOP",
		  { 12, 5 | 1 << 3, 0, 1, 1, 0, 15, 1 },
		  8 },
		{ "alloc-fault-stop-copy",
		  "the driver's first allocation in SET STOP_COPY fails (a kernel with fault injection; an arc fault on the simulated device), GET",
		  { 12, 0, 0, 3, 1, 0 },
		  6 },
		{ "alloc-fault-stop-copy-3",
		  "the driver's third allocation in SET STOP_COPY fails, GET, SET RUNNING, GET",
		  { 12, 2, 0, 3, 1, 0, 0, 2, 1, 0 },
		  10 },
		{ "alloc-fault-resuming",
		  "the driver's first allocation in SET RESUMING fails, GET",
		  { 12, 0, 0, 4, 1, 0 },
		  6 },
		{ "alloc-fault-pre-copy",
		  "the driver's first allocation in SET PRE_COPY fails, GET",
		  { 12, 0, 0, 6, 1, 0 },
		  6 },
		{ "fd-ops",
		  "lseek/read/write on save and resume fds",
		  { 0, 3, 13, 0, 0, 4, 13, 8, 8, 0, 13, 0 },
		  12 },
		{ "data-size-each-state",
		  "MIG_DATA_SIZE in STOP, STOP_COPY, RESUMING, PRE_COPY",
		  { 0, 1, 10, 0, 0, 3, 10, 0, 0, 4, 10, 0, 2, 0, 0, 6, 10, 0 },
		  18 },
		{ "flags", "GET MIGRATION", { 14, 0 }, 2 },
		{ "gets-in-stop",
		  "SET STOP, then GET four times: the device never moves by itself (FSM-06)",
		  { 0, 1, 1, 0, 1, 0, 1, 0, 1, 0 },
		  10 },
		{ "junk-then-stream",
		  "RESUMING, junk bytes, then the rest of the saved stream",
		  { 0, 3, 4, 0, 0, 4, 7, 9, 6, 8, 15, 1 },
		  12 },
	};
	struct bytes s;

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		s.n = 0;
		put(&s, seqs[i].a, seqs[i].n);
		seed("state_sequence", seqs[i].name, &s, seqs[i].what);
	}
}

/* ---------------------------------------------------------------- feature_ioctl */

#define GET VFIO_DEVICE_FEATURE_GET
#define SET VFIO_DEVICE_FEATURE_SET
#define PROBE VFIO_DEVICE_FEATURE_PROBE

/* One record: sel, argsz, flags, payload, no range overrides. */
static void fcall(struct bytes *s, uint8_t sel, uint32_t argsz, uint32_t flags,
		  const struct bytes *pl)
{
	put8(s, sel);
	put32(s, argsz);
	put32(s, flags);
	put8(s, (uint8_t)(pl ? pl->n : 0));
	if (pl)
		put(s, pl->b, pl->n);
	put8(s, 0);
}

static void start_payload(struct bytes *pl, uint64_t pgsize, uint32_t n)
{
	pl->n = 0;
	put64(pl, pgsize);
	put32(pl, n);
	put32(pl, 0);
	put64(pl, 0); /* the ranges pointer: the interpreter's own array */
}

static void report_payload(struct bytes *pl, uint64_t iova, uint64_t len, uint64_t pgsize)
{
	pl->n = 0;
	put64(pl, iova);
	put64(pl, len);
	put64(pl, pgsize);
	put64(pl, 0); /* the bitmap pointer: the interpreter's own */
}

static void feature_ioctl_seeds(void)
{
	/* plen: payload bytes given; for a tight buffer (sel 0x10) also the buffer's length. */
	static const struct {
		const char *name, *what;
		uint8_t sel;
		uint32_t argsz, flags;
		uint8_t plen;
	} one[] = {
		{ "get-migration", "GET MIGRATION, argsz 16", 0, 16, GET | 1, 8 },
		{ "probe-migration", "PROBE|GET MIGRATION: 0, payload untouched (FEAT-02)", 0, 16,
		  PROBE | GET | 1, 8 },
		{ "set-migration", "SET MIGRATION: EINVAL", 0, 16, SET | 1, 8 },
		{ "get-state-argsz-15", "GET MIG_DEVICE_STATE with argsz 15: EINVAL (FEAT-03)", 0,
		  15, GET | 2, 8 },
		{ "get-state-argsz-7", "argsz 7: EINVAL", 0, 7, GET | 2, 8 },
		{ "flag-bit-19", "flag bit 19: EINVAL", 0, 16, GET | 2 | 1u << 19, 8 },
		{ "get-and-set", "GET|SET without PROBE: EINVAL", 0, 16, GET | SET | 2, 8 },
		{ "probe-get-set-state", "PROBE|GET|SET MIG_DEVICE_STATE: 0", 0, 16,
		  PROBE | GET | SET | 2, 8 },
		{ "no-get-no-set", "neither GET nor SET: EINVAL", 0, 16, 2, 8 },
		{ "unknown-feature-5", "an index without a handler: ENOTTY on 6.12", 0, 16, GET | 5,
		  8 },
		{ "data-size-in-resuming", "GET MIG_DATA_SIZE in RESUMING (FEAT-04)", 4, 16,
		  GET | 9, 8 },
		{ "get-state-in-pre-copy-p2p", "GET MIG_DEVICE_STATE after walking to PRE_COPY_P2P",
		  7, 16, GET | 2, 8 },
		{ "tight-header-4", "a 4-byte buffer ending at an unreadable page: EFAULT", 0x10,
		  16, GET | 1, 4 },
		{ "tight-payload-12",
		  "GET MIGRATION whose buffer ends 4 bytes into the payload: EFAULT", 0x10, 16,
		  GET | 1, 12 },
		{ "precopy-info", "VFIO_MIG_GET_PRECOPY_INFO, argsz 24, in PRE_COPY", 8 | 6, 24, 0,
		  8 },
		{ "precopy-info-argsz-23", "PRECOPY_INFO with argsz 23: EINVAL", 8 | 6, 23, 0, 8 },
		{ "precopy-info-in-stop-copy",
		  "PRECOPY_INFO after PRE_COPY->STOP_COPY: EINVAL (PRE-01)", 8 | 3, 24, 0, 8 },
		{ "precopy-info-tight-16",
		  "PRECOPY_INFO in a 16-byte buffer ending at an unreadable page: EFAULT",
		  8 | 0x10 | 6, 24, 0, 16 },
		{ "precopy-unknown-cmd", "an unknown ioctl on the save fd: ENOTTY", 8 | 6 | 7 << 5,
		  24, 0, 8 },
	};
	struct bytes s, pl;

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		s.n = 0;
		pl.n = 0;
		for (int k = 0; k < one[i].plen; k++)
			put8(&pl, 0);
		fcall(&s, one[i].sel, one[i].argsz, one[i].flags, &pl);
		seed("feature_ioctl", one[i].name, &s, one[i].what);
	}
	s.n = 0;
	pl.n = 0;
	put32(&pl, VFIO_DEVICE_STATE_STOP_COPY);
	put32(&pl, 0);
	fcall(&s, 0, 16, SET | 2, &pl);
	fcall(&s, 0, 16, GET | 2, &pl);
	seed("feature_ioctl", "set-state-stop-copy", &s, "raw SET STOP_COPY (a data fd), then GET");
	s.n = 0;
	start_payload(&pl, 4096, 1);
	fcall(&s, 0, 32, SET | 6, &pl);
	report_payload(&pl, 1 << 20, 4096, 4096);
	fcall(&s, 0, 40, GET | 8, &pl);
	fcall(&s, 0, 8, SET | 7, NULL);
	seed("feature_ioctl", "dma-start-report-stop", &s,
	     "DMA_LOGGING_START of one range, REPORT over it (ending where it ends), STOP");
	s.n = 0;
	start_payload(&pl, 4096, 2);
	fcall(&s, 0, 32, SET | 6, &pl);
	start_payload(&pl, 4096, 1);
	fcall(&s, 0, 32, SET | 6, &pl);
	seed("feature_ioctl", "dma-double-start", &s, "a second START before STOP (LOG-03)");
	s.n = 0;
	report_payload(&pl, 1 << 20, 4096, 4096);
	fcall(&s, 0, 40, GET | 8, &pl);
	seed("feature_ioctl", "dma-report-without-start", &s,
	     "REPORT with logging never started (LOG-03)");
	s.n = 0;
	start_payload(&pl, 4096, 1);
	fcall(&s, 0, 32, SET | 6, &pl);
	report_payload(&pl, 1 << 20, 4096, 2048);
	fcall(&s, 0, 40, GET | 8, &pl);
	seed("feature_ioctl", "dma-report-pgsize-2048", &s,
	     "REPORT with page size 2048: EINVAL (LOG-04)");
	s.n = 0;
	start_payload(&pl, 4096, 0);
	fcall(&s, 0, 32, SET | 6, &pl);
	start_payload(&pl, 4096, 257);
	fcall(&s, 0, 32, SET | 6, &pl);
	seed("feature_ioctl", "dma-start-0-and-257-ranges", &s,
	     "START with 0 ranges (EINVAL), then 257 (E2BIG)");
	s.n = 0;
	start_payload(&pl, 4096, 2);
	put8(&s, 0);
	put32(&s, 32);
	put32(&s, SET | 6);
	put8(&s, (uint8_t)pl.n);
	put(&s, pl.b, pl.n);
	put8(&s, 1);
	put8(&s, 1);
	put8(&s, 3); /* range 1 overlaps range 0 */
	seed("feature_ioctl", "dma-start-overlap", &s,
	     "START with two overlapping ranges: EINVAL (LOG-02)");
}

/* ---------------------------------------------------------------- README */

/* ---------------------------------------------------------------- json_reader */

static void text_seed(const char *target, const char *name, const char *text, const char *what)
{
	struct bytes s = { .n = 0 };

	put(&s, text, strlen(text));
	seed(target, name, &s, what);
}

static void nested_seed(const char *name, unsigned depth, const char *what)
{
	struct bytes s = { .n = 0 };

	for (unsigned i = 0; i < depth; i++)
		put(&s, i % 2 ? "{\"k\":" : "[", i % 2 ? 5 : 1);
	put(&s, "1", 1);
	for (unsigned i = depth; i-- > 0;)
		put(&s, i % 2 ? "}" : "]", 1);
	seed("json_reader", name, &s, what);
}

static void json_reader_seeds(void)
{
	static const struct {
		const char *name, *text, *what;
	} one[] = {
		{ "empty", "", "no bytes: refused (a value is expected)" },
		{ "whitespace", " \t\r\n ", "whitespace only: refused" },
		{ "scalars", "[null,true,false,0,-0,1.5,\"\",{},[]]", "every type once" },
		{ "escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u2028\\ud83d\\ude00\"]",
		  "every escape, a BMP and a surrogate-pair \\u escape" },
		{ "nul-in-key", "{\"a\\u0000b\":1,\"a\":2,\"s\":\"x\\u0000y\"}",
		  "\\u0000 in a key and a string (lengths are authoritative)" },
		{ "lone-surrogate", "[\"\\ud800\"]", "a lone high surrogate: refused" },
		{ "bad-utf8-overlong", "[\"\xc0\xaf\"]", "an overlong UTF-8 sequence: refused" },
		{ "bad-utf8-truncated", "[\"\xe2\x82\"]", "a UTF-8 sequence cut short: refused" },
		{ "bad-utf8-surrogate", "[\"\xed\xa0\x80\"]", "a UTF-8-encoded surrogate: refused" },
		{ "utf8-4byte", "[\"\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"]", "4-byte UTF-8, U+10FFFF" },
		{ "huge-numbers",
		  "[1e308,-1.7976931348623157e308,9223372036854775807,-9223372036854775808,"
		  "9223372036854775808,123456789012345678901234567890,1e-400,2.5E+3,0.0]",
		  "numbers at and past the int64 and double limits" },
		{ "number-out-of-range", "[1e309]", "a number past DBL_MAX: refused" },
		{ "number-leading-zero", "[01]", "a leading zero: refused" },
		{ "number-long", "[1234567890123456789012345678901234567890123456789012345678901234567890]",
		  "a number longer than the reader's buffer" },
		{ "nan", "[NaN,Infinity]", "NaN and Infinity: refused" },
		{ "duplicate-key", "{\"a\":1,\"b\":2,\"a\":3}", "a duplicate key: refused" },
		{ "trailing-comma", "{\"a\":[1,2,],}", "trailing commas: refused" },
		{ "bom", "\xef\xbb\xbf{}", "a byte-order mark: refused" },
		{ "comment", "{/* c */}", "a comment: refused" },
		{ "two-values", "{} {}", "two top-level values: refused" },
		{ "control-in-string", "[\"a\tb\"]", "a raw control character in a string: refused" },
		{ "lines", "{\n\"a\":\n[\n1,\n\"\\u00\"\n]\n}", "an error on line 5 (a short \\u escape)" },
		{ "report-schema-only", "{\"schema\":1}", "a report with nothing but its schema" },
		{ "report-wrong-schema", "{\"schema\":99,\"run\":{}}", "a report of another schema" },
		{ "report-not-object", "[{\"schema\":1}]", "a report that is not an object" },
		/* The input ending inside or right after a token: where a reader's bounds live. */
		{ "eof-number", "-1.5e+10", "a top-level number, the input ending in its exponent" },
		{ "eof-true", "true", "a top-level literal, nothing after it" },
		{ "eof-string", "\"\\u00e9\"", "a top-level string ending the input after an escape" },
		{ "eof-in-number", "[1.", "the input ends after a decimal point: refused" },
		{ "eof-in-key", "{\"a", "the input ends inside a key: refused" },
		{ "eof-in-escape", "[\"\\u12", "the input ends inside a \\u escape: refused" },
		{ "eof-in-literal", "[nul", "the input ends inside a literal: refused" },
	};
	struct bytes s = { .n = 0 };

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		text_seed("json_reader", one[i].name, one[i].text, one[i].what);
	nested_seed("nest-64", 64, "arrays and objects 64 deep: the default limit, read");
	nested_seed("nest-65", 65, "65 deep: refused (depth limit)");
	nested_seed("nest-2000", 2000, "2000 deep: refused, no recursion past the limit");
	put(&s, "[\"", 2);
	for (int i = 0; i < 4000; i++)
		put(&s, i % 50 ? "x" : "\\n", i % 50 ? 1 : 2);
	put(&s, "\"]", 2);
	seed("json_reader", "long-string", &s, "a 4 KiB string with escapes");
	s.n = 0;
	put(&s, "{\"a\":\"\0\"}", 9);
	seed("json_reader", "raw-nul", &s, "a raw NUL byte in a string: refused");
}

/* ---------------------------------------------------------------- tar_reader */

/* An archive built by the writer (tar.h) into @s; mtime fixed so seeds are stable. */
static FILE *tar_open(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f) {
		fprintf(stderr, "fuzz_seeds: open_memstream: %s\n", strerror(errno));
		exit(2);
	}
	return f;
}

static void tar_seed(const char *name, char *buf, size_t len, size_t cut, const char *what)
{
	struct bytes s = { .n = 0 };

	put(&s, buf, cut < len ? cut : len);
	seed("tar_reader", name, &s, what);
	free(buf);
}

/* An archive of one small r/report.json, in a malloc'd *@buf of *@len bytes. */
static void one_member(char **buf, size_t *len)
{
	static const char report[] = "{\"schema\":1}\n";
	FILE *f;

	*buf = NULL;
	f = tar_open(buf, len);
	mc_tar_add(f, "r/report.json", 0644, report, sizeof(report) - 1, 1767225600);
	mc_tar_finish(f);
	fclose(f);
}

static void tar_reader_seeds(void)
{
	static const char report[] = "{\"schema\":1}\n";
	static const int64_t T = 1767225600; /* 2026-01-01 */
	char name[300], *buf;
	uint8_t blk[MC_TAR_BLOCK];
	size_t len;
	FILE *f;

	buf = NULL;
	f = tar_open(&buf, &len);
	mc_tar_finish(f);
	fclose(f);
	tar_seed("end-marker-only", buf, len, len, "an empty archive: the end marker alone");
	buf = NULL;
	f = tar_open(&buf, &len);
	mc_tar_add(f, "r/report.json", 0644, report, sizeof(report) - 1, T);
	mc_tar_add(f, "r/empty", 0600, "", 0, T);
	mc_tar_finish(f);
	fclose(f);
	tar_seed("two-files", buf, len, len, "two regular files, one of them empty");
	one_member(&buf, &len);
	tar_seed("truncated-data", buf, len, MC_TAR_BLOCK + 5, "cut inside a member's data");
	one_member(&buf, &len);
	tar_seed("truncated-header", buf, len, 300, "cut inside the first header");
	one_member(&buf, &len);
	tar_seed("half-end-marker", buf, len, len - MC_TAR_BLOCK,
		 "one zero block of the two of the end marker");
	one_member(&buf, &len);
	tar_seed("cut-last-byte", buf, len, len - 1, "the end marker one byte short: refused");
	buf = NULL;
	f = tar_open(&buf, &len);
	mc_tar_add(f, "../../etc/passwd", 0644, "x\n", 2, T);
	mc_tar_add(f, "/etc/shadow", 0644, "y\n", 2, T);
	mc_tar_add(f, "r/./../../x", 04777, "z", 1, T);
	mc_tar_finish(f);
	fclose(f);
	tar_seed("path-traversal", buf, len, len,
		 "members named ../../etc/passwd, /etc/shadow, r/./../../x (setuid mode)");
	memset(name, 'd', 150);
	name[150] = '/';
	memset(name + 151, 'n', 99);
	name[250] = '\0';
	buf = NULL;
	f = tar_open(&buf, &len);
	mc_tar_add(f, name, 0644, "long", 4, T);
	mc_tar_finish(f);
	fclose(f);
	tar_seed("long-name", buf, len, len, "a 250-byte name: 150-byte prefix and 99-byte name");
	buf = NULL;
	f = tar_open(&buf, &len);
	mc_tar_header(blk, "r/dir", '5', 0755, 0, T);
	fwrite(blk, 1, sizeof(blk), f);
	mc_tar_header(blk, "r/link", '2', 0777, 0, T);
	fwrite(blk, 1, sizeof(blk), f);
	mc_tar_header(blk, "r/fifo", '6', 0644, 0, T);
	fwrite(blk, 1, sizeof(blk), f);
	mc_tar_finish(f);
	fputs("junk after the end", f);
	fclose(f);
	tar_seed("types-and-junk", buf, len, len,
		 "a directory, a symlink and a FIFO member, then junk after the end marker");
	one_member(&buf, &len);
	buf[148] ^= 1; /* the checksum field */
	tar_seed("bad-checksum", buf, len, len, "a header whose checksum is off by one bit");
	one_member(&buf, &len);
	memcpy(buf + 124, "77777777777", 11); /* the size field */
	{
		unsigned sum = 0;

		memset(buf + 148, ' ', 8);
		for (int i = 0; i < MC_TAR_BLOCK; i++)
			sum += (uint8_t)buf[i];
		snprintf(buf + 148, 8, "%06o", sum);
	}
	tar_seed("huge-size", buf, len, len, "a valid header whose size runs past the archive");
}

/* The old README's row for @file of @target, its length in *@len; NULL when none. */
static const char *old_row(const char *target, const char *file, size_t *len)
{
	char head[512];
	const char *p = old_readme;

	snprintf(head, sizeof(head), "| `%s` | `%s` | ", target, file);
	while (p && *p) {
		const char *nl = strchr(p, '\n');

		*len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (!strncmp(p, head, strlen(head)))
			return p;
		p += *len;
	}
	return NULL;
}

/*
 * The defect-* regression inputs found in corpus/<target>/, as README rows: the old
 * README's row where it had one (its description may be written by hand), else one
 * made from the file name.
 */
static void list_regressions(const char *target)
{
	char dir[512];
	struct dirent **names;
	int n;

	snprintf(dir, sizeof(dir), "%s/%s", root, target);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name, *sep = strstr(d, "--"), *row;
		size_t len = 0;

		if (strncmp(d, "defect-", 7) || !sep) {
			free(names[i]);
			continue;
		}
		if ((row = old_row(target, d, &len))) {
			fwrite(row, 1, len, readme);
			if (row[len - 1] != '\n')
				fputc('\n', readme);
		} else {
			fprintf(readme, "| `%s` | `%s` | `%.*s` | ", target, d, (int)(sep - d - 7),
				d + 7);
			for (const char *c = sep + 2; *c; c++)
				fputc(*c == '-' ? ' ' : *c, readme);
			fprintf(readme, " |\n");
		}
		free(names[i]);
	}
	free(n >= 0 ? names : NULL);
}

/*
 * The inputs committed by hand into a parser target's corpus (real-* files: reports and
 * bundles migcheck made; regress-*: inputs of fixed findings), as rows of its table: the
 * size now, the description of the old README's row (written by hand), else the name.
 */
static void list_kept(const char *target)
{
	char dir[512], path[1024], head[300];
	struct dirent **names;
	struct stat sb;
	int n;

	snprintf(dir, sizeof(dir), "%s/%s", root, target);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name, *p = old_readme, *what = NULL;
		size_t wlen = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, d);
		if ((strncmp(d, "real-", 5) && strncmp(d, "regress-", 8)) || stat(path, &sb)) {
			free(names[i]);
			continue;
		}
		snprintf(head, sizeof(head), "| `%s` | ", d);
		while (p && (p = strstr(p, head))) {
			const char *col = strstr(p + strlen(head), " | "), *nl = strchr(p, '\n');

			if (col && (!nl || col < nl)) {
				what = col + 3;
				wlen = (size_t)((nl ? nl : what + strlen(what)) - what);
				while (wlen && (what[wlen - 1] == '|' || what[wlen - 1] == ' '))
					wlen--;
			}
			break;
		}
		fprintf(readme, "| `%s` | %lld | %.*s |\n", d, (long long)sb.st_size,
			what ? (int)wlen : 18, what ? what : "committed by hand");
		free(names[i]);
	}
	free(n >= 0 ? names : NULL);
}

int main(int argc, char **argv)
{
	static const char *const targets[] = { "resume_stream", "write_chunking", "state_sequence",
					       "feature_ioctl",	"json_reader",	  "tar_reader" };
	char path[512];
	size_t old_len;

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds CORPUS_DIR\n");
		return 2;
	}
	root = argv[1];
	mkdir(root, 0755);
	snprintf(path, sizeof(path), "%s/README.md", root);
	/* None, or not a regular file (old_readme NULL): each row is made from its file name. */
	mc_file_read(path, 16u << 20, 0, &old_readme, &old_len);
	readme = fopen(path, "w");
	if (!readme) {
		fprintf(stderr, "fuzz_seeds: %s: %s\n", path, strerror(errno));
		return 2;
	}
	fprintf(readme,
		"# Fuzz corpora\n\n"
		"One directory per target (`fuzz/README.md` has the input layouts). Generated by\n"
		"`make fuzz-seeds` (tools/fuzz_seeds.c) except the `defect-*` files: minimised\n"
		"findings, committed by hand, that `make fuzz-check` replays twice - without a\n"
		"finding on the conforming device, and with a finding on `%s:defect=NAME`\n"
		"(the oracle's own regression test). Raw streams are for `%s`, the\n"
		"default fuzzing device; `own-*` seeds use whatever device is fuzzed.\n",
		DEV, DEV);
	for (int t = 0; t < 6; t++) {
		fprintf(readme, "\n## %s\n\n", targets[t]);
		if (t >= 4)
			fprintf(readme, "%s\n\n",
				t == 4 ? "A JSON file (report.json) for the JSON reader and the report "
					 "loader; no device. `real-*`: reports\n`migcheck run --device "
					 "sim` wrote (some trimmed), committed by hand." :
					 "A tar file (a bundle) for the tar reader and `migcheck verify`; "
					 "no device. `real-*`:\nbundles `migcheck bundle` made, committed "
					 "by hand; the others are built with tar.h's writer.");
		fprintf(readme, "| file | bytes | what it exercises |\n|---|---|---|\n");
		if (t == 0)
			resume_stream_seeds();
		else if (t == 1)
			write_chunking_seeds();
		else if (t == 2)
			state_sequence_seeds();
		else if (t == 3)
			feature_ioctl_seeds();
		else if (t == 4)
			json_reader_seeds();
		else
			tar_reader_seeds();
		if (t >= 4)
			list_kept(targets[t]);
	}
	fprintf(readme,
		"\n## Regression inputs\n\n| target | file | defect | what the oracle sees |\n"
		"|---|---|---|---|\n");
	for (int t = 0; t < 6; t++)
		list_regressions(targets[t]);
	free(old_readme);
	return fclose(readme) ? 2 : 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the stream engine (stream.c) and the io_uring data path (uring.c):
 * plan text and walking, spilling streams, the proof that every read and write plan
 * moves the same bytes as a single call (simulated device), acknowledged-bytes
 * accounting with failing writes, and io_uring against plain read/write on real fds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mc_test.h"
#include "migcheck.h"
#include "stream.h"
#include "uring.h"

#define S_RUN VFIO_DEVICE_STATE_RUNNING
#define S_STOP VFIO_DEVICE_STATE_STOP
#define S_SC VFIO_DEVICE_STATE_STOP_COPY
#define S_RES VFIO_DEVICE_STATE_RESUMING
#define S_PRE VFIO_DEVICE_STATE_PRE_COPY
#define SIM_HDR 32u	   /* sim stream header (sim_stream.c) */
#define SIM_PAGE_REC 4112u /* sim PAGE record: 8 header + 8 index + 4096 */
#define SIM_TAIL 228u	   /* CONFIG, REGS and END records */

/* ------------------------------------------------------------------ helpers */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_random(uint8_t *buf, size_t len, uint64_t seed)
{
	rng_state = seed;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)rnd();
}

static struct mc_plan plan_of(const char *text)
{
	struct mc_plan p;
	char err[256] = "";

	ck_assert_msg(mc_plan_parse(text, &p, err, sizeof(err)) == 0, "%s: %s", text, err);
	return p;
}

static bool plan_eq(const struct mc_plan *a, const struct mc_plan *b)
{
	if (a->kind != b->kind || a->k != b->k || a->iovcnt != b->iovcnt || a->seed != b->seed ||
	    a->max != b->max || a->nlist != b->nlist)
		return false;
	return !memcmp(a->list, b->list, sizeof(a->list));
}

static struct mc_dev *dev_open(const char *spec)
{
	struct mc_dev *dev;
	char err[256] = "";

	ck_assert_msg(mc_dev_open(spec, &dev, err, sizeof(err)) == 0, "%s: %s", spec, err);
	return dev;
}

static void go(struct mc_dev *dev, uint32_t state, int *fd)
{
	int rc = mc_set_state(dev, state, fd);

	ck_assert_msg(rc == 0, "SET %u: %d", state, rc);
	if (fd)
		ck_assert_int_ge(*fd, 0);
}

/* RESET, STOP, STOP_COPY, save with @plan into @out (fresh), back to STOP. */
static void save_with(struct mc_dev *dev, const struct mc_plan *plan, size_t mem_limit,
		      struct mc_stream *out)
{
	struct mc_io_opts o = { .plan = plan };
	struct mc_save_result r;
	char text[MC_PLAN_TEXT_MAX];
	int fd, rc;

	mc_plan_format(plan, text, sizeof(text));
	ck_assert_int_eq(mc_reset(dev), 0);
	go(dev, S_STOP, NULL);
	go(dev, S_SC, &fd);
	mc_stream_init(out, mem_limit);
	rc = mc_stream_save(dev, fd, &o, out, &r);
	ck_assert_msg(rc == 0 && r.end == 0, "save with %s: %d (end %d)", text, rc, r.end);
	ck_assert_uint_eq(r.bytes, out->len);
	ck_assert_uint_ge(r.calls, 2); /* at least one read with data, one with EOF */
	go(dev, S_STOP, NULL);
	ck_assert_int_eq(mc_data_close(dev, fd), 0);
}

/*
 * From STOP: RESUMING, write bytes [@off, @off+@len) of @s per @o, then SET STOP. Returns
 * the result of SET STOP (the device's verdict on the stream).
 */
static int resume_with(struct mc_dev *dev, const struct mc_io_opts *o, const struct mc_stream *s,
		       uint64_t off, uint64_t len, struct mc_resume_result *r, int *wrc)
{
	int fd, rc;

	go(dev, S_RES, &fd);
	*wrc = mc_stream_resume(dev, fd, s, off, len, o, r);
	rc = mc_set_state(dev, S_STOP, NULL);
	mc_data_close(dev, fd);
	return rc;
}

/* Change BAR0 of @dev so its state (and stream) differs from any earlier save. */
static void scribble(struct mc_dev *dev, uint64_t tag)
{
	ck_assert_int_eq(mc_reset(dev), 0);
	ck_assert_int_eq(mc_region_write(dev, 0, 8, &tag, sizeof(tag)), (ssize_t)sizeof(tag));
}

static void assert_same(const struct mc_stream *a, const struct mc_stream *b, const char *what)
{
	uint64_t diff = ~0ull;
	int rc = mc_stream_cmp(a, b, &diff);

	ck_assert_msg(rc == 0, "%s: streams differ at %llu (lengths %llu, %llu), rc %d", what,
		      (unsigned long long)diff, (unsigned long long)a->len,
		      (unsigned long long)b->len, rc);
}

/* ------------------------------------------------------------------ 1. plan text */

/* A plan text and what must come of it: its canonical form, or words of the refusal. */
struct plan_row {
	const char *text, *want;
};

START_TEST(plan_parse_valid)
{
	static const struct plan_row ok[] = {
		{ "one", "one" },
		{ "fixed:1", "fixed:1" },
		{ "fixed:1048576", "fixed:1048576" },
		{ "fixed:007", "fixed:7" },
		{ "list:5", "list:5" },
		{ "list:1/2/3", "list:1/2/3" },
		{ "list:1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16",
		  "list:1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16" },
		{ "random:0", "random:0" },
		{ "random:42:4096", "random:42" },
		{ "random:18446744073709551615:1", "random:18446744073709551615:1" },
		{ "page", "page" },
		{ "split:0", "split:0" },
		{ "split:64", "split:64" },
		{ "split:5000000000", "split:5000000000" },
		{ "writev:3", "writev:3" },
		{ "writev:7:5", "writev:7:5" },
		{ "writev:1024:1024", "writev:1024:1024" },
		{ "writev:2:1", "writev:2" },
	};
	struct mc_plan p, q;
	char buf[MC_PLAN_TEXT_MAX], err[256];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		p = plan_of(ok[i].text);
		mc_plan_format(&p, buf, sizeof(buf));
		ck_assert_str_eq(buf, ok[i].want);
		ck_assert_int_eq(mc_plan_parse(buf, &q, err, sizeof(err)), 0);
		ck_assert_msg(plan_eq(&p, &q), "%s does not round-trip", ok[i].text);
	}
	p = plan_of("fixed:9");
	ck_assert_int_eq(p.kind, MC_PLAN_FIXED);
	ck_assert_uint_eq(p.k, 9);
	p = plan_of("random:5");
	ck_assert_uint_eq(p.seed, 5);
	ck_assert_uint_eq(p.max, MC_PLAN_RANDOM_MAX);
	p = plan_of("writev:3");
	ck_assert_uint_eq(p.iovcnt, 3);
	ck_assert_uint_eq(p.k, 1);
	p = plan_of("list:4/5");
	ck_assert_uint_eq(p.nlist, 2);
	ck_assert_uint_eq(p.list[1], 5);
	mc_plan_format(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "one");
}
END_TEST

/* Plans built from random fields format to text that parses back to the same plan. */
START_TEST(plan_format_roundtrip)
{
	char buf[MC_PLAN_TEXT_MAX], err[256];
	struct mc_plan p, q;

	rng_state = 99;
	for (int i = 0; i < 2000; i++) {
		memset(&p, 0, sizeof(p));
		p.kind = (enum mc_plan_kind)(rnd() % 7);
		switch (p.kind) {
		case MC_PLAN_FIXED: p.k = 1 + rnd() % MC_PLAN_MAX_CALL; break;
		case MC_PLAN_LIST:
			p.nlist = 1 + (unsigned)(rnd() % MC_PLAN_MAX_LIST);
			for (unsigned j = 0; j < p.nlist; j++)
				p.list[j] = 1 + rnd() % MC_PLAN_MAX_CALL;
			break;
		case MC_PLAN_RANDOM:
			p.seed = rnd();
			p.max = 1 + rnd() % MC_PLAN_MAX_CALL;
			break;
		case MC_PLAN_SPLIT: p.k = i % 2 ? rnd() : rnd() % (MC_PLAN_MAX_CALL + 1); break;
		case MC_PLAN_WRITEV:
			p.iovcnt = 1 + (unsigned)(rnd() % 1024);
			p.k = 1 + rnd() % (MC_PLAN_MAX_CALL / p.iovcnt);
			break;
		default: break;
		}
		mc_plan_format(&p, buf, sizeof(buf));
		ck_assert_msg(mc_plan_parse(buf, &q, err, sizeof(err)) == 0, "%s: %s", buf, err);
		ck_assert_msg(plan_eq(&p, &q), "%s does not round-trip", buf);
	}
}
END_TEST

START_TEST(plan_parse_invalid)
{
	static const struct plan_row bad[] = {
		{ "fixed:0", "size 0 is not 1..1048576" },
		{ "fixed:", "missing size" },
		{ "fixed", "'fixed' needs an argument" },
		{ "fixed:1048577", "size 1048577 is not" },
		{ "fixed:5x", "size '5x' is not a decimal number" },
		{ "fixed: 5", "size ' 5' is not a decimal number" },
		{ "fixed:+5", "size '+5'" },
		{ "fixed:0x10", "size '0x10'" },
		{ "fixed:99999999999999999999999", "is too large" },
		{ "fixed:1:2", "unexpected ':2'" },
		{ "random:x", "seed 'x' is not a decimal number" },
		{ "random:", "missing seed" },
		{ "random:1:0", "max 0 is not" },
		{ "random:1:", "missing max" },
		{ "list:", "missing size" },
		{ "list:1//2", "missing size" },
		{ "list:1/0", "size 0 is not" },
		{ "list:1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "more than 16 sizes" },
		{ "split:-1", "offset '-1' is not a decimal number" },
		{ "split:18446744073709551616", "offset '18446744073709551616' is too large" },
		{ "writev:0", "iovec count 0 is not 1..1024" },
		{ "writev:1025", "iovec count 1025" },
		{ "writev:3:0", "iovec size 0" },
		{ "writev:1024:1025", "exceed 1048576 bytes a call" },
		{ "writev", "needs an argument" },
		{ "one:1", "'one' takes no argument" },
		{ "page:", "'page' takes no argument" },
		{ "bogus", "unknown plan 'bogus'" },
		{ "", "unknown plan ''" },
		{ "ONE", "unknown plan 'ONE'" },
	};
	char err[256], longtext[400];
	struct mc_plan p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		memset(&p, 0x5a, sizeof(p));
		ck_assert_msg(mc_plan_parse(bad[i].text, &p, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad[i].text);
		ck_assert_msg(strstr(err, bad[i].want), "'%s': got '%s', want '%s'", bad[i].text,
			      err, bad[i].want);
		ck_assert_msg(!strchr(err, '\n'), "'%s': message is not one line", bad[i].text);
		ck_assert_int_eq(p.kind, MC_PLAN_ONE); /* a refused parse leaves no half plan */
	}
	strcpy(longtext, "list:1");
	while (strlen(longtext) < sizeof(longtext) - 8)
		strcat(longtext, "/1");
	ck_assert_int_eq(mc_plan_parse(longtext, &p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "longer than") && strstr(err, "list:1/1/1"), "%s", err);
}
END_TEST

/* ------------------------------------------------------------------ 2. plan walking */

static void check_sum(const struct mc_plan *p, uint64_t n)
{
	struct mc_plan_iter it;
	uint64_t sum = 0;
	unsigned long calls = 0;
	bool boundary = p->kind != MC_PLAN_SPLIT || !p->k || p->k >= n;
	char text[MC_PLAN_TEXT_MAX];

	mc_plan_format(p, text, sizeof(text));
	mc_plan_iter_init(&it, p);
	while (sum < n) {
		size_t c = mc_plan_next(&it, n - sum);

		/* Not ck_assert: in fork mode each passing check costs a message. */
		if (c < 1 || c > n - sum || c > MC_PLAN_MAX_CALL)
			ck_abort_msg("%s, N=%llu: call %lu of %zu with %llu remaining", text,
				     (unsigned long long)n, calls, c,
				     (unsigned long long)(n - sum));
		sum += c;
		calls++;
		boundary |= sum == p->k;
	}
	ck_assert_uint_eq(sum, n);
	ck_assert_msg(boundary, "%s, N=%llu: no call ends at the split", text,
		      (unsigned long long)n);
	ck_assert_uint_eq(it.n, calls);
}

START_TEST(plan_next_covers)
{
	static const char *const texts[] = {
		"one",		 "fixed:1",	     "fixed:3",		 "fixed:4096",
		"fixed:1048576", "list:1/2/3",	     "list:7",		 "list:4096/1/65536",
		"random:1",	 "random:2:1",	     "random:3:17",	 "random:4:1048576",
		"page",		 "split:0",	     "split:1",		 "split:4095",
		"split:1048576", "split:1048577",    "split:3145738",	 "writev:3",
		"writev:7:5",	 "writev:1024:1024", "writev:1:1048576",
	};
	static const uint64_t sizes[] = { 1,	2,     3,	4094,	 4095,	  4096,	  4097,
					  8192, 65537, 1048575, 1048576, 1048577, 3145739 };
	struct mc_plan p;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		p = plan_of(texts[i]);
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
			check_sum(&p, sizes[j]);
	}
	rng_state = 7;
	for (int i = 0; i < 300; i++) {
		char text[64];

		snprintf(text, sizeof(text), "random:%d:%llu", i,
			 (unsigned long long)(1 + rnd() % 70000));
		p = plan_of(text);
		check_sum(&p, 1 + rnd() % 300000);
	}
}
END_TEST

/* Read side (@remaining 0): the plan's own sizes, capped at MC_PLAN_MAX_CALL. */
START_TEST(plan_next_reads)
{
	struct mc_plan p = plan_of("page"), q;
	struct mc_plan_iter it, it2;

	mc_plan_iter_init(&it, &p);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(mc_plan_next(&it, 0), i % 2 ? 4097 : 4095);
	mc_plan_iter_init(&it, NULL);
	ck_assert_uint_eq(mc_plan_next(&it, 0), MC_PLAN_MAX_CALL);
	ck_assert_uint_eq(mc_plan_next(&it, 10), 10);
	p = plan_of("split:10");
	mc_plan_iter_init(&it, &p);
	ck_assert_uint_eq(mc_plan_next(&it, 0), 10);
	ck_assert_uint_eq(mc_plan_next(&it, 0), MC_PLAN_MAX_CALL);
	p = plan_of("split:2500000"); /* past the call cap: the boundary stays */
	mc_plan_iter_init(&it, &p);
	ck_assert_uint_eq(mc_plan_next(&it, 0), MC_PLAN_MAX_CALL);
	ck_assert_uint_eq(mc_plan_next(&it, 0), MC_PLAN_MAX_CALL);
	ck_assert_uint_eq(mc_plan_next(&it, 0), 2500000 - 2 * MC_PLAN_MAX_CALL);
	ck_assert_uint_eq(mc_plan_next(&it, 0), MC_PLAN_MAX_CALL);
	ck_assert_uint_eq(it.done, 2500000 + MC_PLAN_MAX_CALL);
	p = plan_of("writev:7:5");
	mc_plan_iter_init(&it, &p);
	ck_assert_uint_eq(mc_plan_next(&it, 0), 35);
	p = plan_of("list:3/9");
	mc_plan_iter_init(&it, &p);
	ck_assert_uint_eq(mc_plan_next(&it, 0), 3);
	ck_assert_uint_eq(mc_plan_next(&it, 0), 9);
	ck_assert_uint_eq(mc_plan_next(&it, 0), 9);

	/* Random plans: reproducible per seed, different across seeds, within 1..MAX. */
	p = plan_of("random:11:50");
	q = plan_of("random:12:50");
	mc_plan_iter_init(&it, &p);
	mc_plan_iter_init(&it2, &p);
	{
		int same = 0, seen_max = 0, seen_one = 0;
		struct mc_plan_iter it3;

		mc_plan_iter_init(&it3, &q);
		for (int i = 0; i < 2000; i++) {
			size_t a = mc_plan_next(&it, 0);

			ck_assert_uint_eq(a, mc_plan_next(&it2, 0));
			ck_assert(a >= 1 && a <= 50);
			same += a == mc_plan_next(&it3, 0);
			seen_max |= a == 50;
			seen_one |= a == 1;
		}
		ck_assert_int_lt(same, 200);
		ck_assert(seen_max && seen_one);
	}
}
END_TEST

/* ------------------------------------------------------------------ 3. spilling streams */

#define SRC_LEN (1u << 20)

/* Append @src in odd-sized pieces to a stream with a 4096-byte memory limit. */
static void build_spilled(struct mc_stream *s, const uint8_t *src, size_t len)
{
	mc_stream_init(s, 4096);
	rng_state = 5;
	for (size_t off = 0; off < len;) {
		size_t n = 1 + 2 * (rnd() % 5000); /* odd sizes */

		n = n > len - off ? len - off : n;
		ck_assert_int_eq(mc_stream_append(s, src + off, n), 0);
		off += n;
	}
	ck_assert_uint_eq(s->len, len);
	ck_assert_uint_eq(s->mem_len, 4096);
	ck_assert_uint_le(s->mem_cap, 4096);
	ck_assert_int_ge(s->spill_fd, 0);
}

START_TEST(stream_spill_pread)
{
	uint8_t *src = malloc(SRC_LEN), *buf = malloc(SRC_LEN);
	struct mc_stream s;

	fill_random(src, SRC_LEN, 1);
	build_spilled(&s, src, SRC_LEN);
	rng_state = 17;
	for (int i = 0; i < 500; i++) {
		uint64_t off = i < 8 ? 4096 - 4 + (uint64_t)i : rnd() % (SRC_LEN + 10);
		size_t len = i % 7 ? rnd() % 20000 : rnd() % (SRC_LEN / 2);
		size_t want = off >= SRC_LEN ? 0 : len < SRC_LEN - off ? len : SRC_LEN - off;

		ck_assert_int_eq(mc_stream_pread(&s, buf, len, off), (ssize_t)want);
		ck_assert_msg(!memcmp(buf, src + (off < SRC_LEN ? off : 0), want),
			      "pread(%zu at %llu) differs", len, (unsigned long long)off);
	}
	ck_assert_int_eq(mc_stream_pread(&s, buf, SRC_LEN, 0), SRC_LEN);
	ck_assert(!memcmp(buf, src, SRC_LEN));
	mc_stream_free(&s);
	ck_assert_int_eq(s.spill_fd, -1);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_uint_eq(s.mem_limit, 4096);
	free(src);
	free(buf);
}
END_TEST

/* Compare @s against a copy of @src with byte @at flipped (or cut to @at bytes). */
static void check_diff(const struct mc_stream *s, const uint8_t *src, uint64_t at, bool cut)
{
	struct mc_stream t;
	uint8_t flip;
	uint64_t diff = ~0ull;

	mc_stream_init(&t, 8192);
	if (cut) {
		ck_assert_int_eq(mc_stream_append(&t, src, at), 0);
	} else {
		ck_assert_int_eq(mc_stream_append(&t, src, at), 0);
		flip = src[at] ^ 0x80;
		ck_assert_int_eq(mc_stream_append(&t, &flip, 1), 0);
		ck_assert_int_eq(mc_stream_append(&t, src + at + 1, SRC_LEN - at - 1), 0);
	}
	ck_assert_int_eq(mc_stream_cmp(s, &t, &diff), 1);
	ck_assert_uint_eq(diff, at);
	diff = ~0ull;
	ck_assert_int_eq(mc_stream_cmp(&t, s, &diff), 1);
	ck_assert_uint_eq(diff, at);
	mc_stream_free(&t);
}

START_TEST(stream_spill_cmp_slice)
{
	static uint8_t src[SRC_LEN]; /* static: wrapping it must never free it */
	static const uint64_t at[] = { 0, 100, 4095, 4096, 4097, 70000, 500000, SRC_LEN - 1 };
	struct mc_stream s, w, t, u;
	uint8_t *buf = malloc(SRC_LEN);
	uint64_t diff = 0;

	fill_random(src, SRC_LEN, 2);
	build_spilled(&s, src, SRC_LEN);
	mc_stream_wrap(&w, src, SRC_LEN);
	ck_assert_int_eq(mc_stream_cmp(&s, &w, &diff), 0);
	ck_assert_int_eq(mc_stream_cmp(&w, &s, NULL), 0);
	ck_assert_int_eq(mc_stream_append(&w, src, 1), -EROFS);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		check_diff(&s, src, at[i], false);
		check_diff(&s, src, at[i], true);
	}

	/* Slices across the memory/spill boundary, into spilling and non-spilling streams. */
	rng_state = 23;
	for (int i = 0; i < 40; i++) {
		uint64_t off = i ? rnd() % SRC_LEN : 4000, len = rnd() % (SRC_LEN - off + 1);

		mc_stream_init(&t, i % 2 ? 4096 : 0);
		ck_assert_int_eq(mc_stream_slice(&s, off, len, &t), 0);
		ck_assert_uint_eq(t.len, len);
		ck_assert_int_eq(mc_stream_pread(&t, buf, SRC_LEN, 0), (ssize_t)len);
		ck_assert(!memcmp(buf, src + off, len));
		mc_stream_wrap(&u, src + off, len);
		ck_assert_int_eq(mc_stream_cmp(&t, &u, NULL), 0);
		mc_stream_free(&u);
		mc_stream_free(&t);
	}
	mc_stream_init(&t, 0);
	ck_assert_int_eq(mc_stream_slice(&s, SRC_LEN - 1, 2, &t), -EINVAL);
	ck_assert_int_eq(mc_stream_slice(&s, SRC_LEN + 1, 0, &t), -EINVAL);
	ck_assert_int_eq(mc_stream_slice(&s, SRC_LEN, 0, &t), 0);
	ck_assert_uint_eq(t.len, 0);
	mc_stream_free(&t);
	mc_stream_free(&w); /* must not free src (ASan would report it) */
	ck_assert_ptr_null(w.mem);
	mc_stream_free(&s);
	free(buf);
}
END_TEST

/* The spill file is in $TMPDIR and has no name there. */
START_TEST(stream_spill_tmpdir)
{
	char dir[] = "/tmp/mc-stream-test-XXXXXX", link[PATH_MAX], proc[64];
	uint8_t data[10000];
	struct mc_stream s;
	struct dirent *de;
	int entries = 0;
	ssize_t n;
	DIR *d;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	fill_random(data, sizeof(data), 3);
	mc_stream_init(&s, 100);
	ck_assert_int_eq(mc_stream_append(&s, data, sizeof(data)), 0);
	ck_assert_int_ge(s.spill_fd, 0);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s.spill_fd);
	n = readlink(proc, link, sizeof(link) - 1);
	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	ck_assert_msg(!strncmp(link, dir, strlen(dir)), "spill file %s is not in %s", link, dir);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		entries += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	ck_assert_int_eq(entries, 0);
	mc_stream_free(&s);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ------------------------------------------------------------------ 4. plans on the device */

/*
 * The proof: save with @plan equals a save with "one"; resume with @plan into
 * @dst (first made different) is fully acknowledged and valid, and @dst then saves the
 * same bytes as the original.
 */
static void check_plan(struct mc_dev *src, struct mc_dev *dst, const struct mc_stream *ref,
		       const struct mc_plan *plan, size_t mem_limit, uint64_t tag)
{
	struct mc_io_opts o = { .plan = plan };
	struct mc_stream s, back;
	struct mc_resume_result r;
	char text[MC_PLAN_TEXT_MAX];
	int rc, wrc;

	mc_plan_format(plan, text, sizeof(text));
	save_with(src, plan, mem_limit, &s);
	assert_same(ref, &s, text);
	mc_stream_free(&s);

	scribble(dst, tag);
	go(dst, S_STOP, NULL);
	rc = resume_with(dst, &o, ref, 0, ref->len, &r, &wrc);
	ck_assert_msg(wrc == 0 && rc == 0, "resume with %s: write %d, STOP %d", text, wrc, rc);
	ck_assert_uint_eq(r.acked, ref->len);
	ck_assert_uint_eq(r.offered, ref->len);
	ck_assert(mc_resume_complete(&r, ref->len));
	ck_assert_int_eq(r.first_err, 0);
	ck_assert_uint_eq(r.ngaps, 0);
	save_with(dst, NULL, mem_limit, &back);
	assert_same(ref, &back, text);
	mc_stream_free(&back);
}

/* Every named generator and 60 seeded random plans on @spec-sized devices. */
static void plans_on(const char *src_spec, const char *dst_spec, size_t mem_limit, bool all)
{
	/* The first three issue a call every 1-3 bytes: too slow for the big device. */
	static const char *const named[] = { "fixed:1", "writev:3",   "list:1/4112/3", "one",
					     "page",	"writev:7:5", "fixed:4096" };
	struct mc_dev *src = dev_open(src_spec), *dst = dev_open(dst_spec);
	struct mc_stream ref, other;
	struct mc_plan p;
	char text[64];
	uint64_t tag = 1;

	save_with(src, NULL, mem_limit, &ref);
	ck_assert_uint_gt(ref.len, 4096);
	scribble(dst, 0);
	save_with(dst, NULL, mem_limit, &other);
	ck_assert_int_eq(mc_stream_cmp(&ref, &other, NULL), 1); /* the check can fail */
	mc_stream_free(&other);
	for (size_t i = all ? 0 : 3; i < sizeof(named) / sizeof(named[0]); i++) {
		p = plan_of(named[i]);
		check_plan(src, dst, &ref, &p, mem_limit, tag++);
	}
	for (int n = 0; n <= 64; n += all ? 1 : 16) {
		snprintf(text, sizeof(text), "split:%d", n);
		p = plan_of(text);
		check_plan(src, dst, &ref, &p, mem_limit, tag++);
	}
	rng_state = 2024;
	for (int i = 0; i < (all ? 60 : 6); i++) {
		uint64_t max = i % 3 == 0 ? MC_PLAN_RANDOM_MAX :
					    1 + rnd() % (i % 3 == 1 ? 64 : 200000);

		snprintf(text, sizeof(text), "random:%d:%llu", 1000 + i, (unsigned long long)max);
		p = plan_of(text);
		check_plan(src, dst, &ref, &p, mem_limit, tag++);
	}
	mc_stream_free(&ref);
	mc_dev_close(src);
	mc_dev_close(dst);
}

START_TEST(plans_same_bytes)
{
	plans_on("sim:flags=7:seed=1", "sim:flags=7:seed=2", 0, true);
}
END_TEST

/* A stream of ~1 MiB kept in 64 KiB of memory: the rest goes through the spill file. */
START_TEST(plans_same_bytes_spilled)
{
	struct mc_dev *dev = dev_open("sim:flags=7:seed=3:mem=1m");
	struct mc_stream s;

	save_with(dev, NULL, 65536, &s);
	ck_assert_int_ge(s.spill_fd, 0);
	ck_assert_uint_gt(s.len, MC_PLAN_MAX_CALL);
	mc_stream_free(&s);
	mc_dev_close(dev);
	plans_on("sim:flags=7:seed=3:mem=1m", "sim:flags=7:seed=4:mem=1m", 65536, false);
}
END_TEST

/* PRE_COPY up to ENOMSG, then STOP_COPY on the same fd, into one stream. */
START_TEST(save_precopy_then_stop_copy)
{
	struct mc_dev *src = dev_open("sim:flags=7:seed=5"), *dst = dev_open("sim:flags=7:seed=6");
	struct mc_io_opts o = { .stop_at_enomsg = true };
	struct mc_save_result r;
	struct mc_resume_result rr;
	struct mc_stream s, ref, back;
	uint64_t pre;
	int fd, rc, wrc;

	save_with(src, NULL, 0, &ref);
	ck_assert_int_eq(mc_reset(src), 0);
	go(src, S_PRE, &fd);
	mc_stream_init(&s, 4096);
	ck_assert_int_eq(mc_stream_save(src, fd, &o, &s, &r), 0);
	ck_assert_int_eq(r.end, -ENOMSG);
	ck_assert_uint_eq(r.bytes, s.len);
	pre = s.len;
	ck_assert_uint_gt(pre, 0);
	o.stop_at_enomsg = false; /* ENOMSG without the option is an error */
	ck_assert_int_eq(mc_stream_save(src, fd, &o, &s, &r), -ENOMSG);
	ck_assert_uint_eq(r.bytes, 0);
	go(src, S_SC, NULL);
	ck_assert_int_eq(mc_stream_save(src, fd, &o, &s, &r), 0);
	ck_assert_int_eq(r.end, 0);
	ck_assert_uint_eq(s.len, pre + r.bytes);
	go(src, S_STOP, NULL);
	mc_data_close(src, fd);

	scribble(dst, 77);
	go(dst, S_STOP, NULL);
	rc = resume_with(dst, NULL, &s, 0, s.len, &rr, &wrc);
	ck_assert_int_eq(wrc, 0);
	ck_assert_int_eq(rc, 0);
	ck_assert(mc_resume_complete(&rr, s.len));
	save_with(dst, NULL, 0, &back);
	assert_same(&ref, &back, "pre-copy stream resumed");
	mc_stream_free(&s);
	mc_stream_free(&ref);
	mc_stream_free(&back);
	mc_dev_close(src);
	mc_dev_close(dst);
}
END_TEST

/* A limit below the stream's length is -EFBIG after at most one byte past it. */
START_TEST(save_limit)
{
	struct mc_dev *dev = dev_open("sim:flags=7");
	struct mc_plan p = plan_of("fixed:1000");
	struct mc_io_opts o = { .plan = &p };
	struct mc_save_result r;
	struct mc_stream ref, s;
	int fd;

	save_with(dev, NULL, 0, &ref);
	for (int exact = 0; exact < 2; exact++) {
		o.limit = exact ? ref.len : ref.len - 1500;
		go(dev, S_STOP, NULL);
		go(dev, S_SC, &fd);
		mc_stream_init(&s, 0);
		ck_assert_int_eq(mc_stream_save(dev, fd, &o, &s, &r), exact ? 0 : -EFBIG);
		ck_assert_int_eq(r.end, exact ? 0 : -EFBIG);
		ck_assert_uint_eq(s.len, exact ? ref.len : o.limit + 1);
		go(dev, S_STOP, NULL);
		mc_data_close(dev, fd);
		mc_stream_free(&s);
	}
	mc_stream_free(&ref);
	mc_dev_close(dev);
}
END_TEST

/* ------------------------------------------------------------------ 5. accounting */

START_TEST(resume_truncated)
{
	struct mc_dev *src = dev_open("sim:flags=7:seed=1"), *dst = dev_open("sim:flags=7:seed=2");
	struct mc_plan p = plan_of("fixed:1000");
	struct mc_io_opts o = { .plan = &p };
	struct mc_resume_result r;
	struct mc_stream ref, t;
	int rc, wrc;

	save_with(src, NULL, 0, &ref);
	mc_stream_init(&t, 0);
	ck_assert_int_eq(mc_stream_slice(&ref, 0, ref.len - 100, &t), 0);
	go(dst, S_STOP, NULL);
	rc = resume_with(dst, &o, &t, 0, t.len, &r, &wrc);
	ck_assert_int_eq(wrc, 0);
	ck_assert_uint_eq(r.acked, ref.len - 100);
	ck_assert(mc_resume_complete(&r, t.len));
	ck_assert(!mc_resume_complete(&r, ref.len));
	ck_assert_int_ne(rc, 0); /* the device refuses an incomplete stream */

	/* The same cut through off/len: bytes [100, len) lack the header. */
	mc_reset(dst);
	go(dst, S_STOP, NULL);
	rc = resume_with(dst, &o, &ref, 100, ref.len - 100, &r, &wrc);
	ck_assert_int_eq(wrc, -EINVAL);
	ck_assert_int_eq(r.first_err, -EINVAL);
	ck_assert_uint_eq(r.first_err_off, 100);
	ck_assert_uint_eq(r.acked, 0);
	ck_assert_uint_eq(r.offered, 1000); /* stopped at the first failure */
	ck_assert_uint_eq(r.calls, 1);
	ck_assert_uint_eq(r.ngaps, 0); /* gaps only with continue_after_error */
	ck_assert(!mc_resume_complete(&r, ref.len - 100));
	ck_assert_int_ne(rc, 0);
	ck_assert_int_eq(mc_stream_resume(dst, 0, &ref, ref.len, 1, &o, &r), -EINVAL);
	mc_stream_free(&t);
	mc_stream_free(&ref);
	mc_dev_close(src);
	mc_dev_close(dst);
}
END_TEST

/* Writes to a resume fd whose session a reset ended: every chunk fails, one gap. */
START_TEST(resume_after_session_ended)
{
	struct mc_dev *src = dev_open("sim:flags=7"), *dst = dev_open("sim:flags=7");
	struct mc_plan p = plan_of("fixed:1000");
	struct mc_io_opts o = { .plan = &p, .continue_after_error = true };
	struct mc_resume_result r;
	struct mc_stream ref;
	int fd;

	save_with(src, NULL, 0, &ref);
	go(dst, S_STOP, NULL);
	go(dst, S_RES, &fd);
	ck_assert_int_eq(mc_reset(dst), 0);
	ck_assert_int_eq(mc_stream_resume(dst, fd, &ref, 0, ref.len, &o, &r), -ENODEV);
	ck_assert_int_eq(r.first_err, -ENODEV);
	ck_assert_uint_eq(r.first_err_off, 0);
	ck_assert_uint_eq(r.acked, 0);
	ck_assert_uint_eq(r.offered, ref.len);
	ck_assert_uint_eq(r.calls, (ref.len + 999) / 1000);
	ck_assert_uint_eq(r.ngaps, 1);
	ck_assert_uint_eq(r.gaps[0].start, 0);
	ck_assert_uint_eq(r.gaps[0].end, ref.len);
	ck_assert(!mc_resume_complete(&r, ref.len));
	mc_data_close(dst, fd);
	mc_stream_free(&ref);
	mc_dev_close(src);
	mc_dev_close(dst);
}
END_TEST

/*
 * Two simulated devices and a stream saved from the first, copied to @shift bytes into
 * page-aligned memory whose pages @bad[] are unreadable: writes from them fail with
 * EFAULT (the device is not poisoned by that), every other byte reaches the device.
 */
struct holed {
	struct mc_dev *src, *dst;
	struct mc_stream ref, s; /* the saved stream; its copy with holes (wrapped) */
	uint8_t *map;
	size_t maplen;
};

static void holed_open(struct holed *h, const unsigned *bad, int nbad, size_t shift)
{
	h->src = dev_open("sim:flags=7");
	h->dst = dev_open("sim:flags=7");
	save_with(h->src, NULL, 0, &h->ref);
	h->maplen = (shift + h->ref.len + 4095) & ~4095ull;
	h->map = mmap(NULL, h->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(h->map != MAP_FAILED);
	ck_assert_int_eq(mc_stream_pread(&h->ref, h->map + shift, h->ref.len, 0),
			 (ssize_t)h->ref.len);
	for (int i = 0; i < nbad; i++)
		ck_assert_int_eq(mprotect(h->map + bad[i] * 4096u, 4096, PROT_NONE), 0);
	mc_stream_wrap(&h->s, h->map + shift, h->ref.len);
}

/* Resume all of the holed copy into the second device; returns SET STOP's result. */
static int holed_resume(struct holed *h, const struct mc_io_opts *o, struct mc_resume_result *r,
			int *wrc)
{
	ck_assert_int_eq(mc_reset(h->dst), 0);
	go(h->dst, S_STOP, NULL);
	return resume_with(h->dst, o, &h->s, 0, h->s.len, r, wrc);
}

static void holed_close(struct holed *h)
{
	mc_stream_free(&h->s);
	munmap(h->map, h->maplen);
	mc_stream_free(&h->ref);
	mc_dev_close(h->src);
	mc_dev_close(h->dst);
}

static bool touches(uint64_t a, uint64_t b, const unsigned *bad, int nbad)
{
	for (int i = 0; i < nbad; i++)
		if (a < (bad[i] + 1) * 4096ull && b > bad[i] * 4096ull)
			return true;
	return false;
}

/*
 * Chunks aligned to the sim's records (list:32/4112): those touching an unreadable page
 * fail with EFAULT, the device takes the others; the final chunk (CONFIG, REGS, END)
 * then fails on the crc. Gaps are exactly those chunks, touching ones merged.
 */
START_TEST(resume_gaps_exact)
{
	static const unsigned bad[] = { 3, 10 };
	struct mc_plan p = plan_of("list:32/4112");
	struct mc_io_opts o = { .plan = &p, .continue_after_error = true };
	struct {
		uint64_t start, end;
	} want[8];
	struct mc_resume_result r;
	uint64_t pos, len, acked = 0, first = ~0ull;
	unsigned nwant = 0, calls = 0;
	struct holed h;
	int rc, wrc;

	holed_open(&h, bad, 2, 0);
	len = h.ref.len;
	ck_assert_uint_eq(len - SIM_HDR - SIM_TAIL, 16 * SIM_PAGE_REC); /* the layout */
	for (pos = 0; pos < len; calls++) {
		uint64_t n = pos ? SIM_PAGE_REC : SIM_HDR;

		n = n < len - pos ? n : len - pos;
		if (touches(pos, pos + n, bad, 2) || pos + n == len) {
			first = first == ~0ull ? pos : first;
			if (nwant && want[nwant - 1].end == pos)
				want[nwant - 1].end = pos + n;
			else
				want[nwant].start = pos, want[nwant++].end = pos + n;
		} else {
			acked += n;
		}
		pos += n;
	}
	ck_assert_uint_eq(nwant, 3);
	rc = holed_resume(&h, &o, &r, &wrc);
	ck_assert_int_eq(wrc, -EFAULT);
	ck_assert_int_eq(r.first_err, -EFAULT);
	ck_assert_uint_eq(r.first_err_off, first);
	ck_assert_uint_eq(r.offered, len);
	ck_assert_uint_eq(r.acked, acked);
	ck_assert_uint_eq(r.calls, calls);
	ck_assert_uint_eq(r.ngaps, nwant);
	for (unsigned i = 0; i < nwant; i++) {
		ck_assert_uint_eq(r.gaps[i].start, want[i].start);
		ck_assert_uint_eq(r.gaps[i].end, want[i].end);
	}
	ck_assert(!r.gaps_truncated);
	ck_assert(!mc_resume_complete(&r, len));
	ck_assert_int_ne(rc, 0);
	holed_close(&h);
}
END_TEST

/*
 * writev:8:512 over an unreadable page: the device takes the segments before it (a
 * short writev), the continuation fails, and only the unwritten tail is unacknowledged.
 */
START_TEST(resume_short_then_fail)
{
	static const unsigned bad[] = { 5 };
	struct mc_plan p = plan_of("writev:8:512");
	struct mc_io_opts o = { .plan = &p };
	struct mc_resume_result r;
	uint64_t chunk = 0, seg;
	struct holed h;
	int rc, wrc;

	/*
	 * The copy starts 1000 bytes into its memory so a 4096-byte chunk straddles the
	 * unreadable page 5 (stream offsets 19480..23575). @chunk is where that chunk
	 * starts, @seg where its first segment touching the page starts (the device takes
	 * every segment before it).
	 */
	holed_open(&h, bad, 1, 1000);
	while (chunk + 4096 <= 5 * 4096u - 1000)
		chunk += 4096;
	for (seg = chunk; seg + 512 <= 5 * 4096u - 1000; seg += 512)
		;
	ck_assert_uint_eq(chunk, 16384);
	ck_assert_uint_eq(seg, 19456);
	for (int cont = 0; cont < 2; cont++) {
		uint64_t sum = 0;

		o.continue_after_error = cont;
		rc = holed_resume(&h, &o, &r, &wrc);
		ck_assert_int_eq(wrc, -EFAULT);
		ck_assert_int_eq(r.first_err, -EFAULT);
		ck_assert_uint_eq(r.first_err_off, seg);
		ck_assert_uint_ge(r.short_calls, 1);
		ck_assert_int_ne(rc, 0);
		if (!cont) {
			ck_assert_uint_eq(r.acked, seg);
			ck_assert_uint_eq(r.offered, chunk + 4096);
			ck_assert_uint_eq(r.ngaps, 0);
			continue;
		}
		ck_assert_uint_ge(r.ngaps, 1);
		ck_assert_uint_eq(r.gaps[0].start, seg);
		ck_assert_uint_ge(r.gaps[0].end, chunk + 4096);
		for (unsigned i = 0; i < r.ngaps; i++)
			sum += r.gaps[i].end - r.gaps[i].start;
		ck_assert_uint_eq(r.acked + sum, h.ref.len); /* every byte accounted */
		ck_assert_uint_eq(r.offered, h.ref.len);
	}
	holed_close(&h);
}
END_TEST

/* ------------------------------------------------------------------ 6. io_uring */

static struct mc_uring *uring_or_skip(void)
{
	struct mc_uring *ur = NULL;
	char why[256] = "";
	int rc = mc_uring_open(&ur, 2, why, sizeof(why));

	if (rc == -EOPNOTSUPP)
		printf("io_uring test skipped: %s\n", why);
	else
		ck_assert_msg(rc == 0, "mc_uring_open: %d %s", rc, why);
	return ur;
}

START_TEST(uring_pipe)
{
	struct mc_uring *ur = uring_or_skip();
	uint8_t src[12000], dst[12000];
	struct iovec iov[3] = { { src, 100 }, { src + 100, 0 }, { src + 100, 2900 } };
	int p[2];

	if (!ur)
		return;
	fill_random(src, sizeof(src), 4);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(mc_uring_write(ur, p[1], src, 5000), 5000);
	ck_assert_int_eq(read(p[0], dst, 5000), 5000);
	ck_assert_mem_eq(dst, src, 5000);
	ck_assert_int_eq(write(p[1], src + 5000, 7000), 7000);
	ck_assert_int_eq(mc_uring_read(ur, p[0], dst, 4000), 4000);
	ck_assert_int_eq(mc_uring_read(ur, p[0], dst + 4000, 8000), 3000); /* short */
	ck_assert_mem_eq(dst, src + 5000, 7000);
	ck_assert_int_eq(mc_uring_writev(ur, p[1], iov, 3), 3000);
	ck_assert_int_eq(read(p[0], dst, sizeof(dst)), 3000);
	ck_assert_mem_eq(dst, src, 3000);
	/* Errors are the syscalls' errors. */
	ck_assert_int_eq(mc_uring_read(ur, p[1], dst, 1), -EBADF);
	ck_assert_int_eq(mc_uring_write(ur, p[0], src, 1), -EBADF);
	close(p[1]);
	ck_assert_int_eq(mc_uring_read(ur, p[0], dst, 10), 0); /* EOF */
	close(p[0]);
	ck_assert_int_eq(mc_uring_read(ur, p[0], dst, 1), -EBADF);
	mc_uring_close(ur);
}
END_TEST

/* A regular file: io_uring calls use and advance the file position like read/write. */
START_TEST(uring_file)
{
	struct mc_uring *ur = uring_or_skip();
	uint8_t src[9000], dst[20000];
	struct iovec iov[3] = { { src + 3000, 1 }, { src + 3001, 2999 }, { src + 6000, 3000 } };
	char path[] = "/tmp/mc-uring-test-XXXXXX";
	int fd;

	if (!ur)
		return;
	fill_random(src, sizeof(src), 5);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(mc_uring_write(ur, fd, src, 1000), 1000);
	ck_assert_int_eq(write(fd, src + 1000, 2000), 2000);
	ck_assert_int_eq(mc_uring_writev(ur, fd, iov, 3), 6000);
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 9000);
	ck_assert_int_eq(pread(fd, dst, sizeof(dst), 0), 9000); /* the file is A|B|C */
	ck_assert_mem_eq(dst, src, 9000);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	memset(dst, 0, sizeof(dst));
	ck_assert_int_eq(mc_uring_read(ur, fd, dst, 1500), 1500);
	ck_assert_int_eq(read(fd, dst + 1500, 2500), 2500);
	ck_assert_int_eq(mc_uring_read(ur, fd, dst + 4000, 16000), 5000); /* short at EOF */
	ck_assert_int_eq(mc_uring_read(ur, fd, dst, 10), 0);
	ck_assert_mem_eq(dst + 1500, src + 1500, 7500);
	close(fd);
	mc_uring_close(ur);
}
END_TEST

START_TEST(uring_depth)
{
	struct mc_uring *ur = uring_or_skip();
	char why[128];

	if (!ur)
		return;
	mc_uring_close(ur);
	for (unsigned d = 0; d <= MC_URING_MAX_DEPTH + 1; d++) {
		int rc = mc_uring_open(&ur, d, why, sizeof(why));

		ck_assert_int_eq(rc, d >= 1 && d <= MC_URING_MAX_DEPTH ? 0 : -EINVAL);
		ck_assert(rc ? ur == NULL : ur != NULL);
		mc_uring_close(ur);
	}
}
END_TEST

/* The simulated device has no kernel fds: io_uring is refused with the reason. */
START_TEST(uring_sim_unavailable)
{
	struct mc_dev *dev = dev_open("sim:flags=7");
	struct mc_io_opts o = { .io = MC_IO_URING };
	struct mc_save_result r;
	struct mc_stream s;
	char why[256] = "";
	int fd;

	ck_assert_int_eq(mc_io_available(dev, MC_IO_RW, why, sizeof(why)), 0);
	ck_assert_int_eq(mc_io_available(dev, MC_IO_URING, why, sizeof(why)), -EOPNOTSUPP);
	ck_assert_msg(strstr(why, "simulated device has no kernel fds"), "%s", why);
	ck_assert_int_eq(mc_io_available(dev, (enum mc_io)7, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(mc_data_rawfd(dev, -1), -EOPNOTSUPP);
	go(dev, S_STOP, NULL);
	go(dev, S_SC, &fd);
	mc_stream_init(&s, 0);
	ck_assert_int_eq(mc_stream_save(dev, fd, &o, &s, &r), -EOPNOTSUPP);
	ck_assert_int_eq(r.end, -EOPNOTSUPP);
	ck_assert_uint_eq(r.calls, 0);
	ck_assert_uint_eq(s.len, 0);
	mc_data_close(dev, fd);
	mc_dev_close(dev);
}
END_TEST

/* io_uring calls are named in the watchdog slot and logged like mc_data_read(). */
START_TEST(uring_oplog)
{
	struct mc_dev *dev = dev_open("sim");
	struct mc_watch w = { 0 };
	char log[4096];

	mc_dev_set_watch(dev, &w);
	mc_dev_oplog_clear(dev);
	mc_dev_op_begin(dev, "io_uring read(fd %d, %zu)", 9, (size_t)4096);
	ck_assert_int_eq(w.in_device, 1);
	ck_assert_str_eq(w.op, "io_uring read(fd 9, 4096)");
	ck_assert_int_eq(mc_dev_op_end(dev, -EAGAIN), -EAGAIN);
	ck_assert_int_eq(w.in_device, 0);
	mc_dev_op_begin(dev, "io_uring write(fd %d, %zu)", 9, (size_t)10);
	ck_assert_int_eq(mc_dev_op_end(dev, 10), 10);
	mc_dev_oplog(dev, log, sizeof(log));
	ck_assert_msg(strstr(log, "io_uring read(fd 9, 4096) = EAGAIN\n"), "%s", log);
	ck_assert_msg(strstr(log, "io_uring write(fd 9, 10) = 10\n"), "%s", log);
	mc_dev_set_watch(dev, NULL);
	mc_dev_close(dev);
}
END_TEST

static Suite *stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, plan_parse_valid);
	tcase_add_test(tc, plan_format_roundtrip);
	tcase_add_test(tc, plan_parse_invalid);
	tcase_add_test(tc, plan_next_covers);
	tcase_add_test(tc, plan_next_reads);
	tcase_add_test(tc, stream_spill_pread);
	tcase_add_test(tc, stream_spill_cmp_slice);
	tcase_add_test(tc, stream_spill_tmpdir);
	tcase_add_test(tc, plans_same_bytes);
	tcase_add_test(tc, plans_same_bytes_spilled);
	tcase_add_test(tc, save_precopy_then_stop_copy);
	tcase_add_test(tc, save_limit);
	tcase_add_test(tc, resume_truncated);
	tcase_add_test(tc, resume_after_session_ended);
	tcase_add_test(tc, resume_gaps_exact);
	tcase_add_test(tc, resume_short_then_fail);
	tcase_add_test(tc, uring_pipe);
	tcase_add_test(tc, uring_file);
	tcase_add_test(tc, uring_depth);
	tcase_add_test(tc, uring_sim_unavailable);
	tcase_add_test(tc, uring_oplog);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(stream_suite)

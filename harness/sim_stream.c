// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated device's migration stream: a lazy producer for save sessions, an
 * incremental byte-order-only parser for resume sessions, and crc32. The stream of a
 * STOP->STOP_COPY save is a pure function of the device state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_uapi.h"
#include "sim.h"

/*
 * Stream format, version 1. Every integer is little endian.
 *
 *   header, 32 bytes:
 *     0  8  magic "MCSIMSTR"
 *     8  4  version (1)
 *    12  4  device id (the id= spec parameter); a resume into another id is refused
 *    16  4  migration flags of the source (informational, not checked; the variant
 *             nondet_stream puts a per-session nonce in bits 8..31)
 *    20  4  page size (4096)
 *    24  8  BAR0 size in bytes; must equal the destination's
 *   then records { u32 type; u32 len; u8 payload[len] }, len exact per type:
 *     1 PAGE    4104  u64 page index (< BAR0 size / 4096), then the 4096 page bytes
 *     2 CONFIG   192  PCI config bytes 0x40..0xFF
 *     3 REGS       8  u64 BAR1 write counter
 *     4 END        4  u32 crc32 (IEEE, as zlib) of every stream byte before the END record
 *
 * A STOP->STOP_COPY save is header, PAGE 0..n-1 in order, CONFIG, REGS, END. A
 * PRE_COPY session first serves the initial chunk (header + every page, each page
 * snapshotted when the cursor reaches it), then PAGE records of pages written after
 * they were sent, lowest index first; entering STOP_COPY appends what is left of both,
 * then CONFIG, REGS, END. Later PAGE records of the same index override earlier ones.
 *
 * The resume side checks every field as soon as its bytes are in: magic byte by byte,
 * version, id, page size, BAR0 size, each record's type and length, each page index.
 * END must carry the right crc and follow at least one PAGE of every index, a CONFIG
 * and a REGS. Anything else, or any byte after END, is invalid: the write fails with
 * EINVAL and the session is poisoned. Nothing reaches the device before RESUMING->STOP.
 */

#define HDR_SIZE 32u
#define REC_HDR 8u
#define REC_PAGE 1u
#define REC_CONFIG 2u
#define REC_REGS 3u
#define REC_END 4u
#define LEN_PAGE (8u + MC_SIM_PAGE)
#define LEN_CONFIG (MC_SIM_CFG_SIZE - MC_SIM_CFG_RW)
#define LEN_REGS 8u
#define LEN_END 4u
#define STREAM_VERSION 1u

static const char magic[8] = { 'M', 'C', 'S', 'I', 'M', 'S', 'T', 'R' };

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
/*
 * CRC by folding with carry-less multiplication (Gopal, Ozturk et al., "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ Instruction", Intel, 2009), for
 * the bit-reflected polynomial 0xedb88320. Four 128-bit lanes are folded 512 bits
 * forward at a time (x^(512+-32) mod P, x^(512+32) mod P), merged into one lane
 * (x^(128+-32), x^(128+32)), reduced to 64 bits (x^64 mod P) and then to 32 by Barrett
 * reduction (P and floor(x^64 / P)), all as 33-bit reflected constants. @crc is the
 * running register (already inverted); @len is a multiple of 16, at least 64.
 * tests/test_sim.c compares mc_sim_crc32 with a bitwise CRC on random buffers.
 */
#include <immintrin.h>

#define CLMUL(a, b, imm) _mm_clmulepi64_si128((a), (b), (imm))

__attribute__((target("pclmul,sse4.1"))) MC_NO_COVERAGE static uint32_t
crc_fold(uint32_t crc, const uint8_t *p, size_t len)
{
	const __m128i k512 = _mm_set_epi64x(0x01c6e41596ll, 0x0154442bd4ll);
	const __m128i k128 = _mm_set_epi64x(0x00ccaa009ell, 0x01751997d0ll);
	const __m128i k64 = _mm_set_epi64x(0, 0x0163cd6124ll);
	const __m128i barrett = _mm_set_epi64x(0x01f7011641ll, 0x01db710641ll);
	const __m128i low32 = _mm_setr_epi32(-1, 0, -1, 0);
	__m128i l0 = _mm_loadu_si128((const __m128i *)p);
	__m128i l1 = _mm_loadu_si128((const __m128i *)(p + 16));
	__m128i l2 = _mm_loadu_si128((const __m128i *)(p + 32));
	__m128i l3 = _mm_loadu_si128((const __m128i *)(p + 48));
	__m128i t;

	l0 = _mm_xor_si128(l0, _mm_cvtsi32_si128((int)crc));
	for (p += 64, len -= 64; len >= 64; p += 64, len -= 64) {
		__m128i *in = (__m128i *)p;

		l0 = _mm_xor_si128(_mm_xor_si128(CLMUL(l0, k512, 0x00), CLMUL(l0, k512, 0x11)),
				   _mm_loadu_si128(in));
		l1 = _mm_xor_si128(_mm_xor_si128(CLMUL(l1, k512, 0x00), CLMUL(l1, k512, 0x11)),
				   _mm_loadu_si128(in + 1));
		l2 = _mm_xor_si128(_mm_xor_si128(CLMUL(l2, k512, 0x00), CLMUL(l2, k512, 0x11)),
				   _mm_loadu_si128(in + 2));
		l3 = _mm_xor_si128(_mm_xor_si128(CLMUL(l3, k512, 0x00), CLMUL(l3, k512, 0x11)),
				   _mm_loadu_si128(in + 3));
	}
	/* Four lanes into one, then the remaining 16-byte blocks. */
	l0 = _mm_xor_si128(_mm_xor_si128(CLMUL(l0, k128, 0x00), CLMUL(l0, k128, 0x11)), l1);
	l0 = _mm_xor_si128(_mm_xor_si128(CLMUL(l0, k128, 0x00), CLMUL(l0, k128, 0x11)), l2);
	l0 = _mm_xor_si128(_mm_xor_si128(CLMUL(l0, k128, 0x00), CLMUL(l0, k128, 0x11)), l3);
	for (; len >= 16; p += 16, len -= 16)
		l0 = _mm_xor_si128(_mm_xor_si128(CLMUL(l0, k128, 0x00), CLMUL(l0, k128, 0x11)),
				   _mm_loadu_si128((const __m128i *)p));
	/* 128 -> 64 bits. */
	l0 = _mm_xor_si128(_mm_srli_si128(l0, 8), CLMUL(l0, k128, 0x10));
	t = _mm_srli_si128(l0, 4);
	l0 = _mm_xor_si128(CLMUL(_mm_and_si128(l0, low32), k64, 0x00), t);
	/* Barrett: 64 -> 32 bits. */
	t = CLMUL(_mm_and_si128(l0, low32), barrett, 0x10);
	t = CLMUL(_mm_and_si128(t, low32), barrett, 0x00);
	return (uint32_t)_mm_extract_epi32(_mm_xor_si128(l0, t), 1);
}

static bool crc_have_fold;
#endif

/* Slicing-by-8 tables: crc_table[0] is the classic byte table. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
#ifdef CLMUL
	crc_have_fold = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
#endif
}

/*
 * Not coverage-instrumented: a checksum loop gives a fuzzer no feedback, and its
 * per-word comparison hooks were half of a fuzz input's time.
 */
MC_NO_COVERAGE
uint32_t mc_sim_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	pthread_once(&crc_once, crc_init);
	crc = ~crc;
#ifdef CLMUL
	if (crc_have_fold && len >= 64) {
		size_t n = len & ~(size_t)15;

		crc = crc_fold(crc, p, n);
		p += n;
		len -= n;
	}
#endif
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				     (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
			      (uint32_t)p[7] << 24;

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint64_t mc_sim_stream_size(const struct mc_sim_dev *dev)
{
	return HDR_SIZE + dev->npages * (REC_HDR + LEN_PAGE) + REC_HDR + LEN_CONFIG + REC_HDR +
	       LEN_REGS + REC_HDR + LEN_END;
}

/* ------------------------------------------------------------------ producer */

enum { PH_HDR, PH_PAGES, PH_DIRTY, PH_CONFIG, PH_REGS, PH_END, PH_DONE };
/* s->phase: the phase in the low byte; above it, whether the session began in pre-copy. */
#define PH_MASK 0xff
#define PH_BORN_PRECOPY 0x100

static int phase(const struct mc_sim_save *s)
{
	return s->phase & PH_MASK;
}

static void set_phase(struct mc_sim_save *s, int ph)
{
	s->phase = (s->phase & ~PH_MASK) | ph;
}

struct mc_sim_save *mc_sim_save_new(struct mc_sim_dev *dev, bool final)
{
	struct mc_sim_save *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->dirty = calloc((dev->npages + 63) / 64, sizeof(uint64_t));
	if (!s->dirty) {
		free(s);
		return NULL;
	}
	s->id = ++dev->next_sess;
	s->final = final;
	s->nonce = MC_SIM_IS(dev, NONDET_STREAM) ? ++dev->nonce : 0;
	s->phase = PH_HDR | (final ? 0 : PH_BORN_PRECOPY);
	s->init_end = HDR_SIZE + dev->npages * (REC_HDR + LEN_PAGE);
	return s;
}

void mc_sim_save_free(struct mc_sim_save *s)
{
	if (!s)
		return;
	free(s->dirty);
	free(s);
}

static void rec_start(struct mc_sim_save *s, uint32_t type, uint32_t len)
{
	put32(s->rec, type);
	put32(s->rec + 4, len);
	s->rec_len = REC_HDR + len;
	s->rec_off = 0;
}

static void rec_page(struct mc_sim_dev *dev, struct mc_sim_save *s, uint64_t page)
{
	rec_start(s, REC_PAGE, LEN_PAGE);
	put64(s->rec + REC_HDR, page);
	memcpy(s->rec + REC_HDR + 8, mc_sim_page(dev, page), MC_SIM_PAGE);
}

static uint64_t first_dirty(const struct mc_sim_dev *dev, const struct mc_sim_save *s)
{
	for (uint64_t w = 0; w < (dev->npages + 63) / 64; w++)
		if (s->dirty[w])
			return w * 64 + (uint64_t)__builtin_ctzll(s->dirty[w]);
	return dev->npages;
}

/* Defect stopcopy_restarts_stream: STOP_COPY serves a whole new image after pre-copy's. */
static void restart_in_stopcopy(const struct mc_sim_dev *dev, struct mc_sim_save *s)
{
	s->phase = PH_HDR; /* also forgets PH_BORN_PRECOPY: this happens once */
	s->cursor = 0;
	s->crc = 0;
	memset(s->dirty, 0, (dev->npages + 63) / 64 * sizeof(uint64_t));
	s->ndirty = 0;
}

/* Generate the next record into s->rec; false at a (temporary or final) end. */
static bool produce(struct mc_sim_dev *dev, struct mc_sim_save *s)
{
	s->rec_dirty = false;
	if (MC_SIM_HAS(dev, STOPCOPY_RESTARTS_STREAM) && s->final && (s->phase & PH_BORN_PRECOPY))
		restart_in_stopcopy(dev, s);
	if (MC_SIM_IS(dev, PRECOPY_EMPTY) && !s->final)
		return false; /* nothing before STOP_COPY */
	switch (phase(s)) {
	case PH_HDR:
		memcpy(s->rec, magic, sizeof(magic));
		put32(s->rec + 8, STREAM_VERSION);
		put32(s->rec + 12, dev->id);
		put32(s->rec + 16, (uint32_t)dev->flags | s->nonce << 8);
		put32(s->rec + 20, MC_SIM_PAGE);
		put64(s->rec + 24, dev->mem_size);
		s->rec_len = HDR_SIZE;
		s->rec_off = 0;
		set_phase(s, PH_PAGES);
		break;
	case PH_PAGES:
		rec_page(dev, s, s->cursor++);
		if (s->cursor == dev->npages)
			set_phase(s, PH_DIRTY);
		break;
	case PH_DIRTY:
		if (s->ndirty) {
			uint64_t page = first_dirty(dev, s);

			mc_sim_clrbit(s->dirty, page);
			s->ndirty--;
			rec_page(dev, s, page);
			s->rec_dirty = true;
			break;
		}
		if (!s->final)
			return false;
		set_phase(s, PH_CONFIG); /* the tail follows the last dirty page */
		__attribute__((fallthrough));
	case PH_CONFIG:
		rec_start(s, REC_CONFIG, LEN_CONFIG);
		memcpy(s->rec + REC_HDR, dev->cfg + MC_SIM_CFG_RW, LEN_CONFIG);
		set_phase(s, PH_REGS);
		break;
	case PH_REGS:
		rec_start(s, REC_REGS, LEN_REGS);
		put64(s->rec + REC_HDR, dev->wcount);
		set_phase(s, PH_END);
		break;
	case PH_END:
		rec_start(s, REC_END, LEN_END);
		put32(s->rec + REC_HDR, s->crc);
		set_phase(s, PH_DONE);
		return true; /* the END record is not part of its own crc */
	default: return false;
	}
	s->crc = mc_sim_crc32(s->crc, s->rec, s->rec_len);
	return true;
}

ssize_t mc_sim_save_read(struct mc_sim_dev *dev, struct mc_sim_save *s, void *ubuf, size_t len)
{
	size_t n = 0;

	if (!len)
		return 0;
	/* Defect eof_not_permanent: a read after EOF starts the stream over. */
	/* Defect read_hangs_at_eof: wait for data that never comes (killable, like a
	 * wait_event_killable() in a driver). */
	while (MC_SIM_HAS(dev, READ_HANGS_AT_EOF) && s->eof_seen)
		pause();
	if (MC_SIM_HAS(dev, EOF_NOT_PERMANENT) && s->eof_seen) {
		restart_in_stopcopy(dev, s);
		s->eof_seen = false;
	}
	/* Defect enomsg_in_stopcopy: the end of the pages looks like pre-copy's end. */
	if (MC_SIM_HAS(dev, ENOMSG_IN_STOPCOPY) && s->final && !s->enomsg_done &&
	    phase(s) == PH_DIRTY && !s->ndirty && s->rec_off == s->rec_len) {
		s->enomsg_done = true;
		return -ENOMSG;
	}
	while (n < len) {
		size_t chunk;

		if (s->rec_off == s->rec_len && !produce(dev, s))
			break;
		chunk = s->rec_len - s->rec_off;
		if (chunk > len - n)
			chunk = len - n;
		/* A fault delivers nothing of this chunk: it is served again next time. */
		if (mc_sim_uwrite((uint8_t *)ubuf + n, s->rec + s->rec_off, chunk))
			return n ? (ssize_t)n : -EFAULT;
		s->rec_off += chunk;
		s->pos += chunk;
		n += chunk;
		/* Defect read_size_dependent: a read ending in a record's first 8 bytes. */
		if (MC_SIM_HAS(dev, READ_SIZE_DEPENDENT) && s->rec_off < REC_HDR)
			s->rec_off = REC_HDR;
	}
	if (n)
		return (ssize_t)n;
	/* Nothing now: end of stream once END is out, else a temporary end (pre-copy). */
	if (phase(s) == PH_DONE) {
		s->eof_seen = true;
		return 0;
	}
	if (MC_SIM_HAS(dev, ENOMSG_AS_EOF))
		return 0;
	return -ENOMSG;
}

void mc_sim_save_info(const struct mc_sim_dev *dev, const struct mc_sim_save *s, uint64_t *initial,
		      uint64_t *dirty)
{
	uint64_t total = s->init_end;

	if (MC_SIM_IS(dev, PRECOPY_EMPTY)) {
		*initial = *dirty = 0;
		return;
	}
	if (MC_SIM_HAS(dev, INITIAL_BYTES_COUNTS_TAIL))
		total = mc_sim_stream_size(dev);
	*initial = s->pos < total ? total - s->pos : 0;
	*dirty = s->ndirty * (REC_HDR + LEN_PAGE) + (s->rec_dirty ? s->rec_len - s->rec_off : 0);
	if (MC_SIM_HAS(dev, INITIAL_BYTES_GROWS) && *initial && !s->rec_dirty)
		*initial += s->rec_len - s->rec_off;
	if (MC_SIM_HAS(dev, DIRTY_NONZERO_AT_START))
		*dirty += REC_HDR + LEN_PAGE;
}

void mc_sim_save_touch(const struct mc_sim_dev *dev, struct mc_sim_save *s, uint64_t off,
		       uint64_t len)
{
	if (!len || phase(s) > PH_DIRTY)
		return;
	for (uint64_t p = off / MC_SIM_PAGE; p <= (off + len - 1) / MC_SIM_PAGE; p++) {
		/* A page not yet snapshotted is simply sent later with its new contents. */
		if (p >= dev->npages || p >= s->cursor || mc_sim_bit(s->dirty, p))
			continue;
		mc_sim_setbit(s->dirty, p);
		s->ndirty++;
	}
}

void mc_sim_save_reinit(struct mc_sim_dev *dev, struct mc_sim_save *s)
{
	if (s->final || phase(s) == PH_HDR || phase(s) > PH_DIRTY || MC_SIM_IS(dev, PRECOPY_EMPTY))
		return;
	if (!dev->precopy_v2 && !MC_SIM_HAS(dev, REINIT_WITHOUT_OPTIN)) {
		/* A v1 caller cannot be told: initial_bytes must not grow, dirty_bytes may. */
		mc_sim_save_touch(dev, s, 0, dev->mem_size);
		return;
	}
	/*
	 * The record being served is finished first (the stream stays whole), then every
	 * page again; the parser lets later PAGE records override earlier ones. The new
	 * image covers whatever was dirty.
	 */
	s->init_end = s->pos + (s->rec_len - s->rec_off) + dev->npages * (REC_HDR + LEN_PAGE);
	s->cursor = 0;
	set_phase(s, PH_PAGES);
	s->rec_dirty = false;
	if (!MC_SIM_HAS(dev, REINIT_KEEPS_DIRTY)) {
		memset(s->dirty, 0, (dev->npages + 63) / 64 * sizeof(uint64_t));
		s->ndirty = 0;
	}
	s->reinit = true;
}

/* ------------------------------------------------------------------ parser */

enum { RP_HDR, RP_RHDR, RP_PAGEIDX, RP_PAGEDATA, RP_CONFIG, RP_REGS, RP_END, RP_DONE };

struct mc_sim_resume *mc_sim_resume_new(struct mc_sim_dev *dev)
{
	struct mc_sim_resume *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->got = calloc((dev->npages + 63) / 64, sizeof(uint64_t));
	r->seen = calloc((dev->npages + 63) / 64, sizeof(uint64_t));
	if (!r->got || !r->seen) {
		free(r->got);
		free(r->seen);
		free(r);
		return NULL;
	}
	r->id = ++dev->next_sess;
	r->phase = RP_HDR;
	return r;
}

void mc_sim_resume_free(struct mc_sim_dev *dev, struct mc_sim_resume *r)
{
	if (!r)
		return;
	if (!dev->mem_spare)
		dev->mem_spare = r->mem;
	else
		free(r->mem);
	free(r->got);
	free(r->seen);
	free(r);
}

/* Header field checks, run as soon as byte @n (1-based) of the header is in. */
static bool hdr_byte_ok(const struct mc_sim_dev *dev, const uint8_t *h, size_t n)
{
	if (n <= sizeof(magic))
		return h[n - 1] == (uint8_t)magic[n - 1];
	switch (n) {
	case 12: return get32(h + 8) == STREAM_VERSION;
	case 16: return get32(h + 12) == dev->id || MC_SIM_HAS(dev, FOREIGN_ACCEPTED);
	case 24: return get32(h + 20) == MC_SIM_PAGE;
	case 32: return get64(h + 24) == dev->mem_size;
	default: return true;
	}
}

static bool rec_len_ok(uint32_t type, uint32_t len)
{
	static const uint32_t want[] = {
		[REC_PAGE] = LEN_PAGE,
		[REC_CONFIG] = LEN_CONFIG,
		[REC_REGS] = LEN_REGS,
		[REC_END] = LEN_END,
	};

	return len == want[type];
}

/* Start a record's payload once its 8-byte header is in; false when invalid. */
static bool rec_begin(struct mc_sim_resume *r)
{
	static const int phase_of[] = {
		[REC_PAGE] = RP_PAGEIDX,
		[REC_CONFIG] = RP_CONFIG,
		[REC_REGS] = RP_REGS,
		[REC_END] = RP_END,
	};

	r->rlen = get32(r->hdr + 4);
	if (!rec_len_ok(r->rtype, r->rlen))
		return false;
	r->phase = phase_of[r->rtype];
	r->have = 0;
	return true;
}

/* A small field of @need bytes: collect into r->hdr, true when complete. */
static bool collect(struct mc_sim_resume *r, const uint8_t **p, size_t *len, size_t need)
{
	size_t n = need - r->have;

	if (n > *len)
		n = *len;
	memcpy(r->hdr + r->have, *p, n);
	r->crc = mc_sim_crc32(r->crc, *p, n);
	r->have += n;
	*p += n;
	*len -= n;
	return r->have == need;
}

static void next_record(struct mc_sim_resume *r)
{
	r->phase = RP_RHDR;
	r->have = 0;
	r->crc_rec = r->crc;
}

/* A PAGE record's payload: the index, then the bytes straight into the staged image. */
static int parse_page(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t **p,
		      size_t *len)
{
	size_t n;

	if (r->phase == RP_PAGEIDX) {
		if (!collect(r, p, len, 8))
			return 0;
		r->page = get64(r->hdr);
		if (r->page >= dev->npages)
			return -EINVAL;
		/*
		 * Staging memory: the image the last swap replaced when there is one (its
		 * pages are already faulted in, which for a large device is most of a
		 * resume's cost), else a new one. Each page is zeroed when its first
		 * record starts, so the staging reads as zeroes wherever nothing arrived.
		 */
		if (!r->mem) {
			r->mem = dev->mem_spare;
			dev->mem_spare = NULL;
		}
		if (!r->mem && !(r->mem = malloc(dev->mem_size)))
			return -ENOMEM;
		if (!mc_sim_bit(r->seen, r->page)) {
			memset(r->mem + r->page * MC_SIM_PAGE, 0, MC_SIM_PAGE);
			mc_sim_setbit(r->seen, r->page);
		}
		r->phase = RP_PAGEDATA;
		r->have = 0;
		return 0;
	}
	n = MC_SIM_PAGE - r->have;
	n = n > *len ? *len : n;
	memcpy(r->mem + r->page * MC_SIM_PAGE + r->have, *p, n);
	r->crc = mc_sim_crc32(r->crc, *p, n);
	r->have += n;
	*p += n;
	*len -= n;
	if (r->have == MC_SIM_PAGE) {
		if (!mc_sim_bit(r->got, r->page))
			r->ngot++;
		mc_sim_setbit(r->got, r->page);
		next_record(r);
	}
	return 0;
}

/* One step of the parser; consumes at least one byte. 0, -EINVAL or -ENOMEM. */
static int parse_step(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t **p,
		      size_t *len)
{
	switch (r->phase) {
	case RP_HDR:
		/* Byte by byte, each judged as it arrives, as far as this write goes. */
		do {
			collect(r, p, len, r->have + 1);
			if (!hdr_byte_ok(dev, r->hdr, r->have))
				return -EINVAL;
		} while (*len && r->have < HDR_SIZE);
		if (r->have == HDR_SIZE)
			next_record(r);
		return 0;
	case RP_RHDR:
		do {
			collect(r, p, len, r->have + 1);
			if (r->have == 4) {
				r->rtype = get32(r->hdr);
				if (r->rtype < REC_PAGE || r->rtype > REC_END)
					return -EINVAL;
			}
		} while (*len && r->have < REC_HDR);
		return r->have == REC_HDR && !rec_begin(r) ? -EINVAL : 0;
	case RP_PAGEIDX:
	case RP_PAGEDATA: return parse_page(dev, r, p, len);
	case RP_CONFIG:
		if (!collect(r, p, len, LEN_CONFIG))
			return 0;
		memcpy(r->cfg + MC_SIM_CFG_RW, r->hdr, LEN_CONFIG);
		r->got_cfg = true;
		next_record(r);
		return 0;
	case RP_REGS:
		if (!collect(r, p, len, LEN_REGS))
			return 0;
		r->wcount = get64(r->hdr);
		r->got_regs = true;
		next_record(r);
		return 0;
	case RP_END:
		if (!collect(r, p, len, LEN_END))
			return 0;
		/* The right crc, after every page, CONFIG and REGS. */
		if ((get32(r->hdr) != r->crc_rec && !MC_SIM_HAS(dev, FAILED_WRITE_COUNTS)) ||
		    r->ngot != dev->npages || !r->got_cfg || !r->got_regs)
			return -EINVAL;
		r->phase = RP_DONE;
		r->done = true;
		return 0;
	default: return -EINVAL; /* a byte after END */
	}
}

int mc_sim_resume_feed(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t *p,
		       size_t len)
{
	return mc_sim_resume_feed_part(dev, r, p, len, true, true);
}

int mc_sim_resume_feed_part(struct mc_sim_dev *dev, struct mc_sim_resume *r, const uint8_t *p,
			    size_t len, bool first, bool last)
{
	if (r->poisoned)
		return -EINVAL;
	/* Defect header_needs_one_write: the header is only taken whole, from one write. */
	if (MC_SIM_HAS(dev, HEADER_NEEDS_ONE_WRITE) && first && r->phase == RP_HDR &&
	    (r->have || len < HDR_SIZE)) {
		r->poisoned = true;
		return -EINVAL;
	}
	r->nbytes += len;
	if (r->lenient)
		return 0;
	/* Defect resume_split_header: a record header restarts at every write. */
	if (MC_SIM_HAS(dev, RESUME_SPLIT_HEADER) && first && r->phase == RP_RHDR)
		r->have = 0;
	while (len) {
		int ret = parse_step(dev, r, &p, &len);

		if (ret && MC_SIM_HAS(dev, REJECTED_WRITE_COUNTS) && ret == -EINVAL) {
			r->lenient = true; /* the bytes count, the error is returned */
			return ret;
		}
		if (!ret && !len && last && MC_SIM_HAS(dev, DROPS_SPLIT_BYTES) &&
		    r->phase == RP_PAGEDATA && r->have) {
			/* Defect drops_split_bytes: the page is taken as it is. */
			if (!mc_sim_bit(r->got, r->page))
				r->ngot++;
			mc_sim_setbit(r->got, r->page);
			next_record(r);
		}
		if (ret) {
			/* The write fails as a whole; the session can never complete. */
			r->poisoned = true;
			r->done = false;
			return ret;
		}
	}
	return 0;
}

/* Defect failed_write_counts: advance the parser over @len bytes that never arrived. */
int mc_sim_resume_skip(struct mc_sim_dev *dev, struct mc_sim_resume *r, size_t len)
{
	static const uint8_t zero[256];
	int ret = 0;

	while (len && !ret) {
		size_t n = len < sizeof(zero) ? len : sizeof(zero);

		ret = mc_sim_resume_feed(dev, r, zero, n);
		len -= n;
	}
	return ret;
}

int mc_sim_resume_apply(struct mc_sim_dev *dev, struct mc_sim_resume *r)
{
	if (r->lenient)
		return r->nbytes >= mc_sim_stream_size(dev) ? 0 : -EINVAL;
	/* Defect end_optional: stopped before or inside END, after everything else. */
	if (MC_SIM_HAS(dev, END_OPTIONAL) && !r->poisoned && !r->done &&
	    (r->phase == RP_RHDR || r->phase == RP_END) && r->ngot == dev->npages && r->got_cfg &&
	    r->got_regs)
		r->done = true;
	if (r->poisoned || (!r->done && !MC_SIM_HAS(dev, TRUNCATED_ACCEPTED)))
		return -EINVAL;
	if (!r->done) {
		/* Defect truncated_accepted: apply the pages that arrived, and the rest. */
		for (uint64_t pg = 0; r->mem && pg < dev->npages; pg++)
			if (mc_sim_bit(r->got, pg))
				memcpy(mc_sim_page(dev, pg), r->mem + pg * MC_SIM_PAGE,
				       MC_SIM_PAGE);
	} else {
		/* Every page arrived, so the staged image is complete: swap it in. */
		free(dev->mem_spare);
		dev->mem_spare = dev->mem;
		dev->mem = r->mem;
		r->mem = NULL;
		memset(dev->born, 0xff, (dev->npages + 63) / 64 * sizeof(uint64_t));
	}
	if (r->got_cfg)
		memcpy(dev->cfg + MC_SIM_CFG_RW, r->cfg + MC_SIM_CFG_RW, LEN_CONFIG);
	if (r->got_regs && !MC_SIM_HAS(dev, REGS_NOT_RESTORED))
		dev->wcount = r->wcount;
	dev->regs_restored = r->got_regs && MC_SIM_HAS(dev, RESTORED_REGS_UNREADABLE);
	return 0;
}

long mc_sim_stream_bounds(const uint8_t *s, size_t len, uint64_t *out, size_t max)
{
	uint64_t off = HDR_SIZE;
	long n = 0;

	if (len < HDR_SIZE || memcmp(s, magic, sizeof(magic)))
		return -EINVAL;
	while (off < len) {
		uint32_t type, rlen;

		if ((size_t)n < max)
			out[n] = off;
		n++;
		if (len - off < REC_HDR)
			return -EINVAL;
		type = get32(s + off);
		rlen = get32(s + off + 4);
		if (type < REC_PAGE || type > REC_END || !rec_len_ok(type, rlen) ||
		    len - off - REC_HDR < rlen)
			return -EINVAL;
		off += REC_HDR + rlen;
	}
	return n;
}

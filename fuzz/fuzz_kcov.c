// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-coverage guidance (fuzz_kcov.h): KCOV of the thread that runs the inputs, kept to
 * the driver module, mdev and the VFIO core, mapped onto the engine's counters after each
 * input. One input in $MIGCHECK_FUZZ_KCOV_CMP is traced in CMP mode instead (a thread has
 * one KCOV enabled at a time): its comparisons go to the engine's comparison hooks and
 * its comparison sites to their own counters. New PCs are appended to
 * $MIGCHECK_FUZZ_KCOV_LOG as "<unix time> <PC-list line>" (kcov.h's format), after the
 * process's ranges as "0 # range <name> 0x<start> 0x<end> load 0x<runtime start>".
 * With $MIGCHECK_FUZZ_KCOV_KMSG=1 each of those lines is also a /dev/kmsg record
 * "migcheck-kcov: <line>": a guest that panics replays its kernel log to the serial
 * console (panic_print), so the campaign's coverage up to the panic survives it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "fuzz.h"
#include "fuzz_kcov.h"

#define CMP_EVERY_DEFAULT 8
#define LOG_BUF 65536

struct mc_fuzz_kcov {
	enum mc_fuzz_kcov_mode mode;
	struct mc_kcov *pc, *cmp; /* cmp: NULL when comparisons are not traced */
	struct mc_kcov *on;	  /* the one enabled for this input */
	unsigned cmp_every;
	unsigned long inputs;
	struct mc_kcov_ranges rs;
	struct mc_pcset seen;
	struct mc_kcov_symtab *st;
	int log_fd, kmsg_fd;
	size_t log_len;
	char log[LOG_BUF];
};

static struct mc_fuzz_sink sink;

void mc_fuzz_kcov_set_sink(const struct mc_fuzz_sink *s)
{
	sink = s ? *s : (struct mc_fuzz_sink){ 0 };
}

/* ---------------------------------------------------------------- mapping */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

size_t mc_fuzz_kcov_index(enum mc_fuzz_kcov_region region, unsigned ri, uint64_t prev, uint64_t off,
			  size_t len)
{
	size_t lo = 0, n = len;
	uint64_t h = mix((uint64_t)(ri + 1) << 56 ^ off);

	if (len >= 16) {
		size_t half = len / 2, eighth = len / 8;

		lo = region == MC_FUZZ_KCOV_R_PC   ? 0 :
		     region == MC_FUZZ_KCOV_R_EDGE ? half :
						     len - eighth;
		n = region == MC_FUZZ_KCOV_R_PC	  ? half :
		    region == MC_FUZZ_KCOV_R_EDGE ? len - half - eighth :
						    eighth;
	}
	if (region == MC_FUZZ_KCOV_R_EDGE)
		h = mix(h + mix(prev * 0x9e3779b97f4a7c15ull + 1));
	else if (region == MC_FUZZ_KCOV_R_CMP)
		h = mix(h ^ 0xc3c3c3c3c3c3c3c3ull);
	return lo + (size_t)(h % n);
}

static void bump(uint8_t *map, size_t i)
{
	map[i] += map[i] != 255;
}

size_t mc_fuzz_kcov_map_pcs(const struct mc_kcov_ranges *rs, const uint64_t *pc, size_t n,
			    uint8_t *map, size_t len)
{
	uint64_t prev = 0; /* (range << 56 | offset) + 1 of the last in-range PC, 0: none */
	size_t in = 0;

	for (size_t i = 0; i < n; i++) {
		int ri = mc_kcov_range_of(rs, pc[i]);
		uint64_t off;

		if (ri < 0)
			continue;
		in++;
		off = pc[i] - rs->r[ri].start;
		bump(map, mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_PC, (unsigned)ri, 0, off, len));
		if (prev)
			bump(map,
			     mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_EDGE, (unsigned)ri, prev, off, len));
		prev = ((uint64_t)ri << 56 | off) + 1;
	}
	return in;
}

size_t mc_fuzz_kcov_map_cmps(const struct mc_kcov_ranges *rs, const uint64_t *rec, size_t n,
			     uint8_t *map, size_t len, mc_fuzz_cmp_fn cmp)
{
	size_t in = 0;

	for (size_t i = 0; i < n; i++) {
		const uint64_t *r = rec + 4 * i;
		int ri = mc_kcov_range_of(rs, r[3]);
		uint64_t off;

		if (ri < 0)
			continue;
		in++;
		off = r[3] - rs->r[ri].start;
		if (map)
			bump(map,
			     mc_fuzz_kcov_index(MC_FUZZ_KCOV_R_CMP, (unsigned)ri, 0, off, len));
		if (cmp)
			cmp(mix((uint64_t)(ri + 1) << 56 ^ off), r[1], r[2],
			    MC_KCOV_CMP_SIZE((unsigned)r[0]), r[0] & MC_KCOV_CMP_CONST);
	}
	return in;
}

/* ---------------------------------------------------------------- the process's state */

/* The mode $MIGCHECK_FUZZ_KCOV asks for, given whether the engine has a sink. */
static enum mc_fuzz_kcov_mode env_mode_for(bool have_sink)
{
	const char *v = getenv("MIGCHECK_FUZZ_KCOV");

	if (!v || !*v)
		return have_sink ? MC_FUZZ_KCOV_GUIDE : MC_FUZZ_KCOV_OFF;
	if (!strcmp(v, "0") || !strcmp(v, "off"))
		return MC_FUZZ_KCOV_OFF;
	if (!strcmp(v, "measure"))
		return MC_FUZZ_KCOV_MEASURE;
	return have_sink ? MC_FUZZ_KCOV_GUIDE : MC_FUZZ_KCOV_MEASURE;
}

static enum mc_fuzz_kcov_mode env_mode(void)
{
	return env_mode_for(sink.map != NULL);
}

bool mc_fuzz_kcov_wanted(const char *spec)
{
	struct mc_devspec ds;
	char err[256];

	if (env_mode_for(true) != MC_FUZZ_KCOV_GUIDE ||
	    mc_devspec_parse(spec && *spec ? spec : MC_FUZZ_DEFAULT_DEVICE, &ds, err,
			     sizeof(err)) ||
	    !strcmp(ds.kind, "sim"))
		return false;
	return access(MC_KCOV_PATH, R_OK | W_OK) == 0;
}

/*
 * The driver module, mdev, and the VFIO core where each is, and their symbols when @st:
 * from one read of kallsyms, under $MIGCHECK_FUZZ_KCOV_PROC when set (a copy the campaign
 * took once: a debug kernel's /proc/kallsyms takes seconds to produce under TCG, and a
 * campaign starts a process again after each new finding), else /proc. The first process
 * cuts that copy down to the spans it used (mc_kallsyms_write_spans()), so every later
 * one parses a few hundred lines. -ENOENT without the driver's module.
 */
static int add_ranges(struct mc_kcov_ranges *rs, struct mc_kcov_symtab **st, const char *driver)
{
	static const char *const core[] = { "vfio_", NULL };
	static const char *const mods[] = { "mdev", "vfio", "vfio_iommu_type1", "vfio_pci_core" };
	const char *proc = getenv("MIGCHECK_FUZZ_KCOV_PROC");
	struct mc_kallsyms *ks;
	char mod[64];
	int rc;

	snprintf(mod, sizeof(mod), "%s", driver);
	for (char *p = mod; *p; p++)
		*p = *p == '-' ? '_' : *p;
	rc = mc_kallsyms_read(&ks, proc && *proc ? proc : NULL);
	if (rc)
		return rc;
	rc = mc_kallsyms_add_module(rs, ks, mod);
	if (rc)
		goto out;
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (strcmp(mods[i], mod))
			mc_kallsyms_add_module(rs, ks, mods[i]); /* where loaded */
	mc_kallsyms_add_kernel(rs, ks, core); /* built in (the debug kernel's VFIO core) */
	if (st)
		mc_kallsyms_symtab(st, rs, ks);
	/* The copy becomes what the next process needs: hundreds of lines, not 100,000s. */
	if (proc && *proc) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/kallsyms", proc);
		mc_kallsyms_write_spans(ks, rs, path);
	}
out:
	mc_kallsyms_free(ks);
	return rc;
}

static void log_flush(struct mc_fuzz_kcov *kc);

/* The ranges as PC lists head them ("# range <name> 0x<start> 0x<end> load 0x<runtime>"), at time 0. */
static void log_ranges(struct mc_fuzz_kcov *kc)
{
	for (int i = 0; i < kc->rs.n; i++) {
		const struct mc_kcov_range *r = &kc->rs.r[i];

		kc->log_len +=
			(size_t)snprintf(kc->log + kc->log_len, sizeof(kc->log) - kc->log_len,
					 "0 # range %s 0x%llx 0x%llx load 0x%llx\n", r->name,
					 (unsigned long long)r->start, (unsigned long long)r->end,
					 (unsigned long long)r->load);
	}
	log_flush(kc);
}

int mc_fuzz_kcov_open(struct mc_fuzz_kcov **kp, const char *driver, char *err, size_t errlen)
{
	enum mc_fuzz_kcov_mode mode = env_mode();
	const char *every = getenv("MIGCHECK_FUZZ_KCOV_CMP");
	const char *log = getenv("MIGCHECK_FUZZ_KCOV_LOG");
	const char *mirror = getenv("MIGCHECK_FUZZ_KCOV_KMSG");
	struct mc_fuzz_kcov *kc;
	int rc;

	*kp = NULL;
	if (mode == MC_FUZZ_KCOV_OFF)
		return 0;
	kc = calloc(1, sizeof(*kc));
	if (!kc)
		return -ENOMEM;
	kc->mode = mode;
	kc->log_fd = -1;
	kc->kmsg_fd = -1;
	kc->cmp_every = every && *every ? (unsigned)strtoul(every, NULL, 0) : CMP_EVERY_DEFAULT;
	rc = add_ranges(&kc->rs, log && *log ? &kc->st : NULL, driver);
	if (rc) {
		snprintf(err, errlen, "kernel coverage: no text of module %s in /proc (%s)", driver,
			 strerror(-rc));
		goto out_free;
	}
	/* The CMP buffer first: the PC one is enabled last and stays so between inputs. */
	if (mode == MC_FUZZ_KCOV_GUIDE && sink.cmp && kc->cmp_every &&
	    !mc_kcov_open(&kc->cmp, MC_KCOV_CMP, 0) && mc_kcov_enable(kc->cmp, false)) {
		mc_kcov_close(kc->cmp);
		kc->cmp = NULL;
	}
	rc = mc_kcov_open(&kc->pc, MC_KCOV_PC, 0);
	if (rc) {
		snprintf(err, errlen, "kernel coverage: KCOV: %s", strerror(-rc));
		goto out_close_cmp;
	}
	kc->on = kc->pc;
	if (log && *log) {
		kc->log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (kc->log_fd >= 0 && mirror && !strcmp(mirror, "1"))
			kc->kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		log_ranges(kc);
	}
	*kp = kc;
	return 0;
out_close_cmp:
	mc_kcov_close(kc->cmp);
out_free:
	free(kc);
	return rc;
}

/* Switch the thread's enabled KCOV to @to (the other is disabled first). */
static void switch_to(struct mc_fuzz_kcov *kc, struct mc_kcov *to)
{
	if (kc->on == to)
		return;
	if (mc_kcov_enable(kc->on, false) || mc_kcov_enable(to, true)) {
		mc_kcov_enable(kc->pc, true); /* keep PCs whatever failed */
		kc->on = kc->pc;
		return;
	}
	kc->on = to;
}

void mc_fuzz_kcov_begin(struct mc_fuzz_kcov *kc)
{
	if (!kc)
		return;
	kc->inputs++;
	switch_to(kc, kc->cmp && kc->inputs % kc->cmp_every == 0 ? kc->cmp : kc->pc);
	mc_kcov_reset(kc->on);
}

/* Each line of the buffer as a kernel-log record of its own. */
static void log_kmsg(struct mc_fuzz_kcov *kc)
{
	for (size_t at = 0; at < kc->log_len;) {
		const char *nl = memchr(kc->log + at, '\n', kc->log_len - at);
		size_t len = nl ? (size_t)(nl - kc->log - at) + 1 : kc->log_len - at;
		char rec[512];
		int n = snprintf(rec, sizeof(rec), "<6>migcheck-kcov: %.*s", (int)len,
				 kc->log + at);

		if (n > 0 && write(kc->kmsg_fd, rec,
				   (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1) < 0) {
			close(kc->kmsg_fd); /* no permission: stop mirroring */
			kc->kmsg_fd = -1;
			return;
		}
		at += len;
	}
}

static void log_flush(struct mc_fuzz_kcov *kc)
{
	if (kc->log_len && kc->kmsg_fd >= 0)
		log_kmsg(kc);
	if (kc->log_len && kc->log_fd >= 0 && write(kc->log_fd, kc->log, kc->log_len) < 0) {
		close(kc->log_fd); /* results disk full: stop logging, keep guiding */
		kc->log_fd = -1;
	}
	kc->log_len = 0;
}

/* Add the input's in-range PCs to the process's set; log the new ones. */
static void note_pcs(struct mc_fuzz_kcov *kc, const uint64_t *pc, size_t n)
{
	long long now = (long long)time(NULL);

	for (size_t i = 0; i < n; i++) {
		uint64_t p = pc[i];
		char line[256];

		if (mc_kcov_range_of(&kc->rs, p) < 0 || mc_pcset_add(&kc->seen, p) != 1 ||
		    kc->log_fd < 0)
			continue;
		mc_kcov_pc_line(kc->st, &kc->rs, p, line, sizeof(line));
		if (kc->log_len + strlen(line) + 32 > sizeof(kc->log))
			log_flush(kc);
		kc->log_len += (size_t)snprintf(kc->log + kc->log_len,
						sizeof(kc->log) - kc->log_len, "%lld %s\n", now,
						line);
	}
	log_flush(kc);
}

void mc_fuzz_kcov_end(struct mc_fuzz_kcov *kc)
{
	const uint64_t *rec;
	bool overflow;
	size_t n;

	if (!kc)
		return;
	n = mc_kcov_take(kc->on, &rec, &overflow);
	/* A comparison's PC is not a block's: the PC set counts PC-mode inputs only. */
	if (kc->on == kc->cmp) {
		if (kc->mode == MC_FUZZ_KCOV_GUIDE && sink.map)
			mc_fuzz_kcov_map_cmps(&kc->rs, rec, n, sink.map, sink.len, sink.cmp);
		return;
	}
	note_pcs(kc, rec, n);
	if (kc->mode == MC_FUZZ_KCOV_GUIDE && sink.map)
		mc_fuzz_kcov_map_pcs(&kc->rs, rec, n, sink.map, sink.len);
}

size_t mc_fuzz_kcov_pcs(const struct mc_fuzz_kcov *kc)
{
	return kc ? kc->seen.n : 0;
}

void mc_fuzz_kcov_close(struct mc_fuzz_kcov *kc)
{
	if (!kc)
		return;
	log_flush(kc);
	if (kc->log_fd >= 0)
		close(kc->log_fd);
	if (kc->kmsg_fd >= 0)
		close(kc->kmsg_fd);
	mc_kcov_close(kc->pc);
	mc_kcov_close(kc->cmp);
	mc_kcov_symtab_free(kc->st);
	mc_pcset_free(&kc->seen);
	free(kc);
}

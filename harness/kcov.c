// SPDX-License-Identifier: GPL-2.0-only
/*
 * KCOV for the calling thread (Documentation/dev-tools/kcov.rst): open, size, mmap and
 * enable one buffer; reset it before the operations of interest and take what they traced.
 * Ranges of code under test come from kallsyms, so no vmlinux is needed in the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "file.h"
#include "kcov.h"

#define KCOV_INIT_TRACE _IOR('c', 1, unsigned long)
#define KCOV_ENABLE _IO('c', 100)
#define KCOV_DISABLE _IO('c', 101)

#define KCOV_DEFAULT_WORDS (1u << 20)
#define START_KERNEL 0xffffffff81000000ull /* __START_KERNEL_map + __PHYSICAL_START */

struct mc_kcov {
	int fd;
	enum mc_kcov_mode mode;
	size_t words;
	uint64_t *area; /* area[0]: records so far; then the records */
};

int mc_kcov_open(struct mc_kcov **k, enum mc_kcov_mode mode, size_t words)
{
	struct mc_kcov *kc;
	int rc;

	*k = NULL;
	kc = calloc(1, sizeof(*kc));
	if (!kc)
		return -ENOMEM;
	kc->mode = mode;
	kc->words = words ? words : KCOV_DEFAULT_WORDS;
	kc->fd = open(MC_KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (kc->fd < 0) {
		rc = errno == EACCES || errno == EPERM ? -errno : -ENOENT;
		goto out_free;
	}
	if (ioctl(kc->fd, KCOV_INIT_TRACE, (unsigned long)kc->words)) {
		rc = -errno;
		goto out_close_fd;
	}
	kc->area = mmap(NULL, kc->words * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED,
			kc->fd, 0);
	if (kc->area == MAP_FAILED) {
		rc = -errno;
		goto out_close_fd;
	}
	if (ioctl(kc->fd, KCOV_ENABLE, (unsigned long)mode)) {
		rc = -errno;
		goto out_unmap;
	}
	__atomic_store_n(&kc->area[0], 0, __ATOMIC_RELAXED);
	*k = kc;
	return 0;
out_unmap:
	munmap(kc->area, kc->words * sizeof(uint64_t));
out_close_fd:
	close(kc->fd);
out_free:
	free(kc);
	return rc;
}

void mc_kcov_close(struct mc_kcov *k)
{
	if (!k)
		return;
	ioctl(k->fd, KCOV_DISABLE, 0);
	munmap(k->area, k->words * sizeof(uint64_t));
	close(k->fd);
	free(k);
}

int mc_kcov_enable(struct mc_kcov *k, bool on)
{
	if (ioctl(k->fd, on ? KCOV_ENABLE : KCOV_DISABLE, on ? (unsigned long)k->mode : 0))
		return -errno;
	return 0;
}

void mc_kcov_reset(struct mc_kcov *k)
{
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

size_t mc_kcov_take(struct mc_kcov *k, const uint64_t **rec, bool *overflow)
{
	size_t per = k->mode == MC_KCOV_CMP ? 4 : 1;
	size_t max = (k->words - 1) / per;
	size_t n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);

	/* The kernel stops writing when the next record would not fit, so n == max is full. */
	*overflow = n >= max;
	if (n > max)
		n = max;
	*rec = k->area + 1;
	return n;
}

/* ---------------------------------------------------------------- kallsyms, read once */

/* A text symbol of kallsyms; name and mod point into the read buffer. */
struct mc_ksym {
	uint64_t addr;
	const char *name, *mod; /* mod: "" for built-in */
};
struct mc_kallsyms {
	char *buf;
	struct mc_ksym *sym; /* text symbols in file order */
	size_t n;
	uint64_t text, etext; /* built-in _text and _etext, 0 when absent */
};

static bool is_text(char type)
{
	return type == 't' || type == 'T';
}

/* kallsyms of a debug kernel is a few MiB; anything past this is not kallsyms */
#define KALLSYMS_MAX (256u << 20)

/*
 * Parse "ADDR TYPE NAME [MOD]" at *@p in place (NAME and MOD NUL-terminated) and move *@p
 * to the next line; false for a line that is not one.
 */
static bool parse_line(char **p, uint64_t *addr, char *type, const char **name, const char **mod)
{
	char *s = *p, *e, *nl = strchr(s, '\n');

	if (nl)
		*nl = '\0';
	*p = nl ? nl + 1 : s + strlen(s);
	*addr = strtoull(s, &e, 16);
	if (e == s || (*e != ' ' && *e != '\t'))
		return false;
	while (*e == ' ' || *e == '\t')
		e++;
	*type = *e;
	if (!*e || (e[1] != ' ' && e[1] != '\t'))
		return false;
	for (e += 2; *e == ' ' || *e == '\t'; e++)
		;
	*name = e;
	e += strcspn(e, " \t");
	*mod = "";
	if (*e) {
		*e++ = '\0';
		e += strspn(e, " \t");
		if (*e == '[') {
			*mod = ++e;
			e[strcspn(e, "]")] = '\0';
		}
	}
	return **name != '\0';
}

int mc_kallsyms_read(struct mc_kallsyms **out, const char *proc_root)
{
	char path[512], *p;
	struct mc_kallsyms *ks;
	size_t len, cap = 0;
	int rc;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/kallsyms", proc_root ? proc_root : "/proc");
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return -ENOMEM;
	/* mc_file_read reads to EOF: proc files say size 0 */
	rc = mc_file_read(path, KALLSYMS_MAX, 0, &ks->buf, &len);
	if (rc) {
		free(ks);
		return rc == -ENOMEM ? -ENOMEM : -ENOENT;
	}
	for (p = ks->buf; *p;) {
		struct mc_ksym s;
		char type;

		if (!parse_line(&p, &s.addr, &type, &s.name, &s.mod) || !is_text(type))
			continue;
		if (!s.mod[0] && !strcmp(s.name, "_text") && !ks->text)
			ks->text = s.addr;
		if (!s.mod[0] && !strcmp(s.name, "_etext") && !ks->etext)
			ks->etext = s.addr;
		if (ks->n == cap) {
			struct mc_ksym *g;

			cap = cap ? cap * 2 : 4096;
			g = realloc(ks->sym, cap * sizeof(*g));
			if (!g) {
				mc_kallsyms_free(ks);
				return -ENOMEM;
			}
			ks->sym = g;
		}
		ks->sym[ks->n++] = s;
	}
	*out = ks;
	return 0;
}

void mc_kallsyms_free(struct mc_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->sym);
	free(ks->buf);
	free(ks);
}

uint64_t mc_kallsyms_kaslr_offset(const struct mc_kallsyms *ks)
{
	return ks->text >= START_KERNEL ? ks->text - START_KERNEL : 0;
}

uint64_t mc_kcov_kaslr_offset(const char *proc_root)
{
	struct mc_kallsyms *ks;
	uint64_t off;

	if (mc_kallsyms_read(&ks, proc_root))
		return 0;
	off = mc_kallsyms_kaslr_offset(ks);
	mc_kallsyms_free(ks);
	return off;
}

static bool has_prefix(const char *name, const char *const *prefixes)
{
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static bool span_match(const struct mc_ksym *s, const char *want_mod, const char *const *prefixes)
{
	return want_mod ? !strcmp(s->mod, want_mod) : !s->mod[0] && has_prefix(s->name, prefixes);
}

/*
 * The span of text symbols that match: module @mod's (when @mod), else built-in ones with
 * a name in @prefixes below _etext (init and exit text lie far above the rest: with them
 * the span would take in most of the kernel). The span ends at the first text symbol above
 * the last match that does not match (a function's size is not in kallsyms), or 64 KiB
 * past it.
 */
static int text_span(const struct mc_kallsyms *ks, const char *want_mod,
		     const char *const *prefixes, uint64_t *start, uint64_t *end)
{
	uint64_t lo = UINT64_MAX, hi = 0, next = UINT64_MAX;
	uint64_t etext = !want_mod && ks->etext ? ks->etext : UINT64_MAX;
	bool zero = false;

	for (size_t i = 0; i < ks->n; i++) {
		const struct mc_ksym *s = &ks->sym[i];

		if (!want_mod && s->addr >= etext)
			continue;
		if (!s->addr) {
			zero = true; /* kptr_restrict hides addresses */
			continue;
		}
		if (span_match(s, want_mod, prefixes)) {
			lo = s->addr < lo ? s->addr : lo;
			hi = s->addr > hi ? s->addr : hi;
		}
	}
	if (lo == UINT64_MAX)
		return zero ? -EPERM : -ENOENT;
	for (size_t i = 0; i < ks->n; i++) {
		const struct mc_ksym *s = &ks->sym[i];

		if (s->addr > hi && s->addr < next && !span_match(s, want_mod, prefixes))
			next = s->addr;
	}
	*start = lo;
	*end = next != UINT64_MAX ? next : hi + 65536;
	return 0;
}

static int add_range(struct mc_kcov_ranges *rs, const char *name, uint64_t start, uint64_t end,
		     uint64_t off)
{
	struct mc_kcov_range *r;

	if (rs->n >= MC_KCOV_MAX_RANGES)
		return -ENOSPC;
	r = &rs->r[rs->n++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->start = start - off;
	r->end = end - off;
	r->load = start;
	return 0;
}

int mc_kallsyms_add_module(struct mc_kcov_ranges *rs, const struct mc_kallsyms *ks, const char *mod)
{
	uint64_t start, end;
	int rc = text_span(ks, mod, NULL, &start, &end);

	return rc ? rc : add_range(rs, mod, start, end, mc_kallsyms_kaslr_offset(ks));
}

int mc_kallsyms_add_kernel(struct mc_kcov_ranges *rs, const struct mc_kallsyms *ks,
			   const char *const *prefixes)
{
	uint64_t start, end;
	int rc = text_span(ks, NULL, prefixes, &start, &end);

	return rc ? rc : add_range(rs, "vmlinux", start, end, mc_kallsyms_kaslr_offset(ks));
}

static bool span_kept(const struct mc_kcov_ranges *rs, const struct mc_ksym *s, uint64_t off)
{
	if (!s->mod[0] && (!strcmp(s->name, "_text") || !strcmp(s->name, "_etext")))
		return true;
	for (int i = 0; i < rs->n; i++)
		if (s->addr - off >= rs->r[i].start && s->addr - off <= rs->r[i].end)
			return true;
	return false;
}

int mc_kallsyms_write_spans(const struct mc_kallsyms *ks, const struct mc_kcov_ranges *rs,
			    const char *path)
{
	uint64_t off = mc_kallsyms_kaslr_offset(ks);
	size_t kept = 0;
	char tmp[4200];
	FILE *f;
	int rc = 0;

	for (size_t i = 0; i < ks->n; i++)
		kept += ks->sym[i].addr && span_kept(rs, &ks->sym[i], off);
	if (kept == ks->n)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < ks->n; i++) {
		const struct mc_ksym *s = &ks->sym[i];

		if (s->addr && span_kept(rs, s, off))
			fprintf(f, "%016llx t %s%s%s%s\n", (unsigned long long)s->addr, s->name,
				s->mod[0] ? "\t[" : "", s->mod, s->mod[0] ? "]" : "");
	}
	if (fflush(f) || ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -EIO;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int mc_kcov_add_module(struct mc_kcov_ranges *rs, const char *mod, const char *proc_root)
{
	struct mc_kallsyms *ks;
	int rc = mc_kallsyms_read(&ks, proc_root);

	if (rc)
		return rc;
	rc = mc_kallsyms_add_module(rs, ks, mod);
	mc_kallsyms_free(ks);
	return rc;
}

int mc_kcov_add_kernel(struct mc_kcov_ranges *rs, const char *const *prefixes,
		       const char *proc_root)
{
	struct mc_kallsyms *ks;
	int rc = mc_kallsyms_read(&ks, proc_root);

	if (rc)
		return rc;
	rc = mc_kallsyms_add_kernel(rs, ks, prefixes);
	mc_kallsyms_free(ks);
	return rc;
}

int mc_kcov_range_of(const struct mc_kcov_ranges *rs, uint64_t pc)
{
	for (int i = 0; i < rs->n; i++)
		if (pc >= rs->r[i].start && pc < rs->r[i].end)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- PC sets */

static size_t slot_of(uint64_t pc, size_t cap)
{
	return (size_t)((pc * 0x9e3779b97f4a7c15ull) >> 17) & (cap - 1);
}

static int grow(struct mc_pcset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->slot[i])
			continue;
		for (j = slot_of(s->slot[i], cap); slot[j]; j = (j + 1) & (cap - 1))
			;
		slot[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

int mc_pcset_add(struct mc_pcset *s, uint64_t pc)
{
	size_t j;

	if (!pc)
		return 0;
	if ((s->n + 1) * 2 > s->cap && grow(s))
		return -ENOMEM;
	for (j = slot_of(pc, s->cap); s->slot[j]; j = (j + 1) & (s->cap - 1))
		if (s->slot[j] == pc)
			return 0;
	s->slot[j] = pc;
	s->n++;
	return 1;
}

bool mc_pcset_has(const struct mc_pcset *s, uint64_t pc)
{
	if (!s->cap || !pc)
		return false;
	for (size_t j = slot_of(pc, s->cap); s->slot[j]; j = (j + 1) & (s->cap - 1))
		if (s->slot[j] == pc)
			return true;
	return false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t *mc_pcset_sorted(const struct mc_pcset *s)
{
	uint64_t *out;
	size_t n = 0;

	if (!s->n)
		return NULL;
	out = malloc(s->n * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i])
			out[n++] = s->slot[i];
	qsort(out, n, sizeof(*out), cmp_u64);
	return out;
}

void mc_pcset_free(struct mc_pcset *s)
{
	free(s->slot);
	*s = (struct mc_pcset){ 0 };
}

long mc_pcset_add_in(struct mc_pcset *s, const struct mc_kcov_ranges *rs, const uint64_t *rec,
		     size_t n)
{
	long added = 0;

	for (size_t i = 0; i < n; i++) {
		int rc;

		if (mc_kcov_range_of(rs, rec[i]) < 0)
			continue;
		rc = mc_pcset_add(s, rec[i]);
		if (rc < 0)
			return rc;
		added += rc;
	}
	return added;
}

/* ---------------------------------------------------------------- symbols */

struct mc_kcov_sym {
	uint64_t addr; /* canonical */
	char name[128];
};
struct mc_kcov_symtab {
	size_t n;
	struct mc_kcov_sym *sym; /* sorted by addr */
};

static int cmp_sym(const void *a, const void *b)
{
	const struct mc_kcov_sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int mc_kallsyms_symtab(struct mc_kcov_symtab **out, const struct mc_kcov_ranges *rs,
		       const struct mc_kallsyms *ks)
{
	uint64_t off = mc_kallsyms_kaslr_offset(ks);
	struct mc_kcov_symtab *st;
	size_t cap = 0;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	for (size_t i = 0; i < ks->n; i++) {
		const struct mc_ksym *s = &ks->sym[i];

		if (!s->addr || mc_kcov_range_of(rs, s->addr - off) < 0)
			continue;
		if (st->n == cap) {
			struct mc_kcov_sym *g;

			cap = cap ? cap * 2 : 256;
			g = realloc(st->sym, cap * sizeof(*g));
			if (!g) {
				mc_kcov_symtab_free(st);
				return -ENOMEM;
			}
			st->sym = g;
		}
		st->sym[st->n].addr = s->addr - off;
		snprintf(st->sym[st->n].name, sizeof(st->sym[0].name), "%s", s->name);
		st->n++;
	}
	qsort(st->sym, st->n, sizeof(*st->sym), cmp_sym);
	*out = st;
	return 0;
}

int mc_kcov_symtab_load(struct mc_kcov_symtab **out, const struct mc_kcov_ranges *rs,
			const char *proc_root)
{
	struct mc_kallsyms *ks;
	int rc = mc_kallsyms_read(&ks, proc_root);

	*out = NULL;
	if (rc)
		return rc;
	rc = mc_kallsyms_symtab(out, rs, ks);
	mc_kallsyms_free(ks);
	return rc;
}

void mc_kcov_symtab_free(struct mc_kcov_symtab *st)
{
	if (!st)
		return;
	free(st->sym);
	free(st);
}

int mc_kcov_pc_line(const struct mc_kcov_symtab *st, const struct mc_kcov_ranges *rs, uint64_t pc,
		    char *buf, size_t len)
{
	int ri = mc_kcov_range_of(rs, pc);
	size_t lo = 0, hi = st ? st->n : 0;

	/* the last symbol at or below pc */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->sym[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ri < 0 || !lo) {
		snprintf(buf, len, "0x%llx %s ?+0x0", (unsigned long long)pc,
			 ri < 0 ? "?" : rs->r[ri].name);
		return -ENOENT;
	}
	snprintf(buf, len, "0x%llx %s %s+0x%llx", (unsigned long long)pc, rs->r[ri].name,
		 st->sym[lo - 1].name, (unsigned long long)(pc - st->sym[lo - 1].addr));
	return 0;
}

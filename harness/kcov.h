/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's coverage of the calling thread (KCOV, /sys/kernel/debug/kcov), kept to the
 * code under test: the driver module's text and the VFIO core. Used for the driver coverage
 * of a certification, for kernel-coverage-guided fuzzing and to find a driver's failure
 * points. Linux only, debug kernels only; everything answers -ENOENT where there is no KCOV.
 */
#ifndef MC_KCOV_H
#define MC_KCOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * KCOV's records. PC mode: one canonical PC per basic block hit (the kernel subtracts the
 * KASLR offset, so a module PC is its load address minus that offset; mc_kcov_range_of()
 * answers in the same terms). CMP mode: one record of four words per comparison.
 */
enum mc_kcov_mode { MC_KCOV_PC = 0, MC_KCOV_CMP = 1 };

#define MC_KCOV_PATH "/sys/kernel/debug/kcov"

/* KCOV_TRACE_CMP record types (the kernel's KCOV_CMP_*). */
#define MC_KCOV_CMP_CONST 1u
#define MC_KCOV_CMP_SIZE(t) (1u << (((t) >> 1) & 3)) /* operand size in bytes */

struct mc_kcov;

/*
 * Open KCOV for the calling thread with a buffer of @words 64-bit words (0: 1 Mi words) in
 * @mode and enable it. 0 or -errno: -ENOENT without KCOV (or debugfs not mounted), -EBUSY
 * when the thread already has one enabled. Only this thread is traced; the handle must be
 * used and closed by it.
 */
int mc_kcov_open(struct mc_kcov **k, enum mc_kcov_mode mode, size_t words);
/* Disable and free (NULL is fine). */
void mc_kcov_close(struct mc_kcov *k);
/*
 * Stop (@on false) or start again tracing into @k's buffer: a thread has one KCOV enabled at
 * a time, so one that keeps a PC and a CMP handle switches between them. 0 or -errno.
 */
int mc_kcov_enable(struct mc_kcov *k, bool on);
/* Forget what was traced so far: the next mc_kcov_take() sees only what follows. */
void mc_kcov_reset(struct mc_kcov *k);
/*
 * What was traced since the last reset: *@rec points at the records (PCs, or groups of
 * four words: type, arg1, arg2, pc), valid until the next reset; returns their number
 * (PCs, or comparisons). *@overflow is set when the buffer filled (records were lost).
 */
size_t mc_kcov_take(struct mc_kcov *k, const uint64_t **rec, bool *overflow);

/*
 * Address ranges of the code under test, in KCOV's canonical terms. A range is a loaded
 * module's core (from /proc/modules, which needs root), or a span of kernel text named
 * by the caller (built in VFIO core: its symbols' span, from /proc/kallsyms).
 */
#define MC_KCOV_MAX_RANGES 16
struct mc_kcov_range {
	char name[64];	     /* module name, or "vmlinux" */
	uint64_t start, end; /* [start, end), canonical */
	uint64_t load;	     /* runtime address of start (module base), for symbolising */
};
struct mc_kcov_ranges {
	int n;
	struct mc_kcov_range r[MC_KCOV_MAX_RANGES];
};

/*
 * Add loaded module @mod to @rs (0, -ENOENT when it is not loaded or /proc/modules hides
 * its address, -ENOSPC). @proc_root: NULL for "/proc"; tests point it at a fixture
 * directory holding "modules" and "kallsyms".
 */
int mc_kcov_add_module(struct mc_kcov_ranges *rs, const char *mod, const char *proc_root);
/*
 * Add the span of built-in kernel text whose symbols start with one of @prefixes
 * (NULL-terminated, e.g. "vfio_", "vfio_pci_core_") as one range named "vmlinux", from
 * kallsyms under @proc_root (0, -ENOENT when no symbol matched or addresses are hidden).
 */
int mc_kcov_add_kernel(struct mc_kcov_ranges *rs, const char *const *prefixes,
		       const char *proc_root);
/*
 * kallsyms read once: a debug kernel's is tens of MB and slow to produce (seconds under
 * TCG), so a caller that needs several ranges and their symbols reads it once with
 * mc_kallsyms_read() and asks the snapshot (the functions above each read it anew).
 * mc_kallsyms_read: 0, -ENOENT (no kallsyms under @proc_root, NULL: /proc) or -ENOMEM.
 * The others answer as their reading counterparts.
 */
struct mc_kallsyms;
int mc_kallsyms_read(struct mc_kallsyms **ks, const char *proc_root);
void mc_kallsyms_free(struct mc_kallsyms *ks);
int mc_kallsyms_add_module(struct mc_kcov_ranges *rs, const struct mc_kallsyms *ks,
			   const char *mod);
int mc_kallsyms_add_kernel(struct mc_kcov_ranges *rs, const struct mc_kallsyms *ks,
			   const char *const *prefixes);
uint64_t mc_kallsyms_kaslr_offset(const struct mc_kallsyms *ks);
/*
 * Write @path (through a temporary file and a rename, so a concurrent reader sees the old
 * file or the new one) as a kallsyms holding only what @rs needs: the text symbols from
 * each range's start to its end inclusive (the symbol that ends it), _text and _etext.
 * Reading it gives the same ranges and symbols as @ks for the same module and prefix
 * arguments, in a few hundred lines. 0 (nothing written when @ks holds nothing else),
 * or -errno.
 */
int mc_kallsyms_write_spans(const struct mc_kallsyms *ks, const struct mc_kcov_ranges *rs,
			    const char *path);
/* The index of the range holding @pc, or -1. */
int mc_kcov_range_of(const struct mc_kcov_ranges *rs, uint64_t pc);
/* The KASLR offset KCOV subtracted (runtime _text minus 0xffffffff81000000), or 0. */
uint64_t mc_kcov_kaslr_offset(const char *proc_root);

/* A set of PCs (open addressing; grows). */
struct mc_pcset {
	uint64_t *slot;
	size_t n, cap;
};
/* Add @pc (never 0); 1 when new, 0 when present, -ENOMEM. */
int mc_pcset_add(struct mc_pcset *s, uint64_t pc);
bool mc_pcset_has(const struct mc_pcset *s, uint64_t pc);
/* The members sorted ascending into a new array of s->n (caller frees); NULL on ENOMEM or empty. */
uint64_t *mc_pcset_sorted(const struct mc_pcset *s);
void mc_pcset_free(struct mc_pcset *s);
/*
 * Add the PCs of @rec[0..n) that fall in @rs to @s; returns how many were new, or -ENOMEM.
 */
long mc_pcset_add_in(struct mc_pcset *s, const struct mc_kcov_ranges *rs, const uint64_t *rec,
		     size_t n);

/*
 * Symbols of the code under test, for naming PCs where the kernel runs (the host has the
 * objects with line tables; the guest only kallsyms). The PC-list format every coverage
 * file of migcheck uses, one unique PC per line:
 *	0x<canonical pc> <module|vmlinux> <symbol>+0x<offset>
 * <offset> is from the symbol's runtime address, so the host finds the line with the
 * symbol's address in the module or vmlinux with line tables.
 */
struct mc_kcov_symtab;
/* Load the text symbols of @rs's ranges from kallsyms under @proc_root (NULL: /proc). */
int mc_kcov_symtab_load(struct mc_kcov_symtab **st, const struct mc_kcov_ranges *rs,
			const char *proc_root);
/* The same from a snapshot. */
int mc_kallsyms_symtab(struct mc_kcov_symtab **st, const struct mc_kcov_ranges *rs,
		       const struct mc_kallsyms *ks);
void mc_kcov_symtab_free(struct mc_kcov_symtab *st);
/*
 * Write @pc (canonical) as one PC-list line without the newline into @buf: 0 or -ENOENT
 * when no symbol of a range holds it (the line then names "?+0x0").
 */
int mc_kcov_pc_line(const struct mc_kcov_symtab *st, const struct mc_kcov_ranges *rs, uint64_t pc,
		    char *buf, size_t len);

#endif /* MC_KCOV_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver coverage on the host: the coverage points of the code under test (every call of
 * __sanitizer_cov_trace_pc in a module built with KCOV, or in vmlinux's span of the VFIO
 * core), their source lines from the objects' line tables (binutils: objdump, addr2line),
 * and the PC lists the guest wrote (kcov_run.h) counted against them: line and function
 * coverage per case and in total, as report.json's `coverage`, an lcov tracefile and a
 * one-line summary. `migcheck coverage` (cmd_cov.c) is the command line.
 */
#ifndef MC_COV_H
#define MC_COV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A function of an object: a text symbol with at least one coverage point. */
struct mc_cov_fn {
	char name[128];
	int sec;	     /* index into the object's sections */
	uint64_t addr, size; /* section-relative (.ko) or absolute (vmlinux) */
	int line;	     /* global line index of its first instruction, or -1 */
	int nsites;
};

/* A coverage point: the return address of its __sanitizer_cov_trace_pc call (KCOV's PC). */
struct mc_cov_site {
	int sec;
	uint64_t addr;
	int fn;	  /* index into the object's functions, or -1 */
	int line; /* global line index, or -1 (no line table entry) */
};

struct mc_cov_obj {
	char name[64]; /* module name ("mtty") or "vmlinux" */
	bool linked;   /* vmlinux: site addresses are canonical PCs */
	char (*sec)[48];
	int nsec;
	struct mc_cov_fn *fn;
	int nfn;
	struct mc_cov_site *site; /* sorted by (sec, addr) */
	int nsite;
};

/* A source line that holds coverage points. */
struct mc_cov_line {
	int file; /* index into mc_cov.file */
	int line;
	bool site; /* a coverage point is on it (else only a function's start) */
};

enum mc_cov_scope { MC_COV_OTHER, MC_COV_DRIVER, MC_COV_CORE };

struct mc_cov_file {
	char path[512];	  /* as the line table names it */
	char rel[512];	  /* for people: relative to --src or the kernel tree */
	char local[1024]; /* readable copy on this machine, or "" */
	enum mc_cov_scope scope;
};

/* One set of PCs: a case of kcov-cases.pcs, or a whole plain PC list. */
struct mc_cov_set {
	char name[160];
	bool lost;	/* the guest lost PCs (buffer overflow) */
	uint8_t **hit;	/* per object, per site */
	long unmatched; /* PCs that are no coverage point of a loaded object */
};

struct mc_cov {
	struct mc_cov_obj *obj;
	int nobj;
	struct mc_cov_file *file;
	int nfile;
	struct mc_cov_line *line; /* sorted by (file, line) */
	int nline;
	struct mc_cov_set *set;
	int nset;
	const char *src;  /* the driver's source directory, or NULL */
	const char *ksrc; /* the kernel tree, or NULL */
};

/*
 * mc_cov_obj_load: the coverage points, functions and sections of the object at @path
 * (a .ko, or vmlinux when @name is "vmlinux": then only its text in [@start, @end)),
 * their lines interned into @cv. 0, or -errno with @err (a tool missing or failing,
 * no coverage point at all: the object was not built with KCOV).
 */
int mc_cov_obj_load(struct mc_cov *cv, const char *name, const char *path, uint64_t start,
		    uint64_t end, char *err, size_t errlen);
/* Parsers of the tools' output (exposed for the unit tests). */
int mc_cov_parse_symbols(struct mc_cov_obj *o, const char *objdump_t, uint64_t start, uint64_t end);
int mc_cov_parse_sites(struct mc_cov_obj *o, const char *objdump_dr);
/*
 * Intern addr2line's "path:line" answer into @cv's lines (cov_line.c): its index, or -1
 * ("??:0").
 */
int mc_cov_intern_line(struct mc_cov *cv, const char *a2l);
/* The site index of object @o at section-relative address, or -1. */
int mc_cov_site_find(const struct mc_cov_obj *o, int sec, uint64_t addr);

/*
 * mc_cov_read_pcs: count the PC list at @path (kcov_run.h's format; "# case NAME" lines
 * start one set each, a list without them is one set named @path). 0 or -errno with @err.
 */
int mc_cov_read_pcs(struct mc_cov *cv, const char *path, char *err, size_t errlen);

/* Counts of one scope in one set (@set -1: the union of all sets). */
struct mc_cov_count {
	int lines, lines_hit, fns, fns_hit;
};
void mc_cov_count(const struct mc_cov *cv, int set, enum mc_cov_scope scope,
		  struct mc_cov_count *c);

/* report.json's `coverage` member as a JSON object into @f. */
void mc_cov_write_json(const struct mc_cov *cv, FILE *f);
/* The lcov tracefile of the union of all sets (driver and VFIO core files) into @f. */
void mc_cov_write_lcov(const struct mc_cov *cv, FILE *f);
void mc_cov_free(struct mc_cov *cv);

/* The `coverage` command (cmd_cov.c) and its usage lines. */
int mc_cmd_coverage(int argc, char **argv);
extern const char mc_cmd_coverage_usage[];

#endif /* MC_COV_H */

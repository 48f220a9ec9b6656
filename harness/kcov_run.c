// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver coverage of a run (kcov_run.h): ranges and symbols once in the parent, one
 * KCOV buffer per case process folded into a PC set after every device operation (so a
 * long case never overflows it), and the PC lists the host symbolises (cmd_cov.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcov_run.h"

#define CASE_WORDS \
	(1u        \
	 << 18) /* 2 MiB a case: at 512 KiB, 4 of 387 mtty cases overflowed within one operation */

struct mc_kcov_case {
	char name[160];
	uint64_t *pc; /* sorted */
	uint32_t n;
	bool overflow, truncated;
};

/* Built-in VFIO core text (the debug kernel has CONFIG_VFIO=y): drivers/vfio/'s names. */
static const char *const vfio_core[] = { "vfio_",    "__vfio_",		  "vfio_device_",
					 "vfio_mig", "vfio_iommu_type1_", NULL };

static void add_modules(struct mc_kcov_run *kr, const struct mc_kallsyms *ks, const char *list)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *m = strtok_r(buf, ", ", &save); m; m = strtok_r(NULL, ", ", &save)) {
		bool dup = false;

		for (char *c = m; *c; c++) /* kallsyms names modules with '_' */
			if (*c == '-')
				*c = '_';
		for (int i = 0; i < kr->rs.n; i++)
			dup |= !strcmp(kr->rs.r[i].name, m);
		if (!dup)
			mc_kallsyms_add_module(&kr->rs, ks, m); /* not loaded: not traced */
	}
}

void mc_kcov_run_open(struct mc_kcov_run *kr, const char *modules, const char *driver, bool disable)
{
	const char *env = getenv("MC_KCOV");
	struct mc_kallsyms *ks;
	char list[256];
	int rc = 0;

	memset(kr, 0, sizeof(*kr));
	if (disable || (env && !strcmp(env, "0"))) {
		snprintf(kr->why, sizeof(kr->why), "turned off (%s)",
			 disable ? "--no-kcov" : "MC_KCOV=0");
		return;
	}
	if (access("/sys/kernel/debug/kcov", R_OK | W_OK)) {
		snprintf(kr->why, sizeof(kr->why), "no /sys/kernel/debug/kcov: %s",
			 strerror(errno));
		return;
	}
	if (!modules)
		modules = getenv("MC_KCOV_MODULES");
	if (!modules || !modules[0]) {
		snprintf(list, sizeof(list), "%s,mdev", driver && driver[0] ? driver : "");
		modules = list;
	}
	/* One read of kallsyms for every range and symbol (a debug kernel's is slow to read). */
	rc = mc_kallsyms_read(&ks, NULL);
	if (rc) {
		snprintf(kr->why, sizeof(kr->why), "kallsyms: %s", strerror(-rc));
		return;
	}
	add_modules(kr, ks, modules);
	if (mc_kallsyms_add_module(&kr->rs, ks, "vfio") == -ENOENT)
		mc_kallsyms_add_kernel(&kr->rs, ks, vfio_core);
	if (!kr->rs.n) {
		snprintf(kr->why, sizeof(kr->why),
			 "none of the modules '%.80s' nor the VFIO core in "
			 "/proc/kallsyms (addresses hidden?)",
			 modules);
		goto out;
	}
	rc = mc_kallsyms_symtab(&kr->st, &kr->rs, ks);
	if (rc) {
		snprintf(kr->why, sizeof(kr->why), "kallsyms: %s", strerror(-rc));
		goto out;
	}
	kr->on = true;
out:
	mc_kallsyms_free(ks);
}

int mc_kcov_run_add(struct mc_kcov_run *kr, const char *name, const struct mc_kcov_shared *sh)
{
	struct mc_kcov_case *c;
	uint32_t n = sh->n < MC_KCOV_SHARED_MAX ? sh->n : MC_KCOV_SHARED_MAX;

	if (!kr->on)
		return 0;
	if (kr->ncases == kr->cap) {
		int cap = kr->cap ? kr->cap * 2 : 64;
		struct mc_kcov_case *g = realloc(kr->cases, (size_t)cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		kr->cases = g;
		kr->cap = cap;
	}
	c = &kr->cases[kr->ncases];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->pc = malloc((n ? n : 1) * sizeof(*c->pc));
	if (!c->pc)
		return -ENOMEM;
	memcpy(c->pc, sh->pc, n * sizeof(*c->pc));
	c->n = n;
	c->overflow = sh->overflow;
	c->truncated = sh->truncated;
	kr->ncases++;
	for (uint32_t i = 0; i < n; i++)
		if (mc_pcset_add(&kr->total, c->pc[i]) < 0)
			return -ENOMEM;
	return 0;
}

static void write_header(FILE *f, const struct mc_kcov_run *kr)
{
	fprintf(f, "# migcheck kcov: one PC a line, 0x<pc> <module|vmlinux> <symbol>+0x<offset>\n");
	for (int i = 0; i < kr->rs.n; i++)
		fprintf(f, "# range %s 0x%llx 0x%llx load 0x%llx\n", kr->rs.r[i].name,
			(unsigned long long)kr->rs.r[i].start, (unsigned long long)kr->rs.r[i].end,
			(unsigned long long)kr->rs.r[i].load);
}

static void write_pcs(FILE *f, const struct mc_kcov_run *kr, const uint64_t *pc, size_t n)
{
	char line[256];

	for (size_t i = 0; i < n; i++) {
		mc_kcov_pc_line(kr->st, &kr->rs, pc[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		fprintf(stderr, "migcheck: %s: %s\n", path, strerror(errno));
	return f;
}

static int close_checked(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		fprintf(stderr, "migcheck: writing %s failed\n", path);
		return -EIO;
	}
	return 0;
}

int mc_kcov_run_write(const struct mc_kcov_run *kr, const char *dir)
{
	uint64_t *all = mc_pcset_sorted(&kr->total);
	char path[4096];
	FILE *f;
	int rc = 0;

	if (!kr->on)
		goto out;
	f = open_in(dir, "kcov-total.pcs", path, sizeof(path));
	if (!f) {
		free(all);
		return -EIO;
	}
	write_header(f, kr);
	write_pcs(f, kr, all, kr->total.n);
	rc = close_checked(f, path);
	if (rc)
		goto out;
	f = open_in(dir, "kcov-cases.pcs", path, sizeof(path));
	if (!f) {
		free(all);
		return -EIO;
	}
	write_header(f, kr);
	for (int i = 0; i < kr->ncases; i++) {
		const struct mc_kcov_case *c = &kr->cases[i];

		fprintf(f, "# case %s\n", c->name);
		if (c->overflow || c->truncated)
			fprintf(f, "# lost %s\n", c->overflow ? "overflow" : "truncated");
		write_pcs(f, kr, c->pc, c->n);
	}
	rc = close_checked(f, path);
out:
	free(all);
	return rc;
}

void mc_kcov_run_free(struct mc_kcov_run *kr)
{
	for (int i = 0; i < kr->ncases; i++)
		free(kr->cases[i].pc);
	free(kr->cases);
	mc_pcset_free(&kr->total);
	mc_kcov_symtab_free(kr->st);
	memset(kr, 0, sizeof(*kr));
}

/* ---------------------------------------------------------------- a case's process */

/* The tracing thread of this process (one case process traces one thread at a time). */
static struct {
	struct mc_kcov *k;
	const struct mc_kcov_ranges *rs;
	struct mc_kcov_shared *sh;
	struct mc_pcset set;
	pid_t tid;
} tr;

void mc_kcov_case_begin(const struct mc_kcov_run *kr, struct mc_kcov_shared *sh)
{
	sh->n = 0;
	sh->overflow = sh->truncated = false;
	if (!kr->on || tr.k || mc_kcov_open(&tr.k, MC_KCOV_PC, CASE_WORDS))
		return;
	tr.rs = &kr->rs;
	tr.sh = sh;
	tr.tid = gettid();
}

void mc_kcov_case_fold(void)
{
	const uint64_t *rec;
	bool overflow;
	size_t n;

	if (!tr.k || gettid() != tr.tid)
		return;
	n = mc_kcov_take(tr.k, &rec, &overflow);
	if (overflow)
		tr.sh->overflow = true;
	if (mc_pcset_add_in(&tr.set, tr.rs, rec, n) < 0)
		tr.sh->truncated = true;
	mc_kcov_reset(tr.k);
}

void mc_kcov_case_end(void)
{
	uint64_t *pc;

	if (!tr.k || gettid() != tr.tid)
		return;
	mc_kcov_case_fold();
	mc_kcov_close(tr.k);
	tr.k = NULL;
	pc = mc_pcset_sorted(&tr.set);
	if (pc) {
		size_t n = tr.set.n < MC_KCOV_SHARED_MAX ? tr.set.n : MC_KCOV_SHARED_MAX;

		memcpy(tr.sh->pc, pc, n * sizeof(*pc));
		tr.sh->n = (uint32_t)n;
		tr.sh->truncated |= tr.set.n > MC_KCOV_SHARED_MAX;
	}
	free(pc);
	mc_pcset_free(&tr.set);
}

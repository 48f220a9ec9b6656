// SPDX-License-Identifier: GPL-2.0-only
/*
 * The coverage points of an object (cov.h): objdump -t for its functions, objdump -d -r
 * for every call of __sanitizer_cov_trace_pc (a relocation in a .ko, a direct call in
 * vmlinux), addr2line -j <section> for the line of each (its return address minus one,
 * the call instruction's line) and of each function's first instruction.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cov.h"

#define TRACE_PC "__sanitizer_cov_trace_pc"

/* Run @argv with stdin from @in (NULL: /dev/null); its stdout into *@out (malloc'd). */
static int run_tool(const char *const argv[], const char *in, char **out)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	int p[2], st, rc = 0;
	pid_t pid;
	ssize_t n;

	if (!buf || pipe2(p, O_CLOEXEC)) {
		free(buf);
		return -ENOMEM;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(p[0]);
		close(p[1]);
		free(buf);
		return rc;
	}
	if (!pid) {
		int fd = open(in ? in : "/dev/null", O_RDONLY);

		if (fd < 0 || dup2(fd, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 4096) {
			char *g = realloc(buf, cap * 2);

			if (!g) {
				rc = -ENOMEM;
				break;
			}
			buf = g;
			cap *= 2;
		}
	}
	close(p[0]);
	buf[len] = '\0';
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		rc = rc ? rc : (WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -ENOENT : -EIO);
	if (rc) {
		free(buf);
		return rc;
	}
	*out = buf;
	return 0;
}

static int sec_index(struct mc_cov_obj *o, const char *name)
{
	char(*g)[48];

	for (int i = 0; i < o->nsec; i++)
		if (!strcmp(o->sec[i], name))
			return i;
	g = realloc(o->sec, (size_t)(o->nsec + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	o->sec = g;
	snprintf(o->sec[o->nsec], sizeof(o->sec[0]), "%s", name);
	return o->nsec++;
}

static int cmp_fn(const void *a, const void *b)
{
	const struct mc_cov_fn *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec - y->sec;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int mc_cov_parse_symbols(struct mc_cov_obj *o, const char *text, uint64_t start, uint64_t end)
{
	const char *l = text;
	int cap = 0;

	for (; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		char flags[16], sec[48], name[128];
		unsigned long long addr, size;
		struct mc_cov_fn *f;
		int s;

		/* "0000000000000000 l     F .text	00000000000000a5 mtty_foo" */
		/* _sub_I_/_sub_D_: the compiler's constructors (sanitizers), no driver code */
		if (sscanf(l, "%llx %*c %15[^.]%47s %llx %127s", &addr, flags, sec, &size, name) !=
			    5 ||
		    !strchr(flags, 'F') || strncmp(sec, ".text", 5) ||
		    (end && (addr < start || addr >= end)) || !strncmp(name, "_sub_I_", 7) ||
		    !strncmp(name, "_sub_D_", 7))
			continue;
		s = sec_index(o, sec);
		if (s < 0)
			return s;
		if (o->nfn == cap) {
			cap = cap ? cap * 2 : 256;
			f = realloc(o->fn, (size_t)cap * sizeof(*f));
			if (!f)
				return -ENOMEM;
			o->fn = f;
		}
		f = &o->fn[o->nfn++];
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->sec = s;
		f->addr = addr;
		f->size = size;
		f->line = -1;
	}
	qsort(o->fn, (size_t)o->nfn, sizeof(*o->fn), cmp_fn);
	return 0;
}

/* The function of @o holding @addr in section @sec, or -1. */
static int fn_at(const struct mc_cov_obj *o, int sec, uint64_t addr)
{
	int lo = 0, hi = o->nfn;

	while (lo < hi) { /* the first function above (sec, addr) */
		int mid = lo + (hi - lo) / 2;
		const struct mc_cov_fn *f = &o->fn[mid];

		if (f->sec < sec || (f->sec == sec && f->addr <= addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && o->fn[lo - 1].sec == sec && addr < o->fn[lo - 1].addr + o->fn[lo - 1].size)
		return lo - 1;
	return -1;
}

static int add_site(struct mc_cov_obj *o, int *cap, int sec, uint64_t addr)
{
	struct mc_cov_site *s;
	int fn = fn_at(o, sec, addr);

	if (fn < 0 && o->nfn) /* in no function kept (a compiler's constructor) */
		return 0;
	if (o->nsite == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		s = realloc(o->site, (size_t)*cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		o->site = s;
	}
	s = &o->site[o->nsite++];
	*s = (struct mc_cov_site){ .sec = sec, .addr = addr, .fn = fn, .line = -1 };
	if (s->fn >= 0)
		o->fn[s->fn].nsites++;
	return 0;
}

/* Length of the instruction whose raw bytes follow @tab ("\te8 00 00 00 00 \tcall ..."). */
static int insn_len(const char *tab)
{
	const char *p = tab + 1;
	int n = 0;

	while (*p && *p != '\t' && *p != '\n') {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\t' || *p == '\n')
			break;
		n++;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
	}
	return n;
}

int mc_cov_parse_sites(struct mc_cov_obj *o, const char *text)
{
	const char *l = text;
	int sec = -1, cap = 0, rc;
	uint64_t last_end = 0; /* the end of the last instruction */

	for (; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		const char *nl = strchr(l, '\n'), *tab;
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char name[48];
		unsigned long long a;
		bool calls;

		if (sscanf(l, "Disassembly of section %47[^:]:", name) == 1) {
			sec = sec_index(o, name);
			if (sec < 0)
				return sec;
			continue;
		}
		if (sec < 0 || sscanf(l, " %llx:", &a) != 1)
			continue;
		tab = memchr(l, '\t', len);
		if (!tab)
			continue;
		calls = memmem(l, len, "\t" TRACE_PC "-", sizeof(TRACE_PC) + 1) ||
			(memmem(l, len, "<" TRACE_PC ">", sizeof(TRACE_PC) + 1) &&
			 memmem(l, len, "call", 4));
		if (!strncmp(strchr(l, ':') + 1, " R_X86_64_", 10)) {
			/* a relocation line of its own (objdump without -w): the last instruction's */
			if (calls && (rc = add_site(o, &cap, sec, last_end)))
				return rc;
			continue;
		}
		last_end = a + (uint64_t)insn_len(tab);
		if (calls && (rc = add_site(o, &cap, sec, last_end)))
			return rc;
	}
	return 0;
}

int mc_cov_site_find(const struct mc_cov_obj *o, int sec, uint64_t addr)
{
	int lo = 0, hi = o->nsite;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct mc_cov_site *s = &o->site[mid];

		if (s->sec < sec || (s->sec == sec && s->addr < addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nsite && o->site[lo].sec == sec && o->site[lo].addr == addr ? lo : -1;
}

static int cmp_site(const void *a, const void *b)
{
	const struct mc_cov_site *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec - y->sec;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The lines of section @sec's addresses @addr[0..n) (each already minus one where wanted)
 * into @line[] through addr2line.
 */
static int symbolise(struct mc_cov *cv, const char *path, const struct mc_cov_obj *o, int sec,
		     const uint64_t *addr, int n, int *line)
{
	char tmp[] = "/tmp/mc-cov.XXXXXX", *out = NULL, *l;
	int fd = mkstemp(tmp), rc = 0, i = 0;
	FILE *f;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -ENOMEM;
	}
	for (int k = 0; k < n; k++)
		fprintf(f, "%" PRIx64 "\n", addr[k]);
	fclose(f);
	{
		const char *argv[] = { "addr2line", "-e", path, "-j", o->sec[sec], NULL };
		const char *argv_linked[] = { "addr2line", "-e", path, NULL };

		rc = run_tool(o->linked ? argv_linked : argv, tmp, &out);
	}
	unlink(tmp);
	if (rc)
		return rc;
	for (l = strtok(out, "\n"); l && i < n; l = strtok(NULL, "\n"))
		line[i++] = mc_cov_intern_line(cv, l);
	free(out);
	return i == n ? 0 : -EIO;
}

/* Lines of every site and function of @o, one addr2line per section. */
static int lines_of(struct mc_cov *cv, const char *path, struct mc_cov_obj *o)
{
	int rc = 0;

	for (int sec = 0; sec < o->nsec && !rc; sec++) {
		uint64_t *addr = malloc((size_t)(o->nsite + o->nfn + 1) * sizeof(*addr));
		int *line = malloc((size_t)(o->nsite + o->nfn + 1) * sizeof(*line)), n = 0, m = 0;

		if (!addr || !line) {
			free(addr);
			free(line);
			return -ENOMEM;
		}
		for (int i = 0; i < o->nsite; i++)
			if (o->site[i].sec == sec)
				addr[n++] = o->site[i].addr - 1; /* the call, not what follows */
		for (int i = 0; i < o->nfn; i++)
			if (o->fn[i].sec == sec && o->fn[i].nsites)
				addr[n++] = o->fn[i].addr;
		if (n)
			rc = symbolise(cv, path, o, sec, addr, n, line);
		for (int i = 0; i < o->nsite && !rc; i++)
			if (o->site[i].sec == sec) {
				o->site[i].line = line[m++];
				if (o->site[i].line >= 0)
					cv->line[o->site[i].line].site = true;
			}
		for (int i = 0; i < o->nfn && !rc; i++)
			if (o->fn[i].sec == sec && o->fn[i].nsites)
				o->fn[i].line = line[m++];
		free(addr);
		free(line);
	}
	return rc;
}

int mc_cov_obj_load(struct mc_cov *cv, const char *name, const char *path, uint64_t start,
		    uint64_t end, char *err, size_t errlen)
{
	char a0[64], a1[64];
	const char *sym_argv[] = { "objdump", "-t", path, NULL };
	const char *dis_argv[] = { "objdump", "-d", "-r", "-w", path, NULL, NULL, NULL };
	struct mc_cov_obj *o, *g = realloc(cv->obj, (size_t)(cv->nobj + 1) * sizeof(*g));
	char *out = NULL;
	int rc;

	if (!g)
		return -ENOMEM;
	cv->obj = g;
	o = &cv->obj[cv->nobj];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->linked = !strcmp(name, "vmlinux");
	if (!o->linked)
		start = end = 0;
	if (o->linked) {
		snprintf(a0, sizeof(a0), "--start-address=0x%" PRIx64, start);
		snprintf(a1, sizeof(a1), "--stop-address=0x%" PRIx64, end);
		dis_argv[4] = a0;
		dis_argv[5] = a1;
		dis_argv[6] = path;
	}
	rc = run_tool(sym_argv, NULL, &out);
	if (!rc) {
		rc = mc_cov_parse_symbols(o, out, start, end);
		free(out);
	}
	if (!rc && !(rc = run_tool(dis_argv, NULL, &out))) {
		rc = mc_cov_parse_sites(o, out);
		free(out);
	}
	if (rc) {
		snprintf(err, errlen, "%s: objdump: %s", path, strerror(-rc));
		goto out_free;
	}
	if (!o->nsite) {
		snprintf(err, errlen, "%s: no call of " TRACE_PC ": not built with KCOV", path);
		rc = -ENODATA;
		goto out_free;
	}
	qsort(o->site, (size_t)o->nsite, sizeof(*o->site), cmp_site);
	rc = lines_of(cv, path, o);
	if (rc) {
		snprintf(err, errlen, "%s: addr2line: %s", path, strerror(-rc));
		goto out_free;
	}
	cv->nobj++;
	return 0;
out_free:
	free(o->sec);
	free(o->fn);
	free(o->site);
	return rc;
}

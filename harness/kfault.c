// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection into one driver module (kfault.h). In 6.12 lib/fault-inject.c
 * should_fail_ex() lets a task's fail-nth count only the points whose stack passes that
 * attribute's stack-trace filter, so with require-start/-end on the module's text the
 * N-th point is the driver's N-th allocation (or one it causes), and the count is exact.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "kcov.h"
#include "kfault.h"

static const char *const attrs[] = { "failslab", "fail_page_alloc" };

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(val);
	struct stat st;
	ssize_t w;
	int rc;

	if (fd < 0)
		return -errno;
	/* proc and debugfs files say size 0; a file with bytes is a test's fixture */
	if (!fstat(fd, &st) && st.st_size > 0 && ftruncate(fd, 0)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	w = write(fd, val, n);
	rc = w < 0 ? -errno : (size_t)w == n ? 0 : -EIO;
	close(fd);
	return rc;
}

static int attr_write(const struct mc_kfault *kf, const char *attr, const char *file,
		      const char *val)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s/%s", kf->dbg, attr, file);
	return write_str(path, val);
}

/* Does <@root>/<@leaf> exist (@mode F_OK), or can we write it (W_OK)? */
static bool can(const char *root, const char *leaf, int mode)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", root, leaf);
	return access(path, mode) == 0;
}

/*
 * The module's text from /sys/module/<mod>/sections (root only): from its lowest text
 * section to the first other section above its highest one (its rodata, a separate
 * allocation after the text), else 64 KiB on. Init sections are gone after loading. A
 * few small files, where kallsyms is tens of thousands of lines the kernel formats one by
 * one (seconds per read on an instrumented kernel under TCG, for every case).
 */
static int sections_span(const char *sys, const char *mod, uint64_t *start, uint64_t *end)
{
	uint64_t lo = UINT64_MAX, hi = 0, next = UINT64_MAX, addr[64];
	char path[320], name[64][64];
	int n = 0, fd;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/module/%s/sections", sys, mod);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < 64) {
		char buf[32] = "";

		if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		if (!strncmp(e->d_name, ".init", 5))
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read(fd, buf, sizeof(buf) - 1) > 0) {
			addr[n] = strtoull(buf, NULL, 16);
			snprintf(name[n], sizeof(name[n]), "%.63s", e->d_name);
			n += addr[n] != 0; /* 0: addresses hidden */
		}
		close(fd);
	}
	closedir(d);
	for (int i = 0; i < n; i++)
		if (strstr(name[i], "text")) {
			lo = addr[i] < lo ? addr[i] : lo;
			hi = addr[i] > hi ? addr[i] : hi;
		}
	if (lo == UINT64_MAX)
		return -ENOENT;
	for (int i = 0; i < n; i++)
		if (!strstr(name[i], "text") && addr[i] > hi && addr[i] < next)
			next = addr[i];
	*start = lo;
	*end = next != UINT64_MAX && next - hi <= (16u << 20) ? next : hi + 65536;
	return 0;
}

/* The module's runtime text span: sysfs sections, else kallsyms (slow). */
static int module_span(struct mc_kfault *kf, uint64_t *start, uint64_t *end)
{
	struct mc_kcov_ranges rs = { 0 };
	int rc;

	if (!sections_span(kf->sys, kf->module, start, end))
		return 0;
	rc = mc_kcov_add_module(&rs, kf->module, kf->proc);
	if (rc)
		return rc;
	*start = rs.r[0].load;
	*end = rs.r[0].load + (rs.r[0].end - rs.r[0].start);
	return 0;
}

int mc_kfault_probe(struct mc_kfault *kf, const char *module, const char *dbg_root,
		    const char *proc_root, char *why, size_t len)
{
	int rc;

	memset(kf, 0, sizeof(*kf));
	snprintf(kf->dbg, sizeof(kf->dbg), "%s", dbg_root ? dbg_root : "/sys/kernel/debug");
	snprintf(kf->proc, sizeof(kf->proc), "%s", proc_root ? proc_root : "/proc");
	snprintf(kf->module, sizeof(kf->module), "%s", module ? module : "");
	/* sysfs beside debugfs: "/sys" for "/sys/kernel/debug", "<root>/sys" for a fixture */
	if (dbg_root)
		snprintf(kf->sys, sizeof(kf->sys), "%.*s/sys",
			 (int)(strrchr(kf->dbg, '/') - kf->dbg), kf->dbg);
	else
		snprintf(kf->sys, sizeof(kf->sys), "/sys");
	if (!can(kf->proc, "thread-self/fail-nth", F_OK)) {
		snprintf(why, len,
			 "the kernel has no fault injection (no %s/thread-self/fail-nth: "
			 "CONFIG_FAULT_INJECTION is off)",
			 kf->proc);
		return -ENOENT;
	}
	if (!can(kf->dbg, "failslab", F_OK)) {
		snprintf(why, len,
			 "no %s/failslab (CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS, "
			 "debugfs mounted)",
			 kf->dbg);
		return -ENOENT;
	}
	if (!can(kf->dbg, "failslab/require-start", F_OK)) {
		snprintf(why, len,
			 "failslab has no stack-trace filter to keep failures in the driver "
			 "(CONFIG_FAULT_INJECTION_STACKTRACE_FILTER is off)");
		return -ENOENT;
	}
	if (!can(kf->dbg, "failslab/require-start", W_OK) ||
	    !can(kf->proc, "thread-self/fail-nth", W_OK)) {
		snprintf(why, len,
			 "fault injection needs root (%s/failslab and fail-nth are not "
			 "writable)",
			 kf->dbg);
		return -EACCES;
	}
	if (!kf->module[0]) {
		snprintf(why, len,
			 "the device's driver module is unknown: nothing to aim failures at");
		return -ENOENT;
	}
	rc = module_span(kf, &kf->start, &kf->end);
	if (rc) {
		snprintf(why, len,
			 "module %s's text is neither in %s/module/%s/sections nor in "
			 "%s/kallsyms (%s): failures cannot be kept to the driver",
			 kf->module, kf->sys, kf->module, kf->proc,
			 rc == -EPERM ? "addresses hidden" : "not loaded, or built in");
		return rc;
	}
	kf->page_alloc = can(kf->dbg, "fail_page_alloc/require-start", F_OK);
	return 0;
}

int mc_kfault_configure(struct mc_kfault *kf, char *why, size_t len)
{
	/* For both attributes, then fail_page_alloc's own (page_only). */
	static const struct {
		const char *file, *val;
		bool page_only;
	} settings[] = {
		{ "probability", "0", false },	     { "verbose", "1", false },
		{ "task-filter", "N", false },	     { "stacktrace-depth", "32", false },
		{ "ignore-gfp-wait", "N", false },   { "min-order", "0", true },
		{ "ignore-gfp-highmem", "N", true },
	};
	char lo[24], hi[24];
	int rc;

	if (kf->configured)
		return 0;
	if (len)
		why[0] = '\0';
	snprintf(lo, sizeof(lo), "%#llx", (unsigned long long)kf->start);
	snprintf(hi, sizeof(hi), "%#llx", (unsigned long long)kf->end);
	for (size_t a = 0; a < (kf->page_alloc ? 2u : 1u); a++) {
		/* end before start: the range is never empty or inverted on the way */
		rc = attr_write(kf, attrs[a], "require-end", hi);
		if (!rc)
			rc = attr_write(kf, attrs[a], "require-start", lo);
		for (size_t i = 0; !rc && i < sizeof(settings) / sizeof(settings[0]); i++)
			if (!settings[i].page_only || a == 1) {
				rc = attr_write(kf, attrs[a], settings[i].file, settings[i].val);
				if (rc)
					snprintf(why, len, "writing %s/%s/%s: %s", kf->dbg,
						 attrs[a], settings[i].file, strerror(-rc));
			}
		if (rc) {
			if (!why[0])
				snprintf(why, len, "writing %s/%s/require-*: %s", kf->dbg, attrs[a],
					 strerror(-rc));
			return rc;
		}
	}
	kf->configured = true;
	return 0;
}

/*
 * mc_kfault_arm: the calling thread's @n-th failure point from now (1-based) fails;
 * @n 0 disarms. 0 or -errno.
 */
static int mc_kfault_arm(const struct mc_kfault *kf, unsigned n)
{
	char path[160], val[16];

	snprintf(path, sizeof(path), "%s/thread-self/fail-nth", kf->proc);
	snprintf(val, sizeof(val), "%u", n);
	return write_str(path, val);
}

/* mc_kfault_left: the calling thread's fail-nth as the kernel has it now. 0 or -errno. */
static int mc_kfault_left(const struct mc_kfault *kf, unsigned *left)
{
	char path[160], buf[24];
	ssize_t n;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/thread-self/fail-nth", kf->proc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		rc = -errno;
	else {
		char *end;

		buf[n] = '\0';
		*left = (unsigned)strtoul(buf, &end, 10);
		if (end == buf)
			rc = -EINVAL;
	}
	close(fd);
	return rc;
}

unsigned mc_kfault_dev_kinds(struct mc_kfault_dev *kd, const char *module, char *why, size_t len)
{
	if (!kd->probed) {
		int rc = mc_kfault_probe(&kd->kf, module, kd->dbg_root, kd->proc_root, kd->why,
					 sizeof(kd->why));

		kd->probed = rc ? rc : 1;
	}
	if (kd->probed == 1)
		return MC_FAULT_ALLOC_KINDS;
	snprintf(why, len, "%s", kd->why);
	return 0;
}

int mc_kfault_dev_fault(struct mc_kfault_dev *kd, const char *module, int kind, uint32_t arg)
{
	unsigned left = 0; /* set by mc_kfault_left() unless it fails */
	int rc, was = kd->armed;

	if (kind != MC_FAULT_NONE && kind != MC_FAULT_ALLOC_NTH && kind != MC_FAULT_ALLOC_COUNT)
		return -EINVAL;
	if (kind == MC_FAULT_NONE) {
		if (was == MC_FAULT_NONE)
			return 0;
		kd->armed = MC_FAULT_NONE;
		rc = mc_kfault_left(&kd->kf, &left);
		if (rc || (left && (rc = mc_kfault_arm(&kd->kf, 0))))
			return rc;
		if (was == MC_FAULT_ALLOC_COUNT)
			return left ? (int)(MC_KFAULT_COUNT_BASE - left) : -ERANGE;
		return left != 0;
	}
	if (kind == MC_FAULT_ALLOC_NTH && (arg == 0 || arg >= MC_KFAULT_COUNT_BASE))
		return -EINVAL;
	if (!mc_kfault_dev_kinds(kd, module, kd->why, sizeof(kd->why)))
		return -EOPNOTSUPP;
	rc = mc_kfault_configure(&kd->kf, kd->why, sizeof(kd->why));
	if (rc)
		return rc;
	rc = mc_kfault_arm(&kd->kf, kind == MC_FAULT_ALLOC_NTH ? arg : MC_KFAULT_COUNT_BASE);
	if (!rc)
		kd->armed = kind;
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's oracles from its config and boot options (kinfo.h): one table row per
 * oracle, each saying whether this kernel can report that class of bug and what keeps
 * the reports coming (kasan_multi_shot, kmemleak=on, a KFENCE sample interval). And the
 * preflight's probe of MIG_PRECOPY_INFOv2 in words: which kernels answer it how.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "file.h"
#include "kinfo.h"
#include "mc_uapi.h"

#define CONFIG_MAX (4u << 20) /* a .config is ~300 KiB; anything far larger is not one */

/* The value of CONFIG_@opt in @config ("y", "m", "100", "\"-x\""), or NULL when unset. */
static const char *cfg(const char *config, const char *opt, char *buf, size_t len)
{
	size_t n = strlen(opt);

	for (const char *p = config; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t v;

		if (strncmp(p, "CONFIG_", 7) || strncmp(p + 7, opt, n) || p[7 + n] != '=')
			continue;
		v = strcspn(p + 8 + n, "\n");
		snprintf(buf, len, "%.*s", (int)v, p + 8 + n);
		return buf;
	}
	return NULL;
}

static bool on(const char *config, const char *opt)
{
	char v[8];
	const char *s = cfg(config, opt, v, sizeof(v));

	return s && (!strcmp(s, "y") || !strcmp(s, "m"));
}

/* The value of boot option @key ("key=value"), "" for a bare "key", NULL when absent. */
static const char *boot(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t n = strlen(key);
	const char *found = NULL;

	for (const char *p = cmdline ? cmdline : ""; *p; p += strcspn(p, " \t\n")) {
		p += strspn(p, " \t\n");
		if (!strncmp(p, "--", 2) && (!p[2] || strchr(" \t\n", p[2])))
			break; /* what follows "--" is init's, not the kernel's */
		if (!strncmp(p, key, n) && (!p[n] || strchr(" \t\n=", p[n]))) {
			size_t v = p[n] == '=' ? strcspn(p + n + 1, " \t\n") : 0;

			snprintf(buf, len, "%.*s", (int)v, p + n + (p[n] == '='));
			found = buf; /* the last one wins, as for the kernel */
		}
	}
	return found;
}

/* Append @text to @o's detail, "; " between parts. */
static void note(struct mc_koracle *o, const char *text)
{
	size_t n = strlen(o->detail);

	snprintf(o->detail + n, sizeof(o->detail) - n, "%s%s", n ? "; " : "", text);
}

struct ctx {
	const char *config, *cmdline;
};

/* Present when CONFIG_@opt is on, else absent naming it. */
static bool base(const struct ctx *c, struct mc_koracle *o, const char *opt)
{
	char t[64];

	o->state = on(c->config, opt) ? MC_ORACLE_PRESENT : MC_ORACLE_ABSENT;
	if (o->state == MC_ORACLE_ABSENT) {
		snprintf(t, sizeof(t), "CONFIG_%s is not set", opt);
		note(o, t);
	}
	return o->state == MC_ORACLE_PRESENT;
}

static void kasan(const struct ctx *c, struct mc_koracle *o)
{
	char v[16];
	const char *off = boot(c->cmdline, "kasan", v, sizeof(v));

	if (!base(c, o, "KASAN"))
		return;
	note(o, on(c->config, "KASAN_GENERIC") ? "generic" :
		on(c->config, "KASAN_SW_TAGS") ? "software tags" :
		on(c->config, "KASAN_HW_TAGS") ? "hardware tags" :
						 "mode unknown");
	if (on(c->config, "KASAN_INLINE") || on(c->config, "KASAN_OUTLINE"))
		note(o, on(c->config, "KASAN_INLINE") ? "inline" : "outline");
	if (off && !strcmp(off, "off")) {
		o->state = MC_ORACLE_ABSENT;
		note(o, "turned off by kasan=off");
	} else {
		note(o, boot(c->cmdline, "kasan_multi_shot", v, sizeof(v)) ?
				"every report (kasan_multi_shot)" :
				"first report only (booted without kasan_multi_shot)");
	}
}

static void ubsan(const struct ctx *c, struct mc_koracle *o)
{
	static const char *const checks[][2] = {
		{ "UBSAN_BOUNDS", "bounds" },
		{ "UBSAN_BOUNDS_STRICT", "bounds-strict" },
		{ "UBSAN_ARRAY_BOUNDS", "array-bounds" },
		{ "UBSAN_LOCAL_BOUNDS", "local-bounds" },
		{ "UBSAN_BOOL", "bool" },
		{ "UBSAN_ENUM", "enum" },
		{ "UBSAN_SHIFT", "shift" },
		{ "UBSAN_DIV_ZERO", "div-zero" },
		{ "UBSAN_SIGNED_WRAP", "signed-wrap" },
	};
	char t[160] = "checks:";

	if (!base(c, o, "UBSAN"))
		return;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (on(c->config, checks[i][0]))
			snprintf(t + strlen(t), sizeof(t) - strlen(t), " %s", checks[i][1]);
	note(o, strlen(t) > 7 ? t : "no check enabled");
	if (on(c->config, "UBSAN_TRAP"))
		note(o, "traps (an Oops, no UBSAN report)");
}

static void lockdep(const struct ctx *c, struct mc_koracle *o)
{
	if (base(c, o, "PROVE_LOCKING"))
		note(o, "one report per boot (lockdep turns itself off after it)");
}

static void lockdep_rcu(const struct ctx *c, struct mc_koracle *o)
{
	if (base(c, o, "PROVE_RCU"))
		note(o, "suspicious RCU usage");
}

static void kmemleak(const struct ctx *c, struct mc_koracle *o)
{
	char v[16];
	const char *b = boot(c->cmdline, "kmemleak", v, sizeof(v));

	if (!base(c, o, "DEBUG_KMEMLEAK"))
		return;
	if (b && !strcmp(b, "off")) {
		o->state = MC_ORACLE_ABSENT;
		note(o, "turned off by kmemleak=off");
	} else if (on(c->config, "DEBUG_KMEMLEAK_DEFAULT_OFF") && !(b && !strcmp(b, "on"))) {
		o->state = MC_ORACLE_ABSENT;
		note(o, "off by default (CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF) and not booted with "
			"kmemleak=on");
	} else {
		note(o, b && !strcmp(b, "on") ? "on (kmemleak=on); scanned after each case group" :
						"on; scanned after each case group");
	}
}

static void atomic_sleep(const struct ctx *c, struct mc_koracle *o)
{
	if (base(c, o, "DEBUG_ATOMIC_SLEEP"))
		note(o, "sleeping function called from invalid context");
}

static void kfence(const struct ctx *c, struct mc_koracle *o)
{
	char v[24], b[24], t[96];
	const char *iv = cfg(c->config, "KFENCE_SAMPLE_INTERVAL", v, sizeof(v));
	const char *bi = boot(c->cmdline, "kfence.sample_interval", b, sizeof(b));
	long ms = strtol(bi ? bi : iv ? iv : "0", NULL, 10);

	if (!base(c, o, "KFENCE"))
		return;
	if (ms <= 0) {
		o->state = MC_ORACLE_ABSENT;
		note(o, "sample interval 0: off unless booted with kfence.sample_interval");
		return;
	}
	snprintf(t, sizeof(t), "sampling every %ld ms%s", ms,
		 bi ? " (kfence.sample_interval)" : "");
	note(o, t);
}

static void hung_task(const struct ctx *c, struct mc_koracle *o)
{
	char v[24], t[64];

	if (!base(c, o, "DETECT_HUNG_TASK"))
		return;
	snprintf(t, sizeof(t), "timeout %ss",
		 cfg(c->config, "DEFAULT_HUNG_TASK_TIMEOUT", v, sizeof(v)) ? v : "?");
	note(o, t);
}

static void fault_injection(const struct ctx *c, struct mc_koracle *o)
{
	char t[96] = "";

	if (!base(c, o, "FAULT_INJECTION"))
		return;
	snprintf(t, sizeof(t), "failslab %s, fail_page_alloc %s, debugfs %s",
		 on(c->config, "FAILSLAB") ? "yes" : "no",
		 on(c->config, "FAIL_PAGE_ALLOC") ? "yes" : "no",
		 on(c->config, "FAULT_INJECTION_DEBUG_FS") ? "yes" : "no");
	note(o, t);
}

static void kcov(const struct ctx *c, struct mc_koracle *o)
{
	if (base(c, o, "KCOV"))
		note(o, on(c->config, "KCOV_ENABLE_COMPARISONS") ? "coverage with comparisons" :
								   "coverage (no comparisons)");
}

/* The oracles, in the order every renderer lists them. */
static const struct {
	const char *name;
	void (*probe)(const struct ctx *c, struct mc_koracle *o);
	bool debug; /* enabling it makes the kernel a debug kernel */
} oracles[] = {
	{ "kasan", kasan, true },
	{ "ubsan", ubsan, true },
	{ "lockdep", lockdep, true },
	{ "lockdep_rcu", lockdep_rcu, false },
	{ "kmemleak", kmemleak, true },
	{ "atomic_sleep", atomic_sleep, true },
	{ "kfence", kfence, false },
	{ "hung_task", hung_task, false },
	{ "fault_injection", fault_injection, false },
	{ "kcov", kcov, false },
};
#define NORACLES (sizeof(oracles) / sizeof(oracles[0]))
_Static_assert(NORACLES <= MC_KINFO_ORACLES, "MC_KINFO_ORACLES too small");

/* The option a debug oracle is judged by for the flavour, whatever the boot options. */
static const char *const debug_options[] = {
	"KASAN", "UBSAN", "PROVE_LOCKING", "DEBUG_KMEMLEAK", "DEBUG_ATOMIC_SLEEP",
};

/* Boot options that change what the oracles report (prefixes of "key" or "key=value"). */
static const char *const boot_prefixes[] = {
	"kasan",	  "kmemleak", "kfence",	       "slub_debug",  "panic_on_warn",
	"panic_on_taint", "lockdep",  "prove_locking", "debug_locks", "hung_task",
	"ubsan",	  "fail",     "kcov",	       "softlockup",  "rcupdate.rcu_cpu_stall",
};

/* The tokens of @cmdline that start with one of boot_prefixes, into @out. */
static void boot_filter(const char *cmdline, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = cmdline ? cmdline : ""; *p; p += strcspn(p, " \t\n")) {
		size_t n, used = strlen(out);

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (!strncmp(p, "--", 2) && n == 2)
			break; /* what follows "--" is init's, not the kernel's */
		for (size_t i = 0; n && i < sizeof(boot_prefixes) / sizeof(boot_prefixes[0]); i++) {
			if (strncmp(p, boot_prefixes[i], strlen(boot_prefixes[i])))
				continue;
			if (used + n + 2 <= len)
				snprintf(out + used, len - used, "%s%.*s", used ? " " : "", (int)n,
					 p);
			break;
		}
	}
}

void mc_kinfo_derive(struct mc_kinfo *ki, const char *config, const char *cmdline,
		     const char *build)
{
	struct ctx c = { .config = config, .cmdline = cmdline };
	bool debug = false;

	memset(ki, 0, sizeof(*ki));
	ki->recorded = true;
	snprintf(ki->build, sizeof(ki->build), "%s", build ? build : "");
	boot_filter(cmdline, ki->boot_options, sizeof(ki->boot_options));
	for (size_t i = 0; i < sizeof(debug_options) / sizeof(debug_options[0]); i++)
		debug |= config && on(config, debug_options[i]);
	snprintf(ki->flavour, sizeof(ki->flavour), "%s",
		 !config ? "unknown" :
		 debug	 ? "debug" :
			   "production");
	for (size_t i = 0; i < NORACLES; i++) {
		struct mc_koracle *o = &ki->oracles[i];

		snprintf(o->name, sizeof(o->name), "%s", oracles[i].name);
		if (config)
			oracles[i].probe(&c, o);
		else
			note(o, "the kernel's config is not known");
	}
	ki->noracles = (int)NORACLES;
}

void mc_kinfo_probe(struct mc_kinfo *ki, const char *config_path)
{
	char *config = NULL, *cmdline = NULL;
	size_t len, n = config_path ? strlen(config_path) : 0;
	bool gz = n > 3 && !strcmp(config_path + n - 3, ".gz");

	/* Compressed (/proc/config.gz): hashed as stored, but not read here. */
	if (n && !gz && mc_file_read(config_path, CONFIG_MAX, 0, &config, &len))
		config = NULL;
	if (mc_file_read("/proc/cmdline", 4096, 0, &cmdline, &len))
		cmdline = NULL;
	mc_kinfo_derive(ki, config, cmdline, getenv(MC_KINFO_BUILD_ENV));
	for (int i = 0; !config && i < ki->noracles; i++)
		snprintf(ki->oracles[i].detail, sizeof(ki->oracles[i].detail),
			 !n ? "no config file of the running kernel was found%s" :
			 gz ? "its config is only compressed (%s), which is not read" :
			      "its config %s could not be read",
			 n ? config_path : "");
	free(config);
	free(cmdline);
}

static const char *const state_names[] = {
	[MC_ORACLE_UNKNOWN] = "unknown",
	[MC_ORACLE_ABSENT] = "absent",
	[MC_ORACLE_PRESENT] = "present",
};

const char *mc_kinfo_state_name(enum mc_oracle_state st)
{
	return (unsigned)st <= MC_ORACLE_PRESENT ? state_names[st] : "unknown";
}

int mc_kinfo_state_parse(const char *name)
{
	for (int i = 0; name && i <= MC_ORACLE_PRESENT; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

int mc_kinfo_list(const struct mc_kinfo *ki, enum mc_oracle_state st, char *buf, size_t len)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	for (int i = 0; i < ki->noracles && i < MC_KINFO_ORACLES; i++) {
		size_t used = strlen(buf);

		if (ki->oracles[i].state != st)
			continue;
		snprintf(buf + used, len - used, "%s%s", n++ ? " " : "", ki->oracles[i].name);
	}
	return n;
}

const struct mc_koracle *mc_kinfo_oracle(const struct mc_kinfo *ki, const char *name)
{
	for (int i = 0; i < ki->noracles && i < MC_KINFO_ORACLES; i++)
		if (!strcmp(ki->oracles[i].name, name))
			return &ki->oracles[i];
	return NULL;
}

const char *mc_uapi_v2_text(int rc, int unknown_rc, uint64_t flags, char *buf, size_t len)
{
	if (!rc)
		snprintf(buf, len, "present");
	else if (rc == -ENOTTY)
		snprintf(buf, len, "absent (PROBE gave ENOTTY: kernel before 7.1)");
	else if (rc == -EINVAL && unknown_rc == -EINVAL)
		snprintf(buf, len,
			 "absent or refused (PROBE gave EINVAL, as an unknown feature "
			 "does on this kernel: before 6.18, so before 7.1)");
	else if (rc == -EINVAL && !(flags & VFIO_MIGRATION_PRE_COPY))
		snprintf(buf, len, "present, refused (EINVAL: the device lacks PRE_COPY)");
	else
		snprintf(buf, len, "refused (PROBE gave %s)", mc_errno_name(rc));
	return buf;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel a run ran on, as the report names it: its flavour (debug or production,
 * derived from its config alone), the rig's label of the build, and which kernel-log
 * oracles (KASAN, UBSAN, lockdep, kmemleak, ...) its config and boot options give it.
 * Nothing is claimed without a config: every oracle is then "unknown". Also what the
 * preflight's probe of a uAPI feature says of the kernel's version.
 */
#ifndef MC_KINFO_H
#define MC_KINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mc_oracle_state { MC_ORACLE_UNKNOWN = 0, MC_ORACLE_ABSENT, MC_ORACLE_PRESENT };

#define MC_KINFO_ORACLES 16 /* room for every oracle, also of a later report */

struct mc_koracle {
	char name[24]; /* "kasan", "ubsan", "lockdep", ... (mc_kinfo_probe) */
	enum mc_oracle_state state;
	char detail[160]; /* "generic, inline; every report (kasan_multi_shot)" */
};

struct mc_kinfo {
	bool recorded;	  /* false: a report from before these were recorded */
	char flavour[16]; /* "debug", "production" or "unknown" */
	char build[160];  /* the rig's label of the build ($MC_KERNEL_BUILD), or "" */
	/*
	 * The boot options (of /proc/cmdline) that bear on the oracles: kasan*, kmemleak*,
	 * kfence*, slub_debug*, panic_on_warn, ... space-separated; the rest of the
	 * command line is not recorded.
	 */
	char boot_options[256];
	int noracles;
	struct mc_koracle oracles[MC_KINFO_ORACLES];
};

/* Where the rig passes its label of the kernel build (vm/run.sh -> vm/init -> migcheck). */
#define MC_KINFO_BUILD_ENV "MC_KERNEL_BUILD"

/*
 * mc_kinfo_derive: fill @ki (recorded) from kernel config text @config (a .config:
 * "CONFIG_X=y" and "# CONFIG_X is not set" lines; NULL when the config is unknown) and
 * boot command line @cmdline (may be NULL or ""). Every oracle of the built-in list gets
 * a state: unknown without a config, else present or absent with why. The flavour is
 * "debug" when the config enables any of KASAN, UBSAN, PROVE_LOCKING, DEBUG_KMEMLEAK
 * or DEBUG_ATOMIC_SLEEP (what Debian's production kernels never build), "production"
 * when it enables none, "unknown" without a config: never from the release string.
 * @build (may be NULL) is kept as the label.
 */
void mc_kinfo_derive(struct mc_kinfo *ki, const char *config, const char *cmdline,
		     const char *build);

/*
 * mc_kinfo_probe: mc_kinfo_derive() for the running kernel: the config file at
 * @config_path (the one report.json's config_sha256 hashes; NULL, "" or a compressed
 * *.gz file is an unknown config), /proc/cmdline and $MC_KERNEL_BUILD.
 */
void mc_kinfo_probe(struct mc_kinfo *ki, const char *config_path);

/* "present", "absent", "unknown"; mc_kinfo_state_parse() inverts (-1 when unknown). */
const char *mc_kinfo_state_name(enum mc_oracle_state st);
int mc_kinfo_state_parse(const char *name);

/*
 * mc_kinfo_list: the names of @ki's oracles in state @st, space-separated, into @buf
 * ("" when none). Returns how many.
 */
int mc_kinfo_list(const struct mc_kinfo *ki, enum mc_oracle_state st, char *buf, size_t len);

/* The oracle called @name in @ki, or NULL. */
const struct mc_koracle *mc_kinfo_oracle(const struct mc_kinfo *ki, const char *name);

/*
 * What the preflight's PROBE of MIG_PRECOPY_INFOv2 says, in words, into @buf: "present",
 * "absent (PROBE gave ENOTTY: kernel before 7.1)", ... @rc is the probe's answer,
 * @unknown_rc an unknown feature's, @flags the device's migration flags (a device
 * without PRE_COPY gets EINVAL from a kernel that knows the feature). Returns @buf.
 */
const char *mc_uapi_v2_text(int rc, int unknown_rc, uint64_t flags, char *buf, size_t len);

#endif /* MC_KINFO_H */

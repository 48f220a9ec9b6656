/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Case tables: the rows of the files in cases/ and their parser. A row is data (name,
 * clause, precondition, operation, arguments, expectation, description); the operation,
 * found by name in the registry (ops.h), is library code that drives the device and judges
 * against the expectation. See cases/README.md for the format.
 */
#ifndef MC_CASES_H
#define MC_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* The case files built into the binary (generated from cases/ by tools/embed.c). */
struct mc_embedded_file {
	const char *name;
	const char *text;
};
extern const struct mc_embedded_file mc_embedded_cases[];

/* Preconditions a row may require; a device lacking one gets `skip` with the reason. */
enum {
	MC_PRE_P2P = 1u << 0,	   /* VFIO_MIGRATION_P2P advertised */
	MC_PRE_PRE_COPY = 1u << 1, /* VFIO_MIGRATION_PRE_COPY advertised */
	MC_PRE_LOG = 1u << 2,	   /* PROBE of DMA_LOGGING_START succeeds */
	MC_PRE_FAULT = 1u << 3,	   /* the backend can inject faults (simulated device) */
	MC_PRE_FLAGS = 1u << 4,	   /* usable migration flags were read (implicit for non-FEAT) */
	MC_PRE_QEMU = 1u << 5,	   /* --profile selects qemu (a VMM's sequence, not a device's) */
	MC_PRE_CH = 1u << 6,	   /* --profile selects cloud-hypervisor */
};

/*
 * --profile: the VMMs whose sequences run, as the MC_PRE_* bits of their rows. A row of a
 * VMM left out is skipped with the reason, so that a report says what it did not cover.
 */
#define MC_PROFILES_ALL (MC_PRE_QEMU | MC_PRE_CH)
/*
 * Parse @list ("qemu", "cloud-hypervisor", "all" or "none", comma separated; "none" alone)
 * into *@out. -EINVAL with "--profile: ..." in @err for an unknown or misplaced word.
 */
int mc_profile_parse(const char *list, unsigned *out, char *err, size_t errlen);
/* "qemu,cloud-hypervisor", "qemu", ... or "none" for @profiles, into @buf. */
const char *mc_profile_text(unsigned profiles, char *buf, size_t len);

/* The rows of a case set, in the order of its files and lines. */
struct mc_caseset {
	struct mc_case *cases;
	int n;
};

/*
 * Parse one case file's @text (named @fname in messages) and append its rows to @cs.
 * On a malformed row returns -EINVAL with "file:line: what is wrong" in @err; @cs then
 * holds the rows before it. Duplicate case names across the set are an error.
 */
int mc_cases_parse(const char *fname, const char *text, struct mc_caseset *cs, char *err,
		   size_t errlen);
/* Load the built-in case set. */
int mc_cases_load_builtin(struct mc_caseset *cs, char *err, size_t errlen);
/* Load every *.cases file of @dir (sorted by name) instead of the built-in set. */
int mc_cases_load_dir(const char *dir, struct mc_caseset *cs, char *err, size_t errlen);
void mc_cases_free(struct mc_caseset *cs);

/*
 * --only: whether @only (a comma list of clause IDs, groups and case-name prefixes; NULL
 * selects everything) selects row @c.
 */
bool mc_case_selected(const struct mc_case *c, const char *only);
/*
 * Check @only against @cs: there must be a word and every word must name a row of the set.
 * 0, or -EINVAL with one line in @err ("--only: 'FSM-99' is no clause ID, ..."). Whether
 * the rows have instances on a given device is the runner's question.
 */
int mc_cases_check_only(const struct mc_caseset *cs, const char *only, char *err, size_t errlen);

/* Instances of @c for a device with model flags @flags; returns the count (<= @max). */
int mc_case_expand(const struct mc_case *c, uint64_t flags, struct mc_param *out, int max);

#endif /* MC_CASES_H */

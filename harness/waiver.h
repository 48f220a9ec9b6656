/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Waivers: known deviations of a device, accepted with a reason and a reference. A
 * waived fail or warn is shown as "waived" in every format and counts as neither a
 * pass nor a failure. File format (one waiver per line, '#' comment lines):
 *
 *   RES-04   the device accepts a corrupt header; fixed in 2.1   ref=https://bugs/123
 */
#ifndef MC_WAIVER_H
#define MC_WAIVER_H

#include <stddef.h>

#include "report.h"

struct mc_waiver {
	char clause[16]; /* "RES-04" */
	char reason[512];
	char ref[512]; /* URL or ticket */
	unsigned line; /* in the file; 0 when read from a report */
};

struct mc_waivers {
	struct mc_waiver *w;
	int n;
	char source[256]; /* file name, for messages */
};

/*
 * mc_waivers_parse: parse @len bytes of waiver file text named @name. Every line needs
 * a clause ID (GROUP-NN), a reason and a ref=...; a malformed line, a duplicate clause
 * or a NUL byte is -EINVAL with "name:line: why" in @err. 0 on success (free with
 * mc_waivers_free; an empty file gives n = 0).
 */
int mc_waivers_parse(const char *buf, size_t len, const char *name, struct mc_waivers *out,
		     char *err, size_t errlen);
/* mc_waivers_load: read and parse @path (at most 1 MiB); -errno when unreadable. */
int mc_waivers_load(const char *path, struct mc_waivers *out, char *err, size_t errlen);
void mc_waivers_free(struct mc_waivers *w);

/* -EINVAL with @err set when a waiver names a clause this build does not know. */
int mc_waivers_validate(const struct mc_waivers *w, char *err, size_t errlen);

/* The waiver for @clause_id, or NULL. */
const struct mc_waiver *mc_waiver_find(const struct mc_waivers *w, const char *clause_id);
/* The waiver that covers result @r: its clause is waived and it is a fail or warn. */
const struct mc_waiver *mc_waiver_for(const struct mc_waivers *w, const struct mc_case_result *r);

/*
 * mc_waivers_apply: attach @w (may be NULL: remove all waivers) to @rep, set every
 * case's waiver, recount and set rep->exit_code to what the verdict now gives. A waiver naming a clause @rep does not have is -EINVAL
 * with the reason in @err (a typo must not silently waive nothing). @w must outlive
 * @rep's use.
 */
int mc_waivers_apply(struct mc_report *rep, const struct mc_waivers *w, char *err, size_t errlen);

/* Write @w in the file format (what a bundle carries when the report recorded them). */
void mc_waivers_write(FILE *f, const struct mc_waivers *w);

#endif /* MC_WAIVER_H */

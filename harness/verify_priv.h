/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to verify.c (the archive, manifest and signature) and verify_evidence.c (what
 * the bundled evidence gives against what report.json records): the output, where every
 * line is escaped, since its strings come from the bundle.
 */
#ifndef MC_VERIFY_PRIV_H
#define MC_VERIFY_PRIV_H

#include <stdbool.h>
#include <stdio.h>

#include "render.h"
#include "report.h"

struct mc_vf {
	FILE *out;
	int bad;    /* mismatches found */
	bool quiet; /* count mismatches without printing them */
};

/* The output (verify_out.c). One line on @v->out, escaped as a whole (mc_term_vprintf). */
__attribute__((format(printf, 2, 3))) void mc_vf_say(struct mc_vf *v, const char *fmt, ...);
/* One "MISMATCH: " line, counted in @v->bad. */
__attribute__((format(printf, 2, 3))) void mc_vf_mismatch(struct mc_vf *v, const char *fmt, ...);

/*
 * mc_vf_evidence: check report.json (@root, loaded as @rep) against the other files of
 * @fs: waivers, the roll-up of its case results, ROB-01 against kernel.log, the run in
 * environment.json, and the renderings. Mismatches go to @v.
 */
void mc_vf_evidence(struct mc_vf *v, const struct mc_rfiles *fs, const struct mc_json *root,
		    const struct mc_report *rep);

#endif /* MC_VERIFY_PRIV_H */

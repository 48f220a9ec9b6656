/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Certification bundles: one ustar file with a run's reports (report.json and every
 * format rendered from it), kernel log, environment, waivers and MANIFEST.sha256 (in
 * sha256sum's format), and their verification: digests, then the verdict recomputed
 * from the raw case results, then every rendering compared with the JSON's.
 */
#ifndef MC_BUNDLE_H
#define MC_BUNDLE_H

#include <stdio.h>

#define MC_BUNDLE_MAX (1u << 30)	/* largest bundle verify reads */

struct mc_bundle_opts {
	const char *dir;	/* report directory: report.json and whatever lies next to it */
	const char *out;	/* bundle file; NULL: "<dir>.bundle.tar" */
	const char *waivers;	/* waiver file or NULL (then the report's own, if any) */
};

/*
 * mc_bundle_create: write the bundle of @o->dir. Returns 0, or -errno with one line on
 * stderr naming the file and the problem. The bundle's path is written to @path.
 */
int mc_bundle_create(const struct mc_bundle_opts *o, char *path, size_t pathlen);

/*
 * mc_bundle_verify: check bundle @path, printing what was checked and every mismatch on
 * @out. Returns 0 when the bundle is intact and consistent, 1 when anything does not
 * match (a tampered or hand-edited bundle), 2 when it cannot be read at all (missing,
 * truncated, not a bundle), with the reason on @out.
 */
int mc_bundle_verify(const char *path, FILE *out);

#endif /* MC_BUNDLE_H */

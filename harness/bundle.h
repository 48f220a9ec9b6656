/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Certification bundles: one ustar file with a run's reports (report.json and every
 * format rendered from it), kernel log, environment, waivers and MANIFEST.sha256 (in
 * sha256sum's format, plus '#' lines giving each member's type, mode and size), signed
 * in signify's format when a key is given; and their verification.
 */
#ifndef MC_BUNDLE_H
#define MC_BUNDLE_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

#define MC_BUNDLE_MAX (1u << 30) /* largest bundle verify reads */
#define MC_BUNDLE_MANIFEST "MANIFEST.sha256"
#define MC_BUNDLE_MANIFEST_HEAD "# migcheck bundle manifest 2"
#define MC_BUNDLE_MODE 0644  /* every member's mode */
#define MC_BUNDLE_ENV_RUN 13 /* fields of environment.json's "run" */

struct mc_bundle_opts {
	const char *dir;     /* report directory: report.json and whatever lies next to it */
	const char *out;     /* bundle file; NULL: "<dir>.bundle.tar" */
	const char *waivers; /* waiver file or NULL (then the report's own, if any) */
	const char *key;     /* signify secret key file to sign the manifest with, or NULL */
};

/*
 * mc_bundle_create: write the bundle of @o->dir. Symbolic links and files whose names
 * a bundle cannot carry are left out (the latter with a warning). Returns 0, or -errno
 * with one line on stderr naming the file and the problem. The bundle's path is
 * written to @path.
 */
int mc_bundle_create(const struct mc_bundle_opts *o, char *path, size_t pathlen);

/*
 * mc_bundle_verify: check bundle @path, printing what was checked and every mismatch on
 * @out (every string taken from the bundle escaped). With @pubkey (a signify public key
 * file, may be NULL) the manifest's signature must verify with it; without, the output
 * says that only self-consistency was shown. Returns 0 when the bundle is intact and
 * consistent, 1 when anything does not match (a tampered, hand-edited, repacked or
 * unsigned bundle), 2 when it cannot be read at all (missing, not a regular file,
 * truncated, not a bundle, unreadable key), with the reason on @out.
 */
int mc_bundle_verify(const char *path, const char *pubkey, FILE *out);

/*
 * mc_bundle_name_ok: may a member be called @name (relative to the bundle's directory)?
 * Components of letters, digits and "._+-" (not "." or ".."), joined by single '/'
 * unless @one; at most 200 bytes.
 */
bool mc_bundle_name_ok(const char *name, bool one);

/*
 * mc_bundle_env_run: field @i (0 <= @i < MC_BUNDLE_ENV_RUN) of environment.json's "run"
 * object as recorded in @rep: its value (borrowed from @rep) and *@key its name.
 */
const char *mc_bundle_env_run(const struct mc_report *rep, int i, const char **key);

#endif /* MC_BUNDLE_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the reporters that write one file from the finished report (report.json,
 * junit.xml, report.html, report.ktap) share (reporter.h): they keep the output directory at begin()
 * and write their file atomically at end(), or leave the old one in place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "reporter.h"

/* Write @dir/@name atomically with @write(f, @rep): 0 or -errno, a line on stderr on failure. */
static int write_file(const char *dir, const char *name,
		      int (*write)(FILE *f, const struct mc_report *rep),
		      const struct mc_report *rep)
{
	char tmp[4352];
	FILE *f = mc_atomic_open(dir, name, tmp, sizeof(tmp));
	int rc;

	if (!f)
		return -errno;
	rc = write(f, rep);
	/* A writer reports a lost write as -EIO; stdio kept the data, a flush gives its errno. */
	if (rc == -EIO && ferror(f) && fflush(f) == EOF && errno)
		rc = -errno;
	if (rc) {
		mc_atomic_abort(f, tmp);
		fprintf(stderr, "migcheck: cannot write %s/%s: %s\n", dir, name, strerror(-rc));
		return rc;
	}
	return mc_atomic_commit(f, tmp, dir, name);
}

int mc_file_reporter_begin(void **priv, const char *outdir, const char *name)
{
	if (!outdir) {
		fprintf(stderr, "migcheck: %s: no output directory given\n", name);
		return -EINVAL;
	}
	*priv = strdup(outdir);
	if (!*priv) {
		fprintf(stderr, "migcheck: %s/%s: %s\n", outdir, name, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

int mc_file_reporter_result(void *priv, const struct mc_case_result *r, int index)
{
	(void)priv; /* everything is written at end(), from the complete report */
	(void)r;
	(void)index;
	return 0;
}

int mc_file_reporter_end(void *priv, const char *name,
			 int (*write)(FILE *f, const struct mc_report *rep),
			 const struct mc_report *rep)
{
	int rc = write_file(priv, name, write, rep);

	free(priv);
	return rc;
}

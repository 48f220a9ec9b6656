// SPDX-License-Identifier: GPL-2.0-only
/*
 * Atomic file output (atomic.h): a temporary in the same directory, fsync, rename, then
 * fsync of the directory, so a reader (or a crash) sees the old file or the whole new
 * one, never half of it. Every file a run, a render or a bundle writes goes through it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

FILE *mc_atomic_open(const char *dir, const char *name, char *tmppath, size_t tmplen)
{
	int fd, n, err;
	FILE *f;

	n = snprintf(tmppath, tmplen, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	if (n < 0 || (size_t)n >= tmplen) {
		err = ENAMETOOLONG;
		goto out_err;
	}
	unlink(tmppath); /* a stale leftover of an earlier process with our pid */
	fd = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		goto out_err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		goto out_close_fd;
	}
	return f;

out_close_fd:
	close(fd);
	unlink(tmppath);
out_err:
	fprintf(stderr, "migcheck: cannot create %s/%s: %s\n", dir, name, strerror(err));
	errno = err;
	return NULL;
}

void mc_atomic_abort(FILE *f, const char *tmppath)
{
	if (f)
		fclose(f);
	if (tmppath)
		unlink(tmppath);
}

void mc_path_split(const char *path, char *dir, size_t dlen, const char **name)
{
	const char *slash = strrchr(path, '/');

	snprintf(dir, dlen, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash == path)
		snprintf(dir, dlen, "/");
	*name = slash ? slash + 1 : path;
}

/* Make the rename durable; a directory that cannot be fsynced is not an error. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int mc_atomic_commit(FILE *f, const char *tmppath, const char *dir, const char *name)
{
	char final[PATH_MAX];
	int rc = 0, n;

	if (!f)
		return -EINVAL;
	errno = 0;
	if (fflush(f) == EOF)
		rc = -(errno ? errno : EIO);
	else if (ferror(f)) /* an earlier write was lost; its errno is gone */
		rc = -EIO;
	else if (fsync(fileno(f)) < 0)
		rc = -errno;
	if (fclose(f) == EOF && !rc)
		rc = -errno;
	if (!rc) {
		n = snprintf(final, sizeof(final), "%s/%s", dir, name);
		if (n < 0 || (size_t)n >= sizeof(final))
			rc = -ENAMETOOLONG;
		else if (rename(tmppath, final) < 0)
			rc = -errno;
	}
	if (rc) {
		unlink(tmppath);
		fprintf(stderr, "migcheck: cannot write %s/%s: %s\n", dir, name, strerror(-rc));
		return rc;
	}
	sync_dir(dir);
	return 0;
}

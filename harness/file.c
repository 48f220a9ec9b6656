// SPDX-License-Identifier: GPL-2.0-only
/*
 * Input files (file.h): open only regular files, without ever blocking on a FIFO, and
 * read them whole with a size cap. One helper for every input path, so that no command
 * can be hung or fed without end by handing it a FIFO or /dev/zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

static int not_regular(mode_t mode)
{
	return S_ISREG(mode) ? 0 : S_ISDIR(mode) ? -EISDIR : S_ISLNK(mode) ? -ELOOP : -EINVAL;
}

int mc_file_open(const char *path, unsigned flags)
{
	bool follow = !(flags & MC_FILE_NOFOLLOW);
	struct stat st;
	int fd, rc;

	if (follow ? stat(path, &st) : lstat(path, &st))
		return -errno;
	rc = not_regular(st.st_mode);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out_close;
	}
	rc = not_regular(st.st_mode);
	if (rc)
		goto out_close;
	if (fcntl(fd, F_SETFL, 0)) { /* clear O_NONBLOCK */
		rc = -errno;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return rc;
}

FILE *mc_file_fopen(const char *path)
{
	int fd = mc_file_open(path, 0);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "rb");
	if (!f) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return f;
}

int mc_file_read(const char *path, size_t max, unsigned flags, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *grown;
	int fd = mc_file_open(path, flags), rc = 0;
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return fd;
	if (!fstat(fd, &st) && (uint64_t)st.st_size > max) { /* refused before reading */
		rc = -EFBIG;
		goto out_close;
	}
	for (;;) {
		ssize_t got;

		if (n == cap) {
			if (cap > max) { /* read max + 1 bytes: more than max */
				rc = -EFBIG;
				goto out_free;
			}
			cap = cap ? (cap > max / 2 ? max + 1 : cap * 2) :
				    (max < 65535 ? max + 1 : 65536);
			grown = realloc(b, cap + 1);
			if (!grown) {
				rc = -ENOMEM;
				goto out_free;
			}
			b = grown;
		}
		got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto out_free;
		}
		if (!got)
			break;
		n += (size_t)got;
	}
	if (n > max) {
		rc = -EFBIG;
		goto out_free;
	}
	if (!b && !(b = malloc(1))) {
		rc = -ENOMEM;
		goto out_close;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	close(fd);
	return 0;

out_free:
	free(b);
out_close:
	close(fd);
	return rc;
}

const char *mc_file_strerror(int rc)
{
	if (rc == -EINVAL)
		return "not a regular file (a FIFO, socket or device is not read)";
	if (rc == -EISDIR)
		return "is a directory, not a file";
	if (rc == -ELOOP)
		return "is a symbolic link (not followed here)";
	if (rc == -EFBIG)
		return "file too large";
	return strerror(-rc);
}

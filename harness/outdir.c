// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report directory of a run: a lock against a second run, an in-progress marker,
 * and publishing the run's files as one set by switching one symlink (DIR/.current)
 * with rename(2), so no reader ever sees one run's report.json beside another's
 * report.html, whatever stops the run (a signal, a kill -9, a full disk).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "outdir.h"
#include "render.h"
#include "term.h"

#define LOCK ".lock"
#define CURRENT ".current"
#define CURRENT_NEW ".current.new"
#define SETS ".sets"
#define LINK_TMP ".link." /* + name: a link made before the switch */
#define MARKER "in-progress"

struct mc_outdir {
	char dir[PATH_MAX];
	char set[PATH_MAX]; /* DIR/.sets/<id>: where this run writes */
	char id[64];	    /* <id> */
	int dfd;	    /* DIR */
	int lockfd;
	bool locked; /* the lock is ours: so is the marker */
	bool made;   /* the set directory is ours */
	bool published;
};

/* @err = the formatted text, ": ", strerror(-@rc); returns @rc. */
__attribute__((format(printf, 4, 5))) static int fail(char *err, size_t errlen, int rc,
						      const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	n = strlen(err);
	snprintf(err + n, errlen - n, ": %s", strerror(-rc));
	return rc;
}

/* "<prefix><name>" into @buf (NAME_MAX + 16 bytes); @name is a directory entry's name. */
static char *join(char *buf, const char *prefix, const char *name)
{
	size_t p = strlen(prefix), n = strnlen(name, NAME_MAX);

	memcpy(buf, prefix, p);
	memcpy(buf + p, name, n);
	buf[p + n] = '\0';
	return buf;
}

/* Remove the set directory @name (below DIR/.sets) and the files in it. */
static void remove_set(int dfd, const char *name)
{
	char rel[NAME_MAX + 16];
	struct dirent *de;
	DIR *d;
	int fd;

	join(rel, SETS "/", name);
	fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(fd, de->d_name, 0);
	closedir(d);
	unlinkat(dfd, rel, AT_REMOVEDIR);
}

/* The set DIR/.current names ("" when none). */
static void current_set(int dfd, char *id, size_t len)
{
	char target[NAME_MAX + 8];
	ssize_t n = readlinkat(dfd, CURRENT, target, sizeof(target) - 1);
	size_t pre = strlen(SETS "/");

	id[0] = '\0';
	if (n <= (ssize_t)pre)
		return;
	target[n] = '\0';
	if (!strncmp(target, SETS "/", pre) && !strchr(target + pre, '/') &&
	    strlen(target + pre) < len)
		memcpy(id, target + pre, strlen(target + pre) + 1);
}

/* Under the lock: what a killed run left, never the current set. */
static void clean_leftovers(struct mc_outdir *od)
{
	char cur[NAME_MAX + 1];
	struct dirent *de;
	DIR *d;
	int fd;

	current_set(od->dfd, cur, sizeof(cur));
	unlinkat(od->dfd, CURRENT_NEW, 0);
	fd = openat(od->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, LINK_TMP, strlen(LINK_TMP)))
			unlinkat(od->dfd, de->d_name, 0);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	fd = openat(od->dfd, SETS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, cur))
			remove_set(od->dfd, de->d_name);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
}

/* Lock DIR/.lock; -EBUSY (naming the holder's pid) when another run has it. */
static int take_lock(struct mc_outdir *od, char *err, size_t errlen)
{
	char pid[32] = "";
	int rc, n;

	od->lockfd = openat(od->dfd, LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (od->lockfd < 0)
		return fail(err, errlen, -errno, "cannot use report directory %s", od->dir);
	if (flock(od->lockfd, LOCK_EX | LOCK_NB)) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		n = (int)pread(od->lockfd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? strcspn(pid, "\n") : 0] = '\0';
		if (rc == -EBUSY)
			snprintf(err, errlen,
				 "report directory %s is in use by another migcheck run "
				 "(pid %s); give this run another --out",
				 od->dir, pid[0] ? pid : "unknown");
		else
			fail(err, errlen, rc, "cannot lock %s/" LOCK, od->dir);
		return rc;
	}
	od->locked = true;
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(od->lockfd, 0) || pwrite(od->lockfd, pid, (size_t)n, 0) != n)
		return fail(err, errlen, -errno, "cannot write %s/" LOCK, od->dir);
	return 0;
}

/* The pid DIR/in-progress names (at @dfd), or 0 when there is none or it names none. */
static long marker_pid(int dfd)
{
	char buf[64];
	long pid = 0;
	int fd = openat(dfd, MARKER, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (sscanf(buf, "pid %ld", &pid) != 1 || pid <= 0)
		return 0;
	return pid;
}

/*
 * Whether the run that last took @dir did not finish: 0 when @dir has no in-progress
 * marker (or cannot be read), MC_OUTDIR_RUNNING when a run holds its lock now,
 * MC_OUTDIR_KILLED when the run that wrote the marker is gone (killed: its lock is free).
 * *@pid = the pid the marker names, or 0. mc_outdir_open() removes a killed run's
 * marker, saying so on stderr.
 */
static int mc_outdir_unfinished(const char *dir, long *pid)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), lfd, rc = 0;

	*pid = 0;
	if (dfd < 0)
		return 0;
	if (faccessat(dfd, MARKER, F_OK, AT_SYMLINK_NOFOLLOW))
		goto out;
	*pid = marker_pid(dfd);
	rc = MC_OUTDIR_KILLED;
	lfd = openat(dfd, LOCK, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (lfd >= 0 && flock(lfd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK)
		rc = MC_OUTDIR_RUNNING;
	if (lfd >= 0)
		close(lfd); /* and the shared lock with it */
out:
	close(dfd);
	return rc;
}

void mc_outdir_warn_unfinished(const char *dir)
{
	long pid;
	int st = mc_outdir_unfinished(dir, &pid);

	if (st == MC_OUTDIR_KILLED)
		mc_term_printf(stderr,
			       "migcheck: warning: %s: a previous run (pid %ld) was killed "
			       "before it finished; its reports are those of the last run that "
			       "did (%s/" MARKER " is its leftover)\n",
			       dir, pid, dir);
	else if (st == MC_OUTDIR_RUNNING)
		mc_term_printf(stderr,
			       "migcheck: warning: %s: a run (pid %ld) is writing into it "
			       "now; its reports are those of the last run that finished\n",
			       dir, pid);
}

/* DIR/in-progress: who is writing here since when; its write proves DIR is usable. */
static int write_marker(struct mc_outdir *od, const char *cmdline, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 64], stamp[32];
	time_t t = time(NULL);
	FILE *f = mc_atomic_open(od->dir, MARKER, tmp, sizeof(tmp));
	int rc;

	if (!f)
		return fail(err, errlen, -errno, "cannot use report directory %s", od->dir);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fprintf(f, "pid %ld\nstarted %s\nset %s/%s\ncmdline %s\n", (long)getpid(), stamp, SETS,
		od->id, cmdline ? cmdline : "");
	rc = mc_atomic_commit(f, tmp, od->dir, MARKER);
	return rc ? fail(err, errlen, rc, "cannot use report directory %s", od->dir) : 0;
}

/* A new, empty set DIR/.sets/<UTC time>-<pid>[-<n>] (a run of the same second gets -<n>). */
static int make_set(struct mc_outdir *od, char *err, size_t errlen)
{
	time_t t = time(NULL);
	char stamp[32];
	int n;

	if (mkdirat(od->dfd, SETS, 0755) && errno != EEXIST)
		return fail(err, errlen, -errno, "cannot create %s/" SETS, od->dir);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&t));
	for (int i = 1; i < 100; i++) {
		snprintf(od->id, sizeof(od->id), i > 1 ? "%s-%ld-%d" : "%s-%ld", stamp,
			 (long)getpid(), i);
		n = snprintf(od->set, sizeof(od->set), "%s/" SETS "/%s", od->dir, od->id);
		if (n >= (int)sizeof(od->set))
			return fail(err, errlen, -ENAMETOOLONG, "report directory %.200s", od->dir);
		if (!mkdir(od->set, 0755)) {
			od->made = true;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return fail(err, errlen, -errno, "cannot create %s", od->set);
}

int mc_outdir_open(const char *dir, const char *cmdline, struct mc_outdir **odp, char *err,
		   size_t errlen)
{
	struct mc_outdir *od = calloc(1, sizeof(*od));
	int rc;

	*odp = NULL;
	if (!od)
		return fail(err, errlen, -ENOMEM, "%s", dir);
	od->dfd = od->lockfd = -1;
	if (snprintf(od->dir, sizeof(od->dir), "%s", dir) >= (int)sizeof(od->dir)) {
		rc = fail(err, errlen, -ENAMETOOLONG, "report directory %.200s", dir);
		goto out_free;
	}
	rc = mc_mkdir_p(dir);
	if (rc) {
		fail(err, errlen, rc, "cannot create report directory %s", dir);
		goto out_free;
	}
	od->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (od->dfd < 0) {
		rc = fail(err, errlen, -errno, "cannot open report directory %s", dir);
		goto out_free;
	}
	rc = take_lock(od, err, errlen);
	if (rc)
		goto out_close;
	/* The lock was free: a marker is a killed run's. write_marker() replaces it. */
	if (!faccessat(od->dfd, MARKER, F_OK, AT_SYMLINK_NOFOLLOW))
		mc_term_printf(stderr,
			       "migcheck: a previous run (pid %ld) into %s was killed "
			       "before it finished; its in-progress marker is removed\n",
			       marker_pid(od->dfd), dir);
	clean_leftovers(od);
	rc = make_set(od, err, errlen);
	if (rc)
		goto out_close;
	rc = write_marker(od, cmdline, err, errlen);
	if (rc)
		goto out_close;
	*odp = od;
	return 0;

out_close:
	mc_outdir_close(od);
	return rc;
out_free:
	free(od);
	return rc;
}

const char *mc_outdir_set(const struct mc_outdir *od)
{
	return od->set;
}

/* DIR/<name> is already the symlink .current/<name>. */
static bool linked(int dfd, const char *name)
{
	char want[NAME_MAX + 16], got[NAME_MAX + 16];
	ssize_t n = readlinkat(dfd, name, got, sizeof(got) - 1);

	join(want, CURRENT "/", name);
	if (n < 0)
		return false;
	got[n] = '\0';
	return !strcmp(got, want);
}

/*
 * Before the switch: DIR/.link.<name> -> .current/<name> for each file of the set that
 * DIR does not link yet, and DIR/.current.new -> the set. Nothing visible changes.
 */
static int prepare_links(struct mc_outdir *od, char (*names)[NAME_MAX + 1], int *n, int max)
{
	char tmp[NAME_MAX + 16], target[NAME_MAX + 16], rel[NAME_MAX + 16];
	struct dirent *de;
	DIR *d = opendir(od->set);
	int rc = 0;

	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.' || linked(od->dfd, de->d_name))
			continue;
		if (*n == max) {
			rc = -E2BIG;
			break;
		}
		snprintf(names[*n], NAME_MAX + 1, "%s", de->d_name);
		join(tmp, LINK_TMP, de->d_name);
		join(target, CURRENT "/", de->d_name);
		unlinkat(od->dfd, tmp, 0);
		if (symlinkat(target, od->dfd, tmp))
			rc = -errno;
		else
			(*n)++;
	}
	closedir(d);
	join(rel, SETS "/", od->id);
	unlinkat(od->dfd, CURRENT_NEW, 0);
	if (!rc && symlinkat(rel, od->dfd, CURRENT_NEW))
		rc = -errno;
	return rc;
}

int mc_outdir_publish(struct mc_outdir *od, char *err, size_t errlen)
{
	char names[16][NAME_MAX + 1], old[NAME_MAX + 1], tmp[NAME_MAX + 16];
	int n = 0, rc;

	current_set(od->dfd, old, sizeof(old));
	rc = prepare_links(od, names, &n, 16);
	for (int i = 0; i < n && !rc; i++) {
		/*
		 * A name that was not yet a link through .current (a first run, or a file
		 * `report render` rewrote) now shows the previous set's file, or none: never
		 * a file of another run than its neighbours.
		 */
		join(tmp, LINK_TMP, names[i]);
		if (renameat(od->dfd, tmp, od->dfd, names[i]))
			rc = -errno;
	}
	if (!rc && renameat(od->dfd, CURRENT_NEW, od->dfd, CURRENT)) /* the switch */
		rc = -errno;
	if (rc) {
		clean_leftovers(od);
		return fail(err, errlen, rc, "cannot publish the reports in %s", od->dir);
	}
	fsync(od->dfd);
	od->published = true;
	if (old[0] && strcmp(old, od->id))
		remove_set(od->dfd, old);
	return 0;
}

void mc_outdir_close(struct mc_outdir *od)
{
	if (!od)
		return;
	if (od->locked) {
		if (od->made && !od->published)
			remove_set(od->dfd, od->id);
		unlinkat(od->dfd, MARKER, 0);
		fsync(od->dfd);
	}
	if (od->lockfd >= 0)
		close(od->lockfd); /* releases the lock */
	if (od->dfd >= 0)
		close(od->dfd);
	free(od);
}

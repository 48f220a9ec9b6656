/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A run's report directory (--out DIR). The files of one run are published as one set:
 * they are written into DIR/.sets/<run>/, and DIR/.current, a symlink to the set, is
 * switched by one rename(2); DIR/report.json and the others are symlinks through
 * .current. A lock refuses a second run into DIR; DIR/in-progress shows a run going on.
 */
#ifndef MC_OUTDIR_H
#define MC_OUTDIR_H

#include <stddef.h>

struct mc_outdir;

/*
 * Take @dir for a run: create it, lock it (DIR/.lock, flock, held until
 * mc_outdir_close()), remove what a killed run left (unpublished sets, half-made links),
 * write DIR/in-progress (pid, start, @cmdline; may be NULL) and make an empty set to
 * write into. 0 and *@od, or -errno with @err naming the directory and the reason:
 * -EBUSY when another run holds the lock, the errno of any file it cannot create or
 * write (a read-only or full file system). Nothing of an earlier set is touched.
 */
int mc_outdir_open(const char *dir, const char *cmdline, struct mc_outdir **od, char *err,
		   size_t errlen);
enum { MC_OUTDIR_KILLED = 1, MC_OUTDIR_RUNNING = 2 };
/* For readers of @dir (report render, bundle): a warning on stderr when it is unfinished. */
void mc_outdir_warn_unfinished(const char *dir);
/* The directory the reporters write this run's files into (valid until close). */
const char *mc_outdir_set(const struct mc_outdir *od);
/*
 * Make the set current: every file in it becomes DIR/<name> (a symlink to
 * .current/<name>) in the one rename of DIR/.current, and the previous set is removed.
 * 0 or -errno with @err; on failure the previous set stays current and intact.
 */
int mc_outdir_publish(struct mc_outdir *od, char *err, size_t errlen);
/*
 * End the run's hold on the directory: an unpublished set is removed, DIR/in-progress
 * too, the lock released. NULL is a no-op.
 */
void mc_outdir_close(struct mc_outdir *od);

#endif /* MC_OUTDIR_H */

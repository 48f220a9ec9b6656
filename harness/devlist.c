// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device discovery: the scan behind `migcheck list` and automatic device selection,
 * which walks the mdev and PCI buses and the VFIO cdevs, asks the kernel backend's
 * sysfs side (ksysfs.c) what each device is and has the device layer (mc_dev_open)
 * open it for its migration flags. No ioctls here.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlist.h"
#include "ksysfs.h"
#include "migcheck.h"
#include "util.h"

struct scan {
	struct mc_devlist_entry *v;
	int n, cap;
};

static struct mc_devlist_entry *scan_add(struct scan *sc)
{
	struct mc_devlist_entry *nv;
	int cap;

	if (sc->n == sc->cap) {
		cap = sc->cap ? sc->cap * 2 : 8;
		nv = realloc(sc->v, (size_t)cap * sizeof(*nv));
		if (!nv)
			return NULL;
		sc->v = nv;
		sc->cap = cap;
	}
	memset(&sc->v[sc->n], 0, sizeof(sc->v[0]));
	sc->v[sc->n].group = -1;
	return &sc->v[sc->n++];
}

/*
 * Open @kind:@target through the device layer and ask for its migration flags. What sysfs
 * says comes first, also for a device that is not usable: its refusal is the one the
 * kernel backend's open would give, and a spec it accepts is one mc_dev_open() parses.
 */
static void probe(struct mc_devlist_entry *e, const char *kind, const char *target)
{
	struct mc_devspec spec;
	struct mc_ksysfs ks;
	struct mc_dev_ident id;
	struct mc_dev *dev;
	int rc;

	memset(&spec, 0, sizeof(spec));
	mc_copy_str(spec.kind, sizeof(spec.kind), kind);
	mc_copy_str(spec.target, sizeof(spec.target), target);
	rc = mc_ksysfs_resolve(&spec, &ks, e->error, sizeof(e->error));
	if (rc == 0 || ks.dir[0]) {
		e->group = ks.group;
		mc_ksysfs_ident(ks.dir, &id);
		mc_copy_str(e->driver, sizeof(e->driver), id.driver);
		mc_copy_str(e->type, sizeof(e->type), id.type);
	}
	if (rc) {
		e->open_err = rc;
		return;
	}
	rc = mc_dev_open(e->spec, &dev, e->error, sizeof(e->error));
	if (rc) {
		e->open_err = rc;
		return;
	}
	rc = mc_get_flags(dev, &e->mig_flags);
	if (rc) {
		e->open_err = rc;
		snprintf(e->error, sizeof(e->error), "%s: GET VFIO_DEVICE_FEATURE_MIGRATION: %s",
			 e->spec, strerror(-rc));
	}
	mc_dev_close(dev);
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Entries of directory <root>@sub sorted by name; 0 and an empty list when it is absent. */
static int list_dir(bool sysfs, const char *sub, struct dirent ***names, int *count)
{
	char path[PATH_MAX];
	int n;

	*names = NULL;
	*count = 0;
	if (mc_kpath(path, sizeof(path), sysfs, "%s", sub))
		return 0;
	n = scandir(path, names, not_dot, alphasort);
	if (n < 0)
		return errno == ENOMEM ? -ENOMEM : 0;
	*count = n;
	return 0;
}

static void free_names(struct dirent **names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Index of the entry whose sysfs directory resolves to @real, or -1. */
static int find_by_sysfs(const struct scan *sc, const char *real)
{
	char path[PATH_MAX], r[PATH_MAX];
	int i, rc;

	for (i = 0; i < sc->n; i++) {
		const char *s = sc->v[i].spec;

		if (strncmp(s, "mdev:", 5) == 0)
			rc = mc_kpath(path, sizeof(path), true, "/bus/mdev/devices/%s", s + 5);
		else if (strncmp(s, "pci:", 4) == 0)
			rc = mc_kpath(path, sizeof(path), true, "/bus/pci/devices/%s", s + 4);
		else
			continue;
		if (!rc && realpath(path, r) && strcmp(r, real) == 0)
			return i;
	}
	return -1;
}

/* Where each kind of device is listed, in scan order. */
static const struct {
	const char *kind;
	bool sysfs;
	const char *dir;
} scan_dirs[] = {
	{ "mdev", true, "/bus/mdev/devices" },
	{ "pci", true, "/bus/pci/devices" },
	{ "cdev", false, "/vfio/devices" },
};

/* The devices of scan_dirs[@k], appended to @sc. */
static int scan_one(struct scan *sc, size_t k)
{
	char dir[PATH_MAX], drv[64], path[PATH_MAX], real[PATH_MAX];
	const char *kind = scan_dirs[k].kind;
	struct mc_devlist_entry *e;
	struct dirent **names;
	bool cdev = strcmp(kind, "cdev") == 0;
	int i, count, rc, at;

	rc = list_dir(scan_dirs[k].sysfs, scan_dirs[k].dir, &names, &count);
	if (rc)
		return rc;
	for (i = 0; i < count; i++) {
		const char *name = names[i]->d_name;

		char spec[sizeof(e->spec)];
		int len;

		if (strcmp(kind, "pci") == 0 &&
		    (mc_kpath(dir, sizeof(dir), true, "/bus/pci/devices/%s", name) ||
		     mc_ksysfs_link(dir, "driver", drv, sizeof(drv)) || !mc_kdriver_is_vfio(drv)))
			continue;
		len = cdev ? snprintf(spec, sizeof(spec), "/dev/vfio/devices/%s", name) :
			     snprintf(spec, sizeof(spec), "%s:%s", kind, name);
		if (len < 0 || (size_t)len >= (cdev ? sizeof(e->cdev) : sizeof(spec)))
			continue; /* no VFIO device has a name this long */
		if (cdev &&
		    !mc_kpath(path, sizeof(path), true, "/class/vfio-dev/%s/device", name) &&
		    realpath(path, real) && (at = find_by_sysfs(sc, real)) >= 0) {
			mc_copy_str(sc->v[at].cdev, sizeof(sc->v[at].cdev), spec);
			continue;
		}
		e = scan_add(sc);
		if (!e) {
			rc = -ENOMEM;
			break;
		}
		mc_copy_str(e->spec, sizeof(e->spec), spec);
		if (cdev)
			mc_copy_str(e->cdev, sizeof(e->cdev), spec);
		probe(e, kind, cdev ? spec : name);
	}
	free_names(names, count);
	return rc;
}

int mc_devlist_scan(struct mc_devlist_entry **out, int *n, char *err, size_t errlen)
{
	struct scan sc = { 0 };
	size_t k;
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (k = 0; k < sizeof(scan_dirs) / sizeof(scan_dirs[0]) && !rc; k++)
		rc = scan_one(&sc, k);
	if (rc) {
		mc_devlist_free(sc.v, sc.n);
		return mc_kfail(err, errlen, rc, "device scan (%s devices): %s",
				scan_dirs[k - 1].kind, strerror(-rc));
	}
	*out = sc.v;
	*n = sc.n;
	return 0;
}

void mc_devlist_free(struct mc_devlist_entry *list, int n)
{
	(void)n;
	free(list);
}

int mc_devlist_pick(const struct mc_devlist_entry *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i].open_err == 0 && (list[i].mig_flags & VFIO_MIGRATION_STOP_COPY))
			return i;
	return -1;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Discovery of real VFIO devices: what sysfs says about an mdev, a PCI function or a
 * VFIO cdev (driver, IOMMU group, type, module), the list behind `migcheck list` and
 * automatic device selection. The kernel backend (be_kernel.c) resolves its specs here.
 * Every path honours MC_SYSFS_ROOT (default "/sys") and MC_DEV_ROOT (default "/dev").
 */
#ifndef MC_DEVLIST_H
#define MC_DEVLIST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

/* ------------------------------------------------------------------ discovery list */

/* One device found by mc_devlist_scan(). Strings are NUL-terminated, possibly "". */
struct mc_devlist_entry {
	char spec[160];		/* "mdev:<uuid>", "pci:<bdf>" or "/dev/vfio/devices/vfioN" */
	char driver[64];	/* bound driver ("mtty", "vfio-pci", "mlx5_vfio_pci") */
	char type[64];		/* mdev type ("mtty-2") or PCI "vendor:device" */
	int group;		/* IOMMU group number, -1 when none (cdev-only or unknown) */
	char cdev[64];		/* the device's "/dev/vfio/devices/vfioN" when it has one */
	int open_err;		/* 0 when the device opened and answered GET MIGRATION */
	uint64_t mig_flags;	/* VFIO_MIGRATION_* from GET MIGRATION; valid iff open_err == 0 */
	char error[256];	/* open()'s one-line message when open_err != 0 */
};

/*
 * mc_devlist_scan: list every VFIO device on this host. Looks at each
 * <sysfs>/bus/mdev/devices/<uuid>, each <sysfs>/bus/pci/devices/<bdf> whose driver is
 * VFIO-like (mc_kdriver_is_vfio) and each <dev>/vfio/devices/vfioN whose sysfs device
 * is not already listed (a listed device only gets its cdev field filled). Each device
 * is probed through the device layer (mc_dev_open, mc_get_flags, mc_dev_close); a
 * device that cannot be opened (busy, no migration, permissions) is still listed, with
 * open_err and error set. Entries are in mdev, pci, cdev order, sorted by name.
 * A missing bus or directory is not an error (it just contributes nothing).
 * Returns 0 with *@out a malloc'ed array of *@n entries (NULL and 0 when none; free
 * with mc_devlist_free), or -errno (only -ENOMEM in practice) with one line in @err
 * and *@out = NULL, *@n = 0.
 */
int mc_devlist_scan(struct mc_devlist_entry **out, int *n, char *err, size_t errlen);

/* mc_devlist_free: release an array from mc_devlist_scan; @list may be NULL. */
void mc_devlist_free(struct mc_devlist_entry *list, int n);

/*
 * mc_devlist_pick: index of the first entry that opened and advertises
 * VFIO_MIGRATION_STOP_COPY (the device `migcheck run` uses when none is named), or -1.
 */
int mc_devlist_pick(const struct mc_devlist_entry *list, int n);

/* ------------------------------------------------------------------ sysfs helpers */

/* What sysfs says about the device a spec names (see mc_ksysfs_resolve). */
struct mc_ksysfs {
	char name[128];		/* the name VFIO knows: lower-case uuid, full bdf, "vfioN" */
	char label[160];	/* the device as messages name it: "mdev:<uuid>", "pci:<bdf>",
				 * or the cdev path as given */
	char dir[PATH_MAX];	/* <sysfs>/bus/mdev/devices/<uuid>, .../pci/devices/<bdf>, or
				 * <sysfs>/class/vfio-dev/vfioN/device for a cdev */
	char node[PATH_MAX];	/* cdev only: the device node, under MC_DEV_ROOT */
	char driver[64];	/* basename of the driver link, "" when unbound */
	int group;		/* IOMMU group number, -1 when there is none */
	bool is_mdev;
};

/*
 * mc_kpath: build <root><suffix> into @buf where root is MC_SYSFS_ROOT (@sysfs true) or
 * MC_DEV_ROOT, read from the environment on every call. @fmt gives the suffix, which
 * starts with '/'. Returns 0 or -ENAMETOOLONG.
 */
/* Write the one-line message @fmt into @err (when non-NULL) and return @rc. */
int mc_kfail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

int mc_kpath(char *buf, size_t len, bool sysfs, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * mc_kdriver_is_vfio: true for the drivers that hand PCI functions to VFIO: "vfio-pci"
 * and the variant drivers, whose names end in "vfio-pci" or "vfio_pci".
 */
bool mc_kdriver_is_vfio(const char *driver);

/*
 * mc_ksysfs_resolve: find the sysfs side of @spec (kind "mdev", "pci" or "cdev") and
 * check it is usable through VFIO: the device exists, is bound to a driver (a VFIO one
 * for PCI), and for mdev/pci has an IOMMU group. A short PCI address ("00:04.0") gets
 * the "0000:" domain; uuids and bdfs are lower-cased. For a cdev the sysfs side is
 * optional (group -1, driver "" when <sysfs>/class/vfio-dev/vfioN is absent).
 * Returns 0, or -errno with one line naming the device in @err.
 */
int mc_ksysfs_resolve(const struct mc_devspec *spec, struct mc_ksysfs *ks, char *err,
		      size_t errlen);

/*
 * mc_ksysfs_ident: fill @id's driver, type, path and module fields from sysfs directory
 * @dir (as in struct mc_ksysfs). Missing attributes leave fields "". Never fails.
 */
void mc_ksysfs_ident(const char *dir, struct mc_dev_ident *id);
/*
 * mc_ksysfs_module: the module behind driver @driver of device @dir into @mod: the
 * driver's module link, else @driver with '-' as '_' ("" when both are empty).
 */
void mc_ksysfs_module(const char *dir, const char *driver, char *mod, size_t len);

/*
 * mc_kernel_open_errmsg: the line be_kernel writes when open(2) of @path (a /dev/vfio
 * node, /dev/iommu or a cdev) fails with -@err for device @dev, e.g. "permission
 * denied opening /dev/vfio/7 (run as root or add the user to the group owning it)".
 * @group is the IOMMU group number (for the EBUSY wording) or -1. Exposed so tests can
 * check the errno to message mapping without a real device.
 */
void mc_kernel_open_errmsg(const char *dev, const char *path, int group, int err, char *buf,
			   size_t len);

#endif /* MC_DEVLIST_H */

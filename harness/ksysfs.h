/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the kernel backend: its paths (MC_SYSFS_ROOT, default "/sys", and
 * MC_DEV_ROOT, default "/dev", read on every call), what sysfs says about the device a
 * spec names (driver, IOMMU group, type, module) and why it is unusable, and the message
 * for a /dev node that would not open. For be_kernel.c, kmsg.c and devlist.c.
 */
#ifndef MC_KSYSFS_H
#define MC_KSYSFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend.h"

/* What sysfs says about the device a spec names (see mc_ksysfs_resolve). */
struct mc_ksysfs {
	char name[128];	     /* the name VFIO knows: lower-case uuid, full bdf, "vfioN" */
	char label[160];     /* the device as messages name it: "mdev:<uuid>", "pci:<bdf>",
				 * or the cdev path as given */
	char dir[PATH_MAX];  /* <sysfs>/bus/mdev/devices/<uuid>, .../pci/devices/<bdf>, or
				 * <sysfs>/class/vfio-dev/vfioN/device for a cdev */
	char node[PATH_MAX]; /* cdev only: the device node, under MC_DEV_ROOT */
	char driver[64];     /* basename of the driver link, "" when unbound */
	int group;	     /* IOMMU group number, -1 when there is none */
	bool is_mdev;
};

/*
 * mc_kpath: build <root><suffix> into @buf where root is MC_SYSFS_ROOT (@sysfs true) or
 * MC_DEV_ROOT, read from the environment on every call. @fmt gives the suffix, which
 * starts with '/'. Returns 0 or -ENAMETOOLONG.
 */
int mc_kpath(char *buf, size_t len, bool sysfs, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Write the one-line message @fmt into @err (when non-NULL) and return @rc. */
int mc_kfail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * mc_ksysfs_link: the basename of the target of symlink @dir/@leaf (a device's "driver",
 * "iommu_group") into @buf, "" on failure. 0 or -errno (-ENOENT: no such link).
 */
int mc_ksysfs_link(const char *dir, const char *leaf, char *buf, size_t len);

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

#endif /* MC_KSYSFS_H */

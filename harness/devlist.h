/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Discovery of real VFIO devices: the list behind `migcheck list` and automatic device
 * selection. What sysfs says about each device comes from ksysfs.h; every path honours
 * MC_SYSFS_ROOT (default "/sys") and MC_DEV_ROOT (default "/dev").
 */
#ifndef MC_DEVLIST_H
#define MC_DEVLIST_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ discovery list */

/* One device found by mc_devlist_scan(). Strings are NUL-terminated, possibly "". */
struct mc_devlist_entry {
	char spec[160];	    /* "mdev:<uuid>", "pci:<bdf>" or "/dev/vfio/devices/vfioN" */
	char driver[64];    /* bound driver ("mtty", "vfio-pci", "mlx5_vfio_pci") */
	char type[64];	    /* mdev type ("mtty-2") or PCI "vendor:device" */
	int group;	    /* IOMMU group number, -1 when none (cdev-only or unknown) */
	char cdev[64];	    /* the device's "/dev/vfio/devices/vfioN" when it has one */
	int open_err;	    /* 0 when the device opened and answered GET MIGRATION */
	uint64_t mig_flags; /* VFIO_MIGRATION_* from GET MIGRATION; valid iff open_err == 0 */
	char error[256];    /* open()'s one-line message when open_err != 0 */
};

/*
 * mc_devlist_scan: list every VFIO device on this host. Looks at each
 * <sysfs>/bus/mdev/devices/<uuid>, each <sysfs>/bus/pci/devices/<bdf> whose driver is
 * VFIO-like (mc_kdriver_is_vfio, ksysfs.h) and each <dev>/vfio/devices/vfioN whose sysfs device
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

#endif /* MC_DEVLIST_H */

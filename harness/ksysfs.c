// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of the kernel backend: paths under MC_SYSFS_ROOT and MC_DEV_ROOT,
 * resolving an mdev/pci/cdev spec to its sysfs directory, driver and IOMMU group (with
 * one clear message per reason it is unusable), the identity fields reports print, and
 * the message for a /dev node that would not open. No ioctls here; used by the kernel
 * backend (be_kernel.c), its log reader (kmsg.c) and device discovery (devlist.c).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksysfs.h"
#include "num.h"
#include "util.h"

/* ------------------------------------------------------------------ paths and attributes */

int mc_kpath(char *buf, size_t len, bool sysfs, const char *fmt, ...)
{
	const char *root = getenv(sysfs ? "MC_SYSFS_ROOT" : "MC_DEV_ROOT");
	va_list ap;
	int n, m;

	if (!root || !*root)
		root = sysfs ? "/sys" : "/dev";
	n = snprintf(buf, len, "%s", root);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		return -ENAMETOOLONG;
	return 0;
}

/* Join @dir and @leaf into @buf; -ENAMETOOLONG when it does not fit. */
static int join(char *buf, size_t len, const char *dir, const char *leaf)
{
	int n = snprintf(buf, len, "%s/%s", dir, leaf);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* Read the first line of attribute @dir/@leaf into @buf without its newline. */
static int read_attr(const char *dir, const char *leaf, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc;

	buf[0] = '\0';
	rc = join(path, sizeof(path), dir, leaf);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int mc_ksysfs_link(const char *dir, const char *leaf, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *slash;
	ssize_t n;
	int rc;

	buf[0] = '\0';
	rc = join(path, sizeof(path), dir, leaf);
	if (rc)
		return rc;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	slash = strrchr(target, '/');
	mc_copy_str(buf, len, slash ? slash + 1 : target);
	return 0;
}

static bool path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

bool mc_kdriver_is_vfio(const char *driver)
{
	return mc_ends_with(driver, "vfio-pci") || mc_ends_with(driver, "vfio_pci");
}

/* ------------------------------------------------------------------ resolving a spec */

int mc_kfail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Lower-case @in into @out and check it against @pattern ('x' = hex digit, else literal). */
static bool normalise(const char *in, const char *pattern, char *out, size_t len)
{
	size_t i, n = strlen(pattern);

	if (strlen(in) != n || n >= len)
		return false;
	for (i = 0; i < n; i++) {
		out[i] = (char)tolower((unsigned char)in[i]);
		if (pattern[i] == 'x' ? !isxdigit((unsigned char)out[i]) : out[i] != pattern[i])
			return false;
	}
	out[n] = '\0';
	return true;
}

/* The IOMMU group of sysfs directory @dir: 0 and *@group, or -errno. */
static int read_group(const char *dir, int *group)
{
	char base[64];
	uint64_t v;
	int rc;

	rc = mc_ksysfs_link(dir, "iommu_group", base, sizeof(base));
	if (rc)
		return rc;
	if (mc_num_parse(base, MC_NUM_DEC, 0, INT32_MAX, &v))
		return -EINVAL;
	*group = (int)v;
	return 0;
}

/* Checks shared by mdev and pci: exists, bound, (VFIO driver), IOMMU group. */
static int resolve_bus(struct mc_ksysfs *ks, const char *bus, char *err, size_t errlen)
{
	char busdir[PATH_MAX];
	int rc;

	rc = mc_kpath(ks->dir, sizeof(ks->dir), true, "/bus/%s/devices/%s", bus, ks->name);
	if (rc)
		return mc_kfail(err, errlen, rc, "%s: sysfs path too long", ks->label);
	if (!path_exists(ks->dir)) {
		rc = mc_kpath(busdir, sizeof(busdir), true, "/bus/%s", bus);
		if (!rc && !path_exists(busdir) && ks->is_mdev)
			return mc_kfail(
				err, errlen, -ENOENT,
				"%s: no such mdev device (%s is missing: is the mdev module loaded?)",
				ks->label, busdir);
		return mc_kfail(err, errlen, -ENOENT, "%s: no such %s device (%s does not exist)",
				ks->label, ks->is_mdev ? "mdev" : "PCI", ks->dir);
	}
	rc = mc_ksysfs_link(ks->dir, "driver", ks->driver, sizeof(ks->driver));
	if (rc == -ENOENT || (!ks->is_mdev && !mc_kdriver_is_vfio(ks->driver)))
		return mc_kfail(err, errlen, -ENODEV,
				"%s: not bound to a VFIO driver (bound to %s)", ks->label,
				ks->driver[0] ? ks->driver : "none");
	if (rc)
		return mc_kfail(err, errlen, rc, "%s: reading %s/driver: %s", ks->label, ks->dir,
				strerror(-rc));
	rc = read_group(ks->dir, &ks->group);
	if (rc == -ENOENT)
		return mc_kfail(err, errlen, -ENODEV,
				"%s: no IOMMU group (%s/iommu_group is missing: %s)", ks->label,
				ks->dir,
				ks->is_mdev ?
					"the vendor driver did not register the mdev with VFIO" :
					"no IOMMU, and vfio noiommu mode is off");
	if (rc)
		return mc_kfail(err, errlen, rc, "%s: reading %s/iommu_group: %s", ks->label,
				ks->dir, strerror(-rc));
	return 0;
}

static int resolve_cdev(const struct mc_devspec *spec, struct mc_ksysfs *ks, char *err,
			size_t errlen)
{
	const char *t = spec->target, *slash = strrchr(t, '/');
	char type[64];
	int rc;

	if (strncmp(t, "/dev/", 5) == 0)
		rc = mc_kpath(ks->node, sizeof(ks->node), false, "%s", t + 4);
	else if (!slash)
		rc = mc_kpath(ks->node, sizeof(ks->node), false, "/vfio/devices/%s", t);
	else
		rc = snprintf(ks->node, sizeof(ks->node), "%s", t) >= (int)sizeof(ks->node) ?
			     -ENAMETOOLONG :
			     0;
	mc_copy_str(ks->name, sizeof(ks->name), slash ? slash + 1 : t);
	if (rc || !ks->name[0])
		return mc_kfail(err, errlen, rc ? rc : -EINVAL, "%s: not a usable cdev path", t);
	/* The sysfs side is informational only: a cdev opens without it. */
	if (!mc_kpath(ks->dir, sizeof(ks->dir), true, "/class/vfio-dev/%s/device", ks->name) &&
	    path_exists(ks->dir)) {
		mc_ksysfs_link(ks->dir, "driver", ks->driver, sizeof(ks->driver));
		ks->is_mdev = mc_ksysfs_link(ks->dir, "mdev_type", type, sizeof(type)) == 0;
		read_group(ks->dir, &ks->group);
	} else {
		ks->dir[0] = '\0';
	}
	mc_copy_str(ks->label, sizeof(ks->label), t);
	return 0;
}

int mc_ksysfs_resolve(const struct mc_devspec *spec, struct mc_ksysfs *ks, char *err, size_t errlen)
{
	char bdf[16];

	memset(ks, 0, sizeof(*ks));
	ks->group = -1;
	if (strcmp(spec->kind, "mdev") == 0) {
		if (!normalise(spec->target, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", ks->name,
			       sizeof(ks->name)))
			return mc_kfail(err, errlen, -EINVAL,
					"mdev:%s: not a UUID (expected 8-4-4-4-12 hex digits)",
					spec->target);
		ks->is_mdev = true;
		snprintf(ks->label, sizeof(ks->label), "mdev:%s", ks->name);
		return resolve_bus(ks, "mdev", err, errlen);
	}
	if (strcmp(spec->kind, "pci") == 0) {
		if (!normalise(spec->target, "xxxx:xx:xx.x", ks->name, sizeof(ks->name))) {
			if (!normalise(spec->target, "xx:xx.x", bdf, sizeof(bdf)))
				return mc_kfail(
					err, errlen, -EINVAL,
					"pci:%s: not a PCI address (expected [dddd:]bb:dd.f)",
					spec->target);
			snprintf(ks->name, sizeof(ks->name), "0000:%s", bdf);
		}
		snprintf(ks->label, sizeof(ks->label), "pci:%s", ks->name);
		return resolve_bus(ks, "pci", err, errlen);
	}
	if (strcmp(spec->kind, "cdev") == 0)
		return resolve_cdev(spec, ks, err, errlen);
	return mc_kfail(err, errlen, -EINVAL,
			"%s:%s: not a kernel device (kind must be mdev, pci or cdev)", spec->kind,
			spec->target);
}

/* ------------------------------------------------------------------ identity */

void mc_ksysfs_module(const char *dir, const char *driver, char *mod, size_t len)
{
	char *p;

	if (mc_ksysfs_link(dir, "driver/module", mod, len)) {
		mc_copy_str(mod, len, driver);
		for (p = mod; *p; p++)
			if (*p == '-')
				*p = '_';
	}
}

/* The module fields of the module behind driver @driver of device @dir. */
static void module_fields(const char *dir, const char *driver, struct mc_dev_ident *id)
{
	char mod[64], mdir[PATH_MAX];

	mc_ksysfs_module(dir, driver, mod, sizeof(mod));
	if (!mod[0] || mc_kpath(mdir, sizeof(mdir), true, "/module/%s", mod))
		return;
	read_attr(mdir, "version", id->module_version, sizeof(id->module_version));
	read_attr(mdir, "srcversion", id->module_srcversion, sizeof(id->module_srcversion));
}

void mc_ksysfs_ident(const char *dir, struct mc_dev_ident *id)
{
	char real[PATH_MAX], parent[PATH_MAX], vendor[16], device[16], *slash;
	bool mdev;

	id->driver[0] = id->type[0] = id->path[0] = '\0';
	id->module_version[0] = id->module_srcversion[0] = '\0';
	if (!dir || !dir[0])
		return;
	mc_copy_str(id->path, sizeof(id->path), realpath(dir, real) ? real : dir);
	mdev = mc_ksysfs_link(dir, "mdev_type", id->type, sizeof(id->type)) == 0;
	mc_ksysfs_link(dir, "driver", id->driver, sizeof(id->driver));
	if (mdev && !id->driver[0]) {
		mc_copy_str(parent, sizeof(parent), id->path);
		slash = strrchr(parent, '/');
		if (slash) {
			*slash = '\0';
			mc_ksysfs_link(parent, "driver", id->driver, sizeof(id->driver));
		}
		if (!id->driver[0])
			read_attr(dir, "mdev_type/name", id->driver, sizeof(id->driver));
	}
	if (!mdev && !read_attr(dir, "vendor", vendor, sizeof(vendor)) &&
	    !read_attr(dir, "device", device, sizeof(device)))
		snprintf(id->type, sizeof(id->type), "%s:%s",
			 strncmp(vendor, "0x", 2) ? vendor : vendor + 2,
			 strncmp(device, "0x", 2) ? device : device + 2);
	if (id->driver[0])
		module_fields(dir, id->driver, id);
}

/* ------------------------------------------------------------------ opening /dev nodes */

void mc_kernel_open_errmsg(const char *dev, const char *path, int group, int err, char *buf,
			   size_t len)
{
	switch (err) {
	case EACCES:
	case EPERM:
		snprintf(
			buf, len,
			"%s: permission denied opening %s (run as root or add the user to the group owning it)",
			dev, path);
		break;
	case EBUSY:
		if (group >= 0)
			snprintf(buf, len,
				 "%s: group %d already in use by another process (%s: %s)", dev,
				 group, path, strerror(err));
		else
			snprintf(buf, len, "%s: %s already in use by another process (%s)", dev,
				 path, strerror(err));
		break;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		if (mc_ends_with(path, "/vfio/vfio"))
			snprintf(buf, len, "%s: no %s (is the vfio module loaded?): %s", dev, path,
				 strerror(err));
		else if (mc_ends_with(path, "/iommu"))
			snprintf(buf, len,
				 "%s: no %s: the kernel lacks iommufd (CONFIG_IOMMUFD): %s", dev,
				 path, strerror(err));
		else if (strstr(path, "/vfio/devices/"))
			snprintf(
				buf, len,
				"%s: no such VFIO cdev %s (no such device, or the kernel lacks CONFIG_VFIO_DEVICE_CDEV): %s",
				dev, path, strerror(err));
		else if (group >= 0)
			snprintf(buf, len,
				 "%s: no %s for group %d (is the device bound to vfio?): %s", dev,
				 path, group, strerror(err));
		else
			snprintf(buf, len, "%s: no such device node %s: %s", dev, path,
				 strerror(err));
		break;
	default: snprintf(buf, len, "%s: open %s: %s", dev, path, strerror(err)); break;
	}
}

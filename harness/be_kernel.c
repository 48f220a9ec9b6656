// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel VFIO backend: opens a real device through the group/container path
 * (mdev:<uuid>, pci:<bdf>) or the cdev/iommufd path (/dev/vfio/devices/vfioN), checks
 * it has migration support, and passes every operation straight to the syscall. Also
 * follows /dev/kmsg so a run can show what the kernel said (kmsg.c). Sysfs lookups and
 * paths: ksysfs.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backend.h"
#include "kfault.h"
#include "kmsg.h"
#include "ksysfs.h"
#include "util.h"

/*
 * VFIO_NOIOMMU_IOMMU from the uAPI: the IOMMU type for /dev/vfio/noiommu-N groups.
 * mc_uapi.h does not carry it (no-IOMMU mode is not in Debian's config).
 */
#define KB_NOIOMMU_IOMMU 8

#define KB_NREGIONS 16 /* region offsets cached: the PCI indexes and a few more */

struct kdev {
	int devfd;
	int groupfd; /* group/container path */
	int containerfd;
	int iommufd; /* cdev path */
	int group;
	char label[160];       /* the device as messages name it */
	char sysdir[PATH_MAX]; /* the device's sysfs directory (ROB-03 removes it there) */
	struct mc_dev_ident id;

	int *datafds; /* data fds handed out by SET MIG_DEVICE_STATE, not yet closed */
	int ndata, capdata;

	struct {
		int valid;
		uint64_t offset;
	} regions[KB_NREGIONS];

	struct mc_kmsg *klog; /* /dev/kmsg from the device's open on, or NULL */
	bool klog_primed;

	char module[64]; /* the driver's module, where faults are aimed */
	struct mc_kfault_dev fault;
};

/* open(2) @path read-write; on failure the mapped message goes to @err. */
static int open_node(const char *label, const char *path, int group, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int rc;

	if (fd >= 0)
		return fd;
	rc = -errno;
	if (err && errlen)
		mc_kernel_open_errmsg(label, path, group, -rc, err, errlen);
	return rc;
}

/* The IOMMU type to ask the container for: TYPE1v2, else TYPE1; noiommu groups NOIOMMU. */
static int pick_iommu(int containerfd, bool noiommu)
{
	if (noiommu)
		return ioctl(containerfd, VFIO_CHECK_EXTENSION, KB_NOIOMMU_IOMMU) > 0 ?
			       KB_NOIOMMU_IOMMU :
			       -ENODEV;
	if (ioctl(containerfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		return VFIO_TYPE1v2_IOMMU;
	if (ioctl(containerfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0)
		return VFIO_TYPE1_IOMMU;
	return -ENODEV;
}

/* The container checks: API version and an IOMMU backend. Returns the IOMMU type. */
static int check_container(struct kdev *kd, const char *cpath, bool noiommu, char *err,
			   size_t errlen)
{
	int rc = ioctl(kd->containerfd, VFIO_GET_API_VERSION);

	if (rc < 0) {
		rc = -errno;
		return mc_kfail(err, errlen, rc, "%s: VFIO_GET_API_VERSION on %s: %s%s", kd->label,
				cpath, strerror(-rc),
				rc == -ENOTTY ? " (not a VFIO container)" : "");
	}
	if (rc != VFIO_API_VERSION)
		return mc_kfail(err, errlen, -EPROTO,
				"%s: %s speaks VFIO API %d, migcheck needs %d", kd->label, cpath,
				rc, VFIO_API_VERSION);
	rc = pick_iommu(kd->containerfd, noiommu);
	if (rc < 0)
		return mc_kfail(err, errlen, rc, "%s: VFIO_CHECK_EXTENSION on %s: no %s backend%s",
				kd->label, cpath, noiommu ? "no-IOMMU" : "type1 IOMMU",
				noiommu ? "" : " (is vfio_iommu_type1 loaded?)");
	return rc;
}

/* Group status, SET_CONTAINER, SET_IOMMU (with the TYPE1 fallback), GET_DEVICE_FD. */
static int attach_group(struct kdev *kd, const struct mc_ksysfs *ks, int iommu, char *err,
			size_t errlen)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int rc;

	rc = ioctl(kd->groupfd, VFIO_GROUP_GET_STATUS, &st);
	if (rc < 0) {
		rc = -errno;
		return mc_kfail(err, errlen, rc, "%s: VFIO_GROUP_GET_STATUS on group %d: %s",
				kd->label, kd->group, strerror(-rc));
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return mc_kfail(
			err, errlen, -EBUSY,
			"%s: group %d not viable: other devices in the group are not bound to vfio",
			kd->label, kd->group);
	rc = ioctl(kd->groupfd, VFIO_GROUP_SET_CONTAINER, &kd->containerfd);
	if (rc < 0) {
		rc = -errno;
		return mc_kfail(err, errlen, rc, "%s: VFIO_GROUP_SET_CONTAINER on group %d: %s",
				kd->label, kd->group, strerror(-rc));
	}
	rc = ioctl(kd->containerfd, VFIO_SET_IOMMU, iommu);
	if (rc < 0 && iommu == VFIO_TYPE1v2_IOMMU)
		rc = ioctl(kd->containerfd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU);
	if (rc < 0) {
		rc = -errno;
		return mc_kfail(err, errlen, rc, "%s: VFIO_SET_IOMMU (type %d) for group %d: %s",
				kd->label, iommu, kd->group, strerror(-rc));
	}
	kd->devfd = ioctl(kd->groupfd, VFIO_GROUP_GET_DEVICE_FD, ks->name);
	if (kd->devfd < 0) {
		rc = -errno;
		return mc_kfail(err, errlen, rc,
				"%s: VFIO_GROUP_GET_DEVICE_FD(\"%s\") on group %d: %s%s", kd->label,
				ks->name, kd->group, strerror(-rc),
				rc == -EPERM ? " (no-IOMMU groups need CAP_SYS_RAWIO)" : "");
	}
	return 0;
}

static int open_group(struct kdev *kd, const struct mc_ksysfs *ks, char *err, size_t errlen)
{
	char cpath[PATH_MAX], gpath[PATH_MAX], npath[PATH_MAX];
	bool noiommu = false;
	int rc, iommu;

	kd->group = ks->group;
	if (mc_kpath(cpath, sizeof(cpath), false, "/vfio/vfio") ||
	    mc_kpath(gpath, sizeof(gpath), false, "/vfio/%d", ks->group) ||
	    mc_kpath(npath, sizeof(npath), false, "/vfio/noiommu-%d", ks->group))
		return mc_kfail(err, errlen, -ENAMETOOLONG, "%s: MC_DEV_ROOT path too long",
				kd->label);
	if (access(gpath, F_OK) && !access(npath, F_OK)) {
		memcpy(gpath, npath, sizeof(gpath));
		noiommu = true;
	}
	rc = open_node(kd->label, cpath, -1, err, errlen);
	if (rc < 0)
		return rc;
	kd->containerfd = rc;
	rc = open_node(kd->label, gpath, ks->group, err, errlen);
	if (rc < 0)
		goto out_close_container;
	kd->groupfd = rc;
	iommu = check_container(kd, cpath, noiommu, err, errlen);
	if (iommu < 0) {
		rc = iommu;
		goto out_close_group;
	}
	rc = attach_group(kd, ks, iommu, err, errlen);
	if (rc)
		goto out_close_group;
	snprintf(kd->id.access, sizeof(kd->id.access), "group/container");
	return 0;

out_close_group:
	close(kd->groupfd);
	kd->groupfd = -1;
out_close_container:
	close(kd->containerfd);
	kd->containerfd = -1;
	return rc;
}

static int open_cdev(struct kdev *kd, const struct mc_ksysfs *ks, char *err, size_t errlen)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	char ipath[PATH_MAX];
	int rc;

	rc = open_node(kd->label, ks->node, -1, err, errlen);
	if (rc < 0)
		return rc;
	kd->devfd = rc;
	if (mc_kpath(ipath, sizeof(ipath), false, "/iommu")) {
		rc = mc_kfail(err, errlen, -ENAMETOOLONG, "%s: MC_DEV_ROOT path too long",
			      kd->label);
		goto out_close_device;
	}
	rc = open_node(kd->label, ipath, -1, err, errlen);
	if (rc < 0)
		goto out_close_device;
	kd->iommufd = rc;
	bind.iommufd = kd->iommufd;
	if (ioctl(kd->devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		rc = -errno;
		mc_kfail(err, errlen, rc, "%s: VFIO_DEVICE_BIND_IOMMUFD: %s%s", kd->label,
			 strerror(-rc),
			 rc == -EBUSY ? " (its group is open through /dev/vfio/N?)" : "");
		goto out_close_iommufd;
	}
	if (ioctl(kd->iommufd, IOMMU_IOAS_ALLOC, &ioas) < 0) {
		rc = -errno;
		mc_kfail(err, errlen, rc, "%s: IOMMU_IOAS_ALLOC on %s: %s", kd->label, ipath,
			 strerror(-rc));
		goto out_close_iommufd;
	}
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(kd->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		rc = -errno;
		mc_kfail(err, errlen, rc, "%s: VFIO_DEVICE_ATTACH_IOMMUFD_PT (ioas %u): %s",
			 kd->label, ioas.out_ioas_id, strerror(-rc));
		goto out_close_iommufd;
	}
	snprintf(kd->id.access, sizeof(kd->id.access), "cdev/iommufd");
	return 0;

out_close_iommufd: /* also frees the IOAS */
	close(kd->iommufd);
	kd->iommufd = -1;
out_close_device:
	close(kd->devfd);
	kd->devfd = -1;
	return rc;
}

/* GET VFIO_DEVICE_FEATURE_MIGRATION: a device without it is no use to migcheck. */
static int check_migration(struct kdev *kd, char *err, size_t errlen)
{
	struct vfio_device_feature hdr = {
		.argsz = 16,
		.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
	};
	unsigned char buf[16] __attribute__((aligned(8))) = { 0 };
	int rc;

	memcpy(buf, &hdr, sizeof(hdr));
	rc = ioctl(kd->devfd, VFIO_DEVICE_FEATURE, buf);
	if (rc == 0)
		return 0;
	rc = -errno;
	if (rc == -ENOTTY)
		return mc_kfail(
			err, errlen, -EOPNOTSUPP,
			"%s: device has no migration support (VFIO_DEVICE_FEATURE_MIGRATION: ENOTTY)",
			kd->label);
	return mc_kfail(err, errlen, rc, "%s: GET VFIO_DEVICE_FEATURE_MIGRATION: %s", kd->label,
			strerror(-rc));
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void kernel_close(void *priv)
{
	struct kdev *kd = priv;
	int i;

	if (!kd)
		return;
	for (i = 0; i < kd->ndata; i++)
		close(kd->datafds[i]);
	free(kd->datafds);
	/* The device before what it is attached to: group/container, iommufd. */
	close_fd(&kd->devfd);
	close_fd(&kd->groupfd);
	close_fd(&kd->containerfd);
	close_fd(&kd->iommufd);
	mc_kmsg_close(kd->klog);
	free(kd);
}

static int kernel_open(const struct mc_devspec *spec, void **priv, char *err, size_t errlen)
{
	struct mc_ksysfs ks;
	struct kdev *kd;
	int rc;

	*priv = NULL;
	rc = mc_ksysfs_resolve(spec, &ks, err, errlen);
	if (rc)
		return rc;
	kd = calloc(1, sizeof(*kd));
	if (!kd)
		return mc_kfail(err, errlen, -ENOMEM, "%s: out of memory", ks.label);
	kd->devfd = kd->groupfd = kd->containerfd = kd->iommufd = -1;
	kd->group = -1;
	mc_copy_str(kd->label, sizeof(kd->label), ks.label);
	rc = strcmp(spec->kind, "cdev") == 0 ? open_cdev(kd, &ks, err, errlen) :
					       open_group(kd, &ks, err, errlen);
	if (rc)
		goto out_free;
	rc = check_migration(kd, err, errlen);
	if (rc)
		goto out_close_device;
	mc_copy_str(kd->sysdir, sizeof(kd->sysdir), ks.dir);
	mc_ksysfs_ident(ks.dir, &kd->id);
	mc_ksysfs_module(ks.dir, kd->id.driver, kd->module, sizeof(kd->module));
	if (ks.node[0])
		mc_copy_str(kd->id.path, sizeof(kd->id.path), ks.node);
	else if (!kd->id.path[0])
		mc_copy_str(kd->id.path, sizeof(kd->id.path), ks.dir);
	mc_kmsg_open(&kd->klog);
	*priv = kd;
	return 0;

out_close_device: /* and whatever it is attached to; frees kd */
	kernel_close(kd);
	return rc;
out_free:
	free(kd);
	return rc;
}

static void kernel_ident(void *priv, struct mc_dev_ident *id)
{
	const struct kdev *kd = priv;

	*id = kd->id;
}

/* Remember a data fd the kernel returned so close() can release it. */
static void track_fd(struct kdev *kd, int fd)
{
	int *nv, i;

	for (i = 0; i < kd->ndata; i++)
		if (kd->datafds[i] == fd)
			return;
	if (kd->ndata == kd->capdata) {
		nv = realloc(kd->datafds,
			     (size_t)(kd->capdata ? kd->capdata * 2 : 8) * sizeof(*nv));
		if (!nv)
			return; /* the caller still owns it; only the safety net is lost */
		kd->datafds = nv;
		kd->capdata = kd->capdata ? kd->capdata * 2 : 8;
	}
	kd->datafds[kd->ndata++] = fd;
}

static int kernel_feature(void *priv, void *buf, size_t buflen)
{
	struct kdev *kd = priv;
	struct vfio_device_feature hdr;
	struct vfio_device_feature_mig_state ms;

	if (ioctl(kd->devfd, VFIO_DEVICE_FEATURE, buf) < 0)
		return -errno;
	if (buflen < sizeof(hdr) + sizeof(ms))
		return 0;
	memcpy(&hdr, buf, sizeof(hdr));
	if ((hdr.flags & VFIO_DEVICE_FEATURE_MASK) != VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE ||
	    !(hdr.flags & VFIO_DEVICE_FEATURE_SET) || (hdr.flags & VFIO_DEVICE_FEATURE_PROBE) ||
	    hdr.argsz < sizeof(hdr) + sizeof(ms))
		return 0;
	memcpy(&ms, (const unsigned char *)buf + sizeof(hdr), sizeof(ms));
	if (ms.data_fd >= 0)
		track_fd(kd, ms.data_fd);
	return 0;
}

static int kernel_reset(void *priv)
{
	const struct kdev *kd = priv;

	return ioctl(kd->devfd, VFIO_DEVICE_RESET) < 0 ? -errno : 0;
}

/*
 * ROB-03: close the device fd and what it is attached to, as a dying process would,
 * keeping the data fds; then remove the device through sysfs ("remove" of an mdev
 * or a PCI function). Only --destructive runs get here.
 */
static int kernel_remove(void *priv, char *err, size_t errlen)
{
	struct kdev *kd = priv;
	char path[PATH_MAX + 8];
	int fd, rc = 0;

	close_fd(&kd->devfd);
	close_fd(&kd->groupfd);
	close_fd(&kd->containerfd);
	close_fd(&kd->iommufd);
	if (snprintf(path, sizeof(path), "%s/remove", kd->sysdir) >= (int)sizeof(path))
		return mc_kfail(err, errlen, -ENAMETOOLONG, "%s: sysfs path too long", kd->label);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return mc_kfail(err, errlen, -errno, "%s: open %s: %s", kd->label, path,
				strerror(errno));
	if (write(fd, "1", 1) != 1)
		rc = mc_kfail(err, errlen, -errno, "%s: write 1 to %s: %s", kd->label, path,
			      strerror(errno));
	close(fd);
	return rc;
}

static int kernel_dev_rawfd(void *priv)
{
	const struct kdev *kd = priv;

	return kd->devfd >= 0 ? kd->devfd : -EBADF;
}

static ssize_t kernel_data_read(void *priv, int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	(void)priv;
	return n < 0 ? -errno : n;
}

static ssize_t kernel_data_write(void *priv, int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	(void)priv;
	return n < 0 ? -errno : n;
}

static ssize_t kernel_data_writev(void *priv, int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t n = writev(fd, iov, iovcnt);

	(void)priv;
	return n < 0 ? -errno : n;
}

static ssize_t kernel_data_pread(void *priv, int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	(void)priv;
	return n < 0 ? -errno : n;
}

static off_t kernel_data_lseek(void *priv, int fd, off_t off, int whence)
{
	off_t r = lseek(fd, off, whence);

	(void)priv;
	return r < 0 ? -errno : r;
}

static int kernel_data_ioctl(void *priv, int fd, unsigned long cmd, void *arg)
{
	int rc = ioctl(fd, cmd, arg);

	(void)priv;
	return rc < 0 ? -errno : rc;
}

static int kernel_data_poll(void *priv, int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc = poll(&pfd, 1, timeout_ms);

	(void)priv;
	if (rc < 0)
		return -errno;
	return rc ? pfd.revents : 0;
}

/* The kernel backend's data fds are the kernel's own: the same number, if still open. */
static int kernel_data_rawfd(void *priv, int fd)
{
	(void)priv;
	return fcntl(fd, F_GETFD) < 0 ? -errno : fd;
}

static int kernel_data_close(void *priv, int fd)
{
	struct kdev *kd = priv;
	int rc = close(fd);
	int i;

	rc = rc < 0 ? -errno : 0;
	for (i = 0; i < kd->ndata; i++) {
		if (kd->datafds[i] == fd) {
			kd->datafds[i] = kd->datafds[--kd->ndata];
			break;
		}
	}
	return rc;
}

static int kernel_region_info(void *priv, uint32_t index, struct vfio_region_info *ri)
{
	struct kdev *kd = priv;

	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(kd->devfd, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		return -errno;
	if (index < KB_NREGIONS) {
		kd->regions[index].valid = 1;
		kd->regions[index].offset = ri->offset;
	}
	return 0;
}

/* File offset on the device fd of byte @off of region @index. */
static int region_pos(struct kdev *kd, uint32_t index, uint64_t off, size_t len, off_t *pos)
{
	struct vfio_region_info ri;
	uint64_t base;
	int rc;

	if (index < KB_NREGIONS && kd->regions[index].valid) {
		base = kd->regions[index].offset;
	} else {
		rc = kernel_region_info(kd, index, &ri);
		if (rc)
			return rc;
		base = ri.offset;
	}
	if (base > INT64_MAX || off > INT64_MAX - base || len > INT64_MAX - base - off)
		return -EINVAL;
	*pos = (off_t)(base + off);
	return 0;
}

static ssize_t kernel_region_read(void *priv, uint32_t index, uint64_t off, void *buf, size_t len)
{
	struct kdev *kd = priv;
	ssize_t n;
	off_t pos;
	int rc = region_pos(kd, index, off, len, &pos);

	if (rc)
		return rc;
	n = pread(kd->devfd, buf, len, pos);
	return n < 0 ? -errno : n;
}

static ssize_t kernel_region_write(void *priv, uint32_t index, uint64_t off, const void *buf,
				   size_t len)
{
	struct kdev *kd = priv;
	ssize_t n;
	off_t pos;
	int rc = region_pos(kd, index, off, len, &pos);

	if (rc)
		return rc;
	n = pwrite(kd->devfd, buf, len, pos);
	return n < 0 ? -errno : n;
}

static ssize_t kernel_klog_read(void *priv, char *buf, size_t len)
{
	struct kdev *kd = priv;

	if (!kd->klog)
		return -ENOENT;
	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (!kd->klog_primed) { /* the first read sets the position (klog_read's contract) */
		kd->klog_primed = true;
		return mc_kmsg_seek_end(kd->klog);
	}
	return mc_kmsg_read(kd->klog, buf, len);
}

static int kernel_klog_skip(void *priv)
{
	struct kdev *kd = priv;

	if (!kd->klog)
		return -ENOENT;
	kd->klog_primed = true;
	return mc_kmsg_seek_end(kd->klog);
}

/* The machine's /dev/kmsg (under MC_DEV_ROOT) from its end, for a run's parent. */
static int kernel_log_open(const struct mc_devspec *spec, void **rd, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int rc;

	(void)spec;
	/* What kmemleak found before the run is none of its business (baseline, then kmsg). */
	mc_kmemleak_baseline();
	rc = mc_kmsg_open((struct mc_kmsg **)rd);
	if (rc) {
		mc_kpath(path, sizeof(path), false, "/kmsg");
		return mc_kfail(err, errlen, rc, "%s: %s", path, strerror(-rc));
	}
	return 0;
}

static ssize_t kernel_log_read(void *rd, char *buf, size_t len)
{
	return mc_kmsg_read(rd, buf, len);
}

static void kernel_log_mark(void *rd, const char *text)
{
	(void)rd;
	mc_kmsg_mark(text);
}

static void kernel_log_close(void *rd)
{
	mc_kmsg_close(rd);
}

static int kernel_fault(void *priv, enum mc_fault_kind kind, uint32_t arg)
{
	struct kdev *kd = priv;

	return mc_kfault_dev_fault(&kd->fault, kd->module, kind, arg);
}

static unsigned kernel_fault_kinds(void *priv, char *why, size_t len)
{
	struct kdev *kd = priv;

	return mc_kfault_dev_kinds(&kd->fault, kd->module, why, len);
}

static ssize_t kernel_log_leaks(void *rd, char *buf, size_t len)
{
	(void)rd;
	return mc_kmemleak_leaks(buf, len);
}

const struct mc_backend_ops mc_kernel_ops = {
	.name = "kernel",
	.open = kernel_open,
	.close = kernel_close,
	.ident = kernel_ident,
	.feature = kernel_feature,
	.reset = kernel_reset,
	.data_read = kernel_data_read,
	.data_write = kernel_data_write,
	.data_writev = kernel_data_writev,
	.data_pread = kernel_data_pread,
	.data_lseek = kernel_data_lseek,
	.data_ioctl = kernel_data_ioctl,
	.data_poll = kernel_data_poll,
	.data_close = kernel_data_close,
	.region_info = kernel_region_info,
	.region_read = kernel_region_read,
	.region_write = kernel_region_write,
	.klog_read = kernel_klog_read,
	.klog_skip = kernel_klog_skip,
	.log_open = kernel_log_open,
	.log_read = kernel_log_read,
	.log_close = kernel_log_close,
	.log_leaks = kernel_log_leaks,
	.log_mark = kernel_log_mark,
	.fault = kernel_fault,
	.fault_kinds = kernel_fault_kinds,
	.data_rawfd = kernel_data_rawfd,
	.remove = kernel_remove,
	.dev_rawfd = kernel_dev_rawfd,
};

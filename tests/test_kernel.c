// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the kernel backend's error paths and of device discovery, against a
 * fake sysfs and /dev tree in a temporary directory (MC_SYSFS_ROOT / MC_DEV_ROOT).
 * Nothing here needs a real VFIO device; the paths that do are covered by the smoke
 * program run in the VM.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mc_test.h"
#include "backend.h"
#include "devlist.h"
#include "ksysfs.h"

#define UUID "5f3f1b3c-2a6e-4c1e-9d1f-0a1b2c3d4e5f"
#define BDF "0000:00:04.0"

static char base[PATH_MAX]; /* per run */
static char root[PATH_MAX]; /* per test, inside base */

/* <root>/<fmt...> into a static buffer (one live result at a time is enough here). */
static const char *at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *at(const char *fmt, ...)
{
	static char buf[2][PATH_MAX];
	static int which;
	char rel[PATH_MAX];
	va_list ap;

	which ^= 1;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(snprintf(buf[which], PATH_MAX, "%s/%s", root, rel), PATH_MAX);
	return buf[which];
}

static void mkdir_p(const char *path)
{
	char tmp[PATH_MAX], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		ck_assert_msg(mkdir(tmp, 0755) == 0 || errno == EEXIST, "mkdir %s", tmp);
		*p = '/';
	}
	ck_assert_msg(mkdir(tmp, 0755) == 0 || errno == EEXIST, "mkdir %s", tmp);
}

static void mkparent(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	*strrchr(tmp, '/') = '\0';
	mkdir_p(tmp);
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd;

	mkparent(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_msg(fd >= 0, "create %s", path);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Symlink @link -> @target (both absolute). */
static void ln(const char *target, const char *link)
{
	char t[PATH_MAX];

	snprintf(t, sizeof(t), "%s", target);
	mkparent(link);
	ck_assert_msg(symlink(t, link) == 0, "symlink %s", link);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Unchecked fixture (runs in the runner): one base directory, removed even after failures. */
static void suite_setup(void)
{
	snprintf(base, sizeof(base), "/tmp/mc-kernel-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	ck_assert_int_eq(chmod(base, 0755), 0);
}

static void suite_teardown(void)
{
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Checked fixture (runs in each test's process): a fresh tree per test. */
static void setup(void)
{
	umask(022);
	ck_assert_int_lt(snprintf(root, sizeof(root), "%s/t-XXXXXX", base), (int)sizeof(root));
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(chmod(root, 0755), 0);
	mkdir_p(at("sys"));
	mkdir_p(at("dev"));
	setenv("MC_SYSFS_ROOT", at("sys"), 1);
	setenv("MC_DEV_ROOT", at("dev"), 1);
}

static void teardown(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A bound mtty mdev in group 7 (no /dev nodes). */
static void fake_mdev(void)
{
	char dev[PATH_MAX];

	snprintf(dev, sizeof(dev), "%s", at("sys/devices/virtual/mtty/mtty/" UUID));
	mkdir_p(dev);
	mkdir_p(at("sys/bus/mdev/drivers/mtty"));
	mkdir_p(at("sys/kernel/iommu_groups/7"));
	put(at("sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/name"),
	    "Dual port serial\n", 0644);
	put(at("sys/module/mtty/version"), "0.1\n", 0644);
	put(at("sys/module/mtty/srcversion"), "0123456789ABCDEF\n", 0644);
	ln(at("sys/module/mtty"), at("sys/bus/mdev/drivers/mtty/module"));
	ln(at("sys/bus/mdev/drivers/mtty"), at("sys/devices/virtual/mtty/mtty/%s/driver", UUID));
	ln(at("sys/kernel/iommu_groups/7"),
	   at("sys/devices/virtual/mtty/mtty/%s/iommu_group", UUID));
	ln(at("sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2"),
	   at("sys/devices/virtual/mtty/mtty/%s/mdev_type", UUID));
	ln(dev, at("sys/bus/mdev/devices/%s", UUID));
}

/* A PCI function bound to @driver (NULL: unbound), in group 5 when @group. */
static void fake_pci(const char *bdf, const char *driver, bool group)
{
	char dev[PATH_MAX];

	snprintf(dev, sizeof(dev), "%s", at("sys/devices/pci0000:00/%s", bdf));
	put(at("sys/devices/pci0000:00/%s/vendor", bdf), "0x8086\n", 0644);
	put(at("sys/devices/pci0000:00/%s/device", bdf), "0x1533\n", 0644);
	if (driver) {
		mkdir_p(at("sys/bus/pci/drivers/%s", driver));
		ln(at("sys/bus/pci/drivers/%s", driver),
		   at("sys/devices/pci0000:00/%s/driver", bdf));
	}
	if (group) {
		mkdir_p(at("sys/kernel/iommu_groups/5"));
		ln(at("sys/kernel/iommu_groups/5"),
		   at("sys/devices/pci0000:00/%s/iommu_group", bdf));
	}
	ln(dev, at("sys/bus/pci/devices/%s", bdf));
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * Open @kind:@target, expect -@want and a one-line message containing @needle, and
 * that nothing acquired is left behind. Returns the message for further checks.
 */
static const char *open_fails(const char *kind, const char *target, int want, const char *needle)
{
	static char err[512];
	struct mc_devspec spec;
	void *priv = (void *)1;
	int before = count_fds(), rc;

	memset(&spec, 0, sizeof(spec));
	snprintf(spec.kind, sizeof(spec.kind), "%s", kind);
	snprintf(spec.target, sizeof(spec.target), "%s", target);
	err[0] = '\0';
	rc = mc_kernel_ops.open(&spec, &priv, err, sizeof(err));
	ck_assert_msg(rc == -want, "%s:%s: rc %d (%s), want %d; err: %s", kind, target, rc,
		      strerror(-rc), -want, err);
	ck_assert_ptr_null(priv);
	ck_assert_msg(strstr(err, needle), "%s:%s: message lacks \"%s\": %s", kind, target, needle,
		      err);
	ck_assert_msg(!strchr(err, '\n'), "message is not one line: %s", err);
	ck_assert_int_eq(count_fds(), before);
	return err;
}

START_TEST(test_mdev_missing)
{
	mkdir_p(at("sys/bus/mdev/devices"));
	open_fails("mdev", UUID, ENOENT, "no such mdev device");
}
END_TEST

START_TEST(test_mdev_no_bus)
{
	const char *e = open_fails("mdev", UUID, ENOENT, "no such mdev device");

	ck_assert_msg(strstr(e, "mdev module loaded"), "%s", e);
}
END_TEST

START_TEST(test_mdev_bad_uuid)
{
	open_fails("mdev", "not-a-uuid", EINVAL, "not a UUID");
	open_fails("mdev", "../../../../etc/passwd-xxxx-xxxx-xxxxxxxxxxxx", EINVAL, "not a UUID");
}
END_TEST

START_TEST(test_mdev_uppercase)
{
	char upper[64];
	size_t i;

	fake_mdev();
	snprintf(upper, sizeof(upper), "%s", UUID);
	for (i = 0; upper[i]; i++)
		upper[i] = (char)toupper((unsigned char)upper[i]);
	/* Found (lower-cased), so it gets as far as the container. */
	open_fails("mdev", upper, ENOENT, "mdev:" UUID ": no ");
	open_fails("mdev", upper, ENOENT, "is the vfio module loaded?");
}
END_TEST

START_TEST(test_pci_not_vfio)
{
	fake_pci(BDF, "e1000e", true);
	open_fails("pci", BDF, ENODEV, "pci:" BDF ": not bound to a VFIO driver (bound to e1000e)");
}
END_TEST

START_TEST(test_pci_unbound)
{
	fake_pci(BDF, NULL, true);
	open_fails("pci", BDF, ENODEV, "not bound to a VFIO driver (bound to none)");
}
END_TEST

START_TEST(test_pci_missing)
{
	open_fails("pci", BDF, ENOENT, "no such PCI device");
	open_fails("pci", "00:04", EINVAL, "not a PCI address");
}
END_TEST

START_TEST(test_pci_short_form_and_variant)
{
	fake_pci(BDF, "mlx5_vfio_pci", false);
	/* "00:04.0" is 0000:00:04.0; a variant driver passes; the group is what's missing. */
	open_fails("pci", "00:04.0", ENODEV, "pci:" BDF ": no IOMMU group");
}
END_TEST

START_TEST(test_no_iommu_group)
{
	fake_pci(BDF, "vfio-pci", false);
	open_fails("pci", BDF, ENODEV, "iommu_group is missing");
}
END_TEST

START_TEST(test_no_container)
{
	fake_mdev();
	open_fails("mdev", UUID, ENOENT, "vfio/vfio (is the vfio module loaded?)");
}
END_TEST

START_TEST(test_no_group_node)
{
	fake_mdev();
	put(at("dev/vfio/vfio"), "", 0666);
	open_fails("mdev", UUID, ENOENT, "vfio/7 for group 7");
}
END_TEST

START_TEST(test_not_a_container)
{
	fake_pci(BDF, "vfio-pci", true);
	put(at("dev/vfio/vfio"), "", 0666);
	put(at("dev/vfio/5"), "", 0600);
	open_fails("pci", BDF, ENOTTY, "VFIO_GET_API_VERSION");
	open_fails("pci", BDF, ENOTTY, "(not a VFIO container)");
}
END_TEST

START_TEST(test_noiommu_node)
{
	fake_pci(BDF, "vfio-pci", true);
	put(at("dev/vfio/vfio"), "", 0666);
	mkdir_p(at("dev/vfio/noiommu-5")); /* a directory: opening it read-write fails */
	open_fails("pci", BDF, EISDIR, "vfio/noiommu-5");
}
END_TEST

/* Opening the group node as an unprivileged user must give the permission message. */
static void expect_eacces(void)
{
	open_fails("mdev", UUID, EACCES, "permission denied opening ");
	open_fails("mdev", UUID, EACCES,
		   "vfio/7 (run as root or add the user to the group owning it)");
}

START_TEST(test_permission_denied)
{
	pid_t pid;
	int status;

	fake_mdev();
	put(at("dev/vfio/vfio"), "", 0666);
	put(at("dev/vfio/7"), "", 0000);
	if (geteuid() != 0) {
		expect_eacces();
		return;
	}
	/* Root ignores the mode: check it as "nobody" in a child, if we may drop privileges. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(77);
		expect_eacces(); /* a failed assertion exits the child non-zero */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		fprintf(stderr, "test_permission_denied: cannot drop root here; only the errno "
				"mapping (test_errmsg_mapping) covered EACCES\n");
	else
		ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(test_errmsg_mapping)
{
	char m[512];

	mc_kernel_open_errmsg("mdev:x", "/dev/vfio/7", 7, EACCES, m, sizeof(m));
	ck_assert_str_eq(m, "mdev:x: permission denied opening /dev/vfio/7 (run as root or add "
			    "the user to the group owning it)");
	mc_kernel_open_errmsg("mdev:x", "/dev/vfio/7", 7, EPERM, m, sizeof(m));
	ck_assert_ptr_nonnull(strstr(m, "permission denied opening /dev/vfio/7"));
	mc_kernel_open_errmsg("pci:y", "/dev/vfio/12", 12, EBUSY, m, sizeof(m));
	ck_assert_ptr_nonnull(strstr(m, "pci:y: group 12 already in use by another process"));
	mc_kernel_open_errmsg("/dev/vfio/devices/vfio0", "/dev/iommu", -1, ENOENT, m, sizeof(m));
	ck_assert_ptr_nonnull(strstr(m, "the kernel lacks iommufd"));
	mc_kernel_open_errmsg("mdev:x", "/dev/vfio/vfio", 7, ENOENT, m, sizeof(m));
	ck_assert_ptr_nonnull(strstr(m, "is the vfio module loaded?"));
	mc_kernel_open_errmsg("mdev:x", "/dev/vfio/7", 7, EMFILE, m, sizeof(m));
	ck_assert_ptr_nonnull(strstr(m, "mdev:x: open /dev/vfio/7: "));
	ck_assert_ptr_nonnull(strstr(m, strerror(EMFILE)));
}
END_TEST

START_TEST(test_cdev_paths)
{
	open_fails("cdev", "/dev/vfio/devices/vfio0", ENOENT, "no such VFIO cdev");
	put(at("dev/vfio/devices/vfio0"), "", 0666);
	open_fails("cdev", "/dev/vfio/devices/vfio0", ENOENT, "the kernel lacks iommufd");
	put(at("dev/iommu"), "", 0666);
	open_fails("cdev", "vfio0", ENOTTY, "VFIO_DEVICE_BIND_IOMMUFD");
}
END_TEST

START_TEST(test_not_kernel_kind)
{
	open_fails("sim", "", EINVAL, "not a kernel device");
}
END_TEST

START_TEST(test_driver_names)
{
	ck_assert(mc_kdriver_is_vfio("vfio-pci"));
	ck_assert(mc_kdriver_is_vfio("mlx5_vfio_pci"));
	ck_assert(mc_kdriver_is_vfio("hisi-acc-vfio-pci"));
	ck_assert(!mc_kdriver_is_vfio("e1000e"));
	ck_assert(!mc_kdriver_is_vfio("vfio-pci-x"));
	ck_assert(!mc_kdriver_is_vfio(""));
}
END_TEST

START_TEST(test_ident)
{
	struct mc_dev_ident id;

	fake_mdev();
	fake_pci(BDF, "vfio-pci", true);
	mc_ksysfs_ident(at("sys/bus/mdev/devices/%s", UUID), &id);
	ck_assert_str_eq(id.driver, "mtty");
	ck_assert_str_eq(id.type, "mtty-2");
	ck_assert_str_eq(id.module_version, "0.1");
	ck_assert_str_eq(id.module_srcversion, "0123456789ABCDEF");
	ck_assert_str_eq(id.path, at("sys/devices/virtual/mtty/mtty/%s", UUID));
	mc_ksysfs_ident(at("sys/bus/pci/devices/%s", BDF), &id);
	ck_assert_str_eq(id.driver, "vfio-pci");
	ck_assert_str_eq(id.type, "8086:1533");
	ck_assert_str_eq(id.module_version, "");
}
END_TEST

START_TEST(test_scan_empty)
{
	struct mc_devlist_entry *list = (void *)1;
	char err[256] = "";
	int n = -1;

	ck_assert_int_eq(mc_devlist_scan(&list, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(list);
	mkdir_p(at("sys/bus/mdev/devices"));
	mkdir_p(at("sys/bus/pci/devices"));
	ck_assert_int_eq(mc_devlist_scan(&list, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(mc_devlist_pick(list, n), -1);
	mc_devlist_free(list, n);
}
END_TEST

START_TEST(test_scan_lists_mdev_with_error)
{
	struct mc_devlist_entry *list;
	char err[256] = "";
	int n, before = count_fds();

	fake_mdev();
	fake_pci(BDF, "vfio-pci", true);
	fake_pci("0000:00:05.0", "e1000e", true); /* not VFIO: not listed */
	put(at("dev/vfio/devices/vfio3"), "", 0666);
	ln(at("sys/devices/pci0000:00/%s", BDF), at("sys/class/vfio-dev/vfio3/device"));
	put(at("dev/vfio/devices/vfio9"), "", 0666); /* no sysfs side: its own entry */

	ck_assert_int_eq(mc_devlist_scan(&list, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(count_fds(), before);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(list[0].spec, "mdev:" UUID);
	ck_assert_str_eq(list[0].driver, "mtty");
	ck_assert_str_eq(list[0].type, "mtty-2");
	ck_assert_int_eq(list[0].group, 7);
	ck_assert_int_eq(list[0].open_err, -ENOENT);
	ck_assert_msg(strstr(list[0].error, "mdev:" UUID ": no ") &&
			      strstr(list[0].error, "is the vfio module loaded?"),
		      "%s", list[0].error);
	ck_assert_str_eq(list[1].spec, "pci:" BDF);
	ck_assert_str_eq(list[1].driver, "vfio-pci");
	ck_assert_str_eq(list[1].type, "8086:1533");
	ck_assert_int_eq(list[1].group, 5);
	ck_assert_str_eq(list[1].cdev, "/dev/vfio/devices/vfio3");
	ck_assert_int_ne(list[1].open_err, 0);
	ck_assert_str_eq(list[2].spec, "/dev/vfio/devices/vfio9");
	ck_assert_int_eq(list[2].group, -1);
	ck_assert_msg(strstr(list[2].error, "lacks iommufd"), "%s", list[2].error);
	ck_assert_int_eq(mc_devlist_pick(list, n), -1);
	mc_devlist_free(list, n);
}
END_TEST

START_TEST(test_pick)
{
	struct mc_devlist_entry e[3];

	memset(e, 0, sizeof(e));
	e[0].open_err = -EBUSY;
	e[0].mig_flags = 7;
	e[1].mig_flags = 0; /* opened, but no STOP_COPY */
	e[2].mig_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
	ck_assert_int_eq(mc_devlist_pick(e, 3), 2);
	ck_assert_int_eq(mc_devlist_pick(e, 2), -1);
}
END_TEST

static Suite *kernel_suite(void)
{
	Suite *s = suite_create("kernel");
	TCase *tc = tcase_create("fake-tree");

	tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mdev_missing);
	tcase_add_test(tc, test_mdev_no_bus);
	tcase_add_test(tc, test_mdev_bad_uuid);
	tcase_add_test(tc, test_mdev_uppercase);
	tcase_add_test(tc, test_pci_not_vfio);
	tcase_add_test(tc, test_pci_unbound);
	tcase_add_test(tc, test_pci_missing);
	tcase_add_test(tc, test_pci_short_form_and_variant);
	tcase_add_test(tc, test_no_iommu_group);
	tcase_add_test(tc, test_no_container);
	tcase_add_test(tc, test_no_group_node);
	tcase_add_test(tc, test_not_a_container);
	tcase_add_test(tc, test_noiommu_node);
	tcase_add_test(tc, test_permission_denied);
	tcase_add_test(tc, test_errmsg_mapping);
	tcase_add_test(tc, test_cdev_paths);
	tcase_add_test(tc, test_not_kernel_kind);
	tcase_add_test(tc, test_driver_names);
	tcase_add_test(tc, test_ident);
	tcase_add_test(tc, test_scan_empty);
	tcase_add_test(tc, test_scan_lists_mdev_with_error);
	tcase_add_test(tc, test_pick);
	suite_add_tcase(s, tc);
	return s;
}

MC_TEST_MAIN(kernel_suite)

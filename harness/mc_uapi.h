/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of the VFIO and iommufd uAPI that migcheck speaks, as of Linux 6.12.
 * Written here from the facts in shared/SPEC.md §1-§2 (names, numbers, layouts) because
 * the build host's linux-libc-dev may predate PRE_COPY and iommufd. Never include
 * <linux/vfio.h> next to this header: the names are the kernel's own.
 */
#ifndef MC_UAPI_H
#define MC_UAPI_H

#ifdef _UAPIVFIO_H
#error "mc_uapi.h replaces <linux/vfio.h>; include only one of them"
#endif

#include <stdint.h>
#include <sys/ioctl.h>

#define VFIO_API_VERSION 0
#define VFIO_TYPE1_IOMMU 1
#define VFIO_TYPE1v2_IOMMU 3

#define VFIO_TYPE (';')
#define VFIO_BASE 100

#define VFIO_GET_API_VERSION _IO(VFIO_TYPE, VFIO_BASE + 0)
#define VFIO_CHECK_EXTENSION _IO(VFIO_TYPE, VFIO_BASE + 1)
#define VFIO_SET_IOMMU _IO(VFIO_TYPE, VFIO_BASE + 2)
#define VFIO_GROUP_GET_STATUS _IO(VFIO_TYPE, VFIO_BASE + 3)
#define VFIO_GROUP_SET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 4)
#define VFIO_GROUP_UNSET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 5)
#define VFIO_GROUP_GET_DEVICE_FD _IO(VFIO_TYPE, VFIO_BASE + 6)
#define VFIO_DEVICE_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 7)
#define VFIO_DEVICE_GET_REGION_INFO _IO(VFIO_TYPE, VFIO_BASE + 8)
#define VFIO_DEVICE_RESET _IO(VFIO_TYPE, VFIO_BASE + 11)
#define VFIO_DEVICE_FEATURE _IO(VFIO_TYPE, VFIO_BASE + 17)
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)
#define VFIO_MIG_GET_PRECOPY_INFO _IO(VFIO_TYPE, VFIO_BASE + 21)

struct vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};
#define VFIO_GROUP_FLAGS_VIABLE (1u << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET (1u << 1)

struct vfio_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	uint32_t cap_offset;
	uint32_t pad;
};
#define VFIO_DEVICE_FLAGS_RESET (1u << 0)
#define VFIO_DEVICE_FLAGS_PCI (1u << 1)

struct vfio_region_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t cap_offset;
	uint64_t size;
	uint64_t offset;
};
#define VFIO_REGION_INFO_FLAG_READ (1u << 0)
#define VFIO_REGION_INFO_FLAG_WRITE (1u << 1)
#define VFIO_REGION_INFO_FLAG_MMAP (1u << 2)
#define VFIO_PCI_BAR0_REGION_INDEX 0
#define VFIO_PCI_ROM_REGION_INDEX 6
#define VFIO_PCI_CONFIG_REGION_INDEX 7

/* VFIO_DEVICE_FEATURE: header, flag word and feature indexes (SPEC §1.3, §1.4). */
struct vfio_device_feature {
	uint32_t argsz;
	uint32_t flags;
	uint8_t data[];
};
#define VFIO_DEVICE_FEATURE_MASK 0xffffu
#define VFIO_DEVICE_FEATURE_GET (1u << 16)
#define VFIO_DEVICE_FEATURE_SET (1u << 17)
#define VFIO_DEVICE_FEATURE_PROBE (1u << 18)

#define VFIO_DEVICE_FEATURE_MIGRATION 1
#define VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE 2
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_START 6
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP 7
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT 8
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
/* Linux 7.1: SET (no payload) opts in to vfio_precopy_info.flags as an output (SPEC §16.1). */
#define VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 12

struct vfio_device_feature_migration {
	uint64_t flags;
};
#define VFIO_MIGRATION_STOP_COPY (1u << 0)
#define VFIO_MIGRATION_P2P (1u << 1)
#define VFIO_MIGRATION_PRE_COPY (1u << 2)

struct vfio_device_feature_mig_state {
	uint32_t device_state;
	int32_t data_fd;
};

enum vfio_device_mig_state {
	VFIO_DEVICE_STATE_ERROR = 0,
	VFIO_DEVICE_STATE_STOP = 1,
	VFIO_DEVICE_STATE_RUNNING = 2,
	VFIO_DEVICE_STATE_STOP_COPY = 3,
	VFIO_DEVICE_STATE_RESUMING = 4,
	VFIO_DEVICE_STATE_RUNNING_P2P = 5,
	VFIO_DEVICE_STATE_PRE_COPY = 6,
	VFIO_DEVICE_STATE_PRE_COPY_P2P = 7,
	VFIO_DEVICE_STATE_NR,
};

struct vfio_precopy_info {
	uint32_t argsz;
	uint32_t flags;
	uint64_t initial_bytes;
	uint64_t dirty_bytes;
};
/* Output, after the MIG_PRECOPY_INFOv2 opt-in only: new initial data (Linux 7.1). */
#define VFIO_PRECOPY_INFO_REINIT (1u << 0)

struct vfio_device_feature_mig_data_size {
	uint64_t stop_copy_length;
};

struct vfio_device_feature_dma_logging_control {
	uint64_t page_size;
	uint32_t num_ranges;
	uint32_t __reserved;
	uint64_t ranges;
};

struct vfio_device_feature_dma_logging_range {
	uint64_t iova;
	uint64_t length;
};

struct vfio_device_feature_dma_logging_report {
	uint64_t iova;
	uint64_t length;
	uint64_t page_size;
	uint64_t bitmap;
};

/* cdev + iommufd path (CONFIG_VFIO_DEVICE_CDEV, CONFIG_IOMMUFD). */
struct vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
};

struct vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;
};

#define IOMMUFD_TYPE (';')
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
struct iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

/* Layouts measured in SPEC §2; a build on another ABI fails here rather than at run time. */
_Static_assert(sizeof(struct vfio_device_feature) == 8, "feature header");
_Static_assert(sizeof(struct vfio_device_feature_mig_state) == 8, "mig_state");
_Static_assert(sizeof(struct vfio_precopy_info) == 24, "precopy_info");
_Static_assert(sizeof(struct vfio_device_feature_dma_logging_control) == 24, "log control");
_Static_assert(sizeof(struct vfio_device_feature_dma_logging_report) == 32, "log report");
_Static_assert(sizeof(struct vfio_region_info) == 32, "region info");

#endif /* MC_UAPI_H */

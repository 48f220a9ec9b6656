# SPDX-License-Identifier: GPL-2.0-only
# Real-kernel rig: boots Debian's Linux 6.12 under QEMU with the VFIO stack, an out-of-tree
# vendor driver (mtty by default) and build/migcheck-static, and collects the reports.
# Included from the top-level Makefile; `make vm-help` lists targets and knobs.

VM_DIR          := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
MC_CACHE        ?= /var/cache/migcheck
MIGCHECK_STATIC ?= $(or $(BUILD),build)/migcheck-static

# Knobs the scripts read from the environment (empty = the script's default).
VM_KNOBS := MC_CACHE KERNEL KERNEL_VERSION DRIVER_SRC MDEV_PARENT MDEV_TYPE MDEV_UUID1 MDEV_UUID2 \
            MDEV_UUID3 MDEV_FOREIGN_TYPE VM_FOREIGN_SPEC VM_DIRTY VM_STATE_REGIONS VM_DESTRUCTIVE \
            MIGCHECK_ARGS MIGCHECK_TIMEOUT VM_TIMEOUT VM_MEM VM_SMP VM_CPU VM_ACCEL \
            VM_RESULT_MB VM_LOGLEVEL VM_REPORTS VM_MODULES VM_EXTRA_BINS VM_EXTRA_TOOLS VM_EXTRA_FILES VM_EXTRA_ARGS \
            VM_DEVICE_SPEC VM_PEER_SPEC VM_GUEST_SETUP VM_QEMU_ARGS VM_APPEND VM_ACCESS VM_COV_FLOOR
export $(VM_KNOBS)

.PHONY: vmtest vm-prepare vm-initramfs vm-run vm-clean vm-help vmcheck vmcheck-debug vmcheck-driver-src \
        vm-expect-update vmmutants vmfuzz vmreplay rig-check vmfuzz-guided-check vmfuzz-afl-check
MIGCHECK_HOST   ?= $(or $(BUILD),build)/migcheck
export MIGCHECK_HOST
# KERNEL=debug: the kernel vm/build-debug-kernel.sh builds with vm/debug.config, its own verdicts.
VM_EXPECTED     ?= $(VM_DIR)/EXPECTED-mtty$(if $(filter debug,$(KERNEL)),-debug).json
VM_VENDOR_COPY  ?= $(abspath $(or $(BUILD),build)/vm-vendor-mtty)

# Kernel debs + headers + extracted kernel (+ the debug kernel), then the driver. Cached in
# $(MC_CACHE).
vm-prepare:
	$(VM_DIR)/fetch.sh
	$(if $(filter debug,$(KERNEL)),$(VM_DIR)/build-debug-kernel.sh)
	$(VM_DIR)/build-driver.sh

vm-initramfs: vm-prepare $(MIGCHECK_STATIC)
	$(VM_DIR)/mkinitramfs.sh $(MIGCHECK_STATIC)

# Boot and run; the exit status is migcheck's in the guest, 2 for any rig failure.
vmtest: vm-initramfs $(MIGCHECK_HOST)
	$(VM_DIR)/run.sh

# The rig's test in `make check`: a complete run on the real driver whose every verdict
# matches $(VM_EXPECTED) (a real driver may fail clauses; a change in verdict fails).
vmcheck: vm-initramfs $(MIGCHECK_HOST)
	$(VM_DIR)/check.sh $(MIGCHECK_HOST) $(VM_EXPECTED)

# The same on the debug kernel (built cold when MC_CACHE lacks it), through both access
# paths, group/container and cdev/iommufd, which must agree: in `make check` after vmcheck.
vmcheck-debug:
	$(MAKE) --no-print-directory vmcheck KERNEL=debug

# The vendor-driver path: mtty.c copied into another directory with its own Kbuild and built
# as DRIVER_SRC must get exactly the verdicts of the default build.
vmcheck-driver-src: vm-prepare $(MIGCHECK_HOST)
	$(VM_DIR)/check.sh --stage-vendor $(VM_VENDOR_COPY)
	$(MAKE) --no-print-directory vmcheck DRIVER_SRC=$(VM_VENDOR_COPY)

# Single-bug variants of mtty.c (vm/mutants/*.sed), each booted with the whole case set:
# every mutant must be caught by its intended clause, a kernel-report variant (# kernel: debug)
# by a new kernel report of its kind (only with KERNEL=debug; listed, not run, otherwise),
# the conforming variant must add no fail or warn. VMMUTANTS="a b" runs only those.
vmmutants: vm-prepare $(MIGCHECK_STATIC) $(MIGCHECK_HOST)
	$(VM_DIR)/mutants.sh $(MIGCHECK_HOST) $(VM_EXPECTED) $(VMMUTANTS)

# A libFuzzer campaign against the real driver in the guest (vm/vmfuzz.sh).
vmfuzz: vm-prepare $(MIGCHECK_STATIC) $(MIGCHECK_HOST)
	$(MAKE) --no-print-directory $(or $(BUILD),build)/fuzz-lf/$(or $(TARGET),resume_stream)
	$(VM_DIR)/vmfuzz.sh $(or $(TARGET),resume_stream) $(or $(SECONDS),600)

# A short kernel-coverage-guided campaign on the debug kernel (one boot) that must show the
# driver's coverage reached libFuzzer (vm/vmfuzz-guided.sh check).
vmfuzz-guided-check: $(MIGCHECK_STATIC) $(MIGCHECK_HOST)
	$(MAKE) --no-print-directory vm-prepare KERNEL=debug
	$(MAKE) --no-print-directory $(or $(BUILD),build)/fuzz-lf/resume_stream
	$(VM_DIR)/vmfuzz-guided.sh check resume_stream $(or $(GUIDED_SECONDS),75)

# AFL++ on the debug kernel with the driver's coverage in its map: the seeds' and a short
# campaign's queue must map to more tuples with the kernel's coverage (vm/vmfuzz-afl.sh).
vmfuzz-afl-check: $(MIGCHECK_STATIC) $(MIGCHECK_HOST)
	$(MAKE) --no-print-directory vm-prepare KERNEL=debug
	$(MAKE) --no-print-directory $(or $(BUILD),build)/fuzz-afl/resume_stream
	$(VM_DIR)/vmfuzz-afl.sh check resume_stream $(or $(AFL_SECONDS),60)

# Saved fuzz inputs (INPUT=file|dir) replayed with migcheck replay in one boot (vm/vmreplay.sh).
vmreplay: vm-prepare $(MIGCHECK_STATIC) $(MIGCHECK_HOST)
	$(VM_DIR)/vmreplay.sh $(or $(TARGET),resume_stream) $(or $(INPUT),$(error INPUT=file|dir is needed))

# The rig's checks that need no VM: hostile results tars, the package installer (stubbed).
rig-check: $(MIGCHECK_HOST)
	$(VM_DIR)/rig-check.sh $(or $(BUILD),build)/rig-check $(MIGCHECK_HOST)

# Record the verdicts of the last run as the expected ones (a reviewed change).
vm-expect-update: $(MIGCHECK_HOST)
	$(MIGCHECK_HOST) expect write $(or $(VM_REPORTS),reports)/vm-latest/report.json $(VM_EXPECTED)
	git --no-pager diff --stat -- $(VM_EXPECTED) || true

# Boot the last built initramfs again without re-checking apt or rebuilding anything.
vm-run:
	$(VM_DIR)/run.sh

# Derived files only; downloaded debs stay unless VM_PURGE=1.
vm-clean:
	rm -rf $(MC_CACHE)/build $(MC_CACHE)/kernel $(MC_CACHE)/src $(MC_CACHE)/debug \
	       $(MC_CACHE)/current-kernel.env $(MC_CACHE)/current-kernel-debug.env $(MC_CACHE)/accel.cache
	$(if $(filter 1,$(VM_PURGE)),rm -rf $(MC_CACHE)/debs)

vm-help:
	@echo "real-kernel rig (see vm/README.md):"
	@echo "  make vmtest       fetch + build driver + initramfs + boot; exit = migcheck's (2 = rig error)"
	@echo "  make vm-prepare   resolve/download/extract Debian 6.12 and build the driver only"
	@echo "  make vm-run       boot the last built initramfs again"
	@echo "  make vmcheck      vmtest + require a complete run with the verdicts of VM_EXPECTED"
	@echo "  make vmcheck-debug        vmcheck KERNEL=debug: both access paths (group, cdev) must agree"
	@echo "  make vmcheck-driver-src   the same with a copy of mtty.c built as DRIVER_SRC"
	@echo "  make vm-expect-update     record vm-latest's verdicts in VM_EXPECTED (review the diff)"
	@echo "  make vmfuzz TARGET=t SECONDS=n    libFuzzer in the guest; each distinct finding replayed after"
	@echo "  make vmreplay TARGET=t INPUT=f    saved fuzz inputs (file or dir) replayed in one boot"
	@echo "  make vmfuzz KERNEL=debug KCOV=guide|measure|off   kernel-coverage guidance (default guide)"
	@echo "  make vmfuzz-guided-check [GUIDED_SECONDS=75]  a guided campaign whose kernel feedback must reach libFuzzer"
	@echo "  make vmfuzz-afl-check [AFL_SECONDS=60]  AFL++ in the guest: the kernel's coverage must reach its map"
	@echo "  make rig-check    no-VM checks: hostile results tar, the package installer (stubbed)"
	@echo "  make vm-clean     drop derived files in MC_CACHE (VM_PURGE=1: the debs too)"
	@echo "knobs (environment or make VAR=value):"
	@echo "  MC_CACHE=/var/cache/migcheck   debs, extracted kernel, debug kernel, driver builds, initramfs"
	@echo "  KERNEL=production|debug       Debian's kernel, or one built with vm/debug.config (KASAN, lockdep...)"
	@echo "  VM_EXPECTED=vm/EXPECTED-mtty.json   expected verdicts for vmcheck (KERNEL=debug: -debug.json)"
	@echo "  KERNEL_VERSION=                6.12.N, 6.12.N-1~deb12u1 or 6.12.N+deb12 (default: newest)"
	@echo "  DRIVER_SRC=                    dir with Kbuild/Makefile of a vendor driver (default: mtty)"
	@echo "  MDEV_PARENT=mtty MDEV_TYPE=mtty-2 MDEV_UUID1= MDEV_UUID2=   mdevs to create"
	@echo "  MDEV_FOREIGN_TYPE=mtty-1 MDEV_UUID3=   a third mdev of another type (--foreign; none = off)"
	@echo "  VM_DIRTY= VM_STATE_REGIONS=    RES-02: --dirty / --state-regions (mtty: scratch registers)"
	@echo "  VM_DESTRUCTIVE=1               pass --destructive (ROB-03 removes the mdev at the end)"
	@echo "  VM_ACCESS=auto|group|cdev|both access paths run in the guest (auto: both where the kernel has cdev)"
	@echo "  VM_COV_FLOOR=PCT      vmcheck-debug: least driver line coverage (KCOV) a run must reach (default 45 for mtty: a run reaches 51.8%)"
	@echo "  MIGCHECK_ARGS=                 extra words for 'migcheck run' in the guest"
	@echo "  MIGCHECK_STATIC=$(MIGCHECK_STATIC)   static binary put in the guest"
	@echo "  VM_TIMEOUT=600 MIGCHECK_TIMEOUT=VM_TIMEOUT-max(30,10%)   host / guest wall clocks (s)"
	@echo "  VM_MEM=1024 VM_SMP=2 VM_ACCEL=auto|tcg|kvm VM_CPU= VM_LOGLEVEL=5 VM_RESULT_MB=256"
	@echo "  VM_REPORTS=reports             reports land in VM_REPORTS/vm-<timestamp>/"
	@echo "  VM_MODULES=                    extra in-tree modules to load (deps resolved)"
	@echo "  VM_EXTRA_BINS= VM_EXTRA_ARGS='\"\$$MC_DEVICE\"'   static programs run after migcheck"
	@echo "  VM_DEVICE_SPEC= VM_PEER_SPEC= VM_GUEST_SETUP= VM_QEMU_ARGS= VM_APPEND=   non-mdev devices (README)"

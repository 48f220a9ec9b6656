# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # globals here are used by the sourcing scripts
# Shared helpers for the real-kernel rig (sourced, never run): error convention, cache
# layout, the resolved-kernel record written by fetch.sh, and module dependency resolution.
# Every failure of the rig itself is "error: <reason>" on stderr and exit status 2.

MC_CACHE=${MC_CACHE:-/var/cache/migcheck}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$VM_DIR/.." && pwd)
# Fixed mdev UUIDs (lower case: mdev names devices with %pUl whatever case was written).
MDEV_UUID1=${MDEV_UUID1:-6d2c6c5e-8f5d-4a4e-9c1a-00000000c0d1}
MDEV_UUID2=${MDEV_UUID2:-6d2c6c5e-8f5d-4a4e-9c1a-00000000c0d2}
MDEV_UUID3=${MDEV_UUID3:-6d2c6c5e-8f5d-4a4e-9c1a-00000000c0d3}
# Modules every guest loads: the VFIO core stack plus virtio_blk for the results disk.
BASE_MODULES="vfio vfio_iommu_type1 mdev irqbypass virtio_blk"
# The debug kernel's: irqbypass only exists where vfio-pci or KVM select it (not there).
DEBUG_BASE_MODULES="vfio vfio_iommu_type1 mdev virtio_blk"

die() { echo "error: $*" >&2; exit 2; }
note() { echo "vm: $*" >&2; }
# num VALUE: VALUE is a count (a figure read from a stats file, not "null" or empty).
num() { [[ ${1:-} =~ ^[0-9]+$ ]]; }
# panic_cause KERNEL-REPORTS SERIAL: what killed a guest whose kernel panicked, one line:
# the report line just before the first panic line (the oops, the KASAN or UBSAN report
# under panic_on_warn, the hung task), else the panic's own line from the serial log.
panic_cause() {
	local why
	why=$(awk '/Kernel panic/ { print (prev != "" ? prev : $0); exit } { prev = $0 }' "$1" 2>/dev/null || true)
	[ -n "$why" ] || why=$(grep -a -m1 'Kernel panic' "$2" 2>/dev/null | tr -d '\r' || true)
	echo "$why"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die "'$c' not found (install it, e.g. apt-get install ${PKG_HINT:-$c})"
	done
}

# Install Debian packages (exact "pkg=version" allowed) unless already installed, with the
# project's one installer (tools/apt-install.sh: apt-get update once when lists are missing
# or stale). apt_update refreshes the apt lists through the same installer.
apt_install() {
	"$REPO_DIR/tools/apt-install.sh" --no-recommends "$@" || exit 2
}
apt_update() {
	"$REPO_DIR/tools/apt-install.sh" --update || exit 2
}

# fetch.sh records the resolved kernel here; later steps read it.
kernel_env_file() { echo "$MC_CACHE/current-kernel.env"; }

# KERNEL selects the guest kernel: production (default, Debian's) or debug (the kernel
# build-debug-kernel.sh built from the same source with vm/debug.config; its own record).
kernel_flavour() {
	case "${KERNEL:-production}" in
	'' | production) echo production ;;
	debug) echo debug ;;
	*) die "KERNEL=$KERNEL: expected production or debug" ;;
	esac
}

# load_kernel_env: set KABI KPKGVER KDIR SRC_DEB HEADERS_DIR KFLAVOUR (KRELEASE) of KERNEL.
load_kernel_env() {
	local f flavour rerun=vm/fetch.sh
	flavour=$(kernel_flavour) || exit 2
	f=$(kernel_env_file)
	if [ "$flavour" = debug ]; then
		f=$MC_CACHE/current-kernel-debug.env rerun=vm/build-debug-kernel.sh
	fi
	HEADERS_DIR='' KFLAVOUR=production KRELEASE=''
	[ -r "$f" ] || die "no resolved $flavour kernel in $f (run $rerun first)"
	# shellcheck source=/dev/null
	. "$f"
	if [ -z "${KABI:-}" ] || [ -z "${KPKGVER:-}" ] || [ -z "${KDIR:-}" ]; then
		die "$f is incomplete; rerun $rerun"
	fi
	[ -r "$KDIR/vmlinuz" ] || die "$KDIR/vmlinuz missing; rerun $rerun"
	HEADERS_DIR=${HEADERS_DIR:-/usr/src/linux-headers-$KABI-amd64}
	[ "$flavour" = production ] || BASE_MODULES=$DEBUG_BASE_MODULES
}

# Build dir of the driver selected by DRIVER_SRC (default: mtty from linux-source).
driver_build_dir() {
	if [ -n "${DRIVER_SRC:-}" ]; then
		local abs
		abs=$(cd "$DRIVER_SRC" 2>/dev/null && pwd) || die "DRIVER_SRC=$DRIVER_SRC is not a directory"
		echo "$MC_CACHE/build/$KABI/src-$(printf '%s' "$abs" | sha256sum | cut -c1-12)"
	else
		echo "$MC_CACHE/build/$KABI/mtty"
	fi
}

# Default initramfs of the selected driver (mkinitramfs.sh writes it, run.sh boots it).
initramfs_path() {
	local b
	b=$(driver_build_dir)
	echo "$(dirname "$b")/initramfs-$(basename "$b").cpio.gz"
}

# --- module dependency resolution over the extracted module tree ($KDIR/modtree) ---------
declare -A MOD_PATH=() MOD_SEEN=()
MOD_ORDER=()

mod_index() {
	local p n
	MOD_PATH=()
	while IFS= read -r p; do
		n=${p##*/}
		n=${n%%.ko*}
		MOD_PATH[${n//-/_}]=$p
	done < <(find "$KDIR/modtree" -name '*.ko*' -type f)
	[ ${#MOD_PATH[@]} -gt 0 ] || die "no modules under $KDIR/modtree; rerun vm/fetch.sh"
}

mod_builtin() {
	local n=$1
	grep -Eq "/(${n}|${n//_/-})\.ko$" "$KDIR/modules.builtin" 2>/dev/null
}

# Depth-first: dependencies land in MOD_ORDER before their users.
mod_visit() {
	local n=${1//-/_} dep deps path
	[ -n "${MOD_SEEN[$n]:-}" ] && return 0
	MOD_SEEN[$n]=1
	path=${MOD_PATH[$n]:-}
	if [ -z "$path" ]; then
		mod_builtin "$n" && return 0
		die "kernel module '$n' is neither in linux-image-$KABI-amd64-unsigned nor built in"
	fi
	deps=$(modinfo -F depends "$path") || die "modinfo $path failed"
	for dep in ${deps//,/ }; do
		mod_visit "$dep"
	done
	MOD_ORDER+=("$path")
}

# mod_resolve <name|path.ko>...: print module files in load order, deps first. A path is an
# out-of-tree module: its in-tree dependencies are resolved, the file itself is not printed.
mod_resolve() {
	local m dep deps
	[ ${#MOD_PATH[@]} -gt 0 ] || mod_index
	for m in "$@"; do
		if [ -f "$m" ]; then
			deps=$(modinfo -F depends "$m") || die "modinfo $m failed"
			for dep in ${deps//,/ }; do
				[ -n "${MOD_PATH[${dep//-/_}]:-}" ] || mod_builtin "${dep//-/_}" || continue
				mod_visit "$dep"
			done
		else
			mod_visit "$m"
		fi
	done
	printf '%s\n' "${MOD_ORDER[@]}"
}

# stage_modules <dir> <name|path.ko>...: decompress the resolved in-tree modules (busybox
# insmod wants plain ELF) into <dir> and list them, deps first, in <dir>/load.list.
stage_modules() {
	local dir=$1 list m n
	shift
	list=$(mod_resolve "$@")
	mkdir -p "$dir"
	: >"$dir/load.list"
	for m in $list; do
		n=${m##*/}
		case "$n" in
		*.xz) xz -dc "$m" >"$dir/${n%.xz}" ;;
		*.zst) zstd -qdc "$m" >"$dir/${n%.zst}" ;;
		*.gz) gzip -dc "$m" >"$dir/${n%.gz}" ;;
		*) cp "$m" "$dir/$n" ;;
		esac || die "cannot decompress $m"
		echo "${n%.ko*}.ko" >>"$dir/load.list"
	done
}

# Quote a value for a POSIX sh (busybox ash) config file.
sh_quote() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# results_extract <tar> <dir>: unpack the guest's results tar into <dir>, trusting nothing in
# it: only regular files and directories whose names are plain relative paths (letters,
# digits, "._+-@=,:" and "/"; no "..", no leading "/") are taken, as the invoking user, with
# no modes beyond rwx and no owners from the archive. Any other member (symlink, hard link,
# device, fifo, odd name), and every member with its name or under it, is skipped with a note.
# Returns 0 (also for an empty or unreadable tar: the caller checks for vm-status).
# results_key <member name>: the name without "./" prefixes and trailing "/" (never empty).
results_key() {
	local k=$1
	while [ "${k#./}" != "$k" ]; do k=${k#./}; done
	while [ "${k%/}" != "$k" ]; do k=${k%/}; done
	printf '%s' "${k:-.}"
}

results_extract() {
	local tarf=$1 dir=$2 names types mn mt i p bad=() cand=() take=()
	local -A refused=()
	names=$(LC_ALL=C tar -tf "$tarf" --quoting-style=escape 2>/dev/null) || true
	types=$(LC_ALL=C tar -tvf "$tarf" --quoting-style=escape 2>/dev/null | cut -c1) || true
	[ -n "$names" ] || return 0
	mapfile -t mn <<<"$names"
	mapfile -t mt <<<"$types"
	if [ ${#mn[@]} -ne ${#mt[@]} ]; then
		note "warning: results tar listing is inconsistent; nothing extracted"
		return 0
	fi
	for i in "${!mn[@]}"; do
		case "${mt[$i]}" in
		- | d) ;;
		*)
			bad+=("${mn[$i]} (type ${mt[$i]})") refused[$(results_key "${mn[$i]}")]=1
			continue
			;;
		esac
		case "${mn[$i]}" in
		/* | .. | ../* | */.. | */../* | *[!A-Za-z0-9._+@=,:/-]*)
			bad+=("${mn[$i]} (name)") refused[$(results_key "${mn[$i]}")]=1
			continue
			;;
		esac
		cand+=("${mn[$i]}")
	done
	for i in "${cand[@]}"; do
		p=$(results_key "$i")
		while [ -n "$p" ] && [ -z "${refused[$p]:-}" ]; do
			[ "${p%/*}" = "$p" ] && p="" || p=${p%/*}
		done
		[ -n "$p" ] || take+=("$i")
	done
	[ ${#bad[@]} -eq 0 ] || note "warning: results tar: skipped ${bad[*]}"
	[ ${#take[@]} -gt 0 ] || return 0
	printf '%s\n' "${take[@]}" |
		tar -xf "$tarf" -C "$dir" --no-overwrite-dir --no-same-owner --no-same-permissions \
			--mode=u+rw,a-st --no-recursion --verbatim-files-from -T - 2>/dev/null ||
		note "warning: extracting the results tar reported errors"
	return 0
}

# vm_access_paths: print the access paths the rig runs (VM_ACCESS; vm/run.sh boots the guest
# once per path): group (group/container), cdev (cdev/iommufd) or both. VM_ACCESS=auto (or
# empty) is both where the kernel's config ($KDIR/config, after load_kernel_env) has IOMMUFD
# and VFIO_DEVICE_CDEV and the rig creates the mdevs (no VM_DEVICE_SPEC), group otherwise.
# cdev or both asked for on a kernel without them is a rig error, named before any boot.
vm_access_paths() {
	local o miss=()
	for o in CONFIG_IOMMUFD CONFIG_VFIO_DEVICE_CDEV; do
		grep -q "^$o=y" "$KDIR/config" 2>/dev/null || miss+=("$o")
	done
	case "${VM_ACCESS:-auto}" in
	auto)
		if [ ${#miss[@]} = 0 ] && [ -z "${VM_DEVICE_SPEC:-}" ]; then echo both; else echo group; fi
		return 0
		;;
	group) ;;
	cdev | both)
		[ ${#miss[@]} = 0 ] || die "VM_ACCESS=$VM_ACCESS needs the cdev/iommufd path, but the" \
			"$KFLAVOUR kernel's config ($KDIR/config) lacks ${miss[*]} (KERNEL=debug has both)"
		;;
	*) die "VM_ACCESS=$VM_ACCESS: expected group, cdev, both or auto" ;;
	esac
	echo "$VM_ACCESS"
}

# access_paths_compare <host migcheck> <report dir>: when the guest ran both access paths
# (vm-access "both"), compare report.json (group/container) with cdev/report.json
# (cdev/iommufd) by `migcheck expect agree`, into <dir>/access-paths.txt, and print it.
# Returns 0 when they agree or one path ran, 1 when a verdict differs (a finding against
# the device or kernel); dies (rig error) when the two reports cannot be compared.
access_paths_compare() {
	local mc=$1 dir=$2 rc=0
	[ "$(cat "$dir/vm-access" 2>/dev/null)" = both ] || return 0
	[ -x "$mc" ] || die "cannot compare the access paths of $dir: no host migcheck ('$mc')"
	if [ ! -s "$dir/report.json" ] || [ ! -s "$dir/cdev/report.json" ]; then
		die "both access paths ran, but $dir/report.json or $dir/cdev/report.json is missing"
	fi
	"$mc" expect agree "$dir/report.json" "$dir/cdev/report.json" >"$dir/access-paths.txt" 2>&1 ||
		rc=$?
	sed 's/^/vm: access paths: /' "$dir/access-paths.txt" >&2
	case "$rc" in
	0 | 1) return "$rc" ;;
	*) die "cannot compare $dir/report.json with $dir/cdev/report.json (status $rc)" ;;
	esac
}

# Boot one rig run (vm/run.sh, configured by the caller's environment) that must leave a
# new report: output to $2 when given. A completed run (status 0 or 1) sets RUN_STATUS and
# NEW_REPORT (its directory); any other status, or no new report, dies naming $1.
# boot_extras <static migcheck>: one boot with the exported VM_EXTRA_* (run-extras.sh);
# RUN_STATUS is its status and NEW_REPORT this boot's directory under VM_REPORTS, found by
# name rather than through vm-latest, which moves only when the guest brought results back
# (a panicked guest still leaves its serial.log). Dies when the boot made no directory.
newest_report() { find "$VM_REPORTS" -maxdepth 1 -name 'vm-2*' -type d | sort | tail -1; }
boot_extras() {
	local before
	before=$(newest_report)
	set +e
	"$VM_DIR/run-extras.sh" "$1"
	RUN_STATUS=$?
	set -e
	NEW_REPORT=$(newest_report)
	if [ -z "$NEW_REPORT" ] || [ "$NEW_REPORT" = "$before" ]; then
		die "run.sh made no report directory (status $RUN_STATUS)"
	fi
}

run_for_report() {
	local what=$1 log=${2:-} prev cur
	prev=$(readlink "$VM_REPORTS/vm-latest" 2>/dev/null || true)
	set +e
	if [ -n "$log" ]; then "$VM_DIR/run.sh" >"$log" 2>&1; else "$VM_DIR/run.sh"; fi
	RUN_STATUS=$?
	set -e
	case "$RUN_STATUS" in
	0 | 1) ;;
	*) die "$what: the rig run did not complete (status $RUN_STATUS${log:+, $log})" ;;
	esac
	cur=$(readlink "$VM_REPORTS/vm-latest" 2>/dev/null || true)
	if [ -z "$cur" ] || [ "$cur" = "$prev" ]; then
		die "$what: run.sh reported status $RUN_STATUS but made no new report dir"
	fi
	NEW_REPORT=$VM_REPORTS/$cur
}

# driver_coverage <PC list> <out dir>: the driver's line and function coverage from a KCOV
# PC list (kcov_run.h's format: a run's kcov-cases.pcs, or a fuzz campaign's) with
# `migcheck coverage`, against the driver's modules built with line tables (driver.list of
# the DRIVER_SRC build dir), mdev and vmlinux of the debug kernel: coverage.json and
# coverage.info in <out dir>, and report.json/report.html there re-rendered with it. Prints
# the summary line; a failure is a warning (the run's verdicts stand without coverage).
driver_coverage() {
	local pcs=$1 out=$2 bdir k mdev args=()
	[ -x "${MIGCHECK_HOST:-}" ] || { note "warning: no MIGCHECK_HOST: no driver coverage"; return 0; }
	apt_install binutils
	bdir=$(driver_build_dir)
	while IFS= read -r k; do args+=(--module "$bdir/$k"); done <"$bdir/driver.list"
	mdev=$(find "$KDIR/modtree" -name mdev.ko -type f 2>/dev/null | head -n1)
	[ -n "$mdev" ] && args+=(--module "mdev=$mdev")
	[ -r "$KDIR/tree/vmlinux" ] && args+=(--vmlinux "$KDIR/tree/vmlinux" --ksrc "$KDIR/tree")
	if ! "$MIGCHECK_HOST" coverage --pcs "$pcs" --out "$out" --src "$bdir/src" "${args[@]}" >"$out/coverage.log" 2>&1; then
		note "warning: driver coverage failed (see $out/coverage.log)"
		return 0
	fi
	note "$(tail -n1 "$out/coverage.log")"
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the resolved Debian kernel with the rig's initramfs under QEMU, show the guest's serial
# console live, and collect the results disk into reports/vm-<timestamp>/. Exit status is
# migcheck's exit status in the guest; any failure of the rig itself (boot failure, timeout,
# panic, missing pieces) prints "error: <reason>" and exits 2.
# Usage: run.sh [initramfs.cpio.gz]   (default: the one mkinitramfs.sh built for the driver)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

apt_install qemu-system-x86 cpio
need_cmd qemu-system-x86_64 cpio
need_cmd timeout tar gzip truncate
load_kernel_env
ACCESS=$(vm_access_paths)
INITRD=${1:-$(initramfs_path)}
[ -r "$INITRD" ] || die "initramfs $INITRD missing (run vm/mkinitramfs.sh)"

VM_TIMEOUT=${VM_TIMEOUT:-600}
VM_MEM=${VM_MEM:-1024}
VM_SMP=${VM_SMP:-2}
VM_ACCEL=${VM_ACCEL:-auto}
VM_RESULT_MB=${VM_RESULT_MB:-256}
VM_LOGLEVEL=${VM_LOGLEVEL:-5}
VM_REPORTS=${VM_REPORTS:-$REPO_DIR/reports}
MDEV_PARENT=${MDEV_PARENT:-mtty}
MDEV_TYPE=${MDEV_TYPE:-mtty-2}
# The foreign device's type: default mtty-1 for mtty (another port count); "none" for none.
if [ -z "${MDEV_FOREIGN_TYPE:-}" ] && [ "$MDEV_PARENT" = mtty ]; then
	MDEV_FOREIGN_TYPE=$([ "$MDEV_TYPE" = mtty-1 ] && echo mtty-2 || echo mtty-1)
fi
[ "${MDEV_FOREIGN_TYPE:-}" = none ] && MDEV_FOREIGN_TYPE=''
export MDEV_FOREIGN_TYPE
case "$VM_TIMEOUT" in '' | *[!0-9]*) die "VM_TIMEOUT=$VM_TIMEOUT is not a number of seconds" ;; esac
margin=$((VM_TIMEOUT / 10 > 30 ? VM_TIMEOUT / 10 : 30))
MIGCHECK_TIMEOUT=${MIGCHECK_TIMEOUT:-$((VM_TIMEOUT - margin > 10 ? VM_TIMEOUT - margin : 10))}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mc-vm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The debug kernel keeps reporting after the first finding: every KASAN report, not only
# the first; kmemleak on, printing each leak it finds to the log (lockdep still turns itself
# off after its first report: there is no option to keep it on). pci=noacpi: its ACPI is
# there for power-off and the CPUs; the instrumented AML interpreter under TCG times out in
# _PRT (AE_AML_LOOP_TIMEOUT), which leaves the results disk without an IRQ.
DEBUG_APPEND="kasan_multi_shot kasan.fault=report kmemleak=on kmemleak.verbose=1 pci=noacpi"
APPEND="console=ttyS0 slub_debug=FZPU panic_on_warn=0 panic=-1 rdinit=/init loglevel=$VM_LOGLEVEL"
[ "$KFLAVOUR" = debug ] && APPEND+=" $DEBUG_APPEND"
APPEND+="${VM_APPEND:+ $VM_APPEND}"

# qemu_cmd <accel> <initrd> <serial log> [extra kernel args]: the common command line.
qemu_cmd() {
	QEMU=(qemu-system-x86_64 -accel "$1" ${VM_CPU:+-cpu "$VM_CPU"} -m "$VM_MEM" -smp "$VM_SMP"
		-nodefaults -no-user-config
		-display none -no-reboot
		-chardev "stdio,id=con,signal=on,logfile=$3" -serial chardev:con
		-kernel "$KDIR/vmlinuz" -initrd "$2" -append "$APPEND${4:+ $4}")
}

# --- accelerator: KVM only if a trial boot of this kernel works here; cached per host+qemu.
pick_accel() {
	local key cache=$MC_CACHE/accel.cache res
	key="$(uname -r)|$(qemu-system-x86_64 --version | head -n1)|$KABI"
	if [ "$VM_ACCEL" != auto ]; then
		echo "$VM_ACCEL"
		return
	fi
	res=$(awk -F'\t' -v k="$key" '$1 == k { print $2 }' "$cache" 2>/dev/null | tail -n1)
	if [ -z "$res" ]; then
		res=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			note "trial boot with KVM (result cached in $cache)"
			qemu_cmd kvm "$INITRD" "$WORK/trial.log" mc.trial=1
			timeout -k 5 15 "${QEMU[@]}" </dev/null >/dev/null 2>&1 || true
			grep -q MC-TRIAL-BOOT-OK "$WORK/trial.log" 2>/dev/null && res=kvm
		fi
		printf '%s\t%s\n' "$key" "$res" >>"$cache"
	fi
	echo "$res"
}
ACCEL=$(pick_accel)

# --- per-run config, appended to the initramfs as a second cpio member.
mkdir -p "$WORK/conf/etc"
{
	for v in MDEV_PARENT MDEV_TYPE MDEV_UUID1 MDEV_UUID2 MDEV_UUID3 MDEV_FOREIGN_TYPE MIGCHECK_ARGS \
		VM_DEVICE_SPEC VM_PEER_SPEC VM_FOREIGN_SPEC VM_DIRTY VM_STATE_REGIONS VM_DESTRUCTIVE \
		VM_EXTRA_ARGS MIGCHECK_TIMEOUT; do
		printf '%s=%s\n' "$v" "$(sh_quote "${!v:-}")"
	done
	printf 'MC_GUEST_TIMEOUT=%s\n' "$MIGCHECK_TIMEOUT"
	printf 'MC_KERNEL_BUILD=%s\n' "$(sh_quote "$KFLAVOUR $KABI, package $KPKGVER$([ "$KFLAVOUR" != debug ] || printf ', fragment %s' "$KFRAG_HASH")")" # report.json kernel.build
} >"$WORK/conf/etc/migcheck.conf"
if [ -n "${VM_GUEST_SETUP:-}" ]; then
	[ -r "$VM_GUEST_SETUP" ] || die "VM_GUEST_SETUP=$VM_GUEST_SETUP is not readable"
	install -m 0755 "$VM_GUEST_SETUP" "$WORK/conf/etc/migcheck-setup.sh"
fi
# boot_initrd <access path> <run the extras: 1|0>: $WORK/initrd.img with that boot's config.
boot_initrd() {
	printf 'VM_ACCESS=%s\nMC_RUN_EXTRAS=%s\n' "$1" "$2" >"$WORK/conf/etc/migcheck-boot.conf"
	(cd "$WORK/conf" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$WORK/conf.cpio.gz"
	cat "$INITRD" "$WORK/conf.cpio.gz" >"$WORK/initrd.img"
}

# boot <access path> <report dir> <run the extras: 1|0>: one boot of the guest, its results
# (report files, kernel.log, serial.log, vm-status, qemu.cmdline) in <report dir>; sets
# BOOT_STATUS to migcheck's exit status there. Any failure of the rig dies.
boot() {
	local access=$1 dir=$2 serial=$2/serial.log start qrc=0 why kind rest
	boot_initrd "$access" "$3"
	# The results disk: a sparse raw image the guest writes a tar onto.
	rm -f "$WORK/results.img"
	truncate -s "${VM_RESULT_MB}M" "$WORK/results.img"
	qemu_cmd "$ACCEL" "$WORK/initrd.img" "$serial"
	# shellcheck disable=SC2206,SC2054 # VM_QEMU_ARGS is a word list; commas are qemu syntax
	QEMU+=(-drive "if=none,id=results,format=raw,file=$WORK/results.img"
		-device virtio-blk-pci,drive=results,serial=mcresults ${VM_QEMU_ARGS:-})
	note "kernel $KABI ($KPKGVER, $KFLAVOUR), accel $ACCEL, timeout ${VM_TIMEOUT}s, access path $access, reports in $dir"
	echo "${QEMU[*]}" >"$dir/qemu.cmdline"
	start=$(date +%s)
	timeout -k 10 "$VM_TIMEOUT" "${QEMU[@]}" </dev/null || qrc=$?
	echo
	note "guest ran $(($(date +%s) - start))s ($access), qemu exit status $qrc"

	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		die "guest did not finish within VM_TIMEOUT=${VM_TIMEOUT}s (serial log: $serial)"
	fi
	[ "$qrc" = 0 ] || die "qemu failed with status $qrc (serial log: $serial)"

	results_extract "$WORK/results.img" "$dir"
	if [ ! -s "$dir/vm-status" ]; then
		why=$(grep -a -m1 -E 'Kernel panic|BUG:|Oops' "$serial" | tr -d '\r' || true)
		die "guest never reported results${why:+ ($why)} (serial log: $serial)"
	fi
	[ "$dir" = "$OUT" ] && ln -sfn "${OUT##*/}" "$VM_REPORTS/vm-latest"
	# A KCOV kernel's PC lists become the driver's coverage in report.json and coverage.info.
	[ -s "$dir/kcov-cases.pcs" ] && driver_coverage "$dir/kcov-cases.pcs" "$dir"
	# The guest wrote report.html before its kernel.log existed: render it again on the host,
	# from report.json plus kernel.log, so ROB findings carry their kernel-log excerpt.
	if [ -x "${MIGCHECK_HOST:-}" ] && [ -s "$dir/report.json" ]; then
		"$MIGCHECK_HOST" report render "$dir/report.json" --out "$dir" >"$WORK/render.log" 2>&1 ||
			note "warning: re-rendering $dir/report.html failed (see $WORK/render.log)"
	fi
	read -r kind rest <"$dir/vm-status"
	[ "$kind" = ok ] || die "guest: ${rest:-$kind} (reports in $dir)"
	case "$rest" in '' | *[!0-9]*) die "guest status '$kind $rest' is malformed" ;; esac
	BOOT_STATUS=$rest
}

# The worse of two migcheck exit statuses: 2 (harness error) > 1 (fail) > 4 (all skipped) > 0.
worse_status() {
	local s
	for s in 2 1 4; do
		if [ "$1" = "$s" ] || [ "$2" = "$s" ]; then
			echo "$s"
			return
		fi
	done
	echo "$1"
}

mkdir -p "$VM_REPORTS"
base=$VM_REPORTS/vm-$(date +%Y%m%d-%H%M%S)
OUT=$base n=1
while ! mkdir "$OUT" 2>/dev/null; do
	n=$((n + 1)) OUT=$base-$n
	[ $n -lt 100 ] || die "cannot create a report dir $base-N"
done
echo "$ACCESS" >"$OUT/vm-access"

# One boot per access path, so that each gets a fresh kernel: several oracles report once
# per boot (UBSAN once per source location, lockdep once), so a second run in the same boot
# would be blind to what the first already triggered. The second boot recreates the mdevs
# with the same UUIDs and types; its results go to cdev/.
if [ "$ACCESS" = both ]; then
	boot group "$OUT" 1
	rc=$BOOT_STATUS
	mkdir "$OUT/cdev"
	boot cdev "$OUT/cdev" 0
	rc=$(worse_status "$rc" "$BOOT_STATUS")
	# Their verdicts must agree; a difference fails like a clause.
	agree=0
	access_paths_compare "${MIGCHECK_HOST:-$REPO_DIR/build/migcheck}" "$OUT" || agree=$?
	if [ "$agree" = 1 ]; then
		note "the access paths disagree ($OUT/access-paths.txt)"
		rc=$(worse_status "$rc" 1)
	fi
else
	boot "$ACCESS" "$OUT" 1
	rc=$BOOT_STATUS
fi
note "migcheck exit status $rc; reports in $OUT"
exit "$rc"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the guest initramfs (newc cpio, gzip): busybox-static with applet symlinks, vm/init,
# the in-tree modules (BASE_MODULES + VM_MODULES + the driver's dependencies, in load order),
# the driver built by build-driver.sh, the static migcheck binary, VM_EXTRA_BINS and
# VM_EXTRA_TOOLS.
# Run-time settings are not baked in: run.sh appends a small config archive per run.
# Usage: mkinitramfs.sh <static migcheck binary> [output.cpio.gz]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 <static migcheck binary> [output.cpio.gz]" >&2
	exit 2
fi
MIGCHECK_BIN=$1
apt_install busybox-static cpio
need_cmd busybox cpio
need_cmd gzip readelf
load_kernel_env
BDIR=$(driver_build_dir)
OUT=${2:-$(initramfs_path)}

# A dynamic binary would die in the guest with a confusing "not found"; refuse it here.
is_static() {
	readelf -h "$1" >/dev/null 2>&1 || die "$1 is not an ELF binary"
	! readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'
}
[ -x "$MIGCHECK_BIN" ] || die "migcheck binary '$MIGCHECK_BIN' not found (make static builds build/migcheck-static)"
is_static "$MIGCHECK_BIN" || die "$MIGCHECK_BIN is dynamically linked; the guest needs a static binary"
[ -s "$BDIR/driver.list" ] || die "no driver built in $BDIR (run vm/build-driver.sh)"

BUSYBOX=$(command -v busybox)
is_static "$BUSYBOX" || die "$BUSYBOX is not static (apt-get install busybox-static)"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/mc-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,out,etc,extra,lib/modules}

cp "$BUSYBOX" "$STAGE/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$STAGE/bin/$a"
done
install -m 0755 "$VM_DIR/init" "$STAGE/init"
install -m 0755 "$MIGCHECK_BIN" "$STAGE/bin/migcheck"
# The kernel's config, so the report records its SHA-256 (kernel.config_sha256).
if [ -r "$KDIR/config" ]; then
	install -D -m 0644 "$KDIR/config" "$STAGE/boot/config-${KRELEASE:-$KABI-amd64}"
fi

# In-tree modules: the base set, extra named modules, and whatever the driver needs.
drivers=()
while IFS= read -r k; do drivers+=("$BDIR/$k"); done <"$BDIR/driver.list"
# shellcheck disable=SC2086 # word lists
stage_modules "$STAGE/lib/modules" $BASE_MODULES ${VM_MODULES:-} "${drivers[@]}"
for k in "${drivers[@]}"; do
	cp "$k" "$STAGE/lib/modules/"
	echo "${k##*/}" >>"$STAGE/lib/modules/load.list"
done
# The driver's own modules, whose coverage a KCOV kernel traces (MC_KCOV_MODULES in init).
cp "$BDIR/driver.list" "$STAGE/lib/modules/driver.list"

# stage_libs <knob> <program>: a dynamically linked program (a libFuzzer binary cannot be
# static) brings the host's shared libraries and loader along, at the same paths: host
# and guest are both this Debian's x86_64 userland.
stage_libs() {
	local l libs
	is_static "$2" && return 0
	need_cmd ldd
	libs=$(ldd "$2" | awk '/=> \// { print $3 } /^\t\// { print $1 }') || die "$1: ldd $2 failed"
	for l in $libs; do
		[ -r "$l" ] || die "$1: $2 needs $l, which is not readable"
		mkdir -p "$STAGE$(dirname "$l")"
		cp -L "$l" "$STAGE$l"
	done
}

# Extra programs, each run after migcheck (vm/init).
for x in ${VM_EXTRA_BINS:-}; do
	[ -x "$x" ] || die "VM_EXTRA_BINS: '$x' is not an executable"
	stage_libs VM_EXTRA_BINS "$x"
	install -m 0755 "$x" "$STAGE/extra/"
done
# Tools those programs call (afl-fuzz, afl-showmap), in the guest's /usr/bin, never run
# by init themselves: a name found on PATH, or a path.
for x in ${VM_EXTRA_TOOLS:-}; do
	p=$(command -v "$x") && [ -x "$p" ] || die "VM_EXTRA_TOOLS: '$x' is not an executable"
	stage_libs VM_EXTRA_TOOLS "$p"
	install -D -m 0755 "$p" "$STAGE/usr/bin/${p##*/}"
done

# Extra files for them: VM_EXTRA_FILES="SRC:DEST ..." (a file or a directory, copied).
for fd in ${VM_EXTRA_FILES:-}; do
	src=${fd%%:*} dst=${fd#*:}
	[ -e "$src" ] && [ "$dst" != "$fd" ] && [ "${dst#/}" != "$dst" ] ||
		die "VM_EXTRA_FILES: '$fd' is not SRC:/DEST with an existing SRC"
	mkdir -p "$STAGE$(dirname "$dst")"
	cp -a "$src" "$STAGE$dst"
done

mkdir -p "$(dirname "$OUT")"
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$OUT.tmp" ||
	die "cpio/gzip of $STAGE failed"
mv "$OUT.tmp" "$OUT"
note "initramfs $OUT ($(du -h "$OUT" | cut -f1); modules: $(tr '\n' ' ' <"$STAGE/lib/modules/load.list"))"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the guest's vendor driver out of tree against the headers of the resolved kernel.
# Default: samples/vfio-mdev/mtty.c from the linux-source-6.12 deb of the same version.
# DRIVER_SRC=<dir with Kbuild or Makefile>: build that instead (the dir is copied, never
# written to). Output: <build dir>/*.ko plus driver.list (load order), under $MC_CACHE/build.
# Skips the build when sources and kernel are unchanged.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd make gcc sha256sum tar
load_kernel_env
[ -f "$HEADERS_DIR/Makefile" ] || die "headers $HEADERS_DIR missing (run vm/fetch.sh)"

BDIR=$(driver_build_dir)
SRCDIR=$BDIR/src

stage_mtty() {
	local cache=$MC_CACHE/src/$KPKGVER
	if [ ! -s "$cache/mtty.c" ]; then
		[ -r "${SRC_DEB:-/nonexistent}" ] || die "linux-source-6.12 deb missing (run vm/fetch.sh)"
		note "extracting samples/vfio-mdev/mtty.c from ${SRC_DEB##*/}"
		rm -rf "$cache.tmp"
		mkdir -p "$cache.tmp"
		dpkg-deb --fsys-tarfile "$SRC_DEB" | tar -x -C "$cache.tmp" ./usr/src/linux-source-6.12.tar.xz ||
			die "cannot extract the source tarball from $SRC_DEB"
		tar -xJf "$cache.tmp/usr/src/linux-source-6.12.tar.xz" -C "$cache.tmp" --occurrence=1 \
			linux-source-6.12/samples/vfio-mdev/mtty.c || die "mtty.c not found in linux-source-6.12"
		mkdir -p "$cache"
		mv "$cache.tmp/linux-source-6.12/samples/vfio-mdev/mtty.c" "$cache/mtty.c"
		rm -rf "$cache.tmp"
	fi
	mkdir -p "$SRCDIR.new"
	cp "$cache/mtty.c" "$SRCDIR.new/"
	echo 'obj-m := mtty.o' >"$SRCDIR.new/Kbuild"
}

stage_vendor() {
	[ -f "$DRIVER_SRC/Kbuild" ] || [ -f "$DRIVER_SRC/Makefile" ] ||
		die "DRIVER_SRC=$DRIVER_SRC has neither Kbuild nor Makefile"
	mkdir -p "$SRCDIR.new"
	cp -a "$DRIVER_SRC/." "$SRCDIR.new/"
}

# Content hash of a source tree (names and bytes), ignoring build products.
tree_hash() {
	(cd "$1" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod*' ! -name '.*.cmd' \
		! -name 'modules.order' ! -name 'Module.symvers' -print0 | sort -z | xargs -0r sha256sum) |
		sha256sum | cut -c1-16
}

rm -rf "$SRCDIR.new"
if [ -n "${DRIVER_SRC:-}" ]; then stage_vendor; else stage_mtty; fi
key="$KABI $(tree_hash "$SRCDIR.new")"

if [ "$(cat "$BDIR/.built" 2>/dev/null)" = "$key" ] && [ -s "$BDIR/driver.list" ]; then
	rm -rf "$SRCDIR.new"
	note "driver up to date in $BDIR ($(tr '\n' ' ' <"$BDIR/driver.list"))"
	exit 0
fi

rm -rf "$SRCDIR" "$BDIR"/*.ko "$BDIR/driver.list" "$BDIR/.built"
mv "$SRCDIR.new" "$SRCDIR"
note "building ${DRIVER_SRC:-mtty.c} against $HEADERS_DIR"
make -s -C "$HEADERS_DIR" M="$SRCDIR" modules >"$BDIR/build.log" 2>&1 ||
	{ cat "$BDIR/build.log" >&2; die "driver build failed (log: $BDIR/build.log)"; }

# Load order: kbuild's modules.order (".o" or ".ko"; relative to M, or absolute in 6.12).
[ -s "$SRCDIR/modules.order" ] || die "build produced no modules.order in $SRCDIR"
while IFS= read -r o; do
	o=${o#"$SRCDIR"/}
	o=${o%.o}
	o=${o%.ko}
	[ -f "$SRCDIR/$o.ko" ] || die "modules.order names $o.ko but it was not built"
	cp "$SRCDIR/$o.ko" "$BDIR/"
	echo "${o##*/}.ko" >>"$BDIR/driver.list"
done <"$SRCDIR/modules.order"
echo "$key" >"$BDIR/.built"
note "built $(tr '\n' ' ' <"$BDIR/driver.list")in $BDIR"

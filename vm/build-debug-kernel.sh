#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the rig's debug kernel (KERNEL=debug): `make tinyconfig` of the linux-source-6.12 deb
# that fetch.sh resolved, plus vm/debug.config merged with merge_config.sh; fails if any line
# of the fragment is not in the final .config. Cached in $MC_CACHE/debug/<pkg version>-<hash>
# (renamed into place only when complete); writes $MC_CACHE/current-kernel-debug.env.
# Knobs: MC_CACHE, DEBUG_JOBS (make -j, default 3).
# Usage: build-debug-kernel.sh  |  build-debug-kernel.sh --check <.config> [fragment]
#        (--check: only the fragment check, exit 0 or 2; make rig-check tests it)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

FRAG=$VM_DIR/debug.config

# fragment_options: print the fragment's settings as "CONFIG_X=value" ("n" for "is not set").
fragment_options() {
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)$/\1/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$1"
}

# check_config <.config>: 0 if every fragment option has its value there; else name them.
check_config() {
	local opt name want got bad=()
	while IFS= read -r opt; do
		name=${opt%%=*} want=${opt#*=}
		got=$(sed -n "s/^$name=//p" "$1")
		[ -n "$got" ] || got=n
		[ "$got" = "$want" ] || bad+=("$name=$want (got $got)")
	done < <(fragment_options "$FRAG")
	[ ${#bad[@]} -eq 0 ] && return 0
	echo "error: ${FRAG##*/} options missing from $1 (unmet dependencies?):" >&2
	printf '  %s\n' "${bad[@]}" >&2
	return 1
}

if [ "${1:-}" = --check ] && [ $# -ge 2 ] && [ $# -le 3 ]; then
	FRAG=${3:-$FRAG}
	for f in "$2" "$FRAG"; do [ -r "$f" ] || die "--check: cannot read $f"; done
	check_config "$2" || exit 2
	exit 0
fi
[ $# = 0 ] || { echo "usage: $0 [--check <.config> [fragment]]" >&2; exit 2; }
apt_install make gcc flex bison bc libelf-dev libssl-dev dwarves xz-utils cpio kmod
need_cmd make gcc flex bison bc sha256sum tar xz
KERNEL=production load_kernel_env
[ -r "${SRC_DEB:-/nonexistent}" ] || die "linux-source-6.12 deb missing (run vm/fetch.sh)"
[ -r "$FRAG" ] || die "$FRAG missing"

FRAG_HASH=$(sha256sum <"$FRAG" | cut -c1-12)
KEY=$KPKGVER-$FRAG_HASH
DDIR=$MC_CACHE/debug/$KEY
BUILD=$MC_CACHE/debug/.build-$KEY
mkdir -p "$MC_CACHE/debug"

write_env() {
	local rel
	rel=$(cat "$DDIR/release")
	cat >"$MC_CACHE/current-kernel-debug.env.tmp" <<EOF
KABI=$KABI-debug-$FRAG_HASH
KPKGVER=$KPKGVER
KDIR=$DDIR
HEADERS_DIR=$DDIR/tree
SRC_DEB=$SRC_DEB
KFLAVOUR=debug
KRELEASE=$rel
KFRAG_HASH=$FRAG_HASH
EOF
	mv "$MC_CACHE/current-kernel-debug.env.tmp" "$MC_CACHE/current-kernel-debug.env"
}

if [ -f "$DDIR/.complete" ]; then
	check_config "$DDIR/config" || die "cached $DDIR does not match vm/debug.config"
	write_env
	note "debug kernel up to date in $DDIR ($(cat "$DDIR/release"))"
	exit 0
fi

# --- source: extracted once into the build dir (an interrupted build resumes there).
if [ ! -f "$BUILD/.extracted" ]; then
	note "extracting linux-source-6.12 ($KPKGVER) into $BUILD"
	rm -rf "$BUILD"
	mkdir -p "$BUILD"
	dpkg-deb --fsys-tarfile "$SRC_DEB" | tar -x -O ./usr/src/linux-source-6.12.tar.xz |
		tar -xJ -C "$BUILD" --strip-components=1 || die "cannot extract the kernel source from $SRC_DEB"
	touch "$BUILD/.extracted"
fi

# --- config: tinyconfig + fragment, then the check merge_config.sh only warns about.
start=$(date +%s)
# The fragment's hash is part of the release (uname -r, report.json's kernel.release).
kmake() { make -C "$BUILD" ARCH=x86_64 LOCALVERSION="-$FRAG_HASH" "$@"; }
kmake -s tinyconfig >"$BUILD/.mc-config.log" 2>&1 || { cat "$BUILD/.mc-config.log" >&2; die "make tinyconfig failed"; }
(cd "$BUILD" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "$FRAG") >>"$BUILD/.mc-config.log" 2>&1 ||
	{ cat "$BUILD/.mc-config.log" >&2; die "merge_config.sh failed"; }
kmake -s olddefconfig >>"$BUILD/.mc-config.log" 2>&1 || { cat "$BUILD/.mc-config.log" >&2; die "make olddefconfig failed"; }
check_config "$BUILD/.config" || exit 2

# --- build: bzImage, modules (mtty among them), and what out-of-tree modules need.
note "building the debug kernel with make -j${DEBUG_JOBS:-3} (log: $BUILD/.mc-build.log)"
if ! kmake -j"${DEBUG_JOBS:-3}" bzImage modules >"$BUILD/.mc-build.log" 2>&1; then
	tail -n 40 "$BUILD/.mc-build.log" >&2
	die "debug kernel build failed (log: $BUILD/.mc-build.log)"
fi
release=$(kmake -s kernelrelease)

# --- assemble the cache entry next to it, then rename both into place.
TMP=$(mktemp -d "$MC_CACHE/debug/.tmp-$KEY.XXXXXX")
chmod 0755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
kmake -s INSTALL_MOD_PATH="$TMP/x" modules_install >"$BUILD/.mc-install.log" 2>&1 ||
	{ cat "$BUILD/.mc-install.log" >&2; die "modules_install failed"; }
cp "$BUILD/arch/x86/boot/bzImage" "$TMP/vmlinuz"
cp "$BUILD/.config" "$TMP/config"
mv "$TMP/x/lib/modules/$release/kernel" "$TMP/modtree"
mv "$TMP/x/lib/modules/$release/modules.builtin" "$TMP/modules.builtin"
rm -rf "$TMP/x"
echo "$release" >"$TMP/release"
cp "$FRAG" "$TMP/debug.config"
KDIR=$TMP
# shellcheck disable=SC2086 # word list
stage_modules "$TMP/mods" $DEBUG_BASE_MODULES
mv "$BUILD" "$TMP/tree"
echo "$(($(date +%s) - start))" >"$TMP/build-seconds"
touch "$TMP/.complete"
rm -rf "$DDIR"
mv "$TMP" "$DDIR"
trap - EXIT
write_env
note "debug kernel $release built in $(cat "$DDIR/build-seconds")s into $DDIR"

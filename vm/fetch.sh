#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Resolve one Debian Linux 6.12 version that has the unsigned amd64 image, its headers and
# linux-source-6.12 at the same package version; download the debs into $MC_CACHE/debs,
# install the headers, and extract vmlinuz and the guest's modules into $MC_CACHE/kernel/<abi>.
# Missing or stale apt lists get one apt-get update (tools/apt-install.sh) and a second try.
# Knobs: MC_CACHE, KERNEL_VERSION (package version "6.12.117-1~deb12u1", upstream "6.12.117"
# or ABI "6.12.117+deb12"; default: newest version present for all three packages).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd apt-cache apt-get dpkg-deb dpkg tar xz
PKG_HINT=kmod apt_install kmod
need_cmd modinfo

# --- resolve ---------------------------------------------------------------------------
# madison rows "pkg | version | source"; print "pkg version".
madison() {
	apt-cache madison "$@" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$1); gsub(/ /,"",$2); print $1, $2}'
}

# resolve: set best_ver/best_abi from the apt lists; 1 with the reason in $why if none fits.
resolve() {
	local img abi ver pkg images=() src_vers=() headers=() candidates=()
	local -A have=()
	best_ver="" best_abi="" why=""
	mapfile -t images < <(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+[a-z0-9.~]+-amd64-unsigned$' | sort -u)
	[ ${#images[@]} -gt 0 ] || { why="no linux-image-6.12.*-amd64-unsigned package in the apt lists (bookworm-security in sources?)"; return 1; }
	mapfile -t src_vers < <(madison linux-source-6.12 | awk '{print $2}' | sort -u)
	[ ${#src_vers[@]} -gt 0 ] || { why="package linux-source-6.12 not available (bookworm-security in sources?)"; return 1; }
	for img in "${images[@]}"; do
		abi=${img#linux-image-}
		headers+=("linux-headers-${abi%-unsigned}")
	done
	while read -r pkg ver; do have["$pkg=$ver"]=1; done < <(madison "${images[@]}" "${headers[@]}")
	for img in "${images[@]}"; do
		abi=${img#linux-image-}
		abi=${abi%-amd64-unsigned}
		for ver in "${src_vers[@]}"; do
			[ -n "${have["$img=$ver"]:-}" ] || continue
			[ -n "${have["linux-headers-$abi-amd64=$ver"]:-}" ] || continue
			candidates+=("$ver ($abi)")
			if [ -n "${KERNEL_VERSION:-}" ]; then
				case "$KERNEL_VERSION" in
				"$ver" | "$abi" | "${ver%%-*}") ;;
				*) continue ;;
				esac
			fi
			if [ -z "$best_ver" ] || dpkg --compare-versions "$ver" gt "$best_ver"; then
				best_ver=$ver best_abi=$abi
			fi
		done
	done
	[ ${#candidates[@]} -gt 0 ] || { why="no 6.12 version has all of linux-image-<abi>-amd64-unsigned, linux-headers-<abi>-amd64 and linux-source-6.12 (source versions: ${src_vers[*]})"; return 1; }
	[ -n "$best_ver" ] || { why="KERNEL_VERSION=$KERNEL_VERSION matches none of: ${candidates[*]}"; return 1; }
}

# --- download ----------------------------------------------------------------------------
DEBS=$MC_CACHE/debs
mkdir -p "$DEBS"

deb_file() { # <pkg>: print the cached deb of $KPKGVER, or nothing
	compgen -G "$DEBS/${1}_${KPKGVER//:/%3a}_*.deb" | head -n1 || true
}

# download: the image and source debs of $KPKGVER into $DEBS; 1 with the reason in $why.
download() {
	local pkg tmp
	for pkg in "$IMG_PKG" "$SRC_PKG"; do
		[ -n "$(deb_file "$pkg")" ] && continue
		note "downloading $pkg=$KPKGVER"
		tmp=$(mktemp -d "$DEBS/.dl.XXXXXX")
		if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$KPKGVER" >/dev/null); then
			rm -rf "$tmp"
			why="apt-get download $pkg=$KPKGVER failed"
			return 1
		fi
		mv "$tmp"/*.deb "$DEBS/" && rmdir "$tmp"
		[ -n "$(deb_file "$pkg")" ] || die "downloaded $pkg but no matching deb in $DEBS"
	done
}

# resolve_and_download: pick the kernel and fetch its debs; 1 with the reason in $why.
resolve_and_download() {
	resolve || return 1
	KABI=$best_abi KPKGVER=$best_ver
	IMG_PKG=linux-image-$KABI-amd64-unsigned
	HDR_PKG=linux-headers-$KABI-amd64
	SRC_PKG=linux-source-6.12
	note "kernel $KABI, package version $KPKGVER"
	download
}

# Missing apt lists find nothing, stale ones name debs the mirror no longer has: update once.
if ! resolve_and_download; then
	note "$why; updating the apt lists and trying again"
	apt_update
	resolve_and_download || die "$why"
fi

apt_install "$HDR_PKG=$KPKGVER"
[ -f "/usr/src/linux-headers-$KABI-amd64/Makefile" ] || die "$HDR_PKG installed but /usr/src/linux-headers-$KABI-amd64 is missing"

# --- extract -----------------------------------------------------------------------------
KDIR=$MC_CACHE/kernel/$KABI
img_deb=$(deb_file "$IMG_PKG")
stamp="$KDIR/.extracted"
if [ "$(cat "$stamp" 2>/dev/null)" != "${img_deb##*/}" ]; then
	note "extracting ${img_deb##*/}"
	rm -rf "$KDIR"
	mkdir -p "$KDIR/x"
	dpkg-deb --fsys-tarfile "$img_deb" | tar -x -C "$KDIR/x" --wildcards './boot/*' './lib/modules/*' ||
		die "cannot extract $img_deb"
	mv "$KDIR/x/boot/vmlinuz-$KABI-amd64" "$KDIR/vmlinuz"
	mv "$KDIR/x/boot/config-$KABI-amd64" "$KDIR/config"
	mv "$KDIR/x/lib/modules/$KABI-amd64/kernel" "$KDIR/modtree"
	mv "$KDIR/x/lib/modules/$KABI-amd64/modules.builtin" "$KDIR/modules.builtin"
	rm -rf "$KDIR/x"
	echo "${img_deb##*/}" >"$stamp"
fi

# The base module set, checked and decompressed here so a missing module fails early.
rm -rf "$KDIR/mods"
# shellcheck disable=SC2086 # word list
stage_modules "$KDIR/mods" $BASE_MODULES

cat >"$(kernel_env_file).tmp" <<EOF
KABI=$KABI
KPKGVER=$KPKGVER
KDIR=$KDIR
SRC_DEB=$(deb_file "$SRC_PKG")
EOF
mv "$(kernel_env_file).tmp" "$(kernel_env_file)"
note "kernel ready in $KDIR (modules: $(tr '\n' ' ' <"$KDIR/mods/load.list"))"

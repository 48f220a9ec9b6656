#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The project's one Debian package installer (make deps/fuzz-deps/report-deps, vm apt_install):
# installs the PKG[=VERSION]s not installed yet, under a lock; when apt cannot find or fetch
# them (no or stale apt lists) it runs apt-get update once and retries. Exit 0, or 2 + "error:".
# Usage: apt-install.sh [--no-recommends] PKG[=VERSION]...  |  apt-install.sh --update
# (--update: apt-get update only; without dpkg/apt it only names the packages and exits 0).
set -uo pipefail

MC_APT_LOCK=${MC_APT_LOCK:-/run/lock/migcheck-apt.lock}
export DEBIAN_FRONTEND=noninteractive

die() { echo "error: $*" >&2; exit 2; }

# missing PKG[=VERSION]...: print the specs whose package (at that version) is not installed.
missing() {
	local spec pkg ver
	for spec in "$@"; do
		pkg=${spec%%=*} ver=${spec#*=}
		[ "$ver" = "$spec" ] && ver=""
		if [ -n "$ver" ]; then
			[ "$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null)" = "install ok installed $ver" ] &&
				continue
		else
			dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && continue
		fi
		echo "$spec"
	done
}

# One apt user at a time (flock is in util-linux, essential in Debian; without it, no lock).
lock() {
	command -v flock >/dev/null 2>&1 || return 0
	mkdir -p "${MC_APT_LOCK%/*}" 2>/dev/null
	exec 9>>"$MC_APT_LOCK" || die "cannot open the lock $MC_APT_LOCK"
	flock 9 || die "cannot take the lock $MC_APT_LOCK"
}

need_root() {
	[ "$(id -u)" = 0 ] || die "need root to $*"
}

update() {
	echo "apt-get update" >&2
	apt-get update -q >/dev/null || die "apt-get update failed"
}

if [ "${1:-}" = --update ]; then
	need_root "run apt-get update"
	lock
	update
	exit 0
fi

opts=()
if [ "${1:-}" = --no-recommends ]; then
	opts=(--no-install-recommends)
	shift
fi
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "apt-install: no dpkg/apt here; install the equivalents of: $*" >&2
	exit 0
fi
# Not mapfile < <(...): a process substitution needs /dev/fd, which a bare chroot lacks, and
# its failure left todo unset and installed nothing with exit 0. A spec is one word.
# shellcheck disable=SC2207
todo=($(missing "$@")) || die "cannot ask dpkg which packages are installed"
[ ${#todo[@]} -eq 0 ] && exit 0
need_root "install: ${todo[*]}"
lock
# Another job may have installed them while this one waited for the lock.
# shellcheck disable=SC2207
todo=($(missing "${todo[@]}")) || die "cannot ask dpkg which packages are installed"
[ ${#todo[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${todo[*]}" >&2
install() {
	apt-get install -y -q "${opts[@]}" "${todo[@]}" >/dev/null
}
# Unknown or no longer downloadable packages (no or stale lists): refresh the lists once. The
# first attempt's complaints ("Unable to locate package") are shown only if the retry fails.
first=$(install 2>&1) && exit 0
echo "apt cannot install them with the lists it has; apt-get update" >&2
apt-get update -q >/dev/null || { printf '%s\n' "$first" >&2; die "apt-get update failed"; }
install || { printf 'first attempt: %s\n' "$first" >&2; die "apt-get install ${todo[*]} failed"; }

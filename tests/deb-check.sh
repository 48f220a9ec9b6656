#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Debian package installs and works on a machine that has never seen migcheck: a new
# Debian 12 root (mmdebstrap, the apt variant: apt and essential packages only, from this
# machine's apt sources) gets the .deb through apt, which must find every library it
# needs from the package's Depends alone; there the installed migcheck runs the whole
# case set on the simulated device and writes all its reports, the static binary and the
# completion are what they claim, and a purge leaves none of migcheck's files behind.
# Needs root (mmdebstrap's root mode) and the apt sources' network, as make deps does.
# Usage: tests/deb-check.sh DEB           (the host side: build the root, run the inside)
#        tests/deb-check.sh --inside DEB  (run by the first, in the new root)
set -u

if [ "${1:-}" = --inside ]; then
	deb=$2 fails=0
	bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
	export DEBIAN_FRONTEND=noninteractive
	# The project's one installer, copied in with the package: apt resolves the Depends.
	bash /tmp/apt-install.sh --no-recommends "$deb" >/tmp/apt.out 2>&1 &&
		dpkg-query -W -f='${Status}' migcheck 2>/dev/null | grep -q 'install ok installed' ||
		{ sed 's/^/  /' /tmp/apt.out; echo "FAIL: apt-install.sh $deb did not install migcheck"; exit 1; }
	dpkg -L migcheck | sort >/tmp/files
	for f in /usr/bin/migcheck /usr/lib/migcheck/migcheck-static /usr/share/man/man1/migcheck.1.gz \
		/usr/share/bash-completion/completions/migcheck /usr/share/doc/migcheck/copyright; do
		grep -qx "$f" /tmp/files || bad "the package does not ship $f"
	done
	migcheck --version | grep -q '^migcheck [0-9]' || bad "migcheck --version: $(migcheck --version 2>&1)"
	migcheck run --device sim --out /tmp/r --quiet >/tmp/run.out 2>&1
	rc=$?
	[ $rc = 0 ] || bad "migcheck run --device sim exits $rc: $(tail -3 /tmp/run.out)"
	grep -qx 'migcheck: sim: exit 0, reports in /tmp/r' /tmp/run.out || bad "run says: $(cat /tmp/run.out)"
	for r in report.json report.ktap junit.xml report.html; do
		[ -s /tmp/r/$r ] || bad "the run wrote no $r"
	done
	totals=$(sed -n 's/^# Totals: //p' /tmp/r/report.ktap)
	# The static binary is for a guest with no libraries: it must run in a root with none.
	mkdir -p /tmp/bare && cp /usr/lib/migcheck/migcheck-static /tmp/bare/m
	chroot /tmp/bare /m --version >/dev/null 2>&1 || bad "migcheck-static does not run without libraries"
	bash -c '. /usr/share/bash-completion/completions/migcheck && complete -p migcheck' >/dev/null 2>&1 ||
		bad "the installed completion does not load"
	apt-get purge -y -q migcheck >/tmp/purge.out 2>&1 || bad "apt-get purge: $(tail -3 /tmp/purge.out)"
	left=$(while read -r f; do [ -f "$f" ] && echo "$f"; done </tmp/files)
	[ -z "$left" ] || bad "purge leaves: $left"
	[ $fails = 0 ] || exit 1
	echo "deb-check: inside: installed with its dependencies, the whole case set ran on sim ($totals), purged clean"
	exit 0
fi

deb=${1:?usage: $0 DEB}
[ -s "$deb" ] || { echo "deb-check: no package $deb" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root, for mmdebstrap's root mode" >&2; exit 2; }
tools/apt-install.sh --no-recommends mmdebstrap || exit 2
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
name=$(basename "$deb")
# The hooks run on the host with the new root as $1; their output is the check's.
mmdebstrap --variant=apt --quiet \
	--customize-hook="copy-in '$deb' '$0' tools/apt-install.sh /tmp" \
	--customize-hook="chroot \"\$1\" sh /tmp/$(basename "$0") --inside /tmp/$name" \
	bookworm /dev/null >"$W/log" 2>&1
rc=$?
grep -E '^(FAIL|deb-check|  )' "$W/log"
if [ $rc != 0 ] || ! grep -q '^deb-check: inside:' "$W/log"; then
	grep -q '^FAIL' "$W/log" || tail -20 "$W/log"
	echo "deb-check: FAIL ($name in a new Debian 12 root)" >&2
	exit 1
fi
echo "deb-check: ok ($name in a new Debian 12 root)"

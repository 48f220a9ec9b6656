#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make install into a scratch DESTDIR puts exactly the listed files there; the installed
# binary runs a case on the simulated device, the installed page renders, the installed
# completion loads; make uninstall leaves no file behind.
# Usage: tests/install-check.sh MAKE DIR
set -u
MAKE=${1:?usage: $0 MAKE DIR}
D=${2:?usage: $0 MAKE DIR}
# shellcheck source=tests/cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"
P=/usr/local
rm -rf "$D"
mkdir -p "$D"

$MAKE --no-print-directory install PREFIX=$P DESTDIR="$D" >"$W/install.out" 2>&1 ||
	bad "make install: $(tail -3 "$W/install.out")"
(cd "$D" && find . -type f | sort) >"$W/files"
cat >"$W/want" <<WANT
.$P/bin/migcheck
.$P/lib/migcheck/migcheck-static
.$P/share/bash-completion/completions/migcheck
.$P/share/doc/migcheck/CLAUSES.md
.$P/share/doc/migcheck/COPYING
.$P/share/doc/migcheck/README.md
.$P/share/doc/migcheck/cases/README.md
.$P/share/man/man1/migcheck.1
WANT
diff -u "$W/want" "$W/files" >"$W/diff" || bad "installed files differ from the list: $(cat "$W/diff")"
[ -x "$D$P/bin/migcheck" ] || bad "bin/migcheck is not executable"
file "$D$P/lib/migcheck/migcheck-static" 2>/dev/null | grep -q 'statically linked' ||
	{ ldd "$D$P/lib/migcheck/migcheck-static" 2>&1 | grep -q 'not a dynamic' ||
		bad "lib/migcheck/migcheck-static is not statically linked"; }
"$D$P/bin/migcheck" run --device sim --only FEAT-01 --out "$W/run" --quiet >"$W/run.out" 2>&1 ||
	bad "the installed migcheck run exits $?: $(cat "$W/run.out")"
grep -qx "migcheck: sim: exit 0, reports in $W/run" "$W/run.out" || bad "run says: $(cat "$W/run.out")"
[ -s "$W/run/report.ktap" ] || bad "the installed migcheck wrote no report.ktap"
"$D$P/lib/migcheck/migcheck-static" --version | grep -q '^migcheck ' || bad "migcheck-static --version"
man -l "$D$P/share/man/man1/migcheck.1" 2>&1 | grep -q 'EXIT STATUS' || bad "the installed page does not render"
bash -c ". '$D$P/share/bash-completion/completions/migcheck' && complete -p migcheck" >/dev/null 2>&1 ||
	bad "the installed completion does not load"
cmp -s docs/CLAUSES.md "$D$P/share/doc/migcheck/CLAUSES.md" || bad "CLAUSES.md differs from docs/"

$MAKE --no-print-directory uninstall PREFIX=$P DESTDIR="$D" >"$W/uninstall.out" 2>&1 ||
	bad "make uninstall: $(tail -3 "$W/uninstall.out")"
left=$(cd "$D" && find . ! -type d | sort)
[ -z "$left" ] || bad "make uninstall leaves: $left"
for own in lib/migcheck share/doc/migcheck; do
	[ -e "$D$P/$own" ] && bad "make uninstall leaves $P/$own"
done

finish install-check "$(wc -l <"$W/want") files installed into DESTDIR=$D, the binary ran, uninstall left no file"

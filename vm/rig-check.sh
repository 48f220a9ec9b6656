#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make rig-check: the rig's checks that need no VM, no network and no root.
#  - results_extract (vm/lib.sh) on a hostile results tar: only regular files and directories
#    with plain relative names land, no set-id bits, nothing outside the report dir.
# Usage: rig-check.sh WORKDIR
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
W=$(mkdir -p "$1" && cd "$1" && pwd)
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
expect() { # expect DESCRIPTION COMMAND...: passes when COMMAND succeeds
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# --- a hostile results tar --------------------------------------------------------------
rm -rf "$W/tar"
S=$W/tar/src OUT=$W/tar/out
mkdir -p "$S/fuzz-corpus" "$OUT" "$W/tar/outside" "$W/tar/abs"
echo '{}' >"$S/report.json"
echo 'ok 1' >"$S/vm-status"
echo seed >"$S/fuzz-corpus/a"
mkdir -p "$W/tar/h" && echo hl >"$W/tar/h/hl1" && ln "$W/tar/h/hl1" "$W/tar/h/hl2"
echo suid >"$S/suid" && chmod 6755 "$S/suid"
ln -s /etc/passwd "$S/link"
ln -s "$W/tar/outside" "$S/escape"
mkfifo "$S/fifo"
echo victim >"$W/tar/abs/victim"
echo 'pwned' >"$W/tar/pwned"
T=$W/tar/results.img
(
	set -e
	tar -cf "$T" -C "$S" .
	tar -rf "$T" -C "$W/tar/h" hl1 hl2                               # hl2: a hard link
	tar -rf "$T" -C / dev/null                                       # a character device
	tar -rf "$T" -P "$W/tar/abs/victim"                              # an absolute name
	tar -rf "$T" -C "$W/tar" --transform 's,^pwned$,escape/pwned,' pwned   # through the symlink
	tar -rf "$T" -C "$W/tar" -P --transform 's,^pwned$,../pwned2,' pwned   # a .. name
	tar -rf "$T" -C "$W/tar" --transform 's,^pwned$,./link,' pwned         # a symlink's name
	tar -rf "$T" -C "$W/tar" --transform 's,^pwned$,odd name,' pwned       # an odd name
) 2>/dev/null || bad "building the hostile tar"
truncate -s 1M "$T"
# shellcheck source-path=SCRIPTDIR source=lib.sh
(. "$REPO/vm/lib.sh" && results_extract "$T" "$OUT") 2>"$W/tar/extract.err"
expect "results_extract: the report files are extracted" \
	test -f "$OUT/report.json" -a -f "$OUT/vm-status" -a -f "$OUT/fuzz-corpus/a" -a -f "$OUT/hl1"
other=$(find "$OUT" ! -type f ! -type d)
expect "results_extract: only regular files and directories (found: ${other//$'\n'/ })" test -z "$other"
for n in hl2 link escape fifo dev pwned2 "odd name" "${W#/}"; do
	expect "results_extract: '$n' is not extracted" test ! -e "$OUT/$n" -a ! -L "$OUT/$n"
done
expect "results_extract: nothing written outside the report dir" \
	test ! -e "$W/tar/outside/pwned" -a ! -e "$W/tar/pwned2" -a "$(cat "$W/tar/abs/victim")" = victim
setid=$(find "$OUT" -perm /6000)
expect "results_extract: no set-id bits (found: $setid)" test -z "$setid"
expect "results_extract: names the skipped members" grep -q 'skipped.*link' "$W/tar/extract.err"
expect "results_extract: an empty results disk extracts nothing and succeeds" \
	bash -c ". '$REPO/vm/lib.sh' && truncate -s 1M '$W/tar/empty.img' && mkdir -p '$W/tar/e' &&
		results_extract '$W/tar/empty.img' '$W/tar/e' && [ -z \"\$(ls -A '$W/tar/e')\" ]"

if [ "$failures" -gt 0 ]; then
	echo "rig-check: $failures failure(s)"
	exit 1
fi
echo "rig-check: all passed"

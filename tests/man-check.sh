#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# migcheck(1) cannot fall behind the binary: every command `migcheck --help` lists and
# every long option that it or a command's own --help names is in the page (as a command
# item, as a word), every long option of the page is one the binary knows, the page's
# version is VERSION's, and groff finds nothing to warn about.
# Usage: tests/man-check.sh MIGCHECK PAGE VERSION-FILE
set -u
MC=${1:?usage: $0 MIGCHECK PAGE VERSION-FILE}
PAGE=${2:?usage: $0 MIGCHECK PAGE VERSION-FILE}
VERSION=$(cat "${3:?usage: $0 MIGCHECK PAGE VERSION-FILE}")
# shellcheck source=tests/cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"

# The page's text with roff's escapes for '-' and fonts undone, and no comment lines.
sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$PAGE" >"$W/page"

"$MC" --help >"$W/help" || bad "migcheck --help exits $?"
cmds=$(commands "$W/help")
[ "$(echo "$cmds" | wc -w)" -ge 15 ] || bad "migcheck --help lists fewer than 15 commands"
for c in $cmds; do
	"$MC" "$c" --help >>"$W/help" 2>&1 || bad "migcheck $c --help exits $?"
	# A command is an item of COMMANDS: a .TP tag that starts with its name.
	grep -A1 '^\.TP' "$W/page" | grep -Eq "^(\.B[IR]* +)?\"?$c( |\"|\$)" ||
		bad "command '$c' has no item"
done
opts=$(grep -Eo -- '--[a-z][a-z-]*[a-z]' "$W/help" | sort -u)
[ "$(echo "$opts" | wc -w)" -ge 30 ] || bad "the --help texts name fewer than 30 long options"
for o in $opts; do
	grep -Eq -- "(^|[^a-z-])$o([^a-z-]|\$)" "$W/page" || bad "option $o is missing"
done
for o in $(grep -Eo -- '--[a-z][a-z-]*[a-z]' "$W/page" | sort -u); do
	echo "$opts" | grep -qx -- "$o" || bad "option $o is not one migcheck's --help names"
done
grep -q "^\.TH MIGCHECK 1 [0-9-]* \"migcheck $VERSION\"" "$PAGE" ||
	bad ".TH does not name migcheck $VERSION (VERSION)"
groff -man -Tutf8 -ww -z "$PAGE" 2>"$W/warn" || bad "groff exits $?"
[ -s "$W/warn" ] && bad "groff warns: $(head -3 "$W/warn")"

finish man-check "$(echo "$cmds" | wc -w) commands, $(echo "$opts" | wc -w) long options, groff -ww clean"

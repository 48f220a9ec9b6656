# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# What the command-line checks (cli-check.sh, man-check.sh, completion-check.sh) share,
# sourced: a scratch directory $W removed at exit, bad MESSAGE counting a failure,
# commands HELPFILE (the first word of each line of --help's commands section), and
# finish NAME SUMMARY (exit 1 after any failure).
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0

bad() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

commands() {
	awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }' "$1" |
		sort -u
}

finish() {
	[ $fails = 0 ] || { echo "$1: $fails failure(s)" >&2; exit 1; }
	echo "$1: ok ($2)"
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make interrupt-check: interrupted and concurrent runs lose nothing.
#  - a write failure (RLIMIT_FSIZE: EFBIG) of mutants --json fails with its errno.
# Runs as any user; every wait is on an event with a bound. Usage: interrupt-check.sh MIGCHECK WORKDIR
set -uo pipefail

MC=$(realpath "$1")
W=$2
PY=/usr/bin/python3
failures=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds; its output in $W/last.out
	local what=$1 rc
	shift
	"$@" >"$W/this.out" 2>&1
	rc=$?
	mv "$W/this.out" "$W/last.out"
	if [ $rc = 0 ]; then ok "$what"; else bad "$what"; sed 's/^/     /' "$W/last.out" | head -20; fi
}
# wait_for SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds; 1 on timeout.
wait_for() {
	local n=$(($1 * 20))
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.05
	done
}
gone() { ! kill -0 "$1" 2>/dev/null; }
# j FILE EXPR: a Python expression over the JSON document r of FILE, printed.
j() { "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

rm -rf "$W"
mkdir -p "$W"
[ -x "$PY" ] || { echo "error: $PY missing"; exit 2; }

# ---------------------------------------------------------------- write failures
mkdir -p "$W/one"
echo 'feat.flags FEAT-01 - mig_flags - model GET MIGRATION works' >"$W/one/t.cases"
check "mutants --json that cannot be written fails (exit 2, EFBIG)" sh -c \
	"trap '' XFSZ; ulimit -f 1; '$MC' mutants --jobs 2 --cases '$W/one' --json '$W/m.json' >/dev/null; test \$? = 2"
check "... naming its errno" grep -q "File too large" "$W/last.out"
check "... and leaves no file behind" test ! -e "$W/m.json"
check "mutants --json that can be written is valid JSON" sh -c \
	"'$MC' mutants --jobs 2 --cases '$W/one' --json '$W/m.json' >/dev/null; '$PY' -m json.tool '$W/m.json' >/dev/null"

if [ "$failures" = 0 ]; then echo "interrupt-check: all passed"; exit 0; fi
echo "interrupt-check: $failures failure(s)"
exit 1

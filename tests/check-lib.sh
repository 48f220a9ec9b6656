# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # failures is the sourcing script's count
# The report of the end-to-end check scripts (sourced, never run): one "ok   " or "FAIL "
# line per check, FAIL counted in $failures; check's command output lands in $W/last.out
# and is shown (20 lines) when it fails.
failures=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
	local what=$1
	shift
	if "$@" >"$W/last.out" 2>&1; then ok "$what"; else bad "$what"; sed 's/^/     /' "$W/last.out" | head -20; fi
}

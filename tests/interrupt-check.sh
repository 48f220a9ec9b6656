#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make interrupt-check: interrupted and concurrent runs lose nothing.
#  - SIGINT, SIGTERM, SIGHUP mid-run: exit 130/143/129, every report written with the
#    cases that ran and the rest not run, the run marked interrupted, no case process left;
#  - a kill -9 of migcheck ends its case process;
#  - a write failure (RLIMIT_FSIZE: EFBIG) of mutants --json fails with its errno;
#  - the watchdog without pidfd_open (MC_NO_PIDFD=1), and --timeout below 50 ms.
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
mkdir -p "$W/cases"
[ -x "$PY" ] || { echo "error: $PY missing"; exit 2; }

# Five quick cases, then save.eof, which hangs on sim:defect=read_hangs_at_eof (a read after
# EOF that never returns), then four more.
cat >"$W/cases/t.cases" <<'EOF'
feat.flags   FEAT-01 - mig_flags - model GET MIGRATION works
fsm.same     FSM-05  - same_state - model SET to the current state
save.eof     SAVE-01 - save_eof via=stop - the stream ends with read() = 0
fsm.sync     FSM-06  - sync - model GETs keep reporting the state
EOF
HANG=(run --device sim:flags=1:defect=read_hangs_at_eof --cases "$W/cases" --op-timeout 600000)

# start_hung DIR [ARGS...]: a run into DIR that hangs in save.eof; sets PID and CHILD.
start_hung() {
	local dir=$1
	shift
	"$MC" "${HANG[@]}" --out "$dir" "$@" >"$dir.ktap" 2>"$dir.err" &
	PID=$!
	CHILD=
	if ! wait_for 30 grep -q '^ok 5 ' "$dir.ktap"; then
		bad "the run into $dir never reached the hanging case"
		cat "$dir.ktap" "$dir.err" | sed 's/^/     /' | head -20
		kill -KILL "$PID"
		return 1
	fi
	wait_for 10 pgrep -P "$PID" >/dev/null
	CHILD=$(pgrep -P "$PID" | head -1)
	[ -n "$CHILD" ] || { bad "no case process under $PID"; return 1; }
}

# ---------------------------------------------------------------- signals
for s in INT:130 TERM:143 HUP:129; do
	sig=${s%:*} want=${s#*:} d=$W/sig-$sig
	start_hung "$d" || continue
	kill -"$sig" "$PID"
	if ! wait_for 30 gone "$PID"; then
		bad "SIG$sig: migcheck still running 30 s after the signal"
		kill -KILL "$PID" "$CHILD"
		continue
	fi
	wait "$PID"
	rc=$?
	[ "$rc" = "$want" ] && ok "SIG$sig: exit $rc" || bad "SIG$sig: exit $rc, expected $want"
	check "SIG$sig: the hung case process is gone" wait_for 10 gone "$CHILD"
	check "SIG$sig: report.json, junit.xml, report.html written" \
		test -s "$d/report.json" -a -s "$d/junit.xml" -a -s "$d/report.html"
	check "SIG$sig: report.json marks the run interrupted, 5 cases not run" test \
		"$(j "$d/report.json" '(r["summary"]["verdict"], r["summary"]["interrupted"], r["summary"]["exit_code"], r["summary"]["not_run"], len(r["cases"]))')" \
		= "('interrupted', 'SIG$sig', $want, 5, 10)"
	check "SIG$sig: the cases that ran pass, the rest are not_run skips" test \
		"$(j "$d/report.json" '[(c["status"], c.get("not_run", False)) for c in r["cases"]]')" \
		= "$(printf "%s" "[('pass', False), ('pass', False), ('pass', False), ('pass', False), ('pass', False), ('skip', True), ('skip', True), ('skip', True), ('skip', True), ('skip', True)]")"
	check "SIG$sig: junit.xml lists the cases not run as skipped" "$PY" -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1])
sk = [e.get("message") for e in t.iter("skipped")]
assert len(sk) == 5 and all(m.startswith("not run: the run was interrupted by SIG") for m in sk), sk
' "$d/junit.xml"
	check "SIG$sig: KTAP says 5 of 10 cases did not run" grep -q '^# 5 of 10 planned cases did not run' "$d.ktap"
	check "SIG$sig: report render reads the interrupted report back, byte for byte" \
		sh -c "'$MC' report render '$d/report.json' --out '$d-r' && cmp '$d/junit.xml' '$d-r/junit.xml' && cmp '$d/report.html' '$d-r/report.html'"
done

# ---------------------------------------------------------------- kill -9
if start_hung "$W/kill9"; then
	kill -KILL "$PID"
	check "kill -9 of migcheck: its hung case process dies with it" wait_for 10 gone "$CHILD"
	gone "$CHILD" || kill -KILL "$CHILD"
fi

# ---------------------------------------------------------------- write failures
mkdir -p "$W/one"
echo 'feat.flags FEAT-01 - mig_flags - model GET MIGRATION works' >"$W/one/t.cases"
check "mutants --json that cannot be written fails (exit 2, EFBIG)" sh -c \
	"trap '' XFSZ; ulimit -f 1; '$MC' mutants --jobs 2 --cases '$W/one' --json '$W/m.json' >/dev/null; test \$? = 2"
check "... naming its errno" grep -q "File too large" "$W/last.out"
check "... and leaves no file behind" test ! -e "$W/m.json"
check "mutants --json that can be written is valid JSON" sh -c \
	"'$MC' mutants --jobs 2 --cases '$W/one' --json '$W/m.json' >/dev/null; '$PY' -m json.tool '$W/m.json' >/dev/null"

# ---------------------------------------------------------------- the watchdog
check "without pidfd_open (MC_NO_PIDFD=1) the cases run and pass" \
	env MC_NO_PIDFD=1 "$MC" run --device sim:flags=1 --only FEAT,FSM-05 --out "$W/nopidfd" --quiet
check "... and the fallback still catches a hang (--op-timeout 300)" sh -c "
	MC_NO_PIDFD=1 '$MC' run --device sim:flags=1:defect=read_hangs_at_eof --cases '$W/cases' --op-timeout 300 --out '$W/nopidfd-hang' --quiet
	'$PY' -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))[\"cases\"] if c[\"id\"]==\"save.eof\"][0]; assert c[\"status\"]==\"fail\" and \"--op-timeout 300 ms\" in c[\"detail\"], c' '$W/nopidfd-hang/report.json'"
check "a hang the case's --timeout ends names --timeout, not --op-timeout" sh -c "
	'$MC' run --device sim:flags=1:defect=read_hangs_at_eof --cases '$W/cases' --timeout 400 --op-timeout 600000 --out '$W/case-timeout' --quiet
	'$PY' -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))[\"cases\"] if c[\"id\"]==\"save.eof\"][0]; assert \"400 ms --timeout\" in c[\"detail\"] and \"600000\" not in c[\"detail\"], c' '$W/case-timeout/report.json'"
# sim:defect=slow_stop_copy sleeps 30 ms in STOP->STOP_COPY: a 5 ms --timeout must end it.
check "--timeout below the watchdog's 50 ms poll is enforced" sh -c "
	'$MC' run --device sim:flags=1:defect=slow_stop_copy --cases '$W/cases' --only save.eof --timeout 5 --out '$W/short' --quiet
	'$PY' -c 'import json,sys; c=json.load(open(sys.argv[1]))[\"cases\"][0]; assert c[\"status\"]!=\"pass\" and \"5 ms --timeout\" in c[\"detail\"], c' '$W/short/report.json'"

if [ "$failures" = 0 ]; then echo "interrupt-check: all passed"; exit 0; fi
echo "interrupt-check: $failures failure(s)"
exit 1

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make interrupt-check: interrupted and concurrent runs lose nothing.
#  - SIGINT, SIGTERM, SIGHUP mid-run: exit 130/143/129, every report written with the
#    cases that ran and the rest not run, the run marked interrupted, no case process left;
#  - a kill -9 of a case process alone: an error of that case, the run's reports published;
#  - a kill -9 of migcheck ends its case process and leaves the previous set current;
#  - a second run into the same --out is refused; four at once leave one consistent set;
#  - a write failure (RLIMIT_FSIZE: EFBIG, a full tmpfs: ENOSPC) fails with its errno and
#    keeps the previous set;
#    an unusable --out is refused before the first case; mutants --json too;
#  - the watchdog without pidfd_open (MC_NO_PIDFD=1), and --timeout below 50 ms.
# Runs as root, or as any user where user namespaces are enabled (the full tmpfs); every
# wait is on an event with a bound. Usage: interrupt-check.sh MIGCHECK WORKDIR
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
# children PID: the pids whose parent is PID (from /proc: no procps needed).
children() {
	local p ppid
	for p in /proc/[0-9]*; do
		read -r _ _ _ ppid _ 2>/dev/null <"$p/stat" && [ "$ppid" = "$1" ] && echo "${p#/proc/}"
	done
	return 0
}
# shellcheck disable=SC2317 # called through wait_for
has_child() { [ -n "$(children "$1")" ]; }
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
	wait_for 10 has_child "$PID"
	CHILD=$(children "$PID" | head -1)
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
	if [ "$rc" = "$want" ]; then ok "SIG$sig: exit $rc"; else bad "SIG$sig: exit $rc, expected $want"; fi
	check "SIG$sig: the hung case process is gone" wait_for 10 gone "$CHILD"
	check "SIG$sig: report.json, junit.xml, report.html written" \
		test -s "$d/report.json" -a -s "$d/junit.xml" -a -s "$d/report.html"
	check "SIG$sig: report.json marks the run interrupted, 5 cases not run" test \
		"$(j "$d/report.json" '(r["summary"]["verdict"], r["summary"]["interrupted"], r["summary"]["exit_code"], r["summary"]["not_run"], len(r["cases"]))')" \
		= "('interrupted', 'SIG$sig', $want, 5, 10)"
	check "SIG$sig: the cases that ran pass, the rest are not_run skips" test \
		"$(j "$d/report.json" '[(c["status"], c.get("not_run", False)) for c in r["cases"]]')" \
		= "$(printf "%s" "[('pass', False), ('pass', False), ('pass', False), ('pass', False), ('pass', False), ('skip', True), ('skip', True), ('skip', True), ('skip', True), ('skip', True)]")"
	check "SIG$sig: the verdict's scope counts 5 cases run, not 5 skips, and says so" test \
		"$(j "$d/report.json" '(r["summary"]["scope"]["cases_run"], "unrun" in r["summary"]["scope"]["restricted_by"], r["summary"]["scope"]["label"].split(" (")[0])')" \
		= "(5, True, 'INTERRUPTED')"
	check "SIG$sig: junit.xml lists the cases not run as skipped" "$PY" -c '
import sys, xml.etree.ElementTree as ET
t = ET.parse(sys.argv[1])
sk = [e.get("message") for e in t.iter("skipped")]
assert len(sk) == 5 and all(m.startswith("not run: the run was interrupted by SIG") for m in sk), sk
' "$d/junit.xml"
	check "SIG$sig: report.html's verdict badge says INTERRUPTED" \
		grep -q 'data-verdict="interrupted">INTERRUPTED' "$d/report.html"
	check "SIG$sig: KTAP says 5 of 10 cases did not run" grep -q '^# 5 of 10 planned cases did not run' "$d.ktap"
	check "SIG$sig: KTAP's totals count the 5 not run apart from the skips" \
		grep -qx '# totals: pass=5 fail=0 warn=0 skip=0 error=0 not_run=5' "$d.ktap"
	check "SIG$sig: KTAP's last line: 5 passed, 0 failed, 0 skipped, 5 not run" \
		test "$(tail -1 "$d.ktap")" = "# migcheck: 5 passed, 0 failed, 0 skipped, 5 not run"
	check "SIG$sig: report render reads the interrupted report back, byte for byte" \
		sh -c "'$MC' report render '$d/report.json' --out '$d-r' && cmp '$d/junit.xml' '$d-r/junit.xml' && cmp '$d/report.html' '$d-r/report.html'"
	check "SIG$sig: no in-progress marker left" test ! -e "$d/in-progress"
done

"$MC" run --device sim:flags=1 --cases "$W/cases" --only FEAT,FSM --out "$W/complete" --quiet >/dev/null
check "diff calls a verdict that became interrupted worse" sh -c \
	"'$MC' diff '$W/complete/report.json' '$W/sig-INT/report.json' | grep -q '^WORSE  verdict: pass -> interrupted'"

# A case process killed from outside is the harness's error, not the device's: the run goes
# on with the next cases, exits 2, and still publishes its reports, which say so.
d=$W/child-killed
if start_hung "$d"; then
	kill -KILL "$CHILD"
	if wait_for 60 gone "$PID"; then
		wait "$PID"
		rc=$?
		check "a case process killed: exit 2 (exit $rc)" test "$rc" = 2
		check "a case process killed: report.json, junit.xml, report.html published all the same" \
			test -s "$d/report.json" -a -s "$d/junit.xml" -a -s "$d/report.html"
		check "a case process killed: that case is an error, the other nine ran" test \
			"$(j "$d/report.json" '([c["status"] for c in r["cases"]].count("error"), len(r["cases"]), r["summary"]["exit_code"])')" = "(1, 10, 2)"
	else
		bad "a case process killed: migcheck still running 60 s later"
		kill -KILL "$PID"
	fi
fi

# ---------------------------------------------------------------- kill -9, lock, sets
d=$W/kill9
"$MC" run --device sim:flags=1 --only FEAT --seed 90011 --out "$d" --quiet >/dev/null
check "a first run into $d" test "$(j "$d/report.json" 'r["run"]["seed"]')" = 90011
if start_hung "$d" --seed 90022; then
	check "a run in progress is visible: in-progress names its pid" grep -qx "pid $PID" "$d/in-progress"
	check "a second run into the same --out is refused with exit 2" \
		sh -c "'$MC' run --device sim:flags=1 --only FEAT --out '$d' --quiet; test \$? = 2"
	check "... naming the run that holds it" grep -q "in use by another migcheck run (pid $PID)" "$W/last.out"
	check "report render of a directory a run is writing warns" sh -c \
		"'$MC' report render '$d/report.json' --out '$W/k9-live' 2>&1 >/dev/null | grep -q 'a run (pid $PID) is writing into it now'"
	kill -KILL "$PID"
	check "kill -9 of migcheck: its hung case process dies with it" wait_for 10 gone "$CHILD"
	gone "$CHILD" || kill -KILL "$CHILD"
	check "kill -9: the previous set is intact and current" test \
		"$(j "$d/report.json" 'r["run"]["seed"]')" = 90011
	check "kill -9: the previous junit.xml is the one beside it" grep -q 'name="seed" value="90011"' "$d/junit.xml"
	check "kill -9: report render warns that the last run was killed" sh -c \
		"'$MC' report render '$d/report.json' --out '$W/k9-r' 2>&1 >/dev/null | grep -q 'a previous run (pid $PID) was killed before it finished'"
	check "kill -9: bundle warns too, and still packs the last complete run" sh -c \
		"'$MC' bundle '$d' -o '$W/k9.tar' 2>&1 >/dev/null | grep -q 'a previous run (pid $PID) was killed before it finished' && tar -tf '$W/k9.tar' | grep -q '/report.json\$'"
fi
check "after the kill, a new run takes the directory" \
	"$MC" run --device sim:flags=1 --only FEAT --seed 90033 --out "$d" --quiet
check "... saying the previous run (pid $PID) was killed before it finished" \
	grep -q "a previous run (pid $PID) into $d was killed before it finished" "$W/last.out"
check "... and a reader no longer warns" sh -c \
	"'$MC' report render '$d/report.json' --out '$W/k9-r2' 2>&1 >/dev/null | grep -c warning | grep -qx 0"
check "... publishes its set, and only it remains" test \
	"$(j "$d/report.json" 'r["run"]["seed"]'):$(find "$d/.sets" -mindepth 1 -maxdepth 1 | wc -l):$(test -e "$d/in-progress"; echo $?)" = 90033:1:1
check "report render into the directory, then a run: every report file is the run's" sh -c "
	'$MC' report render '$d/report.json' --out '$d' >/dev/null &&
	'$MC' run --device sim:flags=1 --only FEAT --seed 90066 --out '$d' --quiet >/dev/null &&
	test -L '$d/report.ktap' && grep -q 'value=\"90066\"' '$d/junit.xml' && grep -q '>90066<' '$d/report.html'"
check "bundle packs a run's published files (links into .sets), still no other symlink" sh -c "
	ln -s /etc/passwd '$d/kernel.log' && '$MC' bundle '$d' -o '$W/b.tar' >/dev/null &&
	tar -tf '$W/b.tar' | grep -q '/report.json\$' && ! tar -tf '$W/b.tar' | grep -q kernel.log"

d=$W/four
for i in 1 2 3 4; do
	"$MC" run --device sim:flags=7 --only FSM-01 --seed 9100$i --out "$d" --quiet >/dev/null 2>&1 &
done
wait
check "four runs into one --out: report.json, junit.xml, report.html of one run" sh -c "
	s=\$('$PY' -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"run\"][\"seed\"])' '$d/report.json') &&
	grep -q \"name=\\\"seed\\\" value=\\\"\$s\\\"\" '$d/junit.xml' &&
	grep -q \">\$s<\" '$d/report.html' && test ! -e '$d/in-progress'"

# ---------------------------------------------------------------- write failures
d=$W/full
"$MC" run --device sim:flags=7 --only FEAT --seed 90044 --out "$d" --quiet >/dev/null
cp "$d/junit.xml" "$W/full-junit.before"
# 64 KiB per file: the in-progress marker fits, report.json of FSM-01 (~70 KiB) does not.
check "a write failure fails the run with exit 2" sh -c \
	"trap '' XFSZ; ulimit -f 64; '$MC' run --device sim:flags=7 --only FSM-01 --seed 90055 --out '$d' --quiet; test \$? = 2"
check "... naming its errno (EFBIG), not EIO" grep -q "File too large" "$W/last.out"
check "... and the previous set stays intact and current" sh -c \
	"test \"\$('$PY' -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"run\"][\"seed\"])' '$d/report.json')\" = 90044 && cmp '$d/junit.xml' '$W/full-junit.before' && grep -q '>90044<' '$d/report.html' && test ! -e '$d/in-progress' && test \$(find '$d/.sets' -mindepth 1 -maxdepth 1 | wc -l) = 1"

# The limit holds for migcheck's every write to a regular file: its output goes through pipes.
check "an --out where nothing can be written (ulimit -f 0) is refused before the first case" bash -c \
	"(trap '' XFSZ; ulimit -f 0; exec '$MC' run --device sim:flags=7 --out '$W/zero' 2>&1) | cat >'$W/zero.out'
	 test \${PIPESTATUS[0]} = 2 && ! grep -q '^ok 1 ' '$W/zero.out'"
check "... with its errno" grep -q "File too large" "$W/zero.out"
check "an --out on a read-only file system (/proc) is refused before the first case" sh -c \
	"'$MC' run --device sim:flags=7 --out /proc >'$W/proc.ktap'; test \$? = 2 && ! grep -q '^ok 1 ' '$W/proc.ktap'"

mkdir -p "$W/one"
echo 'feat.flags FEAT-01 - mig_flags - model GET MIGRATION works' >"$W/one/t.cases"
check "mutants --json that cannot be written fails (exit 2, EFBIG)" sh -c \
	"trap '' XFSZ; ulimit -f 1; '$MC' mutants --jobs 2 --cases '$W/one' --json '$W/m.json' >/dev/null; test \$? = 2"
check "... naming its errno" grep -q "File too large" "$W/last.out"
check "... and leaves no file behind" test ! -e "$W/m.json"
check "mutants --json that can be written is valid JSON" sh -c \
	"'$MC' mutants --jobs 2 --cases '$W/one' --json '$W/m.json' >/dev/null; '$PY' -m json.tool '$W/m.json' >/dev/null"

# ---------------------------------------------------------------- a full disk
# A real ENOSPC: a 1 MiB tmpfs in a private mount namespace (unshare -rm, a user namespace
# where the kernel allows it, unshare -m as root otherwise), filled up by a file; the mount
# goes away with the namespace. Runs in its own bash: its checks print ok/FAIL lines.
enospc_checks() {
	local d=$T/full f=$T/filler free
	failures=0
	mount -t tmpfs -o size=1m tmpfs "$T" || { bad "cannot mount a tmpfs on $T"; return 1; }
	"$MC" run --device sim:flags=7 --only FEAT --seed 90077 --out "$d" --quiet >/dev/null 2>&1
	cp "$d/junit.xml" "$W/enospc-junit.before"
	# Fill the file system, then free 16 KiB: the marker fits, FSM-01's report.json does not.
	dd if=/dev/zero of="$f" bs=4k >/dev/null 2>&1
	free=$(($(stat -c %s "$f") - 16384))
	truncate -s "$free" "$f"
	check "a full disk (ENOSPC) fails the run with exit 2" sh -c \
		"'$MC' run --device sim:flags=7 --only FSM-01 --seed 90088 --out '$d' --quiet; test \$? = 2"
	check "... naming ENOSPC" grep -q "No space left on device" "$W/last.out"
	check "... and the previous set stays intact and current" bash -c \
		"test \"\$(j '$d/report.json' 'r[\"run\"][\"seed\"]')\" = 90077 && cmp '$d/junit.xml' '$W/enospc-junit.before' && grep -q '>90077<' '$d/report.html' && test ! -e '$d/in-progress' && test \$(find '$d/.sets' -mindepth 1 -maxdepth 1 | wc -l) = 1"
	dd if=/dev/zero of="$f" bs=4k oflag=append conv=notrunc >/dev/null 2>&1
	check "mutants --json on a full disk fails (exit 2)" sh -c \
		"'$MC' mutants --jobs 2 --cases '$W/one' --json '$T/m.json' >/dev/null; test \$? = 2"
	check "... naming ENOSPC" grep -q "No space left on device" "$W/last.out"
	check "... and leaves no file behind" test ! -e "$T/m.json"
	return "$failures"
}
T=$W/tmpfs
mkdir -p "$T"
export MC W T PY
export -f enospc_checks ok bad check j
# In a chroot (a fresh-machine root, a build container) neither namespace can be had: the
# root's / is no mount point, so unshare -m cannot make it private. Root then mounts the
# tmpfs where it is and the trap unmounts it.
if unshare -rm true 2>/dev/null; then ns=(unshare -rm)
elif unshare -m true 2>/dev/null || [ "$(id -u)" != 0 ]; then ns=(unshare -m)
else ns=(env); fi
"${ns[@]}" bash -c 'set -uo pipefail; trap "umount \"\$T\" 2>/dev/null" EXIT; enospc_checks' \
	>"$W/enospc.out" 2>&1
rc=$?
cat "$W/enospc.out"
if [ $rc != 0 ] && ! grep -q '^FAIL' "$W/enospc.out"; then
	bad "no private tmpfs for the full-disk checks (${ns[*]}: user namespaces off and not root?)"
fi
failures=$((failures + $(grep -c '^FAIL' "$W/enospc.out")))

# ---------------------------------------------------------------- the watchdog
check "without pidfd_open (MC_NO_PIDFD=1) the cases run and pass" \
	env MC_NO_PIDFD=1 "$MC" run --device sim:flags=1 --only FEAT,FSM-05 --out "$W/nopidfd" --quiet
check "... and the fallback still catches a hang (--op-timeout 300)" sh -c "
	MC_NO_PIDFD=1 '$MC' run --device sim:flags=1:defect=read_hangs_at_eof --cases '$W/cases' --op-timeout 300 --out '$W/nopidfd-hang' --quiet
	'$PY' -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))[\"cases\"] if c[\"id\"]==\"save.eof\"][0]; assert c[\"status\"]==\"fail\" and \"--op-timeout 300 ms\" in c[\"detail\"], c' '$W/nopidfd-hang/report.json'"
check "a hang the case's --timeout ends names --timeout, not --op-timeout" sh -c "
	'$MC' run --device sim:flags=1:defect=read_hangs_at_eof --cases '$W/cases' --timeout 400 --op-timeout 600000 --out '$W/case-timeout' --quiet
	'$PY' -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))[\"cases\"] if c[\"id\"]==\"save.eof\"][0]; assert \"400 ms --timeout\" in c[\"detail\"] and \"600000\" not in c[\"detail\"], c' '$W/case-timeout/report.json'"
# sim:defect=slow_stop_copy sleeps 150 ms in STOP->STOP_COPY: a 5 ms --timeout must end it.
check "--timeout below the watchdog's 50 ms poll is enforced" sh -c "
	'$MC' run --device sim:flags=1:defect=slow_stop_copy --cases '$W/cases' --only save.eof --timeout 5 --out '$W/short' --quiet
	'$PY' -c 'import json,sys; c=json.load(open(sys.argv[1]))[\"cases\"][0]; assert c[\"status\"]!=\"pass\" and \"5 ms --timeout\" in c[\"detail\"], c' '$W/short/report.json'"

if [ "$failures" = 0 ]; then echo "interrupt-check: all passed"; exit 0; fi
echo "interrupt-check: $failures failure(s)"
exit 1

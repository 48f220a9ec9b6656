#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Hostile input against the migcheck CLI (issue 13 part 4): numbers that wrap or overflow,
# a report directory without kernel.log, FIFOs given as input paths, NUL bytes in a
# kernel log and terminal escapes in reports. Run with the ASan/UBSan build, so that a
# wrapped size or a NULL qsort aborts. Usage: tests/hostile-check.sh MIGCHECK [WORKDIR]
set -u
MC=$1
W=${2:-$(mktemp -d)}
FIX=tests/data/mtty
fails=0
rm -rf "$W" && mkdir -p "$W"

bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# refused WHAT REGEX ARGS...: exit 2, one line on stderr matching REGEX, within 20 s.
refused() {
	what=$1 re=$2
	shift 2
	timeout 20 "$MC" "$@" >"$W/out" 2>"$W/err" </dev/null
	rc=$?
	lines=$(wc -l <"$W/err")
	if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -Eq -- "$re" "$W/err"; then
		bad "$what: exit $rc, $lines stderr line(s), want exit 2 and one line /$re/:"
		head -c 600 "$W/err" "$W/out"
	fi
}

# ---------------------------------------------------------------- numbers
run() { refused "$@" --only FSM-01 --quiet --out "$W/run"; }
for v in -1 17179869185g 0 abc 2t ' 5' +5 1x 99999999999999999999; do
	run "--stream-limit '$v'" "invalid value .* for --stream-limit" run --device sim --stream-limit "$v"
done
for o in --timeout --op-timeout; do
	for v in -1 0 ' 5' 86400001 99999999999999999999 5ms; do
		run "$o '$v'" "invalid value .* for $o" run --device sim $o "$v"
	done
done
for v in -1 ' 1' 18446744073709551616 1k; do
	run "--seed '$v'" "invalid value .* for --seed" run --device sim --seed "$v"
done
for p in mem=-4096 mem=17179869185g mem=0 mem=' 4096' id=-1 id=4294967296 'id= 1' \
	 seed=-1 'seed= 1' seed=18446744073709551616 flags=-7 'flags= 7' flags=0x; do
	run "sim:$p" "sim: ${p%%=*}=" run --device "sim:$p"
done
run "--dirty offset+length wraps" "--dirty: bad item" run --device sim \
	--dirty 0@18446744073709551615=aabb
run "--state-regions offset+length wraps" "--state-regions: bad item" run --device sim \
	--state-regions 0@0xffffffffffffffff+2
run "--state-regions offset overflows" "--state-regions: bad item" run --device sim \
	--state-regions 0@18446744073709551616+1
refused "mutants --jobs -1" "usage: migcheck mutants" mutants --jobs -1
refused "mutants --flags ' 7'" "usage: migcheck mutants" mutants --flags ' 7'

# ---------------------------------------------------------------- report render without kernel.log
mkdir -p "$W/nolog"
cp "$FIX/report.json" "$W/nolog/"
if ! timeout 60 "$MC" report render "$W/nolog/report.json" --out "$W/nolog-out" \
	>"$W/out" 2>"$W/err" || grep -q 'runtime error' "$W/err"; then
	bad "report render without kernel.log:"
	head -c 600 "$W/err"
fi

# ---------------------------------------------------------------- FIFOs as input paths
fifo="$W/fifo"
mkfifo "$fifo"
mkdir -p "$W/cases" "$W/state_sequence"
mkfifo "$W/cases/evil.cases" "$W/state_sequence/evil"
NR="not a regular file"
refused "run --waivers FIFO" "$NR" run --device sim --waivers "$fifo"
refused "run --cases DIR with a FIFO .cases" "evil.cases: $NR" run --device sim --cases "$W/cases"
refused "cases --cases DIR with a FIFO .cases" "evil.cases: $NR" cases --cases "$W/cases"
refused "report render FIFO" "$NR" report render "$fifo"
refused "report render --waivers FIFO" "$NR" report render "$W/nolog/report.json" \
	--out "$W/r2" --waivers "$fifo"
refused "diff FIFO" "$NR" diff "$fifo" "$FIX/report.json"
refused "expect check FIFO" "$NR" expect check "$fifo" "$FIX/report.json"
refused "klog FIFO" "$NR" klog "$fifo"
refused "expect write FIFO" "$NR" expect write "$fifo" "$W/never.json"
refused "bundle --waivers FIFO" "$NR" bundle "$FIX" -o "$W/never.tar" --waivers "$fifo"
timeout 20 "$MC" replay --device sim "$W/state_sequence/evil" >"$W/out" 2>&1 </dev/null
rc=$?
[ "$rc" = 2 ] && grep -q "evil: $NR" "$W/out" || { bad "replay FIFO: exit $rc"; head -c 600 "$W/out"; }
timeout 20 "$MC" verify "$fifo" >"$W/out" 2>&1 </dev/null
rc=$?
[ "$rc" = 2 ] && grep -q "$NR" "$W/out" || { bad "verify FIFO: exit $rc"; head -c 600 "$W/out"; }

# ---------------------------------------------------------------- klog and NUL bytes
printf 'a\000b\n[ 1.0] BUG: hidden after a NUL line\nc\n' | "$MC" klog >"$W/out"
rc=$?
[ "$rc" = 1 ] && grep -q 'BUG: hidden after a NUL line' "$W/out" ||
	bad "klog: a BUG: line after a line with a NUL byte was missed (exit $rc)"
printf 'x\000[ 2.0] BUG: after a NUL in the same line\n' | "$MC" klog >"$W/out"
[ $? = 1 ] && grep -q 'BUG: after a NUL' "$W/out" || bad "klog: BUG: after a NUL in its line missed"

# ---------------------------------------------------------------- escapes from inputs
ESC=$(printf '\033')
printf '[ 3.0] BUG: \033]0;owned\007 \033[2J\302\233 bidi\342\200\256\n' | "$MC" klog >"$W/out"
if grep -q "$ESC" "$W/out" || ! grep -qF '\x1b]0;owned\x07' "$W/out"; then
	bad "klog prints terminal escapes raw:"; od -c "$W/out" | head -5
fi
# The driver and a clause ID with OSC (window title), CSI, C1 CSI and a bidi override.
sed -e 's/"driver": "mtty"/"driver": "mtty\\u001b]0;owned\\u0007\\u001b[2J\\u009b\\u202e"/' \
    -e '0,/"id": "FEAT-01"/s//"id": "FEAT-01\\u001b[31m"/' "$FIX/report.json" >"$W/evil.json"
"$MC" expect write "$FIX/report.json" "$W/expected.json" >/dev/null 2>&1 ||
	bad "expect write of the fixture failed"
for cmd in "diff $FIX/report.json $W/evil.json" "expect check $W/expected.json $W/evil.json"; do
	# shellcheck disable=SC2086
	"$MC" $cmd >"$W/out" 2>&1
	rc=$?
	if [ "$rc" -gt 1 ] || grep -q "$ESC" "$W/out" || LC_ALL=C grep -q "$(printf '\302\233')" "$W/out" ||
	   ! grep -qF '\x1b]0;owned\x07' "$W/out"; then
		bad "$cmd: exit $rc, escapes from the report printed raw:"; od -c "$W/out" | head -8
	fi
done

if [ "$fails" != 0 ]; then
	echo "hostile-check: $fails failure(s) (work files in $W)"
	exit 1
fi
echo "hostile-check: all hostile inputs refused or shown escaped"
rm -rf "$W"

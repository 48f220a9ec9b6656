#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# AFL++ with the kernel's coverage in its map, on the debug kernel (make vmfuzz-afl-check):
# one boot with the target's AFL++ build (build/fuzz-afl/<target>), Debian's afl-showmap
# and afl-fuzz, and vm/vmfuzz-afl-guest.sh, which maps the seed corpus with and without
# the kernel's coverage, runs a guided afl-fuzz campaign of <seconds>, and maps its queue
# both ways. The check fails unless:
#   - the seeds' map with the kernel's coverage has more tuples than without it (the
#     driver's and the VFIO core's KCOV PCs reached AFL++'s shared map),
#   - afl-fuzz ran: its fuzzer_stats show more executions than there are seeds,
#   - the queue's map, too, has more tuples with the kernel's coverage than without.
# A guest whose kernel dies (a panic: the driver's fault) brings no log back: that is a
# finding, reported with the kernel's report lines from serial.log, not a failure of the
# check nor a rig error. The AFL-MAP lines are kernel-log records too, replayed to the serial
# console by the panic (panic_print): what was mapped before the panic is judged, what was
# not (afl-fuzz's figures, the queue's map) is reported as not judged. No seeds' map (the
# guest died before it): INCONCLUSIVE, exit 2, which fails the CI gate, as
# vmfuzz-guided.sh's, since the kernel's coverage reaching AFL++'s map is then not judged at
# all. A missing figure is never compared.
# Test hook, off by default: VMFUZZ_PANIC_ON_WARN=1 boots with panic_on_warn=1, so the
# driver's first UBSAN or KASAN report panics the guest and that path runs for real.
# Findings do not fail it (upstream mtty has known ones). Exit 0, 1 (check failed) or 2
# (a rig error, or inconclusive).
# Usage: vmfuzz-afl.sh check <target> <seconds>
#        vmfuzz-afl.sh judge <target> <report dir>   (the judgement alone; make rig-check)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ $# != 3 ] || { [ "$1" != check ] && [ "$1" != judge ]; }; then
	echo "usage: $0 check <target> <seconds> | judge <target> <report dir>" >&2
	exit 2
fi
what=$1 t=$2
BUILD_DIR=$REPO_DIR/${BUILD:-build}
[ -d "$REPO_DIR/corpus/$t" ] || die "no corpus/$t"
if [ "$what" = check ]; then
	secs=$3
	case "$secs" in '' | *[!0-9]*) die "seconds '$secs' is not a number" ;; esac
	BIN=$BUILD_DIR/fuzz-afl/$t
	[ -x "$BIN" ] || die "$BIN missing (make $BIN)"
	need_cmd afl-fuzz afl-showmap
	export KERNEL=debug
	[ "$(kernel_flavour)" = debug ] || die "the AFL++ check needs the debug kernel (KCOV)"

	# The afl-fuzz binary and the target are started by the guest script; init's own run of
	# the extra (the target on one empty input) changes nothing. 900 s beyond the campaign
	# for the rest of the boot: two maps of the seeds and of the queue under TCG, and
	# afl-fuzz's calibration. A panic replays the kernel log, the AFL-MAP records in it, to
	# the serial console (panic_print=0x20; printk.devkmsg=on: none of them ratelimited;
	# log_buf_len: mtty logs every reset, which wraps the default buffer within a campaign).
	hook=''
	[ "${VMFUZZ_PANIC_ON_WARN:-0}" = 0 ] || hook=' panic_on_warn=1'
	# shellcheck disable=SC2016 # expanded in the guest
	export VM_EXTRA_BINS="$BIN" VM_EXTRA_TOOLS="afl-fuzz afl-showmap" \
		VM_EXTRA_FILES="$REPO_DIR/corpus/$t:/fuzz/corpus $VM_DIR/vmfuzz-afl-guest.sh:/fuzz/afl.sh" \
		VM_EXTRA_ARGS='</dev/null >/dev/null 2>&1; sh /fuzz/afl.sh "$x" '"$secs" \
		VM_APPEND="${VM_APPEND:+$VM_APPEND }printk.devkmsg=on log_buf_len=16M panic_print=0x20${hook:-}" \
		VM_DESTRUCTIVE=0 MIGCHECK_ARGS='--only FEAT-01' MIGCHECK_TIMEOUT=300 \
		VM_REPORTS="$BUILD_DIR/vmfuzz-afl/$t/reports" VM_TIMEOUT=$((secs + 900))
	mkdir -p "$VM_REPORTS"
	boot_extras "$BUILD_DIR/migcheck-static"
	out=$NEW_REPORT
else
	out=$3 secs=null RUN_STATUS=-
fi
log=$out/extra-$t.log
panic=0
if [ ! -s "$log" ]; then
	grep -a -q 'Kernel panic' "$out/serial.log" 2>/dev/null ||
		die "the guest brought back no AFL++ log, and serial.log shows no panic (run.sh status $RUN_STATUS; see $out/serial.log)"
	panic=1
	st=0
	"${MIGCHECK_HOST:-$BUILD_DIR/migcheck}" klog "$out/serial.log" >"$out/kernel-reports.log" || st=$?
	[ "$st" -le 1 ] || die "migcheck klog failed on $out/serial.log"
	# What killed it: the report line just before the first panic line, else the panic's own.
	why=$(panic_cause "$out/kernel-reports.log" "$out/serial.log")
	echo "FINDING: the guest's kernel died during the AFL++ check: $why"
	echo "  kernel report lines: $(wc -l <"$out/kernel-reports.log") in $out/kernel-reports.log (serial log $out/serial.log)"
	echo "  (AFL++'s crashing input died with the guest: make vmfuzz KERNEL=debug TARGET=$t salvages its inputs from the kernel log)"
	# What was mapped before the panic, from the kernel-log records.
	tr -d '\r' <"$out/serial.log" | sed -n 's/.*migcheck-afl: \(AFL-MAP .*\)/\1/p' >"$log"
fi

# AFL-MAP <what> <off> <guide>: the two maps' tuples.
map() { sed -n "s/^AFL-MAP $1 \\([0-9]*\\) \\([0-9]*\\)\$/\\1 \\2/p" "$log" | tail -1; }
afl_stat() { sed -n "s/^$1 *: *\\([0-9.]*\\).*/\\1/p" "$out/afl/default/fuzzer_stats" 2>/dev/null | head -1 || true; }
ok=1
s_off='' s_guide='' q_off='' q_guide=''
read -r s_off s_guide < <(map seeds) || true
read -r q_off q_guide < <(map queue) || true
seeds=$(find "$REPO_DIR/corpus/$t" -type f | wc -l)
execs=$(afl_stat execs_done) corpus=$(afl_stat corpus_count) edges=$(afl_stat edges_found)
eps=$(afl_stat execs_per_sec) crashes=$(afl_stat saved_crashes)
# tuples <what> <off> <guide> <where>: the map with the kernel's coverage must be larger.
tuples() {
	if num "$2" && num "$3"; then
		[ "$3" -gt "$2" ] ||
			{ note "FAIL: the $1 maps: $3 tuples with the kernel's coverage, $2 without: it did not reach AFL++'s map ($4)"; ok=0; }
	elif [ "$panic" = 1 ]; then
		note "not judged: the $1 maps (the guest died before they were made)"
		if [ "$1" = seeds ]; then ok=2; fi
	else
		note "FAIL: no $1 maps with and without the kernel's coverage ($4)"
		ok=0
	fi
}
tuples seeds "$s_off" "$s_guide" "see $out/afl-showmap-seeds-guide.log"
if num "$execs"; then
	[ "$execs" -gt "$seeds" ] ||
		{ note "FAIL: afl-fuzz ran $execs inputs, no more than its $seeds seeds (see $out/afl-fuzz.log)"; ok=0; }
elif [ "$panic" = 1 ]; then
	note "not judged: how many inputs afl-fuzz ran (its fuzzer_stats died with the guest)"
else
	note "FAIL: afl-fuzz left no fuzzer_stats (see $out/afl-fuzz.log)"
	ok=0
fi
tuples queue "$q_off" "$q_guide" "the campaign's queue"
cat >"$out/afl-stats.json" <<JSON
{"target": "$t", "engine": "afl++ (kernel backend, real driver in the VM)", "kernel": "debug", "guest": "$([ "$panic" = 1 ] && echo panic || echo ok)", "seconds": $secs, "execs": ${execs:-null}, "exec_per_s": ${eps:-null}, "corpus_size": ${corpus:-null}, "edges_found": ${edges:-null}, "saved_crashes": ${crashes:-null}, "seed_tuples": {"no_kernel": ${s_off:-null}, "kernel": ${s_guide:-null}}, "queue_tuples": {"no_kernel": ${q_off:-null}, "kernel": ${q_guide:-null}}}
JSON
note "AFL++ $t: $(cat "$out/afl-stats.json")"
case $ok in
0) exit 1 ;;
2)
	note "INCONCLUSIVE: whether the kernel's coverage reached AFL++'s map is not judged: the guest died before the seeds were mapped"
	exit 2
	;;
esac
if [ "$panic" = 1 ]; then
	echo "vmfuzz-afl-check: ok (the seeds map to $s_guide tuples with the kernel's coverage vs $s_off without; the campaign not judged: the guest's kernel died, a finding, above)"
else
	echo "vmfuzz-afl-check: ok (afl-fuzz ran $execs inputs$(num "$secs" && echo " in ${secs}s"), queue $corpus; tuples with the kernel's coverage vs without: seeds $s_guide vs $s_off, queue $q_guide vs $q_off)"
fi

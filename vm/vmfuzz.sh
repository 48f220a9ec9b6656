#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make vmfuzz TARGET=t SECONDS=n`: a libFuzzer campaign against the real driver in the
# guest. The target's libFuzzer build (ASan/UBSan on migcheck's side; the kernel side is
# watched through its log after every input) boots as an extra program with the committed
# corpus; every input is written to the kernel log before it runs (MIGCHECK_FUZZ_KMSG=1),
# and a panic replays the log to the serial console. Brought back into the report
# directory: the fuzzer's log, its new corpus units (fuzz-corpus/), crashing inputs
# (crash-*), the first input of each distinct finding (fuzz-findings.log.inputs/, each
# replayed in the guest on a reloaded driver and minimised: fuzz-replay.log), kernel.log
# (the campaign's report lines in kernel-reports.log, the replay's in
# replay-kernel-reports.log), and fuzz-stats.json (execs, exec/s, coverage, corpus,
# crashes, findings, replayed/reproduced/minimised, kernel-log reports, seconds). A
# kernel-log report counts as a crash.
# Usage: vmfuzz.sh <target> <seconds>   (run from make: BUILD, MC_CACHE, ... in the env)
#        vmfuzz.sh --summary <target> <seconds> <report dir>   (the summary of a past run)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out="" rc=-
if [ "${1:-}" = --summary ] && [ $# = 4 ]; then
	out=$4
	shift
	set -- "$1" "$2"
fi
[ $# = 2 ] || { echo "usage: $0 [--summary] <target> <seconds> [report dir]" >&2; exit 2; }
TARGET=$1 SECS=$2
case "$SECS" in '' | *[!0-9]*) die "SECONDS=$SECS is not a number of seconds" ;; esac
BUILD_DIR=$REPO_DIR/${BUILD:-build}
if [ -z "$out" ]; then
	BIN=$BUILD_DIR/fuzz-lf/$TARGET
	[ -x "$BIN" ] || die "$BIN missing (make $BUILD_DIR/fuzz-lf/$TARGET)"
	[ -d "$REPO_DIR/corpus/$TARGET" ] || die "no corpus/$TARGET"
	WORKDIR=$BUILD_DIR/vmfuzz/$TARGET
	mkdir -p "$WORKDIR/reports"

	# One long-lived libFuzzer process at a time (vmfuzz-loop.sh), started again with the
	# time left when it ends early: a finding (a known deviation of the driver keeps
	# recurring) is saved and deduplicated, and the campaign goes on for its whole time.
	# MIGCHECK_FUZZ_CONTINUE=known: only a finding not kept before aborts the process (a
	# crash artifact each); known ones go on in the same process.
	# -cpu max: TCG's default CPU model lacks instructions the sanitizer runtimes use.
	# 2 GiB: the sanitizers' process lives the whole campaign beside a KASAN kernel;
	# libFuzzer's -rss_limit_mb stops it (an artifact, then a new process) well before.
	export VM_CPU=${VM_CPU:-max} VM_MEM=${VM_MEM:-2048}
	# Every input goes to /dev/kmsg before it runs: without printk.devkmsg=on the kernel
	# ratelimits those writes and drops most of them. They stay in the ring buffer, not on
	# the console (printing each to the serial port would slow every input): log_buf_len
	# keeps about 25,000 of them in kernel.log, and panic_print=0x20 writes the whole buffer
	# to the console if the kernel panics, so the input that took it down is in serial.log.
	# oops=panic: an oops leaves the driver's locks and memory in a state where the next
	# input hangs (mtty's out-of-bounds FIFO write corrupts its mutex), so the kernel
	# panics instead, its log (with the input notes) on the serial console.
	# hung_task_panic: an input that leaves a task blocked in the driver (a corrupted mutex
	# held forever; libFuzzer's timeout cannot end a task in uninterruptible sleep) panics
	# the guest a minute later, its log on the console, instead of a silent hang until
	# VM_TIMEOUT with nothing brought back.
	export VM_APPEND="${VM_APPEND:+$VM_APPEND }printk.devkmsg=on log_buf_len=16M panic_print=0x20 oops=panic hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs=60"
	# Test hook, off by default (VMFUZZ_PANIC_ON_WARN=1): panic_on_warn=1 makes the driver's
	# first UBSAN or KASAN report panic the guest, so that the path of a campaign whose
	# kernel dies (the salvage below, vmfuzz-guided.sh's judgement) can be run on purpose:
	# upstream mtty's reports come within seconds, its panics only now and then.
	[ "${VMFUZZ_PANIC_ON_WARN:-0}" = 0 ] || VM_APPEND="$VM_APPEND panic_on_warn=1"
	# Then, in the same boot, vmfuzz-replay.sh replays the first input of each distinct
	# finding (the driver keeps them in /out/fuzz-findings.log.inputs) with `migcheck
	# replay` on a reloaded driver and minimises it; the fuzzer's exit status stays the
	# extra's. VM_EXTRA_ARGS is eval'd by vm/init after the program's path ("$x").
	# shellcheck disable=SC2016 # expanded in the guest
	replay='sh /fuzz/replay.sh '"$TARGET"' "$x" /out/fuzz-findings.log.inputs "$MIGCHECK_FUZZ_DEVICE" "$MDEV_PARENT" "$MDEV_TYPE"'
	# Kernel coverage (fuzz/fuzz_kcov.c): KCOV=guide feeds the driver's PCs to libFuzzer,
	# measure only records them (the unguided side of a comparison), off neither; the
	# debug kernel defaults to guide (REPLAY_MAX=n: replay at most n findings after, 8).
	# The guest's environment comes from the eval'd VM_EXTRA_ARGS, whose first command is
	# the fuzzer: -help=1 makes that one a no-op.
	kcov=${KCOV:-$([ "$(kernel_flavour)" = debug ] && echo guide || echo off)}
	case $kcov in guide | measure | off) ;; *) die "KCOV=$kcov: expected guide, measure or off" ;; esac
	# One copy of kallsyms for every process of the campaign (MIGCHECK_FUZZ_KCOV_PROC): the
	# driver stays loaded until the replay, which runs without KCOV.
	snap=':'
	[ "$kcov" = off ] || snap='mkdir -p /tmp/ksnap && cat /proc/kallsyms >/tmp/ksnap/kallsyms && export MIGCHECK_FUZZ_KCOV_PROC=/tmp/ksnap'
	# shellcheck disable=SC2016 # expanded in the guest
	pre='-help=1 >/dev/null 2>&1; echo '"$kcov"' >/out/kcov-mode; '"$snap"'; date +%s >/out/fuzz-start; echo "<6>migcheck-fuzz: campaign kcov='"$kcov"' start=$(cat /out/fuzz-start)" >/dev/kmsg; export MIGCHECK_FUZZ_KCOV='"$kcov"' MIGCHECK_FUZZ_KCOV_LOG=/out/kcov-new.log MIGCHECK_FUZZ_KCOV_KMSG=1 MC_FUZZ_PROGRESS_KMSG=1 '"${REPLAY_MAX:+MC_REPLAY_MAX=$REPLAY_MAX}"'; MIGCHECK_FUZZ_CONTINUE=known sh /fuzz/loop.sh "$x" '"$SECS"
	# After the campaign: the final corpus's features with the kernel's counters and without
	# (kcov-ft.log), then the replay without KCOV: it reloads the driver, whose PCs then
	# move out of the ranges every process found at its start.
	# shellcheck disable=SC2016 # expanded in the guest
	ftpass='for m in kernel:guide harness:measure; do MIGCHECK_FUZZ_KCOV=${m#*:} MIGCHECK_FUZZ_KCOV_CMP=0 MIGCHECK_FUZZ_KCOV_LOG= MIGCHECK_FUZZ_CONTINUE=1 "$x" -runs=0 /out/fuzz-corpus /fuzz/corpus 2>&1 | sed "s/^/${m%:*} /" >>/out/kcov-ft.log; done'
	[ "$kcov" != off ] || ftpass=:
	# The FEAT-01 run before the campaign (the device works; report.html) takes under a
	# minute, but several on a loaded 2-core host with KCOV and kmemleak: 300 s, and the
	# campaign is never run if it times out.
	export VM_EXTRA_BINS="$BIN" \
		VM_EXTRA_FILES="$REPO_DIR/corpus/$TARGET:/fuzz/corpus $VM_DIR/vmfuzz-replay.sh:/fuzz/replay.sh $VM_DIR/vmfuzz-loop.sh:/fuzz/loop.sh" \
		VM_EXTRA_ARGS="$pre -timeout=20 -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=/out/ /out/fuzz-corpus /fuzz/corpus; mc_fuzz_rc=\$?; $ftpass; unset MIGCHECK_FUZZ_KCOV_LOG MIGCHECK_FUZZ_KCOV_PROC; export MIGCHECK_FUZZ_KCOV=0; $replay; (exit \$mc_fuzz_rc)" \
		VM_DESTRUCTIVE=0 MIGCHECK_ARGS='--only FEAT-01' VM_REPORTS="$WORKDIR/reports" \
		VM_TIMEOUT=$((SECS + 660)) MIGCHECK_TIMEOUT=300
	boot_extras "$BUILD_DIR/migcheck-static"
	rc=$RUN_STATUS out=$NEW_REPORT
fi
log=$out/extra-${TARGET}.log
MIGCHECK=${MIGCHECK_HOST:-$BUILD_DIR/migcheck}

# The guest died (a panic: oops=panic) or hung before bringing anything back: what
# serial.log holds. With panic_print=0x20 the panic replays the whole kernel log there,
# each input's note included, so every report line's input is the last note before it:
# kept as salvaged/<n> (the first 256 bytes when the note was cut: <n>.partial), with
# the report line in salvaged/<n>.report, for `migcheck replay` on another boot. The
# campaign's mark, progress rows and new kernel PCs were kernel-log records too: from
# them fuzz-start, kcov-mode, fuzz-progress.tsv and kcov-new.log are made again, and the
# coverage up to the panic joins fuzz-stats.json (vmfuzz-kcov.sh).
salvage() {
	local serial=$out/serial.log n=0 len hex more rep st guest=lost
	[ -s "$serial" ] || die "no fuzzer log and no serial.log from the guest (run.sh status $rc)"
	"$MIGCHECK" klog "$serial" >"$out/kernel-reports.log" && st=0 || st=$?
	[ "$st" -le 1 ] || die "migcheck klog failed on $serial"
	mkdir -p "$out/salvaged"
	while IFS=$'\t' read -r len hex more rep; do
		n=$((n + 1))
		f=$out/salvaged/$n
		[ "$more" = y ] && f=$f.partial
		perl -e 'print pack("H*", $ARGV[0])' "$hex" >"$f"
		printf '%s\n' "$rep" >"$out/salvaged/$n.report"
		note "salvaged input $n ($len bytes$([ "$more" = n ] || echo ', the first 256 kept')): $rep"
	done < <(awk -v t="$TARGET" '
		NR == FNR { rep[$0] = 1; next }
		{ sub(/\r$/, "") }
		match($0, "migcheck-fuzz: " t " len=[0-9]+ hex=[0-9a-f]*") {
			split(substr($0, RSTART + length("migcheck-fuzz: " t " ")), kv, /[ =]/)
			len = kv[2]; hex = kv[4]; sub(/[^0-9a-f].*/, "", hex); more = substr($0, RSTART + RLENGTH, 3) == "..." ? "y" : "n"
			next
		}
		($0 in rep) && hex != "" && !((len, hex) in seen) {
			seen[len, hex] = 1; printf "%s\t%s\t%s\t%s\n", len, hex, more, $0
		}' "$out/kernel-reports.log" "$serial")
	reports=$(wc -l <"$out/kernel-reports.log")
	# The inputs run: their notes, which the panic's replay of the log put in serial.log.
	execs=$(grep -a -c "migcheck-fuzz: $TARGET len=" "$serial" || true)
	why=$(grep -a -m1 -E 'Kernel panic' "$serial" | tr -d '\r' || true)
	[ -n "$why" ] && guest=panic
	local camp secs_run=null kcov_json=''
	camp=$(grep -a -m1 -o 'migcheck-fuzz: campaign kcov=[a-z]* start=[0-9][0-9]*' "$serial" || true)
	if [ -n "$camp" ]; then
		echo "${camp##*start=}" >"$out/fuzz-start"
		camp=${camp#*kcov=}
		echo "${camp%% *}" >"$out/kcov-mode"
		grep -a -o 'migcheck-fuzz: progress [0-9]* [0-9]* [0-9]*' "$serial" |
			awk '{ printf "%s\t%s\t%s\n", $3, $4, $5 }' | sort -k1,1n -k2,2n | uniq >"$out/fuzz-progress.tsv" || true
		tr -d '\r' <"$serial" | grep -a -o 'migcheck-kcov: .*' | sed 's/^migcheck-kcov: //' >"$out/kcov-new.log" || true
		[ ! -s "$out/fuzz-progress.tsv" ] || secs_run=$(tail -1 "$out/fuzz-progress.tsv" | cut -f1)
		kcov_json=$(MIGCHECK_HOST=$MIGCHECK "$VM_DIR/vmfuzz-kcov.sh" "$out" "${MDEV_PARENT:-mtty}")
	fi
	cat >"$out/fuzz-stats.json" <<JSON
{"target": "$TARGET", "engine": "libfuzzer (kernel backend, real driver in the VM)", "kernel": "${KERNEL:-production}", "guest": "$guest", "execs": ${execs:-0}, "salvaged_inputs": $n, "kernel_log_reports": $reports, "seconds": $SECS, "seconds_run": $secs_run
$kcov_json}
JSON
	note "vmfuzz $TARGET: the guest brought no results back (${why:-no panic: a hang}); ${execs:-0} input notes and $reports kernel report line(s) in serial.log, $n input(s) salvaged into $out/salvaged"
	note "replay one in a guest: migcheck replay --device mdev:<uuid> --target $TARGET <file> (or the fuzzer binary with the file as its argument)"
	exit 1
}
[ -s "$log" ] || salvage

# vmfuzz-loop.sh's last line: "MC-FUZZ done processes P abnormal A execs E seconds S cov C
# ft F"; a guest stopped before it leaves fuzz-progress.tsv's last row (seconds, inputs,
# features). Each count tolerates its absence: no progress, no findings file, no new units.
done_line=$(grep -a '^MC-FUZZ done ' "$log" | tail -1 || true)
word() { printf '%s\n' "$done_line" | sed -n "s/.* $1 \([0-9]*\).*/\1/p"; }
if [ -n "$done_line" ]; then
	execs=$(word execs) secs_run=$(word seconds) cov=$(word cov) ft=$(word ft)
	processes=$(word processes) abnormal=$(word abnormal)
else
	read -r secs_run execs ft < <(tail -1 "$out/fuzz-progress.tsv" 2>/dev/null) || true
	cov=$(grep -a -E '^#[0-9]+[[:space:]].* cov: ' "$log" | tail -1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p' || true)
	processes=$(grep -a -c '^MC-FUZZ process [0-9]* begins' "$log" || true) abnormal=null
fi
eps=$(( ${execs:-0} / ( ${secs_run:-0} > 0 ? ${secs_run:-1} : 1 ) ))
findings=$(cat "$log" "$out/fuzz-findings.log" 2>/dev/null | sed -n 's/^FINDING \(.*\)$/\1/p' | sort -u || true)
nfind=$(printf '%s' "$findings" | grep -c . || true)
printf '%s\n' "$findings" >"$out/findings.txt"
grown=$(find "$out/fuzz-corpus" -type f 2>/dev/null | wc -l || true)
corpus=$(($(find "$REPO_DIR/corpus/$TARGET" -type f | wc -l) + grown))
crashes=$(find "$out" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'leak-*' | wc -l)
# Report lines as ROB-01 judges them (mc_klog_is_report), by the host's migcheck: those of
# the campaign (kernel-reports.log), and those of the replay after it (replay-kernel-reports.log).
klog_reports() { # <out file>, the kernel.log part on stdin: prints the number of report lines
	local st
	"$MIGCHECK" klog >"$1" && st=0 || st=$?
	[ "$st" -le 1 ] || die "migcheck klog failed on $out/kernel.log"
	wc -l <"$1"
}
mark='migcheck-fuzz: replay of the findings begins'
reports=0 replay_reports=0
if [ -s "$out/kernel.log" ]; then
	reports=$(awk -v m="$mark" 'index($0, m) { exit } { print }' "$out/kernel.log" |
		klog_reports "$out/kernel-reports.log")
	replay_reports=$(awk -v m="$mark" 'on { print } index($0, m) { on = 1 }' "$out/kernel.log" |
		klog_reports "$out/replay-kernel-reports.log")
fi
# The in-guest replay of each distinct finding (vmfuzz-replay.sh's REPLAY lines).
rlog=$out/fuzz-replay.log
replayed=$(grep -cE '^REPLAY [0-9a-f]+ (reproduced|NOT-REPRODUCED) ' "$rlog" 2>/dev/null || true)
reproduced=$(grep -cE '^REPLAY [0-9a-f]+ reproduced ' "$rlog" 2>/dev/null || true)
minimised=$(grep -cE '^REPLAY [0-9a-f]+ [A-Za-z-]+ min [0-9]' "$rlog" 2>/dev/null || true)
# Kernel coverage over time (vmfuzz-kcov.sh: kcov-pcs.txt, kcov-series.tsv, the members).
kcov_json=$(MIGCHECK_HOST=$MIGCHECK "$VM_DIR/vmfuzz-kcov.sh" "$out" "${MDEV_PARENT:-mtty}")
cat >"$out/fuzz-stats.json" <<JSON
{"target": "$TARGET", "engine": "libfuzzer (kernel backend, real driver in the VM)", "kernel": "${KERNEL:-production}", "execs": ${execs:-0}, "exec_per_s": ${eps:-0}, "coverage": ${cov:-0}, "features": ${ft:-0}, "corpus_size": $corpus, "new_units": $grown, "crashes": $crashes, "distinct_findings": $nfind, "replayed": ${replayed:-0}, "reproduced": ${reproduced:-0}, "minimised": ${minimised:-0}, "kernel_log_reports": ${reports:-0}, "replay_kernel_log_reports": ${replay_reports:-0}, "seconds": $SECS, "seconds_run": ${secs_run:-0}, "processes": ${processes:-0}, "processes_ended_early": ${abnormal:-null}
$kcov_json}
JSON
note "vmfuzz $TARGET: $(cat "$out/fuzz-stats.json")"
# report.html was rendered in the guest before the campaign: again, with its fuzz section
# (the table, and the kernel coverage over time on a KCOV kernel).
if [ -s "$out/report.json" ]; then
	"$MIGCHECK" report render "$out/report.json" --out "$out" >/dev/null 2>&1 ||
		note "warning: re-rendering $out/report.html with the campaign failed"
fi
if [ -n "$findings" ]; then
	note "distinct findings (target|clause|errno|state|kernel report):"
	printf '%s\n' "$findings" | sed 's/^/  /' >&2
fi
if [ -s "$rlog" ]; then
	note "replayed in the guest on a reloaded driver (REPLAY hash result minimised key; inputs in fuzz-findings.log.inputs/):"
	sed 's/^/  /' "$rlog" >&2
fi
note "results in $out (fuzzer log $log)"
[ "$crashes" = 0 ] && [ "${reports:-0}" = 0 ]

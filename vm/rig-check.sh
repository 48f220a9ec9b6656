#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make rig-check: the rig's checks that need no VM, no network and no root.
#  - results_extract (vm/lib.sh) on a hostile results tar: only regular files and directories
#    with plain relative names land, no set-id bits, nothing outside the report dir;
#  - tools/apt-install.sh against a stub apt-get with no apt lists: one apt-get update, then
#    the install retried; and make deps/fuzz-deps/report-deps and the rig's apt_install all
#    go through it (no other script or makefile runs apt-get install);
#  - vm/vmfuzz.sh --summary on a campaign without findings: exit 0 and its fuzz-stats.json;
#    on one with findings: their count, the in-guest replay's, the kernel reports apart;
#    on a guest that panicked: each report's input salvaged from serial.log;
#  - vm/vmfuzz-guided.sh judge on fixture stats (tests/data/vmfuzz-guided): a normal run, one
#    whose feedback did not reach libFuzzer, a panicked one with its salvaged series (with and
#    without a seed pass), one dead before any evidence: ok, FAIL, INCONCLUSIVE as documented;
#    vm/vmfuzz-afl.sh judge alike (tests/data/vmfuzz-afl): ok, no feedback, a panic after the
#    seeds' maps (judged from the kernel log's records), a panic before them;
#  - vm/vmfuzz-loop.sh (busybox sh, as in the guest) with a stand-in fuzzer: started again
#    with the time left after each early end, the inputs of every process counted, the
#    progress table written; a process that ends loading its corpus started again, but not
#    a second time on the same input;
#  - make bench builds build/migcheck-static, which its VM part boots;
#  - the debug kernel (KERNEL=debug): the fragment check of vm/build-debug-kernel.sh names
#    every option missing from a .config, load_kernel_env picks the debug kernel's record,
#    and make vm-prepare/vmcheck use the debug kernel's builder and expected verdicts;
#  - the two access paths: a results tar with a cdev/ subdir, their comparison
#    (access_paths_compare: agree, one verdict apart, a missing report), VM_ACCESS refused
#    for a kernel without cdev/iommufd, vmcheck asking for both paths on the debug kernel.
#  - vm/mutants.sh's verdict on a kernel-report variant from a report.json (a new report of
#    its kind, charged to a case or phase), and its debug variants listed, not booted, under
#    Debian's kernel.
# Usage: rig-check.sh WORKDIR [host migcheck]
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
W=$(mkdir -p "$1" && cd "$1" && pwd)
MC=${2:-$REPO/build/migcheck}
# shellcheck source=tests/check-lib.sh
. "$REPO/tests/check-lib.sh"
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

# --- vmfuzz's summary of a campaign with no findings and no new units ------------------
F=$W/vmfuzz
rm -rf "$F" && mkdir -p "$F"
printf '%s\n' '#2857	pulse  cov: 1232 ft: 1255 corp: 175/3Kb exec/s: 95 rss: 80Mb' \
	'MC-FUZZ done processes 1 abnormal 0 execs 2857 seconds 30 cov 1232 ft 1255' >"$F/extra-state_sequence.log"
: >"$F/kernel.log"
"$REPO/vm/vmfuzz.sh" --summary state_sequence 30 "$F" >"$F/out" 2>&1
rc=$?
expect "vmfuzz summary: a clean campaign (no findings file, no fuzz-corpus/) exits 0 (exit $rc)" test "$rc" = 0
expect "vmfuzz summary: fuzz-stats.json has the execs and no crash" \
	grep -q '"execs": 2857, "exec_per_s": 95, .*"new_units": 0, "crashes": 0, "distinct_findings": 0' \
	"$F/fuzz-stats.json"

# --- vmfuzz's summary of a campaign with findings, replayed in the guest -----------------
G=$W/vmfuzz-found
rm -rf "$G" && mkdir -p "$G"
printf '%s\n' '#900	NEW    cov: 890 ft: 683 corp: 62/1Kb exec/s: 16 rss: 90Mb' \
	'FINDING resume_stream|RES-03|0|STOP|' >"$G/extra-resume_stream.log"
printf '%s\t%s\t%s\n' 10 300 600 60 900 683 >"$G/fuzz-progress.tsv"
printf '%s\n' 'FINDING resume_stream|ROB-01|0|ERROR|ubsan: UBSAN: invalid-load in mtty.c:539:27' \
	'  ROB-01: the kernel log reported a problem during the input' >"$G/fuzz-findings.log"
printf '%s\n' 'REPLAY 00000000000000a1 reproduced min-none resume_stream|ROB-01|0|ERROR|ubsan: UBSAN: invalid-load in mtty.c:539:27' \
	'REPLAY 00000000000000b2 reproduced min 12 4000 resume_stream|RES-03|0|STOP|' \
	'REPLAY 00000000000000c3 NOT-REPRODUCED min-none resume_stream|RES-04|0|STOP|' \
	'REPLAYED 3 finding(s)' >"$G/fuzz-replay.log"
printf '%s\n' '[   50.1] migcheck-fuzz: resume_stream len=9 hex=01' \
	'[   50.2] UBSAN: invalid-load in mtty.c:539:27' \
	'[  700.0] migcheck-fuzz: replay of the findings begins' \
	'[  701.0] UBSAN: invalid-load in mtty.c:539:27' \
	'[  702.0] UBSAN: array-index-out-of-bounds in mtty.c:548:41' >"$G/kernel.log"
: >"$G/crash-0123"
"$REPO/vm/vmfuzz.sh" --summary resume_stream 60 "$G" >"$G/out" 2>&1
rc=$?
expect "vmfuzz summary: a campaign with a crash and kernel reports exits 1 (exit $rc)" test "$rc" = 1
expect "vmfuzz summary: two distinct findings; three replayed, two reproduced, one minimised" \
	grep -q '"crashes": 1, "distinct_findings": 2, "replayed": 3, "reproduced": 2, "minimised": 1,' \
	"$G/fuzz-stats.json"
expect "vmfuzz summary: the campaign's kernel reports apart from the replay's" \
	grep -q '"kernel_log_reports": 1, "replay_kernel_log_reports": 2,' "$G/fuzz-stats.json"

expect "vmfuzz summary: a guest stopped before the loop's last line: the progress table's last row" \
	grep -q '"execs": 900, "exec_per_s": 15, "coverage": 890, "features": 683,' "$G/fuzz-stats.json"

# --- vmfuzz-loop.sh: libFuzzer started again until the time is used ----------------------
L=$W/vmfuzz-loop
rm -rf "$L" && mkdir -p "$L"
# A stand-in for libFuzzer: its nth start prints what script line n says, then exits with
# the status that line ends with ("-" for none: a progress line each, tab-separated).
cat >"$L/fuzzer" <<'SH'
#!/bin/sh
n=$(($(cat "$0.n" 2>/dev/null || echo 0) + 1))
echo "$n" >"$0.n"
echo "args: $*"
line=$(sed -n "${n}p" "$0.script")
st=${line##* }
for p in ${line% *}; do
	case $p in
	stat=*) echo "stat::number_of_executed_units: ${p#stat=}" ;;
	unit=*) echo "artifact_prefix='./'; Test unit written to ${p#unit=}" ;;
	*) printf '#%s\t%s cov: %s ft: %s corp: 1/1b exec/s: 1 rss: 1Mb\n' $(echo "$p" | tr : ' ') ;;
	esac
done
exit "$st"
SH
chmod +x "$L/fuzzer"
# 1st: a finding after 10 inputs; 2nd: a timeout, 25 inputs by its final stats; 3rd: time up.
printf '%s\n' '2:INITED:5:6 10:NEW:7:8 77' '2:INITED:7:8 20:pulse:9:10 stat=25 70' '3:INITED:9:11 0' >"$L/fuzzer.script"
MC_FUZZ_PROGRESS=$L/p.tsv TMPDIR=$L busybox sh "$REPO/vm/vmfuzz-loop.sh" "$L/fuzzer" 30 -x=1 >"$L/log" 2>&1
rc=$?
expect "vmfuzz-loop: two early ends, then the time used: exit 1 (exit $rc)" test "$rc" = 1
expect "vmfuzz-loop: three processes, 10 + 25 + 3 inputs" \
	grep -q '^MC-FUZZ done processes 3 abnormal 2 execs 38 seconds [0-9]* cov 9 ft 11$' "$L/log"
expect "vmfuzz-loop: each process gets the time left and the arguments" \
	test "$(grep -c '^args: -max_total_time=[0-9]* -x=1$' "$L/log")" = 3
expect "vmfuzz-loop: the progress table counts on across processes" \
	test "$(cut -f2,3 "$L/p.tsv" | paste -sd' ')" = "$(printf '2\t6 10\t8 12\t8 30\t10 38\t11')"
expect "vmfuzz-loop: no state files left behind" test -z "$(find "$L" -name 'mc-fuzz-process.*')"
rm -f "$L/fuzzer.n"
# A seed that is a new finding ends the 1st process while it loads the corpus (the next goes
# past it); then a seed crashes the 3rd and the 4th alike: no 5th.
printf '%s\n' 'unit=./crash-a 77' '4:INITED:5:6 unit=./crash-b 77' 'unit=./crash-c 1' 'unit=./crash-c 1' \
	'2:INITED:5:6 0' >"$L/fuzzer.script"
MC_FUZZ_PROGRESS=$L/p.tsv TMPDIR=$L busybox sh "$REPO/vm/vmfuzz-loop.sh" "$L/fuzzer" 30 >"$L/log2" 2>&1
rc=$?
expect "vmfuzz-loop: two ends on the same input while loading the corpus stop the campaign (exit $rc)" \
	grep -q '^MC-FUZZ stopping: process 4 ended (exit 1) loading its corpus, on the same input as the one before (./crash-c)' "$L/log2"
expect "vmfuzz-loop: ... after four processes, the first ended loading the corpus" \
	grep -q '^MC-FUZZ done processes 4 abnormal 4 execs 4 ' "$L/log2"
# Ends without an artifact count alike: the first is not taken for a repeat, the second is.
rm -f "$L/fuzzer.n"
printf '%s\n' 'stat=0 1' 'stat=0 1' '2:INITED:5:6 0' >"$L/fuzzer.script"
MC_FUZZ_PROGRESS=$L/p.tsv TMPDIR=$L busybox sh "$REPO/vm/vmfuzz-loop.sh" "$L/fuzzer" 30 >"$L/log3" 2>&1
expect "vmfuzz-loop: two ends without an artifact while loading the corpus stop at the second" \
	grep -q '^MC-FUZZ done processes 2 abnormal 2 ' "$L/log3"

# --- vmfuzz's summary of a guest that panicked: inputs salvaged from serial.log -----------
P=$W/vmfuzz-panic
rm -rf "$P" && mkdir -p "$P"
printf '%s\r\n' 'migcheck-fuzz: resume_stream len=3 hex=01ff03' \
	'UBSAN: array-index-out-of-bounds in mtty.c:383:34' 'index 145 is out of range' \
	'migcheck-fuzz: resume_stream len=300 hex=0a0b...' \
	'Oops: general protection fault, probably for non-canonical address 0xdffffc000000001f: 0000 [#1] SMP KASAN' \
	'Kernel panic - not syncing: Fatal exception' >"$P/serial.log"
"$REPO/vm/vmfuzz.sh" --summary resume_stream 600 "$P" >"$P/out" 2>&1
rc=$?
expect "vmfuzz summary: a guest that panicked exits 1 (exit $rc)" test "$rc" = 1
expect "vmfuzz summary: each report's input salvaged from the panic's log (a cut one marked partial)" \
	bash -c "[ \"\$(od -An -tx1 '$P/salvaged/1' | tr -d ' ')\" = 01ff03 ] &&
		grep -qx 'UBSAN: array-index-out-of-bounds in mtty.c:383:34' '$P/salvaged/1.report' &&
		[ \"\$(od -An -tx1 '$P/salvaged/2.partial' | tr -d ' ')\" = 0a0b ] &&
		grep -q '^Oops: general protection fault' '$P/salvaged/2.report'"
expect "vmfuzz summary: fuzz-stats.json says the guest panicked" \
	grep -q '"guest": "panic", "execs": 2, "salvaged_inputs": 2, "kernel_log_reports": 3,' "$P/fuzz-stats.json"
expect "vmfuzz summary: a panic without the campaign's mark has no coverage members" \
	bash -c "grep -q '\"seconds_run\": null' '$P/fuzz-stats.json' && ! grep -q driver_pcs '$P/fuzz-stats.json'"
# The same with the campaign's mark, progress rows and new kernel PCs in the replayed log
# (the console may show a record twice: live and in the replay), after init's echo of the
# command that writes the mark, whose start is not a number yet.
Q=$W/vmfuzz-panic-kcov
rm -rf "$Q" && mkdir -p "$Q"
# shellcheck disable=SC2016 # the guest's command line, as init echoes it
printf '%s\r\n' '[vm] extra: resume_stream -help=1; echo "<6>migcheck-fuzz: campaign kcov=guide start=$(cat /out/fuzz-start)" >/dev/kmsg' \
	'migcheck-fuzz: campaign kcov=guide start=1000' \
	'migcheck-kcov: 0 # range mtty 0xffffffffa0018000 0xffffffffa002eab5 load 0xffffffffa0018000' \
	'migcheck-fuzz: resume_stream len=1 hex=0a' \
	'migcheck-kcov: 1005 0xffffffffa0018010 mtty mtty_open+0x10' \
	'migcheck-kcov: 1005 0xffffffffa0018010 mtty mtty_open+0x10' \
	'migcheck-fuzz: progress 5 1 40' 'migcheck-fuzz: progress 5 1 40' \
	'migcheck-fuzz: resume_stream len=2 hex=0a0b' \
	'migcheck-kcov: 1009 0xffffffffa0018020 mtty mtty_ioctl+0x4' \
	'migcheck-kcov: 1009 0xffffffff81000000 vmlinux vfio_ioctl+0x1' \
	'migcheck-fuzz: progress 9 2 55' \
	'UBSAN: array-index-out-of-bounds in mtty.c:383:34' \
	'Kernel panic - not syncing: Fatal exception' >"$Q/serial.log"
"$REPO/vm/vmfuzz.sh" --summary resume_stream 600 "$Q" >"$Q/out" 2>&1
expect "vmfuzz summary: a panicked campaign's progress, inputs and driver PCs from the replayed log" \
	grep -q '"seconds_run": 9$' "$Q/fuzz-stats.json"
expect "vmfuzz summary: ... the kernel PCs counted once each, the series from the mark's start" \
	bash -c "grep -q '\"inputs_run\": 2' '$Q/fuzz-stats.json' &&
		grep -q '\"kcov\": \"guide\", \"driver_module\": \"mtty\"' '$Q/fuzz-stats.json' &&
		grep -q '\"driver_pcs\": 2, \"kcov_pcs\": 3' '$Q/fuzz-stats.json' &&
		grep -q '\"kcov_series\": \[\[5, 1, 1\], \[9, 2, 3\]\]' '$Q/fuzz-stats.json' &&
		grep -q '\"exec_series\": \[\[5, 1, 40\], \[9, 2, 55\]\]' '$Q/fuzz-stats.json'"

# --- vmfuzz-guided.sh's judgement of a campaign, on fixture stats (tests/data/vmfuzz-guided) --
V=$REPO/tests/data/vmfuzz-guided
vg() { # vg NAME STATS [SEEDS' STATS]: vmfuzz-guided.sh judge, its output in $W/vg-NAME, its status echoed
	local n=$1
	shift
	"$REPO/vm/vmfuzz-guided.sh" judge "$@" >"$W/vg-$n" 2>&1
	echo $?
}
expect "vmfuzz-guided judge: a normal campaign, more features with the kernel's counters: ok" \
	test "$(vg normal "$V/normal/fuzz-stats.json")" = 0
expect "vmfuzz-guided judge: ... its figures in the ok line" \
	grep -q '^vmfuzz-guided-check: ok (3224 inputs, 230 driver PCs, 184 driver lines; 1608 features with the kernel.s counters, 335 without, on the final corpus)$' "$W/vg-normal"
expect "vmfuzz-guided judge: as many features without the kernel's counters: FAIL, exit 1" \
	test "$(vg nofb "$V/no-feedback/fuzz-stats.json")" = 1
expect "vmfuzz-guided judge: ... and says so" \
	grep -q 'FAIL: the final corpus has 335 features with the kernel.s counters, 335 without' "$W/vg-nofb"
expect "vmfuzz-guided judge: no feature count and no panic to explain it: FAIL, exit 1, no '?' compared" \
	bash -c "'$REPO/vm/vmfuzz-guided.sh' judge '$V/lost-ft/fuzz-stats.json' >'$W/vg-lost' 2>&1; [ \$? = 1 ] &&
		grep -q 'FAIL: no feature count of the final corpus' '$W/vg-lost' && ! grep -q '?' '$W/vg-lost'"
expect "vmfuzz-guided judge: a guest that panicked, no seed pass: INCONCLUSIVE, exit 2" \
	test "$(vg panic "$V/panic/fuzz-stats.json")" = 2
expect "vmfuzz-guided judge: ... the panic reported as a finding: the crash's line, the input running, how to replay it" \
	bash -c "grep -q '^FINDING: the guest.s kernel died during the campaign, after 75s and 2675 inputs: Oops: general protection fault' '$W/vg-panic' &&
		grep -q 'running when it died: $V/panic/salvaged/5\$' '$W/vg-panic' &&
		grep -q 'reproduce: make vmreplay KERNEL=debug TARGET=resume_stream INPUT=$V/panic/salvaged/5 ' '$W/vg-panic' &&
		grep -q 'INCONCLUSIVE: the kernel.s feedback is not judged' '$W/vg-panic' && ! grep -q 'FAIL' '$W/vg-panic'"
expect "vmfuzz-guided judge: a guest that panicked, the seed pass with more features with the kernel's counters: ok, exit 0" \
	test "$(vg panic-seeds "$V/panic/fuzz-stats.json" "$V/panic-seeds/fuzz-stats.json")" = 0
expect "vmfuzz-guided judge: ... the campaign's salvaged series judged, the features the seed pass's, the finding kept" \
	bash -c "grep -q '^vmfuzz-guided-check: ok (2675 inputs, 228 driver PCs, 183 driver lines; 1064 features with the kernel.s counters, 189 without, on the seed corpus' '$W/vg-panic-seeds' &&
		grep -q '^FINDING: ' '$W/vg-panic-seeds'"
expect "vmfuzz-guided judge: a guest that panicked, a seed pass with no more features with the kernel's counters: FAIL, exit 1" \
	test "$(vg panic-nofb "$V/panic/fuzz-stats.json" "$V/panic-seeds/no-feedback.json")" = 1
expect "vmfuzz-guided judge: a guest dead at its 3rd input, a seed pass that died too: INCONCLUSIVE, exit 2" \
	test "$(vg early "$V/panic-early/fuzz-stats.json" /dev/null)" = 2
expect "vmfuzz-guided judge: ... its campaign not judged (not failed), its finding reported" \
	bash -c "grep -q 'not judged: the campaign .*after 3 inputs, before it ran past its 32 seeds' '$W/vg-early' &&
		grep -q '^FINDING: .*after 3 inputs: BUG: KASAN: slab-out-of-bounds' '$W/vg-early' && ! grep -q FAIL '$W/vg-early'"
expect "vmfuzz-guided judge: a guest dead at its 3rd input, the seed pass judged: ok, exit 0" \
	test "$(vg early-seeds "$V/panic-early/fuzz-stats.json" "$V/panic-seeds/fuzz-stats.json")" = 0
expect "vmfuzz-guided judge: a bad call: usage, exit 2" \
	test "$(vg usage)" = 2

# --- vmfuzz-afl.sh's judgement of a report dir, on fixtures (tests/data/vmfuzz-afl) -------
va() { # va NAME: vmfuzz-afl.sh judge on a copy of the fixture NAME, its output in $W/va-NAME, its status echoed
	rm -rf "$W/va/$1" && mkdir -p "$W/va" && cp -r "$REPO/tests/data/vmfuzz-afl/$1" "$W/va/$1"
	MIGCHECK_HOST=$MC "$REPO/vm/vmfuzz-afl.sh" judge resume_stream "$W/va/$1" >"$W/va-$1" 2>&1
	echo $?
}
expect "vmfuzz-afl judge: more tuples with the kernel's coverage, afl-fuzz past its seeds: ok" \
	test "$(va ok)" = 0
expect "vmfuzz-afl judge: as many tuples without the kernel's coverage: FAIL, exit 1" \
	test "$(va no-feedback)" = 1
expect "vmfuzz-afl judge: ... for the seeds' maps and the queue's" \
	test "$(grep -c 'FAIL: the .* maps: [0-9]* tuples with the kernel.s coverage' "$W/va-no-feedback")" = 2
expect "vmfuzz-afl judge: a guest that panicked after the seeds' maps: the seeds judged, ok" \
	test "$(va panic)" = 0
expect "vmfuzz-afl judge: ... the panic a finding with its report line, the campaign not judged" \
	bash -c "grep -q '^FINDING: the guest.s kernel died during the AFL++ check: Oops: general protection fault' '$W/va-panic' &&
		grep -q 'not judged: how many inputs afl-fuzz ran' '$W/va-panic' && ! grep -q FAIL '$W/va-panic'"
expect "vmfuzz-afl judge: a guest that panicked before the seeds' maps: INCONCLUSIVE, exit 2" \
	test "$(va panic-early)" = 2
expect "vmfuzz-afl judge: ... said so, nothing failed, no missing figure compared" \
	bash -c "grep -q INCONCLUSIVE '$W/va-panic-early' && ! grep -q 'FAIL\|?' '$W/va-panic-early'"
expect "vmfuzz-afl judge: no log and no panic in serial.log: a rig error, exit 2" \
	bash -c "mkdir -p '$W/va/none' && '$REPO/vm/vmfuzz-afl.sh' judge resume_stream '$W/va/none' 2>&1 | grep -q 'shows no panic'"

# --- what make targets build on a fresh machine ------------------------------------------
expect "make bench builds the static migcheck its VM part boots" \
	bash -c "make -s -n -C '$REPO' bench BUILD='$W/nobuild' | grep -q -- '-o $W/nobuild/migcheck-static '"

# --- the installer, against stub dpkg-query / apt-get / id ------------------------------
B=$W/apt/bin
rm -rf "$W/apt"
mkdir -p "$B"
cat >"$B/dpkg-query" <<'EOF'
#!/bin/bash
# stub: "install ok installed [version]" for packages listed in $STUB/installed
pkg=${*: -1} ver=$(awk -v p="$pkg" '$1 == p { print $2 }' "$STUB/installed" 2>/dev/null)
[ -n "$ver" ] || exit 1
case "$*" in *Version*) echo "install ok installed $ver" ;; *) echo "install ok installed" ;; esac
EOF
cat >"$B/apt-get" <<'EOF'
#!/bin/bash
# stub: no lists until `update`; then installs anything but "nosuch" (as version 1.0)
echo "apt-get $*" >>"$STUB/log"
case " $* " in
*" update "*) touch "$STUB/lists"; exit 0 ;;
*" install "*)
	for a in "$@"; do
		case "$a" in -* | install) continue ;; esac
		if [ ! -e "$STUB/lists" ] || [ "${a%%=*}" = nosuch ]; then
			echo "E: Unable to locate package ${a%%=*}" >&2
			exit 100
		fi
	done
	for a in "$@"; do
		case "$a" in -* | install) ;; *) echo "${a%%=*} 1.0" >>"$STUB/installed" ;; esac
	done
	exit 0 ;;
esac
exit 1
EOF
printf '#!/bin/sh\necho 0\n' >"$B/id"
chmod +x "$B"/*
export STUB=$W/apt MC_APT_LOCK=$W/apt/lock
stubbed() { PATH=$B:$PATH "$@"; }
calls() { grep -c "apt-get $1" "$STUB/log" 2>/dev/null; }
reset_stub() { rm -f "$STUB/log" "$STUB/lists" "$STUB/installed"; }

reset_stub
stubbed "$REPO/tools/apt-install.sh" foo bar >"$W/apt/out" 2>&1
expect "apt-install: no apt lists: installed after one apt-get update" \
	test "$(calls install),$(calls update),$(sort "$STUB/installed" | tr '\n' ' ')" = "2,1,bar 1.0 foo 1.0 "
: >"$STUB/log"
stubbed "$REPO/tools/apt-install.sh" foo bar=1.0 >"$W/apt/out" 2>&1
expect "apt-install: installed packages (also pkg=version): no apt-get at all" test ! -s "$STUB/log"
reset_stub
stubbed "$REPO/tools/apt-install.sh" foo nosuch >"$W/apt/out" 2>&1
rc=$?
expect "apt-install: an unknown package: exit 2 after one update (exit $rc)" \
	test "$rc,$(calls update)" = "2,1"
expect "apt-install: an unknown package is named" grep -q 'error: apt-get install foo nosuch failed' "$W/apt/out"

for t in deps fuzz-deps report-deps; do
	reset_stub
	stubbed make -s -C "$REPO" "$t" DEB_PKGS=mk-$t FUZZ_DEB_PKGS=mk-$t REPORT_DEB_PKGS=mk-$t \
		>"$W/apt/out" 2>&1
	expect "make $t: installs through tools/apt-install.sh (update once, retry)" \
		test "$(calls update),$(cat "$STUB/installed" 2>/dev/null)" = "1,mk-$t 1.0"
done
reset_stub
# shellcheck disable=SC2016 # expanded by the inner shell
stubbed bash -c '. "$1/vm/lib.sh" && apt_install rigpkg=1.0' _ "$REPO" >"$W/apt/out" 2>&1
expect "vm/lib.sh apt_install: installs through tools/apt-install.sh (update once, retry)" \
	test "$(calls update),$(cat "$STUB/installed" 2>/dev/null)" = "1,rigpkg 1.0"
others=$(cd "$REPO" && grep -rlE 'apt-get( -[a-zA-Z]+)* install( -[a-zA-Z]+)* -y' \
	Makefile ./*.mk vm fuzz bench tests tools .ci 2>/dev/null | grep -v '^tools/apt-install.sh$')
expect "one installer: no other script runs apt-get to install (found: ${others//$'\n'/ })" test -z "$others"

# --- the debug kernel's knob, without building it ------------------------------------------
rm -rf "$W/debug" && mkdir -p "$W/debug/kdir"
D=$W/debug
# A .config that satisfies the fragment: its options as kconfig writes them.
sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)$/\1/p' -e 's/^\(# CONFIG_[A-Za-z0-9_]* is not set\)$/\1/p' \
	"$REPO/vm/debug.config" >"$D/good.config"
expect "debug.config: a .config with every option passes the check" \
	"$REPO/vm/build-debug-kernel.sh" --check "$D/good.config"
grep -v '^CONFIG_KASAN_INLINE=' "$D/good.config" >"$D/dropped.config"
"$REPO/vm/build-debug-kernel.sh" --check "$D/dropped.config" >"$D/out" 2>&1
rc=$?
expect "debug.config: an option merge_config dropped fails the check, named (exit $rc)" \
	test "$rc,$(grep -c 'CONFIG_KASAN_INLINE=y (got n)' "$D/out")" = "2,1"
sed 's/^# CONFIG_UBSAN_TRAP is not set$/CONFIG_UBSAN_TRAP=y/' "$D/good.config" >"$D/on.config"
"$REPO/vm/build-debug-kernel.sh" --check "$D/on.config" >"$D/out" 2>&1
rc=$?
expect "debug.config: an option the fragment turns off, on in .config, fails (exit $rc)" \
	test "$rc,$(grep -c 'CONFIG_UBSAN_TRAP=n (got y)' "$D/out")" = "2,1"
: >"$D/kdir/vmlinuz"
printf 'KABI=k-debug\nKPKGVER=1\nKDIR=%s\nHEADERS_DIR=%s/tree\nKFLAVOUR=debug\nKRELEASE=6.12-mcdebug\n' \
	"$D/kdir" "$D/kdir" >"$D/current-kernel-debug.env"
# shellcheck disable=SC2016 # expanded by the inner shell
got=$(MC_CACHE=$D KERNEL=debug bash -c '. "$1/vm/lib.sh" && load_kernel_env &&
	echo "$KABI $KFLAVOUR $HEADERS_DIR $KRELEASE"' _ "$REPO" 2>&1)
expect "KERNEL=debug: load_kernel_env reads the debug kernel's record ($got)" \
	test "$got" = "k-debug debug $D/kdir/tree 6.12-mcdebug"
# shellcheck disable=SC2016 # expanded by the inner shell
MC_CACHE=$D KERNEL=bogus bash -c '. "$1/vm/lib.sh" && load_kernel_env' _ "$REPO" >"$D/out" 2>&1
rc=$?
expect "KERNEL=bogus: a rig error (exit $rc)" test "$rc" = 2
expect "KERNEL=bogus: named" grep -q 'KERNEL=bogus: expected production or debug' "$D/out"
make -n -s -C "$REPO" vm-prepare KERNEL=debug >"$D/make-debug" 2>&1
make -n -s -C "$REPO" vm-prepare >"$D/make-prod" 2>&1
expect "make vm-prepare KERNEL=debug builds the debug kernel, the default does not" \
	test "$(grep -c build-debug-kernel.sh "$D/make-debug"),$(grep -c build-debug-kernel.sh "$D/make-prod")" = "1,0"
make -n -s -C "$REPO" vmcheck KERNEL=debug >"$D/make-debug" 2>&1
expect "make vmcheck KERNEL=debug compares with vm/EXPECTED-mtty-debug.json" \
	grep -q 'check.sh .*EXPECTED-mtty-debug.json' "$D/make-debug"

# --- the two access paths (group/container, cdev/iommufd) ------------------------------
A=$W/access
rm -rf "$A" && mkdir -p "$A/src/cdev" "$A/out"
# A minimal report of one run through access path $1, with err.fault:STOP's verdict $2.
mkreport() {
	printf '{"run":{"only":null},"device":{"spec":"%s","access":"%s","driver":"mtty",
"type":"mtty-2","flags":7},"clauses":[{"id":"ERR-02","status":"%s"}],
"cases":[{"id":"fsm.pair:STOP->RUNNING","status":"pass"},{"id":"err.fault:STOP","status":"%s"}]}\n' \
		"spec-$1" "$1" "$2" "$2"
}
mkreport group/container pass >"$A/src/report.json"
mkreport cdev/iommufd pass >"$A/src/cdev/report.json"
echo both >"$A/src/vm-access"
echo 'ok 0' >"$A/src/vm-status"
echo 'ok 0' >"$A/src/cdev/vm-status"
tar -cf "$A/results.img" -C "$A/src" . && truncate -s 1M "$A/results.img"
(. "$REPO/vm/lib.sh" && results_extract "$A/results.img" "$A/out") 2>"$A/extract.err"
expect "results tar with a cdev/ subdir: both runs' reports are extracted" \
	cmp -s "$A/src/cdev/report.json" "$A/out/cdev/report.json"
compare() { # compare DIR: access_paths_compare's status, its output in DIR.err
	# shellcheck disable=SC2016 # expanded by the inner shell
	bash -c '. "$1/vm/lib.sh" && access_paths_compare "$2" "$3"' _ "$REPO" "$MC" "$1" \
		>"$1.err" 2>&1
}
compare "$A/out"
rc=$?
expect "access paths: two runs with the same verdicts agree (exit $rc)" \
	test "$rc,$(head -c 6 "$A/out/access-paths.txt" 2>/dev/null)" = "0,agree:"
mkreport cdev/iommufd fail >"$A/out/cdev/report.json"
compare "$A/out"
rc=$?
expect "access paths: one verdict apart is a finding, exit 1 (exit $rc)" test "$rc" = 1
expect "access paths: the difference is written to access-paths.txt" \
	grep -q '^case err.fault:STOP: group/container pass, cdev/iommufd fail$' "$A/out/access-paths.txt"
expect "access paths: and printed" grep -q 'access paths: clause ERR-02: group/container pass' \
	"$A/out.err"
rm "$A/out/cdev/report.json"
compare "$A/out"
rc=$?
expect "access paths: a missing cdev report is a rig error (exit $rc)" \
	test "$rc,$(grep -c 'cdev/report.json is missing' "$A/out.err")" = "2,1"
echo group >"$A/out/vm-access"
compare "$A/out"
rc=$?
expect "access paths: one path ran, nothing to compare (exit $rc)" test "$rc" = 0
mkdir -p "$A/kdir"
echo '# CONFIG_IOMMUFD is not set' >"$A/kdir/config"
access() { # access VM_ACCESS: vm_access_paths against $A/kdir/config, output in $A/acc
	# shellcheck disable=SC2016 # expanded by the inner shell
	VM_ACCESS=$1 bash -c '. "$1/vm/lib.sh" && KDIR=$2 KFLAVOUR=production vm_access_paths' \
		_ "$REPO" "$A/kdir" >"$A/acc" 2>&1
}
access cdev
rc=$?
expect "VM_ACCESS=cdev on a kernel without iommufd: a rig error naming what lacks (exit $rc)" \
	test "$rc,$(grep -c 'lacks CONFIG_IOMMUFD CONFIG_VFIO_DEVICE_CDEV' "$A/acc")" = "2,1"
access auto
rc=$?
expect "VM_ACCESS=auto on that kernel: group only, as before (exit $rc)" test "$rc,$(cat "$A/acc")" = "0,group"
access sideways
rc=$?
expect "VM_ACCESS=sideways: a rig error (exit $rc)" \
	test "$rc,$(grep -c 'expected group, cdev, both or auto' "$A/acc")" = "2,1"
printf 'CONFIG_IOMMUFD=y\nCONFIG_VFIO_DEVICE_CDEV=y\n' >"$A/kdir/config"
access auto
rc=$?
expect "VM_ACCESS=auto on a kernel with cdev/iommufd: both paths (exit $rc)" test "$rc,$(cat "$A/acc")" = "0,both"
access group
rc=$?
expect "VM_ACCESS=group there: group only (exit $rc)" test "$rc,$(cat "$A/acc")" = "0,group"
make -n -s -C "$REPO" check >"$A/make-check" 2>&1
expect "make check runs the debug kernel's rig check (vmcheck KERNEL=debug)" \
	grep -q 'vmcheck KERNEL=debug' "$A/make-check"

# --- vmmutants: a kernel-report variant's verdict from its report.json, without a VM -------
M=$W/vmmutants
rm -rf "$M" && mkdir -p "$M"
# report.json as the runner writes it: a case's id, clause, status, detail on lines of their own
rcase() { # rcase ID CLAUSE STATUS DETAIL(JSON-escaped)
	printf '    {\n      "id": "%s",\n      "clause": "%s",\n      "status": "%s",\n      "detail": "%s",\n      "oplog": []\n    },\n' "$@"
}
{
	echo '{ "cases": ['
	rcase res.corrupt.sample RES-04 pass '32 flips\nkernel log report (ubsan): 3,1486: UBSAN: invalid-load in mtty.c:539:27\n  | 3,1487: load of value 128'
	rcase rob.outlive ROB-03 pass 'ENODEV\nkernel log report (kasan): 3,2060: BUG: KASAN: slab-use-after-free in mtty_save_read+0xc8/0x27a [mtty]'
	rcase rob.klog ROB-01 fail 'kernel log reports during the run (5), by case or phase:\npreflight (opening the device) (lockdep): 4,275: WARNING: bad unlock balance detected!\n  | 4,278: migcheck/68 is trying to release lock (\u0026mdev_state->state_mutex) at:\nkmemleak scan after the LOG cases (kmemleak): unreferenced object 0xffff888006c1e0a0 (size 16):\n  | comm \"migcheck\", pid 255, jiffies 4294902 (age 9.8s)\nno.such.case (kfence): 3,99: BUG: KFENCE: use-after-free read in x\nres.corrupt.sample (ubsan): 3,1486: UBSAN: invalid-load in mtty.c:539:27\nrob.outlive (kasan): 3,2060: BUG: KASAN: slab-use-after-free in mtty_save_read+0xc8/0x27a [mtty]'
	echo '    {}],'
	# the complete list (ROB-01's detail is bounded): a report only it has
	printf '  "kernel_reports": [\n    {\n      "kind": "hung_task",\n      "phase": "reference-save (saving the reference stream)",\n      "first_lines": [\n        "3,7: INFO: task migcheck:9 blocked for more than 120 seconds."\n      ]\n    }\n  ]\n}\n'
} >"$M/report.json"
sed 's/"status": "fail"/"status": "pass"/' "$M/report.json" >"$M/rob-pass.json"
printf '# upstream\nubsan\tres.corrupt.sample\n' >"$M/base.klog"
judge() { "$REPO/vm/mutants.sh" --judge "$1" "$M/base.klog" "${2:-$M/report.json}" 2>&1; }
expect "vmmutants: the kernel reports of a report.json, by kind and case or phase" test \
	"$("$REPO/vm/mutants.sh" --klog-pairs "$M/report.json" 2>&1 | tr '\t\n' '@;')" = \
	"hung_task@reference-save (saving the reference stream);kasan@rob.outlive;kfence@no.such.case;kmemleak@kmemleak scan after the LOG cases;lockdep@preflight (opening the device);ubsan@res.corrupt.sample;"
expect "vmmutants: a KASAN report charged to a case catches a kasan variant" \
	test "$(judge kasan)" = "caught kasan@rob.outlive"
expect "vmmutants: a lockdep report in the preflight catches a lockdep variant" \
	test "$(judge lockdep)" = "caught lockdep@preflight (opening the device)"
expect "vmmutants: a leak found by a kmemleak scan catches a kmemleak variant" \
	test "$(judge kmemleak)" = "caught kmemleak@kmemleak scan after the LOG cases"
expect "vmmutants: a report upstream mtty has too catches nothing" \
	test "$(judge ubsan)" = "ESCAPED: no new ubsan report charged to a case or phase"
expect "vmmutants: a report charged to no case or phase of the run catches nothing" \
	test "$(judge kfence)" = "ESCAPED: no new kfence report charged to a case or phase (charged to unknown places: kfence@no.such.case)"
expect "vmmutants: a report only report.json's kernel_reports lists catches its kind" \
	test "$(judge hung_task)" = "caught hung_task@reference-save (saving the reference stream)"
expect "vmmutants: a kind with no report catches nothing" \
	test "$(judge rcu_stall)" = "ESCAPED: no new rcu_stall report charged to a case or phase"
expect "vmmutants: a new report while ROB-01 passes catches nothing" \
	test "$(judge kasan "$M/rob-pass.json")" = "ESCAPED: a new kasan report ( kasan@rob.outlive ) but ROB-01 is pass"
# Under Debian's kernel a debug-kernel variant is listed and not booted.
mkdir -p "$M/cache/kdir" "$M/cache/src/1"
: >"$M/cache/kdir/vmlinuz"
: >"$M/expected.json"
echo 'int x;' >"$M/cache/src/1/mtty.c"
printf 'KABI=k\nKPKGVER=1\nKDIR=%s\n' "$M/cache/kdir" >"$M/cache/current-kernel.env"
MC_CACHE=$M/cache KERNEL='' VMMUTANTS_DIR=$M/work "$REPO/vm/mutants.sh" /bin/true "$M/expected.json" \
	uaf_outlive_read unlock_close alloc_fail_state >"$M/out" 2>&1
rc=$?
expect "vmmutants: debug-kernel variants (reports, and a clause mutant only fault injection shows) under Debian's kernel: not run, exit 0 (exit $rc)" \
	test "$rc,$(grep -c 'not run *needs KERNEL=debug' "$M/out")" = "0,6"
expect "vmmutants: ... and counted apart" \
	grep -q 'kernel-report variants caught by their report: 0/0 (3 not run: they need another KERNEL)' "$M/out"

if [ "$failures" -gt 0 ]; then
	echo "rig-check: $failures failure(s)"
	exit 1
fi
echo "rig-check: all passed"

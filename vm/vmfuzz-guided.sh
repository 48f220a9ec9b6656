#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Kernel-coverage-guided fuzzing on the debug kernel (vm/vmfuzz.sh with KCOV=...):
#   bench <target> <seconds>   the same campaign unguided (KCOV=measure: the driver's PCs
#                              recorded, not fed to libFuzzer) then guided (KCOV=guide), one
#                              boot each; prints "bench vm:guided ... ratio X", X = driver
#                              PCs reached guided / unguided (bench/run.sh, BENCH_GUIDED)
#   check <target> <seconds>   one guided campaign, judged as below (make vmfuzz-guided-check)
#   judge <stats> [<seeds' stats>]   the judgement alone, on a campaign's fuzz-stats.json
#                              (and a seed pass's, see below), without a VM (make rig-check's
#                              fixtures, tests/data/vmfuzz-guided/)
# The judgement: the campaign must have fuzzed (more inputs run than the seed corpus holds,
# a progress series) and show the kernel's feedback reached libFuzzer: driver PCs > 0, a
# coverage series, the driver's lines symbolised (driver_lines, lines_series), and more
# features with the kernel's counters than without (ft_kernel > ft_no_kernel), counted on
# the final corpus after the campaign.
# A guest whose kernel dies during the campaign (oops=panic: an oops, a KASAN report that
# oopses, a hung task) is the driver's fault: a finding, never a failure of the check. It
# is reported as one: the crash's report line, the kernel report lines
# (kernel-reports.log), the inputs salvaged from the panic's log (salvaged/, the one that
# was running named) and the command that replays them (make vmreplay). The campaign's
# series survive the panic (vmfuzz.sh salvages them from serial.log) and are judged as
# usual; the final-corpus feature count does not (the corpus died with the guest), and
# the series cannot stand in for it: the kernel's PCs are recorded in KCOV=measure too, so
# they show the coverage was collected, not that it reached libFuzzer. So `check` boots
# once more for the seed pass: vmfuzz.sh with 0 seconds, no campaign, only the corpus pass
# over the committed seeds with and without the kernel's counters, and the feedback is
# judged on the seeds' features (the crasher is not among them). Only when that too brings
# no figures (its guest died as well) is the feedback not judged: INCONCLUSIVE, exit 2,
# which fails the CI gate, since a gate that passes whenever the kernel dies early would
# let a broken feedback path through unseen; the campaign criteria of a guest that died
# before it ran past its seeds are reported as not judged and do not fail it alone.
# A "?" is never compared: a missing figure is either a FAIL (no panic to explain it) or
# not judged (the panic explains it).
# Findings do not fail either: upstream mtty has known ones. Exit 0, 1 (check failed) or 2
# (a rig error, or inconclusive).
# Test hook, off by default: VMFUZZ_PANIC_ON_WARN=1 boots the campaign (not the seed pass)
# with panic_on_warn=1, so the driver's first UBSAN or KASAN report panics the guest and
# the path above runs for real (vm/vmfuzz.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 bench|check <target> <seconds> | judge <stats.json> [<seeds' stats.json>]" >&2; exit 2; }
case ${1:-} in
judge) [ $# = 2 ] || [ $# = 3 ] || usage ;;
*) [ $# = 3 ] || usage ;;
esac
what=$1 t=${2:-} secs=${3:-}
BUILD_DIR=$REPO_DIR/${BUILD:-build}
reports=$BUILD_DIR/vmfuzz/$t/reports
export KERNEL=debug REPLAY_MAX=${REPLAY_MAX:-0}

# A member of fuzz-stats.json (a number or null).
member() { sed -n "s/.*\"$2\": \\([0-9.]*\\|null\\).*/\\1/p" "$1" | head -1; }

# run <KCOV mode> [<seconds> <log name>]: one campaign; STATS is its fuzz-stats.json.
run() {
	local before dir s=${2:-$secs} log=$BUILD_DIR/vmfuzz-$t-${3:-$1}.log
	mkdir -p "$reports"
	before=$(find "$reports" -maxdepth 1 -name 'vm-2*' -type d | sort | tail -1)
	KCOV=$1 "$VM_DIR/vmfuzz.sh" "$t" "$s" >"$log" 2>&1 || true
	dir=$(find "$reports" -maxdepth 1 -name 'vm-2*' -type d | sort | tail -1)
	if [ -z "$dir" ] || [ "$dir" = "$before" ] || [ ! -s "$dir/fuzz-stats.json" ]; then
		die "vmfuzz $t KCOV=$1 brought back no fuzz-stats.json ($log)"
	fi
	STATS=$dir/fuzz-stats.json
	# A guest that brought nothing back and left no campaign in its log: no figures to compare.
	if grep -q '"guest": "lost"' "$STATS" && [ "$(member "$STATS" execs)" = 0 ]; then
		die "vmfuzz $t KCOV=$1: the guest brought nothing back and ran no input ($(cat "$dir/vm-status" 2>/dev/null || echo "no vm-status"); $log)"
	fi
	note "KCOV=$1: $STATS"
}

# finding <report dir>: a guest whose kernel died, reported as the driver's finding.
finding() {
	local d=$1 st=$1/fuzz-stats.json why n=0 at="" f r
	why=$(panic_cause "$d/kernel-reports.log" "$d/serial.log")
	# The input that was running: the salvaged one whose report line is the crash's, else
	# the last salvaged.
	for r in "$d"/salvaged/*.report; do
		[ -f "$r" ] || continue
		n=$((n + 1))
		f=${r%.report}
		[ -f "$f" ] || f=$f.partial
		if [ -z "$at" ] && [ -n "$why" ] && grep -qxF "$why" "$r"; then at=$f; fi
	done
	[ -n "$at" ] || at=$(find "$d/salvaged" -maxdepth 1 -type f ! -name '*.report' 2>/dev/null | sort -V | tail -1)
	local sr
	sr=$(member "$st" seconds_run)
	echo "FINDING: the guest's kernel died during the campaign, after $(num "$sr" && echo "${sr}s and ")$(member "$st" inputs_run) inputs: ${why:-no report line before the panic}"
	echo "  kernel report lines: $(member "$st" kernel_log_reports) in $d/kernel-reports.log (serial log $d/serial.log)"
	if [ -n "$at" ]; then
		echo "  inputs salvaged: $n in $d/salvaged/; running when it died: $at"
		echo "  reproduce: make vmreplay KERNEL=debug TARGET=$t INPUT=$at   (all of them: INPUT=$d/salvaged)"
	else
		echo "  no input salvaged: the panic's log holds no input note before a report line"
	fi
}

# judge <stats> [<seeds' stats>]: the check's verdict; exit 0 ok, 1 FAIL, 2 INCONCLUSIVE.
judge() {
	local st=$1 sst=${2:-} d ok=1 panic=0 early=0 seeds ran pcs lines fk fh src
	d=$(dirname "$st")
	t=$(sed -n 's/.*"target": "\([a-z_]*\)".*/\1/p' "$st" | head -1)
	[ -d "$REPO_DIR/corpus/$t" ] || die "$st: no target, or no corpus/$t"
	grep -q '"guest": "panic"' "$st" && panic=1
	seeds=$(find "$REPO_DIR/corpus/$t" -type f | wc -l) ran=$(member "$st" inputs_run)
	pcs=$(member "$st" driver_pcs) lines=$(member "$st" driver_lines)
	if [ "$panic" = 1 ]; then
		finding "$d"
		# Dead before it ran past its seeds: the campaign's criteria have nothing to judge.
		if ! { num "$ran" && [ "$ran" -gt "$seeds" ]; }; then early=1; fi
	fi
	if [ "$early" = 1 ]; then
		note "not judged: the campaign (progress, driver PCs, coverage series, driver lines): the guest died after ${ran:-no} inputs, before it ran past its $seeds seeds"
	else
		if ! { num "$ran" && [ "$ran" -gt "$seeds" ] && grep -q '"exec_series": \[\[' "$st"; }; then
			note "FAIL: the campaign ran ${ran:-no} inputs, no more than its $seeds seeds (see $d/extra-$t.log)"
			ok=0
		fi
		if ! { num "$pcs" && [ "$pcs" -gt 0 ]; }; then
			note "FAIL: no driver PC reached (driver_pcs ${pcs:-none})"
			ok=0
		fi
		grep -q '"kcov_series": \[\[' "$st" || { note "FAIL: no kernel coverage series"; ok=0; }
		if ! { grep -q '"lines_series": \[\[' "$st" && num "$lines"; }; then
			note "FAIL: the driver's lines were not symbolised (driver_lines ${lines:-none}, see $d/fuzz-coverage/coverage.log)"
			ok=0
		fi
	fi
	fk=$(member "$st" ft_kernel) fh=$(member "$st" ft_no_kernel) src="the final corpus"
	if ! { num "$fk" && num "$fh"; } && [ "$panic" = 1 ] && [ -n "$sst" ]; then
		fk=$(member "$sst" ft_kernel) fh=$(member "$sst" ft_no_kernel)
		src="the seed corpus (a second boot: the campaign's corpus died with the guest; $sst)"
	fi
	if num "$fk" && num "$fh"; then
		[ "$fk" -gt "$fh" ] ||
			{ note "FAIL: $src has $fk features with the kernel's counters, $fh without: the kernel's feedback did not reach libFuzzer"; ok=0; }
	elif [ "$panic" = 1 ]; then
		note "INCONCLUSIVE: the kernel's feedback is not judged: the guest died before the final corpus was counted, and ${sst:+the seed pass brought no feature count either ($sst)}${sst:-no seed pass was run}"
		[ "$ok" = 1 ] && ok=2
	else
		note "FAIL: no feature count of the final corpus with and without the kernel's counters (ft_kernel ${fk:-none}, ft_no_kernel ${fh:-none}) and no panic to explain it: see $d/kcov-ft.log"
		ok=0
	fi
	case $ok in
	0) exit 1 ;;
	2) exit 2 ;;
	esac
	echo "vmfuzz-guided-check: ok ($([ "$early" = 1 ] && echo "campaign not judged: the guest died after ${ran:-no} inputs" ||
		echo "$ran inputs, $pcs driver PCs, $lines driver lines"); $fk features with the kernel's counters, $fh without, on $src)$([ "$panic" = 0 ] || echo "; the guest's kernel died: a finding, above")"
}

case $what in
bench)
	run measure
	u=$STATS
	run guide
	g=$STATS
	awk -v t="$t" -v s="$secs" -v gd="$(member "$g" driver_pcs)" -v ud="$(member "$u" driver_pcs)" \
		-v ga="$(member "$g" kcov_pcs)" -v ua="$(member "$u" kcov_pcs)" \
		-v ge="$(member "$g" inputs_run)" -v ue="$(member "$u" inputs_run)" \
		-v gs="$(member "$g" seconds_run)" -v us="$(member "$u" seconds_run)" \
		-v gf="$(member "$g" distinct_findings)" -v uf="$(member "$u" distinct_findings)" \
		-v gc="$(member "$g" corpus_size)" -v uc="$(member "$u" corpus_size)" \
		-v gl="$(member "$g" driver_lines)" -v ul="$(member "$u" driver_lines)" \
		-v gp="$(grep -c '"guest": "panic"' "$g")" -v up="$(grep -c '"guest": "panic"' "$u")" \
		-v gk="$(member "$g" kernel_log_reports)" -v uk="$(member "$u" kernel_log_reports)" 'BEGIN {
		lines = gl != "" && gl != "null" ? sprintf("; driver lines %d vs %d", gl, ul) : ""
		# A guest that panicked (mtty corrupts its own state) ends its campaign there: its
		# finding is the panic, its figures are those up to it.
		gw = gp ? sprintf("the guest panicked after %ds (%d kernel report lines)", gs, gk) : sprintf("%d", gf)
		uw = up ? sprintf("the guest panicked after %ds (%d kernel report lines)", us, uk) : sprintf("%d", uf)
		printf "bench vm:guided %s %ss on mtty (debug kernel): driver PCs %d guided vs %d unguided, ratio %.2f%s; driver+mdev+VFIO core PCs %d vs %d; inputs %d vs %d, exec/s %.2f vs %.2f; findings %s vs %s; corpus %s vs %s\n",
			t, s, gd, ud, (ud > 0 ? gd / ud : 0), lines, ga, ua, ge, ue, ge / (gs > 0 ? gs : s),
			ue / (us > 0 ? us : s), gw, uw, (gp ? "-" : gc), (up ? "-" : uc) }'
	;;
check)
	run guide
	camp=$STATS seedst=""
	# The guest died before counting the final corpus: the seed pass, on a boot of its own
	# without the test hook.
	if grep -q '"guest": "panic"' "$camp" && ! num "$(member "$camp" ft_kernel)"; then
		note "the guest died during the campaign: one more boot for the seeds' features with and without the kernel's counters"
		if (unset VMFUZZ_PANIC_ON_WARN && run guide 0 guide-seeds && echo "$STATS" >"$BUILD_DIR/vmfuzz-$t-seeds.stats"); then
			seedst=$(cat "$BUILD_DIR/vmfuzz-$t-seeds.stats")
		else
			seedst=/dev/null
		fi
	fi
	judge "$camp" ${seedst:+"$seedst"}
	;;
judge)
	judge "$2" ${3:+"$3"}
	;;
*)
	die "unknown command '$what' (bench, check or judge)"
	;;
esac

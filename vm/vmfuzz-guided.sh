#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Kernel-coverage-guided fuzzing on the debug kernel (vm/vmfuzz.sh with KCOV=...):
#   bench <target> <seconds>   the same campaign unguided (KCOV=measure: the driver's PCs
#                              recorded, not fed to libFuzzer) then guided (KCOV=guide), one
#                              boot each; prints "bench vm:guided ... ratio X", X = driver
#                              PCs reached guided / unguided (bench/run.sh, BENCH_GUIDED)
#   check <target> <seconds>   one guided campaign that must have fuzzed (more inputs run
#                              than the seed corpus holds, a progress series) and show the
#                              kernel's feedback reached libFuzzer: driver PCs > 0, a
#                              coverage series, the driver's lines symbolised
#                              (driver_lines, lines_series), and
#                              more features on the final corpus with the kernel's counters
#                              than without (make vmfuzz-guided-check)
# Findings do not fail either: upstream mtty has known ones. Exit 0, 1 (check failed) or 2.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# = 3 ] || { echo "usage: $0 bench|check <target> <seconds>" >&2; exit 2; }
what=$1 t=$2 secs=$3
BUILD_DIR=$REPO_DIR/${BUILD:-build}
reports=$BUILD_DIR/vmfuzz/$t/reports
export KERNEL=debug REPLAY_MAX=${REPLAY_MAX:-0}

# A member of fuzz-stats.json (a number or null).
member() { sed -n "s/.*\"$2\": \\([0-9.]*\\|null\\).*/\\1/p" "$1" | head -1; }

# run <KCOV mode>: one campaign; STATS is its fuzz-stats.json.
run() {
	local before dir log=$BUILD_DIR/vmfuzz-$t-$1.log
	mkdir -p "$reports"
	before=$(find "$reports" -maxdepth 1 -name 'vm-2*' -type d | sort | tail -1)
	KCOV=$1 "$VM_DIR/vmfuzz.sh" "$t" "$secs" >"$log" 2>&1 || true
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
	pcs=$(member "$STATS" driver_pcs) fk=$(member "$STATS" ft_kernel) fh=$(member "$STATS" ft_no_kernel)
	ok=1
	seeds=$(find "$REPO_DIR/corpus/$t" -type f | wc -l) ran=$(member "$STATS" inputs_run)
	[ "${ran:-0}" -gt "$seeds" ] && grep -q '"exec_series": \[\[' "$STATS" ||
		{ note "FAIL: the campaign ran ${ran:-no} inputs, no more than its $seeds seeds (see $(dirname "$STATS")/extra-$t.log)"; ok=0; }
	[ "${pcs:-0}" -gt 0 ] || { note "FAIL: no driver PC reached (driver_pcs ${pcs:-none})"; ok=0; }
	grep -q '"kcov_series": \[\[' "$STATS" || { note "FAIL: no kernel coverage series"; ok=0; }
	lines=$(member "$STATS" driver_lines)
	grep -q '"lines_series": \[\[' "$STATS" && [ "${lines:-null}" != null ] ||
		{ note "FAIL: the driver's lines were not symbolised (driver_lines ${lines:-none}, see fuzz-coverage/coverage.log)"; ok=0; }
	if [ "$fk" = null ] || [ "$fh" = null ] || [ -z "$fk" ] || [ "$fk" -le "$fh" ]; then
		note "FAIL: the final corpus has ${fk:-?} features with the kernel's counters, ${fh:-?} without: the kernel's feedback did not reach libFuzzer"
		ok=0
	fi
	note "guided campaign: $pcs driver PCs, $lines driver lines, features $fk with the kernel's counters vs $fh without"
	[ "$ok" = 1 ] || exit 1
	echo "vmfuzz-guided-check: ok ($ran inputs, $pcs driver PCs, $lines driver lines; $fk features with the kernel's counters, $fh without)"
	;;
*)
	die "unknown command '$what' (bench or check)"
	;;
esac

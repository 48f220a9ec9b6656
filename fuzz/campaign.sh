#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fuzzing campaigns for fuzz/fuzz.mk: libFuzzer, AFL++ (-M/-S on one sync directory),
# crash minimisation and the smoke runs of `make fuzz-check`. Every campaign leaves
# $MC_OUT/<target>[-afl]/stats.json (execs, exec/s, coverage, corpus, crashes, seconds).
# Usage: campaign.sh libfuzzer|afl|minimize|smoke, configured by the MC_* variables that
# fuzz.mk passes (MC_BUILD MC_TARGET MC_SECONDS MC_JOBS MC_MERGE MC_ENGINE MC_INPUT
# MC_SAVE MC_OUT MC_FUZZ_DIR MC_LF_DIR MC_PARSER_TARGETS).
set -euo pipefail

mode=${1:?usage: campaign.sh libfuzzer|afl|minimize|smoke}
build=${MC_BUILD:-build}
fdir=${MC_FUZZ_DIR:-fuzz}
outroot=${MC_OUT:-$build/fuzz-out}
seconds=${MC_SECONDS:-60}
jobs=${MC_JOBS:-1}
device=${MIGCHECK_FUZZ_DEVICE:-sim:flags=7:mem=4096}
# The device of target $1: "none" for a parser target (MC_PARSER_TARGETS, fuzz.mk's list).
dev_of() { case " ${MC_PARSER_TARGETS:-} " in *" $1 "*) echo none ;; *) echo "$device" ;; esac; }

die() { echo "campaign: $*" >&2; exit 2; }

# max_len from fuzz/<t>.options (the OSS-Fuzz file), for libFuzzer's command line.
max_len() { sed -n 's/^max_len *= *//p' "$fdir/$1.options" 2>/dev/null | head -n1; }

# A fresh copy of corpus/<t> (the seeds, without README files) in $2.
copy_corpus() {
	rm -rf "$2" && mkdir -p "$2"
	find "corpus/$1" -maxdepth 1 -type f ! -name 'README*' -exec cp {} "$2"/ \;
}

count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

# libFuzzer's log -> stats.json. $1 target $2 dir (log, corpus/, artifacts/) $3 seconds.
lf_stats() {
	local t=$1 d=$2 secs=$3 execs rate cov ft crashes
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -n1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log" | tail -n1)
	cov=$(grep -o 'cov: [0-9]*' "$d/log" | tail -n1 | tr -dc 0-9)
	ft=$(grep -o 'ft: [0-9]*' "$d/log" | tail -n1 | tr -dc 0-9)
	# -fork mode prints no final stats: its progress lines "#N: cov: ..." carry the count.
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$d/log" | tail -n1 | tr -dc 0-9)
	execs=${execs:-0}
	if [ "${rate:-0}" = 0 ] && [ "$secs" -gt 0 ]; then rate=$((execs / secs)); fi
	crashes=$(find "$d/artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | wc -l)
	printf '{"engine": "libfuzzer", "target": "%s", "device": "%s", "seconds": %s, "execs": %s, "exec_per_sec": %s, "cov": %s, "ft": %s, "corpus_size": %s, "crashes": %s}\n' \
		"$t" "$(dev_of "$t")" "$secs" "$execs" "${rate:-0}" "${cov:-0}" "${ft:-0}" \
		"$(count_files "$d/corpus")" "$crashes" > "$d/stats.json"
}

# One libFuzzer run of target $1 in dir $2 for $3 seconds; extra args follow.
lf_run() {
	local t=$1 d=$2 secs=$3 bin=$build/${MC_LF_DIR:-fuzz-lf}/$1 ml start rc=0
	shift 3
	[ -x "$bin" ] || die "$bin is not built"
	mkdir -p "$d/artifacts"
	ml=$(max_len "$t")
	start=$(date +%s)
	"$bin" -max_total_time="$secs" -print_final_stats=1 -dict="$fdir/$t.dict" \
		${ml:+-max_len=$ml} -artifact_prefix="$d/artifacts/" "$@" "$d/corpus" \
		> "$d/log" 2>&1 || rc=$?
	lf_stats "$t" "$d" "$(( $(date +%s) - start ))"
	return $rc
}

case $mode in
libfuzzer)
	t=${MC_TARGET:?}
	d=$outroot/$t
	copy_corpus "$t" "$d/corpus"
	extra=()
	[ "$jobs" -gt 1 ] && extra=(-fork="$jobs" -ignore_crashes=1)
	echo "libFuzzer: $t on $(dev_of "$t") for ${seconds}s (${jobs} job(s)), output in $d"
	rc=0
	lf_run "$t" "$d" "$seconds" "${extra[@]}" || rc=$?
	grep -E '^(FINDING|  [A-Z]+-[0-9]+:)' "$d/log" | head -n 20 || true
	cat "$d/stats.json"
	if [ "${MC_MERGE:-0}" = 1 ]; then
		n0=$(count_files "corpus/$t")
		"$build/${MC_LF_DIR:-fuzz-lf}/$t" -merge=1 "corpus/$t" "$d/corpus" > "$d/merge.log" 2>&1
		echo "merged: corpus/$t grew from $n0 to $(count_files "corpus/$t") files"
	fi
	exit $rc
	;;
afl)
	t=${MC_TARGET:?}
	d=$outroot/$t-afl
	bin=$build/fuzz-afl/$t
	[ -x "$bin" ] || die "$bin is not built"
	rm -rf "$d" && mkdir -p "$d/in" "$d/sync"
	find "corpus/$t" -maxdepth 1 -type f -size +0 ! -name 'README*' -exec cp {} "$d/in"/ \;
	[ -n "$(ls -A "$d/in")" ] || printf '\0' > "$d/in/zero"
	export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
		AFL_SKIP_CRASHES=1 AFL_NO_AFFINITY=1 AFL_QUIET=1
	echo "AFL++: $t on $(dev_of "$t") for ${seconds}s, $jobs instance(s), output in $d"
	start=$(date +%s)
	pids=()
	for i in $(seq 0 $((jobs - 1))); do
		role=(-S "s$i")
		[ "$i" = 0 ] && role=(-M m0)
		afl-fuzz -i "$d/in" -o "$d/sync" "${role[@]}" -V "$seconds" -m none -t 2000 \
			-x "$fdir/$t.dict" -- "$bin" > "$d/afl-$i.log" 2>&1 &
		pids+=($!)
	done
	rc=0
	for p in "${pids[@]}"; do wait "$p" || rc=$?; done
	secs=$(( $(date +%s) - start ))
	[ -f "$d/sync/m0/fuzzer_stats" ] || { tail -n 20 "$d/afl-0.log"; die "afl-fuzz did not run"; }
	awk -v t="$t" -v dev="$(dev_of "$t")" -v secs="$secs" -v jobs="$jobs" '
		$1 == "execs_done" { execs += $3 }
		$1 == "execs_per_sec" { rate += $3 }
		$1 == "bitmap_cvg" { sub("%", "", $3); if ($3 + 0 > cvg) cvg = $3 + 0 }
		$1 == "corpus_count" { if ($3 + 0 > corpus) corpus = $3 + 0 }
		$1 == "saved_crashes" || $1 == "unique_crashes" { crashes += $3 }
		END { printf "{\"engine\": \"afl++\", \"target\": \"%s\", \"device\": \"%s\", \"seconds\": %d, \"instances\": %d, \"execs\": %d, \"exec_per_sec\": %.0f, \"bitmap_cvg\": %.2f, \"corpus_size\": %d, \"crashes\": %d}\n", t, dev, secs, jobs, execs, rate, cvg, corpus, crashes }
	' "$d"/sync/*/fuzzer_stats > "$d/stats.json"
	cat "$d/stats.json"
	find "$d/sync" -path '*/crashes/id*' | head -n 5 || true
	exit $rc
	;;
minimize)
	t=${MC_TARGET:?}
	in=${MC_INPUT:?INPUT is required}
	d=$outroot/$t/minimized
	mkdir -p "$d"
	min=$d/$(basename "$in")
	if [ "${MC_ENGINE:-libfuzzer}" = afl ]; then
		AFL_QUIET=1 afl-tmin -i "$in" -o "$min" -m none -t 2000 -- "$build/fuzz-afl/$t"
	else
		rm -f "$min"
		"$build/${MC_LF_DIR:-fuzz-lf}/$t" -minimize_crash=1 -runs="${MC_RUNS:-20000}" \
			-exact_artifact_path="$min" "$in" > "$d/minimize.log" 2>&1 || true
		# An input that fails at once leaves nothing smaller: keep it as it is.
		[ -s "$min" ] || cp "$in" "$min"
	fi
	echo "minimised: $(wc -c < "$in") -> $(wc -c < "$min") bytes: $min"
	"$build/asan/fuzz/replay_$t" --verbose --expect-finding "$min" ||
		die "the minimised input gives no finding on $(dev_of "$t")"
	if [ -n "${MC_SAVE:-}" ]; then
		cp "$min" "corpus/$t/$MC_SAVE"
		echo "saved as corpus/$t/$MC_SAVE (commit it; defect-NAME--what files are checked against that defect)"
	fi
	;;
smoke)
	# Every target for MC_SECONDS, as many at once as there are CPUs; any finding fails.
	read -r -a targets <<< "${MC_TARGET:?}"
	par=$(nproc 2>/dev/null || echo 1)
	fail=0
	sdir=$build/fuzz-smoke/${MC_LF_DIR:-fuzz-lf}
	for ((i = 0; i < ${#targets[@]}; i += par)); do
		pids=()
		for t in "${targets[@]:i:par}"; do
			copy_corpus "$t" "$sdir/$t/corpus"
			rm -rf "$sdir/$t/artifacts"
			lf_run "$t" "$sdir/$t" "$seconds" &
			pids+=($!)
		done
		for j in "${!pids[@]}"; do
			t=${targets[i + j]}
			if wait "${pids[j]}"; then
				echo "== fuzz $t: $(cat "$sdir/$t/stats.json")"
			else
				echo "== fuzz $t FAILED:"; grep -E -A3 '^(FINDING|==[0-9]+==ERROR|SUMMARY)' \
					"$sdir/$t/log" | head -n 20 || true
				fail=1
			fi
		done
	done
	exit $fail
	;;
*)
	die "unknown mode '$mode'"
	;;
esac

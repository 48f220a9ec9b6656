#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fuzz part of `make bench`: each libFuzzer target on the simulated device against a
# baseline measured in the same run, in both builds (build/fuzz-cov: coverage only, what a
# campaign runs; build/fuzz-lf: ASan+UBSan). In rounds that alternate (so a change in the
# machine's load weighs on both), the target fuzzes from a scratch copy of its corpus for
# SECS/ROUNDS seconds while keeping a uniform sample of the inputs it ran
# (MIGCHECK_FUZZ_SAMPLE); then fuzzbase (bench/fuzzbase.c, built in the same flavour, so
# the device's code is instrumented alike) records the device calls of each sampled input
# and replays them bare (no interpreter, no oracle, no engine) for as long, interleaved
# with the target's harness alone over the same inputs. The figure is target/bare; the
# line also splits an exec's time into device calls, harness (interpreter, oracles,
# restored-device exercise) and engine. Target 0.50 for every target; a figure under it
# is reported, not fatal. The engine runs with -print_funcs=0 (no llvm-symbolizer spawned
# for each new function: up to 6% of a short run's time).
# Usage: fuzz/bench.sh <build dir> [seconds] [rounds]
set -uo pipefail
BUILD=${1:-build} SECS=${2:-10} ROUNDS=${3:-2}
REPO=$(cd "$(dirname "$0")/.." && pwd)
GOAL=0.50
scratch() { [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}"; }
slice=$(awk -v s="$SECS" -v r="$ROUNDS" 'BEGIN { printf "%d", (s / r < 1 ? 1 : s / r) }')
for t in ${FUZZ_BENCH_TARGETS:-resume_stream write_chunking state_sequence feature_ioctl}; do
	for b in ${FUZZ_BENCH_BUILDS:-fuzz-cov fuzz-lf}; do
		bin=$BUILD/$b/$t base=$BUILD/$b/fuzzbase
		what=$([ "$b" = fuzz-cov ] && echo "coverage only" || echo "ASan+UBSan")
		if ! make -s -C "$REPO" "$bin" "$base" >/dev/null 2>&1; then
			echo "bench fuzz:$t  (cannot build $bin or $base)"
			continue
		fi
		# The scratch corpus in memory when the machine has a tmpfs: the engine writes a
		# file per new unit, and a loaded disk is no part of the figure.
		tmp=$(mktemp -d -p "$(scratch)") sample=$(mktemp -d -p "$(scratch)")
		cp -r "$REPO/corpus/$t/." "$tmp/"
		# As a campaign runs it (fuzz/campaign.sh): the dictionary and max_len of <t>.options.
		ml=$(sed -n 's/^max_len *= *//p' "$REPO/fuzz/$t.options" 2>/dev/null | head -n1)
		eps=() base_out=()
		for ((r = 0; r < ROUNDS; r++)); do
			eps+=("$(MIGCHECK_FUZZ_SAMPLE=$sample "$bin" -max_total_time="$slice" \
				-dict="$REPO/fuzz/$t.dict" ${ml:+-max_len=$ml} \
				-print_final_stats=1 -print_funcs=0 -close_fd_mask=1 "$tmp" 2>&1 |
				sed -n 's/^stat::average_exec_per_sec: *//p' | tail -1)")
			base_out+=("$("$base" --seconds "$slice" "$t:$sample" 2>&1 | grep '^fuzzbase ' | tail -1)")
		done
		rm -rf "$tmp" "$sample"
		# fuzzbase <t> inputs N calls/input C harness H exec/s bare B exec/s differ D
		printf '%s\n' "${base_out[@]}" | awk -v t="$t" -v w="$what" -v s="$SECS" -v g="$GOAL" \
			-v e="$(printf '%s\n' "${eps[@]}" | awk '{ s += $1 } END { printf "%.0f", NR ? s / NR : 0 }')" '
			$1 == "fuzzbase" { n++; in_ += $4; c += $6; h += $8; b += $11; d += $14 }
			END {
				if (!n || !b || !h || !e) {
					printf "bench fuzz:%-16s (no figure: libFuzzer %s exec/s, %d baseline runs)\n", t, e, n
					exit
				}
				in_ /= n; c /= n; h /= n; b /= n; r = e / b
				printf "bench fuzz:%-16s %6d exec/s on sim (libFuzzer, %s, %d s), bare replay of the same calls %d exec/s (%d sampled inputs, %.0f calls each, %d results differ); time per exec: device %.2f, harness %.2f, engine %.2f ratio %.3f target %.2f %s\n",
				       t, e, w, s, b, in_, c, d, r, e * (1 / h - 1 / b), 1 - e / h, r, g,
				       (r >= g ? "ok" : "under")
			}'
	done
done

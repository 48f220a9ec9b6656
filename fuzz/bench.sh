#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fuzz part of `make bench`: each libFuzzer target on the simulated device for a fixed
# time on one core, from a scratch copy of its corpus, in both builds: the throughput
# build (build/fuzz-cov: coverage only, what a campaign runs) and the checking build
# (build/fuzz-lf: ASan+UBSan). Prints exec/s and the ratio to the issue's floor of
# 50,000 exec/s. The floor is judged for resume_stream and write_chunking on the
# throughput build; the other figures are printed with their ratio, marked "info".
# Usage: fuzz/bench.sh <build dir> [seconds]
set -uo pipefail
BUILD=${1:-build} SECS=${2:-10}
REPO=$(cd "$(dirname "$0")/.." && pwd)
FLOOR=50000
for t in resume_stream write_chunking state_sequence feature_ioctl; do
	for b in fuzz-cov fuzz-lf; do
		bin=$BUILD/$b/$t
		what=$([ "$b" = fuzz-cov ] && echo "coverage only" || echo "ASan+UBSan")
		if ! make -s -C "$REPO" "$bin" >/dev/null 2>&1; then
			echo "bench fuzz:$t  (cannot build $bin)"
			continue
		fi
		tmp=$(mktemp -d)
		cp -r "$REPO/corpus/$t/." "$tmp/"
		line=$("$bin" -max_total_time="$SECS" -print_final_stats=1 -close_fd_mask=1 "$tmp" 2>&1 |
			sed -n 's/^stat::average_exec_per_sec: *//p' | tail -1)
		rm -rf "$tmp"
		judged=0
		[ "$b" = fuzz-cov ] && case $t in resume_stream|write_chunking) judged=1;; esac
		awk -v t="$t" -v e="${line:-0}" -v s="$SECS" -v w="$what" -v f="$FLOOR" -v j="$judged" 'BEGIN {
			printf "bench fuzz:%-16s %6d exec/s on sim over %d s (libFuzzer, %s, 1 core) ratio %.3f target 1.00 (%d exec/s) %s\n",
			       t, e, s, w, e / f, f, (j ? (e >= f ? "ok" : "under") : "info") }'
	done
done

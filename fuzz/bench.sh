#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fuzz part of `make bench`: each libFuzzer target (ASan+UBSan build) on the simulated
# device for a fixed time on one core, from a scratch copy of its corpus; prints exec/s
# and its ratio to the issue's floor of 50,000 exec/s (a ratio below 1 misses it).
# Usage: fuzz/bench.sh <build dir> [seconds]
set -uo pipefail
BUILD=${1:-build} SECS=${2:-10}
REPO=$(cd "$(dirname "$0")/.." && pwd)
for t in resume_stream write_chunking state_sequence feature_ioctl; do
	bin=$BUILD/fuzz-lf/$t
	make -s -C "$REPO" "$bin" >/dev/null 2>&1 || { echo "bench fuzz:$t  (cannot build $bin)"; continue; }
	tmp=$(mktemp -d)
	cp -r "$REPO/corpus/$t/." "$tmp/"
	line=$("$bin" -max_total_time="$SECS" -print_final_stats=1 -close_fd_mask=1 "$tmp" 2>&1 |
		sed -n 's/^stat::average_exec_per_sec: *//p' | tail -1)
	rm -rf "$tmp"
	eps=${line:-0}
	awk -v t="$t" -v e="$eps" -v s="$SECS" 'BEGIN {
		printf "bench fuzz:%-16s %d exec/s on sim over %d s (libFuzzer, ASan+UBSan, 1 core) ratio %.3f target 1.00 (50,000 exec/s) %s\n",
		       t, e, s, e / 50000, (e >= 50000 ? "ok" : "under") }'
done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The fuzz targets' same-run ratios on the real driver in the VM (part of `make bench`; one
# boot, KERNEL= as for every VM target). In the guest, bench/fuzzbase.c (static) takes each
# target's committed corpus round-robin: the target's harness (interpreter, oracles, the
# kernel-log check after every input; no engine: libFuzzer does not run in this guest)
# against a bare replay of the syscalls each input made, recorded in the same guest, in
# alternating slices, with every replayed result compared to the recorded one. Prints one
# "bench vm:fuzz:<target> ... ratio R target 0.50 ok|under" line per target; exit 2 when
# the VM run fails.
# Usage: bench/vm-fuzz.sh <build dir> [seconds]
set -uo pipefail
# 15 s per slice: with 4 s, inputs as uneven as state_sequence's (some arm a driver
# allocation failure) gave 0.28 on the debug kernel where 15 s gave 0.51.
BUILD=${1:-build} SECS=${2:-${BENCH_VM_FUZZ_SECONDS:-15}}
REPO=$(cd "$(dirname "$0")/.." && pwd)
targets="resume_stream write_chunking state_sequence feature_ioctl"
dirs=$(for t in $targets; do printf '%s:/fuzz/corpus/%s ' "$t" "$t"; done)
# shellcheck disable=SC2016 # $MC_DEVICE is expanded in the guest
export VM_EXTRA_BINS="$REPO/$BUILD/fuzzbase-static" VM_DESTRUCTIVE=0 \
	VM_EXTRA_FILES="$REPO/corpus:/fuzz/corpus" \
	VM_EXTRA_ARGS="--device \"\$MC_DEVICE\" --seconds $SECS --check --split $dirs" \
	MIGCHECK_ARGS='--only FEAT-01' VM_REPORTS="$REPO/$BUILD/bench-vm-fuzz"
mkdir -p "$VM_REPORTS"
make -s -C "$REPO" vm-prepare "$BUILD/fuzzbase-static" "$BUILD/migcheck-static" >/dev/null || exit 2
"$REPO/vm/run-extras.sh" "$REPO/$BUILD/migcheck-static" >"$BUILD/bench-vm-fuzz.log" 2>&1
rc=$?
[ "$rc" -le 1 ] || { echo "bench: the VM fuzz run failed (status $rc, $BUILD/bench-vm-fuzz.log)" >&2; exit 2; }
log=$VM_REPORTS/$(readlink "$VM_REPORTS/vm-latest")/extra-fuzzbase-static.log
[ -s "$log" ] || { echo "bench: no guest fuzz baseline output ($log)" >&2; exit 2; }
grep -q '^fuzzbase ' "$log" || { echo "bench: the guest's fuzzbase printed no figure ($log)" >&2; exit 2; }
# fuzzbase <t> inputs N calls/input C harness H exec/s bare B exec/s differ D
# [no-note N exec/s] [no-klog K exec/s]: the time per exec (1/H) splits into the bare
# syscalls (1/B), the note of each input in the kernel log (MIGCHECK_FUZZ_KMSG=1, as make
# vmfuzz runs; 1/H - 1/N), the kernel-log check (1/N - 1/K), interpreter and oracles.
awk -v k="${KERNEL:-production}" '$1 == "fuzzbase" {
	delete v
	for (i = 2; i < NF; i++) v[$i] = $(i + 1)
	b = v["bare"]; h = v["harness"]; nn = v["no-note"] ? v["no-note"] : h
	nk = v["no-klog"] ? v["no-klog"] : nn
	r = b ? h / b : 0
	printf "bench vm:fuzz:%-16s %6d exec/s on mtty (%s kernel; the target without engine, %d corpus inputs), bare replay of the same syscalls %d exec/s (%.0f calls each, %d results differ); time per exec: syscalls %.2f, kernel-log note %.2f, kernel-log check %.2f, interpreter and oracles %.2f ratio %.3f target 0.50 %s\n",
	       $2, h, k, v["inputs"], b, v["calls/input"], v["differ"], r, h * (1 / h - 1 / nn),
	       h * (1 / nn - 1 / nk), h * (1 / nk - 1 / b), r, (r >= 0.5 ? "ok" : "under") }' "$log"
# The guest's other lines (an error of fuzzbase's), if any: none is the usual case, and a
# grep that finds nothing is no failure of the bench.
grep -v '^fuzzbase ' "$log" | head -5 | sed 's/^/bench vm:fuzz: (guest) /' || true
exit 0

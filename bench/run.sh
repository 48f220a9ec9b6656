#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: every benchmark prints a ratio against a baseline measured in the same run.
#   1. walker overhead on the simulated device (target <= 1.2)
#   2. stream engine throughput, save + resume of one sim stream (target <= 1.1)
#   3. fuzz targets' exec/s on sim, when the fuzz build exists (fuzz/fuzz.mk)
#   4. in the VM on real mtty: a whole run's wall time, and SETs through migcheck against
#      bare ioctls in the same guest (target <= 1.2)
# The lines go to stdout and to $BUILD/bench.txt; a figure over its target is reported,
# not fatal (the machine may be loaded); a benchmark that cannot run exits 2.
# Usage: run.sh <build dir> <stream bytes>
set -uo pipefail
BUILD=${1:-build} SIZE=${2:-1073741824}
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=$BUILD/bench.txt
: >"$OUT"
say() { echo "$*" | tee -a "$OUT"; }

say "# migcheck bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n): $(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
"$BUILD/mcbench" walker | tee -a "$OUT" || [ "${PIPESTATUS[0]}" = 1 ] || exit 2
"$BUILD/mcbench" stream --size "$SIZE" | tee -a "$OUT" || [ "${PIPESTATUS[0]}" = 1 ] || exit 2

# Fuzz targets (built by fuzz/fuzz.mk when it is there): exec/s from a fixed number of runs.
if [ -x "$REPO/fuzz/bench.sh" ]; then
	"$REPO/fuzz/bench.sh" "$BUILD" | tee -a "$OUT"
else
	say "bench fuzz             (no fuzz build in this tree)"
fi

# Real mtty in the VM: the bench binary runs in the guest after migcheck (non-destructive).
if [ "${BENCH_VM:-1}" = 1 ]; then
	# shellcheck disable=SC2016 # $MC_DEVICE is expanded in the guest
	export VM_EXTRA_BINS="$REPO/$BUILD/mcbench-static" VM_DESTRUCTIVE=0 \
		VM_EXTRA_ARGS='arcs --device "$MC_DEVICE" --run --reps 5000' \
		MIGCHECK_ARGS='--only FEAT-01' VM_REPORTS="$REPO/$BUILD/bench-vm"
	mkdir -p "$VM_REPORTS"
	make -s -C "$REPO" vm-prepare >/dev/null || exit 2
	"$REPO/vm/run-extras.sh" "$REPO/$BUILD/migcheck-static" >"$BUILD/bench-vm.log" 2>&1
	rc=$?
	[ "$rc" -le 1 ] || { echo "bench: the VM run failed (status $rc, $BUILD/bench-vm.log)" >&2; exit 2; }
	log=$VM_REPORTS/$(readlink "$VM_REPORTS/vm-latest")/extra-mcbench-static.log
	[ -s "$log" ] || { echo "bench: no guest bench output ($log)" >&2; exit 2; }
	sed 's/^bench /bench vm:/' "$log" | tee -a "$OUT"
fi

# Kernel-coverage-guided fuzzing against the same campaign unguided, on the debug kernel
# (two boots; BENCH_GUIDED=0 skips it, default on where the debug kernel is built).
if [ "${BENCH_GUIDED:-$([ -r "${MC_CACHE:-/var/cache/migcheck}/current-kernel-debug.env" ] && echo "${BENCH_VM:-1}" || echo 0)}" = 1 ]; then
	make -s -C "$REPO" vm-prepare KERNEL=debug "$BUILD/fuzz-lf/${BENCH_GUIDED_TARGET:-resume_stream}" \
		>/dev/null || exit 2
	"$REPO/vm/vmfuzz-guided.sh" bench "${BENCH_GUIDED_TARGET:-resume_stream}" "${BENCH_GUIDED_SECONDS:-90}" | tee -a "$OUT"
	[ "${PIPESTATUS[0]}" = 0 ] || exit 2
fi

# Fuzz targets on the real driver in the VM: target/bare per target (bench/vm-fuzz.sh).
if [ "${BENCH_VM:-1}" = 1 ]; then
	"$REPO/bench/vm-fuzz.sh" "$BUILD" | tee -a "$OUT"
	[ "${PIPESTATUS[0]}" = 0 ] || exit 2
fi

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The fuzz targets' same-run ratios on the real driver in the VM (part of `make bench`; one
# boot, KERNEL= as for every VM target). In the guest each target's libFuzzer build
# (build/fuzz-cov) fuzzes mtty for SECS seconds as a campaign would, keeping a sample of
# the inputs it ran (bench/vm-fuzz-guest.sh); bench/fuzzbase.c (static) then records the
# syscalls of each sampled input and replays them bare, interleaved with the harness alone,
# comparing every replayed result with the recorded one. Prints one "bench vm:fuzz:<target>
# ... ratio R target 0.50 ok|under" line per target; exit 2 when the VM run fails.
# Usage: bench/vm-fuzz.sh <build dir> [seconds]
set -uo pipefail
BUILD=${1:-build} SECS=${2:-${BENCH_VM_FUZZ_SECONDS:-4}}
REPO=$(cd "$(dirname "$0")/.." && pwd)
targets="resume_stream write_chunking state_sequence feature_ioctl"
bins=$(for t in $targets; do printf '%s ' "$REPO/$BUILD/fuzz-cov/$t"; done)
# Each extra runs with the same arguments: "-help=1" ends at once (libFuzzer's help,
# fuzzbase's usage), then the guest script does the work for that extra.
# shellcheck disable=SC2016 # $x and $MC_DEVICE are expanded in the guest
export VM_EXTRA_BINS="$REPO/$BUILD/fuzzbase-static $bins" VM_DESTRUCTIVE=0 \
	VM_EXTRA_FILES="$REPO/corpus:/fuzz/corpus $REPO/fuzz:/fuzz/opts $REPO/bench/vm-fuzz-guest.sh:/fuzz/guest.sh" \
	VM_EXTRA_ARGS="-help=1 >/dev/null 2>&1; sh /fuzz/guest.sh \"\$x\" \"\$MC_DEVICE\" $SECS" \
	VM_CPU=${VM_CPU:-max} MIGCHECK_ARGS='--only FEAT-01' VM_REPORTS="$REPO/$BUILD/bench-vm-fuzz"
mkdir -p "$VM_REPORTS"
# shellcheck disable=SC2086 # $bins is a list
make -s -C "$REPO" vm-prepare "$BUILD/fuzzbase-static" "$BUILD/migcheck-static" $bins >/dev/null || exit 2
"$REPO/vm/run-extras.sh" "$REPO/$BUILD/migcheck-static" >"$BUILD/bench-vm-fuzz.log" 2>&1
rc=$?
[ "$rc" -le 1 ] || { echo "bench: the VM fuzz run failed (status $rc, $BUILD/bench-vm-fuzz.log)" >&2; exit 2; }
dir=$VM_REPORTS/$(readlink "$VM_REPORTS/vm-latest")
for t in $targets; do
	log=$dir/extra-$t.log
	[ -s "$log" ] || { echo "bench vm:fuzz:$t  (no guest output: $log)"; continue; }
	# libfuzzer <t> E; fuzzbase <t> inputs N calls/input C harness H exec/s bare B exec/s
	# differ D [no-note N exec/s] [no-klog K exec/s]. Time per exec (1/E) splits into the
	# bare syscalls (1/B), the note of each input in the kernel log (1/H - 1/N), the
	# kernel-log check (1/N - 1/K), interpreter and oracles (1/K - 1/B) and the engine.
	awk -v t="$t" -v k="${KERNEL:-production}" -v s="$SECS" '
		$1 == "libfuzzer" { e = $3 }
		$1 == "fuzzbase" { for (i = 2; i < NF; i++) v[$i] = $(i + 1) }
		END {
			b = v["bare"]; h = v["harness"]; nn = v["no-note"] ? v["no-note"] : h
			nk = v["no-klog"] ? v["no-klog"] : nn
			if (!e || !b || !h) {
				printf "bench vm:fuzz:%-16s (no figure: libFuzzer %s exec/s, bare %s)\n", t, e, b
				exit
			}
			r = e / b
			printf "bench vm:fuzz:%-16s %6d exec/s on mtty (%s kernel, libFuzzer coverage only, %d s), bare replay of the same syscalls %d exec/s (%d sampled inputs, %.0f calls each, %d results differ); time per exec: syscalls %.2f, kernel-log note %.2f, kernel-log check %.2f, interpreter and oracles %.2f, engine %.2f ratio %.3f target 0.50 %s\n",
			       t, e, k, s, b, v["inputs"], v["calls/input"], v["differ"], r,
			       e * (1 / h - 1 / nn), e * (1 / nn - 1 / nk), e * (1 / nk - 1 / b),
			       1 - e / h, r, (r >= 0.5 ? "ok" : "under")
		}' "$log"
done

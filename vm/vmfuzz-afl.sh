#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# AFL++ with the kernel's coverage in its map, on the debug kernel (make vmfuzz-afl-check):
# one boot with the target's AFL++ build (build/fuzz-afl/<target>), Debian's afl-showmap
# and afl-fuzz, and vm/vmfuzz-afl-guest.sh, which maps the seed corpus with and without
# the kernel's coverage, runs a guided afl-fuzz campaign of <seconds>, and maps its queue
# both ways. The check fails unless:
#   - the seeds' map with the kernel's coverage has more tuples than without it (the
#     driver's and the VFIO core's KCOV PCs reached AFL++'s shared map),
#   - afl-fuzz ran: its fuzzer_stats show more executions than there are seeds,
#   - the queue's map, too, has more tuples with the kernel's coverage than without.
# Findings do not fail it (upstream mtty has known ones). Exit 0, 1 (check failed) or 2.
# Usage: vmfuzz-afl.sh check <target> <seconds>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ $# != 3 ] || [ "$1" != check ]; then echo "usage: $0 check <target> <seconds>" >&2; exit 2; fi
t=$2 secs=$3
case "$secs" in '' | *[!0-9]*) die "seconds '$secs' is not a number" ;; esac
BUILD_DIR=$REPO_DIR/${BUILD:-build}
BIN=$BUILD_DIR/fuzz-afl/$t
[ -x "$BIN" ] || die "$BIN missing (make $BIN)"
[ -d "$REPO_DIR/corpus/$t" ] || die "no corpus/$t"
need_cmd afl-fuzz afl-showmap
export KERNEL=debug
[ "$(kernel_flavour)" = debug ] || die "the AFL++ check needs the debug kernel (KCOV)"

# The afl-fuzz binary and the target are started by the guest script; init's own run of
# the extra (the target on one empty input) changes nothing. 900 s beyond the campaign
# for the rest of the boot: two maps of the seeds and of the queue under TCG, and
# afl-fuzz's calibration.
# shellcheck disable=SC2016 # expanded in the guest
export VM_EXTRA_BINS="$BIN" VM_EXTRA_TOOLS="afl-fuzz afl-showmap" \
	VM_EXTRA_FILES="$REPO_DIR/corpus/$t:/fuzz/corpus $VM_DIR/vmfuzz-afl-guest.sh:/fuzz/afl.sh" \
	VM_EXTRA_ARGS='</dev/null >/dev/null 2>&1; sh /fuzz/afl.sh "$x" '"$secs" \
	VM_DESTRUCTIVE=0 MIGCHECK_ARGS='--only FEAT-01' MIGCHECK_TIMEOUT=300 \
	VM_REPORTS="$BUILD_DIR/vmfuzz-afl/$t/reports" VM_TIMEOUT=$((secs + 900))
mkdir -p "$VM_REPORTS"
boot_extras "$BUILD_DIR/migcheck-static"
out=$NEW_REPORT
log=$out/extra-$t.log
[ -s "$log" ] || die "the guest brought back no AFL++ log (run.sh status $RUN_STATUS; see $out/serial.log)"

# AFL-MAP <what> <off> <guide>: the two maps' tuples.
map() { sed -n "s/^AFL-MAP $1 \\([0-9]*\\) \\([0-9]*\\)\$/\\1 \\2/p" "$log" | tail -1; }
afl_stat() { sed -n "s/^$1 *: *\\([0-9.]*\\).*/\\1/p" "$out/afl/default/fuzzer_stats" 2>/dev/null | head -1; }
ok=1
read -r s_off s_guide < <(map seeds) || true
read -r q_off q_guide < <(map queue) || true
seeds=$(find "$REPO_DIR/corpus/$t" -type f | wc -l)
execs=$(afl_stat execs_done) corpus=$(afl_stat corpus_count) edges=$(afl_stat edges_found)
eps=$(afl_stat execs_per_sec) crashes=$(afl_stat saved_crashes)
[ "${s_guide:-0}" -gt "${s_off:-0}" ] ||
	{ note "FAIL: the seeds map to ${s_guide:-?} tuples with the kernel's coverage, ${s_off:-?} without: it did not reach AFL++'s map (see $out/afl-showmap-seeds-guide.log)"; ok=0; }
[ "${execs:-0}" -gt "$seeds" ] ||
	{ note "FAIL: afl-fuzz ran ${execs:-no} inputs, no more than its $seeds seeds (see $out/afl-fuzz.log)"; ok=0; }
[ "${q_guide:-0}" -gt "${q_off:-0}" ] ||
	{ note "FAIL: the campaign's queue maps to ${q_guide:-?} tuples with the kernel's coverage, ${q_off:-?} without"; ok=0; }
cat >"$out/afl-stats.json" <<JSON
{"target": "$t", "engine": "afl++ (kernel backend, real driver in the VM)", "kernel": "debug", "seconds": $secs, "execs": ${execs:-0}, "exec_per_s": ${eps:-0}, "corpus_size": ${corpus:-0}, "edges_found": ${edges:-0}, "saved_crashes": ${crashes:-0}, "seed_tuples": {"no_kernel": ${s_off:-0}, "kernel": ${s_guide:-0}}, "queue_tuples": {"no_kernel": ${q_off:-0}, "kernel": ${q_guide:-0}}}
JSON
note "AFL++ $t: $(cat "$out/afl-stats.json")"
[ "$ok" = 1 ] || exit 1
echo "vmfuzz-afl-check: ok (afl-fuzz ran $execs inputs in ${secs}s, queue $corpus; tuples with the kernel's coverage vs without: seeds $s_guide vs $s_off, queue $q_guide vs $q_off)"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make vmreplay TARGET=t INPUT=file|dir [KERNEL=debug]`: one boot that replays saved fuzz
# inputs (crash-*, fuzz-findings.log.inputs/<hash>, a panicked campaign's salvaged/<n>)
# against the real driver with `migcheck replay --verbose --expect-finding` in the guest.
# Booted like make vmfuzz (oops=panic, each input noted in the kernel log): an input that
# takes the kernel down again shows its report after its note in serial.log.
# Exit: 0 when every input gave a finding, 1 otherwise, 2 for a rig error.
# Usage: vmreplay.sh <target> <file|dir>   (run from make: BUILD, MC_CACHE, ... in the env)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || { echo "usage: $0 <target> <file|dir>" >&2; exit 2; }
TARGET=$1 INPUT=$2
[ -e "$INPUT" ] || die "INPUT=$INPUT does not exist"
SRC=$(realpath "$INPUT")
BUILD_DIR=$REPO_DIR/${BUILD:-build}
WORKDIR=$BUILD_DIR/vmreplay/$TARGET
mkdir -p "$WORKDIR/reports"
export VM_CPU=${VM_CPU:-max}
export VM_APPEND="${VM_APPEND:+$VM_APPEND }printk.devkmsg=on log_buf_len=16M panic_print=0x20 oops=panic"
# shellcheck disable=SC2016 # expanded in the guest
export VM_EXTRA_BINS="$BUILD_DIR/migcheck-static" \
	VM_EXTRA_FILES="$SRC:/fuzz/replay/$TARGET" \
	VM_EXTRA_ARGS='replay --device "$MIGCHECK_FUZZ_DEVICE" --target '"$TARGET"' --verbose --expect-finding /fuzz/replay/'"$TARGET" \
	VM_DESTRUCTIVE=0 MIGCHECK_ARGS='--only FEAT-01' VM_REPORTS="$WORKDIR/reports" \
	VM_TIMEOUT=${VM_TIMEOUT:-600} MIGCHECK_TIMEOUT=120
boot_extras "$BUILD_DIR/migcheck-static"
rc=$RUN_STATUS out=$NEW_REPORT
log=$out/extra-migcheck-static.log
if [ -s "$log" ]; then
	note "migcheck replay in the guest ($log):"
	sed 's/^/  /' "$log" >&2
	xrc=$(cat "$out/extra-migcheck-static.rc" 2>/dev/null || echo 2)
	note "replay exit status $xrc (0: every input gave a finding)"
	exit "$([ "$xrc" = 0 ] && echo 0 || echo 1)"
fi
[ -s "$out/serial.log" ] || die "no replay log and no serial.log from the guest (run.sh status $rc)"
"${MIGCHECK_HOST:-$BUILD_DIR/migcheck}" klog "$out/serial.log" >"$out/kernel-reports.log" || true
note "the guest brought nothing back (panic or hang); kernel report lines in serial.log:"
sed 's/^/  /' "$out/kernel-reports.log" >&2
exit 1

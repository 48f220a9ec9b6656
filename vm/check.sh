#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The rig's own test, run by `make check`: boot the guest (initramfs already built), demand a
# complete run of the whole case set on the real device, and compare every verdict with the
# expected-verdict file. A real driver may fail clauses, so migcheck's exit 1 is accepted;
# what fails this script is a rig error, a partial run, a missing report file, or any
# verdict that differs from the file (update it with `make vm-expect-update`, then review).
# Usage: check.sh <host migcheck> <expected.json>
#        check.sh --stage-vendor <dir>   copy the cached mtty.c to <dir> as a vendor driver
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --stage-vendor ] && [ $# = 2 ]; then
	load_kernel_env
	src=$MC_CACHE/src/$KPKGVER/mtty.c
	[ -s "$src" ] || die "$src missing (run make vm-prepare first)"
	rm -rf "$2"
	mkdir -p "$2"
	cp "$src" "$2/mtty.c"
	printf '# A vendor driver dir as DRIVER_SRC expects: Kbuild plus sources.\nobj-m := mtty.o\n' >"$2/Kbuild"
	note "staged a vendor copy of mtty.c in $2"
	exit 0
fi
[ $# = 2 ] || { echo "usage: $0 <host migcheck> <expected.json> | --stage-vendor <dir>" >&2; exit 2; }
MIGCHECK=$1 EXPECTED=$2
[ -x "$MIGCHECK" ] || die "host migcheck '$MIGCHECK' not found"
[ -r "$EXPECTED" ] || die "expected-verdict file '$EXPECTED' not found"

# The whole case set, nothing else: the comparison is of complete runs only.
export MIGCHECK_ARGS=
VM_REPORTS=${VM_REPORTS:-$REPO_DIR/reports}
export VM_REPORTS
run_for_report "the rig check"
rc=$RUN_STATUS OUT=$NEW_REPORT
for f in report.json junit.xml kernel.log serial.log; do
	[ -s "$OUT/$f" ] || die "$OUT/$f is missing or empty"
done
grep -q 'Linux version' "$OUT/kernel.log" || die "$OUT/kernel.log is not a kernel log"

note "comparing $OUT/report.json with $EXPECTED"
set +e
"$MIGCHECK" expect check "$EXPECTED" "$OUT/report.json"
crc=$?
set -e
case "$crc" in
0) note "rig check passed: complete run, migcheck status $rc, verdicts as in ${EXPECTED##*/}" ;;
1) die "verdicts differ from $EXPECTED (lines above); if the change is intended, run" \
	"'make vm-expect-update' and review the diff" ;;
*) die "cannot compare $OUT/report.json with $EXPECTED" ;;
esac

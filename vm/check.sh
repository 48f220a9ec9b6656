#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The rig's own test, run by `make check`: boot the guest (initramfs already built), demand a
# complete run of the whole case set on the real device, and compare every verdict with the
# expected-verdict file. A real driver may fail clauses, so migcheck's exit 1 is accepted;
# what fails this script is a rig error, a partial run, a missing report file, or any
# verdict that differs from the file (update it with `make vm-expect-update`, then review).
# On the debug kernel the case set runs through both access paths (group/container, then
# cdev/iommufd into cdev/, one boot each): both reports must match the file, and agree.
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

# The whole case set, nothing else: the comparison is of complete runs only. The debug
# kernel has the cdev/iommufd path: both paths must run (a kernel without it is a rig error).
export MIGCHECK_ARGS=
paths=group
[ "$(kernel_flavour)" = debug ] && paths=both
export VM_ACCESS=$paths
VM_REPORTS=${VM_REPORTS:-$REPO_DIR/reports}
export VM_REPORTS
run_for_report "the rig check"
rc=$RUN_STATUS OUT=$NEW_REPORT
dirs=$OUT
[ "$paths" = both ] && dirs="$OUT $OUT/cdev"
[ "$(cat "$OUT/vm-access" 2>/dev/null || echo group)" = "$paths" ] ||
	die "the rig ran access paths '$(cat "$OUT/vm-access" 2>/dev/null)', expected '$paths'"
for d in $dirs; do
	for f in report.json junit.xml kernel.log serial.log; do
		[ -s "$d/$f" ] || die "$d/$f is missing or empty"
	done
	grep -q 'Linux version' "$d/kernel.log" || die "$d/kernel.log is not a kernel log"
	want=group/container
	[ "$d" = "$OUT/cdev" ] && want=cdev/iommufd
	grep -Eq '"access": *"'"$want"'"' "$d/report.json" ||
		die "$d/report.json is not a run through $want"
done

status=0
for d in $dirs; do
	note "comparing $d/report.json with $EXPECTED"
	crc=0
	"$MIGCHECK" expect check "$EXPECTED" "$d/report.json" || crc=$?
	case "$crc" in
	0) ;;
	1) status=1 ;;
	*) die "cannot compare $d/report.json with $EXPECTED" ;;
	esac
done
[ "$status" = 0 ] || die "verdicts differ from $EXPECTED (lines above); if the change is" \
	"intended, run 'make vm-expect-update' and review the diff"
if [ "$paths" = both ]; then
	crc=0
	"$MIGCHECK" expect agree "$OUT/report.json" "$OUT/cdev/report.json" || crc=$?
	case "$crc" in
	0) ;;
	1) die "the group/container and cdev/iommufd runs disagree (lines above, $OUT/access-paths.txt)" ;;
	*) die "cannot compare $OUT/report.json with $OUT/cdev/report.json" ;;
	esac
fi
# The debug kernel has KCOV: the driver's coverage must be in the report, render with
# Debian's genhtml, and not fall below the floor (a little under what a run measures).
if [ "$(kernel_flavour)" = debug ]; then
	VM_COV_FLOOR=${VM_COV_FLOOR:-$([ -z "${DRIVER_SRC:-}" ] && echo 45 || echo 1)}
	for d in $dirs; do
		for f in kcov-cases.pcs coverage.info coverage.json; do
			[ -s "$d/$f" ] || die "$d/$f is missing: no driver coverage on the KCOV kernel"
		done
		grep -q '"coverage": {' "$d/report.json" || die "$d/report.json has no coverage"
		grep -q 'id="coverage"' "$d/report.html" || die "$d/report.html has no Coverage section"
		apt_install lcov
		rm -rf "$d/.genhtml"
		genhtml -q -o "$d/.genhtml" "$d/coverage.info" >"$d/.genhtml.log" 2>&1 ||
			die "genhtml cannot render $d/coverage.info ($d/.genhtml.log)"
		rm -rf "$d/.genhtml" "$d/.genhtml.log"
		read -r hit all < <(sed -n 's/^coverage: driver lines \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' \
			"$d/coverage.log")
		[ "${all:-0}" -gt 0 ] || die "$d/coverage.log has no driver line count"
		[ $((100 * hit)) -ge $((VM_COV_FLOOR * all)) ] ||
			die "driver line coverage $hit/$all is below the floor of ${VM_COV_FLOOR}% (VM_COV_FLOOR)"
		note "driver coverage in $d: lines $hit/$all ($((100 * hit / all))%), floor ${VM_COV_FLOOR}%"
	done
fi
note "rig check passed: complete run ($paths), migcheck status $rc, verdicts as in ${EXPECTED##*/}"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make vmmutants`: the rig judged by the real driver. Each vm/mutants/<name>.sed is one
# single-bug edit of the cached upstream mtty.c (its header names the clause it must trip);
# conforming-*.sed are edits within the uAPI. Every variant is built as DRIVER_SRC, booted
# with the whole case set, and compared with vm/EXPECTED-mtty.json (unmodified mtty):
#   - a mutant is caught when each clause it intends went from pass to fail (warn for a
#     SHOULD clause);
#   - a conforming variant must add no fail and no warn anywhere.
# Prints the matrix (variant x changed clauses); exit 1 when a mutant escapes or a
# conforming variant draws a new fail/warn, 2 on a rig error.
# Usage: mutants.sh <host migcheck> <expected.json> [name...]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || { echo "usage: $0 <host migcheck> <expected.json> [name...]" >&2; exit 2; }
MIGCHECK=$1 EXPECTED=$2
shift 2
[ -x "$MIGCHECK" ] || die "host migcheck '$MIGCHECK' not found"
[ -r "$EXPECTED" ] || die "expected-verdict file '$EXPECTED' not found"
load_kernel_env
SRC=$MC_CACHE/src/$KPKGVER/mtty.c
[ -s "$SRC" ] || die "$SRC missing (run make vm-prepare first)"
WORK=${VMMUTANTS_DIR:-$REPO_DIR/build/vm-mutants}
mkdir -p "$WORK"
export MIGCHECK_ARGS='' VM_REPORTS=$WORK/reports
mkdir -p "$VM_REPORTS"

if [ $# -eq 0 ]; then
	set --
	for f in "$VM_DIR"/mutants/*.sed; do set -- "$@" "$(basename "$f" .sed)"; done
fi
escaped=0 alarms=0 total=0 conf=0
summary=()
for name in "$@"; do
	script=$VM_DIR/mutants/$name.sed
	[ -r "$script" ] || die "no mutant $script"
	intends=$(sed -n 's/^# intends: *//p' "$script")
	conforming=0
	grep -q '^# conforming' "$script" && conforming=1
	[ -n "$intends" ] || [ "$conforming" = 1 ] || die "$script names no '# intends:' clause"
	dir=$WORK/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	sed -f "$script" "$SRC" >"$dir/mtty.c"
	cmp -s "$SRC" "$dir/mtty.c" && die "$name: the edit does not apply to $SRC (mtty.c changed?)"
	printf 'obj-m := mtty.o\n' >"$dir/Kbuild"
	note "== $name: $(sed -n 's/^# what: *//p' "$script" | head -1)"
	DRIVER_SRC=$dir "$VM_DIR/build-driver.sh" >"$dir/build.log" 2>&1 ||
		die "$name: the driver does not build (see $dir/build.log)"
	DRIVER_SRC=$dir "$VM_DIR/mkinitramfs.sh" "$REPO_DIR/${BUILD:-build}/migcheck-static" \
		>"$dir/initramfs.log" 2>&1 || die "$name: initramfs failed (see $dir/initramfs.log)"
	DRIVER_SRC=$dir run_for_report "$name" "$dir/run.log"
	report=$NEW_REPORT/report.json
	cp "$report" "$dir/report.json"
	set +e
	"$MIGCHECK" expect check "$EXPECTED" "$report" >"$dir/diff.txt" 2>&1
	set -e
	# A setup step a mutant breaks fails the case, charged to the clause it violates (not
	# error); a harness error, a partial run, a different device or case set is a rig error.
	grep -q '^changed device\|^missing\|^new \|^incomplete' "$dir/diff.txt" &&
		die "$name: the run is not comparable with $EXPECTED: $(head -3 "$dir/diff.txt")"
	changed=$(sed -n 's/^changed clause \([A-Z0-9-]*\): expected \([a-z]*\), got \([a-z]*\)$/\1:\2>\3/p' \
		"$dir/diff.txt" | tr '\n' ' ')
	total=$((total + 1))
	if [ "$conforming" = 1 ]; then
		conf=$((conf + 1))
		if grep -q '^changed .*got \(fail\|warn\|error\)$\|^incomplete' "$dir/diff.txt"; then
			verdict="FALSE ALARM"
			alarms=$((alarms + 1))
		else
			verdict=clean
		fi
	else
		verdict=caught
		for c in ${intends//,/ }; do
			grep -q "^changed clause $c: expected pass, got \(fail\|warn\)$" "$dir/diff.txt" ||
				{ verdict=ESCAPED; }
		done
		[ "$verdict" = ESCAPED ] && escaped=$((escaped + 1))
	fi
	line=$(printf '%-26s %-10s %-12s %s' "$name" "${intends:-conforming}" "$verdict" "${changed:-no clause changed}")
	summary+=("$line")
	note "$line"
done
echo
printf '%-26s %-10s %-12s %s\n' "mtty variant" intends verdict "clauses changed from EXPECTED-mtty (was>now)"
printf '%s\n' "${summary[@]}"
echo
echo "mtty mutants caught by their intended clause: $((total - conf - escaped))/$((total - conf))"
echo "false alarms on conforming mtty variants: $alarms (of $conf)"
[ "$escaped" = 0 ] && [ "$alarms" = 0 ]

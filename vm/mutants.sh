#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make vmmutants`: the rig judged by the real driver. Each vm/mutants/<name>.sed is one
# single-bug edit of the cached upstream mtty.c (its header names the clause it must trip);
# conforming-*.sed are edits within the uAPI. Every variant is built as DRIVER_SRC, booted
# with the whole case set, and compared with the expected verdicts of unmodified mtty:
#   - a mutant is caught when each clause it intends went from pass to fail (warn for a
#     SHOULD clause);
#   - a kernel-report variant (`# kernel: debug`, `# report: KIND`: a bug only the debug
#     kernel sees) is caught when its run has a kernel report of KIND, charged to a case or
#     phase report.json names, that unmodified mtty's run (vm/mutants/upstream-debug.klog)
#     does not have, and ROB-01 fails; under another kernel it is listed, not run;
#   - a conforming variant must add no fail and no warn anywhere;
#   - a variant with `# kernel: K` runs only on that kernel (listed, not run, on another):
#     a clause mutant whose bug only K can show (a failed allocation, through the debug
#     kernel's fault injection), or a kernel-report variant.
# Prints the matrix (variant x changed clauses); exit 1 when a mutant escapes or a
# conforming variant draws a new fail/warn, 2 on a rig error.
# VMMUTANTS_LOCK=FILE: take FILE's flock for each variant's build and boot only (a VM slot
# shared with others, who then interleave with a long series; do not also wrap the call).
# Usage: mutants.sh <host migcheck> <expected.json> [name...]
#        mutants.sh --klog-pairs REPORT.json   (the "KIND<TAB>WHERE" of its kernel reports)
#        mutants.sh --judge KIND BASELINE REPORT.json   (a report variant's verdict)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# klog_pairs REPORT.json: one "KIND<TAB>WHERE" line per kernel report the run charged,
# sorted and unique: from its kernel_reports list ("kind", then "case" or "phase"), each
# case's detail ("kernel log report (KIND): ...", WHERE is the case) and ROB-01's evidence
# ("WHERE (KIND): ...", a case or a phase; reports before kernel_reports existed).
# report.json writes each member on a line of its own, a detail as one JSON string with \n
# escapes.
klog_pairs() {
	awk '
	function str(line) {	# the JSON string value on @line, escapes other than \n kept
		sub(/^[^:]*: "/, "", line)
		sub(/",?[ \t\r]*$/, "", line)
		gsub(/\\\\/, "\001", line)	# an escaped backslash is not the start of \n
		return line
	}
	/^ *"kind": "/ { kind = str($0) }
	/^ *"(case|phase)": "/ && kind != "" { print kind "\t" str($0); kind = "" }
	/^ *"id": "/ { id = str($0); rob = 0 }
	/^ *"clause": "ROB-01"/ { rob = 1 }
	/^ *"detail": "/ {
		n = split(str($0), part, /\\n/)
		for (i = 1; i <= n; i++) {
			p = part[i]
			if (match(p, /^kernel log report \([a-z_]+\): /)) {
				print substr(p, 20, RLENGTH - 22) "\t" id
			} else if (rob && p !~ /^  \| / && match(p, / \([a-z_]+\): /) && RSTART > 1) {
				print substr(p, RSTART + 2, RLENGTH - 5) "\t" substr(p, 1, RSTART - 1)
			}
		}
	}' "$1" | sort -u
}

# named REPORT.json WHERE: WHERE is a case of the run or one of the runner's phases.
named() {
	case "$2" in
	'preflight ('* | 'reference-save ('* | 'foreign-save ('* | 'after the preflight, before '* | \
		'between '*' and '* | 'after the last case'* | 'kmemleak scan '*) return 0 ;;
	esac
	grep -qF "\"id\": \"$2\"" "$1"
}

# rob01_status REPORT.json: ROB-01's verdict ("" when it has no case).
rob01_status() {
	awk '/^ *"clause": "ROB-01"/ { r = 1; next }
	     r && /^ *"status": "/ { s = $0; sub(/^[^:]*: "/, "", s); sub(/".*/, "", s); print s; exit }' "$1"
}

# judge KIND BASELINE REPORT.json: "caught KIND@WHERE ..." (status 0) when the run has a
# report of KIND, charged to a named case or phase, that BASELINE's pairs do not have and
# ROB-01 fails; else "ESCAPED: why" (status 1).
judge() {
	local kind=$1 base=$2 report=$3 found='' unnamed='' k where
	while IFS=$'\t' read -r k where; do
		[ "$k" = "$kind" ] || continue
		grep -v '^#' "$base" | grep -qxF "$k	$where" && continue
		if named "$report" "$where"; then found+=" $k@$where"; else unnamed+=" $k@$where"; fi
	done < <(klog_pairs "$report")
	if [ -z "$found" ]; then
		echo "ESCAPED: no new $kind report charged to a case or phase${unnamed:+ (charged to unknown places:$unnamed)}"
		return 1
	fi
	if [ "$(rob01_status "$report")" != fail ]; then
		echo "ESCAPED: a new $kind report ($found ) but ROB-01 is $(rob01_status "$report")"
		return 1
	fi
	echo "caught$found"
}

case "${1:-}" in
--klog-pairs)
	if [ $# != 2 ] || [ ! -r "$2" ]; then die "usage: $0 --klog-pairs REPORT.json"; fi
	klog_pairs "$2"
	exit 0
	;;
--judge)
	if [ $# != 4 ] || [ ! -r "$3" ] || [ ! -r "$4" ]; then
		die "usage: $0 --judge KIND BASELINE REPORT.json"
	fi
	judge "$2" "$3" "$4"
	exit
	;;
esac

[ $# -ge 2 ] || { echo "usage: $0 <host migcheck> <expected.json> [name...]" >&2; exit 2; }
MIGCHECK=$1 EXPECTED=$2
shift 2
[ -x "$MIGCHECK" ] || die "host migcheck '$MIGCHECK' not found"
[ -r "$EXPECTED" ] || die "expected-verdict file '$EXPECTED' not found"
load_kernel_env
FLAVOUR=$(kernel_flavour)
KLOG_BASELINE=$VM_DIR/mutants/upstream-$FLAVOUR.klog
SRC=$MC_CACHE/src/$KPKGVER/mtty.c
[ -s "$SRC" ] || die "$SRC missing (run make vm-prepare first)"
WORK=${VMMUTANTS_DIR:-$REPO_DIR/build/vm-mutants}
mkdir -p "$WORK"
# Each variant is judged from one report: the group/container boot's (VM_ACCESS=both would
# boot every variant twice on the debug kernel for a report nobody compares).
export MIGCHECK_ARGS='' VM_REPORTS=$WORK/reports VM_ACCESS=${VM_ACCESS:-group}
mkdir -p "$VM_REPORTS"

if [ $# -eq 0 ]; then
	set --
	for f in "$VM_DIR"/mutants/*.sed; do set -- "$@" "$(basename "$f" .sed)"; done
fi
escaped=0 alarms=0 total=0 conf=0 kvariants=0 kcaught=0 kescaped=0 kneed=0
summary=()
for name in "$@"; do
	script=$VM_DIR/mutants/$name.sed
	[ -r "$script" ] || die "no mutant $script"
	intends=$(sed -n 's/^# intends: *//p' "$script")
	kernel=$(sed -n 's/^# kernel: *//p' "$script")
	kind=$(sed -n 's/^# report: *//p' "$script")
	conforming=0
	grep -q '^# conforming' "$script" && conforming=1
	[ -n "$intends" ] || [ "$conforming" = 1 ] || die "$script names no '# intends:' clause"
	label=${intends:-conforming}${kind:+/$kind}
	if [ -n "$kernel" ] && [ "$kernel" != "$FLAVOUR" ]; then
		line=$(printf '%-26s %-18s %-12s %s' "$name" "$label" "not run" "needs KERNEL=$kernel")
		summary+=("$line")
		note "$line"
		kneed=$((kneed + 1))
		continue
	fi
	if [ -n "$kind" ]; then
		[ -r "$KLOG_BASELINE" ] || die "$name: no $KLOG_BASELINE (the kernel reports of unmodified mtty on this kernel)"
	fi
	dir=$WORK/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	sed -f "$script" "$SRC" >"$dir/mtty.c"
	cmp -s "$SRC" "$dir/mtty.c" && die "$name: the edit does not apply to $SRC (mtty.c changed?)"
	printf 'obj-m := mtty.o\n' >"$dir/Kbuild"
	note "== $name: $(sed -n 's/^# what: *//p' "$script" | head -1)"
	if [ -n "${VMMUTANTS_LOCK:-}" ]; then	# held for this variant's build and boot only
		exec 9>>"$VMMUTANTS_LOCK"
		flock 9
	fi
	start=$SECONDS
	DRIVER_SRC=$dir "$VM_DIR/build-driver.sh" >"$dir/build.log" 2>&1 ||
		die "$name: the driver does not build (see $dir/build.log)"
	DRIVER_SRC=$dir "$VM_DIR/mkinitramfs.sh" "$REPO_DIR/${BUILD:-build}/migcheck-static" \
		>"$dir/initramfs.log" 2>&1 || die "$name: initramfs failed (see $dir/initramfs.log)"
	DRIVER_SRC=$dir run_for_report "$name" "$dir/run.log"
	report=$NEW_REPORT/report.json
	[ -z "${VMMUTANTS_LOCK:-}" ] || exec 9>&-
	cp "$report" "$dir/report.json"
	[ ! -r "$NEW_REPORT/kernel.log" ] || cp "$NEW_REPORT/kernel.log" "$dir/kernel.log"
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
	elif [ -n "$kind" ]; then
		kvariants=$((kvariants + 1))
		set +e
		why=$(judge "$kind" "$KLOG_BASELINE" "$dir/report.json")
		set -e
		verdict=${why%%[ :]*}
		changed="$why; ${changed:-no clause changed}"
		if [ "$verdict" = caught ]; then kcaught=$((kcaught + 1)); else kescaped=$((kescaped + 1)); fi
	else
		verdict=caught
		for c in ${intends//,/ }; do
			grep -q "^changed clause $c: expected pass, got \(fail\|warn\)$" "$dir/diff.txt" ||
				{ verdict=ESCAPED; }
		done
		[ "$verdict" = ESCAPED ] && escaped=$((escaped + 1))
	fi
	line=$(printf '%-26s %-18s %-12s %s (%ds)' "$name" "$label" "$verdict" "${changed:-no clause changed}" \
		$((SECONDS - start)))
	summary+=("$line")
	note "$line"
done
echo
printf '%-26s %-18s %-12s %s\n' "mtty variant" intends verdict \
	"what changed from $(basename "$EXPECTED") (was>now), new kernel reports"
printf '%s\n' "${summary[@]}"
echo
echo "mtty mutants caught by their intended clause: $((total - conf - kvariants - escaped))/$((total - conf - kvariants))"
echo "kernel-report variants caught by their report: $kcaught/$kvariants$([ "$kneed" = 0 ] || echo " ($kneed not run: they need another KERNEL)")"
echo "false alarms on conforming mtty variants: $alarms (of $conf)"
[ "$escaped" = 0 ] && [ "$kescaped" = 0 ] && [ "$alarms" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel coverage of a `make vmfuzz` campaign on a KCOV kernel, from what the guest
# brought back: kcov-new.log (every fuzzing process appends "<unix time> <PC-list line>"
# for each PC of the driver, mdev or the VFIO core it reached first; fuzz/fuzz_kcov.c),
# fuzz-start (the campaign's start, unix time), fuzz-progress.tsv (vmfuzz-loop.sh: seconds,
# inputs run, features at each of libFuzzer's progress lines) and kcov-ft.log (features of the final corpus with and without the kernel's counters).
# Writes kcov-pcs.txt (the unique PCs in kcov.h's PC-list format, for line coverage on the
# host; symbolised into fuzz-coverage/ where lib.sh has driver_coverage), kcov-series.tsv
# (seconds, driver PCs, all PCs, at each new PC) and kcov-series.pcs (the driver lines'
# series, as cases), and prints the members fuzz-stats.json gains, each line starting
# with ", ".
# Usage: vmfuzz-kcov.sh <report dir> <driver module>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
out=$1 drv=${2//-/_}
klog=$out/kcov-new.log
start=$(cat "$out/fuzz-start" 2>/dev/null || true)
[ -n "$start" ] || start=$(awk 'NR == 1 { print $1 }' "$klog" 2>/dev/null || echo 0)
[ -n "$start" ] || start=0

# The first time each PC was reached by any process, in time order; the ranges' lines
# ("0 # range ...", each process's) head the PC list once.
if [ -s "$klog" ]; then
	sort -n -s -k1,1 "$klog" | awk '$2 != "#" && !seen[$2]++' >"$out/kcov-first.tmp"
else
	: >"$out/kcov-first.tmp"
fi
{
	if [ -s "$klog" ]; then awk '$2 == "#"' "$klog" | cut -d' ' -f2- | sort -u; fi
	cut -d' ' -f2- "$out/kcov-first.tmp" | sort
} >"$out/kcov-pcs.txt"
awk -v s="$start" -v d="$drv" '
	{ all++; if ($3 == d) drv++; t = $1 - s; if (t < 0) t = 0; last[t] = drv "\t" all
	  if (!(t in last_seen)) { order[n++] = t; last_seen[t] = 1 } }
	END { for (i = 0; i < n; i++) printf "%d\t%s\n", order[i], last[order[i]] }
' "$out/kcov-first.tmp" >"$out/kcov-series.tsv"

driver_pcs=$(awk -v d="$drv" '$2 == d' "$out/kcov-pcs.txt" | wc -l)
all_pcs=$(grep -vc '^#' "$out/kcov-pcs.txt" || true)
# At most about 60 points for the report's chart: the last value of each step.
series() { # <tsv with time in column 1> <columns to keep, awk list>
	awk -v cols="$2" 'BEGIN { n = split(cols, c, ",") }
		{ t[NR] = $1; for (i = 1; i <= n; i++) v[NR, i] = $(c[i]) }
		END {
			step = t[NR] / 60; if (step < 1) step = 1; sep = ""; printf "["
			for (r = 1; r <= NR; r++) {
				if (r < NR && int(t[r + 1] / step) == int(t[r] / step)) continue
				printf "%s[%d", sep, t[r]; for (i = 1; i <= n; i++) printf ", %d", v[r, i]
				printf "]"; sep = ", "
			}
			printf "]"
		}' "$1"
}
# Features of the final corpus counted by libFuzzer with the kernel's counters and without.
ft() { sed -n "s/^$1 .*INITED .* ft: \([0-9]*\).*/\1/p" "$out/kcov-ft.log" 2>/dev/null | tail -1; }
# The driver's lines, where the host can symbolise the PC list (lib.sh's driver_coverage,
# `migcheck coverage`, with the debug kernel's objects): into fuzz-coverage/.
lines=null lines_total=null
if declare -F driver_coverage >/dev/null && [ "$driver_pcs" -gt 0 ]; then
	mkdir -p "$out/fuzz-coverage"
	[ ! -s "$out/report.json" ] || cp "$out/report.json" "$out/fuzz-coverage/"
	(load_kernel_env && driver_coverage "$out/kcov-pcs.txt" "$out/fuzz-coverage") >&2 || true
	read -r lines lines_total < <(sed -n 's|^coverage: driver lines \([0-9]*\)/\([0-9]*\).*|\1 \2|p' \
		"$out/fuzz-coverage/coverage.log" 2>/dev/null) || true
fi
# The driver's lines over time: the PCs first reached by each of about 20 points of the
# campaign, cumulative, as the cases of one PC list ("# case <seconds>"), symbolised in one
# more `migcheck coverage` (its per-case lines_hit).
lines_series='[]'
if [ "${lines:-null}" != null ]; then
	awk -v s="$start" -v d="$drv" '$3 == d { t = $1 - s; print (t < 0 ? 0 : t) }' \
		"$out/kcov-first.tmp" | sort -n -u >"$out/kcov-times.tmp"
	awk -v s="$start" 'NR == FNR { t[++n] = $1; next }
		{ at = $1 - s; line[++m] = $0; when[m] = at < 0 ? 0 : at }
		END {
			step = n / 20; if (step < 1) step = 1
			for (i = step; ; i += step) {
				k = int(i + 0.5); if (k > n) k = n
				printf "# case %d\n", t[k]
				for (j = 1; j <= m; j++) if (when[j] <= t[k]) { sub(/^[0-9]+ /, "", line[j]); print line[j] }
				if (k == n) break
			}
		}' "$out/kcov-times.tmp" "$out/kcov-first.tmp" >"$out/kcov-series.pcs"
	mkdir -p "$out/kcov-series.cov"
	(load_kernel_env && driver_coverage "$out/kcov-series.pcs" "$out/kcov-series.cov") >&2 || true
	lines_series=$(grep -o '"name": "[0-9]*", "lines_hit": [0-9]*' "$out/kcov-series.cov/coverage.json" 2>/dev/null |
		sed 's/"name": "\([0-9]*\)", "lines_hit": \([0-9]*\)/[\1, \2]/' | paste -sd, | sed 's/,/, /g; s/^/[/; s/$/]/') || lines_series='[]'
	rm -rf "$out/kcov-series.cov" "$out/kcov-times.tmp"
fi
rm -f "$out/kcov-first.tmp"
# Inputs the campaign ran: the notes each input wrote to the kernel log (MIGCHECK_FUZZ_KMSG)
# before the replay's mark, less the runs of the two corpus passes (their INITED "#N").
# libFuzzer's own count misses the inputs after its last progress line in a process that
# ended on a finding.
# A guest that panicked brought back no kernel.log: its log as the panic replayed it.
klogf=$out/kernel.log
[ -s "$klogf" ] || klogf=$out/serial.log
notes=$(awk '/migcheck-fuzz: replay of the findings begins/ { exit } /migcheck-fuzz: [a-z_]* len=/ { n++ } END { print n + 0 }' \
	"$klogf" 2>/dev/null || echo 0)
passes=0	# no kcov-ft.log: no corpus passes were run
[ ! -s "$out/kcov-ft.log" ] || passes=$(sed -n 's/^[a-z]* #\([0-9]*\)[[:space:]]*INITED.*/\1/p' \
	"$out/kcov-ft.log" | awk '{ n += $1 } END { print n + 0 }')
echo ", \"inputs_run\": $((notes > passes ? notes - passes : 0))"
echo ", \"driver_lines\": ${lines:-null}, \"driver_lines_total\": ${lines_total:-null}, \"lines_series\": ${lines_series:-[]}"
echo ", \"kcov\": \"$(cat "$out/kcov-mode" 2>/dev/null || echo off)\", \"driver_module\": \"$drv\""
echo ", \"driver_pcs\": $driver_pcs, \"kcov_pcs\": $all_pcs"
echo ", \"ft_kernel\": $(ft kernel | grep . || echo null), \"ft_no_kernel\": $(ft harness | grep . || echo null)"
echo ", \"kcov_series\": $(series "$out/kcov-series.tsv" 2,3)"
if [ -s "$out/fuzz-progress.tsv" ]; then
	echo ", \"exec_series\": $(series "$out/fuzz-progress.tsv" 2,3)"
else
	echo ", \"exec_series\": []"
fi

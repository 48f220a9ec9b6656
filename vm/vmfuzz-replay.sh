#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# In the guest (busybox ash), after a `make vmfuzz` campaign (vm/vmfuzz.sh runs it from
# VM_EXTRA_ARGS): the first input of each distinct finding (kept by the libFuzzer driver in
# <inputs dir>) is replayed with `migcheck replay` on a freshly loaded driver (UBSAN reports a
# source location once per module load), then minimised by libFuzzer and the minimised
# input replayed the same way. One line per finding on stdout and in /out/fuzz-replay.log:
#   REPLAY <hash> reproduced|NOT-REPRODUCED [min <bytes> <from bytes>|min-lost|min-none] <key>
# Usage: vmfuzz-replay.sh <target> <fuzzer> <inputs dir> <device spec> [<parent> <type>]
# (the driver is reloaded only for a device spec mdev:<uuid> whose parent's module it loaded)
T=$1 FUZZER=$2 DIR=$3 DEV=$4 PARENT=${5:-} TYPE=${6:-}
UUID=${DEV#mdev:}
MAX=${MC_REPLAY_MAX:-8} MIN_SECS=${MC_MINIMIZE_SECS:-20}
LOG=/out/fuzz-replay.log

say() { echo "$*" | tee -a "$LOG"; }

# Remove every mdev of the parent, reload its module, create the fuzzed mdev again.
reload() {
	[ "$UUID" != "$DEV" ] && [ -n "$PARENT" ] && [ -n "$TYPE" ] || return 1
	mod=$(grep -x "$PARENT.ko" /lib/modules/load.list 2>/dev/null)
	[ -n "$mod" ] || return 1
	for d in /sys/bus/mdev/devices/*; do
		[ -e "$d/remove" ] && echo 1 >"$d/remove"
	done
	rmmod "$PARENT" && insmod "/lib/modules/$mod" || return 1
	echo "$UUID" >"/sys/class/mdev_bus/$PARENT/mdev_supported_types/$TYPE/create" || return 1
	g=$(readlink "/sys/bus/mdev/devices/$UUID/iommu_group") || return 1
	n=0
	while [ ! -c "/dev/vfio/${g##*/}" ] && [ $n -lt 50 ]; do usleep 100000; n=$((n + 1)); done
	[ -c "/dev/vfio/${g##*/}" ]
}

# The FINDING line `migcheck replay` prints for input $1 on a reloaded driver ("" if none).
replay() {
	reload || echo "vmfuzz-replay: could not reload $PARENT; replaying on the loaded driver" >&2
	/bin/migcheck replay --device "$DEV" --target "$T" "$1" 2>&1 |
		sed -n 's/^FINDING //p' | head -1
}

: >"$LOG"
echo "<5>migcheck-fuzz: replay of the findings begins" >/dev/kmsg
n=0
for k in "$DIR"/*.key; do
	[ -f "$k" ] || continue
	n=$((n + 1))
	in=${k%.key} h=$(basename "${k%.key}")
	want=$(sed -n '1s/^FINDING //p' "$k")
	if [ $n -gt "$MAX" ]; then
		say "REPLAY $h skipped (more than $MAX findings) $want"
		continue
	fi
	got=$(replay "$in")
	res=NOT-REPRODUCED
	[ "$got" = "$want" ] && res=reproduced
	[ "$res" = reproduced ] || echo "vmfuzz-replay: $h gave '${got:-no finding}'" >&2
	# libFuzzer's minimisation, its runs kept out of the campaign's findings; a minimised
	# input counts only when it reproduces the same finding.
	mini=min-none
	env -u MIGCHECK_FUZZ_FINDINGS MIGCHECK_FUZZ_INPUTS=/tmp/min-inputs \
		timeout $((MIN_SECS + 30)) "$FUZZER" -minimize_crash=1 -max_total_time="$MIN_SECS" \
		-exact_artifact_path="$in.min" "$in" >"/out/minimize-$h.log" 2>&1
	if [ -s "$in.min" ] && ! cmp -s "$in" "$in.min"; then
		if [ "$(replay "$in.min")" = "$want" ]; then
			mini="min $(wc -c <"$in.min") $(wc -c <"$in")"
		else
			mini=min-lost
		fi
	fi
	say "REPLAY $h $res $mini $want"
done
echo "<5>migcheck-fuzz: replay of the findings ends" >/dev/kmsg
say "REPLAYED $n finding(s)"

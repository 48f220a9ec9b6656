#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# In the guest (busybox sh), for vm/vmfuzz-afl.sh: AFL++ on the real driver with the
# kernel's coverage counted into AFL++'s map (fuzz/driver_afl.c). Three steps, each a
# line in the log (the host reads the AFL-MAP ones):
#   AFL-MAP seeds <off> <guide>   afl-showmap -C of the seed corpus without the kernel's
#                                 coverage and with it: the tuples of each map
#   AFL-FUZZ rc <n>               afl-fuzz -V <seconds>, guided, on the seed corpus
#                                 (fuzzer_stats and its queue in /out/afl/default)
#   AFL-MAP queue <off> <guide>   the same two maps of the campaign's queue
# The AFL-MAP lines also go to the kernel log ("migcheck-afl: AFL-MAP ..."), which a guest
# that panics replays to the serial console.
# Usage: vmfuzz-afl-guest.sh <AFL++ target binary> <seconds>
x=$1 secs=$2
# afl-fuzz's checks that do not apply to a one-CPU guest without core dumps or cpufreq;
# the device's operations under TCG and KASAN take milliseconds: 20 s per input at most.
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_NO_UI=1 AFL_FORKSRV_INIT_TMOUT=60000
unset MIGCHECK_FUZZ_KCOV_LOG

# maps <dir> <name>: the tuples of <dir>'s inputs, without and with the kernel's coverage.
maps() {
	for m in off guide; do
		MIGCHECK_FUZZ_KCOV=$m AFL_DEBUG_CHILD=1 afl-showmap -C -t 20000 -i "$1" -o "/out/afl-map-$2-$m" -- "$x" \
			>"/out/afl-showmap-$2-$m.log" 2>&1
		wc -l <"/out/afl-map-$2-$m" 2>/dev/null || echo 0
	done | {
		read -r off
		read -r guide
		echo "AFL-MAP $2 ${off:-0} ${guide:-0}"
		# Also a kernel-log record: a guest that panics later (panic_print) keeps it.
		echo "<6>migcheck-afl: AFL-MAP $2 ${off:-0} ${guide:-0}" >/dev/kmsg 2>/dev/null
	}
}

maps /fuzz/corpus seeds
MIGCHECK_FUZZ_KCOV=guide afl-fuzz -V "$secs" -t 20000 -i /fuzz/corpus -o /out/afl -- "$x" \
	>/out/afl-fuzz.log 2>&1
echo "AFL-FUZZ rc $?"
tail -n 20 /out/afl-fuzz.log
[ -d /out/afl/default/queue ] && maps /out/afl/default/queue queue
# AFL++'s queue/.state holds symbolic links to queue entries, which the host's results
# extraction refuses (with a warning for each); the queue itself is kept.
rm -rf /out/afl/default/queue/.state

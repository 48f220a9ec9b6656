#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# In the guest, for bench/vm-fuzz.sh: run after each extra program /extra/<x>. For a
# libFuzzer target (build/fuzz-cov/<t>): fuzz the real device for SECS seconds from a copy
# of the committed corpus, as make vmfuzz runs (fork mode, crashes ignored, dictionary,
# max_len, each input noted in the kernel log), keeping a sample of the inputs it ran; then fuzzbase replays that sample
# through the harness and bare, in the same guest. Prints "libfuzzer <t> <exec/s>" and
# fuzzbase's line. The fuzzbase extra itself does nothing here.
# Usage: vm-fuzz-guest.sh <extra program> <device spec> <seconds>
x=$1 dev=$2 secs=$3
t=${x##*/}
[ "$t" = fuzzbase-static ] && exit 0
c=/tmp/fb-corpus-$t s=/tmp/fb-sample-$t
mkdir -p "$c" "$s" && cp /fuzz/corpus/"$t"/* "$c"/ || exit 2
ml=$(sed -n 's/^max_len *= *//p' /fuzz/opts/"$t".options 2>/dev/null | head -n1)
# Fork mode with crashes ignored, as make vmfuzz runs: mtty's known deviations are findings
# that would end a plain run at once. exec/s from the last progress line
# ("#N: cov: C ft: F corp: K exec/s E oom/timeout/crash: ...").
MIGCHECK_FUZZ_SAMPLE=$s MIGCHECK_FUZZ_SAMPLE_EVERY=${MIGCHECK_FUZZ_SAMPLE_EVERY:-13} \
	"$x" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -max_total_time="$secs" \
	-print_funcs=0 -close_fd_mask=3 -artifact_prefix=/tmp/fb-art- \
	-dict=/fuzz/opts/"$t".dict ${ml:+-max_len=$ml} "$c" 2>&1 |
	sed -n 's/^#[0-9]*: cov:.* exec\/s \([0-9]*\).*/\1/p' | tail -n1 | sed "s/^/libfuzzer $t /"
/extra/fuzzbase-static --device "$dev" --seconds "$secs" --check --split "$t:$s"

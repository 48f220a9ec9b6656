#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# In the guest (busybox ash), the campaign of `make vmfuzz` (vm/vmfuzz.sh runs it from
# VM_EXTRA_ARGS): libFuzzer in one long-lived process, started again with the time left
# whenever it ends early, until <seconds> are used. It ends early at a new finding (the
# driver aborts at a finding not kept yet, MIGCHECK_FUZZ_CONTINUE=known), a crash of the
# harness, an input that timed out or ran out of memory; each leaves its artifact. Fork mode
# did the same with a new process and a corpus merge for every job, which under TCG cost
# most of the campaign's time.
# libFuzzer's output passes through unchanged; in addition:
#   /out/fuzz-progress.tsv   (MC_FUZZ_PROGRESS) <seconds since the start> <inputs run>
#                            <features>, at each of libFuzzer's progress lines (inputs
#                            run counts all processes)
#   "MC-FUZZ process <n> ..."  a line at each process's start and end
#   "MC-FUZZ done processes <n> abnormal <n> execs <n> seconds <n> cov <n> ft <n>"  the last
# With MC_FUZZ_PROGRESS_KMSG=1 each row also goes to the kernel log as "migcheck-fuzz:
# progress <seconds> <inputs> <features>", so a guest that panics (its log replayed to the
# serial console) keeps the campaign's progress up to the panic.
# A process may end while it loads the corpus (INITED): at a seed that is a new finding,
# known to the next process, which goes past it. Two such ends in a row on the same input
# (libFuzzer's "Test unit written to" artifact) would repeat to the end: the campaign stops
# there. Exit status 0 when no process ended abnormally, 1 otherwise.
# Usage: vmfuzz-loop.sh <fuzzer> <seconds> <libFuzzer arguments...>
X=$1 SECS=$2
shift 2
PROG=${MC_FUZZ_PROGRESS:-/out/fuzz-progress.tsv} ST=${TMPDIR:-/tmp}/mc-fuzz-process.$$

now=0
up() { # now: whole seconds since boot, without a fork
	read -r u _ </proc/uptime
	now=${u%.*}
}
up
start=$now end=$((now + SECS))
# stuck: the artifact of the last process that ended loading the corpus ("-" for none),
# empty when the one before loaded it.
execs=0 n=0 abnormal=0 cov=0 ft=0 stuck=
: >"$PROG"
while :; do
	up
	left=$((end - now))
	[ "$left" -gt 0 ] || break
	n=$((n + 1))
	echo "MC-FUZZ process $n begins at $((now - start))s, ${left}s left"
	# The reader runs in a subshell: what it learnt goes through $ST (last count, cov, ft,
	# whether the corpus was loaded, the artifact), the fuzzer's status through $ST.rc.
	{
		"$X" -max_total_time="$left" "$@" 2>&1
		echo $? >"$ST.rc"
	} | {
		last=0 c=$cov f=$ft inited=0 unit=-
		while IFS= read -r line; do
			printf '%s\n' "$line"
			case $line in
			'#'[0-9]*' cov: '*)
				l=${line#\#}
				last=${l%%[!0-9]*}
				c=${line#* cov: } c=${c%% *}
				f=${line#* ft: } f=${f%% *}
				case $line in *INITED*) inited=1 ;; esac
				up
				printf '%d\t%d\t%d\n' $((now - start)) $((execs + last)) "$f" >>"$PROG"
				[ "${MC_FUZZ_PROGRESS_KMSG:-}" != 1 ] ||
					printf '<6>migcheck-fuzz: progress %d %d %d\n' $((now - start)) \
						$((execs + last)) "$f" 2>/dev/null >/dev/kmsg
				;;
			*'Test unit written to '*) unit=${line##* } ;;
			stat::number_of_executed_units:*)
				l=${line##* }
				[ "$l" -gt "$last" ] 2>/dev/null && last=$l
				;;
			esac
		done
		echo "$last $c $f $inited $unit" >"$ST"
	}
	read -r last cov ft inited unit <"$ST"
	read -r rc <"$ST.rc"
	execs=$((execs + last))
	up
	echo "MC-FUZZ process $n ends at $((now - start))s, exit $rc, $last inputs"
	[ "$rc" = 0 ] && break
	abnormal=$((abnormal + 1))
	if [ "$inited" = 1 ]; then
		stuck=
	elif [ "$unit" = "$stuck" ]; then
		echo "MC-FUZZ stopping: process $n ended (exit $rc) loading its corpus, on the same input as the one before ($unit)"
		break
	else
		stuck=$unit
	fi
done
up
echo "MC-FUZZ done processes $n abnormal $abnormal execs $execs seconds $((now - start)) cov $cov ft $ft"
rm -f "$ST" "$ST.rc"
[ "$abnormal" = 0 ]

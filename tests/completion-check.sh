#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The bash completion (completion/migcheck.bash) driven as bash drives it: COMP_LINE,
# COMP_POINT, COMP_WORDS and COMP_CWORD set for a line, _migcheck called, COMPREPLY
# compared with what the binary lists (commands, options, devices, defects, clauses).
# Usage: tests/completion-check.sh MIGCHECK SCRIPT
set -u
MC=${1:?usage: $0 MIGCHECK SCRIPT}
SCRIPT=${2:?usage: $0 MIGCHECK SCRIPT}
# shellcheck source=tests/cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"
mkdir -p "$W/bin" "$W/dir.d" && ln -s "$(realpath "$MC")" "$W/bin/migcheck" && : >"$W/file.json"
PATH=$W/bin:$PATH
# shellcheck source=completion/migcheck.bash
. "$SCRIPT"
complete -p migcheck | grep -q -- '-F _migcheck migcheck$' || bad "complete -p migcheck: $(complete -p migcheck 2>&1)"

# comp LINE: COMPREPLY for the cursor at the end of LINE, one a line, in $W/reply.
comp() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	# bash's own split, at blanks and at COMP_WORDBREAKS' ':' and '='.
	read -r -a COMP_WORDS <<<"$(sed 's/\([:=]\)/ \1 /g' <<<"$1")"
	[[ $1 == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_migcheck
	printf '%s\n' "${COMPREPLY[@]}" >"$W/reply"
}

# want LINE WORD...: every WORD is offered; nowant LINE WORD...: none is.
want() {
	local line=$1 w
	shift
	comp "$line"
	for w in "$@"; do
		grep -qxF -- "$w" "$W/reply" || bad "'$line<TAB>' does not offer '$w': $(tr '\n' ' ' <"$W/reply")"
	done
}
nowant() {
	local line=$1 w
	shift
	comp "$line"
	for w in "$@"; do
		grep -qxF -- "$w" "$W/reply" && bad "'$line<TAB>' offers '$w'"
	done
}

"$MC" --help >"$W/help"
cmds=$(commands "$W/help")
# shellcheck disable=SC2086 # one word a command
want "migcheck " $cmds --help --version
want "migcheck de" defects
nowant "migcheck de" run list
want "migcheck help ru" run
for c in $cmds; do
	for o in $("$MC" "$c" --help | grep -Eo -- '(^| |\[)--[a-z][a-z-]*[a-z]' | tr -d ' [' | sort -u); do
		want "migcheck $c ${o:0:4}" "$o"
	done
done
want "migcheck run --de" --device --destructive
nowant "migcheck run --de" --markdown
want "migcheck clauses --" --markdown
want "migcheck bundle -" -o --sign --waivers --help
want "migcheck run --device " sim sim:
want "migcheck run --peer s" sim sim:
want "migcheck run --device sim:" flags= defect= variant= id= mem= seed=
want "migcheck run --device sim:fl" flags=
want "migcheck run --device sim:flags=" 1 3 5 7
defect=$("$MC" defects | awk 'NR == 1 { print $1 }')
variant=$("$MC" defects | awk '/^#/ { v = 1; next } v && NF { print $1; exit }')
want "migcheck run --device sim:defect=" "$defect"
nowant "migcheck run --device sim:defect=" "$variant"
want "migcheck run --device sim:variant=" "$variant"
want "migcheck run --device sim:defect=$defect+" "$defect+$defect"
want "migcheck run --device sim:flags=5:defect=${defect:0:3}" "$defect"
clause=$("$MC" clauses | awk '/^  [A-Z]+-[0-9]+ / { print $1; exit }')
want "migcheck run --only ${clause:0:3}" "$clause" "${clause%-*}"
want "migcheck run --only FSM-01,${clause:0:3}" "FSM-01,$clause"
want "migcheck run --only fsm.p" fsm.pair
want "migcheck run --io " rw uring
want "migcheck run --profile c" cloud-hypervisor
want "migcheck replay --target r" resume_stream
want "migcheck expect " check write agree
want "migcheck report " render
want "migcheck run --out $W/di" "$W/dir.d"
nowant "migcheck run --out $W/fi" "$W/file.json"
want "migcheck klog $W/fi" "$W/file.json"
want "migcheck run --waivers $W/fi" "$W/file.json"
want "migcheck report render $W/fi" "$W/file.json"
comp "migcheck run --seed "
[ -s "$W/reply" ] && [ "$(cat "$W/reply")" != "" ] && bad "--seed offers '$(head -1 "$W/reply")'"

finish completion-check "$(echo "$cmds" | wc -w) commands and their options, sim's parameters, defects, clauses, paths"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The command line answers like its ecosystem: every command `migcheck --help` lists
# answers `CMD --help`, `CMD -h`, `help CMD` and `CMD ARG... --help` on stdout with exit 0, nothing on stderr,
# and a text that names CMD; --version, -V and version agree and name a commit.
# Usage: tests/cli-check.sh MIGCHECK
set -u
MC=${1:?usage: $0 MIGCHECK}
# shellcheck source=tests/cli-lib.sh
. "$(dirname "$0")/cli-lib.sh"

# The commands: the first word of each line of the commands section.
"$MC" --help >"$W/help" || bad "migcheck --help exits $?"
cmds=$(commands "$W/help")
n=$(echo "$cmds" | wc -w)
[ "$n" -ge 15 ] || bad "migcheck --help lists $n commands, fewer than the 15 expected"
for c in $cmds; do
	# After other arguments too, even ones the command would refuse.
	for form in "$c --help" "$c -h" "help $c" "$c x -y --help"; do
		# shellcheck disable=SC2086 # the form is two words on purpose
		"$MC" $form </dev/null >"$W/out" 2>"$W/err"
		rc=$?
		[ $rc = 0 ] || bad "migcheck $form: exit $rc"
		[ -s "$W/err" ] && bad "migcheck $form: stderr: $(head -1 "$W/err")"
		grep -q "^usage" "$W/out" || bad "migcheck $form: stdout has no usage line"
		grep -q "^  *\(migcheck \)\{0,1\}$c\( \|\$\)\|usage: migcheck $c" "$W/out" ||
			bad "migcheck $form: the text does not name $c"
	done
done
"$MC" help no-such-command >/dev/null 2>&1 && bad "help of an unknown command exits 0"

v=$("$MC" --version) || bad "migcheck --version exits $?"
if [ "$v" != "$("$MC" -V)" ] || [ "$v" != "$("$MC" version)" ]; then
	bad "--version, -V and version differ"
fi
echo "$v" | grep -q '^migcheck [0-9][0-9.]* (.*)$' || bad "version line '$v'"
echo "$v" | grep -q '(unknown)' && bad "version line '$v' names no commit"

finish cli-check "$n commands, --help, -h and help CMD each; $v"

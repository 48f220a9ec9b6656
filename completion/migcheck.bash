# SPDX-License-Identifier: GPL-2.0-only
# Bash completion of migcheck (installed as share/bash-completion/completions/migcheck).
# Everything it offers comes from the migcheck being completed, so it cannot fall behind:
# the commands from `migcheck --help`, a command's options from `migcheck CMD --help`,
# devices from `migcheck list` (plus sim and its KEY=VALUE parameters), defect and variant
# names from `migcheck defects`, clause IDs and groups from `migcheck clauses`, fuzz targets
# from `migcheck replay --help`; files and directories where a path is expected.
# tests/completion-check.sh drives it as bash would.

# The words of the line up to the cursor, split at blanks only: bash's own COMP_WORDS
# also splits at ':' and '=', which device specs (sim:defect=NAME) are made of.
_migcheck_words()
{
	local line=${COMP_LINE:0:COMP_POINT}

	read -r -a _mc_w <<<"$line"
	[[ $line == *[[:space:]] || ${#_mc_w[@]} -eq 0 ]] && _mc_w+=("")
}

# COMPREPLY from the candidates in $1 (one a line) that start with $2; what bash takes as
# already typed (up to the last ':' or '=' of $2) is cut off each.
_migcheck_reply()
{
	local cur=$2 typed=${2%"${2##*[:=]}"} c

	COMPREPLY=()
	while IFS= read -r c; do
		[[ -n $c && $c == "$cur"* ]] && COMPREPLY+=("${c#"$typed"}")
	done <<<"$1"
}

_migcheck_paths()
{
	mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
	compopt -o filenames 2>/dev/null
}

_migcheck_commands()
{
	"$1" --help 2>/dev/null |
		awk '/^commands:/ { f = 1; next } /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }'
}

# Device specs: what `migcheck list` finds, sim, and sim's parameters and their values.
_migcheck_devices()
{
	local mc=$1 cur=$2 head=${2%:*} key names

	if [[ $cur == sim:* ]]; then
		key=${cur##*:}
		case $key in
		defect=* | variant=*)
			# sim:defect=A+B: complete the last name of the '+' list.
			names=$("$mc" defects 2>/dev/null | awk -v v="${key%%=*}" '
				/^$/ { next } /^#/ { conf = 1; next }
				(v == "variant") == (conf == 1) { print $1 }')
			local done=${key#*=}
			done=${done%"${done##*+}"}
			_migcheck_reply "$(sed "s|^|$head:${key%%=*}=$done|" <<<"$names")" "$cur"
			;;
		flags=*) _migcheck_reply "$(printf "$head:flags=%s\n" 1 3 5 7)" "$cur" ;;
		*)
			_migcheck_reply "$(printf "$head:%s=\n" flags defect variant id mem seed)" "$cur"
			compopt -o nospace 2>/dev/null
			;;
		esac
		[[ $cur == *= || ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	_migcheck_reply "$(printf 'sim\nsim:\n'; "$mc" list 2>/dev/null | awk '$1 ~ /^(mdev|pci):|^\// { print $1 }')" "$cur"
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == "sim:" ]] && compopt -o nospace 2>/dev/null
}

# --only: a comma list of clause IDs, groups and case names; the last item is completed.
_migcheck_only()
{
	local mc=$1 cur=$2 done=${2%"${2##*,}"}

	_migcheck_reply "$({ "$mc" clauses | awk '/^[A-Z]+:/ { sub(":", "", $1); print $1 }
			  /^  [A-Z]+-[0-9]+ / { print $1 }'; "$mc" cases | awk '{ print $1 }'; } \
			2>/dev/null | sed "s|^|$done|")" "$cur"
}

_migcheck()
{
	local _mc_w mc cmd cur prev
	_migcheck_words
	mc=${_mc_w[0]}
	cmd=${_mc_w[1]:-}
	cur=${_mc_w[-1]}
	prev=${_mc_w[-2]:-}
	COMPREPLY=()
	command -v "$mc" >/dev/null 2>&1 || return

	if [[ ${#_mc_w[@]} -eq 2 ]]; then
		_migcheck_reply "$(_migcheck_commands "$mc"; printf '%s\n' --help --version -V)" "$cur"
		return
	fi
	case $prev in
	--device | --peer | --foreign) _migcheck_devices "$mc" "$cur"; return ;;
	--only) _migcheck_only "$mc" "$cur"; return ;;
	--io) _migcheck_reply $'rw\nuring' "$cur"; return ;;
	--profile) _migcheck_reply $'qemu\ncloud-hypervisor\nall\nnone' "$cur"; return ;;
	--flags) _migcheck_reply $'1\n3\n5\n7' "$cur"; return ;;
	--target)
		_migcheck_reply "$("$mc" replay --help 2>/dev/null | awk '/^  [a-z_]+ / { print $1 }')" "$cur"
		return
		;;
	--out | --cases | --src | --ksrc) _migcheck_paths -d "$cur"; return ;;
	--waivers | --json | --sign | --key | --pcs | --module | --vmlinux | -o)
		_migcheck_paths -f "$cur"
		return
		;;
	--seed | --timeout | --op-timeout | --stream-limit | --budget | --dirty | \
		--state-regions | --jobs | --threshold)
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		_migcheck_reply "$("$mc" "$cmd" --help 2>/dev/null | grep -Eo -- '(^| |\[)-(-[a-z][a-z-]*[a-z]|[oh])' |
			tr -d ' ['; echo --help)" "$cur"
		return
	fi
	case $cmd in
	help) [[ ${#_mc_w[@]} -eq 3 ]] && _migcheck_reply "$(_migcheck_commands "$mc")" "$cur" ;;
	expect | report)
		# The subcommand first, then files.
		if [[ ${#_mc_w[@]} -eq 3 ]]; then
			_migcheck_reply "$([[ $cmd == expect ]] && printf 'check\nwrite\nagree' ||
				echo render)" "$cur"
		else
			_migcheck_paths -f "$cur"
		fi
		;;
	bundle | replay | klog | verify | diff) _migcheck_paths -f "$cur" ;;
	esac
}

complete -F _migcheck migcheck

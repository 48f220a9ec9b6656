#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The layering check (make layers-check): the harness's files, taken as the symbols each
# object defines and the ones it uses, must form a DAG. A group of files that reach each
# other through their calls cannot be read, tested or replaced one at a time, so each
# group of more than one file is printed with the symbols that close it, and the check
# fails. The simulated device's files (sim*.o) count as one: a device model with a private
# header, entered through one ops table, may call itself any way it likes.
#
# usage: tools/layers.sh OBJDIR      (OBJDIR holds the harness's .o files)
#        tools/layers.sh --self-test (the check must find a loop it is shown, and only it)
# Needs only cc, nm (binutils) and awk.
set -eu

# Four objects: a and b call each other, c calls a, and sim_x and sim_y call each other
# (allowed). The check must fail naming a and b and nothing else; with b's call gone
# it must pass.
self_test() {
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	printf 'void b(void); void a(void) { b(); }\n' > "$t/a.c"
	printf 'void a(void); void b(void) { a(); }\n' > "$t/b.c"
	printf 'void a(void); void c(void) { a(); }\n' > "$t/c.c"
	printf 'void sim_y(void); void sim_x(void) { sim_y(); }\n' > "$t/sim_x.c"
	printf 'void sim_x(void); void sim_y(void) { sim_x(); }\n' > "$t/sim_y.c"
	for f in a b c sim_x sim_y; do
		${CC:-cc} -c -o "$t/$f.o" "$t/$f.c"
	done
	if "$0" "$t" > "$t/out" 2>&1; then
		echo "layers: self-test: the loop a <-> b was not found" >&2
		exit 1
	fi
	if ! grep -q '^layers: these files call each other in a loop: [ab] [ab]$' "$t/out" ||
	   [ "$(grep -c 'in a loop' "$t/out")" != 1 ]; then
		echo "layers: self-test: expected one loop, a and b; got:" >&2
		cat "$t/out" >&2
		exit 1
	fi
	printf 'void b(void) { }\n' > "$t/b.c"
	${CC:-cc} -c -o "$t/b.o" "$t/b.c"
	if ! "$0" "$t" > "$t/out" 2>&1; then
		echo "layers: self-test: a DAG was refused:" >&2
		cat "$t/out" >&2
		exit 1
	fi
	echo "layers: self-test: ok"
}

[ "${1:-}" = --self-test ] && { self_test; exit 0; }
dir=${1:?usage: tools/layers.sh OBJDIR}
set -- "$dir"/*.o
[ -e "$1" ] || { echo "layers: no objects in $dir (build first)" >&2; exit 2; }

for o in "$@"; do
	f=${o##*/}
	f=${f%.o}
	case $f in sim*) f=sim* ;; esac
	# -P: "name type [value size]"; defined text/data/bss/rodata vs undefined.
	nm -P "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ { print "D", f, $1 } $2 == "U" { print "U", f, $1 }'
done | awk '
$1 == "D" { def[$3] = $2; next }
{ use[++nu] = $2 " " $3 }
END {
	# file -> file edges, with the symbols that make them
	for (i = 1; i <= nu; i++) {
		split(use[i], a, " ")
		if (!(a[2] in def) || def[a[2]] == a[1])
			continue
		e = a[1] SUBSEP def[a[2]]
		if (!(e in why)) {
			why[e] = a[2]
			reach[a[1], def[a[2]]] = 1
		} else if (length(why[e]) < 60) {
			why[e] = why[e] " " a[2]
		}
		node[a[1]] = node[def[a[2]]] = 1
	}
	n = 0
	for (v in node)
		name[++n] = v
	# transitive closure (Warshall); a hundred files is a million steps
	for (k = 1; k <= n; k++)
		for (i = 1; i <= n; i++) {
			if (!((name[i], name[k]) in reach))
				continue
			for (j = 1; j <= n; j++)
				if ((name[k], name[j]) in reach)
					reach[name[i], name[j]] = 1
		}
	bad = 0
	for (i = 1; i <= n; i++) {
		if (done[name[i]])
			continue
		grp = ""
		for (j = 1; j <= n; j++)
			if (i == j || ((name[i], name[j]) in reach && (name[j], name[i]) in reach)) {
				if (j != i)
					grp = grp " " name[j]
				done[name[j]] = 1
			}
		if (grp == "")
			continue
		bad++
		printf "layers: these files call each other in a loop: %s%s\n", name[i], grp
		split(name[i] grp, m, " ")
		for (x in m)
			for (y in m)
				if ((m[x], m[y]) in why)
					printf "  %s -> %s: %s\n", m[x], m[y], why[m[x], m[y]]
	}
	if (bad)
		exit 1
	printf "layers: %d files, no loop among them (sim*.o counted as one)\n", n
}'

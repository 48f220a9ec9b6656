#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0-only
# Build the libFuzzer targets the way OSS-Fuzz and ClusterFuzzLite expect: compile with
# $CC $CFLAGS, link with $CXX $CXXFLAGS $LIB_FUZZING_ENGINE, and put into $OUT each
# target with its .dict, .options and <target>_seed_corpus.zip. Needs liburing and libsodium
# (liburing-dev and libsodium-dev in the builder's image). `make fuzz-oss` runs it with local
# defaults.

cd "$(dirname "$0")/.."
: "${CC:=clang}" "${CXX:=clang++}" "${CFLAGS:=}" "${CXXFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:=$PWD/build/oss-fuzz/out}"
WORK=${WORK:-$PWD/build/oss-fuzz/work}
mkdir -p "$OUT" "$WORK/gen" "$WORK/obj"

# Generated sources, as the Makefile makes them (the generator is a host tool: no $CFLAGS).
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
printf '#define MC_VERSION "%s"\n#define MC_COMMIT "%s"\n' "$version" oss-fuzz > "$WORK/gen/mc_version.h"
$CC -std=gnu11 -O1 -o "$WORK/embed" tools/embed.c
"$WORK/embed" cases/*.cases > "$WORK/gen/cases_embed.c"

flags="-std=gnu11 -D_GNU_SOURCE -Iharness -Ifuzz -I$WORK/gen"
# A libFuzzer build instruments what a campaign explores, as fuzz/fuzz.mk does (make
# fuzz-srcs gives its split): the rest of the library carries no coverage, the model and
# the restored-device exercise their edges without comparison hooks. Other builds (a
# coverage report's, AFL++'s compiler) instrument everything.
nocov=" " edge=" "
if [[ $CFLAGS == *fuzzer-no-link* ]] && command -v make >/dev/null; then
	while read -r kind list; do
		case $kind in nocov) nocov=" $list " ;; edge) edge=" $list " ;; esac
	done < <(make -s --no-print-directory fuzz-srcs)
fi
objs=()
for src in harness/*.c fuzz/*.c "$WORK/gen/cases_embed.c"; do
	case $src in harness/cli.c | fuzz/driver_*) continue ;; esac
	obj=$WORK/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	cov=""
	[[ $nocov != *" $src "* ]] || cov="-fno-sanitize=fuzzer-no-link"
	[[ $edge != *" $src "* ]] || cov="-fno-sanitize=fuzzer-no-link -fsanitize-coverage=inline-8bit-counters,pc-table"
	# shellcheck disable=SC2086 # $CFLAGS, $flags and $cov are word lists
	$CC $CFLAGS $cov $flags -c "$src" -o "$obj"
	objs+=("$obj")
done

for src in fuzz/*.c; do
	t=$(basename "$src" .c)
	case $t in fuzz_* | driver_*) continue ;; esac
	# shellcheck disable=SC2086
	$CC $CFLAGS $flags -DMC_FUZZ_TARGET="$t" -c fuzz/driver_libfuzzer.c -o "$WORK/obj/driver_$t.o"
	# shellcheck disable=SC2086
	$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$WORK/obj/driver_$t.o" "${objs[@]}" -luring -lsodium -lpthread \
		-o "$OUT/$t"
	cp "fuzz/$t.dict" "fuzz/$t.options" "$OUT/"
	rm -f "$OUT/${t}_seed_corpus.zip"
	if command -v zip > /dev/null; then
		(cd "corpus/$t" && zip -q -j "$OUT/${t}_seed_corpus.zip" ./*)
	else
		python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(os.listdir(sys.argv[2])):
        z.write(os.path.join(sys.argv[2], f), f)' "$OUT/${t}_seed_corpus.zip" "corpus/$t"
	fi
	echo "built $OUT/$t"
done

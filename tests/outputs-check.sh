#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make outputs-check: each output read by a consumer that is not migcheck, on a sim run, a
# defect run, the same rendered with a waiver, the real mtty runs of tests/data and a
# re-rendering of one:
#  - junit.xml validated with xmllint against Jenkins xUnit's junit-10.xsd (tests/junit-10.xsd),
#    and two devices' suites kept apart by name;
#  - the KTAP parsed by the kernel's own tools/testing/kunit/kunit.py (from the rig's
#    linux-source-6.12 deb, extracted once into $MC_CACHE/src/<version>/linux/), its passed,
#    failed and skipped equal to report.json's, the "# Totals:" line too, and every line
#    after the last result a "#" diagnostic;
#  - report.json validated with Debian's python3-jsonschema against reports/report.schema.json.
# Each check is also shown to reject a broken output. Usage: outputs-check.sh MIGCHECK WORKDIR
set -uo pipefail

MC=$(realpath "$1")
W=$(realpath -m "$2") # absolute: kunit.py changes its directory
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
XSD=$HERE/junit-10.xsd
SCHEMA=$REPO/reports/report.schema.json
MC_CACHE=${MC_CACHE:-/var/cache/migcheck}
# shellcheck source=tests/check-lib.sh
. "$HERE/check-lib.sh"
refuses() { # refuses DESCRIPTION PATTERN COMMAND...: COMMAND fails and says PATTERN
	local what=$1 pat=$2
	shift 2
	if "$@" >"$W/last.out" 2>&1; then
		bad "$what: accepted"
	elif grep -q -- "$pat" "$W/last.out"; then
		ok "$what (refused: $(grep -m1 -- "$pat" "$W/last.out" | cut -c1-120))"
	else
		bad "$what: refused, but not for $pat"
		sed 's/^/     /' "$W/last.out" | head -20
	fi
}

rm -rf "$W"
mkdir -p "$W"
command -v xmllint >/dev/null || { echo "error: xmllint missing (make outputs-check installs libxml2-utils)"; exit 2; }
"$PY" -c 'import jsonschema' 2>/dev/null || { echo "error: python3-jsonschema missing"; exit 2; }

# ---------------------------------------------------------------- kunit.py
# The kernel's KTAP parser, from the linux-source-6.12 deb vm/fetch.sh resolved and cached.
kunit_tool() {
	local env=$MC_CACHE/current-kernel.env dir tmp
	# shellcheck source=/dev/null
	if ! [ -r "$env" ] || ! (. "$env" && [ -r "${SRC_DEB:-/nonexistent}" ]); then
		echo "outputs-check: no linux-source-6.12 deb cached; vm/fetch.sh resolves and downloads it" >&2
		MC_CACHE=$MC_CACHE "$REPO/vm/fetch.sh" >&2 || return 1
	fi
	# shellcheck source=/dev/null
	. "$env"
	# kunit.py finds the tree it belongs to by the tools/testing/kunit in its own path.
	dir=$MC_CACHE/src/$KPKGVER/linux/tools/testing/kunit
	if ! [ -s "$dir/kunit.py" ]; then
		echo "outputs-check: extracting tools/testing/kunit from ${SRC_DEB##*/}" >&2
		mkdir -p "$MC_CACHE/src"
		tmp=$(mktemp -d "$MC_CACHE/src/.kunit.XXXXXX") || return 1
		if ! dpkg-deb --fsys-tarfile "$SRC_DEB" | tar -x -O ./usr/src/linux-source-6.12.tar.xz |
			tar -xJ -C "$tmp" linux-source-6.12/tools/testing/kunit; then
			rm -rf "$tmp"
			return 1
		fi
		rm -rf "$dir"
		mkdir -p "${dir%/*}"
		mv "$tmp/linux-source-6.12/tools/testing/kunit" "$dir" && rm -rf "$tmp"
	fi
	echo "$dir/kunit.py"
}
KUNIT=$(kunit_tool) || { echo "error: cannot get kunit.py from linux-source-6.12"; exit 2; }

# ---------------------------------------------------------------- the outputs
mkdir -p "$W/sim" "$W/defects"
"$MC" run --device sim:flags=7 --out "$W/sim" >"$W/sim/stdout.ktap"
check "sim run: report.json, junit.xml and KTAP on stdout" test -s "$W/sim/report.json" -a -s "$W/sim/junit.xml" -a -s "$W/sim/stdout.ktap"
"$MC" run --device sim:flags=7:defect=warn_on_bad_stream+path_dependent_arc --out "$W/defects" >"$W/defects/stdout.ktap"
check "defect run: fails" grep -q '"verdict": "fail"' "$W/defects/report.json"
printf 'ROB-01  the simulated driver WARNs on a rejected stream  ref=https://example.org/sim/1\n' >"$W/waivers.txt"
check "defect run rendered with a waiver into another directory" \
	"$MC" report render "$W/defects/report.json" --waivers "$W/waivers.txt" --out "$W/waived"
cp -r "$HERE/data/mtty" "$W/mtty"
cp -r "$HERE/data/mtty-debug" "$W/mtty-debug"
check "the real mtty run re-rendered into another directory" \
	"$MC" report render "$W/mtty/report.json" --out "$W/mtty-r"
check "the real mtty run on the debug kernel re-rendered into another directory" \
	"$MC" report render "$W/mtty-debug/report.json" --out "$W/mtty-debug-r"

# ---------------------------------------------------------------- junit.xml
for f in sim defects waived mtty mtty-r mtty-debug mtty-debug-r; do
	check "junit.xml of $f validates against junit-10.xsd" xmllint --noout --schema "$XSD" "$W/$f/junit.xml"
done
sed '0,/<testsuites /s/<testsuites \([^>]*\) time=/<testsuites \1 skipped="3" time=/' "$W/sim/junit.xml" >"$W/skipped-on-testsuites.xml"
refuses "xmllint rejects skipped= on <testsuites>" "attribute 'skipped'" \
	xmllint --noout --schema "$XSD" "$W/skipped-on-testsuites.xml"
sed 's/<testcase classname="FEAT" /<testcase classname="FEAT" rerun="1" /' "$W/sim/junit.xml" >"$W/unknown-attr.xml"
refuses "xmllint rejects an attribute junit-10.xsd does not have" "attribute 'rerun'" \
	xmllint --noout --schema "$XSD" "$W/unknown-attr.xml"
mkdir -p "$W/dev3"
"$MC" run --device sim:flags=3 --only FEAT-01 --out "$W/dev3" --quiet >/dev/null
check "two devices' junit.xml merged keep their suites apart" "$PY" - "$W/sim/junit.xml" "$W/dev3/junit.xml" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
suites = [[(s.get("name"), s.get("package")) for s in ET.parse(p).getroot().iter("testsuite")]
          for p in sys.argv[1:]]
names = [{n for n, _ in s} for s in suites]
assert all(suites) and not names[0] & names[1], names
assert ("FEAT (sim:flags=7)", "sim:flags=7") in suites[0] and ("FEAT (sim:flags=3)", "sim:flags=3") in suites[1], suites
PYEOF

# ---------------------------------------------------------------- KTAP
# kunit_counts KTAP REPORT.json: kunit.py's passed/failed/skipped equal report.json's
# (kunit.py counts an XFAIL as passed), no parse error, and "# Totals:" as report.json gives.
kunit_counts() {
	"$PY" "$KUNIT" parse --json="$W/kunit.json" "$1" >"$W/kunit.out" 2>&1
	case $? in 0 | 1) ;; *) cat "$W/kunit.out"; return 1 ;; esac
	"$PY" - "$W/kunit.json" "$2" "$1" "$W/kunit.out" <<'PYEOF'
import collections, json, re, sys
k = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
out = open(sys.argv[4]).read()
assert "[ERROR]" not in out and "errors:" not in out and "crashed" not in out, out[-2000:]
got = collections.Counter(t["status"] for t in k["test_cases"])
strict = r["run"]["strict"]
want = collections.Counter()
tot = collections.Counter()
for c in r["cases"]:
    if c.get("not_run"):
        continue
    s = c["status"]
    if "waiver" in c:
        want["PASS"] += 1; tot["xfail"] += 1
    elif s == "pass" or (s == "warn" and not strict):
        want["PASS"] += 1; tot["pass"] += 1
    elif s == "skip":
        want["SKIP"] += 1; tot["skip"] += 1
    else:
        want["FAIL"] += 1; tot["error" if s == "error" else "fail"] += 1
assert got == want, ("kunit.py", dict(got), "report.json", dict(want))
m = [l for l in open(sys.argv[3]).read().split("\n") if l.startswith("# Totals: ")]
line = "# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:%d" % (
    tot["pass"], tot["fail"], tot["xfail"], tot["skip"], tot["error"])
assert m == [line], (m, line)
print("kunit.py: %s; %s" % (dict(got), line))
PYEOF
}
check "kunit.py parse of the sim run's KTAP (stdout)" kunit_counts "$W/sim/stdout.ktap" "$W/sim/report.json"
check "kunit.py parse of the defect run's KTAP (stdout)" kunit_counts "$W/defects/stdout.ktap" "$W/defects/report.json"
check "kunit.py parse of the waived rendering's report.ktap" kunit_counts "$W/waived/report.ktap" "$W/waived/report.json"
check "kunit.py parse of the mtty run's report.ktap" kunit_counts "$W/mtty-r/report.ktap" "$W/mtty/report.json"
check "kunit.py parse of the mtty debug-kernel run's report.ktap" kunit_counts "$W/mtty-debug-r/report.ktap" "$W/mtty-debug/report.json"
trailer_ok() { # trailer_ok KTAP...: every line after the last result is a # diagnostic
	"$PY" -c '
import re, sys
for p in sys.argv[1:]:
    ls = open(p).read().rstrip("\n").split("\n")
    last = max(i for i, l in enumerate(ls) if re.match(r"(ok|not ok) \d+ ", l))
    assert all(l.startswith("#") for l in ls[last + 1:]), ("not a diagnostic", p, ls[last + 1:])
' "$@"
}
check "every line after the last result is a # diagnostic" trailer_ok "$W/sim/stdout.ktap" \
	"$W/defects/stdout.ktap" "$W/waived/report.ktap" "$W/mtty-r/report.ktap"
sed 's/^# migcheck: /migcheck: /' "$W/sim/stdout.ktap" >"$W/bare-trailer.ktap"
refuses "a KTAP closing with the bare \"migcheck: N passed\" line of before" "not a diagnostic" \
	trailer_ok "$W/bare-trailer.ktap"
sed '0,/^ok 1 /s/^ok 1 /not ok 1 /' "$W/sim/stdout.ktap" >"$W/wrong-count.ktap"
refuses "a KTAP with one result flipped: kunit.py's counts differ from report.json's" "kunit.py" \
	kunit_counts "$W/wrong-count.ktap" "$W/sim/report.json"
sed 's/^# Totals: pass:\([0-9]*\)/# Totals: pass:1\1/' "$W/sim/stdout.ktap" >"$W/wrong-totals.ktap"
refuses "a KTAP whose # Totals: line is wrong" "# Totals: " \
	kunit_counts "$W/wrong-totals.ktap" "$W/sim/report.json"

# ---------------------------------------------------------------- report.json
validate() { # validate REPORT.json...: each valid under reports/report.schema.json
	"$PY" - "$SCHEMA" "$@" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for p in sys.argv[2:]:
    for e in sorted(v.iter_errors(json.load(open(p))), key=lambda e: list(e.path))[:5]:
        print("%s: %s: %s" % (p, "/".join(map(str, e.absolute_path)) or "(top)", e.message[:300]))
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
}
for f in sim defects waived mtty mtty-r mtty-debug mtty-debug-r; do
	check "report.json of $f validates against reports/report.schema.json" validate "$W/$f/report.json"
done
"$PY" - "$W/sim/report.json" "$W/broken" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
def out(name, edit):
    x = json.loads(json.dumps(r))
    edit(x)
    json.dump(x, open("%s-%s.json" % (sys.argv[2], name), "w"))
out("no-exit-code", lambda x: x["summary"].pop("exit_code"))
out("exit-code", lambda x: x["summary"].update(exit_code=1))
out("no-clause", lambda x: x["cases"][0].pop("clause"))
out("status", lambda x: x["cases"][0].update(status="passed"))
PYEOF
refuses "a report.json without summary.exit_code" "'exit_code' is a required property" validate "$W/broken-no-exit-code.json"
refuses "a report.json whose exit_code is not its verdict's" "summary/exit_code: 0 was expected" validate "$W/broken-exit-code.json"
refuses "a report.json with a case without its clause" "'clause' is a required property" validate "$W/broken-no-clause.json"
refuses "a report.json with an unknown status" "'passed' is not one of" validate "$W/broken-status.json"

if [ "$failures" -ne 0 ]; then
	echo "outputs-check: $failures check(s) failed"
	exit 1
fi
echo "outputs-check: all passed"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make report-check: the certification report end to end.
#  - report.json -> report.html/junit.xml/report.ktap, byte-identical to what a run wrote
#    (also for the real mtty run in tests/data/mtty, whose junit.xml came from the VM);
#  - junit.xml and KTAP well-formed; the HTML in headless Chromium: key elements, hover
#    expectations, charts, driver coverage, findings, whole op logs, no console error, no
#    network, hostile strings inert; screenshots; at 390 px wide; printed to PDF on A4 and
#    Letter (pdftotext); and a broken copy of the page that each of these checks fails;
#  - bundle + verify (also cross-checked with GNU tar and sha256sum), a single edited result
#    rejected, truncated/garbage bundles refused; signed bundles (keygen, bundle --sign,
#    verify --key) checked both ways with the real signify-openbsd, the forged bundle
#    (edited, re-rendered, re-bundled) rejected with the key; diff; bad input gives exit 2.
# Usage: report-check.sh MIGCHECK WORKDIR SCREENSHOT.png
set -uo pipefail

MC=$(realpath "$1")
W=$2
SHOT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || true)
# shellcheck source=tests/check-lib.sh
. "$HERE/check-lib.sh"
expect_rc() { # expect_rc RC DESCRIPTION COMMAND...: COMMAND exits with RC (output in $W/last.out)
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$W/last.out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$what (exit $rc)"; else
		bad "$what: exit $rc, expected $want"
		sed 's/^/     /' "$W/last.out" | head -20
	fi
}
has() { grep -q -- "$1" "$W/last.out" || { bad "output lacks: $1"; sed 's/^/     /' "$W/last.out" | head -20; }; }

rm -rf "$W"
mkdir -p "$W"
[ -x "$PY" ] || { echo "error: $PY missing (make report-deps)"; exit 2; }
[ -n "$CHROMIUM" ] || { echo "error: chromium missing (make report-deps)"; exit 2; }

# ---------------------------------------------------------------- re-rendering
mkdir -p "$W/sim"
"$MC" run --device sim:flags=7 --out "$W/sim" >"$W/sim.ktap"
check "sim run writes report.json, junit.xml, report.html" test -s "$W/sim/report.json" -a -s "$W/sim/junit.xml" -a -s "$W/sim/report.html"
expect_rc 0 "report render of the sim run" "$MC" report render "$W/sim/report.json" --out "$W/sim-r"
for f in report.json junit.xml report.html; do
	check "re-rendered $f equals what the run wrote" cmp "$W/sim/$f" "$W/sim-r/$f"
done
check "re-rendered report.ktap equals the run's KTAP stdout" cmp "$W/sim.ktap" "$W/sim-r/report.ktap"
check "the run's report.ktap equals its KTAP stdout" cmp "$W/sim.ktap" "$W/sim/report.ktap"

cp -r "$HERE/data/mtty" "$W/mtty"
cp "$W/mtty/junit.xml" "$W/mtty-vm-junit.xml"
expect_rc 0 "report render of the real mtty run" "$MC" report render "$W/mtty/report.json"
check "junit.xml from the JSON equals the one the VM run wrote" cmp "$W/mtty-vm-junit.xml" "$W/mtty/junit.xml"

check "junit.xml: well-formed, one testcase per case, classname = clause group" "$PY" - "$W/mtty" <<'PYEOF'
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
rep = json.load(open(d + "/report.json"))
root = ET.parse(d + "/junit.xml").getroot()
tcs = root.findall(".//testcase")
assert len(tcs) == len(rep["cases"]), (len(tcs), len(rep["cases"]))
for tc, c in zip(tcs, sorted(rep["cases"], key=lambda c: [x["group"] for x in rep["clauses"]].index(c["clause"].split("-")[0]))):
    assert tc.get("classname") == c["clause"].split("-")[0], (tc.get("classname"), c["id"])
fails = sum(1 for c in rep["cases"] if c["status"] == "fail")
assert int(root.get("failures")) == fails and int(root.get("tests")) == len(tcs)
assert len(root.findall(".//testcase/failure")) == fails
PYEOF

ktap_ok() { # the KTAP grammar of reports/README.md, numbering and plan
	"$PY" - "$1" <<'PYEOF'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == "KTAP version 1", lines[0]
res = re.compile(r"^(ok|not ok) (\d+) (.*) \[([A-Z]+-\d{2})\]( # (SKIP|XFAIL).*)?$")
plan, n = None, 0
for l in lines[1:]:
    if not l or l.startswith("#"):
        continue
    m = re.match(r"^1\.\.(\d+)$", l)
    if m:
        plan = int(m.group(1)); continue
    m = res.match(l)
    if m:
        n += 1
        assert int(m.group(2)) == n, l
        continue
    assert False, "neither a result, the plan nor a # diagnostic: " + l
assert plan == n and n > 0, (plan, n)
assert re.match(r"^# migcheck: \d+ passed, \d+ failed, \d+ skipped(, \d+ not run)?(, \d+ waived)?$",
                lines[-2]), lines[-2]
PYEOF
}
check "report.ktap follows the KTAP grammar" ktap_ok "$W/mtty/report.ktap"

# ---------------------------------------------------------------- browser
expect_of() { # expect_of REPORT.json [hostile]: the EXPECT object of report-checks.js, from the JSON
	"$PY" - "$@" <<'PYEOF'
import json, re, sys
r = json.load(open(sys.argv[1]))
cs = r["cases"]
lat = sum(1 for c in cs if c["clause"] == "TIME-01" and any(m["name"] == "latency" for m in c.get("metrics", [])))
pre = sum(1 for c in cs if c["clause"] == "PRE-02" and c["status"] != "skip" and
          (any(m["name"] == "read_bytes" for m in c.get("metrics", [])) or re.match(r"\d+ reads of up to", c["detail"])))
rob = any(c["clause"].startswith("ROB") and c["status"] not in ("pass", "skip") for c in cs)
e = {"verdict": r["summary"]["verdict"], "driver": r["device"]["driver"], "kernel": r["kernel"]["release"],
     # reports/README.md summary.scope.claim; the mtty fixture predates it: a complete real run
     "claim": r["summary"].get("scope", {}).get("claim", "conformance"),
     "mismatches": sum(1 for row in (r["matrix"] or []) for c in row if c["verdict"] == "mismatch"),
     "latency": lat, "precopy": pre, "clauses": len(r["clauses"]), "cases": len(cs),
     "waivers": len(r.get("waivers", [])), "waived": sum(1 for c in cs if "waiver" in c),
     "fuzz": int(sys.argv[2]), "klog": rob, "hostile": sys.argv[3] if len(sys.argv) > 3 else "",
     # reports/README.md kernel.flavour and kernel_reports; the mtty fixture predates them
     "kflavour": r["kernel"].get("flavour", ""), "oracles": len(r["kernel"].get("oracles", [])),
     "kreports": len(r.get("kernel_reports") or []),
     "kreports_cases": sum(1 for k in r.get("kernel_reports") or [] if "case" in k)}
# the findings of the summary: each failed, errored and warned clause (in that order)
eff = lambda c: c.get("effective") or c["status"]
e["findings"] = [[c["id"], st, c["level"]] for st in ("fail", "error", "warn") for c in r["clauses"] if eff(c) == st]
# the op log of each case that did not pass, whole: its number of operations
e["oplogs"] = {c["id"]: len(c["oplog"]) for c in cs if c["status"] != "pass" and c.get("oplog")}
cov = r.get("coverage")
if cov:  # reports/README.md coverage: the cards as "%.1f%%" and "hit / total" (no total: not measured), as C prints them
    d, k = cov["driver"], cov["core"]
    card = lambda o, key, what: ("%.1f%% %s %d / %d" % (100.0 * o[key + "_hit"] / o[key], what,
                                                       o[key + "_hit"], o[key])
                                 if o[key] else "\u2014 %s not measured" % what)
    e["cov"] = {"cards": [card(d, "lines", "driver lines"), card(d, "functions", "driver functions"),
                          card(k, "lines", "VFIO core lines"), card(k, "functions", "VFIO core functions")],
                "never": d["never"], "cases": len(cov["cases"]),
                "files": [{"lines": len(f["source"]), "marks": f["line_hits"]} for f in d["files"]]}
print("var EXPECT = %s;" % json.dumps(e))
PYEOF
}
browse() { # browse NAME DIR FUZZROWS [HOSTILE] -- [--screenshot ...]
	local name=$1 dir=$2 fuzz=$3 hostile=${4:-}
	shift 4
	{ expect_of "$dir/report.json" "$fuzz" "$hostile"; cat "$HERE/report-checks.js"; } >"$W/$name.js"
	echo "== $name: $dir/report.html in headless Chromium"
	if "$PY" "$HERE/report_browser.py" "$CHROMIUM" "$dir/report.html" "$W/$name.js" "$@" >"$W/$name.browser" 2>&1; then
		sed 's/^/  /' "$W/$name.browser"
		ok "$name: page checks, no console error, no network"
	else
		sed 's/^/  /' "$W/$name.browser"
		bad "$name: browser checks"
	fi
}

pdf_ok() { # pdf_ok PDF REPORT.json: the printed report, its text as pdftotext gives it
	"$PY" - "$@" <<'PYEOF'
import json, re, subprocess, sys
pdf, rep = sys.argv[1:3]
r = json.load(open(rep))
# without white space and hyphens (pdftotext drops the hyphen of a line broken after it)
# and control characters (the page shows none)
squash = lambda s: re.sub(r"[\s\x00-\x1f\x7f-]+", "", s)
text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True,
                      check=True).stdout
pages = [squash(p) for p in text.split("\f")]
pages = pages[:-1] if pages and not pages[-1] else pages
assert pages, "no page"
head = [squash(r["device"]["driver"] + " · " + r["device"]["spec"]),
        squash("verdict " + r["summary"]["verdict"].upper())]
bare = [i + 1 for i, p in enumerate(pages) if not all(h in p for h in head)]
if bare:
    print("%d of %d pages lack the device or verdict (%s): pages %s" % (
          len(bare), len(pages), " / ".join(head), bare[:10]))
body = "".join(pages)
lost = [c["id"] + " " + w for c in r["clauses"] for w in ("id", "text")
        if squash(c["id"] if w == "id" else c["text"]) not in body]
lost += ["case " + c["id"] for c in r["cases"] if squash(c["id"]) not in body]
# a detail's first 40 characters: the rest of a line the column wraps may come after the
# row's other cells in pdftotext's reading order
lost += ["detail of " + c["id"] for c in r["cases"] if squash(c["detail"].split("\n")[0][:40]) not in body]
if lost:
    print("%d pieces of clause content missing, the first: %s" % (len(lost), "; ".join(lost[:5])))
if bare or lost:
    sys.exit(1)
print("%d pages, device and verdict on each, %d clauses and %d cases whole" % (
    len(pages), len(r["clauses"]), len(r["cases"])))
PYEOF
}

# The conforming simulated device: a passing page, whose summary says there is no finding.
browse sim "$W/sim" 0 "" --narrow "$W/sim-narrow.png"

# The real mtty run, its kernel.log next to it; the screenshots look at this one.
"$PY" - "$W/mtty/report.json" <<'PYEOF' || bad "the mtty fixture is not what the browser checks expect"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["device"]["driver"] == "mtty" and len(r["cases"]) == 415 and len(r["clauses"]) == 42
PYEOF
browse mtty "$W/mtty" 0 "" --screenshot "$SHOT:0:1900" \
	--screenshot "${SHOT%.png}-2.png:2550:2300" --screenshot "${SHOT%.png}-3.png:4850:1500" \
	--pdf "$W/mtty-a4.pdf:A4" --pdf "$W/mtty-letter.pdf:Letter" --narrow "${SHOT%.png}-narrow.png"
for paper in a4 letter; do
	check "printed on $paper: device and verdict on every page, every clause whole" \
		pdf_ok "$W/mtty-$paper.pdf" "$W/mtty/report.json"
	sed 's/^/     /' "$W/last.out"
done

# Each check above fails on a page without what it checks: no print style and no script
# (whose beforeprint opens the clauses too), tables and charts free to widen the page, no
# findings, op logs cut to their last 8 operations (as they were), no place for a matrix
# cell's expectation.
mkdir -p "$W/broken"
cp "$W/mtty/report.json" "$W/broken/"
"$PY" - "$W/mtty/report.html" "$W/broken/report.html" <<'PYEOF'
import re, sys
s = open(sys.argv[1]).read()
s, n1 = re.subn(r'<style id="print-css">.*?</style>', "", s, flags=re.S)
s = s.replace("</head>", "<style>.tscroll,.chartbox{overflow:visible!important}"
              "svg.chart{min-width:0!important}</style></head>", 1)
s, n2 = re.subn(r'<div id="findings">.*?(?=<div class="cards">)', "", s, flags=re.S)
s, n3 = re.subn(r'(<pre class="log oplog"[^>]*>)(.*?)(</pre>)',
                lambda m: m.group(1) + "\n".join(m.group(2).split("\n")[-8:]) + m.group(3), s, flags=re.S)
s, n4 = re.subn(r'<pre id="cell-info".*?</pre>', "", s, flags=re.S)
s, n5 = re.subn(r'<script>.*?</script>', "", s, flags=re.S)
assert n1 == n2 == n4 == n5 == 1 and n3 > 0, (n1, n2, n3, n4, n5)
open(sys.argv[2], "w").write(s)
PYEOF
{ expect_of "$W/broken/report.json" 0 ""; cat "$HERE/report-checks.js"; } >"$W/broken.js"
"$PY" "$HERE/report_browser.py" "$CHROMIUM" "$W/broken/report.html" "$W/broken.js" \
	--pdf "$W/broken-a4.pdf:A4" --narrow "$W/broken-narrow.png" >"$W/broken.browser" 2>&1
for c in "the summary begins with the findings" "findings: one row per" "every op log whole" \
	"390 px: the page is no wider" "390 px: every table scrolls" "390 px: chart labels" \
	"390 px: tapping a matrix cell"; do
	if grep -q "^FAIL $c" "$W/broken.browser"; then ok "a broken page fails: $c"; else
		bad "a broken page passes: $c"
		sed 's/^/     /' "$W/broken.browser" | head -60
	fi
done
expect_rc 1 "a page without the print style fails the PDF check" pdf_ok "$W/broken-a4.pdf" "$W/broken/report.json"
has "pages lack the device or verdict"
has "pieces of clause content missing"

# The real mtty run on the rig's debug kernel (KERNEL=debug): the kernel block with its
# oracles and the two UBSAN reports charged to res.corrupt.sample, as the guest wrote them.
cp -r "$HERE/data/mtty-debug" "$W/mtty-debug"
cp "$W/mtty-debug/junit.xml" "$W/mtty-debug-vm-junit.xml"
expect_rc 0 "report render of the real mtty run on the debug kernel" "$MC" report render "$W/mtty-debug/report.json"
check "junit.xml from the JSON equals the one the debug-kernel VM run wrote" cmp "$W/mtty-debug-vm-junit.xml" "$W/mtty-debug/junit.xml"
"$PY" - "$W/mtty-debug/report.json" <<'PYEOF' || bad "the mtty-debug fixture is not what the browser checks expect"
import json, sys
r = json.load(open(sys.argv[1]))
k = r["kernel"]
assert k["flavour"] == "debug" and k["release"].startswith("6.12.117-mcdebug-"), k
assert all(o["state"] == "present" for o in k["oracles"]) and len(k["oracles"]) == 10
assert [(x["kind"], x.get("case")) for x in r["kernel_reports"]] == [("ubsan", "res.corrupt.sample")] * 2
PYEOF
check "report.ktap of the debug-kernel run names the kernel" grep -q '^# kernel: 6.12.117-mcdebug-.* flavour debug build debug .*, fragment ' "$W/mtty-debug/report.ktap"
check "... and its two kernel reports" grep -q '^# kernel: debug, 2 kernel report(s): ubsan in case res.corrupt.sample, ubsan in case res.corrupt.sample$' "$W/mtty-debug/report.ktap"
check "report.ktap of the debug-kernel run follows the KTAP grammar" ktap_ok "$W/mtty-debug/report.ktap"
browse mtty-debug "$W/mtty-debug" 0 "" --screenshot "${SHOT%.png}-5.png:#kernel"

# Driver coverage as a KCOV run gives it: tests/data/cov/drv.c built with KCOV's coverage
# points as test_cov builds it, a PC list in the guest's format (kcov_run.h) reaching all
# of drv_used in the run's first case, its first point in the second and nothing in the
# third (whose buffer overflowed), and `migcheck coverage` puts the member into a copy of
# the debug-kernel run and re-renders it.
cp -r "$HERE/data/mtty-debug" "$W/cov"
mkdir -p "$W/cov-build"
check "gcc builds the coverage fixture with KCOV's coverage points" \
	gcc -g -O2 -fsanitize-coverage=trace-pc -c "$HERE/data/cov/drv.c" -o "$W/cov-build/drv.o"
check "a PC list of three cases from the object's coverage points" \
	"$PY" - "$W/cov-build/drv.o" "$W/cov/report.json" "$W/cov-build/kcov-cases.pcs" <<'PYEOF'
import json, re, subprocess, sys
obj, rep, out = sys.argv[1:]
pts, fn = [], None
# objdump -d -r -w: a function's header, then each call with its relocation on its line;
# KCOV records the call's return address, the relocation's offset + 4
for l in subprocess.run(["objdump", "-d", "-r", "-w", obj], capture_output=True, text=True,
                        check=True).stdout.split("\n"):
    m = re.match(r"^([0-9a-f]+) <(\S+)>:$", l)
    if m:
        fn = (m.group(2), int(m.group(1), 16))
    m = re.search(r"\s([0-9a-f]+): R_X86_64_PLT32\s+__sanitizer_cov_trace_pc-0x4$", l)
    if m and fn:
        pc = int(m.group(1), 16) + 4
        pts.append((fn[0], pc - fn[1], pc))
used = [p for p in pts if p[0] == "drv_used"]
assert len(used) > 2 and len(pts) > len(used), pts
cases = [c["id"] for c in json.load(open(rep))["cases"]][:3]
load = 0xffffffffc0000000
with open(out, "w") as f:
    f.write("# range drv 0x%x 0x%x load 0x%x\n" % (load, load + 0x1000, load))
    for name, reach in zip(cases, (used, used[:1], [])):
        f.write("# case %s\n" % name)
        for sym, off, pc in reach:
            f.write("0x%x drv %s+0x%x\n" % (load + pc, sym, off))
    f.write("# lost\n")
PYEOF
expect_rc 0 "migcheck coverage puts the member into the debug-kernel run" "$MC" coverage \
	--pcs "$W/cov-build/kcov-cases.pcs" --module "drv=$W/cov-build/drv.o" --src "$HERE/data/cov" \
	--out "$W/cov"
has "^coverage: driver lines [1-9][0-9]*/[0-9]* (.*), functions 1/2; "
check "report.json carries it, drv_unused never reached" "$PY" -c \
	'import json, sys; c = json.load(open(sys.argv[1]))["coverage"]; assert c["driver"]["never"] == ["drv_unused"], c' \
	"$W/cov/report.json"
browse cov "$W/cov" 0 "" --screenshot "${SHOT%.png}-6.png:#coverage"

# A simulated device with a kernel WARNING (ROB-01, waived) and a state machine defect,
# a kernel.log around the finding and two fuzz campaigns next to the report.
mkdir -p "$W/defects"
"$MC" run --device sim:flags=7:defect=warn_on_bad_stream+path_dependent_arc --out "$W/defects" --quiet >/dev/null
printf 'ROB-01  the simulated driver WARNs on a rejected stream; fix queued  ref=https://example.org/sim/1\n' >"$W/waivers.txt"
"$PY" - "$W/defects" <<'PYEOF'
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
klog = [c for c in r["cases"] if c["id"] == "rob.klog"][0]["detail"].split("\n")[1:]
with open(d + "/kernel.log", "w") as f:
    for i in range(40):
        f.write("[    1.%06d] boot line %d\n" % (i, i))
    t = klog[0].split(": ", 1)[1]
    f.write("[   12.000000] %s\n" % t)
    for l in ["Modules linked in: sim vfio_iommu_type1 vfio", "CPU: 0 PID: 9610 Comm: migcheck Not tainted",
              "RIP: 0010:mc_sim_resume_feed+0x204/0x400 [sim]", "Call Trace:", " <TASK>",
              " vfs_write+0xd2/0x3d0", " ksys_write+0x6b/0xf0", " </TASK>", "---[ end trace 0000000000000000 ]---"]:
        f.write("[   12.000001] %s\n" % l)
    for i in range(10):
        f.write("[   13.%06d] later line %d\n" % (i, i))
json.dump({"target": "fsm", "engine": "libfuzzer", "execs": 1234567, "exec_per_s": 4115.2,
           "coverage": 812, "corpus_size": 143, "crashes": 0, "seconds": 300}, open(d + "/fuzz-stats.json", "w"))
import os
os.makedirs(d + "/fuzz-stream", exist_ok=True)
json.dump([{"target": "stream", "engine": "afl++", "execs": 98765, "exec_per_s": 329.2,
            "coverage": 455, "corpus_size": 61, "crashes": 2, "seconds": 300}],
          open(d + "/fuzz-stream/fuzz-stats.json", "w"))
PYEOF
expect_rc 0 "render with waivers (the verdict stays fail: the state machine defect)" \
	"$MC" report render "$W/defects/report.json" --waivers "$W/waivers.txt"
has "verdict FAIL ([0-9]* of [0-9]* cases, .* waived) — simulated device, not a conformance claim"
check "the ROB-01 finding is waived in report.json" grep -q '"effective": "waived"' "$W/defects/report.json"
check "junit.xml: waived as skipped with the waiver as message" grep -q '<skipped message="waived fail: the simulated driver' "$W/defects/junit.xml"
check "report.ktap: waived as XFAIL" grep -q '^ok [0-9]* rob.klog \[ROB-01\] # XFAIL waived: ' "$W/defects/report.ktap"
check "report.ktap with waivers follows the KTAP grammar" ktap_ok "$W/defects/report.ktap"
browse defects "$W/defects" 2 "" --screenshot "${SHOT%.png}-4.png:0:1400" --narrow "$W/defects-narrow.png"

# Hostile strings everywhere a device, a kernel or a file can put them.
mkdir -p "$W/hostile"
HOSTILE='<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
"$PY" - "$HERE/data/mtty" "$W/hostile" "$HOSTILE" "$W/cov/report.json" <<'PYEOF'
import json, sys
src, d, h = sys.argv[1:4]
r = json.load(open(src + "/report.json"))
dev = r["device"]
for k in ("driver", "type", "path", "module_version", "module_srcversion"):
    dev[k] = h[:60] if k in ("driver", "type", "module_version", "module_srcversion") else h
r["run"]["cmdline"] = "migcheck run '\"><svg onload=window.__pwned=5> " + h
r["run"]["hostname"] = h[:60]
r["kernel"]["release"] = h[:100]
r["kernel"].update({"flavour": "debug", "build": h[:150], "boot_options": h[:200],
                    "oracles": [{"name": h[:20], "state": "present", "detail": h[:150]},
                                {"name": "kasan", "state": "absent", "detail": h[:150]}]})
r["clauses"][0]["text"] = "clause " + h
c = r["cases"][0]
c["id"] = "feat.<b>bold</b>&amp;" + h[:40]
c["detail"] = "detail \u0001\u001b[31m " + h + "\n</pre></td></tr></table>" + h
c["oplog"] = [h, "]]> --> <!-- " + h]
c["description"] = h
for k in r["cases"]:
    if k["id"] == "rob.klog":
        k["status"] = "fail"
        k["detail"] = "kernel log reports during the run, by case:\nres.random: 4,99: WARNING: " + h
    for m in k.get("metrics", []):
        if m["name"] == "latency":
            m["name"] = "<i>lat</i>"
r["kernel_reports"] = [{"kind": h[:20], "case": c["id"], "first_lines": ["WARNING: " + h, h]},
                      {"kind": "warn", "phase": h, "first_lines": [h]}]
cov = json.load(open(sys.argv[4]))["coverage"]
cov["modules"] = [h[:60]]
cov["driver"]["never"] = [h]
f0 = cov["driver"]["files"][0]
f0["path"], f0["function_hits"][0][0] = h, h
f0["source"][2] = h
f0["source"][3] = "x" * 600 + h	# a line longer than any screen: the source box scrolls
cov["cases"][0]["name"], cov["cases"][1]["name"] = c["id"], h
cov["core"]["files"] = [{"path": h, "lines": 0, "lines_hit": 0, "functions": 0, "functions_hit": 0}]
r["coverage"] = cov
json.dump(r, open(d + "/report.json", "w"), indent=2)
open(d + "/kernel.log", "w").write("[ 1.0] ok\n[ 2.0] WARNING: %s\n[ 3.0] %s\n" % (h, h))
json.dump({"target": h, "engine": h, "execs": 1, "exec_per_s": 1, "coverage": h, "corpus_size": 1,
           "crashes": 0, "seconds": 1}, open(d + "/fuzz-stats.json", "w"))
open(d + "/waivers.txt", "w").write("RES-04 %s ref=https://e.org/\"><script>window.__pwned=3</script>\n" % h)
PYEOF
expect_rc 0 "render of a report full of markup" "$MC" report render "$W/hostile/report.json" --waivers "$W/hostile/waivers.txt"
browse hostile "$W/hostile" 1 '<script>window.__pwned=1</script>' --narrow "$W/hostile-narrow.png" \
	--pdf "$W/hostile-a4.pdf:A4"
check "printed with markup in every string: the device and verdict as text on every page" \
	pdf_ok "$W/hostile-a4.pdf" "$W/hostile/report.json"

# ---------------------------------------------------------------- bundle and verify
B=$W/bundle
mkdir -p "$B"
cp -r "$HERE/data/mtty" "$B/mtty"
expect_rc 0 "bundle of the real mtty run" "$MC" bundle "$B/mtty" -o "$B/mtty.tar"
expect_rc 0 "verify accepts the fresh bundle" "$MC" verify "$B/mtty.tar"
has "bundle intact"
mkdir -p "$B/x"
check "GNU tar reads the bundle" tar -xf "$B/mtty.tar" -C "$B/x"
check "sha256sum -c accepts its MANIFEST.sha256" sh -c "cd '$B/x/mtty' && sha256sum -c --quiet MANIFEST.sha256"
check "the bundle has reports, kernel log, environment, manifest" sh -c \
	"cd '$B/x/mtty' && ls report.json report.html junit.xml report.ktap kernel.log environment.json MANIFEST.sha256"

edit_result() { # edit_result DIR: one case result of report.json, fail -> pass, nothing else
	"$PY" - "$1/report.json" <<'PYEOF'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('"id": "res.corrupt.header"')
j = s.index('"status": "fail"', i)
open(p, "w").write(s[:j] + '"status": "pass"' + s[j + 16:])
PYEOF
}
cp -r "$B/x" "$B/t1"
edit_result "$B/t1/mtty"
tar --format=ustar -cf "$B/t1.tar" -C "$B/t1" mtty
expect_rc 1 "verify rejects a bundle with a single edited result" "$MC" verify "$B/t1.tar"
has "MISMATCH: report.json: .*(the file was changed after bundling)"
has "clause RES-04 is recorded as fail, its cases give pass"
has 'report.ktap has "not ok 359 res.corrupt.header \[RES-04\]"'
cp -r "$B/t1" "$B/t2"
"$PY" - "$B/t2/mtty" <<'PYEOF'
import hashlib, sys
d = sys.argv[1]
data = open(d + "/report.json", "rb").read()
lines = open(d + "/MANIFEST.sha256").read().split("\n")
i = lines.index(next(l for l in lines if l.endswith("  report.json")))
lines[i - 1] = "# f 0644 %d report.json" % len(data)
lines[i] = hashlib.sha256(data).hexdigest() + "  report.json"
open(d + "/MANIFEST.sha256", "w").write("\n".join(lines))
PYEOF
check "the fixed-up manifest still passes sha256sum -c" sh -c "cd '$B/t2/mtty' && sha256sum -c --quiet MANIFEST.sha256"
tar --format=ustar -cf "$B/t2.tar" -C "$B/t2" mtty
expect_rc 1 "... also when the manifest digest was fixed up" "$MC" verify "$B/t2.tar"
has "summary.verdict is fail, the case results give pass"
has "its header is not the one .migcheck bundle. writes"

# Signed bundles: signify-compatible, checked with the real signify-openbsd both ways.
SIGNIFY=$(command -v signify-openbsd || command -v signify || true)
[ -n "$SIGNIFY" ] || { echo "error: signify-openbsd missing (make report-deps)"; exit 2; }
K=$B/keys
mkdir -p "$K"
expect_rc 0 "keygen" "$MC" keygen -o "$K/vendor"
check "the secret key is mode 0600" test "$(stat -c %a "$K/vendor.key")" = 600
expect_rc 2 "keygen refuses to overwrite a key" "$MC" keygen -o "$K/vendor"
expect_rc 0 "bundle --sign" "$MC" bundle "$B/mtty" -o "$B/signed.tar" --sign "$K/vendor.key"
expect_rc 0 "verify --key accepts the signed bundle" "$MC" verify "$B/signed.tar" --key "$K/vendor.pub"
has "bundle intact and signed"
expect_rc 0 "verify without a key still accepts it ..." "$MC" verify "$B/signed.tar"
has "NOT AUTHENTICATED"
has "only that the bundle is self-consistent"
mkdir -p "$B/s"
tar -xf "$B/signed.tar" -C "$B/s"
check "signify-openbsd -V checks the manifest migcheck signed" \
	"$SIGNIFY" -V -p "$K/vendor.pub" -m "$B/s/mtty/MANIFEST.sha256"
check "... and sha256sum -c the files it lists" sh -c "cd '$B/s/mtty' && sha256sum -c --strict --quiet MANIFEST.sha256"
cp "$K/vendor.key" "$K/vk.sec"
echo "a message" >"$K/msg"
check "signify-openbsd signs with a key from migcheck keygen" sh -c \
	"'$SIGNIFY' -S -s '$K/vk.sec' -m '$K/msg' && '$SIGNIFY' -V -p '$K/vendor.pub' -m '$K/msg'"
check "signify-openbsd makes a key pair" "$SIGNIFY" -G -n -p "$K/sfy.pub" -s "$K/sfy.sec"
expect_rc 0 "bundle --sign with signify's secret key" "$MC" bundle "$B/mtty" -o "$B/sfy.tar" --sign "$K/sfy.sec"
expect_rc 0 "verify --key with signify's public key" "$MC" verify "$B/sfy.tar" --key "$K/sfy.pub"
expect_rc 1 "verify --key rejects a bundle signed with another key" "$MC" verify "$B/sfy.tar" --key "$K/vendor.pub"
has "made with another key"
# The forgery: edit a result, re-render, bundle again (a self-consistent manifest).
mkdir -p "$B/forge"
cp -r "$B/s/mtty" "$B/forge/src"
edit_result "$B/forge/src"
"$MC" report render "$B/forge/src/report.json" --out "$B/forge/mtty" >/dev/null
sed -i 's/"exit_code": 1,/"exit_code": 0,/' "$B/forge/mtty/report.json"
cp "$B/forge/src/kernel.log" "$B/forge/mtty/"
expect_rc 0 "bundle of the forged run" "$MC" bundle "$B/forge/mtty" -o "$B/forged.tar"
expect_rc 0 "verify without a key finds the forgery self-consistent ..." "$MC" verify "$B/forged.tar"
has "verdict PASS (415 of 415 cases"
has "NOT AUTHENTICATED: no --key given, so this shows only that the bundle is self-consistent"
expect_rc 1 "... verify --key rejects it" "$MC" verify "$B/forged.tar" --key "$K/vendor.pub"
has "the bundle is not signed"
cp "$B/s/mtty/MANIFEST.sha256.sig" "$B/forge/mtty/"
"$PY" - "$B/forged.tar" "$B/forge/mtty/MANIFEST.sha256.sig" "$B/forged-sig.tar" <<'PYEOF'
import sys
# splice the genuine signature in as the second member, header as bundle writes it
src, sig, dst = sys.argv[1:]
b = open(src, "rb").read()
size = int(b[124:136].rstrip(b"\0 "), 8)
first = 512 + (size + 511) // 512 * 512
h = bytearray(b[:512])
s = open(sig, "rb").read()
name = b"mtty/MANIFEST.sha256.sig"
h[0:100] = name + bytes(100 - len(name))
h[124:136] = b"%011o\0" % len(s)
h[148:156] = b"        "
h[148:156] = b"%06o\0 " % sum(h)
open(dst, "wb").write(b[:first] + bytes(h) + s + bytes((512 - len(s) % 512) % 512) + b[first:])
PYEOF
expect_rc 1 "... also with the genuine signature spliced in" "$MC" verify "$B/forged-sig.tar" --key "$K/vendor.pub"
has "the signature does not verify"
check "signify-openbsd rejects the forged manifest too" sh -c \
	"mkdir -p '$B/fx' && tar -xf '$B/forged-sig.tar' -C '$B/fx' && ! '$SIGNIFY' -V -p '$K/vendor.pub' -m '$B/fx/mtty/MANIFEST.sha256'"
mkfifo "$B/fifo.tar"
expect_rc 2 "verify refuses a FIFO (without blocking)" timeout 10 "$MC" verify "$B/fifo.tar"
has "not a regular file"

expect_rc 0 "bundle with a waiver file" "$MC" bundle "$W/defects" --waivers "$W/waivers.txt" -o "$B/defects.tar"
expect_rc 0 "verify accounts for the waivers" "$MC" verify "$B/defects.tar"
mkdir -p "$B/w"
tar -xf "$B/defects.tar" -C "$B/w"
sed -i 's/fix queued/fix queued, honest/' "$B/w/defects/waivers.txt"
tar --format=ustar -cf "$B/w.tar" -C "$B/w" defects
expect_rc 1 "verify rejects an edited waiver" "$MC" verify "$B/w.tar"
has "the waiver of ROB-01 is not the one report.json records"
# A forged pass of ROB-01 over the kernel reports the run listed, without the kernel.log
# that would also give it away: kernel_reports still does.
mkdir -p "$B/kf"
"$PY" - "$W/defects/report.json" "$B/kf/src.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["kernel_reports"], "the defects run lists no kernel report"
r.pop("waivers", None)
for c in r["cases"]:
    c.pop("waiver", None)
    if c["id"] == "rob.klog":
        c["status"], c["detail"] = "pass", ""
json.dump(r, open(sys.argv[2], "w"), indent=2)
PYEOF
"$MC" report render "$B/kf/src.json" --out "$B/kf/run" >/dev/null 2>&1
"$MC" report render "$B/kf/run/report.json" --out "$B/kf/run" >/dev/null 2>&1	# counts recomputed
expect_rc 0 "bundle of a run whose ROB-01 pass was forged" "$MC" bundle "$B/kf/run" -o "$B/kf.tar"
expect_rc 1 "verify rejects it: kernel_reports lists what ROB-01 would have failed on" "$MC" verify "$B/kf.tar"
has "ROB-01 case rob.klog is pass, but kernel_reports lists [0-9]* kernel report(s), the first warn in"
expect_rc 0 "verify of the genuine run checks its kernel reports" "$MC" verify "$B/defects.tar"
has "checked: [1-9][0-9]* kernel report(s) in kernel_reports against the cases"
head -c 30000 "$B/mtty.tar" >"$B/trunc.tar"
expect_rc 2 "verify refuses a truncated bundle" "$MC" verify "$B/trunc.tar"
has "truncated"
head -c 4096 /dev/urandom >"$B/garbage.tar"
expect_rc 2 "verify refuses garbage" "$MC" verify "$B/garbage.tar"
expect_rc 2 "verify of a missing file" "$MC" verify "$B/nonexistent.tar"
: >"$B/empty.tar"
expect_rc 2 "verify of an empty file" "$MC" verify "$B/empty.tar"

# ---------------------------------------------------------------- diff
expect_rc 0 "diff of a run with itself" "$MC" diff "$W/mtty/report.json" "$W/mtty/report.json"
has "0 change(s), 0 worse"
expect_rc 1 "diff: a result that got worse" "$MC" diff "$B/t1/mtty/report.json" "$W/mtty/report.json"
has "WORSE  case res.corrupt.header: pass -> fail"
expect_rc 0 "diff: a result that got better" "$MC" diff "$W/mtty/report.json" "$B/t1/mtty/report.json"
expect_rc 1 "diff: a sim defect against the conforming sim" "$MC" diff "$W/sim/report.json" "$W/defects/report.json"
has "WORSE  clause FSM-09: pass -> fail"

expect_rc 1 "diff: the production-kernel run against the debug-kernel run" "$MC" diff "$W/mtty/report.json" "$W/mtty-debug/report.json"
has "       kernel: 6.12.117+deb12-amd64 -> 6.12.117-mcdebug-"
has "       kernel flavour and oracles: (not recorded) -> debug"
cp -r "$HERE/data/mtty-debug" "$B/mtty-debug"
expect_rc 0 "bundle of the debug-kernel run" "$MC" bundle "$B/mtty-debug" -o "$B/mtty-debug.tar"
expect_rc 0 "verify accepts it (kernel block and kernel_reports)" "$MC" verify "$B/mtty-debug.tar"
has "checked: 2 kernel report(s) in kernel_reports against the cases"

# ---------------------------------------------------------------- bad input
printf '{"schema": 1, "tool": ' >"$W/trunc.json"
expect_rc 2 "render of a truncated report.json" "$MC" report render "$W/trunc.json"
has "trunc.json:1:"
echo '{"schema": 1}' >"$W/empty-report.json"
expect_rc 2 "render of a report.json without members" "$MC" report render "$W/empty-report.json"
expect_rc 2 "render of a missing file" "$MC" report render "$W/nonexistent.json"
sed 's/"status": "pass"/"status": "maybe"/' "$HERE/data/mtty/report.json" >"$W/badstatus.json"
expect_rc 2 "render of a report with an unknown status" "$MC" report render "$W/badstatus.json" --out "$W/bs"
has "cases\[0\].status"
printf 'RES-04 reason but no reference\n' >"$W/bad-waivers.txt"
expect_rc 2 "a waiver without ref=" "$MC" report render "$W/mtty/report.json" --waivers "$W/bad-waivers.txt"
expect_rc 2 "run --waivers with an unknown clause" sh -c \
	"printf 'XYZ-99 r ref=x\n' >'$W/w2.txt' && '$MC' run --device sim --waivers '$W/w2.txt' --out '$W/w2'"
expect_rc 2 "bundle of a directory without report.json" "$MC" bundle "$W/bundle/x" -o "$W/none.tar"
expect_rc 2 "diff with a malformed file" "$MC" diff "$W/trunc.json" "$W/mtty/report.json"

echo
if [ "$failures" -gt 0 ]; then
	echo "report-check: $failures check(s) failed"
	exit 1
fi
echo "report-check: all passed (screenshots: $SHOT ${SHOT%.png}-2.png ${SHOT%.png}-3.png ${SHOT%.png}-4.png ${SHOT%.png}-5.png ${SHOT%.png}-6.png ${SHOT%.png}-narrow.png)"

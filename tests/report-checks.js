// SPDX-License-Identifier: GPL-2.0-only
// Checks run inside report.html by tests/report_browser.py; EXPECT is prepended by
// tests/report-check.sh. Evaluates to a list of [name, ok, detail].
(function () {
  var r = [], q = function (s) { return document.querySelectorAll(s); };
  var one = function (s) { return document.querySelector(s); };
  function ck(n, ok, d) { r.push([n, !!ok, d === undefined ? "" : String(d)]); }
  function text(s) { var e = one(s); return e ? e.textContent : ""; }

  ck("title names the driver and verdict", document.title.indexOf("migcheck report") === 0 &&
     document.title.indexOf(EXPECT.verdict) > 0, document.title);
  ck("verdict badge", one("#verdict") && one("#verdict").dataset.verdict === EXPECT.verdict,
     one("#verdict") && one("#verdict").textContent);
  ck("scope label: what the verdict covers, and whether it is a conformance claim",
     one("#scope") && text("#scope").indexOf(EXPECT.verdict.toUpperCase() + " (") === 0 &&
     one("#scope").dataset.claim === EXPECT.claim &&
     text("#scope").indexOf(EXPECT.claim === "conformance" ? "— conformance verdict" :
                            "not a conformance claim") > 0, text("#scope"));
  ck("device identity", text("#device").indexOf(EXPECT.driver) >= 0 &&
     text("#device").indexOf("Module srcversion") >= 0 && text("#device").indexOf("STOP_COPY") >= 0);
  ck("environment", text("#environment").indexOf(EXPECT.kernel) >= 0 &&
     text("#environment").indexOf("Kernel config SHA-256") >= 0 &&
     text("#environment").indexOf("Seed") >= 0 && text("#environment").indexOf("Command line") >= 0);
  ck("summary cards", q("#summary .card").length === 6, q("#summary .card").length);

  // Findings first: every clause that failed, had an error or warned, in that order, with
  // its level, a one-line evidence and a link to the row of the case it comes from.
  var first = one("#summary h2") && one("#summary h2").nextElementSibling;
  ck("the summary begins with the findings", first && first.id === "findings", first && first.id);
  if (EXPECT.findings.length) {
    var frows = q("#findings tr.finding"), fbad = [];
    Array.prototype.forEach.call(frows, function (tr, i) {
      var want = EXPECT.findings[i] || [], a = tr.querySelector("a.ev-case"), ev = tr.querySelector(".ev");
      var t = a && document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (tr.dataset.clause !== want[0] || tr.cells[1].textContent !== want[2] ||
          tr.querySelector(".badge").textContent !== want[1])
        fbad.push(tr.dataset.clause + " " + tr.cells[1].textContent + " " + tr.querySelector(".badge").textContent +
                  ", expected " + want.join(" "));
      else if (!t || t.tagName !== "TR" || !t.closest("details#c-" + CSS.escape(want[0])) ||
               t.cells[1].querySelector(".badge").textContent !== want[1] || t.cells[0].firstChild.textContent !== a.textContent)
        fbad.push(want[0] + ": the link does not lead to a " + want[1] + " case of the clause");
      else if (!ev || /\n/.test(ev.textContent) || ev.textContent.length > 170 ||
               t.querySelector("pre").textContent.split("\n")[0].indexOf(ev.textContent.replace(/ …$/, "")) !== 0)
        fbad.push(want[0] + ": the evidence is not the first line of the case's detail: " + (ev && ev.textContent));
    });
    ck("findings: one row per failed, errored and warned clause, each with level, status, one line of evidence and its case's row",
       frows.length === EXPECT.findings.length && fbad.length === 0,
       frows.length + " of " + EXPECT.findings.length + "; " + fbad.slice(0, 3).join("; "));
  } else {
    ck("a report without findings says so", /^No findings/.test(text("#findings")) && !one("#findings tr"),
       text("#findings"));
  }
  var cells = q("#arc-matrix td.cell");
  var tips = Array.prototype.every.call(cells, function (c) { return /model expects/.test(c.title); });
  ck("8x8 arc matrix with the model's expectation on hover", cells.length === 64 && tips, cells.length);
  ck("matrix mismatches", q("#arc-matrix td.m-mismatch").length === EXPECT.mismatches,
     q("#arc-matrix td.m-mismatch").length);
  ck("latency chart", q("svg#latency-chart g.row").length === EXPECT.latency,
     q("svg#latency-chart g.row").length);
  ck("downtime chart", q("svg#downtime-chart g.row").length === 3, q("svg#downtime-chart g.row").length);
  ck("PRE_COPY convergence charts", q("#precopy svg.conv").length === EXPECT.precopy,
     q("#precopy svg.conv").length);
  if (EXPECT.fuzz)
    ck("fuzz campaigns", q("#fuzz-table tbody tr").length === EXPECT.fuzz, q("#fuzz-table tbody tr").length);
  else
    ck("no fuzz campaign", /no campaign/.test(text("#fuzz-none")), text("#fuzz"));
  if (EXPECT.klog)
    ck("kernel log excerpt of the ROB finding", q("#klog pre.klog-excerpt").length >= 1 &&
       /WARNING|UBSAN|KASAN|BUG/.test(text("#klog pre.klog-excerpt")), q("#klog pre.klog-excerpt").length);
  else
    ck("no ROB finding", !!one("#klog-none"), text("#klog"));
  ck("waivers", q("#waiver-table tbody tr").length === EXPECT.waivers, q("#waiver-table tbody tr").length);
  ck("waived cases shown as waived", q("table.cases .badge.b-waived").length === EXPECT.waived,
     q("table.cases .badge.b-waived").length);
  ck("one <details> per clause", q("details.clause").length === EXPECT.clauses, q("details.clause").length);
  ck("one row per case", q("table.cases tbody tr").length === EXPECT.cases, q("table.cases tbody tr").length);
  ck("requirement text in every clause", Array.prototype.every.call(q("details.clause .req"),
     function (e) { return e.textContent.length > 20; }));
  // The whole op log of every case that did not pass, as report.json has it.
  var obad = [], nlogs = 0;
  Array.prototype.forEach.call(q("table.cases tbody tr"), function (tr) {
    var want = EXPECT.oplogs[tr.cells[0].firstChild.textContent], pre = tr.querySelector("pre.oplog");
    if (want === undefined) { if (pre) obad.push(tr.id + ": an op log it does not have"); return; }
    nlogs++;
    if (!pre || pre.textContent.split("\n").length !== want)
      obad.push(tr.id + ": " + (pre ? pre.textContent.split("\n").length : 0) + " of " + want + " operations");
  });
  ck("every op log whole (report.json's oplog of each case that did not pass)",
     nlogs === Object.keys(EXPECT.oplogs).length && obad.length === 0,
     nlogs + " logs; " + obad.slice(0, 3).join("; "));
  ck("failing clauses open", Array.prototype.every.call(q("details.cl-fail"), function (d) { return d.open; }));
  ck("page fits 1400 px", document.documentElement.scrollWidth <= 1400, document.documentElement.scrollWidth);

  var box = one("#only-problems"), pass = one("details.cl-pass");
  box.click();
  ck("'only problems' hides passing clauses", document.body.classList.contains("problems") &&
     (!pass || getComputedStyle(pass).display === "none"));
  box.click();
  one("#expand-all").click();
  ck("'expand all' opens every clause", Array.prototype.every.call(q("details.clause"),
     function (d) { return d.open; }));
  one("#expand-all").click();

  // The Kernel section: the kernel, its oracles, and every kernel report linked to its case.
  ck("kernel section names the release", text("#kernel-info").indexOf(EXPECT.kernel) >= 0,
     text("#kernel-info"));
  if (EXPECT.kflavour)
    ck("kernel flavour and one row per oracle", one("#kernel-flavour") &&
       one("#kernel-flavour").dataset.flavour === EXPECT.kflavour &&
       q("#oracle-table tbody tr").length === EXPECT.oracles && /Present: /.test(text("#oracle-summary")),
       q("#oracle-table tbody tr").length + " " + text("#kernel-flavour"));
  else
    ck("a report without the kernel's flavour says so", !!one("#kernel-unrecorded") &&
       !one("#oracle-table"), text("#kernel"));
  if (EXPECT.kreports) {
    var krows = q("#kreport-table tbody tr"), links = q("#kreport-table a.case-link"), bad = [];
    Array.prototype.forEach.call(links, function (a) {
      var t = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (!t || t.tagName !== "TR" || !t.closest("table.cases") ||
          t.cells[0].firstChild.textContent !== a.textContent)
        bad.push(a.getAttribute("href"));
    });
    ck("one kernel-report row per report, each with its kind and first line",
       krows.length === EXPECT.kreports && Array.prototype.every.call(krows, function (r) {
         return r.dataset.kind && r.querySelector("pre.log").textContent.length > 0; }), krows.length);
    ck("every report in a case links to that case's row", links.length === EXPECT.kreports_cases &&
       bad.length === 0, links.length + " links, unresolved: " + bad.slice(0, 3).join(" "));
    var back = q("table.cases p.kr-back a"), unres = [];
    Array.prototype.forEach.call(back, function (a) {
      var t = document.getElementById(a.getAttribute("href").slice(1));
      if (!t || !t.closest("#kreport-table")) unres.push(a.getAttribute("href"));
    });
    ck("each case row links back to its kernel reports", back.length === EXPECT.kreports_cases &&
       unres.length === 0, back.length + " back links, unresolved: " + unres.slice(0, 3).join(" "));
    ck("every report outside a case names its phase", q("#kreport-table tr.kr-phase .phase").length ===
       EXPECT.kreports - EXPECT.kreports_cases, q("#kreport-table tr.kr-phase").length);
    if (links.length) {
      var target = document.getElementById(decodeURIComponent(links[0].getAttribute("href").slice(1)));
      var det = target.closest("details");
      det.open = false;
      location.hash = links[0].getAttribute("href");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      ck("following a kernel-report link opens the case's clause", det.open, det.id);
    }
  } else {
    ck("no kernel-report table without reports", !one("#kreport-table") && !!one("#kreports-none"),
       text("#kreports-none"));
  }

  // The Coverage section (report.json `coverage`): the figures the JSON has, each
  // instrumented source line marked reached (h) or not (m) with its count of cases, and
  // with every box open still inside the page's width (long source lines scroll in theirs).
  if (EXPECT.cov) {
    var cv = EXPECT.cov, figs = Array.prototype.map.call(q("#coverage .cards .card"), function (c) {
      return c.querySelector(".n").textContent + " " + c.querySelector(".l").textContent; });
    ck("coverage cards: driver and VFIO core lines and functions as report.json has them",
       figs.join(" | ") === cv.cards.join(" | "), figs.join(" | "));
    ck("coverage: the driver functions never reached", cv.never.length ?
       text("#cov-never") === cv.never.join(", ") : /^None/.test(text("#cov-never")), text("#cov-never"));
    ck("coverage: one row per case", q("#cov-cases tbody tr").length === cv.cases, q("#cov-cases tbody tr").length);
    var wrong = [];
    cv.files.forEach(function (fl, i) {
      var lines = q("#cov-src-" + i + " > span"), marked = 0;
      if (lines.length !== fl.lines) wrong.push("file " + i + ": " + lines.length + " lines");
      fl.marks.forEach(function (m) {
        var s = lines[m[0] - 1], want = m[1] > 0 ? "h" : "m";
        if (!s || s.className !== want || s.querySelector("b").textContent !== String(m[1]))
          wrong.push("file " + i + " line " + m[0] + ": " + (s ? s.className + " " +
                     s.querySelector("b").textContent : "missing") + ", expected " + want + " " + m[1]);
      });
      Array.prototype.forEach.call(lines, function (s) { marked += s.className !== ""; });
      if (marked !== fl.marks.length) wrong.push("file " + i + ": " + marked + " marked lines");
    });
    ck("coverage: annotated source, instrumented lines marked hit/miss with their count",
       q("#coverage pre.src").length === cv.files.length && wrong.length === 0 &&
       q("#coverage pre.src span.h").length > 0 && q("#coverage pre.src span.m").length > 0,
       wrong.slice(0, 3).join("; "));
    // left open: the screenshot of the section shows the annotated source
    Array.prototype.forEach.call(q("#coverage details"), function (d) { d.open = true; });
    var sec = one("#coverage"), over = Array.prototype.filter.call(q("#coverage *"), function (e) {
      return !(e.parentElement && e.parentElement.closest("pre.src, .tscroll")) &&
        e.getBoundingClientRect().right > sec.getBoundingClientRect().right + 0.5; });
    ck("coverage section fits 1400 px with every box open", document.documentElement.scrollWidth <= 1400 &&
       sec.scrollWidth <= sec.clientWidth && over.length === 0,
       document.documentElement.scrollWidth + " " + over.slice(0, 3).map(function (e) {
         return e.tagName + (e.id ? "#" + e.id : ""); }).join(" "));
    if (EXPECT.hostile)
      ck("coverage: hostile names shown as text", text("#cov-never").indexOf(EXPECT.hostile) >= 0 &&
         text("#cov-src-0").indexOf(EXPECT.hostile) >= 0 && text("#cov-cases").indexOf(EXPECT.hostile) >= 0);
  } else {
    ck("no coverage section without coverage", !one("#coverage"));
  }

  // At 390 px (report_browser.py --narrow): nothing wider than the screen, every table in
  // a box that scrolls, chart labels at 9 px or more, the matrix's expectations on a tap.
  window.mcNarrow = function () {
    var n = [], W = 390;
    function nk(name, ok, d) { n.push([name, !!ok, d === undefined ? "" : String(d)]); }
    nk("390 px: the page is no wider than the screen", document.documentElement.scrollWidth <= W,
       document.documentElement.scrollWidth + " px in " + W);
    var loose = Array.prototype.filter.call(q("main table"), function (t) {
      for (var e = t.parentElement; e && e !== document.body; e = e.parentElement)
        if (/auto|scroll/.test(getComputedStyle(e).overflowX)) return false;
      return true; });
    nk("390 px: every table scrolls inside its own box", loose.length === 0,
       loose.slice(0, 3).map(function (t) { return t.id || t.className; }).join(" "));
    var small = [];
    Array.prototype.forEach.call(q("svg.chart"), function (g) {
      var k = g.getBoundingClientRect().width / g.viewBox.baseVal.width;
      Array.prototype.forEach.call(g.querySelectorAll("text"), function (t) {
        var px = parseFloat(getComputedStyle(t).fontSize) * k;
        if (t.textContent.trim() && px < 9) small.push(g.id + " " + px.toFixed(1) + " px");
      });
    });
    nk("390 px: chart labels at 9 px or more", q("svg.chart").length === 0 || small.length === 0,
       q("svg.chart").length + " charts; " + small.slice(0, 3).join(", "));
    var cell = one("#arc-matrix td.cell:not([data-verdict=untested])"), info = one("#cell-info");
    if (cell) {
      cell.click();
      nk("390 px: tapping a matrix cell shows the model's expectation", info &&
         getComputedStyle(info).display !== "none" && /model expects/.test(info.textContent) &&
         info.textContent === cell.title, info ? info.textContent : "no #cell-info");
    }
    return n;
  };

  ck("no injected markup", window.__pwned === undefined && q("img, iframe, object, embed").length === 0 &&
     q("[onerror],[onload],[onclick],[onmouseover]").length === 0 && q("script").length === 1,
     String(window.__pwned));
  if (EXPECT.hostile)
    ck("hostile strings shown as text", document.body.textContent.indexOf(EXPECT.hostile) >= 0);
  return r;
})()

// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.html: the human-readable certification report. One self-contained file (inline
 * CSS, SVG and a hash-pinned script; a CSP that forbids every network fetch), rendered
 * from a struct mc_report -- from a live run or from report.json. Every string that
 * came from a device, a kernel or a file goes through the XML escaper.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "clauses.h"
#include "errname.h"
#include "kinfo.h"
#include "rep_html.h"
#include "rep_scope.h"
#include "report.h"
#include "reporter.h"
#include "sha256.h"
#include "waiver.h"

static const char css[] =
	":root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--error:#8250df;"
	"--waived:#0969da;--bg:#f6f8fa;--line:#d0d7de;--ink:#1f2328;--muted:#59636e}"
	"*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'Noto Sans',sans-serif;color:var(--ink);background:#fff}"
	"header{background:#24292f;color:#fff;padding:20px 32px;display:flex;align-items:center;"
	"flex-wrap:wrap;gap:12px 24px;overflow-wrap:anywhere}header h1{margin:0;font-size:22px;"
	"font-weight:600}header .sub{color:#c9d1d9;font-size:13px;margin-top:2px}"
	"header .grow{flex:1}header .scope{margin-top:6px;font-size:14px;font-weight:600}"
	"header .claim-partial,header .claim-simulated{color:#ffd33d}"
	"header .claim-conformance{color:#7ee787}"
	"nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);"
	"padding:8px 32px;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}"
	"nav a{color:var(--waived);text-decoration:none}nav .tools{margin-left:auto}"
	"main{padding:8px 32px 40px;max-width:1400px}section{margin-top:28px}"
	"h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:6px;margin:0 0 12px}"
	"h3{font-size:15px;margin:20px 0 8px}"
	".badge{display:inline-block;border-radius:12px;padding:1px 9px;font-size:12px;"
	"font-weight:600;color:#fff;background:var(--skip);white-space:nowrap}"
	".b-pass{background:var(--pass)}.b-fail{background:var(--fail)}.b-warn{background:var(--warn)}"
	".b-skip,.b-skipped,.b-untested{background:var(--skip)}"
	".b-error,.b-interrupted{background:var(--error)}"
	".b-waived{background:var(--waived)}"
	".b-present{background:var(--pass)}.b-absent{background:var(--skip)}"
	".b-unknown{background:var(--error)}.b-debug{background:#bc4c00}"
	".b-production{background:var(--waived)}tr:target td{background:#fff8c5}"
	".verdict{font-size:20px;padding:6px 18px;border-radius:6px;letter-spacing:.04em}"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}"
	".card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:var(--bg)}"
	".card .n{font-size:26px;font-weight:600}.card .l{color:var(--muted);font-size:12px;"
	"text-transform:uppercase;letter-spacing:.05em}"
	".c-pass .n{color:var(--pass)}.c-fail .n{color:var(--fail)}.c-warn .n{color:var(--warn)}"
	".c-skip .n{color:var(--skip)}.c-error .n{color:var(--error)}.c-waived .n{color:var(--waived)}"
	".two{display:grid;grid-template-columns:1fr 1fr;gap:24px}"
	"@media(max-width:900px){.two{grid-template-columns:1fr}}"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:baseline;"
	"padding:5px 8px;border-bottom:1px solid var(--line)}th{background:var(--bg);font-weight:600}"
	"table.kv th{width:190px;background:none;color:var(--muted);font-weight:500}"
	"table.kv td{word-break:break-word}td.hash{font-family:ui-monospace,monospace;"
	"font-size:12px;word-break:break-all}"
	".src{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px;"
	"max-height:640px;overflow:auto;white-space:pre}.src span{display:block}"
	".src .h{background:#dafbe1}.src .m{background:#ffebe9}.src i,.src b{display:inline-block;"
	"color:var(--muted);font-style:normal;font-weight:400;text-align:right;margin-right:10px}"
	".src i{width:3.5em}.src b{width:2.5em}.tscroll{max-width:100%;overflow-x:auto}"
	"code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}"
	"pre{margin:0;white-space:pre-wrap;word-break:break-word}"
	"pre.log{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px;"
	"max-height:420px;overflow:auto}"
	"td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"tr.area td{background:#eef1f4;font-weight:600}"
	"table.matrix{width:auto}table.matrix td,table.matrix th{text-align:center;"
	"border:1px solid #fff;padding:6px 4px;min-width:96px;font-size:12px}"
	"table.matrix th{background:#eef1f4}td.m-match{background:#d2f4d9}"
	"td.m-refuse{background:#e7eef6;color:#32475b}td.m-mismatch{background:#ffd6d6;"
	"color:#82071e;font-weight:600}td.m-error{background:#eddeff}td.m-untested{background:#f3f4f6;"
	"color:#8c959f}td.cell{cursor:pointer}td.cell:focus,td.cell.sel{outline:2px solid var(--ink);"
	"outline-offset:-2px}#cell-info{margin-top:8px}"
	".legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:"
	"inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}"
	"details.clause{border:1px solid var(--line);border-radius:6px;margin:8px 0}"
	"details.clause>summary{cursor:pointer;padding:8px 12px;display:flex;gap:10px;"
	"align-items:baseline;list-style:none}details.clause>summary::-webkit-details-marker{display:none}"
	"details.clause>summary:before{content:'▸';color:var(--muted)}"
	"details.clause[open]>summary:before{content:'▾'}details.clause .body{padding:0 12px 12px}"
	".cid{font-weight:600;min-width:64px}.lvl{color:var(--muted);font-size:12px;min-width:48px}"
	".muted{color:var(--muted)}.req{flex:1;min-width:0;overflow-wrap:anywhere}"
	"svg.chart{width:100%;max-width:1000px;height:auto;font:12px system-ui,sans-serif}"
	"svg .grid{stroke:#e1e4e8}svg .tick{fill:#6e7781;font-size:11px}svg .label{fill:#1f2328}"
	"svg .value{fill:#59636e;font-size:11px}svg .legend{fill:#59636e;font-size:11px}"
	"svg .p50{fill:#0969da}svg .p99{fill:#9cc4f0}svg .max{stroke:#1f2328;stroke-width:2}"
	"svg polyline{fill:none;stroke-width:2}svg .initial{stroke:#0969da;fill:none}"
	"svg circle.initial{fill:#0969da}svg .dirty{stroke:#bc4c00;fill:none}"
	"svg circle.dirty{fill:#bc4c00}svg .sparse{stroke-dasharray:5 4}"
	"svg text.initial-l{fill:#0969da}svg text.dirty-l{fill:#bc4c00}"
	".convs{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr));"
	"gap:16px}"
	".convs figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}"
	"figcaption{font-size:12px;color:var(--muted)}"
	".note{background:#fff8c5;border:1px solid #d4a72c66;border-radius:6px;padding:8px 12px}"
	"body.problems tr.st-pass,body.problems tr.st-skip,body.problems details.cl-pass,"
	"body.problems details.cl-skip{display:none}"
	"footer{color:var(--muted);font-size:12px;padding:16px 32px;border-top:1px solid var(--line)}"
	"table.findings td{vertical-align:top}.finding .ev{display:block;white-space:nowrap;"
	"overflow:hidden;text-overflow:ellipsis;max-width:70ch}"
	/*
	 * Narrow screens: a table scrolls in its .tscroll box, a chart in its .chartbox at a
	 * width that keeps its 11 px labels at 9 px or more, never the page.
	 */
	".chartbox{max-width:100%;overflow-x:auto}svg.chart{min-width:760px}svg.conv{min-width:380px}"
	"@media(max-width:600px){header{padding:12px 14px}header h1{font-size:18px}"
	"nav{padding:6px 14px}main{padding:4px 12px 24px}footer{padding:12px 14px}"
	"table.kv th{width:auto}.convs figure{padding:4px}}";

/*
 * Print (and print to PDF): every clause open, no navigation or controls, no block split
 * across pages, and the device and verdict on every page in the page's margin (head()
 * adds those strings, the page's own). Chromium prints a closed <details>' content once its
 * ::details-content is visible; the script opens them too, for browsers without it.
 */
static const char css_print[] =
	"@page{margin:18mm 12mm 14mm}"
	"@media print{nav,#cell-info{display:none!important}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"header{padding:10px 14px}main{padding:0;max-width:none}footer{padding:8px 0}"
	"details.clause::details-content{content-visibility:visible;display:block}"
	"details.clause>summary:before{content:''}"
	"body.problems tr.st-pass,body.problems tr.st-skip{display:table-row}"
	"body.problems details.cl-pass,body.problems details.cl-skip{display:block}"
	".tscroll,.chartbox,.src,pre.log{overflow:visible;max-height:none}"
	"svg.chart,svg.conv{min-width:0}table.matrix td,table.matrix th{min-width:0;padding:3px 2px}"
	"tr,.card,figure,svg,pre,.note,details.clause>summary,.legend{break-inside:avoid}"
	"h2,h3,summary,thead{break-after:avoid}a{color:inherit;text-decoration:none}"
	/* a case's name on one line: whole in the PDF's text too, where a reader searches it */
	"table.cases td.mono{white-space:nowrap}tr:target td{background:none}}";

/* Behaviour only (no data): pinned by its hash in the CSP. */
static const char script[] =
	"(function(){var b=document.body,t=document.getElementById('only-problems'),"
	"e=document.getElementById('expand-all');"
	"if(t)t.addEventListener('change',function(){b.classList.toggle('problems',t.checked);});"
	"if(e)e.addEventListener('click',function(){var d=document.querySelectorAll("
	"'details.clause'),o=e.getAttribute('data-open')!=='1';for(var i=0;i<d.length;i++)"
	"d[i].open=o;e.setAttribute('data-open',o?'1':'0');e.textContent=o?'Collapse all':"
	"'Expand all';});"
	"function reveal(){var id=decodeURIComponent(location.hash.slice(1)),el=id&&"
	"document.getElementById(id),d=el&&el.closest('details');if(d)d.open=true;"
	"if(el&&d&&el!==d)el.scrollIntoView();}"
	"window.addEventListener('hashchange',reveal);reveal();"
	/* a matrix cell's expectation on click, tap or Enter: no hover needed */
	"var m=document.getElementById('arc-matrix'),ci=document.getElementById('cell-info');"
	"function show(c){if(!c||!ci)return;var o=m.querySelector('td.sel');if(o)o.classList."
	"remove('sel');c.classList.add('sel');ci.textContent=c.title;}"
	"if(m){m.addEventListener('click',function(ev){show(ev.target.closest('td.cell'));});"
	"m.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){"
	"ev.preventDefault();show(ev.target.closest('td.cell'));}});}"
	/* print every clause open (::details-content does it in Chromium), then as it was */
	"var shut=[];window.addEventListener('beforeprint',function(){shut=Array.prototype."
	"filter.call(document.querySelectorAll('details.clause'),function(d){return !d.open;});"
	"shut.forEach(function(d){d.open=true;});});window.addEventListener('afterprint',"
	"function(){shut.forEach(function(d){d.open=false;});shut=[];});})();";

static void base64(const uint8_t *in, size_t n, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

/*
 * @s inside a CSS string (the caller writes the quotes): every character that could end the string, the rule or
 * the <style> element is a hex escape; UTF-8 passes as is (no byte of it is ASCII).
 */
static void css_str(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p >= 0x80 || (*p >= '0' && *p <= '9') ||
		    ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || strchr(" .,:_-/()+=@", *p))
			fputc(*p, f);
		else
			fprintf(f, "\\%x ", *p);
	}
}

static void head(FILE *f, const struct mc_report *rep)
{
	struct mc_sha256 s;
	uint8_t d[MC_SHA256_LEN];
	char b64[64];
	struct mc_scope sc;

	mc_report_scope(rep, &sc);
	mc_sha256_init(&s);
	mc_sha256_update(&s, script, strlen(script));
	mc_sha256_final(&s, d);
	base64(d, sizeof(d), b64);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n",
	      f);
	fprintf(f,
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'; script-src 'sha256-%s'; img-src data:; "
		"base-uri 'none'; form-action 'none'\">\n",
		b64);
	fputs("<meta name=\"generator\" content=\"migcheck ", f);
	A(rep->info.tool_version);
	fputs("\">\n<title>migcheck report: ", f);
	H(rep->info.ident.driver[0] ? rep->info.ident.driver : rep->info.device_spec);
	fputs(" — ", f);
	H(mc_report_verdict(rep));
	fprintf(f, " (%s)", sc.claim);
	fprintf(f, "</title>\n<style>%s</style>\n<style id=\"print-css\">%s", css, css_print);
	/* the device and verdict at the top of every printed page */
	fputs("@page{@top-left{content:\"", f);
	css_str(f, "migcheck · ");
	css_str(f, rep->info.ident.driver[0] ? rep->info.ident.driver : "device");
	css_str(f, " · ");
	css_str(f, rep->info.device_spec);
	fputs("\";font:10px system-ui,sans-serif;color:#444}@top-right{content:\"", f);
	css_str(f, "verdict ");
	css_str(f, mc_verdict_word(mc_report_verdict(rep)));
	css_str(f, " (");
	css_str(f, sc.claim);
	css_str(f, ")");
	fputs("\";font:600 10px system-ui,sans-serif}}</style>\n</head>\n", f);
}

static void top(FILE *f, const struct mc_report *rep)
{
	const char *v = mc_report_verdict(rep);
	int waived = rep->waived[MC_FAIL] + rep->waived[MC_WARN];
	struct mc_scope sc;

	mc_report_scope(rep, &sc);

	fputs("<body>\n<header><div class=\"grow\"><h1>VFIO migration v2 conformance report</h1>"
	      "<div class=\"sub\">",
	      f);
	H(rep->info.ident.driver[0] ? rep->info.ident.driver : "device");
	fputs(" ", f);
	H(rep->info.ident.type);
	fputs(" · ", f);
	H(rep->info.device_spec);
	fputs(" · kernel ", f);
	H(rep->info.kernel_release);
	fputs(" · ", f);
	H(rep->info.started);
	fprintf(f, "</div><div id=\"scope\" class=\"scope claim-%s\" data-claim=\"%s\">", sc.claim,
		sc.claim);
	H(sc.label);
	fprintf(f,
		"</div></div><div id=\"verdict\" class=\"badge verdict b-%s\" data-verdict=\"%s\">",
		v, v);
	fputs(mc_verdict_word(v), f);
	if (waived)
		fprintf(f, " · %d waived", waived);
	if (strcmp(sc.claim, "conformance")) /* never a bare PASS for a partial or sim run */
		fprintf(f, " · %s", sc.claim);
	fputs("</div></header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#identity\">"
	      "Device &amp; environment</a><a href=\"#kernel\">Kernel</a>",
	      f);
	if (rep->coverage)
		fputs("<a href=\"#coverage\">Coverage</a>", f);
	fputs("<a href=\"#clauses\">Clauses</a><a href=\"#matrix\">"
	      "Arc matrix</a><a href=\"#timing\">Timing</a><a href=\"#precopy\">PRE_COPY</a>"
	      "<a href=\"#fuzz\">Fuzzing</a><a href=\"#klog\">Kernel log</a><a href=\"#waivers\">"
	      "Waivers</a><a href=\"#results\">Results</a><span class=\"tools\"><label>"
	      "<input type=\"checkbox\" id=\"only-problems\"> only problems</label> "
	      "<button type=\"button\" id=\"expand-all\">Expand all</button></span></nav>\n<main>\n",
	      f);
}

static void card(FILE *f, const char *cls, int n, const char *label)
{
	fprintf(f,
		"<div class=\"card c-%s\"><div class=\"n\">%d</div><div class=\"l\">%s</div>"
		"</div>",
		cls, n, label);
}

static bool same_clause(const struct mc_clause *a, const struct mc_clause *b)
{
	return a == b || (a && b && !strcmp(a->id, b->id));
}

/* The first case charged to clause @cl whose shown status is @st (the clause's own). */
static const struct mc_case_result *first_case(const struct mc_report *rep,
					       const struct mc_clause *cl, const char *st)
{
	for (int k = 0; k < rep->ncases; k++) {
		const struct mc_case_result *r = &rep->cases[k];

		if (same_clause(mc_case_charged(r), cl) && !strcmp(mc_html_case_status(r), st))
			return r;
	}
	return NULL;
}

/* The first line of @detail, at most 160 bytes cut at a character's start, then "…". */
static void one_line(FILE *f, const char *detail)
{
	size_t n = strcspn(detail, "\n"), cut = n > 160 ? 160 : n;
	char *line;

	while (cut < n && cut && ((unsigned char)detail[cut] & 0xc0) == 0x80)
		cut--; /* not in the middle of a UTF-8 sequence */
	line = strndup(detail, cut);
	if (!line)
		return;
	H(line);
	free(line);
	if (cut < n || detail[n])
		fputs(" …", f);
}

/*
 * What a reader must see first: every clause that failed, then had a harness error, then
 * warned, with its level and the evidence of its first such case, linked to that case's
 * row (following the link opens the clause). A report without any says so.
 */
static void findings(FILE *f, const struct mc_report *rep)
{
	static const char *const order[] = { "fail", "error", "warn" };
	int n = 0;

	for (int o = 0; o < 3; o++)
		for (int i = 0; i < rep->nclauses; i++) {
			const struct mc_clause_result *cr = &rep->clauses[i];
			const struct mc_case_result *r;

			if (strcmp(mc_clause_effective(cr), order[o]))
				continue;
			if (!n++)
				fputs("<div id=\"findings\"><h3>Findings</h3><div class=\"tscroll\">"
				      "<table class=\"findings\"><thead><tr><th>Clause</th><th>Level"
				      "</th><th>Status</th><th>Evidence (the first such case)</th></tr>"
				      "</thead><tbody>",
				      f);
			fprintf(f, "<tr class=\"finding st-%s\" data-clause=\"", order[o]);
			A(cr->clause->id);
			fputs("\"><td><a class=\"mono\" href=\"#c-", f);
			A(cr->clause->id);
			fputs("\">", f);
			H(cr->clause->id);
			fprintf(f, "</a></td><td>%s</td><td>", mc_level_name(cr->clause->level));
			mc_html_badge(f, order[o]);
			fputs("</td><td>", f);
			r = first_case(rep, cr->clause, order[o]);
			if (r) {
				fputs("<a class=\"mono ev-case\" href=\"#", f);
				mc_html_case_anchor(f, r);
				fputs("\">", f);
				H(r->name);
				fputs("</a><span class=\"ev\">", f);
				one_line(f, r->detail);
				fputs("</span>", f);
			} else {
				H(cr->clause->text);
			}
			fputs("</td></tr>", f);
		}
	if (n)
		fprintf(f,
			"</tbody></table></div><p class=\"muted\">%d finding(s); the results "
			"below hold every case.</p></div>",
			n);
	else
		fputs("<p id=\"findings\" class=\"findings-none\"><b>No findings</b>: no clause "
		      "failed, warned or had a harness error.</p>",
		      f);
}

static void summary(FILE *f, const struct mc_report *rep)
{
	const int *c = rep->counts, *w = rep->waived;
	int cl[MC_NSTATUS + 1] = { 0 }, must_fail = 0;
	struct mc_scope sc;

	for (int i = 0; i < rep->nclauses; i++) {
		const struct mc_clause_result *cr = &rep->clauses[i];
		int st = mc_status_parse(mc_clause_effective(cr));

		cl[st < 0 ? MC_NSTATUS : st]++;
		must_fail += cr->clause->level == MC_MUST && st == MC_FAIL;
	}
	mc_report_scope(rep, &sc);
	fputs("<section id=\"summary\"><h2>Summary</h2>", f);
	findings(f, rep);
	fputs("<div class=\"cards\">", f);
	card(f, "pass", c[MC_PASS], "cases passed");
	card(f, "fail", c[MC_FAIL] - w[MC_FAIL], "failed");
	card(f, "warn", c[MC_WARN] - w[MC_WARN], "warnings");
	card(f, "error", c[MC_ERROR], "harness errors");
	card(f, "skip", c[MC_SKIP], "skipped");
	card(f, "waived", w[MC_FAIL] + w[MC_WARN], "waived");
	fputs("</div><p id=\"scope-summary\"><b>", f);
	H(sc.label);
	fputs(".</b> ", f);
	fprintf(f,
		"%d cases over %d clauses: <b>%d</b> clauses pass, <b>%d</b> fail "
		"(%d of them MUST), %d warn, %d error, %d skipped, %d waived. ",
		rep->ncases, rep->nclauses, cl[MC_PASS], cl[MC_FAIL], must_fail, cl[MC_WARN],
		cl[MC_ERROR], cl[MC_SKIP], cl[MC_NSTATUS]);
	fprintf(f, "Exit code <b>%d</b>%s.</p>", rep->exit_code,
		rep->info.strict ? " (strict: SHOULD violations count as failures)" : "");
	fputs("<p class=\"muted\">A <i>fail</i> is the device violating a MUST clause, a "
	      "<i>warn</i> a SHOULD clause, <i>skip</i> a precondition the device lacks, "
	      "<i>error</i> the harness itself could not carry the case out, <i>waived</i> a "
	      "known deviation accepted with a reason (never counted as a pass).</p></section>\n",
	      f);
}

/* One row of a key/value table; @cls (may be "") styles the value cell. */
static void kv_cls(FILE *f, const char *k, const char *v, const char *cls)
{
	fprintf(f, "<tr><th>%s</th><td class=\"%s\">", k, v && v[0] ? cls : "");
	if (v && v[0])
		H(v);
	else
		fputs("<span class=\"muted\">not recorded</span>", f);
	fputs("</td></tr>", f);
}

static void kv(FILE *f, const char *k, const char *v)
{
	kv_cls(f, k, v, "");
}

static void identity(FILE *f, const struct mc_report *rep)
{
	const struct mc_run_info *in = &rep->info;
	char buf[160];

	fputs("<section id=\"identity\"><h2>Device and environment</h2><div class=\"two\">"
	      "<div><h3>Device under test</h3><div class=\"tscroll\"><table class=\"kv\" id=\"device\">",
	      f);
	kv(f, "Driver", in->ident.driver);
	kv(f, "Module version", in->ident.module_version);
	kv_cls(f, "Module srcversion (checksum)", in->ident.module_srcversion, "hash");
	kv(f, "Type (mdev type / PCI IDs)", in->ident.type);
	kv(f, "Device", in->device_spec);
	kv(f, "sysfs path", in->ident.path);
	kv(f, "Access", in->ident.access);
	if (in->flags_known)
		snprintf(buf, sizeof(buf), "%" PRIu64 " = %s%s%s", in->mig_flags,
			 in->mig_flags & 1 ? "STOP_COPY " : "", in->mig_flags & 2 ? "P2P " : "",
			 in->mig_flags & 4 ? "PRE_COPY" : "");
	else
		snprintf(buf, sizeof(buf), "unknown (GET MIGRATION failed)");
	kv(f, "Advertised migration flags", buf);
	if (in->uapi_known) {
		kv(f, "PRECOPY_INFOv2 (feature 12, Linux 7.1)",
		   mc_uapi_v2_text(in->precopy_v2_rc, in->unknown_feature_rc, in->mig_flags, buf,
				   sizeof(buf)));
		kv(f, "Unknown feature gives",
		   in->unknown_feature_rc ? mc_errno_name(in->unknown_feature_rc) : "0 (accepted)");
	}
	kv(f, "Peer device", in->peer_spec ? in->peer_spec : "none");
	fputs("</table></div></div><div><h3>Environment</h3><div class=\"tscroll\"><table class=\"kv\" "
	      "id=\"environment\">",
	      f);
	kv(f, "Kernel release", in->kernel_release);
	kv_cls(f, "Kernel config SHA-256", in->kernel_config, "hash");
	kv(f, "Kernel config source", in->kernel_config_src);
	snprintf(buf, sizeof(buf), "%s (commit %s)", in->tool_version ? in->tool_version : "?",
		 in->tool_commit ? in->tool_commit : "?");
	kv(f, "migcheck", buf);
	snprintf(buf, sizeof(buf), "%" PRIu64, in->seed);
	kv(f, "Seed", buf);
	kv(f, "Command line", in->cmdline);
	kv(f, "Started", in->started);
	kv(f, "Finished", in->finished);
	kv(f, "Host", in->hostname);
	kv(f, "Case filter (--only)", in->only ? in->only : "none (complete run)");
	kv(f, "VMM profiles (--profile)", in->profiles[0] ? in->profiles : "not recorded");
	kv(f, "Strict", in->strict ? "yes" : "no");
	fputs("</table></div></div></div></section>\n", f);
}

static void counts_cells(FILE *f, const int *c)
{
	static const enum mc_status order[] = { MC_PASS, MC_FAIL, MC_WARN, MC_SKIP, MC_ERROR };

	for (int i = 0; i < 5; i++)
		fprintf(f, "<td class=\"num%s\">%d</td>", c[order[i]] ? "" : " muted", c[order[i]]);
}

static void clause_overview(FILE *f, const struct mc_report *rep)
{
	const char *last = "";

	fputs("<section id=\"clauses\"><h2>Clauses</h2><div class=\"tscroll\"><table><thead><tr><th>Clause</th>"
	      "<th>Level</th><th>Status</th><th class=\"num\">pass</th><th class=\"num\">fail</th>"
	      "<th class=\"num\">warn</th><th class=\"num\">skip</th><th class=\"num\">error</th>"
	      "<th>Requirement</th></tr></thead><tbody>",
	      f);
	for (int i = 0; i < rep->nclauses; i++) {
		const struct mc_clause_result *cr = &rep->clauses[i];
		const char *st = mc_clause_effective(cr);

		if (strcmp(last, cr->clause->group)) {
			last = cr->clause->group;
			fputs("<tr class=\"area\"><td colspan=\"9\">", f);
			H(mc_clause_group_title(last));
			fputs("</td></tr>", f);
		}
		fprintf(f, "<tr class=\"st-%s\"><td><a class=\"mono\" href=\"#c-", st);
		A(cr->clause->id);
		fputs("\">", f);
		H(cr->clause->id);
		fprintf(f, "</a></td><td>%s</td><td>", mc_level_name(cr->clause->level));
		mc_html_badge(f, st);
		if (cr->unjudged)
			fprintf(f, " <span class=\"muted\">%d not judged</span>", cr->unjudged);
		fputs("</td>", f);
		counts_cells(f, cr->counts);
		fputs("<td>", f);
		H(cr->clause->text);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div><p class=\"muted\">The requirements are those of this report's "
	      "migcheck version: its <code>docs/CLAUSES.md</code>, which <code>migcheck clauses"
	      "</code> prints.</p></section>\n",
	      f);
}

static void case_row(FILE *f, const struct mc_report *rep, const struct mc_case_result *r)
{
	const char *st = mc_html_case_status(r);

	fprintf(f, "<tr class=\"st-%s\" id=\"", st);
	mc_html_case_anchor(f, r);
	fputs("\"><td class=\"mono\">", f);
	H(r->name);
	if (r->violates && r->clause && !same_clause(r->violates, r->clause)) {
		fputs("<br><span class=\"muted\">a case of ", f);
		H(r->clause->id);
		fputs(", stopped at setup</span>", f);
	}
	fputs("</td><td>", f);
	mc_html_badge(f, st);
	if (r->waiver)
		fprintf(f, " <span class=\"muted\">(%s)</span>", mc_status_name(r->status));
	fputs("</td><td><pre>", f);
	H(r->detail);
	if (r->waiver) {
		fputs("\nwaived: ", f);
		H(r->waiver->reason);
		fputs(" (", f);
		H(r->waiver->ref);
		fputs(")", f);
	}
	fputs("</pre>", f);
	mc_html_case_kreports(f, rep, r);
	if (r->oplog[0] && r->status != MC_PASS) {
		/* the whole op log the case recorded (report.json's oplog), never a tail of it */
		size_t len = strlen(r->oplog);
		char *ops = strndup(r->oplog, len - (r->oplog[len - 1] == '\n'));
		int nops = 1;

		for (const char *p = ops ? ops : r->oplog; *p; p++)
			nops += *p == '\n';
		fprintf(f,
			"<pre class=\"log oplog\" data-ops=\"%d\" title=\"the %d device operations "
			"before the verdict, all the case recorded\">",
			nops, nops);
		H(ops ? ops : r->oplog);
		fputs("</pre>", f);
		free(ops);
	}
	fprintf(f, "</td><td class=\"num\">%.3f ms</td></tr>\n", (double)r->duration_us / 1e3);
}

/* The cases of clause @cl charged to another (a setup step broke it): not judged here. */
static int unjudged(FILE *f, const struct mc_report *rep, const struct mc_clause *cl)
{
	int n = 0;

	for (int k = 0; k < rep->ncases; k++) {
		const struct mc_case_result *r = &rep->cases[k];

		if (!same_clause(r->clause, cl) || same_clause(r->violates, cl) || !r->violates)
			continue;
		fputs(n++ ? "</li><li>" :
			    "<p class=\"muted\">Not judged: a setup step the device "
			    "got wrong stopped these cases, charged to the clause it broke:</p><ul><li>",
		      f);
		H(r->name);
		fputs(" → <a href=\"#c-", f);
		A(r->violates->id);
		fputs("\">", f);
		H(r->violates->id);
		fputs("</a>", f);
	}
	if (n)
		fputs("</li></ul>", f);
	return n;
}

static void results(FILE *f, const struct mc_report *rep)
{
	const char *last = "";

	fputs("<section id=\"results\"><h2>Results by clause</h2>", f);
	for (int i = 0; i < rep->nclauses; i++) {
		const struct mc_clause_result *cr = &rep->clauses[i];
		const char *st = mc_clause_effective(cr);
		int n = 0;

		if (strcmp(last, cr->clause->group)) {
			last = cr->clause->group;
			fprintf(f, "<h3 id=\"area-%s\">", last);
			H(last);
			fputs(" — ", f);
			H(mc_clause_group_title(last));
			fputs("</h3>", f);
		}
		fprintf(f, "<details class=\"clause cl-%s\" id=\"c-", st);
		A(cr->clause->id);
		fprintf(f, "\"%s><summary><span class=\"cid mono\">",
			strcmp(st, "pass") && strcmp(st, "skip") ? " open" : "");
		H(cr->clause->id);
		fprintf(f, "</span><span class=\"lvl\">%s</span>",
			mc_level_name(cr->clause->level));
		mc_html_badge(f, st);
		fputs("<span class=\"req\">", f);
		H(cr->clause->text);
		fputs("</span></summary><div class=\"body\">", f);
		for (int k = 0; k < rep->ncases; k++) {
			const struct mc_case_result *r = &rep->cases[k];

			if (!same_clause(mc_case_charged(r), cr->clause))
				continue;
			if (!n++)
				fputs("<div class=\"tscroll\"><table class=\"cases\"><thead><tr><th>Case</th><th>Status</th>"
				      "<th>Evidence (errno, state, bytes; last device operations)"
				      "</th><th class=\"num\">time</th></tr></thead><tbody>",
				      f);
			case_row(f, rep, r);
		}
		if (n)
			fputs("</tbody></table></div>", f);
		if (!unjudged(f, rep, cr->clause) && !n)
			fputs("<p class=\"muted\">No case of this run exercises this clause.</p>",
			      f);
		fputs("</div></details>\n", f);
	}
	fputs("</section>\n", f);
}

int mc_html_write(FILE *f, const struct mc_report *rep, const struct mc_html_extra *x)
{
	head(f, rep);
	top(f, rep);
	summary(f, rep);
	identity(f, rep);
	mc_html_kernel(f, rep);
	mc_html_coverage(f, rep);
	clause_overview(f, rep);
	mc_html_matrix(f, rep);
	mc_html_timing(f, rep);
	mc_html_precopy(f, rep);
	mc_html_fuzz(f, x);
	mc_html_klog(f, rep, x);
	mc_html_waivers(f, rep);
	results(f, rep);
	fputs("</main>\n<footer>Generated by migcheck ", f);
	H(rep->info.tool_version);
	fputs(" from report.json (schema ", f);
	fprintf(f,
		"%d). Clause texts paraphrase the Linux VFIO uAPI "
		"(include/uapi/linux/vfio.h). Self-contained page: no external resources.</footer>\n",
		MC_REPORT_SCHEMA);
	fprintf(f, "<script>%s</script>\n</body>\n</html>\n", script);
	return ferror(f) ? -EIO : 0;
}

/* ---------------------------------------------------------------- reporter */

static int html_begin(void **priv, const struct mc_run_info *info, int nplanned, const char *outdir)
{
	(void)info;
	(void)nplanned;
	return mc_file_reporter_begin(priv, outdir, "report.html");
}

/* What a run writes: the page without the extras a report directory adds later. */
static int html_write_plain(FILE *f, const struct mc_report *rep)
{
	return mc_html_write(f, rep, NULL);
}

static int html_end(void *priv, const struct mc_report *rep)
{
	return mc_file_reporter_end(priv, "report.html", html_write_plain, rep);
}

const struct mc_reporter_ops mc_html_reporter = {
	.name = "html",
	.begin = html_begin,
	.result = mc_file_reporter_result,
	.end = html_end,
};

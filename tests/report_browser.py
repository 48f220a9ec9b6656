#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Open a report.html in headless Chromium over the DevTools protocol (--remote-debugging-pipe,
standard library only), run checks in the page and fail on any console error, uncaught
exception, CSP violation or network request other than the page itself.

usage: report_browser.py CHROMIUM PAGE.html CHECKS.js [--screenshot OUT.png[:Y:H|:#ID]]...
                         [--pdf OUT.pdf:A4|Letter]... [--narrow OUT.png]
CHECKS.js is an expression evaluating to a list of [name, ok, detail] triples; it may define
window.mcNarrow, a function giving more triples, which --narrow runs at a 390 px wide viewport
before its screenshot. --pdf prints the page as Chromium's print to PDF does, on that paper."""
import base64
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, exe):
        self.profile = tempfile.TemporaryDirectory(prefix="mc-chromium-")
        r_in, self.w = os.pipe()  # we write commands, chromium reads fd 3
        self.r, w_out = os.pipe()  # chromium writes fd 4, we read
        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile.name,
                "about:blank"]

        # Chromium talks on fds 3 (commands in) and 4 (answers out). preexec_fn runs before
        # subprocess closes the fds it was not told to keep, so 3 and 4 are kept by number;
        # the high copies make the dup2s safe whatever numbers the pipes got.
        hi_in = fcntl.fcntl(r_in, fcntl.F_DUPFD, 100)
        hi_out = fcntl.fcntl(w_out, fcntl.F_DUPFD, 100)

        def fds():
            os.dup2(hi_in, 3)
            os.dup2(hi_out, 4)

        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (r_in, w_out, hi_in, hi_out):
            os.close(fd)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_msg(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read_msg(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_msg(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.profile.cleanup()


def problems(events, page_url):
    out = []
    for m in events:
        meth, p = m.get("method"), m.get("params", {})
        if meth == "Runtime.exceptionThrown":
            out.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
        elif meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            out.append("console.%s: %s" % (p["type"], json.dumps(p.get("args"))[:300]))
        elif meth == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
            e = p["entry"]
            out.append("log %s (%s): %s" % (e.get("level"), e.get("source"), e.get("text", "")[:300]))
        elif meth == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url != page_url and not url.startswith("data:"):
                out.append("network request: " + url[:200])
    return out


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    exe, page, checks_file = sys.argv[1:4]
    opts = sys.argv[4:]
    if len(opts) % 2 or any(o not in ("--screenshot", "--pdf", "--narrow") for o in opts[::2]):
        print(__doc__, file=sys.stderr)
        return 2
    shots = [v for o, v in zip(opts[::2], opts[1::2]) if o == "--screenshot"]
    pdfs = [v for o, v in zip(opts[::2], opts[1::2]) if o == "--pdf"]
    narrow = [v for o, v in zip(opts[::2], opts[1::2]) if o == "--narrow"]
    url = "file://" + os.path.abspath(page)
    checks = open(checks_file).read()
    b = Browser(exe)
    failed = 0
    try:
        t = b.call("Target.createTarget", {"url": "about:blank"})
        s = b.call("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})["sessionId"]
        for dom in ("Runtime", "Log", "Network", "Page"):
            b.call(dom + ".enable", session=s)
        b.call("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1000,
               "deviceScaleFactor": 1, "mobile": False}, session=s)
        b.call("Page.navigate", {"url": url}, session=s)
        b.wait_event("Page.loadEventFired")
        time.sleep(0.3)  # let late console messages arrive
        res = b.call("Runtime.evaluate", {"expression": checks, "returnByValue": True}, session=s)
        if "exceptionDetails" in res:
            print("FAIL checks script threw: %s" % json.dumps(res["exceptionDetails"])[:500])
            return 1
        for name, ok, detail in res["result"]["value"]:
            print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + str(detail)) if detail else ""))
            failed += not ok
        for shot in shots:
            path, _, rng = shot.partition(":")
            if rng.startswith("#"):  # an element: from its top, its height (at most 3000)
                box = b.call("Runtime.evaluate", {"returnByValue": True, "expression":
                             "(function(){var r=document.querySelector(%s).getBoundingClientRect();"
                             "return [Math.floor(r.top+scrollY),Math.ceil(r.height)];})()"
                             % json.dumps(rng)}, session=s)["result"]["value"]
                y, h = box[0], min(box[1], 3000)
            else:
                y, h = (int(v) for v in rng.split(":")) if rng else (0, 2000)
            img = b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": y, "width": 1400, "height": h, "scale": 1}},
                         session=s)
            with open(path, "wb") as f:
                f.write(base64.b64decode(img["data"]))
            print("ok   screenshot %s (y=%d, %dx%d)" % (path, y, 1400, h))
        for pdf in pdfs:  # inches, as printToPDF takes them
            path, _, paper = pdf.partition(":")
            w, h = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}[paper]
            out = b.call("Page.printToPDF", {"paperWidth": w, "paperHeight": h,
                         "printBackground": True}, session=s, timeout=300)
            with open(path, "wb") as f:
                f.write(base64.b64decode(out["data"]))
            print("ok   printed to %s (%s, %d bytes)" % (path, paper, os.path.getsize(path)))
        for path in narrow:  # a phone: 390 CSS px wide
            b.call("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844,
                   "deviceScaleFactor": 1, "mobile": True}, session=s)
            time.sleep(0.3)
            res = b.call("Runtime.evaluate", {"expression": "window.mcNarrow ? mcNarrow() : "
                         "[['the checks define mcNarrow', false, '']]", "returnByValue": True},
                         session=s)
            if "exceptionDetails" in res:
                print("FAIL narrow checks threw: %s" % json.dumps(res["exceptionDetails"])[:500])
                failed += 1
            else:
                for name, ok, detail in res["result"]["value"]:
                    print("%s %s%s" % ("ok  " if ok else "FAIL", name,
                                       (": " + str(detail)) if detail else ""))
                    failed += not ok
            hgt = b.call("Runtime.evaluate", {"expression": "document.documentElement.scrollHeight",
                         "returnByValue": True}, session=s)["result"]["value"]
            img = b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                         "clip": {"x": 0, "y": 0, "width": 390, "height": min(hgt, 3000),
                                  "scale": 1}}, session=s)
            with open(path, "wb") as f:
                f.write(base64.b64decode(img["data"]))
            print("ok   screenshot %s (390 px wide, %d high)" % (path, min(hgt, 3000)))
        b.call("Runtime.evaluate", {"expression": "1"}, session=s)  # flush pending events
        bad = problems(b.events, url)
        for p in bad:
            print("FAIL " + p)
        if not bad:
            print("ok   no console error, exception, CSP violation or network request")
        failed += len(bad)
    finally:
        b.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Renders every HTML report of an output folder in headless Chromium at 1000 and 1400 px and checks what it shows.

    scripts/check-html.py BROWSER OUTPUT_FOLDER SCREENSHOT_FOLDER [--widths-warn]

Run through scripts/check-html.sh, which finds the browser. One Chromium process serves every page through the
DevTools protocol over a pipe (--remote-debugging-pipe: JSON messages separated by NUL on fds 3 and 4), so a page
costs two loads, not a browser start each; standard library only.

A page fails on: a file over 5 MB (not rendered: a browser cannot be trusted to show it); a script error (an uncaught
exception, console.error, or an error the browser logs) at either width; a blank page (under 20 visible characters);
an exception id of the day's exceptions.csv that none of the day's exceptions pages (exceptions.html,
exceptions-NNNN.html) holds; at 1000 px, a table that runs past the page's width. --widths-warn reports tables too
wide without failing. Screenshots: SCREENSHOT_FOLDER/<day>-<page>-<width>.png.
"""
import base64
import csv
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

WIDTHS = (1000, 1400)
TABLE_WIDTH_CHECKED_AT = 1000
PAGE_BYTES_MAX = 5_000_000  # "under 5 MB" in any reading of MB
SCREENSHOT_HEIGHT_MAX = 2400
LOAD_TIMEOUT_SECONDS = 30
BLANK_CHARACTERS_MIN = 20
MISSING_IDS_SHOWN = 10

# Reads the rendered page once its load handlers ran: visible text, the layout viewport's width, every table's
# rendered box (with what names it for a reader: id, caption, nearest heading, header cells and their widths).
MEASURE = r"""
(() => {
  const root = document.documentElement;
  const body = document.body;
  const headingBefore = (el) => {
    for (let n = el; n && n !== body; n = n.parentElement) {
      for (let p = n.previousElementSibling; p; p = p.previousElementSibling) {
        if (/^H[1-6]$/.test(p.tagName)) return p.innerText.trim();
        const inner = p.querySelectorAll('h1,h2,h3,h4,h5,h6');
        if (inner.length) return inner[inner.length - 1].innerText.trim();
      }
    }
    return '';
  };
  const tables = [...document.querySelectorAll('table')].map((t, i) => {
    const box = t.getBoundingClientRect();
    const head = t.tHead && t.tHead.rows.length ? t.tHead.rows[t.tHead.rows.length - 1] : t.rows[0];
    const columns = head ? [...head.cells].map(c => ({
      name: c.innerText.trim().replace(/\s+/g, ' ').slice(0, 40),
      width: Math.round(c.getBoundingClientRect().width) })) : [];
    return { index: i + 1, id: t.id, className: t.className,
             caption: t.caption ? t.caption.innerText.trim() : '', heading: headingBefore(t).slice(0, 60),
             left: Math.round(box.left + window.scrollX), width: Math.round(Math.max(box.width, t.scrollWidth)),
             rows: t.rows.length, columns };
  });
  return JSON.stringify({
    viewportWidth: root.clientWidth, scrollWidth: root.scrollWidth,
    scrollHeight: Math.max(root.scrollHeight, body ? body.scrollHeight : 0),
    visibleCharacters: body ? body.innerText.replace(/\s/g, '').length : 0,
    html: root.outerHTML, tables });
})()
"""


class Browser:
    """Headless Chromium spoken to over --remote-debugging-pipe, one tab (a flat session) reused for every page."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="check-html-")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def wire_pipe_fds():
            # Chromium reads commands on fd 3 and writes answers on fd 4: copy its ends above 10 first, so that
            # moving one onto 3 or 4 cannot overwrite the other.
            read_end = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
             "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio",
             "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipe_fds, close_fds=False)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable", session=self.session)
        except (OSError, TimeoutError, RuntimeError):
            self.close()
            raise

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.to_browser, data):]
        return self.next_id

    def receive(self, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the browser did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self.from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("the browser closed its pipe (it crashed or could not start)")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout_seconds=LOAD_TIMEOUT_SECONDS):
        call_id = self.send(method, params, session)
        deadline = time.monotonic() + timeout_seconds
        while True:
            message = self.receive(deadline)
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for_event(self, method, timeout_seconds=LOAD_TIMEOUT_SECONDS):
        deadline = time.monotonic() + timeout_seconds
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(index)
            message = self.receive(deadline)
            if "method" in message:
                self.events.append(message)

    def close(self):
        try:
            self.send("Browser.close")
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)


def errors_in(events):
    """(kind, text) of the errors among the page's events: uncaught exceptions, console.error, errors the browser
    logged (a resource that would not load)."""
    found = []
    for event in events:
        params = event.get("params", {})
        if event["method"] == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            found.append(("a script error",
                          f"{text.splitlines()[0] if text else 'an exception'} (line {details.get('lineNumber', 0) + 1})"))
        elif event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(("a script error", "console.error: " +
                          " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))))
        elif event["method"] == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            kind = "a load error" if entry.get("source") == "network" else "a browser error"
            where = f" ({entry['url'].rsplit('/', 1)[-1]})" if entry.get("url") else ""
            found.append((kind, f"{entry.get('source', 'browser')}: {entry.get('text', '')}{where}"))
    return found


def render(browser, path, width, screenshot):
    """Loads path at width px, waits for its load handlers, returns (measurements, script errors); saves a screenshot."""
    session = browser.session
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 1200, "deviceScaleFactor": 1, "mobile": False}, session)
    browser.events.clear()
    navigation = browser.call("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session)
    if navigation.get("errorText"):
        raise RuntimeError(f"the browser would not open it: {navigation['errorText']}")
    browser.wait_for_event("Page.loadEventFired")
    # Let timers the load handlers set (a sort, a filter restored) run before reading the layout.
    browser.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 0))", "awaitPromise": True}, session)
    result = browser.call("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise RuntimeError("the measuring script failed: " + json.dumps(result["exceptionDetails"])[:300])
    page = json.loads(result["result"]["value"])
    height = max(1, min(page["scrollHeight"], SCREENSHOT_HEIGHT_MAX))
    shot = browser.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True,
        "clip": {"x": 0, "y": 0, "width": page["viewportWidth"], "height": height, "scale": 1}}, session)
    with open(screenshot, "wb") as file:
        file.write(base64.b64decode(shot["data"]))
    return page, errors_in(browser.events)


def describe(table):
    names = [f"#{table['id']}" if table["id"] else "", f"“{table['caption']}”" if table["caption"] else "",
             f"under “{table['heading']}”" if table["heading"] else ""]
    label = " ".join(n for n in names if n) or f"with columns {', '.join(c['name'] for c in table['columns'][:4])}"
    widest = sorted(table["columns"], key=lambda c: -c["width"])[:3]
    columns = ", ".join(f"{c['name'] or '(no header)'} {c['width']}" for c in widest)
    return f"table {table['index']} {label} ({table['rows']} rows; widest columns: {columns})"


def exception_ids(csv_path):
    with open(csv_path, newline="", encoding="utf-8") as file:
        rows = csv.reader(file)
        header = next(rows, [])
        column = header.index("exception_id") if "exception_id" in header else 0
        return [row[column] for row in rows if len(row) > column and row[column]]


def main():
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    widths_warn = "--widths-warn" in sys.argv[1:]
    browser_path, out, screenshots = arguments
    pages = sorted(os.path.join(folder, name) for folder, _, names in os.walk(out) for name in names
                   if name.endswith(".html"))
    if not pages:
        print(f"check-html: no HTML report under {out}")
        return 1
    os.makedirs(screenshots, exist_ok=True)
    for stale in os.listdir(screenshots):
        if stale.endswith((".png", ".log")):  # .log: what the one-browser-per-page version kept
            os.remove(os.path.join(screenshots, stale))

    started = time.monotonic()
    failures, width_warnings, rendered = 0, 0, 0
    dom_of_day = {}  # folder -> the rendered DOM of its exceptions pages, joined

    def fail(message):
        nonlocal failures
        failures += 1
        print(f"check-html: {message}")

    try:
        browser = Browser(browser_path)
    except (OSError, TimeoutError, RuntimeError) as error:
        print(f"check-html: {browser_path} did not start as a headless browser: {error}")
        return 1
    try:
        for page in pages:
            relative = os.path.relpath(page, out)
            folder = os.path.dirname(page)
            name = os.path.basename(page)[:-len(".html")]
            size = os.path.getsize(page)
            if size > PAGE_BYTES_MAX:
                fail(f"{relative}: {size:,} bytes, over 5 MB ({PAGE_BYTES_MAX:,}); not rendered")
                continue
            rendered += 1
            for width in WIDTHS:
                stem = relative[:-len(".html")].replace(os.sep, "-")
                try:
                    measured, errors = render(browser, page, width, os.path.join(screenshots, f"{stem}-{width}.png"))
                except (TimeoutError, RuntimeError) as error:
                    fail(f"{relative} at {width} px: could not be rendered: {error}")
                    continue
                for kind, error in errors:
                    fail(f"{relative} at {width} px: {kind}: {error}")
                if measured["visibleCharacters"] < BLANK_CHARACTERS_MIN:
                    fail(f"{relative} at {width} px: the rendered page is blank "
                         f"({measured['visibleCharacters']} visible characters)")
                if name == "exceptions" or name.startswith("exceptions-"):
                    if width == WIDTHS[0]:
                        dom_of_day[folder] = dom_of_day.get(folder, "") + measured["html"]
                if width == TABLE_WIDTH_CHECKED_AT:
                    viewport = measured["viewportWidth"]
                    for table in measured["tables"]:
                        right = table["left"] + table["width"]
                        if table["width"] > viewport or right > viewport:
                            message = (f"{relative} at {width} px: {describe(table)} is {table['width']} px wide, "
                                       f"its right edge at {right} px, past the page's {viewport} px")
                            if widths_warn:
                                width_warnings += 1
                                print(f"check-html: warning: {message}")
                            else:
                                fail(message)
        for folder, dom in sorted(dom_of_day.items()):
            listed = os.path.join(folder, "exceptions.csv")
            if not os.path.isfile(listed):
                continue
            words = set(re.findall(r"[\w.-]+", dom))
            missing = [i for i in exception_ids(listed) if i not in words and i not in dom]
            for exception_id in missing[:MISSING_IDS_SHOWN]:
                fail(f"{os.path.relpath(folder, out)}/exceptions.html: exception {exception_id} of exceptions.csv "
                     f"is on none of the day's exceptions pages")
            if len(missing) > MISSING_IDS_SHOWN:
                fail(f"{os.path.relpath(folder, out)}/exceptions.html: and {len(missing) - MISSING_IDS_SHOWN:,} more "
                     f"exceptions of exceptions.csv on none of the day's exceptions pages")
    finally:
        browser.close()

    seconds = time.monotonic() - started
    checked = f"{len(pages)} pages at {' and '.join(map(str, WIDTHS))} px in {seconds:.1f} s"
    if failures:
        print(f"check-html: {failures} problem(s) in {checked} (screenshots in {screenshots}/)")
        return 1
    tables = (f"{width_warnings} table(s) wider than the page at {TABLE_WIDTH_CHECKED_AT} px (warned, --widths-warn)"
              if width_warnings else f"no table wider than the page at {TABLE_WIDTH_CHECKED_AT} px")
    print(f"check-html: {checked}: none over 5 MB, no script error, none blank, every exception shown, {tables} "
          f"(screenshots in {screenshots}/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0-only
"""cdp.py - drive headless Chromium through the DevTools protocol (Debian's python3-websocket)."""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import sys
import time

try:
    import websocket
except ImportError:  # Debian's python3-websocket, seen from another interpreter
    sys.path.append("/usr/lib/python3/dist-packages")
    import websocket


class CdpError(Exception):
    pass


class Browser:
    """One headless Chromium with a private profile; pages are flat sessions."""

    def __init__(self, chromium="/usr/bin/chromium", width=1200, height=900, timeout=60):
        if not os.access(chromium, os.X_OK):
            raise CdpError("%s not found (scripts/deps installs chromium)" % chromium)
        self.prof = tempfile.mkdtemp(prefix="mb-cdp-")
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--window-size=%d,%d" % (width, height), "--remote-debugging-port=0",
             "--user-data-dir=" + self.prof, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.prof)
        url, deadline, seen = None, time.time() + timeout, b""
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            seen += line
            m = re.search(rb"DevTools listening on (ws://\S+)", line)
            if m:
                url = m.group(1).decode()
                break
        if not url:
            self.close()
            raise CdpError("chromium did not start: " + seen.decode(errors="replace")[-400:])
        self.ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.width, self.height = width, height

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            r = json.loads(self.ws.recv())
            if r.get("id") == self.next_id:
                if "error" in r:
                    raise CdpError("%s: %s" % (method, r["error"]))
                return r.get("result", {})
            if "method" in r:
                self.events.append(r)
        raise CdpError("%s: no answer" % method)

    def wait_event(self, method, session=None):
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e["method"] == method and (not session or e.get("sessionId") == session):
                    return self.events.pop(i)
            r = json.loads(self.ws.recv())
            if "method" in r:
                self.events.append(r)
        raise CdpError("no %s event" % method)

    def open(self, url):
        t = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = self.call("Target.attachToTarget", {"targetId": t, "flatten": True})["sessionId"]
        page = Page(self, t, s)
        page.cmd("Page.enable")
        page.cmd("Runtime.enable")
        page.cmd("Emulation.setDeviceMetricsOverride",
                 {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                  "mobile": False})
        page.goto(url)
        return page

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.prof, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    def __init__(self, browser, target, session):
        self.b, self.target, self.session = browser, target, session

    def cmd(self, method, params=None):
        return self.b.call(method, params, self.session)

    def goto(self, url):
        """Navigate and wait for the load event; returns the seconds it took."""
        t0 = time.time()
        self.cmd("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", self.session)
        return time.time() - t0

    def eval(self, expr):
        r = self.cmd("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                          "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CdpError("%s: %s" % (expr[:80], r["exceptionDetails"].get("exception", {})
                                       .get("description", r["exceptionDetails"])))
        return r["result"].get("value")

    def mouse(self, kind, x, y, **kw):
        p = {"type": kind, "x": x, "y": y}
        p.update(kw)
        self.cmd("Input.dispatchMouseEvent", p)

    def click(self, x, y):
        self.mouse("mousePressed", x, y, button="left", clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", clickCount=1)

    def wheel(self, x, y, dy):
        self.mouse("mouseWheel", x, y, deltaX=0, deltaY=dy)

    def key(self, key):
        self.cmd("Input.dispatchKeyEvent", {"type": "keyDown", "key": key})
        self.cmd("Input.dispatchKeyEvent", {"type": "keyUp", "key": key})

    def screenshot(self, path):
        data = self.cmd("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

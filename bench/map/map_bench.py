#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# map_bench.py - CPU of `map` against `replay` on one capture, and the HTML page's load time in Chromium.
"""Usage: map_bench.py --cli BIN --mkcapture BIN [--baseline BIN] [--rounds N] [EVENTS...]

For each event count it writes one capture with mb-mkcapture, then runs
`replay`, `map` (text) and `map --format html` in interleaved rounds and
reports the median CPU time (user + system, from wait4) of each and the
ratio map/replay measured in the same run. --baseline adds another build's
`map` to the rounds (for a before/after figure). Then it loads the HTML page
in headless Chromium through the DevTools protocol and reports the median
time from navigation to the page's first drawn state.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "cli"))


def cpu(argv):
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.execv(argv[0], argv)
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("map_bench: %s failed (%d)" % (" ".join(argv), status))
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--mkcapture", required=True)
    ap.add_argument("--baseline")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--chromium", default=os.environ.get("MB_CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("events", nargs="*", type=int)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mb-map-bench-")
    for n in a.events or [10000, 1000000]:
        cap = os.path.join(tmp, "cap-%d.cap" % n)
        html = os.path.join(tmp, "map-%d.html" % n)
        subprocess.run([a.mkcapture, "-n", str(n), "-o", cap], check=True,
                       stdout=subprocess.DEVNULL)
        cmds = {"replay": [a.cli, "replay", cap],
                "map (text)": [a.cli, "map", "--width", "100", cap],
                "map --format html": [a.cli, "map", "--format", "html", "-o", html, cap]}
        if a.baseline:
            cmds["baseline map (text)"] = [a.baseline, "map", "--width", "100", cap]
        times = {k: [] for k in cmds}
        for _ in range(a.rounds):
            for k, argv in cmds.items():
                times[k].append(cpu(argv))
        med = {k: statistics.median(v) for k, v in times.items()}
        print("%d events, %d rounds, median CPU (user+sys):" % (n, a.rounds))
        for k in cmds:
            print("  %-22s %7.3f s  %5.2fx replay" % (k, med[k], med[k] / max(med["replay"], 1e-9)))
        print("  page: %d bytes" % os.path.getsize(html))
        try:
            import cdp
            loads = []
            with cdp.Browser(a.chromium, 1400, 900, timeout=300) as b:
                for _ in range(a.rounds):
                    p = b.open("about:blank")
                    t0 = time.time()
                    p.goto("file://" + html)
                    while not p.eval("document.body && document.body.hasAttribute('data-at')"):
                        time.sleep(0.01)
                    loads.append(time.time() - t0)
                    p.cmd("Page.close")
            print("  page load in Chromium: median %.2f s (min %.2f, max %.2f)" %
                  (statistics.median(loads), min(loads), max(loads)))
        except Exception as e:  # reported, not hidden: the figure is missing
            print("  page load in Chromium: not measured (%s)" % e)
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# serial_capture.py - benchmark: `capture -t serial` against `capture -t gdb`, interleaved, medians, retries.
"""usage: bench/serial_capture.py [--cli build/cli/memblock-cli] [--rounds 100]

Each round runs one gdbstub capture and one serial capture of the test
kernel (the order alternates round by round), timing each whole CLI run
(QEMU start, boot, pull, write).  The serial client's counters come from
`capture -v` ("serial: N requests, R retries, P HELLO polls, B bad CRC").
Prints the median times, their ratio, and the retries and bad CRCs summed
over all serial captures.  The machine's load average is printed at the
start and end: the serial link's rate depends on the CPU QEMU gets."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def run(cli, transport, out):
    t0 = time.monotonic()
    p = subprocess.run([cli, "capture", "-v", "-t", transport, "-o", out],
                       capture_output=True, text=True, timeout=300)
    took = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("capture -t %s failed: %s" % (transport, p.stderr.strip()))
    m = re.search(r"serial: (\d+) requests, (\d+) retries, (\d+) HELLO polls, (\d+) bad CRC",
                  p.stderr)
    if transport == "serial" and not m:
        sys.exit("capture -t serial -v printed no serial counters:\n" + p.stderr)
    return took, tuple(int(x) for x in m.groups()) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default="build/cli/memblock-cli")
    ap.add_argument("--rounds", type=int, default=100)
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="mbbench-")
    times = {"gdb": [], "serial": []}
    counters = []
    print("load average at start: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    for r in range(a.rounds):
        order = ("gdb", "serial") if r % 2 == 0 else ("serial", "gdb")
        for t in order:
            took, c = run(a.cli, t, os.path.join(d, t + ".cap"))
            times[t].append(took)
            if c:
                counters.append(c)
        if (r + 1) % 10 == 0:
            print("round %d/%d" % (r + 1, a.rounds), file=sys.stderr)
    print("load average at end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    g, s = statistics.median(times["gdb"]), statistics.median(times["serial"])
    print("%d rounds (gdb and serial alternating first)" % a.rounds)
    print("capture -t gdb:    median %.3f s (min %.3f, max %.3f)" %
          (g, min(times["gdb"]), max(times["gdb"])))
    print("capture -t serial: median %.3f s (min %.3f, max %.3f)" %
          (s, min(times["serial"]), max(times["serial"])))
    print("serial / gdb: %.2fx" % (s / g))
    print("serial captures: %d; requests %d, retries %d, HELLO polls %d, bad CRC %d" %
          (len(counters), sum(c[0] for c in counters), sum(c[1] for c in counters),
           sum(c[2] for c in counters), sum(c[3] for c in counters)))
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    os.rmdir(d)


if __name__ == "__main__":
    main()

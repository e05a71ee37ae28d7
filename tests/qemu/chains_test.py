#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# chains_test.py - caller chains of our kernel's captures, checked against the ELF's own symbols and code.
"""Scenarios:

  transport T   capture our kernel through T (gdb, serial, ramfile); every
                event carries a chain; `log --stack` and `log -j` print each
                frame as `nm` places it (func+0xoff/0xlen); frame 0 is the
                caller and its call instruction targets the logged operation;
                each outer frame's call instruction targets the function of
                the frame inside it (read with objdump); chains end in the
                boot entry code.
  nochains      our kernel booted with mb_evlog_nochains writes the log
                header kernels before chains wrote (no feature bit, chain
                fields 0): the capture reads, has no chains, says so in its
                metadata, and replays exactly.
  old CAPTURE   a capture written before chains existed reads: `log`,
                `log --stack` (a note on stderr, no frames) and `log -j`
                (no chain keys).
"""

import argparse
import bisect
import json
import os
import re
import subprocess
import sys

A = None


def die(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, code=0):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=240)
    if p.returncode != code:
        die("%s exited %d (want %d):\n%s%s" % (" ".join(args), p.returncode, code,
                                               p.stdout[-2000:], p.stderr[-2000:]))
    return p


class Symbols:
    """Function symbols of an ELF as `nm -S` lists them, sorted by address."""

    def __init__(self, elf):
        out = run(["nm", "-S", "--defined-only", elf]).stdout
        rows = []
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4 and f[2] in "tT":
                rows.append((int(f[0], 16), int(f[1], 16), f[3]))
            elif len(f) == 3 and f[1] in "tT":
                rows.append((int(f[0], 16), 0, f[2]))
        rows.sort()
        self.rows = rows
        self.addrs = [r[0] for r in rows]
        self.by_name = {r[2]: r[0] for r in rows}

    def place(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0:
            return None
        a, size, name = self.rows[i]
        if size and addr - a >= size:
            return None
        return a, size, name

    def text(self, addr):
        p = self.place(addr)
        if not p:
            return "0x%x" % addr
        a, size, name = p
        if size:
            return "%s+0x%x/0x%x" % (name, addr - a, size)
        return "%s+0x%x" % (name, addr - a)


def call_target(elf, ret):
    """Target of the 5-byte direct call ending at @ret, from objdump; None if not one."""
    out = run(["objdump", "-d", "--start-address=0x%x" % (ret - 5),
               "--stop-address=0x%x" % ret, elf]).stdout
    m = re.search(r"^\s*%x:\s+e8(?: [0-9a-f]{2}){4}\s+call\S*\s+([0-9a-f]+)" % (ret - 5), out,
                  re.M)
    return int(m.group(1), 16) if m else None


def t_transport(transport):
    cap = os.path.join(A.work, "chains-%s.cap" % transport)
    os.makedirs(A.work, exist_ok=True)
    run([A.cli, "capture", "-k", A.kernel, "-t", transport, "-o", cap])
    syms = Symbols(A.kernel)
    doc = json.loads(run([A.cli, "log", "-j", cap]).stdout)
    text = run([A.cli, "log", "--stack", cap]).stdout.splitlines()
    events = doc["events"]
    if not events:
        die("capture has no events")
    # --stack: event lines, each followed by its "#k frame" lines.
    stacks, cur = [], None
    for line in text:
        m = re.match(r"^\s+#(\d+)\s+(\S+)$", line)
        if m:
            if cur is None or int(m.group(1)) != len(cur):
                die("frame line out of order: %r" % line)
            cur.append(m.group(2))
        else:
            cur = []
            stacks.append(cur)
    if len(stacks) != len(events):
        die("--stack printed %d events, JSON has %d" % (len(stacks), len(events)))
    calls_checked = 0
    for ev, st in zip(events, stacks):
        chain = ev.get("chain")
        where = "event %d (%s)" % (ev["seq"], ev["op"])
        if not chain or ev.get("chain_method") != "kernel-fp":
            die("%s has no kernel-fp chain" % where)
        if len(chain) < 2:
            die("%s: chain of %d frame(s)" % (where, len(chain)))
        addrs = [int(f["address"], 16) for f in chain]
        if addrs[0] != int(ev["caller_address"], 16):
            die("%s: frame 0 %#x is not the caller %s" % (where, addrs[0],
                                                          ev["caller_address"]))
        want = [syms.text(a) for a in addrs]
        got = [f["frame"] for f in chain]
        if got != want or st != want:
            die("%s: chain %s / --stack %s, nm says %s" % (where, got, st, want))
        # Frame 0 returns from the logged operation itself (depth 0 calls).
        if ev["depth"] == 0:
            t = call_target(A.kernel, addrs[0])
            if t is None or t != syms.by_name.get(ev["op"]):
                die("%s: the call before %s targets %s, not %s" %
                    (where, want[0], t and syms.text(t), ev["op"]))
            calls_checked += 1
        # Each outer frame called the function of the frame inside it.
        for k in range(1, len(addrs)):
            inner = syms.place(addrs[k - 1])
            t = call_target(A.kernel, addrs[k])
            if t is None or inner is None or t != inner[0]:
                die("%s: frame %d (%s) does not call %s" % (where, k, want[k],
                                                             inner and inner[2]))
            calls_checked += 1
        if not chain[-1]["frame"].startswith("long_mode_entry+"):
            die("%s: chain ends in %s, not the boot entry" % (where, chain[-1]["frame"]))
    print("%s: %d events, every one with a chain; %d call instructions checked"
          % (transport, len(events), calls_checked))


def t_nochains():
    cap = os.path.join(A.work, "nochains.cap")
    os.makedirs(A.work, exist_ok=True)
    out = run([A.cli, "capture", "-k", A.kernel, "--append", "mb_evlog_nochains", "-o", cap,
               "-j"]).stdout
    doc = json.loads(run([A.cli, "log", "-j", cap]).stdout)
    if not doc["events"] or any("chain" in e for e in doc["events"]):
        die("a log without chains gave chain keys (or no events)")
    with open(cap, "rb") as f:
        raw = f.read()
    if b"none (the kernel logs no chains)" not in raw:
        die("metadata 'chains' does not say the kernel logged none")
    p = run([A.cli, "log", "--stack", cap])
    if "no caller chains" not in p.stderr or re.search(r"^\s+#\d+ ", p.stdout, re.M):
        die("log --stack of a capture without chains: %r" % p.stderr)
    run([A.cli, "replay", "--verify", cap])
    # The same boot with chains: the same events (chains add, never change).
    # An ignored parameter of the same length keeps the reserved command line
    # the same size.
    full = os.path.join(A.work, "withchains.cap")
    run([A.cli, "capture", "-k", A.kernel, "--append", "loglevel=12345678", "-o", full])
    doc2 = json.loads(run([A.cli, "log", "-j", full]).stdout)
    strip = lambda e: {k: v for k, v in e.items() if k not in ("chain", "chain_method", "tsc")}
    if [strip(e) for e in doc["events"]] != [strip(e) for e in doc2["events"]]:
        die("events differ with and without chains")
    print("nochains: %d events, none with a chain; same events as a boot with chains (%s)"
          % (len(doc["events"]), out.strip()[:80]))


def t_old(capture):
    run([A.cli, "log", capture])
    p = run([A.cli, "log", "--stack", capture])
    if re.search(r"^\s+#\d+ ", p.stdout, re.M):
        die("frames printed for a capture without chains")
    if "no caller chains" not in p.stderr:
        die("no note about the missing chains: %r" % p.stderr)
    plain = run([A.cli, "log", capture]).stdout
    if p.stdout != plain:
        die("--stack changed the output of a capture without chains")
    doc = json.loads(run([A.cli, "log", "-j", capture]).stdout)
    if not doc["events"] or any("chain" in e for e in doc["events"]):
        die("JSON of an old capture: no events or chain keys")
    print("%s: %d events read, no chains" % (capture, len(doc["events"])))


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--kernel")
    ap.add_argument("--work", default="chains-work")
    ap.add_argument("scenario")
    ap.add_argument("arg", nargs="?")
    A = ap.parse_args()
    if A.scenario == "transport":
        t_transport(A.arg)
    elif A.scenario == "nochains":
        t_nochains()
    elif A.scenario == "old":
        t_old(A.arg)
    else:
        die("unknown scenario %s" % A.scenario)


if __name__ == "__main__":
    main()

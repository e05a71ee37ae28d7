#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# group_test.py - map and diff grouped by caller, frame, frame:N and chain[:N], checked against the chains log -j prints.
"""Scenarios (one per run):

labels   every reserved piece of `map -j --group G` carries the label this
         file computes from `log -j`'s chain of the event `whois` names as
         the piece's owner, for caller, frame, frame:N and chain[:N], on two
         traced stock kernels, our kernel's chains and a capture without
         chains; the callers add up to the reserved size under every G
diff     `diff -j/-f csv --group chain|frame:N` of the two stock kernels: each
         side's callers equal that side's `map -j --group` callers, and the
         sample in docs/linux.md is this run's output
errors   bad --group values: exit 2, one Error: line naming the value
"""
import argparse
import json
import os
import re
import subprocess
import sys

A = None
MEMBLOCK_PREFIXES = ("memblock_", "__memblock_", "__next_mem_range", "__next_mem_pfn_range")
CHAIN_DEPTH = 4
FIXED_OWNERS = ("[initial state]", "memblock_double_array")
GROUPS = ["caller", "frame", "frame:0", "frame:1", "frame:3", "frame:15", "chain", "chain:1",
          "chain:2", "chain:16"]


def die(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, check=0):
    p = subprocess.run([A.cli] + args, capture_output=True, text=True, errors="replace",
                       timeout=300)
    if check is not None and p.returncode != check:
        die("%s: exit %d, expected %d\n%s" % (" ".join(args), p.returncode, check,
                                              p.stderr[-2000:]))
    return p


def jrun(args):
    return json.loads(run(args + ["-j"]).stdout)


# ---- the labels, from docs/cli.md's description ----

def strip(sym):
    """A symbol without its offset and clone suffix ("foo.constprop.0+0x1" -> "foo")."""
    m = re.match(r"(.[^.+]*)", sym)
    return m.group(1) if m else sym


def frame_text(f):
    return strip(f["symbol"]) if f.get("symbol") else "0x%x" % int(f["address"], 16)


def caller_label(ev):
    c = ev.get("caller") or {}
    if c.get("symbol"):
        return strip(c["symbol"])
    if int(c.get("address", "0x0"), 16):
        return "0x%x" % int(c["address"], 16)
    return "[unknown caller]"


def label(ev, group):
    chain = ev.get("chain") or []
    if group == "caller":
        return caller_label(ev)
    if group == "frame":
        for f in chain:
            if f.get("symbol") and not f["symbol"].startswith(MEMBLOCK_PREFIXES):
                return strip(f["symbol"])
        return caller_label(ev)
    kind, n = group.split(":") if ":" in group else (group, None)
    if kind == "frame":
        if not chain:
            return caller_label(ev)
        return frame_text(chain[min(int(n), len(chain) - 1)])
    depth = int(n) if n else CHAIN_DEPTH
    i = 0
    while i < len(chain) and chain[i].get("symbol", "").startswith(MEMBLOCK_PREFIXES) \
            and chain[i].get("symbol"):
        i += 1
    if i == len(chain):
        return caller_label(ev)
    out = []
    for f in chain[i:]:
        if len(out) == depth:
            out.append("...")
            break
        out.append(frame_text(f))
        if out[-1] == "start_kernel":
            break
    return " < ".join(out)


# ---- scenarios ----

def captures():
    d = A.data
    return [os.path.join(d, "chains", "linux-6.1-trace.cap"),
            os.path.join(d, "chains", "linux-6.12-trace.cap"),
            os.path.join(d, "chains", "with-chains-gdb.cap"),
            os.path.join(d, "cli", "synth.cap")]


def t_labels():
    checked = 0
    chained = 0
    for cap in captures():
        events = jrun(["log", cap])["events"]
        by_seq = {e["seq"]: e for e in events}
        owners = {}

        def owner_event(addr):
            if addr not in owners:
                w = jrun(["whois", "0x%x" % addr, cap])
                owners[addr] = w
            return owners[addr]

        for g in GROUPS:
            m = jrun(["map", "--group", g, cap])
            total = sum(int(c["size"], 16) for c in m["callers"])
            if total != int(m["reserved_size"], 16):
                die("%s --group %s: callers add up to 0x%x, reserved is %s" %
                    (cap, g, total, m["reserved_size"]))
            for r in m["reserved"]:
                for p in r["pieces"]:
                    base = int(p["base"], 16)
                    w = owner_event(base)
                    ev = by_seq.get(w.get("seq"))
                    if ev is None or w["owner"] in FIXED_OWNERS:
                        # not a caller's: the initial state or memblock's own array
                        want = w["owner"]
                    else:
                        want = label(ev, g)
                        chained += len(ev.get("chain") or []) > 1
                    if p["caller"] != want:
                        die("%s --group %s: [0x%x+%s] is '%s', expected '%s' (event %s)" %
                            (cap, g, base, p["size"], p["caller"], want, w.get("seq")))
                    checked += 1
    # The oracle must have met real chains, or it checked nothing of them.
    if chained < 100:
        die("only %d pieces owned by events with chains" % chained)
    print("labels: %d pieces checked over %d captures and %d groupings (%d with chains)" %
          (checked, len(captures()), len(GROUPS), chained))


def t_diff():
    a, b = captures()[:2]
    for g in ("chain", "frame:2", "frame"):
        d = jrun(["diff", "--all", "--group", g, a, b])
        for side, cap in (("a_size", a), ("b_size", b)):
            got = {c["caller"]: int(c[side], 16) for c in d["callers"] if int(c[side], 16)}
            want = {c["caller"]: int(c["size"], 16)
                    for c in jrun(["map", "--group", g, cap])["callers"]}
            if got != want:
                die("diff --group %s: %s side %r, map says %r" % (g, side, got, want))
        csv = run(["diff", "--all", "-f", "csv", "--group", g, a, b]).stdout.splitlines()
        rows = {l.rsplit(",", 4)[0] for l in csv[1:]}
        if rows != {c["caller"] for c in d["callers"]}:
            die("diff -f csv --group %s: callers %r differ from JSON's" % (g, rows))
    # docs/linux.md shows this diff: it must be this data's output.
    doc = open(os.path.join(A.source, "docs", "linux.md")).read()
    cmd = "$ memblock-cli diff --no-events --group chain -n 6 t61.cap t612.cap\n"
    at = doc.find(cmd)
    if at < 0:
        die("docs/linux.md does not show '%s'" % cmd.strip())
    block = []
    for line in doc[at + len(cmd):].split("\n"):
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    while block and not block[-1]:
        block.pop()
    got = run(["diff", "--no-events", "--group", "chain", "-n", "6", a, b]).stdout
    got = got.replace(a, "t61.cap").replace(b, "t612.cap").rstrip("\n").split("\n")
    if block != got:
        die("docs/linux.md's diff sample is not the output of the committed captures:\n"
            "docs:\n%s\nrun:\n%s" % ("\n".join(block), "\n".join(got)))
    print("diff: JSON, CSV and map agree for chain, frame:2 and frame; docs sample matches")


def t_errors():
    cap = captures()[0]
    for bad in ("frame:16", "chain:0", "chain:17", "frame:-1", "frame:x", "chain:", "caller:1",
                "frames", "frame:001", ""):
        for cmd in (["map", "--group", bad, cap], ["diff", "--group", bad, cap, cap]):
            p = run(cmd, check=None)
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            if p.returncode != 2 or len(lines) != 1 or not lines[0].startswith("Error: ") \
                    or ("'%s'" % bad) not in lines[0]:
                die("%s: exit %d, stderr %r" % (" ".join(cmd), p.returncode, p.stderr))
    for good in ("frame:0", "frame:15", "chain:1", "chain:16"):
        run(["map", "-j", "--group", good, cap])
    print("errors: bad --group values refused")


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("scenario")
    A = ap.parse_args()
    os.environ["NO_COLOR"] = "1"
    os.environ["COLUMNS"] = "100"
    fn = globals().get("t_" + A.scenario)
    if not fn:
        die("unknown scenario " + A.scenario)
    fn()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# cli_test.py - golden, error, format and conformance tests of memblock-cli (one scenario per run).
import argparse
import json
import os
import re
import shutil
import struct
import shlex
import stat as stat_mod
import subprocess
import sys
import zlib

A = None  # parsed arguments


def die(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def cli_cmd():
    # scripts/check sets MB_CLI_WRAPPER to run every CLI call under valgrind.
    return shlex.split(os.environ.get("MB_CLI_WRAPPER", "")) + [A.cli]


def run(args, check=None, cwd=None):
    p = subprocess.run(cli_cmd() + args, capture_output=True, text=True, cwd=cwd,
                       errors="replace", timeout=900)
    if check is not None and p.returncode != check:
        die("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" %
            (" ".join(args), p.returncode, check, p.stdout[-3000:], p.stderr[-3000:]))
    return p


def data(*parts):
    return os.path.join(A.data, *parts)


def work(name):
    os.makedirs(A.work, exist_ok=True)
    return os.path.join(A.work, name)


def normalise(text):
    return text.replace(A.data, "<DATA>").replace(A.work, "<WORK>")


def golden(name, text):
    path = os.path.join(A.golden, name)
    text = normalise(text)
    if os.environ.get("MB_UPDATE_GOLDEN"):
        os.makedirs(A.golden, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return
    if not os.path.exists(path):
        die("missing golden file %s (run with MB_UPDATE_GOLDEN=1)" % path)
    with open(path) as f:
        want = f.read()
    if want != text:
        import difflib
        d = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                         "golden/" + name, "actual", n=2))
        die("output differs from golden %s:\n%s" % (name, d[:6000]))


def golden_cmd(name, args, exit_code=0):
    p = run(args, check=exit_code)
    if "-j" in args or "--json" in args:
        try:
            json.loads(p.stdout)
        except ValueError as e:
            die("%s: stdout is not JSON: %s\n%s" % (" ".join(args), e, p.stdout[:2000]))
    golden(name, p.stdout)
    return p


SYNTH = None
SYNTH_V1 = None
LOG61 = None
LOG612 = None


def paths():
    global SYNTH, SYNTH_V1, LOG61, LOG612
    SYNTH = data("cli", "synth.cap")
    SYNTH_V1 = data("cli", "synth-v1.cap")
    LOG61 = data("linux", "6.1-cloud-m512.log")
    LOG612 = data("linux", "6.12-cloud-m512.log")


# ---- capture file helpers (docs/capture-format.md) ----

HDR = 64
ENT = 32


def cap_parse(blob):
    (magic, ver, hsize, fsize, toff, nsect, esize, fcrc, flags) = struct.unpack_from(
        "<8sIIQQIIII", blob, 0)
    assert magic == b"MBCAPTUR" and hsize == HDR and esize == ENT
    sects = []
    for i in range(nsect):
        t, fl, off, ln, crc, _ = struct.unpack_from("<IIQQII", blob, toff + i * ENT)
        sects.append([t, fl, off, ln, crc])
    return sects


def cap_build(version, sections):
    """sections: list of (type, flags, payload bytes)."""
    body = b""
    table = []
    off = HDR
    for t, fl, payload in sections:
        table.append((t, fl, off, len(payload), zlib.crc32(payload)))
        body += payload
        off += len(payload)
    tbl = b"".join(struct.pack("<IIQQII", t, fl, o, ln, crc, 0) for t, fl, o, ln, crc in table)
    rest = body + tbl
    hdr = struct.pack("<8sIIQQIIII", b"MBCAPTUR", version, HDR, HDR + len(rest), HDR + len(body),
                      len(table), ENT, zlib.crc32(rest), 0)
    hdr += b"\0" * 12
    hdr += struct.pack("<I", zlib.crc32(hdr))
    return hdr + rest


def cap_sections(path):
    blob = open(path, "rb").read()
    return [(t, fl, blob[off:off + ln]) for t, fl, off, ln, crc in cap_parse(blob)]


# ---- an independent reader of capture files (docs/capture-format.md) ----
# Written from the format document, not from agent/capture.c: the goldens'
# content is checked against it (see "Goldens" below).

def rd_str(p, o):
    n = struct.unpack_from("<I", p, o)[0]
    return p[o + 4:o + 4 + n].decode("utf-8", "surrogateescape"), o + 4 + n


def rd_array(p, o):
    cnt, mx, total = struct.unpack_from("<QQQ", p, o)
    o += 24
    regs = []
    for _ in range(cnt):
        base, size, flags, nid = struct.unpack_from("<QQIi", p, o)
        regs.append({"base": base, "size": size, "flags": flags, "nid": nid})
        o += 24
    return {"cnt": cnt, "max": mx, "total_size": total, "regions": regs}, o


def rd_capture(path):
    """{'states': {role: state}, 'checkpoints': [...], 'syms': [...], 'events': [...]}"""
    out = {"states": {}, "checkpoints": [], "syms": [], "events": []}
    for t, fl, p in cap_sections(path):
        if t == 3:
            n = struct.unpack_from("<I", p, 0)[0]
            o = 4
            for _ in range(n):
                name, o = rd_str(p, o)
                out["syms"].append(name)
        elif t == 4:
            role, flags, at, limit = struct.unpack_from("<IIQQ", p, 0)
            mem, o = rd_array(p, 24)
            rsv, o = rd_array(p, o)
            st = {"valid": bool(flags & 1), "bottom_up": bool(flags & 2), "at": at,
                  "current_limit": limit, "memory": mem, "reserved": rsv}
            if role == 2:
                out["checkpoints"].append(st)
            else:
                out["states"][role] = st
        elif t == 5:
            rs, _, cnt = struct.unpack_from("<IIQ", p, 0)
            for i in range(cnt):
                o = 16 + i * rs
                seq, tsc, op, rfl, nid, base, size = struct.unpack_from("<QQHHiQQ", p, o)
                depth = struct.unpack_from("<H", p, o + 92)[0]
                sym, off = struct.unpack_from("<II", p, o + 96)
                out["events"].append({"seq": seq, "op": op, "nid": nid, "base": base,
                                      "size": size, "depth": depth, "sym": sym, "off": off})
    return out


def linux_dump_text(st):
    """memblock_dump_all()'s text (Linux mm/memblock.c, memblock_dump()) for a state."""
    lines = ["MEMBLOCK configuration:",
             " memory size = 0x%016x reserved size = 0x%016x" % (
                 st["memory"]["total_size"], st["reserved"]["total_size"])]
    for name in ("memory", "reserved"):
        a = st[name]
        lines.append(" %s.cnt  = 0x%x" % (name, a["cnt"]))
        for i, r in enumerate(a["regions"]):
            node = " on node %d" % r["nid"] if 0 <= r["nid"] < 1024 else ""
            lines.append(" %s[0x%x]\t[0x%016x-0x%016x], 0x%016x bytes%s flags: 0x%x" % (
                name, i, r["base"], r["base"] + r["size"] - 1, r["size"], node, r["flags"]))
    return lines


FLAG_NAMES = ["HOTPLUG", "MIRROR", "NOMAP", "DRV_MNG", "RSV_NIT"]


def debugfs_text(st):
    """/sys/kernel/debug/memblock/{memory,reserved} (Linux 6.12 memblock_debug_show())."""
    lines = []
    for name in ("memory", "reserved"):
        lines.append(name + ":")
        for i, r in enumerate(st[name]["regions"]):
            nid = "%4d" % r["nid"] if 0 <= r["nid"] < 1024 else "%4s" % "x"
            fl = "|".join(FLAG_NAMES[b] if b < 5 else "UNKNOWN"
                          for b in range(32) if r["flags"] & (1 << b)) or "NONE"
            lines.append("%4d: 0x%016x..0x%016x %s %s" % (i, r["base"], r["base"] + r["size"] - 1,
                                                         nid, fl))
    return lines


def human(n):
    """Hand-worked binary size: whole units plain, else one decimal, never 1024.0."""
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    u = 0
    while u < 6 and n >= 1024 ** (u + 1):
        u += 1
    if u and u < 6 and round(n / 1024 ** u, 1) >= 1024:
        u += 1
    if u == 0:
        return "%d B" % n
    if n % (1024 ** u) == 0:
        return "%d %s" % (n // 1024 ** u, units[u])
    return "%.1f %s" % (n / 1024 ** u, units[u])


# ---- scenarios ----

def t_mkcapture_is_deterministic():
    for name, extra in (("synth.cap", []), ("synth-v1.cap", ["-v", "1"]),
                        ("synth-dropped.cap", ["-d", "5"])):
        n = "200" if "dropped" in name else "400"
        out = work("re-" + name)
        subprocess.run([A.mkcap, "-n", n, "-o", out] + extra, check=True)
        if open(out, "rb").read() != open(data("cli", name), "rb").read():
            die("mb-mkcapture %s no longer reproduces tests/data/cli/%s "
                "(regenerate with tests/cli/regen.sh if the change is intended)" % (extra, name))


def t_capture_roundtrip_through_import():
    out = work("rt.cap")
    run(["import", LOG612, "-o", out], check=0)
    a = run(["dump", "-j", LOG612], check=0).stdout
    b = run(["dump", "-j", out], check=0).stdout
    if json.loads(a)["arrays"] != json.loads(b)["arrays"]:
        die("dump of the imported capture differs from dump of the log")
    la = run(["log", "-j", LOG612], check=0).stdout
    lb = run(["log", "-j", out], check=0).stdout
    if json.loads(la)["events"] != json.loads(lb)["events"]:
        die("events differ after a write/read round trip")
    if oct(os.stat(out).st_mode & 0o777) != oct(0o666 & ~A.umask):
        die("capture mode %o does not follow the umask" % (os.stat(out).st_mode & 0o777))
    left = [f for f in os.listdir(A.work) if ".tmp" in f]
    if left:
        die("temporary files left behind: %s" % left)


def t_capture_write_failure_leaves_nothing():
    d = work("ro")
    os.makedirs(d, exist_ok=True)
    p = run(["import", LOG612, "-o", os.path.join(d, "missing-dir", "x.cap")])
    check_error(p, "import into a missing directory")
    if os.listdir(d):
        die("files left behind: %s" % os.listdir(d))


def t_output_never_replaces_special_files():
    """import -o / capture -o onto a FIFO or a directory: one error, the node
    stays what it was, nothing hangs (a FIFO without a reader would block)."""
    fifo = work("out.fifo")
    os.mkfifo(fifo)
    d = work("outdir")
    os.makedirs(d)
    for target, kind in ((fifo, "FIFO"), (d, "directory")):
        for args in (["import", LOG612, "-o", target],
                     ["capture", "--attach", "tcp:127.0.0.1:9", "--timeout", "5", "-o", target]):
            p = run(args)
            one_error(p, " ".join(args[:1]) + " -o " + kind, "is a %s, not a regular file" % kind)
    if not stat_mod.S_ISFIFO(os.stat(fifo).st_mode):
        die("the FIFO was replaced")
    if os.listdir(d) or [f for f in os.listdir(A.work) if ".tmp" in f]:
        die("files left behind: %s" % os.listdir(A.work))
    # A regular file is replaced as before.
    reg = work("reg.cap")
    open(reg, "w").write("old")
    run(["import", LOG612, "-o", reg], check=0)
    if open(reg, "rb").read(8) != b"MBCAPTUR":
        die("a regular -o file was not replaced")


def t_format_skips_unknown_optional_section():
    secs = cap_sections(SYNTH)
    secs.insert(2, (99, 0, b"a newer kind of section"))
    out = work("extra.cap")
    open(out, "wb").write(cap_build(1, secs))
    a = run(["log", "-j", SYNTH], check=0).stdout
    b = run(["log", "-j", out], check=0).stdout
    if json.loads(a)["events"] != json.loads(b)["events"]:
        die("an unknown optional section changed what was read")


def t_format_rejects_unknown_required_section():
    secs = cap_sections(SYNTH)
    secs.append((99, 1, b"must understand"))
    out = work("req.cap")
    open(out, "wb").write(cap_build(1, secs))
    p = run(["dump", out])
    check_error(p, "unknown required section", "not supported")


def t_format_rejects_newer_version():
    out = work("v2.cap")
    open(out, "wb").write(cap_build(2, cap_sections(SYNTH)))
    check_error(run(["dump", out]), "version 2", "version 2")


def t_format_rejects_every_truncation():
    blob = open(SYNTH, "rb").read()
    cuts = sorted(set(list(range(0, 80)) + list(range(80, len(blob), max(1, len(blob) // 97)))))
    for n in cuts:
        out = work("cut.cap")
        open(out, "wb").write(blob[:n])
        p = run(["dump", out])
        check_error(p, "truncated at %d" % n)
        if n >= 8 and "truncated" not in p.stderr and "not a capture" not in p.stderr:
            die("truncation at %d: unexpected message %r" % (n, p.stderr))


def t_format_rejects_corruption_everywhere():
    blob = bytearray(open(SYNTH, "rb").read())
    step = max(1, len(blob) // 113)
    for i in range(8, len(blob), step):
        b = bytearray(blob)
        b[i] ^= 0x5a
        out = work("flip.cap")
        open(out, "wb").write(bytes(b))
        p = run(["dump", out])
        check_error(p, "flipped byte %d" % i)


def t_format_bounds_counts():
    # A well-checksummed file whose event count claims more than it holds.
    secs = cap_sections(SYNTH)
    ev = [s for s in secs if s[0] == 5][0]
    payload = bytearray(ev[2])
    struct.pack_into("<Q", payload, 8, 1 << 60)
    secs = [(t, fl, bytes(payload) if t == 5 else p) for t, fl, p in secs]
    out = work("count.cap")
    open(out, "wb").write(cap_build(1, secs))
    check_error(run(["dump", out]), "huge count", "malformed")


def no_crash(p, what):
    if p.returncode < 0 or p.returncode > 5:
        die("%s: exit %d (crash?)\n%s" % (what, p.returncode, p.stderr[-2000:]))
    if p.returncode in (1, 2):
        check_error(p, what)


def t_format_survives_valid_checksum_mutations():
    """Mutate payload bytes but fix every checksum: the parser and replay must cope."""
    import random
    rnd = random.Random(1234)
    secs = cap_sections(SYNTH)
    out = work("mut.cap")
    for it in range(150):
        new = []
        for t, fl, p in secs:
            p = bytearray(p)
            if p and rnd.random() < 0.5:
                for _ in range(rnd.randint(1, 8)):
                    i = rnd.randrange(len(p))
                    p[i] = rnd.choice([0, 0xff, rnd.randrange(256), p[i] ^ (1 << rnd.randrange(8))])
            new.append((t, fl, bytes(p)))
        open(out, "wb").write(cap_build(1, new))
        for args in (["replay", "--verify", "-q", out], ["log", out], ["dump", "--at", "50", out],
                     ["diff", "--no-events", SYNTH, out]):
            p = run(args)
            no_crash(p, "mutation %d: %s" % (it, " ".join(args[:2])))


def t_import_survives_mutations():
    import random
    rnd = random.Random(99)
    lines = open(LOG612, errors="replace").read().splitlines()
    src = work("mut.log")
    for it in range(120):
        ls = list(lines)
        for _ in range(rnd.randint(1, 6)):
            i = rnd.randrange(len(ls))
            l = ls[i]
            k = rnd.randrange(len(l) + 1)
            choice = rnd.randrange(4)
            if choice == 0:
                ls[i] = l[:k]
            elif choice == 1:
                ls[i] = l[:k] + rnd.choice("0123456789abcdefx-[]+/ \t\"\\") + l[k + 1:]
            elif choice == 2:
                del ls[i]
            else:
                ls.insert(i, l)
        open(src, "w").write("\n".join(ls) + "\n")
        for args in (["replay", "--verify", "-q", src], ["log", "-j", src], ["diff", "--no-events", LOG612, src]):
            p = run(args)
            no_crash(p, "log mutation %d: %s" % (it, args[0]))
            if args[1] == "-j" and p.returncode == 0:
                json.loads(p.stdout)


def t_json_escapes_hostile_symbols():
    text = open(LOG612, errors="replace").read()
    weird = 'we"ird\\na\x01me\x7f\xc3\xa9\xff'
    text = text.replace("sparse_init+0x403/0x440", weird + "+0x403/0x440")
    src = work("weird.log")
    open(src, "w", errors="surrogateescape").write(text)
    p = run(["log", "-j", "--op", "alloc_try_nid", src], check=0)
    j = json.loads(p.stdout)
    syms = [e["caller"]["symbol"] for e in j["events"]]
    if not any(s.startswith('we"ird\\na\x01me\x7f') for s in syms):
        die("hostile symbol not round-tripped: %r" % syms[:3])
    run(["diff", "-j", LOG612, src], check=0)
    json.loads(run(["diff", "-j", LOG612, src], check=0).stdout)


def block_text(mem, rsv):
    """A 6.12-style MEMBLOCK configuration block (ranges as (base, size))."""
    out = ["MEMBLOCK configuration:",
           " memory size = 0x%016x reserved size = 0x%016x" % (sum(s for _, s in mem), sum(s for _, s in rsv))]
    for name, arr in (("memory", mem), ("reserved", rsv)):
        out.append(" %s.cnt  = 0x%x" % (name, len(arr)))
        for i, (b, sz) in enumerate(arr):
            out.append(" %s[0x%x]\t[0x%016x-0x%016x], 0x%016x bytes flags: 0x0" % (name, i, b, b + sz - 1, sz))
    return out


def t_import_large_initial_state():
    """A first block with more than 128 regions replays on host-backed arrays,
    and the arrays still double when they fill (resizing is allowed for logs)."""
    mem = [(0x100000, 0x3ff00000)]
    rsv = [(0x200000 + i * 0x4000, 0x1000) for i in range(200)]
    more = [(0x2000000 + i * 0x4000, 0x1000) for i in range(20)]
    lines = block_text(mem, rsv)
    lines += ["memblock_reserve: [0x%016x-0x%016x] acpi_table_upgrade+0x4a/0x70" % (b, b + s - 1) for b, s in more]
    lines += block_text(mem, sorted(rsv + more))
    src = work("big.log")
    open(src, "w").write("\n".join(lines) + "\n")
    p = run(["replay", "--verify", "-q", src], check=0)
    if "verify: OK (1 checkpoints match)" not in p.stdout:
        die("large initial state: %r" % p.stdout)
    # 60 more reservations overflow 256 entries: memblock doubles the array.
    extra = [(0x3000000 + i * 0x4000, 0x1000) for i in range(60)]
    lines += ["memblock_reserve: [0x%016x-0x%016x] acpi_table_upgrade+0x4a/0x70" % (b, b + s - 1) for b, s in extra]
    open(src, "w").write("\n".join(lines) + "\n")
    j = json.loads(run(["replay", "-j", src], check=0).stdout)
    r = j["arrays"]["reserved"]
    if r["max"] != 512 or r["cnt"] != 281:
        die("expected a doubled reserved array of 512 with 280 + 1 regions, got max %d cnt %d" % (r["max"], r["cnt"]))


def one_error(p, what, needle=None, code=None):
    """Exactly one 'Error: ...' line on stderr and a non-zero (or @code) exit."""
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    if p.returncode == 0 or (code is not None and p.returncode != code):
        die("%s: exit %d, expected %s\nstderr: %r" % (what, p.returncode, code or "non-zero",
                                                      p.stderr[-500:]))
    if len(lines) != 1 or not lines[0].startswith("Error: "):
        die("%s: expected one 'Error: ...' line, got %r" % (what, p.stderr[-1000:]))
    if needle and needle not in lines[0]:
        die("%s: %r not in %r" % (what, needle, lines[0]))


def t_numbers_one_parser():
    """One number parser: decimal (a leading zero too) or 0x-hex, K/M/G with
    overflow checked; bad numbers exit 2 with one clear line."""
    seqs = lambda args: [e["seq"] for e in json.loads(run(["log", "-j"] + args + [SYNTH],
                                                          check=0).stdout)["events"]]
    for spec in ("010-012", "0x0a-0x0C", "10-12", "0010-0x0c"):
        if seqs(["--seq", spec]) != [10, 11, 12]:
            die("--seq %s selected %r, expected 10, 11, 12" % (spec, seqs(["--seq", spec])))
    if run(["dump", "--at", "0100", SYNTH], check=0).stdout != \
            run(["dump", "--at", "100", SYNTH], check=0).stdout:
        die("dump --at 0100 is not the state after 100 events")
    for args, needle in ((["dump", "--at", "17179869184G", SYNTH], "does not fit in 64 bits"),
                         (["replay", "--to", "18446744073709551616", SYNTH], "does not fit"),
                         (["replay", "--to", "0x10000000000000000", SYNTH], "does not fit"),
                         (["dump", "--at", "1x", SYNTH], "not a number"),
                         (["dump", "--at", "-1", SYNTH], "not a number"),
                         (["dump", "--at", " 1", SYNTH], "not a number"),
                         (["dump", "--at", "0x", SYNTH], "not a number"),
                         (["dump", "--at", "1KB", SYNTH], "not a number"),
                         (["log", "--seq", "1-17179869184G", SYNTH], "does not fit in 64 bits"),
                         (["log", "--range", "0x1000-zz", SYNTH], "not a number"),
                         (["log", "--seq", "12-10", SYNTH], "above"),
                         (["capture", "--smp", "0x1ffffffffffffffffff"], "does not fit"),
                         (["diff", "--fail-if-reserved-grows", "17179869184G", SYNTH, SYNTH],
                          None)):
        one_error(run(args), " ".join(args[:3]), needle, code=2)
    # The largest values that fit are accepted (and beyond the last event: 2).
    one_error(run(["dump", "--at", "17179869183G", SYNTH]), "(2^34-1)G",
              "beyond the last event", code=2)
    one_error(run(["dump", "--at", "0xffffffffffffffff", SYNTH]), "2^64-1",
              "beyond the last event", code=2)
    # --at 1K is 1024 events, not 1000.
    one_error(run(["dump", "--at", "1K", SYNTH]), "1K", "--at 1024 is beyond", code=2)


def t_beyond_last_event_names_the_count():
    """dump --at / replay --to past the end: exit 2, naming the event count
    (read before the capture is released: valgrind_cli.sh runs these too)."""
    for args in (["dump", "--at", "100000", SYNTH], ["replay", "--to", "100000", SYNTH]):
        one_error(run(args), args[0], "beyond the last event (400)", code=2)


def t_stdout_write_errors():
    """> /dev/full: every command exits non-zero with one Error line."""
    if not os.path.exists("/dev/full"):
        die("/dev/full is missing: the write-error check cannot run")
    cases = (["dump", SYNTH], ["dump", "-j", SYNTH], ["dump", "--at", "50", SYNTH],
             ["log", SYNTH], ["log", "-j", SYNTH], ["replay", SYNTH], ["replay", "-j", SYNTH],
             ["replay", "--verify", "-q", SYNTH], ["help"], ["help", "replay"],
             ["help", "--man", "dump"], ["help", "--completion"], ["--version"],
             ["map", SYNTH], ["diff", SYNTH, SYNTH_V1])
    for args in cases:
        with open("/dev/full", "w") as full:
            p = subprocess.run(cli_cmd() + args, stdout=full, stderr=subprocess.PIPE,
                               text=True, timeout=300)
        one_error(p, "%s > /dev/full" % " ".join(args), "standard output")
    with open("/dev/full", "w") as full:
        p = subprocess.run(cli_cmd() + ["shell", SYNTH], input="info\ndump\n", stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=300)
    if p.returncode == 0 or "Error: " not in p.stderr or "standard output" not in p.stderr:
        die("shell > /dev/full: exit %d, %r" % (p.returncode, p.stderr))


HOSTILE = "evil\x1b]0;owned\x07\x1b[2J\udc9b31m\x9b1m"  # raw 0x9b, then U+009B


def no_raw_controls(text, what):
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
    if bad:
        die("%s: raw control characters %r reach the terminal" % (what, sorted(set(bad))))


def t_text_output_escapes_control_characters():
    """Symbol names, file names and error text are escaped in text output."""
    text = open(LOG612, errors="replace").read()
    src = work("hostile.log")
    with open(src, "w", errors="surrogateescape") as f:
        f.write(text.replace("sparse_init+0x403/0x440", HOSTILE + "+0x403/0x440"))
    p = run(["log", "--op", "alloc_try_nid", src], check=0)
    no_raw_controls(p.stdout, "log")
    if "evil\\x1b]0;owned\\x07\\x1b[2J" not in p.stdout:
        die("log does not show the escaped symbol: %r" % p.stdout[-600:])
    # JSON keeps the exact bytes (json_escapes_hostile_symbols checks that).
    sh = subprocess.run(cli_cmd() + ["shell", src], input="log --op alloc_try_nid\ninfo\n",
                        capture_output=True, text=True, errors="replace", timeout=300)
    no_raw_controls(sh.stdout + sh.stderr, "shell")
    if "\\x1b" not in sh.stdout:
        die("shell log does not show the escaped symbol")
    # A file name with controls: in the shell's info and in error lines.
    named = work("cap\x1b[31mred.cap")
    shutil.copy(SYNTH, named)
    sh = subprocess.run(cli_cmd() + ["shell", named], input="info\n", capture_output=True,
                        text=True, errors="replace", timeout=300)
    no_raw_controls(sh.stdout + sh.stderr, "shell info")
    p = run(["dump", work("missing\x1b[2J.cap")])
    one_error(p, "missing file with controls", "missing\\x1b[2J")
    no_raw_controls(p.stderr, "error line")


# ---- Goldens ----
# Every golden below is written by the code under test (MB_UPDATE_GOLDEN), so
# each one names the independent check of its content:
#   dump_linux.txt, dump_debugfs.txt, dump_table.txt, dump.json
#       goldens_match_independent_reader: the final state decoded from the file
#       by rd_capture() and printed in Linux's memblock_dump_all and 6.12 debugfs
#       formats by this script; Linux's text itself: dump_at_replays_prefix and
#       conformance_* (real 6.1/6.12 logs reproduced line for line).
#   dump_at_100.txt      dump_at_replays_prefix: the kernel's own blocks.
#   dump_initial_6.12.txt  dump_initial_of_imported_log: the log's first block.
#   log.txt, log.json    goldens_match_independent_reader: events decoded by
#                        rd_capture() (seq, op, range, depth, caller).
#   log_filtered_6.12.txt  log_filters: the kernel's own pcpu_* lines counted
#                        in the raw log text.
#   replay_verify.txt, replay_verify_v1.json, replay_to_60.json
#                        goldens_match_independent_reader (the replayed end
#                        state equals the captured final arrays as decoded by
#                        rd_capture()); conformance_* on real Linux logs.
#   diff_linux.txt, diff_linux.json  goldens_match_independent_reader: the
#                        reserved sizes are those of tests/data/linux/*.final.txt
#                        (struct memblock read from the real guests).
#   diff_synth.txt       diff_synthetic_golden: a capture against itself is
#                        empty; totals from rd_capture() (goldens_match...).
#   import_6.1.json, import_6.12.txt  goldens_match_independent_reader: block
#                        and memblock-line counts from the raw log text.
#   help.txt, help.json, help_replay.txt  docs_cover_every_command (docs/cli.md)
#                        and man_and_completion_follow_the_table.

def t_goldens_match_independent_reader():
    cap = rd_capture(SYNTH)
    final = cap["states"][1]
    # dump: Linux's and debugfs' formats, from the file's bytes.
    for args, want in ((["dump", SYNTH], linux_dump_text(final)),
                       (["dump", "-f", "debugfs", SYNTH], debugfs_text(final))):
        got = run(args, check=0).stdout.splitlines()
        if got != want:
            import difflib
            die("%s differs from the independent rendering:\n%s" % (" ".join(args[:3]), "\n".join(
                difflib.unified_diff(want, got, lineterm=""))))
    # dump -f table: columns and the human sizes, worked here.
    rows = [l.split() for l in run(["dump", "-f", "table", SYNTH], check=0).stdout.splitlines()[1:-1]]
    want = []
    for name in ("memory", "reserved"):
        for i, r in enumerate(final[name]["regions"]):
            want.append([name, str(i), "0x%016x" % r["base"], "0x%016x" % (r["base"] + r["size"])]
                        + human(r["size"]).split())
    if [r[:6] for r in rows] != want:
        die("dump -f table rows differ from the independent reader")
    j = json.loads(run(["dump", "-j", SYNTH], check=0).stdout)["arrays"]
    for name in ("memory", "reserved"):
        a = final[name]
        if (j[name]["cnt"], j[name]["max"], int(j[name]["total_size"], 16)) != \
                (a["cnt"], a["max"], a["total_size"]) or \
                [(int(r["base"], 16), int(r["size"], 16), r["nid"]) for r in j[name]["regions"]] != \
                [(r["base"], r["size"], r["nid"]) for r in a["regions"]]:
            die("dump -j %s differs from the independent reader" % name)
    # log: every event's fields.
    ev = json.loads(run(["log", "-j", SYNTH], check=0).stdout)["events"]
    if len(ev) != len(cap["events"]):
        die("log -j: %d events, the file holds %d" % (len(ev), len(cap["events"])))
    for e, r in zip(ev, cap["events"]):
        sym = cap["syms"][r["sym"]] if r["sym"] != 0xffffffff else None
        if (e["seq"], int(e["base"], 16), int(e["size"], 16), e["depth"], e["caller"]["symbol"]) != \
                (r["seq"], r["base"], r["size"], r["depth"], sym):
            die("log -j event %d differs from the file: %r vs %r" % (e["index"], e, r))
    text = run(["log", SYNTH], check=0).stdout.splitlines()
    for line, r in zip(text, cap["events"]):
        f = line.split()
        if int(f[0]) != r["seq"] or ("[0x" in line and ("[0x%016x-" % r["base"]) not in line):
            die("log text line differs from the file: %r vs %r" % (line, r))
    # replay: the replayed end state is the captured final state.
    for src in (SYNTH, SYNTH_V1):
        fin = rd_capture(src)["states"][1]
        j = json.loads(run(["replay", "-j", "-q", src], check=0).stdout)
        if "arrays" in j:
            die("replay -q -j printed the arrays")
        got = run(["replay", src], check=0).stdout.splitlines()
        if got[:len(linux_dump_text(fin))] != linux_dump_text(fin):
            die("replay of %s does not end in its captured final state" % src)
    # diff of the two Linux logs: reserved sizes are the kernels' own numbers.
    d = json.loads(run(["diff", "-j", LOG61, LOG612], check=0).stdout)
    for log, key in ((LOG61, "a_reserved_size"), (LOG612, "b_reserved_size")):
        final = open(log.replace(".log", ".final.txt")).read()
        m = re.search(r"reserved size = (0x[0-9a-f]+)", final)
        if int(d["total"][key], 16) != int(m.group(1), 16):
            die("diff %s = %s, the kernel's own final arrays say %s" % (key, d["total"][key],
                                                                         m.group(1)))
    # import: counts from the raw text.
    for log in (LOG61, LOG612):
        text = open(log, errors="replace").read()
        j = json.loads(run(["import", "-j", log, "-o", work("cnt.cap")], check=0).stdout)
        if j["configuration_blocks"] != text.count("MEMBLOCK configuration:"):
            die("import: %d blocks, the log has %d" % (j["configuration_blocks"],
                                                        text.count("MEMBLOCK configuration:")))
        if j["lines"] != len(text.splitlines()):
            die("import: %d lines, the log has %d" % (j["lines"], len(text.splitlines())))


def t_human_sizes_one_formatter():
    """1 MiB - 1 byte is 1.0 MiB in dump -f table and in map (one formatter)."""
    mem = [(0x100000, 0x3ff00000)]
    rsv = [(0x200000, 0xfffff), (0x400000, 0x100000), (0x600000, 0x1880), (0x800000, 0x3ff)]
    src = work("sizes.log")
    open(src, "w").write("\n".join(block_text(mem, rsv)) + "\n")
    rows = run(["dump", "--initial", "-f", "table", src], check=0).stdout.splitlines()
    got = [" ".join(l.split()[4:6]) for l in rows if l.startswith("reserved")]
    want = [human(s) for _, s in rsv]
    if got != want or want != ["1.0 MiB", "1 MiB", "6.1 KiB", "1023 B"]:
        die("dump -f table sizes %r, expected %r" % (got, want))


def t_dump_linux_golden():
    golden_cmd("dump_linux.txt", ["dump", SYNTH])


def t_dump_debugfs_golden():
    golden_cmd("dump_debugfs.txt", ["dump", "-f", "debugfs", SYNTH])


def t_dump_table_golden():
    golden_cmd("dump_table.txt", ["dump", "--format", "table", SYNTH])


def t_dump_json_golden():
    golden_cmd("dump.json", ["dump", "-j", SYNTH])


def checkpoint_ats(path):
    """Event counts of the checkpoints of a capture, read from the file (section 4, role 2)."""
    ats = []
    for t, fl, p in cap_sections(path):
        if t == 4 and struct.unpack_from("<I", p, 0)[0] == 2:
            ats.append(struct.unpack_from("<Q", p, 8)[0])
    return ats


def all_blocks(text):
    """Every "MEMBLOCK configuration:" block of a console log, as its lines."""
    parts = text.split("MEMBLOCK configuration:")
    return [first_block("MEMBLOCK configuration:" + p) for p in parts[1:]]


def t_dump_at_replays_prefix():
    # The golden (synthetic capture) was produced by this code; the oracle of
    # dump --at is below: the kernel's own blocks.
    golden_cmd("dump_at_100.txt", ["dump", "--at", "100", SYNTH])
    # Independent oracle: Linux printed "MEMBLOCK configuration:" at known
    # points of its boot.  The importer records each later block as a
    # checkpoint after N events; read N from the capture file itself and
    # compare dump --at N with the kernel's text, line for line.
    for log in (LOG61, LOG612):
        cap = work(os.path.basename(log) + ".cap")
        run(["import", log, "-o", cap], check=0)
        blocks = all_blocks(open(log, errors="replace").read())
        ats = checkpoint_ats(cap)
        if len(blocks) < 2 or len(ats) != len(blocks) - 1:
            die("%s: %d blocks but %d checkpoints" % (log, len(blocks), len(ats)))
        want_at = [0] + ats
        for k, (at, blk) in enumerate(zip(want_at, blocks)):
            for src in (log, cap):
                got = run(["dump", "--at", str(at), src], check=0).stdout.splitlines()
                if got != blk:
                    import difflib
                    die("%s: dump --at %d differs from the kernel's block %d:\n%s" % (
                        src, at, k + 1, "\n".join(difflib.unified_diff(blk, got, lineterm=""))))
        # JSON names the point it shows.
        for at in (0, ats[-1]):
            j = json.loads(run(["dump", "-j", "--at", str(at), cap], check=0).stdout)
            if j["at_event"] != at or j["state"] != "replayed":
                die("dump -j --at %d says at_event %r, state %r" % (at, j["at_event"], j["state"]))
        # The check above compares states that differ: the log changed the arrays.
        if blocks[0] == blocks[-1]:
            die("%s: the first and last blocks are equal: not a test of --at" % log)


def t_dump_initial_of_imported_log():
    golden_cmd("dump_initial_6.12.txt", ["dump", "--initial", LOG612])
    # The initial state is the log's first block, byte for byte.
    text = open(LOG612, errors="replace").read()
    blk = first_block(text)
    got = run(["dump", "--initial", LOG612], check=0).stdout
    if got.splitlines() != blk:
        die("dump --initial does not reproduce the first MEMBLOCK configuration block")


def t_log_text_golden():
    golden_cmd("log.txt", ["log", SYNTH])


def t_log_json_golden():
    golden_cmd("log.json", ["log", "-j", "--seq", "0-40", SYNTH])


def t_log_filters():
    p = run(["log", "-j", "--op", "memblock_phys_free,reserve", "--caller", "pcpu_*",
             "--range", "0x1f000000-0x20000000", LOG612], check=0)
    ev = json.loads(p.stdout)["events"]
    if not ev:
        die("filters selected nothing")
    for e in ev:
        if e["op"] not in ("memblock_phys_free", "memblock_reserve"):
            die("op filter let %s through" % e["op"])
        if not e["caller"]["symbol"].startswith("pcpu_"):
            die("caller filter let %s through" % e["caller"]["symbol"])
        b = int(e["base"], 16)
        if not (b < 0x20000000 and b + int(e["size"], 16) > 0x1f000000):
            die("range filter let %s through" % e["base"])
    golden_cmd("log_filtered_6.12.txt", ["log", "--caller", "pcpu_*", LOG612])
    p = run(["log", "-j", "--seq", "10-12", SYNTH], check=0)
    if [e["seq"] for e in json.loads(p.stdout)["events"]] != [10, 11, 12]:
        die("--seq 10-12 did not select exactly 10, 11, 12")


def t_replay_verify_synthetic():
    golden_cmd("replay_verify.txt", ["replay", "--verify", "-q", SYNTH])
    golden_cmd("replay_verify_v1.json", ["replay", "--verify", "-q", "-j", SYNTH_V1])


def t_replay_to_json_golden():
    golden_cmd("replay_to_60.json", ["replay", "-j", "--to", "60", SYNTH])


def t_replay_verify_names_divergence():
    # Change the size of one memblock_reserve in the events (checksums fixed up).
    secs = cap_sections(SYNTH)
    out = work("tampered.cap")
    new = []
    done = False
    for t, fl, p in secs:
        if t == 5 and not done:
            p = bytearray(p)
            rs, _, cnt = struct.unpack_from("<IIQ", p, 0)
            for i in range(cnt):
                o = 16 + i * rs
                op = struct.unpack_from("<H", p, o + 16)[0]
                depth = struct.unpack_from("<H", p, o + 92)[0]
                if op == 4 and depth == 0 and i > 20:
                    struct.pack_into("<Q", p, o + 32, struct.unpack_from("<Q", p, o + 32)[0] * 2)
                    done = True
                    break
            p = bytes(p)
        new.append((t, fl, p))
    open(out, "wb").write(cap_build(1, new))
    p = run(["replay", "--verify", "-q", out])
    if p.returncode != 3:
        die("tampered capture: exit %d, expected 3\n%s" % (p.returncode, p.stderr))
    if not re.search(r"^Error: replay diverged: .*(reserved|memory)\[\d+\]\.\w+: expected 0x[0-9a-f]+, got 0x[0-9a-f]+",
                     p.stderr, re.M) and "allocation returned" not in p.stderr:
        die("divergence not named: %r" % p.stderr)
    pj = run(["replay", "--verify", "-q", "-j", out])
    if pj.returncode != 3 or not json.loads(pj.stdout)["divergence"]:
        die("JSON verify did not name the divergence")


def t_replay_reports_incomplete_log():
    p = run(["replay", "--verify", "-q", data("cli", "synth-dropped.cap")])
    if p.returncode != 5 or "incomplete" not in p.stderr:
        die("dropped events: exit %d, stderr %r" % (p.returncode, p.stderr))
    p = run(["replay", "-q", data("cli", "synth-dropped.cap")], check=0)
    if "incomplete" not in p.stderr:
        die("plain replay did not warn about the incomplete log")
    j = json.loads(run(["replay", "-q", "-j", data("cli", "synth-dropped.cap")], check=0).stdout)
    if j["complete"] or j["dropped"] != 5:
        die("JSON does not report the incomplete log")
    # No final arrays and no checkpoints: nothing to verify against.
    secs = []
    for t, fl, p in cap_sections(SYNTH):
        if t == 4 and struct.unpack_from("<I", p, 0)[0] == 1:
            p = p[:4] + struct.pack("<I", 0) + p[8:]
        secs.append((t, fl, p))
    out = work("nofinal.cap")
    open(out, "wb").write(cap_build(1, secs))
    p = run(["replay", "--verify", "-q", out])
    if p.returncode != 5 or "nothing to verify" not in p.stderr:
        die("no final arrays: exit %d, %r" % (p.returncode, p.stderr))


def garble_every_memblock_line(text):
    """Every memblock line and configuration block line made unparsable."""
    out = []
    for l in text.splitlines():
        l = re.sub(r"(memblock_\w+:).*$", r"\1 [garbled]", l)
        l = re.sub(r"^((\[\s*[\d.]+\]\s+)? (memory|reserved)(\[0x[0-9a-f]+\]|\.cnt)).*$",
                   r"\1 garbled", l)
        l = re.sub(r"(memory size = ).*$", r"\1garbled", l)
        out.append(l)
    return "\n".join(out) + "\n"


def t_replay_verify_counts_unparsable_lines():
    """A log whose memblock lines do not parse cannot verify OK."""
    src = work("garbled.log")
    open(src, "w").write(garble_every_memblock_line(open(LOG612, errors="replace").read()))
    p = run(["replay", "--verify", "-q", src])
    if p.returncode != 5 or "verify: OK" in p.stdout or \
            not re.search(r"^Error: \d+ memblock lines of the log did not parse", p.stderr, re.M):
        die("all lines garbled: exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
    j = json.loads(run(["replay", "--verify", "-q", "-j", src]).stdout)
    if j["verified"] or j["exit"] != 5 or j["unparsed_lines"] < 100:
        die("all lines garbled (JSON): %r" % {k: j.get(k) for k in ("verified", "exit",
                                                                     "unparsed_lines")})
    # One bad line among good ones is still counted, through import -o too.
    text = open(LOG612, errors="replace").read().splitlines()
    i = next(k for k, l in enumerate(text) if "memblock_reserve:" in l)
    text.insert(i + 1, "memblock_reserve: [0x1000-nonsense]")
    one = work("onebad.log")
    open(one, "w").write("\n".join(text) + "\n")
    cap = work("onebad.cap")
    j = json.loads(run(["import", "-j", one, "-o", cap], check=0).stdout)
    if j["bad_lines"] != 1 or j["failed_allocations"] != 0:
        die("import -j of a log with one bad line: bad_lines %d, failed_allocations %d" %
            (j["bad_lines"], j["failed_allocations"]))
    if "1 unparsable lines" not in run(["import", one, "-o", cap], check=0).stdout:
        die("import does not report the unparsable line")
    for src in (one, cap):
        p = run(["replay", "--verify", "-q", src])
        if p.returncode != 5 or "Error: 1 memblock line of the log did not parse" not in p.stderr:
            die("%s: one unparsable line: exit %d %r" % (src, p.returncode, p.stderr))
    # The untouched log still verifies.
    run(["replay", "--verify", "-q", LOG612], check=0)


def t_replay_verify_compares_capacities():
    """docs/cli.md: --verify compares the captured capacities (max) too."""
    secs = cap_sections(SYNTH)
    new = []
    for t, fl, p in secs:
        if t == 4 and struct.unpack_from("<I", p, 0)[0] == 1:
            p = bytearray(p)
            mcnt = struct.unpack_from("<Q", p, 24)[0]
            off = 24 + 24 + mcnt * 24 + 8          # reserved.max
            struct.pack_into("<Q", p, off, struct.unpack_from("<Q", p, off)[0] * 2)
            p = bytes(p)
        new.append((t, fl, p))
    out = work("bigmax.cap")
    open(out, "wb").write(cap_build(1, new))
    p = run(["replay", "--verify", "-q", out])
    if p.returncode != 3 or "reserved.max: expected" not in p.stderr:
        die("doubled reserved.max: exit %d %r" % (p.returncode, p.stderr))
    run(["replay", "--verify", "-q", SYNTH], check=0)


def t_replay_verify_compares_flags_and_nodes():
    """A final state differing only in one region's flags or node id is a divergence."""
    for field, off_in_region, fmt, change, needle in (
            ("flags", 16, "<I", lambda v: v ^ 0x4, r"\]\.flags: expected"),
            ("nid", 20, "<i", lambda v: v + 1, r"\]\.nid: expected")):
        new = []
        for t, fl, p in cap_sections(SYNTH):
            if t == 4 and struct.unpack_from("<I", p, 0)[0] == 1:
                p = bytearray(p)
                mcnt = struct.unpack_from("<Q", p, 24)[0]
                rsv = 24 + 24 + mcnt * 24          # reserved array header
                off = rsv + 24 + 3 * 24 + off_in_region   # reserved[3].field
                struct.pack_into(fmt, p, off, change(struct.unpack_from(fmt, p, off)[0]))
                p = bytes(p)
            new.append((t, fl, p))
        out = work("tampered-%s.cap" % field)
        open(out, "wb").write(cap_build(1, new))
        p = run(["replay", "--verify", "-q", out])
        if p.returncode != 3 or not re.search(r"reserved\[3" + needle, p.stderr):
            die("final reserved[3].%s changed: exit %d %r" % (field, p.returncode, p.stderr))


def t_import_keeps_node_and_flags():
    """memblock_add_node's nid and flags (Linux prints flags as bare hex) reach
    the replay: the hand-written second block is reproduced exactly."""
    first = block_text([(0x100000, 0x3ff00000)], [(0x0, 0x10000)])
    line = ("memblock_add_node: [0x0000000100000000-0x000000013fffffff] nid=1 flags=1 "
            "acpi_numa_memory_affinity_init+0x8f/0x1a0")
    second = ["MEMBLOCK configuration:",
              " memory size = 0x000000007ff00000 reserved size = 0x0000000000010000",
              " memory.cnt  = 0x2",
              " memory[0x0]\t[0x0000000000100000-0x000000003fffffff], 0x000000003ff00000 bytes flags: 0x0",
              " memory[0x1]\t[0x0000000100000000-0x000000013fffffff], 0x0000000040000000 bytes on node 1 flags: 0x1",
              " reserved.cnt  = 0x1",
              " reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0"]
    src = work("add_node.log")
    open(src, "w").write("\n".join(first + [line] + second) + "\n")
    p = run(["replay", "--verify", "-q", src])
    if p.returncode != 0 or "verify: OK (1 checkpoints match)" not in p.stdout:
        die("memblock_add_node with nid=1 flags=1: exit %d %r %r" % (p.returncode, p.stdout,
                                                                      p.stderr))
    ev = json.loads(run(["log", "-j", "--op", "add_node", src], check=0).stdout)["events"]
    if len(ev) != 1 or ev[0]["nid"] != 1 or ev[0]["flags"] != ["HOTPLUG"]:
        die("memblock_add_node event: %r" % ev)


def t_diff_linux_golden():
    golden_cmd("diff_linux.txt", ["diff", LOG61, LOG612])
    golden_cmd("diff_linux.json", ["diff", "-j", LOG61, LOG612])


def t_diff_synthetic_golden():
    golden_cmd("diff_synth.txt", ["diff", "--no-events", SYNTH, SYNTH_V1])
    p = run(["diff", "-j", SYNTH, SYNTH], check=0)
    j = json.loads(p.stdout)
    c = j["calls"]
    if j["callers"] or c["changed"] or c["inserted"] or c["deleted"] or int(j["total"]["delta"], 16):
        die("a capture differs from itself")


def t_diff_gates_exit_codes():
    p = run(["diff", "--fail-if-reserved-grows", "1M", LOG61, LOG612])
    if p.returncode != 4 or "FAIL" not in p.stdout:
        die("reserved growth gate: exit %d" % p.returncode)
    run(["diff", "--fail-if-reserved-grows", "64M", LOG61, LOG612], check=0)
    p = run(["diff", "-j", "--fail-if-new-callers", SYNTH, SYNTH_V1])
    j = json.loads(p.stdout)
    if (p.returncode == 4) != bool(j["gates"]["tripped"]):
        die("exit code and JSON gates disagree")
    # Same log with one caller renamed: the gate must trip on exactly that.
    with open(LOG612, errors="replace") as f:
        text = f.read()
    if text.count("sparse_init+0x403/0x440") != 1:
        die("new-callers gate: fixture line not found")
    newc = work("newcaller.log")
    with open(newc, "w") as f:
        f.write(text.replace("sparse_init+0x403/0x440", "brand_new_caller+0x403/0x440"))
    run(["diff", "--no-events", "--fail-if-new-callers", LOG612, LOG612], check=0)
    p = run(["diff", "--no-events", "--fail-if-new-callers", LOG612, newc], check=4)
    if "[NEW]" not in p.stdout or "brand_new_caller" not in p.stdout:
        die("new-callers gate: the new caller is not named:\n" + p.stdout)
    run(["diff", "--fail-if-memory-shrinks", "0", LOG61, LOG612], check=0)
    p = run(["diff", "--fail-if-memory-shrinks", "0", SYNTH_V1, SYNTH])
    if p.returncode != 4:
        die("memory shrink gate did not trip (exit %d)" % p.returncode)


def t_import_golden():
    out = work("imp.cap")
    with open(LOG61, "rb") as f:
        p = subprocess.run(cli_cmd() + ["import", "-", "-o", work("stdin.cap")], stdin=f,
                           capture_output=True, text=True)
    if p.returncode:
        die("import from stdin: %s" % p.stderr)
    if json.loads(run(["log", "-j", work("stdin.cap")], check=0).stdout)["events"] != \
       json.loads(run(["log", "-j", LOG61], check=0).stdout)["events"]:
        die("import from stdin differs from import of the file")
    golden_cmd("import_6.1.json", ["import", "-j", LOG61, "-o", out])
    golden_cmd("import_6.12.txt", ["import", LOG612, "-o", out])


def t_import_tolerates_noise_and_no_timestamps():
    text = open(LOG612, errors="replace").read()
    stripped = re.sub(r"^\[\s*\d+\.\d+\] ", "", text, flags=re.M)
    noisy = "\n".join(l + ("\r" if i % 3 == 0 else "") for i, l in enumerate(stripped.splitlines()))
    noisy = "garbage \x01\x02 line\nmemblock_add: nonsense\n" + noisy + "\n\x00\x00binary tail"
    src = work("noisy.log")
    open(src, "w").write(noisy)
    a = json.loads(run(["log", "-j", LOG612], check=0).stdout)["events"]
    b = json.loads(run(["log", "-j", src], check=0).stdout)["events"]
    strip = lambda evs: [{k: v for k, v in e.items() if k not in ("index", "tsc")} for e in evs]
    if strip(a) != strip(b):
        die("timestamps/noise changed the imported events")
    # The noise holds one memblock line that does not parse: verify says so.
    p = run(["replay", "--verify", "-q", src])
    if p.returncode != 5 or "Error: 1 memblock line of the log did not parse" not in p.stderr:
        die("noisy log: verify must count its unparsable line: %d %r" % (p.returncode, p.stderr))
    clean = work("clean.log")
    open(clean, "w").write(noisy.replace("memblock_add: nonsense\n", ""))
    run(["replay", "--verify", "-q", clean], check=0)
    # journalctl -k and dmesg -T prefixes.
    for name, repl in (("journal", "Nov 25 00:00:00 host kernel: "),
                       ("dmesg-T", "[Tue Nov 25 00:00:00 2026] ")):
        v = work(name + ".log")
        open(v, "w").write(re.sub(r"^\[\s*\d+\.\d+\] ", repl, text, flags=re.M))
        c = json.loads(run(["log", "-j", v], check=0).stdout)["events"]
        if strip(a) != strip(c):
            die("%s prefixes changed the imported events" % name)


def first_block(text):
    lines = [re.sub(r"^\[\s*\d+\.\d+\] ", "", l.rstrip("\r")) for l in text.splitlines()]
    out = []
    for l in lines:
        if l.startswith("MEMBLOCK configuration:"):
            out = [l]
            continue
        if out:
            if re.match(r"^ (memory|reserved)(\.cnt| size|\[)", l):
                out.append(l)
            else:
                return out
    return out


def t_conformance(log):
    base = data("linux", log)
    final = base.replace(".log", ".final.txt")
    p = run(["replay", "--verify", "--expect", final, "-q", base])
    if p.returncode != 0:
        die("%s: replay does not reproduce the second block and the final coverage:\n%s%s" %
            (log, p.stdout, p.stderr))
    if "verify: OK (1 checkpoints match)" not in p.stdout or "expect: OK" not in p.stdout:
        die("%s: unexpected report %r" % (log, p.stdout))
    # The second block, printed by the replay, equals the log's text exactly.
    text = open(base, errors="replace").read()
    blocks = text.split("MEMBLOCK configuration:")
    second = first_block("MEMBLOCK configuration:" + blocks[2])
    j = json.loads(run(["log", "-j", base], check=0).stdout)
    n = max(e["index"] for e in j["events"] if e["caller"]["text"] == "<import:numa>") + 1
    got = run(["dump", "--at", str(n), base], check=0).stdout.splitlines()
    if got != second:
        import difflib
        die("%s: state at the second block differs:\n%s" % (log, "\n".join(
            difflib.unified_diff(second, got, lineterm=""))))


def t_diff_names_changed_callers():
    j = json.loads(run(["diff", "-j", LOG61, LOG612], check=0).stdout)
    names = {c["caller"]: c for c in j["callers"]}
    for want in ("pcpu_fc_alloc", "pcpu_alloc_first_chunk", "alloc_bootmem_cpumask_var"):
        if want not in names:
            die("diff 6.1 -> 6.12 does not name %s (got %s)" % (want, sorted(names)))
    if int(names["pcpu_fc_alloc"]["delta"], 16) <= 0:
        die("pcpu_fc_alloc should grow from 6.1 to 6.12")
    if int(j["total"]["delta"], 16) != \
            int(j["total"]["b_reserved_size"], 16) - int(j["total"]["a_reserved_size"], 16):
        die("per-caller totals do not add up to the reserved size change")


def t_qemu_own_kernel_console_and_live_dump():
    """Boot our kernel with memblock=debug and a gdbstub: its COM1 text imports and
    replays exactly, and `dump --attach` reads the same final arrays live."""
    import socket
    import time
    if not os.path.exists(A.kernel):
        die("kernel %s not built" % A.kernel)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    com1 = work("com1.txt")
    q = subprocess.Popen(["qemu-system-x86_64", "-kernel", A.kernel, "-append", "memblock=debug",
                          "-m", "256M", "-display", "none", "-nic", "none", "-no-reboot",
                          "-serial", "file:" + com1, "-gdb", "tcp:127.0.0.1:%d" % port],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if os.path.exists(com1) and "boot state DONE" in open(com1, errors="replace").read():
                break
            if q.poll() is not None:
                die("QEMU exited early (%d)" % q.returncode)
            time.sleep(0.2)
        else:
            die("the kernel did not finish booting")
        live = run(["dump", "-j", "--attach", "tcp:127.0.0.1:%d" % port], check=0)
    finally:
        q.kill()
        q.wait()
    p = run(["replay", "--verify", "-j", "-q", com1], check=0)
    rep = json.loads(p.stdout)
    if rep["checkpoints_compared"] < 1 or rep["allocation_mismatches"]:
        die("console import of our kernel: %s" % p.stdout)
    # The last configuration block (the kernel's final report) equals the live arrays.
    blk = first_block("MEMBLOCK configuration:" + open(com1, errors="replace").read()
                      .split("MEMBLOCK configuration:")[-1])
    tmp = work("final.txt")
    open(tmp, "w").write("\n".join(blk) + "\n")
    want = json.loads(run(["dump", "-j", "--initial", tmp], check=0).stdout)["arrays"]
    got = json.loads(live.stdout)["arrays"]
    for t in ("memory", "reserved"):
        if want[t]["regions"] != got[t]["regions"]:
            die("live dump differs from the kernel's final report in %s" % t)


def t_qemu_capture_options_replay_exactly():
    """capture with QEMU options and each transport; every capture replays exactly."""
    if not os.path.exists(A.kernel):
        die("kernel %s not built" % A.kernel)
    for tr, extra in (("gdb", ["-m", "512M", "--smp", "2", "--numa", "2"]),
                      ("serial", ["--append", "memblock=debug"])):
        out = work("cap-%s.cap" % tr)
        kern = ["-k", A.kernel] if tr == "gdb" else []  # serial: the default kernel
        p = run(["capture"] + kern + ["-t", tr, "--timeout", "120", "-j", "-o", out] + extra,
                check=0)
        summary = json.loads(p.stdout)
        if not summary["final_valid"] or not summary["total_events"] or summary["dropped"]:
            die("capture via %s: %s" % (tr, p.stdout))
        run(["replay", "--verify", "-q", out], check=0)
        if tr == "gdb":
            ev = json.loads(run(["log", "-j", "--op", "set_node", out], check=0).stdout)["events"]
            if not {0, 1} <= {e["nid"] for e in ev}:
                die("--numa 2 did not give memblock_set_node calls for nodes 0 and 1: %r" %
                    sorted({e["nid"] for e in ev}))


# ---- errors ----

def check_error(p, what, needle=None):
    if p.returncode == 0:
        die("%s: exit 0" % what)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    if len(lines) != 1 or not lines[0].startswith("Error: "):
        die("%s: expected one 'Error: ...' line on stderr, got %r" % (what, p.stderr))
    if p.stdout:
        die("%s: unexpected stdout %r" % (what, p.stdout[:500]))
    if needle and needle not in lines[0]:
        die("%s: %r not in %r" % (what, needle, lines[0]))


def check_json_error(p, what):
    if p.returncode == 0:
        die("%s (json): exit 0" % what)
    try:
        j = json.loads(p.stdout)
    except ValueError:
        die("%s (json): stdout is not JSON: %r" % (what, p.stdout))
    if not isinstance(j, dict) or not j.get("error"):
        die("%s (json): no error member: %r" % (what, p.stdout))


def bad_files():
    blob = open(SYNTH, "rb").read()
    trunc = work("trunc.cap")
    open(trunc, "wb").write(blob[:len(blob) // 2])
    corrupt = work("corrupt.cap")
    b = bytearray(blob)
    b[len(b) // 2] ^= 0xff
    open(corrupt, "wb").write(bytes(b))
    return {"missing": work("does-not-exist.cap"), "truncated": trunc, "corrupt": corrupt}


def t_errors(cmd):
    files = bad_files()
    forms = {
        "dump": lambda f: ["dump", f],
        "log": lambda f: ["log", f],
        "replay": lambda f: ["replay", "--verify", f],
        "map": lambda f: ["map", f],
        "diff": lambda f: ["diff", SYNTH, f],
        "import": lambda f: ["import", f, "-o", work("out.cap")],
        "capture": None,
    }
    if forms[cmd]:
        for kind, f in files.items():
            if cmd == "import" and kind != "missing":
                # A capture is not a console log: still one clear error.
                pass
            args = forms[cmd](f)
            check_error(run(args), "%s on a %s file" % (cmd, kind))
            check_json_error(run(args[:1] + ["-j"] + args[1:]), "%s on a %s file" % (cmd, kind))
    check_error(run([cmd, "--no-such-option"]), "%s --no-such-option" % cmd, "unknown option")
    check_json_error(run([cmd, "-j", "--no-such-option"]), "%s --no-such-option" % cmd)
    if cmd in ("dump", "capture"):
        extra = ["--elf", A.kernel] if A.kernel and os.path.exists(A.kernel) else []
        args = [cmd, "--attach", "tcp:127.0.0.1:9"] + extra
        if cmd == "capture":
            args += ["-o", work("unreachable.cap"), "--timeout", "5"]
        check_error(run(args), "%s against an unreachable target" % cmd)
    if cmd == "import":
        check_error(run(["import", LOG612]), "import without -o", "-o")
        junk = work("junk.bin")
        open(junk, "wb").write(bytes(range(256)) * 8)
        check_error(run(["import", junk, "-o", work("j.cap")]), "import of binary junk")


def t_help_golden():
    golden_cmd("help.txt", ["help"])
    golden_cmd("help.json", ["help", "-j"])
    golden_cmd("help_replay.txt", ["help", "replay"])


def complete(script, words):
    """Run the generated bash completion for `words` (the last is being typed)."""
    w = " ".join("'%s'" % x for x in words)
    cmd = "source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _memblock_cli; printf '%%s\\n' \"${COMPREPLY[@]}\"" % (
        script, w, len(words) - 1)
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    if p.returncode:
        die("completion failed: %s" % p.stderr)
    return [l for l in p.stdout.splitlines() if l]


def t_man_and_completion_follow_the_table():
    names = [c["name"] for c in json.loads(run(["help", "-j"], check=0).stdout)["commands"]]
    script = work("memblock-cli.bash")
    open(script, "w").write(run(["help", "--completion"], check=0).stdout)
    p = subprocess.run(["bash", "-n", script], capture_output=True, text=True)
    if p.returncode:
        die("completion script does not parse: %s" % p.stderr)
    if sorted(complete(script, ["memblock-cli", ""])) != sorted(names + ["--help", "--version"]):
        die("completion of the command word: %r" % complete(script, ["memblock-cli", ""]))
    if complete(script, ["memblock-cli", "di"]) != ["diff"]:
        die("'di' does not complete to diff")
    if sorted(complete(script, ["memblock-cli", "dump", "--format", ""])) != ["debugfs", "linux", "table"]:
        die("dump --format values do not complete")
    ops = complete(script, ["memblock-cli", "log", "--op", "memblock_res"])
    if sorted(ops) != ["memblock_reserve", "memblock_reserved_mark_noinit"]:
        die("log --op completes %r, not the operation names" % ops)
    # --caller: names from the capture on the line (A.cli as the command word)
    cap = os.path.join(A.data, "cli", "synth.cap")
    callers = complete(script, [A.cli, "log", cap, "--caller", "spa"])
    if "sparse_init" not in callers or any(not c.startswith("spa") for c in callers):
        die("log --caller completes %r, not the capture's callers" % callers)
    index = run(["help", "--man"], check=0).stdout
    for n in names:
        help_text = run([n, "--help"], check=0).stdout
        opts = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", help_text)))
        got = complete(script, ["memblock-cli", n, "--"])
        for o in opts:
            if o not in got:
                die("completion of '%s --' lacks %s" % (n, o))
        man = run(["help", "--man", n], check=0).stdout
        plain = man.replace("\\-", "-")
        for o in opts:
            if o not in plain:
                die("man page of %s lacks %s" % (n, o))
        if "memblock\\-cli\\-%s" % n not in index:
            die("memblock-cli(1) does not list %s" % n)
        if shutil.which("groff"):
            g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=man,
                               capture_output=True, text=True)
            if g.returncode or g.stderr:
                die("groff warns about the man page of %s: %s" % (n, g.stderr))


def t_exit_status_table_is_one():
    """One exit-status table: docs/cli.md's copy, the man pages and cli.h agree."""
    table = run(["help", "--exit-status"], check=0).stdout
    doc = open(A.docs).read()
    m = re.search(r"^## Exit status\n(.*?)(?=^## )", doc, re.M | re.S)
    if not m:
        die("docs/cli.md has no '## Exit status' section")
    rows = [l for l in m.group(1).splitlines() if l.startswith("|")]
    if "\n".join(rows) + "\n" != table:
        die("docs/cli.md's exit status table differs from 'help --exit-status':\n%s\nvs\n%s" %
            ("\n".join(rows), table))
    codes = [int(l.split("|")[1]) for l in table.splitlines()[2:]]
    hdr = open(os.path.join(os.path.dirname(A.docs), "..", "cli", "cli.h")).read()
    defined = sorted(int(v) for v in re.findall(r"#define MB_EXIT_\w+\s+(\d+)", hdr))
    if codes != defined:
        die("exit statuses in the table %r, in cli.h %r" % (codes, defined))
    for page in [None] + [c["name"] for c in json.loads(run(["help", "-j"], check=0).stdout)["commands"]]:
        man = run(["help", "--man"] + ([page] if page else []), check=0).stdout
        sect = man.split(".SH EXIT STATUS\n")[1].split(".SH")[0]
        if re.findall(r"^\.B (\d+)$", sect, re.M) != [str(c) for c in codes]:
            die("man page %s: EXIT STATUS lists %r" % (page, sect))
    # Exits the tools really give match their rows.
    if run(["frobnicate"]).returncode != 2 or run(["dump", work("nope.cap")]).returncode != 1:
        die("usage/runtime exit statuses differ from the table")


def t_option_words_and_repeats_follow_the_table():
    """A bad option word is refused naming the words the table lists (the ones
    completion offers); a repeated list option (log --op) gathers; -j anywhere
    on a diff line means JSON."""
    comp = run(["help", "--completion"], check=0).stdout
    words = dict(((c, o), w.split()) for c, o, w in
                 re.findall(r'^\t"(\w+) --([a-z-]+)"[^)]*\) COMPREPLY=\(\$\(compgen -W "([^"]*)"',
                            comp, re.M))
    operands = {"dump": [SYNTH], "replay": [SYNTH], "map": [SYNTH], "diff": [SYNTH, SYNTH],
                "capture": []}
    checked = 0
    for (cmd, opt), ws in sorted(words.items()):
        if cmd not in operands or opt == "group":
            continue  # log --op names operations; --group takes more than words
        listed = ", ".join(ws[:-1]) + " or " + ws[-1] if len(ws) > 1 else ws[0]
        p = run([cmd, "--" + opt, "bogus"] + operands[cmd])
        one_error(p, "%s --%s bogus" % (cmd, opt),
                  "%s: --%s wants %s, not 'bogus'" % (cmd, opt, listed), code=2)
        checked += 1
    if checked < 8:
        die("only %d word options found in the completion script" % checked)
    ops = lambda args: [e["index"] for e in json.loads(run(["log", "-j"] + args + [SYNTH],
                                                           check=0).stdout)["events"]]
    both = ops(["--op", "reserve,phys_free"])
    if not both or ops(["--op", "reserve", "--op", "phys_free"]) != both:
        die("log --op reserve --op phys_free is not --op reserve,phys_free")
    for args in (["-j", "-f", "text"], ["-f", "text", "-j"], ["-f", "csv", "-j"]):
        p = run(["diff"] + args + [SYNTH, SYNTH_V1])
        try:
            json.loads(p.stdout)
        except ValueError:
            die("diff %s: stdout is not one JSON document: %r" % (" ".join(args), p.stdout[:200]))


def t_options_come_from_the_table():
    """Every option a command's table entry lists is accepted by the command,
    has a man page entry, and each man page has the table's EXAMPLES."""
    names = [c["name"] for c in json.loads(run(["help", "-j"], check=0).stdout)["commands"]]
    for n in names:
        help_text = run([n, "--help"], check=0).stdout
        man = run(["help", "--man", n], check=0).stdout
        if ".SH EXAMPLES" not in man:
            die("man page of %s has no EXAMPLES" % n)
        ex = re.findall(r"^memblock\\-cli (.*)$", man.split(".SH EXAMPLES")[1], re.M)
        if not ex:
            die("man page of %s: no example commands" % n)
        doc = open(A.docs).read()
        for e in ex:
            e = e.replace("\\-", "-")
            if not e.startswith(n + " "):
                die("example of %s runs another command: %r" % (n, e))
            if ("memblock-cli " + e.split(" >")[0]) not in doc:
                die("docs/cli.md does not show the example %r" % e)
        for opt, arg in re.findall(r"^(?:  -\w, |      )(--[a-z-]+)(?: ([A-Z][A-Z\[\],.]*))?", help_text,
                                   re.M):
            if opt == "--help":
                continue
            args = [n, opt] + (["1"] if arg else [])
            if n == "shell":
                continue
            p = run(args)
            if "unknown option" in p.stderr or "needs an argument" in p.stderr or \
                    (p.returncode == 2 and not (p.stderr + p.stdout).strip()):
                die("'%s' listed in the table but refused: %r" % (" ".join(args), p.stderr))
    # -j and -h are parsed before the command: '-h' wins wherever it is, and
    # an option's argument that looks like -h is an argument.
    p = run(["dump", SYNTH, "-h"], check=0)
    if not p.stdout.startswith("Usage: memblock-cli dump"):
        die("dump INPUT -h did not print the help")
    p = run(["log", "--caller", "-h", SYNTH], check=0)
    if p.stdout.startswith("Usage:"):
        die("log --caller -h took -h as an option")
    p = run(["shell", "-j"])
    if p.returncode != 2 or "unknown option" not in p.stderr + p.stdout:
        die("shell -j: %d %r" % (p.returncode, p.stderr + p.stdout))


def t_unknown_command():
    check_error(run(["frobnicate"]), "unknown command", "unknown command")


def t_docs_cover_every_command():
    names = [c["name"] for c in json.loads(run(["help", "-j"], check=0).stdout)["commands"]]
    doc = open(A.docs).read()
    for n in names:
        p = run([n, "--help"], check=0)
        if not p.stdout.startswith("Usage: memblock-cli " + n):
            die("%s --help does not start with its usage line" % n)
        m = re.search(r"^## %s\b(.*?)(?=^## |\Z)" % re.escape(n), doc, re.M | re.S)
        if not m:
            die("docs/cli.md has no '## %s' section" % n)
        for opt in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", p.stdout))):
            if opt not in m.group(1):
                die("docs/cli.md section '%s' does not mention %s" % (n, opt))


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--mkcap", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--golden", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--kernel", default="")
    ap.add_argument("scenario")
    ap.add_argument("arg", nargs="?")
    A = ap.parse_args()
    A.data = os.path.realpath(A.data)
    A.work = os.path.realpath(A.work) + "/" + A.scenario + ("-" + A.arg if A.arg else "")
    shutil.rmtree(A.work, ignore_errors=True)
    os.makedirs(A.work)
    A.umask = os.umask(0o022)
    os.umask(A.umask)
    os.environ["NO_COLOR"] = "1"
    os.environ["COLUMNS"] = "100"
    paths()
    fn = globals().get("t_" + A.scenario)
    if not fn:
        die("unknown scenario " + A.scenario)
    fn(A.arg) if A.arg else fn()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# map_test.py - scenario tests of `memblock-cli map`; run one scenario by name.
"""Usage: map_test.py --cli BIN --gencap BIN --data DIR --work DIR SCENARIO

Set MB_UPDATE_GOLDEN=1 to rewrite the golden files instead of comparing.
"""
import argparse
import json
import os
import pty
import re
import shutil
import shlex
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

ARGS = None
# reserved region count after each number of events of the "small" capture, as the
# host memblock replay has them (it skips the nested reserve at 2: its outer call redoes it)
SMALL_COUNTS = [2, 3, 4, 4, 5, 6, 6, 6, 6, 7]
CHROMIUM = os.environ.get("MB_CHROMIUM", "/usr/bin/chromium")


def fail(msg):
    sys.stderr.write("FAIL: %s\n" % msg)
    sys.exit(1)


def small_capture():
    """Generate the deterministic 'small' capture once per work dir."""
    os.makedirs(ARGS.work, exist_ok=True)
    path = os.path.join(ARGS.work, "small.cap")
    if not os.path.exists(path):
        tmp = "%s.%d" % (path, os.getpid())
        subprocess.run([ARGS.gencap, "small", tmp], check=True)
        os.replace(tmp, path)
    return path


def run(args, env=None, check=True):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.pop("COLUMNS", None)
    if env:
        e.update(env)
    # scripts/check sets MB_CLI_WRAPPER to run every CLI call under valgrind.
    wrapper = shlex.split(os.environ.get("MB_CLI_WRAPPER", ""))
    p = subprocess.run(wrapper + [ARGS.cli] + args, capture_output=True, env=e, timeout=900)
    if check and p.returncode != 0:
        fail("%s exited %d: %s" % (args, p.returncode, p.stderr.decode(errors="replace")))
    return p


def golden(name, out):
    path = os.path.join(ARGS.data, name)
    if os.environ.get("MB_UPDATE_GOLDEN"):
        with open(path, "wb") as f:
            f.write(out)
        return
    with open(path, "rb") as f:
        want = f.read()
    if want != out:
        got = os.path.join(ARGS.work, name + ".got")
        with open(got, "wb") as f:
            f.write(out)
        fail("%s differs from golden %s (diff -u %s %s)" % (name, path, path, got))


def t_text_golden_no_color():
    cap = small_capture()
    out = run(["map", "--width", "100", cap], env={"NO_COLOR": "1"}).stdout
    if b"\x1b" in out:
        fail("ANSI escapes with NO_COLOR")
    for line in out.decode().splitlines():
        if len(line) > 100:
            fail("line wider than --width 100: %r" % line)
    text = out.decode()
    for want in ("sparse_init", "alloc_node_data", "[initial state]",
                 "reserve_crashkernel<&>", "~ hole"):
        if want not in text:
            fail("text map lacks %r" % want)
    # the allocation's inner reserve is credited to the allocating caller
    if "memblock_alloc_range_nid" in text:
        fail("inner reserve not credited to alloc_low_pages")
    # log scale (default): every caller in the legend is visible in the bars
    bars = "".join(l.split("|")[1] for l in text.splitlines() if l.startswith("0x"))
    legend = re.findall(r"^  ([A-Za-z0-9])  ", text, re.M)
    if len(legend) != 7 or [l for l in legend if l not in bars]:
        fail("log scale hides callers %r" % [l for l in legend if l not in bars])
    golden("small.txt", out)
    out = run(["map", "--width", "100", "--scale", "linear", cap],
              env={"NO_COLOR": "1"}).stdout
    golden("small-linear.txt", out)


def t_svg_golden():
    cap = small_capture()
    out = run(["map", "--format", "svg", "--width", "800", "--title", "small", cap]).stdout
    root = ET.fromstring(out)
    ns = "{http://www.w3.org/2000/svg}"
    rsv = [g for g in root.iter(ns + "g") if g.get("class") == "rsv"]
    if len(rsv) != SMALL_COUNTS[-1]:
        fail("SVG has %d reserved groups, want %d" % (len(rsv), SMALL_COUNTS[-1]))
    titles = " ".join(g.find(ns + "title").text for g in rsv)
    if "sparse_init" not in titles or "alloc_node_data" not in titles:
        fail("SVG tooltips lack callers")
    golden("small.svg", out)


def t_json_golden():
    cap = small_capture()
    out = run(["map", "-j", cap]).stdout
    doc = json.loads(out)
    if len(doc["reserved"]) != SMALL_COUNTS[-1] or not doc["exact"]:
        fail("JSON reserved regions %d" % len(doc["reserved"]))
    merged = [r for r in doc["reserved"] if r["base"] == "0x7e80000"]
    if not merged or [p["caller"] for p in merged[0]["pieces"]] != \
            ["alloc_node_data", "sparse_init"]:
        fail("merged region pieces wrong: %r" % merged)
    names = {c["caller"] for c in doc["callers"]}
    if "[initial state]" not in names or "alloc_low_pages" not in names:
        fail("callers %r" % names)
    if int(doc["free_size"], 16) + 0 <= 0:
        fail("free bytes")
    if doc["input"] != cap:
        fail("input %r, not %r" % (doc["input"], cap))
    # the capture's path depends on the build folder: the golden names it small.cap
    golden("small.json", out.replace(json.dumps(cap).encode(), b'"small.cap"'))


def t_at_replays_prefix():
    cap = small_capture()
    for n, want in enumerate(SMALL_COUNTS):
        doc = json.loads(run(["map", "-j", "--at", str(n), cap]).stdout)
        if doc["at_event"] != n or len(doc["reserved"]) != want:
            fail("--at %d: %d regions, want %d" % (n, len(doc["reserved"]), want))
    doc = json.loads(run(["map", "-j", "--at", "4", cap]).stdout)
    owners = {r["base"]: r["caller"] for r in doc["reserved"]}
    if owners.get("0x7fdf000") != "alloc_low_pages":
        fail("--at 4: 0x7fdf000 owned by %r" % owners.get("0x7fdf000"))
    if owners.get("0x0") != "[initial state]":
        fail("pre-log owner %r" % owners.get("0x0"))
    doc = json.loads(run(["map", "-j", "--at", "7", cap]).stdout)
    if [r["base"] for r in doc["reserved"] if r["base"] == "0x7000000"]:
        fail("freed initrd half still shown at 7")


def t_text_colour_and_width():
    cap = small_capture()
    # COLUMNS when stdout is not a terminal
    out = run(["map", cap], env={"COLUMNS": "70"}).stdout.decode()
    bars = [l for l in out.splitlines() if l.startswith("0x") and "|" in l]
    if not bars or max(len(l) for l in bars) != 70:
        fail("COLUMNS=70 not honoured: %r" % bars[:2])
    if "\x1b" in out:
        fail("colour on a pipe")
    # a terminal: colour unless NO_COLOR, width from TIOCGWINSZ
    for no_color in (False, True):
        text = pty_run([ARGS.cli, "map", cap], cols=90, no_color=no_color)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
        bars = [l for l in plain.splitlines() if l.startswith("0x") and "|" in l]
        if not bars or max(len(l) for l in bars) != 90:
            fail("terminal width 90 not honoured: %r" % bars[:2])
        if no_color == ("\x1b[" in text):
            fail("colour %s with NO_COLOR=%s" % ("on" if not no_color else "off", no_color))


def pty_run(argv, cols, no_color):
    import fcntl
    import termios
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm"
    if no_color:
        env["NO_COLOR"] = "1"
    pid, fd = pty.fork()
    if pid == 0:
        # The child sizes its own terminal before the map starts: sizing it
        # from the parent raced with the child's first TIOCGWINSZ under load.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
        os.execve(argv[0], argv, env)
    chunks = []
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")


def html_file():
    cap = small_capture()
    path = os.path.join(ARGS.work, "small-%d.html" % os.getpid())
    run(["map", "--format", "html", "-o", path, "--title", "small", cap])
    return path


def t_html_self_contained():
    path = html_file()
    page = open(path, encoding="utf-8").read()
    if re.search(r"<(script|link|img)[^>]+(src|href)=", page):
        fail("HTML references external resources")
    if re.search(r"https?://", page):
        fail("HTML contains a network URL")
    if "reserve_crashkernel\\u003c\\u0026\\u003e" not in page:
        fail("caller name not escaped in the embedded data")
    m = re.search(r"var FRAMES=(\[.*?\]);\nvar EV_COMPLETE", page, re.S)
    frames = json.loads(m.group(1))
    if [f["at"] for f in frames] != list(range(len(SMALL_COUNTS))):
        fail("small capture should embed every state: %r" % [f["at"] for f in frames])
    doc = json.loads(run(["map", "-j", "--format", "html", "-o", path, small_capture()]).stdout)
    if doc != {"schema_version": 1, "command": "map", "output": path, "format": "html"}:
        fail("-j summary %r" % doc)


def chromium(args, url):
    if not os.access(CHROMIUM, os.X_OK):
        fail("%s not found (scripts/deps installs chromium)" % CHROMIUM)
    prof = tempfile.mkdtemp(prefix="mb-chromium-")
    try:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
               "--user-data-dir=" + prof] + args + [url]
        p = subprocess.run(cmd, capture_output=True, timeout=90, cwd=prof)
        return p
    finally:
        shutil.rmtree(prof, ignore_errors=True)


def dom_regions(url):
    p = chromium(["--dump-dom", "--virtual-time-budget=2000"], url)
    dom = p.stdout.decode(errors="replace")
    if "<body" not in dom:
        fail("chromium --dump-dom gave no DOM (rc %d): %s" %
             (p.returncode, p.stderr.decode(errors="replace")[-500:]))
    n = len(re.findall(r'<div class="rsv"', dom))
    m = re.search(r'data-regions="(\d+)"', dom)
    at = re.search(r'data-at="(\d+)"', dom)
    if not m or not at:
        fail("page script did not run (no data-regions/data-at)")
    if int(m.group(1)) != n:
        fail("data-regions %s but %d .rsv elements" % (m.group(1), n))
    return n, int(at.group(1)), dom


def png_stats(path):
    """(width, height, distinct colours, non-white fraction) of an RGB(A) PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("screenshot is not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif typ == b"IDAT":
            idat += body
        pos += 12 + ln
    if depth != 8 or ctype not in (2, 6):
        fail("unexpected PNG type %d/%d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours, nonwhite = set(), 0
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        for x in range(0, stride, bpp * 4):
            px = bytes(line[x:x + 3])
            colours.add(px)
            if px != b"\xff\xff\xff":
                nonwhite += 1
        prev = line
    return w, h, len(colours), nonwhite / max(1, (w * h) // 4)


def t_html_renders_in_chromium():
    path = html_file()
    url = "file://" + path
    n, at, dom = dom_regions(url)
    if n != SMALL_COUNTS[-1] or at != len(SMALL_COUNTS) - 1:
        fail("final state: %d regions at %d, want %d at %d" %
             (n, at, SMALL_COUNTS[-1], len(SMALL_COUNTS) - 1))
    for caller in ("sparse_init", "alloc_low_pages", "[initial state]"):
        if caller not in dom:
            fail("rendered page lacks caller %s" % caller)
    want = ("last event: memblock_reserve [0x13ff00000-0x13fffffff] by "
            "reserve_crashkernel&lt;&amp;&gt;+0x33")
    if want not in dom:
        fail("status line lacks the last event: %r" %
             re.findall(r'<div id="status">[^<]*', dom))
    png = os.path.join(ARGS.work, "small-%d.png" % os.getpid())
    chromium(["--screenshot=" + png, "--window-size=1100,900", "--hide-scrollbars"], url)
    if not os.path.exists(png):
        fail("chromium wrote no screenshot")
    w, h, ncol, frac = png_stats(png)
    if w != 1100 or h != 900 or ncol < 8 or frac < 0.02:
        fail("screenshot looks empty: %dx%d, %d colours, %.3f non-white" % (w, h, ncol, frac))


def t_html_slider_hash_changes_regions():
    # --at N: the page opens at N (without a #fragment)
    path = os.path.join(ARGS.work, "small-at-%d.html" % os.getpid())
    run(["map", "--format", "html", "--at", "2", "-o", path, small_capture()])
    got, at, _ = dom_regions("file://" + path)
    if at != 2 or got != SMALL_COUNTS[2]:
        fail("--at 2 page opens at %d with %d regions" % (at, got))
    os.unlink(path)
    url = "file://" + html_file()
    seen = set()
    for n in (0, 2, 5):
        got, at, _ = dom_regions(url + "#at=%d" % n)
        if at != n or got != SMALL_COUNTS[n]:
            fail("#at=%d: %d regions at %d, want %d" % (n, got, at, SMALL_COUNTS[n]))
        seen.add(got)
    if len(seen) < 3:
        fail("moving the slider did not change the map")


def t_errors_are_one_line():
    cap = small_capture()
    bad = os.path.join(ARGS.work, "truncated-%d.cap" % os.getpid())
    data = open(cap, "rb").read()
    with open(bad, "wb") as f:
        f.write(data[:len(data) // 2])
    cases = [
        ["map", os.path.join(ARGS.work, "no-such-file.cap")],
        ["map", "--bogus", cap],
        ["map", "--format", "png", cap],
        ["map", "--at", "x", cap],
        ["map", "--width", "5", cap],
        ["map"],
        ["map", bad],
        ["map", "-o", "/nonexistent-dir/x.svg", "--format", "svg", cap],
    ]
    for args in cases:
        p = run(args, check=False)
        err = p.stderr.decode(errors="replace").splitlines()
        if p.returncode == 0 or len(err) != 1 or not err[0].startswith("Error: "):
            fail("%s: rc %d stderr %r" % (args, p.returncode, err))
        p = run(args[:1] + ["-j"] + args[1:], check=False)
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            fail("%s -j: stdout not JSON: %r" % (args, p.stdout[:200]))
        if p.returncode == 0 or "error" not in doc:
            fail("%s -j: rc %d %r" % (args, p.returncode, doc))
    os.unlink(bad)


def t_edge_inputs_do_not_crash():
    """Overlapping/unsorted arrays, the top of the address space, overflowing
    sizes, failed allocations, unknown ops, an empty capture: every format
    works and agrees on the region count."""
    os.makedirs(ARGS.work, exist_ok=True)
    for kind in ("edge", "0"):
        cap = os.path.join(ARGS.work, "gen-%s-%d.cap" % (kind, os.getpid()))
        subprocess.run([ARGS.gencap, kind, cap], check=True)
        for extra in ([], ["--at", "0"], ["--scale", "linear"],
                      ["--width", "20"], ["--width", "400"]):
            run(["map"] + extra + [cap])
        p = run(["map", "--at", "4", cap], check=False)
        if (p.returncode == 0) != (kind == "edge"):
            fail("%s: map --at 4 exited %d" % (kind, p.returncode))
        doc = json.loads(run(["map", "-j", cap]).stdout)
        for r in doc["reserved"]:
            if int(r["size"], 16) <= 0:
                fail("%s: empty region in JSON: %r" % (kind, r))
        svg = run(["map", "--format", "svg", cap]).stdout
        ET.fromstring(svg)
        html = os.path.join(ARGS.work, "gen-%s-%d.html" % (kind, os.getpid()))
        run(["map", "--format", "html", "-o", html, cap])
        n, at, _ = dom_regions("file://" + html)
        if n != len(doc["reserved"]) or at != doc["at_event"]:
            fail("%s: page shows %d regions at %d, JSON %d at %d" %
                 (kind, n, at, len(doc["reserved"]), doc["at_event"]))
        os.unlink(cap)
        os.unlink(html)


def t_dropped_log_is_reported():
    os.makedirs(ARGS.work, exist_ok=True)
    cap = os.path.join(ARGS.work, "dropped-%d.cap" % os.getpid())
    subprocess.run([ARGS.gencap, "small-dropped", cap], check=True)
    if json.loads(run(["map", "-j", cap]).stdout)["dropped"] != 3:
        fail("JSON lacks dropped 3")
    for fmt in ("text", "svg", "html"):
        out = run(["map", "--format", fmt, cap]).stdout
        if b"INCOMPLETE: the log dropped 3 calls" not in out:
            fail("%s map does not report the dropped calls" % fmt)
    os.unlink(cap)


def t_doubled_arrays_credited_to_memblock():
    """A capture written by the real (host) memblock: 300 reservations double
    the reserved array twice; the arrays memblock allocated for itself are
    credited to memblock_double_array, the first one is freed again, and no
    byte is left unexplained."""
    os.makedirs(ARGS.work, exist_ok=True)
    cap = os.path.join(ARGS.work, "doubling-%d.cap" % os.getpid())
    subprocess.run([ARGS.gencap, "doubling", cap], check=True)
    doc = json.loads(run(["map", "-j", cap]).stdout)
    callers = {c["caller"]: int(c["size"], 16) for c in doc["callers"]}
    want = {"alloc_tables": 3 * 0x200000, "reserve_many": 299 * 0x1000,
            "memblock_double_array": 0x3000}
    if callers != want or len(doc["reserved"]) != 300 or not doc["exact"]:
        fail("final: %d regions, callers %r" % (len(doc["reserved"]), callers))
    # after the first doubling only: a 256-entry array (8 KiB) at the top
    doc = json.loads(run(["map", "-j", "--at", "200", cap]).stdout)
    callers = {c["caller"]: int(c["size"], 16) for c in doc["callers"]}
    if callers.get("memblock_double_array") != 0x2000 or "[initial state]" in callers:
        fail("--at 200: callers %r" % callers)
    os.unlink(cap)


def final_txt(path):
    """Regions of a memblock_dump_all() block: {"memory": [(b, e)], "reserved": [...]}."""
    out = {"memory": [], "reserved": []}
    for line in open(path):
        m = re.match(r"\s*(memory|reserved)\[0x[0-9a-f]+\]\s+\[0x([0-9a-f]+)-0x([0-9a-f]+)\]",
                     line)
        if m:
            out[m.group(1)].append((int(m.group(2), 16), int(m.group(3), 16) + 1))
    return out


def t_linux_logs_map_callers():
    """Real 6.1/6.12 boots: the map's regions match the kernel's final arrays
    and reservations are credited to the kernel functions that made them."""
    linux = os.path.join(os.path.dirname(ARGS.data.rstrip("/")), "linux")
    for name in ("6.1-cloud-m512", "6.12-cloud-m512"):
        log = os.path.join(linux, name + ".log")
        want = final_txt(os.path.join(linux, name + ".final.txt"))
        doc = json.loads(run(["map", "-j", log]).stdout)
        for kind in ("memory", "reserved"):
            got = sorted((int(r["base"], 16), int(r["base"], 16) + int(r["size"], 16))
                         for r in doc[kind])
            if got != sorted(want[kind]):
                fail("%s: %s regions differ from %s.final.txt" % (name, kind, name))
        callers = {c["caller"]: int(c["size"], 16) for c in doc["callers"]}
        for fn in ("[initial state]", "setup_arch", "sparse_init_nid", "pcpu_fc_alloc",
                   "alloc_large_system_hash", "firmware_map_add_early"):
            if fn not in callers:
                fail("%s: no reservation credited to %s: %r" % (name, fn, sorted(callers)))
        if sum(callers.values()) != int(doc["reserved_size"], 16):
            fail("%s: caller bytes do not add up to the reserved bytes" % name)
        # the terminal map (log scale) shows every caller
        text = run(["map", "--width", "120", log], env={"NO_COLOR": "1"}).stdout.decode()
        bars = "".join(l.split("|")[1] for l in text.splitlines() if l.startswith("0x"))
        legend = re.findall(r"^  ([A-Za-z0-9])  ", text, re.M)
        if len(legend) != len(callers) or [l for l in legend if l not in bars]:
            fail("%s: terminal map hides callers" % name)
        if "INCOMPLETE" in text:
            fail("%s: complete log reported as incomplete" % name)


def gen(kind):
    os.makedirs(ARGS.work, exist_ok=True)
    path = os.path.join(ARGS.work, "%s.cap" % kind)
    if not os.path.exists(path):
        tmp = "%s.%d" % (path, os.getpid())
        subprocess.run([ARGS.gencap, kind, tmp], check=True)
        os.replace(tmp, path)
    return path


def one_error_line(p, what):
    err = p.stderr.decode(errors="replace").splitlines()
    if p.returncode == 0 or not err or not err[-1].startswith("Error: "):
        fail("%s: rc %d stderr %r" % (what, p.returncode, err))


def t_diff_sizes_at_the_extremes():
    """A reservation of [0x0-0xfffffffffffffffe] (2^64 - 1 bytes): per-caller
    bytes, the total and the gates are exact, never negative or wrapped."""
    tiny, huge = gen("tiny"), gen("huge")
    big = (1 << 64) - 1
    j = json.loads(run(["diff", "-j", tiny, huge], check=False).stdout)
    by = {c["caller"]: c for c in j["callers"]}
    evil = "\x1b]0;owned\x07evil\x1b[31m_reserve"
    if int(by[evil]["b_size"], 16) != big or int(by[evil]["delta"], 16) != big - 4096:
        fail("caller bytes %r" % by[evil])
    if int(j["total"]["b_size"], 16) != big or int(j["total"]["delta"], 16) != big - 8192:
        fail("total %r" % j["total"])
    if int(j["gates"]["reserved_growth"], 16) != big - 8192:
        fail("reserved growth %r" % j["gates"])
    p = run(["diff", "--no-events", "--fail-if-reserved-grows", "64K", tiny, huge], check=False)
    out = p.stdout.decode()
    if p.returncode != 4 or "FAIL" not in out:
        fail("64K gate on a 2^64-byte growth: exit %d" % p.returncode)
    total = [l for l in out.splitlines() if "TOTAL" in l][0]
    if "-" in total.split()[1] or str(big - 8192) not in total or "EiB" not in total:
        fail("TOTAL line %r" % total)
    # the other way round: a shrink of 2^64 - 8193 bytes trips no growth gate
    p = run(["diff", "-j", "--fail-if-reserved-grows", "0", huge, tiny], check=False)
    j = json.loads(p.stdout)
    if p.returncode != 0 or int(j["gates"]["reserved_growth"], 16) != -(big - 8192):
        fail("reverse: exit %d growth %r" % (p.returncode, j["gates"]["reserved_growth"]))
    # the largest gate lets the largest growth through
    run(["diff", "--no-events", "--fail-if-reserved-grows", str(big), tiny, huge])


def t_control_characters_escaped():
    """Symbol names from a capture never reach the terminal raw."""
    tiny, huge = gen("tiny"), gen("huge")
    cmds = [["diff", tiny, huge], ["map", "--color", "never", huge],
            ["map", "--color", "always", huge], ["diff", "--format", "csv", tiny, huge],
            ["map", "-f", "csv", huge]]
    for i, c in enumerate(cmds):
        o = run(c, check=c[0] == "map").stdout
        raw = o.replace(b"\x1b[0", b"")  # our own SGR sequences start ESC [ 0
        if b"\x07" in o or b"\x1b]" in raw or b"\x1b[31m" in raw:
            fail("output %d carries the name's control characters raw" % i)
        if b"\\x1b]0;owned\\x07evil" not in o:
            fail("output %d lacks the escaped name" % i)


def t_map_at_beyond_events_refused():
    cap = small_capture()
    for fmt in ("text", "svg", "html", "csv"):
        p = run(["map", "-f", fmt, "--at", "100", cap], check=False)
        if p.returncode != 2:
            fail("--at 100 of 9 events (%s): exit %d" % (fmt, p.returncode))
        one_error_line(p, "map --at 100")
    run(["map", "--at", str(len(SMALL_COUNTS) - 1), cap])


def t_stdout_write_errors():
    cap = small_capture()
    for args in (["map", cap], ["map", "-f", "svg", cap], ["map", "-j", cap],
                 ["map", "-f", "csv", cap], ["diff", cap, cap], ["diff", "-j", cap, cap],
                 ["diff", "-f", "csv", cap, cap]):
        with open("/dev/full", "wb") as full:
            wrapper = shlex.split(os.environ.get("MB_CLI_WRAPPER", ""))
            p = subprocess.run(wrapper + [ARGS.cli] + args, stdout=full,
                               stderr=subprocess.PIPE, timeout=300)
        if p.returncode != 1:
            fail("%s > /dev/full: exit %d" % (args, p.returncode))
        err = p.stderr.decode(errors="replace").splitlines()
        if not err or not err[-1].startswith("Error: ") or "standard output" not in err[-1]:
            fail("%s > /dev/full: stderr %r" % (args, err))


def t_map_output_is_atomic():
    """-o FILE: a failed write leaves the earlier file whole and no debris;
    a device or a FIFO is written to, never replaced."""
    import resource
    import signal
    import stat
    cap = small_capture()
    d = tempfile.mkdtemp(prefix="mb-atomic-", dir=ARGS.work)
    out = os.path.join(d, "map.html")
    with open(out, "w") as f:
        f.write("OLD\n")
    os.chmod(out, 0o640)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
    for fmt in ("html", "svg"):
        p = subprocess.run([ARGS.cli, "map", "-f", fmt, "-o", out, cap], capture_output=True,
                           preexec_fn=limit, timeout=300)
        one_error_line(p, "map -f %s -o FILE over ulimit -f" % fmt)
        if open(out).read() != "OLD\n":
            fail("a failed write destroyed the earlier file")
        if sorted(os.listdir(d)) != ["map.html"]:
            fail("debris after a failed write: %r" % os.listdir(d))
    run(["map", "-f", "html", "-o", out, cap])
    if not open(out).read().endswith("</html>\n") or stat.S_IMODE(os.stat(out).st_mode) != 0o640:
        fail("complete write: wrong content or mode %o" % os.stat(out).st_mode)
    if sorted(os.listdir(d)) != ["map.html"]:
        fail("debris after a good write: %r" % os.listdir(d))
    run(["map", "-f", "svg", "-o", "/dev/null", cap])
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        fail("/dev/null was replaced")
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    p = run(["map", "-f", "svg", "-o", fifo, cap], check=False)
    one_error_line(p, "FIFO without a reader")
    rd = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
    import time
    time.sleep(0.3)
    run(["map", "-f", "svg", "-o", fifo, cap])
    data = rd.communicate(timeout=60)[0]
    if not data.rstrip().endswith(b"</svg>") or not stat.S_ISFIFO(os.stat(fifo).st_mode):
        fail("FIFO: %d bytes read, still a FIFO: %s" % (len(data),
                                                         stat.S_ISFIFO(os.stat(fifo).st_mode)))
    shutil.rmtree(d)


def nearest256(hexcol):
    """Independent oracle: the xterm palette entry nearest to #rrggbb."""
    r, g, b = (int(hexcol[i:i + 2], 16) for i in (1, 3, 5))
    levels = [0, 95, 135, 175, 215, 255]
    pal = {}
    for i in range(216):
        pal[16 + i] = (levels[i // 36], levels[(i // 6) % 6], levels[i % 6])
    for i in range(24):
        pal[232 + i] = (8 + 10 * i,) * 3
    return min(pal, key=lambda k: (sum((a - c) ** 2 for a, c in zip(pal[k], (r, g, b))), k))


def t_colours_agree_across_formats():
    """The text map, the SVG and the HTML page colour each caller alike, from
    its name: the same in every capture, and never in memory's green."""
    import colorsys
    cap = small_capture()
    svg = ET.fromstring(run(["map", "--format", "svg", cap]).stdout)
    ns = "{http://www.w3.org/2000/svg}"
    svgcol = {}
    for g in svg.iter(ns + "g"):
        if g.get("class") == "legend":
            name = g.find(ns + "text").text.rsplit(" - ", 1)[0]
            svgcol[name] = g.find(ns + "rect").get("fill")
    if len(svgcol) < 5:
        fail("SVG legend names %r" % svgcol)
    page = open(html_file(), encoding="utf-8").read()
    owners = json.loads(re.search(r"var OWNERS=(\[.*?\]);", page).group(1))
    colours = json.loads(re.search(r"var COLORS=(\[.*?\]);", page).group(1))
    htmlcol = dict(zip(owners, colours))
    text = run(["map", "--color", "always", cap]).stdout.decode()
    textcol = {}
    for line in text.splitlines():
        m = re.match(r"  \x1b\[0;38;5;(\d+);48;5;(\d+)m(.)\x1b\[0m  (\S.*?)\s{2,}", line)
        if m:
            textcol[m.group(4).strip()] = int(m.group(2))
    if sorted(textcol) != sorted(svgcol):
        fail("text legend %r vs SVG legend %r" % (sorted(textcol), sorted(svgcol)))
    for name, col in svgcol.items():
        if htmlcol.get(name) != col:
            fail("%s: SVG %s, HTML %s" % (name, col, htmlcol.get(name)))
        if textcol[name] != nearest256(col):
            fail("%s: text colour %d, nearest to %s is %d" %
                 (name, textcol[name], col, nearest256(col)))
        r, g, b = (int(col[i:i + 2], 16) / 255 for i in (1, 3, 5))
        h, l, sat = colorsys.rgb_to_hls(r, g, b)
        if name != "[initial state]" and 60 / 360 < h < 170 / 360:
            fail("%s: %s is green, like memory" % (name, col))
    # a caller keeps its colour in another capture, whatever its rank there
    rows = [run(["map", "-f", "csv", gen(k)]).stdout.decode().splitlines()[1:]
            for k in ("tiny", "huge")]
    cols = [{l.rsplit(",", 3)[0]: l.rsplit(",", 1)[1] for l in r} for r in rows]
    common = set(cols[0]) & set(cols[1])
    if len(common) != 1 or cols[0][min(common)] != cols[1][min(common)]:
        fail("colours differ between captures: %r %r" % tuple(cols))


def our_capture(name, mem, kernel="kernel.elf"):
    """Capture our test kernel under QEMU (TCG) once per work dir."""
    if not ARGS.kernels or not os.path.exists(os.path.join(ARGS.kernels, kernel)):
        fail("test kernel %s not built (--kernels %s)" % (kernel, ARGS.kernels))
    os.makedirs(ARGS.work, exist_ok=True)
    path = os.path.join(ARGS.work, name)
    # captured again after every rebuild: the agent's metadata may have changed
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(ARGS.cli):
        tmp = path + ".part.cap"
        run(["capture", "-m", mem, "-k", os.path.join(ARGS.kernels, kernel), "-o", tmp])
        os.replace(tmp, path)
    return path


def reserved_section(text):
    lines = text.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith("reserved allocations:"))
    out = []
    for l in lines[i + 1:]:
        if not l.strip():
            break
        out.append(l)
    return lines[i], out


def t_diff_kernel_512m_vs_2g_moves():
    """One kernel at 512M and at 2G: what memblock placed top-down moved with
    the top of RAM, and the diff says so (old and new address), with no
    -/+ pairs of one caller and size."""
    a, b = our_capture("k512.cap", "512M"), our_capture("k2g.cap", "2G")
    j = json.loads(run(["diff", "-j", a, b]).stdout)
    rs = j["ranges"]["reserved"]
    moved = [r for r in rs if r["moved"]]
    low = [r for r in moved if r["caller"] == "alloc_low_page"]
    if len(low) < 4:
        fail("alloc_low_page pages not reported as moved: %r" % rs)
    for r in moved:
        if r["a_base"] is None or r["b_base"] is None or r["a_base"] == r["b_base"]:
            fail("moved entry without old and new address: %r" % r)
        if int(r["b_base"], 16) < 0x20000000:
            fail("a move that stays below 512M: %r" % r)
    news = {(r["caller"], r["b_size"]) for r in rs if r["change"] == "new"}
    gone = {(r["caller"], r["a_size"]) for r in rs if r["change"] == "removed"}
    if news & gone:
        fail("-/+ pairs of one caller and size: %r" % (news & gone))
    head, lines = reserved_section(run(["diff", "--no-events", a, b]).stdout.decode())
    if not re.search(r"\b([1-9]\d*) moved", head) or any(
            l.split()[0] in ("new", "removed") for l in lines):
        fail("text: %s\n%s" % (head, "\n".join(lines)))
    for l in lines:
        if l.split()[0] == "moved" and not re.search(r"\] -> \[0x", l):
            fail("moved line without both ranges: %r" % l)


def t_demo_diff_lists_no_identical_lines():
    """scripts/demo's diff (default -> doubling kernel): many equal new
    allocations are one line, and no line repeats."""
    a = our_capture("demo-default.cap", "256M")
    b = our_capture("demo-doubling.cap", "256M", "kernel-doubling.elf")
    text = run(["diff", a, b]).stdout.decode()
    head, lines = reserved_section(text)
    n_new = int(re.search(r"(\d+) new", head).group(1))
    if n_new < 100 or len(lines) > 10:
        fail("%s: %d lines for %d new allocations" % (head, len(lines), n_new))
    norm = [re.sub(r"0x[0-9a-f]+", "ADDR", l) for l in lines]
    if len(set(norm)) != len(norm):
        fail("lines that differ only by address:\n" + "\n".join(lines))
    body = [l for l in text.splitlines() if l.startswith("  ")]
    if len(set(body)) != len(body):
        fail("identical lines in the demo diff")


def browser():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import cdp
    try:
        return cdp.Browser(CHROMIUM, 1300, 1000)
    except cdp.CdpError as e:
        fail(str(e))


def page_errors(b):
    errs = [e for e in b.events if e["method"] == "Runtime.exceptionThrown"]
    if errs:
        fail("page script error: %r" % errs[0]["params"]["exceptionDetails"])


def shot(p, name):
    """Screenshots go to the test output; MB_DOCS_SHOTS=DIR also copies them (docs/)."""
    path = os.path.join(ARGS.work, name)
    p.screenshot(path)
    if os.environ.get("MB_DOCS_SHOTS"):
        shutil.copy(path, os.path.join(os.environ["MB_DOCS_SHOTS"], name))
    w, h, ncol, frac = png_stats(path)
    if ncol < 8 or frac < 0.02:
        fail("%s looks empty: %d colours" % (name, ncol))
    return path


def t_explorer_axis_labels_match_the_capture():
    """Every tick label is an address inside the capture's own layout (map -j),
    in order along the axis, and the holes between the runs are marked."""
    cap = small_capture()
    layout = json.loads(run(["map", "-j", cap]).stdout)["layout"]
    runs = [(int(r["base"], 16), int(r["base"], 16) + int(r["size"], 16)) for r in layout]
    path = os.path.join(ARGS.work, "axis-%d.html" % os.getpid())
    run(["map", "-f", "html", "-o", path, cap])
    with browser() as b:
        p = b.open("file://" + path)
        page_errors(b)
        ticks = p.eval("mb.ticks()")
        dom = p.eval("Array.from(document.querySelectorAll('#axis .tick')).map("
                     "function(t){return t.getAttribute('data-addr')+' '+t.textContent;})")
        holes = p.eval("Array.from(document.querySelectorAll('#axis .hole')).map("
                       "function(t){return t.textContent;})")
        shot(p, "map-small.png")
    if len(ticks) < 4:
        fail("only %d tick labels: %r" % (len(ticks), ticks))
    if [d.split()[0] for d in dom] != [t[0] for t in ticks] or any(
            d.split()[0] != d.split()[1] for d in dom):
        fail("DOM labels %r differ from the ticks %r" % (dom, ticks))
    addrs = [int(t[0], 16) for t in ticks]
    xs = [t[1] for t in ticks]
    if addrs != sorted(addrs) or xs != sorted(xs):
        fail("labels out of order: %r" % ticks)
    for a in addrs:
        if not any(lo <= a <= hi for lo, hi in runs):
            fail("label %#x lies outside the capture's layout %r" % (a, runs))
    if runs[0][0] not in addrs:
        fail("the first run's start %#x is not labelled: %r" % (runs[0][0], ticks))
    if len(holes) != len(runs) - 1 or not all("hole" in h for h in holes):
        fail("%d runs but holes %r" % (len(runs), holes))


def t_explorer_zoom_changes_the_labelled_range():
    path = html_file()
    with browser() as b:
        p = b.open("file://" + path)
        before = p.eval("mb.visible()")
        t0 = p.eval("mb.ticks()")
        x = p.eval("mb.xOf(0x100000)")
        y = p.eval("mb.y('mem')")
        for _ in range(12):
            p.wheel(x, y, -100)
        after = p.eval("mb.visible()")
        t1 = p.eval("mb.ticks()")
        p.key("0")
        reset = p.eval("mb.visible()")
        # the search box: an address zooms there and names its owner; a caller
        # zooms to its extent
        search = ("(function(q){var s=document.getElementById('search');s.value=q;"
                  "s.dispatchEvent(new KeyboardEvent('keydown',{key:'Enter'}));"
                  "return [document.body.getAttribute('data-owner'), mb.visible()];})")
        owner, vis = p.eval(search + "('0x7200000')")
        if owner != "reserve_initrd" or not vis[0] < 0x7200000 < vis[1] or vis[1] - vis[0] > 1 << 20:
            fail("search 0x7200000: owner %r, visible %r" % (owner, vis))
        _, vis = p.eval(search + "('crashkernel')")
        if not (vis[0] <= 0x13ff00000 and 0x140000000 <= vis[1] < 0x150000000):
            fail("search crashkernel: visible %r" % vis)
        page_errors(b)
    if not (after[1] - after[0]) * 20 < before[1] - before[0]:
        fail("zoom: visible %r -> %r" % (before, after))
    if not after[0] <= 0x100000 <= after[1]:
        fail("zoom did not stay at the cursor: %r" % after)
    l0, l1 = [t[0] for t in t0], [t[0] for t in t1]
    if l0 == l1 or not all(after[0] - 1 <= int(a, 16) <= after[1] + 1 for a in l1):
        fail("labels after zoom %r (visible %r), before %r" % (l1, after, l0))
    if len(l1) < 3:
        fail("zoomed axis has %d labels" % len(l1))
    if reset != before:
        fail("key 0 does not reset: %r vs %r" % (reset, before))


def t_explorer_timeline_draws_dump_at():
    """Scrubbing the timeline to event N draws exactly the reserved regions
    `dump --at N` lists (memblock's own replay, an independent path)."""
    cap = small_capture()
    path = html_file()
    with browser() as b:
        p = b.open("file://" + path)
        y = p.eval("document.getElementById('timeline').getBoundingClientRect().top + 50")
        p.eval("window.scrollTo(0, 0)")
        for n in range(len(SMALL_COUNTS)):
            x = p.eval("mb.timelineX(%d)" % n)
            p.mouse("mousePressed", x, y, button="left", clickCount=1)
            p.mouse("mouseReleased", x, y, button="left", clickCount=1)
            if p.eval("mb.at()") != n:
                fail("timeline at x=%.1f shows event %d, want %d" % (x, p.eval("mb.at()"), n))
            drawn = [tuple(r) for r in p.eval("mb.regions()")]
            rows = p.eval("Array.from(document.querySelectorAll('#regions .rsv')).map("
                          "function(r){return [parseInt(r.dataset.base,16),parseInt(r.dataset.end,16)+0];})")
            d = json.loads(run(["dump", "--at", str(n), "-j", cap]).stdout)
            want = [(int(r["base"], 16), int(r["base"], 16) + int(r["size"], 16))
                    for r in d["arrays"]["reserved"]["regions"]]
            if drawn != want or [tuple(r) for r in rows] != want:
                fail("event %d: page draws %r (list %r), dump --at lists %r" % (n, drawn, rows, want))
        page_errors(b)


def elf_symbol(elf, name):
    out = subprocess.run(["nm", elf], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    fail("%s has no symbol %s" % (elf, name))


def t_explorer_click_on_kernel_image_names_owner():
    """Our kernel at 512M: a click in the middle of the kernel image (from
    the ELF's _text and _end) names who reserved it and the event."""
    cap = our_capture("k512.cap", "512M")
    elf = os.path.join(ARGS.kernels, "kernel.elf")
    text, end = elf_symbol(elf, "_text"), elf_symbol(elf, "_end")
    path = os.path.join(ARGS.work, "k512-%d.html" % os.getpid())
    run(["map", "-f", "html", "-o", path, "--title", "test kernel, -m 512M", cap])
    with browser() as b:
        p = b.open("file://" + path)
        p.eval("mb.zoomTo(%d, %d)" % (text, end))
        x, y = p.eval("mb.xOf(%d)" % ((text + end) // 2)), p.eval("mb.y('mem')")
        p.click(x, y)
        info = p.eval("document.getElementById('info').textContent")
        owner = p.eval("document.body.getAttribute('data-owner')")
        shot(p, "map-kernel-click.png")
        p.key("0")
        shot(p, "map-kernel-512M.png")
        page_errors(b)
    if (owner != "early_reserve_memory" or "memblock_reserve [0x%x-0x%x]" % (text, end - 1) not in info
            or "what it is: kernel image" not in info):
        fail("click on the kernel image [%#x-%#x]: owner %r, info:\n%s" % (text, end - 1, owner, info))


def t_diff_page_marks_moved_allocations():
    """diff --format html: a moved allocation is listed as moved with both
    addresses and outlined in the 'moved' colour at its new place."""
    a = os.path.join(ARGS.data, "..", "cli", "synth.cap")
    b = os.path.join(ARGS.data, "..", "cli", "synth-v1.cap")
    j = json.loads(run(["diff", "-j", a, b]).stdout)
    want = [(r["caller"], r["a_base"], r["b_base"]) for r in j["ranges"]["reserved"]
            if r["change"] == "moved"]
    if not want:
        fail("the synthetic pair has no moved allocation")
    path = os.path.join(ARGS.work, "diff-%d.html" % os.getpid())
    run(["diff", "-f", "html", "-o", path, a, b])
    with browser() as br:
        p = br.open("file://" + path)
        rows = p.eval("Array.from(document.querySelectorAll('#changes .chg')).map(function(r){"
                      "return [r.dataset.kind, r.dataset.caller, r.dataset.a || null, r.dataset.b || null];})")
        got = [(r[1], r[2], r[3]) for r in rows if r[0] == "moved"]
        if sorted(got) != sorted(want):
            fail("page lists moved %r, diff -j %r" % (got, want))
        caller, old, new = want[0]
        p.eval("window.scrollTo(0,0)")
        px = p.eval("(function(){var c=document.getElementById('diffmap'),r=c.getBoundingClientRect();"
                    "var x=Math.round(mbDiff.xOf(%d)-r.left)+1;"
                    "return Array.from(c.getContext('2d').getImageData(x,99,1,1).data);})()"
                    % int(new, 16))
        shot(p, "diff-synth.png")
        page_errors(br)
    marks = {"moved": (0x1d, 0x4e, 0xd8), "grown": (0xb4, 0x53, 0x09), "shrunk": (0x7c, 0x3a, 0xed),
             "new": (0x15, 0x80, 0x3d), "removed": (0xb9, 0x1c, 0x1c), "none": (255, 255, 255)}
    near = min(marks, key=lambda k: sum((a - b) ** 2 for a, b in zip(marks[k], px[:3])))
    if near != "moved":
        fail("no 'moved' outline at the new place of %s %s: pixel %r" % (caller, new, px))


def t_whois_names_every_initial_reservation():
    """Our kernel with an initrd and a command line: whois on each reservation
    made before the first allocation (the kernel image, page 0, the boot
    protocol's data, the initrd, the BIOS areas, the ACPI tables) names the
    caller, the event, and what the bytes are, never "unknown"."""
    initrd = os.path.join(ARGS.work, "initrd.img")
    with open(initrd, "wb") as f:
        f.write(os.urandom(40000))
    append = "whois test line"
    cap = os.path.join(ARGS.work, "k-whois.cap")
    run(["capture", "-m", "512M", "--initrd", initrd, "--append", append, "-o", cap])
    log = json.loads(run(["log", "-j", cap]).stdout)["events"]
    early = []
    for i, e in enumerate(log):
        if e["op"] != "memblock_reserve":
            if e["op"].startswith("memblock_phys_alloc") or e["op"].startswith("memblock_alloc"):
                break
            continue
        early.append((i, e))
    early += [(i, e) for i, e in enumerate(log) if e["op"] == "memblock_reserve" and
              "acpi_reserve_initial_tables" in str(e.get("caller", ""))]
    if len(early) < 7:
        fail("only %d early reservations: %r" % (len(early), early))
    elf = os.path.join(ARGS.kernels, "kernel.elf")
    text, end = elf_symbol(elf, "_text"), elf_symbol(elf, "_end")
    whats = {}
    for i, e in early:
        base = int(e["base"], 16)
        w = json.loads(run(["whois", "-j", "--at", str(i + 1), hex(base), cap]).stdout)
        if not w["owner"] or "unknown" in w["owner"] or not w["what"] or "unknown" in w["what"]:
            fail("whois %#x after event %d: %r" % (base, i + 1, w))
        if w["seq"] != e["seq"]:
            fail("whois %#x names event %r, the log says %r" % (base, w["seq"], e["seq"]))
        whats[base] = w["what"]
    if not whats.get(text, "").startswith("kernel image") or "0x%x-0x%x" % (text, end - 1) not in whats[text]:
        fail("kernel image [%#x-%#x]: %r" % (text, end - 1, whats.get(text)))
    cmd = [v for v in whats.values() if v.startswith("boot protocol: kernel command line")]
    m = re.search(r"\[0x([0-9a-f]+)-0x([0-9a-f]+)\]", cmd[0] if cmd else "")
    if not m or int(m.group(2), 16) - int(m.group(1), 16) + 1 != len(append) + 1:
        fail("command line not named with its size: %r" % whats)
    rd = [v for v in whats.values() if "initrd" in v]
    m = re.search(r"\[0x([0-9a-f]+)-0x([0-9a-f]+)\]", rd[0] if rd else "")
    if not m or int(m.group(2), 16) - int(m.group(1), 16) + 1 != 40000:
        fail("initrd not named with its size: %r" % whats)
    if not any("ACPI" in v for v in whats.values()) or not any("BIOS" in v or "ROM" in v
                                                               for v in whats.values()):
        fail("ACPI tables or BIOS area not named: %r" % whats)
    # the shell runs the same command
    p = subprocess.run([ARGS.cli, "shell"], input=("whois %#x %s\nload %s\nwhois %#x\nexit\n" %
                                                   (text, cap, cap, end - 1)).encode(),
                       capture_output=True, timeout=120)
    if p.stdout.count(b"kernel image") != 2:
        fail("shell whois: %r" % p.stdout[-400:])


def t_explorer_linux_pages_and_screenshots():
    """The stock 6.1 and 6.12 boots (their memblock=debug logs at 512M): the
    page draws, the callouts name mem_map (sparse/vmemmap), the per-CPU areas
    and the hash tables, and a screenshot of each goes to the test output."""
    for ver in ("6.1", "6.12"):
        log = os.path.join(ARGS.data, "..", "linux", "%s-cloud-m512.log" % ver)
        path = os.path.join(ARGS.work, "linux-%s.html" % ver)
        run(["map", "-f", "html", "-o", path, "--title", "Linux %s, -m 512M" % ver, log])
        with browser() as b:
            p = b.open("file://" + path)
            legend = p.eval("Array.from(document.querySelectorAll('#legend div')).map("
                            "function(d){return d.dataset.caller;})")
            for want in ("pcpu", "alloc_large_system_hash", "sparse"):
                if not any(want in c for c in legend):
                    fail("Linux %s: no %s in the legend %r" % (ver, want, legend))
            shot(p, "map-linux-%s.png" % ver)
            # zoom to the top of RAM, where memblock placed everything top-down
            p.eval("mb.zoomTo(0x1f000000, 0x20000000)")
            shot(p, "map-linux-%s-top.png" % ver)
            page_errors(b)


def t_explorer_traced_linux_pages():
    """Traced stock 6.1 and 6.12 boots (capture --linux --trace, 512M): every
    reserved byte has a named caller (no '[initial state]' in the legend), a
    click on the kernel image (the first reservation, by setup_arch) names
    setup_arch, and mem_map, per-CPU areas and hash tables are in the legend.
    Screenshots of both pages go to the test output."""
    for cap in ARGS.traced:
        ver = "6.12" if "6_12" in os.path.basename(cap) else "6.1"
        first = json.loads(run(["log", "-j", "--seq", "0-0", cap]).stdout)["events"][0]
        if first["op"] != "memblock_reserve":
            fail("%s: first traced call is %s, not the kernel image reserve" % (cap, first["op"]))
        base, size = int(first["base"], 16), int(first["size"], 16)
        path = os.path.join(ARGS.work, "traced-linux-%s.html" % ver)
        run(["map", "-f", "html", "-o", path, "--title",
             "Linux %s traced, -m 512M" % ver, cap])
        with browser() as b:
            p = b.open("file://" + path)
            legend = p.eval("Array.from(document.querySelectorAll('#legend div')).map("
                            "function(d){return d.dataset.caller;})")
            if any("initial state" in c for c in legend):
                fail("Linux %s traced: unattributed memory in the legend %r" % (ver, legend))
            for want in ("setup_arch", "pcpu", "alloc_large_system_hash", "sparse"):
                if not any(want in c for c in legend):
                    fail("Linux %s traced: no %s in the legend %r" % (ver, want, legend))
            shot(p, "map-linux-%s-traced.png" % ver)
            p.eval("mb.zoomTo(%d, %d)" % (base, base + size))
            x, y = p.eval("mb.xOf(%d)" % (base + size // 2)), p.eval("mb.y('mem')")
            p.click(x, y)
            owner = p.eval("document.body.getAttribute('data-owner')")
            info = p.eval("document.getElementById('info').textContent")
            shot(p, "map-linux-%s-traced-kernel.png" % ver)
            page_errors(b)
        if owner != first["caller"]["symbol"] or owner != "setup_arch":
            fail("Linux %s traced: click on the kernel image [%#x-%#x] names %r, info:\n%s"
                 % (ver, base, base + size - 1, owner, info))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--gencap", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--kernels", help="directory with kernel.elf and kernel-doubling.elf")
    ap.add_argument("--traced", action="append", default=[],
                    help="a traced stock-Linux capture (capture --linux --trace)")
    ap.add_argument("scenario")
    ARGS = ap.parse_args()
    # Every scenario writes below --work; the first one to run (in any order
    # ctest picks) must not find it missing.
    os.makedirs(ARGS.work, exist_ok=True)
    fn = globals().get("t_" + ARGS.scenario)
    if not fn:
        fail("unknown scenario %s" % ARGS.scenario)
    fn()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""hints_test.py - errors that say what to do, and the --linux progress line (issue 16).

Usage: hints_test.py --cli CLI --work DIR CASE [ARG]
CASE:
  bzimage_suggests_linux   a bzImage given to capture -k names --linux
  libbpf_only_with_v       libbpf's own line shows only with -v; our error says why
  usage_exits_2            bad option values exit 2 with one Error line
  directory_is_a_directory a directory as input says "is a directory", every command
  did_you_mean             a near command or long option is suggested, a far one is not
  progress_on_a_pty DEB    --linux on a pseudo-terminal: one line per redraw, phases in
                           order, never wider than the terminal; silent with -q and
                           when stderr is not a terminal

Seen failing with the code broken on purpose: mb_is_bzimage() always false
(plain "is not an ELF file"); mb_libbpf_quiet() not called (libbpf's own line on
stderr before ours); --mem not checked ("-m 12Q" exit 1); cli_load without the
directory check ("not a capture file"); the unknown-command suggestion dropped
(no "did you mean 'dump'"); a looser nearness (distance 6, no length rule) suggests
'map' for 'rep'; the progress line not cut to the width (41 columns on a 36-column
terminal).
"""
import argparse
import os
import pty
import re
import select
import struct
import subprocess
import sys
import fcntl
import termios
import time

A = None


def die(msg):
    sys.exit("FAIL: " + msg)


def run(args, **kw):
    return subprocess.run([A.cli] + args, capture_output=True, text=True, timeout=300, **kw)


def one_error(p, what, code):
    lines = p.stderr.splitlines()
    if p.returncode != code:
        die("%s: exit %d, expected %d (%r)" % (what, p.returncode, code, p.stderr))
    if len(lines) != 1 or not lines[0].startswith("Error: "):
        die("%s: stderr is not one Error line: %r" % (what, p.stderr))
    return lines[0]


def bzimage_suggests_linux():
    # The x86 boot protocol's header: "HdrS" at 0x202 of a file that is not ELF.
    img = os.path.join(A.work, "vmlinuz-fake")
    data = bytearray(4096)
    data[0x1fe:0x200] = b"\x55\xaa"
    data[0x202:0x206] = b"HdrS"
    open(img, "wb").write(bytes(data))
    line = one_error(run(["capture", "-k", img, "-o", os.path.join(A.work, "x.cap")]),
                     "capture -k bzImage", 1)
    if "--linux " + img not in line or "bzImage" not in line:
        die("capture -k of a bzImage does not suggest --linux: %r" % line)
    # A file that is neither keeps the plain message.
    other = os.path.join(A.work, "notelf")
    open(other, "wb").write(b"\0" * 4096)
    line = one_error(run(["capture", "-k", other, "-o", os.path.join(A.work, "x.cap")]),
                     "capture -k junk", 1)
    if "--linux" in line:
        die("capture -k of a non-bzImage suggests --linux: %r" % line)
    print("bzImage named, junk not: %s" % line)


def libbpf_only_with_v():
    # An ELF without .BTF: libbpf complains; only -v shows its words.
    elf = os.path.join(A.work, "nobtf.elf")
    subprocess.run(["cp", A.cli, elf], check=True)
    subprocess.run(["objcopy", "--remove-section=.BTF", elf], check=True)
    out = os.path.join(A.work, "x.cap")
    line = one_error(run(["capture", "-k", elf, "-o", out]), "capture -k ELF without BTF", 1)
    if "libbpf:" in line or "no .BTF section" not in line:
        die("error without -v: %r" % line)
    p = run(["capture", "-v", "-k", elf, "-o", out])
    if not re.search(r"^info: libbpf: .*\.BTF", p.stderr, re.M):
        die("capture -v does not show libbpf's message: %r" % p.stderr)
    if p.stderr.count("Error: ") != 1:
        die("capture -v: %r" % p.stderr)
    print("no BTF: %s" % line)


def usage_exits_2():
    out = os.path.join(A.work, "x.cap")
    for args in (["capture", "-m", "12Q", "-o", out], ["capture", "-m", "0", "-o", out],
                 ["capture", "--mem", "1G2", "-o", out], ["capture", "--smp", "x", "-o", out],
                 ["dump", "--at", "12Q", "x.cap"], ["dupm"], ["dump", "--jsno"]):
        one_error(run(args), " ".join(args), 2)
    for args in (["capture", "-m", "12Q", "-j", "-o", out],):
        p = run(args)
        if p.returncode != 2 or '"exit": 2' not in p.stdout:
            die("%s: exit %d %r" % (args, p.returncode, p.stdout))
    print("usage errors exit 2")


def directory_is_a_directory():
    d = A.work
    for args in (["dump", d], ["log", d], ["replay", d], ["map", d], ["diff", d, d],
                 ["import", d, "-o", os.path.join(d, "x.cap")]):
        line = one_error(run(args), " ".join(args), 1)
        if "%s: is a directory" % d not in line:
            die("%s: %r" % (" ".join(args), line))
    print("directories: %s" % line)


def did_you_mean():
    near = [(["dupm"], "did you mean 'dump'"), (["rep"], "did you mean 'replay'"),
            (["improt"], "did you mean 'import'"),
            (["dump", "--jsno", "x"], "did you mean '--json'"),
            (["dump", "--foramt", "x"], "did you mean '--format'"),
            (["replay", "--vrify", "x"], "did you mean '--verify'"),
            (["capture", "--linxu", "x"], "did you mean '--linux'")]
    for args, want in near:
        line = one_error(run(args), " ".join(args), 2)
        if want not in line:
            die("%s: no %r in %r" % (" ".join(args), want, line))
    for args in (["xyzzy"], ["dump", "--colour", "x"], ["d"]):
        line = one_error(run(args), " ".join(args), 2)
        if "did you mean" in line:
            die("%s suggests something far: %r" % (" ".join(args), line))
    print("%d near words suggested, 3 far ones not" % len(near))


def pty_run(args, cols):
    pid, fd = pty.fork()
    if pid == 0:
        # Sized by the child before exec: the parent's ioctl after fork could
        # come after the program's first TIOCGWINSZ under load.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
        os.execv(A.cli, [A.cli] + args)
    out = b""
    deadline = time.time() + 280
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r:
            continue
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        out += b
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st), out.decode(errors="replace")


def progress_on_a_pty(deb):
    cap = os.path.join(A.work, "progress.cap")
    cols = 36
    rc, out = pty_run(["capture", "--linux", deb, "-o", cap], cols)
    if rc:
        die("capture --linux on a pty: exit %d: %r" % (rc, out[-400:]))
    # The redraws: "\r" + text + ESC[K; the last one erases the line.
    draws = re.findall(r"\r([^\r\n\x1b]*)\x1b\[K", out)
    if len(draws) < 4 or draws[-1] != "":
        die("no progress redraws, or the line is left behind: %r" % out[:400])
    draws = draws[:-1]
    for d in draws:
        if len(d) > cols - 1:
            die("a progress line of %d columns on a %d-column terminal: %r" % (len(d), cols, d))
    phases, secs = [], []
    for d in draws:
        m = re.fullmatch(r"(.*): (unpacking|booting|tracing|reading), (\d+)s", d)
        if not m:
            die("progress line %r is not NAME: PHASE, Ns" % d)
        if not phases or phases[-1] != m.group(2):
            phases.append(m.group(2))
        secs.append(int(m.group(3)))
    if phases != ["unpacking", "booting", "tracing", "reading"]:
        die("phases %r" % phases)
    if secs != sorted(secs) or secs[-1] < 1:
        die("elapsed seconds do not count up: %r" % secs)
    if not any(re.match(r"6\.\d+\.\d+", d) for d in draws):
        die("the kernel's release is never named: %r" % draws[:3])
    text = out.split("\r\x1b[K")[-1]
    if not text.startswith(cap + ":"):
        die("the summary does not follow the erased line: %r" % text)
    # -q, and stderr not a terminal: nothing but the summary.
    rc, out = pty_run(["capture", "-q", "--linux", deb, "-o", cap], cols)
    if rc or "\x1b[K" in out or "booting" in out:
        die("capture -q on a pty: exit %d %r" % (rc, out[:300]))
    p = run(["capture", "--linux", deb, "-o", cap])
    if p.returncode or p.stderr:
        die("capture --linux with stderr a pipe: exit %d, stderr %r" % (p.returncode, p.stderr))
    print("%d redraws, phases %s, %ds, at most %d columns; silent with -q and on a pipe"
          % (len(draws), " -> ".join(phases), secs[-1], max(len(d) for d in draws)))


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("case")
    ap.add_argument("arg", nargs="?")
    A = ap.parse_args()
    os.makedirs(A.work, exist_ok=True)
    fn = globals().get(A.case)
    if not callable(fn) or A.case.startswith("_") or A.case in ("main", "run", "die"):
        die("unknown case " + A.case)
    fn(A.arg) if A.arg else fn()


if __name__ == "__main__":
    main()

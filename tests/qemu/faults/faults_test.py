#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# faults_test.py - `memblock-cli capture` under injected faults, against real QEMU.
"""usage: faults_test.py --cli CLI --kernel ELF --tiny-kernel ELF --work DIR SCENARIO

Scenarios: qemu_killed_mid_capture, cli_interrupted_mid_capture, disk_full,
parallel_captures, sockets_are_unix_or_loopback, capture_follows_umask,
overflowed_log_reported, cli_killed_debris_swept, ramfile_truncated_mid_capture,
timeout_bounds_slow_gdbstub, fifo_inputs_time_out, output_fifo_and_device.
Quiet on success; exit 1 with the reason otherwise."""
import argparse
import os
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

A = None
QEMU = shutil.which("qemu-system-x86_64") or "/usr/bin/qemu-system-x86_64"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def workdir(name):
    # QEMU's socket paths must stay short: mb_qemu uses TMPDIR only when short.
    d = tempfile.mkdtemp(prefix="mbf-%s-" % name[:6], dir="/tmp")
    return d


def capture(out, extra=(), env=None, kernel=None, timeout=120, umask=None):
    cmd = [A.cli, "capture", "--kernel", kernel or A.kernel, "--mem", "128M", "-o", out]
    cmd += list(extra)
    pre = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                          preexec_fn=pre)


def leftovers(d, name):
    return [f for f in os.listdir(d) if f.startswith(name)]


def error_line(p, what):
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    errs = [l for l in lines if l.startswith("Error: ")]
    if p.returncode == 0:
        fail("%s: exit status 0" % what)
    if len(errs) != 1:
        fail("%s: want one 'Error: ' line on stderr, got:\n%s" % (what, p.stderr))
    return errs[0]


def qemus_under(d):
    """QEMU processes whose command line mentions directory @d."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cl = f.read().decode(errors="replace")
        except OSError:
            continue
        if "qemu-system" in cl and d in cl:
            found.append(int(pid))
    return found


def wrapper_dir(d, body):
    """A directory holding a qemu-system-x86_64 wrapper script (first in PATH)."""
    w = os.path.join(d, "bin")
    os.makedirs(w, exist_ok=True)
    p = os.path.join(w, "qemu-system-x86_64")
    with open(p, "w") as f:
        f.write("#!/bin/sh\n" + body.replace("@QEMU@", QEMU))
    os.chmod(p, 0o755)
    env = dict(os.environ)
    env["PATH"] = w + ":" + env.get("PATH", "")
    env["TMPDIR"] = d
    return env


def valid_capture(path):
    p = subprocess.run([A.cli, "dump", path], capture_output=True, text=True, timeout=60)
    return p.returncode == 0 and "MEMBLOCK configuration" in p.stdout


def sc_qemu_killed_mid_capture():
    """SIGKILL QEMU at several points of a capture (boot wait, pull)."""
    hit = 0
    for delay in (0.05, 0.1, 0.2, 0.3, 0.5):
        d = workdir("kill")
        env = wrapper_dir(d, "(sleep %s; kill -9 $$) &\nexec @QEMU@ \"$@\"\n" % delay)
        out = os.path.join(d, "out.mbcap")
        p = capture(out, env=env)
        if p.returncode == 0:
            # The kill came after the capture finished: then the file must be whole.
            if not valid_capture(out):
                fail("delay %s: exit 0 but %s does not read as a capture" % (delay, out))
        else:
            hit += 1
            e = error_line(p, "QEMU killed after %ss" % delay)
            if not re.search(r"qemu|killed|signal|closed|exited", e, re.I):
                fail("QEMU killed after %ss: message does not say what happened: %s" %
                     (delay, e))
            left = leftovers(d, "out.mbcap")
            if left:
                fail("QEMU killed after %ss: left %s behind" % (delay, left))
        shutil.rmtree(d, ignore_errors=True)
    if not hit:
        fail("QEMU was never killed before the capture ended (all captures finished)")


def sc_cli_interrupted_mid_capture():
    """SIGINT / SIGTERM to the CLI during a capture: no file, and no QEMU left running."""
    bad = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        d = workdir("intr")
        env = dict(os.environ, TMPDIR=d)
        out = os.path.join(d, "out.mbcap")
        p = subprocess.Popen([A.cli, "capture", "--kernel", A.kernel, "--mem", "128M",
                              "-o", out], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(0.4)
        p.send_signal(sig)
        try:
            p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("%s: the CLI did not exit" % sig.name)
        if p.returncode == 0 and not valid_capture(out):
            fail("%s: exit 0 but no valid capture" % sig.name)
        if p.returncode != 0 and leftovers(d, "out.mbcap"):
            fail("%s: left %s behind" % (sig.name, leftovers(d, "out.mbcap")))
        if leftovers(d, "mbagent-"):
            fail("%s: left QEMU's directory %s behind" % (sig.name, leftovers(d, "mbagent-")))
        time.sleep(1.0)
        stray = qemus_under(d)
        for pid in stray:
            os.kill(pid, signal.SIGKILL)
        if stray:
            bad.append(sig.name)
        shutil.rmtree(d, ignore_errors=True)
    if bad:
        fail("QEMU kept running after the CLI exited on %s" % ", ".join(bad))


def sc_disk_full():
    """The output file system fills up while the capture is written."""
    d = workdir("full")
    out_dir = os.path.join(d, "small")
    os.makedirs(out_dir)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", out_dir],
                             capture_output=True).returncode == 0
    try:
        out = os.path.join(out_dir, "out.mbcap")
        if mounted:
            p = capture(out)
        else:
            # No mount permission: a 4 KiB file size limit, SIGXFSZ ignored (EFBIG).
            p = subprocess.run(["sh", "-c", "trap '' XFSZ; ulimit -f 4; exec \"$@\"", "sh",
                                A.cli, "capture", "--kernel", A.kernel, "--mem", "128M",
                                "-o", out], capture_output=True, text=True, timeout=120)
        e = error_line(p, "disk full")
        if not re.search(r"space|too large|write|EFBIG|ENOSPC", e, re.I):
            fail("disk full: message does not name the problem: %s" % e)
        if leftovers(out_dir, "out.mbcap"):
            fail("disk full: left %s behind" % leftovers(out_dir, "out.mbcap"))
    finally:
        if mounted:
            subprocess.run(["umount", out_dir])
    shutil.rmtree(d, ignore_errors=True)


def sc_parallel_captures():
    """Three captures at once (gdb, serial, ramfile): no port or file collisions."""
    d = workdir("par")
    env = dict(os.environ, TMPDIR=d)
    procs = []
    for i, tr in enumerate(("gdb", "serial", "ramfile")):
        out = os.path.join(d, "c%d.mbcap" % i)
        procs.append((out, tr, subprocess.Popen(
            [A.cli, "capture", "--kernel", A.kernel, "--mem", "128M", "--transport", tr,
             "-o", out], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)))
    dumps = []
    for out, tr, p in procs:
        o, e = p.communicate(timeout=180)
        if p.returncode != 0:
            fail("parallel capture over %s failed: %s" % (tr, e.strip()))
        q = subprocess.run([A.cli, "dump", out], capture_output=True, text=True, timeout=60)
        if q.returncode != 0:
            fail("parallel capture over %s does not read back: %s" % (tr, q.stderr))
        dumps.append(q.stdout)
    if len(set(dumps)) != 1:
        fail("parallel captures of the same kernel differ")
    if qemus_under(d):
        fail("QEMU left running after parallel captures")
    shutil.rmtree(d, ignore_errors=True)


def sc_sockets_are_unix_or_loopback():
    """Every socket address the CLI and its QEMU bind or connect to is AF_UNIX or loopback."""
    d = workdir("sock")
    trace = os.path.join(d, "strace.log")
    for tr in ("gdb", "serial", "ramfile"):
        out = os.path.join(d, "c.mbcap")
        p = subprocess.run(["strace", "-f", "-qq", "-e", "trace=bind,connect", "-o", trace,
                            A.cli, "capture", "--kernel", A.kernel, "--mem", "128M",
                            "--transport", tr, "-o", out], capture_output=True, text=True,
                           timeout=180, env=dict(os.environ, TMPDIR=d))
        if p.returncode != 0:
            fail("capture over %s under strace failed: %s" % (tr, p.stderr.strip()))
        calls = 0
        with open(trace) as f:
            for line in f:
                m = re.search(r"\b(bind|connect)\((\d+), \{sa_family=(AF_\w+)(.*)", line)
                if not m:
                    continue
                calls += 1
                fam, rest = m.group(3), m.group(4)
                if fam in ("AF_UNIX", "AF_NETLINK"):
                    continue
                if fam == "AF_INET" and re.search(r'inet_addr\("127\.', rest):
                    continue
                if fam == "AF_INET6" and '"::1"' in rest:
                    continue
                fail("%s capture: non-local socket address: %s" % (tr, line.strip()))
        if not calls:
            fail("%s capture: strace saw no bind/connect at all" % tr)
    shutil.rmtree(d, ignore_errors=True)


def sc_capture_follows_umask():
    d = workdir("umask")
    for mask in (0o022, 0o077, 0o027):
        out = os.path.join(d, "u.mbcap")
        p = capture(out, umask=mask)
        if p.returncode != 0:
            fail("capture failed: %s" % p.stderr.strip())
        mode = stat.S_IMODE(os.stat(out).st_mode)
        if mode != 0o666 & ~mask:
            fail("umask %03o: capture has mode %03o, want %03o" % (mask, mode, 0o666 & ~mask))
        os.unlink(out)
    shutil.rmtree(d, ignore_errors=True)


def sc_overflowed_log_reported():
    """A kernel whose log is too small: the capture and every reader say so."""
    if not os.path.exists(A.tiny_kernel):
        fail("no tiny-log kernel at %s" % A.tiny_kernel)
    d = workdir("tiny")
    out = os.path.join(d, "t.mbcap")
    p = capture(out, kernel=A.tiny_kernel)
    if p.returncode != 0:
        fail("capture of the tiny-log kernel failed: %s" % p.stderr.strip())
    said = re.compile(r"drop|not recorded|incomplete", re.I)
    if not said.search(p.stdout + p.stderr):
        fail("capture does not report the dropped events:\n" + p.stdout + p.stderr)
    for cmd in A.drop_cmds.split(","):
        args = [cmd, out, out] if cmd == "diff" else [cmd, out]
        q = subprocess.run([A.cli] + args, capture_output=True, text=True, timeout=60)
        if not said.search(q.stdout + q.stderr):
            fail("'%s' does not report the dropped events" % " ".join(args[:1]))
    # replay --verify must not pass a log it cannot have seen whole.
    q = subprocess.run([A.cli, "replay", "--verify", out], capture_output=True, text=True,
                       timeout=60)
    if q.returncode == 0:
        fail("replay --verify exits 0 on an incomplete log")
    shutil.rmtree(d, ignore_errors=True)


def start_qemu(d, extra):
    """Our kernel in a QEMU of our own (not the agent's), returning the Popen."""
    cmd = [QEMU, "-nodefaults", "-m", "128M", "-display", "none", "-monitor", "none",
           "-nic", "none", "-no-reboot", "-kernel", A.kernel, "-serial", "null",
           "-device", "isa-debug-exit,iobase=0x501,iosize=2"] + extra
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def sc_cli_killed_debris_swept():
    """SIGKILL the CLI mid-capture: no temporary capture file; the next run removes
    QEMU's directory (and its 128 MiB RAM file) that the killed run left."""
    d = workdir("sweep")
    env = dict(os.environ, TMPDIR=d)
    out = os.path.join(d, "out.mbcap")
    for delay in (0.2, 0.1, 0.05, 0.4):
        p = subprocess.Popen([A.cli, "capture", "--kernel", A.kernel, "--mem", "128M",
                              "-t", "ramfile", "-o", out], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.kill()
        p.wait()
        if leftovers(d, "out.mbcap.tmp"):
            fail("SIGKILL after %ss left %s" % (delay, leftovers(d, "out.mbcap.tmp")))
        if p.returncode == -signal.SIGKILL and leftovers(d, "mbagent-"):
            break
    else:
        fail("no kill landed while QEMU's directory existed")
    time.sleep(0.5)    # QEMU dies with its parent (PDEATHSIG)
    p = capture(out, env=env)
    if p.returncode != 0:
        fail("capture after the killed ones failed: %s" % p.stderr)
    if leftovers(d, "mbagent-"):
        fail("the next capture did not remove %s" % leftovers(d, "mbagent-"))
    shutil.rmtree(d, ignore_errors=True)


def sc_ramfile_truncated_mid_capture():
    """The RAM file shrinks while `capture --attach ramfile:` reads it: an Error line,
    not SIGBUS (exit 135)."""
    d = workdir("trunc")
    ram = os.path.join(d, "ram")
    # -S: the guest never runs, so the agent is still polling the log header
    # when the file shrinks (a running guest can finish its boot, and the
    # capture with it, before the truncation: the test raced that at first).
    q = start_qemu(d, ["-S", "-machine", "pc,memory-backend=ram0", "-object",
                       "memory-backend-file,id=ram0,size=128M,mem-path=%s,share=on" % ram])
    try:
        until = time.time() + 20
        while not (os.path.exists(ram) and os.path.getsize(ram) == 128 << 20):
            if time.time() > until:
                fail("QEMU did not create its RAM file")
            time.sleep(0.02)
        # The agent opens the file at once and polls the log header; the
        # header (above 1 MiB) then vanishes under it.
        p = subprocess.Popen([A.cli, "capture", "--attach", "ramfile:" + ram, "--elf",
                              A.kernel, "--timeout", "20", "-o", os.path.join(d, "o.cap")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        os.truncate(ram, 1 << 20)
        o, e = p.communicate(timeout=60)
        if p.returncode < 0 or p.returncode > 128:
            fail("capture died of a signal (status %d) when the RAM file shrank" % p.returncode)
        if p.returncode == 0:
            fail("capture succeeded from a RAM file cut to 1 MiB")
        err = error_line(subprocess.CompletedProcess(p.args, p.returncode, o, e),
                         "RAM file truncated")
        if not re.search(r"shr[ua]nk|outside|RAM file", err):
            fail("RAM file truncated: message does not say so: %s" % err)
    finally:
        stop(q)
    shutil.rmtree(d, ignore_errors=True)


def delaying_proxy(target, delay):
    """A TCP listener forwarding to unix socket @target; each gdb 'm' packet from
    the client is held @delay seconds before it is passed on."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)

    def run():
        c, _ = ls.accept()
        s = socket.socket(socket.AF_UNIX)
        s.connect(target)
        while True:
            r, _, _ = select.select([c, s], [], [], 60)
            if not r:
                break
            for x in r:
                data = x.recv(65536)
                if not data:
                    c.close()
                    s.close()
                    return
                if x is c and b"$m" in data:
                    time.sleep(delay)
                (s if x is c else c).sendall(data)
    threading.Thread(target=run, daemon=True).start()
    return ls.getsockname()[1]


def sc_timeout_bounds_slow_gdbstub():
    """A gdbstub answering every m packet 1.5 s late: --timeout 8 ends the capture
    (the pull included) within a few seconds of 8, with an Error line."""
    d = workdir("slow")
    gdb = os.path.join(d, "gdb.sock")
    q = start_qemu(d, ["-chardev", "socket,id=g,path=%s,server=on,wait=off" % gdb,
                       "-gdb", "chardev:g"])
    try:
        until = time.time() + 20
        while not os.path.exists(gdb):
            if time.time() > until:
                fail("QEMU did not create its gdbstub socket")
            time.sleep(0.02)
        port = delaying_proxy(gdb, 1.5)
        t0 = time.time()
        p = subprocess.run([A.cli, "capture", "--attach", "tcp:127.0.0.1:%d" % port, "--elf",
                            A.kernel, "--timeout", "8", "-o", os.path.join(d, "o.cap")],
                           capture_output=True, text=True, timeout=200)
        took = time.time() - t0
        if p.returncode == 0:
            fail("capture through a stub that slow finished (%.1f s)" % took)
        e = error_line(p, "slow gdbstub")
        if took > 8 + 4:
            fail("--timeout 8 took %.1f s (%s)" % (took, e))
        if not re.search(r"timeout|time limit", e, re.I):
            fail("slow gdbstub: message does not name the time limit: %s" % e)
    finally:
        stop(q)
    shutil.rmtree(d, ignore_errors=True)


def sc_fifo_inputs_time_out():
    """FIFOs given as the RAM file, --elf or --linux: an Error line at once, no hang."""
    d = workdir("fifo")
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    for args in (["--attach", "ramfile:" + fifo, "--elf", A.kernel],
                 ["--attach", "ramfile:" + os.path.join(d, "none"), "--elf", fifo],
                 ["--linux", fifo]):
        try:
            p = subprocess.run([A.cli, "capture", "--timeout", "5", "-o",
                                os.path.join(d, "o.cap")] + args,
                               capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            fail("capture %s hung on the FIFO" % " ".join(args))
        e = error_line(p, "FIFO input (%s)" % " ".join(args))
        if not re.search(r"FIFO|regular file", e):
            fail("FIFO input (%s): message does not say what is wrong: %s" % (args, e))
    shutil.rmtree(d, ignore_errors=True)


def sc_output_fifo_and_device():
    """capture -o onto a FIFO or a character device (as root a private copy of
    /dev/full): written through in place, or refused with one Error line; the
    node is never replaced by a regular file, and no temporary file is left."""
    d = workdir("odev")
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    got = os.path.join(d, "got.cap")
    reader = subprocess.Popen(["sh", "-c", "exec cat \"$0\" > \"$1\"", fifo, got])
    p = capture(fifo)
    if p.returncode != 0:
        # Refused (the CLI only writes regular files): the reader still waits.
        error_line(p, "-o FIFO")
        reader.kill()
    try:
        reader.wait(timeout=30)
    except subprocess.TimeoutExpired:
        reader.kill()
        reader.wait()
        fail("capture -o FIFO: exit 0 but the reader never saw the end of the data")
    if not stat.S_ISFIFO(os.stat(fifo).st_mode):
        fail("capture -o FIFO replaced the FIFO")
    if p.returncode == 0 and not valid_capture(got):
        fail("capture -o FIFO: exit 0 but what came out of the FIFO is not a capture")
    if os.geteuid() == 0:
        full = os.path.join(d, "full")
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    else:
        full = "/dev/full"
    p = capture(full)
    e = error_line(p, "-o full device")
    st = os.stat(full)
    if not stat.S_ISCHR(st.st_mode) or st.st_rdev != os.makedev(1, 7):
        fail("capture -o %s replaced the device node" % full)
    if not re.search(r"space|regular file", e, re.I):
        fail("-o full device: message does not say why: %s" % e)
    if [f for f in os.listdir(d) if ".tmp" in f]:
        fail("temporary files left: %s" % os.listdir(d))
    shutil.rmtree(d, ignore_errors=True)


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--tiny-kernel", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--drop-cmds", default="log,replay,map,diff,dump",
                    help="commands that must report an overflowed log")
    ap.add_argument("scenario")
    A = ap.parse_args()
    fn = globals().get("sc_" + A.scenario)
    if not fn:
        print("unknown scenario " + A.scenario)
        return 2
    fn()
    return 0


if __name__ == "__main__":
    sys.exit(main())

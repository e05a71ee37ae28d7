#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# run_kernel.py - boot the test kernel in QEMU for one scenario and check what it reports.
"""Usage: run_kernel.py --build-dir DIR SCENARIO

Boots build-dir/kernel/<kernel>.elf under qemu-system-x86_64 (TCG, -nic none),
COM1 on a pipe, waits for "mbk: boot state DONE" (or a PANIC) with a timeout,
then asserts on the console: memblock=debug lines, MEMBLOCK configuration
blocks, the final dump and the machine-readable "mbk-summary:" line.
Quiet on success; on failure prints the reason and the console tail, exits 1.
"""
import argparse
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
TIMEOUT = float(os.environ.get("MB_QEMU_TIMEOUT", "60"))
DONE = "mbk: boot state DONE"
PREFIX = re.compile(r"^\[\s*\d+\.\d+\] ")
REGION = re.compile(r"^ (memory|reserved)\[0x([0-9a-f]+)\]\t\[0x([0-9a-f]+)-0x([0-9a-f]+)\], "
                    r"0x([0-9a-f]+) bytes( on node (\d+))? flags: 0x([0-9a-f]+)$")

# Constants come from the uapi header, never hand-copied.
UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "kernel",
                    "include", "uapi", "mb_evlog.h")


def uapi_constants():
    text = open(UAPI).read()
    ops = {m.group(1): int(m.group(2))
           for m in re.finditer(r"X\((\w+),\s*(\d+),", text)}
    magic = int(re.search(r"#define MB_EVLOG_MAGIC\s+(0x[0-9a-fA-F]+)", text).group(1), 16)
    return ops, magic


OPS, EVLOG_MAGIC = uapi_constants()
HDR = struct.Struct("<QIIIIQQII32sQQQ24s")
REC = struct.Struct("<QQHHiQQQQQQQIIIHH")
REC_FIELDS = ("seq", "tsc", "op", "rflags", "nid", "base", "size", "align", "min_addr",
              "max_addr", "result", "caller", "mflags", "memory_cnt", "reserved_cnt",
              "depth", "pad")
OP_DOUBLE_ARRAY = OPS["DOUBLE_ARRAY"]
OP_RESERVE = OPS["RESERVE"]
OP_SET_MOVABLE_NODE = OPS["SET_MOVABLE_NODE"]


class Failure(Exception):
    pass


LAST_BOOT = None


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Boot:
    """One QEMU run and what it printed."""

    def __init__(self, lines, rc, sock_dir=None):
        self.lines = lines
        self.rc = rc
        self.sock_dir = sock_dir
        self.summary = {}
        self.final = {"memory": [], "reserved": []}
        self.blocks = []
        self.evlog = None
        self._parse()

    def _parse(self):
        in_final = False
        cur = None
        hexbuf = bytearray()
        for ln in self.lines:
            if ln.startswith("mbk-summary: "):
                for kv in ln[len("mbk-summary: "):].split():
                    k, _, v = kv.partition("=")
                    self.summary[k] = v
            elif ln == "mbk: final memblock state:":
                in_final = True
            elif ln == "MEMBLOCK configuration:":
                cur = {"memory": [], "reserved": []}
                if in_final:
                    self.final = cur
                else:
                    self.blocks.append(cur)
            elif ln.startswith("mbk-evlog: ") and not ln.startswith(("mbk-evlog: begin",
                                                                    "mbk-evlog: end")):
                hexbuf += bytes.fromhex(ln.split()[2])
            m = REGION.match(ln)
            if m and cur is not None:
                cur[m.group(1)].append({
                    "base": int(m.group(3), 16), "end": int(m.group(4), 16) + 1,
                    "size": int(m.group(5), 16),
                    "nid": int(m.group(7)) if m.group(7) else None,
                    "flags": int(m.group(8), 16)})
        if hexbuf:
            self.evlog = decode_evlog(bytes(hexbuf))

    def num(self, key):
        check(key in self.summary, "summary has no %s" % key)
        return int(self.summary[key], 0)

    def has(self, pattern):
        rx = re.compile(pattern)
        return any(rx.search(ln) for ln in self.lines)

    def find(self, pattern):
        rx = re.compile(pattern)
        return [m for m in (rx.search(ln) for ln in self.lines) if m]


def decode_evlog(buf):
    check(len(buf) >= HDR.size, "event-log dump shorter than its header")
    h = HDR.unpack_from(buf, 0)
    hdr = dict(zip(("magic", "version", "header_size", "record_size", "capacity", "written",
                    "dropped", "boot_state", "build_id_len", "build_id", "tsc_hz",
                    "boot_tsc", "memblock_addr", "reserved"), h))
    check(hdr["magic"] == EVLOG_MAGIC, "bad event-log magic")
    check(hdr["record_size"] == REC.size, "record size %d" % hdr["record_size"])
    recs = []
    off = hdr["header_size"]
    for _ in range(hdr["written"]):
        check(off + REC.size <= len(buf), "event-log dump truncated")
        recs.append(dict(zip(REC_FIELDS, REC.unpack_from(buf, off))))
        off += REC.size
    return hdr, recs


def kernel_path(build, name):
    p = os.path.join(build, "kernel", name + ".elf")
    check(os.path.exists(p), "kernel not built: %s" % p)
    return p


def boot(build, qemu_args, append="", kernel="kernel", wait_for=DONE, exit_when_done=True,
         com2=None, keep=False):
    """Boot; return (Boot, proc). With keep=True the QEMU process is left running."""
    cmd = [QEMU, "-nic", "none", "-display", "none", "-no-reboot", "-monitor", "none",
           "-device", "isa-debug-exit", "-kernel", kernel_path(build, kernel),
           "-serial", "stdio"]
    if com2:
        cmd += ["-chardev", "socket,id=mbser,path=%s,server=on,wait=off" % com2,
                "-serial", "chardev:mbser"]
    cmd += qemu_args
    full_append = append + (" mb_exit" if exit_when_done else "")
    cmd += ["-append", full_append.strip()]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
    except OSError as e:
        raise Failure("cannot run %s: %s (QEMU is required for these tests)" % (QEMU, e))
    lines, buf = [], b""
    deadline = time.monotonic() + TIMEOUT
    reached = False

    def take(data):
        nonlocal buf, reached
        buf += data
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            ln = PREFIX.sub("", raw.decode("utf-8", "replace").rstrip("\r"))
            lines.append(ln)
            if wait_for in ln or ln.startswith("PANIC: boot state set to PANIC"):
                reached = True

    while not reached and time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], 0.5)
        if not r:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        take(chunk)
    if not keep:
        if reached and exit_when_done and wait_for == DONE:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        take((proc.stdout.read() or b"") + b"\n")
    b = Boot(lines, proc.returncode)
    global LAST_BOOT
    LAST_BOOT = b
    if not reached:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise Failure("kernel did not reach '%s' within %.0f s" % (wait_for, TIMEOUT))
    return b, proc


# ---------------------------------------------------------------- common checks

def check_done(b, full_log=False):
    check(b.has("^" + re.escape(DONE) + "$"), "no DONE line")
    check(not b.has("PANIC|Kernel panic"), "kernel panicked")
    s = b.summary
    check(s, "no mbk-summary line")
    check(b.num("free_pages") > 0, "no free pages")
    if not full_log:
        check(b.num("dropped") == 0, "event log dropped records")
        check(b.num("calls") == b.num("depth0"), "calls %s != depth-0 records %s" %
              (s["calls"], s["depth0"]))
    check(b.num("memory.cnt") == len(b.final["memory"]), "final dump memory count mismatch")
    check(b.num("reserved.cnt") == len(b.final["reserved"]), "final dump reserved count mismatch")
    # memblock_trim_memory() does not update total_size (as in Linux), so the
    # regions may sum to less than memory.size, by under a page per region
    msum = sum(r["size"] for r in b.final["memory"])
    check(0 <= b.num("memory.size") - msum < 4096 * len(b.final["memory"]),
          "memory sizes do not add up")
    check(sum(r["size"] for r in b.final["reserved"]) == b.num("reserved.size"),
          "reserved sizes do not add up")
    for kind in ("memory", "reserved"):
        regs = b.final[kind]
        for a, c in zip(regs, regs[1:]):
            check(a["end"] <= c["base"], "%s regions overlap or unsorted" % kind)
    # the kernel image (at 1 MiB) and page 0 are reserved
    check(any(r["base"] <= 0x100000 < r["end"] for r in b.final["reserved"]),
          "kernel image not reserved")
    check(b.final["reserved"][0]["base"] == 0, "page 0 not reserved")
    # free pages are RAM minus reservations, in whole pages
    check(b.num("free_pages") * 4096 <= b.num("memory.size") - 0, "more free pages than RAM")
    return b


def check_debug_lines(b):
    check(b.has(r"^memblock_add: \[0x[0-9a-f]{16}-0x[0-9a-f]{16}\] e820__memblock_setup\+0x[0-9a-f]+/0x[0-9a-f]+$"),
          "no Linux-format memblock_add line with symbolised caller")
    check(b.has(r"^memblock_phys_alloc_range: \d+ bytes align=0x[0-9a-f]+ from=0x[0-9a-f]{16} "
                r"max_addr=0x[0-9a-f]{16} reserve_real_mode\+0x[0-9a-f]+/0x[0-9a-f]+$"),
          "no memblock_phys_alloc_range line from reserve_real_mode")
    check(len(b.blocks) >= 2, "expected MEMBLOCK configuration blocks after e820 and NUMA")


# ---------------------------------------------------------------- scenarios

def sc_m128(build):
    b, _ = boot(build, ["-m", "128M"], "memblock=debug")
    check_done(b)
    check_debug_lines(b)
    check(b.num("cpus") == 1 and b.num("nodes") == 1, "expected 1 CPU, 1 node")
    size = b.num("memory.size")
    check(120 << 20 < size <= 128 << 20, "memory size 0x%x not ~128M" % size)
    check(all(r["nid"] == 0 for r in b.final["memory"]), "memory not all on node 0")


def sc_m512(build):
    b, _ = boot(build, ["-m", "512M"], "memblock=debug")
    check_done(b)
    check_debug_lines(b)
    size = b.num("memory.size")
    check(500 << 20 < size <= 512 << 20, "memory size 0x%x not ~512M" % size)
    check(b.num("free_pages") > (450 << 20) // 4096, "too few free pages")


def sc_m5g(build):
    b, _ = boot(build, ["-m", "5G"], "memblock=debug")
    check_done(b)
    high = [r for r in b.final["memory"] if r["base"] >= 1 << 32]
    check(high, "no memory region above 4 GiB")
    check(b.num("memory.size") > (4 << 30), "memory size below 4 GiB")
    check(any(r["base"] >= 1 << 32 for r in b.final["reserved"]),
          "no allocation above 4 GiB (top-down allocations should land there)")
    check(b.num("free_pages") > (4 << 30) // 4096, "free pages do not cover RAM above 4 GiB")


def sc_smp4(build):
    b, _ = boot(build, ["-m", "256M", "-smp", "4"], "memblock=debug")
    check_done(b)
    check(b.num("cpus") == 4, "MADT CPU count %s != 4" % b.summary.get("cpus"))
    check(b.has(r"^percpu: .* 4 CPUs on 1 nodes$"), "no per-CPU line for 4 CPUs")
    # four 256 KiB units in a 2 MiB atom: the 1 MiB tail is given back
    frees = b.find(r"^memblock_phys_free: \[0x([0-9a-f]+)-0x([0-9a-f]+)\] setup_per_cpu_areas\+")
    check(frees and int(frees[0].group(2), 16) + 1 - int(frees[0].group(1), 16) == 0x100000,
          "per-CPU tail free is not 1 MiB")


def sc_numa2(build):
    b, _ = boot(build, ["-m", "512M", "-smp", "2",
                        "-object", "memory-backend-ram,id=m0,size=256M",
                        "-object", "memory-backend-ram,id=m1,size=256M",
                        "-numa", "node,nodeid=0,memdev=m0,cpus=0",
                        "-numa", "node,nodeid=1,memdev=m1,cpus=1"], "memblock=debug")
    check_done(b)
    check(b.num("nodes") == 2, "expected 2 nodes")
    mem_nids = {r["nid"] for r in b.final["memory"]}
    check(mem_nids == {0, 1}, "memory nids %s != {0, 1}" % mem_nids)
    for r in b.final["memory"]:
        want = 0 if r["base"] < 256 << 20 else 1
        check(r["nid"] == want, "region at 0x%x on node %s" % (r["base"], r["nid"]))
    res_nids = {r["nid"] for r in b.final["reserved"]}
    check(0 in res_nids and 1 in res_nids, "reserved regions lack node ids: %s" % res_nids)
    check(b.has(r"^NODE_DATA\(1\) allocated \[mem 0x1"), "NODE_DATA(1) not on node 1's memory")
    check(b.has(r"^percpu: .* 2 CPUs on 2 nodes$"), "per-CPU areas not per node")


def sc_initrd(build):
    size = 300001
    with tempfile.NamedTemporaryFile(prefix="mb-initrd-") as f:
        f.write(bytes(random.Random(7).getrandbits(8) for _ in range(size)))
        f.flush()
        b, _ = boot(build, ["-m", "256M", "-initrd", f.name], "mb_hexdump_log")
    check_done(b)
    base, _, isize = b.summary["initrd"].partition("+")
    base, isize = int(base, 16), int(isize, 16)
    check(isize == size, "initrd size %d != %d" % (isize, size))
    _, recs = b.evlog
    hit = [r for r in recs if r["op"] == OP_RESERVE and r["base"] == base and r["size"] == size]
    check(len(hit) == 1, "no memblock_reserve of exactly the initrd")
    check(any(r["base"] <= base and base + size <= r["end"] for r in b.final["reserved"]),
          "initrd not reserved at the end of boot")


def sc_multiboot(build):
    size = 4097
    with tempfile.NamedTemporaryFile(prefix="mb-initrd-") as f:
        f.write(b"m" * size)
        f.flush()
        b, _ = boot(build, ["-m", "256M", "-initrd", f.name], "memblock=debug mb_hexdump_log",
                    kernel="kernel-multiboot")
    check_done(b)
    check_debug_lines(b)
    check(b.summary["proto"] == "Multiboot" and b.summary["variant"] == "multiboot",
          "not booted through Multiboot")
    check(not b.has("^Unknown kernel command line"), "kernel path in the Multiboot command line "
          "reported as a parameter")
    base, _, isize = b.summary["initrd"].partition("+")
    base, isize = int(base, 16), int(isize, 16)
    check(isize == size and base % 4096 == 0, "Multiboot module not reported exactly")
    _, recs = b.evlog
    check(any(r["op"] == OP_RESERVE and r["base"] == base and r["size"] == size for r in recs),
          "Multiboot module not reserved exactly")


def sc_mem256(build):
    b, _ = boot(build, ["-m", "512M"], "memblock=debug mem=256M")
    check_done(b)
    check(b.num("mem_limit") == 256 << 20, "mem= not parsed")
    check(b.num("memory.size") == 256 << 20, "memory size 0x%x != 256M" % b.num("memory.size"))
    check(max(r["end"] for r in b.final["memory"]) <= (257 << 20), "memory beyond mem=")


def sc_bottomup(build):
    td, _ = boot(build, ["-m", "256M"], "memblock=debug")
    bu, _ = boot(build, ["-m", "256M"], "memblock=debug,bottomup")
    check_done(td)
    check_done(bu)
    check(bu.num("bottom_up") == 1 and td.num("bottom_up") == 0, "bottom-up flag not reported")

    def node_data(b):
        m = b.find(r"^NODE_DATA\(0\) allocated \[mem (0x[0-9a-f]+)-")
        check(m, "no NODE_DATA line")
        return int(m[0].group(1), 16)
    check(node_data(bu) < 0x1000000 < node_data(td),
          "bottom-up NODE_DATA at 0x%x, top-down at 0x%x" % (node_data(bu), node_data(td)))
    # movable_node: bottom-up too, and the option itself is in the log
    mv, _ = boot(build, ["-m", "256M"], "movable_node mb_hexdump_log")
    check_done(mv)
    check(mv.num("bottom_up") == 1, "movable_node did not switch to bottom-up")
    _, recs = mv.evlog
    check(any(r["op"] == OP_SET_MOVABLE_NODE and r["max_addr"] == 1 for r in recs),
          "no memblock_set_movable_node(true) record")
    check(node_data(mv) == node_data(bu), "movable_node layout differs from bottom-up")


def sc_doubling(build):
    b, _ = boot(build, ["-m", "256M"], "memblock=debug mb_hexdump_log", kernel="kernel-doubling")
    check_done(b)
    check(b.summary["variant"] == "doubling", "not the doubling variant")
    check(b.num("reserved.max") >= 256, "reserved array not doubled")
    check(b.num("reserved.cnt") > 128, "fewer than 129 reserved regions")
    check(b.has(r"^memblock: reserved is doubled to 256 at \[0x[0-9a-f]{16}-0x[0-9a-f]{16}\]$"),
          "no Linux-format doubling line")
    _, recs = b.evlog
    check(any(r["op"] == OP_DOUBLE_ARRAY for r in recs), "no DOUBLE_ARRAY record")


def sc_garbage_cmdline(build):
    junk = ('=== a=b=c "unterminated mem=abc mem= memblock movable_node=1 numa=maybe '
            '\x01\x7f\xc3\xa9 ' + "x" * 1500 + " " + "y=" * 300)
    b, _ = boot(build, ["-m", "128M"], junk)
    check_done(b)
    check(b.has(r"^Unknown kernel command line parameters \""), "unknown parameters not reported")
    check(b.num("mem_limit") == 0, "garbage mem= was accepted")
    check(b.num("debug") == 0 and b.num("bottom_up") == 0, "garbage enabled an option")


def evlog_key(recs):
    return [tuple(v for k, v in r.items() if k != "tsc") for r in recs]


def sc_determinism(build):
    args = ["-m", "512M", "-smp", "2"]
    a, _ = boot(build, args, "mb_hexdump_log")
    b, _ = boot(build, args, "mb_hexdump_log")
    check_done(a)
    check_done(b)
    ha, ra = a.evlog
    hb, rb = b.evlog
    check(len(ra) > 20, "suspiciously short event log")
    check(ha["written"] == hb["written"], "record counts differ: %d vs %d" %
          (ha["written"], hb["written"]))
    for x, y in zip(evlog_key(ra), evlog_key(rb)):
        check(x == y, "event logs differ at seq %d" % x[0])
    check(ha["build_id"] == hb["build_id"], "build-ids differ")
    check(a.final == b.final, "final arrays differ")


def sc_record_count(build):
    b, _ = boot(build, ["-m", "256M", "-smp", "2"], "mb_hexdump_log", kernel="kernel-doubling")
    check_done(b)
    hdr, recs = b.evlog
    check(hdr["dropped"] == 0, "records dropped")
    check(hdr["boot_state"] in (1, 2), "bad boot state %d" % hdr["boot_state"])
    check([r["seq"] for r in recs] == list(range(len(recs))), "sequence numbers not 0..n-1")
    top = sum(1 for r in recs if r["depth"] == 0)
    check(top == b.num("calls"), "depth-0 records %d != calls made %d" % (top, b.num("calls")))
    check(len(recs) == b.num("records"), "record count differs from the header")
    last = recs[-1]
    check(last["memory_cnt"] == b.num("memory.cnt") and
          last["reserved_cnt"] == b.num("reserved.cnt"), "last record's counts != final arrays")


def sc_evlog_full(build):
    # same command-line length in both boots: its reservation is logged
    full, _ = boot(build, ["-m", "256M"], "mb_hexdump_log mb_evlog_records=16384")
    b, _ = boot(build, ["-m", "256M"], "mb_hexdump_log mb_evlog_records=00020")
    check_done(full)
    check_done(b, full_log=True)
    hdr, recs = b.evlog
    fhdr, frecs = full.evlog
    check(hdr["capacity"] == 20 and hdr["written"] == 20 and len(recs) == 20,
          "log not limited to 20 records")
    check(hdr["dropped"] == fhdr["written"] - 20 and b.num("dropped") == hdr["dropped"],
          "dropped %d, expected %d" % (hdr["dropped"], fhdr["written"] - 20))
    check(evlog_key(recs) == evlog_key(frecs[:20]), "the first 20 records differ")
    check(b.final == full.final, "a full log changed the boot's outcome")


def sc_exception(build):
    b, _ = boot(build, ["-m", "128M"], "mb_test_fault", wait_for="halting")
    check(b.has(r"^PANIC: exception 14 \(#PF page fault\) error 0x"), "no #PF report")
    check(b.has(r"^PANIC: RIP 0x[0-9a-f]{16} \S+\+0x[0-9a-f]+/0x[0-9a-f]+ CR2 0x00000dead0000000$"),
          "no RIP/CR2 line")
    check(not b.has(re.escape(DONE)), "boot went on after the fault")


# ---------------------------------------------------------------- serial protocol

def sp_frame(typ, tag, payload=b"", version=1, crc=None):
    body = struct.pack("<BBHI", version, typ, tag, len(payload)) + payload
    c = zlib.crc32(body) & 0xffffffff if crc is None else crc
    return b"\xa5\x5a" + body + struct.pack("<I", c)


class SpClient:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.s.connect(path)
                break
            except OSError:
                check(time.monotonic() < deadline, "cannot connect to COM2 socket")
                time.sleep(0.05)
        self.s.settimeout(10)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            check(d, "COM2 closed")
            self.buf += d

    def recv(self):
        while True:
            self._need(2)
            i = self.buf.find(b"\xa5\x5a")
            if i < 0:
                self.buf = self.buf[-1:]
                continue
            self.buf = self.buf[i:]
            self._need(10)
            ver, typ, tag, ln = struct.unpack_from("<BBHI", self.buf, 2)
            self._need(10 + ln + 4)
            body = self.buf[2:10 + ln]
            crc, = struct.unpack_from("<I", self.buf, 10 + ln)
            self.buf = self.buf[14 + ln:]
            check(zlib.crc32(body) & 0xffffffff == crc, "reply CRC bad")
            check(ver == 1, "reply version %d" % ver)
            return typ, tag, body[8:]

    def call(self, typ, tag, payload=b""):
        self.send(sp_frame(typ, tag, payload))
        return self.recv()


def expect_error(reply, tag, code):
    typ, rtag, p = reply
    check(typ == 0x7f, "expected error %d, got type 0x%x" % (code, typ))
    check(rtag == tag, "error tag %d != %d" % (rtag, tag))
    got, = struct.unpack_from("<I", p, 0)
    check(got == code, "error code %d != %d" % (got, code))
    check(p.endswith(b"\0") and len(p) <= 4 + 201, "error message not NUL-terminated")


def nm_symbol(build, name):
    out = subprocess.run(["nm", kernel_path(build, "kernel")], capture_output=True,
                         text=True, check=True).stdout
    for ln in out.splitlines():
        f = ln.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    raise Failure("symbol %s not in kernel.elf" % name)


def sc_serial_protocol(build):
    with tempfile.TemporaryDirectory(prefix="mbk-") as d:
        path = os.path.join(d, "com2.sock")
        b, proc = boot(build, ["-m", "256M"], "mb_hexdump_log", exit_when_done=False,
                       com2=path, keep=True)
        try:
            c = SpClient(path)
            typ, tag, p = c.call(0x01, 7)
            check(typ == 0x81 and tag == 7 and len(p) == 80, "bad HELLO reply")
            ver, state, ev, evb, mbaddr, written, maxp, idlen = struct.unpack_from(
                "<IIQQQQII", p, 0)
            check(ver == 1 and state == 2, "HELLO version/state %d/%d" % (ver, state))
            check(ev == nm_symbol(build, "mb_evlog_area"), "evlog_addr != mb_evlog_area")
            check(mbaddr == nm_symbol(build, "memblock"), "memblock_addr != &memblock")
            check(written == b.num("records") and maxp == 65536, "HELLO counts")
            check(p[48:48 + idlen].hex() == b.summary["build_id"], "HELLO build-id")
            check(evb == 128 + 96 * 16384 or evb > 128, "evlog_bytes")
            # the whole log, in pieces, equals the header count
            recs, seq = b"", 0
            while True:
                typ, tag, p = c.call(0x03, 9, struct.pack("<QI", seq, 50))
                check(typ == 0x83 and tag == 9, "bad READ_LOG reply")
                first, cnt, _ = struct.unpack_from("<QII", p, 0)
                check(first == seq and len(p) == 16 + 96 * cnt, "READ_LOG framing")
                if cnt == 0:
                    break
                recs += p[16:]
                seq += cnt
            check(seq == written, "READ_LOG returned %d of %d records" % (seq, written))
            _, hrecs = b.evlog
            check([REC.unpack_from(recs, i * 96) for i in range(seq)] ==
                  [tuple(r.values()) for r in hrecs], "READ_LOG records != hex dump")
            # struct memblock through READ_MEM: memory.cnt at +16, reserved.cnt at +56
            typ, tag, p = c.call(0x02, 11, struct.pack("<QI", mbaddr, 96))
            check(typ == 0x82 and len(p) == 96, "bad READ_MEM reply")
            mcnt, = struct.unpack_from("<Q", p, 16)
            rcnt, = struct.unpack_from("<Q", p, 56)
            check((mcnt, rcnt) == (b.num("memory.cnt"), b.num("reserved.cnt")),
                  "struct memblock read over COM2 disagrees with the summary")
            # a 64 KiB read
            typ, _, p = c.call(0x02, 12, struct.pack("<QI", 0x100000, 65536))
            check(typ == 0x82 and len(p) == 65536, "64 KiB READ_MEM")
            # faults: each answered, none fatal
            expect_error(c.call(0x02, 13, struct.pack("<QI", 0xfee00000, 16)), 13, 5)
            expect_error(c.call(0x02, 14, struct.pack("<QI", (1 << 64) - 8, 16)), 14, 5)
            expect_error(c.call(0x02, 15, struct.pack("<QI", 0x100000, 0)), 15, 6)
            expect_error(c.call(0x02, 16, struct.pack("<QI", 0x100000, 65537)), 16, 6)
            expect_error(c.call(0x02, 17, b"\0" * 5), 17, 4)
            expect_error(c.call(0x44, 18), 18, 3)
            c.send(sp_frame(0x01, 19, version=9))
            expect_error(c.recv(), 19, 2)
            c.send(sp_frame(0x01, 20, crc=0x12345678))
            expect_error(c.recv(), 20, 1)
            c.send(b"\xa5\x5a" + struct.pack("<BBHI", 1, 1, 21, 0xffffffff))
            expect_error(c.recv(), 21, 4)
            rnd = random.Random(3)
            junk = bytes(rnd.getrandbits(8) for _ in range(4000)).replace(b"\xa5", b"\x00")
            c.send(junk + b"\xa5\xa5\x5a" + sp_frame(0x01, 22)[2:])
            typ, tag, _ = c.recv()
            check(typ == 0x81 and tag == 22, "no resync after garbage")
            # partial frame then a complete one: the partial one is a CRC error
            c.send(sp_frame(0x01, 23)[:7])
            time.sleep(0.1)
            c.send(sp_frame(0x01, 24)[7:])
            expect_error(c.recv(), 23, 1)
            typ, tag, _ = c.call(0x01, 25)
            check(typ == 0x81 and tag == 25, "server not alive at the end")
        finally:
            proc.kill()
            proc.wait()


SCENARIOS = {name[3:]: fn for name, fn in globals().items() if name.startswith("sc_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    a = ap.parse_args()
    try:
        SCENARIOS[a.scenario](a.build_dir)
    except Failure as e:
        print("FAIL %s: %s" % (a.scenario, e.args[0]), file=sys.stderr)
        if LAST_BOOT is not None:
            print("--- console tail ---", file=sys.stderr)
            print("\n".join(LAST_BOOT.lines[-40:]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# make_seeds.py - (re)generate the seed corpora under tests/fuzz/corpus/ from real formats.
"""Usage: make_seeds.py --gencap BUILD/tests/mb-map-gencap --btf-elf ELF [--fixtures DIR]

Writes small, valid examples of every input the fuzzers read; the fuzzers
mutate from there.  Run again when a format changes."""
import argparse
import os
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def crc32(b):
    return zlib.crc32(b) & 0xFFFFFFFF


# ---- event log + struct memblock image (fuzz_evlog: guest memory at 0x100000) ----
EV_MAGIC = 0x474F4C4B4C424D4D
BASE = 0x100000


def evlog_image(nrec, written, regions_mem, regions_rsv):
    hdr_size, rec_size = 128, 96
    log_bytes = hdr_size + nrec * rec_size
    mb_at = BASE + log_bytes
    hdr = struct.pack("<QIIIIQQII32sQQQ24s", EV_MAGIC, 1, hdr_size, rec_size, nrec,
                      written, 0, 2, 20, bytes(range(20)) + bytes(12), 3000000000, 0,
                      mb_at, bytes(24))
    assert len(hdr) == 128
    recs = b""
    for i in range(nrec):
        op = 1 + i % 5
        recs += struct.pack("<QQHHiQQQQQQQIIIHH", i, 1000 * i, op, 0, -1,
                            0x100000 * (i + 1), 0x1000, 0x1000, 0, 0, 0,
                            0xFFFFFFFF81000000 + i * 16, 0, 1, i, 0, 0)
    assert len(recs) == nrec * 96
    # struct memblock (96 bytes) then the two region arrays (24 bytes each)
    mem_arr = mb_at + 96
    rsv_arr = mem_arr + 24 * len(regions_mem)

    def mtype(regs, arr):
        return struct.pack("<QQQQQ", len(regs), max(len(regs), 4),
                           sum(s for _, s in regs), arr, 0)

    mb = struct.pack("<?7xQ", False, 0xFFFFFFFFFFFFFFFF) + mtype(regions_mem, mem_arr) + \
        mtype(regions_rsv, rsv_arr)
    assert len(mb) == 96
    regs = b"".join(struct.pack("<QQIi", b, s, 0, 0) for b, s in regions_mem + regions_rsv)
    return hdr + recs + mb + regs


def evlog_seeds():
    put("evlog", "small", evlog_image(4, 4, [(0x1000, 0x9F000), (0x100000, 0x7F00000)],
                                      [(0x0, 0x10000), (0x1000000, 0x200000)]))
    put("evlog", "partial", evlog_image(8, 3, [(0x100000, 0x1000000)], []))
    put("evlog", "empty", evlog_image(2, 0, [], []))


# ---- RSP stub output ----
def rsp_pkt(payload):
    s = sum(payload.encode()) & 0xFF
    return "$%s#%02x" % (payload, s)


def rsp_seeds():
    hexmem = "".join("%02x" % (i & 0xFF) for i in range(17))
    put("rsp", "handshake_read",
        bytes([0x0F, 0x01]) + ("+" + rsp_pkt("PacketSize=1000;vContSupported+") + "+" +
                               rsp_pkt("T05thread:01;") + "+" + rsp_pkt("OK") + "+" +
                               rsp_pkt(hexmem)).encode())
    put("rsp", "e_reply", bytes([0x09, 0x10]) + ("+" + rsp_pkt("PacketSize=800") + "+" +
                                                 rsp_pkt("E22") + "+" + rsp_pkt("E14")).encode())
    put("rsp", "stop_cont", bytes([0x62, 0x00]) + ("+" + rsp_pkt("S05") + "+" + rsp_pkt("OK") +
                                                   "+" + rsp_pkt("T05") + "+" + rsp_pkt("1")).encode())
    put("rsp", "nak_garbage", bytes([0x89, 0x20]) + ("junk-" + "+" + rsp_pkt("qq") + "-" +
                                                    "$00#ff" + "+" + rsp_pkt("}]" + "ab*4")).encode())


# ---- serial (host side): segments, harness frames them ----
def ser_seg_frame(typ, tag, payload):
    return bytes([0x00, typ]) + struct.pack("<HH", tag, len(payload)) + payload


def serial_seeds():
    hello = struct.pack("<IIQQQQII32s", 1, 2, 0x200000, 128 + 96 * 64, 0x300000, 10, 65536, 20,
                        bytes(range(20)) + bytes(12))
    assert len(hello) == 80
    put("serial", "hello", bytes([0x01, 0x00]) + ser_seg_frame(0x81, 1, hello))
    put("serial", "read_mem", bytes([0x03, 0x00]) + ser_seg_frame(0x81, 1, hello) +
        ser_seg_frame(0x82, 2, bytes(range(1)) ))
    log = struct.pack("<QII", 0, 2, 0) + bytes(96) + struct.pack("<Q", 1) + bytes(88)
    put("serial", "read_log", bytes([0x04, 0x01]) + ser_seg_frame(0x83, 1, log))
    put("serial", "error_frame", bytes([0x02, 0x00]) +
        ser_seg_frame(0x7F, 1, struct.pack("<I", 5) + b"range is not mapped RAM\0") +
        bytes([0x80, 5]) + b"\xa5\x5a\x01\x82\x00")


# ---- serproto (kernel side): segments, harness frames requests ----
def sp_req(typ, tag, payload):
    return bytes([0x00, typ, tag & 0xFF, tag >> 8, len(payload)]) + payload


def serproto_seeds():
    put("serproto", "hello", sp_req(0x01, 1, b""))
    put("serproto", "read_mem", sp_req(0x02, 2, struct.pack("<QI", 0x1000, 256)))
    put("serproto", "read_log", sp_req(0x03, 3, struct.pack("<QI", 0, 8)))
    put("serproto", "mixed", sp_req(0x01, 1, b"") + bytes([0x80, 6]) + b"\xa5\x5a\x01\x09\x00\x00" +
        bytes([0x40, 2]) + sp_req(0x02, 4, struct.pack("<QI", 0xFFFFF000, 0x2000))[1:])
    put("serproto", "raw_bad_crc", bytes([0x80, 14]) + b"\xa5\x5a\x01\x01\x05\x00\x00\x00\x00\x00" +
        b"\x00\x00\x00\x00")


# ---- memblock: options byte then ops (see fuzz_memblock.c) ----
def mb_op(op, base_pages, size_kb, extra=b""):
    return bytes([op]) + struct.pack("<HH", base_pages, size_kb) + extra


def memblock_seeds():
    seq = mb_op(0, 0x1, 636) + mb_op(0, 0x100, 65535) + mb_op(3, 0x0, 64) + \
        mb_op(3, 0x1000, 4096) + mb_op(5, 0, 8, struct.pack("<HHB", 0x10, 0x400, 12)) + \
        mb_op(6, 3, 4) + mb_op(7, 0x200, 1024) + mb_op(6, 0, 2048) + mb_op(2, 0x300, 512) + \
        mb_op(4, 0x1000, 1024) + mb_op(11 | 0x10, 0x100, 8192) + mb_op(14, 0x1000, 4)
    put("memblock", "setup_arch_like", bytes([0x00]) + seq)
    put("memblock", "bottom_up_resize", bytes([0x03]) + seq +
        b"".join(mb_op(3, 0x2000 + 2 * i, 4) for i in range(140)))
    put("memblock", "many_adds", bytes([0x00]) + b"".join(mb_op(0, 4 * i, 4) for i in range(150)))


# ---- console logs ----
def import_seeds(fixtures):
    for name in sorted(os.listdir(fixtures)):
        if name.endswith(".log"):
            with open(os.path.join(fixtures, name), "rb") as f:
                data = f.read()
            put("import", name, data)
            lines = data.splitlines(keepends=True)
            mb = [l for l in lines if b"memblock" in l.lower() or b"MEMBLOCK" in l or
                  b"[0x" in l or b"e820" in l][:120]
            put("import", name + ".short", b"".join(mb))


# ---- capture files ----
def capture_seeds(gencap):
    with tempfile.TemporaryDirectory() as d:
        for arg in ("small", "40"):
            out = os.path.join(d, "c.mbcap")
            subprocess.run([gencap, arg, out], check=True)
            with open(out, "rb") as f:
                data = f.read()
            put("capture", "gencap_" + arg, bytes([0x0F]) + data)
            put("capture", "gencap_" + arg + "_raw", bytes([0x00]) + data)


def capture_file_seeds(paths):
    """Real captures (e.g. tests/data/chains/*.cap: before chains, with chains)."""
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        name = os.path.basename(p).replace(".cap", "")
        put("capture", "file_" + name, bytes([0x0F]) + data)
        put("capture", "file_" + name + "_raw", bytes([0x00]) + data)


def btf_seeds(elf):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "btf")
        subprocess.run(["objcopy", "--dump-section", ".BTF=" + out, elf, os.path.join(d, "scratch")],
                       check=True)
        with open(out, "rb") as f:
            put("btf", os.path.basename(elf) + ".btf", f.read())


# ---- Linux images: a bzImage around a tiny ELF, a .deb holding it, the ELF, BTF ----
def tiny_elf():
    # ELF64 header + one PT_LOAD, no sections: enough for the parsers to walk.
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, bytes(7), 2, 62, 1,
                       0xFFFFFFFF81000000, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0x1000, 0xFFFFFFFF81000000, 0x1000000, 64, 64, 0x1000)
    return ehdr + phdr + bytes(64)


def bzimage(payload):
    setup_sects = 1
    hdr = bytearray(512 * (setup_sects + 1))
    hdr[0x1F1] = setup_sects
    hdr[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", hdr, 0x206, 0x020F)
    struct.pack_into("<II", hdr, 0x248, 16, len(payload))
    return bytes(hdr) + bytes(16) + payload


def deb(member_name, member):
    import io
    import lzma
    import tarfile
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w") as t:
        ti = tarfile.TarInfo(member_name)
        ti.size = len(member)
        t.addfile(ti, io.BytesIO(member))
    data = lzma.compress(bio.getvalue())

    def ar_member(name, body):
        h = "%-16s%-12s%-6s%-6s%-8s%-10s`\n" % (name, 0, 0, 0, "100644", len(body))
        return h.encode() + body + (b"\n" if len(body) % 2 else b"")
    return b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") + ar_member("data.tar.xz", data)


def linux_seeds(btf_elves):
    import gzip
    import lzma
    elf = tiny_elf()
    put("linux_image", "bzimage_gzip", b"\x00" + bzimage(gzip.compress(elf, mtime=0)))
    put("linux_image", "bzimage_xz", b"\x00" + bzimage(lzma.compress(elf, check=lzma.CHECK_CRC32)))
    put("linux_image", "deb", b"\x01" + deb("./boot/vmlinuz-6.1.0-test", bzimage(gzip.compress(elf, mtime=0))))
    put("linux_image", "elf", b"\x02" + elf)
    for e in btf_elves:
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "btf")
            subprocess.run(["objcopy", "--dump-section", ".BTF=" + out, e, os.path.join(d, "x")],
                           check=True)
            with open(out, "rb") as f:
                put("linux_image", "btf_" + os.path.basename(e), b"\x03" + f.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gencap")
    ap.add_argument("--btf-elf", action="append", default=[])
    ap.add_argument("--capture", action="append", default=[])
    ap.add_argument("--fixtures", default=os.path.join(HERE, "../data/linux"))
    a = ap.parse_args()
    evlog_seeds()
    rsp_seeds()
    serial_seeds()
    serproto_seeds()
    memblock_seeds()
    if os.path.isdir(a.fixtures):
        import_seeds(a.fixtures)
    if a.gencap:
        capture_seeds(a.gencap)
    capture_file_seeds(a.capture)
    for e in a.btf_elf:
        btf_seeds(e)
    linux_seeds(a.btf_elf)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# check_elf.py - the built kernel ELFs carry what the host tools rely on (no QEMU needed).
"""Usage: check_elf.py KERNEL.elf [...]

For each ELF: ELF64 x86-64 loaded at 1 MiB with vaddr == paddr; a PVH note
(Xen, type 18) and a GNU build-id; .symtab with global `memblock` (96 bytes)
and `mb_evlog_area`; DWARF; BTF with struct memblock (read back through
pahole's BTF loader); a non-empty kallsyms table whose entries match .symtab.
"""
import re
import struct
import subprocess
import sys
import tempfile


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def fail(elf, msg):
    sys.exit("%s: %s" % (elf, msg))


def check(elf):
    hdr = run("readelf", "-h", elf)
    if "ELF64" not in hdr or "X86-64" not in hdr:
        fail(elf, "not an ELF64 x86-64 file")
    loads = [ln.split() for ln in run("readelf", "-lW", elf).splitlines()
             if ln.strip().startswith("LOAD")]
    if not loads or any(int(f[2], 16) != int(f[3], 16) for f in loads):
        fail(elf, "PT_LOAD segments not identity mapped (vaddr != paddr)")
    if min(int(f[2], 16) for f in loads) != 0x100000:
        fail(elf, "image not linked at 1 MiB")
    notes = run("readelf", "-nW", elf)
    if not re.search(r"Xen\s+0x00000004\s+.*\(0x00000012\)", notes):
        fail(elf, "no Xen PVH note")
    m = re.search(r"Build ID: ([0-9a-f]{40})", notes)
    if not m:
        fail(elf, "no GNU build-id (sha1)")
    sections = run("readelf", "-SW", elf)
    for s in (".BTF", ".debug_info", ".debug_line", ".symtab", ".kallsyms"):
        if " %s " % s not in sections:
            fail(elf, "section %s missing" % s)
    syms = {}
    for ln in run("readelf", "-sW", elf).splitlines():
        f = ln.split()
        if len(f) >= 8 and f[0].endswith(":") and f[0][:-1].isdigit():
            syms[f[7]] = (int(f[1], 16), int(f[2], 0), f[3], f[4])
    for name in ("memblock", "mb_evlog_area"):
        if name not in syms or syms[name][2] != "OBJECT" or syms[name][3] != "GLOBAL":
            fail(elf, "%s is not a global object in .symtab" % name)
    if syms["memblock"][1] != 96:
        fail(elf, "memblock is %d bytes" % syms["memblock"][1])
    if syms["mb_evlog_area"][1] < 128 + 96:
        fail(elf, "mb_evlog_area too small")
    btf = run("pahole", "-F", "btf", "-C", "memblock", elf)
    if "struct memblock {" not in btf or "size: 96" not in btf:
        fail(elf, "BTF lacks struct memblock of 96 bytes")
    # kallsyms: the table in .kallsyms names real functions at their .symtab address
    with tempfile.NamedTemporaryFile() as t:
        run("objcopy", "-O", "binary", "--only-section=.kallsyms", elf, t.name)
        data = open(t.name, "rb").read()
    base = syms["kallsyms_num"][0]
    num, = struct.unpack_from("<Q", data, 0)
    if num < 50:
        fail(elf, "kallsyms table has only %d symbols" % num)
    addrs = struct.unpack_from("<%dQ" % num, data, syms["kallsyms_addrs"][0] - base)
    offs = struct.unpack_from("<%dI" % num, data, syms["kallsyms_name_offs"][0] - base)
    names_at = syms["kallsyms_names"][0] - base
    if list(addrs) != sorted(addrs):
        fail(elf, "kallsyms addresses unsorted")
    table = {}
    for a, o in zip(addrs, offs):
        end = data.index(b"\0", names_at + o)
        table[data[names_at + o:end].decode()] = a
    for fn in ("kmain", "e820__memblock_setup", "memblock_add", "memblock_alloc_range_nid"):
        if fn not in table or table[fn] != syms[fn][0]:
            fail(elf, "kallsyms entry for %s wrong or missing" % fn)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    for elf in argv[1:]:
        check(elf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

# SPDX-License-Identifier: GPL-2.0-only
"""fmt.py - text formats: Linux memblock_dump_all, debug lines, sizes."""

# Linux prints " on node %d" only for a valid node id (numa_valid_node():
# 0 <= nid < MAX_NUMNODES).  MAX_NUMNODES is 1 << CONFIG_NODES_SHIFT; the
# mb-max-numnodes parameter (default 1024, x86-64) overrides it.
MAX_NUMNODES = [1 << 10]


def pa(value, bits=64):
    """%pa: 0x + zero-padded lower-case hex, two digits per byte."""
    return '0x%0*x' % (bits // 4, value & ((1 << bits) - 1))


def kx(value):
    """Kernel %#x: 0x0 for zero (like Python, unlike glibc)."""
    return '%#x' % value


def nid_suffix(nid):
    if nid is None or nid < 0 or nid >= MAX_NUMNODES[0]:
        return ''
    return ' on node %d' % nid


def dump_type_lines(t, bits=64):
    """Lines of Linux memblock_dump() for one memblock_type."""
    lines = [' %s.cnt  = %s' % (t.name, kx(t.cnt))]
    for i, r in enumerate(t.regions):
        lines.append(' %s[%s]\t[%s-%s], %s bytes%s flags: %s'
                     % (t.name, kx(i), pa(r.base, bits), pa(r.base + r.size - 1, bits),
                        pa(r.size, bits), nid_suffix(r.nid), kx(r.flags)))
    return lines


def dump_all_lines(state, types=('memory', 'reserved')):
    """Lines of Linux __memblock_dump_all() for a target.State."""
    bits = state.addr_bits
    lines = ['MEMBLOCK configuration:',
             ' memory size = %s reserved size = %s'
             % (pa(state.memory.total_size, bits), pa(state.reserved.total_size, bits))]
    for t in (state.memory, state.reserved):
        if t.name in types or ('memory' if t is state.memory else 'reserved') in types:
            lines.extend(dump_type_lines(t, bits))
    return lines


def human(n):
    """Short binary size: 4 KiB, 1.5 MiB."""
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if n < 1024 or unit == 'TiB':
            if unit == 'B' or n == int(n):
                return '%d %s' % (n, unit)
            return '%.1f %s' % (n, unit)
        n /= 1024.0
    return str(n)

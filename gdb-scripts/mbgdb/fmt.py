# SPDX-License-Identifier: GPL-2.0-only
"""fmt.py - small text formats: %pa, %#x, sizes.

The memblock_dump_all() text and its region rows are memblock.dump_text() and
region_text(), the C formatter of agent/capture/dump_text.c."""

# Linux prints " on node %d" only for a valid node id (numa_valid_node():
# 0 <= nid < MAX_NUMNODES).  MAX_NUMNODES is 1 << CONFIG_NODES_SHIFT; the
# mb-max-numnodes parameter (default 1024, x86-64) overrides it; mb-dump and
# the region printer pass it to memblock.dump_text() / region_text().
MAX_NUMNODES = [1 << 10]


def pa(value, bits=64):
    """%pa: 0x + zero-padded lower-case hex, two digits per byte."""
    return '0x%0*x' % (bits // 4, value & ((1 << bits) - 1))


def kx(value):
    """Kernel %#x: 0x0 for zero (like Python, unlike glibc)."""
    return '%#x' % value


def human(n):
    """Short binary size: 4 KiB, 1.5 MiB."""
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if n < 1024 or unit == 'TiB':
            if unit == 'B' or n == int(n):
                return '%d %s' % (n, unit)
            return '%.1f %s' % (n, unit)
        n /= 1024.0
    return str(n)

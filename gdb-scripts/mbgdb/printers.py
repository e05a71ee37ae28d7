# SPDX-License-Identifier: GPL-2.0-only
"""printers.py - gdb pretty printers for struct memblock, memblock_type,
memblock_region and mb_evlog_record."""

import gdb
import gdb.printing

from . import fmt


def _bits(val):
    try:
        return val['base'].type.strip_typedefs().sizeof * 8
    except gdb.error:
        return 64


def _has(val, name):
    return any(f.name == name for f in val.type.strip_typedefs().fields())


class RegionPrinter:
    """[base-end] size bytes, node, flags: a memblock_dump row after the tab,
    by the C formatter mb-dump and memblock-cli dump print with."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        v = self.val
        bits = _bits(v)
        base = int(v['base'])
        size = int(v['size'])
        # Without CONFIG_NUMA (no nid field) no node is printed: nid -1.
        nid = int(v['nid']) if _has(v, 'nid') else -1
        import memblock
        return memblock.region_text(memblock.Region(base, size, int(v['flags']), nid),
                                    addr_bits=bits, max_numnodes=fmt.MAX_NUMNODES[0])


class TypePrinter:
    """name: cnt/max, total size, and the cnt regions in use as children."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        v = self.val
        try:
            name = v['name'].string()
        except (gdb.error, gdb.MemoryError):
            name = '?'
        return '%s: cnt=%d max=%d total_size=%s' % (
            name, int(v['cnt']), int(v['max']), fmt.pa(int(v['total_size'])))

    def children(self):
        v = self.val
        cnt = int(v['cnt'])
        if cnt > int(v['max']) or cnt > 1 << 16:
            return
        regions = v['regions']
        for i in range(cnt):
            yield '[%d]' % i, regions[i]

    def display_hint(self):
        return 'array'


class MemblockPrinter:
    """Direction, current limit, then memory and reserved as children."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        v = self.val
        return 'memblock: %s, current_limit=%s' % (
            'bottom-up' if bool(v['bottom_up']) else 'top-down',
            fmt.pa(int(v['current_limit'])))

    def children(self):
        for f in self.val.type.strip_typedefs().fields():
            if f.name in ('memory', 'reserved', 'physmem'):
                yield f.name, self.val[f.name]


class RecordPrinter:
    """struct mb_evlog_record: the mb-log line of the record."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        from . import constants as C
        from . import records
        v = self.val
        fields = {}
        for f in v.type.strip_typedefs().fields():
            try:
                fields[f.name] = int(v[f.name])
            except (gdb.error, TypeError, ValueError):
                fields[f.name] = 0
        r = C.Record(**{k: fields.get(k, 0) for k in C.Record._fields})
        return records.line(r.seq, r)


def build():
    pp = gdb.printing.RegexpCollectionPrettyPrinter('memblock')
    pp.add_printer('memblock', '^memblock$', MemblockPrinter)
    pp.add_printer('memblock_type', '^memblock_type$', TypePrinter)
    pp.add_printer('memblock_region', '^memblock_region$', RegionPrinter)
    pp.add_printer('mb_evlog_record', '^mb_evlog_record$', RecordPrinter)
    return pp


def register():
    """Register the printers globally (they match by struct tag)."""
    gdb.printing.register_pretty_printer(None, build(), replace=True)

# SPDX-License-Identifier: GPL-2.0-only
"""target.py - reading struct memblock and the event log out of the target.

Struct layouts come from the target's debug info (gdb.lookup_type); the
event log layout comes from the uapi header (constants.py).  Every failure
is a gdb.GdbError carrying one of the messages below (docs/gdb.md lists
them; tests/gdb checks them).
"""

import collections
import re

import gdb

from . import constants as C

ERR_NO_TARGET = ('mb: no live target: connect to QEMU first '
                 '(e.g. "target remote :1234")')
ERR_RUNNING = ('mb: the target is running: stop it first '
               '(Ctrl-C or "interrupt")')
ERR_NO_MEMBLOCK = ('mb: no symbol "memblock" with type struct memblock: '
                   'load the kernel\'s debug info (e.g. "file kernel.elf")')
ERR_NO_LOG = ('mb: no event log: symbol "mb_evlog_area" not found '
              '(not a memblock-cli kernel?)')
ERR_LOG_EMPTY = 'mb: event log not initialised yet (bad magic %#x at %#x)'
ERR_LOG_VERSION = 'mb: event log version %d, these scripts read version %d'
ERR_READ = 'mb: cannot read target memory at %#x (%d bytes): %s'


def require_stopped():
    """Raise unless there is a live, stopped thread to read from."""
    inf = gdb.selected_inferior()
    if inf is None or inf.pid == 0:
        raise gdb.GdbError(ERR_NO_TARGET)
    th = gdb.selected_thread()
    if th is None:
        raise gdb.GdbError(ERR_NO_TARGET)
    if th.is_running():
        raise gdb.GdbError(ERR_RUNNING)
    try:
        threads = inf.threads()
    except gdb.error:
        # gdb refuses to list threads while the target runs.
        raise gdb.GdbError(ERR_RUNNING)
    if not threads:
        raise gdb.GdbError(ERR_NO_TARGET)
    if any(t.is_running() for t in threads):
        raise gdb.GdbError(ERR_RUNNING)


def read(addr, length):
    """Read @length bytes of target memory, as bytes."""
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, length))
    except gdb.MemoryError as e:
        raise gdb.GdbError(ERR_READ % (addr, length, e))


def _lookup_symbol(name):
    sym = gdb.lookup_global_symbol(name)
    if sym is None:
        try:
            sym = gdb.lookup_static_symbol(name)
        except AttributeError:
            sym = None
    if sym is None:
        try:
            sym = gdb.lookup_symbol(name)[0]
        except gdb.error:
            sym = None
    return sym


def _is_data(sym):
    # Not is_variable: a global seen first through an "extern" declaration in
    # another compile unit has address class LOC_UNRESOLVED (the address comes
    # from the ELF symbol), which is_variable does not count.
    return sym is not None and not sym.is_function and \
        sym.addr_class not in (gdb.SYMBOL_LOC_TYPEDEF, gdb.SYMBOL_LOC_BLOCK,
                               gdb.SYMBOL_LOC_LABEL, gdb.SYMBOL_LOC_CONST)


def memblock_value():
    """gdb.Value of the kernel's ``memblock`` (struct memblock)."""
    sym = _lookup_symbol('memblock')
    if not _is_data(sym):
        raise gdb.GdbError(ERR_NO_MEMBLOCK)
    try:
        val = sym.value()
    except gdb.error:
        raise gdb.GdbError(ERR_NO_MEMBLOCK)
    t = val.type.strip_typedefs()
    if t.code != gdb.TYPE_CODE_STRUCT or t.tag != 'memblock':
        raise gdb.GdbError(ERR_NO_MEMBLOCK)
    return val


Region = collections.namedtuple('Region', 'base size flags nid')
TypeState = collections.namedtuple('TypeState', 'name cnt max total_size regions_addr regions')
State = collections.namedtuple('State', 'bottom_up current_limit memory reserved addr_bits')

_INT_FMT = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}


def _field(typ, name):
    for f in typ.strip_typedefs().fields():
        if f.name == name:
            return f
    return None


def _region_layout():
    """(size, [(name, offset, struct fmt)]) of struct memblock_region from DWARF."""
    try:
        rtype = gdb.lookup_type('struct memblock_region')
    except gdb.error:
        raise gdb.GdbError(ERR_NO_MEMBLOCK)
    out = []
    for name in ('base', 'size', 'flags', 'nid'):
        f = _field(rtype, name)
        if f is None:
            continue        # nid only exists with CONFIG_NUMA
        size = f.type.strip_typedefs().sizeof
        fmt = _INT_FMT[size]
        if name == 'nid':
            fmt = fmt.lower()
        out.append((name, f.bitpos // 8, fmt))
    return rtype.sizeof, out


def read_type(tval):
    """Read one struct memblock_type (a gdb.Value) with its regions."""
    import struct
    cnt = int(tval['cnt'])
    rmax = int(tval['max'])
    total = int(tval['total_size'])
    raddr = int(tval['regions'])
    try:
        name = tval['name'].string()
    except (gdb.error, gdb.MemoryError):
        name = '?'
    rsize, layout = _region_layout()
    regions = []
    if cnt > rmax or cnt > 1 << 20:
        raise gdb.GdbError('mb: %s.cnt = %d exceeds max %d: memblock not set up yet?'
                           % (name, cnt, rmax))
    if cnt:
        raw = read(raddr, cnt * rsize)
        for i in range(cnt):
            vals = {'nid': None}
            for fname, off, fmt in layout:
                vals[fname] = struct.unpack_from('<' + fmt, raw, i * rsize + off)[0]
            regions.append(Region(vals['base'], vals['size'], vals['flags'], vals['nid']))
    return TypeState(name, cnt, rmax, total, raddr, regions)


def read_state():
    """Read struct memblock (memory and reserved) from the stopped target."""
    require_stopped()
    mb = memblock_value()
    bits = _field(gdb.lookup_type('struct memblock_region'), 'base').type.sizeof * 8
    try:
        mb.fetch_lazy()
    except gdb.MemoryError as e:
        raise gdb.GdbError(ERR_READ % (int(mb.address), mb.type.sizeof, e))
    return State(bool(mb['bottom_up']), int(mb['current_limit']),
                 read_type(mb['memory']), read_type(mb['reserved']), bits)


# ---------------------------------------------------------------- event log

Log = collections.namedtuple('Log', 'addr header records')


def evlog_addr():
    """Address of the event log (symbol mb_evlog_area)."""
    sym = _lookup_symbol('mb_evlog_area')
    if not _is_data(sym):
        raise gdb.GdbError(ERR_NO_LOG)
    try:
        val = sym.value()
    except gdb.error:
        raise gdb.GdbError(ERR_NO_LOG)
    if val.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return int(val)
    return int(val.address)


def read_header(addr=None):
    if addr is None:
        addr = evlog_addr()
    hdr = C.decode_header(read(addr, C.HEADER_SIZE))
    if hdr.magic != C.MAGIC:
        raise gdb.GdbError(ERR_LOG_EMPTY % (hdr.magic, addr))
    if hdr.version != C.VERSION:
        raise gdb.GdbError(ERR_LOG_VERSION % (hdr.version, C.VERSION))
    return addr, hdr


def read_log(first=0, count=None):
    """Read the log header and records [first, first + count)."""
    require_stopped()
    addr, hdr = read_header()
    n = min(hdr.written, hdr.capacity)
    if count is None:
        count = n - first
    first = max(0, min(first, n))
    count = max(0, min(count, n - first))
    recs = []
    rsz = hdr.record_size
    base = addr + hdr.header_size
    chunk = max(1, 0x10000 // rsz)
    i = first
    while i < first + count:
        k = min(chunk, first + count - i)
        raw = read(base + i * rsz, k * rsz)
        for j in range(k):
            recs.append(C.decode_record(raw, j * rsz))
        i += k
    return Log(addr, hdr, recs)


# ---------------------------------------------------------------- symbols

_sym_cache = {}


_FMT_RE = re.compile(r'<(.+?)(?:\+(\d+))?>$')


def _symbol_at(addr):
    """(name, offset) of the symbol containing @addr as gdb sees it."""
    try:
        # "0x1037e7 <e820__memblock_setup+55>" (gdb >= 12).  "info symbol"
        # mangles some C names ("e820__x" -> "e820.x"), so it is the fallback.
        m = _FMT_RE.search(gdb.format_address(addr))
        if m:
            return m.group(1), int(m.group(2) or 0)
        return None, 0
    except AttributeError:
        pass
    try:
        out = gdb.execute('info symbol %#x' % addr, to_string=True).strip()
    except gdb.error:
        return None, 0
    if not out or out.startswith('No symbol'):
        return None, 0
    name = out.split(' in section')[0]
    off = 0
    if ' + ' in name:
        name, o = name.split(' + ', 1)
        off = int(o)
    return name.strip(), off


def symbolize(addr):
    """(name, offset, size) of the function containing @addr, or (None, 0, 0).

    Uses gdb's own symbol tables: the symbol gdb prints for the address
    (the ELF symbol, the answer kallsyms gives) and, for the size, the
    function's block."""
    if addr in _sym_cache:
        return _sym_cache[addr]
    res = (None, 0, 0)
    name, off = _symbol_at(addr)
    if name is not None:
        size = 0
        try:
            blk = gdb.block_for_pc(addr - off)
            while blk is not None and blk.superblock is not None and \
                    not blk.superblock.is_static and not blk.superblock.is_global:
                blk = blk.superblock
            if blk is not None and blk.function is not None and blk.start == addr - off:
                size = blk.end - blk.start
        except (RuntimeError, gdb.error):
            pass
        res = (name.strip(), off, size)
    _sym_cache[addr] = res
    return res


def format_caller(addr):
    """Linux %pS style: ``func+0xoff/0xsize`` (or the bare address)."""
    name, off, size = symbolize(addr)
    if name is None:
        return '%#x' % addr
    if size:
        return '%s+%#x/%#x' % (name, off, size)
    return '%s+%#x' % (name, off)


def clear_caches(_event=None):
    _sym_cache.clear()

# SPDX-License-Identifier: GPL-2.0-only
"""commands.py - the mb-* gdb commands and their parameters."""

import fnmatch
import os
import shutil
import subprocess
import tempfile

import gdb

from . import constants as C
from . import fmt
from . import records
from . import target

OPTION_NAMES = {
    'mb-log': ['--op', '--last', '--caller', '--top'],
    'mb-break': ['--silent', '--nested', '--function', '--list', '--clear', 'if'],
    'mb-map': ['--width'],
    'mb-at': ['--format', '--json', '--initial'],
    'mb-whois': ['--at', '--json'],
}


def _usage(cmd):
    raise gdb.GdbError('mb: usage: %s' % cmd.__doc__.splitlines()[0])


def _int_arg(cmd, text):
    try:
        return int(gdb.parse_and_eval(text))
    except (gdb.error, ValueError):
        raise gdb.GdbError('mb: %s: not a number: %s' % (cmd, text))


def _ops_arg(text):
    ops = []
    for part in text.split(','):
        if part.strip().lower() in ('any', 'all'):
            return list(C.OPS)
        op = C.lookup_op(part)
        if op is None:
            raise gdb.GdbError('mb: unknown operation "%s" (try: %s)'
                               % (part, ', '.join(o.short for o in C.OPS)))
        ops.append(op)
    return ops


def _complete(text, word, candidates):
    """Complete the last token of @text; gdb wants the part starting at @word.

    gdb splits words at '-' and ',' too, so for "--sil" @word is "sil": match
    on the whole token, then drop what lies before @word."""
    word = word or ''
    token = text.split(' ')[-1]
    cut = len(token) - len(word)
    return [c[cut:] for c in candidates if c.startswith(token)]


def _complete_ops(text, word, options):
    """Completion for operation names (comma lists allowed) and options."""
    token = text.split(' ')[-1]
    names = [o.short for o in C.OPS] + ['any']
    if ',' in token:
        head = token[:token.rindex(',') + 1]
        return _complete(text, word, [head + n for n in names])
    return _complete(text, word, names + options)


class MbDump(gdb.Command):
    """mb-dump [memory|reserved]
Print memblock.memory and memblock.reserved from the live structs, exactly in
the format of Linux's memblock_dump_all() ("MEMBLOCK configuration:" block).
With an argument, print only that array (the memblock_dump() lines).
Types come from the kernel's debug info; works on any kernel with a
"struct memblock memblock" symbol. Needs a stopped target."""

    def __init__(self):
        super().__init__('mb-dump', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) > 1 or (argv and argv[0] not in ('memory', 'reserved')):
            _usage(self)
        mbm = _memblock_module()
        state = target.read_state()
        # A region without a node field (no CONFIG_NUMA) prints no node: nid -1.
        text = mbm.dump_text(_to_state(mbm, state, no_nid=-1), arrays=argv or None,
                             addr_bits=state.addr_bits, max_numnodes=fmt.MAX_NUMNODES[0],
                             names=(state.memory.name, state.reserved.name))
        gdb.write(text)

    def complete(self, text, word):
        return _complete(text, word, ['memory', 'reserved'])


class MbLog(gdb.Command):
    """mb-log [--op OP[,OP...]] [--last N] [--caller GLOB] [--top]
Print the memblock event log (mb_evlog_area), decoded with the constants of
kernel/include/uapi/mb_evlog.h, callers symbolised by gdb (func+0xoff/0xsize).
  --op OP      only these operations (reserve, phys_alloc_range, memblock_add, ...)
  --last N     only the last N matching records
  --caller G   only records whose caller's function matches the glob G
  --top        hide memblock's own nested records (depth > 0)
Nested records are indented by depth. Reports records dropped by a full log."""

    def __init__(self):
        super().__init__('mb-log', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        ops = None
        last = None
        caller = None
        top = False
        i = 0
        while i < len(argv):
            a = argv[i]
            if a in ('--op', '--last', '--caller') and i + 1 < len(argv):
                v = argv[i + 1]
                i += 2
                if a == '--op':
                    ops = set(o.value for o in _ops_arg(v))
                elif a == '--last':
                    last = _int_arg('--last', v)
                else:
                    caller = v
            elif a == '--top':
                top = True
                i += 1
            else:
                _usage(self)
        log = target.read_log()
        h = log.header
        gdb.write('mb_evlog_area at %#x: %d records (capacity %d, dropped %d), boot state %s\n'
                  % (log.addr, h.written, h.capacity, h.dropped,
                     C.BOOT_STATES.get(h.boot_state, str(h.boot_state))))
        sel = []
        for idx, r in enumerate(log.records):
            if ops is not None and r.op not in ops:
                continue
            if top and r.depth:
                continue
            if caller is not None:
                name = target.symbolize(r.caller)[0] if r.caller else None
                if name is None or not fnmatch.fnmatchcase(name, caller):
                    continue
            sel.append((idx, r))
        if last is not None:
            sel = sel[-last:] if last > 0 else []
        for idx, r in sel:
            gdb.write(records.line(idx, r) + '\n')
        if h.dropped:
            gdb.write('warning: the log was full: %d calls were not recorded\n' % h.dropped)

    def complete(self, text, word):
        tokens = text.split(' ')
        prev = tokens[-2] if len(tokens) >= 2 else ''
        if prev == '--op':
            return _complete_ops(text, word, [])
        return _complete(text, word, OPTION_NAMES['mb-log'])


APPEND = 'mb_evlog_append'


def _pending_record(header):
    """The record mb_evlog_append is about to store, when the newest frame sits
    on its first instruction (an mb-break stop), else None.

    At such a stop memblock has finished the call, so the arrays include it,
    but the log does not have it yet: mb-save records it (seq = written, tsc 0
    since the append has not read the clock) so that log and arrays agree."""
    try:
        entry = int(gdb.parse_and_eval('(unsigned long)&%s' % APPEND))
        frame = gdb.newest_frame()
        if int(frame.pc()) != entry:
            return None
        rdi = int(frame.read_register('rdi'))
        rec = C.decode_record(target.read(rdi, C.RECORD_SIZE))
    except (gdb.error, gdb.GdbError, RuntimeError, ValueError):
        return None
    return rec._replace(seq=header.written, tsc=0, pad=0)


def _memblock_module():
    try:
        import memblock
    except ImportError as e:
        raise gdb.GdbError('mb: the memblock Python module is not importable (%s): build '
                           'the memblock-python target or install memblock-cli' % e)
    return memblock


def _to_state(mbm, st, valid=True, no_nid=0):
    """A memblock.State from a target.State (nid None, no CONFIG_NUMA -> @no_nid)."""
    def arr(t):
        regs = [mbm.Region(r.base, r.size, r.flags, r.nid if r.nid is not None else no_nid)
                for r in t.regions]
        return mbm.Array(t.cnt, t.max, t.total_size, regs)
    return mbm.State(valid, st.bottom_up, st.current_limit, arr(st.memory), arr(st.reserved))


def _build_capture():
    """A memblock.Capture of the live log and arrays (as mb-save writes it).

    Returns (capture, number of events, pending record or None)."""
    mbm = _memblock_module()
    log = target.read_log()
    final = target.read_state()
    h = log.header
    records = list(log.records)
    written, dropped = h.written, h.dropped
    pending = _pending_record(h)
    if pending is not None:
        if written < h.capacity:
            records.append(pending)
            written += 1
        else:
            dropped += 1
    bid = bytes(h.build_id[:min(h.build_id_len, 32)])
    cap = mbm.new(source='gdb_script', boot_state=h.boot_state, log_capacity=h.capacity,
                  log_written=written, log_dropped=dropped, build_id=bid)
    meta = [('generator', 'gdb-scripts mb-save'), ('gdb_version', gdb.VERSION)]
    prog = gdb.current_progspace().filename if gdb.current_progspace() else None
    if prog:
        meta.append(('kernel', prog))
    meta.append(('evlog_addr', '%#x' % log.addr))
    mb = target.memblock_value()
    meta.append(('memblock_addr', '%#x' % int(mb.address)))
    if bid:
        meta.append(('build_id', bid.hex()))
    mid_call = pending is not None and pending.depth > 0
    if pending is not None:
        meta.append(('pending_record', 'seq %d, taken from %s\'s argument at the stop'
                     % (pending.seq, APPEND)))
    if mid_call:
        # memblock's own record (depth > 0): the public call that caused it
        # is still running, so the arrays are half-way through it and no
        # prefix of the log describes them. They are not saved as the final
        # state; replay --verify then says there is nothing to verify against.
        meta.append(('final_state', 'omitted: stopped inside memblock (%s, depth %d), '
                     'the arrays were mid-call' % (C.op_name(pending.op), pending.depth)))
    for k, v in meta:
        cap.set_meta(k, v)

    def event(rec):
        name, off = None, 0
        if rec.caller:
            name, off, _size = target.symbolize(rec.caller)
            if name is None:
                off = 0
        d = rec._asdict()
        d['caller_sym'] = name
        d['caller_off'] = off
        return d
    try:
        cap.add_events(event(r) for r in records)
        cap.set_state('initial', _to_state(mbm, _empty_initial(final)))
        cap.set_state('final', _to_state(mbm, final, valid=not mid_call))
    except mbm.CaptureError as e:
        raise gdb.GdbError('mb: %s' % e)
    return cap, len(records), pending


def _init_max(name, fallback):
    """Length of memblock's static region array @name (from DWARF), else @fallback."""
    try:
        sym = target._lookup_symbol(name)
        t = sym.type.strip_typedefs() if sym is not None else None
        if t is not None and t.code == gdb.TYPE_CODE_ARRAY:
            lo, hi = t.range()
            return hi - lo + 1
    except (gdb.error, RuntimeError):
        pass
    return fallback


def _empty_initial(final):
    """Our kernel's log starts from memblock's static initialiser: empty arrays
    of the static capacity, top-down, current_limit MEMBLOCK_ALLOC_ANYWHERE."""
    Empty = target.TypeState
    mem = Empty(final.memory.name, 0,
                _init_max('memblock_memory_init_regions', final.memory.max), 0, 0, [])
    res = Empty(final.reserved.name, 0,
                _init_max('memblock_reserved_init_regions', final.reserved.max), 0, 0, [])
    return target.State(False, (1 << final.addr_bits) - 1, mem, res, final.addr_bits)


class MbSave(gdb.Command):
    """mb-save FILE
Write a capture file (docs/capture-format.md) of the live event log, its
symbolised callers and the current memblock arrays (as the final state), so
memblock-cli can read it: e.g. "memblock-cli dump FILE". Source kind is
gdb-script. Written by the memblock Python module (memblock-cli's own C
writer), atomically. At an mb-break stop the call being logged is included,
so the log and the arrays agree."""

    def __init__(self):
        super().__init__('mb-save', gdb.COMMAND_DATA, gdb.COMPLETE_FILENAME)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) != 1:
            _usage(self)
        path = os.path.expanduser(argv[0])
        cap, n, pending = _build_capture()
        try:
            cap.write(path)
        except _memblock_module().CaptureError as e:
            raise gdb.GdbError('mb: mb-save: %s' % e)
        finally:
            cap.close()
        gdb.write('mb-save: %d events%s, %d bytes -> %s\n'
                  % (n, ' (the pending call included)' if pending is not None else '',
                     os.path.getsize(path), argv[0]))
        if pending is not None and pending.depth > 0:
            gdb.write('mb-save: stopped inside memblock (%s): the arrays are mid-call, '
                      'so they are not saved as the final state\n' % C.op_name(pending.op))


class CliParam(gdb.Parameter):
    """Path of memblock-cli used by mb-at (default: $MEMBLOCK_CLI, the build tree's or
the installed one next to these scripts, else $PATH)."""

    set_doc = 'Set the memblock-cli program used by mb-at.'
    show_doc = 'Show the memblock-cli program used by mb-at.'

    def __init__(self):
        super().__init__('mb-cli', gdb.COMMAND_DATA, gdb.PARAM_STRING)
        self.value = os.environ.get('MEMBLOCK_CLI') or C.DEFAULT_CLI or 'memblock-cli'

    def get_show_string(self, svalue):
        return 'memblock-cli used by mb-at is "%s".' % svalue


class NumnodesParam(gdb.Parameter):
    """MAX_NUMNODES of the target: node ids outside [0, N) are not printed by mb-dump."""

    set_doc = 'Set MAX_NUMNODES of the target (default 1024).'
    show_doc = 'Show MAX_NUMNODES of the target.'

    def __init__(self):
        super().__init__('mb-max-numnodes', gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = fmt.MAX_NUMNODES[0]

    def get_set_string(self):
        fmt.MAX_NUMNODES[0] = int(self.value)
        return ''

    def get_show_string(self, svalue):
        return 'MAX_NUMNODES is %s.' % svalue


ERR_NO_CLI = ('mb: memblock-cli not found ("%s"): build it or "set mb-cli PATH"')


def find_cli():
    path = gdb.parameter('mb-cli') or 'memblock-cli'
    if os.sep in path:
        if os.access(path, os.X_OK):
            return path
    else:
        found = shutil.which(path)
        if found:
            return found
    raise gdb.GdbError(ERR_NO_CLI % path)


def _cli_on_capture(cli, cap, cmd, args, what):
    """Write @cap (then closed) to a temporary file, run "memblock-cli ARGS FILE"
    on it and return its output; any failure is one GdbError naming @cmd
    (the gdb command) or @what (the memblock-cli command line)."""
    fd, path = tempfile.mkstemp(prefix=cmd + '-', suffix='.mbcap')
    os.close(fd)
    try:
        try:
            cap.write(path)
        except _memblock_module().CaptureError as e:
            raise gdb.GdbError('mb: %s: %s' % (cmd, e))
        finally:
            cap.close()
        try:
            p = subprocess.run([cli] + args + [path],
                               capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise gdb.GdbError('mb: running %s failed: %s' % (cli, e))
    finally:
        if os.path.exists(path):
            os.unlink(path)
    if p.returncode != 0:
        msg = (p.stderr.strip().splitlines() or ['exit status %d' % p.returncode])[-1]
        raise gdb.GdbError('mb: memblock-cli %s: %s' % (what, msg))
    return p.stdout


class MbAt(gdb.Command):
    """mb-at N [memblock-cli dump options]
Print the memblock arrays as they were after the first N events of the log
(memblock_dump_all format; other formats with e.g. "-f table", "-f debugfs"
or "-j", passed on to memblock-cli dump). The live log is written to a temporary capture
(as mb-save does) and replayed by "memblock-cli dump --at N": the same
memblock.c the kernel runs, so no second implementation can drift.
Set the program with "set mb-cli PATH" (or $MEMBLOCK_CLI)."""

    def __init__(self):
        super().__init__('mb-at', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv or argv[0].startswith('-'):
            _usage(self)
        n = _int_arg('mb-at', argv[0])
        extra = argv[1:]
        target.require_stopped()
        cli = find_cli()
        cap, nrec, _pending = _build_capture()
        if n < 0 or n > nrec:
            cap.close()
            raise gdb.GdbError('mb: mb-at: N must be in 0..%d (records in the log)' % nrec)
        gdb.write(_cli_on_capture(cli, cap, 'mb-at', ['dump', '--at', str(n)] + extra,
                                  'dump --at %d' % n))

    def complete(self, text, word):
        if text.split(' ')[-2:-1] in (['-f'], ['--format']):
            return _complete(text, word, ['linux', 'debugfs', 'table'])
        return _complete(text, word, OPTION_NAMES['mb-at'])


class MbWhois(gdb.Command):
    """mb-whois ADDR [--at N] [-j]
Who reserved or allocated ADDR, when, what held it before and what it is,
from the live log: written to a temporary capture (as mb-save does) and
answered by "memblock-cli whois", the same code as the CLI and the shell.
Set the program with "set mb-cli PATH" (or $MEMBLOCK_CLI)."""

    def __init__(self):
        super().__init__('mb-whois', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv or argv[0].startswith('-'):
            _usage(self)
        addr = _int_arg('mb-whois', argv[0])
        target.require_stopped()
        cli = find_cli()
        cap, _nrec, _pending = _build_capture()
        gdb.write(_cli_on_capture(cli, cap, 'mb-whois',
                                  ['whois'] + argv[1:] + ['0x%x' % addr], 'whois'))

    def complete(self, text, word):
        return _complete(text, word, OPTION_NAMES['mb-whois'])


class MbMap(gdb.Command):
    """mb-map [--width N]
Compact text map: one bar per memblock.memory region, each cell '#' fully
reserved, '+' partly reserved, '.' free; then reserved ranges lying outside
memory. Needs a stopped target."""

    def __init__(self):
        super().__init__('mb-map', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        width = 64
        if argv:
            if len(argv) != 2 or argv[0] != '--width':
                _usage(self)
            width = max(8, min(400, _int_arg('--width', argv[1])))
        st = target.read_state()
        bits = st.addr_bits
        res = [(r.base, r.base + r.size) for r in st.reserved.regions if r.size]
        out = ['memblock map: %s, current_limit %s; memory %s, reserved %s'
               % ('bottom-up' if st.bottom_up else 'top-down', fmt.pa(st.current_limit, bits),
                  fmt.human(st.memory.total_size), fmt.human(st.reserved.total_size))]
        inside = 0
        for i, m in enumerate(st.memory.regions):
            mb, me = m.base, m.base + m.size
            cells = []
            taken_total = 0
            for c in range(width):
                cb = mb + (me - mb) * c // width
                ce = mb + (me - mb) * (c + 1) // width
                if ce <= cb:
                    cells.append(' ')
                    continue
                taken = 0
                for rb, re_ in res:
                    lo, hi = max(cb, rb), min(ce, re_)
                    if hi > lo:
                        taken += hi - lo
                taken_total += taken
                cells.append('#' if taken >= ce - cb else '+' if taken else '.')
            inside += taken_total
            pct = 100.0 * taken_total / m.size if m.size else 0.0
            out.append('%2d [%s-%s] %10s |%s| %5.1f%% reserved'
                       % (i, fmt.pa(mb, bits), fmt.pa(me - 1, bits), fmt.human(m.size),
                          ''.join(cells), pct))
        outside = [r for r in st.reserved.regions
                   if r.size and not any(m.base <= r.base and r.base + r.size <= m.base + m.size
                                         for m in st.memory.regions)]
        if outside:
            out.append('reserved not (fully) inside memory: %d region(s), %s'
                       % (len(outside), ', '.join('[%s-%s]' % (fmt.pa(r.base, bits),
                                                             fmt.pa(r.base + r.size - 1, bits))
                                                  for r in outside[:8])
                          + (' ...' if len(outside) > 8 else '')))
        out.append("legend: '#' reserved  '+' partly reserved  '.' free")
        gdb.write('\n'.join(out) + '\n')

    def complete(self, text, word):
        return _complete(text, word, OPTION_NAMES['mb-map'])


def register():
    CliParam()
    NumnodesParam()
    MbDump()
    MbLog()
    MbAt()
    MbWhois()
    MbMap()
    MbSave()

# SPDX-License-Identifier: GPL-2.0-only
"""memblock - read, replay, compare and write memblock-cli capture files.

The capture format, replay and the memblock they replay with are the C code
of memblock-cli (libmbcapture.so), reached through ctypes; nothing here
decodes the file itself.  See docs/python.md.

    import memblock
    cap = memblock.open('default.cap')
    len(cap.events), cap.final.reserved.total_size
    cap.state_at(10).reserved.regions
    memblock.diff(cap, memblock.open('doubling.cap')).callers
"""

import bisect
import collections
import ctypes

from . import _consts
from . import _lib

__all__ = ['open', 'new', 'diff', 'CaptureError', 'Capture', 'Event', 'State', 'Array',
           'Region', 'Diff', 'OPS', 'op_name', 'op_value']

_C = _lib.lib

#: operation number -> Linux function name ("memblock_reserve")
OPS = {val: func for _suffix, val, func in _consts.OPS}
_OP_BY_NAME = {}
for _suffix, _val, _func in _consts.OPS:
    _OP_BY_NAME[_func] = _val
    _OP_BY_NAME[_suffix.lower()] = _val
SOURCES = {v: k[len('MB_SRC_'):].lower() for k, v in _consts.SOURCES}
BOOT_STATES = {v: k[len('MB_BOOT_STATE_'):] for k, v in _consts.BOOT_STATES}
REGION_FLAGS = [(k[len('MEMBLOCK_'):], v) for k, v in _consts.REGION_FLAGS]
REC_FAILED = _consts.MB_REC_FAILED
REC_INTERNAL = _consts.MB_REC_INTERNAL
NO_SYM = _consts.MB_NO_SYM
CHAIN_MAX = _consts.MB_CHAIN_MAX
# "orc", "fp", "kernel_fp", "one" (and "none") as the capture's method numbers.
CHAIN_METHODS = {v: k[len('MB_CHAIN_'):].lower() for k, v in _consts.CHAIN_METHODS}


def op_name(op):
    """Linux name of operation number @op, or "op<N>" for an unknown one."""
    return OPS.get(op, 'op%d' % op)


def op_value(name):
    """Operation number of a Linux name ("memblock_reserve") or suffix ("reserve")."""
    try:
        return _OP_BY_NAME[name.lower()] if name.lower() in _OP_BY_NAME else _OP_BY_NAME[name]
    except KeyError:
        raise ValueError('unknown memblock operation %r' % name) from None


def region_flag_names(flags):
    """Names of the MEMBLOCK_* bits in @flags (["NONE"] when none is set)."""
    names = [n for n, bit in REGION_FLAGS if flags & bit]
    rest = flags & ~sum(bit for _n, bit in REGION_FLAGS)
    if rest:
        names.append('%#x' % rest)
    return names or ['NONE']


class CaptureError(Exception):
    """A capture could not be read, replayed or written.

    @code is the agent's error name ("format", "corrupt", "notfound", ...),
    @message the one line the CLI would print after "Error: "."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _raise(err):
    code = _C.mb_errcode_name(err.code).decode()
    raise CaptureError(code, bytes(err.msg).split(b'\0', 1)[0].decode('utf-8', 'replace'))


Region = collections.namedtuple('Region', 'base size flags nid')
Region.end = property(lambda r: r.base + r.size)
Region.__doc__ = 'One memblock region: [base, base + size), MEMBLOCK_* flags, node id.'

Array = collections.namedtuple('Array', 'cnt max total_size regions')
Array.__doc__ = 'One memblock_type: cnt regions of capacity max, total_size bytes.'

State = collections.namedtuple('State', 'valid bottom_up current_limit memory reserved')
State.__doc__ = 'struct memblock at one point: the memory and reserved arrays.'

_EVENT_FIELDS = ('seq tsc op rflags nid base size align min_addr max_addr result caller '
                 'mflags memory_cnt reserved_cnt depth').split()


class Event(collections.namedtuple('Event', ['index'] + _EVENT_FIELDS
                                   + ['caller_sym', 'caller_off'])):
    """One memblock call of the log. caller_sym is the caller's symbol name
    (None when unknown), caller_off the offset into it."""

    __slots__ = ()

    @property
    def op_name(self):
        return op_name(self.op)

    @property
    def failed(self):
        return bool(self.rflags & REC_FAILED)

    @property
    def caller_text(self):
        """The caller as the CLI prints it: "symbol+0xoff" ("symbol" at offset
        0), else the address, else "?"."""
        if self.caller_sym is not None:
            if self.caller_off:
                return '%s+%#x' % (self.caller_sym, self.caller_off)
            return self.caller_sym
        return '%#x' % self.caller if self.caller else '?'



def _array_from_c(a):
    regs = [Region(a.regions[i].base, a.regions[i].size, a.regions[i].flags, a.regions[i].nid)
            for i in range(a.cnt)] if a.cnt else []
    return Array(a.cnt, a.max, a.total_size, regs)


def _state_from_c(s):
    return State(bool(s.valid), bool(s.bottom_up), s.current_limit,
                 _array_from_c(s.memory), _array_from_c(s.reserved))


def _state_to_c(st):
    """A C mb_state pointing at ctypes arrays; keep the returned tuple alive."""
    cs = _lib.State()
    keep = []
    cs.valid = bool(st.valid)
    cs.bottom_up = bool(st.bottom_up)
    cs.current_limit = st.current_limit
    for name in ('memory', 'reserved'):
        src = getattr(st, name)
        dst = getattr(cs, name)
        regs = (_lib.Region * max(1, len(src.regions)))()
        for i, r in enumerate(src.regions):
            regs[i].base, regs[i].size, regs[i].flags, regs[i].nid = r
        keep.append(regs)
        dst.cnt = len(src.regions)
        dst.max = src.max
        dst.total_size = src.total_size
        dst.regions = ctypes.cast(regs, ctypes.POINTER(_lib.Region))
    return cs, keep


def empty_state(memory_max=0, reserved_max=0, current_limit=(1 << 64) - 1, valid=False):
    """A state with empty arrays (e.g. memblock's static initialiser)."""
    return State(valid, False, current_limit, Array(0, memory_max, 0, []),
                 Array(0, reserved_max, 0, []))


VerifyResult = collections.namedtuple('VerifyResult', 'ok divergence report')

# One return address of a caller chain: frame 0 is the event's caller.
# symbol is None when the frame is not symbolised; length 0 when unknown.
Frame = collections.namedtuple('Frame', 'address symbol offset length')
Chain = collections.namedtuple('Chain', 'method frames')


def frame_text(f):
    """Linux's %pS form: "func+0xoff/0xlen", "func+0xoff" or "0xaddr"."""
    if f.symbol is None:
        return '%#x' % f.address
    if not f.length:
        return '%s+%#x' % (f.symbol, f.offset)
    return '%s+%#x/%#x' % (f.symbol, f.offset, f.length)


class Capture:
    """An open capture (see open() and new())."""

    def __init__(self, ptr, path=None):
        self._p = ptr
        self.path = path
        self._events = None

    # -- lifetime --
    def close(self):
        """Free the C capture (also done when the object is collected)."""
        if self._p:
            _C.mb_capture_free(self._p)
            self._p = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def _c(self):
        if not self._p:
            raise ValueError('memblock: capture is closed')
        return self._p.contents

    # -- header data --
    @property
    def source(self):
        """Where it came from: "gdb", "serial", "ramfile", "console", "linux_live", ..."""
        return SOURCES.get(self._c.source, 'source%d' % self._c.source)

    @property
    def boot_state(self):
        """The log's boot state name ("DONE", "BOOTING", ...)."""
        return BOOT_STATES.get(self._c.boot_state, 'state%d' % self._c.boot_state)

    @property
    def build_id(self):
        """The kernel's GNU build-id as hex ("" when unknown)."""
        return bytes(self._c.build_id[:self._c.build_id_len]).hex()

    @property
    def log(self):
        """The event log's header: capacity, written and dropped records."""
        c = self._c
        return {'capacity': c.log_capacity, 'written': c.log_written,
                'dropped': c.log_dropped}

    @property
    def complete(self):
        """False when the log was full and some calls were not recorded."""
        return self._c.log_dropped == 0

    @property
    def meta(self):
        """Metadata as an ordered dict (keys a reader does not know are kept)."""
        c = self._c
        return collections.OrderedDict(
            (c.meta[i].key.decode('utf-8', 'replace'), c.meta[i].value.decode('utf-8', 'replace'))
            for i in range(c.nmeta))

    @property
    def syms(self):
        c = self._c
        return [c.syms[i].decode('utf-8', 'replace') for i in range(c.nsyms)]

    @property
    def events(self):
        """Every event, in log order (a list of Event)."""
        if self._events is None:
            c = self._c
            syms = self.syms
            out = []
            for i in range(c.nevents):
                e = c.events[i]
                sym = syms[e.caller_sym] if e.caller_sym != NO_SYM else None
                out.append(Event(i, *[getattr(e.rec, f) for f in _EVENT_FIELDS],
                                 sym, e.caller_off if sym is not None else 0))
            self._events = out
        return self._events

    def chain(self, i):
        """Event @i's caller chain (Chain: method name, list of Frame), or None."""
        fp = ctypes.POINTER(_lib.Frame)()
        m = ctypes.c_uint()
        n = _C.mb_event_chain(self._p, i, ctypes.byref(fp), ctypes.byref(m))
        if not n:
            return None
        syms = self.syms
        frames = [Frame(fp[k].addr, syms[fp[k].sym] if fp[k].sym != NO_SYM else None,
                        fp[k].off, fp[k].len) for k in range(n)]
        return Chain(CHAIN_METHODS.get(m.value, 'method%d' % m.value), frames)

    @property
    def initial(self):
        """The state before the first event (State; .valid False if not captured)."""
        return _state_from_c(self._c.initial)

    @property
    def final(self):
        """The state read from the target at the end."""
        return _state_from_c(self._c.final)

    @property
    def end_state(self):
        """The final state if captured, else the replay of every event (as
        "memblock-cli dump" shows it)."""
        st = self.final
        return st if st.valid else self.state_at(self._c.nevents)

    @property
    def checkpoints(self):
        """Intermediate states: a list of (events before it, State)."""
        c = self._c
        return [(c.checkpoints[i].at, _state_from_c(c.checkpoints[i].state))
                for i in range(c.ncheckpoints)]

    # -- replay --
    def state_at(self, n):
        """The arrays after the first @n events, replayed by memblock.c."""
        if n < 0 or n > self._c.nevents:
            raise ValueError('memblock: event %d is outside 0..%d' % (n, self._c.nevents))
        out = _lib.State()
        rep = _lib.ReplayReport()
        err = _lib.Error()
        if _C.mb_replay_run(self._p, n, ctypes.byref(out), ctypes.byref(rep),
                            ctypes.byref(err)):
            _raise(err)
        try:
            return _state_from_c(out)
        finally:
            _C.mb_state_clear(ctypes.byref(out))

    def verify(self):
        """Replay every event and compare with the final state and the
        checkpoints, as "memblock-cli replay --verify" does."""
        out = _lib.State()
        rep = _lib.ReplayReport()
        err = _lib.Error()
        rc = _C.mb_replay_verify(self._p, ctypes.byref(out), ctypes.byref(rep),
                                 ctypes.byref(err))
        _C.mb_state_clear(ctypes.byref(out))
        if rc < 0:
            _raise(err)
        report = {f: getattr(rep, f) for f, _o, _s, k, n in _consts.STRUCTS['mb_replay_report'][1]
                  if n == 1}
        div = bytes(rep.divergence).split(b'\0', 1)[0].decode('utf-8', 'replace')
        return VerifyResult(rc == 0, div or None, report)

    # -- writing --
    def write(self, path):
        """Write the capture to @path atomically (temporary file + rename)."""
        err = _lib.Error()
        if _C.mb_capture_write(self._p, str(path).encode(), ctypes.byref(err)):
            _raise(err)

    def set_meta(self, key, value):
        if _C.mb_capture_set_meta(self._p, key.encode(), value.encode()):
            raise CaptureError('nomem', 'memblock: cannot set metadata %s' % key)

    def set_state(self, which, state):
        """Set the 'initial' or 'final' state (a State)."""
        if which not in ('initial', 'final'):
            raise ValueError('memblock: state is initial or final, not %r' % which)
        cs, _keep = _state_to_c(state)
        dst = getattr(self._c, which)
        _C.mb_state_clear(ctypes.byref(dst))
        err = _lib.Error()
        if _C.mb_state_copy(ctypes.byref(dst), ctypes.byref(cs), ctypes.byref(err)):
            _raise(err)

    def add_checkpoint(self, at, state):
        cs, _keep = _state_to_c(state)
        err = _lib.Error()
        if _C.mb_capture_add_checkpoint(self._p, at, ctypes.byref(cs), ctypes.byref(err)):
            _raise(err)

    def add_events(self, events):
        """Append events: objects or dicts with the log record's fields and
        optionally caller_sym (a name or None) and caller_off."""
        err = _lib.Error()
        events = list(events)
        if _C.mb_capture_reserve_events(self._p, len(events), ctypes.byref(err)):
            _raise(err)
        ev = _lib.Event()
        for e in events:
            get = e.get if isinstance(e, dict) else (lambda k, d=None, e=e: getattr(e, k, d))
            for f in _EVENT_FIELDS:
                setattr(ev.rec, f, get(f, 0))
            sym = get('caller_sym')
            ev.caller_sym = NO_SYM
            ev.caller_off = 0
            if sym is not None:
                idx = _C.mb_capture_intern_sym(self._p, sym.encode('utf-8'))
                if idx == NO_SYM:
                    raise CaptureError('nomem', 'memblock: cannot add symbol %s' % sym)
                ev.caller_sym = idx
                ev.caller_off = get('caller_off', 0)
            if _C.mb_capture_add_event(self._p, ctypes.byref(ev), ctypes.byref(err)):
                _raise(err)
        self._events = None

    def set_chain(self, i, frames, method='fp'):
        """Give event @i a caller chain: Frame tuples (or bare addresses),
        frame 0 the caller; @method a CHAIN_METHODS name."""
        codes = {v: k for k, v in CHAIN_METHODS.items()}
        if method not in codes:
            raise ValueError('memblock: chain method %r is not one of %s'
                             % (method, ', '.join(sorted(codes))))
        frames = list(frames)[:CHAIN_MAX]
        arr = (_lib.Frame * max(1, len(frames)))()
        for k, f in enumerate(frames):
            if isinstance(f, int):
                f = Frame(f, None, 0, 0)
            arr[k].addr = f.address
            arr[k].sym = NO_SYM
            if f.symbol is not None:
                idx = _C.mb_capture_intern_sym(self._p, f.symbol.encode('utf-8'))
                if idx == NO_SYM:
                    raise CaptureError('nomem', 'memblock: cannot add symbol %s' % f.symbol)
                arr[k].sym = idx
            arr[k].off = f.offset
            arr[k].len = f.length
        err = _lib.Error()
        if _C.mb_capture_set_chain_frames(self._p, i, arr, len(frames), codes[method],
                                          ctypes.byref(err)):
            _raise(err)

    def __repr__(self):
        return '<memblock.Capture %s: %d events, source %s>' % (
            self.path or '(new)', self._c.nevents if self._p else -1,
            self.source if self._p else '?')


def open(path):  # noqa: A001 (the module's verb)
    """Read and validate a capture file; raises CaptureError."""
    err = _lib.Error()
    p = _C.mb_capture_read(str(path).encode(), ctypes.byref(err))
    if not p:
        _raise(err)
    return Capture(p, str(path))


def new(source='gdb_script', boot_state='DONE', log_capacity=0, log_written=None,
        log_dropped=0, build_id=b''):
    """An empty capture to fill (add_events, set_state, set_meta) and write."""
    p = _C.mb_capture_new()
    if not p:
        raise CaptureError('nomem', 'memblock: out of memory')
    cap = Capture(p)
    c = p.contents
    src = {v: k for k, v in SOURCES.items()}
    c.source = src[source] if isinstance(source, str) else source
    bs = {v: k for k, v in BOOT_STATES.items()}
    c.boot_state = bs[boot_state] if isinstance(boot_state, str) else boot_state
    c.log_capacity = log_capacity
    c.log_written = log_written or 0
    c.log_dropped = log_dropped
    bid = bytes(build_id)[:len(c.build_id)]
    c.build_id_len = len(bid)
    for i, b in enumerate(bid):
        c.build_id[i] = b
    return cap


# ---- diff: per-region and per-caller ----

NAME_INITIAL = '[initial state]'
NAME_UNKNOWN = '[unknown caller]'
NAME_DOUBLE = 'memblock_double_array'
_ALLOC_OPS = {v for s, v, _f in _consts.OPS
              if s.startswith(('PHYS_ALLOC', 'ALLOC'))}
_OP = {s: v for s, v, _f in _consts.OPS}


def _caller_name(ev):
    if ev.caller_sym is not None:
        s = ev.caller_sym
        dot = s.find('.', 1) if s else -1
        return s[:dot] if dot > 0 else s
    if ev.caller:
        return '%#x' % ev.caller
    return NAME_UNKNOWN


class _Owners:
    """Who holds each reserved byte: disjoint [b, e) -> owner, later calls win."""

    def __init__(self):
        self.starts = []
        self.spans = []     # (b, e, owner), sorted by b
        self.total = collections.Counter()

    def remove(self, b, e):
        i = bisect.bisect_right(self.starts, b) - 1
        if i < 0 or self.spans[i][1] <= b:
            i += 1
        new = []
        j = i
        while j < len(self.spans) and self.spans[j][0] < e:
            sb, se, o = self.spans[j]
            self.total[o] -= min(se, e) - max(sb, b)
            if sb < b:
                new.append((sb, b, o))
            if se > e:
                new.append((e, se, o))
            j += 1
        self.spans[i:j] = new
        self.starts[i:j] = [s[0] for s in new]

    def assign(self, b, size, owner):
        e = min(b + size, (1 << 64) - 1)
        if e <= b:
            return
        self.remove(b, e)
        i = bisect.bisect_left(self.starts, b)
        self.spans.insert(i, (b, e, owner))
        self.starts.insert(i, b)
        self.total[owner] += e - b


def owners(cap):
    """Reserved bytes each caller holds at the end of @cap's log (a Counter)."""
    o = _Owners()
    init = cap.initial
    if init.valid:
        for r in init.reserved.regions:
            o.assign(r.base, r.size, NAME_INITIAL)
    for ev in cap.events:
        ok = not ev.failed
        if ev.op == _OP['RESERVE'] and ok:
            o.assign(ev.base, ev.size, _caller_name(ev))
        elif ev.op in _ALLOC_OPS and ok and ev.result:
            o.assign(ev.result, ev.size, _caller_name(ev))
        elif ev.op in (_OP['PHYS_FREE'], _OP['FREE']) and ev.base:
            o.remove(ev.base, min(ev.base + ev.size, (1 << 64) - 1))
        elif ev.op == _OP['DOUBLE_ARRAY'] and ok and ev.base:
            if ev.min_addr and ev.align:
                o.remove(ev.min_addr, ev.min_addr + ev.align)
            o.assign(ev.base, ev.size, NAME_DOUBLE)
    return collections.Counter({k: v for k, v in o.total.items() if v})


CallerTotal = collections.namedtuple('CallerTotal', 'caller status a_bytes b_bytes delta')


class Diff:
    """What changed from capture @a to capture @b (end states and callers).

    regions: {'memory'|'reserved': {'added': [Region], 'removed': [Region]}}
    callers: [CallerTotal] for every caller whose reserved bytes differ,
             largest change first; totals: reserved/memory sizes of both."""

    def __init__(self, a, b):
        fa, fb = a.end_state, b.end_state
        self.regions = {}
        for name in ('memory', 'reserved'):
            ra, rb = set(getattr(fa, name).regions), set(getattr(fb, name).regions)
            self.regions[name] = {'added': sorted(rb - ra), 'removed': sorted(ra - rb)}
        oa, ob = owners(a), owners(b)
        rows = []
        for name in set(oa) | set(ob):
            x, y = oa.get(name, 0), ob.get(name, 0)
            if x == y:
                continue
            status = 'NEW' if not x else 'DEL' if not y else 'CHANGED'
            rows.append(CallerTotal(name, status, x, y, y - x))
        rows.sort(key=lambda r: (-abs(r.delta), r.caller))
        self.callers = rows
        self.totals = {'a_reserved_size': fa.reserved.total_size,
                       'b_reserved_size': fb.reserved.total_size,
                       'a_memory_size': fa.memory.total_size,
                       'b_memory_size': fb.memory.total_size,
                       'a_owned_bytes': sum(oa.values()), 'b_owned_bytes': sum(ob.values())}

    def __repr__(self):
        return '<memblock.Diff: %d callers changed, reserved %+d bytes>' % (
            len(self.callers), self.totals['b_reserved_size'] - self.totals['a_reserved_size'])


def diff(a, b):
    """Compare two captures (Capture objects or paths)."""
    if not isinstance(a, Capture):
        a = open(a)
    if not isinstance(b, Capture):
        b = open(b)
    return Diff(a, b)

# SPDX-License-Identifier: GPL-2.0-only
"""_lib.py - load libmbcapture.so and describe its structs to ctypes.

Every struct is laid out from _consts.STRUCTS, which the C compiler printed
(python/gen_consts.c): offsets and sizes are never typed here.  A struct that
grows in C (a new field this module does not know yet) still loads, because
each struct is padded to the size C reported.
"""

import ctypes
import os

from . import _consts

_INTS = {(1, 'u'): ctypes.c_uint8, (1, 'i'): ctypes.c_int8,
         (2, 'u'): ctypes.c_uint16, (2, 'i'): ctypes.c_int16,
         (4, 'u'): ctypes.c_uint32, (4, 'i'): ctypes.c_int32,
         (8, 'u'): ctypes.c_uint64, (8, 'i'): ctypes.c_int64}

# What each pointer member points to (the struct name, or a C type).
_POINTEES = {
    ('mb_array', 'regions'): 'mb_region_rec',
    ('mb_capture', 'events'): 'mb_event',
    ('mb_capture', 'syms'): ctypes.c_char_p,
    ('mb_capture', 'meta'): 'mb_meta',
    ('mb_capture', 'checkpoints'): 'mb_checkpoint',
    ('mb_meta', 'key'): ctypes.c_char_p,
    ('mb_meta', 'value'): ctypes.c_char_p,
    ('mb_dump_opts', 'memory_name'): ctypes.c_char_p,
    ('mb_dump_opts', 'reserved_name'): ctypes.c_char_p,
}

STRUCTS = {}


class LayoutError(ImportError):
    """The compiled layout and ctypes disagree (a broken build)."""


def _struct(name):
    if name in STRUCTS:
        return STRUCTS[name]
    size, fields = _consts.STRUCTS[name]
    cls = type(name, (ctypes.Structure,), {})
    STRUCTS[name] = cls
    out = []
    pos = 0
    for fname, off, fsize, kind, count in sorted(fields, key=lambda f: f[1]):
        if off > pos:
            out.append(('_pad%d' % pos, ctypes.c_uint8 * (off - pos)))
        if kind == 'p':
            target = _POINTEES.get((name, fname), ctypes.c_void_p)
            if isinstance(target, str):
                ctype = ctypes.POINTER(_struct(target))
            elif target is ctypes.c_char_p and name == 'mb_capture':
                ctype = ctypes.POINTER(ctypes.c_char_p)
            else:
                ctype = target
        elif kind.startswith('s:'):
            ctype = _struct(kind[2:])
        else:
            ctype = _INTS[(fsize, kind)]
            if count > 1:
                ctype = ctype * count
        out.append((fname, ctype))
        pos = off + ctypes.sizeof(ctype)
    if size > pos:
        out.append(('_pad%d' % pos, ctypes.c_uint8 * (size - pos)))
    cls._fields_ = out
    if ctypes.sizeof(cls) != size:
        raise LayoutError('memblock: struct %s is %d bytes in C, %d in ctypes'
                          % (name, size, ctypes.sizeof(cls)))
    for fname, off, _fsize, _kind, _count in fields:
        if getattr(cls, fname).offset != off:
            raise LayoutError('memblock: %s.%s at %d in C, %d in ctypes'
                              % (name, fname, off, getattr(cls, fname).offset))
    return cls


for _name in _consts.STRUCTS:
    _struct(_name)

Region = STRUCTS['mb_region_rec']
Array = STRUCTS['mb_array']
State = STRUCTS['mb_state']
Event = STRUCTS['mb_event']
Frame = STRUCTS['mb_frame']
Capture = STRUCTS['mb_capture']
Error = STRUCTS['mb_error']
ReplayReport = STRUCTS['mb_replay_report']
DumpOpts = STRUCTS['mb_dump_opts']
Seg = STRUCTS['mba_seg']


def _find_library():
    """$MEMBLOCK_LIBMBCAPTURE, else the installed library (memblock/_where.py
    names it relative to this folder), else the build tree's, next to this file."""
    env = os.environ.get('MEMBLOCK_LIBMBCAPTURE')
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        from . import _where
        return os.path.normpath(os.path.join(here, _where.LIBRARY))
    except ImportError:
        return os.path.join(here, 'libmbcapture.so')


def _load():
    path = _find_library()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError('memblock: cannot load %s: %s' % (path, e))
    P = ctypes.POINTER
    sigs = {
        'mb_capture_read': (P(Capture), [ctypes.c_char_p, P(Error)]),
        'mb_capture_write': (ctypes.c_int, [P(Capture), ctypes.c_char_p, P(Error)]),
        'mb_capture_new': (P(Capture), []),
        'mb_capture_free': (None, [P(Capture)]),
        'mb_capture_intern_sym': (ctypes.c_uint32, [P(Capture), ctypes.c_char_p]),
        'mb_capture_set_meta': (ctypes.c_int, [P(Capture), ctypes.c_char_p, ctypes.c_char_p]),
        'mb_capture_add_event': (ctypes.c_int, [P(Capture), P(Event), P(Error)]),
        'mb_capture_reserve_events': (ctypes.c_int, [P(Capture), ctypes.c_size_t, P(Error)]),
        'mb_capture_add_checkpoint': (ctypes.c_int, [P(Capture), ctypes.c_uint64, P(State),
                                                     P(Error)]),
        'mb_event_chain': (ctypes.c_uint, [P(Capture), ctypes.c_size_t, P(P(Frame)),
                                           P(ctypes.c_uint)]),
        'mb_capture_set_chain_frames': (ctypes.c_int, [P(Capture), ctypes.c_size_t, P(Frame),
                                                       ctypes.c_uint, ctypes.c_uint, P(Error)]),
        'mb_state_copy': (ctypes.c_int, [P(State), P(State), P(Error)]),
        'mb_state_clear': (None, [P(State)]),
        'mb_op_name': (ctypes.c_char_p, [ctypes.c_uint]),
        'mb_errcode_name': (ctypes.c_char_p, [ctypes.c_int]),
        'mb_replay_run': (ctypes.c_int, [P(Capture), ctypes.c_size_t, P(State),
                                         P(ReplayReport), P(Error)]),
        'mb_replay_verify': (ctypes.c_int, [P(Capture), P(State), P(ReplayReport),
                                            P(Error)]),
        'mb_dump_text_buf': (ctypes.c_size_t, [ctypes.c_char_p, ctypes.c_size_t, P(State),
                                               P(DumpOpts)]),
        'mb_dump_region_buf': (ctypes.c_size_t, [ctypes.c_char_p, ctypes.c_size_t, P(Region),
                                                 P(DumpOpts)]),
        # analysis/ (ownership); replays and name tables are opaque pointers.
        'mba_names_new': (ctypes.c_void_p, []),
        'mba_names_destroy': (None, [ctypes.c_void_p]),
        'mba_owners_open': (ctypes.c_void_p, [P(Capture), ctypes.c_void_p, ctypes.c_char_p,
                                              P(Error)]),
        'mba_owners_close': (None, [ctypes.c_void_p]),
        'mba_owners_seek': (ctypes.c_int, [ctypes.c_void_p, ctypes.c_size_t]),
        'mba_owners_count': (ctypes.c_size_t, [ctypes.c_void_p]),
        'mba_owners_bytes': (ctypes.c_uint64, [ctypes.c_void_p, ctypes.c_uint32]),
        'mba_owner_name': (ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_uint32]),
        'mba_owners_ranges': (ctypes.c_int, [ctypes.c_void_p, P(P(Seg)),
                                             P(ctypes.c_size_t)]),
        'mba_free': (None, [ctypes.c_void_p]),
    }
    for fn, (res, args) in sigs.items():
        f = getattr(lib, fn)
        f.restype = res
        f.argtypes = args
    return lib, path


lib, LIBRARY_PATH = _load()

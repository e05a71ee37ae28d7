# SPDX-License-Identifier: GPL-2.0-only
"""capture.py - write a capture file (docs/capture-format.md) from gdb.

The layout follows the agent's writer (agent/capture.c): a 64-byte header,
sections (info, meta, syms, states, events), a section table, CRC-32 of
each section, of everything after the header, and of the header itself.
The constant values (magic, section numbers, sizes, source kinds) are
generated from the agent's sources at build time, never typed here.
"""

import os
import struct
import tempfile
import zlib

from . import constants as C


class CaptureError(Exception):
    """The capture cannot be written (message is user-facing)."""


def _k(name):
    cap = C.CAPTURE
    if 'missing' in cap:
        raise CaptureError('mb: capture format constants were not generated (missing %s): '
                           'rebuild the gdb-scripts target' % ', '.join(cap['missing']))
    return cap[name]


def _u32(v):
    return struct.pack('<I', v & 0xffffffff)


def _u64(v):
    return struct.pack('<Q', v & 0xffffffffffffffff)


def _str(s):
    b = s.encode('utf-8')
    return _u32(len(b)) + b


def _array(t):
    out = [_u64(t.cnt if t is not None else 0), _u64(t.max if t else 0),
           _u64(t.total_size if t else 0)]
    for r in (t.regions if t else []):
        nid = r.nid if r.nid is not None else 0
        out.append(struct.pack('<QQIi', r.base, r.size, r.flags, nid))
    return b''.join(out)


def _state(role, at, st):
    """A state section; @st is a target.State or None (not captured)."""
    flags = 0
    if st is not None:
        flags |= _k('STATEF_VALID')
        if st.bottom_up:
            flags |= _k('STATEF_BOTTOM_UP')
    return (_u32(role) + _u32(flags) + _u64(at) + _u64(st.current_limit if st else 0)
            + _array(st.memory if st else None) + _array(st.reserved if st else None))


def _event(rec, sym, off):
    rsize = _k('CAP_RECORD_SIZE')
    head = struct.pack('<QQHHiQQQQQQQIIIH', rec.seq, rec.tsc, rec.op, rec.rflags, rec.nid,
                       rec.base, rec.size, rec.align, rec.min_addr, rec.max_addr,
                       rec.result, rec.caller, rec.mflags, rec.memory_cnt,
                       rec.reserved_cnt, rec.depth)
    head += b'\0\0' + struct.pack('<II', sym, off)
    return head + b'\0' * (rsize - len(head))


def build(header, records, final, initial, symbolize, meta):
    """Return the bytes of a capture file.

    @header: constants.Header of the log; @records: its records in order;
    @final/@initial: target.State or None; @symbolize: addr -> (name, off)
    or (None, 0); @meta: list of (key, value) strings."""
    no_sym = 0xffffffff
    syms = []
    sym_index = {}
    events = []
    for rec in records:
        name, off = symbolize(rec.caller) if rec.caller else (None, 0)
        idx = no_sym
        if name is not None:
            idx = sym_index.get(name)
            if idx is None:
                idx = sym_index[name] = len(syms)
                syms.append(name)
        events.append(_event(rec, idx, off if name is not None else 0))

    bid_len = min(header.build_id_len, 32)
    bid = bytes(header.build_id[:32]).ljust(32, b'\0')
    sections = []
    sections.append((_k('SECT_INFO'), _k('SECTF_REQUIRED'),
                     _u32(_k('MB_SRC_GDB_SCRIPT')) + _u32(header.boot_state)
                     + _u64(header.capacity) + _u64(header.written) + _u64(header.dropped)
                     + _u32(bid_len) + bid + _u32(0)))
    sections.append((_k('SECT_META'), 0,
                     _u32(len(meta)) + b''.join(_str(k) + _str(v) for k, v in meta)))
    sections.append((_k('SECT_SYMS'), _k('SECTF_REQUIRED'),
                     _u32(len(syms)) + b''.join(_str(s) for s in syms)))
    sections.append((_k('SECT_STATE'), 0, _state(_k('STATE_INITIAL'), 0, initial)))
    sections.append((_k('SECT_STATE'), 0, _state(_k('STATE_FINAL'), len(records), final)))
    sections.append((_k('SECT_EVENTS'), _k('SECTF_REQUIRED'),
                     _u32(_k('CAP_RECORD_SIZE')) + _u32(0) + _u64(len(events))
                     + b''.join(events)))

    hsize = _k('CAP_HEADER_SIZE')
    body = bytearray()
    table = bytearray()
    for typ, flags, data in sections:
        table += (_u32(typ) + _u32(flags) + _u64(hsize + len(body)) + _u64(len(data))
                  + _u32(zlib.crc32(data)) + _u32(0))
        body += data
    table_off = hsize + len(body)
    rest = bytes(body + table)
    total = hsize + len(rest)
    magic = _k('CAP_MAGIC').encode('ascii')
    hdr = bytearray(hsize)
    hdr[0:8] = magic
    struct.pack_into('<IIQQIII', hdr, 8, _k('CAP_VERSION'), hsize, total, table_off,
                     len(sections), _k('CAP_ENTRY_SIZE'), zlib.crc32(rest))
    struct.pack_into('<I', hdr, 60, zlib.crc32(bytes(hdr[:60])))
    return bytes(hdr) + rest


def write_atomic(path, data):
    """Write @data to @path through a temporary file and a rename."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + '.tmp', dir=d)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise CaptureError('mb: cannot write %s: %s' % (path, e.strerror or e))

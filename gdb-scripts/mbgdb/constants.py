# SPDX-License-Identifier: GPL-2.0-only
"""constants.py - event-log constants and layouts for the mb-* commands.

Everything comes from memblock._consts, which the build prints with a small
C program compiled against kernel/include/uapi/mb_evlog.h (python/
gen_consts.c): values, offsets and sizes are the C compiler's, never parsed
out of header text and never typed here.
"""

import collections
import struct

from . import paths

try:
    from memblock import _consts as K
except ImportError as e:  # the loader reports it
    raise ImportError('mbgdb: the memblock Python module is not importable (%s); '
                      'build the memblock-python target or install memblock-cli' % e)

ORIGIN = 'from the C compiler'
MAGIC = K.MB_EVLOG_MAGIC
VERSION = K.MB_EVLOG_VERSION
HEADER_SIZE = K.MB_EVLOG_HEADER_SIZE
RECORD_SIZE = K.MB_EVLOG_RECORD_SIZE
DEFINES = {k: getattr(K, k) for k in dir(K) if k.startswith('MB_') and
           isinstance(getattr(K, k), int)}
DEFINES.update(K.BOOT_STATES)
DEFINES.update(K.REC_FLAGS)
BOOT_STATES = {v: k[len('MB_BOOT_STATE_'):] for k, v in K.BOOT_STATES}  # 2 -> "DONE"
BOOT_STATE = {v: k for k, v in BOOT_STATES.items()}                     # "DONE" -> 2
REC_FLAGS = {k[len('MB_REC_'):]: v for k, v in K.REC_FLAGS}            # "FAILED" -> bit
REC_FAILED = REC_FLAGS.get('FAILED', 0)
REC_INTERNAL = REC_FLAGS.get('INTERNAL', 0)
DEFAULT_CLI = paths.cli()


class Op(collections.namedtuple('Op', 'value suffix func')):
    """One operation of the MB_EVLOG_OPS list."""

    @property
    def short(self):
        """Name used on the command line: the suffix in lower case (``reserve``)."""
        return self.suffix.lower()


OPS = [Op(v, s, f) for s, v, f in K.OPS]
OP_BY_VALUE = {op.value: op for op in OPS}


def lookup_op(name):
    """Find an operation by short name, enum suffix, Linux name or number."""
    key = name.strip()
    for op in OPS:
        if key.lower() in (op.short, op.func, 'mb_op_' + op.short) or key == str(op.value):
            return op
    return None


def op_name(value):
    op = OP_BY_VALUE.get(value)
    return op.func if op else 'op%d' % value


_LETTERS = {(1, 'u'): 'B', (1, 'i'): 'b', (2, 'u'): 'H', (2, 'i'): 'h',
            (4, 'u'): 'I', (4, 'i'): 'i', (8, 'u'): 'Q', (8, 'i'): 'q'}


def _struct(cname, tname):
    """A little-endian struct.Struct and namedtuple for one uapi struct."""
    size, fields = K.STRUCTS[cname]
    fmt = '<'
    pos = 0
    names = []
    for fname, off, fsize, kind, count in sorted(fields, key=lambda f: f[1]):
        if off > pos:
            fmt += '%dx' % (off - pos)
        letter = _LETTERS[(fsize, kind)]
        fmt += '%ds' % count if (letter == 'B' and count > 1) else letter * count
        names.append(fname)
        pos = off + fsize * count
    if size > pos:
        fmt += '%dx' % (size - pos)
    st = struct.Struct(fmt)
    if st.size != size:
        raise ImportError('mbgdb: struct %s is %d bytes, format %r gives %d'
                          % (cname, size, fmt, st.size))
    return st, collections.namedtuple(tname, names)


HEADER_STRUCT, Header = _struct('mb_evlog_header', 'Header')
RECORD_STRUCT, Record = _struct('mb_evlog_record', 'Record')


def decode_header(raw):
    """Decode HEADER_SIZE bytes into a Header namedtuple."""
    return Header(*HEADER_STRUCT.unpack_from(raw, 0))


def decode_record(raw, offset=0):
    """Decode RECORD_SIZE bytes at @offset into a Record namedtuple."""
    return Record(*RECORD_STRUCT.unpack_from(raw, offset))

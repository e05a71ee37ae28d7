# SPDX-License-Identifier: GPL-2.0-only
"""constants.py - event-log constants for the mb-* commands.

They come from mbgdb/generated.py, which the build writes from
kernel/include/uapi/mb_evlog.h (gdb-scripts/gen_constants.py).  When the
package is used straight from a source tree that has no generated module,
the same parser reads the header at load time instead; nothing is ever
hand-copied.
"""

import collections
import os
import struct

from . import uapi

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))


def _parse_capture_sources(uapi_dir):
    root = os.path.join(uapi_dir, '..', '..', '..')
    texts = []
    for rel in (('agent', 'capture.c'), ('agent', 'include', 'mbagent', 'capture.h')):
        path = os.path.join(root, *rel)
        texts.append(open(path, encoding='utf-8').read() if os.path.isfile(path) else '')
    return uapi.parse_capture(*texts)


def _load():
    try:
        from . import generated  # written by the build
        return generated.UAPI, 'generated'
    except ImportError:
        pass
    candidates = []
    if os.environ.get('MBGDB_UAPI_HEADER'):
        candidates.append(os.environ['MBGDB_UAPI_HEADER'])
    candidates.append(os.path.join(_PKG_DIR, '..', '..', 'kernel', 'include', 'uapi',
                                   'mb_evlog.h'))
    for path in candidates:
        if os.path.isfile(path):
            with open(path, encoding='utf-8') as f:
                data = uapi.parse_uapi(f.read())
            data['source'] = os.path.abspath(path)
            data['cli'] = ''
            data['capture'] = _parse_capture_sources(os.path.dirname(path))
            return data, 'parsed at load time'
    raise ImportError('mbgdb: no generated constants (build the gdb-scripts target) and '
                      'no mb_evlog.h found (set MBGDB_UAPI_HEADER)')


UAPI, ORIGIN = _load()
DEFINES = UAPI['defines']

MAGIC = DEFINES['MB_EVLOG_MAGIC']
VERSION = DEFINES['MB_EVLOG_VERSION']
HEADER_SIZE = DEFINES['MB_EVLOG_HEADER_SIZE']
RECORD_SIZE = DEFINES['MB_EVLOG_RECORD_SIZE']
BOOT_STATES = UAPI['boot_states']            # value -> "BOOTING"
BOOT_STATE = {v: k for k, v in BOOT_STATES.items()}   # "DONE" -> value
REC_FLAGS = UAPI['rec_flags']                # "FAILED" -> bit
REC_FAILED = REC_FLAGS.get('FAILED', 0)
REC_INTERNAL = REC_FLAGS.get('INTERNAL', 0)
DEFAULT_CLI = UAPI.get('cli', '')


class Op(collections.namedtuple('Op', 'value suffix func')):
    """One operation of the MB_EVLOG_OPS list."""

    @property
    def short(self):
        """Name used on the command line: the suffix in lower case (``reserve``)."""
        return self.suffix.lower()


OPS = [Op(v, s, f) for s, v, f in UAPI['ops']]
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


def _struct(key):
    lay = UAPI['layout'][key]
    names = [f[0] for f in lay['fields']]
    return struct.Struct(lay['format']), collections.namedtuple(key.capitalize(), names)


HEADER_STRUCT, Header = _struct('header')
RECORD_STRUCT, Record = _struct('record')


def decode_header(raw):
    """Decode HEADER_SIZE bytes into a Header namedtuple."""
    return Header(*HEADER_STRUCT.unpack_from(raw, 0))


def decode_record(raw, offset=0):
    """Decode RECORD_SIZE bytes at @offset into a Record namedtuple."""
    return Record(*RECORD_STRUCT.unpack_from(raw, offset))


CAPTURE = UAPI.get('capture', {'missing': ['all (generated before capture support)']})

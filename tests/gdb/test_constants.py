#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""test_constants.py - the gdb scripts decode the event log as the C compiler lays it out.

Usage: test_constants.py GDB_SCRIPTS_DIR UAPI_LAYOUT_PROGRAM
Imports mbgdb.constants as the loader would (its numbers come from the
memblock module's _consts, printed by python/gen_consts.c) and checks it
against uapi_layout, a separate program compiled against the same header:
struct sizes, the defines it prints, the X-macro operations, and for every
field a decode of a buffer holding ones only at that field's offset and size
(so a wrong offset, size or padding in the assembled struct format shows).
Quiet on success.
"""

import os
import subprocess
import sys


def fail(msg):
    sys.exit('FAIL: ' + msg)


def main():
    scripts, prog = sys.argv[1:3]
    sys.path.insert(0, scripts)
    from mbgdb import paths
    sys.path[1:1] = paths.python_dirs()
    from mbgdb import constants as C
    out = subprocess.run([prog], capture_output=True, text=True, check=True,
                         timeout=30).stdout
    structs = {'mb_evlog_header': (C.HEADER_STRUCT, C.Header),
               'mb_evlog_record': (C.RECORD_STRUCT, C.Record)}
    ops = []
    nfields = 0
    for line in out.splitlines():
        w = line.split()
        if w[0] == 'size':
            if structs[w[1]][0].size != int(w[2]):
                fail('sizeof(struct %s) %s, scripts %d' % (w[1], w[2], structs[w[1]][0].size))
        elif w[0] == 'define':
            if C.DEFINES.get(w[1]) != int(w[2]):
                fail('%s = %s, scripts %r' % (w[1], w[2], C.DEFINES.get(w[1])))
        elif w[0] == 'field':
            st, tup = structs[w[1]]
            off, size = int(w[3]), int(w[4])
            raw = bytearray(st.size)
            raw[off:off + size] = b'\xff' * size
            vals = tup(*st.unpack(bytes(raw)))._asdict()
            for name, v in vals.items():
                want = name == w[2]
                got = v not in (0, b'\0' * len(v) if isinstance(v, bytes) else 0)
                if got != want:
                    fail('%s.%s at %d+%d: decoding it gives %s = %r'
                         % (w[1], w[2], off, size, name, v))
                if want and isinstance(v, int) and v not in (2 ** (8 * size) - 1, -1):
                    fail('%s.%s: %d bytes of ones decode as %r' % (w[1], w[2], size, v))
            nfields += 1
        elif w[0] == 'op':
            ops.append((int(w[2]), w[1], w[3]))
    if [tuple(o) for o in C.OPS] != ops:
        fail('operations differ:\n C       %r\n scripts %r' % (ops, C.OPS))
    if nfields < 20:
        fail('uapi_layout printed only %d fields' % nfields)


if __name__ == '__main__':
    main()

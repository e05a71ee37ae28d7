#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""test_constants.py - the generated gdb-scripts constants agree with the C compiler.

Usage: test_constants.py GENERATED_PY UAPI_LAYOUT_PROGRAM UAPI_HEADER
Compares <build>/gdb-scripts/mbgdb/generated.py with what uapi_layout (the
uapi header compiled by the C compiler) prints: every field offset and size,
struct sizes, the X-macro operations and the defines it prints.  Then checks
that the parser rejects a header whose struct no longer matches its size
define.  Quiet on success.
"""

import importlib.util
import os
import subprocess
import sys


def fail(msg):
    sys.exit('FAIL: ' + msg)


def main():
    gen_path, prog, header = sys.argv[1:4]
    spec = importlib.util.spec_from_file_location('generated', gen_path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    data = gen.UAPI
    out = subprocess.run([prog], capture_output=True, text=True, check=True,
                         timeout=30).stdout
    fields = {'mb_evlog_header': {}, 'mb_evlog_record': {}}
    ops = []
    for line in out.splitlines():
        w = line.split()
        if w[0] == 'size':
            key = 'header' if w[1] == 'mb_evlog_header' else 'record'
            if data['layout'][key]['size'] != int(w[2]):
                fail('sizeof(struct %s) %s, generated %d' % (w[1], w[2],
                                                             data['layout'][key]['size']))
        elif w[0] == 'define':
            if data['defines'].get(w[1]) != int(w[2]):
                fail('%s = %s, generated %r' % (w[1], w[2], data['defines'].get(w[1])))
        elif w[0] == 'field':
            fields[w[1]][w[2]] = (int(w[3]), int(w[4]))
        elif w[0] == 'op':
            ops.append((w[1], int(w[2]), w[3]))
    sizes = {'B': 1, 'b': 1, 'H': 2, 'h': 2, 'I': 4, 'i': 4, 'Q': 8, 'q': 8}
    for sname, key in (('mb_evlog_header', 'header'), ('mb_evlog_record', 'record')):
        gen_fields = {f[0]: (f[1], sizes[f[2]] * f[3]) for f in data['layout'][key]['fields']}
        for name, want in fields[sname].items():
            if gen_fields.get(name) != want:
                fail('%s.%s (offset, size) %r, generated %r'
                     % (sname, name, want, gen_fields.get(name)))
    if [tuple(o) for o in data['ops']] != ops:
        fail('operations differ:\n C   %r\n gen %r' % (ops, data['ops']))

    # The parser refuses a header whose struct does not add up to its size define.
    sys.path.insert(0, os.path.join(os.path.dirname(gen_path)))
    import uapi
    with open(header) as f:
        text = f.read()
    bad = text.replace('\tuint16_t pad;\n', '\tuint16_t pad;\n\tuint64_t extra;\n', 1)
    if bad == text:
        fail('could not mutate the header for the negative check')
    try:
        uapi.parse_uapi(bad)
    except uapi.UapiError as e:
        if 'mb_evlog_record' not in str(e):
            fail('unexpected parser error: %s' % e)
    else:
        fail('the parser accepted a record struct larger than MB_EVLOG_RECORD_SIZE')


if __name__ == '__main__':
    main()

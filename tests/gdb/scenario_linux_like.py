# SPDX-License-Identifier: GPL-2.0-only
# scenario_linux_like.py - the struct-only commands on a target shaped like Linux
# without CONFIG_NUMA and without the event log (tests/gdb/linux_like_target.c).
import os
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402

EXPECTED = '''MEMBLOCK configuration:
 memory size = 0x000000000807e000 reserved size = 0x0000000002030000
 memory.cnt  = 0x3
 memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0
 memory[0x1]\t[0x0000000000100000-0x0000000007fdffff], 0x0000000007ee0000 bytes flags: 0x1
 memory[0x2]\t[0x0000000008000000-0x00000000080fffff], 0x0000000000100000 bytes flags: 0x4
 reserved.cnt  = 0x3
 reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0
 reserved[0x1]\t[0x0000000001000000-0x0000000002ffffff], 0x0000000002000000 bytes flags: 0x0
 reserved[0x2]\t[0x0000000007fe0000-0x0000000007ffffff], 0x0000000000020000 bytes flags: 0x0
'''


def scenario():
    t.load_scripts()
    from mbgdb import target
    t.check(t.HOST_TARGET and os.path.exists(t.HOST_TARGET), 'no host target program')
    t.ex('file ' + t.HOST_TARGET)
    # No event log here: the log commands say so; mb-break falls back to the function.
    out = t.ex('mb-break reserve')
    t.check('stopping breakpoint on memblock_reserve' in out, 'mb-break fallback: %r' % out)
    t.ex('break linux_like_done')
    stops = 0
    _ev, out = t.cont_output_run()
    while 'mb-break: memblock_reserve(' in out:
        stops += 1
        t.check('base=0x' in out and 'size=0x' in out and 'from main+0x' in out,
                'fallback summary: %r' % out)
        _ev, out = t.cont_output()
    t.check(stops == 3, 'mb-break fallback stopped %d times, want 3' % stops)
    t.check('linux_like_done' in t.ex('frame'), 'not at linux_like_done')
    t.check_equal(t.ex('mb-dump'), EXPECTED, 'mb-dump without nid, 3 regions')
    t.check_equal(t.ex('mb-dump reserved'), ''.join(EXPECTED.splitlines(True)[6:]),
                  'mb-dump reserved')
    t.check_equal(t.ex('mb-dump'), t.direct_dump(nid=False), 'mb-dump vs gdb expressions')
    t.expect_error('mb-log', target.ERR_NO_LOG)
    t.expect_error('mb-save x.mbcap', target.ERR_NO_LOG)
    m = t.ex('mb-map --width 16')
    t.check('|' in m and 'legend' in m and len(m.splitlines()) >= 5, 'mb-map: %r' % m)
    text = t.ex('print memblock.memory.regions[1]')
    t.check('[0x0000000000100000-0x0000000007fdffff], 0x0000000007ee0000 bytes flags: 0x1'
            in text, 'region printer without nid: %r' % text)
    t.ex('kill')


t.run(scenario)

# SPDX-License-Identifier: GPL-2.0-only
# scenario_errors.py - the documented gdb.GdbError messages (docs/gdb.md).
import os
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402


def scenario():
    t.load_scripts()
    from mbgdb import commands, target
    # 1. No target at all.
    for cmd in ('mb-dump', 'mb-log', 'mb-map', 'mb-save x.mbcap', 'mb-at 0'):
        t.expect_error(cmd, target.ERR_NO_TARGET)
    # 2. QEMU attached, but no symbols loaded.
    q = t.Qemu()
    q.connect(load_symbols=False)
    t.expect_error('mb-dump', target.ERR_NO_MEMBLOCK)
    t.expect_error('mb-map', target.ERR_NO_MEMBLOCK)
    t.expect_error('mb-log', target.ERR_NO_LOG)
    t.expect_error('mb-save x.mbcap', target.ERR_NO_LOG)
    t.expect_error('mb-break reserve', target.ERR_NO_MEMBLOCK)
    # 3. Symbols, stopped at reset: memblock's static state, the log not set up.
    t.ex('file ' + q.kernel)
    addr = target.evlog_addr()
    t.expect_error('mb-log', target.ERR_LOG_EMPTY % (0, addr))
    t.check_equal(t.ex('mb-dump'), t.direct_dump(), 'mb-dump at reset')
    # 4. Bad arguments.
    t.expect_error('mb-break nosuchop', 'mb: unknown operation "nosuchop" (try: %s)'
                   % ', '.join(o.short for o in t.constants().OPS))
    t.expect_error('mb-log --last', 'mb: usage: ' + commands.MbLog.__doc__.splitlines()[0])
    t.expect_error('mb-dump everything', 'mb: usage: '
                   + commands.MbDump.__doc__.splitlines()[0])
    # 5. No memblock-cli for mb-at.
    t.ex('set mb-cli /nonexistent/memblock-cli')
    t.expect_error('mb-at 0', commands.ERR_NO_CLI % '/nonexistent/memblock-cli')
    # 6. Target running (background execution): refused, not a garbage read.
    t.ex('continue &')
    for cmd in ('mb-dump', 'mb-log', 'mb-map'):
        t.expect_error(cmd, target.ERR_RUNNING)


t.run(scenario)

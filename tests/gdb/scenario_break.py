# SPDX-License-Identifier: GPL-2.0-only
# scenario_break.py - mb-break stops once per matching record.
# MBT_ARG: stop (mb-break reserve), silent (mb-break --silent reserve),
#          cond (mb-break reserve if $mb_base < 0x100000),
#          nested (mb-break --nested double_array: memblock's own records),
#          function (mb-break --function reserve: on memblock_reserve itself).
import os
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402

import gdb  # noqa: E402


def scenario():
    t.load_scripts()
    C = t.constants()
    mode = t.ARG
    opname = 'double_array' if mode == 'nested' else 'reserve'
    op = C.lookup_op(opname)
    q = t.Qemu()
    q.connect()
    cmd = {'stop': 'mb-break reserve',
           'silent': 'mb-break --silent reserve',
           'cond': 'mb-break reserve if $mb_base < 0x100000',
           'nested': 'mb-break --nested double_array',
           'function': 'mb-break --function reserve'}[mode]
    out = t.ex(cmd)
    where = op.func if mode == 'function' else '*mb_evlog_append'
    announce = ('mb-break: stopping breakpoint on memblock_reserve' if mode == 'function' else
                'mb-break: %s breakpoint on mb_evlog_append (%s)'
                % ('silent' if mode == 'silent' else 'stopping', opname))
    t.check(announce in out, '%s: %r' % (cmd, out))
    summary = 'mb-break: memblock_reserve(base=0x' if mode == 'function' else 'mb-break: ['
    mine = [b for b in gdb.breakpoints() if b.location == where and b.visible]
    if mode == 'silent':
        t.check(not mine, 'a silent mb-break must be internal (not in "info breakpoints")')
    else:
        t.check(len(mine) == 1, 'mb-break did not create one visible breakpoint')
    top_only = None
    if mode == 'nested':
        # Without --nested the same operation never stops: its records are depth > 0.
        t.ex('mb-break double_array')
        top_only = [b for b in gdb.breakpoints()
                    if b.location == '*mb_evlog_append' and b.visible and b not in mine]
        t.check(len(top_only) == 1, 'second mb-break not created')
    done = t.stop_at_done()
    stops = 0
    seen = []
    text = []
    while True:
        ev, out = t.cont_output()
        text.append(out)
        if done in ev.breakpoints:
            break
        t.check(mine and mine[0] in ev.breakpoints, 'unexpected stop: %r' % ev.breakpoints)
        t.check(summary in out and op.func in out,
                'no summary line at the stop: %r' % out)
        stops += 1
        seen.append(int(gdb.convenience_variable('mb_index') or -1))
        t.check(stops < 100000, 'runaway')
    t.finish()
    recs = t.records()
    want = [r for r in recs if r.op == op.value and (r.depth == 0 or mode == 'nested')]
    if mode == 'cond':
        want = [r for r in want if r.base < 0x100000]
        t.check(0 < len(want) < len([r for r in recs if r.op == op.value and r.depth == 0]),
                'condition test needs reserves on both sides of 1 MiB')
    if mode == 'nested':
        t.check(want and all(r.depth > 0 for r in want),
                'the doubling kernel logged no nested DOUBLE_ARRAY record')
    else:
        t.check(want, 'no reserve records at all')
    summaries = ''.join(text).count(summary)
    if mode == 'silent':
        t.check(stops == 0, 'silent breakpoint stopped %d times' % stops)
        t.check(summaries == len(want), 'silent: %d summaries, %d reserve records'
                % (summaries, len(want)))
    else:
        dups = sorted(set(i for i in seen if seen.count(i) > 1))
        t.check(stops == len(want), '%d stops, %d matching records (repeated indexes %r)'
                % (stops, len(want), dups))
    hits = int(gdb.convenience_variable('mb_break_hits') or 0)
    t.check(hits == len(want), '$mb_break_hits %d, want %d' % (hits, len(want)))
    listing = t.ex('mb-break --list')
    t.check('%d hit(s)' % len(want) in listing, 'mb-break --list: %r' % listing)
    if top_only:
        # (A stop event lists every breakpoint at the pc, so count by mb_hits.)
        t.check(top_only[0].mb_hits == 0 and '0 hit(s)' in listing,
                'mb-break without --nested stopped at a nested record: %r' % listing)
    t.check('deleted %d' % (2 if top_only else 1) in t.ex('mb-break --clear'),
            'mb-break --clear')


t.run(scenario)

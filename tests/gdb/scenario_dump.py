# SPDX-License-Identifier: GPL-2.0-only
# scenario_dump.py - mb-dump at a boot point equals memblock-cli dump --at N.
# MBT_ARG: first-reserve | mid-boot | done.
import os
import re
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402


def compare_here(label):
    """At a stop where the last record is complete: mb-dump vs gdb vs the CLI."""
    n = t.header().written
    got = t.ex('mb-dump')
    t.check_equal(got, t.direct_dump(), '%s: mb-dump vs the struct read by gdb' % label)
    cap = os.path.join(t.TMP, '%s.mbcap' % label)
    out = t.ex('mb-save ' + cap)
    t.check('%d events' % n in out, 'mb-save: %r' % out)
    rc, cli_out, err = t.cli('dump', '--at', str(n), cap)
    t.check(rc == 0, 'memblock-cli dump --at %d failed: %s' % (n, err))
    t.check_equal(got, cli_out, '%s: mb-dump vs memblock-cli dump --at %d' % (label, n))
    # mb-at runs the same CLI on the live log, options passed on.
    t.check_equal(t.ex('mb-at %d' % n), cli_out, '%s: mb-at %d' % (label, n))
    rc, table, err = t.cli('dump', '--at', str(n), '-f', 'table', cap)
    t.check(rc == 0, 'memblock-cli dump -f table: %s' % err)
    t.check_equal(t.ex('mb-at %d -f table' % n), table, '%s: mb-at %d -f table' % (label, n))
    # mb-whois runs memblock-cli whois on the live log.
    rc, who, err = t.cli('whois', '0x100000', cap)
    t.check(rc == 0 and 'owner:' in who, 'memblock-cli whois: %s %s' % (err, who))
    t.check_equal(t.ex('mb-whois 0x100000'), who, '%s: mb-whois 0x100000' % label)


def kernel_dump(console):
    """The last MEMBLOCK configuration block the kernel printed, without stamps."""
    with open(console, errors='replace') as f:
        lines = [re.sub(r'^\[\s*\d+\.\d+\] ', '', ln.rstrip('\r\n')) for ln in f]
    starts = [i for i, ln in enumerate(lines) if ln == 'MEMBLOCK configuration:']
    t.check(starts, 'no MEMBLOCK configuration block on COM1')
    block = [lines[starts[-1]], lines[starts[-1] + 1]]
    for ln in lines[starts[-1] + 2:]:
        if not re.match(r' (memory|reserved)(\.cnt  = |\[0x)', ln):
            break
        block.append(ln)
    return '\n'.join(block) + '\n'


def boot_to_done():
    q = t.Qemu()
    q.connect()
    t.stop_at_done()
    t.cont()
    t.finish()
    return q


def scenario():
    t.load_scripts()
    C = t.constants()
    what = t.ARG
    if what == 'first-reserve':
        q = t.Qemu()
        q.connect()
        t.stop_at_record(lambda r, i: r.op == C.lookup_op('reserve').value and r.depth == 0)
        t.cont()
        t.finish()
        recs = t.records()
        t.check(recs and recs[-1].op == C.lookup_op('reserve').value,
                'last record is not the reserve we stopped at')
        t.check(not any(r.op == recs[-1].op and r.depth == 0 for r in recs[:-1]),
                'not the first reserve')
        compare_here('first-reserve')
    elif what == 'done':
        q = boot_to_done()
        t.check(t.header().boot_state == C.BOOT_STATE['DONE'], 'boot state is not DONE')
        compare_here('done')
        # The kernel printed its own __memblock_dump_all() on COM1 just before
        # DONE: the same text, byte for byte, once the printk stamps are gone.
        t.check_equal(t.ex('mb-dump'), kernel_dump(q.console),
                      'done: mb-dump vs the kernel\'s own memblock_dump_all on COM1')
        # mb-dump's options reach the C formatter (memblock.dump_text()): one
        # array alone, and mb-max-numnodes deciding which node ids print.
        full = t.direct_dump()
        lines = full.splitlines(True)
        t.check(any(' on node ' in ln for ln in lines), 'no region with a node to test with')
        mem = [ln for ln in lines if ln.startswith((' memory.', ' memory['))]
        t.check_equal(t.ex('mb-dump memory'), ''.join(mem), 'done: mb-dump memory')
        t.ex('set mb-max-numnodes 0')
        t.check_equal(t.ex('mb-dump'), t.direct_dump(nid=False),
                      'done: mb-dump with mb-max-numnodes 0 prints no node')
        t.ex('set mb-max-numnodes 1024')
        t.check_equal(t.ex('mb-dump'), full, 'done: mb-dump with mb-max-numnodes 1024')
        # The region pretty printer prints a dump row's text after the tab.
        row = [ln for ln in lines if ln.startswith(' reserved[0x0]\t')]
        t.check(len(row) == 1 and ' on node ' in row[0], 'no reserved[0x0] row with a node')
        got = t.ex('print memblock.reserved.regions[0]').split(' = ', 1)[1]
        t.check_equal(got, row[0].split('\t', 1)[1], 'done: the region printer vs mb-dump')
        # The record pretty printer prints the mb-log line.
        log_lines = t.ex('mb-log').splitlines()
        last = t.header().written - 1
        got = t.ex('print ((struct mb_evlog_area *)&mb_evlog_area)->records[%d]' % last)
        t.check_equal(got.split(' = ', 1)[1], log_lines[-1] + '\n', 'record printer')
    elif what == 'mid-boot':
        q = boot_to_done()
        total = t.header().written
        t.check(total >= 4, 'log too short: %d' % total)
        q.kill()
        t.clear_stops()
        # Second boot: stop at the first top-level record at or past half the log.
        half = total // 2
        q2 = t.Qemu()
        q2.connect()
        t.stop_at_record(lambda r, i: i + 1 >= half and r.depth == 0)
        t.cont()
        t.finish()
        n = t.header().written
        t.check(half <= n < total, 'stopped at %d records, wanted %d..%d' % (n, half, total))
        compare_here('mid-boot')
    else:
        t.fail('unknown MBT_ARG %r' % what)


t.run(scenario)

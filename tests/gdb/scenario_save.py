# SPDX-License-Identifier: GPL-2.0-only
# scenario_save.py - mb-save writes a capture the CLI reads and the agent agrees with.
# MBT_ARG: cli (read back by memblock-cli) | agent (equal to "memblock-cli capture --attach").
import json
import os
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402


def scenario():
    t.load_scripts()
    C = t.constants()
    q = t.Qemu()
    q.connect()
    t.stop_at_done()
    t.cont()
    t.finish()
    n = t.header().written
    dump = t.ex('mb-dump')
    mine = os.path.join(t.TMP, 'gdb.mbcap')
    t.ex('mb-save ' + mine)
    again = os.path.join(t.TMP, 'gdb2.mbcap')
    t.ex('mb-save ' + again)
    cap = t.read_capture(mine)
    with open(mine, 'rb') as a, open(again, 'rb') as b:
        t.check(a.read() == b.read(), 'two mb-save runs at the same stop differ')
    t.check(cap['info']['source'] == 'gdb_script', 'source kind %r' % cap['info']['source'])
    t.check(len(cap['events']) == n, 'events %d, log %d' % (len(cap['events']), n))
    recs = t.records()
    from mbgdb import target
    for r, ev in zip(recs, cap['events']):
        for f in r._fields:
            if f in ev:
                t.check(getattr(r, f) == ev[f], 'event %d field %s' % (r.seq, f))
        name, off, _ = target.symbolize(r.caller)
        t.check(ev['caller_sym'] == name and ev['caller_off'] == off,
                'event %d caller %r+%d vs %r+%d' % (r.seq, ev['caller_sym'], ev['caller_off'],
                                                      name, off))

    if t.ARG == 'cli':
        rc, out, err = t.cli('dump', mine)
        t.check(rc == 0, 'memblock-cli dump: %s' % err)
        t.check_equal(out, dump, 'memblock-cli dump of the mb-save capture vs mb-dump')
        rc, out, err = t.cli('log', '-j', mine)
        t.check(rc == 0, 'memblock-cli log -j: %s' % err)
        doc = json.loads(out)
        evs = doc['events'] if isinstance(doc, dict) and 'events' in doc else doc
        t.check(len(evs) == n, 'memblock-cli log: %d events, want %d' % (len(evs), n))
        return

    # agent: let the guest run on (it idles after DONE) and pull a capture through
    # the same gdbstub with the CLI's agent.
    q.disconnect()
    theirs = os.path.join(t.TMP, 'agent.mbcap')
    rc, out, err = t.cli('capture', '--attach', 'unix:' + q.sock, '--elf', q.kernel,
                         '--timeout', '60', '-o', theirs)
    t.check(rc == 0, 'memblock-cli capture --attach failed: %s' % err)
    other = t.read_capture(theirs)
    for k in ('boot_state', 'capacity', 'written', 'dropped', 'build_id'):
        t.check(cap['info'][k] == other['info'][k], 'info.%s: gdb %r, agent %r'
                % (k, cap['info'][k], other['info'][k]))
    t.check(len(cap['events']) == len(other['events']), 'event count %d vs %d'
            % (len(cap['events']), len(other['events'])))
    for a, b in zip(cap['events'], other['events']):
        t.check(a == b, 'event %d differs:\n gdb   %r\n agent %r' % (a['seq'], a, b))
    # The agent also keeps caller chains (mb-save does not): their symbols
    # come after the callers', so the callers' table is the common prefix.
    t.check(cap['syms'] == other['syms'][:len(cap['syms'])],
            'symbol tables differ:\n gdb   %r\n agent %r' % (cap['syms'], other['syms']))
    for role in ('initial', 'final'):
        fa = cap['states'][role][0]
        fb = other['states'][role][0]
        for k in ('valid', 'bottom_up', 'at', 'current_limit', 'memory', 'reserved'):
            t.check(fa[k] == fb[k], '%s %s: gdb %r, agent %r' % (role, k, fa[k], fb[k]))
    rc, out_a, err = t.cli('dump', theirs)
    rc2, out_b, err2 = t.cli('dump', mine)
    t.check(rc == 0 and rc2 == 0, 'memblock-cli dump: %s %s' % (err, err2))
    t.check_equal(out_b, out_a, 'memblock-cli dump: mb-save capture vs agent capture')


t.run(scenario)

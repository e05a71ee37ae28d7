# SPDX-License-Identifier: GPL-2.0-only
# scenario_save_at_break.py - mb-save at an mb-break stop writes a capture replay --verify accepts.
# MBT_ARG: reserve (mb-break reserve: depth-0 calls) | nested (mb-break --nested
#          double_array on the doubling kernel: memblock's own record, mid-call).
#
# At a stop on mb_evlog_append the call has changed the arrays but is not in
# the log yet. Without the pending record, "replay --verify" of the capture
# fails: the arrays hold one call more than the log replays. At a nested
# record the outer call is still running: the capture is marked (no final
# arrays, meta final_state) and verify says there is nothing to verify.
import os
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402


def scenario():
    t.load_scripts()
    q = t.Qemu()
    q.connect()
    cmd = {'reserve': 'mb-break reserve', 'nested': 'mb-break --nested double_array'}[t.ARG]
    t.ex(cmd)
    done = t.stop_at_done()
    saved = 0
    stops = 0
    while saved < 4:
        ev = t.cont()
        if done in ev.breakpoints:
            break
        stops += 1
        # Every stop for the nested record; every 7th reserve (the first included).
        if t.ARG == 'reserve' and (stops - 1) % 7:
            continue
        n_before = t.header().written
        path = os.path.join(t.TMP, 'at-stop-%d.mbcap' % stops)
        out = t.ex('mb-save ' + path)
        said = out
        cap = t.read_capture(path)
        rc, out, err = t.cli('replay', '--verify', path)
        if t.ARG == 'nested':
            t.check(cap['meta'].get('final_state', '').startswith('omitted: stopped inside'),
                    'mid-call capture not marked: %r' % cap['meta'])
            t.check(not cap['states']['final'][0]['valid'], 'mid-call arrays saved as final')
            t.check(rc != 0 and 'nothing to verify against' in err,
                    'replay --verify of a mid-call capture: exit %d %r' % (rc, err))
            rc, out, err = t.cli('replay', path)
            t.check(rc == 0, 'replay of a mid-call capture failed: %s' % err)
        else:
            t.check(cap['states']['final'][0]['valid'], 'final arrays missing')
            t.check(rc == 0, 'stop %d: replay --verify of the mb-save capture failed '
                    '(exit %d):\n%s%s' % (stops, rc, out[-600:], err))
        t.check(len(cap['events']) == n_before + 1,
                'stop %d: %d events, log has %d (+1 pending expected)'
                % (stops, len(cap['events']), n_before))
        last = cap['events'][-1]
        want = 'memblock_double_array' if t.ARG == 'nested' else 'memblock_reserve'
        from mbgdb import constants as C
        t.check(C.op_name(last['op']) == want and last['seq'] == n_before,
                'pending event: %r' % last)
        t.check('(the pending call included)' in said, 'mb-save did not say so: %r' % said)
        # The log is still the target's: nothing was written into the guest.
        t.check(t.header().written == n_before, 'mb-save changed the guest log')
        saved += 1
    t.check(saved >= 1, 'no %s stop reached' % cmd)


t.run(scenario)

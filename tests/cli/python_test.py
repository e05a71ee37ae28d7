#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""python_test.py - the memblock Python module agrees with memblock-cli on real captures.

Usage: python_test.py --pydir DIR --cli CLI --mkcap MKCAP --data DIR --work DIR
                      [--kernel-dir DIR] MODE
MODE files:  every capture the CLI tests use or make (tests/data/cli, mb-mkcapture
             variants, imports of the real Linux logs) and a copy carrying an
             unknown optional section;
MODE kernel: captures of kernel.elf and kernel-doubling.elf under QEMU.
For each capture: event count and every event (with its caller chain) against "log -j", the arrays
against "dump -j" (final or replayed) and "dump --at N -j" against
state_at(N), verify() against "replay --verify", a rewrite through new()/
write() read back by the CLI, and per-caller totals against "diff -j".
"""

import argparse
import bisect
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

A = None


def die(msg):
    sys.exit('FAIL: ' + msg)


def cli(*args, check=True):
    p = subprocess.run([A.cli] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=300)
    if check and p.returncode != 0:
        die('memblock-cli %s: exit %d: %s' % (' '.join(map(str, args)), p.returncode,
                                               p.stderr.strip()))
    return p


def cli_json(*args):
    return json.loads(cli(*(args[:1] + ('-j',) + args[1:])).stdout)


def num(v):
    return int(v, 0) if isinstance(v, str) else v


FLAG_BITS = {'HOTPLUG': 1, 'MIRROR': 2, 'NOMAP': 4, 'DRV_MNG': 8, 'RSV_NIT': 16}


def flag_bits(names):
    """A -j flags array (["HOTPLUG", "0x40"]) as its bits."""
    return sum(FLAG_BITS[n] if n in FLAG_BITS else int(n, 16) for n in names)


def same_array(tag, arr, js):
    if (arr.cnt, arr.max, arr.total_size) != (js['cnt'], js['max'], num(js['total_size'])):
        die('%s: cnt/max/total %r vs CLI %r' % (tag, (arr.cnt, arr.max, arr.total_size),
                                                (js['cnt'], js['max'], js['total_size'])))
    if len(arr.regions) != len(js['regions']):
        die('%s: %d regions vs CLI %d' % (tag, len(arr.regions), len(js['regions'])))
    import memblock
    for i, (r, j) in enumerate(zip(arr.regions, js['regions'])):
        flags = list(memblock.region_flag_names(r.flags))
        if flags == ['NONE']:
            flags = []
        got = (r.base, r.size, r.nid, flags)
        want = (num(j['base']), num(j['size']), j['nid'], j['flags'])
        if got != want:
            die('%s[%d]: %r vs CLI %r' % (tag, i, got, want))


def same_state(tag, st, js):
    arrays = js['arrays']
    if st.bottom_up != arrays['bottom_up'] or st.current_limit != num(arrays['current_limit']):
        die('%s: bottom_up/current_limit %r/%#x vs CLI %r/%s'
            % (tag, st.bottom_up, st.current_limit, arrays['bottom_up'],
               arrays['current_limit']))
    same_array(tag + '.memory', st.memory, arrays['memory'])
    same_array(tag + '.reserved', st.reserved, arrays['reserved'])


def check_events(path, cap):
    log = cli_json('log', path)
    evs = log['events']
    if len(cap.events) != log['total_events'] or len(cap.events) != len(evs):
        die('%s: %d events, log -j says %d (%d listed)'
            % (path, len(cap.events), log['total_events'], len(evs)))
    if cap.log['dropped'] != log['dropped']:
        die('%s: dropped %d vs CLI %d' % (path, cap.log['dropped'], log['dropped']))
    for e, j in zip(cap.events, evs):
        got = (e.index, e.seq, e.op_name, e.depth, e.failed, e.base, e.size, e.align,
               e.min_addr, e.max_addr, e.nid, e.mflags, e.result, e.caller_text,
               e.memory_cnt, e.reserved_cnt)
        want = (j['index'], j['seq'], j['op'], j['depth'], j['failed'], num(j['base']),
                num(j['size']), num(j['align']), num(j['min_addr']), num(j['max_addr']),
                j['nid'], flag_bits(j['flags']), num(j['result']), j['caller']['text'],
                j['memory_cnt'],
                j['reserved_cnt'])
        if got != want:
            die('%s: event %d:\n python %r\n CLI    %r' % (path, e.index, got, want))
        # Caller chains: present in both or neither, frame by frame.
        import memblock
        ch = cap.chain(e.index)
        got = ch and (ch.method, [(f.address, memblock.frame_text(f)) for f in ch.frames])
        want = 'chain' in j and (j['chain_method'].replace('-', '_'),
                                 [(num(f['address']), f['text']) for f in j['chain']])
        if bool(got) != bool(want) or (got and got != want):
            die('%s: event %d chain:\n python %r\n CLI    %r' % (path, e.index, got, want))


def check_states(path, cap):
    d = cli_json('dump', path)
    n = len(cap.events)
    if d['state'] == 'final':
        same_state(path + ' final', cap.final, d)
    elif d['state'] == 'replayed':
        same_state(path + ' replayed', cap.state_at(n), d)
    else:
        die('%s: dump -j state %r' % (path, d['state']))
    for at in sorted({0, 1, n // 3, n // 2, n}):
        if at > n:
            continue
        d = cli_json('dump', '--at', at, path)
        same_state('%s at %d' % (path, at), cap.state_at(at), d)
    p = cli('replay', '--verify', path, check=False)
    v = cap.verify()
    # The CLI also fails a verify whose log dropped calls (it is incomplete).
    if (p.returncode == 0) != (v.ok and v.report['dropped'] == 0):
        die('%s: verify %r (%s), CLI replay --verify exit %d: %s'
            % (path, v.ok, v.divergence, p.returncode, p.stdout[-300:]))


def check_rewrite(path, cap, work):
    """Copy everything through the writer API; the CLI must read the same."""
    import memblock
    out = os.path.join(work, 'rewrite-' + os.path.basename(path))
    copy_capture(cap, out)
    for cmd in (('log', '-j'), ('dump', '-j'), ('replay', '--verify')):
        a = cli(*cmd, path, check=False)
        b = cli(*cmd, out, check=False)
        if a.returncode != b.returncode or a.stdout.replace(path, 'X') != b.stdout.replace(out, 'X'):
            die('%s: %s of the rewritten capture differs' % (path, ' '.join(cmd)))
    again = memblock.open(out)
    if again.meta != cap.meta or again.events != cap.events or again.final != cap.final:
        die('%s: rewritten capture reads back differently' % path)


GROUPS = ('caller', 'frame', 'frame:1', 'chain', 'chain:2')


def walk_owners(ranges, starts, b, e):
    """[b, e) cut by the owned @ranges (memblock.Owned, sorted): (lo, hi,
    owner) pieces, bytes no range covers owned by the initial state."""
    import memblock
    i = bisect.bisect_right(starts, b) - 1
    if i < 0 or ranges[i].end <= b:
        i += 1
    pos = b
    while pos < e:
        if i < len(ranges) and ranges[i].base <= pos:
            hi = min(e, ranges[i].end)
            yield pos, hi, ranges[i].owner
            i += 1
        else:
            hi = min(e, ranges[i].base) if i < len(ranges) else e
            yield pos, hi, memblock.NAME_INITIAL
        pos = hi


def check_owners(path, cap):
    """Ownership (analysis/ through the module) against map -j and diff -j.

    Returns the number of map pieces compared."""
    import memblock
    n = len(cap.events)
    compared = 0
    for group in GROUPS:
        # Totals after every event: diff of the capture with itself, --all
        # lists every owner with its bytes on both sides.
        js = cli_json('diff', '--all', '--group', group, path, path)
        theirs = {r['caller']: num(r['a_size']) for r in js['callers'] if num(r['a_size'])}
        mine = dict(memblock.owners(cap, group=group))
        if mine != theirs:
            die('%s: owners by %s\n python %r\n CLI    %r' % (path, group, mine, theirs))
        if sum(mine.values()) != num(js['total']['a_size']):
            die('%s: owned bytes by %s %d vs CLI %s' % (path, group, sum(mine.values()),
                                                       js['total']['a_size']))
        # Who holds what, range by range, at several points: map -j splits
        # each reserved region into pieces by owner; bytes no call owns are
        # the initial state's there.
        own = cap.ownership(group)
        for at in sorted({0, n // 3, n // 2, n}):
            ranges = own.seek(at).ranges()
            if any(x.base >= x.end or x.end > y.base for x, y in zip(ranges, ranges[1:])):
                die('%s: owned ranges at %d are not disjoint and sorted' % (path, at))
            starts = [r.base for r in ranges]
            m = cli_json('map', '--at', at, '--group', group, path)
            for reg in m['reserved']:
                for pc in reg['pieces']:
                    b = num(pc['base'])
                    for lo, _hi, who in walk_owners(ranges, starts, b, b + num(pc['size'])):
                        if who != pc['caller']:
                            die('%s: at %d by %s, %#x is %r in python, %r in map -j'
                                % (path, at, group, lo, who, pc['caller']))
                    compared += 1
    try:
        cap.ownership('no-such-grouping')
    except ValueError as e:
        if ("unknown grouping 'no-such-grouping'" not in str(e) or
                "chain:N (1-16)" not in str(e)):
            die('unknown grouping: the message does not name it: %s' % e)
    else:
        die('an unknown grouping was accepted')
    return compared


def check_dump_text(path, cap):
    """memblock.dump_text() against "dump" and "dump --at N" (the same C formatter)."""
    import memblock
    n = len(cap.events)
    got = cap.end_state.dump_text()
    want = cli('dump', path).stdout
    if got != want:
        die('%s: dump_text()\n python %r\n CLI    %r' % (path, got[:300], want[:300]))
    lines = want.splitlines(True)
    only = ''.join(ln for ln in lines if ln.startswith((' reserved.', ' reserved[')))
    if memblock.dump_text(cap.end_state, arrays=['reserved']) != only:
        die('%s: dump_text(arrays=[reserved]) is not the reserved lines of dump' % path)
    rows = [ln.rstrip('\n').split('\t', 1)[1] for ln in only.splitlines(True)[1:]]
    texts = [memblock.region_text(r) for r in cap.end_state.reserved.regions]
    if texts != rows:
        die('%s: region_text() is not the rows of dump:\n python %r\n CLI    %r'
            % (path, texts[:3], rows[:3]))
    for at in sorted({0, n // 2}):
        if cap.state_at(at).dump_text() != cli('dump', '--at', at, path).stdout:
            die('%s: dump_text() at %d differs from dump --at %d' % (path, at, at))


def check_diff(a, b):
    import memblock
    for group in GROUPS:
        d = memblock.diff(a, b, group=group)
        js = cli_json('diff', '--group', group, a, b)
        mine = [(r.caller, r.status, r.a_bytes, r.b_bytes, r.delta) for r in d.callers]
        theirs = [(r['caller'], r['status'], num(r['a_size']), num(r['b_size']),
                   num(r['delta']))
                  for r in js['callers'] if r['a_size'] != r['b_size']]
        if mine != theirs:
            die('diff --group %s %s %s: callers\n python %r\n CLI    %r'
                % (group, a, b, mine, theirs))
        if (d.totals['a_owned_bytes'], d.totals['b_owned_bytes']) != (
                num(js['total']['a_size']), num(js['total']['b_size'])):
            die('diff --group %s %s %s: owned bytes %r vs CLI %r'
                % (group, a, b, d.totals, js['total']))
    d = memblock.diff(a, b)
    js = cli_json('diff', a, b)
    for name in ('memory', 'reserved'):
        got = sorted([('added', r.base, r.size) for r in d.regions[name]['added']]
                     + [('removed', r.base, r.size) for r in d.regions[name]['removed']])
        if not js['ranges'][name] and got:
            die('diff %s %s: %s regions changed in python (%r), none in the CLI'
                % (a, b, name, got[:4]))
        if js['ranges'][name] and not got:
            die('diff %s %s: %s ranges changed in the CLI, no region in python' % (a, b, name))
    return d


def copy_capture(cap, out, chain=lambda ch: ch.frames):
    """Write @cap again through new()/write(); @chain picks each chain's frames."""
    import memblock
    c = memblock.new(source=cap.source, boot_state=cap.boot_state,
                     log_capacity=cap.log['capacity'], log_written=cap.log['written'],
                     log_dropped=cap.log['dropped'], build_id=bytes.fromhex(cap.build_id))
    for k, v in cap.meta.items():
        c.set_meta(k, v)
    c.set_state('initial', cap.initial)
    c.set_state('final', cap.final)
    c.add_events(cap.events)
    for i in range(len(cap.events)):
        ch = cap.chain(i)
        if ch:
            c.set_chain(i, chain(ch), ch.method)
    for at, st in cap.checkpoints:
        c.add_checkpoint(at, st)
    c.write(out)


def add_unknown_section(src, dst):
    """A copy of @src with an extra optional section of an unknown type (the
    header, table and checksums rebuilt per docs/capture-format.md)."""
    blob = open(src, 'rb').read()
    _v, hsize, _total, toff, nsect, esize = struct.unpack_from('<IIQQII', blob, 8)
    body = bytearray(blob[hsize:toff])
    table = bytearray(blob[toff:toff + nsect * esize])
    extra = b'a section this reader does not know'
    entry = struct.pack('<IIQQII', 0x7fff, 0, hsize + len(body), len(extra),
                        zlib.crc32(extra), 0).ljust(esize, b'\0')
    body += extra
    rest = bytes(body + table + entry)
    hdr = bytearray(blob[:hsize])
    struct.pack_into('<QQI', hdr, 16, hsize + len(rest), hsize + len(body), nsect + 1)
    struct.pack_into('<I', hdr, 40, zlib.crc32(rest))
    struct.pack_into('<I', hdr, 60, zlib.crc32(bytes(hdr[:60])))
    open(dst, 'wb').write(bytes(hdr) + rest)


def main():
    global A
    ap = argparse.ArgumentParser()
    ap.add_argument('--pydir', required=True)
    ap.add_argument('--cli', required=True)
    ap.add_argument('--mkcap')
    ap.add_argument('--data')
    ap.add_argument('--work', required=True)
    ap.add_argument('--kernel-dir')
    ap.add_argument('mode', choices=['files', 'kernel'])
    A = ap.parse_args()
    sys.path.insert(0, A.pydir)
    import memblock
    if not memblock.__file__.startswith(os.path.abspath(A.pydir)):
        die('imported %s, not the build tree module' % memblock.__file__)
    work = os.path.join(A.work, A.mode)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    caps = []
    pairs = []
    if A.mode == 'files':
        cdir = os.path.join(A.data, 'cli')
        caps += [os.path.join(cdir, f) for f in sorted(os.listdir(cdir)) if f.endswith('.cap')]
        # Captures with caller chains, so grouping by frame differs from by caller.
        hdir = os.path.join(A.data, 'chains')
        caps += [os.path.join(hdir, f) for f in sorted(os.listdir(hdir)) if f.endswith('.cap')]
        # Our kernel's first frame outside memblock is the caller itself; with
        # the chains starting one frame further out, the two groupings differ.
        shifted = os.path.join(work, 'shifted-chains.cap')
        copy_capture(memblock.open(os.path.join(hdir, 'with-chains-gdb.cap')), shifted,
                     lambda ch: ch.frames[1:] or ch.frames)
        sc = memblock.open(shifted)
        if memblock.owners(sc, group='caller') == memblock.owners(sc, group='frame'):
            die('%s: grouping by frame changes nothing: the group checks prove little' % shifted)
        caps.append(shifted)
        pairs.append((os.path.join(hdir, 'with-chains-gdb.cap'), shifted))
        for name, args in (('mk300.cap', ['-n', '300']), ('mk300v1.cap', ['-n', '300', '-v', '1']),
                           ('mkdrop.cap', ['-n', '80', '--dropped', '7'])):
            out = os.path.join(work, name)
            subprocess.run([A.mkcap] + args + ['-o', out], check=True, timeout=120)
            caps.append(out)
        pairs.append((caps[-3], caps[-2]))
        ldir = os.path.join(A.data, 'linux')
        for f in sorted(os.listdir(ldir)):
            if f.endswith('.log'):
                out = os.path.join(work, f.replace('.log', '.cap'))
                cli('import', '-o', out, os.path.join(ldir, f))
                caps.append(out)
        imported = [c for c in caps if c.endswith('-m512.cap')]
        if len(imported) >= 2:
            pairs.append((imported[0], imported[1]))
        extra = os.path.join(work, 'unknown-section.cap')
        add_unknown_section(caps[0], extra)
        a, b = memblock.open(caps[0]), memblock.open(extra)
        if a.events != b.events or a.final != b.final or a.meta != b.meta:
            die('an unknown optional section changed what the module read')
        caps.append(extra)
    else:
        for k in ('kernel.elf', 'kernel-doubling.elf'):
            out = os.path.join(work, k.replace('.elf', '.cap'))
            cli('capture', '-k', os.path.join(A.kernel_dir, k), '-o', out)
            caps.append(out)
        pairs.append((caps[0], caps[1]))

    owned = 0
    for path in caps:
        cap = memblock.open(path)
        check_events(path, cap)
        check_states(path, cap)
        check_rewrite(path, cap, work)
        check_dump_text(path, cap)
        owned += check_owners(path, cap)
    if not owned:
        die('no map piece was compared with the module: the ownership check proved nothing')
    changed = 0
    for a, b in pairs:
        changed += len(check_diff(a, b).callers)
    if not changed:
        die('no pair of captures showed a caller change: the diff check proved nothing')
    # Errors carry the agent's code and message.
    try:
        memblock.open(os.path.join(A.data, 'linux', 'README.md'))
    except memblock.CaptureError as e:
        if e.code != 'format' or 'not a capture file' not in str(e):
            die('unexpected error for a text file: %s %s' % (e.code, e))
    else:
        die('a text file opened as a capture')
    print('python module agrees with memblock-cli on %d captures, %d diffs, %d map pieces'
          % (len(caps), len(pairs), owned))


if __name__ == '__main__':
    main()

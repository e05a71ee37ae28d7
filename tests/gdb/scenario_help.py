# SPDX-License-Identifier: GPL-2.0-only
# scenario_help.py - help text, tab completion and pretty printers (no QEMU: the ELF only).
import os
import sys

sys.path.insert(0, os.environ['MBT_HELPERS'])
import mbtest as t  # noqa: E402


def scenario():
    t.load_scripts()
    C = t.constants()
    for cmd in ('mb-dump', 'mb-log', 'mb-at', 'mb-whois', 'mb-break', 'mb-map', 'mb-save'):
        text = t.ex('help ' + cmd)
        t.check(text.startswith(cmd) and len(text.splitlines()) >= 3,
                'help %s: %r' % (cmd, text))
    got = t.ex('complete mb-break res').split()
    t.check('reserve' in got and 'reserved_mark_noinit' in got, 'complete mb-break res: %r' % got)
    got = t.ex('complete mb-break --sil').split()
    t.check('--silent' in got, 'complete mb-break --sil: %r' % got)
    got = t.ex('complete mb-log --op phys_al').split()
    t.check('phys_alloc_range' in got and 'phys_alloc' in got, 'complete mb-log --op: %r' % got)
    got = t.ex('complete mb-break add,res').split()
    t.check(any(g.endswith('add,reserve') for g in got), 'comma completion: %r' % got)
    got = t.ex('complete mb-dump m').split()
    t.check('memory' in got, 'complete mb-dump: %r' % got)
    # Every operation of the uapi list is accepted by name.
    for op in C.OPS:
        t.check(C.lookup_op(op.short) is op and C.lookup_op(op.func) is op, op.func)
    # docs/gdb.md documents every command, option and error message.
    from mbgdb import commands, target
    docs = os.path.join(os.environ['MBT_HELPERS'], '..', '..', 'docs', 'gdb.md')
    with open(docs) as f:
        doc = f.read()
    for cmd in ('mb-dump', 'mb-log', 'mb-at', 'mb-break', 'mb-map', 'mb-save', 'mb-cli',
                'mb-max-numnodes'):
        t.check(('`%s' % cmd) in doc or ('`set %s' % cmd) in doc,
                'docs/gdb.md does not document %s' % cmd)
    for opts in commands.OPTION_NAMES.values():
        for o in opts:
            t.check(o in doc, 'docs/gdb.md does not document option %s' % o)
    msgs = [getattr(target, n) for n in dir(target) if n.startswith('ERR_')]
    msgs.append(commands.ERR_NO_CLI)
    for m in msgs:
        head = m.split('%')[0].rstrip(' ("')
        t.check(head in doc, 'docs/gdb.md lacks the message %r' % head)
    # Pretty printers, on the static image (the ELF's .data: memblock before boot).
    if t.KERNEL:
        t.ex('file ' + t.KERNEL)
        text = t.ex('print memblock')
        t.check('memblock: top-down, current_limit=0x' in text, 'print memblock: %r' % text)
        t.check('memory: cnt=0 max=' in text and 'reserved: cnt=0 max=' in text,
                'print memblock: %r' % text)
        text = t.ex('print memblock.memory.regions[0]')
        t.check('= [0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes'
                in text and text.rstrip().endswith('flags: 0x0'), 'print region: %r' % text)
        t.check('memblock' in t.ex('info pretty-printer'), 'printers not registered')


t.run(scenario)

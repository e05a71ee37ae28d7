# SPDX-License-Identifier: GPL-2.0-only
"""brk.py - mb-break: stop (or log) when memblock records an operation.

On our kernel the breakpoint sits on the first instruction of
mb_evlog_append(rec), where the x86-64 ABI puts @rec in %rdi: the record is
complete except for seq/tsc, which the append fills in.  On a kernel
without the event log (Linux), it falls back to breakpoints on the Linux
functions of the requested operations and prints their arguments.
"""

import gdb

from . import commands
from . import constants as C
from . import records
from . import target

APPEND = 'mb_evlog_append'
_breakpoints = []


def _set_conv(name, value):
    gdb.set_convenience_variable(name, value)


def _eval_cond(cond):
    try:
        return bool(gdb.parse_and_eval(cond))
    except gdb.error as e:
        gdb.write('mb-break: condition "%s" failed: %s (stopping)\n' % (cond, e))
        return True


class LogBreakpoint(gdb.Breakpoint):
    """Breakpoint on mb_evlog_append filtered on the record's op and depth."""

    def __init__(self, ops, cond, silent, nested):
        super().__init__('*' + APPEND, gdb.BP_BREAKPOINT, internal=silent)
        self.mb_ops = {o.value for o in ops}
        self.mb_desc = ','.join(o.short for o in ops) if len(ops) < len(C.OPS) else 'any'
        self.mb_cond = cond
        self.mb_silent = silent
        self.mb_nested = nested
        self.mb_hits = 0
        self._last_key = None

    def stop(self):
        try:
            frame = gdb.selected_frame()
            ptr = int(frame.read_register('rdi'))
            raw = target.read(ptr, C.RECORD_SIZE)
            r = C.decode_record(raw)
        except (gdb.error, gdb.GdbError, ValueError) as e:
            gdb.write('mb-break: cannot read the record: %s\n' % e)
            return not self.mb_silent
        if r.op not in self.mb_ops or (r.depth and not self.mb_nested):
            return False
        index = -1
        dropped = False
        key = None
        try:
            _addr, hdr = target.read_header()
            index = hdr.written
            dropped = hdr.written >= hdr.capacity
            # Every append moves written or dropped on.  The same key again means
            # the target re-reported the breakpoint for the same call (seen
            # with QEMU when the first instruction is re-executed, e.g. after
            # an interrupt): count and print each call once.
            key = (hdr.written, hdr.dropped, ptr)
        except gdb.GdbError:
            pass
        if key is not None and key == self._last_key:
            return False
        for k, v in (('mb_index', index), ('mb_op', r.op), ('mb_base', r.base),
                     ('mb_size', r.size), ('mb_align', r.align), ('mb_nid', r.nid),
                     ('mb_result', r.result), ('mb_caller', r.caller),
                     ('mb_rflags', r.rflags), ('mb_depth', r.depth),
                     ('mb_min_addr', r.min_addr), ('mb_max_addr', r.max_addr)):
            _set_conv(k, v)
        if self.mb_cond and not _eval_cond(self.mb_cond):
            return False
        self._last_key = key
        self.mb_hits += 1
        _set_conv('mb_break_hits', self.mb_hits)
        text = records.line(index, r)
        if dropped:
            text += ' [not recorded: log full]'
        gdb.write('mb-break: %s\n' % text)
        return not self.mb_silent


class FuncBreakpoint(gdb.Breakpoint):
    """Fallback without the event log: a breakpoint on a Linux memblock function."""

    def __init__(self, op, cond, silent):
        super().__init__(op.func, gdb.BP_BREAKPOINT, internal=silent)
        self.mb_desc = op.short
        self.mb_op = op
        self.mb_cond = cond
        self.mb_silent = silent
        self.mb_hits = 0
        self._last_key = None

    def stop(self):
        frame = gdb.selected_frame()
        args = []
        try:
            for sym in frame.block():
                if sym.is_argument:
                    v = frame.read_var(sym, frame.block())
                    try:
                        iv = int(v)
                        args.append('%s=%#x' % (sym.name, iv))
                        _set_conv('mb_' + sym.name, iv)
                    except (gdb.error, ValueError, TypeError):
                        args.append('%s=%s' % (sym.name, v))
        except RuntimeError:
            pass
        caller = frame.older().pc() if frame.older() is not None else 0
        # A re-reported hit of the same call (see LogBreakpoint.stop) has the same
        # stack, caller, arguments and, on our kernel, the same log position.
        pos = None
        if _has_symbol(APPEND):
            try:
                hdr = target.read_header()[1]
                pos = (hdr.written, hdr.dropped)
            except gdb.GdbError:
                pass
        key = (int(frame.read_register('rsp')), caller, tuple(args), pos)
        if key == self._last_key:
            return False
        _set_conv('mb_op', self.mb_op.value)
        _set_conv('mb_caller', caller)
        if self.mb_cond and not _eval_cond(self.mb_cond):
            return False
        self._last_key = key
        self.mb_hits += 1
        _set_conv('mb_break_hits', self.mb_hits)
        gdb.write('mb-break: %s(%s) from %s\n' % (self.mb_op.func, ', '.join(args),
                                                  target.format_caller(caller)))
        return not self.mb_silent


def _has_symbol(name):
    try:
        return gdb.lookup_global_symbol(name) is not None or \
            gdb.parse_and_eval('&' + name) is not None
    except gdb.error:
        return False


class MbBreak(gdb.Command):
    """mb-break [--silent] [--nested] [--function] OP[,OP...]|any [if CONDITION]
Stop when memblock records an operation of that kind, printing a one-line
summary of the call (arguments, caller, result, region counts).
  --silent   print the summary but do not stop (an internal breakpoint, like
             lx-symbols'); remove with "mb-break --clear"
  --nested   also match memblock's own nested records (depth > 0)
  --function break on the Linux function itself (memblock_reserve, ...) and
             print its arguments (also as $mb_<argument name>): on entry,
             before the call has done anything; calls memblock makes to
             itself count too
  if COND    a gdb expression; it can use $mb_index $mb_op $mb_base $mb_size
             $mb_align $mb_nid $mb_result $mb_caller $mb_depth $mb_rflags
             $mb_min_addr $mb_max_addr (of the record being written)
The stop is at the entry of mb_evlog_append: the call has finished, the record
is about to be stored as number $mb_index ("finish" to see it in mb-log).
On kernels without the event log the breakpoint goes on the Linux function
(e.g. memblock_reserve) and prints its arguments.
"mb-break" or "mb-break --list" lists mb breakpoints; "mb-break --clear"
deletes them all. Each breakpoint counts its hits in $mb_break_hits."""

    def __init__(self):
        super().__init__('mb-break', gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        silent = nested = function = False
        cond = None
        if 'if' in argv:
            k = argv.index('if')
            cond = arg[arg.index(' if ') + 4:].strip() if ' if ' in arg else ''
            argv = argv[:k]
            if not cond:
                commands._usage(self)
        opts = [a for a in argv if a.startswith('--')]
        words = [a for a in argv if not a.startswith('--')]
        for o in opts:
            if o == '--silent':
                silent = True
            elif o == '--nested':
                nested = True
            elif o == '--function':
                function = True
            elif o in ('--list', '--clear'):
                if len(argv) != 1:
                    commands._usage(self)
                return self._clear() if o == '--clear' else self._list()
            else:
                commands._usage(self)
        if not words:
            if silent or nested or function or cond:
                commands._usage(self)
            return self._list()
        if len(words) != 1:
            commands._usage(self)
        ops = commands._ops_arg(words[0])
        if not function and _has_symbol(APPEND):
            bp = LogBreakpoint(ops, cond, silent, nested)
            _breakpoints.append(bp)
            gdb.write('mb-break: %s breakpoint on %s (%s)%s\n'
                      % ('silent' if silent else 'stopping', APPEND, bp.mb_desc,
                         ' if ' + cond if cond else ''))
            return
        target.memblock_value()
        for op in ops:
            if not _has_symbol(op.func):
                if len(ops) == 1:
                    raise gdb.GdbError('mb: no event log and no function %s to break on'
                                       % op.func)
                continue
            bp = FuncBreakpoint(op, cond, silent)
            _breakpoints.append(bp)
            gdb.write('mb-break: %s breakpoint on %s\n'
                      % ('silent' if silent else 'stopping', op.func))

    def _list(self):
        live = [b for b in _breakpoints if b.is_valid()]
        _breakpoints[:] = live
        if not live:
            gdb.write('No mb breakpoints.\n')
        for b in live:
            gdb.write('%s %s%s on %s: %s%s, %d hit(s)\n'
                      % ('internal' if b.mb_silent else '#%d' % b.number,
                         'silent' if b.mb_silent else 'stopping',
                         ' nested' if getattr(b, 'mb_nested', False) else '',
                         b.location, b.mb_desc,
                         ' if ' + b.mb_cond if b.mb_cond else '', b.mb_hits))

    def _clear(self):
        n = 0
        for b in _breakpoints:
            if b.is_valid():
                b.delete()
                n += 1
        _breakpoints[:] = []
        gdb.write('mb-break: deleted %d breakpoint(s)\n' % n)

    def complete(self, text, word):
        return commands._complete_ops(text, word, commands.OPTION_NAMES['mb-break'])


def register():
    MbBreak()

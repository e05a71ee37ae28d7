# SPDX-License-Identifier: GPL-2.0-only
"""records.py - one-line descriptions of event-log records (mb-log, mb-break)."""

from . import constants as C
from . import fmt
from . import target

# Operation families, keyed on the enum suffix from the X-macro list.
_RANGE_ONLY = ('ADD', 'REMOVE', 'RESERVE', 'PHYS_FREE', 'FREE', 'MARK_HOTPLUG',
               'CLEAR_HOTPLUG', 'MARK_MIRROR', 'MARK_NOMAP', 'CLEAR_NOMAP',
               'RESERVED_MARK_NOINIT', 'PHYSMEM_ADD', 'CAP_MEMORY_RANGE')
_LIMIT = ('SET_CURRENT_LIMIT', 'MEM_LIMIT_REMOVE_MAP', 'ENFORCE_MEMORY_LIMIT')


def _range(r):
    return '[%s-%s]' % (fmt.pa(r.base), fmt.pa(r.base + r.size - 1))


def _signed(v):
    return v - (1 << 64) if v & (1 << 63) else v


def _type_name(value):
    for k, v in C.DEFINES.items():
        if k.startswith('MB_TYPE_') and v == value:
            return k[len('MB_TYPE_'):].lower()
    return 'type%d' % value


def describe(r):
    """Text after the op name: the arguments in memblock=debug style."""
    op = C.OP_BY_VALUE.get(r.op)
    s = op.suffix if op else ''
    if s in _RANGE_ONLY:
        return _range(r)
    if s == 'ADD_NODE':
        return '%s nid=%d flags=%x' % (_range(r), r.nid, r.mflags)
    if s == 'SET_NODE':
        return '%s %s nid=%d' % (_range(r), _type_name(r.mflags), r.nid)
    if 'ALLOC' in s:
        text = '%d bytes align=%#x' % (r.size, r.align)
        if r.nid != -1 or 'NID' in s or 'NODE' in s:
            text += ' nid=%d' % r.nid
        text += ' from=%s max_addr=%s' % (fmt.pa(r.min_addr), fmt.pa(r.max_addr))
        if s == 'ALLOC_RANGE_NID':
            text += ' exact_nid=%d' % r.mflags
        return text
    if s == 'DOUBLE_ARRAY':
        return '%s is doubled to %d at %s' % (_type_name(r.mflags), r.max_addr, _range(r))
    if s in _LIMIT:
        return 'limit=%s' % fmt.pa(r.max_addr)
    if s.startswith('SET_') and r.max_addr in (0, 1):
        return 'enable=%d' % r.max_addr
    if s == 'TRIM_MEMORY':
        return 'align=%#x' % r.max_addr
    if r.base or r.size:
        return _range(r)
    return ''


def result_text(r):
    op = C.OP_BY_VALUE.get(r.op)
    s = op.suffix if op else ''
    if r.rflags & C.REC_FAILED:
        v = _signed(r.result)
        return 'FAILED (%d)' % v if v else 'FAILED'
    if 'ALLOC' in s:
        return '-> %s' % fmt.pa(r.result)
    if s == 'FREE_ALL':
        return '-> %d pages' % r.result
    v = _signed(r.result)
    return '-> %d' % v if v else ''


def line(index, r, indent=True):
    """One line: ``[index] func: args caller -> result  (cnt m/r)``."""
    pad = '  ' * r.depth if indent else ''
    parts = ['[%5d] %s%s:' % (index, pad, C.op_name(r.op))]
    d = describe(r)
    if d:
        parts.append(d)
    parts.append(target.format_caller(r.caller) if r.caller else '-')
    res = result_text(r)
    if res:
        parts.append(res)
    parts.append('(memory %d, reserved %d)' % (r.memory_cnt, r.reserved_cnt))
    return ' '.join(parts)

# SPDX-License-Identifier: GPL-2.0-only
"""uapi.py - parse the event-log ABI header (mb_evlog.h) into Python data.

Pure Python, no gdb: used at build time by gen_constants.py and, as a
fallback, at load time when no generated module is found.  Nothing here
knows a constant value; every number comes out of the header text.
"""

import re

_DEFINE_RE = re.compile(
    r'^\s*#\s*define\s+(MB_[A-Z0-9_]+)\s+(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\b')
_OP_RE = re.compile(
    r'X\(\s*([A-Z0-9_]+)\s*,\s*(0[xX][0-9a-fA-F]+|[0-9]+)\s*,\s*"([^"]+)"\s*\)')
_STRUCT_RE = re.compile(r'struct\s+(mb_evlog_[a-z_]+)\s*\{([^}]*)\}\s*;', re.S)
_FIELD_RE = re.compile(
    r'^\s*(u?int(?:8|16|32|64)_t)\s+([a-z_][a-z0-9_]*)\s*(?:\[\s*([A-Za-z0-9_]+)\s*\])?\s*;')

# C fixed-width type -> (struct format letter, size)
_CTYPES = {
    'uint8_t': ('B', 1), 'int8_t': ('b', 1),
    'uint16_t': ('H', 2), 'int16_t': ('h', 2),
    'uint32_t': ('I', 4), 'int32_t': ('i', 4),
    'uint64_t': ('Q', 8), 'int64_t': ('q', 8),
}


_SIZES = {f: s for f, s in _CTYPES.values()}


class UapiError(Exception):
    """The header does not have the shape this parser understands."""


def _strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text,
                  flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def _int(s):
    return int(s, 0)


def parse_defines(text):
    """Return {name: int} for every integer MB_* #define."""
    out = {}
    for line in text.splitlines():
        m = _DEFINE_RE.match(line)
        if m:
            out[m.group(1)] = _int(m.group(2))
    return out


def parse_ops(text):
    """Return [(suffix, value, linux_name)] from the MB_EVLOG_OPS X-macro."""
    m = re.search(r'#\s*define\s+MB_EVLOG_OPS\(\s*X\s*\)', text)
    if not m:
        raise UapiError('MB_EVLOG_OPS X-macro not found')
    body = []
    for line in text[m.start():].splitlines():
        body.append(line)
        if not line.rstrip().endswith('\\'):
            break
    ops = [(s, _int(v), n) for s, v, n in _OP_RE.findall('\n'.join(body))]
    if not ops:
        raise UapiError('MB_EVLOG_OPS has no X(...) entries')
    return ops


def parse_structs(text, defines):
    """Return {struct name: (size, [(field, offset, fmt, count)])}.

    Offsets use natural alignment of the fixed-width types, which is what
    the header promises (explicit padding, static size asserts)."""
    out = {}
    for name, body in _STRUCT_RE.findall(text):
        off = 0
        maxal = 1
        fields = []
        for line in body.splitlines():
            line = line.strip()
            if not line:
                continue
            m = _FIELD_RE.match(line)
            if not m:
                raise UapiError('struct %s: cannot parse field %r' % (name, line))
            ctype, fname, count = m.groups()
            fmt, size = _CTYPES[ctype]
            n = 1
            if count is not None:
                n = defines[count] if count in defines else _int(count)
            off = (off + size - 1) // size * size
            fields.append((fname, off, fmt, n))
            off += size * n
            maxal = max(maxal, size)
        off = (off + maxal - 1) // maxal * maxal
        out[name] = (off, fields)
    return out


def parse_enum(text, enum_name):
    """Return [(name, value)] of a simple C enum (explicit or implicit values)."""
    m = re.search(r'enum\s+%s\s*\{([^}]*)\}' % re.escape(enum_name), text, re.S)
    if not m:
        raise UapiError('enum %s not found' % enum_name)
    out = []
    val = -1
    for item in m.group(1).split(','):
        item = item.strip()
        if not item:
            continue
        if '=' in item:
            k, v = item.split('=', 1)
            val = _int(v.strip())
            k = k.strip()
        else:
            k = item
            val += 1
        out.append((k, val))
    return out


def struct_format(fields, size):
    """A little-endian struct module format covering the whole struct."""
    fmt = '<'
    off = 0
    for _name, foff, ffmt, n in fields:
        if foff > off:
            fmt += '%dx' % (foff - off)
        fmt += '%ds' % n if (ffmt == 'B' and n > 1) else ffmt * n
        off = foff + n * _SIZES[ffmt]
    if size > off:
        fmt += '%dx' % (size - off)
    return fmt


def parse_uapi(text):
    """Parse the whole header; return a dict of everything the scripts use."""
    clean = _strip_comments(text)
    defines = parse_defines(clean)
    for need in ('MB_EVLOG_MAGIC', 'MB_EVLOG_VERSION', 'MB_EVLOG_HEADER_SIZE',
                 'MB_EVLOG_RECORD_SIZE'):
        if need not in defines:
            raise UapiError('%s not defined' % need)
    ops = parse_ops(clean)
    structs = parse_structs(clean, defines)
    layout = {}
    for sname, key, sizedef in (('mb_evlog_header', 'header', 'MB_EVLOG_HEADER_SIZE'),
                                ('mb_evlog_record', 'record', 'MB_EVLOG_RECORD_SIZE')):
        if sname not in structs:
            raise UapiError('struct %s not found' % sname)
        size, fields = structs[sname]
        if size != defines[sizedef]:
            raise UapiError('struct %s parses to %d bytes, %s is %d'
                            % (sname, size, sizedef, defines[sizedef]))
        layout[key] = {'size': size, 'fields': fields,
                       'format': struct_format(fields, size)}
    return {
        'defines': defines,
        'ops': ops,
        'boot_states': {v: k[len('MB_BOOT_STATE_'):] for k, v in defines.items()
                        if k.startswith('MB_BOOT_STATE_')},
        'rec_flags': {k[len('MB_REC_'):]: v for k, v in defines.items()
                      if k.startswith('MB_REC_')},
        'layout': layout,
    }


_CAP_DEFINE_RE = re.compile(
    r'^\s*#\s*define\s+((?:CAP|SECT|SECTF|STATE|STATEF)_[A-Z0-9_]+)\s+'
    r'(0[xX][0-9a-fA-F]+|[0-9]+|"[^"]*"|\(\s*1u?\s*<<\s*[0-9]+\s*\))', re.M)


def parse_capture(c_text, h_text):
    """Capture-file constants: the CAP_/SECT_/STATE_ defines of the agent's
    writer and enum mb_source of its header.  Returns {} when absent."""
    out = {}
    for name, val in _CAP_DEFINE_RE.findall(_strip_comments(c_text or '')):
        if val.startswith('"'):
            out[name] = val[1:-1]
        elif val.startswith('('):
            out[name] = 1 << int(val.split('<<')[1].strip(' )'))
        else:
            out[name] = _int(val)
    if h_text:
        try:
            for name, val in parse_enum(_strip_comments(h_text), 'mb_source'):
                out[name] = val
        except UapiError:
            pass
    need = ('CAP_MAGIC', 'CAP_VERSION', 'CAP_HEADER_SIZE', 'CAP_ENTRY_SIZE',
            'CAP_RECORD_SIZE', 'SECT_INFO', 'SECT_META', 'SECT_SYMS', 'SECT_STATE',
            'SECT_EVENTS', 'SECTF_REQUIRED', 'STATE_INITIAL', 'STATE_FINAL',
            'STATEF_VALID', 'STATEF_BOTTOM_UP', 'MB_SRC_GDB_SCRIPT')
    missing = [n for n in need if n not in out]
    if missing:
        return {'missing': missing}
    return out

# SPDX-License-Identifier: GPL-2.0-only
# memblock.py - gdb loader for the memblock commands: "source gdb-scripts/memblock.py".
#
# Adds the mbgdb package next to this file to sys.path and registers mb-dump,
# mb-log, mb-at, mb-break, mb-map, mb-save and the memblock pretty printers.
# Use the copy in the build tree (<build>/gdb-scripts/memblock.py): it carries
# the constants generated from kernel/include/uapi/mb_evlog.h.

import os
import sys

import gdb

# Not __file__: when this file is sourced from another gdb Python script,
# __file__ still names the outer script.  The code object knows its file.
_here = os.path.dirname(os.path.abspath(sys._getframe(0).f_code.co_filename))
if _here not in sys.path:
    sys.path.insert(0, _here)

try:
    import mbgdb
    from mbgdb import constants as _c
except ImportError as _e:
    raise gdb.GdbError('memblock.py: cannot load the mbgdb package: %s' % _e)

mbgdb.register()
gdb.write('memblock: mb-dump mb-log mb-at mb-break mb-map mb-save loaded '
          '(event log v%d, %d ops, constants %s)\n' % (_c.VERSION, len(_c.OPS), _c.ORIGIN))

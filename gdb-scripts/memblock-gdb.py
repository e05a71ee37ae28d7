# SPDX-License-Identifier: GPL-2.0-only
# memblock-gdb.py - gdb loader for the memblock commands: "source .../memblock-gdb.py".
#
# Adds the mbgdb package next to this file and the memblock Python module
# (found through mbgdb/paths.py) to sys.path, then registers mb-dump, mb-log,
# mb-at, mb-break, mb-map, mb-save and the memblock pretty printers. Loading
# it twice is harmless. Use the build tree's copy (<build>/gdb-scripts/) or
# the installed one (<prefix>/share/memblock-cli/gdb/).

import os
import sys

import gdb

# Not __file__: when this file is sourced from another gdb Python script,
# __file__ still names the outer script.  The code object knows its file.
_here = os.path.dirname(os.path.abspath(sys._getframe(0).f_code.co_filename))
if _here not in sys.path:
    sys.path.insert(0, _here)

try:
    from mbgdb import paths as _paths
    # First on the path: only the memblock package lives there.
    for _d in reversed(_paths.python_dirs()):
        if _d not in sys.path:
            sys.path.insert(0, _d)
    import mbgdb
    from mbgdb import constants as _c
except ImportError as _e:
    raise gdb.GdbError('memblock-gdb.py: cannot load the mb-* commands: %s' % _e)

if not mbgdb.registered():
    mbgdb.register()
    gdb.write('memblock: mb-dump mb-log mb-at mb-whois mb-break mb-map mb-save loaded '
              '(event log v%d, %d ops, constants %s)\n'
              % (_c.VERSION, len(_c.OPS), _c.ORIGIN))

# SPDX-License-Identifier: GPL-2.0-only
"""mbgdb - memblock commands and pretty printers for gdb (loaded by memblock-gdb.py)."""

_registered = False


def registered():
    """True once register() has run (the loader may be sourced twice)."""
    return _registered


def register():
    """Create the mb-* commands, parameters and pretty printers (once)."""
    global _registered
    import gdb
    from . import brk, commands, printers, target
    if _registered:
        return
    commands.register()
    brk.register()
    printers.register()
    gdb.events.new_objfile.connect(target.clear_caches)
    _registered = True

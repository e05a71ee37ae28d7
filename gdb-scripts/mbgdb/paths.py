# SPDX-License-Identifier: GPL-2.0-only
"""paths.py - where the memblock Python module and memblock-cli are.

The build writes mbgdb/_where.py: absolute paths in the build tree, paths
relative to the gdb scripts' folder in an installed tree (so an install
moved to another root, e.g. unpacked with dpkg -x, still finds its parts).
"""

import os
import shutil

_SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    from . import _where
except ImportError:
    _where = None


def _resolve(p):
    return os.path.normpath(p if os.path.isabs(p) else os.path.join(_SCRIPTS, p))


def python_dirs():
    """Folders that hold the memblock package (added to sys.path by the loader)."""
    return [_resolve(p) for p in getattr(_where, 'PYTHON_DIRS', [])]


def cli():
    """memblock-cli to run for mb-at: $MEMBLOCK_CLI, the build's or the installed
    one next to these scripts, else the first on $PATH ("" if none)."""
    env = os.environ.get('MEMBLOCK_CLI')
    if env:
        return env
    for p in getattr(_where, 'CLI', []):
        path = _resolve(p)
        if os.access(path, os.X_OK):
            return path
    return shutil.which('memblock-cli') or ''

"""Data at rest: what the console writes (exam database, images, raw frames, calibrations,
logs) is for the station's user and its group (``vxacq`` in the Debian package), never for
every account on the machine. Folders 0750, files 0640.

:func:`restrict_process` is called once by every entry point (window, commands, service) so
that whatever a library creates follows; :func:`make_private_dirs` and the atomic writer set
the modes themselves, so they hold whatever umask the caller has."""

from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o027
DIR_MODE = 0o750
FILE_MODE = 0o640


def restrict_process() -> int:
    """Add UMASK to the process's umask (a stricter one set by the site stays); the old one."""
    old = os.umask(UMASK)
    os.umask(old | UMASK)
    return old


def make_private_dirs(path: Path) -> Path:
    """Create ``path`` and any missing parents with DIR_MODE (Path.mkdir gives the parents
    the umask's default); folders that exist are left as they are."""
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another process made it in the meantime
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask
    return path

"""Data at rest: what the console writes (exam database, images, raw frames, calibrations,
logs) is never for every account on the station.

Others get nothing; the group gets what the process's umask allows: a desktop's usual 022
gives folders 0750 and files 0640; the Debian package's launcher and service run with 002 so
the console's users (group ``vxacq``) and the service share the database, giving 0770/0660.
:func:`restrict_process` is called once by every entry point (window, commands, service);
:func:`make_private_dirs`, the atomic writer, the database and the logs set the modes
themselves, so they hold whatever umask a caller has."""

from __future__ import annotations

import os
from pathlib import Path

OTHERS = 0o007  # never for accounts outside the owner and the group
DEFAULT_UMASK = 0o027  # before restrict_process (a library caller): 0750 / 0640
_umask = DEFAULT_UMASK


def restrict_process() -> int:
    """Take others' access out of the process's umask (022 becomes 027, the package's 002
    becomes 007); the umask now in force."""
    global _umask
    old = os.umask(DEFAULT_UMASK)
    _umask = old | OTHERS
    os.umask(_umask)
    return _umask


def file_mode() -> int:
    """Mode of a file the console creates: 0640, or 0660 where the group shares the data."""
    return 0o666 & ~_umask


def dir_mode() -> int:
    """Mode of a folder the console creates: 0750, or 0770 where the group shares the data."""
    return 0o777 & ~_umask


def without_others(mode: int) -> int:
    return mode & ~OTHERS


def make_private_dirs(path: Path) -> Path:
    """Create ``path`` and any missing parents with :func:`dir_mode` (Path.mkdir gives the
    parents the umask's default); folders that exist are left as they are."""
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=dir_mode())
        except FileExistsError:  # another process made it in the meantime
            continue
        os.chmod(folder, dir_mode() | (folder.stat().st_mode & 0o2000))  # keep setgid
    return path

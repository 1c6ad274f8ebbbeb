"""Atomic file writes: a file is either absent or whole, never half-written.

The exam database points at image files only after they exist whole on disk, so a crash or a
full disk at any moment leaves either the old state or the new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from vxacq.security.permissions import file_mode, make_private_dirs


def write_atomic(path: Path | str, data: bytes | Callable[[BinaryIO], None]) -> Path:
    """Write ``data`` (bytes, or a function that writes to a binary file) to ``path`` atomically.

    Temp file in the same directory, fsync, rename, fsync the directory. On any error the temp
    file is removed and the error propagates (e.g. ``OSError(ENOSPC)`` on a full disk). The
    file gets security.permissions.file_mode() (mkstemp's 0600 would keep it from the
    service's group), new folders dir_mode().
    """
    path = Path(path)
    make_private_dirs(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return path


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

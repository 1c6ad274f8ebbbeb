"""How thoroughly the exam database is checked when a program opens it.

``PRAGMA quick_check`` reads every page: ~0.1-0.2 s for a database of 100,000 images
(benchmarks/db_open.py), growing with the years of exams. It runs in full

* every time the programs that take exposures and send them start: the console window and
  ``vxacq serve`` (so a damaged file is refused before an image is acquired into it), and
  ``vxacq db check``;
* in any program, when no full check of this very file passed since the machine booted (a
  power cut or crash means a boot), within the last day (``FULL_CHECK_EVERY``): the stamp
  ``.exam-database-checked`` beside the database records the boot, the file (device, inode)
  and the time of the last full check that passed.

Otherwise a short command (``vxacq queue``, ``vxacq store``...) checks the schema table only
(every statement depends on it) and relies on SQLite's own check of each page it reads or
writes: a damaged page it touches fails the statement, the transaction rolls back and the
message is the same "is damaged" one (:func:`vxacq.db.explain`); nothing was written, and the
files a command was given stay where they are.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from vxacq.db.files import write_atomic

STAMP = ".exam-database-checked"
FULL_CHECK_EVERY = 24 * 3600.0  # seconds
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def check(conn: sqlite3.Connection, path: Path, *, full: bool) -> None:
    """Check the database ``conn`` has open at ``path``: in full when ``full`` or when no
    recent full check of it in this boot is known. Raises sqlite3.DatabaseError if damaged."""
    if not full and _recently_checked(path):
        _raise_unless_ok(conn.execute("PRAGMA quick_check(sqlite_schema)").fetchall())
        return
    stamp = path.with_name(STAMP)
    try:
        _raise_unless_ok(conn.execute("PRAGMA quick_check").fetchall())
    except sqlite3.DatabaseError:
        stamp.unlink(missing_ok=True)
        raise
    if (identity := _identity(path)) is not None:
        with contextlib.suppress(OSError):  # no stamp: the next program checks in full
            # whole seconds rounded down: a stamp rounded up would lie in the future and
            # count as not recent for up to half a second
            write_atomic(stamp, f"{identity} {int(time.time())}\n".encode())


def _raise_unless_ok(rows: list[tuple[str]]) -> None:
    if [row[0] for row in rows] != ["ok"]:
        raise sqlite3.DatabaseError(f"database disk image is malformed: {rows[0][0]}")


def _identity(path: Path) -> str | None:
    """This boot and this file (a file restored from a backup is another one), or None when
    the boot cannot be told (then every program checks in full)."""
    try:
        boot = BOOT_ID.read_text(encoding="ascii").strip()
        st = os.stat(path)
    except OSError:
        return None
    return f"{boot} {st.st_dev} {st.st_ino}"


def _recently_checked(path: Path) -> bool:
    try:
        recorded, _, when = path.with_name(STAMP).read_text(encoding="ascii").strip() \
            .rpartition(" ")
        age = time.time() - float(when)
    except (OSError, ValueError):
        return False
    return recorded == _identity(path) and 0 <= age < FULL_CHECK_EVERY

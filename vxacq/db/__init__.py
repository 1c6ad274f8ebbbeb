"""The exam database: SQLite in WAL mode, foreign keys on, schema versioned and self-upgrading.

Open it with :func:`open_database`; use :meth:`Database.session` for sqlmodel sessions. Two
processes (the GUI and ``vxacq serve``) may open the same file at once.

The file holds names, IDs and birth dates: it is made 0640 and tightened to that when found
looser. Beside it, a small marker file records that a database was made here; a database that
is missing while its marker is there, an emptied, damaged or read-only one, and a full disk
each raise :class:`DatabaseError` with the file and the remedy. A new, empty database is made
only on a first start (no marker) or when asked (``create=True``, ``vxacq db init``), never
silently in place of the one that held the jobs and the audit trail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from vxacq.db import folding, integrity, schema
from vxacq.db.models import *  # noqa: F403  (the tables are this package's API)
# The database holds patient data: not for other users on the station.
from vxacq.security.permissions import file_mode, make_private_dirs, without_others

DB_FILENAME = "vxacq.sqlite"
BUSY_TIMEOUT_MS = 30_000
# "A database was made here": written when it is created (or first opened by this version).
MARKER = ".exam-database"


class DatabaseError(RuntimeError):
    """The exam database cannot be used; the message names the file and what to do."""


class Database:
    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error; a full disk, a file
        that became read-only or damaged raises :class:`DatabaseError` saying so."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except DBAPIError as exc:
                session.rollback()
                if isinstance(exc.orig, sqlite3.DatabaseError) and \
                        (problem := explain(self.path, exc.orig)):
                    raise DatabaseError(problem) from exc
                raise
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def _configure(conn: sqlite3.Connection) -> None:
    folding.register(conn)  # the study search triggers fold names with it
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: a committed row (an image's state, a job's completion) survives a power cut too.
    conn.execute("PRAGMA synchronous = FULL")


def open_database(path: Path | str, *, create: bool | None = None,
                  full_check: bool = False) -> Database:
    """Open and upgrade the database file at ``path``; DatabaseError when it cannot be used.

    ``create``: None makes a new file only on a first start (no marker of an earlier
    database beside it), True makes one whenever it is missing, False never. ``full_check``:
    every page is checked (the window and the service at their start); otherwise only when
    no full check of the file is recent (:mod:`vxacq.db.integrity`)."""
    path = Path(path)
    if not path.exists():
        if create is False or (create is None and (made := made_before(path))):
            since = f" (made {made})" if create is None else ""
            raise DatabaseError(
                f"the exam database {path} is missing, but this station had one{since}: "
                "restore it from the backup (installation guide, 'What to back up'); only "
                "to start with an empty one, losing the queue and the audit trail, run "
                "`vxacq db init`")
        _create_file(path)
    elif path.is_file() and path.stat().st_size == 0 and made_before(path) and not create:
        # (a 0-byte file without a marker is one a first start made and never filled)
        raise DatabaseError(
            f"the exam database {path} is empty (0 bytes): it was emptied or cut short. "
            "Restore it from the backup (installation guide, 'What to back up'); "
            "`vxacq db init` moves it aside and starts an empty one")
    _tighten(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            _configure(conn)
            schema.upgrade(conn)
            integrity.check(conn, path, full=full_check)
            # a database we cannot write is refused now, not at the first job it loses
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(explain(path, exc) or f"the exam database {path}: {exc}") from None
    _mark(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        _configure(dbapi_conn)

    return Database(path, engine)


def database_for(data_dir: Path | str, *, create: bool | None = None,
                 full_check: bool = False) -> Database:
    """The station's database inside its data dir (see :func:`open_database`)."""
    return open_database(Path(data_dir) / DB_FILENAME, create=create, full_check=full_check)


def made_before(path: Path) -> str:
    """When a database was made at ``path`` (its marker's date), or "" if never."""
    marker = path.with_name(MARKER)
    try:
        return marker.read_text(encoding="utf-8").strip() or "at an unknown time"
    except FileNotFoundError:
        return ""
    except OSError:
        return "at an unknown time"


def _mark(path: Path) -> None:
    marker = path.with_name(MARKER)
    if not marker.exists():
        with contextlib.suppress(OSError):  # a read-only dir was refused above already
            marker.write_text(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC\n"),
                              encoding="utf-8")


def explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    """What an SQLite error means for the station and what to do, or "" when it is none of
    the file's own faults (e.g. a constraint)."""
    text = str(exc).lower()
    if "full" in text:
        free = shutil.disk_usage(path.parent).free if path.parent.exists() else 0
        return (f"the disk holding the exam database {path} is full ({free / 1e6:.0f} MB "
                "free): free space there (old logs, exported files), then try again; what was "
                "being saved was not written, and nothing saved before is lost")
    if "readonly" in text or "read-only" in text or "unable to open" in text or \
            "permission" in text:
        return (f"the exam database {path} cannot be written ({exc}): the file and its folder "
                "must be writable by the user running VXacq (the service runs as 'vxacq'); "
                "check the owner and mode, and that the disk is not mounted read-only")
    if "malformed" in text or "not a database" in text or "corrupt" in text or \
            "disk i/o" in text:
        return (f"the exam database {path} is damaged ({exc}): restore it from the backup "
                "(installation guide, 'What to back up'); `vxacq db init` moves the damaged "
                "file aside and starts an empty one")
    return ""


def _create_file(path: Path) -> None:
    try:
        make_private_dirs(path.parent)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, file_mode()))
    except FileExistsError:  # another process made it in the meantime
        pass
    except OSError as exc:
        raise DatabaseError(f"the exam database {path} cannot be created ({exc.strerror}): "
                            "the data dir must be writable by the user running VXacq") from None


def _tighten(path: Path) -> None:
    """Patient data is for the station's user and group only (the group may write where it
    shares the database with the service: the package's setup)."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode != without_others(mode):
                os.chmod(file, without_others(mode))
        except FileNotFoundError:
            continue
        except PermissionError:  # not ours: the open below says whether we can use it
            continue


def init_database(path: Path | str) -> tuple[Database, Path | None]:
    """Start with a new, empty database at ``path`` (asked for by the service engineer): a
    file already there is moved aside, never deleted. Returns the database and where the old
    file went."""
    path = Path(path)
    moved: Path | None = None
    if path.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        moved = path.with_name(f"{path.name}.old-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = path.with_name(path.name + suffix)
            if source.exists():
                source.rename(moved.with_name(moved.name + suffix))
    return open_database(path, create=True), moved

"""The exam database: SQLite in WAL mode, foreign keys on, schema versioned and self-upgrading.

Open it with :func:`open_database`; use :meth:`Database.session` for sqlmodel sessions. Two
processes (the GUI and ``vxacq serve``) may open the same file at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from vxacq.db import schema
from vxacq.db.models import *  # noqa: F403  (the tables are this package's API)

DB_FILENAME = "vxacq.sqlite"
BUSY_TIMEOUT_MS = 30_000


class Database:
    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: a committed row (an image's state, a job's completion) survives a power cut too.
    conn.execute("PRAGMA synchronous = FULL")


def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and upgrade the database file at ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        _configure(conn)
        schema.upgrade(conn)
    finally:
        conn.close()
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        _configure(dbapi_conn)

    return Database(path, engine)


def database_for(data_dir: Path | str) -> Database:
    """The station's database inside its data dir."""
    return open_database(Path(data_dir) / DB_FILENAME)

"""``vxacq db check`` and ``vxacq db init``: the exam database's state, and a new one on request.

The console never replaces a missing, emptied or damaged database by itself (the jobs and the
audit trail would vanish without a word); ``db init`` is how a service engineer asks for an
empty one after deciding not to restore the backup. The old file is moved aside, not deleted.
"""

from __future__ import annotations

import argparse
import stat
from pathlib import Path
from typing import Any

from vxacq import cli
from vxacq.cli import EXIT_OK, CommandError, emit


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser("db", help="check the exam database, or start a new one")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("check", parents=[parents["config"], parents["json"]],
                               help="open the database and say what it holds, or what is wrong")
    check.set_defaults(run=run_check)
    init = actions.add_parser("init", parents=[parents["config"], parents["json"],
                                               parents["login"]],
                              help="start an empty database (an existing file is moved aside)")
    init.add_argument("--yes", action="store_true",
                      help="confirm: the queue and the audit trail of the old file stay behind")
    init.set_defaults(run=run_init)


def run_check(args: argparse.Namespace) -> int:
    from sqlmodel import func, select

    from vxacq.db import DB_FILENAME, AuditEvent, Job, JobState, database_for

    config = cli.load_config(args)
    db = database_for(config.data_dir, create=False, full_check=True)
    try:
        with db.session() as session:
            waiting = session.exec(select(func.count()).select_from(Job).where(
                Job.state.in_([JobState.QUEUED, JobState.RUNNING]))).one()
            failed = session.exec(select(func.count()).select_from(Job).where(
                Job.state == JobState.FAILED)).one()
            audit = session.exec(select(func.count()).select_from(AuditEvent)).one()
    finally:
        db.close()
    path = Path(config.data_dir) / DB_FILENAME
    result: dict[str, Any] = {
        "path": str(path), "bytes": path.stat().st_size,
        "mode": f"{stat.S_IMODE(path.stat().st_mode):04o}", "integrity": "ok",
        "jobs_waiting": waiting, "jobs_failed": failed, "audit_events": audit,
    }
    emit(args, result, f"{path}: OK ({result['bytes']} bytes, mode {result['mode']}); "
                       f"{waiting} job(s) waiting, {failed} failed; {audit} audit event(s)")
    return EXIT_OK


def _may_replace(args: argparse.Namespace, config, path: Path) -> None:
    """A database with accounts is replaced only by a service user (an empty one would turn
    the logins off). One that cannot be read any more is what ``db init`` is for: no check."""
    from vxacq.db import DatabaseError, database_for
    from vxacq.security.roles import Role

    if not path.exists():
        return
    try:
        db = database_for(config.data_dir, create=False)
    except DatabaseError:
        return
    try:
        cli.login(args, config, db, Role.SERVICE, "replacing the exam database")
    except DatabaseError:
        return
    finally:
        db.close()


def run_init(args: argparse.Namespace) -> int:
    from vxacq.db import DB_FILENAME, init_database, made_before

    config = cli.load_config(args)
    path = Path(config.data_dir) / DB_FILENAME
    made = made_before(path)
    if (path.exists() or made) and not args.yes:
        there = f"{path} exists" if path.exists() else f"this station had a database (made {made})"
        raise CommandError(f"{there}: an empty database starts without the old queue and audit "
                           "trail (restore the backup instead if you can); run again with --yes "
                           "to go ahead", cli.EXIT_USAGE)
    _may_replace(args, config, path)
    db, moved = init_database(path)
    db.close()
    result = {"path": str(path), "moved_aside": str(moved) if moved else None}
    emit(args, result, f"{path}: new, empty exam database" +
         (f"; the old file is {moved}" if moved else ""))
    return EXIT_OK

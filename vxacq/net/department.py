"""Publishing to the department database: the outbox's PUBLISH jobs.

A job names a study of this console; it is queued when the exam closes (its exposures and its
dose report are known then), when an image of a closed exam is rejected and when an exam is
reconciled. Each attempt reads the study as it stands now and writes it whole into the
department database in one transaction (:func:`vxacq.db.department.publish_rows`), so jobs
queued one after another, or a job tried again, leave the same rows. A database that cannot be
reached keeps the job queued and tried again (``[department] retries``, ``retry_delay``);
what the database refuses for good (wrong password, no such database) fails the job, which
the service engineer retries once the setting is fixed.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from vxacq.config import DEPARTMENT_NODE, Config, DepartmentConfig
from vxacq.db import Database, JobKind
from vxacq.db import department
from vxacq.logs import escape
from vxacq.net.errors import DicomNetworkError
from vxacq.net.outbox import JobContext, enqueue
from vxacq.security.secrets import SecretError, read_secret

log = logging.getLogger(__name__)

# SQLSTATE classes that trying again will not cure: the setting or the server must change.
_FOR_GOOD = {"28": "the database refused the login (check the user in url and the "
                   "password_file, and pg_hba.conf on the server)",
             "3D": "the database named in url does not exist (create it: see the service "
                   "manual, 'Department database')",
             "42501": "the database refused the user the right (it needs CREATE on the "
                      "database's public schema, and SELECT/INSERT/UPDATE on its tables)"}

SQLSTATE = re.compile(r"[0-9A-Z]{5}")
# The server's message in a job's error: one line's worth.
MAX_MESSAGE = 300

# per setting: the password the engine was made with, and the engine
_engines: dict[tuple[str, str, float, bool], tuple[str | None, Engine]] = {}
_engines_lock = threading.Lock()


def password(password_file: str) -> str | None:
    """The password in a department database's ``password_file`` (None without one: the URL's
    own, if any); DepartmentError naming the file when it cannot be used. The file may be
    readable by the vxacq group (root:vxacq 0640), not by every user."""
    if not password_file:
        return None
    try:
        return read_secret(password_file, field="password_file", group_may_read=True)
    except SecretError as exc:
        raise department.DepartmentError(str(exc)) from None


def engine_for(settings: DepartmentConfig) -> Engine:
    """The engine on the configured department database (one per setting and process). The
    password_file is read each time: a password corrected in it is used by the next job (the
    engine made with the old one is closed), as the service manual says, without a restart."""
    secret = password(settings.password_file)
    key = (settings.url, settings.password_file, settings.connect_timeout, settings.tls)
    with _engines_lock:
        known = _engines.get(key)
        if known is not None and known[0] == secret:
            return known[1]
        if known is not None:
            known[1].dispose()
        from vxacq.security.tls import department_context

        engine = department.connect(settings.url, password=secret,
                                    connect_timeout=settings.connect_timeout,
                                    ssl_context=department_context(settings))
        _engines[key] = (secret, engine)
        return engine


def enqueue_publish(config: Config, db: Database, study_id: int, why: str) -> int | None:
    """Queue the study for the department database, if one is configured; the job id."""
    if config.department is None:
        return None
    return enqueue(db, JobKind.PUBLISH, DEPARTMENT_NODE, {"why": why}, study_id=study_id)


def run_job(ctx: JobContext) -> dict[str, Any]:
    settings = ctx.node
    assert isinstance(settings, DepartmentConfig)
    if ctx.study_id is None:
        raise DicomNetworkError("a publish job names no study", kind="status", retryable=False)
    where = department.describe(settings.url)
    rows = department.read_study(ctx.db, ctx.study_id)
    ctx.progress(f"publishing study {rows.study.StudyInstanceUID} to {where}")
    try:
        published = department.publish_rows(engine_for(settings), rows,
                                             ctx.config.station.station_name)
    except department.DepartmentError as exc:
        raise DicomNetworkError(f"department database {where}: {exc}", kind="status",
                                retryable=False) from None
    except DBAPIError as exc:
        raise _explain(exc, where) from None
    log.info("job %s: %s", ctx.job_id, published.describe())
    return {"series": published.series, "images": published.images,
            "dose_confirmations": published.dose_confirmations}


def _explain(exc: DBAPIError, where: str) -> DicomNetworkError:
    """A database error as the outbox's error: retryable unless the server refused for good."""
    code = _sqlstate(exc.orig)
    why = _FOR_GOOD.get(code) or _FOR_GOOD.get(code[:2])
    if why:
        return DicomNetworkError(f"department database {where}: {why} "
                                 f"[{code}: {_message(exc.orig)}]", kind="rejected",
                                 retryable=False)
    if isinstance(exc, (InterfaceError, OperationalError)) or exc.connection_invalidated:
        return DicomNetworkError(f"department database {where} cannot be reached "
                                 f"({_message(exc.orig)}); will retry", kind="unreachable",
                                 retryable=True)
    return DicomNetworkError(f"department database {where}: {_message(exc.orig)} "
                             f"[{code or 'no SQLSTATE'}]; will retry", kind="status",
                             retryable=True)


def _sqlstate(orig: BaseException | None) -> str:
    """The server's SQLSTATE (five digits or capitals), "" when it gave none or no such."""
    detail = orig.args[0] if orig is not None and orig.args else None
    code = str(detail.get("C", "")) if isinstance(detail, dict) else ""
    return code if SQLSTATE.fullmatch(code) else ""


def _message(orig: BaseException | None) -> str:
    """The server's message (its "M" field, not the whole notice: the detail may quote the
    row's values), escaped and cut to a line: it reaches the job's error and the log."""
    detail = orig.args[0] if orig is not None and orig.args else None
    if isinstance(detail, dict):
        text = str(detail.get("M", "no message"))
    else:
        text = str(orig) if orig is not None else "no detail"
    return escape(text)[:MAX_MESSAGE]

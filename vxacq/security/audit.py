"""The one way an audit event is recorded (ARCHITECTURE rule 11).

Every layer that has something to audit (an exam started, a job cancelled, a report refused, a
login) calls :func:`record`; the event lands in the exam database's audit table, the console's
own trail, which `vxacq audit` and the History read.
"""

from __future__ import annotations

from sqlmodel import Session

from vxacq.db import Database
from vxacq.db.models import AuditEvent


def record(target: Database | Session, action: str, *, user: str = "", detail: str = "",
           study_id: int | None = None) -> None:
    """Record ``action`` by ``user``. ``target`` is the database, or a session already open
    when the event belongs to that transaction (it is then written with it, or not at all)."""
    event = AuditEvent(user=user, action=action, detail=detail, study_id=study_id)
    if isinstance(target, Session):
        target.add(event)
        return
    with target.session() as session:
        session.add(event)

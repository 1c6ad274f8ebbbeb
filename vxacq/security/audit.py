"""The one way an audit event is recorded (ARCHITECTURE rule 11).

Every layer that has something to audit (an exam started, a job cancelled, a report refused, a
login) calls :func:`record`; the event lands in the exam database's audit table, the console's
own trail, which `vxacq audit` and the History read. The same row is the store of the store
and forward to the audit repository (IHE ATNA): ``audit_sender`` builds its DICOM audit message
(``audit_message``) and sends it, in order, and sets ``forwarded_at``.

The structured part of an event (patient, study, peer) goes into its ``data`` column as JSON,
taken when the event happens: the audit message names the patient as they were then. Patient
names and IDs belong in the audit trail (that is its purpose), never in a log line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlmodel import Session, col, select

from vxacq.db import Database
from vxacq.db.models import AuditEvent, AuditSender, Patient, Study, aware
from vxacq.security.audit_message import AuditSource, build, kind_of


def record(target: Database | Session, action: str, *, user: str = "", detail: str = "",
           study_id: int | None = None, outcome: int | None = None, PatientID: str = "",
           PatientName: str = "", StudyInstanceUID: str = "", AccessionNumber: str = "",
           sop_classes: Mapping[str, int] | None = None, peer_ae: str = "",
           peer_address: str = "", destination: str = "", query: str | None = None,
           query_model: str = "") -> None:
    """Record ``action`` by ``user``. ``target`` is the database, or a session already open
    when the event belongs to that transaction (it is then written with it, or not at all).

    The keywords are what the DICOM audit message needs: the patient and study (taken from
    ``study_id``'s study when not given), the SOP classes and instance counts moved, the peer's
    AE title and address, an export's destination, a query's text and information model, and
    the outcome (0, 4, 8, 12) when it differs from the one the action implies."""
    data: dict[str, Any] = {key: value for key, value in (
        ("PatientID", PatientID), ("PatientName", PatientName),
        ("StudyInstanceUID", StudyInstanceUID), ("AccessionNumber", AccessionNumber),
        ("peer_ae", peer_ae), ("peer_address", peer_address), ("destination", destination),
        ("query_model", query_model)) if value}
    if sop_classes:
        data["sop_classes"] = {str(uid): int(n) for uid, n in sop_classes.items()}
    if query is not None:
        data["query"] = query
    if outcome is not None:
        data["outcome"] = int(outcome)

    def write(session: Session) -> None:
        if study_id is not None and not PatientID:
            data.update(_study_data(session, study_id, data))
        session.add(AuditEvent(user=user, action=action, detail=detail, study_id=study_id,
                               data=json.dumps(data, ensure_ascii=False) if data else ""))

    if isinstance(target, Session):
        write(target)
        return
    with target.session() as session:
        write(session)


@contextmanager
def application_activity(db: Database, application: str, *, user: str = "") -> Iterator[None]:
    """Application Activity around a program that changes state (a CLI command that queues,
    sends or changes jobs): "application start" before, "application stop" after, whatever
    happens in between."""
    record(db, "application start", user=user, detail=application)
    try:
        yield
    finally:
        record(db, "application stop", user=user, detail=application)


def _study_data(session: Session, study_id: int, given: dict[str, Any]) -> dict[str, str]:
    study = session.get(Study, study_id)
    if study is None:
        return {}
    patient = session.get(Patient, study.patient_id)
    found = {"StudyInstanceUID": study.StudyInstanceUID,
             "AccessionNumber": study.AccessionNumber}
    if patient is not None:
        found |= {"PatientID": patient.PatientID, "PatientName": patient.PatientName}
    return {k: v for k, v in found.items() if v and k not in given}


@dataclass(frozen=True)
class EventView:
    """One event of the local trail, as `vxacq audit` lists it."""

    id: int
    at: datetime
    user: str
    action: str
    detail: str
    study_id: int | None
    data: dict[str, Any]
    forwarded_at: datetime | None

    @property
    def forwarding(self) -> str:
        """``forwarded``, ``waiting`` (for the repository), or ``local`` (no DICOM event)."""
        if kind_of(self.action) is None:
            return "local"
        return "forwarded" if self.forwarded_at is not None else "waiting"

    def message(self, source: AuditSource) -> bytes | None:
        """This event's DICOM audit message, or None for a local-only event."""
        return build(action=self.action, at=self.at, user=self.user, detail=self.detail,
                     data=self.data, source=source)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "user": self.user,
                "action": self.action, "detail": self.detail, "study_id": self.study_id,
                "data": self.data, "forwarding": self.forwarding,
                "forwarded_at": self.forwarded_at.isoformat() if self.forwarded_at else None}


def view(row: AuditEvent) -> EventView:
    try:
        data = json.loads(row.data) if row.data else {}
    except json.JSONDecodeError:
        data = {}
    return EventView(id=int(row.id or 0), at=aware(row.at), user=row.user, action=row.action,
                     detail=row.detail, study_id=row.study_id,
                     data=data if isinstance(data, dict) else {},
                     forwarded_at=aware(row.forwarded_at))


def list_events(db: Database, *, since: datetime | None = None,
                limit: int | None = None) -> list[EventView]:
    """The local trail, oldest first (the last ``limit`` events when given)."""
    with db.session() as session:
        query = select(AuditEvent)
        if since is not None:  # every time is stored as UTC
            since = (since if since.tzinfo else since.astimezone()).astimezone(timezone.utc)
        if since is not None:
            query = query.where(col(AuditEvent.at) >= since)
        if limit is not None:
            query = query.order_by(col(AuditEvent.id).desc()).limit(limit)
            return [view(r) for r in reversed(session.exec(query).all())]
        return [view(r) for r in session.exec(query.order_by(col(AuditEvent.id))).all()]


def sender_status(db: Database) -> tuple[int, str]:
    """How many events wait for the repository, and why the last attempt failed ("" if not)."""
    with db.session() as session:
        waiting = session.exec(select(AuditEvent.action)
                               .where(col(AuditEvent.forwarded_at).is_(None))).all()
        sender = session.get(AuditSender, 1)
    return (sum(1 for action in waiting if kind_of(action) is not None),
            sender.last_error if sender else "")

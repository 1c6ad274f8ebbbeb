"""Modality Worklist: query a node's scheduled procedure steps and keep them in the exam database.

:func:`query` asks one node (C-FIND, matching on our Scheduled Station AE Title, modality and
date, optionally patient and accession) and reads every answer into a
:class:`~vxacq.dicom.worklist.WorklistOrder`, decoding with the answer's own character set or
the node's fallback. :func:`sync` saves a complete answer: new orders added, changed ones
updated, ones the node no longer lists marked ``gone``. A query that failed, was cancelled or
hit the match limit saves what came but marks nothing gone, since the list is incomplete.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from pynetdicom.sop_class import ModalityWorklistInformationFind
from sqlmodel import Session, select

from vxacq.config import Config, NodeConfig
from vxacq.db import Database, Order, OrderState, Patient, utcnow
from vxacq.dicom.worklist import WorklistCriteria, WorklistOrder, parse_dates, query_identifier, read_answer
from vxacq.logs import phi
from vxacq.net.cfind import Cancel, find
from vxacq.security import audit

log = logging.getLogger(__name__)

DEFAULT_MODALITY = "DX"
FIND = ModalityWorklistInformationFind


@dataclass
class WorklistResult:
    """What one node answered. ``complete`` is False when the user cancelled or the node's
    ``worklist_match_limit`` stopped the query (then ``cancelled`` / ``limited`` say which)."""

    node: str
    criteria: WorklistCriteria
    orders: list[WorklistOrder] = field(default_factory=list)
    complete: bool = False
    cancelled: bool = False
    limited: bool = False

    @property
    def problems(self) -> list[str]:
        return [f"{o.order.AccessionNumber or o.patient.PatientID or '?'}: {p}"
                for o in self.orders for p in o.problems]


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: int = 0
    order_ids: list[int] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{self.added} new, {self.updated} changed, {self.unchanged} unchanged, "
                f"{self.gone} no longer scheduled")


def criteria_for(config: Config, dates: str = "today", *, modality: str = DEFAULT_MODALITY,
                 PatientName: str = "", PatientID: str = "", AccessionNumber: str = "",
                 today: date | None = None) -> WorklistCriteria:
    """Our station's query: its AE title, ``modality``, ``dates`` (today, YYYYMMDD or a
    range YYYYMMDD-YYYYMMDD; ValueError if malformed)."""
    return WorklistCriteria(
        ScheduledStationAETitle=config.station.ae_title, Modality=modality,
        dates=parse_dates(dates, today), PatientName=PatientName, PatientID=PatientID,
        AccessionNumber=AccessionNumber)


def query(config: Config, node: NodeConfig, criteria: WorklistCriteria, *,
          cancel: Cancel | None = None) -> WorklistResult:
    """C-FIND ``criteria`` at ``node``. ``cancel`` (an Event, or a function returning True)
    stops it with a C-CANCEL at the next answer; so does the node's ``worklist_match_limit``.
    Raises DicomNetworkError with the reason when the node cannot answer."""
    result = WorklistResult(node=node.name, criteria=criteria)

    def on_answer(answer, raw: bytes | None) -> None:
        result.orders.extend(read_answer(answer, node.fallback_character_set or None, raw))

    keys = [m.key for m in config.worklist_mapping]
    outcome = find(config, node, FIND, query_identifier(criteria, keys),
                   what="the worklist query", limit=node.worklist_match_limit, cancel=cancel,
                   on_answer=on_answer)
    result.complete = outcome.complete
    result.cancelled = outcome.cancelled
    result.limited = outcome.limited
    if outcome.limited:
        log.warning("%s: stopped the worklist query at %d answers (worklist_match_limit); "
                    "narrow the query", node.name, node.worklist_match_limit)
    log.info("%s: %d worklist item(s) for %s", node.name, len(result.orders), criteria.dates)
    return result


def sync(db: Database, result: WorklistResult) -> SyncResult:
    """Save ``result`` in the database in one transaction (all of it or, on error, none)."""
    summary = SyncResult()
    seen: set[int] = set()
    with db.session() as session:
        existing = session.exec(select(Order).where(Order.node == result.node)).all()
        by_key = {_key_of_row(o): o for o in existing}
        for item in result.orders:
            patient = _patient(session, item)
            key = _key(item, int(patient.id))
            row = by_key.get(key)
            values = _order_values(item, patient.id)
            if row is None:
                row = Order(node=result.node, **values)
                session.add(row)
                session.flush()
                by_key[key] = row
                summary.added += 1
            elif any(getattr(row, k) != v for k, v in values.items() if k != "dataset") or (
                    row.state == OrderState.GONE):
                for name, value in values.items():
                    setattr(row, name, value)
                if row.state == OrderState.GONE:
                    row.state = OrderState.SCHEDULED  # scheduled again at the RIS
                row.updated_at = utcnow()
                summary.updated += 1
            else:
                row.dataset = values["dataset"]
                summary.unchanged += 1
            seen.add(int(row.id))
            summary.order_ids.append(int(row.id))
        if result.complete and not result.criteria.narrowed:
            for row in existing:
                if (row.id not in seen and row.state == OrderState.SCHEDULED
                        and _in_dates(row.ScheduledProcedureStepStartDate, result.criteria.dates)
                        and row.Modality in ("", result.criteria.Modality)):
                    row.state = OrderState.GONE
                    row.updated_at = utcnow()
                    summary.gone += 1
    log.info("worklist from %s saved: %s", result.node, summary.describe())
    return summary


def query_and_sync(config: Config, db: Database, node: NodeConfig, criteria: WorklistCriteria, *,
                   cancel: Cancel | None = None) -> tuple[WorklistResult, SyncResult]:
    """:func:`query` then :func:`sync`; nothing is saved when the query raises. Orders that
    came new or changed are an Order Record event in the audit trail (an unchanged answer of
    the screen's periodic refresh is not)."""
    result = query(config, node, criteria, cancel=cancel)
    saved = sync(db, result)
    if saved.added or saved.updated:
        audit.record(db, "worklist received", peer_ae=node.ae_title, peer_address=node.host,
                     detail=f"from {node.name}: {saved.describe()}")
    return result, saved


# --- matching rows -----------------------------------------------------------------------


def _key(item: WorklistOrder, patient_id: int) -> tuple[str, ...]:
    o = item.order
    ids = (o.AccessionNumber, o.RequestedProcedureID, o.ScheduledProcedureStepID,
           o.StudyInstanceUID)
    if any(ids):
        return ids
    # An item without any order identifier: its patient and slot are all there is.
    return ("", str(patient_id), item.ScheduledProcedureStepStartDate,
            item.ScheduledProcedureStepStartTime, item.Modality)


def _key_of_row(row: Order) -> tuple[str, ...]:
    ids = (row.AccessionNumber, row.RequestedProcedureID, row.ScheduledProcedureStepID,
           row.StudyInstanceUID)
    if any(ids):
        return ids
    return ("", str(row.patient_id), row.ScheduledProcedureStepStartDate,
            row.ScheduledProcedureStepStartTime, row.Modality)


def _order_values(item: WorklistOrder, patient_id: int) -> dict[str, object]:
    o = item.order
    return dict(
        patient_id=patient_id, AccessionNumber=o.AccessionNumber,
        RequestedProcedureID=o.RequestedProcedureID,
        RequestedProcedureDescription=o.RequestedProcedureDescription,
        RequestedProcedurePriority=o.RequestedProcedurePriority,
        ScheduledProcedureStepID=o.ScheduledProcedureStepID,
        ScheduledProcedureStepDescription=o.ScheduledProcedureStepDescription,
        ScheduledProcedureStepStartDate=item.ScheduledProcedureStepStartDate,
        ScheduledProcedureStepStartTime=item.ScheduledProcedureStepStartTime,
        ScheduledStationAETitle=item.ScheduledStationAETitle, Modality=item.Modality,
        StudyInstanceUID=o.StudyInstanceUID, ReferringPhysicianName=o.ReferringPhysicianName,
        dataset=item.dataset,
    )


def _patient(session: Session, item: WorklistOrder) -> Patient:
    """The patient row for ``item``, created or brought up to date."""
    p = item.patient
    query = select(Patient).where(Patient.PatientID == p.PatientID,
                                  Patient.IssuerOfPatientID == p.IssuerOfPatientID)
    if not p.PatientID:  # no ID: only the same name and birth date is the same patient
        query = query.where(Patient.PatientName == p.PatientName)
    row = session.exec(query).first()
    animal = p.animal
    values = dict(
        PatientID=p.PatientID, IssuerOfPatientID=p.IssuerOfPatientID, PatientName=p.PatientName,
        PatientBirthDate=p.PatientBirthDate.strftime("%Y%m%d") if p.PatientBirthDate else "",
        PatientSex=p.PatientSex, OtherPatientIDs="\\".join(p.OtherPatientIDs),
        PatientSpeciesDescription=animal.PatientSpeciesDescription if animal else "",
        PatientBreedDescription=animal.PatientBreedDescription if animal else "",
        ResponsiblePerson=animal.ResponsiblePerson if animal else "",
        ResponsibleOrganization=animal.ResponsibleOrganization if animal else "",
        PatientSexNeutered=animal.PatientSexNeutered if animal else "",
    )
    if row is None:
        row = Patient(**values)
        session.add(row)
        session.flush()
        log.info("new patient %s from the worklist", phi(p.PatientID))
    elif any(getattr(row, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
    return row


def _in_dates(value: str, dates: str) -> bool:
    """Whether the DA ``value`` matches ``dates`` (one date or a range, either end open)."""
    day = value[:8]
    if "-" not in dates:
        return day == dates
    first, last = dates.split("-", 1)
    return (not first or first <= day) and (not last or day <= last)

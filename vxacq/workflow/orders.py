"""Orders to examine: the ones the worklist saved, and unscheduled patients registered by hand.

The worklist sync (:mod:`vxacq.net.worklist`) keeps scheduled steps in the ``orders`` table;
this module lists and filters them (:func:`list_orders`, :func:`find_order`), registers an
emergency patient as an order of our own (:func:`register_manual`, after
:func:`validate_manual` says field by field what is wrong), and turns an order row back into
the DICOM builders' inputs (:func:`order_inputs`) — from the worklist answer as received when
there is one, so nothing the RIS sent is lost.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import pydicom
from sqlmodel import or_, select

from vxacq.config import WorklistMapping
from vxacq.db import Database, Order, OrderState, Patient
from vxacq.dicom import charset
from vxacq.dicom.inputs import OrderInfo, PatientInfo
from vxacq.dicom.uids import new_uid
from vxacq.dicom.worklist import from_worklist_item, mapped_values

ACTIVE = (OrderState.SCHEDULED, OrderState.IN_PROGRESS)


class ValidationError(ValueError):
    """Manual registration refused; ``problems`` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class OrderView:
    """One order as the worklist screen lists it (a plain copy; safe on any thread)."""

    id: int
    node: str  # "" for a manual registration
    state: str
    PatientName: str
    PatientID: str
    PatientBirthDate: str
    PatientSex: str
    AccessionNumber: str
    RequestedProcedureID: str
    RequestedProcedureDescription: str
    RequestedProcedurePriority: str
    ScheduledProcedureStepID: str
    ScheduledProcedureStepDescription: str
    ScheduledProcedureStepStartDate: str
    ScheduledProcedureStepStartTime: str
    Modality: str
    StudyInstanceUID: str
    ReferringPhysicianName: str

    @classmethod
    def of(cls, order: Order, patient: Patient) -> OrderView:
        names = {f.name for f in fields(cls)}
        values = {k: getattr(order, k) for k in names if hasattr(order, k)}
        values.update(PatientName=patient.PatientName, PatientID=patient.PatientID,
                      PatientBirthDate=patient.PatientBirthDate, PatientSex=patient.PatientSex,
                      state=str(order.state), id=int(order.id))
        return cls(**values)


def list_orders(db: Database, *, text: str = "", date: str = "",
                states: tuple[str, ...] = ACTIVE) -> list[OrderView]:
    """Orders in ``states``, STAT/HIGH first then by scheduled time. ``text`` filters on name,
    patient ID or accession (case-insensitive, part of the value); ``date`` is YYYYMMDD."""
    with db.session() as session:
        query = (select(Order, Patient).join(Patient, Order.patient_id == Patient.id)
                 .where(Order.state.in_([str(s) for s in states])))
        if date:
            query = query.where(Order.ScheduledProcedureStepStartDate == date)
        if text:
            like = f"%{text}%"
            query = query.where(or_(Patient.PatientName.ilike(like), Patient.PatientID.ilike(like),
                                    Order.AccessionNumber.ilike(like)))
        rows = [OrderView.of(o, p) for o, p in session.exec(query).all()]
    rank = {"STAT": 0, "HIGH": 1}
    return sorted(rows, key=lambda o: (rank.get(o.RequestedProcedurePriority, 2),
                                       o.ScheduledProcedureStepStartDate,
                                       o.ScheduledProcedureStepStartTime, o.id))


def find_order(db: Database, accession: str, *,
               states: tuple[str, ...] = ACTIVE) -> OrderView | None:
    """The active order with this Accession Number (the earliest scheduled step if several)."""
    found = [o for o in list_orders(db, states=states) if o.AccessionNumber == accession]
    return found[0] if found else None


def find_by_scan(db: Database, scanned: str, *,
                 states: tuple[str, ...] = ACTIVE) -> list[OrderView]:
    """The active orders a barcode scan names: exact Accession Number first, then exact Patient
    ID, then exact Requested Procedure ID (the first kind that matches wins; may be several)."""
    value = scanned.strip()
    if not value:
        return []
    orders = list_orders(db, states=states)
    for key in ("AccessionNumber", "PatientID", "RequestedProcedureID"):
        found = [o for o in orders if getattr(o, key) == value]
        if found:
            return found
    return []


def get_order(db: Database, order_id: int) -> OrderView:
    with db.session() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise LookupError(f"no order {order_id} in the exam database")
        return OrderView.of(order, session.get(Patient, order.patient_id))


# --- manual registration -------------------------------------------------------------------


@dataclass(frozen=True)
class ManualPatient:
    """An unscheduled (emergency) patient as the radiographer types it.

    ``PatientName`` is DICOM PN form (``Family^Given^Middle^Prefix^Suffix``); the birth date is
    YYYYMMDD (or empty when unknown); ``PatientSex`` M, F, O or empty."""

    PatientName: str
    PatientID: str
    PatientBirthDate: str = ""
    PatientSex: str = ""
    IssuerOfPatientID: str = ""
    AccessionNumber: str = ""
    RequestedProcedureDescription: str = ""
    ReferringPhysicianName: str = ""


_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def _pn_problem(value: str, required: bool, character_set: str) -> str:
    if not value.strip():
        return "is required (Family^Given)" if required else ""
    if _CONTROL.search(value):
        return "must not contain a backslash or control characters"
    groups = value.split("=")
    if len(groups) > 3 or any(len(g.split("^")) > 5 for g in groups):
        return "has too many parts (Family^Given^Middle^Prefix^Suffix)"
    if any(len(g) > 64 for g in groups):
        return "is longer than 64 characters"
    if not charset.can_encode_person_name(value, character_set):
        return f"has characters the station's character set ({character_set}) cannot write"
    return ""


def validate_manual(patient: ManualPatient, character_set: str = "ISO_IR 192",
                    today: dt.date | None = None) -> dict[str, str]:
    """What is wrong with each field (empty dict when it can be registered)."""
    problems: dict[str, str] = {}
    if p := _pn_problem(patient.PatientName, True, character_set):
        problems["PatientName"] = p
    if p := _pn_problem(patient.ReferringPhysicianName, False, character_set):
        problems["ReferringPhysicianName"] = p
    for key, limit, required in (("PatientID", 64, True), ("IssuerOfPatientID", 64, False),
                                 ("AccessionNumber", 16, False),
                                 ("RequestedProcedureDescription", 64, False)):
        value = getattr(patient, key)
        if required and not value.strip():
            problems[key] = "is required"
        elif len(value) > limit:
            problems[key] = f"is longer than {limit} characters"
        elif _CONTROL.search(value):
            problems[key] = "must not contain a backslash or control characters"
        elif value and not charset.can_encode(value, character_set):
            problems[key] = (f"has characters the station's character set ({character_set}) "
                             "cannot write")
    if patient.PatientBirthDate:
        try:
            born = dt.datetime.strptime(patient.PatientBirthDate, "%Y%m%d").date()
        except ValueError:
            problems["PatientBirthDate"] = "must be a date written YYYYMMDD, e.g. 19710423"
        else:
            if born > (today or dt.date.today()):
                problems["PatientBirthDate"] = "is in the future"
            elif born.year < 1870:
                problems["PatientBirthDate"] = "is before 1870; check the year"
    if patient.PatientSex not in ("M", "F", "O", ""):
        problems["PatientSex"] = "must be M, F, O or empty (unknown)"
    return problems


def register_manual(db: Database, patient: ManualPatient, *,
                    character_set: str = "ISO_IR 192") -> OrderView:
    """Save an unscheduled patient as an order of our own (node "", a new Study Instance UID).
    Raises ValidationError with every field's problem; nothing is saved then."""
    problems = validate_manual(patient, character_set)
    if problems:
        raise ValidationError(problems)
    now = dt.datetime.now()
    with db.session() as session:
        row = session.exec(select(Patient).where(
            Patient.PatientID == patient.PatientID,
            Patient.IssuerOfPatientID == patient.IssuerOfPatientID)).first()
        if row is None:
            row = Patient(PatientID=patient.PatientID, IssuerOfPatientID=patient.IssuerOfPatientID)
        row.PatientName = patient.PatientName
        row.PatientBirthDate = patient.PatientBirthDate
        row.PatientSex = patient.PatientSex
        session.add(row)
        session.flush()
        order = Order(patient_id=int(row.id), node="", AccessionNumber=patient.AccessionNumber,
                      RequestedProcedureDescription=patient.RequestedProcedureDescription,
                      ReferringPhysicianName=patient.ReferringPhysicianName,
                      ScheduledProcedureStepStartDate=now.strftime("%Y%m%d"),
                      ScheduledProcedureStepStartTime=now.strftime("%H%M%S"),
                      StudyInstanceUID=new_uid(), state=OrderState.SCHEDULED)
        session.add(order)
        session.flush()
        return OrderView.of(order, row)


# --- emergency (unidentified) patients ---------------------------------------------------

EMERGENCY_PREFIX = "EMR-"


def emergency_issuer(station_ae: str) -> str:
    """Issuer of Patient ID of the temporary IDs: this station assigns them, not the hospital."""
    return f"VXACQ-{station_ae}"


def _emergency_number(session, prefix: str) -> int:
    taken = session.exec(select(Patient.PatientID)
                         .where(Patient.PatientID.startswith(prefix))).all()
    numbers = [int(t[len(prefix):]) for t in taken if t[len(prefix):].isdigit()]
    return max(numbers, default=0) + 1


def next_emergency_id(db: Database, station_ae: str, today: dt.date | None = None) -> str:
    """A Patient ID no patient of the database has: ``EMR-<station AE>-<yyyymmdd>-<n>``, ``n``
    the day's emergency number on this station (from 1)."""
    prefix = f"{EMERGENCY_PREFIX}{station_ae}-{(today or dt.date.today()):%Y%m%d}-"
    with db.session() as session:
        return f"{prefix}{_emergency_number(session, prefix)}"


def is_emergency(order: OrderView) -> bool:
    """Registered here under a generated temporary ID (an unidentified patient)."""
    return order.node == "" and order.PatientID.startswith(EMERGENCY_PREFIX)


def register_emergency(db: Database, station_ae: str, *, name_pattern: str = "TRAUMA^{n}",
                       character_set: str = "ISO_IR 192", description: str = "Emergency",
                       today: dt.date | None = None) -> OrderView:
    """Register an unidentified patient at once: a new patient with a temporary Patient ID
    (:func:`next_emergency_id`, issued by this station) and name (``name_pattern`` with the
    number, e.g. TRAUMA^3), and an order of our own. The number is chosen and the rows written
    in one transaction, so two emergencies never share a patient. Reconcile the exam with the
    real order later (:mod:`vxacq.workflow.reconcile`)."""
    now = dt.datetime.now()
    prefix = f"{EMERGENCY_PREFIX}{station_ae}-{(today or now.date()):%Y%m%d}-"
    with db.session() as session:
        n = _emergency_number(session, prefix)
        patient = ManualPatient(PatientName=name_pattern.replace("{n}", str(n)),
                                PatientID=f"{prefix}{n}",
                                IssuerOfPatientID=emergency_issuer(station_ae),
                                RequestedProcedureDescription=description)
        problems = validate_manual(patient, character_set)
        if problems:
            raise ValidationError(problems)
        row = Patient(PatientID=patient.PatientID, IssuerOfPatientID=patient.IssuerOfPatientID,
                      PatientName=patient.PatientName)
        session.add(row)
        session.flush()
        order = Order(patient_id=int(row.id), node="",
                      RequestedProcedureDescription=description,
                      RequestedProcedurePriority="STAT",
                      ScheduledProcedureStepStartDate=now.strftime("%Y%m%d"),
                      ScheduledProcedureStepStartTime=now.strftime("%H%M%S"),
                      StudyInstanceUID=new_uid(), state=OrderState.SCHEDULED)
        session.add(order)
        session.flush()
        return OrderView.of(order, row)


# --- order → builder inputs ----------------------------------------------------------------


def order_inputs(db: Database, order_id: int, fallback_character_set: str | None = None,
                 mapping: Sequence[WorklistMapping] = ()) -> tuple[PatientInfo, OrderInfo | None]:
    """The patient and (for a scheduled order) the order as the DICOM builders take them.

    A worklist order is read from the answer it came in, with the values of the site's
    worklist ``mapping`` it holds; a manual registration has no order (the exam is
    unscheduled, PS3.4 F.7.2.2)."""
    with db.session() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise LookupError(f"no order {order_id} in the exam database")
        patient = session.get(Patient, order.patient_id)
        stored, sps_id = order.dataset, order.ScheduledProcedureStepID
        row_patient = PatientInfo(
            PatientName=patient.PatientName, PatientID=patient.PatientID,
            IssuerOfPatientID=patient.IssuerOfPatientID, PatientSex=patient.PatientSex,
            PatientBirthDate=(dt.datetime.strptime(patient.PatientBirthDate, "%Y%m%d").date()
                              if patient.PatientBirthDate else None))
        row_order = OrderInfo(
            AccessionNumber=order.AccessionNumber, StudyInstanceUID=order.StudyInstanceUID,
            RequestedProcedureID=order.RequestedProcedureID,
            RequestedProcedureDescription=order.RequestedProcedureDescription,
            RequestedProcedurePriority=order.RequestedProcedurePriority,
            ScheduledProcedureStepID=order.ScheduledProcedureStepID,
            ScheduledProcedureStepDescription=order.ScheduledProcedureStepDescription,
            ReferringPhysicianName=order.ReferringPhysicianName)
        manual = order.node == ""
    if manual:
        return row_patient, None
    if not stored:
        return row_patient, row_order
    ds = pydicom.dcmread(io.BytesIO(stored), force=True)
    steps = ds.get("ScheduledProcedureStepSequence") or []
    step = next((i for i, s in enumerate(steps)
                 if s.get("ScheduledProcedureStepID", "") == sps_id), 0)
    patient_info, order_info = from_worklist_item(ds, fallback_character_set, step=step)
    if not order_info.StudyInstanceUID:  # an RIS that leaves it to the modality
        order_info = replace(order_info, StudyInstanceUID=row_order.StudyInstanceUID)
    if mapping:  # ds is decoded now
        order_info = replace(order_info, MappedAttributes=mapped_values(
            ds, step, [(m.key, m.image) for m in mapping]))
    return patient_info, order_info

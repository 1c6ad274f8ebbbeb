"""Reconciling an unscheduled (emergency) exam with its order when the order arrives.

A trauma patient is examined at once under a temporary identity (:func:`orders.register_emergency`);
when the RIS order arrives on the worklist (or an unscheduled exam turns out to have one), the
radiographer picks the exam and the order and :func:`reconcile` ties them together, the IHE
Patient Information Reconciliation case "unidentified patient" done at the modality:

1. Every stored object of the study (images, rejected ones too, and dose reports) is rewritten
   with the order's patient and request (:mod:`vxacq.dicom.reconcile`): Patient Name/ID/
   Issuer/birth date/sex from the order, the temporary ID kept in Other Patient IDs Sequence
   with its issuer, Accession Number, Referring Physician, Request Attributes Sequence (images)
   or Referenced Request Sequence (dose report). SOP, Series and Study Instance UIDs are kept:
   only identification changes, the acquisition is the same object. The modality's Study
   Instance UID is kept even when the order carries one: the unscheduled MPPS and possibly the
   archive already hold the study under it, and a second study of the same instances would
   split the exam; the order's Study Instance UID is referenced in each object's request item.
2. The database (the truth) then switches the study to the order's patient and order, in one
   transaction with the audit record, before anything is sent.
3. Then the jobs: the study's accepted images and dose reports to every store node that had
   the study and every auto-route node (storage commitment follows each store, as always);
   an MPPS for the order to every MPPS node: N-CREATE (IN PROGRESS, the order's Scheduled
   Step Attributes, the real patient) and N-SET with the exam's final state and the same
   series and instances. The unscheduled step cannot be corrected instead: PS3.4 F.7.2 does
   not allow an N-SET to change the patient or the Scheduled Step Attributes Sequence, and a
   COMPLETED or DISCONTINUED step takes no N-SET at all (the SCP refuses it); it stays as sent
   for the RIS to reconcile (IHE PIR), and the new step's comments name it.

Only a closed exam is reconciled: an exam still in progress is closed (or discontinued) first,
so nothing is exposed under an identity that is being changed beneath it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from vxacq.config import Config
from vxacq.db import (
    Database, Image, ImageState, Job, JobKind, Order, OrderState, Patient,
    PerformedStep, Series, Study, StudyState,
)
from vxacq.dicom import mpps as mpps_dicom, part10
from vxacq.dicom.inputs import OrderInfo, PatientInfo
from vxacq.dicom.reconcile import Correction, reconcile_dataset
from vxacq.dicom.uids import new_uid
from vxacq.logs import phi
from vxacq.security import audit
from vxacq.workflow.orders import OrderView, get_order, order_inputs

log = logging.getLogger(__name__)

DOSE_REPORT_PROTOCOL = "Dose report"


class ReconcileError(ValueError):
    """The exam and the order cannot be reconciled; the message says why and what to do."""


@dataclass(frozen=True)
class UnscheduledExam:
    """An exam made without an order (emergency or manual registration), for the picker."""

    study_id: int
    state: str
    PatientName: str
    PatientID: str
    StudyDate: str
    StudyTime: str
    StudyDescription: str
    images: int


@dataclass(frozen=True)
class ReconcileResult:
    """What reconciling did: the identities, the corrected files and the queued job ids
    ("store", "mpps")."""

    study_id: int
    order_id: int
    temporary_id: str
    PatientID: str
    AccessionNumber: str
    files: list[str]
    jobs: dict[str, list[int]] = field(default_factory=dict)

    def describe(self) -> str:
        return (f"study {self.study_id}: {self.temporary_id} is now {self.PatientID}, accession "
                f"{self.AccessionNumber or '(none)'}; {len(self.files)} object(s) corrected, "
                f"{len(self.jobs.get('store', []))} store and {len(self.jobs.get('mpps', []))} "
                "MPPS job(s) queued")


def unscheduled_exams(db: Database, *, closed_only: bool = False) -> list[UnscheduledExam]:
    """Exams made without an order (newest first): the ones an arriving order can reconcile."""
    with db.session() as session:
        query = (select(Study, Patient).join(Patient, Study.patient_id == Patient.id)
                 .join(Order, Study.order_id == Order.id).where(Order.node == ""))
        if closed_only:
            query = query.where(Study.state == StudyState.CLOSED)
        rows = session.exec(query.order_by(Study.id.desc())).all()
        out = []
        for study, patient in rows:
            images = session.exec(select(Image.id).join(Series, Image.series_id == Series.id)
                                  .where(Series.study_id == study.id, Series.Modality != "SR",
                                         Image.state == ImageState.ACCEPTED)).all()
            out.append(UnscheduledExam(
                study_id=int(study.id), state=str(study.state), PatientName=patient.PatientName,
                PatientID=patient.PatientID, StudyDate=study.StudyDate, StudyTime=study.StudyTime,
                StudyDescription=study.StudyDescription, images=len(images)))
    return out


def reconcile(config: Config, db: Database, study_id: int, order_id: int, *,
              operator: str = "") -> ReconcileResult:
    """Tie the unscheduled exam ``study_id`` to the worklist order ``order_id`` (see the module
    docstring for what changes and what is sent). Raises ReconcileError, changing nothing,
    when the pair cannot be reconciled."""
    view = get_order(db, order_id)
    temporary = _check(db, study_id, view)
    patient, order = order_inputs(db, order_id, _fallback_set(config, view.node),
                                   config.worklist_mapping)
    if order is None:  # get_order said it is a worklist order, so this is a bug
        raise ReconcileError(f"order {order_id} has no worklist answer to reconcile with")
    with db.session() as session:
        study = session.get(Study, study_id)
        study_uid = study.StudyInstanceUID
        steps = session.exec(select(PerformedStep).where(PerformedStep.study_id == study_id)
                             .order_by(PerformedStep.id)).all()
        objects = session.exec(select(Image, Series).join(Series, Image.series_id == Series.id)
                               .where(Series.study_id == study_id)
                               .order_by(Series.SeriesNumber, Image.InstanceNumber)).all()
        files = [i.file_path for i, _ in objects if i.file_path]
        series = [(s, i) for i, s in objects]
        pps_id = f"{study.StudyID}-{len(steps) + 1}"[:16]
        old_steps = [s.PerformedProcedureStepID for s in steps]
        first = steps[0] if steps else None
        last = steps[-1] if steps else None
    mpps_nodes = config.nodes_with("mpps")
    step_uid = new_uid() if mpps_nodes else None
    correction = Correction(patient=patient, order=order, temporary_id=temporary[0],
                            temporary_issuer=temporary[1], performed_step_uid=step_uid,
                            performed_step_id=pps_id if step_uid else "")
    # 1. the objects, each rewritten atomically; doing it again gives the same files
    for path in files:
        try:
            ds = part10.read(path)
            part10.rewrite(path, reconcile_dataset(ds, correction, config.station.character_set))
        except (OSError, ValueError) as exc:
            raise ReconcileError(f"{Path(path).name} could not be corrected ({exc}); nothing "
                                 "was sent and the exam is still unscheduled: free the disk "
                                 "or restore the file, then reconcile again") from None
    # 2. the database, one transaction with its audit record
    now = dt.datetime.now().astimezone()
    status = _final_status(steps)
    with db.session() as session:
        study = session.get(Study, study_id)
        order_row = session.get(Order, order_id)
        study.patient_id = order_row.patient_id
        study.order_id = order_id
        study.AccessionNumber = order.AccessionNumber
        study.ReferringPhysicianName = order.ReferringPhysicianName
        study.StudyDescription = study.StudyDescription or order.RequestedProcedureDescription
        order_row.state = (OrderState.COMPLETED if status == mpps_dicom.COMPLETED
                           else OrderState.DISCONTINUED)
        order_row.StudyInstanceUID = order_row.StudyInstanceUID or study_uid
        new_step_id = None
        if step_uid:
            row = PerformedStep(
                study_id=study_id, SOPInstanceUID=step_uid, PerformedProcedureStepID=pps_id,
                PerformedProcedureStepStatus=status,
                PerformedProcedureStepStartDate=first.PerformedProcedureStepStartDate,
                PerformedProcedureStepStartTime=first.PerformedProcedureStepStartTime,
                PerformedProcedureStepEndDate=(last.PerformedProcedureStepEndDate
                                               or now.strftime("%Y%m%d")),
                PerformedProcedureStepEndTime=(last.PerformedProcedureStepEndTime
                                               or now.strftime("%H%M%S")),
                discontinuation_code=last.discontinuation_code
                if status == mpps_dicom.DISCONTINUED else "")
            session.add(row)
            session.flush()
            new_step_id = int(row.id)
        audit.record(
            session, "exam reconciled", user=operator, study_id=study_id,
            detail=f"temporary patient {temporary[0]} ({temporary[1]}) is {patient.PatientID}"
                   f"{' (' + patient.IssuerOfPatientID + ')' if patient.IssuerOfPatientID else ''}"
                   f", order {order_id} accession {order.AccessionNumber}, "
                   f"{len(files)} object(s) corrected")
    log.info("study %s reconciled: %s is %s", study_id, phi(temporary[0]), phi(patient.PatientID))
    # 3. only now the network work
    jobs = {"store": _queue_store(config, db, study_id), "mpps": []}
    from vxacq.net.department import enqueue_publish

    if (job := enqueue_publish(config, db, study_id, "exam reconciled")) is not None:
        jobs["publish"] = [job]
    if step_uid:
        jobs["mpps"] = _queue_mpps(config, db, study_id, new_step_id, step_uid, pps_id,
                                   patient, order, study_uid, status, last, series, old_steps,
                                   temporary[0])
    return ReconcileResult(study_id=study_id, order_id=order_id, temporary_id=temporary[0],
                           PatientID=patient.PatientID, AccessionNumber=order.AccessionNumber,
                           files=files, jobs=jobs)


def _check(db: Database, study_id: int, view: OrderView) -> tuple[str, str]:
    """The temporary (PatientID, IssuerOfPatientID), once the pair is known to fit."""
    with db.session() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise ReconcileError(f"no exam (study {study_id}) in the exam database")
        own = session.get(Order, study.order_id) if study.order_id is not None else None
        if own is None or own.node != "":
            raise ReconcileError(f"study {study_id} was made for a worklist order already; "
                                 "only an unscheduled (emergency) exam is reconciled")
        if study.state != StudyState.CLOSED:
            raise ReconcileError(f"study {study_id} is still open: close or discontinue the exam "
                                 "first, then reconcile it")
        patient = session.get(Patient, study.patient_id)
        temporary = patient.PatientID, patient.IssuerOfPatientID
    if view.node == "":
        raise ReconcileError(f"order {view.id} was registered here, not received from a "
                             "worklist: pick the order the RIS sent")
    if view.state != OrderState.SCHEDULED:
        raise ReconcileError(f"order {view.AccessionNumber or view.id} is "
                             f"{view.state.replace('_', ' ')}; only a scheduled order that no "
                             "exam has started can be reconciled with an exam")
    return temporary


def _final_status(steps: list[PerformedStep]) -> str:
    """COMPLETED when any step of the exam completed, else DISCONTINUED."""
    if any(s.PerformedProcedureStepStatus == mpps_dicom.COMPLETED for s in steps):
        return mpps_dicom.COMPLETED
    return mpps_dicom.DISCONTINUED


def _fallback_set(config: Config, node_name: str) -> str | None:
    node = next((n for n in config.nodes if n.name == node_name), None)
    return (node.fallback_character_set or None) if node else None


def _queue_store(config: Config, db: Database, study_id: int) -> list[int]:
    """The corrected study to every store node that had it and every auto-route node; the
    corrected dose report to every dose register besides."""
    from vxacq.net.routing import route_dose_reports, store_destinations, study_files
    from vxacq.net.store import enqueue_store

    files = study_files(db, study_id)
    if not files:
        return []
    with db.session() as session:
        had = set(session.exec(select(Job.node).where(Job.study_id == study_id,
                                                      Job.kind == JobKind.STORE)).all())
    stores = {n.name for n in config.nodes_with("store")}
    nodes = [n.name for n in store_destinations(config)]
    nodes += sorted((had & stores) - set(nodes))
    return ([enqueue_store(db, node, files, study_id=study_id) for node in nodes]
            + route_dose_reports(config, db, study_id, skip=set(nodes)))


def _queue_mpps(config: Config, db: Database, study_id: int, step_row_id: int | None,
                step_uid: str, pps_id: str, patient: PatientInfo, order: OrderInfo,
                study_uid: str, status: str, last: PerformedStep | None,
                series: list[tuple[Series, Image]], old_steps: list[str],
                temporary_id: str) -> list[int]:
    """N-CREATE + N-SET of the step that reports the exam against the order."""
    from vxacq.dicom.codes import DISCONTINUATION_REASONS
    from vxacq.net import mpps as mpps_net

    with db.session() as session:
        study = session.get(Study, study_id)
        row = session.get(PerformedStep, step_row_id)
        started = dt.datetime.strptime(row.PerformedProcedureStepStartDate
                                       + row.PerformedProcedureStepStartTime[:6],
                                       "%Y%m%d%H%M%S").astimezone()
        ended = dt.datetime.strptime(row.PerformedProcedureStepEndDate
                                     + row.PerformedProcedureStepEndTime[:6],
                                     "%Y%m%d%H%M%S").astimezone()
        study_id_text, description = study.StudyID, study.StudyDescription
        operators = (study.OperatorsName,) if study.OperatorsName else ()
    modalities = [s.Modality for s, _ in series if s.Modality != "SR"]
    procedures = (order.RequestedProcedureCode,) if order.RequestedProcedureCode else ()
    start = mpps_dicom.StepStart(
        PerformedProcedureStepID=pps_id, started=started, patient=patient,
        StudyInstanceUID=study_uid, order=order, StudyID=study_id_text,
        Modality=modalities[0] if modalities else "DX",
        PerformedProcedureStepDescription=description, ProcedureCodes=procedures)
    reason = None
    if status == mpps_dicom.DISCONTINUED:
        code = last.discontinuation_code if last else ""
        reason = next((c for c in DISCONTINUATION_REASONS.values() if c.value == code),
                      "DiscontinuedForUnspecifiedReason")
    end = mpps_dicom.StepEnd(
        status=status, ended=ended, series=_performed_series(series, operators),
        discontinuation_reason=reason, PerformedProcedureStepDescription=description,
        ProcedureCodes=procedures,
        PerformedProtocolCodes=order.ScheduledProtocolCodes if status == mpps_dicom.COMPLETED
        else (),
        CommentsOnThePerformedProcedureStep=(
            f"Reconciled: performed as unscheduled step {', '.join(old_steps)} "
            f"of temporary patient ID {temporary_id}")[:10240])
    received = (order.SpecificCharacterSet,) if order.SpecificCharacterSet else ()
    create = mpps_dicom.n_create(start, config.station, received)
    final = mpps_dicom.n_set(end, config.station, received)
    jobs = []
    for node in config.nodes_with("mpps"):
        created = mpps_net.enqueue_create(db, node.name, create, instance_uid=step_uid,
                                          performed_step_id=step_row_id, study_id=study_id)
        jobs += [created, mpps_net.enqueue_set(db, node.name, final, after_job=created,
                                               performed_step_id=step_row_id,
                                               study_id=study_id)]
    return jobs


def _performed_series(rows: list[tuple[Series, Image]],
                      operators: tuple[str, ...]) -> tuple[mpps_dicom.PerformedSeries, ...]:
    """Performed Series Sequence items: each series with its accepted images (and the dose
    reports as non-image instances), as the unscheduled steps listed them."""
    by_series: dict[str, list[tuple[str, str]]] = {}
    info: dict[str, Series] = {}
    for series, image in rows:
        info[series.SeriesInstanceUID] = series
        by_series.setdefault(series.SeriesInstanceUID, [])
        if image.file_path and (image.state == ImageState.ACCEPTED or series.Modality == "SR"):
            by_series[series.SeriesInstanceUID].append((image.SOPClassUID, image.SOPInstanceUID))
    out = []
    for uid, refs in by_series.items():
        series = info[uid]
        sr = series.Modality == "SR"
        out.append(mpps_dicom.PerformedSeries(
            SeriesInstanceUID=uid, ProtocolName=series.ProtocolName or DOSE_REPORT_PROTOCOL,
            OperatorsName=operators, images=() if sr else tuple(refs),
            non_images=tuple(refs) if sr else ()))
    return tuple(out)

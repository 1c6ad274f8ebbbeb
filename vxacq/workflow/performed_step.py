"""The performed procedure step behind an exam: its row and MPPS N-CREATE, and the stored
study's patient, order and study read back (for start, reopen and resume)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import select

from vxacq.config import Config
from vxacq.db import Database, Job, Order, PerformedStep, Series, Study
from vxacq.dicom.inputs import OrderInfo, PatientInfo, PerformedStepInfo, StudyInfo
from vxacq.dicom.uids import new_uid
from vxacq.workflow.orders import order_inputs


@dataclass
class Step:
    """The in-memory side of the exam; the database holds everything that matters."""

    study_id: int
    performed_step_id: int
    patient: PatientInfo
    order: OrderInfo | None
    study: StudyInfo
    performed: PerformedStepInfo
    mpps_create_jobs: dict[str, int] = field(default_factory=dict)



def payload(job: Job) -> dict[str, Any]:
    import json

    try:
        return json.loads(job.payload or "{}")
    except ValueError:
        return {}


def fallback_set(config: Config, node_name: str) -> str | None:
    for node in config.nodes:
        if node.name == node_name:
            return node.fallback_character_set or None
    return None


def patient_id(session: Any, order_id: int) -> int:
    return int(session.get(Order, order_id).patient_id)


def study_inputs(config: Config, db: Database,
                  study_id: int) -> tuple[PatientInfo, OrderInfo | None, StudyInfo]:
    """Patient, order and study of a stored study, as its first step wrote them."""
    from vxacq.db import Patient

    with db.session() as session:
        row = session.get(Study, study_id)
        order_id, patient_id = row.order_id, row.patient_id
        started = dt.datetime.strptime(row.StudyDate + row.StudyTime[:6], "%Y%m%d%H%M%S")
        study = StudyInfo(StudyInstanceUID=row.StudyInstanceUID, StudyDate=started.date(),
                          StudyTime=started.time(), StudyID=row.StudyID,
                          AccessionNumber=row.AccessionNumber,
                          StudyDescription=row.StudyDescription,
                          ReferringPhysicianName=row.ReferringPhysicianName)
        node = session.get(Order, order_id).node if order_id is not None else ""
        patient_row = session.get(Patient, patient_id)
        patient = PatientInfo(PatientName=patient_row.PatientName, PatientID=patient_row.PatientID,
                              IssuerOfPatientID=patient_row.IssuerOfPatientID,
                              PatientSex=patient_row.PatientSex)
    order = None
    if order_id is not None:
        patient, order = order_inputs(db, order_id, fallback_set(config, node),
                                       config.worklist_mapping)
        if order is not None:
            study = replace(study, ProcedureCodes=(order.RequestedProcedureCode,)
                            if order.RequestedProcedureCode else ())
    return patient, order, study


def study_modalities(db: Database, study_id: int) -> list[str]:
    with db.session() as session:
        return list(session.exec(select(Series.Modality).where(
            Series.study_id == study_id, Series.Modality != "SR")).all())


def new_step(config: Config, db: Database, study_id: int, patient: PatientInfo,
              order: OrderInfo | None, study: StudyInfo, now: dt.datetime, operator: str,
              modality: str = "DX") -> Step:
    """A PerformedStep row and its MPPS N-CREATE (IN PROGRESS) queued to every MPPS node."""
    uid = new_uid()
    with db.session() as session:
        count = len(session.exec(select(PerformedStep.id)
                                 .where(PerformedStep.study_id == study_id)).all())
        pps_id = f"{study.StudyID or now.strftime('%y%m%d%H%M%S')}-{count + 1}"[:16]
        row = PerformedStep(study_id=study_id, SOPInstanceUID=uid, PerformedProcedureStepID=pps_id,
                            PerformedProcedureStepStartDate=now.strftime("%Y%m%d"),
                            PerformedProcedureStepStartTime=now.strftime("%H%M%S"))
        session.add(row)
        session.flush()
        step_id = int(row.id)
    performed = PerformedStepInfo(SOPInstanceUID=uid, PerformedProcedureStepID=pps_id,
                                  PerformedProcedureStepStartDateTime=now.replace(microsecond=0),
                                  PerformedProcedureStepDescription=study.StudyDescription)
    nodes = config.nodes_with("mpps")
    if not nodes:
        return Step(study_id, step_id, patient, order, study, performed, {})
    from vxacq.dicom import mpps as mpps_dicom
    from vxacq.net import mpps as mpps_net

    start = mpps_dicom.StepStart(PerformedProcedureStepID=pps_id, started=now, patient=patient,
                                 StudyInstanceUID=study.StudyInstanceUID, order=order,
                                 StudyID=study.StudyID, Modality=modality,
                                 PerformedProcedureStepDescription=study.StudyDescription,
                                 ProcedureCodes=study.ProcedureCodes)
    attributes = mpps_dicom.n_create(start, config.station)
    creates = {node.name: mpps_net.enqueue_create(db, node.name, attributes, instance_uid=uid,
                                                  performed_step_id=step_id, study_id=study_id)
               for node in nodes}
    return Step(study_id, step_id, patient, order, study, performed, creates)

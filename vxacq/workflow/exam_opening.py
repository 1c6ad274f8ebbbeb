"""Which study and performed procedure step an exam is: started for an order, reopened, resumed.

:class:`vxacq.workflow.exam.Exam` is built on the :class:`~vxacq.workflow.performed_step.Step`
these return; the rows are written before the exam exists, so a crash after them leaves a
study that is resumed, never one half made:

- :func:`start_step`: the order's Study row (new, or the one another scheduled step of the same
  requested procedure already shares), the order ``in_progress``, a new performed step and its
  MPPS N-CREATE queued;
- :func:`reopen_step`: a closed study open again with a new step appended to it;
- :func:`resumed_step`: the newest IN PROGRESS step of an open study, after a restart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlmodel import select

from vxacq.config import Config
from vxacq.db import (
    Database, Job, JobKind, Order, OrderState, PerformedStep, Study, StudyState,
)
from vxacq.dicom.inputs import PerformedStepInfo, StudyInfo
from vxacq.dicom.uids import new_uid
from vxacq.protocols import load as load_protocols
from vxacq.workflow import procedures
from vxacq.workflow.exam_types import ExamError
from vxacq.workflow.orders import OrderView, order_inputs
from vxacq.workflow.performed_step import (
    Step, fallback_set, new_step, patient_id, payload, study_inputs, study_modalities,
)


def open_study_of(db: Database, order_id: int) -> int | None:
    """The order's study still open (its exam to resume), if there is one."""
    with db.session() as session:
        open_study = session.exec(select(Study).where(Study.order_id == order_id,
                                                      Study.state == StudyState.OPEN)).first()
        return int(open_study.id) if open_study else None


def start_step(config: Config, db: Database, order_id: int, view: OrderView, *, operator: str,
               protocols: list[str] | None) -> tuple[Step, list[str], str]:
    """The order's study and a new step in it; returns the step, the protocols (default: the
    order's procedure mapped by ``vxacq/resources/procedures.toml``) and the side the order's
    description names ("" = ask)."""
    patient, order = order_inputs(db, order_id, fallback_set(config, view.node),
                                  config.worklist_mapping)
    now = dt.datetime.now().astimezone()
    study_uid = (order.StudyInstanceUID if order else view.StudyInstanceUID) or new_uid()
    if order is not None and not order.StudyInstanceUID:
        order = replace(order, StudyInstanceUID=study_uid)
    study_id_text = now.strftime("%y%m%d%H%M%S")
    study = (StudyInfo.from_order(order, now,
                                  StudyID=order.RequestedProcedureID[:16] or study_id_text)
             if order else StudyInfo(StudyInstanceUID=study_uid, StudyDate=now.date(),
                                     StudyTime=now.time(), StudyID=study_id_text,
                                     AccessionNumber=view.AccessionNumber,
                                     StudyDescription=view.RequestedProcedureDescription,
                                     ReferringPhysicianName=view.ReferringPhysicianName))
    with db.session() as session:
        # Another scheduled step of a requested procedure already examined shares its
        # study: this step is appended to it (its own performed step and MPPS).
        row = session.exec(select(Study).where(
            Study.StudyInstanceUID == study.StudyInstanceUID)).first()
        if row is None:
            row = Study(StudyInstanceUID=study.StudyInstanceUID,
                        patient_id=patient_id(session, order_id),
                        order_id=order_id, AccessionNumber=study.AccessionNumber,
                        StudyID=study.StudyID, StudyDate=now.strftime("%Y%m%d"),
                        StudyTime=now.strftime("%H%M%S"),
                        StudyDescription=study.StudyDescription,
                        ReferringPhysicianName=study.ReferringPhysicianName,
                        OperatorsName=operator,
                        StationName=config.station.station_name)
            session.add(row)
        else:
            row.state = StudyState.OPEN
            study = replace(study, StudyID=row.StudyID,
                            StudyDate=dt.datetime.strptime(row.StudyDate, "%Y%m%d").date(),
                            StudyTime=dt.datetime.strptime(row.StudyTime[:6], "%H%M%S").time())
        order_row = session.get(Order, order_id)
        order_row.state = OrderState.IN_PROGRESS
        if not order_row.StudyInstanceUID:
            order_row.StudyInstanceUID = study_uid
        session.flush()
        study_row_id = int(row.id)
    descriptions = (view.RequestedProcedureDescription, view.ScheduledProcedureStepDescription)
    if protocols is None:
        requested = order.RequestedProcedureCode if order else None
        code = requested.value if requested else ""
        protocols = procedures.protocols_for(code, *descriptions)
    known = load_protocols()
    modality = view.Modality if view.Modality in ("DX", "MG") else next(
        (known[p].modality for p in protocols if p in known), "DX")
    step = new_step(config, db, study_row_id, patient, order, study, now, operator, modality)
    return step, protocols, procedures.laterality_for(*descriptions)


def reopen_step(config: Config, db: Database, study_id: int, *,
                operator: str) -> tuple[Step, str]:
    """A closed study open again, a new step (its own MPPS N-CREATE for the same order and
    study) appended; returns the step and the side the study's description names."""
    with db.session() as session:
        study_row = session.get(Study, study_id)
        if study_row is None:
            raise ExamError(f"no study {study_id} in the exam database")
        if study_row.state == StudyState.OPEN:
            raise ExamError("the study is still open; resume it instead of reopening it")
        study_row.state = StudyState.OPEN
        order_id = study_row.order_id
    patient, order, study = study_inputs(config, db, study_id)
    now = dt.datetime.now().astimezone()
    modality = next((m for m in study_modalities(db, study_id)), "DX")
    step = new_step(config, db, study_id, patient, order, study, now, operator, modality)
    side = procedures.laterality_for(study.StudyDescription) if order_id is not None else ""
    return step, side


def resumed_step(config: Config, db: Database, study_id: int) -> tuple[Step, str]:
    """The open study's newest IN PROGRESS step, as the database has it, and the side the
    study's description names."""
    with db.session() as session:
        row = session.exec(select(PerformedStep).where(
            PerformedStep.study_id == study_id,
            PerformedStep.PerformedProcedureStepStatus == "IN PROGRESS")
            .order_by(PerformedStep.id.desc())).first()
        if row is None:
            raise ExamError(f"study {study_id} has no step in progress; reopen it instead")
        started = dt.datetime.strptime(row.PerformedProcedureStepStartDate
                                       + row.PerformedProcedureStepStartTime, "%Y%m%d%H%M%S")
        performed = PerformedStepInfo(SOPInstanceUID=row.SOPInstanceUID,
                                      PerformedProcedureStepID=row.PerformedProcedureStepID,
                                      PerformedProcedureStepStartDateTime=started.astimezone())
        step_id = int(row.id)
        creates = {j.node: int(j.id) for j in session.exec(select(Job).where(
            Job.kind == JobKind.MPPS, Job.study_id == study_id)).all()
            if payload(j).get("action") == "create"
            and payload(j).get("performed_step_id") == step_id}
    patient, order, study = study_inputs(config, db, study_id)
    step = Step(study_id, step_id, patient, order, study, performed, creates)
    return step, procedures.laterality_for(study.StudyDescription)

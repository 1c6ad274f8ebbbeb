"""Exam history: local exams found again, what happened to each image, and re-sending.

:func:`search_exams` lists studies by patient name, ID, accession and date;
:func:`image_status` says per image (and dose report) whether each store node has it and has
committed to keep it, from the outbox's jobs and the storage commitment records;
:func:`resend` queues a closed study to the store nodes again. To add images to a closed study
use :meth:`vxacq.workflow.exam.Exam.reopen`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import or_, select

from vxacq.config import Config
from vxacq.db import (
    Commitment, CommitmentItem, Database, Image, Job, JobKind, JobState, Patient, Series, Study,
)


@dataclass(frozen=True)
class ExamSummary:
    study_id: int
    StudyInstanceUID: str
    StudyDate: str
    StudyTime: str
    StudyDescription: str
    AccessionNumber: str
    PatientName: str
    PatientID: str
    state: str  # open or closed
    images: int  # accepted images


@dataclass(frozen=True)
class ImageStatus:
    """Where one instance stands. ``sent`` and ``committed`` map each store node to
    "queued", "sending", "sent", "failed: <why>" (sent) and "pending", "committed",
    "failed: <why>" (committed; absent when the node does no commitment or nothing was asked)."""

    SOPInstanceUID: str
    SOPClassUID: str
    state: str
    file_path: str
    sent: dict[str, str] = field(default_factory=dict)
    committed: dict[str, str] = field(default_factory=dict)


def search_exams(db: Database, text: str = "", date_from: str = "", date_to: str = "",
                 limit: int = 200) -> list[ExamSummary]:
    """Studies, newest first; ``text`` matches part of the name, patient ID or accession,
    dates are YYYYMMDD (either end may be empty)."""
    with db.session() as session:
        query = select(Study, Patient).join(Patient, Study.patient_id == Patient.id)
        if text:
            like = f"%{text}%"
            query = query.where(or_(Patient.PatientName.ilike(like), Patient.PatientID.ilike(like),
                                    Study.AccessionNumber.ilike(like)))
        if date_from:
            query = query.where(Study.StudyDate >= date_from)
        if date_to:
            query = query.where(Study.StudyDate <= date_to)
        rows = session.exec(query.order_by(Study.StudyDate.desc(), Study.StudyTime.desc(),
                                           Study.id.desc()).limit(limit)).all()
        out = []
        for study, patient in rows:
            accepted = session.exec(select(Image.id).join(Series, Image.series_id == Series.id)
                                    .where(Series.study_id == study.id, Series.Modality != "SR",
                                           Image.state == "accepted")).all()
            out.append(ExamSummary(int(study.id), study.StudyInstanceUID, study.StudyDate,
                                   study.StudyTime, study.StudyDescription, study.AccessionNumber,
                                   patient.PatientName, patient.PatientID, str(study.state),
                                   len(accepted)))
        return out


def image_status(db: Database, study_id: int) -> list[ImageStatus]:
    """Every image and dose report of the study with its send and commitment state per node."""
    with db.session() as session:
        images = session.exec(select(Image).join(Series, Image.series_id == Series.id)
                              .where(Series.study_id == study_id)
                              .order_by(Series.SeriesNumber, Image.InstanceNumber)).all()
        jobs = session.exec(select(Job).where(Job.study_id == study_id)
                            .order_by(Job.id)).all()
        uids = [i.SOPInstanceUID for i in images]
        items = session.exec(select(CommitmentItem, Commitment)
                             .join(Commitment, CommitmentItem.commitment_id == Commitment.id)
                             .where(CommitmentItem.ReferencedSOPInstanceUID.in_(uids))
                             .order_by(Commitment.id)).all()
        sent: dict[str, dict[str, str]] = {u: {} for u in uids}
        committed: dict[str, dict[str, str]] = {u: {} for u in uids}
        by_file = {i.file_path: i.SOPInstanceUID for i in images if i.file_path}
        for job in jobs:
            payload = _payload(job)
            if job.kind == JobKind.STORE:
                done = set(payload.get("checkpoint", {}).get("sent", []))
                for path in payload.get("files", []):
                    uid = by_file.get(path)
                    if uid is None:
                        continue
                    sent[uid][job.node] = _store_word(job, uid in done)
            elif job.kind == JobKind.COMMITMENT:
                for _, uid in payload.get("instances", []):
                    if uid in committed and job.state in (JobState.QUEUED, JobState.RUNNING):
                        committed[uid][job.node] = "pending"
                    elif uid in committed and job.state == JobState.FAILED:
                        committed[uid][job.node] = f"failed: {job.last_error}"
        for item, commitment in items:  # the newest transaction's answer wins
            word = ("committed" if item.committed else "pending" if item.committed is None
                    else f"failed: reason {item.FailureReason}")
            committed[item.ReferencedSOPInstanceUID][commitment.node] = word
        return [ImageStatus(i.SOPInstanceUID, i.SOPClassUID, str(i.state), i.file_path,
                            sent[i.SOPInstanceUID], committed[i.SOPInstanceUID]) for i in images]


def _store_word(job: Job, stored: bool) -> str:
    if stored or job.state == JobState.DONE:
        return "sent"
    if job.state == JobState.FAILED:
        return f"failed: {job.last_error}"
    if job.state == JobState.CANCELLED:
        return "cancelled"
    return "sending" if job.state == JobState.RUNNING else "queued"


def _payload(job: Job) -> dict:
    try:
        return json.loads(job.payload or "{}")
    except ValueError:
        return {}


def resend(config: Config, db: Database, study_id: int) -> list[int]:
    """Queue the study's accepted images and dose reports to every store node again."""
    from vxacq.net.routing import route_study

    return route_study(config, db, study_id)

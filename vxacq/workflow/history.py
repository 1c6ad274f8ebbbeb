"""Exam history: local exams found again, what happened to each image, and re-sending.

:func:`search_exams` lists studies by patient name, ID, accession and date;
:func:`image_status` says per image (and dose report) whether each store node has it and has
committed to keep it, from the outbox's jobs and the storage commitment records;
:func:`resend` queues a closed study to the store nodes again; :func:`thumbnail_pixels`
reads a small 8-bit picture of an image for the history's list. To add images to a closed
study use :meth:`vxacq.workflow.exam.Exam.reopen`. Names are searched as
:mod:`vxacq.db.folding` folds them (``garcia`` finds GARCÍA), in the study's folded text the
database keeps, so a search stays an indexed query with years of exams in the file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlmodel import func, select

from vxacq.config import Config
from vxacq.db import (
    NOT_EXPOSURES, Commitment, CommitmentItem, Database, Image, Job, JobKind, JobState, Patient,
    Series, Study,
)
from vxacq.db.folding import normalise
from vxacq.db.models import aware
from vxacq.workflow.dose import raw_notes

log = logging.getLogger(__name__)


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
    ProtocolName: str = ""  # the series' protocol ("" for a dose report)
    Modality: str = ""
    Laterality: str = ""
    acquired_at: datetime | None = None  # UTC
    reject_reason: str = ""  # the reason's meaning, for a rejected image
    partial: str = ""  # "PARTIAL EXPOSURE: ..." when the generator stopped early, else ""

    @property
    def is_dose_report(self) -> bool:
        return self.Modality == "SR"

    @property
    def is_rejection_note(self) -> bool:
        """An IOCM rejection note (Key Object Selection) sent after an image was rejected."""
        return self.Modality == "KO"


def search_exams(db: Database, text: str = "", date_from: str = "", date_to: str = "",
                 limit: int = 200) -> list[ExamSummary]:
    """Studies, newest first; every word of ``text`` is found in the name (any script, case
    and accents ignored), patient ID, accession or description; dates are YYYYMMDD (either
    end may be empty)."""
    query = (select(Study.id, Study.StudyInstanceUID, Study.StudyDate, Study.StudyTime,
                    Study.StudyDescription, Study.AccessionNumber, Patient.PatientName,
                    Patient.PatientID, Study.state)
             .join(Patient, Study.patient_id == Patient.id))
    if date_from:
        query = query.where(Study.StudyDate >= date_from)
    if date_to:
        query = query.where(Study.StudyDate <= date_to)
    # the study's folded text (kept by the database, see vxacq.db.folding) holds each word
    for word in normalise(text).split():
        query = query.where(func.instr(Study.search_text, word) > 0)
    query = query.order_by(Study.StudyDate.desc(), Study.StudyTime.desc(),
                           Study.id.desc()).limit(limit)
    with db.session() as session:
        rows = session.exec(query).all()
        ids = [row[0] for row in rows]
        accepted = dict(session.exec(
            select(Series.study_id, func.count(Image.id))
            .join(Series, Image.series_id == Series.id)
            .where(Series.study_id.in_(ids), Series.Modality.not_in(NOT_EXPOSURES),
                   Image.state == "accepted")
            .group_by(Series.study_id)).all()) if ids else {}
    return [ExamSummary(int(sid), uid, date, time, description, accession, name, pid,
                        str(state), int(accepted.get(sid, 0)))
            for sid, uid, date, time, description, accession, name, pid, state in rows]


def image_status(db: Database, study_id: int) -> list[ImageStatus]:
    """Every image and dose report of the study with its send and commitment state per node."""
    with db.session() as session:
        pairs = session.exec(select(Image, Series).join(Series, Image.series_id == Series.id)
                             .where(Series.study_id == study_id)
                             .order_by(Series.SeriesNumber, Image.InstanceNumber)).all()
        images = [image for image, _ in pairs]
        series = {image.id: s for image, s in pairs}
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
                    if not_applicable := payload.get("result", {}).get("commitment"):
                        committed[uid][job.node] = not_applicable  # a DICOMweb node
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
                            sent[i.SOPInstanceUID], committed[i.SOPInstanceUID],
                            ProtocolName=series[i.id].ProtocolName,
                            Modality=series[i.id].Modality, Laterality=series[i.id].Laterality,
                            acquired_at=aware(i.acquired_at),
                            reject_reason=i.reject_code_meaning,
                            partial=raw_notes(i.raw_path)[0] if i.raw_path else "")
                for i in images]


def thumbnail_pixels(path: str, size: int = 96) -> np.ndarray | None:
    """A picture of the image at most ``size`` pixels a side, 8 bits, in its default
    window (presentation intent as stored); None when the file cannot be read or holds no
    pixels (a dose report). Reads the file: call it off the GUI thread."""
    import pydicom

    from vxacq.dicom import decoders

    try:
        ds = pydicom.dcmread(path)
        if "PixelData" not in ds:
            return None
        pixels = decoders.pixel_array(ds)
    except Exception as exc:  # a missing or damaged file shows no picture, and says so in the log
        log.warning("no thumbnail for %s: %s", path, exc)
        return None
    step = max(1, -(-max(pixels.shape[:2]) // size))
    small = pixels[::step, ::step].astype(np.float32)
    bits = int(ds.get("BitsStored", 16))
    center, width = (_first(ds.get("WindowCenter"), (1 << bits) / 2),
                     _first(ds.get("WindowWidth"), 1 << bits))
    scaled = np.clip((small - (center - width / 2)) / max(width, 1.0) * 255.0, 0, 255)
    if ds.get("PhotometricInterpretation") == "MONOCHROME1":
        scaled = 255.0 - scaled
    return np.ascontiguousarray(scaled.astype(np.uint8))


def _first(value, default: float) -> float:
    if value is None:
        return float(default)
    try:
        return float(value)
    except TypeError:  # multi-valued: the first window is the default one
        return float(value[0])
    except ValueError:
        return float(default)


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
    """Queue the study's accepted images, their annotations (GSPS) and dose reports to every
    store node again."""
    from vxacq.net.routing import route_study
    from vxacq.workflow.annotations import annotated_files

    return route_study(config, db, study_id, extra_files=annotated_files(db, study_id))

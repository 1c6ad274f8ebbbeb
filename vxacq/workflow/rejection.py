"""Rejecting an image that was already sent: the IHE IOCM Change Requester at the console.

An image the radiographer accepted went to PACS when the exam closed. When it turns out to be
unusable (a quality problem, the wrong side marker, the wrong patient), :func:`reject_sent`:

1. writes a rejection note (:func:`vxacq.dicom.kos.rejection_note`, a Key Object Selection
   Document whose title comes from the reject reason, see :mod:`vxacq.workflow.reasons`)
   referencing the image, and its presentation state if that was sent too;
2. in one transaction: the image becomes ``rejected`` with its reason (so no re-send ever takes
   it again), the note is recorded as an object of the study (series Modality KO) and the
   rejection is audited;
3. queues the note to every node the image was queued to (the outbox's STORE jobs say which);
   jobs for a node run in order, so a node that has not received the image yet gets it first
   and then the note that rejects it;
4. corrects the MPPS where the step is still open at the RIS: a final N-SET that is queued
   (not yet accepted by the RIS) is rewritten without the image (its series dropped when
   nothing else of it is left) and with the note as a non-image instance of its own series.
   A step the RIS has already COMPLETED takes no N-SET (PS3.4 F.7.2, the SCP refuses it): it
   stays as sent and the note alone tells the archive (IHE RAD TF-2 IOCM).

The dose report is not changed: the patient was exposed, and the RDSR keeps the exposure.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pydicom
from pydicom.dataset import Dataset
from sqlmodel import select, update

from vxacq.config import Config
from vxacq.db import (
    Database, Image, ImageState, Job, JobKind, JobState, Series, Study,
)
from vxacq.dicom import codes, part10
from vxacq.dicom.modules import code_item
from vxacq.dicom.mpps import DISCONTINUED
from vxacq.dicom.kos import rejection_note
from vxacq.dicom.uids import new_uid
from vxacq.security import audit
from vxacq.workflow.annotations import presentation_state_path
from vxacq.workflow.reasons import reject_code, rejection_title

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

log = logging.getLogger(__name__)

NOTE_PROTOCOL = "Rejection note"


class RejectionError(ValueError):
    """The image cannot be rejected this way; the message says why and what to do."""


@dataclass(frozen=True)
class RejectionResult:
    image_id: int
    study_id: int
    SOPInstanceUID: str
    title: Code
    note_path: str
    note_uid: str
    store_jobs: dict[str, int] = field(default_factory=dict)  # node → STORE job of the note
    mpps_corrected: dict[str, int] = field(default_factory=dict)  # node → N-SET job rewritten
    mpps_unchanged: dict[str, str] = field(default_factory=dict)  # node → why not

    def describe(self) -> str:
        parts = [f"image {self.SOPInstanceUID} rejected ({self.title.meaning}); rejection note "
                 f"queued to {', '.join(self.store_jobs) or 'no node'}"]
        if self.mpps_corrected:
            parts.append(f"MPPS corrected for {', '.join(self.mpps_corrected)}")
        parts += [f"MPPS at {node} not changed: {why}"
                  for node, why in self.mpps_unchanged.items()]
        return "; ".join(parts)


def sent_to(db: Database, paths: list[str], study_id: int | None = None) -> dict[str, str]:
    """Each node a STORE job took (or is to take) any of ``paths`` to → the newest such job's
    state; cancelled jobs count only when they had sent some of it. With ``study_id``, the
    study's jobs and those queued by hand (``vxacq store``, no study) are searched."""
    wanted = set(paths)
    out: dict[str, str] = {}
    with db.session() as session:
        query = select(Job).where(Job.kind == JobKind.STORE)
        if study_id is not None:
            query = query.where((Job.study_id == study_id) | (Job.study_id.is_(None)))
        jobs = session.exec(query.order_by(Job.id)).all()
        for job in jobs:
            payload = _payload(job)
            files = set(payload.get("files", [])) & wanted
            if not files:
                continue
            if job.state == JobState.CANCELLED and not payload.get("checkpoint", {}).get("sent"):
                continue
            out[job.node] = str(job.state)
    return out


def image_id_for(db: Database, sop_instance_uid: str) -> int:
    """The image row of a SOP Instance UID; RejectionError when the console has none."""
    with db.session() as session:
        found = session.exec(select(Image.id).where(
            Image.SOPInstanceUID == sop_instance_uid.strip())).first()
    if found is None:
        raise RejectionError(f"no image {sop_instance_uid} in the exam database")
    return int(found)


def reject_sent(config: Config, db: Database, image_id: int, reason: str | Code, *,
                operator: str = "", dose_report_moved: bool = False) -> RejectionResult:
    """Reject the accepted image ``image_id`` that was queued to or sent to PACS (see the
    module docstring). RejectionError, changing nothing, when it is not such an image.
    A dose report is withdrawn only with ``dose_report_moved``: when its exposures were
    reported again under the patient who received them (:mod:`vxacq.workflow.refile`)."""
    try:
        code = reject_code(reason)
        title = rejection_title(reason)
    except ValueError as exc:
        raise RejectionError(str(exc)) from None
    with db.session() as session:
        pair = session.exec(select(Image, Series).join(Series, Image.series_id == Series.id)
                            .where(Image.id == image_id)).first()
        if pair is None:
            raise RejectionError(f"no image {image_id} in the exam database")
        image, series = pair
        if series.Modality == "KO" or (series.Modality == "SR" and not dose_report_moved):
            raise RejectionError("a dose report or a rejection note is not rejected: the "
                                 "patient's exposure stays on record")
        if image.state != ImageState.ACCEPTED or not image.file_path:
            raise RejectionError(f"image {image.SOPInstanceUID} is {image.state}, not an "
                                 "accepted image that was sent; nothing to withdraw")
        study = session.get(Study, series.study_id)
        study_id, study_uid = int(study.id), study.StudyInstanceUID
        step_id = series.performed_step_id
        image_path, image_uid = image.file_path, image.SOPInstanceUID
        numbers = session.exec(select(Series.SeriesNumber).where(
            Series.study_id == study_id, Series.Modality != "SR")).all()
    gsps = str(presentation_state_path(image_path))
    nodes = sent_to(db, [image_path], study_id)
    if not nodes:
        raise RejectionError(f"image {image_uid} was never queued to a node; reject it in the "
                             "exam (reopen the study) instead")
    files = [image_path] + ([gsps] if sent_to(db, [gsps], study_id) and Path(gsps).is_file()
                            else [])
    try:
        instances = [pydicom.dcmread(p, stop_before_pixels=True) for p in files]
    except Exception as exc:  # a missing or damaged file: the note cannot name what it holds
        raise RejectionError(f"{Path(image_path).name} cannot be read ({exc}); restore the file, "
                             "then reject again") from None

    now = dt.datetime.now().astimezone()
    note = rejection_note(instances, title, SeriesInstanceUID=new_uid(), SOPInstanceUID=new_uid(),
                          created=now, SeriesNumber=max(numbers, default=0) + 1)
    folder = Path(config.data_dir) / "images" / study_uid
    note_path = part10.write(folder / f"{note.SOPInstanceUID}.dcm", note)
    with db.session() as session:
        row = session.get(Image, image_id)
        if row.state != ImageState.ACCEPTED:  # rejected meanwhile by another window
            note_path.unlink(missing_ok=True)
            raise RejectionError(f"image {image_uid} was rejected meanwhile")
        row.state = ImageState.REJECTED
        row.reject_code_value, row.reject_coding_scheme = code.value, code.scheme_designator
        row.reject_code_meaning = code.meaning
        note_series = Series(SeriesInstanceUID=str(note.SeriesInstanceUID), study_id=study_id,
                             performed_step_id=step_id, SeriesNumber=int(note.SeriesNumber),
                             Modality="KO", ProtocolName=NOTE_PROTOCOL)
        session.add(note_series)
        session.flush()
        session.add(Image(series_id=int(note_series.id), SOPInstanceUID=str(note.SOPInstanceUID),
                          SOPClassUID=str(note.SOPClassUID), file_path=str(note_path),
                          state=ImageState.ACCEPTED))
        audit.record(session, "image rejected after sending", user=operator, study_id=study_id,
                     detail=f"{image_uid}: {code.meaning}; rejection note {note.SOPInstanceUID} "
                            f"({title.value} {title.meaning}) to {', '.join(sorted(nodes))}")
    from vxacq.net.store import enqueue_store

    jobs = {node: enqueue_store(db, node, [str(note_path)], study_id=study_id)
            for node in sorted(nodes)}
    corrected, unchanged = correct_mpps(db, step_id, [p.SOPInstanceUID for p in instances],
                                        note, title)
    from vxacq.net.department import enqueue_publish

    enqueue_publish(config, db, study_id, "image rejected after sending")
    result = RejectionResult(image_id, study_id, image_uid, title, str(note_path),
                             str(note.SOPInstanceUID), jobs, corrected, unchanged)
    log.info("study %s: %s", study_id, result.describe())
    return result


def correct_mpps(db: Database, step_id: int | None, rejected: list[str], note: Dataset | None,
                 title: Code) -> tuple[dict[str, int], dict[str, str]]:
    """Rewrite the step's final N-SET where the RIS has not taken it yet (module docstring):
    the ``rejected`` instances out, the ``note`` in. A step filed under the wrong worklist
    entry (title 113038) that has no image left is DISCONTINUED with CID 9300's (110514,
    "Incorrect worklist entry selected"). Returns (node → job rewritten, node → why not)."""
    corrected: dict[str, int] = {}
    unchanged: dict[str, str] = {}
    if step_id is None:
        return corrected, unchanged
    with db.session() as session:
        jobs = session.exec(select(Job).where(Job.kind == JobKind.MPPS)
                            .order_by(Job.id)).all()
        finals = [j for j in jobs if _payload(j).get("action") == "set"
                  and _payload(j).get("performed_step_id") == step_id]
        # No final N-SET yet: the exam is still open, and its N-SET will list only the
        # images accepted then.
        for job in finals:
            if job.state not in (JobState.QUEUED, JobState.FAILED):
                when = ("was already reported ended" if job.state == JobState.DONE
                        else "is being reported ended right now")
                unchanged[job.node] = (f"the step {when}; PS3.4 F.7.2 allows no N-SET after "
                                       "that, the rejection note tells the archive")
                continue
            payload = _payload(job)
            attributes = Dataset.from_json(payload["attributes"])
            attributes.PerformedSeriesSequence = _without(
                attributes.get("PerformedSeriesSequence", []), set(rejected), note)
            images_left = any(s.get("ReferencedImageSequence")
                              for s in attributes.PerformedSeriesSequence)
            if title.value == "113038" and not images_left:
                attributes.PerformedProcedureStepStatus = DISCONTINUED
                attributes.PerformedProtocolCodeSequence = []
                attributes.PerformedProcedureStepDiscontinuationReasonCodeSequence = [
                    code_item(codes.DISCONTINUATION_REASONS["IncorrectWorklistEntrySelected"])]
            payload["attributes"] = attributes.to_json_dict()
            # Only while no outbox has claimed it: the claim turns it RUNNING first.
            done = session.exec(update(Job).where(
                Job.id == job.id, Job.state.in_([JobState.QUEUED, JobState.FAILED]))
                .values(payload=json.dumps(payload))).rowcount
            if done:
                corrected[job.node] = int(job.id)
            else:
                unchanged[job.node] = ("the step is being reported ended right now; PS3.4 "
                                       "F.7.2 allows no N-SET after that, the rejection note "
                                       "tells the archive")
    return corrected, unchanged


def _without(items, rejected: set[str], note: Dataset | None) -> list[Dataset]:
    """Performed Series Sequence items without the rejected instances (a series left with none
    is dropped), plus the rejection note's series (a non-image instance)."""
    out = []
    template = None
    for item in items:
        template = template or item
        images = [r for r in item.get("ReferencedImageSequence", [])
                  if r.ReferencedSOPInstanceUID not in rejected]
        others = [r for r in item.get("ReferencedNonImageCompositeSOPInstanceSequence", [])
                  if r.ReferencedSOPInstanceUID not in rejected]
        if not images and not others:
            continue
        item.ReferencedImageSequence = images
        item.ReferencedNonImageCompositeSOPInstanceSequence = others
        out.append(item)
    if note is None:
        return out
    note_item = Dataset()
    note_item.PerformingPhysicianName = ""
    note_item.ProtocolName = NOTE_PROTOCOL
    note_item.OperatorsName = ""
    if template is not None and "OperatorsName" in template:
        note_item["OperatorsName"] = template["OperatorsName"]
    note_item.SeriesInstanceUID = note.SeriesInstanceUID
    note_item.SeriesDescription = note.SeriesDescription
    note_item.RetrieveAETitle = ""
    note_item.ReferencedImageSequence = []
    ref = Dataset()
    ref.ReferencedSOPClassUID = note.SOPClassUID
    ref.ReferencedSOPInstanceUID = note.SOPInstanceUID
    note_item.ReferencedNonImageCompositeSOPInstanceSequence = [ref]
    out.append(note_item)
    return out


def _payload(job: Job) -> dict:
    try:
        return json.loads(job.payload or "{}")
    except ValueError:
        return {}

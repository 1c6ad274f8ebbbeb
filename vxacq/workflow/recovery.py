"""Frames left in the panel: recovered into the exam they were taken for, or discarded (audited).

An exposure whose frame was not stored (the panel link dropped, the disk was full, the readout
stuck) leaves a pending record (:mod:`vxacq.hal.pending`), and no new exposure is made while
one is open. :func:`recover` fetches every such frame and files it as the exposure that made it:
into its exam (the one on screen, or the study it was taken for, resumed or reopened), or, for
``vxacq acquire``'s QA exposures, as a raw frame the command turns into its image.
:func:`discard` closes a record whose frame cannot be had, with a reason, in the audit trail;
the panel drops such a frame the next time it is armed.

The exam screen and ``vxacq acquire --recover`` / ``--discard`` call these; nothing here is Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from vxacq.config import Config
from vxacq.db import Database, Study, StudyState
from vxacq.hal import pending
from vxacq.hal.exposure import ExposureResult, recover_frames
from vxacq.hal.pending import PendingExposure
from vxacq.security import audit
from vxacq.workflow.exam import Exam
from vxacq.workflow.exam_types import ExamError, ExamState, ImageView

log = logging.getLogger(__name__)

__all__ = ["Recovered", "discard", "pending_exposures", "recover"]


@dataclass(frozen=True)
class Recovered:
    """One exposure's frame after a recovery: ``ok`` with where it was filed, else why not."""

    uid: str
    protocol: str
    ok: bool
    message: str  # in words, for the screen or the command line
    study_id: int | None = None  # the exam it was filed under (None: a QA exposure)
    image: ImageView | None = None
    result: ExposureResult | None = None


def pending_exposures(config: Config) -> list[PendingExposure]:
    """Exposures made whose frame is not stored yet, oldest first (Prep is blocked while any)."""
    return pending.open_records(config.data_dir)


def recover(config: Config, db: Database, *, room: Any = None, exam: Exam | None = None,
            operator: str = "") -> list[Recovered]:
    """Fetch every frame left in the panel and file it as its exposure. ``room``: the console's
    open devices (``RoomSession.devices()``); ``exam``: the exam on screen, which gets its own
    frames through its events. Frames of other studies go to those studies (resumed, or
    reopened as an appended step when closed)."""
    outcomes = []
    for result in recover_frames(config, room=room):
        if not result.ok:
            message = (result.error or {}).get("message", "not recovered")
            outcomes.append(Recovered(result.uid, result.protocol, False, message,
                                      result.context.get("study_id"), result=result))
            continue
        study_id = result.context.get("study_id")
        if study_id is None:  # a QA exposure, or a frame no exposure of ours claims
            outcomes.append(Recovered(result.uid, result.protocol, True,
                                      "; ".join(result.warnings), result=result))
            continue
        try:
            target = exam if exam is not None and exam.study_id == study_id \
                and exam.state == ExamState.OPEN else _exam_of(config, db, int(study_id), operator)
            view = target.file_recovered(result)
        except ExamError as exc:  # the raw frame is stored; only its filing failed
            outcomes.append(Recovered(result.uid, result.protocol, False,
                                      f"frame stored ({result.files[0]}) but not filed: {exc}",
                                      int(study_id), result=result))
            continue
        who = result.context.get("PatientName") or result.context.get("PatientID") or ""
        outcomes.append(Recovered(
            result.uid, result.protocol, True,
            f"{result.protocol} frame recovered and filed under the exam of {who}".rstrip(),
            int(study_id), view, result))
    return outcomes


def discard(config: Config, db: Database, uid: str, reason: str, *, operator: str = "") -> None:
    """Close an exposure's pending record without its frame (lost, or not worth keeping), with
    ``reason`` recorded in the audit trail. ExamError when there is no such record or no
    reason."""
    if not reason.strip():
        raise ExamError("discarding an exposure's frame needs a reason (it is audited)")
    record = next((r for r in pending.open_records(config.data_dir) if r.uid == uid), None)
    if record is None:
        raise ExamError(f"no exposure {uid} is waiting for its frame "
                        f"(waiting: {', '.join(r.uid for r in pending_exposures(config)) or 'none'})")
    pending.close(config.data_dir, uid, pending.DISCARDED, reason=reason.strip(), user=operator)
    study_id = record.context.get("study_id")
    with db.session() as session:
        known = study_id is not None and session.get(Study, int(study_id)) is not None
        audit.record(session, "exposure discarded", user=operator,
                     detail=f"{record.describe()}: {reason.strip()}",
                     study_id=int(study_id) if known else None)
    log.warning("exposure %s discarded by %r: %s", uid, operator, reason)


def _exam_of(config: Config, db: Database, study_id: int, operator: str) -> Exam:
    """The study's exam: resumed while open, else reopened (an appended procedure step)."""
    with db.session() as session:
        row = session.get(Study, study_id)
        if row is None:
            raise ExamError(f"study {study_id} is not in the exam database")
        is_open = row.state == StudyState.OPEN
    if is_open:
        return Exam.resume(config, db, study_id, operator=operator)
    return Exam.reopen(config, db, study_id, operator=operator)

"""Images filed under the wrong patient or order, moved to the right order (IHE IOCM
"Incorrect Modality Worklist Entry").

The radiographer picked the wrong worklist entry and the exam was closed (and perhaps sent)
under it. :func:`move_to_order` corrects it the way IOCM asks a modality to:

1. an exam is started for the right order and each exposure of the wrong exam is filed into it
   from its raw frame (:meth:`vxacq.workflow.exam.Exam.file_moved`): the same irradiation
   event, processed again into a new image with new SOP, Series and Study Instance UIDs under
   the right patient and order; accepted images are accepted again, rejected exposures rejected
   again with their reason (the patient in the room received them), and the exam is closed as
   usual: its dose report (every exposure, same Irradiation Event UIDs), MPPS (N-CREATE and
   N-SET COMPLETED) and store jobs;
2. only then the wrong exam's objects are withdrawn with the reason "WrongPatient": each image
   that was sent gets a rejection note titled (113038, DCM, "Incorrect Modality Worklist
   Entry") sent to every node it went to (:func:`vxacq.workflow.rejection.reject_sent`), and so
   does its dose report, whose exposures now belong to the right patient (a dose registry
   counts them once, under the right patient); the wrong step's MPPS, while the RIS has not
   taken its end yet, is corrected, and DISCONTINUED with "Incorrect worklist entry selected"
   when no image of it is left. A wrong step the RIS already has as ended stays as sent (PS3.4
   F.7.2): the notes tell the archive.

Moving only some images (``image_ids``) moves those accepted images alone and leaves the wrong
exam's dose report as it is (its other exposures stay there).

A failure in step 1 leaves the wrong exam as it was (nothing is lost); the new exam then stays
open on the console to be finished or discontinued by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import select

from vxacq.config import Config
from vxacq.db import Database, Image, ImageState, Order, OrderState, Series, Study, StudyState
from vxacq.hal import rawstore
from vxacq.hal.exposure import ExposureResult
from vxacq.logs import phi
from vxacq.security import audit
from vxacq.workflow.exam import Exam, ExamError
from vxacq.workflow.reasons import reject_code, rejection_title
from vxacq.workflow.rejection import RejectionError, correct_mpps, reject_sent, sent_to

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

log = logging.getLogger(__name__)

REASON = "WrongPatient"  # its IOCM title is 113038 (vxacq/resources/reject_reasons.toml)


class RefileError(ValueError):
    """The images cannot be moved; the message says why and what to do. Nothing changed."""


@dataclass(frozen=True)
class MoveResult:
    from_study_id: int
    to_study_id: int
    moved: dict[str, str] = field(default_factory=dict)  # wrong SOP Instance UID → new one
    notes: list[str] = field(default_factory=list)  # rejection notes sent (SOP Instance UIDs)
    jobs: dict[str, list[int]] = field(default_factory=dict)  # the new exam's jobs
    mpps_unchanged: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        text = (f"{len(self.moved)} image(s) moved from study {self.from_study_id} to study "
                f"{self.to_study_id}; {len(self.notes)} rejection note(s) for the wrong ones")
        return "; ".join([text, *(f"MPPS at {n} not changed: {w}"
                                  for n, w in self.mpps_unchanged.items())])


def move_to_order(config: Config, db: Database, study_id: int, order_id: int, *,
                  image_ids: list[int] | None = None, operator: str = "") -> MoveResult:
    """Move the accepted images of the closed study ``study_id`` (or the ``image_ids`` of it)
    to the scheduled order ``order_id`` (see the module docstring)."""
    images, reports = _check(db, study_id, order_id, image_ids)
    results = []
    for image_id, raw_path, rejected in images:
        try:
            sidecar = rawstore.read_sidecar(Path(raw_path).parent, Path(raw_path).stem)
        except (OSError, ValueError) as exc:
            raise RefileError(f"the raw frame of image {image_id} cannot be read ({exc}); "
                              "nothing was moved: restore it, then try again") from None
        results.append((image_id, _exposure(sidecar, raw_path), rejected))
    try:
        exam = Exam.start(config, db, order_id, operator=operator,
                          protocols=[r.protocol for _, r, _ in results])
    except ExamError as exc:
        raise RefileError(str(exc)) from None
    moved: dict[str, str] = {}
    for image_id, result, rejected in results:
        view = exam.file_moved(result)
        if rejected is not None:
            exam.reject(view.id, rejected)  # the same exposure, the same verdict
            continue
        if not view.file_path:
            raise RefileError(f"exposure {result.uid} could not be processed again "
                              f"({view.error}); the wrong images are unchanged, and the exam of "
                              "the right order is open on the console: finish or discontinue it")
        exam.accept(view.id, confirm_partial=True)  # accepted already, partial or not
        moved[_uid(db, image_id)] = view.SOPInstanceUID
    closed = exam.close()
    log.info("study %s: %d image(s) moved to study %s (patient %s)", study_id, len(moved),
             exam.study_id, phi(exam.patient.PatientID))

    notes: list[str] = []
    unchanged: dict[str, str] = {}
    withdrawn = [i for i, _raw, rejected in images if rejected is None] + reports
    for image_id in withdrawn:
        paths = [_path(db, image_id)]
        if sent_to(db, paths, study_id):
            try:
                rejected = reject_sent(config, db, image_id, REASON, operator=operator,
                                       dose_report_moved=image_id in reports)
            except RejectionError as exc:  # the right images are out already: say so loudly
                raise RefileError(f"the images were moved, but image {image_id} could not be "
                                  f"withdrawn: {exc}") from None
            notes.append(rejected.note_uid)
            unchanged.update(rejected.mpps_unchanged)
        else:
            unchanged.update(_reject_unsent(db, image_id, operator))
    audit.record(db, "images moved to the right order", user=operator, study_id=study_id,
                 detail=f"{len(moved)} image(s) to study {exam.study_id} (order {order_id}); "
                        f"{len(notes)} rejection note(s)")
    return MoveResult(study_id, exam.study_id, moved, notes, closed.jobs, unchanged)


def _check(db: Database, study_id: int, order_id: int, image_ids: list[int] | None
           ) -> tuple[list[tuple[int, str, Code | None]], list[int]]:
    """The exposures to move as (image id, raw frame, reject code or None for an accepted
    one), and the dose reports to withdraw (none when only some images move)."""
    from pydicom.sr.coding import Code

    with db.session() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise RefileError(f"no exam (study {study_id}) in the exam database")
        if study.state != StudyState.CLOSED:
            raise RefileError(f"study {study_id} is still open: close or discontinue it first")
        order = session.get(Order, order_id)
        if order is None:
            raise RefileError(f"no order {order_id} in the exam database")
        if order_id == study.order_id:
            raise RefileError("that is the order the images are filed under already")
        if order.state != OrderState.SCHEDULED:
            raise RefileError(f"order {order.AccessionNumber or order_id} is "
                              f"{order.state.replace('_', ' ')}; pick a scheduled order")
        rows = session.exec(select(Image, Series).join(Series, Image.series_id == Series.id)
                            .where(Series.study_id == study_id).order_by(Image.id)).all()
        chosen: list[tuple[int, str, Code | None]] = []
        reports: list[int] = []
        for image, series in rows:
            if series.Modality == "SR" and image.state == ImageState.ACCEPTED:
                reports.append(int(image.id))
            elif series.Modality in ("SR", "KO") or not image.raw_path:
                continue
            elif image.state == ImageState.ACCEPTED and (image_ids is None
                                                         or int(image.id) in image_ids):
                chosen.append((int(image.id), image.raw_path, None))
            elif image.state == ImageState.REJECTED and image_ids is None:
                chosen.append((int(image.id), image.raw_path,
                               Code(image.reject_code_value, image.reject_coding_scheme,
                                    image.reject_code_meaning)))
        missing = set(image_ids or []) - {i for i, _, _ in chosen}
    if missing:
        raise RefileError(f"image(s) {', '.join(map(str, sorted(missing)))} are not accepted "
                          f"images of study {study_id}")
    if not [c for c in chosen if c[2] is None]:
        raise RefileError(f"study {study_id} has no accepted image to move")
    return chosen, reports if image_ids is None else []


def _exposure(sidecar: dict, raw_path: str) -> ExposureResult:
    """The stored exposure as the exam files it (the same frame and event)."""
    folder, uid = Path(raw_path).parent, Path(raw_path).stem
    return ExposureResult(ok=True, protocol=sidecar["protocol"], uid=sidecar.get("uid", uid),
                          requested=sidecar.get("requested") or {},
                          reported=sidecar.get("reported"), files=[raw_path,
                                                                   str(folder / f"{uid}.json")],
                          complete=bool(sidecar.get("complete", True)),
                          detector=sidecar.get("detector"), context=sidecar.get("context") or {})


def _uid(db: Database, image_id: int) -> str:
    with db.session() as session:
        return session.get(Image, image_id).SOPInstanceUID


def _path(db: Database, image_id: int) -> str:
    with db.session() as session:
        return session.get(Image, image_id).file_path


def _reject_unsent(db: Database, image_id: int, operator: str) -> dict[str, str]:
    """A wrong image never sent: rejected here, and left out of the step's queued N-SET."""
    code = reject_code(REASON)
    with db.session() as session:
        image = session.get(Image, image_id)
        series = session.get(Series, image.series_id)
        image.state = ImageState.REJECTED
        image.reject_code_value, image.reject_coding_scheme = code.value, code.scheme_designator
        image.reject_code_meaning = code.meaning
        step_id, uid, study_id = series.performed_step_id, image.SOPInstanceUID, series.study_id
        audit.record(session, "image rejected", user=operator, study_id=study_id,
                     detail=f"{uid}: {code.meaning}")
    _corrected, unchanged = correct_mpps(db, step_id, [uid], None, rejection_title(REASON))
    return unchanged

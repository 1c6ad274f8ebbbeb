"""The exam: one patient's performed procedure step, from start to close, as a state machine.

An :class:`Exam` is started from an order (:meth:`Exam.start`), reopened to add images to a
closed study (:meth:`Exam.reopen`, an appended procedure step) or resumed after a restart
(:meth:`Exam.resume`). Every step writes its result to the exam database before the next one
starts, so a crash at any point loses nothing the patient was exposed for:

- start: Study and PerformedStep rows, the order ``in_progress``, an MPPS N-CREATE (IN PROGRESS)
  queued in the outbox for every node with the ``mpps`` service;
- :meth:`Exam.expose`: the raw frame is stored and its Image row written (``acquired``, no file
  yet) before processing; then the processed DX/MG image is written atomically and the row gets
  its file, EI and DI;
- :meth:`Exam.accept` / :meth:`Exam.reject` (CID 7011 or local reason) / :meth:`Exam.retake` /
  :meth:`Exam.reprocess` (another protocol's parameters, or display options);
- :meth:`Exam.close` (MPPS COMPLETED listing every series and image) or :meth:`Exam.discontinue`
  (DISCONTINUED with a CID 9300 reason): the dose report of every exposure of the step (rejected
  ones too) is written, the N-SET queued, the accepted images and the dose report queued to the
  store nodes (storage commitment follows each store, queued by the store job), and optionally
  a print job.

The pieces: :mod:`~vxacq.workflow.exam_types` (errors, views, events),
:mod:`~vxacq.workflow.exam_opening` (which study and step: started, reopened, resumed),
:mod:`~vxacq.workflow.performed_step` (the step and its MPPS N-CREATE),
:mod:`~vxacq.workflow.exam_processing` (raw frame to image) and
:mod:`~vxacq.workflow.exam_closing` (dose report, N-SET, store and print jobs).

Nothing here talks to the network: the outbox (:class:`vxacq.net.outbox.Outbox`, run by the
caller) sends the queued jobs; :func:`vxacq.workflow.history.image_status` says per image what
was sent and committed.

Threads: every public method may be called from any thread; an exam's methods run one at a
time (a lock), so a GUI calls them from a worker thread and never blocks its event loop.
Observers registered with :meth:`Exam.subscribe` receive :class:`ExamEvent` objects on the
thread that made the change, while the exam is still locked, so one step's events arrive in
order and uninterrupted; a GUI re-posts them to its own thread (a callback must not wait for
another thread that calls the exam). A callback that raises is logged and does not disturb
the exam.
"""


from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from vxacq.config import Config
from vxacq.db import Database, Image, ImageState, OrderState, Series
from vxacq.dicom.inputs import OrderInfo, PatientInfo, StudyInfo
from vxacq.dicom.uids import new_uid
from vxacq.hal import pending, rawstore
from vxacq.hal.exposure import ExposureResult, run_exposure
from vxacq.hal.long_length import run_long_length
from vxacq.logs import phi
from vxacq.protocols import Protocol, ProtocolError, load as load_protocols
from vxacq.security import audit
from vxacq.workflow import dose_check, exam_opening as opening, reference_levels
from vxacq.workflow.acquisition import summed_report
from vxacq.workflow.dose import raw_notes
from vxacq.workflow.exam_closing import COMPLETED, DISCONTINUED, Closing
from vxacq.workflow.exam_processing import Processing
from vxacq.workflow.long_length import Sequence, open_sequences
from vxacq.workflow.exam_types import (
    CloseResult, ExamError, ExamEvent, ExamState, ExposureError, ImageView,
)
from vxacq.workflow.orders import get_order
from vxacq.workflow.performed_step import Step
from vxacq.workflow.reasons import reject_code
from vxacq.workflow.technique import patient_size, technique_for

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

__all__ = ["COMPLETED", "DISCONTINUED", "CloseResult", "Exam", "ExamError", "ExamEvent",
           "ExamState", "ExposureError", "ImageView"]

log = logging.getLogger(__name__)


class Exam(Processing, Closing):
    """One performed procedure step of a study; see the module docstring for the sequence."""

    def __init__(self, config: Config, db: Database, step: Step, *, operator: str = "",
                 protocols: list[str] | None = None, laterality: str = "") -> None:
        # Use Exam.start / reopen / resume; this only wires the pieces together.
        self.config = config
        self.db = db
        self.operator = operator
        self._step = step
        self._lock = threading.RLock()
        self._observers: list[Callable[[ExamEvent], None]] = []
        self._known = load_protocols()
        self._protocols = list(protocols or [])
        self._state = ExamState.OPEN
        self._processed: dict[int, Any] = {}  # image id → ProcessedImage (the newest few)
        self._preview: tuple[int, Any] | None = None  # the newest exposure's quick look
        #: Side for protocols that leave it open, from the order's description ("" = ask).
        self.laterality = laterality

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def start(cls, config: Config, db: Database, order_id: int, *, operator: str = "",
              protocols: list[str] | None = None) -> Exam:
        """Start the exam of an order: Study + PerformedStep rows, the order in progress, MPPS
        IN PROGRESS queued. ``protocols`` default to the order's procedure mapped by
        ``vxacq/resources/procedures.toml``. An order already in progress resumes its open exam."""
        view = get_order(db, order_id)
        if view.state not in (OrderState.SCHEDULED, OrderState.IN_PROGRESS):
            raise ExamError(f"order {view.AccessionNumber or order_id} is {view.state}; "
                            "reopen its exam from the history to add images")
        open_id = opening.open_study_of(db, order_id)
        if open_id is not None:
            return cls.resume(config, db, open_id, operator=operator)
        step, protocols, side = opening.start_step(config, db, order_id, view,
                                                   operator=operator, protocols=protocols)
        exam = cls(config, db, step, operator=operator, protocols=protocols, laterality=side)
        exam._audit("exam started", f"order {order_id}, protocols {', '.join(protocols) or 'none'}")
        log.info("exam of %s started (study %s)", phi(step.patient.PatientID), step.study_id)
        exam._emit("started")
        return exam

    @classmethod
    def reopen(cls, config: Config, db: Database, study_id: int, *, operator: str = "",
               protocols: list[str] | None = None) -> Exam:
        """Add images to a closed study: a new performed procedure step appended to it (its own
        MPPS N-CREATE for the same order and study)."""
        step, side = opening.reopen_step(config, db, study_id, operator=operator)
        exam = cls(config, db, step, operator=operator, protocols=protocols or [],
                   laterality=side)
        exam._audit("exam reopened", f"appended step {step.performed.PerformedProcedureStepID}")
        exam._emit("started", message="appended procedure step")
        return exam

    @classmethod
    def resume(cls, config: Config, db: Database, study_id: int, *, operator: str = "") -> Exam:
        """Take up an open study again (after the console restarted): its newest IN PROGRESS
        step, its images as the database has them."""
        step, side = opening.resumed_step(config, db, study_id)
        exam = cls(config, db, step, operator=operator, laterality=side)
        exam._protocols = list(dict.fromkeys(i.protocol_id for i in exam.images()))
        return exam

    # --- what the screens show ---------------------------------------------------------------

    @property
    def study_id(self) -> int:
        return self._step.study_id

    @property
    def performed_step_id(self) -> int:
        return self._step.performed_step_id

    @property
    def state(self) -> ExamState:
        return self._state

    @property
    def patient(self) -> PatientInfo:
        return self._step.patient

    @property
    def order(self) -> OrderInfo | None:
        """The order (None for an unscheduled exam)."""
        return self._step.order

    @property
    def study(self) -> StudyInfo:
        return self._step.study

    @property
    def protocols(self) -> list[Protocol]:
        """The planned protocols, in order."""
        return [self._known[p] for p in self._protocols]

    def images(self) -> list[ImageView]:
        """This step's exposures, oldest first."""
        with self.db.session() as session:
            rows = session.exec(select(Image, Series).join(Series, Image.series_id == Series.id)
                                .where(Series.performed_step_id == self.performed_step_id)
                                .where(Series.Modality != "SR").order_by(Image.id)).all()
            return [self._view(i, s) for i, s in rows]

    def leaving_problem(self) -> str:
        """Why leaving this open exam for another patient needs the radiographer's word ("" when
        it may be left silently): an exposure of it whose frame is not stored yet, or images
        not reviewed. The window asks (suspend, or stay); nothing here refuses."""
        if self._state != ExamState.OPEN:
            return ""
        if self.frames_in_panel():
            return "an exposure of this exam has its frame still in the panel, not stored yet"
        waiting = [v for v in self.images() if v.state == ImageState.ACQUIRED]
        if waiting:
            return f"{len(waiting)} image(s) of this exam are not reviewed yet"
        return ""

    def frames_in_panel(self) -> list[pending.PendingExposure]:
        """This exam's exposures whose frame is still in the panel (not stored yet), oldest
        first: they stay recoverable into this exam after it is left (suspended)."""
        return [r for r in pending.open_records(self.config.data_dir)
                if r.context.get("study_id") == self.study_id]

    def image(self, image_id: int) -> ImageView:
        for view in self.images():
            if view.id == image_id:
                return view
        raise ExamError(f"image {image_id} is not part of this exam")

    def processed_image(self, image_id: int) -> Any:
        """The ProcessedImage of the image's newest processing (pixels for review), if it was
        processed in this session; else None (read ``file_path`` instead)."""
        return self._processed.get(image_id)

    def preview_image(self, image_id: int) -> Any:
        """The binned quick look (a ProcessedImage) of the newest exposure, made from its
        corrected frame while the full image is processed ("previewed"); else None."""
        preview = self._preview
        return preview[1] if preview is not None and preview[0] == image_id else None

    def subscribe(self, callback: Callable[[ExamEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on every change; returns the function that unsubscribes."""
        self._observers.append(callback)
        return lambda: self._observers.remove(callback) if callback in self._observers else None

    # --- protocols ---------------------------------------------------------------------------

    def add_protocol(self, protocol_id: str) -> None:
        with self._lock:
            self._open()
            if protocol_id not in self._known:
                raise ExamError(f"no protocol '{protocol_id}' (known: {', '.join(self._known)})")
            self._protocols.append(protocol_id)
            self._emit("protocols")

    def remove_protocol(self, protocol_id: str) -> None:
        """Drop one planned occurrence of the protocol (its images, if any, stay)."""
        with self._lock:
            self._open()
            if protocol_id not in self._protocols:
                raise ExamError(f"protocol {protocol_id} is not planned in this exam")
            self._protocols.remove(protocol_id)
            self._emit("protocols")

    @property
    def patient_size(self) -> str:
        """infant, child, small, medium or large: chooses each protocol's technique."""
        return patient_size(self._step.patient)

    def technique(self, protocol_id: str) -> tuple[float, float]:
        """(kV, mAs) of the protocol for this patient's size (see vxacq.workflow.technique)."""
        found, _ = technique_for(self._protocol(protocol_id), self.patient_size)
        return found.kv, found.mas

    # --- exposure and review -----------------------------------------------------------------

    def expose(self, protocol_id: str, *, laterality: str | None = None, kv: float | None = None,
               mas: float | None = None, sid_mm: float | None = None, faults: tuple[str, ...] = (),
               time_scale: float | None = None, seed: int | None = None, room: Any = None,
               hand_switch: Any = None, confirm_dose: str = "") -> ImageView:
        """One exposure with the protocol on the configured hardware (waits for the hand
        switch / the simulator); returns the image, processed unless ``error`` says why not.
        Raises ExposureError when no frame was stored (nothing to review; the message says what
        the hardware reported), ExamError for a wrong protocol or side. ``room`` and
        ``hand_switch`` are the console's open devices and hand switch
        (:mod:`vxacq.hal.room`).

        An exposure that would pass a dose notification level
        (:mod:`vxacq.workflow.dose_check`) raises DoseNotificationRequired before anything
        happens, unless ``confirm_dose`` gives the radiographer's reason (recorded and
        audited)."""
        with self._lock:
            self._open()
            protocol = self._protocol(protocol_id)
            side = laterality or protocol.laterality or self.laterality
            if not side:
                raise ExamError(f"{protocol.id} images a paired body part: "
                                "choose the side (L or R)")
            if kv is None and mas is None:  # the technique for this patient's size
                kv, mas = self.technique(protocol.id)
            # a frame left in the panel comes first: the exposure is refused until it is
            # recovered, so no dose question is asked for an exposure that cannot be made
            if not pending.open_records(self.config.data_dir):
                self._check_dose(protocol, kv, mas, confirm_dose)
            if protocol_id not in self._protocols:
                self._protocols.append(protocol_id)
            self._emit("exposing", message=protocol.id)
            if protocol.long_length:
                return self._expose_fields(protocol, side, kv=kv, mas=mas, sid_mm=sid_mm,
                                           faults=faults, time_scale=time_scale, seed=seed,
                                           room=room, hand_switch=hand_switch)
            result = run_exposure(self.config, protocol, kv=kv, mas=mas, sid_mm=sid_mm,
                                  faults=faults, time_scale=time_scale, laterality=side, seed=seed,
                                  out_dir=rawstore.raw_dir(self.config.data_dir), room=room,
                                  hand_switch=hand_switch, context=self._exposure_context(side))
            if not result.files:
                message = (result.error or {}).get("message", "the exposure failed")
                self._emit("failed", message=message)
                raise ExposureError(message, result)
            return self._file(protocol, side, result)

    def dose_notices(self, protocol_id: str, kv: float | None = None,
                     mas: float | None = None) -> list[dose_check.DoseNotice]:
        """The notification levels an exposure of the protocol would pass now (see expose)."""
        with self._lock:
            protocol = self._protocol(protocol_id)
            planned_kv, planned_mas = self.technique(protocol.id)
            level = self._levels().for_protocol(protocol.id)
            return dose_check.notices(self.db, level, self.study_id, protocol,
                                      planned_kv if kv is None else kv,
                                      planned_mas if mas is None else mas)

    def _check_dose(self, protocol: Protocol, kv: float | None, mas: float | None,
                    reason: str) -> None:
        planned_kv, planned_mas = self.technique(protocol.id)
        found = dose_check.notices(self.db, self._levels().for_protocol(protocol.id),
                                   self.study_id, protocol, planned_kv if kv is None else kv,
                                   planned_mas if mas is None else mas)
        if not found:
            return
        if not reason:  # a reason given blank is refused by confirm, in its own words
            raise dose_check.DoseNotificationRequired(found)
        dose_check.confirm(self.db, self.study_id, found, reason, user=self.operator)

    def _levels(self) -> reference_levels.ReferenceLevels:
        try:
            return reference_levels.load(self.config.data_dir)
        except reference_levels.ReferenceLevelError as exc:
            # a hand-edited override that is wrong must not stop the room: the shipped levels
            # apply, and the service log says why
            log.error("reference levels: %s; the shipped levels apply", exc)
            return reference_levels.load(None)

    def sequence_progress(self, protocol_id: str, laterality: str = "") -> tuple[int, int]:
        """(fields taken, fields planned) of the protocol's long-length exposure under way in
        this exam; (0, planned) when none is."""
        protocol = self._protocol(protocol_id)
        side = laterality or protocol.laterality or self.laterality
        sequence = self._open_sequence(protocol, side)
        return (sequence.next_field if sequence else 0), protocol.field_count

    def _open_sequence(self, protocol: Protocol, side: str) -> Sequence | None:
        return next((s for s in open_sequences(self._sequence_folder(), self.study_id)
                     if s.protocol == protocol.id and s.laterality == side), None)

    def _sequence_folder(self) -> Path:
        return self._image_folder() / "sequences"

    def _expose_fields(self, protocol: Protocol, side: str, **options: Any) -> ImageView:
        """The fields of a long-length protocol still to take (all, or from the one that
        failed), then the stitched image. A field that fails ends the run: the fields before it
        are kept and the next Expose takes that field alone."""
        sequence = self._open_sequence(protocol, side) or Sequence(
            new_uid(), protocol.id, side, protocol.field_count, self.study_id)
        result = run_long_length(
            self.config, protocol, first_field=sequence.next_field, sequence_uid=sequence.uid,
            laterality=side, out_dir=rawstore.raw_dir(self.config.data_dir),
            context=self._exposure_context(side), **options)
        sequence.fields += [f.files[0] for f in result.fields]
        path = sequence.save(self._sequence_folder())
        if result.failed is not None:
            failed = result.failed
            message = (f"{protocol.name}: field {sequence.next_field + 1} of {sequence.planned} "
                       f"failed: {(failed.error or {}).get('message', 'the exposure failed')}. "
                       f"The {sequence.next_field} field(s) before it are kept; Expose takes "
                       f"field {sequence.next_field + 1} alone")
            self._audit("long-length field failed", f"sequence {sequence.uid}: {message}")
            if failed.files:  # dose delivered: the partial field is kept as an image of its own
                return replace(self._file(protocol, side, failed), error=message)
            self._emit("failed", message=message)
            raise ExposureError(message, failed)
        return self._file_sequence(protocol, side, sequence, path, result.warnings)

    def _file_sequence(self, protocol: Protocol, side: str, sequence: Sequence, path: Path,
                       warnings: list[str]) -> ImageView:
        sidecars = [rawstore.read_sidecar(Path(raw).parent, Path(raw).stem)
                    for raw in sequence.fields]
        # the row sums the fields as the stitched image's exposure does (a field recovered
        # without its generator report leaves the sums unknown, not short)
        summed = summed_report([s.get("reported") for s in sidecars])
        sid = (sidecars[0].get("requested") or {}).get("sid_mm")
        image_id = self._record_exposure(protocol, side, str(path), summed, sid)
        self._audit("long-length image", f"sequence {sequence.uid}: {sequence.planned} fields")
        self._emit("exposed", self.image(image_id))
        view = self._process(image_id, protocol, None, {})
        view = replace(view, warnings=tuple(warnings) + view.warnings)
        self._emit("processed" if view.file_path else "failed", view, view.error)
        return view

    def file_recovered(self, result: ExposureResult) -> ImageView | None:
        """File a frame recovered from the panel (:mod:`vxacq.workflow.recovery`) as the exposure
        of this exam it was taken for: its protocol, side, technique and report. A frame filed
        already is not filed twice. A long-length field joins its sequence (None until the
        sequence is complete and its stitched image made)."""
        with self._lock:
            self._open()
            with self.db.session() as session:
                known = session.exec(select(Image.id).where(
                    Image.raw_path == result.files[0])).first()
            if known is not None:
                return self.image(int(known))
            protocol = self._protocol(result.protocol)
            side = result.requested.get("laterality") or protocol.laterality or self.laterality
            self._audit("frame recovered", f"exposure {result.uid} ({protocol.id})")
            sequence = self._recovered_field_of(protocol, side, result)
            if sequence is not None:  # the field its sequence waits for: no need to repeat it
                sequence.fields.append(result.files[0])
                path = sequence.save(self._sequence_folder())
                if sequence.complete:
                    return self._file_sequence(protocol, side, sequence, path, result.warnings)
                self._emit("protocols")  # the sequence's progress changed
                return None
            return self._file(protocol, side, result)

    def file_moved(self, result: ExposureResult) -> ImageView:
        """File an exposure that was filed under the wrong patient or order as an exposure of
        this exam (:mod:`vxacq.workflow.refile`): the same raw frame and irradiation event,
        processed again into a new image with this exam's patient, study and series."""
        with self._lock:
            self._open()
            protocol = self._protocol(result.protocol)
            side = result.requested.get("laterality") or protocol.laterality or self.laterality
            self._audit("exposure moved here", f"exposure {result.uid} ({protocol.id})")
            return self._file(protocol, side, result)

    def _recovered_field_of(self, protocol: Protocol, side: str,
                            result: ExposureResult) -> Sequence | None:
        """The open sequence a recovered frame is the next field of, if it is one."""
        place = (result.context or {}).get("long_length") or {}
        sequence = self._open_sequence(protocol, side) if protocol.long_length else None
        if sequence is None or place.get("sequence") != sequence.uid \
                or place.get("field") != sequence.next_field + 1:
            return None
        return sequence

    def _file(self, protocol: Protocol, side: str, result: ExposureResult) -> ImageView:
        image_id = self._record_exposure(protocol, side, result.files[0], result.reported or {},
                                         result.requested.get("sid_mm"))
        self._emit("exposed", self.image(image_id))
        view = self._process(image_id, protocol, None, {}, preview=True)
        if result.error:  # dose delivered, but not all of it: say so beside the image
            view = replace(view, error=result.error["message"])
        view = replace(view, warnings=tuple(result.warnings) + view.warnings
                       + self._ei_warning(protocol))
        self._emit("processed" if view.file_path else "failed", view, view.error)
        return view

    def _ei_warning(self, protocol: Protocol) -> tuple[str, ...]:
        levels = self._levels()
        text = dose_check.ei_off_target(self.db, levels.for_protocol(protocol.id), protocol,
                                        levels.defaults.ei_window, levels.defaults.ei_outside)
        return (text,) if text else ()

    def _exposure_context(self, side: str) -> dict[str, Any]:
        """What a pending exposure record keeps of this exam, to file a recovered frame."""
        return {"study_id": self.study_id, "performed_step_id": self.performed_step_id,
                "StudyInstanceUID": self.study.StudyInstanceUID,
                "AccessionNumber": self.study.AccessionNumber,
                "PatientID": self.patient.PatientID, "PatientName": self.patient.PatientName,
                "laterality": side}

    def accept(self, image_id: int, *, confirm_partial: bool = False) -> ImageView:
        """Accept the image for sending. A partial exposure (the generator stopped early) is
        accepted only with ``confirm_partial`` (the radiographer has seen that it is partial)."""
        with self._lock:
            self._open()
            view = self.image(image_id)
            if not view.file_path:
                raise ExamError("this exposure has no processed image to accept"
                                + (f" ({view.error})" if view.error else "")
                                + "; re-process it or reject it")
            if view.partial and not confirm_partial:
                what = view.partial.removeprefix("PARTIAL EXPOSURE: ")
                raise ExamError(f"image {view.InstanceNumber} of series {view.SeriesNumber} is "
                                f"a partial exposure ({what}); accept it only after confirming "
                                "it answers the question, else reject it")
            self._set_image(image_id, state=ImageState.ACCEPTED, reject_code_value="",
                            reject_coding_scheme="", reject_code_meaning="")
            self._audit("image accepted", view.SOPInstanceUID
                        + (" (partial exposure, confirmed)" if view.partial else ""))
            view = self.image(image_id)
            self._emit("accepted", view)
        return view

    def reject(self, image_id: int, reason: str | Code) -> ImageView:
        """Reject with a reason key (CID 7011 or local, see :mod:`vxacq.workflow.reasons`) or a
        Code. The image stays on the console and in the dose report; it is never sent."""
        with self._lock:
            self._open()
            try:
                code = reject_code(reason)
            except ValueError as exc:
                raise ExamError(str(exc)) from None
            view = self.image(image_id)
            self._set_image(image_id, state=ImageState.REJECTED, reject_code_value=code.value,
                            reject_coding_scheme=code.scheme_designator,
                            reject_code_meaning=code.meaning)
            self._audit("image rejected", f"{view.SOPInstanceUID}: {code.meaning}")
            view = self.image(image_id)
            self._emit("rejected", view)
        return view

    def retake(self, image_id: int, reason: str | Code, **expose_options: Any) -> ImageView:
        """Reject the image, then expose its protocol and side again."""
        view = self.reject(image_id, reason)
        expose_options.setdefault("laterality", view.laterality or None)
        return self.expose(view.protocol_id, **expose_options)


    def _record_exposure(self, protocol: Protocol, side: str, raw_path: str,
                         reported: dict[str, Any], sid_mm: float | None) -> int:
        """Write the exposure's Image row (raw only, no file yet) in its protocol's series."""
        dap = reported.get("dap_Gy_cm2")
        with self.db.session() as session:
            series = session.exec(select(Series).where(
                Series.performed_step_id == self.performed_step_id,
                Series.ProtocolName == protocol.name, Series.Laterality == side)).first()
            if series is None:
                numbers = session.exec(select(Series.SeriesNumber).where(
                    Series.study_id == self.study_id, Series.Modality != "SR")).all()
                series = Series(SeriesInstanceUID=new_uid(), study_id=self.study_id,
                                performed_step_id=self.performed_step_id,
                                SeriesNumber=max(numbers, default=0) + 1,
                                Modality=protocol.modality,
                                BodyPartExamined=protocol.body_part,
                                ViewPosition=protocol.view_position, Laterality=side,
                                ProtocolName=protocol.name)
                session.add(series)
                session.flush()
            count = len(session.exec(select(Image.id).where(Image.series_id == series.id)).all())
            row = Image(series_id=int(series.id), SOPInstanceUID=new_uid(),
                        InstanceNumber=count + 1, raw_path=raw_path,
                        state=ImageState.ACQUIRED, KVP=reported.get("kv"),
                        XRayTubeCurrent=reported.get("ma"), ExposureTime=reported.get("ms"),
                        Exposure=reported.get("mas"),
                        ImageAndFluoroscopyAreaDoseProduct=None if dap is None else dap * 10.0,
                        DistanceSourceToDetector=sid_mm)
            session.add(row)
            session.flush()
            return int(row.id)


    def _view(self, image: Image, series: Series) -> ImageView:
        by_name = {p.name: p.id for p in self._known.values()}
        partial, fields = raw_notes(image.raw_path)
        return ImageView(
            id=int(image.id), SOPInstanceUID=image.SOPInstanceUID, SOPClassUID=image.SOPClassUID,
            protocol_id=by_name.get(series.ProtocolName, series.ProtocolName),
            laterality=series.Laterality, SeriesNumber=series.SeriesNumber,
            InstanceNumber=image.InstanceNumber, state=str(image.state),
            file_path=image.file_path, raw_path=image.raw_path, KVP=image.KVP,
            Exposure=image.Exposure,
            ImageAndFluoroscopyAreaDoseProduct=image.ImageAndFluoroscopyAreaDoseProduct,
            ExposureIndex=image.ExposureIndex, TargetExposureIndex=image.TargetExposureIndex,
            DeviationIndex=image.DeviationIndex, reject_reason=image.reject_code_meaning,
            partial=partial, fields=fields)

    def _set_image(self, image_id: int, **values: Any) -> None:
        with self.db.session() as session:
            row = session.get(Image, image_id)
            for key, value in values.items():
                setattr(row, key, value)

    def _reject_code(self, image_id: int) -> Code:
        from pydicom.sr.coding import Code

        with self.db.session() as session:
            row = session.get(Image, image_id)
            return Code(row.reject_code_value, row.reject_coding_scheme, row.reject_code_meaning)

    def _series_uid(self, image_id: int) -> str:
        with self.db.session() as session:
            return session.exec(select(Series.SeriesInstanceUID)
                                .join(Image, Image.series_id == Series.id)
                                .where(Image.id == image_id)).one()

    def _protocol(self, protocol_id: str) -> Protocol:
        try:
            return self._known[protocol_id]
        except KeyError:
            raise ExamError(str(ProtocolError(f"no protocol '{protocol_id}' "
                                              f"(known: {', '.join(self._known)})"))) from None

    def _image_folder(self) -> Path:
        return Path(self.config.data_dir) / "images" / self.study.StudyInstanceUID

    def _open(self) -> None:
        if self._state != ExamState.OPEN:
            raise ExamError("the exam is closed; reopen it from the history to add images")

    def _audit(self, action: str, detail: str) -> None:
        audit.record(self.db, action, user=self.operator, detail=detail, study_id=self.study_id)

    def _emit(self, kind: str, image: ImageView | None = None, message: str = "") -> None:
        event = ExamEvent(kind=kind, study_id=self.study_id, image=image, message=message)
        for callback in list(self._observers):
            try:
                callback(event)
            except Exception:  # an observer's bug must not break the exam
                log.exception("exam observer failed on %s", kind)


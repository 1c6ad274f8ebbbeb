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

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydicom.sr.coding import Code
from sqlmodel import select

from vxacq.config import Config
from vxacq.db import (
    AuditEvent, Database, Image, ImageState, Job, JobKind, Order, OrderState, PerformedStep,
    Series, Study, StudyState,
)
from vxacq.dicom.inputs import (
    Acquisition, ImageRef, OrderInfo, PatientInfo, PerformedStepInfo, SeriesInfo, StudyInfo,
)
from vxacq.dicom.uids import new_uid
from vxacq.hal import rawstore
from vxacq.hal.exposure import ExposureResult, run_exposure
from vxacq.logs import phi
from vxacq.protocols import Protocol, ProtocolError, load as load_protocols
from vxacq.workflow import acquisition, procedures
from vxacq.workflow.orders import get_order, order_inputs
from vxacq.workflow.reasons import reject_code
from vxacq.workflow.technique import patient_size, technique_for

log = logging.getLogger(__name__)

COMPLETED, DISCONTINUED = "COMPLETED", "DISCONTINUED"
DOSE_REPORT_SERIES_NUMBER = 999  # the SR series sorts after the image series


class ExamError(RuntimeError):
    """An exam step that cannot be done; the message says why and what to do."""


class ExposureError(ExamError):
    """The exposure failed before a frame was stored; ``result`` is the hardware's account."""

    def __init__(self, message: str, result: ExposureResult) -> None:
        super().__init__(message)
        self.result = result


class ExamState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class ImageView:
    """One exposure of the exam and what became of it (a plain copy; safe on any thread).

    ``file_path`` is empty while the frame is not processed (or processing failed: ``error``);
    ``state`` is acquired, accepted or rejected."""

    id: int
    SOPInstanceUID: str
    SOPClassUID: str
    protocol_id: str
    laterality: str
    SeriesNumber: int
    InstanceNumber: int
    state: str
    file_path: str
    raw_path: str
    KVP: float | None
    Exposure: float | None  # mAs
    ImageAndFluoroscopyAreaDoseProduct: float | None  # dGy·cm²
    ExposureIndex: float | None
    TargetExposureIndex: float | None
    DeviationIndex: float | None
    reject_reason: str = ""  # the reason's meaning
    error: str = ""  # why there is no processed image, or what went wrong in the exposure
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamEvent:
    """What changed. ``kind``: started, protocols, exposing, exposed (raw stored), rendered
    (processed pixels ready in :meth:`Exam.processed_image`, the file not yet written),
    processed, accepted, rejected, reprocessed, closing, closed, failed (``message`` says
    what)."""

    kind: str
    study_id: int
    image: ImageView | None = None
    message: str = ""


@dataclass(frozen=True)
class CloseResult:
    """What closing queued: the step's final status, the dose report written, and the outbox
    job ids by kind ("mpps", "store", "print")."""

    status: str
    study_id: int
    dose_report: str = ""
    jobs: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Step:
    """The in-memory side of the exam; the database holds everything that matters."""

    study_id: int
    performed_step_id: int
    patient: PatientInfo
    order: OrderInfo | None
    study: StudyInfo
    performed: PerformedStepInfo
    mpps_create_jobs: dict[str, int] = field(default_factory=dict)


class Exam:
    """One performed procedure step of a study; see the module docstring for the sequence."""

    def __init__(self, config: Config, db: Database, step: _Step, *, operator: str = "",
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
        with db.session() as session:
            open_study = session.exec(select(Study).where(Study.order_id == order_id,
                                                          Study.state == StudyState.OPEN)).first()
            open_id = open_study.id if open_study else None
        if open_id is not None:
            return cls.resume(config, db, int(open_id), operator=operator)
        patient, order = order_inputs(db, order_id, _fallback_set(config, view.node))
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
                            patient_id=_patient_id(session, order_id),
                            order_id=order_id, AccessionNumber=study.AccessionNumber,
                            StudyID=study.StudyID, StudyDate=now.strftime("%Y%m%d"),
                            StudyTime=now.strftime("%H%M%S"),
                            StudyDescription=study.StudyDescription,
                            ReferringPhysicianName=study.ReferringPhysicianName,
                            OperatorsName=operator)
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
        step = _new_step(config, db, study_row_id, patient, order, study, now, operator, modality)
        exam = cls(config, db, step, operator=operator, protocols=protocols,
                   laterality=procedures.laterality_for(*descriptions))
        exam._audit("exam started", f"order {order_id}, protocols {', '.join(protocols) or 'none'}")
        log.info("exam of %s started (study %s)", phi(patient.PatientID), study_row_id)
        exam._emit("started")
        return exam

    @classmethod
    def reopen(cls, config: Config, db: Database, study_id: int, *, operator: str = "",
               protocols: list[str] | None = None) -> Exam:
        """Add images to a closed study: a new performed procedure step appended to it (its own
        MPPS N-CREATE for the same order and study)."""
        with db.session() as session:
            study_row = session.get(Study, study_id)
            if study_row is None:
                raise ExamError(f"no study {study_id} in the exam database")
            if study_row.state == StudyState.OPEN:
                raise ExamError("the study is still open; resume it instead of reopening it")
            study_row.state = StudyState.OPEN
            order_id = study_row.order_id
        patient, order, study = _study_inputs(config, db, study_id)
        now = dt.datetime.now().astimezone()
        modality = next((m for m in _study_modalities(db, study_id)), "DX")
        step = _new_step(config, db, study_id, patient, order, study, now, operator, modality)
        exam = cls(config, db, step, operator=operator, protocols=protocols or [])
        if order_id is not None:
            exam.laterality = procedures.laterality_for(study.StudyDescription)
        exam._audit("exam reopened", f"appended step {step.performed.PerformedProcedureStepID}")
        exam._emit("started", message="appended procedure step")
        return exam

    @classmethod
    def resume(cls, config: Config, db: Database, study_id: int, *, operator: str = "") -> Exam:
        """Take up an open study again (after the console restarted): its newest IN PROGRESS
        step, its images as the database has them."""
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
                if _payload(j).get("action") == "create"
                and _payload(j).get("performed_step_id") == step_id}
        patient, order, study = _study_inputs(config, db, study_id)
        step = _Step(study_id, step_id, patient, order, study, performed, creates)
        exam = cls(config, db, step, operator=operator,
                   laterality=procedures.laterality_for(study.StudyDescription))
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

    def image(self, image_id: int) -> ImageView:
        for view in self.images():
            if view.id == image_id:
                return view
        raise ExamError(f"image {image_id} is not part of this exam")

    def processed_image(self, image_id: int) -> Any:
        """The ProcessedImage of the image's newest processing (pixels for review), if it was
        processed in this session; else None (read ``file_path`` instead)."""
        return self._processed.get(image_id)

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
               hand_switch: Any = None) -> ImageView:
        """One exposure with the protocol on the configured hardware (waits for the hand
        switch / the simulator); returns the image, processed unless ``error`` says why not.
        Raises ExposureError when no frame was stored (nothing to review; the message says what
        the hardware reported), ExamError for a wrong protocol or side. ``room`` and
        ``hand_switch`` are the console's open devices and hand switch
        (:mod:`vxacq.hal.room`)."""
        with self._lock:
            self._open()
            protocol = self._protocol(protocol_id)
            side = laterality or protocol.laterality or self.laterality
            if not side:
                raise ExamError(f"{protocol.id} images a paired body part: "
                                "choose the side (L or R)")
            if protocol_id not in self._protocols:
                self._protocols.append(protocol_id)
            self._emit("exposing", message=protocol.id)
            if kv is None and mas is None:  # the technique for this patient's size
                kv, mas = self.technique(protocol.id)
            result = run_exposure(self.config, protocol, kv=kv, mas=mas, sid_mm=sid_mm,
                                  faults=faults, time_scale=time_scale, laterality=side, seed=seed,
                                  out_dir=rawstore.raw_dir(self.config.data_dir), room=room,
                                  hand_switch=hand_switch)
            if not result.files:
                message = (result.error or {}).get("message", "the exposure failed")
                self._emit("failed", message=message)
                raise ExposureError(message, result)
            image_id = self._record_exposure(protocol, side, result)
            self._emit("exposed", self.image(image_id))
            view = self._process(image_id, protocol, None, {})
            if result.error:  # dose delivered, but not all of it: say so beside the image
                view = replace(view, error=result.error["message"])
            view = replace(view, warnings=tuple(result.warnings) + view.warnings)
            self._emit("processed" if view.file_path else "failed", view, view.error)
        return view

    def accept(self, image_id: int) -> ImageView:
        with self._lock:
            self._open()
            view = self.image(image_id)
            if not view.file_path:
                raise ExamError("this exposure has no processed image to accept"
                                + (f" ({view.error})" if view.error else "")
                                + "; re-process it or reject it")
            self._set_image(image_id, state=ImageState.ACCEPTED, reject_code_value="",
                            reject_coding_scheme="", reject_code_meaning="")
            self._audit("image accepted", view.SOPInstanceUID)
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

    def reprocess(self, image_id: int, protocol_id: str | None = None, **options: Any) -> ImageView:
        """Process the stored raw frame again with ``protocol_id``'s processing preset and
        target EI (default: the image's own) and display ``options`` (rotation, flip, marker,
        as :func:`vxacq.imaging.chain.process_exposure` takes them). The image gets a new SOP
        Instance UID and file; it must not have been sent yet, so accepted images go back to
        ``acquired`` for review."""
        with self._lock:
            self._open()
            view = self.image(image_id)
            protocol = self._protocol(protocol_id or view.protocol_id)
            old = view.file_path
            # The new UID is written with the new file, or not at all: a failed re-processing
            # leaves the image as it was (its file, UID and state still agree).
            view = self._process(image_id, protocol, protocol_id, options,
                                 SOPInstanceUID=new_uid())
            if not view.error:
                self._remember_display(view, protocol_id, options)
                if old and old != view.file_path:
                    Path(old).unlink(missing_ok=True)
            self._audit("image re-processed", f"{view.SOPInstanceUID} with {protocol.id}")
            self._emit("reprocessed", view, view.error)
        return view

    def display_options(self, image_id: int) -> dict[str, Any]:
        """The choices of the image's last re-processing (``protocol_id``, rotation, flip,
        marker, crop), kept with its raw frame so they outlive the console; {} when none."""
        view = self.image(image_id)
        try:
            return dict(rawstore.read_sidecar(Path(view.raw_path).parent,
                                              Path(view.raw_path).stem).get("display") or {})
        except (OSError, ValueError):
            return {}

    def _remember_display(self, view: ImageView, protocol_id: str | None,
                          options: dict[str, Any]) -> None:
        keep = {k: options[k] for k in ("rotation", "flip", "marker", "crop") if k in options}
        try:
            rawstore.update_sidecar(Path(view.raw_path).parent, Path(view.raw_path).stem,
                                    display={**keep, "protocol_id": protocol_id})
        except (OSError, ValueError) as exc:  # the image is made; only the memory of it fails
            log.warning("image %s: display choices not kept: %s", view.id, exc)

    # --- closing -----------------------------------------------------------------------------

    def close(self, *, print_node: str | None = None, layout: str | None = None) -> CloseResult:
        """Complete the step: dose report, MPPS COMPLETED, accepted images and the dose report
        queued to the store nodes, and (``print_node``) a print job of the accepted images.
        Every image must be accepted or rejected first, and at least one accepted."""
        with self._lock:
            self._open()
            images = self.images()
            pending = [i for i in images if i.state == ImageState.ACQUIRED]
            if pending:
                raise ExamError(f"{len(pending)} image(s) not reviewed yet (instance "
                                f"{', '.join(str(i.InstanceNumber) for i in pending)} of series "
                                f"{', '.join(sorted({str(i.SeriesNumber) for i in pending}))}); "
                                "accept or reject them first")
            accepted = [i for i in images if i.state == ImageState.ACCEPTED]
            if not accepted:
                raise ExamError("no image is accepted; accept one, or discontinue the exam "
                                "with a reason")
            printers = [n.name for n in self.config.nodes_with("print")]
            if print_node is not None and print_node not in printers:
                raise ExamError(f"no print node '{print_node}' in the configuration (print "
                                f"nodes: {', '.join(printers) or 'none'})")
            return self._finish(COMPLETED, None, images, print_node, layout)

    def discontinue(self, reason: str | Code = "DiscontinuedForUnspecifiedReason") -> CloseResult:
        """End the step DISCONTINUED with a CID 9300 reason (a key of
        ``vxacq.dicom.codes.DISCONTINUATION_REASONS`` or a Code). Images already accepted are
        still sent; unreviewed ones are left on the console."""
        from vxacq.dicom.mpps import discontinuation_code

        with self._lock:
            self._open()
            try:
                code = discontinuation_code(reason)
            except ValueError as exc:
                raise ExamError(str(exc)) from None
            return self._finish(DISCONTINUED, code, self.images(), None, None)

    # --- internals ---------------------------------------------------------------------------

    def _finish(self, status: str, reason: Code | None, images: list[ImageView],
                print_node: str | None, layout: str | None) -> CloseResult:
        from vxacq.net.routing import store_destinations
        from vxacq.net.store import enqueue_store

        self._emit("closing", message=status)
        now = dt.datetime.now().astimezone()
        report_path, report_ref = self._write_dose_report(images)
        jobs: dict[str, list[int]] = {"mpps": [], "store": [], "print": []}
        if self._step.mpps_create_jobs:
            jobs["mpps"] = self._queue_n_set(status, reason, now, images, report_ref)
        files = [i.file_path for i in images if i.state == ImageState.ACCEPTED and i.file_path]
        if report_path:
            files.append(report_path)
        if files:
            for node in store_destinations(self.config):
                jobs["store"].append(enqueue_store(self.db, node.name, files,
                                                   study_id=self.study_id))
        if print_node and files:
            from vxacq.net.outbox import enqueue

            # Film Session Label is written without a character set: keep it to the accession.
            payload: dict[str, Any] = {"files": files[:-1] if report_path else files,
                                       "label": self.study.AccessionNumber or self.study.StudyID}
            if layout:
                payload["layout"] = layout
            jobs["print"].append(enqueue(self.db, JobKind.PRINT, print_node, payload,
                                         study_id=self.study_id))
        with self.db.session() as session:
            step = session.get(PerformedStep, self.performed_step_id)
            step.PerformedProcedureStepStatus = status
            step.PerformedProcedureStepEndDate = now.strftime("%Y%m%d")
            step.PerformedProcedureStepEndTime = now.strftime("%H%M%S")
            step.discontinuation_code = reason.value if reason else ""
            session.get(Study, self.study_id).state = StudyState.CLOSED
            study = session.get(Study, self.study_id)
            if study.order_id is not None:
                session.get(Order, study.order_id).state = (
                    OrderState.COMPLETED if status == COMPLETED else OrderState.DISCONTINUED)
        self._state = ExamState.CLOSED
        self._audit(f"exam {status.lower()}", reason.meaning if reason else
                    f"{len(files)} file(s) queued to {len(jobs['store'])} node(s)")
        result = CloseResult(status=status, study_id=self.study_id, dose_report=report_path,
                             jobs=jobs)
        self._emit("closed", message=status)
        return result

    def _queue_n_set(self, status: str, reason: Code | None, now: dt.datetime,
                     images: list[ImageView], report_ref: ImageRef | None) -> list[int]:
        """The final N-SET to every node that got the N-CREATE (sent after it, by the outbox)."""
        from vxacq.dicom import mpps as mpps_dicom
        from vxacq.net import mpps as mpps_net

        # Completed as ordered: the scheduled protocol codes were performed (IHE SWF).
        performed = self.order.ScheduledProtocolCodes if self.order and status == COMPLETED else ()
        end = mpps_dicom.StepEnd(status=status, ended=now,
                                 series=self._performed_series(images, report_ref),
                                 discontinuation_reason=reason,
                                 PerformedProcedureStepDescription=self.study.StudyDescription,
                                 ProcedureCodes=self.study.ProcedureCodes,
                                 PerformedProtocolCodes=performed)
        received = tuple(s for s in [self.order.SpecificCharacterSet if self.order else ""] if s)
        attributes = mpps_dicom.n_set(end, self.config.station, received)
        return [mpps_net.enqueue_set(self.db, node, attributes,
                                     instance_uid=self._step.performed.SOPInstanceUID,
                                     after_job=create_job, performed_step_id=self.performed_step_id,
                                     study_id=self.study_id)
                for node, create_job in self._step.mpps_create_jobs.items()]

    def _write_dose_report(self, images: list[ImageView]) -> tuple[str, ImageRef | None]:
        """The X-Ray Radiation Dose SR of every exposure of this step, written and recorded as
        an image row of an SR series (so routing and re-sending find it)."""
        records: list[Acquisition] = []
        mammography = False
        for view in images:
            try:
                pixels_folder, uid = Path(view.raw_path).parent, Path(view.raw_path).stem
                sidecar = rawstore.read_sidecar(pixels_folder, uid)
            except (OSError, ValueError) as exc:
                log.error("dose report: exposure %s has no readable sidecar (%s); left out",
                          view.SOPInstanceUID, exc)
                continue
            protocol = self._protocol(view.protocol_id)
            mammography |= protocol.modality == "MG"
            reason = None
            if view.state == ImageState.REJECTED:
                reason = self._reject_code(view.id)
            ref = (ImageRef(self._series_uid(view.id), view.SOPClassUID, view.SOPInstanceUID)
                   if view.state == ImageState.ACCEPTED and view.file_path else None)
            record = acquisition.acquisition_record(protocol, sidecar, None, None, reason)
            records.append(replace(record, image=ref, ExposureIndex=view.ExposureIndex,
                                   TargetExposureIndex=view.TargetExposureIndex,
                                   DeviationIndex=view.DeviationIndex,
                                   ImageLaterality=view.laterality or record.ImageLaterality))
        if not records:
            return "", None
        ctx = self._context(None, 0)
        report = acquisition.dose_report(ctx, records, mammography=mammography)
        path = acquisition.write(report, self._image_folder())
        with self.db.session() as session:
            series = Series(SeriesInstanceUID=str(report.SeriesInstanceUID), study_id=self.study_id,
                            performed_step_id=self.performed_step_id, Modality="SR",
                            SeriesNumber=int(report.get("SeriesNumber")
                                             or DOSE_REPORT_SERIES_NUMBER),
                            ProtocolName="Dose report")
            session.add(series)
            session.flush()
            session.add(Image(series_id=int(series.id), SOPInstanceUID=str(report.SOPInstanceUID),
                              SOPClassUID=str(report.SOPClassUID), file_path=str(path),
                              state=ImageState.ACCEPTED))
        ref = ImageRef(str(report.SeriesInstanceUID), str(report.SOPClassUID),
                       str(report.SOPInstanceUID))
        return str(path), ref

    def _performed_series(self, images: list[ImageView], report: ImageRef | None) -> tuple:
        from vxacq.dicom.mpps import PerformedSeries

        with self.db.session() as session:
            rows = session.exec(select(Series).where(
                Series.performed_step_id == self.performed_step_id,
                Series.Modality != "SR").order_by(Series.SeriesNumber)).all()
            series_rows = [(s.id, s.SeriesInstanceUID, s.ProtocolName) for s in rows]
        operators = (self.operator,) if self.operator else ()
        out = []
        for sid, uid, name in series_rows:
            refs = tuple((i.SOPClassUID, i.SOPInstanceUID) for i in images
                         if i.state == ImageState.ACCEPTED and i.file_path
                         and self._series_uid(i.id) == uid)
            out.append(PerformedSeries(SeriesInstanceUID=uid, ProtocolName=name,
                                       OperatorsName=operators, images=refs))
        if report is not None:
            out.append(PerformedSeries(SeriesInstanceUID=report.SeriesInstanceUID,
                                       ProtocolName="Dose report", OperatorsName=operators,
                                       non_images=((report.SOPClassUID, report.SOPInstanceUID),)))
        return tuple(out)

    def _record_exposure(self, protocol: Protocol, side: str, result: ExposureResult) -> int:
        """Write the exposure's Image row (raw only, no file yet) in its protocol's series."""
        reported = result.reported or {}
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
                        InstanceNumber=count + 1, raw_path=result.files[0],
                        state=ImageState.ACQUIRED, KVP=reported.get("kv"),
                        XRayTubeCurrent=reported.get("ma"), ExposureTime=reported.get("ms"),
                        Exposure=reported.get("mas"),
                        ImageAndFluoroscopyAreaDoseProduct=None if dap is None else dap * 10.0,
                        DistanceSourceToDetector=result.requested.get("sid_mm"))
            session.add(row)
            session.flush()
            return int(row.id)

    def _process(self, image_id: int, protocol: Protocol, preset_protocol: str | None,
                 options: dict[str, Any], SOPInstanceUID: str | None = None) -> ImageView:
        """Process the raw frame and write the image (with ``SOPInstanceUID``, default the
        row's); on failure keep the raw, leave the row as it was and say why."""
        from vxacq.imaging.calibration import CalibrationError
        from vxacq.imaging.chain import process_exposure
        from vxacq.imaging.params import load_presets

        view = self.image(image_id)
        warnings: list[str] = []
        try:
            pixels, sidecar = rawstore.load(Path(view.raw_path).parent, Path(view.raw_path).stem)
            params = load_presets().for_protocol(preset_protocol) if preset_protocol else None
            processed, calibration = process_exposure(pixels, sidecar, self.config,
                                                      ei_target=protocol.target_ei,
                                                      params=params, **options)
            if calibration.state != "ok":
                warnings.append(calibration.message)
            # The review can show the pixels while the file is written.
            self._keep_processed(image_id, processed)
            self._emit("rendered", view)
            own = self._protocol(view.protocol_id)
            ds = acquisition.build_image(own, sidecar, processed,
                                         self._context(image_id, view.InstanceNumber),
                                         SOPInstanceUID=SOPInstanceUID or view.SOPInstanceUID)
            path = acquisition.write(ds, self._image_folder())
        except (CalibrationError, ValueError, OSError, KeyError) as exc:
            self._processed.pop(image_id, None)  # the review must not show what was not kept
            message = f"no image was made: {exc}; the raw frame is kept, re-process it later"
            log.error("exam %s, image %s: %s", self.study_id, image_id, message)
            return replace(view, error=message)
        # a new file is a new image: reviewed again before it is sent
        self._set_image(image_id, SOPInstanceUID=str(ds.SOPInstanceUID), file_path=str(path),
                        SOPClassUID=str(ds.SOPClassUID), state=ImageState.ACQUIRED,
                        ExposureIndex=processed.ei, TargetExposureIndex=processed.ei_t,
                        DeviationIndex=processed.di)
        return replace(self.image(image_id), warnings=tuple(warnings))

    def _keep_processed(self, image_id: int, processed: Any) -> None:
        kept = {k: v for k, v in self._processed.items() if k != image_id}
        self._processed = {**dict(list(kept.items())[-3:]), image_id: processed}

    def _context(self, image_id: int | None, instance: int) -> acquisition.ImageContext:
        step = self._step
        if image_id is None:
            now = dt.datetime.now().astimezone()
            series = SeriesInfo(SeriesInstanceUID=new_uid(), SeriesNumber=DOSE_REPORT_SERIES_NUMBER,
                                SeriesDate=now.date(), SeriesTime=now.time())
        else:
            with self.db.session() as session:
                row = session.exec(select(Series).join(Image, Image.series_id == Series.id)
                                   .where(Image.id == image_id)).one()
                # created_at is UTC; Series Date/Time are the station's local time
                created = row.created_at
                created = created.replace(tzinfo=created.tzinfo or dt.timezone.utc).astimezone()
                series = SeriesInfo(SeriesInstanceUID=row.SeriesInstanceUID,
                                    SeriesNumber=row.SeriesNumber,
                                    SeriesDate=created.date(), SeriesTime=created.time(),
                                    SeriesDescription=row.ProtocolName,
                                    ProtocolName=row.ProtocolName,
                                    OperatorsName=(self.operator,) if self.operator else ())
        return acquisition.ImageContext(
            patient=step.patient, study=step.study, series=series,
            equipment=acquisition.equipment(self.config), order=step.order,
            performed_step=step.performed, InstanceNumber=max(instance, 1))

    def _view(self, image: Image, series: Series) -> ImageView:
        by_name = {p.name: p.id for p in self._known.values()}
        return ImageView(
            id=int(image.id), SOPInstanceUID=image.SOPInstanceUID, SOPClassUID=image.SOPClassUID,
            protocol_id=by_name.get(series.ProtocolName, series.ProtocolName),
            laterality=series.Laterality, SeriesNumber=series.SeriesNumber,
            InstanceNumber=image.InstanceNumber, state=str(image.state),
            file_path=image.file_path, raw_path=image.raw_path, KVP=image.KVP,
            Exposure=image.Exposure,
            ImageAndFluoroscopyAreaDoseProduct=image.ImageAndFluoroscopyAreaDoseProduct,
            ExposureIndex=image.ExposureIndex, TargetExposureIndex=image.TargetExposureIndex,
            DeviationIndex=image.DeviationIndex, reject_reason=image.reject_code_meaning)

    def _set_image(self, image_id: int, **values: Any) -> None:
        with self.db.session() as session:
            row = session.get(Image, image_id)
            for key, value in values.items():
                setattr(row, key, value)

    def _reject_code(self, image_id: int) -> Code:
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
        with self.db.session() as session:
            session.add(AuditEvent(user=self.operator, action=action, detail=detail,
                                   study_id=self.study_id))

    def _emit(self, kind: str, image: ImageView | None = None, message: str = "") -> None:
        event = ExamEvent(kind=kind, study_id=self.study_id, image=image, message=message)
        for callback in list(self._observers):
            try:
                callback(event)
            except Exception:  # an observer's bug must not break the exam
                log.exception("exam observer failed on %s", kind)


# --- helpers shared by start / reopen / resume ---------------------------------------------


def _payload(job: Job) -> dict[str, Any]:
    import json

    try:
        return json.loads(job.payload or "{}")
    except ValueError:
        return {}


def _fallback_set(config: Config, node_name: str) -> str | None:
    for node in config.nodes:
        if node.name == node_name:
            return node.fallback_character_set or None
    return None


def _patient_id(session: Any, order_id: int) -> int:
    return int(session.get(Order, order_id).patient_id)


def _study_inputs(config: Config, db: Database,
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
        patient, order = order_inputs(db, order_id, _fallback_set(config, node))
        if order is not None:
            study = replace(study, ProcedureCodes=(order.RequestedProcedureCode,)
                            if order.RequestedProcedureCode else ())
    return patient, order, study


def _study_modalities(db: Database, study_id: int) -> list[str]:
    with db.session() as session:
        return list(session.exec(select(Series.Modality).where(
            Series.study_id == study_id, Series.Modality != "SR")).all())


def _new_step(config: Config, db: Database, study_id: int, patient: PatientInfo,
              order: OrderInfo | None, study: StudyInfo, now: dt.datetime, operator: str,
              modality: str = "DX") -> _Step:
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
        return _Step(study_id, step_id, patient, order, study, performed, {})
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
    return _Step(study_id, step_id, patient, order, study, performed, creates)

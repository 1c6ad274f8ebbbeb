"""The exam screen: protocols and technique, the room and hand switch, image review, closing.

The page composes its parts — :class:`PlanPanel`, :class:`TechniquePanel`, :class:`RoomPanel`,
:class:`ReviewToolbar` over the :class:`ReviewView`, :class:`ImageStrip`, :class:`DecisionBox`
and :class:`ImageStatusTable` — and runs the exam behind them.

Everything slow — the exposure, processing, reading files, accept/reject/close, the status of
each image — runs on the console's workers (:class:`vxacq.ui.tasks.Tasks`); the exam's own
events arrive here re-posted to the GUI thread. The raw frame's arrival ("exposed") shows a
binned preview at once; the full image replaces it when processing is done.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QSizePolicy,
    QVBoxLayout, QWidget,
)

from vxacq.ui.close_dialog import CloseDialog
from vxacq.ui.context import Console
from vxacq.ui.decision_box import DecisionBox
from vxacq.ui.dose_dialog import DoseNotificationDialog
from vxacq.ui.frame_recovery import FrameRecovery
from vxacq.ui.image_info import ImageInfo
from vxacq.ui.image_status import ImageStatusTable
from vxacq.ui.image_strip import ImageStrip
from vxacq.ui.images import Displayable, from_file, from_processed, thumbnail
from vxacq.ui.plan_panel import PlanPanel
from vxacq.ui.review_toolbar import ReviewToolbar
from vxacq.ui.prior_view import PriorPanel
from vxacq.ui.review_view import ReviewView
from vxacq.ui.room_panel import RoomPanel
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.technique_panel import TechniquePanel
from vxacq.ui.widgets import COLOURS, MessageStrip, person_name
from vxacq.workflow import annotations
from vxacq.workflow.display import marker_conflict
from vxacq.workflow.priors import prior_pixels, priors_for_patient
from vxacq.workflow.dose import ExamDose, ExamSummary, exam_dose, exam_summary
from vxacq.workflow.dose_check import DoseNotificationRequired
from vxacq.workflow.exam import Exam, ExamEvent, ExamState, ImageView
from vxacq.workflow.procedures import Protocol, load_protocols
from vxacq.workflow.console import HandSwitch, RoomStatus

log = logging.getLogger(__name__)

LEFT_WIDTH, RIGHT_WIDTH = 290, 344  # px: the fixed side columns; the image takes the rest


@dataclass
class DisplayOptions:
    """How the radiographer turned and cropped one image (sent with each re-processing)."""

    rotation: int = 0
    flip: str = "none"
    marker: str | None = None
    crop: tuple[int, int, int, int] | None = None
    marker_at: tuple[float, float] | None = None  # where it was dragged (fractions)
    protocol_id: str | None = None  # "re-process as" (None: the image's own)
    crops: list[tuple[int, int, int, int] | None] = field(default_factory=list)  # for Undo

    def as_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"rotation": self.rotation, "flip": self.flip,
                                   "marker": self.marker}
        if self.crop is not None:
            options["crop"] = self.crop
        if self.marker_at is not None:
            options["marker_at"] = self.marker_at
        return options


@dataclass
class Timing:
    """Frame-to-screen times of the last exposure (the UI benchmark reads them)."""

    raw_arrived: float = 0.0
    preview_shown: float = 0.0
    image_shown: float = 0.0
    history: list[dict[str, float]] = field(default_factory=list)


class ExamPage(QWidget):
    exam_closed = Signal(int)  # study id

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.exam: Exam | None = None
        self.known: dict[str, Protocol] = load_protocols()
        self.options: dict[int, DisplayOptions] = {}
        # the exam's images as last read on a worker, or as the exam's events brought them:
        # the screen never reads the database on the GUI thread (rule 3)
        self.views: dict[int, ImageView] = {}
        self._views_changed = 0  # counts events: a read that started before one is stale
        self._plan_ticks: list[str] = []  # the exposed protocols the plan was filled with
        # long-length protocol → (fields taken, planned), read with the images on a worker
        self._sequence_progress: dict[str, tuple[int, int]] = {}
        self.shown_id: int | None = None
        self._is_preview = False  # the image on screen is the binned quick look
        self._full_coming: int | None = None  # an image whose processed pixels are on the way
        self.switch: HandSwitch | None = None
        self.exposing = False
        #: (protocol id, reason) of a confirmed dose notification, for the next exposure
        self.dose_reason: tuple[str, str] | None = None
        self.busy = 0
        self.timing = Timing()
        self._unsubscribe = None

        self.header = QLabel(self.tr("No exam open: choose an order on the worklist."))
        self.header.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # the reserved place for every message of this screen (see MessageStrip)
        self.messages = MessageStrip()
        self.banner = self.messages  # the name the tests and the main window used

        self.plan_panel = PlanPanel(self.known)
        self.technique = TechniquePanel()
        self.room_panel = RoomPanel()
        # its changing texts wrap within a fixed two lines: Prep and Expose never move
        for label in (self.room_panel.panel, self.room_panel.problem):
            label.setWordWrap(True)
            label.setFixedHeight(label.fontMetrics().lineSpacing() * 2 + 4)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(4)
        left.addWidget(self.plan_panel, stretch=1)
        left.addWidget(self.technique)
        left.addWidget(self.room_panel)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setFixedWidth(LEFT_WIDTH)

        self.review = ReviewView()
        self.toolbar = ReviewToolbar(self.review)
        imaging = console.config.imaging
        self.info = ImageInfo(imaging.di_warning, imaging.di_alarm, self.toolbar.window_entry)
        self.ei_label = self.info.ei_label
        self.dose: ExamDose | None = None
        centre = QVBoxLayout()
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addWidget(self.toolbar)
        # the new image, and beside it (Prior, P) an earlier one: the columns stay as they are
        self.prior_panel = PriorPanel()
        self.prior_panel.setVisible(False)
        images = QHBoxLayout()
        images.setContentsMargins(0, 0, 0, 0)
        images.addWidget(self.review, stretch=1)
        images.addWidget(self.prior_panel, stretch=1)
        centre.addLayout(images, stretch=1)
        centre.addWidget(self.info)
        centre_widget = QWidget()
        centre_widget.setLayout(centre)

        self.strip = ImageStrip(console.tasks)
        self.decision = DecisionBox(self.known)
        self.image_status = ImageStatusTable(console)
        self.close_button = QPushButton(self.tr("Close exam…"))
        self.close_button.clicked.connect(self.close_exam)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(4)
        right.addWidget(self.strip, stretch=1)
        self.decision.layout().addWidget(self.toolbar.seam_entry)
        right.addWidget(self.decision)
        right.addWidget(self.image_status, stretch=1)
        right.addWidget(self.close_button)
        right_widget = QWidget()
        right_widget.setLayout(right)
        right_widget.setFixedWidth(RIGHT_WIDTH)

        # the parts' controls, by the names the tests and the benchmark drive
        self.plan, self.add_combo = self.plan_panel.plan, self.plan_panel.add_combo
        self.remove_button = self.plan_panel.remove_button
        self.side, self.kv, self.mas, self.sid = (self.technique.side, self.technique.kv,
                                                  self.technique.mas, self.technique.sid)
        self.crop_button, self.apply_crop = self.toolbar.crop_button, self.toolbar.apply_crop
        self.transform_buttons = self.toolbar.transform_buttons
        self.accept_button, self.reason = self.decision.accept_button, self.decision.reason
        self.reject_button = self.decision.reject_button
        self.retake_button = self.decision.retake_button
        self.reprocess_combo = self.decision.reprocess_combo
        self.reprocess_button = self.decision.reprocess_button
        self.status_table = self.image_status.status_table

        # fixed columns: nothing the radiographer presses moves when a text changes
        columns = QHBoxLayout()
        columns.addWidget(left_widget)
        columns.addWidget(centre_widget, stretch=1)
        columns.addWidget(right_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.messages)
        layout.addLayout(columns, stretch=1)

        self.plan_panel.selection_changed.connect(self._plan_selected)
        self.plan_panel.add_requested.connect(self.add_protocol)
        self.plan_panel.remove_requested.connect(self.remove_protocol)
        self.technique.side_changed.connect(self._update_controls)
        self.toolbar.rotate.connect(lambda degrees: self._transform(rotate=degrees))
        self.toolbar.flip.connect(lambda direction: self._transform(flip=direction))
        self.toolbar.marker_chosen.connect(lambda: self._transform(marker=True))
        self.toolbar.crop_toggled.connect(self._crop_toggled)
        self.toolbar.apply_crop_requested.connect(lambda: self._transform(crop=True))
        self.toolbar.undo_crop_requested.connect(lambda: self._transform(undo_crop=True))
        self.toolbar.marker_move_toggled.connect(self._marker_move_toggled)
        self.toolbar.text_requested.connect(self._ask_text)
        self.toolbar.prior_toggled.connect(self._prior_toggled)
        self.prior_panel.choice.currentIndexChanged.connect(self._show_prior)
        self.toolbar.seam_moved.connect(self._move_seam)
        self.review.marker_moved.connect(self._marker_moved)
        self.review.annotations_changed.connect(self._save_annotations)
        self.strip.image_chosen.connect(self._thumb_selected)
        self.decision.accept_requested.connect(self.accept_image)
        self.decision.reject_requested.connect(self.reject_image)
        self.decision.reprocess_requested.connect(self.reprocess_as)
        self.room_panel.prep_pressed.connect(self.prep)
        self.room_panel.expose_pressed.connect(self.expose_now)
        self.room_panel.released.connect(self.release)
        self.room_panel.reset_requested.connect(self._reset_generator)
        self.frames = FrameRecovery(self)
        self.room_panel.recover_requested.connect(self.frames.recover)
        self.room_panel.discard_requested.connect(self.frames.discard)
        console.room.subscribe(on_gui_thread(self._room_changed))
        self._unsaved: tuple = ()
        self._views_reader = Refresher(console.tasks, self._read_views, self._views_read,
                                       interval_ms=50, parent=self)
        self._saver = Refresher(console.tasks, self._save_latest,
                                lambda error: error and self.messages.show(error, "alarm"),
                                interval_ms=100, parent=self)
        self._update_controls()

    # --- opening an exam ----------------------------------------------------------------------

    def open_exam(self, exam: Exam) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.exam = exam
        self.options.clear()
        self.views = {}
        self._sequence_progress = {}
        self._views_changed += 1
        self.strip.clear()
        self.shown_id, self._is_preview, self._full_coming = None, False, None
        self.dose = None
        self.review.clear()
        # never a prior of the last patient beside this one's image
        self.prior_panel.set_images([])
        if self.prior_panel.isVisible():
            self.load_priors()
        # nothing chosen for the last patient carries over: reject reason, re-process choice
        self.reason.setCurrentIndex(0)
        self.reprocess_combo.setCurrentIndex(0)
        self.crop_button.setChecked(False)
        self.info.clear()
        self.messages.clear()
        relay = on_gui_thread(self._exam_event)

        def observe(event: ExamEvent) -> None:
            if event.kind == "exposed":  # the frame-to-screen clock starts on the worker
                self.timing.raw_arrived = time.perf_counter()
            relay(event)

        self._unsubscribe = exam.subscribe(observe)
        patient = exam.patient
        details = [self.tr("ID {PatientID}").format(PatientID=patient.PatientID)]
        if exam.study.AccessionNumber:
            details.append(self.tr("accession {AccessionNumber}")
                           .format(AccessionNumber=exam.study.AccessionNumber))
        if exam.study.StudyDescription:
            details.append(exam.study.StudyDescription)
        if exam.order is None:
            details.append(self.tr("unscheduled"))
        self.header.setText(f"{person_name(str(patient.PatientName))} — {' — '.join(details)}")
        self.technique.set_side(exam.laterality)
        self._fill_plan()
        self.refresh_images()
        self.image_status.show_exam(exam)
        self._refresh_dose()

    # --- priors beside the image --------------------------------------------------------------

    def _prior_toggled(self, on: bool) -> None:
        self.prior_panel.setVisible(on)
        if on:
            self.load_priors()

    def load_priors(self) -> None:
        """The patient's cached priors, the best match for the image on screen (else the
        chosen protocol) first; read on a worker."""
        if self.exam is None:
            self.prior_panel.set_images([])
            return
        shown = next((v for v in self.exam.images() if v.id == self.shown_id), None)
        protocol = (self.known.get(shown.protocol_id) if shown is not None else None) \
            or self.selected_protocol()
        part = protocol.body_part if protocol is not None else ""
        view = protocol.view_position if protocol is not None else ""
        config, patient = self.console.config, self.exam.patient.PatientID
        self.console.tasks.run(lambda: priors_for_patient(config, patient, part, view),
                               lambda images: self._priors_found(patient, images),
                               lambda exc: self.prior_panel.show_error(str(exc)))

    def _priors_found(self, PatientID: str, images: list) -> None:
        if self.exam is None or self.exam.patient.PatientID != PatientID:
            return  # found for a patient whose exam is no longer open
        self.prior_panel.set_images(images)
        if images:
            self._show_prior(0)

    def _show_prior(self, index: int) -> None:
        images = self.prior_panel.images
        if not 0 <= index < len(images):
            return
        image = images[index]
        self.console.tasks.run(lambda: prior_pixels(image),
                               lambda shown: self.prior_panel.show_pixels(image, shown),
                               lambda exc: self.prior_panel.show_error(str(exc)))

    # --- protocols ----------------------------------------------------------------------------

    def _fill_plan(self, select: int | None = None) -> None:
        exam = self.exam
        protocols = exam.protocols if exam else []
        self._plan_ticks = self._exposed_protocols()
        self.plan_panel.fill(protocols, self._plan_ticks, select, self._sequence_progress)

    def _exposed_protocols(self) -> list[str]:
        """Protocols with an image not rejected; a long-length protocol needs its stitched
        image, not a field kept alone."""
        if not self.exam:
            return []
        long = {p.id for p in self.exam.protocols if p.long_length}
        return [i.protocol_id for i in self.views.values() if i.state != "rejected"
                and (i.protocol_id not in long or i.fields > 1)]

    def _next_planned(self) -> int:
        return self.plan_panel.next_planned()

    def selected_protocol(self) -> Protocol | None:
        protocol_id = self.plan_panel.selected_id()
        return self.known.get(protocol_id) if protocol_id else None

    def _plan_selected(self) -> None:
        protocol = self.selected_protocol()
        if protocol is not None:
            self.technique.show_protocol(protocol)
            if self.exam is not None:  # the technique for this patient's size
                kv, mas = self.exam.technique(protocol.id)
                self.technique.kv.setValue(kv)
                self.technique.mas.setValue(mas)
        self._update_controls()

    def add_protocol(self, protocol_id: str | None = None) -> None:
        if self.exam is None:
            return
        exam, protocol_id = self.exam, protocol_id or self.add_combo.currentData()
        self._call(lambda: exam.add_protocol(protocol_id),
                   lambda _: self._fill_plan(select=len(exam.protocols) - 1))

    def remove_protocol(self) -> None:
        protocol = self.selected_protocol()
        if self.exam is None or protocol is None:
            return
        exam = self.exam
        self._call(lambda: exam.remove_protocol(protocol.id), lambda _: self._fill_plan())

    # --- exposure -------------------------------------------------------------------------------

    def _side_needed(self, protocol: Protocol) -> str:
        return protocol.laterality or self.side.currentData() or ""

    def prep(self) -> None:
        """Hand switch stage 1: the sequence starts; the beam waits for stage 2."""
        protocol = self.selected_protocol()
        if self.exposing:  # a sequence is still ending: one at a time
            return
        if self.exam is None or protocol is None:
            self.room_panel.exposure_over()
            return
        side = self._side_needed(protocol)
        switch = HandSwitch()
        self.switch, self.exposing = switch, True
        exam, room = self.exam, self.console.room
        technique = self.technique.technique()
        # a confirmed dose notification holds for the next exposure of its protocol only
        confirmed, self.dose_reason = self.dose_reason, None
        confirm_dose = confirmed[1] if confirmed and confirmed[0] == protocol.id else ""
        self.messages.show(self.tr("Prep: {name} — press Expose when the generator and the "
                                   "detector are READY").format(name=protocol.name), "info")

        def expose() -> ImageView:
            with room.devices() as devices:
                return exam.expose(protocol.id, laterality=side or None, room=devices,
                                   hand_switch=switch, confirm_dose=confirm_dose, **technique)

        self._update_controls()
        # its own thread: a slow network task on the shared pool must never delay the beam
        self.console.exposures.run(expose, self._exposed, self._exposure_failed)

    def expose_now(self) -> None:
        if self.switch is not None:
            self.switch.expose()

    def release(self) -> None:
        if self.switch is not None:
            self.switch.release()

    def _exposed(self, view: ImageView) -> None:
        self._exposure_over()
        if view.error:
            self.messages.show(view.error, "alarm")
        elif view.warnings:
            self.messages.show("; ".join(view.warnings), "warning")
        else:
            self.messages.clear()
        self._fill_plan(select=self._next_planned())

    def _exposure_failed(self, exc: Exception) -> None:
        if isinstance(exc, DoseNotificationRequired):  # refused before the beam: ask why
            self._exposure_over()
            self._ask_dose_reason(exc)
            return
        self.messages.show(self.tr("No image: {exc}").format(exc=exc), "alarm")
        self._exposure_over()  # may start recovering a frame left in the panel: said after

    def _ask_dose_reason(self, exc: DoseNotificationRequired) -> None:
        protocol = self.selected_protocol()
        dialog = DoseNotificationDialog(exc.notices, self)
        if dialog.exec() != DoseNotificationDialog.DialogCode.Accepted or protocol is None:
            self.messages.show(self.tr("Not exposed: the dose notification was not "
                                       "confirmed"), "warning")
            return
        self.dose_reason = (protocol.id, dialog.text())
        self.messages.show(self.tr("Dose notification confirmed — press Prep and Expose again "
                                   "for {name}").format(name=protocol.name), "warning")

    def _exposure_over(self) -> None:
        self.switch, self.exposing = None, False
        self.room_panel.exposure_over()
        self._update_controls()
        self.frames.by_itself(self.console.room.status)

    def _reset_generator(self) -> None:
        self._call(self.console.room.reset_generator, lambda _: self.messages.clear())

    def _room_changed(self, status: RoomStatus) -> None:
        self.room_panel.show_status(status)
        self._update_controls()
        self.frames.by_itself(status)

    # --- exam events (GUI thread) ----------------------------------------------------------

    def _exam_event(self, event: ExamEvent) -> None:
        if self.exam is None or event.study_id != self.exam.study_id:
            return
        if event.image is not None:  # the newest word on this image, before any re-read
            self._views_changed += 1
            self.views[event.image.id] = event.image
        if event.kind == "exposed" and event.image is not None:
            self.messages.show(self.tr("Image received — processing"), "info")
        elif event.kind == "previewed" and event.image is not None:
            self._show_preview(event.image)
        elif event.kind == "rendered" and event.image is not None:
            self._image_ready(event.image)
        elif event.kind in ("processed", "reprocessed") and event.image is not None:
            if event.image.id == self._full_coming:
                pass  # its pixels are being readied: shown with this newest view
            elif event.image.id != self.shown_id or self._is_preview:
                self._image_ready(event.image)
            else:  # already on screen: now it has its file, so it can be accepted
                self._show_indices(event.image)
                self._load_annotations(event.image)
                self._update_controls()
        elif event.kind == "failed" and event.message:
            self.messages.show(event.message, "alarm")
        if event.kind in ("accepted", "rejected") and event.image is not None \
                and event.image.id == self.shown_id:
            self.review.label.setText(self._caption(event.image))  # rejected, visibly
            self._caption_colour(event.image)
        if event.kind in ("accepted", "rejected", "processed", "reprocessed", "exposed",
                          "closed", "protocols"):
            self.refresh_images()
            self.refresh_status()
        if event.kind == "exposed":
            self._refresh_dose()

    def _show_preview(self, view: ImageView) -> None:
        """The binned quick look the chain made from the corrected frame, shown while the full
        image is made (1024 px a side: cheap enough to hand to the view here)."""
        image = self.exam.preview_image(view.id) if self.exam else None
        if image is None or (self.shown_id == view.id and not self._is_preview) \
                or self._full_coming == view.id:
            return  # the full image already arrived, or is being readied
        self._display(view, from_processed(image, preview=True))
        self.timing.preview_shown = time.perf_counter()

    def _image_ready(self, view: ImageView) -> None:
        self._show_image(view, after=self._note_frame_to_screen)

    def _note_frame_to_screen(self) -> None:
        timing = self.timing
        timing.image_shown = time.perf_counter()
        if timing.raw_arrived:
            timing.history.append({
                "preview_s": timing.preview_shown - timing.raw_arrived
                if timing.preview_shown > timing.raw_arrived else -1.0,
                "image_s": timing.image_shown - timing.raw_arrived})
            timing.raw_arrived = 0.0

    def _show_image(self, view: ImageView, after=None) -> bool:
        """Show the image: its pixels of this session (made ready on a worker), else its file;
        False when it has neither. ``after()`` runs once it is on screen from memory."""
        processed = self.exam.processed_image(view.id) if self.exam else None
        if processed is None:
            if view.file_path:
                self._load_and_show(view)
            return bool(view.file_path)
        if view.ExposureIndex is None:  # rendered, not yet written: the indices are known
            view = replace(view, ExposureIndex=processed.ei,
                           TargetExposureIndex=processed.ei_t, DeviationIndex=processed.di)

        def show(shown: Displayable) -> None:
            self._full_coming = None
            newest = self.views.get(view.id)  # "processed" may have come meanwhile: its file
            self._display(newest if newest is not None and newest.file_path else view, shown)
            if after is not None:
                after()

        def failed(exc: Exception) -> None:
            self._full_coming = None
            self.messages.show(self.tr("The image cannot be shown: {exc}").format(exc=exc),
                               "alarm")

        self._full_coming = view.id
        self.console.tasks.run(lambda: from_processed(processed).with_overview(), show, failed)
        return True

    def _display(self, view: ImageView, shown: Displayable) -> None:
        self.shown_id = view.id
        self._is_preview = shown.preview
        caption = self._caption(view)
        if shown.preview:
            caption += self.tr("  (preview)")
        self.review.show_image(shown.pixels, shown.bits_stored, shown.window, shown.overlay,
                               caption, shown.overview)
        self._caption_colour(view)
        self.review.graphics.viewport().repaint()  # on screen now, not at the next idle
        if not shown.preview:
            self.strip.set_thumbnail(view.id, thumbnail(shown))
            self._load_annotations(view)
            self._check_marker_later(view)
        self._show_indices(view)
        self.strip.select(view.id)
        self._update_controls()

    def _caption(self, view: ImageView) -> str:
        """What the image is, over it: protocol and side, and REJECTED / PARTIAL EXPOSURE."""
        caption = f"{view.protocol_id} {view.laterality}".strip()
        if view.state == "rejected":
            caption += "  " + self.tr("REJECTED: {reason}").format(reason=view.reject_reason)
        if view.partial:
            caption += "  " + self.tr("PARTIAL EXPOSURE")
        return caption

    def _caption_colour(self, view: ImageView) -> None:
        """Red over a rejected or partial image; the viewer's yellow otherwise."""
        self.review.label.setColor(COLOURS["alarm"] if view.state == "rejected" or view.partial
                                   else (255, 220, 0))

    def _load_and_show(self, view: ImageView) -> None:
        self.console.tasks.run(lambda: from_file(view.file_path),
                               lambda shown: self._display(view, shown),
                               lambda exc: self.messages.show(
                                   self.tr("The image file cannot be read: {exc}")
                                   .format(exc=exc), "alarm"))

    def _show_indices(self, view: ImageView) -> None:
        self.info.show_indices(view)
        self.info.show_dose(self.dose.of(view.id) if self.dose else None, self.dose)

    def _refresh_dose(self) -> None:
        """The exam's dose and technique per image, read on a worker."""
        if self.exam is None:
            return
        db, study_id = self.console.db, self.exam.study_id

        def show(dose: ExamDose) -> None:
            if self.exam is None or self.exam.study_id != study_id:
                return
            self.dose = dose
            image = dose.of(self.shown_id) if self.shown_id is not None else None
            self.info.show_dose(image, dose)

        self.console.tasks.run(lambda: exam_dose(db, study_id), show,
                               lambda exc: log.warning("dose not read: %s", exc))

    # --- images list --------------------------------------------------------------------------

    def refresh_images(self) -> None:
        """Show the images as known now, and read them again on a worker."""
        if self.exam is None:
            self.strip.clear()
            return
        self._show_views()
        self._views_reader.now()

    def _read_views(self) -> tuple[Exam | None, int, list[ImageView], dict[str, tuple[int, int]]]:
        exam, changed = self.exam, self._views_changed
        if exam is None:
            return None, changed, [], {}
        # a long-length sequence under way: which field is next (its record is a small file)
        progress = {p.id: exam.sequence_progress(p.id) for p in exam.protocols if p.long_length}
        return exam, changed, exam.images(), progress

    def _views_read(self, result: tuple[Exam | None, int, list[ImageView],
                                        dict[str, tuple[int, int]]]) -> None:
        exam, changed, views, progress = result
        if exam is not self.exam:
            return
        if changed != self._views_changed:  # an event came meanwhile: read again
            self._views_reader.request()
            return
        self.views = {v.id: v for v in views}
        self._show_views()
        # refilled when its ticks change, or a long-length sequence moved on; else the
        # selection stays as it is
        if self._exposed_protocols() != self._plan_ticks or progress != self._sequence_progress:
            self._sequence_progress = progress
            self._fill_plan()

    def _show_views(self) -> None:
        self.strip.show_views(list(self.views.values()), self.shown_id)
        self._update_controls()

    def _thumb_selected(self, image_id: int) -> None:
        if self.exam is None:
            return
        view = self.views.get(image_id)
        if view is None:
            return
        if not self._show_image(view):
            self.shown_id = view.id
            self.review.clear(view.error or self.tr("no processed image"))
            self._update_controls()

    def current_image(self) -> ImageView | None:
        if self.exam is None or self.shown_id is None:
            return None
        return self.views.get(self.shown_id)

    # --- review decisions ---------------------------------------------------------------------

    def accept_image(self) -> None:
        view = self.current_image()
        if view is None:
            return
        exam = self.exam
        confirmed = bool(view.partial) and self._confirm_partial(view)
        if view.partial and not confirmed:
            return
        self._call(lambda: exam.accept(view.id, confirm_partial=confirmed),
                   lambda _: self._after_decision())

    def _confirm_partial(self, view: ImageView) -> bool:
        """A partial exposure is accepted only when the radiographer says so."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Partial exposure"),
                          self.tr("{what}\n\nAccept this image anyway?").format(
                              what=view.partial), parent=self)
        yes = box.addButton(self.tr("Accept partial image"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Do not accept"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def leaving_question(self) -> str:
        """Why leaving this exam now needs a word ("" when it may be left silently)."""
        if self.exam is None or self.exam.state != ExamState.OPEN:
            return ""
        if self.exposing or self.frames.running:
            return self.tr("An exposure is in progress in this exam.")
        waiting = [v for v in self.views.values() if v.state == "acquired"]
        if waiting:
            return self.tr("{n} image(s) of this exam are not reviewed yet.").format(
                n=len(waiting))
        return ""

    def reject_image(self, retake: bool) -> None:
        view = self.current_image()
        if view is None:
            return
        exam, reason = self.exam, self.reason.currentData()

        def done(rejected: ImageView) -> None:
            self._after_decision()
            if retake:
                self._arm_retake(rejected)

        self._call(lambda: exam.reject(view.id, reason), done)

    def _arm_retake(self, rejected: ImageView) -> None:
        """Select the rejected image's protocol and side; the hand switch exposes it again."""
        self._fill_plan()
        self.plan_panel.select_id(rejected.protocol_id)
        if rejected.laterality in ("L", "R"):
            self.technique.set_side(rejected.laterality)
        self.messages.show(self.tr("Retake {protocol_id}: position the patient and use the "
                                   "hand switch").format(protocol_id=rejected.protocol_id),
                           "info")

    def _after_decision(self) -> None:
        self.refresh_images()
        self._fill_plan()
        self.refresh_status()

    def reprocess_as(self) -> None:
        view = self.current_image()
        if view is None:
            return
        chosen = self.known[self.reprocess_combo.currentData()]
        own = self.known.get(view.protocol_id)
        if own is not None and chosen.modality != own.modality:
            self.messages.show(self.tr("{name} is a {chosen} protocol; this image is "
                                       "{own}: choose a {own} protocol")
                               .format(name=chosen.name, chosen=chosen.modality,
                                       own=own.modality),
                                     "warning")
            return
        options = self._options_for(view)
        options.protocol_id = chosen.id
        self._reprocess(view)

    def _transform(self, rotate: int = 0, flip: str = "", marker: bool = False,
                   crop: bool = False, undo_crop: bool = False,
                   marker_at: tuple[float, float] | None = None) -> None:
        view = self.current_image()
        if view is None or not view.file_path:
            return
        options = self._options_for(view)
        if rotate or flip:
            if rotate:
                options.rotation = (options.rotation + rotate) % 360
            if flip:
                options.flip = "none" if options.flip == flip else flip
            options.crop, options.crops, options.marker_at = None, [], None
            self._drop_annotations(view)  # their pixels are elsewhere in a turned image
        if marker_at is not None:
            options.marker_at = marker_at
        if undo_crop:
            if not options.crops:
                return
            options.crop = options.crops.pop()
            self._drop_annotations(view)
        if marker:
            choice = self.toolbar.marker_choice()
            options.marker = (self._side_marker(view) if choice == "auto"
                              else None if choice == "none" else choice)
            self._check_marker(view)
        if crop:
            rect = self.review.crop_rect()
            if rect is None:
                self.messages.show(self.tr("Draw a crop rectangle of at least 16 × 16 "
                                           "pixels first (Crop)"), "warning")
                return
            base = options.crop
            options.crops.append(base)
            # the rectangle is on the image as shown, which may be cropped already
            options.crop = rect if base is None else (base[0] + rect[0], base[1] + rect[1],
                                                      base[0] + rect[2], base[1] + rect[3])
            self.crop_button.setChecked(False)
            self._drop_annotations(view)
        self._reprocess(view)

    def _options_for(self, view: ImageView) -> DisplayOptions:
        """This session's choices for the image, else those its last re-processing kept."""
        if view.id not in self.options:
            kept = self.exam.display_options(view.id) if self.exam else {}
            self.options[view.id] = self._kept_options(view, kept)
        return self.options[view.id]

    def _kept_options(self, view: ImageView, kept: dict[str, Any]) -> DisplayOptions:
        crop = kept.get("crop")
        at = kept.get("marker_at")
        return DisplayOptions(
            rotation=int(kept.get("rotation", 0)), flip=kept.get("flip", "none"),
            marker=kept.get("marker", self._side_marker(view)),
            crop=tuple(crop) if crop else None, protocol_id=kept.get("protocol_id"),
            marker_at=tuple(at) if at else None)

    @staticmethod
    def _side_marker(view: ImageView) -> str | None:
        return view.laterality if view.laterality in ("L", "R") else None

    def _reprocess(self, view: ImageView) -> None:
        """Again from the raw frame with every choice made for this image so far."""
        exam = self.exam
        options = self._options_for(view)
        kwargs, protocol_id = options.as_options(), options.protocol_id
        self.messages.show(self.tr("Re-processing…"), "info")
        self._call(lambda: exam.reprocess(view.id, protocol_id, **kwargs), self._reprocessed)

    def _move_seam(self, seam: int, mm: float) -> None:
        """Move a long-length image's seam (registration matched the wrong structure)."""
        view = self.current_image()
        if view is None or view.fields < 2:
            return
        exam = self.exam
        self.messages.show(self.tr("Moving seam {n} by {mm:+.1f} mm…").format(n=seam + 1, mm=mm),
                           "info")
        self._call(lambda: exam.move_seam(view.id, seam, mm), self._reprocessed)

    def _reprocessed(self, view: ImageView) -> None:
        if view.error:
            self.messages.show(view.error, "alarm")
        else:
            self.messages.clear()
            self._check_marker(view)

    # --- the marker and the notes ---------------------------------------------------------------

    def _check_marker_later(self, view: ImageView) -> None:
        """:meth:`_check_marker` once the image's kept choices are read (on a worker)."""
        exam = self.exam
        if exam is None or view.id in self.options:
            self._check_marker(view)
            return

        def known(kept: dict[str, Any]) -> None:
            if self.exam is not exam:
                return
            self.options.setdefault(view.id, self._kept_options(view, kept))
            if self.shown_id == view.id:
                self._check_marker(view)

        self.console.tasks.run(lambda: exam.display_options(view.id), known,
                               lambda exc: log.warning("display choices not read: %s", exc))

    def _check_marker(self, view: ImageView) -> None:
        """Warn when the L/R marker contradicts the side the image was taken for."""
        options = self._options_for(view)
        protocol = self.known.get(view.protocol_id)
        side = view.laterality or (protocol.laterality if protocol else "")
        if marker_conflict(options.marker, side):
            self.messages.show(self.tr(
                "Marker {marker} on a {side} image: choose Marker {right} (or check the "
                "side)").format(marker=options.marker,
                                side=self.tr("LEFT") if side == "L" else self.tr("RIGHT"),
                                right=side), "warning")

    def _marker_move_toggled(self, on: bool) -> None:
        if on:
            self.review.start_marker_move()
            if self.review.marker_roi is None:
                self.toolbar.move_marker.setChecked(False)
                self.messages.show(self.tr("No marker on this image to move"), "warning")
        else:
            self.review.stop_marker_move()

    def _marker_moved(self, row: float, column: float) -> None:
        self.toolbar.move_marker.setChecked(False)
        self._transform(marker_at=(row, column))

    def _ask_text(self) -> None:
        text, ok = QInputDialog.getText(self, self.tr("Text on the image"), self.tr("Text:"))
        if ok and text.strip():
            self.review.add_text(text.strip())

    def _load_annotations(self, view: ImageView) -> None:
        """The image's kept notes and its measuring scale, read on a worker."""
        path = view.file_path

        def read():
            try:
                notes, window = annotations.load_annotations(path)
                return notes, window, annotations.measurement_scale(path)
            except FileNotFoundError:  # re-processed meanwhile: its new file is read next
                return None

        def show(result) -> None:
            if result is None or self.shown_id != view.id:
                return
            notes, window, scale = result
            self.review.measure = scale.label
            self.review.set_annotations(notes)
            if window is not None:
                self.review.set_window(*window)

        if path:
            self.console.tasks.run(read, show, lambda exc: self.messages.show(
                self.tr("Annotations cannot be read: {error}").format(error=exc), "warning"))

    def _save_annotations(self) -> None:
        """Keep the notes (and the window) with the image as its presentation state."""
        view = self.current_image()
        if view is None or not view.file_path or self._is_preview:
            return
        # a snapshot for the worker; saves run one at a time and the latest one wins
        self._unsaved = (view.file_path, self.review.annotations(), self.review.window,
                         self.console.operator)
        self._saver.request()

    def _save_latest(self) -> str:
        path, notes, window, operator = self._unsaved
        try:
            annotations.save_annotations(path, notes, window=window, operator=operator)
        except (OSError, ValueError) as exc:
            return self.tr("Annotations not saved: {error}").format(error=exc)
        return ""

    def _drop_annotations(self, view: ImageView) -> None:
        if self.review.annotations():
            self.review.clear_annotations()
            self.messages.show(self.tr("The texts and distances were removed: the image was "
                                       "turned or cropped"), "info")
            self._save_annotations()

    def _crop_toggled(self, on: bool) -> None:
        if on:
            self.review.start_crop()
        else:
            self.review.cancel_crop()
        self._update_controls()

    # --- closing --------------------------------------------------------------------------------

    def close_exam(self) -> None:
        """Ask how to close, with the exam summary (read off the GUI thread) in the dialog."""
        exam = self.exam
        if exam is None or exam.state != ExamState.OPEN:
            return
        imaging, db = self.console.config.imaging, self.console.db
        self.console.tasks.run(
            lambda: exam_summary(db, exam.study_id, imaging.di_warning, imaging.di_alarm),
            lambda summary: self._ask_close(exam, summary),
            lambda exc: self.messages.show(
                self.tr("Cannot read the exam summary: {error}").format(error=exc), "error"))

    def _ask_close(self, exam: Exam, summary: ExamSummary) -> None:
        if self.exam is not exam or exam.state != ExamState.OPEN:
            return  # closed or replaced while the summary was read
        views = list(self.views.values())
        accepted = [v for v in views if v.state == "accepted"]
        dialog = CloseDialog(self.console.config, len(accepted),
                             sum(v.state == "rejected" for v in views),
                             sum(v.state == "acquired" for v in views),
                             [self.strip.pixmaps[v.id] for v in accepted
                              if v.id in self.strip.pixmaps],
                             self, summary)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.finish(dialog.choice())

    def finish(self, choice) -> None:
        """Close with a :class:`vxacq.ui.close_dialog.CloseChoice` (the dialog's answer)."""
        exam = self.exam

        config, db = self.console.config, self.console.db

        def run():
            if choice.status == "COMPLETED":
                result = exam.close(print_node=choice.print_node, layout=choice.layout)
            else:
                result = exam.discontinue(choice.reason)
            # the annotated images' presentation states follow their images
            result.jobs["annotations"] = annotations.queue_annotations(config, db,
                                                                      exam.study_id)
            return result

        def done(result) -> None:
            stores = len(result.jobs.get("store", []))
            printed = self.tr(" and a print job") if result.jobs.get("print") else ""
            self.messages.show(
                (self.tr("Exam completed: MPPS COMPLETED queued, images and the dose report "
                         "queued to {stores} archive(s){printed}. Their progress is shown below.")
                 if result.status == "COMPLETED" else
                 self.tr("Exam discontinued: MPPS DISCONTINUED queued, images and the dose "
                         "report queued to {stores} archive(s){printed}. Their progress is "
                         "shown below.")).format(stores=stores, printed=printed), "ok")
            self.exam_closed.emit(result.study_id)
            self.refresh_status()
            self._update_controls()

        self._call(run, done)

    def refresh_status(self) -> None:
        self.image_status.refresh()

    # --- helpers ------------------------------------------------------------------------------

    def run_step(self, fn, done) -> None:
        """Run a step on a worker, the page's controls waiting; its error goes to the banner."""
        self._call(fn, done)

    def _call(self, fn, done) -> None:
        """Run an exam step on a worker; its error goes to the banner."""
        self.busy += 1
        self._update_controls()

        def finished(result) -> None:
            self.busy -= 1
            self._update_controls()
            done(result)

        def failed(exc: Exception) -> None:
            self.busy -= 1
            self._update_controls()
            self.messages.show(str(exc), "alarm")

        self.console.tasks.run(fn, finished, failed)

    def _update_controls(self) -> None:
        is_open = self.exam is not None and self.exam.state == ExamState.OPEN
        idle = is_open and not self.exposing and self.busy == 0
        protocol = self.selected_protocol()
        why = ""
        if not is_open:
            why = self.tr("open an exam first")
        elif protocol is None:
            why = self.tr("add a protocol first")
        elif not self._side_needed(protocol):
            why = self.tr("{name} needs a side: choose Left or Right").format(name=protocol.name)
        elif self.console.room.status.problem:
            why = self.console.room.status.problem
        elif self.frames.running:
            why = self.tr("a frame is being recovered from the panel")
        self.room_panel.set_can_prep(idle and not why, why)
        view = self.current_image()
        reviewable = idle and view is not None and bool(view.file_path)
        # a raw frame whose processing failed can be processed again
        self.decision.set_enabled(
            accept=reviewable and view.state != "accepted",
            reject=idle and view is not None and view.state != "rejected",
            reprocess=idle and view is not None and bool(view.raw_path) and not self._is_preview)
        options = self.options.get(view.id) if view is not None else None
        self.toolbar.set_seams(view.fields - 1 if view is not None else 0)
        self.toolbar.set_enabled(reviewable and not self._is_preview, self.review.has_image(),
                                 bool(options and options.crops))
        self.remove_button.setEnabled(idle and protocol is not None)
        self.close_button.setEnabled(idle)
        self.technique.set_editable(is_open and not self.exposing)
        for widget in (self.plan, self.add_combo):
            widget.setEnabled(is_open and not self.exposing)

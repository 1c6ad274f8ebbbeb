"""The exam screen: protocols and technique, the room and hand switch, image review, closing.

The page lays out its parts — :class:`PlanPanel`, :class:`TechniquePanel`, :class:`RoomPanel`,
:class:`ReviewToolbar` over the :class:`ReviewView`, :class:`ImageStrip`, :class:`DecisionBox`
and :class:`ImageStatusTable` — in fixed columns, and runs the exam behind them with a helper
for each idea, each its own module:

- :class:`~vxacq.ui.exam_plan.ExamPlan`: the planned protocols, ticked when done;
- :class:`~vxacq.ui.exposure_sequence.ExposureSequence`: Prep, Expose, release, the dose
  notification, what the sequence ends with;
- :class:`~vxacq.ui.frame_recovery.FrameRecovery`: frames left in the panel;
- :class:`~vxacq.ui.image_display.ImageDisplay`: the preview, the full image, its caption,
  indices and dose;
- :class:`~vxacq.ui.reprocessing.Reprocessing`: turn, flip, marker, crop, re-process as, seams;
- :class:`~vxacq.ui.image_notes.ImageNotes`: texts and distances kept with the image;
- :class:`~vxacq.ui.review_decisions.ReviewDecisions`: accept (a partial image confirmed),
  reject, retake;
- :class:`~vxacq.ui.prior_pane.PriorPane`: the patient's priors beside the image;
- :class:`~vxacq.ui.exam_ending.ExamEnding`: leaving and closing the exam.

The page keeps the exam, its images as last known (``views``), the exam's events, which
controls are enabled, and the methods the main window and the tests call.

Everything slow — the exposure, processing, reading files, accept/reject/close, the status of
each image — runs on the console's workers (:class:`vxacq.ui.tasks.Tasks`); the exam's own
events arrive here re-posted to the GUI thread.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from vxacq.ui.close_dialog import CloseChoice
from vxacq.ui.context import Console
from vxacq.ui.decision_box import DecisionBox
from vxacq.ui.exam_ending import ExamEnding
from vxacq.ui.exam_plan import ExamPlan
from vxacq.ui.exposure_sequence import ExposureSequence
from vxacq.ui.frame_recovery import FrameRecovery
from vxacq.ui.image_display import ImageDisplay, Timing
from vxacq.ui.image_info import ImageInfo
from vxacq.ui.image_notes import ImageNotes
from vxacq.ui.image_status import ImageStatusTable
from vxacq.ui.image_strip import ImageStrip
from vxacq.ui.plan_panel import PlanPanel
from vxacq.ui.prior_pane import PriorPane
from vxacq.ui.prior_view import PriorPanel
from vxacq.ui.reprocessing import DisplayOptions, Reprocessing
from vxacq.ui.review_decisions import ReviewDecisions
from vxacq.ui.review_toolbar import ReviewToolbar
from vxacq.ui.review_view import ReviewView
from vxacq.ui.room_panel import RoomPanel
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.technique_panel import TechniquePanel
from vxacq.ui.widgets import MessageStrip, person_name
from vxacq.workflow.exam import Exam, ExamEvent, ExamState, ImageView
from vxacq.workflow.procedures import Protocol, load_protocols

LEFT_WIDTH, RIGHT_WIDTH = 290, 344  # px: the fixed side columns; the image takes the rest


class ExamPage(QWidget):
    exam_closed = Signal(int)  # study id

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.exam: Exam | None = None
        self.known: dict[str, Protocol] = load_protocols()
        # the exam's images as last read on a worker, or as the exam's events brought them:
        # the screen never reads the database on the GUI thread (rule 3)
        self.views: dict[int, ImageView] = {}
        self._views_changed = 0  # counts events: a read that started before one is stale
        self.busy = 0
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

        # the ideas behind the controls, each its own helper (see the module docstring)
        self.planning = ExamPlan(self)
        self.exposure = ExposureSequence(self)
        self.frames = FrameRecovery(self)
        self.display = ImageDisplay(self)
        self.reprocessing = Reprocessing(self)
        self.notes = ImageNotes(self)
        self.decisions = ReviewDecisions(self)
        self.priors = PriorPane(self)
        self.ending = ExamEnding(self)

        self.plan_panel.selection_changed.connect(self.planning.selection_changed)
        self.plan_panel.add_requested.connect(self.add_protocol)
        self.plan_panel.remove_requested.connect(self.planning.remove)
        self.technique.side_changed.connect(self.update_controls)
        transform = self.reprocessing.transform
        self.toolbar.rotate.connect(lambda degrees: transform(rotate=degrees))
        self.toolbar.flip.connect(lambda direction: transform(flip=direction))
        self.toolbar.marker_chosen.connect(lambda: transform(marker=True))
        self.toolbar.crop_toggled.connect(self.reprocessing.crop_toggled)
        self.toolbar.apply_crop_requested.connect(lambda: transform(crop=True))
        self.toolbar.undo_crop_requested.connect(lambda: transform(undo_crop=True))
        self.toolbar.marker_move_toggled.connect(self.reprocessing.marker_move_toggled)
        self.toolbar.text_requested.connect(self.notes.ask_text)
        self.toolbar.prior_toggled.connect(self.priors.toggled)
        self.prior_panel.choice.currentIndexChanged.connect(self.priors.show)
        self.toolbar.seam_moved.connect(self.reprocessing.move_seam)
        self.review.marker_moved.connect(self.reprocessing.marker_moved)
        self.review.annotations_changed.connect(self.notes.save)
        self.strip.image_chosen.connect(self.display.thumb_selected)
        self.decision.accept_requested.connect(self.accept_image)
        self.decision.reject_requested.connect(self.reject_image)
        self.decision.reprocess_requested.connect(self.reprocess_as)
        self.room_panel.prep_pressed.connect(self.prep)
        self.room_panel.expose_pressed.connect(self.expose_now)
        self.room_panel.released.connect(self.release)
        self.room_panel.reset_requested.connect(self.exposure.reset_generator)
        self.room_panel.recover_requested.connect(self.frames.recover)
        self.room_panel.discard_requested.connect(self.frames.discard)
        console.room.subscribe(on_gui_thread(self.exposure.room_changed))
        self._views_reader = Refresher(console.tasks, self._read_views, self._views_read,
                                       interval_ms=50, parent=self)
        self.update_controls()

    # --- what the main window, the tests and the benchmark read and call -------------------

    @property
    def exposing(self) -> bool:
        """From Prep until the exposure sequence has ended."""
        return self.exposure.exposing

    @exposing.setter
    def exposing(self, value: bool) -> None:
        self.exposure.exposing = value

    @property
    def dose_reason(self) -> tuple[str, str] | None:
        return self.exposure.dose_reason

    @property
    def shown_id(self) -> int | None:
        return self.display.shown_id

    @property
    def timing(self) -> Timing:
        return self.display.timing

    @property
    def options(self) -> dict[int, DisplayOptions]:
        return self.reprocessing.options

    def prep(self) -> None:
        self.exposure.prep()

    def expose_now(self) -> None:
        self.exposure.expose_now()

    def release(self) -> None:
        self.exposure.release()

    def selected_protocol(self) -> Protocol | None:
        return self.planning.selected()

    def add_protocol(self, protocol_id: str | None = None) -> None:
        self.planning.add(protocol_id)

    def accept_image(self) -> None:
        self.decisions.accept_image()

    def reject_image(self, retake: bool) -> None:
        self.decisions.reject_image(retake)

    def reprocess_as(self) -> None:
        self.reprocessing.reprocess_as()

    def leaving_question(self) -> str:
        return self.ending.leaving_question()

    def close_exam(self) -> None:
        self.ending.close_exam()

    def finish(self, choice: CloseChoice) -> None:
        self.ending.finish(choice)

    # --- opening an exam ----------------------------------------------------------------------

    def open_exam(self, exam: Exam) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self.exam = exam
        self.reprocessing.options.clear()
        self.views = {}
        self.planning.progress = {}
        self._views_changed += 1
        self.strip.clear()
        self.display.clear()
        self.priors.clear()  # never a prior of the last patient beside this one's image
        # nothing chosen for the last patient carries over: reject reason, re-process choice,
        # a dose notification confirmed for the next exposure
        self.exposure.dose_reason = None
        self.reason.reset()
        self.reprocess_combo.setCurrentIndex(0)
        self.crop_button.setChecked(False)
        self.info.clear()
        self.messages.clear()
        relay, timing = on_gui_thread(self._exam_event), self.display.timing

        def observe(event: ExamEvent) -> None:
            if event.kind == "exposed":  # the frame-to-screen clock starts on the worker
                timing.raw_arrived = time.perf_counter()
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
        self.planning.fill()
        self.refresh_images()
        self.image_status.show_exam(exam)
        self.display.refresh_dose()
        self.ending.exam_opened()

    # --- exam events (GUI thread) ----------------------------------------------------------

    def _exam_event(self, event: ExamEvent) -> None:
        if self.exam is None or event.study_id != self.exam.study_id:
            return
        display = self.display
        if event.image is not None:  # the newest word on this image, before any re-read
            self._views_changed += 1
            self.views[event.image.id] = event.image
        if event.kind == "exposed" and event.image is not None:
            self.messages.show(self.tr("Image received — processing"), "info")
        elif event.kind == "previewed" and event.image is not None:
            display.show_preview(event.image)
        elif event.kind == "rendered" and event.image is not None:
            display.image_ready(event.image)
        elif event.kind in ("processed", "reprocessed") and event.image is not None:
            if event.image.id == display.full_coming:
                pass  # its pixels are being readied: shown with this newest view
            elif event.image.id != display.shown_id or display.preview:
                display.image_ready(event.image)
            else:  # already on screen: now it has its file, so it can be accepted
                display.show_indices(event.image)
                self.notes.load(event.image)
                self.update_controls()
        elif event.kind == "failed" and event.message:
            self.messages.show(event.message, "alarm")
        if event.kind in ("accepted", "rejected") and event.image is not None:
            display.decided(event.image)  # rejected, visibly
        if event.kind in ("accepted", "rejected", "processed", "reprocessed", "exposed",
                          "closed", "protocols"):
            self.refresh_images()
            self.refresh_status()
        if event.kind == "exposed":
            display.refresh_dose()

    # --- the exam's images --------------------------------------------------------------------

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
        self.planning.images_read(progress)

    def _show_views(self) -> None:
        self.strip.show_views(list(self.views.values()), self.display.shown_id)
        self.update_controls()

    def current_image(self) -> ImageView | None:
        if self.exam is None or self.display.shown_id is None:
            return None
        return self.views.get(self.display.shown_id)

    def refresh_status(self) -> None:
        self.image_status.refresh()

    # --- steps and controls -------------------------------------------------------------------

    def run_step(self, fn, done) -> None:
        """Run an exam step on a worker, the page's controls waiting; its error goes to the
        banner."""
        self.busy += 1
        self.update_controls()

        def finished(result) -> None:
            self.busy -= 1
            self.update_controls()
            done(result)

        def failed(exc: Exception) -> None:
            self.busy -= 1
            self.update_controls()
            self.messages.show(str(exc), "alarm")

        self.console.tasks.run(fn, finished, failed)

    def side_needed(self, protocol: Protocol) -> str:
        return protocol.laterality or self.side.currentData() or ""

    def update_controls(self) -> None:
        is_open = self.exam is not None and self.exam.state == ExamState.OPEN
        idle = is_open and not self.exposing and self.busy == 0
        protocol = self.selected_protocol()
        why = ""
        if not is_open:
            why = self.tr("open an exam first")
        elif protocol is None:
            why = self.tr("add a protocol first")
        elif not self.side_needed(protocol):
            why = self.tr("{name} needs a side: choose Left or Right").format(name=protocol.name)
        elif self.console.room.status.problem:
            why = self.console.room.status.problem
        elif self.frames.running:
            why = self.tr("a frame is being recovered from the panel")
        self.room_panel.set_can_prep(idle and not why, why)
        view = self.current_image()
        self.decision.show_image(self.display.shown_id)  # another image: no reason chosen
        preview = self.display.preview
        reviewable = idle and view is not None and bool(view.file_path)
        # a raw frame whose processing failed can be processed again
        self.decision.set_enabled(
            accept=reviewable and view.state != "accepted",
            reject=idle and view is not None and view.state != "rejected",
            reprocess=idle and view is not None and bool(view.raw_path) and not preview)
        options = self.options.get(view.id) if view is not None else None
        self.toolbar.set_seams(view.fields - 1 if view is not None else 0)
        self.toolbar.set_enabled(reviewable and not preview, self.review.has_image(),
                                 bool(options and options.crops))
        self.remove_button.setEnabled(idle and protocol is not None)
        self.close_button.setEnabled(idle)
        self.technique.set_editable(is_open and not self.exposing)
        for widget in (self.plan, self.add_combo):
            widget.setEnabled(is_open and not self.exposing)

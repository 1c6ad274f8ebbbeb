"""Exam history: local exams searched (any script, accents and case ignored), each image with
its thumbnail, protocol, time and where it was sent and committed, kept current by itself;
reopen, re-send, reject an image already sent (IOCM rejection note), export to media (a
DICOMDIR on a folder or USB stick, optionally de-identified), import from media (as priors or
to the PACS), and the patient's priors at the archive."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox,
    QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.exam_summary import ExamSummaryView
from vxacq.ui.media_import import MediaImportDialog
from vxacq.ui.reject_reason_list import RejectReasonList
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.widgets import Banner, fill, person_name, table
from vxacq.workflow.dose import ExamSummary as DoseSummary, exam_summary
from vxacq.workflow.history import (
    ExamSummary, ImageStatus, image_status, resend, search_exams, thumbnail_pixels,
)
from vxacq.workflow.media import export_media
from vxacq.workflow.orders import OrderView, list_orders
from vxacq.workflow.priors import find_priors, retrieve_prior
from vxacq.workflow.refile import move_to_order
from vxacq.workflow.rejection import image_id_for, reject_sent

THUMBNAIL = 72  # pixels a side in the image list
POLL_MS = 3000  # a commitment answer arrives on the listener without a job changing


class HistoryPage(QWidget):
    """``reopen(study_id)``: add images to a closed exam; ``resume(study_id)``: an open one."""

    reopen = Signal(int)
    resume = Signal(int)

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.exams: list[ExamSummary] = []
        self.statuses: list[ImageStatus] = []
        self.thumbnails: dict[str, QPixmap] = {}  # SOPInstanceUID → picture
        # what the pool's reads need, set on the GUI thread (no widget is read off it)
        self._study_id: int | None = None
        self._have_pictures: frozenset[str] = frozenset()
        self.banner = Banner()
        self.text = QLineEdit(placeholderText=self.tr("Name, patient ID or accession"))
        self.date_from = QLineEdit(placeholderText=self.tr("from YYYYMMDD"))
        self.date_to = QLineEdit(placeholderText=self.tr("to YYYYMMDD"))
        search = QPushButton(self.tr("Search"))
        for edit in (self.text, self.date_from, self.date_to):
            edit.returnPressed.connect(self.search)
        search.clicked.connect(self.search)
        self.table = table([self.tr("Date"), self.tr("Time"), self.tr("Patient"),
                            self.tr("Patient ID"), self.tr("Accession"), self.tr("Description"),
                            self.tr("Accepted"), self.tr("State")])
        self.table.itemSelectionChanged.connect(self._selected)
        self.open_button = QPushButton(self.tr("Continue / add images"))
        self.open_button.clicked.connect(self._open)
        self.resend_button = QPushButton(self.tr("Re-send"))
        self.resend_button.clicked.connect(self._resend)
        self.priors_button = QPushButton(self.tr("Priors from PACS"))
        self.priors_button.clicked.connect(self._priors)
        self.retrieve_button = QPushButton(self.tr("Retrieve prior"))
        self.retrieve_button.setToolTip(self.tr("Fetch the chosen study into the priors cache, "
                                                "to be shown beside new images (Prior, P)"))
        self.retrieve_button.setEnabled(False)
        self.retrieve_button.clicked.connect(self._retrieve)
        self.priors: list = []
        self.export_button = QPushButton(self.tr("Export to media…"))
        self.export_button.setToolTip(self.tr("Write the exam to a folder or USB stick as DICOM "
                                              "media with a DICOMDIR"))
        self.export_button.clicked.connect(self._export)
        self.import_button = QPushButton(self.tr("Import from media…"))
        self.import_button.setToolTip(self.tr("List the studies on a CD, USB stick or folder "
                                              "with a DICOMDIR; keep the chosen ones as priors "
                                              "or send them to the PACS"))
        self.import_button.clicked.connect(self._import)
        self.import_dialog: MediaImportDialog | None = None
        self.move_button = QPushButton(self.tr("Move to the right order…"))
        self.move_button.setToolTip(self.tr("The exam was filed under the wrong patient or "
                                            "order: file its images under the right one and "
                                            "withdraw them from the wrong one"))
        self.move_button.clicked.connect(self._move)
        self.deidentify = QCheckBox(self.tr("De-identify"))
        self.deidentify.setToolTip(self.tr("Remove the patient's identity (DICOM PS3.15 Basic "
                                           "Profile) from the exported copies"))
        self.status_table = table([self.tr("Image"), self.tr("Protocol"), self.tr("Side"),
                                   self.tr("Acquired"), self.tr("State"), self.tr("Sent"),
                                   self.tr("Committed")])
        self.status_table.itemSelectionChanged.connect(self._image_selected)
        # filled when the page is first shown; no reason until one is chosen for the image
        self.reject_reason = RejectReasonList()
        self.reject_reason.currentIndexChanged.connect(self._show_reject)
        self._reason_for: str | None = None  # the image (SOPInstanceUID) it was chosen for
        self.reject_button = QPushButton(self.tr("Reject sent image"))
        self.reject_button.clicked.connect(self._reject)
        self.status_table.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.status_table.verticalHeader().setDefaultSectionSize(THUMBNAIL + 6)
        self.priors_table = table([self.tr("Date"), self.tr("Modalities"),
                                   self.tr("Description"), self.tr("Accession"),
                                   self.tr("Series"), self.tr("Images"), self.tr("From")])
        self.priors_table.itemSelectionChanged.connect(
            lambda: self.retrieve_button.setEnabled(self._chosen_prior() is not None))

        tools = QHBoxLayout()
        tools.addWidget(self.text, stretch=1)
        tools.addWidget(self.date_from)
        tools.addWidget(self.date_to)
        tools.addWidget(search)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.resend_button)
        actions.addWidget(self.priors_button)
        actions.addWidget(self.retrieve_button)
        actions.addWidget(self.export_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.move_button)
        actions.addWidget(self.deidentify)
        actions.addStretch(1)
        images = QWidget()
        images_layout = QVBoxLayout(images)
        images_layout.setContentsMargins(0, 0, 0, 0)
        images_layout.addWidget(self.status_table)
        image_actions = QHBoxLayout()
        image_actions.addWidget(self.reject_reason)
        image_actions.addWidget(self.reject_button)
        image_actions.addStretch(1)
        images_layout.addLayout(image_actions)
        # the exam summary: each exposure's state, technique, DAP and indices, and the totals
        self.summary = ExamSummaryView()
        self.detail = QTabWidget()
        self.detail.addTab(images, self.tr("Images of the selected exam"))
        self.detail.addTab(self.summary, self.tr("Exam summary: dose and technique"))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        # the exam's images (thumbnails) before the priors: three quarters of the room
        lower_layout.addWidget(self.detail, stretch=3)
        lower_layout.addWidget(QLabel(self.tr("The patient's studies at the PACS")))
        lower_layout.addWidget(self.priors_table, stretch=1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(tools)
        layout.addLayout(actions)
        layout.addWidget(splitter, stretch=1)

        # Reads on the pool, at most one at a time; statuses follow the outbox's jobs, and a
        # timer catches what another process or the listener changed.
        self._exams_reader = Refresher(console.tasks, self._read_exams, self._show_exams,
                                       parent=self, inputs=self._search_terms)
        self._status_reader = Refresher(console.tasks, self._read_status, self._show_status,
                                        parent=self)
        console.services.outbox.subscribe(on_gui_thread(self._job_changed))
        self._timer = QTimer(self, interval=POLL_MS, timeout=self._poll)
        self._timer.start()
        self._selected()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        self.reject_reason.fill()  # pydicom's concept dictionary: not before it is needed
        super().showEvent(event)

    # the exam list

    def search(self) -> None:
        self._exams_reader.now()

    def _search_terms(self) -> tuple[str, str, str]:
        return (self.text.text().strip(), self.date_from.text().strip(),
                self.date_to.text().strip())

    def _read_exams(self, text: str, date_from: str, date_to: str) -> list[ExamSummary]:
        return search_exams(self.console.db, text, date_from, date_to)

    def _show_exams(self, exams: list[ExamSummary]) -> None:
        chosen = self.selected()
        self.exams = exams
        states = {"open": self.tr("open"), "closed": self.tr("closed")}
        self.table.blockSignals(True)
        fill(self.table, [(_date(e.StudyDate), _time(e.StudyTime), person_name(e.PatientName),
                           e.PatientID, e.AccessionNumber, e.StudyDescription, e.images,
                           states.get(e.state, e.state)) for e in exams])
        if chosen is not None:
            for row, exam in enumerate(exams):
                if exam.study_id == chosen.study_id:
                    self.table.selectRow(row)
        self.table.blockSignals(False)
        self._selected()

    def selected(self) -> ExamSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.exams[rows[0].row()] if rows and rows[0].row() < len(self.exams) else None

    def _selected(self) -> None:
        exam = self.selected()
        for button in (self.open_button, self.resend_button, self.priors_button,
                       self.export_button):
            button.setEnabled(exam is not None)
        self.move_button.setEnabled(exam is not None and exam.state == "closed")
        self._study_id = exam.study_id if exam is not None else None
        if exam is None:
            self.statuses = []
            fill(self.status_table, [])
            self.summary.show_summary(None)
            return
        self.open_button.setText(self.tr("Continue exam") if exam.state == "open"
                                 else self.tr("Add images"))
        self._status_reader.now()

    # the selected exam's images, kept current

    def _job_changed(self, job) -> None:
        exam = self.selected()
        if exam is not None and job.study_id == exam.study_id and self.isVisible():
            self._status_reader.request()

    def _poll(self) -> None:
        if self.isVisible():
            self._exams_reader.request()
            if self.selected() is not None:
                self._status_reader.request()

    def _read_status(self) -> tuple[int, list[ImageStatus], dict[str, np.ndarray | None],
                                    DoseSummary | None]:
        study_id, have = self._study_id, self._have_pictures
        if study_id is None:
            return -1, [], {}, None
        statuses = image_status(self.console.db, study_id)
        pictures = {s.SOPInstanceUID: thumbnail_pixels(s.file_path, THUMBNAIL)
                    for s in statuses if s.SOPInstanceUID not in have
                    and s.file_path and not s.is_dose_report}
        imaging = self.console.config.imaging
        summary = exam_summary(self.console.db, study_id, imaging.di_warning, imaging.di_alarm)
        return study_id, statuses, pictures, summary

    def _show_status(self, result) -> None:
        study_id, statuses, pictures, summary = result
        chosen = self.selected()
        if chosen is None or chosen.study_id != study_id:
            return  # an answer for a row no longer selected
        self.summary.show_summary(summary)
        for uid, pixels in pictures.items():
            if pixels is not None:
                rows, cols = pixels.shape
                image = QImage(pixels.data, cols, rows, cols, QImage.Format.Format_Grayscale8)
                self.thumbnails[uid] = QPixmap.fromImage(image.copy())
        self._have_pictures = frozenset(self.thumbnails)
        self.statuses = statuses
        states = {"accepted": self.tr("accepted"), "rejected": self.tr("rejected"),
                  "acquired": self.tr("to review")}
        fill(self.status_table, [
            (self.tr("Dose report") if s.is_dose_report else "",
             s.ProtocolName or ("—" if s.is_dose_report else ""), s.Laterality,
             s.acquired_at.astimezone().strftime("%H:%M:%S") if s.acquired_at else "",
             states.get(s.state, s.state),
             ", ".join(f"{n}: {w}" for n, w in s.sent.items()) or "—",
             ", ".join(f"{n}: {w}" for n, w in s.committed.items()) or "—")
            for s in statuses])
        for row, s in enumerate(statuses):
            if s.is_rejection_note:
                self.status_table.item(row, 0).setText(self.tr("Rejection note"))
                self.status_table.item(row, 1).setText(self.tr("Rejection note"))
            elif s.state == "rejected" and s.reject_reason:
                self.status_table.item(row, 4).setText(self.tr("rejected: {reason}").format(
                    reason=s.reject_reason))
            if s.partial:  # the generator stopped early: said on the image's row too
                state = self.status_table.item(row, 4)
                state.setText(self.tr("{state}, PARTIAL EXPOSURE").format(state=state.text()))
                state.setToolTip(s.partial)
            item = self.status_table.item(row, 0)
            item.setToolTip(s.SOPInstanceUID)  # the UID is there for the service engineer
            if s.SOPInstanceUID in self.thumbnails:
                item.setIcon(QIcon(self.thumbnails[s.SOPInstanceUID]))

        self._image_selected()

    def selected_image(self) -> ImageStatus | None:
        rows = self.status_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.statuses):
            return None
        return self.statuses[rows[0].row()]

    def _image_selected(self) -> None:
        """Another image starts with no reject reason chosen."""
        status = self.selected_image()
        if status is not None and status.SOPInstanceUID != self._reason_for:
            self._reason_for = status.SOPInstanceUID
            self.reject_reason.reset()
        self._show_reject()

    def _show_reject(self) -> None:
        """Only an accepted image that went to a node can be withdrawn from it, and only
        with a reason chosen for it."""
        status = self.selected_image()
        self.reject_reason.enable(
            [self.reject_button],
            status is not None and status.state == "accepted" and bool(status.sent)
            and not status.is_dose_report and not status.is_rejection_note,
            self.tr("Withdraw the selected image from the PACS: a rejection note goes to "
                    "every node it was sent to"))

    # actions

    def _reject(self) -> None:
        status = self.selected_image()
        if status is None:
            return
        reason_key = self.reject_reason.reason_key()
        if reason_key is None:  # never a reason filed by default (workflow refuses it too)
            self.banner.show_message(QCoreApplication.translate(  # the Exam page's sentence
                "ReviewDecisions", "Choose why the image is rejected first."), "warning")
            return
        nodes = ", ".join(status.sent)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Reject a sent image?"),
                          self.tr("The image ({protocol}) was sent to {nodes}. It will be "
                                  "withdrawn there with the reason \"{reason}\"; the dose report "
                                  "keeps the exposure. This cannot be undone.").format(
                              protocol=status.ProtocolName, nodes=nodes,
                              reason=self.reject_reason.currentText()), parent=self)
        withdraw = box.addButton(self.tr("Reject and withdraw"),
                                 QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Keep it"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not withdraw:
            return
        config, db = self.console.config, self.console.db
        operator = self.console.operator
        self.reject_button.setEnabled(False)

        def work():
            return reject_sent(config, db, image_id_for(db, status.SOPInstanceUID), reason_key,
                               operator=operator)

        def done(result) -> None:
            self.banner.show_message(self.tr("Image rejected; a rejection note is queued to "
                                             "{nodes}.").format(nodes=", ".join(result.store_jobs)),
                                     "ok")
            self._selected()

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("The image was not rejected: {reason}").format(
                reason=exc), "alarm")
            self._selected()

        self.console.tasks.run(work, done, failed)

    def _export(self) -> None:
        exam = self.selected()
        if exam is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Export to: an empty folder or a USB stick"))
        if not folder:
            return
        db, operator = self.console.db, self.console.operator
        anonymous = self.deidentify.isChecked()
        self.export_button.setEnabled(False)

        def done(result) -> None:
            text = (self.tr("{n} object(s) written to {folder}, de-identified.") if anonymous
                    else self.tr("{n} object(s) written to {folder}."))
            self.banner.show_message(text.format(n=result.files, folder=result.folder), "ok")
            self._selected()

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("Export failed: {reason}").format(reason=exc),
                                     "alarm")
            self._selected()

        self.banner.show_message(self.tr("Writing the exam to {folder}…").format(folder=folder),
                                 "info")
        self.console.tasks.run(lambda: export_media(db, folder, study_uids=[exam.StudyInstanceUID],
                                                    deidentify_objects=anonymous,
                                                    operator=operator), done, failed)

    def _import(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Import from: the media's folder (it holds DICOMDIR)"))
        if not folder:
            return
        self.import_dialog = MediaImportDialog(self.console, folder, self)
        self.import_dialog.imported.connect(lambda text: self.banner.show_message(text, "ok"))
        self.import_dialog.open()

    def _move(self) -> None:
        """Ask which scheduled order the selected exam's images belong to (the orders read on
        a worker), then move them there (on a worker)."""
        exam = self.selected()
        if exam is None:
            return
        db = self.console.db
        self.move_button.setEnabled(False)  # one question at a time

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("The images were not moved: {reason}").format(
                reason=exc), "alarm")
            self._selected()

        self.console.tasks.run(lambda: list_orders(db, states=("scheduled",)),
                               lambda orders: self._move_to_chosen(exam, orders), failed,
                               owner=self)

    def _move_to_chosen(self, exam: ExamSummary, orders: list[OrderView]) -> None:
        if not orders:
            self.banner.show_message(self.tr("No scheduled order to move the images to: "
                                             "refresh the worklist or register the patient "
                                             "first."), "warning")
            self._selected()
            return
        labels = [f"{person_name(o.PatientName)} ({o.PatientID}) {o.AccessionNumber} "
                  f"{o.RequestedProcedureDescription}".strip() for o in orders]
        chosen, ok = QInputDialog.getItem(
            self, self.tr("Move to the right order"),
            self.tr("The images of {name} ({pid}) belong to:").format(
                name=person_name(exam.PatientName), pid=exam.PatientID), labels, 0, False)
        if not ok or chosen not in labels:
            self._selected()
            return
        order = orders[labels.index(chosen)]
        config, db, operator = self.console.config, self.console.db, self.console.operator

        def done(result) -> None:
            self.banner.show_message(self.tr("{n} image(s) moved to {name}; the wrong ones are "
                                             "withdrawn.").format(n=len(result.moved),
                                                                  name=person_name(
                                                                      order.PatientName)), "ok")
            self.search()

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("The images were not moved: {reason}").format(
                reason=exc), "alarm")
            self._selected()

        self.console.tasks.run(lambda: move_to_order(config, db, exam.study_id, order.id,
                                                     operator=operator), done, failed)

    def _open(self) -> None:
        exam = self.selected()
        if exam is not None:
            (self.resume if exam.state == "open" else self.reopen).emit(exam.study_id)

    def _resend(self) -> None:
        exam = self.selected()
        if exam is None:
            return
        config, db = self.console.config, self.console.db
        self.resend_button.setEnabled(False)  # once per click, not once per impatient click

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("Re-send failed: {reason}").format(reason=exc),
                                     "alarm")
            self._selected()

        def done(jobs: list[int]) -> None:
            self.banner.show_message(self.tr("{n} send job(s) queued; the status below "
                                             "follows them.").format(n=len(jobs)), "ok")
            self._selected()

        self.console.tasks.run(lambda: resend(config, db, exam.study_id), done, failed)

    def _priors(self) -> None:
        exam = self.selected()
        if exam is None:
            return
        config = self.console.config

        def show(answer) -> None:
            self._selected()
            self.priors = answer.priors
            fill(self.priors_table, [
                (_date(p.study.StudyDate), "/".join(p.study.ModalitiesInStudy), p.study.StudyDescription,
                 p.study.AccessionNumber, p.study.NumberOfStudyRelatedSeries,
                 p.study.NumberOfStudyRelatedInstances, p.node) for p in answer.priors])
            if answer.errors:
                self.banner.show_message(self.tr("Priors could not be asked of {nodes}").format(
                    nodes="; ".join(answer.errors)), "warning")
            else:
                self.banner.show_message(self.tr("{n} earlier stud(ies) of this patient at the "
                                                 "PACS.").format(n=len(answer.priors)), "info")

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("Priors could not be asked: {reason}").format(
                reason=exc), "warning" if isinstance(exc, ValueError) else "alarm")
            self._selected()

        self.priors_button.setEnabled(False)
        self.banner.show_message(self.tr("Asking the PACS for this patient's studies…"), "info")
        self.console.tasks.run(lambda: find_priors(config, exam.PatientID,
                                                   exclude_study=exam.StudyInstanceUID,
                                                   db=self.console.db),
                               show, failed)


    def _chosen_prior(self):
        rows = self.priors_table.selectionModel().selectedRows()
        return self.priors[rows[0].row()] if rows and rows[0].row() < len(self.priors) else None

    def _retrieve(self) -> None:
        exam, prior = self.selected(), self._chosen_prior()
        if exam is None or prior is None:
            return
        config, inbox = self.console.config, self.console.services.retrieves

        def done(outcome) -> None:
            self.retrieve_button.setEnabled(True)
            if outcome.partial:
                self.banner.show_message(self.tr("Prior retrieved in part: {what}").format(
                    what=outcome.partial), "warning")
            else:
                self.banner.show_message(self.tr("{n} image(s) of the prior retrieved; Prior (P) "
                                                 "shows them beside the image.").format(
                    n=len(outcome.files)), "ok")

        def failed(exc: Exception) -> None:
            self.retrieve_button.setEnabled(True)
            self.banner.show_message(self.tr("The prior could not be retrieved: {reason}")
                                     .format(reason=exc), "alarm")

        self.retrieve_button.setEnabled(False)
        self.banner.show_message(self.tr("Retrieving the prior from {node}…").format(
            node=prior.node), "info")
        self.console.tasks.run(lambda: retrieve_prior(
            config, prior.node, prior.study.StudyInstanceUID, PatientID=exam.PatientID,
            inbox=inbox), done, failed)


def _date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) >= 8 else value


def _time(value: str) -> str:
    return f"{value[:2]}:{value[2:4]}" if len(value) >= 4 else value

"""Exam history: local exams searched, their per-image status, reopen, re-send, priors."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner, fill, person_name, table
from vxacq.workflow.history import ExamSummary, image_status, resend, search_exams


class HistoryPage(QWidget):
    """``reopen(study_id)``: add images to a closed exam; ``resume(study_id)``: an open one."""

    reopen = Signal(int)
    resume = Signal(int)

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.exams: list[ExamSummary] = []
        self.banner = Banner()
        self.text = QLineEdit(placeholderText="Name, patient ID or accession")
        self.date_from = QLineEdit(placeholderText="from YYYYMMDD")
        self.date_to = QLineEdit(placeholderText="to YYYYMMDD")
        search = QPushButton("Search")
        for edit in (self.text, self.date_from, self.date_to):
            edit.returnPressed.connect(self.search)
        search.clicked.connect(self.search)
        self.table = table(["Date", "Patient", "Patient ID", "Accession", "Description",
                            "Accepted", "State"])
        self.table.itemSelectionChanged.connect(self._selected)
        self.open_button = QPushButton("Continue / add images")
        self.open_button.clicked.connect(self._open)
        self.resend_button = QPushButton("Re-send")
        self.resend_button.clicked.connect(self._resend)
        self.priors_button = QPushButton("Priors from PACS")
        self.priors_button.clicked.connect(self._priors)
        self.status_table = table(["Instance", "State", "Sent", "Committed"])
        self.priors_table = table(["Date", "Modalities", "Description", "Accession", "Series",
                                   "Images", "From"])

        tools = QHBoxLayout()
        tools.addWidget(self.text, stretch=1)
        tools.addWidget(self.date_from)
        tools.addWidget(self.date_to)
        tools.addWidget(search)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.resend_button)
        actions.addWidget(self.priors_button)
        actions.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.addWidget(QLabel("Images of the selected exam"))
        lower_layout.addWidget(self.status_table)
        lower_layout.addWidget(QLabel("The patient's studies at the PACS"))
        lower_layout.addWidget(self.priors_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(tools)
        layout.addLayout(actions)
        layout.addWidget(splitter, stretch=1)
        self._selected()

    def search(self) -> None:
        self.exams = search_exams(self.console.db, self.text.text().strip(),
                                  self.date_from.text().strip(), self.date_to.text().strip())
        fill(self.table, [(f"{e.StudyDate[:4]}-{e.StudyDate[4:6]}-{e.StudyDate[6:]}",
                           person_name(e.PatientName), e.PatientID, e.AccessionNumber,
                           e.StudyDescription, e.images, e.state) for e in self.exams])
        self._selected()

    def selected(self) -> ExamSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.exams[rows[0].row()] if rows else None

    def _selected(self) -> None:
        exam = self.selected()
        for button in (self.open_button, self.resend_button, self.priors_button):
            button.setEnabled(exam is not None)
        if exam is None:
            fill(self.status_table, [])
            return
        self.open_button.setText("Continue exam" if exam.state == "open" else "Add images")
        db = self.console.db
        self.console.tasks.run(lambda: image_status(db, exam.study_id),
                               lambda statuses: self._show_status(exam.study_id, statuses))

    def _show_status(self, study_id: int, statuses) -> None:
        chosen = self.selected()
        if chosen is None or chosen.study_id != study_id:
            return  # an answer for a row no longer selected
        fill(self.status_table, [
            (s.SOPInstanceUID, s.state,
             ", ".join(f"{n}: {w}" for n, w in s.sent.items()) or "—",
             ", ".join(f"{n}: {w}" for n, w in s.committed.items()) or "—") for s in statuses])

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
            self.banner.show_message(f"Re-send failed: {exc}", "alarm")
            self._selected()

        self.console.tasks.run(
            lambda: resend(config, db, exam.study_id),
            lambda jobs: (self.banner.show_message(
                f"{len(jobs)} send job(s) queued; the status below follows them.", "ok"),
                self._selected()), failed)

    def _priors(self) -> None:
        exam = self.selected()
        if exam is None:
            return
        nodes = self.console.config.nodes_with("query")
        if not nodes:
            self.banner.show_message("No node with the query service is configured "
                                     "(Service → Nodes).", "warning")
            return
        from vxacq.dicom.query import StudyQuery
        from vxacq.net.association import DicomNetworkError
        from vxacq.net.query import find_studies

        config = self.console.config

        def ask():
            rows, errors = [], []
            for node in nodes:
                try:
                    for s in find_studies(config, node, StudyQuery(PatientID=exam.PatientID)):
                        rows.append((s.StudyDate, s.ModalitiesInStudy, s.StudyDescription,
                                     s.AccessionNumber, s.NumberOfStudyRelatedSeries,
                                     s.NumberOfStudyRelatedInstances, node.name))
                except DicomNetworkError as exc:  # one node down must not hide the others
                    errors.append(f"{node.name}: {exc}")
            return sorted(rows, reverse=True), errors

        def show(result) -> None:
            self._selected()
            rows, errors = result
            fill(self.priors_table, rows)
            if errors:
                self.banner.show_message("Priors could not be asked of " + "; ".join(errors),
                                         "warning")
            else:
                self.banner.show_message(f"{len(rows)} stud(ies) of this patient at the PACS.",
                                         "info")

        self.priors_button.setEnabled(False)
        self.banner.show_message("Asking the PACS for this patient's studies…", "info")
        self.console.tasks.run(ask, show, lambda exc: (self.banner.show_message(
            f"Priors could not be asked: {exc}", "alarm"), self._selected()))

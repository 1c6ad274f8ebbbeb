"""Where each image of the exam went: state, sent and committed per archive, kept current.

Read from the database on the workers when a job of the study changes, and every few
seconds while anything is still queued, being sent or waiting for its commitment.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vxacq.ui.context import Console
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.widgets import fill, table
from vxacq.ui.words import word
from vxacq.workflow.exam import Exam
from vxacq.workflow.history import ImageStatus, image_status

STATUS_POLL_MS = 3000
RDSR_CLASS_PREFIX = "1.2.840.10008.5.1.4.1.1.88"  # the SR storage classes: the dose report


class ImageStatusTable(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.exam: Exam | None = None
        self.status_table = table([self.tr("Image"), self.tr("State"), self.tr("Sent"),
                                   self.tr("Committed")])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Sent and committed")))
        layout.addWidget(self.status_table, stretch=1)
        console.services.outbox.subscribe(on_gui_thread(self._job_changed))
        self._timer = QTimer(self, interval=STATUS_POLL_MS, timeout=self.refresh)
        self._reader = Refresher(console.tasks, self._read, self._show, parent=self)

    def show_exam(self, exam: Exam | None) -> None:
        self.exam = exam
        self.refresh()

    def refresh(self) -> None:
        if self.exam is not None:
            self._reader.request()

    def _read(self) -> tuple[list[ImageStatus], dict[str, str]]:
        exam = self.exam
        if exam is None:
            return [], {}
        names = {v.SOPInstanceUID: f"{v.SeriesNumber}.{v.InstanceNumber} {v.protocol_id}"
                 for v in exam.images()}
        return image_status(self.console.db, exam.study_id), names

    def _show(self, result: tuple[list[ImageStatus], dict[str, str]]) -> None:
        statuses, names = result
        rows, colours = [], []
        for status in statuses:
            name = names.get(status.SOPInstanceUID, self.tr("Dose report")
                             if status.SOPClassUID.startswith(RDSR_CLASS_PREFIX)
                             else status.SOPInstanceUID)
            sent = ", ".join(f"{n}: {word(w)}" for n, w in status.sent.items()) or "—"
            committed = ", ".join(f"{n}: {word(w)}" for n, w in status.committed.items()) or "—"
            # "to review", as its thumbnail and the history say
            state = self.tr("to review") if status.state == "acquired" else word(status.state)
            if status.partial:  # the generator stopped early: said on the image's row too
                state = self.tr("{state}, PARTIAL EXPOSURE").format(state=state)
            rows.append((name, state, sent, committed))
            words = " ".join([*status.sent.values(), *status.committed.values()])
            colours.append("alarm" if "failed" in words else "ok"
                           if status.committed and all(w == "committed"
                                                        for w in status.committed.values())
                           else None)
        fill(self.status_table, rows, colours)
        pending = any(w in ("queued", "sending", "pending")
                      for s in statuses for w in [*s.sent.values(), *s.committed.values()])
        if pending and not self._timer.isActive():
            self._timer.start()
        elif not pending:
            self._timer.stop()

    def _job_changed(self, job) -> None:
        if self.exam is not None and job.study_id == self.exam.study_id:
            self.refresh()

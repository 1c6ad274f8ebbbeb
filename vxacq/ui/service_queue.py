"""Service → Queue: the outbox's jobs, failed ones first and shown by default; Retry and
Cancel say what they actually did. The status bar's queue label opens it on failed jobs."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vxacq.ui.context import Console
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.widgets import Banner, fill, table
from vxacq.workflow.station import (
    QUEUE_PAGE, JobError, JobRow, cancel_job, list_jobs, retry_job,
)


class QueueTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.rows: list[JobRow] = []
        self.view = QComboBox()
        self.view.addItem(self.tr("Failed and waiting (failed first)"), "attention")
        self.view.addItem(self.tr("Failed only"), "failed")
        self.view.addItem(self.tr("All, including finished"), "all")
        self.view.currentIndexChanged.connect(self.reload)
        self.retry_button = QPushButton(self.tr("Retry now"))
        self.retry_button.clicked.connect(self.retry)
        self.cancel_button = QPushButton(self.tr("Cancel job"))
        self.cancel_button.clicked.connect(self.cancel)
        self.table = table([self.tr("Job"), self.tr("Kind"), self.tr("Node"), self.tr("State"),
                            self.tr("Attempts"), self.tr("Study"), self.tr("Progress"),
                            self.tr("Last error")])
        self.table.itemSelectionChanged.connect(self._selection)
        self.more = QLabel(self.tr("Only the first {n} jobs are listed; older finished jobs are "
                                   "left out (`vxacq queue --limit` lists more).").format(
                                       n=QUEUE_PAGE))
        self.more.setVisible(False)
        self.states = {"queued": self.tr("queued"), "running": self.tr("sending"),
                       "done": self.tr("done"), "failed": self.tr("failed"),
                       "cancelled": self.tr("cancelled")}
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Show")))
        for widget in (self.view, self.retry_button, self.cancel_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.more)
        self._reader = Refresher(console.tasks, self._read, self._show, parent=self,
                                 inputs=lambda: (self.view.currentData(),))
        console.services.outbox.subscribe(on_gui_thread(lambda job: self._changed()))
        # jobs changed by `vxacq serve` are seen by polling
        self._timer = QTimer(self, interval=3000, timeout=self._changed)
        self._timer.start()
        self.reload()

    def show_view(self, view: str) -> None:
        self.view.setCurrentIndex(self.view.findData(view))
        self.reload()

    def _changed(self) -> None:
        if self.isVisible():
            self._reader.request()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        self._reader.now()

    def _read(self, view: str) -> list[JobRow]:
        return list_jobs(self.console.config, self.console.db, view)

    def _show(self, rows: list[JobRow]) -> None:
        selected = self.selected()
        self.rows = rows
        self.more.setVisible(len(rows) >= QUEUE_PAGE)
        fill(self.table, [(r.job.id, str(r.job.kind),
                           r.job.node if r.node_known else self.tr("{node} (removed)").format(
                               node=r.job.node),
                           self.states.get(str(r.job.state), str(r.job.state)), r.job.attempts,
                           r.job.study_id or "", r.job.progress, r.error) for r in rows],
             ["alarm" if str(r.job.state) == "failed" or not r.node_known else None
              for r in rows])
        if selected is not None:
            for index, row in enumerate(rows):
                if row.job.id == selected.job.id:
                    self.table.selectRow(index)
        self._selection()

    def selected(self) -> JobRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def select_job(self, job_id: int) -> bool:
        for index, row in enumerate(self.rows):
            if row.job.id == job_id:
                self.table.selectRow(index)
                return True
        return False

    def _selection(self) -> None:
        row = self.selected()
        self.retry_button.setEnabled(row is not None and str(row.job.state) != "running")
        self.cancel_button.setEnabled(row is not None and str(row.job.state)
                                      in ("queued", "running", "failed"))

    def retry(self) -> None:
        row = self.selected()
        if row is not None:
            config, db, user = self.console.config, self.console.db, self.console.operator
            self._act(lambda: retry_job(config, db, row.job.id, user=user))

    def cancel(self) -> None:
        row = self.selected()
        if row is not None:
            db, user = self.console.db, self.console.operator
            self._act(lambda: cancel_job(db, row.job.id, user=user))

    def _act(self, action) -> None:
        def failed(exc: Exception) -> None:
            self.banner.show_message(str(exc), "alarm" if isinstance(exc, JobError)
                                     else "warning")
            self.reload()

        def done(outcome) -> None:
            self.banner.show_message(outcome.message, "ok")
            self.reload()

        self.console.tasks.run(action, done, failed)

"""The main window: Worklist, Exam, History and Service pages; the station's state below.

The status bar shows what the radiographer must not miss: the room (ready or why not), the
send queue (queued and failed jobs) and the listener.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QFrame, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QMessageBox, QPushButton,
    QScrollArea, QTabWidget, QWidget,
)

from vxacq import __version__
from vxacq.ui.context import Console
from vxacq.ui.exam_page import ExamPage
from vxacq.ui.history_page import HistoryPage
from vxacq.ui import theme
from vxacq.ui.service_page import ServicePage
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.widgets import set_style
from vxacq.ui.worklist_page import WorklistPage
from vxacq.workflow.exam import Exam
from vxacq.workflow.console import QueueSummary, RoomStatus, operator_name_problem, queue_summary


MINIMUM_SIZE = QSize(1260, 720)  # a 1280×768 console screen less the window frame


class MainWindow(QMainWindow):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        config = console.config
        theme.apply(QApplication.instance(), config.station.theme)
        self.setWindowTitle(self.tr("VXacq {version} — {station_name}")
                            .format(version=__version__, station_name=config.station.station_name))
        self.worklist = WorklistPage(console)
        self.exam = ExamPage(console)
        self.history = HistoryPage(console)
        self.service = ServicePage(console)
        self.pages = QTabWidget()
        # the service pages are long forms: they scroll rather than widen the window
        self.service_scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.service_scroll.setWidget(self.service)
        for number, (page, name) in enumerate(((self.worklist, self.tr("Worklist")),
                                               (self.exam, self.tr("Exam")),
                                               (self.history, self.tr("History")),
                                               (self.service_scroll, self.tr("Service"))),
                                              start=1):
            key = QKeySequence(f"Ctrl+{number}")
            self.pages.addTab(page, name)
            self.pages.setTabToolTip(number - 1,
                                     key.toString(QKeySequence.SequenceFormat.NativeText))
            QShortcut(key, self, activated=lambda p=page: self.pages.setCurrentWidget(p))
        self.setCentralWidget(self.pages)

        self.worklist.start_exam.connect(self.start_exam)
        self.worklist.start_emergency.connect(
            lambda order_id, protocols: self._open(partial(Exam.start, protocols=protocols),
                                                   order_id))
        self.history.reopen.connect(lambda study: self._open(Exam.reopen, study))
        self.history.resume.connect(lambda study: self._open(Exam.resume, study))
        self.exam.exam_closed.connect(lambda _: self.worklist.reload())
        self.pages.currentChanged.connect(self._page_changed)

        # Operators' Name of the images and MPPS: who is at the console (it has no login)
        self.operator_edit = QLineEdit(placeholderText=self.tr("Family^Given"))
        self.operator_edit.setMaximumWidth(220)
        self.operator_edit.editingFinished.connect(self._operator_changed)
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 4, 0)
        corner_layout.addWidget(QLabel(self.tr("Radiographer:")))
        corner_layout.addWidget(self.operator_edit)
        self.pages.setCornerWidget(corner)

        self.room_label = QLabel()
        # the queue's state is a button: it opens the queue, on the failed jobs if any
        self.queue_label = QPushButton(flat=True)
        self.queue_label.clicked.connect(self.show_queue)
        self.listener_label = QLabel()
        for label in (self.room_label, self.queue_label, self.listener_label):
            self.statusBar().addPermanentWidget(label)
        console.room.subscribe(on_gui_thread(self._room_changed))
        self._room_changed(console.room.status)
        self._failed = 0
        self._queue_reader = Refresher(console.tasks, self._read_queue, self._show_queue,
                                       parent=self)
        self._timer = QTimer(self, interval=2000, timeout=self.refresh_status)
        self._timer.start()
        self.refresh_status()
        # never smaller than what the pages need (every text whole, nothing on top of another)
        self.setMinimumSize(self.minimumSizeHint().expandedTo(MINIMUM_SIZE))
        self.resize(MINIMUM_SIZE.expandedTo(self.minimumSize()))
        # the worklist is asked once the window is up, not before it shows
        QTimer.singleShot(0, self.worklist.refresh)

    def show_page(self, page: QWidget) -> None:
        """Bring ``page`` (worklist, exam, history or service) to the front."""
        self.pages.setCurrentWidget(self.service_scroll if page is self.service else page)

    def _operator_changed(self) -> None:
        name = self.operator_edit.text().strip()
        charset = self.console.config.station.character_set
        if operator_name_problem(name, charset):
            self.statusBar().showMessage(
                self.tr("Radiographer '{name}' cannot be written as a DICOM name in {charset} "
                        "(Family^Given, at most 64 characters): not used")
                .format(name=name, charset=charset), 10000)
            self.operator_edit.setText(self.console.operator)
            return
        self.console.operator = name
        self.statusBar().showMessage(self.tr("Exams started from now on record {name} as the "
                                             "operator")
                                     .format(name=name or self.tr("no one")), 5000)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # a sequence waiting in prep is let go: closing must never expose anyone
        self.exam.release()
        super().closeEvent(event)

    def start_exam(self, order_id: int) -> None:
        self._open(Exam.start, order_id)

    def _open(self, how, key: int) -> None:
        if self.exam.exposing or self.exam.busy:
            # the hand switch and the images belong to the exam on screen until it is done
            self.pages.setCurrentWidget(self.exam)
            self.exam.messages.show(self.tr("An exposure or an exam step is still running: "
                                            "wait for it to end before opening another exam."),
                                    "warning")
            return
        question = self.exam.leaving_question()
        if question and not self._suspend_asked(question):
            self.pages.setCurrentWidget(self.exam)  # stay: the exam on screen is kept
            return
        console = self.console
        self.statusBar().showMessage(self.tr("Opening the exam…"), 3000)
        console.tasks.run(lambda: how(console.config, console.db, key, operator=console.operator),
                          self._opened,
                          lambda exc: self.statusBar().showMessage(self.tr("Cannot open: {exc}")
                                                                   .format(exc=exc), 10000))

    def _suspend_asked(self, question: str) -> bool:
        """Another patient is never opened silently over an unfinished exam: suspend it (it
        stays open, to be resumed from the worklist) or stay."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Leave this exam?"),
                          self.tr("{question}\nSuspend it and open the other exam, or stay?")
                          .format(question=question), parent=self)
        suspend = box.addButton(self.tr("Suspend and open"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Stay"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is suspend

    def _opened(self, exam: Exam) -> None:
        self.exam.open_exam(exam)
        self.pages.setCurrentWidget(self.exam)
        self.worklist.reload()

    def _page_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.history:
            self.history.search()

    def _room_changed(self, status: RoomStatus) -> None:
        text = self.tr("Room ready") if status.ready else \
            self.tr("Room: {problem}").format(
                problem=status.problem or f"{status.generator} / {status.detector}")
        self.room_label.setText(text)
        set_style(self.room_label, "" if status.ready else "color: #c62828;")

    def refresh_status(self) -> None:
        # the listener's state is in memory; the queue is read from the database on the pool
        status = self.console.services.listener.status.describe()
        self.listener_label.setText(self.tr("Listener: {status}").format(status=status))
        self._queue_reader.request()

    def _read_queue(self) -> QueueSummary:
        return queue_summary(self.console.db)

    def show_queue(self) -> None:
        self.show_page(self.service)
        self.service.show_queue(failed_only=self._failed > 0)

    def _show_queue(self, summary: QueueSummary) -> None:
        waiting, failed = summary.waiting, summary.failed
        self._failed = failed
        text = (self.tr("Queue: {waiting} to send, {failed} failed (Service → Queue)") if failed
                else self.tr("Queue: {waiting} to send"))
        self.queue_label.setText(text.format(waiting=waiting, failed=failed))
        set_style(self.queue_label, "color: #c62828;" if failed else "")

"""The main window: Worklist, Exam, History and Service pages; the station's state below.

The status bar shows what the radiographer must not miss: the room (ready or why not), the
send queue (queued and failed jobs) and the listener.

On a station with accounts the lock screen (vxacq.ui.login) asks who is working at start,
after ``[security] lock_minutes`` without input and after a logout; the logged-in user's
display name is the Operators' Name of the exams started. Its Emergency button starts a trauma
exam without a login (break glass): only the Exam page is open then, and when that exam is
closed the console asks for a login before anything else. Without accounts the window works as
before them: the operator's name is typed in the corner.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QFrame, QHBoxLayout, QLabel, QLineEdit, QMainWindow, QMessageBox, QPushButton,
    QScrollArea, QStackedWidget, QTabWidget, QWidget,
)

from vxacq import __version__
from vxacq.security.accounts import logout, record_break_glass
from vxacq.security.roles import How, Identity, Role, RoleError, break_glass, require_role
from vxacq.ui.context import Console
from vxacq.ui.login import InactivityLock, LockScreen
from vxacq.ui.widgets import person_name
from vxacq.ui.exam_page import ExamPage
from vxacq.ui.history_page import HistoryPage
from vxacq.ui import theme
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.widgets import ElidedLabel, set_style
from vxacq.ui.worklist_page import WorklistPage
from vxacq.workflow.exam import Exam
from vxacq.workflow.console import QueueSummary, RoomStatus, operator_name_problem, queue_summary

if TYPE_CHECKING:
    from vxacq.ui.service_page import ServicePage


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
        self.pages = QTabWidget()
        # the service pages are long forms: they scroll rather than widen the window. They
        # are built when first opened (see `service`), not before the window shows.
        self.service_scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self._service: ServicePage | None = None
        for number, (page, name) in enumerate(((self.worklist, self.tr("Worklist")),
                                               (self.exam, self.tr("Exam")),
                                               (self.history, self.tr("History")),
                                               (self.service_scroll, self.tr("Service"))),
                                              start=1):
            key = QKeySequence(f"Ctrl+{number}")
            self.pages.addTab(page, name)
            self.pages.setTabToolTip(number - 1,
                                     key.toString(QKeySequence.SequenceFormat.NativeText))
            QShortcut(key, self, activated=lambda p=page: self._go_to(p))
        self.lock_screen = LockScreen(console)
        self.lock_screen.logged_in.connect(self._logged_in)
        self.lock_screen.break_glass.connect(self._break_glass)
        self.screens = QStackedWidget()
        self.screens.addWidget(self.pages)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)
        self._break_glass_pending: Identity | None = None

        self.worklist.start_exam.connect(self.start_exam)
        self.worklist.start_emergency.connect(
            lambda order_id, protocols: self._open(partial(Exam.start, protocols=protocols),
                                                   order_id))
        self.history.reopen.connect(lambda study: self._open(Exam.reopen, study))
        self.history.resume.connect(lambda study: self._open(Exam.resume, study))
        self.exam.exam_closed.connect(self._exam_closed)
        self.pages.currentChanged.connect(self._page_changed)

        # Operators' Name of the images and MPPS: who is logged in, or (no accounts) typed here
        self.operator_edit = QLineEdit(placeholderText=self.tr("Family^Given"))
        self.operator_edit.setMaximumWidth(220)
        self.operator_edit.editingFinished.connect(self._operator_changed)
        self.user_label = QLabel()
        self.lock_button = QPushButton(self.tr("Lock"))
        self.lock_button.setToolTip(self.tr("Hide the screen until a login; exams and sending go on"))
        self.lock_button.clicked.connect(lambda: self.lock())
        self.logout_button = QPushButton(self.tr("Log out"))
        self.logout_button.clicked.connect(self.log_out)
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 4, 0)
        self.operator_caption = QLabel(self.tr("Radiographer:"))
        for widget in (self.operator_caption, self.operator_edit, self.user_label,
                       self.lock_button, self.logout_button):
            corner_layout.addWidget(widget)
        self.pages.setCornerWidget(corner)
        self.inactivity = InactivityLock(QApplication.instance(),
                                         config.security.lock_minutes, self._inactive, self)

        # the room's and the listener's states give up width to the status bar's message
        self.room_label = ElidedLabel(share=0.2)
        # the queue's state is a button: it opens the queue, on the failed jobs if any
        self.queue_label = QPushButton(flat=True)
        self.queue_label.clicked.connect(self.show_queue)
        self.listener_label = ElidedLabel(share=0.25)
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
        self._show_identity()
        if console.identity is None:
            self.lock()

    @property
    def service(self) -> ServicePage:
        """The Service page, built on first use (:meth:`_build_service`)."""
        return self._build_service()

    def _build_service(self) -> ServicePage:
        """The Service page, built when first opened or asked for: its eight tabs took a tenth
        of a second of the window's start-up, for a page a radiographer seldom opens."""
        if self._service is None:
            from vxacq.ui.service_page import ServicePage

            self._service = ServicePage(self.console)
            self._service.accounts_changed.connect(self._accounts_changed)
            self.service_scroll.setWidget(self._service)
        return self._service

    def show_page(self, page: QWidget) -> None:
        """Bring ``page`` (worklist, exam, history or service) to the front."""
        self._go_to(self.service_scroll if page is self._service else page)

    def _go_to(self, page: QWidget) -> None:
        # a greyed-out page (break glass: all but the Exam) is not reached by a shortcut either
        if self.pages.isTabEnabled(self.pages.indexOf(page)):
            self.pages.setCurrentWidget(page)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        for label in (self.room_label, self.listener_label):  # their share follows the width
            label.updateGeometry()

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

    # --- who is working ----------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.screens.currentWidget() is self.lock_screen

    def lock(self, message: str = "", *, keep_user: bool = True) -> None:
        """Cover the screen until a login (nothing running stops). No-op without accounts."""
        if not self.console.accounts:
            return
        identity = self.console.identity
        user = identity.user if identity and keep_user else ""
        if not message and identity and identity.how != How.BREAK_GLASS:
            message = self.tr("Locked: {name} or another user logs in to go on.").format(
                name=person_name(identity.display_name) or identity.user)
        self.lock_screen.prepare(message, user)
        self.screens.setCurrentWidget(self.lock_screen)
        self.inactivity.stop()

    def log_out(self) -> None:
        identity = self.console.identity
        if identity is None or not self.console.accounts:
            return
        self.console.identity, self.console.operator = None, ""
        self.console.tasks.run(lambda: logout(self.console.db, identity), None,
                               lambda exc: self.statusBar().showMessage(str(exc), 10000))
        self._show_identity()
        self.lock(self.tr("Logged out."), keep_user=False)

    def _inactive(self) -> None:
        if self.exam.exposing:  # an exposure in progress: wait for its end, then lock
            self.inactivity.restart()
            return
        self.lock()

    def _logged_in(self, identity: Identity) -> None:
        previous = self.console.identity
        if previous and previous.how != How.NO_ACCOUNTS and previous.user != identity.user:
            self.console.tasks.run(lambda: logout(self.console.db, previous), None, None)
        self.console.identity = identity
        self.console.operator = identity.display_name
        self._show_identity()
        self.screens.setCurrentWidget(self.pages)
        self.inactivity.restart()
        if identity.has(Role.RADIOGRAPHER) or self.exam.exam is not None:
            return
        self.pages.setCurrentWidget(self.service_scroll)  # service work is on that page

    def _break_glass(self, typed: str) -> None:
        """A trauma exam now, without a login; only the Exam page is open until one."""
        typed = typed.strip()
        name = typed if typed and not operator_name_problem(
            typed, self.console.config.station.character_set) else ""
        identity = break_glass(name)
        self.console.identity = identity
        self.console.operator = identity.display_name
        self._break_glass_pending = identity
        self._show_identity()
        self.screens.setCurrentWidget(self.pages)
        self.worklist.start_trauma()

    def _exam_closed(self, _study_id: int) -> None:
        self.worklist.reload()
        identity = self.console.identity
        if identity is not None and identity.how == How.BREAK_GLASS:
            self.console.identity, self.console.operator = None, ""
            self._show_identity()
            self.lock(self.tr("The emergency exam is closed: log in to go on."),
                      keep_user=False)

    def _accounts_changed(self) -> None:
        """The first account was made in the window: from now on the console asks who works."""
        if self.console.accounts:
            return
        self.console.accounts = True
        self.console.identity, self.console.operator = None, ""
        self._show_identity()
        self.lock(self.tr("Accounts are set up: log in."), keep_user=False)

    def _show_identity(self) -> None:
        console = self.console
        identity = console.identity
        open_mode = not console.accounts
        self.operator_edit.setVisible(open_mode)
        self.operator_caption.setText(self.tr("Radiographer:") if open_mode else self.tr("User:"))
        self.lock_button.setVisible(not open_mode)
        self.logout_button.setVisible(not open_mode and identity is not None
                                      and identity.how != How.BREAK_GLASS)
        if open_mode:
            self.user_label.setText(self.tr("(no accounts configured)"))
        elif identity is None:
            self.user_label.setText("")
        elif identity.how == How.BREAK_GLASS:
            self.user_label.setText(self.tr("EMERGENCY (no login): {name}").format(
                name=person_name(identity.display_name)))
            self.lock_button.setText(self.tr("Log in"))
        else:
            self.user_label.setText(person_name(identity.display_name) or identity.user)
        if identity is None or identity.how != How.BREAK_GLASS:
            self.lock_button.setText(self.tr("Lock"))
        # break glass: the emergency exam only, until someone logs in
        emergency = identity is not None and identity.how == How.BREAK_GLASS
        for index in range(self.pages.count()):
            self.pages.setTabEnabled(index, not emergency
                                     or self.pages.widget(index) is self.exam)
        if self._service is not None:  # one not built yet opens on its queue anyway
            self._service.identity_changed()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # a sequence waiting in prep is let go: closing must never expose anyone
        self.exam.release()
        super().closeEvent(event)

    def start_exam(self, order_id: int) -> None:
        self._open(Exam.start, order_id)

    def _open(self, how, key: int) -> None:
        try:
            require_role(self.console.identity, Role.RADIOGRAPHER, self.tr("Opening an exam"))
        except RoleError as exc:
            self.statusBar().showMessage(str(exc), 10000)
            return
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
        if (identity := self._break_glass_pending) is not None:
            # the break-glass event names the exam: that is its flag in the audit trail
            self._break_glass_pending = None
            study_id, db = exam.study_id, self.console.db
            self.console.tasks.run(lambda: record_break_glass(db, identity, study_id=study_id),
                                   None, lambda exc: self.statusBar().showMessage(
                                       self.tr("Break glass not recorded: {exc}")
                                       .format(exc=exc), 10000))
        self.exam.open_exam(exam)
        self.pages.setCurrentWidget(self.exam)
        self.worklist.reload()

    def _page_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.history:
            self.history.search()
        elif self.pages.currentWidget() is self.service_scroll:
            self._build_service()

    def _room_changed(self, status: RoomStatus) -> None:
        text = self.tr("Room ready") if status.ready else \
            self.tr("Room: {problem}").format(
                problem=status.problem or f"{status.generator} / {status.detector}")
        self.room_label.set_full_text(text)
        set_style(self.room_label, "" if status.ready else "color: #c62828;")

    def start_services(self) -> None:
        """The outbox and the listener, once the window shows (vxacq.ui.app)."""
        self.console.start_services()
        self.refresh_status()

    def refresh_status(self) -> None:
        # the listener's state is in memory; the queue is read from the database on the pool
        services = self.console.services
        if services.started:  # they start right after the window shows (vxacq.ui.app)
            status = services.listener.status.describe()
            self.listener_label.set_full_text(self.tr("Listener: {status}").format(
                status=status))
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

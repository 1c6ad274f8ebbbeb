"""The lock screen: who is working (name and password, or PIN), at start, after the inactivity
lock and after a logout; and the Emergency button that starts a trauma exam without a login
(break glass).

The lock screen replaces the pages on screen (no patient data shows behind it) but stops
nothing: an exposure running, images being processed or sent go on underneath.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from vxacq.security.accounts import AuthenticationError, authenticate
from vxacq.security.roles import Identity
from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner


class LockScreen(QWidget):
    """``logged_in(identity)`` after a good login; ``break_glass(name)`` for the emergency
    start (``name``: what was typed in the name field, maybe "")."""

    logged_in = Signal(object)
    break_glass = Signal(str)

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.busy = False
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.banner = Banner()
        self.user = QLineEdit(placeholderText=self.tr("user name"))
        self.secret = QLineEdit(placeholderText=self.tr("password or PIN"),
                                echoMode=QLineEdit.EchoMode.Password)
        for edit in (self.user, self.secret):
            edit.setMinimumHeight(40)
            edit.returnPressed.connect(self.submit)
        self.login_button = QPushButton(self.tr("Log in"), minimumHeight=48)
        self.login_button.clicked.connect(self.submit)
        self.emergency_button = QPushButton(self.tr("Emergency exam without login"),
                                            minimumHeight=56)
        self.emergency_button.setToolTip(self.tr(
            "Break glass: start a trauma exam at once; it is recorded as such, under the name "
            "typed above or as EMERGENCY^BREAK GLASS, and a login is asked for afterwards"))
        self.emergency_button.setStyleSheet(
            "QPushButton { background: #c62828; color: white; font-weight: bold; }")
        self.emergency_button.clicked.connect(lambda: self.break_glass.emit(self.user.text()))
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.user)
        form.addRow(self.tr("Password or PIN"), self.secret)
        box = QWidget()
        box.setMaximumWidth(440)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.banner)
        inner.addLayout(form)
        inner.addWidget(self.login_button)
        inner.addSpacing(24)
        inner.addWidget(self.emergency_button)
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()
        self.prepare("")

    def prepare(self, message: str, user: str = "", level: str = "info") -> None:
        """Clear the form for the next login; ``message`` says why it is asked."""
        self.title.setText(self.tr("VXacq: who is working?"))
        self.user.setText(user)
        self.secret.clear()
        if message:
            self.banner.show_message(message, level)
        else:
            self.banner.hide()
        (self.secret if user else self.user).setFocus()

    def submit(self) -> None:
        user, secret = self.user.text().strip(), self.secret.text()
        if self.busy or not user:
            return
        self.busy = True
        self.login_button.setEnabled(False)
        self.secret.clear()  # the typed secret does not stay in a widget
        console = self.console
        # the hash check (and a directory) take time: off the GUI thread
        console.tasks.run(lambda: authenticate(console.db, console.config, user, secret),
                          self._accepted, self._refused)

    def _accepted(self, identity: Identity) -> None:
        self.busy = False
        self.login_button.setEnabled(True)
        self.banner.hide()
        self.logged_in.emit(identity)

    def _refused(self, exc: Exception) -> None:
        self.busy = False
        self.login_button.setEnabled(True)
        text = str(exc) if isinstance(exc, AuthenticationError) else \
            self.tr("Login not possible: {reason}").format(reason=exc)
        self.banner.show_message(text, "alarm")
        self.secret.setFocus()


class InactivityLock(QObject):
    """Calls ``lock`` after ``minutes`` without a key, mouse or touch press in the
    application; 0 minutes: never."""

    _INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
              QEvent.Type.TouchBegin}

    def __init__(self, app: QObject, minutes: float, lock, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True, timeout=lock)
        self.timer.setInterval(max(1, round(minutes * 60_000)))
        self.enabled = minutes > 0
        app.installEventFilter(self)
        self.restart()

    def restart(self) -> None:
        if self.enabled:
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() in self._INPUT and self.timer.isActive():
            self.timer.start()
        return False

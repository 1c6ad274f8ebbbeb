"""Service → Accounts (administrator role): the station's local accounts, as
``vxacq user ...`` manages them. On a station without accounts the first one made here must be
an administrator; from then on the console asks who is working."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from vxacq.security.accounts import add_account, change_password, list_accounts, set_disabled
from vxacq.security.roles import Role
from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner, fill, table


class AccountsTab(QWidget):
    """``added`` after an account was made."""

    added = Signal()

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.table = table([self.tr("User"), self.tr("Display name"), self.tr("Roles"),
                            self.tr("State")])
        self.user = QLineEdit()
        self.display_name = QLineEdit(placeholderText=self.tr("Family^Given"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.pin = QLineEdit(echoMode=QLineEdit.EchoMode.Password,
                             placeholderText=self.tr("optional, 4+ digits"))
        self.role_boxes = {Role.RADIOGRAPHER: QCheckBox(self.tr("radiographer")),
                           Role.SERVICE: QCheckBox(self.tr("service")),
                           Role.ADMINISTRATOR: QCheckBox(self.tr("administrator"))}
        roles = QHBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.user)
        form.addRow(self.tr("Display name"), self.display_name)
        form.addRow(self.tr("Roles"), roles)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("PIN"), self.pin)
        self.add_button = QPushButton(self.tr("Add account"))
        self.add_button.clicked.connect(self.add)
        self.password_button = QPushButton(self.tr("Set password of selected"))
        self.password_button.clicked.connect(self.set_password)
        self.disable_button = QPushButton(self.tr("Disable selected"))
        self.disable_button.clicked.connect(lambda: self.set_disabled(True))
        self.enable_button = QPushButton(self.tr("Enable selected"))
        self.enable_button.clicked.connect(lambda: self.set_disabled(False))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.password_button, self.disable_button,
                       self.enable_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.accounts = []

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        self.console.tasks.run(lambda: list_accounts(self.console.db), self._show,
                               lambda exc: self.banner.show_message(str(exc), "alarm"))

    def _show(self, accounts) -> None:
        self.accounts = accounts
        fill(self.table, [(a.user, a.display_name, " ".join(a.roles),
                           self.tr("disabled") if a.disabled else
                           self.tr("locked") if a.locked_until else self.tr("enabled"))
                          for a in accounts])

    def selected(self) -> str:
        row = self.table.currentRow()
        return self.accounts[row].user if 0 <= row < len(self.accounts) else ""

    def _run(self, work, done_text: str, *, added: bool = False) -> None:
        self.password.clear()
        self.pin.clear()

        def done(_) -> None:
            self.banner.show_message(done_text, "ok")
            self.reload()
            if added:
                self.added.emit()

        def failed(exc: Exception) -> None:
            # AccountError, RoleError, ValueError say what to change; others what broke
            self.banner.show_message(str(exc), "alarm")

        self.console.tasks.run(work, done, failed)

    def add(self) -> None:
        console = self.console
        user, name = self.user.text().strip(), self.display_name.text().strip()
        password, pin = self.password.text(), self.pin.text()
        roles = frozenset(r for r, box in self.role_boxes.items() if box.isChecked())
        by = console.identity
        self._run(lambda: add_account(console.db, console.config, by, user, name, roles,
                                      password, pin=pin),
                  self.tr("Account {user} added.").format(user=user), added=True)

    def set_password(self) -> None:
        user, password, by = self.selected(), self.password.text(), self.console.identity
        if user:
            self._run(lambda: change_password(self.console.db, by, user, password),
                      self.tr("Password of {user} changed.").format(user=user))

    def set_disabled(self, disabled: bool) -> None:
        user, by = self.selected(), self.console.identity
        if user:
            self._run(lambda: set_disabled(self.console.db, by, user, disabled),
                      (self.tr("Account {user} disabled.") if disabled
                       else self.tr("Account {user} enabled.")).format(user=user))

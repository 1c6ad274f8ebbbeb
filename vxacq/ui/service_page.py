"""Service and QA: the send queue; for the service role (service engineer, medical physicist)
the station settings, the remote nodes with C-ECHO, the logs, detector calibration, the
simulator's fault injection, the dose reference levels and the quality figures (reject
analysis, exposure index, DAP); for the administrator role the accounts.

The queue is open to everyone (the status bar sends the radiographer there when a job
failed). The other tabs change how the station works: with accounts, entering one needs the
logged-in user to hold its role (vxacq.security.roles.require_role); on a station without
accounts entering them asks for a confirmation first, as before accounts, and leaving the
Service page locks them again.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QTabWidget, QVBoxLayout, QWidget

from vxacq.security.roles import Role, RoleError, require_role

from vxacq.ui.context import Console
from vxacq.ui.service_accounts import AccountsTab
from vxacq.ui.service_detector import DetectorTab
from vxacq.ui.service_dose import ReferenceLevelsTab
from vxacq.ui.service_logs import LogsTab
from vxacq.ui.service_nodes import NodesTab
from vxacq.ui.service_quality import QualityTab
from vxacq.ui.service_queue import QueueTab
from vxacq.ui.service_station import StationTab
from vxacq.ui.widgets import Banner


class ServicePage(QWidget):
    """``accounts_changed`` after an account was added on the Accounts tab."""

    accounts_changed = Signal()

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.unlocked = False
        self.queue = QueueTab(console)
        self.station = StationTab(console)
        self.nodes = NodesTab(console)
        self.logs = LogsTab(console)
        self.detector = DetectorTab(console)
        self.accounts = AccountsTab(console)
        self.accounts.added.connect(self.accounts_changed)
        self.refusal = Banner()
        self.levels = ReferenceLevelsTab(console)
        self.quality = QualityTab(console)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, self.tr("Queue"))
        self.tabs.addTab(self.station, self.tr("Station"))
        self.tabs.addTab(self.nodes, self.tr("Nodes"))
        self.tabs.addTab(self.logs, self.tr("Logs"))
        self.tabs.addTab(self.detector, self.tr("Detector and simulator"))
        self.tabs.addTab(self.levels, self.tr("Reference levels"))
        self.tabs.addTab(self.quality, self.tr("Quality"))
        self.tabs.addTab(self.accounts, self.tr("Accounts"))
        # the role each tab needs; the queue needs none
        self.protected = {self.station: Role.SERVICE, self.nodes: Role.SERVICE,
                          self.logs: Role.SERVICE, self.detector: Role.SERVICE,
                          self.levels: Role.SERVICE, self.quality: Role.SERVICE,
                          self.accounts: Role.ADMINISTRATOR}
        self.tabs.currentChanged.connect(self._entering)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.refusal)
        layout.addWidget(self.tabs)

    def show_queue(self, failed_only: bool) -> None:
        """Where the status bar's queue label points: the queue, only the failed jobs when
        there are any."""
        self.tabs.setCurrentWidget(self.queue)
        self.queue.show_view("failed" if failed_only else "attention")

    def _entering(self, _index: int) -> None:
        tab = self.tabs.currentWidget()
        self.refusal.hide()
        if tab not in self.protected:
            return
        if self.console.accounts:
            try:
                require_role(self.console.identity, self.protected[tab],
                             self.tr("The {tab} tab").format(
                                 tab=self.tabs.tabText(self.tabs.currentIndex())))
            except RoleError as exc:
                self.refusal.show_message(str(exc), "warning")
                self.tabs.setCurrentWidget(self.queue)
        elif not self.unlocked:
            if self.confirm():
                self.unlocked = True
            else:
                self.tabs.setCurrentWidget(self.queue)

    def identity_changed(self) -> None:
        """Another user (or none): a tab open for the last one is closed again."""
        if self.tabs.currentWidget() in self.protected:
            self.tabs.setCurrentWidget(self.queue)
        self.refusal.hide()

    def confirm(self) -> bool:
        """Ask before the service tabs open on a station without accounts."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Service pages"),
                          self.tr("The service pages change how this station works: its "
                                  "settings, the DICOM nodes, the detector calibration and "
                                  "the simulator's faults. Continue only if you are service "
                                  "staff or were asked to by them."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Open the service pages"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # leaving the Service page locks its service tabs again
        super().hideEvent(event)
        self.unlocked = False
        self.tabs.setCurrentWidget(self.queue)

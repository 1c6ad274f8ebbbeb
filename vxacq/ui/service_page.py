"""Service and QA: the send queue, and behind a confirmation the station settings, the remote
nodes with C-ECHO, the logs, detector calibration and the simulator's fault injection,
and the dose reference levels.

The queue is open to everyone (the status bar sends the radiographer there when a job
failed); the other tabs change how the station works, so entering them asks first, until
accounts and a service role exist (issue 16). Leaving the Service page locks them again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QTabWidget, QVBoxLayout, QWidget

from vxacq.ui.context import Console
from vxacq.ui.service_detector import DetectorTab
from vxacq.ui.service_dose import ReferenceLevelsTab
from vxacq.ui.service_logs import LogsTab
from vxacq.ui.service_nodes import NodesTab
from vxacq.ui.service_queue import QueueTab
from vxacq.ui.service_station import StationTab


class ServicePage(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.unlocked = False
        self.queue = QueueTab(console)
        self.station = StationTab(console)
        self.nodes = NodesTab(console)
        self.logs = LogsTab(console)
        self.detector = DetectorTab(console)
        self.levels = ReferenceLevelsTab(console)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, self.tr("Queue"))
        self.tabs.addTab(self.station, self.tr("Station"))
        self.tabs.addTab(self.nodes, self.tr("Nodes"))
        self.tabs.addTab(self.logs, self.tr("Logs"))
        self.tabs.addTab(self.detector, self.tr("Detector and simulator"))
        self.tabs.addTab(self.levels, self.tr("Reference levels"))
        self.protected = (self.station, self.nodes, self.logs, self.detector, self.levels)
        self.tabs.currentChanged.connect(self._entering)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_queue(self, failed_only: bool) -> None:
        """Where the status bar's queue label points: the queue, only the failed jobs when
        there are any."""
        self.tabs.setCurrentWidget(self.queue)
        self.queue.show_view("failed" if failed_only else "attention")

    def _entering(self, _index: int) -> None:
        if self.tabs.currentWidget() in self.protected and not self.unlocked:
            if self.confirm():
                self.unlocked = True
            else:
                self.tabs.setCurrentWidget(self.queue)

    def confirm(self) -> bool:
        """Ask before the service tabs open (a stand-in for the service role of issue 16)."""
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

"""The main window. For now: the station's configuration and the state of its listener."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QHeaderView, QLabel, QMainWindow, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from vxacq import __version__
from vxacq.config import Config
from vxacq.net.listener import Listener


class MainWindow(QMainWindow):
    def __init__(self, config: Config, listener: Listener) -> None:
        super().__init__()
        self.config = config
        self.listener = listener
        self.setWindowTitle(f"VXacq {__version__} — {config.station.station_name}")
        self.resize(1000, 640)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self._station_box())
        layout.addWidget(self._nodes_box(), stretch=1)
        self.setCentralWidget(central)

        self.listener_label = QLabel()
        self.statusBar().addPermanentWidget(self.listener_label)
        # The listener runs in its own thread; the window only reads its status.
        self._timer = QTimer(self, interval=1000, timeout=self.refresh_listener)
        self._timer.start()
        self.refresh_listener()

    def _station_box(self) -> QGroupBox:
        st = self.config.station
        box = QGroupBox("Station")
        form = QFormLayout(box)
        for label, value in (
            ("AE title", st.ae_title),
            ("Listen port", str(st.listen_port)),
            ("Station name", st.station_name),
            ("Institution", st.institution_name),
            ("Character set", st.character_set),
            ("Data directory", str(self.config.data_dir)),
            ("Configuration file", str(self.config.path)),
        ):
            form.addRow(label, QLabel(value))
        return box

    def _nodes_box(self) -> QGroupBox:
        box = QGroupBox("Remote nodes")
        table = QTableWidget(len(self.config.nodes), 5)
        table.setHorizontalHeaderLabels(["Name", "AE title", "Host", "Port", "Services"])
        for row, node in enumerate(self.config.nodes):
            for col, value in enumerate(
                (node.name, node.ae_title, node.host, str(node.port), ", ".join(node.services))
            ):
                table.setItem(row, col, QTableWidgetItem(value))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.nodes_table = table
        QVBoxLayout(box).addWidget(table)
        return box

    def refresh_listener(self) -> None:
        status = self.listener.status
        text = f"Listener: {status.describe()}"
        if status.echoes_answered:
            text += f" — {status.echoes_answered} C-ECHO answered"
        self.listener_label.setText(text)

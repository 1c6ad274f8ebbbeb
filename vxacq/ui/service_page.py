"""Service and QA: station settings, remote nodes with C-ECHO, the job queue, logs, detector
calibration and the simulator's fault injection.

Settings are checked by :func:`vxacq.config.validate`, the same rules as the configuration
file, and saved atomically; the message says which field is wrong.
"""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QTabWidget,
    QVBoxLayout, QWidget,
)

from vxacq import config as configuration
from vxacq.config import CHARACTER_SETS, SERVICES, TRANSFER_SYNTAXES, Config, NodeConfig
from vxacq.hal.faults import FAULTS, parse_fault
from vxacq.logs import APP_LOG, DICOM_LOG
from vxacq.ui.context import Console
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.ui.widgets import Banner, fill, ok_cancel, table

LOG_LINES = 400


class ServicePage(QTabWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.station = StationTab(console)
        self.nodes = NodesTab(console)
        self.queue = QueueTab(console)
        self.logs = LogsTab(console)
        self.detector = DetectorTab(console)
        self.addTab(self.station, "Station")
        self.addTab(self.nodes, "Nodes")
        self.addTab(self.queue, "Queue")
        self.addTab(self.logs, "Logs")
        self.addTab(self.detector, "Detector and simulator")


def _save(console: Console, changed: Config, banner: Banner) -> bool:
    """Validate and save ``changed``; on success it becomes the console's configuration."""
    try:
        configuration.save(changed, console.config.path)
    except (configuration.ConfigError, OSError) as exc:
        banner.show_message(f"Not saved: {exc}", "alarm")
        return False
    # the pages hold the same Config object: update it in place
    for name in ("station", "hardware", "imaging", "nodes", "path"):
        setattr(console.config, name, getattr(changed, name))
    return True


class StationTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        st = console.config.station
        self.ae_title = QLineEdit(st.ae_title)
        self.port = QSpinBox(minimum=1, maximum=65535, value=st.listen_port)
        self.station_name = QLineEdit(st.station_name)
        self.institution = QLineEdit(st.institution_name)
        self.address = QLineEdit(st.institution_address)
        self.department = QLineEdit(st.institutional_department_name)
        self.charset = QComboBox()
        self.charset.addItems(CHARACTER_SETS)
        self.charset.setCurrentText(st.character_set)
        self.any_caller = QCheckBox("Accept associations from any calling AE title")
        self.any_caller.setChecked(st.accept_any_calling_ae)
        self.log_phi = QCheckBox("Write patient names and IDs into the logs")
        self.log_phi.setChecked(st.log_patient_data)
        self.auto_route = QCheckBox("Send accepted images to the store nodes when the exam "
                                    "closes")
        self.auto_route.setChecked(st.auto_route)
        im = console.config.imaging
        self.di_warning = QDoubleSpinBox(minimum=0.1, maximum=10, value=im.di_warning)
        self.di_alarm = QDoubleSpinBox(minimum=0.1, maximum=20, value=im.di_alarm)
        form = QFormLayout()
        form.addRow("AE title", self.ae_title)
        form.addRow("Listen port", self.port)
        form.addRow("Station name", self.station_name)
        form.addRow("Institution", self.institution)
        form.addRow("Institution address", self.address)
        form.addRow("Department", self.department)
        form.addRow("Character set", self.charset)
        form.addRow("", self.any_caller)
        form.addRow("", self.log_phi)
        form.addRow("", self.auto_route)
        form.addRow("DI warning beyond ±", self.di_warning)
        form.addRow("DI alarm beyond ±", self.di_alarm)
        save = QPushButton("Save settings")
        save.clicked.connect(self.save)
        self.listener = QLabel()
        self.files = QLabel(f"Configuration: {console.config.path}\n"
                            f"Data: {console.config.data_dir}")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(save)
        layout.addWidget(self.listener)
        layout.addWidget(self.files)
        layout.addStretch(1)
        self._timer = QTimer(self, interval=2000, timeout=self.refresh_listener)
        self._timer.start()
        self.refresh_listener()

    def refresh_listener(self) -> None:
        status = self.console.services.listener.status
        text = f"Listener: {status.describe()}"
        if status.echoes_answered:
            text += f" — {status.echoes_answered} C-ECHO answered"
        self.listener.setText(text)

    def save(self) -> None:
        changed = copy.deepcopy(self.console.config)
        st = changed.station
        st.ae_title = self.ae_title.text().strip()
        st.listen_port = self.port.value()
        st.station_name = self.station_name.text().strip()
        st.institution_name = self.institution.text().strip()
        st.institution_address = self.address.text().strip()
        st.institutional_department_name = self.department.text().strip()
        st.character_set = self.charset.currentText()
        st.accept_any_calling_ae = self.any_caller.isChecked()
        st.log_patient_data = self.log_phi.isChecked()
        st.auto_route = self.auto_route.isChecked()
        changed.imaging.di_warning = self.di_warning.value()
        changed.imaging.di_alarm = self.di_alarm.value()
        restart = (st.ae_title, st.listen_port) != (self.console.config.station.ae_title,
                                                    self.console.config.station.listen_port)
        if _save(self.console, changed, self.banner):
            self.banner.show_message(
                "Saved." + (" The listener takes the new AE title and port when the console "
                            "and the service restart." if restart else ""), "ok")


class NodeDialog(QDialog):
    """Add or edit one remote node."""

    def __init__(self, node: NodeConfig | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit node" if node else "Add node")
        node = node or NodeConfig(name="", ae_title="", host="", port=104)
        self.name = QLineEdit(node.name)
        self.ae_title = QLineEdit(node.ae_title)
        self.host = QLineEdit(node.host)
        self.port = QSpinBox(minimum=1, maximum=65535, value=node.port)
        self.services = {s: QCheckBox(s) for s in SERVICES}
        for name, box in self.services.items():
            box.setChecked(name in node.services)
        self.syntax = QComboBox()
        self.syntax.addItems(TRANSFER_SYNTAXES)
        self.syntax.setCurrentText(node.transfer_syntax)
        self.fallback = QComboBox()
        self.fallback.addItems(CHARACTER_SETS)
        self.fallback.setCurrentText(node.fallback_character_set)
        self.node = node
        services = QHBoxLayout()
        for box in self.services.values():
            services.addWidget(box)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("AE title", self.ae_title)
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Services", services)
        form.addRow("Transfer syntax", self.syntax)
        form.addRow("Character set when it declares none", self.fallback)
        buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def result_node(self) -> NodeConfig:
        node = copy.deepcopy(self.node)
        node.name = self.name.text().strip()
        node.ae_title = self.ae_title.text().strip()
        node.host = self.host.text().strip()
        node.port = self.port.value()
        node.services = [s for s, box in self.services.items() if box.isChecked()]
        node.transfer_syntax = self.syntax.currentText()
        node.fallback_character_set = self.fallback.currentText()
        return node


class NodesTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.echo_results: dict[str, str] = {}
        self.table = table(["Name", "AE title", "Host", "Port", "Services", "C-ECHO"])
        self.table.itemSelectionChanged.connect(self._selection)
        self.echo_button = QPushButton("C-ECHO")
        self.echo_button.clicked.connect(lambda: self.echo(self.selected()))
        echo_all = QPushButton("C-ECHO all")
        echo_all.clicked.connect(self.echo_all)
        add = QPushButton("Add…")
        add.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        for button in (self.echo_button, echo_all, add, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        fill(self.table, [(n.name, n.ae_title, n.host, n.port, ", ".join(n.services),
                           self.echo_results.get(n.name, "")) for n in self.console.config.nodes],
             [("ok" if self.echo_results.get(n.name, "").startswith("OK") else "alarm"
               if n.name in self.echo_results else None) for n in self.console.config.nodes])
        self._selection()

    def selected(self) -> NodeConfig | None:
        rows = self.table.selectionModel().selectedRows()
        return self.console.config.nodes[rows[0].row()] if rows else None

    def _selection(self) -> None:
        chosen = self.selected() is not None
        for button in (self.echo_button, self.edit_button, self.remove_button):
            button.setEnabled(chosen)

    def echo(self, node: NodeConfig | None) -> None:
        if node is None:
            return
        from vxacq.net.echo import echo

        config = self.console.config
        self.echo_results[node.name] = "asking…"
        self.reload()

        def done(result) -> None:
            self.echo_results[node.name] = (f"OK in {result.round_trip_ms:.0f} ms" if result.ok
                                            else f"failed: {result.message}")
            self.reload()

        self.console.tasks.run(lambda: echo(config, node), done)

    def echo_all(self) -> None:
        for node in self.console.config.nodes:
            self.echo(node)

    def edit(self, node: NodeConfig | None) -> None:
        dialog = NodeDialog(node, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        changed = copy.deepcopy(self.console.config)
        new = dialog.result_node()
        if node is None:
            changed.nodes.append(new)
        else:
            index = [n.name for n in changed.nodes].index(node.name)
            changed.nodes[index] = new
        if _save(self.console, changed, self.banner):
            self.banner.show_message(f"Node {new.name} saved. Sending to a new node starts "
                                     "when the console and the service restart.", "ok")
            self.reload()

    def remove(self) -> None:
        node = self.selected()
        if node is None:
            return
        changed = copy.deepcopy(self.console.config)
        changed.nodes = [n for n in changed.nodes if n.name != node.name]
        if _save(self.console, changed, self.banner):
            self.banner.show_message(f"Node {node.name} removed. Jobs already queued for it "
                                     "stay in the queue until cancelled.", "ok")
            self.reload()


class QueueTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.jobs: list = []
        self.show_done = QCheckBox("Show finished jobs")
        self.show_done.toggled.connect(self.reload)
        self.retry_button = QPushButton("Retry now")
        self.retry_button.clicked.connect(lambda: self._act("retry"))
        self.cancel_button = QPushButton("Cancel job")
        self.cancel_button.clicked.connect(lambda: self._act("cancel"))
        self.table = table(["Job", "Kind", "Node", "State", "Attempts", "Study", "Progress",
                            "Last error"])
        self.table.itemSelectionChanged.connect(self._selection)
        buttons = QHBoxLayout()
        for widget in (self.show_done, self.retry_button, self.cancel_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self._reader = Refresher(console.tasks, self._read, self._show, parent=self)
        console.services.outbox.subscribe(on_gui_thread(lambda job: self._changed()))
        # jobs changed by `vxacq serve` are seen by polling
        self._timer = QTimer(self, interval=3000, timeout=self._changed)
        self._timer.start()
        self.reload()

    def _changed(self) -> None:
        if self.isVisible():
            self._reader.request()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        self._reader.now()

    def _read(self) -> list:
        from vxacq.net.outbox import list_jobs

        jobs = list_jobs(self.console.db)
        return jobs if self.show_done.isChecked() else [j for j in jobs if not j.finished]

    def _show(self, jobs: list) -> None:
        selected = self.selected()
        self.jobs = jobs
        fill(self.table, [(j.id, str(j.kind), j.node, str(j.state), j.attempts, j.study_id or "",
                           j.progress, j.last_error) for j in jobs],
             ["alarm" if str(j.state) == "failed" else None for j in jobs])
        if selected is not None:
            for row, job in enumerate(jobs):
                if job.id == selected.id:
                    self.table.selectRow(row)
        self._selection()

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.jobs[rows[0].row()] if rows and rows[0].row() < len(self.jobs) else None

    def _selection(self) -> None:
        job = self.selected()
        self.retry_button.setEnabled(job is not None and str(job.state) in ("failed", "queued"))
        self.cancel_button.setEnabled(job is not None and not job.finished)

    def _act(self, action: str) -> None:
        from vxacq.net import outbox

        job = self.selected()
        if job is None:
            return
        try:
            getattr(outbox, action)(self.console.db, job.id, user=self.console.operator)
        except (ValueError, outbox.JobError) as exc:
            self.banner.show_message(str(exc), "alarm")
            return
        self.banner.show_message(f"Job #{job.id}: {action} done.", "ok")
        self.reload()


class LogsTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.which = QComboBox()
        self.which.addItem("Application log", APP_LOG)
        self.which.addItem("DICOM associations", DICOM_LOG)
        self.which.currentIndexChanged.connect(self.reload)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.reload)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.where = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.which)
        row.addWidget(refresh)
        row.addWidget(self.where, stretch=1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text)
        self.reload()

    def reload(self) -> None:
        path = Path(self.console.config.data_dir) / "logs" / self.which.currentData()
        self.where.setText(str(path))
        self.console.tasks.run(lambda: _tail(path, LOG_LINES), self._show)

    def _show(self, text: str) -> None:
        self.text.setPlainText(text)
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())


def _tail(path: Path, lines: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 200 * lines))
            return "\n".join(fh.read().decode("utf-8", "replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log yet: {exc.strerror})"


class DetectorTab(QWidget):
    """Calibration of the detector, and QA's fault injection into the simulated room."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.calibration = QLabel()
        self.calibration.setWordWrap(True)
        self.calibrate_button = QPushButton("Take dark and flat-field frames and calibrate")
        self.calibrate_button.clicked.connect(self.calibrate)
        calibration_box = QGroupBox("Detector calibration")
        cal_layout = QVBoxLayout(calibration_box)
        cal_layout.addWidget(self.calibration)
        cal_layout.addWidget(self.calibrate_button)

        self.fault = QComboBox()
        for name, (default, kind, meaning) in FAULTS.items():
            self.fault.addItem(f"{name} — {meaning}", name)
        self.value = QLineEdit(placeholderText="value (default if empty)")
        inject = QPushButton("Inject")
        inject.clicked.connect(self.inject)
        clear = QPushButton("Clear all faults")
        clear.clicked.connect(self.clear)
        refresh = QPushButton("Ask the room now")
        refresh.clicked.connect(lambda: console.tasks.run(console.room.refresh))
        self.faults_box = QGroupBox("Simulator fault injection (QA)")
        fault_layout = QFormLayout(self.faults_box)
        fault_layout.addRow("Fault", self.fault)
        fault_layout.addRow("Value", self.value)
        buttons = QHBoxLayout()
        for button in (inject, clear, refresh):
            buttons.addWidget(button)
        fault_layout.addRow(buttons)
        self.faults_box.setEnabled(console.config.hardware.detector == "simulator")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(calibration_box)
        layout.addWidget(self.faults_box)
        layout.addStretch(1)
        self.refresh_calibration()

    def refresh_calibration(self) -> None:
        from vxacq.commands.calibrate import detector_id
        from vxacq.imaging.calibration import CalibrationError, CalibrationStore

        config = self.console.config
        try:
            status = CalibrationStore.for_data_dir(config.data_dir).status(
                detector_id(config.hardware.detector_model), "default",
                config.imaging.calibration_max_age_days)
        except CalibrationError as exc:
            self.calibration.setText(str(exc))
            return
        self.calibration.setText(f"{config.hardware.detector_model}: {status.message}")
        self.calibrate_button.setEnabled(config.hardware.detector == "simulator")

    def calibrate(self) -> None:
        from vxacq.commands.calibrate import calibrate

        config = self.console.config
        self.calibrate_button.setEnabled(False)
        self.banner.show_message("Calibrating: dark frames, then flat-field frames…", "info")

        def done(result) -> None:
            calibration, path = result
            self.banner.show_message(f"Calibrated: {calibration.defect_count} defect pixels; "
                                     f"saved to {path}", "ok")
            self.refresh_calibration()

        def failed(exc: Exception) -> None:
            self.banner.show_message(f"Calibration failed: {exc}; the previous calibration "
                                     "stays in use", "alarm")
            self.refresh_calibration()

        self.console.tasks.run(lambda: calibrate(config, model=config.hardware.detector_model),
                               done, failed)

    def inject(self) -> None:
        name, value = self.fault.currentData(), self.value.text().strip()
        spec = f"{name}:{value}" if value else name
        try:
            parse_fault(spec)
        except ValueError as exc:
            self.banner.show_message(str(exc), "alarm")
            return
        self.console.tasks.run(lambda: self.console.room.inject_fault(spec),
                               lambda _: self.banner.show_message(f"Injected {spec}.", "ok"),
                               lambda exc: self.banner.show_message(str(exc), "alarm"))

    def clear(self) -> None:
        self.console.tasks.run(self.console.room.clear_faults,
                               lambda _: self.banner.show_message("Faults cleared.", "ok"),
                               lambda exc: self.banner.show_message(str(exc), "alarm"))

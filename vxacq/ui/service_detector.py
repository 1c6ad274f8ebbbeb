"""Service → Detector and simulator: detector calibration, and QA's fault injection into the
simulated room."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from vxacq.security import audit
from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner
from vxacq.workflow.calibration import (
    CalibrationError, calibrate, calibration_status, can_calibrate,
)
from vxacq.workflow.station import fault_catalogue, parse_fault


class DetectorTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.banner = Banner()
        self.calibration = QLabel()
        self.calibration.setWordWrap(True)
        self.calibrate_button = QPushButton(self.tr("Take dark and flat-field frames and "
                                                    "calibrate"))
        self.calibrate_button.clicked.connect(self.calibrate)
        calibration_box = QGroupBox(self.tr("Detector calibration"))
        cal_layout = QVBoxLayout(calibration_box)
        cal_layout.addWidget(self.calibration)
        cal_layout.addWidget(self.calibrate_button)

        self.fault = QComboBox()
        for name, _kind, meaning in fault_catalogue():
            self.fault.addItem(f"{name} — {meaning}", name)
        self.value = QLineEdit(placeholderText=self.tr("value (default if empty)"))
        inject = QPushButton(self.tr("Inject"))
        inject.clicked.connect(self.inject)
        clear = QPushButton(self.tr("Clear all faults"))
        clear.clicked.connect(self.clear)
        refresh = QPushButton(self.tr("Ask the room now"))
        refresh.clicked.connect(lambda: console.tasks.run(console.room.refresh))
        self.faults_box = QGroupBox(self.tr("Simulator fault injection (QA)"))
        fault_layout = QFormLayout(self.faults_box)
        fault_layout.addRow(self.tr("Fault"), self.fault)
        fault_layout.addRow(self.tr("Value"), self.value)
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

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.refresh_calibration()

    def refresh_calibration(self) -> None:
        """Read the calibration's state on the pool (the store is a file on disk)."""
        config = self.console.config

        def show(status) -> None:
            self.calibration.setText(self.tr("{model}: {state}").format(
                model=config.hardware.detector_model, state=status.message))
            why = can_calibrate(config)
            self.calibrate_button.setEnabled(not why)
            self.calibrate_button.setToolTip(why)

        self.console.tasks.run(lambda: calibration_status(config), show,
                               lambda exc: self.calibration.setText(str(exc)))

    def calibrate(self) -> None:
        config = self.console.config
        self.calibrate_button.setEnabled(False)
        self.banner.show_message(self.tr("Calibrating: dark frames, then flat-field frames…"),
                                 "info")

        def done(result) -> None:
            calibration, path = result
            self.banner.show_message(self.tr("Calibrated: {n} defect pixels; saved to {path}")
                                     .format(n=calibration.defect_count, path=path), "ok")
            self.refresh_calibration()

        def failed(exc: Exception) -> None:
            reason = str(exc) if isinstance(exc, CalibrationError) else repr(exc)
            self.banner.show_message(self.tr("Calibration failed: {reason}; the previous "
                                             "calibration stays in use").format(reason=reason),
                                     "alarm")
            self.refresh_calibration()

        console = self.console
        user = console.identity.audit_user if console.identity else ""

        def work():
            result = calibrate(config)
            audit.record(console.db, "configuration changed", user=user,
                         detail="detector calibrated")
            return result

        console.tasks.run(work, done, failed)

    def inject(self) -> None:
        name, value = self.fault.currentData(), self.value.text().strip()
        spec = f"{name}:{value}" if value else name
        try:
            parse_fault(spec)
        except ValueError as exc:
            self.banner.show_message(str(exc), "alarm")
            return
        self.console.tasks.run(lambda: self.console.room.inject_fault(spec),
                               lambda _: self.banner.show_message(
                                   self.tr("Injected {spec}.").format(spec=spec), "ok"),
                               lambda exc: self.banner.show_message(str(exc), "alarm"))

    def clear(self) -> None:
        self.console.tasks.run(self.console.room.clear_faults,
                               lambda _: self.banner.show_message(self.tr("Faults cleared."),
                                                                  "ok"),
                               lambda exc: self.banner.show_message(str(exc), "alarm"))

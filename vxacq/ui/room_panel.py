"""Generator and detector status, and the console's two-stage hand switch.

When Prep is not possible the reason is written under the switch (not only in a tooltip):
a device fault, a battery too low to arm, an exposure whose frame is still in the panel (then
Recover fetches it). Every line follows the room status, so a cleared fault clears its line."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
)

from vxacq.workflow.console import RoomStatus
from vxacq.ui.widgets import COLOURS, set_style

_STATE_COLOURS = {"ready": "ok", "standby": "ok", "idle": "ok", "prep": "warning",
                  "arming": "warning", "exposing": "alarm", "integrating": "alarm",
                  "readout": "warning", "fault": "alarm", "error": "alarm",
                  "disconnected": "muted", "off": "muted"}
# the states as the panel names them (GeneratorState, DetectorState), for lupdate to find
_STATE_WORDS = {
    "ready": QT_TRANSLATE_NOOP("RoomPanel", "READY"),
    "standby": QT_TRANSLATE_NOOP("RoomPanel", "STANDBY"),
    "idle": QT_TRANSLATE_NOOP("RoomPanel", "IDLE"),
    "prep": QT_TRANSLATE_NOOP("RoomPanel", "PREP"),
    "arming": QT_TRANSLATE_NOOP("RoomPanel", "ARMING"),
    "exposing": QT_TRANSLATE_NOOP("RoomPanel", "EXPOSING"),
    "integrating": QT_TRANSLATE_NOOP("RoomPanel", "INTEGRATING"),
    "readout": QT_TRANSLATE_NOOP("RoomPanel", "READOUT"),
    "triggered": QT_TRANSLATE_NOOP("RoomPanel", "TRIGGERED"),
    "aed": QT_TRANSLATE_NOOP("RoomPanel", "AED"),
    "fault": QT_TRANSLATE_NOOP("RoomPanel", "FAULT"),
    "error": QT_TRANSLATE_NOOP("RoomPanel", "ERROR"),
    "disconnected": QT_TRANSLATE_NOOP("RoomPanel", "DISCONNECTED"),
    "off": QT_TRANSLATE_NOOP("RoomPanel", "OFF"),
}


class RoomPanel(QGroupBox):
    """Live room status; Prep (stage 1), Expose (stage 2, once ready) and Release."""

    prep_pressed = Signal()
    expose_pressed = Signal()
    released = Signal()
    reset_requested = Signal()
    recover_requested = Signal()
    discard_requested = Signal()

    def __init__(self) -> None:
        super().__init__(QCoreApplication.translate("RoomPanel", "X-ray room"))
        self.generator = QLabel()
        self.detector = QLabel()
        self.panel = QLabel()
        self.panel.setWordWrap(True)  # temperature, battery, link: longer in some languages
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Generator"), self.generator)
        form.addRow(self.tr("Detector"), self.detector)
        form.addRow(self.tr("Panel"), self.panel)
        self.prep_button = QPushButton(self.tr("Prep (stage 1)"))
        self.prep_button.setCheckable(True)
        self.prep_button.setToolTip(self.tr("Hold the exposure ready: rotor and filament up, "
                                            "panel armed"))
        self.expose_button = QPushButton(self.tr("Expose (stage 2)"))
        self.expose_button.setEnabled(False)
        self.expose_button.setStyleSheet("QPushButton:enabled { background: #ffb300; "
                                         "font-weight: bold; }")
        self.reset_button = QPushButton(self.tr("Reset generator"))
        self.reset_button.hide()
        self.recover_button = QPushButton(self.tr("Recover the frame from the panel"))
        self.recover_button.hide()
        self.recover_button.clicked.connect(self.recover_requested)
        self.discard_button = QPushButton(self.tr("Discard the lost frame…"))
        self.discard_button.hide()
        self.discard_button.clicked.connect(self.discard_requested)
        self.prep_reason = QLabel()  # why Prep is not possible, in words
        self.prep_reason.setWordWrap(True)
        self.prep_reason.setStyleSheet(f"color: {COLOURS['alarm']};")
        self.prep_button.toggled.connect(self._prep_toggled)
        self.expose_button.clicked.connect(self.expose_pressed)
        self.reset_button.clicked.connect(self.reset_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.prep_button)
        buttons.addWidget(self.expose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.reset_button)
        layout.addWidget(self.recover_button)
        layout.addWidget(self.discard_button)
        layout.addLayout(buttons)
        layout.addWidget(self.prep_reason)
        self._can_prep = False
        self._why = ""
        self.status = RoomStatus()
        self.show_status(self.status)

    def set_can_prep(self, allowed: bool, why: str = "") -> None:
        """Whether the exam screen has a protocol and side to expose."""
        self._can_prep = allowed
        if not self.prep_button.isChecked():
            self.prep_button.setEnabled(allowed)
        self._why = why if not allowed else ""
        self._show_messages()
        self.prep_button.setToolTip(why or self.tr("Hold the exposure ready: rotor and "
                                                   "filament up, panel armed"))

    def exposure_over(self) -> None:
        """The sequence ended (image, failure or release): the switch is let go."""
        self.prep_button.blockSignals(True)
        self.prep_button.setChecked(False)
        self.prep_button.blockSignals(False)
        self.prep_button.setEnabled(self._can_prep)
        self.expose_button.setEnabled(False)

    def show_status(self, status: RoomStatus) -> None:
        self.status = status
        self.generator.setText(self._word(status.generator))
        self.detector.setText(self._word(status.detector)
                              + (f" — {status.detector_model}" if status.detector_model else ""))
        parts = []
        if status.temperature_C is not None:
            parts.append(self.tr("{temperature_C:.1f} °C")
                         .format(temperature_C=status.temperature_C))
        if status.battery_percent is not None:
            parts.append(self.tr("battery {battery_percent:.0f} %")
                         .format(battery_percent=status.battery_percent))
        if status.link_quality_percent is not None:
            parts.append(self.tr("link {link_quality_percent:.0f} %")
                         .format(link_quality_percent=status.link_quality_percent))
        if status.simulated:
            parts.append(self.tr("simulated"))
        self.panel.setText(", ".join(parts) or "—")
        self._show_messages()
        self.reset_button.setVisible(status.generator == "fault")
        self.recover_button.setVisible(bool(status.frame_pending))
        self.discard_button.setVisible(bool(status.frame_pending))
        # stage 2 only once both devices said ready during this prep
        self.expose_button.setEnabled(self.prep_button.isChecked()
                                      and status.generator == "ready"
                                      and status.detector == "ready")

    def _show_messages(self) -> None:
        """The room's problem (or warning), and why Prep is not possible (the same text once)."""
        status = self.status
        self.problem.setText(status.problem or status.warning)
        colour = COLOURS["alarm"] if status.problem else COLOURS["warning"]
        set_style(self.problem, f"color: {colour}; font-weight: bold;"
                  if status.problem or status.warning else "")
        if not self._why:
            self.prep_reason.setText("")
        elif self._why == status.problem:
            self.prep_reason.setText(self.tr("Prep is not possible until this is resolved."))
        else:
            self.prep_reason.setText(self.tr("Prep is not possible: {why}").format(
                why=self._why))

    def _prep_toggled(self, on: bool) -> None:
        if on:
            self.prep_pressed.emit()
        else:
            # let go: no new Prep until this sequence has ended (exposure_over)
            self.prep_button.setEnabled(False)
            self.expose_button.setEnabled(False)
            self.released.emit()

    @staticmethod
    def _word(state: str) -> str:
        colour = COLOURS[_STATE_COLOURS.get(state, "muted")]
        word = _STATE_WORDS.get(state, state.upper())
        return f"<b style='color:{colour}'>{QCoreApplication.translate('RoomPanel', word)}</b>"

"""The technique of the next exposure: side, kV, mAs, SID; the protocol's grid/AEC and EI target."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
)

from vxacq.workflow.procedures import Protocol


class TechniquePanel(QGroupBox):
    """``side_changed()`` when the radiographer picks another side."""

    side_changed = Signal()

    def __init__(self) -> None:
        super().__init__(self.tr("Technique"))
        self.side = QComboBox()
        for label, value in ((self.tr("—"), ""), (self.tr("Left"), "L"),
                             (self.tr("Right"), "R")):
            self.side.addItem(label, value)
        self.side.currentIndexChanged.connect(lambda _: self.side_changed.emit())
        self.kv = QDoubleSpinBox(decimals=0, minimum=20, maximum=150, suffix=self.tr(" kV"))
        self.mas = QDoubleSpinBox(decimals=1, minimum=0.1, maximum=1000, suffix=self.tr(" mAs"))
        self.sid = QDoubleSpinBox(decimals=0, minimum=500, maximum=3000, suffix=self.tr(" mm"),
                                  singleStep=50)
        self.grid = QLabel(self.tr("—"))
        self.target_ei = QLabel(self.tr("—"))
        kv_mas = QHBoxLayout()
        kv_mas.addWidget(self.kv)
        kv_mas.addWidget(self.mas)
        grid_ei = QHBoxLayout()
        grid_ei.addWidget(self.grid, stretch=1)
        grid_ei.addWidget(QLabel(self.tr("EI_T")))
        grid_ei.addWidget(self.target_ei)
        # side and SID share a row: the exposure controls below must fit a 768-line screen
        side_sid = QHBoxLayout()
        side_sid.addWidget(self.side)
        side_sid.addWidget(self.sid)
        form = QFormLayout(self)
        form.addRow(self.tr("Side, SID"), side_sid)
        form.addRow(self.tr("kV, mAs"), kv_mas)
        form.addRow(self.tr("Grid"), grid_ei)

    def show_protocol(self, protocol: Protocol) -> None:
        """The protocol's default technique, and its side when it has one."""
        self.kv.setValue(protocol.kv)
        self.mas.setValue(protocol.mas)
        self.sid.setValue(protocol.sid_mm)
        grid = self.tr("grid") if protocol.grid else self.tr("no grid")
        aec = (self.tr("AEC {chambers}").format(chambers=protocol.aec_chambers) if protocol.aec
               else self.tr("no AEC"))
        self.grid.setText(self.tr("{grid}, {aec}").format(grid=grid, aec=aec))
        self.target_ei.setText(f"{protocol.target_ei:g}")
        if protocol.laterality in ("L", "R"):
            self.set_side(protocol.laterality)

    def set_side(self, side: str | None) -> None:
        """``L``, ``R``, or anything else for none."""
        self.side.setCurrentIndex(self.side.findData(side) if side in ("L", "R") else 0)

    def technique(self) -> dict[str, float]:
        """The exposure's technique as :meth:`Exam.expose` takes it."""
        return {"kv": self.kv.value(), "mas": self.mas.value(), "sid_mm": self.sid.value()}

    def set_editable(self, editable: bool) -> None:
        for widget in (self.kv, self.mas, self.sid, self.side):
            widget.setEnabled(editable)

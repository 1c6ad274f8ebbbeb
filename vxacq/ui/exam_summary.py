"""The exam summary as a table: one row per exposure (protocol, side, what became of it, the
delivered kV, mA, ms, mAs, DAP, and EI, EI_T, DI in its colour band) and the exam's totals.
Shown in the close dialog and in the History's detail of an exam."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vxacq.ui.widgets import COLOURS, fill, table
from vxacq.workflow.dose import ExamSummary

DI_COLUMN = 10


def _number(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def dap_total_text(total: float | None, without_dap: int, exposures: int) -> str:
    """The exam's DAP total, never understated without saying so: "≥" with the exposures
    that reported no DAP named, "unknown" when none reported one (the image information
    under the image shows it too)."""
    # QCoreApplication.translate with literals, so that lupdate finds the context
    if not without_dap:
        return QCoreApplication.translate("ExamSummaryView", "{dap} dGy·cm²").format(
            dap=_number(total, 3))
    if total is None:
        return QCoreApplication.translate(
            "ExamSummaryView", "unknown ({n} of {count} exposures without DAP)").format(
            n=without_dap, count=exposures)
    return QCoreApplication.translate(
        "ExamSummaryView", "≥ {dap} dGy·cm² ({n} of {count} exposures without DAP)").format(
        dap=_number(total, 3), n=without_dap, count=exposures)


class ExamSummaryView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.totals = QLabel("—")
        self.table = table([self.tr("Protocol"), self.tr("Side"), self.tr("State"),
                            self.tr("kV"), self.tr("mA"), self.tr("ms"), self.tr("mAs"),
                            self.tr("DAP (dGy·cm²)"), self.tr("EI"), self.tr("EI_T"),
                            self.tr("DI")])
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.totals)

    def show_summary(self, summary: ExamSummary | None) -> None:
        if summary is None:
            fill(self.table, [])
            self.totals.setText("—")
            return
        states = {"accepted": self.tr("accepted"), "rejected": self.tr("rejected"),
                  "acquired": self.tr("to review")}
        rows = []
        for e in summary.exposures:
            state = states.get(e.state, e.state)
            if e.reject_reason:
                state = self.tr("rejected: {reason}").format(reason=e.reject_reason)
            if e.partial:
                state = self.tr("{state}, partial").format(state=state)
            d = e.dose
            rows.append((e.ProtocolName, e.Laterality or "—", state, _number(d.KVP),
                         _number(d.XRayTubeCurrent), _number(d.ExposureTime, 1),
                         _number(d.Exposure, 2), _number(d.ImageAndFluoroscopyAreaDoseProduct, 3),
                         _number(d.ExposureIndex), _number(d.TargetExposureIndex),
                         "—" if d.DeviationIndex is None else f"{d.DeviationIndex:+.1f}"))
        fill(self.table, rows)
        for row, e in enumerate(summary.exposures):
            item = self.table.item(row, DI_COLUMN)
            if e.di_band in ("ok", "warning", "alarm"):
                item.setBackground(QColor(COLOURS[e.di_band]))
                item.setForeground(QColor("white"))
            if e.partial:
                self.table.item(row, 2).setToolTip(e.partial)
        self.totals.setText(self.tr(
            "{n} exposures, {rejected} rejected   |   exam DAP {dap}").format(
            n=len(summary.exposures), rejected=summary.rejected,
            dap=dap_total_text(summary.total_dap, summary.without_dap,
                               len(summary.exposures))))

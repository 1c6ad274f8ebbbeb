"""Under the image: its exposure indices (EI, EI_T, DI in their colour band) and the dose and
technique the generator delivered for it, with the exam's dose-area product so far."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vxacq.ui.exam_summary import dap_total_text
from vxacq.ui.widgets import COLOURS, di_band
from vxacq.workflow.dose import ExamDose, ImageDose
from vxacq.workflow.exam import ImageView


def _number(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


class ImageInfo(QWidget):
    def __init__(self, di_warning: float, di_alarm: float, window_entry: QWidget) -> None:
        super().__init__()
        self.di_warning, self.di_alarm = di_warning, di_alarm
        self.ei_label = QLabel("—")
        self.dose_label = QLabel("—")
        bold = self.ei_label.font()
        bold.setBold(True)
        self.ei_label.setFont(bold)
        for label in (self.ei_label, self.dose_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setFixedHeight(label.fontMetrics().lineSpacing() + 10)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(window_entry)  # the numeric window beside the indices it goes with
        row.addWidget(self.ei_label, stretch=1)
        layout.addLayout(row)
        layout.addWidget(self.dose_label)

    def clear(self) -> None:
        """Nothing of the last patient's image: a new or reopened exam starts clean."""
        self.ei_label.setText(self.tr("EI —"))
        self.ei_label.setAutoFillBackground(False)
        self.dose_label.setText("—")

    def show_indices(self, view: ImageView) -> None:
        if view.ExposureIndex is None:
            self.ei_label.setText(self.tr("EI —"))
            self.ei_label.setAutoFillBackground(False)
            return
        band = di_band(view.DeviationIndex, self.di_warning, self.di_alarm)
        words = {"ok": self.tr("within target"), "warning": self.tr("outside the target range"),
                 "alarm": self.tr("far from target — check exposure"),
                 "muted": self.tr("no target")}[band]
        di = "—" if view.DeviationIndex is None else f"{view.DeviationIndex:+.1f}"
        ei_t = "—" if view.TargetExposureIndex is None else f"{view.TargetExposureIndex:g}"
        self.ei_label.setText(self.tr("EI {ei}   EI_T {ei_t}   DI {di}   ({words})").format(
            ei=f"{view.ExposureIndex:.0f}", ei_t=ei_t, di=di, words=words))
        # the band by palette: a stylesheet per image would re-polish the label each time
        palette = self.ei_label.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(COLOURS[band]))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
        self.ei_label.setPalette(palette)
        self.ei_label.setAutoFillBackground(True)

    def show_dose(self, image: ImageDose | None, exam: ExamDose | None) -> None:
        """The delivered technique and DAP of the image (dGy·cm², as in its DICOM), and the
        exam's total so far."""
        total = "—" if exam is None else dap_total_text(exam.total_dap, exam.without_dap,
                                                       len(exam.images))
        exam_text = self.tr("exam DAP {dap}").format(dap=total)
        if image is None:
            self.dose_label.setText(exam_text if exam is not None else "—")
            return
        self.dose_label.setText(self.tr(
            "{kv} kV  {ma} mA  {ms} ms  {mas} mAs  DAP {dap} dGy·cm²   |   {exam}").format(
            kv=_number(image.KVP), ma=_number(image.XRayTubeCurrent),
            ms=_number(image.ExposureTime, 1), mas=_number(image.Exposure, 2),
            dap=_number(image.ImageAndFluoroscopyAreaDoseProduct, 3), exam=exam_text))

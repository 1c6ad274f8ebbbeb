"""Closing the exam: complete (optionally printed, with a film layout preview) or discontinue,
with the exam summary (each exposure's state, technique, DAP and indices; the totals) above."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget,
)

from vxacq.config import Config
from vxacq.ui.exam_summary import ExamSummaryView
from vxacq.ui.widgets import ok_cancel
from vxacq.workflow.closing import FILM_LAYOUTS as LAYOUTS, Layout, discontinuation_reasons
from vxacq.workflow.dose import ExamSummary


@dataclass(frozen=True)
class CloseChoice:
    status: str  # COMPLETED or DISCONTINUED
    reason: str = ""  # CID 9300 key when discontinued
    print_node: str | None = None
    layout: str | None = None


def film_aspect(film_size: str) -> float:
    """Width / height of a film size term (14INX17IN, 24CMX30CM, A4, A3)."""
    if film_size in ("A4", "A3"):
        return 210 / 297
    match = re.match(r"(\d+(?:_\d+)?)(IN|CM)X(\d+)(IN|CM)", film_size)
    if not match:
        return 14 / 17
    width = float(match[1].replace("_", "."))
    return width / float(match[3])


class FilmPreview(QWidget):
    """The film as the printer will lay it out: boxes in columns and rows, images in order."""

    def __init__(self, thumbnails: list[QPixmap]) -> None:
        super().__init__()
        self.thumbnails = thumbnails
        self.layout_term = LAYOUTS[0]
        self.aspect = 14 / 17
        self.setMinimumSize(220, 260)

    def show_layout(self, layout: str, film_size: str) -> None:
        self.layout_term, self.aspect = layout, film_aspect(film_size)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        layout = Layout.parse(self.layout_term)
        painter = QPainter(self)
        height = self.height() - 8
        width = min(self.width() - 8, height * self.aspect)
        height = width / self.aspect
        film = QRectF((self.width() - width) / 2, 4, width, height)
        painter.fillRect(film, QColor("#0d1b2a"))
        box_w, box_h = width / layout.columns, height / layout.rows
        for index in range(layout.boxes):
            row, col = divmod(index, layout.columns)
            box = QRectF(film.left() + col * box_w + 3, film.top() + row * box_h + 3,
                         box_w - 6, box_h - 6)
            painter.setPen(QColor("#415a77"))
            painter.drawRect(box)
            if index < len(self.thumbnails):
                pixmap = self.thumbnails[index].scaled(int(box.width()), int(box.height()),
                                                       Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawPixmap(int(box.center().x() - pixmap.width() / 2),
                                   int(box.center().y() - pixmap.height() / 2), pixmap)
        painter.end()


class CloseDialog(QDialog):
    def __init__(self, config: Config, accepted: int, rejected: int, unreviewed: int,
                 thumbnails: list[QPixmap], parent: QWidget | None = None,
                 summary: ExamSummary | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Close the exam"))
        self.config = config
        counts = (self.tr("{accepted} accepted, {rejected} rejected, {unreviewed} not reviewed.")
                  if unreviewed else self.tr("{accepted} accepted, {rejected} rejected."))
        self.summary = ExamSummaryView()
        self.summary.show_summary(summary)
        summary = QLabel(counts.format(accepted=accepted, rejected=rejected, unreviewed=unreviewed))
        self.complete = QRadioButton(self.tr("Complete — MPPS COMPLETED, accepted images and "
                                             "the dose report sent"))
        self.discontinue = QRadioButton(self.tr("Discontinue — MPPS DISCONTINUED with a reason"))
        group = QButtonGroup(self)
        group.addButton(self.complete)
        group.addButton(self.discontinue)
        can_complete = accepted > 0 and unreviewed == 0
        self.complete.setEnabled(can_complete)
        (self.complete if can_complete else self.discontinue).setChecked(True)
        if not can_complete:
            summary.setText(summary.text() + (self.tr(" Review every image before completing.")
                                              if unreviewed else self.tr(" Nothing is accepted.")))
        self.reason = QComboBox()
        for key, meaning in discontinuation_reasons():
            self.reason.addItem(meaning, key)
        self.reason.setCurrentIndex(self.reason.findData("DiscontinuedForUnspecifiedReason"))

        printers = config.nodes_with("print")
        self.print_box = QGroupBox(self.tr("Print"))
        self.print_box.setCheckable(True)
        self.print_box.setChecked(False)
        self.print_box.setEnabled(bool(printers) and can_complete)
        self.printer = QComboBox()
        for node in printers:
            self.printer.addItem(f"{node.name} ({node.print.film_size})", node.name)
        self.layout_combo = QComboBox()
        self.layout_combo.addItems(LAYOUTS)
        self.preview = FilmPreview(thumbnails)
        form = QFormLayout()
        form.addRow(self.tr("Printer"), self.printer)
        form.addRow(self.tr("Layout"), self.layout_combo)
        print_layout = QHBoxLayout(self.print_box)
        print_layout.addLayout(form)
        print_layout.addWidget(self.preview)
        self.printer.currentIndexChanged.connect(self._update_preview)
        self.layout_combo.currentIndexChanged.connect(self._update_preview)
        if printers:
            self._choose_default_layout(printers[0].print.layout, accepted)

        buttons = ok_cancel(self, self.tr("Close exam"))
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.summary, stretch=1)
        layout.addWidget(self.complete)
        layout.addWidget(self.print_box)
        layout.addWidget(self.discontinue)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        self.complete.toggled.connect(self._mode_changed)
        self._mode_changed()
        self._update_preview()

    def _choose_default_layout(self, configured: str, images: int) -> None:
        index = self.layout_combo.findText(configured)
        if index < 0:
            self.layout_combo.addItem(configured)
            index = self.layout_combo.count() - 1
        # enough boxes for every accepted image, when the configured layout has too few
        for i in range(self.layout_combo.count()):
            if Layout.parse(self.layout_combo.itemText(i)).boxes >= images:
                if Layout.parse(self.layout_combo.itemText(index)).boxes < images:
                    index = i
                break
        self.layout_combo.setCurrentIndex(index)

    def _mode_changed(self) -> None:
        completing = self.complete.isChecked()
        self.print_box.setEnabled(completing and self.printer.count() > 0)
        self.reason.setEnabled(not completing)

    def _update_preview(self) -> None:
        node = self.config.node(self.printer.currentData()) if self.printer.count() else None
        film = node.print.film_size if node else "14INX17IN"
        self.preview.show_layout(self.layout_combo.currentText(), film)

    def choice(self) -> CloseChoice:
        if self.complete.isChecked():
            printing = self.print_box.isChecked() and self.printer.count() > 0
            return CloseChoice("COMPLETED",
                               print_node=self.printer.currentData() if printing else None,
                               layout=self.layout_combo.currentText() if printing else None)
        return CloseChoice("DISCONTINUED", reason=self.reason.currentData())

"""The review tools above the image: fit, zoom, window/level, rotate, flip, marker, crop.

The view-only tools (fit, zoom, window) act on the :class:`ReviewView` directly; the ones
that change the image (rotation, flip, marker, crop) are re-processed from the raw frame by
the exam page, which listens to this bar's signals.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QToolButton, QWidget

from vxacq.ui.review_view import ReviewView


class ReviewToolbar(QWidget):
    """``rotate(degrees)``, ``flip(direction)``, ``marker_chosen()``, ``apply_crop()`` ask the
    page for a re-processing; ``crop_toggled(on)`` when the crop rectangle is started or left."""

    rotate = Signal(int)
    flip = Signal(str)
    marker_chosen = Signal()
    crop_toggled = Signal(bool)
    apply_crop_requested = Signal()

    def __init__(self, review: ReviewView) -> None:
        super().__init__()
        self.review = review
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)

        def tool(text: str, tip: str, slot: Callable, checkable: bool = False) -> QToolButton:
            button = QToolButton(text=text, toolTip=tip, checkable=checkable)
            (button.toggled if checkable else button.clicked).connect(slot)
            row.addWidget(button)
            return button

        tool(self.tr("Fit"), self.tr("Fit the image to the view"), lambda: review.fit())
        tool(self.tr("Zoom +"), self.tr("Zoom in"), lambda: review.zoom(1.5))
        tool(self.tr("Zoom −"), self.tr("Zoom out"), lambda: review.zoom(1 / 1.5))
        self.window_button = tool(self.tr("Window"), self.tr(
            "Drag to set window (left/right) and level (up/down)"), review.set_windowing,
            checkable=True)
        tool(self.tr("Reset W/L"), self.tr("Back to the image's own window"),
             lambda: review.reset_window())
        row.addSpacing(12)
        self.transform_buttons: list[QWidget] = [
            tool(self.tr("Rotate ⟳"), self.tr("Turn 90° clockwise"), lambda: self.rotate.emit(90)),
            tool(self.tr("Flip ↔"), self.tr("Mirror left-right"),
                 lambda: self.flip.emit("horizontal")),
            tool(self.tr("Flip ↕"), self.tr("Mirror top-bottom"),
                 lambda: self.flip.emit("vertical")),
        ]
        self.marker_combo = QComboBox(toolTip=self.tr("L/R marker"))
        for label, value in ((self.tr("Marker: side"), "auto"), (self.tr("Marker L"), "L"),
                             (self.tr("Marker R"), "R"), (self.tr("No marker"), "none")):
            self.marker_combo.addItem(label, value)
        self.marker_combo.activated.connect(lambda _: self.marker_chosen.emit())
        row.addWidget(self.marker_combo)
        self.crop_button = tool(self.tr("Crop"), self.tr(
            "Draw the crop rectangle, then Apply crop"), self.crop_toggled.emit, checkable=True)
        self.apply_crop = tool(self.tr("Apply crop"), self.tr("Crop the image to the rectangle"),
                               self.apply_crop_requested.emit)
        self.transform_buttons += [self.marker_combo, self.crop_button]
        row.addStretch(1)

    def marker_choice(self) -> str:
        """``auto`` (the image's side), ``L``, ``R`` or ``none``."""
        return self.marker_combo.currentData()

    def set_enabled(self, can_transform: bool) -> None:
        """The image-changing tools only for a reviewable image that is not the quick look."""
        for widget in self.transform_buttons:
            widget.setEnabled(can_transform)
        self.apply_crop.setEnabled(can_transform and self.crop_button.isChecked())

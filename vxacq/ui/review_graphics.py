"""The review image's pyqtgraph parts, imported when a review view first draws (not at start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from vxacq.ui.review_view import ReviewView

pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)


class WindowingViewBox(pg.ViewBox):
    """A view box whose left-drag sets the window while ``windowing`` is on."""

    def __init__(self, owner: ReviewView) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.owner = owner
        self.windowing = False
        self._start: tuple[float, float] | None = None

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (Qt naming)
        if not self.windowing or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():
            self._start = self.owner.window
        if self._start is None:
            return
        delta = ev.screenPos() - ev.buttonDownScreenPos()
        center, width = self._start
        span = float(self.owner.full_range)
        self.owner.set_window(center - delta.y() * span / 800.0,
                              max(1.0, width + delta.x() * span / 400.0))

"""The review image: pyqtgraph view with window/level, zoom and pan, crop rectangle, L/R mark.

Left-drag pans and the wheel zooms (pyqtgraph's view box); with *Window* on, left-drag sets
window/level instead (right/left: width, up/down: level), as on a reading station. The
displayed pixels are the processed image's; the crop rectangle is read back in its pixel
coordinates for re-processing.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)


class _WindowingViewBox(pg.ViewBox):
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


class ReviewView(QWidget):
    """Shows one processed image; ``window_changed(center, width)`` when the user windows."""

    window_changed = Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("k")
        self.box = _WindowingViewBox(self)
        self.graphics.addItem(self.box)
        # autoDownsample: a 3072² image is drawn at screen size, not at full resolution.
        self.image = pg.ImageItem(autoDownsample=True)
        self.box.addItem(self.image)
        self.overlay = pg.ImageItem()
        self.box.addItem(self.overlay)
        self.label = pg.TextItem(color=(255, 220, 0), anchor=(0, 0))
        self.label.setParentItem(self.box)
        self.label.setPos(QPointF(8, 8))
        self.crop_roi: pg.RectROI | None = None
        self.window: tuple[float, float] = (2048.0, 4096.0)
        self.default_window = self.window
        self.full_range = 4096
        self.shape: tuple[int, int] = (0, 0)
        self._full: np.ndarray | None = None
        self._overview: np.ndarray | None = None
        self._showing_full: bool | None = None
        self.box.sigRangeChanged.connect(lambda *_: self._choose_resolution())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)

    # --- image --------------------------------------------------------------------------

    def show_image(self, pixels: np.ndarray, bits_stored: int, window: tuple[float, float],
                   overlay: np.ndarray | None = None, caption: str = "",
                   overview: np.ndarray | None = None) -> None:
        """Show new pixels with their default window (keeps the zoom when the size is kept).

        ``overview`` is the image binned to about screen size (made on a worker): drawn while
        the whole image is in view, so painting never bins 9 million pixels on the GUI
        thread; zoomed in, the full pixels are drawn. ``overlay`` may be at either size.
        Coordinates are always full pixels."""
        same_size = pixels.shape == self.shape
        self.shape = pixels.shape
        self.full_range = 1 << bits_stored
        self.default_window = window
        self.window = window
        self._full, self._overview = pixels, overview
        self._showing_full = None
        self._choose_resolution()
        if overlay is not None:
            rgba = np.zeros((*overlay.shape, 4), dtype=np.uint8)
            rgba[overlay] = (255, 255, 255, 255)
            self.overlay.setImage(rgba, autoLevels=False)
            self.overlay.setRect(self._covered(overlay.shape))
            self.overlay.setVisible(True)
        else:
            self.overlay.setVisible(False)
        self.label.setText(caption)
        self.cancel_crop()
        if not same_size:
            self.box.autoRange(padding=0.0)

    def _choose_resolution(self) -> None:
        """The overview while one of its pixels covers less than 1.5 screen pixels."""
        if self._full is None:
            return
        full = self._overview is None
        if not full:
            binning = self._full.shape[1] / self._overview.shape[1]
            screen = max(1.0, float(self.box.width()))
            shown = max(1.0, self.box.viewRect().width())  # full pixels across the view
            full = shown / screen < binning / 1.5
        if full == self._showing_full:
            return
        self._showing_full = full
        shown = self._full if full else self._overview
        self.image.setImage(shown, levels=self._levels(), autoLevels=False)
        self.image.setRect(self._covered(shown.shape))

    def _covered(self, shape: tuple[int, int]) -> QRectF:
        """The full-resolution area an image of ``shape`` covers: binning drops the partial
        blocks at the right and bottom edges, so a binned image covers whole blocks only."""
        rows, cols = self._full.shape
        factor = max(1, round(cols / shape[1]))
        return QRectF(0, 0, shape[1] * factor, shape[0] * factor)

    def clear(self, caption: str = "") -> None:
        self.image.clear()
        self._full = self._overview = None
        self.overlay.setVisible(False)
        self.shape = (0, 0)
        self.label.setText(caption)
        self.cancel_crop()

    def has_image(self) -> bool:
        return self.shape != (0, 0)

    # --- window / level ---------------------------------------------------------------------

    def set_window(self, center: float, width: float) -> None:
        self.window = (float(center), float(width))
        self.image.setLevels(self._levels())
        self.window_changed.emit(*self.window)

    def reset_window(self) -> None:
        self.set_window(*self.default_window)

    def set_windowing(self, on: bool) -> None:
        self.box.windowing = on

    def _levels(self) -> tuple[float, float]:
        center, width = self.window
        return center - width / 2.0, center + width / 2.0

    # --- zoom ---------------------------------------------------------------------------

    def fit(self) -> None:
        self.box.autoRange(padding=0.0)

    def zoom(self, factor: float) -> None:
        self.box.scaleBy((1.0 / factor, 1.0 / factor))

    # --- crop ---------------------------------------------------------------------------

    def start_crop(self) -> None:
        """A rectangle the user drags and sizes; :meth:`crop_rect` reads it."""
        if not self.has_image():
            return
        self.cancel_crop()
        rows, cols = self.shape
        self.crop_roi = pg.RectROI((cols * 0.1, rows * 0.1), (cols * 0.8, rows * 0.8),
                                   pen=pg.mkPen((255, 200, 0), width=2), maxBounds=None)
        self.crop_roi.addScaleHandle((0, 0), (1, 1))
        self.crop_roi.addScaleHandle((1, 0), (0, 1))
        self.crop_roi.addScaleHandle((0, 1), (1, 0))
        self.box.addItem(self.crop_roi)

    def crop_rect(self) -> tuple[int, int, int, int] | None:
        """(first row, first column, end row, end column) of the rectangle, inside the image."""
        if self.crop_roi is None:
            return None
        x, y = self.crop_roi.pos()
        w, h = self.crop_roi.size()
        rows, cols = self.shape
        r0, c0 = max(0, int(round(y))), max(0, int(round(x)))
        r1, c1 = min(rows, int(round(y + h))), min(cols, int(round(x + w)))
        if r1 - r0 < 16 or c1 - c0 < 16:
            return None
        return r0, c0, r1, c1

    def cancel_crop(self) -> None:
        if self.crop_roi is not None:
            self.box.removeItem(self.crop_roi)
            self.crop_roi = None

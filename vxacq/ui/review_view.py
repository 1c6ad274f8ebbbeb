"""The review image: pyqtgraph view with window/level, zoom and pan, crop rectangle, L/R mark,
text annotations and distance measurements.

Left-drag pans and the wheel zooms (pyqtgraph's view box); with *Window* on, left-drag sets
window/level instead (right/left: width, up/down: level), as on a reading station. The
displayed pixels are the processed image's; the crop rectangle, the marker's new place and
the annotations are read back in its pixel coordinates (row, column of the full image).

The pyqtgraph scene is made when the view first shows or a part of it is first used, so the
window's start (the worklist on screen) neither imports pyqtgraph nor builds the scene.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vxacq.workflow.annotations import Distance, Note, TextNote

if TYPE_CHECKING:
    import pyqtgraph as pg

    from vxacq.ui.review_graphics import WindowingViewBox

ANNOTATION_COLOUR = (255, 220, 0)
# Built on first use (shown, or asked for by name): pyqtgraph stays out of the window's start.
_GRAPHICS = frozenset(("graphics", "box", "image", "overlay", "label"))


class ReviewView(QWidget):
    """Shows one processed image; ``window_changed(center, width)`` when the user windows."""

    window_changed = Signal(float, float)
    zoom_changed = Signal(float)  # per cent: screen pixels per image pixel × 100; 0: no image
    marker_moved = Signal(float, float)  # its new top left, fractions of rows and columns
    annotations_changed = Signal()

    graphics: pg.GraphicsLayoutWidget
    box: WindowingViewBox
    image: pg.ImageItem
    overlay: pg.ImageItem
    label: pg.TextItem

    def __init__(self) -> None:
        super().__init__()
        self.crop_roi: pg.RectROI | None = None
        self.window: tuple[float, float] = (2048.0, 4096.0)
        self.default_window = self.window
        self.full_range = 4096
        self.shape: tuple[int, int] = (0, 0)
        self._full: np.ndarray | None = None
        self._overview: np.ndarray | None = None
        self._showing_full: bool | None = None
        self._marker_box: QRectF | None = None  # the overlay's marked part, in full pixels
        self.marker_roi: pg.ROI | None = None
        self._notes: list[tuple[pg.ROI, pg.TextItem]] = []
        self._distances: list[tuple[pg.LineSegmentROI, pg.TextItem]] = []
        self._windowing = False
        # (start, end) in pixels → its label; the page sets it from the image's spacing
        self.measure: Callable[[tuple[float, float], tuple[float, float]], str] = \
            lambda a, b: f"{float(np.hypot(b[0] - a[0], b[1] - a[1])):.0f} px"
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def __getattr__(self, name: str):  # noqa: ANN204 (the graphics' types, above)
        """The pyqtgraph scene is made the first time one of its parts is asked for."""
        if name in _GRAPHICS and "graphics" not in self.__dict__:
            self._build_graphics()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        if "graphics" not in self.__dict__:
            self._build_graphics()
        super().showEvent(event)

    def _build_graphics(self) -> None:
        import pyqtgraph as pg

        from vxacq.ui.review_graphics import WindowingViewBox

        graphics = pg.GraphicsLayoutWidget()
        graphics.setBackground("k")
        box = WindowingViewBox(self)
        box.windowing = self._windowing
        graphics.addItem(box)
        # autoDownsample: a 3072² image is drawn at screen size, not at full resolution.
        image = pg.ImageItem(autoDownsample=True)
        box.addItem(image)
        overlay = pg.ImageItem()
        box.addItem(overlay)
        label = pg.TextItem(color=ANNOTATION_COLOUR, anchor=(0, 0))
        label.setParentItem(box)
        label.setPos(QPointF(8, 8))
        self.__dict__.update(graphics=graphics, box=box, image=image, overlay=overlay,
                             label=label)
        box.sigRangeChanged.connect(lambda *_: self._range_changed())
        self._layout.addWidget(graphics)

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
        self._show_overlay(overlay)
        self.label.setText(caption)
        self.cancel_crop()
        self.stop_marker_move()
        if not same_size:
            self.box.autoRange(padding=0.0)
        self.window_changed.emit(*self.window)  # the numbers shown follow the new image

    def _show_overlay(self, overlay: np.ndarray | None) -> None:
        """Only the marked part of the plane is drawn: a full-size plane of a small marker
        would be blended over the whole image at every paint."""
        rows = np.flatnonzero(overlay.any(axis=1)) if overlay is not None else ()
        if len(rows) == 0:
            self.overlay.setVisible(False)
            self._marker_box = None
            return
        cols = np.flatnonzero(overlay.any(axis=0))
        r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        part = overlay[r0:r1, c0:c1]
        rgba = np.zeros((*part.shape, 4), dtype=np.uint8)
        rgba[part] = (255, 255, 255, 255)
        factor = self._covered(overlay.shape).width() / overlay.shape[1]
        self._marker_box = QRectF(c0 * factor, r0 * factor, (c1 - c0) * factor,
                                  (r1 - r0) * factor)
        self.overlay.setImage(rgba, autoLevels=False)
        self.overlay.setRect(self._marker_box)
        self.overlay.setVisible(True)

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
        self.stop_marker_move()
        self.clear_annotations()
        self.zoom_changed.emit(0.0)

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
        self._windowing = on
        if "graphics" in self.__dict__:
            self.box.windowing = on

    def _levels(self) -> tuple[float, float]:
        center, width = self.window
        return center - width / 2.0, center + width / 2.0

    # --- zoom ---------------------------------------------------------------------------

    def fit(self) -> None:
        self.box.autoRange(padding=0.0)

    def zoom(self, factor: float) -> None:
        self.box.scaleBy((1.0 / factor, 1.0 / factor))

    def zoom_percent(self) -> float:
        """Screen pixels per image pixel, in per cent (100: one to one)."""
        shown = self.box.viewRect().width()
        return 100.0 * float(self.box.width()) / shown if shown > 0 else 100.0

    def _range_changed(self) -> None:
        self._choose_resolution()
        # no image: the view box's empty range is no zoom; 0 says "none" to the toolbar
        self.zoom_changed.emit(self.zoom_percent() if self.has_image() else 0.0)

    # --- crop ---------------------------------------------------------------------------

    def start_crop(self) -> None:
        """A rectangle the user drags and sizes; :meth:`crop_rect` reads it."""
        import pyqtgraph as pg

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

    # --- the L/R marker, moved ----------------------------------------------------------

    def marker_box(self) -> QRectF | None:
        """Where the overlay marker is, in full pixels (None: no overlay marker shown)."""
        if not self.overlay.isVisible() or self._full is None:
            return None
        return self._marker_box

    def start_marker_move(self) -> None:
        """A frame around the marker that the radiographer drags; ``marker_moved`` on drop."""
        import pyqtgraph as pg

        self.stop_marker_move()
        box = self.marker_box()
        if box is None or not self.has_image():
            return
        self.marker_roi = pg.ROI((box.x(), box.y()), (box.width(), box.height()),
                                 pen=pg.mkPen((0, 200, 255), width=2), rotatable=False,
                                 resizable=False)
        self.marker_roi.sigRegionChangeFinished.connect(self._marker_dropped)
        self.box.addItem(self.marker_roi)

    def move_marker_to(self, row: float, column: float) -> None:
        """Drop the marker frame with its top left at (row, column) full pixels."""
        if self.marker_roi is not None:
            self.marker_roi.setPos((column, row))  # finishing the move emits marker_moved

    def _marker_dropped(self) -> None:
        x, y = self.marker_roi.pos()
        w, h = self.marker_roi.size()
        rows, cols = self.shape
        self.marker_moved.emit(min(max(y / rows, 0.0), 1.0 - h / rows),
                               min(max(x / cols, 0.0), 1.0 - w / cols))

    def stop_marker_move(self) -> None:
        if self.marker_roi is not None:
            self.box.removeItem(self.marker_roi)
            self.marker_roi = None

    # --- annotations ------------------------------------------------------------------------

    def add_text(self, text: str, at: tuple[float, float] | None = None) -> None:
        """A text at (row, column), by default the middle of the view; dragged to move."""
        import pyqtgraph as pg

        if not self.has_image():
            return
        if at is None:
            centre = self.box.viewRect().center()
            at = (centre.y(), centre.x())
        size = max(8.0, 0.02 * min(self.shape))
        roi = pg.ROI((at[1], at[0]), (size, size), pen=pg.mkPen(ANNOTATION_COLOUR, width=1),
                     rotatable=False, resizable=False, removable=True)
        label = pg.TextItem(text, color=ANNOTATION_COLOUR, anchor=(0, 0))
        label.setParentItem(roi)
        roi.sigRegionChangeFinished.connect(lambda *_: self.annotations_changed.emit())
        roi.sigRemoveRequested.connect(lambda *_, r=roi: self._remove(r))
        self.box.addItem(roi)
        self._notes.append((roi, label))
        self.annotations_changed.emit()

    def add_distance(self, start: tuple[float, float] | None = None,
                     end: tuple[float, float] | None = None) -> None:
        """A line to measure, its ends dragged into place; its length is shown at its end."""
        import pyqtgraph as pg

        if not self.has_image():
            return
        view = self.box.viewRect()
        if start is None or end is None:
            mid = view.center()
            start = (mid.y(), mid.x() - view.width() * 0.2)
            end = (mid.y(), mid.x() + view.width() * 0.2)
        roi = pg.LineSegmentROI([(start[1], start[0]), (end[1], end[0])],
                                pen=pg.mkPen(ANNOTATION_COLOUR, width=2), removable=True)
        label = pg.TextItem("", color=ANNOTATION_COLOUR, anchor=(0, 1))
        label.setParentItem(roi)
        self.box.addItem(roi)
        self._distances.append((roi, label))
        roi.sigRegionChanged.connect(lambda *_: self._relabel(roi, label))
        roi.sigRegionChangeFinished.connect(lambda *_: self.annotations_changed.emit())
        roi.sigRemoveRequested.connect(lambda *_, r=roi: self._remove(r))
        self._relabel(roi, label)
        self.annotations_changed.emit()

    def _ends(self, roi: pg.LineSegmentROI) -> tuple[tuple[float, float], tuple[float, float]]:
        pos = roi.pos()
        a, b = (pos + p for p in roi.listPoints())
        return (float(a.y()), float(a.x())), (float(b.y()), float(b.x()))

    def _relabel(self, roi: pg.LineSegmentROI, label: pg.TextItem) -> None:
        start, end = self._ends(roi)
        label.setText(self.measure(start, end))
        label.setPos(roi.listPoints()[1])

    def remeasure(self) -> None:
        """Label every line again (the image's spacing changed)."""
        for roi, label in self._distances:
            self._relabel(roi, label)

    def annotations(self) -> list[Note]:
        notes: list[Note] = []
        for roi, label in self._notes:
            x, y = roi.pos()
            notes.append(TextNote(label.toPlainText(), (float(y), float(x))))
        for roi, label in self._distances:
            start, end = self._ends(roi)
            notes.append(Distance(start, end, label.toPlainText()))
        return notes

    def set_annotations(self, notes: list[Note]) -> None:
        """Show ``notes`` (those kept with the image) without reporting a change."""
        self.blockSignals(True)
        try:
            self.clear_annotations()
            for note in notes:
                if isinstance(note, TextNote):
                    self.add_text(note.text, note.at)
                else:
                    self.add_distance(note.start, note.end)
        finally:
            self.blockSignals(False)

    def clear_annotations(self) -> None:
        for roi, _ in self._notes + self._distances:
            self.box.removeItem(roi)
        self._notes, self._distances = [], []

    def _remove(self, roi: pg.ROI) -> None:
        self.box.removeItem(roi)
        self._notes = [n for n in self._notes if n[0] is not roi]
        self._distances = [d for d in self._distances if d[0] is not roi]
        self.annotations_changed.emit()

"""Pixels for the screen: a processed image (in memory or read from its file) and thumbnails."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QImage, QPixmap

from vxacq.workflow.display import block_mean, factor_for, read_stored_image

OVERVIEW_SIZE = 1024  # pixels a side: about the review view on a console screen


@dataclass
class Displayable:
    """What the review view needs: pixels, bits, default window, L/R overlay plane."""

    pixels: np.ndarray
    bits_stored: int
    window: tuple[float, float]
    overlay: np.ndarray | None = None
    preview: bool = False
    overview: np.ndarray | None = None  # binned to about screen size, for the whole view

    def with_overview(self, size: int = OVERVIEW_SIZE) -> Displayable:
        """Add the binned copy the review view draws while the whole image is in view (on a
        worker: binning 9 million pixels is what would stall the GUI thread)."""
        factor = factor_for(self.pixels.shape, size)
        if factor > 1 and self.overview is None:
            self.overview = block_mean(self.pixels, factor)
            if self.overlay is not None:  # a block is marked when any pixel of it is
                rows, cols = (n // factor for n in self.overlay.shape)
                self.overlay = self.overlay[:rows * factor, :cols * factor].reshape(
                    rows, factor, cols, factor).any(axis=(1, 3))
        return self


def from_processed(image, preview: bool = False) -> Displayable:
    """From a :class:`vxacq.imaging.chain.ProcessedImage`."""
    overlay = image.overlay.data if image.overlay is not None else None
    return Displayable(image.pixels, image.bits_stored,
                       (float(image.window.center), float(image.window.width)), overlay, preview)


def from_file(path: str) -> Displayable:
    """From a stored DX/MG file (an image processed in an earlier session)."""
    stored = read_stored_image(path)
    return Displayable(stored.pixels, stored.bits_stored, stored.window,
                       stored.overlay).with_overview()


def thumbnail(shown: Displayable, size: int = 160) -> QPixmap:
    """A small 8-bit picture of the image with its default window."""
    step = max(1, max(shown.pixels.shape) // size)
    small = shown.pixels[::step, ::step].astype(np.float32)
    center, width = shown.window
    scaled = np.clip((small - (center - width / 2)) / max(width, 1.0) * 255.0, 0, 255)
    data = np.ascontiguousarray(scaled.astype(np.uint8))
    rows, cols = data.shape
    image = QImage(data.data, cols, rows, cols, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(image.copy())

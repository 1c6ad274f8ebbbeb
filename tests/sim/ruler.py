"""Finding the simulator's ruler marks in a stitched image (test and benchmark side)."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from hardware_sim.phantoms import RULER_MARK_MM, RULER_STEP_MM, RULER_X_MM


def mark_positions_mm(pixels: np.ndarray, spacing_mm: float, ruler_column: float) -> np.ndarray:
    """Centres (mm from the image's first row) of the ruler's lead marks: the profile along
    the ruler, less its slow background, has a peak at each mark; each peak's centroid over
    the mark's width is its position."""
    half = 3.0 / spacing_mm  # the 10 mm short marks, well inside them
    c0, c1 = int(round(ruler_column - half)), int(round(ruler_column + half)) + 1
    profile = pixels[:, c0:c1].astype(np.float64).mean(axis=1)
    background = ndimage.median_filter(profile, size=int(RULER_STEP_MM * 0.8 / spacing_mm) | 1)
    signal = ndimage.gaussian_filter1d(profile - background, 0.3 / spacing_mm)
    reach = max(2, int(round(RULER_MARK_MM / spacing_mm)))
    threshold = 0.5 * np.percentile(signal, 99.5)
    separation = int(RULER_STEP_MM * 0.6 / spacing_mm)
    is_peak = (signal == ndimage.maximum_filter1d(signal, 2 * separation + 1)) & (signal > threshold)
    centres = []
    for p in np.flatnonzero(is_peak):
        if p < reach or p + reach >= signal.size:
            continue
        window = np.arange(p - reach, p + reach + 1)
        weights = np.clip(signal[window], 0, None)
        centres.append(float((window * weights).sum() / weights.sum()))
    return np.array(centres) * spacing_mm


def ruler_column(detector_width_mm: float, spacing_mm: float, column_origin: float) -> float:
    """The column of the ruler's centre in an image whose first field starts at ``column_origin``."""
    return (RULER_X_MM + detector_width_mm / 2) / spacing_mm - 0.5 + column_origin

"""Pixels for review: a stored image read back, binning.

What the exam screen shows comes from here (rule 10), so the CLI and the tests can make the
same pixels without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom

from vxacq.dicom import decoders
from vxacq.imaging.chain import ProcessedImage
from vxacq.imaging.decimate import block_mean, factor_for

__all__ = ["ProcessedImage", "StoredImage", "block_mean", "factor_for", "marker_conflict",
           "read_stored_image"]


@dataclass
class StoredImage:
    """A DX/MG file's pixels, bits, first window (center, width) and L/R overlay plane."""

    pixels: np.ndarray
    bits_stored: int
    window: tuple[float, float]
    overlay: np.ndarray | None


def _first(value: object) -> float:
    return float(value[0] if isinstance(value, (list, pydicom.multival.MultiValue)) else value)


def read_stored_image(path: str | Path) -> StoredImage:
    """A stored DX/MG file (an image processed in an earlier session)."""
    ds = pydicom.dcmread(path)
    bits = int(ds.BitsStored)
    center = _first(ds.get("WindowCenter", (1 << bits) / 2))
    width = _first(ds.get("WindowWidth", 1 << bits))
    overlay = ds.overlay_array(0x6000).astype(bool) if (0x6000, 0x3000) in ds else None
    return StoredImage(decoders.pixel_array(ds), bits, (center, width), overlay)


def marker_conflict(marker: str | None, laterality: str | None) -> str:
    """Why the L/R marker on the image contradicts the side it was taken for, or ""."""
    if marker in ("L", "R") and laterality in ("L", "R") and marker != laterality:
        side = {"L": "LEFT", "R": "RIGHT"}
        return (f"the marker says {marker} but this is a {side[laterality]} image: "
                f"choose Marker {laterality} (or check the side)")
    return ""

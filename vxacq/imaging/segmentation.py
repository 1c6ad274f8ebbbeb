"""Regions of a frame: the collimated field, the raw-beam (direct exposure) area and the anatomy.

Works on the small block-mean kerma image. Raw beam is the bright plateau where the beam met
no object; it is accepted only when it is flat (most of it within a few per cent of its
level), covers a real part of the field and reaches the field border, as direct exposure
around a body part does, so the brightest lung or soft tissue of a field without raw beam is
not mistaken for it. Anatomy is the rest of the
field, kept clear of the field edge and of the skin line by a small margin. For mammography the
anatomy is the breast: the largest object region, holes filled, skin line included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vxacq.imaging.collimation import Field
from vxacq.imaging.morphology import dilate, erode, fill_holes, label, open_

RAW_BEAM_FRACTION = 0.80  # of the raw-beam level: at or above is direct exposure
# Direct exposure is flat (flat-fielded beam plus little noise on block means): most of it lies
# within a few per cent of its level, while the brightest tissue of a field without raw beam
# spreads evenly down to the threshold.
FLAT_TOLERANCE = 0.05  # widened to 3 noise σ on noisy (low-dose) frames, up to MAX_TOLERANCE
MAX_TOLERANCE = 0.08
MIN_FLAT_SHARE = 0.6
MIN_RAW_BEAM_SHARE = 0.005  # of the field, for a raw-beam area to count
EDGE_MARGIN_PX = 2  # small-image pixels left out along the field edge and the skin line


@dataclass
class Regions:
    """Boolean masks on the small image (``scale`` full-resolution pixels per side)."""

    scale: int
    field: np.ndarray
    raw_beam: np.ndarray
    anatomy: np.ndarray
    raw_level_uGy: float | None  # kerma of the raw beam, None when there is none

    @property
    def has_anatomy(self) -> bool:
        return bool(self.anatomy.sum() >= max(16, 0.01 * self.field.sum()))


def segment(small: np.ndarray, field: Field, scale: int, mammography: bool = False) -> Regions:
    """Field, raw-beam and anatomy masks of the block-mean kerma image ``small``."""
    field_mask = field.mask(small.shape, scale=scale, margin=scale * 0.5)
    inner = erode(field_mask, EDGE_MARGIN_PX)
    if not inner.any():
        inner = field_mask
    values = small[inner]
    raw = np.zeros_like(field_mask)
    raw_level = None
    if values.size:
        top = np.sort(values)[-max(values.size // 100, 1):]
        level = float(np.median(top))
        candidate = inner & (small >= RAW_BEAM_FRACTION * level)
        if level > 0 and candidate.sum() >= MIN_RAW_BEAM_SHARE * inner.sum():
            level = float(np.median(small[candidate]))  # the top 1 % sits high on the noise
            tolerance = min(max(FLAT_TOLERANCE, 3 * _noise(small, candidate) / level), MAX_TOLERANCE)
            flat_share = float(np.mean(np.abs(small[candidate] / level - 1) < tolerance))
            border = field_mask & ~erode(field_mask, EDGE_MARGIN_PX + 2)
            labels, _ = label(candidate)
            touching = np.unique(labels[border & candidate])
            touching = touching[touching > 0]
            if flat_share >= MIN_FLAT_SHARE and touching.size:
                raw = np.isin(labels, touching)
                raw_level = float(np.median(small[raw]))
    if mammography:
        anatomy = _breast(field_mask, raw)
    else:
        anatomy = inner & ~dilate(raw, EDGE_MARGIN_PX)
    return Regions(scale, field_mask, raw, anatomy, raw_level)


def _noise(small: np.ndarray, where: np.ndarray) -> float:
    """Noise σ from differences of horizontal neighbours (structure mostly cancels)."""
    both = where[:, 1:] & where[:, :-1]
    diffs = (small[:, 1:] - small[:, :-1])[both]
    return float(1.4826 * np.median(np.abs(diffs)) / np.sqrt(2)) if diffs.size else 0.0


def _breast(field_mask: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """The largest non-raw-beam object in the field, holes filled, skin line kept."""
    tissue = field_mask & ~raw
    tissue = open_(tissue)
    labels, sizes = label(tissue)
    if sizes.size == 0:
        return tissue
    return fill_holes(labels == (int(np.argmax(sizes)) + 1))

"""Corrections of a raw frame with a calibration: offset, gain, and defect interpolation.

The result is a float32 image of air kerma in µGy per pixel (RQA5 calibration), the linear
quantity the Exposure Index and the processing start from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vxacq.imaging.calibration import Calibration, CalibrationError
from vxacq.imaging.morphology import nearest_unset

RADIUS = 2  # defects are filled from good pixels within this distance (5×5 window)


@dataclass(frozen=True)
class DefectFill:
    """Precomputed replacement of each defect pixel by a weighted mean of good neighbours.

    Weights fall as 1/d², so a dead line takes the mean of its two sides and a lone pixel the
    mean of its ring; a defect with no good pixel in its window (inside a large cluster) takes
    its nearest good pixel. Building this once per calibration makes correction a gather.
    """

    targets: np.ndarray  # flat indices of defect pixels
    sources: np.ndarray  # (n, k) flat indices of neighbours
    weights: np.ndarray  # (n, k) float32, rows sum to 1

    @classmethod
    def from_mask(cls, defects: np.ndarray) -> DefectFill:
        rows, cols = defects.shape
        r, c = np.nonzero(defects)
        offsets = [(dr, dc) for dr in range(-RADIUS, RADIUS + 1) for dc in range(-RADIUS, RADIUS + 1)
                   if (dr, dc) != (0, 0)]
        dr = np.array([o[0] for o in offsets])[None, :]
        dc = np.array([o[1] for o in offsets])[None, :]
        nr, nc = r[:, None] + dr, c[:, None] + dc
        inside = (nr >= 0) & (nr < rows) & (nc >= 0) & (nc < cols)
        nr, nc = np.clip(nr, 0, rows - 1), np.clip(nc, 0, cols - 1)
        good = inside & ~defects[nr, nc]
        weights = np.where(good, 1.0 / (dr * dr + dc * dc), 0.0)
        sources = nr * cols + nc
        lonely = weights.sum(axis=1) == 0
        if lonely.any():
            # Nearest good pixel, searched in a box around the lonely defects only.
            lr, lc = r[lonely], c[lonely]
            r0, c0 = max(lr.min() - 64, 0), max(lc.min() - 64, 0)
            box = defects[r0:lr.max() + 65, c0:lc.max() + 65]
            ir, ic = nearest_unset(box, lr - r0, lc - c0)
            sources[lonely, 0] = (ir + r0) * cols + ic + c0
            weights[lonely, 0] = 1.0
        weights /= weights.sum(axis=1, keepdims=True)
        return cls(r * cols + c, sources, weights.astype(np.float32))

    def apply(self, image: np.ndarray) -> None:
        """Fill the defects of ``image`` in place."""
        if self.targets.size:
            flat = image.reshape(-1)
            flat[self.targets] = np.einsum("ij,ij->i", flat[self.sources], self.weights)


def defect_fill(calibration: Calibration) -> DefectFill:
    """The calibration's defect fill, built on first use and kept with it."""
    if calibration._fill is None:
        calibration._fill = DefectFill.from_mask(calibration.defects)
    return calibration._fill  # type: ignore[return-value]


def correct(raw: np.ndarray, calibration: Calibration) -> np.ndarray:
    """Kerma image (float32 µGy) of a raw frame: (raw − offset) × gain, defects filled."""
    if raw.shape != calibration.shape:
        raise CalibrationError(
            f"the frame is {raw.shape[1]}×{raw.shape[0]} but the calibration of detector "
            f"{calibration.detector_id} (mode '{calibration.mode}') is "
            f"{calibration.shape[1]}×{calibration.shape[0]}: calibrate this detector mode")
    kerma = np.subtract(raw, calibration.offset, dtype=np.float32)
    kerma *= calibration.gain
    defect_fill(calibration).apply(kerma)
    return kerma

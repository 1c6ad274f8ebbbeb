"""Helpers of the image-chain tests: reduced-size simulator frames and their ground truth."""

from __future__ import annotations

import numpy as np

from hardware_sim import physics
from hardware_sim.detector_models import get_model
from vxacq.imaging.calibration import Calibration, build_calibration

SID = 1800.0
FLAT_KERMA = 20.0


def calibrate(model: str, frames: int = 2, seed: int = 100) -> Calibration:
    darks = [physics.dark_frame(model, seed=seed + i).pixels for i in range(frames)]
    flats = [physics.flat_field(model, FLAT_KERMA, seed=seed + 50 + i).pixels for i in range(frames)]
    return build_calibration(darks, flats, FLAT_KERMA, model)


def expose(model: str, phantom: str | None, kv: float, kerma_uGy: float,
           field: physics.Field | None = None, seed: int = 1, grid: bool = True,
           mirror: bool = False) -> physics.Frame:
    """A frame whose open-beam kerma at the detector centre is ``kerma_uGy``."""
    mas = physics.mas_for_kerma(model, kv, kerma_uGy, SID, grid)
    return physics.render_frame(model, phantom, kv, mas, SID, grid=grid, field=field, seed=seed,
                                mirror=mirror)


def true_kerma(frame: physics.Frame) -> np.ndarray:
    """Kerma per pixel from the simulator's answer key (test-side ground truth only)."""
    t = frame.truth
    gain = np.where(t.gain_map > 0, t.gain_map, np.nan) * t.k_adu_per_uGy
    return (frame.pixels.astype(np.float64) - t.offset_map) / gain


def spacing(model: str) -> float:
    return get_model(model).pixel_pitch_mm

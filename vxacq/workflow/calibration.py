"""Detector calibration as the service page and ``vxacq calibrate`` do it.

:func:`calibration_status` says whether the configured detector has a current calibration;
:func:`calibrate` takes dark and flat-field frames, builds the offset, gain and defect maps
and stores them as the detector's current calibration for the mode.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vxacq.config import Config
from vxacq.imaging.calibration import (
    Calibration, CalibrationError, CalibrationStatus, CalibrationStore, build_calibration,
    detector_key,
)

__all__ = ["Calibration", "CalibrationError", "CalibrationStatus", "calibrate",
           "calibration_status", "can_calibrate", "detector_id"]


def detector_id(model: str) -> str:
    """The key calibrations of a simulated panel are filed under (serial number and matrix)."""
    from hardware_sim.detector_models import get_model

    try:
        m = get_model(model)
    except ValueError as exc:
        raise CalibrationError(str(exc)) from None
    return detector_key(m.serial_number, m.rows, m.columns)


def can_calibrate(config: Config) -> str:
    """'' when this station can take calibration frames, else why not."""
    if config.hardware.detector != "simulator":
        return (f"the '{config.hardware.detector}' detector driver cannot take calibration "
                "frames yet; calibrate with the vendor's tool")
    return ""


def calibration_status(config: Config, *, model: str | None = None,
                       mode: str = "default") -> CalibrationStatus:
    """The current calibration's state and age (CalibrationError for an unknown model)."""
    store = CalibrationStore.for_data_dir(config.data_dir)
    return store.status(detector_id(model or config.hardware.detector_model), mode,
                        config.imaging.calibration_max_age_days)


def take_calibration_frames_from_simulator_physics(
        model: str, darks: int, flats: int,
        kerma_uGy: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Dark and RQA5 flat-field frames straight from the simulator's physics module.

    Stands in for the detector driver's calibration-frame call, which the hardware layer does
    not offer yet; it is used only when the configured detector is the simulator.
    """
    from hardware_sim import physics

    try:
        dark = [physics.dark_frame(model).pixels for _ in range(darks)]
        flat = [physics.flat_field(model, kerma_uGy).pixels for _ in range(flats)]
    except ValueError as exc:
        raise CalibrationError(f"the simulator cannot take calibration frames: {exc}") from None
    return dark, flat


def calibrate(config: Config, *, model: str | None = None, mode: str = "default",
              darks: int = 4, flats: int = 4, kerma_uGy: float = 20.0) -> tuple[Calibration, Path]:
    """Take the frames, build the maps and store them as the current calibration.
    CalibrationError (nothing stored; the previous calibration stays in use) or OSError."""
    if why := can_calibrate(config):
        raise CalibrationError(why)
    if darks < 1 or flats < 1:
        raise CalibrationError(f"need at least one dark and one flat-field frame, got {darks} "
                               f"and {flats}")
    model = model or config.hardware.detector_model
    store = CalibrationStore.for_data_dir(config.data_dir)
    detector = detector_id(model)
    dark, flat = take_calibration_frames_from_simulator_physics(model, darks, flats, kerma_uGy)
    calibration = build_calibration(dark, flat, kerma_uGy, detector, mode)
    return calibration, store.save(calibration)

"""A long-length exposure's fields to one For Presentation image.

Each field is corrected with the same calibration (so the seams show no step of brightness),
the corrected fields are stitched (:mod:`vxacq.imaging.stitching`, at the positions the
positioner reported, refined by registration), and the stitched kerma image goes through the
chain once: one exposure index, one look, over the whole length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from vxacq.config import Config
from vxacq.imaging.calibration import CalibrationStatus
from vxacq.imaging.chain import (
    ProcessedImage, calibration_key, process_kerma, sidecar_options, station_calibration,
)
from vxacq.imaging.corrections import correct
from vxacq.imaging.params import ProcessingParams, load_presets
from vxacq.imaging.stitching import FieldImage, Stitched, StitchError, stitch


@dataclass(frozen=True)
class StoredField:
    """One field as acquisition stored it: the raw frame and its sidecar."""

    pixels: np.ndarray
    sidecar: dict[str, Any]


@dataclass(frozen=True)
class LongLengthImage:
    processed: ProcessedImage
    calibration: CalibrationStatus
    geometry: Stitched  # where each field went and how each seam was found


def field_position_mm(sidecar: dict[str, Any]) -> float:
    """The detector's position along the body when the field was taken, as the positioner
    reported it; StitchError when the sidecar has none (a field taken without a positioner)."""
    try:
        return float((sidecar.get("positioner") or {})["DetectorPosition"])
    except (KeyError, TypeError, ValueError):
        raise StitchError(f"exposure {sidecar.get('uid', '?')} has no detector position from "
                          "the positioner: it cannot be placed in a long-length image") from None


def process_long_exposure(fields: Sequence[StoredField], config: Config, *,
                          ei_target: float | None, params: ProcessingParams | None = None,
                          shifts: Sequence[tuple[float, float]] | None = None,
                          mode: str = "default", **options: Any) -> LongLengthImage:
    """Stitch and process the fields of one long-length exposure (in any order).

    ``shifts``: each seam's (rows, columns) as the radiographer nudged it, instead of the
    registration's. ``options`` as for :func:`vxacq.imaging.chain.process_exposure`.
    Raises StitchError when the fields cannot be joined, CalibrationError when the detector
    has no calibration.
    """
    if not fields:
        raise StitchError("a long-length image needs its fields; none were given")
    keys = {calibration_key(f.sidecar) for f in fields}
    if len(keys) > 1:
        raise StitchError("the fields come from different detectors: " + ", ".join(sorted(keys)))
    first = fields[0].sidecar
    calibration, status = station_calibration(first, config, mode)
    merged = {**sidecar_options(first), **options}
    spacing = float(merged.pop("pixel_spacing_mm"))
    images = [FieldImage(correct(f.pixels, calibration), field_position_mm(f.sidecar))
              for f in fields]
    geometry = stitch(images, spacing, shifts=shifts, linear=True)
    if params is None:
        params = load_presets().for_protocol(first.get("protocol"))
    processed = process_kerma(geometry.pixels.copy(), calibration.created, params,
                              pixel_spacing_mm=spacing, ei_target=ei_target,
                              imaging=config.imaging, **merged)
    return LongLengthImage(processed, status, geometry)

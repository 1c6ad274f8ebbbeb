"""The image chain in one call: raw detector frame → For Presentation pixels, EI and DI.

``process_frame`` is what acquisition calls after every exposure, and what re-processing calls
on a stored raw frame (``vxacq.hal.rawstore``) with other parameters — see
``sidecar_options``. Stages, each timed:

    correction    offset, gain, defect fill → kerma image (µGy, float32)
    decimate      block means for the statistics (≤ 512 px, or the preview size)
    collimation   the (rotated) collimated field
    segmentation  raw beam and anatomy
    exposure      EI, DI and the DI band
    processing    log, range limits, multiscale contrast/edge/noise/latitude, tone map to
                  12/14 bits (with the finest level, strip by strip)
    presentation  shutter, rotate/flip, crop, L/R marker
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vxacq.config import Config, ImagingConfig
from vxacq.imaging import presentation as pres
from vxacq.imaging.calibration import (
    Calibration, CalibrationStatus, CalibrationStore, detector_key,
)
from vxacq.imaging.collimation import Field, detect_field
from vxacq.imaging.corrections import correct
from vxacq.imaging.decimate import block_mean, factor_for
from vxacq.imaging.exposure_index import ExposureIndex, exposure_index
from vxacq.imaging.memory import keep_frame_memory
from vxacq.imaging.params import ProcessingParams, load_presets
from vxacq.imaging.processing import process
from vxacq.imaging.segmentation import Regions, segment

PREVIEW_SIZE = 1024
log = logging.getLogger(__name__)


@dataclass
class ProcessedImage:
    """Everything the DICOM builder and the review screen need from one processed frame."""

    pixels: np.ndarray  # uint16, MONOCHROME2, values ≤ 2**bits_stored − 1
    bits_stored: int
    window: pres.Window
    exposure: ExposureIndex
    field: Field  # in output pixel coordinates (after rotation, flip and crop)
    detected_field: Field  # in the raw frame's coordinates
    orientation: pres.Orientation
    burned_in_marker: bool
    overlay: pres.Overlay | None
    # Polygonal Display Shutter vertices (row, column; 1-based, output coordinates) when the
    # shutter is not applied to the pixels (preset shutter = "none"), else empty.
    shutter_vertices: list[tuple[int, int]]
    pixel_spacing_mm: float  # of the output (larger than the detector's for a preview)
    calibration_created: Any  # datetime (UTC) of the calibration used
    params: ProcessingParams
    regions: Regions  # field, raw-beam and anatomy masks on the statistics grid (raw frame)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ei(self) -> float:
        return self.exposure.ei

    @property
    def ei_t(self) -> float | None:
        return self.exposure.ei_target

    @property
    def di(self) -> float | None:
        return self.exposure.di

    def dicom_attributes(self) -> dict[str, Any]:
        """Attribute values by DICOM keyword (Image Pixel, DX Image, VOI LUT, DX Detector, EI)."""
        top = (1 << self.bits_stored) - 1
        out: dict[str, Any] = {
            "SamplesPerPixel": 1,
            "PhotometricInterpretation": "MONOCHROME2",
            "Rows": int(self.pixels.shape[0]),
            "Columns": int(self.pixels.shape[1]),
            "BitsAllocated": 16,
            "BitsStored": self.bits_stored,
            "HighBit": self.bits_stored - 1,
            "PixelRepresentation": 0,
            "PixelIntensityRelationship": "LOG",
            "PixelIntensityRelationshipSign": -1,
            "RescaleIntercept": 0,
            "RescaleSlope": 1,
            "RescaleType": "US",
            "PresentationLUTShape": "IDENTITY",
            "WindowCenter": self.window.center,
            "WindowWidth": self.window.width,
            "SmallestImagePixelValue": int(self.pixels.min()),
            "LargestImagePixelValue": min(int(self.pixels.max()), top),
            "BurnedInAnnotation": "YES" if self.burned_in_marker else "NO",
            "PatientOrientation": list(self.orientation.PatientOrientation),
            "ExposureIndex": self.exposure.ei,
            "DateOfLastDetectorCalibration": self.calibration_created.strftime("%Y%m%d"),
            "TimeOfLastDetectorCalibration": self.calibration_created.strftime("%H%M%S"),
        }
        if self.exposure.ei_target is not None:
            out["TargetExposureIndex"] = self.exposure.ei_target
        if self.exposure.di is not None:
            out["DeviationIndex"] = self.exposure.di
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no pixels): for `vxacq acquire --json` and logs."""
        return {**self.exposure.to_dict(), "window_center": self.window.center,
                "window_width": self.window.width, "bits_stored": self.bits_stored,
                "rows": int(self.pixels.shape[0]), "columns": int(self.pixels.shape[1]),
                "field": self.field.to_dict(), "orientation": self.orientation.to_dict(),
                "burned_in_marker": self.burned_in_marker, "preset": self.params.name,
                "timings_ms": self.timings_ms}


def process_frame(raw: np.ndarray, calibration: Calibration, params: ProcessingParams, *,
                  pixel_spacing_mm: float, ei_target: float | None = None,
                  imaging: ImagingConfig | None = None, marker: str | None = None,
                  rotation: int = 0, flip: str = "none",
                  crop: tuple[int, int, int, int] | None = None,
                  marker_at: tuple[float, float] | None = None,
                  preview: bool = False,
                  preview_to: Callable[[ProcessedImage], None] | None = None) -> ProcessedImage:
    """Process one raw frame (uint16) into a For Presentation image with EI, EI_T and DI.

    ``marker`` is "L", "R" or None; it is burned into the pixels when
    ``imaging.burn_in_marker`` is set, else returned as an overlay plane; ``marker_at`` (row,
    column of its top left corner, as fractions of the output image) is where the
    radiographer moved it (default: the field's top corner on its side). ``rotation`` (0, 90,
    180, 270, clockwise) and ``flip`` ("none", "horizontal", "vertical", applied first) turn
    the image for display and update Patient Orientation. ``crop`` (first row, first column,
    end row, end column) is the radiographer's rectangle on the image as it is output without
    it (turned, and cropped to the field when the preset says so). ``preview`` bins the frame to at most
    1024 px a side first, for the quick look shown while the full image is processed.
    ``preview_to(image)`` is called with that quick look, made on a thread of its own from
    this frame's corrected pixels while the full image is processed (the frame is loaded and
    corrected once), before this returns; a preview that fails is logged, the full image is
    still made.
    Raises CalibrationError when the calibration does not fit the frame.
    """
    started = time.perf_counter()
    kerma = correct(raw, calibration)
    timings = {"correction": round((time.perf_counter() - started) * 1000, 1)}
    options: dict[str, Any] = dict(ei_target=ei_target, imaging=imaging, marker=marker,
                                   rotation=rotation, flip=flip, crop=crop, marker_at=marker_at)
    quick = None
    if preview_to is not None:
        binning = factor_for(kerma.shape, PREVIEW_SIZE)
        # binned here, a copy at any binning: the full processing overwrites ``kerma``
        quick = threading.Thread(target=_preview, name="chain-preview", daemon=True, args=(
            preview_to, block_mean(kerma, binning), calibration.created, params,
            pixel_spacing_mm * binning, options, timings))
        quick.start()
    image = process_kerma(kerma, calibration.created, params, pixel_spacing_mm=pixel_spacing_mm,
                          preview=preview, timings=timings, **options)
    if quick is not None:
        quick.join()  # the quick look is handed over before the full image, never after
    return image


def _preview(preview_to: Callable[[ProcessedImage], None], quick: np.ndarray,
             calibration_created: Any, params: ProcessingParams, pixel_spacing_mm: float,
             options: dict[str, Any], timings: dict[str, float]) -> None:
    """The quick look of :func:`process_frame` from its binned kerma, handed to ``preview_to``."""
    try:
        image = process_kerma(quick, calibration_created, params, preview=True,
                              pixel_spacing_mm=pixel_spacing_mm, timings=timings, **options)
        preview_to(image)
    except Exception:  # the full image is still coming: the quick look is only a courtesy
        log.warning("the preview of a frame failed", exc_info=True)


def process_kerma(kerma: np.ndarray, calibration_created: Any, params: ProcessingParams, *,
                  pixel_spacing_mm: float, ei_target: float | None = None,
                  imaging: ImagingConfig | None = None, marker: str | None = None,
                  rotation: int = 0, flip: str = "none",
                  crop: tuple[int, int, int, int] | None = None,
                  marker_at: tuple[float, float] | None = None,
                  preview: bool = False,
                  timings: dict[str, float] | None = None) -> ProcessedImage:
    """:func:`process_frame` after the correction: ``kerma`` (float32 µGy, corrected with the
    calibration made at ``calibration_created``) to the For Presentation image. A stitched
    long-length image comes in here, its fields corrected one by one. ``kerma`` is used as
    scratch space."""
    imaging = imaging or ImagingConfig()
    keep_frame_memory()
    if rotation not in pres.ROTATIONS:
        raise ValueError(f"rotation must be one of {pres.ROTATIONS}, got {rotation}")
    if flip not in pres.FLIPS:
        raise ValueError(f"flip must be one of {pres.FLIPS}, got {flip!r}")
    if marker is not None and marker.upper() not in ("L", "R"):
        raise ValueError(f"marker must be 'L', 'R' or None, got {marker!r}")
    timings = dict(timings or {})  # stages timed before this one (the correction)
    clock = _Clock(timings)
    spacing = pixel_spacing_mm
    if preview:
        binning = factor_for(kerma.shape, PREVIEW_SIZE)
        if binning > 1:
            kerma = block_mean(kerma, binning)
            spacing *= binning
    scale = factor_for(kerma.shape, 512 if not preview else 256)
    small = block_mean(kerma, scale)
    clock.lap("decimate")
    found = detect_field(kerma, small, scale)
    clock.lap("collimation")
    regions = segment(small, found, scale, mammography=params.mammography)
    clock.lap("segmentation")
    exposure = exposure_index(small, regions, ei_target, imaging.di_warning, imaging.di_alarm)
    clock.lap("exposure")
    pixels = process(kerma, small, regions, exposure.value_of_interest_uGy, spacing,
                     params).pixels
    del kerma
    clock.lap("processing")

    shape = pixels.shape
    pres.shutter(pixels, found, params.shutter, params.bits_stored)
    pixels = pres.transform_image(pixels, rotation, flip)
    out_field = pres.transform_field(found, shape, rotation, flip)
    if params.crop_to_field:
        pixels, out_field = _cut(pixels, out_field, out_field.bounding_box(pixels.shape))
    if crop is not None:
        pixels, out_field = _cut(pixels, out_field, _crop_box(crop, pixels.shape))
    pixels = np.ascontiguousarray(pixels)
    overlay = None
    burned = False
    if marker:
        mask = pres.marker_mask(pixels.shape, marker, out_field.bounding_box(pixels.shape),
                                at=marker_at)
        if imaging.burn_in_marker:
            pixels[mask] = (1 << params.bits_stored) - 1
            burned = True
        else:
            overlay = pres.Overlay(mask)
    orientation = pres.Orientation(
        pres.transform_orientation(params.patient_orientation, rotation, flip), rotation, flip)
    clock.lap("presentation")
    timings["total"] = round(sum(timings.values()), 1)

    return ProcessedImage(
        pixels=pixels, bits_stored=params.bits_stored, window=pres.window_for(params.bits_stored),
        exposure=exposure, field=out_field, detected_field=found, orientation=orientation,
        burned_in_marker=burned, overlay=overlay,
        shutter_vertices=pres.shutter_vertices(out_field, pixels.shape)
        if params.shutter == "none" else [],
        pixel_spacing_mm=spacing, calibration_created=calibration_created, params=params,
        regions=regions, timings_ms=timings)


def _cut(pixels: np.ndarray, field: Field,
         box: tuple[int, int, int, int]) -> tuple[np.ndarray, Field]:
    """The pixels inside ``box`` (first row, first column, end row, end column), and the field
    in the cut image's coordinates."""
    r0, c0, r1, c1 = box
    moved = Field((field.centre[0] - c0, field.centre[1] - r0), field.width, field.height,
                  field.angle_deg)
    return pixels[r0:r1, c0:c1], moved


def _crop_box(crop: tuple[int, int, int, int],
              shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    r0, c0, r1, c1 = (int(v) for v in crop)
    r0, c0 = max(0, r0), max(0, c0)
    r1, c1 = min(shape[0], r1), min(shape[1], c1)
    if r1 - r0 < 16 or c1 - c0 < 16:
        raise ValueError(f"crop {tuple(crop)} leaves less than 16×16 pixels of the "
                         f"{shape[0]}×{shape[1]} image")
    return r0, c0, r1, c1


def sidecar_options(sidecar: dict[str, Any]) -> dict[str, Any]:
    """``process_frame`` options from a stored raw frame's sidecar (``vxacq.hal.rawstore``).

    Pixel spacing from the panel's pitch, the L/R marker from the exposure's laterality.
    Re-processing is ``process_frame(pixels, calibration, other_params,
    **sidecar_options(sidecar), ei_target=protocol.target_ei)`` on the loaded frame: the raw
    pixels are kept, so no new exposure is needed.
    """
    try:
        pitch = float(sidecar["detector"]["pixel_pitch_mm"])
    except (KeyError, TypeError, ValueError):
        raise ValueError("the raw frame's sidecar has no detector pixel_pitch_mm") from None
    side = (sidecar.get("requested") or {}).get("laterality")
    return {"pixel_spacing_mm": pitch, "marker": side if side in ("L", "R") else None}


def calibration_key(sidecar: dict[str, Any]) -> str:
    """The detector ID a stored frame's calibration is filed under (see ``detector_key``)."""
    d = sidecar["detector"]
    return detector_key(d["serial_number"], d["rows"], d["columns"])


def process_exposure(pixels: np.ndarray, sidecar: dict[str, Any], config: Config, *,
                     ei_target: float | None, params: ProcessingParams | None = None,
                     mode: str = "default", **options: Any) -> tuple[ProcessedImage, CalibrationStatus]:
    """Process a frame stored by acquisition with the station's calibration and presets.

    What ``vxacq acquire`` and re-processing call: the calibration is the newest of the
    frame's detector (``calibration_key``) and ``mode``; ``params`` default to the preset of
    the sidecar's protocol; ``options`` (rotation, flip, marker, preview, preview_to) override the
    sidecar's. Returns the image and the calibration's status, whose ``state`` is "expired"
    when the calibration is past ``calibration_max_age_days`` (the image is still made; show
    the message). Raises CalibrationError when the detector mode has no calibration.
    """
    calibration, status = station_calibration(sidecar, config, mode)
    if params is None:
        params = load_presets().for_protocol(sidecar.get("protocol"))
    merged = {**sidecar_options(sidecar), **options}
    image = process_frame(pixels, calibration, params, ei_target=ei_target,
                          imaging=config.imaging, **merged)
    return image, status


def station_calibration(sidecar: dict[str, Any], config: Config,
                        mode: str = "default") -> tuple[Calibration, CalibrationStatus]:
    """The newest calibration of the stored frame's detector and ``mode``, and its status."""
    store = CalibrationStore.for_data_dir(config.data_dir)
    key = calibration_key(sidecar)
    status = store.status(key, mode, config.imaging.calibration_max_age_days)
    return _cached(store, key, mode), status


_calibrations: dict[tuple[str, str, str], Calibration] = {}
# The review preview and the full processing of one frame run at once: one loads, one waits.
_calibrations_lock = threading.Lock()


def _cached(store: CalibrationStore, key: str, mode: str) -> Calibration:
    """The newest calibration, loaded once per file (loading maps a 3072² panel takes ~1 s)."""
    entry = store.latest_entry(key, mode)
    if entry is None:
        return store.load(key, mode)  # raises CalibrationError with the "missing" message
    slot = (str(store.root), key, mode)
    with _calibrations_lock:
        cached = _calibrations.get(slot)
        if cached is None or cached.created.isoformat() != entry["created"]:
            cached = _calibrations[slot] = store.load(key, mode)
    return cached


def preload_calibrations(config: Config) -> int:
    """Load the newest calibration of every detector and mode in the station's store, so the
    first exposure after start-up is not slowed by reading maps (the console calls this on a
    worker at start). Returns how many were loaded."""
    store = CalibrationStore.for_data_dir(config.data_dir)
    slots = {(e["detector_id"], e["mode"]) for e in store.entries()}
    for key, mode in slots:
        _cached(store, key, mode)
    return len(slots)


class _Clock:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self.last) * 1000, 1)
        self.last = now

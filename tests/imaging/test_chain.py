"""process_frame end to end: DICOM attributes, re-processing from the stored raw frame, preview."""

from datetime import UTC, datetime

import numpy as np
import pytest

from hardware_sim.physics import Field
from tests.imaging.helpers import expose, spacing
from vxacq.imaging.calibration import Calibration
from vxacq.config import Config, StationConfig
from vxacq.hal import rawstore
from vxacq.imaging.calibration import CalibrationError, CalibrationStore
from vxacq.imaging.chain import (
    PREVIEW_SIZE, calibration_key, process_exposure, process_frame, sidecar_options,
)

DR = "DRTEST"


def test_result_carries_ei_window_orientation_and_timings(dr_calibration, presets) -> None:
    frame = expose(DR, "chest", 120, 20.0, field=Field(350, 380), seed=1)
    image = process_frame(frame.pixels, dr_calibration, presets.for_protocol("CHEST_PA"),
                          pixel_spacing_mm=spacing(DR), ei_target=100.0, marker="R")
    attrs = image.dicom_attributes()
    assert attrs["ExposureIndex"] == image.ei > 0
    assert attrs["TargetExposureIndex"] == 100.0
    assert attrs["DeviationIndex"] == pytest.approx(10 * np.log10(image.ei / 100), abs=0.01)
    assert attrs["DateOfLastDetectorCalibration"] == dr_calibration.created.strftime("%Y%m%d")
    assert (attrs["Rows"], attrs["Columns"]) == frame.pixels.shape
    assert attrs["PatientOrientation"] == ["L", "F"]
    summary = image.to_dict()
    assert {"ei", "ei_t", "di", "di_band", "window_center", "window_width", "field",
            "timings_ms"} <= summary.keys()
    assert set(image.timings_ms) >= {"correction", "collimation", "processing", "presentation", "total"}


def test_reprocessing_from_the_stored_raw_frame(tmp_path, dr_calibration, presets) -> None:
    frame = expose(DR, "hand", 55, 5.0, field=Field(200, 250), seed=2)
    detector = {"serial_number": "SIM4343-0001", "rows": 384, "columns": 384,
                "pixel_pitch_mm": spacing(DR)}
    rawstore.save(tmp_path, "1.2.3", frame.pixels,
                  {"protocol": "HAND_PA", "detector": detector, "requested": {"laterality": "L"}})
    pixels, sidecar = rawstore.load(tmp_path, "1.2.3")
    options = sidecar_options(sidecar)
    assert options == {"pixel_spacing_mm": spacing(DR), "marker": "L"}
    assert calibration_key(sidecar) == "SIM4343-0001_384x384"
    params = presets.for_protocol("HAND_PA")
    first = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                          ei_target=50.0, marker="L")
    again = process_frame(pixels, dr_calibration, params, ei_target=50.0, **options)
    assert np.array_equal(first.pixels, again.pixels)
    softer = process_frame(pixels, dr_calibration, params.with_overrides(edge_gain=1.0),
                           ei_target=50.0, rotation=180, **options)
    assert softer.ei == first.ei and softer.di == first.di  # same exposure, same EI
    assert not np.array_equal(softer.pixels, first.pixels)
    assert softer.orientation.PatientOrientation == ("L", "F")  # HAND_PA R\H turned 180°


def test_sidecar_without_pixel_pitch_is_refused() -> None:
    with pytest.raises(ValueError, match="pixel_pitch_mm"):
        sidecar_options({"protocol": "HAND_PA"})


def test_preview_is_binned_to_at_most_1024(presets) -> None:
    # A synthetic 2500×2100 frame: a bright rectangle field on a dark border, ideal calibration.
    raw = np.full((2500, 2100), 100, np.uint16)
    raw[300:2200, 250:1850] = 1100
    cal = Calibration("SYN", "default", datetime.now(UTC), np.full(raw.shape, 100, np.float32),
                      np.full(raw.shape, 0.01, np.float32), np.zeros(raw.shape, bool), 10.0)
    image = process_frame(raw, cal, presets.default, pixel_spacing_mm=0.1, preview=True)
    assert max(image.pixels.shape) <= PREVIEW_SIZE
    assert image.pixel_spacing_mm == pytest.approx(0.3)
    assert image.ei == pytest.approx(1000.0, rel=0.01)  # 10 µGy everywhere in the field
    r0, c0, r1, c1 = image.field.bounding_box(image.pixels.shape)
    assert (r0, c0, r1, c1) == pytest.approx((100, 83, 733, 617), abs=2)


def test_quick_look_comes_from_the_frame_being_processed(presets, caplog) -> None:
    # The preview handed over on the way is the one a preview run makes, the full image is
    # the one a plain run makes, and the quick look arrives before the full image returns.
    raw = np.full((2500, 2100), 100, np.uint16)
    raw[300:2200, 250:1850] = 1100
    raw[1000:1400, 900:1300] = 600  # some anatomy
    cal = Calibration("SYN", "default", datetime.now(UTC), np.full(raw.shape, 100, np.float32),
                      np.full(raw.shape, 0.01, np.float32), np.zeros(raw.shape, bool), 10.0)
    options = dict(pixel_spacing_mm=0.1, ei_target=500.0, marker="R")
    handed: list = []
    full = process_frame(raw, cal, presets.default, preview_to=handed.append, **options)
    [quick] = handed
    alone = process_frame(raw, cal, presets.default, preview=True, **options)
    assert np.array_equal(quick.pixels, alone.pixels) and quick.ei == alone.ei
    assert quick.pixel_spacing_mm == pytest.approx(0.3)
    assert np.array_equal(full.pixels, process_frame(raw, cal, presets.default, **options).pixels)

    def broken(_image) -> None:
        raise RuntimeError("the screen went away")

    with caplog.at_level("WARNING"):
        again = process_frame(raw, cal, presets.default, preview_to=broken, **options)
    assert np.array_equal(again.pixels, full.pixels)  # a failed quick look costs nothing else
    assert "preview of a frame failed" in caplog.text


def test_process_exposure_uses_the_station_calibration(tmp_path, dr_calibration) -> None:
    config = Config(station=StationConfig(data_dir=str(tmp_path)))
    detector = {"serial_number": "SIM4343-0001", "rows": 384, "columns": 384,
                "pixel_pitch_mm": spacing(DR)}
    sidecar = {"protocol": "HAND_PA", "detector": detector, "requested": {"laterality": "R"}}
    frame = expose(DR, "hand", 55, 5.0, field=Field(200, 250), seed=3)
    with pytest.raises(CalibrationError, match="no calibration"):
        process_exposure(frame.pixels, sidecar, config, ei_target=50.0)
    stored = Calibration(calibration_key(sidecar), "default", dr_calibration.created,
                         dr_calibration.offset, dr_calibration.gain, dr_calibration.defects,
                         dr_calibration.flat_kerma_uGy)
    CalibrationStore.for_data_dir(tmp_path).save(stored)
    image, status = process_exposure(frame.pixels, sidecar, config, ei_target=50.0)
    assert status.state == "ok"
    assert image.params.name == "HAND_PA" and image.ei_t == 50.0 and image.di is not None
    assert image.overlay is not None  # marker R from the laterality, not burned in by default
    config.imaging.calibration_max_age_days = 0
    _, expired = process_exposure(frame.pixels, sidecar, config, ei_target=50.0, rotation=90)
    assert expired.state == "expired"


def test_radiographer_crop_keeps_the_rectangle_and_moves_the_marker(dr_calibration,
                                                                     presets) -> None:
    frame = expose(DR, "hand", 55, 5.0, field=Field(200, 250), seed=3)
    params = presets.for_protocol("HAND_PA")
    whole = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                          ei_target=50.0, marker="L")
    rows, cols = whole.pixels.shape
    box = (10, 20, rows - 30, cols - 5)
    cropped = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                            ei_target=50.0, marker="L", crop=box)
    assert cropped.pixels.shape == (rows - 40, cols - 25)
    assert np.array_equal(cropped.pixels, whole.pixels[10:rows - 30, 20:cols - 5])
    assert cropped.ei == whole.ei  # the exposure did not change
    assert cropped.field.centre == (whole.field.centre[0] - 20, whole.field.centre[1] - 10)
    with pytest.raises(ValueError, match="16"):
        process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                      ei_target=50.0, crop=(0, 0, 8, 8))

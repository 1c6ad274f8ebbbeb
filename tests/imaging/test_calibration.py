"""Calibration: defects found from the frames alone, maps stored and reported by age."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from hardware_sim import physics
from hardware_sim.detector_models import GOOD, HOT_PIXEL, static_maps, get_model
from tests.imaging.helpers import FLAT_KERMA, calibrate
from vxacq.imaging.calibration import (
    CalibrationError, CalibrationStore, build_calibration, find_defects,
)


def test_defects_found_statistically_match_the_panel(dr_calibration) -> None:
    truth = static_maps(get_model("DRTEST")).defects != GOOD
    assert truth.sum() > 100  # dead and hot pixels, a dead row and column, clusters
    missed = truth & ~dr_calibration.defects
    extra = dr_calibration.defects & ~truth
    assert missed.sum() == 0
    assert extra.sum() <= 0.0005 * truth.size


def test_gain_turns_signal_into_kerma_at_rqa5(dr_calibration) -> None:
    frame = physics.flat_field("DRTEST", 5.0, seed=7)
    kerma = (frame.pixels - dr_calibration.offset) * dr_calibration.gain
    good = ~dr_calibration.defects
    assert np.median(kerma[good]) == pytest.approx(5.0, rel=0.01)
    # Flat-fielding takes out the beam shape and the pixel gain spread (3 % on this panel).
    assert np.std(kerma[good]) / 5.0 < 0.02


def test_a_lone_hot_pixel_in_synthetic_frames_is_found() -> None:
    rng = np.random.default_rng(0)
    dark = rng.normal(100, 2, (64, 64)).astype(np.float32)
    dark[10, 20] = 4000
    response = rng.normal(1000, 10, (64, 64)).astype(np.float32)
    response[40, 41] = 300  # a weak pixel
    defects = find_defects(dark, response)
    assert defects[10, 20] and defects[40, 41]
    assert defects.sum() == 2


def test_flats_without_exposure_are_refused() -> None:
    darks = [physics.dark_frame("DRTEST", seed=i).pixels for i in range(2)]
    with pytest.raises(CalibrationError, match="no exposure"):
        build_calibration(darks, darks, FLAT_KERMA, "DRTEST")


def test_frames_of_different_sizes_are_refused() -> None:
    with pytest.raises(CalibrationError, match="differ in size"):
        build_calibration([np.zeros((8, 8), np.uint16)], [np.ones((8, 9), np.uint16)], 10, "X")


def test_store_keeps_newest_per_detector_and_mode(tmp_path, dr_calibration) -> None:
    store = CalibrationStore(tmp_path)
    older = calibrate("DRTEST", frames=1, seed=5)
    older.created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    store.save(older)
    store.save(dr_calibration)
    loaded = store.load("DRTEST")
    assert loaded.created == dr_calibration.created
    assert np.array_equal(loaded.defects, dr_calibration.defects)
    assert np.array_equal(loaded.gain, dr_calibration.gain)
    assert len(store.entries()) == 2
    assert older.DateOfLastDetectorCalibration == "20260102"
    assert older.TimeOfLastDetectorCalibration == "030405"


def test_status_reports_missing_expired_and_ok(tmp_path) -> None:
    store = CalibrationStore(tmp_path)
    missing = store.status("DRTEST", "default", 180)
    assert missing.state == "missing" and "vxacq calibrate" in missing.message
    with pytest.raises(CalibrationError, match="no calibration"):
        store.load("DRTEST")
    cal = calibrate("DRTEST", frames=1)
    cal.created = datetime.now(UTC) - timedelta(days=200)
    store.save(cal)
    expired = store.status("DRTEST", "default", 180)
    assert expired.state == "expired" and "200 days" in expired.message and expired.usable
    assert store.status("DRTEST", "default", 365).state == "ok"
    assert store.status("DRTEST", "high-gain", 365).state == "missing"


def test_unreadable_index_is_reported(tmp_path) -> None:
    (tmp_path / "index.json").write_text("{not json")
    with pytest.raises(CalibrationError, match="index cannot be read"):
        CalibrationStore(tmp_path).status("DRTEST", "default", 180)


def test_hot_pixels_are_among_defects(dr_calibration) -> None:
    hot = static_maps(get_model("DRTEST")).defects == HOT_PIXEL
    assert dr_calibration.defects[hot].all()


def test_saturated_flats_are_refused() -> None:
    darks = [physics.dark_frame("DRTEST", seed=1).pixels]
    flats = [physics.flat_field("DRTEST", 60.0, seed=2).pixels]  # beyond the panel's range
    with pytest.raises(CalibrationError, match="saturated"):
        build_calibration(darks, flats, 60.0, "DRTEST")

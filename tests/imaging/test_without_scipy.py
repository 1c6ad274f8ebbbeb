"""The image chain and the simulator give what they gave with scipy.ndimage: the same frames
processed with vxacq.imaging.filters/.morphology and with scipy's functions in their place
(tests/imaging/scipy_reference.py), compared result by result. scipy is a test-only dependency."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from hardware_sim import detector_models, physics
from hardware_sim.phantoms import long_field
from tests.imaging.helpers import calibrate, expose, spacing
from tests.imaging.scipy_reference import FRAMES, use_scipy
from vxacq.imaging.chain import process_frame
from vxacq.imaging.corrections import correct
from vxacq.imaging.params import load_presets
from vxacq.imaging.stitching import FieldImage, stitch

PROTOCOLS = {"chest": "CHEST_PA", "hand": "HAND_PA", "knee": "KNEE_AP", "pelvis": "PELVIS_AP",
             "breast": "MAMMO_LCC"}


def run_chain() -> list:
    presets = load_presets()
    out = []
    for model, phantom, kv, dose, field in FRAMES:
        calibration = calibrate(model)
        frame = expose(model, phantom, kv, dose, field=field, seed=7)
        params = presets.for_protocol(PROTOCOLS[phantom])
        out.append((calibration, process_frame(frame.pixels, calibration, params,
                                               pixel_spacing_mm=spacing(model))))
    return out


def test_chain_results_as_with_scipy(monkeypatch) -> None:
    ours = run_chain()
    with monkeypatch.context() as patch:
        use_scipy(patch)
        theirs = run_chain()
    for (cal_a, a), (cal_b, b) in zip(ours, theirs):
        assert np.array_equal(cal_a.defects, cal_b.defects)
        assert a.detected_field.to_dict() == b.detected_field.to_dict()
        for mask in ("field", "raw_beam", "anatomy"):
            assert np.array_equal(getattr(a.regions, mask), getattr(b.regions, mask)), mask
        assert a.ei == pytest.approx(b.ei, rel=1e-6) and a.window == b.window
        # float32 sums in another order: a stored value may round to its neighbour
        assert np.abs(a.pixels.astype(int) - b.pixels).max() <= 1
        assert np.mean(a.pixels != b.pixels) < 1e-3


def clear_simulator_caches() -> None:
    detector_models.static_maps.cache_clear()
    for cached in (physics._thickness, physics._transmission, physics._axes, physics._upsampler):
        cached.cache_clear()


def test_simulator_frames_and_stitching_as_with_scipy(monkeypatch) -> None:
    def run() -> tuple[np.ndarray, list]:
        clear_simulator_caches()
        calibration = calibrate("DRTEST")
        fields = []
        for stand in (-290.0, 0.0):
            frame = physics.render_frame("DRTEST", long_field("spine_full", stand), 85, 6, 1800,
                                         grid=True, seed=int(stand) + 1000)
            fields.append(FieldImage(-np.log(np.clip(correct(frame.pixels, calibration), 1e-3,
                                                     None)), stand))
        return frame.pixels, stitch(fields, spacing("DRTEST")).seams

    try:
        ours = run()
        with monkeypatch.context() as patch:
            use_scipy(patch)
            theirs = run()
    finally:
        clear_simulator_caches()
    # the simulator's noise is drawn from the same seeds: the frames differ by rounding only
    assert np.abs(ours[0].astype(int) - theirs[0]).max() <= 1
    for a, b in zip(ours[1], theirs[1]):
        assert a.shift == pytest.approx(b.shift, abs=1e-3) and a.registered == b.registered


def test_the_console_does_not_import_scipy() -> None:
    """The image chain, the simulator and the whole command set without scipy.ndimage."""
    code = ("import sys, vxacq.imaging.chain, vxacq.imaging.stitching, hardware_sim.physics, "
            "vxacq.cli; assert 'scipy' not in sys.modules, 'scipy imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

"""Multiscale processing: deterministic, nothing clipped in the anatomy, dose-independent look."""

import numpy as np
import pytest
from scipy import ndimage

from hardware_sim.physics import Field
from tests.imaging.helpers import expose, spacing
from vxacq.imaging import pyramid
from vxacq.imaging.chain import process_frame
from vxacq.imaging.params import ParamsError, ProcessingParams, load_presets

DR = "DRTEST"


def anatomy_pixels(image) -> np.ndarray:
    r = image.regions
    sampled = image.pixels[r.scale // 2::r.scale, r.scale // 2::r.scale]
    return sampled[: r.anatomy.shape[0], : r.anatomy.shape[1]][r.anatomy]


def test_pyramid_reconstructs_exactly_on_odd_sizes() -> None:
    image = np.random.default_rng(1).random((301, 257), dtype=np.float32)
    details, residual = pyramid.build(image, pyramid.levels_for(image.shape, coarsest=8))
    assert np.allclose(pyramid.collapse(details, residual), image, atol=1e-5)
    flat = np.full((64, 48), 3.0, np.float32)
    assert np.allclose(pyramid.reduce2(flat), 3.0) and np.allclose(pyramid.expand2(flat, (128, 96)), 3.0)


def test_processing_is_deterministic(dr_calibration, presets) -> None:
    frame = expose(DR, "hand", 55, 5.0, field=Field(220, 260, (0, 0), 10), seed=5)
    params = presets.for_protocol("HAND_PA")
    a = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR))
    b = process_frame(frame.pixels.copy(), dr_calibration, params, pixel_spacing_mm=spacing(DR))
    assert np.array_equal(a.pixels, b.pixels)
    assert a.ei == b.ei and a.window == b.window


@pytest.mark.parametrize("phantom,protocol,kv,dose", [
    ("chest", "CHEST_PA", 120, 2.5), ("chest", "CHEST_PA", 120, 40.0),
    ("hand", "HAND_PA", 55, 1.0), ("hand", "HAND_PA", 55, 20.0),
    ("knee", "KNEE_LAT", 65, 5.0), ("skull", "SKULL_AP", 75, 10.0),
    ("pelvis", "PELVIS_AP", 80, 30.0)])
def test_nothing_in_the_anatomy_is_clipped(dr_calibration, presets, phantom, protocol, kv, dose) -> None:
    frame = expose(DR, phantom, kv, dose, field=Field(320, 360, (0, 0), 4), seed=6)
    params = presets.for_protocol(protocol)
    image = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR))
    top = (1 << params.bits_stored) - 1
    r = image.regions
    # Every anatomy pixel at full resolution (the masks are on the statistics grid).
    full = np.kron(r.anatomy, np.ones((r.scale, r.scale), bool))
    values = image.pixels[: full.shape[0], : full.shape[1]][full]
    assert values.size > 1000
    assert values.min() > 0 and values.max() < top
    # The anatomy uses the range: most of it between 5 % and 95 %.
    inside = np.mean((values > 0.05 * top) & (values < 0.95 * top))
    assert inside > 0.95


def test_look_does_not_depend_on_dose(dr_calibration, presets) -> None:
    params = presets.for_protocol("HAND_PA")
    field = Field(220, 260)
    low = process_frame(expose(DR, "hand", 55, 2.0, field=field, seed=7).pixels, dr_calibration,
                        params, pixel_spacing_mm=spacing(DR))
    high = process_frame(expose(DR, "hand", 55, 16.0, field=field, seed=7).pixels, dr_calibration,
                         params, pixel_spacing_mm=spacing(DR))
    top = (1 << params.bits_stored) - 1
    assert abs(np.median(anatomy_pixels(low)) - np.median(anatomy_pixels(high))) < 0.03 * top
    assert high.ei == pytest.approx(8 * low.ei, rel=0.1)


def test_edge_enhancement_raises_bone_edge_contrast(dr_calibration, presets) -> None:
    frame = expose(DR, "hand", 55, 20.0, field=Field(220, 260), seed=8)
    base = presets.for_protocol("HAND_PA")
    # This reduced panel has 1.1 mm pixels: edge enhancement acts on its finest level (2.2 mm).
    base = base.with_overrides(edge_scale_mm=2.5)
    flat = base.with_overrides(edge_gain=1.0, contrast_power=1.0, latitude=1.0, noise_suppression=0.0)
    sharp = base.with_overrides(edge_gain=2.5, contrast_power=1.0, latitude=1.0, noise_suppression=0.0)
    a = process_frame(frame.pixels, dr_calibration, flat, pixel_spacing_mm=spacing(DR))
    b = process_frame(frame.pixels, dr_calibration, sharp, pixel_spacing_mm=spacing(DR))
    def detail(image):  # fine detail energy inside the anatomy
        hp = image.pixels.astype(float) - ndimage.uniform_filter(image.pixels.astype(float), 3)
        r = image.regions
        mask = np.kron(r.anatomy, np.ones((r.scale, r.scale), bool))
        return np.std(hp[: mask.shape[0], : mask.shape[1]][mask])
    assert detail(b) > 1.3 * detail(a)


def test_latitude_compression_narrows_the_anatomy_range(dr_calibration, presets) -> None:
    frame = expose(DR, "chest", 120, 10.0, field=Field(350, 380), seed=9)
    base = presets.for_protocol("CHEST_PA").with_overrides(window_low_percentile=0.0001,
                                                           window_high_percentile=99.9999)
    wide = process_frame(frame.pixels, dr_calibration, base.with_overrides(latitude=1.0),
                         pixel_spacing_mm=spacing(DR))
    narrow = process_frame(frame.pixels, dr_calibration, base.with_overrides(latitude=0.3),
                           pixel_spacing_mm=spacing(DR))
    # Both fill the window; with compression the lungs sit closer to the mediastinum in value
    # relative to fine detail: the large-scale spread shrinks.
    def large_scale_spread(image):
        smooth = ndimage.uniform_filter(image.pixels.astype(float), 31)
        r = image.regions
        mask = np.kron(r.anatomy, np.ones((r.scale, r.scale), bool))
        v = smooth[: mask.shape[0], : mask.shape[1]][mask]
        return np.percentile(v, 95) - np.percentile(v, 5)
    assert large_scale_spread(narrow) < 0.9 * large_scale_spread(wide)


def test_presets_cover_the_protocols_and_reject_bad_values(tmp_path) -> None:
    presets = load_presets()
    for protocol in ("CHEST_PA", "CHEST_LAT", "HAND_PA", "KNEE_LAT", "SKULL_AP", "PELVIS_AP",
                     "MAMMO_LCC", "MAMMO_RMLO"):
        assert presets.for_protocol(protocol).name == protocol
    assert presets.for_protocol("UNKNOWN").name == "default"
    assert presets.for_protocol("MAMMO_LCC").mammography
    bad = tmp_path / "p.toml"
    bad.write_text("[default]\nbits_stored = 10\n")
    with pytest.raises(ParamsError, match="bits_stored must be 12 or 14"):
        load_presets(bad)
    bad.write_text("[HAND_PA]\nedge_gian = 2.0\n")
    with pytest.raises(ParamsError, match="unknown field 'edge_gian'"):
        load_presets(bad)
    with pytest.raises(ParamsError, match="latitude"):
        ProcessingParams().with_overrides(latitude=0)

"""Mammography variant: the breast is segmented and its skin line stays visible."""

import numpy as np
import pytest
from scipy import ndimage

from hardware_sim import phantoms
from hardware_sim.detector_models import get_model
from tests.imaging.helpers import expose, spacing
from vxacq.imaging.chain import process_frame

MG = "MGTEST"


def breast_truth() -> np.ndarray:
    """Where the phantom has tissue (test-side helper from the phantom's thickness maps)."""
    m = get_model(MG)
    x = (np.arange(m.columns) - (m.columns - 1) / 2) * m.pixel_pitch_mm
    y = (np.arange(m.rows) - (m.rows - 1) / 2) * m.pixel_pitch_mm
    maps = phantoms.draw("breast", x, y)
    return sum(maps.values()) > 1.0  # more than 1 mm of tissue


@pytest.fixture(scope="module")
def mammo(mg_calibration, presets):
    frame = expose(MG, "breast", 28, 60.0, grid=True, seed=3)
    params = presets.for_protocol("MAMMO_LCC")
    image = process_frame(frame.pixels, mg_calibration, params, pixel_spacing_mm=spacing(MG))
    return frame, image, params


def test_breast_is_segmented(mammo) -> None:
    _, image, _ = mammo
    r = image.regions
    truth = breast_truth()[r.scale // 2::r.scale, r.scale // 2::r.scale][: r.anatomy.shape[0], : r.anatomy.shape[1]]
    overlap = (r.anatomy & truth).sum() / (r.anatomy | truth).sum()
    assert overlap > 0.9
    assert r.raw_level_uGy is not None  # the direct exposure around the breast


def test_skin_line_is_preserved(mammo, mg_calibration) -> None:
    frame, image, params = mammo
    top = (1 << params.bits_stored) - 1
    truth = breast_truth()
    skin = truth & ~ndimage.binary_erosion(truth, iterations=2)  # the outermost 2 px of breast
    outside = ndimage.binary_dilation(truth, iterations=6) & ~ndimage.binary_dilation(truth, iterations=3)
    skin_values = image.pixels[skin]
    background = image.pixels[outside]
    assert skin_values.min() > 0 and image.pixels[truth].max() < top  # nothing clipped
    # The skin line stands out from the direct-exposure background.
    assert np.median(skin_values) > np.median(background) + 0.05 * top
    # Peripheral equalisation lifts the thin edge towards the interior's brightness.
    plain = process_frame(frame.pixels, mg_calibration, params.with_overrides(skin_equalisation=0.0),
                          pixel_spacing_mm=spacing(MG))
    band = truth & ~ndimage.binary_erosion(truth, iterations=8)
    interior = ndimage.binary_erosion(truth, iterations=30)
    gap_eq = np.median(image.pixels[interior].astype(float)) - np.median(image.pixels[band])
    gap_plain = np.median(plain.pixels[interior].astype(float)) - np.median(plain.pixels[band])
    assert gap_eq < gap_plain


def test_mammography_is_stored_in_14_bits(mammo) -> None:
    _, image, _ = mammo
    assert image.bits_stored == 14
    assert image.dicom_attributes()["HighBit"] == 13
    assert image.pixels.max() <= 16383


def test_right_breast_mirrored_is_segmented_too(mg_calibration, presets) -> None:
    frame = expose(MG, "breast", 28, 60.0, grid=True, seed=4, mirror=True)
    image = process_frame(frame.pixels, mg_calibration, presets.for_protocol("MAMMO_RMLO"),
                          pixel_spacing_mm=spacing(MG))
    r = image.regions
    truth = breast_truth()[:, ::-1][r.scale // 2::r.scale, r.scale // 2::r.scale][
        : r.anatomy.shape[0], : r.anatomy.shape[1]]
    assert (r.anatomy & truth).sum() / (r.anatomy | truth).sum() > 0.9
    full = np.kron(r.anatomy, np.ones((r.scale, r.scale), bool))
    values = image.pixels[: full.shape[0], : full.shape[1]][full]
    assert values.min() > 0 and values.max() < 16383

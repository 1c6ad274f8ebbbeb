"""Exposure Index against the simulator's ground-truth kerma; Deviation Index and its bands."""

import math

import numpy as np
import pytest

from hardware_sim.physics import Field
from tests.imaging.helpers import expose, spacing, true_kerma
from vxacq.config import ImagingConfig
from vxacq.imaging.chain import process_frame
from vxacq.imaging.exposure_index import deviation_index, di_band

DOSES = (0.5, 1.0, 2.5, 8.0)  # µGy at the detector centre
KVS = (50, 70, 100)


@pytest.mark.parametrize("kv", KVS)
@pytest.mark.parametrize("dose", DOSES)
def test_ei_is_100_times_detector_kerma(dr_calibration, presets, kv, dose) -> None:
    # The IEC 62494-1 condition: a uniform beam, no object, here through a collimated field.
    frame = expose("DRTEST", None, kv, dose, field=Field(300, 280, (10, 0), 8), seed=kv)
    image = process_frame(frame.pixels, dr_calibration, presets.default,
                          pixel_spacing_mm=spacing("DRTEST"))
    expected = 100 * frame.truth.detector_kerma_uGy
    assert image.ei == pytest.approx(expected, rel=0.10)
    assert image.exposure.region == "field"


@pytest.mark.parametrize("phantom,protocol,kv", [
    ("hand", "HAND_PA", 55), ("knee", "KNEE_LAT", 65), ("chest", "CHEST_PA", 120),
    ("skull", "SKULL_AP", 75)])
def test_ei_follows_kerma_behind_the_anatomy(dr_calibration, presets, phantom, protocol, kv) -> None:
    frame = expose("DRTEST", phantom, kv, 10.0, field=Field(300, 340, (0, 0), 5), seed=4)
    image = process_frame(frame.pixels, dr_calibration, presets.for_protocol(protocol),
                          pixel_spacing_mm=spacing("DRTEST"))
    assert image.exposure.region == "anatomy"
    # Ground truth: the true kerma's median over the anatomy the chain chose (block centres).
    truth = true_kerma(frame)
    regions = image.regions
    centres = truth[regions.scale // 2::regions.scale, regions.scale // 2::regions.scale][
        : regions.anatomy.shape[0], : regions.anatomy.shape[1]][regions.anatomy]
    assert image.ei == pytest.approx(100 * np.nanmedian(centres), rel=0.10)
    # ... and well below the open beam: the anatomy attenuates.
    assert image.ei < 100 * frame.truth.detector_kerma_uGy


def test_di_has_the_right_sign_and_size(dr_calibration, presets) -> None:
    params = presets.for_protocol("KNEE_LAT")
    field = Field(250, 340)
    on_target = process_frame(expose("DRTEST", "knee", 65, 4.0, field=field, seed=1).pixels,
                              dr_calibration, params, pixel_spacing_mm=spacing("DRTEST"))
    target = on_target.ei
    results = {}
    for factor in (0.5, 1.0, 1.5, 4.0):
        frame = expose("DRTEST", "knee", 65, 4.0 * factor, field=field, seed=2)
        results[factor] = process_frame(frame.pixels, dr_calibration, params, ei_target=target,
                                        pixel_spacing_mm=spacing("DRTEST"))
    for factor, image in results.items():
        assert image.di == pytest.approx(10 * math.log10(factor), abs=0.4), factor
        assert image.ei_t == target
    assert results[1.0].exposure.band == "ok"
    assert results[1.5].exposure.band == "warning"  # +1.8
    assert results[4.0].exposure.band == "alarm"  # +6
    assert results[0.5].exposure.band == "alarm"  # −3.01
    assert results[0.5].di < 0 < results[1.5].di


def test_di_bands_follow_configuration() -> None:
    assert deviation_index(400, 200) == pytest.approx(3.0103, abs=1e-3)
    assert deviation_index(100, None) is None
    assert di_band(0.5, 1, 3) == "ok"
    assert di_band(-1.5, 1, 3) == "warning"
    assert di_band(3.2, 1, 3) == "alarm"
    assert di_band(1.5, 2, 4) == "ok"
    assert di_band(None, 1, 3) == "none"
    cfg = ImagingConfig(di_warning=0.5, di_alarm=2.0)
    assert di_band(deviation_index(150, 100), cfg.di_warning, cfg.di_alarm) == "warning"

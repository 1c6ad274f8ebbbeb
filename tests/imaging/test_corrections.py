"""Corrections: kerma out, and no defect pixel survives."""

import numpy as np
import pytest

from hardware_sim.detector_models import GOOD, get_model, static_maps
from hardware_sim.physics import Field
from tests.imaging.helpers import expose
from vxacq.imaging.calibration import CalibrationError
from vxacq.imaging.corrections import DefectFill, correct


@pytest.mark.parametrize("phantom", [None, "hand", "chest"])
def test_no_defect_pixel_survives_correction(dr_calibration, phantom) -> None:
    frame = expose("DRTEST", phantom, 70, 5.0, seed=3)
    kerma = correct(frame.pixels, dr_calibration)
    defects = static_maps(get_model("DRTEST")).defects != GOOD
    rows, cols = np.nonzero(defects)
    # Each corrected defect lies within the range of the good pixels around it (5×5),
    # widened by the local noise; a dead (0) or hot (full-scale) value cannot.
    for r, c in zip(rows, cols):
        window = (slice(max(r - 2, 0), r + 3), slice(max(c - 2, 0), c + 3))
        good = kerma[window][~defects[window]]
        if good.size == 0:
            continue
        spread = good.max() - good.min()
        assert good.min() - spread <= kerma[r, c] <= good.max() + spread, (r, c)


def test_defect_fill_interpolates_a_ramp_exactly() -> None:
    y, x = np.mgrid[0:40, 0:50].astype(np.float32)
    image = 3 * x + 2 * y
    defects = np.zeros(image.shape, bool)
    defects[:, 25] = True  # a dead column
    defects[10:17, 5:12] = True  # a 7×7 cluster
    defects[30, 40] = True
    damaged = image.copy()
    damaged[defects] = 0
    DefectFill.from_mask(defects).apply(damaged)
    assert np.allclose(damaged[:, 25][2:-2], image[:, 25][2:-2], atol=1e-3)
    assert damaged[30, 40] == pytest.approx(image[30, 40])
    assert np.all(damaged[defects] > 0)  # even the cluster's centre is filled


def test_calibration_of_another_size_is_refused(dr_calibration) -> None:
    frame = np.zeros((10, 10), np.uint16)
    with pytest.raises(CalibrationError, match="calibrate this detector mode"):
        correct(frame, dr_calibration)


def test_offset_and_gain_give_kerma_in_a_rotated_field(dr_calibration) -> None:
    frame = expose("DRTEST", None, 80, 2.0, field=Field(200, 150, (0, 0), 25), seed=9)
    kerma = correct(frame.pixels, dr_calibration)
    centre = kerma[182:202, 182:202]
    assert np.median(centre) == pytest.approx(2.0, rel=0.03)

"""The detected collimated field lies within a pixel or two of the true one."""

import numpy as np
import pytest

from hardware_sim.physics import Field as SimField
from tests.imaging.helpers import expose
from vxacq.imaging.collimation import Field, convex_hull, detect_field, whole
from vxacq.imaging.corrections import correct
from vxacq.imaging.decimate import block_mean, factor_for

CASES = [
    ("chest", 120, SimField(350, 380)),
    ("hand", 55, SimField(200, 250, (10, -20), 12)),
    ("pelvis", 80, SimField(380, 300)),
    ("skull", 70, SimField(250, 300, (0, 0), -7)),
    ("knee", 65, SimField(150, 300, (0, 0), 30)),
    (None, 70, SimField(200, 200, (30, 10), 20)),
    ("hand", 55, SimField(180, 220, (-40, 30), -38)),
]


def detect(calibration, frame) -> Field:
    kerma = correct(frame.pixels, calibration)
    scale = factor_for(kerma.shape)
    return detect_field(kerma, block_mean(kerma, scale), scale)


@pytest.mark.parametrize("phantom,kv,field", CASES)
def test_detected_field_matches_truth(dr_calibration, phantom, kv, field) -> None:
    frame = expose("DRTEST", phantom, kv, 3.0, field=field, seed=11)
    found = detect(dr_calibration, frame)
    true = np.array(frame.truth.field_polygon_px)
    assert np.abs(found.corners() - true).max() <= 2.0
    assert found.angle_deg == pytest.approx(field.rotation_deg, abs=0.5)


def test_open_collimator_gives_whole_detector(dr_calibration) -> None:
    frame = expose("DRTEST", "chest", 110, 3.0, seed=12)
    found = detect(dr_calibration, frame)
    full = whole(frame.pixels.shape)
    assert np.abs(found.corners() - full.corners()).max() <= 2.0


def test_field_mask_and_bounding_box_of_a_rotated_rectangle() -> None:
    f = Field((50.0, 40.0), 40.0, 20.0, 90.0)  # a quarter turn: 20 wide, 40 high on screen
    mask = f.mask((100, 100))
    rows, cols = np.nonzero(mask)
    assert cols.min() == 40 and cols.max() == 60
    assert rows.min() == 20 and rows.max() == 60
    assert f.bounding_box((100, 100)) == (20, 40, 61, 61)


def test_convex_hull_keeps_the_corners_and_refuses_a_line() -> None:
    rng = np.random.default_rng(3)
    inside = rng.uniform(1, 9, (500, 2))
    corners = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    edge_midpoints = np.array([[5.0, 0.0], [10.0, 5.0]])  # on the hull, not vertices
    hull = convex_hull(np.concatenate([inside, edge_midpoints, corners]))
    assert sorted(map(tuple, hull.tolist())) == sorted(map(tuple, corners.tolist()))
    # the vertices go round the polygon: its area (shoelace) is the square's
    x, y = hull[:, 0], hull[:, 1]
    assert abs(0.5 * (x @ np.roll(y, -1) - y @ np.roll(x, -1))) == pytest.approx(100.0)
    assert convex_hull(np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0]])) is None
    assert convex_hull(np.array([[2.0, 0.0], [2.0, 5.0], [2.0, 1.0], [2.0, 7.0]])) is None
    assert convex_hull(corners[:2]) is None

"""Long-length stitching against the simulator's truth: the fields of a whole spine with a lead
ruler, taken where the stand really was and reported by a positioner that is a few mm off."""

from __future__ import annotations

import numpy as np
import pytest

from hardware_sim import physics
from hardware_sim.detector_models import get_model
from hardware_sim.phantoms import RULER_STEP_MM, long_field
from imaging.helpers import calibrate
from sim.ruler import mark_positions_mm, ruler_column
from vxacq.imaging.corrections import correct
from vxacq.imaging.stitching import FieldImage, StitchError, stitch

MODEL = "DRTEST"  # 384² over the 430 mm panel: 1.12 mm pixels
STANDS = (-290.0, 0.0, 290.0)
POSITIONER_ERROR = (3.0, -2.5, 4.0)  # mm, what the positioner gets wrong


@pytest.fixture(scope="module")
def fields() -> list[FieldImage]:
    calibration = calibrate(MODEL)
    out = []
    for stand, error in zip(STANDS, POSITIONER_ERROR):
        frame = physics.render_frame(MODEL, long_field("spine_full", stand, with_ruler=True),
                                     85, 6, 1800, grid=True, seed=int(stand) + 1000)
        out.append(FieldImage(-np.log(np.clip(correct(frame.pixels, calibration), 1e-3, None)),
                              stand + error))
    return out


def test_seams_land_where_the_stand_really_was(fields) -> None:
    spacing = get_model(MODEL).pixel_pitch_mm
    result = stitch(fields, spacing)
    truth = 290.0 / spacing
    for seam in result.seams:
        assert seam.registered
        assert abs(seam.shift[0] - truth) * spacing < 0.3, seam  # positioner was 5.5 / 6.5 mm off
        assert abs(seam.shift[1]) * spacing < 0.3, seam


def test_lengths_across_the_seams_are_true_and_the_ruler_has_no_step(fields) -> None:
    m = get_model(MODEL)
    result = stitch(fields, m.pixel_pitch_mm)
    marks = mark_positions_mm(result.pixels, m.pixel_pitch_mm,
                              ruler_column(m.width_mm, m.pixel_pitch_mm, result.origins[0][1]))
    assert len(marks) == 95  # every mark of the 940 mm ruler, none twice at a seam
    assert abs((marks[-1] - marks[0]) - 94 * RULER_STEP_MM) < 1.0
    steps = np.diff(marks)
    assert np.all(np.abs(steps - RULER_STEP_MM) < 0.5), steps  # no step at a seam


def test_without_registration_the_positioner_error_shows(fields) -> None:
    # The check above is not blind: joined where the positioner said, the ruler is 6.5 mm short
    # at the first seam and 2.5 mm off overall.
    m = get_model(MODEL)
    nominal = [(f.position_mm - e.position_mm) / m.pixel_pitch_mm
               for e, f in zip(fields, fields[1:])]
    result = stitch(fields, m.pixel_pitch_mm, shifts=[(n, 0.0) for n in nominal])
    marks = mark_positions_mm(result.pixels, m.pixel_pitch_mm,
                              ruler_column(m.width_mm, m.pixel_pitch_mm, result.origins[0][1]))
    steps = np.diff(marks)
    assert np.max(np.abs(steps - RULER_STEP_MM)) > 2.0


def test_fields_are_joined_in_order_of_their_position(fields) -> None:
    spacing = get_model(MODEL).pixel_pitch_mm
    in_order = stitch(fields, spacing)
    shuffled = stitch([fields[2], fields[0], fields[1]], spacing)
    np.testing.assert_array_equal(in_order.pixels, shuffled.pixels)


def test_an_overlap_with_nothing_in_it_keeps_the_positioner_geometry() -> None:
    flat = np.ones((200, 120), np.float32)
    result = stitch([FieldImage(flat, 0.0), FieldImage(flat, 150.0)], 1.0)
    (seam,) = result.seams
    assert not seam.registered and seam.shift == (150.0, 0.0)
    assert result.pixels.shape == (350, 120)


@pytest.mark.parametrize("positions, message", [
    ((0.0, 200.0), "must overlap"),  # 200 mm apart on a 200 mm detector
    ((0.0, 5.0), "must overlap"),  # the same place twice
])
def test_fields_that_cannot_be_joined_are_refused(positions, message) -> None:
    image = np.zeros((200, 100), np.float32)
    with pytest.raises(StitchError, match=message):
        stitch([FieldImage(image, p) for p in positions], 1.0)


def test_bad_inputs_are_named() -> None:
    with pytest.raises(StitchError, match="at least 2 fields"):
        stitch([FieldImage(np.zeros((10, 10)), 0.0)], 1.0)
    with pytest.raises(StitchError, match="differ in size"):
        stitch([FieldImage(np.zeros((100, 10)), 0.0), FieldImage(np.zeros((90, 10)), 50.0)], 1.0)

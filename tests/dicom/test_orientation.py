"""Patient Orientation follows the operator's rotate and flip."""

from __future__ import annotations

import pytest

from vxacq.dicom.orientation import opposite, patient_orientation


@pytest.mark.parametrize("rotation, flip, expected", [
    (0, False, ("L", "F")),
    (90, False, ("H", "L")),
    (180, False, ("R", "H")),
    (270, False, ("F", "R")),
    (360, False, ("L", "F")),
    (0, True, ("R", "F")),
    (90, True, ("F", "L")),
    (180, True, ("L", "H")),
    (-90, False, ("F", "R")),
])
def test_chest_pa_rotated_and_flipped(rotation, flip, expected):
    assert patient_orientation(("L", "F"), rotation, flip) == expected


def test_oblique_directions_move_every_letter():
    assert patient_orientation(("AL", "FR"), 90) == ("HL", "AL")
    assert opposite("AFL") == "PHR"


def test_four_rotations_and_two_flips_are_identity():
    start = ("PL", "F")
    turned = start
    for _ in range(4):
        turned = patient_orientation(turned, 90)
    assert turned == start
    assert patient_orientation(patient_orientation(start, 0, True), 0, True) == start


def test_quadruped_terms():
    assert patient_orientation(("CR", "D"), 90, quadruped=True) == ("V", "CR")
    assert patient_orientation(("LE", "PA"), 0, True, quadruped=True) == ("RT", "PA")


@pytest.mark.parametrize("native, rotation", [(("L", "X"), 0), (("L", "F"), 45), (("LE", "F"), 0)])
def test_bad_input(native, rotation):
    with pytest.raises(ValueError):
        patient_orientation(native, rotation)

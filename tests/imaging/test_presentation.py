"""Presentation: orientation follows rotation and flip, marker burned in or as overlay, shutter, crop."""

import numpy as np
import pytest

from hardware_sim.physics import Field as SimField
from tests.imaging.helpers import expose, spacing
from vxacq.config import ImagingConfig
from vxacq.imaging import presentation as pres
from vxacq.imaging.chain import process_frame
from vxacq.imaging.collimation import Field

DR = "DRTEST"


@pytest.mark.parametrize("orientation,rotation,flip,expected", [
    (("L", "F"), 0, "none", ("L", "F")),
    (("L", "F"), 90, "none", ("H", "L")),
    (("L", "F"), 180, "none", ("R", "H")),
    (("L", "F"), 270, "none", ("F", "R")),
    (("L", "F"), 0, "horizontal", ("R", "F")),
    (("L", "F"), 0, "vertical", ("L", "H")),
    (("A", "FL"), 90, "horizontal", ("HR", "P")),
])
def test_patient_orientation_follows_the_transform(orientation, rotation, flip, expected) -> None:
    assert pres.transform_orientation(orientation, rotation, flip) == expected


def test_image_field_and_orientation_transform_together() -> None:
    image = np.zeros((40, 60), np.uint16)
    image[5, 10] = 1  # a pixel near the top-left
    f = Field((10.0, 5.0), 4.0, 2.0, 0.0)
    for rotation in pres.ROTATIONS:
        for flip in pres.FLIPS:
            turned = pres.transform_image(image, rotation, flip)
            moved = pres.transform_field(f, image.shape, rotation, flip)
            r, c = np.argwhere(turned == 1)[0]
            assert (c, r) == pytest.approx(moved.centre), (rotation, flip)


def test_marker_is_burned_in_when_configured(dr_calibration, presets) -> None:
    frame = expose(DR, "hand", 55, 5.0, field=SimField(200, 250), seed=2)
    params = presets.for_protocol("HAND_PA")
    plain = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR))
    burned = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                           marker="L", imaging=ImagingConfig(burn_in_marker=True))
    overlay = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                            marker="R", imaging=ImagingConfig(burn_in_marker=False))
    top = (1 << params.bits_stored) - 1
    changed = burned.pixels != plain.pixels
    assert changed.sum() > 20 and np.all(burned.pixels[changed] == top)
    assert burned.overlay is None and burned.dicom_attributes()["BurnedInAnnotation"] == "YES"
    # Not burned: pixels untouched, the marker travels as a one-bit overlay plane.
    assert np.array_equal(overlay.pixels, plain.pixels)
    assert overlay.overlay is not None and overlay.overlay.data.sum() > 20
    assert overlay.dicom_attributes()["BurnedInAnnotation"] == "NO"
    # L sits at the right of the field, R at the left.
    assert np.argwhere(changed)[:, 1].mean() > np.argwhere(overlay.overlay.data)[:, 1].mean()


def test_overlay_packs_bits_little_endian_first() -> None:
    data = np.zeros((2, 8), bool)
    data[0, 0] = data[1, 7] = True
    packed = pres.Overlay(data).packed()
    assert packed == bytes([0b00000001, 0b10000000])


def test_shutter_blackens_outside_the_rotated_field(dr_calibration, presets) -> None:
    frame = expose(DR, "knee", 65, 10.0, field=SimField(150, 300, (0, 0), 30), seed=3)
    image = process_frame(frame.pixels, dr_calibration, presets.for_protocol("KNEE_LAT"),
                          pixel_spacing_mm=spacing(DR))
    inside = image.field.mask(image.pixels.shape, margin=2)
    outside = ~image.field.mask(image.pixels.shape, margin=-2)
    assert np.all(image.pixels[outside] == 0)
    assert np.mean(image.pixels[inside] > 0) > 0.99


def test_rotation_crop_and_bits(dr_calibration, presets) -> None:
    frame = expose(DR, "hand", 55, 5.0, field=SimField(150, 250, (20, 0), 0), seed=4)
    params = presets.for_protocol("HAND_PA").with_overrides(crop_to_field=True, bits_stored=14)
    image = process_frame(frame.pixels, dr_calibration, params, pixel_spacing_mm=spacing(DR),
                          rotation=90)
    pitch = spacing(DR)
    # Rotated a quarter turn: the 250 mm side now runs along the rows.
    assert image.pixels.shape[1] == pytest.approx(250 / pitch, abs=3)
    assert image.pixels.shape[0] == pytest.approx(150 / pitch, abs=3)
    attrs = image.dicom_attributes()
    assert attrs["BitsStored"] == 14 and attrs["HighBit"] == 13
    assert attrs["PatientOrientation"] == ["F", "R"]  # HAND_PA reads out R\H
    assert attrs["PhotometricInterpretation"] == "MONOCHROME2"
    assert attrs["PixelIntensityRelationship"] == "LOG"
    assert image.pixels.max() <= 16383
    assert 0 < attrs["WindowCenter"] < 16383 and attrs["WindowWidth"] > 0


def test_bad_transform_requests_are_refused(dr_calibration, presets) -> None:
    frame = expose(DR, None, 70, 2.0, seed=5)
    with pytest.raises(ValueError, match="rotation"):
        process_frame(frame.pixels, dr_calibration, presets.default, pixel_spacing_mm=1, rotation=45)
    with pytest.raises(ValueError, match="marker"):
        process_frame(frame.pixels, dr_calibration, presets.default, pixel_spacing_mm=1, marker="X")


def test_marker_goes_where_the_radiographer_moved_it_and_stays_inside() -> None:
    shape, box = (400, 300), (20, 20, 380, 280)
    default = np.argwhere(pres.marker_mask(shape, "L", box))
    moved = np.argwhere(pres.marker_mask(shape, "L", box, at=(0.5, 0.25)))
    assert tuple(moved.min(axis=0)) == (200, 75)  # top left corner at the fractions given
    assert len(moved) == len(default)  # the same letter, only moved
    edge = pres.marker_mask(shape, "L", box, at=(1.0, 1.0))
    assert edge.sum() == len(default)  # moved past the corner: kept whole inside the image
    with pytest.raises(ValueError, match="fractions"):
        pres.marker_mask(shape, "L", box, at=(1.5, 0.2))

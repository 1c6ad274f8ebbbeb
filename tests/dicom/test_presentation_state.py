"""The Grayscale Softcopy Presentation State that keeps the radiographer's annotations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import peers
from vxacq.dicom import part10
from vxacq.dicom.presentation_state import (
    GrayscaleSoftcopyPresentationState, Polyline, TextObject, presentation_series_uid,
)
from vxacq.docs import samples
from vxacq.workflow import annotations

CREATED = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.timezone.utc)


def test_annotated_image_state_conforms_to_its_iod(tmp_path: Path) -> None:
    path = part10.write(tmp_path / "pr.dcm", samples.build_presentation_state(frozenset()))
    assert peers.dciodvfy_errors(path) == []


def test_state_references_the_image_and_draws_text_and_line() -> None:
    image = samples.build_dx(frozenset())
    ds = samples.build_presentation_state(frozenset())
    ref = ds.ReferencedSeriesSequence[0]
    assert ref.ReferencedImageSequence[0].ReferencedSOPClassUID == image.SOPClassUID
    assert ds.Modality == "PR" and ds.ContentLabel == "ANNOTATIONS"
    annotation = ds.GraphicAnnotationSequence[0]
    texts = [t.UnformattedTextValue for t in annotation.TextObjectSequence]
    assert texts[0] == "POST OP" and texts[1].endswith("mm (detector)")
    line = annotation.GraphicObjectSequence[0]
    rows, cols = image.Rows, image.Columns
    assert line.GraphicType == "POLYLINE"
    assert list(line.GraphicData) == pytest.approx([cols * 0.2, rows / 2, cols * 0.8, rows / 2])
    assert ds.SoftcopyVOILUTSequence[0].WindowWidth == 4096
    assert (0x6000, 0x1001) not in ds  # the image has no overlay to keep visible


def test_the_images_marker_overlay_stays_visible(tmp_path: Path) -> None:
    image = samples.build_dx(frozenset())
    image.add_new((0x6000, 0x0010), "US", image.Rows)  # an L/R overlay plane
    ds = GrayscaleSoftcopyPresentationState(image, texts=[TextObject("X", (1.0, 1.0))],
                                            created=CREATED)
    assert ds[0x6000, 0x1001].value == "ANNOTATIONS"
    assert peers.dciodvfy_errors(part10.write(tmp_path / "pr.dcm", ds)) == []


def test_one_presentation_series_per_image_series() -> None:
    assert presentation_series_uid("1.2.3") == presentation_series_uid("1.2.3")
    assert presentation_series_uid("1.2.3") != presentation_series_uid("1.2.4")


def test_a_point_outside_the_image_is_refused_by_name() -> None:
    image = samples.build_dx(frozenset())
    with pytest.raises(ValueError, match="a line's end .* lies outside"):
        GrayscaleSoftcopyPresentationState(
            image, lines=[Polyline(((1.0, 1.0), (image.Columns + 5.0, 1.0)))], created=CREATED)
    with pytest.raises(ValueError, match="backslash"):
        GrayscaleSoftcopyPresentationState(image, texts=[TextObject("a\\b", (1.0, 1.0))],
                                           created=CREATED)


def test_measurement_uses_imager_pixel_spacing_and_the_magnification() -> None:
    image = samples.build_dx(frozenset())
    pitch = float(image.ImagerPixelSpacing[0])
    scale = annotations.scale_of(image)
    assert scale.length_mm((0, 0), (0, 100)) == pytest.approx(100 * pitch)
    assert scale.label((0, 0), (0, 100)).endswith("mm (detector)")
    image.DistanceSourceToDetector, image.DistanceSourceToPatient = "1000", "800"
    scale = annotations.scale_of(image)
    assert scale.length_mm((0, 0), (0, 100)) == pytest.approx(100 * pitch * 0.8)
    assert scale.label((0, 0), (0, 100)) == f"{100 * pitch * 0.8:.1f} mm"
    del image.ImagerPixelSpacing
    with pytest.raises(ValueError, match="Imager Pixel Spacing"):
        annotations.scale_of(image)


def test_annotations_are_kept_beside_the_image_and_read_back(tmp_path: Path) -> None:
    image_path = part10.write(tmp_path / "image.dcm", samples.build_dx(frozenset()))
    notes = [annotations.TextNote("WEIGHT BEARING", (10.0, 12.5)),
             annotations.Distance((5.0, 2.0), (20.0, 16.0), "6.5 mm (detector)")]
    path = annotations.save_annotations(image_path, notes, window=(1000.0, 2000.0),
                                        operator="Smith^Anna")
    assert path == tmp_path / "image.pr.dcm"
    assert peers.dciodvfy_errors(path) == []
    assert annotations.load_annotations(image_path) == (notes, (1000.0, 2000.0))
    assert annotations.save_annotations(image_path, []) is None
    assert not path.exists()

"""The review tools on an exposed image: shortcuts, window presets and numbers, the marker's
side warning and its move, crop undo, text and a calibrated distance kept as a GSPS, the
dose and technique shown with the image."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests import peers
from tests.ui.driver import expose, pump, wait_until
from tests.ui.test_layout import window  # noqa: F401 (fixture)
from vxacq.workflow import annotations
from vxacq.workflow.dose import exam_dose


@pytest.fixture
def shown(window):  # noqa: F811
    image_id = expose(window)
    return window, image_id


def test_shortcuts_drive_the_review_tools(shown, qtbot) -> None:
    window, image_id = shown
    page = window.exam
    page.review.setFocus()
    assert page.toolbar.center_spin.value() == round(page.review.window[0])  # shown at once
    qtbot.keyClick(page.review, Qt.Key.Key_Plus)
    pump(0.05)
    assert page.review.zoom_percent() > 0
    before = page.review.window
    qtbot.keyClick(page.review, Qt.Key.Key_2)  # preset "More contrast"
    assert page.review.window[1] == pytest.approx(page.review.default_window[1] * 0.6)
    assert page.toolbar.width_spin.value() == round(page.review.window[1])
    qtbot.keyClick(page.review, Qt.Key.Key_1)  # back to the image's own
    assert page.review.window == before
    page.toolbar.center_spin.setValue(1000)  # typed
    assert page.review.window[0] == 1000
    shape = page.review.shape
    qtbot.keyClick(page.review, Qt.Key.Key_R)  # clockwise
    wait_until(lambda: page.review.shape == shape[::-1] and not page.busy, 30, "the turn")
    qtbot.keyClick(page.review, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)  # and back
    wait_until(lambda: page.review.shape == shape and not page.busy, 30, "the turn back")
    assert page.options[image_id].rotation == 0


def test_marker_on_the_wrong_side_is_warned_and_moves(shown) -> None:
    window, image_id = shown
    page = window.exam
    assert page.exam.image(image_id).laterality == "L"
    page.toolbar.marker_combo.setCurrentIndex(page.toolbar.marker_combo.findData("R"))
    page.toolbar.marker_combo.activated.emit(2)
    wait_until(lambda: not page.busy, 30, "the re-processing")
    wait_until(lambda: page.messages.level() == "warning", 10, "the warning")
    assert "Marker R on a LEFT image" in page.messages.text()
    page.toolbar.marker_combo.setCurrentIndex(page.toolbar.marker_combo.findData("L"))
    page.toolbar.marker_combo.activated.emit(1)
    wait_until(lambda: not page.busy and page.review.marker_box() is not None, 30, "marker L")
    page.toolbar.move_marker.setChecked(True)
    assert page.review.marker_roi is not None
    rows, _cols = page.review.shape
    page.review.move_marker_to(rows * 0.6, 10.0)
    wait_until(lambda: not page.busy and page.options[image_id].marker_at is not None, 30,
               "the marker moved")
    wait_until(lambda: page.review.marker_box() is not None
               and page.review.marker_box().y() > rows * 0.5, 30, "the marker drawn lower")


def test_crop_can_be_undone(shown) -> None:
    window, image_id = shown
    page = window.exam
    full = page.review.shape
    page.crop_button.click()
    page.apply_crop.click()
    wait_until(lambda: page.review.shape != full and not page.busy, 30, "the crop")
    assert page.toolbar.undo_crop.isEnabled()
    page.toolbar.undo_crop.trigger()
    wait_until(lambda: page.review.shape == full and not page.busy, 30, "the crop undone")
    assert page.options[image_id].crop is None and not page.toolbar.undo_crop.isEnabled()


def test_text_and_distance_are_kept_as_a_presentation_state(shown, tmp_path: Path) -> None:
    window, image_id = shown
    page = window.exam
    view = page.exam.image(image_id)
    wait_until(lambda: view.file_path and page.exam.image(image_id).file_path, 30, "the file")
    path = page.exam.image(image_id).file_path
    wait_until(lambda: page.review.measure.__name__ == "label", 30, "the image's scale")
    page.review.add_text("WEIGHT BEARING", (20.0, 30.0))
    page.review.add_distance((100.0, 100.0), (100.0, 300.0))
    pr = annotations.presentation_state_path(path)
    wait_until(pr.is_file, 10, "the GSPS written")
    wait_until(lambda: len(annotations.load_annotations(path)[0]) == 2, 10, "both notes")
    notes, _window = annotations.load_annotations(path)
    distance = next(n for n in notes if isinstance(n, annotations.Distance))
    scale = annotations.measurement_scale(path)
    assert distance.label == scale.label((100.0, 100.0), (100.0, 300.0))
    assert distance.label.endswith("mm (detector)")  # Imager Pixel Spacing, no magnification
    assert peers.dciodvfy_errors(pr) == []


def test_dose_and_technique_are_shown_with_the_image(shown) -> None:
    window, image_id = shown
    page = window.exam
    dose = exam_dose(page.console.db, page.exam.study_id)
    image = dose.of(image_id)
    assert image is not None and image.KVP is not None
    wait_until(lambda: f"{image.KVP:.0f} kV" in page.info.dose_label.text(), 10, "the dose")
    text = page.info.dose_label.text()
    assert f"{image.Exposure:.2f} mAs" in text and "exam DAP" in text
    assert page.ei_label.text().startswith("EI ")


def test_zoom_is_said_only_for_an_image_on_screen(window) -> None:  # noqa: F811
    page = window.exam
    assert not page.review.has_image()
    assert page.toolbar.zoom_label.text() == "— %"  # no image: no figure to mislead
    expose(window)
    wait_until(lambda: page.toolbar.zoom_label.text() != "— %", 10, "the zoom of the image")
    assert page.toolbar.zoom_label.text() == f"{round(page.review.zoom_percent())} %"


def test_the_seam_tools_say_there_is_no_seam_on_a_single_exposure(shown) -> None:
    window, _image_id = shown
    toolbar = window.exam.toolbar
    assert toolbar.seam_combo.currentText() == "No seam (one exposure)"  # never blank
    assert not toolbar.seam_combo.isEnabled()
    toolbar.set_seams(2)
    assert [toolbar.seam_combo.itemText(i) for i in range(2)] == ["Seam 1", "Seam 2"]
    toolbar.set_seams(0)
    assert toolbar.seam_combo.count() == 1 and toolbar.seam_combo.currentData() == -1

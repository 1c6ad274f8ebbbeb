"""The exam screen's own controls on a station without peers: hand switch, faults, review
tools, discontinue, and reopening from the history."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.driver import expose, wait_until
from vxacq.protocols import load as load_protocols
from vxacq.ui.close_dialog import CloseDialog
from vxacq.ui.main_window import MainWindow
from vxacq.workflow.orders import ManualPatient, register_manual


@pytest.fixture
def window(knee_exam_window: MainWindow) -> MainWindow:
    return knee_exam_window


def _shown(page) -> tuple[int, int]:
    return page.review.shape


def test_letting_go_of_the_hand_switch_exposes_nothing(window) -> None:
    page = window.exam
    assert [p.id for p in page.exam.protocols] == ["KNEE_LAT"]
    assert page.side.currentData() == "L"  # from "LEFT" in the procedure
    wait_until(page.room_panel.prep_button.isEnabled, 30, "Prep")
    page.room_panel.prep_button.setChecked(True)
    wait_until(page.room_panel.expose_button.isEnabled, 30, "READY")
    page.room_panel.prep_button.setChecked(False)  # let go
    wait_until(lambda: not page.exposing, 30, "the sequence to end")
    assert "released" in page.banner.text()
    assert page.exam.images() == []
    wait_until(lambda: page.room_panel.status.generator == "standby", 10, "standby")


def test_injected_fault_shows_in_the_room_panel(window) -> None:
    detector = window.service.detector
    detector.fault.setCurrentIndex(detector.fault.findData("over-temperature"))
    detector.value.setText("58")
    detector.inject()
    panel = window.exam.room_panel
    wait_until(lambda: "let it cool" in panel.problem.text(), 15, "the fault")
    assert "58.0 °C" in panel.panel.text()
    assert "Room:" in window.room_label.text()
    detector.value.setText("abc")
    detector.inject()
    assert "not a number" in detector.banner.text()
    detector.clear()
    wait_until(lambda: panel.problem.text() == "", 15, "the fault cleared")


def test_review_tools_make_new_versions_of_the_image(window) -> None:
    page = window.exam
    image_id = expose(window)
    first = page.exam.image(image_id)
    rows, cols = _shown(page)

    page.review.set_windowing(True)
    page.review.set_window(1000, 500)
    assert page.review.image.levels is not None and list(page.review.image.levels) == [750, 1250]
    page.review.reset_window()

    original = pydicom.dcmread(first.file_path, stop_before_pixels=True)
    page.transform_buttons[0].click()  # rotate 90°
    wait_until(lambda: page.exam.image(image_id).SOPInstanceUID != first.SOPInstanceUID
               and page.busy == 0, 30, "the rotated version")
    turned = pydicom.dcmread(page.exam.image(image_id).file_path, stop_before_pixels=True)
    assert not Path(first.file_path).exists()  # the unsent older version is replaced
    assert list(turned.PatientOrientation) != list(original.PatientOrientation)
    wait_until(lambda: _shown(page) == (cols, rows), 30, "the turned image on screen")

    page.crop_button.setChecked(True)
    assert page.apply_crop.isEnabled()
    page.review.crop_roi.setPos((10, 20))
    page.review.crop_roi.setSize((100, 80))
    page.apply_crop.click()
    wait_until(lambda: _shown(page) == (80, 100) and page.busy == 0, 30, "the cropped image")
    cropped = pydicom.dcmread(page.exam.image(image_id).file_path, stop_before_pixels=True)
    assert (cropped.Rows, cropped.Columns) == (80, 100)

    page.reprocess_combo.setCurrentIndex(page.reprocess_combo.findData("CHEST_PA"))
    before = page.exam.image(image_id).SOPInstanceUID
    page.reprocess_button.click()
    wait_until(lambda: page.exam.image(image_id).SOPInstanceUID != before and page.busy == 0,
               30, "the re-processed image")
    assert page.exam.image(image_id).TargetExposureIndex == load_protocols()["CHEST_PA"].target_ei == 250


def test_discontinue_then_reopen_from_the_history(window) -> None:
    page = window.exam
    expose(window)

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CloseDialog):
            QTimer.singleShot(50, choose)
            return
        assert not dialog.complete.isEnabled()  # the image is not reviewed yet
        dialog.reason.setCurrentIndex(dialog.reason.findData("PatientRefusedToContinueProcedure"))
        dialog.accept()

    QTimer.singleShot(50, choose)
    page.close_exam()
    wait_until(lambda: "discontinued" in page.banner.text(), 30, "the exam to end")
    study = page.exam.study_id

    history = window.history
    window.pages.setCurrentWidget(history)
    wait_until(lambda: history.exams, 10, "the history")
    assert history.exams[0].study_id == study and history.exams[0].state == "closed"
    history.table.selectRow(0)
    assert history.open_button.text() == "Add images"
    history.open_button.click()
    wait_until(lambda: window.exam.exam is not None and window.exam.exam.study_id == study
               and window.exam.exam.state == "open", 30, "the reopened exam")
    assert window.pages.currentWidget() is window.exam
    assert window.exam.exam.images() == []  # a new step: its own images


def test_one_sequence_at_a_time_and_no_other_exam_meanwhile(window) -> None:
    page = window.exam
    exam = page.exam
    other = register_manual(window.console.db, ManualPatient(PatientName="Roe^Rick",
                                                             PatientID="P-78"))
    wait_until(page.room_panel.prep_button.isEnabled, 30, "Prep")
    page.room_panel.prep_button.setChecked(True)
    wait_until(page.room_panel.expose_button.isEnabled, 30, "READY")
    window.start_exam(other.id)  # refused while the hand switch is held
    assert page.exam is exam and "still running" in page.banner.text()
    page.room_panel.prep_button.setChecked(False)  # let go …
    assert not page.room_panel.prep_button.isEnabled()  # … no new Prep until it has ended
    wait_until(lambda: not page.exposing, 30, "the sequence to end")
    wait_until(page.room_panel.prep_button.isEnabled, 10, "Prep again")


def test_generator_fault_blocks_prep_until_reset(window) -> None:
    page = window.exam
    window.console.room.inject_fault("generator-fault:1")
    image_id = expose(window)
    assert "Tube arc" in page.banner.text()  # the partial frame is kept and shown
    assert page.exam.image(image_id).raw_path
    panel = page.room_panel
    wait_until(lambda: panel.status.generator == "fault", 10, "the latched fault")
    assert not panel.prep_button.isEnabled() and panel.reset_button.isVisibleTo(panel)
    assert "Reset" in panel.prep_button.toolTip()
    panel.reset_button.click()
    wait_until(panel.prep_button.isEnabled, 15, "Prep after the reset")
    assert page.banner.text() == "" or not page.banner.isVisible()

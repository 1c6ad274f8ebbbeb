"""A long-length exam in the window (issue 19): one Prep/Expose takes every field of the whole
spine while the hand switch is held, one stitched image comes on screen, the plan says which
field is next after a failed one, and a seam is moved by hand with its shortcut."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.driver import expose, wait_until
from vxacq.workflow.orders import ManualPatient, register_manual


def _spine_exam(window):
    order = register_manual(window.console.db, ManualPatient(
        PatientName="Scolio^Sara", PatientID="LL-9",
        RequestedProcedureDescription="XR WHOLE SPINE SCOLIOSIS"))
    window.start_exam(order.id)
    wait_until(lambda: window.exam.exam is not None, 30, "the exam")
    return window.exam


def test_one_expose_takes_every_field_and_shows_one_stitched_image(station_window, qtbot) -> None:
    page = _spine_exam(station_window)
    image_id = expose(station_window, "SPINE_FULL_AP", timeout=120)
    view = page.exam.image(image_id)
    assert view.fields == 3 and [v.id for v in page.exam.images()] == [image_id]
    assert page.plan.currentItem() is not None
    ticked = [page.plan.item(r).text() for r in range(page.plan.count())]
    assert any(t.startswith("✓") and "Whole spine" in t for t in ticked), ticked
    # the seam tools are live for a long-length image, and move the seam asked for
    assert page.toolbar.seam_combo.count() == 2 and page.toolbar.seam_combo.isEnabled()
    before = page.exam.seams(image_id)
    page.toolbar.seam_combo.setCurrentIndex(1)
    page.review.setFocus()
    qtbot.keyClick(page.review, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    wait_until(lambda: page.exam.seams(image_id) != before and page.busy == 0, 60,
               "the seam moved")
    after = page.exam.seams(image_id)
    assert after[0] == before[0] and after[1][0] > before[1][0]


def test_an_ordinary_image_has_no_seam_to_move(station_window) -> None:
    page = _spine_exam(station_window)
    expose(station_window, "CHEST_PA")
    assert not page.toolbar.seam_combo.isEnabled()
    assert not page.toolbar.actions_by_key["seam_up"].isEnabled()


def test_after_a_failed_field_the_plan_says_which_field_is_next(station_window) -> None:
    page = _spine_exam(station_window)
    station_window.console.room.inject_fault("generator-fault:2")  # the second field arcs
    image_id = expose(station_window, "SPINE_FULL_AP", timeout=120)
    assert page.exam.image(image_id).partial  # the partial field, kept for its dose
    wait_until(lambda: any("field 2 of 3 next" in page.plan.item(r).text()
                           for r in range(page.plan.count())), 10, "the plan's progress")

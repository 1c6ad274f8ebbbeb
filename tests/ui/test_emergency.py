"""The emergency start, the barcode field and reconciliation, driven in the window as a
radiographer would, against the real peers of tests/ui/conftest.py."""

from __future__ import annotations

import datetime as dt

import pydicom
from PySide6.QtCore import Qt

from tests import peers
from tests.ui.driver import accept_dialog_when_shown, expose, refresh_worklist, wait_until
from tests.workflow.conftest import worklist_item
from vxacq.ui.worklist_page import EMERGENCY_SHORTCUT, TOUCH_PX
from vxacq.workflow.procedures import emergency_protocols


def test_emergency_exam_at_once_then_reconciled_from_the_worklist(room, qtbot) -> None:
    window = room.window
    page = window.worklist
    assert page.emergency_button.height() >= TOUCH_PX and page.scan.height() >= TOUCH_PX
    assert EMERGENCY_SHORTCUT in page.emergency_button.toolTip()
    window.activateWindow()
    qtbot.keyClick(page.table, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    exam_page = window.exam
    wait_until(lambda: exam_page.exam is not None, 30, "the emergency exam to open")
    assert window.pages.currentWidget() is exam_page
    exam = exam_page.exam
    today = dt.date.today().strftime("%Y%m%d")
    assert exam.patient.PatientID == f"EMR-{room.config.station.ae_title}-{today}-1"
    assert exam.patient.PatientName == "TRAUMA^1" and exam.order is None
    assert [p.id for p in exam.protocols] == emergency_protocols()
    assert "TRAUMA" in exam_page.header.text()

    shot = expose(window, emergency_protocols()[0])
    exam_page.accept_button.click()
    wait_until(lambda: exam_page.exam.image(shot).state == "accepted", 20, "the acceptance")
    wait_until(exam_page.close_button.isEnabled, 10, "Close exam to be possible")
    accept_dialog_when_shown()
    exam_page.close_button.click()
    wait_until(lambda: exam_page.exam.state == "closed", 30, "the exam to close")

    # the order arrives; the radiographer selects it and reconciles the emergency exam with it
    peers.write_worklist_item(room.worklist, worklist_item("ACC-EMR-1", patient_id="P-5001"),
                              "emergency")
    window.pages.setCurrentWidget(page)
    refresh_worklist(window)
    assert page.select_accession("ACC-EMR-1")
    assert page.reconcile_button.isEnabled()
    page.reconcile_button.click()
    wait_until(lambda: page.reconcile_dialog is not None, 10, "the exams to choose from")
    dialog = page.reconcile_dialog
    assert not dialog.ok_button.isEnabled()  # nothing chosen yet
    assert dialog.exams[0].PatientID == exam.patient.PatientID
    dialog.table.selectRow(0)
    assert dialog.ok_button.isEnabled() and "P-5001" in dialog.summary.text()
    dialog.ok_button.click()
    wait_until(lambda: page.banner.text().startswith("Reconciled"), 30, "the reconciliation")
    assert "P-5001" in page.banner.text()
    wait_until(lambda: not page.reading, 10, "the list read again")
    assert not any(o.AccessionNumber == "ACC-EMR-1" for o in page.orders)  # performed
    image = pydicom.dcmread(exam.image(shot).file_path, stop_before_pixels=True)
    assert (image.PatientID, image.AccessionNumber) == ("P-5001", "ACC-EMR-1")
    assert image.OtherPatientIDsSequence[-1].PatientID == exam.patient.PatientID


def test_scan_field_starts_the_one_order_and_says_none_or_several(room, qtbot) -> None:
    window = room.window
    page = window.worklist
    for accession, patient in (("ACC-SC-1", "P-3001"), ("ACC-SC-2", "P-3002"),
                               ("ACC-SC-3", "P-3002")):
        peers.write_worklist_item(room.worklist, worklist_item(accession, patient_id=patient),
                                  accession)
    refresh_worklist(window)
    assert len(page.orders) == 3

    qtbot.keyClicks(page.scan, "NOPE-42")
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)  # not listed: the worklist is asked, in vain
    wait_until(lambda: "No scheduled order" in page.banner.text(), 30, "the answer")
    assert "NOPE-42" in page.banner.text() and window.exam.exam is None

    qtbot.keyClicks(page.scan, "P-3002")  # the earlier scan is selected, so it is replaced
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    wait_until(lambda: page.banner.text().startswith("2 orders match"), 10, "the answer")
    wait_until(lambda: not page.reading, 10, "the list filtered")
    assert sorted(o.AccessionNumber for o in page.orders) == ["ACC-SC-2", "ACC-SC-3"]
    assert window.exam.exam is None

    qtbot.keyClicks(page.scan, "ACC-SC-1")
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    wait_until(lambda: window.exam.exam is not None, 30, "the scanned order's exam")
    assert window.exam.exam.study.AccessionNumber == "ACC-SC-1"
    assert page.filter.text() == ""


def test_scan_of_an_order_placed_after_the_last_refresh_asks_the_worklist(room, qtbot) -> None:
    window = room.window
    page = window.worklist
    wait_until(lambda: page.node_status.text().startswith("Asked at") and not page.refreshing,
               30, "the refresh at start")
    peers.write_worklist_item(room.worklist, worklist_item("ACC-SC-9", patient_id="P-3009"),
                              "late")
    assert not page.orders
    qtbot.keyClicks(page.scan, "ACC-SC-9")
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    wait_until(lambda: window.exam.exam is not None, 30, "the fetched order's exam")
    assert window.exam.exam.study.AccessionNumber == "ACC-SC-9"
    wait_until(lambda: not page.reading, 10, "the list read again")
    assert [o.AccessionNumber for o in page.orders] == ["ACC-SC-9"]

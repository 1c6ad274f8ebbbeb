"""Patient safety on the exam screen (issue 21), driven as a radiographer would: a frame left in
the panel blocks Prep until it is recovered (by itself, or with Recover), a battery too low to
arm says so, a panel stuck arming ends the sequence with the remedy, a partial image says so and Accept asks, a rejected image says so, and leaving an
exam with unreviewed images asks first."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from sqlmodel import select

from tests.ui.driver import expose, wait_until
from tests.ui.test_review import window  # noqa: F401 (fixture)
from tests.workflow.conftest import calibrated_data  # noqa: F401 (fixture)
from vxacq.db import AuditEvent
from vxacq.ui import frame_recovery
from vxacq.workflow import recovery
from vxacq.workflow.orders import ManualPatient, register_manual

pytestmark = pytest.mark.timeout(180)


def _answer(button_text: str, said: list[str] | None = None) -> None:
    """Press ``button_text`` on the next message box that opens (its text added to ``said``)."""
    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(30, press)
            return
        if said is not None:
            said.append(box.text())
        [button] = [b for b in box.buttons() if b.text() == button_text]
        button.click()

    QTimer.singleShot(30, press)


def _caption(page) -> str:
    return page.review.label.textItem.toPlainText()


def _failed_exposure(page) -> None:
    """Prep and Expose; the sequence ends without an image."""
    wait_until(page.room_panel.prep_button.isEnabled, 30, "Prep")
    page.room_panel.prep_button.setChecked(True)
    wait_until(page.room_panel.expose_button.isEnabled, 30, "READY")
    page.room_panel.expose_button.click()
    wait_until(lambda: not page.exposing, 60, "the exposure to end")


def test_frame_left_in_the_panel_blocks_prep_until_recovered(window) -> None:  # noqa: F811
    page, room = window.exam, window.console.room
    panel = page.room_panel
    room.inject_fault("link-drop:50")  # the link keeps dropping
    _failed_exposure(page)
    assert page.exam.images() == []
    wait_until(lambda: panel.status.frame_pending, 10, "the pending frame in the status")
    wait_until(lambda: not page.frames.running, 30, "the automatic attempt (link still down)")
    assert not panel.prep_button.isEnabled()
    assert panel.prep_reason.isVisible()  # said on the screen, not only in a tooltip
    assert "Prep is not possible" in panel.prep_reason.text()
    assert "not stored yet" in panel.problem.text() and panel.problem.isVisible()
    assert panel.recover_button.isVisible()
    room.clear_faults()  # the link is back
    panel.recover_button.click()
    wait_until(lambda: len(page.exam.images()) == 1, 60, "the recovered image")
    [image] = page.exam.images()
    assert image.protocol_id == "KNEE_LAT" and image.raw_path
    wait_until(lambda: "recovered" in page.banner.text(), 30, "the recovery's message")
    wait_until(panel.prep_button.isEnabled, 30, "Prep after the recovery")
    assert panel.prep_reason.text() == "" and not panel.recover_button.isVisible()


def test_frame_is_recovered_by_itself_when_the_link_works_again(window) -> None:  # noqa: F811
    page = window.exam
    # the transfer and the three tries to fetch it again all break, then the link holds
    window.console.room.inject_fault("link-drop:4")
    _failed_exposure(page)
    wait_until(lambda: len(page.exam.images()) == 1, 60, "the frame recovered by itself")
    wait_until(lambda: "recovered" in page.banner.text(), 30, "the recovery's message")
    wait_until(page.room_panel.prep_button.isEnabled, 30, "Prep after the recovery")


def test_battery_too_low_to_arm_blocks_prep_and_a_cleared_fault_clears_it(
        window) -> None:  # noqa: F811
    panel, room = window.exam.room_panel, window.console.room
    wait_until(panel.prep_button.isEnabled, 30, "Prep")
    room.inject_fault("low-battery:5")
    wait_until(lambda: not panel.prep_button.isEnabled(), 10, "Prep to be refused")
    assert "Prep is not possible" in panel.prep_reason.text()
    assert "battery at 5 %" in panel.problem.text() and panel.prep_reason.isVisible()
    room.clear_faults()
    wait_until(panel.prep_button.isEnabled, 10, "Prep again")
    assert panel.prep_reason.text() == "" and panel.problem.text() == ""


def test_a_panel_stuck_arming_ends_prep_with_a_message_and_remedy(window) -> None:  # noqa: F811
    page, room = window.exam, window.console.room
    panel = page.room_panel
    wait_until(panel.prep_button.isEnabled, 30, "Prep")
    room.inject_fault("arming-timeout")  # the panel never says ready
    panel.prep_button.setChecked(True)
    wait_until(lambda: not page.exposing, 15, "the sequence to end at the arming limit")
    assert not panel.expose_button.isEnabled()  # never READY: the beam was never offered
    said = page.messages.text()
    assert "detector arming did not finish within 5 s" in said
    assert "check its link, battery and temperature" in said and "Prep again" in said
    assert page.messages.level() == "alarm" and page.exam.images() == []
    room.clear_faults()
    wait_until(panel.prep_button.isEnabled, 10, "Prep again")


def test_a_panel_stuck_in_readout_ends_the_exposure_with_a_message_and_remedy(
        window) -> None:  # noqa: F811
    page, room = window.exam, window.console.room
    panel = page.room_panel
    room.inject_fault("readout-timeout")  # the panel never reports its frame
    _failed_exposure(page)  # bounded: the sequence ends at the readout limit, not silently
    wait_until(lambda: not page.frames.running, 30, "the automatic attempt")
    said = page.messages.text()  # the automatic recovery's answer, while the panel is stuck
    assert "still in readout" in said and "restart the panel" in said
    assert "not its own" not in said  # never as a foreign frame: it is this exposure's
    assert page.messages.level() == "alarm" and page.exam.images() == []
    # the dose was given: the frame is pending, so Prep waits for its recovery
    wait_until(lambda: panel.status.frame_pending, 10, "the pending frame in the status")
    assert not panel.prep_button.isEnabled() and "Prep is not possible" in panel.prep_reason.text()
    room.clear_faults()
    panel.recover_button.click()
    wait_until(lambda: len(page.exam.images()) == 1, 60, "the recovered image")
    wait_until(panel.prep_button.isEnabled, 30, "Prep after the recovery")


def test_partial_image_is_marked_and_accept_asks(window) -> None:  # noqa: F811
    page = window.exam
    window.console.room.inject_fault("generator-fault:1")  # a tube arc stops the exposure
    image_id = expose(window)
    assert "PARTIAL EXPOSURE" in _caption(page)
    item = page.strip.thumbs.item(0)
    assert "PARTIAL EXPOSURE" in item.text()
    wait_until(lambda: page.status_table.rowCount() == 1
               and "PARTIAL EXPOSURE" in page.status_table.item(0, 1).text(), 10,
               "the image's row to say so")
    assert page.status_table.item(0, 1).text() == "to review, PARTIAL EXPOSURE"  # as its thumb
    _answer("Do not accept")
    page.accept_button.click()
    wait_until(lambda: not QApplication.activeModalWidget(), 10, "the question to close")
    assert page.exam.image(image_id).state == "acquired"
    _answer("Accept partial image")
    page.accept_button.click()
    wait_until(lambda: page.exam.image(image_id).state == "accepted", 20, "the acceptance")
    history = window.history  # and on its row in the history
    window.show_page(history)
    wait_until(lambda: history.exams, 10, "the exam in the history")
    history.table.selectRow(0)
    wait_until(lambda: history.status_table.rowCount() == 1 and "PARTIAL EXPOSURE"
               in history.status_table.item(0, 4).text(), 10, "the history's row to say so")


def test_rejected_image_is_visibly_rejected(window) -> None:  # noqa: F811
    page = window.exam
    image_id = expose(window)
    page.reason.setCurrentIndex(page.reason.findData("MotionBlur"))
    page.reject_button.click()
    wait_until(lambda: page.exam.image(image_id).state == "rejected", 20, "the rejection")
    wait_until(lambda: "REJECTED" in _caption(page), 10, "the viewer to say so")
    assert "Motion blur" in _caption(page)


def test_reject_waits_for_a_reason_chosen_for_this_image(window) -> None:  # noqa: F811
    page = window.exam
    first = expose(window)
    # no reason is offered as the default: the list starts on a line that is not a reason
    assert page.reason.currentData() is None and page.reason.currentText() == "Choose a reason…"
    assert not page.reason.model().item(0).isEnabled()  # and it cannot be chosen back
    assert not page.reject_button.isEnabled() and not page.retake_button.isEnabled()
    assert page.reject_button.toolTip() == "Choose the reason first"
    page.reject_image(retake=False)  # below the button: refused as well, with the reason why
    assert "Choose why the image is rejected" in page.messages.text()
    assert page.exam.image(first).state == "acquired"
    page.reason.setCurrentIndex(page.reason.findData("MotionBlur"))
    assert page.reject_button.isEnabled() and page.retake_button.isEnabled()
    # the next image starts with no reason: the one chosen for the first does not carry over
    second = expose(window)
    assert page.reason.currentData() is None and not page.reject_button.isEnabled()
    page.reason.setCurrentIndex(page.reason.findData("Positioning"))
    page.strip.thumbs.setCurrentRow(0)  # back to the first image: chosen afresh there too
    wait_until(lambda: page.shown_id == first, 10, "the first image")
    assert page.reason.currentData() is None and not page.reject_button.isEnabled()
    page.reason.setCurrentIndex(page.reason.findData("Positioning"))
    page.reject_button.click()
    wait_until(lambda: page.exam.image(first).state == "rejected", 20, "the rejection")
    assert page.exam.image(first).reject_reason == "Positioning"
    assert page.exam.image(second).state == "acquired"


def test_leaving_an_exam_with_unreviewed_images_asks_and_the_next_starts_clean(
        window) -> None:  # noqa: F811
    page = window.exam
    exam = page.exam
    expose(window)
    page.reason.setCurrentIndex(page.reason.findData("MotionBlur"))
    page.kv.setValue(99)  # a technique changed for this patient
    other = register_manual(window.console.db, ManualPatient(
        PatientName="Next^Ned", PatientID="P-99", RequestedProcedureDescription="XR KNEE LEFT"))
    _answer("Stay")
    window.start_exam(other.id)
    wait_until(lambda: not QApplication.activeModalWidget(), 10, "the question to close")
    assert page.exam is exam  # stayed
    _answer("Suspend and open")
    window.start_exam(other.id)
    wait_until(lambda: page.exam is not exam, 30, "the other exam")
    assert page.exam.patient.PatientID == "P-99" and page.exam.images() == []
    assert page.reason.currentIndex() == 0 and page.ei_label.text() == "EI —"
    assert page.shown_id is None and not page.review.has_image()
    assert page.kv.value() == page.selected_protocol().kv != 99  # the same protocol, its own kV


def test_leaving_an_exam_whose_frame_is_in_the_panel_asks_and_it_is_recovered_on_return(
        window) -> None:  # noqa: F811
    page, room = window.exam, window.console.room
    panel, exam = page.room_panel, page.exam
    room.inject_fault("link-drop:50")  # the transfer fails and the link stays down
    _failed_exposure(page)
    wait_until(lambda: panel.status.frame_pending and not page.frames.running, 30,
               "the pending frame, the automatic attempt over")
    assert page.exam.images() == []  # nothing to review: only the stranded frame holds it
    other = register_manual(window.console.db, ManualPatient(
        PatientName="Next^Ned", PatientID="P-99", RequestedProcedureDescription="XR KNEE LEFT"))
    said: list[str] = []
    _answer("Stay", said)
    window.start_exam(other.id)
    wait_until(lambda: said and not QApplication.activeModalWidget(), 10, "the question")
    assert page.exam is exam  # stayed
    assert "still in the panel" in said[0] and "Recover it first" in said[0], said[0]
    _answer("Suspend and open")
    window.start_exam(other.id)
    wait_until(lambda: page.exam is not exam, 30, "the other exam")
    assert not panel.prep_button.isEnabled()  # the other patient is not exposed meanwhile
    room.clear_faults()  # the link is back
    history = window.history  # the suspended exam is continued from the history
    window.show_page(history)
    wait_until(lambda: len(history.exams) == 2, 10, "both exams in the history")
    history.table.selectRow([e.study_id for e in history.exams].index(exam.study_id))
    # the frame is not the other exam's: it may be left without a question
    wait_until(lambda: page.leaving_question() == "", 10, "the other exam's answer")
    history.open_button.click()
    wait_until(lambda: page.exam.study_id == exam.study_id, 30, "the suspended exam again")
    assert window.pages.currentWidget() is page
    shown: list[str] = []  # the banner's messages (the image's own may follow at once)
    banner_show = page.banner.show
    page.banner.show = lambda text=None, level="info": (shown.append(text or ""),
                                                        banner_show(text, level))
    panel.recover_button.click()
    wait_until(lambda: len(page.exam.images()) == 1, 60, "the recovered image")
    [image] = page.exam.images()
    assert image.protocol_id == "KNEE_LAT" and image.raw_path
    wait_until(lambda: page.strip.thumbs.count() == 1, 10, "its thumbnail in the exam")
    wait_until(lambda: not panel.status.frame_pending and not panel.recover_button.isVisible(),
               10, "the panel emptied")
    wait_until(lambda: any("recovered and filed under the exam of Doe^Jane" in text
                           for text in shown), 10, "the recovery said on the banner")


def test_a_lost_frame_is_discarded_only_with_a_reason_and_audited(window,  # noqa: F811
                                                                   monkeypatch) -> None:
    page, room = window.exam, window.console.room
    reads: list[threading.Thread] = []  # the pending-frames folder, read off the GUI thread

    def pending(config):
        reads.append(threading.current_thread())
        return recovery.pending_exposures(config)

    monkeypatch.setattr(frame_recovery, "pending_exposures", pending)
    panel = page.room_panel
    room.inject_fault("link-drop:50")
    _failed_exposure(page)
    wait_until(lambda: panel.discard_button.isVisible() and not page.frames.running, 30,
               "Discard to be offered")

    def type_reason(text: str) -> None:
        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QInputDialog):
                QTimer.singleShot(30, answer)
                return
            dialog.setTextValue(text)
            dialog.accept()

        QTimer.singleShot(30, answer)

    type_reason("   ")
    panel.discard_button.click()  # the frames waiting are read on a worker, then asked about
    wait_until(lambda: "a reason is needed" in page.banner.text(), 10, "the refusal")
    assert not panel.prep_button.isEnabled()
    type_reason("panel dropped and replaced")
    panel.discard_button.click()
    wait_until(lambda: "Discarded" in page.banner.text(), 20, "the discard")
    assert reads and threading.main_thread() not in reads
    with window.console.db.session() as session:
        [event] = session.exec(select(AuditEvent).where(
            AuditEvent.action == "exposure discarded")).all()
    assert "panel dropped and replaced" in event.detail and event.study_id == page.exam.study_id
    room.clear_faults()
    wait_until(panel.prep_button.isEnabled, 30, "Prep after the discard")

"""The window's dose notification: an exposure past a level is refused before the beam, the
dialog shows the values and takes a reason, and the next Prep/Expose makes the exposure."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.driver import expose, wait_until
from vxacq.ui.dose_dialog import DoseNotificationDialog
from vxacq.workflow import reference_levels
from vxacq.workflow.dose_check import confirmations
from vxacq.workflow.orders import ManualPatient, register_manual


def answer_dose_dialog(seen: list[str], reason: str) -> None:
    """When the dialog is up: note its text and whether Confirm is possible without a reason,
    then give the reason and confirm."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, DoseNotificationDialog):
            QTimer.singleShot(50, answer)
            return
        seen.append("\n".join(label.text() for label in dialog.findChildren(QLabel)))
        seen.append(f"confirm without reason: {dialog.confirm_button.isEnabled()}")
        dialog.reason.setText(reason)
        dialog.confirm_button.click()

    QTimer.singleShot(50, answer)


def test_exposure_past_the_exam_level_asks_for_a_reason(knee_exam_window) -> None:
    window = knee_exam_window
    page = window.exam
    reference_levels.save_override(window.console.config.data_dir,
                                   "[defaults]\nexam_dap_Gy_cm2 = 1e-6\n")
    protocol_id = page.selected_protocol().id
    first = expose(window, protocol_id)  # no earlier exposure, exam total 0: no notification
    seen: list[str] = []
    answer_dose_dialog(seen, "repeat for motion")
    page.room_panel.prep_button.setChecked(True)  # refused before the beam: the dialog asks
    wait_until(lambda: len(seen) == 2 and not page.exposing, 30, "the dose dialog")
    assert "passes" not in seen[0] and "exam level 1e-06 Gy·cm²" in seen[0]
    assert "so far" in seen[0] and protocol_id in seen[0]
    assert seen[1] == "confirm without reason: False"
    assert [v.id for v in page.exam.images()] == [first]  # nothing exposed yet
    assert page.dose_reason == (protocol_id, "repeat for motion")
    second = expose(window, protocol_id)  # Prep and Expose again: now made
    assert second != first and page.dose_reason is None
    [kept] = confirmations(window.console.db, page.exam.study_id)
    assert kept.reason == "repeat for motion" and kept.protocol_id == protocol_id


def test_a_confirmed_notification_is_not_carried_to_the_next_patient(knee_exam_window) -> None:
    window = knee_exam_window
    page = window.exam
    reference_levels.save_override(window.console.config.data_dir,
                                   "[defaults]\nexam_dap_Gy_cm2 = 1e-6\n")
    protocol_id = page.selected_protocol().id
    first = expose(window, protocol_id)
    answer_dose_dialog([], "repeat for motion")
    page.room_panel.prep_button.setChecked(True)
    wait_until(lambda: page.dose_reason is not None and not page.exposing, 30, "the dose dialog")
    page.accept_button.click()  # reviewed: the exam may be left without a question
    wait_until(lambda: page.exam.image(first).state == "accepted" and page.busy == 0, 20,
               "the acceptance")
    other = register_manual(window.console.db, ManualPatient(
        PatientName="Next^Ned", PatientID="P-99", RequestedProcedureDescription="XR KNEE LEFT"))
    window.start_exam(other.id)
    wait_until(lambda: page.exam.patient.PatientID == "P-99", 30, "the next patient's exam")
    assert page.dose_reason is None  # the reason was given for the last patient's exposure

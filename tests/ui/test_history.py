"""The history page: search that works for every name, images with thumbnails, protocols and
times instead of UIDs, and statuses that refresh by themselves. On the simulated room."""

from __future__ import annotations

import re
import threading

import pytest

from tests.ui.driver import expose, pump, wait_until
from vxacq.ui import history_page
from vxacq.ui.main_window import MainWindow
from vxacq.workflow.exam import Exam
from vxacq.workflow.orders import ManualPatient, list_orders, register_manual

NAMES = {"garcia": "GARCÍA^MARÍA", "иван": "ИВАНОВ^ИВАН", "τραυμα": "ΤΡΑΎΜΑ^ΑΓΝΩΣΤΟΣ"}


@pytest.fixture
def window(station_window: MainWindow) -> MainWindow:
    return station_window


def test_search_every_script_thumbnails_and_statuses_that_refresh(window) -> None:
    console = window.console
    orders = {}
    for number, (typed, name) in enumerate(NAMES.items()):
        orders[typed] = register_manual(console.db, ManualPatient(
            PatientName=name, PatientID=f"P-{number}", RequestedProcedureDescription="XR CHEST"),
            character_set="ISO_IR 192")
    for typed in ("иван", "τραυμα"):
        Exam.start(console.config, console.db, orders[typed].id)
    window.start_exam(orders["garcia"].id)
    wait_until(lambda: window.exam.exam is not None, 30, "the exam")
    image_id = expose(window)

    history = window.history
    window.pages.setCurrentWidget(history)
    for typed, name in NAMES.items():
        history.text.setText(typed)
        history.search()
        wait_until(lambda n=name: [e.PatientName for e in history.exams] == [n], 10,
                   f"'{typed}' to find {name}")
    history.text.setText("garcia")
    history.search()
    wait_until(lambda: len(history.exams) == 1, 10, "García's exam")
    history.table.selectRow(0)
    wait_until(lambda: history.status_table.rowCount() == 1
               and not history.status_table.item(0, 0).icon().isNull(), 20, "the thumbnail")
    cells = [history.status_table.item(0, c).text() for c in range(7)]
    status = history.statuses[0]
    assert status.SOPInstanceUID not in cells  # no UIDs on screen, only in the tooltip
    assert history.status_table.item(0, 0).toolTip() == status.SOPInstanceUID
    assert cells[1] == status.ProtocolName and cells[1]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", cells[3])
    assert cells[4] == "to review"
    window.resize(1280, 800)  # the smallest console screen: two thumbnails at least in view
    pump(0.1)
    images = history.status_table
    assert images.viewport().height() >= 2 * images.rowHeight(0), (
        f"{images.viewport().height()} px for rows of {images.rowHeight(0)} px")

    # accepted on the exam screen: the history says so by itself, nothing clicked
    window.exam.exam.accept(image_id)
    wait_until(lambda: history.status_table.item(0, 4).text() == "accepted", 10,
               "the status to refresh")


def test_a_sent_image_is_rejected_from_the_history(room) -> None:
    """Accepted, sent to Orthanc and storescp, then withdrawn from the history: the rejection
    note reaches both and the list says what happened."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from tests import peers
    from vxacq.workflow.orders import ManualPatient, register_manual

    window, console = room.window, room.console
    order = register_manual(console.db, ManualPatient(
        PatientName="Doe^Jane", PatientID="P-IOCM", RequestedProcedureDescription="XR CHEST"))
    exam = Exam.start(console.config, console.db, order.id, protocols=["CHEST_PA"])
    shot = exam.expose("CHEST_PA")
    exam.accept(shot.id)
    exam.close()
    history = window.history
    window.pages.setCurrentWidget(history)
    history.text.setText("P-IOCM")
    history.search()
    wait_until(lambda: len(history.exams) == 1, 10, "the exam")
    history.table.selectRow(0)
    wait_until(lambda: history.statuses and all(
        w == "sent" for w in history.statuses[0].sent.values())
        and len(history.statuses[0].sent) == 2, 60, "the image sent to both nodes")
    assert not history.reject_button.isEnabled()  # nothing chosen yet
    history.status_table.selectRow(0)
    # no reason is offered as the default: the list starts on a line that is not a reason,
    # and Reject waits for one (a reason nobody chose would be filed and sent to the PACS)
    reasons = history.reject_reason
    assert reasons.currentData() is None and reasons.currentText() == "Choose a reason…"
    assert not reasons.model().item(0).isEnabled()  # and it cannot be chosen back
    assert reasons.findData("WrongMarker") > 0  # filled when the page showed
    assert not history.reject_button.isEnabled()
    assert history.reject_button.toolTip().endswith("Choose the reason first")
    history._reject()  # below the button: refused as well, nothing asked
    assert "Choose why the image is rejected first" in history.banner.text()
    assert QApplication.activeModalWidget() is None
    reasons.setCurrentIndex(reasons.findData("Positioning"))
    assert history.reject_button.isEnabled()
    # chosen for this image only: another image selected, then this one, asks again
    dose_report = next(r for r, s in enumerate(history.statuses) if s.is_dose_report)
    history.status_table.selectRow(dose_report)
    history.status_table.selectRow(0)
    assert reasons.currentData() is None and not history.reject_button.isEnabled()
    reasons.setCurrentIndex(reasons.findData("WrongMarker"))
    assert history.reject_button.isEnabled()

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, confirm)
            return
        [button] = [b for b in box.buttons()
                    if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]
        button.click()

    QTimer.singleShot(50, confirm)
    history.reject_button.click()
    wait_until(lambda: any(s.is_rejection_note and s.sent.get("pacs") == "sent"
                           and s.sent.get("backup") == "sent" for s in history.statuses),
               60, "the rejection note sent to both nodes")
    rows = {history.status_table.item(r, 4).text() for r in range(history.status_table.rowCount())}
    assert "rejected: Wrong side marker" in rows
    notes = [history.status_table.item(r, 0).text() for r in range(history.status_table.rowCount())]
    assert "Rejection note" in notes
    note = next(s for s in history.statuses if s.is_rejection_note)
    assert peers.received_file(room.storescp, note.SOPInstanceUID).is_file()


def test_an_exam_is_exported_to_media_from_the_history(window, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from tests import peers

    console = window.console
    order = register_manual(console.db, ManualPatient(
        PatientName="Roe^Rita", PatientID="P-USB", RequestedProcedureDescription="XR CHEST"))
    exam = Exam.start(console.config, console.db, order.id, protocols=["CHEST_PA"])
    exam.accept(exam.expose("CHEST_PA").id)
    exam.close()
    history = window.history
    window.pages.setCurrentWidget(history)
    history.text.setText("P-USB")
    history.search()
    wait_until(lambda: len(history.exams) == 1, 10, "the exam")
    history.table.selectRow(0)
    stick = tmp_path / "stick"
    stick.mkdir()
    # the folder chooser is the platform's: answer it as the user would
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    history.deidentify.setChecked(True)
    history.export_button.click()
    wait_until(lambda: "written to" in history.banner.text(), 30, "the export")
    assert "de-identified" in history.banner.text()
    assert peers.dciodvfy_errors(stick / "DICOMDIR") == []
    assert b"P-USB" not in b"".join(p.read_bytes() for p in stick.rglob("*") if p.is_file())


def test_studies_on_media_are_imported_as_priors_from_the_history(window, tmp_path,
                                                                 monkeypatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

    from vxacq.workflow.media import export_media
    from vxacq.workflow.priors import priors_for_patient

    console = window.console
    order = register_manual(console.db, ManualPatient(
        PatientName="Media^Mia", PatientID="P-CD", RequestedProcedureDescription="XR CHEST"))
    exam = Exam.start(console.config, console.db, order.id, protocols=["CHEST_PA"])
    exam.accept(exam.expose("CHEST_PA").id)
    exam.close()
    cd = tmp_path / "cd"
    export_media(console.db, cd, study_uids=[exam.study.StudyInstanceUID])
    history = window.history
    window.pages.setCurrentWidget(history)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(cd))
    history.import_button.click()
    dialog = history.import_dialog
    wait_until(lambda: dialog.table.rowCount() == 1, 20, "the media's study")
    assert dialog.table.item(0, 2).text() == "MEDIA, Mia"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # nothing ticked: nothing imported, and said so
    assert dialog.isVisible() and "No study is ticked" in dialog.banner.text()
    dialog.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    ok.click()
    wait_until(lambda: "kept as priors" in history.banner.text(), 30, "the import")
    assert not dialog.isVisible()
    shown = priors_for_patient(console.config, "P-CD", "CHEST", "PA")
    assert shown and shown[0].StudyInstanceUID == exam.study.StudyInstanceUID


def test_images_of_the_wrong_patient_are_moved_from_the_history(window, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    console = window.console
    wrong = register_manual(console.db, ManualPatient(
        PatientName="Wrong^Walter", PatientID="P-W", RequestedProcedureDescription="XR CHEST"))
    register_manual(console.db, ManualPatient(
        PatientName="Right^Rita", PatientID="P-R", RequestedProcedureDescription="XR CHEST"))
    exam = Exam.start(console.config, console.db, wrong.id, protocols=["CHEST_PA"])
    exam.accept(exam.expose("CHEST_PA").id)
    exam.close()
    history = window.history
    window.pages.setCurrentWidget(history)
    history.text.setText("P-W")
    history.search()
    wait_until(lambda: len(history.exams) == 1, 10, "the wrong exam")
    history.table.selectRow(0)
    assert history.move_button.isEnabled()

    def answer(_parent, _title, label, items, *args, **kwargs):
        assert "(P-W)" in label
        return next(i for i in items if "(P-R)" in i), True

    monkeypatch.setattr(QInputDialog, "getItem", answer)  # the user picks Rita's order
    reads: list[threading.Thread] = []  # the orders to choose from, read off the GUI thread

    def orders(*args, **kwargs):
        reads.append(threading.current_thread())
        return list_orders(*args, **kwargs)

    monkeypatch.setattr(history_page, "list_orders", orders)
    history.move_button.click()
    assert not history.move_button.isEnabled()  # one question at a time
    wait_until(lambda: "moved to" in history.banner.text(), 60, "the move")
    assert reads and threading.main_thread() not in reads
    history.text.setText("P-R")
    history.search()
    wait_until(lambda: len(history.exams) == 1 and history.exams[0].images == 1, 10,
               "Rita's exam with the image")

"""The console window driven offscreen through a whole exam against real peers.

Worklist from DCMTK wlmscpfs; two exposures on the simulated room with the hand switch, one
rejected, one accepted; the exam closed through its dialog; then the accepted image and the
dose report arrive at DCMTK storescp and Orthanc, Orthanc commits them (its report comes on
an association of its own to our listener), and the MPPS SCP has IN PROGRESS then COMPLETED.
"""

from __future__ import annotations

import pydicom

from tests import peers
from tests.ui.driver import accept_dialog_when_shown, expose, refresh_worklist, start_exam, wait_until
from tests.workflow.conftest import worklist_item
from vxacq.ui.registration_dialog import RegistrationDialog
from vxacq.workflow.history import image_status

RDSR = "1.2.840.10008.5.1.4.1.1.88.67"


def test_whole_exam_from_worklist_to_committed(room) -> None:
    window = room.window
    peers.write_worklist_item(room.worklist, worklist_item("ACC-GUI-1"), "routine")
    urgent = worklist_item("ACC-GUI-2", name="Παπαδόπουλος^Νίκος", patient_id="P-2002")
    urgent.RequestedProcedurePriority = "STAT"
    peers.write_worklist_item(room.worklist, urgent, "stat")

    refresh_worklist(window)
    page = window.worklist
    assert [o.AccessionNumber for o in page.orders] == ["ACC-GUI-2", "ACC-GUI-1"]  # STAT first
    assert page.table.item(0, 0).text() == "STAT"
    assert page.table.item(0, 2).text() == "ΠΑΠΑΔΌΠΟΥΛΟΣ, Νίκος"
    assert page.table.item(1, 2).text() == "MÜLLER, Jürgen"
    assert "ris: " in page.node_status.text() and "failed" not in page.node_status.text()

    window.operator_edit.setText("Tester^Tina")
    window.operator_edit.editingFinished.emit()
    start_exam(window, "ACC-GUI-1")
    exam_page = window.exam
    assert window.pages.currentWidget() is exam_page
    assert [p.id for p in exam_page.exam.protocols] == ["CHEST_PA", "CHEST_LAT"]
    assert "MÜLLER, Jürgen" in exam_page.header.text()

    first = expose(window, "CHEST_PA")
    assert exam_page.review.has_image()
    assert exam_page.ei_label.text().startswith("EI ")
    exam_page.reason.setCurrentIndex(exam_page.reason.findData("MotionBlur"))
    assert exam_page.reason.currentData() == "MotionBlur"
    exam_page.retake_button.click()
    wait_until(lambda: exam_page.exam.image(first).state == "rejected", 20, "the rejection")
    # armed for the retake once the page has the rejection (the database has it first)
    wait_until(lambda: exam_page.selected_protocol().id == "CHEST_PA", 10, "the retake armed")
    assert "Retake CHEST_PA" in exam_page.banner.text()

    second = expose(window, "CHEST_PA")
    exam_page.accept_button.click()
    wait_until(lambda: exam_page.exam.image(second).state == "accepted", 20, "the acceptance")

    wait_until(exam_page.close_button.isEnabled, 10, "Close exam to be possible")
    accept_dialog_when_shown()
    exam_page.close_button.click()
    wait_until(lambda: "completed" in exam_page.banner.text(), 30, "the exam to close")
    assert exam_page.exam.state == "closed"

    db, study_id = room.console.db, exam_page.exam.study_id

    def all_done() -> bool:
        statuses = image_status(db, study_id)
        sent = [s for s in statuses if s.sent]
        return len(sent) == 2 and all(
            s.sent == {"pacs": "sent", "backup": "sent"} and s.committed == {"pacs": "committed"}
            for s in sent)

    wait_until(all_done, 90, "images and dose report sent and committed")
    # the window's status column says so too
    wait_until(lambda: exam_page.status_table.rowCount() == 3
               and "pacs: committed" in exam_page.status_table.item(2, 3).text(), 15,
               "the status column")

    accepted = exam_page.exam.image(second)
    received = {pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID: p
                for p in peers.received_files(room.storescp)}
    assert accepted.SOPInstanceUID in received
    assert exam_page.exam.image(first).SOPInstanceUID not in received  # rejected: kept here
    report = [pydicom.dcmread(p) for p in received.values()
              if pydicom.dcmread(p, stop_before_pixels=True).SOPClassUID == RDSR]
    assert len(report) == 1
    at_orthanc = peers.orthanc_rest(room.orthanc, "/instances")
    assert len(at_orthanc) == 2

    operations = [(r.operation, r.status) for r in room.mpps.received]
    assert operations == [("N-CREATE", 0), ("N-SET", 0)], [r.problem for r in room.mpps.received]
    final = room.mpps.received[-1].attributes
    assert final.PerformedProcedureStepStatus == "COMPLETED"
    refs = [i.ReferencedSOPInstanceUID for s in final.PerformedSeriesSequence
            for i in s.get("ReferencedImageSequence", [])]
    assert refs == [accepted.SOPInstanceUID]
    assert {str(s.OperatorsName) for s in final.PerformedSeriesSequence} == {"Tester^Tina"}
    image = pydicom.dcmread(received[accepted.SOPInstanceUID], stop_before_pixels=True)
    assert str(image.OperatorsName) == "Tester^Tina"


def test_unreachable_worklist_is_said_and_manual_registration_checks_fields(room, qtbot) -> None:
    window = room.window
    peers._stop(room.worklist.process)
    page = window.worklist
    wait_until(lambda: not page.refreshing)
    page.refresh()
    wait_until(lambda: not page.refreshing, 60, "the refresh to fail")
    assert page.banner.isVisible()
    assert "could not be fetched from ris" in page.banner.text()

    dialog = RegistrationDialog(room.console)
    qtbot.addWidget(dialog)
    dialog.edits["given"].setText("Anna")
    dialog.edits["PatientBirthDate"].setText("1971-04-23")
    dialog.submit()
    assert dialog.order is None
    assert dialog.problems["family"].isVisibleTo(dialog)
    assert "required" in dialog.problems["family"].text()
    assert "YYYYMMDD" in dialog.problems["PatientBirthDate"].text()
    assert "required" in dialog.problems["PatientID"].text()
    dialog.edits["family"].setText("Doe")
    dialog.edits["PatientBirthDate"].setText("19710423")
    dialog._emergency_id()
    wait_until(lambda: dialog.edits["PatientID"].text(), 10, "the Emergency ID")
    dialog.submit()
    wait_until(lambda: dialog.order is not None, 10, "the registration")
    assert dialog.order.PatientName == "Doe^Anna"
    page.reload()
    wait_until(lambda: not page.reading, 10, "the list read again")
    assert any(o.PatientID == dialog.order.PatientID and o.node == "" for o in page.orders)


def test_service_page_echoes_each_node_and_validates_settings(room) -> None:
    nodes = room.window.service.nodes
    peers._stop(room.orthanc.process)
    nodes.echo_all()
    names = [n.name for n in room.config.nodes]

    def result(name: str) -> str:
        return nodes.echo_results.get(name, "")

    wait_until(lambda: all(result(n) not in ("", "asking…") for n in names), 60, "the echoes")
    assert result("backup").startswith("OK")
    assert result("pacs").startswith("failed")
    row = names.index("backup")
    assert nodes.table.item(row, 5).text().startswith("OK in")

    window = room.window
    window.operator_edit.setText("Bad\\Name")
    window.operator_edit.editingFinished.emit()
    assert room.console.operator == "" and window.operator_edit.text() == ""
    assert "cannot be written" in window.statusBar().currentMessage()

    station = room.window.service.station
    station.station_name.setText("A NAME LONGER THAN SIXTEEN")
    station.save()
    wait_until(lambda: "longer than 16" in station.banner.text(), 10, "the refusal")
    assert room.console.config.station.station_name == "WF-TEST"  # nothing changed
    station.station_name.setText("ROOM-2")
    station.save()
    wait_until(lambda: room.console.config.station.station_name == "ROOM-2", 10, "the save")
    assert 'station_name = "ROOM-2"' in room.config.path.read_text()

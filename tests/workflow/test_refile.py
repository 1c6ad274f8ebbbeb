"""Images filed under the wrong worklist entry, moved to the right order (IHE IOCM 113038)
end to end: Orthanc and storescp store, the strict MPPS SCP of tests/net checks both steps."""

from __future__ import annotations

import json

import pydicom
import pytest
from sqlmodel import select

from tests import peers
from tests.workflow.test_rejection import KOS, department, in_orthanc, station  # noqa: F401
from vxacq import cli
from vxacq.db import Image, JobKind, Series
from vxacq.net.routing import study_files
from vxacq.net.outbox import Outbox, list_jobs
from vxacq.workflow.exam import Exam
from vxacq.workflow.orders import ManualPatient, get_order, register_manual
from vxacq.workflow.refile import RefileError, move_to_order


def test_images_of_the_wrong_patient_move_to_the_right_order(
        tmp_path, calibrated_data, department, capsys) -> None:  # noqa: F811
    config, db = station(tmp_path, calibrated_data, department)
    wrong = register_manual(db, ManualPatient(PatientName="Wrong^Walter", PatientID="P-WRONG",
                                              AccessionNumber="ACC-W",
                                              RequestedProcedureDescription="XR CHEST"))
    right = register_manual(db, ManualPatient(PatientName="Right^Rita", PatientID="P-RIGHT",
                                              AccessionNumber="ACC-R",
                                              RequestedProcedureDescription="XR CHEST"))
    exam = Exam.start(config, db, wrong.id, protocols=["CHEST_PA"])
    blurred = exam.retake(exam.expose("CHEST_PA").id, "MotionBlur")
    shot = blurred  # the retake
    exam.accept(shot.id)
    wrong_report = exam.close().dose_report
    outbox = Outbox(config, db)
    # the image reaches PACS; the RIS has not received the end of the wrong step yet
    outbox.drain([j.id for j in list_jobs(db, study_id=exam.study_id)
                  if j.kind == JobKind.STORE], timeout=60)
    with pytest.raises(RefileError, match="already"):
        move_to_order(config, db, exam.study_id, wrong.id)

    base = ["--config", str(config.path)]
    assert cli.main([*base, "refile", str(exam.study_id), "ACC-R", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    new_uid = doc["moved"][shot.SOPInstanceUID]
    assert len(doc["notes"]) == 2  # the image and the dose report of the wrong exam
    note_uid = doc["notes"][0]
    for study in (exam.study_id, doc["to_study_id"]):
        outbox.drain([j.id for j in list_jobs(db, study_id=study)], timeout=60)
    assert not [j.describe() for j in list_jobs(db) if not j.finished]

    # the right patient's image: a new instance of a new study, same exposure
    moved = in_orthanc(department.orthanc, new_uid)
    assert (moved["PatientID"], moved["AccessionNumber"]) == ("P-RIGHT", "ACC-R")
    with db.session() as session:
        new_row = session.exec(select(Image).where(Image.SOPInstanceUID == new_uid)).one()
        old_row = session.get(Image, shot.id)
        assert new_row.raw_path == old_row.raw_path  # the same frame, the same irradiation
        assert (old_row.state, old_row.reject_code_value) == ("rejected", "R-MWL")
    new_ds = pydicom.dcmread(new_row.file_path)
    old_ds = pydicom.dcmread(shot.file_path)
    assert new_ds.StudyInstanceUID != old_ds.StudyInstanceUID
    assert new_ds.SeriesInstanceUID != old_ds.SeriesInstanceUID
    assert peers.dciodvfy_errors(new_row.file_path) == []
    # the wrong one is withdrawn where it went
    note = in_orthanc(department.orthanc, note_uid)
    assert note["SOPClassUID"] == KOS and note["PatientID"] == "P-WRONG"
    kos = pydicom.dcmread(peers.received_file(department.storescp, note_uid))
    assert kos.ConceptNameCodeSequence[0].CodeValue == "113038"
    assert peers.dciodvfy_errors(peers.received_file(department.storescp, note_uid)) == []

    # the dose: both exposures (the rejected one too) in the right patient's report, with the
    # same irradiation events; the wrong patient's report withdrawn and never sent again
    def events(path) -> set[str]:
        found = set()

        def walk(items) -> None:
            for item in items:
                if item.get("ValueType") == "UIDREF" and \
                        item.ConceptNameCodeSequence[0].CodeValue == "113769":
                    found.add(str(item.UID))
                walk(item.get("ContentSequence", []))

        walk(pydicom.dcmread(path).ContentSequence)
        return found

    with db.session() as session:
        right_report = session.exec(select(Image).join(Series, Image.series_id == Series.id)
                                    .where(Series.study_id == doc["to_study_id"],
                                           Series.Modality == "SR")).one().file_path
    assert len(events(right_report)) == 2 and events(right_report) == events(wrong_report)
    report_note = in_orthanc(department.orthanc, doc["notes"][1])
    assert report_note["PatientID"] == "P-WRONG"
    assert wrong_report not in study_files(db, exam.study_id)

    # MPPS for both: the wrong step DISCONTINUED (incorrect worklist entry), the right one done
    assert all(r.status == 0 for r in department.mpps.received), [
        (r.operation, r.problem) for r in department.mpps.received]
    creates = {r.attributes.PatientID: r.instance_uid for r in department.mpps.received
               if r.operation == "N-CREATE"}
    wrong_step = department.mpps.steps[creates["P-WRONG"]]
    right_step = department.mpps.steps[creates["P-RIGHT"]]
    assert wrong_step.PerformedProcedureStepStatus == "DISCONTINUED"
    assert wrong_step.PerformedProcedureStepDiscontinuationReasonCodeSequence[0].CodeValue \
        == "110514"
    assert right_step.PerformedProcedureStepStatus == "COMPLETED"
    listed = {r.ReferencedSOPInstanceUID for s in right_step.PerformedSeriesSequence
              for r in s.ReferencedImageSequence}
    assert listed == {new_uid}
    assert get_order(db, right.id).state == "completed"

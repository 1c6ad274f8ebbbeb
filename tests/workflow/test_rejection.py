"""Rejecting an image after it was sent (IHE IOCM) end to end: Orthanc and DCMTK storescp store
the images and then the rejection note, the strict MPPS SCP of tests/net checks the corrected
N-SET. Peers are started once for the module; each test has its own station."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest
from sqlmodel import select

from tests import peers
from tests.net.mpps_scp import MppsScp
from tests.workflow.conftest import node, write_station
from vxacq.config import Config
from vxacq.db import AuditEvent, Database, Image, JobKind, database_for
from vxacq.net.outbox import Outbox, list_jobs
from vxacq.net.routing import study_files
from vxacq.workflow.dose import exam_dose
from vxacq.workflow.exam import Exam
from vxacq.workflow.history import image_status
from vxacq.workflow.orders import register_emergency
from vxacq.workflow.procedures import emergency_protocols
from vxacq.workflow.rejection import RejectionError, reject_sent

KOS = "1.2.840.10008.5.1.4.1.1.88.59"


@dataclass
class Peers:
    orthanc: peers.Peer
    storescp: peers.Peer
    mpps: MppsScp


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peers]:
    folder = tmp_path_factory.mktemp("iocm-peers")
    with peers.start_orthanc(tmpdir=folder) as orthanc, \
            peers.start_storescp(tmpdir=folder) as storescp:
        mpps = MppsScp("TEST_RIS").start()
        try:
            yield Peers(orthanc, storescp, mpps)
        finally:
            mpps.stop()


def station(tmp_path: Path, calibrated_data: Path, department: Peers) -> tuple[Config, Database]:
    nodes = (node("mppsrx", "TEST_RIS", department.mpps.port, ["mpps"])
             + node("pacs", department.orthanc.ae_title, department.orthanc.port, ["store"])
             + node("backup", department.storescp.ae_title, department.storescp.port, ["store"]))
    config = write_station(tmp_path / "station", calibrated_data, nodes, peers.free_port())
    return config, database_for(config.data_dir)


def exam_of_two(config: Config, db: Database) -> tuple[Exam, list, str]:
    """A closed exam of two accepted images in two series; returns the exam, the images and
    the dose report's path."""
    patient = register_emergency(db, config.station.ae_title)
    protocols = ["CHEST_PA", "SKULL_LAT"]
    exam = Exam.start(config, db, patient.id, operator="Tester^Tina", protocols=protocols)
    shots = [exam.expose(p) for p in protocols]
    for shot in shots:
        exam.accept(shot.id)
    closed = exam.close()
    return exam, shots, closed.dose_report


def in_orthanc(archive: peers.Peer, sop_uid: str) -> dict:
    found = peers.orthanc_rest(archive, "/tools/find", "POST", {
        "Level": "Instance", "Query": {"SOPInstanceUID": sop_uid}})
    assert len(found) == 1, f"Orthanc holds {len(found)} copies of {sop_uid}"
    return peers.orthanc_rest(archive, f"/instances/{found[0]}/simplified-tags")


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_rejecting_a_sent_image_sends_a_kos_to_every_node_it_went_to(
        tmp_path: Path, calibrated_data: Path, department: Peers) -> None:
    config, db = station(tmp_path, calibrated_data, department)
    exam, shots, report = exam_of_two(config, db)
    outbox = Outbox(config, db)
    outbox.drain([j.id for j in list_jobs(db, study_id=exam.study_id)], timeout=60)
    before = digest(report)
    wrong = shots[0]
    in_orthanc(department.orthanc, wrong.SOPInstanceUID)

    result = reject_sent(config, db, wrong.id, "WrongMarker", operator="Tester^Tina")
    # the RIS has the step COMPLETED already: it takes no N-SET, the note tells the archive
    assert set(result.store_jobs) == {"pacs", "backup"} and not result.mpps_corrected
    assert set(result.mpps_unchanged) == {"mppsrx"}
    assert result.title.value == "113037"  # the wrong side marker is a patient-safety matter
    outbox.drain(list(result.store_jobs.values()), timeout=60)

    assert peers.dciodvfy_errors(result.note_path) == []
    note = pydicom.dcmread(result.note_path)
    assert note.SOPClassUID == KOS and note.Modality == "KO"
    assert note.ConceptNameCodeSequence[0].CodeValue == "113037"
    assert (note.PatientID, note.StudyInstanceUID) == (
        exam.patient.PatientID, exam.study.StudyInstanceUID)
    [study] = note.CurrentRequestedProcedureEvidenceSequence
    [series] = study.ReferencedSeriesSequence
    assert [r.ReferencedSOPInstanceUID for r in series.ReferencedSOPSequence] == [
        wrong.SOPInstanceUID]
    # Orthanc and storescp hold the note
    stored = in_orthanc(department.orthanc, result.note_uid)
    assert stored["SOPClassUID"] == KOS and stored["StudyInstanceUID"] == exam.study.StudyInstanceUID
    assert pydicom.dcmread(peers.received_file(department.storescp, result.note_uid)).Modality == "KO"

    # the image is rejected and never sent again; the other image and the dose report are
    assert str(wrong.file_path) not in study_files(db, exam.study_id)
    assert shots[1].file_path in study_files(db, exam.study_id)
    assert digest(report) == before  # the dose report keeps the exposure
    with db.session() as session:
        row = session.get(Image, wrong.id)
        assert (row.state, row.reject_code_value) == ("rejected", "R-MARK")
        audit = session.exec(select(AuditEvent).where(
            AuditEvent.action == "image rejected after sending")).one()
    assert wrong.SOPInstanceUID in audit.detail and "113037" in audit.detail
    # the history shows the rejection and what was sent
    status = {s.SOPInstanceUID: s for s in image_status(db, exam.study_id)}
    assert status[wrong.SOPInstanceUID].state == "rejected"
    assert status[wrong.SOPInstanceUID].reject_reason == "Wrong side marker"
    assert status[result.note_uid].is_rejection_note
    assert status[result.note_uid].sent == {"pacs": "sent", "backup": "sent"}
    # the note is no exposure: the exam's dose (the dose check's projection) lists the two shots
    assert [i.image_id for i in exam_dose(db, exam.study_id).images] == [s.id for s in shots]

    with pytest.raises(RejectionError, match="rejected"):
        reject_sent(config, db, wrong.id, "MotionBlur")


def test_vxacq_reject_withdraws_a_sent_image_over_the_same_function(
        tmp_path: Path, calibrated_data: Path, department: Peers, capsys) -> None:
    import json

    from vxacq import cli

    config, db = station(tmp_path, calibrated_data, department)
    exam, shots, _report = exam_of_two(config, db)
    Outbox(config, db).drain([j.id for j in list_jobs(db, study_id=exam.study_id)], timeout=60)
    base = ["--config", str(config.path)]
    assert cli.main([*base, "reject", "1.2.3.4", "--reason", "MotionBlur"]) == 1
    assert "no image 1.2.3.4" in capsys.readouterr().err
    assert cli.main([*base, "reject", shots[1].SOPInstanceUID, "--reason", "RetentionExpired",
                     "--wait", "60", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["title"] == "113039" and set(doc["store_jobs"]) == {"pacs", "backup"}
    assert doc["unfinished"] == []
    assert in_orthanc(department.orthanc, doc["note"])["SOPClassUID"] == KOS


def test_a_step_not_yet_reported_ended_is_corrected_without_the_image(
        tmp_path: Path, calibrated_data: Path, department: Peers) -> None:
    config, db = station(tmp_path, calibrated_data, department)
    exam, shots, report = exam_of_two(config, db)
    outbox = Outbox(config, db)
    jobs = list_jobs(db, study_id=exam.study_id)
    # the images reach PACS while the RIS is not reachable yet: the N-SET waits in the outbox
    outbox.drain([j.id for j in jobs if j.kind == JobKind.STORE], timeout=60)
    wrong, kept = shots
    result = reject_sent(config, db, wrong.id, "MotionBlur")
    assert result.title.value == "113001" and set(result.mpps_corrected) == {"mppsrx"}
    outbox.drain([j.id for j in list_jobs(db, study_id=exam.study_id)], timeout=60)
    assert not [j.describe() for j in list_jobs(db, study_id=exam.study_id) if not j.finished]

    assert all(r.status == 0 for r in department.mpps.received), [
        (r.operation, r.problem) for r in department.mpps.received]
    final = department.mpps.steps[exam._step.performed.SOPInstanceUID]
    assert final.PerformedProcedureStepStatus == "COMPLETED"
    listed = {r.ReferencedSOPInstanceUID for s in final.PerformedSeriesSequence
              for r in list(s.ReferencedImageSequence)
              + list(s.ReferencedNonImageCompositeSOPInstanceSequence)}
    report_uid = pydicom.dcmread(report).SOPInstanceUID
    assert listed == {kept.SOPInstanceUID, report_uid, result.note_uid}
    series = {s.SeriesInstanceUID for s in final.PerformedSeriesSequence}
    assert pydicom.dcmread(wrong.file_path).SeriesInstanceUID not in series  # its series had only it
    in_orthanc(department.orthanc, result.note_uid)


def test_an_image_never_sent_is_rejected_in_the_exam_not_here(
        tmp_path: Path, calibrated_data: Path, department: Peers) -> None:
    config, db = station(tmp_path, calibrated_data, department)
    patient = register_emergency(db, config.station.ae_title)
    exam = Exam.start(config, db, patient.id, protocols=emergency_protocols()[:1])
    shot = exam.expose(emergency_protocols()[0])
    with pytest.raises(RejectionError, match="not an accepted image"):
        reject_sent(config, db, shot.id, "MotionBlur")
    exam.accept(shot.id)
    with pytest.raises(RejectionError, match="never queued"):
        reject_sent(config, db, shot.id, "MotionBlur")
    with pytest.raises(RejectionError, match="not a reject reason"):
        reject_sent(config, db, shot.id, "NoSuchReason")
    for missing in ("", None):  # nothing chosen: never withdrawn under a default reason
        with pytest.raises(RejectionError, match="no reject reason given"):
            reject_sent(config, db, shot.id, missing)

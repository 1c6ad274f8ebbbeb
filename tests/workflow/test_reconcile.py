"""Emergency start and reconciliation end to end against real peers: Orthanc answers the
worklist (its plugin), stores and commits; the strict MPPS SCP of tests/net checks every
message. A trauma patient is examined under a temporary identity, the order arrives on the
worklist afterwards, and the exam is reconciled with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest
from sqlmodel import select

from tests import peers
from tests.net.mpps_scp import MppsScp
from tests.workflow.conftest import STATION_AE, node, worklist_item, write_station
from vxacq.config import Config
from vxacq.db import AuditEvent, Database, Job, JobKind, database_for
from vxacq.workflow.exam import Exam
from vxacq.workflow.history import image_status
from vxacq.workflow.orders import get_order, is_emergency, register_emergency
from vxacq.workflow.procedures import emergency_protocols
from vxacq.workflow.reconcile import ReconcileError, reconcile, unscheduled_exams
from vxacq.workflow.runtime import Services, fetch_order, wait_for_jobs


@dataclass
class Room:
    archive: peers.Peer  # worklist, store and commitment
    mpps: MppsScp
    config: Config
    db: Database


@pytest.fixture
def room(tmp_path: Path, calibrated_data: Path, orthanc_factory) -> Iterator[Room]:
    listen_port = peers.free_port()
    archive = orthanc_factory(modalities={"console": (STATION_AE, "127.0.0.1", listen_port)},
                              worklists_dir=tmp_path / "worklists")
    mpps = MppsScp("TEST_RIS").start()
    nodes = (node("ris", archive.ae_title, archive.port, ["worklist"])
             + node("mppsrx", "TEST_RIS", mpps.port, ["mpps"])
             + node("pacs", archive.ae_title, archive.port, ["store", "commitment"],
                    commitment_timeout_minutes=5.0))
    config = write_station(tmp_path / "station", calibrated_data, nodes, listen_port)
    try:
        yield Room(archive, mpps, config, database_for(config.data_dir))
    finally:
        mpps.stop()


def archived(archive: peers.Peer, patient_id: str) -> dict[str, dict]:
    """SOP Instance UID → tags of every instance Orthanc holds for ``patient_id``."""
    found = peers.orthanc_rest(archive, "/tools/find", "POST", {
        "Level": "Instance", "Query": {"PatientID": patient_id}})
    out = {}
    for orthanc_id in found:
        tags = peers.orthanc_rest(archive, f"/instances/{orthanc_id}/simplified-tags")
        out[tags["SOPInstanceUID"]] = tags
    return out


def test_trauma_exam_is_reconciled_with_the_order_that_arrives_later(room: Room) -> None:
    config, db = room.config, room.db
    with Services(config, db) as services:
        # one action: a temporary identity and an exam with a chest protocol
        trauma = register_emergency(db, config.station.ae_title,
                                    name_pattern=config.station.emergency_name)
        today = dt.date.today().strftime("%Y%m%d")
        assert trauma.PatientID == f"EMR-{STATION_AE}-{today}-1" and is_emergency(trauma)
        assert trauma.PatientName == "TRAUMA^1"
        protocols = emergency_protocols()
        assert protocols and protocols[0].startswith("CHEST")
        exam = Exam.start(config, db, trauma.id, operator="Tester^Tina", protocols=protocols)
        shot = exam.expose(protocols[0])
        exam.accept(shot.id)
        closed = exam.close()
        assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=90)
        assert set(archived(room.archive, trauma.PatientID)) == {
            shot.SOPInstanceUID, pydicom.dcmread(closed.dose_report).SOPInstanceUID}

    # the order arrives on the worklist; the exam is reconciled with it
    item = worklist_item("ACC7001", name="García^José", patient_id="P-7001",
                         description="XR CHEST", procedure_code="RPID-CHEST")
    peers.write_worklist_item(room.archive, item, "ACC7001")
    order = fetch_order(config, db, "ACC7001")
    assert order is not None
    assert [e.study_id for e in unscheduled_exams(db, closed_only=True)] == [exam.study_id]
    with pytest.raises(ReconcileError, match="registered here"):
        reconcile(config, db, exam.study_id, trauma.id)
    result = reconcile(config, db, exam.study_id, order.id, operator="Tester^Tina")
    assert result.PatientID == "P-7001" and result.temporary_id == trauma.PatientID
    assert len(result.jobs["store"]) == 1 and len(result.jobs["mpps"]) == 2
    # the database is switched, and audited, before anything is sent
    assert get_order(db, order.id).state == "completed"
    assert unscheduled_exams(db) == []
    with db.session() as session:
        audit = session.exec(select(AuditEvent).where(
            AuditEvent.action == "exam reconciled")).all()
    assert len(audit) == 1 and trauma.PatientID in audit[0].detail
    with pytest.raises(ReconcileError, match="worklist order already"):
        reconcile(config, db, exam.study_id, order.id)
    # The archive's part of PIR (its patient merge): the copies under the temporary ID go.
    # Orthanc keeps an instance per patient, and commits a SOP Instance UID only when it holds
    # one copy of it.
    for patient in peers.orthanc_rest(room.archive, "/tools/find", "POST", {
            "Level": "Patient", "Query": {"PatientID": trauma.PatientID}}):
        peers.orthanc_rest(room.archive, f"/patients/{patient}", "DELETE")
    with Services(config, db) as services:
        assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=90)
    with db.session() as session:
        commitments = session.exec(select(Job).where(Job.study_id == exam.study_id,
                                                     Job.kind == JobKind.COMMITMENT)).all()
    assert len(commitments) == 2  # requested again for the corrected objects

    # the archive holds the corrected objects (same SOP Instance UIDs) under the real patient
    report_uid = pydicom.dcmread(closed.dose_report).SOPInstanceUID
    corrected = archived(room.archive, "P-7001")
    assert set(corrected) == {shot.SOPInstanceUID, report_uid}
    for tags in corrected.values():
        assert tags["PatientName"] == "García^José" and tags["AccessionNumber"] == "ACC7001"
    # ... and committed them again
    for status in image_status(db, exam.study_id):
        if status.SOPInstanceUID in (shot.SOPInstanceUID, report_uid):
            assert status.committed == {"pacs": "committed"}

    # the files: real identity, the temporary ID kept with its issuer, the order referenced
    image = pydicom.dcmread(shot.file_path)
    assert (str(image.PatientName), image.PatientID, image.AccessionNumber) == (
        "García^José", "P-7001", "ACC7001")
    assert image.StudyInstanceUID == exam.study.StudyInstanceUID  # kept
    other = image.OtherPatientIDsSequence[-1]
    assert other.PatientID == trauma.PatientID and other.IssuerOfPatientID == f"VXACQ-{STATION_AE}"
    request = image.RequestAttributesSequence[0]
    assert (request.RequestedProcedureID, request.ScheduledProcedureStepID) == (
        "RPACC7001", "SPSACC7001")
    assert request.StudyInstanceUID == item.StudyInstanceUID
    report = pydicom.dcmread(closed.dose_report)
    assert report.PatientID == "P-7001"
    assert report.ReferencedRequestSequence[0].AccessionNumber == "ACC7001"
    for path in (shot.file_path, closed.dose_report):
        assert peers.dciodvfy_errors(path) == []

    # MPPS: the unscheduled step as it was, then a new step for the order, both accepted
    assert all(r.status == 0 for r in room.mpps.received), [
        (r.operation, r.problem) for r in room.mpps.received]
    creates = [r for r in room.mpps.received if r.operation == "N-CREATE"]
    sets = [r for r in room.mpps.received if r.operation == "N-SET"]
    assert len(creates) == 2 and len(sets) == 2
    first, second = creates
    assert first.attributes.PatientID == trauma.PatientID
    assert not first.attributes.ScheduledStepAttributesSequence[0].AccessionNumber
    assert second.attributes.PatientID == "P-7001"
    assert str(second.attributes.PatientName) == "García^José"
    scheduled = second.attributes.ScheduledStepAttributesSequence[0]
    assert (scheduled.AccessionNumber, scheduled.RequestedProcedureID,
            scheduled.ScheduledProcedureStepID) == ("ACC7001", "RPACC7001", "SPSACC7001")
    assert scheduled.StudyInstanceUID == exam.study.StudyInstanceUID
    final = room.mpps.steps[second.instance_uid]
    assert final.PerformedProcedureStepStatus == "COMPLETED"
    listed = {r.ReferencedSOPInstanceUID for s in final.PerformedSeriesSequence
              for r in list(s.ReferencedImageSequence)
              + list(s.ReferencedNonImageCompositeSOPInstanceSequence)}
    assert listed == {shot.SOPInstanceUID, report_uid}
    assert trauma.PatientID in final.CommentsOnThePerformedProcedureStep
    # the images name the step that reports them against the order
    assert image.ReferencedPerformedProcedureStepSequence[0].ReferencedSOPInstanceUID \
        == second.instance_uid


def test_an_open_exam_is_closed_before_it_is_reconciled(room: Room) -> None:
    config, db = room.config, room.db
    trauma = register_emergency(db, config.station.ae_title)
    second = register_emergency(db, config.station.ae_title)
    assert second.PatientID.endswith("-2") and second.PatientName == "TRAUMA^2"
    exam = Exam.start(config, db, trauma.id)
    peers.write_worklist_item(room.archive, worklist_item("ACC7002", patient_id="P-7002"),
                              "ACC7002")
    order = fetch_order(config, db, "ACC7002")
    with pytest.raises(ReconcileError, match="still open"):
        reconcile(config, db, exam.study_id, order.id)
    assert get_order(db, order.id).state == "scheduled"


def test_vxacq_reconcile_lists_and_reconciles_over_the_same_function(
        tmp_path: Path, calibrated_data: Path, capsys) -> None:
    import json

    from vxacq import cli
    from vxacq.db import Order, Patient

    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    trauma = register_emergency(db, config.station.ae_title)
    exam = Exam.start(config, db, trauma.id, protocols=emergency_protocols())
    exam.accept(exam.expose(emergency_protocols()[0]).id)
    exam.close()
    with db.session() as session:  # an order the worklist saved (no node needed for that)
        patient = Patient(PatientID="P-7003", PatientName="Roe^Jane", PatientSex="F")
        session.add(patient)
        session.flush()
        session.add(Order(patient_id=patient.id, node="ris", AccessionNumber="ACC7003",
                          RequestedProcedureID="RP7003", ScheduledProcedureStepID="SPS7003",
                          StudyInstanceUID="1.2.3.7003"))
    base = ["--config", str(config.path)]
    assert cli.main([*base, "reconcile", "--list"]) == 0
    assert trauma.PatientID in capsys.readouterr().out
    assert cli.main([*base, "reconcile", str(exam.study_id)]) == 2
    assert "ACCESSION" in capsys.readouterr().err
    assert cli.main([*base, "reconcile", str(exam.study_id), "NOPE"]) == 1
    assert "no active order with accession NOPE" in capsys.readouterr().err
    assert cli.main([*base, "reconcile", str(exam.study_id), "ACC7003", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["PatientID"], doc["temporary_id"]) == ("P-7003", trauma.PatientID)
    assert doc["jobs"] == {"store": [], "mpps": []} and len(doc["files"]) == 2  # no nodes
    for path in doc["files"]:
        ds = pydicom.dcmread(path)
        assert (ds.PatientID, str(ds.PatientName), ds.AccessionNumber) == (
            "P-7003", "Roe^Jane", "ACC7003")
        assert peers.dciodvfy_errors(path) == []
    assert cli.main([*base, "reconcile", str(exam.study_id), "ACC7003"]) == 1
    assert "no active order" in capsys.readouterr().err  # the order is performed now

"""MPPS against a pynetdicom SCP that holds us to PS3.4 Annex F (tests/net/mpps_scp.py): full
IN PROGRESS → COMPLETED and → DISCONTINUED cycles, an SCP-assigned instance UID kept for the
N-SET, unscheduled and appended steps, refusals in words, and the outbox riding out an outage."""

from __future__ import annotations

import socket
from datetime import date, datetime
from pathlib import Path

import pytest
from pydicom.sr.coding import Code
from pydicom.uid import generate_uid
from pynetdicom.sop_class import DigitalXRayImageStorageForPresentation, XRayRadiationDoseSRStorage

from vxacq.db import JobState, Patient, PerformedStep, Study, open_database
from vxacq.dicom import mpps as builders
from vxacq.dicom.inputs import OrderInfo, PatientInfo
from vxacq.net import mpps
from vxacq.net.association import DicomNetworkError
from vxacq.net.outbox import Outbox, get_job

from mpps_scp import MppsScp
from orders import node_config

STUDY_UID = "1.2.826.0.1.3680043.10.543.77"
PATIENT = PatientInfo(PatientName="Yamada^Tarou=山田^太郎=やまだ^たろう", PatientID="P-1",
                      PatientBirthDate=date(1980, 2, 29), PatientSex="M")
ORDER = OrderInfo(AccessionNumber="ACC-1", StudyInstanceUID=STUDY_UID, RequestedProcedureID="RP-1",
                  RequestedProcedureDescription="Chest", ScheduledProcedureStepID="SPS-1",
                  ScheduledProcedureStepDescription="Chest PA",
                  ScheduledProtocolCodes=(Code("CHEST_PA", "99VXACQ", "Chest PA"),),
                  ReferencedStudies=(("1.2.840.10008.3.1.2.3.1", STUDY_UID),),
                  SpecificCharacterSet="\\ISO 2022 IR 87")


@pytest.fixture
def scp():
    server = MppsScp().start()
    yield server
    server.stop()


def config_for(tmp_path: Path, port: int, **node):
    return node_config(tmp_path, "RIS", port, ["mpps"], **node)


def start(order: OrderInfo | None = ORDER, step_id: str = "PPS-1"):
    return builders.StepStart(PerformedProcedureStepID=step_id, started=datetime(2026, 11, 23, 9, 30),
                              patient=PATIENT, StudyInstanceUID=STUDY_UID, order=order,
                              StudyID="RP-1", PerformedProcedureStepDescription="Chest PA")


def completed():
    series = builders.PerformedSeries(
        SeriesInstanceUID="1.2.826.0.1.3680043.10.543.77.1", ProtocolName="CHEST_PA",
        SeriesDescription="Chest PA", OperatorsName=("Tech^Tom",),
        images=((DigitalXRayImageStorageForPresentation, "1.2.826.0.1.3680043.10.543.77.1.1"),
                (DigitalXRayImageStorageForPresentation, "1.2.826.0.1.3680043.10.543.77.1.2")),
        non_images=((XRayRadiationDoseSRStorage, "1.2.826.0.1.3680043.10.543.77.9"),))
    return builders.StepEnd(status=builders.COMPLETED, ended=datetime(2026, 11, 23, 9, 41),
                            series=(series,))


def test_in_progress_then_completed_lists_every_series_and_image(tmp_path, scp):
    config = config_for(tmp_path, scp.port)
    node = config.node("ris")
    uid = generate_uid()
    created, warning = mpps.create(config, node, builders.n_create(start(), config.station), uid)
    assert (created, warning) == (uid, "")
    mpps.update(config, node, uid, builders.n_set(completed(), config.station))
    assert [(r.operation, r.instance_uid, r.status) for r in scp.received] == [
        ("N-CREATE", uid, 0), ("N-SET", uid, 0)]
    got = scp.received[0].attributes
    assert str(got.PatientName) == PATIENT.PatientName  # decoded by the SCP from our encoding
    assert got.ScheduledStepAttributesSequence[0].AccessionNumber == "ACC-1"
    assert got.ScheduledStepAttributesSequence[0].ScheduledProcedureStepID == "SPS-1"
    final = scp.steps[uid]
    assert final.PerformedProcedureStepStatus == "COMPLETED"
    series = final.PerformedSeriesSequence[0]
    assert [i.ReferencedSOPInstanceUID for i in series.ReferencedImageSequence] == [
        "1.2.826.0.1.3680043.10.543.77.1.1", "1.2.826.0.1.3680043.10.543.77.1.2"]
    assert series.ReferencedNonImageCompositeSOPInstanceSequence[0].ReferencedSOPClassUID == \
        XRayRadiationDoseSRStorage


def test_scp_assigned_uid_is_used_for_the_discontinued_n_set(tmp_path, scp):
    config = config_for(tmp_path, scp.port)
    node = config.node("ris")
    uid, _ = mpps.create(config, node, builders.n_create(start(), config.station), None)
    assert uid == scp.received[0].instance_uid and uid in scp.steps
    end = builders.StepEnd(status=builders.DISCONTINUED, ended=datetime(2026, 11, 23, 9, 35),
                           discontinuation_reason="IncorrectWorklistEntrySelected")
    mpps.update(config, node, uid, builders.n_set(end, config.station))
    assert scp.received[-1].status == 0 and scp.received[-1].instance_uid == uid
    reason = scp.steps[uid].PerformedProcedureStepDiscontinuationReasonCodeSequence[0]
    assert (reason.CodeValue, reason.CodingSchemeDesignator) == ("110514", "DCM")
    # A finished step cannot be changed: the SCP's 0xC310 comes back in words.
    with pytest.raises(DicomNetworkError) as failed:
        mpps.update(config, node, uid, builders.n_set(end, config.station))
    assert "0xC310" in str(failed.value) and "can no longer be changed" in str(failed.value)
    assert not failed.value.retryable


def test_unscheduled_and_appended_steps(tmp_path, scp):
    config = config_for(tmp_path, scp.port)
    node = config.node("ris")
    unscheduled = builders.n_create(start(order=None), config.station)
    item = unscheduled.ScheduledStepAttributesSequence[0]
    assert item.StudyInstanceUID == STUDY_UID
    assert all(item[k].value in ("", None, []) for k in (
        "AccessionNumber", "RequestedProcedureID", "ScheduledProcedureStepID",
        "ReferencedStudySequence", "ScheduledProtocolCodeSequence"))
    first, _ = mpps.create(config, node, unscheduled, generate_uid())
    # Appending: a second step for the same order and study.
    second, _ = mpps.create(config, node, builders.n_create(start(step_id="PPS-2"), config.station),
                            generate_uid())
    third, _ = mpps.create(config, node, builders.n_create(start(step_id="PPS-3"), config.station),
                           generate_uid())
    assert len({first, second, third}) == 3 and all(r.status == 0 for r in scp.received)
    assert {str(scp.steps[u].ScheduledStepAttributesSequence[0].StudyInstanceUID)
            for u in (second, third)} == {STUDY_UID}


def test_missing_required_attribute_is_refused_in_words(tmp_path, scp):
    config = config_for(tmp_path, scp.port)
    attributes = builders.n_create(start(), config.station)
    del attributes.PerformedStationAETitle
    with pytest.raises(DicomNetworkError) as failed:
        mpps.create(config, config.node("ris"), attributes, generate_uid())
    assert "0x0120 missing attribute" in str(failed.value) and failed.value.kind == "status"
    assert scp.received[-1].problem == "PerformedStationAETitle missing"
    # A COMPLETED step without series is stopped before it is sent.
    with pytest.raises(ValueError, match="at least one series"):
        builders.n_set(builders.StepEnd(status=builders.COMPLETED, ended=datetime.now()),
                       config.station)
    with pytest.raises(ValueError, match="CID 9300"):
        builders.discontinuation_code("TiredOfIt")


def test_every_annex_f_attribute_is_sent(tmp_path, scp):
    """The SCP checks presence; this checks our lists against the same table by keyword."""
    from mpps_scp import CREATE_REQUIRED, SCHEDULED_STEP_REQUIRED, SERIES_REQUIRED
    config = config_for(tmp_path, scp.port)
    ds = builders.n_create(start(), config.station)
    assert all(k in ds for k, _ in CREATE_REQUIRED)
    assert all(k in ds.ScheduledStepAttributesSequence[0] for k, _ in SCHEDULED_STEP_REQUIRED)
    final = builders.n_set(completed(), config.station)
    assert all(k in final.PerformedSeriesSequence[0] for k, _ in SERIES_REQUIRED)
    assert ds.SpecificCharacterSet in ("ISO_IR 192", ["", "ISO 2022 IR 87"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_mpps_jobs_go_through_the_outbox_and_survive_an_ris_outage(tmp_path):
    port = _free_port()  # nothing listens there yet: the RIS is down
    config = config_for(tmp_path, port, retries=20, retry_delay=0.1)
    db = open_database(tmp_path / "vxacq.sqlite")
    with db.session() as session:
        patient = Patient(PatientID="P-1", PatientName=PATIENT.PatientName)
        session.add(patient)
        session.flush()
        study = Study(StudyInstanceUID=STUDY_UID, patient_id=patient.id)
        session.add(study)
        session.flush()
        step = PerformedStep(study_id=study.id, SOPInstanceUID="placeholder-until-the-ris-assigns",
                             PerformedProcedureStepID="PPS-1")
        session.add(step)
        session.flush()
        study_id, step_id = study.id, step.id
    create_job = mpps.enqueue_create(db, "ris", builders.n_create(start(), config.station),
                                     instance_uid=None, performed_step_id=step_id, study_id=study_id)
    set_job = mpps.enqueue_set(db, "ris", builders.n_set(completed(), config.station),
                               after_job=create_job, performed_step_id=step_id, study_id=study_id)
    outbox = Outbox(config, db)
    jobs = outbox.drain([create_job, set_job], timeout=1.5)
    assert [j.state for j in jobs] == [JobState.QUEUED, JobState.QUEUED]
    assert "cannot be reached" in jobs[0].last_error and "N-CREATE" in jobs[1].last_error
    scp = MppsScp().start(port)  # the RIS is back
    try:
        jobs = outbox.drain([create_job, set_job], timeout=30)
    finally:
        scp.stop()
    assert [j.state for j in jobs] == [JobState.DONE, JobState.DONE], [j.last_error for j in jobs]
    uid = get_job(db, create_job).payload["result"]["SOPInstanceUID"]
    assert [(r.operation, r.instance_uid, r.status) for r in scp.received] == [
        ("N-CREATE", uid, 0), ("N-SET", uid, 0)]
    with db.session() as session:
        row = session.get(PerformedStep, step_id)
        assert (row.SOPInstanceUID, row.PerformedProcedureStepStatus) == (uid, "COMPLETED")
        assert row.PerformedProcedureStepEndTime == "094100"
    db.close()

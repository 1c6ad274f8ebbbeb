"""The headless exam against real peers: worklist (wlmscpfs), store + commitment (Orthanc),
MPPS (the demo department's receiver)."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from tests import peers
from tests.workflow.conftest import Department, node, worklist_item, write_station
from vxacq.db import database_for
from vxacq.db import ImageState
from vxacq.protocols import get as get_protocol
from vxacq.workflow.exam import Exam, ExamError
from vxacq.net.outbox import get_job
from vxacq.workflow.history import image_status, resend, search_exams
from vxacq.workflow.runtime import Services, fetch_order, wait_for_jobs


def orthanc_instances(archive: peers.Peer) -> set[str]:
    ids = peers.orthanc_rest(archive, "/instances")
    return {peers.orthanc_rest(archive, f"/instances/{i}/simplified-tags")["SOPInstanceUID"] for i in ids}


def content_items(ds):
    for item in ds.get("ContentSequence") or []:
        yield item
        yield from content_items(item)


def start_exam(dept: Department, accession: str, **item) -> Exam:
    peers.write_worklist_item(dept.worklist, worklist_item(accession, **item), accession)
    order = fetch_order(dept.config, dept.db, accession)
    assert order is not None and order.AccessionNumber == accession
    return Exam.start(dept.config, dept.db, order.id, operator="Tester^Tina")


def test_two_exposures_one_rejected_close_sends_everything(department: Department) -> None:
    dept = department
    events = []
    with Services(dept.config, dept.db) as services:
        exam = start_exam(dept, "ACC1001")
        exam.subscribe(events.append)
        assert [p.id for p in exam.protocols] == ["CHEST_PA", "CHEST_LAT"]  # procedures.toml
        first = exam.expose("CHEST_PA")
        assert first.file_path and first.state == ImageState.ACQUIRED and first.ExposureIndex > 0
        second = exam.retake(first.id, "Positioning")
        exam.accept(second.id)
        closed = exam.close()
        assert closed.status == "COMPLETED" and closed.dose_report
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
    # MPPS: one step, IN PROGRESS then COMPLETED, listing the accepted image and the dose report
    done = dept.mpps.wait_for("COMPLETED")
    assert len(done) == 1 and done[0].history == ["IN PROGRESS", "COMPLETED"]
    [protocol] = done[0].attributes.PerformedProtocolCodeSequence  # as scheduled
    assert (protocol.CodeValue, protocol.CodingSchemeDesignator) == ("P-RPID-CHEST2", "99RIS")
    listed = {r.ReferencedSOPInstanceUID for s in done[0].attributes.PerformedSeriesSequence
              for r in list(s.ReferencedImageSequence)
              + list(s.ReferencedNonImageCompositeSOPInstanceSequence)}
    report = pydicom.dcmread(closed.dose_report)
    assert listed == {second.SOPInstanceUID, report.SOPInstanceUID}
    # the archive has the accepted image and the dose report, not the rejected image
    assert orthanc_instances(dept.archive) == {second.SOPInstanceUID, report.SOPInstanceUID}
    status = {s.SOPInstanceUID: s for s in image_status(dept.db, exam.study_id)}
    for uid in (second.SOPInstanceUID, report.SOPInstanceUID):
        assert status[uid].sent == {"pacs": "sent"} and status[uid].committed == {"pacs": "committed"}
    assert status[first.SOPInstanceUID].sent == {} and status[first.SOPInstanceUID].state == "rejected"
    # the image carries the order, the patient in its own characters, and the MPPS
    image = pydicom.dcmread(second.file_path)
    assert str(image.PatientName) == "Müller^Jürgen" and image.AccessionNumber == "ACC1001"
    assert (image.PerformedProcedureStepID == done[0].attributes.PerformedProcedureStepID)
    assert image.ReferencedPerformedProcedureStepSequence[0].ReferencedSOPInstanceUID == done[0].uid
    assert peers.dciodvfy_errors(second.file_path) == []
    assert peers.dciodvfy_errors(closed.dose_report) == []
    # the dose report lists both exposures; the rejected one with its reason
    items = list(content_items(report))
    events_uids = {i.UID for i in items if i.ValueType == "UIDREF"
                   and i.ConceptNameCodeSequence[0].CodeValue == "113769"}  # Irradiation Event UID
    assert len(events_uids) == 2
    reason = exam.image(first.id).reject_reason
    assert reason and any(i.ValueType == "TEXT" and i.TextValue == f"Image rejected: {reason}"
                          for i in items)
    kinds = [e.kind for e in events]
    assert kinds.index("exposing") < kinds.index("exposed") < kinds.index("processed")
    assert "rejected" in kinds and kinds[-1] == "closed"
    assert search_exams(dept.db, "Müller")[0].state == "closed"


def test_discontinued_with_reason_sends_the_dose_report_only(department: Department) -> None:
    dept = department
    with Services(dept.config, dept.db) as services:
        exam = start_exam(dept, "ACC1002", name="Παπαδόπουλος^Νίκος", patient_id="P-1002",
                          description="XR KNEE LEFT", procedure_code="RPID-KNEE")
        assert exam.laterality == "L" and [p.id for p in exam.protocols] == ["KNEE_LAT"]
        shot = exam.expose("KNEE_LAT")
        with pytest.raises(ExamError, match="not reviewed"):
            exam.close()
        with pytest.raises(ExamError, match="CID 9300"):
            exam.discontinue("Bored")
        closed = exam.discontinue("PatientRefusedToContinueProcedure")
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
        with pytest.raises(ExamError, match="closed"):
            exam.expose("KNEE_LAT")
    (record,) = dept.mpps.wait_for("DISCONTINUED")
    reason = record.attributes.PerformedProcedureStepDiscontinuationReasonCodeSequence[0]
    assert reason.CodeMeaning.lower().startswith("patient refused")
    assert pydicom.dcmread(shot.file_path).ImageLaterality == "L"
    report = pydicom.dcmread(closed.dose_report)
    assert orthanc_instances(dept.archive) == {report.SOPInstanceUID}
    assert search_exams(dept.db, "P-1002")[0].images == 0


def test_peer_down_at_close_keeps_jobs_queued_until_it_is_back(
        tmp_path, calibrated_data, wlmscpfs) -> None:
    import subprocess

    from hardware_sim.department.mpps import MppsReceiver
    from tests.workflow.conftest import node, write_station
    from vxacq.db import database_for
    from vxacq.net.outbox import list_jobs

    mpps = MppsReceiver("TEST_RIS", 0).start()
    store_port = peers.free_port()
    config = write_station(tmp_path / "station", calibrated_data,
                           node("ris", wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
                           + node("mppsrx", "TEST_RIS", mpps.port, ["mpps"])
                           + node("pacs", "STORESCP", store_port, ["store"]), peers.free_port())
    db = database_for(config.data_dir)
    dept = Department(wlmscpfs, None, mpps, config, db)
    storage = tmp_path / "received"
    storage.mkdir()
    storescp = None
    try:
        with Services(config, db) as services:
            exam = start_exam(dept, "ACC1003", name="山田^太郎=ヤマダ^タロウ", patient_id="P-1003",
                              description="XR HAND RIGHT", procedure_code="RPID-HAND")
            shot = exam.expose("HAND_PA")
            assert shot.laterality == "R"
            exam.accept(shot.id)
            mpps.wait_for("IN PROGRESS")
            mpps.stop()  # the RIS and the archive are both down when the exam closes
            closed = exam.close()
            left = wait_for_jobs(db, services.outbox, exam.study_id, timeout=3)
            jobs = list_jobs(db, study_id=exam.study_id)
            waiting = [j for j in jobs if j.state == "queued"]
            assert left and {j.kind for j in waiting} == {"mpps", "store"}
            assert all(j.last_error for j in waiting if j.kind == "store")
            mpps.start()  # back on the same port, with the step it was told about
            storescp = subprocess.Popen([peers.tool("storescp"), "-aet", "STORESCP", "-od",
                                         str(storage), "-pm", "+B", "-uf", "-fe", ".dcm",
                                         str(store_port)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=90)
        received = {pydicom.dcmread(p).SOPInstanceUID for p in storage.glob("*.dcm")}
        report = pydicom.dcmread(closed.dose_report)
        assert received == {shot.SOPInstanceUID, report.SOPInstanceUID}
        assert mpps.wait_for("COMPLETED")[0].history == ["IN PROGRESS", "COMPLETED"]
    finally:
        mpps.stop()
        if storescp is not None:
            storescp.terminate()
            storescp.wait(10)


def test_vxacq_exam_runs_the_whole_exam_headless(department: Department) -> None:
    import json
    import subprocess
    import sys

    dept = department
    peers.write_worklist_item(dept.worklist, worklist_item("ACC1004", name="Иванов^Иван",
                                                           charset="ISO_IR 144"), "ACC1004")
    done = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(dept.config.path), "exam",
                           "--accession", "ACC1004", "--protocol", "CHEST_PA", "--protocol",
                           "CHEST_LAT", "--json", "--timeout", "90"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["status"] == "COMPLETED" and doc["unfinished"] == []
    assert len(doc["images"]) == 3  # two images and the dose report
    summary = doc["summary"]  # the exam summary: each exposure's technique and dose, the total
    assert (summary["count"], summary["rejected"]) == (2, 0)
    assert [e["state"] for e in summary["exposures"]] == ["accepted", "accepted"]
    assert all(e["kv"] and e["mas"] and e["dap_dGy_cm2"] for e in summary["exposures"])
    assert summary["total_dap_dGy_cm2"] == pytest.approx(
        sum(e["dap_dGy_cm2"] for e in summary["exposures"]))
    assert all(i["sent"] == {"pacs": "sent"} and i["committed"] == {"pacs": "committed"}
               for i in doc["images"])
    assert orthanc_instances(dept.archive) == {i["SOPInstanceUID"] for i in doc["images"]}
    assert dept.mpps.wait_for("COMPLETED")[0].attributes.PatientName == "Иванов^Иван"
    again = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(dept.config.path), "exam",
                            "--accession", "ACC1004", "--protocol", "CHEST_PA"],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "no scheduled order" in again.stderr


def test_unscheduled_exam_reprocess_and_reopen(department: Department) -> None:
    from vxacq.workflow.orders import ManualPatient, register_manual

    dept = department
    with Services(dept.config, dept.db) as services:
        order = register_manual(dept.db, ManualPatient("Doe^Jane", "E-0042", "19800101", "F"))
        exam = Exam.start(dept.config, dept.db, order.id)
        assert exam.order is None and exam.protocols == []
        shot = exam.expose("PELVIS_AP")
        again = exam.reprocess(shot.id, "CHEST_PA")  # chest preset and target EI
        assert again.SOPInstanceUID != shot.SOPInstanceUID and again.file_path
        assert again.TargetExposureIndex == get_protocol("CHEST_PA").target_ei
        assert shot.TargetExposureIndex == get_protocol("PELVIS_AP").target_ei
        assert not Path(shot.file_path).exists()  # replaced before it was ever sent
        exam.accept(again.id)
        exam.close()
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
        # reopened: an appended step with its own MPPS, images added to the same study
        more = Exam.reopen(dept.config, dept.db, exam.study_id)
        assert more.performed_step_id != exam.performed_step_id
        extra = more.expose("SKULL_AP")
        more.accept(extra.id)
        more.close()
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
        # re-sent: the whole study (both steps' accepted images and dose reports) once more
        again_jobs = resend(dept.config, dept.db, exam.study_id)
        assert len(again_jobs) == 1
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
        assert len(get_job(dept.db, again_jobs[0]).payload["files"]) == 4
    steps = dept.mpps.wait_for("COMPLETED", count=2)
    assert len(steps) == 2
    # unscheduled: no order referenced, our own Study Instance UID in both steps
    for step in steps:
        scheduled = step.attributes.ScheduledStepAttributesSequence[0]
        assert scheduled.StudyInstanceUID == exam.study.StudyInstanceUID
        assert not scheduled.get("AccessionNumber")
    first, second = (pydicom.dcmread(p) for p in (again.file_path, extra.file_path))
    assert first.StudyInstanceUID == second.StudyInstanceUID
    assert first.SeriesInstanceUID != second.SeriesInstanceUID
    stored = orthanc_instances(dept.archive)
    assert {again.SOPInstanceUID, extra.SOPInstanceUID} <= stored and shot.SOPInstanceUID not in stored


def test_hardware_faults_are_reported_and_the_exposure_kept(tmp_path, calibrated_data) -> None:
    from tests.workflow.conftest import write_station
    from vxacq.db import database_for
    from vxacq.workflow.exam import ExposureError
    from vxacq.workflow.orders import ManualPatient, register_manual

    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    order = register_manual(db, ManualPatient("Fault^Test", "QA-7"))
    exam = Exam.start(config, db, order.id)
    arc = exam.expose("CHEST_PA", faults=("generator-fault",))  # dose delivered, then a tube arc
    assert arc.error and arc.raw_path and Path(arc.raw_path).exists()
    with pytest.raises(ExposureError) as lost:
        exam.expose("CHEST_PA", faults=("readout-timeout",))
    assert "detector" in str(lost.value).lower() or lost.value.result.error["device"] == "detector"
    assert len(exam.images()) == 1  # nothing half-recorded for the lost frame
    closed = exam.discontinue("EquipmentFailure")
    assert closed.status == "DISCONTINUED" and closed.jobs["store"] == []  # no store node
    report = pydicom.dcmread(closed.dose_report)
    assert len({i.UID for i in content_items(report) if i.ValueType == "UIDREF"
                and i.ConceptNameCodeSequence[0].CodeValue == "113769"}) == 1


def test_close_with_print_sends_the_accepted_images_to_the_printer(
        tmp_path, calibrated_data, dcmprscp) -> None:
    from tests.workflow.conftest import node, write_station
    from vxacq.db import database_for
    from vxacq.workflow.orders import ManualPatient, register_manual

    config = write_station(tmp_path / "station", calibrated_data,
                           node("printer", dcmprscp.ae_title, dcmprscp.port, ["print"]),
                           peers.free_port())
    db = database_for(config.data_dir)
    order = register_manual(db, ManualPatient("Print^Paula", "PR-1", AccessionNumber="PRT1"))
    with Services(config, db) as services:
        exam = Exam.start(config, db, order.id)
        shots = [exam.expose("SKULL_AP"), exam.expose("PELVIS_AP")]
        exam.accept(shots[0].id)
        exam.reject(shots[1].id, "MotionBlur")
        with pytest.raises(ExamError, match="nowhere"):
            exam.close(print_node="nowhere")
        closed = exam.close(print_node="printer", layout="STANDARD\\1,1")
        assert len(closed.jobs["print"]) == 1
        assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=60)
    printed = peers.printed_objects(dcmprscp)
    assert len(printed["stored_print"]) == 1 and len(printed["hardcopy"]) == 1  # accepted only


def test_second_scheduled_step_of_a_study_is_appended_to_it(department: Department) -> None:
    from pydicom.uid import generate_uid

    dept = department
    study_uid = generate_uid()
    with Services(dept.config, dept.db) as services:
        first = start_exam(dept, "ACC1005", patient_id="P-1005", study_uid=study_uid,
                           description="XR SKULL", procedure_code="RPID-SKULL")
        exam_image = first.expose("SKULL_AP")
        first.accept(exam_image.id)
        first.close()
        second = start_exam(dept, "ACC1006", patient_id="P-1005", study_uid=study_uid,
                            description="XR PELVIS", procedure_code="RPID-PELVIS")
        assert second.study_id == first.study_id and [p.id for p in second.protocols] == ["PELVIS_AP"]
        assert second.order.AccessionNumber == "ACC1006"
        shot = second.expose("PELVIS_AP")
        second.accept(shot.id)
        second.close()
        assert not wait_for_jobs(dept.db, services.outbox, first.study_id, timeout=90)
    done = dept.mpps.wait_for("COMPLETED", count=2)
    assert sorted(r.attributes.ScheduledStepAttributesSequence[0].AccessionNumber
                  for r in done) == ["ACC1005", "ACC1006"]
    assert pydicom.dcmread(shot.file_path).StudyInstanceUID == study_uid


def test_calls_from_several_threads_are_serialised(tmp_path, calibrated_data) -> None:
    import threading

    from tests.workflow.conftest import write_station
    from vxacq.db import database_for
    from vxacq.workflow.orders import ManualPatient, register_manual

    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    exam = Exam.start(config, db, register_manual(db, ManualPatient("Thread^Tom", "T-1")).id)
    seen: list[str] = []
    exam.subscribe(lambda event: seen.append(f"{threading.get_ident()}:{event.kind}"))
    workers = [threading.Thread(target=exam.expose, args=("SKULL_AP",)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    images = exam.images()
    assert sorted(i.InstanceNumber for i in images) == [1, 2]  # one series, no clash
    assert len({i.SeriesNumber for i in images}) == 1 and all(i.file_path for i in images)
    # each exposure's events come as one uninterrupted run: exposing, exposed, previewed (the
    # quick look, from the chain's own thread), rendered, processed
    kinds = [s.split(":")[1] for s in seen]
    assert kinds == ["exposing", "exposed", "previewed", "rendered", "processed"] * 2, kinds
    assert seen[0].split(":")[0] == seen[4].split(":")[0]
    # the newest exposure's quick look is kept for the screen, binned from its frame
    [quick] = [p for p in map(exam.preview_image, (i.id for i in images)) if p is not None]
    assert max(quick.pixels.shape) <= 1024


def test_veterinary_order_gives_an_image_in_quadruped_terms(tmp_path, calibrated_data,
                                                             orthanc_factory) -> None:
    # Orthanc's worklist returns the veterinary keys (DCMTK wlmscpfs does not support them).
    orthanc = orthanc_factory(worklists_dir=tmp_path / "worklists")
    config = write_station(tmp_path / "station", calibrated_data,
                           node("ris", orthanc.ae_title, orthanc.port, ["worklist"]),
                           peers.free_port())
    item = worklist_item("ACC-VET-1", name="Rex^", patient_id="V-1", description="XR THORAX")
    item.PatientSpeciesDescription = "Canis lupus familiaris"
    item.PatientBreedDescription = "Beagle"
    item.ResponsiblePerson = "Smith^John"
    item.ResponsiblePersonRole = "OWNER"
    peers.write_worklist_item(orthanc, item, "vet")
    db = database_for(config.data_dir)
    order = fetch_order(config, db, "ACC-VET-1")
    exam = Exam.start(config, db, order.id, protocols=["CHEST_LAT"])
    shot = exam.expose("CHEST_LAT")
    assert shot.file_path and not shot.error
    image = pydicom.dcmread(shot.file_path)
    assert image.PatientSpeciesDescription == "Canis lupus familiaris"
    # the protocol's human directions on the animal: left/right, cranial/caudal, dorsal/ventral
    quadruped = {"LE", "RT", "D", "V", "CR", "CD"}
    assert all(set(_terms(d)) <= quadruped for d in image.PatientOrientation)
    assert image.ViewPosition == ""
    assert peers.dciodvfy_errors(shot.file_path) == []


def _terms(direction: str) -> list[str]:
    out, i = [], 0
    while i < len(direction):
        size = 2 if direction[i:i + 2] in ("LE", "RT", "CR", "CD") else 1
        out.append(direction[i:i + size])
        i += size
    return out


def test_failed_reprocessing_leaves_the_image_as_it_was(tmp_path, calibrated_data) -> None:
    from vxacq.workflow.orders import ManualPatient, register_manual

    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    order = register_manual(db, ManualPatient("Doe^Jane", "E-0043"))
    exam = Exam.start(config, db, order.id)
    shot = exam.accept(exam.expose("PELVIS_AP").id)
    failed = exam.reprocess(shot.id, crop=(0, 0, 8, 8))  # too small: the chain refuses
    assert "16" in failed.error
    now = exam.image(shot.id)
    assert (now.SOPInstanceUID, now.file_path, now.state) == \
        (shot.SOPInstanceUID, shot.file_path, "accepted")
    assert pydicom.dcmread(now.file_path).SOPInstanceUID == now.SOPInstanceUID
    assert exam.processed_image(shot.id) is None  # nothing shown that was not kept
    good = exam.reprocess(shot.id, rotation=90)
    assert not good.error and good.state == "acquired"
    assert pydicom.dcmread(good.file_path).SOPInstanceUID == good.SOPInstanceUID != \
        shot.SOPInstanceUID
    # the choices outlive the console: a resumed exam knows them
    again = Exam.resume(config, db, exam.study_id)
    assert again.display_options(shot.id) == {"rotation": 90, "protocol_id": None}


def test_reject_refuses_a_missing_or_unknown_reason(tmp_path, calibrated_data) -> None:
    from sqlmodel import select

    from vxacq.db import AuditEvent
    from vxacq.workflow.orders import ManualPatient, register_manual

    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    order = register_manual(db, ManualPatient("Doe^Rita", "E-0044"))
    exam = Exam.start(config, db, order.id)
    shot = exam.expose("SKULL_AP")
    for missing in ("", "  ", None):  # nothing chosen: never filed under a default reason
        with pytest.raises(ExamError, match="no reject reason given"):
            exam.reject(shot.id, missing)
    for unknown in ("NoSuchReason", "Choose a reason…"):
        with pytest.raises(ExamError, match="not a reject reason"):
            exam.reject(shot.id, unknown)
    now = exam.image(shot.id)
    assert now.state == ImageState.ACQUIRED and not now.reject_reason
    with db.session() as session:
        assert not session.exec(select(AuditEvent).where(
            AuditEvent.action == "image rejected")).all()
    assert exam.reject(shot.id, "MotionBlur").state == ImageState.REJECTED

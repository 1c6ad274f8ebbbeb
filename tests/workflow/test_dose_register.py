"""The dose register (IHE REM): every closed exam's dose report goes to each node with the
``dose`` service through the outbox, besides the store nodes, and a register that is down
delays its job and loses nothing. Real DCMTK storescp peers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pydicom

from tests import peers
from tests.workflow.conftest import node, worklist_item, write_station
from vxacq.db import database_for
from vxacq.net.outbox import list_jobs
from vxacq.workflow.exam import Exam
from vxacq.workflow.history import resend
from vxacq.workflow.orders import ManualPatient, register_emergency, register_manual
from vxacq.workflow.reconcile import reconcile
from vxacq.workflow.runtime import Services, fetch_order, wait_for_jobs


def received(folder: Path) -> list[str]:
    return sorted(str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID)
                  for p in folder.rglob("*.dcm"))


def test_dose_report_goes_to_each_dose_register_once_and_waits_for_one_that_is_down(
        tmp_path, calibrated_data, storescp) -> None:
    both_dir = tmp_path / "both"
    register_dir = tmp_path / "register"
    both_dir.mkdir()
    register_dir.mkdir()
    both_port, register_port = peers.free_port(), peers.free_port()

    def serve(ae: str, folder: Path, port: int) -> subprocess.Popen:
        command = [peers.tool("storescp"), "-aet", ae, "-od", str(folder), "-pm", "+B", "-uf",
                   "-fe", ".dcm", str(port)]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    config = write_station(
        tmp_path / "station", calibrated_data,
        node("pacs", storescp.ae_title, storescp.port, ["store"])
        + node("archive", "BOTH", both_port, ["store", "dose"])
        + node("register", "DOSE_REG", register_port, ["dose"]),
        peers.free_port())
    db = database_for(config.data_dir)
    servers = [serve("BOTH", both_dir, both_port)]
    try:
        with Services(config, db) as services:
            order = register_manual(db, ManualPatient("Dose^Dora", "D-0001", "19700101", "F"))
            exam = Exam.start(config, db, order.id, operator="Tester^Tina")
            shot = exam.expose("CHEST_PA")
            exam.accept(shot.id)
            closed = exam.close()  # the register is down
            report = str(pydicom.dcmread(closed.dose_report).SOPInstanceUID)
            assert len(closed.jobs["store"]) == 2 and len(closed.jobs["dose"]) == 1
            left = wait_for_jobs(db, services.outbox, exam.study_id, timeout=2)
            [waiting] = [j for j in list_jobs(db, study_id=exam.study_id) if not j.finished]
            assert left and waiting.node == "register" and waiting.state == "queued"
            assert waiting.attempts >= 1 and waiting.last_error
            assert waiting.payload["files"] == [str(Path(closed.dose_report).resolve())]
            servers.append(serve("DOSE_REG", register_dir, register_port))  # back up
            assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=60)
        jobs = list_jobs(db, study_id=exam.study_id)
        assert sorted(j.node for j in jobs) == ["archive", "pacs", "register"]  # once each
        assert received(register_dir) == [report]  # the report, not the images
        assert received(both_dir) == sorted([shot.SOPInstanceUID, report])
        assert received(storescp.storage_dir) == sorted([shot.SOPInstanceUID, report])
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


def test_dose_registers_get_the_report_when_automatic_routing_is_off(
        tmp_path, calibrated_data, storescp) -> None:
    config = write_station(
        tmp_path / "station", calibrated_data,
        node("pacs", "PACS", peers.free_port(), ["store"])
        + node("register", storescp.ae_title, storescp.port, ["dose"]), peers.free_port())
    config.station.auto_route = False
    db = database_for(config.data_dir)
    with Services(config, db) as services:
        order = register_manual(db, ManualPatient("Dose^Dan", "D-0002", "19700101", "M"))
        exam = Exam.start(config, db, order.id)
        shot = exam.expose("SKULL_AP")
        exam.accept(shot.id)
        closed = exam.close()
        assert closed.jobs["store"] == [] and len(closed.jobs["dose"]) == 1
        assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=60)
    assert received(storescp.storage_dir) == [str(pydicom.dcmread(closed.dose_report).SOPInstanceUID)]


def test_close_resend_and_reconcile_route_the_dose_report_by_one_rule(
        tmp_path, calibrated_data, wlmscpfs) -> None:
    """Each queues the report once per dose register: with the images to a node that is both,
    on a job of its own to one that is a register only. Queued only: nothing is sent here."""
    item = worklist_item("ACC-REM-1", name="Dose^Dina", patient_id="P-REM-1")
    peers.write_worklist_item(wlmscpfs, item, "ACC-REM-1")
    config = write_station(
        tmp_path / "station", calibrated_data,
        node("ris", wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
        + node("pacs", "PACS", peers.free_port(), ["store"])
        + node("archive", "BOTH", peers.free_port(), ["store", "dose"])
        + node("register", "DOSE_REG", peers.free_port(), ["dose"]), peers.free_port())
    db = database_for(config.data_dir)
    trauma = register_emergency(db, config.station.ae_title)
    exam = Exam.start(config, db, trauma.id)
    shot = exam.expose("SKULL_AP")
    exam.accept(shot.id)
    closed = exam.close()

    def routed(job_ids: list[int]) -> dict[str, list[str]]:
        jobs = {j.id: j for j in list_jobs(db, study_id=exam.study_id)}
        return {jobs[i].node: [Path(f).name for f in jobs[i].payload["files"]]
                for i in job_ids}

    report = Path(closed.dose_report).name
    both = sorted([Path(shot.file_path).name, report])
    at_close = routed(closed.jobs["store"] + closed.jobs["dose"])
    assert {n: sorted(f) for n, f in at_close.items()} == {
        "pacs": both, "archive": both, "register": [report]}
    assert {n: sorted(f) for n, f in routed(resend(config, db, exam.study_id)).items()} == {
        "pacs": both, "archive": both, "register": [report]}
    order = fetch_order(config, db, "ACC-REM-1")
    result = reconcile(config, db, exam.study_id, order.id)
    again = routed(result.jobs["store"])
    assert sorted(again) == ["archive", "pacs", "register"] and len(again["register"]) == 1
    assert again["register"][0] in again["archive"]  # the corrected report, once each

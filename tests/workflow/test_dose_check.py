"""Dose notifications before an exposure (reference levels per protocol), the confirmation with
a reason, and repeated EI off target: through the real exam on the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from tests import peers
from tests.workflow.conftest import write_station
from vxacq.db import AuditEvent, Image, database_for
from vxacq.workflow import reference_levels
from vxacq.workflow.dose_check import DoseNotificationRequired, confirmations
from vxacq.workflow.exam import Exam, ExamError
from vxacq.workflow.orders import ManualPatient, register_manual


def open_exam(tmp_path: Path, calibrated_data: Path) -> Exam:
    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    order = register_manual(db, ManualPatient("Dose^Dora", "D-1"))
    return Exam.start(config, db, order.id, operator="Tester^Tina")


def override(exam: Exam, text: str) -> None:
    reference_levels.save_override(exam.config.data_dir, text)


def test_exam_total_past_the_level_needs_a_reason_recorded_and_audited(
        tmp_path, calibrated_data) -> None:
    exam = open_exam(tmp_path, calibrated_data)
    first = exam.expose("SKULL_AP")  # no earlier exposure, exam total 0: no notice
    dap = first.ImageAndFluoroscopyAreaDoseProduct  # dGy·cm²
    assert dap and dap > 0
    # exam level at 1.5 exposures: the next exposure (projected ≈ the first) would pass it
    level_gy = 1.5 * dap / 10.0
    override(exam, f'[[level]]\nprotocol = "SKULL_AP"\nexam_dap_Gy_cm2 = {level_gy}\n'
                   'source = "site choice (test)"\n')
    with pytest.raises(DoseNotificationRequired) as refused:
        exam.expose("SKULL_AP")
    [notice] = refused.value.notices
    assert notice.level_kind == "exam"
    assert notice.exam_total_dap == pytest.approx(dap)
    assert notice.projected_dap == pytest.approx(dap, rel=0.05)  # same technique, same tube
    assert notice.level_dap == pytest.approx(level_gy * 10.0)
    text = str(refused.value)
    assert f"{level_gy:.3g} Gy·cm²" in text and f"so far {dap / 10:.3g} Gy·cm²" in text
    assert len(exam.images()) == 1  # nothing was exposed
    with pytest.raises(ExamError, match="needs a reason"):
        exam.expose("SKULL_AP", confirm_dose="  \t ")
    assert len(exam.images()) == 1
    second = exam.expose("SKULL_AP", confirm_dose="repeat for\nmotion")
    assert second.file_path and len(exam.images()) == 2
    [kept] = confirmations(exam.db, exam.study_id)
    assert (kept.reason, kept.user, kept.level_kind) == ("repeat for motion", "Tester^Tina",
                                                         "exam")
    assert kept.exam_total_dap == pytest.approx(dap) and "median DAP" in kept.estimate
    with exam.db.session() as session:
        events = session.exec(select(AuditEvent).where(
            AuditEvent.action == "dose notification confirmed")).all()
    assert len(events) == 1 and events[0].study_id == exam.study_id
    assert "repeat for motion" in events[0].detail and events[0].user == "Tester^Tina"


def test_exposure_level_and_repeated_ei_off_target(tmp_path, calibrated_data) -> None:
    exam = open_exam(tmp_path, calibrated_data)
    # DI range that no exposure meets: the third exposure off target of a window of 3 flags it
    override(exam, "[defaults]\ndi_low = 8.0\ndi_high = 9.0\nei_window = 3\nei_outside = 3\n")
    first = exam.expose("SKULL_AP")
    second = exam.expose("SKULL_AP")
    assert not any("exposure index was off target" in w for w in first.warnings + second.warnings)
    third = exam.expose("SKULL_AP")
    [flag] = [w for w in third.warnings if "off target" in w]
    assert "SKULL_AP" in flag and "3 of the last 3" in flag
    # per-exposure level below what the technique gives: notified even with a high exam level
    dap = first.ImageAndFluoroscopyAreaDoseProduct
    override(exam, f'[[level]]\nprotocol = "SKULL_AP"\nexposure_dap_Gy_cm2 = {dap / 20.0}\n'
                   'exam_dap_Gy_cm2 = 1000.0\nsource = "test DRL"\n')
    [notice] = exam.dose_notices("SKULL_AP")
    assert notice.level_kind == "exposure" and "test DRL" in notice.text
    # half the mAs halves the projection: under the level, no notice
    kv, mas = exam.technique("SKULL_AP")
    assert not exam.dose_notices("SKULL_AP", kv=kv, mas=mas / 4)


def test_vxacq_exam_refuses_a_notified_exposure_without_confirm_dose(department) -> None:
    import subprocess
    import sys

    from tests.workflow.conftest import worklist_item

    dept = department
    # any second exposure passes this exam level; the first (no history, total 0) does not
    reference_levels.save_override(dept.config.data_dir, "[defaults]\nexam_dap_Gy_cm2 = 1e-6\n")

    def vxacq_exam(accession: str, *extra: str) -> subprocess.CompletedProcess:
        peers.write_worklist_item(dept.worklist, worklist_item(accession), accession)
        return subprocess.run([sys.executable, "-m", "vxacq", "--config", str(dept.config.path),
                               "exam", "--accession", accession, "--protocol", "SKULL_AP",
                               "--protocol", "SKULL_AP", "--timeout", "60", *extra],
                              capture_output=True, text=True, timeout=180)

    refused = vxacq_exam("ACC1801")
    assert refused.returncode == 1
    assert "passing the exam notification level" in refused.stderr
    assert "Confirm with a reason" in refused.stderr
    confirmed = vxacq_exam("ACC1802", "--confirm-dose", "second view requested by radiologist")
    assert confirmed.returncode == 0, confirmed.stderr
    with dept.db.session() as session:
        events = session.exec(select(AuditEvent).where(
            AuditEvent.action == "dose notification confirmed")).all()
    # both exposures of the second exam: the first exam's exposures now give a projection
    assert [e.detail.rsplit("reason: ", 1)[1] for e in events] == [
        "second view requested by radiologist"] * 2


def test_a_notice_says_the_exam_total_leaves_out_exposures_without_dap(
        tmp_path, calibrated_data) -> None:
    exam = open_exam(tmp_path, calibrated_data)
    unmetered = exam.expose("SKULL_AP")
    second = exam.expose("SKULL_AP")
    dap = second.ImageAndFluoroscopyAreaDoseProduct
    with exam.db.session() as session:  # as a generator without a DAP meter reports it
        session.get(Image, unmetered.id).ImageAndFluoroscopyAreaDoseProduct = None
    override(exam, f'[[level]]\nprotocol = "SKULL_AP"\nexam_dap_Gy_cm2 = {1.5 * dap / 10.0}\n'
                   'source = "site choice (test)"\n')
    with pytest.raises(DoseNotificationRequired) as refused:
        exam.expose("SKULL_AP")
    [notice] = refused.value.notices
    assert notice.exam_total_dap == pytest.approx(dap) and notice.exposures_without_dap == 1
    assert f"so far at least {dap / 10:.3g} Gy·cm² (1 exposure without DAP)" in str(refused.value)
    assert "would reach at least" in str(refused.value)

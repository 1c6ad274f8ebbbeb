"""The console publishes to the department database (a real PostgreSQL, tests/pg.py) from the
real workflow: when an exam closes (its exposures, its rejections and its dose report) and when
an image is rejected after it was sent."""

from __future__ import annotations

import os

import pydicom
from sqlalchemy import text

from tests import peers
from tests.workflow.conftest import node, write_station
from vxacq.db import database_for, department
from vxacq.net.department import password
from vxacq.workflow.exam import Exam
from vxacq.workflow.orders import ManualPatient, register_manual
from vxacq.workflow.rejection import reject_sent
from vxacq.workflow.runtime import Services, wait_for_jobs


def test_closing_and_rejecting_after_sending_publish_the_exam(
        tmp_path, calibrated_data, storescp, postgres) -> None:
    name = f"dept_wf_{os.getpid()}"
    postgres.create_database(name)
    url = postgres.url(name)
    config = write_station(
        tmp_path / "station", calibrated_data,
        node("pacs", storescp.ae_title, storescp.port, ["store"])
        + f'[department]\nurl = "{url}"\npassword_file = "{postgres.password_file}"\n'
          "retry_delay = 0.2\n", peers.free_port())
    db = database_for(config.data_dir)
    engine = department.connect(url, password=password(str(postgres.password_file)))

    def published() -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text('''
                SELECT s."StationName", p."PatientID", r."Modality", i.state,
                       i.reject_code_meaning, i."ImageAndFluoroscopyAreaDoseProduct" IS NOT NULL
                FROM image i JOIN series r ON r.id = i.series_id
                JOIN study s ON s.id = r.study_id JOIN patient p ON p.id = s.patient_id
                ORDER BY r."SeriesNumber", i."InstanceNumber"''')).all()]

    try:
        with Services(config, db) as services:
            order = register_manual(db, ManualPatient("Dept^Dora", "D-0100", "19700101", "F"))
            exam = Exam.start(config, db, order.id, operator="Tester^Tina")
            first = exam.expose("CHEST_PA")
            second = exam.retake(first.id, "Positioning")
            exam.accept(second.id)
            closed = exam.close()
            assert len(closed.jobs["publish"]) == 1
            assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=60)
            report = pydicom.dcmread(closed.dose_report)
            assert published() == [
                ("WF-TEST", "D-0100", "DX", "rejected", first.reject_reason or "Positioning",
                 True),
                ("WF-TEST", "D-0100", "DX", "accepted", "", True),
                ("WF-TEST", "D-0100", "SR", "accepted", "", False)]
            with engine.connect() as conn:
                assert conn.execute(text('SELECT count(*) FROM image WHERE "SOPInstanceUID" = '
                                         ':uid'), {"uid": str(report.SOPInstanceUID)}).scalar() == 1
            # the radiographer withdraws the accepted image after it was sent
            reject_sent(config, db, second.id, "PatientMoved", operator="tina")
            assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=60)
        rows = published()
        assert [r[3] for r in rows[:2]] == ["rejected", "rejected"]
        assert rows[1][4] == "Patient moved"
        assert sorted(r[2] for r in rows) == ["DX", "DX", "KO", "SR"]  # the note is published too
    finally:
        engine.dispose()

"""The department database: consoles publish their exams to a real PostgreSQL server (started
by the tests, tests/pg.py) through the outbox; the rows are matched by their UIDs, publishing
again changes nothing, and a server that is down delays the job and loses nothing."""

from __future__ import annotations

import itertools
import os
import ssl
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import select

from vxacq import config as configuration
from vxacq.config import DEPARTMENT_NODE, ConfigError
from vxacq.db import (
    Database, DoseConfirmation, Image, ImageState, JobKind, Patient, Series, Study,
    StudyState, database_for,
)
from vxacq.db import department
from vxacq.net.department import _explain, engine_for, enqueue_publish, password
from vxacq.net.outbox import Outbox, enqueue, get_job, list_jobs, retry
from vxacq.security.tls import department_context

_names = itertools.count(1)


@pytest.fixture
def dept_url(postgres) -> str:
    """A fresh department database on the session's server."""
    name = f"dept_{os.getpid()}_{next(_names)}"
    postgres.create_database(name)
    return postgres.url(name)


def console(folder: Path, station: str, url: str, password_file: Path, **extra) -> tuple:
    settings = {"url": url, "password_file": str(password_file), "retry_delay": 0.2,
                "connect_timeout": 2.0, **extra}
    config = configuration.from_dict({
        "station": {"data_dir": str(folder / station), "station_name": station},
        "department": settings})
    return config, database_for(config.data_dir)


def add_study(db: Database, station: str, *, patient_id: str = "P-1", uid_tag: str = "1",
              images: int = 2, rejected: int = 0) -> int:
    """A closed study with ``images`` exposures (``rejected`` of them rejected), as a console
    records it (its own ids)."""
    at = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    with db.session() as session:
        patient = Patient(PatientID=patient_id, IssuerOfPatientID="HOSP", PatientName="Doe^J")
        session.add(patient)
        session.flush()
        study = Study(StudyInstanceUID=f"1.2.826.0.1.{uid_tag}", patient_id=patient.id,
                      StudyDate="20260302", StationName=station, OperatorsName="Tester^Tina",
                      state=StudyState.CLOSED)
        session.add(study)
        session.flush()
        series = Series(SeriesInstanceUID=f"1.2.826.0.1.{uid_tag}.1", study_id=study.id,
                        ProtocolName="Chest PA", BodyPartExamined="CHEST")
        session.add(series)
        session.flush()
        for n in range(images):
            reject = n < rejected
            session.add(Image(
                series_id=series.id, SOPInstanceUID=f"1.2.826.0.1.{uid_tag}.1.{n + 1}",
                InstanceNumber=n + 1, file_path=f"/local/{n}.dcm",
                state=ImageState.REJECTED if reject else ImageState.ACCEPTED,
                KVP=110.0, Exposure=2.0, ImageAndFluoroscopyAreaDoseProduct=1.2 + n,
                ExposureIndex=300.0, TargetExposureIndex=250.0, DeviationIndex=0.8,
                reject_code_value="111207" if reject else "",
                reject_code_meaning="Patient motion" if reject else "",
                acquired_at=at + timedelta(minutes=n)))
        session.add(DoseConfirmation(study_id=study.id, at=at, user="tina",
                                     protocol_id="CHEST_PA", level_kind="exam",
                                     projected_dap=3.0, exam_total_dap=5.0, level_dap=4.0,
                                     reason="obese patient"))
        session.flush()
        return int(study.id)


def rows(url: str, password_file: Path, sql: str) -> list[tuple]:
    engine = department.connect(url, password=password(str(password_file)))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
    finally:
        engine.dispose()


def test_the_department_connection_is_wrapped_in_the_security_layers_client_context() -> None:
    url = "postgresql://qa@db.example/dept"
    assert department_context(configuration.DepartmentConfig(url=url)) is None  # plain
    context = department_context(configuration.DepartmentConfig(url=url, tls=True,
                                                                tls_verify_host=False))
    assert context.verify_mode == ssl.CERT_REQUIRED and not context.check_hostname
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert department_context(configuration.DepartmentConfig(url=url, tls=True)).check_hostname


def test_department_settings_are_checked_with_clear_messages(tmp_path) -> None:
    def problems(**settings) -> list[str]:
        return configuration.department_problems(configuration.DepartmentConfig(**settings))

    assert problems(url="postgresql://qa@db.example/dept") == []
    assert "password_file" in problems(url="postgresql://qa:secret@db/dept")[0]
    assert problems(url="mysql://qa@db/dept") == [
        "url 'mysql://qa@db/dept' must be postgresql://user@host[:port]/database"]
    assert "must be postgresql://" in problems(url="postgresql://db/dept")[0]  # no user
    assert "must be postgresql://" in problems(url="postgresql://qa@db")[0]  # no database
    loose = tmp_path / "pw"
    loose.write_text("x\n")
    loose.chmod(0o644)
    assert problems(url="postgresql://qa@db/d", password_file=str(loose)) == [
        f"password_file '{loose}' is readable by every user; chmod 600 (or 640 for the vxacq "
        "group) it"]
    assert f"password_file '{tmp_path / 'none'}' cannot be read" in problems(
        url="postgresql://qa@db/d", password_file=str(tmp_path / "none"))[0]
    assert "is not a regular file" in problems(url="postgresql://qa@db/d",
                                               password_file=str(tmp_path))[0]
    loose.chmod(0o640)  # root:vxacq, as the service manual installs it
    assert problems(url="postgresql://qa@db/d", password_file=str(loose)) == []
    assert "retries 500" in problems(url="postgresql://qa@db/d", retries=500)[0]
    with pytest.raises(ConfigError, match=r"^department: url holds a password"):
        configuration.from_dict({"department": {"url": "postgresql://qa:pw@db/d"}})
    with pytest.raises(ConfigError, match="department: missing required field 'url'"):
        configuration.from_dict({"department": {}})
    with pytest.raises(ConfigError, match="is the department database's"):
        configuration.from_dict({"node": [{"name": DEPARTMENT_NODE, "ae_title": "X",
                                           "host": "h", "port": 104, "services": ["store"]}]})


def test_fifty_consoles_publish_into_one_database_matched_by_uid(
        tmp_path, postgres, dept_url) -> None:
    # Three consoles stand for fifty: their own ids clash (each starts at 1), their UIDs do not.
    consoles = [console(tmp_path, f"ROOM-{n}", dept_url, postgres.password_file)
                for n in (1, 2, 3)]
    studies = []
    for n, (config, db) in enumerate(consoles, start=1):
        # the same patient is examined in rooms 1 and 2
        study_id = add_study(db, config.station.station_name, uid_tag=str(n),
                             patient_id="P-1" if n < 3 else "P-3", rejected=n - 1)
        assert study_id == 1
        job = enqueue_publish(config, db, study_id, "exam completed")
        assert get_job(db, job).kind == JobKind.PUBLISH and get_job(db, job).node == DEPARTMENT_NODE
        studies.append((config, db, job))
    for config, db, job in studies:
        [done] = Outbox(config, db).drain([job], timeout=30)
        assert done.state == "done", done.last_error
        assert done.payload["result"] == {"series": 1, "images": 2, "dose_confirmations": 1}
    pw = postgres.password_file
    assert rows(dept_url, pw, 'SELECT "PatientID", count(*) FROM patient GROUP BY 1 ORDER BY 1') \
        == [("P-1", 1), ("P-3", 1)]
    by_room = rows(dept_url, pw, '''
        SELECT s."StationName", p."PatientID", count(i.id),
               count(*) FILTER (WHERE i.state = 'rejected'), sum(i."ImageAndFluoroscopyAreaDoseProduct")
        FROM study s JOIN patient p ON p.id = s.patient_id JOIN series r ON r.study_id = s.id
        JOIN image i ON i.series_id = r.id GROUP BY 1, 2 ORDER BY 1''')
    assert by_room == [("ROOM-1", "P-1", 2, 0, pytest.approx(3.4)),
                       ("ROOM-2", "P-1", 2, 1, pytest.approx(3.4)),
                       ("ROOM-3", "P-3", 2, 2, pytest.approx(3.4))]
    # console paths stay on the console; the rejected image keeps its reason
    assert rows(dept_url, pw, "SELECT DISTINCT file_path, raw_path FROM image") == [("", "")]
    assert rows(dept_url, pw, '''SELECT reject_code_meaning FROM image WHERE state = 'rejected'
                                 GROUP BY 1''') == [("Patient motion",)]
    before = department.counts(engine_for(studies[0][0].department))
    # publishing again (a job retried, or queued again) changes nothing
    config, db, job = studies[1]
    retry(db, job)
    again = enqueue(db, JobKind.PUBLISH, DEPARTMENT_NODE, {}, study_id=1)
    assert [j.state for j in Outbox(config, db).drain([job, again], timeout=30)] == ["done"] * 2
    assert department.counts(engine_for(config.department)) == before
    assert before == {"patient": 2, "orders": 0, "study": 3, "performed_step": 0, "series": 3,
                      "image": 6, "dose_confirmation": 3}
    # a change on the console (a rejection after the exam) is an update, not a new row
    with db.session() as session:
        image = session.get(Image, 2)
        image.state, image.reject_code_meaning = ImageState.REJECTED, "Positioning"
    job = enqueue_publish(config, db, 1, "image rejected after sending")
    assert Outbox(config, db).drain([job], timeout=30)[0].state == "done"
    assert department.counts(engine_for(config.department)) == before
    assert rows(dept_url, pw, '''SELECT count(*) FROM image i JOIN series r ON r.id = i.series_id
        JOIN study s ON s.id = r.study_id WHERE s."StationName" = 'ROOM-2'
        AND i.state = 'rejected' ''') == [(2,)]


def test_a_department_database_that_is_down_delays_the_job_and_loses_nothing(
        tmp_path, postgres, dept_url) -> None:
    config, db = console(tmp_path, "ROOM-9", dept_url, postgres.password_file)
    study_id = add_study(db, "ROOM-9", patient_id="P-9", uid_tag="9")
    outbox = Outbox(config, db)
    postgres.stop()
    try:
        job = enqueue_publish(config, db, study_id, "exam completed")
        outbox.run_once([job])
        waiting = get_job(db, job)
        assert waiting.state == "queued" and waiting.attempts == 1
        assert "cannot be reached" in waiting.last_error and "will retry" in waiting.last_error
        assert "dept-secret" not in waiting.last_error  # the password is never shown
    finally:
        postgres.start()
    [done] = outbox.drain([job], timeout=30)
    assert done.state == "done" and done.attempts >= 2
    assert rows(dept_url, postgres.password_file,
                'SELECT count(*) FROM image i JOIN series r ON r.id = i.series_id '
                'JOIN study s ON s.id = r.study_id WHERE s."StationName" = \'ROOM-9\'') == [(2,)]


def test_refused_login_fails_the_job_saying_why_and_keeps_it_for_a_retry(
        tmp_path, postgres, dept_url) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password\n")
    wrong.chmod(0o600)
    config, db = console(tmp_path, "ROOM-8", dept_url, wrong)
    study_id = add_study(db, "ROOM-8", uid_tag="8")
    job = enqueue_publish(config, db, study_id, "exam completed")
    [failed] = Outbox(config, db).drain([job], timeout=30)
    assert failed.state == "failed" and failed.attempts == 1
    assert "refused the login" in failed.last_error and "28P01" in failed.last_error
    # fixed in the same file, as the service manual says: the same job, retried, publishes
    # the study (the engine made with the wrong password is not used again)
    wrong.write_text(postgres.password_file.read_text())
    retry(db, job)
    assert Outbox(config, db).drain([job], timeout=30)[0].state == "done"


def test_no_department_no_publish_job_and_a_removed_department_fails_its_jobs(
        tmp_path, postgres, dept_url) -> None:
    config, db = console(tmp_path, "ROOM-7", dept_url, postgres.password_file)
    study_id = add_study(db, "ROOM-7", uid_tag="7")
    job = enqueue_publish(config, db, study_id, "exam completed")
    config.department = None
    assert enqueue_publish(config, db, study_id, "exam completed") is None
    assert Outbox(config, db).fail_orphans() == [job]
    assert "department database is no longer in the configuration" in get_job(db, job).last_error
    assert [j.id for j in list_jobs(db)] == [job]


def test_reports_read_the_department_database_across_rooms(
        tmp_path, postgres, dept_url, capsys) -> None:
    import json

    from vxacq import cli

    consoles = [console(tmp_path, f"ROOM-{n}", dept_url, postgres.password_file)
                for n in (1, 2)]
    for n, (config, db) in enumerate(consoles, start=1):
        study_id = add_study(db, config.station.station_name, uid_tag=f"5{n}", rejected=n - 1)
        job = enqueue_publish(config, db, study_id, "exam completed")
        assert Outbox(config, db).drain([job], timeout=30)[0].state == "done"
    config, _ = consoles[0]
    path = tmp_path / "vxacq.toml"
    configuration.save(config, path)
    # --db department: the [department] database with its password_file
    assert cli.main(["report", "rejects", "--config", str(path), "--db", "department",
                     "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["images"], document["rejected"]) == (4, 1)
    assert {r["key"]: (r["count"], r["total"]) for r in document["station"]} == {
        "ROOM-1": (0, 2), "ROOM-2": (1, 2)}
    # any postgresql:// URL, its password from --password-file; none: refused, saying so
    assert cli.main(["report", "dose", "--config", str(path), "--db", dept_url,
                     "--password-file", str(postgres.password_file), "--room", "ROOM-2",
                     "--json"]) == 0
    [chest] = json.loads(capsys.readouterr().out)["dap"]
    assert chest["n"] == 2
    other = dept_url.replace("vxacq@", "someone@")
    assert cli.main(["report", "dose", "--config", str(path), "--db", other]) != 0
    assert "could not be read from" in capsys.readouterr().err


def test_reports_on_postgresql_count_on_the_server_as_on_any_database(
        tmp_path, postgres, dept_url) -> None:
    from sqlmodel import Session

    from vxacq.workflow import qa_reports

    for n in range(3):
        config, db = console(tmp_path, f"ROOM-{n}", dept_url, postgres.password_file)
        study_id = add_study(db, f"ROOM-{n}", uid_tag=f"7{n}", images=3 + n, rejected=n)
        with db.session() as session:  # spread the values, one image without an index and
            for image in session.exec(select(Image)).all():  # one with values not finite
                image.DeviationIndex = None if image.id == 2 else -4.0 + 1.7 * image.id
                image.ImageAndFluoroscopyAreaDoseProduct = 0.5 * image.id + n
                if image.id == 3:
                    image.DeviationIndex = image.ImageAndFluoroscopyAreaDoseProduct = \
                        float("inf") if n else float("-inf")
        job = enqueue_publish(config, db, study_id, "exam completed")
        assert Outbox(config, db).drain([job], timeout=30)[0].state == "done"
    engine = department.connect(dept_url, password=password(str(postgres.password_file)))
    try:
        names = qa_reports._protocol_ids()
        with Session(engine) as session:
            on_server = qa_reports._dose_figures_on_server(session, qa_reports.Filters(),
                                                           names, "")
            in_python = qa_reports._dose_figures(session, qa_reports.Filters(), names, "")
        assert on_server[2] == in_python[2] == 6  # no deviation index, or not a finite one
        assert on_server[0].keys() == in_python[0].keys() == {"CHEST_PA"}
        assert on_server[0]["CHEST_PA"][0] == in_python[0]["CHEST_PA"][0]
        assert on_server[0]["CHEST_PA"][1] == pytest.approx(in_python[0]["CHEST_PA"][1])
        assert on_server[1]["CHEST_PA"] == pytest.approx(in_python[1]["CHEST_PA"])
        # the rejects counted in one pass (GROUPING SETS): 12 images, 0+1+2 rejected
        report = qa_reports.reject_analysis(engine)
        assert (report.images, report.rejected) == (12, 3)
        assert {r.key: (r.count, r.total) for r in report.by_station} == {
            "ROOM-0": (0, 3), "ROOM-1": (1, 4), "ROOM-2": (2, 5)}
        assert {r.key: (r.count, r.total) for r in report.by_protocol} == {"CHEST_PA": (3, 12)}
        assert [(r.key, r.count) for r in report.by_reason] == [("Patient motion", 3)]
        assert {r.key: r.total for r in report.by_period} == {"2026-03": 12}
        assert {r.key: r.total for r in report.by_operator} == {"Tester^Tina": 12}
    finally:
        engine.dispose()


def test_what_the_database_server_says_reaches_the_job_escaped_and_without_its_detail() -> None:
    # pg8000 gives the server's notice as a dict: S(everity), C(ode), M(essage), D(etail)...
    notice = {"S": "FATAL", "C": "28P01", "M": "password authentication failed\nfor \x1b[2J",
              "D": "Key (PatientID)=(PID-4711) already exists"}
    refused = _explain(ProgrammingError("SELECT 1", {}, Exception(notice)), "db/dept")
    assert "refused the login" in str(refused) and not refused.retryable
    assert "failed\\nfor \\x1b[2J" in str(refused) and "\n" not in str(refused)
    assert "PID-4711" not in str(refused)
    # a code that is no SQLSTATE is not repeated, and a long message is cut to a line
    odd = _explain(OperationalError("SELECT 1", {}, Exception(
        {"C": "28P01\nX", "M": "m" * 5000})), "db/dept")
    assert "28P01" not in str(odd)
    assert odd.retryable and len(str(odd)) < 500

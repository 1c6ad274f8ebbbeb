"""The exam database: survives restarts, upgrades old files in place, matches its models."""

import errno
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from vxacq.db import (
    AuditEvent, Image, ImageState, Job, JobKind, JobState, Order, Patient, Series, Study,
    open_database, schema,
)
from vxacq.db.files import write_atomic


def fill(db) -> None:
    with db.session() as s:
        patient = Patient(PatientID="P1", PatientName="Yamada^Tarou=山田^太郎=やまだ^たろう")
        s.add(patient)
        s.flush()
        order = Order(patient_id=patient.id, AccessionNumber="ACC1", node="ris",
                      dataset=b"\x08\x00\x05\x00")
        s.add(order)
        s.flush()
        study = Study(StudyInstanceUID="1.2.3", patient_id=patient.id, order_id=order.id)
        s.add(study)
        s.flush()
        series = Series(SeriesInstanceUID="1.2.3.1", study_id=study.id)
        s.add(series)
        s.flush()
        s.add(Image(series_id=series.id, SOPInstanceUID="1.2.3.1.1", KVP=125.0,
                    state=ImageState.ACCEPTED))
        s.add(Job(kind=JobKind.STORE, node="pacs", study_id=study.id, payload='{"files": []}'))


def test_database_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "vxacq.sqlite"
    db = open_database(path)
    fill(db)
    db.close()

    again = open_database(path)  # a new engine on the same file, as after a restart
    with again.session() as s:
        patient = s.exec(select(Patient)).one()
        assert patient.PatientName == "Yamada^Tarou=山田^太郎=やまだ^たろう"
        image = s.exec(select(Image)).one()
        assert image.state == ImageState.ACCEPTED and image.KVP == 125.0
        job = s.exec(select(Job)).one()
        assert job.kind == JobKind.STORE and job.state == JobState.QUEUED
        assert job.next_attempt_at.tzinfo is not None
        assert s.exec(select(Order)).one().dataset == b"\x08\x00\x05\x00"


def test_wal_and_foreign_keys_are_on(tmp_path: Path) -> None:
    db = open_database(tmp_path / "vxacq.sqlite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(IntegrityError):
        with db.session() as s:
            s.add(Study(StudyInstanceUID="9.9", patient_id=12345))


def test_version_1_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(conn, target=1)
    conn.execute("INSERT INTO patient (PatientID, PatientName, created_at) "
                 "VALUES ('OLD1', 'Müller^Jürgen', '2025-01-02 03:04:05')")
    conn.execute("INSERT INTO job (kind, node, state, next_attempt_at, created_at, updated_at) "
                 "VALUES ('store', 'pacs', 'queued', '2025-01-02 03:04:05', "
                 "'2025-01-02 03:04:05', '2025-01-02 03:04:05')")
    assert schema.current_version(conn) == 1
    conn.close()

    db = open_database(path)
    with db.session() as s:
        assert s.exec(select(Patient)).one().PatientName == "Müller^Jürgen"
        job = s.exec(select(Job)).one()
        assert job.claimed_by == "" and job.lease_expires_at is None
        s.add(AuditEvent(action="upgrade-tested"))
    raw = sqlite3.connect(path)
    assert schema.current_version(raw) == schema.LATEST


def test_every_migration_path_ends_in_the_models_schema(tmp_path: Path) -> None:
    """Whatever version a file starts at, after upgrade its tables and columns are the models'."""
    expected = {
        table.name: {c.name for c in table.columns}
        for table in SQLModel.metadata.sorted_tables
    }
    for start in range(0, schema.LATEST + 1):
        path = tmp_path / f"from{start}.sqlite"
        conn = sqlite3.connect(path, isolation_level=None)
        schema.upgrade(conn, target=start)
        conn.close()
        open_database(path).close()
        conn = sqlite3.connect(path)
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == set(expected), f"starting at version {start}"
        for name, columns in expected.items():
            found = {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
            assert found == columns, f"table {name} starting at version {start}"


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    conn.close()
    with pytest.raises(schema.SchemaError, match="newer than this program"):
        open_database(path)


def test_failed_migration_leaves_the_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "half.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(conn, target=1)
    broken = schema.Migration(2, "broken", ("CREATE TABLE audit_event (id INTEGER)", "NOT SQL"))
    monkeypatch.setattr(schema, "MIGRATIONS", (schema.MIGRATIONS[0], broken))
    with pytest.raises(sqlite3.OperationalError):
        schema.upgrade(conn, target=2)
    assert schema.current_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='audit_event'").fetchone() is None


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "images" / "a.dcm"
    write_atomic(target, b"first")
    write_atomic(target, lambda fh: fh.write(b"second"))
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["a.dcm"]


def test_write_atomic_full_disk_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.dcm"
    write_atomic(target, b"old")

    def full_disk(fh) -> None:
        fh.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError) as caught:
        write_atomic(target, full_disk)
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.dcm"]


def test_two_engines_see_each_others_commits(tmp_path: Path) -> None:
    """The GUI and the service open the same file; WAL lets both read while one writes."""
    path = tmp_path / "shared.sqlite"
    gui, service = open_database(path), open_database(path)
    with gui.session() as s:
        s.add(Job(kind=JobKind.STORE, node="pacs"))
    with service.session() as s:
        job = s.exec(select(Job)).one()
        job.state = JobState.RUNNING
        job.claimed_by = "service"
        job.lease_expires_at = job.created_at + timedelta(minutes=5)
    with gui.session() as s:
        assert s.exec(select(Job)).one().claimed_by == "service"

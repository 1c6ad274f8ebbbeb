"""The history search and the queue as the database answers them at scale: each study's
folded search text is kept by the database (filled by the migration, followed on a new study,
a renamed patient and a changed accession), so a search finds names in any script without
folding every study in Python; the queue page lists failed jobs first even past its page
limit, and the status bar's counts come from the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from vxacq import config as configuration
from vxacq.db import (
    Image, ImageState, Job, JobState, Patient, Series, Study, open_database, schema,
)
from vxacq.net.outbox import enqueue
from vxacq.workflow import station
from vxacq.workflow.history import search_exams


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "vxacq.sqlite", create=True)
    yield database
    database.close()


def add_study(db, name: str, patient_id: str, accession: str, date: str, *,
              description: str = "CHEST PA", images: tuple[str, ...] = ()) -> int:
    with db.session() as s:
        patient = s.exec(select(Patient).where(Patient.PatientID == patient_id)).first()
        if patient is None:
            patient = Patient(PatientID=patient_id, PatientName=name)
            s.add(patient)
            s.flush()
        study = Study(StudyInstanceUID=f"1.2.3.{accession}", patient_id=patient.id,
                      AccessionNumber=accession, StudyDate=date, StudyTime="101500",
                      StudyDescription=description)
        s.add(study)
        s.flush()
        for n, modality in enumerate(images, start=1):
            series = Series(SeriesInstanceUID=f"1.2.3.{accession}.{n}", study_id=study.id,
                            Modality=modality, SeriesNumber=n)
            s.add(series)
            s.flush()
            s.add(Image(series_id=series.id, SOPInstanceUID=f"1.2.3.{accession}.{n}.1",
                        state=ImageState.ACCEPTED))
        return int(study.id)


def accessions(exams) -> list[str]:
    return [e.AccessionNumber for e in exams]


def test_names_in_any_script_are_found_newest_first_with_their_image_count(db) -> None:
    add_study(db, "GARCÍA^MARÍA", "P1", "A1", "20260101", images=("DX", "DX", "SR"))
    add_study(db, "GARCÍA^MARÍA", "P1", "A2", "20260301", images=("DX",))
    add_study(db, "ИВАНОВ^ИВАН", "P2", "A3", "20260201", description="KNEE LEFT")
    add_study(db, "山田^太郎=やまだ^たろう", "P3", "A4", "20260215")
    assert accessions(search_exams(db, "garcia maria")) == ["A2", "A1"]
    assert accessions(search_exams(db, "Иван")) == ["A3"]
    assert accessions(search_exams(db, "やまだ")) == ["A4"]
    assert accessions(search_exams(db, "knee p2")) == ["A3"]  # words in different fields
    assert accessions(search_exams(db, "garcia knee")) == []  # every word must be found
    assert accessions(search_exams(db, "100%")) == []  # typed text is no SQL pattern
    assert accessions(search_exams(db)) == ["A2", "A4", "A3", "A1"]
    assert accessions(search_exams(db, "", "20260201", "20260228")) == ["A4", "A3"]
    assert accessions(search_exams(db, limit=2)) == ["A2", "A4"]
    counts = {e.AccessionNumber: e.images for e in search_exams(db, "garcia")}
    assert counts == {"A1": 2, "A2": 1}  # accepted images; the dose report is not one


def test_the_search_text_follows_a_renamed_patient_and_a_changed_accession(db) -> None:
    study_id = add_study(db, "MULLER^JURGEN", "P9", "OLD1", "20260105")
    with db.session() as s:  # e.g. the RIS corrected the name, reconcile moved the order
        s.exec(update(Patient).where(Patient.PatientID == "P9")
               .values(PatientName="MÜLLER^JÜRGEN"))
        s.exec(update(Study).where(Study.id == study_id).values(AccessionNumber="NEW7"))
    assert accessions(search_exams(db, "müller new7")) == ["NEW7"]
    assert accessions(search_exams(db, "old1")) == []
    with db.session() as s:  # refiled to another patient
        other = Patient(PatientID="P10", PatientName="ΠΑΠΑΔΌΠΟΥΛΟΣ^ΝΊΚΟΣ")
        s.add(other)
        s.flush()
        s.exec(update(Study).where(Study.id == study_id).values(patient_id=other.id))
    assert accessions(search_exams(db, "παπαδοπουλος")) == ["NEW7"]
    assert accessions(search_exams(db, "muller")) == []


def test_the_migration_fills_the_search_text_of_studies_already_there(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(conn, target=7)
    conn.execute("INSERT INTO patient (id, PatientID, PatientName, created_at) "
                 "VALUES (1, 'P1', 'FERNÁNDEZ^JOSÉ', '2025-01-02 03:04:05')")
    conn.execute("INSERT INTO study (StudyInstanceUID, patient_id, AccessionNumber, StudyDate, "
                 "state, created_at) VALUES ('1.2.9', 1, 'ACC9', '20250102', 'closed', "
                 "'2025-01-02 03:04:05')")
    conn.close()
    db = open_database(path)
    try:
        assert accessions(search_exams(db, "fernandez jose")) == ["ACC9"]
    finally:
        db.close()


def test_the_queue_page_keeps_failed_jobs_first_past_its_limit(tmp_path: Path, db) -> None:
    config = configuration.from_dict({
        "station": {"ae_title": "VXACQ", "data_dir": str(tmp_path)},
        "node": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1", "port": 11112,
                  "services": ["store"]}]})
    failed = enqueue(db, "store", "pacs", {"files": []})  # the oldest job
    queued = [enqueue(db, "store", "pacs", {"files": []}) for _ in range(4)]
    done = enqueue(db, "store", "pacs", {"files": []})
    with db.session() as s:
        s.exec(update(Job).where(Job.id == failed).values(state=JobState.FAILED,
                                                          last_error="refused"))
        s.exec(update(Job).where(Job.id == done).values(state=JobState.DONE))
    page = station.list_jobs(config, db, "attention", limit=3)
    assert [r.job.id for r in page] == [failed, queued[3], queued[2]]
    assert [r.job.id for r in station.list_jobs(config, db, "all", limit=None)] == \
        [failed, done, *reversed(queued)]
    assert [r.job.id for r in station.list_jobs(config, db, "failed", limit=1)] == [failed]
    assert station.queue_counts(db) == (4, 1)

"""Scale: the history search and the queue page with years of exams in the database.

Generates an exam database through the real schema (``open_database`` runs every migration,
then plain bulk INSERTs into those tables): by default 100,000 images in 33,334 studies of
20,000 patients (two DX images and a dose report per study, names in Latin with accents,
Cyrillic, Greek and Japanese), 10,000 outbox jobs (store and commitment; most done, some
failed, queued or running) and the commitment records of the committed studies. Then times,
in this process, what the pages call: :func:`vxacq.workflow.history.search_exams` (the
history list: empty search, a name typed, a name found nowhere, one month) and
:func:`~vxacq.workflow.history.image_status` (the selected exam), and
:func:`vxacq.workflow.station.list_jobs` (the queue page's three views) and
:func:`~vxacq.workflow.station.queue_counts` (the status bar). Prints the median and p95 of
each, in milliseconds, with the goal (100 ms), after one untimed call.

    python benchmarks/scale.py [--images 100000] [--jobs 10000] [--runs 20] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text

from vxacq import config as configuration
from vxacq.db import DB_FILENAME, folding, open_database
from vxacq.workflow import history, station

GOAL_MS = 100.0
FAMILIES = ["GARCÍA", "MÜLLER", "SMITH", "ИВАНОВ", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "山田=やまだ", "O'NEIL",
            "NGUYEN", "DUBOIS", "KOWALSKI", "ROSSI", "JOHANSSON", "FERNÁNDEZ", "ÇELIK"]
GIVEN = ["MARÍA", "JOHN", "ИВАН", "ΓΙΩΡΓΟΣ", "太郎=たろう", "ANNE", "PIOTR", "LUCA", "SØREN",
         "AYŞE", "JEAN", "LI"]
DESCRIPTIONS = ["CHEST PA/LAT", "KNEE LEFT", "HAND RIGHT", "PELVIS AP", "SPINE LUMBAR",
                "FOOT LEFT", "SHOULDER RIGHT", "SKULL"]
STORE_NODES = ("pacs", "archive")
SOP_DX = "1.2.840.10008.5.1.4.1.1.1.1"
SOP_SR = "1.2.840.10008.5.1.4.1.1.88.67"


def generate(path: Path, images: int, jobs: int, seed: int = 20) -> dict[str, int]:
    """Fill a new database at ``path``; returns the row counts."""
    open_database(path, create=True).close()  # the real schema, every migration applied
    rng = random.Random(seed)
    studies = -(-images // 3)
    patients = max(1, studies * 3 // 5)
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    conn = sqlite3.connect(path)
    folding.register(conn)  # the study search triggers fold names as the program does
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.executemany(
            "INSERT INTO patient (id, PatientID, IssuerOfPatientID, PatientName, "
            "PatientBirthDate, PatientSex, OtherPatientIDs, PatientSpeciesDescription, "
            "PatientBreedDescription, ResponsiblePerson, ResponsibleOrganization, "
            "PatientSexNeutered, created_at) VALUES (?, ?, '', ?, ?, ?, '', '', '', '', '', '', ?)",
            ((p, f"P{p:07}", _name(rng, p), f"19{rng.randrange(30, 99)}0101",
              rng.choice("MF"), start) for p in range(1, patients + 1)))
        study_rows, series_rows, image_rows, when = [], [], [], {}
        image_id = 0
        for s in range(1, studies + 1):
            at = start + timedelta(minutes=s * 40 + rng.randrange(30))
            when[s] = at
            study_rows.append((s, f"1.2.826.0.1.3680043.10.1.{s}", rng.randrange(1, patients + 1),
                               f"A{s:08}", str(s), at.strftime("%Y%m%d"), at.strftime("%H%M%S"),
                               rng.choice(DESCRIPTIONS), "closed" if s < studies - 20 else "open",
                               at))
            for n in range(3):
                if image_id == images:
                    break
                image_id += 1
                sr = n == 2
                series_rows.append((image_id, f"1.2.826.0.1.3680043.10.2.{image_id}", s,
                                    n + 1, "SR" if sr else "DX", "CHEST", at))
                image_rows.append((image_id, image_id, _sop(image_id), SOP_SR if sr else SOP_DX,
                                   f"/data/images/{s}/{image_id}.dcm",
                                   "accepted" if sr or rng.random() > 0.05 else "rejected", at))
        conn.executemany(
            "INSERT INTO study (id, StudyInstanceUID, patient_id, AccessionNumber, StudyID, "
            "StudyDate, StudyTime, StudyDescription, ReferringPhysicianName, OperatorsName, "
            "state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?)", study_rows)
        conn.executemany(
            "INSERT INTO series (id, SeriesInstanceUID, study_id, SeriesNumber, Modality, "
            "BodyPartExamined, ViewPosition, Laterality, ProtocolName, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, '', '', '', ?)", series_rows)
        conn.executemany(
            "INSERT INTO image (id, series_id, SOPInstanceUID, SOPClassUID, InstanceNumber, "
            "file_path, raw_path, state, reject_code_value, reject_coding_scheme, "
            "reject_code_meaning, acquired_at) VALUES (?, ?, ?, ?, 1, ?, '', ?, '', '', '', ?)",
            image_rows)
        # the newest studies have jobs: a store per node, then a commitment for the PACS
        job_rows, commitments, items = [], [], []
        job_id, s = 0, studies
        while job_id < jobs and s > 0:
            files = [f"/data/images/{s}/{i}.dcm" for i in range(3 * s - 2, min(3 * s, images) + 1)]
            state = _state(rng, s, studies)
            for node in STORE_NODES:
                if job_id == jobs:
                    break
                job_id += 1
                payload = {"files": files}
                if state == "running":
                    payload["checkpoint"] = {"sent": [_sop(3 * s - 2)]}
                job_rows.append((job_id, "store", node, state, s, json.dumps(payload),
                                 "peer refused the association" if state == "failed" else "",
                                 when[s]))
            if job_id < jobs and state == "done":
                job_id += 1
                instances = [[SOP_DX, _sop(i)] for i in range(3 * s - 2, min(3 * s, images) + 1)]
                job_rows.append((job_id, "commitment", "pacs", "done", s,
                                 json.dumps({"instances": instances}), "", when[s]))
                commitments.append((len(commitments) + 1, f"2.25.{s}", job_id, when[s]))
                items.extend((len(commitments), cls, uid) for cls, uid in instances)
            s -= 1
        conn.executemany(
            "INSERT INTO job (id, kind, node, state, study_id, payload, attempts, "
            "next_attempt_at, last_error, progress, claimed_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, '', '', ?, ?)",
            ((j, k, n, st, sid, p, at, err, at, at) for j, k, n, st, sid, p, err, at in job_rows))
        conn.executemany(
            "INSERT INTO commitment (id, TransactionUID, node, job_id, state, requested_at) "
            "VALUES (?, ?, 'pacs', ?, 'committed', ?)", commitments)
        conn.executemany(
            "INSERT INTO commitment_item (commitment_id, ReferencedSOPClassUID, "
            "ReferencedSOPInstanceUID, committed) VALUES (?, ?, ?, 1)", items)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
              for t in ("patient", "study", "image", "job", "commitment_item")}
    conn.close()
    return counts


def _name(rng: random.Random, p: int) -> str:
    family, given = rng.choice(FAMILIES), rng.choice(GIVEN)
    if "=" in family or "=" in given:  # ideographic = phonetic groups stay together
        f, fp = (family.split("=") + [family])[:2]
        g, gp = (given.split("=") + [given])[:2]
        return f"{f}^{g}={fp}^{gp}"
    return f"{family}^{given}{'' if p % 7 else '^' + str(p % 100)}"


def _sop(image_id: int) -> str:
    return f"1.2.826.0.1.3680043.10.3.{image_id}"


def _state(rng: random.Random, s: int, studies: int) -> str:
    if studies - s < 3:
        return "running"
    if studies - s < 300:
        return "queued"
    return "failed" if rng.random() < 0.03 else "done"


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, object]:
    times, result = [], call()  # one untimed call first: the page's first read warms the cache
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], \
        result


def add_database_arguments(parser: argparse.ArgumentParser, runs: int) -> None:
    """The generated database's size, the runs, and ``--keep``; shared with db_open.py."""
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--keep", type=Path, help="make (or reuse) the database in this dir")


@contextmanager
def generated_database(args: argparse.Namespace) -> Iterator[Path]:
    """The database file the arguments ask for: made in a temporary folder, or in ``--keep``
    unless that already holds one (generating 100,000 images takes a while)."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.keep or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / DB_FILENAME
        if not path.exists():
            started = time.perf_counter()
            counts = generate(path, args.images, args.jobs)
            print(f"generated {counts} in {time.perf_counter() - started:.1f} s")
        yield path


def main() -> None:
    parser = argparse.ArgumentParser()
    add_database_arguments(parser, runs=20)
    args = parser.parse_args()
    with generated_database(args) as path:
        data_dir = path.parent
        db = open_database(path)
        config = configuration.from_dict({
            "station": {"ae_title": "VXACQ", "data_dir": str(data_dir)},
            "node": [{"name": n, "ae_title": n.upper(), "host": "127.0.0.1", "port": 11112 + i,
                      "services": ["store"]} for i, n in enumerate(STORE_NODES)]})
        with db.session() as session:
            busy = session.exec(text("SELECT max(study_id) FROM job WHERE kind = 'commitment'")
                                ).one()[0]
        month = (f"{datetime(2025, 3, 1):%Y%m%d}", f"{datetime(2025, 3, 31):%Y%m%d}")
        cases: list[tuple[str, Callable[[], object]]] = [
            ("history: newest exams (empty search)", lambda: history.search_exams(db)),
            ("history: name typed ('garcia maria')",
             lambda: history.search_exams(db, "garcia maria")),
            ("history: Cyrillic name typed ('иванов')", lambda: history.search_exams(db, "иванов")),
            ("history: found nowhere ('zzzz')", lambda: history.search_exams(db, "zzzz")),
            ("history: one month", lambda: history.search_exams(db, "", *month)),
            ("history: selected exam's images (image_status)",
             lambda: history.image_status(db, busy)),
            ("queue: failed and waiting (attention)",
             lambda: station.list_jobs(config, db, "attention")),
            ("queue: failed only", lambda: station.list_jobs(config, db, "failed")),
            ("queue: all, including finished", lambda: station.list_jobs(config, db, "all")),
            ("queue: status bar counts (queue_counts)", lambda: station.queue_counts(db)),
        ]
        print(f"{'what':<50} {'median':>8} {'p95':>8}  goal   rows")
        for name, call in cases:
            median, p95, result = timed(call, args.runs)
            rows = len(result) if isinstance(result, list) else result
            verdict = "ok" if p95 < GOAL_MS else "SLOW"
            print(f"{name:<50} {median:7.1f}  {p95:7.1f}  <{GOAL_MS:.0f} ms {verdict:<4} {rows}")
        db.close()


if __name__ == "__main__":
    main()

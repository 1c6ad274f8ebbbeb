"""Reject and dose reports (vxacq.workflow.qa_reports) over many exposures: prints the seconds
each report takes, over everything and over one month.

    .venv/bin/python benchmarks/qa_reports.py [IMAGES]         a station database (SQLite) of
                                                               IMAGES synthetic exposures
    .venv/bin/python benchmarks/qa_reports.py --db URL         an existing database, e.g. a
                                                               department's PostgreSQL, as it is

The synthetic rows (a year of 50 rooms, 200 radiographers, 30 protocols, one image in ten
rejected and retaken) are written straight into the tables: what is measured is the reading.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from vxacq.db import DB_FILENAME, database_for  # noqa: E402
from vxacq.protocols import load  # noqa: E402
from vxacq.workflow import qa_reports  # noqa: E402

IMAGES = 500_000


def fill(folder: Path, images: int) -> None:
    database_for(folder, create=True).close()
    pick = random.Random(305)
    protocols = list(load().values())[:30]
    operators = [f"Radiographer^{n}" for n in range(200)]
    now = "2026-12-01 00:00:00"
    studies, series, rows = [], [], []
    study = serie = image = 0
    start = time.mktime((2026, 1, 1, 0, 0, 0, 0, 0, -1))
    while image < images:
        study += 1
        day = f"2026{pick.randint(1, 12):02d}{pick.randint(1, 28):02d}"
        studies.append((study, f"1.2.826.0.1.3680043.10.1.{study}", day,
                         pick.choice(operators), f"ROOM-{pick.randint(1, 50)}"))
        for protocol in pick.sample(protocols, 2):
            serie += 1
            series.append((serie, f"1.2.826.0.1.3680043.10.2.{serie}", study,
                           protocol.body_part, protocol.name))
            while True:
                image += 1
                rejected = pick.random() < 0.1
                at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + image))
                rows.append((image, serie, f"1.2.826.0.1.3680043.10.3.{image}",
                             "rejected" if rejected else "accepted", pick.gauss(0, 1.5),
                             pick.lognormvariate(0, 1), "Positioning" if rejected else "", at))
                if not rejected:
                    break
    with sqlite3.connect(folder / DB_FILENAME) as conn:
        conn.execute("INSERT INTO patient (id, PatientID, created_at) VALUES (1, 'B-1', ?)",
                     (now,))
        conn.executemany("INSERT INTO study (id, StudyInstanceUID, patient_id, StudyDate, "
                         "OperatorsName, StationName, state, created_at) "
                         f"VALUES (?, ?, 1, ?, ?, ?, 'closed', '{now}')", studies)
        conn.executemany("INSERT INTO series (id, SeriesInstanceUID, study_id, Modality, "
                         "BodyPartExamined, ProtocolName, created_at) "
                         f"VALUES (?, ?, ?, 'DX', ?, ?, '{now}')", series)
        conn.executemany("INSERT INTO image (id, series_id, SOPInstanceUID, state, "
                         "DeviationIndex, ImageAndFluoroscopyAreaDoseProduct, "
                         "reject_code_meaning, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         rows)


def measure(source: object, label: str) -> None:
    month = qa_reports.filters("2026-03-01", "2026-03-31")
    for name, run in (
            ("rejects", lambda: qa_reports.reject_analysis(source, period="week")),
            ("dose", lambda: qa_reports.dose_analysis(source)),
            ("rejects one month", lambda: qa_reports.reject_analysis(source, month)),
            ("dose one month", lambda: qa_reports.dose_analysis(source, month))):
        began = time.perf_counter()
        run()
        print(f"{label} {name}: {time.perf_counter() - began:.2f} s")


def main() -> None:
    if "--db" in sys.argv:
        from sqlalchemy import create_engine

        engine = create_engine(sys.argv[sys.argv.index("--db") + 1])
        measure(engine, engine.url.render_as_string(hide_password=True))
        return
    images = int(sys.argv[1]) if len(sys.argv) > 1 else IMAGES
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        fill(Path(tmp), images)
        print(f"SQLite, {images} exposures written in {time.perf_counter() - began:.1f} s")
        db = database_for(tmp)
        try:
            measure(db, f"SQLite {images}")
        finally:
            db.close()


if __name__ == "__main__":
    main()

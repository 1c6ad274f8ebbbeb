"""The department database under a year of fifty rooms: the QA reports' answer times.

Starts a PostgreSQL server (Debian's binaries, as the tests do: tests/pg.py), makes the
department's tables (vxacq.db.department.ensure_schema, as the first publish does) and fills
them in bulk inside PostgreSQL (INSERT ... SELECT over generate_series, no console round trips):
50 rooms × a year (2025-12-01 to 2026-11-30) of exams, 500,000 exposures by default, with

- protocols drawn by how often a department makes them (chest PA a quarter, then chest lateral,
  knee, hand, spine, ...), each study one to three of them and its dose report (an SR series);
- four radiographers per room; reject rate about 8 % (the 40,000 rejected exposures of the
  500,000 fall on random series, so some are followed by the repeat), reasons in TG-305's
  usual order (positioning, patient moved, under/over-exposure, artefact, collimation, marker);
- DAP per exposure log-normal around 60 % of the protocol's reference level, EI from a
  deviation index normal around +0.2 (σ 1.3; wider for rejected images), and about 1 % of
  exams with a confirmed dose notification.

Then each report (vxacq.workflow.qa_reports) is run against it several times, as ``vxacq
report ... --db`` runs it: the whole department for the year, one room, one month; the median
time of each is printed beside its goal (under 2 s), and one command line is timed end to end
(process start included).

    PYTHONPATH=. python benchmarks/department.py [--exposures 500000] [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import pg  # noqa: E402
from vxacq.db import department  # noqa: E402
from vxacq.net.department import password  # noqa: E402
from vxacq.protocols import load as load_protocols  # noqa: E402
from vxacq.workflow import qa_reports  # noqa: E402
from vxacq.workflow.reference_levels import load as load_levels  # noqa: E402

ROOMS = 50
GOAL_S = 2.0  # each report's median answer time (issue 18)
FIRST_DAY = "2025-12-01"
DAYS = 365
# How often a department makes each protocol (relative); the rest share what is left.
COMMON = {"CHEST_PA": 25, "CHEST_LAT": 9, "CHEST_AP_MOBILE": 6, "KNEE_AP": 4, "KNEE_LAT": 4,
          "HAND_PA": 3, "HAND_OBL": 3, "LSPINE_AP": 3, "LSPINE_LAT": 3, "PELVIS_AP": 3,
          "ANKLE_AP": 2.5, "ANKLE_LAT": 2.5, "WRIST_PA": 2, "WRIST_LAT": 2, "SHOULDER_AP": 2,
          "ABDOMEN_AP": 2, "HIP_AP": 2, "CSPINE_LAT": 1.5, "FOOT_DP": 1.5, "SKULL_AP": 0.5}
REASONS = (("R-POS", "Positioning", 35), ("R-MOVE", "Patient moved", 20),
           ("R-UNDER", "Underexposed", 9), ("R-OVER", "Overexposed", 6),
           ("R-ARTF", "Artefact on image (jewellery, clothing)", 12),
           ("R-COLL", "Anatomy cut off (collimation)", 10), ("R-MARK", "Wrong side marker", 5),
           ("R-OTHER", "Other", 3))


def lookup_rows() -> tuple[list[tuple], list[tuple]]:
    """(protocol rows, reason rows) with cumulative weight ranges for a weighted draw."""
    levels = load_levels(None)
    protocols = list(load_protocols().values())
    rest = max(0.0, 100 - sum(COMMON.values())) / max(1, len(protocols) - len(COMMON))
    weighted = [(p, COMMON.get(p.id, rest)) for p in protocols]
    total = sum(w for _, w in weighted)
    rows, cum = [], 0.0
    for p, w in weighted:
        level = levels.for_protocol(p.id).exposure_dap_Gy_cm2 or 0.5
        rows.append((p.name, p.body_part, cum / total, (cum + w) / total,
                     level * 10 * 0.6, p.target_ei or 300.0))  # DAP in dGy·cm²
        cum += w
    reasons, cum = [], 0.0
    total = sum(w for *_, w in REASONS)
    for value, meaning, w in REASONS:
        reasons.append((value, meaning, cum / total, (cum + w) / total))
        cum += w
    return rows, reasons


def generate(engine, exposures: int) -> dict[str, float]:
    """Fill the department's tables; return how long each step took."""
    rejected = round(exposures * 0.08)
    series = exposures - rejected  # one accepted exposure per series
    studies = round(series / 1.45)
    patients = round(studies * 0.6)
    protocols, reasons = lookup_rows()
    times: dict[str, float] = {}
    normal = "(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))"
    with engine.begin() as conn:
        t = time.perf_counter()
        conn.execute(text("CREATE TEMP TABLE proto (n serial, name text, body text, lo float, "
                          "hi float, dap float, ei float) ON COMMIT DROP"))
        for row in protocols:
            conn.execute(text("INSERT INTO proto (name, body, lo, hi, dap, ei) VALUES "
                              "(:a, :b, :c, :d, :e, :f)"),
                         dict(zip("abcdef", row)))
        conn.execute(text("CREATE TEMP TABLE reason (value text, meaning text, lo float, "
                          "hi float) ON COMMIT DROP"))
        for row in reasons:
            conn.execute(text("INSERT INTO reason VALUES (:a, :b, :c, :d)"),
                         dict(zip("abcd", row)))
        conn.execute(text(f'''
            INSERT INTO patient ("PatientID", "IssuerOfPatientID", "PatientName",
                "PatientBirthDate", "PatientSex", "OtherPatientIDs", "PatientSpeciesDescription",
                "PatientBreedDescription", "ResponsiblePerson", "ResponsibleOrganization",
                "PatientSexNeutered", created_at)
            SELECT 'P' || g, 'HOSP', 'Patient^' || g,
                   to_char(date '1930-01-01' + (random() * 33000)::int, 'YYYYMMDD'),
                   CASE WHEN random() < 0.5 THEN 'F' ELSE 'M' END, '', '', '', '', '', '', now()
            FROM generate_series(1, {patients}) g'''))
        conn.execute(text(f'''
            INSERT INTO study ("StudyInstanceUID", patient_id, order_id, "AccessionNumber",
                "StudyID", "StudyDate", "StudyTime", "StudyDescription",
                "ReferringPhysicianName", "OperatorsName", "StationName", state, created_at,
                search_text)
            SELECT '2.25.1.' || g, 1 + floor(random() * {patients})::int, NULL, 'A' || g,
                   g::text, to_char(date '{FIRST_DAY}' + (random() * {DAYS - 1})::int,
                                    'YYYYMMDD'),
                   lpad((7 + floor(random() * 12))::int::text, 2, '0') || '0000', '', '',
                   'Radiographer^R' || lpad((1 + g % {ROOMS})::text, 2, '0') || '-'
                       || (1 + floor(random() * 4))::int,
                   'ROOM-' || lpad((1 + g % {ROOMS})::text, 2, '0'), 'closed', now(), ''
            FROM generate_series(1, {studies}) g'''))
        times["studies"] = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute(text(f'''
            INSERT INTO series ("SeriesInstanceUID", study_id, performed_step_id,
                "SeriesNumber", "Modality", "BodyPartExamined", "ViewPosition", "Laterality",
                "ProtocolName", created_at)
            SELECT '2.25.2.' || g, s, NULL, 1, 'DX', p.body, '', '', p.name, now()
            FROM (SELECT g, CASE WHEN g <= {studies} THEN g
                               ELSE 1 + floor(random() * {studies})::int END AS s,
                         random() AS r
                  FROM generate_series(1, {series}) g) x
            JOIN proto p ON x.r >= p.lo AND x.r < p.hi'''))
        conn.execute(text(f'''
            INSERT INTO series ("SeriesInstanceUID", study_id, performed_step_id,
                "SeriesNumber", "Modality", "BodyPartExamined", "ViewPosition", "Laterality",
                "ProtocolName", created_at)
            SELECT '2.25.3.' || g, g, NULL, 999, 'SR', '', '', '', 'Dose report', now()
            FROM generate_series(1, {studies}) g'''))
        times["series"] = time.perf_counter() - t
        t = time.perf_counter()
        image_columns = '''(series_id, "SOPInstanceUID", "SOPClassUID", "InstanceNumber",
                file_path, raw_path, state, "KVP", "XRayTubeCurrent", "ExposureTime",
                "Exposure", "ImageAndFluoroscopyAreaDoseProduct", "DistanceSourceToDetector",
                "ExposureIndex", "TargetExposureIndex", "DeviationIndex", reject_code_value,
                reject_coding_scheme, reject_code_meaning, acquired_at)'''
        exposure = f'''
                   70 + floor(random() * 50), 200 + floor(random() * 300), 5 + random() * 40,
                   0.5 + random() * 10, p.dap * exp(0.35 * {normal}), 1800,
                   p.ei * power(10, x.di / 10), p.ei, x.di'''
        taken = '''to_timestamp(st."StudyDate" || st."StudyTime", 'YYYYMMDDHH24MISS')
                   + random() * interval '50 minutes' '''
        conn.execute(text(f'''
            INSERT INTO image {image_columns}
            SELECT sr.id, '2.25.4.' || sr.id, '1.2.840.10008.5.1.4.1.1.1.1', 2, '', '',
                   'accepted', {exposure}, '', '', '', {taken}
            FROM (SELECT id, 0.2 + 1.3 * {normal} AS di FROM series WHERE "Modality" = 'DX')
                 x
            JOIN series sr ON sr.id = x.id JOIN proto p ON p.name = sr."ProtocolName"
            JOIN study st ON st.id = sr.study_id'''))
        conn.execute(text(f'''
            INSERT INTO image {image_columns}
            SELECT sr.id, '2.25.5.' || g, '1.2.840.10008.5.1.4.1.1.1.1', 1, '', '',
                   'rejected', {exposure}, rs.value, '99VXACQ', rs.meaning,
                   {taken} - interval '1 hour'
            FROM (SELECT g, 1 + floor(random() * {series})::int AS s, random() AS r,
                         0.6 + 2.4 * {normal} AS di
                  FROM generate_series(1, {rejected}) g) x
            JOIN series sr ON sr.id = x.s JOIN proto p ON p.name = sr."ProtocolName"
            JOIN study st ON st.id = sr.study_id
            JOIN reason rs ON x.r >= rs.lo AND x.r < rs.hi'''))
        conn.execute(text(f'''
            INSERT INTO image {image_columns}
            SELECT sr.id, '2.25.6.' || sr.id, '1.2.840.10008.5.1.4.1.1.88.67', 1, '', '',
                   'accepted', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', '',
                   '', {taken}
            FROM series sr JOIN study st ON st.id = sr.study_id WHERE sr."Modality" = 'SR' '''))
        times["images"] = time.perf_counter() - t
        t = time.perf_counter()
        conn.execute(text(f'''
            INSERT INTO dose_confirmation (study_id, at, "user", protocol_id, level_kind,
                projected_dap, exam_total_dap, level_dap, estimate, reason)
            SELECT g * 97 % {studies} + 1, now() - random() * interval '365 days', 'tina',
                   'CHEST_PA', 'exam', 3.0, 5.0, 4.0, 'protocol', 'obese patient'
            FROM generate_series(1, {studies // 100}) g'''))
    times["confirmations"] = time.perf_counter() - t
    return times


def timed(runs: int, call) -> tuple[float, object]:
    call()  # once to warm the server's cache, as a department server's is
    samples, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exposures", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true",
                        help="leave the server running (print its URL) when done")
    args = parser.parse_args()
    # A department server's memory settings (the service manual's): Debian's defaults
    # (128 MB shared buffers, 4 MB per sort) are for a small machine.
    server = pg.start_postgres(("shared_buffers=512MB", "work_mem=64MB"))
    kept = False
    try:
        server.create_database("department")
        url = server.url("department")
        engine = department.connect(url, password=password(str(server.password_file)),
                                    connect_timeout=3600)
        department.ensure_schema(engine)
        t = time.perf_counter()
        steps = generate(engine, args.exposures)
        t2 = time.perf_counter()
        server.psql("VACUUM ANALYZE", "department")  # as autovacuum would have by then
        steps["vacuum analyze"] = time.perf_counter() - t2
        load_s = time.perf_counter() - t
        with engine.connect() as conn:
            counted = dict(conn.execute(text(
                "SELECT state, count(*) FROM image i JOIN series s ON s.id = i.series_id "
                "WHERE s.\"Modality\" = 'DX' GROUP BY state")).all())
            rooms = conn.execute(text('SELECT count(DISTINCT "StationName") FROM study')).scalar()
        print(f"department_exposures {sum(counted.values())}")
        print(f"department_rejected {counted.get('rejected', 0)}")
        print(f"department_rooms {rooms}")
        print(f"department_load_s {load_s:.1f}  ("
              + ", ".join(f"{k} {v:.1f}" for k, v in steps.items()) + ")")
        levels = load_levels(None)
        year = qa_reports.Filters()
        room = qa_reports.filters(station="ROOM-07")
        month = qa_reports.filters("2026-06-01", "2026-06-30")
        cases = [
            ("report_rejects_year_s", lambda: qa_reports.reject_analysis(engine, year)),
            ("report_rejects_room_s", lambda: qa_reports.reject_analysis(engine, room)),
            ("report_rejects_month_by_week_s",
             lambda: qa_reports.reject_analysis(engine, month, period="week")),
            ("report_dose_year_s", lambda: qa_reports.dose_analysis(engine, year, levels)),
            ("report_dose_room_s", lambda: qa_reports.dose_analysis(engine, room, levels)),
            ("report_dose_month_s", lambda: qa_reports.dose_analysis(engine, month, levels)),
        ]
        slowest = 0.0
        for name, call in cases:
            seconds, report = timed(args.runs, call)
            slowest = max(slowest, seconds)
            extra = (f"images {report.images}, reject rate {report.reject_rate.rate:.3f}"
                     if hasattr(report, "reject_rate") else
                     f"{len(report.dap)} protocols")
            print(f"{name} {seconds:.2f}  (goal: under {GOAL_S:g} s; {extra})")
        config = Path(tempfile.mkdtemp()) / "vxacq.toml"
        config.write_text(f'[station]\ndata_dir = "{config.parent / "data"}"\n')
        for kind in ("rejects", "dose"):
            command = [sys.executable, "-m", "vxacq", "--config", str(config), "report", kind,
                       "--db", url, "--password-file", str(server.password_file), "--json"]
            t = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, timeout=300)
            seconds = time.perf_counter() - t
            if done.returncode != 0:
                print(f"vxacq report {kind} failed: {done.stderr}", file=sys.stderr)
                return 1
            print(f"cli_report_{kind}_s {seconds:.2f}  (vxacq report {kind} --db {url} "
                  f"--password-file ... --json, process start included)")
        print(f"report_slowest_s {slowest:.2f}  (goal: under {GOAL_S:g} s)")
        with open("/proc/loadavg", encoding="ascii") as fh:
            print(f"load_average_1min {fh.read().split()[0]}  (other work on this machine)")
        engine.dispose()
        if args.keep:
            print(f"kept: {url} (password in {server.password_file})")
            kept = True
    finally:
        if not kept:  # a run that failed never leaves its server behind
            pg.remove(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())

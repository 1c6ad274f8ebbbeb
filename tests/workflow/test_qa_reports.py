"""Reject analysis and exposure-index/dose monitoring against a data set of known exams.

The exams are made once for the module by the real workflow on the simulated station (start,
expose, reject with a reason, retake, accept, close), then dated and placed in rooms by updating
their rows, as a department's history would be. The expected figures are worked out here from
the plan (rates) or from the stored values with numpy over a plain sqlite3 read (DI, DAP), not
by the report code."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.workflow.conftest import simulated_station
from vxacq import cli
from vxacq.config import Config
from vxacq.db import (
    DB_FILENAME, Database, Image, ImageState, Patient, Series, Study, database_for, open_database,
)
from vxacq.dicom.codes import REJECT_REASONS
from vxacq.protocols import load as load_protocols
from vxacq.workflow import qa_html, qa_reports
from vxacq.workflow.dose import exam_dose, exam_summary
from vxacq.workflow.exam import Exam
from vxacq.workflow.orders import ManualPatient, register_manual
from vxacq.workflow.qa_reports import Filters, ReportError
from vxacq.workflow.reference_levels import load as load_levels

pytestmark = pytest.mark.timeout(300)

STATION = "WF-TEST"  # the simulated station's station_name
ACCEPT = "accept"


@dataclass(frozen=True)
class Planned:
    operator: str
    StudyDate: str
    station: str  # "" = a row from before StationName was recorded
    shots: tuple[tuple[str, float, str], ...]  # (protocol, mAs factor, accept or reason key)


# Every rejected image is retaken in the same exam unless the plan says otherwise (exam 6).
PLAN = (
    Planned("Alpha^Ann", "20261102", STATION, (("CHEST_PA", 1, "Positioning"),
                                               ("CHEST_PA", 1, ACCEPT))),
    Planned("Alpha^Ann", "20261102", STATION, (("PELVIS_AP", 1, ACCEPT),)),
    Planned("Beta^Bob", "20261103", STATION, (("CHEST_PA", 0.25, "UnderExposed"),
                                              ("CHEST_PA", 1, ACCEPT), ("SKULL_LAT", 1, ACCEPT))),
    Planned("Beta^Bob", "20261110", "ROOM-2", (("PELVIS_AP", 4, "OverExposed"),
                                               ("PELVIS_AP", 1, "MotionBlur"),
                                               ("PELVIS_AP", 1, ACCEPT))),
    Planned("Alpha^Ann", "20261110", "", (("SKULL_LAT", 1, ACCEPT), ("CHEST_PA", 1, ACCEPT))),
    Planned("Beta^Bob", "20261201", STATION, (("CHEST_PA", 1, "MotionBlur"),)),  # discontinued
    Planned("Alpha^Ann", "20261201", STATION, (("CHEST_PA", 1, ACCEPT),
                                               ("PELVIS_AP", 2, ACCEPT))),
    Planned("Gamma^Gil", "20261202", "ROOM-2", (("SKULL_LAT", 1, ACCEPT),)),
)


@dataclass
class DataSet:
    config: Config
    db: Database
    path: Path


@pytest.fixture(scope="module")
def data_set(tmp_path_factory: pytest.TempPathFactory, calibrated_data: Path) -> Iterator[DataSet]:
    folder = tmp_path_factory.mktemp("qa-data")
    protocols = load_protocols()
    with simulated_station(folder, calibrated_data, seed=18) as (_sim, config, db):
        for number, planned in enumerate(PLAN, 1):
            patient = register_manual(db, ManualPatient(f"Qa^Patient{number}", f"QA-{number}"))
            exam = Exam.start(config, db, patient.id, operator=planned.operator,
                              protocols=sorted({p for p, _, _ in planned.shots}))
            for protocol, factor, outcome in planned.shots:
                _, mas = exam.technique(protocol)
                image = exam.expose(protocol, mas=mas * factor, seed=number,
                                    confirm_dose="QA data set: planned exposure")
                assert image.protocol_id == protocol and protocols[protocol].name
                if outcome == ACCEPT:
                    exam.accept(image.id)
                else:
                    exam.reject(image.id, outcome)
            if any(outcome == ACCEPT for _, _, outcome in planned.shots):
                exam.close()
            else:  # the patient left before the retake
                exam.discontinue("PatientRefusedToContinueProcedure")
            with sqlite3.connect(config.data_dir / DB_FILENAME) as conn:
                # the study was made with the room's station name
                assert conn.execute("SELECT StationName FROM study WHERE id = ?",
                                    (exam.study_id,)).fetchone() == (STATION,)
                conn.execute("UPDATE study SET StudyDate = ?, StationName = ? WHERE id = ?",
                             (planned.StudyDate, planned.station, exam.study_id))
        yield DataSet(config, db, config.data_dir / DB_FILENAME)


# --- the expected figures, from the plan ----------------------------------------------------


def expected_images() -> list[dict]:
    """Every planned exposure with what it is counted under, and whether it was repeated."""
    out = []
    for planned in PLAN:
        for index, (protocol, _, outcome) in enumerate(planned.shots):
            later = [p for p, _, _ in planned.shots[index + 1:]]
            out.append({"protocol": protocol, "operator": planned.operator,
                        "station": planned.station or STATION, "date": planned.StudyDate,
                        "rejected": outcome != ACCEPT,
                        "reason": REJECT_REASONS[outcome].meaning if outcome != ACCEPT else "",
                        "repeated": outcome != ACCEPT and protocol in later})
    return out


def by(key: str, images: list[dict]) -> dict[str, tuple[int, int]]:
    totals = Counter(i[key] for i in images)
    rejected = Counter(i[key] for i in images if i["rejected"])
    return {k: (rejected[k], totals[k]) for k in totals}


def as_counts(rates) -> dict[str, tuple[int, int]]:
    return {r.key: (r.count, r.total) for r in rates}


# --- reject analysis -------------------------------------------------------------------------


def test_reject_and_repeat_rates_match_the_plan(data_set: DataSet) -> None:
    report = qa_reports.reject_analysis(data_set.db, unnamed_station=STATION)
    images = expected_images()
    assert (report.images, report.rejected, report.repeated) == (15, 5, 4)  # worked by hand
    assert report.images == len(images)
    assert report.rejected == sum(i["rejected"] for i in images)
    assert report.repeated == sum(i["repeated"] for i in images)
    assert report.reject_rate.rate == pytest.approx(5 / 15)
    assert report.repeat_rate.rate == pytest.approx(4 / 15)
    assert as_counts(report.by_protocol) == by("protocol", images)
    assert as_counts(report.by_operator) == by("operator", images)
    assert as_counts(report.by_station) == by("station", images)
    assert as_counts(report.by_station) == {"WF-TEST": (3, 11), "ROOM-2": (2, 4)}
    reasons = Counter(i["reason"] for i in images if i["rejected"])
    assert as_counts(report.by_reason) == {k: (n, 15) for k, n in reasons.items()}
    assert report.by_reason[0].key == "Motion blur"  # the most frequent first
    body_parts = {"CHEST_PA": "CHEST", "PELVIS_AP": "PELVIS", "SKULL_LAT": "SKULL"}
    assert as_counts(report.by_body_part) == by(
        "body_part", [{**i, "body_part": body_parts[i["protocol"]]} for i in images])
    repeated = Counter(i["protocol"] for i in images if i["repeated"])
    assert as_counts(report.repeats_by_protocol) == {
        p: (repeated[p], n) for p, (_, n) in by("protocol", images).items()}


@pytest.mark.parametrize("period, key", [
    ("day", lambda d: f"{d[:4]}-{d[4:6]}-{d[6:]}"),
    ("week", lambda d: "{0}-W{1:02d}".format(*dt.date(int(d[:4]), int(d[4:6]),
                                                        int(d[6:])).isocalendar()[:2])),
    ("month", lambda d: f"{d[:4]}-{d[4:6]}"),
])
def test_reject_rate_by_period(data_set: DataSet, period: str, key) -> None:
    report = qa_reports.reject_analysis(data_set.db, period=period)
    images = [{**i, "period": key(i["date"])} for i in expected_images()]
    assert as_counts(report.by_period) == by("period", images)


def test_filters_pick_the_period_protocol_operator_and_room(data_set: DataSet) -> None:
    images = expected_images()
    november = qa_reports.reject_analysis(
        data_set.db, qa_reports.filters("2026-11-01", "2026-11-30"))
    chosen = [i for i in images if "20261101" <= i["date"] <= "20261130"]
    assert (november.images, november.rejected) == (len(chosen),
                                                   sum(i["rejected"] for i in chosen))
    chest = qa_reports.reject_analysis(data_set.db, Filters(protocol="CHEST_PA"))
    assert as_counts(chest.by_protocol) == {"CHEST_PA": by("protocol", images)["CHEST_PA"]}
    bob = qa_reports.reject_analysis(data_set.db, Filters(operator="Beta^Bob"))
    assert as_counts(bob.by_operator) == {"Beta^Bob": by("operator", images)["Beta^Bob"]}
    # studies from before StationName was recorded count as this station's when asked so
    here = qa_reports.reject_analysis(data_set.db, Filters(station=STATION),
                                      unnamed_station=STATION)
    assert here.images == sum(i["station"] == STATION for i in images)
    room2 = qa_reports.reject_analysis(data_set.db, Filters(station="ROOM-2"))
    assert as_counts(room2.by_station) == {"ROOM-2": (2, 4)}


def test_a_period_without_rejects_has_rate_zero_and_one_without_images_has_none(
        data_set: DataSet) -> None:
    quiet = qa_reports.reject_analysis(data_set.db, qa_reports.filters("2026-12-02", "2026-12-02"))
    assert (quiet.images, quiet.rejected, quiet.reject_rate.rate) == (1, 0, 0.0)
    assert quiet.by_reason == () and as_counts(quiet.by_period) == {"2026-12": (0, 1)}
    empty = qa_reports.reject_analysis(data_set.db, qa_reports.filters("2020-01-01", "2020-01-31"))
    assert (empty.images, empty.reject_rate.rate, empty.repeat_rate.rate) == (0, None, None)
    assert empty.as_dict()["reject_rate"] is None and empty.by_protocol == ()
    dose = qa_reports.dose_analysis(data_set.db, qa_reports.filters("2020-01-01", "2020-01-31"))
    assert dose.deviation == () and dose.dap == ()


# --- exposure index and DAP ------------------------------------------------------------------


def stored(path: Path) -> dict[str, list[tuple[float | None, float | None]]]:
    """(DI, DAP in dGy·cm²) of every exposure per ProtocolName, read with plain SQL."""
    out: dict[str, list] = {}
    with sqlite3.connect(path) as conn:
        for name, di, dap in conn.execute(
                "SELECT s.ProtocolName, i.DeviationIndex, i.ImageAndFluoroscopyAreaDoseProduct "
                "FROM image i JOIN series s ON i.series_id = s.id "
                "WHERE s.Modality NOT IN ('SR', 'KO', 'PR')"):
            out.setdefault(name, []).append((di, dap))
    return out


def test_deviation_index_bands_and_dap_against_the_reference_level(data_set: DataSet) -> None:
    report = qa_reports.dose_analysis(data_set.db, levels=load_levels(None))
    names = {p.name: p.id for p in load_protocols().values()}
    values = {names[k]: v for k, v in stored(data_set.path).items()}
    assert {d.protocol for d in report.deviation} == set(values) == {
        "CHEST_PA", "PELVIS_AP", "SKULL_LAT"}
    edges = [-np.inf, -3, -1, 1, 3, np.inf]
    for bands in report.deviation:
        di = np.array([d for d, _ in values[bands.protocol]], dtype=float)
        expected = [int(np.sum((di > lo) & (di < hi))) for lo, hi in zip(edges, edges[1:])]
        for edge in (-3, -1):  # a DI exactly on a lower edge belongs to the band above it
            expected[edges.index(edge)] += int(np.sum(di == edge))
        for edge in (1, 3):  # ... and exactly on an upper edge to the band below it
            expected[edges.index(edge) - 1] += int(np.sum(di == edge))
        assert list(bands.counts) == expected
        assert bands.median == pytest.approx(float(np.median(di)))
    # the plan's quarter-mAs chest (DI about -6) and quadruple-mAs pelvis (about +6)
    chest = next(b for b in report.deviation if b.protocol == "CHEST_PA")
    pelvis = next(b for b in report.deviation if b.protocol == "PELVIS_AP")
    assert chest.counts[0] >= 1 and pelvis.counts[4] >= 1
    for dap in report.dap:
        gy = np.array([d for _, d in values[dap.protocol]], dtype=float) / 10.0
        assert dap.n == len(gy) == sum(i["protocol"] == dap.protocol for i in expected_images())
        assert dap.median_Gy_cm2 == pytest.approx(float(np.median(gy)))
        assert dap.p75_Gy_cm2 == pytest.approx(float(np.percentile(gy, 75)))
    levels = {d.protocol: d for d in report.dap}
    assert levels["CHEST_PA"].level_Gy_cm2 == 0.1 and "UK NDRL" in levels["CHEST_PA"].source
    assert levels["PELVIS_AP"].level_Gy_cm2 == 2.2
    assert levels["SKULL_LAT"].level_Gy_cm2 is None and levels["SKULL_LAT"].above_level is None
    assert levels["CHEST_PA"].above_level == (levels["CHEST_PA"].p75_Gy_cm2 > 0.1)
    with sqlite3.connect(data_set.path) as conn:
        confirmed = dict(conn.execute("SELECT protocol_id, COUNT(*) FROM dose_confirmation "
                                      "GROUP BY protocol_id").fetchall())
    assert {d.protocol: d.confirmations for d in report.dap if d.confirmations} == confirmed
    assert report.confirmations == sum(confirmed.values())
    # a protocol picked by its stored name counts its confirmations as by its id
    protocol_id = max(confirmed, key=confirmed.get)
    name = load_protocols()[protocol_id].name
    assert name != protocol_id
    for picked in (protocol_id, name):
        one = qa_reports.dose_analysis(data_set.db, Filters(protocol=picked))
        assert one.confirmations == confirmed[protocol_id], picked


# --- the command -----------------------------------------------------------------------------


def test_report_commands_print_json_csv_and_a_printable_html(
        data_set: DataSet, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = ["--config", str(data_set.config.path)]
    assert cli.main(["report", "rejects", *config, "--from", "2026-11-01", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["images"], document["rejected"], document["repeated"]) == (15, 5, 4)
    assert {r["key"]: r["count"] for r in document["station"]} == {"WF-TEST": 3, "ROOM-2": 2}
    assert cli.main(["report", "rejects", *config, "--period", "day", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "group,key,count,total,rate"
    assert "period,2026-11-10,2,5,0.4" in lines
    html = tmp_path / "dose.html"
    assert cli.main(["report", "dose", *config, "--html", str(html)]) == 0
    printed = capsys.readouterr()
    assert "CHEST_PA: n=7" in printed.out and f"report written to {html}" in printed.err
    text = html.read_text(encoding="utf-8")
    assert text.count("<svg") >= 2 and "CHEST_PA" in text and "UK NDRL" in text
    url = f"sqlite:///{data_set.path}"
    assert cli.main(["report", "dose", *config, "--db", url, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [d["protocol"] for d in document["dap"]] == ["CHEST_PA", "PELVIS_AP", "SKULL_LAT"]


@pytest.mark.parametrize("arguments, message", [
    (["--from", "2026-13-01"], "--from: '2026-13-01' is not a date"),
    (["--from", "yesterday"], "--from: 'yesterday' is not a date"),
    (["--from", "2026-12-02", "--to", "2026-12-01"], "--to 2026-12-01 is before --from"),
    (["--db", "nosuchdb://x"], "--db"),
])
def test_bad_report_arguments_are_refused_with_a_message(
        data_set: DataSet, capsys: pytest.CaptureFixture, arguments: list[str],
        message: str) -> None:
    code = cli.main(["report", "rejects", "--config", str(data_set.config.path), *arguments])
    assert code == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


# --- edge cases without the data set ---------------------------------------------------------


def test_no_images_divides_by_nothing(tmp_path: Path) -> None:
    db = database_for(tmp_path / "data", create=True)
    report = qa_reports.reject_analysis(db)
    assert (report.images, report.reject_rate.rate, report.repeat_rate.rate) == (0, None, None)
    assert report.rows()[1] == ["rejected", "all", 0, 0, ""]
    dose = qa_reports.dose_analysis(db)
    assert (dose.deviation, dose.dap, dose.no_index) == ((), (), 0)


def test_quantiles_and_bands_at_their_edges() -> None:
    assert qa_reports.quantile([], 0.5) is None
    assert qa_reports.quantile([4.0], 0.75) == 4.0
    assert qa_reports.quantile([1, 2, 3, 4], 0.75) == pytest.approx(float(np.percentile([1, 2, 3, 4], 75)))
    assert [qa_reports.band_of(v) for v in (-3.01, -3, -1.01, -1, 1, 1.01, 3, 3.01)] == \
        [0, 1, 1, 2, 2, 3, 3, 4]
    with pytest.raises(ReportError, match="period 'year'"):
        qa_reports.reject_analysis(object(), period="year")
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        qa_reports.filters("1.12.2026")


def test_the_printable_page_escapes_what_the_database_holds(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    rate = qa_reports.Rate(hostile, 1, 2)
    report = qa_reports.RejectReport(Filters(operator=hostile), "month", 2, 1, 0, (rate,),
                                     (), (), (rate,), (), (), ())
    written = qa_html.write(tmp_path / "qa.html", report, None, source="test")
    text = written.read_text(encoding="utf-8")
    assert hostile not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "50.0 %" in text and not list(tmp_path.glob(".*part"))  # no temporary file left


def test_a_presentation_state_is_no_exposure(tmp_path: Path) -> None:
    """Dose reports (SR), rejection notes (KO) and presentation states (PR) hold no exposure:
    the QA reports and the exam's dose count none of them, by one definition."""
    db = open_database(tmp_path / "exam.db", create=True)
    with db.session() as s:
        patient = Patient(PatientID="QA-PR")
        s.add(patient)
        s.flush()
        study = Study(StudyInstanceUID="1.2.826.0.1.3680043.10.1.1", patient_id=patient.id,
                      StudyDate="20261105", StationName=STATION)
        s.add(study)
        s.flush()
        for number, (modality, name) in enumerate((("DX", "Chest PA"), ("SR", "Dose report"),
                                                   ("KO", "Rejection note"),
                                                   ("PR", "Annotations")), 1):
            series = Series(SeriesInstanceUID=f"{study.StudyInstanceUID}.{number}",
                            study_id=study.id, Modality=modality, ProtocolName=name)
            s.add(series)
            s.flush()
            s.add(Image(series_id=series.id, SOPInstanceUID=f"{series.SeriesInstanceUID}.1",
                        state=ImageState.ACCEPTED, DeviationIndex=0.5,
                        ImageAndFluoroscopyAreaDoseProduct=1.0))
        study_id = study.id
    assert qa_reports.reject_analysis(db).images == 1
    assert qa_reports.choices(db).protocols == ("CHEST_PA",)
    [dap] = qa_reports.dose_analysis(db).dap
    assert dap.n == 1
    assert len(exam_dose(db, study_id).images) == 1
    assert len(exam_summary(db, study_id, 1.0, 3.0).exposures) == 1

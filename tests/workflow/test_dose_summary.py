"""The exam summary: each exposure with its state, dose and technique, and the exam's totals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests import peers
from tests.workflow.conftest import write_station
from vxacq.db import database_for
from vxacq.protocols import get as get_protocol
from vxacq.workflow.dose import ExamSummary, exam_summary, summary_text
from vxacq.workflow.exam import Exam
from vxacq.workflow.orders import ManualPatient, register_manual


@pytest.fixture(scope="module")
def summary(tmp_path_factory, calibrated_data):
    config = write_station(tmp_path_factory.mktemp("summary") / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    exam = Exam.start(config, db, register_manual(db, ManualPatient("Dose^Test", "QA-21")).id)
    arc = exam.expose("CHEST_PA", faults=("generator-fault",))  # stopped early: partial
    again = exam.retake(arc.id, "Positioning")
    knee = exam.expose("KNEE_LAT", laterality="R")
    exam.accept(again.id)
    exam.accept(knee.id)
    return exam, (arc, again, knee), exam_summary(db, exam.study_id, 1.0, 3.0)


def test_every_exposure_with_its_state_dose_and_technique(summary) -> None:
    exam, (arc, again, knee), found = summary
    rows = found.exposures
    assert [r.dose.image_id for r in rows] == [arc.id, again.id, knee.id]  # as acquired
    assert [r.state for r in rows] == ["rejected", "accepted", "accepted"]
    assert rows[0].reject_reason == exam.image(arc.id).reject_reason != ""
    assert rows[0].partial.startswith("PARTIAL EXPOSURE") and rows[1].partial == ""
    assert (rows[2].ProtocolName, rows[2].Laterality) == (get_protocol("KNEE_LAT").name, "R")
    for row, view in zip(rows, (arc, again, knee), strict=True):
        assert row.dose.KVP is not None and row.dose.XRayTubeCurrent is not None
        assert row.dose.ExposureTime is not None and row.dose.Exposure is not None
        assert row.dose.ImageAndFluoroscopyAreaDoseProduct == exam.image(
            view.id).ImageAndFluoroscopyAreaDoseProduct
        assert row.di_band in ("ok", "warning", "alarm")
    # the rejected exposure's dose was given too: it counts in the total
    assert found.total_dap == pytest.approx(
        sum(r.dose.ImageAndFluoroscopyAreaDoseProduct for r in rows))
    assert (len(rows), found.rejected, found.accepted) == (3, 1, 2)
    doc = found.to_dict()
    assert doc["count"] == 3 and doc["rejected"] == 1
    assert doc["total_dap_dGy_cm2"] == found.total_dap


def test_the_summary_prints_as_a_table(summary) -> None:
    exam, (arc, _again, _knee), found = summary
    text = summary_text(found)
    lines = text.splitlines()
    assert len(lines) == 1 + 3 + 1  # header, exposures, totals
    assert "rejected: " + exam.image(arc.id).reject_reason in lines[1]
    assert "partial" in lines[1]
    assert f"{found.exposures[1].dose.Exposure:.2f}" in lines[2]
    assert lines[-1] == (f"3 exposures, 1 rejected, DAP total {found.total_dap:.3f} dGy*cm2")


def test_a_total_missing_an_exposures_dap_says_it_is_a_lower_bound(summary) -> None:
    """A generator without a DAP meter reports none: the total sums the others and must never
    be shown as the exam's whole dose."""
    _exam, _images, found = summary
    first, *rest = found.exposures
    no_meter = replace(first, dose=replace(first.dose, ImageAndFluoroscopyAreaDoseProduct=None))
    partial = ExamSummary((no_meter, *rest))
    known = sum(e.dose.ImageAndFluoroscopyAreaDoseProduct for e in rest)
    assert partial.total_dap == pytest.approx(known) and partial.without_dap == 1
    assert partial.to_dict()["exposures_without_dap"] == 1
    assert summary_text(partial).splitlines()[-1] == (
        f"3 exposures, 1 rejected, DAP total >= {known:.3f} dGy*cm2 "
        "(1 of 3 exposures without DAP)")
    none_known = ExamSummary(tuple(replace(e, dose=replace(
        e.dose, ImageAndFluoroscopyAreaDoseProduct=None)) for e in found.exposures))
    assert none_known.total_dap is None and none_known.without_dap == 3
    assert summary_text(none_known).endswith("DAP total unknown (3 of 3 exposures without DAP)")
    assert found.without_dap == 0 and found.to_dict()["exposures_without_dap"] == 0

"""Patient safety in the exam (issue 21): a stranded frame is recovered into the exam it was taken
for before any new exposure, a discard is audited, a partial exposure says so everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest
from sqlmodel import select

from hardware_sim.simulator import Simulator
from tests import peers
from tests.workflow.conftest import simulated_station, write_station
from tests.workflow.test_exam import content_items
from vxacq.config import Config
from vxacq.db import AuditEvent, Database, database_for
from vxacq.workflow import recovery
from vxacq.workflow.exam import Exam, ExamError, ExposureError
from vxacq.workflow.history import image_status
from vxacq.workflow.orders import ManualPatient, register_manual

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def room(tmp_path: Path, calibrated_data: Path) -> Iterator[tuple[Simulator, Config, Database]]:
    """A station whose simulator outlives each exposure (a frame can stay in its panel)."""
    with simulated_station(tmp_path, calibrated_data, seed=4) as station:
        yield station


def _exam(config: Config, db: Database, name: str, patient_id: str) -> Exam:
    return Exam.start(config, db, register_manual(db, ManualPatient(name, patient_id)).id)


def test_stranded_frame_blocks_the_next_exposure_and_is_filed_as_its_own(room) -> None:
    sim, config, db = room
    exam = _exam(config, db, "Stranded^Sam", "S-1")
    sim.inject("link-drop:50")  # the link keeps dropping
    with pytest.raises(ExposureError, match="still in the panel"):
        exam.expose("CHEST_PA", mas=1.0)
    with pytest.raises(ExposureError) as refused:
        exam.expose("CHEST_PA", mas=4.0)
    assert refused.value.result.error["code"] == "frame-pending"
    assert sim.firmware.exposures == 1 and exam.images() == []  # no second dose, no stale image
    [waiting] = recovery.pending_exposures(config)
    assert waiting.context["study_id"] == exam.study_id
    sim.clear_faults()  # the link is back
    [outcome] = recovery.recover(config, db, exam=exam)
    assert outcome.ok and outcome.study_id == exam.study_id, outcome.message
    [image] = exam.images()
    assert image.protocol_id == "CHEST_PA" and image.file_path
    assert image.Exposure == pytest.approx(1.0, rel=0.05)  # the 1 mAs exposure, not a new one
    assert pydicom.dcmread(image.file_path).ExposureInuAs == pytest.approx(1000, rel=0.05)
    assert recovery.pending_exposures(config) == []
    assert recovery.recover(config, db, exam=exam)[0].ok is False  # nothing more to recover
    # now a new exposure may be made (4 mAs passes the chest's dose notification level: the
    # radiographer confirms it, as the dose check asks)
    assert exam.expose("CHEST_PA", mas=4.0, confirm_dose="test: a new exposure").file_path
    assert len(exam.images()) == 2


def test_recovered_frame_goes_to_the_exam_it_was_taken_for(room) -> None:
    sim, config, db = room
    first = _exam(config, db, "First^Fay", "F-1")
    sim.inject("link-drop:50")
    with pytest.raises(ExposureError):
        first.expose("SKULL_AP")
    sim.clear_faults()
    second = _exam(config, db, "Second^Sid", "F-2")  # the radiographer moved on
    [outcome] = recovery.recover(config, db, exam=second)
    assert outcome.ok and outcome.study_id == first.study_id
    assert "First^Fay" in outcome.message
    assert second.images() == []  # never filed under the patient on screen
    assert [i.protocol_id for i in Exam.resume(config, db, first.study_id).images()] == \
        ["SKULL_AP"]


def test_discard_needs_a_reason_and_is_audited(room) -> None:
    sim, config, db = room
    exam = _exam(config, db, "Lost^Lou", "L-1")
    sim.inject("link-drop:50")
    with pytest.raises(ExposureError):
        exam.expose("SKULL_AP")
    [waiting] = recovery.pending_exposures(config)
    with pytest.raises(ExamError, match="needs a reason"):
        recovery.discard(config, db, waiting.uid, "  ")
    recovery.discard(config, db, waiting.uid, "panel replaced, frame lost", operator="Rad^Ria")
    with db.session() as session:
        [event] = session.exec(select(AuditEvent).where(
            AuditEvent.action == "exposure discarded")).all()
    assert event.study_id == exam.study_id and event.user == "Rad^Ria"
    assert waiting.uid in event.detail and "panel replaced, frame lost" in event.detail
    sim.clear_faults()
    assert exam.expose("SKULL_AP").file_path  # allowed again; the discarded frame is dropped
    assert sim.panel.held == []
    assert len(exam.images()) == 1


def test_partial_exposure_is_marked_and_accept_asks_for_confirmation(
        tmp_path: Path, calibrated_data: Path) -> None:
    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    db = database_for(config.data_dir)
    exam = _exam(config, db, "Arc^Ada", "A-1")
    view = exam.expose("CHEST_PA", faults=("generator-fault",))  # a tube arc stops it early
    assert view.partial.startswith("PARTIAL EXPOSURE") and "Tube arc" in view.partial
    comments = pydicom.dcmread(view.file_path).ImageComments
    assert comments.startswith("PARTIAL EXPOSURE: the generator stopped early")
    [status] = image_status(db, exam.study_id)  # its row on the exam screen and the history
    assert status.partial == view.partial
    with pytest.raises(ExamError, match="partial exposure"):
        exam.accept(view.id)
    assert exam.image(view.id).state == "acquired"
    assert exam.accept(view.id, confirm_partial=True).state == "accepted"
    report = pydicom.dcmread(exam.close().dose_report)
    texts = [i.TextValue for i in content_items(report) if i.ValueType == "TEXT"
             and i.ConceptNameCodeSequence[0].CodeValue == "121106"]
    assert any(t.startswith("PARTIAL EXPOSURE") for t in texts)


def test_vxacq_exam_does_not_start_while_a_frame_is_pending(room) -> None:
    from sqlmodel import select as query

    from vxacq.db import Study
    from vxacq.workflow.runtime import run_exam

    sim, config, db = room
    exam = _exam(config, db, "Stranded^Sue", "S-2")
    sim.inject("link-drop:50")
    with pytest.raises(ExposureError):
        exam.expose("SKULL_AP")
    register_manual(db, ManualPatient("Next^Nia", "S-3", AccessionNumber="ACC-NEXT"))
    with pytest.raises(ExamError, match="not stored yet"):
        run_exam(config, db, None, "ACC-NEXT", ["SKULL_AP"])
    with db.session() as session:  # no exam was started (nor discontinued) for it
        assert len(session.exec(query(Study)).all()) == 1
    assert sim.firmware.exposures == 1


def test_leaving_an_exam_names_its_stranded_frame_or_unreviewed_images(room) -> None:
    sim, config, db = room
    exam = _exam(config, db, "Leaving^Lea", "L-1")
    other = _exam(config, db, "Other^Otto", "L-2")
    assert exam.leaving_problem() == ""  # nothing done yet: may be left silently
    sim.inject("link-drop:50")
    with pytest.raises(ExposureError):
        exam.expose("SKULL_AP")
    assert "frame still in the panel" in exam.leaving_problem()
    assert other.leaving_problem() == ""  # the frame is this exam's, not the other's
    sim.clear_faults()
    recovery.recover(config, db, exam=exam)
    assert exam.leaving_problem() == "1 image(s) of this exam are not reviewed yet"
    [image] = exam.images()
    exam.accept(image.id)
    assert exam.leaving_problem() == ""
    exam.close()
    assert exam.leaving_problem() == ""

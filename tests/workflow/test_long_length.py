"""Long-length exams (issue 19) through the real workflow on the simulated room: the fields of a
whole spine taken as one sequence and stitched into one DX image, a failed field repeated alone,
a field stranded in the panel recovered into its sequence, the seam moved by hand, and the dose
report with one irradiation event per exposure."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest

from hardware_sim.simulator import Simulator
from tests import peers
from tests.workflow.conftest import simulated_station, write_station
from tests.workflow.test_exam import content_items
from vxacq.config import Config
from vxacq.db import Database
from vxacq.hal import drivers
from vxacq.workflow import recovery
from vxacq.workflow.exam import Exam, ExamError, ExposureError
from vxacq.workflow.orders import ManualPatient, register_manual

pytestmark = pytest.mark.timeout(180)

IRRADIATION_EVENT = "113706"  # (113706, DCM, "Irradiation Event X-Ray Data")


@pytest.fixture
def room(tmp_path: Path, calibrated_data: Path) -> Iterator[tuple[Simulator, Config, Database]]:
    with simulated_station(tmp_path, calibrated_data, seed=7) as station:
        yield station


def _exam(config: Config, db: Database) -> Exam:
    patient = register_manual(db, ManualPatient("Scolio^Sara", "LL-1"))
    return Exam.start(config, db, patient.id, operator="Tester^Tina")


def _events(report: pydicom.Dataset) -> list[pydicom.Dataset]:
    return [i for i in content_items(report) if i.ValueType == "CONTAINER"
            and i.ConceptNameCodeSequence[0].CodeValue == IRRADIATION_EVENT]


def test_whole_spine_is_three_exposures_and_one_stitched_image(room) -> None:
    sim, config, db = room
    exam = _exam(config, db)
    view = exam.expose("SPINE_FULL_AP")
    assert sim.firmware.exposures == 3 and view.fields == 3 and view.file_path, view.error
    assert [v.id for v in exam.images()] == [view.id]  # one image, not three
    ds = pydicom.dcmread(view.file_path)
    assert list(ds.ImageType)[:2] == ["DERIVED", "PRIMARY"]
    assert ds.DerivationCodeSequence[0].CodeValue == "113090"  # image stitching
    assert len(ds.IrradiationEventUID) == 3
    # 940 mm of spine at the detector's own pixel spacing: far longer than one 427 mm field
    assert ds.Rows * float(ds.ImagerPixelSpacing[0]) > 900
    assert peers.dciodvfy_errors(view.file_path) == []
    # the image's row (the dose register's source) holds the exposure the image says
    assert view.Exposure == pytest.approx(ds.ExposureInuAs / 1000.0)
    assert view.ImageAndFluoroscopyAreaDoseProduct == pytest.approx(
        float(ds.ImageAndFluoroscopyAreaDoseProduct))
    assert view.KVP == pytest.approx(float(ds.KVP))
    seams = exam.seams(view.id)
    assert len(seams) == 2
    exam.accept(view.id)
    report = pydicom.dcmread(exam.close().dose_report)
    events = _events(report)
    assert len(events) == 3  # one irradiation event per exposure
    uids = {i.UID for e in events for i in content_items(e) if i.ValueType == "UIDREF"
            and i.ConceptNameCodeSequence[0].CodeValue == "113769"}
    assert uids == set(ds.IrradiationEventUID)


def test_a_failed_field_ends_the_sequence_and_expose_takes_that_field_alone(room) -> None:
    sim, config, db = room
    exam = _exam(config, db)
    sim.inject("generator-fault:2")  # a tube arc stops the second field early
    partial = exam.expose("SPINE_FULL_AP")
    assert sim.firmware.exposures == 2
    assert "field 2 of 3 failed" in partial.error and "Expose takes field 2 alone" in partial.error
    assert partial.partial.startswith("PARTIAL EXPOSURE") and partial.fields == 1
    assert exam.sequence_progress("SPINE_FULL_AP") == (1, 3)
    with drivers.open_room(config.hardware) as devices:  # the radiographer resets the fault
        devices.generator.connect()
        devices.generator.reset()
    stitched = exam.expose("SPINE_FULL_AP")
    assert sim.firmware.exposures == 4  # fields 2 and 3; field 1 was not taken again
    assert stitched.fields == 3 and stitched.file_path
    assert exam.sequence_progress("SPINE_FULL_AP") == (0, 3)  # nothing under way any more
    exam.reject(partial.id, "Positioning")
    exam.accept(stitched.id)
    report = pydicom.dcmread(exam.close().dose_report)
    assert len(_events(report)) == 4  # the partial field's dose is reported too


def test_a_field_left_in_the_panel_joins_its_sequence_when_recovered(room) -> None:
    sim, config, db = room
    exam = _exam(config, db)
    sim.inject("link-drop:50")
    with pytest.raises(ExposureError, match="still in the panel"):
        exam.expose("SPINE_FULL_AP")  # field 1 is made, its transfer fails
    assert sim.firmware.exposures == 1 and exam.images() == []
    sim.clear_faults()
    [outcome] = recovery.recover(config, db, exam=exam)
    assert outcome.ok and outcome.image is None  # filed into the sequence, no image yet
    assert exam.sequence_progress("SPINE_FULL_AP") == (1, 3)
    view = exam.expose("SPINE_FULL_AP")
    assert sim.firmware.exposures == 3 and view.fields == 3 and view.file_path


def test_a_seam_moved_by_hand_makes_the_image_again(room) -> None:
    sim, config, db = room
    exam = _exam(config, db)
    view = exam.expose("SPINE_FULL_AP")
    before = exam.seams(view.id)
    moved = exam.move_seam(view.id, 1, 2.0)
    spacing = float(pydicom.dcmread(moved.file_path).ImagerPixelSpacing[0])
    after = exam.seams(moved.id)
    assert after[0] == before[0]
    assert after[1][0] - before[1][0] == pytest.approx(2.0 / spacing)
    assert moved.SOPInstanceUID != view.SOPInstanceUID and moved.state == "acquired"
    with pytest.raises(ExamError, match="no seam 3"):
        exam.move_seam(view.id, 2, 1.0)
    with pytest.raises(ExamError, match="at most"):
        exam.move_seam(view.id, 0, 50.0)


def test_vxacq_acquire_writes_the_stitched_image_its_fields_and_the_dose_report(
        tmp_path: Path, calibrated_data: Path) -> None:
    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "vxacq", "--config", str(Path(config.data_dir).parent / "vxacq.toml"),
         "acquire", "--protocol", "LEG_LONG_AP", "--fields", "--dose-report", "--out", str(out)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    objects = [pydicom.dcmread(p) for p in sorted(out.glob("*.dcm"))]
    stitched = [d for d in objects if "DerivationCodeSequence" in d]
    fields = [d for d in objects if d.Modality == "DX" and "DerivationCodeSequence" not in d]
    [report] = [d for d in objects if d.Modality == "SR"]
    assert len(stitched) == 1 and len(fields) == 4
    sources = {s.ReferencedSOPInstanceUID for s in stitched[0].SourceImageSequence}
    assert sources == {f.SOPInstanceUID for f in fields}
    assert len(_events(report)) == 4
    for path in out.glob("*.dcm"):
        assert peers.dciodvfy_errors(path) == [], path


def test_vxacq_acquire_goes_on_from_a_failed_field_and_stitches_the_earlier_ones(
        tmp_path: Path, calibrated_data: Path) -> None:
    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    out = tmp_path / "out"
    command = [sys.executable, "-m", "vxacq", "--config",
               str(Path(config.data_dir).parent / "vxacq.toml"), "acquire",
               "--protocol", "SPINE_FULL_AP", "--out", str(out)]
    failed = subprocess.run(command + ["--fault", "generator-fault:2"], capture_output=True,
                            text=True, timeout=120)
    assert failed.returncode == 1
    assert "field 2 of 3 failed" in failed.stderr and "--from-field 2 --sequence" in failed.stderr
    sequence = failed.stderr.split("--sequence ")[1].split()[0]
    assert list(out.glob("*.dcm")) == []
    done = subprocess.run(command + ["--from-field", "2", "--sequence", sequence],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [image] = [pydicom.dcmread(p) for p in out.glob("*.dcm")]
    assert len(image.IrradiationEventUID) == 3  # field 1 of the first run, 2 and 3 of this one

"""The site's worklist mapping: return keys asked of the worklist and copied into the images
(VXvue: "all tags are configurable"), checked when the configuration is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydicom import dcmread

from tests import peers
from tests.workflow.conftest import node, worklist_item, write_station
from vxacq import config as configuration
from vxacq.dicom.worklist import WorklistCriteria, query_identifier

MAPPING = """
[[worklist_mapping]]
key = "ScheduledProcedureStepSequence>ScheduledPerformingPhysicianName"
image = "PerformingPhysicianName"

[[worklist_mapping]]
key = "AdmittingDiagnosesDescription"
image = "ImageComments"
"""


def test_mapped_keys_are_asked_and_land_in_the_image(tmp_path: Path, calibrated_data: Path,
                                                     wlmscpfs: peers.Peer) -> None:
    item = worklist_item("ACC7001", name="Kovač^Ana", charset="ISO_IR 192")
    item.ScheduledProcedureStepSequence[0].ScheduledPerformingPhysicianName = "Kovač^Luka"
    item.AdmittingDiagnosesDescription = "suspected pneumonia"
    peers.write_worklist_item(wlmscpfs, item, "ACC7001")
    config = write_station(tmp_path / "station", calibrated_data,
                           node("ris", wlmscpfs.ae_title, wlmscpfs.port, ["worklist"]) + MAPPING,
                           peers.free_port())
    done = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(config.path), "exam",
                           "--accession", "ACC7001", "--protocol", "CHEST_PA", "--json",
                           "--timeout", "60"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    [exposure] = json.loads(done.stdout)["exposures"]
    [path] = [p for p in Path(config.data_dir).glob("images/**/*.dcm")
              if dcmread(p, stop_before_pixels=True).SOPInstanceUID == exposure["SOPInstanceUID"]]
    ds = dcmread(path)
    assert str(ds.PerformingPhysicianName) == "Kovač^Luka"
    assert ds.ImageComments == "suspected pneumonia"
    assert peers.dciodvfy_errors(path) == []


def test_the_default_mapping_asks_for_the_scheduled_performing_physician() -> None:
    config = configuration.from_dict({})
    identifier = query_identifier(WorklistCriteria("VX", "DX", "20261205"),
                                  [m.key for m in config.worklist_mapping])
    assert "ScheduledPerformingPhysicianName" in identifier.ScheduledProcedureStepSequence[0]
    extra = query_identifier(WorklistCriteria("VX", "DX", "20261205"),
                             ["AdmittingDiagnosesDescription", "PatientAge"])
    assert "AdmittingDiagnosesDescription" in extra and extra.PatientAge is None


@pytest.mark.parametrize("key, image, words", [
    ("NoSuchKeyword", "ImageComments", "'NoSuchKeyword' is not a DICOM keyword"),
    ("PatientWeight", "ImageComments", "(DS) does not fit 'ImageComments' (LT)"),
    ("AccessionNumber", "PatientID", "'PatientID' is set by the console itself"),
    ("StudyInstanceUID", "SeriesInstanceUID", "is set by the console itself"),
    ("PatientName>PatientID", "ImageComments", "'PatientName' is not a sequence"),
    ("A>B>C", "ImageComments", "must be Keyword or Sequence>Keyword"),
])
def test_a_mapping_that_cannot_work_is_refused_on_load(key: str, image: str,
                                                       words: str) -> None:
    with pytest.raises(configuration.ConfigError, match=r"worklist_mapping #1: .*" +
                       words.replace("(", r"\(").replace(")", r"\)")):
        configuration.from_dict({"worklist_mapping": [{"key": key, "image": image}]})


def test_an_empty_mapping_turns_the_default_off() -> None:
    assert configuration.from_dict({"worklist_mapping": []}).worklist_mapping == ()

"""`vxacq acquire` end to end on the simulator: raw frame → processed image → DICOM files that
dciodvfy accepts, with the exposure's real values inside."""

import json
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest

from tests.peers import dciodvfy_errors
from vxacq.dicom.orientation import patient_orientation
from vxacq.imaging.presentation import transform_orientation
from vxacq.protocols import get
from vxacq.workflow.acquisition import dicom_transform


def vxacq(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vxacq", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=180)


def station(tmp_path: Path, model: str) -> Path:
    path = tmp_path / "vxacq.toml"
    path.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\ninstitution_name = "Test '
                    f'Hospital"\n[hardware]\ndetector_model = "{model}"\n')
    assert vxacq(path, "calibrate").returncode == 0
    return path


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("flip", ["none", "horizontal", "vertical"])
def test_chain_and_builder_agree_on_patient_orientation(rotation: int, flip: str) -> None:
    native = ("L", "F")
    assert patient_orientation(native, *dicom_transform(rotation, flip)) == \
        transform_orientation(native, rotation, flip)


def test_acquire_writes_dx_image_and_dose_report(tmp_path: Path) -> None:
    config = station(tmp_path, "DRTEST")
    result = vxacq(config, "acquire", "--protocol", "KNEE_LAT", "--laterality", "R",
                   "--dose-report", "--json", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    dcm = [f for f in doc["files"] if f.endswith(".dcm")]
    assert len(dcm) == 2 and doc["ei_t"] == get("KNEE_LAT").target_ei and doc["ei"] > 0
    image, report = sorted((pydicom.dcmread(f) for f in dcm), key=lambda d: d.Modality)
    assert image.Modality == "DX" and report.Modality == "SR"
    # The image carries what the generator reported and what the chain measured.
    assert float(image.KVP) == pytest.approx(doc["reported"]["kv"])
    assert float(image.ExposureIndex) == pytest.approx(doc["ei"], rel=1e-3)
    assert image.ImageLaterality == "R" and image.BodyPartExamined == "KNEE"
    # what VXvue writes too: the device's last calibration (the detector's, here)
    assert image.DateOfLastCalibration == image.DateOfLastDetectorCalibration
    assert image.TimeOfLastCalibration
    assert 15 < float(image.DetectorTemperature) < 60  # the panel's, at the exposure
    assert image.SeriesDescription == get("KNEE_LAT").name  # was missing from `vxacq acquire`
    assert report.StudyInstanceUID == image.StudyInstanceUID
    for f in dcm:
        assert dciodvfy_errors(f) == [], f


def test_acquire_writes_mg_image(tmp_path: Path) -> None:
    config = station(tmp_path, "MGTEST")
    result = vxacq(config, "acquire", "--protocol", "MAMMO_LCC", "--json", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    path = next(f for f in json.loads(result.stdout)["files"] if f.endswith(".dcm"))
    ds = pydicom.dcmread(path)
    assert ds.Modality == "MG" and ds.ImageLaterality == "L"
    assert float(ds.CompressionForce) > 0 and float(ds.BodyPartThickness) > 0
    assert dciodvfy_errors(path) == []


def test_acquire_without_calibration_keeps_raw_and_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "vxacq.toml"
    path.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\n[hardware]\ndetector_model = "DRTEST"\n')
    result = vxacq(path, "acquire", "--protocol", "CHEST_PA", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert not [f for f in doc["files"] if f.endswith(".dcm")]
    assert any("no image was made" in w and "vxacq calibrate" in w for w in doc["warnings"])
    assert list((tmp_path / "data" / "raw").glob("*.npy"))

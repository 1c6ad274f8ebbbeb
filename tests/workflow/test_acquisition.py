"""`vxacq acquire` end to end on the simulator: raw frame → processed image → DICOM files that
dciodvfy accepts, with the exposure's real values inside."""

import json
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest

from hardware_sim import physics
from tests.peers import dciodvfy_errors
from vxacq.dicom.rdsr.dosimetry import glandular_dose_tables
from vxacq.dicom.orientation import patient_orientation
from vxacq.imaging.presentation import transform_orientation
from vxacq.protocols import get
from vxacq.workflow.acquisition import (
    acquisition_record, dicom_transform, mammography_dose, summed_report,
)


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
    # TID 10003C from the protocol: a knee lateral without grid, the detector free on the table
    assert image.PositionerType == "COLUMN"
    event = next(c for c in report.ContentSequence if c.ValueType == "CONTAINER"
                 and c.ConceptNameCodeSequence[0].CodeValue == "113706")
    mount = next(i for i in event.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue == "113956")
    assert mount.ConceptCodeSequence[0].CodeMeaning == "Unmounted Detector"
    for f in dcm:
        assert dciodvfy_errors(f) == [], f


def test_acquire_writes_mg_image(tmp_path: Path) -> None:
    config = station(tmp_path, "MGTEST")
    result = vxacq(config, "acquire", "--protocol", "MAMMO_LCC", "--dose-report", "--json",
                   "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    image, report = sorted((pydicom.dcmread(f) for f in doc["files"] if f.endswith(".dcm")),
                           key=lambda d: d.Modality)
    assert image.Modality == "MG" and image.ImageLaterality == "L"
    assert float(image.CompressionForce) > 0 and float(image.BodyPartThickness) > 0
    # The beam the simulated generator reported (28 kV: W/Rh) and the dose computed from it.
    reported, thickness = doc["reported"], float(image.BodyPartThickness)
    assert (image.AnodeTargetMaterial, image.FilterMaterial, image.FilterType) == ("TUNGSTEN", "RHODIUM", "FLAT")
    assert float(image.FilterThicknessMinimum) == float(image.FilterThicknessMaximum) == 0.05
    assert float(image.HalfValueLayer) == pytest.approx(
        physics.half_value_layer_mm_al("W/Rh", round(reported["kv"], 1)), abs=1e-3)
    entrance = reported["air_kerma_1m_mGy"] * (1000 / (650.0 - thickness)) ** 2
    assert float(image.EntranceDoseInmGy) == pytest.approx(entrance, rel=1e-3)
    agd = entrance * glandular_dose_tables().factor("g", float(image.HalfValueLayer), thickness / 10) \
        * glandular_dose_tables().factor("c", float(image.HalfValueLayer), thickness / 10) * 1.042
    assert float(image.OrganDose) * 100 == pytest.approx(agd, rel=1e-3)  # dGy in the image
    assert image.OrganExposed == "BREAST"
    assert float(image.PositionerPrimaryAngle) == 0.0  # a CC view
    # the dose report says the same per event and per breast
    event = report.ContentSequence
    items = {i.ConceptNameCodeSequence[0].CodeValue: i for c in event if c.ValueType == "CONTAINER"
             for i in c.get("ContentSequence", [])}
    assert float(items["111631"].MeasuredValueSequence[0].NumericValue) == pytest.approx(agd, rel=1e-3)
    assert float(items["111637"].MeasuredValueSequence[0].NumericValue) == pytest.approx(agd, rel=1e-3)
    assert float(items["111634"].MeasuredValueSequence[0].NumericValue) == float(image.HalfValueLayer)
    for path in doc["files"]:
        if path.endswith(".dcm"):
            assert dciodvfy_errors(path) == [], path


MG_REPORT = {"kv": 28.0, "ma": 100.0, "ms": 600.0, "mas": 60.0, "dap_Gy_cm2": 0.08,
             "anode_target": "TUNGSTEN", "filter_material": "RHODIUM", "filter_mm": 0.05,
             "hvl_mm_al": 0.40, "air_kerma_1m_mGy": 2.4}


@pytest.mark.parametrize("protocol_id, angle", [("MAMMO_RMLO", 45.0), ("MAMMO_LMLO", -45.0), ("MAMMO_LCC", 0.0)])
def test_mammography_positioner_angle_from_the_view(protocol_id: str, angle: float) -> None:
    sidecar = {"uid": "1.2.3", "stored": "2026-03-02T09:43:07+01:00", "reported": MG_REPORT,
               "requested": {}, "positioner": {"BodyPartThickness": 50.0}}
    e = acquisition_record(get(protocol_id), sidecar, None, None).exposure
    assert e.PositionerPrimaryAngle == angle and e.MechanicalConfiguration == ""


def test_mammography_dose_from_the_generators_report() -> None:
    fields, problem = mammography_dose(MG_REPORT, {"BodyPartThickness": 50.0}, 650.0)
    entrance = 2.4 * (1000 / 600) ** 2  # the breast's upper surface is 600 mm from the focus
    assert problem == "" and fields["EntranceDoseInmGy"] == pytest.approx(entrance)
    assert fields["OrganDose"] == pytest.approx(entrance * 0.209 * 1.081 * 1.042 / 100)  # dGy
    assert fields["FilterMaterial"] == ("RHODIUM",) and fields["HalfValueLayer"] == 0.40


@pytest.mark.parametrize("change, positioner, message", [
    ({"hvl_mm_al": 0.62}, {"BodyPartThickness": 50.0}, "half-value layer 0.62 mm Al is outside"),
    ({}, {"BodyPartThickness": 125.0}, "compressed breast thickness 12.5 cm is outside"),
    ({"air_kerma_1m_mGy": None, "anode_target": ""}, {},
     "no the generator's air kerma at 1 m, no the anode target, no the compressed breast thickness"),
])
def test_no_glandular_dose_where_the_tables_end_and_the_report_says_why(change, positioner, message) -> None:
    """Outside the tables nothing is extrapolated: no Organ Dose, and the dose report's
    irradiation event says why in its comment."""
    fields, problem = mammography_dose({**MG_REPORT, **change}, positioner, 650.0)
    assert "OrganDose" not in fields and message in problem
    sidecar = {"uid": "1.2.3", "stored": "2026-03-02T09:43:07+01:00", "reported": {**MG_REPORT, **change},
               "requested": {"sid_mm": 650.0}, "positioner": positioner}
    record = acquisition_record(get("MAMMO_LCC"), sidecar, None, None)
    assert record.exposure.OrganDose is None and message in record.comment


def test_acquire_without_calibration_keeps_raw_and_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "vxacq.toml"
    path.write_text(f'[station]\ndata_dir = "{tmp_path / "data"}"\n[hardware]\ndetector_model = "DRTEST"\n')
    result = vxacq(path, "acquire", "--protocol", "CHEST_PA", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert not [f for f in doc["files"] if f.endswith(".dcm")]
    assert any("no image was made" in w and "vxacq calibrate" in w for w in doc["warnings"])
    assert list((tmp_path / "data" / "raw").glob("*.npy"))


def test_a_long_length_images_fields_are_summed_and_a_missing_report_leaves_the_sum_unknown() -> None:
    fields = [{"kv": 85, "ma": 400.0, "ms": 50, "mas": 20.0, "dap_Gy_cm2": 0.1},
              {"kv": 90, "ma": 200.0, "ms": 150, "mas": 30.0, "dap_Gy_cm2": 0.2}]
    assert summed_report(fields) == pytest.approx(
        {"kv": 85, "ms": 200.0, "mas": 50.0, "ma": 250.0, "dap_Gy_cm2": 0.3})
    # a field recovered without its generator report: the dose is not understated by a sum
    # of the others
    assert summed_report([fields[0], None]) == {"kv": 85, "ms": None, "mas": None, "ma": None,
                                                "dap_Gy_cm2": None}
    assert summed_report([None, fields[1]])["kv"] is None

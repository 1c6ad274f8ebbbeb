"""Study Root C-FIND against DCMTK dcmqrscp holding stored studies: study level by patient ID,
name, date range, accession and modality; series on demand; `vxacq find`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

from vxacq import cli
from vxacq.dicom.query import StudyQuery
from vxacq.net import query

import peers
from orders import node_config


def instance(path: Path, *, patient_id: str, name: str, study_uid: str, series_uid: str,
             date: str, accession: str, modality: str, series_number: int, charset: str = "ISO_IR 192") -> Path:
    ds = Dataset()
    ds.SpecificCharacterSet = charset
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = generate_uid()
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = name, patient_id, "19700101", "O"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.StudyID = date, "101010", accession, "1"
    ds.ReferringPhysicianName, ds.StudyDescription = "", f"Study {accession}"
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = modality, series_number, 1
    ds.ConversionType = "WSD"
    ds.Rows = ds.Columns = 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.zeros((4, 4), np.uint8).tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(path, enforce_file_format=True)
    return path


@pytest.fixture
def archive(dcmqrscp, tmp_path):
    """dcmqrscp with three studies of two patients (one with two series)."""
    files = tmp_path / "files"
    files.mkdir()
    a, b, c = generate_uid(), generate_uid(), generate_uid()
    made = [
        instance(files / "1.dcm", patient_id="P-1", name="Müller^Jürgen", study_uid=a,
                 series_uid=generate_uid(), date="20261101", accession="ACC-1", modality="DX", series_number=1),
        instance(files / "2.dcm", patient_id="P-1", name="Müller^Jürgen", study_uid=a,
                 series_uid=generate_uid(), date="20261101", accession="ACC-1", modality="DX", series_number=2),
        instance(files / "3.dcm", patient_id="P-1", name="Müller^Jürgen", study_uid=b,
                 series_uid=generate_uid(), date="20261115", accession="ACC-2", modality="CR", series_number=1),
        instance(files / "4.dcm", patient_id="P-2", name="Yamada^Tarou=山田^太郎", study_uid=c,
                 series_uid=generate_uid(), date="20261120", accession="ACC-3", modality="DX", series_number=1),
    ]
    peers.load_dcmqrscp(dcmqrscp, made)
    config = node_config(tmp_path, dcmqrscp.ae_title, dcmqrscp.port, ["query"])
    return config, {"a": a, "b": b, "c": c}


def test_study_level_by_patient_name_date_accession_and_modality(archive):
    config, uids = archive
    node = config.node("ris")
    by_id = query.find_studies(config, node, StudyQuery(PatientID="P-1"))
    assert sorted(s.AccessionNumber for s in by_id) == ["ACC-1", "ACC-2"]
    first = next(s for s in by_id if s.StudyInstanceUID == uids["a"])
    assert first.PatientName == "Müller^Jürgen" and first.StudyDate == "20261101"
    assert first.StudyDescription == "Study ACC-1"  # dcmqrscp leaves out the optional counts
    by_name = query.find_studies(config, node, StudyQuery(PatientName="Yamada*"))
    assert [(s.StudyInstanceUID, s.PatientName) for s in by_name] == [(uids["c"], "Yamada^Tarou=山田^太郎")]
    by_dates = query.find_studies(config, node, StudyQuery(StudyDate="20261110-20261130"))
    assert sorted(s.AccessionNumber for s in by_dates) == ["ACC-2", "ACC-3"]
    by_accession = query.find_studies(config, node, StudyQuery(AccessionNumber="ACC-2"))
    assert [s.StudyInstanceUID for s in by_accession] == [uids["b"]]
    series = query.find_series(config, node, uids["a"])
    assert sorted(int(s.SeriesNumber) for s in series) == [1, 2] and {s.Modality for s in series} == {"DX"}


def test_modality_and_limit(archive):
    config, uids = archive
    node = config.node("ris")
    # dcmqrscp ignores Modalities in Study: the series-level check keeps only the right studies.
    found = query.find_studies(config, node, StudyQuery(ModalitiesInStudy="CR"))
    assert [s.StudyInstanceUID for s in found] == [uids["b"]]
    found = query.find_studies(config, node, StudyQuery(ModalitiesInStudy="DX", PatientID="P-1"))
    assert [s.StudyInstanceUID for s in found] == [uids["a"]]
    limited = query.find_studies(config, node, StudyQuery(), limit=1)
    assert len(limited) == 1


def test_vxacq_find_prints_json(archive, tmp_path, capsys):
    config, uids = archive
    path = tmp_path / "vxacq.toml"
    from vxacq import config as configuration
    configuration.save(config, path)
    assert cli.main(["find", "ris", "--patient-id", "P-2", "--json", "--config", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [s["StudyInstanceUID"] for s in result["studies"]] == [uids["c"]]


def test_an_implicit_node_is_queried_in_implicit_vr(archive, dcmqrscp, tmp_path):
    """dcmqrscp -v logs the transfer syntax of each C-FIND it answers."""
    _config, uids = archive
    for setting, used in (("explicit", "Little Endian Explicit"), ("implicit", "Little Endian Implicit")):
        config = node_config(tmp_path, dcmqrscp.ae_title, dcmqrscp.port, ["query"],
                             transfer_syntax=setting)
        before = len(dcmqrscp.log())
        found = query.find_studies(config, config.node("ris"), StudyQuery(PatientID="P-2"))
        assert [s.StudyInstanceUID for s in found] == [uids["c"]]
        logged = [line for line in dcmqrscp.log()[before:].splitlines() if "Used TransferSyntax" in line]
        assert logged and all(line.endswith(used) for line in logged), logged

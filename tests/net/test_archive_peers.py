"""Store and Study Root query against independent archives that answer Modalities in Study:
PixelMed's DicomAndWebStorageServer (Java, the third implementation beside DCMTK) and Orthanc.
Our DX image and our dose SR of one study are stored through the outbox and found back through
our C-FIND code, by patient and by --modality DX. (dcmqrscp, which ignores that key, is in
test_query.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pydicom import dcmread

import peers
from orders import node_config
from vxacq import cli
from vxacq import config as configuration
from vxacq.db import JobState, open_database
from vxacq.dicom import part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.inputs import Acquisition, ImageRef
from vxacq.dicom.query import StudyQuery
from vxacq.dicom.rdsr import XRayRadiationDoseSR
from vxacq.net import query
from vxacq.net.outbox import Outbox
from vxacq.net.store import enqueue_store

sys.path.insert(0, str(Path(__file__).parents[1] / "dicom"))
import samples as s  # noqa: E402  (tests/dicom: the sample patient, study and exposure)


@pytest.fixture
def dx_and_sr(tmp_path: Path) -> tuple[list[Path], str]:
    """One study as the console closes it: a DX image and its X-Ray Radiation Dose SR."""
    o, pps, patient, equipment = s.order(), s.performed_step(), s.patient(), s.equipment()
    study = s.study(o)
    exposure = s.exposure(ImageAndFluoroscopyAreaDoseProduct=1.2, DoseRP=1.2e-4)
    image = DXImage(patient=patient, study=study, series=s.series(1), equipment=equipment,
                    detector=s.detector(), exposure=exposure, image=s.image(rows=64, cols=64),
                    body_part="CHEST", view="PA", ImageLaterality="U",
                    native_orientation=("L", "F"), order=o, performed_step=pps, InstanceNumber=1)
    sr = XRayRadiationDoseSR(patient=patient, study=study, equipment=equipment, order=o,
                             performed_step=pps, acquisitions=[Acquisition(
                                 exposure=exposure, body_part="CHEST", view="PA",
                                 ImageLaterality="U", image=ImageRef.of(image))])
    folder = tmp_path / "out"
    folder.mkdir()
    files = [part10.write(folder / "dx.dcm", image), part10.write(folder / "sr.dcm", sr)]
    return files, str(image.StudyInstanceUID)


def store_and_config(tmp_path: Path, peer: peers.Peer, files: list[Path]) -> configuration.Config:
    config = node_config(tmp_path, peer.ae_title, peer.port, ["store", "query"])
    db = open_database(tmp_path / "data" / "vxacq.sqlite")
    try:
        job_id = enqueue_store(db, "ris", files)
        [job] = Outbox(config, db).drain([job_id], timeout=60)
    finally:
        db.close()
    assert job.state == JobState.DONE, job.last_error
    return config


ARCHIVES = ["pixelmed", "orthanc"]


@pytest.fixture(params=ARCHIVES)
def archive(request: pytest.FixtureRequest) -> peers.Peer:
    return request.getfixturevalue(request.param)


def test_pixelmed_keeps_our_dx_and_sr_as_sent(tmp_path: Path, pixelmed: peers.Peer,
                                              dx_and_sr) -> None:
    files, _study_uid = dx_and_sr
    store_and_config(tmp_path, pixelmed, files)
    stored = {dcmread(p, stop_before_pixels=True).SOPInstanceUID
              for p in pixelmed.storage_dir.rglob("*") if p.is_file()}
    assert stored == {dcmread(p, stop_before_pixels=True).SOPInstanceUID for p in files}


def test_the_archive_finds_our_dx_and_sr_study_by_modality(
        tmp_path: Path, archive: peers.Peer, dx_and_sr) -> None:
    files, study_uid = dx_and_sr
    config = store_and_config(tmp_path, archive, files)
    node = config.node("ris")
    patient_id = dcmread(files[0], stop_before_pixels=True).PatientID
    [study] = query.find_studies(config, node, StudyQuery(PatientID=patient_id))
    assert study.StudyInstanceUID == study_uid
    series = query.find_series(config, node, study_uid)
    assert sorted(x.Modality for x in series) == ["DX", "SR"]
    # The study holds DX and SR: it is found by either, and not by a modality it lacks.
    assert [x.StudyInstanceUID for x in query.find_studies(
        config, node, StudyQuery(ModalitiesInStudy="DX"))] == [study_uid]
    assert [x.StudyInstanceUID for x in query.find_studies(
        config, node, StudyQuery(ModalitiesInStudy="SR"))] == [study_uid]
    assert query.find_studies(config, node, StudyQuery(ModalitiesInStudy="CR")) == []


def test_vxacq_find_modality_dx_lists_a_dx_and_sr_study_with_values(
        tmp_path: Path, archive: peers.Peer, dx_and_sr, capsys) -> None:
    files, study_uid = dx_and_sr
    config = store_and_config(tmp_path, archive, files)
    path = tmp_path / "vxacq.toml"
    configuration.save(config, path)
    assert cli.main(["find", "ris", "--modality", "DX", "--json", "--config", str(path)]) == 0
    [study] = json.loads(capsys.readouterr().out)["studies"]
    assert study["StudyInstanceUID"] == study_uid
    assert sorted(study["ModalitiesInStudy"]) == ["DX", "SR"]  # both answer the key: a list
    assert cli.main(["find", "ris", "--modality", "DX", "--config", str(path)]) == 0
    assert "['DX'" not in capsys.readouterr().out

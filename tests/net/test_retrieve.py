"""Priors retrieved from DCMTK dcmqrscp and Orthanc, by C-MOVE to our listener and by C-GET;
a partial retrieve, a move destination the archive does not know, a refusal and a time-out each
say so and keep nothing; our listener takes a C-STORE only for a retrieve we started."""

from __future__ import annotations

import io
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    CTImageStorage, DigitalXRayImageStorageForPresentation, ExplicitVRLittleEndian, generate_uid,
)
from pynetdicom import AE, evt
from pynetdicom.sop_class import (
    StudyRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelMove,
)
from sqlmodel import select

from vxacq import cli
from vxacq import config as configuration
from vxacq.db import open_database
from vxacq.db.models import AuditEvent
from vxacq.net.retrieve import (
    DOES_NOT_MATCH, PRIOR_STORAGE_CLASSES, STORED, RetrieveError, RetrieveInbox, RetrieveRequest,
)
from vxacq.workflow import priors
from vxacq.workflow.runtime import Services

import peers

STATION_AE = "VXACQ"
PATIENT = "PRIOR-1"


def image(path: Path, *, study_uid: str, patient_id: str = PATIENT, sop_class: str =
          DigitalXRayImageStorageForPresentation, body_part: str = "CHEST",
          view: str = "PA", date: str = "20250102") -> Path:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, generate_uid()
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = \
        "Prior^Paula", patient_id, "19700101", "F"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, generate_uid()
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.StudyID = date, "101010", "ACC-P", "1"
    ds.ReferringPhysicianName, ds.StudyDescription = "", "Chest"
    ds.Modality = "CT" if sop_class == CTImageStorage else "DX"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.BodyPartExamined, ds.ViewPosition = body_part, view
    ds.Rows = ds.Columns = 8
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.PixelData = (np.arange(64, dtype=np.uint16) * 60).tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.save_as(path, enforce_file_format=True)
    return path


class Studies:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.whole, self.partial, self.other_patient = generate_uid(), generate_uid(), generate_uid()
        self.files = [
            image(folder / "1.dcm", study_uid=self.whole, view="PA"),
            image(folder / "2.dcm", study_uid=self.whole, view="LL"),
            image(folder / "3.dcm", study_uid=self.partial),
            image(folder / "4.dcm", study_uid=self.partial, sop_class=CTImageStorage),
            image(folder / "5.dcm", study_uid=self.other_patient, patient_id="SOMEONE-ELSE"),
        ]


def station(tmp_path: Path, peer: peers.Peer, listen_port: int, retrieve: str,
            ae_title: str = STATION_AE, **node: object) -> configuration.Config:
    return configuration.from_dict({
        "station": {"ae_title": ae_title, "data_dir": str(tmp_path / "data"),
                    "listen_port": listen_port, "listen_address": "127.0.0.1"},
        "node": [{"name": "archive", "ae_title": peer.ae_title, "host": "127.0.0.1",
                  "port": peer.port, "services": ["query"], "retrieve": retrieve,
                  "connect_timeout": 3, "acse_timeout": 5, "dimse_timeout": 10, **node}]})


@pytest.fixture(scope="module")
def listen_port() -> int:
    return peers.free_port()


@pytest.fixture(scope="module")
def studies(tmp_path_factory: pytest.TempPathFactory) -> Studies:
    return Studies(tmp_path_factory.mktemp("prior-files"))


@pytest.fixture(scope="module")
def dcmqrscp(tmp_path_factory: pytest.TempPathFactory, studies: Studies,
             listen_port: int) -> Iterator[peers.Peer]:
    with peers.start_dcmqrscp(tmp_path_factory.mktemp("peers"),
                              move_destinations={STATION_AE: ("127.0.0.1", listen_port)}) as peer:
        peers.load_dcmqrscp(peer, studies.files)
        yield peer


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory, studies: Studies,
            listen_port: int) -> Iterator[peers.Peer]:
    with peers.start_orthanc(tmp_path_factory.mktemp("peers"),
                             modalities={"vxacq": (STATION_AE, "127.0.0.1", listen_port)}) as peer:
        peers.store_files(peer, studies.files)
        yield peer


@pytest.mark.parametrize("archive", ["dcmqrscp", "orthanc"])
@pytest.mark.parametrize("how", ["move", "get"])
def test_a_prior_is_retrieved_into_the_cache(request, tmp_path, studies, listen_port, archive,
                                             how):
    peer = request.getfixturevalue(archive)
    config = station(tmp_path, peer, listen_port, how)
    outcome = priors.retrieve_prior(config, "archive", studies.whole, PatientID=PATIENT)
    assert outcome.partial == "" and len(outcome.files) == 2
    assert outcome.completed == 2 and outcome.failed == 0
    cached = priors.cached_studies(config)
    assert [(c.StudyInstanceUID, c.files) for c in cached] == [(studies.whole, 2)]
    shown = priors.best_match(priors.prior_images(config, studies.whole), "CHEST", "LL")
    assert [i.ViewPosition for i in shown] == ["LL", "PA"]


@pytest.mark.parametrize("how", ["move", "get"])
def test_a_partial_retrieve_says_what_failed_and_keeps_what_came(tmp_path, dcmqrscp, studies,
                                                                  listen_port, how):
    config = station(tmp_path, dcmqrscp, listen_port, how)
    outcome = priors.retrieve_prior(config, "archive", studies.partial, PatientID=PATIENT)
    assert len(outcome.files) == 1 and outcome.failed == 1
    assert outcome.partial.startswith("partial retrieve from archive") and "1 failed" in outcome.partial


def test_objects_of_another_patient_are_refused(tmp_path, dcmqrscp, studies, listen_port):
    config = station(tmp_path, dcmqrscp, listen_port, "get")
    with pytest.raises(RetrieveError, match="retrieve failed.*another patient") as caught:
        priors.retrieve_prior(config, "archive", studies.other_patient, PatientID=PATIENT)
    assert caught.value.kind == "partial"
    assert list((config.data_dir / "priors" / studies.other_patient).glob("*.dcm")) == []
    assert priors.cached_studies(config) == []


def test_a_move_destination_the_archive_does_not_know(tmp_path, dcmqrscp, studies, listen_port):
    config = station(tmp_path, dcmqrscp, listen_port, "move", ae_title="STRANGER")
    with pytest.raises(RetrieveError, match="does not know our AE title 'STRANGER'.*0xA801") as caught:
        priors.retrieve_prior(config, "archive", studies.whole)
    assert caught.value.kind == "unknown-destination"
    assert priors.cached_studies(config) == []


def test_the_listener_refuses_a_store_no_retrieve_expects(tmp_path, dcmqrscp, studies,
                                                          listen_port):
    """storescu, calling as the archive, is refused and audited; the inbox took nothing."""
    config = station(tmp_path, dcmqrscp, listen_port, "move")
    db = open_database(tmp_path / "exam.db", create=True)
    with Services(config, db) as services:
        assert services.listener.status.running, services.listener.status.error
        run = subprocess.run([peers.tool("storescu"), "-v", "-aet", dcmqrscp.ae_title, "-aec",
                              STATION_AE, "127.0.0.1", str(listen_port), str(studies.files[0])],
                             capture_output=True, text=True, timeout=20)
    assert "Received Store Response (Unknown Status: 0x124)" in run.stdout + run.stderr
    with db.session() as session:
        events = session.exec(select(AuditEvent)).all()
    assert any(e.action == "security: store refused" and "no retrieve of ours expects it"
               in e.detail for e in events)
    assert not (config.data_dir / "priors").exists()


def test_a_request_checks_each_object_before_it_is_written(tmp_path):
    study = generate_uid()
    request = RetrieveRequest(node="archive", peer_ae="A", StudyInstanceUID=study,
                              folder=tmp_path, PatientID=PATIENT, max_bytes=1000)
    ds = Dataset()
    ds.StudyInstanceUID, ds.SOPInstanceUID, ds.PatientID = study, generate_uid(), PATIENT
    dx = DigitalXRayImageStorageForPresentation
    assert request.check(ds, dx, 500) == (STORED, "")
    assert request.check(ds, dx, 5000)[0] == 0xA700
    assert request.check(ds, CTImageStorage, 500)[0] == 0x0122
    ds.SOPInstanceUID = "1.2.3/../../x"
    assert request.check(ds, dx, 500)[0] == 0xC000
    ds.SOPInstanceUID, ds.StudyInstanceUID = generate_uid(), generate_uid()
    assert request.check(ds, dx, 500)[0] == DOES_NOT_MATCH


@pytest.fixture
def faulty_scp() -> Iterator[int]:
    """An archive that misbehaves (fault injection no real archive offers on demand): its
    C-GET fails with 0xA702, its C-MOVE never answers."""
    stop = threading.Event()

    def on_get(event: evt.Event):
        yield 1
        status = Dataset()
        status.Status = 0xA702
        status.ErrorComment = "disk full"
        yield status, None

    def on_move(event: evt.Event):
        stop.wait(20)
        return
        yield  # a generator, as pynetdicom wants

    ae = AE(ae_title="FAULTY")
    ae.add_supported_context(StudyRootQueryRetrieveInformationModelMove)
    ae.add_supported_context(StudyRootQueryRetrieveInformationModelGet)
    for sop in PRIOR_STORAGE_CLASSES:
        ae.add_supported_context(sop, scu_role=True, scp_role=True)
    port = peers.free_port()
    server = ae.start_server(("127.0.0.1", port), block=False,
                             evt_handlers=[(evt.EVT_C_MOVE, on_move), (evt.EVT_C_GET, on_get)])
    try:
        yield port
    finally:
        stop.set()
        server.shutdown()


def faulty(tmp_path: Path, port: int, retrieve: str, **node: object) -> configuration.Config:
    peer = peers.Peer("faulty", "FAULTY", "127.0.0.1", port, tmp_path, None, tmp_path)  # type: ignore[arg-type]
    return station(tmp_path, peer, peers.free_port(), retrieve, **node)


def test_a_refusing_archive_is_named_with_its_status(tmp_path, faulty_scp):
    config = faulty(tmp_path, faulty_scp, "get")
    with pytest.raises(RetrieveError, match=r"refused the C-GET: 0xA702 .*out of resources.*disk full") as caught:
        priors.retrieve_prior(config, "archive", generate_uid())
    assert caught.value.kind == "refused"


def test_a_retrieve_that_takes_too_long_is_cancelled_in_bounded_time(tmp_path, faulty_scp):
    config = faulty(tmp_path, faulty_scp, "move", retrieve_timeout=1)
    started = time.monotonic()
    with pytest.raises(RetrieveError, match=r"did not finish the C-MOVE within 1 s") as caught:
        priors.retrieve_prior(config, "archive", generate_uid(), inbox=RetrieveInbox())
    assert caught.value.kind == "timeout" and time.monotonic() - started < 5


def test_vxacq_retrieve_moves_a_study_into_the_cache(tmp_path, dcmqrscp, studies, listen_port,
                                                     capsys):
    config = station(tmp_path, dcmqrscp, listen_port, "move")
    path = configuration.save(config, tmp_path / "vxacq.toml")
    assert cli.main(["retrieve", "archive", "--study", studies.whole, "--patient-id", PATIENT,
                     "--json", "--config", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["files"]) == 2 and result["partial"] == ""
    assert cli.main(["retrieve", "archive", "--study", "not-a-uid", "--config", str(path)]) == 2
    assert "'not-a-uid' is not a Study Instance UID" in capsys.readouterr().err


def test_the_cache_drops_old_studies_then_the_oldest_beyond_its_size(tmp_path):
    config = configuration.from_dict({"station": {"data_dir": str(tmp_path / "data")},
                                      "priors": {"cache_mb": 1, "keep_days": 10,
                                                 "max_object_mb": 1}})
    folder = priors.cache_dir(config)
    now = time.time()
    index = {}
    for n, (age_days, size) in enumerate([(20, 10), (5, 600_000), (3, 600_000), (1, 10)]):
        uid = f"1.2.3.{n}"
        (folder / uid).mkdir(parents=True)
        (folder / uid / "x.dcm").write_bytes(b"\0" * size)
        index[uid] = {"StudyInstanceUID": uid, "node": "archive", "files": 1, "bytes": size,
                      "retrieved_at": now - age_days * 86400}
    (folder / "index.json").write_text(json.dumps(index))
    # too old first, then the oldest until what is left fits in 1 MB
    assert priors.prune_cache(config, now=now) == ["1.2.3.0", "1.2.3.1"]
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["1.2.3.2", "1.2.3.3"]
    assert [c.StudyInstanceUID for c in priors.cached_studies(config)] == ["1.2.3.3", "1.2.3.2"]


def test_what_an_object_says_is_escaped_and_cut_before_a_refusal_quotes_it(tmp_path, caplog):
    request = RetrieveRequest(node="archive", peer_ae="A", StudyInstanceUID=generate_uid(),
                              folder=tmp_path, PatientID=PATIENT)
    ds = Dataset()
    ds.SOPInstanceUID, ds.PatientID = generate_uid(), PATIENT
    ds.StudyInstanceUID = "1.2\nretrieve: object taken\x1b[2J" + "9" * 5000
    dx = DigitalXRayImageStorageForPresentation
    assert request.keep(ds, dx, 500, lambda: b"") == DOES_NOT_MATCH
    assert request.keep(ds, "1.2\r\n" + "3" * 5000, 500, lambda: b"") == 0x0122
    request.refuse("cannot be decoded (a\nb)")
    # the refusals reach the screen (RetrieveError, the partial note) and the log on one line
    assert all("\n" not in why and "\r" not in why and "\x1b" not in why and len(why) < 200
               for why in request.refused), request.refused
    assert "1.2\\nretrieve: object taken\\x1b[2J" in request.refused[0]
    assert all("\n" not in r.getMessage() for r in caplog.records)
    assert request.received == [] and list(tmp_path.iterdir()) == []


def test_an_object_cut_short_before_its_pixel_data_is_refused_not_written(tmp_path):
    """Before: an object whose value runs past its end decoded without its pixel data and
    without a word, and was written into the cache as a prior."""
    study = generate_uid()
    path = image(tmp_path / "whole.dcm", study_uid=study)
    ds = pydicom.dcmread(path)
    item = Dataset()
    item.add_new(0x00090010, "LO", "VXACQ TEST")
    item.add_new(0x00091010, "OB", bytes(range(256)) * 16)
    ds.RequestAttributesSequence = [item]  # after the UIDs the check looks at
    ds.save_as(path, enforce_file_format=True)
    whole = path.read_bytes()
    cut = whole[:whole.index(bytes(range(256)) * 16) + 10]
    short = pydicom.dcmread(io.BytesIO(cut))
    assert "PixelData" not in short  # what the check alone saw
    folder = tmp_path / "cache"
    request = RetrieveRequest(node="archive", peer_ae="A", StudyInstanceUID=study,
                              folder=folder, PatientID=PATIENT)
    dx = DigitalXRayImageStorageForPresentation
    assert request.keep(short, dx, len(cut), lambda: cut) == 0xC000
    assert request.refused == [
        "object from archive refused: private element (0009,1010) in item 1 of "
        "RequestAttributesSequence (0040,0275) runs past the end of the file: 4086 of its 4096 "
        "bytes are missing (the file is truncated)"]
    assert not folder.exists() or list(folder.iterdir()) == []
    assert request.keep(ds, dx, len(whole), lambda: whole) == STORED
    assert [p.read_bytes() for p in request.received] == [whole]

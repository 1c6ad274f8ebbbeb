"""C-STORE through the outbox against DCMTK storescp, and against pynetdicom SCPs only where a
fault has to be injected (rejection, an abort mid-study, chosen failure statuses)."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEG2000Lossless, RLELossless, generate_uid,
)
from pynetdicom import AE, evt
from pynetdicom.dsutils import split_dataset
from pynetdicom.sop_class import DigitalXRayImageStorageForPresentation, XRayRadiationDoseSRStorage

import peers
from vxacq import config as configuration
from vxacq.db import (
    Image, ImageState, JobKind, JobState, Patient, Series, Study, open_database,
)
from vxacq.net import routing, store
from vxacq.net.outbox import Outbox, get_job, list_jobs
from vxacq.net.store import StoreFileError, classify, enqueue_store
from vxacq.security import audit
from vxacq.security.audit_message import AuditSource


# --- test material -----------------------------------------------------------------------


def write_dx(folder: Path, number: int, *, study: str, size: int = 64,
             syntax=ExplicitVRLittleEndian) -> Path:
    """A small DX For Presentation file with a distinct pixel pattern."""
    rng = np.random.default_rng(number)
    ds = Dataset()
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "Müller^Jürgen"
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientID = "P-7"
    ds.Modality = "DX"
    ds.InstanceNumber = number
    ds.Rows, ds.Columns = size, size + number  # a different shape each
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = rng.integers(0, 4096, (ds.Rows, ds.Columns), dtype=np.uint16).tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    path = folder / f"dx{number}.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def dataset_bytes(path: Path) -> bytes:
    """The file's data set as stored, after its File Meta Information."""
    _meta, offset = split_dataset(path)
    return path.read_bytes()[offset:]


def received(peer: peers.Peer) -> dict[str, Path]:
    """SOP Instance UID -> file, for every file storescp wrote."""
    return {dcmread(p, stop_before_pixels=True).SOPInstanceUID: p
            for p in peers.received_files(peer)}


def assert_arrived_unchanged(peer: peers.Peer, files: list[Path]) -> None:
    """Each of ``files`` reached ``peer`` with its data set byte for byte."""
    arrived = received(peer)
    for path in files:
        uid = dcmread(path, stop_before_pixels=True).SOPInstanceUID
        assert dataset_bytes(arrived[uid]) == dataset_bytes(path), path.name


def assert_arrived_losslessly(peer: peers.Peer, files: list[Path], syntax: str) -> None:
    """Each of ``files`` reached ``peer`` in ``syntax`` with the same pixels and attributes."""
    arrived = received(peer)
    for path in files:
        original = dcmread(path)
        copy = dcmread(arrived[original.SOPInstanceUID])
        assert copy.file_meta.TransferSyntaxUID == syntax
        assert np.array_equal(copy.pixel_array, original.pixel_array), path.name  # lossless
        assert copy.PatientName == original.PatientName


@pytest.fixture
def more_storescp(tmp_path: Path):
    """start(*storescp options) -> another storescp (options after the shared ones win)."""
    with ExitStack() as stack:
        def start(*extra_args: str) -> peers.Peer:
            return stack.enter_context(peers.start_storescp(tmp_path / "more-peers",
                                                            extra_args=extra_args))
        yield start


class FaultySCP:
    """A pynetdicom storage SCP that answers each C-STORE as ``answer(count, ds)`` says:
    a status, or "abort" to abort the association; ``delay`` slows every store."""

    def __init__(self, answer, *, delay: float = 0.0, require_called: str | None = None) -> None:
        self.answer, self.delay = answer, delay
        self.calls: list[str] = []
        ae = AE(ae_title=require_called or "FAULTY")
        ae.require_called_aet = require_called is not None
        ae.add_supported_context(DigitalXRayImageStorageForPresentation,
                                 [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
        ae.add_supported_context(XRayRadiationDoseSRStorage)
        self.port = peers.free_port()
        self.server = ae.start_server(("127.0.0.1", self.port), block=False,
                                      evt_handlers=[(evt.EVT_C_STORE, self._on_store)])

    def _on_store(self, event) -> int:
        time.sleep(self.delay)
        ds = event.dataset
        self.calls.append(str(ds.SOPInstanceUID))
        answer = self.answer(len(self.calls), ds)
        if answer == "abort":
            event.assoc.abort()
            return 0xC000
        return answer

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def faulty():
    started: list[FaultySCP] = []

    def start(answer, **kwargs) -> FaultySCP:
        scp = FaultySCP(answer, **kwargs)
        started.append(scp)
        return scp

    yield start
    for scp in started:
        scp.stop()


def make_config(tmp_path: Path, *nodes: dict, **station) -> configuration.Config:
    raw_nodes = []
    for node in nodes:
        raw_nodes.append({"ae_title": "STORESCP", "host": "127.0.0.1", "services": ["store"],
                          "retries": 3, "retry_delay": 0.3, "dimse_timeout": 10.0,
                          "connect_timeout": 2.0, "acse_timeout": 5.0, **node})
    return configuration.from_dict({"station": {"data_dir": str(tmp_path / "data"), **station},
                                    "node": raw_nodes})


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "data" / "vxacq.sqlite")
    yield database
    database.close()


@pytest.fixture
def study_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "images"
    folder.mkdir()
    study = generate_uid()
    return [write_dx(folder, n, study=study) for n in (1, 2, 3)]


def send(config, db, node: str, files, timeout: float = 60):
    job_id = enqueue_store(db, node, files)
    [job] = Outbox(config, db).drain([job_id], timeout=timeout)
    return job


# --- behaviour ---------------------------------------------------------------------------


def test_files_arrive_with_equal_data_sets(tmp_path, db, study_files, storescp) -> None:
    scp = storescp
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert job.attempts == 1 and job.payload["result"] == {"stored": 3, "warnings": []}
    arrived_files = received(scp)
    assert len(arrived_files) == 3
    for path in study_files:
        original = dcmread(path)
        copy = arrived_files[original.SOPInstanceUID]
        assert dataset_bytes(copy) == dataset_bytes(path)
        assert dcmread(copy).file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        del original.file_meta
        arrived = dcmread(copy)
        del arrived.file_meta
        assert arrived == original
    begin, sent = transfers(db)
    assert (begin.action, sent.action) == ("begin transferring", "images sent")
    assert sent.data["sop_classes"] == {DigitalXRayImageStorageForPresentation: 3}
    assert (sent.data["peer_ae"], sent.data["peer_address"]) == (config.node("pacs").ae_title,
                                                                 "127.0.0.1")


def transfers(db) -> list[audit.EventView]:
    """The transfer events of the audit trail; each one's DICOM audit message is valid."""
    from lxml import etree

    from tests.security.test_audit_message import SCHEMA

    events = [e for e in audit.list_events(db)
              if e.action in ("begin transferring", "images sent")]
    for event in events:
        assert SCHEMA.validate(etree.fromstring(event.message(AuditSource("VXACQ")))), \
            SCHEMA.error_log
    return events


def test_implicit_when_the_peer_refuses_explicit(tmp_path, db, study_files, more_storescp) -> None:
    scp = more_storescp("+xi")  # accept Implicit VR Little Endian only
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    for path in study_files:
        original = dcmread(path)
        arrived = dcmread(received(scp)[original.SOPInstanceUID])
        assert arrived.file_meta.TransferSyntaxUID == ImplicitVRLittleEndian
        del original.file_meta, arrived.file_meta
        assert arrived == original


@pytest.mark.parametrize("setting, option, syntax", [
    ("rle", "+xr", RLELossless),
    ("jpeg2000-lossless", "+xv", JPEG2000Lossless),
])
def test_lossless_compression_when_the_node_asks(tmp_path, db, study_files, more_storescp,
                                                 setting, option, syntax) -> None:
    scp = more_storescp(option)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port,
                                    "transfer_syntax": setting})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert_arrived_losslessly(scp, study_files, syntax)


def test_compression_falls_back_to_uncompressed(tmp_path, db, study_files, more_storescp) -> None:
    scp = more_storescp("+x=")  # uncompressed syntaxes only
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port, "transfer_syntax": "rle"})
    assert send(config, db, "pacs", study_files).state == JobState.DONE
    assert_arrived_unchanged(scp, study_files)


def test_a_study_goes_to_two_destinations_by_routing(tmp_path, db, study_files,
                                                     storescp, more_storescp) -> None:
    first, second = storescp, more_storescp()
    config = make_config(tmp_path, {"name": "pacs", "port": first.port},
                         {"name": "backup", "port": second.port},
                         {"name": "manual", "port": 1, "auto_store": False},
                         {"name": "ris", "port": 2, "services": ["worklist"]})
    dose = tmp_path / "images" / "dose.dcm"
    sr = Dataset()
    sr.SOPClassUID, sr.SOPInstanceUID = XRayRadiationDoseSRStorage, generate_uid()
    sr.Modality, sr.StudyInstanceUID = "SR", dcmread(study_files[0]).StudyInstanceUID
    sr.file_meta = FileMetaDataset()
    sr.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    sr.save_as(dose, enforce_file_format=True)
    with db.session() as s:
        patient = Patient(PatientID="P-7")
        s.add(patient)
        s.flush()
        study = Study(StudyInstanceUID=sr.StudyInstanceUID, patient_id=patient.id)
        s.add(study)
        s.flush()
        series = Series(SeriesInstanceUID=sr.StudyInstanceUID + ".1", study_id=study.id)
        s.add(series)
        s.flush()
        states = [ImageState.ACCEPTED, ImageState.REJECTED, ImageState.ACCEPTED]
        for number, (path, state) in enumerate(zip(study_files, states), start=1):
            ds = dcmread(path, stop_before_pixels=True)
            s.add(Image(series_id=series.id, SOPInstanceUID=ds.SOPInstanceUID,
                        SOPClassUID=ds.SOPClassUID, InstanceNumber=number,
                        file_path=str(path), state=state))
        s.add(Image(series_id=series.id, SOPInstanceUID=sr.SOPInstanceUID,
                    SOPClassUID=sr.SOPClassUID, InstanceNumber=9, file_path=str(dose)))
        study_id = study.id
    box = Outbox(config, db)
    box.start()
    try:
        job_ids = routing.route_study(config, db, study_id)
        jobs = box.wait_for(job_ids, timeout=60)
    finally:
        box.stop()
    assert sorted(j.node for j in jobs) == ["backup", "pacs"]
    assert all(j.state == JobState.DONE and j.study_id == study_id for j in jobs)
    wanted = {dcmread(p).SOPInstanceUID for p in (study_files[0], study_files[2], dose)}
    assert set(received(first)) == wanted and set(received(second)) == wanted
    config.station.auto_route = False
    assert routing.route_study(config, db, study_id) == []


def test_peer_down_at_first_then_up(tmp_path, db, study_files, storescp) -> None:
    peers._stop(storescp.process)  # the archive is down when the job is queued
    config = make_config(tmp_path, {"name": "pacs", "port": storescp.port, "retry_delay": 0.5})
    box = Outbox(config, db)
    box.start()
    restarted = None
    try:
        job_id = enqueue_store(db, "pacs", study_files)
        deadline = time.monotonic() + 10
        while get_job(db, job_id).attempts < 1 or get_job(db, job_id).state != JobState.QUEUED:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert "connection refused" in get_job(db, job_id).last_error
        # The same storescp comes back on its port.
        restarted = subprocess.Popen(storescp.command, cwd=storescp.workdir,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        [job] = box.wait_for([job_id], timeout=30)
    finally:
        box.stop()
        if restarted is not None:
            peers._stop(restarted)
    assert job.state == JobState.DONE and job.attempts >= 2 and job.last_error == ""
    assert len(received(storescp)) == 3


def test_association_rejected_fails_in_words(tmp_path, db, study_files, faulty) -> None:
    scp = faulty(lambda n, ds: 0x0000, require_called="REALNAME")
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port, "ae_title": "WRONGNAME"})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.FAILED and job.attempts == 1
    assert "rejected the association (permanent)" in job.last_error
    assert "check that 'WRONGNAME' is the peer's AE title" in job.last_error
    assert scp.calls == []


def test_abort_in_the_middle_resends_only_what_was_not_stored(tmp_path, db, study_files,
                                                             faulty) -> None:
    scp = faulty(lambda n, ds: "abort" if n == 2 else 0x0000)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE and job.attempts == 2, job.last_error
    uids = [str(dcmread(p).SOPInstanceUID) for p in study_files]
    # The first was acknowledged before the abort, so it is not sent again.
    assert scp.calls == [uids[0], uids[1], uids[1], uids[2]]
    # each association's transfer is audited: 1 of 3 (a partial failure), then the other 2
    sent = [e for e in transfers(db) if e.action == "images sent"]
    assert [(sum(e.data["sop_classes"].values()), e.data.get("outcome")) for e in sent] == \
        [(1, 4), (2, None)]


def test_out_of_resources_is_retried(tmp_path, db, study_files, faulty) -> None:
    scp = faulty(lambda n, ds: 0xA700 if n == 1 else 0x0000)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE and job.attempts == 2
    assert sorted(set(scp.calls)) == sorted(str(dcmread(p).SOPInstanceUID) for p in study_files)
    assert len(scp.calls) == 4  # the refused one once more


def test_data_set_mismatch_fails_with_status_and_words(tmp_path, db, study_files, faulty) -> None:
    scp = faulty(lambda n, ds: 0xA900 if n == 2 else 0x0000)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.FAILED and job.attempts == 1
    assert "1 of 3 file(s) could not be stored on pacs" in job.last_error
    assert "dx2.dcm: 0xA900" in job.last_error
    assert "does not match the SOP class" in job.last_error
    assert len(job.payload["checkpoint"]["sent"]) == 2  # the others were stored


def test_warning_statuses_count_as_stored(tmp_path, db, study_files, faulty) -> None:
    scp = faulty(lambda n, ds: 0xB000 if n == 1 else 0x0000)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE
    [warning] = job.payload["result"]["warnings"]
    assert "dx1.dcm: 0xB000" in warning and "coerced" in warning


def test_status_map() -> None:
    assert classify(0x0000)[0] == "success"
    assert [classify(s)[0] for s in (0xB000, 0xB006, 0xB007)] == ["warning"] * 3
    assert [classify(s)[0] for s in (0xA700, 0xA7FF, 0xC000, 0xC123)] == ["retry"] * 4
    assert [classify(s)[0] for s in (0xA900, 0xA9AB, 0x0122, 0x0124, 0xFFFF)] == ["failed"] * 5
    assert "out of resources" in classify(0xA701)[1]
    assert "not support this SOP class" in classify(0x0122)[1]


def test_commitment_is_queued_after_storing(tmp_path, db, study_files, storescp) -> None:
    scp = storescp
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port,
                                    "services": ["store", "commitment"]})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE
    [commit] = list_jobs(db, states=[JobState.QUEUED])
    assert commit.kind == JobKind.COMMITMENT and commit.node == "pacs"
    assert commit.payload["files"] == [str(p) for p in study_files]
    assert commit.payload["instances"] == [
        [str(ds.SOPClassUID), str(ds.SOPInstanceUID)]
        for ds in (dcmread(p, stop_before_pixels=True) for p in study_files)]


def test_unreadable_files_are_refused_before_queueing(tmp_path, db) -> None:
    junk = tmp_path / "junk.dcm"
    junk.write_bytes(b"not dicom at all")
    with pytest.raises(StoreFileError, match="not a DICOM file"):
        enqueue_store(db, "pacs", [junk])
    with pytest.raises(StoreFileError, match="no such file"):
        enqueue_store(db, "pacs", [tmp_path / "missing.dcm"])
    assert list_jobs(db) == []


def test_a_file_gone_before_sending_fails_the_job_and_sends_the_rest(
        tmp_path, db, study_files, storescp) -> None:
    scp = storescp
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job_id = enqueue_store(db, "pacs", study_files)
    study_files[1].unlink()
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    assert job.state == JobState.FAILED and "dx2.dcm: no such file" in job.last_error
    assert len(received(scp)) == 2


KILLED_RUNNER = textwrap.dedent("""
    import sys, time
    from vxacq import config as configuration
    from vxacq.db import open_database
    from vxacq.net.outbox import Outbox
    config = configuration.load(sys.argv[1])
    db = open_database(sys.argv[2])
    Outbox(config, db, owner="console").start()
    time.sleep(600)
""")


def test_console_killed_mid_job_resumes_and_loses_nothing(tmp_path, db, faulty) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    study = generate_uid()
    files = [write_dx(folder, n, study=study) for n in range(1, 7)]
    scp = faulty(lambda n, ds: 0x0000, delay=0.25)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port, "ae_title": "FAULTY"})
    config_path = configuration.save(config, tmp_path / "vxacq.toml")
    job_id = enqueue_store(db, "pacs", files)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    console = subprocess.Popen([sys.executable, "-c", KILLED_RUNNER, str(config_path),
                                str(db.path)], env=env)
    try:
        deadline = time.monotonic() + 30
        while len(get_job(db, job_id).payload.get("checkpoint", {}).get("sent", [])) < 2:
            assert time.monotonic() < deadline, "the console never got going"
            time.sleep(0.02)
    finally:
        console.send_signal(signal.SIGKILL)
        console.wait(10)
    half = get_job(db, job_id)
    assert half.state == JobState.RUNNING and half.claimed_by.split(":")[1] == str(console.pid)
    assert len(scp.calls) < len(files)
    box = Outbox(config, db)  # the restarted console
    box.start()
    try:
        [job] = box.wait_for([job_id], timeout=60)
    finally:
        box.stop()
    assert job.state == JobState.DONE
    uids = {str(dcmread(p).SOPInstanceUID) for p in files}
    assert set(scp.calls) == uids  # everything arrived, at least once
    assert job.attempts == 2


def test_store_and_queue_commands(tmp_path, study_files, storescp) -> None:
    import json

    scp = storescp
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port},
                         {"name": "down", "port": peers.free_port(), "retries": 0})
    config_path = configuration.save(config, tmp_path / "vxacq.toml")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))

    def vxacq(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "vxacq", *args, "--config", str(config_path)],
                              capture_output=True, text=True, env=env, timeout=60)

    ok = vxacq("store", "pacs", *map(str, study_files), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["state"] == "done" and len(received(scp)) == 3
    down = vxacq("store", "down", str(study_files[0]), "--wait")
    assert down.returncode == 1 and "failed" in down.stdout and "connection refused" in down.stdout
    listed = json.loads(vxacq("queue", "--json").stdout)
    assert [(j["node"], j["state"]) for j in listed] == [("down", "failed"), ("pacs", "done")]
    failed_id = listed[0]["id"]
    assert vxacq("queue", "cancel", str(failed_id)).returncode == 0
    again = vxacq("queue", "cancel", str(failed_id))
    assert again.returncode == 1 and "already cancelled" in again.stderr
    assert vxacq("queue", "retry", str(failed_id)).returncode == 0
    assert json.loads(vxacq("queue", "--json", "--state", "queued").stdout)[0]["id"] == failed_id
    bad = vxacq("store", "nowhere", str(study_files[0]))
    assert bad.returncode == 2 and "no node named 'nowhere'" in bad.stderr


def test_a_bare_data_set_without_file_meta_is_sent(tmp_path, db, storescp) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    original = dcmread(write_dx(folder, 1, study=generate_uid()))
    bare = folder / "bare.dcm"
    del original.file_meta
    original.save_as(bare, implicit_vr=True, little_endian=True)  # no preamble, no meta
    scp = storescp
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job = send(config, db, "pacs", [bare])
    assert job.state == JobState.DONE, job.last_error
    arrived = dcmread(received(scp)[original.SOPInstanceUID])
    del arrived.file_meta
    assert arrived == original


def test_a_truncated_or_garbled_file_is_never_queued(tmp_path, db, study_files) -> None:
    """Before: a truncated file was queued, and an archive stored the broken file 5 times."""
    data = study_files[0].read_bytes()
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(data[:-500])
    no_uid = tmp_path / "no_uid.dcm"
    ds = dcmread(study_files[1])
    del ds.SOPInstanceUID
    ds.save_as(no_uid, enforce_file_format=False)
    garbled = tmp_path / "garbled.dcm"
    garbled.write_bytes(data[:400] + bytes(range(256)) * 8)
    for path, words in ((truncated, "pixel data is cut short"), (no_uid, "no SOPInstanceUID"),
                        (garbled, str(garbled))):
        with pytest.raises(StoreFileError, match=re.escape(words)):
            enqueue_store(db, "pacs", [study_files[2], path])
    assert list_jobs(db) == []


def test_a_large_image_is_checked_as_whole_without_holding_its_pixels(tmp_path, db,
                                                                      storescp) -> None:
    """Pixel data above DEFER_BYTES stays on disk during the check, its length compared with
    what the file holds: cut short anywhere in it, the file is still refused; whole (with a
    large value inside a sequence item too), it is queued and arrives unchanged."""
    size = 800  # 800 x 801 16-bit pixels: more than DEFER_BYTES
    assert size * (size + 1) * 2 > store.DEFER_BYTES
    whole = write_dx(tmp_path, 1, study=generate_uid(), size=size)
    ds = dcmread(whole)
    item = Dataset()
    item.add_new(0x00090010, "LO", "VXACQ TEST")
    item.add_new(0x00091010, "OB", bytes(range(256)) * (store.DEFER_BYTES // 128))
    ds.ReferencedImageSequence = [item]
    ds.save_as(whole, enforce_file_format=True)
    data = whole.read_bytes()
    for cut in (500, size * size):  # near its end, and in its middle
        truncated = tmp_path / f"cut{cut}.dcm"
        truncated.write_bytes(data[:-cut])
        with pytest.raises(StoreFileError, match="pixel data is cut short"):
            enqueue_store(db, "pacs", [truncated])
    assert list_jobs(db) == []
    config = make_config(tmp_path, {"name": "pacs", "port": storescp.port})
    job = send(config, db, "pacs", [whole])
    assert job.state == JobState.DONE, job.last_error
    assert_arrived_unchanged(storescp, [whole])


def test_a_file_cut_short_before_its_pixel_data_is_never_queued(tmp_path, db) -> None:
    """Before: cut inside a value before the pixel data (a large private value in a sequence),
    pydicom read the file without its Pixel Data and without a word, and it was queued as
    whole. Now the element that runs past the end of the file is named, with what is missing."""
    whole = write_dx(tmp_path, 1, study=generate_uid())
    ds = dcmread(whole)
    item = Dataset()
    item.add_new(0x00090010, "LO", "VXACQ TEST")
    item.add_new(0x00091010, "OB", bytes(range(256)) * 64)
    ds.ReferencedImageSequence = [item]
    ds.save_as(whole, enforce_file_format=True)
    data = whole.read_bytes()
    private = data.index(bytes(range(256)) * 64)
    undefined = tmp_path / "undefined.dcm"
    ds["ReferencedImageSequence"].is_undefined_length = True
    ds.save_as(undefined, enforce_file_format=True)
    delimited = undefined.read_bytes()
    cases = {
        "in_private": (data[:private + 1000], "private element (0009,1010) in item 1 of "
                       "ReferencedImageSequence (0008,1140) runs past the end of the file: "
                       "15384 of its 16384 bytes are missing"),
        "in_plain": (data[:data.index("Müller".encode()) + 3], "PatientName (0010,0010) "
                     "runs past the end of the file"),
        "in_pixels": (data[:-500], "pixel data is cut short"),
        "no_delimiter": (delimited[:delimited.index(b"\xfe\xff\xdd\xe0")],
                         "ends before the end of ReferencedImageSequence (0008,1140) (no "
                         "sequence delimiter): the file is truncated"),
    }
    assert "PixelData" not in dcmread(io.BytesIO(cases["in_private"][0]))  # silently lost
    for name, (cut, words) in cases.items():
        path = tmp_path / f"{name}.dcm"
        path.write_bytes(cut)
        with pytest.raises(StoreFileError, match=re.escape(f"{path}: ") + ".*"
                           + re.escape(words)):
            enqueue_store(db, "pacs", [whole, path])
    assert list_jobs(db) == []
    for path in (whole, undefined):
        enqueue_store(db, "pacs", [path])
    assert len(list_jobs(db)) == 2


def test_a_fifo_is_refused_not_read_forever(tmp_path, db) -> None:
    fifo = tmp_path / "image.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(StoreFileError, match="not a regular file"):
        enqueue_store(db, "pacs", [fifo])
    assert time.monotonic() - started < 2


def test_a_file_both_the_archive_and_we_cannot_read_is_not_retried(tmp_path, db, study_files,
                                                                     faulty) -> None:
    """0xC000 for a file that also fails our own check (here cut short after it was queued)
    fails the job at once; an intact file's 0xC000 is still retried."""
    scp = faulty(lambda n, ds: 0xC000 if str(ds.SOPInstanceUID) in broken else 0x0000)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port})
    job_id = enqueue_store(db, "pacs", study_files)
    broken = {str(dcmread(study_files[0]).SOPInstanceUID)}
    study_files[0].write_bytes(study_files[0].read_bytes()[:-500])
    [job] = Outbox(config, db).drain([job_id], timeout=60)
    assert job.state == JobState.FAILED and job.attempts == 1, job.last_error
    assert "0xC000" in job.last_error and "fails a local check too" in job.last_error
    assert "not sent again" in job.last_error
    assert scp.calls.count(next(iter(broken))) == 1

    intact = [study_files[1]]
    broken = {str(dcmread(intact[0]).SOPInstanceUID)}
    job_id = enqueue_store(db, "pacs", intact)
    outbox = Outbox(config, db)
    [job] = outbox.drain([job_id], timeout=60)
    assert job.state == JobState.FAILED and job.attempts == 4  # 1 + retries = 3


def test_a_host_that_does_not_resolve_is_a_transient_fault_retried(tmp_path, db,
                                                                   study_files) -> None:
    """Before: the job failed at once as "unexpected error"."""
    config = make_config(tmp_path, {"name": "pacs", "host": "no-such-host.invalid",
                                    "port": 104, "retries": 1, "retry_delay": 0.1})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.FAILED and job.attempts == 2  # retried like a refusal
    assert "cannot be resolved" in job.last_error and "unexpected" not in job.last_error

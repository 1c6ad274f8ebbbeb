"""DICOMweb nodes against Debian's Orthanc with its DICOMweb plugin, HTTPS in front of it by
Debian's stunnel4 (Orthanc's own HTTPS closes every connection on this system) and HTTP basic
authentication: STOW-RS through the outbox, a refused password, a server that is down and then
up, QIDO-RS for priors, WADO-RS into the priors cache, the verification query. What Orthanc
cannot be made to do (answer a hostile QIDO-RS, check a bearer token) is a small HTTPS server
in this module."""

from __future__ import annotations

import http.server
import io
import json
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.uid import generate_uid
from sqlmodel import select

from vxacq import cli
from vxacq import config as configuration
from vxacq.db import AuditEvent, JobState, open_database
from vxacq.net import dicomweb, outbox
from vxacq.net.echo import echo
from vxacq.net.outbox import Outbox
from vxacq.net.retrieve import RetrieveError
from vxacq.net.store import enqueue_store
from vxacq.workflow import history, priors

import certs
import peers
from test_retrieve import image

PATIENT = "WEB-PRIOR-1"
USER, PASSWORD = "vxacq", "right-horse-battery"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> certs.Certificates:
    return certs.make(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[peers.Peer]:
    try:
        with peers.start_orthanc(tmp_path_factory.mktemp("peers"), dicomweb=True,
                                 users={USER: PASSWORD}) as peer:
            yield peer
    except peers.ToolMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def https(tmp_path_factory: pytest.TempPathFactory, orthanc: peers.Peer,
          pki: certs.Certificates) -> Iterator[peers.Peer]:
    try:
        with peers.start_stunnel(tmp_path_factory.mktemp("peers"), orthanc.http_port,
                                 pki.server.cert, pki.server.key) as front:
            yield front
    except peers.ToolMissing as exc:
        pytest.fail(str(exc), pytrace=False)


def secret(folder: Path, text: str, name: str = "secret") -> Path:
    path = folder / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return path


def web_node(port: int, pki: certs.Certificates, secret_file: Path, **extra: object) -> dict:
    return {"name": "cloud", "url": f"https://localhost:{port}{peers.ORTHANC_DICOMWEB_ROOT}",
            "services": ["store", "query"], "auth": "basic", "username": USER,
            "secret_file": str(secret_file), "tls_ca": str(pki.ca), "connect_timeout": 3,
            "dimse_timeout": 10, "retry_delay": 0.1, "retries": 3, **extra}


def station(tmp_path: Path, *nodes: dict) -> configuration.Config:
    return configuration.from_dict({"station": {"data_dir": str(tmp_path / "data")},
                                    "node": list(nodes)})


@pytest.fixture
def config(tmp_path: Path, https: peers.Peer, pki: certs.Certificates) -> configuration.Config:
    return station(tmp_path, web_node(https.port, pki, secret(tmp_path, PASSWORD)))


def in_orthanc(orthanc: peers.Peer, sop_instance: str) -> bool:
    found = peers.orthanc_rest(orthanc, "/tools/lookup", method="POST",
                               body=sop_instance.encode())
    return any(f.get("Type") == "Instance" for f in found or [])


# --- configuration ----------------------------------------------------------------------


def test_a_dicomweb_node_is_configured_by_its_url(tmp_path, pki):
    node = station(tmp_path, web_node(8443, pki, secret(tmp_path, "x"))).node("cloud")
    assert node.is_dicomweb and (node.host, node.port, node.ae_title) == ("localhost", 8443, "")
    saved = configuration.save(station(tmp_path, web_node(8443, pki, secret(tmp_path, "x"))),
                               tmp_path / "vxacq.toml")
    assert configuration.load(saved).node("cloud").url.endswith(":8443/dicom-web")
    assert PASSWORD not in saved.read_text()


@pytest.mark.parametrize("change, words", [
    ({"url": "http://pacs.example/dicom-web"}, "would send the password in clear text"),
    ({"url": "https://user:pw@pacs.example/dw"}, "must not hold a user name or password"),
    ({"url": "ftp://pacs.example/dw"}, "must be https://host"),
    ({"url": "https://pacs.example/dw/studies"}, "ends with /studies"),
    ({"services": ["store", "commitment"]}, "storage commitment is not applicable to DICOMweb"),
    ({"services": ["worklist"]}, "service 'worklist' is DIMSE only"),
    ({"auth": "digest"}, "auth 'digest' is not one of none, basic, bearer"),
    ({"username": ""}, "auth = \"basic\" needs username"),
    ({"secret_file": "/nonexistent/secret"}, "secret_file '/nonexistent/secret' cannot be read"),
    ({"auth": "none"}, "secret_file is set but auth is \"none\""),
    ({"host": "elsewhere.example"}, "differ from the url's 'localhost'"),
])
def test_a_bad_dicomweb_node_is_refused_in_words(tmp_path, pki, change, words):
    node = web_node(8443, pki, secret(tmp_path, "x"))
    node.update(change)
    if change.get("auth") == "none":
        node.pop("username")
    with pytest.raises(configuration.ConfigError, match="node 'cloud': .*" + _re(words)):
        station(tmp_path, node)


def test_a_secret_others_can_read_is_refused(tmp_path, pki):
    path = secret(tmp_path, "x")
    path.chmod(0o644)
    with pytest.raises(configuration.ConfigError, match="can be read by other users.*chmod 600"):
        station(tmp_path, web_node(8443, pki, path))


def _re(text: str) -> str:
    import re

    return re.escape(text)


# --- STOW-RS through the outbox ---------------------------------------------------------


def test_a_study_is_stored_by_stow_rs_through_the_outbox(tmp_path, config, orthanc):
    files = [image(tmp_path / f"{n}.dcm", study_uid=(study := generate_uid()) if n == 0
                   else study, patient_id=PATIENT) for n in range(2)]
    db = open_database(tmp_path / "exam.db", create=True)
    job_id = enqueue_store(db, "cloud", files)
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    assert job.state == JobState.DONE, job.last_error
    result = job.payload["result"]
    assert result["stored"] == 2 and "not applicable" in result["commitment"]
    uids = {str(dcmread(path).SOPInstanceUID) for path in files}
    assert all(in_orthanc(orthanc, uid) for uid in uids)
    assert set(job.payload["checkpoint"]["sent"]) == uids
    with db.session() as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "begin transferring" in actions and "images sent" in actions


def test_commitment_is_not_applicable_in_the_history(tmp_path, config):
    from vxacq.db.models import Image, Patient, Series, Study

    path = image(tmp_path / "h.dcm", study_uid=generate_uid(), patient_id=PATIENT)
    ds = dcmread(path)
    db = open_database(tmp_path / "exam.db", create=True)
    with db.session() as session:
        patient = Patient(PatientID=PATIENT, PatientName="Prior^Paula")
        session.add(patient)
        session.flush()
        study = Study(patient_id=patient.id, StudyInstanceUID=ds.StudyInstanceUID)
        session.add(study)
        session.flush()
        series = Series(study_id=study.id, SeriesInstanceUID=ds.SeriesInstanceUID,
                        Modality="DX", SeriesNumber=1)
        session.add(series)
        session.flush()
        session.add(Image(series_id=series.id, SOPInstanceUID=ds.SOPInstanceUID,
                          SOPClassUID=ds.SOPClassUID, InstanceNumber=1, state="accepted",
                          file_path=str(path.resolve())))
        study_id = int(study.id)
    job_id = enqueue_store(db, "cloud", [path], study_id=study_id)
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    assert job.state == JobState.DONE, job.last_error
    [status] = history.image_status(db, study_id)
    assert status.sent["cloud"] == "sent"
    assert status.committed["cloud"].startswith("not applicable: DICOMweb")


def test_a_wrong_password_fails_the_job_in_words_and_it_can_be_retried(tmp_path, https, pki,
                                                                      orthanc):
    wrong = secret(tmp_path, "not-the-password")
    config = station(tmp_path, web_node(https.port, pki, wrong))
    path = image(tmp_path / "p.dcm", study_uid=generate_uid(), patient_id=PATIENT)
    db = open_database(tmp_path / "exam.db", create=True)
    job_id = enqueue_store(db, "cloud", [path])
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    assert job.state == JobState.FAILED and job.attempts == 1
    assert "HTTP 401" in job.last_error and "user name or password" in job.last_error
    assert job.payload["files"] == [str(path.resolve())]
    secret(tmp_path, PASSWORD, name=wrong.name)  # the service engineer corrects it
    outbox.retry(db, job_id)
    [job] = Outbox(config, db).drain([job_id], timeout=30)
    assert job.state == JobState.DONE, job.last_error


def test_a_server_down_is_retried_until_it_is_up(tmp_path, orthanc, pki):
    port = peers.free_port()
    config = station(tmp_path, web_node(port, pki, secret(tmp_path, PASSWORD)))
    path = image(tmp_path / "d.dcm", study_uid=generate_uid(), patient_id=PATIENT)
    db = open_database(tmp_path / "exam.db", create=True)
    job_id = enqueue_store(db, "cloud", [path])
    box = Outbox(config, db)
    box.run_once([job_id])
    job = outbox.get_job(db, job_id)
    assert job.state == JobState.QUEUED and job.attempts == 1
    assert "cannot be reached" in job.last_error and "will retry" in job.last_error
    with peers.start_stunnel(tmp_path / "peers", orthanc.http_port, pki.server.cert,
                             pki.server.key, port=port):
        [job] = box.drain([job_id], timeout=30)
    assert job.state == JobState.DONE and job.attempts == 2, job.last_error


def test_a_server_certificate_from_an_unknown_ca_is_refused(tmp_path, https, pki):
    config = station(tmp_path, web_node(https.port, pki, secret(tmp_path, PASSWORD),
                                        tls_ca=str(pki.stranger_ca)))
    result = echo(config, config.node("cloud"))
    assert not result.ok and result.kind == "tls"
    assert "signed by a CA we do not trust" in result.message


# --- QIDO-RS and WADO-RS for priors -----------------------------------------------------


@pytest.fixture(scope="module")
def prior_study(tmp_path_factory: pytest.TempPathFactory, orthanc: peers.Peer) -> str:
    folder = tmp_path_factory.mktemp("web-priors")
    study = generate_uid()
    for n, view in enumerate(("PA", "LL")):
        path = image(folder / f"{n}.dcm", study_uid=study, patient_id=PATIENT, view=view,
                     date="20240505")
        peers.orthanc_rest(orthanc, "/instances", method="POST", body=path.read_bytes())
    return study


def test_qido_rs_finds_a_prior(config, prior_study):
    answer = priors.find_priors(config, PATIENT, modality="DX")
    assert answer.errors == [] and answer.asked == ["cloud"]
    found = [p for p in answer.priors if p.study.StudyInstanceUID == prior_study]
    assert len(found) == 1 and found[0].node == "cloud"
    assert found[0].study.PatientID == PATIENT and found[0].study.StudyDate == "20240505"
    assert all(p.study.PatientID == PATIENT for p in answer.priors)


def test_qido_rs_lists_a_studys_series(config, prior_study):
    from vxacq.net.query import find_series

    series = find_series(config, config.node("cloud"), prior_study)
    assert len(series) == 2 and {s.Modality for s in series} == {"DX"}


def test_wado_rs_retrieves_a_prior_into_the_cache(config, prior_study):
    outcome = priors.retrieve_prior(config, "cloud", prior_study, PatientID=PATIENT)
    assert outcome.partial == "" and len(outcome.files) == 2
    assert [(c.StudyInstanceUID, c.files, c.node) for c in priors.cached_studies(config)] == \
        [(prior_study, 2, "cloud")]
    shown = priors.priors_for_patient(config, PATIENT, "CHEST", "LL")
    assert [i.ViewPosition for i in shown] == ["LL", "PA"]


def test_wado_rs_of_another_patient_keeps_nothing(config, prior_study):
    with pytest.raises(RetrieveError, match="every object was refused.*another patient"):
        priors.retrieve_prior(config, "cloud", prior_study, PatientID="SOMEONE-ELSE")
    assert priors.cached_studies(config) == []
    assert list((config.data_dir / "priors" / prior_study).glob("*.dcm")) == []


def test_the_verification_query(tmp_path, config, https, pki, capsys):
    path = configuration.save(config, tmp_path / "vxacq.toml")
    assert cli.main(["--config", str(path), "echo", "cloud"]) == 0
    assert "cloud (https://localhost:" in capsys.readouterr().out
    # the vxacq program, which keeps pydicom's pixel codecs out of an echo's process
    program = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(path), "echo",
                              "cloud"], capture_output=True, text=True, timeout=60)
    assert program.returncode == 0, program.stderr
    assert "DICOMweb OK, QIDO-RS answered" in program.stdout
    result = echo(config, config.node("cloud"))
    assert result.ok, result.message
    assert "DICOMweb OK, QIDO-RS answered" in result.describe()
    wrong = station(tmp_path, web_node(https.port, pki, secret(tmp_path, "nope", "wrong")))
    result = echo(wrong, wrong.node("cloud"))
    assert not result.ok and result.kind == "auth" and "HTTP 401" in result.message
    path = configuration.save(wrong, tmp_path / "wrong.toml")
    program = subprocess.run([sys.executable, "-m", "vxacq", "--config", str(path), "echo",
                              "cloud"], capture_output=True, text=True, timeout=60)
    assert program.returncode == 1 and "HTTP 401" in program.stderr, program.stderr


# --- what Orthanc cannot do: a hostile answer, a bearer token --------------------------------


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers every request with ``answer`` (a STOW-RS POST with ``stow(uid)``, given the SOP
    Instance UID it was sent) and keeps each Authorization header, each Accept header and each
    request's path."""

    answer: tuple[int, str, bytes] = (200, "application/dicom+json", b"[]")
    stow = None
    seen: list[str] = []
    accepted: list[str] = []
    paths: list[str] = []
    posted: list[str] = []  # each POST's Content-Type

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Scripted.posted.append(self.headers.get("Content-Type", ""))
        sent = dcmread(io.BytesIO(body.split(b"\r\n\r\n", 1)[1]), force=True)
        Scripted.answer = Scripted.stow(str(sent.SOPInstanceUID))
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Scripted.seen.append(self.headers.get("Authorization", ""))
        Scripted.accepted.append(self.headers.get("Accept", ""))
        Scripted.paths.append(self.path)
        status, content_type, body = Scripted.answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def https_server(handler: type[http.server.BaseHTTPRequestHandler], cert: Path,
                 key: Path) -> Iterator[int]:
    """``handler`` served over TLS with ``cert`` on 127.0.0.1; yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def scripted(pki: certs.Certificates) -> Iterator[int]:
    with https_server(Scripted, pki.server.cert, pki.server.key) as port:
        yield port


def study_json(patient: str, uid: str = "1.2.3.4") -> dict:
    return {"0020000D": {"vr": "UI", "Value": [uid]}, "00100020": {"vr": "LO",
                                                                   "Value": [patient]},
            "00080061": {"vr": "CS", "Value": ["DX"]}}


@pytest.mark.parametrize("answer, words", [
    ((200, "text/html", b"<html>login</html>"), "'text/html', not application/dicom+json"),
    ((200, "application/dicom+json", b"[{\"0020000D\": "), "malformed JSON"),
    ((200, "application/dicom+json", b'[{"patient": "x"}]'), "not DICOM JSON"),
    ((200, "application/dicom+json", json.dumps([study_json("SOMEONE-ELSE")]).encode()),
     "a study of another patient"),
    ((200, "application/dicom+json", json.dumps([study_json(PATIENT, "1.2.3;rm")]).encode()),
     "is not a UID"),
    ((200, "application/dicom+json", json.dumps([study_json(PATIENT)] * 3).encode()),
     "3 studies, more than the 2 asked for"),
    ((503, "text/plain", b"busy"), "HTTP 503"),
    ((200, "text/" + "x" * 5000, b""), "x" * 70 + "', not application/dicom+json"),
])
def test_a_hostile_qido_answer_is_refused_in_words(tmp_path, scripted, pki, answer, words):
    Scripted.answer = answer
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD),
                                        worklist_match_limit=2))
    result = priors.find_priors(config, PATIENT)
    assert result.priors == []
    [error] = result.errors
    assert error.startswith("cloud: ") and words in error and len(error) < 400
    assert "the answer was not used" in error or "will retry" in error


def stow_answer(status: int, referenced: bool, reason: int | None = None):
    def answer(uid: str) -> tuple[int, str, bytes]:
        item = {"00081150": {"vr": "UI", "Value": ["1.2.840.10008.5.1.4.1.1.1.1"]},
                "00081155": {"vr": "UI", "Value": [uid]}}
        response = {}
        if referenced:
            response["00081199"] = {"vr": "SQ", "Value": [item]}
        if reason is not None:
            response["00081198"] = {"vr": "SQ", "Value": [
                {**item, "00081197": {"vr": "US", "Value": [reason]}}]}
        return status, "application/dicom+json", json.dumps(response).encode()
    return answer


@pytest.mark.parametrize("answer, state, words", [
    (stow_answer(200, referenced=False), JobState.FAILED,
     "does not name the instance as stored or failed; not counted as stored"),
    (stow_answer(409, referenced=False, reason=0xA700), JobState.QUEUED,
     "failure reason 0xA700: refused: the archive is out of resources"),
    (stow_answer(409, referenced=False, reason=0x0122), JobState.FAILED,
     "failure reason 0x0122: refused: the archive does not support this SOP class"),
    (stow_answer(202, referenced=True), JobState.DONE, ""),
    # a reason outside US's range is no status: not read as 0xA700 (retried) by its low bits
    (stow_answer(409, referenced=False, reason=0x1A700), JobState.FAILED,
     "refused without a failure reason that is a status"),
    (lambda uid: (500, "text/plain", b"oops"), JobState.QUEUED, "HTTP 500"),
    (lambda uid: (413, "text/plain", b"too big"), JobState.FAILED, "HTTP 413"),
])
def test_a_stow_rs_answer_is_read_instance_by_instance(tmp_path, scripted, pki, answer, state,
                                                       words):
    Scripted.stow = answer
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD),
                                        retry_delay=60))
    path = image(tmp_path / "s.dcm", study_uid=generate_uid(), patient_id=PATIENT)
    db = open_database(tmp_path / "exam.db", create=True)
    job_id = enqueue_store(db, "cloud", [path])
    Outbox(config, db).run_once([job_id])
    job = outbox.get_job(db, job_id)
    assert job.state == state and words in job.last_error
    assert bool(job.payload.get("checkpoint", {}).get("sent")) == (state == JobState.DONE)
    if state == JobState.DONE:
        assert "warning" in job.payload["result"]["warnings"][0]


@pytest.mark.parametrize("answer, words", [
    ((200, "application/dicom", b"DICM"), "not multipart/related with a boundary"),
    ((200, 'multipart/related; type="application/dicom"; boundary=xx',
      b"--xx\r\nContent-Type: application/dicom\r\n\r\nDICM"),
     "does not end with its closing boundary"),
    ((200, 'multipart/related; type="application/dicom"; boundary=xx',
      b"--xx\r\nContent-Type: application/dicom\r\n\r\nnot dicom\r\n--xx--"),
     "cannot be decoded"),
    ((200, 'multipart/related; type="application/dicom"; boundary=xx',
      b"--xx\r\nContent-Type: application/dicom\r\n\r\nnot dicom--xx--"),
     "does not end with its closing boundary"),
    ((200, 'multipart/related; type="application/dicom"; boundary=xx',
      b"--xx\r\nContent-Type: text/plain\r\n\r\n\r\n" * 1001 + b"--xx--"),
     "more than 1000 parts"),
    ((200, 'multipart/related; boundary="' + "x" * 71 + '"', b""),
     "not multipart/related with a boundary"),
    ((200, 'multipart/related; type="application/dicom"; boundary="a;b"',
      b"--a;b\r\nContent-Type: multipart/related; boundary=in\r\n\r\n--in--\r\n--a;b--"),
     "a part of type 'multipart/related' is not DICOM"),
    ((404, "text/plain", b""), "no DICOMweb service at this url"),
    ((204, "text/plain", b""), "has nothing for the WADO-RS study retrieve: HTTP 204 No Content: "
                               "the server has no such instances or series"),
])
def test_a_hostile_wado_answer_keeps_nothing(tmp_path, scripted, pki, answer, words):
    Scripted.answer = answer
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    study = generate_uid()
    with pytest.raises(RetrieveError, match=_re(words)):
        priors.retrieve_prior(config, "cloud", study, PatientID=PATIENT)
    assert priors.cached_studies(config) == []
    assert list((config.data_dir / "priors").rglob("*.dcm")) == []


def test_wado_rs_asks_for_explicit_vr_little_endian_and_refuses_a_compressed_instance(
        tmp_path, scripted, pki):
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEG2000Lossless

    study = generate_uid()
    path = image(tmp_path / "j.dcm", study_uid=study, patient_id=PATIENT)
    ds = dcmread(path)
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless  # as a server sends what it stored
    ds.PixelData = encapsulate([b"\xff\x4f\xff\x51 not decoded here"])
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    body, content_type = dicomweb.multipart([out.getvalue()])
    Scripted.answer = (200, content_type, body)
    Scripted.accepted.clear()
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    with pytest.raises(RetrieveError, match="transfer syntax 1.2.840.10008.1.2.4.90 is not"):
        priors.retrieve_prior(config, "cloud", study, PatientID=PATIENT)
    assert Scripted.accepted == ['multipart/related; type="application/dicom"; '
                                 "transfer-syntax=1.2.840.10008.1.2.1"]
    assert list((config.data_dir / "priors").rglob("*.dcm")) == []


class Trickle(http.server.BaseHTTPRequestHandler):
    """Announces ``length`` bytes of ``content_type``, then sends ``sent`` bytes a byte every
    0.2 s and closes (or goes on while the client listens, when ``sent`` is None)."""

    content_type = "application/dicom+json"
    length = 1000
    sent: int | None = None

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", Trickle.content_type)
        self.send_header("Content-Length", str(Trickle.length))
        self.end_headers()
        try:
            for _ in range(Trickle.length if Trickle.sent is None else Trickle.sent):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def trickle(pki: certs.Certificates) -> Iterator[int]:
    with https_server(Trickle, pki.server.cert, pki.server.key) as port:
        yield port


def test_an_answer_sent_a_byte_at_a_time_is_given_up_at_dimse_timeout(tmp_path, trickle, pki):
    Trickle.sent, Trickle.content_type = None, "application/dicom+json"
    config = station(tmp_path, web_node(trickle, pki, secret(tmp_path, PASSWORD),
                                        dimse_timeout=1))
    started = time.monotonic()
    [error] = priors.find_priors(config, PATIENT).errors
    assert time.monotonic() - started < 3
    assert "did not finish its answer to the QIDO-RS study query within 1 s" in error


def test_a_retrieve_sent_a_byte_at_a_time_is_given_up_at_retrieve_timeout(tmp_path, trickle,
                                                                           pki):
    Trickle.sent, Trickle.content_type = None, 'multipart/related; boundary=xx'
    config = station(tmp_path, web_node(trickle, pki, secret(tmp_path, PASSWORD),
                                        dimse_timeout=10, retrieve_timeout=1))
    started = time.monotonic()
    with pytest.raises(RetrieveError, match="within the time allowed .retrieve_timeout."):
        priors.retrieve_prior(config, "cloud", generate_uid(), PatientID=PATIENT)
    assert time.monotonic() - started < 3


def test_an_answer_cut_short_is_not_used(tmp_path, trickle, pki):
    Trickle.sent, Trickle.content_type = 3, "application/dicom+json"
    config = station(tmp_path, web_node(trickle, pki, secret(tmp_path, PASSWORD)))
    [error] = priors.find_priors(config, PATIENT).errors
    assert "closed the connection before the end of its answer" in error


def test_a_boundary_inside_an_instance_is_not_a_delimiter(tmp_path, scripted, pki):
    study = generate_uid()
    path = image(tmp_path / "b.dcm", study_uid=study, patient_id=PATIENT)
    ds = dcmread(path)
    ds.StudyDescription = "Chest --xx"  # the boundary's bytes, not at the start of a line
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    body = b"--xx\r\nContent-Type: application/dicom\r\n\r\n" + out.getvalue() + b"\r\n--xx--"
    Scripted.answer = (200, 'multipart/related; type="application/dicom"; boundary=xx', body)
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    outcome = priors.retrieve_prior(config, "cloud", study, PatientID=PATIENT)
    assert outcome.partial == "" and len(outcome.files) == 1
    assert dcmread(outcome.files[0]).StudyDescription == "Chest --xx"


ODD = "A B*?&1"  # a space, QIDO-RS wildcards and a query separator in one patient ID


def test_qido_rs_encodes_a_patient_id_and_never_takes_a_wildcard_match(tmp_path, scripted, pki):
    Scripted.answer = (200, "application/dicom+json", json.dumps(
        [study_json(ODD, "1.2.3.1"), study_json("A BX?&1", "1.2.3.2")]).encode())
    Scripted.paths.clear()
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    answer = priors.find_priors(config, ODD)
    assert answer.errors == []
    assert [p.study.StudyInstanceUID for p in answer.priors] == ["1.2.3.1"]
    [path] = Scripted.paths
    assert "PatientID=A%20B%2A%3F%261&" in path


def test_a_wildcard_answer_at_its_limit_is_not_used(tmp_path, scripted, pki):
    Scripted.answer = (200, "application/dicom+json", json.dumps(
        [study_json("A BX?&1", "1.2.3.2"), study_json("A BY?&1", "1.2.3.3")]).encode())
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD),
                                        worklist_match_limit=2))
    answer = priors.find_priors(config, ODD)
    assert answer.priors == []
    [error] = answer.errors
    assert "holds * or ?" in error and "the answer was not used" in error


def test_a_bearer_token_is_sent(tmp_path, scripted, pki):
    Scripted.answer = (200, "application/dicom+json", json.dumps([study_json(PATIENT)]).encode())
    Scripted.seen.clear()
    token = secret(tmp_path, "eyJ0b2tlbiI6InRlc3QifQ.sig")
    node = web_node(scripted, pki, token, auth="bearer")
    node.pop("username")
    config = station(tmp_path, node)
    [prior] = priors.find_priors(config, PATIENT).priors
    assert prior.study.StudyInstanceUID == "1.2.3.4"
    assert Scripted.seen == ["Bearer eyJ0b2tlbiI6InRlc3QifQ.sig"]


def test_a_secret_file_gone_since_loading_is_said_before_connecting(tmp_path, pki):
    node = configuration.NodeConfig(name="cloud", ae_title="", host="localhost", port=9,
                                    url="https://localhost:9/dw", auth="basic", username=USER,
                                    secret_file=str(tmp_path / "missing"))
    with pytest.raises(dicomweb.DicomNetworkError, match="secret_file .* cannot be read"):
        dicomweb.verify(node)


def test_a_secret_that_is_no_bearer_token_is_said_without_showing_it(tmp_path, pki):
    node = configuration.NodeConfig(name="cloud", ae_title="", host="localhost", port=9,
                                    url="https://localhost:9/dw", auth="bearer",
                                    secret_file=str(secret(tmp_path, "s\u00e9same \u20ac42")))
    with pytest.raises(dicomweb.DicomNetworkError, match="does not hold a bearer token") as info:
        dicomweb.verify(node)
    assert "same" not in str(info.value) and info.value.kind == "config"


@pytest.mark.parametrize("study, series", [("1.2.9", "1.2.3.4.5"), ("1.2.3", "1.2;x")])
def test_a_qido_series_answer_of_another_study_is_refused(tmp_path, scripted, pki, study,
                                                          series):
    from vxacq.net.query import find_series

    Scripted.answer = (200, "application/dicom+json", json.dumps([
        {"0020000D": {"vr": "UI", "Value": [study]}, "0020000E": {"vr": "UI", "Value": [series]},
         "00080060": {"vr": "CS", "Value": ["DX"]}}]).encode())
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    with pytest.raises(dicomweb.DicomNetworkError, match="a series of another study"):
        find_series(config, config.node("cloud"), "1.2.3")


def test_a_certificate_for_another_host_is_refused_before_the_password_is_sent(tmp_path, pki):
    Scripted.seen.clear()
    # our CA, another name
    with https_server(Scripted, pki.other_host.cert, pki.other_host.key) as port:
        config = station(tmp_path, web_node(port, pki, secret(tmp_path, PASSWORD)))
        result = echo(config, config.node("cloud"))
    assert not result.ok and result.kind == "tls", result.message
    assert Scripted.seen == []  # no request, so no Authorization header, reached it


def test_a_redirect_is_not_followed(tmp_path, scripted, pki):
    Scripted.answer = (302, "text/plain", b"")
    Scripted.seen.clear()
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    [error] = priors.find_priors(config, PATIENT).errors
    assert "HTTP 302" in error and "a redirect, which is not followed" in error
    assert len(Scripted.seen) == 1


def test_stow_rs_sends_the_media_types_of_ps3_18(tmp_path, scripted, pki):
    import re

    Scripted.stow = stow_answer(200, referenced=True)
    Scripted.posted.clear()
    Scripted.accepted.clear()
    config = station(tmp_path, web_node(scripted, pki, secret(tmp_path, PASSWORD)))
    path = image(tmp_path / "m.dcm", study_uid=generate_uid(), patient_id=PATIENT)
    db = open_database(tmp_path / "exam.db", create=True)
    job_id = enqueue_store(db, "cloud", [path])
    Outbox(config, db).run_once([job_id])
    assert outbox.get_job(db, job_id).state == JobState.DONE
    [content_type] = Scripted.posted
    assert re.fullmatch(r'multipart/related; type="application/dicom"; boundary=vxacq-[0-9a-f]{32}',
                        content_type)
    assert Scripted.accepted == ["application/dicom+json"]

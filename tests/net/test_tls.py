"""DICOM over TLS (PS3.15 Annex B): our associations and our listener against real TLS peers
(DCMTK storescp/echoscu +tls), with certificates made by the tests; each failure in distinct
words; files checked at load."""

from __future__ import annotations

import socket
import ssl
import struct
import subprocess
import time
from pathlib import Path

import pytest
from pydicom import dcmread

from vxacq import config as configuration
from vxacq.db import JobState
from vxacq.net.echo import echo
from vxacq.net.listener import Listener

import certs
import peers
from faulty_scp import free_port
from test_store import (  # noqa: F401  (fixtures)
    assert_arrived_unchanged, db, make_config, received, send, study_files,
)

CONSOLE = "CONSOLE"


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> certs.Certificates:
    return certs.make(tmp_path_factory.mktemp("pki"))


def tls_node(pki: certs.Certificates, port: int, **extra) -> dict:
    return {"name": "pacs", "port": port, "tls": True, "tls_ca": str(pki.ca),
            "tls_cert": str(pki.client.cert), "tls_key": str(pki.client.key),
            "host": "localhost", **extra}


def dcmtk_tls(pki: certs.Certificates, pair: certs.Pair | None = None) -> list[str]:
    """DCMTK's options for TLS with ``pair`` (our client by default), trusting our CA."""
    pair = pair or pki.client
    return ["+tls", str(pair.key), str(pair.cert), "+cf", str(pki.ca)]


@pytest.fixture
def tls_storescp(tmp_path: Path, pki: certs.Certificates):
    def ready(peer: peers.Peer) -> bool:
        command = [peers.tool("echoscu"), "-aec", peer.ae_title, "-to", "2", "-ta", "2",
                   *dcmtk_tls(pki), "localhost", str(peer.port)]
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0

    server = dcmtk_tls(pki, pki.server)
    with peers.start_storescp(tmp_path, extra_args=server, ready=ready) as peer:
        yield peer


def console_config(tmp_path: Path, pki: certs.Certificates, **station) -> configuration.Config:
    """Our station with a TLS listener; one node (the test's caller) known by AE title."""
    return configuration.from_dict({
        "station": {"ae_title": CONSOLE, "listen_port": free_port(), "tls_port": free_port(),
                    "tls_cert": str(pki.server.cert), "tls_key": str(pki.server.key),
                    "tls_ca": str(pki.ca), "data_dir": str(tmp_path / "data"), **station},
        "node": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1", "port": 104,
                  "services": ["store"]}]})


@pytest.fixture
def tls_listener(tmp_path: Path, pki: certs.Certificates):
    events: list[tuple[str, str]] = []

    def start(**station) -> tuple[Listener, list[tuple[str, str]]]:
        listener = Listener(console_config(tmp_path, pki, **station),
                            security_event=lambda a, d: events.append((a, d)))
        status = listener.start()
        assert status.running and status.tls_port, status.describe()
        started.append(listener)
        return listener, events

    started: list[Listener] = []
    yield start
    for listener in started:
        listener.stop()


# --- configuration -------------------------------------------------------------------------


def test_tls_files_are_checked_at_load(tmp_path, pki) -> None:
    def node(**tls) -> None:
        configuration.from_dict({"node": [{"name": "pacs", "ae_title": "PACS", "host": "h",
                                           "port": 104, "services": ["store"], "tls": True,
                                           **tls}]})

    with pytest.raises(configuration.ConfigError, match=r"node 'pacs'.*tls_ca '/nowhere/ca.pem' is not a file"):
        node(tls_ca="/nowhere/ca.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(configuration.ConfigError, match=r"tls_ca '.*junk.pem' cannot be read as PEM"):
        node(tls_ca=str(junk))
    with pytest.raises(configuration.ConfigError, match=r"tls_cert '.*client.pem' / tls_key '.*server.key' cannot be loaded"):
        node(tls_cert=str(pki.client.cert), tls_key=str(pki.server.key))  # not its key
    with pytest.raises(configuration.ConfigError, match="tls_key is set but tls_cert is not"):
        node(tls_key=str(pki.client.key))
    node(tls_ca=str(pki.ca), tls_cert=str(pki.client.cert), tls_key=str(pki.client.key))
    with pytest.raises(configuration.ConfigError, match=r"station: tls_cert is required"):
        console_config(tmp_path, pki, tls_cert="", tls_key="")
    with pytest.raises(configuration.ConfigError, match="tls_require_client_cert needs tls_ca"):
        console_config(tmp_path, pki, tls_ca="")
    with pytest.raises(configuration.ConfigError, match="tls_port 11112 is also listen_port"):
        console_config(tmp_path, pki, tls_port=11112, listen_port=11112)
    # a file gone after loading: the association is not tried, the job not retried blindly
    ca = tmp_path / "ca-copy.pem"
    ca.write_bytes(pki.ca.read_bytes())
    config = make_config(tmp_path, tls_node(pki, free_port(), tls_ca=str(ca)))
    ca.unlink()
    result = echo(config, config.node("pacs"))
    assert (result.ok, result.kind) == (False, "tls")
    assert "our TLS settings for the node cannot be used" in result.message


# --- our associations against DCMTK --------------------------------------------------------


def test_echo_and_store_over_tls_to_storescp(tmp_path, pki, db, study_files, tls_storescp) -> None:
    config = make_config(tmp_path, tls_node(pki, tls_storescp.port))
    result = echo(config, config.node("pacs"))
    assert result.ok, result.message
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert len(received(tls_storescp)) == 3
    assert_arrived_unchanged(tls_storescp, study_files)
    # small PDUs: many fragments per file through the TLS send path
    small = make_config(tmp_path, tls_node(pki, tls_storescp.port, max_pdu=4096))
    assert send(small, db, "pacs", study_files[:1]).state == JobState.DONE


def test_tls_failures_in_distinct_words(tmp_path, pki, db, study_files, tls_listener) -> None:
    """Against our own TLS listener, each certificate problem in its own words; a store job
    with a certificate problem fails at once (retrying soon cannot mend it), kept for the user."""
    cases = [
        (pki.expired, {}, "TLS certificate has expired"),
        (pki.stranger, {}, "signed by a CA we do not trust"),
        (pki.other_host, {}, "not issued for this host name"),
    ]
    for server, node_extra, words in cases:
        listener, _ = tls_listener(tls_cert=str(server.cert), tls_key=str(server.key))
        port = listener.status.tls_port
        config = make_config(tmp_path, tls_node(pki, port, ae_title=CONSOLE, **node_extra))
        result = echo(config, config.node("pacs"))
        assert (result.ok, result.kind) == (False, "tls"), result.message
        assert words in result.message and "over TLS" in result.message
        listener.stop()
    listener, events = tls_listener()
    tls_port, plain_port = listener.status.tls_port, listener.config.station.listen_port
    # no client certificate where one is required: both sides say so
    config = make_config(tmp_path, tls_node(pki, tls_port, ae_title=CONSOLE, tls_cert="",
                                            tls_key=""))
    result = echo(config, config.node("pacs"))
    assert "requires a client certificate and we sent none" in result.message
    assert any("sent no certificate" in detail for _, detail in events), events
    # a plain association to the TLS port, and a TLS one to the plain port
    plain = make_config(tmp_path, {"name": "pacs", "ae_title": CONSOLE, "port": tls_port})
    result = echo(plain, plain.node("pacs"))
    assert "takes only DICOM over TLS on this port; set the node's tls = true" in result.message
    assert any("spoke plain DICOM (not TLS) to the TLS port" in detail
               for _, detail in events), events
    config = make_config(tmp_path, tls_node(pki, plain_port, ae_title=CONSOLE))
    result = echo(config, config.node("pacs"))
    assert (result.ok, result.kind) == (False, "tls") and "plain DICOM" in result.message
    # the queue keeps the job: failed with the reason, not lost
    expired, _ = tls_listener(tls_cert=str(pki.expired.cert), tls_key=str(pki.expired.key))
    config = make_config(tmp_path, tls_node(pki, expired.status.tls_port, ae_title=CONSOLE))
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.FAILED and job.attempts == 1
    assert "TLS certificate has expired" in job.last_error
    # and a security alert in the audit trail, naming the node
    from vxacq.security import audit

    [alert] = [e for e in audit.list_events(db) if e.action == "TLS failure"]
    assert "TLS certificate has expired" in alert.detail
    assert alert.data["peer_address"] == config.node("pacs").host


# --- our listener against DCMTK ------------------------------------------------------------


def test_echoscu_over_tls_to_our_listener(tls_listener, pki) -> None:
    listener, events = tls_listener()
    port = listener.status.tls_port
    command = [peers.tool("echoscu"), "-aet", "PACS", "-aec", CONSOLE, "-to", "5", "-ta", "5"]
    ok = subprocess.run(command + dcmtk_tls(pki) + ["127.0.0.1", str(port)],
                        capture_output=True, timeout=30)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert listener.status.echoes_answered == 1
    stranger = subprocess.run(command + dcmtk_tls(pki, pki.stranger) + ["127.0.0.1", str(port)],
                              capture_output=True, timeout=30)
    assert stranger.returncode != 0 and listener.status.echoes_answered == 1
    assert any("certificate was refused" in detail for _, detail in events), events


def test_buffered_tls_pdus_are_not_stranded(tls_listener, pki) -> None:
    """A caller that writes its C-ECHO request and its release request in one TLS record: the
    release is read from TLS's buffer at once, not when the peer sends more (it never will)."""
    listener, _ = tls_listener()
    context = ssl.create_default_context(cafile=str(pki.ca))
    context.load_cert_chain(str(pki.client.cert), str(pki.client.key))
    with socket.create_connection(("127.0.0.1", listener.status.tls_port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as sock:
        sock.sendall(associate_rq("PACS", CONSOLE))
        assert read_pdu(sock)[0] == 0x02  # A-ASSOCIATE-AC
        started = time.monotonic()
        sock.sendall(echo_rq() + bytes.fromhex("0500000000040000" "0000"))  # + A-RELEASE-RQ
        assert read_pdu(sock)[0] == 0x04  # the C-ECHO response
        assert read_pdu(sock)[0] == 0x06  # A-RELEASE-RP
        assert time.monotonic() - started < 2
    assert listener.status.echoes_answered == 1


# --- raw PDUs for the test above ------------------------------------------------------------


def _item(kind: int, value: bytes) -> bytes:
    return struct.pack(">BBH", kind, 0, len(value)) + value


def associate_rq(calling: str, called: str) -> bytes:
    context = _item(0x20, bytes([1, 0, 0, 0]) + _item(0x30, b"1.2.840.10008.1.1")
                    + _item(0x40, b"1.2.840.10008.1.2"))
    user = _item(0x50, _item(0x51, struct.pack(">L", 16384))
                 + _item(0x52, b"1.2.826.0.1.3680043.9.7433.1"))
    body = (struct.pack(">HH", 1, 0) + called.ljust(16).encode() + calling.ljust(16).encode()
            + bytes(32) + _item(0x10, b"1.2.840.10008.3.1.1.1") + context + user)
    return struct.pack(">BBL", 0x01, 0, len(body)) + body


def echo_rq() -> bytes:
    """P-DATA-TF with a whole C-ECHO-RQ command (Implicit VR Little Endian)."""
    def element(group: int, elem: int, value: bytes) -> bytes:
        return struct.pack("<HHL", group, elem, len(value)) + value

    sop = b"1.2.840.10008.1.1\x00"
    rest = (element(0, 0x0002, sop) + element(0, 0x0100, struct.pack("<H", 0x0030))
            + element(0, 0x0110, struct.pack("<H", 1)) + element(0, 0x0800, struct.pack("<H", 0x0101)))
    command = element(0, 0x0000, struct.pack("<L", len(rest))) + rest
    pdv = struct.pack(">LBB", len(command) + 2, 1, 0x03) + command
    return struct.pack(">BBL", 0x04, 0, len(pdv)) + pdv


def read_pdu(sock: ssl.SSLSocket) -> tuple[int, bytes]:
    header = _exactly(sock, 6)
    kind, _, length = struct.unpack(">BBL", header)
    return kind, _exactly(sock, length)


def _exactly(sock: ssl.SSLSocket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        assert chunk, "the listener closed the connection"
        data += chunk
    return data


# --- Orthanc: store and storage commitment, the report over TLS to our TLS listener ---------


def test_store_commitment_worklist_query_over_tls_with_orthanc(tmp_path, pki, db,
                                                               study_files) -> None:
    from vxacq.db import CommitmentState, JobKind
    from vxacq.dicom.query import StudyQuery
    from vxacq.net import commitment, query, worklist
    from vxacq.net.outbox import Outbox, enqueue

    from orders import worklist_item

    def tls_echo(peer: peers.Peer) -> bool:
        command = [peers.tool("echoscu"), "-aec", peer.ae_title, "-to", "2", "-ta", "2",
                   *dcmtk_tls(pki), "localhost", str(peer.port)]
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0

    tls_port = free_port()
    orthanc_tls = {"DicomTlsEnabled": True, "DicomTlsCertificate": str(pki.server.cert),
                   "DicomTlsPrivateKey": str(pki.server.key),
                   "DicomTlsTrustedCertificates": str(pki.ca),
                   "DicomTlsRemoteCertificateRequired": True}
    modality = {"AET": "VXACQ", "Host": "127.0.0.1", "Port": tls_port, "UseDicomTls": True}
    with peers.start_orthanc(tmp_path, modalities={"vxacq": modality}, extra_config=orthanc_tls,
                             dicom_ready=tls_echo,
                             worklists_dir=tmp_path / "worklists") as archive:
        peers.write_worklist_item(archive, worklist_item("latin1", date="20261123",
                                                         accession="ACC-TLS"), "tls")
        config = make_config(tmp_path, tls_node(pki, archive.port, ae_title=archive.ae_title,
                                                services=["store", "commitment", "worklist",
                                                          "query"],
                                                commitment_wait_seconds=0),
                             ae_title="VXACQ", listen_port=free_port(), tls_port=tls_port,
                             tls_cert=str(pki.server.cert), tls_key=str(pki.server.key),
                             tls_ca=str(pki.ca))
        listener = Listener(config, **commitment.listener_options(config, db))
        assert listener.start().tls_port == tls_port
        try:
            assert send(config, db, "pacs", study_files).state == JobState.DONE
            job_id = enqueue(db, JobKind.COMMITMENT, "pacs",
                             {"files": [str(f) for f in study_files]})
            [job] = Outbox(config, db).drain([job_id], timeout=30)
            assert job.state == JobState.DONE, job.last_error
            view = commitment.wait_for_report(db, job.payload["checkpoint"]["TransactionUID"],
                                              timeout=20)
            node = config.node("pacs")
            found = worklist.query(config, node, worklist.criteria_for(config, "20261123"))
            studies = query.find_studies(config, node, StudyQuery(PatientID="P-7"))
        finally:
            listener.stop()
    # our association did not wait for it: the report came on a new association, over TLS
    assert view.state == CommitmentState.COMMITTED and len(view.committed) == 3
    assert [o.order.AccessionNumber for o in found.orders] == ["ACC-TLS"]
    assert [s.StudyInstanceUID for s in studies] == [dcmread(study_files[0]).StudyInstanceUID]


def test_mpps_over_tls(tmp_path, pki) -> None:
    """MPPS N-CREATE and N-SET over TLS (to pynetdicom's TLS server: Debian's DCMTK has no
    TLS MPPS SCP), the server requiring our client certificate."""
    from vxacq.dicom import mpps as builders
    from vxacq.net import mpps

    from mpps_scp import MppsScp
    from test_mpps import completed, start

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki.ca))
    context.load_cert_chain(str(pki.server.cert), str(pki.server.key))
    context.verify_mode = ssl.CERT_REQUIRED
    scp = MppsScp().start(ssl_context=context)
    try:
        config = make_config(tmp_path, tls_node(pki, scp.port, ae_title="RIS", services=["mpps"]))
        node = config.node("pacs")
        uid, _ = mpps.create(config, node, builders.n_create(start(), config.station), None)
        mpps.update(config, node, uid, builders.n_set(completed(), config.station))
    finally:
        scp.stop()
    assert [(r.operation, r.status) for r in scp.received] == [("N-CREATE", 0), ("N-SET", 0)]


def test_a_silent_caller_on_the_tls_port_holds_no_one_else(tls_listener, pki) -> None:
    """The handshake runs on the connection's thread within the association request time:
    a caller that connects and says nothing neither blocks the next caller nor stays."""
    listener, events = tls_listener(association_request_timeout=1.0)
    port = listener.status.tls_port
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        time.sleep(0.2)  # accepted, handshake pending
        command = [peers.tool("echoscu"), "-aet", "PACS", "-aec", CONSOLE, "-to", "5",
                   *dcmtk_tls(pki), "127.0.0.1", str(port)]
        ok = subprocess.run(command, capture_output=True, timeout=30)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any("no TLS handshake" in d for _, d in events):
            time.sleep(0.05)
    assert any("no TLS handshake within the association request time" in d
               for _, d in events), events

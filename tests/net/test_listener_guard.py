"""The listener's front door under attack, on loopback only and bounded in time: slow, idle,
oversized and garbage connections must not shut configured nodes out, and no declared length
makes the process buffer it."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import Verification
from sqlmodel import select

import peers
from vxacq.config import Config, NodeConfig, StationConfig
from vxacq.db import AuditEvent, open_database
from vxacq.net.commitment import listener_options
from vxacq.net.listener import Listener


def make_listener(tmp_path: Path, *, node_host: str = "127.0.0.1", **station: object) -> Listener:
    config = Config(
        station=StationConfig(ae_title="VXACQ", listen_port=peers.free_port(),
                              listen_address="127.0.0.1", data_dir=str(tmp_path), **station),
        nodes=[NodeConfig(name="pacs", ae_title="PACS", host=node_host, port=104,
                          services=["store"])],
    )
    db = open_database(tmp_path / "vxacq.sqlite")
    listener = Listener(config, **listener_options(config, db))
    listener.db = db  # type: ignore[attr-defined]  (the test reads the audit trail)
    status = listener.start()
    assert status.running, status.error
    return listener


@pytest.fixture
def held() -> Iterator[list[socket.socket]]:
    sockets: list[socket.socket] = []
    yield sockets
    for s in sockets:
        s.close()


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    return s


def closed_by_peer(s: socket.socket, within: float) -> float | None:
    """Seconds until the listener closed ``s`` (reading returns nothing or fails), or None."""
    start = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - start < within:
        try:
            if s.recv(4096) == b"":
                return time.monotonic() - start
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - start
    return None


def echo_from(port: int, source: str = "127.0.0.1", timeout: float = 5.0) -> int | None:
    """A configured node's C-ECHO (pynetdicom, from ``source``): its status, or None."""
    ae = AE(ae_title="PACS")
    ae.add_requested_context(Verification)
    ae.acse_timeout = ae.network_timeout = timeout
    assoc = ae.associate("127.0.0.1", port, ae_title="VXACQ", bind_address=(source, 0))
    if not assoc.is_established:
        return None
    try:
        return int(assoc.send_c_echo().Status)
    finally:
        assoc.release()


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def security_events(listener: Listener) -> list[str]:
    with listener.db.session() as session:  # type: ignore[attr-defined]
        return [f"{e.action}: {e.detail}" for e in session.exec(select(AuditEvent)).all()
                if e.action.startswith("security")]


def test_idle_connections_do_not_shut_out_a_configured_node(tmp_path: Path, held) -> None:
    """Before: pynetdicom's 10 associations, held by 10 idle sockets, refused every node."""
    listener = make_listener(tmp_path, max_associations=4)
    try:
        for _ in range(12):
            held.append(connect(listener.status.port))
        time.sleep(0.3)
        started = time.monotonic()
        # DCMTK's echoscu, as a real node would call
        command = [peers.tool("echoscu"), "-aet", "PACS", "-aec", "VXACQ", "-to", "5",
                   "127.0.0.1", str(listener.status.port)]
        answered = subprocess.run(command, capture_output=True, text=True, timeout=15)
        assert answered.returncode == 0, answered.stderr
        assert time.monotonic() - started < 5
        assert any("made room" in e for e in security_events(listener))
    finally:
        listener.stop()


def test_strangers_are_dropped_first_and_turned_away_when_full(tmp_path: Path, held) -> None:
    """The node is at 127.0.0.2; 40 strangers from 127.0.0.1 fill the door and keep coming."""
    listener = make_listener(tmp_path, node_host="127.0.0.2", max_associations=3,
                             association_request_timeout=5.0)
    listener.stop()
    listener.config.station.listen_address = ""  # both loopback addresses reach it
    assert listener.start().running
    try:
        for _ in range(40):
            held.append(connect(listener.status.port, "127.0.0.1"))
        assert echo_from(listener.status.port, "127.0.0.2") == 0x0000
        assert echo_from(listener.status.port, "127.0.0.2") == 0x0000
        assert len(listener._server.connections()) <= 3  # type: ignore[union-attr]
    finally:
        listener.stop()


def test_a_trickled_association_request_is_dropped_at_its_deadline(tmp_path: Path) -> None:
    """One byte every 0.2 s never lets pynetdicom's per-recv timeout expire; the door's
    deadline counts from the connection."""
    listener = make_listener(tmp_path, association_request_timeout=1.5)
    s = connect(listener.status.port)
    stop = threading.Event()
    header = struct.pack(">BBL", 0x01, 0, 68)

    def trickle() -> None:
        for byte in header + b"\x00" * 68:
            if stop.is_set():
                return
            try:
                s.send(bytes([byte]))
            except OSError:
                return
            time.sleep(0.2)

    threading.Thread(target=trickle, daemon=True).start()
    try:
        took = closed_by_peer(s, within=6.0)
        assert took is not None and took < 3.5, took
        assert any("did not send a whole PDU in time" in e for e in security_events(listener))
    finally:
        stop.set()
        s.close()
        listener.stop()


def test_a_declared_4_gib_pdu_is_refused_from_its_header(tmp_path: Path) -> None:
    """Before: the process grew by every byte sent after a header declaring 0xFFFFFFFF."""
    listener = make_listener(tmp_path)
    try:
        before = rss_bytes()
        s = connect(listener.status.port)
        sent = 0
        chunk = b"\x00" * (1 << 20)
        try:
            s.sendall(struct.pack(">BBL", 0x01, 0, 0xFFFFFFFF))
            for _ in range(64):  # up to 64 MiB, while the door lets us
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        assert closed_by_peer(s, within=3.0) is not None
        s.close()
        assert sent < 16 * (1 << 20)  # the socket was shut long before 64 MiB
        assert rss_bytes() - before < 24 * (1 << 20)
        assert any("0xFFFFFFFF" in e or "4294967295" in e for e in security_events(listener))
        # and it still answers its node
        assert echo_from(listener.status.port) == 0x0000
    finally:
        listener.stop()


def test_garbage_pdus_leave_the_listener_serving(tmp_path: Path, held) -> None:
    listener = make_listener(tmp_path, max_associations=4)
    try:
        for n in range(10):
            s = connect(listener.status.port)
            s.sendall(bytes([0x09 + n]) + b"\xff" * 40)
            held.append(s)
        for s in held:
            assert closed_by_peer(s, within=3.0) is not None
        assert echo_from(listener.status.port) == 0x0000
    finally:
        listener.stop()


def test_listener_binds_the_configured_address_only(tmp_path: Path) -> None:
    listener = make_listener(tmp_path)
    try:
        assert listener.status.address == "127.0.0.1"
        assert "127.0.0.1:" in listener.status.describe()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.2", listener.status.port), timeout=2).close()
    finally:
        listener.stop()


def test_vxacq_serve_keeps_answering_its_nodes_under_attack(tmp_path: Path, held) -> None:
    """The running service, attacked from loopback for a bounded time: idle sockets, garbage,
    a trickled request and an oversized declaration at once; the configured node's C-ECHO
    (DCMTK echoscu) is answered all along."""
    port = peers.free_port()
    config = tmp_path / "vxacq.toml"
    config.write_text(f'[station]\nae_title = "VXACQ"\nlisten_port = {port}\n'
                      f'listen_address = "127.0.0.1"\nmax_associations = 6\n'
                      f'association_request_timeout = 2.0\ndata_dir = "{tmp_path / "data"}"\n'
                      '[[node]]\nname = "pacs"\nae_title = "PACS"\nhost = "127.0.0.1"\n'
                      'port = 104\nservices = ["store"]\n', encoding="utf-8")
    serve = subprocess.Popen([sys.executable, "-m", "vxacq", "serve", "--config", str(config)],
                             stderr=subprocess.PIPE, text=True)
    try:
        for line in serve.stderr:
            if "outbox running" in line:
                break
        # keep reading its log: a full pipe would block the service on its next log line
        # (every refused connection writes one) and it could not stop when asked
        threading.Thread(target=serve.stderr.read, daemon=True).start()
        stop = threading.Event()

        def attack() -> None:
            sockets: list[socket.socket] = []
            try:
                while not stop.is_set():
                    for kind in ("idle", "garbage", "oversized"):
                        try:
                            s = connect(port)
                        except OSError:
                            continue
                        if kind == "garbage":
                            s.sendall(b"\x42" * 64)
                        elif kind == "oversized":
                            s.sendall(struct.pack(">BBL", 0x01, 0, 0xFFFFFFFF) + b"\0" * 4096)
                        sockets.append(s)
                    time.sleep(0.05)
            finally:
                for s in sockets:
                    s.close()

        attacker = threading.Thread(target=attack, daemon=True)
        attacker.start()
        try:
            for _ in range(5):
                started = time.monotonic()
                answered = subprocess.run(
                    [peers.tool("echoscu"), "-aet", "PACS", "-aec", "VXACQ", "-to", "5",
                     "127.0.0.1", str(port)], capture_output=True, text=True, timeout=20)
                assert answered.returncode == 0, answered.stdout + answered.stderr
                assert time.monotonic() - started < 5
                time.sleep(0.5)
        finally:
            stop.set()
            attacker.join(timeout=10)
    finally:
        serve.terminate()
        serve.wait(timeout=20)

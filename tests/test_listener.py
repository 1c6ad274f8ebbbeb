"""Our listener and the association rules every service uses, checked over real sockets."""

import socket
import threading
from pathlib import Path

import pytest
from pynetdicom import build_context
from pynetdicom.sop_class import Verification

from vxacq.config import Config, NodeConfig, StationConfig
from vxacq.net.association import DicomNetworkError, associate
from vxacq.net.listener import Listener


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def station(tmp_path: Path, port: int, *, callers: tuple[str, ...] = ("PACS",), open_: bool = False) -> Config:
    return Config(
        station=StationConfig(ae_title="VXACQ", listen_port=port, data_dir=str(tmp_path),
                              accept_any_calling_ae=open_),
        nodes=[NodeConfig(name=c.lower(), ae_title=c, host="127.0.0.1", port=104,
                          services=["store"]) for c in callers],
    )


def caller(ae_title: str, port: int, called: str = "VXACQ", **timeouts: float) -> tuple[Config, NodeConfig]:
    """The configuration of a peer that calls our listener as ``ae_title``."""
    node = NodeConfig(name="console", ae_title=called, host="127.0.0.1", port=port,
                      services=["store"], **timeouts)
    return Config(station=StationConfig(ae_title=ae_title), nodes=[node]), node


@pytest.fixture
def listener(tmp_path: Path):
    port = free_port()
    running = Listener(station(tmp_path, port))
    status = running.start()
    assert status.running, status.error
    yield running
    running.stop()


def test_listener_answers_echo_from_configured_node(listener: Listener) -> None:
    config, node = caller("PACS", listener.status.port)
    with associate(config, node, [build_context(Verification)]) as assoc:
        assert assoc.send_c_echo().Status == 0x0000
    assert listener.status.echoes_answered == 1
    assert "accepting PACS" in listener.status.describe()


def test_listener_rejects_unknown_caller_with_a_hint(listener: Listener) -> None:
    config, node = caller("STRANGER", listener.status.port)
    with pytest.raises(DicomNetworkError) as caught:
        with associate(config, node, [build_context(Verification)]):
            pass
    assert caught.value.kind == "rejected" and not caught.value.retryable
    assert "Calling AE title not recognised" in str(caught.value)
    assert "add our AE title 'STRANGER'" in str(caught.value)


def test_listener_rejects_wrong_called_title(listener: Listener) -> None:
    config, node = caller("PACS", listener.status.port, called="NOTUS")
    with pytest.raises(DicomNetworkError, match="check that 'NOTUS' is the peer's AE title"):
        with associate(config, node, [build_context(Verification)]):
            pass


def test_open_listener_accepts_anyone(tmp_path: Path) -> None:
    port = free_port()
    running = Listener(station(tmp_path, port, callers=(), open_=True))
    assert running.start().running
    try:
        config, node = caller("ANYONE", port)
        with associate(config, node, [build_context(Verification)]) as assoc:
            assert assoc.send_c_echo().Status == 0x0000
    finally:
        running.stop()


def test_listener_without_nodes_stays_closed_and_says_why(tmp_path: Path) -> None:
    status = Listener(station(tmp_path, free_port(), callers=())).start()
    assert not status.running
    assert "no remote node is configured" in status.describe()


def test_port_in_use_is_reported(tmp_path: Path, listener: Listener) -> None:
    second = Listener(station(tmp_path, listener.status.port))
    status = second.start()
    assert not status.running
    assert f"port {listener.status.port} cannot be opened" in status.describe()


def test_refused_connection_is_explained() -> None:
    config, node = caller("PACS", free_port())
    with pytest.raises(DicomNetworkError) as caught:
        with associate(config, node, [build_context(Verification)]):
            pass
    assert caught.value.kind == "unreachable" and caught.value.retryable
    assert "connection refused" in str(caught.value)


def test_silent_peer_times_out_with_message() -> None:
    """A peer that accepts TCP but never answers the A-ASSOCIATE-RQ."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(server.accept()[0]), daemon=True).start()
    config, node = caller("PACS", server.getsockname()[1], acse_timeout=1.0)
    try:
        with pytest.raises(DicomNetworkError) as caught:
            with associate(config, node, [build_context(Verification)]):
                pass
        assert caught.value.kind == "timeout"
        assert "did not answer the association request within 1 s" in str(caught.value)
    finally:
        for s in held:
            s.close()
        server.close()


def test_peer_without_the_service_is_named(listener: Listener) -> None:
    from pynetdicom.sop_class import ModalityWorklistInformationFind

    config, node = caller("PACS", listener.status.port)
    with pytest.raises(DicomNetworkError, match="does not support the SOP class .abstract syntax not supported."):
        with associate(config, node, [build_context(ModalityWorklistInformationFind)]):
            pass

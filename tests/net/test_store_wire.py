"""The C-STORE wire path's guard: the fast path over pynetdicom's internals only with the
pynetdicom it was written for, else pynetdicom's own send_c_store (plain and over TLS), each
against a real DCMTK storescp."""

from __future__ import annotations

import socket
import ssl
import threading
import time

import pytest
import pynetdicom
from pydicom.uid import ImplicitVRLittleEndian, RLELossless

from vxacq.db import JobState
from vxacq.net import quick_ack, store_wire

from test_store import (  # noqa: F401  (fixtures)
    assert_arrived_losslessly, assert_arrived_unchanged, db, faulty, make_config, more_storescp,
    send, study_files,
)
from test_tls import pki, tls_node, tls_storescp  # noqa: F401  (fixtures)


def test_the_fast_path_is_kept_to_the_versions_it_was_written_for() -> None:
    assert store_wire.fast_path_supported("3.0.4")
    assert store_wire.fast_path_supported("3.0.0")
    assert not store_wire.fast_path_supported("3.1.0")
    assert not store_wire.fast_path_supported("2.1.1")
    assert not store_wire.fast_path_supported("4.0.0.dev0")
    assert store_wire.FAST_PATH == store_wire.fast_path_supported(pynetdicom.__version__)


@pytest.mark.skipif(not store_wire.FAST_PATH, reason="the fast path is off for this pynetdicom")
def test_the_fast_path_leaves_the_socket_mode_to_pynetdicom(tmp_path, db, study_files, storescp,
                                                           monkeypatch) -> None:
    """pynetdicom's DUL thread reads the association's socket while the fast path writes to it.
    Switching the socket's timeout under that thread's recv (settimeout flips O_NONBLOCK with
    the GIL released) made the recv fail with EAGAIN about once in 300-1,000 sends, which
    pynetdicom takes for a closed connection: the C-STORE-RSP was lost and the job retried."""
    changed: list[tuple[str, object]] = []
    sending = threading.Event()
    real_send = store_wire.send_c_store

    def observed(*args, **kwargs):
        sending.set()
        try:
            return real_send(*args, **kwargs)
        finally:
            sending.clear()

    for name in ("settimeout", "setblocking"):
        def spy(sock, value, _real=getattr(socket.socket, name), _name=name):
            if sending.is_set():
                changed.append((_name, value))
            return _real(sock, value)
        monkeypatch.setattr(socket.socket, name, spy)
    monkeypatch.setattr(store_wire, "send_c_store", observed)
    config = make_config(tmp_path, {"name": "pacs", "port": storescp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert job.payload["result"] == {"stored": 3, "warnings": []}
    assert changed == []


@pytest.mark.skipif(quick_ack.TCP_QUICKACK is None, reason="no TCP_QUICKACK here")
@pytest.mark.parametrize("over_tls", [False, True])
@pytest.mark.parametrize("fast_path", [True, False])
def test_every_answer_is_read_after_asking_for_quick_acks(tmp_path, pki, db, study_files, storescp,
                                                          tls_storescp, monkeypatch, over_tls,
                                                          fast_path) -> None:
    """storescp writes its C-STORE-RSP in two pieces without TCP_NODELAY, so the second waits
    for our ACK of the first, ~40 ms a time. After whatever we write (the fast path's requests,
    pynetdicom's PDUs) the socket is put in quick-ACK mode before any answer is read."""
    if fast_path and not store_wire.FAST_PATH:
        pytest.skip("the fast path is off for this pynetdicom")
    monkeypatch.setattr(store_wire, "FAST_PATH", fast_path)
    events: list[str] = []
    real_setsockopt = socket.socket.setsockopt

    def setsockopt(sock, level, option, value, *rest):
        if (level, option, value) == (socket.IPPROTO_TCP, quick_ack.TCP_QUICKACK, 1):
            events.append("quick-ack")
        return real_setsockopt(sock, level, option, value, *rest)

    def spy(cls, name, event):
        real = getattr(cls, name)

        def observed(sock, *args, **kwargs):
            events.append(event)
            return real(sock, *args, **kwargs)
        monkeypatch.setattr(cls, name, observed)

    monkeypatch.setattr(socket.socket, "setsockopt", setsockopt)
    for cls in (socket.socket, ssl.SSLSocket):
        for name in ("send", "sendall", "sendmsg"):
            spy(cls, name, "write")
        spy(cls, "recv", "read")
    node = (tls_node(pki, tls_storescp.port) if over_tls
            else {"name": "pacs", "port": storescp.port})
    job = send(make_config(tmp_path, node), db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert events.count("quick-ack") >= len(study_files)
    late = [i for i, e in enumerate(events[:-1]) if e == "write" and events[i + 1] == "read"]
    assert late == [], events


@pytest.mark.skipif(not store_wire.FAST_PATH or quick_ack.TCP_QUICKACK is None,
                    reason="the fast path is off, or no TCP_QUICKACK here")
def test_quick_acks_are_asked_again_while_the_answer_is_awaited(tmp_path, db, study_files,
                                                               faulty, monkeypatch) -> None:
    """Quick-ACK mode asked after the last write is lost when the kernel sends the rest of
    its buffer soon after the previous answer; it is asked again while the answer is awaited
    (an SCP answering 0.3 s late here), for the first quarter second."""
    asked: list[float] = []
    real_setsockopt = socket.socket.setsockopt

    def setsockopt(sock, level, option, value, *rest):
        if (level, option, value) == (socket.IPPROTO_TCP, quick_ack.TCP_QUICKACK, 1):
            asked.append(time.monotonic())
        return real_setsockopt(sock, level, option, value, *rest)

    monkeypatch.setattr(socket.socket, "setsockopt", setsockopt)
    scp = faulty(lambda count, ds: 0x0000, delay=0.3)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port, "ae_title": "FAULTY"})
    job = send(config, db, "pacs", study_files[:1])
    assert job.state == JobState.DONE, job.last_error
    gaps = [b - a for a, b in zip(asked, asked[1:])]
    assert len(asked) > 20 and max(gaps[:10]) < 0.05, asked


@pytest.fixture
def fallback(monkeypatch):
    """The send path a pynetdicom the fast path was not written for gets; the fast path may
    not be entered at all."""
    monkeypatch.setattr(store_wire, "FAST_PATH", False)

    def refused(*args, **kwargs):
        raise AssertionError("the fast path ran although FAST_PATH is False")

    monkeypatch.setattr(store_wire, "_pause_reactor", refused)
    monkeypatch.setattr(store_wire, "_batches", refused)


def test_fallback_stores_the_same_data_sets(tmp_path, db, study_files, storescp,
                                            fallback) -> None:
    config = make_config(tmp_path, {"name": "pacs", "port": storescp.port})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert job.payload["result"] == {"stored": 3, "warnings": []}
    assert_arrived_unchanged(storescp, study_files)


@pytest.mark.parametrize("option, setting, syntax", [
    ("+xi", "explicit", ImplicitVRLittleEndian),  # the peer takes Implicit only
    ("+xr", "rle", RLELossless),  # compressed by us, then sent by pynetdicom
])
def test_fallback_in_other_syntaxes(tmp_path, db, study_files, more_storescp, fallback,
                                    option, setting, syntax) -> None:
    scp = more_storescp(option)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port,
                                    "transfer_syntax": setting})
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert_arrived_losslessly(scp, study_files, syntax)


def test_fallback_over_tls(tmp_path, pki, db, study_files, tls_storescp, fallback) -> None:
    config = make_config(tmp_path, tls_node(pki, tls_storescp.port, max_pdu=4096))
    job = send(config, db, "pacs", study_files)
    assert job.state == JobState.DONE, job.last_error
    assert_arrived_unchanged(tls_storescp, study_files)


def test_fallback_retries_a_node_that_does_not_answer(tmp_path, db, study_files, faulty,
                                                      fallback) -> None:
    scp = faulty(lambda count, ds: 0x0000, delay=3.0)
    config = make_config(tmp_path, {"name": "pacs", "port": scp.port, "ae_title": "FAULTY",
                                    "dimse_timeout": 1.0, "retries": 0})
    job = send(config, db, "pacs", study_files[:1])
    assert job.state != JobState.DONE
    assert "did not answer within 1 s" in job.last_error, job.last_error


def test_writing_waits_for_room_then_gives_up_at_the_deadline() -> None:
    """The non-blocking writes wait for a slow reader (every byte arrives, in order) and end
    with TimeoutError, not a hang, when the reader stops taking bytes."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        data = bytes(range(256)) * 40_000  # ~10 MB: far more than the socket buffers hold
        got = bytearray()

        def read() -> None:
            while len(got) < len(data):
                got.extend(theirs.recv(1 << 16))

        reader = threading.Thread(target=read)
        reader.start()
        store_wire._send_all(ours, [data[:7], memoryview(data)[7:]], time.monotonic() + 10)
        reader.join(10)
        assert bytes(got) == data
        assert ours.gettimeout() is None  # the mode pynetdicom left it in
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            store_wire._send_all(ours, [data], time.monotonic() + 0.3)  # nobody reads now
        assert time.monotonic() - started < 2

"""One C-STORE request on the wire: the fast path over pynetdicom's internals, and the guard.

Why the bytes are written to the socket here and not through ``Association.send_c_store``:
pynetdicom hands each P-DATA PDU to its reactor thread through a queue, which on this
2-core machine reached about 0.7 of DCMTK ``storescu`` for 18 MB DX files (see
``benchmarks/store.py``). Here the command goes as one PDU and the data set's bytes straight
from the memory-mapped file, fragmented to the peer's maximum PDU length, while the reactor
(paused for the exchange, as ``send_c_store`` pauses it) still reads the peer's answers.
Over TLS the same PDUs go to pynetdicom's DUL thread instead (an SSL socket is written by the
thread that reads it).

That path uses attributes pynetdicom does not publish (the reactor's checkpoint and pause
flag, the DIMSE message queue, the DUL's socket, a command set's group length). They are used
in this module only, and only with the pynetdicom versions it was written and tested for
(:data:`WRITTEN_FOR`); with any other version the same request goes through pynetdicom's own
``Association.send_c_store`` (over TLS too), slower but correct, and a warning says so once.
"""

from __future__ import annotations

import io
import logging
import queue
import select
import socket
import ssl
import struct
import time
from collections.abc import Iterator

import pynetdicom
from pydicom.dataset import FileMetaDataset
from pydicom.filereader import read_dataset
from pydicom.uid import UID
from pynetdicom.association import Association
from pynetdicom.dimse_messages import C_STORE_RQ
from pynetdicom.dimse_primitives import C_STORE
from pynetdicom.dsutils import encode
from pynetdicom.pdu_primitives import P_DATA
from pynetdicom.presentation import PresentationContext

from vxacq.config import NodeConfig
from vxacq.net.association import DicomNetworkError, check_alive
from vxacq.net.quick_ack import ack_at_once

log = logging.getLogger(__name__)

# The pynetdicom releases (major.minor) whose internals the fast path was written against:
# checked in tests/net/test_store.py against a real storescp, plain and over TLS.
WRITTEN_FOR = ("3.0",)

PRIORITY_MEDIUM = 0x0000
# With no PDU limit from the peer, the data set still goes in pieces of this size.
UNLIMITED_FRAGMENT = 4 * 1024 * 1024
# PDUs handed to the kernel per system call: at most this many bytes and buffers (IOV_MAX 1024).
BATCH_BYTES = 1024 * 1024
BATCH_BUFFERS = 512
# Quick-ACK mode asked right after the last write is lost when the kernel sends what is still
# in the socket's buffer soon after the previous answer arrived (it takes the exchange for
# interactive again): about one image in three still waited 40 ms. While the answer is
# awaited it is asked again every ACK_POLL seconds, for the first ACK_POLLING seconds.
ACK_POLL = 0.002
ACK_POLLING = 0.25


def fast_path_supported(version: str) -> bool:
    """Whether pynetdicom ``version`` is one the fast path was written for."""
    return ".".join(version.split(".")[:2]) in WRITTEN_FOR


# Decided once, at import; tests set it to False to exercise the fallback.
FAST_PATH = fast_path_supported(pynetdicom.__version__)
if not FAST_PATH:
    log.warning("pynetdicom %s is not a version the fast C-STORE path was written for (%s): "
                "sending through pynetdicom's send_c_store instead", pynetdicom.__version__,
                ", ".join(WRITTEN_FOR))


def send_c_store(assoc: Association, node: NodeConfig, context: PresentationContext,
                 data: memoryview, sop_class: UID, sop_instance: UID, message_id: int,
                 doing: str) -> int:
    """Send one C-STORE request whose data set is ``data`` (encoded in ``context``'s transfer
    syntax) and return the status the peer answered.

    Raises DicomNetworkError (retryable) if the association ends or the peer does not answer
    within the node's DIMSE timeout; ``doing`` says what was being sent, for that message.
    """
    if not FAST_PATH:
        return _through_pynetdicom(assoc, node, context, data, message_id, doing)
    req = C_STORE()
    req.MessageID = message_id
    req.AffectedSOPClassUID = sop_class
    req.AffectedSOPInstanceUID = sop_instance
    req.Priority = PRIORITY_MEDIUM
    message = C_STORE_RQ()
    message.primitive_to_message(req)
    message.command_set.CommandDataSetType = 0x0001  # a data set follows
    message._set_command_group_length()
    command = encode(message.command_set, True, True)
    cx_id = context.context_id
    limit = assoc.acceptor.maximum_length or 0
    fragment = limit - 6 if limit else UNLIMITED_FRAGMENT
    sock = assoc.dul.socket.socket
    _pause_reactor(assoc)
    try:
        if isinstance(sock, ssl.SSLSocket):
            _queue_pdus(assoc, cx_id, command, data, fragment)
        else:
            deadline = time.monotonic() + node.dimse_timeout
            try:
                for batch in _batches(cx_id, command, data, fragment):
                    _send_all(sock, batch, deadline)
            except OSError as exc:
                _lost(assoc, node, doing, exc)
            ack_at_once(sock)  # pynetdicom's own writes ask for it in vxacq.net.association
        status = _wait_response(assoc, node, message_id)
        if status is None:
            _lost(assoc, node, doing, None)
        return status
    finally:
        assoc._reactor_checkpoint.set()


# --- the fallback: pynetdicom's public API -----------------------------------------------


def _through_pynetdicom(assoc: Association, node: NodeConfig, context: PresentationContext,
                        data: memoryview, message_id: int, doing: str) -> int:
    """The same request through ``Association.send_c_store``: the bytes are read back into a
    data set in the context's syntax, which pynetdicom encodes again in that syntax."""
    syntax = UID(context.transfer_syntax[0])
    ds = read_dataset(io.BytesIO(data), syntax.is_implicit_VR, syntax.is_little_endian)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax  # picks the context pynetdicom sends it on
    assoc.dimse_timeout = node.dimse_timeout
    check_alive(assoc, node, doing)
    try:
        answer = assoc.send_c_store(ds, msg_id=message_id, priority=PRIORITY_MEDIUM)
    except (OSError, RuntimeError) as exc:  # RuntimeError: the association ended meanwhile
        if assoc.is_established:
            _abort(assoc)
        raise DicomNetworkError(f"the connection to {node.name} broke while {doing} "
                                f"({exc}); will retry", kind="aborted", retryable=True) from None
    if "Status" in answer:
        return int(answer.Status)
    if assoc.is_established:  # pynetdicom aborts by itself after its DIMSE timeout
        _abort(assoc)
    raise DicomNetworkError(f"{node.name} ({node.ae_title}) did not answer within "
                            f"{node.dimse_timeout:g} s while {doing}, or the connection was "
                            "lost; will retry", kind="timeout", retryable=True)


# --- the fast path -----------------------------------------------------------------------


def _pdu_header(context_id: int, control: int, length: int) -> bytes:
    # P-DATA-TF (PS3.8 9.3.5): type 04, reserved, PDU length; one PDV item: item length,
    # presentation context ID, message control header (bit 0 command, bit 1 last fragment).
    return struct.pack(">BBLLBB", 0x04, 0x00, length + 6, length + 2, context_id, control)


def _batches(cx_id: int, command: bytes, data: memoryview,
             fragment: int) -> Iterator[list[bytes | memoryview]]:
    """The command PDU then the data set's PDUs, as lists of buffers of about BATCH_BYTES:
    one system call each, however small the peer's PDUs are."""
    batch: list[bytes | memoryview] = [_pdu_header(cx_id, 0x03, len(command)), command]
    size, position, total = len(command), 0, len(data)
    while position < total:
        length = min(fragment, total - position)
        last = position + length >= total
        batch += [_pdu_header(cx_id, 0x02 if last else 0x00, length),
                  data[position:position + length]]
        size += length
        position += length
        if size >= BATCH_BYTES or len(batch) >= BATCH_BUFFERS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _send_all(sock: socket.socket, buffers: list[bytes | memoryview], deadline: float) -> None:
    """Write ``buffers`` by ``deadline`` (TimeoutError after it).

    The socket's timeout (blocking mode) is left alone: pynetdicom's DUL thread reads the same
    socket meanwhile, and changing it under that thread's recv (settimeout switches O_NONBLOCK
    with the GIL released) made its recv fail with EAGAIN now and then, which pynetdicom takes
    for a closed connection, dropping the peer's C-STORE-RSP. Each call here is non-blocking
    instead (MSG_DONTWAIT) and waits for room with poll."""
    views = [memoryview(b) for b in buffers]
    writable = select.poll()
    writable.register(sock, select.POLLOUT)
    while views:
        try:
            sent = sock.sendmsg(views, [], socket.MSG_DONTWAIT)
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out writing to the peer") from None
            writable.poll(left * 1000)
            continue
        while views and sent >= len(views[0]):
            sent -= len(views.pop(0))
        if views and sent:
            views[0] = views[0][sent:]


def _queue_pdus(assoc: Association, cx_id: int, command: bytes, data: memoryview,
                fragment: int) -> None:
    """Over TLS the PDUs go through pynetdicom's own send path (its DUL thread writes them).
    An SSL socket must not be written by one thread while another may read it (OpenSSL's
    connection objects are not thread-safe), and the DUL thread keeps reading the peer."""
    for batch in _batches(cx_id, command, data, fragment):
        for header, value in zip(batch[::2], batch[1::2]):
            pdu = P_DATA()
            pdu.presentation_data_value_list = [[cx_id, header[-1:] + bytes(value)]]
            assoc.dul.send_pdu(pdu)


def _pause_reactor(assoc: Association) -> None:
    # The association's reactor would take our response off the queue; pynetdicom's own
    # send_* methods pause it the same way.
    assoc._reactor_checkpoint.clear()
    while not assoc._is_paused and assoc.is_established:
        time.sleep(0.0001)


def _wait_response(assoc: Association, node: NodeConfig, message_id: int) -> int | None:
    """The Status of the C-STORE-RSP to ``message_id``; None if the association ended or
    the node's DIMSE timeout passed first."""
    sock = assoc.dul.socket.socket
    started = time.monotonic()
    deadline = started + node.dimse_timeout
    while (now := time.monotonic()) < deadline:
        try:
            _cx, rsp = assoc.dimse.msg_queue.get(timeout=ACK_POLL if now - started < ACK_POLLING
                                                 else 0.05)
        except queue.Empty:
            if assoc.acse.is_aborted() or not assoc.dul.is_alive():
                return None
            ack_at_once(sock)
            continue
        if isinstance(rsp, C_STORE) and rsp.MessageIDBeingRespondedTo == message_id:
            return int(rsp.Status) if rsp.Status is not None else 0xC000
        log.warning("ignored an unexpected %s from %s during C-STORE",
                    type(rsp).__name__, node.name)
    return None


def _abort(assoc: Association) -> None:
    # Blocking, said explicitly: while pynetdicom's thread runs an event handler (ours ask for
    # quick ACKs after every PDU it sends) it swaps ``abort`` for a non-blocking one, which
    # would leave the association established for a moment and its release waiting.
    assoc.abort(block=True)


def _lost(assoc: Association, node: NodeConfig, doing: str, exc: OSError | None) -> None:
    """The exchange broke or the peer fell silent: end the association and raise."""
    assoc._reactor_checkpoint.set()  # the reactor marks an abort it received
    if exc is not None or assoc.acse.is_aborted() or not assoc.dul.is_alive():
        deadline = time.monotonic() + 2.0
        while assoc.is_established and time.monotonic() < deadline:
            time.sleep(0.01)
    if assoc.is_established:
        _abort(assoc)
        if exc is None:
            raise DicomNetworkError(
                f"{node.name} ({node.ae_title}) did not answer within {node.dimse_timeout:g} s "
                f"while {doing}; will retry", kind="timeout", retryable=True)
        raise DicomNetworkError(f"the connection to {node.name} broke while {doing} "
                                f"({exc.strerror or exc}); will retry",
                                kind="aborted", retryable=True)
    check_alive(assoc, node, doing)

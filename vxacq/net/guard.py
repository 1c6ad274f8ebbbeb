"""The listener's front door: how many connections, how long a PDU may take, how big it may be.

pynetdicom reads a PDU by trusting its declared length and waiting for every byte, each
``recv`` resetting the socket's timeout; it admits connections until its association limit and
then refuses everyone, configured nodes included. So a stranger could hold the listener with
a few slow or idle sockets, or make it buffer whatever length a header declares. Here:

- :class:`GuardedConnection` wraps each accepted socket and follows the PDU stream as pynetdicom
  reads it: a PDU longer than we accept (the maximum we announced for P-DATA, a sane bound for
  the rest) is refused from its header, before its body is read; a whole PDU, and the
  A-ASSOCIATE-RQ counted from the moment of connection, must arrive within a deadline that
  trickled bytes do not extend.
- :class:`GuardedServer` keeps the connections in a registry and, when the limit is reached,
  drops connections in this order to make room: those from unknown addresses that have not
  asked for an association, then any that has not asked for one (oldest first), then those
  associated under an unknown AE title. A stranger finding the listener full is turned away;
  a configured node gets a place.
- On the TLS port the handshake runs on the connection's own thread within the association
  request deadline (pynetdicom would run it in the accepting thread, where one silent caller
  holds every other), its failure is a security event in words, and TLS bytes already
  decrypted and buffered count as ready to read (:class:`GuardedAssociationSocket`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pynetdicom.transport import AssociationSocket, RequestHandler, ThreadedAssociationServer

from vxacq.logs import escape

log = logging.getLogger(__name__)

A_ASSOCIATE_RQ = 0x01
P_DATA_TF = 0x04
PDU_HEADER = struct.Struct(">BBL")
# An A-ASSOCIATE-RQ with every storage class we could accept is well under this.
MAX_ASSOCIATE_RQ = 256 * 1024
# A-RELEASE and A-ABORT are 4 bytes; A-ASSOCIATE-AC/RJ are not sent to an acceptor.
MAX_OTHER_PDU = 64 * 1024
CALLING_AE = slice(20, 36)  # within an A-ASSOCIATE-RQ's body (PS3.8 9.3.2)


class PduRefused(OSError):
    """A PDU broke a rule of the front door; pynetdicom sees a closed connection."""


@dataclass(frozen=True)
class Limits:
    max_connections: int = 16
    association_request_s: float = 10.0  # connection → whole A-ASSOCIATE-RQ
    pdu_s: float = 30.0  # first byte of a PDU → its last byte
    max_pdata: int = 16382  # the P-DATA length we announce (0 = no limit announced)
    max_pdata_unannounced: int = 4 * 1024 * 1024

    def bound(self, pdu_type: int) -> int:
        if pdu_type == A_ASSOCIATE_RQ:
            return MAX_ASSOCIATE_RQ
        if pdu_type == P_DATA_TF:
            return self.max_pdata or self.max_pdata_unannounced
        return MAX_OTHER_PDU


@dataclass(eq=False)
class Connection:
    """One accepted socket as the registry knows it."""

    sock: socket.socket
    address: str
    known_address: bool
    opened: float = field(default_factory=time.monotonic)
    calling_ae: str | None = None  # set once its A-ASSOCIATE-RQ has arrived whole
    dropped: str = ""  # why the front door closed it, if it did

    def drop(self, why: str) -> None:
        self.dropped = why
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class GuardedConnection:
    """A socket that pynetdicom reads PDUs from, with the front door's rules applied.

    pynetdicom reads a 6-byte header, then exactly the declared length; the stream is followed
    byte by byte here, so each PDU's type, length and deadline are known whatever the chunking.
    Everything else (send, select, close) goes to the real socket."""

    def __init__(self, sock: socket.socket, connection: Connection, limits: Limits,
                 security_event: Callable[[str, str], None],
                 closed: Callable[[], None]) -> None:
        self._sock = sock
        self._closed = closed
        self._connection = connection
        self._limits = limits
        self._security_event = security_event
        self._header = bytearray()
        self._body_left = 0
        self._pdu_type = 0
        self._rq_body = bytearray()
        self._pdu_deadline: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def fileno(self) -> int:
        return self._sock.fileno()

    def pending(self) -> int:
        """Bytes TLS has decrypted and buffered, which select() does not see."""
        return self._sock.pending() if isinstance(self._sock, ssl.SSLSocket) else 0

    def close(self) -> None:
        self._closed()
        self._sock.close()

    def recv(self, bufsize: int) -> bytes:
        deadline = self._deadline()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            self._refuse("slow", "did not send a whole PDU in time")
        previous = self._sock.gettimeout()
        self._sock.settimeout(remaining)
        try:
            data = self._sock.recv(self._allowed(bufsize))
        except TimeoutError:
            self._refuse("slow", "did not send a whole PDU in time")
        finally:
            with contextlib.suppress(OSError):
                self._sock.settimeout(previous)
        self._follow(data)
        return data

    def _deadline(self) -> float:
        if self._pdu_deadline is None:  # a new PDU starts with this read
            self._pdu_deadline = time.monotonic() + self._limits.pdu_s
        if self._connection.calling_ae is None:
            return min(self._pdu_deadline,
                       self._connection.opened + self._limits.association_request_s)
        return self._pdu_deadline

    def _allowed(self, bufsize: int) -> int:
        """Never read past the PDU being followed: its header, or what is left of its body."""
        if len(self._header) < PDU_HEADER.size:
            return min(bufsize, PDU_HEADER.size - len(self._header))
        return min(bufsize, self._body_left)

    def _follow(self, data: bytes) -> None:
        if len(self._header) < PDU_HEADER.size:
            self._header += data
            if len(self._header) == PDU_HEADER.size:
                self._pdu_type, _, length = PDU_HEADER.unpack(self._header)
                if length > self._limits.bound(self._pdu_type):
                    self._refuse("oversized", f"declared a PDU of type 0x{self._pdu_type:02X} "
                                 f"with {length} bytes (at most "
                                 f"{self._limits.bound(self._pdu_type)} accepted)")
                if self._pdu_type == A_ASSOCIATE_RQ and self._connection.calling_ae is not None:
                    self._refuse("protocol", "sent a second A-ASSOCIATE-RQ")
                self._body_left = length
                if length == 0:
                    self._pdu_done()
            return
        self._body_left -= len(data)
        if self._pdu_type == A_ASSOCIATE_RQ:
            self._rq_body += data
        if self._body_left == 0:
            self._pdu_done()

    def _pdu_done(self) -> None:
        if self._pdu_type == A_ASSOCIATE_RQ:
            ae = bytes(self._rq_body[CALLING_AE]).decode("ascii", "replace").strip()
            self._connection.calling_ae = ae
            self._rq_body.clear()
        self._header.clear()
        self._pdu_deadline = None

    def _refuse(self, kind: str, what: str) -> None:
        self._connection.dropped = kind
        self._security_event(f"connection refused ({kind})",
                             f"{self._connection.address} {what}")
        raise PduRefused(what)


class GuardedServer(ThreadedAssociationServer):
    """pynetdicom's threaded server with a registry of connections and admission control.

    ``known_addresses`` and ``known_ae_titles`` are callables, so a node added to the
    configuration is known at once."""

    def __init__(self, ae: Any, address: tuple[str, int], ae_title: str, contexts: Any,
                 ssl_context: Any = None, evt_handlers: Any = None, *, limits: Limits,
                 known_addresses: Callable[[], set[str]],
                 known_ae_titles: Callable[[], set[str]],
                 security_event: Callable[[str, str], None]) -> None:
        self.limits = limits
        self._known_addresses = known_addresses
        self._known_ae_titles = known_ae_titles
        self.security_event = security_event
        self._connections: dict[Any, Connection] = {}
        self._registry_lock = threading.Lock()
        super().__init__(ae, address, ae_title, contexts, ssl_context, evt_handlers,
                         request_handler=GuardedRequestHandler)

    def connections(self) -> list[Connection]:
        with self._registry_lock:
            return list(self._connections.values())

    def verify_request(self, request: Any, client_address: Any) -> bool:
        address = _host(client_address)
        connection = Connection(request, address, address in self._known_addresses())
        with self._registry_lock:
            self._drop_overdue()
            if len(self._connections) >= self.limits.max_connections:
                victim = self._victim(connection)
                if victim is None:
                    self.security_event("connection refused (full)",
                                        f"{address}: {len(self._connections)} connections "
                                        "open, none of them from a stranger to drop")
                    return False
                self._connections.pop(victim.sock, None)
                victim.drop("full")
                self.security_event("connection dropped (full)",
                                    f"{victim.address} (AE {victim.calling_ae or 'not named'}) "
                                    f"made room for {address}")
            self._connections[request] = connection
        return True

    def _drop_overdue(self) -> None:
        """Connections that never sent their A-ASSOCIATE-RQ in time (idle ones included)."""
        now = time.monotonic()
        for key, conn in list(self._connections.items()):
            if conn.calling_ae is None and now - conn.opened > self.limits.association_request_s:
                self._connections.pop(key)
                conn.drop("slow")

    def _victim(self, newcomer: Connection) -> Connection | None:
        """The connection to drop for ``newcomer``, or None to turn the newcomer away."""
        known_titles = self._known_ae_titles()
        rules: list[Callable[[Connection], bool]] = [
            lambda c: c.calling_ae is None and not c.known_address,
            lambda c: c.calling_ae is None,
            lambda c: c.calling_ae is not None and c.calling_ae not in known_titles,
        ]
        if not newcomer.known_address:
            rules = rules[:1]  # a stranger only ever displaces strangers still unnamed
        oldest = sorted(self._connections.values(), key=lambda c: c.opened)
        for rule in rules:
            for conn in oldest:
                if rule(conn):
                    return conn
        return None

    def forget(self, request: Any) -> None:
        with self._registry_lock:
            self._connections.pop(request, None)

    def shutdown_request(self, request: Any) -> None:
        self.forget(request)
        super().shutdown_request(request)

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept; on the TLS port wrap the socket but leave the handshake to its thread."""
        client, address = self.socket.accept()  # type: ignore[union-attr]
        if self.ssl_context:
            client = self.ssl_context.wrap_socket(client, server_side=True,
                                                  do_handshake_on_connect=False)
        return client, address


class GuardedAssociationSocket(AssociationSocket):
    """pynetdicom's socket, also ready when TLS holds decrypted bytes. pynetdicom asks the
    socket itself for them only when it is an SSLSocket, which the guarded proxy is not: a
    caller sending several PDUs at once would otherwise wait behind select() for bytes that
    already arrived."""

    @property
    def ready(self) -> bool:
        if super().ready:
            return True
        pending = getattr(self.socket, "pending", None)
        return bool(self._is_connected and pending is not None and pending())


class GuardedRequestHandler(RequestHandler):
    """Gives pynetdicom the guarded socket instead of the raw one."""

    server: GuardedServer

    def setup(self) -> None:
        super().setup()
        with self.server._registry_lock:
            connection = self.server._connections.get(self.request)
        if connection is None:  # dropped between accept and now
            connection = Connection(self.request, _host(self.client_address), False)
            connection.dropped = "full"
        raw = self.request
        self.refused = isinstance(raw, ssl.SSLSocket) and not self._handshake(raw, connection)
        self.request = GuardedConnection(raw, connection, self.server.limits,
                                         self.server.security_event,
                                         closed=lambda: self.server.forget(raw))

    def handle(self) -> None:
        if not self.refused:
            super().handle()

    def _create_association(self) -> Any:
        assoc = super()._create_association()
        # pynetdicom makes its socket in there, and making one queues the connection event;
        # a second socket would queue a second event, so the one made becomes the subclass
        assoc.dul.socket.__class__ = GuardedAssociationSocket
        return assoc

    def _handshake(self, sock: ssl.SSLSocket, connection: Connection) -> bool:
        """The TLS handshake, within the time a caller has to ask for an association."""
        sock.settimeout(self.server.limits.association_request_s)
        try:
            sock.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            self.server.security_event("TLS refused", f"{connection.address}: "
                                       f"{tls_refusal(exc)}")
            with contextlib.suppress(OSError):
                sock.close()
            return False
        finally:
            with contextlib.suppress(OSError):
                sock.settimeout(None)
        return True


def tls_refusal(exc: BaseException) -> str:
    """Why the listener refused a caller's TLS handshake, in words."""
    if isinstance(exc, TimeoutError):
        return "no TLS handshake within the association request time (a plain-TCP caller?)"
    reason = (getattr(exc, "reason", None) or "").upper()
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the caller's certificate was refused ({exc.verify_message})"
    if "PEER_DID_NOT_RETURN_A_CERTIFICATE" in reason:
        return "the caller sent no certificate, and one is required (tls_require_client_cert)"
    if any(word in reason for word in ("WRONG_VERSION", "HTTP", "RECORD_LAYER", "PACKET_LENGTH", "UNKNOWN_PROTOCOL")):
        return "the caller spoke plain DICOM (not TLS) to the TLS port"
    if "UNSUPPORTED_PROTOCOL" in reason or "VERSION_TOO_LOW" in reason:
        return "the caller offered only TLS older than 1.2"
    return f"the TLS handshake failed ({getattr(exc, 'reason', None) or exc})"


def _host(client_address: Any) -> str:
    host = client_address[0] if isinstance(client_address, tuple) else str(client_address)
    with contextlib.suppress(ValueError):
        ip = ipaddress.ip_address(host)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
    return host


def resolve_addresses(hosts: Iterable[str], timeout_s: float = 2.0) -> set[str]:
    """The IP addresses of the configured nodes' hosts (a host that does not resolve adds none;
    its node is then recognised by AE title only)."""
    addresses: set[str] = set()
    for host in set(hosts):
        try:
            infos = _getaddrinfo(host, timeout_s)
        except OSError as exc:
            log.warning("listener: node host %s does not resolve (%s); recognised by its AE "
                        "title only", escape(host), exc)
            continue
        addresses.update(_host((info[4][0],)) for info in infos)
    return addresses


def _getaddrinfo(host: str, timeout_s: float) -> list[Any]:
    result: list[Any] = []
    error: list[OSError] = []

    def run() -> None:
        try:
            result.extend(socket.getaddrinfo(host, None, type=socket.SOCK_STREAM))
        except OSError as exc:
            error.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise OSError(f"no answer within {timeout_s:g} s")
    if error:
        raise error[0]
    return result

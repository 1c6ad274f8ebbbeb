"""Syslog transport of audit messages (IHE ATNA): RFC 5424 messages over TLS (RFC 5425, octet
counting) or UDP (RFC 5426).

:func:`frame` makes one RFC 5424 message of an audit message (facility authpriv, MSGID
``IHE+RFC-3881``, no structured data, the XML as a UTF-8 MSG with its BOM); :class:`Connection`
carries frames to the repository. A TLS connection's context comes from ``security.tls``.
"""

from __future__ import annotations

import select
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from vxacq.security import tls

DEFAULT_PORTS = {"tls": 6514, "udp": 514}  # RFC 5425 and RFC 5426
FACILITY_AUTHPRIV = 10  # security/authorization messages (RFC 5424 table 1)
SEVERITY_NOTICE, SEVERITY_WARNING = 5, 4
MSGID = "IHE+RFC-3881"  # IHE ITI TF-2 3.20.6: an audit message in the DICOM/RFC 3881 schema
APP_NAME = "vxacq"
# The largest UDP payload over IPv4 (RFC 5426 3.2); a larger message cannot go by UDP.
MAX_UDP = 65507
CONNECT_TIMEOUT = 10.0
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Repository:
    scheme: str  # "tls" or "udp"
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_repository(url: str) -> Repository:
    """``tls://host[:port]`` or ``udp://host[:port]``; ValueError naming what is wrong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"repository '{url}' is not a URL like tls://host:6514") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"repository '{url}' must start with tls:// (RFC 5425) or udp:// "
                         "(RFC 5426)")
    if not parts.hostname:
        raise ValueError(f"repository '{url}' names no host")
    if parts.path not in ("", "/") or parts.query or parts.username:
        raise ValueError(f"repository '{url}' must be scheme://host:port and nothing more")
    if port == 0:
        raise ValueError(f"repository '{url}': port must be 1..65535")
    return Repository(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme])


def frame(message: bytes, *, at: datetime, hostname: str, procid: int | str,
          failed: bool = False) -> bytes:
    """One RFC 5424 message: HEADER, no STRUCTURED-DATA ("-"), MSG = BOM + the XML."""
    priority = FACILITY_AUTHPRIV * 8 + (SEVERITY_WARNING if failed else SEVERITY_NOTICE)
    when = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    header = (f"<{priority}>1 {when.isoformat(timespec='milliseconds').replace('+00:00', 'Z')} "
              f"{_field(hostname, 255)} {APP_NAME} {_field(str(procid), 128)} {MSGID} -")
    return header.encode("ascii") + b" " + BOM + message


def octet_counted(frame_bytes: bytes) -> bytes:
    """RFC 5425 4.3: MSG-LEN SP SYSLOG-MSG."""
    return str(len(frame_bytes)).encode("ascii") + b" " + frame_bytes


def _field(value: str, limit: int) -> str:
    # header fields are printable US-ASCII without spaces (RFC 5424 6), "-" when empty
    text = "".join(c for c in value if 33 <= ord(c) <= 126)[:limit]
    return text or "-"


class Connection:
    """One connection to the repository, opened on first use and again after a failure.
    ``send`` raises OSError (ssl.SSLError included) when the frame did not go out."""

    def __init__(self, repository: Repository, context: ssl.SSLContext | None = None,
                 server_hostname: str | None = None) -> None:
        self.repository = repository
        self._context = context
        self._server_hostname = server_hostname
        self._sock: socket.socket | None = None

    def send(self, frame_bytes: bytes) -> None:
        if self.repository.scheme == "udp":
            if len(frame_bytes) > MAX_UDP:
                raise OSError(f"the message is {len(frame_bytes)} bytes, more than one UDP "
                              f"datagram carries ({MAX_UDP}); use tls://")
            sock = self._sock or self._open_udp()
            sock.send(frame_bytes)
            return
        if self._sock is not None and _closed_by_peer(self._sock):
            self.close()  # the repository went away since the last message: not into the void
        sock = self._sock or self._open_tls()
        try:
            sock.sendall(octet_counted(frame_bytes))
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None

    def _open_udp(self) -> socket.socket:
        family, _type, _proto, _name, address = socket.getaddrinfo(
            self.repository.host, self.repository.port, type=socket.SOCK_DGRAM)[0]
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.connect(address)
        self._sock = sock
        return sock

    def _open_tls(self) -> socket.socket:
        if self._context is None:
            raise OSError("no TLS context for the audit repository")
        raw = socket.create_connection((self.repository.host, self.repository.port),
                                       timeout=CONNECT_TIMEOUT)
        try:
            sock = self._context.wrap_socket(raw, server_hostname=self._server_hostname)
        except OSError:
            raw.close()
            raise
        self._sock = sock
        return sock


def _closed_by_peer(sock: socket.socket) -> bool:
    """A syslog receiver never writes: anything readable is its close (EOF, alert, reset).
    Checking before each message keeps one from being written into a connection the
    repository already left, where it would be lost without an error."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def describe_failure(exc: BaseException, repository: Repository, *, have_cert: bool) -> str:
    """Words a service engineer can act on for a failed send."""
    where = f"audit repository {repository}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"{where}: its TLS certificate was refused ({exc.verify_message}); check "
                "[audit] tls_ca (the CA that signs the repository's certificate) and the host "
                "name in repository")
    if isinstance(exc, ssl.SSLError):
        words = tls.explain(exc, have_cert=have_cert)
        if words:
            return f"{where}: {words}".replace("the node's ", "[audit] ")
        return f"{where}: TLS failed ({exc.reason or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return f"{where}: nothing listens there (connection refused); is the repository running?"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"{where}: no answer within {CONNECT_TIMEOUT:g} s"
    if isinstance(exc, socket.gaierror):
        return f"{where}: the host name cannot be resolved ({exc.strerror})"
    return f"{where}: {getattr(exc, 'strerror', None) or exc}"


"""DICOM over TLS (PS3.15 Annex B, BCP 195): the one place TLS contexts are made.

:func:`client_context` is what every association to a node with ``tls = true`` is wrapped in
(pynetdicom's ``tls_args``); :func:`server_context` is the listener's on ``[station] tls_port``.
Both take TLS 1.2 as the minimum and verify the peer unless the configuration says otherwise.
:func:`file_problems` checks the files at load time, and :func:`explain` turns an ``ssl``
failure into words a service engineer can act on.
"""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vxacq.config import (
        AuditConfig, DepartmentConfig, DirectorySettings, NodeConfig, StationConfig,
    )

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2

# OpenSSL verify codes (x509_vfy.h) that need their own message.
_EXPIRED = 10
_NOT_YET_VALID = 9
_UNKNOWN_CA = {18, 19, 20, 21, 2}
_HOST_MISMATCH = {62, 64}


def client_context(node: NodeConfig | AuditConfig | DepartmentConfig) -> ssl.SSLContext:
    """The context our associations to ``node`` (or the audit repository, or the department
    database: :func:`department_context`) use: its CA bundle
    (the system's when ``tls_ca`` is empty), our certificate and key when given, host name
    checked unless ``tls_verify_host`` is false. OSError/ssl.SSLError when a file cannot be used."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH,
                                         cafile=_path(node.tls_ca) or None)
    context.minimum_version = MINIMUM_VERSION
    context.check_hostname = node.tls_verify_host
    if node.tls_cert:
        context.load_cert_chain(_path(node.tls_cert), _path(node.tls_key) or None)
    return context


def department_context(settings: DepartmentConfig) -> ssl.SSLContext | None:
    """The context the department database's connections are wrapped in: the client context
    of its [department] settings with ``tls``, None for a plain connection. The one place for
    both the publishing engine and the reports read from it."""
    return client_context(settings) if settings.tls else None


def directory_context(settings: DirectorySettings) -> ssl.SSLContext:
    """The context a directory login (LDAP over TLS or StartTLS) is wrapped in: the server's
    certificate checked against ``tls_ca`` (the system's CAs when empty), its name against the
    URL's host unless ``tls_verify_host`` is false."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH,
                                         cafile=_path(settings.tls_ca) or None)
    context.minimum_version = MINIMUM_VERSION
    context.check_hostname = settings.tls_verify_host
    return context


def server_context(station: StationConfig) -> ssl.SSLContext:
    """The listener's context on ``tls_port``: our certificate and key; callers' certificates
    checked against ``tls_ca`` and required when ``tls_require_client_cert``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = MINIMUM_VERSION
    context.load_cert_chain(_path(station.tls_cert), _path(station.tls_key) or None)
    if station.tls_ca:
        context.load_verify_locations(cafile=_path(station.tls_ca))
    context.verify_mode = (ssl.CERT_REQUIRED if station.tls_require_client_cert
                           else ssl.CERT_OPTIONAL if station.tls_ca else ssl.CERT_NONE)
    return context


def server_hostname(node: NodeConfig | AuditConfig) -> str | None:
    """The name the node's certificate must carry (its configured host)."""
    return node.host if node.tls_verify_host else None


def file_problems(ca: str, cert: str, key: str, *, cert_required: bool) -> list[str]:
    """What is wrong with a CA bundle, certificate and key, each naming its field and file."""
    problems = []
    if cert_required and not cert:
        problems.append("tls_cert is required (our certificate, PEM)")
    if key and not cert:
        problems.append("tls_key is set but tls_cert is not")
    for key_name, value in (("tls_ca", ca), ("tls_cert", cert), ("tls_key", key)):
        if value and not Path(_path(value)).is_file():
            problems.append(f"{key_name} '{value}' is not a file")
    if problems:
        return problems
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca:
        try:
            context.load_verify_locations(cafile=_path(ca))
        except (ssl.SSLError, OSError) as exc:
            problems.append(f"tls_ca '{ca}' cannot be read as PEM certificates ({_reason(exc)})")
    if cert:
        try:
            context.load_cert_chain(_path(cert), _path(key) or None, password=_no_password)
        except (ssl.SSLError, OSError, TypeError) as exc:
            problems.append(f"tls_cert '{cert}' / tls_key '{key or cert}' cannot be loaded as a "
                            f"PEM certificate and its unencrypted private key ({_reason(exc)})")
    return problems


def _no_password() -> str:
    raise TypeError("the private key is encrypted; the console needs it unencrypted, "
                    "readable only by the service user")


def _path(value: str) -> str:
    return str(Path(value).expanduser()) if value else ""


def _reason(exc: BaseException) -> str:
    return getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)


def explain(exc: BaseException, *, have_cert: bool, owner: str = "the node's") -> str | None:
    """Words for a TLS failure seen by a client; None when ``exc`` says nothing about TLS.
    ``owner`` names whose settings to change ("the node's", "[directory]")."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = exc.verify_code
        if code == _EXPIRED:
            return ("its TLS certificate has expired (" + exc.verify_message + "); the peer "
                    "needs a new certificate")
        if code == _NOT_YET_VALID:
            return "its TLS certificate is not valid yet; check both machines' clocks"
        if code in _UNKNOWN_CA:
            return ("its TLS certificate is signed by a CA we do not trust ("
                    + exc.verify_message + f"); add that CA to {owner} tls_ca")
        if code in _HOST_MISMATCH:
            return ("its TLS certificate is not issued for this host name ("
                    + exc.verify_message + f"); set {owner} host to a name in the "
                    "certificate, or tls_verify_host = false")
        return f"its TLS certificate was refused ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").upper()
        if "CERTIFICATE_REQUIRED" in reason or ("HANDSHAKE_FAILURE" in reason and not have_cert):
            return (f"it requires a client certificate and we sent none; set {owner} "
                    "tls_cert and tls_key")
        if "UNKNOWN_CA" in reason or "BAD_CERTIFICATE" in reason or "CERTIFICATE_UNKNOWN" in reason:
            return ("it refused our TLS client certificate (not signed by a CA it trusts); "
                    "install our CA there")
        if "CERTIFICATE_EXPIRED" in reason:
            return (f"it refused our TLS client certificate as expired; renew {owner} "
                    "tls_cert")
        if "WRONG_VERSION_NUMBER" in reason or "RECORD_LAYER" in reason or "PACKET_LENGTH" in reason:
            return ("it answered our TLS handshake with something that is not TLS: the port "
                    "takes plain DICOM; set tls = false or use the peer's TLS port")
        if "EOF" in reason:
            return ("it closed the connection during our TLS handshake: the port may take plain "
                    "DICOM (set tls = false or use the peer's TLS port), or it refused us")
        if "PROTOCOL_VERSION" in reason or "UNSUPPORTED_PROTOCOL" in reason:
            return "it does not offer TLS 1.2 or later (BCP 195 minimum)"
        return f"the TLS handshake failed ({exc.reason or exc})"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return ("it reset the connection during our TLS handshake: the port may take plain "
                "DICOM (set tls = false or use the peer's TLS port)")
    return None


def probe(address: str, port: int, context: ssl.SSLContext, hostname: str | None,
          timeout: float) -> BaseException | None:
    """Open one TLS connection and read once, to learn why a TLS association failed: the
    exception seen, or None when the handshake and a short read went through."""
    try:
        with socket.create_connection((address, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=hostname) as tls:
                tls.settimeout(min(timeout, 0.5))
                try:
                    tls.recv(1)  # a TLS 1.3 server refuses a client certificate here
                except TimeoutError:
                    pass
    except (ssl.SSLError, OSError) as exc:
        return exc
    return None


def speaks_tls(address: str, port: int, timeout: float) -> bool:
    """Whether the peer at ``address:port`` answers a TLS handshake (verification off: only
    to tell the user that the port wants TLS)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    exc = probe(address, port, context, None, timeout)
    if exc is None:
        return True
    reason = (getattr(exc, "reason", "") or "").upper()
    return isinstance(exc, ssl.SSLError) and "ALERT" in reason

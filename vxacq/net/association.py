"""Opening associations to configured nodes, with one set of rules and one set of error messages.

Every service module opens its associations here, so each one uses our AE title and
implementation UIDs, the node's timeouts and maximum PDU, and fails with a
:class:`DicomNetworkError` that says in words what happened and what to do about it.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pydicom.uid import ImplicitVRLittleEndian
from pynetdicom import AE, evt
from pynetdicom.association import Association
from pynetdicom.presentation import PresentationContext, build_context

from vxacq.config import Config, NodeConfig
from vxacq.dicom.uids import ImplementationClassUID, ImplementationVersionName
from vxacq.net.errors import DicomNetworkError  # the service modules import it from here too
from vxacq.net.quick_ack import ack_at_once
from vxacq.security import tls

log = logging.getLogger(__name__)


def make_ae(config: Config, node: NodeConfig) -> AE:
    """An AE as we present ourselves to ``node``: our AE title, UIDs and the node's timeouts."""
    ae = AE(ae_title=config.station.ae_title)
    ae.implementation_class_uid = ImplementationClassUID
    ae.implementation_version_name = ImplementationVersionName
    ae.connection_timeout = node.connect_timeout
    ae.acse_timeout = node.acse_timeout
    ae.dimse_timeout = node.dimse_timeout
    ae.network_timeout = max(node.dimse_timeout, node.acse_timeout)
    ae.maximum_pdu_size = node.max_pdu
    return ae


def contexts_for(node: NodeConfig,
                 contexts: Sequence[PresentationContext]) -> list[PresentationContext]:
    """``contexts`` as proposed to ``node``. A node set to ``transfer_syntax = "implicit"``
    gets Implicit VR Little Endian only, in every service: such nodes are old or strict
    peers that mishandle anything else, and the statement promises it. A context offering
    no Implicit VR (a compressed one) is not proposed to them."""
    if node.transfer_syntax != "implicit":
        return list(contexts)
    kept: list[PresentationContext] = []
    for cx in contexts:
        if ImplicitVRLittleEndian in cx.transfer_syntax and all(
                k.abstract_syntax != cx.abstract_syntax for k in kept):
            kept.append(build_context(cx.abstract_syntax, [ImplicitVRLittleEndian]))
    return kept


@contextmanager
def associate(
    config: Config,
    node: NodeConfig,
    contexts: Sequence[PresentationContext],
    *,
    ext_neg: list[Any] | None = None,
    evt_handlers: list[Any] | None = None,
    ae: AE | None = None,
) -> Iterator[Association]:
    """Open an association to ``node`` proposing ``contexts``; release it on exit.

    Raises DicomNetworkError when the association cannot be used. Work inside the block that
    ends in an abort or a lost connection should be checked with :func:`check_alive`.
    """
    ae = ae or make_ae(config, node)
    contexts = contexts_for(node, contexts)
    ae.requested_contexts = contexts
    where = _where(node)
    connected: list[bool] = []
    handlers = list(evt_handlers or []) + [(evt.EVT_CONN_OPEN, lambda _e: connected.append(True)),
                                           (evt.EVT_ACCEPTED, _release_when_nothing_accepted),
                                           (evt.EVT_PDU_SENT, _ack_at_once)]
    started = time.monotonic()
    address = resolve(node, where)
    # the lookup and the connection share the node's connect timeout
    ae.connection_timeout = max(0.1, node.connect_timeout - (time.monotonic() - started))
    assoc = ae.associate(address, node.port, ae_title=node.ae_title, max_pdu=node.max_pdu,
                         ext_neg=ext_neg, evt_handlers=handlers, tls_args=tls_args(node))
    if not assoc.is_established:
        raise _why_not_established(assoc, node, where, bool(connected), contexts,
                                   time.monotonic() - started, address)
    try:
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()


def tls_args(node: NodeConfig) -> tuple[ssl.SSLContext, str] | None:
    """pynetdicom's ``tls_args`` for ``node``: None for plain TCP. A certificate file that
    became unusable since the configuration was loaded is a DicomNetworkError (not retryable)."""
    if not node.tls:
        return None
    try:
        context = tls.client_context(node)
    except (ssl.SSLError, OSError) as exc:
        raise DicomNetworkError(f"{_where(node)}: our TLS settings for the node cannot be used "
                                f"({getattr(exc, 'reason', None) or exc}); check tls_ca, "
                                "tls_cert and tls_key", kind="tls", retryable=False) from None
    # pynetdicom passes the name on to wrap_socket, where None means "no name to check"
    return context, tls.server_hostname(node)  # type: ignore[return-value]


def _where(node: NodeConfig) -> str:
    secure = " over TLS" if node.tls else ""
    return f"{node.name} ({node.ae_title} at {node.host}:{node.port}{secure})"


def _ack_at_once(event: evt.Event) -> None:
    # after each PDU pynetdicom writes, the peer's answer is acknowledged at once (an A-ABORT
    # may have closed the connection already: pynetdicom then has no socket)
    connection = event.assoc.dul.socket
    ack_at_once(connection.socket if connection is not None else None)


def _release_when_nothing_accepted(event: evt.Event) -> None:
    """An association accepted with no presentation context is ended with an A-RELEASE, not
    the A-ABORT pynetdicom sends: the peer did nothing wrong (it answered what it offers), and
    an abort shows in its log as a failure. EVT_ACCEPTED comes before pynetdicom's own check;
    once released, its abort finds the connection closed and sends nothing."""
    assoc = event.assoc
    if assoc.accepted_contexts:
        return
    try:
        assoc.acse.negotiate_release()
    except Exception as exc:  # the peer went away meanwhile: pynetdicom's abort still ends it
        log.debug("release of an association with no accepted context failed: %s", exc)


def context_refusals(assoc: Association, sop_class: str) -> str:
    """Why the peer refused the presentation context(s) of ``sop_class``, from the result of
    each one in its A-ASSOCIATE-AC (PS3.8 9.3.3.2): the SOP class itself, or only the
    transfer syntaxes proposed for it."""
    results = {cx.result for cx in assoc.rejected_contexts if cx.abstract_syntax == sop_class}
    if 0x03 in results:
        return "does not support the SOP class (abstract syntax not supported)"
    if 0x04 in results:
        proposed = sorted({_sop_name(ts) for cx in assoc.requestor.requested_contexts
                           if cx.abstract_syntax == sop_class for ts in cx.transfer_syntax})
        return ("supports the SOP class but accepted none of the transfer syntaxes proposed "
                f"({', '.join(proposed)})")
    if 0x01 in results:
        return "refused the SOP class (user rejection)"
    return "refused the SOP class (no reason given)"


def resolve(node: NodeConfig, where: str = "") -> str:
    """The node's host as an IP address, looked up within ``node.connect_timeout`` seconds.

    The resolver has no timeout of its own (a DNS server that does not answer holds the
    caller for as long as the resolver's retries take), so it runs on a thread that is left
    behind when the time is up. DicomNetworkError (unreachable) says which of the two failed.
    """
    where = where or _where(node)
    found: list[str] = []
    failed: list[str] = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(node.host, node.port, type=socket.SOCK_STREAM)[0][4][0])
        except (socket.gaierror, UnicodeError, OSError) as exc:
            failed.append(str(exc))

    thread = threading.Thread(target=lookup, daemon=True, name=f"resolve-{node.name}")
    thread.start()
    thread.join(node.connect_timeout)
    if found:
        return found[0]
    if failed:
        raise DicomNetworkError(f"{where} cannot be reached: the host name '{node.host}' cannot "
                                f"be resolved ({failed[0]}); check the node's host",
                                kind="unreachable", retryable=True)
    raise DicomNetworkError(f"{where} cannot be reached: the host name '{node.host}' was not "
                            f"resolved within {node.connect_timeout:g} s; the name server does "
                            "not answer", kind="unreachable", retryable=True)


def check_alive(assoc: Association, node: NodeConfig, doing: str) -> None:
    """Raise DicomNetworkError if the association ended under us while ``doing`` something."""
    if assoc.is_established:
        return
    where = f"{node.name} ({node.ae_title})"
    if assoc.is_aborted:
        raise DicomNetworkError(f"{where} aborted the association while {doing}; will retry",
                                kind="aborted", retryable=True)
    raise DicomNetworkError(
        f"{where} did not answer within {node.dimse_timeout:g} s while {doing}, "
        "or the connection was lost; will retry",
        kind="timeout", retryable=True,
    )


def _why_not_established(assoc: Association, node: NodeConfig, where: str, connected: bool,
                         contexts: Sequence[PresentationContext],
                         waited: float, address: str) -> DicomNetworkError:
    rsp = assoc.acceptor.primitive
    if rsp is not None and rsp.result == 0x00:
        # Accepted, but with no usable presentation context: released (see above).
        why = "; ".join(f"{_sop_name(uid)}: {context_refusals(assoc, uid)}"
                        for uid in sorted({cx.abstract_syntax for cx in contexts}))
        only_syntaxes = all(cx.result == 0x04 for cx in assoc.rejected_contexts)
        hint = ("check the node's 'transfer_syntax' setting and what the peer accepts"
                if only_syntaxes else
                "the node does not offer this service — check its 'services' setting")
        return DicomNetworkError(
            f"{where} accepted the association but no presentation context ({why}); {hint}",
            kind="no-context", retryable=False,
        )
    if assoc.is_rejected:
        reason = rsp.reason_str if rsp is not None else "no reason given"
        permanent = rsp is not None and rsp.result == 0x01
        hint = ""
        if rsp is not None and rsp.result_source == 0x01 and rsp.diagnostic == 0x03:
            hint = f"; add our AE title '{assoc.requestor.ae_title}' to the peer's known nodes"
        elif rsp is not None and rsp.result_source == 0x01 and rsp.diagnostic == 0x07:
            hint = f"; check that '{node.ae_title}' is the peer's AE title"
        return DicomNetworkError(
            f"{where} rejected the association ({'permanent' if permanent else 'transient'}): "
            f"{reason}{hint}",
            kind="rejected", retryable=not permanent,
        )
    if node.tls and (not connected or (assoc.is_aborted and rsp is None)):
        # pynetdicom logs the handshake's failure but keeps it; one more try learns it
        if found := _tls_failure(node, address, waited):
            return found
    elif connected and assoc.is_aborted and rsp is None and waited < node.acse_timeout * 0.9:
        # a TLS listener drops a plain association request at once, as a strict SCP does
        left = max(0.5, node.connect_timeout - waited)
        if tls.speaks_tls(address, node.port, left):
            return DicomNetworkError(f"{where} takes only DICOM over TLS on this port; set the "
                                     "node's tls = true (with tls_ca) or use its plain port",
                                     kind="tls", retryable=False)
    if not connected:
        return DicomNetworkError(f"{where} cannot be reached: "
                                 f"{_connect_error(node, address, waited)}",
                                 kind="unreachable", retryable=True)
    if assoc.is_aborted and rsp is None and waited < node.acse_timeout * 0.9:
        # Some SCPs (wlmscpfs) send their rejection and close at once; the answer is lost.
        return DicomNetworkError(
            f"{where} closed the connection instead of answering the association request; it "
            f"may not accept our AE title '{assoc.requestor.ae_title}' or the called AE title "
            f"'{node.ae_title}' — check both in its configuration",
            kind="rejected", retryable=True,
        )
    if assoc.is_aborted and rsp is None:
        return DicomNetworkError(
            f"{where} accepted the connection but did not answer the association request within "
            f"{node.acse_timeout:g} s, or dropped it; is a DICOM application listening there?",
            kind="timeout", retryable=True,
        )
    return DicomNetworkError(f"{where} aborted the association request", kind="aborted",
                             retryable=True)


def _tls_failure(node: NodeConfig, address: str, waited: float) -> DicomNetworkError | None:
    """Why the TLS handshake with the node failed, in words; None when it is not TLS's fault.
    A certificate problem is not mended by trying again soon: not retryable (the job fails
    with the message, kept for the user to retry once the certificates are put right)."""
    try:
        context = tls.client_context(node)
    except (ssl.SSLError, OSError):
        return None
    left = max(0.5, node.connect_timeout - waited)
    exc = tls.probe(address, node.port, context, tls.server_hostname(node), left)
    if exc is None:
        return None
    text = tls.explain(exc, have_cert=bool(node.tls_cert))
    if text is None:
        return None
    return DicomNetworkError(f"{_where(node)}: TLS refused: {text}", kind="tls",
                             retryable=False)


def _connect_error(node: NodeConfig, address: str, waited: float) -> str:
    """Why a TCP connection to the node fails, in words. The connection is tried once more
    to learn the reason, within what is left of the node's connect timeout (so the whole
    attempt never takes longer than that timeout)."""
    left = node.connect_timeout - waited
    if left < 0.05 * node.connect_timeout:
        return (f"no answer within {node.connect_timeout:g} s: the host is down or a firewall "
                "drops the connection")
    try:
        with socket.create_connection((address, node.port), timeout=left):
            return "the connection failed and then succeeded on a second try; will retry"
    except ConnectionRefusedError:
        return (f"connection refused on port {node.port}: the DICOM application is not running "
                "there or uses another port")
    except TimeoutError:
        return (f"no answer within {node.connect_timeout:g} s: the host is down or a firewall "
                "drops the connection")
    except OSError as exc:
        return f"{exc.strerror or exc}"


def _sop_name(uid: str) -> str:
    from pydicom.uid import UID

    name = UID(uid).name
    return name or uid

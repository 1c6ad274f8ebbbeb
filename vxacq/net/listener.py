"""Our own SCP: answers C-ECHO and, as services land, takes storage-commitment reports.

Only the calling AE titles of configured nodes are accepted unless the station opens the
listener to any caller (``accept_any_calling_ae``); the called AE title must be ours. It binds
the configured address only, and its front door (:mod:`vxacq.net.guard`) bounds the number of
connections, the size of each PDU and the time each may take, dropping strangers first.
"""

from __future__ import annotations

import logging
import ssl
import threading
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from pynetdicom import AE, evt
from pynetdicom.sop_class import Verification

from vxacq.config import Config, NodeConfig
from vxacq.dicom.uids import ImplementationClassUID, ImplementationVersionName
from vxacq.logs import escape
from vxacq.net.guard import GuardedServer, Limits, resolve_addresses
from vxacq.security import tls

log = logging.getLogger(__name__)


@dataclass
class ListenerStatus:
    """What the window and ``vxacq serve`` show about the listener."""

    running: bool = False
    ae_title: str = ""
    port: int = 0
    allowed_callers: list[str] = field(default_factory=list)  # empty with open = any
    open_to_any: bool = False
    error: str = ""
    echoes_answered: int = 0
    address: str = ""
    security_events: int = 0  # connections refused or dropped, reports refused
    tls_port: int = 0  # the TLS listener's port while it runs
    tls_error: str = ""  # why the TLS listener is not running beside the plain one

    def describe(self) -> str:
        if self.error:
            return f"not listening: {self.error}"
        if not self.running:
            return "stopped"
        who = "any calling AE" if self.open_to_any else ", ".join(self.allowed_callers)
        where = (f"{self.address}:{self.port}" if self.address
                 else f"port {self.port} (every interface)")
        secure = (f", DICOM over TLS on port {self.tls_port}" if self.tls_port
                  else f" (no TLS listener: {self.tls_error})" if self.tls_error else "")
        return f"listening as {self.ae_title} on {where}{secure}, accepting {who}"


class Listener:
    def __init__(self, config: Config, handlers: list[tuple[Any, Any]] | None = None,
                 contexts: list[tuple[Any, ...]] | None = None,
                 security_event: Callable[[str, str], None] | None = None) -> None:
        """``handlers``: extra (event, handler) pairs; ``contexts``: argument tuples for
        ``AE.add_supported_context``; both added by other services (storage commitment).
        ``security_event(action, detail)`` records what the front door refused (the audit
        trail); it is always logged."""
        self.config = config
        self.status = ListenerStatus(ae_title=config.station.ae_title,
                                     port=config.station.listen_port)
        self._extra_handlers = handlers or []
        self._extra_contexts = contexts or []
        self._record_security_event = security_event
        self._server: GuardedServer | None = None
        self._tls_server: GuardedServer | None = None
        self._lock = threading.Lock()
        self._node_addresses: set[str] = set()
        self._resolved_hosts: frozenset[str] = frozenset()
        self._binding: tuple[Any, ...] = ()

    def start(self) -> ListenerStatus:
        station = self.config.station
        callers = sorted({n.ae_title for n in _dicom_nodes(self.config)})
        self.status.allowed_callers = callers
        self.status.open_to_any = station.accept_any_calling_ae
        if not callers and not station.accept_any_calling_ae:
            self.status.error = ("no remote node is configured and the listener is not open to "
                                 "any caller (station.accept_any_calling_ae)")
            log.warning("listener not started: %s", self.status.error)
            return self.status
        ae = self.make_ae()
        server = self._serve(ae, station.listen_port)
        if server is None:
            return self.status
        self._known_addresses()  # resolve the nodes' hosts now, not while a caller waits
        self._server = server
        self._binding = _binding(self.config)
        self.status.address = station.listen_address
        self.status.running = True
        self.status.error = ""
        if station.tls_port:
            try:
                context = tls.server_context(station)
            except (ssl.SSLError, OSError) as exc:
                self.status.tls_error = (f"its certificate files cannot be used "
                                         f"({getattr(exc, 'reason', None) or exc}); check "
                                         "tls_cert, tls_key and tls_ca")
                log.error("TLS listener: %s", self.status.tls_error)
            else:
                # the same AE (contexts, callers) on the TLS port: one policy for both
                self._tls_server = self._serve(ae, station.tls_port, context)
                self.status.tls_port = station.tls_port if self._tls_server else 0
        log.info("listener: %s", self.status.describe())
        return self.status

    def _serve(self, ae: AE, port: int, context: ssl.SSLContext | None = None) -> Any:
        """One guarded server for ``ae`` on ``port`` (TLS with ``context``), serving on its
        own thread; None (and status.error set) when the port cannot be opened."""
        station = self.config.station
        handlers = [(evt.EVT_C_ECHO, self._on_echo)] + self._extra_handlers
        limits = Limits(max_connections=station.max_associations,
                        association_request_s=station.association_request_timeout,
                        pdu_s=station.pdu_timeout, max_pdata=ae.maximum_pdu_size)
        # The front door holds the limit. pynetdicom's own count includes the threads of
        # dropped strangers that are still ending, so it must never be what refuses a node.
        ae.maximum_associations = 1_000_000
        ae.acse_timeout = station.association_request_timeout
        try:
            server = ae.make_server((station.listen_address, port), evt_handlers=handlers,
                                    ssl_context=context, server_class=GuardedServer,
                                    limits=limits, known_addresses=self._known_addresses,
                                    known_ae_titles=self._known_ae_titles,
                                    security_event=self.security_event)
        except OSError as exc:
            on = f" on {station.listen_address}" if station.listen_address else ""
            error = f"port {port}{on} cannot be opened ({exc.strerror or exc})"
            if context:
                self.status.tls_error = error
            else:
                self.status.error = error
            log.error("%slistener: %s", "TLS " if context else "", error)
            return None
        ae._servers.append(server)  # so the server's own shutdown finds itself there
        threading.Thread(target=server.serve_forever, daemon=True,
                         name="listener-tls" if context else "listener").start()
        return server

    def make_ae(self) -> AE:
        """Our SCP as callers find it: AE title, UIDs, who may call, the contexts accepted."""
        station = self.config.station
        ae = AE(ae_title=station.ae_title)
        ae.implementation_class_uid = ImplementationClassUID
        ae.implementation_version_name = ImplementationVersionName
        ae.require_called_aet = True
        if not station.accept_any_calling_ae:
            ae.require_calling_aet = sorted({n.ae_title for n in _dicom_nodes(self.config)})
        ae.add_supported_context(Verification)
        for context in self._extra_contexts:
            ae.add_supported_context(*context)
        return ae

    def follow_config(self) -> ListenerStatus:
        """Take the configuration as it is now: a new AE title or port restarts the listener
        (on the new port); a node added or removed changes who may call at once."""
        station = self.config.station
        if self._server is None or _binding(self.config) != self._binding:
            self.stop()
            self.status = ListenerStatus(ae_title=station.ae_title, port=station.listen_port,
                                         echoes_answered=self.status.echoes_answered)
            return self.start()
        callers = sorted({n.ae_title for n in _dicom_nodes(self.config)})
        # pynetdicom reads these when each association is requested (one AE for both ports)
        self._server.ae.require_calling_aet = [] if station.accept_any_calling_ae else callers
        self.status.allowed_callers = callers
        self.status.open_to_any = station.accept_any_calling_ae
        if not callers and not station.accept_any_calling_ae:
            self.stop()
            self.status.error = ("no remote node is configured and the listener is not open to "
                                 "any caller (station.accept_any_calling_ae)")
        log.info("listener: %s", self.status.describe())
        return self.status

    def security_event(self, action: str, detail: str) -> None:
        """Something the listener refused: logged, counted, and recorded by the station."""
        with self._lock:
            self.status.security_events += 1
        log.warning("listener security: %s: %s", action, escape(detail))
        if self._record_security_event is not None:
            try:
                self._record_security_event(action, detail)
            except Exception:  # the audit trail failing must not open the door
                log.exception("listener: could not record a security event")

    def _known_addresses(self) -> set[str]:
        """The configured nodes' addresses, resolved again when the set of hosts changes."""
        hosts = frozenset(n.host for n in _dicom_nodes(self.config))
        if hosts != self._resolved_hosts:
            self._node_addresses = resolve_addresses(hosts)
            self._resolved_hosts = hosts
        return self._node_addresses

    def _known_ae_titles(self) -> set[str]:
        return {n.ae_title for n in _dicom_nodes(self.config)}

    def stop(self) -> None:
        for server in (self._server, self._tls_server):
            if server is not None:
                server.shutdown()
        self._server = self._tls_server = None
        self.status.running = False
        self.status.tls_port = 0

    def _on_echo(self, event: evt.Event) -> int:
        with self._lock:
            self.status.echoes_answered += 1
        log.info("C-ECHO from %s", escape(event.assoc.requestor.ae_title))
        return 0x0000


def _binding(config: Config) -> tuple[Any, ...]:
    """What the running server was made with: a change restarts it."""
    st = config.station
    return (st.ae_title, st.listen_address, st.listen_port, st.max_associations,
            st.association_request_timeout, st.pdu_timeout, st.tls_port, st.tls_cert,
            st.tls_key, st.tls_ca, st.tls_require_client_cert)


def _dicom_nodes(config: Config) -> list[NodeConfig]:
    """The nodes that may call our listener: DICOM AEs, not DICOMweb servers (which never
    open a DICOM association and have no AE title)."""
    return [n for n in config.nodes if not n.is_dicomweb]

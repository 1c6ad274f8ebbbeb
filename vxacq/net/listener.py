"""Our own SCP: answers C-ECHO and, as services land, takes storage-commitment reports.

Only the calling AE titles of configured nodes are accepted unless the station opens the
listener to any caller (``accept_any_calling_ae``); the called AE title must be ours.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from pynetdicom import AE, evt
from pynetdicom.sop_class import Verification
from pynetdicom.transport import ThreadedAssociationServer

from vxacq.config import Config
from vxacq.dicom.uids import ImplementationClassUID, ImplementationVersionName

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

    def describe(self) -> str:
        if self.error:
            return f"not listening: {self.error}"
        if not self.running:
            return "stopped"
        who = "any calling AE" if self.open_to_any else ", ".join(self.allowed_callers)
        return f"listening as {self.ae_title} on port {self.port}, accepting {who}"


class Listener:
    def __init__(self, config: Config, handlers: list[tuple[Any, Any]] | None = None,
                 contexts: list[tuple[Any, ...]] | None = None) -> None:
        """``handlers``: extra (event, handler) pairs; ``contexts``: argument tuples for
        ``AE.add_supported_context``; both added by other services (storage commitment)."""
        self.config = config
        self.status = ListenerStatus(ae_title=config.station.ae_title,
                                     port=config.station.listen_port)
        self._extra_handlers = handlers or []
        self._extra_contexts = contexts or []
        self._server: ThreadedAssociationServer | None = None
        self._lock = threading.Lock()

    def start(self) -> ListenerStatus:
        station = self.config.station
        callers = sorted({n.ae_title for n in self.config.nodes})
        self.status.allowed_callers = callers
        self.status.open_to_any = station.accept_any_calling_ae
        if not callers and not station.accept_any_calling_ae:
            self.status.error = ("no remote node is configured and the listener is not open to "
                                 "any caller (station.accept_any_calling_ae)")
            log.warning("listener not started: %s", self.status.error)
            return self.status
        ae = self.make_ae()
        handlers = [(evt.EVT_C_ECHO, self._on_echo)] + self._extra_handlers
        try:
            self._server = ae.start_server(("", station.listen_port), block=False,
                                           evt_handlers=handlers)
        except OSError as exc:
            self.status.error = f"port {station.listen_port} cannot be opened ({exc.strerror})"
            log.error("listener: %s", self.status.error)
            return self.status
        self.status.running = True
        self.status.error = ""
        log.info("listener: %s", self.status.describe())
        return self.status

    def make_ae(self) -> AE:
        """Our SCP as callers find it: AE title, UIDs, who may call, the contexts accepted."""
        station = self.config.station
        ae = AE(ae_title=station.ae_title)
        ae.implementation_class_uid = ImplementationClassUID
        ae.implementation_version_name = ImplementationVersionName
        ae.require_called_aet = True
        if not station.accept_any_calling_ae:
            ae.require_calling_aet = sorted({n.ae_title for n in self.config.nodes})
        ae.add_supported_context(Verification)
        for context in self._extra_contexts:
            ae.add_supported_context(*context)
        return ae

    def follow_config(self) -> ListenerStatus:
        """Take the configuration as it is now: a new AE title or port restarts the listener
        (on the new port); a node added or removed changes who may call at once."""
        station = self.config.station
        if self._server is None or (station.ae_title, station.listen_port) != (
                self.status.ae_title, self.status.port):
            self.stop()
            self.status = ListenerStatus(ae_title=station.ae_title, port=station.listen_port,
                                         echoes_answered=self.status.echoes_answered)
            return self.start()
        callers = sorted({n.ae_title for n in self.config.nodes})
        # pynetdicom reads these when each association is requested
        self._server.ae.require_calling_aet = [] if station.accept_any_calling_ae else callers
        self.status.allowed_callers = callers
        self.status.open_to_any = station.accept_any_calling_ae
        if not callers and not station.accept_any_calling_ae:
            self.stop()
            self.status.error = ("no remote node is configured and the listener is not open to "
                                 "any caller (station.accept_any_calling_ae)")
        log.info("listener: %s", self.status.describe())
        return self.status

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        self.status.running = False

    def _on_echo(self, event: evt.Event) -> int:
        with self._lock:
            self.status.echoes_answered += 1
        log.info("C-ECHO from %s", event.assoc.requestor.ae_title)
        return 0x0000

"""Demo-only MPPS receiver: keeps every performed procedure step it is told about.

N-CREATE makes an instance (status IN PROGRESS, a UID assigned when the console sends none);
N-SET updates it, and is refused once the step is COMPLETED or DISCONTINUED, as PS3.4 F.7.2.2
says an SCP should. Nothing is forwarded anywhere: this stands in for a RIS in ``vxacq demo``
and in tests.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import ModalityPerformedProcedureStep

log = logging.getLogger(__name__)

FINAL = ("COMPLETED", "DISCONTINUED")


@dataclass
class MppsRecord:
    uid: str
    attributes: Dataset
    history: list[str] = field(default_factory=list)  # the status after each message

    @property
    def status(self) -> str:
        return str(self.attributes.get("PerformedProcedureStepStatus", ""))


class MppsReceiver:
    """``start()`` listens on ``port`` (0 = any free port, then read ``.port``)."""

    def __init__(self, ae_title: str = "DEMO_RIS", port: int = 0, host: str = "127.0.0.1") -> None:
        self.ae_title, self.host, self.port = ae_title, host, port
        self.instances: dict[str, MppsRecord] = {}
        self._lock = threading.Lock()
        self._server = None

    contexts = (ModalityPerformedProcedureStep,)

    @property
    def handlers(self) -> list[tuple[object, object]]:
        return [(evt.EVT_N_CREATE, self._on_create), (evt.EVT_N_SET, self._on_set)]

    def start(self) -> MppsReceiver:
        """Serve on its own (tests); the demo serves it beside the worklist instead."""
        ae = AE(ae_title=self.ae_title)
        for context in self.contexts:
            ae.add_supported_context(context)
        self._server = ae.start_server((self.host, self.port), block=False, evt_handlers=self.handlers)
        self.port = self._server.server_address[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def wait_for(self, status: str, count: int = 1, timeout: float = 30.0) -> list[MppsRecord]:
        """Block until ``count`` instances have reached ``status`` (tests and the demo's log)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [r for r in self.instances.values() if r.status == status]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def _on_create(self, event: evt.Event) -> tuple[int, Dataset | None]:
        request = event.request
        uid = str(request.AffectedSOPInstanceUID or generate_uid())
        attributes = event.attribute_list
        with self._lock:
            if uid in self.instances:
                return 0x0111, None  # Duplicate SOP Instance
            if attributes.get("PerformedProcedureStepStatus") != "IN PROGRESS":
                return 0x0106, None  # Invalid attribute value: a step starts IN PROGRESS
            self.instances[uid] = MppsRecord(uid, attributes, ["IN PROGRESS"])
        if not request.AffectedSOPInstanceUID:  # pynetdicom moves it into the response
            attributes.AffectedSOPInstanceUID = uid
        log.info("MPPS %s: IN PROGRESS (%s)", uid, attributes.get("PerformedProcedureStepID", ""))
        return 0x0000, attributes

    def _on_set(self, event: evt.Event) -> tuple[int, Dataset | None]:
        uid = str(event.request.RequestedSOPInstanceUID)
        changes = event.modification_list
        with self._lock:
            record = self.instances.get(uid)
            if record is None:
                return 0x0112, None  # No such SOP Instance
            if record.status in FINAL:
                return 0xC310, None  # Performed Procedure Step object may no longer be updated
            for element in changes:
                record.attributes[element.tag] = element
            record.history.append(record.status)
        log.info("MPPS %s: %s", uid, record.status)
        return 0x0000, record.attributes

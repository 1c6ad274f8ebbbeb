"""An MPPS SCP for the tests (no DCMTK or Orthanc tool is one): it checks each message against
PS3.4 F.7.2.1 — refusing a missing attribute with 0x0120 and an empty Type 1 value with
0x0121, an unknown instance with 0x0112, a change to a finished step with 0xC310 — and records
every message it received and how it answered."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import ModalityPerformedProcedureStep

# PS3.4 Table F.7.2-1, N-CREATE column: (keyword, type) at the top level ...
CREATE_REQUIRED = (
    ("ScheduledStepAttributesSequence", 1), ("PatientName", 2), ("PatientID", 2),
    ("PatientBirthDate", 2), ("PatientSex", 2), ("ReferencedPatientSequence", 2),
    ("PerformedProcedureStepID", 1), ("PerformedStationAETitle", 1),
    ("PerformedStationName", 2), ("PerformedLocation", 2),
    ("PerformedProcedureStepStartDate", 1), ("PerformedProcedureStepStartTime", 1),
    ("PerformedProcedureStepStatus", 1), ("PerformedProcedureStepDescription", 2),
    ("PerformedProcedureTypeDescription", 2), ("ProcedureCodeSequence", 2),
    ("PerformedProcedureStepEndDate", 2), ("PerformedProcedureStepEndTime", 2),
    ("Modality", 1), ("StudyID", 2), ("PerformedProtocolCodeSequence", 2),
    ("PerformedSeriesSequence", 2),
)
# ... and in each Scheduled Step Attributes Sequence item.
SCHEDULED_STEP_REQUIRED = (
    ("StudyInstanceUID", 1), ("ReferencedStudySequence", 2), ("AccessionNumber", 2),
    ("RequestedProcedureID", 2), ("RequestedProcedureDescription", 2),
    ("ScheduledProcedureStepID", 2), ("ScheduledProcedureStepDescription", 2),
    ("ScheduledProtocolCodeSequence", 2),
)
# Final-state requirements (F.7.2.1.2): ending a step needs its end and, when COMPLETED, its series.
FINAL_REQUIRED = (("PerformedProcedureStepEndDate", 1), ("PerformedProcedureStepEndTime", 1))
SERIES_REQUIRED = (
    ("PerformingPhysicianName", 2), ("ProtocolName", 1), ("OperatorsName", 2),
    ("SeriesInstanceUID", 1), ("SeriesDescription", 2), ("RetrieveAETitle", 2),
    ("ReferencedImageSequence", 2), ("ReferencedNonImageCompositeSOPInstanceSequence", 2),
)


@dataclass
class Received:
    operation: str  # "N-CREATE" or "N-SET"
    instance_uid: str
    attributes: Dataset
    status: int
    problem: str = ""


def _missing(ds: Dataset, required: tuple[tuple[str, int], ...], where: str) -> tuple[int, str] | None:
    for keyword, kind in required:
        if keyword not in ds:
            return 0x0120, f"{where}{keyword} missing"
        value = ds[keyword].value
        if kind == 1 and (value is None or value == "" or value == []):
            return 0x0121, f"{where}{keyword} empty"
    return None


@dataclass
class MppsScp:
    ae_title: str = "RIS"
    assign_uids: bool = True
    received: list[Received] = field(default_factory=list)
    steps: dict[str, Dataset] = field(default_factory=dict)
    port: int = 0

    def start(self, port: int | None = None, ssl_context: Any = None) -> MppsScp:
        """Serve on ``port`` (a free one by default); over TLS with ``ssl_context``."""
        if port is None:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
        self.port = port
        ae = AE(ae_title=self.ae_title)
        ae.add_supported_context(ModalityPerformedProcedureStep)
        self._lock = threading.Lock()
        self._server = ae.start_server(
            ("127.0.0.1", port), block=False, ssl_context=ssl_context,
            evt_handlers=[(evt.EVT_N_CREATE, self._on_create), (evt.EVT_N_SET, self._on_set)])
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _note(self, op: str, uid: str, ds: Dataset, status: int, problem: str = "") -> None:
        with self._lock:
            self.received.append(Received(op, uid, ds, status, problem))

    def _on_create(self, event: evt.Event) -> tuple[int, Dataset | None]:
        ds = event.attribute_list
        uid = event.request.AffectedSOPInstanceUID
        problem = _missing(ds, CREATE_REQUIRED, "")
        if problem is None:
            for item in ds.ScheduledStepAttributesSequence:
                problem = problem or _missing(item, SCHEDULED_STEP_REQUIRED,
                                              "ScheduledStepAttributesSequence/")
        if problem is None and ds.PerformedProcedureStepStatus != "IN PROGRESS":
            problem = (0x0106, "a step is created IN PROGRESS")
        if problem is None and uid in self.steps:
            problem = (0x0111, "duplicate")
        if problem is not None:
            self._note("N-CREATE", str(uid or ""), ds, problem[0], problem[1])
            return problem[0], None
        reply = Dataset()
        if uid is None:
            uid = generate_uid()
            reply.AffectedSOPInstanceUID = uid
        self.steps[str(uid)] = ds
        self._note("N-CREATE", str(uid), ds, 0x0000)
        return 0x0000, reply

    def _on_set(self, event: evt.Event) -> tuple[int, Dataset | None]:
        ds = event.modification_list
        uid = str(event.request.RequestedSOPInstanceUID)
        step = self.steps.get(uid)
        problem = None
        if step is None:
            problem = (0x0112, "no such instance")
        elif step.PerformedProcedureStepStatus != "IN PROGRESS":
            problem = (0xC310, "already final")
        status = ds.get("PerformedProcedureStepStatus", "")
        if problem is None and status in ("COMPLETED", "DISCONTINUED"):
            problem = _missing(ds, FINAL_REQUIRED, "")
            if problem is None and status == "COMPLETED":
                series = ds.get("PerformedSeriesSequence") or []
                if not series:
                    problem = (0x0121, "PerformedSeriesSequence empty for COMPLETED")
                for item in series:
                    problem = problem or _missing(item, SERIES_REQUIRED, "PerformedSeriesSequence/")
        if problem is not None:
            self._note("N-SET", uid, ds, problem[0], problem[1])
            return problem[0], None
        for elem in ds:
            step[elem.tag] = elem
        self._note("N-SET", uid, ds, 0x0000)
        return 0x0000, ds

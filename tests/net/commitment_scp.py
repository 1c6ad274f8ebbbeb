"""A Storage Commitment SCP for fault injection in tests: pynetdicom, told per test how to
answer (report on the same association, on a new one to our listener, with a Transaction UID
we never issued, or not at all). Real peers (Orthanc) cover the ordinary path."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from pynetdicom import AE, build_role, evt
from pynetdicom.sop_class import StorageCommitmentPushModel, StorageCommitmentPushModelInstance


@dataclass
class CommitmentSCP:
    """``mode``: "same" (report on the request's association), "new" (on a new association
    to ``callback``), "none" (never report). ``missing``: instance UIDs reported as failed.
    ``transaction_uid``: report this Transaction UID instead of the one asked."""

    port: int
    ae_title: str = "COMMITSCP"
    mode: str = "same"
    missing: set[str] = field(default_factory=set)
    transaction_uid: str | None = None
    callback: tuple[str, int, str] | None = None  # host, port, AE title of our listener
    requests: list[Dataset] = field(default_factory=list)
    report_statuses: list[int] = field(default_factory=list)
    roles_seen: list[tuple[bool, bool]] = field(default_factory=list)
    _server: Any = None

    def start(self) -> CommitmentSCP:
        ae = AE(ae_title=self.ae_title)
        ae.add_supported_context(StorageCommitmentPushModel,
                                 [ExplicitVRLittleEndian, ImplicitVRLittleEndian],
                                 scu_role=True, scp_role=True)
        self._server = ae.start_server(("127.0.0.1", self.port), block=False,
                                       evt_handlers=[(evt.EVT_N_ACTION, self._on_action)])
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()

    def report(self, request: Dataset) -> tuple[int, Dataset]:
        info = Dataset()
        info.TransactionUID = self.transaction_uid or request.TransactionUID
        ok, bad = [], []
        for item in request.ReferencedSOPSequence:
            ref = Dataset()
            ref.ReferencedSOPClassUID = item.ReferencedSOPClassUID
            ref.ReferencedSOPInstanceUID = item.ReferencedSOPInstanceUID
            if item.ReferencedSOPInstanceUID in self.missing:
                ref.FailureReason = 0x0112
                bad.append(ref)
            else:
                ok.append(ref)
        if ok:
            info.ReferencedSOPSequence = ok
        if bad:
            info.FailedSOPSequence = bad
        return (2 if bad else 1), info

    def _on_action(self, event: Any) -> tuple[int, None]:
        request = event.action_information
        self.requests.append(request)
        cx = [c for c in event.assoc.accepted_contexts
              if c.abstract_syntax == StorageCommitmentPushModel][0]
        self.roles_seen.append((cx.as_scu, cx.as_scp))
        event_type, info = self.report(request)
        if self.mode == "same":
            threading.Thread(target=self._send_same, args=(event.assoc, event_type, info),
                             daemon=True).start()
        elif self.mode == "new":
            threading.Thread(target=self._send_new, args=(event_type, info), daemon=True).start()
        return 0x0000, None

    def _send_same(self, assoc: Any, event_type: int, info: Dataset) -> None:
        time.sleep(0.2)  # after our N-ACTION-RSP has gone out
        status, _reply = assoc.send_n_event_report(info, event_type, StorageCommitmentPushModel,
                                           StorageCommitmentPushModelInstance)
        self.report_statuses.append(int(status.Status) if "Status" in status else -1)

    def _send_new(self, event_type: int, info: Dataset) -> None:
        time.sleep(0.3)  # after the requestor has released
        assert self.callback is not None
        host, port, called = self.callback
        ae = AE(ae_title=self.ae_title)
        ae.add_requested_context(StorageCommitmentPushModel,
                                 [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
        role = build_role(StorageCommitmentPushModel, scp_role=True)
        assoc = ae.associate(host, port, ae_title=called, ext_neg=[role])
        if not assoc.is_established:
            self.report_statuses.append(-2)
            return
        status, _reply = assoc.send_n_event_report(info, event_type, StorageCommitmentPushModel,
                                           StorageCommitmentPushModelInstance)
        self.report_statuses.append(int(status.Status) if "Status" in status else -1)
        assoc.release()

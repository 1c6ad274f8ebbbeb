"""Demo-only archive: a Storage SCP that keeps files, with Storage Commitment Push Model.

C-STORE writes each instance to ``folder`` (named by SOP Instance UID). An N-ACTION commitment
request is answered at once, then the result is reported by N-EVENT-REPORT on a NEW association
to the requesting AE (looked up in ``consoles``: AE title → host, port), as archives commonly do:
instances it holds are listed as committed, others as failed (0112H, no such object instance).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian
from pynetdicom import AE, AllStoragePresentationContexts, evt
from pynetdicom.pdu_primitives import SCP_SCU_RoleSelectionNegotiation
from pynetdicom.sop_class import StorageCommitmentPushModel

log = logging.getLogger(__name__)

STORAGE_COMMITMENT_INSTANCE = "1.2.840.10008.1.20.1.1"  # the well-known SOP Instance (J.3.5)
REPORT_DELAY_S = 0.5  # answer after the requestor has released, like most archives


class Archive:
    def __init__(self, folder: Path, ae_title: str, consoles: dict[str, tuple[str, int]]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ae_title = ae_title
        self.consoles = consoles
        self.contexts = [c.abstract_syntax for c in AllStoragePresentationContexts] + [
            StorageCommitmentPushModel]

    @property
    def handlers(self) -> list[tuple[object, object]]:
        return [(evt.EVT_C_STORE, self._on_store), (evt.EVT_N_ACTION, self._on_commit)]

    def held(self) -> set[str]:
        return {p.stem for p in self.folder.glob("*.dcm")}

    def _on_store(self, event: evt.Event) -> int:
        ds = event.dataset
        ds.file_meta = event.file_meta
        path = self.folder / f"{ds.SOPInstanceUID}.dcm"
        partial = path.with_suffix(".partial")
        ds.save_as(partial, enforce_file_format=True)
        partial.replace(path)
        log.info("archive: stored %s", ds.SOPInstanceUID)
        return 0x0000

    def _on_commit(self, event: evt.Event) -> tuple[int, Dataset | None]:
        if event.action_type != 1:
            return 0x0123, None  # No such action
        request = event.action_information
        caller = event.assoc.requestor.ae_title.strip()
        if caller not in self.consoles:
            log.warning("archive: commitment from unknown AE %s refused", caller)
            return 0x0110, None
        threading.Thread(target=self._report, args=(caller, request), daemon=True).start()
        return 0x0000, None

    def _report(self, caller: str, request: Dataset) -> None:
        time.sleep(REPORT_DELAY_S)
        held = self.held()
        report = Dataset()
        report.TransactionUID = request.TransactionUID
        ok, failed = [], []
        for ref in request.ReferencedSOPSequence:
            item = Dataset()
            item.ReferencedSOPClassUID = ref.ReferencedSOPClassUID
            item.ReferencedSOPInstanceUID = ref.ReferencedSOPInstanceUID
            if ref.ReferencedSOPInstanceUID in held:
                ok.append(item)
            else:
                item.FailureReason = 0x0112
                failed.append(item)
        if ok:
            report.ReferencedSOPSequence = ok
        if failed:
            report.FailedSOPSequence = failed
        host, port = self.consoles[caller]
        ae = AE(ae_title=self.ae_title)
        ae.add_requested_context(StorageCommitmentPushModel, ExplicitVRLittleEndian)
        role = SCP_SCU_RoleSelectionNegotiation()
        role.sop_class_uid = StorageCommitmentPushModel
        role.scu_role, role.scp_role = False, True
        assoc = ae.associate(host, port, ae_title=caller, ext_neg=[role])
        if not assoc.is_established:
            log.warning("archive: cannot reach %s at %s:%d to report commitment", caller, host, port)
            return
        try:
            status, _ = assoc.send_n_event_report(report, 2 if failed else 1,
                                                  StorageCommitmentPushModel,
                                                  STORAGE_COMMITMENT_INSTANCE)
            log.info("archive: commitment %s reported to %s (%d ok, %d failed)",
                     request.TransactionUID, caller, len(ok), len(failed))
        finally:
            assoc.release()

"""Storage Commitment Push Model SCU (PS3.4 Annex J): asking a node to keep what we stored.

A request is a transaction: its Transaction UID and the instances it names are written to the
database (``Commitment`` + ``CommitmentItem``, state pending) before the N-ACTION goes out, so a
report is matched to it whenever and however it arrives:

- on the same association, while we keep it open for ``node.commitment_wait_seconds``;
- later, on an association the node opens to our listener (:func:`listener_options` gives the
  listener the context and the handler). We propose the Push Model with both SCU and SCP roles
  (SCP/SCU Role Selection), as the VXvue statement does, so the node may also report on ours.

Event Type 1 commits every instance named; Event Type 2 lists the failed ones with a Failure
Reason. Failed instances are stored again (a STORE job, which queues a new commitment when it
is done) unless the node turns that off or the same instance already failed
:data:`RESEND_LIMIT` times. A transaction without a report after
``node.commitment_timeout_minutes`` is marked timed out by :func:`expire_overdue`, and its job
is failed with a message saying so, so it shows in ``vxacq queue``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from pynetdicom import build_context, evt
from pynetdicom.pdu_primitives import SCP_SCU_RoleSelectionNegotiation
from pynetdicom.presentation import PresentationContext
from pynetdicom.sop_class import StorageCommitmentPushModel, StorageCommitmentPushModelInstance
from sqlalchemy import update
from sqlmodel import select

from vxacq.config import Config, ConfigError, NodeConfig
from vxacq.db import (
    Commitment, CommitmentItem, CommitmentState, Database, Job, JobKind, JobState,
)
from vxacq.db.models import aware, utcnow
from vxacq.dicom.uids import new_uid
from vxacq.logs import escape
from vxacq.net.association import DicomNetworkError, associate, check_alive, make_ae
from vxacq.net.outbox import JobContext, enqueue
from vxacq.net.guard import resolve_addresses
from vxacq.net.store import StoreFileError, read_item
from vxacq.security import audit

log = logging.getLogger(__name__)

REQUEST_COMMIT = 1  # N-ACTION Action Type ID (PS3.4 J.3.2)
EVENT_SUCCESS, EVENT_FAILURES = 1, 2  # N-EVENT-REPORT Event Type IDs (PS3.4 J.3.3)
# Stored again at most this many times for one instance and node: a node that keeps losing
# an instance needs a person, not an endless loop of sends.
RESEND_LIMIT = 2
TIMEOUT_PREFIX = "no storage commitment report"

FAILURE_REASONS = {  # PS3.3 C.14.1.1
    0x0110: "processing failure at the node",
    0x0112: "the node does not have this instance",
    0x0119: "the SOP class does not match the instance",
    0x0122: "the node does not support this SOP class",
    0x0131: "duplicate transaction UID",
    0x0213: "resource limitation at the node",
}

# N-EVENT-REPORT response statuses we answer with (PS3.7 10.1.1.1.8, Annex C).
STATUS_SUCCESS = 0x0000
STATUS_PROCESSING_FAILURE = 0x0110
STATUS_NO_SUCH_SOP_INSTANCE = 0x0112
STATUS_NO_SUCH_EVENT_TYPE = 0x0113
# A report naming a Transaction UID we never issued. Of the N-EVENT-REPORT failure statuses,
# 0x0115 "invalid argument value" is the one whose meaning fits: the event information's
# value is inappropriate for us. 0x0119 (class-instance conflict) would claim the Affected
# SOP Class and Instance disagree, which they do not (the well-known instance is right), and
# 0x0110 (processing failure) says we failed, inviting the node to send it again.
STATUS_UNKNOWN_TRANSACTION = 0x0115
# A report from an AE (or address) other than the node the transaction was sent to: only
# that node can vouch for what it holds (PS3.7 C.5.x "Refused: not authorized").
STATUS_NOT_AUTHORIZED = 0x0124


class CommitmentError(Exception):
    """A commitment cannot be requested as asked (no instances, no such transaction)."""


@dataclass(frozen=True)
class CommitmentView:
    """A transaction as the database holds it: what ``vxacq commit`` prints."""

    TransactionUID: str
    node: str
    state: CommitmentState
    job_id: int | None
    requested_at: datetime
    answered_at: datetime | None
    committed: list[str] = field(default_factory=list)
    failed: list[tuple[str, int | None]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    def describe(self) -> str:
        line = (f"storage commitment {self.TransactionUID} on {self.node}: {self.state} — "
                f"{len(self.committed)} committed, {len(self.failed)} failed, "
                f"{len(self.pending)} without an answer")
        for uid, reason in self.failed:
            line += f"\n  failed {uid}: {failure_words(reason)}"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "TransactionUID": self.TransactionUID, "node": self.node, "state": str(self.state),
            "job_id": self.job_id, "requested_at": self.requested_at.isoformat(),
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
            "committed": self.committed,
            "failed": [{"SOPInstanceUID": uid, "FailureReason": reason,
                        "meaning": failure_words(reason)} for uid, reason in self.failed],
            "pending": self.pending,
        }


def failure_words(reason: int | None) -> str:
    if reason is None:
        return "no failure reason given"
    return f"0x{reason:04X} {FAILURE_REASONS.get(reason, 'failure reason not defined')}"


# --- the database side ---------------------------------------------------------------------


def record_request(db: Database, node: NodeConfig, instances: Sequence[tuple[str, str]], *,
                   job_id: int | None = None) -> str:
    """Write a pending transaction for ``instances`` ((SOP Class UID, SOP Instance UID) pairs)
    and return its new Transaction UID. Written before the N-ACTION is sent."""
    if not instances:
        raise CommitmentError("no instances to commit")
    transaction_uid = str(new_uid())
    with db.session() as session:
        commitment = Commitment(TransactionUID=transaction_uid, node=node.name, job_id=job_id)
        session.add(commitment)
        session.flush()
        for sop_class, sop_instance in dict.fromkeys((str(c), str(i)) for c, i in instances):
            session.add(CommitmentItem(commitment_id=commitment.id,
                                       ReferencedSOPClassUID=sop_class,
                                       ReferencedSOPInstanceUID=sop_instance))
    return transaction_uid


def get_commitment(db: Database, transaction_uid: str) -> CommitmentView:
    with db.session() as session:
        row = session.exec(select(Commitment)
                           .where(Commitment.TransactionUID == transaction_uid)).first()
        if row is None:
            raise CommitmentError(f"there is no storage commitment transaction {transaction_uid}")
        items = session.exec(select(CommitmentItem)
                             .where(CommitmentItem.commitment_id == row.id)
                             .order_by(CommitmentItem.id)).all()
        return CommitmentView(
            TransactionUID=row.TransactionUID, node=row.node, state=CommitmentState(row.state),
            job_id=row.job_id, requested_at=aware(row.requested_at),
            answered_at=aware(row.answered_at),
            committed=[i.ReferencedSOPInstanceUID for i in items if i.committed],
            failed=[(i.ReferencedSOPInstanceUID, i.FailureReason) for i in items
                    if i.committed is False],
            pending=[i.ReferencedSOPInstanceUID for i in items if i.committed is None],
        )


def record_report(config: Config, db: Database, event_type: int, info: Dataset, *,
                  caller: str, caller_address: str = "") -> int:
    """Record an N-EVENT-REPORT's Event Information and return the status to answer.

    Only the node the transaction was sent to may report on it: its AE title, and its
    address when its host resolves (``caller_address`` empty: the report came on the
    association we opened to that node). Anything else is refused and recorded as a
    security event. Failed instances are queued to be stored again (see the module's
    description).
    """
    caller = escape(caller)
    if event_type not in (EVENT_SUCCESS, EVENT_FAILURES):
        log.warning("storage commitment report from %s with event type %s; refused",
                    caller, event_type)
        return STATUS_NO_SUCH_EVENT_TYPE
    transaction_uid = str(info.get("TransactionUID", "") or "")
    if not transaction_uid:
        log.warning("storage commitment report from %s without a Transaction UID", caller)
        return STATUS_PROCESSING_FAILURE
    committed = {str(i.ReferencedSOPInstanceUID)
                 for i in info.get("ReferencedSOPSequence", []) if "ReferencedSOPInstanceUID" in i}
    failed = {str(i.ReferencedSOPInstanceUID): (int(i.FailureReason) if "FailureReason" in i
                                                 and i.FailureReason is not None else None)
              for i in info.get("FailedSOPSequence", []) if "ReferencedSOPInstanceUID" in i}
    now = utcnow()
    with db.session() as session:
        row = session.exec(select(Commitment)
                           .where(Commitment.TransactionUID == transaction_uid)).first()
        if row is None:
            log.warning("storage commitment report from %s for transaction %s, which we never "
                        "requested; answered 0x%04X", caller, escape(transaction_uid),
                        STATUS_UNKNOWN_TRANSACTION)
            return STATUS_UNKNOWN_TRANSACTION
        if refusal := _not_from_node(config, row.node, caller, caller_address):
            detail = (f"storage commitment report for transaction {escape(transaction_uid)} "
                      f"(sent to {row.node}) from AE {caller or '?'} at "
                      f"{caller_address or '?'}: {refusal}; answered 0x{STATUS_NOT_AUTHORIZED:04X}")
            log.warning("security: %s", detail)
            audit.record(session, "security: commitment report refused", user=caller,
                         detail=detail, peer_ae=caller, peer_address=caller_address or "")
            return STATUS_NOT_AUTHORIZED
        items = session.exec(select(CommitmentItem)
                             .where(CommitmentItem.commitment_id == row.id)).all()
        for item in items:
            uid = item.ReferencedSOPInstanceUID
            if uid in failed:
                item.committed, item.FailureReason = False, failed[uid]
            elif uid in committed:
                item.committed, item.FailureReason = True, None
            session.add(item)
        states = [item.committed for item in items]
        late = row.state == CommitmentState.TIMED_OUT
        if all(s is True for s in states):
            row.state = CommitmentState.COMMITTED
        elif all(s is False for s in states):
            row.state = CommitmentState.FAILED
        else:
            row.state = CommitmentState.PARTIAL
        row.answered_at = now
        session.add(row)
        node_name, job_id, state = row.node, row.job_id, CommitmentState(row.state)
        failed_items = [(i.ReferencedSOPClassUID, i.ReferencedSOPInstanceUID)
                        for i in items if i.committed is False]
        unknown = (committed | set(failed)) - {i.ReferencedSOPInstanceUID for i in items}
    if unknown:
        log.warning("storage commitment report for %s names %d instance(s) not in the request",
                    transaction_uid, len(unknown))
    log.info("storage commitment %s on %s: %s (%d failed)%s", escape(transaction_uid), node_name,
             state, len(failed_items), " — after it had timed out" if late else "")
    if late and job_id is not None:
        _reopen_timed_out_job(db, job_id)
    if failed_items:
        _resend(config, db, node_name, job_id, failed_items)
    return STATUS_SUCCESS


def _not_from_node(config: Config, node_name: str, caller: str, caller_address: str) -> str:
    """Why a report from ``caller`` at ``caller_address`` is not from ``node_name``, or ""."""
    node = next((n for n in config.nodes if n.name == node_name), None)
    if node is None:
        return f"node '{node_name}' is no longer configured, so nobody can vouch for it"
    if caller != node.ae_title:
        return f"the transaction was sent to AE {node.ae_title}"
    if caller_address:
        addresses = resolve_addresses([node.host])
        if addresses and caller_address not in addresses:
            return f"{node.host} is at {', '.join(sorted(addresses))}"
    return ""


def _resend(config: Config, db: Database, node_name: str, job_id: int | None,
            failed: list[tuple[str, str]]) -> int | None:
    """Queue a STORE job for the failed instances whose files we know; return its id."""
    try:
        node = config.node(node_name)
    except ConfigError:
        log.error("storage commitment failures on %s, no longer configured; not re-sent",
                  node_name)
        return None
    if not node.resend_failed_commitment:
        log.warning("%d instance(s) not committed on %s; re-sending is off for this node",
                    len(failed), node_name)
        return None
    with db.session() as session:
        job = session.get(Job, job_id) if job_id is not None else None
        payload = job.payload if job is not None else "{}"
        study_id = job.study_id if job is not None else None
        tries = {uid: len(session.exec(
            select(CommitmentItem.id).join(Commitment)
            .where(Commitment.node == node_name, CommitmentItem.ReferencedSOPInstanceUID == uid,
                   CommitmentItem.committed == False)  # noqa: E712 (SQL, not Python)
        ).all()) for _cls, uid in failed}
    files = _files_by_instance(payload)
    again, given_up, no_file = [], [], []
    for _cls, uid in failed:
        if tries[uid] > RESEND_LIMIT:
            given_up.append(uid)
        elif uid in files:
            again.append(files[uid])
        else:
            no_file.append(uid)
    if given_up:
        log.error("%d instance(s) failed storage commitment on %s %d times; not re-sent again: "
                  "check the node, then send them by hand", len(given_up), node_name,
                  RESEND_LIMIT + 1)
    if no_file:
        log.error("%d failed instance(s) on %s have no file we know of; not re-sent",
                  len(no_file), node_name)
    if not again:
        return None
    store_job = enqueue(db, JobKind.STORE, node_name, {"files": sorted(set(again))},
                        study_id=study_id)
    log.info("%d instance(s) not committed on %s: stored again by job %s", len(again),
             node_name, store_job)
    return store_job


def _files_by_instance(payload_text: str) -> dict[str, str]:
    files = json.loads(payload_text or "{}").get("files", [])
    found = {}
    for path in files:
        try:
            found[str(read_item(path).SOPInstanceUID)] = path
        except StoreFileError as exc:
            log.warning("cannot re-send: %s", exc)
    return found


def expire_overdue(config: Config, db: Database, now: datetime | None = None) -> list[str]:
    """Mark timed out every pending transaction older than its node's
    ``commitment_timeout_minutes``; fail its job so ``vxacq queue`` shows it. Returns the
    Transaction UIDs marked."""
    now = now or utcnow()
    with db.session() as session:
        pending = session.exec(select(Commitment)
                               .where(Commitment.state == CommitmentState.PENDING)).all()
        overdue = []
        for row in pending:
            try:
                minutes = config.node(row.node).commitment_timeout_minutes
            except ConfigError:
                minutes = 60.0
            if aware(row.requested_at) + timedelta(minutes=minutes) <= now:
                row.state = CommitmentState.TIMED_OUT
                session.add(row)
                audit.record(session, "storage commitment timed out",
                             detail=f"transaction {row.TransactionUID} on {row.node}")
                overdue.append((row.TransactionUID, row.node, row.job_id, minutes))
    for transaction_uid, node_name, job_id, minutes in overdue:
        message = (f"{TIMEOUT_PREFIX} from {node_name} within {minutes:g} min (transaction "
                   f"{transaction_uid}); the instances are not known to be safe there — "
                   "check the node, then retry this job to ask again")
        log.error("storage commitment: %s", message)
        if job_id is not None:
            _set_job(db, job_id, from_state=JobState.DONE, to_state=JobState.FAILED,
                     error=message)
    return [t for t, *_ in overdue]


class OverdueWatch:
    """Runs :func:`expire_overdue` every ``interval`` seconds in a thread, for the processes
    that stay up (the console window, ``vxacq serve``): ``start()``, ``stop()``."""

    def __init__(self, config: Config, db: Database, interval: float = 60.0) -> None:
        self.config, self.db, self.interval = config, db, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name="commitment-overdue")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                expire_overdue(self.config, self.db)
            except Exception:  # the database was busy or gone: try again next time
                log.exception("checking storage commitments for time-outs")


def _reopen_timed_out_job(db: Database, job_id: int) -> None:
    """A report that comes after the time-out still counts: the job is done after all."""
    with db.session() as session:
        job = session.get(Job, job_id)
        if job is None or not job.last_error.startswith(TIMEOUT_PREFIX):
            return
    _set_job(db, job_id, from_state=JobState.FAILED, to_state=JobState.DONE, error="")


def _set_job(db: Database, job_id: int, *, from_state: JobState, to_state: JobState,
             error: str) -> None:
    table = Job.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == job_id,
                                         table.c.state == str(from_state))
                     .values(state=str(to_state), last_error=error, updated_at=utcnow()))


# --- the network side ----------------------------------------------------------------------


def presentation_contexts() -> list[PresentationContext]:
    return [build_context(StorageCommitmentPushModel,
                          [ExplicitVRLittleEndian, ImplicitVRLittleEndian])]


def role_selection() -> SCP_SCU_RoleSelectionNegotiation:
    """We act as SCU (N-ACTION) and offer to act as SCP too, so the node may send its
    N-EVENT-REPORT on our association (PS3.7 D.3.3.4)."""
    role = SCP_SCU_RoleSelectionNegotiation()
    role.sop_class_uid = StorageCommitmentPushModel
    role.scu_role = True
    role.scp_role = True
    return role


def event_report_handler(config: Config, db: Database,
                         seen: Callable[[str], None] | None = None) -> Callable[[Any], Any]:
    """An ``evt.EVT_N_EVENT_REPORT`` handler recording reports; ``seen(transaction_uid)`` is
    called after each one recorded."""

    def handle(event: Any) -> tuple[int, None]:
        req = event.request
        # on our listener the node called us; else the report came on the association we
        # opened to the node, whose address we chose
        caller = event.assoc.requestor.ae_title if event.assoc.is_acceptor else \
            event.assoc.acceptor.ae_title
        address = event.assoc.requestor.address if event.assoc.is_acceptor else ""
        if str(req.AffectedSOPClassUID) != StorageCommitmentPushModel:
            return 0x0118, None  # no such SOP class: this handler serves commitment only
        if str(req.AffectedSOPInstanceUID) != StorageCommitmentPushModelInstance:
            log.warning("storage commitment report from %s for instance %s, not the "
                        "well-known instance", caller, req.AffectedSOPInstanceUID)
            return STATUS_NO_SUCH_SOP_INSTANCE, None
        try:
            info = event.event_information
        except Exception:
            log.exception("storage commitment report from %s could not be decoded", caller)
            return STATUS_PROCESSING_FAILURE, None
        try:
            status = record_report(config, db, int(req.EventTypeID), info, caller=caller,
                                   caller_address=address)
        except Exception:
            # PS3.4 J.3.3: say we could not process it, so the node reports it again later.
            log.exception("storage commitment report from %s could not be recorded", caller)
            return STATUS_PROCESSING_FAILURE, None
        if status == STATUS_SUCCESS and seen is not None:
            seen(str(info.TransactionUID))
        return status, None

    return handle


def listener_options(config: Config, db: Database) -> dict[str, Any]:
    """What our listener needs to take reports on associations the nodes open:
    ``Listener(config, **listener_options(config, db))``. The node acts as SCP there; we
    accept that role (and the default one for nodes that propose no role selection). What the
    listener's front door refuses goes to the audit trail."""

    def security_event(action: str, detail: str) -> None:
        audit.record(db, f"security: {action}", detail=escape(detail))

    return {
        "handlers": [(evt.EVT_N_EVENT_REPORT, event_report_handler(config, db))],
        "contexts": [(StorageCommitmentPushModel,
                      [ExplicitVRLittleEndian, ImplicitVRLittleEndian], False, True)],
        "security_event": security_event,
    }


def request_dataset(transaction_uid: str, instances: Sequence[tuple[str, str]]) -> Dataset:
    """The N-ACTION Action Information (PS3.4 J.3.2.1.1)."""
    ds = Dataset()
    ds.TransactionUID = transaction_uid
    ds.ReferencedSOPSequence = []
    for sop_class, sop_instance in dict.fromkeys((str(c), str(i)) for c, i in instances):
        item = Dataset()
        item.ReferencedSOPClassUID = sop_class
        item.ReferencedSOPInstanceUID = sop_instance
        ds.ReferencedSOPSequence.append(item)
    return ds


def send_request(config: Config, db: Database, node: NodeConfig, transaction_uid: str, *,
                 wait_seconds: float | None = None) -> CommitmentView:
    """Send the N-ACTION for a recorded transaction, then keep the association open up to
    ``wait_seconds`` (default ``node.commitment_wait_seconds``) for the report on it.

    Returns the transaction as it stands (pending if the report will come later). Raises
    DicomNetworkError when the node cannot be reached or refuses the request.
    """
    get_commitment(db, transaction_uid)  # raises if it was never recorded
    instances = _instances_of(db, transaction_uid)
    wait = node.commitment_wait_seconds if wait_seconds is None else wait_seconds
    receiving, recorded, answered = threading.Event(), threading.Event(), threading.Event()

    def seen(uid: str) -> None:
        if uid == transaction_uid:
            recorded.set()

    def sent(event: Any) -> None:
        # Release only after our N-EVENT-REPORT-RSP is on the wire, not when it is recorded.
        if recorded.is_set() and type(event.message).__name__ == "N_EVENT_REPORT_RSP":
            answered.set()

    record = event_report_handler(config, db, seen)

    def on_report(event: Any) -> tuple[int, None]:
        receiving.set()
        return record(event)

    handlers = [(evt.EVT_N_EVENT_REPORT, on_report), (evt.EVT_DIMSE_SENT, sent)]
    with associate(config, node, presentation_contexts(), ext_neg=[role_selection()],
                   evt_handlers=handlers, ae=make_ae(config, node)) as assoc:
        status, _reply = assoc.send_n_action(request_dataset(transaction_uid, instances),
                                             REQUEST_COMMIT, StorageCommitmentPushModel,
                                             StorageCommitmentPushModelInstance)
        check_alive(assoc, node, "asking for storage commitment")
        code = int(status.Status) if "Status" in status else None
        if code is None:
            raise DicomNetworkError(f"{node.name} sent no valid answer to the storage commitment "
                                    "request; will retry", kind="status", retryable=True)
        if code != 0x0000:
            raise DicomNetworkError(_refusal(node, code, status), kind="status",
                                    retryable=code in (0x0110, 0x0213))
        log.info("storage commitment %s: %d instance(s) asked of %s", transaction_uid,
                 len(instances), node.name)
        deadline = time.monotonic() + wait
        while (not answered.is_set() and assoc.is_established
               and time.monotonic() < deadline):
            if answered.wait(0.25):
                break
            # Our listener may have taken the report on a new association meanwhile. (Not
            # while one is arriving here: its response must go out before we release.)
            if not receiving.is_set() and _answered(db, transaction_uid):
                break
    return get_commitment(db, transaction_uid)


def _answered(db: Database, transaction_uid: str) -> bool:
    return get_commitment(db, transaction_uid).state != CommitmentState.PENDING


def _refusal(node: NodeConfig, code: int, status: Dataset) -> str:
    words = {
        0x0110: "processing failure", 0x0112: "no such SOP instance",
        0x0115: "invalid argument value", 0x0118: "no such SOP class",
        0x0119: "class-instance conflict", 0x0122: "SOP class not supported",
        0x0123: "no such action", 0x0124: "not authorised",
        0x0210: "duplicate invocation", 0x0211: "unrecognised operation",
        0x0212: "mistyped argument", 0x0213: "resource limitation",
    }.get(code, "failure")
    comment = f" ({status.ErrorComment})" if "ErrorComment" in status else ""
    return (f"{node.name} ({node.ae_title}) refused the storage commitment request: "
            f"0x{code:04X} {words}{comment}; check that the node offers storage commitment to "
            "our AE title")


def _instances_of(db: Database, transaction_uid: str) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.exec(
            select(CommitmentItem.ReferencedSOPClassUID, CommitmentItem.ReferencedSOPInstanceUID)
            .join(Commitment).where(Commitment.TransactionUID == transaction_uid)
            .order_by(CommitmentItem.id)).all()
    return [(c, i) for c, i in rows]


def request_commitment(config: Config, db: Database, node: NodeConfig,
                       instances: Sequence[tuple[str, str]], *, job_id: int | None = None,
                       wait_seconds: float | None = None) -> CommitmentView:
    """Record a new transaction for ``instances`` and send it: the whole exchange in one call."""
    transaction_uid = record_request(db, node, instances, job_id=job_id)
    return send_request(config, db, node, transaction_uid, wait_seconds=wait_seconds)


def wait_for_report(db: Database, transaction_uid: str, timeout: float) -> CommitmentView:
    """Poll the database until the transaction is answered or ``timeout`` seconds pass (the
    report is recorded by whichever process's listener receives it)."""
    deadline = time.monotonic() + timeout
    while True:
        view = get_commitment(db, transaction_uid)
        if view.state != CommitmentState.PENDING or time.monotonic() >= deadline:
            return view
        time.sleep(0.1)


# --- the job -----------------------------------------------------------------------------


def instances_from_files(files: Sequence[str]) -> list[tuple[str, str]]:
    """(SOP Class UID, SOP Instance UID) of each file, from its header."""
    return [(str(item.SOPClassUID), str(item.SOPInstanceUID))
            for item in map(read_item, files)]


def run_job(ctx: JobContext) -> dict[str, Any]:
    """Ask ``ctx.node`` to commit ``payload["instances"]`` (or the instances of
    ``payload["files"]``). A retry of an attempt whose N-ACTION was not answered sends the same
    transaction again; a transaction already answered or timed out gets a new one."""
    expire_overdue(ctx.config, ctx.db)
    instances = [tuple(pair) for pair in ctx.payload.get("instances", [])]
    try:
        if not instances:
            instances = instances_from_files(ctx.payload.get("files", []))
        if not instances:
            raise CommitmentError("the job names no instances")
    except (StoreFileError, CommitmentError) as exc:
        raise DicomNetworkError(f"nothing to commit: {exc}", kind="status",
                                retryable=False) from None
    transaction_uid = ctx.payload.get("checkpoint", {}).get("TransactionUID")
    if transaction_uid:
        try:
            if get_commitment(ctx.db, transaction_uid).state != CommitmentState.PENDING:
                transaction_uid = None
        except CommitmentError:
            transaction_uid = None
    if not transaction_uid:
        transaction_uid = record_request(ctx.db, ctx.node, instances, job_id=ctx.job_id)
        ctx.checkpoint(TransactionUID=transaction_uid)
    ctx.progress(f"asking for commitment of {len(instances)} instance(s)")
    view = send_request(ctx.config, ctx.db, ctx.node, transaction_uid)
    return view.to_dict()

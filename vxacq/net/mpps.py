"""Modality Performed Procedure Step SCU: N-CREATE (IN PROGRESS) and N-SET (COMPLETED or
DISCONTINUED), sent through the outbox so that an RIS outage delays them and loses none.

The workflow builds the attribute lists with :mod:`vxacq.dicom.mpps` and calls
:func:`enqueue_create` when an exam starts and :func:`enqueue_set` when it closes; the outbox
runs :func:`run_job`. The N-SET job waits for its N-CREATE job, because it needs the instance
UID and the SCP must have the instance first. When the SCP assigns the instance UID (N-CREATE
without Affected SOP Instance UID), the UID it returns is kept in the N-CREATE job's result and
in the performed step's row, and the N-SET uses it.

Statuses are PS3.4 F.7.2 / C.4 and Annex C's general N-service statuses.
"""

from __future__ import annotations

import logging
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from pynetdicom import evt
from pynetdicom.presentation import build_context
from pynetdicom.sop_class import ModalityPerformedProcedureStep
from sqlmodel import select

from vxacq.config import Config, NodeConfig
from vxacq.db import Database, JobKind, JobState, PerformedStep
from vxacq.net.association import DicomNetworkError, associate, check_alive
from vxacq.net.outbox import JobContext, enqueue, get_job

log = logging.getLogger(__name__)

CONTEXTS = [build_context(ModalityPerformedProcedureStep,
                          [ExplicitVRLittleEndian, ImplicitVRLittleEndian])]

_FAILURES = {
    0x0105: "no such attribute",
    0x0106: "invalid attribute value",
    0x0110: "processing failure at the RIS",
    0x0111: "duplicate SOP instance (the RIS already has this step)",
    0x0112: "no such object instance (the RIS does not know this step)",
    0x0116: "attribute value out of range",
    0x0117: "invalid object instance",
    0x0118: "no such SOP class",
    0x0119: "class-instance conflict",
    0x0120: "missing attribute",
    0x0121: "missing attribute value",
    0x0122: "the RIS does not support MPPS",
    0x0124: "not authorised (the RIS does not accept our AE title for MPPS)",
    0x0210: "duplicate invocation",
    0x0211: "unrecognised operation",
    0x0212: "mistyped argument",
    0x0213: "resource limitation at the RIS",
    0xC310: "the step is already COMPLETED or DISCONTINUED at the RIS and can no longer be changed",
}
_WARNINGS = {0x0001: "requested optional attributes are not supported",
             0x0107: "some attributes were not recognised", 0x0116: "a value was out of range"}
_RETRYABLE = {0x0110, 0x0213}


def _check(status: Dataset, node: NodeConfig, what: str) -> str:
    """'' for success, the warning words, or raise DicomNetworkError for a failure."""
    code = int(status.Status)
    if code == 0x0000:
        return ""
    if code in _WARNINGS:
        log.warning("%s: %s answered with warning 0x%04X: %s", node.name, what, code, _WARNINGS[code])
        return f"0x{code:04X} {_WARNINGS[code]}"
    words = _FAILURES.get(code, "failure")
    comment = status.get("ErrorComment", "")
    attrs = status.get("AttributeIdentifierList")
    detail = "".join(f" ({x})" for x in (comment, attrs) if x)
    retryable = code in _RETRYABLE
    raise DicomNetworkError(
        f"{node.name} ({node.ae_title}) refused the {what}: 0x{code:04X} {words}{detail}"
        + ("; will retry" if retryable else "; fix the exam data or the RIS, then retry the job"),
        kind="status", retryable=retryable)


def create(config: Config, node: NodeConfig, attributes: Dataset,
           instance_uid: str | None = None) -> tuple[str, str]:
    """N-CREATE the step; returns (instance UID, warning words or ''). Without ``instance_uid``
    the SCP assigns one, read from the response's Affected SOP Instance UID. A 0x0111
    (duplicate) answer to our own UID means an earlier attempt created it: success."""
    assigned: list[str] = []

    def on_message(event: evt.Event) -> None:
        uid = getattr(event.message.command_set, "AffectedSOPInstanceUID", None)
        if uid:
            assigned.append(str(uid))

    with associate(config, node, CONTEXTS, evt_handlers=[(evt.EVT_DIMSE_RECV, on_message)]) as assoc:
        status, _attrs = assoc.send_n_create(attributes, ModalityPerformedProcedureStep,
                                             instance_uid)
        check_alive(assoc, node, "waiting for the MPPS N-CREATE response")
    if "Status" not in status:
        raise DicomNetworkError(f"{node.name} ({node.ae_title}) gave no valid answer to the "
                                "MPPS N-CREATE; will retry", kind="aborted", retryable=True)
    if instance_uid and int(status.Status) == 0x0111:
        log.info("%s already has MPPS %s (an earlier attempt created it)", node.name, instance_uid)
        return instance_uid, ""
    warning = _check(status, node, "MPPS N-CREATE")
    uid = instance_uid or (assigned[-1] if assigned else "")
    if not uid:
        raise DicomNetworkError(
            f"{node.name} ({node.ae_title}) accepted the MPPS N-CREATE but returned no instance "
            "UID, so the step cannot be completed; configure the node so that we assign it",
            kind="status", retryable=False)
    return uid, warning


def update(config: Config, node: NodeConfig, instance_uid: str, attributes: Dataset) -> str:
    """N-SET ``attributes`` on the step ``instance_uid``; returns warning words or ''."""
    with associate(config, node, CONTEXTS) as assoc:
        status, _attrs = assoc.send_n_set(attributes, ModalityPerformedProcedureStep, instance_uid)
        check_alive(assoc, node, "waiting for the MPPS N-SET response")
    if "Status" not in status:
        raise DicomNetworkError(f"{node.name} ({node.ae_title}) gave no valid answer to the "
                                "MPPS N-SET; will retry", kind="aborted", retryable=True)
    return _check(status, node, "MPPS N-SET")


# --- through the outbox ------------------------------------------------------------------


def enqueue_create(db: Database, node: str, attributes: Dataset, *, instance_uid: str | None,
                   performed_step_id: int | None = None, study_id: int | None = None) -> int:
    """Queue the N-CREATE; returns the job id. ``instance_uid`` None lets the SCP assign it
    (then the performed step row, if given, gets the assigned UID when the job is done)."""
    payload = {"action": "create", "attributes": attributes.to_json_dict(),
               "instance_uid": instance_uid, "performed_step_id": performed_step_id}
    return enqueue(db, JobKind.MPPS, node, payload, study_id=study_id)


def enqueue_set(db: Database, node: str, attributes: Dataset, *, instance_uid: str | None = None,
                after_job: int | None = None, performed_step_id: int | None = None,
                study_id: int | None = None) -> int:
    """Queue an N-SET. Give ``instance_uid``, or ``after_job`` (the N-CREATE job's id): the
    N-SET then waits until that job is done and uses the UID it created."""
    if not instance_uid and after_job is None:
        raise ValueError("an N-SET needs the step's instance UID or its N-CREATE job")
    payload = {"action": "set", "attributes": attributes.to_json_dict(),
               "instance_uid": instance_uid, "after_job": after_job,
               "performed_step_id": performed_step_id}
    return enqueue(db, JobKind.MPPS, node, payload, study_id=study_id)


def run_job(ctx: JobContext) -> dict[str, Any]:
    """The outbox handler for MPPS jobs (see :func:`enqueue_create`, :func:`enqueue_set`)."""
    attributes = Dataset.from_json(ctx.payload["attributes"])
    action = ctx.payload["action"]
    if action == "create":
        ctx.progress("sending N-CREATE (IN PROGRESS)")
        uid, warning = create(ctx.config, ctx.node, attributes, ctx.payload.get("instance_uid"))
        _record(ctx.db, ctx.payload.get("performed_step_id"), uid, attributes)
        return {"SOPInstanceUID": uid, "warning": warning}
    if action == "set":
        uid = ctx.payload.get("instance_uid") or _created_uid(ctx)
        status = attributes.get("PerformedProcedureStepStatus", "")
        ctx.progress(f"sending N-SET ({status or 'update'})")
        warning = update(ctx.config, ctx.node, uid, attributes)
        _record(ctx.db, ctx.payload.get("performed_step_id"), uid, attributes)
        return {"SOPInstanceUID": uid, "warning": warning}
    raise ValueError(f"unknown MPPS job action '{action}'")


def _created_uid(ctx: JobContext) -> str:
    """The instance UID made by the N-CREATE job this N-SET waits for."""
    create_job = get_job(ctx.db, int(ctx.payload["after_job"]))
    if create_job.state == JobState.DONE:
        return str(create_job.payload["result"]["SOPInstanceUID"])
    if create_job.state in (JobState.FAILED, JobState.CANCELLED):
        raise DicomNetworkError(
            f"the step's N-CREATE (job {create_job.id}) is {create_job.state}; retry that job "
            "first, then this one", kind="status", retryable=False)
    raise DicomNetworkError(f"waiting for the step's N-CREATE (job {create_job.id}) to be sent; "
                            "will retry", kind="unreachable", retryable=True)


def _record(db: Database, performed_step_id: int | None, uid: str, attributes: Dataset) -> None:
    """Keep the performed step's row in step with what the RIS accepted."""
    if performed_step_id is None:
        return
    with db.session() as session:
        row = session.get(PerformedStep, performed_step_id)
        if row is None:
            log.warning("performed step %s is gone from the database; MPPS %s sent anyway",
                        performed_step_id, uid)
            return
        if row.SOPInstanceUID != uid:
            clash = session.exec(select(PerformedStep).where(PerformedStep.SOPInstanceUID == uid)).first()
            if clash is None:
                row.SOPInstanceUID = uid
        status = attributes.get("PerformedProcedureStepStatus")
        if status:
            row.PerformedProcedureStepStatus = str(status)
        for keyword in ("PerformedProcedureStepEndDate", "PerformedProcedureStepEndTime"):
            if attributes.get(keyword):
                setattr(row, keyword, str(attributes.get(keyword)))
        reasons = attributes.get("PerformedProcedureStepDiscontinuationReasonCodeSequence")
        if reasons:
            row.discontinuation_code = str(reasons[0].CodeValue)

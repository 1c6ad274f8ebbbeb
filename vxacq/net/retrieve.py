"""Study Root retrieve SCU: C-MOVE to our own listener, or C-GET on the same association.

A retrieve is *expected* before it is asked for: :class:`RetrieveInbox` holds what we asked
(node, study, the SOP classes we take, the patient, a size bound) and our listener accepts a
C-STORE only when it matches one of them; everything else is refused with a status and goes to
the audit trail. C-GET uses the same checks on its own association (SCP role negotiated for
each storage class we take). Each received object is written atomically into the request's
folder; nothing here touches an exam.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import (
    UID, ComputedRadiographyImageStorage, DigitalMammographyXRayImageStorageForPresentation,
    DigitalXRayImageStorageForPresentation, ExplicitVRLittleEndian, ImplicitVRLittleEndian,
    SecondaryCaptureImageStorage,
)
from pynetdicom import _config, build_role, evt
from pynetdicom.presentation import PresentationContext, build_context
from pynetdicom.sop_class import (
    StudyRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelMove,
)

from vxacq.config import Config, NodeConfig
from vxacq.dicom.extent import overrun
from vxacq.logs import escape
from vxacq.net.association import DicomNetworkError, associate, make_ae

log = logging.getLogger(__name__)

MOVE = StudyRootQueryRetrieveInformationModelMove
GET = StudyRootQueryRetrieveInformationModelGet
MESSAGE_ID = 1
# The images a prior is shown from (PS3.4 B.5); a retrieve takes these and nothing else.
PRIOR_STORAGE_CLASSES = (
    DigitalXRayImageStorageForPresentation, ComputedRadiographyImageStorage,
    DigitalMammographyXRayImageStorageForPresentation, SecondaryCaptureImageStorage,
)
TRANSFER_SYNTAXES = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]
# C-STORE statuses we answer with (PS3.4 B.2.3, PS3.7 C)
STORED = 0x0000
NOT_AUTHORIZED = 0x0124  # no retrieve of ours expects it
SOP_CLASS_NOT_ASKED = 0x0122
OUT_OF_RESOURCES = 0xA700  # larger than we take, or it cannot be written
DOES_NOT_MATCH = 0xA900  # another study or patient than the one asked
CANNOT_UNDERSTAND = 0xC000
# C-MOVE/C-GET statuses (PS3.4 C.4.2.1.5, C.4.3.1.4)
PENDING = 0xFF00
CANCELLED = 0xFE00
WARNING = 0xB000
UNKNOWN_DESTINATION = 0xA801
_REFUSALS = {
    0xA701: "it is out of resources (cannot count the matches)",
    0xA702: "it is out of resources (cannot perform the sub-operations)",
    0xA900: "the identifier does not match the SOP class",
    0x0122: "it does not support Study Root retrieve",
    0x0124: "it does not let us retrieve (not authorised)",
}
UID_FORM = re.compile(r"[0-9]+(\.[0-9]+)*")


class RetrieveError(DicomNetworkError):
    """A retrieve that brought nothing usable; ``kind`` says why (refused, unknown-destination,
    timeout, aborted, cancelled, unreachable, ...). What arrived before it failed was removed."""


@dataclass
class RetrieveRequest:
    """What we asked ``node`` for and what we take in answer."""

    node: str
    peer_ae: str  # the AE title its storage sub-operations come from
    StudyInstanceUID: str
    folder: Path  # where accepted objects are written
    PatientID: str = ""  # when known, an object of another patient is refused
    sop_classes: tuple[str, ...] = PRIOR_STORAGE_CLASSES
    max_bytes: int = 256 << 20
    received: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why, one line per object
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self, ds: Dataset, sop_class: str, size: int) -> tuple[int, str]:
        """The C-STORE status for one arriving object and why, (0, "") when it is taken."""
        if size > self.max_bytes:
            return OUT_OF_RESOURCES, (f"{size} bytes, more than the {self.max_bytes} bytes one "
                                      "object may have (priors.max_object_mb)")
        if sop_class not in self.sop_classes:
            return SOP_CLASS_NOT_ASKED, f"SOP class {_said(UID(sop_class).name)} not asked for"
        study = str(ds.get("StudyInstanceUID", ""))
        if study != self.StudyInstanceUID:
            return DOES_NOT_MATCH, f"study {_said(study) or '(none)'} is not the study asked for"
        sop_instance = str(ds.get("SOPInstanceUID", ""))
        if not (UID_FORM.fullmatch(sop_instance) and len(sop_instance) <= 64):
            return CANNOT_UNDERSTAND, "its SOP Instance UID is not a UID"
        if str(ds.get("SOPClassUID", sop_class)) != sop_class:
            return DOES_NOT_MATCH, "its SOP Class UID differs from the one it was sent as"
        if self.PatientID and str(ds.get("PatientID", "")) != self.PatientID:
            # a prior of another patient beside the image is the one thing that must not happen
            return DOES_NOT_MATCH, "it belongs to another patient than the one asked for"
        return STORED, ""

    def take(self, event: evt.Event) -> int:
        """Check and write one C-STORE of this retrieve; the status to answer with."""
        request = event.request
        sop_class = str(request.AffectedSOPClassUID)
        size = len(request.DataSet.getvalue()) if request.DataSet is not None else 0
        try:
            ds = event.dataset
        except Exception as exc:  # noqa: BLE001 - whatever pydicom makes of bad bytes
            self.refuse(f"object from {self.node} cannot be decoded ({_said(exc, 200)})")
            return CANNOT_UNDERSTAND
        return self.keep(ds, sop_class, size, event.encoded_dataset)

    def keep(self, ds: Dataset, sop_class: str, size: int, encoded: Callable[[], bytes],
             refusal: tuple[int, str] | None = None) -> int:
        """Check one arriving object (C-STORE or WADO-RS part) and write ``encoded()`` into
        the folder when it is taken; the C-STORE status. ``refusal``: the caller's own status
        and reason to refuse an object the checks take."""
        status, why = self.check(ds, sop_class, size)
        if status == STORED and refusal is not None:
            status, why = refusal
        if status != STORED:
            self.refuse(f"object from {self.node} refused: {why}")
            return status
        data = encoded()
        if cut := overrun(data):  # decoded, it lost the rest of the object without a word
            self.refuse(f"object from {self.node} refused: {cut}")
            return CANNOT_UNDERSTAND
        target = self.folder / f"{ds.SOPInstanceUID}.dcm"
        try:
            write_atomically(target, data)
        except OSError as exc:
            self.refuse(f"object from {self.node} could not be written ({exc.strerror or exc})")
            return OUT_OF_RESOURCES
        with self.lock:
            if target not in self.received:
                self.received.append(target)
        return STORED

    def refuse(self, why: str) -> None:
        """Count one object as refused; ``why`` reaches the log and the screen, escaped."""
        why = escape(why)
        log.warning("retrieve: %s", why)
        with self.lock:
            self.refused.append(why)

    def discard(self) -> None:
        """Remove what this retrieve wrote (it failed as a whole)."""
        with self.lock:
            for path in self.received:
                path.unlink(missing_ok=True)
            self.received.clear()


def _said(value: object, most: int = 64) -> str:
    """A value an object or a peer sent, as a message may quote it: escaped, cut to ``most``."""
    return escape(value)[:most]


def write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RetrieveInbox:
    """The retrieves we started and are waiting for; our listener's C-STORE handler.

    ``security_event(action, detail)`` records what is refused (the audit trail)."""

    def __init__(self, security_event: Callable[[str, str], None] | None = None) -> None:
        self._expected: list[RetrieveRequest] = []
        self._lock = threading.Lock()
        self._security_event = security_event

    @contextmanager
    def expecting(self, request: RetrieveRequest) -> Iterator[RetrieveRequest]:
        with self._lock:
            self._expected.append(request)
        try:
            yield request
        finally:
            with self._lock:
                self._expected.remove(request)

    def listener_options(self) -> dict[str, Any]:
        """Handlers and contexts for :class:`vxacq.net.listener.Listener`."""
        return {"handlers": [(evt.EVT_C_STORE, self.handle_store)],
                "contexts": [(sop, TRANSFER_SYNTAXES) for sop in PRIOR_STORAGE_CLASSES]}

    def handle_store(self, event: evt.Event) -> int:
        caller = event.assoc.requestor.ae_title
        originator = str(getattr(event.request, "MoveOriginatorApplicationEntityTitle", "") or "")
        study = ""
        with self._lock:
            matching = [r for r in self._expected if r.peer_ae == caller]
        if matching and len(matching) > 1:
            try:
                study = str(event.dataset.get("StudyInstanceUID", ""))
            except Exception:  # noqa: BLE001 - refused below by the request's own check
                study = ""
            matching = [r for r in matching if r.StudyInstanceUID == study] or matching[:1]
        if not matching:
            detail = (f"C-STORE from {caller} ({event.assoc.requestor.address}) refused: no "
                      f"retrieve of ours expects it (move originator '{originator or 'none'}')")
            log.warning("listener: %s", escape(detail))
            if self._security_event is not None:
                try:
                    self._security_event("store refused", detail)
                except Exception:  # the audit trail failing must not open the door
                    log.exception("listener: could not record a refused store")
            return NOT_AUTHORIZED
        request = matching[0]
        status = request.take(event)
        if status != STORED and self._security_event is not None:
            try:
                self._security_event("retrieved object refused", request.refused[-1])
            except Exception:
                log.exception("listener: could not record a refused object")
        return status


@dataclass
class RetrieveOutcome:
    """How a retrieve ended; ``partial`` says in words what did not arrive (else "")."""

    node: str
    StudyInstanceUID: str
    files: list[Path]
    completed: int = 0
    failed: int = 0
    warning: int = 0
    refused: list[str] = field(default_factory=list)
    partial: str = ""


def study_identifier(StudyInstanceUID: str) -> Dataset:
    ds = Dataset()
    ds.QueryRetrieveLevel = "STUDY"
    ds.StudyInstanceUID = StudyInstanceUID
    return ds


def move(config: Config, node: NodeConfig, request: RetrieveRequest,
         inbox: RetrieveInbox) -> RetrieveOutcome:
    """C-MOVE the study to our own AE title; our listener (holding ``inbox``) takes the
    objects. RetrieveError says why when nothing usable came."""
    with inbox.expecting(request):
        return _retrieve(config, node, request, MOVE, [build_context(MOVE, TRANSFER_SYNTAXES)],
                         lambda assoc: assoc.send_c_move(study_identifier(request.StudyInstanceUID),
                                                         config.station.ae_title, MOVE,
                                                         msg_id=MESSAGE_ID))


def presentation_contexts(sop_classes: tuple[str, ...] = PRIOR_STORAGE_CLASSES
                          ) -> list[PresentationContext]:
    """What a query node's retrieve proposes: C-MOVE, C-GET and, for C-GET, each storage
    class we take (in the SCP role, :func:`roles`)."""
    return ([build_context(MOVE, TRANSFER_SYNTAXES), build_context(GET, TRANSFER_SYNTAXES)]
            + [build_context(sop, TRANSFER_SYNTAXES) for sop in sop_classes])


def roles(sop_classes: tuple[str, ...] = PRIOR_STORAGE_CLASSES) -> list[Any]:
    return [build_role(sop, scp_role=True) for sop in sop_classes]


def get(config: Config, node: NodeConfig, request: RetrieveRequest) -> RetrieveOutcome:
    """C-GET the study: the node stores each object on this association, in the SCP role
    negotiated for each storage class we take."""
    contexts = [cx for cx in presentation_contexts(request.sop_classes)
                if cx.abstract_syntax != MOVE]
    return _retrieve(config, node, request, GET, contexts,
                     lambda assoc: assoc.send_c_get(study_identifier(request.StudyInstanceUID),
                                                    GET, msg_id=MESSAGE_ID),
                     ext_neg=roles(request.sop_classes),
                     handlers=[(evt.EVT_C_STORE, request.take)])


def _retrieve(config: Config, node: NodeConfig, request: RetrieveRequest, sop_class: str,
              contexts: list[PresentationContext], send: Callable[[Any], Any], *,
              ext_neg: list[Any] | None = None,
              handlers: list[Any] | None = None) -> RetrieveOutcome:
    _config.LOG_REQUEST_IDENTIFIERS = config.station.log_patient_data
    _config.LOG_RESPONSE_IDENTIFIERS = config.station.log_patient_data
    ae = make_ae(config, node)
    # each answer within the node's DIMSE timeout, the whole retrieve within retrieve_timeout
    ae.dimse_timeout = min(node.dimse_timeout, node.retrieve_timeout)
    deadline = time.monotonic() + node.retrieve_timeout
    what = "C-MOVE" if sop_class == MOVE else "C-GET"
    where = f"{node.name} ({node.ae_title})"
    try:
        with associate(config, node, contexts, ext_neg=ext_neg, evt_handlers=handlers,
                       ae=ae) as assoc:
            outcome = _collect(assoc, node, request, sop_class, send(assoc), deadline, what,
                               where)
    except DicomNetworkError as exc:
        request.discard()
        if isinstance(exc, RetrieveError):
            raise
        raise RetrieveError(f"retrieve of the study from {exc}", kind=exc.kind,
                            retryable=exc.retryable) from None
    return outcome


def _collect(assoc: Any, node: NodeConfig, request: RetrieveRequest, sop_class: str,
             responses: Iterator[tuple[Dataset, Dataset | None]], deadline: float, what: str,
             where: str) -> RetrieveOutcome:
    cancel_sent = False
    last: Dataset | None = None
    for status, _identifier in responses:
        code = status.get("Status")
        if code is None:
            if time.monotonic() >= deadline - 0.05 or cancel_sent:
                raise _timed_out(node, where, what, request)
            raise RetrieveError(
                f"{where} did not answer the {what} within {assoc.dimse_timeout:g} s, or "
                f"aborted it, after {len(request.received)} object(s); nothing was kept",
                kind="aborted", retryable=True)
        last = status
        if code in (PENDING, 0xFF01):
            if not cancel_sent and time.monotonic() >= deadline:
                context = next(cx for cx in assoc.accepted_contexts
                               if cx.abstract_syntax == sop_class)
                assoc.send_c_cancel(MESSAGE_ID, context.context_id)
                cancel_sent = True
            continue
        break
    if last is None:
        raise RetrieveError(f"{where} ended the association without answering the {what}",
                            kind="aborted", retryable=True)
    code = int(last.Status)
    counts = {k: int(last.get(f"NumberOf{k.capitalize()}Suboperations") or 0)
              for k in ("completed", "failed", "warning")}
    if cancel_sent:
        raise _timed_out(node, where, what, request)
    if code == UNKNOWN_DESTINATION:
        raise RetrieveError(
            f"{where} does not know our AE title '{assoc.requestor.ae_title}' as a move "
            f"destination (0xA801); add it with our host and listener port to the "
            "node's known destinations, or set the node's retrieve = \"get\"",
            kind="unknown-destination", retryable=False)
    outcome = RetrieveOutcome(node=node.name, StudyInstanceUID=request.StudyInstanceUID,
                              files=list(request.received), refused=list(request.refused),
                              **counts)
    if code == 0x0000 and not request.refused:
        if not outcome.files:
            raise RetrieveError(f"{where} has no images of the study we take (it sent none)",
                                kind="empty", retryable=False)
        return outcome
    if code in (0x0000, WARNING) or code & 0xF000 == 0xB000 or (
            code & 0xF000 in (0xA000, 0xC000) and (outcome.files or request.refused)):
        # the node failed (some of) the sub-operations, or we refused what it sent
        outcome.partial = (
            f"partial retrieve from {where}: {len(outcome.files)} object(s) received, "
            f"{counts['failed']} failed, {counts['warning']} with warnings at the node"
            + (f"; {len(request.refused)} refused by us ({request.refused[0]})"
               if request.refused else "")
            + (f" (status 0x{code:04X})" if code else ""))
        if not outcome.files:
            request.discard()
            raise RetrieveError(outcome.partial.replace("partial retrieve", "retrieve failed",
                                                        1), kind="partial", retryable=False)
        return outcome
    comment = escape(str(last.get("ErrorComment", "")))
    words = _REFUSALS.get(code) or ("it cannot process the request"
                                    if code & 0xF000 == 0xC000 else "failure")
    request.discard()
    raise RetrieveError(f"{where} refused the {what}: 0x{code:04X} {words}"
                        f"{f' ({comment})' if comment else ''}", kind="refused",
                        retryable=code & 0xFF00 == 0xA700)


def _timed_out(node: NodeConfig, where: str, what: str, request: RetrieveRequest) -> RetrieveError:
    got = len(request.received)
    request.discard()
    return RetrieveError(
        f"{where} did not finish the {what} within {node.retrieve_timeout:g} s "
        f"(retrieve_timeout); it was cancelled after {got} object(s), and nothing was kept",
        kind="timeout", retryable=True)

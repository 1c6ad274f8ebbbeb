"""One C-FIND exchange, shared by the worklist and the study query: answers as they come,
C-CANCEL when the user stops or a match limit is reached, and every way it can end in words.

pynetdicom reports a DIMSE timeout and a peer's A-ABORT the same way (an empty status, the
association aborted); the time waited tells them apart, so the user learns which it was.

Each answer also comes with its identifier's bytes as received (when they are Explicit VR
Little Endian): a worklist order keeps them, and encoding every answer a second time to get
them was most of a long worklist's time. The identifier given with them is pynetdicom's
reading of those very bytes, its values untouched (as received), so nobody reads them twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO

from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.filereader import read_dataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from pynetdicom import _config, evt
from pynetdicom.association import Association
from pynetdicom.dimse_messages import C_FIND_RSP
from pynetdicom.presentation import PresentationContext, build_context

from vxacq.config import Config, NodeConfig
from vxacq.net.association import DicomNetworkError, associate

log = logging.getLogger(__name__)

MESSAGE_ID = 1
# C-FIND statuses (PS3.4 C.4.1.1.4, K.4.1.1.4)
PENDING = (0xFF00, 0xFF01)
CANCELLED = 0xFE00
_FAILURES = {
    0xA700: "out of resources",
    0xA900: "the identifier does not match the SOP class",
    0x0122: "the SOP class is not supported",
}

Cancel = threading.Event | Callable[[], bool]
# Called with each answer's identifier and its bytes as received (None: not Explicit VR
# Little Endian, or no identifier); with the bytes, the identifier is read from them and its
# values are still as received (not yet converted).
OnAnswer = Callable[[Dataset, bytes | None], None]


@dataclass
class FindOutcome:
    """How a C-FIND ended: ``complete`` (the peer said success), ``cancelled`` (the user
    stopped it) or ``limited`` (``limit`` answers came and we stopped it)."""

    answers: list[Dataset] = field(default_factory=list)
    complete: bool = False
    cancelled: bool = False
    limited: bool = False
    warning: str = ""


def _stop_requested(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    return cancel.is_set() if isinstance(cancel, threading.Event) else bool(cancel())


class _ReceivedBytes:
    """The pending answers' identifier bytes, in the order they arrive. pynetdicom fires
    EVT_DIMSE_RECV for a complete message before it queues the answer that send_c_find
    yields, so the n-th pending answer taken from it goes with the n-th bytes here."""

    def __init__(self, assoc: Association) -> None:
        self._explicit = {cx.context_id for cx in assoc.accepted_contexts
                          if cx.transfer_syntax[0] == ExplicitVRLittleEndian}
        self._bytes: deque[bytes | None] = deque()  # appended by pynetdicom's thread
        assoc.bind(evt.EVT_DIMSE_RECV, self._on_message)

    def _on_message(self, event: evt.Event) -> None:
        message = event.message
        if isinstance(message, C_FIND_RSP) and message.command_set.Status in PENDING:
            data = message.data_set.getvalue() if message.data_set is not None else b""
            self._bytes.append(data if data and message.context_id in self._explicit else None)

    def next(self) -> bytes | None:
        return self._bytes.popleft() if self._bytes else None


def _read_from(identifier: Dataset, raw: bytes) -> bool:
    """Whether every value of ``identifier`` still as read (its top level) is the bytes at
    its place in ``raw``: a check, for a few microseconds, that the two are one answer."""
    elements = [e for e in identifier.values() if isinstance(e, RawDataElement)]
    return bool(elements) and all(
        not e.length or (e.value is not None and raw.startswith(e.value, e.value_tell))
        for e in elements)


def contexts(sop_class: str) -> list[PresentationContext]:
    return [build_context(sop_class, [ExplicitVRLittleEndian, ImplicitVRLittleEndian])]


def find(config: Config, node: NodeConfig, sop_class: str, identifier: Dataset, *,
         what: str, limit: int = 0, cancel: Cancel | None = None,
         on_answer: OnAnswer | None = None) -> FindOutcome:
    """Send one C-FIND to ``node`` and collect its answers. Raises DicomNetworkError when the
    node cannot be reached, refuses, aborts, times out or answers with a failure status;
    ``what`` names the query in those messages ("the worklist query")."""
    # pynetdicom logs every identifier it sends and receives — patient names and IDs — and
    # formats them even when nobody reads the log: only where the site allows patient data.
    _config.LOG_REQUEST_IDENTIFIERS = config.station.log_patient_data
    _config.LOG_RESPONSE_IDENTIFIERS = config.station.log_patient_data
    with associate(config, node, contexts(sop_class)) as assoc:
        received = _ReceivedBytes(assoc)
        responses = assoc.send_c_find(identifier, sop_class, msg_id=MESSAGE_ID)
        return _collect(assoc, node, sop_class, responses, what, limit, cancel, on_answer,
                        received)


def _collect(assoc: Association, node: NodeConfig, sop_class: str,
             responses: Iterator[tuple[Dataset, Dataset | None]], what: str, limit: int,
             cancel: Cancel | None, on_answer: OnAnswer | None,
             received: _ReceivedBytes) -> FindOutcome:
    outcome = FindOutcome()
    cancel_sent = False
    where = f"{node.name} ({node.ae_title})"
    waited_since = time.monotonic()
    previous: Dataset | None = None
    for status, identifier in responses:
        if status is previous:
            # pynetdicom yields an answer it cannot decode twice (the same status); taking
            # bytes for the second would pair every later answer with the next one's bytes.
            continue
        previous = status
        code = status.get("Status")
        if code is None:
            raise _no_answer(assoc, where, what, node, time.monotonic() - waited_since,
                             len(outcome.answers))
        if code in PENDING:
            raw = received.next()
            if identifier is None:
                log.warning("%s: an answer to %s could not be decoded (see the DICOM log); "
                            "skipped, so one match is missing", where, what)
            elif not cancel_sent:
                if raw is not None and (_config.LOG_RESPONSE_IDENTIFIERS
                                        or not _read_from(identifier, raw)):
                    # pynetdicom converted its values to log them (or, which cannot happen
                    # while the answers pair with their bytes, read other bytes): read the
                    # bytes kept, so the order and the bytes kept with it are one answer
                    identifier = read_dataset(BytesIO(raw), is_implicit_VR=False,
                                              is_little_endian=True)
                outcome.answers.append(identifier)
                if on_answer is not None:
                    on_answer(identifier, raw)
            if not cancel_sent:
                if limit and len(outcome.answers) >= limit:
                    outcome.limited = True
                elif _stop_requested(cancel):
                    outcome.cancelled = True
                if outcome.limited or outcome.cancelled:
                    # The peer answers the C-CANCEL with a final 0xFE00 (or a last success).
                    context = next(cx for cx in assoc.accepted_contexts
                                   if cx.abstract_syntax == sop_class)
                    assoc.send_c_cancel(MESSAGE_ID, context.context_id)
                    cancel_sent = True
            waited_since = time.monotonic()
            continue
        if code == CANCELLED or cancel_sent:
            return outcome
        if code == 0x0000:
            outcome.complete = True
            return outcome
        if code & 0xF000 == 0xB000:
            outcome.complete = True
            outcome.warning = f"the peer ended with warning 0x{code:04X}"
            return outcome
        words = _FAILURES.get(code) or _FAILURES.get(code & 0xFF00) or (
            "it cannot process the query" if code & 0xF000 == 0xC000 else "failure")
        comment = status.get("ErrorComment", "")
        raise DicomNetworkError(
            f"{where} refused {what}: 0x{code:04X} {words}{f' ({comment})' if comment else ''}",
            kind="status", retryable=code & 0xFF00 == 0xA700)
    raise _no_answer(assoc, where, what, node, time.monotonic() - waited_since,
                     len(outcome.answers))


def _no_answer(assoc: Association, where: str, what: str, node: NodeConfig, waited: float,
               received: int) -> DicomNetworkError:
    got = f" after {received} answer(s)" if received else ""
    if waited >= node.dimse_timeout * 0.95:
        return DicomNetworkError(
            f"{where} did not answer {what} within {node.dimse_timeout:g} s{got}; the association "
            "was aborted. Is the node overloaded? Raise its dimse_timeout if it is just slow",
            kind="timeout", retryable=True)
    return DicomNetworkError(
        f"{where} aborted the association during {what}{got}; nothing was saved from this "
        "query — try again, and check the node's log if it keeps happening",
        kind="aborted", retryable=True)

"""C-STORE: the outbox's STORE jobs — a study's files to one node over one association.

Transfer syntax per node (``transfer_syntax``): ``explicit`` (default) proposes Explicit VR
Little Endian with Implicit VR Little Endian as the fallback the peer may choose instead;
``implicit`` proposes Implicit only; ``rle`` and ``jpeg2000-lossless`` also propose that
lossless syntax and compress images into it when the node accepts it; ``jpeg-lossless``
proposes JPEG Lossless (Process 14 SV1), used for files already in it (pydicom has no
encoder for it; other files go uncompressed). A file already in a syntax the node accepted is
sent as its bytes, never decoded.

How one request goes on the wire (and why not through pynetdicom's ``send_c_store`` when the
installed pynetdicom is one it was written for) is :mod:`vxacq.net.store_wire`.

Status words follow PS3.4 B.2.3 (Storage) and C.4 (general statuses).
"""

from __future__ import annotations

import logging
import mmap
import os
import stat
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.encaps import generate_fragments
from pydicom.errors import InvalidDicomError
from pydicom.uid import (
    UID, ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEG2000Lossless, JPEGLosslessSV1,
    RLELossless,
)
from pynetdicom.association import Association
from pynetdicom.dsutils import encode, split_dataset
from pynetdicom.presentation import PresentationContext, build_context

from vxacq.config import NodeConfig
from vxacq.dicom import decoders
from vxacq.dicom.extent import overrun
from vxacq.db import JobKind
from vxacq.net import store_wire
from vxacq.net.association import (
    DicomNetworkError, associate, check_alive, context_refusals, make_ae,
)
from vxacq.net.outbox import JobContext, JobInterrupted, enqueue
from vxacq.security import audit
from vxacq.security.audit_message import MINOR_FAILURE

log = logging.getLogger(__name__)

UNCOMPRESSED = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)
COMPRESSED_FOR = {
    "rle": RLELossless,
    "jpeg2000-lossless": JPEG2000Lossless,
    "jpeg-lossless": JPEGLosslessSV1,
}
ENCODABLE = {RLELossless, JPEG2000Lossless}  # what pydicom's encoders can write


class StoreFileError(Exception):
    """A file given to send is missing or not DICOM; the message names it."""


@dataclass(frozen=True)
class StoreItem:
    """One file to send, as its header says."""

    path: Path
    SOPClassUID: UID
    SOPInstanceUID: UID
    TransferSyntaxUID: UID | None  # None: no file meta, the data set must be read and encoded
    offset: int  # where the data set starts in the file

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class StoreStatus:
    """How one C-STORE ended: ``outcome`` is success, warning, retry or failed."""

    item: StoreItem
    status: int
    outcome: str
    words: str

    def describe(self) -> str:
        return f"{self.item.name}: 0x{self.status:04X} {self.words}"


# --- status map --------------------------------------------------------------------------

# How each C-STORE response status is handled, first match wins: (mask, value, outcome, words);
# a status matches when ``status & mask == value``. The conformance statement prints this table.
STATUS_HANDLING: tuple[tuple[int, int, str, str], ...] = (
    (0xFFFF, 0x0000, "success", "success"),
    (0xFFFF, 0xB000, "warning", "warning: the archive coerced data elements (it changed some "
                                "values)"),
    (0xFFFF, 0xB006, "warning", "warning: the archive discarded some elements"),
    (0xFFFF, 0xB007, "warning", "warning: the archive says the data set does not match the SOP "
                                "class"),
    (0xFF00, 0xA700, "retry", "refused: the archive is out of resources (disk full or busy); "
                              "will retry"),
    (0xF000, 0xC000, "retry", "error: the archive cannot understand the data set; will retry"),
    (0xFFFF, 0x0213, "retry", "resource limitation at the archive; will retry"),
    (0xFF00, 0xA900, "failed", "error: the data set does not match the SOP class — the archive "
                               "will not take this file as it is; check it with dciodvfy"),
    (0xFFFF, 0x0110, "failed", "processing failure at the archive"),
    (0xFFFF, 0x0117, "failed", "invalid SOP instance"),
    (0xFFFF, 0x0122, "failed", "refused: the archive does not support this SOP class"),
    (0xFFFF, 0x0124, "failed", "refused: not authorised (the archive does not accept our AE "
                               "title for storage)"),
    (0xFFFF, 0x0210, "failed", "duplicate invocation"),
    (0xFFFF, 0x0211, "failed", "unrecognised operation"),
    (0xFFFF, 0x0212, "failed", "mistyped argument"),
    (0x0000, 0x0000, "failed", "failure status not defined for storage"),
)


def classify(status: int) -> tuple[str, str]:
    """The outcome (success, warning, retry, failed) and words for a C-STORE status."""
    return next((outcome, words) for mask, value, outcome, words in STATUS_HANDLING
                if status & mask == value)


# --- reading the files -------------------------------------------------------------------


def read_item(path: str | os.PathLike[str]) -> StoreItem:
    """What to send for ``path``; raises StoreFileError if it is missing or not DICOM."""
    path = Path(path)
    _regular_file(path)
    try:
        meta, offset = split_dataset(path)
        if all(k in meta for k in ("MediaStorageSOPClassUID", "MediaStorageSOPInstanceUID",
                                    "TransferSyntaxUID")):
            return StoreItem(path, UID(meta.MediaStorageSOPClassUID),
                             UID(meta.MediaStorageSOPInstanceUID), UID(meta.TransferSyntaxUID),
                             offset)
    except FileNotFoundError:
        raise StoreFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise StoreFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except Exception:  # no preamble or a damaged file meta: try it as a bare data set below
        pass
    try:
        ds = dcmread(path, stop_before_pixels=True, force=True)
        return StoreItem(path, UID(ds.SOPClassUID), UID(ds.SOPInstanceUID), None, 0)
    except (InvalidDicomError, AttributeError, ValueError, EOFError):
        raise StoreFileError(f"{path}: not a DICOM file (no SOP Class UID and SOP Instance "
                             "UID could be read from it)") from None


def _regular_file(path: Path) -> None:
    """A FIFO or a device would be read forever (or never end): only regular files are sent."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise StoreFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise StoreFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise StoreFileError(f"{path}: not a regular file (a FIFO, device or folder); only "
                             "DICOM files are sent")


PIXEL_DATA = 0x7FE00010
# Uncompressed pixel data above this size is not read into memory by the check: how many of
# its bytes the file holds is what can be wrong with it (an 18 MB DX image is read to send).
DEFER_BYTES = 1 << 20


def check_file(path: str | os.PathLike[str]) -> StoreItem:
    """Read ``path`` as an archive will, every value decoded, before it is queued: a truncated
    or garbled file, or one without its SOP UIDs, raises StoreFileError saying what is wrong
    with it, so it is never queued and re-sent again and again. A value running past the end
    of the file (:func:`vxacq.dicom.extent.overrun`) is looked for first: read, it would lose
    the rest of the file silently."""
    item = read_item(path)
    path = Path(path)
    try:
        cut = overrun(path)  # pydicom would read such a file short without a word
    except OSError as exc:
        raise StoreFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if cut:
        raise StoreFileError(f"{path}: {cut}; not queued")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # what is wrong is said below, once
            try:
                ds, pixel_bytes = _decoded_but_pixels(path, item)
            except Exception:  # say it as the whole read does (or find it was not a fault)
                ds, pixel_bytes = _decoded_whole(path, item)
    except Exception as exc:  # pydicom raises many kinds for damaged data
        raise StoreFileError(f"{path}: damaged DICOM file ({exc}); not queued") from None
    problems = []
    for keyword, expected in (("SOPClassUID", item.SOPClassUID),
                              ("SOPInstanceUID", item.SOPInstanceUID)):
        value = ds.get(keyword)
        if not value:
            problems.append(f"no {keyword}")
        elif not UID(str(value)).is_valid:
            problems.append(f"{keyword} '{value}' is not a valid UID")
        elif str(value) != str(expected):
            problems.append(f"{keyword} {value} differs from the file meta's {expected}")
    if pixel_bytes is not None and (short := _pixel_data_problem(ds, pixel_bytes)):
        problems.append(short)
    if problems:
        raise StoreFileError(f"{path}: {'; '.join(problems)}; not queued")
    return item


def _decoded_whole(path: Path, item: StoreItem) -> tuple[Any, int | bytes | None]:
    """The file read whole and every value decoded (a garbled one raises); with its pixel data
    (None: it has none)."""
    ds = dcmread(path, force=item.TransferSyntaxUID is None)
    for element in ds.iterall():
        element.value  # decodes every value: a garbled one raises here
    return ds, ds.PixelData if "PixelData" in ds else None


def _decoded_but_pixels(path: Path, item: StoreItem) -> tuple[Any, int | bytes | None]:
    """As :func:`_decoded_whole`, but large uncompressed pixel data stays on disk: its number
    of bytes the file holds is returned instead of its value. Raises for whatever it cannot
    read this way; the whole read then says what is wrong, if anything."""
    size = path.stat().st_size
    ds = dcmread(path, force=item.TransferSyntaxUID is None, defer_size=DEFER_BYTES)
    compressed = item.TransferSyntaxUID is not None and item.TransferSyntaxUID.is_compressed
    pixels: int | bytes | None = None
    for tag in list(ds.keys()):
        raw = ds.get_item(tag, keep_deferred=True)
        if (tag == PIXEL_DATA and not compressed and isinstance(raw, RawDataElement)
                and raw.value is None):
            pixels = max(0, min(raw.length, size - raw.value_tell))
            continue
        element = ds[tag]  # a deferred value is read here
        if element.VR == "SQ":
            for child in element.value:
                for nested in child.iterall():
                    nested.value  # decodes it: a garbled one raises here
        elif tag == PIXEL_DATA:
            pixels = element.value
        else:
            element.value
    return ds, pixels


def _pixel_data_problem(ds: Any, data: int | bytes) -> str:
    """Why the pixel data (``data``, or how many of its bytes the file holds) cannot be whole
    (a truncated file), or ""."""
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    if syntax is not None and UID(syntax).is_compressed and isinstance(data, bytes):
        try:
            fragments = list(generate_fragments(data))
        except Exception as exc:
            return f"its compressed pixel data is cut short or damaged ({exc})"
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        if len(fragments) < frames:
            return f"{len(fragments)} compressed fragment(s) for {frames} frame(s)"
        return ""
    length = data if isinstance(data, int) else len(data)
    try:
        expected = (int(ds.Rows) * int(ds.Columns) * int(ds.get("SamplesPerPixel", 1))
                    * int(ds.get("NumberOfFrames", 1) or 1) * int(ds.BitsAllocated) + 7) // 8
    except (AttributeError, TypeError, ValueError):
        return "no Rows, Columns or Bits Allocated to go with its pixel data"
    if length < expected:
        return (f"its pixel data is cut short ({length} of {expected} bytes): the file is "
                "truncated")
    return ""


# --- presentation contexts ---------------------------------------------------------------


def proposed_contexts(node: NodeConfig, items: Sequence[StoreItem]) -> list[PresentationContext]:
    """The contexts to propose for ``items``: per SOP class the uncompressed pair (or Implicit
    alone), the node's lossless syntax if it asks for one, and any syntax a file is already in."""
    base = [ImplicitVRLittleEndian] if node.transfer_syntax == "implicit" else list(UNCOMPRESSED)
    wanted = COMPRESSED_FOR.get(node.transfer_syntax)
    contexts: list[PresentationContext] = []
    for sop_class in dict.fromkeys(item.SOPClassUID for item in items):
        contexts.append(build_context(sop_class, base))
        extra = {item.TransferSyntaxUID for item in items if item.SOPClassUID == sop_class}
        extra.discard(None)
        if wanted is not None:
            extra.add(wanted)
        for syntax in sorted(extra - set(base)):
            contexts.append(build_context(sop_class, [syntax]))
    if len(contexts) > 128:
        raise StoreFileError("the job has more SOP classes and syntaxes than one association "
                             "can carry (128 presentation contexts); send it in parts")
    return contexts


def _accepted(assoc: Association, sop_class: UID) -> dict[UID, PresentationContext]:
    return {UID(cx.transfer_syntax[0]): cx for cx in assoc.accepted_contexts
            if cx.abstract_syntax == sop_class}


@dataclass
class _Payload:
    """The data set bytes to send for one item and the context to send them on."""

    context: PresentationContext
    data: memoryview


@contextmanager
def _payload(assoc: Association, node: NodeConfig, item: StoreItem) -> Iterator[_Payload]:
    """Choose the context for ``item`` and yield its data set bytes in that syntax: the file's
    own bytes when the node took its syntax, else decoded and re-encoded."""
    accepted = _accepted(assoc, item.SOPClassUID)
    if not accepted:
        raise StoreFileError(f"{item.name}: {node.name} "
                             f"{context_refusals(assoc, item.SOPClassUID)} — "
                             f"{item.SOPClassUID.name or item.SOPClassUID}")
    wanted = COMPRESSED_FOR.get(node.transfer_syntax)
    # The node's lossless syntax first, then the file as it is, then what we can convert to.
    if (wanted in ENCODABLE and wanted in accepted and item.TransferSyntaxUID != wanted):
        try:
            data = _encoded(item, accepted[wanted], compress_to=wanted)
        except Exception as exc:  # an image the encoder cannot take (e.g. its bit depth)
            log.warning("%s cannot be compressed as %s (%s); sending it uncompressed",
                        item.name, wanted.name, exc)
            data = None
        if data is not None:
            yield data
            return
    if item.TransferSyntaxUID in accepted:
        # Not closed explicitly: slices of it may outlive this block (in a traceback); it is
        # unmapped when the last one goes.
        with open(item.path, "rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        yield _Payload(accepted[item.TransferSyntaxUID], memoryview(mapped)[item.offset:])
        return
    for syntax in UNCOMPRESSED:
        if syntax in accepted:
            data = _encoded(item, accepted[syntax])
            assert data is not None
            yield data
            return
    syntax = item.TransferSyntaxUID.name if item.TransferSyntaxUID else "a bare data set"
    raise StoreFileError(f"{item.name} is {syntax}, which {node.name} did not accept, and it "
                         "took no uncompressed syntax to convert to")


def _encoded(item: StoreItem, context: PresentationContext,
             compress_to: UID | None = None) -> _Payload | None:
    """The item read and encoded for ``context``; None if it has no pixels to compress."""
    ds = dcmread(item.path, force=True)
    syntax = UID(context.transfer_syntax[0])
    if compress_to is not None:
        if "PixelData" not in ds:
            return None
        # The same instance in another syntax: lossless transcoding keeps its UID.
        if item.TransferSyntaxUID is not None and item.TransferSyntaxUID.is_compressed:
            decoders.decompress(ds, generate_instance_uid=False)
        ds.compress(compress_to, generate_instance_uid=False)
    elif item.TransferSyntaxUID is not None and item.TransferSyntaxUID.is_compressed:
        decoders.decompress(ds, generate_instance_uid=False)
    data = encode(ds, syntax.is_implicit_VR, syntax.is_little_endian, syntax.is_deflated)
    if data is None:
        raise StoreFileError(f"{item.name}: cannot be encoded as {syntax.name}")
    return _Payload(context, memoryview(data))


# --- one C-STORE ------------------------------------------------------------------------


def c_store(assoc: Association, node: NodeConfig, item: StoreItem, message_id: int) -> int:
    """Send one C-STORE request for ``item`` and return the status the peer answered.

    Raises DicomNetworkError (retryable) if the association ends or the peer does not answer
    within the node's DIMSE timeout.
    """
    with _payload(assoc, node, item) as payload:
        return store_wire.send_c_store(assoc, node, payload.context, payload.data,
                                       item.SOPClassUID, item.SOPInstanceUID, message_id,
                                       doing=f"sending {item.name}")


def _local_problem(item: StoreItem) -> str:
    try:
        check_file(item.path)
    except StoreFileError as exc:
        return str(exc).removesuffix("; not queued")
    return ""


# --- the job -----------------------------------------------------------------------------


def run_job(ctx: JobContext) -> dict[str, Any]:
    """Send ``payload["files"]`` to ``ctx.node`` over one association.

    Instances already stored by an earlier attempt (``payload["checkpoint"]["sent"]``, their
    SOP Instance UIDs) are skipped. If the
    node has the ``commitment`` service, a COMMITMENT job for every stored instance is queued
    before this returns. A DICOMweb node's job goes by STOW-RS instead
    (:func:`vxacq.net.dicomweb.run_store_job`).
    """
    if ctx.node.is_dicomweb:
        from vxacq.net import dicomweb

        return dicomweb.run_store_job(ctx)
    files: list[str] = list(ctx.payload.get("files", []))
    sent: list[str] = list(ctx.payload.get("checkpoint", {}).get("sent", []))
    items: list[StoreItem] = []
    unreadable: list[str] = []
    for path in files:
        try:
            items.append(read_item(path))
        except StoreFileError as exc:
            unreadable.append(str(exc))
    todo = [item for item in items if item.SOPInstanceUID not in sent]
    warnings: list[str] = []
    retry: list[StoreStatus] = []
    failed: list[str] = list(unreadable)
    if todo:
        store_items(ctx, todo, sent, warnings, retry, failed)
    if failed:
        raise DicomNetworkError(
            f"{len(failed)} of {len(files)} file(s) could not be stored on {ctx.node.name}: "
            + "; ".join(failed)
            + (f"; {len(retry)} more refused for now" if retry else ""),
            kind="status", retryable=False)
    if retry:
        raise DicomNetworkError(
            f"{ctx.node.name} refused {len(retry)} of {len(files)} file(s) for now: "
            + "; ".join(r.describe() for r in retry), kind="status", retryable=True)
    stored = [[str(i.SOPClassUID), str(i.SOPInstanceUID)] for i in items]
    if ctx.node.offers("commitment") and stored:
        job_id = enqueue(ctx.db, JobKind.COMMITMENT, ctx.node.name,
                         {"instances": stored, "files": files}, study_id=ctx.study_id)
        log.info("job %s: storage commitment queued as job %s", ctx.job_id, job_id)
    return {"stored": len(stored), "warnings": warnings}


def store_items(ctx: JobContext, todo: list[StoreItem], sent: list[str], warnings: list[str],
                retry: list[StoreStatus], failed: list[str]) -> None:
    """One association: C-STORE each item, recording every stored one at once."""
    node = ctx.node
    contexts = proposed_contexts(node, todo)
    with associate(ctx.config, node, contexts, ae=make_ae(ctx.config, node)) as assoc:
        ctx.progress(f"sending {len(todo)} file(s)")
        _audit_transfer(ctx, "begin transferring", todo)
        stored_now: list[StoreItem] = []
        try:
            _store_each(ctx, assoc, todo, sent, warnings, retry, failed, stored_now)
        finally:  # what reached the node is audited even when the association broke
            if stored_now:
                _audit_transfer(ctx, "images sent", stored_now,
                                outcome=None if len(stored_now) == len(todo) else MINOR_FAILURE)


def _audit_transfer(ctx: JobContext, action: str, items: list[StoreItem], *,
                    outcome: int | None = None) -> None:
    audit.record(ctx.db, action, study_id=ctx.study_id,
                 detail=f"{len(items)} instance(s) to {ctx.node.name}",
                 peer_ae=ctx.node.ae_title, peer_address=ctx.node.host, outcome=outcome,
                 sop_classes=Counter(str(item.SOPClassUID) for item in items))


def _store_each(ctx: JobContext, assoc: Association, todo: list[StoreItem], sent: list[str],
                warnings: list[str], retry: list[StoreStatus], failed: list[str],
                stored_now: list[StoreItem]) -> None:
    node = ctx.node
    for number, item in enumerate(todo, start=1):
        if ctx.should_stop():
            raise JobInterrupted(f"stopped after {number - 1} of {len(todo)} file(s)")
        try:
            status = c_store(assoc, node, item, message_id=number)
        except StoreFileError as exc:
            failed.append(str(exc))
            continue
        outcome, words = classify(status)
        result = StoreStatus(item, status, outcome, words)
        if outcome in ("success", "warning"):
            sent.append(str(item.SOPInstanceUID))
            stored_now.append(item)
            # One write per file: a crash from here on does not send it again.
            ctx.checkpoint(sent=sent, progress=f"{number} of {len(todo)} file(s) stored")
            if outcome == "warning":
                log.warning("job %s: %s", ctx.job_id, result.describe())
                warnings.append(result.describe())
        elif outcome == "retry" and status & 0xF000 == 0xC000 and \
                (local := _local_problem(item)):
            # the archive cannot understand it, and neither can we: sending it again
            # would only store the same broken file again
            log.error("job %s: %s; %s", ctx.job_id, result.describe(), local)
            failed.append(f"{result.describe().removesuffix('; will retry')}, and it fails "
                          f"a local check too ({local}): not sent again")
        elif outcome == "retry":
            log.warning("job %s: %s", ctx.job_id, result.describe())
            retry.append(result)
        else:
            log.error("job %s: %s", ctx.job_id, result.describe())
            failed.append(result.describe())
        check_alive(assoc, node, f"sending {item.name}")


# --- used by routing and the command line ------------------------------------------------


def enqueue_store(db: Any, node: str, files: Sequence[str | os.PathLike[str]], *,
                  study_id: int | None = None) -> int:
    """Check that ``files`` are whole, readable DICOM (:func:`check_file`), then queue one
    STORE job for them."""
    paths = [str(Path(f).resolve()) for f in files]
    for path in paths:
        check_file(path)
    return enqueue(db, JobKind.STORE, node, {"files": paths}, study_id=study_id)


"""Basic Grayscale Print Management SCU (PS3.4 Annex H), as the VXvue statement's Print tables do.

One association per print job, every operation under the Basic Grayscale Print Management
Meta SOP Class context:

1. N-GET the Printer: FAILURE stops here with the printer's words; WARNING is reported and
   printing goes on.
2. N-CREATE the Film Session (copies, priority, medium, destination, label).
3. Per film (as many images as the layout holds): N-CREATE the Film Box with its Referenced
   Film Session Sequence; the Film Box and its Image Box SOP Instance UIDs are taken from the
   N-CREATE response (never guessed, or the printer makes empty pages); N-SET each Image Box
   with the Preformatted Grayscale Image; N-ACTION print the Film Box; N-DELETE it.
4. Release: the printer deletes the Film Session with the association.

Where the printer accepts them, two more SOP classes are used, each on its own context: the
Presentation LUT (an IDENTITY LUT created after the film session, referenced by each film box
with the configured illumination and reflected ambient light), and the Basic Annotation Box
(the film box asks for the configured annotation display format, and each annotation box the
printer creates gets one line of the patient's demographics). A printer that accepts neither
prints the same films without them.

Films already printed by an earlier attempt of a job are not printed again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.tag import Tag
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian
from pynetdicom import build_context, evt
from pynetdicom.association import Association
from pynetdicom.presentation import PresentationContext
from pynetdicom.sop_class import (
    BasicAnnotationBox, BasicFilmBox, BasicFilmSession, BasicGrayscaleImageBox,
    BasicGrayscalePrintManagementMeta, PresentationLUT, Printer, PrinterInstance,
)

from vxacq.config import FILM_SIZES, Config, NodeConfig, PrintOptions
from vxacq.dicom import printing as datasets
from vxacq.dicom.printing import Layout, PrintImageError
from vxacq.net.association import DicomNetworkError, associate, check_alive, make_ae
from vxacq.net.outbox import JobContext, JobInterrupted

log = logging.getLogger(__name__)

META = BasicGrayscalePrintManagementMeta
# The SOP classes of the meta SOP class (PS3.4 H.3) that a print job uses, all under its context.
META_SOP_CLASSES = (Printer, BasicFilmSession, BasicFilmBox, BasicGrayscaleImageBox)
PRINT_ACTION = 1  # N-ACTION Action Type ID "Print" (PS3.4 H.4.2.2.4)
PRINTER_ATTRIBUTES = (
    "PrinterStatus", "PrinterStatusInfo", "PrinterName", "Manufacturer",
    "ManufacturerModelName", "DeviceSerialNumber", "SoftwareVersions",
    "DateOfLastCalibration", "TimeOfLastCalibration",
)

# PS3.7 Annex C (DIMSE-N) and PS3.4 H.4 (print) statuses, in words.
STATUS_WORDS = {
    0x0001: "warning: the printer does not support some optional attributes",
    0x0105: "no such attribute",
    0x0106: "invalid attribute value",
    0x0107: "warning: attribute list error (some attributes were ignored)",
    0x0110: "processing failure",
    0x0111: "duplicate SOP instance",
    0x0112: "no such SOP instance",
    0x0116: "warning: attribute value out of range",
    0x0117: "invalid object instance",
    0x0118: "no such SOP class",
    0x0119: "class-instance conflict",
    0x0120: "missing attribute",
    0x0121: "missing attribute value",
    0x0122: "SOP class not supported",
    0x0123: "no such action",
    0x0124: "refused: not authorised",
    0x0210: "duplicate invocation",
    0x0211: "unrecognised operation",
    0x0212: "mistyped argument",
    0x0213: "resource limitation at the printer",
    0xB600: "warning: memory allocation not supported",
    0xB601: "warning: film session printing (collation) not supported",
    0xB602: "warning: the film session has no image boxes (empty page)",
    0xB603: "warning: the film box has no image boxes (empty page)",
    0xB604: "warning: the image was larger than its box and was demagnified",
    0xB605: "warning: min/max density outside the printer's range; the printer used its own",
    0xB609: "warning: the image was larger than its box and was cropped",
    0xB60A: "warning: the image was larger than its box and was decimated",
    0xC600: "the film session has no film boxes",
    0xC601: "unable to create a print job: the print queue is full",
    0xC602: "unable to create a print job: the print queue is full",
    0xC603: "the image is larger than its image box",
    0xC605: "insufficient memory in the printer to store the image",
    0xC613: "the combined print image is larger than its image box",
    0xC616: "a film box not yet printed exists; the printer takes no new one until it prints",
}
# Worth trying again later: the printer is busy, not misconfigured.
RETRYABLE = {0x0213, 0xC601, 0xC602, 0xC605}


class PrintError(Exception):
    """Printing cannot start: a file is not a printable image, or the options are wrong."""


@dataclass
class PrintResult:
    """What a print job did: the printer as it answered, the films printed, the warnings."""

    printer: dict[str, str] = field(default_factory=dict)
    film_session: str = ""
    films: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        images = sum(len(f["images"]) for f in self.films)
        line = f"printed {len(self.films)} film(s), {images} image(s)"
        if name := self.printer.get("PrinterName"):
            line += f" on {name}"
        line += f" (printer status {self.printer.get('PrinterStatus', 'not given')})"
        return "\n".join([line] + [f"warning: {w}" for w in self.warnings])

    def to_dict(self) -> dict[str, Any]:
        return {"printer": self.printer, "film_session": self.film_session,
                "films": self.films, "warnings": self.warnings}


def status_words(code: int) -> str:
    return STATUS_WORDS.get(code, "failure" if code & 0xF000 in (0xA000, 0xC000) or
                            code & 0xFF00 == 0x0100 else "status not defined for print")


def is_warning(code: int) -> bool:
    return code in (0x0001, 0x0107, 0x0116) or code & 0xFF00 == 0xB000


def print_options(node: NodeConfig, *, film_size: str | None = None,
                  layout: str | None = None) -> PrintOptions:
    """The node's print options with the film size and layout a user chose for this job."""
    options = node.print
    if film_size is not None:
        if film_size not in FILM_SIZES:
            raise PrintError(f"film size '{film_size}' is not one of {', '.join(FILM_SIZES)}")
        options = replace(options, film_size=film_size)
    if layout is not None:
        parsed = Layout.parse(layout)  # ValueError says what is wrong
        if (parsed.columns, parsed.rows) not in ((1, 1), (1, 2), (2, 1), (2, 2)):
            raise PrintError(f"layout '{layout}' is not one of STANDARD\\1,1, \\1,2, \\2,1, \\2,2")
        options = replace(options, layout=str(parsed))
    return options


def read_images(files: Sequence[str | os.PathLike[str]]) -> list[Dataset]:
    """Read and check every file before anything is sent, so a bad one stops the job at once.
    Pixel data stay in the files (deferred) until a film needs them."""
    if not files:
        raise PrintError("no images to print")
    images = []
    for path in map(Path, files):
        try:
            ds = dcmread(path, defer_size="64 KB")
            datasets.check_printable(ds)
        except FileNotFoundError:
            raise PrintError(f"{path}: no such file") from None
        except (InvalidDicomError, OSError) as exc:
            raise PrintError(f"{path}: not a DICOM file ({exc})") from None
        except PrintImageError as exc:
            raise PrintError(f"{path}: {exc}") from None
        images.append(ds)
    return images


def presentation_contexts(options: PrintOptions | None = None) -> list[PresentationContext]:
    """The meta SOP class, and the Presentation LUT and Basic Annotation Box SOP classes when
    the node's print options use them."""
    syntaxes = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]
    contexts = [build_context(META, syntaxes)]
    if options is None or options.presentation_lut:
        contexts.append(build_context(PresentationLUT, syntaxes))
    if options is None or options.annotation_format:
        contexts.append(build_context(BasicAnnotationBox, syntaxes))
    return contexts


def _accepted(assoc: Association, sop_class: str) -> bool:
    return any(cx.abstract_syntax == sop_class for cx in assoc.accepted_contexts)


class _Session:
    """One print association: numbered requests, answers checked, UIDs from the responses."""

    def __init__(self, assoc: Association, node: NodeConfig, result: PrintResult) -> None:
        self.assoc = assoc
        self.node = node
        self.result = result
        self.message_id = 0
        # N-CREATE-RSP Affected SOP Instance UIDs by the request's Message ID: pynetdicom's
        # send_n_create returns only the status and attribute list, so they are taken here.
        self.created: dict[int, str] = {}

    def on_received(self, event: Any) -> None:
        command = event.message.command_set
        if type(event.message).__name__ == "N_CREATE_RSP" and \
                "AffectedSOPInstanceUID" in command:
            self.created[int(command.MessageIDBeingRespondedTo)] = \
                str(command.AffectedSOPInstanceUID)

    def next_id(self) -> int:
        self.message_id = self.message_id % 0xFFFF + 1
        return self.message_id

    def check(self, status: Dataset, doing: str) -> int:
        check_alive(self.assoc, self.node, doing)
        if "Status" not in status:
            raise DicomNetworkError(f"{self.node.name} sent no valid answer while {doing}; "
                                    "will retry", kind="status", retryable=True)
        code = int(status.Status)
        detail = _detail(status)
        if code == 0x0000:
            return code
        if is_warning(code):
            text = f"{doing}: 0x{code:04X} {status_words(code)}{detail}"
            log.warning("printer %s: %s", self.node.name, text)
            self.result.warnings.append(text)
            return code
        retryable = code in RETRYABLE
        raise DicomNetworkError(
            f"the printer {self.node.name} ({self.node.ae_title}) refused {doing}: 0x{code:04X} "
            f"{status_words(code)}{detail}; "
            + ("will retry" if retryable else
               "check the node's print options against what the printer supports"),
            kind="status", retryable=retryable)

    def get_printer(self) -> Dataset:
        doing = "the printer status request (N-GET Printer)"
        status, attrs = self._get(PRINTER_ATTRIBUTES)
        if int(status.get("Status", 0)) == 0x0105:
            # A printer may know only the attributes PS3.4 H.4.11 requires of it (DCMTK's
            # does): ask again for those.
            log.info("printer %s knows only some printer attributes; asking for the status",
                     self.node.name)
            status, attrs = self._get(("PrinterStatus", "PrinterStatusInfo"))
        self.check(status, doing)
        return attrs if attrs is not None else Dataset()

    def _get(self, keywords: Sequence[str]) -> tuple[Dataset, Dataset | None]:
        return self.assoc.send_n_get([Tag(k) for k in keywords], Printer, PrinterInstance,
                                     msg_id=self.next_id(), meta_uid=META)

    def create(self, dataset: Dataset, sop_class: str, what: str,
               meta: str | None = META) -> tuple[str, Dataset]:
        msg_id = self.next_id()
        doing = f"creating the {what} (N-CREATE)"
        status, attrs = self.assoc.send_n_create(dataset, sop_class, None, msg_id=msg_id,
                                                 meta_uid=meta)
        self.check(status, doing)
        uid = self.created.get(msg_id) or (attrs or Dataset()).get("SOPInstanceUID")
        if not uid:
            raise DicomNetworkError(f"the printer {self.node.name} created the {what} but did "
                                    "not say its SOP Instance UID", kind="status",
                                    retryable=False)
        return str(uid), attrs if attrs is not None else Dataset()

    def set_image(self, uid: str, dataset: Dataset, position: int) -> None:
        status, _attrs = self.assoc.send_n_set(dataset, BasicGrayscaleImageBox, uid,
                                               msg_id=self.next_id(), meta_uid=META)
        self.check(status, f"setting image box {position} (N-SET)")

    def set_annotation(self, uid: str, dataset: Dataset, position: int) -> None:
        status, _attrs = self.assoc.send_n_set(dataset, BasicAnnotationBox, uid,
                                               msg_id=self.next_id())
        self.check(status, f"setting annotation box {position} (N-SET)")

    def print_film_box(self, uid: str) -> str:
        status, reply = self.assoc.send_n_action(None, PRINT_ACTION, BasicFilmBox, uid,
                                                 msg_id=self.next_id(), meta_uid=META)
        self.check(status, "printing the film box (N-ACTION)")
        jobs = (reply or Dataset()).get("ReferencedPrintJobSequence", [])
        return str(jobs[0].ReferencedSOPInstanceUID) if jobs else ""

    def delete_film_box(self, uid: str) -> None:
        status = self.assoc.send_n_delete(BasicFilmBox, uid, msg_id=self.next_id(),
                                          meta_uid=META)
        self.check(status, "deleting the film box (N-DELETE)")


def _detail(status: Dataset) -> str:
    parts = []
    if comment := status.get("ErrorComment"):
        parts.append(str(comment))
    if ids := status.get("AttributeIdentifierList"):
        tags = ids if isinstance(ids, list) else [ids]
        parts.append("attributes " + ", ".join(str(Tag(t)) for t in tags))
    return f" ({'; '.join(parts)})" if parts else ""


def print_images(config: Config, node: NodeConfig,
                 images: Sequence[Dataset | str | os.PathLike[str]], *,
                 options: PrintOptions | None = None, label: str = "", skip_films: int = 0,
                 film_printed: Callable[[int], None] | None = None,
                 progress: Callable[[str], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> PrintResult:
    """Print ``images`` (data sets, or paths read one film at a time) on ``node``: the whole
    exchange above, one association.

    ``skip_films`` films already printed are left out; ``film_printed(n)`` is called after the
    n-th film is printed. Raises DicomNetworkError (worded; retryable when trying later can
    help) when the printer cannot be reached, reports FAILURE, or refuses a request.
    """
    options = options or node.print
    layout = Layout.parse(options.layout)
    films = [list(images[i:i + layout.boxes]) for i in range(0, len(images), layout.boxes)]
    result = PrintResult()
    say = progress or (lambda _text: None)
    holder: list[_Session] = []
    handlers = [(evt.EVT_DIMSE_RECV, lambda event: holder[0].on_received(event)
                 if holder else None)]
    with associate(config, node, presentation_contexts(options), evt_handlers=handlers,
                   ae=make_ae(config, node)) as assoc:
        _no_delay(assoc)
        session = _Session(assoc, node, result)
        holder.append(session)
        printer = session.get_printer()
        result.printer = {k: str(printer.get(k, "")) for k in PRINTER_ATTRIBUTES if k in printer}
        state = str(printer.get("PrinterStatus", "")).upper()
        info = str(printer.get("PrinterStatusInfo", "") or "no details given")
        if state == "FAILURE":
            raise DicomNetworkError(
                f"the printer {node.name} reports FAILURE ({info}); nothing was printed — fix "
                "the printer, then retry the job", kind="status", retryable=False)
        if state == "WARNING":
            log.warning("printer %s reports WARNING (%s); printing anyway", node.name, info)
            result.warnings.append(f"printer status WARNING: {info}")
        session_uid, _ = session.create(datasets.film_session(options, label, config.station.character_set),
                                        BasicFilmSession,
                                        "film session")
        result.film_session = session_uid
        lut_uid = ""
        if options.presentation_lut and _accepted(assoc, PresentationLUT):
            lut_uid, _ = session.create(datasets.presentation_lut(), PresentationLUT,
                                        "presentation LUT", meta=None)
        annotate = bool(options.annotation_format) and _accepted(assoc, BasicAnnotationBox)
        result.printer["presentation_lut"] = "used" if lut_uid else "not used"
        result.printer["annotation"] = "used" if annotate else "not used"
        for number, film in enumerate(films, start=1):
            if number <= skip_films:
                continue
            if should_stop is not None and should_stop():
                raise JobInterrupted(f"stopped after {number - 1} of {len(films)} film(s)")
            say(f"film {number} of {len(films)}")
            box_uid, box = session.create(
                datasets.film_box(options, session_uid, presentation_lut_uid=lut_uid,
                                  annotation=annotate), BasicFilmBox, "film box")
            boxes = [str(item.ReferencedSOPInstanceUID)
                     for item in box.get("ReferencedImageBoxSequence", [])]
            if len(boxes) < len(film):
                raise DicomNetworkError(
                    f"the printer {node.name} created a film box with {len(boxes)} image "
                    f"box(es) for layout {layout}, which needs {layout.boxes}",
                    kind="status", retryable=False)
            placed = []
            try:
                film = [item if isinstance(item, Dataset) else dcmread(item) for item in film]
            except (OSError, InvalidDicomError) as exc:
                raise DicomNetworkError(f"film {number} not printed: an image file cannot be "
                                        f"read any more ({exc})", kind="status",
                                        retryable=False) from None
            for position, (image, box_uid_n) in enumerate(zip(film, boxes), start=1):
                session.set_image(box_uid_n, datasets.image_box(image, position, options),
                                  position)
                placed.append(str(image.SOPInstanceUID))
            if annotate:
                _annotate(session, box, film[0], config.station.character_set)
            print_job = session.print_film_box(box_uid)
            session.delete_film_box(box_uid)
            result.films.append({"film_box": box_uid, "images": placed,
                                 "print_job": print_job})
            log.info("printer %s: film %d of %d printed", node.name, number, len(films))
            if film_printed is not None:
                film_printed(number)
    return result


def _annotate(session: _Session, box: Dataset, image: Dataset, character_set: str) -> None:
    """One line of the demographics in each annotation box the printer made for the film."""
    refs = box.get("ReferencedBasicAnnotationBoxSequence") or []
    lines = datasets.annotation_lines(image)
    for position, ref in enumerate(refs, start=1):
        if position > len(lines) or not lines[position - 1]:
            continue
        session.set_annotation(str(ref.ReferencedSOPInstanceUID),
                               datasets.annotation_box(position, lines[position - 1],
                                                       character_set), position)


def _no_delay(assoc: Association) -> None:
    """Send small requests at once. pynetdicom writes a request's command and data set as
    separate PDUs; with Nagle's algorithm the second waits for the peer's delayed ACK, about
    40 ms per request on Linux — most of a print job's time without this."""
    try:
        assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (AttributeError, OSError) as exc:
        log.debug("TCP_NODELAY not set: %s", exc)


# --- the job -----------------------------------------------------------------------------


def run_job(ctx: JobContext) -> dict[str, Any]:
    """Print ``payload["files"]`` on ``ctx.node`` with its print options, overridden by
    ``payload["film_size"]`` and ``payload["layout"]``; ``payload["label"]`` names the film
    session."""
    try:
        options = print_options(ctx.node, film_size=ctx.payload.get("film_size"),
                                layout=ctx.payload.get("layout"))
        files = ctx.payload.get("files", [])
        read_images(files)
    except (PrintError, ValueError) as exc:
        raise DicomNetworkError(f"nothing printed: {exc}", kind="status",
                                retryable=False) from None
    done = int(ctx.payload.get("checkpoint", {}).get("films_printed", 0))
    result = print_images(ctx.config, ctx.node, files, options=options,
                          label=ctx.payload.get("label", ""), skip_films=done,
                          film_printed=lambda n: ctx.checkpoint(films_printed=n),
                          progress=ctx.progress, should_stop=ctx.should_stop)
    return result.to_dict()

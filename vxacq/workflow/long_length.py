"""A long-length exposure's fields, from the sequence being taken to its DICOM objects.

:class:`Sequence` is an exam's record of a long-length exposure under way or done: which fields
are stored (their raw frames), how many the protocol plans, and the seams as last placed. It is
a JSON file beside the exam's images, written after every field, so a field taken is never
taken again, not even after a restart; the stitched image's row points at it as its "raw".
:func:`write_long_length` makes the stitched image, the fields' own images when the site keeps
them, and a dose report with one irradiation event per field (what ``vxacq acquire`` writes).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from vxacq.config import Config
from vxacq.db.files import write_atomic
from vxacq.dicom.inputs import Acquisition
from vxacq.hal import rawstore
from vxacq.imaging.chain import process_exposure
from vxacq.imaging.long_length import LongLengthImage, StoredField, process_long_exposure
from vxacq.protocols import Protocol
from vxacq.workflow import acquisition
from vxacq.workflow.acquisition import ImageContext


SEQUENCE_KIND = "long-length"


@dataclass
class Sequence:
    uid: str
    protocol: str
    laterality: str
    planned: int
    study_id: int | None = None
    fields: list[str] = field(default_factory=list)  # raw frame paths (.npy), head first
    shifts: list[list[float]] | None = None  # each seam's (rows, columns), as last placed
    display: dict[str, Any] | None = None  # the review's last display choices (see Exam)
    kind: str = SEQUENCE_KIND

    @property
    def complete(self) -> bool:
        return len(self.fields) >= self.planned

    @property
    def next_field(self) -> int:
        return len(self.fields)

    def save(self, folder: Path) -> Path:
        """Write (atomically) ``<folder>/<uid>.json``; the path is the stitched image's raw."""
        return write_atomic(Path(folder) / f"{self.uid}.json",
                            json.dumps(asdict(self), indent=2).encode("utf-8"))

    @classmethod
    def load(cls, path: Path | str) -> Sequence:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if doc.get("kind") != SEQUENCE_KIND:
            raise ValueError(f"{path} is not a long-length sequence")
        return cls(**{k: doc[k] for k in cls.__dataclass_fields__ if k in doc})

    def stored_fields(self) -> list[StoredField]:
        out = []
        for raw in self.fields:
            pixels, sidecar = rawstore.load(Path(raw).parent, Path(raw).stem)
            out.append(StoredField(pixels, sidecar))
        return out


def open_sequences(folder: Path, study_id: int) -> list[Sequence]:
    """The exam's sequences not yet complete (a field failed, or the console stopped)."""
    out = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            sequence = Sequence.load(path)
        except (OSError, ValueError, TypeError):
            continue
        if sequence.study_id == study_id and not sequence.complete:
            out.append(sequence)
    return out


@dataclass
class LongLengthOutput:
    image: LongLengthImage
    files: list[str] = field(default_factory=list)  # DICOM files written, stitched image first
    warnings: list[str] = field(default_factory=list)


def sequence_fields(folder: Path | str, sequence_uid: str) -> list[StoredField]:
    """Every stored field of sequence ``sequence_uid`` in ``folder`` (a raw frame folder), in
    field order: what a repeat that went on from a failed field stitches with the earlier ones.
    A field stored twice (recovered and repeated) counts once: the first stored."""
    found: dict[int, StoredField] = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            sidecar = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        place = ((sidecar.get("context") or {}).get("long_length") or {}) \
            if isinstance(sidecar, dict) else {}
        if place.get("sequence") != sequence_uid or not sidecar.get("complete"):
            continue  # another sequence's, or a field the generator stopped early
        number = int(place.get("field", 0))
        if number not in found or sidecar.get("stored", "") < found[number].sidecar.get("stored", ""):
            pixels, sidecar = rawstore.load(path.parent, path.stem)
            found[number] = StoredField(pixels, sidecar)
    return [found[n] for n in sorted(found)]


def write_long_length(config: Config, protocol: Protocol, fields: list[StoredField],
                      ctx: ImageContext, folder: Path, *, keep_fields: bool = False,
                      dose_report: bool = False,
                      shifts: list[tuple[float, float]] | None = None) -> LongLengthOutput:
    """Stitch, process and write the fields of one sequence. ``keep_fields``: also each
    field's own DX image (ORIGINAL, processed alone), referenced by the stitched image as the
    sources of its montage. ValueError when fields are missing."""
    if len(fields) != protocol.field_count:
        raise ValueError(f"{protocol.id}: {len(fields)} of {protocol.field_count} fields are "
                         "stored; the image is made when every field is")
    stitched = process_long_exposure(fields, config, ei_target=protocol.target_ei, shifts=shifts)
    output = LongLengthOutput(stitched)
    if stitched.calibration.state != "ok":
        output.warnings.append(stitched.calibration.message)
    sidecars = [f.sidecar for f in fields]
    references: list[tuple[str, str]] = []
    field_files = []
    if keep_fields:
        for number, stored in enumerate(fields, start=1):
            processed, _ = process_exposure(stored.pixels, stored.sidecar, config,
                                            ei_target=protocol.target_ei)
            own = acquisition.build_image(
                protocol, stored.sidecar, processed,
                replace(ctx, InstanceNumber=ctx.InstanceNumber + number))
            references.append((own.SOPClassUID, own.SOPInstanceUID))
            field_files.append(str(acquisition.write(own, folder)))
    image = acquisition.build_long_length_image(protocol, sidecars, stitched.processed, ctx,
                                                fields=tuple(references))
    output.files = [str(acquisition.write(image, folder)), *field_files]
    if dose_report:
        records = [long_length_record(protocol, s, stitched, image) for s in sidecars]
        report = acquisition.dose_report(ctx, records, mammography=False)
        output.files.append(str(acquisition.write(report, folder)))
    return output


def long_length_record(protocol: Protocol, sidecar: dict[str, Any], stitched: LongLengthImage,
                       image: Any) -> Acquisition:
    """One field's irradiation event for the dose report: its own exposure, the stitched
    image as the image it went into, the stitched image's exposure index."""
    return acquisition.acquisition_record(protocol, sidecar, stitched.processed, image)

"""A long-length exposure's stored fields to its DICOM objects: the stitched image, the fields'
own images when the site keeps them, and a dose report with one irradiation event per field.

What ``vxacq acquire`` calls for a long-length protocol (the exam does the same per image).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vxacq.config import Config
from vxacq.dicom.inputs import Acquisition
from vxacq.hal import rawstore
from vxacq.hal.long_length import LongLengthResult
from vxacq.imaging.chain import process_exposure
from vxacq.imaging.long_length import LongLengthImage, StoredField, process_long_exposure
from vxacq.protocols import Protocol
from vxacq.workflow import acquisition
from vxacq.workflow.acquisition import ImageContext


@dataclass
class LongLengthOutput:
    image: LongLengthImage
    files: list[str] = field(default_factory=list)  # DICOM files written, stitched image first
    warnings: list[str] = field(default_factory=list)


def stored_fields(result: LongLengthResult) -> list[StoredField]:
    """The raw frames and sidecars of the sequence's stored fields."""
    fields = []
    for exposure in result.fields:
        pixels, sidecar = rawstore.load(Path(exposure.files[0]).parent, exposure.uid)
        fields.append(StoredField(pixels, sidecar))
    return fields


def write_long_length(config: Config, protocol: Protocol, result: LongLengthResult,
                      ctx: ImageContext, folder: Path, *, keep_fields: bool = False,
                      dose_report: bool = False,
                      shifts: list[tuple[float, float]] | None = None) -> LongLengthOutput:
    """Stitch, process and write the complete sequence ``result``. ``keep_fields``: also each
    field's own DX image (ORIGINAL, processed alone), referenced by the stitched image as the
    sources of its montage. ValueError when the sequence is not complete."""
    if not result.complete:
        raise ValueError(f"{protocol.id}: {len(result.fields)} of {result.planned} fields were "
                         "taken; the image is made when every field is")
    fields = stored_fields(result)
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

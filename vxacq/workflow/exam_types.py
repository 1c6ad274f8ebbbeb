"""What an exam says to its callers: its errors, states, image views, events and close result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from vxacq.hal.exposure import ExposureResult


class ExamError(RuntimeError):
    """An exam step that cannot be done; the message says why and what to do."""


class ExposureError(ExamError):
    """The exposure failed before a frame was stored; ``result`` is the hardware's account."""

    def __init__(self, message: str, result: ExposureResult) -> None:
        super().__init__(message)
        self.result = result


class ExamState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class ImageView:
    """One exposure of the exam and what became of it (a plain copy; safe on any thread).

    ``file_path`` is empty while the frame is not processed (or processing failed: ``error``);
    ``state`` is acquired, accepted or rejected."""

    id: int
    SOPInstanceUID: str
    SOPClassUID: str
    protocol_id: str
    laterality: str
    SeriesNumber: int
    InstanceNumber: int
    state: str
    file_path: str
    raw_path: str
    KVP: float | None
    Exposure: float | None  # mAs
    ImageAndFluoroscopyAreaDoseProduct: float | None  # dGy·cm²
    ExposureIndex: float | None
    TargetExposureIndex: float | None
    DeviationIndex: float | None
    reject_reason: str = ""  # the reason's meaning
    error: str = ""  # why there is no processed image, or what went wrong in the exposure
    warnings: tuple[str, ...] = ()
    partial: str = ""  # "PARTIAL EXPOSURE: ..." when the generator stopped early, else ""
    fields: int = 1  # exposures stitched into it (a long-length image: more than one)


@dataclass(frozen=True)
class ExamEvent:
    """What changed. ``kind``: started, protocols, exposing, exposed (raw stored), previewed
    (the quick look ready in :meth:`Exam.preview_image`), rendered
    (processed pixels ready in :meth:`Exam.processed_image`, the file not yet written),
    processed, accepted, rejected, reprocessed, closing, closed, failed (``message`` says
    what)."""

    kind: str
    study_id: int
    image: ImageView | None = None
    message: str = ""


@dataclass(frozen=True)
class CloseResult:
    """What closing queued: the step's final status, the dose report written, and the outbox
    job ids by kind ("mpps", "store", "dose", "print", and "publish" with a department
    database)."""

    status: str
    study_id: int
    dose_report: str = ""
    jobs: dict[str, list[int]] = field(default_factory=dict)

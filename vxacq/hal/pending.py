"""Exposures made whose frame is not stored yet: one record per exposure in the data directory.

``<data_dir>/pending/<uid>.json`` is written atomically before the beam goes on and updated
with the generator's report as soon as it arrives; it is closed (moved to
``<data_dir>/pending/closed/<uid>.json`` with its outcome) once the frame is stored, or when the
radiographer discards it with a reason. While one is open no new exposure is made
(:func:`vxacq.hal.exposure.run_exposure` refuses), so a frame left in the panel by a failed
transfer is recovered as the exposure that made it — its protocol, technique, report and exam —
before anything else, and a repeat exposure is never the easy next step.

A file, not a database row: ``vxacq acquire`` has no exam database, and the record must
outlive the process that opened it (a crash between beam and storage).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vxacq.db.files import write_atomic
from vxacq.hal.errors import InterlockError
from vxacq.hal.frames import FrameExpectation, now

log = logging.getLogger(__name__)

STORED, DISCARDED = "stored", "discarded"


@dataclass
class PendingExposure:
    """What is known of an exposure whose frame is not stored yet."""

    uid: str  # the exposure's UID: the panel's tag, the raw frame's name, IrradiationEventUID
    protocol: str
    modality: str
    requested: dict[str, Any]  # technique and geometry, as ExposureResult.requested
    expectation: dict[str, Any]  # FrameExpectation.as_dict()
    raw_folder: str  # where its raw frame goes
    context: dict[str, Any] = field(default_factory=dict)  # the exam (study_id, ...) or QA patient
    generator_count: int | None = None  # the generator's exposure counter before this exposure
    report: dict[str, Any] | None = None  # the generator's ExposureReport, once it came
    detector: dict[str, Any] | None = None  # DetectorInfo of the panel
    generator_error: dict[str, str] | None = None  # the fault that ended it early (partial)
    error: dict[str, str] | None = None  # why the frame was not stored
    opened: str = field(default_factory=now)

    @property
    def frame_expectation(self) -> FrameExpectation:
        return FrameExpectation(**self.expectation)

    def describe(self) -> str:
        """The exposure in words, for messages: protocol, technique, exam, time."""
        technique = self.report or self.requested
        words = [f"{self.protocol}"]
        if technique.get("kv") is not None:
            words.append(f"{technique['kv']:g} kV {technique['mas']:g} mAs")
        who = self.context.get("AccessionNumber") or self.context.get("PatientID")
        if who:
            words.append(f"for {who}")
        return f"exposure {self.uid} ({', '.join(words)}, {self.opened[:19].replace('T', ' ')})"


class FramePendingError(InterlockError):
    """A new exposure refused: an earlier one's frame is not stored yet."""

    def __init__(self, records: list[PendingExposure]) -> None:
        first = records[0]
        more = f" (and {len(records) - 1} more)" if len(records) > 1 else ""
        super().__init__(
            "frame-pending",
            f"{first.describe()}{more} was made but its frame is not stored yet; no new "
            "exposure until it is recovered (Recover on the exam screen, or `vxacq acquire "
            "--recover`) or discarded with a reason (`vxacq acquire --discard "
            f"{first.uid} --reason ...`)")
        self.records = records


def folder(data_dir: Path | str) -> Path:
    return Path(data_dir) / "pending"


def open_record(data_dir: Path | str, record: PendingExposure) -> None:
    _write(folder(data_dir) / f"{record.uid}.json", asdict(record))


def update(data_dir: Path | str, uid: str, **values: Any) -> None:
    """Change fields of an open record (e.g. the generator's report as soon as it came)."""
    path = folder(data_dir) / f"{uid}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc.update(values)
    _write(path, doc)


def close(data_dir: Path | str, uid: str, outcome: str, **detail: Any) -> None:
    """Close the record: ``outcome`` stored or discarded, with ``detail`` (reason, user, ...).
    The closed copy is written before the open one goes, so a crash in between leaves it
    closed (:func:`open_records` finishes the move)."""
    source = folder(data_dir) / f"{uid}.json"
    doc = json.loads(source.read_text(encoding="utf-8"))
    doc.update(detail, outcome=outcome, closed=now())
    _write(folder(data_dir) / "closed" / f"{uid}.json", doc)
    source.unlink(missing_ok=True)


def forget(data_dir: Path | str, uid: str) -> None:
    """Remove an open record of an exposure that was never made (nothing was given)."""
    (folder(data_dir) / f"{uid}.json").unlink(missing_ok=True)


def open_records(data_dir: Path | str) -> list[PendingExposure]:
    """The open records, oldest first."""
    records = []
    for path in sorted(folder(data_dir).glob("*.json")):
        if (path.parent / "closed" / path.name).exists():
            path.unlink(missing_ok=True)  # closed, then interrupted before the open one went
            continue
        try:
            records.append(PendingExposure(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError) as exc:
            # An unreadable record still blocks: its exposure may have been made.
            log.error("unreadable pending exposure record %s: %s", path, exc)
            records.append(PendingExposure(uid=path.stem, protocol="unknown protocol",
                                           modality="", requested={}, raw_folder="",
                                           expectation={"uid": path.stem, "frame_count": None,
                                                        "armed_at": ""},
                                           error={"message": f"record unreadable: {exc}"}))
    return sorted(records, key=lambda r: r.opened)


def closed_record(data_dir: Path | str, uid: str) -> dict[str, Any] | None:
    """A closed record (with ``outcome``), or None."""
    path = folder(data_dir) / "closed" / f"{uid}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, doc: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(doc, indent=2, default=str).encode("utf-8"))

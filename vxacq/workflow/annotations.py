"""The radiographer's text annotations and distance measurements, kept with the image as a
Grayscale Softcopy Presentation State (GSPS) and sent with the study.

A measurement is calibrated with the image's Imager Pixel Spacing (0018,1164): the spacing
of the detector's pixels as stored (the chain's rotation already swapped rows and columns).
That is a distance in the detector plane; where the image says how far the patient was from
the source (Distance Source to Patient, or an Estimated Radiographic Magnification Factor),
it is divided by the magnification SID / SOD to give a distance at the patient, and the label
says which of the two it is.

The GSPS of an image is the file ``<image file>.pr.dcm`` beside it, replaced whenever the
annotations change (a new SOP Instance UID each time; nothing is sent before the exam
closes); no annotations, no file. :func:`queue_annotations` sends the accepted images' ones.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from sqlmodel import select

from vxacq.config import Config
from vxacq.db import Database, Image, ImageState, Series
from vxacq.dicom import part10
from vxacq.dicom.presentation_state import (
    GrayscaleSoftcopyPresentationState, Polyline, TextObject,
)

log = logging.getLogger(__name__)

SUFFIX = ".pr.dcm"


@dataclass(frozen=True)
class TextNote:
    """A text put on the image; ``at`` is (row, column) of its top left, in pixels."""

    text: str
    at: tuple[float, float]


@dataclass(frozen=True)
class Distance:
    """A measured line from ``start`` to ``end`` (row, column) and its label ("42.1 mm")."""

    start: tuple[float, float]
    end: tuple[float, float]
    label: str


Note = TextNote | Distance


@dataclass(frozen=True)
class Scale:
    """How pixels become millimetres on one image."""

    row_mm: float  # Imager Pixel Spacing: between rows, then between columns
    column_mm: float
    magnification: float | None  # SID / SOD, None when the image does not say

    def length_mm(self, start: tuple[float, float], end: tuple[float, float]) -> float:
        """The distance in mm: at the patient when the magnification is known, else at the
        detector."""
        detector = math.hypot((end[0] - start[0]) * self.row_mm,
                              (end[1] - start[1]) * self.column_mm)
        return detector / self.magnification if self.magnification else detector

    def label(self, start: tuple[float, float], end: tuple[float, float]) -> str:
        where = "" if self.magnification else " (detector)"
        return f"{self.length_mm(start, end):.1f} mm{where}"


def scale_of(header: Dataset) -> Scale:
    """The image's :class:`Scale`; ValueError when it has no Imager Pixel Spacing."""
    spacing = header.get("ImagerPixelSpacing")
    if not spacing or len(spacing) != 2 or min(float(s) for s in spacing) <= 0:
        raise ValueError("the image has no Imager Pixel Spacing: distances cannot be measured")
    magnification = header.get("EstimatedRadiographicMagnificationFactor")
    sid, sod = header.get("DistanceSourceToDetector"), header.get("DistanceSourceToPatient")
    if not magnification and sid and sod and float(sod) > 0:
        magnification = float(sid) / float(sod)
    return Scale(float(spacing[0]), float(spacing[1]),
                 float(magnification) if magnification else None)


def read_header(image_path: str | Path) -> Dataset:
    """The image's attributes without its pixels."""
    return pydicom.dcmread(image_path, stop_before_pixels=True)


def measurement_scale(image_path: str | Path) -> Scale:
    return scale_of(read_header(image_path))


def presentation_state_path(image_path: str | Path) -> Path:
    path = Path(image_path)
    return path.with_name(path.stem + SUFFIX)


def presentation_state(header: Dataset, notes: Sequence[Note], *,
                       window: tuple[float, float] | None, created: dt.datetime,
                       operator: str = "") -> Dataset:
    """The GSPS of the image whose attributes are ``header``: each text, each measured line
    with its length anchored at its end, and the window."""
    texts, lines = [], []
    for note in notes:
        if isinstance(note, TextNote):
            texts.append(TextObject(note.text, (note.at[1], note.at[0])))
        else:
            start, end = (note.start[1], note.start[0]), (note.end[1], note.end[0])
            lines.append(Polyline((start, end)))
            texts.append(TextObject(note.label, end, anchor=end))
    return GrayscaleSoftcopyPresentationState(
        header, texts=texts, lines=lines, window=window, created=created,
        ContentCreatorName=operator, InstanceNumber=int(header.get("InstanceNumber", 1)))


def save_annotations(image_path: str | Path, notes: Sequence[Note], *,
                     window: tuple[float, float] | None = None,
                     operator: str = "") -> Path | None:
    """Write (or, with no notes, remove) the image's GSPS; returns its path or None."""
    target = presentation_state_path(image_path)
    if not notes:
        target.unlink(missing_ok=True)
        return None
    ds = presentation_state(read_header(image_path), notes, window=window,
                            created=dt.datetime.now().astimezone(), operator=operator)
    return part10.write(target, ds)


def load_annotations(image_path: str | Path) -> tuple[list[Note], tuple[float, float] | None]:
    """The notes and window kept with the image ([] and None when it has none)."""
    path = presentation_state_path(image_path)
    if not path.is_file():
        return [], None
    ds = part10.read(path)
    notes: list[Note] = []
    for annotation in ds.get("GraphicAnnotationSequence", []):
        labels = {tuple(float(v) for v in t.AnchorPoint): t.UnformattedTextValue
                  for t in annotation.get("TextObjectSequence", []) if "AnchorPoint" in t}
        for text in annotation.get("TextObjectSequence", []):
            if "AnchorPoint" not in text:
                column, row = (float(v) for v in text.BoundingBoxTopLeftHandCorner)
                notes.append(TextNote(str(text.UnformattedTextValue), (row, column)))
        for line in annotation.get("GraphicObjectSequence", []):
            x0, y0, x1, y1 = (float(v) for v in line.GraphicData[:4])
            notes.append(Distance((y0, x0), (y1, x1), str(labels.get((x1, y1), ""))))
    window = None
    if "SoftcopyVOILUTSequence" in ds:
        voi = ds.SoftcopyVOILUTSequence[0]
        window = (float(voi.WindowCenter), float(voi.WindowWidth))
    return notes, window


def annotated_images(image_paths: Sequence[str]) -> list[str]:
    """The GSPS files of those images that have one."""
    return [str(presentation_state_path(p)) for p in image_paths
            if p and presentation_state_path(p).is_file()]


def annotated_files(db: Database, study_id: int) -> list[str]:
    """The GSPS files of the study's accepted images (a rejected image's stay here)."""
    with db.session() as session:
        paths = session.exec(
            select(Image.file_path).join(Series, Image.series_id == Series.id)
            .where(Series.study_id == study_id, Image.state == ImageState.ACCEPTED)).all()
    return annotated_images(paths)


def queue_annotations(config: Config, db: Database, study_id: int) -> list[int]:
    """Queue the accepted images' presentation states to every store destination (called when
    the exam closes, beside its images); the job ids, none when nothing is annotated."""
    from vxacq.net.routing import store_destinations  # pynetdicom: not before a close
    from vxacq.net.store import enqueue_store

    files = annotated_files(db, study_id)
    if not files:
        return []
    return [enqueue_store(db, node.name, files, study_id=study_id)
            for node in store_destinations(config)]

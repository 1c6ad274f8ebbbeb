"""The Grayscale Softcopy Presentation State (PS3.3 A.33.1) that carries the radiographer's
annotations of one DX/MG image: text, measured lines with their length, and the window.

The image itself is never changed by an annotation: the presentation state references it
(Presentation State Relationship), activates its L/R overlay (Overlay Activation), and says
how to show it — the window the radiographer chose (Softcopy VOI LUT), the whole image
(Displayed Area), IDENTITY (Softcopy Presentation LUT) — and what to draw on it, on one
graphic layer: each text as a Text Object, each measurement as a POLYLINE Graphic Object
with its length as a Text Object anchored at the line's end. Coordinates are image
PIXEL units, column\\row, with 0\\0 the top left corner of the top left pixel (C.10.5.1.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydicom.dataset import Dataset
from pydicom.uid import UID, GrayscaleSoftcopyPresentationStateStorage, generate_uid

from vxacq.dicom.modules import da, ds_number, sop_common, tm
from vxacq.dicom.uids import VXACQ_ROOT, new_uid

LAYER = "ANNOTATIONS"
DESCRIPTION_MAX = 64  # Content Description is LO
_COPIED = (  # Patient, General Study and Patient Study modules: the image's own values
    "SpecificCharacterSet", "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate",
    "PatientSex", "StudyInstanceUID", "StudyDate", "StudyTime", "ReferringPhysicianName",
    "StudyID", "AccessionNumber", "StudyDescription", "Manufacturer", "InstitutionName",
    "StationName", "ManufacturerModelName", "SoftwareVersions", "DeviceSerialNumber",
)


@dataclass(frozen=True)
class TextObject:
    """A text on the image; ``top_left`` is (column, row) in pixels; ``anchor`` (column,
    row) is the point it labels, when it labels one (a measurement's end)."""

    text: str
    top_left: tuple[float, float]
    anchor: tuple[float, float] | None = None


@dataclass(frozen=True)
class Polyline:
    """An open line through ``points`` (column, row) in pixels."""

    points: tuple[tuple[float, float], ...]


def presentation_series_uid(SeriesInstanceUID: str) -> UID:
    """One presentation state series per image series (the same UID for all its images)."""
    return generate_uid(prefix=f"{VXACQ_ROOT}.9.", entropy_srcs=[SeriesInstanceUID, LAYER])


def _point(value: tuple[float, float], rows: int, cols: int, what: str) -> list[float]:
    column, row = (float(v) for v in value)
    if not (0.0 <= column <= cols and 0.0 <= row <= rows):
        raise ValueError(f"{what} ({column:.1f}, {row:.1f}) lies outside the {cols}×{rows} "
                         "image")
    return [column, row]


class GrayscaleSoftcopyPresentationState(Dataset):
    """The presentation state of ``image`` (its header suffices: no pixels are read).

    ``window`` is (center, width) as the radiographer left it; ``texts`` and ``lines`` are in
    the image's pixel coordinates. Every input is checked here; a built object is valid.
    """

    def __init__(self, image: Dataset, *, texts: Sequence[TextObject] = (),
                 lines: Sequence[Polyline] = (), window: tuple[float, float] | None = None,
                 created: datetime, ContentCreatorName: str = "", InstanceNumber: int = 1,
                 SeriesNumber: int = 900, SOPInstanceUID: str | None = None,
                 ContentDescription: str = "Annotations and measurements") -> None:
        super().__init__()
        rows, cols = int(image.Rows), int(image.Columns)
        for keyword in _COPIED:
            if keyword in image:
                setattr(self, keyword, image[keyword].value)
        for keyword in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex",
                        "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID",
                        "AccessionNumber", "Manufacturer"):
            if keyword not in self:  # Type 2: present, empty when unknown
                setattr(self, keyword, "")
        # Presentation Series (C.11.9) over General Series (C.7.3.1)
        self.Modality = "PR"
        self.SeriesInstanceUID = presentation_series_uid(image.SeriesInstanceUID)
        self.SeriesNumber = SeriesNumber
        self.SeriesDescription = "Annotations"
        # the image series' body part and side (Laterality is Type 2C for a paired part)
        if image.get("BodyPartExamined"):
            self.BodyPartExamined = image.BodyPartExamined
        side = image.get("Laterality") or image.get("ImageLaterality")
        if side in ("L", "R"):
            self.Laterality = side
        # Presentation State Identification (C.11.10)
        self.InstanceNumber = InstanceNumber
        self.ContentLabel = LAYER
        self.ContentDescription = ContentDescription[:DESCRIPTION_MAX]
        self.PresentationCreationDate = da(created)
        self.PresentationCreationTime = tm(created)
        self.ContentCreatorName = ContentCreatorName
        # Presentation State Relationship (C.11.11): this one image
        reference = Dataset()
        reference.ReferencedSOPClassUID = image.SOPClassUID
        reference.ReferencedSOPInstanceUID = image.SOPInstanceUID
        series = Dataset()
        series.SeriesInstanceUID = image.SeriesInstanceUID
        series.ReferencedImageSequence = [reference]
        self.ReferencedSeriesSequence = [series]
        # Overlay Activation (C.11.7): the image's L/R overlay stays visible
        if (0x6000, 0x3000) in image or (0x6000, 0x0010) in image:
            self.add_new((0x6000, 0x1001), "CS", LAYER)
        # Displayed Area (C.10.4): the whole image, scaled to the viewer
        area = Dataset()
        area.DisplayedAreaTopLeftHandCorner = [1, 1]
        area.DisplayedAreaBottomRightHandCorner = [cols, rows]
        area.PresentationSizeMode = "SCALE TO FIT"
        area.PresentationPixelAspectRatio = [1, 1]
        self.DisplayedAreaSelectionSequence = [area]
        # Graphic Annotation (C.10.5) and Graphic Layer (C.10.7)
        if texts or lines:
            annotation = Dataset()
            annotation.GraphicLayer = LAYER
            annotation.ReferencedImageSequence = [reference]
            if texts:
                annotation.TextObjectSequence = [self._text(t, rows, cols) for t in texts]
            if lines:
                annotation.GraphicObjectSequence = [self._line(p, rows, cols) for p in lines]
            self.GraphicAnnotationSequence = [annotation]
        layer = Dataset()
        layer.GraphicLayer = LAYER
        layer.GraphicLayerOrder = 1
        layer.GraphicLayerRecommendedDisplayGrayscaleValue = 0xFFFF
        layer.GraphicLayerDescription = "Radiographer's annotations and measurements"
        self.GraphicLayerSequence = [layer]
        # Softcopy VOI LUT (C.11.8): the radiographer's window
        if window is not None:
            center, width = window
            if width < 1:
                raise ValueError(f"Window Width must be at least 1, got {width}")
            voi = Dataset()
            voi.WindowCenter = ds_number(center)
            voi.WindowWidth = ds_number(width)
            self.SoftcopyVOILUTSequence = [voi]
        # Softcopy Presentation LUT (C.11.6): the image is MONOCHROME2
        self.PresentationLUTShape = "IDENTITY"
        sop_common(self, GrayscaleSoftcopyPresentationStateStorage,
                   SOPInstanceUID or new_uid(), created)

    @staticmethod
    def _text(text: TextObject, rows: int, cols: int) -> Dataset:
        if not text.text.strip() or len(text.text) > 1024 or "\\" in text.text:
            raise ValueError(f"annotation text {text.text!r} must be 1 to 1024 characters "
                             "with no backslash")
        item = Dataset()
        item.BoundingBoxAnnotationUnits = "PIXEL"
        item.UnformattedTextValue = text.text
        left, top = _point(text.top_left, rows, cols, "the text's corner")
        # a box the text fits in at the image's scale: viewers fit the text into it
        width = min(cols - left, max(1.0, 0.012 * rows * len(text.text)))
        height = min(rows - top, max(1.0, 0.025 * rows))
        item.BoundingBoxTopLeftHandCorner = [left, top]
        item.BoundingBoxBottomRightHandCorner = [left + width, top + height]
        item.BoundingBoxTextHorizontalJustification = "LEFT"
        if text.anchor is not None:
            item.AnchorPointAnnotationUnits = "PIXEL"
            item.AnchorPoint = _point(text.anchor, rows, cols, "the text's anchor")
            item.AnchorPointVisibility = "Y"
        return item

    @staticmethod
    def _line(line: Polyline, rows: int, cols: int) -> Dataset:
        if len(line.points) < 2:
            raise ValueError("a line needs at least two points")
        item = Dataset()
        item.GraphicAnnotationUnits = "PIXEL"
        item.GraphicDimensions = 2
        item.NumberOfGraphicPoints = len(line.points)
        item.GraphicData = [v for p in line.points for v in _point(p, rows, cols, "a line's end")]
        item.GraphicType = "POLYLINE"
        item.GraphicFilled = "N"
        return item

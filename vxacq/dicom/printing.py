"""The Basic Grayscale Print data sets (PS3.4 Annex H, PS3.3 C.13): Film Session, Film Box and
Image Box as the VXvue Print SCU tables list them, and the image rendered for film.

The image box takes a Preformatted Grayscale Image: presentation values, already through the
Modality and VOI LUTs, MONOCHROME2, 12 bits in 16 (or 8 bits in 8 for a printer that wants
them). What a radiologist saw in the window is what goes on film.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.pixels import apply_modality_lut, apply_voi_lut

from vxacq.config import PrintOptions
from vxacq.dicom import decoders
from vxacq.dicom.charset import choose_character_set

LAYOUT = re.compile(r"^STANDARD\\(\d+),(\d+)$")


class PrintImageError(ValueError):
    """An image cannot be printed (no pixels, colour, several frames); the message says why."""


@dataclass(frozen=True)
class Layout:
    """STANDARD\\C,R: C columns and R rows of image boxes (PS3.3 C.13.5.1)."""

    columns: int
    rows: int

    @classmethod
    def parse(cls, text: str) -> Layout:
        match = LAYOUT.match(text)
        if not match or int(match[1]) < 1 or int(match[2]) < 1:
            raise ValueError(f"layout '{text}' is not STANDARD\\C,R (e.g. STANDARD\\1,2)")
        return cls(int(match[1]), int(match[2]))

    @property
    def boxes(self) -> int:
        return self.columns * self.rows

    def __str__(self) -> str:
        return f"STANDARD\\{self.columns},{self.rows}"


def film_session(options: PrintOptions, label: str = "", character_set: str = "ISO_IR 192") -> Dataset:
    """N-CREATE Attribute List of the Basic Film Session (PS3.3 C.13.1).

    A label beyond ASCII (a patient's name, an accession in Greek) is written in the station's
    ``character_set`` when that can hold it, else in UTF-8, and the set is declared.
    """
    ds = Dataset()
    ds.NumberOfCopies = str(options.copies)
    ds.PrintPriority = options.priority
    ds.MediumType = options.medium_type
    ds.FilmDestination = options.film_destination
    if label:
        label = label[:64]
        if not label.isascii():
            ds.SpecificCharacterSet = choose_character_set([("LO", label)], character_set)
        ds.FilmSessionLabel = label
    return ds


def film_box(options: PrintOptions, film_session_uid: str, *,
             presentation_lut_uid: str = "", annotation: bool = False) -> Dataset:
    """N-CREATE Attribute List of the Basic Film Box (PS3.3 C.13.3). The Referenced Film
    Session Sequence is required by real printers even where test tools let it pass.

    ``presentation_lut_uid``: the Presentation LUT created on the printer; the box references
    it and states the viewing conditions with it (on the film box, as CP 173 placed them).
    ``annotation``: the printer took the Basic Annotation Box SOP Class, so the box asks for
    the configured annotation display format."""
    # the SOP classes' UIDs come with pynetdicom, which the window's start does not import
    from pynetdicom.sop_class import BasicFilmSession, PresentationLUT

    ds = Dataset()
    ds.ImageDisplayFormat = str(Layout.parse(options.layout))
    ds.FilmOrientation = options.orientation
    ds.FilmSizeID = options.film_size
    ds.MagnificationType = options.magnification_type
    ds.MinDensity = options.min_density
    ds.MaxDensity = options.max_density
    ds.BorderDensity = options.border_density
    ds.EmptyImageDensity = options.empty_image_density
    if options.trim:  # optional in PS3.3 and refused by some printers: only when enabled
        ds.Trim = "YES"
    if options.smoothing_type:
        ds.SmoothingType = options.smoothing_type
    if presentation_lut_uid:
        lut = Dataset()
        lut.ReferencedSOPClassUID = PresentationLUT
        lut.ReferencedSOPInstanceUID = presentation_lut_uid
        ds.ReferencedPresentationLUTSequence = [lut]
        ds.Illumination = options.illumination
        ds.ReflectedAmbientLight = options.reflected_ambient_light
    if annotation and options.annotation_format:
        ds.AnnotationDisplayFormatID = options.annotation_format
    ref = Dataset()
    ref.ReferencedSOPClassUID = BasicFilmSession
    ref.ReferencedSOPInstanceUID = film_session_uid
    ds.ReferencedFilmSessionSequence = [ref]
    return ds


def presentation_lut() -> Dataset:
    """N-CREATE Attribute List of the Presentation LUT (PS3.3 C.11.4): IDENTITY, because the
    image boxes already hold P-values (the window applied, scaled to the printer's range)."""
    ds = Dataset()
    ds.PresentationLUTShape = "IDENTITY"
    return ds


def annotation_lines(image: Dataset) -> list[str]:
    """The demographics printed on a film, most important first, one per annotation box
    (each a Text String, LO: 64 characters at most)."""
    def text(keyword: str) -> str:
        value = image.get(keyword)
        return "" if value is None else str(value).strip()

    name = text("PatientName").replace("^", " ").strip()
    born = _date_text(text("PatientBirthDate"))
    lines = [
        "  ".join(filter(None, [name, text("PatientID")])),
        "  ".join(filter(None, [born, text("PatientSex")])),
        "  ".join(filter(None, [_date_text(text("StudyDate")), text("AccessionNumber")])),
        "  ".join(filter(None, [text("InstitutionName"), text("StationName")])),
    ]
    return [line[:64] for line in lines]


def _date_text(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 and value.isdigit() \
        else value


def annotation_box(position: int, line: str, character_set: str) -> Dataset:
    """N-SET Attribute List of a Basic Annotation Box (PS3.3 C.13.7)."""
    ds = Dataset()
    if not line.isascii():
        ds.SpecificCharacterSet = choose_character_set([("LO", line)], character_set)
    ds.AnnotationPosition = position
    ds.TextString = line
    return ds


def check_printable(image: Dataset) -> None:
    """Raise PrintImageError if ``image`` is not one grayscale frame."""
    if "PixelData" not in image:
        raise PrintImageError("the file has no pixel data (not an image)")
    if int(image.get("SamplesPerPixel", 1)) != 1:
        raise PrintImageError("only grayscale images can be printed on a grayscale printer")
    if int(image.get("NumberOfFrames", 1) or 1) != 1:
        raise PrintImageError("multi-frame images cannot be printed")


def presentation_pixels(image: Dataset, bits: int) -> np.ndarray:
    """The image's pixels as film presentation values: Modality LUT, then the first VOI
    window or LUT (else the full range of the values), scaled to 0 .. 2**bits - 1, MONOCHROME1
    turned to MONOCHROME2."""
    check_printable(image)
    pixels = decoders.pixel_array(image)
    if pixels.dtype.kind in "ui" and pixels.dtype.itemsize <= 2:
        # Integer pixels: run the chain once per value present and look the image up in
        # that table (a 3072 x 3072 image: one pass instead of a dozen float passes).
        low = int(pixels.min())
        offsets = (pixels.astype(np.int32) - low) if pixels.dtype.kind == "i" else pixels - low
        entries = np.arange(low, int(pixels.max()) + 1, dtype=np.int32)
        present = np.bincount(offsets.ravel(), minlength=len(entries)) > 0
        table = _presentation(entries, image, bits, present)
        return table[offsets]
    return _presentation(pixels, image, bits, None)


def _presentation(stored: np.ndarray, image: Dataset, bits: int,
                  present: np.ndarray | None) -> np.ndarray:
    """The chain for ``stored`` values; ``present`` marks those the image has (for the full
    range when there is no VOI), None if all are."""
    values = apply_modality_lut(stored, image).astype(np.float64)
    top = 2**bits - 1
    if "WindowCenter" in image and "WindowWidth" in image:
        fraction = _window(values, _first(image.WindowCenter), _first(image.WindowWidth),
                           str(image.get("VOILUTFunction", "LINEAR") or "LINEAR"))
    elif "VOILUTSequence" in image:
        lut = image.VOILUTSequence[0]
        fraction = apply_voi_lut(values, image, index=0).astype(np.float64)
        fraction /= 2 ** int(lut.LUTDescriptor[2]) - 1
    else:  # no VOI: the full range of the values present
        seen = values if present is None else values[present]
        low, high = float(seen.min()), float(seen.max())
        fraction = (values - low) / (high - low) if high > low else np.zeros_like(values)
    scaled = np.clip(fraction, 0.0, 1.0) * top
    if image.get("PhotometricInterpretation", "MONOCHROME2") == "MONOCHROME1":
        scaled = top - scaled
    return np.rint(scaled).astype(np.uint16 if bits > 8 else np.uint8)


def _first(value: object) -> float:
    return float(value[0]) if isinstance(value, MultiValue) else float(value)


def _window(values: np.ndarray, center: float, width: float, function: str) -> np.ndarray:
    """The VOI window as a fraction 0..1 of the output range (PS3.3 C.11.2.1.2-3)."""
    if function == "SIGMOID":
        return 1.0 / (1.0 + np.exp(-4.0 * (values - center) / width))
    if function == "LINEAR_EXACT":
        return (values - center) / width + 0.5
    if width <= 1:  # LINEAR with width 1 is a threshold
        return (values > center - 0.5).astype(np.float64)
    return (values - (center - 0.5)) / (width - 1) + 0.5


def image_box(image: Dataset, position: int, options: PrintOptions) -> Dataset:
    """N-SET Attribute List of a Basic Grayscale Image Box (PS3.3 C.13.5) for ``image``."""
    pixels = presentation_pixels(image, options.bits)
    preformatted = Dataset()
    preformatted.SamplesPerPixel = 1
    preformatted.PhotometricInterpretation = "MONOCHROME2"
    preformatted.Rows, preformatted.Columns = pixels.shape
    preformatted.PixelAspectRatio = _aspect_ratio(image)
    preformatted.BitsAllocated = 8 if options.bits == 8 else 16
    preformatted.BitsStored = options.bits
    preformatted.HighBit = options.bits - 1
    preformatted.PixelRepresentation = 0
    preformatted.PixelData = pixels.astype("<u2" if options.bits > 8 else "u1").tobytes()
    ds = Dataset()
    ds.ImageBoxPosition = position
    ds.Polarity = "NORMAL"
    if options.smoothing_type:
        ds.SmoothingType = options.smoothing_type
    ds.BasicGrayscaleImageSequence = [preformatted]
    if options.true_size and (size := true_size_mm(image)) is not None:
        ds.RequestedImageSize = f"{size:.2f}"
    return ds


def _spacing(image: Dataset) -> list[float] | None:
    # Pixel Spacing if the image has it (calibrated to the patient), else the detector's.
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        value = image.get(keyword)
        if value is not None and len(value) == 2 and all(float(v) > 0 for v in value):
            return [float(v) for v in value]
    return None


def true_size_mm(image: Dataset) -> float | None:
    """The image's width in mm (Columns × the column spacing): Requested Image Size, which
    prints it at its true size. None when the image has no pixel spacing."""
    spacing = _spacing(image)
    if spacing is None:
        return None
    return int(image.Columns) * spacing[1]


def _aspect_ratio(image: Dataset) -> list[int]:
    """Pixel Aspect Ratio (row spacing \\ column spacing) in whole numbers; 1\\1 if square."""
    if "PixelAspectRatio" in image:
        return [int(v) for v in image.PixelAspectRatio]
    spacing = _spacing(image)
    if spacing is None or abs(spacing[0] - spacing[1]) < 1e-6:
        return [1, 1]
    return [round(spacing[0] * 1000), round(spacing[1] * 1000)]

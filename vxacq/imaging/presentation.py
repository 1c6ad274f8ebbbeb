"""Presentation: stored pixel values, window, shutter, rotation/flip, crop and the L/R marker.

Output is what a DX/MG "For Presentation" image carries: unsigned 12- or 14-bit values,
MONOCHROME2 (higher is brighter), Pixel Intensity Relationship LOG with sign −1 (the values
follow the logarithm of the attenuation, so higher values mean less X-ray intensity), and a
Window Center/Width that frames the anatomy. Rotation and flip change Patient Orientation
(0020,0020); the new values are returned as data for the DICOM builder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vxacq.imaging.collimation import Field

# Where the anatomy's low/high percentiles land in the output range. The curve is the
# algebraic sigmoid z / (1 + |z|): it never reaches ±1, so nothing in the anatomy is clipped
# even where processing overshoots, and its long tails keep detail in the extremes; it is
# also three cheap passes instead of one costly tanh over a 9-megapixel image.
LOW_OUT, HIGH_OUT = 0.10, 0.90
_Z = (HIGH_OUT - LOW_OUT) / (1 - (HIGH_OUT - LOW_OUT))  # z / (1 + z) = 0.8 at the percentiles
OPPOSITE = {"A": "P", "P": "A", "R": "L", "L": "R", "H": "F", "F": "H"}
ROTATIONS = (0, 90, 180, 270)
FLIPS = ("none", "horizontal", "vertical")


@dataclass(frozen=True)
class Window:
    center: float
    width: float


@dataclass
class Overlay:
    """A one-bit graphic plane (60xx) for the DICOM builder: rows × columns, origin (1, 1)."""

    data: np.ndarray  # bool, same shape as the image
    description: str = "L/R marker"
    type: str = "G"

    @property
    def rows(self) -> int:
        return int(self.data.shape[0])

    @property
    def columns(self) -> int:
        return int(self.data.shape[1])

    def packed(self) -> bytes:
        """OverlayData bytes: bits in row order, least significant bit first (PS3.5 8.1.2)."""
        bits = np.packbits(self.data.ravel(), bitorder="little")
        return bits.tobytes() + (b"\0" if bits.size % 2 else b"")


@dataclass
class Orientation:
    """Patient Orientation after the transforms, and the transforms themselves."""

    PatientOrientation: tuple[str, str]
    rotation: int = 0  # degrees clockwise as displayed
    flip: str = "none"  # applied before the rotation

    def to_dict(self) -> dict:
        return {"PatientOrientation": list(self.PatientOrientation), "rotation": self.rotation,
                "flip": self.flip}


def tone_map(image: np.ndarray, low: float, high: float, bits_stored: int) -> np.ndarray:
    """Sigmoid map: ``low``/``high`` to 10 %/90 % of the range; uint16 output.

    ``image`` (float32) is overwritten: it is the chain's scratch buffer by now.
    """
    top = (1 << bits_stored) - 1
    centre = (low + high) / 2
    z = image
    z -= np.float32(centre)
    z *= np.float32(_Z / ((high - low) / 2))
    magnitude = np.abs(z)
    magnitude += np.float32(1.0)
    z /= magnitude
    del magnitude
    z *= np.float32(top / 2)
    z += np.float32(top / 2 + 0.5)  # +0.5: round on the cast
    return z.astype(np.uint16)


def window_for(bits_stored: int, margin: float = 0.05) -> Window:
    """The window spanning the mapped anatomy (10–90 %) with a small margin either side."""
    top = (1 << bits_stored) - 1
    lo, hi = (LOW_OUT - margin) * top, (HIGH_OUT + margin) * top
    return Window(round((lo + hi) / 2, 1), round(hi - lo, 1))


def transform_orientation(orientation: tuple[str, str], rotation: int, flip: str) -> tuple[str, str]:
    """Patient Orientation after a flip and then a clockwise rotation of the displayed image."""
    row, col = orientation
    if flip == "horizontal":
        row = _opposite(row)
    elif flip == "vertical":
        col = _opposite(col)
    for _ in range((rotation // 90) % 4):
        row, col = _opposite(col), row  # a quarter turn clockwise
    return row, col


def transform_image(image: np.ndarray, rotation: int, flip: str) -> np.ndarray:
    if flip == "horizontal":
        image = image[:, ::-1]
    elif flip == "vertical":
        image = image[::-1, :]
    k = (rotation // 90) % 4
    return np.rot90(image, k=-k) if k else image


def transform_field(f: Field, shape: tuple[int, int], rotation: int, flip: str) -> Field:
    """The field in the transformed image's coordinates (shape is before the transform)."""
    rows, cols = shape
    x, y = f.centre
    angle = f.angle_deg
    width, height = f.width, f.height
    if flip == "horizontal":
        x, angle = cols - 1 - x, -angle
    elif flip == "vertical":
        y, angle = rows - 1 - y, -angle
    for _ in range((rotation // 90) % 4):
        x, y = rows - 1 - y, x  # clockwise quarter turn: (x, y) -> (H-1-y, x)
        rows, cols = cols, rows
        width, height = height, width
    return Field((x, y), width, height, angle)


def marker_mask(shape: tuple[int, int], letter: str, field_box: tuple[int, int, int, int],
                at: tuple[float, float] | None = None) -> np.ndarray:
    """Where an L or R marker goes: top corner of the field, about 4 % of the image height;
    ``at`` (row, column of its top left corner as fractions of ``shape``) where the
    radiographer put it instead. It always lies wholly inside the image."""
    glyph = _GLYPHS[letter.upper()]
    rows, cols = shape
    size = max(1, round(0.04 * min(rows, cols) / len(glyph)))
    bitmap = np.kron(glyph, np.ones((size, size), dtype=bool))
    r0, c0, r1, c1 = field_box
    pad = max(2, size * 2)
    if at is not None:
        if not all(0.0 <= f <= 1.0 for f in at):
            raise ValueError(f"marker position {at} is not (row, column) fractions in 0..1")
        top, left = round(at[0] * rows), round(at[1] * cols)
    else:
        top = r0 + pad
        # L in the top right corner of the field, R in the top left: the side a viewer of a
        # conventionally hung AP/PA image finds that side of the patient.
        left = c1 - pad - bitmap.shape[1] if letter.upper() == "L" else c0 + pad
    top = min(max(top, 0), max(rows - bitmap.shape[0], 0))
    left = min(max(left, 0), max(cols - bitmap.shape[1], 0))
    mask = np.zeros(shape, bool)
    h, w = min(bitmap.shape[0], rows - top), min(bitmap.shape[1], cols - left)
    mask[top: top + h, left: left + w] = bitmap[:h, :w]
    return mask


def field_spans(f: Field, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the first and last column inside the field (last < first: row outside)."""
    rows, cols = shape
    y = np.arange(rows, dtype=np.float64) - f.centre[1]
    th = math.radians(f.angle_deg)
    c, s = math.cos(th), math.sin(th)
    lo = np.full(rows, -np.inf)
    hi = np.full(rows, np.inf)
    # |u| ≤ W/2 with u = x·c + y·s, and |v| ≤ H/2 with v = y·c − x·s (x relative to the centre).
    for a, b, half in ((c, y * s, f.width / 2), (-s, y * c, f.height / 2)):
        if abs(a) < 1e-12:
            outside = np.abs(b) > half
            lo[outside], hi[outside] = np.inf, -np.inf
            continue
        x1, x2 = (-half - b) / a, (half - b) / a
        lo = np.maximum(lo, np.minimum(x1, x2))
        hi = np.minimum(hi, np.maximum(x1, x2))
    first = np.clip(np.ceil(lo + f.centre[0]), 0, cols).astype(int)
    last = np.clip(np.floor(hi + f.centre[0]), -1, cols - 1).astype(int)
    return first, last


def shutter(pixels: np.ndarray, f: Field, mode: str, bits_stored: int) -> None:
    """Set the area outside the field to black or white in place (``mode`` "none": untouched)."""
    if mode == "none":
        return
    value = 0 if mode == "black" else (1 << bits_stored) - 1
    first, last = field_spans(f, pixels.shape)
    for row, (a, b) in enumerate(zip(first.tolist(), last.tolist())):
        if b < a:
            pixels[row] = value
        else:
            pixels[row, :a] = value
            pixels[row, b + 1:] = value


def shutter_vertices(f: Field, shape: tuple[int, int]) -> list[tuple[int, int]]:
    """Vertices of Polygonal Shutter (0018,1620): (row, column), 1-based, clipped to the image."""
    rows, cols = shape
    return [(int(np.clip(round(y) + 1, 1, rows)), int(np.clip(round(x) + 1, 1, cols)))
            for x, y in f.corners()]


def _opposite(value: str) -> str:
    return "".join(OPPOSITE[c] for c in value)


# 5×7 bitmaps of the two marker letters.
_GLYPHS = {
    "L": np.array([[1, 0, 0, 0, 0]] * 6 + [[1, 1, 1, 1, 1]], dtype=bool),
    "R": np.array([
        [1, 1, 1, 1, 0], [1, 0, 0, 0, 1], [1, 0, 0, 0, 1], [1, 1, 1, 1, 0],
        [1, 0, 1, 0, 0], [1, 0, 0, 1, 0], [1, 0, 0, 0, 1]], dtype=bool),
}

"""Long-length imaging: overlapping fields joined into one image.

Each field is an image of the detector at one stand position along the body (rows run along
the body, head first). The positioner says where each field was taken; that places the fields
to within a few millimetres. Phase correlation of each overlap then finds where the two fields
really meet, to a fraction of a pixel, and the fields are blended across the middle of the
overlap. The beam moves with the detector (tube translation), so a field is only shifted
against its neighbour, never scaled: the stitched image has the detector's pixel spacing.

Numpy in, numpy out (ARCHITECTURE rule 2). :func:`stitch` takes images already corrected with
the same calibration (linear or log, but all alike), so the seam shows no step of brightness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vxacq.imaging.filters import gaussian_filter, sobel


class StitchError(ValueError):
    """The fields cannot be joined; the message says which and why."""


@dataclass(frozen=True)
class FieldImage:
    pixels: np.ndarray  # (rows, columns), rows along the body
    position_mm: float  # the detector centre along the body, from the positioner


@dataclass(frozen=True)
class Seam:
    """Where field ``index`` + 1 meets field ``index``."""

    index: int
    nominal_shift: tuple[float, float]  # (rows, columns) from the positioner alone
    shift: tuple[float, float]  # (rows, columns) of field index+1's origin in field index
    correction_mm: float  # how far registration moved it along the body from the positioner
    peak: float  # normalised correlation peak: below MIN_PEAK the positioner's shift is kept
    registered: bool


@dataclass(frozen=True)
class Stitched:
    pixels: np.ndarray  # float32
    origins: tuple[tuple[float, float], ...]  # each field's (row, column) origin in ``pixels``
    # (the registered origins rounded to whole pixels)
    seams: tuple[Seam, ...]
    seam_rows: tuple[float, ...]  # the middle of each blend, in ``pixels`` rows
    pixel_spacing_mm: float


# Registration compares the overlaps on a grid of about this pitch: fine enough for a tenth of
# a millimetre after the sub-pixel peak, coarse enough that noise does not decide.
REGISTRATION_GRID_MM = 1.0
# An overlap whose correlation peak is this low has nothing to register on (e.g. open beam):
# the positioner's geometry is kept and the seam says so.
MIN_PEAK = 0.05


def nominal_shift(previous: FieldImage, field: FieldImage, spacing_mm: float) -> float:
    """Rows between the two fields' origins from the positioner alone."""
    return (field.position_mm - previous.position_mm) / spacing_mm


def stitch(fields: Sequence[FieldImage], pixel_spacing_mm: float, *,
           search_mm: float = 10.0, blend_mm: float = 20.0,
           shifts: Sequence[tuple[float, float]] | None = None,
           linear: bool = False) -> Stitched:
    """Join ``fields`` (in any order) into one image.

    ``linear``: the fields are proportional to X-ray intensity (kerma); registration then
    compares their logarithm, as attenuation adds along a ray there.
    ``search_mm`` bounds how far registration may move a field from the positioner's place
    (its accuracy); ``blend_mm`` is the width of the blend at each seam. ``shifts`` (one per
    seam, rows and columns) replaces registration, e.g. seams nudged by hand in the review.
    """
    if len(fields) < 2:
        raise StitchError(f"a long-length image needs at least 2 fields, got {len(fields)}")
    shape = fields[0].pixels.shape
    if any(f.pixels.shape != shape for f in fields):
        raise StitchError("the fields differ in size: " + ", ".join(
            f"{f.pixels.shape[1]}×{f.pixels.shape[0]}" for f in fields))
    if pixel_spacing_mm <= 0:
        raise StitchError(f"pixel spacing {pixel_spacing_mm} mm must be positive")
    ordered = sorted(fields, key=lambda f: f.position_mm)
    rows = shape[0]
    search = max(1, int(round(search_mm / pixel_spacing_mm)))
    if shifts is not None and len(shifts) != len(ordered) - 1:
        raise StitchError(f"{len(ordered)} fields have {len(ordered) - 1} seams, "
                          f"got {len(shifts)} shifts")
    seams = []
    for i, (a, b) in enumerate(zip(ordered, ordered[1:])):
        nominal = nominal_shift(a, b, pixel_spacing_mm)
        if not search < nominal < rows - 2 * search:
            raise StitchError(
                f"fields {i + 1} and {i + 2} are {nominal * pixel_spacing_mm:.0f} mm apart: they "
                f"must overlap by more than {2 * search_mm:.0f} mm of the detector's "
                f"{rows * pixel_spacing_mm:.0f} mm")
        if shifts is not None:
            dy, dx = shifts[i]
            seams.append(Seam(i, (nominal, 0.0), (float(dy), float(dx)),
                              (dy - nominal) * pixel_spacing_mm, 1.0, False))
            continue
        factor = max(1, int(round(REGISTRATION_GRID_MM / pixel_spacing_mm)))
        (dy, dx), peak = _register(a.pixels, b.pixels, nominal, search, factor, linear)
        registered = peak >= MIN_PEAK
        if not registered:
            dy, dx = nominal, 0.0
        seams.append(Seam(i, (nominal, 0.0), (dy, dx), (dy - nominal) * pixel_spacing_mm,
                          peak, registered))
    return _blend(ordered, seams, pixel_spacing_mm, blend_mm)


def _register(a: np.ndarray, b: np.ndarray, nominal: float, search: int, factor: int,
              linear: bool) -> tuple[tuple[float, float], float]:
    """Field b's origin in field a's pixels, (rows, columns), by phase correlation of the
    overlap the positioner predicts, and the correlation peak's height (0..1). The strips are
    compared on a grid ``factor`` pixels coarser, where anatomy, not quantum noise, decides;
    the sub-pixel peak keeps the result to about a tenth of that grid."""
    start = int(round(nominal))
    height = (a.shape[0] - start - search) // factor * factor  # rows both strips share
    width = a.shape[1] // factor * factor
    strip_a = _coarse(a[start:start + height, :width], factor)
    strip_b = _coarse(b[:height, :width], factor)
    if linear:  # attenuation adds along a ray: compare the logarithm of the intensity
        strip_a, strip_b = (np.log(np.maximum(x, 1e-6)) for x in (strip_a, strip_b))
    (dy, dx), peak = _phase_correlate(strip_a, strip_b, max(1, -(-search // factor)))
    return (start + dy * factor, dx * factor), peak


def _coarse(x: np.ndarray, factor: int) -> np.ndarray:
    """Block means of factor × factor pixels (the same origin for both strips keeps the shift
    between them exactly ``factor`` times the coarse one)."""
    rows, columns = x.shape[0] // factor, x.shape[1] // factor
    return x.reshape(rows, factor, columns, factor).mean(axis=(1, 3), dtype=np.float32)


def _phase_correlate(a: np.ndarray, b: np.ndarray, search: int
                     ) -> tuple[tuple[float, float], float]:
    """The shift (rows, columns) of b's content in a (a[y + dy] ≈ b[y]), within ±search."""
    window = np.outer(np.hanning(a.shape[0]), np.hanning(a.shape[1])).astype(np.float32)
    fa = np.fft.rfft2(_normalised(a) * window)
    fb = np.fft.rfft2(_normalised(b) * window)
    cross = fb * np.conj(fa)
    cross /= np.maximum(np.abs(cross), 1e-12)
    surface = np.fft.irfft2(cross, s=a.shape)
    # Only shifts within the search range are possible; wrap-around indices are negative shifts.
    near = np.zeros_like(surface, dtype=bool)
    for dy in range(-search, search + 1):
        near[dy % a.shape[0], :search + 1] = True
        near[dy % a.shape[0], a.shape[1] - search:] = True
    masked = np.where(near, surface, -np.inf)
    py, px = np.unravel_index(int(np.argmax(masked)), surface.shape)
    peak = float(surface[py, px])
    fy = _subpixel(surface[(py - 1) % a.shape[0], px], peak, surface[(py + 1) % a.shape[0], px])
    fx = _subpixel(surface[py, (px - 1) % a.shape[1]], peak, surface[py, (px + 1) % a.shape[1]])
    dy = _signed(py, a.shape[0]) + fy
    dx = _signed(px, a.shape[1]) + fx
    # b[y] = a[y + d] means b's content sits d rows further down in a: b's origin is at -d.
    return (-dy, -dx), peak


def _normalised(x: np.ndarray) -> np.ndarray:
    # Differences along both axes: the anatomy's edges, not the slow fall-off of the beam, decide.
    x = gaussian_filter(x, 1.0)
    g = np.hypot(sobel(x, 0), sobel(x, 1))
    return (g - g.mean()) / max(float(g.std()), 1e-9)


def _subpixel(left: float, centre: float, right: float) -> float:
    """The vertex of the parabola through three samples around a peak, in (-0.5, 0.5)."""
    denominator = left - 2 * centre + right
    if denominator >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / denominator, -0.5, 0.5))


def _signed(index: int, size: int) -> int:
    return index - size if index > size // 2 else index


def _blend(fields: Sequence[FieldImage], seams: Sequence[Seam], spacing: float,
           blend_mm: float) -> Stitched:
    """Place every field at its registered origin, rounded to whole pixels (at most half a
    pixel, 0.07 mm on a 139 µm panel, per seam: the pixels are copied, never resampled, so
    noise and sharpness stay the detector's), and cross-fade linearly over ``blend_mm`` around
    the middle of each overlap."""
    rows, columns = fields[0].pixels.shape
    exact = [(0.0, 0.0)]
    for seam in seams:
        y, x = exact[-1]
        exact.append((y + seam.shift[0], x + seam.shift[1]))
    top = min(y for y, _ in exact)
    left = min(x for _, x in exact)
    origins = [(int(round(y - top)), int(round(x - left))) for y, x in exact]
    height = max(y for y, _ in origins) + rows
    width = max(x for _, x in origins) + columns
    out = np.zeros((height, width), np.float32)
    wanted = max(1, int(round(blend_mm / spacing / 2)))
    seam_rows = [(origins[i + 1][0] + origins[i][0] + rows) // 2 for i in range(len(seams))]
    # half the blend at each seam: as wanted, or what the overlap leaves
    halves = [max(1, min(wanted, (origins[i][0] + rows - origins[i + 1][0]) // 2))
              for i in range(len(seams))]
    # Each field alone between the blends of the seams above and below it...
    for i, (field, (y, x)) in enumerate(zip(fields, origins)):
        first = seam_rows[i - 1] + halves[i - 1] if i > 0 else y
        last = seam_rows[i] - halves[i] if i < len(seams) else y + rows
        out[first:last, x:x + columns] = field.pixels[first - y:last - y]
    # ...and the two fields across each seam in proportion.
    for i, (middle, half) in enumerate(zip(seam_rows, halves)):
        (ya, xa), (yb, xb) = origins[i], origins[i + 1]
        band = slice(middle - half, middle + half)
        rising = ((np.arange(2 * half, dtype=np.float32) + 0.5) / (2 * half))[:, None]
        above = np.zeros((2 * half, width), np.float32)
        below = np.zeros((2 * half, width), np.float32)
        above[:, xa:xa + columns] = fields[i].pixels[band.start - ya:band.stop - ya]
        below[:, xb:xb + columns] = fields[i + 1].pixels[band.start - yb:band.stop - yb]
        out[band] = above * (1 - rising) + below * rising
    return Stitched(out, tuple((float(y), float(x)) for y, x in origins), tuple(seams),
                    tuple(float(r) for r in seam_rows), spacing)

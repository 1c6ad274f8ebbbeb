"""Collimated field detection: the (possibly rotated) rectangle the X-ray beam was shaped to.

Found in two steps. Coarse: on a decimated kerma image, pixels clearly above the collimated
level are kept, and the minimum-area rectangle around their convex hull gives centre, size and
angle. Fine: along each of the four edges, full-resolution profiles across the edge locate the
half-way point of the step between outside and inside, and a robust line through those points
gives the edge position and angle to a fraction of a pixel. Profiles where anatomy hides the
step (dense tissue at the field edge) are skipped; an edge with too few clear profiles keeps
its coarse position, or the detector border when the beam reaches it.

Coordinates are (x, y) = (column, row) with pixel centres at integers; angles are in degrees,
positive clockwise as displayed (rows grow downwards).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vxacq.imaging.filters import sample_bilinear
from vxacq.imaging.morphology import erode, label, open_

# A profile shows the field edge when the inside is at least this many times the outside.
MIN_STEP_RATIO = 2.0
MIN_CLEAR_FRACTION = 0.2  # of an edge's profiles, for its refined position to be trusted


@dataclass(frozen=True)
class Field:
    """A rotated rectangle in pixel coordinates."""

    centre: tuple[float, float]  # (x, y) = (column, row)
    width: float  # along the rotated x axis (pixels)
    height: float  # along the rotated y axis (pixels)
    angle_deg: float = 0.0  # clockwise as displayed

    def corners(self) -> np.ndarray:
        """(4, 2) array of (x, y): top-left, top-right, bottom-right, bottom-left (unrotated)."""
        th = math.radians(self.angle_deg)
        c, s = math.cos(th), math.sin(th)
        out = []
        for u, v in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            du, dv = u * self.width / 2, v * self.height / 2
            out.append((self.centre[0] + du * c - dv * s, self.centre[1] + du * s + dv * c))
        return np.array(out)

    def mask(self, shape: tuple[int, int], scale: float = 1.0, margin: float = 0.0) -> np.ndarray:
        """Boolean mask of the field on a grid ``scale`` times coarser, shrunk by ``margin`` px."""
        rows, cols = shape
        offset = (scale - 1) / 2  # centre of a scale×scale block in full-resolution pixels
        y = (np.arange(rows, dtype=np.float32) * scale + offset)[:, None] - self.centre[1]
        x = (np.arange(cols, dtype=np.float32) * scale + offset)[None, :] - self.centre[0]
        th = math.radians(self.angle_deg)
        c, s = np.float32(math.cos(th)), np.float32(math.sin(th))
        u = x * c + y * s
        v = y * c - x * s
        return (np.abs(u) <= self.width / 2 - margin) & (np.abs(v) <= self.height / 2 - margin)

    def bounding_box(self, shape: tuple[int, int]) -> tuple[int, int, int, int]:
        """(row0, col0, row1, col1), half-open, clipped to ``shape``."""
        corners = self.corners()
        col0 = max(0, math.floor(corners[:, 0].min() + 0.5))
        row0 = max(0, math.floor(corners[:, 1].min() + 0.5))
        col1 = min(shape[1], math.floor(corners[:, 0].max() + 0.5) + 1)
        row1 = min(shape[0], math.floor(corners[:, 1].max() + 0.5) + 1)
        return row0, col0, row1, col1

    def to_dict(self) -> dict:
        return {"centre": [round(self.centre[0], 2), round(self.centre[1], 2)],
                "width": round(self.width, 2), "height": round(self.height, 2),
                "angle_deg": round(self.angle_deg, 3),
                "corners": [[round(float(x), 2), round(float(y), 2)] for x, y in self.corners()]}


def whole(shape: tuple[int, int]) -> Field:
    rows, cols = shape
    return Field(((cols - 1) / 2, (rows - 1) / 2), float(cols), float(rows), 0.0)


def detect_field(kerma: np.ndarray, small: np.ndarray, scale: int) -> Field:
    """The collimated field of ``kerma`` (full resolution), using ``small`` (block means by ``scale``)."""
    coarse = _coarse_field(small, scale, kerma.shape)
    if coarse is None:
        return whole(kerma.shape)  # nothing stands out: the beam covers the detector
    field = _refine(kerma, coarse, scale)
    if abs(field.angle_deg - coarse.angle_deg) > 0.05:  # profile again along the new angle
        field = _refine(kerma, field, scale)
    return field


def _coarse_field(small: np.ndarray, scale: int, shape: tuple[int, int]) -> Field | None:
    top = float(np.percentile(small, 99.5))
    if top <= 0:
        return None
    floor = top * 1e-3
    logs = np.log(np.maximum(small, floor))
    low = float(np.percentile(logs, 2))
    high = math.log(top)
    if high - low < math.log(4):
        return None
    inside = logs > low + 0.3 * (high - low)
    labels, sizes = label(open_(inside))
    if sizes.size == 0:
        return None
    # Anatomy crossing the field splits the exposed area into parts (the two sides of a knee,
    # the corners around a pelvis): keep every part of real size, drop specks.
    big = np.flatnonzero(sizes >= max(0.02 * sizes.max(), 4)) + 1
    keep = np.isin(labels, big)
    ys, xs = np.nonzero(keep & ~erode(keep))  # the hull needs the rim only
    points = np.column_stack([xs, ys]).astype(float) * scale + (scale - 1) / 2
    # Pixel blocks have extent: put the hull on their outer corners.
    half = scale / 2
    corners = np.concatenate([points + (dx, dy) for dx in (-half, half) for dy in (-half, half)])
    hull = convex_hull(corners)
    return None if hull is None else _min_area_rectangle(hull)


def convex_hull(points: np.ndarray) -> np.ndarray | None:
    """The convex hull of (x, y) ``points``, its vertices in order (Andrew's monotone chain);
    None when the points enclose no area (fewer than three, or all on one line).

    Only each row's leftmost and rightmost points can be vertices, so those are kept first:
    the rim of a field has a few hundred rows but thousands of points. (numpy: the console
    does not ship scipy.)"""
    if len(points) < 3:
        return None
    order = np.lexsort((points[:, 0], points[:, 1]))
    pts = points[order]
    starts = np.flatnonzero(np.r_[True, np.diff(pts[:, 1]) != 0])
    ends = np.r_[starts[1:], len(pts)] - 1
    rims = np.concatenate([pts[starts], pts[ends]])
    rows = rims[np.lexsort((rims[:, 1], rims[:, 0]))]  # by x, then y (duplicates are harmless)

    def half(seq) -> list:
        chain: list = []
        for p in seq:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    listed = rows.tolist()
    hull = half(listed)[:-1] + half(reversed(listed))[:-1]
    if len(hull) < 3:
        return None
    return np.array(hull, dtype=float)


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _min_area_rectangle(hull: np.ndarray) -> Field:
    edges = np.diff(np.vstack([hull, hull[:1]]), axis=0)
    angles = np.unique(np.mod(np.arctan2(edges[:, 1], edges[:, 0]), np.pi / 2))
    best = None
    for th in angles:
        c, s = math.cos(th), math.sin(th)
        u = hull[:, 0] * c + hull[:, 1] * s
        v = -hull[:, 0] * s + hull[:, 1] * c
        area = (u.max() - u.min()) * (v.max() - v.min())
        if best is None or area < best[0]:
            best = (area, th, u.min(), u.max(), v.min(), v.max())
    _, th, u0, u1, v0, v1 = best
    deg = math.degrees(th)
    cu, cv = (u0 + u1) / 2, (v0 + v1) / 2
    c, s = math.cos(th), math.sin(th)
    centre = (cu * c - cv * s, cu * s + cv * c)
    width, height = u1 - u0, v1 - v0
    if deg > 45:  # keep the angle within ±45° by swapping the axes
        deg -= 90
        width, height = height, width
    return Field(centre, width, height, deg)


def _refine(kerma: np.ndarray, field: Field, scale: int) -> Field:
    th = math.radians(field.angle_deg)
    ex, ey = np.array([math.cos(th), math.sin(th)]), np.array([-math.sin(th), math.cos(th)])
    centre = np.array(field.centre)
    reach = max(3.0 * scale, 8.0)
    # Edge: (unit normal pointing outwards, distance from centre, half-length along the edge).
    edges = [(-ex, field.width / 2, field.height / 2), (ex, field.width / 2, field.height / 2),
             (-ey, field.height / 2, field.width / 2), (ey, field.height / 2, field.width / 2)]
    found = []
    for normal, distance, half_length in edges:
        found.append(_edge(kerma, centre, normal, distance, half_length, reach))
    # Combine the four edges: positions along the normals, angle from the clear edges.
    tilts = [(t, w) for (_, t, w) in found if w > 0]
    tilt = (sum(t * w for t, w in tilts) / sum(w for _, w in tilts)) if tilts else 0.0
    dist = [d if w > 0 else _border_or(kerma.shape, centre, n, d0)
            for (d, _, w), (n, d0, _) in zip(found, edges)]
    u_lo, u_hi, v_lo, v_hi = -dist[0], dist[1], -dist[2], dist[3]
    new_centre = centre + ex * (u_lo + u_hi) / 2 + ey * (v_lo + v_hi) / 2
    return Field((float(new_centre[0]), float(new_centre[1])), float(u_hi - u_lo),
                 float(v_hi - v_lo), field.angle_deg + math.degrees(tilt))


def _edge(kerma: np.ndarray, centre: np.ndarray, normal: np.ndarray, distance: float,
          half_length: float, reach: float) -> tuple[float, float, float]:
    """(distance of the edge from the centre, tilt in radians, weight; 0 when not seen)."""
    along = np.array([-normal[1], normal[0]])
    t = np.linspace(-0.8, 0.8, 64) * half_length
    s = np.arange(-reach, reach + 0.25, 0.5)
    base = centre + normal * distance
    # Each profile is the mean of three parallel lines one pixel apart (less noise).
    pts = (base[None, None, None, :] + along * (t[:, None, None, None] + np.array([-1, 0, 1])[None, None, :, None])
           + normal * s[None, :, None, None])
    values = sample_bilinear(kerma, pts[..., 1].ravel(), pts[..., 0].ravel())
    profiles = values.reshape(t.size, s.size, 3).mean(axis=2)
    quarter = max(s.size // 4, 2)
    # Profiles that run off the detector hold NaN: their medians are NaN and they drop out.
    inner = np.median(profiles[:, :quarter], axis=1)  # s < 0 is inside the field
    outer = np.median(profiles[:, -quarter:], axis=1)
    steps = np.abs(np.diff(profiles[:, ::2], axis=1))  # samples one pixel apart
    noise = 1.4826 / math.sqrt(2) * np.median(steps, axis=1)
    # A profile shows the edge when the inside is clearly brighter than the outside and the
    # step stands well clear of the noise on either side (dense anatomy gives ratios of two
    # between noisy near-zero levels).
    clear = np.isfinite(noise) & (inner > MIN_STEP_RATIO * np.maximum(outer, 0)) & (inner > 0) \
        & ((inner - outer) > 8 * noise)
    if clear.sum() < MIN_CLEAR_FRACTION * t.size:
        return distance, 0.0, 0.0
    p, lo, hi = profiles[clear], outer[clear], inner[clear]
    crossing = _crossing(p, lo + 0.5 * (hi - lo), s)
    # A collimator edge is sharp (penumbra); a slope of scatter under dense anatomy is not.
    width = _crossing(p, lo + 0.25 * (hi - lo), s) - _crossing(p, lo + 0.75 * (hi - lo), s)
    sharp = width <= reach / 3
    if sharp.sum() < MIN_CLEAR_FRACTION * t.size:
        return distance, 0.0, 0.0
    crossing = crossing[sharp]
    tt = t[clear][sharp]
    keep = np.ones(tt.size, bool)
    for _ in range(3):  # robust straight line: drop profiles far from the fit, refit
        slope, intercept = np.polyfit(tt[keep], crossing[keep], 1)
        resid = crossing - (slope * tt + intercept)
        mad = max(1.4826 * float(np.median(np.abs(resid[keep]))), 0.5)
        keep = np.abs(resid) <= 3 * mad
        if keep.sum() < 4:
            return distance, 0.0, 0.0
    # Crossing grows outwards along the edge direction ``along``: that turns the edge by
    # atan(slope) about the normal; express it as a clockwise tilt of the rectangle.
    tilt = math.atan(slope)
    sign = 1.0 if normal[0] * along[1] - normal[1] * along[0] > 0 else -1.0
    return distance + intercept, -sign * tilt, float(keep.sum())


def _crossing(profiles: np.ndarray, level: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Outermost position where each profile (inside → outside) is still at ``level``."""
    above = profiles >= level[:, None]
    idx = s.size - 1 - np.argmax(above[:, ::-1], axis=1)
    idx = np.clip(idx, 0, s.size - 2)
    rows = np.arange(profiles.shape[0])
    v0, v1 = profiles[rows, idx], profiles[rows, idx + 1]
    step = np.where(v0 - v1 == 0, 1, v0 - v1)
    return s[idx] + np.clip((v0 - level) / step, 0, 1) * (s[1] - s[0])


def _border_or(shape: tuple[int, int], centre: np.ndarray, normal: np.ndarray, distance: float) -> float:
    """An unseen edge lying beyond the detector border is put on the border."""
    rows, cols = shape
    limits = []
    if abs(normal[0]) > 1e-6:
        edge_x = -0.5 if normal[0] < 0 else cols - 0.5
        limits.append((edge_x - centre[0]) / normal[0])
    if abs(normal[1]) > 1e-6:
        edge_y = -0.5 if normal[1] < 0 else rows - 0.5
        limits.append((edge_y - centre[1]) / normal[1])
    border = min(limits)
    return min(distance, border) if distance > border - 4 else distance

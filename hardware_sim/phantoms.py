"""Procedural anatomical phantoms: path lengths (mm) of each material along every ray.

A phantom is drawn on a grid given by pixel-centre coordinates in mm relative to the detector
centre (``x`` to the right along columns, ``y`` down along rows) and returns one thickness map
per material: ``{"soft": …, "bone": …, "lung": …, "adipose": …, "glandular": …}`` (float32 mm,
shape (len(y), len(x)); absent materials are omitted). The object lies on the detector, so there
is no magnification. Shapes are built from three primitives — ellipsoids, capsules (rods with
round ends) and tubes (hollow rods, for cortical bone) — plus smooth texture for trabecular bone
and fibroglandular tissue. Every phantom is deterministic.

Names: ``chest``, ``hand``, ``knee``, ``skull``, ``pelvis``, ``breast`` (chest wall on the
left edge, nipple pointing right; mirror it for the other side).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

Maps = dict[str, np.ndarray]


class Canvas:
    """Material thickness maps on a grid; primitives add path lengths within their bounding box."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x = x.astype(np.float32)
        self.y = y.astype(np.float32)
        self.maps: Maps = {}

    def _map(self, material: str) -> np.ndarray:
        if material not in self.maps:
            self.maps[material] = np.zeros((self.y.size, self.x.size), np.float32)
        return self.maps[material]

    def _box(self, x0: float, x1: float, y0: float, y1: float):
        c0, c1 = np.searchsorted(self.x, [x0, x1])
        r0, r1 = np.searchsorted(self.y, [y0, y1])
        return slice(r0, r1), slice(c0, c1)

    def add(self, material: str, rows: slice, cols: slice, t: np.ndarray,
            replace: str | None = None) -> None:
        self._map(material)[rows, cols] += t
        if replace:  # this material takes the place of another along the same ray
            target = self._map(replace)
            target[rows, cols] = np.maximum(target[rows, cols] - t, 0)

    def ellipsoid(self, material: str, cx: float, cy: float, a: float, b: float, depth: float,
                  angle_deg: float = 0.0, replace: str | None = None, scale: float = 1.0) -> None:
        """Ellipsoid with in-plane semi-axes a, b (rotated) and full thickness ``depth``."""
        r = max(a, b)
        rows, cols = self._box(cx - r, cx + r, cy - r, cy + r)
        xx = self.x[cols][None, :] - cx
        yy = self.y[rows][:, None] - cy
        th = np.deg2rad(angle_deg)
        u = (xx * np.cos(th) + yy * np.sin(th)) / a
        v = (-xx * np.sin(th) + yy * np.cos(th)) / b
        t = depth * scale * np.sqrt(np.clip(1 - u * u - v * v, 0, None))
        self.add(material, rows, cols, t.astype(np.float32), replace)

    def capsule(self, material: str, p0: tuple[float, float], p1: tuple[float, float],
                radius: float, replace: str | None = None, scale: float = 1.0) -> None:
        """Cylinder of ``radius`` along p0→p1 with hemispherical ends (chord length through it)."""
        (x0, y0), (x1, y1) = p0, p1
        rows, cols = self._box(min(x0, x1) - radius, max(x0, x1) + radius,
                               min(y0, y1) - radius, max(y0, y1) + radius)
        xx = self.x[cols][None, :]
        yy = self.y[rows][:, None]
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy or 1e-9
        s = np.clip(((xx - x0) * dx + (yy - y0) * dy) / length2, 0, 1)
        d2 = (xx - x0 - s * dx) ** 2 + (yy - y0 - s * dy) ** 2
        t = 2 * scale * np.sqrt(np.clip(radius * radius - d2, 0, None))
        self.add(material, rows, cols, t.astype(np.float32), replace)

    def tube(self, p0, p1, radius: float, wall: float, marrow: float = 0.35) -> None:
        """A long bone: cortical shell of ``wall`` mm and a marrow cavity of partial density."""
        self.capsule("bone", p0, p1, radius, replace="soft")
        self.capsule("bone", p0, p1, radius - wall, scale=-(1 - marrow))
        self.capsule("soft", p0, p1, radius - wall, scale=1 - marrow)

    def polyline(self, material: str, points: list[tuple[float, float]], radius: float,
                 replace: str | None = None) -> None:
        for p0, p1 in zip(points, points[1:]):
            self.capsule(material, p0, p1, radius, replace)

    def texture(self, material: str, strength: float, scale_mm: float, seed: int) -> None:
        """Smooth random modulation (1 + strength·noise) of ``material``'s thickness."""
        rng = np.random.default_rng(seed)
        pitch = float(self.x[1] - self.x[0]) if self.x.size > 1 else 1.0
        step = max(1, int(scale_mm / pitch / 2))
        small = rng.normal(0, 1, (self.y.size // step + 2, self.x.size // step + 2))
        small = ndimage.gaussian_filter(small, 1.0)
        field = ndimage.zoom(small, step, order=1)[: self.y.size, : self.x.size]
        field = field / max(float(field.std()), 1e-9)
        self._map(material)[...] *= np.clip(1 + strength * field, 0.2, None).astype(np.float32)

def chest(c: Canvas) -> None:
    c.ellipsoid("soft", 0, 10, 175, 230, 230)  # thorax, 23 cm AP
    for side in (-1, 1):
        c.ellipsoid("lung", side * 78, -20, 68, 150, 190, angle_deg=side * 4, replace="soft")
    c.ellipsoid("soft", 22, 70, 70, 80, 110, replace="lung")  # heart
    c.capsule("bone", (0, -230), (0, 230), 16, replace="soft", scale=0.6)  # thoracic spine
    for k in range(10):
        y = -150 + 28 * k
        for side in (-1, 1):
            pts = [(side * 12, y), (side * 70, y - 18), (side * 135, y + 10), (side * 150, y + 45)]
            c.polyline("bone", pts, 4.5, replace="soft")
    for side in (-1, 1):
        c.capsule("bone", (side * 25, -165), (side * 150, -185), 7, replace="soft")  # clavicles
        c.ellipsoid("bone", side * 160, -170, 30, 55, 14, replace="soft")  # scapulae


def hand(c: Canvas) -> None:
    c.capsule("soft", (0, 150), (0, 20), 38)  # wrist and forearm
    c.ellipsoid("soft", 0, 10, 55, 60, 30)  # palm
    for i, side in enumerate((-1, 1)):
        c.tube((side * 14, 200), (side * 12, 40), 9 - 2 * i, 2.2)  # radius and ulna
    finger_x = (-42, -16, 6, 28)
    for i, fx in enumerate(finger_x):
        length = (68, 80, 84, 76)[i]
        c.capsule("soft", (fx * 0.8, -20), (fx * 1.15, -20 - length), 9)
        c.tube((fx * 0.6, 40), (fx * 0.8, -20), 4.5, 1.4)  # metacarpal
        y0, x0 = -22.0, fx * 0.8
        for seg in (0.45, 0.3, 0.22):  # phalanges with joint gaps
            y1 = y0 - length * seg
            x1 = x0 + (fx * 1.15 - fx * 0.8) * seg
            c.tube((x0, y0 - 2), (x1, y1 + 2), 4.0 - seg * 3, 1.2)
            y0, x0 = y1 - 1.5, x1
    c.capsule("soft", (45, 30), (85, -25), 11)  # thumb
    c.tube((35, 35), (60, 5), 5, 1.5)
    c.tube((63, 1), (80, -22), 4, 1.2)
    for k in range(8):  # carpal bones
        c.ellipsoid("bone", -25 + 16 * (k % 4), 55 + 14 * (k // 4), 7, 6, 10, replace="soft")


def knee(c: Canvas) -> None:
    c.capsule("soft", (0, -200), (0, 200), 60)
    c.tube((-5, -210), (0, -15), 16, 4)  # femur shaft
    c.ellipsoid("bone", 0, 0, 38, 30, 70, replace="soft", scale=0.55)  # condyles
    c.ellipsoid("bone", 45, -20, 14, 22, 22, replace="soft")  # patella
    c.ellipsoid("bone", -2, 42, 36, 16, 70, replace="soft", scale=0.5)  # tibial plateau
    c.tube((-2, 50), (-5, 220), 15, 4)  # tibia
    c.tube((-35, 60), (-40, 220), 7, 2.5)  # fibula
    c.texture("bone", 0.15, 3.0, seed=7)


def skull(c: Canvas) -> None:
    c.ellipsoid("soft", 0, 0, 75, 100, 150)
    c.ellipsoid("bone", 0, -5, 72, 97, 148, replace="soft", scale=1.0)  # outer table
    c.ellipsoid("bone", 0, -5, 66, 91, 138, scale=-1.0)  # inner table: shell remains
    c.ellipsoid("soft", 0, -5, 66, 91, 138)
    for side in (-1, 1):
        c.ellipsoid("bone", side * 30, 10, 16, 14, 30, scale=-0.4)  # orbits (thin bone)
        c.ellipsoid("bone", side * 45, 60, 14, 20, 40, replace="soft", scale=0.5)  # petrous
    c.ellipsoid("bone", 0, 80, 50, 22, 40, replace="soft", scale=0.5)  # maxilla / mandible
    c.ellipsoid("lung", 0, 35, 10, 12, 30, replace="soft")  # nasal cavity (air)


def pelvis(c: Canvas) -> None:
    c.ellipsoid("soft", 0, 0, 190, 200, 220)
    for side in (-1, 1):
        c.ellipsoid("bone", side * 95, -60, 75, 60, 12, angle_deg=side * 25, replace="soft")
        c.ellipsoid("bone", side * 100, 55, 24, 24, 48, replace="soft")  # femoral heads
        c.tube((side * 105, 60), (side * 125, 220), 16, 4.5)  # femoral necks and shafts
        c.ellipsoid("bone", side * 55, 105, 40, 22, 10, replace="soft")  # pubic rami
    c.ellipsoid("bone", 0, -20, 45, 55, 40, replace="soft", scale=0.6)  # sacrum
    c.capsule("bone", (0, -230), (0, -90), 22, replace="soft")  # lumbar spine
    c.texture("bone", 0.12, 4.0, seed=11)


# The simulated paddle compresses the breast phantom to this thickness with this force.
COMPRESSED_BREAST_MM = 50.0
COMPRESSION_FORCE_N = 110.0


def breast(c: Canvas) -> None:
    chest_wall = float(c.x[0])
    # Compressed breast, rounded margin; a half-ellipsoid from the chest wall.
    c.ellipsoid("adipose", chest_wall, 0, 130, 115, 160, scale=0.5)
    t = c.maps["adipose"]
    np.minimum(t, COMPRESSED_BREAST_MM, out=t)
    glandular = np.zeros_like(t)
    c.maps["glandular"] = glandular
    c.ellipsoid("glandular", chest_wall + 20, 0, 80, 80, 60, scale=0.5)
    c.texture("glandular", 0.9, 6.0, seed=5)
    np.minimum(c.maps["glandular"], t, out=c.maps["glandular"])
    c.maps["adipose"] = t - c.maps["glandular"]
    c.ellipsoid("glandular", chest_wall + 70, -20, 7, 7, 14, replace="adipose")  # a mass
    rng = np.random.default_rng(3)
    for _ in range(12):  # a cluster of microcalcifications (bone-like, 0.2–0.4 mm)
        px, py = chest_wall + 55 + rng.normal(0, 3), 25 + rng.normal(0, 3)
        c.ellipsoid("bone", px, py, 0.35, 0.35, 0.4)


PHANTOMS: dict[str, Callable[[Canvas], None]] = {
    "chest": chest, "hand": hand, "knee": knee, "skull": skull, "pelvis": pelvis, "breast": breast,
}


def draw(name: str, x_mm: np.ndarray, y_mm: np.ndarray, mirror: bool = False) -> Maps:
    """Material thickness maps (mm) of phantom ``name`` on the grid ``x_mm`` × ``y_mm``."""
    try:
        painter = PHANTOMS[name]
    except KeyError:
        raise ValueError(f"unknown phantom '{name}' (known: {', '.join(PHANTOMS)})") from None
    canvas = Canvas(-x_mm[::-1] if mirror else x_mm, y_mm)
    painter(canvas)
    maps = {k: np.clip(v, 0, None) for k, v in canvas.maps.items()}
    if mirror:
        maps = {k: np.ascontiguousarray(v[:, ::-1]) for k, v in maps.items()}
    return maps

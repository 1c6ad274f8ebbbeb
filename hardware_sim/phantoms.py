"""Procedural anatomical phantoms: path lengths (mm) of each material along every ray.

A phantom is drawn on a grid given by pixel-centre coordinates in mm relative to the detector
centre (``x`` to the right along columns, ``y`` down along rows) and returns one thickness map
per material: ``{"soft": …, "bone": …, "lung": …, "gas": …, "adipose": …, "glandular": …}``
(float32 mm, shape (len(y), len(x)); absent materials are omitted). The object lies on the
detector, so there is no magnification. Shapes are built from three primitives — ellipsoids,
capsules (rods with round ends) and tubes (hollow rods, for cortical bone) — plus smooth texture
for trabecular bone and fibroglandular tissue. Every phantom is deterministic.

Names (one per anatomical region and projection the protocol library needs, see
:data:`PHANTOMS`): trunk — ``chest``, ``chest_lateral``, ``chest_child``,
``chest_lateral_child``, ``abdomen``, ``abdomen_lateral``, ``abdomen_child``, ``pelvis``,
``hip``; head and neck — ``skull``, ``skull_lateral``, ``neck``, ``neck_lateral``; upper limb —
``shoulder``, ``clavicle``, ``upper_arm``, ``elbow``, ``forearm``, ``wrist``, ``hand``,
``finger``, ``thumb``; lower limb — ``thigh``, ``knee``, ``knee_skyline``, ``lower_leg``,
``ankle``, ``ankle_lateral``, ``foot``, ``foot_lateral``, ``heel``, ``toes``; and
``breast`` (chest wall on the left edge, nipple pointing right; mirror it for the other side);
long-length fields of ``spine_full`` and ``legs_long`` (with an optional lead ruler), named by
:func:`long_field`.
Sizes are those of a medium adult (chest 23 cm front to back, abdomen 22 cm, neck 12 cm, knee
12 cm, wrist 6 cm, breast compressed to 5 cm); the paediatric ones of a child of about five.
Some views reuse a region's phantom moved on the detector (``shifted``: the part under the
central ray, as the radiographer positions it) or drawn smaller (``scaled``). Materials: soft
tissue, bone, lung, gas (bowel, airway, sinuses), adipose and glandular tissue.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vxacq.imaging.filters import gaussian_filter, resize_linear

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

    def slab(self, material: str, x0: float, x1: float, y0: float, y1: float,
             thickness: float) -> None:
        """A rectangular plate of ``thickness`` mm over [x0, x1) × [y0, y1), the edges weighted by
        the part of each pixel they cover (so a 1 mm mark keeps its place on a 1.1 mm grid)."""
        def cover(centres: np.ndarray, lo: float, hi: float) -> np.ndarray:
            pitch = float(centres[1] - centres[0]) if centres.size > 1 else 1.0
            left, right = centres - pitch / 2, centres + pitch / 2
            return np.clip((np.minimum(right, hi) - np.maximum(left, lo)) / pitch, 0, 1)
        wx, wy = cover(self.x, x0, x1), cover(self.y, y0, y1)
        cols, rows = np.flatnonzero(wx), np.flatnonzero(wy)
        if cols.size and rows.size:
            box = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
            t = np.float32(thickness) * np.outer(wy[box[0]], wx[box[1]]).astype(np.float32)
            self.add(material, box[0], box[1], t)

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
        small = gaussian_filter(small, 1.0)
        grown = (small.shape[0] * step, small.shape[1] * step)
        field = resize_linear(small, grown, corners=True)[: self.y.size, : self.x.size]
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
        c.ellipsoid("bone", side * 100, 55, 24, 24, 48, replace="soft", scale=0.45)  # femoral
        # heads: trabecular bone, about half the density of cortex
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


def _merge(c: Canvas, inner: Canvas, scale: float) -> None:
    for material, t in inner.maps.items():
        c._map(material)[...] += t * np.float32(scale)


def shifted(painter: Callable[[Canvas], None], dx: float, dy: float) -> Callable[[Canvas], None]:
    """``painter``'s phantom moved so that its point (dx, dy) lies at the detector centre."""
    def paint(c: Canvas) -> None:
        inner = Canvas(c.x + dx, c.y + dy)
        painter(inner)
        _merge(c, inner, 1.0)
    return paint


def scaled(painter: Callable[[Canvas], None], s: float) -> Callable[[Canvas], None]:
    """``painter``'s phantom with every length (in plane and through it) times ``s``."""
    def paint(c: Canvas) -> None:
        inner = Canvas(c.x / s, c.y / s)
        painter(inner)
        _merge(c, inner, s)
    return paint


def chest_lateral(c: Canvas) -> None:
    """Thorax from the side: 25 cm front to back (x, anterior to the right), 32 cm wide."""
    c.ellipsoid("soft", 0, 10, 125, 230, 320)
    c.ellipsoid("lung", -5, -20, 100, 150, 240, replace="soft")  # both lungs superimposed
    c.ellipsoid("soft", 40, 70, 65, 75, 120, replace="lung")  # heart
    for k in range(11):  # vertebral bodies and their posterior elements
        y = -150 + 28 * k
        c.ellipsoid("bone", -80, y, 17, 11, 35, replace="soft")
        c.capsule("bone", (-97, y), (-118, y + 12), 5, replace="soft")
    c.capsule("bone", (112, -150), (118, 80), 7, replace="soft", scale=0.5)  # sternum
    c.ellipsoid("bone", -75, -110, 35, 80, 24, replace="soft")  # scapulae superimposed
    c.texture("bone", 0.1, 4.0, seed=13)


def abdomen(c: Canvas) -> None:
    """Abdomen AP: 22 cm front to back, 34 cm wide; lumbar spine, iliac crests, bowel gas."""
    c.ellipsoid("soft", 0, 0, 170, 600, 220)
    for k in range(6):  # L1–L5 and the lowest thoracic vertebra
        y = -200 + 42 * k
        c.ellipsoid("bone", 0, y, 26, 17, 40, replace="soft", scale=0.35)  # trabecular body
        for side in (-1, 1):  # pedicles and transverse processes
            c.capsule("bone", (side * 12, y - 6), (side * 45, y - 2), 4, replace="soft")
    c.capsule("bone", (0, -230), (0, 60), 8, replace="soft", scale=0.5)  # spinous processes
    for side in (-1, 1):
        c.ellipsoid("bone", side * 100, 175, 80, 55, 14, angle_deg=side * 25, replace="soft")
        c.polyline("bone", [(side * 10, -215), (side * 90, -215), (side * 150, -185)], 4.5,
                   replace="soft")  # lowest ribs
    rng = np.random.default_rng(17)
    for _ in range(14):  # gas in the bowel
        gx, gy = rng.uniform(-130, 130), rng.uniform(-120, 200)
        c.ellipsoid("gas", gx, gy, rng.uniform(12, 30), rng.uniform(10, 22), 35, replace="soft")
    c.texture("bone", 0.12, 4.0, seed=19)


def abdomen_lateral(c: Canvas) -> None:
    """Lumbar spine lateral: 24 cm front to back (x, anterior to the right), 30 cm wide."""
    c.ellipsoid("soft", 0, 0, 120, 600, 300)
    for k in range(6):
        y = -200 + 42 * k
        c.ellipsoid("bone", -30, y, 22, 17, 45, replace="soft", scale=0.35)  # vertebral bodies
        c.capsule("bone", (-55, y - 4), (-95, y + 8), 7, replace="soft")  # spinous processes
    for side in (-1, 1):  # iliac wings superimposed over the lower spine
        c.ellipsoid("bone", -20 + side * 10, 190, 90, 60, 14, replace="soft")
    rng = np.random.default_rng(23)
    for _ in range(8):
        gx, gy = rng.uniform(10, 110), rng.uniform(-120, 200)
        c.ellipsoid("gas", gx, gy, rng.uniform(12, 25), rng.uniform(10, 20), 40, replace="soft")
    c.texture("bone", 0.12, 4.0, seed=29)


def skull_lateral(c: Canvas) -> None:
    """Head from the side: 19 cm front to back (x, face to the right), 15 cm wide."""
    c.ellipsoid("soft", 0, 0, 95, 100, 150)
    c.ellipsoid("bone", -5, -10, 92, 92, 148, replace="soft")  # outer table
    c.ellipsoid("bone", -5, -10, 86, 86, 138, scale=-1.0)  # inner table: shell remains
    c.ellipsoid("soft", -5, -10, 86, 86, 138)
    c.ellipsoid("bone", 0, 40, 28, 18, 60, replace="soft", scale=0.4)  # petrous ridges, sella
    c.ellipsoid("bone", 70, 55, 30, 35, 60, replace="soft", scale=0.3)  # facial bones
    c.ellipsoid("gas", 72, 45, 18, 16, 60, replace="soft")  # maxillary sinuses
    c.capsule("bone", (10, 95), (85, 110), 9, replace="soft")  # mandible


def neck(c: Canvas) -> None:
    """Neck AP with the cervical spine: 12 cm thick; skull base above, shoulders below."""
    c.capsule("soft", (0, -150), (0, 150), 60)
    c.ellipsoid("soft", 0, 230, 215, 90, 200)  # shoulders and upper thorax
    c.ellipsoid("soft", 0, -215, 80, 70, 150)  # skull base and mandible
    c.ellipsoid("bone", 0, -165, 55, 25, 60, replace="soft", scale=0.5)
    for k in range(7):  # C1–C7
        y = -120 + 34 * k
        c.ellipsoid("bone", 0, y, 19, 11, 18, replace="soft")
        for side in (-1, 1):  # lateral masses and articular pillars
            c.ellipsoid("bone", side * 20, y - 4, 8, 12, 14, replace="soft")
    c.capsule("gas", (0, -110), (0, 200), 7, replace="soft")  # trachea
    for side in (-1, 1):
        c.capsule("bone", (side * 25, 170), (side * 150, 150), 7, replace="soft")  # clavicles
    c.texture("bone", 0.12, 3.0, seed=31)


def neck_lateral(c: Canvas) -> None:
    """Neck lateral: 13 cm wide; the shoulders overlap C7 below (x: anterior to the right)."""
    c.capsule("soft", (0, -150), (0, 150), 60)
    c.ellipsoid("soft", -20, 240, 120, 90, 380)  # shoulders superimposed
    c.ellipsoid("soft", 20, -215, 90, 70, 150)  # skull base and mandible
    c.ellipsoid("bone", 30, -165, 60, 25, 70, replace="soft", scale=0.4)
    for k in range(7):
        y = -120 + 34 * k
        c.ellipsoid("bone", 10, y, 10, 12, 20, replace="soft")  # bodies
        c.capsule("bone", (-8, y), (-35 - 2 * k, y + 8), 5, replace="soft")  # laminae, spinous
        c.ellipsoid("bone", -5, y - 3, 9, 11, 40, replace="soft", scale=0.5)  # pillars
    c.capsule("gas", (35, -110), (30, 200), 7, replace="soft")  # airway
    c.texture("bone", 0.12, 3.0, seed=37)


def shoulder(c: Canvas) -> None:
    """Shoulder AP: humeral head at the centre, lung and ribs medially (x: lateral to the right)."""
    c.ellipsoid("soft", -60, 40, 200, 260, 150)
    c.capsule("soft", (60, 170), (70, 300), 45)  # upper arm below the shoulder
    c.ellipsoid("lung", -150, 60, 90, 200, 110, replace="soft")
    for k in range(7):
        y = -60 + 40 * k
        c.polyline("bone", [(-210, y), (-120, y - 10), (-60, y + 20)], 4.5, replace="soft")
    c.ellipsoid("bone", -40, 40, 45, 90, 14, angle_deg=10, replace="soft")  # scapula
    c.ellipsoid("bone", -10, 0, 12, 25, 30, replace="soft", scale=0.6)  # glenoid
    c.capsule("bone", (-40, -50), (40, -55), 9, replace="soft", scale=0.7)  # acromion
    c.capsule("bone", (-215, -70), (-20, -60), 8, replace="soft")  # clavicle
    c.ellipsoid("bone", 25, 5, 27, 27, 50, replace="soft", scale=0.6)  # humeral head
    c.tube((35, 25), (60, 230), 13, 4)  # humerus
    c.texture("bone", 0.12, 3.0, seed=41)


def long_limb(radius: float, bones: list[tuple[float, float, float]]) -> Callable[[Canvas], None]:
    """A limb segment along the detector: soft tissue of ``radius`` around long bones given as
    (x offset, radius, wall) running the detector's height."""
    def paint(c: Canvas) -> None:
        c.capsule("soft", (0, -260), (0, 260), radius)
        for x, r, wall in bones:
            c.tube((x, -240), (x + 3, 240), r, wall)
        c.texture("bone", 0.08, 3.0, seed=43)
    return paint


def elbow(c: Canvas) -> None:
    """Elbow AP: distal humerus above, radius and ulna below (7–8 cm of soft tissue)."""
    c.capsule("soft", (0, -260), (0, -10), 42)
    c.capsule("soft", (0, -10), (0, 260), 38)
    c.tube((0, -240), (0, -30), 12, 4)  # humerus
    c.ellipsoid("bone", 0, -12, 32, 14, 30, replace="soft", scale=0.6)  # condyles
    c.tube((-16, 8), (-20, 240), 8, 2.5)  # radius
    c.tube((12, -8), (14, 240), 8, 2.5)  # ulna with the olecranon
    c.ellipsoid("bone", 10, -22, 10, 14, 24, replace="soft", scale=0.5)
    c.texture("bone", 0.1, 3.0, seed=47)


def ankle(c: Canvas) -> None:
    """Ankle AP: distal tibia and fibula, talus; the heel superimposed below."""
    c.capsule("soft", (0, -260), (0, 10), 38)
    c.ellipsoid("soft", 0, 50, 45, 40, 90)
    c.tube((-5, -240), (-2, 5), 14, 3.5)  # tibia
    c.ellipsoid("bone", -12, 8, 24, 10, 40, replace="soft", scale=0.5)  # plafond, malleolus
    c.tube((30, -240), (34, 25), 7, 2.5)  # fibula to the lateral malleolus
    c.ellipsoid("bone", 0, 32, 24, 16, 40, replace="soft", scale=0.6)  # talus
    c.ellipsoid("bone", 0, 70, 22, 20, 60, replace="soft", scale=0.5)  # calcaneus
    c.texture("bone", 0.1, 3.0, seed=53)


def foot(c: Canvas) -> None:
    """Foot dorsoplantar: toes up (−y), heel down; 6 cm thick at the midfoot."""
    c.ellipsoid("soft", 0, 10, 50, 125, 70)
    c.capsule("soft", (-30, -100), (30, -110), 14)  # toes
    for k in range(5):  # metatarsals and phalanges
        x = -32 + 16 * k
        c.tube((x * 0.7, -10), (x, -85), 5 - 0.4 * k, 1.5)
        c.tube((x, -90), (x * 1.05, -118), 3.5, 1.2)
    for k in range(5):  # tarsals
        c.ellipsoid("bone", -24 + 12 * k, 15 + 6 * (k % 2), 9, 12, 25, replace="soft", scale=0.6)
    c.ellipsoid("bone", 0, 55, 22, 22, 40, replace="soft", scale=0.5)  # talus
    c.ellipsoid("bone", 0, 95, 24, 28, 45, replace="soft", scale=0.5)  # calcaneus
    c.texture("bone", 0.1, 3.0, seed=59)


def foot_lateral(c: Canvas) -> None:
    """Foot lateral: heel to the left, toes to the right, the leg going up; 9 cm wide."""
    c.ellipsoid("soft", 0, 20, 125, 40, 90)
    c.capsule("soft", (-60, -260), (-55, 0), 38)
    c.tube((-60, -240), (-55, -30), 13, 3.5)  # tibia and fibula superimposed
    c.ellipsoid("bone", -50, -10, 25, 16, 40, replace="soft", scale=0.6)  # talus
    c.ellipsoid("bone", -85, 25, 38, 22, 50, replace="soft", scale=0.5)  # calcaneus
    c.ellipsoid("bone", -10, 10, 22, 15, 50, replace="soft", scale=0.5)  # navicular, cuboid
    c.capsule("bone", (10, 15), (85, 40), 9, replace="soft", scale=0.7)  # metatarsals
    c.capsule("bone", (90, 42), (118, 48), 5, replace="soft", scale=0.7)  # phalanges
    c.texture("bone", 0.1, 3.0, seed=61)


def knee_skyline(c: Canvas) -> None:
    """Patella tangential (skyline): patella over the femoral trochlea, knee flexed."""
    c.ellipsoid("soft", 0, 0, 65, 45, 70)
    c.ellipsoid("bone", 0, -18, 24, 9, 40, replace="soft", scale=0.6)  # patella
    c.ellipsoid("bone", 0, 22, 42, 16, 50, replace="soft", scale=0.5)  # trochlea, condyles
    c.texture("bone", 0.1, 3.0, seed=67)


# --- long-length phantoms ----------------------------------------------------------------
# Drawn in their own frame: y along the body (head up, negative), 0 at the middle of the
# length; a field of a long-length exam is the phantom moved so the detector centre lies at the
# stand's position (:func:`long_field`). The beam moves with the detector (tube translation), so
# the fields show the same anatomy at the same scale: no parallax between them.

SPINE_FULL_LENGTH_MM = 940.0  # skull base to the ischial tuberosities
LEGS_LONG_LENGTH_MM = 1240.0  # iliac crests to the soles


def spine_full(c: Canvas) -> None:
    """The whole spine AP of a medium adult, with a mild scoliotic curve (apex right at T8)."""
    def curve(y: float) -> float:
        return 14.0 * float(np.sin(np.pi * (y + 330) / 560)) if -330 < y < 230 else 0.0
    c.capsule("soft", (0, -470), (0, -380), 60)  # neck
    c.capsule("soft", (0, -180), (0, 330), 170, scale=0.68)  # trunk: 34 cm wide, 23 cm deep
    for side in (-1, 1):
        c.ellipsoid("lung", side * 80, -160, 68, 150, 190, replace="soft")
    y = -462.0
    for _ in range(7):  # cervical vertebrae
        c.ellipsoid("bone", 0, y, 14, 7, 18, replace="soft", scale=0.45)
        y += 18
    for k in range(12):  # thoracic vertebrae and their ribs
        x = curve(y)
        c.ellipsoid("bone", x, y, 17, 10, 28, replace="soft", scale=0.4)
        for side in (-1, 1):
            pts = [(x + side * 14, y), (x + side * 70, y - 16), (side * 140, y + 14),
                   (side * 155, y + 50)]
            c.polyline("bone", pts, 4.5, replace="soft")
        y += 27
    for _ in range(5):  # lumbar vertebrae with transverse processes
        x = curve(y)
        c.ellipsoid("bone", x, y, 25, 15, 40, replace="soft", scale=0.35)
        for side in (-1, 1):
            c.capsule("bone", (x + side * 12, y - 5), (x + side * 45, y - 2), 4, replace="soft")
        y += 40
    c.ellipsoid("bone", 0, y + 40, 45, 55, 40, replace="soft", scale=0.6)  # sacrum
    for side in (-1, 1):
        c.ellipsoid("bone", side * 95, y + 20, 75, 60, 12, angle_deg=side * 25, replace="soft")
        c.ellipsoid("bone", side * 100, y + 135, 24, 24, 48, replace="soft", scale=0.45)
    c.texture("bone", 0.1, 4.0, seed=71)


def legs_long(c: Canvas) -> None:
    """Both legs AP, standing: pelvis at the top, femurs, knees, tibiae and fibulae, ankles."""
    c.ellipsoid("soft", 0, -560, 190, 110, 220)  # lower pelvis
    for side in (-1, 1):
        hip, knee, ankle = (side * 95, -520.0), (side * 75, 0.0), (side * 80, 560.0)
        c.capsule("soft", (side * 100, -540), knee, 80)  # thigh
        c.capsule("soft", knee, (side * 80, 520), 55)  # calf
        c.ellipsoid("soft", side * 80, 585, 45, 40, 90)  # ankle
        c.ellipsoid("bone", side * 90, -540, 24, 24, 48, replace="soft", scale=0.45)
        c.tube(hip, (side * 74, -25), 14, 5)  # femur
        c.ellipsoid("bone", side * 75, -8, 38, 26, 70, replace="soft", scale=0.55)  # condyles
        c.ellipsoid("bone", side * 75, 32, 36, 14, 70, replace="soft", scale=0.5)  # plateau
        c.tube((side * 75, 45), (side * 79, ankle[1] - 10), 14, 4)  # tibia
        c.tube((side * 110, 55), (side * 112, ankle[1]), 7, 2.5)  # fibula
        c.ellipsoid("bone", side * 80, ankle[1] + 20, 24, 16, 40, replace="soft", scale=0.6)
    c.ellipsoid("bone", 0, -600, 55, 22, 10, replace="soft")  # pubic rami
    c.texture("bone", 0.1, 3.0, seed=73)


# The stitching ruler: a lead mark every RULER_STEP_MM along the body at RULER_X_MM (beside
# the patient), a longer one every fifth; the marks' true positions are RULER_STEP_MM · k.
RULER_STEP_MM = 10.0
RULER_X_MM = 185.0
RULER_MARK_MM = 2.0  # along the body
RULER_LEAD_MM = 0.3


def ruler(length_mm: float) -> Callable[[Canvas], None]:
    def paint(c: Canvas) -> None:
        half = int(length_mm / 2 / RULER_STEP_MM)
        for k in range(-half, half + 1):
            y = k * RULER_STEP_MM
            width = 20.0 if k % 5 == 0 else 10.0
            c.slab("lead", RULER_X_MM - width / 2, RULER_X_MM + width / 2,
                   y - RULER_MARK_MM / 2, y + RULER_MARK_MM / 2, RULER_LEAD_MM)
    return paint


LONG_PHANTOMS: dict[str, tuple[Callable[[Canvas], None], float]] = {
    "spine_full": (spine_full, SPINE_FULL_LENGTH_MM),
    "legs_long": (legs_long, LEGS_LONG_LENGTH_MM),
}


def long_field(name: str, stand_mm: float, with_ruler: bool = False) -> str:
    """The phantom name of one field of a long-length exam: long phantom ``name`` with the
    detector centre at ``stand_mm`` along it (and the ruler in the field)."""
    if name not in LONG_PHANTOMS:
        raise ValueError(f"unknown long phantom '{name}' (known: {', '.join(LONG_PHANTOMS)})")
    return f"{name}{'+ruler' if with_ruler else ''}@{stand_mm:g}"


def _long_painter(name: str) -> Callable[[Canvas], None] | None:
    """The painter of a long-length field name made by :func:`long_field`, else None."""
    base, at, stand = name.partition("@")
    base, _, extra = base.partition("+")
    if not at or base not in LONG_PHANTOMS or extra not in ("", "ruler"):
        return None
    try:
        offset = float(stand)
    except ValueError:
        return None
    body, length = LONG_PHANTOMS[base]

    def paint(c: Canvas) -> None:
        body(c)
        if extra:
            ruler(length)(c)
    return shifted(paint, 0.0, offset)


PHANTOMS: dict[str, Callable[[Canvas], None]] = {
    "chest": chest, "chest_lateral": chest_lateral, "chest_child": scaled(chest, 0.58),
    "chest_lateral_child": scaled(chest_lateral, 0.58),
    "abdomen": abdomen, "abdomen_lateral": abdomen_lateral,
    "abdomen_child": scaled(abdomen, 0.6),
    "pelvis": pelvis, "hip": shifted(pelvis, 75, 60),
    "skull": skull, "skull_lateral": skull_lateral, "neck": neck, "neck_lateral": neck_lateral,
    "shoulder": shoulder, "clavicle": shifted(chest, 87, -175),
    "upper_arm": long_limb(45, [(0, 12, 4)]), "elbow": elbow,
    "forearm": long_limb(35, [(-14, 8, 2.5), (13, 7, 2.5)]),
    "wrist": shifted(hand, 0, 60), "hand": hand, "finger": shifted(hand, -16, -62),
    "thumb": shifted(hand, 62, 0),
    "thigh": long_limb(75, [(0, 14, 5)]), "knee": knee, "knee_skyline": knee_skyline,
    "lower_leg": long_limb(50, [(-8, 13, 4), (35, 6, 2)]),
    "ankle": ankle, "ankle_lateral": shifted(foot_lateral, -55, -20),
    "heel": shifted(foot_lateral, -85, 25), "foot": foot, "foot_lateral": foot_lateral,
    "toes": shifted(foot, 0, -95),
    "breast": breast,
}


def draw(name: str, x_mm: np.ndarray, y_mm: np.ndarray, mirror: bool = False) -> Maps:
    """Material thickness maps (mm) of phantom ``name`` on the grid ``x_mm`` × ``y_mm``."""
    painter = PHANTOMS.get(name) or _long_painter(name)
    if painter is None:
        raise ValueError(f"unknown phantom '{name}' (known: {', '.join(PHANTOMS)}, and fields "
                         f"of {', '.join(LONG_PHANTOMS)} made by long_field)")
    canvas = Canvas(-x_mm[::-1] if mirror else x_mm, y_mm)
    painter(canvas)
    maps = {k: np.clip(v, 0, None) for k, v in canvas.maps.items()}
    if mirror:
        maps = {k: np.ascontiguousarray(v[:, ::-1]) for k, v in maps.items()}
    return maps

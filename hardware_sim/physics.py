"""Frame physics of the simulated X-ray room: from technique and anatomy to a raw detector frame.

Stable API (the image chain builds on these; all lengths in mm, kerma in µGy, signals in ADU)::

    render_frame(model, phantom, kv, mas, sid_mm, grid=True, field=None, seed=None,
                 mirror=False) -> Frame
    dark_frame(model, seed=None) -> Frame
    flat_field(model, kerma_uGy, seed=None, sid_mm=1800.0) -> Frame        # RQA5, no object, no grid
    open_kerma_uGy(model, kv, mas, sid_mm, grid) -> float   # open-beam kerma at detector centre
    mas_for_kerma(model, kv, kerma_uGy, sid_mm, grid) -> float
    chamber_kerma_per_mas(model, phantom, kv, sid_mm, grid, field=None, mirror=False) -> float
    expected_signal_adu(model, kerma_uGy) -> float           # mean ADU of good pixels, flat beam

``model`` is a :class:`~hardware_sim.detector_models.DetectorModel` or its name (``"DR4343"``
3072×3072 at 139 µm, ``"MG2430"`` 3156 columns × 3948 rows at 76 µm, and their reduced twins
``"DRTEST"`` 384×384 and ``"MGTEST"`` 240×300 covering the same areas). ``phantom`` is a
name of :data:`hardware_sim.phantoms.PHANTOMS` (``chest``, ``hand``, ``knee`` …) or ``None``
for the open beam. ``field`` is a :class:`Field` (collimated size at the detector plane,
centre offset from the detector centre, rotation in degrees); ``None`` opens the collimator
to the whole detector.

:class:`Frame` has ``pixels`` (uint16, shape (rows, columns), values ≤ 2**bits_stored − 1) and
``truth`` (:class:`Truth`): ``detector_kerma_uGy`` — the air kerma the open beam delivers at the
detector centre, on the detector surface (behind the grid when ``grid`` is on) — plus the
incident kerma before the grid, the dose-area product, the field as a polygon and bounding box in
pixel coordinates (``(column, row)`` with pixel centres at integers), and the ``offset_map``,
``gain_map`` and ``defect_map`` the frame was made with. ``truth.to_dict()`` gives everything
except the arrays, JSON-ready.

Signal model, per pixel::

    K      = K_in · profile · T · F · Tp  +  K_in · S · Ts        (µGy at the detector surface)
    ADU    = offset + gain · k_adu_per_uGy · K  + noise,  clipped to [0, full scale], rounded

``K_in`` = tube output Y(kV) [µGy/mAs at 1 m] · mAs · (1000/SID)²; ``profile`` = inverse square
and obliquity off-centre ((SID/r)³, separable approximation) times the heel effect
(1 + heel_per_rad · θ along the anode–cathode axis); ``T`` = primary transmission through the
phantom, Σ_bins w_b·exp(−Σ_m μ_m(E_b)·t_m) over three kerma-weighted energy bins of a filtered
Kramers spectrum (so attenuation depends on kV and the beam hardens); ``F`` = collimated field
with a 1 mm penumbra; ``S`` = scatter: the exiting primary times a scatter-to-primary ratio
0.05·t^1.3 (t = mass thickness, g/cm²), spread by a Gaussian of ``scatter_sigma_mm``; ``Tp``,
``Ts`` = grid transmission of primary and scatter (1, 1 without grid). At the detector centre
``profile`` = 1, so an open beam gives exactly ``K = truth.detector_kerma_uGy`` there, and the
mean signal of good pixels is ``dark_offset + k_adu_per_uGy · K`` (gain has mean 1) — the
relation to calibrate EI = 100 · K against. The conversion factor is stated for RQA5 and the
simulated panel's response per µGy does not depend on beam quality.

Noise: quantum noise with variance K / quanta_per_px_per_uGy (in µGy², Poisson; Gaussian
approximation above 20 quanta per pixel) and electronic noise ``electronic_noise_adu``. Dead
pixels, lines and clusters have gain 0 (they read the dark offset); hot pixels read near full
scale. ``seed`` makes a frame reproducible; ``None`` draws fresh noise.

A 3072×3072 frame renders in a few hundred milliseconds: transmission maps are cached per
(model, phantom, kV), static detector maps per model, scatter is computed on a 4 mm grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from typing import Any

import numpy as np

from hardware_sim import phantoms
from hardware_sim.detector_models import (
    HOT_PIXEL, DetectorModel, get_model, static_maps,
)
from vxacq.imaging.filters import gaussian_filter

# Mass attenuation coefficients μ/ρ (cm²/g), approximate values after NIST XCOM / ICRU 44.
_E = np.array([10, 15, 20, 30, 40, 50, 60, 80, 100, 150], float)
_MU = {
    "water": [5.329, 1.673, 0.8096, 0.3756, 0.2683, 0.2269, 0.2059, 0.1837, 0.1707, 0.1505],
    "bone": [28.51, 9.032, 4.001, 1.331, 0.6655, 0.4242, 0.3148, 0.2229, 0.1855, 0.1480],
    "adipose": [3.268, 1.120, 0.5881, 0.3112, 0.2421, 0.2124, 0.1966, 0.1771, 0.1651, 0.1461],
    "glandular": [5.0, 1.55, 0.76, 0.36, 0.262, 0.223, 0.203, 0.182, 0.169, 0.149],
    "aluminium": [26.23, 7.955, 3.441, 1.128, 0.5685, 0.3681, 0.2778, 0.2018, 0.1704, 0.1378],
    # K edge at 88 keV: the 100 keV value is above it.
    "lead": [130.6, 111.6, 86.36, 30.32, 14.36, 8.041, 5.021, 2.419, 5.549, 2.014],
}
_MU_EN_AIR = [4.742, 1.334, 0.5389, 0.1537, 0.06833, 0.04098, 0.03041, 0.02407, 0.02325, 0.02496]
# Phantom material → (table, density g/cm³).
MATERIALS = {
    "soft": ("water", 1.03), "lung": ("water", 0.26), "gas": ("water", 0.0012),
    "bone": ("bone", 1.92),
    "adipose": ("adipose", 0.95), "glandular": ("glandular", 1.02),
    "lead": ("lead", 11.35),  # the marks of a stitching ruler
}
# Tube: (reference kV, output at reference kV in µGy/mAs at 1 m, total filtration in mm Al).
# A mammography beam's filter (50 µm Rh or Ag) is modelled by its aluminium equivalent: the
# spectrum has no K-edge, so its HVL is that of a Kramers beam through that much aluminium.
TUBES = {"W/Al": (80.0, 55.0, 2.5), "W/Rh": (28.0, 45.0, 0.8), "W/Ag": (28.0, 40.0, 1.0)}


@dataclass(frozen=True)
class Beam:
    """What a beam is made of, as the generator reports it: anode target and filter (DICOM terms)."""

    tube: str  # key of TUBES
    AnodeTargetMaterial: str
    FilterMaterial: str
    filter_mm: float


# The mammography tube's target/filter pairs and when its automatic selection uses each: a
# tungsten anode with 50 µm rhodium up to 30 kV (thin and average breasts), 50 µm silver above
# (thick or dense breasts, for which the AEC raises the kV), as tungsten-anode units choose.
MAMMO_BEAMS = (
    (30.0, Beam("W/Rh", "TUNGSTEN", "RHODIUM", 0.050)),
    (math.inf, Beam("W/Ag", "TUNGSTEN", "SILVER", 0.050)),
)


def mammo_beam(kv: float) -> Beam:
    """The target/filter the simulated mammography generator selects at ``kv``."""
    return next(beam for up_to, beam in MAMMO_BEAMS if kv <= up_to)
SCATTER_GRID_MM = 4.0
# Scatter-to-primary ratio of a wide beam behind t g/cm² of tissue: SPR_COEFFICIENT · t^1.3.
SPR_COEFFICIENT = 0.05
PENUMBRA_MM = 1.0
RQA5_KV = 70.0


@dataclass(frozen=True)
class Field:
    """Collimated field at the detector plane: size, centre offset (x right, y down), rotation."""

    width_mm: float
    height_mm: float
    centre_mm: tuple[float, float] = (0.0, 0.0)
    rotation_deg: float = 0.0

    def __post_init__(self) -> None:
        if self.width_mm <= 0 or self.height_mm <= 0:
            raise ValueError(f"field size must be positive, got {self.width_mm}×{self.height_mm} mm")

    def corners_mm(self) -> list[tuple[float, float]]:
        th = math.radians(self.rotation_deg)
        c, s = math.cos(th), math.sin(th)
        out = []
        for u, v in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            du, dv = u * self.width_mm / 2, v * self.height_mm / 2
            out.append((self.centre_mm[0] + du * c - dv * s, self.centre_mm[1] + du * s + dv * c))
        return out


@dataclass
class Truth:
    """What the simulator used to make a frame (arrays are the panel's static maps, read-only)."""

    detector_model: str
    kind: str  # "exposure", "dark" or "flat"
    kv: float
    mas: float
    sid_mm: float
    grid: bool
    phantom: str | None
    mirror: bool
    seed: int | None
    beam_quality: str  # "RQA5" for flat fields, else the tube, e.g. "W/Al"
    detector_kerma_uGy: float  # open beam, detector centre, detector surface (behind any grid)
    incident_kerma_uGy: float  # open beam at the detector plane before the grid
    dap_Gy_cm2: float
    field: Field
    field_polygon_px: list[tuple[float, float]]  # (column, row) corners, clockwise from top-left
    field_bbox_px: tuple[int, int, int, int]  # row0, col0, row1, col1 (half-open), clipped
    k_adu_per_uGy: float
    dark_offset_adu: float
    quanta_per_px_per_uGy: float
    electronic_noise_adu: float
    scatter_fraction_centre: float  # scatter / (primary + scatter) at the detector centre
    offset_map: np.ndarray = dc_field(repr=False)
    gain_map: np.ndarray = dc_field(repr=False)
    defect_map: np.ndarray = dc_field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the arrays, as JSON-ready values."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, np.ndarray):
                continue
            if isinstance(value, Field):
                value = {"width_mm": value.width_mm, "height_mm": value.height_mm,
                         "centre_mm": list(value.centre_mm), "rotation_deg": value.rotation_deg}
            elif isinstance(value, tuple):
                value = list(value)
            elif key == "field_polygon_px":
                value = [list(p) for p in value]
            out[key] = value
        return out


@dataclass
class Frame:
    pixels: np.ndarray  # uint16 (rows, columns)
    truth: Truth


# --- beam ---------------------------------------------------------------------------------


def _mu(table: str, energies: np.ndarray) -> np.ndarray:
    return np.exp(np.interp(np.log(energies), np.log(_E), np.log(_MU[table])))


@lru_cache(maxsize=256)
def _spectrum(tube: str, kv: float) -> tuple[float, tuple[float, ...], tuple[dict, ...]]:
    """(relative kerma output, bin weights, per-bin μ (1/mm) per phantom material)."""
    _, _, filtration = TUBES[tube]
    energies = np.arange(8.0, kv, 0.5) + 0.25
    photons = (kv - energies) / energies  # Kramers
    mu_en_air = np.exp(np.interp(np.log(energies), np.log(_E), np.log(_MU_EN_AIR)))
    kerma = photons * energies * mu_en_air * np.exp(-_mu("aluminium", energies) * 2.699 * filtration / 10)
    total = float(kerma.sum())
    cumulative = np.cumsum(kerma) / total
    edges = np.searchsorted(cumulative, [1 / 3, 2 / 3])
    weights, mus = [], []
    for part in np.split(np.arange(energies.size), edges):
        w = kerma[part]
        weights.append(float(w.sum() / total))
        mus.append({m: float((w * _mu(tbl, energies[part])).sum() / w.sum()) * rho / 10
                    for m, (tbl, rho) in MATERIALS.items()})
    return total, tuple(weights), tuple(mus)


def tube_output(tube: str, kv: float) -> float:
    """Air kerma per mAs at 1 m (µGy/mAs) of ``tube`` at ``kv``."""
    ref_kv, ref_output, _ = TUBES[tube]
    return ref_output * _spectrum(tube, float(kv))[0] / _spectrum(tube, ref_kv)[0]


@lru_cache(maxsize=256)
def half_value_layer_mm_al(tube: str, kv: float) -> float:
    """First half-value layer (mm Al) of the very spectrum the frames are made with: the
    aluminium thickness that halves its air kerma, found by bisection to 0.1 µm."""
    _, _, filtration = TUBES[tube]
    energies = np.arange(8.0, kv, 0.5) + 0.25
    mu_en_air = np.exp(np.interp(np.log(energies), np.log(_E), np.log(_MU_EN_AIR)))
    mu_al = _mu("aluminium", energies) * 2.699 / 10  # 1/mm
    kerma = (kv - energies) / energies * energies * mu_en_air * np.exp(-mu_al * filtration)
    half = kerma.sum() / 2
    low, high = 0.0, 20.0
    while high - low > 1e-4:
        mid = (low + high) / 2
        low, high = (mid, high) if (kerma * np.exp(-mu_al * mid)).sum() > half else (low, mid)
    return round((low + high) / 2, 4)


def _beam(m: DetectorModel, tube: str | None) -> str:
    if tube is None:
        return m.tube
    if tube not in TUBES:
        raise ValueError(f"unknown beam {tube!r} (known: {', '.join(TUBES)})")
    return tube


def _check_technique(m: DetectorModel, kv: float, mas: float, sid_mm: float) -> None:
    low, high = (18.0, 50.0) if m.tube == "W/Rh" else (35.0, 155.0)  # set ranges plus ripple
    if not low <= kv <= high:
        raise ValueError(f"kV {kv} is outside {low:g}–{high:g} kV for a {m.tube} tube")
    if not 0 < mas <= 1000:
        raise ValueError(f"mAs {mas} must be in (0, 1000]")
    if not 300 <= sid_mm <= 4000:
        raise ValueError(f"SID {sid_mm} mm is outside 300–4000 mm")


def open_kerma_uGy(model: str | DetectorModel, kv: float, mas: float, sid_mm: float,
                   grid: bool) -> float:
    """Open-beam air kerma (µGy) at the detector centre, on the detector surface."""
    m = get_model(model)
    _check_technique(m, kv, mas, sid_mm)
    incident = tube_output(m.tube, kv) * mas * (1000.0 / sid_mm) ** 2
    return incident * (m.grid_primary_transmission if grid else 1.0)


def mas_for_kerma(model: str | DetectorModel, kv: float, kerma_uGy: float, sid_mm: float,
                  grid: bool) -> float:
    """mAs that gives ``kerma_uGy`` of open beam at the detector centre."""
    return kerma_uGy / open_kerma_uGy(model, kv, 1.0, sid_mm, grid)


def expected_signal_adu(model: str | DetectorModel, kerma_uGy: float) -> float:
    """Mean raw signal of good pixels under a flat beam of ``kerma_uGy`` (before clipping)."""
    m = get_model(model)
    return m.dark_offset_adu + m.k_adu_per_uGy * kerma_uGy


# --- geometry -----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _axes(m: DetectorModel, step_mm: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates (x along columns, y along rows) in mm from the centre."""
    if step_mm is None:
        p = m.pixel_pitch_mm
        return ((np.arange(m.columns) - (m.columns - 1) / 2) * p,
                (np.arange(m.rows) - (m.rows - 1) / 2) * p)
    nx, ny = math.ceil(m.width_mm / step_mm), math.ceil(m.height_mm / step_mm)
    return ((np.arange(nx) - (nx - 1) / 2) * m.width_mm / nx,
            (np.arange(ny) - (ny - 1) / 2) * m.height_mm / ny)


def _profile(m: DetectorModel, x: np.ndarray, y: np.ndarray, sid: float, heel: bool):
    """Inverse square + obliquity ((SID/r)³, separable) and heel effect, as (row, column) vectors."""
    px = (1 + (x / sid) ** 2) ** -1.5
    py = (1 + (y / sid) ** 2) ** -1.5
    if heel:
        if m.heel_axis == "rows":  # anode at the top: less intensity at small y
            py = py * np.clip(1 + m.heel_per_rad * np.arctan(y / sid), 0.3, None)
        else:  # cathode at the chest wall (left edge)
            px = px * np.clip(1 - m.heel_per_rad * np.arctan(x / sid), 0.3, None)
    return py.astype(np.float32)[:, None], px.astype(np.float32)[None, :]


def _field_mask(x: np.ndarray, y: np.ndarray, f: Field, penumbra: float) -> np.ndarray:
    def edge(d: np.ndarray, half: float) -> np.ndarray:
        return np.clip((half - np.abs(d)) / penumbra + 0.5, 0, 1).astype(np.float32)

    dx = (x - f.centre_mm[0]).astype(np.float32)
    dy = (y - f.centre_mm[1]).astype(np.float32)
    if f.rotation_deg % 360 == 0:
        return edge(dy, f.height_mm / 2)[:, None] * edge(dx, f.width_mm / 2)[None, :]
    th = math.radians(f.rotation_deg)
    c, s = np.float32(math.cos(th)), np.float32(math.sin(th))
    u = dx[None, :] * c + dy[:, None] * s
    v = -dx[None, :] * s + dy[:, None] * c
    return edge(u, f.width_mm / 2) * edge(v, f.height_mm / 2)


def _field_px(m: DetectorModel, f: Field):
    p = m.pixel_pitch_mm
    poly = [(x / p + (m.columns - 1) / 2, y / p + (m.rows - 1) / 2) for x, y in f.corners_mm()]
    cols = [c for c, _ in poly]
    rows = [r for _, r in poly]
    bbox = (max(0, math.floor(min(rows) + 0.5)), max(0, math.floor(min(cols) + 0.5)),
            min(m.rows, math.floor(max(rows) + 0.5) + 1),
            min(m.columns, math.floor(max(cols) + 0.5) + 1))
    return poly, bbox


@lru_cache(maxsize=4)
def _upsampler(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation from a coarse to a fine grid of equal extent: for each fine sample,
    its two coarse neighbours and the weight of the second."""
    u = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    i0 = np.clip(np.floor(u).astype(int), 0, n_in - 1)
    i1 = np.clip(i0 + 1, 0, n_in - 1)
    return i0, i1, np.clip(u - i0, 0, 1).astype(np.float32)


def _upsample(coarse: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """``coarse`` interpolated to rows × columns, one axis after the other: two weighted
    gathers per axis, not a product with the dense interpolation matrices (which needs BLAS to
    be fast; the bundle's numpy has none)."""
    i0, i1, w = _upsampler(rows, coarse.shape[0])
    tall = coarse[i0] * (1 - w)[:, None] + coarse[i1] * w[:, None]
    i0, i1, w = _upsampler(columns, coarse.shape[1])
    return tall[:, i0] * (1 - w) + tall[:, i1] * w


# --- phantom transmission -------------------------------------------------------------------


@lru_cache(maxsize=3)
def _thickness(m: DetectorModel, phantom: str, mirror: bool, coarse: bool) -> dict:
    x, y = _axes(m, SCATTER_GRID_MM if coarse else None)
    maps = phantoms.draw(phantom, x, y, mirror=mirror)
    for arr in maps.values():
        arr.setflags(write=False)
    return maps


def prepare(model: str | DetectorModel, phantom: str, mirror: bool = False) -> None:
    """Draw ``phantom`` on the panel's grids ahead of its exposure: a long-length field is a
    new drawing each time (1–2 s on a 3072² panel) that would otherwise lengthen the readout."""
    m = get_model(model)
    _thickness(m, phantom, mirror, True)
    _thickness(m, phantom, mirror, False)


@lru_cache(maxsize=2)
def _transmission(m: DetectorModel, phantom: str, mirror: bool, kv: float, coarse: bool,
                  tube: str):
    """(primary transmission, mass thickness in g/cm²) of the phantom at ``kv``."""
    maps = _thickness(m, phantom, mirror, coarse)
    _, weights, mus = _spectrum(tube, kv)
    t = np.zeros(next(iter(maps.values())).shape, np.float32)
    for w, mu in zip(weights, mus):
        line = np.zeros_like(t)
        for material, thick in maps.items():
            line += np.float32(mu[material]) * thick
        np.exp(-line, out=line)
        t += np.float32(w) * line
    mass = sum(thick * np.float32(MATERIALS[mat][1] / 10) for mat, thick in maps.items())
    t.setflags(write=False)
    return t, mass


# --- frames -------------------------------------------------------------------------------


def render_frame(model: str | DetectorModel, phantom: str | None, kv: float, mas: float,
                 sid_mm: float, grid: bool = True, field: Field | None = None,
                 seed: int | None = None, mirror: bool = False, heel: bool = True,
                 tube: str | None = None) -> Frame:
    """One raw exposure frame and the ground truth it was made from (see module docstring).
    ``tube``: the beam (a key of TUBES) when the generator switched filters; else the model's."""
    m = get_model(model)
    _check_technique(m, kv, mas, sid_mm)
    tube = _beam(m, tube)
    if field is None:
        field = Field(m.width_mm, m.height_mm)
    incident = tube_output(tube, kv) * mas * (1000.0 / sid_mm) ** 2
    tp, ts = (m.grid_primary_transmission, m.grid_scatter_transmission) if grid else (1.0, 1.0)

    x, y = _axes(m)
    py, px = _profile(m, x, y, sid_mm, heel)
    mask = _field_mask(x, y, field, PENUMBRA_MM)
    kerma = mask * (py * px) * np.float32(incident * tp)
    scatter_fraction = 0.0
    if phantom is not None:
        transmission, _ = _transmission(m, phantom, mirror, float(kv), False, tube)
        kerma *= transmission
        scatter = _scatter(m, phantom, mirror, float(kv), sid_mm, heel, field, tube)
        kerma += scatter * np.float32(incident * ts)
        cr, cc = m.rows // 2, m.columns // 2
        total = float(kerma[cr, cc])
        scatter_fraction = float(scatter[cr, cc]) * incident * ts / total if total > 0 else 0.0
    pixels = _detect(m, kerma, seed)
    return Frame(pixels, _truth(m, "exposure", kv, mas, sid_mm, grid, phantom, mirror, seed,
                                tube, incident, tp, field, scatter_fraction))


def _scatter_coarse(m: DetectorModel, phantom: str, mirror: bool, kv: float, sid: float,
                    heel: bool, field: Field, tube: str) -> np.ndarray:
    """Scatter kerma per unit incident kerma on the coarse (SCATTER_GRID_MM) grid."""
    xs, ys = _axes(m, SCATTER_GRID_MM)
    transmission, mass = _transmission(m, phantom, mirror, kv, True, tube)
    py, px = _profile(m, xs, ys, sid, heel)
    source = transmission * (py * px) * _field_mask(xs, ys, field, SCATTER_GRID_MM)
    source *= np.float32(SPR_COEFFICIENT) * mass ** np.float32(1.3)
    # Spread with zero beyond the edges: scatter leaves the detector area as in reality.
    return gaussian_filter(source, m.scatter_sigma_mm / SCATTER_GRID_MM,
                           edges="zero").astype(np.float32)


def _scatter(m: DetectorModel, phantom: str, mirror: bool, kv: float, sid: float, heel: bool,
             field: Field, tube: str) -> np.ndarray:
    """Scatter kerma per unit incident kerma, on the full grid (computed coarse, interpolated)."""
    spread = _scatter_coarse(m, phantom, mirror, kv, sid, heel, field, tube)
    return _upsample(spread, m.rows, m.columns)


def chamber_kerma_per_mas(model: str | DetectorModel, phantom: str | None, kv: float,
                          sid_mm: float, grid: bool, field: Field | None = None,
                          mirror: bool = False, chamber_mm: float = 60.0,
                          tube: str | None = None) -> float:
    """Mean detector kerma per mAs (µGy/mAs) over a central square of ``chamber_mm`` — what an
    AEC chamber in front of the detector centre sees; the simulator's AEC ends the exposure on it."""
    m = get_model(model)
    tube = _beam(m, tube)
    if field is None:
        field = Field(m.width_mm, m.height_mm)
    per_mas = tube_output(tube, kv) * (1000.0 / sid_mm) ** 2
    tp, ts = (m.grid_primary_transmission, m.grid_scatter_transmission) if grid else (1.0, 1.0)
    xs, ys = _axes(m, SCATTER_GRID_MM)
    inside = (np.abs(ys)[:, None] <= chamber_mm / 2) & (np.abs(xs)[None, :] <= chamber_mm / 2)
    mask = _field_mask(xs, ys, field, SCATTER_GRID_MM)
    if phantom is None:
        return per_mas * tp * float(mask[inside].mean())
    transmission, _ = _transmission(m, phantom, mirror, float(kv), True, tube)
    scatter = _scatter_coarse(m, phantom, mirror, float(kv), sid_mm, True, field, tube)
    kerma = tp * transmission * mask + ts * scatter
    return per_mas * float(kerma[inside].mean())


def _detect(m: DetectorModel, kerma: np.ndarray, seed: int | None) -> np.ndarray:
    """Turn kerma (µGy per pixel) into raw ADU: quanta, conversion, offset, noise, defects."""
    maps = static_maps(m)
    rng = np.random.default_rng(seed)
    q = np.float32(m.quanta_per_px_per_uGy)
    scale = maps.gain * np.float32(m.k_adu_per_uGy)
    np.maximum(kerma, 0, out=kerma)
    # Gaussian approximation of Poisson: variance K/q in µGy²; exact Poisson where quanta are few.
    sigma = np.sqrt(kerma / q * scale * scale + np.float32(m.electronic_noise_adu) ** 2)
    signal = maps.offset + scale * kerma
    signal += sigma * rng.standard_normal(kerma.shape, dtype=np.float32)
    few = (kerma * q < 20) & (kerma > 0)
    if few.any():
        counts = rng.poisson(kerma[few] * q).astype(np.float32)
        signal[few] = (maps.offset[few] + scale[few] * counts / q
                       + np.float32(m.electronic_noise_adu)
                       * rng.standard_normal(counts.size, dtype=np.float32))
    hot = maps.defects == HOT_PIXEL
    signal[hot] = np.float32(m.full_scale * 0.97)
    np.clip(signal, 0, m.full_scale, out=signal)
    return np.rint(signal).astype(np.uint16)


def _truth(m: DetectorModel, kind: str, kv: float, mas: float, sid: float, grid: bool,
           phantom: str | None, mirror: bool, seed: int | None, beam: str, incident: float,
           tp: float, field: Field, scatter_fraction: float) -> Truth:
    maps = static_maps(m)
    poly, bbox = _field_px(m, field)
    area_cm2 = field.width_mm * field.height_mm / 100.0
    return Truth(
        detector_model=m.name, kind=kind, kv=float(kv), mas=float(mas), sid_mm=float(sid),
        grid=grid, phantom=phantom, mirror=mirror, seed=seed, beam_quality=beam,
        detector_kerma_uGy=incident * tp, incident_kerma_uGy=incident,
        dap_Gy_cm2=incident * 1e-6 * area_cm2, field=field, field_polygon_px=poly,
        field_bbox_px=bbox, k_adu_per_uGy=m.k_adu_per_uGy, dark_offset_adu=m.dark_offset_adu,
        quanta_per_px_per_uGy=m.quanta_per_px_per_uGy,
        electronic_noise_adu=m.electronic_noise_adu, scatter_fraction_centre=scatter_fraction,
        offset_map=maps.offset, gain_map=maps.gain, defect_map=maps.defects,
    )


def dark_frame(model: str | DetectorModel, seed: int | None = None) -> Frame:
    """A frame read out with no exposure: offset pattern, electronic noise and hot pixels."""
    m = get_model(model)
    pixels = _detect(m, np.zeros((m.rows, m.columns), np.float32), seed)
    return Frame(pixels, _truth(m, "dark", 0.0, 0.0, 0.0, False, None, False, seed, "none",
                                0.0, 1.0, Field(m.width_mm, m.height_mm), 0.0))


def flat_field(model: str | DetectorModel, kerma_uGy: float, seed: int | None = None,
               sid_mm: float = 1800.0, heel: bool = True) -> Frame:
    """A flat-field frame: RQA5 beam, no object, no grid, ``kerma_uGy`` at the detector centre.

    The frame shows inverse square and heel effect as the panel would see them in the room
    (``heel=False`` gives the ideal flat beam). The stated kerma is exact at the centre.
    """
    m = get_model(model)
    if not 0 < kerma_uGy <= 10000:
        raise ValueError(f"flat-field kerma {kerma_uGy} µGy must be in (0, 10000]")
    x, y = _axes(m)
    py, px = _profile(m, x, y, sid_mm, heel)
    kerma = (py * px) * np.float32(kerma_uGy)
    pixels = _detect(m, kerma, seed)
    out = tube_output("W/Al", RQA5_KV)
    mas = kerma_uGy / (out * (1000.0 / sid_mm) ** 2)  # nominal: RQA5's 21 mm Al ignored
    return Frame(pixels, _truth(m, "flat", RQA5_KV, mas, sid_mm, False, None, False, seed,
                                "RQA5", kerma_uGy, 1.0, Field(m.width_mm, m.height_mm), 0.0))

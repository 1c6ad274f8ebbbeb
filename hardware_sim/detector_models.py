"""Detector models the simulator can emulate, and their static (per-panel) maps.

A model is plain data: geometry, bit depth, the kerma-to-signal conversion and noise figures.
The static maps a real panel has — dark offset pattern, gain non-uniformity and the defect map —
are derived deterministically from the model's serial number and cached, so every frame of one
panel shows the same fixed pattern (as a calibration needs) and two processes agree on it.

Kerma-to-signal relation (the one the image chain calibrates against)::

    ADU = offset_map + gain_map * k_adu_per_uGy * K       (then electronic noise, clip, round)

where ``K`` is the air kerma (µGy) incident on the detector surface at that pixel. ``gain_map``
has mean 1 over the panel; ``k_adu_per_uGy`` is the panel's conversion factor measured with an
RQA5 beam (IEC 61267: 70 kV, 21 mm Al added, HVL 7.1 mm Al). The simulated panel's response
per µGy is taken as independent of beam quality, so the same factor holds for every beam.

Quantum noise: a pixel receiving ``K`` µGy records ``quanta_per_uGy_mm2 * pitch² * K`` noise-
equivalent quanta (RQA5 fluence times DQE), so the noise variance in ADU is
``(gain * k_adu_per_uGy)² * K / quanta_per_px_per_uGy + electronic_noise_adu²``.

Defect codes in ``defect_map`` (uint8): 0 good, 1 dead pixel (no response), 2 hot pixel
(stuck near full scale), 3 dead line (row or column with no response), 4 cluster of dead pixels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from vxacq.imaging.filters import gaussian_filter, resize_linear

GOOD, DEAD_PIXEL, HOT_PIXEL, DEAD_LINE, CLUSTER = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class DetectorModel:
    """One flat-panel detector type (all lengths in mm, signals in ADU)."""

    name: str
    model_name: str
    manufacturer: str
    serial_number: str
    modality: str  # "DX" or "MG"
    rows: int
    columns: int
    pixel_pitch_mm: float
    bits_stored: int
    k_adu_per_uGy: float  # conversion factor at RQA5 (gain 1)
    quanta_per_uGy_mm2: float  # noise-equivalent quanta per µGy per mm²
    dark_offset_adu: float  # mean dark level
    dark_pattern_adu: float  # spread of the fixed offset pattern
    electronic_noise_adu: float  # temporal read noise (1 sigma)
    gain_spread: float  # relative 1-sigma pixel-to-pixel gain variation
    heel_per_rad: float  # relative intensity change per radian of anode-cathode angle
    heel_axis: str  # "rows" (DX: anode at the top) or "columns" (MG: cathode at chest wall)
    scatter_sigma_mm: float  # width of the scatter spread function
    grid_primary_transmission: float
    grid_scatter_transmission: float
    tube: str  # "W/Al" (general radiography) or "W/Rh" (mammography)
    wireless: bool = True
    readout_s: float = 1.2  # time from end of exposure to frame delivered

    @property
    def full_scale(self) -> int:
        return (1 << self.bits_stored) - 1

    @property
    def width_mm(self) -> float:
        return self.columns * self.pixel_pitch_mm

    @property
    def height_mm(self) -> float:
        return self.rows * self.pixel_pitch_mm

    @property
    def quanta_per_px_per_uGy(self) -> float:
        return self.quanta_per_uGy_mm2 * self.pixel_pitch_mm**2

    def reduced(self, rows: int, columns: int, name: str | None = None) -> DetectorModel:
        """The same panel area read out on a coarser matrix (fast tests; physics unchanged)."""
        pitch = self.pixel_pitch_mm * self.rows / rows
        return replace(self, name=name or f"{self.name}-{rows}x{columns}", rows=rows,
                       columns=columns, pixel_pitch_mm=pitch)


# 43×43 cm CsI panel, 139 µm, 14 bit: RQA5 fluence ≈ 29 650 quanta/mm²/µGy, DQE ≈ 0.6.
DR4343 = DetectorModel(
    name="DR4343", model_name="VXsim 4343W", manufacturer="VXacq Simulator",
    serial_number="SIM4343-0001", modality="DX", rows=3072, columns=3072,
    pixel_pitch_mm=0.139, bits_stored=14, k_adu_per_uGy=300.0, quanta_per_uGy_mm2=17800.0,
    dark_offset_adu=900.0, dark_pattern_adu=25.0, electronic_noise_adu=3.0, gain_spread=0.03,
    heel_per_rad=0.6, heel_axis="rows", scatter_sigma_mm=60.0,
    grid_primary_transmission=0.72, grid_scatter_transmission=0.12, tube="W/Al",
)

# 24×30 cm a-Se mammography panel, 76 µm, 14 bit; softer beam → more quanta per µGy.
MG2430 = DetectorModel(
    name="MG2430", model_name="VXsim 2430M", manufacturer="VXacq Simulator",
    serial_number="SIM2430-0001", modality="MG", rows=3948, columns=3156,
    pixel_pitch_mm=0.076, bits_stored=14, k_adu_per_uGy=60.0, quanta_per_uGy_mm2=45000.0,
    dark_offset_adu=600.0, dark_pattern_adu=15.0, electronic_noise_adu=2.5, gain_spread=0.02,
    heel_per_rad=0.5, heel_axis="columns", scatter_sigma_mm=20.0,
    grid_primary_transmission=0.80, grid_scatter_transmission=0.20, tube="W/Rh",
    wireless=False, readout_s=1.5,
)

# Reduced-matrix twins for tests where pixel count does not matter.
DRTEST = DR4343.reduced(384, 384, name="DRTEST")
MGTEST = MG2430.reduced(300, 240, name="MGTEST")

MODELS: dict[str, DetectorModel] = {m.name: m for m in (DR4343, MG2430, DRTEST, MGTEST)}


def get_model(model: str | DetectorModel) -> DetectorModel:
    """The model named ``model`` (or ``model`` itself); ValueError lists the known names."""
    if isinstance(model, DetectorModel):
        return model
    try:
        return MODELS[model]
    except KeyError:
        raise ValueError(
            f"unknown detector model '{model}' (known: {', '.join(MODELS)})") from None


@dataclass(frozen=True)
class StaticMaps:
    """The fixed patterns of one panel: read-only arrays of shape (rows, columns)."""

    offset: np.ndarray  # float32, ADU
    gain: np.ndarray  # float32, mean 1; 0 where a pixel does not respond
    defects: np.ndarray  # uint8 defect codes (see module docstring)


def _seed(model: DetectorModel) -> int:
    digest = hashlib.sha256(f"{model.serial_number}/{model.rows}x{model.columns}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


@lru_cache(maxsize=4)
def static_maps(model: DetectorModel) -> StaticMaps:
    """Dark offset pattern, gain map and defect map of ``model`` (deterministic, cached)."""
    rng = np.random.default_rng(_seed(model))
    rows, cols = model.rows, model.columns
    # Readout chips: columns in groups of 256 (scaled for reduced models) with their own offset
    # and gain; gate lines add a small row ramp. Smooth gain shading from the scintillator.
    group = max(1, round(cols * 256 / max(cols, 3072)))
    n_groups = -(-cols // group)
    col_offset = np.repeat(rng.normal(0, model.dark_pattern_adu, n_groups), group)[:cols]
    row_ramp = np.linspace(-0.5, 0.5, rows) * model.dark_pattern_adu
    offset = (model.dark_offset_adu + row_ramp[:, None] + col_offset[None, :]).astype(np.float32)
    offset += rng.normal(0, model.dark_pattern_adu * 0.3, (rows, cols)).astype(np.float32)

    col_gain = np.repeat(rng.normal(1.0, 0.015, n_groups), group)[:cols]
    coarse = gaussian_filter(rng.normal(0, 1, (16, 16)), 3)
    coarse *= 0.04 / max(float(np.abs(coarse).max()), 1e-9)
    shading = resize_linear(coarse, (rows, cols), corners=True)
    gain = (col_gain[None, :] * (1.0 + shading)).astype(np.float32)
    gain *= (1.0 + rng.normal(0, model.gain_spread, (rows, cols))).astype(np.float32)

    defects = np.zeros((rows, cols), np.uint8)
    n_px = max(2, int(rows * cols * 1e-4))
    idx = rng.choice(rows * cols, size=2 * n_px, replace=False)
    defects.flat[idx[:n_px]] = DEAD_PIXEL
    defects.flat[idx[n_px:]] = HOT_PIXEL
    defects[:, int(rng.integers(cols // 8, cols - cols // 8))] = DEAD_LINE
    defects[int(rng.integers(rows // 8, rows - rows // 8)), :] = DEAD_LINE
    for _ in range(3):
        size = int(rng.integers(3, 7))
        r0, c0 = int(rng.integers(0, rows - size)), int(rng.integers(0, cols - size))
        defects[r0:r0 + size, c0:c0 + size] = CLUSTER
    gain[(defects == DEAD_PIXEL) | (defects == DEAD_LINE) | (defects == CLUSTER)] = 0.0
    gain /= float(gain[defects == GOOD].mean())
    for arr in (offset, gain, defects):
        arr.setflags(write=False)
    return StaticMaps(offset=offset, gain=gain, defects=defects)

"""Dose values the dose report derives from what the generator reported.

Average Glandular Dose (mammography) follows the UK/European/IAEA protocol of Dance et al.:
D = K·g·c·s with K the incident air kerma at the breast's upper surface, g and c looked up in
HVL and compressed thickness, s by target/filter (tables in resources/mg_dose_factors.toml).

Dose (RP) "In Detector Plane" (PS3.16 TID 10003B, CID 10025 113941) is the air kerma the beam
delivers at the image receptor: the generator's dose-area product divided by the collimated
field's area in the same plane. DAP is invariant with distance from the focal spot (the inverse
square law and the field's growth cancel), so the field at the detector plane gives the kerma
there, scatter and the patient's attenuation excluded.
"""

from __future__ import annotations

import bisect
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def dose_rp_in_detector_plane(dap_Gy_cm2: float, field_mm: tuple[float, float]) -> float:
    """Air kerma (Gy) in the detector plane from the DAP (Gy·cm²) and the field there (mm × mm)."""
    width, height = field_mm
    if not all(math.isfinite(v) and v > 0 for v in (width, height)):
        raise ValueError(f"the collimated field must be positive to derive Dose (RP), got {width}×{height} mm")
    if not math.isfinite(dap_Gy_cm2) or dap_Gy_cm2 < 0:
        raise ValueError(f"the dose-area product must be zero or positive, got {dap_Gy_cm2} Gy·cm²")
    return dap_Gy_cm2 / (width * height / 100.0)


# --- mammography: average glandular dose (Dance et al.) ----------------------------------

MG_DOSE_FACTORS = Path(__file__).resolve().parents[2] / "resources" / "mg_dose_factors.toml"


class GlandularDoseError(ValueError):
    """The average glandular dose cannot be computed for this exposure (the reason says why)."""


@dataclass(frozen=True)
class GlandularDoseTables:
    """g, c and s of the UK/European/IAEA protocol (see resources/mg_dose_factors.toml)."""

    hvl_mm_al: tuple[float, ...]
    thickness_cm: tuple[float, ...]
    g: tuple[tuple[float, ...], ...]
    c: tuple[tuple[float, ...], ...]
    c_age_group: str
    s: dict[str, float]

    @classmethod
    def load(cls, path: Path = MG_DOSE_FACTORS) -> GlandularDoseTables:
        with open(path, "rb") as f:
            data = tomllib.load(f)
        hvl, thickness = tuple(data["hvl_mm_al"]), tuple(data["thickness_cm"])
        for name in ("g", "c"):
            rows = data[name]["values"]
            if len(rows) != len(thickness) or any(len(r) != len(hvl) for r in rows):
                raise ValueError(f"{path}: table {name} is not {len(thickness)} × {len(hvl)}")
        if list(hvl) != sorted(hvl) or list(thickness) != sorted(thickness):
            raise ValueError(f"{path}: HVL and thickness must be in ascending order")
        s = {k: float(v) for k, v in data["s"].items() if k != "source"}
        return cls(hvl, thickness, tuple(map(tuple, data["g"]["values"])),
                   tuple(map(tuple, data["c"]["values"])), data["c"]["age_group"], s)

    def factor(self, table: str, hvl_mm_al: float, thickness_cm: float) -> float:
        """g or c, bilinear in HVL and thickness; GlandularDoseError outside the tables."""
        rows = self.g if table == "g" else self.c
        i, a = _bracket(self.thickness_cm, thickness_cm, "compressed breast thickness", "cm")
        j, b = _bracket(self.hvl_mm_al, hvl_mm_al, "half-value layer", "mm Al")
        top = rows[i][j] * (1 - b) + rows[i][j + 1] * b
        bottom = rows[i + 1][j] * (1 - b) + rows[i + 1][j + 1] * b
        return top * (1 - a) + bottom * a

    def spectrum_factor(self, target: str, filter_material: str) -> float:
        key = f"{target.upper()}/{filter_material.upper()}"
        if key not in self.s:
            raise GlandularDoseError(
                f"no s-factor for target/filter {key} (tabulated: {', '.join(self.s)})")
        return self.s[key]


def _bracket(axis: tuple[float, ...], value: float, what: str, unit: str) -> tuple[int, float]:
    """Index of the cell holding ``value`` and the fraction across it; no extrapolation."""
    if not math.isfinite(value) or not axis[0] <= value <= axis[-1]:
        raise GlandularDoseError(
            f"{what} {value:g} {unit} is outside the tabulated {axis[0]:g}–{axis[-1]:g} {unit}: "
            "the average glandular dose is not extrapolated")
    i = min(bisect.bisect_right(axis, value) - 1, len(axis) - 2)
    return i, (value - axis[i]) / (axis[i + 1] - axis[i])


@lru_cache(maxsize=1)
def glandular_dose_tables() -> GlandularDoseTables:
    return GlandularDoseTables.load()


def entrance_air_kerma_mGy(air_kerma_1m_mGy: float, sid_mm: float, thickness_mm: float) -> float:
    """Incident air kerma at the breast's upper surface (no backscatter): the tube's air kerma at
    1 m scaled by the inverse square law to the focal-spot distance SID − compressed thickness
    (the breast lies on the breast support, whose distance from the detector is neglected)."""
    if not all(math.isfinite(v) for v in (air_kerma_1m_mGy, sid_mm, thickness_mm)) \
            or air_kerma_1m_mGy < 0 or thickness_mm <= 0 or sid_mm <= thickness_mm:
        raise GlandularDoseError(
            f"cannot place the breast surface: air kerma {air_kerma_1m_mGy} mGy at 1 m, "
            f"SID {sid_mm} mm, compressed thickness {thickness_mm} mm")
    return air_kerma_1m_mGy * (1000.0 / (sid_mm - thickness_mm)) ** 2


def average_glandular_dose_mGy(entrance_kerma_mGy: float, hvl_mm_al: float, thickness_mm: float,
                               target: str, filter_material: str,
                               tables: GlandularDoseTables | None = None) -> float:
    """D = K·g·c·s (Dance 1990, Dance et al. 2000 and 2009) for a breast of the typical
    glandularity of women aged 50 to 64; GlandularDoseError names what is out of the tables."""
    t = tables or glandular_dose_tables()
    s = t.spectrum_factor(target, filter_material)
    thickness_cm = thickness_mm / 10.0
    g = t.factor("g", hvl_mm_al, thickness_cm)
    c = t.factor("c", hvl_mm_al, thickness_cm)
    return entrance_kerma_mGy * g * c * s

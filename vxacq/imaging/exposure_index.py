"""Exposure Index and Deviation Index after IEC 62494-1.

EI = 100 × K_VOI, where K_VOI (µGy) is the value of interest of the relevant image region —
here the median of the anatomy region's kerma (collimated border and raw beam excluded) — read
through the RQA5 calibration, so that a uniform RQA5 exposure of K µGy gives EI = 100 K.
DI = 10 · log10(EI / EI_T): 0 on target, +1 is 26 % too much dose, +3 twice the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vxacq.imaging.segmentation import Regions


@dataclass(frozen=True)
class ExposureIndex:
    ei: float
    ei_target: float | None
    di: float | None
    band: str  # "ok", "warning", "alarm" or "none" (no target)
    value_of_interest_uGy: float
    region: str  # "anatomy", or "field" when no anatomy was found (open-beam exposure)

    def to_dict(self) -> dict:
        return {"ei": self.ei, "ei_t": self.ei_target, "di": self.di, "di_band": self.band,
                "voi_uGy": self.value_of_interest_uGy, "ei_region": self.region}


def deviation_index(ei: float, ei_target: float | None) -> float | None:
    if ei_target is None or ei_target <= 0 or ei <= 0:
        return None
    return 10.0 * math.log10(ei / ei_target)


def di_band(di: float | None, warning: float, alarm: float) -> str:
    """Which band ``di`` falls in: |DI| ≤ warning ok, ≤ alarm warning, beyond alarm."""
    if di is None:
        return "none"
    if abs(di) > alarm:
        return "alarm"
    if abs(di) > warning:
        return "warning"
    return "ok"


def exposure_index(small_kerma: np.ndarray, regions: Regions, ei_target: float | None,
                   warning: float = 1.0, alarm: float = 3.0) -> ExposureIndex:
    """EI, DI and band from the block-mean kerma image and its regions."""
    if regions.has_anatomy:
        values, region = small_kerma[regions.anatomy], "anatomy"
    else:
        values, region = small_kerma[regions.field], "field"
    voi = max(float(np.median(values)), 0.0) if values.size else 0.0
    ei = 100.0 * voi
    di = deviation_index(ei, ei_target)
    return ExposureIndex(round(ei, 1), ei_target, None if di is None else round(di, 2),
                         di_band(di, warning, alarm), voi, region)

"""Dose values the dose report derives from what the generator reported.

Dose (RP) "In Detector Plane" (PS3.16 TID 10003B, CID 10025 113941) is the air kerma the beam
delivers at the image receptor: the generator's dose-area product divided by the collimated
field's area in the same plane. DAP is invariant with distance from the focal spot (the inverse
square law and the field's growth cancel), so the field at the detector plane gives the kerma
there, scatter and the patient's attenuation excluded.
"""

from __future__ import annotations

import math


def dose_rp_in_detector_plane(dap_Gy_cm2: float, field_mm: tuple[float, float]) -> float:
    """Air kerma (Gy) in the detector plane from the DAP (Gy·cm²) and the field there (mm × mm)."""
    width, height = field_mm
    if not all(math.isfinite(v) and v > 0 for v in (width, height)):
        raise ValueError(f"the collimated field must be positive to derive Dose (RP), got {width}×{height} mm")
    if not math.isfinite(dap_Gy_cm2) or dap_Gy_cm2 < 0:
        raise ValueError(f"the dose-area product must be zero or positive, got {dap_Gy_cm2} Gy·cm²")
    return dap_Gy_cm2 / (width * height / 100.0)

"""X-Ray Radiation Dose SR (PS3.3 A.35.8) with TID 10001 content."""

from vxacq.dicom.rdsr.sop import XRayRadiationDoseSR

__all__ = ["XRayRadiationDoseSR"]

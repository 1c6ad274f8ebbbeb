"""Digital X-Ray Image Storage – For Presentation (PS3.3 A.26)."""

from vxacq.dicom.dx.sop import DXImage

__all__ = ["DXImage"]

"""Digital Mammography X-Ray Image Storage – For Presentation (PS3.3 A.27)."""

from vxacq.dicom.mg.sop import MGImage

__all__ = ["MGImage"]

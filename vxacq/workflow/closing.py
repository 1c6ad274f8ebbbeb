"""What closing an exam offers: the discontinuation reasons (CID 9300) and film layouts."""

from __future__ import annotations

from vxacq.dicom import codes
from vxacq.dicom.printing import Layout

__all__ = ["FILM_LAYOUTS", "Layout", "discontinuation_reasons"]

# the Image Display Formats offered on the close dialog (PS3.3 C.13.5.1)
FILM_LAYOUTS = ("STANDARD\\1,1", "STANDARD\\1,2", "STANDARD\\2,1", "STANDARD\\2,2",
                "STANDARD\\2,3", "STANDARD\\3,3")


def discontinuation_reasons() -> list[tuple[str, str]]:
    """(key, meaning) of each CID 9300 reason an exam may be discontinued for."""
    return [(key, code.meaning) for key, code in codes.DISCONTINUATION_REASONS.items()]

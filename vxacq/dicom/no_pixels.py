"""Keeping pydicom's pixel codecs out of a process that reads and writes no pixel data.

Importing pydicom imports its pixel decoders and encoders, and each of them imports the
package it works with, if installed: numpy, python-gdcm, Pillow, pylibjpeg (which scans its
plugins' entry points), pyjpegls. That was 0.1-0.2 s of CPU at every start of ``vxacq echo``
(issue #20), which decodes nothing. A ``None`` in :data:`sys.modules` makes ``import name``
raise ImportError, which pydicom takes as "not installed": it registers those plugins as
unavailable and works on without numpy.
"""

from __future__ import annotations

import sys

# The top-level packages pydicom 3's plugins import: pydicom/pixels/decoders/*.py,
# pydicom/pixels/encoders/*.py, pydicom/pixel_data_handlers/*.py (imported by pydicom.config)
# and pydicom.pixels.utils._passes_version_check (pylibjpeg's plugins).
CODEC_PACKAGES = ("numpy", "gdcm", "PIL", "pylibjpeg", "openjpeg", "libjpeg", "rle", "jpeg_ls")


def keep_pixel_codecs_out() -> bool:
    """Make the packages of :data:`CODEC_PACKAGES` unimportable in this process, for good.

    For a process of its own that handles no pixel data: anything that imports numpy later
    fails there with ImportError. Does nothing and returns False when pydicom is imported
    already: its plugins hold the packages then, and taking them away from the rest of the
    process would gain nothing. A package imported already is left as it is.
    """
    if "pydicom" in sys.modules:
        return False
    for name in CODEC_PACKAGES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    return True

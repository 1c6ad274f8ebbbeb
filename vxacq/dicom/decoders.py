"""A pydicom pixel-data decoder plugin for JPEG Extended with 12-bit samples (Process 4).

Without the GPL-3 pylibjpeg-libjpeg, the decoders for the JPEG family come from python-gdcm
(GDCM is BSD-3-clause). pydicom's own gdcm plugin refuses 12-bit JPEG Extended, yet GDCM
3.2.6 decodes it correctly through its 12-bit IJG codec (it first prints "Unsupported JPEG
data precision 12" from the 16-bit attempt and then falls back). This plugin hands such frames
to GDCM; ``tests/dicom/test_decoders.py`` checks the pixels against the image DCMTK encoded.

This module is the one place pixel data are decoded: :func:`pixel_array`, :func:`decompress`
and :func:`readable` register the plugin first, so a decode works whichever module runs first,
and importing this module (or a module that imports it) registers nothing.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

from pydicom.pixels.decoders import JPEGExtended12BitDecoder
from pydicom.pixels.decoders.base import _PIXEL_DATA_DECODERS
from pydicom.uid import UID, JPEGExtended12Bit

if TYPE_CHECKING:
    import numpy as np
    from pydicom.dataset import Dataset

LABEL = "vxacq-gdcm-12bit"
DECODER_DEPENDENCIES = {JPEGExtended12Bit: ("gdcm>=3.0.10",)}


def is_available(uid: UID) -> bool:
    """pydicom's plugin interface: whether this plugin can decode ``uid`` here."""
    try:
        import gdcm  # noqa: F401
    except ImportError:
        return False
    return uid == JPEGExtended12Bit


def decode_frame(src: bytes, runner: Any) -> bytes:
    """One JPEG Extended frame decoded by GDCM: the samples as ``runner`` lays them out."""
    import gdcm

    if runner.bits_stored <= 8:
        raise NotImplementedError("8-bit JPEG Extended is left to pydicom's own plugins")
    fragment = gdcm.Fragment()
    fragment.SetByteStringValue(src)
    fragments = gdcm.SequenceOfFragments.New()
    fragments.AddFragment(fragment)
    element = gdcm.DataElement(gdcm.Tag(0x7FE0, 0x0010))
    element.SetValue(fragments.__ref__())
    image = gdcm.Image()
    image.SetNumberOfDimensions(2)
    image.SetDimensions((runner.columns, runner.rows, 1))
    image.SetDataElement(element)
    kind = gdcm.PhotometricInterpretation.GetPIType(str(runner.photometric_interpretation))
    image.SetPhotometricInterpretation(gdcm.PhotometricInterpretation(kind))
    if runner.samples_per_pixel > 1:
        image.SetPlanarConfiguration(runner.planar_configuration)
    image.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEGExtendedProcess2_4))
    image.SetPixelFormat(gdcm.PixelFormat(runner.samples_per_pixel, 16, runner.bits_stored,
                                          runner.bits_stored - 1, runner.pixel_representation))
    # GDCM hands the buffer back as a str of the raw bytes
    return image.GetBuffer().encode("utf-8", "surrogateescape")


_registering = threading.Lock()  # pydicom's add_plugin is not thread-safe; workers decode


def register() -> None:
    """Add the plugin to pydicom's JPEG Extended decoder, once."""
    with _registering:
        if LABEL not in (JPEGExtended12BitDecoder._available
                         | JPEGExtended12BitDecoder._unavailable):
            JPEGExtended12BitDecoder.add_plugin(LABEL, (__name__, "decode_frame"))


def pixel_array(ds: Dataset) -> np.ndarray:
    """``ds.pixel_array`` with our plugins registered."""
    register()
    return ds.pixel_array


def decompress(ds: Dataset, **options: Any) -> None:
    """``ds.decompress(**options)`` with our plugins registered."""
    register()
    ds.decompress(**options)


@functools.cache
def readable() -> frozenset[UID]:
    """Every syntax pixel data can be decoded from with the installed plugins."""
    register()
    return frozenset(uid for uid, (decoder, *_rest) in _PIXEL_DATA_DECODERS.items()
                     if decoder.is_available)

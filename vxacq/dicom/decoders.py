"""A pydicom pixel-data decoder plugin for JPEG Extended with 12-bit samples (Process 4).

Without the GPL-3 pylibjpeg-libjpeg, the decoders for the JPEG family come from python-gdcm
(GDCM is BSD-3-clause). pydicom's own gdcm plugin refuses 12-bit JPEG Extended, yet GDCM
3.2.6 decodes it correctly through its 12-bit IJG codec (it first prints "Unsupported JPEG
data precision 12" from the 16-bit attempt and then falls back). This plugin hands such frames
to GDCM; ``tests/dicom/test_decoders.py`` checks the pixels against the image DCMTK encoded.
Importing this module registers it; the modules that decode pixel data (part10, net.store,
workflow.media) import it.
"""

from __future__ import annotations

from typing import Any

from pydicom.pixels.decoders import JPEGExtended12BitDecoder
from pydicom.uid import UID, JPEGExtended12Bit

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


def register() -> None:
    """Add the plugin to pydicom's JPEG Extended decoder, once."""
    if LABEL not in JPEGExtended12BitDecoder._available | JPEGExtended12BitDecoder._unavailable:
        JPEGExtended12BitDecoder.add_plugin(LABEL, (__name__, "decode_frame"))


register()

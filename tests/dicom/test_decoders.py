"""Every transfer syntax the console says it reads (part10.DECODED) decodes with the installed,
permissively licensed plugins (python-gdcm, pyjpegls, pylibjpeg-openjpeg, pylibjpeg-rle):
a sample of each, made from a DX image by DCMTK's dcmcjpeg/dcmcjpls/dcmcrle or by pydicom's
encoders, gives back the image's pixels (exactly for the lossless syntaxes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import samples as s
from conftest import run
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    HTJ2K,
    ImplicitVRLittleEndian,
    JPEG2000,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

from vxacq.dicom import decoders, part10
from vxacq.dicom.dx import DXImage


def dx(bits: int):
    return DXImage(
        patient=s.patient(), study=s.study(), series=s.series(), equipment=s.equipment(),
        detector=s.detector(), exposure=s.exposure(), image=s.image(seed=7, bits=bits),
        body_part="KNEE", view="AP", ImageLaterality="L", native_orientation=("R", "F"),
    )


def dcmtk(*command: str):
    def make(plain: Path, out: Path) -> None:
        run(*command, str(plain), str(out))
    return make


def pydicom_compressed(syntax: UID, **options):
    def make(plain: Path, out: Path) -> None:
        ds = part10.read(plain)
        ds.compress(syntax, generate_instance_uid=False, **options)
        ds.save_as(out)
    return make


def j2k_codestream_as(syntax: UID):
    """No HTJ2K encoder is installed here; a Part 1 (JPEG 2000) codestream is also a valid
    Part 15 codestream, so a lossless J2K image under the HTJ2K UID tests that UID's decoder."""
    def make(plain: Path, out: Path) -> None:
        ds = part10.read(plain)
        ds.compress(JPEG2000Lossless, generate_instance_uid=False, encoding_plugin="pylibjpeg")
        ds.file_meta.TransferSyntaxUID = syntax
        ds.save_as(out)
    return make


# syntax: (bits stored of the sample, how it is made, largest pixel difference allowed)
SAMPLES = {
    ImplicitVRLittleEndian: (12, dcmtk("dcmconv", "+ti"), 0),
    ExplicitVRLittleEndian: (12, dcmtk("dcmconv", "+te"), 0),
    DeflatedExplicitVRLittleEndian: (12, dcmtk("dcmconv", "+td"), 0),
    ExplicitVRBigEndian: (12, dcmtk("dcmconv", "+tb"), 0),
    JPEGBaseline8Bit: (8, dcmtk("dcmcjpeg", "+eb", "+q", "95"), 40),
    JPEGExtended12Bit: (12, dcmtk("dcmcjpeg", "+ee", "+q", "95"), 600),
    JPEGLossless: (12, dcmtk("dcmcjpeg", "+el", "+sv", "6"), 0),
    JPEGLosslessSV1: (12, dcmtk("dcmcjpeg", "+e1"), 0),
    JPEGLSLossless: (12, dcmtk("dcmcjpls", "+el"), 0),
    JPEGLSNearLossless: (12, dcmtk("dcmcjpls", "+en"), 2),
    JPEG2000Lossless: (12, pydicom_compressed(JPEG2000Lossless, encoding_plugin="pylibjpeg"), 0),
    JPEG2000: (12, pydicom_compressed(JPEG2000, encoding_plugin="pylibjpeg",
                                   j2k_psnr=[80.0]), 64),
    HTJ2KLossless: (12, j2k_codestream_as(HTJ2KLossless), 0),
    HTJ2KLosslessRPCL: (12, j2k_codestream_as(HTJ2KLosslessRPCL), 0),
    HTJ2K: (12, j2k_codestream_as(HTJ2K), 0),
    RLELossless: (12, dcmtk("dcmcrle"), 0),
}


def test_every_syntax_the_console_reads_has_a_sample_and_a_decoder():
    assert set(SAMPLES) == set(part10.DECODED)
    missing = sorted(uid.name for uid in part10.DECODED if uid not in decoders.readable())
    assert not missing, f"no decoder installed for {missing}"


@pytest.mark.parametrize("syntax", list(SAMPLES), ids=lambda uid: uid.keyword or str(uid))
def test_a_sample_in_each_syntax_decodes_to_the_image(tmp_path, syntax):
    bits, make, tolerance = SAMPLES[syntax]
    image = dx(bits)
    plain = part10.write(tmp_path / "plain.dcm", image)
    make(plain, tmp_path / "sample.dcm")
    back = part10.read(tmp_path / "sample.dcm")
    assert back.file_meta.TransferSyntaxUID == syntax
    decoded = part10.pixels(back)
    assert decoded.shape == image.pixel_array.shape
    difference = np.abs(decoded.astype(np.int32) - image.pixel_array.astype(np.int32))
    assert int(difference.max()) <= tolerance
    if tolerance:  # lossy: close, not equal
        assert float(difference.mean()) < tolerance


def test_the_12_bit_plugin_is_registered_by_decoding_not_by_importing(tmp_path):
    """A fresh interpreter: importing every module that decodes pixel data registers nothing
    (start-up does not pay for it); the first decode registers the plugin and decodes a
    12-bit JPEG Extended image, which pydicom's own plugins refuse."""
    plain = part10.write(tmp_path / "plain.dcm", dx(12))
    run("dcmcjpeg", "+ee", "+q", "95", str(plain), str(tmp_path / "jpeg12.dcm"))
    code = f"""
from pydicom import dcmread
from pydicom.pixels.decoders import JPEGExtended12BitDecoder as D
from vxacq.dicom import decoders, part10, printing
from vxacq.net import store
from vxacq.workflow import display, history, media, priors
assert decoders.LABEL not in D._available | D._unavailable, "registered by an import"
pixels = decoders.pixel_array(dcmread({str(tmp_path / "jpeg12.dcm")!r}))
assert decoders.LABEL in D._available, "not registered by the decode"
print(pixels.shape, int(pixels.max()) > 255)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(256, 256) True"  # the image, with its 12-bit values

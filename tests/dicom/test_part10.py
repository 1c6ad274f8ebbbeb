"""Part 10 files: file meta, lossless encodings that decode to the same pixels, files compressed
by DCMTK readable, and writes that leave no half file behind."""

from __future__ import annotations

import os

import numpy as np
import pytest
import samples as s
from conftest import run
from pydicom.uid import (
    ExplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
)

from vxacq.dicom import part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.uids import ImplementationClassUID, ImplementationVersionName


def dx(bits=14, seed=5):
    return DXImage(
        patient=s.patient(), study=s.study(), series=s.series(), equipment=s.equipment(),
        detector=s.detector(), exposure=s.exposure(), image=s.image(seed=seed, bits=bits),
        body_part="KNEE", view="AP", ImageLaterality="L", native_orientation=("R", "F"),
    )


def test_default_file_is_explicit_little_endian_with_our_implementation(tmp_path):
    ds = dx()
    back = part10.read(part10.write(tmp_path / "a.dcm", ds))
    meta = back.file_meta
    assert meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert meta.ImplementationClassUID == ImplementationClassUID
    assert meta.ImplementationVersionName == ImplementationVersionName
    assert meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    dumped = run("dcmdump", "+P", "0002,0012", "+P", "0002,0010", str(tmp_path / "a.dcm"))
    assert ImplementationClassUID in dumped and "LittleEndianExplicit" in dumped


@pytest.mark.parametrize("syntax", ["implicit", "rle", "jpeg2000-lossless", RLELossless, JPEG2000Lossless])
def test_lossless_encodings_decode_to_identical_pixels(tmp_path, validate, syntax):
    ds = dx()
    path = part10.write(tmp_path / "c.dcm", ds, syntax)
    back = part10.read(path)
    assert back.file_meta.TransferSyntaxUID == part10.transfer_syntax(syntax)
    assert back.LossyImageCompression == "00"
    assert np.array_equal(part10.pixels(back), ds.pixel_array)
    validate(path)
    # DCMTK decodes our RLE too (its JPEG 2000 support is not in the free toolkit).
    if back.file_meta.TransferSyntaxUID == RLELossless:
        run("dcmdrle", str(path), str(tmp_path / "d.dcm"))
        assert np.array_equal(part10.pixels(part10.read(tmp_path / "d.dcm")), ds.pixel_array)


def test_the_dataset_given_is_not_changed_by_compression(tmp_path):
    ds = dx()
    before = ds.PixelData
    part10.write(tmp_path / "c.dcm", ds, "rle")
    assert ds.PixelData == before and "file_meta" not in ds.__dict__.get("_dict", {})


@pytest.mark.parametrize("tool, options, syntax", [
    ("dcmcjpeg", ["+e1"], JPEGLosslessSV1),
    ("dcmcjpls", [], JPEGLSLossless),
    ("dcmcrle", [], RLELossless),
])
def test_files_compressed_by_dcmtk_decode_to_the_same_pixels(tmp_path, tool, options, syntax):
    ds = dx(bits=12)
    plain = part10.write(tmp_path / "plain.dcm", ds)
    run(tool, *options, str(plain), str(tmp_path / "z.dcm"))
    back = part10.read(tmp_path / "z.dcm")
    assert back.file_meta.TransferSyntaxUID == syntax
    assert np.array_equal(part10.pixels(back), ds.pixel_array)


def test_transfer_syntax_without_encoder_is_refused_clearly():
    with pytest.raises(part10.Part10Error, match="cannot be written here"):
        part10.transfer_syntax("jpeg-lossless")


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    ds = dx()
    target = tmp_path / "out" / "x.dcm"

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        part10.write(target, ds)
    assert list(target.parent.iterdir()) == []


def test_damaged_file_gives_a_worded_error(tmp_path):
    path = part10.write(tmp_path / "x.dcm", dx())
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(part10.Part10Error, match="cannot decode|cannot read"):
        part10.pixels(part10.read(path))

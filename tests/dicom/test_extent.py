"""A value running past the end of its file, sequence or item is found and named
(vxacq.dicom.extent): pydicom reads such a file short without a word and loses the rest."""

from __future__ import annotations

import io
from pathlib import Path

import pydicom
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian,
    ImplicitVRLittleEndian, generate_uid,
)

from vxacq.dicom.extent import overrun

PRIVATE_VALUE = bytes(range(256)) * 400  # 100 KB inside a sequence, before the pixel data


def dx(syntax: str = ExplicitVRLittleEndian, *, undefined: bool = False) -> bytes:
    """A small DX file with a large private value in a sequence item before its pixel data."""
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    ds.SOPInstanceUID = generate_uid()
    ds.PatientName = "Test^Extent"
    item = Dataset()
    item.add_new(0x00090010, "LO", "VXACQ TEST")
    item.add_new(0x00091010, "OB", PRIVATE_VALUE)
    ds.ReferencedImageSequence = [item]
    if undefined:
        ds["ReferencedImageSequence"].is_undefined_length = True
        item.is_undefined_length_sequence_item = True
    ds.Rows, ds.Columns, ds.BitsAllocated, ds.SamplesPerPixel = 16, 16, 16, 1
    ds.PixelData = bytes(range(256)) * 2
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


@pytest.mark.parametrize("syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian,
                                    ExplicitVRBigEndian])
@pytest.mark.parametrize("undefined", [False, True])
def test_a_whole_file_has_no_overrun(syntax, undefined) -> None:
    assert overrun(dx(syntax, undefined=undefined)) == ""


@pytest.mark.parametrize("syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
def test_a_file_cut_in_a_private_value_in_a_sequence_names_it(syntax) -> None:
    data = dx(syntax)
    cut = data[:data.index(PRIVATE_VALUE) + 1000]
    assert "PixelData" not in dcmread(io.BytesIO(cut))  # what pydicom makes of it, silently
    said = overrun(cut)
    assert said.startswith("private element (0009,1010) in item 1 of ReferencedImageSequence "
                           "(0008,1140) runs past the end of the file:"), said
    assert f"{len(PRIVATE_VALUE) - 1000} of its {len(PRIVATE_VALUE)} bytes are missing" in said


def test_a_file_cut_in_a_plain_element_names_it() -> None:
    data = dx()
    at = data.index(b"Test^Extent")
    assert overrun(data[:at + 4]) == ("PatientName (0010,0010) runs past the end of the file: "
                                      "8 of its 12 bytes are missing (the file is truncated)")
    assert overrun(data[:at - 3]) == ("the file ends inside the header of PatientName "
                                      "(0010,0010): the file is truncated")


def test_a_file_cut_in_its_pixel_data_says_so() -> None:
    assert overrun(dx()[:-100]) == (
        "its pixel data is cut short: PixelData (7FE0,0010) runs past the end of the file: "
        "100 of its 512 bytes are missing (the file is truncated)")


def test_an_undefined_length_sequence_cut_before_its_delimiter() -> None:
    data = dx(undefined=True)
    end = data.index(b"\xfe\xff\xdd\xe0")  # the sequence delimitation item
    said = overrun(data[:end])
    assert said == ("the file ends before the end of ReferencedImageSequence (0008,1140) (no "
                    "sequence delimiter): the file is truncated"), said
    # cut before the item's own delimiter, the item is named
    assert "before the item delimiter in item 1 of ReferencedImageSequence" in overrun(
        data[:end - 8])


def test_an_item_longer_than_its_defined_length_sequence() -> None:
    data = bytearray(dx())
    at = data.index(b"\x08\x00\x40\x11SQ")  # ReferencedImageSequence, explicit VR
    length = int.from_bytes(data[at + 8:at + 12], "little")
    data[at + 8:at + 12] = (length - 10).to_bytes(4, "little")
    assert overrun(bytes(data)) == (
        "private element (0009,1010) in item 1 of ReferencedImageSequence (0008,1140) runs "
        "past the end of ReferencedImageSequence (0008,1140): 10 of its 102400 bytes are "
        "missing")


def test_a_deflated_file_cut_short() -> None:
    data = dx(DeflatedExplicitVRLittleEndian)
    assert overrun(data) == ""
    assert "deflated data set is cut short" in overrun(data[:-20])


def test_a_file_on_disk_is_checked_without_reading_its_values(tmp_path) -> None:
    path = tmp_path / "cut.dcm"
    data = dx()
    path.write_bytes(data[:data.index(PRIVATE_VALUE) + 10])
    assert "private element (0009,1010)" in overrun(path)
    path.write_bytes(data)
    assert overrun(path) == ""
    path.write_bytes(b"")
    assert overrun(path) == "the file is empty"


def test_trailing_zero_padding_is_not_an_overrun() -> None:
    assert overrun(dx() + b"\0\0\0") == ""
    assert "ends inside an element header" in overrun(dx() + b"\x01\x02\x03")


def test_sequences_nested_beyond_any_iod_are_refused_not_recursed() -> None:
    ds = inner = Dataset()
    for _ in range(40):
        item = Dataset()
        inner.ReferencedImageSequence = [item]
        inner = item
    out = io.BytesIO()
    ds.save_as(out, implicit_vr=False, little_endian=True)
    assert "nests sequences deeper than 32 levels" in overrun(out.getvalue())


def test_pydicoms_own_test_files_are_taken_but_the_truncated_ones() -> None:
    """No whole file is refused: big endian, bare data sets, a file meta saying explicit VR
    over an implicit data set, encapsulated pixel data, deflated, DICOMDIRs..."""
    folder = Path(pydicom.__file__).parent / "data" / "test_files"
    files = sorted(folder.rglob("*.dcm"))
    assert len(files) > 50
    refused = {path.name for path in files if overrun(path)}
    assert refused == {"MR_truncated.dcm", "rtplan_truncated.dcm",
                       "no_meta.dcm"}  # (a stray byte before its first tag)

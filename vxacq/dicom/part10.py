"""DICOM Part 10 files: our file meta, the transfer syntaxes we write, and reading back.

Files are Explicit VR Little Endian unless a destination wants otherwise; RLE Lossless and
JPEG 2000 Lossless are encoded with pydicom's encoders (pylibjpeg plugins) for destinations that
ask for them. Every compressed syntax pydicom has a decoder for is readable. Writes are atomic.
"""

from __future__ import annotations

import copy
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import numpy as np
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filebase import DicomFileLike
from pydicom.uid import (
    UID,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    RLELossless,
)

from vxacq.db.files import write_atomic
from vxacq.dicom import decoders
from vxacq.dicom.uids import ImplementationClassUID, ImplementationVersionName

# Names used in the configuration ([nodes] transfer_syntax) → UID.
TRANSFER_SYNTAX_BY_NAME: dict[str, UID] = {
    "explicit": ExplicitVRLittleEndian,
    "implicit": ImplicitVRLittleEndian,
    "rle": RLELossless,
    "jpeg2000-lossless": JPEG2000Lossless,
}
WRITABLE = frozenset(TRANSFER_SYNTAX_BY_NAME.values())
_COMPRESSED = frozenset({RLELossless, JPEG2000Lossless})
# What the console says it reads (docs/dicom-objects.md), each decoded by a permissively licensed
# plugin: python-gdcm (JPEG baseline, extended (12-bit through vxacq.dicom.decoders), lossless), pyjpegls (JPEG-LS), pylibjpeg-openjpeg
# (JPEG 2000, HTJ2K), pylibjpeg-rle or pydicom (RLE). tests/dicom/test_decoders.py decodes a
# sample of each.
DECODED = frozenset(UID(uid) for uid in (
    "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2",
    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
    "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.5",
))


class Part10Error(ValueError):
    """A file we cannot write or read; the message says what and what to do."""


def transfer_syntax(name_or_uid: str) -> UID:
    """The UID for a configuration name or a UID; Part10Error if we cannot write it."""
    uid = TRANSFER_SYNTAX_BY_NAME.get(name_or_uid)
    if uid is None and name_or_uid in WRITABLE:
        uid = UID(name_or_uid)
    if uid is None:
        known = ", ".join(TRANSFER_SYNTAX_BY_NAME)
        raise Part10Error(
            f"transfer syntax '{name_or_uid}' cannot be written here (no encoder installed); use one of {known}"
        )
    return uid


def file_meta(ds: Dataset, syntax: UID) -> FileMetaDataset:
    """File Meta Information (PS3.10 7.1) naming our implementation."""
    meta = FileMetaDataset()
    meta.FileMetaInformationVersion = b"\x00\x01"
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = ImplementationClassUID
    meta.ImplementationVersionName = ImplementationVersionName
    return meta


def encoded(ds: Dataset, syntax: str = ExplicitVRLittleEndian) -> Dataset:
    """A copy of ``ds`` with file meta, its pixel data encoded in ``syntax``; ``ds`` is untouched."""
    uid = transfer_syntax(syntax)
    out = copy.deepcopy(ds)
    # The dataset's pixel data is native (uncompressed) until compressed here.
    out.file_meta = file_meta(out, ExplicitVRLittleEndian)
    if uid in _COMPRESSED and "PixelData" in out:
        # Lossless: the stored values are the same, so Lossy Image Compression stays "00".
        out.compress(uid, encoding_plugin="pylibjpeg" if uid == JPEG2000Lossless else "")
    out.file_meta = file_meta(out, uid)
    return out


def to_bytes(ds: Dataset, syntax: str = ExplicitVRLittleEndian) -> bytes:
    """The Part 10 file for ``ds`` as bytes."""
    buffer = BytesIO()
    _write(encoded(ds, syntax), buffer)
    return buffer.getvalue()


def write(path: Path | str, ds: Dataset, syntax: str = ExplicitVRLittleEndian) -> Path:
    """Write ``ds`` as a Part 10 file, atomically: the file is whole or absent."""
    out = encoded(ds, syntax)
    return write_atomic(path, lambda fh: _write(out, fh))


def rewrite(path: Path | str, ds: Dataset) -> Path:
    """Write back, atomically, a dataset read from a file and changed in its attributes: its
    pixel data is kept as it was encoded (same transfer syntax), the file meta renewed."""
    syntax = ds.file_meta.TransferSyntaxUID
    ds.file_meta = file_meta(ds, syntax)
    return write_atomic(path, lambda fh: _write(ds, fh))


def _write(ds: Dataset, fh: BinaryIO) -> None:
    ds.save_as(DicomFileLike(fh), enforce_file_format=True)


def read(source: Path | str | bytes) -> Dataset:
    """A Part 10 file read back (pixel data still encoded; see :func:`pixels`)."""
    try:
        return dcmread(BytesIO(source) if isinstance(source, bytes) else source)
    except Exception as exc:  # pydicom raises several types for a damaged file
        raise Part10Error(f"cannot read DICOM file {source if not isinstance(source, bytes) else '<bytes>'}: {exc}") from exc


def pixels(ds: Dataset) -> np.ndarray:
    """The decoded pixel array of ``ds``, whatever supported syntax it was stored in."""
    syntax = ds.file_meta.TransferSyntaxUID if "file_meta" in dir(ds) else ExplicitVRLittleEndian
    if syntax not in decoders.readable():
        raise Part10Error(
            f"pixel data in {syntax.name} ({syntax}) cannot be decoded: no decoder plugin is installed"
        )
    try:
        return decoders.pixel_array(ds)
    except Exception as exc:  # missing, truncated or corrupt pixel data
        raise Part10Error(f"cannot decode pixel data ({syntax.name}): {exc}") from exc

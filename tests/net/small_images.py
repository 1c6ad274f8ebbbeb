"""Small DX For Presentation files for the commitment and print tests (size does not matter
there): a known pixel ramp, a window, a pixel spacing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom.sop_class import DigitalXRayImageStorageForPresentation

from vxacq.dicom.uids import ImplementationClassUID


def ramp(rows: int = 64, columns: int = 48, bits: int = 14) -> np.ndarray:
    """Pixel values spanning 0 .. 2**bits - 1 along the rows and columns."""
    y, x = np.mgrid[0:rows, 0:columns]
    return ((y * columns + x) * ((2**bits - 1) / (rows * columns - 1))).astype(np.uint16)


def write_dx(path: Path, pixels: np.ndarray | None = None, *, bits: int = 14,
             window: tuple[float, float] | None = None, spacing: float | None = 0.15,
             photometric: str = "MONOCHROME2", patient_id: str = "P1") -> Dataset:
    pixels = ramp(bits=bits) if pixels is None else pixels
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = DigitalXRayImageStorageForPresentation
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = ImplementationClassUID
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "Test^Print"
    ds.PatientID = patient_id
    ds.Modality = "DX"
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    if window is not None:
        ds.WindowCenter, ds.WindowWidth = window
    if spacing is not None:
        ds.ImagerPixelSpacing = [spacing, spacing]
    ds.PixelData = pixels.astype("<u2").tobytes()
    ds.save_as(path, enforce_file_format=True)
    return ds

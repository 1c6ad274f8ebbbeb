"""What DX and MG For Presentation images share: every module except the IOD-specific ones.

``build_projection_image`` fills a dataset with Patient, General Study, Patient Study, General
Series, DX Series, General Equipment, General Image, Image Pixel, DX Anatomy Imaged, DX Image,
DX Detector, DX Positioning, X-Ray Acquisition Dose/Generation/Filtration/Grid, Display Shutter,
VOI LUT, Acquisition Context and SOP Common, then chooses the Specific Character Set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
from pydicom.dataset import Dataset
from pydicom.pixels import pack_bits
from pydicom.uid import ExplicitVRLittleEndian

from vxacq.dicom import charset, codes, enums, modules, part10
from vxacq.dicom.inputs import (
    DetectorInfo,
    EquipmentInfo,
    ExposureInfo,
    ImageInfo,
    OrderInfo,
    PatientInfo,
    PerformedStepInfo,
    SeriesInfo,
    StudyInfo,
)
from vxacq.dicom.orientation import patient_orientation

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

    from vxacq.dicom.codes import BodyPart


def build_projection_image(
    ds: Dataset,
    *,
    sop_class: str,
    modality: str,
    SOPInstanceUID: str,
    InstanceNumber: int,
    patient: PatientInfo,
    study: StudyInfo,
    series: SeriesInfo,
    equipment: EquipmentInfo,
    detector: DetectorInfo,
    exposure: ExposureInfo,
    image: ImageInfo,
    body_part: BodyPart,
    ImageLaterality: str,
    view_code: Code,
    ViewPosition: str,
    native_orientation: tuple[str, str],
    view_modifiers: Sequence[Code] = (),
    anatomic_region_modifiers: Sequence[Code] = (),
    order: OrderInfo | None = None,
    performed_step: PerformedStepInfo | None = None,
) -> None:
    laterality = enums.convert(enums.ImageLaterality, ImageLaterality, "Image Laterality (0020,0062)").value
    if body_part.paired and laterality == "U":
        raise ValueError(
            f"{body_part.BodyPartExamined} is a paired body part: Image Laterality must be L, R or B, "
            "not U (DX Anatomy Imaged, PS3.3 C.8.11.2)"
        )
    if not body_part.paired and laterality in ("L", "R"):
        raise ValueError(
            f"{body_part.BodyPartExamined} is not paired: Image Laterality must be U or B (DX Anatomy Imaged, PS3.3 C.8.11.2)"
        )
    if InstanceNumber < 1:
        raise ValueError("Instance Number (0020,0013) is a positive integer")
    created = datetime.now().astimezone()
    content = image.ContentDateTime or created

    modules.patient_module(ds, patient)
    modules.general_study(ds, study)
    modules.patient_study(ds, patient, study, order)
    modules.general_series(ds, series, modality, performed_step, order, body_part.BodyPartExamined, patient.animal)
    # DX Series (C.8.11.1) / Mammography Series
    ds.PresentationIntentType = "FOR PRESENTATION"
    modules.referenced_performed_step(ds, performed_step)
    modules.general_equipment(ds, equipment, detector)

    # General Image (C.7.6.1) and DX Image (C.8.11.3)
    ds.InstanceNumber = InstanceNumber
    quadruped = patient.animal is not None and patient.animal.AnatomicalOrientationType == "QUADRUPED"
    ds.PatientOrientation = list(
        patient_orientation(native_orientation, image.rotation, image.flip_horizontal, quadruped)
    )
    ds.ContentDate = modules.da(content)
    ds.ContentTime = modules.tm(content)
    acquired = exposure.AcquisitionDateTime
    ds.AcquisitionDate = modules.da(acquired)
    ds.AcquisitionTime = modules.tm(acquired)
    ds.AcquisitionDateTime = modules.dt(acquired)
    if not image.ImageType or image.ImageType[0] not in ("ORIGINAL", "DERIVED") or (
        len(image.ImageType) < 2 or image.ImageType[1] != "PRIMARY"
    ):
        raise ValueError("Image Type (0008,0008) is ORIGINAL or DERIVED, then PRIMARY (DX Image, PS3.3 C.8.11.3)")
    ds.ImageType = list(image.ImageType)
    if image.ImageType[0] == "DERIVED" and image.DerivationDescription:
        ds.DerivationDescription = image.DerivationDescription
    if image.stitched_fields:
        if image.ImageType[0] != "DERIVED":
            raise ValueError("a stitched image is DERIVED (Image Type (0008,0008), PS3.3 C.7.6.1)")
        ds.DerivationCodeSequence = modules.code_sequence([codes.IMAGE_STITCHING])
    modules.set_if(ds, "ImageComments", image.ImageComments)
    ds.BurnedInAnnotation = "YES" if image.BurnedInAnnotation else "NO"
    ds.LossyImageCompression = "00"
    if image.QualityControlImage:
        ds.QualityControlImage = "YES"

    _pixels(ds, image)

    # DX Anatomy Imaged (C.8.11.2)
    ds.ImageLaterality = laterality
    region = modules.code_item(body_part.code)
    if anatomic_region_modifiers:
        region.AnatomicRegionModifierSequence = modules.code_sequence(anatomic_region_modifiers)
    ds.AnatomicRegionSequence = [region]

    # DX Positioning (C.8.11.5)
    # The View Position terms (AP, PA, LL…) are defined for human anatomy only; for a quadruped
    # the view is carried by the View Code Sequence and View Position stays empty (Type 2).
    ds.ViewPosition = "" if quadruped else ViewPosition
    view = modules.code_item(view_code)
    view.ViewModifierCodeSequence = modules.code_sequence(view_modifiers)
    ds.ViewCodeSequence = [view]
    ds.PositionerType = exposure.PositionerType
    if exposure.PositionerPrimaryAngle is not None:
        ds.PositionerPrimaryAngle = modules.ds_number(exposure.PositionerPrimaryAngle)
    if exposure.PositionerSecondaryAngle is not None:
        ds.PositionerSecondaryAngle = modules.ds_number(exposure.PositionerSecondaryAngle)
    if exposure.ColumnAngulation is not None:
        ds.ColumnAngulation = modules.ds_number(exposure.ColumnAngulation)
    if exposure.DistanceSourceToDetector and exposure.DistanceSourceToPatient:
        ds.EstimatedRadiographicMagnificationFactor = modules.ds_number(
            exposure.DistanceSourceToDetector / exposure.DistanceSourceToPatient
        )

    modules.dx_detector(ds, detector, image.rotation)
    if detector.FieldOfViewOrigin is not None:
        _field_of_view(ds, detector, image)
    modules.acquisition_dose(ds, exposure)
    for keyword, value in (
        ("ExposureIndex", image.ExposureIndex),
        ("TargetExposureIndex", image.TargetExposureIndex),
        ("DeviationIndex", image.DeviationIndex),
    ):
        if value is not None:
            setattr(ds, keyword, modules.ds_number(value))

    # Acquisition Context (C.7.6.14): Type 2, nothing to say
    ds.AcquisitionContextSequence = []
    if order is not None:  # the site's mapping, checked when the configuration was loaded
        for keyword, value in order.MappedAttributes:
            setattr(ds, keyword, value)
    modules.sop_common(ds, sop_class, SOPInstanceUID, created)
    charset.apply_character_set(ds, equipment.SpecificCharacterSet, [order.SpecificCharacterSet] if order else ())
    # Native Explicit VR Little Endian until part10 or the network encodes it otherwise.
    ds.file_meta = part10.file_meta(ds, ExplicitVRLittleEndian)


def _field_of_view(ds: Dataset, detector: DetectorInfo, image: ImageInfo) -> None:
    """Field of View attributes of the DX Detector module (PS3.3 C.8.11.4): the read-out area and
    how the image is turned and mirrored relative to the physical detector (rotation first,
    then the flip — the order the image chain uses)."""
    if image.rotation % 90:
        raise ValueError(f"rotation {image.rotation} is not 0, 90, 180 or 270 (Field of View Rotation (0018,7032))")
    rows, cols = image.pixel_array.shape
    if (image.rotation // 90) % 2:
        rows, cols = cols, rows  # back to the detector's frame
    row_mm, col_mm = detector.ImagerPixelSpacing
    ds.FieldOfViewShape = "RECTANGLE"
    ds.FieldOfViewDimensions = [round(rows * row_mm), round(cols * col_mm)]
    ds.FieldOfViewOrigin = [modules.ds_number(v) for v in detector.FieldOfViewOrigin]
    ds.FieldOfViewRotation = str(image.rotation % 360)
    ds.FieldOfViewHorizontalFlip = "YES" if image.flip_horizontal else "NO"


def _overlay(ds: Dataset, image: ImageInfo) -> None:
    """Overlay Plane (C.9.2): markers kept out of the pixels, shown by viewers on demand."""
    marks = image.marker_overlay
    if marks is None:
        return
    if marks.shape != image.pixel_array.shape:
        raise ValueError(
            f"marker overlay is {marks.shape}, the image {image.pixel_array.shape}: they must match (PS3.3 C.9.2)"
        )
    ds.add_new(0x60000010, "US", marks.shape[0])  # Overlay Rows
    ds.add_new(0x60000011, "US", marks.shape[1])  # Overlay Columns
    ds.add_new(0x60000022, "LO", "Side and position markers")  # Overlay Description
    ds.add_new(0x60000040, "CS", "G")  # Overlay Type: graphics
    ds.add_new(0x60000050, "SS", [1, 1])  # Overlay Origin
    ds.add_new(0x60000100, "US", 1)  # Overlay Bits Allocated
    ds.add_new(0x60000102, "US", 0)  # Overlay Bit Position
    ds.add_new(0x60001500, "LO", "MARKERS")  # Overlay Label
    ds.add_new(0x60003000, "OW", pack_bits(marks.astype(bool).ravel()))


def _pixels(ds: Dataset, image: ImageInfo) -> None:
    """Image Pixel (C.7.6.3), DX Image pixel rules (C.8.11.3), VOI LUT (C.11.2), Display Shutter."""
    pixels = image.pixel_array
    if pixels.ndim != 2 or pixels.dtype != np.uint16:
        raise ValueError(
            f"pixel_array must be a 2-D uint16 array, not {pixels.ndim}-D {pixels.dtype} "
            "(DX Image: Bits Allocated 16, one sample, PS3.3 C.8.11.3)"
        )
    if not 6 <= image.BitsStored <= 16:
        raise ValueError(f"Bits Stored {image.BitsStored} is outside 6..16 (DX Image, PS3.3 C.8.11.3)")
    largest = int(pixels.max()) if pixels.size else 0
    if largest >= 1 << image.BitsStored:
        raise ValueError(
            f"a pixel value {largest} does not fit in Bits Stored {image.BitsStored}; "
            "the image chain must clip to the stored range"
        )
    lut = enums.convert(enums.PresentationLUTShape, image.PresentationLUTShape, "Presentation LUT Shape (2050,0020)")
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2" if lut is enums.PresentationLUTShape.IDENTITY else "MONOCHROME1"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = image.BitsStored
    ds.HighBit = image.BitsStored - 1
    ds.PixelRepresentation = 0
    ds.SmallestImagePixelValue = int(pixels.min()) if pixels.size else 0
    ds.LargestImagePixelValue = largest
    ds.PixelIntensityRelationship = enums.convert(
        enums.PixelIntensityRelationship, image.PixelIntensityRelationship, "Pixel Intensity Relationship (0028,1040)"
    ).value
    if image.PixelIntensityRelationshipSign not in (1, -1):
        raise ValueError("Pixel Intensity Relationship Sign (0028,1041) is 1 or -1 (DX Image, PS3.3 C.8.11.3)")
    ds.PixelIntensityRelationshipSign = image.PixelIntensityRelationshipSign
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "US"
    ds.PresentationLUTShape = lut.value
    if image.WindowWidth < 1:
        raise ValueError("Window Width (0028,1051) must be at least 1 (PS3.3 C.11.2.1.2)")
    ds.WindowCenter = modules.ds_number(image.WindowCenter)
    ds.WindowWidth = modules.ds_number(image.WindowWidth)
    modules.set_if(ds, "VOILUTFunction", image.VOILUTFunction)
    modules.set_if(ds, "WindowCenterWidthExplanation", image.WindowCenterWidthExplanation)
    if image.PixelPaddingValue is not None:
        if not 0 <= image.PixelPaddingValue < 1 << 16:
            raise ValueError("Pixel Padding Value (0028,0120) must fit the unsigned 16-bit pixels")
        ds.add_new(0x00280120, "US", image.PixelPaddingValue)
    if image.montage_sources:
        # The fields: each a source of the montage; stitching moves their pixels (PS3.3 C.7.6.1.1.4).
        sources = []
        for sop_class, sop_instance in image.montage_sources:
            source = Dataset()
            source.ReferencedSOPClassUID, source.ReferencedSOPInstanceUID = sop_class, sop_instance
            source.PurposeOfReferenceCodeSequence = modules.code_sequence(
                [codes.SOURCE_IMAGE_FOR_MONTAGE])
            source.SpatialLocationsPreserved = "NO"
            sources.append(source)
        ds.SourceImageSequence = sources
    elif image.source_image is not None:
        source = Dataset()
        source.ReferencedSOPClassUID, source.ReferencedSOPInstanceUID = image.source_image
        # Processing keeps the geometry; only a rotation or flip moves pixels (PS3.3 C.7.6.1).
        reoriented = image.rotation % 360 or image.flip_horizontal
        source.SpatialLocationsPreserved = "REORIENTED_ONLY" if reoriented else "YES"
        ds.SourceImageSequence = [source]
    _overlay(ds, image)
    ds.PixelData = np.ascontiguousarray(pixels, dtype="<u2").tobytes()
    if image.shutter is not None:
        s = image.shutter
        rows, cols = pixels.shape
        if not (1 <= s.ShutterLeftVerticalEdge < s.ShutterRightVerticalEdge <= cols
                and 1 <= s.ShutterUpperHorizontalEdge < s.ShutterLowerHorizontalEdge <= rows):
            raise ValueError(
                f"shutter {s} is not a rectangle inside the {rows}×{cols} image (PS3.3 C.7.6.11)"
            )
        ds.ShutterShape = "RECTANGULAR"
        ds.ShutterLeftVerticalEdge = s.ShutterLeftVerticalEdge
        ds.ShutterRightVerticalEdge = s.ShutterRightVerticalEdge
        ds.ShutterUpperHorizontalEdge = s.ShutterUpperHorizontalEdge
        ds.ShutterLowerHorizontalEdge = s.ShutterLowerHorizontalEdge

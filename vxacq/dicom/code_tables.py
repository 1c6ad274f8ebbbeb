"""The code tables behind :mod:`vxacq.dicom.codes` (PS3.16 context groups), built when the
first of them is used.

Codes come from ``pydicom.sr.codedict.codes`` where pydicom has them; the few it lacks or
names differently are spelled once here. No code string appears anywhere else in ``vxacq``.
Use them as ``vxacq.dicom.codes.NAME``: importing ``pydicom.sr`` loads its whole concept
dictionary, which the console's start does without.
"""

from __future__ import annotations

from pydicom.sr.codedict import codes
from pydicom.sr.coding import Code

from vxacq.dicom.codes import MOUNTS

__all__ = [
    "MG_VIEW_MODIFIERS", "PARTIAL_VIEW_OPTIONS", "ANATOMIC_REGION_MODIFIERS", "LATERALITY",
    "REJECT_REASONS", "MAMMOGRAPHY", "UNITS", "DISCONTINUATION_REASONS", "GRIDS",
    "MECHANICAL_CONFIGURATIONS", "ANODE_TARGETS", "FILTER_MATERIALS", "FILTER_TYPES",
    "BREAST_SIDES", "RDSR", "Code", "IMAGE_STITCHING", "SOURCE_IMAGE_FOR_MONTAGE",
    "REJECTION_TITLES", "BASIC_PROFILE_CODE", "CLEAN_STRUCTURED_CONTENT",
]

# Procedure reported (TID 10001) for a mammography study.
MAMMOGRAPHY = codes.SCT.Mammography
# A long-length image: how it was derived (CID 7203) and what its fields are to it (CID 7202).
IMAGE_STITCHING = Code("113090", "DCM", "Image stitching")
SOURCE_IMAGE_FOR_MONTAGE = Code("121329", "DCM", "Source image for montage")
#: The IOCM document titles (PS3.16 CID 7010 "Key Object Selection Document Title" entries
#: that IHE RAD TF-3 IOCM uses for rejection notes), keyed by code value.
REJECTION_TITLES: dict[str, Code] = {
    "113001": Code("113001", "DCM", "Rejected for Quality Reasons"),
    "113037": Code("113037", "DCM", "Rejected for Patient Safety Reasons"),
    "113038": Code("113038", "DCM", "Incorrect Modality Worklist Entry"),
    "113039": Code("113039", "DCM", "Data Retention Policy Expired"),
}
# De-identification Method Code Sequence (CID 7050): the profile and option applied.
BASIC_PROFILE_CODE = Code("113100", "DCM", "Basic Application Confidentiality Profile")
CLEAN_STRUCTURED_CONTENT = Code("113104", "DCM", "Clean Structured Content Option")


# CID 4015 View Modifier for Mammography, by the ACR abbreviation the technologist sees.
_MM = codes.cid4015
MG_VIEW_MODIFIERS: dict[str, Code] = {
    "M": _MM.Magnification, "S": _MM.SpotCompression, "CV": _MM.Cleavage, "AT": _MM.AxillaryTail,
    "RL": _MM.RolledLateral, "RM": _MM.RolledMedial, "RS": _MM.RolledSuperior,
    "RI": _MM.RolledInferior, "ID": _MM.ImplantDisplaced, "TAN": _MM.Tangential,
    "NP": _MM.NippleInProfile, "AC": _MM.AnteriorCompression, "IMF": _MM.InfraMammaryFold,
    "AX": _MM.AxillaryTissue,
}

# CID 4005 Partial View Option: which part of the breast a partial view shows.
PARTIAL_VIEW_OPTIONS: dict[str, Code] = {name.upper(): getattr(codes.cid4005, name) for name in codes.cid4005.dir()}

# CID 2 Anatomic Modifier: the ones a radiography protocol uses.
ANATOMIC_REGION_MODIFIERS: dict[str, Code] = {
    name.upper(): getattr(codes.cid2, name)
    for name in ("Anterior", "Posterior", "Superior", "Inferior", "Medial", "Lateral",
                 "Proximal", "Distal", "Left", "Right", "Bilateral", "Unilateral")
}

# CID 244 Laterality, keyed by the Image Laterality value (0020,0062).
LATERALITY: dict[str, Code] = {
    "L": codes.cid244.Left, "R": codes.cid244.Right, "B": codes.cid244.Bilateral,
    "U": codes.cid244.Unilateral,
}

# CID 7011 Rejected for Quality Reasons: why the operator rejected an image (KOS, MPPS, dose SR comment).
REJECT_REASONS: dict[str, Code] = {name: getattr(codes.cid7011, name) for name in codes.cid7011.dir()}

# CID 9300 Procedure Discontinuation Reason: the MPPS DISCONTINUED reasons a console offers.
DISCONTINUATION_REASONS: dict[str, Code] = {
    name: getattr(codes.cid9300, name)
    for name in (
        "DoctorCanceledProcedure", "DuplicateOrder", "EquipmentFailure",
        "IncorrectProcedureOrdered", "IncorrectSideOrdered", "IncorrectWorklistEntrySelected",
        "PatientConditionPreventedContinuing", "PatientDidNotArrive", "PatientDied",
        "PatientPregnant", "PatientRefusedToContinueProcedure", "PatientTakenForTreatmentOrSurgery",
        "DiscontinuedForUnspecifiedReason", "DiscontinuedProcedureStepRescheduled",
        "DiscontinuedProcedureStepReschedulingRecommended", "ChangeOfProcedureForCorrectCharging",
        "NursingUnitCancel", "ObjectSetIncomplete", "MediaFailure",
    )
}

# CID 10017 X-Ray Grid, keyed by the Grid (0018,1166) term the generator/bucky reports.
GRIDS: dict[str, Code] = {
    "NONE": codes.DCM.NoGrid, "FIXED": codes.DCM.FixedGrid, "FOCUSED": codes.DCM.FocusedGrid,
    "RECIPROCATING": codes.DCM.ReciprocatingGrid, "PARALLEL": codes.DCM.ParallelGrid,
    "CROSSED": codes.DCM.CrossedGrid,
}

# CID 10016 Anode Target Material, keyed by the (0018,1191) term.
ANODE_TARGETS: dict[str, Code] = {name.upper(): getattr(codes.cid10016, name) for name in codes.cid10016.dir()}
# CID 10006 X-Ray Filter Material, keyed by the (0018,7050) term.
FILTER_MATERIALS: dict[str, Code] = {name.upper(): getattr(codes.cid10006, name) for name in codes.cid10006.dir()}
# CID 10007 X-Ray Filter Type, keyed by the (0018,1160) term (FLAT is the newer term for a flat filter).
FILTER_TYPES: dict[str, Code] = {
    "STRIP": codes.cid10007.StripFilter, "WEDGE": codes.cid10007.WedgeFilter,
    "BUTTERFLY": codes.cid10007.ButterflyFilter, "FLAT": codes.cid10007.FlatFilter,
    "NONE": codes.cid10007.NoFilter,
}
# CID 6022 Side, keyed by Image Laterality: which breast a mammography dose belongs to.
BREAST_SIDES: dict[str, Code] = {
    "L": codes.cid6022.LeftBreast, "R": codes.cid6022.RightBreast, "B": codes.cid6022.BothBreasts,
}

# CID 10031 CR/DR Mechanical Configuration.
MECHANICAL_CONFIGURATIONS: dict[str, Code] = {
    key: getattr(codes.cid10031, concept) for key, concept in MOUNTS.items()
}


class RDSR:
    """Concept names and values of TID 10001 and the templates it includes (PS3.16)."""

    XRayRadiationDoseReport = codes.DCM.XRayRadiationDoseReport
    ProcedureReported = codes.DCM.ProcedureReported
    ProjectionXRay = codes.DCM.ProjectionXRay
    # TID 10001's concept name for the intent of Procedure reported; pydicom's meaning adds " (attribute)".
    HasIntent = Code("363703001", "SCT", "Has Intent")
    DiagnosticIntent = codes.SCT.DiagnosticIntent
    ObserverType = codes.DCM.ObserverType
    Device = codes.DCM.Device
    DeviceObserverUID = codes.DCM.DeviceObserverUID
    DeviceObserverName = codes.DCM.DeviceObserverName
    DeviceObserverManufacturer = codes.DCM.DeviceObserverManufacturer
    DeviceObserverModelName = codes.DCM.DeviceObserverModelName
    DeviceObserverSerialNumber = codes.DCM.DeviceObserverSerialNumber
    ScopeOfAccumulation = codes.DCM.ScopeOfAccumulation
    Study = codes.DCM.Study
    StudyInstanceUID = codes.DCM.StudyInstanceUID
    XRayDetectorDataAvailable = codes.DCM.XRayDetectorDataAvailable
    XRaySourceDataAvailable = codes.DCM.XRaySourceDataAvailable
    XRayMechanicalDataAvailable = codes.DCM.XRayMechanicalDataAvailable
    Yes = codes.SCT.Yes
    No = codes.SCT.No
    SourceOfDoseInformation = codes.DCM.SourceOfDoseInformation
    AutomatedDataCollection = codes.DCM.AutomatedDataCollection
    AccumulatedXRayDoseData = codes.DCM.AccumulatedXRayDoseData
    AcquisitionPlane = codes.DCM.AcquisitionPlane
    SinglePlane = codes.DCM.SinglePlane
    AcquisitionDoseAreaProductTotal = codes.DCM.AcquisitionDoseAreaProductTotal
    AcquisitionDoseRPTotal = codes.DCM.AcquisitionDoseRPTotal
    TotalAcquisitionTime = codes.DCM.TotalAcquisitionTime
    TotalNumberOfRadiographicFrames = codes.DCM.TotalNumberOfRadiographicFrames
    DoseAreaProductTotal = codes.DCM.DoseAreaProductTotal
    DoseRPTotal = codes.DCM.DoseRPTotal
    ReferencePointDefinition = codes.DCM.ReferencePointDefinition
    InDetectorPlane = codes.DCM.InDetectorPlane
    AtSurfaceOfPatient = codes.cid10025.AtSurfaceOfPatient
    IrradiationEventXRayData = codes.DCM.IrradiationEventXRayData
    IrradiationEventUID = codes.DCM.IrradiationEventUID
    DatetimeStarted = codes.DCM.DatetimeStarted
    IrradiationEventType = codes.DCM.IrradiationEventType
    StationaryAcquisition = codes.DCM.StationaryAcquisition
    ImageView = codes.DCM.ImageView
    ImageViewModifier = codes.DCM.ImageViewModifier
    TargetRegion = codes.DCM.TargetRegion
    Laterality = codes.SCT.Laterality
    DoseAreaProduct = codes.DCM.DoseAreaProduct
    Comment = codes.DCM.Comment
    ExposureIndex = codes.DCM.ExposureIndex
    TargetExposureIndex = codes.DCM.TargetExposureIndex
    DeviationIndex = codes.DCM.DeviationIndex
    AcquiredImage = codes.DCM.AcquiredImage
    DoseRP = codes.DCM.DoseRP
    NumberOfPulses = codes.DCM.NumberOfPulses
    KVP = codes.DCM.KVP
    XRayTubeCurrent = codes.DCM.XRayTubeCurrent
    ExposureTime = codes.DCM.ExposureTime
    Exposure = codes.DCM.Exposure
    XRayGrid = codes.DCM.XRayGrid
    FocalSpotSize = codes.DCM.FocalSpotSize
    CRDRMechanicalConfiguration = codes.DCM.CRDRMechanicalConfiguration
    PositionerPrimaryAngle = codes.DCM.PositionerPrimaryAngle
    PositionerSecondaryAngle = codes.DCM.PositionerSecondaryAngle
    ColumnAngulation = codes.DCM.ColumnAngulation
    CompressionThickness = codes.DCM.CompressionThickness
    DistanceSourceToDetector = codes.DCM.DistanceSourceToDetector
    # pydicom's meaning carries a "(mammo)" suffix that PS3.16 does not have.
    AccumulatedAverageGlandularDose = Code("111637", "DCM", "Accumulated Average Glandular Dose")
    AverageGlandularDose = codes.DCM.AverageGlandularDose
    EntranceExposureAtRP = codes.DCM.EntranceExposureAtRP
    HalfValueLayer = codes.DCM.HalfValueLayer
    AnodeTargetMaterial = codes.DCM.AnodeTargetMaterial
    XRayFilters = codes.DCM.XRayFilters
    XRayFilterType = codes.DCM.XRayFilterType
    XRayFilterMaterial = codes.DCM.XRayFilterMaterial
    XRayFilterThicknessMinimum = codes.DCM.XRayFilterThicknessMinimum
    XRayFilterThicknessMaximum = codes.DCM.XRayFilterThicknessMaximum


# UCUM units used in the dose SR and in measured values.
class UNITS:
    GyM2 = Code("Gy.m2", "UCUM", "Gy.m2")
    Gy = Code("Gy", "UCUM", "Gy")
    mGy = Code("mGy", "UCUM", "mGy")
    s = Code("s", "UCUM", "s")
    ms = Code("ms", "UCUM", "ms")
    kV = Code("kV", "UCUM", "kV")
    mA = Code("mA", "UCUM", "mA")
    uAs = Code("uA.s", "UCUM", "uA.s")
    mm = Code("mm", "UCUM", "mm")
    deg = Code("deg", "UCUM", "deg")
    no_units = Code("1", "UCUM", "no units")

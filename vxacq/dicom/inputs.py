"""What the DICOM builders are made from: plain, typed records filled by the rest of the console.

These are the contract between the worklist/exam session, the hardware layer (generator and
detector readings), the image chain (pixels, EI, window) and the object builders. Field names are
DICOM keywords wherever a DICOM attribute holds the value, so a reader can look each one up in
PS3.6; units are the attribute's units. Text is ``str`` (decoded; the character set is chosen when
the object is written). Person names use DICOM PN form: ``Family^Given^Middle^Prefix^Suffix``,
with ``=`` separating the alphabetic, ideographic and phonetic groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import numpy as np

from vxacq.config import StationConfig

if TYPE_CHECKING:
    from pydicom.sr.coding import Code


@dataclass(frozen=True)
class AnimalInfo:
    """A veterinary patient (PS3.3 C.7.1.1, the † rows of the VXvue Patient module).

    Species and breed each need a description or a code (or both). ``BreedRegistrations`` are
    (Breed Registration Number, registry code) pairs. ``ResponsiblePersonRole`` is a CID 7450
    defined term (OWNER, PARENT, CHILD, SPOUSE, SIBLING, RELATIVE, GUARDIAN, CUSTODIAN, AGENT,
    INVESTIGATOR, VETERINARIAN). ``PatientSexNeutered`` is ALTERED, UNALTERED or "" (unknown).
    """

    PatientSpeciesDescription: str = ""
    PatientSpeciesCode: Code | None = None
    PatientBreedDescription: str = ""
    PatientBreedCode: Code | None = None
    BreedRegistrations: tuple[tuple[str, Code], ...] = ()
    ResponsiblePerson: str = ""
    ResponsiblePersonRole: str = ""
    ResponsibleOrganization: str = ""
    PatientSexNeutered: str = ""
    # (0010,2210): QUADRUPED for four-legged species (dogs, cats, horses); BIPED for e.g. birds,
    # whose images use the human direction letters.
    AnatomicalOrientationType: str = "QUADRUPED"


@dataclass(frozen=True)
class PatientInfo:
    """The patient as the order (or the operator, for an unscheduled exam) gave it."""

    PatientName: str = ""
    PatientID: str = ""
    IssuerOfPatientID: str = ""
    PatientBirthDate: date | None = None
    PatientBirthTime: time | None = None
    PatientSex: str = ""  # M, F, O or "" (unknown)
    OtherPatientIDs: tuple[str, ...] = ()
    OtherPatientNames: tuple[str, ...] = ()
    EthnicGroup: str = ""
    PatientComments: str = ""
    # Patient Study module (values at the time of this study)
    PatientAge: str = ""  # AS form, e.g. "045Y"; computed from the birth date when empty
    PatientSize: float | None = None  # m
    PatientWeight: float | None = None  # kg
    Occupation: str = ""
    AdditionalPatientHistory: str = ""
    AdmittingDiagnosesDescription: str = ""
    AdmittingDiagnosesCodes: tuple[Code, ...] = ()
    PregnancyStatus: int | None = None  # 1 not pregnant, 2 possibly, 3 definitely, 4 unknown
    animal: AnimalInfo | None = None


@dataclass(frozen=True)
class OrderInfo:
    """One scheduled procedure step of a worklist item: what the image copies into its study
    attributes and into one item of the Request Attributes Sequence (PS3.3 C.4.10, C.7.3.1)."""

    AccessionNumber: str = ""
    StudyInstanceUID: str = ""
    RequestedProcedureID: str = ""
    RequestedProcedureDescription: str = ""
    RequestedProcedureCode: Code | None = None
    RequestedProcedurePriority: str = ""  # STAT, HIGH, ROUTINE, MEDIUM, LOW
    ReasonForTheRequestedProcedure: str = ""
    ReasonForRequestedProcedureCode: Code | None = None
    ScheduledProcedureStepID: str = ""
    ScheduledProcedureStepDescription: str = ""
    ScheduledProtocolCodes: tuple[Code, ...] = ()
    ReferringPhysicianName: str = ""
    RequestingPhysician: str = ""  # shown to the operator; no image IOD carries it
    RequestingService: str = ""  # likewise
    AdmissionID: str = ""  # written in the Patient Study module
    PlacerOrderNumberImagingServiceRequest: str = ""
    FillerOrderNumberImagingServiceRequest: str = ""
    # Referenced Study Sequence items: (Referenced SOP Class UID, Referenced SOP Instance UID)
    ReferencedStudies: tuple[tuple[str, str], ...] = ()
    # The Specific Character Set the worklist answer came in (kept so text can stay in it).
    SpecificCharacterSet: str = ""
    # The site's [[worklist_mapping]]: (image keyword, value) written into every image.
    MappedAttributes: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class StudyInfo:
    """The study the images belong to (General Study module). For a scheduled exam the UID,
    accession and referring physician come from the order; the console assigns the rest."""

    StudyInstanceUID: str
    StudyDate: date
    StudyTime: time
    StudyID: str = ""
    AccessionNumber: str = ""
    StudyDescription: str = ""
    ReferringPhysicianName: str = ""
    ProcedureCodes: tuple[Code, ...] = ()
    PhysiciansOfRecord: tuple[str, ...] = ()
    NameOfPhysiciansReadingStudy: tuple[str, ...] = ()
    ReferencedStudies: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_order(cls, order: OrderInfo, started: datetime, StudyID: str = "") -> StudyInfo:
        """The study of a scheduled exam: identity from the order, date/time when it started."""
        if not order.StudyInstanceUID:
            raise ValueError("the order has no Study Instance UID (0020,000D); assign one for the exam")
        return cls(
            StudyInstanceUID=order.StudyInstanceUID,
            StudyDate=started.date(),
            StudyTime=started.time(),
            # IHE Scheduled Workflow lets Study ID carry the Requested Procedure ID (SH, 16).
            StudyID=StudyID or order.RequestedProcedureID[:16],
            AccessionNumber=order.AccessionNumber,
            StudyDescription=order.RequestedProcedureDescription,
            ReferringPhysicianName=order.ReferringPhysicianName,
            ProcedureCodes=(order.RequestedProcedureCode,) if order.RequestedProcedureCode else (),
            ReferencedStudies=order.ReferencedStudies,
        )


@dataclass(frozen=True)
class SeriesInfo:
    """One series: the console makes one per view/protocol step of an exam."""

    SeriesInstanceUID: str
    SeriesNumber: int
    SeriesDate: date | None = None
    SeriesTime: time | None = None
    SeriesDescription: str = ""
    ProtocolName: str = ""
    OperatorsName: tuple[str, ...] = ()
    PerformingPhysicianName: tuple[str, ...] = ()


@dataclass(frozen=True)
class PerformedStepInfo:
    """The MPPS this image was acquired under (Referenced Performed Procedure Step Sequence
    and the Performed Procedure Step attributes of the General Series module)."""

    SOPInstanceUID: str  # the MPPS instance; its SOP class is always MPPS
    PerformedProcedureStepID: str
    PerformedProcedureStepStartDateTime: datetime
    PerformedProcedureStepDescription: str = ""
    PerformedProtocolCodes: tuple[Code, ...] = ()


@dataclass(frozen=True)
class ExposureInfo:
    """What the generator reported for one exposure (actual values, not the set values)."""

    IrradiationEventUID: str
    AcquisitionDateTime: datetime  # start of the exposure
    KVP: float  # kV
    XRayTubeCurrentInmA: float
    ExposureTimeInms: float
    ExposureInmAs: float | None = None  # when the generator reports it; else mA × ms
    ImageAndFluoroscopyAreaDoseProduct: float | None = None  # dGy·cm², DAP meter or computed
    DoseRP: float | None = None  # Gy in the detector plane (dose SR 113738, "In Detector Plane")
    EntranceDoseInmGy: float | None = None
    RelativeXRayExposure: int | None = None
    FocalSpots: tuple[float, ...] = ()  # nominal mm
    FilterType: str = ""  # e.g. NONE, STRIP, WEDGE, FLAT
    FilterMaterial: tuple[str, ...] = ()  # e.g. ALUMINUM, COPPER, MOLYBDENUM
    FilterThicknessMinimum: float | None = None  # mm
    FilterThicknessMaximum: float | None = None  # mm
    Grid: tuple[str, ...] = ()  # (0018,1166) terms: FIXED, FOCUSED, RECIPROCATING, PARALLEL, CROSSED, NONE
    DistanceSourceToDetector: float | None = None  # mm (SID)
    DistanceSourceToPatient: float | None = None  # mm (SOD)
    ExposureControlMode: str = ""  # MANUAL or AUTOMATIC (AEC)
    ExposureControlModeDescription: str = ""
    PositionerPrimaryAngle: float | None = None  # degrees
    PositionerSecondaryAngle: float | None = None  # degrees
    ColumnAngulation: float | None = None  # degrees, (0018,1450)
    MechanicalConfiguration: str = ""  # key of codes.MECHANICAL_CONFIGURATIONS: UPRIGHT, TABLE, CARM, UNMOUNTED
    PositionerType: str = ""  # (0018,1508): COLUMN, CARM, RIGID, NONE, MAMMOGRAPHIC; "" unknown
    # Mammography
    AnodeTargetMaterial: str = ""  # MOLYBDENUM, RHODIUM, TUNGSTEN
    CompressionForce: float | None = None  # N
    BodyPartThickness: float | None = None  # mm (compressed breast thickness)
    OrganDose: float | None = None  # dGy (average glandular dose)
    HalfValueLayer: float | None = None  # mm Al
    # A long-length image is made of several exposures: the others' events, after this one's
    OtherIrradiationEventUIDs: tuple[str, ...] = ()

    @property
    def mAs(self) -> float:
        return self.ExposureInmAs if self.ExposureInmAs is not None else (
            self.XRayTubeCurrentInmA * self.ExposureTimeInms / 1000.0
        )


@dataclass(frozen=True)
class DetectorInfo:
    """The detector that took the image, as its driver reports it."""

    DetectorType: str  # DIRECT, SCINTILLATOR, STORAGE, FILM
    ImagerPixelSpacing: tuple[float, float]  # mm, row spacing then column spacing, native
    DetectorManufacturerName: str = ""
    DetectorManufacturerModelName: str = ""
    DetectorID: str = ""  # the detector's serial number
    DetectorConfiguration: str = ""  # AREA or SLOT
    DetectorDescription: str = ""
    DetectorMode: str = ""
    DetectorBinning: tuple[int, int] = (1, 1)
    DateTimeOfLastDetectorCalibration: datetime | None = None
    DetectorTemperature: float | None = None  # °C
    DetectorActiveDimensions: tuple[float, float] | None = None  # mm, rows × columns direction
    DetectorActiveShape: str = ""  # RECTANGLE, ROUND, HEXAGONAL
    DetectorElementPhysicalSize: tuple[float, float] | None = None  # mm
    DetectorElementSpacing: tuple[float, float] | None = None  # mm
    SoftwareVersions: tuple[str, ...] = ()  # detector firmware
    # Top-left detector element of the read-out area, (row, column), (0, 0) for the whole
    # panel; with it the image records its rotation/flip relative to the detector.
    FieldOfViewOrigin: tuple[int, int] | None = None


@dataclass(frozen=True)
class Shutter:
    """A rectangular collimator shutter in image pixel coordinates (1-based, inclusive)."""

    ShutterLeftVerticalEdge: int
    ShutterRightVerticalEdge: int
    ShutterUpperHorizontalEdge: int
    ShutterLowerHorizontalEdge: int


@dataclass(frozen=True)
class ImageInfo:
    """The processed, For Presentation image and what the image chain measured on it.

    ``pixel_array`` is uint16 rows × columns already rotated/flipped for display;
    ``rotation`` (0/90/180/270, clockwise) and ``flip_horizontal`` say what was done to the
    detector's native frame, so Patient Orientation can follow.
    """

    pixel_array: np.ndarray
    BitsStored: int
    WindowCenter: float
    WindowWidth: float
    ExposureIndex: float | None = None
    TargetExposureIndex: float | None = None
    DeviationIndex: float | None = None
    PresentationLUTShape: str = "IDENTITY"  # IDENTITY or INVERSE
    PixelIntensityRelationship: str = "LOG"  # LIN, LOG or DISP
    PixelIntensityRelationshipSign: int = 1  # +1: pixel value rises with X-ray intensity; -1: falls
    VOILUTFunction: str = ""  # LINEAR, LINEAR_EXACT, SIGMOID
    WindowCenterWidthExplanation: str = ""
    rotation: int = 0
    flip_horizontal: bool = False
    BurnedInAnnotation: bool = False
    ImageType: tuple[str, ...] = ("DERIVED", "PRIMARY")
    DerivationDescription: str = ""
    ImageComments: str = ""
    ContentDateTime: datetime | None = None  # when processing finished; now if None
    shutter: Shutter | None = None
    QualityControlImage: bool = False
    PixelPaddingValue: int | None = None  # value the chain wrote outside the collimated field
    # Side/position markers not burned in: a bool array of the image's shape (Overlay Plane)
    marker_overlay: np.ndarray | None = None
    # (SOP Class UID, SOP Instance UID) of the For Processing image this one was derived from
    source_image: tuple[str, str] | None = None
    # A long-length image: stitched from this many fields (DerivationCodeSequence says so),
    # and the (SOP Class UID, SOP Instance UID) of the field images kept as objects, if any
    stitched_fields: int = 0
    montage_sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EquipmentInfo:
    """This console and the room it runs in (General Equipment; Device Observer of the dose SR)."""

    Manufacturer: str
    ManufacturerModelName: str
    DeviceSerialNumber: str
    SoftwareVersions: tuple[str, ...]
    DeviceUID: str  # the console's own UID (Device Observer UID of the dose SR)
    StationName: str = ""
    InstitutionName: str = ""
    InstitutionAddress: str = ""
    InstitutionalDepartmentName: str = ""
    DateTimeOfLastCalibration: datetime | None = None  # the room's (generator) calibration
    SpecificCharacterSet: str = "ISO_IR 192"  # the station's preference for what we write

    @classmethod
    def from_station(cls, station: StationConfig, **identity: object) -> EquipmentInfo:
        """The station's configured names and character set, plus the console's identity
        (Manufacturer, ManufacturerModelName, DeviceSerialNumber, SoftwareVersions, DeviceUID,
        optionally DateTimeOfLastCalibration) given as keywords."""
        return cls(
            StationName=station.station_name,
            InstitutionName=station.institution_name,
            InstitutionAddress=station.institution_address,
            InstitutionalDepartmentName=station.institutional_department_name,
            SpecificCharacterSet=station.character_set,
            **identity,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class ImageRef:
    """A stored image, as the dose report references it."""

    SeriesInstanceUID: str
    SOPClassUID: str
    SOPInstanceUID: str

    @classmethod
    def of(cls, ds: object) -> ImageRef:
        """The reference to a built image dataset (DXImage, MGImage)."""
        return cls(ds.SeriesInstanceUID, ds.SOPClassUID, ds.SOPInstanceUID)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Acquisition:
    """One exposure and what became of it, as the dose report lists it."""

    exposure: ExposureInfo
    body_part: str  # key of codes.BODY_PARTS
    view: str  # key of codes.DX_VIEWS (DX) or codes.MG_VIEWS (MG)
    ImageLaterality: str = "U"
    image: ImageRef | None = None  # the image this exposure produced, if one was kept or sent
    ExposureIndex: float | None = None
    TargetExposureIndex: float | None = None
    DeviationIndex: float | None = None
    rejected_reason: Code | None = None  # codes.REJECT_REASONS (CID 7011); None if kept
    comment: str = ""  # e.g. a partial exposure: said in the irradiation event's Comment
    view_modifiers: tuple[str, ...] = ()  # MG: keys of codes.MG_VIEW_MODIFIERS

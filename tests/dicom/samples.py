"""Realistic inputs for the builders: what the worklist, the generator, the detector and the image
chain hand over for a few typical exams. Values vary per call so tests do not pass by accident."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import numpy as np
from pydicom.sr.coding import Code

from vxacq.dicom.inputs import (
    AnimalInfo,
    DetectorInfo,
    EquipmentInfo,
    ExposureInfo,
    ImageInfo,
    OrderInfo,
    PatientInfo,
    PerformedStepInfo,
    SeriesInfo,
    Shutter,
    StudyInfo,
)
from vxacq.dicom.uids import new_uid

STARTED = datetime(2026, 11, 23, 9, 41, 7, tzinfo=timezone(timedelta(hours=1)))


def patient(**changes) -> PatientInfo:
    base = PatientInfo(
        PatientName="Doe^Jane^Q^^", PatientID="PID-0042", IssuerOfPatientID="HOSP",
        PatientBirthDate=date(1971, 3, 14), PatientSex="F", PatientSize=1.68, PatientWeight=61.5,
        OtherPatientIDs=("NHS-77",), AdditionalPatientHistory="cough for 3 weeks",
        AdmittingDiagnosesDescription="suspected pneumonia",
        AdmittingDiagnosesCodes=(Code("233604007", "SCT", "Pneumonia"),),
    )
    return replace(base, **changes)


def dog(**changes) -> PatientInfo:
    animal = AnimalInfo(
        PatientSpeciesDescription="Canis lupus familiaris",
        PatientSpeciesCode=Code("448771007", "SCT", "Canis lupus familiaris"),
        PatientBreedDescription="Beagle",
        PatientBreedCode=Code("44696006", "SCT", "Beagle"),
        BreedRegistrations=((
            "AKC-1234", Code("109200", "DCM", "America Kennel Club")),),
        ResponsiblePerson="Smith^John", ResponsiblePersonRole="OWNER",
        ResponsibleOrganization="Happy Paws Clinic", PatientSexNeutered="ALTERED",
    )
    return replace(PatientInfo(PatientName="Rex^Smith", PatientID="VET-9", PatientSex="M",
                               PatientBirthDate=date(2019, 6, 1), animal=animal), **changes)


def order(**changes) -> OrderInfo:
    base = OrderInfo(
        AccessionNumber="ACC-2026-0001", StudyInstanceUID=new_uid(), RequestedProcedureID="RP-17",
        RequestedProcedureDescription="XR CHEST 2 VIEWS",
        RequestedProcedureCode=Code("36554-4", "LN", "XR Chest 2 Views"),
        RequestedProcedurePriority="ROUTINE", ReasonForTheRequestedProcedure="persistent cough",
        ReasonForRequestedProcedureCode=Code("49727002", "SCT", "Cough"), ScheduledProcedureStepID="SPS-17-1",
        ScheduledProcedureStepDescription="Chest PA and lateral",
        ScheduledProtocolCodes=(Code("36554-4", "LN", "XR Chest 2 Views"),),
        ReferringPhysicianName="House^Gregory", RequestingPhysician="Cuddy^Lisa",
        RequestingService="ER", AdmissionID="ADM-5", PlacerOrderNumberImagingServiceRequest="PL-1",
        ReferencedStudies=(("1.2.840.10008.3.1.2.3.1", new_uid()),),
    )
    return replace(base, **changes)


def study(o: OrderInfo | None = None) -> StudyInfo:
    return StudyInfo.from_order(o or order(), STARTED, StudyID="17")


def series(number: int = 1, **changes) -> SeriesInfo:
    return replace(SeriesInfo(
        SeriesInstanceUID=new_uid(), SeriesNumber=number, SeriesDate=STARTED.date(),
        SeriesTime=STARTED.time(), SeriesDescription="Chest PA", ProtocolName="CHEST PA ADULT",
        OperatorsName=("Tech^Tina",),
    ), **changes)


def performed_step() -> PerformedStepInfo:
    return PerformedStepInfo(
        SOPInstanceUID=new_uid(), PerformedProcedureStepID="PPS-0001",
        PerformedProcedureStepStartDateTime=STARTED, PerformedProcedureStepDescription="Chest PA and lateral",
        PerformedProtocolCodes=(Code("36554-4", "LN", "XR Chest 2 Views"),),
    )


def equipment(charset: str = "ISO_IR 192") -> EquipmentInfo:
    return EquipmentInfo(
        Manufacturer="VXacq project", ManufacturerModelName="VXacq console", DeviceSerialNumber="SN-001",
        SoftwareVersions=("vxacq 0.1",), DeviceUID=new_uid(), StationName="DX-ROOM-1",
        InstitutionName="General Hospital", InstitutionAddress="1 Main St",
        InstitutionalDepartmentName="Radiology",
        DateTimeOfLastCalibration=datetime(2026, 10, 1, 8, 0), SpecificCharacterSet=charset,
    )


def detector(**changes) -> DetectorInfo:
    return replace(DetectorInfo(
        DetectorType="SCINTILLATOR", ImagerPixelSpacing=(0.14, 0.14), DetectorManufacturerName="Vieworks",
        DetectorManufacturerModelName="VIVIX-S 1717N", DetectorID="D1717-88", DetectorConfiguration="AREA",
        DetectorBinning=(1, 1), DateTimeOfLastDetectorCalibration=datetime(2026, 11, 20, 7, 30),
        DetectorTemperature=31.5, DetectorActiveDimensions=(430.0, 430.0), DetectorActiveShape="RECTANGLE",
        SoftwareVersions=("FW 2.3.1",),
    ), **changes)


def exposure(kvp: float = 120.0, ma: float = 320.0, ms: float = 10.0, **changes) -> ExposureInfo:
    return replace(ExposureInfo(
        IrradiationEventUID=new_uid(), AcquisitionDateTime=STARTED + timedelta(minutes=2),
        KVP=kvp, XRayTubeCurrentInmA=ma, ExposureTimeInms=ms,
        ImageAndFluoroscopyAreaDoseProduct=1.35, DoseRP=0.00012, EntranceDoseInmGy=0.12,
        FocalSpots=(1.2,), FilterMaterial=("ALUMINUM",), FilterThicknessMinimum=1.0,
        FilterThicknessMaximum=1.0, Grid=("FIXED", "FOCUSED"), DistanceSourceToDetector=1800.0,
        DistanceSourceToPatient=1650.0, ExposureControlMode="AUTOMATIC", MechanicalConfiguration="UPRIGHT", PositionerType="COLUMN",
    ), **changes)


def image(seed: int = 0, bits: int = 12, rows: int = 256, cols: int = 256, **changes) -> ImageInfo:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 1 << bits, size=(rows, cols), dtype=np.uint16)
    return replace(ImageInfo(
        pixel_array=pixels, BitsStored=bits, WindowCenter=(1 << bits) / 2, WindowWidth=(1 << bits) * 0.8,
        ExposureIndex=412.0, TargetExposureIndex=400.0, DeviationIndex=0.13, VOILUTFunction="LINEAR",
        DerivationDescription="multiscale contrast processing", shutter=Shutter(10, cols - 10, 12, rows - 12),
    ), **changes)

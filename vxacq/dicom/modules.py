"""Module writers shared by the DX, MG and dose SR builders (PS3.3 Annex C).

Each function fills one module of a dataset from the typed inputs and raises ValueError citing
the rule when an input breaks a Type 1 or conditional requirement. Empty Type 2 attributes are
written empty; Type 3 attributes are written only when there is a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset
from pydicom.uid import UID

from vxacq.dicom import enums
from vxacq.dicom.uids import ImplementationClassUID
from vxacq.dicom.inputs import (
    AnimalInfo,
    DetectorInfo,
    EquipmentInfo,
    ExposureInfo,
    OrderInfo,
    PatientInfo,
    PerformedStepInfo,
    SeriesInfo,
    StudyInfo,
)

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

# PS3.4 Modality Performed Procedure Step SOP Class, the class of every Referenced PPS item.
MPPS_SOP_CLASS = UID("1.2.840.10008.3.1.2.3.3")


def da(value: date | datetime | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def tm(value: time | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%H%M%S.%f") if value.microsecond else value.strftime("%H%M%S")


def dt(value: datetime) -> str:
    text = value.strftime("%Y%m%d%H%M%S.%f") if value.microsecond else value.strftime("%Y%m%d%H%M%S")
    if value.utcoffset() is not None:
        text += value.strftime("%z")
    return text


def ds_number(value: float, digits: int = 16) -> str:
    """A Decimal String of at most 16 characters for ``value`` (PS3.5 6.2, DS)."""
    for precision in range(10, 0, -1):
        text = f"{value:.{precision}g}"
        if len(text) <= digits:
            return text
    raise ValueError(f"{value} does not fit a Decimal String")


def code_item(code: Code) -> Dataset:
    """A Code Sequence item (PS3.3 8.8): Code Value, or Long Code Value beyond 16 characters."""
    item = Dataset()
    if len(code.value) > 16:
        item.LongCodeValue = code.value
    else:
        item.CodeValue = code.value
    item.CodingSchemeDesignator = code.scheme_designator
    if code.scheme_version:
        item.CodingSchemeVersion = code.scheme_version
    item.CodeMeaning = code.meaning
    return item


def code_sequence(codes: Sequence[Code]) -> list[Dataset]:
    return [code_item(c) for c in codes]


def set_if(ds: Dataset, keyword: str, value: object) -> None:
    """Set a Type 3 attribute only when there is a value."""
    if value not in (None, "", (), []):
        setattr(ds, keyword, value)


def patient_age(birth: date | None, on: date) -> str:
    """Patient's Age (AS) on the study date, from the birth date: days, weeks, months or years."""
    if birth is None:
        return ""
    days = (on - birth).days
    if days < 0:
        raise ValueError(f"Patient's Birth Date {birth} is after the study date {on}")
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    if days < 7 * 4:
        return f"{days:03d}D"
    if months < 1:
        return f"{days // 7:03d}W"
    if months < 24:
        return f"{months:03d}M"
    return f"{months // 12:03d}Y"


def patient_module(ds: Dataset, patient: PatientInfo) -> None:
    """Patient module, PS3.3 C.7.1.1 (with the veterinary attributes when the patient is an animal)."""
    ds.PatientName = patient.PatientName
    ds.PatientID = patient.PatientID
    set_if(ds, "IssuerOfPatientID", patient.IssuerOfPatientID)
    ds.PatientBirthDate = da(patient.PatientBirthDate)
    set_if(ds, "PatientBirthTime", tm(patient.PatientBirthTime))
    ds.PatientSex = enums.convert(enums.PatientSex, patient.PatientSex, "Patient's Sex (0010,0040)").value
    if patient.OtherPatientIDs:
        ds.OtherPatientIDsSequence = []
        for other in patient.OtherPatientIDs:
            item = Dataset()
            item.PatientID = other
            item.TypeOfPatientID = "TEXT"
            ds.OtherPatientIDsSequence.append(item)
    set_if(ds, "OtherPatientNames", list(patient.OtherPatientNames))
    set_if(ds, "EthnicGroup", patient.EthnicGroup)
    set_if(ds, "PatientComments", patient.PatientComments)
    if patient.animal is not None:
        _animal(ds, patient.animal)


def _animal(ds: Dataset, animal: AnimalInfo) -> None:
    if not (animal.PatientSpeciesDescription or animal.PatientSpeciesCode):
        raise ValueError(
            "an animal patient needs Patient Species Description (0010,2201) or Patient Species "
            "Code Sequence (0010,2202) (PS3.3 C.7.1.1, Type 1C)"
        )
    set_if(ds, "PatientSpeciesDescription", animal.PatientSpeciesDescription)
    if animal.PatientSpeciesCode:
        ds.PatientSpeciesCodeSequence = [code_item(animal.PatientSpeciesCode)]
    # Breed: Type 2C each — description empty if only coded, code sequence empty if unknown.
    if animal.PatientBreedCode is None or animal.PatientBreedDescription:
        ds.PatientBreedDescription = animal.PatientBreedDescription
    ds.PatientBreedCodeSequence = (
        [code_item(animal.PatientBreedCode)] if animal.PatientBreedCode else []
    )
    ds.BreedRegistrationSequence = []
    for number, registry in animal.BreedRegistrations:
        if not number:
            raise ValueError("Breed Registration Number (0010,2295) is Type 1 in each registration item")
        item = Dataset()
        item.BreedRegistrationNumber = number
        item.BreedRegistryCodeSequence = [code_item(registry)]
        ds.BreedRegistrationSequence.append(item)
    ds.ResponsiblePerson = animal.ResponsiblePerson
    if animal.ResponsiblePerson:
        if not animal.ResponsiblePersonRole:
            raise ValueError(
                "Responsible Person Role (0010,2298) is required when Responsible Person is given "
                "(PS3.3 C.7.1.1, Type 1C)"
            )
        ds.ResponsiblePersonRole = enums.convert(
            enums.ResponsiblePersonRole, animal.ResponsiblePersonRole, "Responsible Person Role (0010,2298)"
        ).value
    ds.ResponsibleOrganization = animal.ResponsibleOrganization


def general_study(ds: Dataset, study: StudyInfo) -> None:
    """General Study module, PS3.3 C.7.2.1."""
    if not study.StudyInstanceUID:
        raise ValueError("Study Instance UID (0020,000D) is Type 1 (PS3.3 C.7.2.1)")
    ds.StudyInstanceUID = study.StudyInstanceUID
    ds.StudyDate = da(study.StudyDate)
    ds.StudyTime = tm(study.StudyTime)
    ds.ReferringPhysicianName = study.ReferringPhysicianName
    ds.StudyID = study.StudyID
    ds.AccessionNumber = study.AccessionNumber
    ds.StudyDescription = study.StudyDescription  # VXvue writes it as Type 2
    if study.ProcedureCodes:
        ds.ProcedureCodeSequence = code_sequence(study.ProcedureCodes)
    set_if(ds, "PhysiciansOfRecord", list(study.PhysiciansOfRecord))
    set_if(ds, "NameOfPhysiciansReadingStudy", list(study.NameOfPhysiciansReadingStudy))
    if study.ReferencedStudies:
        ds.ReferencedStudySequence = [_sop_ref(c, i) for c, i in study.ReferencedStudies]


def _sop_ref(sop_class: str, sop_instance: str) -> Dataset:
    item = Dataset()
    item.ReferencedSOPClassUID = sop_class
    item.ReferencedSOPInstanceUID = sop_instance
    return item


def patient_study(ds: Dataset, patient: PatientInfo, study: StudyInfo, order: OrderInfo | None = None) -> None:
    """Patient Study module, PS3.3 C.7.2.2 (with the visit's Admission ID from the order)."""
    set_if(ds, "AdmittingDiagnosesDescription", patient.AdmittingDiagnosesDescription)
    if patient.AdmittingDiagnosesCodes:
        ds.AdmittingDiagnosesCodeSequence = code_sequence(patient.AdmittingDiagnosesCodes)
    set_if(ds, "PatientAge", patient.PatientAge or patient_age(patient.PatientBirthDate, study.StudyDate))
    if patient.PatientSize is not None:
        ds.PatientSize = ds_number(patient.PatientSize)
    if patient.PatientWeight is not None:
        ds.PatientWeight = ds_number(patient.PatientWeight)
    set_if(ds, "Occupation", patient.Occupation)
    set_if(ds, "AdditionalPatientHistory", patient.AdditionalPatientHistory)
    if order is not None:
        set_if(ds, "AdmissionID", order.AdmissionID)
    if patient.PregnancyStatus is not None:
        if patient.PregnancyStatus not in (1, 2, 3, 4):
            raise ValueError("Pregnancy Status (0010,21C0) is 1, 2, 3 or 4 (PS3.3 C.7.2.2)")
        ds.PregnancyStatus = patient.PregnancyStatus
    if patient.animal is not None:
        ds.PatientSexNeutered = enums.convert(
            enums.NeuteredStatus, patient.animal.PatientSexNeutered, "Patient's Sex Neutered (0010,2203)"
        ).value


def general_series(
    ds: Dataset,
    series: SeriesInfo,
    modality: str,
    performed_step: PerformedStepInfo | None,
    order: OrderInfo | None,
    BodyPartExamined: str = "",
    patient_animal: AnimalInfo | None = None,
) -> None:
    """General Series module, PS3.3 C.7.3.1, with the order's Request Attributes Sequence and the
    performed procedure step's attributes."""
    if not series.SeriesInstanceUID:
        raise ValueError("Series Instance UID (0020,000E) is Type 1 (PS3.3 C.7.3.1)")
    ds.Modality = modality
    ds.SeriesInstanceUID = series.SeriesInstanceUID
    ds.SeriesNumber = series.SeriesNumber
    set_if(ds, "SeriesDate", da(series.SeriesDate))
    set_if(ds, "SeriesTime", tm(series.SeriesTime))
    set_if(ds, "SeriesDescription", series.SeriesDescription)
    set_if(ds, "ProtocolName", series.ProtocolName)
    set_if(ds, "OperatorsName", list(series.OperatorsName))
    set_if(ds, "PerformingPhysicianName", list(series.PerformingPhysicianName))
    set_if(ds, "BodyPartExamined", BodyPartExamined)
    if patient_animal is not None:
        # Type 1C for a non-human patient (PS3.3 C.7.3.1): it says which direction terms apply.
        if patient_animal.AnatomicalOrientationType not in ("QUADRUPED", "BIPED"):
            raise ValueError("Anatomical Orientation Type (0010,2210) is QUADRUPED or BIPED (PS3.3 C.7.3.1)")
        ds.AnatomicalOrientationType = patient_animal.AnatomicalOrientationType
    if performed_step is not None:
        started = performed_step.PerformedProcedureStepStartDateTime
        ds.PerformedProcedureStepID = performed_step.PerformedProcedureStepID
        ds.PerformedProcedureStepStartDate = da(started)
        ds.PerformedProcedureStepStartTime = tm(started)
        set_if(ds, "PerformedProcedureStepDescription", performed_step.PerformedProcedureStepDescription)
        if performed_step.PerformedProtocolCodes:
            ds.PerformedProtocolCodeSequence = code_sequence(performed_step.PerformedProtocolCodes)
    if order is not None:
        # VXvue also copies Requested Procedure Priority into the series; no IOD has it there.
        ds.RequestAttributesSequence = [request_attributes(order)]


def request_attributes(order: OrderInfo) -> Dataset:
    """One Request Attributes Sequence item (PS3.3 C.4.10 / Table 10-9) from the worklist order."""
    if not order.RequestedProcedureID and not order.ScheduledProcedureStepID:
        raise ValueError(
            "an order needs a Requested Procedure ID (0040,1001) or a Scheduled Procedure Step ID "
            "(0040,0009) to be referenced in Request Attributes Sequence"
        )
    item = Dataset()
    set_if(item, "AccessionNumber", order.AccessionNumber)
    set_if(item, "StudyInstanceUID", order.StudyInstanceUID)
    if order.RequestedProcedureCode:
        item.RequestedProcedureCodeSequence = [code_item(order.RequestedProcedureCode)]
    set_if(item, "RequestedProcedureID", order.RequestedProcedureID)
    set_if(item, "RequestedProcedureDescription", order.RequestedProcedureDescription)
    set_if(item, "ReasonForTheRequestedProcedure", order.ReasonForTheRequestedProcedure)
    if order.ReasonForRequestedProcedureCode is not None:
        item.ReasonForRequestedProcedureCodeSequence = [code_item(order.ReasonForRequestedProcedureCode)]
    set_if(item, "ScheduledProcedureStepID", order.ScheduledProcedureStepID)
    set_if(item, "ScheduledProcedureStepDescription", order.ScheduledProcedureStepDescription)
    if order.ScheduledProtocolCodes:
        item.ScheduledProtocolCodeSequence = code_sequence(order.ScheduledProtocolCodes)
    return item


def referenced_performed_step(ds: Dataset, performed_step: PerformedStepInfo | None) -> None:
    """Referenced Performed Procedure Step Sequence (DX/MG Series). We always fill it when the
    exam ran under an MPPS, so the RIS can tie images to the step."""
    if performed_step is not None:
        ds.ReferencedPerformedProcedureStepSequence = [
            _sop_ref(MPPS_SOP_CLASS, performed_step.SOPInstanceUID)
        ]


def general_equipment(ds: Dataset, equipment: EquipmentInfo, detector: DetectorInfo | None = None) -> None:
    """General Equipment module, PS3.3 C.7.5.1: this console and the room's calibration."""
    ds.Manufacturer = equipment.Manufacturer
    set_if(ds, "InstitutionName", equipment.InstitutionName)
    set_if(ds, "InstitutionAddress", equipment.InstitutionAddress)
    ds.StationName = equipment.StationName  # VXvue writes it as Type 2
    set_if(ds, "InstitutionalDepartmentName", equipment.InstitutionalDepartmentName)
    set_if(ds, "ManufacturerModelName", equipment.ManufacturerModelName)
    set_if(ds, "DeviceSerialNumber", equipment.DeviceSerialNumber)
    versions = list(equipment.SoftwareVersions) + list(detector.SoftwareVersions if detector else ())
    set_if(ds, "SoftwareVersions", versions)
    when = equipment.DateTimeOfLastCalibration
    if when is not None:
        ds.DateOfLastCalibration = da(when)
        ds.TimeOfLastCalibration = tm(when)


def sop_common(ds: Dataset, sop_class: str, sop_instance: str, created: datetime) -> None:
    """SOP Common module, PS3.3 C.12.1 (Specific Character Set is set when the text is known)."""
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_instance
    ds.InstanceCreationDate = da(created)
    ds.InstanceCreationTime = tm(created)
    ds.InstanceCreatorUID = ImplementationClassUID
    if created.utcoffset() is not None:
        ds.TimezoneOffsetFromUTC = created.strftime("%z")


def acquisition_dose(ds: Dataset, exposure: ExposureInfo) -> None:
    """X-Ray Acquisition Dose (C.8.7.8), X-Ray Generation (C.8.7.7), X-Ray Filtration (C.8.7.10)
    and X-Ray Grid (C.8.7.11) modules from what the generator reported."""
    if exposure.KVP <= 0 or exposure.XRayTubeCurrentInmA < 0 or exposure.ExposureTimeInms < 0:
        raise ValueError("KVP must be positive and tube current/exposure time not negative")
    mas = exposure.mAs
    ds.KVP = ds_number(exposure.KVP)
    ds.XRayTubeCurrent = round(exposure.XRayTubeCurrentInmA)
    ds.XRayTubeCurrentInuA = ds_number(exposure.XRayTubeCurrentInmA * 1000)
    ds.ExposureTime = round(exposure.ExposureTimeInms)
    ds.ExposureTimeInuS = ds_number(exposure.ExposureTimeInms * 1000)
    ds.Exposure = round(mas)
    ds.ExposureInuAs = round(mas * 1000)
    if exposure.DistanceSourceToDetector is not None:
        ds.DistanceSourceToDetector = ds_number(exposure.DistanceSourceToDetector)
    if exposure.DistanceSourceToPatient is not None:
        ds.DistanceSourceToPatient = ds_number(exposure.DistanceSourceToPatient)
    if exposure.ImageAndFluoroscopyAreaDoseProduct is not None:
        ds.ImageAndFluoroscopyAreaDoseProduct = ds_number(exposure.ImageAndFluoroscopyAreaDoseProduct)
    if exposure.BodyPartThickness is not None:
        ds.BodyPartThickness = ds_number(exposure.BodyPartThickness)
    if exposure.RelativeXRayExposure is not None:
        ds.RelativeXRayExposure = exposure.RelativeXRayExposure
    if exposure.EntranceDoseInmGy is not None:
        ds.EntranceDoseInmGy = ds_number(exposure.EntranceDoseInmGy)
    if exposure.HalfValueLayer is not None:
        ds.HalfValueLayer = ds_number(exposure.HalfValueLayer)
    if exposure.OrganDose is not None:
        ds.OrganDose = ds_number(exposure.OrganDose)
    set_if(ds, "AnodeTargetMaterial", exposure.AnodeTargetMaterial and enums.convert(
        enums.AnodeTargetMaterial, exposure.AnodeTargetMaterial, "Anode Target Material (0018,1191)").value)
    if exposure.ExposureControlMode:
        ds.ExposureControlMode = enums.convert(
            enums.ExposureControlMode, exposure.ExposureControlMode, "Exposure Control Mode (0018,7060)"
        ).value
    set_if(ds, "ExposureControlModeDescription", exposure.ExposureControlModeDescription)
    set_if(ds, "FocalSpots", [ds_number(f) for f in exposure.FocalSpots])
    set_if(ds, "FilterType", exposure.FilterType)
    set_if(ds, "FilterMaterial", list(exposure.FilterMaterial))
    if exposure.FilterThicknessMinimum is not None:
        ds.FilterThicknessMinimum = ds_number(exposure.FilterThicknessMinimum)
    if exposure.FilterThicknessMaximum is not None:
        ds.FilterThicknessMaximum = ds_number(exposure.FilterThicknessMaximum)
    set_if(ds, "Grid", list(exposure.Grid))
    ds.IrradiationEventUID = ([exposure.IrradiationEventUID, *exposure.OtherIrradiationEventUIDs]
                              if exposure.OtherIrradiationEventUIDs
                              else exposure.IrradiationEventUID)


def dx_detector(ds: Dataset, detector: DetectorInfo, rotation: int) -> None:
    """DX Detector module, PS3.3 C.8.11.4. A 90/270 degree rotation swaps the row and column
    spacing, since Imager Pixel Spacing is given for the image as stored."""
    ds.DetectorType = enums.convert(enums.DetectorType, detector.DetectorType, "Detector Type (0018,7004)").value
    set_if(ds, "DetectorConfiguration", detector.DetectorConfiguration)
    set_if(ds, "DetectorDescription", detector.DetectorDescription)
    set_if(ds, "DetectorMode", detector.DetectorMode)
    set_if(ds, "DetectorID", detector.DetectorID)
    when = detector.DateTimeOfLastDetectorCalibration
    if when is not None:
        ds.DateOfLastDetectorCalibration = da(when)
        ds.TimeOfLastDetectorCalibration = tm(when)
    if detector.DetectorTemperature is not None:
        ds.DetectorTemperature = ds_number(detector.DetectorTemperature)
    swap = (rotation // 90) % 2 == 1
    spacing = list(detector.ImagerPixelSpacing)
    if len(spacing) != 2 or min(spacing) <= 0:
        raise ValueError("Imager Pixel Spacing (0018,1164) is Type 1: two positive values in mm (PS3.3 C.8.11.4)")
    binning = list(detector.DetectorBinning)
    if swap:
        spacing.reverse()
        binning.reverse()
    ds.ImagerPixelSpacing = [ds_number(s) for s in spacing]
    ds.DetectorBinning = [ds_number(b) for b in binning]
    set_if(ds, "DetectorManufacturerName", detector.DetectorManufacturerName)
    set_if(ds, "DetectorManufacturerModelName", detector.DetectorManufacturerModelName)
    if detector.DetectorElementPhysicalSize:
        ds.DetectorElementPhysicalSize = [ds_number(s) for s in detector.DetectorElementPhysicalSize]
    if detector.DetectorElementSpacing:
        ds.DetectorElementSpacing = [ds_number(s) for s in detector.DetectorElementSpacing]
    set_if(ds, "DetectorActiveShape", detector.DetectorActiveShape)
    if detector.DetectorActiveDimensions:
        ds.DetectorActiveDimensions = [ds_number(s) for s in detector.DetectorActiveDimensions]

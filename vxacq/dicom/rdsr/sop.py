"""The study's dose report: one X-Ray Radiation Dose SR per study, every exposure in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, XRayRadiationDoseSRStorage

from vxacq.dicom import charset, modules, part10
from vxacq.dicom.inputs import (
    Acquisition,
    EquipmentInfo,
    ImageRef,
    OrderInfo,
    PatientInfo,
    PerformedStepInfo,
    SeriesInfo,
    StudyInfo,
)
from vxacq.dicom.rdsr.templates import ProjectionXRayRadiationDose
from vxacq.dicom.uids import new_uid

# VXvue puts the dose report in series 9999, after every image series of the study.
DOSE_SERIES_NUMBER = 9999


class XRayRadiationDoseSR(Dataset):
    """X-Ray Radiation Dose SR (PS3.3 A.35.8): Patient, General Study, Patient Study, SR Document
    Series, General Equipment, Enhanced General Equipment, SR Document General, SR Document
    Content (TID 10001) and SOP Common.

    ``acquisitions`` are all exposures of the study in the order they were made, rejected ones
    included. ``mammography`` reports the procedure as Mammography instead of Projection X-Ray.
    ``CompletionFlag`` is COMPLETE once the study is closed, PARTIAL while it may still grow.
    """

    def __init__(
        self,
        *,
        patient: PatientInfo,
        study: StudyInfo,
        equipment: EquipmentInfo,
        acquisitions: Sequence[Acquisition],
        series: SeriesInfo | None = None,
        order: OrderInfo | None = None,
        performed_step: PerformedStepInfo | None = None,
        mammography: bool = False,
        CompletionFlag: str = "COMPLETE",
        InstanceNumber: int = 1,
        SOPInstanceUID: str | None = None,
        ContentDateTime: datetime | None = None,
    ) -> None:
        super().__init__()
        if CompletionFlag not in ("COMPLETE", "PARTIAL"):
            raise ValueError(f"Completion Flag {CompletionFlag!r} is COMPLETE or PARTIAL (PS3.3 C.17.2)")
        for what in ("Manufacturer", "ManufacturerModelName", "DeviceSerialNumber", "SoftwareVersions"):
            if not getattr(equipment, what):
                raise ValueError(f"{what} is Type 1 in the Enhanced General Equipment module (PS3.3 C.7.5.2)")
        # The report's time zone: ContentDateTime's when it has one, else the station's.
        zone = ContentDateTime.tzinfo if ContentDateTime is not None and ContentDateTime.utcoffset() is not None else None
        created = datetime.now().astimezone(zone)
        content_time = ContentDateTime.astimezone(created.tzinfo) if zone else (ContentDateTime or created)
        series = series or SeriesInfo(
            SeriesInstanceUID=new_uid(), SeriesNumber=DOSE_SERIES_NUMBER,
            SeriesDate=content_time.date(), SeriesTime=content_time.time(),
            SeriesDescription="Radiation Dose Report",
        )

        modules.patient_module(self, patient)
        modules.general_study(self, study)
        modules.patient_study(self, patient, study, order)
        modules.general_series(self, series, "SR", performed_step=None, order=None)
        # SR Document Series (C.17.1): Referenced Performed Procedure Step Sequence is Type 2
        self.ReferencedPerformedProcedureStepSequence = []
        modules.referenced_performed_step(self, performed_step)
        modules.general_equipment(self, equipment)

        # SR Document General (C.17.2)
        self.InstanceNumber = InstanceNumber
        self.CompletionFlag = CompletionFlag
        self.VerificationFlag = "UNVERIFIED"
        self.ContentDate = modules.da(content_time)
        self.ContentTime = modules.tm(content_time)
        if order is not None:
            self.ReferencedRequestSequence = [referenced_request(order)]
        self.PerformedProcedureCodeSequence = (
            modules.code_sequence(study.ProcedureCodes) if study.ProcedureCodes else []
        )
        images = [a.image for a in acquisitions if a.image is not None]
        if images:
            self.CurrentRequestedProcedureEvidenceSequence = [_evidence(study.StudyInstanceUID, images)]

        # SR Document Content (C.17.3): the TID 10001 tree
        root = ProjectionXRayRadiationDose(study.StudyInstanceUID, equipment, acquisitions, mammography,
                                          created.tzinfo)
        for element in root:
            self.add(element)

        modules.sop_common(self, XRayRadiationDoseSRStorage, SOPInstanceUID or new_uid(), created)
        charset.apply_character_set(self, equipment.SpecificCharacterSet, [order.SpecificCharacterSet] if order else ())
        # Native Explicit VR Little Endian until part10 or the network encodes it otherwise.
        self.file_meta = part10.file_meta(self, ExplicitVRLittleEndian)


def referenced_request(order: OrderInfo) -> Dataset:
    """A Referenced Request Sequence item (PS3.3 C.17.2, Table C.17-3)."""
    item = Dataset()
    item.StudyInstanceUID = order.StudyInstanceUID
    item.AccessionNumber = order.AccessionNumber
    item.ReferencedStudySequence = []
    item.RequestedProcedureID = order.RequestedProcedureID
    item.RequestedProcedureDescription = order.RequestedProcedureDescription
    modules.set_if(item, "ReasonForTheRequestedProcedure", order.ReasonForTheRequestedProcedure)
    if order.ReasonForRequestedProcedureCode is not None:
        item.ReasonForRequestedProcedureCodeSequence = [modules.code_item(order.ReasonForRequestedProcedureCode)]
    item.RequestedProcedureCodeSequence = (
        [modules.code_item(order.RequestedProcedureCode)] if order.RequestedProcedureCode else []
    )
    item.PlacerOrderNumberImagingServiceRequest = order.PlacerOrderNumberImagingServiceRequest
    item.FillerOrderNumberImagingServiceRequest = order.FillerOrderNumberImagingServiceRequest
    return item


def _evidence(study_uid: str, images: Sequence[ImageRef]) -> Dataset:
    """Current Requested Procedure Evidence Sequence item: the images the report refers to,
    grouped by series (PS3.3 C.17.2.2 Hierarchical SOP Instance Reference)."""
    study = Dataset()
    study.StudyInstanceUID = study_uid
    study.ReferencedSeriesSequence = []
    by_series: dict[str, list[ImageRef]] = {}
    for ref in images:
        by_series.setdefault(ref.SeriesInstanceUID, []).append(ref)
    for series_uid, refs in by_series.items():
        series = Dataset()
        series.SeriesInstanceUID = series_uid
        series.ReferencedSOPSequence = []
        for ref in refs:
            item = Dataset()
            item.ReferencedSOPClassUID = ref.SOPClassUID
            item.ReferencedSOPInstanceUID = ref.SOPInstanceUID
            series.ReferencedSOPSequence.append(item)
        study.ReferencedSeriesSequence.append(series)
    return study

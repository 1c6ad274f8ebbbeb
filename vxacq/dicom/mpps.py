"""Modality Performed Procedure Step datasets: the N-CREATE that starts an exam's step and the
N-SET that completes or discontinues it (PS3.4 F.7.2 and PS3.3 C.4.13–C.4.16, with the
attributes of the VXvue N-CREATE/N-SET tables).

Every Type 1 and Type 2 attribute F.7.2.1 requires is written (Type 2 empty when unknown).
A scheduled step references its order in the Scheduled Step Attributes Sequence; an
unscheduled exam (manual registration) has one item with only our Study Instance UID and every
other key empty, as F.7.2.2 asks. Appending a step to an exam is another N-CREATE for the
same order and study. The N-SET that ends a step lists every series and image (IHE Scheduled
Workflow needs the Performed Series Sequence the VXvue statement leaves empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset

from vxacq.config import StationConfig
from vxacq.dicom import charset, codes
from vxacq.dicom.inputs import OrderInfo, PatientInfo

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

IN_PROGRESS, COMPLETED, DISCONTINUED = "IN PROGRESS", "COMPLETED", "DISCONTINUED"
# Protocol Name is Type 1 in each series item; a discontinued step's series may have none.
UNKNOWN_PROTOCOL = "Unknown"


@dataclass(frozen=True)
class PerformedSeries:
    """One series acquired under the step, and its instances as (SOP Class, SOP Instance)."""

    SeriesInstanceUID: str
    ProtocolName: str = ""
    SeriesDescription: str = ""
    OperatorsName: tuple[str, ...] = ()
    PerformingPhysicianName: tuple[str, ...] = ()
    RetrieveAETitle: str = ""
    images: tuple[tuple[str, str], ...] = ()
    non_images: tuple[tuple[str, str], ...] = ()  # e.g. the dose report


@dataclass(frozen=True)
class StepStart:
    """What the N-CREATE says. ``order`` is None for an unscheduled exam; then
    ``StudyInstanceUID`` is the one the console assigned."""

    PerformedProcedureStepID: str
    started: datetime
    patient: PatientInfo
    StudyInstanceUID: str
    order: OrderInfo | None = None
    StudyID: str = ""
    Modality: str = "DX"
    PerformedProcedureStepDescription: str = ""
    PerformedProcedureTypeDescription: str = ""
    ProcedureCodes: tuple[Code, ...] = ()
    PerformedProtocolCodes: tuple[Code, ...] = ()
    AdmissionID: str = ""


@dataclass(frozen=True)
class StepEnd:
    """What the final N-SET says: COMPLETED with its series, or DISCONTINUED with a CID 9300
    reason (a key of ``codes.DISCONTINUATION_REASONS`` or a Code)."""

    status: str
    ended: datetime
    series: tuple[PerformedSeries, ...] = ()
    discontinuation_reason: str | Code | None = None
    PerformedProcedureStepDescription: str = ""
    PerformedProcedureTypeDescription: str = ""
    ProcedureCodes: tuple[Code, ...] = ()
    PerformedProtocolCodes: tuple[Code, ...] = ()
    CommentsOnThePerformedProcedureStep: str = ""


def _code_item(code: Code) -> Dataset:
    item = Dataset()
    item.CodeValue = code.value
    item.CodingSchemeDesignator = code.scheme_designator
    if code.scheme_version:
        item.CodingSchemeVersion = code.scheme_version
    item.CodeMeaning = code.meaning
    return item


def _scheduled_step(start: StepStart) -> Dataset:
    item = Dataset()
    order = start.order
    item.StudyInstanceUID = start.StudyInstanceUID
    if order is None:  # F.7.2.2: unscheduled — only our Study Instance UID, the rest empty
        item.ReferencedStudySequence = []
        item.AccessionNumber = ""
        item.RequestedProcedureID = ""
        item.RequestedProcedureDescription = ""
        item.ScheduledProcedureStepID = ""
        item.ScheduledProcedureStepDescription = ""
        item.ScheduledProtocolCodeSequence = []
        return item
    refs = []
    for sop_class, sop_instance in order.ReferencedStudies:
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = sop_instance
        refs.append(ref)
    item.ReferencedStudySequence = refs
    item.AccessionNumber = order.AccessionNumber
    item.RequestedProcedureID = order.RequestedProcedureID
    item.RequestedProcedureDescription = order.RequestedProcedureDescription
    item.ScheduledProcedureStepID = order.ScheduledProcedureStepID
    item.ScheduledProcedureStepDescription = order.ScheduledProcedureStepDescription
    item.ScheduledProtocolCodeSequence = [_code_item(c) for c in order.ScheduledProtocolCodes]
    if order.PlacerOrderNumberImagingServiceRequest:
        item.PlacerOrderNumberImagingServiceRequest = order.PlacerOrderNumberImagingServiceRequest
    if order.FillerOrderNumberImagingServiceRequest:
        item.FillerOrderNumberImagingServiceRequest = order.FillerOrderNumberImagingServiceRequest
    return item


def n_create(start: StepStart, station: StationConfig, received_sets: tuple[str, ...] = ()) -> Dataset:
    """The N-CREATE attribute list (status IN PROGRESS), character set chosen for its text."""
    ds = Dataset()
    patient = start.patient
    ds.ScheduledStepAttributesSequence = [_scheduled_step(start)]
    ds.PatientName = patient.PatientName
    ds.PatientID = patient.PatientID
    if patient.IssuerOfPatientID:
        ds.IssuerOfPatientID = patient.IssuerOfPatientID
    ds.PatientBirthDate = patient.PatientBirthDate.strftime("%Y%m%d") if patient.PatientBirthDate else ""
    ds.PatientSex = patient.PatientSex
    ds.ReferencedPatientSequence = []
    ds.AdmissionID = start.AdmissionID or (start.order.AdmissionID if start.order else "")
    ds.IssuerOfAdmissionIDSequence = []
    ds.PerformedProcedureStepID = start.PerformedProcedureStepID
    ds.PerformedStationAETitle = station.ae_title
    ds.PerformedStationName = station.station_name
    ds.PerformedLocation = station.institutional_department_name or station.institution_name
    ds.PerformedProcedureStepStartDate = start.started.strftime("%Y%m%d")
    ds.PerformedProcedureStepStartTime = start.started.strftime("%H%M%S")
    ds.PerformedProcedureStepStatus = IN_PROGRESS
    ds.PerformedProcedureStepDescription = start.PerformedProcedureStepDescription
    ds.PerformedProcedureTypeDescription = start.PerformedProcedureTypeDescription
    ds.ProcedureCodeSequence = [_code_item(c) for c in start.ProcedureCodes]
    ds.PerformedProcedureStepEndDate = ""
    ds.PerformedProcedureStepEndTime = ""
    ds.Modality = start.Modality
    ds.StudyID = start.StudyID
    ds.PerformedProtocolCodeSequence = [_code_item(c) for c in start.PerformedProtocolCodes]
    ds.PerformedSeriesSequence = []
    received = received_sets + ((start.order.SpecificCharacterSet,) if start.order else ())
    charset.apply_character_set(ds, station.character_set, received)
    return ds


def _series_item(series: PerformedSeries) -> Dataset:
    item = Dataset()
    item.PerformingPhysicianName = list(series.PerformingPhysicianName)
    item.ProtocolName = series.ProtocolName or UNKNOWN_PROTOCOL
    item.OperatorsName = list(series.OperatorsName)
    item.SeriesInstanceUID = series.SeriesInstanceUID
    item.SeriesDescription = series.SeriesDescription
    item.RetrieveAETitle = series.RetrieveAETitle
    images = []
    for sop_class, sop_instance in series.images:
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = sop_instance
        images.append(ref)
    item.ReferencedImageSequence = images
    others = []
    for sop_class, sop_instance in series.non_images:
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = sop_instance
        others.append(ref)
    item.ReferencedNonImageCompositeSOPInstanceSequence = others
    return item


def discontinuation_code(reason: str | Code) -> Code:
    """A CID 9300 code from its key in ``codes.DISCONTINUATION_REASONS`` (or a Code as is)."""
    from pydicom.sr.coding import Code

    if isinstance(reason, Code):
        return reason
    try:
        return codes.DISCONTINUATION_REASONS[reason]
    except KeyError:
        known = ", ".join(sorted(codes.DISCONTINUATION_REASONS))
        raise ValueError(f"'{reason}' is not a CID 9300 discontinuation reason ({known})") from None


def n_set(end: StepEnd, station: StationConfig, received_sets: tuple[str, ...] = ()) -> Dataset:
    """The final N-SET attribute list: COMPLETED (at least one series, F.7.2.1.2) or
    DISCONTINUED (with its reason, PS3.3 C.4.14)."""
    if end.status not in (COMPLETED, DISCONTINUED):
        raise ValueError(f"an MPPS ends COMPLETED or DISCONTINUED, not '{end.status}'")
    if end.status == COMPLETED and not end.series:
        raise ValueError("a COMPLETED step lists at least one series (PS3.4 F.7.2.1.2); "
                         "discontinue a step that acquired nothing")
    ds = Dataset()
    ds.PerformedProcedureStepStatus = end.status
    ds.PerformedProcedureStepEndDate = end.ended.strftime("%Y%m%d")
    ds.PerformedProcedureStepEndTime = end.ended.strftime("%H%M%S")
    ds.PerformedProcedureStepDescription = end.PerformedProcedureStepDescription
    ds.PerformedProcedureTypeDescription = end.PerformedProcedureTypeDescription
    ds.ProcedureCodeSequence = [_code_item(c) for c in end.ProcedureCodes]
    ds.PerformedProtocolCodeSequence = [_code_item(c) for c in end.PerformedProtocolCodes]
    ds.PerformedSeriesSequence = [_series_item(s) for s in end.series]
    if end.CommentsOnThePerformedProcedureStep:
        ds.CommentsOnThePerformedProcedureStep = end.CommentsOnThePerformedProcedureStep
    if end.status == DISCONTINUED:
        reason = discontinuation_code(end.discontinuation_reason or "DiscontinuedForUnspecifiedReason")
        ds.PerformedProcedureStepDiscontinuationReasonCodeSequence = [_code_item(reason)]
    charset.apply_character_set(ds, station.character_set, received_sets)
    return ds

"""A Modality Worklist answer (one C-FIND response) turned into the builders' typed inputs.

The answer is decoded with its own Specific Character Set, or the node's fallback when the SCP
sent none, so the patient's name arrives as the characters the RIS holds. The set it came in is
kept on the order so the image can be written in it when the station's preferred set cannot
carry the text. Malformed optional values (a birth date like ``19710230``) are dropped with a
warning rather than blocking the exam; identity values are kept verbatim.
"""

from __future__ import annotations

import copy
import logging
from datetime import date, datetime

from pydicom.dataset import Dataset
from pydicom.sr.coding import Code

from vxacq.dicom import charset
from vxacq.dicom.inputs import AnimalInfo, OrderInfo, PatientInfo
from vxacq.logs import phi

log = logging.getLogger(__name__)


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword)
    return "" if value is None else str(value)


def _code(item: Dataset) -> Code | None:
    value = item.get("CodeValue") or item.get("LongCodeValue") or item.get("URNCodeValue")
    if not value or not item.get("CodingSchemeDesignator"):
        return None
    return Code(str(value), str(item.CodingSchemeDesignator), str(item.get("CodeMeaning", "")),
                item.get("CodingSchemeVersion") or None)


def _codes(ds: Dataset, keyword: str) -> tuple[Code, ...]:
    return tuple(c for c in (_code(i) for i in ds.get(keyword) or []) if c is not None)


def _first_code(ds: Dataset, keyword: str) -> Code | None:
    found = _codes(ds, keyword)
    return found[0] if found else None


def _date(ds: Dataset, keyword: str, who: str) -> date | None:
    raw = _text(ds, keyword).strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw[:8], "%Y%m%d").date()
    except ValueError:
        log.warning("worklist item for %s: %s %r is not a date; left empty", phi(who), keyword, raw)
        return None


def _float(ds: Dataset, keyword: str) -> float | None:
    raw = ds.get(keyword)
    try:
        return float(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        log.warning("worklist item: %s %r is not a number; left empty", keyword, raw)
        return None


def from_worklist_item(
    ds: Dataset, fallback_character_set: str | None = None, step: int = 0
) -> tuple[PatientInfo, OrderInfo]:
    """(patient, order) from one worklist answer; ``step`` picks the Scheduled Procedure Step
    Sequence item when the answer carries several. ``ds`` itself is not changed."""
    ds = copy.deepcopy(ds)
    received_set = ds.get("SpecificCharacterSet") or fallback_character_set or ""
    if not isinstance(received_set, str):
        received_set = "\\".join(received_set)
    charset.decode_received(ds, fallback_character_set)

    who = _text(ds, "PatientID")
    steps = ds.get("ScheduledProcedureStepSequence") or []
    if steps and not 0 <= step < len(steps):
        raise ValueError(f"worklist item has {len(steps)} scheduled steps; step {step} does not exist")
    sps = steps[step] if steps else Dataset()

    animal = None
    if "PatientSpeciesDescription" in ds or "PatientSpeciesCodeSequence" in ds:
        animal = AnimalInfo(
            PatientSpeciesDescription=_text(ds, "PatientSpeciesDescription"),
            PatientSpeciesCode=_first_code(ds, "PatientSpeciesCodeSequence"),
            PatientBreedDescription=_text(ds, "PatientBreedDescription"),
            PatientBreedCode=_first_code(ds, "PatientBreedCodeSequence"),
            BreedRegistrations=tuple(
                (str(r.get("BreedRegistrationNumber", "")), c)
                for r in ds.get("BreedRegistrationSequence") or []
                for c in _codes(r, "BreedRegistryCodeSequence")[:1]
            ),
            ResponsiblePerson=_text(ds, "ResponsiblePerson"),
            ResponsiblePersonRole=_text(ds, "ResponsiblePersonRole"),
            ResponsibleOrganization=_text(ds, "ResponsibleOrganization"),
            PatientSexNeutered=_text(ds, "PatientSexNeutered"),
        )
    sex = _text(ds, "PatientSex").upper()
    if sex not in ("M", "F", "O", ""):
        log.warning("worklist item for %s: Patient's Sex %r is not M, F or O; left empty", phi(who), sex)
        sex = ""
    pregnancy = ds.get("PregnancyStatus")
    patient = PatientInfo(
        PatientName=_text(ds, "PatientName"),
        PatientID=who,
        IssuerOfPatientID=_text(ds, "IssuerOfPatientID"),
        PatientBirthDate=_date(ds, "PatientBirthDate", who),
        PatientSex=sex,
        OtherPatientIDs=tuple(str(i.get("PatientID", "")) for i in ds.get("OtherPatientIDsSequence") or []),
        EthnicGroup=_text(ds, "EthnicGroup"),
        PatientComments=_text(ds, "PatientComments"),
        PatientSize=_float(ds, "PatientSize"),
        PatientWeight=_float(ds, "PatientWeight"),
        AdditionalPatientHistory=_text(ds, "AdditionalPatientHistory"),
        AdmittingDiagnosesDescription=_text(ds, "AdmittingDiagnosesDescription"),
        AdmittingDiagnosesCodes=_codes(ds, "AdmittingDiagnosesCodeSequence"),
        PregnancyStatus=int(pregnancy) if pregnancy in (1, 2, 3, 4) else None,
        animal=animal,
    )
    priority = _text(ds, "RequestedProcedurePriority").upper()
    order = OrderInfo(
        AccessionNumber=_text(ds, "AccessionNumber"),
        StudyInstanceUID=_text(ds, "StudyInstanceUID"),
        RequestedProcedureID=_text(ds, "RequestedProcedureID"),
        RequestedProcedureDescription=_text(ds, "RequestedProcedureDescription"),
        RequestedProcedureCode=_first_code(ds, "RequestedProcedureCodeSequence"),
        RequestedProcedurePriority=priority if priority in ("STAT", "HIGH", "ROUTINE", "MEDIUM", "LOW") else "",
        ReasonForTheRequestedProcedure=_text(ds, "ReasonForTheRequestedProcedure"),
        ReasonForRequestedProcedureCode=_first_code(ds, "ReasonForRequestedProcedureCodeSequence"),
        ScheduledProcedureStepID=_text(sps, "ScheduledProcedureStepID"),
        ScheduledProcedureStepDescription=_text(sps, "ScheduledProcedureStepDescription"),
        ScheduledProtocolCodes=_codes(sps, "ScheduledProtocolCodeSequence"),
        ReferringPhysicianName=_text(ds, "ReferringPhysicianName"),
        RequestingPhysician=_text(ds, "RequestingPhysician"),
        RequestingService=_text(ds, "RequestingService"),
        AdmissionID=_text(ds, "AdmissionID"),
        PlacerOrderNumberImagingServiceRequest=_text(ds, "PlacerOrderNumberImagingServiceRequest"),
        FillerOrderNumberImagingServiceRequest=_text(ds, "FillerOrderNumberImagingServiceRequest"),
        ReferencedStudies=tuple(
            (str(r.ReferencedSOPClassUID), str(r.ReferencedSOPInstanceUID))
            for r in ds.get("ReferencedStudySequence") or []
            if r.get("ReferencedSOPClassUID") and r.get("ReferencedSOPInstanceUID")
        ),
        SpecificCharacterSet=received_set,
    )
    return patient, order

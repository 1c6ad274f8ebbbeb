"""De-identification by the Basic Application Level Confidentiality Profile of PS3.15 Annex E,
with its Clean Structured Content Option.

:data:`BASIC_PROFILE` transcribes the Basic Profile column of PS3.15 Table E.1-1 ("Application
Level Confidentiality Profile Attributes", DICOM 2024b,
https://dicom.nema.org/medical/dicom/2024b/output/chtml/part15/chapter_E.html#table_E.1-1) for
every attribute of the table that VXacq's objects (DX, MG, X-Ray Radiation Dose SR, Grayscale
Softcopy Presentation State, Key Object Selection) can carry, and for the attributes of the
table that identify a patient, a person, an institution or a request in objects in general
(demographics, physicians, visit, order, scheduling, free-text comments). The actions (PS3.15
E.3.1):

- ``D`` replace with a non-empty dummy value of the VR; ``Z`` replace with an empty value;
  ``X`` remove; ``K`` keep; ``C`` clean; ``U`` replace the UID by one that stays consistent
  within the set exported together.
- The table's conditional actions are resolved here for these IODs: ``Z/D`` → ``D`` (Patient
  ID: a pseudonym, so a set with several patients keeps them apart; Content Date/Time are
  Type 1 in SR); ``X/Z`` → ``X``; ``X/D`` → ``X``; ``X/Z/D`` → ``Z``; ``X/Z/U*`` → the
  sequence kept with every UID in it replaced (references inside the set stay intact); ``X/D``
  of an attribute Type 1 in our IODs (Presentation Creation Date and Time) → ``D``. Where an
  attribute removed this way is Type 2 where it occurs (:data:`TYPE2_WHERE`), it is kept empty
  instead: that discloses nothing more, and the object stays valid.

Beyond the table: private attributes and overlays (60xx, Overlay Data and Comments are X) are
removed; Content Sequence (``D`` in the table) is cleaned instead under the Clean Structured
Content Option (113104): the items are kept and the table is applied inside them (person names,
dates, UIDs, text), so a dose report's dose values survive. Patient Identity Removed (0012,0062)
is set to YES, De-identification Method (0012,0063) and its Code Sequence (0012,0064) name the
profile (113100) and the option (113104).

An image whose pixels carry burned-in annotation (Burned In Annotation YES) is refused: this
profile does not clean pixels (that is the Clean Pixel Data Option, which VXacq does not
offer).
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Callable

from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.datadict import keyword_for_tag, tag_for_keyword

from vxacq.dicom import codes
from vxacq.dicom.modules import code_item

SOURCE = ("PS3.15 2024b Table E.1-1, Basic Profile column "
          "(https://dicom.nema.org/medical/dicom/2024b/output/chtml/part15/"
          "chapter_E.html#table_E.1-1)")

METHOD = "DICOM PS3.15 E.1 Basic Profile, Clean Structured Content"  # LO: 64 at most

#: keyword → action of the Basic Profile (conditional ones resolved as the docstring says).
BASIC_PROFILE: dict[str, str] = {
    # --- patient ---
    "PatientName": "Z", "PatientID": "D", "IssuerOfPatientID": "X", "PatientBirthDate": "Z",
    "PatientBirthTime": "X", "PatientSex": "Z", "OtherPatientIDs": "X",
    "OtherPatientIDsSequence": "X", "OtherPatientNames": "X", "PatientBirthName": "X",
    "PatientMotherBirthName": "X", "PatientAge": "X", "PatientSize": "X", "PatientWeight": "X",
    "PatientAddress": "X", "PatientTelephoneNumbers": "X", "PatientTelecomInformation": "X",
    "MilitaryRank": "X", "BranchOfService": "X", "MedicalRecordLocator": "X",
    "MedicalAlerts": "X", "Allergies": "X", "CountryOfResidence": "X", "RegionOfResidence": "X",
    "EthnicGroup": "X", "Occupation": "X", "SmokingStatus": "X",
    "AdditionalPatientHistory": "X", "PregnancyStatus": "X", "LastMenstrualDate": "X",
    "PatientReligiousPreference": "X", "PatientComments": "X", "PatientState": "X",
    "PatientInsurancePlanCodeSequence": "X", "InsurancePlanIdentification": "X",
    "ReferencedPatientSequence": "X", "ReferencedPatientPhotoSequence": "X",
    "ResponsiblePerson": "X", "ResponsibleOrganization": "X", "PatientSexNeutered": "Z",
    "PatientInstitutionResidence": "X", "SpecialNeeds": "X",
    "PatientTransportArrangements": "X",
    # --- visit and admission ---
    "AdmissionID": "X", "IssuerOfAdmissionID": "X", "IssuerOfAdmissionIDSequence": "X",
    "AdmittingDiagnosesDescription": "X", "AdmittingDiagnosesCodeSequence": "X",
    "AdmittingDate": "X", "AdmittingTime": "X", "DischargeDate": "X", "DischargeTime": "X",
    "DischargeDiagnosisDescription": "X", "CurrentPatientLocation": "X",
    "ServiceEpisodeID": "X", "ServiceEpisodeDescription": "X", "VisitComments": "X",
    # --- study, series, instance ---
    "StudyInstanceUID": "U", "SeriesInstanceUID": "U", "SOPInstanceUID": "U",
    # Z allows a dummy value (E.3.1), and the DICOMDIR's STUDY record needs these (Type 1):
    "StudyDate": "D", "StudyTime": "D", "StudyID": "D", "AccessionNumber": "Z",
    "StudyDescription": "X", "SeriesDescription": "X", "StudyComments": "X",
    "SeriesDate": "X", "SeriesTime": "X", "AcquisitionDate": "Z", "AcquisitionTime": "Z",
    "AcquisitionDateTime": "Z", "ContentDate": "D", "ContentTime": "D",
    "InstanceCreationDate": "X", "InstanceCreationTime": "Z", "InstanceCreatorUID": "U",
    "TimezoneOffsetFromUTC": "X", "ProtocolName": "X", "ImageComments": "X",
    "DerivationDescription": "X", "AcquisitionComments": "X", "FrameComments": "X",
    "IrradiationEventUID": "U", "FrameOfReferenceUID": "U", "DeviceUID": "U",
    "ReferencedSOPInstanceUID": "U", "TransactionUID": "U", "UID": "U",
    "ReferencedStudySequence": "X", "ReferencedImageSequence": "U*",
    "SourceImageSequence": "U*", "IconImageSequence": "X",
    # --- physicians and operators ---
    "ReferringPhysicianName": "Z", "ReferringPhysicianAddress": "X",
    "ReferringPhysicianTelephoneNumbers": "X",
    "ReferringPhysicianIdentificationSequence": "X", "ConsultingPhysicianName": "Z",
    "PerformingPhysicianName": "X", "PerformingPhysicianIdentificationSequence": "X",
    "PhysiciansOfRecord": "X", "PhysiciansOfRecordIdentificationSequence": "X",
    "NameOfPhysiciansReadingStudy": "X", "PhysiciansReadingStudyIdentificationSequence": "X",
    "OperatorsName": "Z", "OperatorIdentificationSequence": "X", "RequestingPhysician": "X",
    "RequestingService": "X", "ContentCreatorName": "D",
    "ContentCreatorIdentificationCodeSequence": "X", "PersonName": "D",
    "PersonIdentificationCodeSequence": "D", "VerifyingObserverName": "D",
    "VerifyingObserverSequence": "D", "VerifyingOrganization": "D",
    "AuthorObserverSequence": "X", "ParticipantSequence": "X",
    # --- equipment and institution ---
    "InstitutionName": "Z", "InstitutionAddress": "X", "InstitutionalDepartmentName": "X",
    "InstitutionCodeSequence": "Z", "StationName": "Z", "StationAETitle": "X",
    "DeviceSerialNumber": "Z", "DetectorID": "X", "DateOfLastCalibration": "X",
    "TimeOfLastCalibration": "X", "DateOfLastDetectorCalibration": "X",
    "TimeOfLastDetectorCalibration": "X", "PlateID": "X", "CassetteID": "X",
    "GeneratorID": "X", "GantryID": "X", "UniqueDeviceIdentifier": "X", "UDISequence": "X",
    "AcquisitionDeviceProcessingDescription": "X", "RetrieveAETitle": "X",
    # --- the request and the procedure steps ---
    "RequestAttributesSequence": "X", "RequestedProcedureID": "X",
    "RequestedProcedureDescription": "X", "RequestedProcedureComments": "X",
    "ReasonForTheRequestedProcedure": "X", "ReasonForRequestedProcedureCodeSequence": "X",
    "ReasonForStudy": "X", "ImagingServiceRequestComments": "X",
    "PlacerOrderNumberImagingServiceRequest": "Z",
    "FillerOrderNumberImagingServiceRequest": "Z", "OrderEnteredBy": "X",
    "OrderEntererLocation": "X", "OrderCallbackPhoneNumber": "X",
    "ScheduledProcedureStepID": "X", "ScheduledProcedureStepDescription": "X",
    "ScheduledProcedureStepStartDate": "X", "ScheduledProcedureStepStartTime": "X",
    "ScheduledStationAETitle": "X", "ScheduledStationName": "X",
    "ScheduledPerformingPhysicianName": "X", "PerformedProcedureStepID": "X",
    "PerformedProcedureStepStartDate": "X", "PerformedProcedureStepStartTime": "X",
    "PerformedProcedureStepEndDate": "X", "PerformedProcedureStepEndTime": "X",
    "PerformedProcedureStepDescription": "X", "PerformedStationAETitle": "X",
    "PerformedStationName": "X", "PerformedLocation": "X",
    "CommentsOnThePerformedProcedureStep": "X", "CommentsOnRadiationDose": "X",
    "ReferencedPerformedProcedureStepSequence": "X", "AcquisitionContextSequence": "Z",
    # --- structured and presentation content ---
    "DateTime": "D", "Date": "D", "Time": "D", "TextValue": "C", "ContentSequence": "C",
    "GraphicAnnotationSequence": "D", "PresentationCreationDate": "D",
    "PresentationCreationTime": "D", "IdentifyingComments": "X", "TextComments": "X",
    "TextString": "X",
}

#: (where, keyword) of attributes the profile removes that are Type 2 there: kept empty. Where
#: is the enclosing sequence's keyword, or the Modality for the top level.
TYPE2_WHERE: frozenset[tuple[str, str]] = frozenset({
    ("KO", "ReferencedPerformedProcedureStepSequence"),  # Key Object Document Series
    ("SR", "ReferencedPerformedProcedureStepSequence"),  # SR Document Series
    ("ReferencedRequestSequence", "ReferencedStudySequence"),  # SR Document General
    ("ReferencedRequestSequence", "RequestedProcedureID"),
    ("ReferencedRequestSequence", "RequestedProcedureDescription"),
})

# Dummy values by VR for "D" (PS3.15 E.3.1: non-empty, consistent with the VR).
_DUMMY = {"DA": "19000101", "TM": "000000", "DT": "19000101000000", "PN": "ANONYMOUS^ANONYMOUS",
          "LO": "ANONYMOUS", "SH": "ANONYMOUS", "CS": "ANONYMOUS", "LT": "ANONYMOUS",
          "ST": "ANONYMOUS", "UT": "ANONYMOUS", "AS": "000Y", "UI": "2.25.0"}


class DeidentificationError(ValueError):
    """The object cannot be de-identified by this profile; the message says why."""


class UidMap:
    """Old UID → new UID, the same for every object of one export (references stay intact)."""

    def __init__(self) -> None:
        self._map: dict[str, str] = {}
        # A secret of this export: the new UIDs and pseudonyms cannot be traced back.
        self._salt = os.urandom(32)

    def __call__(self, uid: str) -> str:
        if uid not in self._map:
            digest = hashlib.sha256(self._salt + str(uid).encode()).digest()
            self._map[uid] = f"2.25.{int.from_bytes(digest[:16], 'big')}"
        return self._map[uid]

    def pseudonym(self, value: str) -> str:
        """A Patient ID stand-in: the same for the same patient within this export."""
        return "ANON-" + hashlib.sha256(self._salt + value.encode()).hexdigest()[:10].upper()


def deidentify(ds: Dataset, uids: UidMap) -> Dataset:
    """A de-identified copy of ``ds`` (``ds`` is untouched); DeidentificationError for an
    object with burned-in annotation."""
    if str(ds.get("BurnedInAnnotation", "")).upper() == "YES":
        raise DeidentificationError(
            f"image {ds.get('SOPInstanceUID', '?')} has burned-in annotation (Burned In "
            "Annotation YES): its pixels may show identifying text, and the Basic Profile does "
            "not clean pixels; export it without de-identification, or leave it out")
    out = copy.deepcopy(ds)
    out.remove_private_tags()
    for element in list(out):
        if 0x6000 <= element.tag.group <= 0x60FF and element.tag.group % 2 == 0:
            del out[element.tag]  # overlays: Overlay Data and Comments are X
    _apply(out, uids, str(out.get("Modality", "")))
    out.PatientIdentityRemoved = "YES"
    out.DeidentificationMethod = METHOD
    out.DeidentificationMethodCodeSequence = [code_item(codes.BASIC_PROFILE_CODE),
                                              code_item(codes.CLEAN_STRUCTURED_CONTENT)]
    if "file_meta" in dir(ds) and ds.file_meta is not None:
        out.file_meta = copy.deepcopy(ds.file_meta)
        out.file_meta.MediaStorageSOPInstanceUID = out.SOPInstanceUID
    return out


def _apply(ds: Dataset, uids: UidMap, where: str) -> None:
    for element in list(ds):
        keyword = keyword_for_tag(element.tag)
        action = BASIC_PROFILE.get(keyword, "K")
        if action == "X" and (where, keyword) in TYPE2_WHERE:
            action = "Z"
        if element.VR == "SQ" and action in ("K", "C", "U*"):
            for item in element.value:
                _apply(item, uids, keyword)
            if action == "U*":
                continue
        _ACTIONS[action](ds, element, uids)


def _remove(ds: Dataset, element: DataElement, _uids: UidMap) -> None:
    del ds[element.tag]


def _empty(ds: Dataset, element: DataElement, _uids: UidMap) -> None:
    ds[element.tag] = DataElement(element.tag, element.VR, [] if element.VR == "SQ" else None)


def _dummy(ds: Dataset, element: DataElement, uids: UidMap) -> None:
    if element.tag == tag_for_keyword("PatientID"):
        value = uids.pseudonym(str(element.value or ""))
    elif element.VR == "SQ":
        # A dummy item would mean nothing: the sequence goes, with its (optional) module.
        # For a presentation state that is the radiographer's texts and measurements.
        del ds[element.tag]
        return
    else:
        value = _DUMMY.get(element.VR, "")
    ds[element.tag] = DataElement(element.tag, element.VR, value)


def _uid(ds: Dataset, element: DataElement, uids: UidMap) -> None:
    if element.value:
        values = element.value if element.VM > 1 else [element.value]
        new = [uids(str(v)) for v in values]
        element.value = new if element.VM > 1 else new[0]


def _keep(_ds: Dataset, _element: DataElement, _uids: UidMap) -> None:
    return None


def _clean_text(ds: Dataset, element: DataElement, _uids: UidMap) -> None:
    # Free text inside structured content may name anyone: it is replaced (Clean Structured
    # Content keeps the structure and the coded and numeric content).
    if element.VR != "SQ":
        ds[element.tag] = DataElement(element.tag, element.VR, "REMOVED")


_ACTIONS: dict[str, Callable[[Dataset, DataElement, UidMap], None]] = {
    "X": _remove, "Z": _empty, "D": _dummy, "U": _uid, "K": _keep, "C": _clean_text,
    "U*": _keep,
}

# Every keyword of the table is a real DICOM keyword (a typo would silently keep the value).
for _keyword in BASIC_PROFILE:
    if tag_for_keyword(_keyword) is None:
        raise RuntimeError(f"deidentify: '{_keyword}' is not a DICOM keyword")

"""Key Object Selection Document (PS3.3 A.35.4) as an IHE IOCM rejection note.

A rejection note names instances that were already sent and must no longer be used: its
document title (the root container's concept name, CID 7011's companions in PS3.16 CID 7010)
says why, its Current Requested Procedure Evidence Sequence and its IMAGE content items
(TID 2010) reference every rejected instance. It belongs to the rejected instances' patient
and study (their Patient and General Study attributes are copied from the instances
themselves, so the note cannot drift from what the archive holds) and is a series of its own,
Modality KO.

Modules written: Patient (C.7.1.1), General Study (C.7.2.1), Patient Study (C.7.2.2, age),
Key Object Document Series (C.17.6.1), General Equipment (C.7.5.1), Key Object Document
(C.17.6.2), SR Document Content (C.17.3, TID 2010), SOP Common (C.12.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset
from pydicom.uid import KeyObjectSelectionDocumentStorage

from vxacq.dicom import codes
from vxacq.dicom.modules import code_item, da, sop_common, tm

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

# What the note copies from the rejected instances: the patient and study they were filed
# under (Patient, General Study, Patient Study modules) and the console that made them.
_PATIENT = ("PatientName", "PatientID", "IssuerOfPatientID", "IssuerOfPatientIDQualifiersSequence",
            "PatientBirthDate", "PatientSex", "OtherPatientIDsSequence",
            "PatientSpeciesDescription", "PatientSpeciesCodeSequence", "PatientBreedDescription",
            "PatientBreedCodeSequence", "BreedRegistrationSequence", "ResponsiblePerson",
            "ResponsiblePersonRole", "ResponsibleOrganization", "PatientSexNeutered")
_STUDY = ("StudyInstanceUID", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID",
          "AccessionNumber", "IssuerOfAccessionNumberSequence", "StudyDescription",
          "ProcedureCodeSequence", "PatientAge", "PatientSize", "PatientWeight")
_EQUIPMENT = ("Manufacturer", "InstitutionName", "InstitutionAddress", "StationName",
              "InstitutionalDepartmentName", "ManufacturerModelName", "DeviceSerialNumber",
              "SoftwareVersions")
# Type 1 or 2 in their modules: written empty when an instance lacks them.
_REQUIRED_EMPTY = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate",
                   "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber",
                   "Manufacturer")


def rejection_note(instances: Sequence[Dataset], title: Code, *, SeriesInstanceUID: str,
                   SOPInstanceUID: str, created: datetime, SeriesNumber: int = 1,
                   InstanceNumber: int = 1) -> Dataset:
    """The KOS rejecting ``instances`` (datasets as stored and sent; pixel data not needed)
    with ``title`` (one of :data:`vxacq.dicom.codes.REJECTION_TITLES`). All instances must be
    of one patient and study: a note is filed in the study it rejects from. ValueError says
    what is wrong."""
    if not instances:
        raise ValueError("a rejection note references at least one instance (TID 2010 row 5)")
    if title.scheme_designator != "DCM" or title.value not in codes.REJECTION_TITLES:
        raise ValueError(f"'{title.meaning}' is not an IOCM rejection title (one of "
                         + ", ".join(f"{c.value} {c.meaning}" for c in codes.REJECTION_TITLES.values())
                         + ")")
    first = instances[0]
    for ds in instances:
        for keyword in ("SOPClassUID", "SOPInstanceUID", "SeriesInstanceUID", "StudyInstanceUID"):
            if not ds.get(keyword):
                raise ValueError(f"instance {ds.get('SOPInstanceUID', '?')} has no {keyword}; "
                                 "it cannot be referenced")
        if ds.StudyInstanceUID != first.StudyInstanceUID:
            raise ValueError("the instances belong to more than one study; make one rejection "
                             "note per study")
        if (ds.get("PatientID", ""), ds.get("IssuerOfPatientID", "")) != (
                first.get("PatientID", ""), first.get("IssuerOfPatientID", "")):
            raise ValueError("the instances belong to more than one patient; make one "
                             "rejection note per patient")

    ds = Dataset()
    if "SpecificCharacterSet" in first:
        ds.SpecificCharacterSet = first.SpecificCharacterSet
    for keyword in _PATIENT + _STUDY + _EQUIPMENT:
        if keyword in first:
            ds[keyword] = first[keyword]
    for keyword in _REQUIRED_EMPTY:
        if keyword not in ds:
            setattr(ds, keyword, "")
    # Key Object Document Series
    ds.Modality = "KO"
    ds.SeriesInstanceUID = SeriesInstanceUID
    ds.SeriesNumber = SeriesNumber
    ds.SeriesDate, ds.SeriesTime = da(created), tm(created)
    ds.SeriesDescription = title.meaning
    ds.ReferencedPerformedProcedureStepSequence = list(
        first.get("ReferencedPerformedProcedureStepSequence", []))
    # Key Object Document
    ds.InstanceNumber = InstanceNumber
    ds.ContentDate, ds.ContentTime = da(created), tm(created)
    ds.CurrentRequestedProcedureEvidenceSequence = [_evidence(instances)]
    # SR Document Content: TID 2010, the title and one IMAGE (or COMPOSITE) item per instance
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = [code_item(title)]
    ds.ContinuityOfContent = "SEPARATE"
    template = Dataset()
    template.MappingResource = "DCMR"
    template.TemplateIdentifier = "2010"
    ds.ContentTemplateSequence = [template]
    ds.ContentSequence = [_content_item(i) for i in instances]
    sop_common(ds, KeyObjectSelectionDocumentStorage, SOPInstanceUID, created)
    return ds


def rejected_instances(note: Dataset) -> list[tuple[str, str, str]]:
    """(SeriesInstanceUID, SOPClassUID, SOPInstanceUID) of each instance a note rejects."""
    out = []
    for study in note.get("CurrentRequestedProcedureEvidenceSequence", []):
        for series in study.get("ReferencedSeriesSequence", []):
            for ref in series.get("ReferencedSOPSequence", []):
                out.append((str(series.SeriesInstanceUID), str(ref.ReferencedSOPClassUID),
                            str(ref.ReferencedSOPInstanceUID)))
    return out


def _evidence(instances: Sequence[Dataset]) -> Dataset:
    """One study item (Hierarchical SOP Instance Reference Macro, PS3.3 C.17.2.1)."""
    by_series: dict[str, list[Dataset]] = {}
    for ds in instances:
        by_series.setdefault(str(ds.SeriesInstanceUID), []).append(ds)
    study = Dataset()
    study.StudyInstanceUID = instances[0].StudyInstanceUID
    series_items = []
    for uid, members in by_series.items():
        series = Dataset()
        series.SeriesInstanceUID = uid
        series.ReferencedSOPSequence = [_sop_ref(m) for m in members]
        series_items.append(series)
    study.ReferencedSeriesSequence = series_items
    return study


def _sop_ref(ds: Dataset) -> Dataset:
    ref = Dataset()
    ref.ReferencedSOPClassUID = ds.SOPClassUID
    ref.ReferencedSOPInstanceUID = ds.SOPInstanceUID
    return ref


def _content_item(ds: Dataset) -> Dataset:
    """TID 2010 row 5 (IMAGE, for an image) or row 6 (COMPOSITE, for a presentation state or
    a report), relationship CONTAINS."""
    item = Dataset()
    item.RelationshipType = "CONTAINS"
    item.ValueType = "IMAGE" if "PixelData" in ds or "Rows" in ds else "COMPOSITE"
    item.ReferencedSOPSequence = [_sop_ref(ds)]
    return item

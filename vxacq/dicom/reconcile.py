"""The corrected copy of a stored object after Patient Information Reconciliation.

An exam made under a temporary identity (an unidentified trauma patient, an unscheduled exam)
is tied to its order when the order arrives. :func:`reconcile_dataset` rewrites the identifying
attributes of a stored DX/MG image or dose report from the order and leaves everything the
acquisition made as it was:

- Patient module (PS3.3 C.7.1.1) from the order's patient; the temporary Patient ID moves to
  Other Patient IDs Sequence with its issuer (this station), so the link is never lost.
- Patient's Age (C.7.2.2) again from the real birth date; Accession Number, Referring Physician
  and Procedure Code Sequence (C.7.2.1) from the order.
- Request Attributes Sequence (C.7.3.1, image) or Referenced Request Sequence (C.17.2, dose
  report) from the order; the Referenced Performed Procedure Step Sequence and Performed
  Procedure Step ID name the step that reports the exam against the order.
- Study Instance UID, Series Instance UID and SOP Instance UID are kept: the pixel data and
  the acquisition are the same, only the patient and order identification is corrected (the
  IHE PIR case the archive reconciles by the same UIDs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from pydicom.dataset import Dataset

from vxacq.dicom import charset, modules
from vxacq.dicom.inputs import OrderInfo, PatientInfo
from vxacq.dicom.rdsr.sop import referenced_request

# Patient module attributes the order's patient replaces (absent in the order = removed).
_PATIENT_KEYWORDS = ("PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate",
                     "PatientBirthTime", "PatientSex", "OtherPatientIDsSequence",
                     "OtherPatientNames", "EthnicGroup", "PatientComments", "PatientAge")


@dataclass(frozen=True)
class Correction:
    """What the order says, and the identity it replaces."""

    patient: PatientInfo
    order: OrderInfo
    temporary_id: str
    temporary_issuer: str = ""
    # The performed procedure step the corrected objects belong to (None: keep the reference).
    performed_step_uid: str | None = None
    performed_step_id: str = ""


def other_patient_ids(patient: PatientInfo, temporary_id: str, issuer: str) -> list[Dataset]:
    """Other Patient IDs Sequence: the order's other IDs, then the temporary ID with its issuer."""
    items = []
    for value in (*patient.OtherPatientIDs, temporary_id):
        item = Dataset()
        item.PatientID = value
        if value == temporary_id and issuer:
            item.IssuerOfPatientID = issuer
        item.TypeOfPatientID = "TEXT"
        items.append(item)
    return items


def reconcile_dataset(ds: Dataset, correction: Correction, preferred_charset: str) -> Dataset:
    """Apply ``correction`` to ``ds`` (read from its file) in place and return it; the text is
    written in the station's ``preferred_charset`` or the set the order came in."""
    patient, order = correction.patient, correction.order
    # Every text value is read with the file's character set before that set may change.
    ds.decode()
    for keyword in _PATIENT_KEYWORDS:
        if keyword in ds:
            del ds[keyword]
    modules.patient_module(ds, replace(patient, OtherPatientIDs=()))
    ds.OtherPatientIDsSequence = other_patient_ids(patient, correction.temporary_id,
                                                   correction.temporary_issuer)
    modules.set_if(ds, "PatientAge", patient.PatientAge
                   or modules.patient_age(patient.PatientBirthDate, _study_date(ds)))
    ds.AccessionNumber = order.AccessionNumber
    ds.ReferringPhysicianName = order.ReferringPhysicianName
    if not ds.get("StudyDescription"):
        ds.StudyDescription = order.RequestedProcedureDescription
    if order.RequestedProcedureCode is not None:
        ds.ProcedureCodeSequence = modules.code_sequence((order.RequestedProcedureCode,))
    if ds.get("Modality") == "SR":
        request = replace_study(order, str(ds.StudyInstanceUID))
        ds.ReferencedRequestSequence = [referenced_request(request)]
        if order.RequestedProcedureCode is not None:
            ds.PerformedProcedureCodeSequence = modules.code_sequence(
                (order.RequestedProcedureCode,))
    else:
        ds.RequestAttributesSequence = [modules.request_attributes(order)]
    if correction.performed_step_uid:
        ds.ReferencedPerformedProcedureStepSequence = [
            _sop_ref(str(modules.MPPS_SOP_CLASS), correction.performed_step_uid)]
        if correction.performed_step_id and "PerformedProcedureStepID" in ds:
            ds.PerformedProcedureStepID = correction.performed_step_id
    charset.apply_character_set(ds, preferred_charset,
                                [order.SpecificCharacterSet] if order.SpecificCharacterSet else [])
    return ds


def replace_study(order: OrderInfo, study_uid: str) -> OrderInfo:
    """The order with ``study_uid`` when the RIS gave none (Type 1 in a request reference)."""
    return order if order.StudyInstanceUID else replace(order, StudyInstanceUID=study_uid)


def _study_date(ds: Dataset) -> dt.date:
    value = str(ds.get("StudyDate", "") or ds.get("ContentDate", ""))
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return dt.date.today()


def _sop_ref(sop_class: str, sop_instance: str) -> Dataset:
    item = Dataset()
    item.ReferencedSOPClassUID = sop_class
    item.ReferencedSOPInstanceUID = sop_instance
    return item

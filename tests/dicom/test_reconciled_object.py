"""The corrected copy of a stored object after reconciliation (pure: no network, no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.sr.coding import Code
from pydicom.uid import DigitalXRayImageStorageForPresentation

from vxacq.dicom import part10
from vxacq.dicom.inputs import OrderInfo, PatientInfo
from vxacq.dicom.reconcile import Correction, reconcile_dataset


def stored_image(path: Path) -> Path:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = "1.2.3.4.5"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = "1.2.3.4", "1.2.3.4.1"
    ds.Modality, ds.StudyDate = "DX", "20261205"
    ds.PatientName, ds.PatientID = "TRAUMA^1", "EMR-DX1-20261205-1"
    ds.IssuerOfPatientID, ds.PatientBirthDate, ds.PatientSex = "VXACQ-DX1", "", ""
    ds.AccessionNumber, ds.ReferringPhysicianName = "", ""
    ds.OperatorsName = "Müller^Tina"  # Latin-1 in the file
    ds.PerformedProcedureStepID = "261205-1"
    return part10.write(path / "image.dcm", ds)


def greek_order() -> tuple[PatientInfo, OrderInfo]:
    patient = PatientInfo(PatientName="Παπαδόπουλος^Νίκος", PatientID="P-9",
                          IssuerOfPatientID="HOSP", PatientBirthDate=dt.date(1970, 1, 2),
                          PatientSex="M", OtherPatientIDs=("NHS-9",))
    order = OrderInfo(AccessionNumber="ACC9", StudyInstanceUID="1.2.3.99",
                      RequestedProcedureID="RP9", ScheduledProcedureStepID="SPS9",
                      RequestedProcedureDescription="XR CHEST",
                      RequestedProcedureCode=Code("RPID-CHEST", "99RIS", "XR CHEST"),
                      ReferringPhysicianName="Weber^Anna", SpecificCharacterSet="ISO_IR 126")
    return patient, order


def test_identity_is_corrected_and_the_temporary_id_kept(tmp_path: Path) -> None:
    path = stored_image(tmp_path)
    patient, order = greek_order()
    correction = Correction(patient, order, "EMR-DX1-20261205-1", "VXACQ-DX1",
                            performed_step_uid="1.2.3.77", performed_step_id="261205-2")
    part10.rewrite(path, reconcile_dataset(part10.read(path), correction, "ISO_IR 100"))
    ds = part10.read(path)
    assert (str(ds.PatientName), ds.PatientID, ds.IssuerOfPatientID) == (
        "Παπαδόπουλος^Νίκος", "P-9", "HOSP")
    assert (ds.PatientBirthDate, ds.PatientSex, ds.PatientAge) == ("19700102", "M", "056Y")
    assert str(ds.OperatorsName) == "Müller^Tina"  # read in its own set before the set changed
    assert [(i.PatientID, i.get("IssuerOfPatientID")) for i in ds.OtherPatientIDsSequence] == [
        ("NHS-9", None), ("EMR-DX1-20261205-1", "VXACQ-DX1")]
    assert (ds.AccessionNumber, str(ds.ReferringPhysicianName)) == ("ACC9", "Weber^Anna")
    assert ds.StudyDescription == "XR CHEST" and ds.ProcedureCodeSequence[0].CodeValue == "RPID-CHEST"
    request = ds.RequestAttributesSequence[0]
    assert (request.RequestedProcedureID, request.StudyInstanceUID) == ("RP9", "1.2.3.99")
    # identification changed; the object and its study did not
    assert (ds.SOPInstanceUID, ds.StudyInstanceUID) == ("1.2.3.4.5", "1.2.3.4")
    assert ds.ReferencedPerformedProcedureStepSequence[0].ReferencedSOPInstanceUID == "1.2.3.77"
    assert ds.PerformedProcedureStepID == "261205-2"
    assert ds.file_meta.MediaStorageSOPInstanceUID == "1.2.3.4.5"

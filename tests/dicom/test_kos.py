"""The IOCM rejection note (Key Object Selection Document): pure, checked by dciodvfy and by
DCMTK's dsrdump reading it back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pydicom
import pytest
from pydicom.sr.codedict import codes

import samples as s
from tests.dicom.conftest import run
from vxacq.dicom import part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.codes import REJECTION_TITLES
from vxacq.dicom.kos import rejected_instances, rejection_note
from vxacq.dicom.uids import new_uid


ORDER = s.order()


def dx(number: int) -> pydicom.Dataset:
    o = ORDER
    return DXImage(patient=s.patient(), study=s.study(o), series=s.series(number),
                   equipment=s.equipment(), detector=s.detector(), exposure=s.exposure(),
                   image=s.image(rows=64, cols=64), body_part="CHEST", view="PA",
                   ImageLaterality="U", native_orientation=("L", "F"), order=o,
                   performed_step=s.performed_step(), InstanceNumber=1)


def note(instances, title=REJECTION_TITLES["113001"]) -> pydicom.Dataset:
    return rejection_note(instances, title, SeriesInstanceUID=new_uid(), SOPInstanceUID=new_uid(),
                          created=dt.datetime(2026, 12, 5, 10, 30, tzinfo=dt.timezone.utc),
                          SeriesNumber=900)


@pytest.mark.parametrize("value", sorted(REJECTION_TITLES))
def test_each_rejection_title_makes_a_valid_kos(tmp_path: Path, validate, value: str) -> None:
    images = [dx(1), dx(2)]
    path = part10.write(tmp_path / "kos.dcm", note(images, REJECTION_TITLES[value]))
    validate(path)
    ds = pydicom.dcmread(path)
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.88.59" and ds.Modality == "KO"
    assert ds.ConceptNameCodeSequence[0].CodeValue == value
    assert ds.ConceptNameCodeSequence[0].CodingSchemeDesignator == "DCM"
    assert (ds.PatientID, ds.StudyInstanceUID) == (images[0].PatientID,
                                                   images[0].StudyInstanceUID)
    assert ds.SeriesInstanceUID not in {i.SeriesInstanceUID for i in images}
    assert rejected_instances(ds) == [(str(i.SeriesInstanceUID), str(i.SOPClassUID),
                                       str(i.SOPInstanceUID)) for i in images]
    assert [i.ReferencedSOPSequence[0].ReferencedSOPInstanceUID for i in ds.ContentSequence] == [
        i.SOPInstanceUID for i in images]
    dump = run("dsrdump", str(path))  # DCMTK reads it as a Key Object Selection Document
    assert "Key Object Selection Document" in dump
    assert REJECTION_TITLES[value].meaning in dump


def test_a_note_is_for_one_study_and_has_a_rejection_title() -> None:
    other = dx(1)
    other.StudyInstanceUID = new_uid()
    with pytest.raises(ValueError, match="more than one study"):
        note([dx(1), other])
    with pytest.raises(ValueError, match="at least one instance"):
        note([])
    with pytest.raises(ValueError, match="not an IOCM rejection title"):
        note([dx(1)], codes.cid7011.MotionBlur)

"""De-identification by PS3.15 Annex E's Basic Profile, attribute by attribute on the table as
transcribed in vxacq.dicom.deidentify (pure: no network, no database)."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from pydicom.dataelem import DataElement
from pydicom.datadict import dictionary_VR, tag_for_keyword
from pydicom.dataset import Dataset

from vxacq.dicom import part10
from vxacq.dicom.deidentify import (
    BASIC_PROFILE, TYPE2_WHERE, DeidentificationError, UidMap, deidentify,
)
from vxacq.docs import samples

MARK = "SECRET"
MARK_DATE, MARK_TIME = "20200229", "101112"


def marked(vr: str):
    """An identifying-looking value of the VR that can be found again in the bytes."""
    return {"PN": f"{MARK}^NAME", "DA": MARK_DATE, "TM": MARK_TIME, "DT": MARK_DATE + MARK_TIME,
            "AS": "042Y", "UI": "1.2.3.999.4242", "US": 3, "SS": 3, "UL": 3, "FD": 4.2,
            "FL": 4.2, "DS": "4.2", "IS": "42"}.get(vr, MARK)


def everything() -> Dataset:
    """A DX image carrying every attribute of the transcribed table, each with a marked value
    (a sequence gets one item naming the mark), and a private attribute."""
    ds = samples.build_dx(frozenset())
    for keyword in BASIC_PROFILE:
        tag = tag_for_keyword(keyword)
        vr = dictionary_VR(tag).split(" or ")[0]
        if vr == "SQ":
            item = Dataset()
            if BASIC_PROFILE[keyword] == "U*":  # references: the UIDs are what identifies
                item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
                item.ReferencedSOPInstanceUID = "1.2.3.999.4343"
            elif BASIC_PROFILE[keyword] == "C":  # structured content: free text and names
                item.RelationshipType, item.ValueType, item.TextValue = "CONTAINS", "TEXT", MARK
                item.PersonName = f"{MARK}^OBSERVER"
                item.DateTime = MARK_DATE + MARK_TIME
            else:
                item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = MARK, "99X", MARK
            ds[tag] = DataElement(tag, "SQ", [item])
        else:
            ds[tag] = DataElement(tag, vr, marked(vr))
    ds.add_new(0x00091010, "LO", MARK)  # a private attribute
    ds.private_block(0x0009, "VXTEST", create=True).add_new(0x10, "LO", MARK)
    return ds


@pytest.fixture(scope="module")
def before_after() -> tuple[Dataset, Dataset]:
    source = everything()
    return source, deidentify(source, UidMap())


@pytest.mark.parametrize("keyword", sorted(BASIC_PROFILE))
def test_every_attribute_of_the_table_gets_its_action(before_after, keyword: str) -> None:
    source, out = before_after
    action = BASIC_PROFILE[keyword]
    if action == "X" and ("DX", keyword) in TYPE2_WHERE:
        action = "Z"
    original = source[keyword].value
    if action == "X":
        assert keyword not in out
    elif action == "Z":
        assert keyword not in out or out[keyword].value in (None, "", [])
    elif action == "D":
        assert keyword not in out or (out[keyword].value != original
                                      and MARK not in str(out[keyword].value))
        if keyword in ("PatientID", "StudyDate", "StudyTime", "StudyID"):
            assert out[keyword].value  # the DICOMDIR's Type 1 keys get a dummy
    elif action == "U":
        assert out[keyword].value and out[keyword].value != original
    elif action == "U*":
        [item] = out[keyword].value
        assert item.ReferencedSOPInstanceUID != "1.2.3.999.4343"
    elif action == "C":
        assert MARK not in str(out[keyword].value) or source[keyword].VR == "SQ"
    else:
        pytest.fail(f"unknown action {action}")


def test_no_marked_value_is_left_in_the_file(before_after, tmp_path: Path) -> None:
    _source, out = before_after
    data = part10.write(tmp_path / "x.dcm", out).read_bytes()
    assert MARK.encode() not in data
    assert MARK_DATE.encode() not in data and b"1.2.3.999" not in data
    back = pydicom.dcmread(tmp_path / "x.dcm")
    assert back.PatientIdentityRemoved == "YES"
    assert [i.CodeValue for i in back.DeidentificationMethodCodeSequence] == ["113100", "113104"]
    assert not [e for e in back if e.tag.is_private]


def test_our_objects_stay_valid_and_their_references_consistent(tmp_path: Path, validate) -> None:
    uids = UidMap()
    image = samples.build_dx(frozenset())
    from vxacq.dicom.codes import REJECTION_TITLES
    from vxacq.dicom.kos import rejection_note
    from vxacq.dicom.uids import new_uid
    import datetime as dt

    note = rejection_note([image], REJECTION_TITLES["113001"], SeriesInstanceUID=new_uid(),
                          SOPInstanceUID=new_uid(), created=dt.datetime.now().astimezone())
    objects = {"dx": image, "mg": samples.build_mg(frozenset()),
               "sr": samples.build_dose_report(frozenset()),
               "pr": samples.build_presentation_state(frozenset()), "ko": note}
    out = {name: deidentify(ds, uids) for name, ds in objects.items()}
    for name, ds in out.items():
        validate(part10.write(tmp_path / f"{name}.dcm", ds))
        assert ds.PatientName in ("", None) and ds.PatientID.startswith("ANON-")
    assert out["ko"].StudyInstanceUID == out["dx"].StudyInstanceUID != image.StudyInstanceUID
    referenced = out["ko"].ContentSequence[0].ReferencedSOPSequence[0].ReferencedSOPInstanceUID
    assert referenced == out["dx"].SOPInstanceUID
    assert out["dx"].PatientID == out["ko"].PatientID  # one patient, one pseudonym
    assert "GraphicAnnotationSequence" not in out["pr"]  # the typed texts do not travel


def test_burned_in_annotation_is_refused() -> None:
    image = samples.build_dx(frozenset())
    image.BurnedInAnnotation = "YES"
    with pytest.raises(DeidentificationError, match="burned-in annotation"):
        deidentify(image, UidMap())

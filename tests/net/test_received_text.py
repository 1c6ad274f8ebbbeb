"""Text in answers without Specific Character Set: the node's fallback_character_set decodes every
text value (SH, LO, ST, LT, UT, UC and PN), also one already read before; what the fallback cannot
decode, and a name whose ideographic/phonetic groups an SCP dropped, are named among the
order's problems."""

from __future__ import annotations

import struct
from io import BytesIO

import pytest
from pydicom.dataset import Dataset
from pydicom.filereader import read_dataset

from vxacq.dicom import charset
from vxacq.dicom.query import study_record
from vxacq.dicom.worklist import read_answer

POLISH = "Łódź Żółć"
def element(tag: int, vr: str, value: bytes) -> bytes:
    if len(value) % 2:
        value += b" "
    if vr in ("UT", "UC", "UR", "SQ"):
        return struct.pack("<HH", tag >> 16, tag & 0xFFFF) + vr.encode() + b"\0\0" + \
            struct.pack("<I", len(value)) + value
    return struct.pack("<HH", tag >> 16, tag & 0xFFFF) + vr.encode() + struct.pack("<H", len(value)) + value


def received(*elements: bytes) -> Dataset:
    """A data set as pynetdicom hands it over: read from the wire, values not yet converted."""
    raw = b"".join(sorted(elements, key=lambda e: struct.unpack("<HH", e[:4])))
    return read_dataset(BytesIO(raw), is_implicit_VR=False, is_little_endian=True)


@pytest.mark.parametrize("read_first", [False, True], ids=["as-received", "read-before"])
@pytest.mark.parametrize("vr, tag, keyword", [
    ("SH", 0x00081010, "StationName"), ("LO", 0x00081030, "StudyDescription"),
    ("ST", 0x00080081, "InstitutionAddress"), ("LT", 0x00104000, "PatientComments"),
    ("UT", 0x00400280, "CommentsOnThePerformedProcedureStep"),
    ("UC", 0x00189424, "AcquisitionProtocolDescription"), ("PN", 0x00100010, "PatientName"),
])
def test_the_fallback_decodes_every_text_vr(vr: str, tag: int, keyword: str,
                                            read_first: bool) -> None:
    value = POLISH.replace(" ", "^") if vr == "PN" else POLISH
    ds = received(element(tag, vr, value.encode("iso8859_2")))
    if read_first:  # pynetdicom's identifier log reads every value with the default set
        str(ds)
    charset.decode_received(ds, "ISO_IR 101")
    assert str(ds[tag].value) == value


def test_query_answer_descriptions_use_the_fallback() -> None:
    ds = received(element(0x00081030, "LO", POLISH.encode("iso8859_2")),
                  element(0x00100010, "PN", b"\xa3\xf3d\xbc^Jan"),
                  element(0x0020000D, "UI", b"1.2.3"))
    record = study_record(ds, "ISO_IR 101")
    assert record.StudyDescription == POLISH and record.PatientName == "Łódź^Jan"


def worklist_answer(*extra: bytes, name: bytes = b"Doe^Jane") -> Dataset:
    step = Dataset()
    step.Modality, step.ScheduledStationAETitle, step.ScheduledProcedureStepID = "DX", "VX", "S1"
    step.ScheduledProcedureStepStartDate, step.ScheduledProcedureStepStartTime = "20261205", "0900"
    ds = received(element(0x00100010, "PN", name), element(0x00100020, "LO", b"ID1"),
                  element(0x00080050, "SH", b"ACC1"), *extra)
    ds.ScheduledProcedureStepSequence = [step]
    return ds


def test_worklist_descriptions_use_the_fallback() -> None:
    [order] = read_answer(worklist_answer(
        element(0x00321060, "LO", POLISH.encode("iso8859_2"))), "ISO_IR 101")
    assert order.order.RequestedProcedureDescription == POLISH
    assert not order.problems


def test_a_description_the_fallback_cannot_decode_is_named() -> None:
    [order] = read_answer(worklist_answer(
        element(0x00321060, "LO", POLISH.encode("iso8859_2"))), "ISO_IR 192")
    assert any("RequestedProcedureDescription has bytes its character set cannot decode" in p
               for p in order.problems), order.problems


@pytest.mark.parametrize("name, dropped", [
    ("Yamada^Tarou=", "ideographic group"),
    ("Yamada^Tarou==", "ideographic group and phonetic group"),
    ("Yamada^Tarou=??^??=????^???", "ideographic group and phonetic group"),
    ("Yamada^Tarou=山田^太郎=", "phonetic group"),
])
def test_a_name_whose_groups_came_back_empty_is_named(name: str, dropped: str) -> None:
    ds = worklist_answer(name=name.encode("utf-8"))
    ds.SpecificCharacterSet = "ISO_IR 192"
    [order] = read_answer(ds)
    assert any(f"PatientName came back with its {dropped} empty" in p
               for p in order.problems), order.problems


@pytest.mark.parametrize("name", ["Yamada^Tarou", "Yamada^Tarou=山田^太郎",
                                  "Yamada^Tarou==やまだ^たろう", "Yamada^Tarou=山田^太郎=やまだ^たろう"])
def test_a_name_with_its_groups_or_none_is_not_named(name: str) -> None:
    ds = worklist_answer(name=name.encode("utf-8"))
    ds.SpecificCharacterSet = "ISO_IR 192"
    [order] = read_answer(ds)
    assert not [p for p in order.problems if "PatientName" in p], order.problems


def test_multi_valued_worklist_keys_stay_values() -> None:
    ds = worklist_answer(element(0x00081080, "LO", b"Fracture\\Pain"))
    ds.ScheduledProcedureStepSequence[0].ScheduledStationAETitle = ["VX", "VX2"]
    [order] = read_answer(ds)
    assert order.patient.AdmittingDiagnosesDescription == "Fracture\\Pain"
    assert order.ScheduledStationAETitle == "VX\\VX2"
    written = Dataset()
    written.AdmittingDiagnosesDescription = order.patient.AdmittingDiagnosesDescription
    assert list(written.AdmittingDiagnosesDescription) == ["Fracture", "Pain"]

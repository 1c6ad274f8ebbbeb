"""A worklist answer made by DCMTK becomes typed inputs, and the image built from them carries
the order's values and the patient's name in the same characters."""

from __future__ import annotations

import pydicom
import pytest
import samples as s
from conftest import run

from vxacq.dicom import part10
from vxacq.dicom.dx import DXImage
from vxacq.dicom.inputs import StudyInfo
from pydicom.dataset import Dataset

from vxacq.dicom.worklist import from_worklist_item, read_answer

NAME = "Hong^Gildong=洪^吉洞=홍^길동"


def korean_pn() -> bytes:
    # KS X 1001 in G1 (ESC $ ) C), as PS3.5 H.3.2 shows it, encoded here by the EUC-KR codec.
    esc = b"\x1b$)C"
    return b"Hong^Gildong=" + esc + "洪^吉洞".encode("euc_kr").replace(b"^", b"^" + esc) + b"=" + esc + \
        "홍^길동".encode("euc_kr").replace(b"^", b"^" + esc)


def worklist_file(tmp_path, charset_line: bytes, name: bytes, birth: bytes = b"19800229") -> pydicom.Dataset:
    dump = b"\n".join([
        charset_line,
        b"(0008,0050) SH [ACC-77]",
        b"(0008,0090) PN [Kim^Doctor]",
        b"(0010,0010) PN [" + name + b"]",
        b"(0010,0020) LO [PID-77]",
        b"(0010,0030) DA [" + birth + b"]",
        b"(0010,0040) CS [F]",
        b"(0010,1030) DS [54.5]",
        b"(0020,000d) UI [1.2.826.0.1.3680043.2.1125.77]",
        b"(0032,1060) LO [XR KNEE 2V]",
        b"(0032,1064) SQ (Sequence with explicit length #=1)",
        b"  (fffe,e000) na (Item with explicit length #=3)",
        b"    (0008,0100) SH [RPID2]",
        b"    (0008,0102) SH [RADLEX]",
        b"    (0008,0104) LO [XR Knee 2 views]",
        b"  (fffe,e00d) na (ItemDelimitationItem for re-encoding)",
        b"(fffe,e0dd) na (SequenceDelimitationItem for re-encod.)",
        b"(0040,0100) SQ (Sequence with explicit length #=1)",
        b"  (fffe,e000) na (Item with explicit length #=3)",
        b"    (0008,0060) CS [DX]",
        b"    (0040,0007) LO [Knee AP and lateral]",
        b"    (0040,0009) SH [SPS-77]",
        b"  (fffe,e00d) na (ItemDelimitationItem for re-encoding)",
        b"(fffe,e0dd) na (SequenceDelimitationItem for re-encod.)",
        b"(0040,1001) SH [RP-77]",
        b"(0040,1003) SH [STAT]",
        b"",
    ])
    (tmp_path / "wl.dump").write_bytes(dump)
    run("dump2dcm", str(tmp_path / "wl.dump"), str(tmp_path / "wl.dcm"))
    return pydicom.dcmread(tmp_path / "wl.dcm", force=True)


def test_korean_worklist_item_to_image(tmp_path, validate):
    answer = worklist_file(tmp_path, b"(0008,0005) CS [\\ISO 2022 IR 149]", korean_pn())
    patient, order = from_worklist_item(answer, fallback_character_set="ISO_IR 100")
    assert patient.PatientName == NAME
    assert patient.PatientBirthDate.isoformat() == "1980-02-29" and patient.PatientWeight == 54.5
    assert order.AccessionNumber == "ACC-77" and order.ScheduledProcedureStepID == "SPS-77"
    assert order.RequestedProcedureCode.value == "RPID2" and order.RequestedProcedurePriority == "STAT"
    assert order.SpecificCharacterSet == "\\ISO 2022 IR 149"

    # The station prefers Latin-1, which has no Hangul: the image keeps the worklist's set.
    ds = DXImage(
        patient=patient, study=StudyInfo.from_order(order, s.STARTED), series=s.series(),
        equipment=s.equipment(charset="ISO_IR 100"), detector=s.detector(), exposure=s.exposure(),
        image=s.image(rows=32, cols=32, shutter=None), body_part="KNEE", view="AP", ImageLaterality="R",
        native_orientation=("L", "F"), order=order,
    )
    assert list(ds.SpecificCharacterSet) == ["", "ISO 2022 IR 149"]
    path = part10.write(tmp_path / "dx.dcm", ds)
    validate(path)
    utf8 = tmp_path / "u8.dcm"
    run("dcmconv", "+U8", str(path), str(utf8))
    assert f"[{NAME}]" in run("dcmdump", "+P", "PatientName", str(utf8))
    assert pydicom.dcmread(path).RequestAttributesSequence[0].ScheduledProcedureStepID == "SPS-77"


def test_answer_without_character_set_uses_the_node_fallback(tmp_path):
    answer = worklist_file(tmp_path, b"(0008,0020) DA [20261123]", b"M\xfcller^J\xfcrgen", birth=b"19710230")
    patient, order = from_worklist_item(answer, fallback_character_set="ISO_IR 100")
    assert patient.PatientName == "Müller^Jürgen"
    assert patient.PatientBirthDate is None  # 30 February: dropped, not guessed
    assert order.SpecificCharacterSet == "ISO_IR 100"
    assert "SpecificCharacterSet" not in answer or answer.SpecificCharacterSet != "ISO_IR 100"


def test_missing_step_is_reported(tmp_path):
    answer = worklist_file(tmp_path, b"(0008,0005) CS [ISO_IR 100]", b"Doe^Jane")
    with pytest.raises(ValueError, match="step 3 does not exist"):
        from_worklist_item(answer, step=3)


def test_empty_species_keys_in_an_answer_leave_a_human_patient(tmp_path):
    # SCPs answer every return key asked, empty ones included
    answer = worklist_file(tmp_path, b"(0008,0005) CS [ISO_IR 100]", b"Doe^Jane")
    answer.PatientSpeciesDescription = ""
    answer.PatientSpeciesCodeSequence = []
    answer.ResponsiblePerson = ""
    patient, _ = from_worklist_item(answer)
    assert patient.animal is None
    answer.PatientSpeciesDescription = "Felis catus"
    patient, _ = from_worklist_item(answer)
    assert patient.animal is not None and patient.animal.AnatomicalOrientationType == "QUADRUPED"


def _answer(character_set: str | None, name: bytes) -> Dataset:
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    ds = Dataset()
    if character_set:
        ds.SpecificCharacterSet = character_set
    ds[0x00100010] = RawDataElement(Tag(0x00100010), "PN", len(name), name, 0, False, True)
    ds.PatientID = "ID1"
    sps = Dataset()
    sps.Modality, sps.ScheduledStationAETitle, sps.ScheduledProcedureStepID = "DX", "VX", "S1"
    ds.ScheduledProcedureStepSequence = [sps]
    return ds


def test_undecodable_utf8_is_named_not_stored_as_latin1() -> None:
    [order] = read_answer(_answer("ISO_IR 192", b"M\xfcller^J\xf6rg"))
    assert "Müller" not in order.patient.PatientName
    assert any("PatientName has bytes its character set cannot decode" in p
               for p in order.problems)


def test_an_unknown_character_set_is_named() -> None:
    [order] = read_answer(_answer("ISO_IR 999", b"M\xfcller^J\xf6rg"))
    assert any("'ISO_IR 999' is not supported" in p for p in order.problems)


def test_non_ascii_without_a_declared_set_is_named_unless_a_fallback_is_set() -> None:
    [order] = read_answer(_answer(None, b"M\xfcller^J\xf6rg"))
    assert any("PatientName hold(s) non-ASCII bytes but the answer declares no character set"
               in p for p in order.problems)
    [order] = read_answer(_answer(None, b"M\xfcller^J\xf6rg"), "ISO_IR 100")
    assert order.patient.PatientName == "Müller^Jörg" and not order.problems


def test_a_value_read_as_received_is_the_value_pydicom_gives() -> None:
    """An answer's values still as received are converted by our own short way: for every
    value — in ISO 2022, several values, empty, in another VR than the dictionary's, with
    bytes its set cannot decode, not a number — it gives what pydicom's ``get`` gives."""
    from io import BytesIO

    from pydicom.filereader import read_dataset

    from vxacq.dicom.worklist import _get, dataset_bytes

    ds = Dataset()
    ds.SpecificCharacterSet = ["", "ISO 2022 IR 149"]
    ds.AccessionNumber = "ACC-77"
    ds.ReferringPhysicianName = "Kim^Doctor"
    ds.PatientName = NAME
    ds.PatientID = "PID-77"
    ds.IssuerOfPatientID = ""
    ds.PatientBirthDate = "19800229"
    ds.PatientWeight = "54.5"
    ds.PatientSize = None
    ds.AdmittingDiagnosesDescription = ["Fracture", "홍"]
    ds.RequestingService = "MARKER"
    raw = dataset_bytes(ds)
    raw = raw.replace(b"\x08\x00\x90\x00PN", b"\x08\x00\x90\x00LO")  # a name sent as LO
    raw = raw.replace(b"MARKER", b"MA\xff\xfeER")  # bytes KS X 1001 cannot decode
    raw = raw.replace(b"54.5", b"heft")  # not a decimal string

    def answer() -> Dataset:
        return read_dataset(BytesIO(raw), is_implicit_VR=False, is_little_endian=True)

    def outcome(read, keyword):
        try:
            value = read(answer(), keyword)
        except Exception as exc:
            return type(exc)
        return type(value), str(value), value

    keywords = answer().dir()
    assert {"ReferringPhysicianName", "PatientWeight", "RequestingService"} <= set(keywords)
    for keyword in keywords:
        assert outcome(_get, keyword) == outcome(Dataset.get, keyword), keyword

"""Every character set of the VXvue list: our files read back by DCMTK and by pydicom give the
same characters we wrote, and text received in one set comes out unchanged in the set we write."""

from __future__ import annotations

import subprocess

import pydicom
import pytest
import samples as s
from conftest import dciodvfy, run

from vxacq.dicom import charset, part10
from vxacq.dicom.dx import DXImage

# (Specific Character Set we prefer, person name, description) — the name in alphabetic,
# ideographic and phonetic groups where the language has them.
CASES = {
    "default": ("", "Smith^John", "Chest PA"),
    "latin1": ("ISO_IR 100", "Müller^Jürgen", "Thorax p.a. Übersicht"),
    "latin2": ("ISO_IR 101", "Dvořák^Antonín", "Hrudník zadopřední"),
    "latin3": ("ISO_IR 109", "Borġ^Ġużeppi", "Sider ħafif"),
    "latin4": ("ISO_IR 110", "Ķēniņš^Jānis", "Krūškurvja rentgens"),
    "latin5": ("ISO_IR 148", "Öztürk^Şükrü", "Akciğer grafisi"),
    "cyrillic": ("ISO_IR 144", "Иванов^Пётр", "Рентгенография грудной клетки"),
    "arabic": ("ISO_IR 127", "قباني^لنزار", "تصوير الصدر"),
    "greek": ("ISO_IR 126", "Παπαδόπουλος^Γιώργος", "Ακτινογραφία θώρακος"),
    "hebrew": ("ISO_IR 138", "שרון^דבורה", "צילום חזה"),
    "katakana": ("ISO_IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ", "ｷｮｳﾌﾞ"),
    "thai": ("ISO_IR 166", "ใจดี^สมชาย", "เอกซเรย์ทรวงอก"),
    "japanese-ir87": ("\\ISO 2022 IR 87", "Yamada^Tarou=山田^太郎=やまだ^たろう", "胸部単純撮影 PA"),
    "japanese-ir13-ir87": ("ISO 2022 IR 13\\ISO 2022 IR 87", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=ﾔﾏﾀﾞ^ﾀﾛｳ", "ｷｮｳﾌﾞ 胸部"),
    "japanese-ir159": ("\\ISO 2022 IR 87\\ISO 2022 IR 159", "Mori^Ogai=森^鷗外=もり^おうがい", "丂 鷗 胸部"),
    "korean": ("\\ISO 2022 IR 149", "Hong^Gildong=洪^吉洞=홍^길동", "흉부 촬영"),
    "utf8": ("ISO_IR 192", "Wang^XiaoDong=王^小东=", "胸部 Ακτινογραφία Рентген"),
    "gb18030": ("GB18030", "Wang^XiaoDong=王^小东=", "胸部正位片"),
    "latin1-greek-extensions": ("ISO 2022 IR 100\\ISO 2022 IR 126", "Müller^Jürgen", "Übersicht Ακτινογραφία"),
    "ascii-cyrillic-extensions": ("ISO 2022 IR 6\\ISO 2022 IR 144", "Ivanov^Petr", "Chest Рентген"),
}
# DCMTK 3.6.7 converts with glibc iconv, which has no JIS X 0208/0212 code extension; for those
# sets we decode the raw value DCMTK prints with Python's own ISO-2022-JP codecs instead.
ISO2022_JP = {"japanese-ir87", "japanese-ir13-ir87", "japanese-ir159"}


def build(preferred: str, name: str, description: str) -> DXImage:
    o = s.order(RequestedProcedureDescription=description, ReferringPhysicianName=name)
    return DXImage(
        patient=s.patient(PatientName=name, PatientComments=description),
        study=s.study(o), series=s.series(SeriesDescription=description, OperatorsName=(name,)),
        equipment=s.equipment(charset=preferred), detector=s.detector(), exposure=s.exposure(),
        image=s.image(rows=32, cols=32, shutter=None, ImageComments=description),
        body_part="CHEST", view="PA", ImageLaterality="U", native_orientation=("L", "F"), order=o,
    )


def jis_reference_decode(raw: bytes) -> str:
    """ISO 2022 JIS text decoded by the Python standard codecs, group by group: half-width
    katakana (JIS X 0201 G1, IR 13) as Shift-JIS single bytes, the rest as ISO-2022-JP-2."""
    out, run_ = [], bytearray()
    for byte in raw.replace(b"\x1b)I", b""):  # G1 designation of JIS X 0201 katakana
        if 0xA1 <= byte <= 0xDF:
            if run_:
                out.append(bytes(run_).decode("iso2022_jp_2"))
                run_.clear()
            out.append(bytes([byte]).decode("shift_jis"))
        else:
            run_.append(byte)
    if run_:
        out.append(bytes(run_).decode("iso2022_jp_2"))
    return "".join(out)


def dcmdump_raw(path, keyword: str) -> bytes:
    dump = subprocess.run(["dcmdump", "+P", keyword, str(path)], capture_output=True, timeout=60).stdout
    start, end = dump.index(b"["), dump.rindex(b"]")
    return dump[start + 1 : end]


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_round_trip_through_dcmtk_and_pydicom(tmp_path, validate, case):
    preferred, name, description = CASES[case]
    ds = build(preferred, name, description)
    expected_set = charset.terms(preferred)
    if expected_set == [""]:
        assert "SpecificCharacterSet" not in ds
    else:
        written = ds.SpecificCharacterSet
        assert (written if isinstance(written, str) else list(written)) == (
            expected_set[0] if len(expected_set) == 1 else expected_set
        ), "the station's preferred set can carry the text, so it must be used"
    path = part10.write(tmp_path / f"{case}.dcm", ds)
    if case == "katakana":
        # dciodvfy (2022) rejects half-width katakana bytes (0xA1-0xDF) under single-valued
        # ISO_IR 13, although PS3.3 Table C.12-2 gives that term JIS X 0201 katakana in G1;
        # it accepts the same bytes under ISO 2022 IR 13 (see the ir13-ir87 case).
        errors, _ = dciodvfy(path)
        assert all("Character invalid for character repertoire" in e or "invalid data values" in e
                   for e in errors), errors
    else:
        validate(path)

    back = pydicom.dcmread(path)
    assert str(back.PatientName) == name.rstrip("=")
    assert back.SeriesDescription == description
    assert back.ImageComments == description
    assert back.RequestAttributesSequence[0].RequestedProcedureDescription == description
    assert str(back.OperatorsName) == name.rstrip("=")

    if case in ISO2022_JP:
        assert jis_reference_decode(dcmdump_raw(path, "PatientName")) == name
        assert jis_reference_decode(dcmdump_raw(path, "SeriesDescription")) == description
    else:
        utf8 = tmp_path / f"{case}.utf8.dcm"
        run("dcmconv", "+U8", str(path), str(utf8))
        dumped = run("dcmdump", "+P", "PatientName", "+P", "SeriesDescription", "+P", "ImageComments", str(utf8))
        assert f"[{name.rstrip('=')}]" in dumped
        assert dumped.count(f"[{description}]") == 2


def test_alphabetic_group_never_needs_escape_sequences():
    # Greek in the first group would need an escape there (PS3.5 6.2.1.2): such a name goes to UTF-8.
    ds = build("ISO 2022 IR 100\\ISO 2022 IR 126", "Παπαδόπουλος^Γιώργος", "Übersicht")
    assert ds.SpecificCharacterSet == "ISO_IR 192"


def test_text_the_preferred_set_cannot_carry_keeps_the_set_it_came_in():
    values = [("PN", "Yamada^Tarou=山田^太郎=やまだ^たろう"), ("LO", "胸部")]
    assert charset.choose_character_set(values, "ISO_IR 100", ["\\ISO 2022 IR 87"]) == ["", "ISO 2022 IR 87"]
    assert charset.choose_character_set(values, "ISO_IR 100", []) == ["ISO_IR 192"]
    assert charset.choose_character_set([("LO", "Ærø")], "ISO_IR 100", ["\\ISO 2022 IR 87"]) == ["ISO_IR 100"]
    # A peer's unknown term is skipped, not fatal.
    assert charset.choose_character_set(values, "ISO_IR 100", ["ISO_IR 999"]) == ["ISO_IR 192"]


def test_worklist_text_encoded_by_dcmtk_comes_out_as_the_same_characters(tmp_path):
    """A worklist answer made by DCMTK (dump2dcm) in ISO 2022 IR 87 and one without (0008,0005)
    in Latin-1: decoded with the answer's set (or the node fallback), written in our set, the
    characters are unchanged."""
    name = "Yamada^Tarou=山田^太郎=やまだ^たろう"
    description = "胸部単純撮影"
    groups = [g.encode("iso2022_jp") if any(ord(c) > 127 for c in g) else g.encode() for g in name.split("=")]
    dump = (
        b"(0008,0005) CS [\\ISO 2022 IR 87]\n"
        b"(0010,0010) PN [" + b"=".join(groups) + b"]\n"
        b"(0032,1060) LO [" + description.encode("iso2022_jp") + b"]\n"
        b"(0010,0020) LO [PID-7]\n"
    )
    (tmp_path / "wl.dump").write_bytes(dump)
    run("dump2dcm", str(tmp_path / "wl.dump"), str(tmp_path / "wl.dcm"))
    received = charset.decode_received(pydicom.dcmread(tmp_path / "wl.dcm", force=True), fallback="ISO_IR 100")
    assert str(received.PatientName) == name and received.RequestedProcedureDescription == description

    ds = build("ISO_IR 192", str(received.PatientName), received.RequestedProcedureDescription)
    back = pydicom.dcmread(part10.write(tmp_path / "dx.dcm", ds))
    assert str(back.PatientName) == name and back.SeriesDescription == description

    latin1 = b"(0010,0010) PN [M\xfcller^J\xfcrgen]\n(0010,0020) LO [PID-8]\n"
    (tmp_path / "l1.dump").write_bytes(latin1)
    run("dump2dcm", str(tmp_path / "l1.dump"), str(tmp_path / "l1.dcm"))
    received = charset.decode_received(pydicom.dcmread(tmp_path / "l1.dcm", force=True), fallback="ISO_IR 100")
    assert str(received.PatientName) == "Müller^Jürgen"


@pytest.mark.parametrize("value, message", [
    ("ISO_IR 192\\ISO 2022 IR 87", "cannot be combined"),
    ("ISO_IR 100\\ISO_IR 126", "ISO 2022 terms"),
    ("ISO_IR 999", "not supported"),
])
def test_bad_character_set_values_are_refused(value, message):
    with pytest.raises(charset.CharacterSetError, match=message):
        charset.terms(value)


def test_encode_refuses_what_the_set_cannot_carry():
    with pytest.raises(charset.CharacterSetError, match="'山' cannot be written"):
        charset.encode("山田", "ISO_IR 100")
    raw = charset.encode("Yamada^Tarou=山田^太郎", "\\ISO 2022 IR 87", vr="PN")
    assert raw.startswith(b"Yamada^Tarou=\x1b$B")
    assert charset.decode(raw, "\\ISO 2022 IR 87", vr="PN") == "Yamada^Tarou=山田^太郎"

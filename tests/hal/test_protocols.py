"""Anatomical protocols: the shipped set loads and every rule is enforced."""

import re
from pathlib import Path

import pytest

from vxacq import protocols
from vxacq.protocols import ProtocolError

REQUIRED = ("CHEST_PA", "CHEST_LAT", "HAND_PA", "KNEE_LAT", "SKULL_AP", "PELVIS_AP",
            "MAMMO_LCC", "MAMMO_RMLO")


def test_shipped_protocols_load_with_required_ids() -> None:
    loaded = protocols.load()
    assert set(REQUIRED) <= set(loaded)
    assert loaded["MAMMO_LCC"].modality == "MG" and loaded["MAMMO_LCC"].image_laterality == "L"
    assert loaded["MAMMO_RMLO"].laterality == "R" and loaded["MAMMO_RMLO"].view_position == "MLO"
    assert loaded["CHEST_PA"].image_laterality == "U" and loaded["CHEST_PA"].grid
    assert loaded["HAND_PA"].laterality == ""  # paired: the exam decides
    for p in loaded.values():
        assert p.target_ei > 0 and p.body_part and p.view_position and p.processing


def test_shipped_codes_come_from_the_code_tables() -> None:
    from vxacq.dicom import codes

    for p in protocols.load().values():
        assert codes.body_part(p.body_part).code.scheme_designator == "SCT"
        view = codes.mg_view(p.view_position) if p.modality == "MG" else codes.dx_view(
            p.view_position)
        assert view.code.scheme_designator == "SCT"


def test_technique_per_patient_size() -> None:
    chest = protocols.get("CHEST_PA")
    assert chest.sizes == protocols.SIZES
    assert chest.technique_for("medium").kv == chest.kv
    assert chest.technique_for("infant").kv < chest.kv
    assert chest.technique_for("large").mas > chest.technique_for("small").mas
    paed = protocols.get("CHEST_PAED_AP")
    assert paed.default_size == "child" and "large" not in paed.sizes
    with pytest.raises(ProtocolError, match="CHEST_PAED_AP has no technique for a large"):
        paed.technique_for("large")


def write(tmp_path: Path, **changes) -> Path:
    text = protocols.DEFAULT_PATH.read_text()
    start = text.rindex("[[protocol]]", 0, text.index('id = "CHEST_PA"'))
    first = text[start:text.index("[[protocol]]", start + 1)]
    for key, value in changes.items():
        lines = [ln for ln in first.splitlines() if not ln.startswith(f"{key} =")]
        if value is not None:
            lines.append(f"{key} = {value}")
        first = "\n".join(lines) + "\n"
    path = tmp_path / "p.toml"
    path.write_text(first)
    return path


@pytest.mark.parametrize("changes, words", [
    ({"kv": "200.0"}, "kv 200 outside 40–150 for DX"),
    ({"mas": "0.0"}, "mas 0 must be in (0, 1000]"),
    ({"laterality": '"X"'}, "laterality must be one of"),
    ({"modality": '"CT"'}, "modality must be one of DX, MG"),
    ({"aec_chambers": '"12"'}, "aec_chambers must be three 0/1 flags"),
    ({"sid_mm": "100.0"}, "sid_mm 100 outside 300–4000 mm"),
    ({"target_ei": None}, "missing field(s) target_ei"),
    ({"colour": '"red"'}, "unknown field(s) colour"),
    ({"grid": '"yes"'}, "grid has the wrong type"),
    ({"region": '"torso"'}, "region must be one of head, neck"),
    ({"body_part": '"THORAX"'}, "body part 'THORAX' is not in the CID 4031 table"),
    ({"view_position": '"CC"'}, "view 'CC' is not in the CID 4010 table"),
    ({"laterality": '""'}, "CHEST is not paired: laterality must be U or B"),
    ({"technique_by_size": '{ tall = [120, 2] }'}, "size 'tall' is not one of infant"),
    ({"technique_by_size": '{ infant = [20, 2] }'}, "infant kv 20 outside 40–150 for DX"),
    ({"technique_by_size": '{ medium = [120, 2] }'}, "repeats the default size medium"),
    ({"technique_by_size": '{ large = ["x", 2] }'}, "technique_by_size has the wrong type"),
    ({"mount": '"WALL"'}, "mount must be one of UPRIGHT, TABLE, CARM, UNMOUNTED (CID 10031)"),
    ({"column_angulation": "95.0"}, "column_angulation 95 outside -90–90 degrees"),
    ({"positioner_primary_angle": "181.0"}, "positioner_primary_angle 181 outside -180–180 degrees"),
    ({"positioner_secondary_angle": '"cranial"'}, "positioner_secondary_angle has the wrong type"),
])
def test_invalid_protocol_is_refused_naming_the_field(tmp_path: Path, changes: dict,
                                                      words: str) -> None:
    with pytest.raises(ProtocolError) as err:
        protocols.load(write(tmp_path, **changes))
    assert words in str(err.value) and "protocol CHEST_PA" in str(err.value)


def _mammo(tmp_path: Path, protocol_id: str, **changes) -> Path:
    text = protocols.DEFAULT_PATH.read_text()
    start = text.rindex("[[protocol]]", 0, text.index(f'id = "{protocol_id}"'))
    end = text.find("[[protocol]]", start + 1)
    lines = text[start:end if end > 0 else None].splitlines()
    for key, value in changes.items():
        lines = [ln for ln in lines if not ln.startswith(f"{key} =")] + [f"{key} = {value}"]
    path = tmp_path / "mg.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_mechanical_data_the_views_imply() -> None:
    loaded = protocols.load()
    assert loaded["MAMMO_RMLO"].positioner_primary_angle == 45.0
    assert loaded["MAMMO_LMLO"].positioner_primary_angle == -45.0
    assert loaded["MAMMO_LCC"].positioner_primary_angle == 0.0 and loaded["MAMMO_LCC"].mount == ""
    assert loaded["CHEST_PA"].mount == "UPRIGHT" and loaded["PELVIS_AP"].mount == "TABLE"
    assert loaded["HAND_PA"].mount == "UNMOUNTED"  # no grid: the detector lies free on the table
    assert loaded["COCCYX_AP"].column_angulation == 10.0  # 10° caudal
    assert loaded["SACRUM_AP"].column_angulation == -15.0  # 15° cranial


@pytest.mark.parametrize("protocol_id, changes, words", [
    ("MAMMO_LMLO", {"positioner_primary_angle": "45.0"}, "has the sign of the other breast for a LMLO (negative expected)"),
    ("MAMMO_RML", {"positioner_primary_angle": "-90.0"}, "for a RML (positive expected)"),
    ("MAMMO_RCC", {"mount": '"UPRIGHT"'}, "a mammography unit has no CR/DR mount"),
])
def test_mammography_angles_follow_the_breast(tmp_path: Path, protocol_id, changes, words) -> None:
    """A mediolateral oblique angle for the wrong breast would put the other side's geometry
    into the image and the dose report: refused when the protocol is loaded."""
    with pytest.raises(ProtocolError, match=re.escape(words)):
        protocols.load(_mammo(tmp_path, protocol_id, **changes))
    protocols.load(_mammo(tmp_path, protocol_id))  # unchanged, it loads


def test_duplicate_ids_and_unknown_id(tmp_path: Path) -> None:
    one = write(tmp_path).read_text()
    path = tmp_path / "dup.toml"
    path.write_text(one + "\n" + one)
    with pytest.raises(ProtocolError, match="CHEST_PA: id is used twice"):
        protocols.load(path)
    with pytest.raises(ProtocolError, match="no protocol 'ELBOW' \\(known: SKULL_AP"):
        protocols.get("ELBOW")


def test_user_manual_lists_the_current_library() -> None:
    from vxacq.docs import protocol_table

    text = protocol_table.MANUAL.read_text(encoding="utf-8")
    assert text == protocol_table.updated(text), \
        "docs/user-manual.md is stale: run python -m vxacq.docs.protocol_table"

"""The committed conformance statement is what the code does, and names UIDs and tags right."""

from __future__ import annotations

import re

import pytest
from pydicom.datadict import dictionary_description, keyword_for_tag
from pydicom.uid import UID

from vxacq.dicom.uids import STORAGE_SOP_CLASSES, ImplementationClassUID
from vxacq.docs import conformance, samples

UID_CELL = re.compile(r"`([0-9]+(?:\.[0-9]+){2,})`")
TAG = re.compile(r"\(([0-9A-F]{4}),([0-9A-F]{4})\)")


@pytest.fixture(scope="module")
def statement() -> str:
    return conformance.render()


def test_committed_statement_is_current(statement: str) -> None:
    committed = conformance.OUTPUT.read_text(encoding="utf-8")
    if committed != statement:
        import difflib

        diff = "".join(difflib.unified_diff(
            committed.splitlines(keepends=True), statement.splitlines(keepends=True),
            "docs/conformance-statement.md (committed)", "generated from the code", n=1))
        pytest.fail("docs/conformance-statement.md does not match the code: run make docs "
                    "and commit it\n" + diff[:6000], pytrace=False)


def _rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("|").split(" | ")]
            for line in text.splitlines() if line.startswith("| ") and "---|" not in line]


def test_every_uid_is_valid_and_named_as_pydicom_names_it(statement: str) -> None:
    checked = 0
    for line in statement.splitlines():
        for uid in UID_CELL.findall(line):
            if uid == ImplementationClassUID:
                assert "VXacq Implementation Class UID" in line
                continue
            assert UID(uid).is_valid, f"{uid} is not a valid UID: {line}"
            name = UID(uid).name
            assert name != uid, f"{uid} is not in pydicom's UID dictionary: {line}"
            assert name in line, f"{uid} is {name!r} in pydicom, not named so here: {line}"
            checked += 1
    assert checked > 50


def test_every_tag_has_pydicom_keyword_and_name(statement: str) -> None:
    checked = 0
    for row in _rows(statement):
        if len(row) < 3 or not TAG.fullmatch(row[2]):
            continue
        group, element = TAG.fullmatch(row[2]).groups()
        tag = int(group + element, 16)
        assert row[1] == keyword_for_tag(tag), f"{row[2]} is {keyword_for_tag(tag)}: {row}"
        assert row[0].lstrip(">") == dictionary_description(tag), row
        checked += 1
    assert checked > 300


def test_lists_every_storage_sop_class_the_builders_make(statement: str) -> None:
    built = {str(b(frozenset()).SOPClassUID)
             for b in (samples.build_dx, samples.build_mg, samples.build_dose_report,
                       samples.build_presentation_state, samples.build_rejection_note)}
    assert built == set(STORAGE_SOP_CLASSES)
    sop_table = statement.split("## 2. Networking")[0]
    for uid in STORAGE_SOP_CLASSES:
        assert f"`{uid}`" in sop_table


def test_attribute_sources_come_from_the_inputs() -> None:
    """A few rows whose source the reader can check against the code."""
    rows = {(r.path, r.sources) for r in conformance.provenance.provenance(
        samples.build_dx, samples.IMAGE_GROUPS)}
    by_keyword = {keyword_for_tag(p[-1]): s for p, s in rows if len(p) == 1}
    assert by_keyword["PatientName"] == ("worklist",)
    assert by_keyword["KVP"] == ("generator",)
    assert by_keyword["DetectorID"] == ("detector",)
    assert by_keyword["StationName"] == ("configuration",)
    assert by_keyword["WindowCenter"] == ("image chain",)
    assert by_keyword["SOPInstanceUID"] == ("generated",)
    assert by_keyword["Modality"] == ("fixed",)


def test_template_and_tables_match() -> None:
    with pytest.raises(RuntimeError, match="do not exist"):
        conformance.render("{{ no_such_table }}")
    with pytest.raises(RuntimeError, match="not placed"):
        conformance.render("{{ sop_classes }}")


def test_annex_a_lists_what_a_veterinary_order_writes(statement: str) -> None:
    """Before: Annex A was made from a human patient's order only."""
    annex = statement[statement.index("### A.1"):statement.index("### A.2")]
    for keyword in ("PatientSpeciesDescription", "PatientBreedDescription", "ResponsiblePerson",
                    "AnatomicalOrientationType", "PatientSexNeutered"):
        assert f"| {keyword} |" in annex and "veterinary order" in annex, keyword

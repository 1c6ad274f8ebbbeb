"""The code tables hold the standard's codes for the context groups they claim."""

from __future__ import annotations

from pydicom.sr._cid_dict import cid_concepts

from vxacq.dicom import codes


def cid_values(cid: int) -> set[str]:
    found = set()
    for scheme, names in cid_concepts[cid].items():
        from pydicom.sr.codedict import codes as pc

        found.update(getattr(getattr(pc, scheme), name).value for name in names)
    return found


def test_body_parts_are_cid_4031_with_distinct_terms():
    assert {bp.code.value for bp in codes.BODY_PARTS.values()} <= cid_values(4031)
    terms = [bp.BodyPartExamined for bp in codes.BODY_PARTS.values()]
    assert len(terms) == len(set(terms))
    assert all(len(t) <= 16 and t.isupper() for t in terms)


def test_views_modifiers_laterality_reasons_come_from_their_context_groups():
    assert {v.code.value for v in codes.DX_VIEWS.values()} <= cid_values(4010)
    assert {v.code.value for v in codes.MG_VIEWS.values()} <= cid_values(4014)
    assert {c.value for c in codes.MG_VIEW_MODIFIERS.values()} <= cid_values(4015)
    assert {c.value for c in codes.REJECT_REASONS.values()} == cid_values(7011)
    assert {c.value for c in codes.DISCONTINUATION_REASONS.values()} <= cid_values(9300)
    assert {c.value for c in codes.GRIDS.values()} <= cid_values(10017)
    assert {c.value for c in codes.LATERALITY.values()} <= cid_values(244)
    assert {c.value for c in codes.PARTIAL_VIEW_OPTIONS.values()} == cid_values(4005)


def test_lookups_name_the_known_keys():
    assert codes.body_part("knee").BodyPartExamined == "KNEE"
    try:
        codes.dx_view("UPSIDEDOWN")
    except ValueError as exc:
        assert "PA" in str(exc) and "CID 4010" in str(exc)
    else:
        raise AssertionError("unknown view accepted")


def test_every_code_is_a_real_code_of_its_scheme():
    """No code in the tables is invented: each value exists in pydicom's PS3.16 concept
    dictionary for its scheme (UCUM units aside)."""
    from pydicom.sr._concepts_dict import concepts

    known: dict[str, dict[str, set[str]]] = {}
    for scheme, names in concepts.items():
        for entries in names.values():
            for value, (meaning, _cids) in entries.items():
                known.setdefault(scheme, {}).setdefault(value, set()).add(meaning.lower())
    # PS3.16 meanings that pydicom words differently (see code_tables.py).
    renamed = {("SCT", "363703001"), ("DCM", "111637")}
    tables = [
        *(bp.code for bp in codes.BODY_PARTS.values()), *(v.code for v in codes.DX_VIEWS.values()),
        *(v.code for v in codes.MG_VIEWS.values()), codes.MAMMOGRAPHY,
    ]
    for name in dir(codes):
        table = getattr(codes, name)
        if isinstance(table, dict) and table and all(isinstance(c, codes.Code) for c in table.values()):
            tables.extend(table.values())
    tables.extend(v for k, v in vars(codes.RDSR).items() if isinstance(v, codes.Code))
    for code in tables:
        assert code.value in known[code.scheme_designator], code
        if (code.scheme_designator, code.value) not in renamed:
            assert code.meaning.lower() in known[code.scheme_designator][code.value], code

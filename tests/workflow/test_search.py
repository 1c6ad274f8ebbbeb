"""Search that works for every name: the folding rules per script, and the history search
on the exam database with names in several scripts."""

from __future__ import annotations

import pytest

from vxacq.workflow.search import filter_orders, matches, normalise


@pytest.mark.parametrize(("typed", "stored"), [
    ("garcia", "GARCÍA^MARÍA"),
    ("maria garcia", "GARCÍA^MARÍA"),  # any order, across PN components
    ("muller", "Müller^Jürgen"),
    ("strasse", "STRAßE^ANNA"),  # ß case-folds to ss
    ("иван", "ИВАНОВ^ИВАН"),
    ("петр", "ПЁТР^СЕМЁНОВ"),  # ё found as е
    ("τραυμα", "ΤΡΑΎΜΑ^ΑΓΝΩΣΤΟΣ"),
    ("παπαδοπουλος", "Παπαδόπουλος^Νίκος"),
    ("νικοσ", "ΝΙΚΟΣ"),  # final sigma
    ("yamada", "Yamada^Tarou=山田^太郎=やまだ^たろう"),
    ("山田", "Yamada^Tarou=山田^太郎=やまだ^たろう"),  # the ideographic group
    ("やまだ", "Yamada^Tarou=山田^太郎=やまだ^たろう"),  # the phonetic group
    ("ﾔﾏﾀﾞ", "ヤマダ^タロウ"),  # half-width katakana as typed on some keyboards
    ("홍길동", "Hong^Gildong=洪^吉洞=홍길동"),
    ("ｇａｒｃｉａ", "GARCÍA"),  # full-width Latin
    ("o'brien", "O'BRIEN^SEAN"),
    ("P-1001", "P-1001"),
])
def test_typed_finds_stored(typed: str, stored: str) -> None:
    assert matches(typed, stored)


@pytest.mark.parametrize(("typed", "stored"), [
    ("garcia", "GARZA^MARIA"),
    ("ガ", "カワイ"),  # voicing marks make another syllable
    ("иван", "IVANOV^IVAN"),  # no transliteration between scripts
    ("maria lopez", "GARCÍA^MARÍA"),  # every word must be found
])
def test_typed_does_not_find_other(typed: str, stored: str) -> None:
    assert not matches(typed, stored)


def test_normalise_is_stable_and_separates_pn_components() -> None:
    assert normalise("GARCÍA^MARÍA=ガルシア") == "garcia maria ガルシア"
    assert normalise(normalise("ΤΡΑΎΜΑ")) == normalise("ΤΡΑΎΜΑ") == "τραυμα"
    assert matches("", "anything") and matches("  ", "")


def test_worklist_filter_on_orders() -> None:
    from types import SimpleNamespace

    def order(name: str, accession: str) -> SimpleNamespace:
        return SimpleNamespace(PatientName=name, PatientID="P", AccessionNumber=accession,
                               RequestedProcedureDescription="XR CHEST",
                               ScheduledProcedureStepDescription="")

    orders = [order("GARCÍA^MARÍA", "A1"), order("ИВАНОВ^ИВАН", "A2"),
              order("ΤΡΑΎΜΑ^ΑΓΝΩΣΤΟΣ", "A3")]
    assert [o.AccessionNumber for o in filter_orders(orders, "garcia")] == ["A1"]
    assert [o.AccessionNumber for o in filter_orders(orders, "иван")] == ["A2"]
    assert [o.AccessionNumber for o in filter_orders(orders, "τραυμα")] == ["A3"]
    assert len(filter_orders(orders, "chest")) == 3 and len(filter_orders(orders, "")) == 3

"""The core's words (states, priorities, sexes) are shown in the window's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from vxacq.db.models import CommitmentState, ImageState, JobState, OrderState, StudyState
from vxacq.ui.i18n import install_translations, remove_translations
from vxacq.ui.words import WORDS, word


@pytest.fixture
def german(qapp: QApplication) -> Iterator[None]:
    assert install_translations(qapp, "de") == "de", "run `make translations`"
    yield
    remove_translations(qapp)


def test_every_state_of_the_core_has_a_word() -> None:
    states = [*OrderState, *StudyState, *ImageState, *JobState, *CommitmentState]
    missing = [s.value for s in states if s.value.replace("_", " ") not in WORDS]
    assert not missing, f"states without a translatable word in vxacq/ui/words.py: {missing}"


def test_words_are_translated_and_reasons_kept(german: None) -> None:
    assert word("in_progress") == "in Arbeit"
    assert word("failed: association rejected") == "fehlgeschlagen: association rejected"
    assert word("STAT") == "NOTFALL" and word("F") == "W"
    assert word("something new") == "something new"  # unknown: as it is

"""The Linguist files are complete: every text lupdate finds in ``vxacq/ui`` has a finished
German and Japanese translation that keeps its placeholders, and each file compiles.

A text added or changed without ``make translations-update`` and a translation fails here,
naming the text.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "vxacq" / "ui"
I18N = ROOT / "vxacq" / "resources" / "i18n"
LANGUAGES = ("de", "ja")
TOOLS = Path(sys.executable).parent
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%\d")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translation: str
    state: str  # "" when finished; else unfinished, vanished or obsolete
    forms: tuple[str, ...] = ()  # a plural's forms (one per plural rule of the language)

    @property
    def key(self) -> tuple[str, str]:
        return self.context, self.source


def read_ts(path: Path) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, f"{path}: {name}: a message without <translation>"
            forms = [f.text or "" for f in translation.iter("numerusform")]
            messages.append(Message(name, message.findtext("source", ""),
                                    "\n".join(forms) if forms else translation.text or "",
                                    translation.get("type", ""), tuple(forms)))
    return messages


def _tool(name: str) -> str:
    path = TOOLS / f"pyside6-{name}"
    if not path.exists():
        pytest.fail(f"{path} is missing: it comes with PySide6-Essentials (make .venv)",
                    pytrace=False)
    return str(path)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    """(context, text) of every text in vxacq/ui, as lupdate finds it today."""
    out = tmp_path_factory.mktemp("lupdate") / "current.ts"
    done = subprocess.run([_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none",
                           "-source-language", "en", *map(str, sorted(UI.glob("*.py"))),
                           "-ts", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return {m.key for m in read_ts(out)}


def test_every_text_is_found_with_its_context(extracted: set[tuple[str, str]]) -> None:
    """A text lupdate finds without a context (tr through a local wrapper function) is looked
    up at run time under a context the .qm file does not have: it would never be translated."""
    orphans = sorted(source for context, source in extracted if not context)
    assert not orphans, "texts without a translation context (call self.tr or " \
        "QCoreApplication.translate with literals):\n" + "\n".join(f"  {s!r}" for s in orphans)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ts_file_holds_every_text_of_the_window(language: str,
                                                extracted: set[tuple[str, str]]) -> None:
    path = I18N / f"vxacq_{language}.ts"
    held = {m.key for m in read_ts(path)}
    missing = sorted(extracted - held)
    gone = sorted(held - extracted)
    assert not missing and not gone, (
        f"{path.name} is behind the source: run `make translations-update`, then translate.\n"
        + "".join(f"  new: [{c}] {s!r}\n" for c, s in missing)
        + "".join(f"  no longer used: [{c}] {s!r}\n" for c, s in gone))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_has_a_finished_translation(language: str) -> None:
    path = I18N / f"vxacq_{language}.ts"
    unfinished = [m for m in read_ts(path) if m.state or not m.translation.strip()]
    assert not unfinished, f"{path.name}: not translated (open it in pyside6-linguist):\n" + \
        "\n".join(f"  [{m.context}] {m.source!r} ({m.state or 'empty'})" for m in unfinished)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language: str) -> None:
    """A lost {placeholder} raises KeyError in .format() or drops the value from the screen."""
    wrong = []
    for m in read_ts(I18N / f"vxacq_{language}.ts"):
        for pattern in (_PLACEHOLDER, _TAG):
            for text in m.forms or (m.translation,):
                if sorted(pattern.findall(m.source)) != sorted(pattern.findall(text)):
                    wrong.append(f"  [{m.context}] {m.source!r} -> {text!r}")
    assert not wrong, "translations that change placeholders or tags:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ts_file_compiles_and_is_read_by_qt(language: str, tmp_path: Path) -> None:
    from PySide6.QtCore import QTranslator

    qm = tmp_path / f"vxacq_{language}.qm"
    done = subprocess.run([_tool("lrelease"), str(I18N / f"vxacq_{language}.ts"), "-qm", str(qm)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\(\d+ finished and 0 unfinished\)", done.stdout), done.stdout
    translator = QTranslator()
    assert translator.load(str(qm))
    for m in read_ts(I18N / f"vxacq_{language}.ts")[:50]:
        if "\n" not in m.translation:  # numerus forms are looked up with a count
            assert translator.translate(m.context, m.source) == m.translation, m

"""Every visible text of the window goes through Qt's translation: the scan of
scripts/translatable.py over ``vxacq/ui`` (test_translations.py checks that each text found
by lupdate is translated), and the scan's own cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.translatable import scan, shown_parameters, ui_modules

CALLS = shown_parameters(ui_modules())  # the calls that show an argument, ours among them


# --- the scan ------------------------------------------------------------------------------


SAMPLE = '''
from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QToolButton, QWidget
COLUMNS = ["Patient", QT_TRANSLATE_NOOP("Page", "Born")]
SIDES = (("Left", "L"), (QT_TRANSLATE_NOOP("Page", "Right"), "R"))
def headed(headers):
    widget = QTableWidget()
    widget.setHorizontalHeaderLabels(list(headers))
class Page(QWidget):
    def __init__(self, n):
        super().__init__()
        self.a = QLabel("Plain literal")
        self.b = QPushButton(text="Keyword literal")
        self.c = QLabel(f"{n} images")
        text = "Room ready" if n else f"Room: {n}"
        self.a.setText(text)
        self.say("Concatenated " + str(n), "alarm")
        self.t = headed(COLUMNS)
        for label, value in SIDES:
            self.combo.addItem(label, value)
        self.d = QLabel(self.tr(f"{n} never extracted"))
        self.combo.addItems(["STANDARD\\1,1"])  # untranslated: a DICOM defined term
        words = {"ok": "within target", "alarm": self.tr("far from target")}[n]
        self.e = QLabel(self.tr("EI ({words})").format(words=words))
        def tool(label, tip, slot):
            return QToolButton(text=label, toolTip=tip)
        tool("Fit", self.tr("Fit the image"), "fit")
        def later():
            self.a.setText(text)
        parts = [self.tr("Fine")]
        parts.append(f"battery {n} %")
        self.a.setText(", ".join(parts))
        self.ok = [QLabel(self.tr("Fine")), QLabel(self.tr("{n} images").format(n=n)),
                   QLabel(f"{n} — {n}"), QLabel("<b>{}</b>".format(n)), QLabel("—"),
                   QLabel(QCoreApplication.translate("Page", "Fine too")),
                   self.say(self.tr("Fine"), "alarm"), self.failed(f"{n} failed")]
    def say(self, text, level):
        self.banner.setText(text)
        self.banner.setStyleSheet(level)
class Box(QGroupBox):
    def __init__(self):
        super().__init__("X-ray room")
    def failed(self, exc):
        self.banner.setText(self.tr("Failed: {exc}").format(exc=exc))
'''


def test_scan_finds_each_way_a_text_bypasses_tr(tmp_path: Path) -> None:
    """The scanner itself: each pattern it must catch, and what it must let through."""
    sample = tmp_path / "sample.py"
    sample.write_text(SAMPLE, encoding="utf-8")
    found = scan(sample)
    text = "\n".join(map(str, found))
    flagged = {f.what.split(": ", 1)[1] for f in found}
    assert flagged == {
        "'Patient' is not translated",                  # a table shown through a helper
        "'Left' is not translated",                     # a table unpacked by a loop
        "'Plain literal' is not translated",
        "'Keyword literal' is not translated",
        "f-string '{} images' is not translated",
        "'Room ready' is not translated",               # through a local name
        "f-string 'Room: {}' is not translated",
        "'Concatenated ' is not translated",            # through our own method's parameter
        "'within target' is not translated",            # a lookup table's value
        "'Fit' is not translated",                      # through a nested helper's parameter
        "f-string 'battery {} %' is not translated",    # appended to a list that is joined
        "'X-ray room' is not translated",               # the title given to a base class
        "tr() a literal template, then .format() it",  # tr(f"...") is never extracted
    }, text
    assert sum("'Room ready'" in str(f) for f in found) == 1  # once, though shown twice


@pytest.mark.parametrize("path", ui_modules(), ids=lambda p: p.name)
def test_every_visible_text_goes_through_tr(path: Path) -> None:
    found = scan(path, CALLS)
    assert not found, ("texts shown without tr() (wrap them: self.tr(\"...\"), or "
                       "QCoreApplication.translate(\"Context\", \"...\") outside a QObject):\n"
                       + "\n".join(map(str, found)))

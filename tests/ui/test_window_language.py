"""The console window in German and in Japanese, as a radiographer would see it: the pages
and the buttons of the exam come out translated, no text is left in English where the
translation files have it, and no translated text is cut off at 1280×800."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit, QTableWidget,
    QTabWidget, QWidget,
)

from tests import peers
from tests.ui.driver import pump
from tests.ui.test_translations import I18N, read_ts
from vxacq import config as configuration
from vxacq.ui.context import Console
from vxacq.ui.i18n import install_translations, remove_translations
from vxacq.ui.main_window import MainWindow

_PLACEHOLDER = re.compile(r"\\\{[^{}]*\\\}")  # a {name} in a re.escape()d template
_TAG = re.compile(r"<[^>]*>")


def _pattern(template: str) -> re.Pattern[str]:
    """A translation template as a pattern its formatted texts match."""
    return re.compile(_PLACEHOLDER.sub(".*", re.escape(template)), re.DOTALL)


def _has_words(template: str) -> bool:
    """Whether a template says something beyond its placeholders ("{grid}, {aec}" does not)."""
    return any(ch.isalpha() for ch in re.sub(r"\{[^{}]*\}", "", _plain(template)))


def _plain(text: str) -> str:
    return _TAG.sub("", text).replace("&", "").strip()


@pytest.fixture(scope="module", params=["de", "ja"])
def window(request: pytest.FixtureRequest, qapp: QApplication,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, MainWindow]]:
    """The main window built after the language was installed, as vxacq.ui.app builds it."""
    language = request.param
    assert install_translations(qapp, language) == language, \
        f"no compiled {language} translation: run `make translations`"
    folder = tmp_path_factory.mktemp(f"station-{language}")
    config = configuration.from_dict({
        "station": {"data_dir": str(folder / "data"), "listen_port": peers.free_port(),
                    "station_name": "I18N-TEST", "language": language},
        "hardware": {"detector_model": "DRTEST", "sim_time_scale": 0.05}})
    console = Console.start(config, room_poll_s=0.2)
    window = MainWindow(console)
    window.resize(1280, 800)
    window.show()
    pump(0.3)
    try:
        yield language, window
    finally:
        window.close()
        console.stop()
        remove_translations(qapp)


def shown_texts(window: MainWindow) -> list[tuple[str, str]]:
    """(widget, text) of every text the window can show: labels, buttons, titles, tabs,
    column headings, placeholders, list items and tooltips, on every page."""
    texts = [("window title", window.windowTitle())]
    for widget in window.findChildren(QWidget):
        where = f"{type(widget).__name__} {widget.objectName()}".strip()
        if isinstance(widget, QLabel):
            texts.append((where, widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append((where, widget.text()))
        elif isinstance(widget, QGroupBox):
            texts.append((where, widget.title()))
        elif isinstance(widget, QLineEdit):
            texts.append((where, widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            texts += [(where, widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [(where, widget.tabText(i)) for i in range(widget.count())]
        if isinstance(widget, QTableWidget):
            model = widget.model()
            texts += [(where, str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                      for c in range(model.columnCount())]
        texts.append((where + " tooltip", widget.toolTip()))
    return [(where, _plain(text)) for where, text in texts if _plain(text)]


def test_pages_and_exposure_buttons_are_translated(window: tuple[str, MainWindow]) -> None:
    language, main = window
    translations = {m.source: m.translation for m in read_ts(I18N / f"vxacq_{language}.ts")}
    tabs = [main.pages.tabText(i) for i in range(main.pages.count())]
    assert tabs == [translations[t] for t in ("Worklist", "Exam", "History", "Service")]
    panel = main.exam.room_panel
    for button, english in ((main.worklist.start_button, "Start exam"),
                            (panel.prep_button, "Prep (stage 1)"),
                            (panel.expose_button, "Expose (stage 2)"),
                            (main.exam.accept_button, "Accept"),
                            (main.exam.reject_button, "Reject")):
        assert button.text() == translations[english] != english


def test_no_text_is_left_in_english(window: tuple[str, MainWindow]) -> None:
    """A text matching an English source whose translation differs was never translated:
    built before the translator was installed, under the wrong context, or not wrapped."""
    language, main = window
    messages = [m for m in read_ts(I18N / f"vxacq_{language}.ts")
                if m.translation != m.source and _has_words(m.source)]
    english = [(m.source, _pattern(_plain(m.source))) for m in messages]
    translated = [_pattern(_plain(m.translation)) for m in messages]
    left = sorted({f"{where}: {text!r} (source {source!r})" for where, text in shown_texts(main)
                   for source, pattern in english
                   if pattern.fullmatch(text) and not any(t.fullmatch(text) for t in translated)})
    assert not left, "shown in English:\n" + "\n".join(left)


def test_translated_texts_are_not_cut_at_1280x800(window: tuple[str, MainWindow]) -> None:
    """Each label and button is as wide as its translated text needs (the window as a whole
    may grow past 1280 px where the layout needs it, English too: the screens' own test)."""
    language, main = window
    cut = []
    for index in range(main.pages.count()):
        main.pages.setCurrentIndex(index)
        pump(0.1)
        for widget in main.pages.currentWidget().findChildren(QWidget):
            if not widget.isVisible() or not isinstance(widget, (QAbstractButton, QLabel)):
                continue
            if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text()):
                continue
            if widget.width() < widget.minimumSizeHint().width():
                cut.append(f"{main.pages.tabText(index)}: {type(widget).__name__} "
                           f"{_plain(widget.text())!r} is {widget.width()} px wide, needs "
                           f"{widget.minimumSizeHint().width()} px")
    main.pages.setCurrentIndex(0)
    assert not cut, "\n".join(cut)

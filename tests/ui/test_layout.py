"""The console at the sizes of common console monitors: every text whole, nothing on top of
another, nothing pressed under 44 px, messages in their reserved place, keyboard shortcuts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui import layout_checks
from tests.ui.driver import pump
from vxacq.ui.main_window import MainWindow
from vxacq.workflow.console import QueueSummary

SIZES = ((1280, 800), (1366, 768), (1280, 1024))


@pytest.fixture
def window(knee_exam_window: MainWindow) -> MainWindow:
    return knee_exam_window


def _pages(window: MainWindow):
    return (window.worklist, window.exam, window.history, window.service)


def test_every_page_fits_each_console_screen(window) -> None:
    found = []
    for width, height in SIZES:
        window.resize(width, height)
        for page in _pages(window):
            window.show_page(page)
            pump(0.15)
            assert window.width() <= width and window.height() <= height, \
                f"the window needs {window.width()}×{window.height()}, more than {width}×{height}"
            found += [f"{width}×{height} {type(page).__name__}: {p}"
                      for p in layout_checks.problems(window)]
    assert not found, "\n".join(found)


def test_window_refuses_to_shrink_below_what_it_needs(window, qtbot) -> None:
    # the queue's figures come from a worker: checked with them, not while they arrive
    qtbot.waitUntil(lambda: bool(window.queue_label.text()), timeout=10_000)
    window.resize(900, 600)
    pump(0.1)
    assert window.width() >= window.minimumWidth() >= window.minimumSizeHint().width()
    assert window.height() >= window.minimumHeight() >= window.minimumSizeHint().height()
    assert layout_checks.problems(window) == []


def test_the_queue_figures_arriving_later_are_never_cut(window) -> None:
    """The status bar's queue button gets its text from a read on a worker, after the window
    took its minimum size: a longer text widens the minimum instead of being cut."""
    window.resize(900, 600)
    pump(0.1)
    for summary in (QueueSummary(0, 0), QueueSummary(12345, 0), QueueSummary(12345, 678)):
        window._show_queue(summary)
        pump(0.1)
        assert layout_checks.problems(window) == [], summary
        assert window.width() >= window.minimumSizeHint().width()


def test_everything_a_radiographer_presses_is_a_touch_target(window) -> None:
    window.resize(*SIZES[0])
    found = []
    for page in _pages(window):
        window.show_page(page)
        pump(0.1)
        found += [f"{type(page).__name__}: {p}" for p in layout_checks.too_small(window)]
    assert not found, "\n".join(found)


def test_a_message_never_moves_a_control(window) -> None:
    page = window.exam
    window.resize(*SIZES[1])
    window.show_page(page)
    pump(0.1)
    controls = [page.room_panel.prep_button, page.room_panel.expose_button, page.accept_button,
                page.close_button, page.toolbar.buttons["fit"], page.toolbar.buttons["crop"]]
    before = [layout_checks.geometry(c, window) for c in controls]
    long = "The detector did not answer within its time limit. " * 20
    for text, level in ((long, "alarm"), ("Ready", "ok"), ("", "")):
        page.messages.show(text, level) if text else page.messages.clear()
        pump(0.05)
        assert [layout_checks.geometry(c, window) for c in controls] == before
    page.messages.show(long, "alarm")
    assert page.messages.text() == long and page.messages.level() == "alarm"
    assert page.messages._label.toolTip() == long  # cut on screen: whole in the tooltip


def test_keyboard_reaches_every_page(window, qtbot) -> None:
    from PySide6.QtCore import Qt

    for key, page in ((Qt.Key.Key_3, window.history), (Qt.Key.Key_4, window.service),
                      (Qt.Key.Key_1, window.worklist), (Qt.Key.Key_2, window.exam)):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.pages.currentIndex() == _pages(window).index(page)


def test_the_user_manual_lists_every_shortcut() -> None:
    from vxacq.ui.review_toolbar import TOOLS, WINDOW_PRESETS

    manual = (Path(__file__).resolve().parents[2] / "docs" / "user-manual.md").read_text(
        encoding="utf-8")
    keys = [key for _label, _what, key in TOOLS.values()]
    keys += [key for _name, key, _shift, _factor in WINDOW_PRESETS]
    keys += [f"Ctrl+{n}" for n in range(1, 5)]
    missing = [key for key in keys if f"\n| {key} |" not in manual]
    assert not missing, f"shortcuts missing from docs/user-manual.md: {missing}"

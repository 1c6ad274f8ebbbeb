"""The console's look: dark by default (a dim X-ray room), light when the station says so,
and touch sizes in both."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from tests.ui import layout_checks
from tests.ui.driver import pump
from vxacq.ui import theme
from vxacq.ui.main_window import MainWindow


def _lightness(role: QPalette.ColorRole) -> float:
    return QApplication.instance().palette().color(role).lightnessF()


def test_dark_by_default_light_as_an_option(station_window: MainWindow) -> None:
    window = station_window
    assert window.console.config.station.theme == "dark"  # nothing configured: dark
    assert _lightness(QPalette.ColorRole.Window) < 0.25
    assert _lightness(QPalette.ColorRole.Base) < 0.25
    assert _lightness(QPalette.ColorRole.WindowText) > 0.75  # readable on it
    app = QApplication.instance()
    try:
        theme.apply(app, "light")  # `theme = "light"` in [station]
        assert _lightness(QPalette.ColorRole.Window) > 0.75
        assert _lightness(QPalette.ColorRole.WindowText) < 0.25
        window.resize(1280, 800)
        pump(0.1)
        assert layout_checks.too_small(window) == []  # touch sizes hold in the light look
    finally:
        theme.apply(app, "dark")

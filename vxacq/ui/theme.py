"""The console's look: dark by default (a dim X-ray room), light as an option; touch sizes.

Everything a radiographer presses is at least :data:`TOUCH_MIN` pixels high (and wide), the
size a gloved finger hits on a touch monitor; the stylesheet sets it for every kind of
control so no page has to remember it. ``[station] theme`` in the configuration chooses.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("dark", "light")
TOUCH_MIN = 44  # px: every pressable control, at least this high and wide

_DARK = {
    QPalette.ColorRole.Window: "#1f2125", QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#15171a", QPalette.ColorRole.AlternateBase: "#1c1f23",
    QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#2c3036",
    QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#1e6fd9", QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2c3036", QPalette.ColorRole.ToolTipText: "#e8e8e8",
    QPalette.ColorRole.PlaceholderText: "#8a8f98", QPalette.ColorRole.Link: "#64a8ff",
}
_DARK_DISABLED = {QPalette.ColorRole.WindowText: "#6c7079", QPalette.ColorRole.Text: "#6c7079",
                  QPalette.ColorRole.ButtonText: "#6c7079",
                  QPalette.ColorRole.Button: "#25282d"}

# sizes for touch; colours only where the palette does not reach (borders, checked tools)
_SIZES = f"""
QPushButton, QToolButton {{ min-height: {TOUCH_MIN - 8}px; }}
QComboBox, QAbstractSpinBox, QLineEdit, QDateEdit {{ min-height: {TOUCH_MIN - 6}px; }}
QPushButton {{ padding: 3px 14px; }}
QToolButton {{ min-width: {TOUCH_MIN - 12}px; padding: 2px 5px; }}
QRadioButton, QCheckBox {{ min-height: {TOUCH_MIN}px; }}
QRadioButton::indicator, QCheckBox::indicator {{ width: 22px; height: 22px; }}
QTabBar::tab {{ min-height: {TOUCH_MIN - 4}px; min-width: 96px; padding: 4px 16px; }}
QListView::item {{ min-height: {TOUCH_MIN}px; }}
QGroupBox {{ font-weight: bold; }}
"""
_DARK_EXTRA = """
QToolButton:checked, QPushButton:checked { background: #1e6fd9; color: white; }
QGroupBox { border: 1px solid #3a3f47; border-radius: 4px; margin-top: 10px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
QToolTip { border: 1px solid #3a3f47; }
"""


def palette(name: str) -> QPalette:
    """The theme's palette; ``light`` is the Fusion style's own."""
    if name not in THEMES:
        raise ValueError(f"theme '{name}' is not one of {', '.join(THEMES)}")
    fusion = QStyleFactory.create("Fusion").standardPalette()
    if name == "light":
        return fusion
    for role, colour in _DARK.items():
        fusion.setColor(role, QColor(colour))
    for role, colour in _DARK_DISABLED.items():
        fusion.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return fusion


def apply(app: QApplication, name: str = "dark") -> None:
    """Give the whole application the theme (style, palette, touch sizes)."""
    app.setStyle("Fusion")
    app.setPalette(palette(name))
    app.setStyleSheet(_SIZES + (_DARK_EXTRA if name == "dark" else ""))

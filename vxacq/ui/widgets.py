"""Small widgets every page uses: the message banner, read-only tables, DI colours."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
    QTableWidgetItem,
)

COLOURS = {"ok": "#2e7d32", "warning": "#f9a825", "alarm": "#c62828", "info": "#1565c0",
           "muted": "#616161"}


class Banner(QLabel):
    """One line at the top of a page that says what went wrong (or right) and what to do."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, level: str = "alarm") -> None:
        colour = COLOURS.get(level, COLOURS["info"])
        self.setStyleSheet(f"QLabel {{ background: {colour}; color: white; padding: 6px; "
                           "border-radius: 3px; font-weight: bold; }")
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


def table(headers: Sequence[str]) -> QTableWidget:
    """A read-only table, whole rows selected, last column stretched."""
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(list(headers))
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.verticalHeader().setVisible(False)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setStretchLastSection(True)
    widget.setAlternatingRowColors(True)
    return widget


def fill(widget: QTableWidget, rows: Sequence[Sequence[object]],
         colours: Sequence[str | None] | None = None) -> None:
    """Replace the table's rows; ``colours`` gives each row's text colour (a COLOURS key)."""
    widget.setRowCount(len(rows))
    for r, values in enumerate(rows):
        colour = (colours[r] if colours else None)
        for c, value in enumerate(values):
            item = QTableWidgetItem("" if value is None else str(value))
            if colour:
                item.setForeground(QColor(COLOURS.get(colour, colour)))
            widget.setItem(r, c, item)


def di_band(di: float | None, warning: float, alarm: float) -> str:
    """The DI's colour band (IEC 62494-1 practice): within ±warning ok, beyond ±alarm alarm."""
    if di is None:
        return "muted"
    if abs(di) <= warning:
        return "ok"
    return "warning" if abs(di) <= alarm else "alarm"


def person_name(pn: str) -> str:
    """DICOM PN for people: ``Family^Given`` → ``FAMILY, Given``; ideographic groups kept."""
    groups = pn.split("=")
    first = groups[0].split("^")
    family, given = first[0], " ".join(p for p in first[1:3] if p)
    text = f"{family.upper()}, {given}" if given else family.upper()
    others = [g.replace("^", " ").strip() for g in groups[1:] if g.strip()]
    return text + (f" ({' / '.join(others)})" if others else "")


def ok_cancel(dialog: QDialog, ok_text: str = "", on_ok: Callable[[], None] | None = None
              ) -> QDialogButtonBox:
    """OK and Cancel for ``dialog``; OK says ``ok_text`` and runs ``on_ok`` (default: accept)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons

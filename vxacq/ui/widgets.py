"""Small widgets every page uses: the message banner and strip, read-only tables, DI colours."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QHeaderView, QLabel,
    QTableWidget, QTableWidgetItem, QWidget,
)

TOUCH_ROW = 44  # px: a table row is chosen with a finger (vxacq.ui.theme.TOUCH_MIN)

COLOURS = {"ok": "#2e7d32", "warning": "#f9a825", "alarm": "#c62828", "info": "#1565c0",
           "muted": "#616161"}


def set_style(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` its own style sheet, unless it has it already: every setStyleSheet,
    even with the same text, re-polishes the widget against the application's style sheet —
    a cost paid on every room status otherwise."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


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


class ElidedLabel(QLabel):
    """A one-line state beside others (the status bar's room and listener): it asks for at
    most ``share`` of its window's width, so the status bar's message keeps its room; a longer
    text is cut there with "…". The whole text is always in the tooltip. Set it with
    :meth:`set_full_text`; the window calls ``updateGeometry()`` when it is resized."""

    def __init__(self, share: float) -> None:
        super().__init__()
        self._share = share
        self._full = ""

    def set_full_text(self, text: str) -> None:
        if text != self._full:
            self._full = text
            self.setToolTip(text)
            self.updateGeometry()
            self._fit()

    def full_text(self) -> str:
        return self._full

    def _cap(self) -> int:
        return max(80, int(self.window().width() * self._share))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        margins = self.contentsMargins()
        need = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(min(need, self._cap()), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(min(self.sizeHint().width(), 80), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        metrics, room = self.fontMetrics(), self.contentsRect().width()
        # elidedText cuts a text that fits to the pixel (sub-pixel advances): measured first
        self.setText(self._full if metrics.horizontalAdvance(self._full) <= room
                     else metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, room))


class MessageStrip(QFrame):
    """The exam screen's reserved place for messages: always there, always the same height,
    so a message never moves a button. ``show(text, level)`` (level: ok, info, warning,
    alarm), ``clear()``, ``text()``, ``level()``. A text longer than its two lines is cut
    with "…" and shown whole in the tooltip."""

    LINES = 2

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("messages")
        self._label = QLabel()
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self._label)
        metrics = QFontMetrics(self._label.font())
        self.setFixedHeight(metrics.lineSpacing() * self.LINES + 12)
        self._label.setStyleSheet("color: white; font-weight: bold;")
        self._text, self._level = "", ""
        self._paint()

    def show(self, text: str | None = None, level: str = "info") -> None:  # type: ignore[override]
        """Say ``text`` at ``level``; without a text, only make the strip visible."""
        if text is None:
            super().show()
            return
        self._text, self._level = text, level
        self._paint()

    def clear(self) -> None:
        self._text, self._level = "", ""
        self._paint()

    # the banner's names, so pages may use either
    def show_message(self, text: str, level: str = "alarm") -> None:
        self.show(text, level)

    def clear_message(self) -> None:
        self.clear()

    def text(self) -> str:
        return self._text

    def level(self) -> str:
        return self._level

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._paint()

    def _paint(self) -> None:
        # palette, not a stylesheet: re-styling a widget on every message costs a re-polish
        if self._text:
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window,
                             QColor(COLOURS.get(self._level, COLOURS["info"])))
            self.setPalette(palette)
        self.setAutoFillBackground(bool(self._text))  # empty: the page shows through
        self._label.setText(self._fitted())
        self._label.setToolTip(self._text if self._label.text() != self._text else "")

    def _fitted(self) -> str:
        """The text, cut to what its lines hold at the strip's width."""
        metrics = QFontMetrics(self._label.font())
        width = max(1, self._label.width())
        room = metrics.lineSpacing() * self.LINES
        flags = int(Qt.TextFlag.TextWordWrap)
        if metrics.boundingRect(0, 0, width, 10_000, flags, self._text).height() <= room:
            return self._text
        text = self._text
        while text and metrics.boundingRect(0, 0, width, 10_000, flags,
                                            text + "…").height() > room:
            text = text[:int(len(text) * 0.9)] if len(text) > 40 else text[:-1]
        return text.rstrip() + "…"


def table(headers: Sequence[str]) -> QTableWidget:
    """A read-only table, whole rows selected, last column stretched."""
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(list(headers))
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.verticalHeader().setVisible(False)
    widget.verticalHeader().setDefaultSectionSize(TOUCH_ROW)  # a row is pressed to select it
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


class SavingDialog(QDialog):
    """A dialog whose OK writes on a worker. While the write is under way
    (:meth:`set_saving`) the buttons given to :meth:`hold` are off and Cancel, Esc or the
    close button wait for it: a write finishing after a cancel would do what the user was told
    was not done, or fail where nobody sees it. The write ends with an answer (the database's
    busy timeout, the file system's errors), so the wait does too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saving = False
        self._held: tuple[QWidget, ...] = ()

    def hold(self, *buttons: QWidget) -> None:
        """The buttons that are off while a write is under way."""
        self._held = buttons

    def set_saving(self, under_way: bool) -> None:
        self.saving = under_way
        for button in self._held:
            button.setEnabled(not under_way)

    def reject(self) -> None:
        if not self.saving:
            super().reject()

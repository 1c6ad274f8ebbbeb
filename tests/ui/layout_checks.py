"""What a console screen must hold at every size: whole texts, nothing on top of another,
everything pressed at least 44 px. Shared by the layout tests and the screenshot script."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractScrollArea, QAbstractSpinBox, QComboBox, QLabel, QLineEdit,
    QTabBar, QWidget,
)

from vxacq.ui.theme import TOUCH_MIN

CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QLabel)
PRESSED = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)


def _in_scroll_viewport(widget: QWidget) -> bool:
    """Cells and items drawn inside a list/table/scroll area (they scroll; not laid out)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(widget, QTabBar):
            return True
        parent = parent.parentWidget()
    return False


def visible_controls(root: QWidget) -> list[QWidget]:
    """The laid-out controls of ``root`` on screen now (a spin box's own line edit and a
    combo's pieces count as their owner)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisible():
            continue
        if widget.visibleRegion().isEmpty() or _in_scroll_viewport(widget):
            continue
        owner = widget.parentWidget()
        if isinstance(owner, (QAbstractSpinBox, QComboBox)):
            continue
        if isinstance(widget, QLabel) and not widget.text():
            continue
        found.append(widget)
    return found


def _plain(text: str) -> str:
    from PySide6.QtGui import QTextDocument

    if "<" in text:
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def truncated(widget: QWidget) -> str:
    """Why ``widget``'s text does not fit it, or ""."""
    metrics = widget.fontMetrics()
    if isinstance(widget, QLabel):
        if widget.pixmap() is not None and not widget.pixmap().isNull():
            return ""
        room = widget.contentsRect().width() - 2 * widget.margin() - widget.indent() * 0
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            return f"needs {need} px high, has {widget.height()}" if need > widget.height() else ""
        lines = _plain(widget.text()).split("\n")
        need = max(metrics.horizontalAdvance(line) for line in lines)
        return f"needs {need} px wide, has {room}" if need > room else ""
    if isinstance(widget, QAbstractButton):
        text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        if not text:
            return ""
        need = metrics.horizontalAdvance(text) + (widget.iconSize().width()
                                                   if not widget.icon().isNull() else 0)
        if widget.metaObject().className() in ("QRadioButton", "QCheckBox"):
            need = widget.sizeHint().width()  # the style's indicator and its spacing
            return f"needs {need} px wide, has {widget.width()}" if need > widget.width() else ""
        return f"needs {need} px wide, has {widget.width() - 8}" if need > widget.width() - 8 \
            else ""
    if isinstance(widget, QComboBox):
        need = metrics.horizontalAdvance(widget.currentText()) + 30
        return f"'{widget.currentText()}' needs {need} px, has {widget.width()}" \
            if need > widget.width() else ""
    if isinstance(widget, QAbstractSpinBox):
        need = metrics.horizontalAdvance(widget.text()) + 30
        return f"needs {need} px, has {widget.width()}" if need > widget.width() else ""
    return ""


def geometry(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())


def problems(root: QWidget) -> list[str]:
    """Every truncated text, overlap and control outside ``root``, in words."""
    out = []
    controls = visible_controls(root)
    frame = root.rect()
    rects = {}
    for widget in controls:
        name = f"{type(widget).__name__} '{_text(widget)}'"
        why = truncated(widget)
        if why:
            out.append(f"{name} is cut: {why}")
        rect = geometry(widget, root)
        if not frame.contains(rect):
            out.append(f"{name} lies outside the window: {rect} not in {frame}")
        rects[widget] = rect
    items = list(rects.items())
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            overlap = ra.intersected(rb)
            if overlap.width() > 1 and overlap.height() > 1:
                out.append(f"{type(a).__name__} '{_text(a)}' and {type(b).__name__} "
                           f"'{_text(b)}' overlap ({overlap})")
    return out


def too_small(root: QWidget) -> list[str]:
    """Every visible control a radiographer presses that is under TOUCH_MIN px."""
    out = []
    for widget in visible_controls(root):
        if isinstance(widget, PRESSED) and (widget.height() < TOUCH_MIN
                                            or widget.width() < TOUCH_MIN):
            out.append(f"{type(widget).__name__} '{_text(widget)}' is "
                       f"{widget.width()}×{widget.height()}")
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            for index in range(bar.count()):
                if bar.tabRect(index).height() < TOUCH_MIN:
                    out.append(f"tab '{bar.tabText(index)}' is {bar.tabRect(index).height()} high")
    return out


def _text(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    return _plain(getattr(widget, "text", lambda: "")())[:40]

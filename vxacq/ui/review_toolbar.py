"""The review tools above the image, in two fixed rows, each with its keyboard shortcut.

View: fit, zoom in/out and the zoom in per cent, window/level presets, numeric window
center and width, window by dragging. Image: rotate either way, flip, the L/R marker (which
letter, and moving it), crop, apply and undo the crop, a long-length image's seams moved by
hand, a text, a distance, clear the notes.

The view-only tools act on the :class:`ReviewView` directly; those that change the image
(rotation, flip, marker, crop) are re-processed from the raw frame by the exam page, which
listens to this bar's signals. Every tool is a QAction whose shortcut works while the exam
page is on screen (:data:`SHORTCUTS` lists them for the manual).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QFrame, QHBoxLayout, QLabel, QSpinBox, QToolButton, QVBoxLayout, QWidget,
)

from vxacq.ui.review_view import ReviewView


def _t(text: str) -> str:
    return QCoreApplication.translate("ReviewToolbar", text)


# name, shortcut: (center shift as a fraction of the width, width factor) from the image's own
WINDOW_PRESETS = (
    (QT_TRANSLATE_NOOP("ReviewToolbar", "Image"), "1", 0.0, 1.0),
    (QT_TRANSLATE_NOOP("ReviewToolbar", "More contrast"), "2", 0.0, 0.6),
    (QT_TRANSLATE_NOOP("ReviewToolbar", "Less contrast"), "3", 0.0, 1.6),
    (QT_TRANSLATE_NOOP("ReviewToolbar", "Brighter"), "4", 0.15, 1.0),
    (QT_TRANSLATE_NOOP("ReviewToolbar", "Darker"), "5", -0.15, 1.0),
)

# tool key → (label, what it does, shortcut); the order is the bar's
TOOLS = {
    "fit": (QT_TRANSLATE_NOOP("ReviewToolbar", "Fit"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Fit the image to the view"), "F"),
    "zoom_in": (QT_TRANSLATE_NOOP("ReviewToolbar", "+"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Zoom in"), "+"),
    "zoom_out": (QT_TRANSLATE_NOOP("ReviewToolbar", "−"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Zoom out"), "-"),
    "window": (QT_TRANSLATE_NOOP("ReviewToolbar", "W/L"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Drag to set window (left/right) and level (up/down)"),
        "W"),
    "rotate_left": (QT_TRANSLATE_NOOP("ReviewToolbar", "⟲"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Turn 90° anticlockwise"), "Shift+R"),
    "rotate_right": (QT_TRANSLATE_NOOP("ReviewToolbar", "⟳"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Turn 90° clockwise"), "R"),
    "flip_h": (QT_TRANSLATE_NOOP("ReviewToolbar", "⇆"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Mirror left-right"), "H"),
    "flip_v": (QT_TRANSLATE_NOOP("ReviewToolbar", "⇅"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Mirror top-bottom"), "V"),
    "move_marker": (QT_TRANSLATE_NOOP("ReviewToolbar", "Move"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Drag the L/R marker to its place"), "M"),
    "crop": (QT_TRANSLATE_NOOP("ReviewToolbar", "Crop"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Draw the crop rectangle, then Apply"), "C"),
    "apply_crop": (QT_TRANSLATE_NOOP("ReviewToolbar", "Apply"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Crop the image to the rectangle"), "Shift+C"),
    "undo_crop": (QT_TRANSLATE_NOOP("ReviewToolbar", "Undo"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Undo the last crop"), "Ctrl+Z"),
    "text": (QT_TRANSLATE_NOOP("ReviewToolbar", "Text"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Write a text on the image"), "T"),
    "measure": (QT_TRANSLATE_NOOP("ReviewToolbar", "Ruler"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Measure a distance (drag its ends)"), "D"),
    "clear_notes": (QT_TRANSLATE_NOOP("ReviewToolbar", "Clear"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Remove the texts and distances"), "Shift+Del"),
    "prior": (QT_TRANSLATE_NOOP("ReviewToolbar", "Prior"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Show an earlier image of the patient beside this one"),
        "P"),
    "seam_up": (QT_TRANSLATE_NOOP("ReviewToolbar", "▲"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Long-length: move the fields below the seam up"),
        "Alt+Up"),
    "seam_down": (QT_TRANSLATE_NOOP("ReviewToolbar", "▼"),
        QT_TRANSLATE_NOOP("ReviewToolbar", "Long-length: move the fields below the seam down"),
        "Alt+Down"),
}
# How far one press of Seam ▲/▼ moves a seam: a few pixels of a 139 µm panel.
SEAM_STEP_MM = 0.5


def shortcuts() -> list[tuple[str, str]]:
    """(what, key) of every review tool and preset, for the manual and the tooltips."""
    rows = [(_t(what), key) for _label, what, key in TOOLS.values()]
    rows += [(_t("Window preset: {name}").format(name=_t(name)), key)
             for name, key, _shift, _factor in WINDOW_PRESETS]
    return rows


class ReviewToolbar(QWidget):
    """``rotate(degrees)``, ``flip(direction)``, ``marker_chosen()``, ``apply_crop_requested()``
    and ``undo_crop_requested()`` ask the page for a re-processing; ``crop_toggled(on)`` and
    ``marker_move_toggled(on)`` start or leave a drag; ``text_requested()``."""

    rotate = Signal(int)
    flip = Signal(str)
    marker_chosen = Signal()
    marker_move_toggled = Signal(bool)
    crop_toggled = Signal(bool)
    apply_crop_requested = Signal()
    undo_crop_requested = Signal()
    text_requested = Signal()
    prior_toggled = Signal(bool)
    seam_moved = Signal(int, float)  # seam (0 is the first), mm along the body

    def __init__(self, review: ReviewView) -> None:
        super().__init__()
        self.review = review
        self.actions_by_key: dict[str, QAction] = {}
        self.buttons: dict[str, QToolButton] = {}
        view_row, image_row = QHBoxLayout(), QHBoxLayout()
        view_row.setSpacing(3)
        image_row.setSpacing(3)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        rows.addLayout(view_row)
        rows.addLayout(image_row)

        def tool(key: str, row: QHBoxLayout, slot: Callable, checkable: bool = False) -> QAction:
            label, what, shortcut = TOOLS[key]
            action = QAction(self.tr(label), self, checkable=checkable)
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(self.tr("{what} ({key})").format(what=self.tr(what),
                                                                key=shortcut))
            (action.toggled if checkable else action.triggered).connect(slot)
            button = QToolButton()
            button.setDefaultAction(action)
            row.addWidget(button)
            self.addAction(action)
            self.actions_by_key[key], self.buttons[key] = action, button
            return action

        def gap(row: QHBoxLayout) -> None:
            line = QFrame(frameShape=QFrame.Shape.VLine)
            row.addWidget(line)

        tool("fit", view_row, lambda: review.fit())
        tool("zoom_in", view_row, lambda: review.zoom(1.5))
        tool("zoom_out", view_row, lambda: review.zoom(1 / 1.5))
        self.zoom_label = QLabel("100 %", toolTip=self.tr("Zoom: screen pixels per image pixel"))
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("1600 %")
                                        + 8)
        view_row.addWidget(self.zoom_label)
        gap(view_row)
        self.preset_combo = QComboBox(toolTip=self.tr("Window presets (keys 1–5)"))
        for name, key, _shift, _factor in WINDOW_PRESETS:
            self.preset_combo.addItem(self.tr("{key} {name}").format(key=key, name=self.tr(name)))
            action = QAction(self, shortcut=QKeySequence(key))
            action.triggered.connect(lambda _=False, i=self.preset_combo.count() - 1:
                                     self.apply_preset(i))
            self.addAction(action)
            self.actions_by_key[f"preset_{key}"] = action
        self.preset_combo.activated.connect(self.apply_preset)
        view_row.addWidget(self.preset_combo)
        self.window_action = tool("window", view_row, review.set_windowing, checkable=True)
        # numeric window: placed by the page under the image (``window_entry``)
        self.center_spin = self._spin(self.tr("C "), self.tr("Window center"))
        self.width_spin = self._spin(self.tr("W "), self.tr("Window width"))
        self.window_entry = QWidget()
        entry = QHBoxLayout(self.window_entry)
        entry.setContentsMargins(0, 0, 0, 0)
        entry.addWidget(self.center_spin)
        entry.addWidget(self.width_spin)
        gap(view_row)

        self.transform_actions = [
            tool("rotate_left", image_row, lambda: self.rotate.emit(270)),
            tool("rotate_right", image_row, lambda: self.rotate.emit(90)),
            tool("flip_h", image_row, lambda: self.flip.emit("horizontal")),
            tool("flip_v", image_row, lambda: self.flip.emit("vertical")),
        ]
        gap(image_row)
        self.marker_combo = QComboBox(toolTip=self.tr("L/R marker"))
        for label, value in ((self.tr("L/R: side"), "auto"), (self.tr("Marker L"), "L"),
                             (self.tr("Marker R"), "R"), (self.tr("No marker"), "none")):
            self.marker_combo.addItem(label, value)
        self.marker_combo.activated.connect(lambda _: self.marker_chosen.emit())
        image_row.addWidget(self.marker_combo)
        self.move_marker = tool("move_marker", image_row, self.marker_move_toggled.emit,
                                checkable=True)
        gap(image_row)
        self.crop_action = tool("crop", image_row, self.crop_toggled.emit, checkable=True)
        self.apply_crop_action = tool("apply_crop", image_row, self.apply_crop_requested.emit)
        self.undo_crop = tool("undo_crop", image_row, self.undo_crop_requested.emit)
        self.note_actions = [
            tool("text", view_row, self.text_requested.emit),
            tool("measure", view_row, lambda: review.add_distance()),
            tool("clear_notes", view_row, self._clear_notes),
        ]
        gap(view_row)
        self.prior_action = tool("prior", view_row, self.prior_toggled.emit, checkable=True)
        # a long-length image's seams, which one and up or down: placed by the page with the
        # review decisions (``seam_entry``), the bar's two rows being full
        seam_row = QHBoxLayout()
        seam_row.setContentsMargins(0, 0, 0, 0)
        self.seam_entry = QWidget()
        self.seam_entry.setLayout(seam_row)
        self.seam_combo = QComboBox(toolTip=self.tr("The seam of a long-length image to move"))
        seam_row.addWidget(self.seam_combo, stretch=1)
        self.seam_actions = [
            tool("seam_up", seam_row, lambda: self._move_seam(-SEAM_STEP_MM)),
            tool("seam_down", seam_row, lambda: self._move_seam(SEAM_STEP_MM)),
        ]
        self.set_seams(0)
        view_row.addStretch(1)
        image_row.addStretch(1)
        # the names the page and the tests use
        self.crop_button, self.apply_crop = self.buttons["crop"], self.buttons["apply_crop"]
        self.transform_buttons: list[QWidget] = [self.buttons[k] for k in (
            "rotate_left", "rotate_right", "flip_h", "flip_v", "move_marker", "crop")]
        self.transform_buttons.append(self.marker_combo)
        review.window_changed.connect(self._show_window)
        review.zoom_changed.connect(self._show_zoom)
        self._show_zoom(review.zoom_percent() if review.has_image() else 0.0)

    def _show_zoom(self, percent: float) -> None:
        self.zoom_label.setText(self.tr("{p} %").format(p=round(percent)) if percent > 0
                                else self.tr("— %"))

    def _spin(self, prefix: str, tip: str) -> QSpinBox:
        spin = QSpinBox(prefix=prefix, toolTip=tip, minimum=1, maximum=65535,
                        keyboardTracking=False)
        spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance(prefix + "65535") + 36)
        spin.valueChanged.connect(lambda _: self._window_typed())
        return spin

    def _window_typed(self) -> None:
        self.review.set_window(self.center_spin.value(), self.width_spin.value())

    def _show_window(self, center: float, width: float) -> None:
        for spin, value in ((self.center_spin, center), (self.width_spin, width)):
            spin.blockSignals(True)
            spin.setValue(round(value))
            spin.blockSignals(False)

    def apply_preset(self, index: int) -> None:
        """Window preset ``index`` of :data:`WINDOW_PRESETS`, from the image's own window."""
        _name, _key, shift, factor = WINDOW_PRESETS[index]
        center, width = self.review.default_window
        self.preset_combo.setCurrentIndex(index)
        self.review.set_window(center + shift * width, max(1.0, width * factor))

    def _clear_notes(self) -> None:
        self.review.clear_annotations()
        self.review.annotations_changed.emit()

    def set_seams(self, count: int) -> None:
        """The seams of the image on screen (0: not a long-length image, the tools greyed)."""
        showing = self.seam_combo.count() if self.seam_combo.itemData(0) != -1 else 0
        if self.seam_combo.count() and count == showing:
            return  # an empty combo is filled even for no seam: never a blank control
        self.seam_combo.clear()
        for number in range(1, count + 1):
            self.seam_combo.addItem(self.tr("Seam {n}").format(n=number), number - 1)
        if not count:
            self.seam_combo.addItem(self.tr("No seam (one exposure)"), -1)

    def _move_seam(self, mm: float) -> None:
        seam = self.seam_combo.currentData()
        if seam is not None and seam >= 0:
            self.seam_moved.emit(int(seam), mm)

    def marker_choice(self) -> str:
        """``auto`` (the image's side), ``L``, ``R`` or ``none``."""
        return self.marker_combo.currentData()

    def set_enabled(self, can_transform: bool, has_image: bool, can_undo_crop: bool) -> None:
        """Image-changing tools only for a reviewable image that is not the quick look; the
        view tools and notes for any image on screen."""
        for action in self.transform_actions + [self.move_marker, self.crop_action]:
            action.setEnabled(can_transform)
        self.marker_combo.setEnabled(can_transform)
        self.apply_crop_action.setEnabled(can_transform and self.crop_action.isChecked())
        self.undo_crop.setEnabled(can_transform and can_undo_crop)
        for action in self.note_actions:
            action.setEnabled(can_transform)
        seams = can_transform and self.seam_combo.currentData() not in (None, -1)
        for action in self.seam_actions:
            action.setEnabled(seams)
        self.seam_combo.setEnabled(seams)
        for widget in (self.preset_combo, self.center_spin, self.width_spin):
            widget.setEnabled(has_image)
        for key in ("fit", "zoom_in", "zoom_out", "window"):
            self.actions_by_key[key].setEnabled(has_image)
        for index in range(len(WINDOW_PRESETS)):
            self.actions_by_key[f"preset_{WINDOW_PRESETS[index][1]}"].setEnabled(has_image)

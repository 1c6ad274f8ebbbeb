"""The exam's plan: its protocols in order, each ticked once exposed; add and remove."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem, \
    QPushButton, QVBoxLayout

from vxacq.ui.body_part_picker import BodyPartDialog
from vxacq.workflow.procedures import Protocol

DONE_ROLE = Qt.ItemDataRole.UserRole + 1


class PlanPanel(QGroupBox):
    """``selection_changed()`` when another protocol is chosen; ``add_requested(protocol_id)``
    and ``remove_requested()`` when the radiographer asks for them."""

    selection_changed = Signal()
    add_requested = Signal(str)
    remove_requested = Signal()

    def __init__(self, known: dict[str, Protocol]) -> None:
        super().__init__(self.tr("Protocols"))
        self.plan = QListWidget()
        self.plan.currentRowChanged.connect(lambda _: self.selection_changed.emit())
        self.add_combo = QComboBox()
        for protocol in known.values():
            self.add_combo.addItem(self.tr("{name} ({id})").format(name=protocol.name,
                                                                   id=protocol.id), protocol.id)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.add_combo.currentData()))
        self.body_part_button = QPushButton(self.tr("Body part…"))
        self.body_part_button.setObjectName("add-by-body-part")
        self.body_part_button.clicked.connect(self._pick_by_body_part)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_requested.emit)
        self.add_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_combo.setMinimumContentsLength(10)
        self.add_combo.view().setMinimumWidth(self.add_combo.view().sizeHintForColumn(0) + 24)
        self.plan.setMinimumHeight(56)  # more rows when the screen is taller
        add_row = QHBoxLayout()  # two buttons a row: their words fit in every language
        add_row.addWidget(self.add_combo, stretch=1)
        add_row.addWidget(self.add_button)
        row = QHBoxLayout()
        row.addWidget(self.body_part_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plan, stretch=1)
        layout.addLayout(add_row)
        layout.addLayout(row)

    def fill(self, protocols: Iterable[Protocol], exposed: list[str],
             select: int | None = None,
             progress: dict[str, tuple[int, int]] | None = None) -> None:
        """List ``protocols``, ticking one for each id in ``exposed`` (images not rejected);
        keep the current row, or ``select``, or the next one not yet exposed. ``progress``:
        (fields taken, fields planned) of each long-length protocol under way."""
        current = self.plan.currentRow() if select is None else select
        exposed = list(exposed)
        self.plan.blockSignals(True)
        self.plan.clear()
        for protocol in protocols:
            done = protocol.id in exposed
            if done:
                exposed.remove(protocol.id)
            text = ("✓ " if done else "• ") + protocol.name
            taken, planned = (progress or {}).get(protocol.id, (0, 0))
            if taken and not done:  # a long-length sequence under way: the next field
                text += self.tr(" — field {next} of {planned} next").format(
                    next=taken + 1, planned=planned)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, protocol.id)
            item.setData(DONE_ROLE, done)
            self.plan.addItem(item)
        self.plan.blockSignals(False)
        if self.plan.count():
            if current is None or current < 0 or current >= self.plan.count():
                current = self.next_planned()
            self.plan.setCurrentRow(current)
        self.selection_changed.emit()

    def _pick_by_body_part(self) -> None:
        """Add a protocol chosen on the body-part picker."""
        dialog = BodyPartDialog(parent=self)
        if dialog.exec() == BodyPartDialog.DialogCode.Accepted and dialog.chosen:
            self.add_requested.emit(dialog.chosen)

    def next_planned(self) -> int:
        """The first row not yet exposed (else the last)."""
        for row in range(self.plan.count()):
            if not self.plan.item(row).data(DONE_ROLE):
                return row
        return max(0, self.plan.count() - 1)

    def selected_id(self) -> str | None:
        item = self.plan.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select_id(self, protocol_id: str) -> None:
        for row in range(self.plan.count()):
            if self.plan.item(row).data(Qt.ItemDataRole.UserRole) == protocol_id:
                self.plan.setCurrentRow(row)

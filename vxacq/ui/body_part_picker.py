"""Body-part picker: the radiographer chooses an anatomical region, then one of its protocols.

Regions are laid out as a body from head to foot (arm and hand on one side, spine and breast on
the other) as large touch buttons; choosing one lists its protocols with view and technique,
and a tap (or Enter) on a protocol emits :attr:`BodyPartPicker.protocolChosen` with its id.
:class:`BodyPartDialog` wraps it for the exam screen's "add protocol" action.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from vxacq.workflow.technique import REGIONS, protocols_in_region

TOUCH_PX = 44  # smallest target a radiographer presses (gloved hand, touch screen)
# Where each region sits in the figure: (row, column) of a 3-column body, head at the top.
LAYOUT = {
    "head": (0, 1), "neck": (1, 1), "arm": (2, 0), "chest": (2, 1), "breast": (2, 2),
    "hand": (3, 0), "abdomen": (3, 1), "spine": (3, 2), "pelvis": (4, 1), "leg": (5, 0),
    "knee": (5, 1), "foot": (5, 2),
}


class BodyPartPicker(QWidget):
    """Region buttons and the chosen region's protocols; emits the id of the protocol chosen."""

    protocolChosen = Signal(str)

    def __init__(self, modalities: tuple[str, ...] = ("DX", "MG"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._modalities = modalities
        labels = {
            "head": self.tr("Head"), "neck": self.tr("Neck / C-spine"), "chest": self.tr("Chest"),
            "arm": self.tr("Shoulder / Arm"), "hand": self.tr("Hand / Wrist"),
            "abdomen": self.tr("Abdomen"), "spine": self.tr("Spine"),
            "pelvis": self.tr("Pelvis / Hip"), "leg": self.tr("Leg"), "knee": self.tr("Knee"),
            "foot": self.tr("Ankle / Foot"), "breast": self.tr("Breast (MG)"),
        }
        figure = QGridLayout()
        figure.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        for region in REGIONS:
            button = QPushButton(labels[region])
            button.setCheckable(True)
            button.setMinimumSize(QSize(140, TOUCH_PX))
            button.setObjectName(f"region-{region}")
            button.setEnabled(bool(self._protocols(region)))
            button.clicked.connect(lambda _=False, r=region: self.select_region(r))
            self._group.addButton(button)
            self.buttons[region] = button
            figure.addWidget(button, *LAYOUT[region])
        self.heading = QLabel(self.tr("Choose a body region"))
        self.list = QListWidget()
        self.list.setObjectName("region-protocols")
        self.list.setMinimumWidth(320)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.list, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(figure)
        layout.addLayout(right, 1)
        self._region = ""

    def _protocols(self, region: str):
        return [p for p in protocols_in_region(region) if p.modality in self._modalities]

    def region(self) -> str:
        return self._region

    def select_region(self, region: str) -> None:
        """Show ``region``'s protocols (as a click on its button does)."""
        self._region = region
        self.buttons[region].setChecked(True)
        self.heading.setText(self.tr("{region}: choose a view").format(
            region=self.buttons[region].text()))
        self.list.clear()
        for p in self._protocols(region):
            side = self.tr("side asked") if p.laterality == "" else ""
            text = self.tr("{name}\n{kv} kV · {mas} mAs · EI target {ei}").format(
                name=p.name, kv=f"{p.kv:g}", mas=f"{p.mas:g}", ei=f"{p.target_ei:g}")
            item = QListWidgetItem(f"{text}  {side}".rstrip())
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setSizeHint(QSize(300, max(TOUCH_PX, 52)))
            self.list.addItem(item)

    def protocol_ids(self) -> list[str]:
        """The ids listed for the current region, in order."""
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _chosen(self, item: QListWidgetItem) -> None:
        self.protocolChosen.emit(item.data(Qt.ItemDataRole.UserRole))


class BodyPartDialog(QDialog):
    """The picker as a dialog: accepted with :attr:`chosen` set to the protocol id."""

    def __init__(self, modalities: tuple[str, ...] = ("DX", "MG"),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add protocol"))
        self.chosen = ""
        self.picker = BodyPartPicker(modalities, self)
        self.picker.protocolChosen.connect(self._choose)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setMinimumHeight(TOUCH_PX)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, 1)
        layout.addWidget(buttons)

    def _choose(self, protocol_id: str) -> None:
        self.chosen = protocol_id
        self.accept()

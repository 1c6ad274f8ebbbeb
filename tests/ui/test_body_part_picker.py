"""The body-part picker, driven as a radiographer would: a region, then a view."""

from __future__ import annotations

from PySide6.QtCore import Qt

from vxacq.ui.body_part_picker import TOUCH_PX, BodyPartDialog, BodyPartPicker
from vxacq.workflow.technique import REGIONS, protocols_in_region


def test_region_lists_its_protocols_and_a_tap_chooses_one(qtbot) -> None:
    picker = BodyPartPicker()
    qtbot.addWidget(picker)
    picker.show()
    assert set(picker.buttons) == set(REGIONS)
    for button in picker.buttons.values():
        assert button.height() >= TOUCH_PX and button.isEnabled()
    qtbot.mouseClick(picker.buttons["hand"], Qt.MouseButton.LeftButton)
    assert picker.region() == "hand" and picker.buttons["hand"].isChecked()
    assert picker.protocol_ids() == [p.id for p in protocols_in_region("hand")]
    assert "HAND_PA" in picker.protocol_ids() and "CHEST_PA" not in picker.protocol_ids()
    row = picker.protocol_ids().index("WRIST_SCAPHOID")
    item = picker.list.item(row)
    assert item.sizeHint().height() >= TOUCH_PX and "kV" in item.text()
    with qtbot.waitSignal(picker.protocolChosen) as chosen:
        rect = picker.list.visualItemRect(item)
        qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args == ["WRIST_SCAPHOID"]
    qtbot.mouseClick(picker.buttons["chest"], Qt.MouseButton.LeftButton)
    assert not picker.buttons["hand"].isChecked()  # one region at a time
    assert picker.protocol_ids()[0] == "CHEST_PA"


def test_a_dx_room_offers_no_mammography(qtbot) -> None:
    picker = BodyPartPicker(modalities=("DX",))
    qtbot.addWidget(picker)
    assert not picker.buttons["breast"].isEnabled()
    picker.select_region("pelvis")
    assert "PELVIS_AP" in picker.protocol_ids()


def test_dialog_returns_the_chosen_protocol(qtbot) -> None:
    dialog = BodyPartDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.picker.buttons["knee"], Qt.MouseButton.LeftButton)
    item = dialog.picker.list.item(0)
    dialog.picker.list.setCurrentItem(item)
    qtbot.keyClick(dialog.picker.list, Qt.Key.Key_Return)
    assert dialog.result() == BodyPartDialog.DialogCode.Accepted
    assert dialog.chosen == dialog.picker.protocol_ids()[0]


def test_plan_panel_adds_a_protocol_chosen_by_body_part(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vxacq.ui.plan_panel import PlanPanel
    from vxacq.workflow.technique import protocol_library

    panel = PlanPanel(protocol_library())
    qtbot.addWidget(panel)
    panel.show()

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BodyPartDialog)
        dialog.picker.select_region("spine")
        row = dialog.picker.protocol_ids().index("LSPINE_LAT")
        dialog.picker.list.setCurrentRow(row)
        qtbot.keyClick(dialog.picker.list, Qt.Key.Key_Return)

    QTimer.singleShot(100, choose)
    with qtbot.waitSignal(panel.add_requested, timeout=5000) as added:
        qtbot.mouseClick(panel.body_part_button, Qt.MouseButton.LeftButton)
    assert added.args == ["LSPINE_LAT"]

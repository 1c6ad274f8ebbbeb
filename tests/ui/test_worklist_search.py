"""The worklist's filter finds every name as the radiographer types it: without accents or
case, in Latin, Cyrillic and Greek script (the same folding as the history's search)."""

from __future__ import annotations

from tests.ui.driver import wait_until
from tests.ui.test_history import NAMES
from vxacq.ui.main_window import MainWindow
from vxacq.workflow.orders import ManualPatient, register_manual


def test_the_worklist_filter_finds_every_script(station_window: MainWindow) -> None:
    window = station_window
    page = window.worklist

    def listed() -> None:
        wait_until(lambda: not page.reading, 10, "the list read")

    for number, name in enumerate(NAMES.values()):
        register_manual(window.console.db, ManualPatient(
            PatientName=name, PatientID=f"W-{number}", RequestedProcedureDescription="XR CHEST"),
            character_set="ISO_IR 192")
    page.use_date.setChecked(False)
    page.reload()
    listed()
    assert len(page.orders) == 3
    for typed, name in NAMES.items():
        page.filter.setText(typed)  # (QTest types ASCII only)
        listed()
        assert [o.PatientName for o in page.orders] == [name], typed
        assert page.table.rowCount() == 1
    page.filter.setText("GARCÍA")  # typed as written, too
    listed()
    assert [o.PatientName for o in page.orders] == [NAMES["garcia"]]
    page.filter.clear()
    listed()
    assert len(page.orders) == 3

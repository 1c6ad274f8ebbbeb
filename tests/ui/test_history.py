"""The history page: search that works for every name, images with thumbnails, protocols and
times instead of UIDs, and statuses that refresh by themselves. On the simulated room."""

from __future__ import annotations

import re

import pytest

from tests.ui.driver import expose, wait_until
from vxacq.ui.main_window import MainWindow
from vxacq.workflow.exam import Exam
from vxacq.workflow.orders import ManualPatient, register_manual

NAMES = {"garcia": "GARCÍA^MARÍA", "иван": "ИВАНОВ^ИВАН", "τραυμα": "ΤΡΑΎΜΑ^ΑΓΝΩΣΤΟΣ"}


@pytest.fixture
def window(station_window: MainWindow) -> MainWindow:
    return station_window


def test_search_every_script_thumbnails_and_statuses_that_refresh(window) -> None:
    console = window.console
    orders = {}
    for number, (typed, name) in enumerate(NAMES.items()):
        orders[typed] = register_manual(console.db, ManualPatient(
            PatientName=name, PatientID=f"P-{number}", RequestedProcedureDescription="XR CHEST"),
            character_set="ISO_IR 192")
    for typed in ("иван", "τραυμα"):
        Exam.start(console.config, console.db, orders[typed].id)
    window.start_exam(orders["garcia"].id)
    wait_until(lambda: window.exam.exam is not None, 30, "the exam")
    image_id = expose(window)

    history = window.history
    window.pages.setCurrentWidget(history)
    for typed, name in NAMES.items():
        history.text.setText(typed)
        history.search()
        wait_until(lambda n=name: [e.PatientName for e in history.exams] == [n], 10,
                   f"'{typed}' to find {name}")
    history.text.setText("garcia")
    history.search()
    wait_until(lambda: len(history.exams) == 1, 10, "García's exam")
    history.table.selectRow(0)
    wait_until(lambda: history.status_table.rowCount() == 1
               and not history.status_table.item(0, 0).icon().isNull(), 20, "the thumbnail")
    cells = [history.status_table.item(0, c).text() for c in range(7)]
    status = history.statuses[0]
    assert status.SOPInstanceUID not in cells  # no UIDs on screen, only in the tooltip
    assert history.status_table.item(0, 0).toolTip() == status.SOPInstanceUID
    assert cells[1] == status.ProtocolName and cells[1]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", cells[3])
    assert cells[4] == "to review"

    # accepted on the exam screen: the history says so by itself, nothing clicked
    window.exam.exam.accept(image_id)
    wait_until(lambda: history.status_table.item(0, 4).text() == "accepted", 10,
               "the status to refresh")

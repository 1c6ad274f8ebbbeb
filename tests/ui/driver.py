"""Driving the console window as a radiographer would: shared by the GUI tests, the UI
benchmark and the screenshot script (no pytest needed here)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from vxacq.ui.main_window import MainWindow


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, what: str = "") -> None:
    """Run the event loop until ``predicate()`` is true; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if predicate():
            return
        time.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def accept_dialog_when_shown() -> None:
    """Accept the next modal dialog once it is up (its exec() blocks the test meanwhile)."""
    def accept() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, accept)
            return
        dialog.accept()

    QTimer.singleShot(50, accept)


def pump(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)


def refresh_worklist(window: MainWindow) -> None:
    page = window.worklist
    wait_until(lambda: not page.refreshing, what="an earlier refresh")
    page.refresh()
    wait_until(lambda: not page.refreshing and not page.reading and page.orders, 60,
               "the worklist")


def start_exam(window: MainWindow, accession: str) -> None:
    assert window.worklist.select_accession(accession), f"no order {accession} listed"
    window.worklist.start_button.click()
    wait_until(lambda: window.exam.exam is not None
               and window.exam.exam.study.AccessionNumber == accession, 30, "the exam to open")


def expose(window: MainWindow, protocol_id: str | None = None, side: str | None = None,
           timeout: float = 60.0) -> int:
    """Prep, wait for READY, expose; returns the new image's id once it is on screen."""
    page = window.exam
    if protocol_id is not None:
        for row in range(page.plan.count()):
            if page.plan.item(row).data(256) == protocol_id:  # Qt.UserRole
                page.plan.setCurrentRow(row)
                break
        else:
            page.add_combo.setCurrentIndex(page.add_combo.findData(protocol_id))
            page.add_combo.parent()  # noqa: B018 (keeps the widget tree alive)
            page.add_protocol()
            wait_until(lambda: page.selected_protocol() is not None
                       and page.selected_protocol().id == protocol_id, 10, "the protocol")
    if side is not None:
        page.side.setCurrentIndex(page.side.findData(side))
    before = {v.id for v in page.exam.images()}
    wait_until(lambda: page.room_panel.prep_button.isEnabled(), 30, "Prep to be possible")
    page.room_panel.prep_button.setChecked(True)
    wait_until(lambda: page.room_panel.expose_button.isEnabled(), 30,
               "the room to be ready (Expose enabled)")
    page.room_panel.expose_button.click()
    wait_until(lambda: not page.exposing, timeout, "the exposure to end")
    new = [v for v in page.exam.images() if v.id not in before]
    assert new, f"no image: {page.banner.text()}"
    image_id = new[0].id
    wait_until(lambda: page.shown_id == image_id and not page.display.preview, timeout,
               "the processed image on screen")
    return image_id

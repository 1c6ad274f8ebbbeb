"""The worklist's saved orders are read on a worker (after a filter keystroke, an exam opened
or closed, an emergency registered), once per pause in typing; an answer overtaken by a newer
request is never shown (a list read under another filter is a wrong-patient risk); the
selection follows the order, not the row; a scan is looked up on a worker and only the newest
scan starts an exam; and a page gone before its answer does not fail."""

from __future__ import annotations

import logging
import threading

import pytest
import shiboken6
from PySide6.QtCore import Qt

from tests.ui.driver import pump, wait_until
from vxacq.ui import worklist_page
from vxacq.ui.main_window import MainWindow
from vxacq.ui.worklist_page import WorklistPage
from vxacq.workflow.orders import ManualPatient, register_manual

pytestmark = pytest.mark.timeout(120)


class _Reads:
    """``list_orders`` recorded: the thread of each call; the first ``hold`` calls wait for
    ``release``."""

    def __init__(self, monkeypatch, hold: int = 0) -> None:
        self.threads: list[threading.Thread] = []
        self.release = threading.Event()
        self.hold = hold
        real = worklist_page.list_orders

        def recorded(*args, **kwargs):
            self.threads.append(threading.current_thread())
            if len(self.threads) <= self.hold:
                self.release.wait(20)
            return real(*args, **kwargs)

        monkeypatch.setattr(worklist_page, "list_orders", recorded)


def _settled(page: WorklistPage) -> None:
    wait_until(lambda: not page.reading and not page.refreshing, 20, "the worklist read")


def _register(window: MainWindow, name: str, pid: str, priority: str = "ROUTINE") -> int:
    order = register_manual(window.console.db, ManualPatient(
        PatientName=name, PatientID=pid, RequestedProcedureDescription="XR CHEST"))
    if priority != "ROUTINE":
        from sqlmodel import select

        from vxacq.db import Order

        with window.console.db.session() as session:
            row = session.exec(select(Order).where(Order.id == order.id)).one()
            row.RequestedProcedurePriority = priority
            session.add(row)
            session.commit()
    return order.id


def test_the_orders_are_read_off_the_gui_thread(station_window: MainWindow,
                                                 monkeypatch) -> None:
    window, page = station_window, station_window.worklist
    _settled(page)
    reads = _Reads(monkeypatch)

    def read_after(action, what: str, count: int = 1) -> None:
        before = len(reads.threads)
        action()
        wait_until(lambda: len(reads.threads) >= before + count and not page.reading, 30, what)

    read_after(lambda: page.filter.setText("Doe"), "the read after a keystroke")
    read_after(lambda: page.filter.clear(), "the read after the filter is cleared")
    # the emergency: registered (read), then its exam opened (read again)
    read_after(page.start_trauma, "the reads after the emergency and its exam", count=2)
    wait_until(lambda: window.exam.exam is not None, 30, "the emergency exam")
    read_after(lambda: window.exam.exam_closed.emit(window.exam.exam.study_id),
               "the read after the exam closed")
    assert len(reads.threads) >= 5
    assert threading.main_thread() not in reads.threads


def test_typing_reads_once_and_an_overtaken_answer_is_never_shown(station_window: MainWindow,
                                                                   monkeypatch) -> None:
    window, page = station_window, station_window.worklist
    _register(window, "Doe^John", "P-DOE")
    _register(window, "Roe^Richard", "P-ROE")
    page.use_date.setChecked(False)
    page.reload()
    _settled(page)
    assert len(page.orders) == 2

    reads = _Reads(monkeypatch, hold=1)
    for typed in ("D", "Do", "Doe"):  # keystrokes faster than the pause that reads
        page.filter.setText(typed)
    wait_until(lambda: len(reads.threads) == 1, 10, "one read for the three keystrokes")
    assert page.reading  # its answer (Doe) is held back on the worker
    page.filter.setText("Roe")  # the radiographer goes on typing: a new filter
    wait_until(lambda: len(reads.threads) == 2 and not page.reading, 10, "Roe's read")
    assert [o.PatientID for o in page.orders] == ["P-ROE"]

    reads.release.set()  # Doe's answer arrives last
    assert window.console.tasks.wait(10000)
    pump(0.3)
    assert [o.PatientID for o in page.orders] == ["P-ROE"]
    assert page.table.rowCount() == 1 and page.table.item(0, 3).text() == "P-ROE"
    assert len(reads.threads) == 2


def test_the_selection_follows_the_order_when_the_list_changes(station_window: MainWindow
                                                               ) -> None:
    window, page = station_window, station_window.worklist
    chosen = _register(window, "Doe^John", "P-DOE")
    page.use_date.setChecked(False)
    page.reload()
    _settled(page)
    assert page.select_order(chosen) and page.table.currentRow() == 0
    _register(window, "Roe^Richard", "P-ROE", priority="STAT")  # listed first, in Doe's row
    page.reload()
    _settled(page)
    assert [o.PatientID for o in page.orders] == ["P-ROE", "P-DOE"]
    assert page.selected_order() is not None and page.selected_order().id == chosen
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [1]


def test_an_answer_for_a_page_already_gone_is_dropped(station_window: MainWindow, monkeypatch,
                                                      caplog) -> None:
    console = station_window.console
    _settled(station_window.worklist)
    page = WorklistPage(console)
    reads = _Reads(monkeypatch, hold=1)
    page.reload()
    wait_until(lambda: reads.threads, 10, "the read to start")
    shiboken6.delete(page)  # the page is destroyed while its read runs
    with caplog.at_level(logging.DEBUG, logger="vxacq.ui.tasks"):
        reads.release.set()
        assert console.tasks.wait(10000)
        pump(0.3)
    assert "GUI callback failed" not in caplog.text
    assert "after its screen was destroyed" in caplog.text


def test_a_scan_is_looked_up_off_the_gui_thread_and_only_the_newest_starts(
        station_window: MainWindow, monkeypatch, qtbot) -> None:
    window, page = station_window, station_window.worklist
    for name, pid, accession in (("Doe^John", "P-DOE", "ACC-DOE"),
                                 ("Roe^Richard", "P-ROE", "ACC-ROE")):
        register_manual(window.console.db, ManualPatient(
            PatientName=name, PatientID=pid, AccessionNumber=accession,
            RequestedProcedureDescription="XR CHEST"))
    _settled(page)
    threads: list[threading.Thread] = []
    release = threading.Event()
    real = worklist_page.find_by_scan

    def find(*args, **kwargs):
        threads.append(threading.current_thread())
        if len(threads) == 1:  # the first scan's answer is held back
            release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(worklist_page, "find_by_scan", find)
    for accession in ("ACC-DOE", "ACC-ROE"):  # scanned one after the other
        qtbot.keyClicks(page.scan, accession)
        qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    wait_until(lambda: window.exam.exam is not None, 30, "the newest scan's exam")
    assert window.exam.exam.study.AccessionNumber == "ACC-ROE"
    release.set()  # the first scan's answer arrives last: it starts nothing
    assert window.console.tasks.wait(10000)
    pump(0.5)
    assert window.console.tasks.wait(10000)
    assert window.exam.exam.study.AccessionNumber == "ACC-ROE"
    assert len(threads) == 2 and threading.main_thread() not in threads


def test_the_exams_to_reconcile_are_read_off_the_gui_thread(station_window: MainWindow,
                                                            monkeypatch) -> None:
    window, page = station_window, station_window.worklist
    chosen = _register(window, "Doe^John", "P-DOE")
    page.use_date.setChecked(False)
    page.reload()
    _settled(page)
    threads: list[threading.Thread] = []

    def unscheduled(*args, **kwargs):
        threads.append(threading.current_thread())
        return []

    monkeypatch.setattr(worklist_page, "unscheduled_exams", unscheduled)
    assert page.select_order(chosen)
    page.reconcile()
    wait_until(lambda: "no emergency or unscheduled exam" in page.banner.text(), 10, "the answer")
    assert threads and threading.main_thread() not in threads

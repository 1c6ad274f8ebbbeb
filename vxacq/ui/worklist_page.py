"""The worklist: today's orders from every worklist node, filtered, urgent ones first.

Refreshed on demand and every ``REFRESH_MS`` (the query runs on a worker; a refresh still
running is not started twice); what each node answered is shown above the table, so a node
that is down is seen at once and the orders already saved stay usable.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.registration_dialog import RegistrationDialog
from vxacq.ui.widgets import Banner, fill, person_name, table
from vxacq.workflow.orders import OrderView, list_orders
from vxacq.workflow.runtime import refresh_worklist
from vxacq.workflow.search import filter_orders

REFRESH_MS = 60_000
URGENT = ("STAT", "HIGH")
COLUMNS = ["Priority", "Scheduled", "Patient", "Patient ID", "Born", "Sex", "Accession",
           "Procedure", "Modality", "State", "From"]


class WorklistPage(QWidget):
    """``start_exam(order_id)`` is emitted when the radiographer starts an order."""

    start_exam = Signal(int)

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.orders: list[OrderView] = []
        self.refreshing = False
        self.banner = Banner()
        self.node_status = QLabel("Worklist not asked yet")
        self.node_status.setWordWrap(True)
        self.filter = QLineEdit(placeholderText="Filter: name, patient ID or accession")
        self.filter.textChanged.connect(self.reload)
        self.use_date = QCheckBox("Scheduled on")
        self.date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.use_date.toggled.connect(self.reload)
        self.date.dateChanged.connect(self.reload)
        self.refresh_button = QPushButton("Refresh worklist")
        self.refresh_button.clicked.connect(self.refresh)
        self.register_button = QPushButton("Register patient…")
        self.register_button.setToolTip("An unscheduled (emergency) patient")
        self.register_button.clicked.connect(self.register)
        self.start_button = QPushButton("Start exam")
        self.start_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        self.start_button.clicked.connect(self._start_selected)
        self.table = table(COLUMNS)
        self.table.doubleClicked.connect(lambda _: self._start_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)

        tools = QHBoxLayout()
        tools.addWidget(self.filter, stretch=1)
        tools.addWidget(self.use_date)
        tools.addWidget(self.date)
        tools.addWidget(self.refresh_button)
        tools.addWidget(self.register_button)
        tools.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(tools)
        layout.addWidget(self.node_status)
        layout.addWidget(self.table, stretch=1)
        self._timer = QTimer(self, interval=REFRESH_MS, timeout=self.refresh)
        self._timer.start()
        self._selection_changed()

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask every worklist node (on a worker), then reload the table."""
        if self.refreshing:
            return
        if not self.console.config.nodes_with("worklist"):
            self.node_status.setText("No worklist node is configured (Service → Nodes); "
                                     "register patients by hand.")
            self.reload()
            return
        self.refreshing = True
        self.refresh_button.setEnabled(False)
        self.node_status.setText("Asking the worklist…")
        config, db = self.console.config, self.console.db
        self.console.tasks.run(lambda: refresh_worklist(config, db), self._refreshed,
                               self._refresh_failed)

    def _refreshed(self, outcome: dict[str, str]) -> None:
        self.refreshing = False
        self.refresh_button.setEnabled(True)
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        failed = {n: w for n, w in outcome.items() if w.startswith("failed")}
        self.node_status.setText(f"Asked at {stamp}: " + "; ".join(
            f"{node}: {words}" for node, words in outcome.items()))
        if failed:
            self.banner.show_message(
                "The worklist could not be fetched from " + ", ".join(failed)
                + ". The orders already here can still be examined; check the node on the "
                "Service page (Echo) or register the patient by hand.", "warning")
        else:
            self.banner.clear_message()
        self.reload()

    def _refresh_failed(self, exc: Exception) -> None:
        self.refreshing = False
        self.refresh_button.setEnabled(True)
        self.banner.show_message(f"Worklist refresh failed: {exc}", "alarm")
        self.reload()

    def reload(self) -> None:
        """Re-read the saved orders with the filter (a local database query)."""
        date = self.date.date().toString("yyyyMMdd") if self.use_date.isChecked() else ""
        self.orders = filter_orders(list_orders(self.console.db, date=date), self.filter.text())
        rows, colours = [], []
        for order in self.orders:
            when = f"{_date(order.ScheduledProcedureStepStartDate)} " \
                   f"{_time(order.ScheduledProcedureStepStartTime)}".strip()
            rows.append((order.RequestedProcedurePriority or "ROUTINE", when,
                         person_name(order.PatientName), order.PatientID,
                         _date(order.PatientBirthDate), order.PatientSex,
                         order.AccessionNumber,
                         order.RequestedProcedureDescription
                         or order.ScheduledProcedureStepDescription,
                         order.Modality, order.state.replace("_", " "),
                         order.node or "registered here"))
            colours.append("alarm" if order.RequestedProcedurePriority in URGENT else None)
        fill(self.table, rows, colours)
        self._selection_changed()

    # --- actions ----------------------------------------------------------------------------

    def selected_order(self) -> OrderView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.orders[rows[0].row()] if rows else None

    def select_accession(self, accession: str) -> bool:
        for row, order in enumerate(self.orders):
            if order.AccessionNumber == accession:
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self) -> None:
        self.start_button.setEnabled(self.selected_order() is not None)

    def _start_selected(self) -> None:
        order = self.selected_order()
        if order is not None:
            self.start_exam.emit(order.id)

    def register(self) -> None:
        dialog = RegistrationDialog(self.console, self)
        if dialog.exec() and dialog.order is not None:
            self.reload()
            self.start_exam.emit(dialog.order.id)


def _date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 else value


def _time(value: str) -> str:
    return f"{value[:2]}:{value[2:4]}" if len(value) >= 4 else value

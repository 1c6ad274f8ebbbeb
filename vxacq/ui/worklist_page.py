"""The worklist: today's orders from every worklist node, filtered, urgent ones first.

Refreshed on demand and every ``REFRESH_MS`` (the query runs on a worker; a refresh still
running is not started twice); what each node answered is shown above the table, so a node
that is down is seen at once and the orders already saved stay usable. The saved orders are
read on a worker too, ``FILTER_DELAY_MS`` after the last keystroke in the filter; an answer
overtaken by a newer request is dropped, never shown: a list read for another filter, shown
under this one, could start the wrong patient.

Above the list: the Emergency button (and its shortcut) that registers an unidentified patient
and opens the exam at once, and the scan field a barcode scanner types into (accession, else
patient ID, else requested procedure ID; Enter starts the one order found). Reconcile files an
emergency exam under the selected order when that order has arrived.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.reconcile_dialog import ReconcileDialog
from vxacq.ui.registration_dialog import RegistrationDialog
from vxacq.ui.widgets import COLOURS, Banner, fill, person_name, table
from vxacq.ui.words import word
from vxacq.workflow.orders import OrderView, find_by_scan, list_orders, register_emergency
from vxacq.workflow.procedures import emergency_protocols
from vxacq.workflow.reconcile import (
    ReconcileResult, UnscheduledExam, reconcile, unscheduled_exams,
)
from vxacq.workflow.runtime import fetch_order, refresh_worklist
from vxacq.workflow.search import filter_orders

REFRESH_MS = 60_000
FILTER_DELAY_MS = 250  # typing goes on: read once the radiographer pauses
URGENT = ("STAT", "HIGH")
EMERGENCY_SHORTCUT = "Ctrl+Shift+E"
TOUCH_PX = 44  # the smallest target a radiographer presses


class WorklistPage(QWidget):
    """``start_exam(order_id)`` is emitted when the radiographer starts an order;
    ``start_emergency(order_id, protocol ids)`` when an emergency exam is to open at once."""

    start_exam = Signal(int)
    start_emergency = Signal(int, list)

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.orders: list[OrderView] = []
        self.refreshing = False
        self._asked = 0  # the newest request for the list; only its answer is shown
        self._shown = 0  # the request whose answer the table shows
        self._scans = 0  # the newest scan; an older scan's answer starts nothing
        self.registering = False
        self.reconcile_dialog: ReconcileDialog | None = None
        self.banner = Banner()
        self.node_status = QLabel(self.tr("Worklist not asked yet"))
        self.node_status.setWordWrap(True)
        self.emergency_button = QPushButton(self.tr("Emergency"))
        self.emergency_button.setToolTip(self.tr(
            "Start a trauma exam now under a temporary ID and name ({shortcut}); reconcile it "
            "with the order when the order arrives").format(
                shortcut=QKeySequence(EMERGENCY_SHORTCUT).toString(
                    QKeySequence.SequenceFormat.NativeText)))
        self.emergency_button.setMinimumSize(160, 56)
        self.emergency_button.setStyleSheet(
            f"QPushButton {{ background: {COLOURS['alarm']}; color: white; font-size: 16pt; "
            "font-weight: bold; border-radius: 4px; padding: 6px 18px; }"
            "QPushButton:disabled { background: #9e9e9e; }")
        self.emergency_button.clicked.connect(self.start_trauma)
        QShortcut(QKeySequence(EMERGENCY_SHORTCUT), self, activated=self.start_trauma,
                  context=Qt.ShortcutContext.WindowShortcut)
        self.scan = QLineEdit(placeholderText=self.tr("Scan or type accession / patient ID, Enter"))
        self.scan.setToolTip(self.tr(
            "A barcode scanner types here: the order with that Accession Number (else Patient "
            "ID, else Requested Procedure ID) is started"))
        self.scan.setMinimumHeight(TOUCH_PX)
        self.scan.returnPressed.connect(self._scanned)
        self.filter = QLineEdit(placeholderText=self.tr("Filter: name, patient ID or accession"))
        self.filter.setMinimumHeight(TOUCH_PX)
        self._typing = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS,
                              timeout=self.reload)
        self.filter.textChanged.connect(self._filter_changed)
        self.use_date = QCheckBox(self.tr("Scheduled on"))
        self.date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.use_date.toggled.connect(self.reload)
        self.date.dateChanged.connect(self.reload)
        self.refresh_button = QPushButton(self.tr("Refresh worklist"))
        self.refresh_button.clicked.connect(self.refresh)
        self.register_button = QPushButton(self.tr("Register patient…"))
        self.register_button.setToolTip(self.tr("An unscheduled patient, typed in"))
        self.register_button.clicked.connect(self.register)
        self.reconcile_button = QPushButton(self.tr("Reconcile…"))
        self.reconcile_button.setToolTip(self.tr(
            "File an emergency (unscheduled) exam under the selected order"))
        self.reconcile_button.clicked.connect(self.reconcile)
        self.start_button = QPushButton(self.tr("Start exam"))
        self.start_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        self.start_button.clicked.connect(self._start_selected)
        for button in (self.refresh_button, self.register_button, self.reconcile_button,
                       self.start_button):
            button.setMinimumHeight(TOUCH_PX)
        self.table = table([self.tr("Priority"), self.tr("Scheduled"), self.tr("Patient"),
                            self.tr("Patient ID"), self.tr("Born"), self.tr("Sex"),
                            self.tr("Accession"), self.tr("Procedure"), self.tr("Modality"),
                            self.tr("State"), self.tr("From")])
        self.table.doubleClicked.connect(lambda _: self._start_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)

        first = QHBoxLayout()
        first.addWidget(self.emergency_button)
        first.addWidget(self.scan, stretch=1)
        tools = QHBoxLayout()
        tools.addWidget(self.filter, stretch=1)
        tools.addWidget(self.use_date)
        tools.addWidget(self.date)
        tools.addWidget(self.refresh_button)
        tools.addWidget(self.register_button)
        tools.addWidget(self.reconcile_button)
        tools.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(first)
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
            self.node_status.setText(self.tr("No worklist node is configured (Service → Nodes); "
                                             "register patients by hand."))
            self.reload()
            return
        self.refreshing = True
        self.refresh_button.setEnabled(False)
        self.node_status.setText(self.tr("Asking the worklist…"))
        config, db = self.console.config, self.console.db
        self.console.tasks.run(lambda: refresh_worklist(config, db), self._refreshed,
                               self._refresh_failed)

    def _refreshed(self, outcome: dict[str, str]) -> None:
        self.refreshing = False
        self.refresh_button.setEnabled(True)
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        failed = {n: w for n, w in outcome.items() if w.startswith("failed")}
        self.node_status.setText(self.tr("Asked at {time}: {outcome}").format(
            time=stamp, outcome="; ".join(f"{node}: {words}" for node, words in outcome.items())))
        if failed:
            self.banner.show_message(self.tr(
                "The worklist could not be fetched from {nodes}. The orders already here can "
                "still be examined; check the node on the Service page (Echo) or register the "
                "patient by hand.").format(nodes=", ".join(failed)), "warning")
        else:
            self.banner.clear_message()
        self.reload()

    def _refresh_failed(self, exc: Exception) -> None:
        self.refreshing = False
        self.refresh_button.setEnabled(True)
        self.banner.show_message(self.tr("Worklist refresh failed: {error}").format(error=exc),
                                 "alarm")
        self.reload()

    @property
    def reading(self) -> bool:
        """The list on screen is not yet the answer to the newest request (or the filter)."""
        return self._typing.isActive() or self._shown != self._asked

    def _filter_changed(self) -> None:
        # what is being read now was asked under the old filter: it is not shown
        self._asked += 1
        self._typing.start()

    def reload(self) -> None:
        """Re-read the saved orders with the filter, on a worker (a local database query)."""
        self._typing.stop()
        self._asked += 1
        asked = self._asked
        date = self.date.date().toString("yyyyMMdd") if self.use_date.isChecked() else ""
        text, db = self.filter.text(), self.console.db
        self.console.tasks.run(lambda: filter_orders(list_orders(db, date=date), text),
                               lambda orders: self._show(asked, orders),
                               lambda exc: self._read_failed(asked, exc), owner=self)

    def _read_failed(self, asked: int, exc: Exception) -> None:
        if asked == self._asked:
            self._shown = asked  # nothing newer will come: not "reading" any more
            self.banner.show_message(str(exc), "alarm")

    def _show(self, asked: int, orders: list[OrderView]) -> None:
        if asked != self._asked:  # overtaken by a newer request (another filter, a refresh)
            return
        self._shown = asked
        chosen = self.selected_order()
        self.orders = orders
        rows, colours = [], []
        for order in self.orders:
            when = f"{_date(order.ScheduledProcedureStepStartDate)} " \
                   f"{_time(order.ScheduledProcedureStepStartTime)}".strip()
            rows.append((word(order.RequestedProcedurePriority or "ROUTINE"), when,
                         person_name(order.PatientName), order.PatientID,
                         _date(order.PatientBirthDate), word(order.PatientSex),
                         order.AccessionNumber,
                         order.RequestedProcedureDescription
                         or order.ScheduledProcedureStepDescription,
                         order.Modality, word(order.state),
                         order.node or self.tr("registered here")))
            colours.append("alarm" if order.RequestedProcedurePriority in URGENT else None)
        # the selection follows the order, never the row: a row keeps its selection when
        # another order moves into it
        self.table.clearSelection()
        fill(self.table, rows, colours)
        if chosen is not None:  # the same order (by its id) stays selected, if still listed
            self.select_order(chosen.id)
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

    def select_order(self, order_id: int) -> bool:
        for row, order in enumerate(self.orders):
            if order.id == order_id:
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self) -> None:
        order = self.selected_order()
        self.start_button.setEnabled(order is not None)
        # an arrived worklist order can take an emergency exam; an order of our own cannot
        self.reconcile_button.setEnabled(order is not None and order.node != ""
                                         and order.state == "scheduled")

    def _start_selected(self) -> None:
        order = self.selected_order()
        if order is not None:
            self.start_exam.emit(order.id)

    def register(self) -> None:
        dialog = RegistrationDialog(self.console, self)
        if dialog.exec() and dialog.order is not None:
            self.reload()
            self.start_exam.emit(dialog.order.id)

    # --- emergency start and barcode --------------------------------------------------------

    def start_trauma(self) -> None:
        """One action: a temporary identity registered and its exam opened with a chest
        protocol (on a worker: it writes the database)."""
        if self.registering:
            return
        self.registering = True
        self.emergency_button.setEnabled(False)
        station = self.console.config.station

        def register() -> tuple[OrderView, list[str]]:
            order = register_emergency(self.console.db, station.ae_title,
                                       name_pattern=station.emergency_name,
                                       character_set=station.character_set)
            return order, emergency_protocols()

        self.console.tasks.run(register, self._trauma_registered, self._trauma_failed)

    def _trauma_registered(self, result: tuple[OrderView, list[str]]) -> None:
        order, protocols = result
        self.registering = False
        self.emergency_button.setEnabled(True)
        self.banner.show_message(self.tr(
            "Emergency exam for {name} ({patient_id}). When the order arrives, select it here "
            "and press Reconcile.").format(name=person_name(order.PatientName),
                                           patient_id=order.PatientID), "info")
        self.reload()
        self.start_emergency.emit(order.id, protocols)

    def _trauma_failed(self, exc: Exception) -> None:
        self.registering = False
        self.emergency_button.setEnabled(True)
        self.banner.show_message(self.tr(
            "The emergency patient could not be registered: {error}. Press Emergency again, "
            "or register the patient by hand.").format(error=exc), "alarm")

    def _scanned(self) -> None:
        """A scan (or typed value and Enter): one matching order starts; none or several is
        said, and several are listed to choose from. A value not in the list is asked of the
        worklist nodes as an accession first (the order may have been placed a moment ago)."""
        value = self.scan.text().strip()
        self.scan.selectAll()  # the next scan replaces this one
        if not value:
            return
        self._scans += 1
        scan = self._scans
        config, db = self.console.config, self.console.db

        def found_here(found: list[OrderView]) -> None:
            if scan != self._scans:
                return
            if found or not config.nodes_with("worklist"):
                self._show_scan(scan, value, found)
                return
            asking = self.tr("'{value}' is not in the list: asking the worklist…")
            self.banner.show_message(asking.format(value=value), "info")

            def fetch_and_find() -> list[OrderView]:
                fetch_order(config, db, value)
                return find_by_scan(db, value)

            self.console.tasks.run(fetch_and_find,
                                   lambda fetched: self._show_scan(scan, value, fetched),
                                   lambda exc: self._show_scan(scan, value, [], exc), owner=self)

        self.console.tasks.run(lambda: find_by_scan(db, value), found_here,
                               lambda exc: self._show_scan(scan, value, [], exc), owner=self)

    def _show_scan(self, scan: int, value: str, found: list[OrderView],
                   error: Exception | None = None) -> None:
        if scan != self._scans:  # another scan came since: only the newest one counts
            return
        if len(found) == 1:
            self.banner.clear_message()
            self.filter.clear()  # reloads, so a fetched order is listed too
            self.select_order(found[0].id)
            self.start_exam.emit(found[0].id)
        elif not found:
            text = self.tr("No scheduled order has the accession, patient ID or requested "
                           "procedure ID '{value}'. Refresh the worklist, or check the label."
                           ).format(value=value)
            if error is not None:
                text += " " + self.tr("The worklist could not be asked: {error}").format(
                    error=error)
            self.banner.show_message(text, "warning")
        else:
            self.filter.setText(value)
            self.banner.show_message(self.tr(
                "{count} orders match '{value}': choose one in the list and press Start exam."
            ).format(count=len(found), value=value), "warning")

    # --- reconciliation ---------------------------------------------------------------------

    def reconcile(self) -> None:
        """Choose the emergency exam the selected order belongs to (the exams read on a
        worker), then reconcile (worker)."""
        order = self.selected_order()
        if order is None:
            return
        self.reconcile_button.setEnabled(False)  # one question at a time
        db = self.console.db
        self.console.tasks.run(lambda: unscheduled_exams(db),
                               lambda exams: self._choose_exam(order, exams),
                               self._reconcile_failed, owner=self)

    def _choose_exam(self, order: OrderView, exams: list[UnscheduledExam]) -> None:
        self._selection_changed()
        if not exams:
            self.banner.show_message(self.tr(
                "There is no emergency or unscheduled exam to reconcile."), "warning")
            return
        dialog = ReconcileDialog(order, exams, self)
        dialog.accepted.connect(lambda: self._reconcile_chosen(dialog))
        self.reconcile_dialog = dialog
        dialog.open()

    def _reconcile_chosen(self, dialog: ReconcileDialog) -> None:
        exam, order = dialog.chosen(), dialog.order
        if exam is None:
            return
        config, db, operator = self.console.config, self.console.db, self.console.operator
        self.reconcile_button.setEnabled(False)
        self.banner.show_message(self.tr("Reconciling…"), "info")
        self.console.tasks.run(
            lambda: reconcile(config, db, exam.study_id, order.id, operator=operator),
            self._reconciled, self._reconcile_failed)

    def _reconciled(self, result: ReconcileResult) -> None:
        self.banner.show_message(self.tr(
            "Reconciled: the exam of {temporary} is filed under patient {patient_id}, accession "
            "{accession}; {files} object(s) corrected and queued to be sent again.").format(
                temporary=result.temporary_id, patient_id=result.PatientID,
                accession=result.AccessionNumber or "-", files=len(result.files)), "ok")
        self.reload()

    def _reconcile_failed(self, exc: Exception) -> None:
        self.banner.show_message(self.tr("Not reconciled: {error}").format(error=exc), "alarm")
        self._selection_changed()


def _date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 else value


def _time(value: str) -> str:
    return f"{value[:2]}:{value[2:4]}" if len(value) >= 4 else value

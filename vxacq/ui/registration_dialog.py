"""Manual registration of an unscheduled (emergency) patient, with the field rules shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.widgets import COLOURS, ok_cancel
from vxacq.workflow.orders import ManualPatient, OrderView, ValidationError, register_manual

FIELDS = (  # key, label, hint
    ("family", "Family name", "e.g. Müller"),
    ("given", "Given name", "e.g. Anna"),
    ("PatientID", "Patient ID", "the hospital number, or Emergency ID"),
    ("PatientBirthDate", "Birth date", "YYYYMMDD, empty when unknown"),
    ("AccessionNumber", "Accession", "optional, up to 16 characters"),
    ("RequestedProcedureDescription", "Procedure", "e.g. Chest PA"),
    ("ReferringPhysicianName", "Referring physician", "Family^Given, optional"),
)


class RegistrationDialog(QDialog):
    def __init__(self, console: Console, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Register an unscheduled patient")
        self.console = console
        self.order: OrderView | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label, hint in FIELDS:
            edit = QLineEdit(placeholderText=hint)
            problem = QLabel()
            problem.setStyleSheet(f"color: {COLOURS['alarm']};")
            problem.hide()
            self.edits[key], self.problems[key] = edit, problem
            form.addRow(label, edit)
            form.addRow("", problem)
            if key == "PatientID":
                emergency = QPushButton("Emergency ID")
                emergency.setToolTip("For an unidentified patient: a unique temporary ID")
                emergency.clicked.connect(self._emergency_id)
                form.addRow("", emergency)
        self.sex = QComboBox()
        for text, value in (("unknown", ""), ("female", "F"), ("male", "M"), ("other", "O")):
            self.sex.addItem(text, value)
        form.addRow("Sex", self.sex)
        self.problems["PatientSex"] = QLabel()
        self.problems["PatientName"] = self.problems["family"]
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = ok_cancel(self, "Register and start", self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _emergency_id(self) -> None:
        self.edits["PatientID"].setText(dt.datetime.now().strftime("EM%Y%m%d%H%M%S"))

    def patient(self) -> ManualPatient:
        text = {key: edit.text().strip() for key, edit in self.edits.items()}
        # the family name is required: a given name alone is not a name to file images under
        name = (text["family"] + (f"^{text['given']}" if text["given"] else "")
                if text["family"] else "")
        return ManualPatient(PatientName=name, PatientID=text["PatientID"],
                             PatientBirthDate=text["PatientBirthDate"],
                             PatientSex=self.sex.currentData(),
                             AccessionNumber=text["AccessionNumber"],
                             RequestedProcedureDescription=text["RequestedProcedureDescription"],
                             ReferringPhysicianName=text["ReferringPhysicianName"])

    def submit(self) -> None:
        for label in self.problems.values():
            label.hide()
        try:
            self.order = register_manual(self.console.db, self.patient(),
                                         character_set=self.console.config.station.character_set)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return
        self.accept()

    def show_problems(self, problems: dict[str, str]) -> None:
        labels = {"PatientName": "Name"} | {key: label for key, label, _ in FIELDS}
        for key, words in problems.items():
            target = self.problems.get(key)
            if target is not None:
                target.setText(f"{labels.get(key, key)} {words}")
                target.show()
        self.message.setText("Correct the marked fields; nothing was registered.")
        self.message.setStyleSheet(f"color: {COLOURS['alarm']}; font-weight: bold;")

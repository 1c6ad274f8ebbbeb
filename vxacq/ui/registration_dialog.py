"""Manual registration of an unscheduled patient, with the field rules shown; its Emergency ID
button fills in the station's next temporary ID (the Emergency button of the worklist does the
whole registration in one action)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.widgets import COLOURS, ok_cancel
from vxacq.workflow.orders import (
    ManualPatient, OrderView, ValidationError, emergency_issuer, next_emergency_id,
    register_manual,
)


class RegistrationDialog(QDialog):
    def __init__(self, console: Console, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Register an unscheduled patient"))
        self.console = console
        self.order: OrderView | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        self.generated_id = ""  # the Emergency ID offered, issued by this station
        self.fields = (  # key, label, hint
            ("family", self.tr("Family name"), self.tr("e.g. Müller")),
            ("given", self.tr("Given name"), self.tr("e.g. Anna")),
            ("PatientID", self.tr("Patient ID"), self.tr("the hospital number, or Emergency ID")),
            ("PatientBirthDate", self.tr("Birth date"), self.tr("YYYYMMDD, empty when unknown")),
            ("AccessionNumber", self.tr("Accession"), self.tr("optional, up to 16 characters")),
            ("RequestedProcedureDescription", self.tr("Procedure"), self.tr("e.g. Chest PA")),
            ("ReferringPhysicianName", self.tr("Referring physician"),
             self.tr("Family^Given, optional")),
        )
        form = QFormLayout()
        for key, label, hint in self.fields:
            edit = QLineEdit(placeholderText=hint)
            problem = QLabel()
            problem.setStyleSheet(f"color: {COLOURS['alarm']};")
            problem.hide()
            self.edits[key], self.problems[key] = edit, problem
            form.addRow(label, edit)
            form.addRow("", problem)
            if key == "PatientID":
                emergency = QPushButton(self.tr("Emergency ID"))
                emergency.setMinimumHeight(44)
                emergency.setToolTip(self.tr(
                    "For an unidentified patient: the station's next temporary ID"))
                emergency.clicked.connect(self._emergency_id)
                form.addRow("", emergency)
        self.sex = QComboBox()
        for text, value in ((self.tr("unknown"), ""), (self.tr("female"), "F"),
                            (self.tr("male"), "M"), (self.tr("other"), "O")):
            self.sex.addItem(text, value)
        form.addRow(self.tr("Sex"), self.sex)
        self.problems["PatientSex"] = QLabel()
        self.problems["PatientName"] = self.problems["family"]
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = ok_cancel(self, self.tr("Register and start"), self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _emergency_id(self) -> None:
        self.generated_id = next_emergency_id(self.console.db, self.console.config.station.ae_title)
        self.edits["PatientID"].setText(self.generated_id)

    def patient(self) -> ManualPatient:
        text = {key: edit.text().strip() for key, edit in self.edits.items()}
        # the family name is required: a given name alone is not a name to file images under
        name = (text["family"] + (f"^{text['given']}" if text["given"] else "")
                if text["family"] else "")
        issuer = (emergency_issuer(self.console.config.station.ae_title)
                  if self.generated_id and text["PatientID"] == self.generated_id else "")
        return ManualPatient(PatientName=name, PatientID=text["PatientID"],
                             IssuerOfPatientID=issuer,
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
        labels = {"PatientName": self.tr("Name")} | {key: label for key, label, _ in self.fields}
        for key, words in problems.items():
            target = self.problems.get(key)
            if target is not None:
                target.setText(f"{labels.get(key, key)} {words}")
                target.show()
        self.message.setText(self.tr("Correct the marked fields; nothing was registered."))
        self.message.setStyleSheet(f"color: {COLOURS['alarm']}; font-weight: bold;")

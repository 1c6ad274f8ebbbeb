"""Manual registration of an unscheduled patient, with the field rules shown; its Emergency ID
button fills in the station's next temporary ID (the Emergency button of the worklist does the
whole registration in one action). The database is read and written on a worker; the dialog
stays open, with what was typed, until the patient is registered."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from vxacq.ui.context import Console
from vxacq.ui.widgets import COLOURS, SavingDialog, ok_cancel
from vxacq.workflow.orders import (
    ManualPatient, OrderView, ValidationError, emergency_issuer, next_emergency_id,
    register_manual, validate_manual,
)


class RegistrationDialog(SavingDialog):
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
                self.emergency_button = QPushButton(self.tr("Emergency ID"))
                self.emergency_button.setMinimumHeight(44)
                self.emergency_button.setToolTip(self.tr(
                    "For an unidentified patient: the station's next temporary ID"))
                self.emergency_button.clicked.connect(self._emergency_id)
                form.addRow("", self.emergency_button)
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
        # while the patient is written: a second OK registers nothing, a cancel nothing either
        # (a patient written after it would be an order nobody started)
        self.hold(buttons.button(QDialogButtonBox.StandardButton.Ok),
                  buttons.button(QDialogButtonBox.StandardButton.Cancel),
                  self.emergency_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _emergency_id(self) -> None:
        """The next temporary ID, read on a worker."""
        db, ae_title = self.console.db, self.console.config.station.ae_title
        self.emergency_button.setEnabled(False)
        typed = self.edits["PatientID"].text()

        def offered(patient_id: str) -> None:
            self.emergency_button.setEnabled(not self.saving)
            # an ID typed meanwhile, or a registration under way, is never overwritten
            if self.saving or self.edits["PatientID"].text() != typed:
                return
            self.generated_id = patient_id
            self.edits["PatientID"].setText(patient_id)

        def failed(exc: Exception) -> None:
            self.emergency_button.setEnabled(not self.saving)
            self._say(self.tr("No Emergency ID: {error}").format(error=exc))

        self.console.tasks.run(lambda: next_emergency_id(db, ae_title), offered, failed,
                               owner=self)

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
        """Register the patient on a worker; the dialog closes once it is saved. OK is off
        meanwhile: a double click registers one patient."""
        if self.saving:
            return
        for label in self.problems.values():
            label.hide()
        patient, db = self.patient(), self.console.db
        character_set = self.console.config.station.character_set
        problems = validate_manual(patient, character_set)  # said at once, nothing written
        if problems:
            self.show_problems(problems)
            return
        self.set_saving(True)
        self.message.clear()
        self.console.tasks.run(
            lambda: register_manual(db, patient, character_set=character_set),
            self._registered, self._not_registered, owner=self)

    def _registered(self, order: OrderView) -> None:
        self.set_saving(False)
        self.order = order
        self.accept()

    def _not_registered(self, exc: Exception) -> None:
        self.set_saving(False)  # what was typed stays: correct it or try again
        if isinstance(exc, ValidationError):
            self.show_problems(exc.problems)
        else:
            self._say(self.tr("Not registered: {error}. Nothing was saved; press Register and "
                              "start again.").format(error=exc))

    def show_problems(self, problems: dict[str, str]) -> None:
        labels = {"PatientName": self.tr("Name")} | {key: label for key, label, _ in self.fields}
        for key, words in problems.items():
            target = self.problems.get(key)
            if target is not None:
                target.setText(f"{labels.get(key, key)} {words}")
                target.show()
        self._say(self.tr("Correct the marked fields; nothing was registered."))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {COLOURS['alarm']}; font-weight: bold;")

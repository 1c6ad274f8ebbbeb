"""Choosing the unscheduled (emergency) exam an arrived order belongs to, and confirming it.

The dialog shows the order's patient beside each exam made without an order; OK (Reconcile)
is offered once an exam is chosen, and its text says which identity becomes which, since the
step cannot be taken back from the console.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from vxacq.ui.widgets import fill, person_name, table
from vxacq.workflow.orders import OrderView
from vxacq.workflow.reconcile import UnscheduledExam


class ReconcileDialog(QDialog):
    def __init__(self, order: OrderView, exams: list[UnscheduledExam],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reconcile an emergency exam with its order"))
        self.order = order
        self.exams = exams
        intro = QLabel(self.tr(
            "Order {accession} for {name} ({patient_id}): choose the exam that was made for "
            "this patient without an order.").format(
                accession=order.AccessionNumber or "-", name=person_name(order.PatientName),
                patient_id=order.PatientID))
        intro.setWordWrap(True)
        self.table = table([self.tr("Study"), self.tr("Date"), self.tr("Time"),
                            self.tr("Patient"), self.tr("Temporary ID"), self.tr("Images"),
                            self.tr("State")])
        fill(self.table, [(e.study_id, _date(e.StudyDate), e.StudyTime[:2] + ":" + e.StudyTime[2:4],
                           person_name(e.PatientName), e.PatientID, e.images, e.state)
                          for e in exams])
        self.table.itemSelectionChanged.connect(self._chosen)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Reconcile"))
        self.ok_button.setMinimumHeight(44)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setMinimumHeight(44)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(760, 420)
        self._chosen()

    def chosen(self) -> UnscheduledExam | None:
        rows = self.table.selectionModel().selectedRows()
        return self.exams[rows[0].row()] if rows else None

    def _chosen(self) -> None:
        exam = self.chosen()
        self.ok_button.setEnabled(exam is not None and exam.state == "closed")
        if exam is None:
            self.summary.setText(self.tr("No exam chosen."))
        elif exam.state != "closed":
            self.summary.setText(self.tr(
                "This exam is still open: close or discontinue it on the Exam page first."))
        else:
            self.summary.setText(self.tr(
                "The {images} image(s) and the dose report of {temporary} ({temporary_id}) "
                "will be filed under {name} ({patient_id}), accession {accession}, corrected "
                "and sent again to the archive; the RIS is told the order was performed.").format(
                    images=exam.images, temporary=person_name(exam.PatientName),
                    temporary_id=exam.PatientID, name=person_name(self.order.PatientName),
                    patient_id=self.order.PatientID,
                    accession=self.order.AccessionNumber or "-"))


def _date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 else value

"""The dose notification: what the next exposure would pass, and the radiographer's reason.

Shown when the exam refused an exposure past a notification level (the workflow's rule,
:mod:`vxacq.workflow.dose_check`); Confirm is possible only with a reason, which the exam
records with the exposure and in the audit trail.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from vxacq.workflow.dose_check import REASON_MAX, DoseNotice


class DoseNotificationDialog(QDialog):
    def __init__(self, notices: tuple[DoseNotice, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Dose notification"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("This exposure would pass a dose notification level."))
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        for notice in notices:
            layout.addWidget(self._notice_label(notice))
        layout.addWidget(QLabel(self.tr("Reason for exposing (recorded with the exam):")))
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText(self.tr("e.g. patient habitus, repeat for motion"))
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(self.tr("Confirm and expose"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.confirm_button.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.confirm_button.setEnabled(bool(text.strip())))

    def _notice_label(self, notice: DoseNotice) -> QLabel:
        def gy(value: float | None) -> str:
            return self.tr("unknown") if value is None else f"{value / 10.0:.3g} Gy·cm²"

        if notice.level_kind == "exposure":
            text = self.tr("{protocol}: this exposure {projected} — exposure level {level} "
                           "({source}); exam total so far {total}")
        else:
            text = self.tr("{protocol}: exam total would be {after} (so far {total}, this "
                           "exposure {projected}) — exam level {level} ({source})")
        total, after = gy(notice.exam_total_dap), gy(notice.after)
        if notice.exposures_without_dap:  # the total leaves them out: a lower bound, said so
            total = self.tr("≥ {total} (%n exposure(s) without DAP)", "",
                            notice.exposures_without_dap).format(total=total)
            after = self.tr("≥ {after}").format(after=after)
        label = QLabel(text.format(protocol=notice.protocol_id, projected=gy(notice.projected_dap),
                                   level=gy(notice.level_dap), source=notice.source,
                                   total=total, after=after))
        label.setWordWrap(True)
        return label

    def text(self) -> str:
        return self.reason.text().strip()

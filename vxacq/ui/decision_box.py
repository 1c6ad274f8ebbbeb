"""The radiographer's decision on the image shown: accept, reject (and retake), re-process as.

The reject reason list starts on "Choose a reason…", which is no reason: Reject waits for an
explicit choice (a reason filed by default would skew the reject analysis), and the choice is
made again for each image (:meth:`DecisionBox.show_image`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from vxacq.workflow.procedures import Protocol
from vxacq.workflow.reasons import reject_reasons


class DecisionBox(QGroupBox):
    """``accept_requested()``, ``reject_requested(retake)``, ``reprocess_requested()``."""

    accept_requested = Signal()
    reject_requested = Signal(bool)
    reprocess_requested = Signal()

    def __init__(self, known: dict[str, Protocol]) -> None:
        super().__init__(self.tr("Review"))
        self.accept_button = QPushButton(self.tr("Accept"))
        self.accept_button.setStyleSheet("QPushButton:enabled { background: #2e7d32; "
                                         "color: white; font-weight: bold; }")
        self.accept_button.clicked.connect(self.accept_requested.emit)
        self.reason = QComboBox()
        self.reason.addItem(self.tr("Choose a reason…"), None)  # no reason: Reject waits
        self.reason.model().item(0).setEnabled(False)  # never chosen from the list
        for reason in reject_reasons():
            text = (self.tr("{meaning} (local)").format(meaning=reason.code.meaning)
                    if reason.local else reason.code.meaning)
            self.reason.addItem(text, reason.key)
        self.reason.currentIndexChanged.connect(self._show_reject)
        self._reject_allowed = False
        self._image_id: int | None = None
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.clicked.connect(lambda: self.reject_requested.emit(False))
        self.retake_button = QPushButton(self.tr("Reject + retake"))
        self.retake_button.clicked.connect(lambda: self.reject_requested.emit(True))
        self.reprocess_combo = QComboBox()
        for protocol in known.values():
            self.reprocess_combo.addItem(self.tr("as {name}").format(name=protocol.name),
                                         protocol.id)
        self.reprocess_button = QPushButton(self.tr("Re-process"))
        self.reprocess_button.clicked.connect(self.reprocess_requested.emit)
        for combo in (self.reason, self.reprocess_combo):  # whole texts in the list
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.reason)
        reject_row = QHBoxLayout()
        reject_row.addWidget(self.reject_button)
        reject_row.addWidget(self.retake_button)
        layout.addLayout(reject_row)
        again = QHBoxLayout()
        again.addWidget(self.reprocess_combo, stretch=1)
        again.addWidget(self.reprocess_button)
        layout.addLayout(again)

    def reason_key(self) -> str | None:
        """The reject reason chosen, None while none is."""
        return self.reason.currentData()

    def show_image(self, image_id: int | None) -> None:
        """The image the decision is about: another one starts with no reason chosen."""
        if image_id != self._image_id:
            self._image_id = image_id
            self.reason.setCurrentIndex(0)

    def set_enabled(self, *, accept: bool, reject: bool, reprocess: bool) -> None:
        self.accept_button.setEnabled(accept)
        self._reject_allowed = reject
        self._show_reject()
        self.reprocess_button.setEnabled(reprocess)

    def _show_reject(self) -> None:
        chosen = self.reason_key() is not None
        for button in (self.reject_button, self.retake_button):
            button.setEnabled(self._reject_allowed and chosen)
            button.setToolTip("" if chosen else self.tr("Choose the reason first"))

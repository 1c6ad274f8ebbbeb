"""The radiographer's decision on the image shown: accept, reject (and retake), re-process as.

The reject reason list starts on "Choose a reason…", which is no reason: Reject waits for an
explicit choice (a reason filed by default would skew the reject analysis), and the choice is
made again for each image (:meth:`DecisionBox.show_image`, which also fills the list the first
time: :class:`~vxacq.ui.reject_reason_list.RejectReasonList`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from vxacq.ui.reject_reason_list import RejectReasonList
from vxacq.workflow.procedures import Protocol


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
        self.reason = RejectReasonList()
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
        return self.reason.reason_key()

    def show_image(self, image_id: int | None) -> None:
        """The image the decision is about: another one starts with no reason chosen."""
        if image_id is not None:
            self.reason.fill()
        if image_id != self._image_id:
            self._image_id = image_id
            self.reason.reset()

    def set_enabled(self, *, accept: bool, reject: bool, reprocess: bool) -> None:
        self.accept_button.setEnabled(accept)
        self._reject_allowed = reject
        self._show_reject()
        self.reprocess_button.setEnabled(reprocess)

    def _show_reject(self) -> None:
        self.reason.enable((self.reject_button, self.retake_button), self._reject_allowed)

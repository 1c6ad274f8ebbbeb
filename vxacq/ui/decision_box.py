"""The radiographer's decision on the image shown: accept, reject (and retake), re-process as."""

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
        for reason in reject_reasons():
            text = (self.tr("{meaning} (local)").format(meaning=reason.code.meaning)
                    if reason.local else reason.code.meaning)
            self.reason.addItem(text, reason.key)
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.clicked.connect(lambda: self.reject_requested.emit(False))
        self.retake_button = QPushButton(self.tr("Reject and retake"))
        self.retake_button.clicked.connect(lambda: self.reject_requested.emit(True))
        self.reprocess_combo = QComboBox()
        for protocol in known.values():
            self.reprocess_combo.addItem(self.tr("as {name}").format(name=protocol.name),
                                         protocol.id)
        self.reprocess_button = QPushButton(self.tr("Re-process"))
        self.reprocess_button.clicked.connect(self.reprocess_requested.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accept_button)
        reject_row = QHBoxLayout()
        reject_row.addWidget(self.reason, stretch=1)
        reject_row.addWidget(self.reject_button)
        layout.addLayout(reject_row)
        layout.addWidget(self.retake_button)
        again = QHBoxLayout()
        again.addWidget(self.reprocess_combo, stretch=1)
        again.addWidget(self.reprocess_button)
        layout.addLayout(again)

    def set_enabled(self, *, accept: bool, reject: bool, reprocess: bool) -> None:
        self.accept_button.setEnabled(accept)
        self.reject_button.setEnabled(reject)
        self.retake_button.setEnabled(reject)
        self.reprocess_button.setEnabled(reprocess)

"""Service → Logs: the tail of the application log and of the DICOM association log."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from vxacq.logs import APP_LOG, DICOM_LOG
from vxacq.ui.context import Console

LOG_LINES = 400


class LogsTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.which = QComboBox()
        self.which.addItem(self.tr("Application log"), APP_LOG)
        self.which.addItem(self.tr("DICOM associations"), DICOM_LOG)
        self.which.currentIndexChanged.connect(self.reload)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.reload)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.where = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.which)
        row.addWidget(refresh)
        row.addWidget(self.where, stretch=1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        path = Path(self.console.config.data_dir) / "logs" / self.which.currentData()
        self.where.setText(str(path))
        missing = self.tr("(no log yet: {reason})")
        self.console.tasks.run(lambda: _tail(path, LOG_LINES, missing), self._show)

    def _show(self, text: str) -> None:
        self.text.setPlainText(text)
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())


def _tail(path: Path, lines: int, missing: str) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 200 * lines))
            return "\n".join(fh.read().decode("utf-8", "replace").splitlines()[-lines:])
    except OSError as exc:
        return missing.format(reason=exc.strerror)

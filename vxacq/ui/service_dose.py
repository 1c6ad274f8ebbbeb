"""Service → Reference levels: the dose notification levels per protocol in force, and the
station's override file, checked before it is saved."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from vxacq.ui.context import Console
from vxacq.workflow import reference_levels


class ReferenceLevelsTab(QWidget):
    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([
            self.tr("Protocol"), self.tr("Exposure level (Gy·cm²)"),
            self.tr("Exam level (Gy·cm²)"), self.tr("Source")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.defaults = QLabel()
        self.defaults.setWordWrap(True)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr(
            '[[level]]\nprotocol = "KNEE_AP"\nexposure_dap_Gy_cm2 = 0.05\n'
            'source = "local DRL 2026"'))
        self.save_button = QPushButton(self.tr("Check and save"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, stretch=1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Levels in force (shipped national DRLs and this "
                                        "station's override):")))
        layout.addWidget(self.table, stretch=2)
        layout.addWidget(self.defaults)
        layout.addWidget(QLabel(self.tr("Override for this station (same form as the shipped "
                                        "reference_levels.toml):")))
        layout.addWidget(self.editor, stretch=1)
        layout.addLayout(row)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        """Read the override file and the levels in force on a worker (files in the data dir).
        Not while a save is under way: its answer shows the levels, and a read before the file
        is replaced would put the old text over what is being saved."""
        if not self.save_button.isEnabled():
            return
        data_dir = self.console.config.data_dir
        self.editor.document().setModified(False)

        def read() -> tuple[str, reference_levels.ReferenceLevels, str]:
            text = reference_levels.override_text(data_dir)
            try:
                return text, reference_levels.load(data_dir), ""
            except reference_levels.ReferenceLevelError as exc:
                return text, reference_levels.load(None), str(exc)

        self.console.tasks.run(read, self._show, lambda exc: self.status.setText(str(exc)),
                               owner=self)

    def _show(self, result: tuple[str, reference_levels.ReferenceLevels, str]) -> None:
        text, levels, error = result
        if not self.editor.document().isModified():  # never over what was typed meanwhile
            self.editor.setPlainText(text)
        if error:
            self.status.setText(self.tr("The saved override is not used: {error}")
                                .format(error=error))
        self._fill(levels)

    def save(self) -> None:
        """Check and write the override on a worker (the data dir may be slow or remote)."""
        if not self.save_button.isEnabled():  # a save is under way: one click saves once
            return
        data_dir, text = self.console.config.data_dir, self.editor.toPlainText()
        self.save_button.setEnabled(False)
        self.console.tasks.run(lambda: reference_levels.save_override(data_dir, text),
                               self._saved, self._not_saved, owner=self)

    def _saved(self, levels: reference_levels.ReferenceLevels) -> None:
        self.save_button.setEnabled(True)
        self.editor.document().setModified(False)  # the editor holds what the file holds
        self.status.setText(self.tr("Saved; the next exposure uses these levels."))
        self.status.setStyleSheet("")
        self._fill(levels)

    def _not_saved(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)  # the editor keeps the text: correct it, save again
        self.status.setText(self.tr("Not saved: {error}").format(error=str(exc)))
        self.status.setStyleSheet("color: #e57373;")

    def _fill(self, levels: reference_levels.ReferenceLevels) -> None:
        rows = sorted(levels.levels.values(), key=lambda level: level.protocol)
        self.table.setRowCount(len(rows))
        for r, level in enumerate(rows):
            exposure = "" if level.exposure_dap_Gy_cm2 is None else f"{level.exposure_dap_Gy_cm2:g}"
            for c, text in enumerate((level.protocol, exposure, f"{level.exam_dap_Gy_cm2:g}",
                                      level.source)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        d = levels.defaults
        self.defaults.setText(self.tr(
            "Every other protocol: exam level {exam:g} Gy·cm² (site choice). EI on target: DI "
            "{low:g} to {high:g}; flagged when {outside} of a protocol's last {window} "
            "exposures are off target.").format(exam=d.exam_dap_Gy_cm2, low=d.di_low,
                                                high=d.di_high, outside=d.ei_outside,
                                                window=d.ei_window))

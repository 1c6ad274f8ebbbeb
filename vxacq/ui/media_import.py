"""Import from media: the studies on a DICOMDIR (a CD, a USB stick, a folder) listed, the chosen
ones kept as priors (shown beside new images) or queued to a store node. The reading, checking
and storing are :func:`vxacq.workflow.media.read_media` and
:func:`~vxacq.workflow.media.import_studies`, run off the GUI thread (as ``vxacq import``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget,
)

from vxacq.logs import escape
from vxacq.ui.context import Console
from vxacq.ui.widgets import Banner, fill, ok_cancel, person_name, table
from vxacq.workflow.media import MediaStudy, import_studies, read_media


class MediaImportDialog(QDialog):
    """Opened on a folder; ``imported(text)`` says what was done when the import ends."""

    imported = Signal(str)

    def __init__(self, console: Console, folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console, self.folder = console, folder
        self.studies: list[MediaStudy] = []
        self.setWindowTitle(self.tr("Import from media"))
        self.banner = Banner()
        self.table = table([self.tr("Import"), self.tr("Date"), self.tr("Patient"),
                            self.tr("Patient ID"), self.tr("Modalities"), self.tr("Files"),
                            self.tr("Description")])
        self.destination = QComboBox()
        self.destination.addItem(self.tr("Keep as priors (shown beside new images)"), None)
        for node in console.config.nodes_with("store"):
            self.destination.addItem(self.tr("Send to {node}").format(node=node.name), node.name)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.buttons = ok_cancel(self, self.tr("Import"), on_ok=self.start_import)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(QLabel(self.tr("Studies on {folder}").format(folder=folder)))
        layout.addWidget(self.table)
        layout.addWidget(self.problems)
        layout.addWidget(self.destination)
        layout.addWidget(self.buttons)
        self.resize(760, 420)
        self.banner.show_message(self.tr("Reading the media…"), "info")
        self.console.tasks.run(lambda: read_media(folder), self._listed, self._failed)

    def _listed(self, found) -> None:
        self.studies, problems = found
        fill(self.table, [("", s.StudyDate, person_name(escape(s.PatientName)),
                           escape(s.PatientID), "/".join(map(escape, s.Modalities)),
                           len(s.files), escape(s.StudyDescription)) for s in self.studies])
        for row in range(len(self.studies)):
            box = QTableWidgetItem()
            box.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            box.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, box)
        if problems:
            self.problems.setText(self.tr("Not taken ({n}):").format(n=len(problems)) + "\n"
                                  + "\n".join(f"• {escape(p.message)}" for p in problems[:10]))
            self.problems.show()
        if self.studies:
            self.banner.show_message(self.tr("Tick the studies to import."), "info")
            self.import_button.setEnabled(True)
        else:
            self.banner.show_message(self.tr("No study on this media can be imported."),
                                     "warning")

    def _failed(self, exc: Exception) -> None:
        self.banner.show_message(self.tr("The media cannot be read: {reason}").format(
            reason=escape(exc)), "alarm")

    def chosen(self) -> list[str]:
        return [s.StudyInstanceUID for row, s in enumerate(self.studies)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def start_import(self) -> None:
        uids = self.chosen()
        if not uids:
            self.banner.show_message(self.tr("No study is ticked."), "warning")
            return
        node = self.destination.currentData()
        config, db, operator = self.console.config, self.console.db, self.console.operator
        self.import_button.setEnabled(False)

        def done(result) -> None:
            if node is None:
                text = self.tr("{n} image(s) of {studies} study(ies) kept as priors.").format(
                    n=len(result.stored), studies=len(result.studies))
            else:
                text = self.tr("{studies} study(ies) queued to {node}.").format(
                    studies=len(result.studies), node=node)
            if result.problems:
                text += " " + self.tr("{n} file(s) not taken.").format(n=len(result.problems))
            self.imported.emit(text)
            self.accept()

        def failed(exc: Exception) -> None:
            self.banner.show_message(self.tr("Not imported: {reason}").format(
                reason=escape(exc)), "alarm")
            self.import_button.setEnabled(True)

        self.banner.show_message(self.tr("Importing…"), "info")
        self.console.tasks.run(lambda: import_studies(config, db, self.folder, uids, node=node,
                                                      operator=operator), done, failed)

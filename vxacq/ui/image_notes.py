"""Texts and distances on the image of the exam screen, kept with the image.

The notes and the window are saved with the image as its presentation state (on a worker, the
latest save wins) and read back with the measuring scale when the image is shown again. Turning
or cropping the image removes them: their pixels would be elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from vxacq.ui.tasks import Refresher
from vxacq.workflow import annotations
from vxacq.workflow.exam import ImageView

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class ImageNotes(QObject):
    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self._unsaved: tuple = ()
        self._saver = Refresher(page.console.tasks, self._save_latest,
                                lambda error: error and page.messages.show(error, "alarm"),
                                interval_ms=100, parent=self)

    def ask_text(self) -> None:
        page = self.page
        text, ok = QInputDialog.getText(page, self.tr("Text on the image"), self.tr("Text:"))
        if ok and text.strip():
            page.review.add_text(text.strip())

    def load(self, view: ImageView) -> None:
        """The image's kept notes and its measuring scale, read on a worker."""
        page = self.page
        path = view.file_path

        def read():
            try:
                notes, window = annotations.load_annotations(path)
                return notes, window, annotations.measurement_scale(path)
            except FileNotFoundError:  # re-processed meanwhile: its new file is read next
                return None

        def show(result) -> None:
            if result is None or page.shown_id != view.id:
                return
            notes, window, scale = result
            page.review.measure = scale.label
            page.review.set_annotations(notes)
            if window is not None:
                page.review.set_window(*window)

        if path:
            page.console.tasks.run(read, show, lambda exc: page.messages.show(
                self.tr("Annotations cannot be read: {error}").format(error=exc), "warning"))

    def save(self) -> None:
        """Keep the notes (and the window) with the image as its presentation state."""
        page = self.page
        view = page.current_image()
        if view is None or not view.file_path or page.display.preview:
            return
        # a snapshot for the worker; saves run one at a time and the latest one wins
        self._unsaved = (view.file_path, page.review.annotations(), page.review.window,
                         page.console.operator)
        self._saver.request()

    def _save_latest(self) -> str:
        path, notes, window, operator = self._unsaved
        try:
            annotations.save_annotations(path, notes, window=window, operator=operator)
        except (OSError, ValueError) as exc:
            return self.tr("Annotations not saved: {error}").format(error=exc)
        return ""

    def drop(self) -> None:
        review = self.page.review
        if review.annotations():
            review.clear_annotations()
            self.page.messages.show(self.tr("The texts and distances were removed: the image "
                                            "was turned or cropped"), "info")
            self.save()

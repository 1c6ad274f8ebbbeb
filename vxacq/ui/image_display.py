"""The image on the exam screen: the quick look, the full image, what it is and its dose.

The raw frame's arrival ("exposed") shows a binned preview at once; the full image replaces it
when processing is done, its pixels made ready for the view on a worker. The caption says what
the image is (protocol and side, REJECTED, PARTIAL EXPOSURE, in red), the bar below it the
exposure indices and the delivered technique and dose. :class:`Timing` keeps the frame-to-screen
times the UI benchmark reads.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vxacq.ui.images import Displayable, from_file, from_processed, thumbnail
from vxacq.ui.widgets import COLOURS
from vxacq.workflow.dose import ExamDose, exam_dose
from vxacq.workflow.exam import ImageView

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage

log = logging.getLogger(__name__)


@dataclass
class Timing:
    """Frame-to-screen times of the last exposure (the UI benchmark reads them)."""

    raw_arrived: float = 0.0
    preview_shown: float = 0.0
    image_shown: float = 0.0
    history: list[dict[str, float]] = field(default_factory=list)


class ImageDisplay(QObject):
    """Which image is on screen (``shown_id``), and whether it is the quick look (``preview``)."""

    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self.shown_id: int | None = None
        self.preview = False  # the image on screen is the binned quick look
        self.full_coming: int | None = None  # an image whose processed pixels are on the way
        self.dose: ExamDose | None = None
        self.timing = Timing()

    def clear(self) -> None:
        """Nothing of the last exam on screen."""
        self.shown_id, self.preview, self.full_coming = None, False, None
        self.dose = None
        self.page.review.clear()

    def show_preview(self, view: ImageView) -> None:
        """The binned quick look the chain made from the corrected frame, shown while the full
        image is made (1024 px a side: cheap enough to hand to the view here)."""
        exam = self.page.exam
        image = exam.preview_image(view.id) if exam else None
        if image is None or (self.shown_id == view.id and not self.preview) \
                or self.full_coming == view.id:
            return  # the full image already arrived, or is being readied
        self._display(view, from_processed(image, preview=True))
        self.timing.preview_shown = time.perf_counter()

    def image_ready(self, view: ImageView) -> None:
        self.show_image(view, after=self._note_frame_to_screen)

    def _note_frame_to_screen(self) -> None:
        timing = self.timing
        timing.image_shown = time.perf_counter()
        if timing.raw_arrived:
            timing.history.append({
                "preview_s": timing.preview_shown - timing.raw_arrived
                if timing.preview_shown > timing.raw_arrived else -1.0,
                "image_s": timing.image_shown - timing.raw_arrived})
            timing.raw_arrived = 0.0

    def show_image(self, view: ImageView, after=None) -> bool:
        """Show the image: its pixels of this session (made ready on a worker), else its file;
        False when it has neither. ``after()`` runs once it is on screen from memory."""
        page = self.page
        processed = page.exam.processed_image(view.id) if page.exam else None
        if processed is None:
            if view.file_path:
                self._load_and_show(view)
            return bool(view.file_path)
        if view.ExposureIndex is None:  # rendered, not yet written: the indices are known
            view = replace(view, ExposureIndex=processed.ei,
                           TargetExposureIndex=processed.ei_t, DeviationIndex=processed.di)

        def show(shown: Displayable) -> None:
            self.full_coming = None
            newest = page.views.get(view.id)  # "processed" may have come meanwhile: its file
            self._display(newest if newest is not None and newest.file_path else view, shown)
            if after is not None:
                after()

        def failed(exc: Exception) -> None:
            self.full_coming = None
            page.messages.show(self.tr("The image cannot be shown: {exc}").format(exc=exc),
                               "alarm")

        self.full_coming = view.id
        page.console.tasks.run(lambda: from_processed(processed).with_overview(), show, failed)
        return True

    def _display(self, view: ImageView, shown: Displayable) -> None:
        page = self.page
        self.shown_id = view.id
        self.preview = shown.preview
        caption = self.caption(view)
        if shown.preview:
            caption += self.tr("  (preview)")
        page.review.show_image(shown.pixels, shown.bits_stored, shown.window, shown.overlay,
                               caption, shown.overview)
        self.caption_colour(view)
        page.review.graphics.viewport().repaint()  # on screen now, not at the next idle
        if not shown.preview:
            page.strip.set_thumbnail(view.id, thumbnail(shown))
            page.notes.load(view)
            page.reprocessing.check_marker_later(view)
        self.show_indices(view)
        page.strip.select(view.id)
        page.update_controls()

    def caption(self, view: ImageView) -> str:
        """What the image is, over it: protocol and side, and REJECTED / PARTIAL EXPOSURE."""
        caption = f"{view.protocol_id} {view.laterality}".strip()
        if view.state == "rejected":
            caption += "  " + self.tr("REJECTED: {reason}").format(reason=view.reject_reason)
        if view.partial:
            caption += "  " + self.tr("PARTIAL EXPOSURE")
        return caption

    def caption_colour(self, view: ImageView) -> None:
        """Red over a rejected or partial image; the viewer's yellow otherwise."""
        self.page.review.label.setColor(COLOURS["alarm"]
                                        if view.state == "rejected" or view.partial
                                        else (255, 220, 0))

    def decided(self, view: ImageView) -> None:
        """The image on screen was accepted or rejected: its caption says so (rejected, red)."""
        if view.id == self.shown_id:
            self.page.review.label.setText(self.caption(view))
            self.caption_colour(view)

    def _load_and_show(self, view: ImageView) -> None:
        self.page.console.tasks.run(lambda: from_file(view.file_path),
                                    lambda shown: self._display(view, shown),
                                    lambda exc: self.page.messages.show(
                                        self.tr("The image file cannot be read: {exc}")
                                        .format(exc=exc), "alarm"))

    def show_indices(self, view: ImageView) -> None:
        self.page.info.show_indices(view)
        self.page.info.show_dose(self.dose.of(view.id) if self.dose else None, self.dose)

    def refresh_dose(self) -> None:
        """The exam's dose and technique per image, read on a worker."""
        page = self.page
        if page.exam is None:
            return
        db, study_id = page.console.db, page.exam.study_id

        def show(dose: ExamDose) -> None:
            if page.exam is None or page.exam.study_id != study_id:
                return
            self.dose = dose
            image = dose.of(self.shown_id) if self.shown_id is not None else None
            page.info.show_dose(image, dose)

        page.console.tasks.run(lambda: exam_dose(db, study_id), show,
                               lambda exc: log.warning("dose not read: %s", exc))

    def thumb_selected(self, image_id: int) -> None:
        page = self.page
        if page.exam is None:
            return
        view = page.views.get(image_id)
        if view is None:
            return
        if not self.show_image(view):
            self.shown_id = view.id
            page.review.clear(view.error or self.tr("no processed image"))
            page.update_controls()

"""Turning, cropping, marking and re-processing the image on the exam screen.

Every change is made again from the raw frame with every choice made for the image so far
(:class:`DisplayOptions`, kept per image for this exam only): rotation, flip, the L/R marker and
where it was dragged, the crop (with its undo), another protocol's processing ("re-process
as"), a long-length image's seam moved. A marker whose side contradicts the side the image was
taken for is warned about.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from vxacq.workflow.display import marker_conflict
from vxacq.workflow.exam import ImageView

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage

log = logging.getLogger(__name__)


@dataclass
class DisplayOptions:
    """How the radiographer turned and cropped one image (sent with each re-processing)."""

    rotation: int = 0
    flip: str = "none"
    marker: str | None = None
    crop: tuple[int, int, int, int] | None = None
    marker_at: tuple[float, float] | None = None  # where it was dragged (fractions)
    protocol_id: str | None = None  # "re-process as" (None: the image's own)
    crops: list[tuple[int, int, int, int] | None] = field(default_factory=list)  # for Undo

    def as_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"rotation": self.rotation, "flip": self.flip,
                                   "marker": self.marker}
        if self.crop is not None:
            options["crop"] = self.crop
        if self.marker_at is not None:
            options["marker_at"] = self.marker_at
        return options


class Reprocessing(QObject):
    """The exam page's choices per image (``options``, cleared with each exam) and their
    re-processing on a worker."""

    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self.options: dict[int, DisplayOptions] = {}

    def reprocess_as(self) -> None:
        page = self.page
        view = page.current_image()
        if view is None:
            return
        chosen = page.known[page.reprocess_combo.currentData()]
        own = page.known.get(view.protocol_id)
        if own is not None and chosen.modality != own.modality:
            page.messages.show(self.tr("{name} is a {chosen} protocol; this image is "
                                       "{own}: choose a {own} protocol")
                               .format(name=chosen.name, chosen=chosen.modality,
                                       own=own.modality),
                               "warning")
            return
        options = self.options_for(view)
        options.protocol_id = chosen.id
        self._reprocess(view)

    def transform(self, rotate: int = 0, flip: str = "", marker: bool = False,
                  crop: bool = False, undo_crop: bool = False,
                  marker_at: tuple[float, float] | None = None) -> None:
        page = self.page
        view = page.current_image()
        if view is None or not view.file_path:
            return
        options = self.options_for(view)
        if rotate or flip:
            if rotate:
                options.rotation = (options.rotation + rotate) % 360
            if flip:
                options.flip = "none" if options.flip == flip else flip
            options.crop, options.crops, options.marker_at = None, [], None
            page.notes.drop()  # their pixels are elsewhere in a turned image
        if marker_at is not None:
            options.marker_at = marker_at
        if undo_crop:
            if not options.crops:
                return
            options.crop = options.crops.pop()
            page.notes.drop()
        if marker:
            choice = page.toolbar.marker_choice()
            options.marker = (self._side_marker(view) if choice == "auto"
                              else None if choice == "none" else choice)
            self.check_marker(view)
        if crop:
            rect = page.review.crop_rect()
            if rect is None:
                page.messages.show(self.tr("Draw a crop rectangle of at least 16 × 16 "
                                           "pixels first (Crop)"), "warning")
                return
            base = options.crop
            options.crops.append(base)
            # the rectangle is on the image as shown, which may be cropped already
            options.crop = rect if base is None else (base[0] + rect[0], base[1] + rect[1],
                                                      base[0] + rect[2], base[1] + rect[3])
            page.crop_button.setChecked(False)
            page.notes.drop()
        self._reprocess(view)

    def options_for(self, view: ImageView) -> DisplayOptions:
        """This session's choices for the image, else those its last re-processing kept."""
        if view.id not in self.options:
            exam = self.page.exam
            kept = exam.display_options(view.id) if exam else {}
            self.options[view.id] = self._kept_options(view, kept)
        return self.options[view.id]

    def _kept_options(self, view: ImageView, kept: dict[str, Any]) -> DisplayOptions:
        crop = kept.get("crop")
        at = kept.get("marker_at")
        return DisplayOptions(
            rotation=int(kept.get("rotation", 0)), flip=kept.get("flip", "none"),
            marker=kept.get("marker", self._side_marker(view)),
            crop=tuple(crop) if crop else None, protocol_id=kept.get("protocol_id"),
            marker_at=tuple(at) if at else None)

    @staticmethod
    def _side_marker(view: ImageView) -> str | None:
        return view.laterality if view.laterality in ("L", "R") else None

    def _reprocess(self, view: ImageView) -> None:
        """Again from the raw frame with every choice made for this image so far."""
        page = self.page
        exam = page.exam
        options = self.options_for(view)
        kwargs, protocol_id = options.as_options(), options.protocol_id
        page.messages.show(self.tr("Re-processing…"), "info")
        page.run_step(lambda: exam.reprocess(view.id, protocol_id, **kwargs), self._reprocessed)

    def move_seam(self, seam: int, mm: float) -> None:
        """Move a long-length image's seam (registration matched the wrong structure)."""
        page = self.page
        view = page.current_image()
        if view is None or view.fields < 2:
            return
        exam = page.exam
        page.messages.show(self.tr("Moving seam {n} by {mm:+.1f} mm…").format(n=seam + 1, mm=mm),
                           "info")
        page.run_step(lambda: exam.move_seam(view.id, seam, mm), self._reprocessed)

    def _reprocessed(self, view: ImageView) -> None:
        if view.error:
            self.page.messages.show(view.error, "alarm")
        else:
            self.page.messages.clear()
            self.check_marker(view)

    # --- the marker ---------------------------------------------------------------------------

    def check_marker_later(self, view: ImageView) -> None:
        """:meth:`check_marker` once the image's kept choices are read (on a worker)."""
        page = self.page
        exam = page.exam
        if exam is None or view.id in self.options:
            self.check_marker(view)
            return

        def known(kept: dict[str, Any]) -> None:
            if page.exam is not exam:
                return
            self.options.setdefault(view.id, self._kept_options(view, kept))
            if page.shown_id == view.id:
                self.check_marker(view)

        page.console.tasks.run(lambda: exam.display_options(view.id), known,
                               lambda exc: log.warning("display choices not read: %s", exc))

    def check_marker(self, view: ImageView) -> None:
        """Warn when the L/R marker contradicts the side the image was taken for."""
        options = self.options_for(view)
        protocol = self.page.known.get(view.protocol_id)
        side = view.laterality or (protocol.laterality if protocol else "")
        if marker_conflict(options.marker, side):
            self.page.messages.show(self.tr(
                "Marker {marker} on a {side} image: choose Marker {right} (or check the "
                "side)").format(marker=options.marker,
                                side=self.tr("LEFT") if side == "L" else self.tr("RIGHT"),
                                right=side), "warning")

    def marker_move_toggled(self, on: bool) -> None:
        page = self.page
        if on:
            page.review.start_marker_move()
            if page.review.marker_roi is None:
                page.toolbar.move_marker.setChecked(False)
                page.messages.show(self.tr("No marker on this image to move"), "warning")
        else:
            page.review.stop_marker_move()

    def marker_moved(self, row: float, column: float) -> None:
        self.page.toolbar.move_marker.setChecked(False)
        self.transform(marker_at=(row, column))

    def crop_toggled(self, on: bool) -> None:
        page = self.page
        if on:
            page.review.start_crop()
        else:
            page.review.cancel_crop()
        page.update_controls()

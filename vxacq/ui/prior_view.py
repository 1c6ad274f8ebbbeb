"""An earlier image of the patient beside the new one, with its own window/level.

The page shows this panel beside the review image when *Prior* is on (shortcut P); the list
holds the patient's cached priors, the same body part and view first (workflow.priors). Its
window is its own: dragging on it (W/L drag is always on here) never changes the new image's.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from vxacq.ui.review_view import ReviewView
from vxacq.workflow.priors import PriorImage, PriorPixels


class PriorPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.choice = QComboBox(toolTip=self.tr("Earlier images of this patient (same body part "
                                                "and view first)"))
        self.view = ReviewView()
        self.view.set_windowing(True)  # its own window, set by dragging on it
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.images: list[PriorImage] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.choice)
        layout.addWidget(self.view, stretch=1)
        layout.addWidget(self.caption)

    def set_images(self, images: list[PriorImage]) -> None:
        self.images = images
        self.choice.blockSignals(True)
        self.choice.clear()
        for image in images:
            self.choice.addItem(self.describe(image))
        self.choice.blockSignals(False)
        if not images:
            self.view.clear(self.tr("no prior of this patient in the cache"))
            self.caption.setText(self.tr("Retrieve priors from the archive (History → Priors "
                                         "from PACS, or `vxacq retrieve`)."))

    def describe(self, image: PriorImage) -> str:
        date = image.StudyDate
        shown = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 else date
        return self.tr("PRIOR {date} {part} {view} {side}").format(
            date=shown, part=image.BodyPartExamined, view=image.ViewPosition,
            side=image.ImageLaterality).strip()

    def show_pixels(self, image: PriorImage, shown: PriorPixels) -> None:
        self.view.show_image(shown.pixels, shown.bits_stored, shown.window,
                             caption=self.describe(image))
        self.caption.setText(image.SeriesDescription)

    def show_error(self, text: str) -> None:
        self.view.clear(text)

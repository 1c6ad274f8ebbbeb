"""The patient's priors beside the new image on the exam screen (Prior, P).

The panel (:class:`vxacq.ui.prior_view.PriorPanel`) lists the patient's cached priors, the best
match for the image on screen (else the chosen protocol) first; the list and the pixels are
read on a worker, and a list found for a patient whose exam is no longer open is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vxacq.workflow.priors import PriorImage, prior_pixels, priors_for_patient

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class PriorPane(QObject):
    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self.panel = page.prior_panel

    def toggled(self, on: bool) -> None:
        self.panel.setVisible(on)
        if on:
            self.load()

    def clear(self) -> None:
        """Never a prior of the last patient beside this one's image."""
        self.panel.set_images([])
        if self.panel.isVisible():
            self.load()

    def load(self) -> None:
        """The patient's cached priors, the best match for the image on screen (else the
        chosen protocol) first; read on a worker."""
        page = self.page
        if page.exam is None:
            self.panel.set_images([])
            return
        shown = page.views.get(page.shown_id) if page.shown_id is not None else None
        protocol = (page.known.get(shown.protocol_id) if shown is not None else None) \
            or page.selected_protocol()
        part = protocol.body_part if protocol is not None else ""
        view = protocol.view_position if protocol is not None else ""
        config, patient = page.console.config, page.exam.patient.PatientID
        page.console.tasks.run(lambda: priors_for_patient(config, patient, part, view),
                               lambda images: self._found(patient, images),
                               lambda exc: self.panel.show_error(str(exc)))

    def _found(self, PatientID: str, images: list[PriorImage]) -> None:
        exam = self.page.exam
        if exam is None or exam.patient.PatientID != PatientID:
            return  # found for a patient whose exam is no longer open
        self.panel.set_images(images)
        if images:
            self.show(0)

    def show(self, index: int) -> None:
        images = self.panel.images
        if not 0 <= index < len(images):
            return
        image = images[index]
        self.page.console.tasks.run(lambda: prior_pixels(image),
                                    lambda shown: self.panel.show_pixels(image, shown),
                                    lambda exc: self.panel.show_error(str(exc)))

"""Accept, reject and retake the image on the exam screen.

A partial exposure (the generator stopped early) is accepted only once the radiographer
confirms it in a question of its own; a retake rejects the image and arms its protocol and
side again for the hand switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from vxacq.workflow.exam import ImageView

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class ReviewDecisions(QObject):
    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page

    def accept_image(self) -> None:
        page = self.page
        view = page.current_image()
        if view is None:
            return
        exam = page.exam
        confirmed = bool(view.partial) and self._confirm_partial(view)
        if view.partial and not confirmed:
            return
        page.run_step(lambda: exam.accept(view.id, confirm_partial=confirmed),
                      lambda _: self._after_decision())

    def _confirm_partial(self, view: ImageView) -> bool:
        """A partial exposure is accepted only when the radiographer says so."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Partial exposure"),
                          self.tr("{what}\n\nAccept this image anyway?").format(
                              what=view.partial), parent=self.page)
        yes = box.addButton(self.tr("Accept partial image"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Do not accept"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def reject_image(self, retake: bool) -> None:
        page = self.page
        view = page.current_image()
        if view is None:
            return
        page.decision.show_image(view.id)  # a reason chosen for another image does not count
        exam, reason = page.exam, page.decision.reason_key()
        if reason is None:  # never a reason filed by default: it would skew the analysis
            page.messages.show(self.tr("Choose why the image is rejected first."), "warning")
            return

        def done(rejected: ImageView) -> None:
            self._after_decision()
            if retake:
                self._arm_retake(rejected)

        page.run_step(lambda: exam.reject(view.id, reason), done)

    def _arm_retake(self, rejected: ImageView) -> None:
        """Select the rejected image's protocol and side; the hand switch exposes it again."""
        page = self.page
        page.planning.fill()
        page.plan_panel.select_id(rejected.protocol_id)
        if rejected.laterality in ("L", "R"):
            page.technique.set_side(rejected.laterality)
        page.messages.show(self.tr("Retake {protocol_id}: position the patient and use the "
                                   "hand switch").format(protocol_id=rejected.protocol_id),
                           "info")

    def _after_decision(self) -> None:
        page = self.page
        page.refresh_images()
        page.planning.fill()
        page.refresh_status()

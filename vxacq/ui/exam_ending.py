"""Leaving and closing the exam on the exam screen.

Leaving an exam with an exposure in progress or images not reviewed needs a word first
(:meth:`ExamEnding.leaving_question`, asked by the main window). Closing shows the exam summary
(read on a worker) in the close dialog; its answer completes or discontinues the exam and
queues the images, the dose report and the annotations' presentation states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from vxacq.ui.close_dialog import CloseChoice, CloseDialog
from vxacq.workflow import annotations
from vxacq.workflow.dose import ExamSummary, exam_summary
from vxacq.workflow.exam import Exam, ExamState

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class ExamEnding(QObject):
    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page

    def leaving_question(self) -> str:
        """Why leaving this exam now needs a word ("" when it may be left silently)."""
        page = self.page
        if page.exam is None or page.exam.state != ExamState.OPEN:
            return ""
        if page.exposing or page.frames.running:
            return self.tr("An exposure is in progress in this exam.")
        waiting = [v for v in page.views.values() if v.state == "acquired"]
        if waiting:
            return self.tr("{n} image(s) of this exam are not reviewed yet.").format(
                n=len(waiting))
        return ""

    def close_exam(self) -> None:
        """Ask how to close, with the exam summary (read off the GUI thread) in the dialog."""
        page = self.page
        exam = page.exam
        if exam is None or exam.state != ExamState.OPEN:
            return
        imaging, db = page.console.config.imaging, page.console.db
        page.console.tasks.run(
            lambda: exam_summary(db, exam.study_id, imaging.di_warning, imaging.di_alarm),
            lambda summary: self._ask_close(exam, summary),
            lambda exc: page.messages.show(
                self.tr("Cannot read the exam summary: {error}").format(error=exc), "error"))

    def _ask_close(self, exam: Exam, summary: ExamSummary) -> None:
        page = self.page
        if page.exam is not exam or exam.state != ExamState.OPEN:
            return  # closed or replaced while the summary was read
        views = list(page.views.values())
        accepted = [v for v in views if v.state == "accepted"]
        dialog = CloseDialog(page.console.config, len(accepted),
                             sum(v.state == "rejected" for v in views),
                             sum(v.state == "acquired" for v in views),
                             [page.strip.pixmaps[v.id] for v in accepted
                              if v.id in page.strip.pixmaps],
                             page, summary)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.finish(dialog.choice())

    def finish(self, choice: CloseChoice) -> None:
        """Close with the close dialog's answer."""
        page = self.page
        exam = page.exam
        config, db = page.console.config, page.console.db

        def run():
            if choice.status == "COMPLETED":
                result = exam.close(print_node=choice.print_node, layout=choice.layout)
            else:
                result = exam.discontinue(choice.reason)
            # the annotated images' presentation states follow their images
            result.jobs["annotations"] = annotations.queue_annotations(config, db,
                                                                      exam.study_id)
            return result

        def done(result) -> None:
            stores = len(result.jobs.get("store", []))
            printed = self.tr(" and a print job") if result.jobs.get("print") else ""
            page.messages.show(
                (self.tr("Exam completed: MPPS COMPLETED queued, images and the dose report "
                         "queued to {stores} archive(s){printed}. Their progress is shown below.")
                 if result.status == "COMPLETED" else
                 self.tr("Exam discontinued: MPPS DISCONTINUED queued, images and the dose "
                         "report queued to {stores} archive(s){printed}. Their progress is "
                         "shown below.")).format(stores=stores, printed=printed), "ok")
            page.exam_closed.emit(result.study_id)
            page.refresh_status()
            page.update_controls()

        page.run_step(run, done)

"""Leaving and closing the exam on the exam screen.

Leaving an exam with an exposure in progress, a frame of it still in the panel (its transfer
failed) or images not reviewed needs a word first (:meth:`ExamEnding.leaving_question`, asked by
the main window). Which exam a frame left in the panel belongs to is in its pending record: it is
read on a worker whenever the room's status says a frame is pending, and kept here, so the
question never reads the disk on the GUI thread. Closing shows the exam summary
(read on a worker) in the close dialog; its answer completes or discontinues the exam and
queues the images, the dose report and the annotations' presentation states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from vxacq.ui.close_dialog import CloseChoice, CloseDialog
from vxacq.ui.tasks import Refresher, on_gui_thread
from vxacq.workflow import annotations
from vxacq.workflow.dose import ExamSummary, exam_summary
from vxacq.workflow.console import RoomStatus
from vxacq.workflow.exam import Exam, ExamState

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class ExamEnding(QObject):
    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        # (exam, the room's frame_pending text) the last read was for, and what it found: the
        # exam's exposures whose frame is still in the panel, in words
        self._stranded_for: tuple[Exam | None, str] = (None, "")
        self._stranded: list[str] = []
        self._stranded_reader = Refresher(page.console.tasks, self._read_stranded,
                                          self._stranded_read, interval_ms=50, parent=self)
        page.console.room.subscribe(on_gui_thread(self._room_changed))

    def leaving_question(self) -> str:
        """Why leaving this exam now needs a word ("" when it may be left silently)."""
        page = self.page
        if page.exam is None or page.exam.state != ExamState.OPEN:
            return ""
        if page.exposing or page.frames.running:
            return self.tr("An exposure is in progress in this exam.")
        pending = page.console.room.status.frame_pending
        if pending and self._stranded_for != (page.exam, pending):
            # not yet known whose frame it is: asked rather than left silently
            self._stranded_reader.now()
            return self.tr("A frame is still in the panel, not stored yet: {what}\nRecover it "
                           "first, or suspend this exam: the frame stays in the panel and is "
                           "recovered into the exam it was taken for later.").format(what=pending)
        if pending and self._stranded:
            return self.tr("The image of an exposure of this exam is still in the panel (its "
                           "transfer failed): {what}.\nRecover it first (Recover the frame "
                           "from the panel), or suspend the exam: the frame stays in the panel "
                           "and is recovered into this exam later, even while another exam is "
                           "on screen.").format(what="; ".join(self._stranded))
        waiting = [v for v in page.views.values() if v.state == "acquired"]
        if waiting:
            return self.tr("{n} image(s) of this exam are not reviewed yet.").format(
                n=len(waiting))
        return ""

    def _room_changed(self, status: RoomStatus) -> None:
        if status.frame_pending and self._stranded_for != (self.page.exam, status.frame_pending):
            self._stranded_reader.request()

    def exam_opened(self) -> None:
        """Whose frames are in the panel is read again for the exam now on screen."""
        self._stranded_for, self._stranded = (None, ""), []
        if self.page.console.room.status.frame_pending:
            self._stranded_reader.now()

    def _read_stranded(self) -> tuple[Exam | None, str, list[str]]:
        exam, pending = self.page.exam, self.page.console.room.status.frame_pending
        return exam, pending, [r.describe() for r in exam.frames_in_panel()] if exam else []

    def _stranded_read(self, result: tuple[Exam | None, str, list[str]]) -> None:
        exam, pending, stranded = result
        self._stranded_for, self._stranded = (exam, pending), stranded
        if (exam, pending) != (self.page.exam, self.page.console.room.status.frame_pending):
            self._stranded_reader.request()  # the exam or the panel changed meanwhile

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

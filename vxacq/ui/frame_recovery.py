"""Frames left in the panel, from the exam screen: fetched by themselves, Recover, Discard.

An exposure whose frame was not stored (the link dropped, the disk was full) blocks Prep until
its frame is recovered — filed under the exam it was taken for, whichever exam is on screen
(:mod:`vxacq.workflow.recovery`) — or discarded with a reason, in the audit trail. The frame is
fetched by itself once the panel answers after the failure (once; after that **Recover**).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from vxacq.workflow.console import RoomStatus
from vxacq.workflow.recovery import (
    PendingExposure, Recovered, discard, pending_exposures, recover,
)

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class FrameRecovery(QObject):
    """The exam page's recovery of frames left in the panel (its banner says what happened)."""

    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self.running = False
        self.listing = False  # the frames to discard being read
        self._tried: set[str] = set()  # pending frames fetched by themselves once

    def by_itself(self, status: RoomStatus) -> None:
        """A frame waiting and the panel answering: fetch it (once; after that, Recover)."""
        if status.frame_pending and status.frame_pending not in self._tried \
                and status.detector not in ("disconnected", "error") and not self.page.exposing:
            self._tried.add(status.frame_pending)
            self.recover()

    def recover(self) -> None:
        """Fetch the frames left in the panel and file each under the exam it was taken for."""
        page = self.page
        if self.running or page.exposing:
            return
        self.running = True
        console, exam = page.console, page.exam
        page.banner.show_message(self.tr("Recovering the frame left in the panel…"), "info")

        def run() -> list[Recovered]:
            with console.room.devices() as devices:
                return recover(console.config, console.db, room=devices, exam=exam,
                               operator=console.operator)

        def done(outcomes: list[Recovered]) -> None:
            self.running = False
            failed = [o for o in outcomes if not o.ok]
            page.banner.show_message("; ".join(o.message for o in outcomes),
                                     "alarm" if failed else "ok")
            page.refresh_images()

        def failed(exc: Exception) -> None:
            self.running = False
            page.banner.show_message(self.tr("The frame could not be recovered: {error}")
                                     .format(error=exc), "alarm")
            page.refresh_images()

        console.exposures.run(run, done, failed)

    def discard(self) -> None:
        """Give up the frames that cannot be recovered, with a reason (audited): a deliberate
        step, never the easy one — the reason must be typed. The frames waiting are read from
        the data folder on a worker; the question follows."""
        page = self.page
        if self.running or self.listing:
            return
        self.listing = True

        def failed(exc: Exception) -> None:
            self.listing = False
            page.banner.show_message(str(exc), "alarm")  # as an exam step's error

        page.console.tasks.run(lambda: pending_exposures(page.console.config),
                               self._ask_discard, failed, owner=self)

    def _ask_discard(self, waiting: list[PendingExposure]) -> None:
        self.listing = False
        page = self.page
        console = page.console
        if not waiting or self.running:
            return
        reason, ok = QInputDialog.getText(
            page, self.tr("Discard the lost frame"),
            self.tr("{what}\nwas made but its image is not stored. Why is it given up? "
                    "(recorded in the audit trail)").format(
                what="\n".join(r.describe() for r in waiting)))
        if not ok or not reason.strip():
            page.banner.show_message(self.tr("Nothing discarded: a reason is needed."),
                                     "warning")
            return

        def run() -> None:
            for record in waiting:
                discard(console.config, console.db, record.uid, reason,
                        operator=console.operator)
            console.room.refresh()

        page.run_step(run, lambda _: page.banner.show_message(
            self.tr("Discarded, with the reason recorded: {reason}").format(reason=reason),
            "warning"))

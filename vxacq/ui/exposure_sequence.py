"""The hand switch on the exam screen: Prep, Expose, release, and what the sequence ends with.

Prep starts the exposure on the console's exposure thread (never the shared pool: a slow
network task must never delay the beam); Expose and release go to the running sequence's hand
switch. The sequence ends with an image, a failure said in the banner (a frame left in the
panel is then fetched by :class:`vxacq.ui.frame_recovery.FrameRecovery`), or a dose
notification to confirm with a reason, which holds for the next exposure of its protocol only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vxacq.ui.dose_dialog import DoseNotificationDialog
from vxacq.workflow.console import HandSwitch, RoomStatus
from vxacq.workflow.dose_check import DoseNotificationRequired
from vxacq.workflow.exam import ImageView

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class ExposureSequence(QObject):
    """The exam page's exposures, one at a time (``exposing`` from Prep to its end)."""

    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self.switch: HandSwitch | None = None
        self.exposing = False
        #: (protocol id, reason) of a confirmed dose notification, for the next exposure
        self.dose_reason: tuple[str, str] | None = None

    def prep(self) -> None:
        """Hand switch stage 1: the sequence starts; the beam waits for stage 2."""
        page = self.page
        protocol = page.selected_protocol()
        if self.exposing:  # a sequence is still ending: one at a time
            return
        if page.exam is None or protocol is None:
            page.room_panel.exposure_over()
            return
        side = page.side_needed(protocol)
        switch = HandSwitch()
        self.switch, self.exposing = switch, True
        exam, room = page.exam, page.console.room
        technique = page.technique.technique()
        # a confirmed dose notification holds for the next exposure of its protocol only
        confirmed, self.dose_reason = self.dose_reason, None
        confirm_dose = confirmed[1] if confirmed and confirmed[0] == protocol.id else ""
        page.messages.show(self.tr("Prep: {name} — press Expose when the generator and the "
                                   "detector are READY").format(name=protocol.name), "info")

        def expose() -> ImageView:
            with room.devices() as devices:
                return exam.expose(protocol.id, laterality=side or None, room=devices,
                                   hand_switch=switch, confirm_dose=confirm_dose, **technique)

        page.update_controls()
        # its own thread: a slow network task on the shared pool must never delay the beam
        page.console.exposures.run(expose, self._exposed, self._failed)

    def expose_now(self) -> None:
        if self.switch is not None:
            self.switch.expose()

    def release(self) -> None:
        if self.switch is not None:
            self.switch.release()

    def _exposed(self, view: ImageView) -> None:
        self._over()
        messages = self.page.messages
        if view.error:
            messages.show(view.error, "alarm")
        elif view.warnings:
            messages.show("; ".join(view.warnings), "warning")
        else:
            messages.clear()
        self.page.planning.fill(select=self.page.plan_panel.next_planned())

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, DoseNotificationRequired):  # refused before the beam: ask why
            self._over()
            self._ask_dose_reason(exc)
            return
        self.page.messages.show(self.tr("No image: {exc}").format(exc=exc), "alarm")
        self._over()  # may start recovering a frame left in the panel: said after

    def _ask_dose_reason(self, exc: DoseNotificationRequired) -> None:
        page = self.page
        protocol = page.selected_protocol()
        dialog = DoseNotificationDialog(exc.notices, page)
        if dialog.exec() != DoseNotificationDialog.DialogCode.Accepted or protocol is None:
            page.messages.show(self.tr("Not exposed: the dose notification was not "
                                       "confirmed"), "warning")
            return
        self.dose_reason = (protocol.id, dialog.text())
        page.messages.show(self.tr("Dose notification confirmed — press Prep and Expose again "
                                   "for {name}").format(name=protocol.name), "warning")

    def _over(self) -> None:
        page = self.page
        self.switch, self.exposing = None, False
        page.room_panel.exposure_over()
        page.update_controls()
        page.frames.by_itself(page.console.room.status)

    def reset_generator(self) -> None:
        page = self.page
        page.run_step(page.console.room.reset_generator, lambda _: page.messages.clear())

    def room_changed(self, status: RoomStatus) -> None:
        page = self.page
        page.room_panel.show_status(status)
        page.update_controls()
        page.frames.by_itself(status)

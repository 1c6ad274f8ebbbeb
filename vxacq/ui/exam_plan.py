"""The exam's plan on the exam screen: the planned protocols, which are done, which is next.

The list is the :class:`vxacq.ui.plan_panel.PlanPanel`; this keeps it in step with the exam:
a protocol is ticked once it has an image not rejected (a long-length protocol once its
stitched image is made), choosing one shows its technique for this patient's size, and adding
or removing one is an exam step on a worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from vxacq.workflow.procedures import Protocol

if TYPE_CHECKING:
    from vxacq.ui.exam_page import ExamPage


class ExamPlan(QObject):
    def __init__(self, page: ExamPage) -> None:
        super().__init__(page)
        self.page = page
        self._ticks: list[str] = []  # the exposed protocols the plan was filled with
        # long-length protocol → (fields taken, planned), read with the images on a worker
        self.progress: dict[str, tuple[int, int]] = {}

    def fill(self, select: int | None = None) -> None:
        exam = self.page.exam
        protocols = exam.protocols if exam else []
        self._ticks = self.exposed_protocols()
        self.page.plan_panel.fill(protocols, self._ticks, select, self.progress)

    def exposed_protocols(self) -> list[str]:
        """Protocols with an image not rejected; a long-length protocol needs its stitched
        image, not a field kept alone."""
        exam = self.page.exam
        if not exam:
            return []
        long = {p.id for p in exam.protocols if p.long_length}
        return [i.protocol_id for i in self.page.views.values() if i.state != "rejected"
                and (i.protocol_id not in long or i.fields > 1)]

    def images_read(self, progress: dict[str, tuple[int, int]]) -> None:
        """Refilled when its ticks change, or a long-length sequence moved on; else the
        selection stays as it is."""
        if self.exposed_protocols() != self._ticks or progress != self.progress:
            self.progress = progress
            self.fill()

    def selected(self) -> Protocol | None:
        protocol_id = self.page.plan_panel.selected_id()
        return self.page.known.get(protocol_id) if protocol_id else None

    def selection_changed(self) -> None:
        page = self.page
        protocol = self.selected()
        if protocol is not None:
            page.technique.show_protocol(protocol)
            if page.exam is not None:  # the technique for this patient's size
                kv, mas = page.exam.technique(protocol.id)
                page.technique.kv.setValue(kv)
                page.technique.mas.setValue(mas)
        page.update_controls()

    def add(self, protocol_id: str | None = None) -> None:
        page = self.page
        if page.exam is None:
            return
        exam, protocol_id = page.exam, protocol_id or page.add_combo.currentData()
        page.run_step(lambda: exam.add_protocol(protocol_id),
                      lambda _: self.fill(select=len(exam.protocols) - 1))

    def remove(self) -> None:
        page = self.page
        protocol = self.selected()
        if page.exam is None or protocol is None:
            return
        exam = page.exam
        page.run_step(lambda: exam.remove_protocol(protocol.id), lambda _: self.fill())

"""The list a reject reason is chosen from, on the Exam page and the History page.

It starts on "Choose a reason…", which is no reason and cannot be chosen back: a reason filed by
default would skew the reject analysis, so Reject waits for an explicit choice, made again for
each image (:meth:`RejectReasonList.reset`). The reasons themselves come from pydicom's concept
dictionary (0.04-0.18 s of CPU to load), which the window does not need to show: they are
added when first needed (:meth:`RejectReasonList.fill`, or the list opened).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QComboBox

from vxacq.workflow.reasons import reject_reasons


class RejectReasonList(QComboBox):
    def __init__(self) -> None:
        super().__init__()
        # the texts keep the context they were translated in: the Exam page's DecisionBox
        self.addItem(QCoreApplication.translate("DecisionBox", "Choose a reason…"),
                     None)  # no reason: Reject waits
        self.model().item(0).setEnabled(False)  # never chosen from the list
        # as wide as its longest reason once filled (the Exam page sets a width of its own)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._filled = False

    def fill(self) -> None:
        """Add the reasons, CID 7011's then the site's (once)."""
        if self._filled:
            return
        self._filled = True
        for reason in reject_reasons():
            text = (QCoreApplication.translate("DecisionBox", "{meaning} (local)").format(
                meaning=reason.code.meaning) if reason.local else reason.code.meaning)
            self.addItem(text, reason.key)
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 24)  # whole texts

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def reason_key(self) -> str | None:
        """The reason chosen, None while none is."""
        return self.currentData()

    def reset(self) -> None:
        """No reason chosen (another image, another exam)."""
        self.setCurrentIndex(0)

    def enable(self, buttons: Iterable[QAbstractButton], allowed: bool, tip: str = "") -> None:
        """``buttons`` (those that reject) enabled when ``allowed`` and a reason is chosen;
        their tooltip ``tip``, or says to choose the reason first."""
        chosen = self.reason_key() is not None
        first = QCoreApplication.translate("DecisionBox", "Choose the reason first")
        for button in buttons:
            button.setEnabled(allowed and chosen)
            button.setToolTip(tip if chosen else "\n".join(t for t in (tip, first) if t))

"""Words the core hands the screens as data — the state of an order, an image, a send or a
commitment, an order's priority and a patient's sex — in the window's language.

The core keeps its own words (they are stored and logged); a screen shows ``word(value)``.
A value with a reason after it ("failed: association rejected") has its word translated and
its reason kept. An unknown value is shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


# marked for lupdate; translated where shown (vxacq.db.models states, DICOM priorities and sexes)
WORDS = (
    # orders (OrderState), exams (StudyState), images (ImageState)
    QT_TRANSLATE_NOOP("Words", "scheduled"), QT_TRANSLATE_NOOP("Words", "in progress"),
    QT_TRANSLATE_NOOP("Words", "completed"), QT_TRANSLATE_NOOP("Words", "discontinued"),
    QT_TRANSLATE_NOOP("Words", "gone"), QT_TRANSLATE_NOOP("Words", "open"),
    QT_TRANSLATE_NOOP("Words", "closed"), QT_TRANSLATE_NOOP("Words", "acquired"),
    QT_TRANSLATE_NOOP("Words", "accepted"), QT_TRANSLATE_NOOP("Words", "rejected"),
    # sending and storage commitment (JobState, CommitmentState, workflow.history)
    QT_TRANSLATE_NOOP("Words", "queued"), QT_TRANSLATE_NOOP("Words", "running"),
    QT_TRANSLATE_NOOP("Words", "sending"), QT_TRANSLATE_NOOP("Words", "sent"),
    QT_TRANSLATE_NOOP("Words", "done"), QT_TRANSLATE_NOOP("Words", "failed"),
    QT_TRANSLATE_NOOP("Words", "cancelled"), QT_TRANSLATE_NOOP("Words", "pending"),
    QT_TRANSLATE_NOOP("Words", "committed"), QT_TRANSLATE_NOOP("Words", "partial"),
    QT_TRANSLATE_NOOP("Words", "timed out"),
    # Requested Procedure Priority (0040,1003) and Patient's Sex (0010,0040)
    QT_TRANSLATE_NOOP("Words", "STAT"), QT_TRANSLATE_NOOP("Words", "HIGH"),
    QT_TRANSLATE_NOOP("Words", "ROUTINE"), QT_TRANSLATE_NOOP("Words", "MEDIUM"),
    QT_TRANSLATE_NOOP("Words", "LOW"), QT_TRANSLATE_NOOP("Words", "M"),
    QT_TRANSLATE_NOOP("Words", "F"), QT_TRANSLATE_NOOP("Words", "O"),
)


def word(value: str) -> str:
    """``value`` in the window's language: "in_progress" → "in Arbeit", "failed: why" →
    "fehlgeschlagen: why"."""
    head, sep, rest = str(value).partition(": ")
    head = head.replace("_", " ")
    return QCoreApplication.translate("Words", head) + sep + rest

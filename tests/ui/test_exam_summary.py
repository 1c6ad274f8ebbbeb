"""The exam summary on screen: in the close dialog (fitting each console screen) and in the
History's detail of the closed exam, each exposure with its state, technique, DAP and indices."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.ui import layout_checks
from tests.ui.driver import expose, pump, wait_until
from tests.ui.test_layout import SIZES
from vxacq.ui.close_dialog import CloseDialog
from vxacq.ui.main_window import MainWindow
from vxacq.ui.widgets import COLOURS
from vxacq.workflow.dose import exam_summary


def _rows(view) -> list[list[str]]:
    table = view.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_the_close_dialog_and_the_history_show_the_exam_summary(
        knee_exam_window: MainWindow) -> None:
    window = knee_exam_window
    page = window.exam
    first = expose(window)
    page.reason.setCurrentIndex(page.reason.findData("MotionBlur"))
    page.reject_button.click()
    wait_until(lambda: page.exam.image(first).state == "rejected", 20, "the rejection")
    second = expose(window)
    page.accept_button.click()
    wait_until(lambda: page.exam.image(second).state == "accepted", 20, "the acceptance")
    imaging = window.console.config.imaging
    expected = exam_summary(window.console.db, page.exam.study_id, imaging.di_warning,
                            imaging.di_alarm)
    seen: dict[str, object] = {}

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CloseDialog):
            QTimer.singleShot(50, check)
            return
        try:
            seen["rows"] = _rows(dialog.summary)
            seen["totals"] = dialog.summary.totals.text()
            seen["problems"] = []
            for width, height in SIZES:
                dialog.resize(min(dialog.sizeHint().width(), width),
                              min(dialog.sizeHint().height(), height))
                pump(0.1)
                if dialog.height() > height or dialog.width() > width:
                    seen["problems"].append(f"{width}×{height}: needs {dialog.size()}")
                seen["problems"] += [f"{width}×{height}: {p}"
                                     for p in layout_checks.problems(dialog)]
        finally:
            dialog.accept()  # complete

    QTimer.singleShot(50, check)
    page.close_exam()
    wait_until(lambda: page.exam.state != "open", 60, "the exam to close")
    assert seen["problems"] == [], "\n".join(seen["problems"])
    rows = seen["rows"]
    assert len(rows) == 2
    rejected, accepted = rows
    assert rejected[2] == "rejected: Motion blur" and accepted[2] == "accepted"
    for row, exposure in zip(rows, expected.exposures, strict=True):
        dose = exposure.dose
        assert row[0] == exposure.ProtocolName and row[1] == "L"
        assert row[3:8] == [f"{dose.KVP:.0f}", f"{dose.XRayTubeCurrent:.0f}",
                            f"{dose.ExposureTime:.1f}", f"{dose.Exposure:.2f}",
                            f"{dose.ImageAndFluoroscopyAreaDoseProduct:.3f}"]
        assert row[8] == f"{dose.ExposureIndex:.0f}" and row[10] == f"{dose.DeviationIndex:+.1f}"
    assert seen["totals"] == (f"2 exposures, 1 rejected   |   exam DAP "
                              f"{expected.total_dap:.3f} dGy·cm²")

    history = window.history
    window.show_page(history)
    wait_until(lambda: history.exams, 10, "the history")
    history.table.selectRow(0)
    history.detail.setCurrentWidget(history.summary)
    wait_until(lambda: history.summary.table.rowCount() == 2, 10, "the exam summary")
    assert _rows(history.summary) == rows
    assert history.summary.totals.text() == seen["totals"]
    for row, exposure in enumerate(expected.exposures):  # each DI in its colour band
        assert history.summary.table.item(row, 10).background().color().name() == \
            COLOURS[exposure.di_band]

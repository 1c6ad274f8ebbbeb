"""Service → Quality, driven as a physicist would: two exposures of a knee, the first rejected
for motion and retaken; the tab shows the reject rate by reason, the deviation index of the
protocol and its DAP against the reference level, saves them as a printable page, filters by
protocol and period, and refuses a bad date with a message."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.driver import expose, wait_until
from vxacq.workflow import reference_levels


def open_service_tab(window, tab) -> None:
    """Service → the tab, confirming the service pages' question (a station without
    accounts)."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        box.button(QMessageBox.StandardButton.Yes).click()

    window.show_page(window.service)
    QTimer.singleShot(20, answer)
    window.service.tabs.setCurrentWidget(tab)
    wait_until(lambda: window.service.tabs.currentWidget() is tab, 10, "the tab")


def test_quality_tab_plots_the_rejects_the_deviation_index_and_dap(knee_exam_window) -> None:
    window = knee_exam_window
    page = window.exam
    protocol_id = page.selected_protocol().id
    first = expose(window, protocol_id)
    page.reason.setCurrentIndex(page.reason.findData("MotionBlur"))
    page.retake_button.click()
    wait_until(lambda: page.exam.image(first).state == "rejected", 20, "the rejection")
    wait_until(lambda: page.selected_protocol().id == protocol_id, 10, "the retake armed")
    second = expose(window, protocol_id)
    page.accept_button.click()
    wait_until(lambda: page.exam.image(second).state == "accepted", 20, "the acceptance")
    level = 1e-4  # Gy·cm²: far below a knee's DAP, so its 75th percentile is above it
    reference_levels.save_override(window.console.config.data_dir,
                                   f'[[level]]\nprotocol = "{protocol_id}"\n'
                                   f'exposure_dap_Gy_cm2 = {level}\nsource = "test level"\n')

    quality = window.service.quality
    open_service_tab(window, quality)
    wait_until(lambda: quality.rejects is not None and not quality.reading, 20, "the figures")
    assert quality.rejects.images == 2 and quality.rejects.rejected == 1
    assert "2 images, 1 rejected (50.0 %), 1 repeated (50.0 %)" in quality.summary.text()
    shown = quality.shown()
    assert shown["reasons"] == [[50.0]]  # one bar: motion blur, 1 of 2 images
    assert quality.reasons_plot.getAxis("left")._tickLevels[0][0][1] == "Motion blur"
    # the deviation index: one row of five bands adding up to 100 % of the protocol's images
    assert len(shown["deviation"]) == 5 and sum(w[0] for w in shown["deviation"]) == 100.0
    [dap] = quality.dose.dap
    assert dap.protocol == protocol_id and dap.n == 2 and dap.above_level
    assert shown["levels"] == [level] and shown["p75"] == [dap.p75_Gy_cm2]
    assert shown["dap"] == [[dap.median_Gy_cm2]]
    # the rates' table lists the counts behind each rate
    cells = {(quality.rates.item(r, 0).text(), quality.rates.item(r, 1).text()):
             (quality.rates.item(r, 2).text(), quality.rates.item(r, 3).text())
             for r in range(quality.rates.rowCount())}
    assert cells[("Protocol", protocol_id)] == ("1", "2")

    # the printable report holds the same figures
    page_file = window.console.config.data_dir / "qa.html"
    quality.save(str(page_file))
    wait_until(lambda: "Saved to" in quality.status.text(), 20, "the report saved")
    printed = page_file.read_text(encoding="utf-8")
    assert printed.count("<svg") == 3 and "Motion blur" in printed and "test level" in printed

    # the protocol filter offers the protocols exposed here; a period without exams is empty
    chosen = quality.protocol.findData(protocol_id)
    assert chosen > 0 and quality.operator.itemData(0) == ""
    quality.protocol.setCurrentIndex(chosen)
    quality.update_button.click()
    wait_until(lambda: not quality.reading, 20, "the figures")
    assert quality.rejects.filters.protocol == protocol_id and quality.rejects.images == 2
    quality.start.setText("2001-01-01")
    quality.end.setText("2001-01-31")
    quality.update_button.click()
    wait_until(lambda: not quality.reading, 20, "the figures")
    assert quality.rejects.images == 0 and quality.shown()["reasons"] == []
    assert "0 images, 0 rejected (–)" in quality.summary.text()

    quality.start.setText("31.01.2001")
    quality.update_button.click()
    assert "'31.01.2001' is not a date" in quality.status.text()
    assert quality.rejects.images == 0  # the last figures stay

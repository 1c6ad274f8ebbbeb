"""An exam's DAP total on screen never understates the dose without saying so: with exposures
that reported no DAP (a generator without a DAP meter) it is shown as a lower bound, with how
many were left out, in the exam summary (close dialog, History), under the image and in the
dose notification."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from vxacq.ui.dose_dialog import DoseNotificationDialog
from vxacq.ui.exam_summary import ExamSummaryView
from vxacq.ui.image_info import ImageInfo
from vxacq.workflow.dose import ExamDose, ExamSummary, ExposureSummary, ImageDose
from vxacq.workflow.dose_check import DoseNotice


def dose(image_id: int, dap: float | None) -> ImageDose:
    return ImageDose(image_id, "accepted", 70.0, 200.0, 10.0, 2.0, dap, 400.0, 400.0, 0.0)


def exposure(image_id: int, dap: float | None) -> ExposureSummary:
    return ExposureSummary("Knee lateral", "L", dose(image_id, dap), "", "", "ok")


def test_the_exam_summary_shows_a_total_missing_dap_as_a_lower_bound(qtbot) -> None:
    view = ExamSummaryView()
    qtbot.addWidget(view)
    view.show_summary(ExamSummary((exposure(1, 1.25), exposure(2, None), exposure(3, 0.5))))
    assert view.totals.text() == ("3 exposures, 0 rejected   |   exam DAP ≥ 1.750 dGy·cm² "
                                  "(1 of 3 exposures without DAP)")
    view.show_summary(ExamSummary((exposure(1, None),)))
    assert view.totals.text().endswith("exam DAP unknown (1 of 1 exposures without DAP)")
    view.show_summary(ExamSummary((exposure(1, 1.25), exposure(3, 0.5))))
    assert view.totals.text().endswith("exam DAP 1.750 dGy·cm²")


def test_the_image_information_shows_the_exam_total_as_a_lower_bound(qtbot) -> None:
    info = ImageInfo(1.0, 3.0, QWidget())
    qtbot.addWidget(info)
    exam = ExamDose((dose(1, None), dose(2, 2.0)))
    info.show_dose(exam.of(2), exam)
    assert info.dose_label.text().endswith(
        "|   exam DAP ≥ 2.000 dGy·cm² (1 of 2 exposures without DAP)")
    info.show_dose(None, ExamDose((dose(2, 2.0),)))
    assert info.dose_label.text() == "exam DAP 2.000 dGy·cm²"


def test_the_dose_notification_says_the_total_so_far_is_a_lower_bound(qtbot) -> None:
    notice = DoseNotice("KNEE_LAT", "exam", 20.0, 30.0, 40.0, "site choice", "median", 2)
    dialog = DoseNotificationDialog((notice,))
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("exam total would be ≥ 5 Gy·cm² (so far ≥ 3 Gy·cm² (2 exposure(s) without "
               "DAP)" in text for text in texts), texts

"""Screenshots of the console for docs/: worklist, exam, review, close dialog, service pages.

Runs the demo department (ports chosen free) and the console window, drives one exam the way
a radiographer would, and saves each screen with Qt's own grab into ``docs/images/``. Run it
on a real X server or under Xvfb so the xcb platform plugin (what users get) draws the
window:

    xvfb-run -a -s "-screen 0 1600x1200x24" .venv/bin/python scripts/screenshots.py

``--long-length`` makes only the long-length exam's screens.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from hardware_sim.department import DemoDepartment  # noqa: E402
from tests import peers  # noqa: E402
from tests.ui.driver import expose, pump, refresh_worklist, start_exam, wait_until  # noqa: E402
from vxacq.commands.demo import demo_config, ensure_calibrated  # noqa: E402
from vxacq.ui.close_dialog import CloseChoice  # noqa: E402
from vxacq.ui.context import Console  # noqa: E402
from vxacq.ui.main_window import MainWindow  # noqa: E402
from vxacq.ui.tasks import GuiGarbageCollector  # noqa: E402
from vxacq.ui.registration_dialog import RegistrationDialog  # noqa: E402

OUT = ROOT / "docs" / "images"


def save(widget: QWidget, name: str) -> None:
    pump(0.4)
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    GuiGarbageCollector(parent=app).start()  # as the console does
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = demo_config(folder)
        config.station.listen_port = peers.free_port()
        ensure_calibrated(config)
        department = DemoDepartment(folder / "department", config.station.ae_title,
                                    config.station.listen_port).start()
        console = Console.start(department.console_config(config), room_poll_s=0.5)
        window = MainWindow(console)
        window.resize(1280, 800)
        window.show()
        try:
            if "--long-length" not in sys.argv:
                shoot(window)
            shoot_long_length(window)
        finally:
            window.close()
            console.stop()
            department.stop()
    del app


def shoot(window: MainWindow) -> None:
    window.operator_edit.setText("Weber^Anna")
    window.operator_edit.editingFinished.emit()
    refresh_worklist(window)
    save(window, "worklist")

    dialog = RegistrationDialog(window.console, window)
    dialog.edits["given"].setText("Anna")
    dialog.edits["PatientBirthDate"].setText("1971-04-23")
    dialog.submit()  # shows what is wrong
    dialog.show()
    save(dialog, "registration")
    dialog.close()

    knee = next(o for o in window.worklist.orders if "KNEE" in o.RequestedProcedureDescription
                or "CHEST" in o.RequestedProcedureDescription)
    start_exam(window, knee.AccessionNumber)
    page = window.exam
    first = page.exam.protocols[0].id
    # prep: the room panel while the generator spins up
    wait_until(lambda: page.room_panel.prep_button.isEnabled() or not page.side.currentData(),
               30)
    if not page.side.currentData() and not page.exam.protocols[0].laterality:
        page.side.setCurrentIndex(page.side.findData("L"))
    wait_until(page.room_panel.prep_button.isEnabled, 30)
    page.room_panel.prep_button.setChecked(True)
    wait_until(page.room_panel.expose_button.isEnabled, 30)
    save(window, "exam-ready")
    page.room_panel.expose_button.click()
    wait_until(lambda: not page.exposing, 60)
    image = page.exam.images()[-1].id
    wait_until(lambda: page.shown_id == image and not page._is_preview, 60)
    save(window, "review")
    # the review tools and the dose line at the three console screen sizes of the manual
    wait_until(lambda: page.review.measure.__name__ == "label", 30)  # the image's scale
    rows, cols = page.review.shape
    page.review.add_text("STANDING", (rows * 0.08, cols * 0.1))
    page.review.add_distance((rows * 0.5, cols * 0.3), (rows * 0.5, cols * 0.7))
    for width, height in ((1280, 800), (1366, 768), (1280, 1024)):
        window.resize(width, height)
        save(window, f"exam-{width}x{height}")
    window.resize(1280, 800)
    page.reason.setCurrentIndex(page.reason.findData("Positioning"))
    page.reject_image(retake=True)
    wait_until(lambda: page.busy == 0, 30)
    second = expose(window, first)
    page.accept_image()
    wait_until(lambda: page.exam.image(second).state == "accepted" and page.busy == 0, 30)

    grabbed = []

    def grab_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(100, grab_dialog)
            return
        dialog.print_box.setChecked(True)
        save(dialog, "close-exam")
        dialog.reject()
        grabbed.append(True)

    QTimer.singleShot(100, grab_dialog)
    page.close_exam()  # the dialog opens once the exam summary is read
    wait_until(lambda: grabbed, 30)
    page.finish(CloseChoice("COMPLETED"))
    wait_until(lambda: page.status_table.rowCount() >= 3 and "committed" in
               (page.status_table.item(page.status_table.rowCount() - 1, 3).text()
                if page.status_table.item(page.status_table.rowCount() - 1, 3) else ""), 60)
    save(window, "exam-closed")

    window.show_page(window.history)
    window.history.search()
    window.history.table.selectRow(0)
    pump(1.0)
    save(window, "history")

    window.show_page(window.service)
    service = window.service
    service.nodes.echo_all()
    wait_until(lambda: all(v not in ("", "asking…") for v in service.nodes.echo_results.values())
               and len(service.nodes.echo_results) == len(window.console.config.nodes), 30)
    service.setCurrentWidget(service.nodes)
    save(window, "service-nodes")
    service.queue.show_done.setChecked(True)
    service.setCurrentWidget(service.queue)
    save(window, "service-queue")
    service.setCurrentWidget(service.detector)
    save(window, "service-detector")


def shoot_long_length(window: MainWindow) -> None:
    """The whole-spine order of the demo: three fields, one stitched image, its seams."""
    window.show_page(window.worklist)
    refresh_worklist(window)
    spine = next(o for o in window.worklist.orders
                 if "WHOLE SPINE" in o.RequestedProcedureDescription)
    start_exam(window, spine.AccessionNumber)
    page = window.exam
    expose(window, "SPINE_FULL_AP", timeout=180)
    page.toolbar.seam_combo.setCurrentIndex(0)
    save(window, "long-length")


if __name__ == "__main__":
    main()


"""Screenshots of the console for docs/: worklist, exam, review, close dialog, service pages.

Runs the demo department (ports chosen free) and the console window, drives one exam the way
a radiographer would, and saves each screen with Qt's own grab into ``docs/images/``. Run it
on a real X server or under Xvfb so the xcb platform plugin (what users get) draws the
window:

    xvfb-run -a -s "-screen 0 1600x1200x24" .venv/bin/python scripts/screenshots.py

``--long-length`` makes only the long-length exam's screens; ``--quality`` only the Service →
Quality tab, over a few weeks of exams made by the workflow on the simulated room.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

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
        if "--quality" in sys.argv:
            shoot_quality(folder)
            return
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
    wait_until(lambda: page.shown_id == image and not page.display.preview, 60)
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
    history = window.history
    history.search()
    wait_until(lambda: history.exams, 30)
    history.table.selectRow(0)
    wait_until(lambda: history.status_table.rowCount() >= 2
               and not history.status_table.item(0, 0).icon().isNull(), 30)
    save(window, "history")

    window.show_page(window.service)
    service = window.service
    QTimer.singleShot(50, confirm_service_pages)
    service.tabs.setCurrentWidget(service.nodes)
    service.nodes.echo_all()
    wait_until(lambda: all(v not in ("", "asking…") for v in service.nodes.echo_results.values())
               and len(service.nodes.echo_results) == len(window.console.config.nodes), 30)
    save(window, "service-nodes")
    service.queue.show_view("all")
    service.tabs.setCurrentWidget(service.queue)
    save(window, "service-queue")
    service.tabs.setCurrentWidget(service.detector)
    save(window, "service-detector")


def confirm_service_pages() -> None:
    """Answer the service pages' question (no accounts on the demo) once it is asked."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(50, confirm_service_pages)
        return
    box.button(QMessageBox.StandardButton.Yes).click()


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


def shoot_quality(folder: Path) -> None:
    """Service → Quality over three weeks of exams of three radiographers (made through the
    exam workflow on the simulated room, then dated)."""
    import random
    import sqlite3

    from vxacq.db import DB_FILENAME, database_for
    from vxacq.workflow.exam import Exam
    from vxacq.workflow.orders import ManualPatient, register_manual

    from hardware_sim.simulator import Simulator
    from vxacq import config as configuration

    # the small test panel, one simulated room for all the exposures, at a twentieth of real
    # time; no node: the figures only
    path = folder / "vxacq.toml"
    path.write_text(f'[station]\nstation_name = "DX-ROOM-1"\ndata_dir = "{folder / "data"}"\n'
                    '[hardware]\ndetector_model = "DRTEST"\nsim_time_scale = 0.05\n')
    config = configuration.load(path)
    ensure_calibrated(config)
    sim = Simulator(model="DRTEST", time_scale=0.05, seed=305).start()
    config.hardware.generator_url, config.hardware.detector_url = sim.generator_url, \
        sim.detector_url
    db = database_for(config.data_dir)
    pick = random.Random(305)
    operators = ("Weber^Anna", "Meier^Jonas", "Rossi^Carla")
    protocols = ("CHEST_PA", "CHEST_LAT", "PELVIS_AP", "ABDOMEN_AP", "SKULL_LAT")
    reasons = ("Positioning", "Positioning", "MotionBlur", "UnderExposed", "OverExposed")
    for number in range(14):
        patient = register_manual(db, ManualPatient(f"Demo^Patient{number}", f"QA-{number}"))
        chosen = pick.sample(protocols, 2)
        exam = Exam.start(config, db, patient.id, operator=operators[number % 3],
                          protocols=chosen)
        for protocol in chosen:
            while True:
                _, mas = exam.technique(protocol)
                image = exam.expose(protocol, mas=mas * pick.choice((0.5, 1, 1, 1, 1.4, 2)),
                                    confirm_dose="demo data")
                if pick.random() < 0.75:
                    exam.accept(image.id)
                    break
                exam.reject(image.id, pick.choice(reasons))
        exam.close()
        day = f"202611{2 + number * 3 // 2:02d}"
        with sqlite3.connect(Path(config.data_dir) / DB_FILENAME) as conn:
            conn.execute("UPDATE study SET StudyDate = ? WHERE id = ?", (day, exam.study_id))
        print(f"exam {number + 1} of 14 made", flush=True)
    db.close()
    console = Console.start(config, room_poll_s=0.5)
    window = MainWindow(console)
    window.resize(1280, 1000)
    window.show()
    try:
        window.show_page(window.service)

        QTimer.singleShot(50, confirm_service_pages)
        window.service.tabs.setCurrentWidget(window.service.quality)
        quality = window.service.quality
        wait_until(lambda: quality.rejects is not None and not quality.reading, 30)
        quality.period.setCurrentIndex(quality.period.findData("week"))
        quality.refresh()
        wait_until(lambda: not quality.reading, 30)
        save(window, "service-quality")
    finally:
        window.close()
        console.stop()
        sim.close()


if __name__ == "__main__":
    main()


"""Starting the console window: Qt application, logging, the station's services, main window.

The window runs the same services as ``vxacq serve`` (outbox and listener with storage
commitment), started as soon as it shows; when both run on one data dir, the outbox's leases
keep every job to one sender.
The room (generator and detector) is held open for the live status panel.
"""

from __future__ import annotations

import logging
import sys
import time

from vxacq.config import Config
from vxacq.logs import setup_logging

log = logging.getLogger(__name__)


def run_console(config: Config) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vxacq.ui.context import Console
    from vxacq.ui.i18n import install_translations
    from vxacq.ui.main_window import MainWindow
    from vxacq.ui.tasks import GuiGarbageCollector

    setup_logging(config.data_dir, config.station.log_patient_data)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VXacq")
    collector = GuiGarbageCollector(parent=app).start()
    # before any window is built: a widget takes its texts when it is made
    install_translations(app, config.station.language)
    console = Console.start(config, services_later=True)
    window = MainWindow(console)
    window.show()
    # Start-up is measured to this line (benchmarks/startup.py reads it from the log); the CPU
    # time is the process's, all threads, which a busy machine stretches less than the wall's.
    QTimer.singleShot(0, lambda: log.info("main window shown (%.2f s of CPU)",
                                          time.process_time()))
    # then at once the outbox and the listener (pynetdicom is imported for them), before any
    # click is handled; the status bar says when they run
    QTimer.singleShot(0, window.start_services)
    QTimer.singleShot(0, collector.settle)  # after the lines above: start-up is not slowed
    try:
        return app.exec()
    finally:
        console.stop()  # automatic collection stays off to the end (see GuiGarbageCollector)


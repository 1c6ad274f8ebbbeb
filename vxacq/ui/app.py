"""Starting the console window: Qt application, logging, the station's services, main window.

The window runs the same services as ``vxacq serve`` (outbox and listener with storage
commitment), started as soon as it shows; when both run on one data dir, the outbox's leases
keep every job to one sender.
The room (generator and detector) is held open for the live status panel.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time

from vxacq.config import Config
from vxacq.logs import setup_logging

log = logging.getLogger(__name__)

# The core modules the window's screens use, imported before Qt: PySide6 reads the source of
# every module imported after it (to see whether it uses PySide6's __feature__ switches),
# 0.1-0.2 s of the window's start for the database, DICOM and workflow modules.
# None of them imports pynetdicom (the window shows before it: tests/test_startup_imports.py).
WINDOW_CORE = (
    "vxacq.security.accounts", "vxacq.workflow.console", "vxacq.workflow.runtime",
    "vxacq.workflow.exam", "vxacq.workflow.closing", "vxacq.workflow.recovery",
    "vxacq.workflow.display", "vxacq.workflow.priors", "vxacq.workflow.media",
    "vxacq.workflow.rejection", "vxacq.workflow.refile", "vxacq.workflow.reconcile",
    "vxacq.workflow.search", "vxacq.workflow.history",
    "sqlalchemy.dialects.sqlite",
)


def run_console(config: Config) -> int:
    for name in WINDOW_CORE:
        importlib.import_module(name)
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


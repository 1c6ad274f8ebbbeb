"""Starting the console window: Qt application, logging, listener, main window."""

from __future__ import annotations

import sys

from vxacq.config import Config
from vxacq.logs import setup_logging
from vxacq.net.listener import Listener


def run_console(config: Config) -> int:
    from PySide6.QtWidgets import QApplication

    from vxacq.ui.main_window import MainWindow

    setup_logging(config.data_dir, config.station.log_patient_data)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VXacq")
    listener = Listener(config)
    listener.start()
    window = MainWindow(config, listener)
    window.show()
    try:
        return app.exec()
    finally:
        listener.stop()

"""The console window shows the station's configuration and its listener's state."""

import socket
from pathlib import Path

from pytestqt.qtbot import QtBot

from vxacq import config as configuration
from vxacq.net.listener import Listener
from vxacq.ui.main_window import MainWindow

EXAMPLE = Path(__file__).parent.parent / "vxacq" / "resources" / "vxacq.example.toml"


def test_window_shows_station_nodes_and_listener(qtbot: QtBot, tmp_path: Path) -> None:
    config = configuration.load(EXAMPLE)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        config.station.listen_port = s.getsockname()[1]
    config.station.data_dir = str(tmp_path)
    listener = Listener(config)
    listener.start()
    try:
        window = MainWindow(config, listener)
        qtbot.addWidget(window)
        assert window.windowTitle().startswith("VXacq")
        assert window.nodes_table.rowCount() == 3
        assert window.nodes_table.item(1, 1).text() == "ORTHANC"
        assert f"on port {config.station.listen_port}" in window.listener_label.text()
        listener.stop()
        window.refresh_listener()
        assert "stopped" in window.listener_label.text()
    finally:
        listener.stop()

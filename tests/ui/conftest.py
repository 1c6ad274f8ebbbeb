"""A console window on real peers: wlmscpfs (worklist), storescp and Orthanc (store, Orthanc
also commits), the strict test MPPS SCP, and the built-in simulated room."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import peers
from tests.net.mpps_scp import MppsScp
from tests.ui.driver import wait_until
from tests.workflow.conftest import calibrated_data, node, write_station  # noqa: F401 (fixture)
from vxacq.config import Config
from vxacq.ui.context import Console
from vxacq.ui.main_window import MainWindow
from vxacq.ui.tasks import GuiGarbageCollector
from vxacq.workflow.orders import ManualPatient, register_manual

STATION_AE = "VXACQ_WF"


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp) -> Iterator[None]:
    """Cycles collected on the GUI thread only, as in the console (vxacq.ui.app). The collector
    belongs to the application: it is never itself destroyed while a test ends."""
    collector = qapp.findChild(GuiGarbageCollector) or GuiGarbageCollector(parent=qapp)
    collector.start()
    yield
    collector.stop()


@dataclass
class Room:
    window: MainWindow
    console: Console
    config: Config
    worklist: peers.Peer
    storescp: peers.Peer
    orthanc: peers.Peer
    mpps: MppsScp


@pytest.fixture
def room(qtbot, tmp_path: Path, calibrated_data: Path, wlmscpfs: peers.Peer,  # noqa: F811
         storescp: peers.Peer, orthanc_factory) -> Iterator[Room]:
    listen_port = peers.free_port()
    orthanc = orthanc_factory(modalities={"console": (STATION_AE, "127.0.0.1", listen_port)})
    mpps = MppsScp(ae_title="TEST_RIS").start()
    nodes = (node("ris", wlmscpfs.ae_title, wlmscpfs.port, ["worklist"])
             + node("mppsrx", "TEST_RIS", mpps.port, ["mpps"])
             + node("pacs", orthanc.ae_title, orthanc.port, ["store", "commitment"],
                    commitment_timeout_minutes=5.0)
             + node("backup", storescp.ae_title, storescp.port, ["store"]))
    config = write_station(tmp_path / "station", calibrated_data, nodes, listen_port)
    console = Console.start(config, room_poll_s=0.2)
    window = MainWindow(console)
    qtbot.addWidget(window)
    window.show()
    try:
        yield Room(window, console, config, wlmscpfs, storescp, orthanc, mpps)
    finally:
        window.close()
        console.stop()
        mpps.stop()


@pytest.fixture
def station_window(qtbot, tmp_path: Path, calibrated_data: Path  # noqa: F811
                   ) -> Iterator[MainWindow]:
    """The console window of a station with no remote node, on the simulated room."""
    config = write_station(tmp_path / "station", calibrated_data, "", peers.free_port())
    console = Console.start(config, room_poll_s=0.2)
    window = MainWindow(console)
    qtbot.addWidget(window)
    window.show()
    try:
        yield window
    finally:
        window.close()
        console.stop()


@pytest.fixture
def knee_exam_window(station_window: MainWindow) -> MainWindow:
    """``station_window`` with an unscheduled knee exam open."""
    order = register_manual(station_window.console.db, ManualPatient(
        PatientName="Doe^Jane", PatientID="P-77", RequestedProcedureDescription="XR KNEE LEFT"))
    station_window.start_exam(order.id)
    wait_until(lambda: station_window.exam.exam is not None, 30, "the exam")
    return station_window

"""Demo-only: a small hospital department on loopback for ``vxacq demo`` (never product code).

:class:`DemoDepartment` runs the simulated X-ray room (generator and detector, as
``python -m hardware_sim`` would) and four DICOM peers built on pynetdicom, so the demo needs
nothing but the Python packages:

- ``ris`` (AE DEMO_RIS): a Modality Worklist with about twenty orders (names in Latin, Greek,
  Cyrillic, Japanese, Korean and Chinese scripts, each in its own character set) and an MPPS
  receiver;
- ``pacs`` (AE DEMO_PACS): an archive that stores and commits (reports on a new association)
  and answers Study Root C-FIND with what it holds and the demo patients' earlier studies
  (so the console's priors can be tried);
- ``printer`` (AE DEMO_PRINT): a Basic Grayscale Print SCP that records each film.

Every one answers C-ECHO (Verification).

``start()`` then ``console_config(config)`` gives the console's configuration pointed at them;
``stop()`` stops everything it started.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from pynetdicom import AE
from pynetdicom.sop_class import Verification

from hardware_sim.department.archive import Archive
from hardware_sim.department.mpps import MppsReceiver
from hardware_sim.department.orders import demo_orders, demo_priors
from hardware_sim.department.printer import PrintSCP
from hardware_sim.department.query import StudyFinder
from hardware_sim.department.retrieve import StudyRetriever
from hardware_sim.department.worklist import WorklistSCP
from vxacq.config import Config, NodeConfig

log = logging.getLogger(__name__)

HOST = "127.0.0.1"


def _serve(ae_title: str, port: int, *services: object):
    ae = AE(ae_title=ae_title)
    ae.maximum_pdu_size = 0
    ae.add_supported_context(Verification)  # pynetdicom answers C-ECHO itself
    handlers = []
    for service in services:
        for context in service.contexts:
            ae.add_supported_context(context)
        for sop_class in getattr(service, "scu_roles", ()):  # C-GET: we store to the caller
            ae.add_supported_context(sop_class, scu_role=True, scp_role=True)
        handlers += service.handlers
    return ae.start_server((HOST, port), block=False, evt_handlers=handlers)


class DemoDepartment:
    """The demo's peers; ports 0 pick free ones (read them from :meth:`nodes` after start)."""

    def __init__(self, folder: Path | str, console_ae: str, console_port: int, *,
                 ris_port: int = 0, pacs_port: int = 0, printer_port: int = 0,
                 detector_model: str = "DR4343", time_scale: float = 1.0) -> None:
        self.folder = Path(folder)
        self.console_ae, self.console_port = console_ae, console_port
        self.ports = {"ris": ris_port, "pacs": pacs_port, "printer": printer_port}
        self.detector_model, self.time_scale = detector_model, time_scale
        self.worklist = WorklistSCP(demo_orders(console_ae))
        self.mpps = MppsReceiver("DEMO_RIS")
        self.archive = Archive(self.folder / "archive", "DEMO_PACS",
                               {console_ae: (HOST, console_port)})
        self.query = StudyFinder(self.folder / "archive", demo_priors())
        self.retriever = StudyRetriever(self.folder / "archive", self.folder / "priors",
                                        self.query.earlier, {console_ae: (HOST, console_port)})
        self.printer = PrintSCP(self.folder / "printer")
        self.simulator = None
        self._servers: list = []

    def start(self) -> DemoDepartment:
        from hardware_sim.simulator import Simulator

        try:
            for name, ae, services in (("ris", "DEMO_RIS", (self.worklist, self.mpps)),
                                       ("pacs", "DEMO_PACS", (self.archive, self.query,
                                                                self.retriever)),
                                       ("printer", "DEMO_PRINT", (self.printer,))):
                server = _serve(ae, self.ports[name], *services)
                self._servers.append(server)
                self.ports[name] = server.server_address[1]
            self.simulator = Simulator(model=self.detector_model, time_scale=self.time_scale).start(HOST)
        except OSError:
            self.stop()
            raise
        log.info("demo department: RIS %d, PACS %d, printer %d, simulator %s", self.ports["ris"],
                 self.ports["pacs"], self.ports["printer"], self.simulator.detector_url)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
        self._servers = []
        if self.simulator is not None:
            self.simulator.close()
            self.simulator = None

    def __enter__(self) -> DemoDepartment:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def nodes(self) -> list[NodeConfig]:
        return [
            NodeConfig(name="ris", ae_title="DEMO_RIS", host=HOST, port=self.ports["ris"],
                       services=["worklist", "mpps"], retry_delay=2.0),
            NodeConfig(name="pacs", ae_title="DEMO_PACS", host=HOST, port=self.ports["pacs"],
                       services=["store", "commitment", "query"], retry_delay=2.0),
            NodeConfig(name="printer", ae_title="DEMO_PRINT", host=HOST, port=self.ports["printer"],
                       services=["print"], retry_delay=2.0),
        ]

    def console_config(self, config: Config) -> Config:
        """``config`` pointed at this department and the running simulator."""
        if self.simulator is None:
            raise RuntimeError("start the demo department first")
        hardware = replace(config.hardware, generator="simulator", detector="simulator",
                           generator_url=self.simulator.generator_url,
                           detector_url=self.simulator.detector_url,
                           detector_model=self.detector_model)
        return replace(config, hardware=hardware, nodes=self.nodes())
